/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-probe"

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/core/tm-generator.h"
#include "app/core/tm-store-feed.h"
#include "app/net/tm-feed-client.h"
#include "tm-test-utils.h"

/* What a user sees of a large sync: the main loop keeps running (a GUI
 * would not freeze) and progress is reported as the sync goes.
 *
 * A generated catalog is published with tm_feed_publish and served by a
 * SoupServer in this process, on 127.0.0.1, in a thread of its own; the
 * client runs on the test's main loop.  While it syncs, a probe timer on
 * the main loop fires every 5 ms and notes the time and the main thread's
 * CPU time.  The machine running the tests is shared and noisy, so a long
 * wall-clock gap between two ticks may only mean that the process was
 * descheduled; the CPU time the main thread consumed between two ticks is
 * what the client made the main loop do in one go, and that is what is
 * asserted.  Both are printed, and the wall gap less the time the thread
 * waited for a CPU, which also counts time blocked on a lock or I/O. */

/* A GUI freezes visibly beyond this: the limit. */
#define MAX_STALL_MS 50
#define PROBE_INTERVAL_MS 5

/* libsoup 3.2's server leaks the socket of every connection it accepts
 * (fixed in 3.3, see PLATFORM.md); its thread runs with leak checking off.
 * Present only in sanitizer builds. */
extern void __lsan_disable (void) __attribute__ ((weak));
extern void __lsan_enable (void) __attribute__ ((weak));

/* A sanitizer makes every allocation several times dearer, in the client's
 * main-loop work as in the rest: the figures say nothing about a normal
 * build, so the stall limit is not asserted there. */
#if defined(__SANITIZE_ADDRESS__)
# define UNDER_SANITIZER 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_SANITIZER 1
# endif
#endif
#ifndef UNDER_SANITIZER
# define UNDER_SANITIZER 0
#endif

/* The size of a feed a test runs on. */
typedef struct {
  guint n_streamers;     /* 10 cooperations each, as the generator makes */
  guint shard_records;   /* 0: the publisher's default */
} FeedSize;

/* 222,678 records in 70 shards of the publisher's default size: a sync
 * takes some 20 s in a debug build.  TM_PROBE_STREAMERS sets another
 * size, e.g. 100000 for figures on a million records. */
static FeedSize large_feed = { 20000, 0 };
/* Small shards, so that one sync has many of them. */
static const FeedSize small_feed = { 1500, 500 };

typedef struct {
  char         *dir;
  char         *feed;          /* the published folder */
  TmStore      *source;        /* the publisher's store */
  TmStore      *target;        /* the syncing user's store, empty at first */
  TmFeedClient *client;
  GThread      *server_thread;
  GMainContext *server_context;
  gboolean      server_stop;   /* atomic */
  GMutex        lock;          /* for url and served */
  GCond         ready;
  char         *url;           /* of manifest.json */
  GHashTable   *served;        /* path → count of 200 answers */
} Fixture;

static void
serve (SoupServer        *server,
       SoupServerMessage *msg,
       const char        *request_path,
       GHashTable        *query,
       gpointer           user_data)
{
  Fixture *f = user_data;
  const char *path = request_path + 1;
  g_autofree char *file = NULL;
  char *data;
  gsize length;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  file = g_build_filename (f->feed, path, NULL);
  if (strstr (path, "..") != NULL || !g_file_get_contents (file, &data, &length, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  g_hash_table_insert (f->served, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (f->served, path)) + 1));
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, length);
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
publish (Fixture            *f,
         const FeedSize     *size,
         TmFeedPublishStats *stats)
{
  TmFeedPublishOptions options = { size->shard_records, "test", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_feed_publish (f->source, f->feed, &options, stats, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const FeedSize *size = data;
  TmGeneratorOptions gen;
  g_autoptr(TmDataset) dataset = NULL;
  TmDataset *datasets[1];
  const char *names[] = { "generated" };
  TmFeedPublishStats stats = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *source_db = NULL;
  g_autofree char *target_db = NULL;
  gint64 start = g_get_monotonic_time ();

  f->dir = g_dir_make_tmp ("tm-sync-probe-XXXXXX", &error);
  g_assert_no_error (error);
  f->feed = g_build_filename (f->dir, "feed", NULL);
  source_db = g_build_filename (f->dir, "source.db", NULL);
  target_db = g_build_filename (f->dir, "target.db", NULL);

  f->source = tm_store_open (source_db, &error);
  g_assert_no_error (error);
  tm_generator_options_init (&gen, size->n_streamers, 4);
  dataset = tm_generator_run (&gen);
  datasets[0] = dataset;
  g_assert_true (tm_store_import (f->source, datasets, names, 1, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&dataset, tm_dataset_free);
  publish (f, size, &stats);
  f->target = tm_store_open (target_db, &error);
  g_assert_no_error (error);
  g_test_message ("feed: %u streamers, %" G_GUINT64_FORMAT " records in %u shards "
                  "(set up in %.1f s)",
                  size->n_streamers, stats.records, stats.shards,
                  (g_get_monotonic_time () - start) / 1e6);

  f->served = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&f->lock);
  g_cond_init (&f->ready);
  f->server_context = g_main_context_new ();
  f->server_thread = g_thread_new ("server", server_thread, f);
  g_mutex_lock (&f->lock);
  while (f->url == NULL)
    g_cond_wait (&f->ready, &f->lock);
  g_mutex_unlock (&f->lock);

  f->client = tm_feed_client_new ();

#ifdef __GLIBC__
  /* Setting up freed a few hundred thousand small blocks on this thread;
   * glibc sorts them out at the next large malloc, whichever code asks for
   * it, which takes tens of milliseconds.  Done here, so that the probe
   * measures the client and not the fixture. */
  malloc_trim (0);
#endif
}


static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->client);
  g_atomic_int_set (&f->server_stop, TRUE);
  g_main_context_wakeup (f->server_context);
  g_thread_join (g_steal_pointer (&f->server_thread));
  g_clear_pointer (&f->server_context, g_main_context_unref);
  /* Let the connections' last callbacks run before the stores go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->ready);
  g_clear_object (&f->source);
  g_clear_object (&f->target);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->feed);
  g_free (f->url);
  g_hash_table_unref (f->served);
}

/* For g_ptr_array_sort(), which passes pointers to the elements. */
static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The shard files the server answered with 200, sorted. */
static GPtrArray *
served_shards (Fixture *f)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, f->served);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (strcmp (key, TM_FEED_MANIFEST_NAME) != 0)
      {
        /* Each one once: no retries without faults. */
        g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
        g_ptr_array_add (paths, g_strdup (key));
      }
  g_ptr_array_sort (paths, compare_paths);
  return paths;
}

static void
forget_served (Fixture *f)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->lock);

  g_hash_table_remove_all (f->served);
}

static void
assert_same_counts (TmStore *a,
                    TmStore *b)
{
  guint na[4], nb[4];

  tm_store_count (a, &na[0], &na[1], &na[2], &na[3]);
  tm_store_count (b, &nb[0], &nb[1], &nb[2], &nb[3]);
  for (guint i = 0; i < G_N_ELEMENTS (na); i++)
    g_assert_cmpuint (nb[i], ==, na[i]);
}

/* ------------------------------------------------------------------ */
/* The probe                                                          */
/* ------------------------------------------------------------------ */

typedef struct {
  gint64          wall;    /* monotonic, µs */
  gint64          cpu;     /* the main thread's CPU time, ns */
  gint64          queued;  /* its time runnable but not running, ns; -1: unknown */
  TmFeedSyncPhase phase;   /* the last one reported */
  gboolean        done;    /* the sync had returned */
} Tick;

typedef struct {
  GArray          *ticks;  /* Tick */
  int              schedstat; /* /proc/thread-self/schedstat, or -1 */
  TmFeedSyncPhase  phase;
  gboolean         done;
} Probe;

static gint64
thread_cpu_ns (void)
{
  struct timespec ts;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts), ==, 0);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* The time the calling thread spent waiting for a CPU while it could run
 * (the second field of /proc/thread-self/schedstat), or -1.  Wall time
 * minus this is the thread running or blocked (on a lock, on I/O), which
 * CPU time does not show; it still includes time the hypervisor took the
 * virtual CPU away, so it is printed, not asserted. */
static gint64
thread_queued_ns (int fd)
{
  char text[128];
  gssize n;
  gint64 on_cpu, queued;

  if (fd < 0 || (n = pread (fd, text, sizeof text - 1, 0)) <= 0)
    return -1;
  text[n] = '\0';
  if (sscanf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &on_cpu, &queued) != 2)
    return -1;
  return queued;
}

static void
probe_sample (Probe *probe)
{
  Tick tick = { g_get_monotonic_time (), thread_cpu_ns (), thread_queued_ns (probe->schedstat),
                probe->phase, probe->done };

  g_array_append_val (probe->ticks, tick);
}

/* At G_PRIORITY_DEFAULT, as input events are: a source at that priority
 * that is ready runs in the same main loop iteration as the client's. */
static gboolean
on_probe_tick (gpointer user_data)
{
  probe_sample (user_data);
  return G_SOURCE_CONTINUE;
}

static const char *
phase_name (TmFeedSyncPhase phase)
{
  switch (phase)
    {
    case TM_FEED_SYNC_PHASE_MANIFEST: return "manifest";
    case TM_FEED_SYNC_PHASE_DOWNLOAD: return "download";
    case TM_FEED_SYNC_PHASE_WAITING:  return "waiting";
    case TM_FEED_SYNC_PHASE_APPLY:    return "apply";
    default:                          return "?";
    }
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The 99th percentile of @values (sorted in place), nearest rank. */
static gint64
percentile_99 (GArray *values)
{
  guint rank;

  g_array_sort (values, compare_gint64);
  rank = (guint) ((values->len * 99 + 99) / 100);
  return g_array_index (values, gint64, MAX (rank, 1) - 1);
}

/* Says where the main loop was held longest: when, and in which phase. */
static void
report_largest_gaps (GArray *ticks,
                     guint   n)
{
  g_autofree gboolean *taken = g_new0 (gboolean, ticks->len);
  const Tick *first = &g_array_index (ticks, Tick, 0);

  for (guint r = 0; r < n; r++)
    {
      guint worst = 0;
      gint64 worst_cpu = -1;
      const Tick *w;

      for (guint k = 1; k < ticks->len; k++)
        {
          gint64 cpu = g_array_index (ticks, Tick, k).cpu - g_array_index (ticks, Tick, k - 1).cpu;

          if (!taken[k] && cpu > worst_cpu)
            {
              worst = k;
              worst_cpu = cpu;
            }
        }
      if (worst == 0)
        return;
      taken[worst] = TRUE;
      w = &g_array_index (ticks, Tick, worst);
      g_test_message ("CPU gap #%u: %.1f ms (%.1f ms wall), ending %.3f s into the sync, "
                      "during %s%s",
                      r + 1, worst_cpu / 1e6,
                      (w->wall - g_array_index (ticks, Tick, worst - 1).wall) / 1e3,
                      (w->wall - first->wall) / 1e6, phase_name (w->phase),
                      w->done ? " (after the sync returned)" : "");
    }
}

/* ------------------------------------------------------------------ */
/* Running a sync                                                     */
/* ------------------------------------------------------------------ */

typedef struct {
  gboolean          done;
  gboolean          freed;   /* the client's task, and with it the sync's data */
  gboolean          ok;
  TmFeedSyncResult *result;
  GError          **error;
  Probe            *probe;   /* nullable */
} SyncWait;

static void
on_task_freed (gpointer  data,
               GObject  *where_the_object_was)
{
  SyncWait *wait = data;

  wait->freed = TRUE;
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncWait *wait = user_data;

  wait->ok = tm_feed_client_sync_finish (TM_FEED_CLIENT (source), result, wait->result, wait->error);
  wait->done = TRUE;
  if (wait->probe != NULL)
    wait->probe->done = TRUE;
  g_object_weak_ref (G_OBJECT (result), on_task_freed, wait);
}

/* Runs a sync on the main loop and returns once the client has let go of
 * everything of it: freeing the parsed shards is work on the main loop
 * too. */
static gboolean
run_sync (Fixture                 *f,
          const TmFeedSyncOptions *options,
          Probe                   *probe,
          TmFeedSyncResult        *result,
          GError                 **error)
{
  SyncWait wait = { FALSE, FALSE, FALSE, result, error, probe };
  guint probe_id = 0;
  gint64 give_up;

  if (probe != NULL)
    {
      probe_id = g_timeout_add (PROBE_INTERVAL_MS, on_probe_tick, probe);
      probe_sample (probe);
    }
  tm_feed_client_sync_async (f->client, f->target, f->url, options, NULL, on_synced, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  /* The task may outlive the callback by an iteration or two; one that
   * lives on for seconds is leaked, which is not this test's business. */
  give_up = g_get_monotonic_time () + 2 * G_TIME_SPAN_SECOND;
  while (!wait.freed && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, probe == NULL ? FALSE : TRUE);
  if (probe != NULL)
    {
      probe_sample (probe);
      g_source_remove (probe_id);
    }
  return wait.ok;
}

/* ------------------------------------------------------------------ */
/* /sync-probe/no-stall                                               */
/* ------------------------------------------------------------------ */

static void
on_probe_progress (const TmFeedSyncProgress *progress,
                   gpointer                  user_data)
{
  Probe *probe = user_data;

  probe->phase = progress->phase;
}

static void
test_no_stall (Fixture       *f,
               gconstpointer  data)
{
  Probe probe = { g_array_new (FALSE, FALSE, sizeof (Tick)),
                  open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC),
                  TM_FEED_SYNC_PHASE_MANIFEST, FALSE };
  TmFeedSyncOptions options = { NULL, on_probe_progress, &probe };
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) wall_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cpu_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) held_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint b, s, c, i;
  gint64 max_wall = 0;
  gint64 max_cpu = 0;
  gint64 max_held = 0;
  guint max_held_at = 0;
  gint64 p99_wall, p99_cpu;
  const Tick *first, *last;
  double seconds;
  gboolean ok;

  ok = run_sync (f, &options, &probe, &result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (result.changed);

  /* Every record arrived. */
  tm_store_count (f->source, &b, &s, &c, &i);
  assert_same_counts (f->source, f->target);
  g_assert_cmpuint (result.stats.added, ==, b + s + c + i);

  g_assert_cmpuint (probe.ticks->len, >=, 3);
  for (guint k = 1; k < probe.ticks->len; k++)
    {
      const Tick *prev = &g_array_index (probe.ticks, Tick, k - 1);
      const Tick *tick = &g_array_index (probe.ticks, Tick, k);
      gint64 wall = tick->wall - prev->wall;
      gint64 cpu = tick->cpu - prev->cpu;

      g_array_append_val (wall_gaps, wall);
      g_array_append_val (cpu_gaps, cpu);
      max_wall = MAX (max_wall, wall);
      max_cpu = MAX (max_cpu, cpu);
      if (tick->queued >= 0 && prev->queued >= 0)
        {
          gint64 held = wall * 1000 - (tick->queued - prev->queued);

          g_array_append_val (held_gaps, held);
          if (held > max_held)
            {
              max_held = held;
              max_held_at = k;
            }
        }
    }
  p99_wall = percentile_99 (wall_gaps);
  p99_cpu = percentile_99 (cpu_gaps);
  first = &g_array_index (probe.ticks, Tick, 0);
  last = &g_array_index (probe.ticks, Tick, probe.ticks->len - 1);
  seconds = (last->wall - first->wall) / 1e6;

  g_test_message ("sync: %.2f s wall, %u shards (%.1f MB), %u records added; "
                  "main thread %.2f s CPU",
                  seconds, result.fetched, result.bytes / 1e6, result.stats.added,
                  (last->cpu - first->cpu) / 1e9);
  g_test_message ("probe every %d ms: %u ticks; wall gap max %.1f ms, p99 %.1f ms; "
                  "main-thread CPU per gap max %.1f ms, p99 %.1f ms",
                  PROBE_INTERVAL_MS, probe.ticks->len,
                  max_wall / 1e3, p99_wall / 1e3, max_cpu / 1e6, p99_cpu / 1e6);
  if (held_gaps->len > 0)
    {
      const Tick *at = &g_array_index (probe.ticks, Tick, max_held_at);
      const Tick *before = &g_array_index (probe.ticks, Tick, max_held_at - 1);

      g_test_message ("wall gap less the time spent waiting for a CPU: max %.1f ms "
                      "(%.1f ms CPU, ending %.3f s into the sync, during %s), p99 %.1f ms",
                      max_held / 1e6, (at->cpu - before->cpu) / 1e6,
                      (at->wall - first->wall) / 1e6, phase_name (at->phase),
                      percentile_99 (held_gaps) / 1e6);
    }
  report_largest_gaps (probe.ticks, 3);

  if (UNDER_SANITIZER)
    g_test_message ("built with a sanitizer: the %d ms limit is not asserted", MAX_STALL_MS);
  else if (max_cpu > (gint64) MAX_STALL_MS * 1000000)
    /* Failed, not aborted: the other tests still run. */
    g_test_fail_printf ("the main loop was held for %.1f ms of CPU time in one go "
                        "(limit %d ms); see the largest gaps above",
                        max_cpu / 1e6, MAX_STALL_MS);

  g_array_unref (probe.ticks);
  if (probe.schedstat >= 0)
    close (probe.schedstat);
}

/* ------------------------------------------------------------------ */
/* /sync-probe/progress                                               */
/* ------------------------------------------------------------------ */

typedef struct {
  GArray  *reports;        /* TmFeedSyncProgress */
  GThread *main_thread;
} Recorder;

static void
on_record_progress (const TmFeedSyncProgress *progress,
                    gpointer                  user_data)
{
  Recorder *rec = user_data;

  /* A GUI updates its widgets from here. */
  g_assert_true (g_thread_self () == rec->main_thread);
  g_array_append_vals (rec->reports, progress, 1);
}

static int
phase_rank (TmFeedSyncPhase phase)
{
  switch (phase)
    {
    case TM_FEED_SYNC_PHASE_MANIFEST: return 0;
    case TM_FEED_SYNC_PHASE_DOWNLOAD: return 1;
    case TM_FEED_SYNC_PHASE_APPLY:    return 2;
    case TM_FEED_SYNC_PHASE_WAITING:
    default:
      /* Only after a failed request, and nothing fails here. */
      g_error ("unexpected phase %d", phase);
    }
}

/* Checks what one sync reported against the shards the server sent:
 * @fetched (paths) of @manifest. */
static void
check_reports (GArray         *reports,
               TmFeedManifest *manifest,
               GPtrArray      *fetched)
{
  guint64 bytes_total = 0;
  guint64 records_total = 0;
  guint n_download = 0;
  guint n_partial = 0;      /* download reports with some bytes, not all */
  guint n_bytes_values = 0; /* distinct bytes_done values while downloading */
  guint64 last_bytes = G_MAXUINT64;
  const TmFeedSyncProgress *last_download = NULL;
  const TmFeedSyncProgress *prev = NULL;

  for (guint i = 0; i < manifest->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (manifest->shards, i);

      if (g_ptr_array_find_with_equal_func (fetched, shard->path, g_str_equal, NULL))
        {
          bytes_total += (guint64) shard->bytes;
          records_total += (guint64) shard->records;
        }
    }

  g_assert_cmpuint (reports->len, >=, 3);
  g_assert_cmpint (g_array_index (reports, TmFeedSyncProgress, 0).phase, ==,
                   TM_FEED_SYNC_PHASE_MANIFEST);
  g_assert_cmpint (g_array_index (reports, TmFeedSyncProgress, reports->len - 1).phase, ==,
                   TM_FEED_SYNC_PHASE_APPLY);

  for (guint i = 0; i < reports->len; i++)
    {
      const TmFeedSyncProgress *p = &g_array_index (reports, TmFeedSyncProgress, i);

      g_assert_cmpuint (p->attempt, <=, 1);
      if (p->phase == TM_FEED_SYNC_PHASE_MANIFEST)
        {
          /* Nothing is known of the shards before the manifest is read. */
          g_assert_cmpuint (p->shards_total, ==, 0);
          g_assert_cmpuint (p->bytes_done, ==, 0);
          g_assert_cmpuint (p->records_done, ==, 0);
        }
      else
        {
          g_assert_cmpuint (p->shards_total, ==, fetched->len);
          g_assert_cmpuint (p->bytes_total, ==, bytes_total);
          g_assert_cmpuint (p->records_total, ==, records_total);
        }
      g_assert_cmpuint (p->shards_done, <=, p->shards_total);
      g_assert_cmpuint (p->bytes_done, <=, p->bytes_total);
      g_assert_cmpuint (p->records_done, <=, p->records_total);

      if (prev != NULL)
        {
          g_assert_cmpint (phase_rank (p->phase), >=, phase_rank (prev->phase));
          g_assert_cmpuint (p->shards_done, >=, prev->shards_done);
          g_assert_cmpuint (p->bytes_done, >=, prev->bytes_done);
          g_assert_cmpuint (p->records_done, >=, prev->records_done);
        }

      if (p->phase == TM_FEED_SYNC_PHASE_DOWNLOAD)
        {
          n_download++;
          last_download = p;
          if (p->bytes_done > 0 && p->bytes_done < p->bytes_total)
            n_partial++;
          if (p->bytes_done != last_bytes)
            n_bytes_values++;
          last_bytes = p->bytes_done;
        }
      if (p->phase == TM_FEED_SYNC_PHASE_APPLY)
        {
          /* Everything was downloaded and checked before the store is
           * written to. */
          g_assert_nonnull (last_download);
          g_assert_cmpuint (last_download->shards_done, ==, last_download->shards_total);
          g_assert_cmpuint (last_download->bytes_done, ==, last_download->bytes_total);
          g_assert_cmpuint (last_download->records_done, ==, last_download->records_total);
          g_assert_cmpuint (p->shards_done, ==, p->shards_total);
          g_assert_cmpuint (p->bytes_done, ==, p->bytes_total);
          g_assert_cmpuint (p->records_done, ==, p->records_total);
        }
      prev = p;
    }

  /* As the download goes: at least one report per shard, some of them
   * half way, with bytes_done growing. */
  g_assert_cmpuint (n_download, >=, fetched->len);
  g_assert_cmpuint (n_bytes_values, >=, 2);
  if (fetched->len > 1)
    g_assert_cmpuint (n_partial, >=, 1);
}

/* The paths of @after's shards that are new or have other bytes than in
 * @before, sorted. */
static GPtrArray *
changed_shards (TmFeedManifest *before,
                TmFeedManifest *after)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < after->shards->len; i++)
    {
      TmFeedShard *a = g_ptr_array_index (after->shards, i);
      gboolean same = FALSE;

      for (guint j = 0; j < before->shards->len && !same; j++)
        {
          TmFeedShard *b = g_ptr_array_index (before->shards, j);

          same = strcmp (a->path, b->path) == 0 && strcmp (a->sha256, b->sha256) == 0;
        }
      if (!same)
        g_ptr_array_add (paths, g_strdup (a->path));
    }
  g_ptr_array_sort (paths, compare_paths);
  return paths;
}

static void
assert_same_paths (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
test_progress (Fixture       *f,
               gconstpointer  data)
{
  const FeedSize *size = data;
  Recorder rec = { g_array_new (FALSE, FALSE, sizeof (TmFeedSyncProgress)), g_thread_self () };
  TmFeedSyncOptions options = { NULL, on_record_progress, &rec };
  g_auto(TmFeedSyncResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) before = tm_test_read_manifest (f->feed);
  g_autoptr(TmFeedManifest) after = NULL;
  g_autoptr(GPtrArray) fetched = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(TmDataset) edit = NULL;
  TmDataset *datasets[1];
  const char *names[] = { "edit" };
  TmStreamer *streamer;
  gboolean ok;

  /* The first sync fetches every shard. */
  g_assert_cmpuint (before->shards->len, >, 10);
  ok = run_sync (f, &options, NULL, &result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  fetched = served_shards (f);
  for (guint i = 0; i < before->shards->len; i++)
    g_ptr_array_add (all, g_strdup (((TmFeedShard *) g_ptr_array_index (before->shards, i))->path));
  g_ptr_array_sort (all, compare_paths);
  assert_same_paths (fetched, all);
  g_assert_cmpuint (result.fetched, ==, fetched->len);
  g_assert_cmpuint (result.retries, ==, 0);
  check_reports (rec.reports, before, fetched);
  assert_same_counts (f->source, f->target);
  g_test_message ("first sync: %u reports for %u shards", rec.reports->len, fetched->len);

  /* The publisher renames one streamer and publishes again: one shard
   * changes, and the second sync's totals are that shard's. */
  edit = tm_store_dump_kinds (f->source, TM_RECORD_STREAMERS, &error);
  g_assert_no_error (error);
  streamer = g_ptr_array_index (edit->streamers, 7);
  g_free (streamer->name);
  streamer->name = g_strdup ("改名的主播");
  datasets[0] = edit;
  g_assert_true (tm_store_import (f->source, datasets, names, 1, NULL, &error));
  g_assert_no_error (error);
  publish (f, size, NULL);
  after = tm_test_read_manifest (f->feed);
  changed = changed_shards (before, after);
  g_assert_cmpuint (changed->len, ==, 1);

  forget_served (f);
  g_array_set_size (rec.reports, 0);
  tm_feed_sync_result_clear (&result);
  ok = run_sync (f, &options, NULL, &result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_clear_pointer (&fetched, g_ptr_array_unref);
  fetched = served_shards (f);
  assert_same_paths (fetched, changed);
  g_assert_cmpuint (result.fetched, ==, 1);
  g_assert_cmpuint (result.stats.updated, ==, 1);
  check_reports (rec.reports, after, fetched);
  g_assert_cmpuint (g_array_index (rec.reports, TmFeedSyncProgress, rec.reports->len - 1).shards_total,
                    ==, 1);
  assert_same_counts (f->source, f->target);
  g_test_message ("second sync: %u reports for %s", rec.reports->len,
                  (const char *) g_ptr_array_index (changed, 0));

  g_array_unref (rec.reports);
}

int
main (int argc, char *argv[])
{
  const char *streamers;

  g_test_init (&argc, &argv, NULL);

  streamers = g_getenv ("TM_PROBE_STREAMERS");
  if (streamers != NULL)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (streamers, 10, 100, 1000000, &n, NULL))
        g_error ("TM_PROBE_STREAMERS=%s: give a number of streamers from 100 to 1000000",
                 streamers);
      large_feed.n_streamers = (guint) n;
    }
  else if (UNDER_SANITIZER)
    /* Several times slower: the same shards, fewer of them. */
    large_feed.n_streamers = 3000;

#define ADD(path, size, func) \
  g_test_add (path, Fixture, size, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync-probe/no-stall", &large_feed, test_no_stall);
  ADD ("/sync-probe/progress", &small_feed, test_progress);
#undef ADD

  return g_test_run ();
}
