/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-match"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-catalog.h"
#include "tm-engine.h"
#include "tm-match.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/*
 * The match results on the bundled sample data.  Orders are checked
 * against tm_ranking_top(), the engine's own selection; risk flags and
 * filters against oracles that read the catalog's arrays record by record
 * (not through a streamer's first_/n_ ranges).
 */

static TmCatalog *catalog;

static GArray *
top_order (TmRanking *ranking,
           gboolean   excluded)
{
  guint n = excluded ? tm_ranking_get_n_excluded (ranking) : tm_ranking_get_n_included (ranking);
  GArray *out = g_array_sized_new (FALSE, TRUE, sizeof (guint32), n);

  g_array_set_size (out, n);
  g_assert_cmpuint (tm_ranking_top (ranking, n, excluded, (guint32 *) out->data), ==, n);
  return out;
}

static void
assert_same_order (GArray *a,
                   GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpuint (g_array_index (a, guint32, i), ==, g_array_index (b, guint32, i));
}

static void
test_collect_order (void)
{
  g_autoptr(TmEngine) engine = tm_engine_new (catalog, tm_date_today ());
  TmWeights w;

  tm_weights_init_default (&w);
  for (guint b = 0; b < catalog->n_brands; b++)
    {
      g_autoptr(TmRanking) ranking = tm_engine_rank (engine, catalog->brands[b], &w);

      for (int excluded = 0; excluded < 2; excluded++)
        {
          g_autoptr(GArray) ours = tm_match_collect (ranking, NULL, excluded);
          g_autoptr(GArray) engines = top_order (ranking, excluded);

          assert_same_order (ours, engines);
        }
    }
}

/* Rank changes after new weights: the oracle takes each streamer's
 * position in the engine's two orders. */
static void
test_rank_change (void)
{
  g_autoptr(TmEngine) engine = tm_engine_new (catalog, tm_date_today ());
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autofree guint32 *old_ranks = g_new0 (guint32, catalog->n_streamers);
  g_autofree guint32 *new_ranks = g_new0 (guint32, catalog->n_streamers);
  g_autofree int *oracle = g_new0 (int, catalog->n_streamers);
  TmWeights w, heavy_trust = { 0.1, 0.1, 0.8, 2.0 };
  guint moved = 0;

  tm_weights_init_default (&w);
  ranking = tm_engine_rank (engine, catalog->brands[0], &w);
  before = top_order (ranking, FALSE);
  tm_match_compute_ranks (ranking, old_ranks);
  tm_ranking_set_weights (ranking, &heavy_trust);
  after = top_order (ranking, FALSE);
  tm_match_compute_ranks (ranking, new_ranks);

  for (guint i = 0; i < before->len; i++)
    oracle[g_array_index (before, guint32, i)] += (int) i;
  for (guint i = 0; i < after->len; i++)
    oracle[g_array_index (after, guint32, i)] -= (int) i;

  for (guint s = 0; s < catalog->n_streamers; s++)
    {
      int change = tm_match_rank_change (old_ranks[s], new_ranks[s]);

      g_assert_cmpint (change, ==, oracle[s]);
      if (change != 0)
        moved++;
    }
  /* The weights were chosen to move candidates; otherwise the test says
   * nothing. */
  g_assert_cmpuint (moved, >, 0);
}

static void
test_format_rank_change (void)
{
  g_autofree char *up = tm_match_format_rank_change (3);
  g_autofree char *down = tm_match_format_rank_change (-5);
  g_autofree char *none = tm_match_format_rank_change (0);

  g_assert_cmpstr (up, ==, "▲3");
  g_assert_cmpstr (down, ==, "▼5");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpint (tm_match_rank_change (0, 4), ==, 0);
}

/* The oracle: every incident and cooperation of the catalog scanned for
 * the streamer it names. */
static guint
oracle_risks (const TmBrand *brand,
              TmDate         as_of,
              guint          streamer,
              gboolean       excluded)
{
  const TmCatalogStreamer *s = &catalog->streamers[streamer];
  guint risks = 0, n_coops = 0;

  for (guint i = 0; i < catalog->n_incidents; i++)
    if (catalog->incidents[i].streamer == streamer
        && catalog->incidents[i].date <= as_of
        && catalog->incidents[i].date >= as_of - TM_MATCH_RECENT_INCIDENT_DAYS)
      risks |= TM_MATCH_RISK_RECENT_INCIDENT;
  for (guint i = 0; i < catalog->n_cooperations; i++)
    if (catalog->cooperations[i].streamer == streamer)
      n_coops++;
  if (n_coops < TM_MATCH_FEW_RECORDS)
    risks |= TM_MATCH_RISK_FEW_RECORDS;
  if (!excluded && brand->min_credit_score > 0 && isfinite (s->credit_score)
      && s->credit_scale > 0
      && 100.0 * s->credit_score / s->credit_scale < brand->min_credit_score + TM_MATCH_CREDIT_MARGIN)
    risks |= TM_MATCH_RISK_NEAR_CREDIT_LIMIT;
  return risks;
}

static void
test_risks_sample (void)
{
  TmDate as_of = tm_date_today ();
  g_autoptr(TmEngine) engine = tm_engine_new (catalog, as_of);
  guint seen = 0;

  for (guint b = 0; b < catalog->n_brands; b++)
    {
      g_autoptr(TmBrand) brand = tm_brand_copy (catalog->brands[b]);
      g_autoptr(TmRanking) ranking = NULL;
      const TmCandidate *c;
      guint n;

      /* The sample's exclusivity rules are tested below on their own. */
      brand->exclusivity_days = 0;
      ranking = tm_engine_rank (engine, brand, NULL);
      c = tm_ranking_get_candidates (ranking, &n);
      for (guint s = 0; s < n; s++)
        {
          guint risks = tm_match_get_risks (ranking, s);

          g_assert_cmpuint (risks, ==, oracle_risks (brand, as_of, s, c[s].exclusions != 0));
          seen |= risks;
        }
    }
  /* The sample has every kind but near-limit, which needs a minimum
   * credit; at least the first two show up. */
  g_assert_true (seen & TM_MATCH_RISK_RECENT_INCIDENT);
  g_assert_true (seen & TM_MATCH_RISK_FEW_RECORDS);
}

/* A minimum credit just below a streamer's score: included and near the
 * limit; well below: not near; above: excluded, no near-limit flag. */
static void
test_risks_credit (void)
{
  g_autoptr(TmEngine) engine = tm_engine_new (catalog, tm_date_today ());
  g_autoptr(TmBrand) brand = tm_brand_copy (catalog->brands[0]);
  const TmCatalogStreamer *s = NULL;
  guint index = 0;
  double pct;

  brand->exclusivity_days = 0;
  if (brand->blacklist)
    g_ptr_array_set_size (brand->blacklist, 0);
  for (index = 0; index < catalog->n_streamers; index++)
    {
      s = &catalog->streamers[index];
      if (isfinite (s->credit_score) && s->credit_scale > 0
          && 100.0 * s->credit_score / s->credit_scale > 20)
        break;
    }
  g_assert_cmpuint (index, <, catalog->n_streamers);
  pct = 100.0 * s->credit_score / s->credit_scale;

  {
    g_autoptr(TmRanking) r = NULL;

    brand->min_credit_score = pct - 2;
    r = tm_engine_rank (engine, brand, NULL);
    g_assert_cmpuint (tm_ranking_get_candidates (r, NULL)[index].exclusions, ==, 0);
    g_assert_true (tm_match_get_risks (r, index) & TM_MATCH_RISK_NEAR_CREDIT_LIMIT);
  }
  {
    g_autoptr(TmRanking) r = NULL;

    brand->min_credit_score = pct - 10;
    r = tm_engine_rank (engine, brand, NULL);
    g_assert_false (tm_match_get_risks (r, index) & TM_MATCH_RISK_NEAR_CREDIT_LIMIT);
  }
  {
    g_autoptr(TmRanking) r = NULL;

    brand->min_credit_score = pct + 2;
    r = tm_engine_rank (engine, brand, NULL);
    g_assert_cmpuint (tm_ranking_get_candidates (r, NULL)[index].exclusions, !=, 0);
    g_assert_false (tm_match_get_risks (r, index) & TM_MATCH_RISK_NEAR_CREDIT_LIMIT);
  }
}

/* A competitor cooperation just before the exclusivity window: near the
 * limit; inside it: excluded; long before: nothing. */
static void
test_risks_exclusivity (void)
{
  const TmCatalogCooperation *coop = NULL;
  g_autoptr(TmBrand) brand = tm_brand_copy (catalog->brands[0]);
  guint streamer;

  /* A streamer's latest cooperation, with a brand other than ours. */
  for (guint i = 0; i < catalog->n_streamers && coop == NULL; i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];

      if (s->n_cooperations > 0)
        {
          const TmCatalogCooperation *last = &catalog->cooperations[s->first_cooperation + s->n_cooperations - 1];

          if (last->brand_name != NULL && g_strcmp0 (last->brand_name, brand->name) != 0
              && !(last->brand >= 0 && g_strcmp0 (catalog->brands[last->brand]->id, brand->id) == 0))
            coop = last;
        }
    }
  g_assert_nonnull (coop);
  streamer = coop->streamer;

  brand->min_credit_score = 0;
  g_ptr_array_set_size (brand->competitor_categories, 0);
  g_ptr_array_set_size (brand->competitor_brands, 0);
  g_ptr_array_add (brand->competitor_brands, g_strdup (coop->brand_name));
  if (brand->blacklist)
    g_ptr_array_set_size (brand->blacklist, 0);

  {
    /* As of 100 days after; a 90-day window starts 10 days after it. */
    g_autoptr(TmEngine) engine = tm_engine_new (catalog, coop->date + 100);
    g_autoptr(TmRanking) r = NULL;

    brand->exclusivity_days = 90;
    r = tm_engine_rank (engine, brand, NULL);
    g_assert_cmpuint (tm_ranking_get_candidates (r, NULL)[streamer].exclusions, ==, 0);
    g_assert_true (tm_match_get_risks (r, streamer) & TM_MATCH_RISK_NEAR_EXCLUSIVITY);
    tm_ranking_free (g_steal_pointer (&r));

    brand->exclusivity_days = 120;
    r = tm_engine_rank (engine, brand, NULL);
    g_assert_cmpuint (tm_ranking_get_candidates (r, NULL)[streamer].exclusions, ==, TM_EXCLUSION_COMPETITOR);
    g_assert_false (tm_match_get_risks (r, streamer) & TM_MATCH_RISK_NEAR_EXCLUSIVITY);
    tm_ranking_free (g_steal_pointer (&r));

    brand->exclusivity_days = 30;
    r = tm_engine_rank (engine, brand, NULL);
    g_assert_false (tm_match_get_risks (r, streamer) & TM_MATCH_RISK_NEAR_EXCLUSIVITY);
  }
}

static gboolean
oracle_filter (const TmMatchFilter *f,
               guint                i)
{
  const TmCatalogStreamer *s = &catalog->streamers[i];
  gint64 followers = 0;
  gboolean any_account = FALSE;

  /* Followers summed from the accounts themselves. */
  for (guint a = s->first_account; a < s->first_account + s->n_accounts; a++)
    if (catalog->accounts[a].followers >= 0)
      {
        followers += catalog->accounts[a].followers;
        any_account = TRUE;
      }
  if (f->followers_min >= 0 || f->followers_max >= 0)
    {
      if (!any_account)
        return FALSE;
      if (f->followers_min >= 0 && followers < f->followers_min)
        return FALSE;
      if (f->followers_max >= 0 && followers > f->followers_max)
        return FALSE;
    }
  if (f->price_min_fen >= 0 || f->price_max_fen >= 0)
    {
      gint64 lo = f->price_min_fen >= 0 ? f->price_min_fen : 0;
      gint64 hi = f->price_max_fen >= 0 ? f->price_max_fen : G_MAXINT64;

      if (s->price_low_fen < 0 || s->price_high_fen < 0)
        return FALSE;
      /* Two ranges overlap when neither ends before the other begins. */
      if (MAX (lo, s->price_low_fen) > MIN (hi, s->price_high_fen))
        return FALSE;
    }
  return TRUE;
}

static void
test_filter (void)
{
  g_autoptr(TmEngine) engine = tm_engine_new (catalog, tm_date_today ());
  g_autoptr(TmRanking) ranking = tm_engine_rank (engine, catalog->brands[0], NULL);
  const TmMatchFilter filters[] = {
    { NULL, 200000, -1, -1, -1 },
    { NULL, -1, 500000, -1, -1 },
    { NULL, 50000, 2000000, -1, -1 },
    { NULL, -1, -1, 100000, -1 },
    { NULL, -1, -1, -1, 3000 },
    { NULL, -1, -1, 1000, 1500 },
    { NULL, 100000, -1, 20000, 200000 },
  };

  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    {
      g_autoptr(GArray) all = tm_match_collect (ranking, NULL, FALSE);
      g_autoptr(GArray) some = tm_match_collect (ranking, &filters[f], FALSE);
      guint j = 0, kept = 0;

      /* The filtered list is the full list with the rows the oracle
       * rejects left out, in the same order. */
      for (guint i = 0; i < all->len; i++)
        {
          guint32 s = g_array_index (all, guint32, i);

          if (!oracle_filter (&filters[f], s))
            continue;
          g_assert_cmpuint (j, <, some->len);
          g_assert_cmpuint (g_array_index (some, guint32, j), ==, s);
          j++;
          kept++;
        }
      g_assert_cmpuint (j, ==, some->len);
      g_assert_cmpuint (kept, <, all->len);
    }
}

static void
test_filter_search (void)
{
  g_autoptr(TmEngine) engine = tm_engine_new (catalog, tm_date_today ());
  g_autoptr(TmRanking) ranking = tm_engine_rank (engine, catalog->brands[0], NULL);
  g_autoptr(TmDirectory) directory = tm_directory_new (catalog);
  TmDirectoryFilter df = TM_DIRECTORY_FILTER_INIT;
  TmMatchFilter f = TM_MATCH_FILTER_INIT;
  const char *id = catalog->streamers[7].id;
  g_autoptr(GArray) found = NULL;

  df.search = id;
  tm_directory_set_filter (directory, &df);
  f.directory = directory;
  found = tm_match_collect (ranking, &f, tm_ranking_get_candidates (ranking, NULL)[7].exclusions != 0);
  g_assert_cmpuint (found->len, >=, 1);
  for (guint i = 0; i < found->len; i++)
    g_assert_nonnull (strstr (catalog->streamers[g_array_index (found, guint32, i)].id, id));
}

int
main (int argc, char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  catalog = tm_test_load_sample_catalog ();

  g_test_add_func ("/match/collect/order", test_collect_order);
  g_test_add_func ("/match/rank-change", test_rank_change);
  g_test_add_func ("/match/rank-change/format", test_format_rank_change);
  g_test_add_func ("/match/risks/sample", test_risks_sample);
  g_test_add_func ("/match/risks/credit", test_risks_credit);
  g_test_add_func ("/match/risks/exclusivity", test_risks_exclusivity);
  g_test_add_func ("/match/filter/ranges", test_filter);
  g_test_add_func ("/match/filter/search", test_filter_search);

  rc = g_test_run ();
  tm_catalog_unref (catalog);
  return rc;
}
