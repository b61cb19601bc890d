/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-review"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "tm-context.h"
#include "tm-gui-utils.h"
#include "tm-json.h"
#include "tm-partnership-review.h"
#include "tm-review-row.h"
#include "tm-window.h"
#include "tm-test-gui.h"
#include "tm-test-utils.h"

/*
 * The Review page, driven through its drop-downs, against figures
 * computed here from the store's records (tm_store_dump), with GDate
 * quarters, and formatted as docs/review.md says they are shown.
 */

static char *scratch_dir;

static gpointer
review_child (TmPartnershipReview *review,
              const char          *name)
{
  return tm_test_template_child (review, TM_TYPE_PARTNERSHIP_REVIEW, name);
}

static const char *
label_text (TmPartnershipReview *review,
            const char          *name)
{
  return gtk_label_get_text (review_child (review, name));
}

/* ---- The oracle ------------------------------------------------------ */

typedef struct {
  int     key;             /* year × 4 + quarter − 1 */
  guint   n;
  gint64  gmv, cost, complaints;
  double  weighted;        /* Σ return_rate × gmv */
  GHashTable *streamers;
} Sums;

typedef struct {
  GPtrArray *coops;        /* newest first */
  Sums       totals;
  GArray    *quarters;     /* Sums, oldest first, gaps included */
} Expected;

static int
quarter_key (TmDate date)
{
  g_autoptr(GDate) d = g_date_new_julian ((guint32) (date + 719163));

  return g_date_get_year (d) * 4 + (g_date_get_month (d) - 1) / 3;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const TmCooperation *ca = *(TmCooperation * const *) a;
  const TmCooperation *cb = *(TmCooperation * const *) b;

  if (ca->date != cb->date)
    return ca->date > cb->date ? -1 : 1;
  return strcmp (ca->id, cb->id);
}

static void
sums_add (Sums                *s,
          const TmCooperation *c)
{
  s->n++;
  s->gmv += c->gmv_fen;
  s->cost += c->fee_fen + c->commission_fen;
  s->complaints += c->complaints;
  s->weighted += c->return_rate * c->gmv_fen;
  g_hash_table_add (s->streamers, c->streamer_id);
}

static Expected *
expected_new (TmStore    *store,
              const char *brand_id,
              TmDate      from,
              TmDate      to,
              int         platform)   /* −1: any */
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) dump = tm_store_dump (store, &error);
  Expected *e = g_new0 (Expected, 1);
  int first = G_MAXINT, last = G_MININT;

  g_assert_no_error (error);
  e->coops = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_cooperation_free);
  for (guint i = 0; i < dump->cooperations->len; i++)
    {
      TmCooperation *c = dump->cooperations->pdata[i];

      if (g_strcmp0 (c->brand_id, brand_id) != 0
          || (from != TM_DATE_NONE && c->date < from)
          || (to != TM_DATE_NONE && c->date > to)
          || (platform >= 0 && (int) c->platform != platform))
        continue;
      g_ptr_array_add (e->coops, g_steal_pointer (&dump->cooperations->pdata[i]));
      first = MIN (first, quarter_key (c->date));
      last = MAX (last, quarter_key (c->date));
    }
  g_ptr_array_sort (e->coops, compare_newest_first);

  e->totals.streamers = g_hash_table_new (g_str_hash, g_str_equal);
  e->quarters = g_array_new (FALSE, TRUE, sizeof (Sums));
  for (int key = first; key <= last && e->coops->len > 0; key++)
    {
      Sums s = { key, 0, 0, 0, 0, 0, g_hash_table_new (g_str_hash, g_str_equal) };

      g_array_append_val (e->quarters, s);
    }
  for (guint i = 0; i < e->coops->len; i++)
    {
      const TmCooperation *c = e->coops->pdata[i];

      sums_add (&e->totals, c);
      sums_add (&g_array_index (e->quarters, Sums, quarter_key (c->date) - first), c);
    }
  return e;
}

static void
expected_free (Expected *e)
{
  for (guint q = 0; q < e->quarters->len; q++)
    g_hash_table_unref (g_array_index (e->quarters, Sums, q).streamers);
  g_array_unref (e->quarters);
  g_hash_table_unref (e->totals.streamers);
  g_ptr_array_unref (e->coops);
  g_free (e);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Expected, expected_free)

static char *
rate_text (const Sums *s)
{
  return s->gmv > 0 ? g_strdup_printf ("%.1f%%", s->weighted / s->gmv * 100) : g_strdup ("—");
}

static const char *
grid_text (GtkGrid *grid,
           int      column,
           int      row)
{
  GtkWidget *child = gtk_grid_get_child_at (grid, column, row);

  g_assert_true (GTK_IS_LABEL (child));
  return gtk_label_get_text (GTK_LABEL (child));
}

/* The summary, the quarter table and the list show @e. */
static void
assert_shows (TmPartnershipReview *review,
              const Expected      *e)
{
  GtkGrid *grid = review_child (review, "quarters_grid");
  GListModel *model = tm_partnership_review_get_model (review);
  g_autofree char *gmv = tm_format_fen (e->totals.gmv, TRUE);
  g_autofree char *cost = tm_format_fen (e->totals.cost, TRUE);
  g_autofree char *rate = rate_text (&e->totals);
  g_autofree char *complaints = tm_gui_format_count (e->totals.complaints);
  g_autofree char *n = tm_gui_format_count (e->totals.n);
  g_autofree char *streamers = tm_gui_format_count (g_hash_table_size (e->totals.streamers));

  g_assert_cmpuint (e->coops->len, >, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review_child (review, "content_stack")), ==, "figures");
  g_assert_cmpstr (label_text (review, "gmv_value"), ==, gmv);
  g_assert_cmpstr (label_text (review, "fees_value"), ==, cost);
  g_assert_cmpstr (label_text (review, "return_rate_value"), ==, rate);
  g_assert_cmpstr (label_text (review, "complaints_value"), ==, complaints);
  g_assert_cmpstr (label_text (review, "cooperations_value"), ==, n);
  g_assert_cmpstr (label_text (review, "streamers_value"), ==, streamers);

  /* A header row, then the quarters newest first, and nothing more. */
  g_assert_null (gtk_grid_get_child_at (grid, 0, (int) e->quarters->len + 1));
  for (guint i = 0; i < e->quarters->len; i++)
    {
      const Sums *q = &g_array_index (e->quarters, Sums, e->quarters->len - 1 - i);
      g_autofree char *name = g_strdup_printf ("%d Q%d", q->key / 4, q->key % 4 + 1);
      g_autofree char *q_n = tm_gui_format_count (q->n);
      g_autofree char *q_gmv = tm_format_fen (q->gmv, TRUE);
      g_autofree char *q_cost = tm_format_fen (q->cost, TRUE);
      g_autofree char *q_rate = rate_text (q);
      g_autofree char *q_complaints = tm_gui_format_count (q->complaints);
      const char *change = grid_text (grid, 3, (int) i + 1);
      int row = (int) i + 1;

      g_assert_true (g_str_has_prefix (grid_text (grid, 0, row), name));
      g_assert_cmpstr (grid_text (grid, 1, row), ==, q_n);
      g_assert_cmpstr (grid_text (grid, 2, row), ==, q_gmv);
      g_assert_cmpstr (grid_text (grid, 4, row), ==, q_cost);
      g_assert_cmpstr (grid_text (grid, 6, row), ==, q_rate);
      g_assert_cmpstr (grid_text (grid, 8, row), ==, q_complaints);

      /* The GMV change points the way the GMV went. */
      if (i + 1 < e->quarters->len)
        {
          const Sums *prev = q - 1;

          if (prev->gmv > 0 && q->gmv > prev->gmv * 1.0005)
            g_assert_true (g_str_has_prefix (change, "▲"));
          else if (prev->gmv > 0 && q->gmv < prev->gmv * 0.9995)
            g_assert_true (g_str_has_prefix (change, "▼"));
          else if (prev->gmv == 0)
            g_assert_false (g_str_has_prefix (change, "▲") || g_str_has_prefix (change, "▼"));
        }
      else
        g_assert_cmpstr (change, ==, "");
    }

  /* The list: every matching cooperation, newest first. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, e->coops->len);
  for (guint i = 0; i < e->coops->len; i += MAX (1, e->coops->len / 20))
    {
      g_autoptr(TmReviewRow) row = g_list_model_get_item (model, i);

      g_assert_cmpstr (tm_review_row_get_cooperation (row)->id, ==,
                       ((TmCooperation *) e->coops->pdata[i])->id);
    }
}

/* ---- Tests ----------------------------------------------------------- */

static TmDate
date (int y, int m, int d)
{
  return tm_date_from_ymd (y, m, d);
}

/* The sample brand with the most quarters: by brand, by platform, by
 * year, an empty filter and its way back. */
static void
test_review_sample (void)
{
  g_autoptr(TmContext) context = tm_context_new (NULL, NULL);
  TmWindow *window = tm_window_new (NULL, context);
  TmPartnershipReview *review;
  TmCatalog *catalog;
  TmStore *store;
  GtkDropDown *brands, *periods, *platforms;
  g_autofree char *brand_id = NULL;
  guint brand = 0, most = 0;
  int year;

  gtk_window_present (GTK_WINDOW (window));
  tm_test_wait_for_load (context);
  catalog = tm_context_get_catalog (context);
  store = tm_context_get_store (context);
  g_assert_nonnull (catalog);
  g_assert_cmpuint (catalog->n_brands, >, 1);

  /* Alt+3's action shows the page. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-review", NULL);
  tm_test_drain ();
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (tm_test_template_child (window, TM_TYPE_WINDOW, "view_stack")),
                   ==, "review");
  review = tm_test_template_child (window, TM_TYPE_WINDOW, "review");
  brands = review_child (review, "brand_dropdown");
  periods = review_child (review, "period_dropdown");
  platforms = review_child (review, "platform_dropdown");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (brands)), ==, catalog->n_brands);

  for (guint b = 0; b < catalog->n_brands; b++)
    {
      g_autoptr(Expected) e = expected_new (store, catalog->brands[b]->id, TM_DATE_NONE, TM_DATE_NONE, -1);

      if (e->quarters->len > most)
        {
          most = e->quarters->len;
          brand = b;
        }
    }
  g_assert_cmpuint (most, >=, 4);
  /* A copy: a reload frees the catalog. */
  brand_id = g_strdup (catalog->brands[brand]->id);

  /* The brand, all time, all platforms. */
  gtk_drop_down_set_selected (brands, brand);
  tm_test_drain ();
  {
    g_autoptr(Expected) e = expected_new (store, brand_id, TM_DATE_NONE, TM_DATE_NONE, -1);

    assert_shows (review, e);
    /* The newest cooperation's year, as the period. */
    g_autoptr(GDate) newest = g_date_new_julian ((guint32) (((TmCooperation *) e->coops->pdata[0])->date + 719163));

    year = g_date_get_year (newest);
  }

  /* One platform: the first one the drop-down lists after "All". */
  gtk_drop_down_set_selected (platforms, 1 + TM_PLATFORM_DOUYIN);
  tm_test_drain ();
  {
    g_autoptr(Expected) e = expected_new (store, brand_id, TM_DATE_NONE, TM_DATE_NONE, TM_PLATFORM_DOUYIN);

    assert_shows (review, e);
    g_assert_true (gtk_widget_get_visible (review_child (review, "clear_button")));
  }

  /* And a year: the years follow the four fixed periods, newest first. */
  {
    GListModel *model = gtk_drop_down_get_model (periods);
    g_autofree char *name = g_strdup_printf ("%d", year);
    guint position = GTK_INVALID_LIST_POSITION;
    g_autofree char *range = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name))
        position = i;
    g_assert_cmpuint (position, >=, 4);
    gtk_drop_down_set_selected (periods, position);
    tm_test_drain ();
    {
      g_autoptr(Expected) e = expected_new (store, brand_id, date (year, 1, 1), date (year, 12, 31),
                                            TM_PLATFORM_DOUYIN);

      assert_shows (review, e);
    }
    range = g_strdup_printf ("%d-01-01 – %d-12-31", year, year);
    g_assert_cmpstr (label_text (review, "period_label"), ==, range);
  }

  /* No sample cooperation lacks a platform: the empty state, whose
   * button brings everything back. */
  gtk_drop_down_set_selected (platforms, TM_N_PLATFORMS + 1);
  tm_test_drain ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review_child (review, "content_stack")), ==, "filtered-out");
  g_assert_cmpuint (g_list_model_get_n_items (tm_partnership_review_get_model (review)), ==, 0);
  g_signal_emit_by_name (adw_status_page_get_child (review_child (review, "filtered_out_page")), "clicked");
  tm_test_drain ();
  g_assert_cmpuint (gtk_drop_down_get_selected (platforms), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (periods), ==, 0);
  g_assert_false (gtk_widget_get_visible (review_child (review, "clear_button")));
  {
    g_autoptr(Expected) e = expected_new (store, brand_id, TM_DATE_NONE, TM_DATE_NONE, -1);

    assert_shows (review, e);
  }

  /* A reload keeps the brand. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reload", NULL);
  tm_test_wait_for_load (context);
  store = tm_context_get_store (context);
  g_assert_cmpuint (gtk_drop_down_get_selected (brands), ==, brand);
  {
    g_autoptr(Expected) e = expected_new (store, brand_id, TM_DATE_NONE, TM_DATE_NONE, -1);

    assert_shows (review, e);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  tm_test_drain ();
}

#define PROV "\"provenance\": {\"source\": \"manual\", \"observed\": \"2026-01-01\", \"basis\": \"observed\"}"

static TmWindow *
window_on_dataset (const char  *name,
                   const char  *json,
                   TmContext  **out_context)
{
  g_autofree char *dir = g_build_filename (scratch_dir, name, NULL);
  g_autofree char *empty = g_build_filename (dir, "no-sample", NULL);
  g_autofree char *db = g_build_filename (dir, "trustmatch.db", NULL);
  g_autoptr(TmDataset) dataset = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { name };
  TmWindow *window;

  g_assert_no_errno (g_mkdir_with_parents (empty, 0700));
  dataset = tm_dataset_load_data (json, strlen (json), name, &error);
  g_assert_no_error (error);
  store = tm_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_true (tm_store_import (store, &dataset, names, 1, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  *out_context = tm_context_new (db, empty);
  window = tm_window_new (NULL, *out_context);
  gtk_window_present (GTK_WINDOW (window));
  tm_test_wait_for_load (*out_context);
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-review", NULL);
  tm_test_drain ();
  return window;
}

/* A brand that never cooperated says so; data without brands says
 * there is nothing to review. */
static void
test_review_empty_states (void)
{
  static const char with_brand[] =
    "{\"format\": \"trustmatch-dataset\", \"version\": 1,\n"
    " \"brands\": [{\"id\": \"b-new\", \"name\": \"新品牌\", \"category\": \"beauty\","
    " \"price_tier\": \"mid\", \"typical_order_price_fen\": 9900, " PROV "}],\n"
    " \"streamers\": [{\"id\": \"s-1\", \"name\": \"主播\", \"accounts\": [{\"platform\": \"douyin\","
    " \"handle\": \"s1\", \"followers\": 10}], \"categories\": [\"beauty\"], " PROV "}]}\n";
  static const char without_brands[] =
    "{\"format\": \"trustmatch-dataset\", \"version\": 1,\n"
    " \"streamers\": [{\"id\": \"s-1\", \"name\": \"主播\", \"accounts\": [{\"platform\": \"douyin\","
    " \"handle\": \"s1\", \"followers\": 10}], \"categories\": [\"beauty\"], " PROV "}]}\n";
  g_autoptr(TmContext) context = NULL;
  g_autoptr(TmContext) other = NULL;
  TmPartnershipReview *review;
  TmWindow *window;

  window = window_on_dataset ("with-brand.json", with_brand, &context);
  review = tm_test_template_child (window, TM_TYPE_WINDOW, "review");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review_child (review, "state_stack")), ==, "review");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review_child (review, "content_stack")), ==, "no-cooperations");
  g_assert_nonnull (strstr (adw_status_page_get_description (review_child (review, "no_cooperations_page")),
                            "新品牌"));
  g_assert_cmpuint (g_list_model_get_n_items (tm_partnership_review_get_model (review)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  tm_test_drain ();

  window = window_on_dataset ("without-brands.json", without_brands, &other);
  review = tm_test_template_child (window, TM_TYPE_WINDOW, "review");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review_child (review, "state_stack")), ==, "no-brands");
  gtk_window_destroy (GTK_WINDOW (window));
  tm_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  int ret;

  scratch_dir = g_dir_make_tmp ("test-gui-review-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (scratch_dir, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/gui/review/sample", test_review_sample);
  g_test_add_func ("/gui/review/empty-states", test_review_empty_states);

  ret = g_test_run ();

  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);

  return ret;
}
