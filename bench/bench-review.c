/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-review: the partnership review on a large catalog.
 *
 *   bench-review [--repeats N] [STORE]
 *
 * Loads the catalog of STORE (default /tmp/bs-100k/source.db; the store
 * is only read) and times, for each brand: the first review (which
 * gathers and sorts the brand's cooperations), then a review of all
 * time, of the last year of data, and of one platform, each the median
 * and maximum of N runs.
 */
#define G_LOG_DOMAIN "bench-review"

#include "config.h"

#include <stdio.h>

#include "tm-bench.h"
#include "tm-catalog.h"
#include "tm-review.h"
#include "tm-store.h"

static int repeats = 9;

static double
time_compute (TmReview             *review,
              guint                 brand,
              const TmReviewFilter *filter,
              double               *max,
              guint                *count)
{
  double times[64];
  double median;

  for (int r = 0; r < repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(TmReviewResult) result = tm_review_compute (review, brand, filter);

      times[r] = (g_get_monotonic_time () - start) / 1e3;
      *count = result->cooperations->len;
    }
  median = tm_bench_median (times, (guint) repeats);
  *max = times[repeats - 1];   /* sorted by tm_bench_median() */
  return median;
}

int
main (int argc, char *argv[])
{
  GOptionEntry entries[] = {
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Timings per figure (median and max reported)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[STORE]");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(TmReview) review = NULL;
  const char *path = "/tmp/bs-100k/source.db";
  int first_year, last_year;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (argc > 1)
    path = argv[1];
  repeats = CLAMP (repeats, 1, 64);
  if ((catalog = tm_bench_load_catalog (path)) == NULL)
    return 1;

  start = g_get_monotonic_time ();
  review = tm_review_new (catalog);
  printf ("%u streamers, %u cooperations, %u brands; tm_review_new %.1f ms\n",
          catalog->n_streamers, catalog->n_cooperations, catalog->n_brands,
          (g_get_monotonic_time () - start) / 1e3);
  tm_review_get_years (review, &first_year, &last_year);

  printf ("brand    coops   first ms   all: med   max   last year: med   max   douyin: med   max\n");
  for (guint b = 0; b < catalog->n_brands; b++)
    {
      TmReviewFilter all = TM_REVIEW_FILTER_INIT;
      TmReviewFilter year = TM_REVIEW_FILTER_INIT;
      TmReviewFilter douyin = { TM_DATE_NONE, TM_DATE_NONE, 1u << TM_PLATFORM_DOUYIN };
      double first, am, ax, ym, yx, dm, dx;
      guint n, an, yn, dn;

      start = g_get_monotonic_time ();
      n = tm_review_count (review, b);
      first = (g_get_monotonic_time () - start) / 1e3;
      tm_review_filter_set_period (&year, TM_REVIEW_PERIOD_YEAR, last_year, 0);

      am = time_compute (review, b, &all, &ax, &an);
      ym = time_compute (review, b, &year, &yx, &yn);
      dm = time_compute (review, b, &douyin, &dx, &dn);
      g_assert (an == n);
      printf ("%-6s %7u %9.1f %11.2f %5.2f %16.2f %5.2f %13.2f %5.2f   (%u, %u)\n",
              catalog->brands[b]->id, n, first, am, ax, ym, yx, dm, dx, yn, dn);
    }

  return 0;
}
