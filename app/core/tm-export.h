/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-export.h: a selection of ranked candidates as rows, and as CSV.
 *
 * tm_export_rows_new() gathers what a brand manager sends on about each
 * selected candidate (scores, credit score and where it came from, the
 * history with the brand); tm_export_csv() writes the rows for a
 * spreadsheet and tm_export_write_file() puts any output in place
 * atomically.  docs/export.md lists the columns and the escaping rule.
 */
#pragma once

#include "tm-engine.h"
#include "tm-store.h"

G_BEGIN_DECLS

#define TM_EXPORT_ERROR (tm_export_error_quark ())

typedef enum {
  TM_EXPORT_ERROR_UNKNOWN_STREAMER,   /* an id of the selection is not in the catalog */
} TmExportError;

GQuark tm_export_error_quark (void);

/* One candidate of an export. */
typedef struct {
  guint32       streamer;            /* index into catalog->streamers */
  guint         rank;                /* 1-based among the included; 0 when excluded */
  gboolean      has_rank_change;     /* a baseline was given and ranks it too */
  gint          rank_change;         /* places moved up against the baseline
                                        (negative: down) */
  char         *id;
  char         *name;
  char         *platforms;           /* "Douyin @handle (1234567); …", translated */
  gint64        followers;           /* over all accounts */
  TmCandidate   candidate;           /* score, components, confidence, penalty */
  char         *exclusions;          /* translated reasons, NULL when included */
  TmPlatform    credit_platform;     /* TM_PLATFORM_NONE when no credit score */
  double        credit_score;        /* on credit_scale; NAN unknown */
  double        credit_scale;        /* top of the platform's scale; NAN unknown */
  TmProvenance  credit_provenance;   /* where the credit score came from */
  guint         brand_cooperations;  /* cooperations with the ranking's brand */
  gint64        brand_gmv_fen;       /* their GMV, fen (unknown ones count 0) */
  TmDate        last_brand_cooperation; /* TM_DATE_NONE when none */
  TmDate        last_cooperation;    /* with any brand; TM_DATE_NONE when none */
  guint         incidents;           /* every incident on record */
} TmExportRow;

void       tm_export_row_free      (TmExportRow *row);

/* The streamer indices of @ids, in that order.  Fails with
 * TM_EXPORT_ERROR_UNKNOWN_STREAMER naming the first id the catalog does
 * not have.  Free with g_free(). */
guint32   *tm_export_find_streamers (const TmCatalog    *catalog,
                                     const char * const *ids,
                                     guint              *n_out,
                                     GError            **error);

/* Rows for @streamers (indices into the ranking's catalog, in the order
 * given, e.g. from tm_ranking_top()), with the ranking's weights.
 *
 * @store (nullable) is read for the credit score's own provenance (the
 * "credit" entry of figure_provenance); without it, or when the store no
 * longer has the streamer, the streamer record's provenance is used.
 * With @baseline (nullable) each included row also says how many places
 * it moved compared with a ranking under those weights.
 *
 * Returns a GPtrArray of TmExportRow* that frees them. */
GPtrArray *tm_export_rows_new      (TmRanking          *ranking,
                                    TmStore            *store,
                                    const guint32      *streamers,
                                    guint               n_streamers,
                                    const TmWeights    *baseline);

/* The rows as CSV: UTF-8 with a byte order mark, RFC 4180 quoting, CRLF
 * line ends, a translated header row; text cells a spreadsheet would run
 * as a formula get a leading apostrophe (see docs/export.md). */
GBytes    *tm_export_csv           (GPtrArray          *rows);

/* One CSV cell, for every CSV the project writes (the export, and the
 * CLI's `rank --format csv`).  Text: quoted when it holds a separator,
 * a quote or a line break (RFC 4180), with an apostrophe in front when a
 * spreadsheet would take it for a formula (= + - @ TAB CR; OWASP "CSV
 * injection"); NULL is an empty cell.  Number: @format (e.g. "%.2f")
 * with '.' as the decimal separator whatever the locale, never escaped,
 * "-0.00" written as "0.00", NAN an empty cell. */
void       tm_export_csv_append_text   (GString    *out,
                                        const char *text);
void       tm_export_csv_append_number (GString    *out,
                                        const char *format,
                                        double      value);

/* Writes @data to @path through a temporary file in the same folder that
 * is synced and renamed over @path, so @path is either its old content or
 * all of @data.  Errors are G_FILE_ERROR, with a translated message naming
 * @path and the reason. */
gboolean   tm_export_write_file    (const char         *path,
                                    GBytes             *data,
                                    GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmExportRow, tm_export_row_free)

G_END_DECLS
