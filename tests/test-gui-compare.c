/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-compare"

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "tm-catalog.h"
#include "tm-compare-window.h"
#include "tm-context.h"
#include "tm-engine.h"
#include "tm-history-chart.h"
#include "tm-match-view.h"
#include "tm-store.h"
#include "tm-streamer-item.h"
#include "tm-window.h"
#include "tm-test-gui.h"
#include "tm-test-utils.h"

/* Three candidates picked in the match view and compared: the window's
 * figures against `trustmatch-cli compare` on the same database, the
 * counts against a scan of the catalog's record arrays, and the best
 * value of each row being the one marked. */

#define BRAND "b-001"

static char *scratch_dir;
static const char *cli;

typedef struct {
  char        *db_path;
  TmContext   *context;
  TmWindow    *window;
  TmMatchView *view;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (scratch_dir, "XXXXXX", NULL);
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_assert_nonnull (g_mkdtemp (dir));
  f->db_path = g_build_filename (dir, "trustmatch.db", NULL);
  f->context = tm_context_new (f->db_path, g_getenv ("TRUSTMATCH_SAMPLE_DIR"));
  f->window = tm_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  f->view = TM_MATCH_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), TM_TYPE_WINDOW, "match_view"));
  g_assert_nonnull (f->view);

  while (tm_context_get_state (f->context) != TM_CONTEXT_STATE_READY)
    {
      g_assert_cmpint (tm_context_get_state (f->context), !=, TM_CONTEXT_STATE_ERROR);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.match-brand", "s", BRAND));
  timeout_id = g_timeout_add_seconds (60, tm_test_timeout_cb, &timed_out);
  while (!timed_out && (tm_match_view_is_busy (f->view) || tm_match_view_get_ranking (f->view) == NULL))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  tm_test_drain ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TM_IS_COMPARE_WINDOW (l->data))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  gtk_window_destroy (GTK_WINDOW (f->window));
  tm_test_drain ();
  g_clear_object (&f->context);
  g_free (f->db_path);
}

static TmCompareWindow *
find_compare_window (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  TmCompareWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TM_IS_COMPARE_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* A cell's number: without the best mark, with U+2212 as minus. */
static double
cell_number (TmCompareWindow *win,
             const char      *row,
             guint            column)
{
  GtkLabel *label = tm_compare_window_get_cell (win, row, column);
  g_autofree char *text = NULL;
  const char *p;
  gboolean negative = FALSE;

  g_assert_nonnull (label);
  text = g_strdup (gtk_label_get_text (label));
  p = text;
  if (g_str_has_prefix (p, "★ "))
    p += strlen ("★ ");
  if (g_str_has_prefix (p, "−"))
    {
      negative = TRUE;
      p += strlen ("−");
    }
  else if (*p == '+')
    p++;
  return negative ? -g_ascii_strtod (p, NULL) : g_ascii_strtod (p, NULL);
}

/* The row's marks are on the cells whose shown value is the best, and
 * only there; a row whose values all show the same has none.  The shown
 * numbers are read back from the cells (the CLI's @values are checked
 * against them by the caller). */
static void
assert_best_marked (TmCompareWindow *win,
                    const char      *row,
                    guint            n,
                    gboolean         highest)
{
  double shown[4];
  double best;
  gboolean all_equal = TRUE;

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (shown));
  for (guint i = 0; i < n; i++)
    shown[i] = cell_number (win, row, i);
  best = shown[0];
  for (guint i = 1; i < n; i++)
    {
      all_equal &= shown[i] == shown[0];
      if (highest ? shown[i] > best : shown[i] < best)
        best = shown[i];
    }
  for (guint i = 0; i < n; i++)
    {
      gboolean expected = !all_equal && shown[i] == best;
      GtkLabel *label = tm_compare_window_get_cell (win, row, i);

      g_assert_cmpint (tm_compare_window_is_best (win, row, i), ==, expected);
      /* Not by colour alone: the star is in the text a reader hears. */
      g_assert_cmpint (g_str_has_prefix (gtk_label_get_text (label), "★"), ==, expected);
    }
}

/* The sum of the "×N" in a caption of sources. */
static guint
sum_of_counts (const char *text)
{
  guint sum = 0;

  for (const char *p = strstr (text, "×"); p != NULL; p = strstr (p, "×"))
    {
      p += strlen ("×");
      sum += (guint) g_ascii_strtoull (p, NULL, 10);
    }
  return sum;
}

static JsonArray *
run_compare (Fixture     *f,
             const char **ids,
             guint        n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *out = NULL, *err = NULL, *weights = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  TmWeights w;
  int status;

  tm_match_view_get_weights (f->view, &w);
  weights = g_strdup_printf ("style=%.17g,history=%.17g,trust=%.17g,risk=%.17g",
                             w.style, w.history, w.trust, w.risk);
  g_strv_builder_add_many (builder, cli, "--db", f->db_path, "compare", "--brand", BRAND,
                           "--format", "json", "--weights", weights, NULL);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, ids[i]);
  argv = g_strv_builder_end (builder);
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("trustmatch-cli compare failed: %s\n%s", error->message, err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                       "streamers"));
}

static void
collect_charts (GtkWidget *widget,
                GPtrArray *into)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (TM_IS_HISTORY_CHART (child))
        g_ptr_array_add (into, child);
      collect_charts (child, into);
    }
}

static void
test_compare_three (Fixture *f, gconstpointer data)
{
  GListModel *model = tm_match_view_get_model (f->view);
  GtkWidget *compare_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->view), TM_TYPE_MATCH_VIEW, "compare_button"));
  guint positions[] = { 0, 3, 0 };
  const char *ids[3];
  const char *numbers[] = { "score", "style", "history", "trust" };
  g_autoptr(JsonArray) oracle = NULL;
  TmCatalog *catalog = tm_engine_get_catalog (tm_ranking_get_engine (tm_match_view_get_ranking (f->view)));
  TmCompareWindow *win;

  g_assert_cmpuint (g_list_model_get_n_items (model), >, 7);
  /* The third has incidents, so their sources are shown and checked. */
  for (guint p = 4; positions[2] == 0 && p < g_list_model_get_n_items (model); p++)
    {
      g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, p);
      gint s = tm_catalog_find_streamer (catalog, tm_streamer_item_get_streamer (item)->id);

      if (catalog->streamers[s].n_incidents > 1)
        positions[2] = p;
    }
  g_assert_cmpuint (positions[2], >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, positions[i]);

      ids[i] = tm_streamer_item_get_streamer (item)->id;
      tm_match_view_select (f->view, positions[i]);
      tm_test_drain ();
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "match.toggle-compare", NULL));
      tm_test_drain ();
      /* Compare needs two. */
      g_assert_cmpint (gtk_widget_get_sensitive (compare_button), ==, i >= 1);
    }
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (compare_button)), ==, "C_ompare (3)");
  /* The rows do not show the picks; the button's tooltip names them. */
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, positions[i]);

      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (compare_button),
                                tm_streamer_item_get_streamer (item)->name));
    }

  g_assert_null (find_compare_window ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "match.compare", NULL));
  tm_test_drain ();
  win = find_compare_window ();
  g_assert_nonnull (win);

  oracle = run_compare (f, ids, 3);
  g_assert_cmpuint (json_array_get_length (oracle), ==, 3);

  for (guint r = 0; r < G_N_ELEMENTS (numbers); r++)
    {
      double values[3];

      for (guint i = 0; i < 3; i++)
        {
          JsonObject *o = json_array_get_object_element (oracle, i);

          values[i] = json_object_get_double_member (o, numbers[r]);
          g_assert_cmpfloat_with_epsilon (cell_number (win, numbers[r], i), values[i], 0.051);
        }
      assert_best_marked (win, numbers[r], 3, TRUE);
    }

  /* The penalty is shown as points taken off; the lowest is the best. */
  {
    double values[3];

    for (guint i = 0; i < 3; i++)
      {
        values[i] = json_object_get_double_member (json_array_get_object_element (oracle, i), "penalty");
        g_assert_cmpfloat_with_epsilon (-cell_number (win, "penalty", i), values[i], 0.051);
      }
    /* Shown as points taken off (−3.0): the lowest penalty is the
     * highest number shown. */
    assert_best_marked (win, "penalty", 3, TRUE);
  }

  /* Each factor's row is the sum of the CLI's items of that factor. */
  for (guint fct = 0; fct < TM_N_FACTORS; fct++)
    {
      const char *code = tm_factor_code (fct);
      double values[3] = { 0 };
      gboolean present = FALSE;

      for (guint i = 0; i < 3; i++)
        {
          JsonArray *items = json_object_get_array_member (json_array_get_object_element (oracle, i), "items");

          for (guint k = 0; k < json_array_get_length (items); k++)
            {
              JsonObject *item = json_array_get_object_element (items, k);

              if (g_str_equal (json_object_get_string_member (item, "factor"), code))
                {
                  values[i] += json_object_get_double_member (item, "contribution");
                  present = TRUE;
                }
            }
        }
      if (!present)
        {
          g_assert_null (tm_compare_window_get_cell (win, code, 0));
          continue;
        }
      for (guint i = 0; i < 3; i++)
        g_assert_cmpfloat_with_epsilon (cell_number (win, code, i), values[i], 0.051);
      if (fct != TM_FACTOR_NEUTRAL)
        assert_best_marked (win, code, 3, TRUE);
    }

  /* Incidents and cooperations with the brand, from the whole arrays. */
  {
    gint brand = tm_catalog_find_brand (catalog, BRAND);
    double incidents[3] = { 0 };

    g_assert_cmpint (brand, >=, 0);
    for (guint i = 0; i < 3; i++)
      {
        gint s = tm_catalog_find_streamer (catalog, ids[i]);
        guint with_brand = 0;

        for (guint k = 0; k < catalog->n_incidents; k++)
          if (catalog->incidents[k].streamer == (guint32) s)
            incidents[i]++;
        for (guint k = 0; k < catalog->n_cooperations; k++)
          if (catalog->cooperations[k].streamer == (guint32) s && catalog->cooperations[k].brand == brand)
            with_brand++;
        g_assert_cmpfloat (cell_number (win, "incidents", i), ==, incidents[i]);
        g_assert_cmpfloat (cell_number (win, "brand_cooperations", i), ==, with_brand);
      }
    assert_best_marked (win, "incidents", 3, FALSE);
  }

  /* Every figure says where it comes from: its own entry of the record's
   * figure provenance where it has one (the sample gives engagement rate
   * and fake review share their own), else the record's; counts of
   * cooperations and incidents sum up their records' sources. */
  {
    g_autoptr(TmStore) store = tm_store_open (f->db_path, NULL);
    const struct { const char *row, *field; } figures[] = {
      { "credit_score", "credit" },
      { "followers", "accounts" },
      { "engagement_rate", "engagement_rate" },
      { "fake_review_share", "reviews.fake_share" },
      { "repeat_buyer_rate", "repeat_buyer_rate" },
    };
    guint own = 0;

    g_assert_nonnull (store);
    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(TmStreamer) record = NULL;
        g_autoptr(GPtrArray) cooperations = NULL;
        g_autoptr(GPtrArray) incidents = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_true (tm_store_load_streamer (store, ids[i], &record, &cooperations, &incidents, &error));
        g_assert_no_error (error);
        for (guint r = 0; r < G_N_ELEMENTS (figures); r++)
          {
            g_autofree char *code = g_strconcat (figures[r].row, ".source", NULL);
            const TmProvenance *p = tm_provenance_for (&record->provenance, record->figure_provenance,
                                                       figures[r].field);
            g_autofree char *expected = tm_provenance_format (p);
            GtkLabel *figure = tm_compare_window_get_cell (win, figures[r].row, i);

            g_assert_cmpstr (gtk_label_get_text (tm_compare_window_get_cell (win, code, i)), ==, expected);
            g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (figure)), expected));
            if (p != &record->provenance)
              own++;
          }

        /* A count's caption adds up to the count: "Export ×3, Manual
         * ×1" beside 4; a dash beside 0. */
        {
          const char *counted[] = { "brand_cooperations", "cooperations", "incidents" };

          for (guint r = 0; r < G_N_ELEMENTS (counted); r++)
            {
              g_autofree char *code = g_strconcat (counted[r], ".source", NULL);
              const char *text = gtk_label_get_text (tm_compare_window_get_cell (win, code, i));
              guint count = (guint) cell_number (win, counted[r], i);

              if (count == 0)
                g_assert_cmpstr (text, ==, "–");
              else
                g_assert_cmpuint (sum_of_counts (text), ==, count);
            }
          g_assert_cmpuint ((guint) cell_number (win, "incidents", i), ==, incidents->len);
          g_assert_cmpuint ((guint) cell_number (win, "cooperations", i), ==, cooperations->len);
        }
      }
    /* The sample gives some figures a provenance of their own, so the
     * check above tells a per-figure source from the record's. */
    g_assert_cmpuint (own, >, 0);
    g_assert_cmpuint ((guint) cell_number (win, "incidents", 2), >, 1);
  }

  /* A best figure's cell tells a screen reader both that it is the best
   * and where it comes from (the tooltip alone would replace the first). */
  {
    guint checked = 0;

    for (guint i = 0; i < 3; i++)
      if (tm_compare_window_is_best (win, "credit_score", i))
        {
          GtkLabel *label = tm_compare_window_get_cell (win, "credit_score", i);
          g_autofree char *expected = g_strdup_printf ("Best in this row. %s",
                                                       gtk_widget_get_tooltip_text (GTK_WIDGET (label)));
          g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (label),
                                                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                                          expected);

          g_assert_null (mismatch);
          checked++;
        }
    g_assert_cmpuint (checked, >, 0);
  }

  /* Each column's history chart draws every cooperation of its streamer,
   * oldest first (counted from the whole array, not the streamer's
   * range). */
  {
    g_autoptr(GPtrArray) charts = g_ptr_array_new ();

    collect_charts (GTK_WIDGET (win), charts);
    g_assert_cmpuint (charts->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        TmHistoryChart *chart = g_ptr_array_index (charts, i);
        gint s = tm_catalog_find_streamer (catalog, ids[i]);
        guint n = 0;
        const TmCatalogCooperation *oldest = NULL;

        for (guint k = 0; k < catalog->n_cooperations; k++)
          if (catalog->cooperations[k].streamer == (guint32) s)
            {
              if (oldest == NULL || catalog->cooperations[k].date < oldest->date)
                oldest = &catalog->cooperations[k];
              n++;
            }
        g_assert_cmpuint (tm_history_chart_get_n_points (chart), ==, n);
        if (n > 0)
          g_assert_cmpint (tm_history_chart_get_point (chart, 0)->date, ==, oldest->date);
      }

    /* Side by side they share their axes (equal heights are equal GMV),
     * and the axes hold every point of every chart. */
    {
      double axes[3][4];
      gboolean timed_out = FALSE;
      guint timeout_id = g_timeout_add_seconds (30, tm_test_timeout_cb, &timed_out);
      gboolean ready = FALSE;

      while (!timed_out && !ready)
        {
          ready = TRUE;
          for (guint i = 0; i < 3; i++)
            ready &= tm_history_chart_get_axes (g_ptr_array_index (charts, i), &axes[i][0], &axes[i][1],
                                                &axes[i][2], &axes[i][3]);
          if (!ready)
            g_main_context_iteration (NULL, TRUE);
        }
      g_assert_false (timed_out);
      g_source_remove (timeout_id);
      for (guint i = 1; i < 3; i++)
        for (guint a = 0; a < 4; a++)
          g_assert_cmpfloat (axes[i][a], ==, axes[0][a]);
      for (guint i = 0; i < 3; i++)
        {
          TmHistoryChart *chart = g_ptr_array_index (charts, i);

          for (guint k = 0; k < tm_history_chart_get_n_points (chart); k++)
            {
              const TmCooperation *c = tm_history_chart_get_point (chart, k);

              g_assert_cmpfloat ((double) c->gmv_fen, <=, axes[0][0]);
              if (!isnan (c->return_rate))
                g_assert_cmpfloat (c->return_rate, <=, axes[0][1]);
              g_assert_cmpfloat (c->date, >=, axes[0][2]);
              g_assert_cmpfloat (c->date, <=, axes[0][3]);
            }
        }
    }
  }

  /* Picks are toggled off again, and the window closes. */
  tm_match_view_select (f->view, positions[2]);
  tm_test_drain ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "match.toggle-compare", NULL));
  tm_test_drain ();
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (compare_button)), ==, "C_ompare (2)");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "window.close", NULL));
  tm_test_drain ();
  g_assert_null (find_compare_window ());
}

/* Without a store (or without the streamer in it) a figure shows the
 * provenance of its whole record, and a count of records says its source
 * is unknown rather than a dash that reads as "none". */
static void
test_compare_without_store (Fixture *f, gconstpointer data)
{
  TmRanking *ranking = tm_match_view_get_ranking (f->view);
  TmEngine *engine = tm_ranking_get_engine (ranking);
  TmCatalog *catalog = tm_engine_get_catalog (engine);
  guint streamers[2] = { 0, 0 };
  guint n = 0;
  TmWeights w;
  GtkWidget *win;

  /* Two streamers with cooperations. */
  for (guint s = 0; s < catalog->n_streamers && n < 2; s++)
    if (catalog->streamers[s].n_cooperations > 0)
      streamers[n++] = s;
  g_assert_cmpuint (n, ==, 2);
  tm_match_view_get_weights (f->view, &w);
  win = tm_compare_window_new (engine, NULL, tm_ranking_get_brand (ranking), &w, streamers, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *record = tm_provenance_format (&catalog->streamers[streamers[i]].provenance);

      g_assert_cmpstr (gtk_label_get_text (tm_compare_window_get_cell (TM_COMPARE_WINDOW (win), "engagement_rate.source", i)),
                       ==, record);
      g_assert_cmpstr (gtk_label_get_text (tm_compare_window_get_cell (TM_COMPARE_WINDOW (win), "cooperations.source", i)),
                       ==, "Unknown");
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  scratch_dir = g_dir_make_tmp ("test-gui-compare-XXXXXX", &error);
  g_assert_no_error (error);
  cli = g_getenv ("TRUSTMATCH_CLI");

  g_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (cli);

  g_test_add ("/gui/compare/three", Fixture, NULL, fixture_set_up, test_compare_three, fixture_tear_down);
  g_test_add ("/gui/compare/without-store", Fixture, NULL, fixture_set_up, test_compare_without_store, fixture_tear_down);

  ret = g_test_run ();

  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);

  return ret;
}
