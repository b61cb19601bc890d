/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "app/core/tm-json.h"
#include "app/core/tm-store-feed.h"
#include "app/net/tm-feed-client.h"

/* The feed is published from the sample data by tm_feed_publish and
 * served by a SoupServer in this process, on 127.0.0.1, in a thread of its
 * own; the client runs on the test's main loop.  The server counts
 * requests per path and injects the fault a test asks for (set while no
 * sync runs). */

static const char *sample_dir;
static const char *cli;

/* libsoup 3.2's server leaks the socket of every connection it accepts
 * and the address of the one it listens on (fixed in 3.3, see
 * PLATFORM.md).  GLib has no frame pointers, so LeakSanitizer's stacks
 * stop at g_malloc and a suppression cannot name the server: the server
 * thread runs with leak checking off instead.  Present only in sanitizer
 * builds. */
extern void __lsan_disable (void) __attribute__ ((weak));
extern void __lsan_enable (void) __attribute__ ((weak));

typedef struct {
  char         *dir;
  char         *feed;          /* the published folder */
  TmStore      *source;        /* the publisher's store */
  TmStore      *target;        /* the syncing user's store */
  TmFeedClient *client;
  TmFeedSyncOptions options;   /* of every sync the test runs */
  GThread      *server_thread;
  GMainContext *server_context;
  gboolean      server_stop;   /* atomic */
  GMutex        lock;          /* for url, requests and the counts */
  GCond         ready;
  char         *url;           /* of manifest.json */
  GHashTable   *requests;      /* path → count */
  guint         gzipped;       /* responses sent gzip-encoded */
  guint         not_modified;  /* 304 responses */

  /* Faults */
  gboolean      no_validators; /* no ETag, no Last-Modified, no 304 */
  gboolean      gzip;          /* encode when the client accepts gzip */
  char         *fail_path;     /* answer fail_status for this path */
  guint         fail_status;
  char         *corrupt_path;  /* flip one byte of this file */
  char         *truncate_path; /* send the first half of this file */
  char         *extend_path;   /* send this file with bytes appended */
  GCancellable *cancel_on_shard; /* cancelled (on the test's main loop) when a shard is asked for */
} Fixture;

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

static void
serve (SoupServer        *server,
       SoupServerMessage *msg,
       const char        *request_path,
       GHashTable        *query,
       gpointer           user_data)
{
  Fixture *f = user_data;
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
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  g_hash_table_insert (f->requests, g_strdup (path),
                       GUINT_TO_POINTER (count_requests_locked (f, path) + 1));

  /* Cancelled where the client runs, as an application would. */
  if (f->cancel_on_shard != NULL && strcmp (path, TM_FEED_MANIFEST_NAME) != 0)
    g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, cancel_in_main,
                                g_object_ref (f->cancel_on_shard), g_object_unref);

  if (f->fail_path != NULL && strcmp (path, f->fail_path) == 0)
    {
      soup_server_message_set_status (msg, f->fail_status, NULL);
      return;
    }

  file = g_build_filename (f->feed, path, NULL);
  if (strstr (path, "..") != NULL || !g_file_get_contents (file, &data, &length, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
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

static gpointer
server_thread (gpointer data)
{
  Fixture *f = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  if (__lsan_disable != NULL)
    __lsan_disable ();
  g_main_context_push_thread_default (f->server_context);

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, serve, f, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  g_mutex_lock (&f->lock);
  f->url = g_strdup_printf ("http://127.0.0.1:%d/%s", g_uri_get_port (uris->data),
                            TM_FEED_MANIFEST_NAME);
  g_cond_signal (&f->ready);
  g_mutex_unlock (&f->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  while (!g_atomic_int_get (&f->server_stop))
    g_main_context_iteration (f->server_context, TRUE);

  soup_server_disconnect (server);
  g_clear_object (&server);
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

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json", NULL };
  g_auto(GStrv) files = g_new0 (char *, G_N_ELEMENTS (names));
  g_autoptr(GError) error = NULL;
  g_autofree char *source_db = NULL;
  g_autofree char *target_db = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    files[i] = g_build_filename (sample_dir, names[i], NULL);

  f->dir = g_dir_make_tmp ("tm-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->feed = g_build_filename (f->dir, "feed", NULL);
  source_db = g_build_filename (f->dir, "source.db", NULL);
  target_db = g_build_filename (f->dir, "target.db", NULL);
  f->source = tm_store_open (source_db, &error);
  g_assert_no_error (error);
  tm_store_import_files (f->source, (const char * const *) files, NULL, &error);
  g_assert_no_error (error);
  f->target = tm_store_open (target_db, &error);
  g_assert_no_error (error);
  publish (f);

  f->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&f->lock);
  g_cond_init (&f->ready);
  start_server (f);

  /* Retries wait milliseconds, not seconds, unless a test says otherwise. */
  f->client = tm_feed_client_new ();
  g_object_set (f->client, "retry-delay", 10, NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
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
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->feed);
  g_free (f->url);
  g_hash_table_unref (f->requests);
  g_free (f->fail_path);
  g_free (f->corrupt_path);
  g_free (f->truncate_path);
  g_free (f->extend_path);
  g_clear_object (&f->cancel_on_shard);
}

static char *
dump_text (TmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = tm_store_dump (store, &error);

  g_assert_no_error (error);
  return tm_dataset_to_json (d, NULL);
}

/* The store's feed state as text: a failed sync must not change it.
 * Without @with_time, the time of the last success is left out. */
static char *
state_text_full (TmStore  *store,
                 gboolean  with_time)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) feeds = tm_store_list_feeds (store, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < feeds->len; i++)
    {
      TmFeedState *s = g_ptr_array_index (feeds, i);

      g_string_append_printf (out, "%s %s %s %s\n", s->url,
                              with_time ? s->last_success : "-",
                              s->manifest_etag, s->generated);
      for (guint j = 0; j < s->shards->len; j++)
        {
          TmFeedShardState *sh = g_ptr_array_index (s->shards, j);

          g_string_append_printf (out, "  %s %s %s\n", sh->path, sh->sha256, sh->etag);
        }
    }
  return g_string_free (out, FALSE);
}

static char *
state_text (TmStore *store)
{
  return state_text_full (store, TRUE);
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
  g_autofree char *want = dump_text (f->source);
  g_autofree char *got = dump_text (f->target);

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

static TmFeedManifest *
read_manifest (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->feed, TM_FEED_MANIFEST_NAME, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  TmFeedManifest *m;
  gsize length;

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);
  m = tm_feed_manifest_parse (text, length, path, &error);
  g_assert_no_error (error);
  return m;
}

/* The path of the first shard of @kind. */
static char *
shard_path (Fixture *f, TmFeedKind kind)
{
  g_autoptr(TmFeedManifest) m = read_manifest (f);

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
  g_autoptr(TmFeedManifest) m = read_manifest (f);
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
  guint shard_requests;

  sync_ok (f);
  before = dump_text (f->target);
  state_before = state_text_full (f->target, FALSE);
  success_before = last_success (f->target);
  shard_requests = count_shard_requests (f);

  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.not_modified);
  g_assert_false (result.changed);
  g_assert_cmpuint (result.fetched, ==, 0);
  g_assert_cmpuint (f->not_modified, ==, 1);
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, 2);
  g_assert_cmpuint (count_shard_requests (f), ==, shard_requests);
  after = dump_text (f->target);
  g_assert_cmpstr (after, ==, before);

  /* Confirmed current: the last success moves on, nothing else. */
  g_assert_cmpstr (last_success (f->target), >=, success_before);
  state_after = state_text_full (f->target, FALSE);
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
  before = dump_text (f->target);
  shard_requests = count_shard_requests (f);

  g_assert_true (run_sync (f, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_false (result.not_modified);
  g_assert_false (result.changed);
  g_assert_cmpuint (result.fetched, ==, 0);
  g_assert_cmpuint (count_shard_requests (f), ==, shard_requests);
  after = dump_text (f->target);
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

/* Runs a sync that must fail and checks that it left the target store and
 * its feed state as they were; returns the error. */
static GError *
sync_fails (Fixture *f, GCancellable *cancellable)
{
  g_autofree char *before = dump_text (f->target);
  g_autofree char *state_before = state_text (f->target);
  g_autofree char *after = NULL;
  g_autofree char *state_after = NULL;
  g_auto(TmFeedSyncResult) result = { 0, };
  GError *error = NULL;

  g_assert_false (run_sync (f, cancellable, &result, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (result.fetched, ==, 0);
  after = dump_text (f->target);
  state_after = state_text (f->target);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (state_after, ==, state_before);
  return error;
}

static void
assert_has (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static void
assert_message_has (const GError *error, const char *part)
{
  assert_has (error->message, part);
}

static void
test_http_404 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  f->fail_path = shard_path (f, TM_FEED_COOPERATIONS);
  f->fail_status = SOUP_STATUS_NOT_FOUND;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT);
  url = g_strdup_printf ("%.*s%s", (int) (strlen (f->url) - strlen (TM_FEED_MANIFEST_NAME)),
                         f->url, f->fail_path);
  assert_message_has (error, url);
  assert_message_has (error, "404 Not Found");

  /* A second sync once the server is fixed succeeds. */
  g_clear_pointer (&f->fail_path, g_free);
  sync_ok (f);
  assert_synced (f);
}

/* A 5xx on the manifest itself, after a good sync: the old data stays. */
static void
test_http_503_manifest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  sync_ok (f);
  f->fail_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->fail_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER);
  assert_message_has (error, f->url);
  assert_message_has (error, "503");
  assert_synced (f);
}

static void
test_bad_checksum (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->corrupt_path = shard_path (f, TM_FEED_STREAMERS);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_CHECKSUM);
  assert_message_has (error, "SHA-256");
  assert_message_has (error, f->corrupt_path);
}

static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->truncate_path = shard_path (f, TM_FEED_BRANDS);
  error = sync_fails (f, NULL);
  /* A body cut short is a broken transfer: tried again, then reported. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_message_has (error, f->truncate_path);
  assert_message_has (error, "tried 4 times");
  g_assert_cmpuint (count_requests (f, f->truncate_path), ==, TM_FEED_CLIENT_MAX_ATTEMPTS);
}

/* More bytes than the manifest lists: refused as soon as they arrive. */
static void
test_oversized (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->extend_path = shard_path (f, TM_FEED_INCIDENTS);
  error = sync_fails (f, NULL);
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_SIZE);
  assert_message_has (error, f->extend_path);
  assert_message_has (error, "more than");
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
  g_assert_cmpuint (count_requests (f, TM_FEED_MANIFEST_NAME), ==, 2);

  /* A new sync picks up the change. */
  g_clear_object (&f->cancel_on_shard);
  sync_ok (f);
  assert_synced (f);
}

static void
test_gzip (Fixture *f, gconstpointer data)
{
  g_autoptr(TmFeedManifest) m = read_manifest (f);

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

/* trustmatch-cli sync against the server of this process. */
static void
run_cli (Fixture     *f,
         const char  *db,
         char       **out,
         char       **err,
         int         *status)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            cli, "--db", db, "sync", f->url, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (child);
}

static void
test_cli (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "cli.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  run_cli (f, db, &out, &err, &status);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "Synced "));
  assert_has (out, f->url);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  run_cli (f, db, &out, &err, &status);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  assert_has (out, "nothing changed");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  f->fail_path = g_strdup (TM_FEED_MANIFEST_NAME);
  f->fail_status = SOUP_STATUS_NOT_FOUND;
  run_cli (f, db, &out, &err, &status);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 1);
  assert_has (err, "404");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  cli = g_getenv ("TRUSTMATCH_CLI");
  g_assert_nonnull (sample_dir);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync/first", test_first);
  ADD ("/sync/unchanged", test_unchanged);
  ADD ("/sync/unchanged-no-validators", test_unchanged_no_validators);
  ADD ("/sync/one-shard-changed", test_one_shard_changed);
  ADD ("/sync/http-404", test_http_404);
  ADD ("/sync/http-503-manifest", test_http_503_manifest);
  ADD ("/sync/bad-checksum", test_bad_checksum);
  ADD ("/sync/truncated", test_truncated);
  ADD ("/sync/oversized", test_oversized);
  ADD ("/sync/cancel", test_cancel);
  ADD ("/sync/gzip", test_gzip);
  ADD ("/sync/bad-url", test_bad_url);
  ADD ("/sync/connection-refused", test_connection_refused);
  g_test_add_func ("/sync/insecure-url", test_insecure_url);
  if (cli != NULL)
    ADD ("/sync/cli", test_cli);
#undef ADD

  return g_test_run ();
}
