/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-feed"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "app/core/tm-json.h"
#include "app/core/tm-store-feed.h"
#include "app/core/tm-store-schema.h"
#include "tm-test-utils.h"

#define FEED_URL "https://data.example.com/team/manifest.json"

static const char *sample_dir;

typedef struct {
  char    *dir;
  char    *feed;      /* the published folder */
  TmStore *source;    /* the publisher's store */
  TmStore *target;    /* the syncing user's store */
  guint    n_fetched; /* shards the last sync_feed() handed over */
} Fixture;

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

  f->dir = g_dir_make_tmp ("tm-store-feed-XXXXXX", &error);
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
}


static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->source);
  g_clear_object (&f->target);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->feed);
}

static void
publish (Fixture *f)
{
  TmFeedPublishOptions options = { 100, "test", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_feed_publish (f->source, f->feed, &options, NULL, &error));
  g_assert_no_error (error);
}

static TmDataset *
load_shard (Fixture *f, const char *path)
{
  g_autofree char *file = g_build_filename (f->feed, path, NULL);
  g_autoptr(GError) error = NULL;
  TmDataset *d = tm_dataset_load_file (file, &error);

  g_assert_no_error (error);
  return d;
}

/* What the HTTP client does, without the network: fetch the shards whose
 * sha256 differs from the stored state, then apply.  Each shard's ETag is
 * its sha256's first 16 digits, its Last-Modified fixed. */
static gboolean
sync_feed (Fixture *f, TmFeedApplyStats *stats, GError **error)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  g_autoptr(TmFeedState) state = NULL;
  g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);

  g_assert_true (tm_store_get_feed_state (f->target, FEED_URL, &state, NULL));
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);
      TmFeedShardState *old = state ? tm_feed_state_find_shard (state, s->path) : NULL;
      g_autofree char *etag = g_strdup_printf ("\"%.16s\"", s->sha256);

      if (old != NULL && strcmp (old->sha256, s->sha256) == 0)
        continue;
      g_ptr_array_add (fetched, tm_feed_fetched_shard_new (s->path, load_shard (f, s->path), etag,
                                                           "Mon, 01 Jan 2024 00:00:00 GMT"));
    }
  f->n_fetched = fetched->len;
  return tm_store_apply_feed (f->target, FEED_URL, m, "\"manifest-etag\"",
                              "Tue, 02 Jan 2024 00:00:00 GMT", fetched, stats, error);
}

static guint
count_records (TmStore *store)
{
  guint b, s, c, i;

  tm_store_count (store, &b, &s, &c, &i);
  return b + s + c + i;
}

/* A sync writes with SQLite's foreign keys off and does the ON DELETE
 * clauses' work itself: no row may point at a row that is gone (an
 * account of a removed streamer, say), which a dump would not show. */
static void
assert_no_dangling_rows (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "target.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_test_message ("dangling: %s row %lld -> %s", sqlite3_column_text (stmt, 0),
                      (long long) sqlite3_column_int64 (stmt, 1), sqlite3_column_text (stmt, 2));
      n++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (n, ==, 0);
}

static void
assert_synced (Fixture *f)
{
  g_autofree char *want = tm_test_dump_text (f->source);
  g_autofree char *got = tm_test_dump_text (f->target);

  g_assert_cmpstr (got, ==, want);
  assert_no_dangling_rows (f);
}

static void
test_first_sync (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedApplyStats) stats = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = NULL;

  publish (f);
  g_assert_true (sync_feed (f, &stats, &error));
  g_assert_no_error (error);
  assert_synced (f);

  m = tm_test_read_manifest (f->feed);
  g_assert_cmpuint (f->n_fetched, ==, m->shards->len);
  g_assert_cmpuint (stats.added, ==, count_records (f->source));
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.removed, ==, 0);
  g_assert_cmpuint (stats.skipped_local, ==, 0);
  g_assert_null (stats.skipped_local_ids);
}

static void
test_unchanged (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedApplyStats) stats = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  publish (f);
  g_assert_true (sync_feed (f, NULL, &error));
  g_assert_no_error (error);
  before = tm_test_dump_text (f->target);

  g_assert_true (sync_feed (f, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_fetched, ==, 0);
  after = tm_test_dump_text (f->target);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (stats.added + stats.updated + stats.unchanged + stats.removed + stats.skipped_local, ==, 0);
}

static void
test_changed_shard (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedApplyStats) stats = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) edit = NULL;
  TmStreamer *s;
  TmDataset *ds[1];
  const char *names[] = { "edit" };

  publish (f);
  g_assert_true (sync_feed (f, NULL, &error));
  g_assert_no_error (error);

  /* The publisher renames one streamer. */
  edit = tm_store_dump_kinds (f->source, TM_RECORD_STREAMERS, &error);
  g_assert_no_error (error);
  s = g_ptr_array_index (edit->streamers, 7);
  g_free (s->name);
  s->name = g_strdup ("改名的主播");
  ds[0] = edit;
  g_assert_true (tm_store_import (f->source, ds, names, 1, NULL, &error));
  g_assert_no_error (error);
  publish (f);

  g_assert_true (sync_feed (f, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_fetched, ==, 1);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_assert_cmpuint (stats.added, ==, 0);
  g_assert_cmpuint (stats.removed, ==, 0);
  g_assert_cmpuint (stats.unchanged, >, 0);
  assert_synced (f);
}

/* Replaces the source by its dump minus a streamer (with its cooperations
 * and incidents) and a brand. */
static void
drop_from_source (Fixture *f, const char *streamer_id, const char *brand_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = tm_store_dump (f->source, &error);
  g_autofree char *db = g_build_filename (f->dir, "source2.db", NULL);
  TmDataset *ds[1] = { d };
  const char *names[] = { "smaller" };

  g_assert_no_error (error);
  for (guint i = d->streamers->len; i-- > 0;)
    if (strcmp (((TmStreamer *) g_ptr_array_index (d->streamers, i))->id, streamer_id) == 0)
      g_ptr_array_remove_index (d->streamers, i);
  for (guint i = d->cooperations->len; i-- > 0;)
    {
      TmCooperation *c = g_ptr_array_index (d->cooperations, i);

      if (strcmp (c->streamer_id, streamer_id) == 0)
        g_ptr_array_remove_index (d->cooperations, i);
    }
  for (guint i = d->incidents->len; i-- > 0;)
    if (strcmp (((TmIncident *) g_ptr_array_index (d->incidents, i))->streamer_id, streamer_id) == 0)
      g_ptr_array_remove_index (d->incidents, i);
  if (brand_id != NULL)
    for (guint i = d->brands->len; i-- > 0;)
      {
        TmBrand *b = g_ptr_array_index (d->brands, i);

        if (strcmp (b->id, brand_id) == 0)
          {
            /* Its cooperations now stand for "another brand". */
            for (guint c = 0; c < d->cooperations->len; c++)
              {
                TmCooperation *coop = g_ptr_array_index (d->cooperations, c);

                if (g_strcmp0 (coop->brand_id, brand_id) == 0)
                  {
                    g_clear_pointer (&coop->brand_id, g_free);
                    coop->brand_name = g_strdup (b->name);
                    coop->brand_category = g_strdup (b->category);
                  }
              }
            g_ptr_array_remove_index (d->brands, i);
          }
      }

  g_clear_object (&f->source);
  f->source = tm_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_true (tm_store_import (f->source, ds, names, 1, NULL, &error));
  g_assert_no_error (error);
}

static void
test_removed (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedApplyStats) stats = { 0, };
  g_autoptr(GError) error = NULL;
  guint before;

  publish (f);
  g_assert_true (sync_feed (f, NULL, &error));
  g_assert_no_error (error);
  before = count_records (f->target);

  drop_from_source (f, "s-000193", "b-001");
  publish (f);
  g_assert_true (sync_feed (f, &stats, &error));
  g_assert_no_error (error);
  assert_synced (f);
  g_assert_cmpuint (stats.removed, ==, before - count_records (f->source));
  g_assert_cmpuint (stats.removed, >=, 3);  /* streamer, a cooperation, the brand */
  g_assert_cmpuint (stats.added, ==, 0);
}

static void
test_local_wins (Fixture *f, gconstpointer data)
{
  g_auto(TmFeedApplyStats) stats = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) brands = tm_store_dump_kinds (f->source, TM_RECORD_BRANDS, &error);
  g_autoptr(GPtrArray) after = NULL;
  TmBrand *mine = g_ptr_array_index (brands->brands, 0);
  gboolean found = FALSE;

  g_assert_no_error (error);
  g_free (mine->name);
  mine->name = g_strdup ("我自己的品牌");
  /* The target is empty: a blacklist could only name unknown streamers. */
  g_ptr_array_set_size (mine->blacklist, 0);
  g_assert_true (tm_store_put_brand (f->target, mine, &error));
  g_assert_no_error (error);

  publish (f);
  g_assert_true (sync_feed (f, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.skipped_local, ==, 1);
  g_assert_nonnull (stats.skipped_local_ids);
  g_assert_cmpuint (stats.skipped_local_ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (stats.skipped_local_ids, 0), ==, mine->id);
  g_assert_cmpuint (stats.added, ==, count_records (f->source) - 1);

  after = tm_store_load_brands (f->target, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < after->len; i++)
    {
      TmBrand *b = g_ptr_array_index (after, i);

      if (strcmp (b->id, mine->id) == 0)
        {
          g_assert_cmpstr (b->name, ==, "我自己的品牌");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
assert_failed_sync_leaves_store (Fixture *f, GPtrArray *fetched, const char *expect)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (f->feed);
  g_autoptr(GError) error = NULL;
  g_autofree char *dump_before = tm_test_dump_text (f->target);
  g_autofree char *state_before = tm_test_feed_state_text (f->target, TRUE);
  g_autofree char *dump_after = NULL;
  g_autofree char *state_after = NULL;

  g_assert_false (tm_store_apply_feed (f->target, FEED_URL, m, "\"other\"", NULL, fetched, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expect));
  dump_after = tm_test_dump_text (f->target);
  state_after = tm_test_feed_state_text (f->target, TRUE);
  g_assert_cmpstr (dump_after, ==, dump_before);
  g_assert_cmpstr (state_after, ==, state_before);
}

static const TmFeedShard *
first_shard (TmFeedManifest *m, TmFeedKind kind)
{
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);

      if (s->kind == kind)
        return s;
    }
  g_assert_not_reached ();
}

static void
test_errors_leave_store (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = NULL;
  const TmFeedShard *coops, *streamers;

  publish (f);
  g_assert_true (sync_feed (f, NULL, &error));
  g_assert_no_error (error);
  m = tm_test_read_manifest (f->feed);
  coops = first_shard (m, TM_FEED_COOPERATIONS);
  streamers = first_shard (m, TM_FEED_STREAMERS);

  /* A shard of the wrong kind. */
  {
    g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);

    g_ptr_array_add (fetched, tm_feed_fetched_shard_new (coops->path, load_shard (f, streamers->path), NULL, NULL));
    assert_failed_sync_leaves_store (f, fetched, coops->path);
  }

  /* A shard the manifest does not list. */
  {
    g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);

    g_ptr_array_add (fetched, tm_feed_fetched_shard_new ("extra.json", load_shard (f, streamers->path), NULL, NULL));
    assert_failed_sync_leaves_store (f, fetched, "extra.json");
  }

  /* A cooperation of a streamer nobody has, after a valid shard: the
   * streamers shard's changes are rolled back too. */
  {
    g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);
    TmDataset *s = load_shard (f, streamers->path);
    TmDataset *c = load_shard (f, coops->path);
    TmStreamer *st = g_ptr_array_index (s->streamers, 0);
    TmCooperation *coop = g_ptr_array_index (c->cooperations, 0);

    g_free (st->name);
    st->name = g_strdup ("changed");
    g_free (coop->streamer_id);
    coop->streamer_id = g_strdup ("s-nobody");
    g_ptr_array_add (fetched, tm_feed_fetched_shard_new (streamers->path, s, NULL, NULL));
    g_ptr_array_add (fetched, tm_feed_fetched_shard_new (coops->path, c, NULL, NULL));
    assert_failed_sync_leaves_store (f, fetched, "s-nobody");
  }
}

static int
compare_rank (gconstpointer a, gconstpointer b)
{
  guint ra = tm_feed_apply_rank ((*(TmFeedShard * const *) a)->kind);
  guint rb = tm_feed_apply_rank ((*(TmFeedShard * const *) b)->kind);

  return (ra > rb) - (ra < rb);
}

/* The manifest's shards in the order TmFeedApply takes them. */
static GPtrArray *
shards_in_rank_order (TmFeedManifest *m)
{
  GPtrArray *shards = g_ptr_array_new ();

  for (guint i = 0; i < m->shards->len; i++)
    g_ptr_array_add (shards, g_ptr_array_index (m->shards, i));
  g_ptr_array_sort (shards, compare_rank);
  return shards;
}

/* Applies @shards one by one and commits; those whose position has the
 * parity @prepared get their digests computed beforehand. */
static void
apply_all (Fixture          *f,
           TmFeedManifest   *m,
           GPtrArray        *shards,
           guint             prepared,
           TmFeedApplyStats *stats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedApply) apply = tm_feed_apply_begin (f->target, FEED_URL, m, "\"e\"", NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (shards, i);
      g_autoptr(TmFeedFetchedShard) fetched =
        tm_feed_fetched_shard_new (s->path, load_shard (f, s->path), NULL, NULL);

      if (i % 2 == prepared)
        tm_feed_fetched_shard_prepare (fetched);
      g_assert_true (tm_feed_apply_add (apply, fetched, &error));
      g_assert_no_error (error);
    }
  g_assert_true (tm_feed_apply_commit (apply, stats, &error));
  g_assert_no_error (error);
}

/* What the HTTP client does: one shard at a time, each freed once added,
 * some with their digests computed beforehand as a worker does.  Freeing
 * the apply before its commit, after shards were written, leaves the
 * store as it was; committing gives the publisher's data. */
static void
test_shard_by_shard (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(GPtrArray) shards = NULL;
  g_autofree char *dump_before = tm_test_dump_text (f->target);
  g_autofree char *state_before = tm_test_feed_state_text (f->target, TRUE);
  g_auto(TmFeedApplyStats) stats = { 0, };

  publish (f);
  m = tm_test_read_manifest (f->feed);
  shards = shards_in_rank_order (m);
  g_assert_cmpint (((TmFeedShard *) g_ptr_array_index (shards, 0))->kind, ==, TM_FEED_STREAMERS);

  /* Abandoned half way: cooperations were written, then rolled back. */
  {
    g_autoptr(TmFeedApply) apply = tm_feed_apply_begin (f->target, FEED_URL, m, NULL, NULL, &error);
    g_autofree char *dump_after = NULL;
    g_autofree char *state_after = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < shards->len; i++)
      {
        TmFeedShard *s = g_ptr_array_index (shards, i);
        g_autoptr(TmFeedFetchedShard) fetched =
          tm_feed_fetched_shard_new (s->path, load_shard (f, s->path), NULL, NULL);

        g_assert_true (tm_feed_apply_add (apply, fetched, &error));
        g_assert_no_error (error);
        if (s->kind == TM_FEED_COOPERATIONS)
          break;
      }
    g_clear_pointer (&apply, tm_feed_apply_free);
    dump_after = tm_test_dump_text (f->target);
    state_after = tm_test_feed_state_text (f->target, TRUE);
    g_assert_cmpstr (dump_after, ==, dump_before);
    g_assert_cmpstr (state_after, ==, state_before);
  }

  /* All of it. */
  apply_all (f, m, shards, 0, &stats);
  assert_synced (f);
  g_assert_cmpuint (stats.added, ==, count_records (f->source));

  /* Applied again shard by shard, prepared or not, nothing differs. */
  {
    g_auto(TmFeedApplyStats) again = { 0, };

    apply_all (f, m, shards, 1, &again);
    g_assert_cmpuint (again.unchanged, ==, count_records (f->source));
    g_assert_cmpuint (again.added + again.updated + again.removed, ==, 0);
  }
  assert_synced (f);
}

/* The same streamer in two shards of one feed: refused, naming both
 * shards, after the first was already written; nothing is kept. */
static void
test_duplicate_across_shards (Fixture *f, gconstpointer data)
{
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);
  TmFeedShard *a = NULL, *b = NULL;
  TmDataset *da, *db;
  TmStreamer *first, *other;
  g_autofree char *url_a = NULL;
  g_autofree char *url_b = NULL;

  publish (f);
  m = tm_test_read_manifest (f->feed);
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);

      if (s->kind != TM_FEED_STREAMERS)
        continue;
      if (a == NULL)
        a = s;
      else if (b == NULL)
        b = s;
    }
  g_assert_nonnull (b);
  da = load_shard (f, a->path);
  db = load_shard (f, b->path);
  first = g_ptr_array_index (da->streamers, 0);
  other = g_ptr_array_index (db->streamers, 0);
  g_free (other->id);
  other->id = g_strdup (first->id);
  g_ptr_array_add (fetched, tm_feed_fetched_shard_new (a->path, da, NULL, NULL));
  g_ptr_array_add (fetched, tm_feed_fetched_shard_new (b->path, db, NULL, NULL));
  url_a = g_strconcat ("https://data.example.com/team/", a->path, NULL);
  url_b = g_strconcat ("https://data.example.com/team/", b->path, NULL);
  g_assert_true (g_str_has_prefix (FEED_URL, "https://data.example.com/team/"));
  assert_failed_sync_leaves_store (f, fetched, "is in both");
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (tm_store_apply_feed (f->target, FEED_URL, m, NULL, NULL, fetched, NULL, &error));
    g_assert_nonnull (strstr (error->message, first->id));
    g_assert_nonnull (strstr (error->message, url_a));
    g_assert_nonnull (strstr (error->message, url_b));
  }
}

/* A streamer the feed drops while the user's own data still refers to it:
 * the sync is refused and names the record. */
static void
test_removed_streamer_still_referenced (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = tm_store_dump_kinds (f->source, TM_RECORD_COOPERATIONS, &error);
  g_autoptr(TmDataset) mine = tm_dataset_new ();
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);
  g_autoptr(TmFeedState) state = NULL;
  TmDataset *ds[1] = { mine };
  const char *names[] = { "mine.json" };
  TmCooperation *c = NULL;

  g_assert_no_error (error);
  publish (f);
  g_assert_true (sync_feed (f, NULL, &error));
  g_assert_no_error (error);

  /* The user imports a cooperation of their own for s-000193. */
  for (guint i = 0; i < d->cooperations->len && c == NULL; i++)
    if (strcmp (((TmCooperation *) g_ptr_array_index (d->cooperations, i))->streamer_id, "s-000193") == 0)
      c = g_ptr_array_steal_index (d->cooperations, i);
  g_assert_nonnull (c);
  g_free (c->id);
  c->id = g_strdup ("c-mine-1");
  g_ptr_array_add (mine->cooperations, c);
  g_assert_true (tm_store_import (f->target, ds, names, 1, NULL, &error));
  g_assert_no_error (error);

  drop_from_source (f, "s-000193", NULL);
  publish (f);
  m = tm_test_read_manifest (f->feed);
  g_assert_true (tm_store_get_feed_state (f->target, FEED_URL, &state, &error));
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);
      TmFeedShardState *old = tm_feed_state_find_shard (state, s->path);

      if (old == NULL || strcmp (old->sha256, s->sha256) != 0)
        g_ptr_array_add (fetched, tm_feed_fetched_shard_new (s->path, load_shard (f, s->path), NULL, NULL));
    }
  assert_failed_sync_leaves_store (f, fetched, "c-mine-1");
}

static void
test_state (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(TmFeedState) state = NULL;
  g_autoptr(TmFeedState) latest = NULL;
  g_autoptr(TmFeedState) none = NULL;
  g_autoptr(GPtrArray) all = NULL;

  g_assert_true (tm_store_get_feed_state (f->target, NULL, &none, &error));
  g_assert_no_error (error);
  g_assert_null (none);

  publish (f);
  g_assert_true (sync_feed (f, NULL, &error));
  g_assert_no_error (error);
  m = tm_test_read_manifest (f->feed);

  g_assert_true (tm_store_get_feed_state (f->target, FEED_URL, &state, &error));
  g_assert_no_error (error);
  g_assert_nonnull (state);
  g_assert_cmpstr (state->url, ==, FEED_URL);
  g_assert_cmpstr (state->manifest_etag, ==, "\"manifest-etag\"");
  g_assert_cmpstr (state->manifest_last_modified, ==, "Tue, 02 Jan 2024 00:00:00 GMT");
  g_assert_cmpstr (state->generated, ==, m->generated);
  g_assert_cmpuint (strlen (state->last_success), ==, strlen ("2024-01-01T00:00:00Z"));
  g_assert_cmpint (state->n_records, ==, count_records (f->source));
  g_assert_cmpuint (state->shards->len, ==, m->shards->len);
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);
      TmFeedShardState *got = tm_feed_state_find_shard (state, s->path);
      g_autofree char *etag = g_strdup_printf ("\"%.16s\"", s->sha256);

      g_assert_nonnull (got);
      g_assert_cmpstr (got->sha256, ==, s->sha256);
      g_assert_cmpint (got->kind, ==, s->kind);
      g_assert_cmpint (got->records, ==, s->records);
      g_assert_cmpstr (got->etag, ==, etag);
      g_assert_cmpstr (got->last_modified, ==, "Mon, 01 Jan 2024 00:00:00 GMT");
    }

  g_assert_true (tm_store_get_feed_state (f->target, NULL, &latest, &error));
  g_assert_cmpstr (latest->url, ==, FEED_URL);
  g_assert_true (tm_store_get_feed_state (f->target, "https://elsewhere/manifest.json", &none, &error));
  g_assert_null (none);
  all = tm_store_list_feeds (f->target, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);
}

/* A database of schema version 1, filled with the sample data by hand,
 * is migrated on open and keeps every record. */
static void
test_migrate_v1 (Fixture *f, gconstpointer data)
{
  static const char * const tables[] = { "brands", "streamers", "accounts", "cooperations", "incidents", "imports" };
  g_autofree char *path = g_build_filename (f->dir, "v1.db", NULL);
  g_autofree char *attach = NULL;
  g_autofree char *want = tm_test_dump_text (f->source);
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmFeedState) state = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, tm_store_migrations[0], NULL, NULL, NULL), ==, SQLITE_OK);
  attach = sqlite3_mprintf ("ATTACH %Q AS src", tm_store_get_path (f->source));
  g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (g_steal_pointer (&attach));
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(GString) cols = g_string_new (NULL);
      sqlite3_stmt *stmt;
      char *sql = sqlite3_mprintf ("SELECT name FROM pragma_table_info (%Q, 'main')", tables[t]);

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (cols, "%s%s", cols->len ? ", " : "", sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      sqlite3_free (sql);
      sql = sqlite3_mprintf ("INSERT INTO main.%s (%s) SELECT %s FROM src.%s", tables[t], cols->str,
                             cols->str, tables[t]);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_free (sql);
    }
  g_assert_cmpint (sqlite3_exec (db, "DETACH src; PRAGMA application_id = 1416447042; "
                                     "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = tm_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tm_store_get_schema_version (store), ==, TM_STORE_SCHEMA_VERSION);
  g_assert_cmpint (TM_STORE_SCHEMA_VERSION, >=, 2);
  got = tm_test_dump_text (store);
  g_assert_cmpstr (got, ==, want);
  g_assert_true (tm_store_get_feed_state (store, NULL, &state, &error));
  g_assert_no_error (error);
  g_assert_null (state);
}

/* Every sync reads the ids of the user's own records to leave them alone.
 * On a store of a million records a table scan there made a one-shard
 * sync take over a second: each table must answer from an index. */
static void
test_local_ids_indexed (Fixture *f, gconstpointer data)
{
  static const char *tables[] = { "brands", "streamers", "cooperations", "incidents" };
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (tm_store_get_path (f->source), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(GString) plan = g_string_new (NULL);
      g_autofree char *index = g_strdup_printf ("INDEX %s_local", tables[t]);
      sqlite3_stmt *stmt;
      char *sql = sqlite3_mprintf ("EXPLAIN QUERY PLAN SELECT id FROM %s WHERE origin = 'local'",
                                   tables[t]);

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      sqlite3_free (sql);
      g_test_message ("%s: %s", tables[t], plan->str);
      /* "SCAN t USING INDEX t_local" walks the local rows only. */
      g_assert_nonnull (strstr (plan->str, index));
    }
  sqlite3_close (db);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_assert_nonnull (sample_dir);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store-feed/migrate-v1", test_migrate_v1);
  ADD ("/store-feed/local-ids-indexed", test_local_ids_indexed);
  ADD ("/store-feed/first-sync", test_first_sync);
  ADD ("/store-feed/unchanged", test_unchanged);
  ADD ("/store-feed/changed-shard", test_changed_shard);
  ADD ("/store-feed/removed", test_removed);
  ADD ("/store-feed/local-wins", test_local_wins);
  ADD ("/store-feed/errors-leave-store", test_errors_leave_store);
  ADD ("/store-feed/removed-streamer-still-referenced", test_removed_streamer_still_referenced);
  ADD ("/store-feed/state", test_state);
  ADD ("/store-feed/shard-by-shard", test_shard_by_shard);
  ADD ("/store-feed/duplicate-across-shards", test_duplicate_across_shards);
#undef ADD

  return g_test_run ();
}
