/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-directory"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-directory.h"
#include "tm-gui-utils.h"
#include "tm-streamer-directory.h"
#include "tm-streamer-item.h"
#include "tm-streamer-list.h"

struct _TmStreamerDirectory
{
  AdwBin               parent_instance;

  TmCatalog           *catalog;      /* nullable */
  TmDirectory         *directory;    /* nullable: of catalog */
  TmStreamerList      *rows;         /* what the view shows */
  int                  probed;       /* set by a ProbeSorter's compare */

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
  GtkColumnView       *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *followers_column;
  GtkColumnViewColumn *credit_column;
  GtkColumnViewColumn *cooperations_column;
  GtkColumnViewColumn *last_cooperation_column;
  GtkColumnViewColumn *incidents_column;
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

/* A cut-short cell shows its whole text as a tooltip.  Asked for when
 * the pointer rests on it: gtk_widget_set_tooltip_text() in every bind
 * asked the X server where the pointer was, for each cell of each row a
 * keystroke showed, and made typing in the search slow (PLATFORM.md). */
static gboolean
on_cell_query_tooltip_cb (GtkWidget  *label,
                          int         x,
                          int         y,
                          gboolean    keyboard_mode,
                          GtkTooltip *tooltip,
                          gpointer    user_data)
{
  const char *text = gtk_label_get_text (GTK_LABEL (label));

  if (text == NULL || text[0] == '\0' || !pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))))
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_text_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               TmStreamerDirectory      *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_cell_query_tooltip_cb), NULL);
  gtk_list_item_set_child (list_item, label);
}

static void
setup_number_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 TmStreamerDirectory      *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "number");
  gtk_list_item_set_child (list_item, label);
}

static inline const TmCatalogStreamer *
list_item_get_streamer (GtkListItem  *list_item,
                        TmCatalog   **catalog)
{
  TmStreamerItem *item = gtk_list_item_get_item (list_item);

  *catalog = tm_streamer_item_get_catalog (item);
  return tm_streamer_item_get_streamer (item);
}

static inline void
list_item_set_text (GtkListItem *list_item,
                    const char  *text)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);

  list_item_set_text (list_item, streamer->name);
}

static void
bind_platforms_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < streamer->n_accounts; i++)
    {
      const TmCatalogAccount *account = &catalog->accounts[streamer->first_account + i];

      if (i > 0)
        g_string_append (text, tm_gui_list_separator ());
      g_string_append (text, tm_platform_label (account->platform));
    }

  list_item_set_text (list_item, text->str);
}

static void
bind_followers_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = tm_gui_format_compact_count (streamer->followers_total);

  list_item_set_text (list_item, text);
}

static void
bind_categories_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < streamer->n_categories; i++)
    {
      if (i > 0)
        g_string_append (text, tm_gui_list_separator ());
      g_string_append (text, tm_category_label (catalog->categories[streamer->first_category + i]));
    }

  list_item_set_text (list_item, text->str);
}

static void
bind_credit_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = tm_gui_format_credit (streamer->credit_score, streamer->credit_scale);

  list_item_set_text (list_item, text);
}

static void
bind_cooperations_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = tm_gui_format_count (streamer->n_cooperations);

  list_item_set_text (list_item, text);
}

static void
bind_last_cooperation_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = NULL;

  if (streamer->last_cooperation != TM_DATE_NONE)
    text = tm_date_format (streamer->last_cooperation);

  list_item_set_text (list_item, text != NULL ? text : "—");
}

static void
bind_incidents_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   TmStreamerDirectory      *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = tm_gui_format_count (streamer->n_incidents);

  /* Rows are recycled: set or clear the highlight every time. */
  if (streamer->n_incidents > 0)
    gtk_widget_add_css_class (label, "incidents");
  else
    gtk_widget_remove_css_class (label, "incidents");

  gtk_label_set_text (GTK_LABEL (label), text);
}

/* GTK 4.8 cannot say which column the user sorted by, or which way
 * (gtk_column_view_sorter_get_primary_sort_column is 4.10).  Each column
 * gets this sorter, which sorts nothing itself: asked to compare, it
 * notes its column and answers "smaller".  The view's sorter asks the
 * primary column first and turns the answer round when descending, so
 * one comparison tells both.  TmDirectory then sorts the rows. */
#define TM_TYPE_PROBE_SORTER (tm_probe_sorter_get_type ())
G_DECLARE_FINAL_TYPE (TmProbeSorter, tm_probe_sorter, TM, PROBE_SORTER, GtkSorter)

struct _TmProbeSorter
{
  GtkSorter         parent_instance;

  TmDirectoryOrder  order;
  int              *probed;
};

G_DEFINE_FINAL_TYPE (TmProbeSorter, tm_probe_sorter, GTK_TYPE_SORTER)

static GtkOrdering
tm_probe_sorter_compare (GtkSorter *sorter,
                         gpointer   item1,
                         gpointer   item2)
{
  TmProbeSorter *self = TM_PROBE_SORTER (sorter);

  *self->probed = (int) self->order;
  return GTK_ORDERING_SMALLER;
}

static GtkSorterOrder
tm_probe_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_PARTIAL;
}

static void
tm_probe_sorter_class_init (TmProbeSorterClass *klass)
{
  GTK_SORTER_CLASS (klass)->compare = tm_probe_sorter_compare;
  GTK_SORTER_CLASS (klass)->get_order = tm_probe_sorter_get_order;
}

static void
tm_probe_sorter_init (TmProbeSorter *self)
{
}

static void
set_column_order (TmStreamerDirectory *self,
                  GtkColumnViewColumn *column,
                  TmDirectoryOrder     order)
{
  g_autoptr(TmProbeSorter) sorter = g_object_new (TM_TYPE_PROBE_SORTER, NULL);

  sorter->order = order;
  sorter->probed = &self->probed;
  gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
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

/* "Douyin, Kuaishou · Beauty · credit 80–100 % · with incidents": the
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
     * scale: "credit 80–100 %". */
    g_ptr_array_add (parts, g_strdup_printf (_("credit %.0f–%.0f %%"), f->min_credit, f->max_credit));
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

/* Shows the streamers that pass the filter, in the order set. */
static void
update_rows (TmStreamerDirectory *self)
{
  if (self->directory == NULL)
    tm_streamer_list_set_rows (self->rows, NULL, NULL);
  else
    tm_streamer_list_set_rows (self->rows, self->catalog, tm_directory_collect (self->directory));
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

/* The user clicked a column header: find out which and which way (see
 * TmProbeSorter), and sort. */
static void
on_sorter_changed_cb (TmStreamerDirectory *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  TmDirectoryOrder order = TM_DIRECTORY_ORDER_CATALOG;
  gboolean descending = FALSE;

  if (self->catalog != NULL && self->catalog->n_streamers > 0
      && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    {
      /* Two items: a sorter compares an item with itself as equal
       * without asking anyone. */
      g_autoptr(TmStreamerItem) a = tm_streamer_item_new (self->catalog, 0);
      g_autoptr(TmStreamerItem) b = tm_streamer_item_new (self->catalog, 0);
      GtkOrdering answer;

      self->probed = -1;
      answer = gtk_sorter_compare (sorter, a, b);
      if (self->probed >= 0 && answer != GTK_ORDERING_EQUAL)
        {
          order = (TmDirectoryOrder) self->probed;
          descending = answer == GTK_ORDERING_LARGER;
        }
    }
  self->order = order;
  self->descending = descending;
  if (self->directory != NULL)
    {
      tm_directory_set_order (self->directory, order, descending);
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
on_column_view_activate_cb (TmStreamerDirectory *self,
                            guint                position)
{
  g_autoptr(TmStreamerItem) item = g_list_model_get_item (G_LIST_MODEL (self->rows), position);

  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_STREAMER_ACTIVATED], 0,
                   tm_streamer_item_get_streamer (item)->id);
}


/*
 * GObject
 */

static void
tm_streamer_directory_dispose (GObject *object)
{
  TmStreamerDirectory *self = TM_STREAMER_DIRECTORY (object);

  /* Taking the columns away changes the view's sorter: not a sort. */
  if (self->column_view != NULL)
    {
      g_signal_handlers_disconnect_by_func (gtk_column_view_get_sorter (self->column_view),
                                            on_sorter_changed_cb, self);
      gtk_column_view_set_model (self->column_view, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_STREAMER_DIRECTORY);
  g_clear_object (&self->rows);
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
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, column_view);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, name_column);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, followers_column);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, credit_column);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, cooperations_column);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, last_cooperation_column);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, incidents_column);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, platforms_box);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, min_credit_spin);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, max_credit_spin);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerDirectory, incidents_check);
  gtk_widget_class_bind_template_callback (widget_class, setup_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_number_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_name_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_platforms_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_followers_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_categories_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_credit_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_cooperations_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_last_cooperation_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_incidents_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
}

static void
tm_streamer_directory_init (TmStreamerDirectory *self)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = (TmDirectoryFilter) TM_DIRECTORY_FILTER_INIT;
  fill_filter_widgets (self);

  set_column_order (self, self->name_column, TM_DIRECTORY_ORDER_NAME);
  set_column_order (self, self->followers_column, TM_DIRECTORY_ORDER_FOLLOWERS);
  set_column_order (self, self->credit_column, TM_DIRECTORY_ORDER_CREDIT);
  set_column_order (self, self->cooperations_column, TM_DIRECTORY_ORDER_COOPERATIONS);
  set_column_order (self, self->last_cooperation_column, TM_DIRECTORY_ORDER_LAST_COOPERATION);
  set_column_order (self, self->incidents_column, TM_DIRECTORY_ORDER_INCIDENTS);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed_cb), self, G_CONNECT_SWAPPED);

  self->rows = tm_streamer_list_new ();
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  update_count (self);
}
