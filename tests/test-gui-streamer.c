/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-streamer"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>
#include <sqlite3.h>

#include "tm-context.h"
#include "tm-history-chart.h"
#include "tm-lookalike.h"
#include "tm-lookalike-dialog.h"
#include "tm-streamer-directory.h"
#include "tm-streamer-item.h"
#include "tm-streamer-page.h"
#include "tm-window.h"
#include "tm-test-gui.h"
#include "tm-test-utils.h"

/* The streamer page, opened from the directory as a user does, compared
 * with what the store holds (tm_store_dump(), filtered and sorted here). */

static char *scratch_dir;

/* Helpers --------------------------------------------------------------- */

/* Runs the main loop until @widget has been given a size (the page slides
 * in over a few frames). */
static void
wait_for_size (GtkWidget *widget)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (30, tm_test_timeout_cb, &timed_out);

  while (!timed_out && (gtk_widget_get_width (widget) <= 0 || gtk_widget_get_height (widget) <= 0))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
}

static gpointer
page_child (TmStreamerPage *page,
            const char     *name)
{
  return tm_test_template_child (page, TM_TYPE_STREAMER_PAGE, name);
}

typedef struct {
  char      *db_path;
  TmContext *context;
  TmWindow  *window;
  TmDataset *dump;        /* the oracle */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (scratch_dir, "XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  f->db_path = g_build_filename (dir, "trustmatch.db", NULL);
  f->context = tm_context_new (f->db_path, g_getenv ("TRUSTMATCH_SAMPLE_DIR"));
  f->window = tm_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  tm_test_wait_for_load (f->context);
  g_assert_cmpint (tm_context_get_state (f->context), ==, TM_CONTEXT_STATE_READY);

  f->dump = tm_store_dump (tm_context_get_store (f->context), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  tm_test_drain ();
  g_clear_object (&f->context);
  g_clear_pointer (&f->dump, tm_dataset_free);
  g_free (f->db_path);
}

static TmStreamerPage *
get_page (Fixture *f)
{
  return tm_test_template_child (f->window, TM_TYPE_WINDOW, "streamer_page");
}

static const char *
visible_streamers_child (Fixture *f)
{
  return gtk_stack_get_visible_child_name (tm_test_template_child (f->window, TM_TYPE_WINDOW, "streamers_stack"));
}

static int
compare_cooperations (gconstpointer a, gconstpointer b)
{
  const TmCooperation *x = *(TmCooperation * const *) a;
  const TmCooperation *y = *(TmCooperation * const *) b;

  return x->date != y->date ? (x->date < y->date ? -1 : 1) : strcmp (x->id, y->id);
}

static int
compare_incidents (gconstpointer a, gconstpointer b)
{
  const TmIncident *x = *(TmIncident * const *) a;
  const TmIncident *y = *(TmIncident * const *) b;

  return x->date != y->date ? (x->date < y->date ? -1 : 1) : strcmp (x->id, y->id);
}

/* The oracle: @id's cooperations and incidents in the dump, by date. */
static void
oracle_history (Fixture    *f,
                const char *id,
                GPtrArray **coops,
                GPtrArray **incidents)
{
  *coops = g_ptr_array_new ();
  *incidents = g_ptr_array_new ();
  for (guint i = 0; i < f->dump->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (f->dump->cooperations, i);

      if (strcmp (c->streamer_id, id) == 0)
        g_ptr_array_add (*coops, c);
    }
  for (guint i = 0; i < f->dump->incidents->len; i++)
    {
      TmIncident *inc = g_ptr_array_index (f->dump->incidents, i);

      if (strcmp (inc->streamer_id, id) == 0)
        g_ptr_array_add (*incidents, inc);
    }
  g_ptr_array_sort (*coops, compare_cooperations);
  g_ptr_array_sort (*incidents, compare_incidents);
}

/* The streamer with the most cooperations among those with incidents. */
static const TmStreamer *
pick_streamer (Fixture *f)
{
  const TmStreamer *best = NULL;
  guint best_n = 0;

  for (guint i = 0; i < f->dump->streamers->len; i++)
    {
      const TmStreamer *s = g_ptr_array_index (f->dump->streamers, i);
      g_autoptr(GPtrArray) coops = NULL;
      g_autoptr(GPtrArray) incidents = NULL;

      oracle_history (f, s->id, &coops, &incidents);
      if (incidents->len > 0 && coops->len > best_n)
        {
          best = s;
          best_n = coops->len;
        }
    }
  g_assert_nonnull (best);
  g_assert_cmpuint (best_n, >=, 2);
  return best;
}

static const char *
oracle_brand_name (Fixture             *f,
                   const TmCooperation *c)
{
  if (c->brand_id == NULL)
    return c->brand_name;
  for (guint i = 0; i < f->dump->brands->len; i++)
    {
      TmBrand *b = g_ptr_array_index (f->dump->brands, i);

      if (strcmp (b->id, c->brand_id) == 0)
        return b->name;
    }
  g_assert_not_reached ();
}

/* Activates the directory's row of @id, as a double click does. */
static void
activate_row (Fixture    *f,
              const char *id)
{
  TmStreamerDirectory *directory = tm_test_template_child (f->window, TM_TYPE_WINDOW, "directory");
  GListModel *model = tm_streamer_directory_get_model (directory);
  GtkWidget *list = tm_test_template_child (directory, TM_TYPE_STREAMER_DIRECTORY, "list_view");
  guint n = g_list_model_get_n_items (model);
  guint position = G_MAXUINT;

  g_action_group_activate_action (G_ACTION_GROUP (f->window), "show-streamers", NULL);
  for (guint i = 0; i < n && position == G_MAXUINT; i++)
    {
      g_autoptr(TmStreamerItem) item = g_list_model_get_item (model, i);

      if (strcmp (tm_streamer_item_get_streamer (item)->id, id) == 0)
        position = i;
    }
  g_assert_cmpuint (position, <, n);
  /* What a double click or Enter on the row does. */
  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", position));
  tm_test_drain ();
}

static void
append_label_texts (GtkWidget *widget,
                    GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    append_label_texts (child, out);
}

static char *
label_texts (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);

  append_label_texts (widget, out);
  return g_string_free (out, FALSE);
}

static const char *
grid_text (GtkGrid *grid,
           int      column,
           int      row)
{
  GtkWidget *cell = gtk_grid_get_child_at (grid, column, row);

  g_assert_true (GTK_IS_LABEL (cell));
  return gtk_label_get_text (GTK_LABEL (cell));
}

static guint
count_grid_rows (GtkGrid *grid)
{
  guint n = 0;

  while (gtk_grid_get_child_at (grid, 0, n) != NULL)
    n++;
  return n;
}

static char *
get_notes (TmStore *store, const char *id)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (tm_store_get_streamer_note (store, id, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
set_view_text (TmStreamerPage *page, const char *text)
{
  GtkTextView *view = page_child (page, "notes_view");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

/* Tests ----------------------------------------------------------------- */

/* What the page shows is what the store holds: every cooperation in the
 * table and in the chart, every incident, and provenance per signal. */
static void
test_open_shows_store (Fixture *f, gconstpointer data)
{
  const TmStreamer *s = pick_streamer (f);
  g_autoptr(GPtrArray) coops = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  TmStreamerPage *page = get_page (f);
  GtkGrid *grid = page_child (page, "history_grid");
  TmHistoryChart *chart = page_child (page, "history_chart");
  GtkListBox *list = page_child (page, "incidents_list");
  GtkListBox *signals = page_child (page, "signals_list");
  guint n;

  oracle_history (f, s->id, &coops, &incidents);
  g_assert_cmpstr (visible_streamers_child (f), ==, "directory");
  activate_row (f, s->id);
  g_assert_cmpstr (visible_streamers_child (f), ==, "streamer");
  g_assert_cmpstr (tm_streamer_page_get_streamer_id (page), ==, s->id);
  g_assert_cmpstr (gtk_label_get_text (page_child (page, "name_label")), ==, s->name);

  /* The table: a header, then the newest first. */
  g_assert_cmpuint (count_grid_rows (grid), ==, coops->len + 1);
  for (guint r = 1; r <= coops->len; r++)
    {
      const TmCooperation *c = g_ptr_array_index (coops, coops->len - r);
      g_autofree char *date = tm_date_format (c->date);
      g_autofree char *gmv = tm_format_fen (c->gmv_fen, FALSE);
      g_autofree char *rate = g_strdup_printf ("%.1f%%", c->return_rate * 100);
      g_autofree char *row_text = NULL;

      g_assert_cmpstr (grid_text (grid, 0, r), ==, date);
      g_assert_cmpstr (grid_text (grid, 1, r), ==, oracle_brand_name (f, c));
      g_assert_cmpstr (grid_text (grid, 4, r), ==, gmv);
      g_assert_cmpstr (grid_text (grid, 8, r), ==, rate);
    }

  /* The chart: one point per cooperation, oldest first, each found where
   * it is drawn, with its tooltip. */
  wait_for_size (GTK_WIDGET (chart));
  n = tm_history_chart_get_n_points (chart);
  g_assert_cmpuint (n, ==, coops->len);
  for (guint i = 0; i < n; i++)
    {
      const TmCooperation *c = g_ptr_array_index (coops, i);
      g_autofree char *date = tm_date_format (c->date);
      g_autofree char *tooltip = tm_history_chart_dup_point_text (chart, i);
      double x, y, x2, y2;
      int hit;

      g_assert_cmpstr (tm_history_chart_get_point (chart, i)->id, ==, c->id);
      g_assert_true (tm_history_chart_get_point_position (chart, i, &x, &y));
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (x, <=, gtk_widget_get_width (GTK_WIDGET (chart)));
      g_assert_cmpfloat (y, >=, 0);
      g_assert_cmpfloat (y, <=, gtk_widget_get_height (GTK_WIDGET (chart)));
      hit = tm_history_chart_get_point_at (chart, x, y);
      g_assert_cmpint (hit, >=, 0);
      /* Another point may be drawn on the very same spot. */
      g_assert_true (tm_history_chart_get_point_position (chart, hit, &x2, &y2));
      g_assert_cmpfloat (hypot (x2 - x, y2 - y), <, 1e-6);
      g_assert_nonnull (strstr (tooltip, date));
      g_assert_nonnull (strstr (tooltip, oracle_brand_name (f, c)));
    }
  /* The points run left to right in time. */
  for (guint i = 1; i < n; i++)
    {
      double xa, ya, xb, yb;

      tm_history_chart_get_point_position (chart, i - 1, &xa, &ya);
      tm_history_chart_get_point_position (chart, i, &xb, &yb);
      g_assert_cmpfloat (xa, <=, xb);
    }

  /* The incident log: newest first, each with its description and its
   * resolution. */
  for (guint k = 0; k < incidents->len; k++)
    {
      const TmIncident *inc = g_ptr_array_index (incidents, incidents->len - 1 - k);
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, k);
      g_autofree char *text = NULL;
      g_autofree char *date = tm_date_format (inc->date);

      g_assert_nonnull (row);
      text = label_texts (GTK_WIDGET (row));
      g_assert_nonnull (strstr (text, inc->description));
      g_assert_nonnull (strstr (text, date));
      g_assert_nonnull (strstr (text, tm_incident_kind_label (inc->kind)));
      g_assert_nonnull (strstr (text, inc->resolved ? "Resolved" : "Unresolved"));
      if (inc->resolution != NULL)
        g_assert_nonnull (strstr (text, inc->resolution));
    }
  g_assert_null (gtk_list_box_get_row_at_index (list, incidents->len));

  /* Each trust signal says where it comes from: the fake review share
   * has its own provenance in the sample. */
  {
    const TmProvenance *p = tm_provenance_for (&s->provenance, s->figure_provenance, "reviews.fake_share");
    g_autofree char *observed = tm_date_format (p->observed);
    gboolean found = FALSE;

    for (guint k = 0; !found; k++)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (signals, k);
        g_autofree char *text = NULL;

        g_assert_nonnull (row);
        text = label_texts (GTK_WIDGET (row));
        if (strstr (text, "Fake review share") == NULL)
          continue;
        found = TRUE;
        g_assert_nonnull (strstr (text, tm_source_label (p->source)));
        g_assert_nonnull (strstr (text, tm_basis_label (p->basis)));
        g_assert_nonnull (strstr (text, observed));
      }
  }

  /* Back to the directory. */
  gtk_widget_activate_action (GTK_WIDGET (page), "streamer-page.back", NULL);
  tm_test_drain ();
  g_assert_cmpstr (visible_streamers_child (f), ==, "directory");
}

/* Notes typed on the page reach the store after a pause, at once when
 * the user leaves, and come back with the page. */
static void
test_notes_saved (Fixture *f, gconstpointer data)
{
  const TmStreamer *s = pick_streamer (f);
  TmStreamerPage *page = get_page (f);
  TmStore *store = tm_context_get_store (f->context);
  GtkTextView *view = page_child (page, "notes_view");
  g_autofree char *text = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;
  GtkTextIter start, end;
  g_autofree char *shown = NULL;

  activate_row (f, s->id);
  text = get_notes (store, s->id);
  g_assert_null (text);

  /* Typing, then a pause: saved without leaving the page. */
  set_view_text (page, "首次合作前先要样品。");
  timeout_id = g_timeout_add_seconds (30, tm_test_timeout_cb, &timed_out);
  while (!timed_out && text == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      text = get_notes (store, s->id);
    }
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  g_assert_cmpstr (text, ==, "首次合作前先要样品。");
  g_clear_pointer (&text, g_free);

  /* Typing, then Back at once: saved on the way out. */
  set_view_text (page, "Asks for samples first.");
  gtk_widget_activate_action (GTK_WIDGET (page), "streamer-page.back", NULL);
  text = get_notes (store, s->id);
  g_assert_cmpstr (text, ==, "Asks for samples first.");
  g_clear_pointer (&text, g_free);
  tm_test_drain ();
  g_assert_cmpstr (visible_streamers_child (f), ==, "directory");

  /* Another streamer's page shows its own (empty) notes, this one's come
   * back with it. */
  for (guint i = 0; i < f->dump->streamers->len; i++)
    {
      const TmStreamer *other = g_ptr_array_index (f->dump->streamers, i);

      if (strcmp (other->id, s->id) != 0)
        {
          activate_row (f, other->id);
          break;
        }
    }
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
  shown = gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, "");
  g_clear_pointer (&shown, g_free);
  gtk_widget_activate_action (GTK_WIDGET (page), "streamer-page.back", NULL);
  activate_row (f, s->id);
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
  shown = gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, "Asks for samples first.");

  /* Typing, then closing the window. */
  set_view_text (page, "Closed the window right after typing.");
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&f->window)));
  tm_test_drain ();
  text = get_notes (store, s->id);
  g_assert_cmpstr (text, ==, "Closed the window right after typing.");
}

static void
exec_sql (Fixture    *f,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* When the notes cannot be written (here a trigger refuses them, as a
 * full disk would), the page says so and keeps them: Back does not leave
 * and lose the text.  Once the store takes writes again, Back saves and
 * leaves. */
static void
test_notes_save_fails (Fixture *f, gconstpointer data)
{
  const TmStreamer *s = pick_streamer (f);
  TmStreamerPage *page = get_page (f);
  TmStore *store = tm_context_get_store (f->context);
  GtkTextView *view = page_child (page, "notes_view");
  GtkLabel *status = page_child (page, "notes_status_label");
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;
  GtkTextIter start, end;

  activate_row (f, s->id);
  g_assert_cmpstr (visible_streamers_child (f), ==, "streamer");
  exec_sql (f, "CREATE TRIGGER test_refuse_notes BEFORE INSERT ON streamer_notes "
               "BEGIN SELECT RAISE (ABORT, 'database or disk is full'); END;");

  set_view_text (page, "样品先寄到上海仓。");
  gtk_widget_activate_action (GTK_WIDGET (page), "streamer-page.back", NULL);
  tm_test_drain ();
  /* Still on the page, with the text and the word that it is not saved. */
  g_assert_cmpstr (visible_streamers_child (f), ==, "streamer");
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Not saved");
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
  shown = gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, "样品先寄到上海仓。");
  text = get_notes (store, s->id);
  g_assert_null (text);

  exec_sql (f, "DROP TRIGGER test_refuse_notes;");
  gtk_widget_activate_action (GTK_WIDGET (page), "streamer-page.back", NULL);
  tm_test_drain ();
  g_assert_cmpstr (visible_streamers_child (f), ==, "directory");
  text = get_notes (store, s->id);
  g_assert_cmpstr (text, ==, "样品先寄到上海仓。");
}

/* A reload shows the store's new figures on the open page; when the
 * streamer is gone the page goes back to the directory, and the notes
 * stay in the store. */
static void
test_reload (Fixture *f, gconstpointer data)
{
  const TmStreamer *s = pick_streamer (f);
  g_autofree char *id = g_strdup (s->id);
  g_autoptr(GPtrArray) coops = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(TmDataset) edit = tm_dataset_new ();
  g_autoptr(TmStore) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gmv = NULL;
  g_autofree char *notes = NULL;
  TmStreamerPage *page = get_page (f);
  TmCooperation *newest;
  guint index;
  TmDataset *ds[1] = { edit };
  const char *names[] = { "edit" };
  sqlite3 *db;
  char *sql;

  oracle_history (f, id, &coops, &incidents);
  activate_row (f, id);
  set_view_text (page, "keep this");

  /* Another program raises the newest cooperation's GMV. */
  newest = g_ptr_array_index (coops, coops->len - 1);
  g_assert_true (g_ptr_array_find (f->dump->cooperations, newest, &index));
  g_ptr_array_add (edit->cooperations, g_ptr_array_steal_index (f->dump->cooperations, index));
  newest->gmv_fen += 123456;
  other = tm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_true (tm_store_import (other, ds, names, 1, NULL, &error));
  g_assert_no_error (error);

  g_action_group_activate_action (G_ACTION_GROUP (f->window), "reload", NULL);
  tm_test_wait_for_load (f->context);
  g_assert_cmpstr (visible_streamers_child (f), ==, "streamer");
  g_assert_cmpstr (tm_streamer_page_get_streamer_id (page), ==, id);
  gmv = tm_format_fen (newest->gmv_fen, FALSE);
  g_assert_cmpstr (grid_text (page_child (page, "history_grid"), 4, 1), ==, gmv);
  notes = get_notes (tm_context_get_store (f->context), id);
  g_assert_cmpstr (notes, ==, "keep this");
  g_clear_pointer (&notes, g_free);

  /* Another program deletes the streamer. */
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sql = sqlite3_mprintf ("PRAGMA foreign_keys = ON; "
                         "UPDATE brands SET blacklist = '' WHERE blacklist LIKE '%%%q%%'; "
                         "DELETE FROM streamers WHERE id = %Q", id, id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (sql);
  sqlite3_close (db);

  g_action_group_activate_action (G_ACTION_GROUP (f->window), "reload", NULL);
  tm_test_wait_for_load (f->context);
  g_assert_cmpstr (visible_streamers_child (f), ==, "directory");
  g_assert_null (tm_streamer_page_get_streamer_id (page));
  notes = get_notes (tm_context_get_store (f->context), id);
  g_assert_cmpstr (notes, ==, "keep this");
}

static TmLookalikeDialog *
find_lookalike_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (TM_IS_LOOKALIKE_DIALOG (w))
        return TM_LOOKALIKE_DIALOG (w);
    }
  return NULL;
}

/* "Find Similar Streamers" lists the core's top 20 in its order, with the
 * reasons, and choosing one opens that streamer's page. */
static void
test_find_similar (Fixture *f, gconstpointer data)
{
  const TmStreamer *s = pick_streamer (f);
  g_autofree char *id = g_strdup (s->id);
  TmStreamerPage *page = get_page (f);
  TmCatalog *catalog = tm_context_get_catalog (f->context);
  g_autoptr(GArray) expected = NULL;
  TmLookalikeDialog *dialog;
  GtkListBox *list;
  GtkListBoxRow *first;
  const char *first_id;

  activate_row (f, id);
  g_assert_null (find_lookalike_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "streamer-page.find-similar", NULL));
  tm_test_drain ();
  dialog = find_lookalike_dialog ();
  g_assert_nonnull (dialog);

  expected = tm_lookalike_find (catalog, tm_catalog_find_streamer (catalog, id), 20);
  g_assert_cmpuint (expected->len, ==, 20);
  list = tm_test_template_child (dialog, TM_TYPE_LOOKALIKE_DIALOG, "list");
  for (guint r = 0; r < expected->len; r++)
    {
      const TmLookalike *l = &g_array_index (expected, TmLookalike, r);
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, (int) r);
      g_autofree char *score = g_strdup_printf ("%.1f", l->score);

      g_assert_nonnull (row);
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                       catalog->streamers[l->streamer].name);
      g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "streamer-id"), ==,
                       catalog->streamers[l->streamer].id);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Audience"));
    }
  g_assert_null (gtk_list_box_get_row_at_index (list, 20));

  first = gtk_list_box_get_row_at_index (list, 0);
  first_id = catalog->streamers[g_array_index (expected, TmLookalike, 0).streamer].id;
  g_signal_emit_by_name (list, "row-activated", first);
  tm_test_drain ();
  g_assert_cmpstr (tm_streamer_page_get_streamer_id (page), ==, first_id);
  g_assert_null (find_lookalike_dialog ());
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  scratch_dir = g_dir_make_tmp ("test-gui-streamer-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gui/streamer-page/open-shows-store", test_open_shows_store);
  ADD ("/gui/streamer-page/notes-saved", test_notes_saved);
  ADD ("/gui/streamer-page/notes-save-fails", test_notes_save_fails);
  ADD ("/gui/streamer-page/reload", test_reload);
  ADD ("/gui/streamer-page/find-similar", test_find_similar);
#undef ADD

  ret = g_test_run ();

  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);

  return ret;
}
