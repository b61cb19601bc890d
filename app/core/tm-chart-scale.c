/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-chart-scale"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-chart-scale.h"
#include "tm-model.h"

double
tm_chart_scale_map (const TmChartScale *scale,
                    double              value)
{
  double span;

  g_return_val_if_fail (scale != NULL, 0);

  span = scale->domain_max - scale->domain_min;
  if (span == 0 || !isfinite (span))
    return (scale->range_min + scale->range_max) / 2;
  return scale->range_min
         + (value - scale->domain_min) / span * (scale->range_max - scale->range_min);
}

/* The smallest 1, 2 or 5 × 10ⁿ that is ≥ @raw (> 0). */
static double
nice_step_at_least (double raw)
{
  static const double mantissas[] = { 1, 2, 5, 10 };
  double magnitude = pow (10, floor (log10 (raw)));

  for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
    if (mantissas[i] * magnitude >= raw * (1 - 1e-9))
      return mantissas[i] * magnitude;
  return 10 * magnitude;
}

/* The next 1, 2 or 5 × 10ⁿ after @step. */
static double
next_nice_step (double step)
{
  return nice_step_at_least (step * 1.0001);
}

GArray *
tm_chart_nice_ticks (double  min,
                     double  max,
                     guint   max_intervals,
                     double *out_step)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (double));
  double step;
  gint64 first, last;

  g_return_val_if_fail (isfinite (min) && isfinite (max) && min <= max, ticks);

  max_intervals = MAX (max_intervals, 1);
  /* A single value still needs an axis around it. */
  if (max - min < fabs (max) * 1e-9 || max == min)
    {
      double pad = max != 0 ? fabs (max) / 2 : 1;

      if (min >= 0 && min - pad < 0)
        min = 0;
      else
        min -= pad;
      max += pad;
    }

  step = nice_step_at_least ((max - min) / max_intervals);
  for (;;)
    {
      /* Rounding the bounds to whole steps may add an interval: widen the
       * step until the count fits. */
      first = (gint64) floor (min / step + 1e-9);
      last = (gint64) ceil (max / step - 1e-9);
      if (last - first <= (gint64) max_intervals)
        break;
      step = next_nice_step (step);
    }
  if (last == first)
    last++;

  for (gint64 k = first; k <= last; k++)
    {
      double v = k * step;

      g_array_append_val (ticks, v);
    }
  if (out_step != NULL)
    *out_step = step;
  return ticks;
}

typedef struct {
  TmChartDateUnit unit;
  int             every;
} DateStep;

static const DateStep date_steps[] = {
  { TM_CHART_DATE_DAYS, 1 },
  { TM_CHART_DATE_DAYS, 2 },
  { TM_CHART_DATE_DAYS, 7 },
  { TM_CHART_DATE_DAYS, 14 },
  { TM_CHART_DATE_MONTHS, 1 },
  { TM_CHART_DATE_MONTHS, 2 },
  { TM_CHART_DATE_MONTHS, 3 },
  { TM_CHART_DATE_MONTHS, 6 },
  { TM_CHART_DATE_YEARS, 1 },
  { TM_CHART_DATE_YEARS, 2 },
  { TM_CHART_DATE_YEARS, 5 },
  { TM_CHART_DATE_YEARS, 10 },
  { TM_CHART_DATE_YEARS, 20 },
  { TM_CHART_DATE_YEARS, 50 },
  { TM_CHART_DATE_YEARS, 100 },
};

/* Appends the ticks of @step in [@first, @last] to @into (when not NULL)
 * and returns how many there are. */
static guint
date_step_ticks (const DateStep *step,
                 TmDate          first,
                 TmDate          last,
                 GArray         *into)
{
  guint n = 0;
  int year, month, day;

  switch (step->unit)
    {
    case TM_CHART_DATE_DAYS:
      {
        /* Weeks start on Monday: 1970-01-05 was one. */
        int offset = step->every == 7 || step->every == 14 ? 4 : 0;
        gint64 k = (gint64) ceil ((double) (first - offset) / step->every);

        for (gint64 d = k * step->every + offset; d <= last; d += step->every, n++)
          if (into != NULL)
            {
              TmDate date = (TmDate) d;

              g_array_append_val (into, date);
            }
      }
      break;

    case TM_CHART_DATE_MONTHS:
      {
        int m;

        tm_date_to_ymd (first, &year, &month, &day);
        m = year * 12 + (month - 1);
        if (day > 1)
          m++;
        m = (m + step->every - 1) / step->every * step->every;
        for (;; m += step->every)
          {
            TmDate date = tm_date_from_ymd (m / 12, m % 12 + 1, 1);

            if (date > last)
              break;
            n++;
            if (into != NULL)
              g_array_append_val (into, date);
          }
      }
      break;

    case TM_CHART_DATE_YEARS:
      {
        int y;

        tm_date_to_ymd (first, &year, &month, &day);
        y = month > 1 || day > 1 ? year + 1 : year;
        y = (y + step->every - 1) / step->every * step->every;
        for (;; y += step->every)
          {
            TmDate date = tm_date_from_ymd (y, 1, 1);

            if (date > last)
              break;
            n++;
            if (into != NULL)
              g_array_append_val (into, date);
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
  return n;
}

GArray *
tm_chart_date_ticks (TmDate           first,
                     TmDate           last,
                     guint            max_ticks,
                     TmChartDateUnit *out_unit)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (TmDate));
  const DateStep *step = &date_steps[G_N_ELEMENTS (date_steps) - 1];

  g_return_val_if_fail (first <= last, ticks);

  max_ticks = MAX (max_ticks, 1);
  for (guint i = 0; i < G_N_ELEMENTS (date_steps); i++)
    if (date_step_ticks (&date_steps[i], first, last, NULL) <= max_ticks)
      {
        step = &date_steps[i];
        break;
      }
  date_step_ticks (step, first, last, ticks);
  if (out_unit != NULL)
    *out_unit = step->unit;
  return ticks;
}

char *
tm_chart_format_date_tick (TmDate          date,
                           TmChartDateUnit unit)
{
  int year, month, day;

  tm_date_to_ymd (date, &year, &month, &day);
  switch (unit)
    {
    case TM_CHART_DATE_DAYS:
      return g_strdup_printf ("%02d-%02d", month, day);
    case TM_CHART_DATE_MONTHS:
      return g_strdup_printf ("%04d-%02d", year, month);
    case TM_CHART_DATE_YEARS:
      return g_strdup_printf ("%04d", year);
    default:
      g_return_val_if_reached (NULL);
    }
}

int
tm_chart_nearest_point (const double *xs,
                        const double *ys,
                        guint         n,
                        double        x,
                        double        y,
                        double        max_distance)
{
  double best = max_distance * max_distance;
  int found = -1;

  g_return_val_if_fail (n == 0 || (xs != NULL && ys != NULL), -1);

  for (guint i = 0; i < n; i++)
    {
      double dx = xs[i] - x;
      double dy = ys[i] - y;
      double d = dx * dx + dy * dy;

      if (d < best || (found < 0 && d <= best))
        {
          best = d;
          found = (int) i;
        }
    }
  return found;
}

char *
tm_chart_format_money_tick (double fen)
{
  char *text = tm_format_fen ((gint64) llround (fen), TRUE);
  char *point = strchr (text, '.');
  char *end;

  if (point == NULL)
    return text;
  /* Drop the zeros ending the decimals, and the point if none is left;
   * what follows them (a unit such as "M" or "万") stays. */
  end = point + 1;
  while (g_ascii_isdigit (*end))
    end++;
  {
    char *last = end;

    while (last > point + 1 && last[-1] == '0')
      last--;
    if (last == point + 1)
      last = point;
    memmove (last, end, strlen (end) + 1);
  }
  return text;
}

char *
tm_chart_format_rate_tick (double rate,
                           double step)
{
  return step >= 0.01 - 1e-9 ? g_strdup_printf ("%.0f%%", rate * 100)
                             : g_strdup_printf ("%.1f%%", rate * 100);
}
