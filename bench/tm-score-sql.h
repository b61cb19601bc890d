/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-score-sql.h: docs/matching.md's score as one SQL query.
 *
 * The query is written from the documentation alone, independently of
 * app/core/tm-engine.c, and reads a store's SQLite file as it is.  It is
 * slow (it recomputes everything for every brand) but independent, which
 * makes it an oracle: bench-engine times the engine against it, and
 * tests/test-engine-sql.c checks that both give the same rankings.
 */
#pragma once

#include <sqlite3.h>

#include "tm-engine.h"
#include "tm-model.h"

G_BEGIN_DECLS

/* Which rows the query returns. */
typedef enum {
  TM_SCORE_SQL_INCLUDED,  /* the included candidates, best first */
  TM_SCORE_SQL_ALL,       /* every streamer: the included ones best first,
                             then the excluded ones best first */
} TmScoreSqlRows;

/* One streamer scored for one brand.  Components are 0–100, penalty in
 * points, cap 0–100 (100 = none), confidence 0–1, as in TmCandidate. */
typedef struct {
  char     *id;
  double    score;
  double    confidence;
  double    style;
  double    history;
  double    trust;
  double    penalty;
  double    cap;
  gboolean  excluded;     /* breaks one of the brand's constraints
                             (always FALSE with TM_SCORE_SQL_INCLUDED) */
} TmScoreSqlRow;

/* Prepares the query on @db (a store's file).  Finalize the statement with
 * sqlite3_finalize(); sqlite3_sql() gives its text. */
sqlite3_stmt *tm_score_sql_prepare     (sqlite3          *db,
                                        TmScoreSqlRows    rows,
                                        GError          **error);

/* Runs @stmt, from tm_score_sql_prepare(), for the brand with @brand_id as
 * of @as_of with @weights, returning at most @limit rows (0: all) in rank
 * order, as an array of TmScoreSqlRow that frees its rows' ids.  @seconds
 * (nullable) receives the time the query took, from its first step to its
 * last row. */
GArray       *tm_score_sql_run         (sqlite3          *db,
                                        sqlite3_stmt     *stmt,
                                        const char       *brand_id,
                                        TmDate            as_of,
                                        const TmWeights  *weights,
                                        guint             limit,
                                        double           *seconds,
                                        GError          **error);

/* Runs the query for the brand with @brand_id as of @as_of once for each
 * of the @n_weights weight settings in @weights, returning every row of
 * each: an array of @n_weights arrays as tm_score_sql_run() returns them.
 * Costs about one query, not @n_weights: the components, which do not
 * depend on the weights, are computed once into a temporary table of @db
 * (dropped before returning). */
GPtrArray    *tm_score_sql_run_weights (sqlite3          *db,
                                        TmScoreSqlRows    rows,
                                        const char       *brand_id,
                                        TmDate            as_of,
                                        const TmWeights  *weights,
                                        guint             n_weights,
                                        GError          **error);

/* Blanks optional inputs of some records of @dataset, deterministically
 * (tags, audience, price range, credit score, reviews, engagement,
 * conversion, rating, GMV), so that a comparison with the query meets
 * every "unknown" branch of the formulas. */
void          tm_score_sql_perturb     (TmDataset        *dataset);

G_END_DECLS
