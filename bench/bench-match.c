/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-match"

/*
 * bench-match: what the match view does while a weight slider is dragged,
 * on a large store: per step, new totals (tm_ranking_set_weights), the new
 * order (tm_match_collect: every included candidate sorted) and the ranks
 * the rank changes compare.  Also the first ranking the worker makes.
 *
 *   meson compile -C _build bench-match
 *   _build/bench/bench-match --db /tmp/bs-100k/copy.db [--brands 3] [--steps 60]
 *
 * Give it a copy of a store: opening runs the store's checks and pragmas.
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tm-bench.h"
#include "tm-catalog.h"
#include "tm-engine.h"
#include "tm-match.h"
#include "tm-store.h"

static char *db_file;
static int n_brands = 3;
static int steps = 60;

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
report (const char *what,
        double     *v,
        guint       n)
{
  double median = tm_bench_median (v, n);

  g_print ("  %-34s median %7.2f ms   min %7.2f   max %7.2f   (%u)\n", what, median, v[0], v[n - 1], n);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_file, "Store to read (a copy)", "FILE" },
    { "brands", 0, 0, G_OPTION_ARG_INT, &n_brands, "Brands to rank", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Slider steps per brand", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(TmEngine) engine = NULL;
  g_autofree double *t_weights = NULL, *t_collect = NULL, *t_ranks = NULL, *t_total = NULL;
  g_autofree double *t_rank = NULL;
  guint n = 0, nr = 0;
  double load[3];
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || db_file == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "--db FILE is needed");
      return 2;
    }
  steps = CLAMP (steps, 2, 10000);

  if (getloadavg (load, 3) != 3)
    load[0] = load[1] = load[2] = NAN;
  g_print ("TrustMatch match benchmark: %u cores, load average %.2f %.2f %.2f\n",
           g_get_num_processors (), load[0], load[1], load[2]);

  store = tm_store_open (db_file, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  start = g_get_monotonic_time ();
  catalog = tm_catalog_load (store, &error);
  if (catalog == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("catalog: %u brands, %u streamers, %u cooperations, %u incidents (%.0f ms)\n",
           catalog->n_brands, catalog->n_streamers, catalog->n_cooperations, catalog->n_incidents,
           ms_since (start));

  start = g_get_monotonic_time ();
  engine = tm_engine_new (catalog, tm_date_today ());
  g_print ("engine: %.0f ms\n", ms_since (start));

  n_brands = CLAMP (n_brands, 1, (int) catalog->n_brands);
  t_weights = g_new (double, n_brands * steps);
  t_collect = g_new (double, n_brands * steps);
  t_ranks = g_new (double, n_brands * steps);
  t_total = g_new (double, n_brands * steps);
  t_rank = g_new (double, n_brands);

  for (int b = 0; b < n_brands; b++)
    {
      g_autoptr(TmRanking) ranking = NULL;
      g_autoptr(GArray) order = NULL;
      g_autofree guint32 *ranks = g_new (guint32, catalog->n_streamers);
      TmWeights w;

      tm_weights_init_default (&w);

      /* The worker's job: score everyone, order, ranks. */
      start = g_get_monotonic_time ();
      ranking = tm_engine_rank (engine, catalog->brands[b], &w);
      order = tm_match_collect (ranking, NULL, FALSE);
      tm_match_compute_ranks (ranking, ranks);
      t_rank[nr++] = ms_since (start);

      /* A drag of the style slider from 5 to 80 over @steps events. */
      for (int s = 0; s < steps; s++)
        {
          gint64 t0, t1, t2, t3;

          w.style = 5 + 75.0 * s / (steps - 1);
          w.history = 40;
          w.trust = 25;
          t0 = g_get_monotonic_time ();
          tm_ranking_set_weights (ranking, &w);
          t1 = g_get_monotonic_time ();
          g_array_unref (order);
          order = tm_match_collect (ranking, NULL, FALSE);
          t2 = g_get_monotonic_time ();
          memset (ranks, 0, catalog->n_streamers * sizeof (guint32));
          for (guint i = 0; i < order->len; i++)
            ranks[g_array_index (order, guint32, i)] = i + 1;
          t3 = g_get_monotonic_time ();
          t_weights[n] = (t1 - t0) / 1000.0;
          t_collect[n] = (t2 - t1) / 1000.0;
          t_ranks[n] = (t3 - t2) / 1000.0;
          t_total[n] = (t3 - t0) / 1000.0;
          n++;
        }
      g_print ("brand %s: %u included, %u excluded\n", catalog->brands[b]->id,
               tm_ranking_get_n_included (ranking), tm_ranking_get_n_excluded (ranking));

      /* The figures mean nothing if the order is wrong: the engine's own
       * selection must agree. */
      {
        g_autofree guint32 *top = g_new (guint32, MAX (order->len, 1));

        if (tm_ranking_top (ranking, order->len, FALSE, top) != order->len
            || memcmp (top, order->data, order->len * sizeof (guint32)) != 0)
          {
            g_printerr ("brand %s: the order differs from tm_ranking_top()\n", catalog->brands[b]->id);
            return 1;
          }
      }
    }

  g_print ("first ranking (worker):\n");
  report ("rank + order + ranks", t_rank, nr);
  g_print ("one slider step (main thread), %d steps x %d brands:\n", steps, n_brands);
  report ("tm_ranking_set_weights", t_weights, n);
  report ("tm_match_collect (sort)", t_collect, n);
  report ("ranks", t_ranks, n);
  report ("total per step", t_total, n);
  return 0;
}
