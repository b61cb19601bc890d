/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-history-chart.h: a streamer's cooperations over time.
 *
 * GMV per cooperation (left axis) and its return rate (right axis) by
 * date, drawn with cairo in the widget's own colours, with a tooltip per
 * point.  The arithmetic is tm-chart-scale.h's.
 */
#pragma once

#include <gtk/gtk.h>

#include "tm-model.h"

G_BEGIN_DECLS

#define TM_TYPE_HISTORY_CHART (tm_history_chart_get_type ())
G_DECLARE_FINAL_TYPE (TmHistoryChart, tm_history_chart, TM, HISTORY_CHART, GtkWidget)

GtkWidget           *tm_history_chart_new               (void);

/* @cooperations: TmCooperation*, ordered by date (nullable: none); kept
 * until the next call.  @brand_names maps brand ids to names for the
 * tooltips (nullable; kept too). */
void                 tm_history_chart_set_cooperations  (TmHistoryChart *self,
                                                         GPtrArray      *cooperations,
                                                         GHashTable     *brand_names);
guint                tm_history_chart_get_n_points      (TmHistoryChart *self);
const TmCooperation *tm_history_chart_get_point         (TmHistoryChart *self,
                                                         guint           index);
/* Where the GMV marker of point @index is drawn, in widget coordinates;
 * FALSE before the widget has a size. */
gboolean             tm_history_chart_get_point_position (TmHistoryChart *self,
                                                          guint           index,
                                                          double         *x,
                                                          double         *y);
/* The point whose GMV or return-rate marker is under (@x, @y), or -1. */
int                  tm_history_chart_get_point_at      (TmHistoryChart *self,
                                                         double          x,
                                                         double          y);
/* The tooltip of point @index: date, brand, GMV and return rate. */
char                *tm_history_chart_dup_point_text    (TmHistoryChart *self,
                                                         guint           index);

G_END_DECLS
