/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-parse: the cost of reading dataset files (docs/performance.md,
 * "Feed sync").
 *
 *   bench-parse DIR
 *
 * Loads every *.json in DIR with tm_dataset_load_file, one after the other
 * in name order on one thread, freeing each dataset before the next, as a
 * sync's parse step does for its shards; a feed's manifest.json is not a
 * dataset and is left out.  Prints the files, records and bytes read, the
 * wall time, the CPU time (user + system) and the peak RSS (getrusage) of
 * the whole run.
 *
 * Exits with 1 when a file cannot be read.
 */
#define G_LOG_DOMAIN "bench-parse"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tm-json.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static double
seconds_of (const struct timeval *tv)
{
  return tv->tv_sec + tv->tv_usec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint64 records = 0, bytes = 0;
  struct rusage before, after;
  gint64 start, end;
  double cpu;

  if (argc != 2)
    {
      g_printerr ("Usage: %s DIR\n", argv[0]);
      return 2;
    }

  dir = g_dir_open (argv[1], 0, &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json") && !g_str_equal (name, "manifest.json"))
      g_ptr_array_add (names, g_build_filename (argv[1], name, NULL));
  g_ptr_array_sort (names, compare_names);

  getrusage (RUSAGE_SELF, &before);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < names->len; i++)
    {
      const char *path = g_ptr_array_index (names, i);
      g_autoptr(TmDataset) dataset = NULL;
      GStatBuf st;

      dataset = tm_dataset_load_file (path, &error);
      if (dataset == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      records += tm_dataset_n_records (dataset);
      if (g_stat (path, &st) == 0)
        bytes += st.st_size;
    }
  end = g_get_monotonic_time ();
  getrusage (RUSAGE_SELF, &after);

  cpu = seconds_of (&after.ru_utime) - seconds_of (&before.ru_utime) +
        seconds_of (&after.ru_stime) - seconds_of (&before.ru_stime);
  g_print ("files     %u\n", names->len);
  g_print ("records   %" G_GUINT64_FORMAT "\n", records);
  g_print ("bytes     %" G_GUINT64_FORMAT " (%.1f MiB)\n", bytes, bytes / 1048576.0);
  g_print ("wall      %.3f s\n", (end - start) / 1e6);
  g_print ("CPU       %.3f s (user %.3f s, system %.3f s)\n", cpu,
           seconds_of (&after.ru_utime) - seconds_of (&before.ru_utime),
           seconds_of (&after.ru_stime) - seconds_of (&before.ru_stime));
  g_print ("peak RSS  %.1f MiB\n", after.ru_maxrss / 1024.0);
  return 0;
}
