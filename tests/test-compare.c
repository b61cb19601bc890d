/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-compare"

#include "config.h"

#include <math.h>

#include "tm-catalog.h"
#include "tm-compare.h"
#include "tm-engine.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/*
 * The figures of a comparison on the bundled sample data: factor sums add
 * up to the score, best marks follow the shown values, and the counts
 * agree with oracles that scan the catalog's whole record arrays.
 */

static TmCatalog *catalog;

static void
test_factor_sums (void)
{
  g_autoptr(TmEngine) engine = tm_engine_new (catalog, tm_date_today ());
  g_autoptr(GPtrArray) explanations = NULL;
  guint streamers[3] = { 0, catalog->n_streamers / 2, catalog->n_streamers - 1 };
  TmWeights w;

  tm_weights_init_default (&w);
  explanations = tm_engine_compare (engine, catalog->brands[0], streamers, 3, &w);
  g_assert_cmpuint (explanations->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      double total = 0.0, sum;

      g_assert_cmpuint (e->candidate.streamer, ==, streamers[i]);
      for (guint f = 0; f < TM_N_FACTORS; f++)
        if (tm_compare_factor_sum (e, f, &sum))
          total += sum;
        else
          g_assert_cmpfloat (sum, ==, 0.0);
      /* The rows of a column add up to its score. */
      g_assert_cmpfloat_with_epsilon (total, e->candidate.score, 1e-3);
      g_assert_true (tm_compare_factor_sum (e, TM_FACTOR_NEUTRAL, &sum));
      g_assert_cmpfloat (sum, ==, 50.0);
    }
}

static char *
format_1 (double value)
{
  return g_strdup_printf ("%.1f", value);
}

static char *
format_2 (double value)
{
  return g_strdup_printf ("%.2f", value);
}

static char *
format_percent (double value)
{
  return g_strdup_printf ("%.0f%%", value * 100.0);
}

static void
test_best_mask (void)
{
  const double a[] = { 61.24, 70.0, 69.96 };
  const double same[] = { 1.04, 1.0, 0.96 };
  const double penalty[] = { 3.0, 0.0, 0.04 };

  /* 70.0 and 69.96 both show as 70.0: both are the best. */
  g_assert_cmphex (tm_compare_best_mask (a, 3, TM_COMPARE_BEST_HIGHEST, format_1), ==, 0x6);
  g_assert_cmphex (tm_compare_best_mask (a, 3, TM_COMPARE_BEST_HIGHEST, format_2), ==, 0x2);
  g_assert_cmphex (tm_compare_best_mask (a, 3, TM_COMPARE_BEST_LOWEST, format_1), ==, 0x1);
  /* A row whose values all show the same has no best. */
  g_assert_cmphex (tm_compare_best_mask (same, 3, TM_COMPARE_BEST_HIGHEST, format_1), ==, 0x0);
  g_assert_cmphex (tm_compare_best_mask (same, 3, TM_COMPARE_BEST_HIGHEST, format_2), ==, 0x1);
  g_assert_cmphex (tm_compare_best_mask (penalty, 3, TM_COMPARE_BEST_LOWEST, format_1), ==, 0x6);
  g_assert_cmphex (tm_compare_best_mask (a, 3, TM_COMPARE_BEST_NONE, format_1), ==, 0x0);

  /* Ties are what the reader sees: printf rounds an exact half to even,
   * so 72.25 shows as "72.2" and ties with 72.2, although rounding half
   * away from zero would make it 72.3 and the only best.  Likewise 0.125
   * shows as "12%", as 0.12 does. */
  {
    const double half[] = { 72.25, 72.2, 70.0 };
    const double share[] = { 0.125, 0.12, 0.10 };

    g_assert_cmphex (tm_compare_best_mask (half, 3, TM_COMPARE_BEST_HIGHEST, format_1), ==, 0x3);
    g_assert_cmphex (tm_compare_best_mask (share, 3, TM_COMPARE_BEST_HIGHEST, format_percent), ==, 0x3);
  }

  /* An unknown figure (NAN) is never the best, wherever it stands, and
   * does not make a row of equal known values look different. */
  {
    const double unknown_first[] = { NAN, 0.42, 0.35 };
    const double unknown_last[] = { 0.42, 0.35, NAN };
    const double equal_known[] = { 0.5, NAN, 0.5 };
    const double one_known[] = { NAN, 0.5 };

    g_assert_cmphex (tm_compare_best_mask (unknown_first, 3, TM_COMPARE_BEST_HIGHEST, format_2), ==, 0x2);
    g_assert_cmphex (tm_compare_best_mask (unknown_first, 3, TM_COMPARE_BEST_LOWEST, format_2), ==, 0x4);
    g_assert_cmphex (tm_compare_best_mask (unknown_last, 3, TM_COMPARE_BEST_HIGHEST, format_2), ==, 0x1);
    g_assert_cmphex (tm_compare_best_mask (equal_known, 3, TM_COMPARE_BEST_HIGHEST, format_2), ==, 0x0);
    g_assert_cmphex (tm_compare_best_mask (one_known, 2, TM_COMPARE_BEST_HIGHEST, format_2), ==, 0x0);
  }
}

/* The source of a count: each source with its number of records, most
 * first, and the span of days observed. */
static void
test_summarize_provenance (void)
{
  TmProvenance p[4] = {
    { TM_SOURCE_MANUAL, tm_date_from_ymd (2025, 3, 2), TM_BASIS_OBSERVED },
    { TM_SOURCE_EXPORT, tm_date_from_ymd (2024, 1, 5), TM_BASIS_OBSERVED },
    { TM_SOURCE_EXPORT, tm_date_from_ymd (2024, 6, 1), TM_BASIS_MEASURED },
    { TM_SOURCE_EXPORT, tm_date_from_ymd (2024, 7, 1), TM_BASIS_OBSERVED },
  };
  g_autofree char *all = tm_compare_summarize_provenance (p, 4);
  g_autofree char *one = tm_compare_summarize_provenance (p, 1);
  g_autofree char *expected_all = g_strdup_printf ("%s ×3, %s ×1 · 2024-01-05 to 2025-03-02",
                                                   tm_source_label (TM_SOURCE_EXPORT),
                                                   tm_source_label (TM_SOURCE_MANUAL));
  g_autofree char *expected_one = g_strdup_printf ("%s ×1 · 2025-03-02",
                                                   tm_source_label (TM_SOURCE_MANUAL));

  g_assert_cmpstr (all, ==, expected_all);
  g_assert_cmpstr (one, ==, expected_one);
  g_assert_null (tm_compare_summarize_provenance (NULL, 0));

  /* A record without a day counts for its source, not for the span. */
  {
    TmProvenance q[2] = {
      { TM_SOURCE_MANUAL, tm_date_from_ymd (2025, 3, 2), TM_BASIS_OBSERVED },
      { TM_SOURCE_MANUAL, TM_DATE_NONE, TM_BASIS_OBSERVED },
    };
    g_autofree char *both = tm_compare_summarize_provenance (q, 2);
    g_autofree char *undated = tm_compare_summarize_provenance (q + 1, 1);
    g_autofree char *want_both = g_strdup_printf ("%s ×2 · 2025-03-02", tm_source_label (TM_SOURCE_MANUAL));
    g_autofree char *want_undated = g_strdup_printf ("%s ×1", tm_source_label (TM_SOURCE_MANUAL));

    g_assert_cmpstr (both, ==, want_both);
    g_assert_cmpstr (undated, ==, want_undated);
  }
}

static void
test_counts (void)
{
  for (guint b = 0; b < catalog->n_brands; b++)
    {
      const char *brand_id = catalog->brands[b]->id;
      guint total = 0, oracle = 0;

      for (guint s = 0; s < catalog->n_streamers; s++)
        total += tm_compare_count_brand_cooperations (catalog, s, brand_id);
      for (guint k = 0; k < catalog->n_cooperations; k++)
        if (catalog->cooperations[k].brand == (gint32) b)
          oracle++;
      g_assert_cmpuint (total, ==, oracle);
    }
  g_assert_cmpuint (tm_compare_count_brand_cooperations (catalog, 0, "no-such-brand"), ==, 0);

  {
    guint open = 0, oracle = 0;

    for (guint s = 0; s < catalog->n_streamers; s++)
      open += tm_compare_count_open_incidents (catalog, s);
    for (guint k = 0; k < catalog->n_incidents; k++)
      if (!catalog->incidents[k].resolved)
        oracle++;
    g_assert_cmpuint (open, ==, oracle);
    g_assert_cmpuint (oracle, >, 0);
  }
}

int
main (int argc, char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  catalog = tm_test_load_sample_catalog ();

  g_test_add_func ("/compare/factor-sums", test_factor_sums);
  g_test_add_func ("/compare/best-mask", test_best_mask);
  g_test_add_func ("/compare/counts", test_counts);
  g_test_add_func ("/compare/summarize-provenance", test_summarize_provenance);

  rc = g_test_run ();
  tm_catalog_unref (catalog);
  return rc;
}
