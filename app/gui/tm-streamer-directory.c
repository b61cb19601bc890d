/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-directory"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-directory.h"
#include "tm-gui-utils.h"
#include "tm-streamer-directory.h"
#include "tm-streamer-header.h"
#include "tm-streamer-item.h"
#include "tm-streamer-list.h"
#include "tm-streamer-row.h"
#include "tm-streamer-slots.h"

struct _TmStreamerDirectory
{
  AdwBin               parent_instance;

  TmCatalog           *catalog;      /* nullable */
  TmDirectory         *directory;    /* nullable: of catalog */
  TmStreamerList      *rows;         /* the rows, for get_model() */
  TmStreamerSlots     *slots;        /* the same rows, for the list view */
  GtkSingleSelection  *selection;    /* of slots */
  TmStreamerColumns    columns;      /* shared by the header and rows */
  TmStreamerHeader    *header;
  int                  chosen_width[TM_N_STREAMER_COLUMNS];  /* by a drag; 0: none */

  /* The filter in force, as the widgets set it; filter.search is
   * search, owned here.  Kept across catalogs. */
  TmDirectoryFilter    filter;
  char                *search;
  gboolean             updating;     /* widgets being set from the filter */
  TmDirectoryOrder     order;        /* as the column headers say */
  gboolean             descending;

  /* Template widgets */
  GtkSearchEntry      *search_entry;
  GtkMenuButton       *filter_button;
  GtkLabel            *count_label;
  GtkButton           *clear_button;
  GtkStack            *results_stack;
  GtkGrid             *table_box;
  GtkScrolledWindow   *scrolled_window;
  GtkListView         *list_view;
  GtkFlowBox          *platforms_box;
  GtkDropDown         *category_dropdown;
  GtkSpinButton       *min_credit_spin;
  GtkSpinButton       *max_credit_spin;
  GtkCheckButton      *incidents_check;
};

enum {
  SIGNAL_STREAMER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TmStreamerDirectory, tm_streamer_directory, ADW_TYPE_BIN)


/*
 * Columns
 */

/* The columns that sort, and by what. */
static const struct {
  TmStreamerColumn column;
  TmDirectoryOrder order;
} sort_columns[] = {
  { TM_STREAMER_COLUMN_NAME, TM_DIRECTORY_ORDER_NAME },
  { TM_STREAMER_COLUMN_FOLLOWERS, TM_DIRECTORY_ORDER_FOLLOWERS },
  { TM_STREAMER_COLUMN_CREDIT, TM_DIRECTORY_ORDER_CREDIT },
  { TM_STREAMER_COLUMN_COOPERATIONS, TM_DIRECTORY_ORDER_COOPERATIONS },
  { TM_STREAMER_COLUMN_LAST_COOPERATION, TM_DIRECTORY_ORDER_LAST_COOPERATION },
  { TM_STREAMER_COLUMN_INCIDENTS, TM_DIRECTORY_ORDER_INCIDENTS },
};

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              TmStreamerDirectory      *self)
{
  gtk_list_item_set_child (list_item, tm_streamer_row_new (&self->columns));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             TmStreamerDirectory      *self)
{
  tm_streamer_row_set_item (TM_STREAMER_ROW (gtk_list_item_get_child (list_item)),
                            gtk_list_item_get_item (list_item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               TmStreamerDirectory      *self)
{
  tm_streamer_row_set_item (TM_STREAMER_ROW (gtk_list_item_get_child (list_item)), NULL);
}

/* How wide numbers up to @largest, formatted by @format, are in
 * @column at most. */
static int
measure_numbers (GtkWidget        *widget,
                 TmStreamerColumn  column,
                 char           *(*format) (gint64),
                 gint64            largest)
{
  int width = 0;

  /* Compact counts are not widest at the largest number ("999.9K",
   * "1.2M"): try each number of digits up to it. */
  for (gint64 n = 9; ; n = n * 10 + 9)
    {
      g_autofree char *text = format (MIN (n, largest));

      width = MAX (width, tm_streamer_row_measure_cell (widget, column, text, NULL));
      if (n >= largest || n > G_MAXINT64 / 20)
        break;
    }
  return width;
}

static char *
format_count (gint64 n)
{
  return tm_gui_format_count (n);
}

/* Sizes the columns to their titles and to the widest values of the
 * catalog, and lays out the header and rows again when that changed. */
static void
update_columns (TmStreamerDirectory *self)
{
  GtkWidget *list = GTK_WIDGET (self->list_view);
  TmStreamerColumns columns = { { 0 }, 0 };
  gint64 followers = 0, cooperations = 0, incidents = 0;
  g_autofree char *credit = tm_gui_format_credit (100, 100);
  g_autofree char *date = tm_date_format (tm_date_from_ymd (2000, 12, 28));

  for (guint i = 0; self->catalog != NULL && i < self->catalog->n_streamers; i++)
    {
      const TmCatalogStreamer *s = &self->catalog->streamers[i];

      followers = MAX (followers, s->followers_total);
      cooperations = MAX (cooperations, s->n_cooperations);
      incidents = MAX (incidents, s->n_incidents);
    }

  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    gtk_widget_measure (tm_streamer_header_get_title (self->header, c), GTK_ORIENTATION_HORIZONTAL, -1,
                        NULL, &columns.width[c], NULL, NULL);

  /* As wide as the column view's columns were, or as the user made
   * them. */
  columns.width[TM_STREAMER_COLUMN_NAME] = MAX (columns.width[TM_STREAMER_COLUMN_NAME], 160);
  columns.width[TM_STREAMER_COLUMN_PLATFORMS] = MAX (columns.width[TM_STREAMER_COLUMN_PLATFORMS],
                                                     self->chosen_width[TM_STREAMER_COLUMN_PLATFORMS] ?: 250);
  columns.width[TM_STREAMER_COLUMN_CATEGORIES] = MAX (columns.width[TM_STREAMER_COLUMN_CATEGORIES],
                                                      self->chosen_width[TM_STREAMER_COLUMN_CATEGORIES] ?: 180);
#define WIDEN(c, w) columns.width[c] = MAX (columns.width[c], (w))
  WIDEN (TM_STREAMER_COLUMN_FOLLOWERS,
         measure_numbers (list, TM_STREAMER_COLUMN_FOLLOWERS, tm_gui_format_compact_count, MAX (followers, 999999)));
  WIDEN (TM_STREAMER_COLUMN_CREDIT, tm_streamer_row_measure_cell (list, TM_STREAMER_COLUMN_CREDIT, credit, NULL));
  WIDEN (TM_STREAMER_COLUMN_COOPERATIONS,
         measure_numbers (list, TM_STREAMER_COLUMN_COOPERATIONS, format_count, cooperations));
  WIDEN (TM_STREAMER_COLUMN_LAST_COOPERATION,
         tm_streamer_row_measure_cell (list, TM_STREAMER_COLUMN_LAST_COOPERATION, date, NULL));
  WIDEN (TM_STREAMER_COLUMN_INCIDENTS,
         measure_numbers (list, TM_STREAMER_COLUMN_INCIDENTS, format_count, incidents));
#undef WIDEN
  /* A line of Latin and Chinese text: the fallback font of Chinese is
   * the taller. */
  tm_streamer_row_measure_cell (list, TM_STREAMER_COLUMN_NAME, "Ag 汉字", &columns.line_height);

  if (memcmp (&columns, &self->columns, sizeof columns) == 0)
    return;
  self->columns = columns;
  gtk_widget_queue_resize (GTK_WIDGET (self->header));
  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row != NULL && TM_IS_STREAMER_ROW (row))
        gtk_widget_queue_resize (row);
    }
  gtk_widget_queue_resize (list);
}

/*
 * Filtering
 */

static gboolean
filter_is_active (TmStreamerDirectory *self)
{
  const TmDirectoryFilter *f = &self->filter;

  return f->platforms != 0 || f->category != NULL || f->min_credit > 0
         || f->max_credit < 100 || f->has_incidents;
}

/* "Douyin, Kuaishou · Beauty · credit 80–100% · with incidents": the
 * filters in force, for the count line; NULL when none. */
static char *
describe_filters (TmStreamerDirectory *self)
{
  const TmDirectoryFilter *f = &self->filter;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (f->platforms != 0)
    {
      GString *names = g_string_new (NULL);

      for (int p = 0; p < TM_N_PLATFORMS; p++)
        {
          if (!(f->platforms & (1u << p)))
            continue;
          if (names->len > 0)
            g_string_append (names, tm_gui_list_separator ());
          g_string_append (names, tm_platform_label (p));
        }
      g_ptr_array_add (parts, g_string_free (names, FALSE));
    }
  if (f->category != NULL)
    g_ptr_array_add (parts, g_strdup (tm_category_label (f->category)));
  if (f->min_credit > 0 || f->max_credit < 100)
    /* Translators: the credit score filter, in percent of the platform's
     * scale: "credit 80–100%". */
    g_ptr_array_add (parts, g_strdup_printf (_("credit %.0f–%.0f%%"), f->min_credit, f->max_credit));
  if (f->has_incidents)
    g_ptr_array_add (parts, g_strdup (_("with incidents")));

  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
update_count (TmStreamerDirectory *self)
{
  guint total = self->catalog != NULL ? self->catalog->n_streamers : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  g_autofree char *n_total = tm_gui_format_count (total);
  g_autofree char *n_shown = tm_gui_format_count (shown);
  g_autofree char *filters = describe_filters (self);
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  gboolean narrowed = self->directory != NULL && !tm_directory_filter_is_empty (self->directory);

  if (narrowed)
    /* Translators: rows shown of all streamers: "12 of 3,000 streamers". */
    count = g_strdup_printf (ngettext ("%s of %s streamer", "%s of %s streamers", total), n_shown, n_total);
  else
    /* Translators: %s is a number such as "12" or "3,000". */
    count = g_strdup_printf (ngettext ("%s streamer", "%s streamers", total), n_total);

  text = filters != NULL ? g_strjoin (" · ", count, filters, NULL) : g_strdup (count);
  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label), text);

  gtk_widget_set_visible (GTK_WIDGET (self->clear_button), filter_is_active (self));
  if (filter_is_active (self))
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "filter-active");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "filter-active");

  gtk_stack_set_visible_child_name (self->results_stack,
                                    shown == 0 && total > 0 ? "empty" : "list");
}

/* Shows the streamers that pass the filter, in the order set, from the
 * top.  The list view's items stay at their positions and move to their
 * new streamers (TmStreamerSlots), which keeps the rows on screen. */
static void
update_rows (TmStreamerDirectory *self)
{
  g_autoptr(GArray) rows = self->directory != NULL ? tm_directory_collect (self->directory) : NULL;

  /* The selected position would now be another streamer. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  tm_streamer_slots_set_rows (self->slots, self->catalog, rows);
  tm_streamer_list_set_rows (self->rows, self->catalog, rows != NULL ? g_array_ref (rows) : NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  update_count (self);
}

/* Hands the filter in force to the directory. */
static void
apply_filter (TmStreamerDirectory *self)
{
  self->filter.search = self->search;
  if (self->directory != NULL)
    tm_directory_set_filter (self->directory, &self->filter);
  update_rows (self);
}

/* The user dragged the end of a column's title. */
static void
on_column_resized_cb (TmStreamerDirectory *self,
                      int                  column,
                      int                  width)
{
  self->chosen_width[column] = width;
  update_columns (self);
}

/* The user clicked a column title. */
static void
on_sort_changed_cb (TmStreamerDirectory *self)
{
  gboolean descending = FALSE;
  int column = tm_streamer_header_get_sort (self->header, &descending);

  self->order = TM_DIRECTORY_ORDER_CATALOG;
  for (guint i = 0; i < G_N_ELEMENTS (sort_columns); i++)
    if ((int) sort_columns[i].column == column)
      self->order = sort_columns[i].order;
  self->descending = self->order != TM_DIRECTORY_ORDER_CATALOG && descending;
  if (self->directory != NULL)
    {
      tm_directory_set_order (self->directory, self->order, self->descending);
      update_rows (self);
    }
}

static void
on_search_changed_cb (TmStreamerDirectory *self,
                      GtkSearchEntry      *entry)
{
  g_free (self->search);
  self->search = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  apply_filter (self);
}

static void
on_stop_search_cb (TmStreamerDirectory *self,
                   GtkSearchEntry      *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_filter_widget_changed_cb (TmStreamerDirectory *self)
{
  guint selected;
  guint32 platforms = 0;
  int p = 0;

  if (self->updating)
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->platforms_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child), p++)
    {
      GtkWidget *check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
        platforms |= 1u << p;
    }
  self->filter.platforms = platforms;

  selected = gtk_drop_down_get_selected (self->category_dropdown);
  self->filter.category = selected == 0 || selected == GTK_INVALID_LIST_POSITION
                   ? NULL : tm_category_known_codes ()[selected - 1];

  self->filter.min_credit = gtk_spin_button_get_value (self->min_credit_spin);
  self->filter.max_credit = gtk_spin_button_get_value (self->max_credit_spin);
  self->filter.has_incidents = gtk_check_button_get_active (self->incidents_check);
  apply_filter (self);
}

/* The lower bound never passes the upper one: moving one pushes the
 * other along, whose own handler then filters (once, not twice: each
 * filtering rebuilds the rows on screen). */
static void
on_min_credit_changed_cb (TmStreamerDirectory *self)
{
  double min = gtk_spin_button_get_value (self->min_credit_spin);

  if (gtk_spin_button_get_value (self->max_credit_spin) < min)
    gtk_spin_button_set_value (self->max_credit_spin, min);
  else
    on_filter_widget_changed_cb (self);
}

static void
on_max_credit_changed_cb (TmStreamerDirectory *self)
{
  double max = gtk_spin_button_get_value (self->max_credit_spin);

  if (gtk_spin_button_get_value (self->min_credit_spin) > max)
    gtk_spin_button_set_value (self->min_credit_spin, max);
  else
    on_filter_widget_changed_cb (self);
}

static void
clear_filters (TmStreamerDirectory *self)
{
  self->updating = TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->platforms_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child))), FALSE);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_spin_button_set_value (self->min_credit_spin, 0);
  gtk_spin_button_set_value (self->max_credit_spin, 100);
  gtk_check_button_set_active (self->incidents_check, FALSE);
  self->updating = FALSE;
  on_filter_widget_changed_cb (self);
}

static void
on_clear_clicked_cb (TmStreamerDirectory *self)
{
  clear_filters (self);
}

static void
on_clear_all_clicked_cb (TmStreamerDirectory *self)
{
  clear_filters (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
fill_filter_widgets (TmStreamerDirectory *self)
{
  const char * const *codes = tm_category_known_codes ();
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);

  for (int p = 0; p < TM_N_PLATFORMS; p++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (tm_platform_label (p));

      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_filter_widget_changed_cb), self);
      gtk_flow_box_append (self->platforms_box, check);
    }

  gtk_string_list_append (categories, _("Any Category"));
  for (guint i = 0; codes[i] != NULL; i++)
    gtk_string_list_append (categories, tm_category_label (codes[i]));
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (categories));
  g_signal_connect_swapped (self->category_dropdown, "notify::selected",
                            G_CALLBACK (on_filter_widget_changed_cb), self);
  g_signal_connect_swapped (self->min_credit_spin, "value-changed",
                            G_CALLBACK (on_min_credit_changed_cb), self);
  g_signal_connect_swapped (self->max_credit_spin, "value-changed",
                            G_CALLBACK (on_max_credit_changed_cb), self);
  g_signal_connect_swapped (self->incidents_check, "toggled",
                            G_CALLBACK (on_filter_widget_changed_cb), self);
}


/*
 * Public API
 */

void
tm_streamer_directory_set_catalog (TmStreamerDirectory *self,
                                   TmCatalog           *catalog)
{
  g_return_if_fail (TM_IS_STREAMER_DIRECTORY (self));

  if (catalog == self->catalog)
    return;

  tm_streamer_list_set_rows (self->rows, NULL, NULL);
  g_clear_pointer (&self->directory, tm_directory_free);
  g_clear_pointer (&self->catalog, tm_catalog_unref);

  if (catalog != NULL)
    {
      self->catalog = tm_catalog_ref (catalog);
      self->directory = tm_directory_new (catalog);
      tm_directory_set_order (self->directory, self->order, self->descending);
    }
  update_columns (self);
  apply_filter (self);
}

void
tm_streamer_directory_focus_search (TmStreamerDirectory *self)
{
  g_return_if_fail (TM_IS_STREAMER_DIRECTORY (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

GListModel *
tm_streamer_directory_get_model (TmStreamerDirectory *self)
{
  g_return_val_if_fail (TM_IS_STREAMER_DIRECTORY (self), NULL);

  return G_LIST_MODEL (self->rows);
}


static void
on_list_view_activate_cb (TmStreamerDirectory *self,
                          guint                position)
{
  g_autoptr(TmStreamerItem) item = g_list_model_get_item (G_LIST_MODEL (self->slots), position);

  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_STREAMER_ACTIVATED], 0,
                   tm_streamer_item_get_streamer (item)->id);
}


/*
 * GtkWidget
 */

/* Titles and numbers take the font of the screen the directory is on. */
static void
tm_streamer_directory_realize (GtkWidget *widget)
{
  TmStreamerDirectory *self = TM_STREAMER_DIRECTORY (widget);
  GtkSettings *settings = gtk_widget_get_settings (widget);

  GTK_WIDGET_CLASS (tm_streamer_directory_parent_class)->realize (widget);

  g_signal_connect_object (settings, "notify::gtk-font-name", G_CALLBACK (update_columns), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "notify::gtk-xft-dpi", G_CALLBACK (update_columns), self, G_CONNECT_SWAPPED);
  update_columns (self);
}

static void
tm_streamer_directory_unrealize (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_settings (widget), update_columns, widget);

  GTK_WIDGET_CLASS (tm_streamer_directory_parent_class)->unrealize (widget);
}


/*
 * GObject
 */

static void
tm_streamer_directory_dispose (GObject *object)
{
  TmStreamerDirectory *self = TM_STREAMER_DIRECTORY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_STREAMER_DIRECTORY);
  g_clear_object (&self->rows);
  g_clear_object (&self->slots);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->directory, tm_directory_free);
  g_clear_pointer (&self->catalog, tm_catalog_unref);

  G_OBJECT_CLASS (tm_streamer_directory_parent_class)->dispose (object);
}

static void
tm_streamer_directory_finalize (GObject *object)
{
  TmStreamerDirectory *self = TM_STREAMER_DIRECTORY (object);

  g_free (self->search);

  G_OBJECT_CLASS (tm_streamer_directory_parent_class)->finalize (object);
}

static void
tm_streamer_directory_class_init (TmStreamerDirectoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_streamer_directory_dispose;
  object_class->finalize = tm_streamer_directory_finalize;
  widget_class->realize = tm_streamer_directory_realize;
  widget_class->unrealize = tm_streamer_directory_unrealize;

  /**
   * TmStreamerDirectory::streamer-activated:
   * @id: the streamer's id
   *
   * A row was activated (double click, or Enter on the focused row).
   */
  signals[SIGNAL_STREAMER_ACTIVATED] =
    g_signal_new ("streamer-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-streamer-directory.ui");
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, filter_button);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, count_label);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, clear_button);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, results_stack);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, table_box);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, list_view);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, platforms_box);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, min_credit_spin);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, max_credit_spin);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, incidents_check);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
}

static void
tm_streamer_directory_init (TmStreamerDirectory *self)
{
  guint sortable = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = (TmDirectoryFilter) TM_DIRECTORY_FILTER_INIT;
  fill_filter_widgets (self);

  for (guint i = 0; i < G_N_ELEMENTS (sort_columns); i++)
    sortable |= 1u << sort_columns[i].column;
  self->header = TM_STREAMER_HEADER (tm_streamer_header_new (&self->columns, sortable,
                                                             (1u << TM_STREAMER_COLUMN_PLATFORMS)
                                                             | (1u << TM_STREAMER_COLUMN_CATEGORIES),
                                                             self->scrolled_window));
  gtk_grid_attach (self->table_box, GTK_WIDGET (self->header), 0, 0, 1, 1);
  g_signal_connect_object (self->header, "sort-changed", G_CALLBACK (on_sort_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->header, "column-resized", G_CALLBACK (on_column_resized_cb), self, G_CONNECT_SWAPPED);

  self->rows = tm_streamer_list_new ();
  self->slots = tm_streamer_slots_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slots)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  update_columns (self);
  update_count (self);
}
