/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-directory.h: searching and filtering the streamer directory.
 *
 * The directory view shows every streamer of a catalog; the user narrows
 * it with a search and filters.  What matches lives here, free of GTK, so
 * that it is tested and benchmarked on its own and the view only asks
 * tm_directory_matches() per row.
 *
 * Search: the text is split at white space into terms, and a streamer
 * matches when every term occurs in its name, its id, one of its
 * accounts' handles or one of its style tags.  Both sides are compared
 * after NFKC normalisation and case folding, so "ABC", "abc" and the
 * full-width "ＡＢＣ" find each other, and a term finds any part of a word
 * (Chinese has no spaces between words).
 *
 * Filters, all of which must hold:
 *  - platforms: a streamer with an account on at least one of them;
 *  - category: a streamer listing this category;
 *  - credit range: a known credit score whose share of its platform's
 *    scale, in percent, lies in [min, max]; a streamer without a score
 *    matches only the full range 0–100 (that is, no credit filter);
 *  - has incidents: a streamer with at least one incident.
 */
#pragma once

#include "tm-catalog.h"

G_BEGIN_DECLS

typedef struct _TmDirectory TmDirectory;

typedef struct {
  const char *search;          /* nullable or "": no search */
  guint32     platforms;       /* bit 1 << TmPlatform per platform; 0: any */
  const char *category;        /* a category code; nullable: any */
  double      min_credit;      /* percent of the scale, 0–100 */
  double      max_credit;
  gboolean    has_incidents;
} TmDirectoryFilter;

/* A filter that lets every streamer through (credit range 0–100). */
#define TM_DIRECTORY_FILTER_INIT { NULL, 0, NULL, 0.0, 100.0, FALSE }

/* Prepares the search texts of every streamer of @catalog (one pass,
 * kept for the directory's life) in a thread: a directory shows, filters
 * and sorts at once, and its first search waits for the texts. */
TmDirectory *tm_directory_new            (TmCatalog               *catalog);
void         tm_directory_free           (TmDirectory             *self);
TmCatalog   *tm_directory_get_catalog    (TmDirectory             *self);

/* Sets the filter that tm_directory_matches() applies; the search text is
 * normalised and split once here, not per row.  @filter is copied. */
void         tm_directory_set_filter     (TmDirectory             *self,
                                          const TmDirectoryFilter *filter);
/* Whether the filter set lets every streamer through. */
gboolean     tm_directory_filter_is_empty (TmDirectory            *self);

/* Whether streamer @index of the catalog passes the filter set.  Reads
 * only: safe from several threads once the filter is set. */
gboolean     tm_directory_matches        (TmDirectory             *self,
                                          guint                    index);

/* The order of tm_directory_collect(): by a column of the directory,
 * ascending or descending; equal rows stay in catalog order (by id), and
 * an unknown credit score sorts below every known one. */
typedef enum {
  TM_DIRECTORY_ORDER_CATALOG,
  TM_DIRECTORY_ORDER_NAME,            /* by g_utf8_collate_key() */
  TM_DIRECTORY_ORDER_FOLLOWERS,
  TM_DIRECTORY_ORDER_CREDIT,          /* by tm_directory_credit_percent() */
  TM_DIRECTORY_ORDER_COOPERATIONS,
  TM_DIRECTORY_ORDER_LAST_COOPERATION,
  TM_DIRECTORY_ORDER_INCIDENTS,
} TmDirectoryOrder;

/* Sorts every streamer once; filtering keeps that order, so a keystroke
 * never sorts.  The collation keys of the names are made on the first
 * sort by name and kept. */
void         tm_directory_set_order      (TmDirectory             *self,
                                          TmDirectoryOrder         order,
                                          gboolean                 descending);

/* The catalog indices (guint32) of the streamers that pass the filter, in
 * the order set. */
GArray      *tm_directory_collect        (TmDirectory             *self);

/* How many streamers pass the filter set. */
guint        tm_directory_count_matches  (TmDirectory             *self);

/* The credit score of @streamer as a percentage of its scale, or NAN when
 * unknown: the number the credit filter and the directory's column use. */
double       tm_directory_credit_percent (const TmCatalogStreamer *streamer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmDirectory, tm_directory_free)

G_END_DECLS
