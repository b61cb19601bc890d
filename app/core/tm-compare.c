/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-compare"

#include "config.h"

#include <glib/gi18n-lib.h>
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
  double best_value = NAN, first_value = NAN;
  gboolean all_equal = TRUE;
  guint32 mask = 0;

  g_return_val_if_fail (n <= 32, 0);
  g_return_val_if_fail (values != NULL || n == 0, 0);

  if (best == TM_COMPARE_BEST_NONE)
    return 0;

  for (guint i = 0; i < n; i++)
    {
      double v;

      if (isnan (values[i]))
        continue;
      v = round_to (values[i], decimals);
      if (isnan (first_value))
        first_value = best_value = v;
      if (v != first_value)
        all_equal = FALSE;
      if ((best == TM_COMPARE_BEST_HIGHEST && v > best_value)
          || (best == TM_COMPARE_BEST_LOWEST && v < best_value))
        best_value = v;
    }
  if (all_equal)
    return 0;

  for (guint i = 0; i < n; i++)
    if (!isnan (values[i]) && round_to (values[i], decimals) == best_value)
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

char *
tm_compare_summarize_provenance (const TmProvenance *provenances,
                                 guint               n)
{
  guint counts[TM_N_SOURCES] = { 0 };
  gboolean listed[TM_N_SOURCES] = { FALSE };
  TmDate first = G_MAXINT32, last = G_MININT32;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *first_text = NULL, *last_text = NULL;

  g_return_val_if_fail (provenances != NULL || n == 0, NULL);

  if (n == 0)
    return NULL;

  for (guint i = 0; i < n; i++)
    {
      if ((guint) provenances[i].source < TM_N_SOURCES)
        counts[provenances[i].source]++;
      first = MIN (first, provenances[i].observed);
      last = MAX (last, provenances[i].observed);
    }

  /* Most records first; equal counts in the sources' order. */
  for (;;)
    {
      gint pick = -1;

      for (guint s = 0; s < TM_N_SOURCES; s++)
        if (!listed[s] && counts[s] > 0 && (pick < 0 || counts[s] > counts[pick]))
          pick = (gint) s;
      if (pick < 0)
        break;
      listed[pick] = TRUE;
      if (text->len > 0)
        /* Translators: separates the sources of a count, “Export ×3, Manual ×1” */
        g_string_append (text, _(", "));
      /* Translators: a source and how many records came from it, “Export ×3” */
      g_string_append_printf (text, _("%s ×%u"), tm_source_label (pick), counts[pick]);
    }

  first_text = tm_date_format (first);
  last_text = tm_date_format (last);
  if (first == last)
    /* Translators: the sources of a count, then the day they were observed */
    g_string_append_printf (text, _(" · %s"), first_text);
  else
    /* Translators: the sources of a count, then the first and the last
     * day they were observed, “ · 2024-01-05 to 2025-03-02” */
    g_string_append_printf (text, _(" · %s to %s"), first_text, last_text);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
