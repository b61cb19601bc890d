/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "app/core/tm-json.h"
#include "app/core/tm-store-feed.h"
#include "app/net/tm-feed-client.h"
#include "tm-test-utils.h"

/* The feed is published from the sample data by tm_feed_publish and
 * served by two SoupServers in this process, on two ports of 127.0.0.1
 * (two origins), in a thread of their own; the client runs on the test's
 * main loop.  The servers log every request and inject the fault a test
 * asks for (set while no sync runs).
 *
 * Every fault test follows the same pattern: a first sync succeeds, the
 * publisher changes the feed, the fault is switched on, the sync fails
 * with a specific error and leaves the store and its feed state byte for
 * byte as they were, then the fault is cleared and a sync brings the new
 * data. */

static const char *sample_dir;
static const char *cli;

/* Every sync of the tests sends this token: no message, output or file
 * may ever contain it. */
#define TOKEN "s3cret-token-123"

/* libsoup 3.2's server leaks the socket of every connection it accepts
 * and the address of the one it listens on (fixed in 3.3, see
 * PLATFORM.md).  GLib has no frame pointers, so LeakSanitizer's stacks
 * stop at g_malloc and a suppression cannot name the server: the server
 * thread runs with leak checking off instead.  Present only in sanitizer
 * builds. */
extern void __lsan_disable (void) __attribute__ ((weak));
extern void __lsan_enable (void) __attribute__ ((weak));

typedef struct _Fixture Fixture;

/* One of the two servers: the handler's user data. */
typedef struct {
  Fixture *f;
  guint    id;                 /* 1: the feed's own origin, 2: another one */
} ServerSide;

/* One request as a server saw it. */
typedef struct {
  guint   server;
  char   *path;
  gint64  time;                /* monotonic µs, when the handler ran */
  char   *authorization;       /* nullable */
} Request;

struct _Fixture {
  char         *dir;
  char         *feed;          /* the published folder */
  TmStore      *source;        /* the publisher's store */
  TmStore      *target;        /* the syncing user's store */
  TmFeedClient *client;
  TmFeedSyncOptions options;   /* of every sync the test runs */
  GThread      *server_thread;
  GMainContext *server_context;
  gboolean      server_stop;   /* atomic */
  ServerSide    sides[2];
  GMutex        lock;          /* for the urls, the log, the counts and the faults */
  GCond         ready;
  char         *url;           /* of manifest.json on server 1 */
  char         *url2;          /* of manifest.json on server 2 */
  GHashTable   *requests;      /* path → count, both servers */
  GPtrArray    *log;           /* Request*, both servers, in order */
  guint         gzipped;       /* responses sent gzip-encoded */
  guint         not_modified;  /* 304 responses */
  GHashTable   *saved;         /* path in the feed → GBytes: files to put back */

  /* Owned by the server thread. */
  GPtrArray    *hung;          /* SoupServerMessage*, paused for ever */
  GPtrArray    *drips;         /* Drip* */

  /* Faults */
  gboolean      no_validators; /* no ETag, no Last-Modified, no 304 */
  gboolean      gzip;          /* encode when the client accepts gzip */
  char         *fail_path;     /* answer fail_status for this path */
  guint         fail_status;
  guint         fail_times;    /* that many times, then serve; 0: always */
  guint         failed;        /* answers with fail_status so far */
  char         *retry_after;   /* Retry-After of those answers, nullable */
  char         *corrupt_path;  /* flip one byte of this file */
  char         *truncate_path; /* send the first half of this file */
  char         *extend_path;   /* send this file with bytes appended */
  char         *hang_path;     /* never answer: the message stays paused */
  char         *stale_304_path; /* 304 to any conditional request, as a server whose ETag collided */
  char         *drip_path;     /* send this file chunked, a little every 200 ms */
  char         *cut_path;      /* write half of this file by hand, then close */
  gboolean      cut_chunked;   /* ... as chunks without the last one (else with Content-Length) */
  gboolean      redirect;      /* server 1 answers the manifest with 302 to server 2 */
  GCancellable *cancel_on_shard; /* cancelled (on the test's main loop) when a shard is asked for */
};

static void
request_free (Request *r)
{
  g_free (r->path);
  g_free (r->authorization);
  g_free (r);
}

static guint
count_requests_locked (Fixture *f, const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->requests, path));
}

static guint
count_requests (Fixture *f, const char *path)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  return count_requests_locked (f, path);
}

static guint
count_shard_requests (Fixture *f)
{
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  g_hash_table_iter_init (&iter, f->requests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (strcmp (key, TM_FEED_MANIFEST_NAME) != 0)
      n += GPOINTER_TO_UINT (value);
  return n;
}

/* The times (monotonic µs) at which a server got requests for @path. */
static GArray *
request_times (Fixture *f, const char *path)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  for (guint i = 0; i < f->log->len; i++)
    {
      Request *r = g_ptr_array_index (f->log, i);

      if (strcmp (r->path, path) == 0)
        g_array_append_val (times, r->time);
    }
  return times;
}

static GBytes *
gzip_bytes (const char *data, gsize length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static gboolean
cancel_in_main (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_REMOVE;
}

/* A response sent a little at a time, on the server thread. */
typedef struct {
  SoupServerMessage *msg;
  GBytes            *data;
  gsize              offset;
  gsize              piece;
  GSource           *source;
} Drip;

static void
drip_stop (Drip *d)
{
  if (d->source != NULL)
    {
      g_source_destroy (d->source);
      g_clear_pointer (&d->source, g_source_unref);
    }
}

static void
drip_free (Drip *d)
{
  drip_stop (d);
  g_signal_handlers_disconnect_by_data (d->msg, d);
  g_object_unref (d->msg);
  g_bytes_unref (d->data);
  g_free (d);
}

static gboolean
drip_next (gpointer user_data)
{
  Drip *d = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (d->msg);
  gsize size;
  const char *data = g_bytes_get_data (d->data, &size);
  gsize n = MIN (d->piece, size - d->offset);

  soup_message_body_append (body, SOUP_MEMORY_COPY, data + d->offset, n);
  d->offset += n;
  if (d->offset == size)
    {
      soup_message_body_complete (body);
      g_clear_pointer (&d->source, g_source_unref);
      soup_server_message_unpause (d->msg);
      return G_SOURCE_REMOVE;
    }
  /* The server paused the message when it ran out of chunks. */
  soup_server_message_unpause (d->msg);
  return G_SOURCE_CONTINUE;
}

/* Sends @data chunked, 1/40 of it every 200 ms: the connection is never
 * idle for long, but the whole takes 8 s. */
static void
start_drip (Fixture           *f,
            SoupServerMessage *msg,
            char              *data,
            gsize              length)
{
  Drip *d = g_new0 (Drip, 1);

  d->msg = g_object_ref (msg);
  d->data = g_bytes_new_take (data, length);
  d->piece = MAX (length / 40, 1);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", "application/json");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  /* Once the client gives up, nothing more is sent. */
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (drip_stop), d);
  g_signal_connect_swapped (msg, "disconnected", G_CALLBACK (drip_stop), d);
  d->source = g_timeout_source_new (200);
  g_source_set_callback (d->source, drip_next, d, NULL);
  g_source_attach (d->source, f->server_context);
  g_ptr_array_add (f->drips, d);
}

/* Writes a response by hand on the connection taken from libsoup: the
 * status line, headers and half of @data, then closes it. */
static void
write_cut (SoupServerMessage *msg,
           const char        *data,
           gsize              length,
           gboolean           chunked)
{
  g_autoptr(GIOStream) io = soup_server_message_steal_connection (msg);
  GOutputStream *out = g_io_stream_get_output_stream (io);
  g_autoptr(GString) text = g_string_new ("HTTP/1.1 200 OK\r\n"
                                          "Content-Type: application/json\r\n"
                                          "Connection: close\r\n");
  gsize half = length / 2;

  if (chunked)
    {
      g_string_append (text, "Transfer-Encoding: chunked\r\n\r\n");
      for (gsize at = 0; at < half; at += 1000)
        {
          gsize n = MIN (1000, half - at);

          g_string_append_printf (text, "%" G_GSIZE_MODIFIER "x\r\n", n);
          g_string_append_len (text, data + at, n);
          g_string_append (text, "\r\n");
        }
      /* No "0\r\n\r\n": the body is cut before its last chunk. */
    }
  else
    {
      g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", length);
      g_string_append_len (text, data, half);
    }
  /* The client may be gone already: errors do not matter. */
  g_output_stream_write_all (out, text->str, text->len, NULL, NULL, NULL);
  g_io_stream_close (io, NULL, NULL);
}

static void
serve (SoupServer        *server,
       SoupServerMessage *msg,
       const char        *request_path,
       GHashTable        *query,
       gpointer           user_data)
{
  ServerSide *side = user_data;
  Fixture *f = side->f;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *path = request_path + 1;
  const char *accept;
  g_autofree char *file = NULL;
  g_autofree char *data = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *etag = NULL;
  const char *if_none_match;
  gsize length;
  Request *r;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  r = g_new0 (Request, 1);
  r->server = side->id;
  r->path = g_strdup (path);
  r->time = g_get_monotonic_time ();
  r->authorization = g_strdup (soup_message_headers_get_one (request, "Authorization"));
  g_ptr_array_add (f->log, r);
  g_hash_table_insert (f->requests, g_strdup (path),
                       GUINT_TO_POINTER (count_requests_locked (f, path) + 1));

  /* Cancelled where the client runs, as an application would. */
  if (f->cancel_on_shard != NULL && strcmp (path, TM_FEED_MANIFEST_NAME) != 0)
    g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, cancel_in_main,
                                g_object_ref (f->cancel_on_shard), g_object_unref);

  if (f->redirect && side->id == 1 && strcmp (path, TM_FEED_MANIFEST_NAME) == 0)
    {
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, f->url2);
      return;
    }

  if (f->fail_path != NULL && strcmp (path, f->fail_path) == 0
      && (f->fail_times == 0 || f->failed < f->fail_times))
    {
      f->failed++;
      if (f->retry_after != NULL)
        soup_message_headers_replace (response, "Retry-After", f->retry_after);
      soup_server_message_set_status (msg, f->fail_status, NULL);
      return;
    }

  if (f->hang_path != NULL && strcmp (path, f->hang_path) == 0)
    {
      /* Never unpaused: the connection stays open and silent until the
       * client gives up or the server stops. */
      soup_server_message_pause (msg);
      g_ptr_array_add (f->hung, g_object_ref (msg));
      return;
    }

  file = g_build_filename (f->feed, path, NULL);
  if (strstr (path, "..") != NULL || !g_file_get_contents (file, &data, &length, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (f->cut_path != NULL && strcmp (path, f->cut_path) == 0)
    {
      gboolean chunked = f->cut_chunked;

      g_clear_pointer (&locker, g_mutex_locker_free);
      write_cut (msg, data, length, chunked);
      return;
    }

  if (f->drip_path != NULL && strcmp (path, f->drip_path) == 0)
    {
      start_drip (f, msg, g_steal_pointer (&data), length);
      return;
    }

  if (f->stale_304_path != NULL && strcmp (path, f->stale_304_path) == 0
      && soup_message_headers_get_one (request, "If-None-Match") != NULL)
    {
      f->not_modified++;
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  if (!f->no_validators)
    {
      digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
      etag = g_strdup_printf ("\"%.16s\"", digest);
      if_none_match = soup_message_headers_get_one (request, "If-None-Match");
      soup_message_headers_replace (response, "ETag", etag);
      if (if_none_match != NULL && strcmp (if_none_match, etag) == 0)
        {
          f->not_modified++;
          soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
          return;
        }
    }

  if (f->corrupt_path != NULL && strcmp (path, f->corrupt_path) == 0)
    data[length / 2] ^= 0x20;
  if (f->truncate_path != NULL && strcmp (path, f->truncate_path) == 0)
    length /= 2;
  if (f->extend_path != NULL && strcmp (path, f->extend_path) == 0)
    {
      char *longer = g_strconcat (data, "\n\n\n\n", NULL);

      g_free (data);
      data = longer;
      length += 4;
    }

  accept = soup_message_headers_get_list (request, "Accept-Encoding");
  if (f->gzip && accept != NULL && soup_header_contains (accept, "gzip"))
    {
      g_autoptr(GBytes) packed = gzip_bytes (data, length);

      soup_message_headers_replace (response, "Content-Encoding", "gzip");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
      f->gzipped++;
    }
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, length);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static SoupServer *
new_server (ServerSide  *side,
            char       **url)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (server, NULL, serve, side, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  *url = g_strdup_printf ("http://127.0.0.1:%d/%s", g_uri_get_port (uris->data),
                          TM_FEED_MANIFEST_NAME);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

static gpointer
server_thread (gpointer data)
{
  Fixture *f = data;
  SoupServer *servers[2];
  char *urls[2];

  if (__lsan_disable != NULL)
    __lsan_disable ();
  g_main_context_push_thread_default (f->server_context);

  for (guint i = 0; i < 2; i++)
    {
      f->sides[i].f = f;
      f->sides[i].id = i + 1;
      servers[i] = new_server (&f->sides[i], &urls[i]);
    }
  g_mutex_lock (&f->lock);
  f->url = urls[0];
  f->url2 = urls[1];
  g_cond_signal (&f->ready);
  g_mutex_unlock (&f->lock);

  while (!g_atomic_int_get (&f->server_stop))
    g_main_context_iteration (f->server_context, TRUE);

  /* Drops every connection, the silent and the trickling ones too. */
  for (guint i = 0; i < 2; i++)
    {
      soup_server_disconnect (servers[i]);
      g_object_unref (servers[i]);
    }
  g_ptr_array_set_size (f->drips, 0);
  g_ptr_array_set_size (f->hung, 0);
  while (g_main_context_iteration (f->server_context, FALSE))
    ;
  g_main_context_pop_thread_default (f->server_context);
  if (__lsan_enable != NULL)
    __lsan_enable ();
  return NULL;
}

static void
start_server (Fixture *f)
{
  f->server_context = g_main_context_new ();
  f->server_thread = g_thread_new ("server", server_thread, f);
  g_mutex_lock (&f->lock);
  while (f->url == NULL)
    g_cond_wait (&f->ready, &f->lock);
  g_mutex_unlock (&f->lock);
}

static void
stop_server (Fixture *f)
{
  if (f->server_thread == NULL)
    return;
  g_atomic_int_set (&f->server_stop, TRUE);
  g_main_context_wakeup (f->server_context);
  g_thread_join (g_steal_pointer (&f->server_thread));
  g_clear_pointer (&f->server_context, g_main_context_unref);
}

static void
publish (Fixture *f)
{
  TmFeedPublishOptions options = { 100, "test", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_feed_publish (f->source, f->feed, &options, NULL, &error));
  g_assert_no_error (error);
}

/* The publisher's store and its feed, made once: each test starts from a
 * copy, which is much faster than importing and publishing again. */
static char *template_dir;

static void
make_template (void)
{
  g_autoptr(GError) error = NULL;

  template_dir = g_dir_make_tmp ("tm-sync-template-XXXXXX", &error);
  g_assert_no_error (error);
  tm_test_make_sample_feed (sample_dir, template_dir);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source_db = NULL;
  g_autofree char *target_db = NULL;

  f->dir = g_dir_make_tmp ("tm-sync-XXXXXX", &error);
  g_assert_no_error (error);
  tm_test_copy_tree (template_dir, f->dir);
  f->feed = g_build_filename (f->dir, "feed", NULL);
  source_db = g_build_filename (f->dir, "source.db", NULL);
  target_db = g_build_filename (f->dir, "target.db", NULL);
  f->source = tm_store_open (source_db, &error);
  g_assert_no_error (error);
  f->target = tm_store_open (target_db, &error);
  g_assert_no_error (error);

  f->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->log = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  f->saved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  f->hung = g_ptr_array_new_with_free_func (g_object_unref);
  f->drips = g_ptr_array_new_with_free_func ((GDestroyNotify) drip_free);
  g_mutex_init (&f->lock);
  g_cond_init (&f->ready);
  start_server (f);

  /* Retries wait milliseconds, not seconds, unless a test says otherwise. */
  f->client = tm_feed_client_new ();
  g_object_set (f->client, "retry-delay", 10, NULL);
  f->options.token = TOKEN;
}


static void
assert_no_token (const char *text, gsize length, const char *what)
{
  gsize n = strlen (TOKEN);

  /* Binary data too: no memmem without _GNU_SOURCE. */
  for (gsize i = 0; i + n <= length; i++)
    if (text[i] == TOKEN[0] && memcmp (text + i, TOKEN, n) == 0)
      {
        g_test_fail_printf ("the access token is in %s", what);
        return;
      }
}

/* Neither the stores (with their journals) nor anything else the test
 * wrote holds the token. */
static void
assert_no_token_in_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *data = NULL;
      gsize length;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        assert_no_token_in_files (child);
      else if (g_file_get_contents (child, &data, &length, NULL))
        assert_no_token (data, length, child);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->client);
  stop_server (f);
  /* Let the connections' last callbacks run before the stores go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->ready);
  g_clear_object (&f->source);
  g_clear_object (&f->target);
  assert_no_token_in_files (f->dir);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->feed);
  g_free (f->url);
  g_free (f->url2);
  g_hash_table_unref (f->requests);
  g_ptr_array_unref (f->log);
  g_hash_table_unref (f->saved);
  g_ptr_array_unref (f->hung);
  g_ptr_array_unref (f->drips);
  g_free (f->fail_path);
  g_free (f->retry_after);
  g_free (f->corrupt_path);
  g_free (f->truncate_path);
  g_free (f->extend_path);
  g_free (f->hang_path);
  g_free (f->stale_304_path);
  g_free (f->drip_path);
  g_free (f->cut_path);
  g_clear_object (&f->cancel_on_shard);
}

/* When the store says the feed was last synced successfully. */
static char *
last_success (TmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedState) state = NULL;

  g_assert_true (tm_store_get_feed_state (store, NULL, &state, &error));
  g_assert_no_error (error);
  g_assert_nonnull (state);
  return g_strdup (state->last_success);
}

static void
assert_synced (Fixture *f)
{
  g_autofree char *want = tm_test_dump_text (f->source);
  g_autofree char *got = tm_test_dump_text (f->target);

  g_assert_cmpstr (got, ==, want);
}

typedef struct {
  gboolean          done;
  gboolean          ok;
  TmFeedSyncResult *result;
  GError          **error;
} SyncWait;

static void
on_synced (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SyncWait *wait = user_data;

  wait->ok = tm_feed_client_sync_finish (TM_FEED_CLIENT (source), result, wait->result, wait->error);
  wait->done = TRUE;
}

static gboolean
run_sync (Fixture          *f,
          GCancellable     *cancellable,
          TmFeedSyncResult *result,
          GError          **error)
{
  SyncWait wait = { FALSE, FALSE, result, error };

  tm_feed_client_sync_async (f->client, f->target, f->url, &f->options, cancellable,
                             on_synced, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  return wait.ok;
}

/* The path of the first shard of @kind. */
static char *
shard_path (Fixture *f, TmFeedKind kind)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);

  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);

      if (s->kind == kind)
        return g_strdup (s->path);
    }
  g_assert_not_reached ();
}

static void
sync_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (run_sync (f, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_first (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  g_autoptr(TmFeedState) state = NULL;
  guint b, s, c, i;

  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  assert_synced (f);

  tm_store_count (f->source, &b, &s, &c, &i);
  g_assert_false (result.not_modified);
  g_assert_true (result.changed);
  g_assert_cmpuint (result.shards, ==, m->shards->len);
  g_assert_cmpuint (result.fetched, ==, m->shards->len);
  g_assert_cmpuint (count_shard_requests (f), ==, m->shards->len);
  g_assert_cmpuint (result.stats.added, ==, b + s + c + i);
  g_assert_cmpuint (result.stats.removed, ==, 0);
  g_assert_cmpuint (result.bytes, >, 0);

  /* The store remembers the sync: where from, and the ETags seen. */
  g_assert_true (tm_store_get_feed_state (f->target, f->url, &state, &error));
  g_assert_no_error (error);
  g_assert_nonnull (state);
  g_assert_nonnull (state->last_success);
  g_assert_nonnull (state->manifest_etag);
  g_assert_cmpuint (state->shards->len, ==, m->shards->len);
  g_assert_nonnull (((TmFeedShardState *) g_ptr_array_index (state->shards, 0))->etag);
}

static void
test_unchanged (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *state_before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *state_after = NULL;
  g_autofree char *success_before = NULL;
  g_autofree char *success_after = NULL;
  guint shard_requests;

  sync_ok (f);
  /* As if that sync were a year old: a 304 must record now, and within
   * the same second "now" could not be told from it. */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (tm_store_get_path (f->target), &db), ==, SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE feeds SET last_success = '2025-01-01T00:00:00Z'",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  before = tm_test_dump_text (f->target);
  state_before = tm_test_feed_state_text (f->target, FALSE);
  success_before = last_success (f->target);
  g_assert_cmpstr (success_before, ==, "2025-01-01T00:00:00Z");
  shard_requests = count_shard_requests (f);

  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.not_modified);
  g_assert_false (result.changed);
  g_assert_cmpuint (result.fetched, ==, 0);
  g_assert_cmpuint (f->not_modified, ==, 1);
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, 2);
  g_assert_cmpuint (count_shard_requests (f), ==, shard_requests);
  after = tm_test_dump_text (f->target);
  g_assert_cmpstr (after, ==, before);

  /* Confirmed current: the last success moves on, nothing else. */
  success_after = last_success (f->target);
  g_assert_cmpstr (success_after, >, success_before);
  state_after = tm_test_feed_state_text (f->target, FALSE);
  g_assert_cmpstr (state_after, ==, state_before);
}

/* A server without ETag or Last-Modified: the manifest comes whole, but
 * no shard is fetched again. */
static void
test_unchanged_no_validators (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint shard_requests;

  f->no_validators = TRUE;
  sync_ok (f);
  before = tm_test_dump_text (f->target);
  shard_requests = count_shard_requests (f);

  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_false (result.not_modified);
  g_assert_false (result.changed);
  g_assert_cmpuint (result.fetched, ==, 0);
  g_assert_cmpuint (count_shard_requests (f), ==, shard_requests);
  after = tm_test_dump_text (f->target);
  g_assert_cmpstr (after, ==, before);
}

static void
test_one_shard_changed (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) edit = NULL;
  TmStreamer *s;
  TmDataset *ds[1];
  const char *names[] = { "edit" };
  guint shard_requests;

  sync_ok (f);
  shard_requests = count_shard_requests (f);

  /* The publisher renames one streamer and publishes again. */
  edit = tm_store_dump_kinds (f->source, TM_RECORD_STREAMERS, &error);
  g_assert_no_error (error);
  s = g_ptr_array_index (edit->streamers, 3);
  g_free (s->name);
  s->name = g_strdup ("改名的主播");
  ds[0] = edit;
  g_assert_true (tm_store_import (f->source, ds, names, 1, NULL, &error));
  g_assert_no_error (error);
  publish (f);

  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.changed);
  g_assert_cmpuint (result.fetched, ==, 1);
  g_assert_cmpuint (count_shard_requests (f), ==, shard_requests + 1);
  g_assert_cmpuint (result.stats.updated, ==, 1);
  g_assert_cmpuint (result.stats.added, ==, 0);
  g_assert_cmpuint (result.stats.removed, ==, 0);
  assert_synced (f);
}

static void
assert_has (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_test_fail_printf ("“%s” is not in “%s”", part, text);
}

static void
assert_message_has (const GError *error, const char *part)
{
  assert_has (error->message, part);
}

/* The URL of @path of the feed on server 1. */
static char *
feed_url (Fixture *f, const char *path)
{
  return g_strdup_printf ("%.*s%s", (int) (strlen (f->url) - strlen (TM_FEED_MANIFEST_NAME)),
                          f->url, path);
}

/* The end of a failure that may pass: the request for @path was sent
 * the most times allowed, and the message names its URL and says so. */
static void
assert_gave_up (Fixture *f, const GError *error, const char *path, guint before)
{
  g_autofree char *url = feed_url (f, path);
  g_autofree char *tried = g_strdup_printf ("tried %u times", TM_FEED_CLIENT_MAX_ATTEMPTS);

  assert_message_has (error, url);
  assert_message_has (error, tried);
  g_assert_cmpuint (count_requests (f, path), ==, before + TM_FEED_CLIENT_MAX_ATTEMPTS);
}

/* Runs a sync that must fail and checks that it left the target store and
 * its feed state as they were, and that the message does not give the
 * token away; returns the error. */
static GError *
sync_fails (Fixture *f, GCancellable *cancellable)
{
  g_autofree char *before = tm_test_dump_text (f->target);
  g_autofree char *state_before = tm_test_feed_state_text (f->target, TRUE);
  g_autofree char *after = NULL;
  g_autofree char *state_after = NULL;
  g_auto(TmFeedSyncResult) result = { 0, };
  GError *error = NULL;

  g_assert_false (run_sync (f, cancellable, &result, &error));
  if (error == NULL)
    {
      /* Already reported; the checks that follow fail too, but the test
       * goes on to the end. */
      return g_error_new_literal (g_quark_from_static_string ("test-sync-no-error"), 0,
                                  "(the sync succeeded)");
    }
  g_test_message ("%s", error->message);
  g_assert_cmpuint (result.fetched, ==, 0);
  after = tm_test_dump_text (f->target);
  state_after = tm_test_feed_state_text (f->target, TRUE);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (state_after, ==, state_before);
  assert_no_token (error->message, strlen (error->message), "the error message");
  assert_no_token (after, strlen (after), "the store");
  assert_no_token (state_after, strlen (state_after), "the feed state");
  return error;
}

static char *
read_feed_file (Fixture    *f,
                const char *path,
                gsize      *length)
{
  g_autofree char *file = g_build_filename (f->feed, path, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (file, &data, length, &error);
  g_assert_no_error (error);
  return data;
}

/* Replaces a file of the feed; clear_faults() puts the original back. */
static void
write_feed_file (Fixture    *f,
                 const char *path,
                 const char *data,
                 gsize       length)
{
  g_autofree char *file = g_build_filename (f->feed, path, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_hash_table_contains (f->saved, path))
    {
      gsize old_length;
      char *old = read_feed_file (f, path, &old_length);

      g_hash_table_insert (f->saved, g_strdup (path), g_bytes_new_take (old, old_length));
    }
  g_file_set_contents (file, data, length, &error);
  g_assert_no_error (error);
}

/* Puts @data in the feed as the shard @path and lists it in the manifest
 * with its true size and SHA-256: it passes the transfer checks, and only
 * what is in it can be wrong. */
static void
put_shard (Fixture    *f,
           const char *path,
           const char *data,
           gsize       length)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                         (const guchar *) data, length);
  g_autofree char *json = NULL;
  gsize json_length;
  gboolean found = FALSE;

  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);

      if (strcmp (s->path, path) == 0)
        {
          s->bytes = (gint64) length;
          g_strlcpy (s->sha256, digest, sizeof s->sha256);
          found = TRUE;
        }
    }
  g_assert_true (found);
  json = tm_feed_manifest_to_json (m, &json_length);
  write_feed_file (f, path, data, length);
  write_feed_file (f, TM_FEED_MANIFEST_NAME, json, json_length);
}

/* A first sync, then the publisher renames a brand and publishes again:
 * returns the path of the one shard that changed, which the next sync
 * fetches. */
static char *
synced_then_changed (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) before = NULL;
  g_autoptr(TmFeedManifest) after = NULL;
  g_autoptr(TmDataset) edit = NULL;
  TmDataset *ds[1];
  const char *names[] = { "edit" };
  TmBrand *b;

  sync_ok (f);
  before = tm_test_read_manifest (f->feed);

  edit = tm_store_dump_kinds (f->source, TM_RECORD_BRANDS, &error);
  g_assert_no_error (error);
  b = g_ptr_array_index (edit->brands, 0);
  g_free (b->name);
  b->name = g_strdup ("新名字");
  ds[0] = edit;
  g_assert_true (tm_store_import (f->source, ds, names, 1, NULL, &error));
  g_assert_no_error (error);
  publish (f);

  after = tm_test_read_manifest (f->feed);
  return tm_test_changed_shard (before, after);
}

static void
clear_faults (Fixture *f)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  g_clear_pointer (&f->fail_path, g_free);
  f->fail_status = 0;
  f->fail_times = 0;
  f->failed = 0;
  g_clear_pointer (&f->retry_after, g_free);
  g_clear_pointer (&f->corrupt_path, g_free);
  g_clear_pointer (&f->truncate_path, g_free);
  g_clear_pointer (&f->extend_path, g_free);
  g_clear_pointer (&f->hang_path, g_free);
  g_clear_pointer (&f->drip_path, g_free);
  g_clear_pointer (&f->cut_path, g_free);
  f->cut_chunked = FALSE;
  f->redirect = FALSE;
  g_clear_object (&f->cancel_on_shard);

  g_hash_table_iter_init (&iter, f->saved);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *file = g_build_filename (f->feed, key, NULL);
      g_autoptr(GError) error = NULL;
      gsize length;
      const char *data = g_bytes_get_data (value, &length);

      g_file_set_contents (file, data, length, &error);
      g_assert_no_error (error);
    }
  g_hash_table_remove_all (f->saved);
}

/* With the fault gone and the client's limits back to their defaults, a
 * sync brings the feed as published. */
static void
assert_recovers (Fixture *f)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;

  clear_faults (f);
  g_object_set (f->client,
                "timeout", TM_FEED_CLIENT_TIMEOUT,
                "deadline", TM_FEED_CLIENT_DEADLINE,
                "max-attempts", TM_FEED_CLIENT_MAX_ATTEMPTS,
                NULL);
  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  assert_synced (f);
}

/* ------------------------------------------------------------------ */
/* HTTP statuses                                                      */
/* ------------------------------------------------------------------ */

static void
test_http_404 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *url = feed_url (f, path);
  guint before = count_requests (f, path);

  f->fail_path = g_strdup (path);
  f->fail_status = SOUP_STATUS_NOT_FOUND;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT);
  assert_message_has (error, url);
  assert_message_has (error, "404 Not Found");
  assert_message_has (error, "check the feed URL");
  /* A 4xx would only come again: no retry. */
  g_assert_cmpuint (count_requests (f, path), ==, before + 1);

  /* A second sync once the server is fixed succeeds. */
  assert_recovers (f);
}

/* A 5xx on the manifest itself, after a good sync: the old data stays. */
static void
test_http_503_manifest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, TM_FEED_MANIFEST_NAME);

  f->fail_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->fail_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER);
  assert_message_has (error, "503");
  assert_gave_up (f, error, TM_FEED_MANIFEST_NAME, before);
  assert_recovers (f);
}

/* A shard that keeps failing with 500: tried max-attempts times. */
static void
test_http_500_persistent (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, path);

  f->fail_path = g_strdup (path);
  f->fail_status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER);
  assert_message_has (error, "500 Internal Server Error");
  assert_message_has (error, "try again later");
  assert_gave_up (f, error, path, before);
  assert_recovers (f);
}

/* A 500 that passes: the retry gets the shard and the sync succeeds. */
static void
test_http_500_once (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, path);

  f->fail_path = g_strdup (path);
  f->fail_status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  f->fail_times = 1;
  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.retries, ==, 1);
  g_assert_cmpuint (result.fetched, ==, 1);
  g_assert_cmpuint (count_requests (f, path), ==, before + 2);
  assert_synced (f);
}

/* 503 with Retry-After: 1, then the shard: the client waited as asked. */
static void
test_http_503_retry_after (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autoptr(GArray) times = NULL;
  guint before = count_requests (f, path);

  f->fail_path = g_strdup (path);
  f->fail_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  f->fail_times = 1;
  f->retry_after = g_strdup ("1");
  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.retries, ==, 1);
  g_assert_cmpuint (count_requests (f, path), ==, before + 2);
  assert_synced (f);

  /* A lower bound only: the second request came at least a second after
   * the first (the retry-delay of 10 ms was not used). */
  times = request_times (f, path);
  g_assert_cmpuint (times->len, ==, before + 2);
  g_assert_cmpint (g_array_index (times, gint64, before + 1) - g_array_index (times, gint64, before),
                   >=, G_USEC_PER_SEC);
}

/* A Retry-After longer than the client waits: no retry, and the message
 * says how long the server asked for. */
static void
test_http_503_retry_after_long (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *url = feed_url (f, path);
  guint before = count_requests (f, path);

  f->fail_path = g_strdup (path);
  f->fail_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  f->retry_after = g_strdup ("3600");
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER);
  assert_message_has (error, url);
  assert_message_has (error, "503");
  assert_message_has (error, "asks to wait 60 minutes");
  /* A clause of its own, not run into the sentence before (as in "try
   * again later The server asks"). */
  g_assert_null (strstr (error->message, "later The"));
  g_assert_cmpuint (count_requests (f, path), ==, before + 1);
  assert_recovers (f);
}

static void
test_http_401 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, TM_FEED_MANIFEST_NAME);

  f->fail_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->fail_status = SOUP_STATUS_UNAUTHORIZED;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT);
  assert_message_has (error, f->url);
  assert_message_has (error, "401");
  assert_message_has (error, "access token");
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, before + 1);
  assert_recovers (f);
}

static void
test_http_403 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *url = feed_url (f, path);
  guint before = count_requests (f, path);

  f->fail_path = g_strdup (path);
  f->fail_status = SOUP_STATUS_FORBIDDEN;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT);
  assert_message_has (error, url);
  assert_message_has (error, "403");
  assert_message_has (error, "access token");
  g_assert_cmpuint (count_requests (f, path), ==, before + 1);
  assert_recovers (f);
}

/* ------------------------------------------------------------------ */
/* Servers that stall, trickle or break off                           */
/* ------------------------------------------------------------------ */

/* The server takes the request and never answers. */
static void
test_hung_server (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  guint before;

  /* Set before the first sync: libsoup gives a connection the session's
   * timeout when it opens it (see /sync/timeout-changed). */
  g_object_set (f->client, "timeout", 1, "max-attempts", 2, NULL);
  path = synced_then_changed (f);
  url = feed_url (f, path);
  before = count_requests (f, path);

  f->hang_path = g_strdup (path);
  error = sync_fails (f, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  assert_message_has (error, url);
  assert_message_has (error, "sent nothing for 1 second");
  assert_message_has (error, "tried 2 times");
  g_assert_cmpuint (count_requests (f, path), ==, before + 2);
  assert_recovers (f);
}

/* A timeout changed after a sync applies to the next request too, also
 * on the connection the last sync left open.  The only test here with an
 * upper time bound, with a wide margin: the request should fail after
 * about 1 s, not after the 8 s the connection was opened with. */
static void
test_timeout_changed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  g_object_set (f->client, "timeout", 8, NULL);
  path = synced_then_changed (f);
  url = feed_url (f, path);

  f->hang_path = g_strdup (path);
  /* With the old 8 s still on the kept-alive connection, the 6 s deadline
   * would end the sync first: the error says which limit applied, no
   * clock is read here. */
  g_object_set (f->client, "timeout", 1, "max-attempts", 1, "deadline", 6, NULL);
  error = sync_fails (f, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  assert_message_has (error, url);
  assert_message_has (error, "sent nothing for 1 second");
  assert_recovers (f);
}

/* A server whose validators do not change with the content (nginx: mtime
 * in seconds and size) answers 304 for a shard the manifest says has
 * changed: the client asks again without conditions and gets it. */
static void
test_shard_stale_304 (Fixture *f, gconstpointer data)
{
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, path);

  f->stale_304_path = g_strdup (path);
  sync_ok (f);
  g_assert_cmpuint (count_requests (f, path), ==, before + 2);
  assert_synced (f);
}

/* The server sends a few bytes every 200 ms: never idle long enough for
 * the timeout, but the whole sync takes longer than its deadline. */
static void
test_slow_drip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, path);

  f->drip_path = g_strdup (path);
  g_object_set (f->client, "timeout", 5, "deadline", 2, NULL);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_DEADLINE);
  /* The deadline is the whole sync's: the message names the feed. */
  assert_message_has (error, f->url);
  assert_message_has (error, "did not finish within 2 seconds");
  g_assert_cmpuint (count_requests (f, path), ==, before + 1);
  assert_recovers (f);
}

/* Content-Length of the whole shard, half of it, then the connection
 * closes: a broken transfer, tried again, then reported. */
static void
test_cut_content_length (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, path);

  f->cut_path = g_strdup (path);
  error = sync_fails (f, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_gave_up (f, error, path, before);
  assert_recovers (f);
}

/* Chunks of half the shard, then the connection closes without the last
 * chunk: libsoup 3.2 calls that complete, the client must not. */
static void
test_cut_chunked (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, path);

  f->cut_path = g_strdup (path);
  f->cut_chunked = TRUE;
  error = sync_fails (f, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_message_has (error, "sent only");
  assert_gave_up (f, error, path, before);
  assert_recovers (f);
}

/* The same with the manifest, whose size nobody announces: what arrives
 * is not a whole manifest, and the message says where it ends. */
static void
test_cut_chunked_manifest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *where = g_strconcat (f->url, ":", NULL);

  f->cut_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->cut_chunked = TRUE;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_SYNTAX);
  /* The URL, line and column, and what is wrong there. */
  assert_message_has (error, where);
  assert_message_has (error, "the data ends");
  assert_recovers (f);
}

/* The manifest with a Content-Length, cut in half: libsoup 3.2 reports
 * that body as complete too, but the response said how long it is, so
 * the client can tell a broken transfer (tried again) from a broken
 * file. */
static void
test_cut_content_length_manifest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, TM_FEED_MANIFEST_NAME);

  f->cut_path = g_strdup (TM_FEED_MANIFEST_NAME);
  error = sync_fails (f, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_gave_up (f, error, TM_FEED_MANIFEST_NAME, before);
  assert_recovers (f);
}

/* ------------------------------------------------------------------ */
/* Bytes that arrive whole but are wrong                              */
/* ------------------------------------------------------------------ */

static void
test_bad_checksum (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *url = feed_url (f, path);

  f->corrupt_path = g_strdup (path);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_CHECKSUM);
  assert_message_has (error, "SHA-256");
  assert_message_has (error, url);
  assert_recovers (f);
}

/* A body shorter than its Content-Length says is not what this is: the
 * server sends half the file as a whole response. */
static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  guint before = count_requests (f, path);

  f->truncate_path = g_strdup (path);
  error = sync_fails (f, NULL);
  /* A body cut short is a broken transfer: tried again, then reported. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_gave_up (f, error, path, before);
  assert_recovers (f);
}

/* More bytes than the manifest lists: refused as soon as they arrive. */
static void
test_oversized (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *url = feed_url (f, path);

  f->extend_path = g_strdup (path);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_SIZE);
  assert_message_has (error, url);
  assert_message_has (error, "more than");
  assert_recovers (f);
}

/* A manifest over TM_FEED_MAX_MANIFEST_SIZE: the real one, padded with
 * blanks, so that its size is all that is wrong. */
static void
test_oversized_manifest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, TM_FEED_MAX_MANIFEST_SIZE);
  gsize length;
  g_autofree char *manifest = read_feed_file (f, TM_FEED_MANIFEST_NAME, &length);
  gsize big = TM_FEED_MAX_MANIFEST_SIZE + 1;
  g_autofree char *padded = g_malloc (big);
  guint before = count_requests (f, TM_FEED_MANIFEST_NAME);

  memcpy (padded, manifest, length);
  memset (padded + length, ' ', big - length);
  write_feed_file (f, TM_FEED_MANIFEST_NAME, padded, big);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_TOO_LARGE);
  assert_message_has (error, f->url);
  assert_message_has (error, limit);
  assert_message_has (error, "larger than");
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, before + 1);
  assert_recovers (f);
}

/* A shard that is not JSON, listed with its true size and digest. */
static void
test_malformed_json (Fixture *f, gconstpointer data)
{
  static const char broken[] =
    "{\n"
    "  \"format\": \"trustmatch-dataset\",\n"
    "  \"version\": 1,\n"
    "  \"brands\": [\n"
    "    {\"id\": \"b-1\",, }\n"
    "  ]\n"
    "}\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *path = synced_then_changed (f);
  g_autofree char *url = feed_url (f, path);
  g_autofree char *where = g_strconcat (url, ":5:18:", NULL);

  put_shard (f, path, broken, strlen (broken));
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_SYNTAX);
  /* The file, line and column. */
  assert_message_has (error, where);
  assert_recovers (f);
}

/* The first streamer of the first streamers shard, edited by @edit. */
static void
put_bad_streamer (Fixture    *f,
                  char      **path,
                  char      **id,
                  void      (*edit) (GString *text))
{
  g_autoptr(GString) text = NULL;
  gsize length;
  char *data;
  const char *p, *q;

  *path = shard_path (f, TM_FEED_STREAMERS);
  data = read_feed_file (f, *path, &length);
  text = g_string_new_len (data, length);
  g_free (data);
  p = strstr (text->str, "\"id\": \"");
  g_assert_nonnull (p);
  p += strlen ("\"id\": \"");
  q = strchr (p, '"');
  *id = g_strndup (p, q - p);
  edit (text);
  put_shard (f, *path, text->str, text->len);
}

/* Takes out the first record's "id" line. */
static void
drop_first_id (GString *text)
{
  const char *p = strstr (text->str, "\"id\": \"");
  const char *end = strchr (p, '\n');

  g_string_erase (text, p - text->str, end + 1 - p);
}

/* Makes the first follower count negative. */
static void
negate_first_followers (GString *text)
{
  const char *p = strstr (text->str, "\"followers\": ");
  gsize at;

  g_assert_nonnull (p);
  at = p - text->str + strlen ("\"followers\": ");
  g_string_insert_c (text, at, '-');
}

/* Valid JSON, but a streamer without an id. */
static void
test_schema_missing_id (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = synced_then_changed (f);
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  g_autofree char *url = NULL;

  put_bad_streamer (f, &path, &id, drop_first_id);
  url = feed_url (f, path);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_INVALID);
  assert_message_has (error, url);
  /* The record and the field. */
  assert_message_has (error, "streamers[0]");
  assert_message_has (error, "id");
  assert_message_has (error, "missing");
  assert_recovers (f);
}

/* Valid JSON, but a negative follower count. */
static void
test_schema_negative (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = synced_then_changed (f);
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  g_autofree char *url = NULL;

  put_bad_streamer (f, &path, &id, negate_first_followers);
  url = feed_url (f, path);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_INVALID);
  assert_message_has (error, url);
  /* The record, by index and id, and the field. */
  assert_message_has (error, "streamers[0]");
  assert_message_has (error, id);
  assert_message_has (error, "followers");
  assert_message_has (error, "negative");
  assert_recovers (f);
}

static char *
deep_arrays (gsize *length)
{
  *length = 100000;
  return g_strnfill (*length, '[');
}

/* 100,000 nested arrays, which would crash json-glib, as a shard. */
static void
test_deep_nesting_shard (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = synced_then_changed (f);
  g_autofree char *path = shard_path (f, TM_FEED_COOPERATIONS);
  g_autofree char *url = feed_url (f, path);
  gsize length;
  g_autofree char *deep = deep_arrays (&length);

  put_shard (f, path, deep, length);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_NESTING);
  assert_message_has (error, url);
  assert_message_has (error, "nested more than");
  assert_recovers (f);
}

/* ... and as the manifest. */
static void
test_deep_nesting_manifest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = synced_then_changed (f);
  gsize length;
  g_autofree char *deep = deep_arrays (&length);

  write_feed_file (f, TM_FEED_MANIFEST_NAME, deep, length);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_NESTING);
  assert_message_has (error, f->url);
  assert_message_has (error, "nested more than");
  assert_recovers (f);
}

/* ------------------------------------------------------------------ */
/* The access token                                                   */
/* ------------------------------------------------------------------ */

/* Without a redirect, every request carries the token. */
static void
test_token_sent (Fixture *f, gconstpointer data)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  g_autoptr(GMutexLocker) locker = NULL;

  sync_ok (f);
  sync_ok (f);
  assert_synced (f);

  locker = g_mutex_locker_new (&f->lock);
  /* Two manifests, every shard once. */
  g_assert_cmpuint (f->log->len, ==, m->shards->len + 2);
  for (guint i = 0; i < f->log->len; i++)
    {
      Request *r = g_ptr_array_index (f->log, i);

      g_assert_cmpuint (r->server, ==, 1);
      g_assert_cmpstr (r->authorization, ==, "Bearer " TOKEN);
    }
}

/* The feed's server sends the manifest elsewhere (another port is another
 * origin): the token stays with the feed's own server. */
static void
test_redirect_other_origin (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  g_autoptr(TmFeedState) state = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *dump = NULL;
  guint on_first = 0, on_second = 0, shards_on_second = 0;

  f->redirect = TRUE;
  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.fetched, ==, m->shards->len);
  assert_synced (f);
  dump = tm_test_dump_text (f->target);
  assert_no_token (dump, strlen (dump), "the store");

  /* The feed is known by the URL the user gave. */
  g_assert_true (tm_store_get_feed_state (f->target, f->url, &state, &error));
  g_assert_no_error (error);
  g_assert_nonnull (state);

  locker = g_mutex_locker_new (&f->lock);
  for (guint i = 0; i < f->log->len; i++)
    {
      Request *r = g_ptr_array_index (f->log, i);

      g_test_message ("server %u: %s, Authorization: %s", r->server, r->path,
                      r->authorization ? "(set)" : "(none)");
      if (r->server == 1)
        {
          on_first++;
          g_assert_cmpstr (r->path, ==, TM_FEED_MANIFEST_NAME);
          g_assert_cmpstr (r->authorization, ==, "Bearer " TOKEN);
        }
      else
        {
          on_second++;
          if (strcmp (r->path, TM_FEED_MANIFEST_NAME) != 0)
            shards_on_second++;
          g_assert_null (r->authorization);
        }
    }
  g_assert_cmpuint (on_first, ==, 1);
  /* The manifest and every shard, relative to where the manifest was. */
  g_assert_cmpuint (shards_on_second, ==, m->shards->len);
  g_assert_cmpuint (on_second, ==, m->shards->len + 1);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  /* After a first sync, so that there is data to keep. */
  sync_ok (f);
  f->no_validators = TRUE;
  {
    g_autoptr(TmDataset) edit = tm_store_dump_kinds (f->source, TM_RECORD_BRANDS, NULL);
    TmDataset *ds[1] = { edit };
    const char *names[] = { "edit" };
    TmBrand *b = g_ptr_array_index (edit->brands, 0);

    g_free (b->name);
    b->name = g_strdup ("新名字");
    g_assert_true (tm_store_import (f->source, ds, names, 1, NULL, &error));
    g_assert_no_error (error);
    publish (f);
  }

  /* The manifest arrives, then the cancel comes with the first shard. */
  f->cancel_on_shard = g_object_ref (cancellable);
  error = sync_fails (f, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_message_has (error, f->url);
  assert_message_has (error, "cancelled");
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, 2);

  /* A new sync picks up the change. */
  g_clear_object (&f->cancel_on_shard);
  sync_ok (f);
  assert_synced (f);
}

/* ------------------------------------------------------------------ */
/* The apply: shards kept on disk, a cancel while it runs             */
/* ------------------------------------------------------------------ */

static char *tmp_dir;  /* TMPDIR of this test program, where a sync keeps its shards */

/* Files a sync keeps in TMPDIR: those in trustmatch-sync-* folders,
 * plus one for each such folder. */
static guint
count_spooled (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub_path = g_build_filename (tmp_dir, name, NULL);
      g_autoptr(GDir) sub = NULL;

      if (!g_str_has_prefix (name, "trustmatch-sync-"))
        continue;
      n++;
      sub = g_dir_open (sub_path, 0, NULL);
      while (sub != NULL && g_dir_read_name (sub) != NULL)
        n++;
    }
  return n;
}

typedef struct {
  GCancellable *cancel_on_apply;  /* nullable */
  guint         spooled;          /* count_spooled() when the apply began */
  guint         max_spooled;      /* the most count_spooled() seen at any report */
  gboolean      applying;
} ApplyWatch;

static void
watch_apply (const TmFeedSyncProgress *progress,
             gpointer                  user_data)
{
  ApplyWatch *watch = user_data;

  watch->max_spooled = MAX (watch->max_spooled, count_spooled ());
  if (progress->phase != TM_FEED_SYNC_PHASE_APPLY || watch->applying)
    return;
  watch->applying = TRUE;
  watch->spooled = count_spooled ();
  if (watch->cancel_on_apply != NULL)
    g_cancellable_cancel (watch->cancel_on_apply);
}

/* With no memory to keep them in, every downloaded shard waits for the
 * apply in a file; the files and their folder are gone once the sync is. */
static void
test_spool (Fixture *f, gconstpointer data)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  ApplyWatch watch = { NULL, 0, 0, FALSE };

  g_object_set (f->client, "keep-in-memory", 0, NULL);
  f->options.progress = watch_apply;
  f->options.progress_data = &watch;
  g_assert_cmpuint (count_spooled (), ==, 0);
  sync_ok (f);
  assert_synced (f);
  /* A folder and one file per shard while the apply ran. */
  g_assert_true (watch.applying);
  g_assert_cmpuint (watch.spooled, ==, m->shards->len + 1);
  g_assert_cmpuint (count_spooled (), ==, 0);
}

/* A shard that fails validation in the apply, read back from its file:
 * the store stays as it was and no file is left behind. */
static void
test_spool_bad_shard (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = synced_then_changed (f);
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  g_autofree char *url = NULL;
  ApplyWatch watch = { NULL, 0, 0, FALSE };

  g_object_set (f->client, "keep-in-memory", 0, NULL);
  f->options.progress = watch_apply;
  f->options.progress_data = &watch;
  put_bad_streamer (f, &path, &id, negate_first_followers);
  url = feed_url (f, path);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_INVALID);
  assert_message_has (error, url);
  assert_message_has (error, id);
  assert_message_has (error, "followers");
  /* The bad shard, at least, was kept on disk (the apply may fail before
   * the other changed shard has arrived), and it is gone. */
  g_assert_cmpuint (watch.max_spooled, >=, 2);
  g_assert_cmpuint (count_spooled (), ==, 0);
  f->options.progress = NULL;
  assert_recovers (f);
}

/* A shard that fails its check while the ones before it wait on disk:
 * when the sync returns, they are gone already (a CLI exits right away). */
static void
test_spool_download_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  TmFeedShard *last = g_ptr_array_index (m->shards, m->shards->len - 1);

  g_object_set (f->client, "keep-in-memory", 0, NULL);
  f->corrupt_path = g_strdup (last->path);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_CHECKSUM);
  assert_message_has (error, last->path);
  g_assert_cmpuint (count_spooled (), ==, 0);
  assert_recovers (f);
  g_assert_cmpuint (count_spooled (), ==, 0);
}

typedef struct {
  guint    shards_done;      /* the most reported */
  guint64  records_done;
  guint    shards_applied;
  guint64  records_applied;
  gboolean applied_while_downloading;
} OverlapWatch;

static void
watch_overlap (const TmFeedSyncProgress *progress,
               gpointer                  user_data)
{
  OverlapWatch *watch = user_data;

  watch->shards_done = MAX (watch->shards_done, progress->shards_done);
  watch->records_done = MAX (watch->records_done, progress->records_done);
  watch->shards_applied = MAX (watch->shards_applied, progress->shards_applied);
  watch->records_applied = MAX (watch->records_applied, progress->records_applied);
  if (progress->phase == TM_FEED_SYNC_PHASE_DOWNLOAD && progress->shards_applied > 0)
    watch->applied_while_downloading = TRUE;
}

/* The last shard fails (here: the server never answers) after every
 * other one has arrived and been checked: none of them was written, since
 * the apply writes only once every shard has arrived.  A first sync leaves
 * an empty store and no file, and the next sync brings everything. */
static void
test_last_shard_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  OverlapWatch watch = { 0, };
  TmFeedShard *last = NULL;
  g_autofree char *url = NULL;
  guint64 records = 0;

  /* The last shard the apply takes: of the last kind, the last listed. */
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (m->shards, i);

      records += (guint64) shard->records;
      if (last == NULL || tm_feed_apply_rank (shard->kind) >= tm_feed_apply_rank (last->kind))
        last = shard;
    }
  g_assert_cmpuint (m->shards->len, >=, 3);
  url = feed_url (f, last->path);

  g_object_set (f->client, "timeout", 1, "max-attempts", 1, NULL);
  f->hang_path = g_strdup (last->path);
  f->options.progress = watch_overlap;
  f->options.progress_data = &watch;
  error = sync_fails (f, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  assert_message_has (error, url);
  /* Every shard but the last arrived, none was written... */
  g_assert_cmpuint (watch.shards_done, ==, m->shards->len - 1);
  g_assert_cmpuint (watch.records_done, ==, records - (guint64) last->records);
  g_assert_false (watch.applied_while_downloading);
  g_assert_cmpuint (watch.shards_applied, ==, 0);
  g_assert_cmpuint (watch.records_applied, ==, 0);
  /* ... and the store is as it was (sync_fails compared it). */
  g_assert_cmpuint (count_spooled (), ==, 0);
  f->options.progress = NULL;
  assert_recovers (f);
}

/* A shard that fails validation while a later one still downloads (here:
 * the server never answers it): the first shards are parsed and validated
 * as they arrive, so the sync stops at once with the validation error, not
 * the timeout, and leaves the store as it was. */
static void
test_apply_fails_while_downloading (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  g_autofree char *url = NULL;
  gint64 start;

  g_object_set (f->client, "timeout", 30, "max-attempts", 1, NULL);
  changed = synced_then_changed (f);
  put_bad_streamer (f, &path, &id, negate_first_followers);
  url = feed_url (f, path);
  /* Streamers are applied before brands, so the bad shard comes first. */
  g_assert_cmpuint (tm_feed_apply_rank (TM_FEED_STREAMERS), <, tm_feed_apply_rank (TM_FEED_BRANDS));
  g_assert_true (g_str_has_prefix (changed, "brands"));
  f->hang_path = g_strdup (changed);

  start = g_get_monotonic_time ();
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_INVALID);
  assert_message_has (error, url);
  assert_message_has (error, id);
  /* Not after the 30 s timeout: the failure stopped the download. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (count_spooled (), ==, 0);
  assert_recovers (f);
}

typedef struct {
  const char *db_path;      /* the target store's file */
  guint       attempts;     /* writes tried while only the network was awaited */
  guint       busy;         /* of those, refused because the sync held the lock */
} LockWatch;

/* Tries to take the store's write lock on a connection of its own, as an
 * edit in the app would, without waiting: at the reports where every
 * shard but the hung one has arrived and the writer is not busy with
 * them (it has not started, or has written all it has). */
static void
watch_write_lock (const TmFeedSyncProgress *progress,
                  gpointer                  user_data)
{
  LockWatch *watch = user_data;
  sqlite3 *db = NULL;
  int rc;

  if (progress->phase != TM_FEED_SYNC_PHASE_DOWNLOAD
      || progress->shards_done + 1 != progress->shards_total
      || (progress->shards_applied != 0 && progress->shards_applied != progress->shards_done))
    return;
  g_assert_cmpint (sqlite3_open (watch->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 0);
  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  watch->attempts++;
  if (rc == SQLITE_BUSY)
    watch->busy++;
  else
    {
      g_assert_cmpint (rc, ==, SQLITE_OK);
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    }
  sqlite3_close (db);
}

/* The last shard hangs (the server never answers) after the others have
 * arrived: while the sync waits on the network, an edit in the app can
 * still take the store's write lock (docs/performance.md: "edits in the
 * app never wait on the network"). */
static void
test_write_lock_free_while_network_hangs (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  LockWatch watch = { tm_store_get_path (f->target), 0, 0 };
  TmFeedShard *last = NULL;

  /* The last shard the apply takes: of the last kind, the last listed. */
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (m->shards, i);

      if (last == NULL || tm_feed_apply_rank (shard->kind) >= tm_feed_apply_rank (last->kind))
        last = shard;
    }
  g_assert_cmpuint (m->shards->len, >=, 3);

  g_object_set (f->client, "timeout", 2, "max-attempts", 1, NULL);
  f->hang_path = g_strdup (last->path);
  f->options.progress = watch_write_lock;
  f->options.progress_data = &watch;
  error = sync_fails (f, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (watch.attempts, >, 0);
  g_test_message ("write lock refused %u of %u times while the last shard hung",
                  watch.busy, watch.attempts);
  g_assert_cmpuint (watch.busy, ==, 0);
  g_assert_cmpuint (count_spooled (), ==, 0);
  f->options.progress = NULL;
  assert_recovers (f);
}

/* Cancelled once everything is downloaded, as the apply starts: the store
 * is as it was, and the next sync applies the feed. */
static void
test_cancel_while_applying (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *changed = synced_then_changed (f);
  ApplyWatch watch = { cancellable, 0, 0, FALSE };

  f->options.progress = watch_apply;
  f->options.progress_data = &watch;
  error = sync_fails (f, cancellable);
  g_assert_true (watch.applying);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_message_has (error, "cancelled");
  assert_message_has (error, "nothing was changed");
  f->options.progress = NULL;
  assert_recovers (f);
}

static void
test_gzip (Fixture *f, gconstpointer data)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);

  f->gzip = TRUE;
  sync_ok (f);
  /* libsoup asks for gzip by itself and decodes it. */
  g_assert_cmpuint (f->gzipped, ==, m->shards->len + 1);
  assert_synced (f);
}

static void
test_bad_url (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_free (f->url);
  f->url = g_strdup ("ftp://example.com/manifest.json");
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_URL);
  assert_message_has (error, "ftp://example.com/manifest.json");
}

/* Nothing listens on the port any more: a network error naming the URL. */
static void
test_connection_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  stop_server (f);
  error = sync_fails (f, NULL);
  g_assert_true (error->domain == G_IO_ERROR);
  assert_message_has (error, f->url);
}

static void
test_insecure_url (void)
{
  g_assert_true (tm_feed_client_url_is_insecure ("http://data.example.com/manifest.json"));
  g_assert_true (tm_feed_client_url_is_insecure ("HTTP://10.0.0.1/feed/manifest.json"));
  g_assert_false (tm_feed_client_url_is_insecure ("https://data.example.com/manifest.json"));
  g_assert_false (tm_feed_client_url_is_insecure ("http://127.0.0.1:8765/manifest.json"));
  g_assert_false (tm_feed_client_url_is_insecure ("http://localhost/manifest.json"));
  g_assert_false (tm_feed_client_url_is_insecure ("http://[::1]:8080/manifest.json"));
}

/* The progress bar's fraction over a sync of two shards, as the client
 * reports it: bytes arrive, then the shards are applied one by one.  Each
 * step moves the bar forward, whether or not the shards hold records; the
 * download fills the first half, the apply the second. */
static void
test_progress_fraction (void)
{
  static const gint64 bytes[] = { 300, 700 };
  static const gint64 with_records[] = { 10, 30 };
  static const gint64 no_records[] = { 0, 0 };
  const gint64 *records_of[] = { with_records, no_records };

  for (guint r = 0; r < G_N_ELEMENTS (records_of); r++)
    {
      const gint64 *records = records_of[r];
      TmFeedSyncProgress p = { TM_FEED_SYNC_PHASE_MANIFEST, };
      double last;

      g_test_message ("shards of %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT " records",
                      records[0], records[1]);
      g_assert_cmpfloat (tm_feed_sync_progress_get_fraction (&p), ==, 0.0);
      p.phase = TM_FEED_SYNC_PHASE_DOWNLOAD;
      p.shards_total = G_N_ELEMENTS (bytes);
      for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
        {
          p.bytes_total += (guint64) bytes[i];
          p.records_total += (guint64) records[i];
        }
      last = tm_feed_sync_progress_get_fraction (&p);
      g_assert_cmpfloat (last, ==, 0.0);

      /* 100 bytes at a time; each shard checked once whole. */
      for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
        for (gint64 b = 100; b <= bytes[i]; b += 100)
          {
            double now;

            p.bytes_done += 100;
            if (b == bytes[i])
              {
                p.shards_done++;
                p.records_done += (guint64) records[i];
              }
            now = tm_feed_sync_progress_get_fraction (&p);
            g_assert_cmpfloat (now, >, last);
            last = now;
          }
      g_assert_cmpfloat (last, ==, 0.5);

      p.phase = TM_FEED_SYNC_PHASE_APPLY;
      g_assert_cmpfloat (tm_feed_sync_progress_get_fraction (&p), ==, 0.5);
      for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
        {
          double now;

          p.shards_applied++;
          p.records_applied += (guint64) records[i];
          now = tm_feed_sync_progress_get_fraction (&p);
          g_assert_cmpfloat (now, >, last);
          last = now;
        }
      g_assert_cmpfloat (last, ==, 1.0);
    }
}

/* Nothing to download (only shards dropped from the feed): the download
 * half is full from the start, the apply half once the apply runs. */
static void
test_progress_fraction_nothing_fetched (void)
{
  TmFeedSyncProgress p = { TM_FEED_SYNC_PHASE_DOWNLOAD, };

  g_assert_cmpfloat (tm_feed_sync_progress_get_fraction (&p), ==, 0.5);
  p.phase = TM_FEED_SYNC_PHASE_APPLY;
  g_assert_cmpfloat (tm_feed_sync_progress_get_fraction (&p), ==, 1.0);
}

/* trustmatch-cli sync against the server of this process, with
 * TRUSTMATCH_TOKEN set to @token (nullable: unset). */
static void
run_cli (Fixture     *f,
         const char  *db,
         const char  *token,
         char       **out,
         char       **err,
         int         *status)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "TRUSTMATCH_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "TRUSTMATCH_TOKEN");
  child = g_subprocess_launcher_spawn (launcher, &error, cli, "--db", db, "sync", f->url, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  *status = g_subprocess_get_exit_status (child);
  g_test_message ("exit %d\n%s%s", *status, *out, *err);
  assert_no_token (*out, strlen (*out), "the output");
  assert_no_token (*err, strlen (*err), "the error output");
}

static char *
dump_db (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = tm_store_open (db, &error);

  g_assert_no_error (error);
  return tm_test_dump_text (store);
}

static void
test_cli (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "cli.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  run_cli (f, db, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "Synced "));
  assert_has (out, f->url);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  run_cli (f, db, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  assert_has (out, "nothing changed");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  f->fail_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->fail_status = SOUP_STATUS_NOT_FOUND;
  run_cli (f, db, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 1);
  assert_has (err, "404");
}

/* TRUSTMATCH_TOKEN goes to the server, on every request, and nowhere
 * else. */
static void
test_cli_token (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "cli.db", NULL);
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  int status;

  run_cli (f, db, TOKEN, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "Synced "));

  locker = g_mutex_locker_new (&f->lock);
  g_assert_cmpuint (f->log->len, ==, m->shards->len + 1);
  for (guint i = 0; i < f->log->len; i++)
    g_assert_cmpstr (((Request *) g_ptr_array_index (f->log, i))->authorization, ==,
                     "Bearer " TOKEN);
}

/* A refused token: exit status 1, a message about the token (without
 * it), the database as it was. */
static void
test_cli_401 (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "cli.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  int status;

  run_cli (f, db, TOKEN, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  before = dump_db (db);

  f->fail_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->fail_status = SOUP_STATUS_UNAUTHORIZED;
  run_cli (f, db, TOKEN, &out, &err, &status);
  g_assert_cmpint (status, ==, 1);
  assert_has (err, f->url);
  assert_has (err, "401");
  assert_has (err, "access token");
  /* No retry of a 4xx. */
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, 2);
  after = dump_db (db);
  g_assert_cmpstr (after, ==, before);
}

/* A server that keeps answering 503: the CLI retries with its default
 * delays (about 1 + 2 + 4 s), then exits with status 5. */
static void
test_cli_503 (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "cli.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  f->fail_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->fail_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  run_cli (f, db, TOKEN, &out, &err, &status);
  g_assert_cmpint (status, ==, 5);
  assert_has (err, f->url);
  assert_has (err, "503");
  assert_has (err, "tried 4 times");
  assert_has (err, "trying again");
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, TM_FEED_CLIENT_MAX_ATTEMPTS);
}

int
main (int argc, char *argv[])
{
  int status;

  /* Before anything asks GLib for it (it is read once): the sync's
   * temporary files go where the tests can see them. */
  tmp_dir = g_build_filename (g_getenv ("TMPDIR") ? g_getenv ("TMPDIR") : "/tmp",
                              "test-sync-tmp-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmp_dir));
  g_setenv ("TMPDIR", tmp_dir, TRUE);

  g_test_init (&argc, &argv, NULL);
  /* A check that fails marks its test as failed and the test goes on:
   * one fault the client handles wrongly does not hide the results of
   * the other checks and tests. */
  g_test_set_nonfatal_assertions ();

  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  cli = g_getenv ("TRUSTMATCH_CLI");
  g_assert_nonnull (sample_dir);
  make_template ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync/first", test_first);
  ADD ("/sync/unchanged", test_unchanged);
  ADD ("/sync/unchanged-no-validators", test_unchanged_no_validators);
  ADD ("/sync/one-shard-changed", test_one_shard_changed);
  ADD ("/sync/http-404", test_http_404);
  ADD ("/sync/http-503-manifest", test_http_503_manifest);
  ADD ("/sync/http-500-persistent", test_http_500_persistent);
  ADD ("/sync/http-500-once", test_http_500_once);
  ADD ("/sync/http-503-retry-after", test_http_503_retry_after);
  ADD ("/sync/http-503-retry-after-long", test_http_503_retry_after_long);
  ADD ("/sync/http-401", test_http_401);
  ADD ("/sync/http-403", test_http_403);
  ADD ("/sync/hung-server", test_hung_server);
  ADD ("/sync/timeout-changed", test_timeout_changed);
  ADD ("/sync/slow-drip", test_slow_drip);
  ADD ("/sync/cut-content-length", test_cut_content_length);
  ADD ("/sync/cut-chunked", test_cut_chunked);
  ADD ("/sync/cut-chunked-manifest", test_cut_chunked_manifest);
  ADD ("/sync/cut-content-length-manifest", test_cut_content_length_manifest);
  ADD ("/sync/bad-checksum", test_bad_checksum);
  ADD ("/sync/truncated", test_truncated);
  ADD ("/sync/oversized", test_oversized);
  ADD ("/sync/oversized-manifest", test_oversized_manifest);
  ADD ("/sync/malformed-json", test_malformed_json);
  ADD ("/sync/schema-missing-id", test_schema_missing_id);
  ADD ("/sync/schema-negative", test_schema_negative);
  ADD ("/sync/deep-nesting-shard", test_deep_nesting_shard);
  ADD ("/sync/deep-nesting-manifest", test_deep_nesting_manifest);
  ADD ("/sync/token-sent", test_token_sent);
  ADD ("/sync/redirect-other-origin", test_redirect_other_origin);
  ADD ("/sync/cancel", test_cancel);
  ADD ("/sync/gzip", test_gzip);
  ADD ("/sync/spool", test_spool);
  ADD ("/sync/spool-bad-shard", test_spool_bad_shard);
  ADD ("/sync/spool-download-fails", test_spool_download_fails);
  ADD ("/sync/cancel-while-applying", test_cancel_while_applying);
  ADD ("/sync/last-shard-fails", test_last_shard_fails);
  ADD ("/sync/apply-fails-while-downloading", test_apply_fails_while_downloading);
  ADD ("/sync/write-lock-free-while-network-hangs", test_write_lock_free_while_network_hangs);
  ADD ("/sync/shard-stale-304", test_shard_stale_304);
  ADD ("/sync/bad-url", test_bad_url);
  ADD ("/sync/connection-refused", test_connection_refused);
  g_test_add_func ("/sync/insecure-url", test_insecure_url);
  g_test_add_func ("/sync/progress-fraction", test_progress_fraction);
  g_test_add_func ("/sync/progress-fraction/nothing-fetched", test_progress_fraction_nothing_fetched);
  if (cli != NULL)
    {
      ADD ("/sync/cli", test_cli);
      ADD ("/sync/cli-token", test_cli_token);
      ADD ("/sync/cli-401", test_cli_401);
      ADD ("/sync/cli-503", test_cli_503);
    }
#undef ADD

  status = g_test_run ();
  tm_test_remove_tree (template_dir);
  tm_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (template_dir);
  return status;
}
