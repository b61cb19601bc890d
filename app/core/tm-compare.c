/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-compare"

#include "config.h"

#include <math.h>

#include "tm-compare.h"

gboolean
tm_compare_factor_sum (const TmExplanation *explanation,
                       TmFactor             factor,
                       double              *out)
{
  gboolean present = FALSE;
  double sum = 0.0;

  g_return_val_if_fail (explanation != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  for (guint k = 0; k < explanation->items->len; k++)
    {
      const TmExplanationItem *item = g_ptr_array_index (explanation->items, k);

      if (item->factor == factor)
        {
          sum += item->contribution;
          present = TRUE;
        }
    }
  *out = sum;
  return present;
}

static double
round_to (double value,
          int    decimals)
{
  double scale = pow (10.0, decimals);

  return round (value * scale) / scale;
}

guint32
tm_compare_best_mask (const double  *values,
                      guint          n,
                      TmCompareBest  best,
                      int            decimals)
{
  double best_value;
  gboolean all_equal = TRUE;
  guint32 mask = 0;

  g_return_val_if_fail (n <= 32, 0);
  g_return_val_if_fail (values != NULL || n == 0, 0);

  if (best == TM_COMPARE_BEST_NONE || n == 0)
    return 0;

  best_value = round_to (values[0], decimals);
  for (guint i = 1; i < n; i++)
    {
      double v = round_to (values[i], decimals);

      if (v != best_value)
        all_equal = FALSE;
      if ((best == TM_COMPARE_BEST_HIGHEST && v > best_value)
          || (best == TM_COMPARE_BEST_LOWEST && v < best_value))
        best_value = v;
    }
  if (all_equal)
    return 0;

  for (guint i = 0; i < n; i++)
    if (round_to (values[i], decimals) == best_value)
      mask |= 1u << i;
  return mask;
}

guint
tm_compare_count_brand_cooperations (const TmCatalog *catalog,
                                     guint            streamer,
                                     const char      *brand_id)
{
  const TmCatalogStreamer *s;
  gint brand;
  guint count = 0;

  g_return_val_if_fail (catalog != NULL, 0);
  g_return_val_if_fail (streamer < catalog->n_streamers, 0);

  if (brand_id == NULL || (brand = tm_catalog_find_brand (catalog, brand_id)) < 0)
    return 0;
  s = &catalog->streamers[streamer];
  for (guint k = 0; k < s->n_cooperations; k++)
    if (catalog->cooperations[s->first_cooperation + k].brand == brand)
      count++;
  return count;
}

guint
tm_compare_count_open_incidents (const TmCatalog *catalog,
                                 guint            streamer)
{
  const TmCatalogStreamer *s;
  guint count = 0;

  g_return_val_if_fail (catalog != NULL, 0);
  g_return_val_if_fail (streamer < catalog->n_streamers, 0);

  s = &catalog->streamers[streamer];
  for (guint k = 0; k < s->n_incidents; k++)
    if (!catalog->incidents[s->first_incident + k].resolved)
      count++;
  return count;
}
