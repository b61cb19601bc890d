/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-feed-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tm-feed-client.h"
#include "tm-json.h"

/* Bodies are read in pieces this large: small enough that one read never
 * holds the main loop long, large enough to keep the syscalls few. */
#define READ_CHUNK ((gsize) 64 * 1024)

/* Shards checked in worker threads while the next is downloaded. */
#define MAX_CHECKING 3

struct _TmFeedClient {
  GObject      parent_instance;

  SoupSession *session;
  guint        timeout;
  guint        deadline;
  guint        max_attempts;
  guint        retry_delay;
  guint        max_retry_after;
  guint        keep_in_memory;
};

G_DEFINE_TYPE (TmFeedClient, tm_feed_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (tm-feed-client-error-quark, tm_feed_client_error)

enum {
  PROP_0,
  PROP_TIMEOUT,
  PROP_DEADLINE,
  PROP_MAX_ATTEMPTS,
  PROP_RETRY_DELAY,
  PROP_MAX_RETRY_AFTER,
  PROP_KEEP_IN_MEMORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One sync in progress: the data of the GTask that tm_feed_client_sync_async
 * returns through. */
typedef struct {
  TmStore           *store;
  char              *url;            /* as given: the store's key for the feed */
  char              *display_url;    /* for messages: no password */
  GUri              *origin;         /* the manifest URL as given: the token goes there only */
  char              *token;          /* nullable; wiped when freed */
  GCancellable      *cancellable;    /* the caller's, nullable */
  gulong             cancelled_id;   /* its handler that cancels stop */
  GCancellable      *stop;           /* cancelled by the caller or the deadline */
  GSource           *deadline_source;
  gboolean           deadline_passed;
  gint64             deadline_time;  /* monotonic, µs */
  TmFeedState       *state;          /* nullable: what the last successful sync applied */
  GUri              *base;           /* the manifest's URI after redirects */
  TmFeedManifest    *manifest;
  char              *manifest_etag;
  char              *manifest_last_modified;
  GPtrArray         *to_fetch;       /* TmFeedShard*, borrowed from manifest, in apply order */
  guint              next;           /* the next shard of to_fetch */
  guint              dropped;        /* shards of the last sync the manifest no longer lists */
  gboolean           returned;       /* the task has returned (or is about to): late callbacks do nothing */
  GError            *failure;        /* the error to return once the running checks are done */

  /* Shards downloaded and checked, waiting for the apply. */
  GPtrArray         *downloaded;     /* Downloaded*, at their to_fetch index; NULL until checked */
  guint              checking;       /* shards in worker threads being checked */
  gsize              keep_limit;     /* the client's "keep-in-memory" */
  char              *spool_dir;      /* nullable: the folder of the bodies kept on disk */

  /* The apply: a thread that has the first shards parsed as they arrive,
   * then, once the last has arrived, writes them in order while others
   * parse the next ones. */
  gboolean           applying;       /* its thread runs: a failure waits for it */
  GMutex             lock;           /* guards what follows, and the slots of downloaded */
  GCond              cond;           /* a shard was checked or parsed, all arrived, or the sync failed */
  gboolean           all_arrived;    /* no request is outstanding or to come: the writer may begin */
  gboolean           abort_parsing;
  gboolean           abort_apply;    /* the sync failed or was cancelled */
  gsize              kept_bytes;     /* bodies kept in memory */
  guint              shards_applied; /* atomic */
  guint64            records_applied;/* under lock */
  GSource           *apply_progress;

  TmFeedProgressFunc progress;
  gpointer           progress_data;
  TmFeedSyncProgress prog;
  gint64             last_report;    /* monotonic, µs */

  /* The request in progress, as asked: each attempt sends it anew. */
  GUri              *req_uri;
  const TmFeedShard *shard;          /* NULL for the manifest */
  gsize              limit;          /* the most bytes the body may have */
  char              *req_etag;       /* for If-None-Match, nullable */
  char              *req_last_modified;
  guint              attempt;        /* from 1 */
  GSource           *wait_source;    /* before the next attempt */

  /* The attempt in progress. */
  SoupMessage       *msg;
  char              *msg_url;        /* for messages: no password */
  GCancellable      *msg_cancellable;
  gulong             msg_cancelled_id;
  GInputStream      *stream;
  GByteArray        *body;
  gsize              received;       /* bytes of body filled so far */
  char              *etag;           /* of the response */
  char              *last_modified;

  TmFeedSyncResult   result;
} Sync;

/* What a worker thread checks and parses: one body. */
typedef struct {
  GByteArray        *body;
  char              *url;
  const TmFeedShard *shard;          /* NULL for the manifest */
  char              *etag;           /* the response's, nullable */
  char              *last_modified;
  char              *spool;          /* nullable: write the checked body there */
  guint              index;          /* the shard's in to_fetch */
} ParseJob;

/* A shard downloaded and checked against the manifest, then parsed and
 * applied. */
typedef struct {
  const TmFeedShard  *shard;
  char               *url;
  char               *etag;
  char               *last_modified;
  GBytes             *body;          /* the checked bytes, or NULL when in spool */
  gsize               kept;          /* bytes of body counted in Sync.kept_bytes */
  char               *spool;         /* nullable: the file holding them */
  /* Filled by a parse worker, under Sync.lock. */
  gboolean            parsed;
  TmFeedFetchedShard *fetched;
  GError             *error;
} Downloaded;

static void fetch_next_shard (GTask *task);

/* @done of @total, 0–1. */
static double
ratio (guint64 done,
       guint64 total)
{
  return (double) MIN (done, total) / (double) total;
}

double
tm_feed_sync_progress_get_fraction (const TmFeedSyncProgress *progress)
{
  double download, apply;

  g_return_val_if_fail (progress != NULL, 0.0);

  if (progress->phase == TM_FEED_SYNC_PHASE_MANIFEST)
    return 0.0;
  /* Past the manifest, the totals are known. */
  if (progress->bytes_total > 0)
    download = ratio (progress->bytes_done, progress->bytes_total);
  else
    download = 1.0;
  if (progress->records_total > 0)
    apply = ratio (progress->records_applied, progress->records_total);
  else if (progress->shards_total > 0)
    apply = ratio (progress->shards_applied, progress->shards_total);
  else
    apply = progress->phase == TM_FEED_SYNC_PHASE_APPLY ? 1.0 : 0.0;
  return 0.5 * download + 0.5 * apply;
}

void
tm_feed_sync_result_clear (TmFeedSyncResult *result)
{
  tm_feed_apply_stats_clear (&result->stats);
  memset (result, 0, sizeof *result);
}

static void
parse_job_free (ParseJob *job)
{
  g_clear_pointer (&job->body, g_byte_array_unref);
  g_free (job->url);
  g_free (job->etag);
  g_free (job->last_modified);
  /* Still set: its body never became a Downloaded, so nothing else will
   * delete the file. */
  if (job->spool != NULL)
    g_unlink (job->spool);
  g_free (job->spool);
  g_free (job);
}

static void
downloaded_free (Downloaded *d)
{
  if (d == NULL)
    return;  /* a slot whose shard never arrived */
  g_free (d->url);
  g_free (d->etag);
  g_free (d->last_modified);
  g_clear_pointer (&d->body, g_bytes_unref);
  if (d->spool != NULL)
    g_unlink (d->spool);
  g_free (d->spool);
  g_clear_pointer (&d->fetched, tm_feed_fetched_shard_free);
  g_clear_error (&d->error);
  g_free (d);
}

static void
forward_cancel (GCancellable *cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Drops the attempt in progress.  A body not read to its end is cancelled
 * first: closing its stream would otherwise read the rest, blocking. */
static void
sync_end_attempt (Sync     *sync,
                  gboolean  read_to_end)
{
  if (!read_to_end && sync->msg_cancellable != NULL)
    g_cancellable_cancel (sync->msg_cancellable);
  g_clear_object (&sync->stream);
  if (sync->msg_cancelled_id != 0)
    {
      g_cancellable_disconnect (sync->stop, sync->msg_cancelled_id);
      sync->msg_cancelled_id = 0;
    }
  g_clear_object (&sync->msg_cancellable);
  g_clear_object (&sync->msg);
  g_clear_pointer (&sync->msg_url, g_free);
  g_clear_pointer (&sync->body, g_byte_array_unref);
  sync->received = 0;
  g_clear_pointer (&sync->etag, g_free);
  g_clear_pointer (&sync->last_modified, g_free);
}

/* Drops the request in progress, its attempt and any wait for a retry. */
static void
sync_end_request (Sync     *sync,
                  gboolean  read_to_end)
{
  sync_end_attempt (sync, read_to_end);
  if (sync->wait_source != NULL)
    {
      g_source_destroy (sync->wait_source);
      g_clear_pointer (&sync->wait_source, g_source_unref);
    }
  g_clear_pointer (&sync->req_uri, g_uri_unref);
  g_clear_pointer (&sync->req_etag, g_free);
  g_clear_pointer (&sync->req_last_modified, g_free);
  sync->shard = NULL;
  sync->attempt = 0;
}

/* Stops what could still call back into a sync that returned. */
static void
sync_stop_timers (Sync *sync)
{
  if (sync->deadline_source != NULL)
    {
      g_source_destroy (sync->deadline_source);
      g_clear_pointer (&sync->deadline_source, g_source_unref);
    }
  if (sync->apply_progress != NULL)
    {
      g_source_destroy (sync->apply_progress);
      g_clear_pointer (&sync->apply_progress, g_source_unref);
    }
  sync_end_request (sync, FALSE);
}

static void
sync_free (Sync *sync)
{
  sync_stop_timers (sync);
  g_clear_object (&sync->store);
  g_free (sync->url);
  g_free (sync->display_url);
  g_clear_pointer (&sync->origin, g_uri_unref);
  if (sync->token != NULL)
    {
      explicit_bzero (sync->token, strlen (sync->token));
      g_free (sync->token);
    }
  if (sync->cancelled_id != 0)
    g_cancellable_disconnect (sync->cancellable, sync->cancelled_id);
  g_clear_object (&sync->cancellable);
  g_clear_object (&sync->stop);
  g_clear_pointer (&sync->state, tm_feed_state_free);
  g_clear_pointer (&sync->base, g_uri_unref);
  g_clear_pointer (&sync->manifest, tm_feed_manifest_free);
  g_free (sync->manifest_etag);
  g_free (sync->manifest_last_modified);
  g_clear_pointer (&sync->to_fetch, g_ptr_array_unref);
  /* remove_downloaded() ran before the sync returned, on every path. */
  g_warn_if_fail (sync->downloaded->len == 0 && sync->spool_dir == NULL);
  g_clear_pointer (&sync->downloaded, g_ptr_array_unref);
  g_clear_error (&sync->failure);
  g_mutex_clear (&sync->lock);
  g_cond_clear (&sync->cond);
  tm_feed_sync_result_clear (&sync->result);
  g_free (sync);
}

/* "90 seconds", "30 minutes": how long the deadline was. */
static char *
format_duration (guint seconds)
{
  if (seconds >= 120 && seconds % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", seconds / 60),
                            seconds / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", seconds), seconds);
}

/* Frees the downloaded shards and removes their files and folder: the
 * apply is over, and nothing may be left behind in TMPDIR once the sync
 * has returned. */
static void
remove_downloaded (Sync *sync)
{
  g_ptr_array_set_size (sync->downloaded, 0);
  if (sync->spool_dir != NULL)
    {
      if (g_rmdir (sync->spool_dir) != 0)
        g_warning ("Could not remove the temporary folder %s: %s",
                   sync->spool_dir, g_strerror (errno));
      g_clear_pointer (&sync->spool_dir, g_free);
    }
}

/* Returns the failure of a sync once no check and no apply runs any
 * more: whatever they downloaded is freed and deleted first. */
static void
return_failure_when_idle (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);

  if (sync->failure == NULL || sync->checking > 0 || sync->applying)
    return;
  remove_downloaded (sync);
  g_task_return_error (task, g_steal_pointer (&sync->failure));
}

/* Ends the sync with @error (taken).  Once the caller has cancelled, the
 * outcome is the cancellation, whatever failed on the way; once the
 * deadline has passed, it is the deadline.  Shards still being checked,
 * and the apply if it started, are waited for (on_shard_checked and
 * on_applied call back), so that the store is as it was and everything
 * the sync downloaded is gone from memory and disk when it returns. */
static void
sync_fail (GTask  *task,
           GError *error)
{
  TmFeedClient *self = g_task_get_source_object (task);
  Sync *sync = g_task_get_task_data (task);
  const char *url = sync->display_url ? sync->display_url : sync->url;

  if (sync->returned)
    {
      /* A second failure, of a worker stopped by the first: perhaps the
       * last the first was waiting for. */
      g_error_free (error);
      return_failure_when_idle (task);
      return;
    }
  sync_stop_timers (sync);
  /* Workers still running see it and stop. */
  sync->returned = TRUE;
  g_cancellable_cancel (sync->stop);
  if (g_cancellable_is_cancelled (sync->cancellable))
    {
      g_clear_error (&error);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("%s: the sync was cancelled; nothing was changed"), url);
    }
  else if (sync->deadline_passed)
    {
      g_autofree char *limit = format_duration (self->deadline);

      g_clear_error (&error);
      if (sync->prog.phase == TM_FEED_SYNC_PHASE_APPLY)
        g_set_error (&error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_DEADLINE,
                     _("%s: the sync did not finish within %s (everything was downloaded, "
                       "but saving it took too long); nothing was changed, try again later"),
                     url, limit);
      else
        g_set_error (&error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_DEADLINE,
                     _("%s: the sync did not finish within %s (the connection is too slow, "
                       "or the server stopped sending); nothing was changed, try again later"),
                     url, limit);
    }

  sync->failure = error;
  if (sync->applying)
    {
      /* The apply thread rolls back and calls on_applied. */
      g_mutex_lock (&sync->lock);
      sync->abort_apply = TRUE;
      g_cond_broadcast (&sync->cond);
      g_mutex_unlock (&sync->lock);
    }
  return_failure_when_idle (task);
}

static void
sync_return (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);

  sync_stop_timers (sync);
  sync->returned = TRUE;
  g_task_return_boolean (task, TRUE);
}

/* Tells the caller how far the sync is: always when @force, otherwise at
 * most every 100 ms. */
static void
report_progress (Sync     *sync,
                 gboolean  force)
{
  gint64 now;

  if (sync->progress == NULL)
    return;
  now = g_get_monotonic_time ();
  if (!force && now - sync->last_report < 100 * G_TIME_SPAN_MILLISECOND)
    return;
  sync->last_report = now;
  sync->prog.attempt = sync->attempt;
  sync->progress (&sync->prog, sync->progress_data);
}

/* The URL as messages show it: without a password. */
static char *
display_uri (GUri *uri)
{
  return g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);
}

static GUri *
parse_feed_url (const char  *url,
                GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL
      || (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0
          && g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_URL,
                   _("“%s” is not a feed URL: give the http:// or https:// address of "
                     "the feed's manifest.json"), url);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

gboolean
tm_feed_client_check_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = parse_feed_url (url, error);
  return uri != NULL;
}

gboolean
tm_feed_client_url_is_insecure (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  host = g_uri_get_host (uri);
  if (host == NULL || g_ascii_strcasecmp (host, "localhost") == 0)
    return FALSE;
  address = g_inet_address_new_from_string (host);
  return address == NULL || !g_inet_address_get_is_loopback (address);
}

static void
set_http_error (GError      **error,
                const char   *url,
                SoupMessage  *msg)
{
  guint status = soup_message_get_status (msg);
  const char *reason = soup_message_get_reason_phrase (msg);

  if (reason == NULL || *reason == '\0')
    reason = soup_status_get_phrase (status);

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    g_set_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT,
                 _("%s: the server answered %u %s; the feed needs an access token, or the "
                   "token was refused: ask the feed's publisher"),
                 url, status, reason);
  else if (status >= 400 && status < 500)
    g_set_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT,
                 _("%s: the server answered %u %s; check the feed URL or ask the feed's "
                   "publisher"),
                 url, status, reason);
  else if (status >= 500)
    g_set_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER,
                 _("%s: the server answered %u %s; the server has a problem, try again "
                   "later"),
                 url, status, reason);
  else
    g_set_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_OTHER,
                 _("%s: the server answered %u %s instead of sending the file; check the "
                   "feed URL"),
                 url, status, reason);
}

/* Runs @func on @job in a worker thread, cancelled with the sync; @done
 * gets the sync's task as its user data. */
static void
run_in_thread (GTask               *task,
               gpointer             job,
               GDestroyNotify       job_free,
               gboolean             check_cancellable,
               GTaskThreadFunc      func,
               GAsyncReadyCallback  done)
{
  Sync *sync = g_task_get_task_data (task);
  g_autoptr(GTask) worker = g_task_new (g_task_get_source_object (task), sync->stop,
                                        done, g_object_ref (task));

  g_task_set_source_tag (worker, run_in_thread);
  g_task_set_check_cancellable (worker, check_cancellable);
  g_task_set_task_data (worker, job, job_free);
  g_task_run_in_thread (worker, func);
}

/* ------------------------------------------------------------------ */
/* One request: send, check the status, read the body up to a limit,  */
/* and send again after a failure that may pass                       */
/* ------------------------------------------------------------------ */

static void body_complete (GTask *task);
static void start_attempt (GTask *task);
static void touch (GTask *task);

/* Whether trying again may help: the network or the server had a passing
 * problem.  A 4xx, a TLS failure or data that is wrong would only fail
 * again. */
static gboolean
is_transient (const GError *error)
{
  static const int io_codes[] = {
    G_IO_ERROR_TIMED_OUT, G_IO_ERROR_CONNECTION_REFUSED, G_IO_ERROR_BROKEN_PIPE,
    G_IO_ERROR_HOST_UNREACHABLE, G_IO_ERROR_NETWORK_UNREACHABLE, G_IO_ERROR_PARTIAL_INPUT,
    G_IO_ERROR_NOT_CONNECTED,
  };

  if (error->domain == G_IO_ERROR)
    {
      for (guint i = 0; i < G_N_ELEMENTS (io_codes); i++)
        if (error->code == io_codes[i])
          return TRUE;
      return FALSE;
    }
  return g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE)
         || g_error_matches (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER);
}

/* Seconds the response's Retry-After asks to wait (a number, or an HTTP
 * date), or -1 when there is none. */
static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  value += strspn (value, " \t");
  if (g_ascii_isdigit (*value))
    {
      g_autofree char *number = g_strchomp (g_strdup (value));

      if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXUINT, &seconds, NULL))
        return -1;
      return (gint64) seconds;
    }
  if (!(when = soup_date_time_new_from_http_string (value)))
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (when, now) / G_TIME_SPAN_SECOND);
}

/* Rewords a transfer failure so that it names the URL and says what the
 * user can do, keeping its domain and code. */
static GError *
describe_transfer_error (TmFeedClient *self,
                         const char   *url,
                         GError       *error)
{
  GError *described;

  if (error->domain != G_IO_ERROR && error->domain != G_RESOLVER_ERROR
      && error->domain != G_TLS_ERROR)
    return error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_autofree char *timeout = format_duration (self->timeout);

      described = g_error_new (error->domain, error->code,
                               _("%s: the server sent nothing for %s; it may be down or "
                                 "overloaded, try again later"),
                               url, timeout);
    }
  else if (error->domain == G_RESOLVER_ERROR)
    described = g_error_new (error->domain, error->code,
                             _("%s: the server's name could not be looked up (%s); check the "
                               "feed URL and your network connection"),
                             url, error->message);
  else if (error->domain == G_TLS_ERROR)
    described = g_error_new (error->domain, error->code,
                             _("%s: the secure connection failed (%s); the server's certificate "
                               "could not be verified, or the connection is being intercepted. "
                               "Nothing was downloaded; ask the feed's publisher"),
                             url, error->message);
  else if (error->code == G_IO_ERROR_CANCELLED || error->code == G_IO_ERROR_PARTIAL_INPUT)
    described = g_error_new (error->domain, error->code, "%s: %s", url, error->message);
  else
    described = g_error_new (error->domain, error->code,
                             _("%s: %s; check your network connection and try again"),
                             url, error->message);
  g_error_free (error);
  return described;
}

static gboolean
on_retry_wait_over (gpointer user_data)
{
  GTask *task = user_data;
  Sync *sync = g_task_get_task_data (task);

  g_clear_pointer (&sync->wait_source, g_source_unref);
  if (g_cancellable_is_cancelled (sync->stop))
    {
      GError *error = NULL;

      g_cancellable_set_error_if_cancelled (sync->stop, &error);
      sync_fail (task, error);
      return G_SOURCE_REMOVE;
    }
  sync->attempt++;
  sync->result.retries++;
  g_debug ("%s: attempt %u", g_uri_get_path (sync->req_uri), sync->attempt);
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

/* The attempt in progress failed with @error (taken): try again after a
 * while when that may help and the limits allow, or end the sync.
 * @retry_after is the response's Retry-After in seconds, or -1. */
static void
attempt_failed (GTask  *task,
                GError *error,
                gint64  retry_after)
{
  TmFeedClient *self = g_task_get_source_object (task);
  Sync *sync = g_task_get_task_data (task);
  guint64 delay_ms;
  g_autoptr(GSource) cancelled = NULL;

  error = describe_transfer_error (self, sync->msg_url, error);
  if (g_cancellable_is_cancelled (sync->stop) || !is_transient (error))
    {
      sync_fail (task, error);
      return;
    }

  if (retry_after > (gint64) self->max_retry_after)
    {
      g_autofree char *wait = format_duration ((guint) MIN (retry_after, G_MAXUINT));
      g_autofree char *advice = NULL;
      char *message;

      /* Translators: added to a message saying the server had a problem,
       * after a semicolon */
      advice = g_strdup_printf (_("it asks to wait %s before trying again"), wait);
      message = g_strconcat (error->message, "; ", advice, NULL);
      g_free (error->message);
      error->message = message;
      sync_fail (task, error);
      return;
    }

  if (sync->attempt >= self->max_attempts)
    {
      char *message;

      if (sync->attempt > 1)
        {
          message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (tried %u time)",
                                                  "%s (tried %u times)", sync->attempt),
                                     error->message, sync->attempt);
          g_free (error->message);
          error->message = message;
        }
      sync_fail (task, error);
      return;
    }

  /* A delay doubling from retry-delay, with up to a quarter more at random
   * so that many clients do not come back at the same moment; or what the
   * server asks. */
  if (retry_after >= 0)
    delay_ms = (guint64) retry_after * 1000;
  else
    {
      delay_ms = (guint64) self->retry_delay << MIN (sync->attempt - 1, 16);
      delay_ms = MIN (delay_ms, 60 * 1000);
      delay_ms += (guint64) g_random_int_range (0, (gint32) (delay_ms / 4 + 1));
    }
  if (g_get_monotonic_time () + (gint64) delay_ms * 1000 >= sync->deadline_time)
    {
      /* The deadline would end the wait: say what went wrong instead. */
      sync_fail (task, error);
      return;
    }

  g_debug ("%s; trying again in %" G_GUINT64_FORMAT " ms", error->message, delay_ms);
  g_error_free (error);
  sync_end_attempt (sync, FALSE);

  sync->prog.phase = TM_FEED_SYNC_PHASE_WAITING;
  sync->prog.wait_seconds = (guint) ((delay_ms + 999) / 1000);
  sync->prog.bytes_done = sync->result.bytes;
  report_progress (sync, TRUE);

  /* Waits for the delay, or until the sync is cancelled: the child source
   * wakes the timeout's callback early. */
  sync->wait_source = g_timeout_source_new ((guint) delay_ms);
  cancelled = g_cancellable_source_new (sync->stop);
  g_source_set_dummy_callback (cancelled);
  g_source_add_child_source (sync->wait_source, cancelled);
  /* The source holds the task: nothing else does while it waits. */
  g_source_set_callback (sync->wait_source, on_retry_wait_over, g_object_ref (task),
                         g_object_unref);
  g_source_attach (sync->wait_source, g_task_get_context (task));
}

/* Reads the next piece of the body into its buffer, at most one byte past
 * the limit: enough to notice a body that is too large. */
static void on_body_read (GObject *source, GAsyncResult *result, gpointer user_data);

static void
read_more (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);
  gsize want = MIN (READ_CHUNK, sync->limit + 1 - sync->received);

  g_byte_array_set_size (sync->body, sync->received + want);
  g_input_stream_read_async (sync->stream, sync->body->data + sync->received, want,
                             G_PRIORITY_DEFAULT, sync->msg_cancellable,
                             on_body_read, g_object_ref (task));
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sync *sync = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      attempt_failed (task, g_steal_pointer (&error), -1);
      return;
    }
  sync->received += n;
  g_byte_array_set_size (sync->body, sync->received);

  if (n == 0)
    {
      body_complete (task);
      return;
    }

  /* Never trust Content-Length (it is the compressed size with gzip, and
   * libsoup 3.2 passes some bodies cut short as complete): count. */
  if (sync->received > sync->limit)
    {
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, sync->limit);

      if (sync->shard == NULL)
        error = g_error_new (TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_TOO_LARGE,
                             _("%s: the manifest is larger than %s bytes; this is not a "
                               "TrustMatch feed, or a damaged one"),
                             sync->msg_url, limit);
      else
        error = g_error_new (TM_FEED_ERROR, TM_FEED_ERROR_SIZE,
                             _("%s: the server sent more than the %s bytes the manifest "
                               "lists (the feed changed while it was read, or the server "
                               "sends another file; try again)"),
                             sync->msg_url, limit);
      sync_fail (task, g_steal_pointer (&error));
      return;
    }
  if (sync->shard != NULL)
    {
      sync->prog.bytes_done = sync->result.bytes + sync->received;
      report_progress (sync, FALSE);
    }
  read_more (task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sync *sync = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  guint status;

  sync->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (sync->stream == NULL)
    {
      attempt_failed (task, g_steal_pointer (&error), -1);
      return;
    }

  status = soup_message_get_status (sync->msg);
  if (status == SOUP_STATUS_NOT_MODIFIED && sync->shard == NULL)
    {
      /* The manifest did not change since the last sync: neither did the
       * feed.  Nothing to fetch; only the time is recorded. */
      sync->result.not_modified = TRUE;
      sync_end_request (sync, TRUE);
      touch (task);
      return;
    }
  if (status == SOUP_STATUS_NOT_MODIFIED
      && (sync->req_etag != NULL || sync->req_last_modified != NULL))
    {
      /* Asked with the validators of the shard's old version, which the
       * manifest says has changed.  Servers derive them from the
       * modification time in whole seconds and the size, so a file
       * rewritten quickly can keep them: ask again without. */
      g_clear_pointer (&sync->req_etag, g_free);
      g_clear_pointer (&sync->req_last_modified, g_free);
      sync_end_attempt (sync, FALSE);
      start_attempt (task);
      return;
    }
  if (status == SOUP_STATUS_NOT_MODIFIED)
    {
      /* 304 to an unconditional request: a cache on the way still has the
       * old version while the new feed is being uploaded. */
      error = g_error_new (TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_INCONSISTENT,
                           _("%s: the server still has the version of the last sync, but "
                             "the manifest lists a new one (the feed is probably being "
                             "uploaded); try again in a few minutes"),
                           sync->msg_url);
      sync_fail (task, g_steal_pointer (&error));
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      set_http_error (&error, sync->msg_url, sync->msg);
      attempt_failed (task, g_steal_pointer (&error),
                      status >= 500 ? parse_retry_after (sync->msg) : -1);
      return;
    }

  headers = soup_message_get_response_headers (sync->msg);
  sync->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  sync->last_modified = g_strdup (soup_message_headers_get_one (headers, "Last-Modified"));
  sync->body = g_byte_array_sized_new (MIN (sync->limit + 1, 4 * READ_CHUNK));
  sync->received = 0;
  read_more (task);
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/* Whether @a and @b have the same scheme, host and port. */
static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0
         && g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0
         && effective_port (a) == effective_port (b);
}

/* Sends the request in progress (again). */
static void
start_attempt (GTask *task)
{
  TmFeedClient *self = g_task_get_source_object (task);
  Sync *sync = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  g_assert (sync->msg == NULL);

  sync->msg = soup_message_new_from_uri (SOUP_METHOD_GET, sync->req_uri);
  sync->msg_url = display_uri (sync->req_uri);
  headers = soup_message_get_request_headers (sync->msg);
  if (sync->req_etag != NULL)
    soup_message_headers_replace (headers, "If-None-Match", sync->req_etag);
  if (sync->req_last_modified != NULL)
    soup_message_headers_replace (headers, "If-Modified-Since", sync->req_last_modified);
  /* libsoup drops the header itself when a redirect leaves the origin;
   * shards of a manifest that was redirected elsewhere never get it. */
  if (sync->token != NULL && same_origin (sync->req_uri, sync->origin))
    {
      g_autofree char *value = g_strconcat ("Bearer ", sync->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
      explicit_bzero (value, strlen (value));
    }

  /* A cancellable of its own, so that one body can be dropped without
   * ending the sync; the sync's cancels it too. */
  sync->msg_cancellable = g_cancellable_new ();
  sync->msg_cancelled_id = g_cancellable_connect (sync->stop, G_CALLBACK (forward_cancel),
                                                  g_object_ref (sync->msg_cancellable),
                                                  g_object_unref);

  sync->prog.phase = sync->shard ? TM_FEED_SYNC_PHASE_DOWNLOAD : TM_FEED_SYNC_PHASE_MANIFEST;
  sync->prog.wait_seconds = 0;
  report_progress (sync, TRUE);

  soup_session_send_async (self->session, sync->msg, G_PRIORITY_DEFAULT,
                           sync->msg_cancellable, on_sent, g_object_ref (task));
}

/* Starts a GET of @uri: the manifest when @shard is NULL.  @etag and
 * @last_modified (nullable) make it conditional. */
static void
send_request (GTask             *task,
              GUri              *uri,
              const TmFeedShard *shard,
              gsize              limit,
              const char        *etag,
              const char        *last_modified)
{
  Sync *sync = g_task_get_task_data (task);

  g_assert (sync->req_uri == NULL);

  sync->req_uri = g_uri_ref (uri);
  sync->shard = shard;
  sync->limit = limit;
  sync->req_etag = g_strdup (etag);
  sync->req_last_modified = g_strdup (last_modified);
  sync->attempt = 1;
  start_attempt (task);
}

/* ------------------------------------------------------------------ */
/* The steps of a sync                                                */
/* ------------------------------------------------------------------ */

/* Parses one checked shard (reading it back from its file) and computes
 * its digests: everything of the apply that needs no store. */
static void
parse_downloaded (gpointer data,
                  gpointer user_data)
{
  Downloaded *d = data;
  Sync *sync = user_data;
  g_autoptr(GBytes) body = NULL;
  TmFeedFetchedShard *fetched = NULL;
  GError *error = NULL;
  gboolean skip;

  g_mutex_lock (&sync->lock);
  skip = sync->abort_parsing;
  body = g_steal_pointer (&d->body);
  /* Parsed, the body makes room for the next in memory. */
  sync->kept_bytes -= d->kept;
  d->kept = 0;
  g_mutex_unlock (&sync->lock);

  if (!skip && body == NULL)
    {
      char *data_read = NULL;
      gsize length = 0;

      if (g_file_get_contents (d->spool, &data_read, &length, &error))
        body = g_bytes_new_take (data_read, length);
      else
        g_prefix_error (&error, _("%s: could not read the downloaded data back: "), d->url);
    }
  if (!skip && body != NULL)
    {
      gsize length;
      const char *bytes = g_bytes_get_data (body, &length);
      /* Its kind and record count are checked by tm_feed_apply_add. */
      TmDataset *dataset = tm_dataset_load_data (bytes ? bytes : "", length, d->url, &error);

      g_clear_pointer (&body, g_bytes_unref);
      if (dataset != NULL)
        {
          fetched = tm_feed_fetched_shard_new (d->shard->path, dataset, d->etag, d->last_modified);
          tm_feed_fetched_shard_prepare (fetched);
        }
    }

  g_mutex_lock (&sync->lock);
  d->fetched = fetched;
  d->error = error;
  d->parsed = TRUE;
  g_cond_broadcast (&sync->cond);
  g_mutex_unlock (&sync->lock);
}

/* Drops the parses not started and waits for those running. */
static void
thread_pool_free_immediately (GThreadPool *pool)
{
  g_thread_pool_free (pool, TRUE, TRUE);
}

static int
compare_apply_rank (gconstpointer a,
                    gconstpointer b)
{
  const TmFeedShard *sa = *(TmFeedShard * const *) a;
  const TmFeedShard *sb = *(TmFeedShard * const *) b;
  guint ra = tm_feed_apply_rank (sa->kind);
  guint rb = tm_feed_apply_rank (sb->kind);

  return (ra > rb) - (ra < rb);
}

/* The cancel handler of the apply thread: wakes it if it waits. */
static void
wake_apply (GCancellable *cancellable,
            gpointer      user_data)
{
  Sync *sync = user_data;

  g_mutex_lock (&sync->lock);
  sync->abort_apply = TRUE;
  g_cond_broadcast (&sync->cond);
  g_mutex_unlock (&sync->lock);
}

/* Hands the shards that have arrived to the parsers, in order, up to
 * @lookahead past the one the writer needs next (@writer_at).  Called with
 * sync->lock held; FALSE (and unlocked) when a job could not be started,
 * or the sync has failed. */
static gboolean
push_parses_locked (Sync          *sync,
                    GThreadPool   *pool,
                    guint          writer_at,
                    guint          lookahead,
                    guint         *pushed,
                    GCancellable  *cancellable,
                    GError       **error)
{
  GPtrArray *slots = sync->downloaded;
  guint n = sync->to_fetch->len;

  for (; *pushed < n && *pushed < writer_at + lookahead
         && g_ptr_array_index (slots, *pushed) != NULL; (*pushed)++)
    {
      /* A job that cannot run would be waited for for ever. */
      if (!g_thread_pool_push (pool, g_ptr_array_index (slots, *pushed), error))
        {
          g_mutex_unlock (&sync->lock);
          return FALSE;
        }
    }
  if (sync->abort_apply)
    {
      g_mutex_unlock (&sync->lock);
      /* sync_fail() has the reason; a cancel says it itself. */
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped");
      return FALSE;
    }
  return TRUE;
}

/* Applies the shards in one transaction: this thread writes them one
 * after the other, in to_fetch order (tm_feed_apply_rank() order), while
 * a pool parses the next few, so that only those few are in memory at
 * once.
 *
 * It starts with the download, but begins the transaction, which takes
 * the store's write lock, only once every shard has arrived: a request
 * may stall for as long as the timeout times the attempts, and an edit in
 * the app must not wait on the network (it would fail with "database is
 * locked" after SQLite's busy timeout).  Until then it has the first few
 * shards parsed and validated, so that a bad one fails the sync while
 * the rest still downloads.  Cancelling, the deadline or a failed check
 * stops it before the commit and rolls everything back. */
static void
apply_thread (GTask        *worker,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Sync *sync = task_data;
  g_autoptr(TmFeedApply) apply = NULL;
  GPtrArray *slots = sync->downloaded;
  guint n = sync->to_fetch->len;   /* fixed once the manifest is read */
  GThreadPool *pool = NULL;
  guint n_threads = CLAMP (g_get_num_processors (), 1, 4);
  guint lookahead = n_threads + 2;
  guint pushed = 0;
  gulong cancelled_id;
  GError *error = NULL;

  /* Not under sync->lock: an early cancel runs wake_apply() here. */
  cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (wake_apply), sync, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto failed;
  if (n > 0 && !(pool = g_thread_pool_new (parse_downloaded, sync, (int) n_threads, FALSE, &error)))
    goto failed;

  g_mutex_lock (&sync->lock);
  for (;;)
    {
      if (!push_parses_locked (sync, pool, 0, lookahead, &pushed, cancellable, &error))
        goto failed;
      if (sync->all_arrived)
        break;
      for (guint j = 0; j < pushed; j++)
        {
          Downloaded *d = g_ptr_array_index (slots, j);

          if (d->parsed && d->error != NULL)
            {
              error = g_steal_pointer (&d->error);
              g_mutex_unlock (&sync->lock);
              goto failed;
            }
        }
      g_cond_wait (&sync->cond, &sync->lock);
    }
  g_mutex_unlock (&sync->lock);

  if (!(apply = tm_feed_apply_begin (sync->store, sync->url, sync->manifest,
                                     sync->manifest_etag, sync->manifest_last_modified,
                                     &error)))
    goto failed;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TmFeedFetchedShard) fetched = NULL;
      Downloaded *d;

      g_mutex_lock (&sync->lock);
      for (;;)
        {
          /* The next few that have arrived go to the parsers, in order. */
          if (!push_parses_locked (sync, pool, i, lookahead, &pushed, cancellable, &error))
            goto failed;
          d = g_ptr_array_index (slots, i);
          if (d != NULL && d->parsed)
            break;
          g_cond_wait (&sync->cond, &sync->lock);
        }
      fetched = g_steal_pointer (&d->fetched);
      error = g_steal_pointer (&d->error);
      g_mutex_unlock (&sync->lock);

      if (error != NULL)
        goto failed;
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;
      if (!tm_feed_apply_add (apply, fetched, &error))
        goto failed;

      g_mutex_lock (&sync->lock);
      sync->records_applied += (guint64) d->shard->records;
      g_mutex_unlock (&sync->lock);
      g_atomic_int_inc (&sync->shards_applied);
    }
  g_clear_pointer (&pool, thread_pool_free_immediately);

  /* The last moment a cancel can still leave everything as it was.  Every
   * shard has been checked by now, so no download can fail any more. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error)
      || !tm_feed_apply_commit (apply, &sync->result.stats, &error))
    goto failed;
  g_cancellable_disconnect (cancellable, cancelled_id);
  g_task_return_boolean (worker, TRUE);
  return;

failed:
  if (pool != NULL)
    {
      g_mutex_lock (&sync->lock);
      sync->abort_parsing = TRUE;
      g_mutex_unlock (&sync->lock);
      thread_pool_free_immediately (pool);
    }
  g_clear_pointer (&apply, tm_feed_apply_free);  /* rolls back */
  g_cancellable_disconnect (cancellable, cancelled_id);
  g_task_return_error (worker, error);
}

static void
on_applied (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sync *sync = g_task_get_task_data (task);
  GError *error = NULL;

  sync->applying = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (sync->returned)
        {
          /* Stopped by sync_fail(), whose error it was waiting for us. */
          g_error_free (error);
          return_failure_when_idle (task);
        }
      else
        sync_fail (task, error);
      return;
    }
  /* Committed: every shard was checked, so nothing could fail the sync
   * after the commit but the caller's late cancel, which the commit wins. */
  g_assert (!sync->returned);
  remove_downloaded (sync);
  sync->result.fetched = sync->prog.shards_done;
  sync->result.changed = sync->result.fetched > 0 || sync->dropped > 0;
  sync->prog.shards_applied = sync->prog.shards_total;
  sync->prog.records_applied = sync->prog.records_total;
  report_progress (sync, TRUE);
  sync_return (task);
}

static gboolean
on_apply_progress (gpointer user_data)
{
  Sync *sync = user_data;

  sync->prog.shards_applied = (guint) g_atomic_int_get (&sync->shards_applied);
  g_mutex_lock (&sync->lock);
  sync->prog.records_applied = sync->records_applied;
  g_mutex_unlock (&sync->lock);
  report_progress (sync, TRUE);
  return G_SOURCE_CONTINUE;
}

/* Starts the apply thread, which takes the shards as they arrive and
 * writes them once all have. */
static void
start_apply (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);

  g_assert (!sync->applying);
  sync->applying = TRUE;
  if (sync->progress != NULL)
    {
      sync->apply_progress = g_timeout_source_new (100);
      g_source_set_callback (sync->apply_progress, on_apply_progress, sync, NULL);
      g_source_attach (sync->apply_progress, g_task_get_context (task));
    }
  /* Cancellable until the commit; after it, the result says what
   * happened. */
  run_in_thread (task, sync, NULL, FALSE, apply_thread, on_applied);
}

/* Every changed shard has arrived and been checked. */
static void
downloads_done (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);

  sync->prog.phase = TM_FEED_SYNC_PHASE_APPLY;
  report_progress (sync, TRUE);
}

static void
touch_thread (GTask        *worker,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Sync *sync = task_data;
  GError *error = NULL;

  if (!tm_store_touch_feed (sync->store, sync->url, &error))
    g_task_return_error (worker, error);
  else
    g_task_return_boolean (worker, TRUE);
}

static void
on_touched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    sync_fail (task, error);
  else
    sync_return (task);
}

/* The feed is unchanged: the store is as current as it gets. */
static void
touch (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);

  run_in_thread (task, sync, NULL, FALSE, touch_thread, on_touched);
}

/* Checks a shard's bytes against the manifest and keeps them for the
 * apply: in memory, or in a file when job->spool is set. */
static void
check_shard_thread (GTask        *worker,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ParseJob *job = task_data;
  TmFeedShard named = *job->shard;
  GError *error = NULL;

  /* Messages name the shard by its URL, not its path in the manifest. */
  named.path = job->url;
  if (!tm_feed_check_shard_bytes (&named, (const char *) job->body->data, job->body->len, &error))
    {
      g_task_return_error (worker, error);
      return;
    }
  if (job->spool != NULL)
    {
      if (!g_file_set_contents_full (job->spool, (const char *) job->body->data, job->body->len,
                                     G_FILE_SET_CONTENTS_NONE, 0600, &error))
        {
          /* A full disk leaves part of the file. */
          g_unlink (job->spool);
          g_autofree char *dir = g_path_get_dirname (job->spool);
          GError *described = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                           _("%s: could not keep the downloaded data in “%s” "
                                             "until it is saved (%s); make room on that disk, "
                                             "or point TMPDIR at another folder, and try again"),
                                           job->url, dir, error->message);

          g_error_free (error);
          g_task_return_error (worker, described);
          return;
        }
      g_clear_pointer (&job->body, g_byte_array_unref);
    }
  g_task_return_boolean (worker, TRUE);
}

static void
on_shard_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sync *sync = g_task_get_task_data (task);
  ParseJob *job = g_task_get_task_data (G_TASK (result));
  Downloaded *d;
  GError *error = NULL;

  sync->checking--;
  if (!g_task_propagate_boolean (G_TASK (result), &error) || sync->returned)
    {
      /* Its file goes now, before the folder. */
      if (job->spool != NULL)
        g_unlink (job->spool);
      g_clear_pointer (&job->spool, g_free);
      if (error != NULL)
        sync_fail (task, error);
      return_failure_when_idle (task);  /* perhaps the last check a failure waited for */
      return;
    }

  d = g_new0 (Downloaded, 1);
  d->shard = job->shard;
  d->url = g_strdup (job->url);
  d->etag = g_strdup (job->etag);
  d->last_modified = g_strdup (job->last_modified);
  if (job->spool != NULL)
    d->spool = g_steal_pointer (&job->spool);
  else
    {
      d->body = g_byte_array_free_to_bytes (g_steal_pointer (&job->body));
      d->kept = g_bytes_get_size (d->body);
    }
  /* The apply thread may be waiting for this one. */
  g_mutex_lock (&sync->lock);
  g_assert (g_ptr_array_index (sync->downloaded, job->index) == NULL);
  g_ptr_array_index (sync->downloaded, job->index) = d;
  g_cond_broadcast (&sync->cond);
  g_mutex_unlock (&sync->lock);

  sync->prog.shards_done++;
  sync->prog.records_done += (guint64) job->shard->records;
  report_progress (sync, TRUE);
  fetch_next_shard (task);
}

static void
parse_manifest_thread (GTask        *worker,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ParseJob *job = task_data;
  GError *error = NULL;
  TmFeedManifest *manifest;

  manifest = tm_feed_manifest_parse ((const char *) job->body->data, job->body->len,
                                     job->url, &error);
  if (manifest == NULL)
    g_task_return_error (worker, error);
  else
    g_task_return_pointer (worker, manifest, (GDestroyNotify) tm_feed_manifest_free);
}

/* Picks the shards to fetch: those whose sha256 differs from the one the
 * last successful sync applied, or that are new. */
static void
on_manifest_parsed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sync *sync = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GHashTable) listed = NULL;

  sync->manifest = g_task_propagate_pointer (G_TASK (result), &error);
  if (sync->manifest == NULL)
    {
      sync_fail (task, error);
      return;
    }

  sync->result.shards = sync->manifest->shards->len;
  listed = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < sync->manifest->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (sync->manifest->shards, i);
      TmFeedShardState *old = sync->state ? tm_feed_state_find_shard (sync->state, shard->path) : NULL;

      g_hash_table_add (listed, shard->path);
      if (old == NULL || strcmp (old->sha256, shard->sha256) != 0)
        g_ptr_array_add (sync->to_fetch, shard);
    }
  if (sync->state != NULL)
    for (guint i = 0; i < sync->state->shards->len; i++)
      {
        TmFeedShardState *old = g_ptr_array_index (sync->state->shards, i);

        if (!g_hash_table_contains (listed, old->path))
          sync->dropped++;
      }
  /* Fetched in the order they are applied, so that the apply can start
   * before the last arrives.  Stable: a kind's shards stay in manifest
   * order. */
  g_ptr_array_sort (sync->to_fetch, compare_apply_rank);
  g_ptr_array_set_size (sync->downloaded, sync->to_fetch->len);
  for (guint i = 0; i < sync->to_fetch->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (sync->to_fetch, i);

      sync->prog.shards_total++;
      sync->prog.bytes_total += (guint64) shard->bytes;
      sync->prog.records_total += (guint64) shard->records;
    }
  /* It parses the first shards as they arrive, and writes once all have. */
  start_apply (task);
  fetch_next_shard (task);
}

/* A body arrived whole (by the server's account): check and parse it in a
 * worker thread. */
static void
body_complete (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);
  ParseJob *job;

  if (sync->shard == NULL)
    {
      /* libsoup 3.2 also passes a body cut short under its Content-Length
       * as complete.  Without gzip the length is the body's: compare. */
      SoupMessageHeaders *headers = soup_message_get_response_headers (sync->msg);
      goffset length = soup_message_headers_get_content_length (headers);

      if (soup_message_headers_get_one (headers, "Content-Encoding") == NULL
          && length > 0 && (goffset) sync->received < length)
        {
          g_autofree char *received = g_strdup_printf ("%" G_GSIZE_FORMAT, sync->received);
          g_autofree char *expected = g_strdup_printf ("%" G_GOFFSET_FORMAT, length);

          attempt_failed (task,
                          g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                       _("the server sent only %s of the %s bytes it announced "
                                         "(the connection broke off); try again"),
                                       received, expected),
                          -1);
          return;
        }
    }

  if (sync->shard != NULL && sync->received < sync->limit)
    {
      /* Cut short (libsoup 3.2 reports some such bodies as complete): the
       * connection broke, which another attempt may get past. */
      g_autofree char *received = g_strdup_printf ("%" G_GSIZE_FORMAT, sync->received);
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, sync->limit);

      attempt_failed (task,
                      g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                   _("the server sent only %s of the %s bytes the manifest "
                                     "lists (the connection broke off, or the file on the "
                                     "server is not the one the manifest lists); try again"),
                                   received, limit),
                      -1);
      return;
    }

  job = g_new0 (ParseJob, 1);
  job->body = g_steal_pointer (&sync->body);
  job->url = g_strdup (sync->msg_url);
  job->shard = sync->shard;
  job->etag = g_steal_pointer (&sync->etag);
  job->last_modified = g_steal_pointer (&sync->last_modified);

  if (sync->shard == NULL)
    {
      /* Shard paths resolve against the manifest's URI after redirects. */
      g_clear_pointer (&sync->base, g_uri_unref);
      sync->base = g_uri_ref (soup_message_get_uri (sync->msg));
      g_free (sync->manifest_etag);
      g_free (sync->manifest_last_modified);
      sync->manifest_etag = g_strdup (job->etag);
      sync->manifest_last_modified = g_strdup (job->last_modified);
      sync_end_request (sync, TRUE);
      run_in_thread (task, job, (GDestroyNotify) parse_job_free, TRUE,
                     parse_manifest_thread, on_manifest_parsed);
    }
  else
    {
      GError *error = NULL;

      /* Counted when it arrives whole: a failure later fails the sync,
       * whose result is then not read. */
      sync->result.bytes += job->body->len;
      sync->prog.bytes_done = sync->result.bytes;
      sync_end_request (sync, TRUE);

      /* Its index in to_fetch: one shard is fetched at a time. */
      job->index = sync->next - 1;
      g_assert (g_ptr_array_index (sync->to_fetch, job->index) == job->shard);
      g_mutex_lock (&sync->lock);
      if (sync->kept_bytes + job->body->len <= sync->keep_limit)
        {
          sync->kept_bytes += job->body->len;
          g_mutex_unlock (&sync->lock);
        }
      else
        {
          g_mutex_unlock (&sync->lock);
          if (sync->spool_dir == NULL
              && !(sync->spool_dir = g_dir_make_tmp ("trustmatch-sync-XXXXXX", &error)))
            {
              g_prefix_error (&error, _("%s: could not make a temporary folder for the "
                                        "downloaded data: "), sync->display_url);
              parse_job_free (job);
              sync_fail (task, error);
              return;
            }
          job->spool = g_strdup_printf ("%s/%05u.json", sync->spool_dir, job->index);
        }

      /* Checked in a worker while the next shard is downloaded. */
      sync->checking++;
      run_in_thread (task, job, (GDestroyNotify) parse_job_free, TRUE,
                     check_shard_thread, on_shard_checked);
      fetch_next_shard (task);
    }
}

static void
fetch_next_shard (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);
  const TmFeedShard *shard;
  TmFeedShardState *old;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  if (sync->returned || sync->msg != NULL || sync->req_uri != NULL)
    return;  /* a request is in progress; it calls again when done */
  if (sync->next >= sync->to_fetch->len)
    {
      /* No request is outstanding, and none will be sent: the writer may
       * take the store's write lock now (the checks left are local). */
      g_mutex_lock (&sync->lock);
      if (!sync->all_arrived)
        {
          sync->all_arrived = TRUE;
          g_cond_broadcast (&sync->cond);
        }
      g_mutex_unlock (&sync->lock);
      if (sync->checking == 0)
        downloads_done (task);
      return;
    }
  if (sync->checking >= MAX_CHECKING)
    return;  /* on_shard_checked calls again */

  shard = g_ptr_array_index (sync->to_fetch, sync->next++);
  /* The manifest checked the path: relative, no "..", so it stays below
   * the manifest's folder. */
  uri = g_uri_parse_relative (sync->base, shard->path, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_prefix_error (&error, "%s: ", sync->display_url);
      sync_fail (task, error);
      return;
    }
  old = sync->state ? tm_feed_state_find_shard (sync->state, shard->path) : NULL;
  send_request (task, uri, shard, (gsize) shard->bytes,
                old ? old->etag : NULL, old ? old->last_modified : NULL);
}

/* ------------------------------------------------------------------ */
/* The object                                                         */
/* ------------------------------------------------------------------ */

static void
tm_feed_client_dispose (GObject *object)
{
  TmFeedClient *self = TM_FEED_CLIENT (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (tm_feed_client_parent_class)->dispose (object);
}

static void
tm_feed_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TmFeedClient *self = TM_FEED_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:         g_value_set_uint (value, self->timeout); break;
    case PROP_DEADLINE:        g_value_set_uint (value, self->deadline); break;
    case PROP_MAX_ATTEMPTS:    g_value_set_uint (value, self->max_attempts); break;
    case PROP_RETRY_DELAY:     g_value_set_uint (value, self->retry_delay); break;
    case PROP_MAX_RETRY_AFTER: g_value_set_uint (value, self->max_retry_after); break;
    case PROP_KEEP_IN_MEMORY:  g_value_set_uint (value, self->keep_in_memory); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_feed_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TmFeedClient *self = TM_FEED_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint (value);
      /* The session's timeout is an inactivity timeout: a request that
       * receives nothing for this long fails.  It only reaches
       * connections opened after it is set, so a new value gets a new
       * session rather than kept-alive connections with the old one. */
      g_clear_object (&self->session);
      self->session = soup_session_new_with_options ("user-agent", "TrustMatch/" PACKAGE_VERSION,
                                                     "timeout", self->timeout,
                                                     NULL);
      break;
    case PROP_DEADLINE:        self->deadline = g_value_get_uint (value); break;
    case PROP_MAX_ATTEMPTS:    self->max_attempts = g_value_get_uint (value); break;
    case PROP_RETRY_DELAY:     self->retry_delay = g_value_get_uint (value); break;
    case PROP_MAX_RETRY_AFTER: self->max_retry_after = g_value_get_uint (value); break;
    case PROP_KEEP_IN_MEMORY:  self->keep_in_memory = g_value_get_uint (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_feed_client_class_init (TmFeedClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS
                      | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tm_feed_client_dispose;
  object_class->get_property = tm_feed_client_get_property;
  object_class->set_property = tm_feed_client_set_property;

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, "Seconds without data before a request fails",
                       1, 3600, TM_FEED_CLIENT_TIMEOUT, flags);
  properties[PROP_DEADLINE] =
    g_param_spec_uint ("deadline", NULL, "Seconds a whole sync may take",
                       1, 24 * 3600, TM_FEED_CLIENT_DEADLINE, flags);
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, "Attempts per request, the first one included",
                       1, 10, TM_FEED_CLIENT_MAX_ATTEMPTS, flags);
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, "Milliseconds before the first retry",
                       0, 60 * 1000, TM_FEED_CLIENT_RETRY_DELAY, flags);
  properties[PROP_MAX_RETRY_AFTER] =
    g_param_spec_uint ("max-retry-after", NULL, "Longest Retry-After waited for, in seconds",
                       0, 3600, TM_FEED_CLIENT_MAX_RETRY_AFTER, flags);
  properties[PROP_KEEP_IN_MEMORY] =
    g_param_spec_uint ("keep-in-memory", NULL,
                       "Bytes of downloaded shards kept in memory until the apply; "
                       "the rest wait in a temporary folder",
                       0, G_MAXUINT, TM_FEED_CLIENT_KEEP_IN_MEMORY, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tm_feed_client_init (TmFeedClient *self)
{
  /* SoupContentDecoder is there by default, so gzip is asked for and
   * decoded.  The "timeout" property, set at construction, makes the
   * session. */
}

TmFeedClient *
tm_feed_client_new (void)
{
  return g_object_new (TM_TYPE_FEED_CLIENT, NULL);
}

static gboolean
on_deadline (gpointer user_data)
{
  GTask *task = user_data;
  Sync *sync = g_task_get_task_data (task);

  g_clear_pointer (&sync->deadline_source, g_source_unref);
  sync->deadline_passed = TRUE;
  /* Whatever is in flight fails as cancelled, and sync_fail() says why. */
  g_cancellable_cancel (sync->stop);
  return G_SOURCE_REMOVE;
}

void
tm_feed_client_sync_async (TmFeedClient            *self,
                           TmStore                 *store,
                           const char              *url,
                           const TmFeedSyncOptions *options,
                           GCancellable            *cancellable,
                           GAsyncReadyCallback      callback,
                           gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;
  Sync *sync;

  g_return_if_fail (TM_IS_FEED_CLIENT (self));
  g_return_if_fail (TM_IS_STORE (store));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tm_feed_client_sync_async);
  /* Once the store transaction has run, its outcome is the result, even
   * if the caller cancelled meanwhile. */
  g_task_set_check_cancellable (task, FALSE);

  sync = g_new0 (Sync, 1);
  sync->store = g_object_ref (store);
  sync->url = g_strdup (url);
  sync->keep_limit = self->keep_in_memory;
  sync->stop = g_cancellable_new ();
  sync->to_fetch = g_ptr_array_new ();
  sync->downloaded = g_ptr_array_new_with_free_func ((GDestroyNotify) downloaded_free);
  g_mutex_init (&sync->lock);
  g_cond_init (&sync->cond);
  if (options != NULL)
    {
      if (options->token != NULL && *options->token != '\0')
        sync->token = g_strdup (options->token);
      sync->progress = options->progress;
      sync->progress_data = options->progress_data;
    }
  g_task_set_task_data (task, sync, (GDestroyNotify) sync_free);

  if (!(uri = parse_feed_url (url, &error)))
    {
      sync_fail (task, error);
      return;
    }
  sync->display_url = display_uri (uri);
  sync->origin = g_uri_ref (uri);
  if (cancellable != NULL)
    {
      sync->cancellable = g_object_ref (cancellable);
      sync->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                                  g_object_ref (sync->stop), g_object_unref);
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      sync_fail (task, error);
      return;
    }
  if (!tm_store_get_feed_state (store, url, &sync->state, &error))
    {
      sync_fail (task, error);
      return;
    }

  sync->deadline_time = g_get_monotonic_time () + (gint64) self->deadline * G_TIME_SPAN_SECOND;
  sync->deadline_source = g_timeout_source_new_seconds (self->deadline);
  g_source_set_callback (sync->deadline_source, on_deadline, task, NULL);
  g_source_attach (sync->deadline_source, g_task_get_context (task));

  send_request (task, uri, NULL, TM_FEED_MAX_MANIFEST_SIZE,
                sync->state ? sync->state->manifest_etag : NULL,
                sync->state ? sync->state->manifest_last_modified : NULL);
}

gboolean
tm_feed_client_sync_finish (TmFeedClient      *self,
                            GAsyncResult      *result,
                            TmFeedSyncResult  *out,
                            GError           **error)
{
  Sync *sync;

  g_return_val_if_fail (TM_IS_FEED_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tm_feed_client_sync_async, FALSE);

  if (out != NULL)
    memset (out, 0, sizeof *out);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  sync = g_task_get_task_data (G_TASK (result));
  if (out != NULL)
    {
      *out = sync->result;
      memset (&sync->result, 0, sizeof sync->result);
    }
  return TRUE;
}
