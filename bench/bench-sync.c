/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-sync: a full feed sync over HTTP from a loopback server
 * (docs/performance.md, "Feed sync").
 *
 *   bench-sync [--streamers N] [--cooperations M] [--dir DIR] [--source FILE]
 *              [--runs N] [--server auto|nginx|python] [--cli PATH] [--keep]
 *
 * Each step measured is a trustmatch-cli command in a child process, as a
 * user would run it, so that each figure is one process's wall time, CPU
 * time and peak RSS (wait4):
 *
 *  - the source store DIR/source.db: reused when present, else copied from
 *    --source FILE (which is only read), else generated and imported
 *    (`generate --seed 42`, `import`; many minutes at 100k/1M);
 *  - `publish` into a fresh DIR/feed;
 *  - a web server on a free loopback port in a process of its own, so its
 *    CPU and memory are not the client's: nginx with a generated
 *    configuration (gzip for JSON, ETag), or `python3 -m http.server`
 *    when nginx is missing;
 *  - --runs times: `sync URL` into an empty store, `sync` again with the
 *    feed unchanged, then one streamer changed in the source (by this
 *    program, through tm_store_import), `publish` (which rewrites that
 *    streamer's shard only) and `sync` again.
 *
 * While a sync runs, its RSS is sampled every SAMPLE_MS from /proc; with
 * nginx, the time of the last request in its access log splits a full sync
 * into download (fetch every shard and check its size and SHA-256) and
 * apply (the one transaction, which parses and writes them).  The samples are written to DIR/logs/full-sync-N.rss.tsv.
 *
 * Exits with 1 when a command fails; missing a goal is reported, not an
 * error.
 */
#define G_LOG_DOMAIN "bench-sync"
/* syscall () */
#define _GNU_SOURCE

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tm-bench.h"
#include "tm-feed.h"
#include "tm-store.h"

/* The goals for 100k streamers / 1M cooperations. */
#define GOAL_FULL_S 20.0
#define GOAL_FULL_MB 400.0      /* decimal megabytes of peak RSS */
#define GOAL_RESYNC_S 1.0

/* Files per `import`: each import parses all its files before writing,
 * as bench-engine does. */
#define FILES_PER_IMPORT 24
#define SAMPLE_MS 20

static int n_streamers = 100000;
static int n_cooperations = 1000000;
static int runs = 3;
static gboolean keep;
static char *dir;
static char *source_copy;
static char *server_kind;
static char *cli;

static char *source_db;
static guint source_streamers;
static guint source_cooperations;
static char *client_db;
static char *feed_dir;
static char *log_dir;

/* ---- measuring a child process ------------------------------------------ */

typedef struct {
  double t;        /* s since the start */
  double rss_mib;
} Sample;

typedef struct {
  double  wall;        /* s */
  double  cpu;         /* user + system, s */
  double  peak_mib;    /* ru_maxrss */
  double  start_real;  /* s since the epoch, to match the server's log */
  char   *output;      /* stdout and stderr */
  GArray *samples;     /* Sample */
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->output, g_free);
  g_clear_pointer (&run->samples, g_array_unref);
  memset (run, 0, sizeof *run);
}

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
rss_mib_of (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NAN;
  line = strstr (text, "\nVmRSS:");
  if (line == NULL)
    return NAN;   /* a zombie: its memory is gone */
  return g_ascii_strtod (line + strlen ("\nVmRSS:"), NULL) / 1024.0;
}

/* User + system CPU seconds of a running process. */
static double
cpu_of (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  unsigned long utime, stime;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL)
      || (p = strrchr (text, ')')) == NULL
      /* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
      || sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                 &utime, &stime) != 2)
    return NAN;
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

static pid_t
spawn (char * const *argv,
       const char   *out_path,
       gboolean      search_path)
{
  pid_t pid;

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid == 0)
    {
      int fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

      if (fd >= 0)
        {
          dup2 (fd, STDOUT_FILENO);
          dup2 (fd, STDERR_FILENO);
          close (fd);
        }
      if (search_path)
        execvp (argv[0], argv);
      else
        execv (argv[0], argv);
      _exit (127);
    }
  return pid;
}

/* A child's ru_maxrss starts from the RSS it was forked with (Linux keeps
 * the high-water mark across exec), so this process stays small: work
 * that needs memory runs in a child of its own, and the largest RSS a
 * child was forked with is reported with the figures. */
static double parent_rss_mib;

static void
note_parent_rss (void)
{
  parent_rss_mib = MAX (parent_rss_mib, rss_mib_of (getpid ()));
}

typedef gboolean (*ChildFunc) (gpointer out);

/* Runs @func in a child; what it writes to @out (@size bytes) comes back
 * through a pipe. */
static gboolean
in_child (ChildFunc func,
          gpointer  out,
          gsize     size)
{
  int fds[2], status;
  gsize got = 0;
  pid_t pid;

  if (pipe (fds) != 0)
    return FALSE;
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      gboolean ok;

      close (fds[0]);
      ok = func (out) && write (fds[1], out, size) == (ssize_t) size;
      fflush (stdout);
      fflush (stderr);
      _exit (ok ? 0 : 1);
    }
  close (fds[1]);
  while (got < size)
    {
      ssize_t n = read (fds[0], (char *) out + got, size - got);

      if (n <= 0 && !(n < 0 && errno == EINTR))
        break;
      if (n > 0)
        got += n;
    }
  close (fds[0]);
  return waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0
         && got == size;
}

/* Runs trustmatch-cli with --db @db (unless NULL) and the NULL-terminated
 * arguments; its output goes to DIR/logs/@name.out.  Prints the output
 * and returns FALSE when it fails. */
static gboolean
run_cli (Run        *run,
         const char *name,
         const char *db,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *file = g_strconcat (name, ".out", NULL);
  g_autofree char *out_path = g_build_filename (log_dir, file, NULL);
  struct rusage usage;
  const char *arg;
  double start;
  int status = 0, pidfd;
  pid_t pid;
  va_list ap;

  run_clear (run);
  g_ptr_array_add (argv, cli);
  if (db != NULL)
    {
      g_ptr_array_add (argv, (char *) "--db");
      g_ptr_array_add (argv, (char *) db);
    }
  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  run->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  note_parent_rss ();
  run->start_real = g_get_real_time () / 1e6;
  start = now ();
  pid = spawn ((char * const *) argv->pdata, out_path, FALSE);
  if (pid < 0)
    {
      g_printerr ("cannot start %s: %s\n", cli, g_strerror (errno));
      return FALSE;
    }
  /* A pidfd wakes us the moment the child ends, so a short run is not
   * rounded up to the sampling period. */
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  for (;;)
    {
      Sample s = { now () - start, rss_mib_of (pid) };
      pid_t r;

      if (!isnan (s.rss_mib))
        g_array_append_val (run->samples, s);
      if (pidfd >= 0)
        {
          struct pollfd p = { pidfd, POLLIN, 0 };

          poll (&p, 1, SAMPLE_MS);
        }
      else
        g_usleep (SAMPLE_MS * 1000);
      r = wait4 (pid, &status, WNOHANG, &usage);
      if (r == pid)
        break;
      if (r < 0 && errno != EINTR)
        {
          g_printerr ("wait4: %s\n", g_strerror (errno));
          return FALSE;
        }
    }
  run->wall = now () - start;
  if (pidfd >= 0)
    close (pidfd);
  run->cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
           + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  run->peak_mib = usage.ru_maxrss / 1024.0;
  if (!g_file_get_contents (out_path, &run->output, NULL, NULL))
    run->output = g_strdup ("");
  g_strchomp (run->output);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_printerr ("%s failed (%s %d):\n%s\n", name,
                  WIFEXITED (status) ? "exit status" : "signal",
                  WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status), run->output);
      return FALSE;
    }
  return TRUE;
}

/* The child's last line of output, indented, for the log. */
static void
print_output (const Run *run)
{
  const char *last = strrchr (run->output, '\n');

  g_print ("      %s\n", last ? last + 1 : run->output);
}

/* The RSS sampled last at or before @t. */
static double
rss_at (const Run *run,
        double     t)
{
  double rss = NAN;

  for (guint i = 0; i < run->samples->len; i++)
    {
      const Sample *s = &g_array_index (run->samples, Sample, i);

      if (s->t > t)
        break;
      rss = s->rss_mib;
    }
  return rss;
}

static void
write_samples (const Run  *run,
               const char *name)
{
  g_autofree char *file = g_strconcat (name, ".rss.tsv", NULL);
  g_autofree char *path = g_build_filename (log_dir, file, NULL);
  g_autoptr(GString) text = g_string_new ("seconds\trss_mib\n");

  for (guint i = 0; i < run->samples->len; i++)
    {
      const Sample *s = &g_array_index (run->samples, Sample, i);

      g_string_append_printf (text, "%.3f\t%.1f\n", s->t, s->rss_mib);
    }
  g_file_set_contents (path, text->str, text->len, NULL);
}

/* ---- the web server ------------------------------------------------------ */

typedef struct {
  gboolean  nginx;
  pid_t     pid;
  int       port;
  char     *url;        /* of manifest.json */
  char     *log_path;   /* nginx: access log; python: its stderr */
  goffset   log_offset; /* what was read of the log so far */
} Server;

typedef struct {
  guint   requests;
  guint   ok;              /* 200 */
  guint   not_modified;    /* 304 */
  guint   other;
  guint64 body_bytes;      /* as sent, gzipped or not; nginx only */
  guint   gzipped;         /* responses sent gzipped; nginx only */
  double  last_end;        /* s since the epoch the last response ended; nginx only */
} Transfer;

static int
free_port (void)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0), port = -1;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0
      && getsockname (fd, (struct sockaddr *) &addr, &len) == 0)
    port = ntohs (addr.sin_port);
  if (fd >= 0)
    close (fd);
  return port;
}

static gboolean
port_accepts (int port)
{
  struct sockaddr_in addr = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean ok;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (port);
  ok = fd >= 0 && connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
  if (fd >= 0)
    close (fd);
  return ok;
}

static char *
find_nginx (void)
{
  char *path = g_find_program_in_path ("nginx");

  if (path == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/nginx");
  return path;
}

static char *
write_nginx_conf (const char *nginx_dir,
                  int         port)
{
  g_autofree char *tmp = g_build_filename (nginx_dir, "tmp", NULL);
  char *conf = g_build_filename (nginx_dir, "nginx.conf", NULL);
  g_autofree char *text = NULL;

  g_mkdir_with_parents (tmp, 0700);
  /* One process, everything in the bench directory, nothing of the
   * system's nginx configuration.  gzip_comp_level stays at nginx's
   * default (1), as on most servers. */
  text = g_strdup_printf (
    "daemon off;\n"
    "master_process off;\n"
    "worker_processes 1;\n"
    "pid %s/nginx.pid;\n"
    "error_log %s/error.log warn;\n"
    "events { worker_connections 64; }\n"
    "http {\n"
    "  types { application/json json; }\n"
    "  default_type application/octet-stream;\n"
    "  log_format bench '$msec $status $body_bytes_sent $gzip_ratio \"$request\"';\n"
    "  access_log %s/access.log bench;\n"
    "  client_body_temp_path %s/body;\n"
    "  proxy_temp_path %s/proxy;\n"
    "  fastcgi_temp_path %s/fastcgi;\n"
    "  uwsgi_temp_path %s/uwsgi;\n"
    "  scgi_temp_path %s/scgi;\n"
    "  sendfile on;\n"
    "  gzip on;\n"
    "  gzip_types application/json;\n"
    "  etag on;\n"
    "  server {\n"
    "    listen 127.0.0.1:%d;\n"
    "    root %s;\n"
    "  }\n"
    "}\n",
    nginx_dir, nginx_dir, nginx_dir, tmp, tmp, tmp, tmp, tmp, port, feed_dir);
  if (!g_file_set_contents (conf, text, -1, NULL))
    g_clear_pointer (&conf, g_free);
  return conf;
}

/* Starts the server on a free port; waits until it accepts connections. */
static gboolean
server_start (Server *server)
{
  g_autofree char *nginx = NULL;
  gboolean want_nginx = g_strcmp0 (server_kind, "python") != 0;

  if (want_nginx && (nginx = find_nginx ()) == NULL)
    {
      if (g_strcmp0 (server_kind, "nginx") == 0)
        {
          g_printerr ("nginx is not installed\n");
          return FALSE;
        }
      g_print ("nginx is not installed: serving with python3 -m http.server (no gzip, no ETag)\n");
    }
  server->nginx = nginx != NULL;

  /* Another process may take the free port before the server binds it:
   * then try another. */
  for (int attempt = 0; attempt < 5; attempt++)
    {
      g_autofree char *nginx_dir = g_build_filename (dir, "nginx", NULL);
      g_autofree char *out = NULL;
      g_autofree char *conf = NULL;
      g_autofree char *error_log = NULL;
      g_autofree char *port_text = NULL;
      double deadline;
      int status;

      server->port = free_port ();
      if (server->port < 0)
        return FALSE;
      port_text = g_strdup_printf ("%d", server->port);
      g_free (server->log_path);
      if (server->nginx)
        {
          char *argv[] = { nginx, (char *) "-p", NULL, (char *) "-c", NULL,
                           (char *) "-e", NULL, NULL };

          g_mkdir_with_parents (nginx_dir, 0700);
          conf = write_nginx_conf (nginx_dir, server->port);
          if (conf == NULL)
            return FALSE;
          error_log = g_build_filename (nginx_dir, "error.log", NULL);
          server->log_path = g_build_filename (nginx_dir, "access.log", NULL);
          g_unlink (server->log_path);
          out = g_build_filename (nginx_dir, "stderr.log", NULL);
          argv[2] = nginx_dir;
          argv[4] = conf;
          argv[6] = error_log;
          server->pid = spawn (argv, out, FALSE);
        }
      else
        {
          char *argv[] = { (char *) "python3", (char *) "-m", (char *) "http.server",
                           port_text, (char *) "--bind", (char *) "127.0.0.1",
                           (char *) "--directory", feed_dir, NULL };

          server->log_path = g_build_filename (log_dir, "http-server.log", NULL);
          server->pid = spawn (argv, server->log_path, TRUE);
        }
      if (server->pid < 0)
        return FALSE;

      deadline = now () + 10;
      while (now () < deadline)
        {
          if (waitpid (server->pid, &status, WNOHANG) == server->pid)
            {
              server->pid = 0;
              break;
            }
          if (port_accepts (server->port))
            {
              server->log_offset = 0;
              server->url = g_strdup_printf ("http://127.0.0.1:%d/manifest.json", server->port);
              return TRUE;
            }
          g_usleep (50 * 1000);
        }
      if (server->pid > 0)
        {
          kill (server->pid, SIGKILL);
          waitpid (server->pid, &status, 0);
          server->pid = 0;
        }
      g_printerr ("the web server did not start on port %d; see %s\n", server->port,
                  server->nginx ? error_log : server->log_path);
    }
  return FALSE;
}

static void
server_stop (Server *server)
{
  int status;

  if (server->pid > 0)
    {
      kill (server->pid, SIGTERM);
      waitpid (server->pid, &status, 0);
      server->pid = 0;
    }
  g_clear_pointer (&server->url, g_free);
  g_clear_pointer (&server->log_path, g_free);
}

/* What the server sent since the last call, from its log. */
static void
server_read_log (Server   *server,
                 Transfer *t)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len;

  memset (t, 0, sizeof *t);
  if (!g_file_get_contents (server->log_path, &text, &len, NULL) || (goffset) len < server->log_offset)
    return;
  lines = g_strsplit (text + server->log_offset, "\n", -1);
  server->log_offset = len;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *q;
      double end;
      guint status = 0;
      guint64 bytes;
      char ratio[32];

      if (server->nginx)
        {
          /* $msec $status $body_bytes_sent $gzip_ratio "$request" */
          if (sscanf (lines[i], "%lf %u %" G_GUINT64_FORMAT " %31s", &end, &status, &bytes,
                      ratio) != 4)
            continue;
          t->body_bytes += bytes;
          t->gzipped += ratio[0] != '-';
          t->last_end = MAX (t->last_end, end);
        }
      else
        {
          /* 127.0.0.1 - - [date] "GET /x HTTP/1.1" 200 - */
          if ((q = strstr (lines[i], "HTTP/1.1\" ")) == NULL
              || sscanf (q + strlen ("HTTP/1.1\" "), "%u", &status) != 1)
            continue;
        }
      t->requests++;
      if (status == 200)
        t->ok++;
      else if (status == 304)
        t->not_modified++;
      else
        t->other++;
    }
}

static double
server_cpu (const Server *server)
{
  return server->pid > 0 ? cpu_of (server->pid) : NAN;
}

/* ---- the source store and the feed ------------------------------------- */

static void
remove_client_db (void)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (client_db, suffixes[i], NULL);

      g_unlink (path);
    }
}

static gboolean
remove_tree (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf ("rm -rf %s", quoted);

  return system (cmd) == 0;
}

static gboolean
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dst = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  if (!g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
print_run (const char *label,
           const Run  *run)
{
  g_print ("%-34s %9.2f s   peak RSS %7.1f MiB\n", label, run->wall, run->peak_mib);
}

/* Generates the dataset with `generate` and imports it with `import`, in
 * slices of files in the order generate wrote them (each file's references
 * resolve against those before it). */
static gboolean
generate_source (void)
{
  g_autofree char *gen_dir = g_build_filename (dir, "generated", NULL);
  g_autofree char *streamers = g_strdup_printf ("%d", n_streamers);
  g_autofree char *cooperations = g_strdup_printf ("%d", n_cooperations);
  g_auto(GStrv) files = NULL;
  Run run = { 0 };
  double import_s = 0, import_peak = 0;
  gboolean ok = TRUE;
  guint n_files;

  g_print ("generating %d streamers, %d cooperations (seed 42)\n", n_streamers, n_cooperations);
  if (!run_cli (&run, "generate", NULL, "generate", "--streamers", streamers,
                "--cooperations", cooperations, "--seed", "42", "--out", gen_dir, NULL))
    {
      run_clear (&run);
      return FALSE;
    }
  print_run ("generate (trustmatch-cli generate)", &run);
  files = g_strsplit (run.output, "\n", -1);
  n_files = g_strv_length (files);
  for (guint first = 0; ok && first < n_files; first += FILES_PER_IMPORT)
    {
      guint n = MIN (FILES_PER_IMPORT, n_files - first);
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autofree char *out_path = g_build_filename (log_dir, "import.out", NULL);
      struct rusage usage;
      double start = now ();
      int status;
      pid_t pid;

      g_ptr_array_add (argv, cli);
      g_ptr_array_add (argv, (char *) "--db");
      g_ptr_array_add (argv, source_db);
      g_ptr_array_add (argv, (char *) "import");
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (argv, files[first + i]);
      g_ptr_array_add (argv, NULL);
      pid = spawn ((char * const *) argv->pdata, out_path, FALSE);
      ok = pid > 0 && wait4 (pid, &status, 0, &usage) == pid
           && WIFEXITED (status) && WEXITSTATUS (status) == 0;
      if (!ok)
        g_printerr ("import failed; see %s\n", out_path);
      import_s += now () - start;
      import_peak = MAX (import_peak, usage.ru_maxrss / 1024.0);
    }
  if (ok)
    g_print ("%-34s %9.2f s   peak RSS %7.1f MiB\n", "import (trustmatch-cli import)",
             import_s, import_peak);
  run_clear (&run);
  if (!keep)
    remove_tree (gen_dir);
  if (!ok)
    g_unlink (source_db);
  return ok;
}

/* Opens (and so migrates) the source store and counts its records. */
static gboolean
count_source (gpointer out)
{
  guint *counts = out;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = tm_store_open (source_db, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  tm_store_count (store, &counts[0], &counts[1], &counts[2], &counts[3]);
  return TRUE;
}

static gboolean
ensure_source (void)
{
  guint counts[4] = { 0 };
  guint nb, ns, nc, ni;

  if (!g_file_test (source_db, G_FILE_TEST_EXISTS))
    {
      if (source_copy != NULL)
        {
          g_autofree char *wal = g_strconcat (source_copy, "-wal", NULL);
          g_autofree char *wal_copy = g_strconcat (source_db, "-wal", NULL);

          /* Copied, never opened in place: opening migrates a store, and
           * the source belongs to someone else. */
          g_print ("copying %s\n", source_copy);
          if (!copy_file (source_copy, source_db)
              || (g_file_test (wal, G_FILE_TEST_EXISTS) && !copy_file (wal, wal_copy)))
            return FALSE;
        }
      else if (!generate_source ())
        return FALSE;
    }

  if (!in_child (count_source, counts, sizeof counts))
    return FALSE;
  nb = counts[0];
  ns = counts[1];
  nc = counts[2];
  ni = counts[3];
  source_streamers = ns;
  source_cooperations = nc;
  g_print ("source store %s: %u brands, %u streamers, %u cooperations, %u incidents\n",
           source_db, nb, ns, nc, ni);
  if (ns != (guint) n_streamers || nc != (guint) n_cooperations)
    g_print ("(not the %d streamers / %d cooperations asked for: remove it to regenerate)\n",
             n_streamers, n_cooperations);
  return ns > 0;
}

typedef struct {
  guint   shards;
  guint   shards_of[TM_FEED_N_KINDS];
  guint64 records;
  guint64 bytes;           /* shards + manifest */
  guint64 largest;         /* the largest shard */
} FeedSize;

static gboolean
measure_feed (FeedSize *size)
{
  g_autofree char *path = g_build_filename (feed_dir, "manifest.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(TmFeedManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  memset (size, 0, sizeof *size);
  if (!g_file_get_contents (path, &text, &len, &error)
      || !(manifest = tm_feed_manifest_parse (text, len, path, &error)))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  size->bytes = len;
  for (guint i = 0; i < manifest->shards->len; i++)
    {
      const TmFeedShard *shard = g_ptr_array_index (manifest->shards, i);

      size->shards++;
      size->shards_of[shard->kind]++;
      size->records += shard->records;
      size->bytes += shard->bytes;
      size->largest = MAX (size->largest, (guint64) shard->bytes);
    }
  return TRUE;
}

/* Changes one streamer of the source (the first by id): its average live
 * viewers go up by one, so publish rewrites that streamer's shard only. */
typedef struct {
  char id[256];
} Changed;

static gboolean
change_one_streamer (gpointer out)
{
  Changed *changed = out;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmDataset) all = NULL;
  g_autoptr(TmDataset) one = tm_dataset_new ();
  g_autoptr(GError) error = NULL;
  const char *names[] = { "bench-sync: one streamer changed" };
  TmImportStats stats = { 0 };
  TmStreamer *streamer;

  store = tm_store_open (source_db, &error);
  if (store == NULL
      || !(all = tm_store_dump_kinds (store, TM_RECORD_STREAMERS, &error)))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (all->streamers->len == 0)
    return FALSE;
  streamer = g_ptr_array_steal_index (all->streamers, 0);
  streamer->avg_live_viewers = streamer->avg_live_viewers < 0 ? 1000 : streamer->avg_live_viewers + 1;
  g_ptr_array_add (one->streamers, streamer);
  one->synthetic = all->synthetic;
  if (!tm_store_import (store, &one, names, 1, &stats, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (stats.updated != 1)
    {
      g_printerr ("changing streamer %s updated %u records, not 1\n", streamer->id, stats.updated);
      return FALSE;
    }
  g_strlcpy (changed->id, streamer->id, sizeof changed->id);
  return TRUE;
}

/* ---- statistics and the table --------------------------------------------- */

typedef struct {
  double median, min, max;
} Stat;

static Stat
stat_of (const double *values,
         guint         n)
{
  g_autofree double *v = g_memdup2 (values, n * sizeof (double));
  Stat s = { NAN, NAN, NAN };

  if (n == 0)
    return s;
  s.median = tm_bench_median (v, n);
  s.min = v[0];
  s.max = v[n - 1];
  return s;
}

static char *
format_seconds (double s)
{
  if (isnan (s))
    return g_strdup ("-");
  if (s < 10)
    return g_strdup_printf ("%.3f s", s);
  return g_strdup_printf ("%.1f s", s);
}

static char *
format_range (Stat s,
              guint n)
{
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;

  if (n < 2)
    return g_strdup ("");
  lo = format_seconds (s.min);
  hi = format_seconds (s.max);
  return g_strdup_printf ("%s - %s", lo, hi);
}

static void
print_row (const char *label,
           Stat        time,
           guint       n,
           Stat        rss,
           Stat        cpu,
           const char *goal)
{
  g_autofree char *t = format_seconds (time.median);
  g_autofree char *range = format_range (time, n);
  g_autofree char *c = format_seconds (cpu.median);
  g_autofree char *r = isnan (rss.median) ? g_strdup ("-")
                     : g_strdup_printf ("%.0f MiB", rss.median);

  g_print ("%-44s %10s  %-19s %9s  %9s  %s\n", label, t, range, r, c, goal);
}

static const char *
verdict (gboolean met)
{
  return met ? "met" : "MISSED";
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "streamers", 0, 0, G_OPTION_ARG_INT, &n_streamers, "Streamers to generate", "N" },
    { "cooperations", 0, 0, G_OPTION_ARG_INT, &n_cooperations, "Cooperations to generate", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
      "Work directory, kept: its source.db is reused when present", "DIR" },
    { "source", 0, 0, G_OPTION_ARG_FILENAME, &source_copy,
      "A store to copy as the source when DIR has none (only read)", "FILE" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Full syncs to time (median reported)", "N" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_kind,
      "auto (nginx if installed), nginx or python", "KIND" },
    { "cli", 0, 0, G_OPTION_ARG_FILENAME, &cli,
      "The trustmatch-cli to measure (default: the one of this build)", "PATH" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep,
      "Keep the temporary work directory and the generated JSON files", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *made_dir = NULL;
  g_autofree double *full_s = NULL, *full_rss = NULL, *full_cpu = NULL;
  g_autofree double *down_s = NULL, *down_rss = NULL, *apply_s = NULL;
  g_autofree double *same_s = NULL, *same_rss = NULL, *same_cpu = NULL;
  g_autofree double *pub1_s = NULL, *pub1_rss = NULL, *pub1_cpu = NULL;
  g_autofree double *one_s = NULL, *one_rss = NULL, *one_cpu = NULL;
  g_autoptr(GDateTime) date = g_date_time_new_now_local ();
  g_autofree char *date_text = g_date_time_format (date, "%Y-%m-%d %H:%M");
  Server server = { 0 };
  Transfer full_transfer = { 0 }, same_transfer = { 0 }, one_transfer = { 0 };
  Run run = { 0 }, publish_run = { 0 };
  FeedSize feed = { 0 };
  Stat s_full, s_rss;
  double load[3], server_full_cpu = NAN;
  gboolean temporary = FALSE, ok = FALSE, at_scale, goal_time, goal_mem, goal_resync;
  guint n_split = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Times trustmatch-cli publish and sync of a generated feed served"
                                " from loopback (docs/performance.md).");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  runs = CLAMP (runs, 1, 1000);
  if (server_kind != NULL && !g_str_equal (server_kind, "auto")
      && !g_str_equal (server_kind, "nginx") && !g_str_equal (server_kind, "python"))
    {
      g_printerr ("--server: auto, nginx or python\n");
      return 2;
    }
  if (cli == NULL)
    cli = g_strdup (TM_BENCH_CLI);
  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("%s is missing: build it first (meson compile -C BUILDDIR trustmatch-cli)\n", cli);
      return 2;
    }

  if (dir == NULL)
    {
      dir = made_dir = g_dir_make_tmp ("tm-bench-sync-XXXXXX", NULL);
      temporary = !keep;
    }
  source_db = g_build_filename (dir, "source.db", NULL);
  client_db = g_build_filename (dir, "client.db", NULL);
  feed_dir = g_build_filename (dir, "feed", NULL);
  log_dir = g_build_filename (dir, "logs", NULL);
  g_mkdir_with_parents (log_dir, 0700);

  full_s = g_new0 (double, runs);
  full_rss = g_new0 (double, runs);
  full_cpu = g_new0 (double, runs);
  down_s = g_new0 (double, runs);
  down_rss = g_new0 (double, runs);
  apply_s = g_new0 (double, runs);
  same_s = g_new0 (double, runs);
  same_rss = g_new0 (double, runs);
  same_cpu = g_new0 (double, runs);
  pub1_s = g_new0 (double, runs);
  pub1_rss = g_new0 (double, runs);
  pub1_cpu = g_new0 (double, runs);
  one_s = g_new0 (double, runs);
  one_rss = g_new0 (double, runs);
  one_cpu = g_new0 (double, runs);

  /* The machine is shared: say how busy it was. */
  if (getloadavg (load, 3) != 3)
    load[0] = load[1] = load[2] = NAN;
  g_print ("TrustMatch feed sync benchmark, %s: %u cores, load average %.2f %.2f %.2f\n",
           date_text, g_get_num_processors (), load[0], load[1], load[2]);
  g_print ("client: %s\nwork directory: %s\n", cli, dir);

  if (!ensure_source ())
    goto out;

  /* A fresh publish: everything written. */
  remove_tree (feed_dir);
  if (!run_cli (&publish_run, "publish", source_db, "publish", feed_dir, NULL)
      || !measure_feed (&feed))
    goto out;
  print_run ("publish into an empty folder", &publish_run);
  print_output (&publish_run);
  g_print ("feed: %u shards (%u brands, %u streamers, %u cooperations, %u incidents),"
           " %" G_GUINT64_FORMAT " records, %.1f MB with the manifest, largest shard %.2f MB\n",
           feed.shards, feed.shards_of[TM_FEED_BRANDS], feed.shards_of[TM_FEED_STREAMERS],
           feed.shards_of[TM_FEED_COOPERATIONS], feed.shards_of[TM_FEED_INCIDENTS],
           feed.records, feed.bytes / 1e6, feed.largest / 1e6);

  if (!server_start (&server))
    goto out;
  g_print ("server: %s, pid %d, %s\n",
           server.nginx ? "nginx (gzip on for application/json, etag on)" : "python3 -m http.server",
           (int) server.pid, server.url);

  for (int r = 0; r < runs; r++)
    {
      g_autofree char *name = g_strdup_printf ("full-sync-%d", r + 1);
      Changed changed = { { 0 } };
      Transfer t;
      double cpu0 = server_cpu (&server);

      g_print ("run %d of %d\n", r + 1, runs);

      /* Into an empty store. */
      remove_client_db ();
      server_read_log (&server, &t);
      if (!run_cli (&run, name, client_db, "sync", server.url, NULL))
        goto out;
      server_read_log (&server, &t);
      print_run ("  full sync into an empty store", &run);
      print_output (&run);
      write_samples (&run, name);
      full_s[r] = run.wall;
      full_rss[r] = run.peak_mib;
      full_cpu[r] = run.cpu;
      if (r == 0)
        {
          full_transfer = t;
          server_full_cpu = server_cpu (&server) - cpu0;
        }
      if (server.nginx && t.last_end > 0)
        {
          /* The last response ended when the client had every shard but
           * the last one's check; the rest is the apply. */
          down_s[n_split] = t.last_end - run.start_real;
          down_rss[n_split] = rss_at (&run, down_s[n_split]);
          apply_s[n_split] = run.wall - down_s[n_split];
          g_print ("    last shard served at %.1f s, RSS then %.0f MiB; apply and exit %.1f s\n",
                   down_s[n_split], down_rss[n_split], apply_s[n_split]);
          n_split++;
        }

      /* Nothing changed. */
      if (!run_cli (&run, "resync-unchanged", client_db, "sync", server.url, NULL))
        goto out;
      server_read_log (&server, &t);
      print_run ("  re-sync, feed unchanged", &run);
      print_output (&run);
      same_s[r] = run.wall;
      same_rss[r] = run.peak_mib;
      same_cpu[r] = run.cpu;
      same_transfer = t;

      /* One streamer changed: publish rewrites one shard. */
      if (!in_child (change_one_streamer, &changed, sizeof changed)
          || !run_cli (&run, "publish-one", source_db, "publish", feed_dir, NULL))
        goto out;
      g_print ("  streamer %s changed in the source\n", changed.id);
      print_run ("  publish after one change", &run);
      print_output (&run);
      pub1_s[r] = run.wall;
      pub1_rss[r] = run.peak_mib;
      pub1_cpu[r] = run.cpu;
      if (!run_cli (&run, "resync-one-shard", client_db, "sync", server.url, NULL))
        goto out;
      server_read_log (&server, &t);
      print_run ("  re-sync, one shard changed", &run);
      print_output (&run);
      one_s[r] = run.wall;
      one_rss[r] = run.peak_mib;
      one_cpu[r] = run.cpu;
      one_transfer = t;
    }

  /* ---- the table ---- */
  s_full = stat_of (full_s, runs);
  s_rss = stat_of (full_rss, runs);
  /* The goals are the issue's, for 100k streamers / 1M cooperations. */
  at_scale = source_streamers == 100000 && source_cooperations == 1000000;
  goal_time = s_full.median <= GOAL_FULL_S;
  goal_mem = s_rss.max * 1048576.0 / 1e6 <= GOAL_FULL_MB;
  goal_resync = stat_of (same_s, runs).median <= GOAL_RESYNC_S;

  g_print ("\nfeed of %u streamers, %u cooperations: %" G_GUINT64_FORMAT " records in %u shards,"
           " %.1f MB; %d runs\n",
           source_streamers, source_cooperations, feed.records, feed.shards, feed.bytes / 1e6,
           runs);
  g_print ("%-44s %10s  %-19s %9s  %9s  %s\n", "", "median", "range", "peak RSS", "CPU", "goal");
  {
    Stat none = { NAN, NAN, NAN };
    Stat pub_t = { publish_run.wall, publish_run.wall, publish_run.wall };
    Stat pub_r = { publish_run.peak_mib, publish_run.peak_mib, publish_run.peak_mib };
    Stat pub_c = { publish_run.cpu, publish_run.cpu, publish_run.cpu };
    g_autofree char *full_goal = g_strdup_printf ("<= %.0f s: %s; <= %.0f MB: %s (%.0f MB)",
                                                  GOAL_FULL_S, verdict (goal_time),
                                                  GOAL_FULL_MB, verdict (goal_mem),
                                                  s_rss.max * 1048576.0 / 1e6);
    g_autofree char *same_goal = g_strdup_printf ("<= %.0f s: %s", GOAL_RESYNC_S,
                                                  verdict (goal_resync));

    print_row ("publish into an empty folder", pub_t, 1, pub_r, pub_c, "");
    print_row ("full sync into an empty store", s_full, runs, s_rss, stat_of (full_cpu, runs),
               at_scale ? full_goal : "");
    if (n_split > 0)
      {
        print_row ("  download and check (to the last shard)", stat_of (down_s, n_split),
                   n_split, stat_of (down_rss, n_split), none, "RSS: when the last shard was served");
        print_row ("  parse and apply (one transaction), exit", stat_of (apply_s, n_split), n_split,
                   none, none, "");
      }
    print_row ("re-sync, feed unchanged", stat_of (same_s, runs), runs, stat_of (same_rss, runs),
               stat_of (same_cpu, runs), at_scale ? same_goal : "");
    print_row ("publish after one streamer changed", stat_of (pub1_s, runs), runs,
               stat_of (pub1_rss, runs), stat_of (pub1_cpu, runs), "");
    print_row ("re-sync, one shard changed", stat_of (one_s, runs), runs,
               stat_of (one_rss, runs), stat_of (one_cpu, runs), "");
  }
  if (!at_scale)
    g_print ("(the goals, %.0f s and %.0f MB for a full sync and %.0f s for a re-sync, are for"
             " 100000 streamers / 1000000 cooperations)\n",
             GOAL_FULL_S, GOAL_FULL_MB, GOAL_RESYNC_S);
  g_print ("requests: full sync %u (%u x 200, %u x 304, %u other), unchanged %u (%u x 304),"
           " one shard changed %u (%u x 200)\n",
           full_transfer.requests, full_transfer.ok, full_transfer.not_modified,
           full_transfer.other, same_transfer.requests, same_transfer.not_modified,
           one_transfer.requests, one_transfer.ok);
  if (server.nginx)
    g_print ("sent by nginx: full sync %.1f MB of bodies (%u gzipped; %.1f MB on disk, %.1fx),"
             " server CPU %.1f s; one shard changed %.2f MB\n",
             full_transfer.body_bytes / 1e6, full_transfer.gzipped, feed.bytes / 1e6,
             full_transfer.body_bytes ? (double) feed.bytes / full_transfer.body_bytes : 0.0,
             server_full_cpu, one_transfer.body_bytes / 1e6);
  g_print ("peak RSS includes what each child was forked with: at most %.1f MiB (bench-sync's own)\n",
           parent_rss_mib);
  ok = TRUE;

out:
  server_stop (&server);
  run_clear (&run);
  run_clear (&publish_run);
  if (temporary)
    remove_tree (dir);
  else
    remove_client_db ();
  return ok ? 0 : 1;
}
