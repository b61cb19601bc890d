/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-lookalike"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-catalog.h"
#include "tm-lookalike.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/*
 * Lookalikes against an oracle that works from the catalog's raw arrays
 * by name (strcmp and hash sets, not interned pointers), spells out the
 * audience groups by their bucket indices, and ranks by sorting the
 * whole catalog rather than by partial selection.
 */

static TmCatalog *catalog;

/* ---- The oracle ------------------------------------------------------ */

static double
oracle_style (guint a, guint b)
{
  const TmCatalogStreamer *sa = &catalog->streamers[a], *sb = &catalog->streamers[b];
  g_autoptr(GHashTable) wa = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) wb = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;
  double mins = 0, maxs = 0;

  if (sa->n_tags + sb->n_tags == 0)
    return NAN;
  for (guint i = 0; i < sa->n_tags; i++)
    {
      const TmCatalogTag *t = &catalog->tags[sa->first_tag + i];
      g_hash_table_insert (wa, (gpointer) t->tag, g_memdup2 (&t->weight, sizeof (float)));
      g_hash_table_add (all, (gpointer) t->tag);
    }
  for (guint i = 0; i < sb->n_tags; i++)
    {
      const TmCatalogTag *t = &catalog->tags[sb->first_tag + i];
      g_hash_table_insert (wb, (gpointer) t->tag, g_memdup2 (&t->weight, sizeof (float)));
      g_hash_table_add (all, (gpointer) t->tag);
    }
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      float *x = g_hash_table_lookup (wa, key), *y = g_hash_table_lookup (wb, key);
      double vx = x ? *x : 0, vy = y ? *y : 0;

      mins += fmin (vx, vy);
      maxs += fmax (vx, vy);
    }
  return maxs > 0 ? mins / maxs : NAN;
}

static double
oracle_group (guint a, guint b, guint from, guint to)
{
  const TmCatalogStreamer *sa = &catalog->streamers[a], *sb = &catalog->streamers[b];
  double l1 = 0;

  for (guint k = from; k <= to; k++)
    l1 += fabs ((double) sa->audience[k] - sb->audience[k]);
  return 1 - l1 / 2;
}

static double
oracle_audience (guint a, guint b)
{
  if (!catalog->streamers[a].has_audience || !catalog->streamers[b].has_audience)
    return NAN;
  /* Ages 0–5, genders 6–7, regions 8–12. */
  return (oracle_group (a, b, 0, 5) + oracle_group (a, b, 6, 7) + oracle_group (a, b, 8, 12)) / 3;
}

static double
oracle_category (guint a, guint b)
{
  const TmCatalogStreamer *sa = &catalog->streamers[a], *sb = &catalog->streamers[b];
  g_autoptr(GHashTable) in_a = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
  guint both = 0;

  for (guint i = 0; i < sa->n_categories; i++)
    {
      g_hash_table_add (in_a, (gpointer) catalog->categories[sa->first_category + i]);
      g_hash_table_add (all, (gpointer) catalog->categories[sa->first_category + i]);
    }
  for (guint i = 0; i < sb->n_categories; i++)
    {
      const char *c = catalog->categories[sb->first_category + i];
      both += g_hash_table_contains (in_a, c);
      g_hash_table_add (all, (gpointer) c);
    }
  return g_hash_table_size (all) ? (double) both / g_hash_table_size (all) : NAN;
}

static double
oracle_price (guint a, guint b)
{
  const TmCatalogStreamer *sa = &catalog->streamers[a], *sb = &catalog->streamers[b];
  double lo, hi, hull;

  if (sa->price_low_fen < 0 || sb->price_low_fen < 0)
    return NAN;
  hull = fmax (sa->price_high_fen, sb->price_high_fen) - fmin (sa->price_low_fen, sb->price_low_fen);
  lo = fmax (sa->price_low_fen, sb->price_low_fen);
  hi = fmin (sa->price_high_fen, sb->price_high_fen);
  if (hull == 0)
    return 1;
  return hi > lo ? (hi - lo) / hull : 0;
}

static double
oracle_score (guint a, guint b)
{
  double parts[] = { oracle_style (a, b), oracle_audience (a, b), oracle_category (a, b), oracle_price (a, b) };
  double weights[] = { 0.4, 0.3, 0.2, 0.1 };  /* as docs/matching.md says */
  double sum = 0, w = 0;

  for (guint c = 0; c < G_N_ELEMENTS (parts); c++)
    if (!isnan (parts[c]))
      {
        sum += weights[c] * parts[c];
        w += weights[c];
      }
  return w > 0 ? 100 * sum / w : 0;
}

typedef struct {
  guint  index;
  double score;
} OracleEntry;

static int
oracle_compare (gconstpointer x, gconstpointer y)
{
  const OracleEntry *a = x, *b = y;

  if (fabs (a->score - b->score) > 1e-9)
    return a->score > b->score ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* ---- Tests on the sample --------------------------------------------- */

static void
check_seed (guint seed)
{
  g_autoptr(GArray) found = tm_lookalike_find (catalog, seed, 0);
  g_autoptr(GArray) top = tm_lookalike_find (catalog, seed, 10);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (OracleEntry));

  for (guint i = 0; i < catalog->n_streamers; i++)
    if (i != seed)
      {
        OracleEntry e = { i, oracle_score (seed, i) };
        g_array_append_val (expected, e);
      }
  g_array_sort (expected, oracle_compare);

  g_assert_cmpuint (found->len, ==, catalog->n_streamers - 1);
  for (guint r = 0; r < found->len; r++)
    {
      const TmLookalike *l = &g_array_index (found, TmLookalike, r);
      const OracleEntry *e = &g_array_index (expected, OracleEntry, r);

      g_assert_cmpuint (l->streamer, !=, seed);
      g_assert_cmpfloat_with_epsilon (l->score, e->score, 1e-6);
      g_assert_cmpfloat (l->score, >=, 0);
      g_assert_cmpfloat (l->score, <=, 100);
      /* Equal scores may come in either order only if they are equal. */
      if (l->streamer != e->index)
        g_assert_cmpfloat_with_epsilon (oracle_score (seed, l->streamer), e->score, 1e-6);
    }

  /* The top N is the head of the whole ranking. */
  g_assert_cmpuint (top->len, ==, MIN (10, found->len));
  for (guint r = 0; r < top->len; r++)
    {
      g_assert_cmpuint (g_array_index (top, TmLookalike, r).streamer, ==,
                        g_array_index (found, TmLookalike, r).streamer);
      g_assert_cmpfloat (g_array_index (top, TmLookalike, r).score, ==,
                         g_array_index (found, TmLookalike, r).score);
    }
}

static void
test_sample_oracle (void)
{
  check_seed (0);
  check_seed (catalog->n_streamers / 2);
  check_seed (catalog->n_streamers - 1);
}

static void
test_sample_symmetric (void)
{
  for (guint a = 0; a < catalog->n_streamers; a += 7)
    for (guint b = 0; b < catalog->n_streamers; b += 11)
      {
        TmLookalike ab, ba;

        tm_lookalike_compare (catalog, a, b, &ab);
        tm_lookalike_compare (catalog, b, a, &ba);
        g_assert_cmpfloat (ab.score, ==, ba.score);
        for (guint c = 0; c < TM_LOOKALIKE_N_COMPONENTS; c++)
          g_assert_true ((isnan (ab.components[c]) && isnan (ba.components[c]))
                         || ab.components[c] == ba.components[c]);
      }
}

static void
test_sample_explain (void)
{
  g_autoptr(GArray) found = tm_lookalike_find (catalog, 3, 5);

  for (guint r = 0; r < found->len; r++)
    {
      guint other = g_array_index (found, TmLookalike, r).streamer;
      g_autoptr(TmLookalikeExplanation) e = tm_lookalike_explain (catalog, 3, other);
      const TmCatalogStreamer *sa = &catalog->streamers[3], *sb = &catalog->streamers[other];
      guint both = 0;

      g_assert_cmpfloat (e->similarity.score, ==, g_array_index (found, TmLookalike, r).score);
      /* Every tag both streamers have, by name, and nothing else. */
      for (guint i = 0; i < sa->n_tags; i++)
        for (guint j = 0; j < sb->n_tags; j++)
          if (strcmp (catalog->tags[sa->first_tag + i].tag, catalog->tags[sb->first_tag + j].tag) == 0)
            {
              gboolean listed = FALSE;

              both++;
              for (guint k = 0; k < e->shared_tags->len; k++)
                listed |= strcmp (g_array_index (e->shared_tags, TmLookalikeTag, k).tag,
                                  catalog->tags[sa->first_tag + i].tag) == 0;
              g_assert_true (listed);
              g_assert_nonnull (strstr (g_ptr_array_index (e->sentences, 0),
                                        catalog->tags[sa->first_tag + i].tag));
            }
      g_assert_cmpuint (e->shared_tags->len, ==, both);
      if (sa->has_audience && sb->has_audience)
        {
          g_assert_cmpfloat_with_epsilon (e->audience_overlap[TM_LOOKALIKE_AGE], oracle_group (3, other, 0, 5), 1e-6);
          g_assert_cmpfloat_with_epsilon (e->audience_overlap[TM_LOOKALIKE_GENDER], oracle_group (3, other, 6, 7), 1e-6);
          g_assert_cmpfloat_with_epsilon (e->audience_overlap[TM_LOOKALIKE_REGION], oracle_group (3, other, 8, 12), 1e-6);
        }
      g_assert_cmpfloat_with_epsilon (e->shared_categories->len
                                      / (double) (sa->n_categories + sb->n_categories - e->shared_categories->len),
                                      oracle_category (3, other), 1e-9);
      g_assert_cmpuint (e->sentences->len, >=, 2);
    }
}

/* ---- Hand-made streamers for the edge cases -------------------------- */

static void
test_edge_cases (void)
{
  TmCatalogTag tags[] = {
    { g_intern_static_string ("funny"), 0.8f },
    { g_intern_static_string ("expert"), 0.4f },
    { g_intern_static_string ("funny"), 0.8f },
    { g_intern_static_string ("expert"), 0.4f },
    { g_intern_static_string ("calm"), 1.0f },
  };
  const char *categories[] = {
    g_intern_static_string ("beauty"), g_intern_static_string ("food"),
    g_intern_static_string ("food"), g_intern_static_string ("beauty"),
  };
  TmCatalogStreamer s[5] = { 0 };
  TmCatalog c = { 0 };
  TmLookalike l;
  g_autoptr(GArray) found = NULL;
  float audience[] = { 0, .2f, .3f, .3f, .1f, .1f, .6f, .4f, .2f, .2f, .2f, .2f, .2f };

  /* 0 and 1 are the same streamer under two ids, tags and categories
   * listed in another order. */
  for (guint i = 0; i < 2; i++)
    {
      s[i].first_tag = 2 * i;
      s[i].n_tags = 2;
      s[i].first_category = 2 * i;
      s[i].n_categories = 2;
      memcpy (s[i].audience, audience, sizeof audience);
      s[i].has_audience = TRUE;
      s[i].price_low_fen = 100000;
      s[i].price_high_fen = 500000;
    }
  /* 2 knows nothing; 3 has one other tag only; 4 has no tags and an
   * unknown price but the same audience. */
  s[2].price_low_fen = s[2].price_high_fen = -1;
  s[3].first_tag = 4;
  s[3].n_tags = 1;
  s[3].price_low_fen = s[3].price_high_fen = -1;
  memcpy (s[4].audience, audience, sizeof audience);
  s[4].has_audience = TRUE;
  s[4].price_low_fen = s[4].price_high_fen = -1;

  c.n_streamers = G_N_ELEMENTS (s);
  c.streamers = s;
  c.n_tags = G_N_ELEMENTS (tags);
  c.tags = tags;
  c.n_categories = G_N_ELEMENTS (categories);
  c.categories = categories;

  tm_lookalike_compare (&c, 0, 1, &l);
  g_assert_cmpfloat_with_epsilon (l.score, 100, 1e-9);
  for (guint k = 0; k < TM_LOOKALIKE_N_COMPONENTS; k++)
    g_assert_cmpfloat_with_epsilon (l.components[k], 1, 1e-9);

  /* Nothing known on either side: no evidence, no likeness. */
  tm_lookalike_compare (&c, 2, 2, &l);
  g_assert_cmpfloat (l.score, ==, 0);
  tm_lookalike_compare (&c, 0, 2, &l);
  g_assert_cmpfloat (l.components[TM_LOOKALIKE_STYLE], ==, 0);
  g_assert_true (isnan (l.components[TM_LOOKALIKE_AUDIENCE]));
  g_assert_cmpfloat (l.components[TM_LOOKALIKE_CATEGORY], ==, 0);
  g_assert_true (isnan (l.components[TM_LOOKALIKE_PRICE]));
  g_assert_cmpfloat (l.score, ==, 0);

  /* Disjoint tags count as unlike; unknown audiences are left out. */
  tm_lookalike_compare (&c, 0, 3, &l);
  g_assert_cmpfloat (l.components[TM_LOOKALIKE_STYLE], ==, 0);
  g_assert_true (isnan (l.components[TM_LOOKALIKE_AUDIENCE]));

  /* 4 shares only the audience with 0: audience 1, style and category 0;
   * score = 100 × 0.3 / (0.4 + 0.3 + 0.2). */
  tm_lookalike_compare (&c, 0, 4, &l);
  g_assert_cmpfloat_with_epsilon (l.components[TM_LOOKALIKE_AUDIENCE], 1, 1e-9);
  g_assert_cmpfloat_with_epsilon (l.score, 100 * 0.3 / 0.9, 1e-9);

  found = tm_lookalike_find (&c, 0, 2);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpuint (g_array_index (found, TmLookalike, 0).streamer, ==, 1);
  g_assert_cmpuint (g_array_index (found, TmLookalike, 1).streamer, ==, 4);

  {
    g_autoptr(TmLookalikeExplanation) e = tm_lookalike_explain (&c, 0, 1);
    g_autoptr(TmLookalikeExplanation) none = tm_lookalike_explain (&c, 2, 3);

    g_assert_cmpuint (e->shared_tags->len, ==, 2);
    /* Heaviest shared tag first. */
    g_assert_cmpstr (g_array_index (e->shared_tags, TmLookalikeTag, 0).tag, ==, "funny");
    g_assert_cmpuint (e->shared_categories->len, ==, 2);
    g_assert_cmpfloat_with_epsilon (e->audience_overlap[TM_LOOKALIKE_GENDER], 1, 1e-9);
    g_assert_cmpuint (none->shared_tags->len, ==, 0);
    g_assert_true (isnan (none->audience_overlap[TM_LOOKALIKE_AGE]));
    g_assert_cmpuint (none->sentences->len, >=, 1);
  }

  /* A catalog of one streamer has no lookalikes. */
  c.n_streamers = 1;
  g_clear_pointer (&found, g_array_unref);
  found = tm_lookalike_find (&c, 0, 20);
  g_assert_cmpuint (found->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  catalog = tm_test_load_sample_catalog ();

  g_test_add_func ("/lookalike/sample/oracle", test_sample_oracle);
  g_test_add_func ("/lookalike/sample/symmetric", test_sample_symmetric);
  g_test_add_func ("/lookalike/sample/explain", test_sample_explain);
  g_test_add_func ("/lookalike/edge-cases", test_edge_cases);
  rc = g_test_run ();

  tm_catalog_unref (catalog);
  return rc;
}
