/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-compare-window.h: two to four candidates side by side.
 *
 * One column per candidate, one row per figure: score, components,
 * confidence, each factor's points, then the recorded figures (credit
 * score, followers, the trust signals, cooperations, incidents), each
 * with a caption row saying where it comes from.  The best
 * value of a row is marked with a star and bold text (and said in its
 * accessible description), not by colour alone.  Escape closes it.
 */
#pragma once

#include <adwaita.h>

#include "tm-engine.h"
#include "tm-store.h"

G_BEGIN_DECLS

#define TM_TYPE_COMPARE_WINDOW (tm_compare_window_get_type ())

G_DECLARE_FINAL_TYPE (TmCompareWindow, tm_compare_window, TM, COMPARE_WINDOW, AdwWindow)

/* @streamers are indices into the engine's catalog, two to four.  @store
 * (nullable) is read for the provenance of each figure; without it, or
 * when it no longer has a streamer, a figure shows the catalog's
 * provenance of the whole record, and a count of records "Unknown". */
GtkWidget  *tm_compare_window_new        (TmEngine        *engine,
                                          TmStore         *store,
                                          const TmBrand   *brand,
                                          const TmWeights *weights,
                                          const guint     *streamers,
                                          guint            n_streamers);

/* For tests: the label of a cell, by the row's code ("score", "style",
 * "history", "trust", "confidence", "penalty", a factor code such as
 * "credit", "credit_score", "followers", "brand_cooperations",
 * "incidents"; a figure's source row is its code and ".source", e.g.
 * "credit_score.source") and the candidate's column (0-based); NULL when
 * the row is not shown. */
GtkLabel   *tm_compare_window_get_cell   (TmCompareWindow *self,
                                          const char      *row,
                                          guint            column);
gboolean    tm_compare_window_is_best    (TmCompareWindow *self,
                                          const char      *row,
                                          guint            column);

G_END_DECLS
