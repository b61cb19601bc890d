/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-match.h: the match results of one brand, as the match view shows them.
 *
 * Built on a TmRanking (tm-engine.h): the order of the candidates, each
 * one's rank and the change of rank after new weights, the risk flags of
 * a candidate, and the filters that narrow the list.  The definitions are
 * in docs/matching.md, "Match results".
 */
#pragma once

#include "tm-directory.h"
#include "tm-engine.h"

G_BEGIN_DECLS

/* Risk flags of one candidate for one brand. */
typedef enum {
  TM_MATCH_RISK_NONE            = 0,
  /* An incident dated within TM_MATCH_RECENT_INCIDENT_DAYS before the
   * engine's "as of" date, resolved or not, of any severity. */
  TM_MATCH_RISK_RECENT_INCIDENT = 1 << 0,
  /* Fewer than TM_MATCH_FEW_RECORDS cooperations on record, with any
   * brand: the history component rests on little. */
  TM_MATCH_RISK_FEW_RECORDS     = 1 << 1,
  /* An included candidate whose credit score is within
   * TM_MATCH_CREDIT_MARGIN percentage points above the brand's minimum. */
  TM_MATCH_RISK_NEAR_CREDIT_LIMIT = 1 << 2,
  /* An included candidate with a competitor cooperation up to
   * TM_MATCH_EXCLUSIVITY_MARGIN_DAYS before the exclusivity window's
   * start. */
  TM_MATCH_RISK_NEAR_EXCLUSIVITY  = 1 << 3,
  TM_MATCH_RISK_LAST              = TM_MATCH_RISK_NEAR_EXCLUSIVITY,
} TmMatchRiskFlags;

#define TM_MATCH_RECENT_INCIDENT_DAYS     180
#define TM_MATCH_FEW_RECORDS              3
#define TM_MATCH_CREDIT_MARGIN            5.0   /* percentage points */
#define TM_MATCH_EXCLUSIVITY_MARGIN_DAYS  30

/* The risk flags (TmMatchRiskFlags) of streamer @streamer (an index into
 * the ranking's catalog) in @ranking. */
guint     tm_match_get_risks        (TmRanking        *ranking,
                                     guint             streamer);
/* Translated short label: "Recent incident". */
const char *tm_match_risk_label     (TmMatchRiskFlags  risk);

/* Filters on top of a TmDirectory's search and platforms (nullable: none).
 * Followers: the streamer's total over all accounts in [min, max];
 * price: the streamer's typical product price range [lo, hi] overlaps
 * [min, max] (fen).  A bound of -1 is open; a streamer whose figure is
 * unknown passes only when both bounds of that range are open. */
typedef struct {
  TmDirectory *directory;
  gint64       followers_min;
  gint64       followers_max;
  gint64       price_min_fen;
  gint64       price_max_fen;
} TmMatchFilter;

#define TM_MATCH_FILTER_INIT { NULL, -1, -1, -1, -1 }

gboolean  tm_match_filter_matches   (const TmMatchFilter *filter,
                                     const TmCatalog     *catalog,
                                     guint                streamer);

/* The candidates of @ranking that pass @filter (nullable), included or
 * (@excluded) excluded, as streamer indices in rank order: score
 * descending, then streamer id, the order of tm_ranking_top(). */
GArray   *tm_match_collect          (TmRanking           *ranking,
                                     const TmMatchFilter *filter,
                                     gboolean             excluded);

/* Fills @ranks (one per streamer of the catalog) with each candidate's
 * 1-based rank among all included candidates, filters aside (0 for an
 * excluded one): the number a rank change compares. */
void      tm_match_compute_ranks    (TmRanking           *ranking,
                                     guint32             *ranks);

/* The rank change from @old_rank to @new_rank: positive when the
 * candidate moved up; 0 when either is 0 (not ranked). */
int       tm_match_rank_change      (guint32              old_rank,
                                     guint32              new_rank);
/* "▲3", "▼5", "" for no change: the arrow and the number, so the change
 * reads without colour. */
char     *tm_match_format_rank_change (int                change);

G_END_DECLS
