/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-directory-gui: the streamer directory widget over a large
 * catalog, as a user feels it.
 *
 *   xvfb-run -a -s "-screen 0 1280x800x24" build/bench/bench-directory-gui [--db FILE] [--runs N]
 *
 * Loads the catalog of FILE (default /tmp/bs-100k/source.db, the 100k
 * streamers / 1M cooperations store of bench-sync), shows it in a
 * TmStreamerDirectory in a 1280×800 window, then times, from the change
 * until the next frame has been painted (so filtering, sorting, layout
 * and drawing all count):
 *  - each keystroke of a few searches typed one character at a time, and
 *    deleting them again;
 *  - a filter switched on and off (incidents, a platform, credit ≥ 80 %);
 *  - sorting by every column, both ways.
 * The search entry's own wait after a keystroke (its search-delay, which
 * lets a fast typist finish) is left out: the search runs right away.
 *
 * The launch is timed by the app itself: G_MESSAGES_DEBUG=tm-window
 * prints "First frame with the catalog: N streamers, T ms after the
 * process started" (docs/performance.md).
 */
#include "config.h"

#include <adwaita.h>

#include "tm-bench.h"
#include "tm-catalog.h"
#include "tm-store.h"
#include "tm-streamer-directory.h"
#include "tm-streamer-header.h"
#include "tm-streamer-item.h"

static gint64 painted_at;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted_at = g_get_monotonic_time ();
}

/* Waits for the next painted frame after @start; returns ms since @start. */
static double
wait_for_paint (GtkWidget *window,
                gint64     start)
{
  painted_at = 0;
  gtk_widget_queue_draw (window);
  while (painted_at == 0)
    g_main_context_iteration (NULL, TRUE);
  return (painted_at - start) / 1000.0;
}

typedef struct {
  GArray *ms;
  char   *label;
} Series;

static void
report (const char *label,
        GArray     *ms)
{
  double median, max;

  median = tm_bench_median ((double *) ms->data, ms->len);
  max = g_array_index (ms, double, ms->len - 1);
  g_print ("%-46s %8.1f ms median %8.1f ms max  (%u times)\n", label, median, max, ms->len);
}

static void
type_text (GtkWidget  *window,
           GtkEditable *entry,
           const char *text,
           GArray     *keystrokes,
           GArray     *deletes)
{
  glong n = g_utf8_strlen (text, -1);

  for (glong i = 1; i <= n; i++)
    {
      g_autofree char *prefix = g_utf8_substring (text, 0, i);
      gint64 start = g_get_monotonic_time ();

      gtk_editable_set_text (entry, prefix);
      g_signal_emit_by_name (entry, "search-changed");
      if (g_getenv ("BENCH_SPLIT"))
        g_print ("  %s: models %.1f ms\n", prefix, (g_get_monotonic_time () - start) / 1000.0);
      g_array_append_val (keystrokes, (double) { wait_for_paint (window, start) });
    }
  for (glong i = n - 1; i >= 0; i--)
    {
      g_autofree char *prefix = g_utf8_substring (text, 0, i);
      gint64 start = g_get_monotonic_time ();

      gtk_editable_set_text (entry, prefix);
      g_signal_emit_by_name (entry, "search-changed");
      g_array_append_val (deletes, (double) { wait_for_paint (window, start) });
    }
}

static double
toggle (GtkWidget      *window,
        GtkCheckButton *check,
        gboolean        active)
{
  gint64 start = g_get_monotonic_time ();

  gtk_check_button_set_active (check, active);
  return wait_for_paint (window, start);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db = NULL;
  int runs = 3;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The store to show (default /tmp/bs-100k/source.db)", "FILE" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Times each search is typed", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(GArray) keystrokes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) deletes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) filters = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sorts = g_array_new (FALSE, FALSE, sizeof (double));
  const struct {
    TmStreamerColumn  column;
    const char       *name;
  } columns[] = {
    { TM_STREAMER_COLUMN_NAME, "name" },
    { TM_STREAMER_COLUMN_FOLLOWERS, "followers" },
    { TM_STREAMER_COLUMN_CREDIT, "credit score" },
    { TM_STREAMER_COLUMN_COOPERATIONS, "cooperations" },
    { TM_STREAMER_COLUMN_LAST_COOPERATION, "last cooperation" },
    { TM_STREAMER_COLUMN_INCIDENTS, "incidents" },
  };
  TmStreamerDirectory *directory;
  GtkWidget *window;
  GtkEditable *entry;
  GListModel *model;
  double ms;
  gint64 start;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (db == NULL)
    db = g_strdup ("/tmp/bs-100k/source.db");

  adw_init ();

  start = g_get_monotonic_time ();
  if (!(store = tm_store_open (db, &error)) || !(catalog = tm_catalog_load (store, &error)))
    {
      g_printerr ("%s: %s\n", db, error->message);
      return 1;
    }
  g_print ("catalog of %u streamers, %u cooperations loaded in %.0f ms\n",
           catalog->n_streamers, catalog->n_cooperations,
           (g_get_monotonic_time () - start) / 1000.0);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  directory = g_object_new (TM_TYPE_STREAMER_DIRECTORY, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (directory));
  gtk_window_present (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint), NULL);

  start = g_get_monotonic_time ();
  tm_streamer_directory_set_catalog (directory, catalog);
  ms = wait_for_paint (window, start);
  model = tm_streamer_directory_get_model (directory);
  g_print ("%-46s %8.1f ms  (%u rows)\n", "show the catalog (set_catalog to first frame)", ms,
           g_list_model_get_n_items (model));

  {
    g_autoptr(GArray) idle = g_array_new (FALSE, FALSE, sizeof (double));

    for (int r = 0; r < 10; r++)
      {
        start = g_get_monotonic_time ();
        g_array_append_val (idle, (double) { wait_for_paint (window, start) });
      }
    report ("a frame with nothing changed (baseline)", idle);
  }

  entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (directory), TM_TYPE_STREAMER_DIRECTORY, "search_entry"));
  gtk_search_entry_set_search_delay (GTK_SEARCH_ENTRY (entry), 60000);
  for (int r = 0; r < runs; r++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[(r * 7919 + 12345) % catalog->n_streamers];

      type_text (window, entry, s->name, keystrokes, deletes);
      if (s->n_accounts > 0)
        type_text (window, entry, catalog->accounts[s->first_account].handle, keystrokes, deletes);
      type_text (window, entry, "zzzz", keystrokes, deletes);
    }
  report ("keystroke, search narrowing", keystrokes);
  report ("keystroke, search widening (backspace)", deletes);

  {
    const char *checks[] = { "incidents_check" };
    GtkFlowBox *platforms = GTK_FLOW_BOX (gtk_widget_get_template_child (GTK_WIDGET (directory), TM_TYPE_STREAMER_DIRECTORY, "platforms_box"));
    GtkCheckButton *first = GTK_CHECK_BUTTON (gtk_flow_box_child_get_child (gtk_flow_box_get_child_at_index (platforms, 0)));
    GtkSpinButton *min_credit = GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (directory), TM_TYPE_STREAMER_DIRECTORY, "min_credit_spin"));

    for (int r = 0; r < runs; r++)
      {
        GtkCheckButton *check = GTK_CHECK_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (directory), TM_TYPE_STREAMER_DIRECTORY, checks[0]));

        g_array_append_val (filters, (double) { toggle (window, check, TRUE) });
        g_array_append_val (filters, (double) { toggle (window, check, FALSE) });
        g_array_append_val (filters, (double) { toggle (window, first, TRUE) });
        g_array_append_val (filters, (double) { toggle (window, first, FALSE) });
        start = g_get_monotonic_time ();
        gtk_spin_button_set_value (min_credit, 80);
        g_array_append_val (filters, (double) { wait_for_paint (window, start) });
        start = g_get_monotonic_time ();
        gtk_spin_button_set_value (min_credit, 0);
        g_array_append_val (filters, (double) { wait_for_paint (window, start) });
      }
    report ("filter on or off (incidents, platform, credit)", filters);
  }

  {
    GtkWidget *table = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (directory), TM_TYPE_STREAMER_DIRECTORY, "table_box"));
    TmStreamerHeader *header = TM_STREAMER_HEADER (gtk_widget_get_last_child (table));  /* after the list */

    for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
      {
        GtkWidget *title = tm_streamer_header_get_title (header, columns[c].column);
        g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (double));
        g_autofree char *label = g_strdup_printf ("sort by %s", columns[c].name);

        /* A click on a title sorts ascending, the next one descending. */
        for (int r = 0; r < 2 * runs; r++)
          {
            start = g_get_monotonic_time ();
            g_signal_emit_by_name (title, "clicked");
            ms = wait_for_paint (window, start);
            g_array_append_val (one, ms);
            g_array_append_val (sorts, ms);
          }
        report (label, one);
      }
  }
  report ("sort, any column", sorts);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return 0;
}
