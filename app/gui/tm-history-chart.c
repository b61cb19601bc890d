/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-history-chart"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-chart-scale.h"
#include "tm-history-chart.h"

/* Pixels. */
#define PAD           12.0
#define TICK_GAP       6.0
#define LEGEND_HEIGHT 24.0
#define POINT_RADIUS   4.0
#define HIT_DISTANCE  10.0
/* Room each tick label wants, so that labels never overlap. */
#define X_TICK_SPACING 96.0
#define Y_TICK_SPACING 44.0

/* Where everything goes at one size: computed for drawing and reused by
 * hit testing until the size or the data change. */
typedef struct {
  int              width, height;
  gboolean         valid;
  double           left, right, top, bottom;   /* the plot area */
  TmChartScale     x, y_gmv, y_rate;
  GArray          *x_ticks;                    /* TmDate */
  TmChartDateUnit  x_unit;
  GArray          *gmv_ticks;                  /* double, fen */
  GArray          *rate_ticks;                 /* double, 0–1 */
  double           rate_step;
  GArray          *xs, *ys_gmv, *ys_rate;      /* double, per point */
} Layout;

struct _TmHistoryChart
{
  GtkWidget   parent_instance;

  GPtrArray  *cooperations;  /* TmCooperation*, nullable */
  GHashTable *brand_names;   /* id → name, nullable */
  Layout      layout;

  /* What the axes must at least span (tm_history_chart_set_common_range);
   * max_gmv < 0: nothing beyond the chart's own points. */
  double      common_max_gmv;
  double      common_max_rate;
  TmDate      common_first, common_last;
};

G_DEFINE_FINAL_TYPE (TmHistoryChart, tm_history_chart, GTK_TYPE_WIDGET)

static void
layout_clear (Layout *l)
{
  g_clear_pointer (&l->x_ticks, g_array_unref);
  g_clear_pointer (&l->gmv_ticks, g_array_unref);
  g_clear_pointer (&l->rate_ticks, g_array_unref);
  g_clear_pointer (&l->xs, g_array_unref);
  g_clear_pointer (&l->ys_gmv, g_array_unref);
  g_clear_pointer (&l->ys_rate, g_array_unref);
  l->valid = FALSE;
}

static guint
n_points (TmHistoryChart *self)
{
  return self->cooperations != NULL ? self->cooperations->len : 0;
}

static const TmCooperation *
point (TmHistoryChart *self,
       guint           i)
{
  return g_ptr_array_index (self->cooperations, i);
}

/* Axis labels ----------------------------------------------------------- */

static PangoLayout *
create_label_layout (TmHistoryChart *self,
                     const char     *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
label_size (TmHistoryChart *self,
            const char     *text,
            int            *width,
            int            *height)
{
  g_autoptr(PangoLayout) layout = create_label_layout (self, text);

  pango_layout_get_pixel_size (layout, width, height);
}

/* Layout ---------------------------------------------------------------- */

static void
compute_layout (TmHistoryChart *self,
                int             width,
                int             height)
{
  Layout *l = &self->layout;
  guint n = n_points (self);
  TmDate first, last;
  double max_gmv = 0, max_rate = 0, pad_days;
  int label_w, label_h, widest_left = 0, widest_right = 0;
  guint max_intervals;

  layout_clear (l);
  l->width = width;
  l->height = height;
  if (n == 0 || width <= 0 || height <= 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      max_gmv = MAX (max_gmv, (double) point (self, i)->gmv_fen);
      if (!isnan (point (self, i)->return_rate))
        max_rate = MAX (max_rate, point (self, i)->return_rate);
    }
  first = point (self, 0)->date;
  last = point (self, n - 1)->date;
  /* Charts side by side share their axes, so equal heights mean equal
   * figures. */
  if (self->common_max_gmv >= 0)
    {
      max_gmv = MAX (max_gmv, self->common_max_gmv);
      max_rate = MAX (max_rate, self->common_max_rate);
      first = MIN (first, self->common_first);
      last = MAX (last, self->common_last);
    }

  label_size (self, "2024-12", &label_w, &label_h);
  l->top = PAD + LEGEND_HEIGHT;
  l->bottom = height - PAD - label_h - TICK_GAP;
  max_intervals = (guint) MAX (2, (l->bottom - l->top) / Y_TICK_SPACING);

  /* Money starts at zero: bars of different heights must compare. */
  l->gmv_ticks = tm_chart_nice_ticks (0, max_gmv, max_intervals, NULL);
  l->rate_ticks = tm_chart_nice_ticks (0, MAX (max_rate, 0.05), max_intervals, &l->rate_step);
  for (guint i = 0; i < l->gmv_ticks->len; i++)
    {
      g_autofree char *text = tm_chart_format_money_tick (g_array_index (l->gmv_ticks, double, i));
      int w;

      label_size (self, text, &w, NULL);
      widest_left = MAX (widest_left, w);
    }
  for (guint i = 0; i < l->rate_ticks->len; i++)
    {
      g_autofree char *text = tm_chart_format_rate_tick (g_array_index (l->rate_ticks, double, i), l->rate_step);
      int w;

      label_size (self, text, &w, NULL);
      widest_right = MAX (widest_right, w);
    }
  l->left = PAD + widest_left + TICK_GAP;
  l->right = width - PAD - widest_right - TICK_GAP;
  if (l->right - l->left < 40 || l->bottom - l->top < 40)
    return;

  l->y_gmv = (TmChartScale) { g_array_index (l->gmv_ticks, double, 0),
                              g_array_index (l->gmv_ticks, double, l->gmv_ticks->len - 1),
                              l->bottom, l->top };
  l->y_rate = (TmChartScale) { g_array_index (l->rate_ticks, double, 0),
                               g_array_index (l->rate_ticks, double, l->rate_ticks->len - 1),
                               l->bottom, l->top };

  /* Dates: a little room so that the first and last points are not cut
   * in half by the axes; a single date gets a month around it. */
  pad_days = last > first ? MAX (1.0, (last - first) * 0.04) : 15.0;
  l->x = (TmChartScale) { first - pad_days, last + pad_days,
                          l->left + POINT_RADIUS, l->right - POINT_RADIUS };
  l->x_ticks = tm_chart_date_ticks ((TmDate) ceil (l->x.domain_min), (TmDate) floor (l->x.domain_max),
                                    (guint) MAX (1, (l->right - l->left) / MAX (X_TICK_SPACING, label_w + 24)),
                                    &l->x_unit);

  l->xs = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  l->ys_gmv = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  l->ys_rate = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  for (guint i = 0; i < n; i++)
    {
      const TmCooperation *c = point (self, i);
      double x = tm_chart_scale_map (&l->x, c->date);
      double y = tm_chart_scale_map (&l->y_gmv, c->gmv_fen);
      double r = isnan (c->return_rate) ? NAN : tm_chart_scale_map (&l->y_rate, c->return_rate);

      g_array_append_val (l->xs, x);
      g_array_append_val (l->ys_gmv, y);
      g_array_append_val (l->ys_rate, r);
    }
  l->valid = TRUE;
}

static Layout *
ensure_layout (TmHistoryChart *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->layout.width != width || self->layout.height != height
      || (self->layout.xs == NULL && n_points (self) > 0))
    compute_layout (self, width, height);
  return &self->layout;
}

/* Drawing --------------------------------------------------------------- */

typedef struct {
  GdkRGBA fg;
  GdkRGBA gmv;
  GdkRGBA rate;
} Colors;

/* From the style, so that the chart follows light and dark. */
static void
get_colors (TmHistoryChart *self,
            Colors         *colors)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (style, &colors->fg);
  if (!gtk_style_context_lookup_color (style, "accent_color", &colors->gmv))
    colors->gmv = colors->fg;
  if (!gtk_style_context_lookup_color (style, "warning_color", &colors->rate))
    colors->rate = colors->fg;
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Draws @text with its (@x, @y) anchor at fractions @ax, @ay of its size. */
static void
draw_label (TmHistoryChart *self,
            cairo_t        *cr,
            const char     *text,
            double          x,
            double          y,
            double          ax,
            double          ay)
{
  g_autoptr(PangoLayout) layout = create_label_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - w * ax), round (y - h * ay));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_marker (cairo_t  *cr,
             double    x,
             double    y,
             gboolean  square)
{
  if (square)
    cairo_rectangle (cr, x - POINT_RADIUS + 0.5, y - POINT_RADIUS + 0.5,
                     2 * POINT_RADIUS - 1, 2 * POINT_RADIUS - 1);
  else
    cairo_arc (cr, x, y, POINT_RADIUS, 0, 2 * G_PI);
}

/* One series: the line through its points, then the markers on top. */
static void
draw_series (cairo_t       *cr,
             Layout        *l,
             GArray        *ys,
             const GdkRGBA *color,
             gboolean       dashed)
{
  static const double dash[] = { 5, 3 };
  gboolean pen_down = FALSE;

  set_color (cr, color, 1);
  cairo_set_line_width (cr, dashed ? 1.5 : 2);
  cairo_set_dash (cr, dashed ? dash : NULL, dashed ? 2 : 0, 0);
  for (guint i = 0; i < ys->len; i++)
    {
      double x = g_array_index (l->xs, double, i);
      double y = g_array_index (ys, double, i);

      if (isnan (y))
        {
          pen_down = FALSE;
          continue;
        }
      if (pen_down)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen_down = TRUE;
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  for (guint i = 0; i < ys->len; i++)
    {
      double y = g_array_index (ys, double, i);

      if (isnan (y))
        continue;
      draw_marker (cr, g_array_index (l->xs, double, i), y, dashed);
      cairo_fill (cr);
    }
}

static void
draw_legend (TmHistoryChart *self,
             cairo_t        *cr,
             const Colors   *colors)
{
  static const double dash[] = { 5, 3 };
  const char *gmv = _("GMV (left axis)");
  const char *rate = _("Return rate (right axis)");
  double x = self->layout.left;
  double y = PAD + LEGEND_HEIGHT / 2 - 2;
  double room = gtk_widget_get_width (GTK_WIDGET (self)) - PAD;
  int w, w_rate;

  /* A small chart (the compare window's) says less rather than cut its
   * legend: short labels, from the left edge if need be. */
  label_size (self, gmv, &w, NULL);
  label_size (self, rate, &w_rate, NULL);
  if (x + 26 + w + 24 + 26 + w_rate > room)
    {
      /* Translators: the legend of a small cooperation history chart */
      gmv = C_("chart legend", "GMV");
      /* Translators: the legend of a small cooperation history chart */
      rate = C_("chart legend", "Return rate");
      label_size (self, gmv, &w, NULL);
      label_size (self, rate, &w_rate, NULL);
      if (x + 26 + w + 24 + 26 + w_rate > room)
        x = PAD;
    }

  set_color (cr, &colors->gmv, 1);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + 20, y);
  cairo_stroke (cr);
  draw_marker (cr, x + 10, y, FALSE);
  cairo_fill (cr);
  set_color (cr, &colors->fg, 0.8);
  draw_label (self, cr, gmv, x + 26, y, 0, 0.5);

  x += 26 + w + 24;
  set_color (cr, &colors->rate, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + 20, y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  draw_marker (cr, x + 10, y, TRUE);
  cairo_fill (cr);
  set_color (cr, &colors->fg, 0.8);
  draw_label (self, cr, rate, x + 26, y, 0, 0.5);
}

static void
draw_chart (TmHistoryChart *self,
            cairo_t        *cr,
            const Colors   *colors)
{
  Layout *l = &self->layout;

  /* Grid lines at the money ticks, with both axes' labels. */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < l->gmv_ticks->len; i++)
    {
      double v = g_array_index (l->gmv_ticks, double, i);
      double y = round (tm_chart_scale_map (&l->y_gmv, v)) + 0.5;
      g_autofree char *text = tm_chart_format_money_tick (v);

      set_color (cr, &colors->fg, i == 0 ? 0.35 : 0.1);
      cairo_move_to (cr, l->left, y);
      cairo_line_to (cr, l->right, y);
      cairo_stroke (cr);
      set_color (cr, &colors->fg, 0.7);
      draw_label (self, cr, text, l->left - TICK_GAP, y, 1, 0.5);
    }
  set_color (cr, &colors->rate, 1);
  for (guint i = 0; i < l->rate_ticks->len; i++)
    {
      double v = g_array_index (l->rate_ticks, double, i);
      g_autofree char *text = tm_chart_format_rate_tick (v, l->rate_step);

      draw_label (self, cr, text, l->right + TICK_GAP, tm_chart_scale_map (&l->y_rate, v), 0, 0.5);
    }

  for (guint i = 0; i < l->x_ticks->len; i++)
    {
      TmDate d = g_array_index (l->x_ticks, TmDate, i);
      double x = round (tm_chart_scale_map (&l->x, d)) + 0.5;
      g_autofree char *text = tm_chart_format_date_tick (d, l->x_unit);

      set_color (cr, &colors->fg, 0.35);
      cairo_move_to (cr, x, l->bottom);
      cairo_line_to (cr, x, l->bottom + 4);
      cairo_stroke (cr);
      set_color (cr, &colors->fg, 0.7);
      draw_label (self, cr, text, x, l->bottom + TICK_GAP, 0.5, 0);
    }

  draw_series (cr, l, l->ys_rate, &colors->rate, TRUE);
  draw_series (cr, l, l->ys_gmv, &colors->gmv, FALSE);
  draw_legend (self, cr, colors);
}

static void
tm_history_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TmHistoryChart *self = TM_HISTORY_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;
  Colors colors;
  Layout *l;

  if (width <= 0 || height <= 0)
    return;

  l = ensure_layout (self);
  get_colors (self, &colors);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (n_points (self) == 0)
    {
      set_color (cr, &colors.fg, 0.55);
      draw_label (self, cr, _("No cooperations on record"), width / 2.0, height / 2.0, 0.5, 0.5);
    }
  else if (l->valid)
    draw_chart (self, cr, &colors);
  cairo_destroy (cr);
}

/* Tooltips and accessibility --------------------------------------------- */

static gboolean
on_query_tooltip_cb (GtkWidget  *widget,
                     int         x,
                     int         y,
                     gboolean    keyboard_mode,
                     GtkTooltip *tooltip,
                     gpointer    user_data)
{
  TmHistoryChart *self = TM_HISTORY_CHART (widget);
  g_autofree char *text = NULL;
  int i;

  if (keyboard_mode)
    return FALSE;
  i = tm_history_chart_get_point_at (self, x, y);
  if (i < 0)
    return FALSE;
  text = tm_history_chart_dup_point_text (self, i);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
update_accessible_label (TmHistoryChart *self)
{
  g_autofree char *label = NULL;
  guint n = n_points (self);

  if (n == 0)
    label = g_strdup (_("Cooperation history chart: no cooperations on record"));
  else
    {
      g_autofree char *first = tm_date_format (point (self, 0)->date);
      g_autofree char *last = tm_date_format (point (self, n - 1)->date);
      g_autofree char *low = NULL;
      g_autofree char *high = NULL;
      gint64 min_gmv = G_MAXINT64, max_gmv = 0;

      for (guint i = 0; i < n; i++)
        {
          min_gmv = MIN (min_gmv, point (self, i)->gmv_fen);
          max_gmv = MAX (max_gmv, point (self, i)->gmv_fen);
        }
      low = tm_format_fen (min_gmv, TRUE);
      high = tm_format_fen (max_gmv, TRUE);
      /* Translators: what a screen reader says about the chart: the number
       * of cooperations, the first and last dates, the lowest and highest
       * GMV. */
      label = g_strdup_printf (ngettext ("Cooperation history chart: GMV and return rate of %u cooperation "
                                         "from %s to %s, GMV from %s to %s",
                                         "Cooperation history chart: GMV and return rate of %u cooperations "
                                         "from %s to %s, GMV from %s to %s",
                                         n),
                               n, first, last, low, high);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Public ---------------------------------------------------------------- */

GtkWidget *
tm_history_chart_new (void)
{
  return g_object_new (TM_TYPE_HISTORY_CHART, NULL);
}

void
tm_history_chart_set_cooperations (TmHistoryChart *self,
                                   GPtrArray      *cooperations,
                                   GHashTable     *brand_names)
{
  g_return_if_fail (TM_IS_HISTORY_CHART (self));

  if (cooperations != NULL)
    g_ptr_array_ref (cooperations);
  if (brand_names != NULL)
    g_hash_table_ref (brand_names);
  g_clear_pointer (&self->cooperations, g_ptr_array_unref);
  g_clear_pointer (&self->brand_names, g_hash_table_unref);
  self->cooperations = cooperations;
  self->brand_names = brand_names;

  layout_clear (&self->layout);
  self->layout.width = -1;
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tm_history_chart_set_common_range (TmHistoryChart *self,
                                   gint64          max_gmv_fen,
                                   double          max_return_rate,
                                   TmDate          first,
                                   TmDate          last)
{
  g_return_if_fail (TM_IS_HISTORY_CHART (self));
  g_return_if_fail (first <= last);

  self->common_max_gmv = (double) MAX (max_gmv_fen, 0);
  self->common_max_rate = isnan (max_return_rate) ? 0 : max_return_rate;
  self->common_first = first;
  self->common_last = last;
  layout_clear (&self->layout);
  self->layout.width = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
tm_history_chart_get_axes (TmHistoryChart *self,
                           double         *max_gmv_fen,
                           double         *max_return_rate,
                           double         *first_day,
                           double         *last_day)
{
  Layout *l;

  g_return_val_if_fail (TM_IS_HISTORY_CHART (self), FALSE);

  if (n_points (self) == 0)
    return FALSE;
  l = ensure_layout (self);
  if (!l->valid)
    return FALSE;
  *max_gmv_fen = l->y_gmv.domain_max;
  *max_return_rate = l->y_rate.domain_max;
  *first_day = l->x.domain_min;
  *last_day = l->x.domain_max;
  return TRUE;
}

guint
tm_history_chart_get_n_points (TmHistoryChart *self)
{
  g_return_val_if_fail (TM_IS_HISTORY_CHART (self), 0);

  return n_points (self);
}

const TmCooperation *
tm_history_chart_get_point (TmHistoryChart *self,
                            guint           index)
{
  g_return_val_if_fail (TM_IS_HISTORY_CHART (self), NULL);
  g_return_val_if_fail (index < n_points (self), NULL);

  return point (self, index);
}

gboolean
tm_history_chart_get_point_position (TmHistoryChart *self,
                                     guint           index,
                                     double         *x,
                                     double         *y)
{
  Layout *l;

  g_return_val_if_fail (TM_IS_HISTORY_CHART (self), FALSE);
  g_return_val_if_fail (index < n_points (self), FALSE);

  l = ensure_layout (self);
  if (!l->valid)
    return FALSE;
  *x = g_array_index (l->xs, double, index);
  *y = g_array_index (l->ys_gmv, double, index);
  return TRUE;
}

int
tm_history_chart_get_point_at (TmHistoryChart *self,
                               double          x,
                               double          y)
{
  Layout *l;
  int i, j;

  g_return_val_if_fail (TM_IS_HISTORY_CHART (self), -1);

  l = ensure_layout (self);
  if (!l->valid)
    return -1;

  /* Both series' markers answer; the nearer one wins. */
  i = tm_chart_nearest_point ((double *) l->xs->data, (double *) l->ys_gmv->data, l->xs->len,
                              x, y, HIT_DISTANCE);
  j = tm_chart_nearest_point ((double *) l->xs->data, (double *) l->ys_rate->data, l->xs->len,
                              x, y, HIT_DISTANCE);
  if (i < 0 || j < 0)
    return i < 0 ? j : i;
  return hypot (g_array_index (l->xs, double, i) - x, g_array_index (l->ys_gmv, double, i) - y)
         <= hypot (g_array_index (l->xs, double, j) - x, g_array_index (l->ys_rate, double, j) - y)
         ? i : j;
}

char *
tm_history_chart_dup_point_text (TmHistoryChart *self,
                                 guint           index)
{
  const TmCooperation *c;
  g_autofree char *date = NULL;
  g_autofree char *gmv = NULL;
  const char *brand;

  g_return_val_if_fail (TM_IS_HISTORY_CHART (self), NULL);
  g_return_val_if_fail (index < n_points (self), NULL);

  c = point (self, index);
  date = tm_date_format (c->date);
  gmv = tm_format_fen (c->gmv_fen, FALSE);
  brand = c->brand_name;
  if (c->brand_id != NULL)
    {
      brand = self->brand_names ? g_hash_table_lookup (self->brand_names, c->brand_id) : NULL;
      if (brand == NULL)
        brand = c->brand_id;
    }
  /* Translators: a point's tooltip in the history chart: date, brand,
   * then GMV and return rate, e.g. "2024-03-14 · Acme\nGMV ¥12,000.00 ·
   * return rate 8.5%". */
  return g_strdup_printf (_("%s · %s\nGMV %s · return rate %.1f%%"),
                          date, brand ? brand : "", gmv, c->return_rate * 100);
}

/* GObject ---------------------------------------------------------------- */

static void
tm_history_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 260;
}

static void
tm_history_chart_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  TmHistoryChart *self = TM_HISTORY_CHART (widget);

  GTK_WIDGET_CLASS (tm_history_chart_parent_class)->css_changed (widget, change);
  /* Fonts may have changed the labels' sizes. */
  layout_clear (&self->layout);
  self->layout.width = -1;
  gtk_widget_queue_draw (widget);
}

static void
tm_history_chart_finalize (GObject *object)
{
  TmHistoryChart *self = TM_HISTORY_CHART (object);

  layout_clear (&self->layout);
  g_clear_pointer (&self->cooperations, g_ptr_array_unref);
  g_clear_pointer (&self->brand_names, g_hash_table_unref);

  G_OBJECT_CLASS (tm_history_chart_parent_class)->finalize (object);
}

static void
tm_history_chart_class_init (TmHistoryChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tm_history_chart_finalize;
  widget_class->snapshot = tm_history_chart_snapshot;
  widget_class->measure = tm_history_chart_measure;
  widget_class->css_changed = tm_history_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "historychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tm_history_chart_init (TmHistoryChart *self)
{
  self->layout.width = -1;
  self->common_max_gmv = -1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), NULL);
  update_accessible_label (self);
}
