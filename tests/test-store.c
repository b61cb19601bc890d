/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "tm-generator.h"
#include "tm-json.h"
#include "tm-store.h"
#include "tm-store-schema.h"
#include "tm-test-utils.h"

/* Everything happens below this directory, which is also $XDG_DATA_HOME:
 * the tests never see the user's real data. */
static char *test_root;

/* Helpers --------------------------------------------------------------- */

/* A fresh directory for one test. */
static char *
make_test_dir (void)
{
  g_autofree char *template = g_build_filename (test_root, "store-XXXXXX", NULL);
  char *dir = g_mkdtemp (g_steal_pointer (&template));

  g_assert_nonnull (dir);
  return dir;
}

static char *
db_path_in (const char *dir)
{
  return g_build_filename (dir, "trustmatch.db", NULL);
}

static TmStore *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  TmStore *store = tm_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static char *
file_bytes (const char *path,
            gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_same_bytes (const char *path,
                   const char *before,
                   gsize       before_length)
{
  gsize length;
  g_autofree char *after = file_bytes (path, &length);

  g_assert_cmpmem (before, before_length, after, length);
}

/* Runs one statement on a separate connection, as another program would. */
static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static char *
query_text (TmStore    *store,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (tm_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static gint64
query_int (TmStore    *store,
           const char *sql)
{
  g_autofree char *text = query_text (store, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static void
assert_integrity_ok (TmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = query_text (store, "PRAGMA integrity_check");

  g_assert_cmpstr (result, ==, "ok");
  g_assert_true (tm_store_check_integrity (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
}

static void
assert_digest (TmStore    *store,
               const char *table,
               const char *id,
               const char *expected)
{
  g_autofree char *sql = g_strdup_printf ("SELECT digest FROM %s WHERE id = '%s'", table, id);
  g_autofree char *digest = query_text (store, sql);

  g_assert_cmpstr (digest, ==, expected);
}

/* Each row's digest is the digest of the record it reads back as: what
 * lets a re-import recognise unchanged records. */
static void
assert_digests_match (TmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) dump = tm_store_dump (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < dump->brands->len; i++)
    {
      TmBrand *b = g_ptr_array_index (dump->brands, i);
      g_autofree char *digest = tm_brand_digest (b);
      assert_digest (store, "brands", b->id, digest);
    }
  for (guint i = 0; i < dump->streamers->len; i++)
    {
      TmStreamer *s = g_ptr_array_index (dump->streamers, i);
      g_autofree char *digest = tm_streamer_digest (s);
      assert_digest (store, "streamers", s->id, digest);
    }
  for (guint i = 0; i < dump->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (dump->cooperations, i);
      g_autofree char *digest = tm_cooperation_digest (c);
      assert_digest (store, "cooperations", c->id, digest);
    }
  for (guint i = 0; i < dump->incidents->len; i++)
    {
      TmIncident *inc = g_ptr_array_index (dump->incidents, i);
      g_autofree char *digest = tm_incident_digest (inc);
      assert_digest (store, "incidents", inc->id, digest);
    }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  /* Every record struct starts with its id. */
  return strcmp (**(char * const * const *) a, **(char * const * const *) b);
}

/* The dataset's JSON with each kind ordered by id, as a dump orders it. */
static char *
dataset_text (TmDataset *d)
{
  g_ptr_array_sort (d->brands, compare_ids);
  g_ptr_array_sort (d->streamers, compare_ids);
  g_ptr_array_sort (d->cooperations, compare_ids);
  g_ptr_array_sort (d->incidents, compare_ids);
  return tm_dataset_to_json (d, NULL);
}

static char *
dump_text (TmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) dump = tm_store_dump (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dump);
  return tm_dataset_to_json (dump, NULL);
}

static void
import_ok (TmStore       *store,
           TmDataset     *dataset,
           TmImportStats *stats)
{
  g_autoptr(GError) error = NULL;
  TmDataset *datasets[] = { dataset };
  const char *names[] = { "test.json" };

  g_assert_true (tm_store_import (store, datasets, names, 1, stats, &error));
  g_assert_no_error (error);
}

/* Test data: every field filled, with known and unknown values, doubles
 * that have no short decimal form, Chinese text and empty strings. ------ */

static void
set_provenance (TmProvenance *p,
                guint         i)
{
  p->source = i % TM_N_SOURCES;
  p->observed = tm_date_from_ymd (2023, 1 + i % 12, 1 + i % 28);
  p->basis = i % TM_N_BASES;
}

static void
add_figure_provenance (GArray     *into,
                       const char *field,
                       guint       i)
{
  TmFigureProvenance fp = { g_strdup (field), { 0, } };

  set_provenance (&fp.provenance, i + 5);
  g_array_append_val (into, fp);
}

static void
add_style_tag (GArray     *into,
               const char *tag,
               double      weight)
{
  TmStyleTag t = { g_strdup (tag), weight };
  g_array_append_val (into, t);
}

static void
set_audience (TmAudience *a,
              guint       i)
{
  a->present = TRUE;
  for (guint k = 0; k < TM_N_AGES; k++)
    a->age[k] = 1.0 / TM_N_AGES;
  a->gender[TM_GENDER_FEMALE] = 0.1 * (i % 10) + 0.05;
  a->gender[TM_GENDER_MALE] = 1.0 - a->gender[TM_GENDER_FEMALE];
  for (guint k = 0; k < TM_N_REGIONS; k++)
    a->region[k] = 0.2;
  a->region[0] = 0.1 + 0.2 / 3.0;
  a->region[1] = 0.3 - 0.2 / 3.0;
}

static const char * const categories[] = { "beauty", "apparel", "food", "baby", "digital", "home" };

static TmBrand *
make_brand (const char *prefix,
            guint       i,
            guint       n_streamers)
{
  TmBrand *b = tm_brand_new ();

  b->id = g_strdup_printf ("%sb%03u", prefix, i);
  b->name = g_strdup_printf ("品牌%u号", i);
  b->category = g_strdup (categories[i % G_N_ELEMENTS (categories)]);
  add_style_tag (b->style_tags, "国潮", 0.1 + 0.2);
  add_style_tag (b->style_tags, "minimal", 0.7);
  if (i % 2 == 0)
    set_audience (&b->audience, i);
  b->price_tier = i % TM_N_PRICE_TIERS;
  b->typical_order_price_fen = 9900 + i;
  b->budget_fen = i % 3 == 0 ? TM_UNKNOWN_INT : 50000000 + i;
  b->min_credit_score = i % 2 ? 0.0 : 0.85;
  if (n_streamers > 0)
    g_ptr_array_add (b->blacklist, g_strdup_printf ("%ss%04u", prefix, i % n_streamers));
  g_ptr_array_add (b->competitor_brands, g_strdup ("某竞品"));
  g_ptr_array_add (b->competitor_categories, g_strdup ("beauty"));
  b->exclusivity_days = i % 2 ? 0 : 30;
  b->notes = i % 3 == 0 ? NULL : i % 3 == 1 ? g_strdup ("") : g_strdup ("长期合作\n第二行");
  set_provenance (&b->provenance, i);
  if (i % 2)
    add_figure_provenance (b->figure_provenance, "budget_fen", i);
  return b;
}

static TmStreamer *
make_streamer (const char *prefix,
               guint       i)
{
  TmStreamer *s = tm_streamer_new ();
  TmAccount a1 = { TM_PLATFORM_KUAISHOU, NULL, 1200000 + i };
  TmAccount a2 = { TM_PLATFORM_DOUYIN, NULL, 0 };

  s->id = g_strdup_printf ("%ss%04u", prefix, i);
  s->name = g_strdup_printf ("主播%u", i);
  /* Not in platform order: the store must keep the given order. */
  a1.handle = g_strdup_printf ("ks_%u", i);
  g_array_append_val (s->accounts, a1);
  if (i % 2 == 0)
    {
      a2.handle = g_strdup_printf ("dy_%u", i);
      g_array_append_val (s->accounts, a2);
    }
  g_ptr_array_add (s->categories, g_strdup (categories[i % G_N_ELEMENTS (categories)]));
  g_ptr_array_add (s->categories, g_strdup ("home"));
  add_style_tag (s->style_tags, "亲和", 1.0 / 3.0);
  if (i % 3 != 0)
    set_audience (&s->audience, i + 1);
  if (i % 4 != 0)
    {
      s->credit_platform = TM_PLATFORM_DOUYIN;
      s->credit_score = 4.6 + 0.01 * (i % 10);
      s->credit_scale = 5.0;
    }
  s->verification = i % TM_N_VERIFICATIONS;
  s->engagement_rate = i % 5 == 0 ? NAN : 0.031 + i * 1e-5;
  s->avg_live_viewers = i % 5 == 1 ? TM_UNKNOWN_INT : 3000 + i;
  s->reviews_positive = 10000 + i;
  s->reviews_negative = i % 7 == 0 ? TM_UNKNOWN_INT : 120;
  s->fake_review_share = 0.02;
  s->dispute_resolution_rate = i % 2 ? NAN : 0.93;
  s->repeat_buyer_rate = 0.27;
  s->price_low_fen = i % 6 == 0 ? TM_UNKNOWN_INT : 1990;
  s->price_high_fen = i % 6 == 0 ? TM_UNKNOWN_INT : 29900;
  set_provenance (&s->provenance, i);
  add_figure_provenance (s->figure_provenance, "engagement_rate", i);
  if (i % 2)
    add_figure_provenance (s->figure_provenance, "reviews.fake_share", i + 1);
  return s;
}

static TmCooperation *
make_cooperation (const char *prefix,
                  guint       i,
                  guint       n_streamers,
                  guint       n_brands)
{
  TmCooperation *c = tm_cooperation_new ();

  c->id = g_strdup_printf ("%sc%06u", prefix, i);
  c->streamer_id = g_strdup_printf ("%ss%04u", prefix, i % n_streamers);
  if (n_brands > 0 && i % 4 != 3)
    c->brand_id = g_strdup_printf ("%sb%03u", prefix, i % n_brands);
  else
    {
      c->brand_name = g_strdup_printf ("外部品牌%u", i % 5);
      c->brand_category = g_strdup (categories[i % G_N_ELEMENTS (categories)]);
    }
  c->date = tm_date_from_ymd (2022 + i % 3, 1 + i % 12, 1 + i % 28);
  c->format = i % TM_N_FORMATS;
  c->platform = i % 5 == 0 ? TM_PLATFORM_NONE : i % TM_N_PLATFORMS;
  c->gmv_fen = 1234567 + i * 100;
  c->orders = 300 + i;
  c->fee_fen = 2000000;
  c->commission_fen = i % 2 ? 0 : 123456;
  c->conversion_rate = i % 3 == 0 ? NAN : 0.045;
  c->return_rate = 0.1 + 0.02 * (i % 5);
  c->complaints = i % 4;
  c->rating = i % 6 == 0 ? NAN : 4.8;
  c->notes = i % 2 ? NULL : g_strdup ("复购");
  set_provenance (&c->provenance, i);
  if (i % 3 == 1)
    add_figure_provenance (c->figure_provenance, "gmv_fen", i);
  return c;
}

static TmIncident *
make_incident (const char *prefix,
               guint       i,
               guint       n_streamers)
{
  TmIncident *inc = tm_incident_new ();

  inc->id = g_strdup_printf ("%si%04u", prefix, i);
  inc->streamer_id = g_strdup_printf ("%ss%04u", prefix, (i * 7) % n_streamers);
  inc->date = tm_date_from_ymd (2023, 1 + i % 12, 10);
  inc->kind = i % TM_N_INCIDENT_KINDS;
  inc->severity = 1 + i % 5;
  inc->resolved = i % 2;
  inc->resolution = i % 2 ? g_strdup ("已退款并公开致歉") : NULL;
  inc->description = g_strdup_printf ("事件 %u：宣传与实物不符", i);
  inc->source_url = i % 3 == 0 ? NULL : g_strdup_printf ("https://example.org/news/%u", i);
  set_provenance (&inc->provenance, i);
  if (i % 2 == 0)
    add_figure_provenance (inc->figure_provenance, "severity", i);
  return inc;
}

/* Ids start with @prefix so that datasets with different prefixes do not
 * overlap. */
static TmDataset *
make_dataset (const char *prefix,
              guint       n_brands,
              guint       n_streamers,
              guint       n_cooperations,
              guint       n_incidents)
{
  TmDataset *d = tm_dataset_new ();

  for (guint i = 0; i < n_brands; i++)
    g_ptr_array_add (d->brands, make_brand (prefix, i, n_streamers));
  for (guint i = 0; i < n_streamers; i++)
    g_ptr_array_add (d->streamers, make_streamer (prefix, i));
  for (guint i = 0; i < n_cooperations; i++)
    g_ptr_array_add (d->cooperations, make_cooperation (prefix, i, n_streamers, n_brands));
  for (guint i = 0; i < n_incidents; i++)
    g_ptr_array_add (d->incidents, make_incident (prefix, i, n_streamers));
  return d;
}

static TmDataset *
make_standard_dataset (void)
{
  return make_dataset ("", 6, 20, 80, 10);
}

static TmBrand *
find_brand (TmDataset  *d,
            const char *id)
{
  for (guint i = 0; i < d->brands->len; i++)
    {
      TmBrand *b = g_ptr_array_index (d->brands, i);
      if (g_strcmp0 (b->id, id) == 0)
        return b;
    }
  return NULL;
}

static TmCooperation *
find_cooperation (TmDataset  *d,
                  const char *id)
{
  for (guint i = 0; i < d->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (d->cooperations, i);
      if (g_strcmp0 (c->id, id) == 0)
        return c;
    }
  return NULL;
}

static TmStreamer *
find_streamer (TmDataset  *d,
               const char *id)
{
  for (guint i = 0; i < d->streamers->len; i++)
    {
      TmStreamer *s = g_ptr_array_index (d->streamers, i);
      if (g_strcmp0 (s->id, id) == 0)
        return s;
    }
  return NULL;
}

/* Cooperations of @d linked to the brand @brand_id (all linked ones when
 * NULL). */
static guint
count_linked (TmDataset  *d,
              const char *brand_id)
{
  guint n = 0;

  for (guint i = 0; i < d->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (d->cooperations, i);
      if (c->brand_id != NULL && (brand_id == NULL || strcmp (c->brand_id, brand_id) == 0))
        n++;
    }
  return n;
}

static guint
count_of_streamer (TmDataset  *d,
                   const char *streamer_id)
{
  guint n = 0;

  for (guint i = 0; i < d->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (d->cooperations, i);
      if (strcmp (c->streamer_id, streamer_id) == 0)
        n++;
    }
  return n;
}

/* Opening --------------------------------------------------------------- */

static void
test_open_creates_schema (void)
{
  g_autofree char *path = tm_store_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *expected = g_build_filename (test_root, "trustmatch", "trustmatch.db", NULL);
  g_autoptr(TmStore) store = NULL;
  g_autofree char *journal_mode = NULL;
  GStatBuf st;

  /* The default path follows $XDG_DATA_HOME, set to the test root. */
  g_assert_cmpstr (path, ==, expected);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  store = open_ok (NULL);
  g_assert_cmpstr (tm_store_get_path (store), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_assert_cmpint (tm_store_get_schema_version (store), ==, TM_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), ==, TM_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (store, "PRAGMA application_id"), ==, TM_STORE_APPLICATION_ID);
  journal_mode = query_text (store, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");
  g_assert_cmpint (query_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (store, "PRAGMA synchronous"), ==, 2);  /* FULL */
  g_assert_cmpint (query_int (store,
                              "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                              "('brands', 'streamers', 'accounts', 'cooperations', 'incidents', 'imports')"),
                   ==, 6);
  g_assert_true (tm_store_is_empty (store));
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
test_open_reopen_keeps_data (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autofree char *expected = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  TmStore *store;

  store = open_ok (path);
  import_ok (store, dataset, NULL);
  first = dump_text (store);
  g_object_unref (store);

  /* Closing checkpoints the WAL: everything is in the main file. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  store = open_ok (path);
  g_assert_false (tm_store_is_empty (store));
  second = dump_text (store);
  g_assert_cmpstr (first, ==, second);
  expected = dataset_text (dataset);
  g_assert_cmpstr (second, ==, expected);
  assert_integrity_ok (store);
  g_object_unref (store);

  tm_test_remove_tree (dir);
}

static void
test_open_migrates_version_0 (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmDataset) dataset = make_standard_dataset ();

  /* An existing, empty SQLite file at version 0 (e.g. a first run that
   * was interrupted right after the file was created). */
  raw_exec (path, "CREATE TABLE t (x); DROP TABLE t;");
  store = open_ok (path);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), ==, TM_STORE_SCHEMA_VERSION);
  g_assert_cmpint (tm_store_get_schema_version (store), ==, TM_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (store, "PRAGMA application_id"), ==, TM_STORE_APPLICATION_ID);

  /* The migrated schema works. */
  import_ok (store, dataset, NULL);
  assert_integrity_ok (store);
  g_clear_object (&store);

  /* Opening again runs no migration and keeps the data. */
  store = open_ok (path);
  g_assert_false (tm_store_is_empty (store));
  g_clear_object (&store);

  tm_test_remove_tree (dir);
}

static void
test_open_refuses_newer (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", TM_STORE_SCHEMA_VERSION + 1);
  gsize length;

  store = open_ok (path);
  import_ok (store, dataset, NULL);
  g_clear_object (&store);
  /* What a future TrustMatch would leave behind. */
  raw_exec (path, bump);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  bytes = file_bytes (path, &length);

  store = tm_store_open (path, &error);
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, path));

  assert_same_bytes (path, bytes, length);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  tm_test_remove_tree (dir);
}

static void
test_open_refuses_not_sqlite (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *texts[] = {
    "hello",
    /* Longer than a SQLite header, but not one. */
    "This is a text file that someone saved as trustmatch.db by mistake.\n"
    "It must survive TrustMatch starting up.\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_assert_true (g_file_set_contents (path, texts[i], -1, NULL));

      store = tm_store_open (path, &error);
      g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_CORRUPT);
      g_assert_null (store);
      /* The message names the file and says what to do. */
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, "Move"));
      g_test_message ("%s", error->message);
  g_clear_error (&error);

      assert_same_bytes (path, texts[i], strlen (texts[i]));
    }

  tm_test_remove_tree (dir);
}

static void
test_open_refuses_foreign_sqlite (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *programs[] = {
    /* Another program that marks its files. */
    "PRAGMA application_id = 1234; CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT);"
    "INSERT INTO messages (body) VALUES ('keep me');",
    /* One that does not, with a table named like ours. */
    "CREATE TABLE brands (name TEXT); INSERT INTO brands VALUES ('theirs');",
  };

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *bytes = NULL;
      gsize length;

      g_remove (path);
      raw_exec (path, programs[i]);
      bytes = file_bytes (path, &length);

      store = tm_store_open (path, &error);
      g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_CORRUPT);
      g_assert_null (store);
      g_assert_nonnull (strstr (error->message, path));
      g_test_message ("%s", error->message);
  g_clear_error (&error);

      assert_same_bytes (path, bytes, length);
    }

  tm_test_remove_tree (dir);
}

static void
test_open_refuses_damaged (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize length;

  store = open_ok (path);
  import_ok (store, dataset, NULL);
  g_clear_object (&store);

  /* Keep the 100-byte file header, scribble over the rest of the first
   * page (the schema). */
  bytes = file_bytes (path, &length);
  g_assert_cmpuint (length, >, 4096);
  memset (bytes + 100, 0xa5, 4096 - 100);
  g_assert_true (g_file_set_contents (path, bytes, length, NULL));

  store = tm_store_open (path, &error);
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_CORRUPT);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, path));
  assert_same_bytes (path, bytes, length);

  tm_test_remove_tree (dir);
}

/* Importing ------------------------------------------------------------- */

static void
test_import_round_trip (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  TmImportStats stats = { 0, };
  guint n_brands, n_streamers, n_cooperations, n_incidents;

  import_ok (store, dataset, &stats);
  g_assert_cmpuint (stats.added, ==, tm_dataset_n_records (dataset));
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.unchanged, ==, 0);

  tm_store_count (store, &n_brands, &n_streamers, &n_cooperations, &n_incidents);
  g_assert_cmpuint (n_brands, ==, dataset->brands->len);
  g_assert_cmpuint (n_streamers, ==, dataset->streamers->len);
  g_assert_cmpuint (n_cooperations, ==, dataset->cooperations->len);
  g_assert_cmpuint (n_incidents, ==, dataset->incidents->len);

  expected = dataset_text (dataset);
  actual = dump_text (store);
  g_assert_cmpstr (actual, ==, expected);

  /* Known brands are linked, so the catalog can join on ix; the copied
   * name is the brand's. */
  g_assert_cmpint (query_int (store,
                              "SELECT count(*) FROM cooperations c JOIN brands b ON b.ix = c.brand "
                              "WHERE c.brand_name = b.name AND c.brand_category = b.category"),
                   ==, count_linked (dataset, NULL));
  g_assert_cmpint (count_linked (dataset, NULL), >, 0);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM cooperations WHERE brand IS NULL"),
                   ==, dataset->cooperations->len - count_linked (dataset, NULL));
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM brands WHERE origin <> 'import'"), ==, 0);
  assert_digests_match (store);
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
test_import_again_unchanged (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_after = NULL;
  const char *rows_sql =
    "SELECT group_concat(ix || ':' || digest, ',') FROM (SELECT ix, digest FROM cooperations "
    "UNION ALL SELECT ix, digest FROM streamers UNION ALL SELECT ix, digest FROM brands "
    "UNION ALL SELECT ix, digest FROM incidents)";
  TmImportStats stats = { 0, };

  import_ok (store, dataset, &stats);
  first = dump_text (store);
  rows_before = query_text (store, rows_sql);

  import_ok (store, dataset, &stats);
  g_assert_cmpuint (stats.added, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.unchanged, ==, tm_dataset_n_records (dataset));

  second = dump_text (store);
  g_assert_cmpstr (first, ==, second);
  rows_after = query_text (store, rows_sql);
  g_assert_cmpstr (rows_before, ==, rows_after);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 2);
  g_assert_cmpint (query_int (store, "SELECT unchanged FROM imports ORDER BY ix DESC LIMIT 1"),
                   ==, tm_dataset_n_records (dataset));
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

/* One record of each kind in a new store: every row gets ix 1, which is
 * also the last rowid inserted into the table before; all are added. */
static void
test_import_counts_single_rows (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_dataset ("", 1, 1, 1, 1);
  TmImportStats stats = { 0, };

  g_assert_cmpuint (tm_dataset_n_records (dataset), ==, 4);
  import_ok (store, dataset, &stats);
  g_assert_cmpuint (stats.added, ==, 4);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.unchanged, ==, 0);
}

static void
test_import_update_one (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  TmImportStats stats = { 0, };
  TmCooperation *c;
  TmStreamer *s;
  TmAccount account = { TM_PLATFORM_XIAOHONGSHU, NULL, 42 };
  guint n = tm_dataset_n_records (dataset);

  import_ok (store, dataset, &stats);

  /* One field of one cooperation. */
  c = find_cooperation (dataset, "c000010");
  g_assert_nonnull (c);
  c->return_rate = 0.5;
  import_ok (store, dataset, &stats);
  g_assert_cmpuint (stats.added, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_assert_cmpuint (stats.unchanged, ==, n - 1);
  expected = dataset_text (dataset);
  actual = dump_text (store);
  g_assert_cmpstr (actual, ==, expected);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&actual, g_free);

  /* A streamer's accounts: the rows are replaced, in the new order, and
   * the streamer's cooperations stay attached. */
  s = find_streamer (dataset, "s0004");
  g_assert_nonnull (s);
  g_array_remove_index (s->accounts, 0);
  account.handle = g_strdup ("xhs_4");
  g_array_prepend_val (s->accounts, account);
  import_ok (store, dataset, &stats);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_assert_cmpuint (stats.unchanged, ==, n - 1);
  expected = dataset_text (dataset);
  actual = dump_text (store);
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpint (query_int (store,
                              "SELECT count(*) FROM cooperations c JOIN streamers s ON s.ix = c.streamer "
                              "WHERE s.id = 's0004'"),
                   ==, count_of_streamer (dataset, "s0004"));
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
test_import_several_datasets (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) records = make_standard_dataset ();
  g_autoptr(TmDataset) brands = tm_dataset_new ();
  g_autoptr(TmDataset) streamers = tm_dataset_new ();
  g_autoptr(TmDataset) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  TmImportStats stats = { 0, };
  TmDataset *datasets[3];
  const char *names[] = { "records.json", "brands.json", "streamers.json" };

  /* Brands and streamers come in later files than the cooperations and
   * incidents that name them: references are resolved across the whole
   * import, whatever the order of the files. */
  g_ptr_array_extend_and_steal (brands->brands, g_steal_pointer (&records->brands));
  records->brands = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_brand_free);
  g_ptr_array_extend_and_steal (streamers->streamers, g_steal_pointer (&records->streamers));
  records->streamers = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_streamer_free);
  datasets[0] = records;
  datasets[1] = brands;
  datasets[2] = streamers;
  g_assert_true (tm_store_import (store, datasets, names, 3, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, tm_dataset_n_records (records) + tm_dataset_n_records (brands)
                                     + tm_dataset_n_records (streamers));

  all = make_standard_dataset ();
  expected = dataset_text (all);
  actual = dump_text (store);
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM cooperations WHERE brand IS NOT NULL"),
                   ==, count_linked (all, NULL));
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
test_import_bad_reference (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autoptr(TmDataset) more = make_dataset ("x", 2, 3, 5, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TmCooperation *c = g_ptr_array_index (more->cooperations, 4);
  TmDataset *datasets[] = { more };
  const char *names[] = { "more.json" };

  import_ok (store, dataset, NULL);
  before = dump_text (store);

  /* References may point into the store (s0001 is there)… */
  g_free (c->streamer_id);
  c->streamer_id = g_strdup ("s0001");
  g_assert_true (tm_store_import (store, datasets, names, 1, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&before, g_free);
  before = dump_text (store);

  /* …but not to a streamer nobody knows; then nothing is written, not
   * even the records before the bad one. */
  g_free (c->streamer_id);
  c->streamer_id = g_strdup ("nobody");
  ((TmBrand *) g_ptr_array_index (more->brands, 0))->typical_order_price_fen = 1;
  g_assert_false (tm_store_import (store, datasets, names, 1, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "more.json"));
  g_assert_nonnull (strstr (error->message, "nobody"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  after = dump_text (store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 2);
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
test_import_duplicate_across_files (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) base = make_dataset ("base", 2, 3, 4, 1);
  g_autoptr(TmDataset) a = make_dataset ("a", 2, 3, 4, 1);
  g_autoptr(TmDataset) b = make_dataset ("b", 2, 3, 4, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TmDataset *datasets[] = { a, b };
  const char *names[] = { "first.json", "second.json" };
  TmIncident *dup;

  import_ok (store, base, NULL);
  before = dump_text (store);

  /* The same incident id in both files: which one would win is
   * arbitrary, so the import is refused. */
  dup = make_incident ("b", 0, 3);
  g_free (dup->id);
  dup->id = g_strdup ("ai0000");
  g_ptr_array_add (b->incidents, dup);

  g_assert_false (tm_store_import (store, datasets, names, 2, NULL, &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "first.json"));
  g_assert_nonnull (strstr (error->message, "second.json"));
  g_assert_nonnull (strstr (error->message, "ai0000"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  after = dump_text (store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 1);
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
test_import_rolls_back_midway (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autoptr(TmDataset) changed = make_standard_dataset ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TmCooperation *bad;
  TmBrand *renamed;
  TmDataset *datasets[] = { changed };
  const char *names[] = { "changed.json" };

  import_ok (store, dataset, NULL);
  before = dump_text (store);

  /* A dataset that reaches the store without the JSON reader's checks
   * (it is built here in C): brands, streamers and most cooperations are
   * fine and are written first, then one cooperation breaks the table's
   * CHECK (gmv_fen >= 0).  Everything already written must go. */
  renamed = find_brand (changed, "b002");
  g_free (renamed->name);
  renamed->name = g_strdup ("改名");
  find_streamer (changed, "s0003")->reviews_positive = 1;
  g_ptr_array_add (changed->brands, make_brand ("new", 1, 0));
  g_ptr_array_add (changed->streamers, make_streamer ("new", 1));
  find_cooperation (changed, "c000001")->orders = 1;
  bad = find_cooperation (changed, "c000070");
  bad->gmv_fen = -5;

  g_assert_false (tm_store_import (store, datasets, names, 1, NULL, &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "c000070"));
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  after = dump_text (store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 1);
  /* The copied brand names were not touched either. */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM cooperations WHERE brand_name = '改名'"), ==, 0);
  assert_integrity_ok (store);

  /* The store still works after the failure. */
  bad->gmv_fen = 5;
  import_ok (store, changed, NULL);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM cooperations WHERE brand_name = '改名'"),
                   ==, count_linked (changed, "b002"));

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

/* Large imports take another path (the secondary indexes are rebuilt
 * rather than updated row by row); the result must be the same. */
static void
test_import_bulk (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_dataset ("", 10, 500, 50000, 20);
  g_autoptr(TmDataset) more = make_dataset ("x", 2, 50, 55000, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *schema_sql = NULL;
  g_autofree char *schema_before = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TmCooperation *last = g_ptr_array_index (more->cooperations, more->cooperations->len - 1);
  TmDataset *datasets[] = { more };
  const char *names[] = { "more.json" };
  TmImportStats stats = { 0, };

  schema_sql = g_strdup ("SELECT group_concat (name || ': ' || coalesce (sql, ''), '\n') FROM "
                         "(SELECT name, sql FROM sqlite_master ORDER BY name)");
  schema_before = query_text (store, schema_sql);

  import_ok (store, dataset, &stats);
  g_assert_cmpuint (stats.added, ==, tm_dataset_n_records (dataset));
  schema_after = query_text (store, schema_sql);
  g_assert_cmpstr (schema_after, ==, schema_before);
  expected = dataset_text (dataset);
  before = dump_text (store);
  g_assert_cmpstr (before, ==, expected);
  /* The rebuilt index answers for the streamer's cooperations. */
  g_assert_cmpint (query_int (store,
                              "SELECT count(*) FROM cooperations INDEXED BY cooperations_by_streamer "
                              "WHERE streamer = (SELECT ix FROM streamers WHERE id = 's0007')"),
                   ==, count_of_streamer (dataset, "s0007"));
  assert_integrity_ok (store);

  /* A large import that fails at its very last row: the indexes it
   * dropped are back and nothing else changed. */
  last->complaints = -1;
  g_assert_false (tm_store_import (store, datasets, names, 1, NULL, &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_clear_pointer (&schema_after, g_free);
  schema_after = query_text (store, schema_sql);
  g_assert_cmpstr (schema_after, ==, schema_before);
  after = dump_text (store);
  g_assert_cmpstr (after, ==, before);
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

/* The two failures a user can meet in practice: another program holds
 * the write lock, or the disk fills up.  Both are reported with what to
 * do, and leave the store as it was. */
static void
test_import_locked_or_full (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_dataset ("", 3, 10, 20, 2);
  g_autoptr(TmDataset) big = make_dataset ("big", 10, 200, 3000, 10);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *limit = NULL;
  TmDataset *datasets[] = { big };
  const char *names[] = { "big.json" };
  sqlite3 *other = NULL;

  import_ok (store, dataset, NULL);
  before = dump_text (store);

  /* Locked: the store waits (here briefly) and then gives up. */
  g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (tm_store_get_db (store), 50);
  g_assert_false (tm_store_import (store, datasets, names, 1, NULL, &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Another program"));
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (other), ==, SQLITE_OK);

  /* Full: the file may not grow past a few more pages. */
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                           query_int (store, "PRAGMA page_count") + 4);
  g_assert_cmpint (sqlite3_exec (tm_store_get_db (store), limit, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (tm_store_import (store, datasets, names, 1, NULL, &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  after = dump_text (store);
  g_assert_cmpstr (after, ==, before);
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
write_dataset_file (TmDataset  *dataset,
                    const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_dataset_save_file (dataset, path, &error));
  g_assert_no_error (error);
}

static void
test_import_files (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autofree char *good = g_build_filename (dir, "good.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autoptr(TmDataset) other = make_dataset ("o", 1, 2, 2, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *files = NULL;
  TmImportStats stats = { 0, };
  const char *good_then_bad[] = { good, bad, NULL };
  const char *good_only[] = { good, NULL };

  write_dataset_file (other, good);
  import_ok (store, dataset, NULL);
  before = dump_text (store);

  /* A truncated second file: the first is not imported either. */
  g_assert_true (g_file_set_contents (bad, "{\"format\": \"trustmatch-dataset\", ", -1, NULL));
  g_assert_false (tm_store_import_files (store, good_then_bad, &stats, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "bad.json"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  after = dump_text (store);
  g_assert_cmpstr (before, ==, after);

  g_assert_true (tm_store_import_files (store, good_only, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, tm_dataset_n_records (other));
  files = query_text (store, "SELECT files FROM imports ORDER BY ix DESC LIMIT 1");
  g_assert_cmpstr (files, ==, good);

  /* The store now holds both datasets. */
  tm_dataset_take_all (dataset, other);
  expected = dataset_text (dataset);
  g_clear_pointer (&after, g_free);
  after = dump_text (store);
  g_assert_cmpstr (after, ==, expected);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

/* The error tm_dataset_load_file gives for @path alone. */
static GError *
load_error (const char *path)
{
  g_autoptr(TmDataset) d = NULL;
  GError *error = NULL;

  d = tm_dataset_load_file (path, &error);
  g_assert_null (d);
  g_assert_nonnull (error);
  return error;
}

static void
assert_import_fails_as (TmStore            *store,
                        const char * const *paths,
                        const GError       *expected,
                        const char         *unchanged)
{
  /* Files are read on several threads: the same error every time. */
  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      g_assert_false (tm_store_import_files (store, paths, NULL, &error));
      g_assert_error (error, expected->domain, expected->code);
      g_assert_cmpstr (error->message, ==, expected->message);
      after = dump_text (store);
      g_assert_cmpstr (after, ==, unchanged);
    }
}

/* A generated dataset written to @dir/gen: brands.json, streamers.json,
 * cooperations.json, incidents.json (in that order in @paths). */
static GPtrArray *
write_generated (const char *dir)
{
  g_autofree char *gen = g_build_filename (dir, "gen", NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  TmGeneratorOptions options;

  tm_generator_options_init (&options, 150, 3);
  g_assert_true (tm_generator_write (&options, gen, 0, paths, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (paths->len, ==, 4);
  return paths;
}

/* Several bad files: the one reported is the first bad one in argument
 * order, as if the files were read one after the other, even when a later
 * one is bigger (read first) and fails sooner. */
static void
test_import_files_first_bad (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autofree char *late = g_build_filename (dir, "bad-late.json", NULL);
  g_autofree char *early = g_build_filename (dir, "bad-early-but-big.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autoptr(GPtrArray) gen = write_generated (dir);
  const char *brands = g_ptr_array_index (gen, 0);
  const char *streamers = g_ptr_array_index (gen, 1);
  const char *cooperations = g_ptr_array_index (gen, 2);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) standard = make_standard_dataset ();
  g_autoptr(GString) big = g_string_new ("[1,]");
  g_autoptr(GString) text = NULL;
  g_autoptr(GError) late_error = NULL;
  g_autoptr(GError) early_error = NULL;
  g_autoptr(GError) missing_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *raw = NULL;
  gsize length;
  const char *order1[] = { brands, late, streamers, early, missing, NULL };
  const char *order2[] = { brands, early, late, streamers, NULL };
  const char *order3[] = { brands, missing, early, late, NULL };
  const char *order4[] = { late, brands, NULL };
  char *at;

  import_ok (store, standard, NULL);
  before = dump_text (store);

  /* Bad only in its last cooperation: found after the whole file is
   * parsed. */
  g_assert_true (g_file_get_contents (cooperations, &raw, &length, &error));
  g_assert_no_error (error);
  at = g_strrstr (raw, "\"orders\": ");
  g_assert_nonnull (at);
  at += strlen ("\"orders\": ");
  text = g_string_new_len (raw, length);
  g_string_insert_c (text, at - raw, '-');
  g_assert_true (g_file_set_contents (late, text->str, text->len, &error));
  g_assert_no_error (error);

  /* Bad in its first bytes, and bigger than all the others. */
  while (big->len < 2 * length)
    g_string_append (big, "                                        \n");
  g_assert_true (g_file_set_contents (early, big->str, big->len, &error));
  g_assert_no_error (error);

  late_error = load_error (late);
  early_error = load_error (early);
  missing_error = load_error (missing);
  g_assert_error (late_error, TM_JSON_ERROR, TM_JSON_ERROR_INVALID);
  g_assert_error (early_error, TM_JSON_ERROR, TM_JSON_ERROR_SYNTAX);
  g_assert_error (missing_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  assert_import_fails_as (store, order1, late_error, before);
  assert_import_fails_as (store, order2, early_error, before);
  assert_import_fails_as (store, order3, missing_error, before);
  assert_import_fails_as (store, order4, late_error, before);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

/* Reading on several threads gives the datasets in argument order: the
 * same record in two files is reported naming the files as reading them
 * one by one does, and a good import stores what that would. */
static void
test_import_files_keep_order (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autofree char *path2 = g_build_filename (dir, "sequential.db", NULL);
  g_autofree char *dup = g_build_filename (dir, "again.json", NULL);
  g_autoptr(GPtrArray) gen = write_generated (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmStore) sequential = open_ok (path2);
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_dataset_free);
  g_autoptr(TmDataset) incidents = NULL;
  g_autoptr(TmDataset) small = tm_dataset_new ();
  g_autoptr(GError) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  TmImportStats stats = { 0, }, want_stats = { 0, };
  const char *with_dup[6];

  /* A small file holding the last incident again, given first: it is
   * read last but must still come first. */
  incidents = tm_dataset_load_file (g_ptr_array_index (gen, 3), &error);
  g_assert_no_error (error);
  g_ptr_array_add (small->incidents, g_ptr_array_steal_index (incidents->incidents,
                                                              incidents->incidents->len - 1));
  write_dataset_file (small, dup);
  with_dup[0] = dup;
  for (guint i = 0; i < 4; i++)
    with_dup[i + 1] = g_ptr_array_index (gen, i);
  with_dup[5] = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_ptr_array_add (datasets, tm_dataset_load_file (with_dup[i], &error));
      g_assert_no_error (error);
    }
  g_assert_false (tm_store_import (sequential, (TmDataset * const *) datasets->pdata, with_dup,
                                   5, NULL, &expected));
  g_assert_error (expected, TM_STORE_ERROR, TM_STORE_ERROR_DUPLICATE);
  for (guint round = 0; round < 5; round++)
    {
      g_assert_false (tm_store_import_files (store, with_dup, NULL, &error));
      g_assert_error (error, expected->domain, expected->code);
      g_assert_cmpstr (error->message, ==, expected->message);
      g_clear_error (&error);
    }

  /* Without the repeated incident. */
  g_assert_true (tm_store_import (sequential, (TmDataset * const *) datasets->pdata + 1,
                                  with_dup + 1, 4, &want_stats, &error));
  g_assert_no_error (error);
  g_assert_true (tm_store_import_files (store, with_dup + 1, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, want_stats.added);
  g_assert_cmpuint (stats.added, >, 1000);
  want = dump_text (sequential);
  got = dump_text (store);
  g_assert_cmpstr (got, ==, want);

  g_clear_object (&store);
  g_clear_object (&sequential);
  tm_test_remove_tree (dir);
}

/* Seeding --------------------------------------------------------------- */

static void
test_seed_if_empty (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autofree char *sample = g_build_filename (dir, "sample", NULL);
  g_autofree char *file1 = g_build_filename (sample, "10-streamers.json", NULL);
  g_autofree char *file2 = g_build_filename (sample, "20-brands.json", NULL);
  g_autofree char *file3 = g_build_filename (sample, "30-later.json", NULL);
  g_autofree char *readme = g_build_filename (sample, "README.txt", NULL);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) streamers = make_dataset ("", 0, 5, 6, 2);
  g_autoptr(TmDataset) brands = make_dataset ("", 3, 0, 0, 0);
  g_autoptr(TmDataset) later = make_dataset ("late", 1, 1, 1, 0);
  g_autoptr(TmDataset) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *files = NULL;
  gboolean seeded = FALSE;

  /* The cooperations of the first file name brands of the second. */
  for (guint i = 0; i < streamers->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (streamers->cooperations, i);
      g_clear_pointer (&c->brand_name, g_free);
      g_clear_pointer (&c->brand_category, g_free);
      c->brand_id = g_strdup_printf ("b%03u", i % 3);
    }
  g_assert_cmpint (g_mkdir (sample, 0700), ==, 0);
  write_dataset_file (streamers, file1);
  write_dataset_file (brands, file2);
  g_assert_true (g_file_set_contents (readme, "not a dataset", -1, NULL));

  g_assert_true (tm_store_seed_if_empty (store, sample, &seeded, &error));
  g_assert_no_error (error);
  g_assert_true (seeded);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 1);
  files = query_text (store, "SELECT files FROM imports");
  expected = g_strjoin ("\n", file1, file2, NULL);
  g_assert_cmpstr (files, ==, expected);
  g_clear_pointer (&expected, g_free);

  all = make_dataset ("", 0, 5, 6, 2);
  tm_dataset_take_all (all, brands);
  for (guint i = 0; i < all->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (all->cooperations, i);
      g_clear_pointer (&c->brand_name, g_free);
      g_clear_pointer (&c->brand_category, g_free);
      c->brand_id = g_strdup_printf ("b%03u", i % 3);
    }
  expected = dataset_text (all);
  first = dump_text (store);
  g_assert_cmpstr (first, ==, expected);

  /* Not empty any more: a second start does not import again, even with
   * new files in the sample folder. */
  write_dataset_file (later, file3);
  g_assert_true (tm_store_seed_if_empty (store, sample, &seeded, &error));
  g_assert_no_error (error);
  g_assert_false (seeded);
  second = dump_text (store);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 1);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

/* The bundled sample data, when present: seeds, round-trips, and
 * re-importing it changes nothing (the README's promise). */
static void
test_seed_sample_data (void)
{
  const char *sample = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(TmDataset) all = NULL;
  TmImportStats stats = { 0, };
  gboolean seeded = FALSE;
  const char *name;
  guint n_brands, n_streamers;

  if (sample == NULL || !(d = g_dir_open (sample, 0, NULL)))
    {
      g_test_skip ("TRUSTMATCH_SAMPLE_DIR is not set or not readable");
      tm_test_remove_tree (dir);
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (files, g_build_filename (sample, name, NULL));
  if (files->len == 0)
    {
      g_test_skip ("no sample data yet");
      tm_test_remove_tree (dir);
      return;
    }
  g_ptr_array_add (files, NULL);

  store = open_ok (path);
  g_assert_true (tm_store_seed_if_empty (store, sample, &seeded, &error));
  g_assert_no_error (error);
  g_assert_true (seeded);
  tm_store_count (store, &n_brands, &n_streamers, NULL, NULL);
  g_assert_cmpuint (n_brands, >, 0);
  g_assert_cmpuint (n_streamers, >, 0);
  first = dump_text (store);

  g_assert_true (tm_store_import_files (store, (const char * const *) files->pdata, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.unchanged, >, 0);
  second = dump_text (store);
  g_assert_cmpstr (first, ==, second);
  assert_integrity_ok (store);

  /* What the store holds is exactly what the files say (the dataset
   * header, description and the synthetic flag, is not stored). */
  all = tm_dataset_new ();
  for (guint i = 0; i < files->len - 1; i++)
    {
      g_autoptr(TmDataset) one = tm_dataset_load_file (g_ptr_array_index (files, i), &error);

      g_assert_no_error (error);
      tm_dataset_take_all (all, one);
    }
  expected = dataset_text (all);
  g_assert_cmpstr (first, ==, expected);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

/* Single edits ---------------------------------------------------------- */

static void
test_brand_put_delete (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autoptr(TmBrand) local = make_brand ("local", 7, 0);
  g_autoptr(TmBrand) edited = NULL;
  g_autoptr(GPtrArray) brands = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  import_ok (store, dataset, NULL);

  /* A new brand entered by hand. */
  g_assert_true (tm_store_put_brand (store, local, &error));
  g_assert_no_error (error);
  brands = tm_store_load_brands (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (brands->len, ==, 7);
  g_assert_cmpstr (((TmBrand *) g_ptr_array_index (brands, 6))->id, ==, "localb007");
  origin = query_text (store, "SELECT origin FROM brands WHERE id = 'localb007'");
  g_assert_cmpstr (origin, ==, "local");
  g_clear_pointer (&brands, g_ptr_array_unref);

  /* Editing an imported brand renames it in its cooperations too. */
  edited = tm_brand_copy (find_brand (dataset, "b001"));
  g_free (edited->name);
  edited->name = g_strdup ("新名字");
  g_assert_true (tm_store_put_brand (store, edited, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM cooperations WHERE brand_name = '新名字'"),
                   ==, query_int (store, "SELECT count(*) FROM cooperations c JOIN brands b ON b.ix = c.brand "
                                         "WHERE b.id = 'b001'"));
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM cooperations WHERE brand_name = '新名字'"),
                   ==, count_linked (dataset, "b001"));
  brands = tm_store_load_brands (store, &error);
  g_assert_cmpstr (((TmBrand *) g_ptr_array_index (brands, 1))->name, ==, "新名字");
  g_clear_pointer (&brands, g_ptr_array_unref);

  /* An edit is checked like a file: a negative price is refused. */
  before = dump_text (store);
  edited->typical_order_price_fen = -100;
  g_assert_false (tm_store_put_brand (store, edited, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "typical_order_price_fen"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  edited->typical_order_price_fen = 100;
  after = dump_text (store);
  g_assert_cmpstr (after, ==, before);

  /* A blacklist of known streamers is kept... */
  g_ptr_array_set_size (edited->blacklist, 0);
  g_ptr_array_add (edited->blacklist,
                   g_strdup (((TmStreamer *) g_ptr_array_index (dataset->streamers, 0))->id));
  g_assert_true (tm_store_put_brand (store, edited, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM brands WHERE id = 'b001' AND blacklist <> ''"),
                   ==, 1);

  /* ...and one that also names an unknown streamer is refused. */
  g_ptr_array_add (edited->blacklist, g_strdup ("ghost"));
  g_assert_false (tm_store_put_brand (store, edited, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "ghost"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Deleting. */
  g_assert_false (tm_store_delete_brand (store, "no-such-brand", &error));
  g_assert_error (error, TM_STORE_ERROR, TM_STORE_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_true (tm_store_delete_brand (store, "localb007", &error));
  g_assert_no_error (error);
  brands = tm_store_load_brands (store, &error);
  g_assert_cmpuint (brands->len, ==, 6);
  assert_digests_match (store);
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

static void
test_brand_delete_keeps_cooperations (void)
{
  g_autofree char *dir = make_test_dir ();
  g_autofree char *path = db_path_in (dir);
  g_autoptr(TmStore) store = open_ok (path);
  g_autoptr(TmDataset) dataset = make_standard_dataset ();
  g_autoptr(TmDataset) dump = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  TmImportStats stats = { 0, };
  TmCooperation *c;
  guint n_cooperations;
  guint n_kept = 0;

  import_ok (store, dataset, NULL);
  g_assert_true (tm_store_delete_brand (store, "b002", &error));
  g_assert_no_error (error);

  tm_store_count (store, NULL, NULL, &n_cooperations, NULL);
  g_assert_cmpuint (n_cooperations, ==, dataset->cooperations->len);

  dump = tm_store_dump (store, &error);
  g_assert_no_error (error);
  g_assert_null (find_brand (dump, "b002"));
  for (guint i = 0; i < dump->cooperations->len; i++)
    {
      c = g_ptr_array_index (dump->cooperations, i);
      g_assert_cmpstr (c->brand_id, !=, "b002");
      if (g_strcmp0 (c->brand_name, "品牌2号") == 0)
        {
          /* Now "another brand", with the deleted brand's name and category. */
          g_assert_null (c->brand_id);
          g_assert_cmpstr (c->brand_category, ==, find_brand (dataset, "b002")->category);
          n_kept++;
        }
    }
  g_assert_cmpuint (n_kept, ==, count_linked (dataset, "b002"));
  g_assert_cmpuint (n_kept, >, 0);
  assert_digests_match (store);
  assert_integrity_ok (store);

  /* Importing the brand's file again brings the brand back and links its
   * cooperations to it again. */
  import_ok (store, dataset, &stats);
  g_assert_cmpuint (stats.added, ==, 1);
  g_assert_cmpuint (stats.updated, ==, count_linked (dataset, "b002"));
  expected = dataset_text (dataset);
  actual = dump_text (store);
  g_assert_cmpstr (actual, ==, expected);
  assert_integrity_ok (store);

  g_clear_object (&store);
  tm_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  /* Before anything asks GLib for the user data dir (it is cached). */
  test_root = g_dir_make_tmp ("test-store-XXXXXX", NULL);
  g_assert_nonnull (test_root);
  g_setenv ("XDG_DATA_HOME", test_root, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/creates-schema", test_open_creates_schema);
  g_test_add_func ("/store/open/reopen-keeps-data", test_open_reopen_keeps_data);
  g_test_add_func ("/store/open/migrates-version-0", test_open_migrates_version_0);
  g_test_add_func ("/store/open/refuses-newer", test_open_refuses_newer);
  g_test_add_func ("/store/open/refuses-not-sqlite", test_open_refuses_not_sqlite);
  g_test_add_func ("/store/open/refuses-foreign-sqlite", test_open_refuses_foreign_sqlite);
  g_test_add_func ("/store/open/refuses-damaged", test_open_refuses_damaged);
  g_test_add_func ("/store/import/round-trip", test_import_round_trip);
  g_test_add_func ("/store/import/again-unchanged", test_import_again_unchanged);
  g_test_add_func ("/store/import/update-one", test_import_update_one);
  g_test_add_func ("/store/import/counts-single-rows", test_import_counts_single_rows);
  g_test_add_func ("/store/import/several-datasets", test_import_several_datasets);
  g_test_add_func ("/store/import/bad-reference", test_import_bad_reference);
  g_test_add_func ("/store/import/duplicate-across-files", test_import_duplicate_across_files);
  g_test_add_func ("/store/import/rolls-back-midway", test_import_rolls_back_midway);
  g_test_add_func ("/store/import/files", test_import_files);
  g_test_add_func ("/store/import/files-first-bad", test_import_files_first_bad);
  g_test_add_func ("/store/import/files-keep-order", test_import_files_keep_order);
  g_test_add_func ("/store/import/bulk", test_import_bulk);
  g_test_add_func ("/store/import/locked-or-full", test_import_locked_or_full);
  g_test_add_func ("/store/seed/if-empty", test_seed_if_empty);
  g_test_add_func ("/store/seed/sample-data", test_seed_sample_data);
  g_test_add_func ("/store/brand/put-delete", test_brand_put_delete);
  g_test_add_func ("/store/brand/delete-keeps-cooperations", test_brand_delete_keeps_cooperations);

  result = g_test_run ();

  tm_test_remove_tree (test_root);
  g_free (test_root);
  return result;
}
