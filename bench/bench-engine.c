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
 *  - computes the same score as ONE SQL query (tm-score-sql.c) over the
 *    same SQLite file (opened read-only, its own connection) for the
 *    first --sql-brands brands with the default weights and for the first
 *    brand once more with the slider's last weights, checks that it
 *    returns the same top 50 as the engine (--sql-top 0: every included
 *    candidate), and prints the speed ratio.
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

#include "tm-bench.h"
#include "tm-catalog.h"
#include "tm-engine.h"
#include "tm-generator.h"
#include "tm-json.h"
#include "tm-score-sql.h"
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

      tm_score_sql_perturb (dataset);
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

/* ---- the engine against the score in SQL ------------------------------ */

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
print_sql_row (const TmScoreSqlRow *r)
{
  g_print ("      %-6s %-10s score %8.4f  S %8.4f  H %8.4f  T %8.4f  P %8.4f  cap %8.4f"
           "  conf %.4f\n",
           "SQL", r->id, r->score, r->style, r->history, r->trust, r->penalty, r->cap,
           r->confidence);
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
      const TmScoreSqlRow *r = &g_array_index (rows, TmScoreSqlRow, i);
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
      const TmScoreSqlRow *r = &g_array_index (rows, TmScoreSqlRow, i);
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
  {
    /* The runs in the order they ran: the median sorts a copy. */
    double sorted[G_N_ELEMENTS (build_s)];
    double build_med;

    memcpy (sorted, build_s, sizeof build_s);
    build_med = tm_bench_median (sorted, G_N_ELEMENTS (sorted));
    g_print ("  engine build (tm_engine_new)  %9.3f s  (runs: %.3f %.3f %.3f)\n",
             build_med, build_s[0], build_s[1], build_s[2]);
  }
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
  rank_med = tm_bench_median (rank_times, runs);
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
  rerank_med = tm_bench_median (rerank_times, n_rerank);
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
    stmt = tm_score_sql_prepare (db, TM_SCORE_SQL_INCLUDED, &error);
    if (stmt == NULL)
      {
        g_printerr ("%s\n", error->message);
        sqlite3_close (db);
        return 1;
      }
    prepare_s = now () - start;
    g_print ("  SQL: one query (%zu bytes of SQL, prepared in %.1f ms), SQLite %s,"
             " cache 512 MiB, temp store in memory\n",
             strlen (sqlite3_sql (stmt)), prepare_s * 1e3, sqlite3_libversion ());

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
        rows = tm_score_sql_run (db, stmt, brand->id, as_of, &w, MAX (sql_top, 0),
                                 &sql_times[n_sql], &error);
        if (rows == NULL)
          {
            g_printerr ("%s\n", error->message);
            sqlite3_finalize (stmt);
            sqlite3_close (db);
            return 1;
          }
        for (guint i = 0; i < G_N_ELEMENTS (times); i++)
          time_rank (engine, brand, &w, &times[i]);
        engine_same[n_sql] = tm_bench_median (times, G_N_ELEMENTS (times));
        g_print ("  brand %s, weights style=%.2f history=%.2f trust=%.2f risk=%.2f:"
                 " SQL %.3f s, engine %.2f ms\n",
                 brand->id, w.style, w.history, w.trust, w.risk,
                 sql_times[n_sql], engine_same[n_sql] * 1e3);
        all_same &= compare_with_engine (engine, brand, &w, rows);
        n_sql++;
      }
    sql_med = tm_bench_median (sql_times, n_sql);
    engine_med = tm_bench_median (engine_same, n_sql);
    g_print ("  SQL query                     %9.3f s median of %u (one brand, top %d)\n",
             sql_med, n_sql, sql_top);
    g_print ("  engine rank, same brands      %9.2f ms median\n", engine_med * 1e3);
    g_print ("  ratio: the engine is %.0fx faster than SQL at ranking a brand"
             " (%.1fx counting a fresh engine build too)\n",
             sql_med / engine_med, sql_med / (engine_med + tm_bench_median (build_s, 3)));
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
