/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-directory: the directory's search and filters, per keystroke.
 *
 *   bench-directory [--repeats N] [STORE]
 *
 * Loads the catalog of STORE (default /tmp/bs-100k/source.db; the store
 * is only read), times tm_directory_new() until its search texts are
 * made (the first search waits for them) and measures the heap its
 * search texts take, then types queries one character at a time as a
 * user would (part of a real streamer's name, a handle, a tag, and a
 * query that matches nothing) and times tm_directory_set_filter() +
 * tm_directory_count_matches() over all streamers for each keystroke,
 * without and with a platform and credit filter.
 */
#define G_LOG_DOMAIN "bench-directory"

#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "tm-bench.h"
#include "tm-catalog.h"
#include "tm-directory.h"
#include "tm-store.h"
#include "tm-text.h"

static int repeats = 9;

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* Sets @filter with @search and counts, @repeats times; the median and
 * the maximum time in ms. */
static guint
time_keystroke (TmDirectory       *dir,
                TmDirectoryFilter  filter,
                const char        *search,
                double            *median,
                double            *max)
{
  double times[64];
  guint count = 0;

  filter.search = search;
  for (int r = 0; r < repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();

      tm_directory_set_filter (dir, &filter);
      count = tm_directory_count_matches (dir);
      times[r] = (g_get_monotonic_time () - start) / 1e3;
    }
  *median = tm_bench_median (times, (guint) repeats);
  *max = times[repeats - 1];
  return count;
}

/* Prints one table row; the query padded by display width, so that
 * Chinese text keeps the columns straight.  printf, not g_print: the
 * bytes go out as UTF-8 whatever the locale. */
static void
print_row (const char *label,
           const char *query,
           guint       pc,
           double      pm,
           double      px,
           guint       nc,
           double      nm,
           double      nx)
{
  g_autoptr(GString) cells = g_string_new (NULL);

  tm_text_append_cell (cells, label, 8, FALSE);
  g_string_append_c (cells, ' ');
  tm_text_append_cell (cells, query, 24, FALSE);
  printf ("%s %7u %7.2f %7.2f   %7u %7.2f %7.2f\n", cells->str, pc, pm, px, nc, nm, nx);
}

typedef struct {
  double worst_median, worst_max, sum_median;
  guint  n;
} Totals;

/* One line per keystroke while @text is typed; @limit characters at
 * most. */
static void
type_query (TmDirectory             *dir,
            const char              *label,
            const char              *text,
            guint                    limit,
            const TmDirectoryFilter *narrowed,
            Totals                  *plain_totals,
            Totals                  *narrowed_totals)
{
  const TmDirectoryFilter all = TM_DIRECTORY_FILTER_INIT;
  const char *end = text;

  for (guint typed = 1; *end && typed <= limit; typed++)
    {
      g_autofree char *query = NULL;
      double pm, px, nm, nx;
      guint pc, nc;

      end = g_utf8_next_char (end);
      query = g_strndup (text, end - text);
      pc = time_keystroke (dir, all, query, &pm, &px);
      nc = time_keystroke (dir, *narrowed, query, &nm, &nx);
      print_row (typed == 1 ? label : "", query, pc, pm, px, nc, nm, nx);

      plain_totals->worst_median = MAX (plain_totals->worst_median, pm);
      plain_totals->worst_max = MAX (plain_totals->worst_max, px);
      plain_totals->sum_median += pm;
      plain_totals->n++;
      narrowed_totals->worst_median = MAX (narrowed_totals->worst_median, nm);
      narrowed_totals->worst_max = MAX (narrowed_totals->worst_max, nx);
      narrowed_totals->sum_median += nm;
      narrowed_totals->n++;
    }
}

int
main (int argc, char *argv[])
{
  GOptionEntry entries[] = {
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Timings per keystroke (median and max reported)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[STORE]");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(TmDirectory) dir = NULL;
  const char *path = "/tmp/bs-100k/source.db";
  TmDirectoryFilter narrowed = TM_DIRECTORY_FILTER_INIT;
  Totals plain_totals = { 0 }, narrowed_totals = { 0 };
  const TmCatalogStreamer *s;
  double new_times[5], new_median;
  gsize heap_before, heap_after = 0;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  repeats = CLAMP (repeats, 1, 64);
  if (argc > 1)
    path = argv[1];
  start = g_get_monotonic_time ();
  if ((catalog = tm_bench_load_catalog (path)) == NULL)
    return 1;
  if (catalog->n_streamers == 0)
    {
      g_printerr ("%s: no streamers\n", path);
      return 1;
    }
  printf ("TrustMatch directory benchmark: %s, %u streamers, %u accounts, %u tags; "
          "catalog loaded in %.2f s; %u cores\n",
          path, catalog->n_streamers, catalog->n_accounts, catalog->n_tags,
          (g_get_monotonic_time () - start) / 1e6, g_get_num_processors ());

  for (guint r = 0; r < G_N_ELEMENTS (new_times); r++)
    {
      g_clear_pointer (&dir, tm_directory_free);
      malloc_trim (0);
      heap_before = heap_in_use ();
      start = g_get_monotonic_time ();
      dir = tm_directory_new (catalog);
      /* The texts are made in a thread; a search waits for them. */
      tm_directory_set_filter (dir, &(TmDirectoryFilter) { "x", 0, NULL, 0.0, 100.0, FALSE });
      new_times[r] = (g_get_monotonic_time () - start) / 1e3;
      heap_after = heap_in_use ();
      tm_directory_set_filter (dir, &(TmDirectoryFilter) TM_DIRECTORY_FILTER_INIT);
    }
  /* Sorted before min and max are read. */
  new_median = tm_bench_median (new_times, G_N_ELEMENTS (new_times));
  printf ("tm_directory_new + its texts: median %.1f ms (min %.1f, max %.1f, %u runs); "
          "heap held %.2f MiB (%.0f bytes a streamer)\n\n",
          new_median, new_times[0],
          new_times[G_N_ELEMENTS (new_times) - 1], (guint) G_N_ELEMENTS (new_times),
          (heap_after - heap_before) / 1048576.0,
          (double) (heap_after - heap_before) / catalog->n_streamers);

  narrowed.platforms = (1u << TM_PLATFORM_DOUYIN) | (1u << TM_PLATFORM_KUAISHOU);
  narrowed.min_credit = 80;

  printf ("set_filter + count_matches over all %u streamers, per keystroke, ms "
          "(median and max of %d)\n", catalog->n_streamers, repeats);
  printf ("%-33s %-23s   %s\n", "", "search alone", "+ douyin|kuaishou, credit >= 80 %");
  printf ("%-8s %-24s %7s %7s %7s   %7s %7s %7s\n", "typing", "query",
          "matches", "median", "max", "matches", "median", "max");

  {
    double pm, px, nm, nx;
    guint pc, nc;
    const TmDirectoryFilter all = TM_DIRECTORY_FILTER_INIT;

    pc = time_keystroke (dir, all, NULL, &pm, &px);
    nc = time_keystroke (dir, narrowed, NULL, &nm, &nx);
    print_row ("no text", "", pc, pm, px, nc, nm, nx);
  }

  /* A streamer from the middle, and its own handle and tag: real text. */
  s = &catalog->streamers[catalog->n_streamers / 2];
  type_query (dir, "name", s->name, 8, &narrowed, &plain_totals, &narrowed_totals);
  if (s->n_accounts > 0)
    type_query (dir, "handle", catalog->accounts[s->first_account].handle, 24,
                &narrowed, &plain_totals, &narrowed_totals);
  if (s->n_tags > 0)
    type_query (dir, "tag", catalog->tags[s->first_tag].tag, 8,
                &narrowed, &plain_totals, &narrowed_totals);
  type_query (dir, "nothing", "qzxv无此人", 8, &narrowed, &plain_totals, &narrowed_totals);
  {
    /* The whole of two terms at once, as when a query is pasted. */
    g_autofree char *two = g_strdup_printf ("%s %s", s->name, s->id);
    const TmDirectoryFilter all = TM_DIRECTORY_FILTER_INIT;
    double pm, px, nm, nx;
    guint pc, nc;

    pc = time_keystroke (dir, all, two, &pm, &px);
    nc = time_keystroke (dir, narrowed, two, &nm, &nx);
    print_row ("pasted", two, pc, pm, px, nc, nm, nx);
  }

  {
    /* What a view's per-row filter pays: the public call per index. */
    TmDirectoryFilter f = narrowed;
    double times[64];
    guint count = 0;

    f.search = "游";
    tm_directory_set_filter (dir, &f);
    for (int r = 0; r < repeats; r++)
      {
        gint64 t0 = g_get_monotonic_time ();

        count = 0;
        for (guint i = 0; i < catalog->n_streamers; i++)
          count += tm_directory_matches (dir, i);
        times[r] = (g_get_monotonic_time () - t0) / 1e3;
      }
    {
      double med = tm_bench_median (times, (guint) repeats);

      printf ("\ntm_directory_matches () on every row, “游” + filters: %u matches, median %.2f ms, max %.2f ms\n",
              count, med, times[repeats - 1]);
    }
  }

  {
    /* Sorting happens on a click on a column header, not per keystroke;
     * collect() is what a keystroke then costs with a sort in force. */
    static const char *names[] = { "name (keys made)", "name (again, desc)", "followers",
                                   "credit", "cooperations", "last cooperation", "incidents" };
    static const TmDirectoryOrder orders[] = {
      TM_DIRECTORY_ORDER_NAME, TM_DIRECTORY_ORDER_NAME, TM_DIRECTORY_ORDER_FOLLOWERS,
      TM_DIRECTORY_ORDER_CREDIT, TM_DIRECTORY_ORDER_COOPERATIONS,
      TM_DIRECTORY_ORDER_LAST_COOPERATION, TM_DIRECTORY_ORDER_INCIDENTS,
    };
    TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;

    printf ("\ntm_directory_set_order, ms:");
    for (guint k = 0; k < G_N_ELEMENTS (orders); k++)
      {
        gint64 t0 = g_get_monotonic_time ();

        tm_directory_set_order (dir, orders[k], k == 1);
        printf ("%s %s %.1f", k > 0 ? "," : "", names[k], (g_get_monotonic_time () - t0) / 1e3);
      }
    printf ("\n");

    for (guint k = 0; k < 3; k++)
      {
        double times[64], med;
        guint len = 0;

        f.search = k == 0 ? NULL : k == 1 ? "y" : "游";
        tm_directory_set_filter (dir, &f);
        for (int r = 0; r < repeats; r++)
          {
            gint64 t0 = g_get_monotonic_time ();
            GArray *rows = tm_directory_collect (dir);

            times[r] = (g_get_monotonic_time () - t0) / 1e3;
            len = rows->len;
            g_array_unref (rows);
          }
        med = tm_bench_median (times, (guint) repeats);
        printf ("tm_directory_collect, sorted by incidents, search “%s”: %u rows, median %.2f ms, max %.2f ms\n",
                f.search ? f.search : "", len, med, times[repeats - 1]);
      }
  }

  printf ("\n%u keystrokes: search alone: mean of medians %.2f ms, worst median %.2f ms, "
          "worst single %.2f ms\n",
          plain_totals.n, plain_totals.sum_median / plain_totals.n,
          plain_totals.worst_median, plain_totals.worst_max);
  printf ("%u keystrokes: with filters:  mean of medians %.2f ms, worst median %.2f ms, "
          "worst single %.2f ms\n",
          narrowed_totals.n, narrowed_totals.sum_median / narrowed_totals.n,
          narrowed_totals.worst_median, narrowed_totals.worst_max);
  return 0;
}
