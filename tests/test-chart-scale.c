/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chart-scale"

#include "config.h"

#include <math.h>

#include "app/core/tm-chart-scale.h"

/* Is @step 1, 2 or 5 × 10ⁿ? */
static gboolean
is_nice (double step)
{
  double magnitude = pow (10, floor (log10 (step) + 1e-9));
  double mantissa = step / magnitude;

  return fabs (mantissa - 1) < 1e-6 || fabs (mantissa - 2) < 1e-6 || fabs (mantissa - 5) < 1e-6;
}

static void
check_ticks (double min, double max, guint max_intervals)
{
  g_autoptr(GArray) ticks = NULL;
  double step = 0;

  ticks = tm_chart_nice_ticks (min, max, max_intervals, &step);
  g_test_message ("[%g, %g] in ≤ %u: %u ticks of %g", min, max, max_intervals, ticks->len, step);
  g_assert_cmpuint (ticks->len, >=, 2);
  g_assert_cmpuint (ticks->len, <=, max_intervals + 1);
  g_assert_true (is_nice (step));
  g_assert_cmpfloat (g_array_index (ticks, double, 0), <=, min);
  g_assert_cmpfloat (g_array_index (ticks, double, ticks->len - 1), >=, max);
  for (guint i = 0; i < ticks->len; i++)
    {
      double t = g_array_index (ticks, double, i);

      /* Each tick a whole multiple of the step, one step after the last. */
      g_assert_cmpfloat (fabs (t / step - round (t / step)), <, 1e-6);
      if (i > 0)
        g_assert_cmpfloat_with_epsilon (t - g_array_index (ticks, double, i - 1), step, step * 1e-6);
    }
  /* No wasted interval: the axis is not wider than it needs to be by a
   * whole step on either side. */
  g_assert_cmpfloat (g_array_index (ticks, double, 1), >, min);
  g_assert_cmpfloat (g_array_index (ticks, double, ticks->len - 2), <, max);
}

static void
test_nice_ticks (void)
{
  static const double ranges[][2] = {
    { 0, 1 }, { 0, 7 }, { 0, 10 }, { 0, 0.37 }, { 0, 123456789 },
    { 0, 4999999 }, { 3, 97 }, { -12, 40 }, { 0.001, 0.0013 }, { 1e6, 1e6 + 3 },
    { 0, 100 }, { 0, 99.9999 }, { 17, 17.0000001 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    for (guint n = 2; n <= 10; n++)
      check_ticks (ranges[i][0], ranges[i][1], n);

  /* Random ranges, from a fixed seed so that a failure repeats. */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (20240501);

    for (guint i = 0; i < 2000; i++)
      {
        double scale = pow (10, g_rand_double_range (rand, -4, 12));
        double a = g_rand_double_range (rand, -1, 1) * scale;
        double b = a + g_rand_double (rand) * scale;

        check_ticks (a, b, g_rand_int_range (rand, 2, 12));
      }
  }
}

/* A single value (one cooperation, or all of them alike) still gets an
 * axis around it, and zero gets 0–1. */
static void
test_nice_ticks_single_value (void)
{
  g_autoptr(GArray) zero = tm_chart_nice_ticks (0, 0, 5, NULL);
  g_autoptr(GArray) one = tm_chart_nice_ticks (250000, 250000, 5, NULL);

  g_assert_cmpfloat (g_array_index (zero, double, 0), ==, 0);
  g_assert_cmpfloat (g_array_index (zero, double, zero->len - 1), >, 0);
  g_assert_cmpfloat (g_array_index (one, double, 0), <, 250000);
  g_assert_cmpfloat (g_array_index (one, double, 0), >=, 0);  /* money stays ≥ 0 */
  g_assert_cmpfloat (g_array_index (one, double, one->len - 1), >, 250000);
}

static void
test_scale_map (void)
{
  /* A y axis: larger values higher up, at smaller pixel rows. */
  TmChartScale y = { 0, 200, 300, 100 };
  TmChartScale empty = { 5, 5, 0, 10 };

  g_assert_cmpfloat (tm_chart_scale_map (&y, 0), ==, 300);
  g_assert_cmpfloat (tm_chart_scale_map (&y, 200), ==, 100);
  g_assert_cmpfloat (tm_chart_scale_map (&y, 50), ==, 250);
  g_assert_cmpfloat (tm_chart_scale_map (&empty, 5), ==, 5);
}

/* Date ticks fall inside the interval, on the unit's boundaries, evenly,
 * and the unit is the finest that fits. */
static void
check_date_ticks (TmDate first, TmDate last, guint max_ticks)
{
  g_autoptr(GArray) ticks = NULL;
  TmChartDateUnit unit;
  int prev_key = G_MININT;
  int step = 0;

  ticks = tm_chart_date_ticks (first, last, max_ticks, &unit);
  g_assert_cmpuint (ticks->len, <=, max_ticks);
  for (guint i = 0; i < ticks->len; i++)
    {
      TmDate d = g_array_index (ticks, TmDate, i);
      int y, m, day, key;

      g_assert_cmpint (d, >=, first);
      g_assert_cmpint (d, <=, last);
      tm_date_to_ymd (d, &y, &m, &day);
      switch (unit)
        {
        case TM_CHART_DATE_DAYS:
          key = d;
          break;
        case TM_CHART_DATE_MONTHS:
          g_assert_cmpint (day, ==, 1);
          key = y * 12 + m - 1;
          break;
        case TM_CHART_DATE_YEARS:
          g_assert_cmpint (day, ==, 1);
          g_assert_cmpint (m, ==, 1);
          key = y;
          break;
        default:
          g_assert_not_reached ();
        }
      if (i == 1)
        step = key - prev_key;
      else if (i > 1)
        g_assert_cmpint (key - prev_key, ==, step);
      prev_key = key;
    }
  /* A few weeks are not labelled in years. */
  if (last - first < 60 && max_ticks >= 5)
    g_assert_cmpint (unit, !=, TM_CHART_DATE_YEARS);
}

static void
test_date_ticks (void)
{
  TmDate base = tm_date_from_ymd (2023, 11, 17);
  static const int spans[] = { 0, 1, 6, 13, 40, 89, 200, 365, 800, 1500, 4000, 20000 };

  for (guint i = 0; i < G_N_ELEMENTS (spans); i++)
    for (guint n = 2; n <= 10; n++)
      check_date_ticks (base, base + spans[i], n);

  /* A year and a half with room for 6 labels: one per quarter (every
   * other month would take 8). */
  {
    g_autoptr(GArray) ticks = NULL;
    TmChartDateUnit unit;
    g_autofree char *label = NULL;

    ticks = tm_chart_date_ticks (tm_date_from_ymd (2024, 1, 10), tm_date_from_ymd (2025, 6, 20), 6, &unit);
    g_assert_cmpint (unit, ==, TM_CHART_DATE_MONTHS);
    g_assert_cmpuint (ticks->len, ==, 5);
    label = tm_chart_format_date_tick (g_array_index (ticks, TmDate, 0), unit);
    g_assert_cmpstr (label, ==, "2024-04");
  }
}

static void
test_nearest_point (void)
{
  const double xs[] = { 10, 50, 90, 50 };
  const double ys[] = { 10, 50, 10, 52 };

  g_assert_cmpint (tm_chart_nearest_point (xs, ys, 4, 12, 11, 8), ==, 0);
  g_assert_cmpint (tm_chart_nearest_point (xs, ys, 4, 88, 14, 8), ==, 2);
  /* Two near points: the nearer wins, whichever comes first. */
  g_assert_cmpint (tm_chart_nearest_point (xs, ys, 4, 50, 53, 8), ==, 3);
  g_assert_cmpint (tm_chart_nearest_point (xs, ys, 4, 50, 49, 8), ==, 1);
  /* Too far from all of them. */
  g_assert_cmpint (tm_chart_nearest_point (xs, ys, 4, 30, 30, 8), ==, -1);
  g_assert_cmpint (tm_chart_nearest_point (NULL, NULL, 0, 30, 30, 8), ==, -1);
}

/* Ticks are round numbers and read as such: no ".00" or ".0" they do
 * not need, the unit kept; a tick between round ones keeps its digit. */
static void
test_money_and_rate_ticks (void)
{
  const struct { double fen; const char *shown; } money[] = {
    { 0, "¥0" },
    { 500000, "¥5,000" },
    { 40000000, "¥400K" },
    { 25000000, "¥250K" },
    { 250000000, "¥2.5M" },
    { 500000000, "¥5M" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (money); i++)
    {
      g_autofree char *shown = tm_chart_format_money_tick (money[i].fen);

      g_assert_cmpstr (shown, ==, money[i].shown);
    }
  {
    g_autofree char *whole = tm_chart_format_rate_tick (0.2, 0.05);
    g_autofree char *fine = tm_chart_format_rate_tick (0.005, 0.005);

    g_assert_cmpstr (whole, ==, "20%");
    g_assert_cmpstr (fine, ==, "0.5%");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart-scale/nice-ticks", test_nice_ticks);
  g_test_add_func ("/chart-scale/nice-ticks-single-value", test_nice_ticks_single_value);
  g_test_add_func ("/chart-scale/map", test_scale_map);
  g_test_add_func ("/chart-scale/date-ticks", test_date_ticks);
  g_test_add_func ("/chart-scale/nearest-point", test_nearest_point);
  g_test_add_func ("/chart-scale/money-and-rate-ticks", test_money_and_rate_ticks);

  return g_test_run ();
}
