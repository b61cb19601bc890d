/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-compare.h: the figures of a side-by-side comparison of candidates.
 *
 * tm_engine_compare() gives the explanations; these helpers turn them into
 * the rows both the CLI's table and the GUI's compare window show, so the
 * two agree on what a row holds and which value of it is the best.
 */
#pragma once

#include "tm-engine.h"

G_BEGIN_DECLS

#define TM_COMPARE_MAX 4

typedef enum {
  TM_COMPARE_BEST_NONE,
  TM_COMPARE_BEST_HIGHEST,
  TM_COMPARE_BEST_LOWEST,
} TmCompareBest;

/* The sum of the contributions of every item of @factor in @explanation
 * (all cooperations in one figure, all incidents in another), so the
 * factors of a column add up to the score.  FALSE and 0 when the
 * explanation has no item of that factor. */
gboolean  tm_compare_factor_sum        (const TmExplanation *explanation,
                                        TmFactor             factor,
                                        double              *out);

/* How a row shows its values, e.g. "72.3" or "86%"; a newly allocated
 * string. */
typedef char *(*TmCompareFormat) (double value);

/* Bit i is set when @values[i] is the best of the @n (≤ 32) values as
 * @format shows them: the highest or lowest value is the best, and every
 * value shown the same as it is marked too (72.25 and 72.2 both show
 * "72.2"; "44.1K" and "44.1K" are equal whatever the counts).  A NAN
 * value is unknown: never the best, and left out when the others are
 * compared.  0 when @best is NONE or the known values all show the same:
 * such a row has no best. */
guint32   tm_compare_best_mask         (const double        *values,
                                        guint                n,
                                        TmCompareBest        best,
                                        TmCompareFormat      format);

/* How many cooperations of @streamer (an index into catalog->streamers)
 * were with the brand whose id is @brand_id. */
guint     tm_compare_count_brand_cooperations (const TmCatalog *catalog,
                                               guint            streamer,
                                               const char      *brand_id);

/* How many incidents of @streamer are not resolved. */
guint     tm_compare_count_open_incidents     (const TmCatalog *catalog,
                                               guint            streamer);

/* Where a figure that counts records (cooperations, incidents) comes
 * from: how many of the @n records came from each source, most first, and
 * the days they were observed, e.g. “Export ×3, Manual ×1 · 2024-01-05 to
 * 2025-03-02” (one day when all agree).  Translated; NULL when @n is 0. */
char     *tm_compare_summarize_provenance     (const TmProvenance *provenances,
                                               guint               n);

G_END_DECLS
