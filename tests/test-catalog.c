/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-catalog"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "tm-catalog.h"
#include "tm-generator.h"
#include "tm-json.h"
#include "tm-store.h"

typedef struct {
  char    *dir;
  TmStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("tm-catalog-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->store = tm_store_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "test.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_clear_object (&f->store);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static TmProvenance
prov (const char *date)
{
  TmProvenance p = { TM_SOURCE_EXPORT, 0, TM_BASIS_OBSERVED };
  g_assert_true (tm_date_parse (date, &p.observed));
  return p;
}

static void
add_account (TmStreamer *s, TmPlatform platform, const char *handle, gint64 followers)
{
  TmAccount a = { platform, g_strdup (handle), followers };
  g_array_append_val (s->accounts, a);
}

static void
add_tag (GArray *tags, const char *tag, double weight)
{
  TmStyleTag t = { g_strdup (tag), weight };
  g_array_append_val (tags, t);
}

static TmCooperation *
coop (const char *id, const char *streamer, const char *brand, const char *date, gint64 gmv)
{
  TmCooperation *c = tm_cooperation_new ();

  c->id = g_strdup (id);
  c->streamer_id = g_strdup (streamer);
  if (g_str_has_prefix (brand, "b-"))
    c->brand_id = g_strdup (brand);
  else
    {
      c->brand_name = g_strdup (brand);
      c->brand_category = g_strdup ("food");
    }
  g_assert_true (tm_date_parse (date, &c->date));
  c->format = TM_FORMAT_LIVE;
  c->platform = TM_PLATFORM_DOUYIN;
  c->gmv_fen = gmv;
  c->orders = gmv / 10000;
  c->return_rate = 0.125;
  c->complaints = 2;
  c->provenance = prov (date);
  return c;
}

/* Two brands, three streamers (inserted out of id order), cooperations
 * inserted out of date order, with known and other brands. */
static TmDataset *
small_dataset (void)
{
  TmDataset *d = tm_dataset_new ();
  TmBrand *b;
  TmStreamer *s;
  TmIncident *inc;

  b = tm_brand_new ();
  b->id = g_strdup ("b-2");
  b->name = g_strdup ("暖织服饰");
  b->category = g_strdup ("apparel");
  b->typical_order_price_fen = 19900;
  b->provenance = prov ("2026-10-01");
  g_ptr_array_add (d->brands, b);

  b = tm_brand_new ();
  b->id = g_strdup ("b-1");
  b->name = g_strdup ("青禾美妆");
  b->category = g_strdup ("beauty");
  b->typical_order_price_fen = 12900;
  add_tag (b->style_tags, "国潮", 0.9);
  b->provenance = prov ("2026-10-01");
  g_ptr_array_add (d->brands, b);

  s = tm_streamer_new ();
  s->id = g_strdup ("s-3");
  s->name = g_strdup ("老王严选");
  add_account (s, TM_PLATFORM_KUAISHOU, "laowang", 500000);
  g_ptr_array_add (s->categories, g_strdup ("food"));
  s->provenance = prov ("2026-09-01");
  g_ptr_array_add (d->streamers, s);

  s = tm_streamer_new ();
  s->id = g_strdup ("s-1");
  s->name = g_strdup ("小鹿姐姐");
  add_account (s, TM_PLATFORM_DOUYIN, "xiaolu", 1200000);
  add_account (s, TM_PLATFORM_XIAOHONGSHU, "xiaolu_red", 300000);
  g_ptr_array_add (s->categories, g_strdup ("beauty"));
  g_ptr_array_add (s->categories, g_strdup ("apparel"));
  add_tag (s->style_tags, "国潮", 0.7);
  add_tag (s->style_tags, "亲和", 0.5);
  s->audience.present = TRUE;
  s->audience.age[TM_AGE_18_24] = 0.5;
  s->audience.age[TM_AGE_25_30] = 0.5;
  s->audience.gender[TM_GENDER_FEMALE] = 0.8;
  s->audience.gender[TM_GENDER_MALE] = 0.2;
  s->audience.region[TM_REGION_TIER1] = 1.0;
  s->credit_platform = TM_PLATFORM_DOUYIN;
  s->credit_score = 4.8;
  s->credit_scale = 5.0;
  s->verification = TM_VERIFICATION_VERIFIED;
  s->engagement_rate = 0.05;
  s->provenance = prov ("2026-09-01");
  g_ptr_array_add (d->streamers, s);

  s = tm_streamer_new ();
  s->id = g_strdup ("s-2");
  s->name = g_strdup ("阿杰说数码");
  add_account (s, TM_PLATFORM_BILIBILI, "ajie", 80000);
  g_ptr_array_add (s->categories, g_strdup ("digital"));
  add_tag (s->style_tags, "专业测评", 1.0);
  s->provenance = prov ("2026-09-01");
  g_ptr_array_add (d->streamers, s);

  g_ptr_array_add (d->cooperations, coop ("c-4", "s-1", "b-1", "2026-03-01", 4000000));
  g_ptr_array_add (d->cooperations, coop ("c-1", "s-1", "b-2", "2024-05-20", 1000000));
  g_ptr_array_add (d->cooperations, coop ("c-2", "s-3", "山野食记", "2025-01-02", 300000));
  g_ptr_array_add (d->cooperations, coop ("c-3", "s-1", "山野食记", "2025-07-07", 2000000));

  inc = tm_incident_new ();
  inc->id = g_strdup ("i-1");
  inc->streamer_id = g_strdup ("s-3");
  g_assert_true (tm_date_parse ("2025-02-01", &inc->date));
  inc->kind = TM_INCIDENT_FALSE_ADVERTISING;
  inc->severity = 4;
  inc->resolved = FALSE;
  inc->description = g_strdup ("夸大宣传功效");
  inc->provenance = prov ("2025-02-03");
  g_ptr_array_add (d->incidents, inc);

  return d;
}

static void
import_dataset (TmStore *store, TmDataset *dataset)
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "small.json" };
  TmImportStats stats;

  g_assert_true (tm_store_import (store, &dataset, names, 1, &stats, &error));
  g_assert_no_error (error);
}

static void
test_catalog_layout (Fixture *f, gconstpointer data)
{
  g_autoptr(TmDataset) dataset = small_dataset ();
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  const TmCatalogStreamer *s1;
  const TmCatalogCooperation *c;
  gint i1, i3, b1;

  import_dataset (f->store, dataset);
  catalog = tm_catalog_load (f->store, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (catalog->n_brands, ==, 2);
  g_assert_cmpuint (catalog->n_streamers, ==, 3);
  g_assert_cmpuint (catalog->n_cooperations, ==, 4);
  g_assert_cmpuint (catalog->n_incidents, ==, 1);
  g_assert_cmpuint (catalog->n_accounts, ==, 4);

  /* Sorted by id, whatever the insertion order. */
  g_assert_cmpstr (catalog->streamers[0].id, ==, "s-1");
  g_assert_cmpstr (catalog->streamers[2].id, ==, "s-3");
  g_assert_cmpstr (catalog->brands[0]->id, ==, "b-1");

  i1 = tm_catalog_find_streamer (catalog, "s-1");
  i3 = tm_catalog_find_streamer (catalog, "s-3");
  b1 = tm_catalog_find_brand (catalog, "b-1");
  g_assert_cmpint (i1, ==, 0);
  g_assert_cmpint (i3, ==, 2);
  g_assert_cmpint (tm_catalog_find_streamer (catalog, "s-404"), ==, -1);
  g_assert_cmpint (b1, ==, 0);

  s1 = &catalog->streamers[i1];
  g_assert_cmpstr (s1->name, ==, "小鹿姐姐");
  g_assert_cmpuint (s1->n_accounts, ==, 2);
  g_assert_cmpint (catalog->accounts[s1->first_account].platform, ==, TM_PLATFORM_DOUYIN);
  g_assert_cmpstr (catalog->accounts[s1->first_account + 1].handle, ==, "xiaolu_red");
  g_assert_cmpint (s1->followers_total, ==, 1500000);
  g_assert_cmpuint (s1->n_categories, ==, 2);
  g_assert_cmpstr (catalog->categories[s1->first_category + 1], ==, "apparel");
  g_assert_cmpuint (s1->n_tags, ==, 2);
  g_assert_cmpfloat_with_epsilon (catalog->tags[s1->first_tag].weight, 0.7, 1e-6);
  g_assert_true (s1->has_audience);
  g_assert_cmpfloat_with_epsilon (s1->audience[TM_N_AGES + TM_GENDER_FEMALE], 0.8, 1e-6);
  g_assert_cmpfloat_with_epsilon (s1->credit_score, 4.8, 1e-6);
  g_assert_cmpint (s1->verification, ==, TM_VERIFICATION_VERIFIED);
  g_assert_cmpint (s1->provenance.source, ==, TM_SOURCE_EXPORT);

  /* Unknown figures stay unknown, not zero. */
  g_assert_true (isnan (catalog->streamers[i3].credit_score));
  g_assert_true (isnan (catalog->streamers[i3].engagement_rate));
  g_assert_false (catalog->streamers[i3].has_audience);
  g_assert_cmpint (catalog->streamers[i3].avg_live_viewers, ==, -1);

  /* A streamer's cooperations are contiguous and by date. */
  g_assert_cmpuint (s1->n_cooperations, ==, 3);
  c = &catalog->cooperations[s1->first_cooperation];
  g_assert_cmpstr (c[0].id, ==, "c-1");
  g_assert_cmpstr (c[1].id, ==, "c-3");
  g_assert_cmpstr (c[2].id, ==, "c-4");
  g_assert_cmpint (s1->last_cooperation, ==, c[2].date);
  g_assert_cmpint (c[2].brand, ==, b1);
  g_assert_cmpstr (c[2].brand_name, ==, "青禾美妆");
  g_assert_cmpint (c[1].brand, ==, -1);
  g_assert_cmpstr (c[1].brand_name, ==, "山野食记");
  g_assert_cmpint (c[2].gmv_fen, ==, 4000000);
  g_assert_cmpfloat_with_epsilon (c[2].return_rate, 0.125, 1e-6);
  g_assert_true (isnan (c[2].rating));
  for (guint k = 0; k < s1->n_cooperations; k++)
    g_assert_cmpuint (c[k].streamer, ==, (guint) i1);

  /* Interned: the same other-brand name is one pointer. */
  g_assert_true (c[1].brand_name
                 == catalog->cooperations[catalog->streamers[i3].first_cooperation].brand_name);
  g_assert_true (tm_catalog_lookup_string (catalog, "山野食记") == c[1].brand_name);
  g_assert_null (tm_catalog_lookup_string (catalog, "never used"));
  g_assert_true (catalog->tags[s1->first_tag].tag == tm_catalog_lookup_string (catalog, "国潮"));

  g_assert_cmpuint (catalog->streamers[i3].n_incidents, ==, 1);
  g_assert_cmpint (catalog->incidents[catalog->streamers[i3].first_incident].severity, ==, 4);
  g_assert_false (catalog->incidents[0].resolved);
  g_assert_cmpuint (catalog->streamers[i1].n_incidents, ==, 0);
  g_assert_cmpint (catalog->streamers[1].last_cooperation, ==, TM_DATE_NONE);
}

static void
test_catalog_empty (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmCatalog) catalog = tm_catalog_load (f->store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (catalog->n_streamers, ==, 0);
  g_assert_cmpuint (catalog->n_brands, ==, 0);
  g_assert_cmpint (tm_catalog_find_streamer (catalog, "s-1"), ==, -1);
}

/* A catalog matches the store it came from, record for record. */
static void
test_catalog_matches_generated (Fixture *f, gconstpointer data)
{
  TmGeneratorOptions options;
  g_autoptr(TmDataset) dataset = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  guint nb, ns, nc, ni;
  gint64 gmv_dataset = 0, gmv_catalog = 0;

  tm_generator_options_init (&options, 200, 7);
  dataset = tm_generator_run (&options);
  for (guint i = 0; i < dataset->cooperations->len; i++)
    gmv_dataset += ((TmCooperation *) dataset->cooperations->pdata[i])->gmv_fen;
  import_dataset (f->store, dataset);

  catalog = tm_catalog_load (f->store, &error);
  g_assert_no_error (error);
  tm_store_count (f->store, &nb, &ns, &nc, &ni);
  g_assert_cmpuint (catalog->n_brands, ==, nb);
  g_assert_cmpuint (catalog->n_streamers, ==, ns);
  g_assert_cmpuint (catalog->n_cooperations, ==, nc);
  g_assert_cmpuint (catalog->n_incidents, ==, ni);

  for (guint i = 0; i < catalog->n_streamers; i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];

      if (i > 0)
        g_assert_cmpstr (catalog->streamers[i - 1].id, <, s->id);
      g_assert_cmpuint (s->n_accounts, >=, 1);
      for (guint k = 0; k < s->n_cooperations; k++)
        {
          const TmCatalogCooperation *c = &catalog->cooperations[s->first_cooperation + k];
          g_assert_cmpuint (c->streamer, ==, i);
          if (k > 0)
            g_assert_cmpint (c[-1].date, <=, c->date);
          gmv_catalog += c->gmv_fen;
        }
      for (guint k = 0; k < s->n_incidents; k++)
        g_assert_cmpuint (catalog->incidents[s->first_incident + k].streamer, ==, i);
    }
  g_assert_cmpint (gmv_catalog, ==, gmv_dataset);
}

typedef struct {
  TmCatalog *catalog;
  gint64     sum;
} ReaderData;

static gpointer
reader_thread (gpointer user_data)
{
  ReaderData *r = user_data;

  for (int round = 0; round < 20; round++)
    for (guint i = 0; i < r->catalog->n_cooperations; i++)
      r->sum += r->catalog->cooperations[i].gmv_fen
                + tm_catalog_find_streamer (r->catalog, r->catalog->streamers[r->catalog->cooperations[i].streamer].id);
  return NULL;
}

/* Many threads may read one catalog: the GUI ranks in a worker while the
 * views read it. */
static void
test_catalog_concurrent_readers (Fixture *f, gconstpointer data)
{
  TmGeneratorOptions options;
  g_autoptr(TmDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  TmCatalog *catalog;
  ReaderData readers[4] = { 0 };
  GThread *threads[4];

  tm_generator_options_init (&options, 50, 3);
  dataset = tm_generator_run (&options);
  import_dataset (f->store, dataset);
  catalog = tm_catalog_load (f->store, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 4; i++)
    {
      readers[i].catalog = tm_catalog_ref (catalog);
      threads[i] = g_thread_new ("reader", reader_thread, &readers[i]);
    }
  tm_catalog_unref (catalog);
  for (guint i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (readers[i].sum, ==, readers[0].sum);
      tm_catalog_unref (readers[i].catalog);
    }
  g_assert_cmpint (readers[0].sum, >, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/catalog/layout", Fixture, NULL, fixture_set_up, test_catalog_layout, fixture_tear_down);
  g_test_add ("/catalog/empty", Fixture, NULL, fixture_set_up, test_catalog_empty, fixture_tear_down);
  g_test_add ("/catalog/matches-generated", Fixture, NULL, fixture_set_up, test_catalog_matches_generated, fixture_tear_down);
  g_test_add ("/catalog/concurrent-readers", Fixture, NULL, fixture_set_up, test_catalog_concurrent_readers, fixture_tear_down);

  return g_test_run ();
}
