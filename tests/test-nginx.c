/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-nginx"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include "tm-test-utils.h"

/* The feed against a real web server, as a team would host it: the sample
 * data is published with trustmatch-cli into a folder that nginx serves
 * on 127.0.0.1 with gzip and ETags on, and trustmatch-cli syncs from it.
 * What each sync asked for and what nginx answered is read back from
 * nginx's access log.  nginx runs as one foreground process with a
 * configuration of its own in the test's temporary folder; the test is
 * skipped when nginx is not installed (./dev installs it). */

static const char *sample_dir;
static const char *cli;

/* One access log line: what was asked, what nginx answered.  nginx writes
 * "-" for an empty value and escapes quotes as \x22. */
enum {
  LOG_URI,
  LOG_STATUS,
  LOG_BYTES,               /* body bytes sent, after compression */
  LOG_ACCEPT_ENCODING,     /* the request's */
  LOG_CONTENT_ENCODING,    /* the response's */
  LOG_IF_NONE_MATCH,       /* the request's */
  LOG_ETAG,                /* the response's */
  N_LOG_FIELDS
};

#define LOG_FORMAT "$request_uri|$status|$body_bytes_sent|$http_accept_encoding|" \
                   "$sent_http_content_encoding|$http_if_none_match|$sent_http_etag"

typedef struct {
  char        *dir;
  char        *feed;           /* the published folder nginx serves */
  char        *source_db;      /* the publisher's store */
  char        *target_db;      /* the syncing user's store */
  char        *nginx_path;     /* NULL when nginx is not installed */
  GSubprocess *nginx;
  gboolean     nginx_exited;
  guint        port;
  char        *url;            /* of manifest.json */
  guint        log_lines;      /* access log lines already read */
  guint        marks;          /* requests that mark the log's end */
} Fixture;

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

#define assert_contains(haystack, needle) \
  assert_contains_impl (__FILE__, __LINE__, G_STRFUNC, (haystack), (needle))

static void
assert_contains_impl (const char *file,
                      int         line,
                      const char *func,
                      const char *haystack,
                      const char *needle)
{
  g_autofree char *msg = NULL;

  if (strstr (haystack, needle) != NULL)
    return;
  msg = g_strdup_printf ("“%s” not in:\n%s", needle, haystack);
  g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
}

/* The CLI's output is matched in English, and a proxy from the
 * environment must not get between it and 127.0.0.1. */
static char **
cli_environment (void)
{
  const char *drop[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                         "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
                         "LANGUAGE", "TRUSTMATCH_TOKEN" };
  char **env = g_get_environ ();

  for (guint i = 0; i < G_N_ELEMENTS (drop); i++)
    env = g_environ_unsetenv (env, drop[i]);
  return g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
}

/* Runs trustmatch-cli --db @db with the NULL-terminated arguments, checks
 * that it exits with @expected and returns its standard output. */
static char *
run_cli (const char *db,
         int         expected,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = cli_environment ();
  g_autofree char *out = NULL, *err = NULL;
  const char *arg;
  int status;
  va_list ap;

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  va_start (ap, expected);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != expected)
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv->pdata);
      g_autofree char *msg = g_strdup_printf ("%s: exit status %d (wanted %d)\n"
                                              "stdout:\n%s\nstderr:\n%s",
                                              cmd, WIFEXITED (status) ? WEXITSTATUS (status) : -1,
                                              expected, out, err);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    }
  return g_steal_pointer (&out);
}

/* Compares two dumps; on a difference shows where, not two whole
 * megabytes. */
static void
assert_same_dump (const char *expected,
                  const char *actual)
{
  gsize i = 0, start;
  g_autofree char *msg = NULL;

  if (g_str_equal (expected, actual))
    return;
  while (expected[i] != '\0' && expected[i] == actual[i])
    i++;
  start = i > 200 ? i - 200 : 0;
  msg = g_strdup_printf ("the dumps differ at byte %" G_GSIZE_FORMAT ":\n"
                         "source: …%.400s…\ntarget: …%.400s…",
                         i, expected + start, actual + start);
  g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
}

typedef struct {
  GHashTable *sha256;          /* path → sha256 */
  guint       records;         /* in all shards */
} Manifest;

static void
manifest_free (Manifest *m)
{
  g_hash_table_unref (m->sha256);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Manifest, manifest_free)

static Manifest *
load_manifest (Fixture *f)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->feed, "manifest.json", NULL);
  Manifest *m = g_new0 (Manifest, 1);
  JsonArray *shards;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  shards = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "shards");
  m->sha256 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < json_array_get_length (shards); i++)
    {
      JsonObject *shard = json_array_get_object_element (shards, i);

      g_hash_table_insert (m->sha256,
                           g_strdup (json_object_get_string_member (shard, "path")),
                           g_strdup (json_object_get_string_member (shard, "sha256")));
      m->records += json_object_get_int_member (shard, "records");
    }
  return m;
}

/* Writes a dataset file that renames the sample's first streamer, and
 * returns its path; @new_name is the name it gets. */
static char *
write_renamed_streamer (Fixture  *f,
                        char    **new_name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sample = g_build_filename (sample_dir, "streamers.json", NULL);
  g_autofree char *path = g_build_filename (f->dir, "rename.json", NULL);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *file = json_object_new ();
  JsonArray *streamers = json_array_new ();
  JsonNode *streamer;
  JsonObject *object;

  json_parser_load_from_file (parser, sample, &error);
  g_assert_no_error (error);
  streamer = json_node_copy (json_array_get_element (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                    "streamers"), 0));
  object = json_node_get_object (streamer);
  *new_name = g_strconcat (json_object_get_string_member (object, "name"), "（已更名）", NULL);
  json_object_set_string_member (object, "name", *new_name);

  json_array_add_element (streamers, streamer);
  json_object_set_string_member (file, "format", "trustmatch-dataset");
  json_object_set_int_member (file, "version", 1);
  json_object_set_array_member (file, "streamers", streamers);
  json_node_take_object (root, file);
  json_generator_set_root (generator, root);
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}


/* ------------------------------------------------------------------ */
/* nginx                                                              */
/* ------------------------------------------------------------------ */

static char *
find_nginx (void)
{
  char *path = g_find_program_in_path ("nginx");

  /* Debian puts it in /usr/sbin, which is not in a user's PATH. */
  if (path == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/nginx");
  return path;
}

/* A port nothing listens on right now; nginx may still lose it to
 * someone else before it binds, so start_nginx retries. */
static guint
pick_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_accepts (guint port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  gboolean ok;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_nonnull (socket);
  ok = g_socket_connect (socket, address, NULL, NULL);
  g_socket_close (socket, NULL);
  return ok;
}

static char *
read_file (Fixture    *f,
           const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/* Runs in nginx's process before exec: a failed assertion aborts the
 * test before its teardown can stop nginx, so the kernel does it. */
static void
die_with_test (gpointer data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != GPOINTER_TO_INT (data))
    _exit (1);
#endif
}

static void
on_nginx_exited (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  f->nginx_exited = TRUE;
}

static void
write_config (Fixture *f)
{
  g_autoptr(GString) conf = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *path = g_build_filename (f->dir, "nginx.conf", NULL);
  const char *temp_paths[] = { "proxy", "fastcgi", "uwsgi", "scgi" };
  const char *argv[] = { f->nginx_path, "-V", NULL };

  /* nginx -V lists the modules left out of this build; the temporary
   * folder of each module that is in it moves out of /var. */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &version, NULL, &error);
  g_assert_no_error (error);

  g_string_append_printf (conf,
                          "# test-nginx: one foreground process, every file in this folder.\n"
                          "daemon off;\n"
                          "master_process off;\n"
                          "pid \"%s/nginx.pid\";\n"
                          "error_log \"%s/error.log\" notice;\n"
                          "events {\n"
                          "  worker_connections 64;\n"
                          "}\n"
                          "http {\n"
                          "  types {\n"
                          "    application/json json;\n"
                          "  }\n"
                          "  default_type application/octet-stream;\n"
                          "  log_format feed '" LOG_FORMAT "';\n"
                          "  access_log \"%s/access.log\" feed;\n"
                          "  client_body_temp_path \"%s/client_body_temp\";\n",
                          f->dir, f->dir, f->dir, f->dir);
  for (guint i = 0; i < G_N_ELEMENTS (temp_paths); i++)
    {
      g_autofree char *without = g_strdup_printf ("--without-http_%s_module", temp_paths[i]);

      if (strstr (version, without) == NULL)
        g_string_append_printf (conf, "  %s_temp_path \"%s/%s_temp\";\n",
                                temp_paths[i], f->dir, temp_paths[i]);
    }
  g_string_append_printf (conf,
                          "  gzip on;\n"
                          "  gzip_types application/json;\n"
                          "  gzip_min_length 0;\n"
                          "  etag on;\n"
                          "  server {\n"
                          "    listen 127.0.0.1:%u;\n"
                          "    root \"%s\";\n"
                          "  }\n"
                          "}\n",
                          f->port, f->feed);

  g_file_set_contents (path, conf->str, conf->len, &error);
  g_assert_no_error (error);
}

typedef enum {
  NGINX_UP,
  NGINX_EXITED,
  NGINX_TIMED_OUT,
} NginxState;

/* Waits until nginx has bound the port (it writes its pid file only
 * then, so a connection cannot reach someone else) and accepts
 * connections, or exits.  The bound only catches a hung nginx. */
static NginxState
wait_for_nginx (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  const char *pid = g_subprocess_get_identifier (f->nginx);

  while (TRUE)
    {
      g_autofree char *pid_file = NULL;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (f->nginx_exited)
        return NGINX_EXITED;
      pid_file = read_file (f, "nginx.pid");
      if (pid != NULL && g_str_equal (g_strstrip (pid_file), pid) && port_accepts (f->port))
        return NGINX_UP;
      if (g_get_monotonic_time () > deadline)
        return NGINX_TIMED_OUT;
      g_usleep (G_USEC_PER_SEC / 50);
    }
}

static void
start_nginx (Fixture *f)
{
  g_autofree char *conf = g_build_filename (f->dir, "nginx.conf", NULL);
  g_autofree char *error_log = g_build_filename (f->dir, "error.log", NULL);
  g_autofree char *pid_file = g_build_filename (f->dir, "nginx.pid", NULL);
  g_autofree char *log = NULL;
  g_autofree char *msg = NULL;

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GError) error = NULL;
      NginxState state;

      f->port = pick_free_port ();
      write_config (f);
      g_unlink (error_log);
      g_unlink (pid_file);

      /* Standard output is the test's TAP stream: keep nginx off it. */
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_subprocess_launcher_set_child_setup (launcher, die_with_test,
                                             GINT_TO_POINTER (getpid ()), NULL);
      f->nginx = g_subprocess_launcher_spawn (launcher, &error, f->nginx_path,
                                              "-p", f->dir, "-c", conf, "-e", error_log,
                                              NULL);
      g_assert_no_error (error);
      f->nginx_exited = FALSE;
      g_subprocess_wait_async (f->nginx, NULL, on_nginx_exited, f);

      state = wait_for_nginx (f);
      if (state == NGINX_UP)
        {
          f->url = g_strdup_printf ("http://127.0.0.1:%u/manifest.json", f->port);
          return;
        }

      g_clear_pointer (&log, g_free);
      log = read_file (f, "error.log");
      if (state == NGINX_TIMED_OUT || strstr (log, "Address already in use") == NULL)
        break;
      g_test_message ("port %u was taken before nginx could bind it; trying another", f->port);
      g_clear_object (&f->nginx);
    }

  msg = g_strdup_printf ("nginx did not come up on 127.0.0.1:%u; %s:\n%s",
                         f->port, error_log, log);
  g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
}

static void
stop_nginx (Fixture *f)
{
  if (f->nginx == NULL)
    return;
  if (!f->nginx_exited)
    g_subprocess_force_exit (f->nginx);
  /* Until the wait started in start_nginx has finished: it points at f. */
  while (!f->nginx_exited)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&f->nginx);
}

/* The access log lines written since the last call, one GStrv of
 * N_LOG_FIELDS each.  nginx writes a line when a request is done, which
 * may be a moment after the client has its last byte: a request of our
 * own, answered only after every earlier one, marks the end. */
static GPtrArray *
read_new_requests (Fixture *f)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GError) error = NULL;
  g_autofree char *mark = g_strdup_printf ("/log-mark-%u", ++f->marks);
  g_autofree char *request = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean found = FALSE;
  char buffer[4096];
  gssize n;
  guint i;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", mark);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  /* nginx logs an HTTP/1.0 request before it closes the connection. */
  do
    n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             buffer, sizeof buffer, NULL, &error);
  while (n > 0);
  g_assert_no_error (error);

  log = read_file (f, "access.log");
  lines = g_strsplit (log, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, f->log_lines);
  for (i = f->log_lines; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      char **fields = g_strsplit (lines[i], "|", -1);

      g_test_message ("nginx: %s", lines[i]);
      g_assert_cmpuint (g_strv_length (fields), ==, N_LOG_FIELDS);
      if (g_str_equal (fields[LOG_URI], mark))
        {
          g_strfreev (fields);
          found = TRUE;
          i++;
          break;
        }
      g_ptr_array_add (requests, fields);
    }
  f->log_lines = i;
  g_assert_true (found);
  return g_steal_pointer (&requests);
}

/* The one request for @uri among @requests; fails if there are none or
 * several. */
static char **
find_request (GPtrArray  *requests,
              const char *uri)
{
  char **found = NULL;
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      char **fields = g_ptr_array_index (requests, i);

      if (g_str_equal (fields[LOG_URI], uri))
        {
          found = fields;
          n++;
        }
    }
  if (n != 1)
    {
      g_autofree char *msg = g_strdup_printf ("%s was requested %u times, not once", uri, n);

      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    }
  return found;
}

/* A full download: asked with gzip, answered 200, gzip-compressed, with
 * an ETag the client can send back. */
static void
assert_downloaded_gzip (char **fields)
{
  g_assert_cmpstr (fields[LOG_STATUS], ==, "200");
  g_assert_nonnull (strstr (fields[LOG_ACCEPT_ENCODING], "gzip"));
  g_assert_cmpstr (fields[LOG_CONTENT_ENCODING], ==, "gzip");
  g_assert_cmpstr (fields[LOG_ETAG], !=, "-");
}

/* nginx's ETag and Last-Modified are the file's size and modification
 * time in whole seconds: a manifest of the same size rewritten within
 * the second it was last written looks unchanged to nginx's clients.
 * Wait for the next second, as any later publish would be. */
static void
wait_for_next_second (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->feed, "manifest.json", NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  /* With a margin: file times come from a clock a tick behind. */
  while (g_get_real_time () < (st.st_mtime + 1) * G_USEC_PER_SEC + G_USEC_PER_SEC / 20)
    g_usleep (G_USEC_PER_SEC / 50);
}

/* ------------------------------------------------------------------ */
/* Fixture                                                            */
/* ------------------------------------------------------------------ */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *brands = g_build_filename (sample_dir, "brands.json", NULL);
  g_autofree char *streamers = g_build_filename (sample_dir, "streamers.json", NULL);
  g_autofree char *cooperations = g_build_filename (sample_dir, "cooperations.json", NULL);
  g_autofree char *incidents = g_build_filename (sample_dir, "incidents.json", NULL);
  g_autofree char *out = NULL;

  f->dir = g_dir_make_tmp ("test-nginx-XXXXXX", &error);
  g_assert_no_error (error);
  f->feed = g_build_filename (f->dir, "feed", NULL);
  f->source_db = g_build_filename (f->dir, "source.db", NULL);
  f->target_db = g_build_filename (f->dir, "target.db", NULL);

  f->nginx_path = find_nginx ();
  if (f->nginx_path == NULL)
    return;

  out = run_cli (f->source_db, 0, "import", brands, streamers, cooperations, incidents, NULL);
  g_clear_pointer (&out, g_free);
  /* Small shards, so that "only one shard" means something: 38 of them
   * for the sample, 4 of them streamers. */
  out = run_cli (f->source_db, 0, "publish", "--shard-records", "100", f->feed, NULL);
  g_test_message ("%s", g_strchomp (out));

  start_nginx (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stop_nginx (f);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->feed);
  g_free (f->source_db);
  g_free (f->target_db);
  g_free (f->nginx_path);
  g_free (f->url);
}

/* ------------------------------------------------------------------ */
/* The test                                                           */
/* ------------------------------------------------------------------ */

static void
test_one_shard (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Manifest) manifest = NULL;
  g_autoptr(Manifest) republished = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *out = NULL, *expected = NULL;
  g_autofree char *source_dump = NULL, *target_dump = NULL;
  g_autofree char *manifest_etag = NULL;
  g_autofree char *rename = NULL, *new_name = NULL;
  g_autofree char *changed = NULL, *changed_uri = NULL;
  GHashTableIter iter;
  gpointer path, sha256;
  char **fields;

  if (f->nginx_path == NULL)
    {
      g_test_skip ("nginx is not installed (Debian package nginx; ./dev installs it)");
      return;
    }

  /* A fresh store gets every shard, compressed. */
  manifest = load_manifest (f);
  g_assert_cmpuint (g_hash_table_size (manifest->sha256), >, 1);
  out = run_cli (f->target_db, 0, "sync", f->url, NULL);
  g_test_message ("first sync: %s", g_strchomp (out));
  expected = g_strdup_printf (": %u shards downloaded", g_hash_table_size (manifest->sha256));
  assert_contains (out, expected);
  g_free (expected);
  expected = g_strdup_printf ("%u added, 0 updated, 0 removed", manifest->records);
  assert_contains (out, expected);

  source_dump = run_cli (f->source_db, 0, "dump", NULL);
  target_dump = run_cli (f->target_db, 0, "dump", NULL);
  assert_same_dump (source_dump, target_dump);

  requests = read_new_requests (f);
  g_assert_cmpuint (requests->len, ==, g_hash_table_size (manifest->sha256) + 1);
  fields = find_request (requests, "/manifest.json");
  assert_downloaded_gzip (fields);
  manifest_etag = g_strdup (fields[LOG_ETAG]);
  g_hash_table_iter_init (&iter, manifest->sha256);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      g_autofree char *uri = g_strconcat ("/", path, NULL);

      assert_downloaded_gzip (find_request (requests, uri));
    }
  g_clear_pointer (&requests, g_ptr_array_unref);

  /* The same feed again: one conditional request, answered 304. */
  g_clear_pointer (&out, g_free);
  out = run_cli (f->target_db, 0, "sync", f->url, NULL);
  g_test_message ("second sync: %s", g_strchomp (out));
  assert_contains (out, "nothing changed");
  requests = read_new_requests (f);
  g_assert_cmpuint (requests->len, ==, 1);
  fields = find_request (requests, "/manifest.json");
  g_assert_cmpstr (fields[LOG_STATUS], ==, "304");
  g_assert_cmpstr (fields[LOG_IF_NONE_MATCH], ==, manifest_etag);
  g_clear_pointer (&requests, g_ptr_array_unref);

  /* The publisher renames one streamer: one shard changes. */
  wait_for_next_second (f);
  rename = write_renamed_streamer (f, &new_name);
  g_clear_pointer (&out, g_free);
  out = run_cli (f->source_db, 0, "import", rename, NULL);
  assert_contains (out, "0 added, 1 updated");
  g_clear_pointer (&out, g_free);
  out = run_cli (f->source_db, 0, "publish", "--shard-records", "100", f->feed, NULL);
  g_test_message ("%s", g_strchomp (out));
  assert_contains (out, ": 1 written");

  republished = load_manifest (f);
  g_assert_cmpuint (g_hash_table_size (republished->sha256), ==,
                    g_hash_table_size (manifest->sha256));
  g_hash_table_iter_init (&iter, republished->sha256);
  while (g_hash_table_iter_next (&iter, &path, &sha256))
    {
      const char *old = g_hash_table_lookup (manifest->sha256, path);

      g_assert_nonnull (old);
      if (!g_str_equal (old, sha256))
        {
          g_assert_null (changed);
          changed = g_strdup (path);
        }
    }
  g_assert_nonnull (changed);
  g_assert_true (g_str_has_prefix (changed, "streamers-"));

  /* Only that shard comes over the wire. */
  g_clear_pointer (&out, g_free);
  out = run_cli (f->target_db, 0, "sync", f->url, NULL);
  g_test_message ("third sync: %s", g_strchomp (out));
  assert_contains (out, ": 1 shard downloaded");
  assert_contains (out, "0 added, 1 updated, 0 removed");

  requests = read_new_requests (f);
  g_assert_cmpuint (requests->len, ==, 2);
  assert_downloaded_gzip (find_request (requests, "/manifest.json"));
  changed_uri = g_strconcat ("/", changed, NULL);
  assert_downloaded_gzip (find_request (requests, changed_uri));

  g_clear_pointer (&source_dump, g_free);
  g_clear_pointer (&target_dump, g_free);
  source_dump = run_cli (f->source_db, 0, "dump", NULL);
  target_dump = run_cli (f->target_db, 0, "dump", NULL);
  assert_contains (target_dump, new_name);
  assert_same_dump (source_dump, target_dump);
}

int
main (int argc, char *argv[])
{
  /* Messages carry the CLI's UTF-8 output: print it as it is. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  cli = g_getenv ("TRUSTMATCH_CLI");
  g_assert_nonnull (sample_dir);
  g_assert_nonnull (cli);

  g_test_add ("/sync/nginx/one-shard", Fixture, NULL,
              fixture_setup, test_one_shard, fixture_teardown);

  return g_test_run ();
}
