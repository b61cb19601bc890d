/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-sync"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "tm-context.h"
#include "tm-feed-client.h"
#include "tm-preferences-window.h"
#include "tm-json.h"
#include "tm-secret.h"
#include "tm-sha256.h"
#include "tm-store-feed.h"
#include "tm-streamer-directory.h"
#include "tm-sync-manager.h"
#include "tm-window.h"
#include "tm-test-gui.h"
#include "tm-test-utils.h"

/* The sync as the user sees it in the window: the sync bar, the error
 * bar, the footer and the offline icon, the Feed Settings window, and the
 * token in the desktop keyring.
 *
 * The feed is published once from the sample data with tm_feed_publish;
 * each test serves a copy of it from a SoupServer on 127.0.0.1 in a
 * thread of its own, which can fail a path with a status, hold the shard
 * requests unanswered, or require a bearer token.  Each test has its own
 * database and window; the window runs on the test's main loop.
 *
 * The whole run has a D-Bus session bus of its own (GTestDBus), so that
 * the keyring the keyring tests start can never replace the keyring of
 * the desktop session the tests happen to run in.  The tests before the
 * keyring tests run with no Secret Service on that bus at all: a feed
 * that needs no token must sync without one. */

/* Long enough for any sync of the sample feed on a busy machine: only
 * there so that a hang fails the test instead of blocking it. */
#define WAIT_SECONDS 60

#define TOKEN "gui-s3cret-token-456"

static char *scratch_dir;
static char *template_dir;     /* source.db and feed/, published once */
static const char *sample_dir;

/* ------------------------------------------------------------------ */
/* Files                                                              */
/* ------------------------------------------------------------------ */


/* Whether @needle is anywhere in the bytes of @path (binary files too). */
static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize length;
  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &data, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= length; i++)
    if (data[i] == needle[0] && memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* The publisher's store and its feed, made once: each test starts from a
 * copy. */
static void
make_template (void)
{
  template_dir = g_build_filename (scratch_dir, "template", NULL);
  tm_test_make_sample_feed (sample_dir, template_dir);
}

/* ------------------------------------------------------------------ */
/* The feed server                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
  char         *feed;          /* the folder served */
  GThread      *thread;
  GMainContext *context;
  gint          stop;          /* atomic */
  GMutex        lock;          /* for everything below */
  GCond         ready;
  char         *url;           /* of manifest.json */
  GHashTable   *requests;      /* path → count */
  guint         n_held;        /* shard requests held so far */
  guint         unauthorized;  /* 401 answers */
  GPtrArray    *held;          /* SoupServerMessage*, paused; the server thread's */

  /* Faults, set while no sync runs (hold_shards excepted) */
  char         *fail_path;     /* answered with fail_status */
  guint         fail_status;
  gboolean      hold_shards;   /* shard requests are never answered */
  char         *token;         /* "Authorization: Bearer" required, nullable */
} Server;

static void
serve (SoupServer        *soup,
       SoupServerMessage *msg,
       const char        *request_path,
       GHashTable        *query,
       gpointer           user_data)
{
  Server *s = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *path = request_path + 1;
  g_autofree char *file = NULL;
  g_autofree char *data = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *etag = NULL;
  const char *if_none_match;
  gsize length;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&s->lock);

  g_hash_table_insert (s->requests, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (s->requests, path)) + 1));

  if (s->token != NULL)
    {
      g_autofree char *want = g_strdup_printf ("Bearer %s", s->token);

      if (g_strcmp0 (soup_message_headers_get_one (request, "Authorization"), want) != 0)
        {
          s->unauthorized++;
          soup_message_headers_replace (response, "WWW-Authenticate", "Bearer realm=\"feed\"");
          soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
          return;
        }
    }

  if (s->fail_path != NULL && strcmp (path, s->fail_path) == 0)
    {
      soup_server_message_set_status (msg, s->fail_status, NULL);
      return;
    }

  if (s->hold_shards && strcmp (path, TM_FEED_MANIFEST_NAME) != 0)
    {
      /* Never unpaused: the connection stays open and silent until the
       * client gives up or the server stops. */
      soup_server_message_pause (msg);
      g_ptr_array_add (s->held, g_object_ref (msg));
      s->n_held++;
      return;
    }

  file = g_build_filename (s->feed, path, NULL);
  if (strstr (path, "..") != NULL || !g_file_get_contents (file, &data, &length, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  /* ETags as any static web server sends them: an unchanged feed costs a
   * 304 on the manifest. */
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  etag = g_strdup_printf ("\"%.16s\"", digest);
  soup_message_headers_replace (response, "ETag", etag);
  if_none_match = soup_message_headers_get_one (request, "If-None-Match");
  if (if_none_match != NULL && strcmp (if_none_match, etag) == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, length);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static gpointer
server_thread (gpointer data)
{
  Server *s = data;
  SoupServer *soup;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (s->context);

  soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (soup, NULL, serve, s, NULL);
  soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup);
  g_assert_nonnull (uris);

  g_mutex_lock (&s->lock);
  s->url = g_strdup_printf ("http://127.0.0.1:%d/%s", g_uri_get_port (uris->data),
                            TM_FEED_MANIFEST_NAME);
  g_cond_signal (&s->ready);
  g_mutex_unlock (&s->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  while (!g_atomic_int_get (&s->stop))
    g_main_context_iteration (s->context, TRUE);

  /* Drops every connection, the held ones too. */
  soup_server_disconnect (soup);
  g_object_unref (soup);
  g_ptr_array_set_size (s->held, 0);
  while (g_main_context_iteration (s->context, FALSE))
    ;
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static Server *
server_start (const char *feed)
{
  Server *s = g_new0 (Server, 1);

  s->feed = g_strdup (feed);
  s->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->held = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&s->lock);
  g_cond_init (&s->ready);
  s->context = g_main_context_new ();
  s->thread = g_thread_new ("feed-server", server_thread, s);
  g_mutex_lock (&s->lock);
  while (s->url == NULL)
    g_cond_wait (&s->ready, &s->lock);
  g_mutex_unlock (&s->lock);
  return s;
}

static void
server_stop (Server *s)
{
  g_atomic_int_set (&s->stop, TRUE);
  g_main_context_wakeup (s->context);
  g_thread_join (s->thread);
  g_main_context_unref (s->context);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->ready);
  g_hash_table_unref (s->requests);
  g_ptr_array_unref (s->held);
  g_free (s->feed);
  g_free (s->url);
  g_free (s->fail_path);
  g_free (s->token);
  g_free (s);
}

static void
server_fail (Server     *s,
             const char *path,
             guint       status)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&s->lock);

  g_free (s->fail_path);
  s->fail_path = g_strdup (path);
  s->fail_status = status;
}

static void
server_hold_shards (Server   *s,
                    gboolean  hold)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&s->lock);

  s->hold_shards = hold;
}

static void
server_require_token (Server     *s,
                      const char *token)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&s->lock);

  g_free (s->token);
  s->token = g_strdup (token);
}

static guint
server_n_held (Server *s)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&s->lock);

  return s->n_held;
}

static guint
server_unauthorized (Server *s)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&s->lock);

  return s->unauthorized;
}

/* "http://127.0.0.1:PORT/@path" */
static char *
server_file_url (Server     *s,
                 const char *path)
{
  return g_strdup_printf ("%.*s%s", (int) (strlen (s->url) - strlen (TM_FEED_MANIFEST_NAME)),
                          s->url, path);
}

/* "127.0.0.1:PORT", as the footer names the server. */
static char *
server_host (Server *s)
{
  g_autoptr(GUri) uri = g_uri_parse (s->url, G_URI_FLAGS_NONE, NULL);

  return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
}

/* The manifest URL of a port of 127.0.0.1 that nobody listens on: the
 * port is taken and given back, never listened on. */
static char *
dead_url (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return g_strdup_printf ("http://127.0.0.1:%u/%s", port, TM_FEED_MANIFEST_NAME);
}

/* ------------------------------------------------------------------ */
/* The main loop                                                      */
/* ------------------------------------------------------------------ */

/* Runs the main loop until @cond holds; fails the test (which goes on:
 * assertions are not fatal) if it does not within WAIT_SECONDS. */
#define WAIT_FOR(cond)                                                          \
  G_STMT_START {                                                                \
    gboolean timed_out_ = FALSE;                                                \
    guint timeout_id_ = g_timeout_add_seconds (WAIT_SECONDS, tm_test_timeout_cb,     \
                                               &timed_out_);                    \
    while (!(cond) && !timed_out_)                                              \
      g_main_context_iteration (NULL, TRUE);                                    \
    if (!timed_out_)                                                            \
      g_source_remove (timeout_id_);                                            \
    if (!(cond))                                                                \
      g_test_fail_printf ("%s:%d: waited %d s in vain for %s", __FILE__,        \
                          __LINE__, WAIT_SECONDS, #cond);                       \
  } G_STMT_END

/* ------------------------------------------------------------------ */
/* The keyring                                                        */
/* ------------------------------------------------------------------ */

static GTestDBus *bus;
static GSubprocess *keyring;
static gboolean keyring_tried;
static char *keyring_problem;   /* why there is no usable keyring */
static gboolean keyring_exited;

static const SecretSchema probe_schema = {
  "org.example.TrustMatch.TestProbe", SECRET_SCHEMA_NONE,
  {
    { "probe", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static void
on_name_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Whenever it happens: a global, not the waiting function's variable. */
static void
on_keyring_exited (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  keyring_exited = TRUE;
}

static char *
keyring_log (const char *log_path)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (log_path, &text, NULL, NULL))
    return g_strdup ("(no output)");
  return g_strstrip (g_steal_pointer (&text));
}

/* Starts GNOME Keyring on the test's own session bus, with a new login
 * keyring in the scratch directory, created and unlocked with a password
 * given on stdin (an empty one would make it ask a prompter, and there is
 * none).  Returns NULL when a Secret Service works, else why not. */
static char *
start_keyring (void)
{
  g_autofree char *program = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *home = g_build_filename (scratch_dir, "keyring-home", NULL);
  g_autofree char *runtime = g_build_filename (scratch_dir, "keyring-runtime", NULL);
  g_autofree char *log_path = g_build_filename (scratch_dir, "keyring.log", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  char *probe = NULL;
  const char *password = "trustmatch-test-keyring";
  gboolean appeared = FALSE;
  gboolean timed_out = FALSE;
  guint watch_id;
  guint timeout_id;

  if (program == NULL)
    return g_strdup ("gnome-keyring-daemon is not installed (Debian package gnome-keyring)");

  g_assert_no_errno (g_mkdir_with_parents (home, 0700));
  g_assert_no_errno (g_mkdir_with_parents (runtime, 0700));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  /* Its files and its control socket in the scratch directory, never in
   * the user's; DBUS_SESSION_BUS_ADDRESS is the test's own bus. */
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", home, TRUE);
  keyring = g_subprocess_launcher_spawn (launcher, &error, program, "--foreground", "--unlock",
                                         "--components=secrets", NULL);
  if (keyring == NULL)
    return g_strdup_printf ("gnome-keyring-daemon could not be started: %s", error->message);

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (keyring), password, strlen (password),
                             NULL, NULL, NULL);
  g_output_stream_close (g_subprocess_get_stdin_pipe (keyring), NULL, NULL);

  watch_id = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.secrets",
                               G_BUS_NAME_WATCHER_FLAGS_NONE, on_name_appeared, NULL,
                               &appeared, NULL);
  g_subprocess_wait_async (keyring, NULL, on_keyring_exited, NULL);
  timeout_id = g_timeout_add_seconds (WAIT_SECONDS, tm_test_timeout_cb, &timed_out);
  while (!appeared && !keyring_exited && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_bus_unwatch_name (watch_id);
  if (!timed_out)
    g_source_remove (timeout_id);
  if (!appeared)
    {
      g_autofree char *output = keyring_log (log_path);

      return g_strdup_printf ("gnome-keyring-daemon %s without providing org.freedesktop.secrets "
                              "on the session bus; it said: %s",
                              keyring_exited ? "exited" : "ran for a minute", output);
    }

  /* The name alone is not enough: the default collection must take an
   * item without a prompt. */
  if (!secret_password_store_sync (&probe_schema, SECRET_COLLECTION_DEFAULT, "probe", "probe",
                                   NULL, &error, "probe", "1", NULL)
      || (probe = secret_password_lookup_sync (&probe_schema, NULL, &error, "probe", "1", NULL)) == NULL
      || !secret_password_clear_sync (&probe_schema, NULL, &error, "probe", "1", NULL))
    {
      g_autofree char *output = keyring_log (log_path);

      secret_password_free (probe);
      return g_strdup_printf ("the Secret Service of gnome-keyring-daemon does not store an item "
                              "in its default collection: %s; it said: %s",
                              error ? error->message : "(the item was not found again)", output);
    }
  secret_password_free (probe);
  return NULL;
}

/* Before the first use of the keyring: FALSE (and the test skipped) when
 * no Secret Service can be had. */
static gboolean
ensure_keyring (void)
{
  if (!keyring_tried)
    {
      keyring_tried = TRUE;
      keyring_problem = start_keyring ();
      if (keyring_problem != NULL)
        g_test_message ("No keyring: %s", keyring_problem);
    }
  if (keyring_problem != NULL)
    {
      g_test_skip (keyring_problem);
      return FALSE;
    }
  return TRUE;
}

static void
stop_keyring (void)
{
  if (keyring == NULL)
    return;
  g_subprocess_send_signal (keyring, SIGTERM);
  g_subprocess_wait (keyring, NULL, NULL);
  g_clear_object (&keyring);
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  char     *token;
  GError   *error;
} SecretWait;

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SecretWait *wait = user_data;

  wait->ok = tm_secret_store_token_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
on_token_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SecretWait *wait = user_data;

  wait->token = tm_secret_lookup_token_finish (result, &wait->error);
  wait->ok = wait->error == NULL;
  wait->done = TRUE;
}

static gboolean
store_token (const char  *url,
             const char  *token,
             GError     **error)
{
  SecretWait wait = { FALSE, };

  tm_secret_store_token_async (url, token, NULL, on_token_stored, &wait);
  WAIT_FOR (wait.done);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static char *
lookup_token (const char  *url,
              GError     **error)
{
  SecretWait wait = { FALSE, };

  tm_secret_lookup_token_async (url, NULL, on_token_looked_up, &wait);
  WAIT_FOR (wait.done);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.token;
}

/* Whether the keyring holds @expected (NULL: nothing) for @url, asking
 * again for a while: a window saves it in the background. */
static gboolean
keyring_comes_to_hold (const char *url,
                       const char *expected)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = NULL;
      char *token = lookup_token (url, &error);
      gboolean same = error == NULL && g_strcmp0 (token, expected) == 0;
      gboolean timed_out = FALSE;

      tm_secret_token_free (token);
      if (same)
        return TRUE;
      g_timeout_add (100, tm_test_timeout_cb, &timed_out);
      while (!timed_out)
        g_main_context_iteration (NULL, TRUE);
    }
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The fixture: a feed server, a database, a window                   */
/* ------------------------------------------------------------------ */

static TmPreferencesWindow *find_feed_settings (void);

typedef enum {
  START_EMPTY,     /* no sample data to seed from: the empty state */
  START_SEEDED,    /* first run: the sample data is the user's */
} Start;

typedef struct {
  char          *dir;
  char          *feed;
  TmStore       *source;       /* the publisher's */
  Server        *server;
  char          *db_path;
  TmContext     *context;
  TmWindow      *window;
  TmSyncManager *manager;

  /* What "finished" said last */
  guint          n_finished;
  char          *summary;
  GError        *error;
} Fixture;

static void
on_finished (TmSyncManager *manager,
             const char    *summary,
             const GError  *error,
             Fixture       *f)
{
  g_clear_pointer (&f->summary, g_free);
  g_clear_error (&f->error);
  f->summary = g_strdup (summary);
  f->error = error ? g_error_copy (error) : NULL;
  f->n_finished++;
}

static gpointer
window_child (Fixture    *f,
              const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (f->window), TM_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static gboolean
action_enabled (Fixture    *f,
                const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), name);
}

static void
activate (Fixture    *f,
          const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (f->window), name, NULL);
}

static gboolean
sync_bar_shown (Fixture *f)
{
  return gtk_revealer_get_reveal_child (window_child (f, "sync_revealer"));
}

static gboolean
error_bar_shown (Fixture *f)
{
  return gtk_revealer_get_reveal_child (window_child (f, "error_revealer"));
}

static const char *
error_text (Fixture *f)
{
  return gtk_label_get_text (window_child (f, "error_label"));
}

static const char *
footer_text (Fixture *f)
{
  return gtk_label_get_text (window_child (f, "sync_status_label"));
}

static gboolean
context_ready (Fixture *f)
{
  return tm_context_get_state (f->context) == TM_CONTEXT_STATE_READY;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  Start start = GPOINTER_TO_INT (data);
  g_autoptr(GSettings) settings = g_settings_new ("org.example.TrustMatch");
  g_autoptr(GError) error = NULL;
  g_autofree char *source_db = NULL;
  g_autofree char *empty_dir = NULL;

  f->dir = g_build_filename (scratch_dir, "test-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (f->dir));
  tm_test_copy_tree (template_dir, f->dir);
  f->feed = g_build_filename (f->dir, "feed", NULL);
  source_db = g_build_filename (f->dir, "source.db", NULL);
  f->source = tm_store_open (source_db, &error);
  g_assert_no_error (error);
  f->server = server_start (f->feed);

  /* The settings outlive the windows (one memory backend per run): each
   * test starts with no feed set. */
  g_settings_reset (settings, "feed-url");

  empty_dir = g_build_filename (f->dir, "no-sample", NULL);
  g_assert_no_errno (g_mkdir_with_parents (empty_dir, 0700));
  f->db_path = g_build_filename (f->dir, "user.db", NULL);
  f->context = tm_context_new (f->db_path, start == START_SEEDED ? sample_dir : empty_dir);
  f->window = tm_window_new (NULL, f->context);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_FOR (context_ready (f));
  tm_test_drain ();

  f->manager = tm_context_get_sync_manager (f->context);
  g_signal_connect (f->manager, "finished", G_CALLBACK (on_finished), f);
  /* Retries after milliseconds, not seconds. */
  g_object_set (tm_sync_manager_get_client (f->manager), "retry-delay", 10, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  TmPreferencesWindow *dialog;

  /* Feed Settings first: GTK 4.8 does not hold on to a window's transient
   * parent, and a dialog that outlived the main window would touch it
   * when it goes. */
  while ((dialog = find_feed_settings ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  tm_test_drain ();
  gtk_window_destroy (GTK_WINDOW (f->window));
  tm_test_drain ();

  g_signal_handlers_disconnect_by_data (f->manager, f);
  g_clear_object (&f->context);
  server_stop (f->server);
  /* The connections' last callbacks, before the files go. */
  tm_test_drain ();
  g_clear_object (&f->source);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->feed);
  g_free (f->db_path);
  g_free (f->summary);
  g_clear_error (&f->error);
}

/* Activates win.sync and waits until the sync has ended and, when it
 * changed the data, the context has loaded it again.  Returns the
 * error "finished" reported (owned by @f), or NULL. */
static const GError *
sync_and_wait (Fixture *f)
{
  guint n = f->n_finished;

  activate (f, "sync");
  WAIT_FOR (f->n_finished > n);
  WAIT_FOR (context_ready (f));
  tm_test_drain ();
  return f->error;
}

static void
sync_ok (Fixture *f)
{
  const GError *error = sync_and_wait (f);

  g_assert_no_error ((GError *) error);
}

static char *
user_dump (Fixture *f)
{
  return tm_test_dump_text (tm_context_get_store (f->context));
}

static guint
count_list_box_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static gboolean
list_box_has_row_titled (GtkListBox *list,
                         const char *title)
{
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (ADW_IS_PREFERENCES_ROW (row)
        && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      return TRUE;
  return FALSE;
}

/* The window shows what the publisher's store holds: the catalog, both
 * lists, and the store itself record for record. */
static void
assert_shows_feed (Fixture *f)
{
  TmCatalog *catalog = tm_context_get_catalog (f->context);
  g_autofree char *want = tm_test_dump_text (f->source);
  g_autofree char *got = user_dump (f);
  GListModel *streamers;
  guint b, s, c, i;

  g_assert_nonnull (catalog);
  tm_store_count (f->source, &b, &s, &c, &i);
  g_assert_cmpuint (catalog->n_brands, ==, b);
  g_assert_cmpuint (catalog->n_streamers, ==, s);
  g_assert_cmpuint (catalog->n_cooperations, ==, c);
  g_assert_cmpuint (catalog->n_incidents, ==, i);
  g_assert_cmpstr (got, ==, want);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (window_child (f, "state_stack")), ==, "data");
  g_assert_cmpuint (count_list_box_rows (window_child (f, "brands_list")), ==, b);
  streamers = tm_streamer_directory_get_model (window_child (f, "directory"));
  g_assert_cmpuint (g_list_model_get_n_items (streamers), ==, s);
}

/* The footer, as the user reads it: "Synced <time> from 127.0.0.1:PORT". */
static void
assert_footer_synced_from (Fixture *f,
                           Server  *s)
{
  g_autofree char *host = server_host (s);
  g_autofree char *suffix = g_strdup_printf (" from %s", host);
  const char *text = footer_text (f);

  if (!g_str_has_prefix (text, "Synced ") || !g_str_has_suffix (text, suffix))
    g_test_fail_printf ("the footer says “%s”, not “Synced … from %s”", text, host);
  g_assert_true (gtk_widget_get_mapped (window_child (f, "sync_status_label")));
  g_assert_false (gtk_widget_get_visible (window_child (f, "offline_icon")));
  g_assert_false (tm_sync_manager_get_offline (f->manager));
}

static void
assert_has (const char *text,
            const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_test_fail_printf ("“%s” is not in “%s”", part, text);
}

/* The publisher renames the first brand and publishes again: returns the
 * path of the one shard that changed. */
static char *
publish_renamed_brand (Fixture    *f,
                       const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) edit = NULL;
  g_autoptr(TmFeedManifest) before = tm_test_read_manifest (f->feed);
  g_autoptr(TmFeedManifest) after = NULL;
  TmFeedPublishOptions options = { 100, "test", NULL };
  const char *names[] = { "edit" };
  TmDataset *ds[1];
  TmBrand *b;

  edit = tm_store_dump_kinds (f->source, TM_RECORD_BRANDS, &error);
  g_assert_no_error (error);
  b = g_ptr_array_index (edit->brands, 0);
  g_free (b->name);
  b->name = g_strdup (name);
  ds[0] = edit;
  g_assert_true (tm_store_import (f->source, ds, names, 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tm_feed_publish (f->source, f->feed, &options, NULL, &error));
  g_assert_no_error (error);

  after = tm_test_read_manifest (f->feed);
  return tm_test_changed_shard (before, after);
}

/* ------------------------------------------------------------------ */
/* 1. A sync that works                                               */
/* ------------------------------------------------------------------ */

/* An empty database: the sync bar shows while the sync runs, with Sync
 * disabled and Cancel enabled; then the window shows the feed's data and
 * the footer says when and from where it came. */
static void
test_success_empty (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *host = server_host (f->server);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (window_child (f, "state_stack")), ==, "empty");
  g_assert_true (action_enabled (f, "sync"));
  g_assert_false (action_enabled (f, "cancel-sync"));
  g_assert_false (sync_bar_shown (f));
  g_assert_false (error_bar_shown (f));

  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  activate (f, "sync");

  /* Running: the bar says whom it asks. */
  g_assert_true (tm_sync_manager_get_running (f->manager));
  g_assert_true (sync_bar_shown (f));
  g_assert_false (action_enabled (f, "sync"));
  g_assert_true (action_enabled (f, "cancel-sync"));
  assert_has (gtk_label_get_text (window_child (f, "sync_label")), host);

  WAIT_FOR (f->n_finished == 1);
  g_assert_no_error (f->error);
  assert_has (f->summary, "added");
  WAIT_FOR (context_ready (f));
  tm_test_drain ();

  g_assert_false (tm_sync_manager_get_running (f->manager));
  g_assert_false (sync_bar_shown (f));
  g_assert_false (error_bar_shown (f));
  g_assert_true (action_enabled (f, "sync"));
  g_assert_false (action_enabled (f, "cancel-sync"));
  assert_shows_feed (f);
  assert_footer_synced_from (f, f->server);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (window_child (f, "sync_progress")), ==, 1.0);
}

/* A first run seeded the sample data; the team's feed has a brand
 * renamed: after the sync the list shows the feed's name. */
static void
test_success_seeded (Fixture       *f,
                     gconstpointer  data)
{
  GtkListBox *brands = window_child (f, "brands_list");
  g_autofree char *path = publish_renamed_brand (f, "团队新名字");

  g_assert_true (tm_context_get_seeded (f->context));
  g_assert_false (list_box_has_row_titled (brands, "团队新名字"));

  /* Before any sync the footer says the data is local only. */
  assert_has (footer_text (f), "Not synced");

  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  sync_ok (f);

  assert_shows_feed (f);
  g_assert_true (list_box_has_row_titled (window_child (f, "brands_list"), "团队新名字"));
  assert_footer_synced_from (f, f->server);
  g_assert_false (error_bar_shown (f));
}

/* The publisher adds a shard that holds no records (a hand-made feed can;
 * the apply accepts it): a re-sync then fetches only that shard, so it
 * has bytes to download and no record to count. */
static void
publish_empty_shard (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) manifest = tm_test_read_manifest (f->feed);
  static const char body[] = "{\n  \"format\": \"trustmatch-dataset\",\n  \"version\": 1,\n"
                             "  \"incidents\": []\n}\n";
  g_autofree char *path = g_build_filename (f->feed, "incidents-empty.json", NULL);
  g_autofree char *manifest_path = g_build_filename (f->feed, "manifest.json", NULL);
  g_autofree char *json = NULL;
  TmFeedShard *shard = tm_feed_shard_new ();
  gsize length;

  shard->kind = TM_FEED_INCIDENTS;
  shard->path = g_strdup ("incidents-empty.json");
  shard->records = 0;
  shard->bytes = (gint64) strlen (body);
  tm_sha256_data (body, strlen (body), shard->sha256);
  g_ptr_array_add (manifest->shards, shard);
  g_assert_true (g_file_set_contents (path, body, -1, &error));
  g_assert_no_error (error);
  json = tm_feed_manifest_to_json (manifest, &length);
  g_assert_true (g_file_set_contents (manifest_path, json, (gssize) length, &error));
  g_assert_no_error (error);
}

static void
on_fraction_changed (TmSyncManager *manager,
                     GParamSpec    *pspec,
                     GArray        *fractions)
{
  double fraction = tm_sync_manager_get_fraction (manager);

  g_array_append_val (fractions, fraction);
}

/* The changed shards hold no records: the bar still moves with the
 * download (its first half counts bytes), before the apply fills it. */
static void
test_progress_no_records (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean midway = FALSE;
  gulong id;

  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  sync_ok (f);
  publish_empty_shard (f);
  before = user_dump (f);

  id = g_signal_connect (f->manager, "notify::fraction", G_CALLBACK (on_fraction_changed),
                         fractions);
  sync_ok (f);
  g_signal_handler_disconnect (f->manager, id);
  assert_has (f->summary, "Synced");
  after = user_dump (f);
  g_assert_cmpstr (after, ==, before);

  for (guint i = 0; i < fractions->len; i++)
    {
      double fraction = g_array_index (fractions, double, i);

      g_test_message ("fraction %u: %g", i, fraction);
      if (fraction > 0.0 && fraction < 1.0)
        midway = TRUE;
    }
  g_assert_true (midway);
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
}

/* ------------------------------------------------------------------ */
/* 2. Failures                                                        */
/* ------------------------------------------------------------------ */

/* A shard answers 404: the error bar names the shard's URL and the
 * status, the app is not "offline" (the server answered), and the data
 * stays.  Try Again, once the server is fixed, brings the change. */
static void
test_http_404 (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  sync_ok (f);
  path = publish_renamed_brand (f, "改了名字");
  url = server_file_url (f->server, path);
  server_fail (f->server, path, SOUP_STATUS_NOT_FOUND);
  before = user_dump (f);

  sync_and_wait (f);
  g_assert_error (f->error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT);
  g_assert_false (sync_bar_shown (f));
  g_assert_true (error_bar_shown (f));
  assert_has (error_text (f), url);
  assert_has (error_text (f), "404");
  g_assert_false (tm_sync_manager_get_offline (f->manager));
  g_assert_false (gtk_widget_get_visible (window_child (f, "offline_icon")));
  assert_footer_synced_from (f, f->server);
  after = user_dump (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (list_box_has_row_titled (window_child (f, "brands_list"), "改了名字"));

  /* Try Again (win.sync): the bar goes at once, the sync brings the
   * change. */
  server_fail (f->server, NULL, 0);
  activate (f, "sync");
  g_assert_false (error_bar_shown (f));
  WAIT_FOR (f->n_finished == 3);
  WAIT_FOR (context_ready (f));
  tm_test_drain ();
  g_assert_no_error (f->error);
  g_assert_false (error_bar_shown (f));
  assert_shows_feed (f);
  g_assert_true (list_box_has_row_titled (window_child (f, "brands_list"), "改了名字"));
}

/* Nobody listens: the app is offline (icon, footer), the error bar names
 * the URL, the data stays; Dismiss hides the bar; a sync that works
 * clears the offline state, and a later failure says since when the data
 * is that of the last sync. */
static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *dead = dead_url ();
  g_autofree char *host = server_host (f->server);
  g_autofree char *before = user_dump (f);
  g_autofree char *after = NULL;
  g_autofree char *synced = NULL;
  g_autofree char *after_synced = NULL;

  /* One attempt: the retries would only wait. */
  g_object_set (tm_sync_manager_get_client (f->manager), "max-attempts", 1, NULL);

  tm_sync_manager_set_feed_url (f->manager, dead);
  sync_and_wait (f);
  g_assert_nonnull (f->error);
  if (f->error != NULL)
    g_assert_true (f->error->domain == G_IO_ERROR);
  g_assert_true (tm_sync_manager_get_offline (f->manager));
  g_assert_true (error_bar_shown (f));
  assert_has (error_text (f), dead);
  g_assert_true (g_str_has_prefix (footer_text (f), "Offline"));
  g_assert_true (gtk_widget_get_visible (window_child (f, "offline_icon")));
  g_assert_true (gtk_widget_get_mapped (window_child (f, "offline_icon")));
  after = user_dump (f);
  g_assert_cmpstr (after, ==, before);

  activate (f, "dismiss-sync-error");
  g_assert_false (error_bar_shown (f));
  /* Dismissing the message does not make the app online. */
  g_assert_true (tm_sync_manager_get_offline (f->manager));

  /* Back online. */
  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  sync_ok (f);
  assert_footer_synced_from (f, f->server);
  g_assert_false (error_bar_shown (f));
  assert_shows_feed (f);
  synced = user_dump (f);

  /* Offline again: the footer says the data shown is that of the last
   * sync, and from where. */
  tm_sync_manager_set_feed_url (f->manager, dead);
  sync_and_wait (f);
  g_assert_true (tm_sync_manager_get_offline (f->manager));
  g_assert_true (g_str_has_prefix (footer_text (f), "Offline"));
  assert_has (footer_text (f), host);
  g_assert_true (gtk_widget_get_visible (window_child (f, "offline_icon")));
  after_synced = user_dump (f);
  g_assert_cmpstr (after_synced, ==, synced);

  /* The feed answers again, unchanged (304): online, nothing reloaded. */
  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  sync_ok (f);
  assert_has (f->summary, "not changed");
  assert_footer_synced_from (f, f->server);
  g_assert_false (error_bar_shown (f));
}

/* ------------------------------------------------------------------ */
/* 3. Cancel                                                          */
/* ------------------------------------------------------------------ */

/* The server holds the shards: the bar says what it downloads; Cancel
 * ends the sync, the data stays, no error bar; the next sync works. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkLabel *label = window_child (f, "sync_label");

  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  sync_ok (f);
  path = publish_renamed_brand (f, "取消前的名字");
  before = user_dump (f);

  server_hold_shards (f->server, TRUE);
  activate (f, "sync");
  WAIT_FOR (server_n_held (f->server) > 0);
  WAIT_FOR (g_str_has_prefix (gtk_label_get_text (label), "Downloading"));
  g_assert_true (sync_bar_shown (f));
  g_assert_true (action_enabled (f, "cancel-sync"));

  activate (f, "cancel-sync");
  WAIT_FOR (f->n_finished == 2);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  tm_test_drain ();
  g_assert_false (tm_sync_manager_get_running (f->manager));
  g_assert_false (sync_bar_shown (f));
  g_assert_false (error_bar_shown (f));
  g_assert_false (tm_sync_manager_get_offline (f->manager));
  g_assert_true (action_enabled (f, "sync"));
  g_assert_false (action_enabled (f, "cancel-sync"));
  g_assert_true (context_ready (f));
  after = user_dump (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (list_box_has_row_titled (window_child (f, "brands_list"), "取消前的名字"));
  assert_footer_synced_from (f, f->server);

  server_hold_shards (f->server, FALSE);
  sync_ok (f);
  assert_shows_feed (f);
  g_assert_true (list_box_has_row_titled (window_child (f, "brands_list"), "取消前的名字"));
}

/* The first widget under @root (depth first, @root included) that is a
 * button activating @action inside a @container_type, or NULL. */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    GType       container_type,
                    const char *action)
{
  if (GTK_IS_BUTTON (root)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0
      && gtk_widget_get_ancestor (root, container_type) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, container_type, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a label under @root that is drawn shows @part: a toast, say. */
static gboolean
shows_label_with (GtkWidget  *root,
                  const char *part)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root)
      && strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label_with (child, part))
      return TRUE;
  return FALSE;
}

/* As a user would: a store seeded with the sample data, its first sync
 * with the team feed started with the header bar's sync button and
 * cancelled with the Cancel button of the sync bar while the server holds
 * the shards.  The store is as it was, record for record; the window
 * says the sync was cancelled (a toast) and shows no error, and the sync
 * button works again. */
static void
test_cancel_buttons (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *sync_button = find_action_button (GTK_WIDGET (f->window), ADW_TYPE_HEADER_BAR,
                                               "win.sync");
  GtkWidget *cancel_button = find_action_button (window_child (f, "sync_revealer"),
                                                 GTK_TYPE_REVEALER, "win.cancel-sync");
  GtkWidget *progress = window_child (f, "sync_progress");
  GtkLabel *label = window_child (f, "sync_label");
  g_autofree char *path = publish_renamed_brand (f, "取消后才来的名字");
  g_autofree char *before = user_dump (f);
  g_autofree char *after = NULL;

  g_assert_nonnull (sync_button);
  g_assert_nonnull (cancel_button);
  g_assert_true (tm_context_get_seeded (f->context));
  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  server_hold_shards (f->server, TRUE);
  g_assert_true (gtk_widget_is_sensitive (sync_button));
  g_assert_false (shows_label_with (GTK_WIDGET (f->window), "cancelled"));

  gtk_widget_activate (sync_button);
  WAIT_FOR (server_n_held (f->server) > 0);
  WAIT_FOR (g_str_has_prefix (gtk_label_get_text (label), "Downloading"));
  /* The sync bar slides in with its progress and Cancel; Sync waits. */
  WAIT_FOR (gtk_widget_get_mapped (cancel_button));
  g_assert_true (sync_bar_shown (f));
  g_assert_true (gtk_widget_get_mapped (progress));
  g_assert_true (gtk_widget_is_sensitive (cancel_button));
  g_assert_false (gtk_widget_is_sensitive (sync_button));

  gtk_widget_activate (cancel_button);
  WAIT_FOR (f->n_finished == 1);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  WAIT_FOR (shows_label_with (GTK_WIDGET (f->window), "Sync cancelled"));
  tm_test_drain ();
  g_assert_false (tm_sync_manager_get_running (f->manager));
  g_assert_false (sync_bar_shown (f));
  g_assert_false (error_bar_shown (f));
  g_assert_false (tm_sync_manager_get_offline (f->manager));
  g_assert_false (gtk_widget_get_visible (window_child (f, "offline_icon")));
  g_assert_true (gtk_widget_is_sensitive (sync_button));
  g_assert_true (context_ready (f));
  after = user_dump (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (list_box_has_row_titled (window_child (f, "brands_list"), "取消后才来的名字"));
  /* Never synced: the footer still says the data is local. */
  assert_has (footer_text (f), "Not synced");

  /* The same button, the server answering: the feed arrives. */
  server_hold_shards (f->server, FALSE);
  gtk_widget_activate (sync_button);
  WAIT_FOR (f->n_finished == 2);
  WAIT_FOR (context_ready (f));
  tm_test_drain ();
  g_assert_no_error (f->error);
  assert_shows_feed (f);
  g_assert_true (list_box_has_row_titled (window_child (f, "brands_list"), "取消后才来的名字"));
  assert_footer_synced_from (f, f->server);
}

/* ------------------------------------------------------------------ */
/* 4. Feed Settings                                                   */
/* ------------------------------------------------------------------ */

static TmPreferencesWindow *
find_feed_settings (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  TmPreferencesWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (TM_IS_PREFERENCES_WINDOW (window))
        found = TM_PREFERENCES_WINDOW (window);
    }
  return found;
}

static gpointer
settings_child (TmPreferencesWindow *dialog,
                const char     *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (dialog), TM_TYPE_PREFERENCES_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static void
type_url (TmPreferencesWindow *dialog,
          const char     *url)
{
  gtk_editable_set_text (GTK_EDITABLE (settings_child (dialog, "url_row")), url);
}

static void
apply_url (TmPreferencesWindow *dialog,
           const char     *url)
{
  type_url (dialog, url);
  g_signal_emit_by_name (settings_child (dialog, "url_row"), "apply");
}

static gboolean
warning_shown (TmPreferencesWindow *dialog)
{
  return gtk_widget_get_visible (settings_child (dialog, "warning_group"));
}

/* With no feed set, Sync opens Feed Settings.  An address that is not an
 * http(s) one is refused and marked; plain http to another machine shows
 * the warning, loopback and https do not; a good address is saved, and
 * Sync Now syncs it and closes the window. */
static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.example.TrustMatch");
  TmPreferencesWindow *dialog;
  GtkWidget *url_row;
  GtkWidget *sync_button;

  g_assert_cmpstr (tm_sync_manager_get_feed_url (f->manager), ==, "");
  activate (f, "sync");
  dialog = find_feed_settings ();
  g_assert_nonnull (dialog);
  if (dialog == NULL)
    return;
  g_assert_false (tm_sync_manager_get_running (f->manager));
  g_assert_false (sync_bar_shown (f));
  tm_test_drain ();

  url_row = settings_child (dialog, "url_row");
  sync_button = settings_child (dialog, "sync_button");
  /* No feed yet: no token to give. */
  g_assert_false (gtk_widget_get_sensitive (settings_child (dialog, "token_row")));

  apply_url (dialog, "ftp://x");
  g_assert_cmpstr (tm_sync_manager_get_feed_url (f->manager), ==, "");
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  g_assert_false (gtk_widget_get_sensitive (sync_button));
  g_assert_false (warning_shown (dialog));

  /* Typing again takes the mark away. */
  type_url (dialog, "http://example.com/manifest.json");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  g_assert_true (warning_shown (dialog));
  g_assert_true (gtk_widget_get_sensitive (sync_button));

  type_url (dialog, "http://127.0.0.1:1/manifest.json");
  g_assert_false (warning_shown (dialog));
  type_url (dialog, "https://feed.example.com/manifest.json");
  g_assert_false (warning_shown (dialog));
  type_url (dialog, "http://localhost:8080/manifest.json");
  g_assert_false (warning_shown (dialog));

  /* Applying a plain-http address elsewhere saves it, and still warns. */
  apply_url (dialog, "http://example.com/manifest.json");
  g_assert_cmpstr (tm_sync_manager_get_feed_url (f->manager), ==, "http://example.com/manifest.json");
  g_assert_true (warning_shown (dialog));

  apply_url (dialog, f->server->url);
  g_assert_cmpstr (tm_sync_manager_get_feed_url (f->manager), ==, f->server->url);
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  g_assert_false (warning_shown (dialog));
  g_assert_true (gtk_widget_get_sensitive (settings_child (dialog, "token_row")));
  /* Saved for the next start. */
  {
    g_autofree char *saved = g_settings_get_string (settings, "feed-url");

    g_assert_cmpstr (saved, ==, f->server->url);
  }

  /* Sync Now */
  g_signal_emit_by_name (sync_button, "clicked");
  g_assert_true (tm_sync_manager_get_running (f->manager));
  tm_test_drain ();
  g_assert_null (find_feed_settings ());
  WAIT_FOR (f->n_finished == 1);
  WAIT_FOR (context_ready (f));
  tm_test_drain ();
  g_assert_no_error (f->error);
  assert_shows_feed (f);
  assert_footer_synced_from (f, f->server);
}

/* A failed sync left the error bar; the user fixes things in Feed
 * Settings and presses Sync Now there: once that sync has worked, the
 * window must not still say that the sync failed. */
static void
test_settings_sync_now_clears_error (Fixture       *f,
                                     gconstpointer  data)
{
  TmPreferencesWindow *dialog;

  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  server_fail (f->server, TM_FEED_MANIFEST_NAME, SOUP_STATUS_NOT_FOUND);
  sync_and_wait (f);
  g_assert_error (f->error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT);
  g_assert_true (error_bar_shown (f));

  server_fail (f->server, NULL, 0);
  activate (f, "feed-settings");
  dialog = find_feed_settings ();
  g_assert_nonnull (dialog);
  if (dialog == NULL)
    return;
  tm_test_drain ();
  g_signal_emit_by_name (settings_child (dialog, "sync_button"), "clicked");
  WAIT_FOR (f->n_finished == 2);
  WAIT_FOR (context_ready (f));
  tm_test_drain ();
  g_assert_no_error (f->error);
  assert_shows_feed (f);
  if (error_bar_shown (f))
    g_test_fail_printf ("after a successful sync started from Feed Settings, the window still "
                        "shows the error bar of the earlier failure: “%s”", error_text (f));
}

/* ------------------------------------------------------------------ */
/* 5. The keyring                                                     */
/* ------------------------------------------------------------------ */

static void
test_keyring_store_lookup (void)
{
  const char *url = "https://feed.example.com/team/manifest.json";
  const char *other = "https://feed.example.com/other/manifest.json";
  g_autoptr(GError) error = NULL;
  char *token;

  if (!ensure_keyring ())
    return;

  g_assert_true (store_token (url, TOKEN, &error));
  g_assert_no_error (error);
  token = lookup_token (url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, TOKEN);
  tm_secret_token_free (token);

  /* One token per feed: another URL has none. */
  token = lookup_token (other, &error);
  g_assert_no_error (error);
  g_assert_null (token);

  /* Saving again replaces it. */
  g_assert_true (store_token (url, "second-token", &error));
  g_assert_no_error (error);
  token = lookup_token (url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "second-token");
  tm_secret_token_free (token);

  /* An empty token removes it. */
  g_assert_true (store_token (url, "", &error));
  g_assert_no_error (error);
  token = lookup_token (url, &error);
  g_assert_no_error (error);
  g_assert_null (token);

  /* Removing what is not there is no error. */
  g_assert_true (store_token (url, "", &error));
  g_assert_no_error (error);
}

/* Feed Settings shows the token saved for the feed, saves a new one when
 * applied and removes it when applied empty. */
static void
test_keyring_settings_token (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TmPreferencesWindow *dialog;
  GtkEditable *token_row;

  if (!ensure_keyring ())
    return;

  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  g_assert_true (store_token (f->server->url, TOKEN, &error));
  g_assert_no_error (error);

  activate (f, "feed-settings");
  dialog = find_feed_settings ();
  g_assert_nonnull (dialog);
  if (dialog == NULL)
    return;
  token_row = GTK_EDITABLE (settings_child (dialog, "token_row"));
  WAIT_FOR (g_strcmp0 (gtk_editable_get_text (token_row), TOKEN) == 0);

  gtk_editable_set_text (token_row, "new-token-789");
  g_signal_emit_by_name (token_row, "apply");
  g_assert_true (keyring_comes_to_hold (f->server->url, "new-token-789"));

  gtk_editable_set_text (token_row, "");
  g_signal_emit_by_name (token_row, "apply");
  g_assert_true (keyring_comes_to_hold (f->server->url, NULL));
}

/* The feed wants a bearer token and the keyring has it: the sync sends it
 * and works, and the token is nowhere in what the window shows or in the
 * database. */
static void
test_keyring_sync_with_token (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = NULL;

  if (!ensure_keyring ())
    return;

  server_require_token (f->server, TOKEN);
  g_assert_true (store_token (f->server->url, TOKEN, &error));
  g_assert_no_error (error);
  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  sync_ok (f);
  g_assert_cmpuint (server_unauthorized (f->server), ==, 0);
  g_assert_false (error_bar_shown (f));
  assert_shows_feed (f);
  assert_footer_synced_from (f, f->server);

  g_assert_null (strstr (footer_text (f), TOKEN));
  g_assert_false (file_contains (f->db_path, TOKEN));
  wal = g_strconcat (f->db_path, "-wal", NULL);
  g_assert_false (file_contains (wal, TOKEN));
}

/* The feed wants a token and the keyring has none for it: 401, and the
 * error bar says the access token is what is wrong; nothing changes. */
static void
test_keyring_sync_without_token (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (!ensure_keyring ())
    return;

  server_require_token (f->server, TOKEN);
  /* A token for another feed is not sent to this one. */
  g_assert_true (store_token ("https://other.example.com/manifest.json", TOKEN, &error));
  g_assert_no_error (error);
  g_assert_true (store_token (f->server->url, "", &error));
  g_assert_no_error (error);
  tm_sync_manager_set_feed_url (f->manager, f->server->url);
  before = user_dump (f);

  sync_and_wait (f);
  g_assert_error (f->error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_CLIENT);
  g_assert_cmpuint (server_unauthorized (f->server), >, 0);
  g_assert_true (error_bar_shown (f));
  assert_has (error_text (f), "401");
  assert_has (error_text (f), "access token");
  g_assert_null (strstr (error_text (f), TOKEN));
  g_assert_false (tm_sync_manager_get_offline (f->manager));
  after = user_dump (f);
  g_assert_cmpstr (after, ==, before);

  g_assert_true (store_token ("https://other.example.com/manifest.json", "", &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *display = NULL;
  int ret;

  scratch_dir = g_dir_make_tmp ("test-gui-sync-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (scratch_dir, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  /* A check that fails marks its test failed and the test goes on: one
   * wrong behaviour does not hide the results of the others. */
  g_test_set_nonfatal_assertions ();

  /* A session bus of the run's own, before anything connects to one.
   * GTestDBus also unsets DISPLAY, which the windows need. */
  display = g_strdup (g_getenv ("DISPLAY"));
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  adw_init ();

  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_assert_nonnull (sample_dir);
  make_template ();

#define ADD(path, start, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (start), fixture_set_up, func, fixture_tear_down)
  ADD ("/gui-sync/success/empty-store", START_EMPTY, test_success_empty);
  ADD ("/gui-sync/success/seeded-store", START_SEEDED, test_success_seeded);
  ADD ("/gui-sync/success/progress-no-records", START_EMPTY, test_progress_no_records);
  ADD ("/gui-sync/failure/http-404", START_EMPTY, test_http_404);
  ADD ("/gui-sync/failure/offline", START_SEEDED, test_offline);
  ADD ("/gui-sync/cancel/held-shards", START_EMPTY, test_cancel);
  ADD ("/gui-sync/cancel/buttons", START_SEEDED, test_cancel_buttons);
  ADD ("/gui-sync/settings/no-feed-url", START_EMPTY, test_settings);
  ADD ("/gui-sync/settings/sync-now-clears-error", START_EMPTY, test_settings_sync_now_clears_error);
  /* Last: until these start one, there is no keyring on the bus. */
  g_test_add_func ("/gui-sync/keyring/store-lookup-remove", test_keyring_store_lookup);
  ADD ("/gui-sync/keyring/settings-token", START_EMPTY, test_keyring_settings_token);
  ADD ("/gui-sync/keyring/sync-with-token", START_EMPTY, test_keyring_sync_with_token);
  ADD ("/gui-sync/keyring/sync-without-token", START_EMPTY, test_keyring_sync_without_token);
#undef ADD

  ret = g_test_run ();

  stop_keyring ();
  /* libadwaita (the settings portal it looked for) and libsecret keep the
   * session connection for the life of the process, so the bus is
   * stopped without waiting for that connection to go (which
   * g_test_dbus_down() and the GTestDBus's finalize would do, for 30 s,
   * then fail): it is left to the end of the process.  The connection
   * must not end the process when the bus goes. */
  {
    g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

    if (connection != NULL)
      g_dbus_connection_set_exit_on_close (connection, FALSE);
  }
  g_test_dbus_stop (bus);
  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);
  g_free (template_dir);
  g_free (keyring_problem);

  return ret;
}
