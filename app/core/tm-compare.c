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

guint32
tm_compare_best_mask (const double    *values,
                      guint            n,
                      TmCompareBest    best,
                      TmCompareFormat  format)
{
  g_autofree char *best_shown = NULL;
  g_autofree char *first_shown = NULL;
  gint best_index = -1;
  gboolean all_equal = TRUE;
  guint32 mask = 0;

  g_return_val_if_fail (n <= 32, 0);
  g_return_val_if_fail (values != NULL || n == 0, 0);
  g_return_val_if_fail (format != NULL, 0);

  if (best == TM_COMPARE_BEST_NONE)
    return 0;

  for (guint i = 0; i < n; i++)
    {
      if (isnan (values[i]))
        continue;
      if (best_index < 0
          || (best == TM_COMPARE_BEST_HIGHEST && values[i] > values[best_index])
          || (best == TM_COMPARE_BEST_LOWEST && values[i] < values[best_index]))
        best_index = (gint) i;
    }
  if (best_index < 0)
    return 0;

  /* Equal is what the reader sees as equal: the shown text. */
  best_shown = format (values[best_index]);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *shown = NULL;

      if (isnan (values[i]))
        continue;
      shown = format (values[i]);
      if (first_shown == NULL)
        first_shown = g_strdup (shown);
      else if (!g_str_equal (shown, first_shown))
        all_equal = FALSE;
      if (g_str_equal (shown, best_shown))
        mask |= 1u << i;
    }
  return all_equal ? 0 : mask;
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
      /* An unknown day (not in files, which require one) says nothing
       * of the span. */
      if (provenances[i].observed == TM_DATE_NONE)
        continue;
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
        g_string_append (text, C_("sources separator", ", "));
      /* Translators: a source and how many records came from it, “Export ×3” */
      g_string_append_printf (text, _("%s ×%u"), tm_source_label (pick), counts[pick]);
    }

  if (first > last)
    return g_string_free (g_steal_pointer (&text), FALSE);
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
