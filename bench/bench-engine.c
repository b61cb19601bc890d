/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-engine: the matching engine's figures (docs/performance.md).
 *
 *   bench-engine [--streamers N] [--cooperations M] [--dir DIR | --db FILE]
 *                [--as-of YYYY-MM-DD] [--runs N] [--steps N]
 *                [--sql-brands N] [--sql-top N] [--no-sql] [--perturb] [--keep]
 *
 * Generates a synthetic dataset (default 100k streamers, 1M cooperations)
 * and imports it into a store, unless the store given with --db (or
 * DIR/bench.db with --dir) already holds one: then it is reused, since
 * generating and importing 1M/10M takes many minutes.  Then, in one child
 * process pinned to one core (so its peak RSS is its own):
 *
 *  - loads the catalog and builds the engine (tm_engine_new), with the
 *    memory of both;
 *  - ranks one brand (all candidates scored, top 50 selected) --runs times,
 *    cycling through the catalog's brands, and reports the median;
 *  - re-ranks after weight changes (tm_ranking_set_weights + top 50) as a
 *    slider would move them: style from 0.1 to 0.9 in --steps steps;
 *  - computes the same score as ONE SQL query over the same SQLite file
 *    (opened read-only, its own connection) for the first --sql-brands
 *    brands with the default weights and for the first brand once more
 *    with the slider's last weights, checks that it returns the same top
 *    50 as the engine (--sql-top 0: every included candidate), and prints
 *    the speed ratio.
 *
 * Exits with 1 when the engine and SQL disagree.
 *
 * --perturb (small datasets only) blanks optional inputs of some records
 * (tags, audience, price range, credit score, reviews, conversion, rating)
 * before the import, so that the SQL check also covers unknown inputs.
 */
#define G_LOG_DOMAIN "bench-engine"
/* sched_getcpu, CPU_SET */
#define _GNU_SOURCE

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sched.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tm-catalog.h"
#include "tm-engine.h"
#include "tm-generator.h"
#include "tm-json.h"
#include "tm-store.h"

#define TOP_N 50
/* Scores computed in SQL (doubles from the store's columns) and by the
 * engine (floats in the catalog) agree to about 1e-5; the check allows
 * this much. */
#define SCORE_TOLERANCE 0.01
/* Files per import transaction: the import parses every file of a
 * transaction before writing, so 1M/10M is imported in slices. */
#define FILES_PER_IMPORT 24
#define SHARD_SIZE 50000

static int n_streamers = 100000;
static int n_cooperations = 1000000;
static int runs = 21;
static int steps = 50;
static int sql_brands = 3;
static int sql_top = TOP_N;
static gboolean no_sql;
static gboolean perturb;
static gboolean keep;
static char *dir;
static char *db_file;
static char *as_of_text;
static TmDate as_of;

/* ---- phases in child processes ----------------------------------------- */

typedef int (*PhaseFunc) (void);

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

/* Runs @func in a child, so that the peak RSS printed is the phase's own. */
static gboolean
run_phase (const char *label,
           PhaseFunc   func)
{
  struct rusage usage;
  double start = now ();
  int status;
  pid_t pid;

  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      int rc = func ();

      fflush (stdout);
      _exit (rc);
    }
  if (wait4 (pid, &status, 0, &usage) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_printerr ("%s failed\n", label);
      return FALSE;
    }
  g_print ("%-34s %9.3f s   peak RSS %7.1f MiB\n", label, now () - start,
           usage.ru_maxrss / 1024.0);
  return TRUE;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Sorts @v in place. */
static double
median (double *v,
        guint   n)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
percentile (const double *sorted,
            guint         n,
            double        p)
{
  return sorted[MIN (n - 1, (guint) (p * (n - 1) + 0.5))];
}

/* ---- generate and import ----------------------------------------------- */

static char *
list_path (void)
{
  return g_build_filename (dir, "files.txt", NULL);
}

/* Blanks optional inputs of about one record in five, deterministically,
 * so that the SQL check meets every "unknown" branch of the formulas. */
static void
perturb_dataset (TmDataset *dataset)
{
  for (guint i = 0; i < dataset->streamers->len; i++)
    {
      TmStreamer *s = g_ptr_array_index (dataset->streamers, i);

      switch (i % 13)
        {
        case 1:
          g_array_set_size (s->style_tags, 0);
          break;
        case 2:
          s->audience.present = FALSE;
          break;
        case 3:
          s->price_low_fen = s->price_high_fen = TM_UNKNOWN_INT;
          break;
        case 4:
          s->credit_score = NAN;
          s->credit_platform = TM_PLATFORM_NONE;
          break;
        case 5:
          s->reviews_positive = s->reviews_negative = TM_UNKNOWN_INT;
          s->fake_review_share = NAN;
          break;
        case 6:
          s->engagement_rate = NAN;
          s->dispute_resolution_rate = NAN;
          s->repeat_buyer_rate = NAN;
          break;
        case 7:
          s->reviews_positive = s->reviews_negative = 0;
          break;
        default:
          break;
        }
    }
  for (guint i = 0; i < dataset->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);

      if (i % 7 == 1)
        c->conversion_rate = NAN;
      if (i % 11 == 2)
        c->rating = NAN;
      if (i % 17 == 3)
        c->conversion_rate = 0;
      if (i % 19 == 4)
        c->gmv_fen = 0;
    }
}

static int
phase_generate (void)
{
  TmGeneratorOptions options;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *list = list_path ();
  g_autoptr(GString) text = g_string_new (NULL);

  tm_generator_options_init (&options, n_streamers, 42);
  options.n_cooperations = n_cooperations;
  if (perturb)
    {
      g_autoptr(TmDataset) dataset = tm_generator_run (&options);
      g_autofree char *path = g_build_filename (dir, "perturbed.json", NULL);

      perturb_dataset (dataset);
      if (!tm_dataset_save_file (dataset, path, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (paths, g_steal_pointer (&path));
    }
  else if (!tm_generator_write (&options, dir, SHARD_SIZE, paths, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < paths->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (paths, i));
  if (!g_file_set_contents (list, text->str, text->len, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}

static int
phase_import (void)
{
  g_autofree char *list = list_path ();
  g_autofree char *text = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint n_files;

  if (!g_file_get_contents (list, &text, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_strchomp (text);
  files = g_strsplit (text, "\n", -1);
  n_files = g_strv_length (files);

  store = tm_store_open (db_file, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* The generator writes files in an order in which each one's references
   * resolve against those before it, so slices can be separate
   * transactions. */
  for (guint first = 0; first < n_files; first += FILES_PER_IMPORT)
    {
      guint n = MIN (FILES_PER_IMPORT, n_files - first);
      g_autofree const char **slice = g_new0 (const char *, n + 1);
      TmImportStats stats = { 0 };

      memcpy (slice, files + first, n * sizeof (char *));
      if (!tm_store_import_files (store, slice, &stats, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  return 0;
}

static void
remove_json_files (void)
{
  g_autofree char *list = list_path ();
  g_autofree char *text = NULL;
  g_auto(GStrv) files = NULL;

  if (!g_file_get_contents (list, &text, NULL, NULL))
    return;
  g_strchomp (text);
  files = g_strsplit (text, "\n", -1);
  for (guint i = 0; files[i] != NULL; i++)
    g_unlink (files[i]);
  g_unlink (list);
}

/* ---- the score as one SQL query ----------------------------------------- */

/*
 * docs/matching.md for one brand (:brand, its rowid in brands), as of
 * :as_of, with normalised weights :ns :nh :nt and risk weight :wr, over the
 * store's tables as they are (tm-store-schema.h): style tags are
 * "tag<TAB>weight" lines, split recursively; audiences are 13 numbers
 * separated by spaces, read as a JSON array; medians are the middle row
 * (or the mean of the two middle rows) by ROW_NUMBER within COUNT.
 * Returns the included candidates, best first: id, score, confidence and
 * the components S, H, T, P, cap.
 */
static const char score_sql[] =
  "WITH RECURSIVE\n"
  "br AS (\n"
  "  SELECT ix, id, category, style_tags,\n"
  "         typical_order_price_fen AS p, min_credit_score AS min_credit,\n"
  "         char(10) || blacklist || char(10) AS blacklist,\n"
  "         char(10) || competitor_brands || char(10) AS comp_brands,\n"
  "         char(10) || competitor_categories || char(10) AS comp_cats,\n"
  "         exclusivity_days AS excl_days,\n"
  "         json ('[' || replace (audience, ' ', ',') || ']') AS aud\n"
  "  FROM brands WHERE ix = :brand),\n"
  /* Style tags: x_tags = cosine of the brand's and the streamer's weights. */
  "btag_split (rest, tag, w) AS (\n"
  "  SELECT style_tags || char(10), NULL, NULL FROM br WHERE style_tags <> ''\n"
  "  UNION ALL\n"
  "  SELECT substr (rest, instr (rest, char(10)) + 1),\n"
  "         substr (rest, 1, instr (rest, char(9)) - 1),\n"
  "         CAST (substr (rest, instr (rest, char(9)) + 1,\n"
  "                       instr (rest, char(10)) - instr (rest, char(9)) - 1) AS REAL)\n"
  "  FROM btag_split WHERE rest <> ''),\n"
  "btag AS (SELECT tag, w FROM btag_split WHERE tag IS NOT NULL),\n"
  "stag_split (streamer, rest, tag, w) AS (\n"
  "  SELECT ix, style_tags || char(10), NULL, NULL FROM streamers WHERE style_tags <> ''\n"
  "  UNION ALL\n"
  "  SELECT streamer, substr (rest, instr (rest, char(10)) + 1),\n"
  "         substr (rest, 1, instr (rest, char(9)) - 1),\n"
  "         CAST (substr (rest, instr (rest, char(9)) + 1,\n"
  "                       instr (rest, char(10)) - instr (rest, char(9)) - 1) AS REAL)\n"
  "  FROM stag_split WHERE rest <> ''),\n"
  "x_tags AS (\n"
  "  SELECT s.streamer,\n"
  "         sum (coalesce (b.w, 0) * s.w)\n"
  "           / (sqrt (sum (s.w * s.w)) * (SELECT sqrt (sum (w * w)) FROM btag)) AS x\n"
  "  FROM stag_split s LEFT JOIN btag b ON b.tag = s.tag\n"
  "  WHERE s.tag IS NOT NULL AND EXISTS (SELECT 1 FROM btag)\n"
  "  GROUP BY s.streamer),\n"
  /* Typical figures per category: medians over the market records (brand
   * not in the catalog), or over all records of a category without any. */
  "market_cats AS (\n"
  "  SELECT DISTINCT brand_category AS k FROM cooperations WHERE brand IS NULL),\n"
  "yard AS (\n"
  "  SELECT brand_category AS k, gmv_fen AS gmv, conversion_rate AS conv,\n"
  "         return_rate AS ret, 1000.0 * complaints / max (orders, 1) AS cpk\n"
  "  FROM cooperations\n"
  "  WHERE brand IS NULL OR brand_category NOT IN (SELECT k FROM market_cats)),\n"
  "yard_ranked AS (\n"
  "  SELECT k, gmv, conv, ret, cpk,\n"
  "         count (*) OVER (PARTITION BY k) AS n,\n"
  "         count (conv) OVER (PARTITION BY k) AS n_conv,\n"
  "         row_number () OVER (PARTITION BY k ORDER BY gmv) AS r_gmv,\n"
  "         row_number () OVER (PARTITION BY k, conv IS NULL ORDER BY conv) AS r_conv,\n"
  "         row_number () OVER (PARTITION BY k ORDER BY ret) AS r_ret,\n"
  "         row_number () OVER (PARTITION BY k ORDER BY cpk) AS r_cpk\n"
  "  FROM yard),\n"
  "cat_typical AS (\n"
  "  SELECT k,\n"
  "         avg (CASE WHEN r_gmv IN ((n + 1) / 2, (n + 2) / 2) THEN gmv END) AS Mk,\n"
  "         avg (CASE WHEN conv IS NOT NULL\n"
  "                    AND r_conv IN ((n_conv + 1) / 2, (n_conv + 2) / 2) THEN conv END) AS Kk,\n"
  "         avg (CASE WHEN r_ret IN ((n + 1) / 2, (n + 2) / 2) THEN ret END) AS Rk,\n"
  "         avg (CASE WHEN r_cpk IN ((n + 1) / 2, (n + 2) / 2) THEN cpk END) AS Uk\n"
  "  FROM yard_ranked GROUP BY k),\n"
  /* M_s: the median GMV of the streamer's market records. */
  "streamer_typical AS (\n"
  "  SELECT streamer, avg (gmv_fen) AS Ms FROM (\n"
  "    SELECT streamer, gmv_fen,\n"
  "           row_number () OVER (PARTITION BY streamer ORDER BY gmv_fen) AS r,\n"
  "           count (*) OVER (PARTITION BY streamer) AS n\n"
  "    FROM cooperations WHERE brand IS NULL)\n"
  "  WHERE r IN ((n + 1) / 2, (n + 2) / 2)\n"
  "  GROUP BY streamer),\n"
  /* One row per cooperation: sub-scores g v q u s and the weight r·d. */
  "coop AS (\n"
  "  SELECT c.streamer, c.brand, c.brand_category AS k, c.date, c.brand_name,\n"
  "         ob.id AS brand_id,\n"
  "         max (0, min (1, 0.5 + 0.25 * log2 ((c.gmv_fen + 100.0)\n"
  "               / (sqrt (coalesce (nullif (st.Ms, 0), t.Mk) * t.Mk) + 100.0)))) AS g,\n"
  "         CASE WHEN c.conversion_rate IS NULL OR t.Kk IS NULL OR t.Kk = 0 THEN NULL\n"
  "              WHEN c.conversion_rate = 0 THEN 0.0\n"
  "              ELSE max (0, min (1, 0.5 + 0.25 * log2 (c.conversion_rate / t.Kk))) END AS v,\n"
  "         max (0, min (1, 0.5 - 0.5 * (c.return_rate - t.Rk) / max (t.Rk, 0.02))) AS q,\n"
  "         1.0 / (1.0 + (1000.0 * c.complaints / max (c.orders, 1)) / max (t.Uk, 0.5)) AS u,\n"
  "         CASE WHEN c.rating IS NULL THEN NULL\n"
  "              ELSE max (0, min (1, (c.rating - 3) / 2.0)) END AS s,\n"
  "         CASE WHEN c.brand = br.ix THEN 3.0\n"
  "              WHEN c.brand_category = br.category THEN 1.5\n"
  "              ELSE 1.0 END\n"
  "           * pow (2, -max (0, :as_of - c.date) / 180.0) AS w\n"
  "  FROM cooperations c\n"
  "  CROSS JOIN br\n"
  "  JOIN cat_typical t ON t.k = c.brand_category\n"
  "  LEFT JOIN streamer_typical st ON st.streamer = c.streamer\n"
  "  LEFT JOIN brands ob ON ob.ix = c.brand),\n"
  /* Per streamer: Σw, Σw·o, repeat count, category count, competitor. */
  "history AS (\n"
  "  SELECT streamer,\n"
  "         count (*) AS n,\n"
  "         sum (k = br.category) AS in_cat,\n"
  "         sum (brand IS br.ix) AS m,\n"
  "         sum (w) AS W,\n"
  "         sum (w * (0.30 * g + 0.15 * coalesce (v, 0) + 0.25 * q + 0.15 * u\n"
  "                   + 0.15 * coalesce (s, 0))\n"
  "                / (0.70 + 0.15 * (v IS NOT NULL) + 0.15 * (s IS NOT NULL))) AS Wo,\n"
  "         max (br.excl_days > 0 AND date >= :as_of - br.excl_days AND brand IS NOT br.ix\n"
  "              AND (instr (br.comp_brands, char(10) || brand_id || char(10)) > 0\n"
  "                   OR instr (br.comp_brands, char(10) || brand_name || char(10)) > 0\n"
  "                   OR instr (br.comp_cats, char(10) || k || char(10)) > 0)) AS competitor\n"
  "  FROM coop CROSS JOIN br\n"
  "  GROUP BY streamer),\n"
  /* Risk: penalty P and cap from the incidents. */
  "risk AS (\n"
  "  SELECT streamer,\n"
  "         sum (CASE severity WHEN 1 THEN 2 WHEN 2 THEN 5 WHEN 3 THEN 10 WHEN 4 THEN 18\n"
  "                            ELSE 30 END\n"
  "              * (CASE WHEN resolved THEN 0.4 ELSE 1.0 END)\n"
  "              * pow (2, -max (0, :as_of - date) / 365.0)) AS P,\n"
  "         min (CASE WHEN severity >= 4 THEN c0 + (100 - c0) * min (1, max (0, :as_of - date) / 730.0)\n"
  "              END) AS cap\n"
  "  FROM (SELECT *, CASE severity WHEN 5 THEN 30 ELSE 50 END\n"
  "                  + CASE WHEN resolved THEN 20 ELSE 0 END AS c0 FROM incidents)\n"
  "  GROUP BY streamer),\n"
  /* Every streamer's inputs, NULL where unknown. */
  "inputs AS (\n"
  "  SELECT s.ix, s.id,\n"
  "         xt.x AS x_tags,\n"
  "         0.4 * (instr (char(10) || s.categories || char(10),\n"
  "                       char(10) || br.category || char(10)) > 0)\n"
  "           + 0.6 * coalesce (h.in_cat, 0) / (coalesce (h.n, 0) + 2.0) AS x_cat,\n"
  "         CASE WHEN br.aud IS NOT NULL AND s.audience IS NOT NULL THEN (\n"
  "           SELECT 0.4 * (min (json_extract (a, '$[0]'), json_extract (br.aud, '$[0]'))\n"
  "                         + min (json_extract (a, '$[1]'), json_extract (br.aud, '$[1]'))\n"
  "                         + min (json_extract (a, '$[2]'), json_extract (br.aud, '$[2]'))\n"
  "                         + min (json_extract (a, '$[3]'), json_extract (br.aud, '$[3]'))\n"
  "                         + min (json_extract (a, '$[4]'), json_extract (br.aud, '$[4]'))\n"
  "                         + min (json_extract (a, '$[5]'), json_extract (br.aud, '$[5]')))\n"
  "                + 0.3 * (min (json_extract (a, '$[6]'), json_extract (br.aud, '$[6]'))\n"
  "                         + min (json_extract (a, '$[7]'), json_extract (br.aud, '$[7]')))\n"
  "                + 0.3 * (min (json_extract (a, '$[8]'), json_extract (br.aud, '$[8]'))\n"
  "                         + min (json_extract (a, '$[9]'), json_extract (br.aud, '$[9]'))\n"
  "                         + min (json_extract (a, '$[10]'), json_extract (br.aud, '$[10]'))\n"
  "                         + min (json_extract (a, '$[11]'), json_extract (br.aud, '$[11]'))\n"
  "                         + min (json_extract (a, '$[12]'), json_extract (br.aud, '$[12]')))\n"
  "           FROM (SELECT '[' || replace (s.audience, ' ', ',') || ']' AS a)) END AS x_aud,\n"
  "         CASE WHEN br.p <= 0 OR NOT s.price_low_fen > 0\n"
  "                   OR NOT s.price_high_fen >= s.price_low_fen THEN NULL\n"
  "              WHEN br.p BETWEEN s.price_low_fen AND s.price_high_fen THEN 1.0\n"
  "              ELSE max (0, min (1, 1 - abs (log2 (CAST (br.p AS REAL)\n"
  "                     / CASE WHEN br.p < s.price_low_fen THEN s.price_low_fen\n"
  "                            ELSE s.price_high_fen END)) / 2))\n"
  "         END AS x_price,\n"
  "         coalesce (h.W, 0) AS W, coalesce (h.Wo, 0) AS Wo, coalesce (h.m, 0) AS m,\n"
  "         CASE WHEN s.credit_score IS NULL OR NOT s.credit_scale > 0 THEN NULL\n"
  "              ELSE s.credit_score / s.credit_scale END AS pct,\n"
  "         CASE s.verification WHEN 'verified' THEN 1.0 WHEN 'pending' THEN 0.5\n"
  "              WHEN 'unverified' THEN 0.25 ELSE 0.0 END AS y_verif,\n"
  "         CASE WHEN coalesce (s.reviews_positive, 0) + coalesce (s.reviews_negative, 0) <= 0\n"
  "              THEN NULL\n"
  "              ELSE (coalesce (s.reviews_positive, 0) * (1 - coalesce (s.fake_review_share, 0)) + 1)\n"
  "                   / (coalesce (s.reviews_positive, 0) * (1 - coalesce (s.fake_review_share, 0))\n"
  "                      + coalesce (s.reviews_negative, 0) + 2) END AS y_reviews,\n"
  "         s.dispute_resolution_rate AS y_disputes,\n"
  "         max (0, min (1, s.engagement_rate / 0.08)) AS y_engagement,\n"
  "         max (0, min (1, s.repeat_buyer_rate / 0.4)) AS y_repeat,\n"
  "         coalesce (r.P, 0) AS P, coalesce (r.cap, 100) AS cap,\n"
  "         instr (br.blacklist, char(10) || s.id || char(10)) > 0\n"
  "           OR (br.min_credit > 0 AND (s.credit_score IS NULL OR NOT s.credit_scale > 0\n"
  "                   OR 100 * s.credit_score / s.credit_scale < br.min_credit - 1e-4))\n"
  "           OR coalesce (h.competitor, 0) AS excluded\n"
  "  FROM streamers s CROSS JOIN br\n"
  "  LEFT JOIN x_tags xt ON xt.streamer = s.ix\n"
  "  LEFT JOIN history h ON h.streamer = s.ix\n"
  "  LEFT JOIN risk r ON r.streamer = s.ix),\n"
  "components AS (\n"
  "  SELECT id, excluded, P, cap,\n"
  "         100 * (0.35 * coalesce (x_tags, 0.5) + 0.20 * x_cat\n"
  "                + 0.30 * coalesce (x_aud, 0.5) + 0.15 * coalesce (x_price, 0.5)) AS S,\n"
  "         100 * (0.85 * (Wo + 1.0) / (W + 2.0)\n"
  "                + 0.15 * CASE WHEN m >= 2 THEN 0.5 + 0.5 * min (1, (m - 1) / 2.0)\n"
  "                              ELSE 0.5 END) AS H,\n"
  "         100 * (0.25 * coalesce (max (0, min (1, (pct - 0.6) / 0.4)), 0.5)\n"
  "                + 0.15 * y_verif\n"
  "                + 0.20 * coalesce (y_reviews, 0.5)\n"
  "                + 0.15 * coalesce (y_disputes, 0.5)\n"
  "                + 0.10 * coalesce (y_engagement, 0.5)\n"
  "                + 0.15 * coalesce (y_repeat, 0.5)) AS T,\n"
  "         0.35 * (x_tags IS NOT NULL) + 0.20 + 0.30 * (x_aud IS NOT NULL)\n"
  "           + 0.15 * (x_price IS NOT NULL) AS cS,\n"
  "         W / (W + 2.0) AS cH,\n"
  "         0.25 * (pct IS NOT NULL) + 0.15 + 0.20 * (y_reviews IS NOT NULL)\n"
  "           + 0.15 * (y_disputes IS NOT NULL) + 0.10 * (y_engagement IS NOT NULL)\n"
  "           + 0.15 * (y_repeat IS NOT NULL) AS cT\n"
  "  FROM inputs)\n"
  "SELECT id,\n"
  "       CASE WHEN :wr > 0 THEN min (cap, max (0, :ns * S + :nh * H + :nt * T - :wr * P))\n"
  "            ELSE max (0, :ns * S + :nh * H + :nt * T) END AS score,\n"
  "       :ns * cS + :nh * cH + :nt * cT AS confidence,\n"
  "       S, H, T, P, cap\n"
  "FROM components\n"
  "WHERE NOT excluded\n"
  "ORDER BY score DESC, id\n"
  "LIMIT :top\n";

typedef struct {
  char   *id;
  double  score;
  double  confidence;
  double  s, h, t, p, cap;
} SqlRow;

static void
sql_row_clear (gpointer data)
{
  g_free (((SqlRow *) data)->id);
}

static void
bind_double (sqlite3_stmt *stmt,
             const char   *name,
             double        value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);

  g_assert (i > 0);
  sqlite3_bind_double (stmt, i, value);
}

static void
bind_int (sqlite3_stmt *stmt,
          const char   *name,
          gint64        value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);

  g_assert (i > 0);
  sqlite3_bind_int64 (stmt, i, value);
}

/* Runs the query for the brand with @brand_id; returns its rows and the
 * time it took, or NULL. */
static GArray *
sql_rank (sqlite3         *db,
          sqlite3_stmt    *stmt,
          const char      *brand_id,
          const TmWeights *weights,
          double          *seconds)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (SqlRow));
  double sum = weights->style + weights->history + weights->trust;
  sqlite3_stmt *find = NULL;
  gint64 brand_ix = -1;
  double start;
  int rc;

  g_array_set_clear_func (rows, sql_row_clear);
  if (sqlite3_prepare_v2 (db, "SELECT ix FROM brands WHERE id = ?", -1, &find, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (find, 1, brand_id, -1, SQLITE_STATIC);
  if (sqlite3_step (find) == SQLITE_ROW)
    brand_ix = sqlite3_column_int64 (find, 0);
  sqlite3_finalize (find);
  if (brand_ix < 0)
    return NULL;

  sqlite3_reset (stmt);
  bind_int (stmt, ":brand", brand_ix);
  bind_int (stmt, ":as_of", as_of);
  bind_double (stmt, ":ns", weights->style / sum);
  bind_double (stmt, ":nh", weights->history / sum);
  bind_double (stmt, ":nt", weights->trust / sum);
  bind_double (stmt, ":wr", weights->risk);
  bind_int (stmt, ":top", sql_top > 0 ? sql_top : -1);

  start = now ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SqlRow row;

      row.id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row.score = sqlite3_column_double (stmt, 1);
      row.confidence = sqlite3_column_double (stmt, 2);
      row.s = sqlite3_column_double (stmt, 3);
      row.h = sqlite3_column_double (stmt, 4);
      row.t = sqlite3_column_double (stmt, 5);
      row.p = sqlite3_column_double (stmt, 6);
      row.cap = sqlite3_column_double (stmt, 7);
      g_array_append_val (rows, row);
    }
  *seconds = now () - start;
  if (rc != SQLITE_DONE)
    {
      g_printerr ("SQL: %s\n", sqlite3_errmsg (db));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static void
print_candidate (const char        *side,
                 const char        *id,
                 const TmCandidate *c)
{
  if (c == NULL)
    {
      g_print ("      %-6s %-10s (not a streamer of the catalog)\n", side, id);
      return;
    }
  g_print ("      %-6s %-10s score %8.4f  S %8.4f  H %8.4f  T %8.4f  P %8.4f  cap %8.4f"
           "  conf %.4f  excl %u\n",
           side, id, c->score, c->style, c->history, c->trust, c->penalty, c->cap,
           c->confidence, c->exclusions);
}

static void
print_sql_row (const SqlRow *r)
{
  g_print ("      %-6s %-10s score %8.4f  S %8.4f  H %8.4f  T %8.4f  P %8.4f  cap %8.4f"
           "  conf %.4f\n",
           "SQL", r->id, r->score, r->s, r->h, r->t, r->p, r->cap, r->confidence);
}

/* Compares the SQL rows with the engine's ranking of the same brand and
 * weights, and prints the first disagreements with both sides' numbers.
 * They agree when every SQL row's streamer is included by the engine with
 * a score within SCORE_TOLERANCE, and both rankings hold the same
 * candidates in the same order, where candidates whose scores are within
 * the tolerance may trade places (the engine keeps floats, SQL doubles). */
static gboolean
compare_with_engine (TmEngine        *engine,
                     const TmBrand   *brand,
                     const TmWeights *weights,
                     GArray          *rows)
{
  TmCatalog *catalog = tm_engine_get_catalog (engine);
  g_autoptr(TmRanking) ranking = tm_engine_rank (engine, brand, weights);
  g_autoptr(GHashTable) in_sql = g_hash_table_new (g_str_hash, g_str_equal);
  const TmCandidate *cands;
  g_autofree guint32 *top = NULL;
  guint n_cands, n_top, want, n_bad = 0, n_swapped = 0;
  double max_diff = 0;

  cands = tm_ranking_get_candidates (ranking, &n_cands);
  want = sql_top > 0 ? (guint) sql_top : tm_ranking_get_n_included (ranking);
  top = g_new0 (guint32, MAX (want, 1));
  n_top = tm_ranking_top (ranking, want, FALSE, top);

  /* Each SQL row against the engine's candidate of the same id. */
  for (guint i = 0; i < rows->len; i++)
    {
      const SqlRow *r = &g_array_index (rows, SqlRow, i);
      gint e = tm_catalog_find_streamer (catalog, r->id);

      g_hash_table_add (in_sql, r->id);
      if (e >= 0 && cands[e].exclusions == 0)
        {
          double diff = fabs (cands[e].score - r->score);

          max_diff = MAX (max_diff, diff);
          if (diff <= SCORE_TOLERANCE)
            continue;
        }
      if (n_bad++ < 5)
        {
          g_print ("    DIFFERENT: SQL rank %u, %s\n", i + 1,
                   e < 0 ? "not in the catalog"
                   : cands[e].exclusions ? "excluded by the engine" : "different score");
          print_sql_row (r);
          print_candidate ("engine", r->id, e >= 0 ? &cands[e] : NULL);
        }
    }
  /* The engine's top against the SQL rows, place by place (after a
   * different score, every place below would differ). */
  if (n_top != rows->len)
    {
      g_print ("    DIFFERENT: the engine returns %u included candidates, SQL %u\n",
               n_top, rows->len);
      n_bad++;
    }
  for (guint i = 0; n_bad == 0 && i < MIN (n_top, rows->len); i++)
    {
      const SqlRow *r = &g_array_index (rows, SqlRow, i);
      const char *eid = catalog->streamers[top[i]].id;

      if (g_str_equal (eid, r->id))
        continue;
      /* A near tie may come out in either order. */
      if (fabs (cands[top[i]].score - r->score) <= SCORE_TOLERANCE)
        {
          n_swapped++;
          continue;
        }
      if (n_bad++ < 10)
        {
          g_print ("    DIFFERENT: rank %u\n", i + 1);
          print_candidate ("engine", eid, &cands[top[i]]);
          print_sql_row (r);
          if (!g_hash_table_contains (in_sql, eid))
            g_print ("      (%s is not among the SQL rows)\n", eid);
        }
    }
  g_print ("    %s: %u rows, largest score difference %.2g, %u near-tie places swapped\n",
           n_bad == 0 ? "same ranking" : "DIFFERENT RANKINGS", rows->len, max_diff, n_swapped);
  if (n_bad)
    g_print ("    %u disagreements\n", n_bad);
  return n_bad == 0;
}

/* ---- the engine phase ---------------------------------------------------- */

static gboolean
pin_to_one_core (void)
{
  cpu_set_t set;
  int cpu = sched_getcpu ();

  CPU_ZERO (&set);
  CPU_SET (cpu < 0 ? 0 : cpu, &set);
  return sched_setaffinity (0, sizeof set, &set) == 0;
}

static void
time_rank (TmEngine        *engine,
           const TmBrand   *brand,
           const TmWeights *weights,
           double          *seconds)
{
  guint32 top[TOP_N];
  double start = now ();
  TmRanking *ranking = tm_engine_rank (engine, brand, weights);

  tm_ranking_top (ranking, TOP_N, FALSE, top);
  *seconds = now () - start;
  tm_ranking_free (ranking);
}

static int
phase_engine (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(TmEngine) engine = NULL;
  g_autofree double *rank_times = NULL;
  g_autofree double *brand_best = NULL;
  g_autofree double *rerank_times = NULL;
  g_autofree double *sql_times = NULL;
  g_autofree double *engine_same = NULL;
  g_autofree char *as_of_str = tm_date_format (as_of);
  TmWeights weights;
  double start, load_s, build_s[3], rank_med, rerank_med, rss_engine;
  gsize catalog_size, engine_size, ranking_size;
  guint n_rerank = 0, n_sql = 0;
  gboolean pinned, all_same = TRUE;
  int n_brands;

  pinned = pin_to_one_core ();
  tm_weights_init_default (&weights);

  store = tm_store_open (db_file, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  start = now ();
  catalog = tm_catalog_load (store, &error);
  load_s = now () - start;
  if (catalog == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_clear_object (&store);
  n_brands = catalog->n_brands;
  if (n_brands == 0)
    {
      g_printerr ("The store has no brands to rank for\n");
      return 1;
    }

  /* Build three times: the first pays for page faults of fresh memory. */
  for (guint i = 0; i < G_N_ELEMENTS (build_s); i++)
    {
      g_clear_pointer (&engine, tm_engine_unref);
      start = now ();
      engine = tm_engine_new (catalog, as_of);
      build_s[i] = now () - start;
      if (engine == NULL)
        {
          g_printerr ("tm_engine_new returned NULL (is the engine still a stub?)\n");
          return 1;
        }
    }
  catalog_size = tm_catalog_get_memory_size (catalog);
  engine_size = tm_engine_get_memory_size (engine);
  ranking_size = (gsize) catalog->n_streamers * sizeof (TmCandidate);

  g_print ("  catalog: %u streamers, %u cooperations, %u incidents, %u brands; as of %s\n",
           catalog->n_streamers, catalog->n_cooperations, catalog->n_incidents,
           catalog->n_brands, as_of_str);
  g_print ("  %s\n", pinned ? "pinned to one core" : "NOT pinned (sched_setaffinity failed)");
  g_print ("  catalog load                  %9.3f s\n", load_s);
  g_print ("  engine build (tm_engine_new)  %9.3f s  (runs: %.3f %.3f %.3f)\n",
           median (build_s, G_N_ELEMENTS (build_s)), build_s[0], build_s[1], build_s[2]);
  g_print ("  memory: catalog %.1f MiB + engine %.1f MiB = %.1f MiB;"
           " one ranking %.1f MiB more\n",
           catalog_size / 1048576.0, engine_size / 1048576.0,
           (catalog_size + engine_size) / 1048576.0, ranking_size / 1048576.0);

  /* Rank one brand: all candidates scored, top 50 selected.  One warm-up
   * per brand, then --runs runs cycling through the brands. */
  for (int b = 0; b < n_brands; b++)
    {
      double s;

      time_rank (engine, catalog->brands[b], &weights, &s);
    }
  rank_times = g_new0 (double, runs);
  brand_best = g_new0 (double, n_brands);
  for (int i = 0; i < runs; i++)
    {
      int b = i % n_brands;

      time_rank (engine, catalog->brands[b], &weights, &rank_times[i]);
      if (i < n_brands || rank_times[i] < brand_best[b])
        brand_best[b] = rank_times[i];
    }
  g_print ("  rank time per brand, best of its runs (ms):");
  for (int b = 0; b < MIN (runs, n_brands); b++)
    g_print ("%s %s %.1f", b % 6 ? "," : "\n   ", catalog->brands[b]->id, brand_best[b] * 1e3);
  g_print ("\n");
  rank_med = median (rank_times, runs);
  g_print ("  rank one brand + top %d       %9.2f ms median of %d runs over %d brands"
           " (min %.2f, p90 %.2f, max %.2f)\n",
           TOP_N, rank_med * 1e3, runs, MIN (runs, n_brands), rank_times[0] * 1e3,
           percentile (rank_times, runs, 0.9) * 1e3, rank_times[runs - 1] * 1e3);

  /* Re-rank after a weight change, as a slider moves: style 0.1 → 0.9. */
  rerank_times = g_new0 (double, (gsize) steps * n_brands);
  for (int b = 0; b < n_brands; b++)
    {
      g_autoptr(TmRanking) ranking = tm_engine_rank (engine, catalog->brands[b], &weights);
      guint32 top[TOP_N], fresh_top[TOP_N];
      TmWeights w = weights;
      guint n, n_fresh;

      for (int i = 0; i < steps; i++)
        {
          double t0;

          w.style = 0.1 + 0.8 * i / MAX (steps - 1, 1);
          t0 = now ();
          tm_ranking_set_weights (ranking, &w);
          tm_ranking_top (ranking, TOP_N, FALSE, top);
          rerank_times[n_rerank++] = now () - t0;
        }
      /* The re-ranked top must be what a fresh ranking gives. */
      {
        g_autoptr(TmRanking) fresh = tm_engine_rank (engine, catalog->brands[b], &w);

        n = tm_ranking_top (ranking, TOP_N, FALSE, top);
        n_fresh = tm_ranking_top (fresh, TOP_N, FALSE, fresh_top);
        if (n != n_fresh || memcmp (top, fresh_top, n * sizeof (guint32)) != 0)
          {
            g_print ("  MISMATCH: re-ranked top %d of brand %s differs from a fresh ranking\n",
                     TOP_N, catalog->brands[b]->id);
            all_same = FALSE;
          }
      }
    }
  rerank_med = median (rerank_times, n_rerank);
  g_print ("  re-rank after a weight change %9.2f ms median of %u (%d slider steps x %d brands;"
           " min %.2f, p90 %.2f, max %.2f)\n",
           rerank_med * 1e3, n_rerank, steps, n_brands, rerank_times[0] * 1e3,
           percentile (rerank_times, n_rerank, 0.9) * 1e3, rerank_times[n_rerank - 1] * 1e3);
  g_print ("  re-ranked tops equal fresh rankings: %s\n", all_same ? "yes" : "NO");
  rss_engine = peak_rss_mib ();
  g_print ("  peak RSS so far (catalog + engine + rankings) %.1f MiB\n", rss_engine);

  if (no_sql)
    return all_same ? 0 : 1;

  /* The same score as one SQL query, same process, same file. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    double prepare_s, sql_med, engine_med;
    int n = MIN (sql_brands, n_brands);

    if (sqlite3_open_v2 (db_file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
      {
        g_printerr ("%s: %s\n", db_file, sqlite3_errmsg (db));
        sqlite3_close (db);
        return 1;
      }
    /* Give SQLite room for its sorts: the fair comparison is with SQLite
     * at its best, not with its 2 MB default cache. */
    sqlite3_exec (db, "PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY;"
                  "PRAGMA mmap_size = 4294967296", NULL, NULL, NULL);
    start = now ();
    if (sqlite3_prepare_v2 (db, score_sql, -1, &stmt, NULL) != SQLITE_OK)
      {
        g_printerr ("SQL: %s\n", sqlite3_errmsg (db));
        sqlite3_close (db);
        return 1;
      }
    prepare_s = now () - start;
    g_print ("  SQL: one query (%zu bytes of SQL, prepared in %.1f ms), SQLite %s,"
             " cache 512 MiB, temp store in memory\n",
             strlen (score_sql), prepare_s * 1e3, sqlite3_libversion ());

    sql_times = g_new0 (double, n + 1);
    engine_same = g_new0 (double, n + 1);
    for (int b = 0; b <= n; b++)
      {
        /* The brands with default weights, then the first brand once more
         * with the slider's last weights. */
        const TmBrand *brand = catalog->brands[b < n ? b : 0];
        TmWeights w = weights;
        g_autoptr(GArray) rows = NULL;
        double times[5];

        if (b == n)
          w.style = 0.9;
        rows = sql_rank (db, stmt, brand->id, &w, &sql_times[n_sql]);
        if (rows == NULL)
          {
            sqlite3_finalize (stmt);
            sqlite3_close (db);
            return 1;
          }
        for (guint i = 0; i < G_N_ELEMENTS (times); i++)
          time_rank (engine, brand, &w, &times[i]);
        engine_same[n_sql] = median (times, G_N_ELEMENTS (times));
        g_print ("  brand %s, weights style=%.2f history=%.2f trust=%.2f risk=%.2f:"
                 " SQL %.3f s, engine %.2f ms\n",
                 brand->id, w.style, w.history, w.trust, w.risk,
                 sql_times[n_sql], engine_same[n_sql] * 1e3);
        all_same &= compare_with_engine (engine, brand, &w, rows);
        n_sql++;
      }
    sql_med = median (sql_times, n_sql);
    engine_med = median (engine_same, n_sql);
    g_print ("  SQL query                     %9.3f s median of %u (one brand, top %d)\n",
             sql_med, n_sql, sql_top);
    g_print ("  engine rank, same brands      %9.2f ms median\n", engine_med * 1e3);
    g_print ("  ratio: the engine is %.0fx faster than SQL at ranking a brand"
             " (%.1fx counting a fresh engine build too)\n",
             sql_med / engine_med, sql_med / (engine_med + median (build_s, 3)));
    g_print ("  SQL and engine agree: %s\n", all_same ? "yes" : "NO");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  return all_same ? 0 : 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *made_dir = NULL;
  GOptionEntry entries[] = {
    { "streamers", 0, 0, G_OPTION_ARG_INT, &n_streamers, "Streamers to generate", "N" },
    { "cooperations", 0, 0, G_OPTION_ARG_INT, &n_cooperations, "Cooperations to generate", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
      "Work directory, kept: its bench.db is reused when present", "DIR" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_file,
      "Store to use, kept: generated and imported when missing, else reused", "FILE" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of_text,
      "Rank as of this day (default: the generator's 2026-11-01)", "YYYY-MM-DD" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Rankings to time (median reported)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Slider steps per brand for re-ranking", "N" },
    { "sql-brands", 0, 0, G_OPTION_ARG_INT, &sql_brands, "Brands to rank with SQL too", "N" },
    { "sql-top", 0, 0, G_OPTION_ARG_INT, &sql_top,
      "Rows to compare with SQL (0: every included candidate)", "N" },
    { "no-sql", 0, 0, G_OPTION_ARG_NONE, &no_sql, "Skip the SQL comparison", NULL },
    { "perturb", 0, 0, G_OPTION_ARG_NONE, &perturb,
      "Blank some optional inputs before importing (checks unknowns)", NULL },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the generated JSON files", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean temporary = FALSE, ok = TRUE;
  TmGeneratorOptions defaults;
  double load[3];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  runs = CLAMP (runs, 1, 100000);
  steps = CLAMP (steps, 1, 100000);
  tm_generator_options_init (&defaults, 1, 42);
  as_of = defaults.today;
  if (as_of_text != NULL && !tm_date_parse (as_of_text, &as_of))
    {
      g_printerr ("--as-of: not a date: %s\n", as_of_text);
      return 2;
    }

  if (dir == NULL && db_file != NULL)
    {
      g_autofree char *parent = g_path_get_dirname (db_file);

      dir = made_dir = g_dir_make_tmp ("tm-bench-XXXXXX", NULL);
      temporary = TRUE;
      g_mkdir_with_parents (parent, 0700);
    }
  else if (dir == NULL)
    {
      dir = made_dir = g_dir_make_tmp ("tm-bench-XXXXXX", NULL);
      temporary = !keep;
    }
  g_mkdir_with_parents (dir, 0700);
  if (db_file == NULL)
    db_file = g_build_filename (dir, "bench.db", NULL);

  /* The machine is shared: say how busy it was. */
  if (getloadavg (load, 3) != 3)
    load[0] = load[1] = load[2] = NAN;
  g_print ("TrustMatch engine benchmark: %u cores, load average %.2f %.2f %.2f\n",
           g_get_num_processors (), load[0], load[1], load[2]);
  g_print ("store: %s\n", db_file);

  if (g_file_test (db_file, G_FILE_TEST_EXISTS))
    {
      g_autoptr(TmStore) store = tm_store_open (db_file, &error);
      guint nb = 0, ns = 0, nc = 0, ni = 0;

      if (store == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      tm_store_count (store, &nb, &ns, &nc, &ni);
      g_print ("reusing the store: %u brands, %u streamers, %u cooperations, %u incidents\n",
               nb, ns, nc, ni);
      if (ns != (guint) n_streamers || nc != (guint) n_cooperations)
        g_print ("(not the %d streamers / %d cooperations asked for: remove the file to"
                 " regenerate)\n", n_streamers, n_cooperations);
    }
  else
    {
      g_print ("generating %d streamers, %d cooperations (seed 42)%s\n",
               n_streamers, n_cooperations, perturb ? ", some inputs blanked" : "");
      ok = run_phase ("generate + write JSON", phase_generate)
        && run_phase ("import", phase_import);
      if (!keep)
        remove_json_files ();
      if (!ok)
        g_unlink (db_file);
    }

  if (ok)
    ok = run_phase ("load + build + rank + SQL", phase_engine);

  if (temporary && !keep)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", dir);
    }
  return ok ? 0 : 1;
}
