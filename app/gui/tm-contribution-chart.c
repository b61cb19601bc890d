/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-contribution-chart"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-chart-scale.h"
#include "tm-contribution-chart.h"
#include "tm-model.h"

#define BAR_HEIGHT  14
#define ROW_GAP     8
#define LABEL_WIDTH 150
#define VALUE_WIDTH 64
/* The axis spans at least ±MIN_SPAN points, so that most candidates'
 * charts share one scale and their bars compare when the user moves from
 * one to the next. */
#define MIN_SPAN    5.0
#define MAX_TICKS   6

struct _TmContributionChart
{
  GtkWidget  parent_instance;

  GPtrArray *labels;   /* char* */
  GArray    *values;   /* double */
  GArray    *ticks;    /* double: the axis, from its first to its last */
};

G_DEFINE_FINAL_TYPE (TmContributionChart, tm_contribution_chart, GTK_TYPE_WIDGET)

static int
row_height (GtkWidget *widget)
{
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  PangoFontMetrics *metrics = pango_context_get_metrics (pango, NULL, NULL);
  int h = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (metrics));

  pango_font_metrics_unref (metrics);
  return MAX (h, BAR_HEIGHT) + ROW_GAP;
}

static void
draw_layout (cairo_t       *cr,
             PangoLayout   *layout,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
update_ticks (TmContributionChart *self)
{
  double low = -MIN_SPAN, high = MIN_SPAN;

  for (guint i = 0; i < self->values->len; i++)
    {
      double v = g_array_index (self->values, double, i);

      low = MIN (low, v);
      high = MAX (high, v);
    }
  g_clear_pointer (&self->ticks, g_array_unref);
  self->ticks = tm_chart_nice_ticks (low, high, MAX_TICKS, NULL);
}

static void
tm_contribution_chart_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  TmContributionChart *self = TM_CONTRIBUTION_CHART (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int rh = row_height (widget);
  double left, right, zero, scale;
  int plot_x = LABEL_WIDTH + 8;
  int plot_w = width - plot_x - VALUE_WIDTH - 8;
  GdkRGBA color, positive, negative, axis;
  cairo_t *cr;

  if (self->values->len == 0 || plot_w < 20)
    return;

  gtk_style_context_get_color (style, &color);
  /* Blue and red of the GNOME palette, mid tones readable on light and
   * dark backgrounds alike. */
  gdk_rgba_parse (&positive, "#3584e4");
  gdk_rgba_parse (&negative, "#e01b24");
  axis = color;
  axis.alpha *= 0.5f;

  left = g_array_index (self->ticks, double, 0);
  right = g_array_index (self->ticks, double, self->ticks->len - 1);
  scale = plot_w / MAX (right - left, 1e-9);
  zero = plot_x + (-left) * scale;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Faint lines at round values, labelled under the bars: the scale is
   * readable, not only the zero line. */
  for (guint t = 0; t < self->ticks->len; t++)
    {
      double v = g_array_index (self->ticks, double, t);
      double x = floor (plot_x + (v - left) * scale) + 0.5;
      /* A real minus, as the values beside the bars have. */
      g_autofree char *text = v < 0 ? g_strdup_printf ("−%g", -v) : g_strdup_printf ("%g", v);
      PangoLayout *tick = gtk_widget_create_pango_layout (widget, text);
      GdkRGBA grid = color, dim = color;
      int w;

      grid.alpha *= 0.12f;
      dim.alpha *= 0.6f;
      gdk_cairo_set_source_rgba (cr, &grid);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, x, 0);
      cairo_line_to (cr, x, self->values->len * rh - ROW_GAP);
      cairo_stroke (cr);
      pango_layout_get_pixel_size (tick, &w, NULL);
      draw_layout (cr, tick, CLAMP (x - w / 2.0, plot_x - w / 2.0, plot_x + plot_w - w / 2.0),
                   self->values->len * rh, &dim);
      g_object_unref (tick);
    }

  for (guint i = 0; i < self->values->len; i++)
    {
      double v = g_array_index (self->values, double, i);
      double y = i * rh;
      double bar_y = y + (rh - ROW_GAP - BAR_HEIGHT) / 2.0;
      g_autofree char *value = tm_format_points_signed (v);
      PangoLayout *label = gtk_widget_create_pango_layout (widget, g_ptr_array_index (self->labels, i));
      PangoLayout *number = gtk_widget_create_pango_layout (widget, value);

      pango_layout_set_width (label, LABEL_WIDTH * PANGO_SCALE);
      pango_layout_set_ellipsize (label, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (label, PANGO_ALIGN_RIGHT);
      draw_layout (cr, label, 0, y, &color);

      gdk_cairo_set_source_rgba (cr, v >= 0 ? &positive : &negative);
      if (v >= 0)
        cairo_rectangle (cr, zero, bar_y, MAX (v * scale, 1), BAR_HEIGHT);
      else
        cairo_rectangle (cr, zero + v * scale, bar_y, MAX (-v * scale, 1), BAR_HEIGHT);
      cairo_fill (cr);

      pango_layout_set_width (number, VALUE_WIDTH * PANGO_SCALE);
      pango_layout_set_alignment (number, PANGO_ALIGN_RIGHT);
      draw_layout (cr, number, plot_x + plot_w + 8, y, &color);

      g_object_unref (label);
      g_object_unref (number);
    }

  gdk_cairo_set_source_rgba (cr, &axis);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, floor (zero) + 0.5, 0);
  cairo_line_to (cr, floor (zero) + 0.5, self->values->len * rh - ROW_GAP);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
tm_contribution_chart_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  TmContributionChart *self = TM_CONTRIBUTION_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = LABEL_WIDTH + VALUE_WIDTH + 16 + 80;
      *natural = *minimum + 160;
    }
  else
    /* A row per bar, and one for the axis labels. */
    *minimum = *natural = self->values->len > 0 ? (self->values->len + 1) * row_height (widget) : 0;
}

static void
tm_contribution_chart_finalize (GObject *object)
{
  TmContributionChart *self = TM_CONTRIBUTION_CHART (object);

  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->ticks, g_array_unref);

  G_OBJECT_CLASS (tm_contribution_chart_parent_class)->finalize (object);
}

static void
tm_contribution_chart_class_init (TmContributionChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tm_contribution_chart_finalize;
  widget_class->snapshot = tm_contribution_chart_snapshot;
  widget_class->measure = tm_contribution_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "contribution-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tm_contribution_chart_init (TmContributionChart *self)
{
  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  update_ticks (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Contributions to the score"),
                                  -1);
}

GtkWidget *
tm_contribution_chart_new (void)
{
  return g_object_new (TM_TYPE_CONTRIBUTION_CHART, NULL);
}

void
tm_contribution_chart_set_bars (TmContributionChart *self,
                                const char * const  *labels,
                                const double        *values,
                                guint                n)
{
  g_autoptr(GString) description = g_string_new (NULL);

  g_return_if_fail (TM_IS_CONTRIBUTION_CHART (self));

  g_ptr_array_set_size (self->labels, 0);
  g_array_set_size (self->values, 0);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (self->labels, g_strdup (labels[i]));
      g_array_append_val (self->values, values[i]);
      if (i > 0)
        g_string_append (description, "; ");
      {
        g_autofree char *points = tm_format_points_signed (values[i]);

        /* Translators: one bar of the contribution chart for a screen
         * reader: a factor and its signed points, "Style tags: +3.2". */
        g_string_append_printf (description, C_("chart description", "%s: %s"), labels[i], points);
      }
    }
  update_ticks (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
tm_contribution_chart_get_axis (TmContributionChart *self,
                                double              *min,
                                double              *max)
{
  g_return_if_fail (TM_IS_CONTRIBUTION_CHART (self));

  *min = g_array_index (self->ticks, double, 0);
  *max = g_array_index (self->ticks, double, self->ticks->len - 1);
}

guint
tm_contribution_chart_get_n_bars (TmContributionChart *self)
{
  g_return_val_if_fail (TM_IS_CONTRIBUTION_CHART (self), 0);

  return self->values->len;
}

double
tm_contribution_chart_get_value (TmContributionChart *self,
                                 guint                i)
{
  g_return_val_if_fail (TM_IS_CONTRIBUTION_CHART (self), NAN);
  g_return_val_if_fail (i < self->values->len, NAN);

  return g_array_index (self->values, double, i);
}
