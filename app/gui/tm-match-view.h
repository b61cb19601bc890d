/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-match-view.h: a brand's candidates, ranked, with what-if weights and
 * the explanation of the selected one.
 *
 * Ranking runs in a worker thread (a newer request replaces an older
 * one); moving a weight only recomputes the totals (tm_ranking_set_weights)
 * and re-sorts, on the main thread, at most once per frame.  Rank changes
 * compare with the ranking under the default weights of the preferences.
 */
#pragma once

#include <adwaita.h>

#include "tm-context.h"
#include "tm-engine.h"

G_BEGIN_DECLS

#define TM_TYPE_MATCH_VIEW (tm_match_view_get_type ())
G_DECLARE_FINAL_TYPE (TmMatchView, tm_match_view, TM, MATCH_VIEW, AdwBin)

void        tm_match_view_set_context    (TmMatchView     *self,
                                          TmContext       *context);
/* Picks the brand with @id; FALSE when there is none. */
gboolean    tm_match_view_set_brand_id   (TmMatchView     *self,
                                          const char      *id);
const char *tm_match_view_get_brand_id   (TmMatchView     *self);
/* Moves the sliders (and re-ranks as a user's drag would). */
void        tm_match_view_set_weights    (TmMatchView     *self,
                                          const TmWeights *weights);
void        tm_match_view_get_weights    (TmMatchView     *self,
                                          TmWeights       *weights);
/* Whether a ranking is running in the worker. */
gboolean    tm_match_view_is_busy        (TmMatchView     *self);
/* The ranking shown (nullable), for tests. */
TmRanking  *tm_match_view_get_ranking    (TmMatchView     *self);
/* The list shown: TmStreamerItem items in rank order. */
GListModel *tm_match_view_get_model      (TmMatchView     *self);
/* Selects the candidate at @position and explains it. */
void        tm_match_view_select         (TmMatchView     *self,
                                          guint            position);

typedef enum {
  TM_MATCH_EXPORT_CSV,
  TM_MATCH_EXPORT_PDF,
} TmMatchExportFormat;

/* Writes the brand's shortlist (streamers shortlisted or contacted, in
 * rank order under the weights shown) to @path, in a worker thread, as
 * the Export menu does after its file dialog.  Fails when nothing is
 * ranked or shortlisted, or the file cannot be written (the message
 * names it). */
void        tm_match_view_export_to_file_async  (TmMatchView         *self,
                                                 TmMatchExportFormat  format,
                                                 const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean    tm_match_view_export_to_file_finish (TmMatchView         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
