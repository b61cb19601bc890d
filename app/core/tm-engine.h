/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-engine.h: explainable brand–streamer scores.
 *
 * The formulas, constants and worked examples are in docs/matching.md; this
 * file is how to call them.
 *
 * A TmEngine is built once per catalog (and "as of" date): it precomputes
 * every brand-independent figure per streamer (trust, risk, and the
 * history outcomes summed per category and per brand) into compact arrays.
 * It is immutable and reference counted afterwards, so any number of
 * threads may rank with one engine at the same time.
 *
 * tm_engine_rank() scores every streamer of the catalog for one brand into
 * a TmRanking, which keeps each candidate's components.  Changing the
 * weights with tm_ranking_set_weights() only recomputes the totals.  A
 * TmRanking belongs to one thread at a time.
 *
 * tm_engine_explain() recomputes one candidate from the records and
 * returns the contributions, which add up to the same score the ranking
 * gives.
 */
#pragma once

#include "tm-catalog.h"

G_BEGIN_DECLS

/* User weights.  style/history/trust are relative (numbers from 0 to
 * 1000, not all zero; they are normalised to sum to 1); risk multiplies
 * the incident penalty (0 turns risk off, including the cap).  Functions
 * given invalid weights use the defaults (tm_engine_rank) or keep the
 * current ones (tm_ranking_set_weights). */
typedef struct {
  double style;
  double history;
  double trust;
  double risk;
} TmWeights;

#define TM_WEIGHT_STYLE_DEFAULT   0.35
#define TM_WEIGHT_HISTORY_DEFAULT 0.40
#define TM_WEIGHT_TRUST_DEFAULT   0.25
#define TM_WEIGHT_RISK_DEFAULT    1.0

void      tm_weights_init_default (TmWeights       *weights);
gboolean  tm_weights_is_valid     (const TmWeights *weights);
/* Parses "style=0.5,history=0.3,trust=0.2[,risk=1]" on top of the values
 * already in @weights (names may be left out).  Errors are
 * G_OPTION_ERROR_BAD_VALUE with a translated message naming the part. */
gboolean  tm_weights_parse        (const char      *text,
                                   TmWeights       *weights,
                                   GError         **error);
/* The shares of style, history and trust in their sum, in whole percent
 * adding up to exactly 100 (largest remainders; ties go to the earlier
 * weight), for showing the weights.  FALSE and zeros when @weights is not
 * valid. */
gboolean  tm_weights_get_percentages (const TmWeights *weights,
                                      guint            percent[3]);

typedef enum {
  TM_COMPONENT_STYLE,
  TM_COMPONENT_HISTORY,
  TM_COMPONENT_TRUST,
  TM_COMPONENT_RISK,
  TM_N_COMPONENTS,
} TmComponent;

const char *tm_component_code  (TmComponent c);   /* "style" */
const char *tm_component_label (TmComponent c);   /* translated */

/* One line of an explanation. */
typedef enum {
  TM_FACTOR_NEUTRAL,          /* the neutral start, 50 */
  TM_FACTOR_STYLE_TAGS,
  TM_FACTOR_CATEGORY,
  TM_FACTOR_AUDIENCE,
  TM_FACTOR_PRICE,
  TM_FACTOR_COOPERATION,      /* one per cooperation; one item of 0 points
                                 saying so when there is none */
  TM_FACTOR_REPEAT,           /* only with two or more with this brand */
  TM_FACTOR_CREDIT,
  TM_FACTOR_VERIFICATION,
  TM_FACTOR_REVIEWS,
  TM_FACTOR_DISPUTES,
  TM_FACTOR_ENGAGEMENT,
  TM_FACTOR_REPEAT_BUYERS,
  TM_FACTOR_INCIDENT,         /* one per incident */
  TM_FACTOR_CAP,
  TM_N_FACTORS,
} TmFactor;

const char  *tm_factor_code      (TmFactor f);    /* "style_tags" */
const char  *tm_factor_label     (TmFactor f);    /* translated, "Style tags" */
/* The component a factor belongs to; TM_N_COMPONENTS for NEUTRAL. */
TmComponent  tm_factor_component (TmFactor f);

/* Why a candidate is excluded; a bit set, since several can apply. */
typedef enum {
  TM_EXCLUSION_NONE       = 0,
  TM_EXCLUSION_BLACKLIST  = 1 << 0,
  TM_EXCLUSION_MIN_CREDIT = 1 << 1,
  TM_EXCLUSION_COMPETITOR = 1 << 2,
} TmExclusionFlags;

/* One streamer scored for one brand.  Components are 0–100, penalty in
 * points, cap 0–100 (100 = none), confidence 0–1. */
typedef struct {
  guint32  streamer;      /* index into catalog->streamers */
  guint8   exclusions;    /* TmExclusionFlags */
  float    score;
  float    confidence;
  float    style;
  float    history;
  float    trust;
  float    penalty;
  float    cap;
  float    style_confidence;
  float    history_confidence;
  float    trust_confidence;
} TmCandidate;

typedef struct _TmEngine  TmEngine;
typedef struct _TmRanking TmRanking;

/* Precomputes the per-streamer figures of @catalog as of @as_of (ages are
 * counted up to that day).  Takes a reference on @catalog. */
TmEngine        *tm_engine_new            (TmCatalog       *catalog,
                                           TmDate           as_of);
TmEngine        *tm_engine_ref            (TmEngine        *self);
void             tm_engine_unref          (TmEngine        *self);
TmCatalog       *tm_engine_get_catalog    (TmEngine        *self);
TmDate           tm_engine_get_as_of      (TmEngine        *self);
/* Bytes of the precomputed arrays (not counting the catalog). */
gsize            tm_engine_get_memory_size(TmEngine        *self);

/* Scores one streamer (an index into catalog->streamers) for @brand.
 * @brand need not be in the catalog (an edited, unsaved brand works);
 * cooperations count as "same brand" when their brand has @brand's id. */
void             tm_engine_score          (TmEngine        *self,
                                           const TmBrand   *brand,
                                           guint            streamer,
                                           const TmWeights *weights,
                                           TmCandidate     *out);

/* Scores every streamer of the catalog. */
TmRanking       *tm_engine_rank           (TmEngine        *self,
                                           const TmBrand   *brand,
                                           const TmWeights *weights);

void             tm_ranking_free          (TmRanking       *self);
TmEngine        *tm_ranking_get_engine    (TmRanking       *self);
const TmBrand   *tm_ranking_get_brand     (TmRanking       *self);
void             tm_ranking_get_weights   (TmRanking       *self,
                                           TmWeights       *out);
/* Recomputes scores for new weights, keeping the components. */
void             tm_ranking_set_weights   (TmRanking       *self,
                                           const TmWeights *weights);
/* All candidates in catalog (streamer) order; n_candidates = n_streamers. */
const TmCandidate *tm_ranking_get_candidates (TmRanking    *self,
                                           guint           *n_candidates);
guint            tm_ranking_get_n_included (TmRanking      *self);
guint            tm_ranking_get_n_excluded (TmRanking      *self);
/* Writes the streamer indices of the best @n included (or, with
 * @excluded, excluded) candidates into @out in rank order: score
 * descending, then streamer id.  Uses partial selection, so a small @n is
 * cheap.  Returns how many were written (≤ @n). */
guint            tm_ranking_top           (TmRanking       *self,
                                           guint            n,
                                           gboolean         excluded,
                                           guint32         *out);

/* "blacklist", "min_credit", "competitor" for one flag. */
const char      *tm_exclusion_code        (TmExclusionFlags kind);

/* One reason for an exclusion: one per broken constraint; a competitor
 * reason names the latest competitor cooperation in the window. */
typedef struct {
  TmExclusionFlags  kind;
  char             *evidence;  /* record id (a cooperation), or NULL */
  char             *message;   /* translated sentence */
} TmExclusion;

typedef struct {
  TmFactor  factor;
  double    contribution;  /* signed score points */
  double    value;         /* the factor's input 0–1 (x, o or y; NAN when
                              there is no cooperation); for an incident
                              its severity 1–5, for the cap the cap / 100 */
  gboolean  known;         /* FALSE when the input was unknown (neutral) */
  char    **evidence;      /* record ids, NULL-terminated, may be empty */
  char     *message;       /* translated sentence */
} TmExplanationItem;

typedef struct {
  TmCandidate  candidate;   /* the same numbers a ranking gives */
  double       total;       /* sum of the items' contributions: equals
                               candidate.score up to float rounding
                               (the candidate keeps floats, ~1e-5) */
  GPtrArray   *items;       /* TmExplanationItem*: neutral, style, history
                               (cooperations newest first), trust, risk */
  GPtrArray   *exclusions;  /* TmExclusion* */
} TmExplanation;

TmExplanation   *tm_engine_explain        (TmEngine        *self,
                                           const TmBrand   *brand,
                                           guint            streamer,
                                           const TmWeights *weights);
void             tm_explanation_free      (TmExplanation   *explanation);

/* Explanations of a few streamers side by side, in the order given:
 * TmExplanation*, free the array with g_ptr_array_unref(). */
GPtrArray       *tm_engine_compare        (TmEngine        *self,
                                           const TmBrand   *brand,
                                           const guint     *streamers,
                                           guint            n_streamers,
                                           const TmWeights *weights);

/* Only the exclusion reasons, cheaper than a full explanation. */
GPtrArray       *tm_engine_get_exclusions (TmEngine        *self,
                                           const TmBrand   *brand,
                                           guint            streamer);
/* Every reason of @exclusions (TmExclusion*, nullable) as one text: the
 * sentences joined by "; ", each without its full stop but the last, as
 * the rank table, the CSV export and the dossier show them. */
char            *tm_exclusions_join       (GPtrArray       *exclusions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmEngine, tm_engine_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmRanking, tm_ranking_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmExplanation, tm_explanation_free)

G_END_DECLS
