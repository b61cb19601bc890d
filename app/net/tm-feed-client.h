/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-feed-client.h: syncing a feed (docs/feed-format.md) over HTTP.
 *
 * One TmFeedClient owns the app's SoupSession.  A sync runs on the
 * caller's main loop (requests, body reads) and in worker threads
 * (checksums, JSON parsing and validation, the store transaction), and
 * either applies the whole new feed to the store or leaves the store as it
 * was.
 */
#pragma once

#include <gio/gio.h>

#include "tm-store-feed.h"

G_BEGIN_DECLS

#define TM_FEED_CLIENT_ERROR (tm_feed_client_error_quark ())

/* Failures of the transfer itself.  Data that arrives but is wrong is
 * reported in TM_FEED_ERROR (size, checksum, manifest fields) or
 * TM_JSON_ERROR (a shard that is not a valid dataset); network problems
 * keep their G_IO_ERROR / G_RESOLVER_ERROR / G_TLS_ERROR code, with the
 * URL in front of the message; cancelling gives G_IO_ERROR_CANCELLED. */
typedef enum {
  TM_FEED_CLIENT_ERROR_URL,          /* not an http:// or https:// URL */
  TM_FEED_CLIENT_ERROR_HTTP_CLIENT,  /* the server answered 4xx (no use retrying) */
  TM_FEED_CLIENT_ERROR_HTTP_SERVER,  /* the server answered 5xx (may pass) */
  TM_FEED_CLIENT_ERROR_HTTP_OTHER,   /* any other answer than 200 (or 304 where asked) */
  TM_FEED_CLIENT_ERROR_TOO_LARGE,    /* a manifest over TM_FEED_MAX_MANIFEST_SIZE */
  TM_FEED_CLIENT_ERROR_INCONSISTENT, /* the server still has a shard's old version */
} TmFeedClientError;

/* Inactivity timeout of every request, in seconds. */
#define TM_FEED_CLIENT_TIMEOUT 30

typedef struct {
  gboolean         not_modified;   /* the manifest answered 304: nothing was fetched or written */
  gboolean         changed;        /* shards were fetched or dropped: the feed's records were rewritten */
  guint            shards;         /* in the manifest (0 when not_modified) */
  guint            fetched;        /* shards downloaded */
  guint64          bytes;          /* bytes of the downloaded shards, decoded */
  TmFeedApplyStats stats;          /* of the store transaction; zero when not_modified */
} TmFeedSyncResult;

void tm_feed_sync_result_clear (TmFeedSyncResult *result);

#define TM_TYPE_FEED_CLIENT (tm_feed_client_get_type ())

G_DECLARE_FINAL_TYPE (TmFeedClient, tm_feed_client, TM, FEED_CLIENT, GObject)

GQuark        tm_feed_client_error_quark (void);

TmFeedClient *tm_feed_client_new         (void);

/* TRUE for an http:// URL whose host is not a loopback address or
 * "localhost": what it fetches can be read and changed on the way, so the
 * user should be warned. */
gboolean      tm_feed_client_url_is_insecure (const char *url);

/* Syncs the feed whose manifest is at @url into @store, following
 * docs/feed-format.md "How a client syncs":
 *
 *  - the manifest is fetched with If-None-Match / If-Modified-Since from
 *    the last successful sync; a 304 ends the sync with not_modified and
 *    writes nothing (the store's last_success stays that of the last sync
 *    that applied a manifest);
 *  - only shards whose sha256 differs from the one last applied are
 *    fetched, relative to the manifest's (final) URL, each checked against
 *    the manifest's size and SHA-256 while it is read and then parsed and
 *    validated in a worker thread;
 *  - everything is applied with tm_store_apply_feed() in one transaction,
 *    in a worker thread.  Until the sync completes, @store must not be
 *    used elsewhere.
 *
 * Any failure, and cancelling @cancellable before the transaction starts,
 * leaves @store as it was.  Once the transaction has started it runs to its
 * end, and the sync reports its outcome rather than the cancellation. */
void          tm_feed_client_sync_async  (TmFeedClient        *self,
                                          TmStore             *store,
                                          const char          *url,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);

/* @out is nullable; on success it is filled (clear it with
 * tm_feed_sync_result_clear()), on failure it is left zeroed. */
gboolean      tm_feed_client_sync_finish (TmFeedClient        *self,
                                          GAsyncResult        *result,
                                          TmFeedSyncResult    *out,
                                          GError             **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TmFeedSyncResult, tm_feed_sync_result_clear)

G_END_DECLS
