/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-lookalike: "find similar streamers" on a large catalog.
 *
 *   bench-lookalike [--repeats N] [STORE]
 *
 * Loads the catalog of STORE (default /tmp/lookalike-100k.db, a copy of
 * /tmp/bs-100k/source.db: opening a store may migrate it) and times, for
 * ten seeds spread over the catalog, the top 20 (partial selection), the
 * whole ranking (--top 0) and the explanations of the top 20, each the
 * median of N runs.
 */
#define G_LOG_DOMAIN "bench-lookalike"

#include "config.h"

#include <stdio.h>

#include "tm-bench.h"
#include "tm-catalog.h"
#include "tm-lookalike.h"
#include "tm-store.h"

static int repeats = 9;

static double
time_find (const TmCatalog *catalog,
           guint            seed,
           guint            top,
           gboolean         explain)
{
  double times[64];

  for (int r = 0; r < repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GArray) found = tm_lookalike_find (catalog, seed, top);

      if (explain)
        for (guint i = 0; i < found->len; i++)
          tm_lookalike_explanation_free (tm_lookalike_explain (catalog, seed,
                                                               g_array_index (found, TmLookalike, i).streamer));
      times[r] = (g_get_monotonic_time () - start) / 1e3;
    }
  return tm_bench_median (times, (guint) repeats);
}

int
main (int argc, char *argv[])
{
  GOptionEntry entries[] = {
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Timings per figure (median reported)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[STORE]");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  const char *path = "/tmp/lookalike-100k.db";
  double top20[10], all[10], explained[10];

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
  printf ("%u streamers, %u tags, %u categories; median of %d runs\n",
          catalog->n_streamers, catalog->n_tags, catalog->n_categories, repeats);
  printf ("seed        top 20 ms   all ms   top 20 + explanations ms\n");
  for (guint k = 0; k < 10; k++)
    {
      guint seed = (guint) ((guint64) catalog->n_streamers * k / 10);

      top20[k] = time_find (catalog, seed, 20, FALSE);
      all[k] = time_find (catalog, seed, 0, FALSE);
      explained[k] = time_find (catalog, seed, 20, TRUE);
      printf ("%-10s %10.2f %8.2f %26.2f\n", catalog->streamers[seed].id,
              top20[k], all[k], explained[k]);
    }
  printf ("median     %10.2f %8.2f %26.2f\n", tm_bench_median (top20, 10),
          tm_bench_median (all, 10), tm_bench_median (explained, 10));
  return 0;
}
