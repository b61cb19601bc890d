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
  TM_FEED_CLIENT_ERROR_DEADLINE,     /* the whole sync took longer than the deadline */
} TmFeedClientError;

/* Defaults of the client's properties. */
#define TM_FEED_CLIENT_TIMEOUT         30   /* s without a byte: a request fails ("timeout") */
#define TM_FEED_CLIENT_DEADLINE        (30 * 60) /* s for a whole sync ("deadline") */
#define TM_FEED_CLIENT_MAX_ATTEMPTS    4    /* per request, retries included ("max-attempts") */
#define TM_FEED_CLIENT_RETRY_DELAY     1000 /* ms before the first retry, doubling ("retry-delay") */
#define TM_FEED_CLIENT_MAX_RETRY_AFTER 120  /* s: a longer Retry-After is not waited for ("max-retry-after") */
#define TM_FEED_CLIENT_KEEP_IN_MEMORY  (32 * 1024 * 1024) /* bytes of checked shards held until the apply ("keep-in-memory") */

typedef enum {
  TM_FEED_SYNC_PHASE_MANIFEST,  /* fetching manifest.json */
  TM_FEED_SYNC_PHASE_DOWNLOAD,  /* fetching the changed shards, checking their size and SHA-256 */
  TM_FEED_SYNC_PHASE_WAITING,   /* a request failed and is retried after wait_seconds */
  TM_FEED_SYNC_PHASE_APPLY,     /* validating and writing them to the store, one transaction */
} TmFeedSyncPhase;

/* How far a sync is.  The totals are those of the shards to download
 * (known once the manifest is read); bytes are decoded bytes. */
typedef struct {
  TmFeedSyncPhase phase;
  guint           shards_done;      /* downloaded and checked against the manifest */
  guint           shards_total;
  guint64         bytes_done;
  guint64         bytes_total;
  guint64         records_done;     /* of the shards downloaded and checked */
  guint64         records_total;
  guint           attempt;          /* of the request in progress, from 1 */
  guint           wait_seconds;     /* PHASE_WAITING: until the next attempt */
  /* The apply writes only once every shard has arrived, but may do so
   * while the last few are still being checked: these can grow before
   * the phase turns to PHASE_APPLY. */
  guint           shards_applied;   /* parsed, validated and written */
  guint64         records_applied;  /* of those shards */
} TmFeedSyncProgress;

/* How far the sync is, 0–1, for a progress bar: the first half is the
 * download, by bytes; the second the apply, by records, or by shards when
 * the shards to apply hold no records.  Each half is counted on its own,
 * so that one moves even when the other has nothing to count; a half
 * with nothing to do at all is full once the sync reaches it. */
double tm_feed_sync_progress_get_fraction (const TmFeedSyncProgress *progress);

/* Called on the main context the sync was started from, at each phase, each
 * shard and at most every 100 ms while bytes arrive. */
typedef void (*TmFeedProgressFunc) (const TmFeedSyncProgress *progress,
                                    gpointer                  user_data);

/* What one sync needs besides the URL; every field may be NULL. */
typedef struct {
  /* Sent as "Authorization: Bearer" to the manifest URL's origin only:
   * never after a redirect to another origin, and never written to a
   * message, a log or the store. */
  const char         *token;
  TmFeedProgressFunc  progress;
  gpointer            progress_data;
} TmFeedSyncOptions;

typedef struct {
  gboolean         not_modified;   /* the manifest answered 304: nothing was fetched or written */
  gboolean         changed;        /* shards were fetched or dropped: the feed's records were rewritten */
  guint            shards;         /* in the manifest (0 when not_modified) */
  guint            fetched;        /* shards downloaded */
  guint64          bytes;          /* bytes of the downloaded shards, decoded */
  guint            retries;        /* requests sent again after a transient failure */
  TmFeedApplyStats stats;          /* of the store transaction; zero when not_modified */
} TmFeedSyncResult;

void tm_feed_sync_result_clear (TmFeedSyncResult *result);

#define TM_TYPE_FEED_CLIENT (tm_feed_client_get_type ())

G_DECLARE_FINAL_TYPE (TmFeedClient, tm_feed_client, TM, FEED_CLIENT, GObject)

GQuark        tm_feed_client_error_quark (void);

/* Properties (all guint): "timeout", "deadline", "max-attempts",
 * "retry-delay", "max-retry-after", "keep-in-memory"; see the defaults
 * above.  A request is
 * retried, with a delay doubling from "retry-delay" (or what the server's
 * Retry-After asks, up to "max-retry-after"), after a timeout, a broken
 * connection, a body cut short or a 5xx answer; never after a 4xx.  The
 * whole sync fails with TM_FEED_CLIENT_ERROR_DEADLINE after "deadline". */
TmFeedClient *tm_feed_client_new         (void);

/* Whether @url can be synced: an http:// or https:// URL with a host.  The
 * error (TM_FEED_CLIENT_ERROR_URL) says what to enter instead. */
gboolean      tm_feed_client_check_url   (const char  *url,
                                          GError     **error);

/* TRUE for an http:// URL whose host is not a loopback address or
 * "localhost": what it fetches can be read and changed on the way, so the
 * user should be warned. */
gboolean      tm_feed_client_url_is_insecure (const char *url);

/* Syncs the feed whose manifest is at @url into @store, following
 * docs/feed-format.md "How a client syncs":
 *
 *  - the manifest is fetched with If-None-Match / If-Modified-Since from
 *    the last successful sync; a 304 ends the sync with not_modified and
 *    only records the time as the feed's last success;
 *  - only shards whose sha256 differs from the one last applied are
 *    fetched, relative to the manifest's (final) URL, one request at a
 *    time; each is checked against the manifest's size and SHA-256 in a
 *    worker thread while the next is downloaded, and kept (in memory up
 *    to 32 MiB in all, the rest in a private folder under TMPDIR that the
 *    sync removes);
 *  - a worker thread has the first few parsed and validated as they
 *    arrive (a bad one fails the sync at once); once the last has
 *    arrived, it applies them in one transaction (TmFeedApply), shard by
 *    shard, while a pool of threads parses and validates the next few.
 *    The store's write lock is taken only then: never while a request is
 *    outstanding, so that another writer never waits on the network.
 *    Only a few parsed shards are in memory at once.  Until the sync
 *    completes, @store must not be used elsewhere.
 *
 * Any failure, and cancelling @cancellable at any time before the commit,
 * leaves @store as it was.  Once the commit has started it runs to its
 * end, and the sync reports its outcome rather than the cancellation. */
void          tm_feed_client_sync_async  (TmFeedClient            *self,
                                          TmStore                 *store,
                                          const char              *url,
                                          const TmFeedSyncOptions *options,
                                          GCancellable            *cancellable,
                                          GAsyncReadyCallback      callback,
                                          gpointer                 user_data);

/* @out is nullable; on success it is filled (clear it with
 * tm_feed_sync_result_clear()), on failure it is left zeroed. */
gboolean      tm_feed_client_sync_finish (TmFeedClient        *self,
                                          GAsyncResult        *result,
                                          TmFeedSyncResult    *out,
                                          GError             **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TmFeedSyncResult, tm_feed_sync_result_clear)

G_END_DECLS
