/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui"

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "tm-context.h"
#include "tm-gui-utils.h"
#include "tm-json.h"
#include "tm-window.h"
#include "tm-test-utils.h"

/* One scratch directory for the whole run; XDG_DATA_HOME points into it
 * before GLib first reads it. */
static char *scratch_dir;

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the context's worker has finished (or a
 * minute has passed). */
static void
wait_for_load (TmContext *context)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  timeout_id = g_timeout_add_seconds (60, on_timeout_cb, &timed_out);
  while (!timed_out &&
         (tm_context_get_state (context) == TM_CONTEXT_STATE_IDLE ||
          tm_context_get_state (context) == TM_CONTEXT_STATE_LOADING))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);

  /* Let the window lay out and draw what it now shows. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Creates and shows a window on @context, then waits for the data. */
static TmWindow *
show_window_and_wait (TmContext *context)
{
  TmWindow *window;

  window = tm_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_load (context);

  return window;
}

static gpointer
get_child (TmWindow   *window,
           const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), TM_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
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
  while (g_main_context_iteration (NULL, FALSE))
    ;
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

  model = G_LIST_MODEL (gtk_column_view_get_model (get_child (window, "streamers_view")));
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
  wait_for_load (context);

  g_assert_cmpint (tm_context_get_state (context), ==, TM_CONTEXT_STATE_READY);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (window, "state_stack")), ==, "data");
  g_assert_cmpuint (count_list_box_rows (get_child (window, "brands_list")), ==, n_brands);
  model = G_LIST_MODEL (gtk_column_view_get_model (get_child (window, "streamers_view")));
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

  ret = g_test_run ();

  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);

  return ret;
}
