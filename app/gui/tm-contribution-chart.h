/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-contribution-chart.h: signed contributions as horizontal bars.
 *
 * One bar per factor from a zero line: points that raise the score go
 * right, points that lower it go left, each with its label and signed
 * value written out, so the chart reads without colour; its accessible
 * description lists the same figures.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TM_TYPE_CONTRIBUTION_CHART (tm_contribution_chart_get_type ())
G_DECLARE_FINAL_TYPE (TmContributionChart, tm_contribution_chart, TM, CONTRIBUTION_CHART, GtkWidget)

GtkWidget *tm_contribution_chart_new       (void);
/* Copies @labels and @values (@n bars, in the order shown). */
void       tm_contribution_chart_set_bars  (TmContributionChart *self,
                                            const char * const  *labels,
                                            const double        *values,
                                            guint                n);
guint      tm_contribution_chart_get_n_bars (TmContributionChart *self);
/* The axis the bars are drawn on, at round values: it holds every bar and
 * at least ±5 points, so candidates whose factors stay within that share
 * one scale. */
void       tm_contribution_chart_get_axis   (TmContributionChart *self,
                                             double              *min,
                                             double              *max);
double     tm_contribution_chart_get_value (TmContributionChart *self,
                                            guint                i);

G_END_DECLS
