/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-lookalike.c: similarity of streamers, for "find similar streamers".
 *
 * Every component is a plain overlap measure in 0–1 so that a user can
 * check it by hand from the streamer page; docs/matching.md gives them.
 */
#define G_LOG_DOMAIN "tm-lookalike"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tm-lookalike.h"

const double tm_lookalike_weights[TM_LOOKALIKE_N_COMPONENTS] = {
  [TM_LOOKALIKE_STYLE] = 0.40,
  [TM_LOOKALIKE_AUDIENCE] = 0.30,
  [TM_LOOKALIKE_CATEGORY] = 0.20,
  [TM_LOOKALIKE_PRICE] = 0.10,
};

static const struct {
  guint first, n;
} groups[TM_LOOKALIKE_N_GROUPS] = {
  [TM_LOOKALIKE_AGE] = { 0, TM_N_AGES },
  [TM_LOOKALIKE_GENDER] = { TM_N_AGES, TM_N_GENDERS },
  [TM_LOOKALIKE_REGION] = { TM_N_AGES + TM_N_GENDERS, TM_N_REGIONS },
};

const char *
tm_lookalike_component_label (TmLookalikeComponent c)
{
  switch (c)
    {
    case TM_LOOKALIKE_STYLE:
      /* Translators: a part of the similarity of two streamers */
      return _("Style");
    case TM_LOOKALIKE_AUDIENCE:
      /* Translators: a part of the similarity of two streamers */
      return _("Audience");
    case TM_LOOKALIKE_CATEGORY:
      /* Translators: a part of the similarity of two streamers */
      return _("Categories");
    case TM_LOOKALIKE_PRICE:
      /* Translators: a part of the similarity of two streamers */
      return _("Price range");
    case TM_LOOKALIKE_N_COMPONENTS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Weighted Jaccard: Σ min(wa, wb) / Σ max(wa, wb) over the union of tags.
 * Tags are interned, so equal tags are equal pointers. */
static double
style_similarity (const TmCatalog         *catalog,
                  const TmCatalogStreamer *a,
                  const TmCatalogStreamer *b)
{
  const TmCatalogTag *ta = catalog->tags + a->first_tag;
  const TmCatalogTag *tb = catalog->tags + b->first_tag;
  double sum_a = 0, sum_b = 0, sum_min = 0, sum_max;

  if (a->n_tags == 0 && b->n_tags == 0)
    return NAN;
  for (guint i = 0; i < a->n_tags; i++)
    sum_a += MAX (ta[i].weight, 0.f);
  for (guint j = 0; j < b->n_tags; j++)
    sum_b += MAX (tb[j].weight, 0.f);
  for (guint i = 0; i < a->n_tags; i++)
    for (guint j = 0; j < b->n_tags; j++)
      if (ta[i].tag == tb[j].tag)
        {
          sum_min += MIN (MAX (ta[i].weight, 0.f), MAX (tb[j].weight, 0.f));
          break;
        }
  /* max(x, y) = x + y − min(x, y), summed over the union. */
  sum_max = sum_a + sum_b - sum_min;
  return sum_max > 0 ? CLAMP (sum_min / sum_max, 0.0, 1.0) : NAN;
}

static double
group_overlap (const TmCatalogStreamer *a,
               const TmCatalogStreamer *b,
               TmLookalikeGroup         g)
{
  double l1 = 0;

  if (!a->has_audience || !b->has_audience)
    return NAN;
  for (guint k = groups[g].first; k < groups[g].first + groups[g].n; k++)
    l1 += fabs ((double) a->audience[k] - (double) b->audience[k]);
  return CLAMP (1.0 - l1 / 2.0, 0.0, 1.0);
}

static double
audience_similarity (const TmCatalogStreamer *a,
                     const TmCatalogStreamer *b)
{
  double sum = 0;

  if (!a->has_audience || !b->has_audience)
    return NAN;
  for (guint g = 0; g < TM_LOOKALIKE_N_GROUPS; g++)
    sum += group_overlap (a, b, g);
  return sum / TM_LOOKALIKE_N_GROUPS;
}

static double
category_similarity (const TmCatalog         *catalog,
                     const TmCatalogStreamer *a,
                     const TmCatalogStreamer *b)
{
  const char **ca = catalog->categories + a->first_category;
  const char **cb = catalog->categories + b->first_category;
  guint shared = 0;

  if (a->n_categories == 0 && b->n_categories == 0)
    return NAN;
  for (guint i = 0; i < a->n_categories; i++)
    for (guint j = 0; j < b->n_categories; j++)
      if (ca[i] == cb[j])
        {
          shared++;
          break;
        }
  return (double) shared / (a->n_categories + b->n_categories - shared);
}

/* Length of the intersection of the two ranges over the length of their
 * hull; two equal single prices are alike. */
static double
price_similarity (const TmCatalogStreamer *a,
                  const TmCatalogStreamer *b)
{
  gint64 lo, hi, hull;

  if (a->price_low_fen < 0 || a->price_high_fen < a->price_low_fen
      || b->price_low_fen < 0 || b->price_high_fen < b->price_low_fen)
    return NAN;
  lo = MAX (a->price_low_fen, b->price_low_fen);
  hi = MIN (a->price_high_fen, b->price_high_fen);
  hull = MAX (a->price_high_fen, b->price_high_fen) - MIN (a->price_low_fen, b->price_low_fen);
  if (hull == 0)
    return 1.0;
  return hi > lo ? (double) (hi - lo) / hull : 0.0;
}

void
tm_lookalike_compare (const TmCatalog *catalog,
                      guint            a,
                      guint            b,
                      TmLookalike     *out)
{
  const TmCatalogStreamer *sa, *sb;
  double sum = 0, weights = 0;

  g_return_if_fail (catalog != NULL);
  g_return_if_fail (a < catalog->n_streamers && b < catalog->n_streamers);
  g_return_if_fail (out != NULL);

  sa = &catalog->streamers[a];
  sb = &catalog->streamers[b];
  out->streamer = b;
  out->components[TM_LOOKALIKE_STYLE] = style_similarity (catalog, sa, sb);
  out->components[TM_LOOKALIKE_AUDIENCE] = audience_similarity (sa, sb);
  out->components[TM_LOOKALIKE_CATEGORY] = category_similarity (catalog, sa, sb);
  out->components[TM_LOOKALIKE_PRICE] = price_similarity (sa, sb);
  for (guint c = 0; c < TM_LOOKALIKE_N_COMPONENTS; c++)
    if (!isnan (out->components[c]))
      {
        sum += tm_lookalike_weights[c] * out->components[c];
        weights += tm_lookalike_weights[c];
      }
  /* Nothing to compare is no evidence of likeness. */
  out->score = weights > 0 ? 100.0 * sum / weights : 0.0;
}

/* TRUE when @x ranks before @y: higher score, then catalog order. */
static inline gboolean
ranks_before (const TmLookalike *x,
              const TmLookalike *y)
{
  if (x->score != y->score)
    return x->score > y->score;
  return x->streamer < y->streamer;
}

static int
compare_rank (gconstpointer x,
              gconstpointer y)
{
  return ranks_before (x, y) ? -1 : ranks_before (y, x) ? 1 : 0;
}

/* A heap whose root is the candidate that ranks last among those kept. */
static void
sift_down (TmLookalike *heap,
           guint        n,
           guint        i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, worst = i;
      TmLookalike tmp;

      if (l < n && ranks_before (&heap[worst], &heap[l]))
        worst = l;
      if (r < n && ranks_before (&heap[worst], &heap[r]))
        worst = r;
      if (worst == i)
        return;
      tmp = heap[i];
      heap[i] = heap[worst];
      heap[worst] = tmp;
      i = worst;
    }
}

static void
sift_up (TmLookalike *heap,
         guint        i)
{
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      TmLookalike tmp;

      if (!ranks_before (&heap[parent], &heap[i]))
        return;
      tmp = heap[i];
      heap[i] = heap[parent];
      heap[parent] = tmp;
      i = parent;
    }
}

GArray *
tm_lookalike_find (const TmCatalog *catalog,
                   guint            seed,
                   guint            top)
{
  GArray *out;
  TmLookalike *heap;
  guint n = 0, capacity;

  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (seed < catalog->n_streamers, NULL);

  capacity = catalog->n_streamers - 1;
  if (top > 0)
    capacity = MIN (capacity, top);
  out = g_array_sized_new (FALSE, FALSE, sizeof (TmLookalike), capacity);
  g_array_set_size (out, capacity);
  heap = (TmLookalike *) (gpointer) out->data;

  /* Partial selection: a bounded heap keeps the best @top in
   * O(n log top), so a top 20 of 100k costs little more than scoring. */
  for (guint i = 0; i < catalog->n_streamers && capacity > 0; i++)
    {
      TmLookalike candidate;

      if (i == seed)
        continue;
      tm_lookalike_compare (catalog, seed, i, &candidate);
      if (n < capacity)
        {
          heap[n] = candidate;
          sift_up (heap, n++);
        }
      else if (ranks_before (&candidate, &heap[0]))
        {
          heap[0] = candidate;
          sift_down (heap, n, 0);
        }
    }
  g_assert (n == capacity);
  g_array_sort (out, compare_rank);
  return out;
}

static int
compare_shared_tags (gconstpointer x,
                     gconstpointer y)
{
  const TmLookalikeTag *a = x, *b = y;
  float wa = MIN (a->seed_weight, a->other_weight);
  float wb = MIN (b->seed_weight, b->other_weight);

  if (wa != wb)
    return wa > wb ? -1 : 1;
  return g_strcmp0 (a->tag, b->tag);
}

static char *
join_percent (double share)
{
  return g_strdup_printf ("%.0f%%", 100.0 * share);
}

TmLookalikeExplanation *
tm_lookalike_explain (const TmCatalog *catalog,
                      guint            seed,
                      guint            other)
{
  TmLookalikeExplanation *self;
  const TmCatalogStreamer *sa, *sb;

  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (seed < catalog->n_streamers && other < catalog->n_streamers, NULL);

  sa = &catalog->streamers[seed];
  sb = &catalog->streamers[other];
  self = g_new0 (TmLookalikeExplanation, 1);
  self->seed = seed;
  tm_lookalike_compare (catalog, seed, other, &self->similarity);

  self->shared_tags = g_array_new (FALSE, FALSE, sizeof (TmLookalikeTag));
  for (guint i = 0; i < sa->n_tags; i++)
    for (guint j = 0; j < sb->n_tags; j++)
      {
        const TmCatalogTag *ta = &catalog->tags[sa->first_tag + i];
        const TmCatalogTag *tb = &catalog->tags[sb->first_tag + j];

        if (ta->tag == tb->tag)
          {
            TmLookalikeTag t = { ta->tag, ta->weight, tb->weight };

            g_array_append_val (self->shared_tags, t);
            break;
          }
      }
  g_array_sort (self->shared_tags, compare_shared_tags);

  for (guint g = 0; g < TM_LOOKALIKE_N_GROUPS; g++)
    self->audience_overlap[g] = group_overlap (sa, sb, g);

  self->shared_categories = g_ptr_array_new ();
  for (guint i = 0; i < sa->n_categories; i++)
    for (guint j = 0; j < sb->n_categories; j++)
      if (catalog->categories[sa->first_category + i] == catalog->categories[sb->first_category + j])
        {
          g_ptr_array_add (self->shared_categories,
                           (gpointer) catalog->categories[sa->first_category + i]);
          break;
        }

  self->sentences = g_ptr_array_new_with_free_func (g_free);
  if (self->shared_tags->len > 0)
    {
      g_autoptr(GString) tags = g_string_new (NULL);

      for (guint i = 0; i < self->shared_tags->len; i++)
        g_string_append_printf (tags, "%s%s", i > 0 ? _(", ") : "",
                                g_array_index (self->shared_tags, TmLookalikeTag, i).tag);
      g_ptr_array_add (self->sentences,
                       /* Translators: %s is one style tag or a list of them */
                       g_strdup_printf (ngettext ("Both have the style tag %s.",
                                                  "Both have the style tags %s.",
                                                  self->shared_tags->len),
                                        tags->str));
    }
  else if (sa->n_tags > 0 || sb->n_tags > 0)
    g_ptr_array_add (self->sentences, g_strdup (_("They have no style tag in common.")));

  if (!isnan (self->audience_overlap[TM_LOOKALIKE_AGE]))
    {
      g_autofree char *age = join_percent (self->audience_overlap[TM_LOOKALIKE_AGE]);
      g_autofree char *gender = join_percent (self->audience_overlap[TM_LOOKALIKE_GENDER]);
      g_autofree char *region = join_percent (self->audience_overlap[TM_LOOKALIKE_REGION]);

      g_ptr_array_add (self->sentences,
                       /* Translators: the three %s are percentages, e.g. 85% */
                       g_strdup_printf (_("Their audiences overlap %s by age, %s by gender and %s by region."),
                                        age, gender, region));
    }
  else
    g_ptr_array_add (self->sentences,
                     g_strdup (_("The audiences cannot be compared: one of them is unknown.")));

  if (self->shared_categories->len > 0)
    {
      g_autoptr(GString) cats = g_string_new (NULL);

      for (guint i = 0; i < self->shared_categories->len; i++)
        g_string_append_printf (cats, "%s%s", i > 0 ? _(", ") : "",
                                tm_category_label (g_ptr_array_index (self->shared_categories, i)));
      g_ptr_array_add (self->sentences,
                       /* Translators: %s is a list of product categories */
                       g_strdup_printf (_("Both sell %s."), cats->str));
    }

  if (!isnan (self->similarity.components[TM_LOOKALIKE_PRICE]))
    {
      g_autofree char *price = join_percent (self->similarity.components[TM_LOOKALIKE_PRICE]);

      g_ptr_array_add (self->sentences,
                       /* Translators: %s is a percentage, e.g. 60% */
                       g_strdup_printf (_("Their price ranges overlap %s."), price));
    }
  return self;
}

void
tm_lookalike_explanation_free (TmLookalikeExplanation *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->shared_tags, g_array_unref);
  g_clear_pointer (&self->shared_categories, g_ptr_array_unref);
  g_clear_pointer (&self->sentences, g_ptr_array_unref);
  g_free (self);
}
