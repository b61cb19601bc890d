/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui"

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "tm-brand-editor.h"
#include "tm-context.h"
#include "tm-gui-utils.h"
#include "tm-json.h"
#include "tm-partnership-review.h"
#include "tm-streamer-directory.h"
#include "tm-streamer-header.h"
#include "tm-streamer-item.h"
#include "tm-streamer-row.h"
#include "tm-window.h"
#include "tm-test-gui.h"
#include "tm-test-utils.h"

/* One scratch directory for the whole run; XDG_DATA_HOME points into it
 * before GLib first reads it. */
static char *scratch_dir;

/* Creates and shows a window on @context, then waits for the data. */
static TmWindow *
show_window_and_wait (TmContext *context)
{
  TmWindow *window;

  window = tm_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  tm_test_wait_for_load (context);

  return window;
}

static gpointer
get_child (TmWindow   *window,
           const char *name)
{
  return tm_test_template_child (window, TM_TYPE_WINDOW, name);
}

static guint
count_list_box_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static gboolean
list_box_has_row_titled (GtkListBox *list,
                         const char *title)
{
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      if (ADW_IS_PREFERENCES_ROW (row) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
make_scratch_subdir (const char *name)
{
  char *path = g_build_filename (scratch_dir, name, NULL);

  g_assert_no_errno (g_mkdir_with_parents (path, 0700));
  return path;
}

static void
destroy_window (TmWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tm_test_drain ();
}

/* First run: the default database is created under XDG_DATA_HOME, filled
 * from the sample data, and both lists show everything in it. */
static void
test_first_run_seeds_sample (void)
{
  const char *sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_autofree char *brands_file = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(TmDataset) sample = NULL;
  g_autoptr(TmContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const TmBrand *known_brand;
  TmWindow *window;
  TmStore *store;
  GListModel *model;
  guint n_brands, n_streamers, n_cooperations, n_incidents;
  const char *status;

  g_assert_nonnull (sample_dir);
  brands_file = g_build_filename (sample_dir, "brands.json", NULL);
  sample = tm_dataset_load_file (brands_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sample->brands->len, >, 0);
  known_brand = g_ptr_array_index (sample->brands, sample->brands->len - 1);

  db_path = g_build_filename (g_get_user_data_dir (), "trustmatch", "trustmatch.db", NULL);
  g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));

  context = tm_context_new (NULL, NULL);
  window = show_window_and_wait (context);

  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_READY);
  g_assert_true (tm_context_get_seeded (context));
  g_assert_true (g_file_test (db_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "state_stack")), ==, "data");

  store = tm_context_get_store (context);
  tm_store_count (store, &n_brands, &n_streamers, &n_cooperations, &n_incidents);
  g_assert_cmpuint (n_brands, >, 0);
  g_assert_cmpuint (n_streamers, >, 0);

  g_assert_cmpuint (count_list_box_rows (get_child (window, "brands_list")), ==, n_brands);
  g_assert_true (list_box_has_row_titled (get_child (window, "brands_list"), known_brand->name));

  model = tm_streamer_directory_get_model (get_child (window, "directory"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_streamers);

  /* The footer counts what the store holds. */
  status = gtk_label_get_text (get_child (window, "status_label"));
  {
    g_autofree char *brands = g_strdup_printf ("%u brand", n_brands);
    g_autofree char *streamers = g_strdup_printf ("%u streamer", n_streamers);

    g_assert_nonnull (strstr (status, brands));
    /* Streamer counts may be grouped ("1,000"): only check small ones. */
    if (n_streamers < 1000)
      g_assert_nonnull (strstr (status, streamers));
  }

  destroy_window (window);
  g_clear_object (&context);

  /* A second start finds the data and does not seed again. */
  context = tm_context_new (NULL, NULL);
  window = show_window_and_wait (context);
  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_READY);
  g_assert_false (tm_context_get_seeded (context));
  {
    guint n_brands_again, n_streamers_again;

    tm_store_count (tm_context_get_store (context), &n_brands_again, &n_streamers_again, NULL, NULL);
    g_assert_cmpuint (n_brands_again, ==, n_brands);
    g_assert_cmpuint (n_streamers_again, ==, n_streamers);
  }
  g_assert_cmpuint (count_list_box_rows (get_child (window, "brands_list")), ==, n_brands);
  destroy_window (window);
}

/* An empty store (no sample files to seed from) shows the empty state,
 * which tells the user how to import data. */
static void
test_empty_store_shows_empty_state (void)
{
  g_autofree char *sample_dir = make_scratch_subdir ("empty-sample");
  g_autofree char *data_dir = make_scratch_subdir ("empty-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = NULL;
  TmWindow *window;
  GtkStack *stack;
  GtkWidget *page;

  context = tm_context_new (db_path, sample_dir);
  window = show_window_and_wait (context);

  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_READY);
  g_assert_false (tm_context_get_seeded (context));

  stack = get_child (window, "state_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  page = gtk_stack_get_visible_child (stack);
  g_assert_true (ADW_IS_STATUS_PAGE (page));
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)),
                            "trustmatch-cli import"));
  g_assert_cmpuint (count_list_box_rows (get_child (window, "brands_list")), ==, 0);

  destroy_window (window);
}

/* The empty state tells the user to import with the command-line tool
 * and reload: after an import, Reload shows the data. */
static void
test_empty_store_reload_after_import (void)
{
  g_autofree char *sample_dir = make_scratch_subdir ("reload-sample");
  g_autofree char *data_dir = make_scratch_subdir ("reload-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autofree char *brands_file = g_build_filename (g_getenv ("TRUSTMATCH_SAMPLE_DIR"), "brands.json", NULL);
  g_autofree char *streamers_file = g_build_filename (g_getenv ("TRUSTMATCH_SAMPLE_DIR"), "streamers.json", NULL);
  const char *files[] = { brands_file, streamers_file, NULL };
  g_autoptr(TmContext) context = NULL;
  g_autoptr(TmStore) other = NULL;
  g_autoptr(GError) error = NULL;
  TmWindow *window;
  GListModel *model;
  guint n_brands, n_streamers;

  context = tm_context_new (db_path, sample_dir);
  window = show_window_and_wait (context);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "state_stack")), ==, "empty");

  /* Another program (trustmatch-cli) imports into the same database. */
  other = tm_store_open (db_path, &error);
  g_assert_no_error (error);
  tm_store_import_files (other, files, NULL, &error);
  g_assert_no_error (error);
  tm_store_count (other, &n_brands, &n_streamers, NULL, NULL);
  g_assert_cmpuint (n_brands, >, 0);
  g_assert_cmpuint (n_streamers, >, 0);

  g_action_group_activate_action (G_ACTION_GROUP (window), "reload", NULL);
  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_LOADING);
  tm_test_wait_for_load (context);

  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_READY);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "state_stack")), ==, "data");
  g_assert_cmpuint (count_list_box_rows (get_child (window, "brands_list")), ==, n_brands);
  model = tm_streamer_directory_get_model (get_child (window, "directory"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_streamers);

  destroy_window (window);
}

/* A file that is not a database: the error state names the file, and the
 * file is left as it was. */
static void
test_corrupt_database_shows_error (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("corrupt-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  TmWindow *window;
  GtkStack *stack;
  GtkWidget *page;
  const char *description;
  gsize length;

  g_file_set_contents (db_path, "hello", -1, &error);
  g_assert_no_error (error);

  context = tm_context_new (db_path, g_getenv ("TRUSTMATCH_SAMPLE_DIR"));
  window = show_window_and_wait (context);

  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_ERROR);
  g_assert_nonnull (tm_context_get_error (context));
  g_assert_null (tm_context_get_catalog (context));

  stack = get_child (window, "state_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "error");
  page = gtk_stack_get_visible_child (stack);
  g_assert_true (ADW_IS_STATUS_PAGE (page));
  description = adw_status_page_get_description (ADW_STATUS_PAGE (page));
  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, db_path));

  destroy_window (window);
  g_clear_object (&context);

  g_file_get_contents (db_path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, "hello", 5);
}

/* Numbers as the lists show them (no translations are loaded here, so
 * these are the English forms). */
static void
test_format_numbers (void)
{
  struct {
    gint64      n;
    const char *compact;
  } compact[] = {
    { -1, "—" },
    { 0, "0" },
    { 9999, "9,999" },
    { 12345, "12.3K" },
    { 999949, "999.9K" },
    { 999950, "1.0M" },
    { 1250000, "1.2M" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (compact); i++)
    {
      g_autofree char *text = tm_gui_format_compact_count (compact[i].n);

      g_assert_cmpstr (text, ==, compact[i].compact);
    }

  {
    g_autofree char *a = tm_gui_format_count (3000);
    g_autofree char *b = tm_gui_format_count (1234567);
    g_autofree char *c = tm_gui_format_count (999);
    g_autofree char *d = tm_gui_format_credit (92, 100);
    g_autofree char *e = tm_gui_format_credit (4.75, 5);
    g_autofree char *f = tm_gui_format_credit (NAN, 100);

    g_assert_cmpstr (a, ==, "3,000");
    g_assert_cmpstr (b, ==, "1,234,567");
    g_assert_cmpstr (c, ==, "999");
    g_assert_cmpstr (d, ==, "92/100");
    g_assert_cmpstr (e, ==, "4.8/5");
    g_assert_cmpstr (f, ==, "—");
  }
}

/*
 * The streamer directory
 */

static gpointer
get_directory_child (TmStreamerDirectory *directory,
                     const char          *name)
{
  return tm_test_template_child (directory, TM_TYPE_STREAMER_DIRECTORY, name);
}

/* The documented search rule, written out again over the catalog's
 * fields: every term occurs in the case-folded name, id, a handle or a
 * tag.  (The sample data has no full-width text, so folding case is the
 * whole normalisation here.) */
static gboolean
oracle_search (const TmCatalog         *catalog,
               const TmCatalogStreamer *s,
               const char              *query)
{
  g_auto(GStrv) terms = g_strsplit (query, " ", -1);

  for (guint t = 0; terms[t] != NULL; t++)
    {
      g_autofree char *term = g_utf8_casefold (terms[t], -1);
      g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
      gboolean found = FALSE;

      if (term[0] == '\0')
        continue;
      g_ptr_array_add (fields, g_utf8_casefold (s->name, -1));
      g_ptr_array_add (fields, g_utf8_casefold (s->id, -1));
      for (guint i = 0; i < s->n_accounts; i++)
        g_ptr_array_add (fields, g_utf8_casefold (catalog->accounts[s->first_account + i].handle, -1));
      for (guint i = 0; i < s->n_tags; i++)
        g_ptr_array_add (fields, g_utf8_casefold (catalog->tags[s->first_tag + i].tag, -1));
      for (guint f = 0; f < fields->len && !found; f++)
        found = strstr (g_ptr_array_index (fields, f), term) != NULL;
      if (!found)
        return FALSE;
    }
  return TRUE;
}

typedef gboolean (*StreamerPredicate) (const TmCatalog *catalog, const TmCatalogStreamer *s, gconstpointer data);

static guint
count_streamers (const TmCatalog   *catalog,
                 StreamerPredicate  predicate,
                 gconstpointer      data)
{
  guint n = 0;

  for (guint i = 0; i < catalog->n_streamers; i++)
    n += predicate (catalog, &catalog->streamers[i], data) ? 1 : 0;
  return n;
}

static gboolean
pred_search (const TmCatalog *catalog, const TmCatalogStreamer *s, gconstpointer query)
{
  return oracle_search (catalog, s, query);
}

static gboolean
pred_search_and_incidents (const TmCatalog *catalog, const TmCatalogStreamer *s, gconstpointer query)
{
  return s->n_incidents > 0 && oracle_search (catalog, s, query);
}

static gboolean
pred_incidents (const TmCatalog *catalog, const TmCatalogStreamer *s, gconstpointer data)
{
  return s->n_incidents > 0;
}

static gboolean
pred_platform (const TmCatalog *catalog, const TmCatalogStreamer *s, gconstpointer platform)
{
  for (guint i = 0; i < s->n_accounts; i++)
    if (catalog->accounts[s->first_account + i].platform == GPOINTER_TO_INT (platform))
      return TRUE;
  return FALSE;
}

/* The credit score in percent of its scale, NAN when unknown (every
 * comparison with it is then false). */
static double
oracle_credit_percent (const TmCatalogStreamer *s)
{
  return !isnan (s->credit_score) && s->credit_scale > 0
         ? s->credit_score / s->credit_scale * 100 : NAN;
}

/* Credit exactly @data percent, to a hundredth. */
static gboolean
pred_credit_is (const TmCatalog *catalog, const TmCatalogStreamer *s, gconstpointer data)
{
  return fabs (oracle_credit_percent (s) - *(const double *) data) < 0.01;
}

static gboolean
pred_credit_at_least_80 (const TmCatalog *catalog, const TmCatalogStreamer *s, gconstpointer data)
{
  return oracle_credit_percent (s) >= 80;
}

/* Runs the main loop until @model has @n items (the search entry waits a
 * moment before it searches), for at most 5 s. */
static void
wait_for_n_items (GListModel *model,
                  guint       n)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (5, tm_test_timeout_cb, &timed_out);

  while (!timed_out && g_list_model_get_n_items (model) != n)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
}

/* Runs the main loop for @ms so that the window lays out and draws. */
static void
run_for (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, tm_test_timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct {
  int            y;
  TmStreamerRow *row;
} ShownRow;

static int
compare_shown_rows (gconstpointer a,
                    gconstpointer b)
{
  return ((const ShownRow *) a)->y - ((const ShownRow *) b)->y;
}

/* The rows on screen show the first rows of @model, from the top, each
 * its own streamer: the table keeps its row widgets and moves them to
 * new streamers, so a row left behind would show here. */
static void
assert_rows_show_model (TmStreamerDirectory *directory,
                        GListModel          *model)
{
  GtkWidget *list = get_directory_child (directory, "list_view");
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (ShownRow));
  int height = gtk_widget_get_height (list);

  run_for (100);
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      graphene_point_t at;

      if (row == NULL || !TM_IS_STREAMER_ROW (row) || !gtk_widget_get_child_visible (child)
          || !gtk_widget_compute_point (child, list, &GRAPHENE_POINT_INIT (0, 0), &at)
          || at.y < 0 || at.y >= height)
        continue;
      g_array_append_val (shown, ((ShownRow) { (int) at.y, TM_STREAMER_ROW (row) }));
    }
  g_array_sort (shown, compare_shown_rows);

  g_assert_cmpuint (shown->len, ==, MIN (g_list_model_get_n_items (model), shown->len));
  g_assert_cmpuint (shown->len, >=, MIN (g_list_model_get_n_items (model), 5));
  for (guint i = 0; i < shown->len; i++)
    {
      TmStreamerRow *row = g_array_index (shown, ShownRow, i).row;
      g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, i);
      const TmCatalogStreamer *streamer = tm_streamer_item_get_streamer (item);
      g_autofree char *incidents = g_strdup_printf ("%u", streamer->n_incidents);

      g_assert_cmpstr (tm_streamer_row_get_text (row, TM_STREAMER_COLUMN_NAME), ==, streamer->name);
      g_assert_cmpstr (tm_streamer_row_get_text (row, TM_STREAMER_COLUMN_INCIDENTS), ==, incidents);
    }
}

static void
on_streamer_activated_cb (TmStreamerDirectory *directory,
                          const char          *id,
                          char               **activated)
{
  g_free (*activated);
  *activated = g_strdup (id);
}

/* Activating the row at @position (what Enter and a double click do)
 * names the streamer of that row of @model. */
static void
assert_activates (TmStreamerDirectory *directory,
                  GListModel          *model,
                  guint                position)
{
  GtkWidget *list = get_directory_child (directory, "list_view");
  g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, position);
  g_autofree char *activated = NULL;
  gulong handler = g_signal_connect (directory, "streamer-activated",
                                     G_CALLBACK (on_streamer_activated_cb), &activated);

  TmWindow *window = TM_WINDOW (gtk_widget_get_root (GTK_WIDGET (directory)));
  GtkStack *stack = get_child (window, "streamers_stack");

  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", position));
  g_signal_handler_disconnect (directory, handler);
  g_assert_cmpstr (activated, ==, tm_streamer_item_get_streamer (item)->id);

  /* The window opened that streamer's page; Back returns to the rows. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "streamer");
  g_assert_true (gtk_widget_activate_action (get_child (window, "streamer_page"), "streamer-page.back", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "directory");
}

/* Search as you type, filters, the row count, the empty state and
 * sorting, driven through the widgets and checked against the catalog. */
static void
test_directory_search_and_filter (void)
{
  g_autoptr(TmContext) context = tm_context_new (NULL, NULL);
  TmWindow *window = show_window_and_wait (context);
  TmCatalog *catalog = tm_context_get_catalog (context);
  TmStreamerDirectory *directory = get_child (window, "directory");
  GListModel *model = tm_streamer_directory_get_model (directory);
  GtkEditable *entry = get_directory_child (directory, "search_entry");
  GtkLabel *count_label = get_directory_child (directory, "count_label");
  GtkStack *results = get_directory_child (directory, "results_stack");
  GtkCheckButton *incidents = get_directory_child (directory, "incidents_check");
  GtkSpinButton *min_credit = get_directory_child (directory, "min_credit_spin");
  GtkFlowBox *platforms = get_directory_child (directory, "platforms_box");
  const TmCatalogStreamer *someone;
  g_autofree char *query = NULL;
  g_autofree char *handle_query = NULL;
  g_autofree char *total = NULL;
  guint expected;

  g_assert_nonnull (catalog);
  g_assert_cmpuint (catalog->n_streamers, >, 10);
  wait_for_n_items (model, catalog->n_streamers);
  total = g_strdup_printf ("%u streamers", catalog->n_streamers);
  g_assert_nonnull (strstr (gtk_label_get_text (count_label), total));

  /* Ctrl+F (win.search) puts the focus in the search entry. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  tm_test_drain ();
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (entry))
                 || gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (entry));

  /* The first two characters of a name, typed. */
  someone = &catalog->streamers[catalog->n_streamers / 2];
  query = g_utf8_substring (someone->name, 0, 2);
  expected = count_streamers (catalog, pred_search, query);
  g_assert_cmpuint (expected, >=, 1);
  gtk_editable_set_text (entry, query);
  wait_for_n_items (model, expected);
  assert_rows_show_model (directory, model);
  assert_activates (directory, model, expected - 1);
  for (guint i = 0; i < expected; i++)
    {
      g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, i);

      g_assert_true (oracle_search (catalog, tm_streamer_item_get_streamer (item), query));
    }
  {
    g_autofree char *count = g_strdup_printf (" of %u streamers", catalog->n_streamers);

    g_assert_nonnull (strstr (gtk_label_get_text (count_label), count));
  }

  /* A handle in upper case finds its streamer too. */
  g_assert_cmpuint (someone->n_accounts, >, 0);
  handle_query = g_utf8_strup (catalog->accounts[someone->first_account].handle, -1);
  gtk_editable_set_text (entry, handle_query);
  wait_for_n_items (model, count_streamers (catalog, pred_search, handle_query));
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);

  /* The search and "only with incidents" together, then the filter
   * cleared with the button that appears. */
  gtk_editable_set_text (entry, query);
  wait_for_n_items (model, expected);
  gtk_check_button_set_active (incidents, TRUE);
  wait_for_n_items (model, count_streamers (catalog, pred_search_and_incidents, query));
  assert_rows_show_model (directory, model);
  g_assert_true (gtk_widget_get_visible (get_directory_child (directory, "clear_button")));
  g_assert_nonnull (strstr (gtk_label_get_text (count_label), "with incidents"));
  gtk_widget_activate (get_directory_child (directory, "clear_button"));
  wait_for_n_items (model, expected);
  g_assert_false (gtk_check_button_get_active (incidents));
  gtk_editable_set_text (entry, "");
  wait_for_n_items (model, catalog->n_streamers);
  assert_rows_show_model (directory, model);

  /* Filters alone: incidents, the first platform, credit from 80 %. */
  gtk_check_button_set_active (incidents, TRUE);
  wait_for_n_items (model, count_streamers (catalog, pred_incidents, NULL));
  gtk_check_button_set_active (incidents, FALSE);
  {
    GtkWidget *first = gtk_flow_box_child_get_child (gtk_flow_box_get_child_at_index (platforms, 0));

    gtk_check_button_set_active (GTK_CHECK_BUTTON (first), TRUE);
    wait_for_n_items (model, count_streamers (catalog, pred_platform, GINT_TO_POINTER (0)));
    gtk_check_button_set_active (GTK_CHECK_BUTTON (first), FALSE);
  }
  gtk_spin_button_set_value (min_credit, 80);
  wait_for_n_items (model, count_streamers (catalog, pred_credit_at_least_80, NULL));
  /* An upper bound under the lower one takes the lower one along. */
  {
    GtkSpinButton *max_credit = get_directory_child (directory, "max_credit_spin");
    const double ninety = 90;

    gtk_spin_button_set_value (min_credit, 95);
    gtk_spin_button_set_value (max_credit, 90);
    g_assert_cmpfloat (gtk_spin_button_get_value (min_credit), ==, 90);
    wait_for_n_items (model, count_streamers (catalog, pred_credit_is, &ninety));
    gtk_spin_button_set_value (max_credit, 100);
  }
  gtk_spin_button_set_value (min_credit, 0);
  wait_for_n_items (model, catalog->n_streamers);

  /* Nothing found: the empty state, and its button brings all back. */
  gtk_editable_set_text (entry, "no-such-streamer-anywhere");
  wait_for_n_items (model, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (results), ==, "empty");
  gtk_check_button_set_active (incidents, TRUE);
  {
    GtkWidget *page = gtk_stack_get_child_by_name (results, "empty");
    GtkWidget *button = adw_status_page_get_child (ADW_STATUS_PAGE (page));

    gtk_widget_activate (button);
  }
  wait_for_n_items (model, catalog->n_streamers);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  g_assert_false (gtk_check_button_get_active (incidents));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (results), ==, "list");

  /* Sorting by followers: a click on the title sorts fewest first, a
   * second click most first, and the title's arrow says which. */
  {
    GtkWidget *table = get_directory_child (directory, "table_box");
    TmStreamerHeader *header = TM_STREAMER_HEADER (gtk_widget_get_last_child (table));  /* after the list */
    GtkWidget *title = tm_streamer_header_get_title (header, TM_STREAMER_COLUMN_FOLLOWERS);

    for (int click = 0; click < 2; click++)
      {
        gboolean descending = click == 1;
        gint64 previous = descending ? G_MAXINT64 : G_MININT64;
        gboolean shown_descending;

        /* A button activated by the keyboard shows itself pressed for a
         * moment before it clicks. */
        gtk_widget_activate (title);
        {
          gboolean timed_out = FALSE;
          guint timeout_id = g_timeout_add_seconds (5, tm_test_timeout_cb, &timed_out);

          while (!timed_out && (tm_streamer_header_get_sort (header, &shown_descending) != TM_STREAMER_COLUMN_FOLLOWERS
                                || shown_descending != descending))
            g_main_context_iteration (NULL, TRUE);
          if (!timed_out)
            g_source_remove (timeout_id);
        }
        g_assert_cmpint (tm_streamer_header_get_sort (header, &shown_descending), ==, TM_STREAMER_COLUMN_FOLLOWERS);
        g_assert_cmpint (shown_descending, ==, descending);
        for (guint i = 0; i < g_list_model_get_n_items (model); i++)
          {
            g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, i);
            gint64 followers = tm_streamer_item_get_streamer (item)->followers_total;

            if (descending)
              g_assert_cmpint (followers, <=, previous);
            else
              g_assert_cmpint (followers, >=, previous);
            previous = followers;
          }
        assert_rows_show_model (directory, model);
        assert_activates (directory, model, 0);
      }
  }

  destroy_window (window);
}


/*
 * Brand profiles
 */

static const TmBrand *
find_stored_brand (TmContext  *context,
                   GPtrArray **keep,
                   const char *id)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (keep, g_ptr_array_unref);
  *keep = tm_store_load_brands (tm_context_get_store (context), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < (*keep)->len; i++)
    {
      const TmBrand *brand = g_ptr_array_index (*keep, i);

      if (g_str_equal (brand->id, id))
        return brand;
    }
  return NULL;
}

static guint
count_stored_brands (TmContext *context)
{
  guint n;

  tm_store_count (tm_context_get_store (context), &n, NULL, NULL, NULL);
  return n;
}

/* The descendants of @widget made by @type, in depth-first order. */
static void
collect_descendants (GtkWidget *widget,
                     GType      type,
                     GPtrArray *into)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_type_is_a (G_OBJECT_TYPE (child), type))
        g_ptr_array_add (into, child);
      collect_descendants (child, type, into);
    }
}

static double
sum_shares (const double *shares,
            guint         n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    sum += shares[i];
  return sum;
}

static void
activate_window_action (TmWindow   *window,
                        const char *name,
                        GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), name, parameter);
  tm_test_drain ();
}

/* A brand created, edited field by field, duplicated and deleted through
 * the widgets: every valid change is in the store at once, an invalid one
 * is marked at its field and never reaches the store, and a delete can be
 * undone until its toast goes away. */
static void
test_brands_create_edit_delete (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("brands-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) scales = g_ptr_array_new ();
  g_autofree char *id = NULL;
  g_autofree char *copy_id = NULL;
  TmWindow *window = show_window_and_wait (context);
  GtkListBox *list = get_child (window, "brands_list");
  TmBrandEditor *editor = get_child (window, "brand_editor");
  GtkEditable *name_row = tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "name_row");
  GtkWidget *error_label = tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "error_label");
  GtkListBox *tags_list = tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "tags_list");
  GtkSpinButton *price_spin = tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "price_spin");
  GtkSwitch *audience_switch = tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "audience_switch");
  TmCatalog *catalog = tm_context_get_catalog (context);
  const char *blacklisted = catalog->streamers[0].id;
  guint n_brands = count_stored_brands (context);
  const TmBrand *brand;
  GtkListBoxRow *add_tag_row;

  g_assert_cmpuint (count_list_box_rows (list), ==, n_brands);
  /* The window opens with the first brand in the form. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "brand_stack")), ==, "editor");
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 0));
  g_assert_cmpstr (tm_brand_editor_get_brand (editor)->id, ==,
                   tm_brand_object_get_id (g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (list, 0)),
                                                              "brand")));

  /* Ctrl+N's action: a new brand, in the store, selected and shown. */
  activate_window_action (window, "new-brand", NULL);
  g_assert_cmpuint (count_stored_brands (context), ==, n_brands + 1);
  g_assert_cmpuint (count_list_box_rows (list), ==, n_brands + 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "brand_stack")), ==, "editor");
  id = g_strdup (tm_brand_editor_get_brand (editor)->id);
  g_assert_nonnull (find_stored_brand (context, &stored, id));
  g_assert_true (gtk_list_box_row_is_selected (gtk_list_box_get_selected_row (list)));

  /* The name: saved as typed, and the list's row follows. */
  gtk_editable_set_text (name_row, "测试品牌");
  brand = find_stored_brand (context, &stored, id);
  g_assert_cmpstr (brand->name, ==, "测试品牌");
  g_assert_true (list_box_has_row_titled (list, "测试品牌"));

  /* An empty name is marked at the field and not saved. */
  gtk_editable_set_text (name_row, "");
  g_assert_cmpstr (tm_brand_editor_get_error_field (editor), ==, "name");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (name_row), "error"));
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (find_stored_brand (context, &stored, id)->name, ==, "测试品牌");
  gtk_editable_set_text (name_row, "测试品牌");
  g_assert_null (tm_brand_editor_get_error_field (editor));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (name_row), "error"));
  g_assert_false (gtk_widget_get_visible (error_label));

  /* Money in yuan on screen, fen in the store. */
  gtk_spin_button_set_value (price_spin, 88.5);
  g_assert_cmpint (find_stored_brand (context, &stored, id)->typical_order_price_fen, ==, 8850);

  /* A style tag added with the entry row at the end of the list. */
  add_tag_row = gtk_list_box_get_row_at_index (tags_list, 0);
  g_assert_true (ADW_IS_ENTRY_ROW (add_tag_row));
  gtk_editable_set_text (GTK_EDITABLE (add_tag_row), "国潮");
  g_signal_emit_by_name (add_tag_row, "apply");
  brand = find_stored_brand (context, &stored, id);
  g_assert_cmpuint (brand->style_tags->len, ==, 1);
  g_assert_cmpstr (g_array_index (brand->style_tags, TmStyleTag, 0).tag, ==, "国潮");
  g_assert_cmpuint (count_list_box_rows (tags_list), ==, 2);

  /* The audience: on, then one age slider moved; the store always holds
   * shares that add up. */
  gtk_switch_set_active (audience_switch, TRUE);
  brand = find_stored_brand (context, &stored, id);
  g_assert_true (brand->audience.present);
  g_assert_cmpfloat_with_epsilon (sum_shares (brand->audience.age, TM_N_AGES), 1, 1e-9);
  collect_descendants (tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "age_row"), GTK_TYPE_SCALE, scales);
  g_assert_cmpuint (scales->len, ==, TM_N_AGES);
  gtk_range_set_value (g_ptr_array_index (scales, 1), 60);
  brand = find_stored_brand (context, &stored, id);
  g_assert_cmpfloat_with_epsilon (brand->audience.age[1], 0.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (sum_shares (brand->audience.age, TM_N_AGES), 1, 1e-9);
  /* The other sliders show what was stored. */
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (g_ptr_array_index (scales, 0)),
                                  brand->audience.age[0] * 100, 1e-6);

  /* The blacklist, as the picker fills it. */
  tm_brand_editor_add_to_blacklist (editor, blacklisted);
  brand = find_stored_brand (context, &stored, id);
  g_assert_cmpuint (brand->blacklist->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (brand->blacklist, 0), ==, blacklisted);

  /* The picker: a search over the directory, Enter takes the first. */
  {
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
    GListModel *toplevels;   /* transfer none */
    const TmCatalogStreamer *wanted = &catalog->streamers[catalog->n_streamers - 1];
    GtkWidget *picker = NULL;
    GtkWidget *entry;

    collect_descendants (tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "blacklist_row"),
                         GTK_TYPE_BUTTON, buttons);
    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)), "Add to Blacklist") == 0)
        g_signal_emit_by_name (g_ptr_array_index (buttons, i), "clicked");
    toplevels = gtk_window_get_toplevels ();
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (g_strcmp0 (gtk_window_get_title (toplevel), "Add to Blacklist") == 0)
          picker = GTK_WIDGET (toplevel);
      }
    g_assert_nonnull (picker);
    g_clear_pointer (&buttons, g_ptr_array_unref);
    buttons = g_ptr_array_new ();
    collect_descendants (picker, GTK_TYPE_SEARCH_ENTRY, buttons);
    entry = g_ptr_array_index (buttons, 0);
    gtk_editable_set_text (GTK_EDITABLE (entry), wanted->id);
    g_signal_emit_by_name (entry, "activate");
    tm_test_drain ();
    brand = find_stored_brand (context, &stored, id);
    g_assert_cmpuint (brand->blacklist->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (brand->blacklist, 1), ==, wanted->id);
  }

  /* Duplicate: a second brand with everything but the id and name. */
  activate_window_action (window, "duplicate-brand", NULL);
  g_assert_cmpuint (count_stored_brands (context), ==, n_brands + 2);
  copy_id = g_strdup (tm_brand_editor_get_brand (editor)->id);
  g_assert_cmpstr (copy_id, !=, id);
  brand = find_stored_brand (context, &stored, copy_id);
  g_assert_nonnull (strstr (brand->name, "测试品牌"));
  g_assert_cmpuint (brand->style_tags->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (brand->audience.age[1], 0.6, 1e-9);
  g_assert_cmpint (brand->typical_order_price_fen, ==, 8850);

  /* Delete: gone from the list at once, still in the store while the
   * undo toast shows; undo brings it back. */
  activate_window_action (window, "delete-brand", NULL);
  g_assert_cmpuint (count_list_box_rows (list), ==, n_brands + 1);
  g_assert_false (list_box_has_row_titled (list, brand->name));
  g_assert_cmpuint (count_stored_brands (context), ==, n_brands + 2);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "brand_stack")), ==, "none");
  activate_window_action (window, "undo-delete-brand", g_variant_new_string (copy_id));
  g_assert_cmpuint (count_list_box_rows (list), ==, n_brands + 2);
  g_assert_cmpstr (tm_brand_editor_get_brand (editor)->id, ==, copy_id);

  /* Deleted for good when the window closes. */
  activate_window_action (window, "delete-brand", NULL);
  gtk_window_close (GTK_WINDOW (window));
  tm_test_drain ();
  g_assert_cmpuint (count_stored_brands (context), ==, n_brands + 1);
  g_assert_null (find_stored_brand (context, &stored, copy_id));
  g_clear_object (&context);

  /* A new start finds the edited brand as it was left. */
  context = tm_context_new (db_path, NULL);
  window = show_window_and_wait (context);
  brand = find_stored_brand (context, &stored, id);
  g_assert_cmpstr (brand->name, ==, "测试品牌");
  g_assert_cmpuint (brand->blacklist->len, ==, 2);
  g_assert_true (list_box_has_row_titled (get_child (window, "brands_list"), "测试品牌"));
  destroy_window (window);
}


/* An edit (a brand, notes) made while the store is busy (here: a reload;
 * a sync's apply is the same path) shows at once, is written when the store is free,
 * and the reloaded catalog does not put the old version back. */
static void
test_brands_edit_during_reload_is_kept (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("brands-reload-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmBrand) edited = NULL;
  TmWindow *window = show_window_and_wait (context);
  TmBrandObject *item;
  gboolean deferred = FALSE;
  g_autofree char *deleted_id = NULL;

  item = g_list_model_get_item (tm_context_get_brands (context), 0);
  g_object_unref (item);   /* the list keeps it */
  edited = tm_brand_copy (tm_brand_object_get_brand (item));
  g_free (edited->name);
  edited->name = g_strdup ("重载时改的名字");

  tm_context_load_async (context, NULL, NULL, NULL);
  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_LOADING);
  g_assert_true (tm_context_save_brand (context, edited, &deferred, &error) == item);
  g_assert_no_error (error);
  g_assert_true (deferred);
  /* Notes about a streamer take the same way. */
  deferred = FALSE;
  g_assert_true (tm_context_save_streamer_note (context, "s-000001", "重载时写的备注", &deferred, &error));
  g_assert_no_error (error);
  g_assert_true (deferred);
  {
    g_autofree char *note = NULL;

    g_assert_true (tm_context_get_streamer_note (context, "s-000001", &note, &error));
    g_assert_cmpstr (note, ==, "重载时写的备注");
  }
  g_assert_cmpstr (tm_brand_object_get_brand (item)->name, ==, "重载时改的名字");

  /* A delete whose undo time ends now waits for the store too. */
  {
    g_autoptr(TmBrandObject) other = g_list_model_get_item (tm_context_get_brands (context), 1);

    deleted_id = g_strdup (tm_brand_object_get_id (other));
  }
  g_assert_true (tm_context_remove_brand (context, deleted_id));
  g_assert_true (tm_context_flush_delete (context, deleted_id, &error));
  g_assert_no_error (error);

  tm_test_wait_for_load (context);
  g_assert_cmpstr (find_stored_brand (context, &stored, edited->id)->name, ==, "重载时改的名字");
  g_assert_null (find_stored_brand (context, &stored, deleted_id));
  /* The reloaded catalog, read before the delete, does not bring it back. */
  g_assert_null (tm_context_find_brand (context, deleted_id));
  {
    g_autofree char *note = NULL;

    g_assert_true (tm_store_get_streamer_note (tm_context_get_store (context), "s-000001",
                                               &note, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (note, ==, "重载时写的备注");
  }
  /* The same item, still with the edit. */
  g_assert_true (tm_context_find_brand (context, edited->id) == item);
  g_assert_cmpstr (tm_brand_object_get_brand (item)->name, ==, "重载时改的名字");
  destroy_window (window);
}


/* A killed app loses nothing: an edit is in the store as soon as it is
 * made, and a brand deleted with its undo toast still showing is still
 * there (the delete had not happened yet). */
static void
test_brands_survive_a_kill (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("brands-kill-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *edited_id = g_getenv ("TM_TEST_EDITED_ID");

  if (g_test_subprocess ())
    {
      TmContext *context = tm_context_new (g_getenv ("TM_TEST_DB"), NULL);
      TmWindow *window = show_window_and_wait (context);
      TmBrandEditor *editor = get_child (window, "brand_editor");
      GtkListBox *list = get_child (window, "brands_list");

      gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
      gtk_editable_set_text (tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "name_row"), "改名后被杀");
      gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 1));
      g_action_group_activate_action (G_ACTION_GROUP (window), "delete-brand", NULL);
      /* No flush, no close: the process dies here. */
      abort ();
    }

  /* The store the child edits, seeded here so the ids are known. */
  {
    g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
    TmWindow *window = show_window_and_wait (context);
    GListModel *brands = tm_context_get_brands (context);
    g_autoptr(TmBrandObject) first = g_list_model_get_item (brands, 0);
    g_autoptr(TmBrandObject) second = g_list_model_get_item (brands, 1);

    g_setenv ("TM_TEST_DB", db_path, TRUE);
    g_setenv ("TM_TEST_EDITED_ID", tm_brand_object_get_id (first), TRUE);
    g_setenv ("TM_TEST_DELETED_ID", tm_brand_object_get_id (second), TRUE);
    edited_id = g_getenv ("TM_TEST_EDITED_ID");
    destroy_window (window);
  }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();

  store = tm_store_open (db_path, &error);
  g_assert_no_error (error);
  stored = tm_store_load_brands (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < stored->len; i++)
    {
      const TmBrand *brand = g_ptr_array_index (stored, i);

      if (g_str_equal (brand->id, edited_id))
        g_assert_cmpstr (brand->name, ==, "改名后被杀");
    }
  {
    gboolean deleted_still_there = FALSE;

    for (guint i = 0; i < stored->len; i++)
      deleted_still_there |= g_str_equal (((TmBrand *) g_ptr_array_index (stored, i))->id,
                                          g_getenv ("TM_TEST_DELETED_ID"));
    g_assert_true (deleted_still_there);
  }
  g_assert_true (tm_store_check_integrity (store, &error));
  g_assert_no_error (error);
}


/* A brand renamed in the form goes by its new name in the review's brand
 * list at once, before any reload. */
static void
test_brands_rename_shows_in_review (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("brands-rename-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
  TmWindow *window = show_window_and_wait (context);
  GtkListBox *list = get_child (window, "brands_list");
  TmBrandEditor *editor = get_child (window, "brand_editor");
  GtkDropDown *brands = tm_test_template_child (get_child (window, "review"), TM_TYPE_PARTNERSHIP_REVIEW,
                                        "brand_dropdown");
  TmCatalog *catalog = tm_context_get_catalog (context);
  const char *id;
  gint index;

  /* The review shows a catalog only once it is on screen. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-review", NULL);
  tm_test_drain ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-brands", NULL);
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 2));
  id = tm_brand_editor_get_brand (editor)->id;
  index = tm_catalog_find_brand (catalog, id);
  g_assert_cmpint (index, >=, 0);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (brands)), index),
                   ==, catalog->brands[index]->name);

  gtk_editable_set_text (tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "name_row"), "复盘里的新名字");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (brands)), index),
                   ==, "复盘里的新名字");
  destroy_window (window);
}

/* A reload (F5, or a sync that changed data) keeps the brand the
 * user has open: the item keeps its identity, so the row should too. */
static void
test_brands_selection_survives_reload (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("review-sel-data");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
  TmWindow *window = show_window_and_wait (context);
  GtkListBox *list = get_child (window, "brands_list");
  TmBrandEditor *editor = get_child (window, "brand_editor");
  g_autofree char *id = NULL;

  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 2));
  id = g_strdup (tm_brand_editor_get_brand (editor)->id);

  tm_context_load_async (context, NULL, NULL, NULL);
  tm_test_wait_for_load (context);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "brand_stack")), ==, "editor");
  g_assert_nonnull (tm_brand_editor_get_brand (editor));
  g_assert_cmpstr (tm_brand_editor_get_brand (editor)->id, ==, id);
  destroy_window (window);
}

static void
collect_undo_buttons (GtkWidget *widget,
                      GPtrArray *into)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), "_Undo") == 0
          && gtk_widget_get_mapped (child))
        g_ptr_array_add (into, child);
      collect_undo_buttons (child, into);
    }
}

/* Two brands deleted one after the other; Undo on the second
 * toast must not delete the first for good while its toast (queued
 * behind) still offers Undo. */
static void
test_brands_two_deletes_undo (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("review-two-deletes");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  TmWindow *window = show_window_and_wait (context);
  GtkListBox *list = get_child (window, "brands_list");
  TmBrandEditor *editor = get_child (window, "brand_editor");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint n = count_list_box_rows (list);

  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  first = g_strdup (tm_brand_editor_get_brand (editor)->id);
  activate_window_action (window, "delete-brand", NULL);
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  second = g_strdup (tm_brand_editor_get_brand (editor)->id);
  activate_window_action (window, "delete-brand", NULL);
  g_assert_cmpuint (count_list_box_rows (list), ==, n - 2);

  /* The user clicks Undo on the toast on screen: the second brand's. */
  run_for (1000);
  collect_undo_buttons (get_child (window, "toast_overlay"), buttons);
  g_assert_cmpuint (buttons->len, ==, 1);
  g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
  tm_test_drain ();
  g_assert_nonnull (find_stored_brand (context, &stored, second));
  g_assert_cmpuint (count_list_box_rows (list), ==, n - 1);

  /* The first brand's toast is still to come, with its Undo. */
  g_assert_nonnull (find_stored_brand (context, &stored, first));
  activate_window_action (window, "undo-delete-brand", g_variant_new_string (first));
  g_assert_cmpuint (count_list_box_rows (list), ==, n);
  destroy_window (window);
}

/* The app quits (its main loop ends, shutdown drops the context)
 * while the catalog reloads after a sync, with an edit that waited for
 * the sync and a delete whose toast was dismissed. */
static void
test_brands_quit_during_reload (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("review-quit-reload");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean renamed = FALSE;
  gboolean deleted = TRUE;

  if (g_test_subprocess ())
    {
      TmContext *context = tm_context_new (g_getenv ("TM_TEST_DB"), NULL);
      g_autoptr(TmBrand) edited = NULL;
      gboolean deferred = FALSE;

      tm_context_load_async (context, NULL, NULL, NULL);
      tm_test_wait_for_load (context);
      edited = tm_brand_copy (tm_brand_object_get_brand (tm_context_find_brand (context, g_getenv ("TM_TEST_EDITED_ID"))));
      g_free (edited->name);
      edited->name = g_strdup ("退出前改的名字");

      /* A reload lets go of the store: the edit waits, the delete is due. */
      tm_context_load_async (context, NULL, NULL, NULL);
      g_assert_nonnull (tm_context_save_brand (context, edited, &deferred, &error));
      g_assert_true (deferred);
      g_assert_true (tm_context_remove_brand (context, g_getenv ("TM_TEST_DELETED_ID")));
      g_assert_true (tm_context_flush_delete (context, g_getenv ("TM_TEST_DELETED_ID"), &error));
      /* The application quits: its shutdown writes what waits, though the
       * load's task still holds the context. */
      tm_context_shutdown (context);
      g_object_unref (context);
      exit (0);
    }

  {
    g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
    g_autoptr(TmBrandObject) first = NULL;
    g_autoptr(TmBrandObject) second = NULL;

    tm_context_load_async (context, NULL, NULL, NULL);
    tm_test_wait_for_load (context);
    first = g_list_model_get_item (tm_context_get_brands (context), 0);
    second = g_list_model_get_item (tm_context_get_brands (context), 1);
    g_setenv ("TM_TEST_EDITED_ID", tm_brand_object_get_id (first), TRUE);
    g_setenv ("TM_TEST_DELETED_ID", tm_brand_object_get_id (second), TRUE);
  }
  g_setenv ("TM_TEST_DB", db_path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  store = tm_store_open (db_path, &error);
  g_assert_no_error (error);
  stored = tm_store_load_brands (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < stored->len; i++)
    {
      const TmBrand *brand = g_ptr_array_index (stored, i);

      if (g_str_equal (brand->id, g_getenv ("TM_TEST_EDITED_ID")))
        renamed = g_str_equal (brand->name, "退出前改的名字");
      if (g_str_equal (brand->id, g_getenv ("TM_TEST_DELETED_ID")))
        deleted = FALSE;
    }
  g_assert_true (renamed);
  g_assert_true (deleted);
}

/* A brand changed in the store by someone else (the CLI, a sync)
 * and reloaded: refill replaces the item's record while the record's id
 * is the key of its table (a use after free, seen under valgrind). */
static void
test_brands_reload_changed_brand (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("review-changed");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
  g_autoptr(TmStore) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmBrand) changed = NULL;
  TmBrandObject *item;
  guint n;

  tm_context_load_async (context, NULL, NULL, NULL);
  tm_test_wait_for_load (context);
  n = g_list_model_get_n_items (tm_context_get_brands (context));
  item = g_list_model_get_item (tm_context_get_brands (context), 0);
  g_object_unref (item);
  changed = tm_brand_copy (tm_brand_object_get_brand (item));
  g_free (changed->name);
  changed->name = g_strdup ("别处改的");
  other = tm_store_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_true (tm_store_put_brand (other, changed, &error));
  g_assert_no_error (error);

  tm_context_load_async (context, NULL, NULL, NULL);
  tm_test_wait_for_load (context);
  g_assert_cmpuint (g_list_model_get_n_items (tm_context_get_brands (context)), ==, n);
  g_assert_true (tm_context_find_brand (context, changed->id) == item);
  g_assert_cmpstr (tm_brand_object_get_brand (item)->name, ==, "别处改的");
}

/* A price typed into the spin button, then the window closed
 * without Enter or Tab. */
static void
test_brands_typed_price_on_close (void)
{
  g_autofree char *data_dir = make_scratch_subdir ("review-typed");
  g_autofree char *db_path = g_build_filename (data_dir, "trustmatch.db", NULL);
  g_autoptr(TmContext) context = tm_context_new (db_path, NULL);
  g_autoptr(GPtrArray) stored = NULL;
  TmWindow *window = show_window_and_wait (context);
  GtkListBox *list = get_child (window, "brands_list");
  TmBrandEditor *editor = get_child (window, "brand_editor");
  GtkSpinButton *price_spin = tm_test_template_child (editor, TM_TYPE_BRAND_EDITOR, "price_spin");
  g_autofree char *id = NULL;

  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  id = g_strdup (tm_brand_editor_get_brand (editor)->id);
  gtk_widget_grab_focus (GTK_WIDGET (price_spin));
  gtk_editable_set_text (GTK_EDITABLE (price_spin), "4321.00");
  gtk_window_close (GTK_WINDOW (window));
  tm_test_drain ();
  g_assert_cmpint (find_stored_brand (context, &stored, id)->typical_order_price_fen, ==, 432100);
}

/* Every shortcut the shortcuts window lists names an action a window
 * has: a misspelt name shows a row without keys and does nothing. */
static void
test_shortcuts_name_window_actions (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/example/TrustMatch/gtk/help-overlay.ui");
  g_autoptr(TmContext) context = tm_context_new (NULL, NULL);
  TmWindow *window = show_window_and_wait (context);
  GSList *objects = gtk_builder_get_objects (builder);
  guint n_win = 0;

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *action = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "action-name", &action, NULL);
      /* GtkApplication adds win.show-help-overlay to the windows of an
       * application; these test windows have none. */
      if (action == NULL || !g_str_has_prefix (action, "win.")
          || g_str_equal (action, "win.show-help-overlay"))
        continue;
      if (!g_action_group_has_action (G_ACTION_GROUP (window), action + strlen ("win.")))
        g_error ("The shortcuts window lists %s, which the window does not have", action);
      n_win++;
    }
  g_slist_free (objects);
  /* Sync, feed settings, reload, the two views, search at least. */
  g_assert_cmpuint (n_win, >=, 6);
  destroy_window (window);
}


int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  int ret;

  scratch_dir = g_dir_make_tmp ("test-gui-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (scratch_dir, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/gui/first-run/seeds-sample", test_first_run_seeds_sample);
  g_test_add_func ("/gui/empty-store/shows-empty-state", test_empty_store_shows_empty_state);
  g_test_add_func ("/gui/empty-store/reload-after-import", test_empty_store_reload_after_import);
  g_test_add_func ("/gui/corrupt-database/shows-error", test_corrupt_database_shows_error);
  g_test_add_func ("/gui/format/numbers", test_format_numbers);
  g_test_add_func ("/gui/directory/search-and-filter", test_directory_search_and_filter);
  g_test_add_func ("/gui/shortcuts/name-window-actions", test_shortcuts_name_window_actions);
  g_test_add_func ("/gui/brands/create-edit-delete", test_brands_create_edit_delete);
  g_test_add_func ("/gui/brands/edit-during-reload-is-kept", test_brands_edit_during_reload_is_kept);
  g_test_add_func ("/gui/brands/survive-a-kill", test_brands_survive_a_kill);
  g_test_add_func ("/gui/brands/rename-shows-in-review", test_brands_rename_shows_in_review);
  g_test_add_func ("/gui/brands/selection-survives-reload", test_brands_selection_survives_reload);
  g_test_add_func ("/gui/brands/two-deletes-undo", test_brands_two_deletes_undo);
  g_test_add_func ("/gui/brands/quit-during-reload", test_brands_quit_during_reload);
  g_test_add_func ("/gui/brands/reload-changed-brand", test_brands_reload_changed_brand);
  g_test_add_func ("/gui/brands/typed-price-on-close", test_brands_typed_price_on_close);

  ret = g_test_run ();

  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);

  return ret;
}
