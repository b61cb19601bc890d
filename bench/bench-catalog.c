/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-catalog: the foundation's scale figures (docs/performance.md).
 *
 *   bench-catalog [--streamers N] [--cooperations M] [--dir DIR]
 *
 * Generates a synthetic dataset (default 100k streamers, 1M cooperations),
 * imports it into a fresh store, and loads the catalog, each phase in its
 * own child process so that its peak memory (ru_maxrss) is its own.
 */
#define G_LOG_DOMAIN "bench-catalog"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tm-bench.h"
#include "tm-catalog.h"
#include "tm-generator.h"
#include "tm-json.h"
#include "tm-store.h"

static int n_streamers = 100000;
static int n_cooperations = 1000000;
static int repeats = 3;
static char *dir;

typedef int (*PhaseFunc) (double *seconds);

/* Runs @func in a child; prints its time and peak RSS. */
static gboolean
run_phase (const char *label, PhaseFunc func)
{
  int fds[2];
  pid_t pid;
  int status;
  struct rusage usage;
  double seconds = 0;

  if (pipe (fds) != 0)
    return FALSE;
  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      double s = 0;
      int rc;

      close (fds[0]);
      rc = func (&s);
      if (write (fds[1], &s, sizeof s) != sizeof s)
        rc = 1;
      _exit (rc);
    }
  close (fds[1]);
  if (read (fds[0], &seconds, sizeof seconds) != sizeof seconds)
    seconds = -1;
  close (fds[0]);
  if (wait4 (pid, &status, 0, &usage) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_printerr ("%s failed\n", label);
      return FALSE;
    }
  g_print ("%-28s %9.3f s   peak RSS %7.1f MiB\n", label, seconds, usage.ru_maxrss / 1024.0);
  return TRUE;
}

static char *
db_path (void)
{
  return g_build_filename (dir, "bench.db", NULL);
}

static int
phase_generate (double *seconds)
{
  TmGeneratorOptions options;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  tm_generator_options_init (&options, n_streamers, 42);
  options.n_cooperations = n_cooperations;
  if (!tm_generator_write (&options, dir, 50000, paths, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  return 0;
}

static int
phase_import (double *seconds)
{
  g_autofree char *path = db_path ();
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  TmImportStats stats = { 0 };
  const char *name;
  gint64 start;

  if (d == NULL)
    return 1;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  g_ptr_array_add (files, NULL);

  start = g_get_monotonic_time ();
  store = tm_store_open (path, &error);
  if (store == NULL
      || !tm_store_import_files (store, (const char * const *) files->pdata, &stats, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  return 0;
}

static int
phase_catalog (double *seconds)
{
  g_autofree char *path = db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = tm_store_open (path, &error);
  double times[16];
  gsize size = 0;
  guint n = 0, nc = 0;

  if (store == NULL)
    return 1;
  for (int i = 0; i < repeats && i < 16; i++)
    {
      gint64 start = g_get_monotonic_time ();
      TmCatalog *catalog = tm_catalog_load (store, &error);

      if (catalog == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      times[i] = (g_get_monotonic_time () - start) / 1e6;
      size = tm_catalog_get_memory_size (catalog);
      n = catalog->n_streamers;
      nc = catalog->n_cooperations;
      tm_catalog_unref (catalog);
    }
  tm_bench_median (times, (guint) repeats);  /* sorts them */
  g_print ("catalog: %u streamers, %u cooperations, arrays %.1f MiB; load times",
           n, nc, size / 1048576.0);
  for (int i = 0; i < repeats; i++)
    g_print (" %.3f", times[i]);
  g_print (" s\n");
  *seconds = times[repeats / 2];
  return 0;
}

int
main (int argc, char *argv[])
{
  g_autofree char *made_dir = NULL;
  gboolean keep = FALSE;
  GOptionEntry entries[] = {
    { "streamers", 0, 0, G_OPTION_ARG_INT, &n_streamers, "Streamers to generate", "N" },
    { "cooperations", 0, 0, G_OPTION_ARG_INT, &n_cooperations, "Cooperations to generate", "N" },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Catalog loads to time (median reported)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Work directory (default: a new temporary one)", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the generated files and database", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  repeats = CLAMP (repeats, 1, 16);
  if (dir == NULL)
    dir = made_dir = g_dir_make_tmp ("tm-bench-XXXXXX", NULL);
  g_mkdir_with_parents (dir, 0700);

  g_print ("TrustMatch catalog benchmark: %d streamers, %d cooperations, %u cores\n",
           n_streamers, n_cooperations, g_get_num_processors ());
  ok = run_phase ("generate + write JSON", phase_generate)
    && run_phase ("import (one transaction)", phase_import)
    && run_phase ("catalog load (median)", phase_catalog);

  if (!keep)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", dir);
    }
  return ok ? 0 : 1;
}
