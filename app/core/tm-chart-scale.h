/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-chart-scale.h: the arithmetic of a chart, apart from its drawing.
 *
 * Axis ticks at readable values, the mapping from data to pixels and the
 * point under the pointer; TmHistoryChart draws with these.
 */
#pragma once

#include "tm-model.h"

G_BEGIN_DECLS

/* A linear map from [domain_min, domain_max] to [range_min, range_max]
 * (the range may run backwards, as a y axis in pixels does). */
typedef struct {
  double domain_min;
  double domain_max;
  double range_min;
  double range_max;
} TmChartScale;

/* Where @value lands; the middle of the range when the domain is empty. */
double    tm_chart_scale_map        (const TmChartScale *scale,
                                     double              value);

/* Ticks for a linear axis over [@min, @max] (@min ≤ @max): equally spaced
 * multiples of a step of 1, 2 or 5 × 10ⁿ, the first ≤ @min and the last
 * ≥ @max, at most @max_intervals + 1 of them and at least two.  With
 * @out_step (nullable) the step.  Returns doubles, ascending. */
GArray   *tm_chart_nice_ticks       (double              min,
                                     double              max,
                                     guint               max_intervals,
                                     double             *out_step);

typedef enum {
  TM_CHART_DATE_DAYS,
  TM_CHART_DATE_MONTHS,
  TM_CHART_DATE_YEARS,
} TmChartDateUnit;

/* Ticks for a date axis over [@first, @last]: days (every 1, 2, 7 or 14),
 * the first of months (every 1, 2, 3 or 6) or the first of January (every
 * 1, 2, 5, 10… years), whichever is the finest that gives at most
 * @max_ticks ticks inside the interval.  Returns TmDate, ascending; the
 * unit says how to label them (tm_chart_format_date_tick()). */
GArray   *tm_chart_date_ticks       (TmDate              first,
                                     TmDate              last,
                                     guint               max_ticks,
                                     TmChartDateUnit    *out_unit);

/* A money tick from fen, as round as it is: "¥5,000" (not "¥5,000.00"),
 * "¥5M", "¥2.5M", "¥500万" (no ".0" a tick does not need). */
char     *tm_chart_format_money_tick (double             fen);

/* A return-rate tick (a share, 0.2 for 20%) on an axis of @step: "20%",
 * or "0.5%" when the step is under one percent. */
char     *tm_chart_format_rate_tick  (double             rate,
                                      double             step);

/* "03-14" (days), "2024-03" (months), "2024" (years). */
char     *tm_chart_format_date_tick (TmDate              date,
                                     TmChartDateUnit     unit);

/* The index of the point (@xs[i], @ys[i]) nearest to (@x, @y), if it is
 * within @max_distance; else -1.  The first of equally near points wins. */
int       tm_chart_nearest_point    (const double       *xs,
                                     const double       *ys,
                                     guint               n,
                                     double              x,
                                     double              y,
                                     double              max_distance);

G_END_DECLS
