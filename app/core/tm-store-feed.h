/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-store-feed.h: applying a feed sync to the store, and what the store
 * remembers of each feed (docs/feed-format.md, "How a client syncs").
 *
 * Implemented in tm-store.c.  A header of its own because tm-feed.h
 * includes tm-store.h: tm-store.h cannot name the feed's types.
 *
 * No network here: the HTTP client fetches and validates the shards, then
 * hands them over; everything of one sync is written in one transaction.
 */
#pragma once

#include <glib.h>

#include "tm-feed.h"
#include "tm-store.h"

G_BEGIN_DECLS

/* A shard the client downloaded because its sha256 differs from the one
 * the last successful sync applied (or it is new). */
typedef struct {
  char      *path;            /* as in the manifest */
  TmDataset *dataset;         /* parsed and validated, owned */
  char      *etag;            /* nullable: the response's ETag */
  char      *last_modified;   /* nullable: the response's Last-Modified */
  char     **digests;         /* private: tm_feed_fetched_shard_prepare() */
} TmFeedFetchedShard;

/* Takes ownership of @dataset. */
TmFeedFetchedShard *tm_feed_fetched_shard_new  (const char *path,
                                                TmDataset  *dataset,
                                                const char *etag,
                                                const char *last_modified);
void                tm_feed_fetched_shard_free (TmFeedFetchedShard *fetched);
/* Does the part of applying @fetched that needs no store (the records'
 * digests), so that a worker thread can do it while another shard is being
 * applied.  Optional: tm_feed_apply_add() does it otherwise. */
void                tm_feed_fetched_shard_prepare (TmFeedFetchedShard *fetched);

#define TM_FEED_APPLY_MAX_SKIPPED_IDS 10

typedef struct {
  guint      added;           /* records new to the store */
  guint      updated;         /* records rewritten: changed, or taken over from an import or another shard */
  guint      unchanged;       /* records of fetched shards already as the feed has them */
  guint      removed;         /* feed records no shard holds any more */
  guint      skipped_local;   /* feed records not applied: the user's own record has that id */
  GPtrArray *skipped_local_ids; /* char*, the first TM_FEED_APPLY_MAX_SKIPPED_IDS of them; NULL when none */
} TmFeedApplyStats;

void tm_feed_apply_stats_clear (TmFeedApplyStats *stats);

/* What the last successful sync of one shard applied. */
typedef struct {
  char       *path;
  TmFeedKind  kind;
  gint64      records;
  char        sha256[65];
  char       *etag;           /* nullable */
  char       *last_modified;  /* nullable */
} TmFeedShardState;

/* What the last successful sync of one feed applied. */
typedef struct {
  char      *url;                     /* of manifest.json */
  char      *last_success;            /* UTC, "YYYY-MM-DDThh:mm:ssZ" */
  char      *manifest_etag;           /* nullable */
  char      *manifest_last_modified;  /* nullable */
  char      *generated;               /* the manifest's */
  gint64     n_records;               /* records the manifest lists */
  GPtrArray *shards;                  /* TmFeedShardState*, by path */
} TmFeedState;

void              tm_feed_state_free        (TmFeedState *state);
/* The shard with @path, or NULL. */
TmFeedShardState *tm_feed_state_find_shard  (TmFeedState *state,
                                             const char  *path);

/* One sync's transaction, applied shard by shard so that no more than a
 * few parsed shards are in memory at once:
 *
 *   apply = tm_feed_apply_begin (store, url, manifest, etag, last_modified, &error);
 *   for each fetched shard, in tm_feed_apply_rank() order:
 *     tm_feed_apply_add (apply, fetched, &error);   (then free the shard)
 *   tm_feed_apply_commit (apply, &stats, &error);
 *   tm_feed_apply_free (apply);
 *
 * begin takes the store's write lock (BEGIN IMMEDIATE) and holds it until
 * commit or free; free without a successful commit rolls everything back,
 * so the store holds the complete old state or the complete new one.  After
 * a failed add or commit only free is left.  The result is the same as
 * tm_store_apply_feed() with all the shards at once (see there).  @manifest
 * must outlive @apply.  Not thread-safe: one thread at a time. */
typedef struct _TmFeedApply TmFeedApply;

/* Streamers 0, brands 1, cooperations 2, incidents 3: shards must be
 * added in this order (brands' blacklists and cooperations refer to
 * streamers, cooperations to brands).  Shards of one kind in any order. */
guint        tm_feed_apply_rank       (TmFeedKind            kind);

TmFeedApply *tm_feed_apply_begin      (TmStore              *self,
                                       const char           *url,
                                       const TmFeedManifest *manifest,
                                       const char           *manifest_etag,
                                       const char           *manifest_last_modified,
                                       GError              **error);
/* Checks @fetched against the manifest (listed, not added before, its
 * kind only, the record count), then checks and writes its records.
 * @fetched is not taken; its dataset may be freed once this returns. */
gboolean     tm_feed_apply_add        (TmFeedApply          *apply,
                                       TmFeedFetchedShard   *fetched,
                                       GError              **error);
/* Checks that every new or changed shard was added, removes the records
 * that left the feed and commits.  @stats is nullable. */
gboolean     tm_feed_apply_commit     (TmFeedApply          *apply,
                                       TmFeedApplyStats     *stats,
                                       GError              **error);
void         tm_feed_apply_free       (TmFeedApply          *apply);

/* Makes the store's records from the feed at @url equal the feed described
 * by @manifest, in one transaction (on error the store is as before):
 *
 *  - @fetched (TmFeedFetchedShard*) holds the shards whose sha256 differs
 *    from the one last applied, or that are new; every other shard of the
 *    manifest must have been applied before with the same sha256, and its
 *    records stay as they are.  A fetched shard must be listed in the
 *    manifest, hold only its kind and as many records as it says.
 *  - Records of fetched shards are inserted or updated with origin 'feed'.
 *    A record whose id is a 'local' row (the user's own) is skipped and
 *    counted in @stats; one whose id is an 'import' row, or a 'feed' row of
 *    another shard or feed, is taken over (the last sync wins).
 *  - Feed records of the fetched shards, and of this feed's shards the
 *    manifest no longer lists, that are not in the new data are removed.
 *    A removed brand's cooperations stay, as with tm_store_delete_brand().
 *    Removing a streamer that cooperations or incidents still refer to
 *    (the user's own, imported ones or those of another feed) fails, and
 *    the message names them.
 *  - The feed's state (tm_store_get_feed_state()) becomes @manifest's,
 *    with @manifest_etag and @manifest_last_modified, the fetched shards'
 *    ETag and Last-Modified, and now as the last success.
 *
 * References of the new records are checked as an import's are.
 * @stats is nullable; clear it with tm_feed_apply_stats_clear(). */
gboolean     tm_store_apply_feed      (TmStore              *self,
                                       const char           *url,
                                       const TmFeedManifest *manifest,
                                       const char           *manifest_etag,
                                       const char           *manifest_last_modified,
                                       GPtrArray            *fetched,
                                       TmFeedApplyStats     *stats,
                                       GError              **error);

/* The state of the feed at @url, or of the most recently synced feed when
 * @url is NULL.  *@out is NULL (and TRUE returned) when there is none. */
gboolean     tm_store_get_feed_state  (TmStore      *self,
                                       const char   *url,
                                       TmFeedState **out,
                                       GError      **error);

/* Records now as the last success of the feed at @url: a sync found the
 * feed unchanged (the manifest answered 304), so the store is as current as
 * a sync that applied it.  Does nothing for a feed never synced. */
gboolean     tm_store_touch_feed      (TmStore      *self,
                                       const char   *url,
                                       GError      **error);

/* Every feed synced into the store, most recent first (TmFeedState*,
 * shards included). */
GPtrArray   *tm_store_list_feeds      (TmStore      *self,
                                       GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmFeedFetchedShard, tm_feed_fetched_shard_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmFeedState, tm_feed_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmFeedApply, tm_feed_apply_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TmFeedApplyStats, tm_feed_apply_stats_clear)

G_END_DECLS
