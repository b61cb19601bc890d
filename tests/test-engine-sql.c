/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine-sql"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "tm-catalog.h"
#include "tm-engine.h"
#include "tm-generator.h"
#include "tm-score-sql.h"
#include "tm-store.h"

/*
 * The engine against an oracle: bench/tm-score-sql.c computes the score of
 * docs/matching.md as one SQL query over the store's file, written from
 * the documentation independently of the engine.  On generated catalogs,
 * with some optional inputs blanked and some set on the formulas' edges,
 * both must rank every brand alike for several weight settings, so that an
 * engine change that departs from the documented formulas fails here even
 * where no worked example of tests/test-engine.c reaches.
 */

/* The engine keeps floats, the SQL doubles: they agree to about 1e-5.
 * Every score and component must agree to SCORE_EPS; two candidates may
 * come in either order only when their scores are within TIE_EPS. */
#define SCORE_EPS 1e-3
#define TIE_EPS   1e-4
/* Disagreements printed per brand and weight setting, and how many
 * brands and weight settings print theirs (the others one line each). */
#define MAX_REPORTED 5
#define MAX_DETAILED 3

/* Big enough that the brands exclude candidates for every reason and that
 * severe incidents cap some scores, small enough that the test takes
 * seconds under the sanitizers. */
#define N_STREAMERS 400

typedef struct {
  const char *name;
  TmWeights   weights;
} Setting;

static const Setting settings[] = {
  { "default", { TM_WEIGHT_STYLE_DEFAULT, TM_WEIGHT_HISTORY_DEFAULT,
                 TM_WEIGHT_TRUST_DEFAULT, TM_WEIGHT_RISK_DEFAULT } },
  { "style-heavy", { 0.8, 0.1, 0.1, 1.0 } },
  { "history only", { 0.0, 1.0, 0.0, 1.0 } },
  { "risk 0", { TM_WEIGHT_STYLE_DEFAULT, TM_WEIGHT_HISTORY_DEFAULT,
                TM_WEIGHT_TRUST_DEFAULT, 0.0 } },
  { "risk 3", { TM_WEIGHT_STYLE_DEFAULT, TM_WEIGHT_HISTORY_DEFAULT,
                TM_WEIGHT_TRUST_DEFAULT, 3.0 } },
};

/* ---- a generated catalog, its engine and the SQL on its file ---------- */

typedef struct {
  char         *dir;
  char         *path;
  TmCatalog    *catalog;
  TmEngine     *engine;
  sqlite3      *db;
  TmDate        as_of;
} World;

static void
world_free (World *w)
{
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;

  if (w == NULL)
    return;
  wal = g_strconcat (w->path, "-wal", NULL);
  shm = g_strconcat (w->path, "-shm", NULL);
  g_clear_pointer (&w->db, sqlite3_close);
  g_clear_pointer (&w->engine, tm_engine_unref);
  g_clear_pointer (&w->catalog, tm_catalog_unref);
  g_unlink (w->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (w->dir);
  g_free (w->path);
  g_free (w->dir);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (World, world_free)

/* Puts some inputs on edges of the formulas where the generator's values
 * never fall: credit scores at a brand's minimum and just below it (on
 * streamers tm_score_sql_perturb() leaves whole), and one category whose
 * typical return rate and complaints are below the floors of the
 * cooperation outcomes. */
static void
sharpen_edges (TmDataset *dataset)
{
  g_autoptr(GHashTable) brand_category = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) strict = g_ptr_array_new ();
  const char *category = NULL;
  guint n = 0;

  for (guint i = 0; i < dataset->brands->len; i++)
    {
      TmBrand *b = g_ptr_array_index (dataset->brands, i);

      g_hash_table_insert (brand_category, b->id, b->category);
      if (b->min_credit_score > 0)
        g_ptr_array_add (strict, b);
    }
  g_assert_cmpuint (strict->len, >, 0);

  for (guint i = 0; i < dataset->streamers->len; i++)
    {
      TmStreamer *s = g_ptr_array_index (dataset->streamers, i);
      const TmBrand *b = g_ptr_array_index (strict, (i / 13) % strict->len);

      if (!isfinite (s->credit_score) || !(s->credit_scale > 0))
        continue;
      if (i % 13 == 8)
        s->credit_score = b->min_credit_score / 100 * s->credit_scale;
      else if (i % 13 == 9)
        s->credit_score = (b->min_credit_score - 0.3) / 100 * s->credit_scale;
    }

  for (guint i = 0; i < dataset->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);
      const char *k = c->brand_id != NULL ? g_hash_table_lookup (brand_category, c->brand_id)
                                          : c->brand_category;

      if (category == NULL)
        category = k;
      if (!g_str_equal (k, category))
        continue;
      /* Median 0.01 returns and no complaints; some above both. */
      c->return_rate = 0.01 * (n % 4);
      if (n % 3 != 0)
        c->complaints = 0;
      n++;
    }
}

/* Generates @n_streamers with @seed, blanks some optional inputs and
 * moves some onto edges, imports them into a temporary store and builds
 * the engine as of the generator's last day. */
static World *
world_new (guint64 seed,
           guint   n_streamers)
{
  const char *names[] = { "generated.json" };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) dataset = NULL;
  g_autoptr(TmStore) store = NULL;
  TmGeneratorOptions options;
  TmImportStats stats;
  World *w = g_new0 (World, 1);

  tm_generator_options_init (&options, n_streamers, seed);
  dataset = tm_generator_run (&options);
  tm_score_sql_perturb (dataset);
  sharpen_edges (dataset);
  w->as_of = options.today;

  w->dir = g_dir_make_tmp ("tm-engine-sql-XXXXXX", &error);
  g_assert_no_error (error);
  w->path = g_build_filename (w->dir, "test.db", NULL);
  store = tm_store_open (w->path, &error);
  g_assert_no_error (error);
  tm_store_import (store, &dataset, names, 1, &stats, &error);
  g_assert_no_error (error);
  w->catalog = tm_catalog_load (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (w->catalog);
  g_assert_cmpuint (w->catalog->n_streamers, ==, n_streamers);
  g_assert_cmpint (w->catalog->n_brands, >, 0);
  g_clear_object (&store);

  w->engine = tm_engine_new (w->catalog, w->as_of);
  g_assert_nonnull (w->engine);

  g_assert_cmpint (sqlite3_open_v2 (w->path, &w->db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return w;
}

/* ---- one comparison --------------------------------------------------- */

/* What the comparisons met, to show that they cover what they should. */
typedef struct {
  guint  kinds_seen;    /* TmExclusionFlags */
  guint  n_excluded;
  guint  n_capped;
  double max_diff;      /* the largest score difference */
} Coverage;

static char *
exclusions_text (guint flags)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (flags == 0)
    return g_strdup ("included");
  for (guint bit = 1; bit <= TM_EXCLUSION_COMPETITOR; bit <<= 1)
    if (flags & bit)
      g_string_append_printf (s, "%s%s", s->len ? "+" : "excluded: ",
                              tm_exclusion_code ((TmExclusionFlags) bit));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Both sides' numbers for one streamer, the line a failure prints. */
static void
report_streamer (GString             *out,
                 const char          *what,
                 const char          *id,
                 const TmCandidate   *c,
                 const TmScoreSqlRow *r)
{
  g_autofree char *excl = c != NULL ? exclusions_text (c->exclusions) : NULL;

  g_string_append_printf (out, "  %s: %s\n", id, what);
  if (c != NULL)
    g_string_append_printf (out,
                            "    engine score %9.5f  S %9.5f  H %9.5f  T %9.5f  P %9.5f"
                            "  cap %9.5f  conf %.5f  %s\n",
                            c->score, c->style, c->history, c->trust, c->penalty, c->cap,
                            c->confidence, excl);
  else
    g_string_append (out, "    engine (no such streamer)\n");
  if (r != NULL)
    g_string_append_printf (out,
                            "    SQL    score %9.5f  S %9.5f  H %9.5f  T %9.5f  P %9.5f"
                            "  cap %9.5f  conf %.5f  %s\n",
                            r->score, r->style, r->history, r->trust, r->penalty, r->cap,
                            r->confidence, r->excluded ? "excluded" : "included");
  else
    g_string_append (out, "    SQL    (no row)\n");
}

static gboolean
close_enough (double engine,
              double sql)
{
  return fabs (engine - sql) <= SCORE_EPS;
}

/* Walks one side's ranking (@order, streamer indices best first) and
 * checks that the other side's scores (@other, per streamer, a score
 * of -1 for none) never rise by more than TIE_EPS along it: then the two
 * rankings hold the same candidates in the same order, but for near ties. */
static guint
check_order (GString      *out,
             const char   *side,
             const char   *list,
             TmCatalog    *catalog,
             const guint  *order,
             guint         n,
             const double *own,
             const double *other,
             guint         n_bad)
{
  double lowest = INFINITY;
  guint lowest_at = 0;

  for (guint i = 0; i < n; i++)
    {
      double s = other[order[i]];

      if (s > lowest + TIE_EPS)
        {
          if (n_bad++ < MAX_REPORTED)
            g_string_append_printf (out,
                                    "  %s %s: %s at place %u (%.5f) is below %s at place %u"
                                    " (%.5f), but the other side scores them %.5f and %.5f\n",
                                    side, list, catalog->streamers[order[i]].id, i + 1,
                                    own[order[i]], catalog->streamers[order[lowest_at]].id,
                                    lowest_at + 1, own[order[lowest_at]], s, lowest);
        }
      else if (s < lowest)
        {
          lowest = s;
          lowest_at = i;
        }
    }
  return n_bad;
}

/* Ranks @brand with @setting's weights and compares with @rows, the
 * SQL's: the same candidates included and excluded, every score,
 * confidence and component within SCORE_EPS, the same order but for near
 * ties.  Returns the number of disagreements, described in @out. */
static guint
compare_brand (World         *w,
               const TmBrand *brand,
               const Setting *setting,
               GArray        *rows,
               GString       *out,
               Coverage      *coverage)
{
  TmCatalog *catalog = w->catalog;
  guint n = catalog->n_streamers;
  g_autoptr(TmRanking) ranking = tm_engine_rank (w->engine, brand, &setting->weights);
  g_autofree gint *sql_of = g_new (gint, n);
  g_autofree double *engine_score = g_new (double, n);
  g_autofree double *sql_score = g_new (double, n);
  g_autofree guint32 *top = g_new (guint32, MAX (n, 1));
  /* Streamer indices, best first: included and excluded, SQL and engine. */
  g_autofree guint *orders = g_new (guint, 4 * MAX (n, 1));
  guint *sql_order[2] = { orders, orders + n };
  guint *engine_order[2] = { orders + 2 * n, orders + 3 * n };
  guint n_sql[2] = { 0, 0 }, n_engine[2];
  const TmCandidate *cands;
  guint n_cands, n_bad = 0;

  cands = tm_ranking_get_candidates (ranking, &n_cands);
  g_assert_cmpuint (n_cands, ==, n);

  /* The SQL's rows by streamer, and its two lists in its order. */
  for (guint i = 0; i < n; i++)
    {
      sql_of[i] = -1;
      engine_score[i] = cands[i].score;
      sql_score[i] = -1;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      const TmScoreSqlRow *r = &g_array_index (rows, TmScoreSqlRow, i);
      gint s = tm_catalog_find_streamer (catalog, r->id);

      if (s < 0 || sql_of[s] >= 0)
        {
          if (n_bad++ < MAX_REPORTED)
            g_string_append_printf (out, "  SQL row %u names %s streamer %s\n", i + 1,
                                    s < 0 ? "an unknown" : "again the", r->id);
          continue;
        }
      sql_of[s] = (gint) i;
      sql_score[s] = r->score;
      sql_order[r->excluded][n_sql[r->excluded]++] = (guint) s;
    }

  /* Each streamer: the same side of the constraints, the same numbers. */
  for (guint i = 0; i < n; i++)
    {
      const TmCandidate *c = &cands[i];
      const TmScoreSqlRow *r = NULL;
      const char *what = NULL;

      if (sql_of[i] >= 0)
        r = &g_array_index (rows, TmScoreSqlRow, sql_of[i]);
      coverage->kinds_seen |= c->exclusions;
      coverage->n_excluded += c->exclusions != 0;
      coverage->n_capped += c->cap < 100;
      if (r != NULL)
        coverage->max_diff = MAX (coverage->max_diff, fabs (c->score - r->score));
      if (r == NULL)
        what = "no SQL row";
      else if ((c->exclusions != 0) != r->excluded)
        what = r->excluded ? "excluded by SQL only" : "excluded by the engine only";
      else if (!close_enough (c->score, r->score))
        what = "different scores";
      else if (!close_enough (c->style, r->style) || !close_enough (c->history, r->history)
               || !close_enough (c->trust, r->trust) || !close_enough (c->penalty, r->penalty)
               || !close_enough (c->cap, r->cap) || !close_enough (c->confidence, r->confidence))
        what = "different components";
      if (what != NULL && n_bad++ < MAX_REPORTED)
        report_streamer (out, what, catalog->streamers[i].id, c, r);
    }

  /* The orders, both ways, in both lists. */
  for (guint list = 0; list < 2; list++)
    {
      const char *name = list ? "excluded" : "included";

      n_engine[list] = tm_ranking_top (ranking, n, list == 1, top);
      for (guint i = 0; i < n_engine[list]; i++)
        engine_order[list][i] = top[i];
      if (n_engine[list] != n_sql[list] && n_bad++ < MAX_REPORTED)
        g_string_append_printf (out, "  %u %s by the engine, %u by SQL\n",
                                n_engine[list], name, n_sql[list]);
      n_bad = check_order (out, "engine", name, catalog, engine_order[list], n_engine[list],
                           engine_score, sql_score, n_bad);
      n_bad = check_order (out, "SQL", name, catalog, sql_order[list], n_sql[list],
                           sql_score, engine_score, n_bad);
    }
  g_assert_cmpuint (n_engine[0], ==, tm_ranking_get_n_included (ranking));
  g_assert_cmpuint (n_engine[1], ==, tm_ranking_get_n_excluded (ranking));

  if (n_bad > MAX_REPORTED)
    g_string_append (out, "  ...\n");
  return n_bad;
}

/* ---- the tests -------------------------------------------------------- */

/* tm_score_sql_run_weights() computes the components once per brand; its
 * rows must be those of the query in one piece, as bench-engine runs it. */
static void
check_shortcut (World           *w,
                const TmBrand   *brand,
                const TmWeights *weights,
                GArray          *shortcut)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  sqlite3_stmt *stmt;

  stmt = tm_score_sql_prepare (w->db, TM_SCORE_SQL_ALL, &error);
  g_assert_no_error (error);
  rows = tm_score_sql_run (w->db, stmt, brand->id, w->as_of, weights, 0, NULL, &error);
  g_assert_no_error (error);
  sqlite3_finalize (stmt);

  g_assert_cmpuint (rows->len, ==, shortcut->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const TmScoreSqlRow *a = &g_array_index (rows, TmScoreSqlRow, i);
      const TmScoreSqlRow *b = &g_array_index (shortcut, TmScoreSqlRow, i);

      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpfloat_with_epsilon (a->score, b->score, 1e-9);
      g_assert_cmpfloat_with_epsilon (a->confidence, b->confidence, 1e-9);
      g_assert_cmpint (a->excluded, ==, b->excluded);
    }
}

static void
test_generated (gconstpointer data)
{
  guint64 seed = GPOINTER_TO_SIZE (data);
  g_autoptr(World) w = world_new (seed, N_STREAMERS);
  g_autoptr(GString) out = g_string_new (NULL);
  TmWeights weights[G_N_ELEMENTS (settings)];
  Coverage coverage = { 0 };
  guint n_bad = 0, n_failed = 0;

  for (guint k = 0; k < G_N_ELEMENTS (settings); k++)
    weights[k] = settings[k].weights;
  for (guint b = 0; b < (guint) w->catalog->n_brands; b++)
    {
      const TmBrand *brand = w->catalog->brands[b];
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GError) error = NULL;

      rows = tm_score_sql_run_weights (w->db, TM_SCORE_SQL_ALL, brand->id, w->as_of,
                                       weights, G_N_ELEMENTS (weights), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (settings));
      if (b == 0)
        check_shortcut (w, brand, &weights[0], g_ptr_array_index (rows, 0));
      for (guint k = 0; k < G_N_ELEMENTS (settings); k++)
        {
          const Setting *setting = &settings[k];
          g_autoptr(GString) details = g_string_new (NULL);
          guint bad;

          bad = compare_brand (w, brand, setting, g_ptr_array_index (rows, k), details,
                               &coverage);
          if (bad == 0)
            continue;
          n_bad += bad;
          n_failed++;
          g_string_append_printf (out, "brand %s, weights %s (style %.2f, history %.2f,"
                                  " trust %.2f, risk %.2f): %u disagreements%s\n",
                                  brand->id, setting->name, setting->weights.style,
                                  setting->weights.history, setting->weights.trust,
                                  setting->weights.risk, bad,
                                  n_failed <= MAX_DETAILED ? ":" : "");
          if (n_failed <= MAX_DETAILED)
            g_string_append (out, details->str);
        }
    }

  if (n_bad > 0)
    {
      g_autofree char *as_of = tm_date_format (w->as_of);

      g_test_message ("The engine departs from the SQL of docs/matching.md"
                      " (bench/tm-score-sql.c) on a generated catalog (seed %" G_GUINT64_FORMAT
                      ", %u streamers, inputs blanked as bench-engine --perturb does and some"
                      " on edges), as of %s:\n%s",
                      seed, N_STREAMERS, as_of, out->str);
    }
  g_assert_cmpuint (n_bad, ==, 0);
  g_test_message ("seed %" G_GUINT64_FORMAT ": %u brands x %u weight settings x %u streamers"
                  " agree, %u of the candidates excluded, %u capped; largest score"
                  " difference %.2g",
                  seed, w->catalog->n_brands, (guint) G_N_ELEMENTS (settings),
                  w->catalog->n_streamers, coverage.n_excluded, coverage.n_capped,
                  coverage.max_diff);
  /* Otherwise a reason for exclusions, or the cap, would go unchecked. */
  g_assert_cmpuint (coverage.kinds_seen, ==,
                    TM_EXCLUSION_BLACKLIST | TM_EXCLUSION_MIN_CREDIT | TM_EXCLUSION_COMPETITOR);
  g_assert_cmpuint (coverage.n_capped, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/engine-sql/generated/seed-1", GSIZE_TO_POINTER (1), test_generated);
  g_test_add_data_func ("/engine-sql/generated/seed-2024", GSIZE_TO_POINTER (2024), test_generated);

  return g_test_run ();
}
