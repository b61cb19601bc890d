/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-match-row.h: one candidate of the match results.
 *
 * Like TmStreamerRow, one widget that draws its texts with kept Pango
 * layouts, so that 100k candidates scroll and re-rank fluidly in GTK
 * 4.8: the rank and its change, the name, the score with a bar, and a
 * second line with the components, the confidence and the risk flags (or,
 * for an excluded candidate, the reasons).  The row reads the results the
 * view shares with all its rows (TmMatchRowData).
 */
#pragma once

#include <gtk/gtk.h>

#include "tm-engine.h"
#include "tm-streamer-item.h"

G_BEGIN_DECLS

/* Owned by the view, read by its rows; outlives them. */
typedef struct {
  TmRanking     *ranking;     /* nullable: nothing ranked yet */
  const guint32 *ranks;       /* per streamer: rank now, 0 = excluded */
  const guint32 *base_ranks;  /* per streamer: rank with the reset weights */
  GHashTable    *decisions;   /* nullable: streamer id → TmDecision */
} TmMatchRowData;

/* The text badge of a decision, "Shortlisted · 11-26" (local date). */
char       *tm_match_row_format_decision (const TmDecision *decision);

#define TM_TYPE_MATCH_ROW (tm_match_row_get_type ())
G_DECLARE_FINAL_TYPE (TmMatchRow, tm_match_row, TM, MATCH_ROW, GtkWidget)

GtkWidget  *tm_match_row_new       (const TmMatchRowData *data);
/* Shows @item (nullable) and follows it to other streamers. */
void        tm_match_row_set_item  (TmMatchRow           *self,
                                    TmStreamerItem       *item);
TmStreamerItem *tm_match_row_get_item (TmMatchRow        *self);
/* The shared results changed: the row makes its texts again. */
void        tm_match_row_update    (TmMatchRow           *self);

typedef enum {
  TM_MATCH_ROW_RANK,
  TM_MATCH_ROW_CHANGE,
  TM_MATCH_ROW_NAME,
  TM_MATCH_ROW_SCORE,
  TM_MATCH_ROW_DETAILS,
  TM_MATCH_ROW_N_TEXTS,
} TmMatchRowText;

/* A text as shown, for tests: "" when empty. */
const char *tm_match_row_get_text  (TmMatchRow           *self,
                                    TmMatchRowText        text);

G_END_DECLS
