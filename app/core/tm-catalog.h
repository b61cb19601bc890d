/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-catalog.h: the store loaded into compact arrays for ranking and views.
 *
 * Immutable once loaded and reference counted, so any number of threads may
 * read one catalog at a time.  Strings that repeat (tags, categories, brand
 * names) are interned: equal strings share one pointer, so they can be
 * compared with ==.  Records of one streamer are
 * contiguous (cooperations and incidents sorted by date).
 */
#pragma once

#include "tm-model.h"
#include "tm-store.h"

G_BEGIN_DECLS

typedef struct {
  const char *tag;     /* interned */
  float       weight;
} TmCatalogTag;

typedef struct {
  const char *handle;
  gint64      followers;
  gint8       platform; /* TmPlatform */
} TmCatalogAccount;

typedef struct {
  const char     *id;    /* unique, so not interned */
  const char     *name;
  guint32         first_account, n_accounts;   /* into accounts[] */
  guint32         first_tag, n_tags;           /* into tags[] */
  guint32         first_category, n_categories;/* into categories[] */
  guint32         first_cooperation, n_cooperations;
  guint32         first_incident, n_incidents;
  float           audience[TM_N_AGES + TM_N_GENDERS + TM_N_REGIONS];
  gboolean        has_audience;
  gint8           credit_platform;             /* TmPlatform, -1 none */
  gint8           verification;                /* TmVerification */
  float           credit_score;                /* NAN unknown */
  float           credit_scale;
  float           engagement_rate;             /* NAN unknown */
  float           fake_review_share;
  float           dispute_resolution_rate;
  float           repeat_buyer_rate;
  gint64          followers_total;             /* over all accounts */
  gint64          avg_live_viewers;            /* -1 unknown */
  gint64          reviews_positive;
  gint64          reviews_negative;
  gint64          price_low_fen, price_high_fen; /* -1 unknown */
  TmDate          last_cooperation;            /* TM_DATE_NONE if none */
  TmProvenance    provenance;
} TmCatalogStreamer;

typedef struct {
  /* Who and when first: the exclusivity check of a ranking reads only
   * these, so they share a cache line. */
  const char *brand_name;    /* interned */
  const char *brand_category;/* interned */
  TmDate      date;
  gint32      brand;         /* index into brands, -1 for other brands */
  const char *id;            /* unique, so not interned */
  gint64      gmv_fen;
  gint64      orders;
  gint64      fee_fen;
  gint64      commission_fen;
  guint32     streamer;      /* index into streamers */
  float       conversion_rate; /* NAN unknown */
  float       return_rate;
  float       rating;          /* NAN unknown */
  guint32     complaints;
  gint8       format;          /* TmFormat */
  gint8       platform;        /* TmPlatform, -1 none */
} TmCatalogCooperation;

typedef struct {
  const char *id;          /* unique, so not interned */
  guint32     streamer;
  TmDate      date;
  gint8       kind;        /* TmIncidentKind */
  gint8       severity;    /* 1–5 */
  gboolean    resolved;
} TmCatalogIncident;

typedef struct _TmCatalog {
  /* Read-only public arrays. */
  guint                 n_brands;
  TmBrand             **brands;        /* full records: there are few */
  guint                 n_streamers;
  TmCatalogStreamer    *streamers;     /* sorted by id */
  guint                 n_accounts;
  TmCatalogAccount     *accounts;
  guint                 n_tags;
  TmCatalogTag         *tags;
  guint                 n_categories;
  const char          **categories;    /* interned codes */
  guint                 n_cooperations;
  TmCatalogCooperation *cooperations;  /* grouped by streamer, by date */
  guint                 n_incidents;
  TmCatalogIncident    *incidents;     /* grouped by streamer, by date */
} TmCatalog;

/* Reads the whole store.  Runs in any thread, but not while the same
 * TmStore is used by another thread. */
TmCatalog   *tm_catalog_load          (TmStore    *store,
                                       GError    **error);
TmCatalog   *tm_catalog_ref           (TmCatalog  *self);
void         tm_catalog_unref         (TmCatalog  *self);

/* Index of the streamer or brand with that id, or -1. */
gint         tm_catalog_find_streamer (const TmCatalog *self,
                                       const char      *id);
gint         tm_catalog_find_brand    (const TmCatalog *self,
                                       const char      *id);

/* The interned copy of @str, or NULL when no record uses that string;
 * lets callers compare tags and categories by pointer. */
const char  *tm_catalog_lookup_string (const TmCatalog *self,
                                       const char      *str);

/* Approximate bytes held, for benchmarks. */
gsize        tm_catalog_get_memory_size (const TmCatalog *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmCatalog, tm_catalog_unref)

G_END_DECLS
