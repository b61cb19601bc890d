/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-feed-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tm-feed-client.h"
#include "tm-json.h"

/* Bodies are read in pieces this large: small enough that one read never
 * holds the main loop long, large enough to keep the syscalls few. */
#define READ_CHUNK ((gsize) 64 * 1024)

struct _TmFeedClient {
  GObject      parent_instance;

  SoupSession *session;
};

G_DEFINE_TYPE (TmFeedClient, tm_feed_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (tm-feed-client-error-quark, tm_feed_client_error)

/* One sync in progress: the data of the GTask that tm_feed_client_sync_async
 * returns through. */
typedef struct {
  TmStore           *store;
  char              *url;            /* as given: the store's key for the feed */
  char              *display_url;    /* for messages: no password */
  GCancellable      *cancellable;    /* the caller's, nullable */
  TmFeedState       *state;          /* nullable: what the last successful sync applied */
  GUri              *base;           /* the manifest's URI after redirects */
  TmFeedManifest    *manifest;
  char              *manifest_etag;
  char              *manifest_last_modified;
  GPtrArray         *to_fetch;       /* TmFeedShard*, borrowed from manifest */
  guint              next;           /* the next shard of to_fetch */
  guint              dropped;        /* shards of the last sync the manifest no longer lists */
  GPtrArray         *fetched;        /* TmFeedFetchedShard* */

  /* The request in progress. */
  SoupMessage       *msg;
  char              *msg_url;        /* for messages: no password */
  const TmFeedShard *shard;          /* NULL for the manifest */
  GCancellable      *msg_cancellable;
  gulong             cancelled_id;
  GInputStream      *stream;
  GByteArray        *body;
  gsize              received;       /* bytes of body filled so far */
  gsize              limit;          /* the most bytes the body may have */
  char              *etag;
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
} ParseJob;

static void fetch_next_shard (GTask *task);

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
  g_free (job);
}

static void
forward_cancel (GCancellable *cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Drops the request in progress.  A body not read to its end is cancelled
 * first: closing its stream would otherwise read the rest, blocking. */
static void
sync_end_request (Sync     *sync,
                  gboolean  read_to_end)
{
  if (!read_to_end && sync->msg_cancellable != NULL)
    g_cancellable_cancel (sync->msg_cancellable);
  g_clear_object (&sync->stream);
  if (sync->cancelled_id != 0)
    {
      g_cancellable_disconnect (sync->cancellable, sync->cancelled_id);
      sync->cancelled_id = 0;
    }
  g_clear_object (&sync->msg_cancellable);
  g_clear_object (&sync->msg);
  g_clear_pointer (&sync->msg_url, g_free);
  g_clear_pointer (&sync->body, g_byte_array_unref);
  sync->received = 0;
  g_clear_pointer (&sync->etag, g_free);
  g_clear_pointer (&sync->last_modified, g_free);
  sync->shard = NULL;
}

static void
sync_free (Sync *sync)
{
  sync_end_request (sync, FALSE);
  g_clear_object (&sync->store);
  g_free (sync->url);
  g_free (sync->display_url);
  g_clear_object (&sync->cancellable);
  g_clear_pointer (&sync->state, tm_feed_state_free);
  g_clear_pointer (&sync->base, g_uri_unref);
  g_clear_pointer (&sync->manifest, tm_feed_manifest_free);
  g_free (sync->manifest_etag);
  g_free (sync->manifest_last_modified);
  g_clear_pointer (&sync->to_fetch, g_ptr_array_unref);
  g_clear_pointer (&sync->fetched, g_ptr_array_unref);
  tm_feed_sync_result_clear (&sync->result);
  g_free (sync);
}

/* Ends the sync with @error (taken).  Once the caller has cancelled, the
 * outcome is the cancellation, whatever failed on the way. */
static void
sync_fail (GTask  *task,
           GError *error)
{
  Sync *sync = g_task_get_task_data (task);

  sync_end_request (sync, FALSE);
  if (g_cancellable_is_cancelled (sync->cancellable))
    {
      g_clear_error (&error);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("%s: the sync was cancelled; nothing was changed"),
                   sync->display_url ? sync->display_url : sync->url);
    }
  g_task_return_error (task, error);
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

/* Runs @func on @job in a worker thread; @done gets the sync's task as its
 * user data. */
static void
run_in_thread (GTask               *task,
               gpointer             job,
               GDestroyNotify       job_free,
               gboolean             check_cancellable,
               GTaskThreadFunc      func,
               GAsyncReadyCallback  done)
{
  g_autoptr(GTask) worker = g_task_new (g_task_get_source_object (task),
                                        g_task_get_cancellable (task),
                                        done, g_object_ref (task));

  g_task_set_source_tag (worker, run_in_thread);
  g_task_set_check_cancellable (worker, check_cancellable);
  g_task_set_task_data (worker, job, job_free);
  g_task_run_in_thread (worker, func);
}

/* ------------------------------------------------------------------ */
/* One request: send, check the status, read the body up to a limit   */
/* ------------------------------------------------------------------ */

static void body_complete (GTask *task);

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
      g_prefix_error (&error, "%s: ", sync->msg_url);
      sync_fail (task, g_steal_pointer (&error));
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
  read_more (task);
}

static void
read_body (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);

  sync->body = g_byte_array_sized_new (MIN (sync->limit + 1, 4 * READ_CHUNK));
  sync->received = 0;
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
      g_prefix_error (&error, "%s: ", sync->msg_url);
      sync_fail (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (sync->msg);
  if (status == SOUP_STATUS_NOT_MODIFIED && sync->shard == NULL)
    {
      /* The manifest did not change since the last sync: neither did the
       * feed.  Nothing to fetch, nothing to write. */
      sync->result.not_modified = TRUE;
      sync_end_request (sync, TRUE);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (status == SOUP_STATUS_NOT_MODIFIED)
    {
      /* Only asked with the ETag of the shard's old version, which the
       * manifest says is gone: the upload of a new feed is under way. */
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
      sync_fail (task, g_steal_pointer (&error));
      return;
    }

  headers = soup_message_get_response_headers (sync->msg);
  sync->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  sync->last_modified = g_strdup (soup_message_headers_get_one (headers, "Last-Modified"));
  read_body (task);
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
  TmFeedClient *self = g_task_get_source_object (task);
  Sync *sync = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  g_assert (sync->msg == NULL);

  sync->msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  sync->msg_url = display_uri (uri);
  sync->shard = shard;
  sync->limit = limit;
  headers = soup_message_get_request_headers (sync->msg);
  if (etag != NULL)
    soup_message_headers_replace (headers, "If-None-Match", etag);
  if (last_modified != NULL)
    soup_message_headers_replace (headers, "If-Modified-Since", last_modified);

  /* A cancellable of its own, so that one body can be dropped without
   * cancelling the sync; the caller's cancels it too. */
  sync->msg_cancellable = g_cancellable_new ();
  if (sync->cancellable != NULL)
    sync->cancelled_id = g_cancellable_connect (sync->cancellable, G_CALLBACK (forward_cancel),
                                                g_object_ref (sync->msg_cancellable),
                                                g_object_unref);

  soup_session_send_async (self->session, sync->msg, G_PRIORITY_DEFAULT,
                           sync->msg_cancellable, on_sent, g_object_ref (task));
}

/* ------------------------------------------------------------------ */
/* The steps of a sync                                                */
/* ------------------------------------------------------------------ */

static void
apply_thread (GTask        *worker,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Sync *sync = task_data;
  GError *error = NULL;

  /* The last moment a cancel can still leave everything as it was. */
  if (g_task_return_error_if_cancelled (worker))
    return;
  if (!tm_store_apply_feed (sync->store, sync->url, sync->manifest,
                            sync->manifest_etag, sync->manifest_last_modified,
                            sync->fetched, &sync->result.stats, &error))
    g_task_return_error (worker, error);
  else
    g_task_return_boolean (worker, TRUE);
}

static void
on_applied (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sync *sync = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      sync_fail (task, error);
      return;
    }
  sync->result.changed = sync->fetched->len > 0 || sync->dropped > 0;
  g_task_return_boolean (task, TRUE);
}

static void
apply (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);

  /* Not cancellable once started: the result must say what happened. */
  run_in_thread (task, sync, NULL, FALSE, apply_thread, on_applied);
}

static void
parse_shard_thread (GTask        *worker,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ParseJob *job = task_data;
  TmFeedShard named = *job->shard;
  GError *error = NULL;
  TmDataset *dataset;

  /* Messages name the shard by its URL, not its path in the manifest. */
  named.path = job->url;
  if (!tm_feed_check_shard_bytes (&named, (const char *) job->body->data, job->body->len, &error))
    {
      g_task_return_error (worker, error);
      return;
    }
  if (g_task_return_error_if_cancelled (worker))
    return;
  /* Its kind and record count are checked by tm_store_apply_feed before
   * anything is written. */
  dataset = tm_dataset_load_data ((const char *) job->body->data, job->body->len, job->url, &error);
  if (dataset == NULL)
    g_task_return_error (worker, error);
  else
    g_task_return_pointer (worker, dataset, (GDestroyNotify) tm_dataset_free);
}

static void
on_shard_parsed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sync *sync = g_task_get_task_data (task);
  ParseJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  TmDataset *dataset;

  dataset = g_task_propagate_pointer (G_TASK (result), &error);
  if (dataset == NULL)
    {
      sync_fail (task, error);
      return;
    }
  sync->result.fetched++;
  sync->result.bytes += job->body->len;
  g_ptr_array_add (sync->fetched,
                   tm_feed_fetched_shard_new (job->shard->path, dataset,
                                              job->etag, job->last_modified));
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
  fetch_next_shard (task);
}

/* A body arrived whole (by the server's account): check and parse it in a
 * worker thread. */
static void
body_complete (GTask *task)
{
  Sync *sync = g_task_get_task_data (task);
  ParseJob *job = g_new0 (ParseJob, 1);

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
      sync_end_request (sync, TRUE);
      run_in_thread (task, job, (GDestroyNotify) parse_job_free, TRUE,
                     parse_shard_thread, on_shard_parsed);
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

  if (sync->next >= sync->to_fetch->len)
    {
      apply (task);
      return;
    }

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
tm_feed_client_class_init (TmFeedClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tm_feed_client_dispose;
}

static void
tm_feed_client_init (TmFeedClient *self)
{
  /* The session's timeout is an inactivity timeout: a request that
   * receives nothing for this long fails.  SoupContentDecoder is there by
   * default, so gzip is asked for and decoded. */
  self->session = soup_session_new_with_options ("timeout", TM_FEED_CLIENT_TIMEOUT,
                                                 "user-agent", "TrustMatch/" PACKAGE_VERSION,
                                                 NULL);
}

TmFeedClient *
tm_feed_client_new (void)
{
  return g_object_new (TM_TYPE_FEED_CLIENT, NULL);
}

void
tm_feed_client_sync_async (TmFeedClient        *self,
                           TmStore             *store,
                           const char          *url,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
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
  sync->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  sync->to_fetch = g_ptr_array_new ();
  sync->fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);
  g_task_set_task_data (task, sync, (GDestroyNotify) sync_free);

  if (!(uri = parse_feed_url (url, &error)))
    {
      sync_fail (task, error);
      return;
    }
  sync->display_url = display_uri (uri);
  if (!tm_store_get_feed_state (store, url, &sync->state, &error))
    {
      sync_fail (task, error);
      return;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      sync_fail (task, error);
      return;
    }

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
