/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-contribution-chart"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-contribution-chart.h"
#include "tm-model.h"

#define BAR_HEIGHT  14
#define ROW_GAP     8
#define LABEL_WIDTH 150
#define VALUE_WIDTH 64

struct _TmContributionChart
{
  GtkWidget  parent_instance;

  GPtrArray *labels;   /* char* */
  GArray    *values;   /* double */
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
tm_contribution_chart_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  TmContributionChart *self = TM_CONTRIBUTION_CHART (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int rh = row_height (widget);
  double largest = 1, left = 0, right = 0, zero, scale;
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

  for (guint i = 0; i < self->values->len; i++)
    {
      double v = g_array_index (self->values, double, i);

      left = MIN (left, v);
      right = MAX (right, v);
    }
  largest = MAX (right - left, 1e-9);
  scale = plot_w / largest;
  zero = plot_x + (-left) * scale;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
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
    *minimum = *natural = self->values->len * row_height (widget);
}

static void
tm_contribution_chart_finalize (GObject *object)
{
  TmContributionChart *self = TM_CONTRIBUTION_CHART (object);

  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->values, g_array_unref);

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
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
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

const char *
tm_contribution_chart_get_label (TmContributionChart *self,
                                 guint                i)
{
  g_return_val_if_fail (TM_IS_CONTRIBUTION_CHART (self), NULL);
  g_return_val_if_fail (i < self->labels->len, NULL);

  return g_ptr_array_index (self->labels, i);
}
