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
/* Charts shown side by side (the compare window's) share their axes:
 * this one's GMV and return-rate axes reach at least @max_gmv_fen and
 * @max_return_rate, and its dates span at least @first to @last. */
void                 tm_history_chart_set_common_range  (TmHistoryChart *self,
                                                         gint64          max_gmv_fen,
                                                         double          max_return_rate,
                                                         TmDate          first,
                                                         TmDate          last);
/* The axes as drawn: the top of the GMV (fen) and return-rate axes and
 * the first and last day of the time axis; FALSE before the widget has
 * a size or without points. */
gboolean             tm_history_chart_get_axes          (TmHistoryChart *self,
                                                         double         *max_gmv_fen,
                                                         double         *max_return_rate,
                                                         double         *first_day,
                                                         double         *last_day);
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
