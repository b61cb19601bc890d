/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-gui-utils.h"
#include "tm-streamer-row.h"

struct _TmStreamerRow
{
  GtkWidget                parent_instance;

  const TmStreamerColumns *columns;
  TmStreamerItem          *item;       /* nullable */

  /* Per cell: the text, and its layout once drawn.  A layout is kept
   * and given the new text: making one costs more than drawing it. */
  char                    *text[TM_N_STREAMER_COLUMNS];
  PangoLayout             *layout[TM_N_STREAMER_COLUMNS];
  int                      layout_width[TM_N_STREAMER_COLUMNS];
  guint                    text_changed;  /* a bit per column */
  guint                    pango_serial;  /* of the widget's Pango context */
  gboolean                 has_incidents;
  gboolean                 stale;         /* the texts are of another streamer */
};

G_DEFINE_FINAL_TYPE (TmStreamerRow, tm_streamer_row, GTK_TYPE_WIDGET)

/* Numbers line up by digit; incidents stand out in bold. */
static PangoAttrList *
get_attributes (TmStreamerColumn column,
                gboolean         bold)
{
  static PangoAttrList *numbers, *bold_numbers;

  if (!tm_streamer_column_is_numeric (column))
    return NULL;
  if (g_once_init_enter (&numbers))
    {
      PangoAttrList *list = pango_attr_list_new ();

      pango_attr_list_insert (list, pango_attr_font_features_new ("tnum"));
      bold_numbers = pango_attr_list_copy (list);
      pango_attr_list_insert (bold_numbers, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      g_once_init_leave (&numbers, list);
    }
  return bold ? bold_numbers : numbers;
}

static PangoLayout *
make_layout (GtkWidget        *widget,
             TmStreamerColumn  column,
             const char       *text,
             gboolean          bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  if (tm_streamer_column_is_numeric (column))
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_set_attributes (layout, get_attributes (column, bold));
  return layout;
}

static char *
format_cell (const TmCatalog         *catalog,
             const TmCatalogStreamer *streamer,
             TmStreamerColumn         column)
{
  GString *text;

  switch (column)
    {
    case TM_STREAMER_COLUMN_NAME:
      return g_strdup (streamer->name);

    case TM_STREAMER_COLUMN_PLATFORMS:
      text = g_string_new (NULL);
      for (guint i = 0; i < streamer->n_accounts; i++)
        {
          if (i > 0)
            g_string_append (text, tm_gui_list_separator ());
          g_string_append (text, tm_platform_label (catalog->accounts[streamer->first_account + i].platform));
        }
      return g_string_free (text, FALSE);

    case TM_STREAMER_COLUMN_FOLLOWERS:
      return tm_gui_format_compact_count (streamer->followers_total);

    case TM_STREAMER_COLUMN_CATEGORIES:
      text = g_string_new (NULL);
      for (guint i = 0; i < streamer->n_categories; i++)
        {
          if (i > 0)
            g_string_append (text, tm_gui_list_separator ());
          g_string_append (text, tm_category_label (catalog->categories[streamer->first_category + i]));
        }
      return g_string_free (text, FALSE);

    case TM_STREAMER_COLUMN_CREDIT:
      return tm_gui_format_credit (streamer->credit_score, streamer->credit_scale);

    case TM_STREAMER_COLUMN_COOPERATIONS:
      return tm_gui_format_count (streamer->n_cooperations);

    case TM_STREAMER_COLUMN_LAST_COOPERATION:
      return streamer->last_cooperation != TM_DATE_NONE
             ? tm_date_format (streamer->last_cooperation) : g_strdup ("—");

    case TM_STREAMER_COLUMN_INCIDENTS:
      return tm_gui_format_count (streamer->n_incidents);

    case TM_N_STREAMER_COLUMNS:
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

/* "Platforms: Douyin, Kuaishou; Followers: 1.2M; …", read after the
 * name by a screen reader. */
static char *
describe_row (TmStreamerRow *self)
{
  GString *text = g_string_new (NULL);

  for (int c = TM_STREAMER_COLUMN_NAME + 1; c < TM_N_STREAMER_COLUMNS; c++)
    {
      if (text->len > 0)
        /* Translators: between the columns of a row read by a screen
         * reader: "Followers: 1.2M; Incidents: 0". */
        g_string_append (text, C_("row description", "; "));
      /* Translators: a column of a row read by a screen reader, its
       * title and value: "Followers: 1.2M". */
      g_string_append_printf (text, C_("row description", "%s: %s"), tm_streamer_column_get_title (c), self->text[c]);
    }
  return g_string_free (text, FALSE);
}

/* Makes the texts of the streamer shown. */
static void
refresh (TmStreamerRow *self)
{
  g_autofree char *description = NULL;

  self->stale = FALSE;

  if (self->item == NULL)
    {
      for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
        g_clear_pointer (&self->text[c], g_free);
      self->text_changed = (1u << TM_N_STREAMER_COLUMNS) - 1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  {
    TmCatalog *catalog = tm_streamer_item_get_catalog (self->item);
    const TmCatalogStreamer *streamer = tm_streamer_item_get_streamer (self->item);

    for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
      {
        char *text = format_cell (catalog, streamer, c);

        if (g_strcmp0 (text, self->text[c]) == 0)
          {
            g_free (text);
            continue;
          }
        g_free (self->text[c]);
        self->text[c] = text;
        self->text_changed |= 1u << c;
      }
    if (self->has_incidents != (streamer->n_incidents > 0))
      {
        self->has_incidents = streamer->n_incidents > 0;
        self->text_changed |= 1u << TM_STREAMER_COLUMN_INCIDENTS;
      }
  }

  if (self->text_changed == 0)
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  description = describe_row (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->text[TM_STREAMER_COLUMN_NAME],
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/* The item moved to another streamer, or the row to another item.  The
 * list view keeps some 200 rows, 30 of them on screen: those off screen
 * make their texts when they come into view. */
static void
update (TmStreamerRow *self)
{
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
}

/* The layout of cell @column, @width px wide, with its current text. */
static PangoLayout *
get_layout (TmStreamerRow    *self,
            TmStreamerColumn  column,
            int               width)
{
  gboolean bold = column == TM_STREAMER_COLUMN_INCIDENTS && self->has_incidents;

  if (self->layout[column] == NULL)
    {
      self->layout[column] = make_layout (GTK_WIDGET (self), column, self->text[column], bold);
      self->layout_width[column] = -1;
    }
  else if (self->text_changed & (1u << column))
    {
      pango_layout_set_text (self->layout[column], self->text[column], -1);
      if (column == TM_STREAMER_COLUMN_INCIDENTS)
        pango_layout_set_attributes (self->layout[column], get_attributes (column, bold));
    }
  self->text_changed &= ~(1u << column);

  if (self->layout_width[column] != width)
    {
      pango_layout_set_width (self->layout[column], width * PANGO_SCALE);
      self->layout_width[column] = width;
    }
  return self->layout[column];
}

/* Which column is at @x, or -1. */
static int
column_at (TmStreamerRow *self,
           int            x,
           int            edges[TM_N_STREAMER_COLUMNS + 1])
{
  tm_streamer_columns_place (self->columns, gtk_widget_get_width (GTK_WIDGET (self)), edges);
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    if (x >= edges[c] && x < edges[c + 1])
      return c;
  return -1;
}


/*
 * GtkWidget
 */

static void
tm_streamer_row_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  TmStreamerRow *self = TM_STREAMER_ROW (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  int height = gtk_widget_get_height (widget);
  int x[TM_N_STREAMER_COLUMNS + 1];
  GdkRGBA color, warning;

  if (self->stale)
    refresh (self);
  if (self->item == NULL)
    return;

  /* The font or the scale changed: the layouts measure again. */
  if (pango_context_get_serial (pango) != self->pango_serial)
    {
      self->pango_serial = pango_context_get_serial (pango);
      for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
        if (self->layout[c] != NULL)
          pango_layout_context_changed (self->layout[c]);
    }

  gtk_style_context_get_color (style, &color);
  if (!self->has_incidents || !gtk_style_context_lookup_color (style, "warning_color", &warning))
    warning = color;

  tm_streamer_columns_place (self->columns, gtk_widget_get_width (widget), x);
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    {
      int width = x[c + 1] - x[c] - 2 * TM_STREAMER_CELL_XPAD;
      PangoLayout *layout;
      int text_height;

      if (width <= 0 || self->text[c] == NULL || self->text[c][0] == '\0')
        continue;

      layout = get_layout (self, c, width);
      pango_layout_get_pixel_size (layout, NULL, &text_height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x[c] + TM_STREAMER_CELL_XPAD,
                                                              (height - text_height) / 2));
      gtk_snapshot_append_layout (snapshot, layout,
                                  c == TM_STREAMER_COLUMN_INCIDENTS && self->has_incidents ? &warning : &color);
      gtk_snapshot_restore (snapshot);
    }
}

static void
tm_streamer_row_map (GtkWidget *widget)
{
  TmStreamerRow *self = TM_STREAMER_ROW (widget);

  GTK_WIDGET_CLASS (tm_streamer_row_parent_class)->map (widget);

  if (self->stale)
    refresh (self);
}

static void
tm_streamer_row_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  TmStreamerRow *self = TM_STREAMER_ROW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = tm_streamer_columns_get_min_width (self->columns);
  else
    *minimum = *natural = self->columns->line_height + 2 * TM_STREAMER_CELL_YPAD;
}

/* A cell cut short shows its whole text.  Asked for on hover only:
 * setting a tooltip per row costs a round trip to the X server. */
static gboolean
tm_streamer_row_query_tooltip (GtkWidget  *widget,
                               int         x,
                               int         y,
                               gboolean    keyboard_mode,
                               GtkTooltip *tooltip)
{
  TmStreamerRow *self = TM_STREAMER_ROW (widget);
  int edges[TM_N_STREAMER_COLUMNS + 1];
  int c = column_at (self, x, edges);

  if (c < 0 || self->layout[c] == NULL || self->text[c] == NULL || self->text[c][0] == '\0'
      || (self->text_changed & (1u << c)) || !pango_layout_is_ellipsized (self->layout[c]))
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->text[c]);
  gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { edges[c], 0, edges[c + 1] - edges[c],
                                                       gtk_widget_get_height (widget) });
  return TRUE;
}


/*
 * GObject
 */

static void
tm_streamer_row_dispose (GObject *object)
{
  TmStreamerRow *self = TM_STREAMER_ROW (object);

  tm_streamer_row_set_item (self, NULL);
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    {
      g_clear_object (&self->layout[c]);
      g_clear_pointer (&self->text[c], g_free);
    }

  G_OBJECT_CLASS (tm_streamer_row_parent_class)->dispose (object);
}

static void
tm_streamer_row_class_init (TmStreamerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_streamer_row_dispose;
  widget_class->map = tm_streamer_row_map;
  widget_class->snapshot = tm_streamer_row_snapshot;
  widget_class->measure = tm_streamer_row_measure;
  widget_class->query_tooltip = tm_streamer_row_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "streamer-row");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ROW);
}

static void
tm_streamer_row_init (TmStreamerRow *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
tm_streamer_row_new (const TmStreamerColumns *columns)
{
  TmStreamerRow *self;

  g_return_val_if_fail (columns != NULL, NULL);

  self = g_object_new (TM_TYPE_STREAMER_ROW, NULL);
  self->columns = columns;
  return GTK_WIDGET (self);
}

void
tm_streamer_row_set_item (TmStreamerRow  *self,
                          TmStreamerItem *item)
{
  g_return_if_fail (TM_IS_STREAMER_ROW (self));
  g_return_if_fail (item == NULL || TM_IS_STREAMER_ITEM (item));

  if (item == self->item)
    return;

  if (self->item != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->item, update, self);
      g_clear_object (&self->item);
    }
  if (item != NULL)
    {
      self->item = g_object_ref (item);
      g_signal_connect_swapped (item, "notify::index", G_CALLBACK (update), self);
    }
  update (self);
}

const char *
tm_streamer_row_get_text (TmStreamerRow    *self,
                          TmStreamerColumn  column)
{
  g_return_val_if_fail (TM_IS_STREAMER_ROW (self), NULL);
  g_return_val_if_fail (column < TM_N_STREAMER_COLUMNS, NULL);

  if (self->stale)
    refresh (self);
  return self->text[column] != NULL ? self->text[column] : "";
}

int
tm_streamer_row_measure_cell (GtkWidget        *widget,
                              TmStreamerColumn  column,
                              const char       *text,
                              int              *line_height)
{
  g_autoptr(PangoLayout) layout = make_layout (widget, column, text, column == TM_STREAMER_COLUMN_INCIDENTS);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  if (line_height != NULL)
    *line_height = height;
  return width + 2 * TM_STREAMER_CELL_XPAD;
}
