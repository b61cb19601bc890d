/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-streamer-notes"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "app/core/tm-json.h"
#include "app/core/tm-store-feed.h"
#include "tm-test-utils.h"

/* The user's own data that no sync or import may touch: notes about a
 * streamer, decisions about a streamer for a brand, a brand's saved
 * weights; and one streamer's full records, for the streamer page. */

#define FEED_URL "https://data.example.com/team/manifest.json"

static const char *sample_dir;

typedef struct {
  char    *dir;
  TmStore *store;
} Fixture;

static void
import_sample (TmStore *store)
{
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json", NULL };
  g_auto(GStrv) files = g_new0 (char *, G_N_ELEMENTS (names));
  g_autoptr(GError) error = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    files[i] = g_build_filename (sample_dir, names[i], NULL);
  g_assert_true (tm_store_import_files (store, (const char * const *) files, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("tm-streamer-notes-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "store.db", NULL);
  f->store = tm_store_open (db, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
get_note (TmStore *store, const char *id, gint64 *updated)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (tm_store_get_streamer_note (store, id, &text, updated, &error));
  g_assert_no_error (error);
  return text;
}

static void
set_note (TmStore *store, const char *id, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_store_set_streamer_note (store, id, text, &error));
  g_assert_no_error (error);
}

static void
reopen (Fixture *f)
{
  g_autofree char *path = g_strdup (tm_store_get_path (f->store));
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->store);
  f->store = tm_store_open (path, &error);
  g_assert_no_error (error);
}

/* A streamer of the store with cooperations and incidents that no brand
 * blacklists, so that a dataset without it still holds together. */
static char *
pick_streamer (TmDataset *d)
{
  g_autoptr(GHashTable) blacklisted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) with_incident = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) n_coops = g_hash_table_new (g_str_hash, g_str_equal);
  const char *best = NULL;
  guint best_n = 0;

  for (guint i = 0; i < d->brands->len; i++)
    {
      TmBrand *b = g_ptr_array_index (d->brands, i);

      for (guint j = 0; j < b->blacklist->len; j++)
        g_hash_table_add (blacklisted, g_ptr_array_index (b->blacklist, j));
    }
  for (guint i = 0; i < d->incidents->len; i++)
    g_hash_table_add (with_incident, ((TmIncident *) g_ptr_array_index (d->incidents, i))->streamer_id);
  for (guint i = 0; i < d->cooperations->len; i++)
    {
      const char *id = ((TmCooperation *) g_ptr_array_index (d->cooperations, i))->streamer_id;
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (n_coops, id)) + 1;

      g_hash_table_insert (n_coops, (gpointer) id, GUINT_TO_POINTER (n));
      if (n > best_n && !g_hash_table_contains (blacklisted, id) && g_hash_table_contains (with_incident, id))
        {
          best = id;
          best_n = n;
        }
    }
  g_assert_nonnull (best);
  g_assert_cmpuint (best_n, >=, 2);
  return g_strdup (best);
}

static TmDataset *
dump (TmStore *store)
{
  g_autoptr(GError) error = NULL;
  TmDataset *d = tm_store_dump (store, &error);

  g_assert_no_error (error);
  return d;
}

/* Notes ------------------------------------------------------------------ */

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *none = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *other = NULL;
  g_autofree char *gone = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 updated = -1;

  none = get_note (f->store, "s-000001", &updated);
  g_assert_null (none);
  g_assert_cmpint (updated, ==, 0);

  /* Notes need no streamer: they are kept by id alone. */
  set_note (f->store, "s-000001", "谈过两次，报价偏高。\nAsks for a 30% commission.");
  first = get_note (f->store, "s-000001", &updated);
  g_assert_cmpstr (first, ==, "谈过两次，报价偏高。\nAsks for a 30% commission.");
  g_assert_cmpint (updated, >=, before);
  g_assert_cmpint (updated, <=, g_get_real_time () / G_USEC_PER_SEC);

  set_note (f->store, "s-000002", "other");
  set_note (f->store, "s-000001", "replaced");
  second = get_note (f->store, "s-000001", NULL);
  g_assert_cmpstr (second, ==, "replaced");
  other = get_note (f->store, "s-000002", NULL);
  g_assert_cmpstr (other, ==, "other");

  /* Emptying the text deletes the note, and only that one. */
  set_note (f->store, "s-000001", "");
  gone = get_note (f->store, "s-000001", &updated);
  g_assert_null (gone);
  g_assert_cmpint (updated, ==, 0);
  g_clear_pointer (&other, g_free);
  other = get_note (f->store, "s-000002", NULL);
  g_assert_cmpstr (other, ==, "other");
  set_note (f->store, "s-000002", NULL);
  g_clear_pointer (&other, g_free);
  other = get_note (f->store, "s-000002", NULL);
  g_assert_null (other);
}

static void
test_survive_reopen (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;
  gint64 updated_before, updated_after;

  set_note (f->store, "s-000007", "keep me");
  g_free (get_note (f->store, "s-000007", &updated_before));
  reopen (f);
  text = get_note (f->store, "s-000007", &updated_after);
  g_assert_cmpstr (text, ==, "keep me");
  g_assert_cmpint (updated_after, ==, updated_before);
}

/* Importing a changed version of the streamer, and the whole sample
 * again, leaves the note as it was. */
static void
test_survive_import (Fixture *f, gconstpointer data)
{
  g_autoptr(TmDataset) d = NULL;
  g_autoptr(TmDataset) edit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *renamed = NULL;
  TmImportStats stats = { 0, };
  TmDataset *ds[1];
  const char *names[] = { "edit" };
  gint64 updated_before, updated_after;

  import_sample (f->store);
  d = dump (f->store);
  id = pick_streamer (d);
  set_note (f->store, id, "note before the import");
  g_free (get_note (f->store, id, &updated_before));

  edit = tm_store_dump_kinds (f->store, TM_RECORD_STREAMERS, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < edit->streamers->len; i++)
    {
      TmStreamer *s = g_ptr_array_index (edit->streamers, i);

      if (strcmp (s->id, id) == 0)
        {
          renamed = g_strdup_printf ("%s（新）", s->name);
          g_free (s->name);
          s->name = g_strdup (renamed);
        }
    }
  ds[0] = edit;
  g_assert_true (tm_store_import (f->store, ds, names, 1, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.updated, ==, 1);
  import_sample (f->store);

  text = get_note (f->store, id, &updated_after);
  g_assert_cmpstr (text, ==, "note before the import");
  g_assert_cmpint (updated_after, ==, updated_before);
}

/* What the HTTP client does, without the network: hand over the shards of
 * @feed whose sha256 differs from what @store last applied. */
static void
sync_from (TmStore *store, const char *feed)
{
  g_autoptr(TmFeedManifest) m = tm_test_read_manifest (feed);
  g_autoptr(TmFeedState) state = NULL;
  g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_fetched_shard_free);
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_store_get_feed_state (store, FEED_URL, &state, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < m->shards->len; i++)
    {
      TmFeedShard *s = g_ptr_array_index (m->shards, i);
      TmFeedShardState *old = state ? tm_feed_state_find_shard (state, s->path) : NULL;
      g_autofree char *file = NULL;
      TmDataset *shard;

      if (old != NULL && strcmp (old->sha256, s->sha256) == 0)
        continue;
      file = g_build_filename (feed, s->path, NULL);
      shard = tm_dataset_load_file (file, &error);
      g_assert_no_error (error);
      g_ptr_array_add (fetched, tm_feed_fetched_shard_new (s->path, shard, NULL, NULL));
    }
  g_assert_true (tm_store_apply_feed (store, FEED_URL, m, NULL, NULL, fetched, NULL, &error));
  g_assert_no_error (error);
}

/* Publishes @d (the sample, maybe without a streamer) as the team's feed. */
static void
publish (Fixture *f, TmDataset *d, const char *name)
{
  TmFeedPublishOptions options = { 100, "test", NULL };
  g_autofree char *db = g_strdup_printf ("%s/%s.db", f->dir, name);
  g_autofree char *feed = g_build_filename (f->dir, "feed", NULL);
  g_autoptr(TmStore) source = NULL;
  g_autoptr(GError) error = NULL;
  TmDataset *ds[1] = { d };
  const char *names[] = { name };

  source = tm_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_true (tm_store_import (source, ds, names, 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tm_feed_publish (source, feed, &options, NULL, &error));
  g_assert_no_error (error);
}

static void
drop_streamer (TmDataset *d, const char *id)
{
  for (guint i = d->streamers->len; i-- > 0;)
    if (strcmp (((TmStreamer *) g_ptr_array_index (d->streamers, i))->id, id) == 0)
      g_ptr_array_remove_index (d->streamers, i);
  for (guint i = d->cooperations->len; i-- > 0;)
    if (strcmp (((TmCooperation *) g_ptr_array_index (d->cooperations, i))->streamer_id, id) == 0)
      g_ptr_array_remove_index (d->cooperations, i);
  for (guint i = d->incidents->len; i-- > 0;)
    if (strcmp (((TmIncident *) g_ptr_array_index (d->incidents, i))->streamer_id, id) == 0)
      g_ptr_array_remove_index (d->incidents, i);
}

/* A sync that removes the streamer, then one that brings it back: the
 * note outlives the streamer and is found again. */
static void
test_survive_sync (Fixture *f, gconstpointer data)
{
  g_autoptr(TmStore) publisher = NULL;
  g_autoptr(TmDataset) full = NULL;
  g_autoptr(TmDataset) smaller = NULL;
  g_autoptr(TmStreamer) streamer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *feed = g_build_filename (f->dir, "feed", NULL);
  g_autofree char *publisher_db = g_build_filename (f->dir, "publisher.db", NULL);
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  gint64 updated_before, updated_after;
  guint n_streamers;

  publisher = tm_store_open (publisher_db, &error);
  g_assert_no_error (error);
  import_sample (publisher);
  full = dump (publisher);
  id = pick_streamer (full);

  publish (f, full, "full");
  sync_from (f->store, feed);
  g_assert_true (tm_store_load_streamer (f->store, id, &streamer, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&streamer, tm_streamer_free);
  set_note (f->store, id, "备注：直播间退货率高");
  g_free (get_note (f->store, id, &updated_before));

  smaller = dump (publisher);
  drop_streamer (smaller, id);
  publish (f, smaller, "smaller");
  sync_from (f->store, feed);
  tm_store_count (f->store, NULL, &n_streamers, NULL, NULL);
  g_assert_cmpuint (n_streamers, ==, smaller->streamers->len);
  g_assert_false (tm_store_load_streamer (f->store, id, &streamer, NULL, NULL, &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  text = get_note (f->store, id, &updated_after);
  g_assert_cmpstr (text, ==, "备注：直播间退货率高");
  g_assert_cmpint (updated_after, ==, updated_before);

  publish (f, full, "full-again");
  sync_from (f->store, feed);
  g_assert_true (tm_store_load_streamer (f->store, id, &streamer, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = get_note (f->store, id, &updated_after);
  g_assert_cmpstr (text, ==, "备注：直播间退货率高");
  g_assert_cmpint (updated_after, ==, updated_before);
}

/* One streamer's records ---------------------------------------------------- */

static char *
json_of (JsonNode *node)
{
  char *text = tm_json_node_serialize (node, TRUE, NULL);

  json_node_unref (node);
  return text;
}

static int
compare_by_date_then_id (TmDate a_date, const char *a_id, TmDate b_date, const char *b_id)
{
  if (a_date != b_date)
    return a_date < b_date ? -1 : 1;
  return strcmp (a_id, b_id);
}

static int
compare_cooperations (gconstpointer a, gconstpointer b)
{
  const TmCooperation *x = *(TmCooperation * const *) a;
  const TmCooperation *y = *(TmCooperation * const *) b;

  return compare_by_date_then_id (x->date, x->id, y->date, y->id);
}

static int
compare_incidents (gconstpointer a, gconstpointer b)
{
  const TmIncident *x = *(TmIncident * const *) a;
  const TmIncident *y = *(TmIncident * const *) b;

  return compare_by_date_then_id (x->date, x->id, y->date, y->id);
}

/* Every streamer of the sample, read alone, is what the whole dump holds
 * for it: the same record, and its cooperations and incidents by date. */
static void
test_load_streamer (Fixture *f, gconstpointer data)
{
  g_autoptr(TmDataset) d = NULL;
  g_autoptr(GError) error = NULL;
  guint n_with_history = 0;

  import_sample (f->store);
  d = dump (f->store);
  g_assert_cmpuint (d->streamers->len, >, 0);

  for (guint i = 0; i < d->streamers->len; i++)
    {
      TmStreamer *want = g_ptr_array_index (d->streamers, i);
      g_autoptr(TmStreamer) got = NULL;
      g_autoptr(GPtrArray) coops = NULL;
      g_autoptr(GPtrArray) incidents = NULL;
      g_autoptr(GPtrArray) want_coops = g_ptr_array_new ();
      g_autoptr(GPtrArray) want_incidents = g_ptr_array_new ();
      g_autofree char *want_text = json_of (tm_streamer_to_json_node (want));
      g_autofree char *got_text = NULL;

      g_assert_true (tm_store_load_streamer (f->store, want->id, &got, &coops, &incidents, &error));
      g_assert_no_error (error);
      got_text = json_of (tm_streamer_to_json_node (got));
      g_assert_cmpstr (got_text, ==, want_text);

      for (guint j = 0; j < d->cooperations->len; j++)
        {
          TmCooperation *c = g_ptr_array_index (d->cooperations, j);

          if (strcmp (c->streamer_id, want->id) == 0)
            g_ptr_array_add (want_coops, c);
        }
      for (guint j = 0; j < d->incidents->len; j++)
        {
          TmIncident *inc = g_ptr_array_index (d->incidents, j);

          if (strcmp (inc->streamer_id, want->id) == 0)
            g_ptr_array_add (want_incidents, inc);
        }
      g_ptr_array_sort (want_coops, compare_cooperations);
      g_ptr_array_sort (want_incidents, compare_incidents);

      g_assert_cmpuint (coops->len, ==, want_coops->len);
      for (guint j = 0; j < coops->len; j++)
        {
          g_autofree char *w = json_of (tm_cooperation_to_json_node (g_ptr_array_index (want_coops, j)));
          g_autofree char *g = json_of (tm_cooperation_to_json_node (g_ptr_array_index (coops, j)));

          g_assert_cmpstr (g, ==, w);
        }
      g_assert_cmpuint (incidents->len, ==, want_incidents->len);
      for (guint j = 0; j < incidents->len; j++)
        {
          g_autofree char *w = json_of (tm_incident_to_json_node (g_ptr_array_index (want_incidents, j)));
          g_autofree char *g = json_of (tm_incident_to_json_node (g_ptr_array_index (incidents, j)));

          g_assert_cmpstr (g, ==, w);
        }
      if (coops->len > 1 && incidents->len > 0)
        n_with_history++;
    }
  /* The sample exercises the ordering. */
  g_assert_cmpuint (n_with_history, >, 0);
}

static void
test_load_streamer_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  TmStreamer *s = NULL;
  GPtrArray *coops = NULL;

  import_sample (f->store);
  g_assert_false (tm_store_load_streamer (f->store, "no-such-streamer", &s, &coops, NULL, &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-streamer"));
  g_assert_null (s);
  g_assert_null (coops);
}

/* Decisions and saved weights -------------------------------------------- */

static GPtrArray *
load_decisions (TmStore *store, const char *brand_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *decisions = tm_store_load_decisions (store, brand_id, &error);

  g_assert_no_error (error);
  return decisions;
}

static void
set_decision (TmStore *store, const char *brand, const char *streamer,
              TmDecisionStatus status, const char *note, gint64 decided)
{
  g_autoptr(TmDecision) decision = tm_decision_new (brand, streamer, status, note);
  g_autoptr(GError) error = NULL;

  decision->decided = decided;
  g_assert_true (tm_store_set_decision (store, decision, &error));
  g_assert_no_error (error);
}

/* Set, replace, clear, per brand, newest first, and after a reopen. */
static void
test_decisions_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;
  TmDecision *d;

  import_sample (f->store);
  set_decision (f->store, "b001", "s-000001", TM_DECISION_SHORTLISTED, "先约档期", 1000);
  set_decision (f->store, "b001", "s-000002", TM_DECISION_REJECTED, NULL, 2000);
  set_decision (f->store, "b002", "s-000001", TM_DECISION_CONTACTED, "已发报价", 1500);

  decisions = load_decisions (f->store, "b001");
  g_assert_cmpuint (decisions->len, ==, 2);
  d = g_ptr_array_index (decisions, 0);
  g_assert_cmpstr (d->streamer_id, ==, "s-000002");
  g_assert_cmpint (d->status, ==, TM_DECISION_REJECTED);
  g_assert_null (d->note);
  d = g_ptr_array_index (decisions, 1);
  g_assert_cmpstr (d->note, ==, "先约档期");
  g_assert_cmpint (d->decided, ==, 1000);
  g_clear_pointer (&decisions, g_ptr_array_unref);
  decisions = load_decisions (f->store, NULL);
  g_assert_cmpuint (decisions->len, ==, 3);
  g_clear_pointer (&decisions, g_ptr_array_unref);

  /* A new decision about the same pair replaces the old one. */
  set_decision (f->store, "b001", "s-000001", TM_DECISION_CONTACTED, "谈好了", 3000);
  reopen (f);
  decisions = load_decisions (f->store, "b001");
  g_assert_cmpuint (decisions->len, ==, 2);
  d = g_ptr_array_index (decisions, 0);
  g_assert_cmpstr (d->streamer_id, ==, "s-000001");
  g_assert_cmpint (d->status, ==, TM_DECISION_CONTACTED);
  g_assert_cmpstr (d->note, ==, "谈好了");
  g_clear_pointer (&decisions, g_ptr_array_unref);

  g_assert_true (tm_store_clear_decision (f->store, "b001", "s-000001", &error));
  g_assert_no_error (error);
  /* Clearing what is not there is no error. */
  g_assert_true (tm_store_clear_decision (f->store, "b001", "s-000001", &error));
  g_assert_no_error (error);
  decisions = load_decisions (f->store, "b001");
  g_assert_cmpuint (decisions->len, ==, 1);
}

/* Weights saved for a brand: none, saved, replaced, forgotten. */
static void
test_brand_weights (Fixture *f, gconstpointer data)
{
  const double saved[4] = { 0.5, 0.25, 0.25, 1.5 };
  double read[4];
  gboolean found = TRUE;
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_store_get_brand_weights (f->store, "b001", read, &found, &error));
  g_assert_no_error (error);
  g_assert_false (found);

  g_assert_true (tm_store_set_brand_weights (f->store, "b001", saved, &error));
  g_assert_no_error (error);
  reopen (f);
  g_assert_true (tm_store_get_brand_weights (f->store, "b001", read, &found, &error));
  g_assert_true (found);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (read[i], ==, saved[i]);

  g_assert_true (tm_store_set_brand_weights (f->store, "b001", NULL, &error));
  g_assert_true (tm_store_get_brand_weights (f->store, "b001", read, &found, &error));
  g_assert_false (found);
}

/* Decisions and weights outlive a sync that removes the streamer and one
 * that brings it back; deleting the brand by hand takes them along. */
static void
test_decisions_survive_sync (Fixture *f, gconstpointer data)
{
  g_autoptr(TmStore) publisher = NULL;
  g_autoptr(TmDataset) full = NULL;
  g_autoptr(TmDataset) smaller = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *feed = g_build_filename (f->dir, "feed", NULL);
  g_autofree char *publisher_db = g_build_filename (f->dir, "publisher.db", NULL);
  g_autofree char *id = NULL;
  g_autofree char *brand = NULL;
  const double weights[4] = { 1, 2, 3, 0.5 };
  double read[4];
  gboolean found;

  publisher = tm_store_open (publisher_db, &error);
  g_assert_no_error (error);
  import_sample (publisher);
  full = dump (publisher);
  id = pick_streamer (full);
  brand = g_strdup (((TmBrand *) g_ptr_array_index (full->brands, 0))->id);

  publish (f, full, "full");
  sync_from (f->store, feed);
  set_decision (f->store, brand, id, TM_DECISION_SHORTLISTED, "首选", 1234);
  g_assert_true (tm_store_set_brand_weights (f->store, brand, weights, &error));

  smaller = dump (publisher);
  drop_streamer (smaller, id);
  publish (f, smaller, "smaller");
  sync_from (f->store, feed);
  publish (f, full, "full-again");
  sync_from (f->store, feed);

  decisions = load_decisions (f->store, brand);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((TmDecision *) g_ptr_array_index (decisions, 0))->note, ==, "首选");
  g_assert_cmpint (((TmDecision *) g_ptr_array_index (decisions, 0))->decided, ==, 1234);
  g_clear_pointer (&decisions, g_ptr_array_unref);
  g_assert_true (tm_store_get_brand_weights (f->store, brand, read, &found, &error));
  g_assert_true (found);

  g_assert_true (tm_store_delete_brand (f->store, brand, &error));
  g_assert_no_error (error);
  decisions = load_decisions (f->store, brand);
  g_assert_cmpuint (decisions->len, ==, 0);
  g_assert_true (tm_store_get_brand_weights (f->store, brand, read, &found, &error));
  g_assert_false (found);
}


int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_assert_nonnull (sample_dir);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/streamer-notes/round-trip", test_round_trip);
  ADD ("/streamer-notes/survive-reopen", test_survive_reopen);
  ADD ("/streamer-notes/survive-import", test_survive_import);
  ADD ("/streamer-notes/survive-sync", test_survive_sync);
  ADD ("/decisions/round-trip", test_decisions_round_trip);
  ADD ("/decisions/brand-weights", test_brand_weights);
  ADD ("/decisions/survive-sync-and-go-with-the-brand", test_decisions_survive_sync);
  ADD ("/store/load-streamer/equals-dump", test_load_streamer);
  ADD ("/store/load-streamer/not-found", test_load_streamer_not_found);
#undef ADD

  return g_test_run ();
}
