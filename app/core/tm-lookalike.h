/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-lookalike.h: "find similar streamers".
 *
 * From a seed streamer (one who did well for a brand) ranks every other
 * streamer of a catalog by how alike the two are in style, audience,
 * category and price, and explains what they have in common.  The
 * formulas are in docs/matching.md, section "Lookalikes".
 */
#pragma once

#include "tm-catalog.h"

G_BEGIN_DECLS

typedef enum {
  TM_LOOKALIKE_STYLE,     /* weighted Jaccard of the style tags */
  TM_LOOKALIKE_AUDIENCE,  /* 1 − ½ L1 distance, mean of age, gender, region */
  TM_LOOKALIKE_CATEGORY,  /* Jaccard of the category sets */
  TM_LOOKALIKE_PRICE,     /* overlap of the price ranges over their union */
  TM_LOOKALIKE_N_COMPONENTS,
} TmLookalikeComponent;

/* Weights of the components in the combined score; a component that
 * cannot be computed for a pair (NAN) is left out and the others
 * share its weight. */
extern const double tm_lookalike_weights[TM_LOOKALIKE_N_COMPONENTS];

typedef struct {
  guint  streamer;                               /* index into the catalog */
  double score;                                  /* 0–100 */
  double components[TM_LOOKALIKE_N_COMPONENTS];  /* 0–1, NAN unknown */
} TmLookalike;

typedef struct {
  const char *tag;           /* interned */
  float       seed_weight;
  float       other_weight;
} TmLookalikeTag;

typedef enum {
  TM_LOOKALIKE_AGE,
  TM_LOOKALIKE_GENDER,
  TM_LOOKALIKE_REGION,
  TM_LOOKALIKE_N_GROUPS,
} TmLookalikeGroup;

typedef struct {
  guint        seed;
  TmLookalike  similarity;
  GArray      *shared_tags;        /* TmLookalikeTag, heaviest first */
  double       audience_overlap[TM_LOOKALIKE_N_GROUPS]; /* 0–1, NAN unknown */
  GPtrArray   *shared_categories;  /* interned codes, catalog order */
  GPtrArray   *sentences;          /* translated, one reason each */
} TmLookalikeExplanation;

/* The similarity of two streamers; symmetric in @a and @b. */
void          tm_lookalike_compare (const TmCatalog *catalog,
                                    guint            a,
                                    guint            b,
                                    TmLookalike     *out);

/* The @top most similar streamers to @seed (0 = all), most similar first,
 * ties by catalog order; never @seed itself.  Array of TmLookalike. */
GArray       *tm_lookalike_find    (const TmCatalog *catalog,
                                    guint            seed,
                                    guint            top);

TmLookalikeExplanation *
              tm_lookalike_explain (const TmCatalog *catalog,
                                    guint            seed,
                                    guint            other);
void          tm_lookalike_explanation_free (TmLookalikeExplanation *self);

const char   *tm_lookalike_component_label (TmLookalikeComponent c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmLookalikeExplanation, tm_lookalike_explanation_free)

G_END_DECLS
