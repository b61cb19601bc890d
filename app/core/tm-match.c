/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-match"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tm-match.h"

const char *
tm_match_risk_label (TmMatchRiskFlags risk)
{
  switch (risk)
    {
    case TM_MATCH_RISK_RECENT_INCIDENT: return _("Recent incident");
    case TM_MATCH_RISK_FEW_RECORDS:     return _("Few records");
    /* Translators: a risk flag in the match list: the credit score is
     * only just above the brand's minimum */
    case TM_MATCH_RISK_NEAR_CREDIT_LIMIT: return _("Credit near the minimum");
    /* Translators: a risk flag in the match list: a cooperation with a
     * competitor shortly before the brand's exclusivity window */
    case TM_MATCH_RISK_NEAR_EXCLUSIVITY: return _("Competitor work near exclusivity");
    case TM_MATCH_RISK_NONE:
    default:                            return NULL;
    }
}

static gboolean
in_list (GPtrArray  *list,
         const char *text)
{
  if (list == NULL || text == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (g_ptr_array_index (list, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* The engine's competitor rule (docs/matching.md, "Constraints"), for one
 * cooperation: by the other brand's id or name, or its category; never
 * the brand itself. */
static gboolean
is_competitor (const TmCatalog            *catalog,
               const TmBrand              *brand,
               const TmCatalogCooperation *c)
{
  const char *category = c->brand_category;

  if (c->brand >= 0)
    {
      const TmBrand *other = catalog->brands[c->brand];

      if (g_strcmp0 (other->id, brand->id) == 0)
        return FALSE;
      if (in_list (brand->competitor_brands, other->id)
          || in_list (brand->competitor_brands, other->name))
        return TRUE;
      category = other->category;
    }
  else if (in_list (brand->competitor_brands, c->brand_name))
    return TRUE;

  return in_list (brand->competitor_categories, category);
}

guint
tm_match_get_risks (TmRanking *ranking,
                    guint      streamer)
{
  TmEngine *engine = tm_ranking_get_engine (ranking);
  const TmCatalog *catalog = tm_engine_get_catalog (engine);
  const TmBrand *brand = tm_ranking_get_brand (ranking);
  TmDate as_of = tm_engine_get_as_of (engine);
  const TmCatalogStreamer *s;
  const TmCandidate *candidates;
  guint n, risks = TM_MATCH_RISK_NONE;

  g_return_val_if_fail (streamer < catalog->n_streamers, 0);

  s = &catalog->streamers[streamer];
  candidates = tm_ranking_get_candidates (ranking, &n);

  for (guint i = s->first_incident; i < s->first_incident + s->n_incidents; i++)
    {
      TmDate date = catalog->incidents[i].date;

      if (date <= as_of && as_of - date <= TM_MATCH_RECENT_INCIDENT_DAYS)
        {
          risks |= TM_MATCH_RISK_RECENT_INCIDENT;
          break;
        }
    }

  if (s->n_cooperations < TM_MATCH_FEW_RECORDS)
    risks |= TM_MATCH_RISK_FEW_RECORDS;

  /* Near a limit only means something while the candidate is in. */
  if (candidates[streamer].exclusions == 0)
    {
      if (isfinite (brand->min_credit_score) && brand->min_credit_score > 0
          && isfinite (s->credit_score) && isfinite (s->credit_scale) && s->credit_scale > 0)
        {
          double pct = 100.0 * s->credit_score / s->credit_scale;

          if (pct < brand->min_credit_score + TM_MATCH_CREDIT_MARGIN)
            risks |= TM_MATCH_RISK_NEAR_CREDIT_LIMIT;
        }

      if (brand->exclusivity_days > 0
          && ((brand->competitor_brands && brand->competitor_brands->len > 0)
              || (brand->competitor_categories && brand->competitor_categories->len > 0)))
        {
          TmDate start = as_of - brand->exclusivity_days;
          TmDate from = start - TM_MATCH_EXCLUSIVITY_MARGIN_DAYS;

          for (guint c = s->first_cooperation + s->n_cooperations; c > s->first_cooperation; c--)
            {
              const TmCatalogCooperation *coop = &catalog->cooperations[c - 1];

              if (coop->date < from)
                break;
              if (coop->date < start && is_competitor (catalog, brand, coop))
                {
                  risks |= TM_MATCH_RISK_NEAR_EXCLUSIVITY;
                  break;
                }
            }
        }
    }

  return risks;
}

gboolean
tm_match_filter_matches (const TmMatchFilter *filter,
                         const TmCatalog     *catalog,
                         guint                streamer)
{
  const TmCatalogStreamer *s = &catalog->streamers[streamer];

  if (filter == NULL)
    return TRUE;

  if (filter->followers_min >= 0 || filter->followers_max >= 0)
    {
      if (s->followers_total < 0)
        return FALSE;
      if (filter->followers_min >= 0 && s->followers_total < filter->followers_min)
        return FALSE;
      if (filter->followers_max >= 0 && s->followers_total > filter->followers_max)
        return FALSE;
    }

  if (filter->price_min_fen >= 0 || filter->price_max_fen >= 0)
    {
      if (s->price_low_fen < 0 || s->price_high_fen < 0)
        return FALSE;
      if (filter->price_min_fen >= 0 && s->price_high_fen < filter->price_min_fen)
        return FALSE;
      if (filter->price_max_fen >= 0 && s->price_low_fen > filter->price_max_fen)
        return FALSE;
    }

  if (filter->directory != NULL && !tm_directory_matches (filter->directory, streamer))
    return FALSE;

  return TRUE;
}

/* Rank order is score descending, then streamer id in byte order
 * (docs/matching.md); the catalog is sorted by id with strcmp(), so that
 * is the index.  One 64-bit key per candidate says both: the score's
 * bits, flipped so that larger scores sort first, above the index.  A
 * radix sort of the keys takes a few milliseconds for 100k candidates,
 * where a comparison sort took 40 (bench/bench-match.c): the order is
 * made again at every step of a weight slider's drag. */
static inline guint64
rank_key (float   score,
          guint32 index)
{
  union { float f; guint32 u; } bits = { score == 0 ? 0.0f : score };  /* −0 ties with 0 */
  guint32 ordered;

  /* The float's bits as an unsigned number in the floats' order... */
  ordered = (bits.u & 0x80000000u) ? ~bits.u : bits.u | 0x80000000u;
  /* ...then reversed: the best score gets the smallest key. */
  return ((guint64) ~ordered << 32) | index;
}

static void
radix_sort (guint64 *keys,
            guint64 *scratch,
            gsize    n)
{
  g_autofree gsize *count = g_new (gsize, 1 << 16);

  for (guint shift = 0; shift < 64; shift += 16)
    {
      gsize sum = 0;

      memset (count, 0, sizeof (gsize) << 16);
      for (gsize i = 0; i < n; i++)
        count[(keys[i] >> shift) & 0xffff]++;
      /* All keys share this digit: nothing to move. */
      if (n > 0 && count[(keys[0] >> shift) & 0xffff] == n)
        continue;
      for (guint d = 0; d < 1 << 16; d++)
        {
          gsize c = count[d];

          count[d] = sum;
          sum += c;
        }
      for (gsize i = 0; i < n; i++)
        scratch[count[(keys[i] >> shift) & 0xffff]++] = keys[i];
      memcpy (keys, scratch, n * sizeof (guint64));
    }
}

GArray *
tm_match_collect (TmRanking           *ranking,
                  const TmMatchFilter *filter,
                  gboolean             excluded)
{
  const TmCatalog *catalog = tm_engine_get_catalog (tm_ranking_get_engine (ranking));
  const TmCandidate *candidates;
  g_autofree guint64 *keys = NULL;
  g_autofree guint64 *scratch = NULL;
  gsize n_keys = 0;
  GArray *out;
  guint n;

  candidates = tm_ranking_get_candidates (ranking, &n);
  keys = g_new (guint64, MAX (n, 1));
  for (guint32 i = 0; i < n; i++)
    {
      if ((candidates[i].exclusions != 0) != !!excluded)
        continue;
      if (!tm_match_filter_matches (filter, catalog, i))
        continue;
      keys[n_keys++] = rank_key (candidates[i].score, i);
    }

  scratch = g_new (guint64, MAX (n_keys, 1));
  radix_sort (keys, scratch, n_keys);

  out = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_keys);
  g_array_set_size (out, n_keys);
  for (gsize i = 0; i < n_keys; i++)
    g_array_index (out, guint32, i) = (guint32) keys[i];
  return out;
}

void
tm_match_compute_ranks (TmRanking *ranking,
                        guint32   *ranks)
{
  g_autoptr(GArray) order = tm_match_collect (ranking, NULL, FALSE);
  guint n;

  tm_ranking_get_candidates (ranking, &n);
  memset (ranks, 0, n * sizeof (guint32));
  for (guint i = 0; i < order->len; i++)
    ranks[g_array_index (order, guint32, i)] = i + 1;
}

int
tm_match_rank_change (guint32 old_rank,
                      guint32 new_rank)
{
  if (old_rank == 0 || new_rank == 0)
    return 0;
  return (int) old_rank - (int) new_rank;
}

char *
tm_match_format_rank_change (int change)
{
  if (change > 0)
    return g_strdup_printf ("▲%d", change);
  if (change < 0)
    return g_strdup_printf ("▼%d", -change);
  return g_strdup ("");
}
