/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-match"

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tm-contribution-chart.h"
#include "tm-context.h"
#include "tm-match.h"
#include "tm-match-row.h"
#include "tm-match-view.h"
#include "tm-partnership-review.h"
#include "tm-review-row.h"
#include "tm-gui-utils.h"
#include "tm-streamer-item.h"
#include "tm-streamer-page.h"
#include "tm-window.h"
#include "tm-test-gui.h"
#include "tm-test-utils.h"

/* The match view in a window on the sample data, compared with
 * `trustmatch-cli rank` on the same database: the order, the scores, the
 * order after moving the weights, the rank changes between the two, and
 * the explanation adding up to the score shown. */

#define BRAND "b-001"

static char *scratch_dir;
static const char *cli;

/* Helpers --------------------------------------------------------------- */

typedef struct {
  char        *db_path;
  TmContext   *context;
  TmWindow    *window;
  TmMatchView *view;
} Fixture;

static void
wait_for_ranking (Fixture *f)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (60, tm_test_timeout_cb, &timed_out);

  while (!timed_out
         && (tm_context_get_state (f->context) != TM_CONTEXT_STATE_READY
             || tm_match_view_is_busy (f->view)
             || tm_match_view_get_ranking (f->view) == NULL))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  /* A few frames, so the list view makes and lays out its rows. */
  for (int i = 0; i < 10; i++)
    {
      tm_test_drain ();
      g_usleep (10000);
    }
  tm_test_drain ();
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (scratch_dir, "XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  f->db_path = g_build_filename (dir, "trustmatch.db", NULL);
  f->context = tm_context_new (f->db_path, g_getenv ("TRUSTMATCH_SAMPLE_DIR"));
  f->window = tm_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  f->view = tm_test_template_child (f->window, TM_TYPE_WINDOW, "match_view");

  /* As the brand editor's Find Streamers does. */
  while (tm_context_get_state (f->context) != TM_CONTEXT_STATE_READY)
    {
      g_assert_cmpint (tm_context_get_state (f->context), !=, TM_CONTEXT_STATE_ERROR);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.match-brand", "s", BRAND));
  g_assert_cmpstr (tm_match_view_get_brand_id (f->view), ==, BRAND);
  wait_for_ranking (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  tm_test_drain ();
  g_clear_object (&f->context);
  g_free (f->db_path);
}

/* `trustmatch-cli rank` as JSON: the array of candidates (or excluded
 * ones). */
static JsonArray *
run_rank (Fixture    *f,
          const char *weights,
          const char *member)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *argv[] = { cli, "--db", f->db_path, "rank", "--brand", BRAND, "--top", "0",
                         "--format", "json", "--show-excluded", "--weights", weights, NULL };
  int status;

  /* NULL: the brand's saved weights, as the CLI starts from them. */
  if (weights == NULL)
    argv[11] = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("trustmatch-cli rank failed: %s\n%s", error->message, err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                       member));
}

static const char *
item_id (GListModel *model,
         guint       i)
{
  g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, i);

  return tm_streamer_item_get_streamer (item)->id;
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (TM_IS_MATCH_ROW (widget))
    {
      if (tm_match_row_get_item (TM_MATCH_ROW (widget)) != NULL)
        g_ptr_array_add (rows, widget);
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

/* The rows the list view made, with an item each. */
static GPtrArray *
shown_rows (Fixture *f)
{
  GPtrArray *rows = g_ptr_array_new ();

  collect_rows (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "list_view"), rows);
  g_assert_cmpuint (rows->len, >, 5);
  return rows;
}

static JsonObject *
find_candidate (JsonArray  *candidates,
                const char *id,
                guint      *position)
{
  for (guint i = 0; i < json_array_get_length (candidates); i++)
    {
      JsonObject *c = json_array_get_object_element (candidates, i);

      if (g_strcmp0 (json_object_get_string_member (c, "id"), id) == 0)
        {
          if (position)
            *position = i;
          return c;
        }
    }
  return NULL;
}

/* The list holds the CLI's candidates in its order, and every row made
 * shows the CLI's rank and score. */
static void
assert_list_is (Fixture   *f,
                JsonArray *candidates)
{
  GListModel *model = tm_match_view_get_model (f->view);
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, json_array_get_length (candidates));
  for (guint i = 0; i < json_array_get_length (candidates); i++)
    g_assert_cmpstr (item_id (model, i), ==,
                     json_object_get_string_member (json_array_get_object_element (candidates, i), "id"));

  rows = shown_rows (f);
  for (guint r = 0; r < rows->len; r++)
    {
      TmMatchRow *row = g_ptr_array_index (rows, r);
      const char *id = tm_streamer_item_get_streamer (tm_match_row_get_item (row))->id;
      JsonObject *c = find_candidate (candidates, id, NULL);
      g_autofree char *rank = NULL;
      g_autofree char *score = NULL;

      g_assert_nonnull (c);
      rank = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (c, "rank"));
      score = g_strdup_printf ("%.1f", json_object_get_double_member (c, "score"));
      g_assert_cmpstr (tm_match_row_get_text (row, TM_MATCH_ROW_RANK), ==, rank);
      g_assert_cmpstr (tm_match_row_get_text (row, TM_MATCH_ROW_SCORE), ==, score);
    }
}

static char *
default_weights_text (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  TmWeights w;

  tm_settings_get_default_weights (settings, &w);
  return g_strdup_printf ("style=%g,history=%g,trust=%g,risk=%g", w.style, w.history, w.trust, w.risk);
}

/* Tests ----------------------------------------------------------------- */

static void
test_order_and_scores (Fixture *f, gconstpointer data)
{
  g_autofree char *weights = default_weights_text ();
  g_autoptr(JsonArray) candidates = run_rank (f, weights, "candidates");

  assert_list_is (f, candidates);

  /* With the default weights nothing moved. */
  {
    g_autoptr(GPtrArray) rows = shown_rows (f);

    for (guint r = 0; r < rows->len; r++)
      g_assert_cmpstr (tm_match_row_get_text (g_ptr_array_index (rows, r), TM_MATCH_ROW_CHANGE), ==, "");
  }
}

/* Moving the sliders as a user does re-orders as the CLI does with those
 * weights, and each row's rank change is its place under the default
 * weights minus its place now. */
/* The text a slider shows for its value (the label GtkScale draws). */
static const char *
scale_text (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      const char *text;

      if (GTK_IS_LABEL (c))
        return gtk_label_get_text (GTK_LABEL (c));
      if ((text = scale_text (c)) != NULL)
        return text;
    }
  return NULL;
}

/* The sliders show each component's share of the score, which is what
 * the weights mean (they are normalised), and all three follow when one
 * moves; the risk slider shows its factor. */
static void
test_weight_shares_shown (Fixture *f, gconstpointer data)
{
  GtkWidget *style = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "style_scale");
  GtkWidget *history = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "history_scale");
  GtkWidget *trust = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "trust_scale");
  GtkWidget *risk = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "risk_scale");
  const TmWeights w = { 0.6, 0.4, 0.25, 1.5 };
  TmWeights now;
  guint percent[3];

  GtkLabel *count = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "count_label");

  /* At the brand's own weights there are no marks to explain. */
  g_assert_null (strstr (gtk_label_get_text (count), "▲▼"));
  tm_match_view_set_weights (f->view, &w);
  tm_test_drain ();
  /* Moved: the count says what the ▲/▼ marks compare with. */
  g_assert_nonnull (strstr (gtk_label_get_text (count), "▲▼ vs. saved weights"));
  g_assert_cmpstr (scale_text (style), ==, "48%");
  g_assert_cmpstr (scale_text (history), ==, "32%");
  g_assert_cmpstr (scale_text (trust), ==, "20%");
  g_assert_cmpstr (scale_text (risk), ==, "×1.5");

  /* Moving one slider changes the others' shares too. */
  gtk_range_set_value (GTK_RANGE (trust), 100);
  tm_test_drain ();
  tm_match_view_get_weights (f->view, &now);
  g_assert_true (tm_weights_get_percentages (&now, percent));
  g_assert_cmpuint (percent[2], >, 20);
  for (guint i = 0; i < 3; i++)
    {
      GtkWidget *scales[] = { style, history, trust };
      g_autofree char *want = g_strdup_printf ("%u%%", percent[i]);

      g_assert_cmpstr (scale_text (scales[i]), ==, want);
    }

  /* Reset: back at the saved weights, no marks and no words about them. */
  g_signal_emit_by_name (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "reset_button"), "clicked");
  tm_test_drain ();
  g_assert_null (strstr (gtk_label_get_text (count), "▲▼"));
}

static void
test_weights_reorder (Fixture *f, gconstpointer data)
{
  g_autofree char *defaults = default_weights_text ();
  g_autoptr(JsonArray) before = run_rank (f, defaults, "candidates");
  g_autoptr(JsonArray) after = run_rank (f, "style=10,history=10,trust=80,risk=2", "candidates");
  g_autoptr(GPtrArray) rows = NULL;
  guint moved = 0;

  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "style_scale"), 10);
  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "history_scale"), 10);
  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "trust_scale"), 80);
  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "risk_scale"), 2);
  wait_for_ranking (f);

  assert_list_is (f, after);

  rows = shown_rows (f);
  for (guint r = 0; r < rows->len; r++)
    {
      TmMatchRow *row = g_ptr_array_index (rows, r);
      const char *id = tm_streamer_item_get_streamer (tm_match_row_get_item (row))->id;
      guint old_pos = 0, new_pos = 0;
      g_autofree char *expected = NULL;

      g_assert_nonnull (find_candidate (before, id, &old_pos));
      g_assert_nonnull (find_candidate (after, id, &new_pos));
      expected = tm_match_format_rank_change ((int) old_pos - (int) new_pos);
      g_assert_cmpstr (tm_match_row_get_text (row, TM_MATCH_ROW_CHANGE), ==, expected);
      if (old_pos != new_pos)
        moved++;
    }
  g_assert_cmpuint (moved, >, 0);

  /* Reset: the default order again, and no marks. */
  g_signal_emit_by_name (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "reset_button"), "clicked");
  wait_for_ranking (f);
  assert_list_is (f, before);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = shown_rows (f);
  for (guint r = 0; r < rows->len; r++)
    g_assert_cmpstr (tm_match_row_get_text (g_ptr_array_index (rows, r), TM_MATCH_ROW_CHANGE), ==, "");
}

/* The bars of the explanation, from the neutral 50, add up to the score the selected row shows,
 * and a cooperation's evidence opens the streamer page. */
static void
test_explanation (Fixture *f, gconstpointer data)
{
  TmContributionChart *chart = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "chart");
  GtkListBox *evidence = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "evidence_list");
  GListModel *model = tm_match_view_get_model (f->view);
  g_autoptr(GPtrArray) rows = shown_rows (f);
  GtkListBoxRow *opens = NULL;
  guint checked = 0;

  for (guint position = 0; position < 5; position++)
    {
      const char *id = item_id (model, position);
      const char *score_text = NULL;
      double sum = 0;

      tm_match_view_select (f->view, position);
      tm_test_drain ();
      for (guint r = 0; r < rows->len; r++)
        {
          TmMatchRow *row = g_ptr_array_index (rows, r);

          if (g_strcmp0 (tm_streamer_item_get_streamer (tm_match_row_get_item (row))->id, id) == 0)
            score_text = tm_match_row_get_text (row, TM_MATCH_ROW_SCORE);
        }
      g_assert_nonnull (score_text);

      g_assert_cmpuint (tm_contribution_chart_get_n_bars (chart), >, 3);
      /* From the neutral start of 50, which the label states. */
      sum = 50;
      {
        double axis_min, axis_max;

        tm_contribution_chart_get_axis (chart, &axis_min, &axis_max);
        /* The axis holds every bar, and ±5 at least, so charts of
         * candidates within that range share their scale. */
        g_assert_cmpfloat (axis_min, <=, -5.0);
        g_assert_cmpfloat (axis_max, >=, 5.0);
        for (guint i = 0; i < tm_contribution_chart_get_n_bars (chart); i++)
          {
            double v = tm_contribution_chart_get_value (chart, i);

            g_assert_cmpfloat (v, >=, axis_min);
            g_assert_cmpfloat (v, <=, axis_max);
            sum += v;
          }
      }
      /* The row shows one decimal. */
      g_assert_cmpfloat (fabs (sum - g_ascii_strtod (score_text, NULL)), <=, 0.05 + 1e-6);
      checked++;

      for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (evidence)); c && !opens;
           c = gtk_widget_get_next_sibling (c))
        if (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (c)))
          opens = GTK_LIST_BOX_ROW (c);
      if (opens != NULL)
        {
          TmStreamerPage *page = tm_test_template_child (f->window, TM_TYPE_WINDOW, "streamer_page");
          AdwViewStack *stack = tm_test_template_child (f->window, TM_TYPE_WINDOW, "view_stack");

          const char *record = g_object_get_data (G_OBJECT (opens), "record-id");
          TmRanking *ranking = tm_match_view_get_ranking (f->view);
          g_autoptr(TmExplanation) explanation = NULL;
          gboolean named = FALSE;
          TmWeights w;

          tm_match_view_get_weights (f->view, &w);
          explanation = tm_engine_explain (tm_ranking_get_engine (ranking), tm_ranking_get_brand (ranking),
                                           tm_catalog_find_streamer (tm_context_get_catalog (f->context), id),
                                           &w);

          /* The record is one the engine's evidence names for this streamer. */
          g_assert_nonnull (record);
          for (guint k = 0; explanation != NULL && k < explanation->items->len; k++)
            {
              const TmExplanationItem *item = g_ptr_array_index (explanation->items, k);

              named |= item->evidence != NULL && g_strv_contains ((const char * const *) item->evidence, record);
            }
          g_assert_true (named);

          g_signal_emit_by_name (evidence, "row-activated", opens);
          tm_test_drain ();
          g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "streamers");
          g_assert_cmpstr (tm_streamer_page_get_streamer_id (page), ==, id);
          /* The page shows that cooperation or incident, marked. */
          g_assert_cmpstr (tm_streamer_page_get_highlighted_record (page), ==, record);
          break;
        }
    }
  g_assert_cmpuint (checked, >, 0);
  g_assert_nonnull (opens);
}

/* The Excluded toggle lists the CLI's excluded candidates, in its order,
 * each row with its reasons. */
static void
test_excluded (Fixture *f, gconstpointer data)
{
  g_autofree char *weights = default_weights_text ();
  g_autoptr(JsonArray) excluded = run_rank (f, weights, "excluded");
  GListModel *model = tm_match_view_get_model (f->view);
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_cmpuint (json_array_get_length (excluded), >, 0);
  gtk_toggle_button_set_active (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "excluded_toggle"), TRUE);
  wait_for_ranking (f);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, json_array_get_length (excluded));
  for (guint i = 0; i < json_array_get_length (excluded); i++)
    g_assert_cmpstr (item_id (model, i), ==,
                     json_object_get_string_member (json_array_get_object_element (excluded, i), "id"));
  rows = shown_rows (f);
  for (guint r = 0; r < rows->len; r++)
    {
      TmMatchRow *row = g_ptr_array_index (rows, r);
      const char *details = tm_match_row_get_text (row, TM_MATCH_ROW_DETAILS);

      g_assert_nonnull (strstr (details, "⛔"));
      /* The reasons make the line long: the whole of it on hover. */
      g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, details);
    }
}

/* The followers filter and the search narrow the list to the CLI's
 * candidates that pass them, in the CLI's order; the oracle sums each
 * streamer's accounts from the catalog's account records. */
static void
test_filters (Fixture *f, gconstpointer data)
{
  g_autofree char *weights = default_weights_text ();
  g_autoptr(JsonArray) candidates = run_rank (f, weights, "candidates");
  TmCatalog *catalog = tm_context_get_catalog (f->context);
  GListModel *model = tm_match_view_get_model (f->view);
  GtkSpinButton *min_spin = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "followers_min_spin");
  GtkEditable *search = tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "search_entry");
  const gint64 minimum = 200000;
  const char *name = NULL;
  guint j = 0;

  gtk_spin_button_set_value (min_spin, minimum);
  tm_test_drain ();
  for (guint i = 0; i < json_array_get_length (candidates); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (candidates, i), "id");
      const TmCatalogStreamer *s = &catalog->streamers[tm_catalog_find_streamer (catalog, id)];
      gint64 followers = 0;

      for (guint a = s->first_account; a < s->first_account + s->n_accounts; a++)
        followers += MAX (catalog->accounts[a].followers, 0);
      if (followers < minimum)
        continue;
      g_assert_cmpuint (j, <, g_list_model_get_n_items (model));
      g_assert_cmpstr (item_id (model, j), ==, id);
      j++;
    }
  g_assert_cmpuint (j, ==, g_list_model_get_n_items (model));
  g_assert_cmpuint (j, >, 0);
  g_assert_cmpuint (j, <, json_array_get_length (candidates));

  /* A search for one candidate's name on top finds it. */
  name = json_object_get_string_member (json_array_get_object_element (candidates, 0), "name");
  gtk_spin_button_set_value (min_spin, 0);
  gtk_editable_set_text (search, name);
  /* The entry waits a moment before it says the search changed. */
  g_signal_emit_by_name (search, "search-changed");
  tm_test_drain ();
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, i);

      g_assert_nonnull (strstr (tm_streamer_item_get_streamer (item)->name, name));
    }
}

/* "Save for Brand" keeps the sliders' weights for the brand: in the
 * store, as the base of the rank changes (no marks right after), as what
 * Reset returns to, and as where the CLI's rank starts from. */
static void
test_save_weights (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonArray) saved = NULL;
  g_autoptr(JsonArray) defaults = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *defaults_text = default_weights_text ();
  double read[4];
  gboolean found = FALSE;

  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "style_scale"), 70);
  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "history_scale"), 20);
  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "trust_scale"), 10);
  wait_for_ranking (f);
  g_signal_emit_by_name (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "save_weights_button"), "clicked");
  wait_for_ranking (f);

  store = tm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_true (tm_store_get_brand_weights (store, BRAND, read, &found, &error));
  g_assert_true (found);
  g_assert_cmpfloat_with_epsilon (read[0] / (read[0] + read[1] + read[2]), 0.7, 1e-9);

  saved = run_rank (f, NULL, "candidates");
  assert_list_is (f, saved);
  rows = shown_rows (f);
  for (guint r = 0; r < rows->len; r++)
    g_assert_cmpstr (tm_match_row_get_text (g_ptr_array_index (rows, r), TM_MATCH_ROW_CHANGE), ==, "");

  /* Moved away and reset: back to the saved weights, not the defaults. */
  gtk_range_set_value (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "trust_scale"), 90);
  wait_for_ranking (f);
  g_signal_emit_by_name (tm_test_template_child (f->view, TM_TYPE_MATCH_VIEW, "reset_button"), "clicked");
  wait_for_ranking (f);
  assert_list_is (f, saved);
  defaults = run_rank (f, defaults_text, "candidates");
  g_assert_cmpuint (json_array_get_length (defaults), ==, json_array_get_length (saved));
}

/* Decisions ------------------------------------------------------------- */

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
streamer_id_at (Fixture *f,
                guint    position)
{
  g_autoptr(TmStreamerItem) item = g_list_model_get_item (tm_match_view_get_model (f->view), position);

  g_assert_nonnull (item);
  return tm_streamer_item_get_streamer (item)->id;
}

/* Selects the candidate at @position and clicks the decision button
 * @button ("shortlist", "contacted", "rejected", "clear") with @note. */
static void
decide (Fixture    *f,
        guint       position,
        const char *button,
        const char *note)
{
  GtkWidget *widget;

  tm_match_view_select (f->view, position);
  tm_test_drain ();
  if (note != NULL)
    {
      widget = find_named (GTK_WIDGET (f->view), "decision-note");
      g_assert_nonnull (widget);
      gtk_editable_set_text (GTK_EDITABLE (widget), note);
    }
  widget = find_named (GTK_WIDGET (f->view), button);
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_signal_emit_by_name (widget, "clicked");
  tm_test_drain ();
}

/* The brand's decisions as a fresh connection to the database reads
 * them: streamer id → TmDecision. */
static GHashTable *
stored_decisions (Fixture *f)
{
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) tm_decision_free);

  store = tm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  list = tm_store_load_decisions (store, BRAND, &error);
  g_assert_no_error (error);
  g_ptr_array_set_free_func (list, NULL);
  for (guint i = 0; i < list->len; i++)
    {
      TmDecision *d = g_ptr_array_index (list, i);

      g_hash_table_replace (table, d->streamer_id, d);
    }
  return table;
}

/* Every row shown starts with the badge of its stored decision, and
 * only then. */
static void
assert_rows_show (Fixture    *f,
                  GHashTable *decisions)
{
  g_autoptr(GPtrArray) rows = shown_rows (f);
  guint badges = 0;

  for (guint r = 0; r < rows->len; r++)
    {
      TmMatchRow *row = g_ptr_array_index (rows, r);
      const char *id = tm_streamer_item_get_streamer (tm_match_row_get_item (row))->id;
      const TmDecision *d = g_hash_table_lookup (decisions, id);
      const char *details = tm_match_row_get_text (row, TM_MATCH_ROW_DETAILS);

      if (d != NULL)
        {
          g_autofree char *badge = tm_match_row_format_decision (d);
          g_autofree char *prefix = g_strdup_printf ("[%s] ", badge);

          g_assert_true (g_str_has_prefix (details, prefix));
          badges++;
        }
      else
        g_assert_false (g_str_has_prefix (details, "["));
    }
  g_assert_cmpuint (badges, >, 0);
}

static void
reload (Fixture *f)
{
  tm_context_load_async (f->context, NULL, NULL, NULL);
  g_assert_cmpint (tm_context_get_state (f->context), ==, TM_CONTEXT_STATE_LOADING);
  wait_for_ranking (f);
}

static void
test_decisions (Fixture *f, gconstpointer data)
{
  g_autoptr(GHashTable) stored = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL, *fourth = NULL;
  const TmDecision *d;
  GtkWidget *only;

  first = g_strdup (streamer_id_at (f, 0));
  second = g_strdup (streamer_id_at (f, 1));
  third = g_strdup (streamer_id_at (f, 2));
  fourth = g_strdup (streamer_id_at (f, 3));
  decide (f, 0, "shortlist", "Good fit, call on Monday");
  decide (f, 1, "rejected", NULL);
  decide (f, 2, "contacted", "mailed 张经理");
  decide (f, 3, "shortlist", NULL);
  decide (f, 3, "clear", NULL);

  stored = stored_decisions (f);
  g_assert_cmpuint (g_hash_table_size (stored), ==, 3);
  d = g_hash_table_lookup (stored, first);
  g_assert_nonnull (d);
  g_assert_cmpint (d->status, ==, TM_DECISION_SHORTLISTED);
  g_assert_cmpstr (d->note, ==, "Good fit, call on Monday");
  g_assert_cmpint (ABS (d->decided - g_get_real_time () / G_USEC_PER_SEC), <, 3600);
  d = g_hash_table_lookup (stored, second);
  g_assert_nonnull (d);
  g_assert_cmpint (d->status, ==, TM_DECISION_REJECTED);
  g_assert_null (d->note);
  d = g_hash_table_lookup (stored, third);
  g_assert_nonnull (d);
  g_assert_cmpint (d->status, ==, TM_DECISION_CONTACTED);
  g_assert_cmpstr (d->note, ==, "mailed 张经理");
  g_assert_false (g_hash_table_contains (stored, fourth));
  assert_rows_show (f, stored);

  /* Shortlist only: the shortlisted and contacted ones, in rank order. */
  only = find_named (GTK_WIDGET (f->view), "shortlist-only");
  g_assert_nonnull (only);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (only), TRUE);
  tm_test_drain ();
  g_assert_cmpuint (g_list_model_get_n_items (tm_match_view_get_model (f->view)), ==, 2);
  g_assert_cmpstr (streamer_id_at (f, 0), ==, first);
  g_assert_cmpstr (streamer_id_at (f, 1), ==, third);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (only), FALSE);
  tm_test_drain ();

  /* A reload (as after a sync) keeps them, in the store and the rows. */
  reload (f);
  g_clear_pointer (&stored, g_hash_table_unref);
  stored = stored_decisions (f);
  g_assert_cmpuint (g_hash_table_size (stored), ==, 3);
  assert_rows_show (f, stored);

  /* And a restart: a new context on the same database. */
  {
    g_autoptr(TmContext) context = tm_context_new (f->db_path, g_getenv ("TRUSTMATCH_SAMPLE_DIR"));
    g_autoptr(GHashTable) list = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) tm_decision_free);
    g_autoptr(GError) error = NULL;
    gboolean timed_out = FALSE;
    guint timeout_id = g_timeout_add_seconds (60, tm_test_timeout_cb, &timed_out);
    GHashTableIter iter;
    gpointer value;

    tm_context_load_async (context, NULL, NULL, NULL);
    while (!timed_out && tm_context_get_state (context) != TM_CONTEXT_STATE_READY)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (timed_out);
    g_source_remove (timeout_id);
    g_assert_true (tm_context_load_decisions (context, BRAND, list, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (list), ==, 3);
    g_hash_table_iter_init (&iter, list);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        const TmDecision *got = value;
        const TmDecision *want = g_hash_table_lookup (stored, got->streamer_id);

        g_assert_nonnull (want);
        g_assert_cmpint (got->status, ==, want->status);
        g_assert_cmpstr (got->note, ==, want->note);
        g_assert_cmpint (got->decided, ==, want->decided);
      }
  }
}

static void
test_decision_while_busy (Fixture *f, gconstpointer data)
{
  g_autoptr(GHashTable) stored = NULL;
  g_autofree char *id = g_strdup (streamer_id_at (f, 4));
  const TmDecision *d;

  /* The reload holds the store: the click is kept and written after. */
  tm_match_view_select (f->view, 4);
  tm_test_drain ();
  tm_context_load_async (f->context, NULL, NULL, NULL);
  g_assert_cmpint (tm_context_get_state (f->context), ==, TM_CONTEXT_STATE_LOADING);
  {
    GtkWidget *button = find_named (GTK_WIDGET (f->view), "shortlist");

    g_signal_emit_by_name (button, "clicked");
  }
  g_assert_cmpint (tm_context_get_state (f->context), ==, TM_CONTEXT_STATE_LOADING);
  stored = stored_decisions (f);
  g_assert_false (g_hash_table_contains (stored, id));
  g_clear_pointer (&stored, g_hash_table_unref);

  wait_for_ranking (f);
  stored = stored_decisions (f);
  d = g_hash_table_lookup (stored, id);
  g_assert_nonnull (d);
  g_assert_cmpint (d->status, ==, TM_DECISION_SHORTLISTED);
  assert_rows_show (f, stored);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_export_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (scratch_dir, "shortlist.csv", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GPtrArray) want = g_ptr_array_new ();
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GListModel *model = tm_match_view_get_model (f->view);
  guint n_lines = 0;

  /* Marked out of rank order; one rejected, which is not exported. */
  decide (f, 5, "shortlist", NULL);
  decide (f, 1, "contacted", NULL);
  decide (f, 3, "shortlist", "=HYPERLINK(\"x\")");
  decide (f, 2, "rejected", NULL);

  tm_match_view_export_to_file_async (f->view, TM_MATCH_EXPORT_CSV, path, NULL, export_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tm_match_view_export_to_file_finish (f->view, result, &error));
  g_assert_no_error (error);

  /* The oracle: the list's order, kept where the store has a shortlist
   * or contact. */
  stored = stored_decisions (f);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const char *id = streamer_id_at (f, i);
      const TmDecision *d = g_hash_table_lookup (stored, id);

      if (d != NULL && d->status != TM_DECISION_REJECTED)
        g_ptr_array_add (want, (gpointer) id);
    }
  g_assert_cmpuint (want->len, ==, 3);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF"));
  lines = g_strsplit (contents, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = NULL;

      if (lines[i][0] == '\0')
        continue;
      cells = g_strsplit (lines[i], ",", 4);
      g_assert_cmpuint (n_lines, <, want->len);
      g_assert_cmpstr (cells[2], ==, g_ptr_array_index (want, n_lines));
      n_lines++;
    }
  g_assert_cmpuint (n_lines, ==, want->len);

  /* The dossier of the same shortlist: a PDF in place. */
  {
    g_autofree char *pdf = g_build_filename (scratch_dir, "dossier.pdf", NULL);
    g_autofree char *bytes = NULL;

    g_clear_object (&result);
    tm_match_view_export_to_file_async (f->view, TM_MATCH_EXPORT_PDF, pdf, NULL, export_done_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (tm_match_view_export_to_file_finish (f->view, result, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf, &bytes, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (bytes, "%PDF-"));
  }

  /* Nothing to export is an error, not an empty file. */
  decide (f, 5, "clear", NULL);
  decide (f, 1, "clear", NULL);
  decide (f, 3, "clear", NULL);
  g_clear_object (&result);
  g_remove (path);
  tm_match_view_export_to_file_async (f->view, TM_MATCH_EXPORT_CSV, path, NULL, export_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tm_match_view_export_to_file_finish (f->view, result, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
collect_label_texts (GtkWidget *widget,
                     GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_label_texts (c, texts);
}

/* The partnership review shows the decision next to the streamer of
 * each of the brand's cooperations, also one made after it was built. */
static void
test_decision_in_review (Fixture *f, gconstpointer data)
{
  TmPartnershipReview *review = tm_test_template_child (f->window, TM_TYPE_WINDOW, "review");
  g_autoptr(TmReviewRow) first = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autoptr(GHashTable) list = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                      (GDestroyNotify) tm_decision_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *badge = NULL;
  g_autofree char *want = NULL;
  const TmCatalogCooperation *c;
  TmCatalog *catalog;
  guint found = 0;

  adw_view_stack_set_visible_child_name (tm_test_template_child (f->window, TM_TYPE_WINDOW, "view_stack"), "review");
  g_assert_true (tm_partnership_review_select_brand (review, BRAND));
  tm_test_drain ();
  first = g_list_model_get_item (tm_partnership_review_get_model (review), 0);
  g_assert_nonnull (first);
  catalog = tm_review_row_get_catalog (first);
  c = tm_review_row_get_cooperation (first);

  g_assert_true (tm_context_set_decision (f->context, BRAND, catalog->streamers[c->streamer].id,
                                          TM_DECISION_CONTACTED, NULL, NULL, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 10; i++)
    {
      tm_test_drain ();
      g_usleep (10000);
    }
  g_assert_true (tm_context_load_decisions (f->context, BRAND, list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (list), ==, 1);
  badge = tm_match_row_format_decision (g_hash_table_lookup (list, catalog->streamers[c->streamer].id));
  want = g_strdup_printf ("%s [%s]", catalog->streamers[c->streamer].name, badge);
  collect_label_texts (tm_test_template_child (review, TM_TYPE_PARTNERSHIP_REVIEW, "cooperations_view"), texts);
  for (guint i = 0; i < texts->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (texts, i), want))
        found++;
      else
        g_assert_null (strstr (g_ptr_array_index (texts, i), badge));
    }
  g_assert_cmpuint (found, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  scratch_dir = g_dir_make_tmp ("test-gui-match-XXXXXX", &error);
  g_assert_no_error (error);
  cli = g_getenv ("TRUSTMATCH_CLI");

  g_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (cli);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gui/match/save-weights-for-brand", test_save_weights);
  ADD ("/gui/match/order-and-scores", test_order_and_scores);
  ADD ("/gui/match/weights-reorder", test_weights_reorder);
  ADD ("/gui/match/weight-shares-shown", test_weight_shares_shown);
  ADD ("/gui/match/explanation", test_explanation);
  ADD ("/gui/match/excluded", test_excluded);
  ADD ("/gui/match/filters", test_filters);
  ADD ("/gui/match/decisions", test_decisions);
  ADD ("/gui/match/decision-while-busy", test_decision_while_busy);
  ADD ("/gui/match/export-csv", test_export_csv);
  ADD ("/gui/match/decision-in-review", test_decision_in_review);
#undef ADD

  ret = g_test_run ();

  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);

  return ret;
}
