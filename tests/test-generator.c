/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-generator"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tm-generator.h"
#include "tm-json.h"

/* The bundled sample: what `trustmatch-cli generate --streamers 300 --seed 1`
 * writes and what users see first. */
static TmDataset *
sample_dataset (void)
{
  TmGeneratorOptions options;

  tm_generator_options_init (&options, 300, 1);
  return tm_generator_run (&options);
}

static TmDataset *
small_dataset (guint64 seed)
{
  TmGeneratorOptions options;

  tm_generator_options_init (&options, 40, seed);
  return tm_generator_run (&options);
}

static void
test_defaults (void)
{
  TmGeneratorOptions options;
  g_autoptr(TmDataset) dataset = NULL;

  tm_generator_options_init (&options, 300, 1);
  g_assert_cmpuint (options.n_brands, ==, 12);
  g_assert_cmpuint (options.n_streamers, ==, 300);
  g_assert_cmpuint (options.n_cooperations, ==, 3000);
  g_assert_cmpuint (options.n_incidents, ==, 40);
  g_assert_cmpuint (options.history_days, ==, 1095);
  g_assert_cmpint (options.today, ==, tm_date_from_ymd (2026, 11, 1));

  dataset = tm_generator_run (&options);
  g_assert_cmpuint (dataset->brands->len, ==, 12);
  g_assert_cmpuint (dataset->streamers->len, ==, 300);
  g_assert_cmpuint (dataset->cooperations->len, ==, 3000);
  g_assert_cmpuint (dataset->incidents->len, ==, 40);
  g_assert_true (dataset->synthetic);
  g_assert_nonnull (dataset->description);
  g_assert_nonnull (strstr (dataset->description, "ynthetic"));
  g_assert_nonnull (strstr (dataset->description, "--seed 1"));
}

static void
test_deterministic (void)
{
  g_autoptr(TmDataset) a = sample_dataset ();
  g_autoptr(TmDataset) b = sample_dataset ();
  g_autofree char *json_a = tm_dataset_to_json (a, NULL);
  g_autofree char *json_b = tm_dataset_to_json (b, NULL);

  g_assert_nonnull (json_a);
  g_assert_cmpstr (json_a, ==, json_b);
}

static void
test_seed_changes_output (void)
{
  g_autoptr(TmDataset) a = small_dataset (1);
  g_autoptr(TmDataset) b = small_dataset (2);
  g_autofree char *json_a = tm_dataset_to_json (a, NULL);
  g_autofree char *json_b = tm_dataset_to_json (b, NULL);
  guint same_names = 0;

  g_assert_cmpstr (json_a, !=, json_b);
  /* Not just a shifted date: the people differ. */
  for (guint i = 0; i < a->streamers->len; i++)
    {
      const TmStreamer *sa = g_ptr_array_index (a->streamers, i);
      const TmStreamer *sb = g_ptr_array_index (b->streamers, i);
      same_names += g_str_equal (sa->name, sb->name);
    }
  g_assert_cmpuint (same_names, <, a->streamers->len / 4);
}

static GHashTable *
id_set (GPtrArray *records)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < records->len; i++)
    {
      const char *id = *(char **) g_ptr_array_index (records, i);

      g_assert_true (tm_id_is_valid (id));
      /* Ids are unique within their kind. */
      g_assert_true (g_hash_table_add (set, (gpointer) id));
    }
  return set;
}

static void
assert_references (const TmDataset *dataset)
{
  g_autoptr(GHashTable) streamers = id_set (dataset->streamers);
  g_autoptr(GHashTable) brands = id_set (dataset->brands);
  g_autoptr(GHashTable) cooperations = id_set (dataset->cooperations);
  g_autoptr(GHashTable) incidents = id_set (dataset->incidents);
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_dataset_check_references (dataset, NULL, NULL, "generated", &error));
  g_assert_no_error (error);

  /* The same, spelled out, plus what the reader does not check. */
  for (guint i = 0; i < dataset->brands->len; i++)
    {
      const TmBrand *b = g_ptr_array_index (dataset->brands, i);

      for (guint j = 0; j < b->blacklist->len; j++)
        g_assert_true (g_hash_table_contains (streamers, g_ptr_array_index (b->blacklist, j)));
      for (guint j = 0; j < b->competitor_brands->len; j++)
        {
          const char *other = g_ptr_array_index (b->competitor_brands, j);
          g_assert_cmpstr (other, !=, b->id);
          if (g_str_has_prefix (other, "b-"))
            g_assert_true (g_hash_table_contains (brands, other));
        }
    }
  for (guint i = 0; i < dataset->cooperations->len; i++)
    {
      const TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);

      g_assert_true (g_hash_table_contains (streamers, c->streamer_id));
      if (c->brand_id != NULL)
        {
          g_assert_true (g_hash_table_contains (brands, c->brand_id));
          g_assert_null (c->brand_name);
          g_assert_null (c->brand_category);
        }
      else
        {
          g_assert_nonnull (c->brand_name);
          g_assert_true (tm_category_code_is_valid (c->brand_category));
        }
    }
  for (guint i = 0; i < dataset->incidents->len; i++)
    {
      const TmIncident *inc = g_ptr_array_index (dataset->incidents, i);
      g_assert_true (g_hash_table_contains (streamers, inc->streamer_id));
    }
}

static void
test_references (void)
{
  g_autoptr(TmDataset) sample = sample_dataset ();
  g_autoptr(TmDataset) small = small_dataset (99);

  assert_references (sample);
  assert_references (small);
}

static void
assert_rate (double value)
{
  g_assert_false (isnan (value));
  g_assert_cmpfloat (value, >=, 0.0);
  g_assert_cmpfloat (value, <=, 1.0);
  /* At most four decimals, so the files stay short and stable. */
  g_assert_cmpfloat (fabs (value * 10000 - nearbyint (value * 10000)), <, 1e-6);
}

static void
assert_shares (const double *shares,
               guint         n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    {
      assert_rate (shares[i]);
      sum += shares[i];
    }
  g_assert_cmpfloat (fabs (sum - 1.0), <, 1e-9);
}

static void
assert_audience (const TmAudience *a)
{
  g_assert_true (a->present);
  assert_shares (a->age, TM_N_AGES);
  assert_shares (a->gender, TM_N_GENDERS);
  assert_shares (a->region, TM_N_REGIONS);
}

static void
assert_provenance (const TmProvenance *p,
                   TmDate              earliest,
                   TmDate              today)
{
  g_assert_cmpint (p->observed, >=, earliest);
  g_assert_cmpint (p->observed, <=, today);
}

static void
assert_ranges (const TmDataset          *dataset,
               const TmGeneratorOptions *options)
{
  TmDate first = options->today - (TmDate) options->history_days;

  for (guint i = 0; i < dataset->brands->len; i++)
    {
      const TmBrand *b = g_ptr_array_index (dataset->brands, i);

      g_assert_true (tm_category_code_is_valid (b->category));
      g_assert_cmpuint (b->style_tags->len, >=, 1);
      for (guint j = 0; j < b->style_tags->len; j++)
        assert_rate (g_array_index (b->style_tags, TmStyleTag, j).weight);
      assert_audience (&b->audience);
      g_assert_cmpint (b->typical_order_price_fen, >, 0);
      g_assert_true (b->budget_fen == TM_UNKNOWN_INT || b->budget_fen > 0);
      g_assert_cmpfloat (b->min_credit_score, >=, 0);
      g_assert_cmpfloat (b->min_credit_score, <=, 100);
      g_assert_cmpint (b->exclusivity_days, >=, 0);
      g_assert_cmpint (b->exclusivity_days, <=, 365);
      assert_provenance (&b->provenance, first, options->today);
    }

  for (guint i = 0; i < dataset->streamers->len; i++)
    {
      const TmStreamer *s = g_ptr_array_index (dataset->streamers, i);

      g_assert_cmpuint (s->accounts->len, >=, 1);
      g_assert_cmpuint (s->accounts->len, <=, 3);
      for (guint j = 0; j < s->accounts->len; j++)
        {
          const TmAccount *a = &g_array_index (s->accounts, TmAccount, j);
          g_assert_cmpint (a->platform, >=, 0);
          g_assert_cmpint (a->platform, <, TM_N_PLATFORMS);
          g_assert_cmpint (a->followers, >, 0);
          g_assert_true (g_str_is_ascii (a->handle));
        }
      g_assert_cmpuint (s->categories->len, >=, 1);
      g_assert_cmpuint (s->categories->len, <=, 3);
      g_assert_cmpuint (s->style_tags->len, >=, 2);
      g_assert_cmpuint (s->style_tags->len, <=, 5);
      assert_audience (&s->audience);
      g_assert_cmpfloat (s->credit_scale, >, 0);
      g_assert_cmpfloat (s->credit_score, >=, 0);
      g_assert_cmpfloat (s->credit_score, <=, s->credit_scale);
      assert_rate (s->engagement_rate);
      g_assert_cmpfloat (s->engagement_rate, >=, 0.005);
      g_assert_cmpfloat (s->engagement_rate, <=, 0.12);
      g_assert_cmpint (s->avg_live_viewers, >=, 0);
      g_assert_cmpint (s->reviews_positive, >=, 0);
      g_assert_cmpint (s->reviews_negative, >=, 0);
      assert_rate (s->fake_review_share);
      g_assert_cmpfloat (s->fake_review_share, <=, 0.3);
      assert_rate (s->dispute_resolution_rate);
      assert_rate (s->repeat_buyer_rate);
      g_assert_cmpint (s->price_low_fen, >, 0);
      g_assert_cmpint (s->price_high_fen, >=, s->price_low_fen);
      assert_provenance (&s->provenance, first, options->today);
      g_assert_cmpint (tm_provenance_for (&s->provenance, s->figure_provenance,
                                          "reviews.fake_share")->basis, ==, TM_BASIS_ESTIMATED);
      g_assert_cmpint (tm_provenance_for (&s->provenance, s->figure_provenance,
                                          "engagement_rate")->basis, ==, TM_BASIS_MEASURED);
    }

  for (guint i = 0; i < dataset->cooperations->len; i++)
    {
      const TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);

      g_assert_cmpint (c->date, >=, first);
      g_assert_cmpint (c->date, <, options->today);
      if (i > 0)  /* in date order, as a ledger is read */
        g_assert_cmpint (c->date, >=, ((TmCooperation *) g_ptr_array_index (dataset->cooperations, i - 1))->date);
      g_assert_cmpint (c->gmv_fen, >, 0);
      if (c->format == TM_FORMAT_LIVE)
        {
          g_assert_cmpint (c->gmv_fen, >=, 5000 * 100);
          g_assert_cmpint (c->gmv_fen, <=, 5000000 * 100 + 100);
        }
      g_assert_cmpint (c->orders, >=, 1);
      g_assert_cmpint (c->fee_fen, >=, 0);
      g_assert_cmpint (c->commission_fen, >=, c->gmv_fen / 10 - 1);
      g_assert_cmpint (c->commission_fen, <=, c->gmv_fen * 3 / 10);
      assert_rate (c->conversion_rate);
      g_assert_cmpfloat (c->conversion_rate, >=, 0.005);
      g_assert_cmpfloat (c->conversion_rate, <=, 0.08);
      assert_rate (c->return_rate);
      g_assert_cmpint (c->complaints, >=, 0);
      g_assert_cmpint (c->complaints, <=, c->orders);
      g_assert_cmpfloat (c->rating, >=, 3.0);
      g_assert_cmpfloat (c->rating, <=, 5.0);
      g_assert_cmpfloat (fabs (c->rating * 10 - nearbyint (c->rating * 10)), <, 1e-9);
      g_assert_cmpint (c->provenance.source, ==, TM_SOURCE_EXPORT);
      assert_provenance (&c->provenance, c->date, options->today);
    }

  for (guint i = 0; i < dataset->incidents->len; i++)
    {
      const TmIncident *inc = g_ptr_array_index (dataset->incidents, i);

      g_assert_cmpint (inc->date, >=, first);
      g_assert_cmpint (inc->date, <, options->today);
      g_assert_cmpint (inc->severity, >=, 1);
      g_assert_cmpint (inc->severity, <=, 5);
      g_assert_nonnull (inc->description);
      g_assert_true (inc->resolution == NULL || inc->resolved);
      g_assert_true (inc->source_url == NULL || g_str_has_prefix (inc->source_url, "https://example.com/"));
      assert_provenance (&inc->provenance, inc->date, options->today);
    }
}

static void
test_ranges (void)
{
  TmGeneratorOptions options;
  g_autoptr(TmDataset) sample = NULL;
  g_autoptr(TmDataset) other = NULL;

  tm_generator_options_init (&options, 300, 1);
  sample = tm_generator_run (&options);
  assert_ranges (sample, &options);

  /* A shorter history and a different day move every date with them. */
  tm_generator_options_init (&options, 50, 5);
  options.history_days = 200;
  options.today = tm_date_from_ymd (2025, 3, 1);
  other = tm_generator_run (&options);
  assert_ranges (other, &options);
}

/* The sample shows the variety the app is about: every incident kind,
 * many categories, several platforms, both formats, brands of the dataset
 * and others. */
static void
test_variety (void)
{
  g_autoptr(TmDataset) dataset = sample_dataset ();
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean kinds[TM_N_INCIDENT_KINDS] = { FALSE };
  gboolean platforms[TM_N_PLATFORMS] = { FALSE };
  guint live = 0, own_brand = 0, notes = 0, resolved = 0, urls = 0, n_platforms = 0;
  guint n = dataset->cooperations->len;

  for (guint i = 0; i < dataset->brands->len; i++)
    g_hash_table_add (categories, ((TmBrand *) g_ptr_array_index (dataset->brands, i))->category);
  g_assert_cmpuint (g_hash_table_size (categories), >=, 6);

  for (guint i = 0; i < dataset->incidents->len; i++)
    {
      const TmIncident *inc = g_ptr_array_index (dataset->incidents, i);
      kinds[inc->kind] = TRUE;
      resolved += inc->resolved;
      urls += inc->source_url != NULL;
    }
  for (guint k = 0; k < TM_N_INCIDENT_KINDS; k++)
    g_assert_true (kinds[k]);
  g_assert_cmpuint (resolved, >, 0);
  g_assert_cmpuint (resolved, <, dataset->incidents->len);
  g_assert_cmpuint (urls, >, 0);

  for (guint i = 0; i < dataset->streamers->len; i++)
    {
      const TmStreamer *s = g_ptr_array_index (dataset->streamers, i);
      for (guint j = 0; j < s->accounts->len; j++)
        platforms[g_array_index (s->accounts, TmAccount, j).platform] = TRUE;
    }
  for (guint p = 0; p < TM_N_PLATFORMS; p++)
    n_platforms += platforms[p];
  g_assert_cmpuint (n_platforms, >=, 5);

  for (guint i = 0; i < n; i++)
    {
      const TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);
      live += c->format == TM_FORMAT_LIVE;
      own_brand += c->brand_id != NULL;
      notes += c->notes != NULL;
    }
  g_assert_cmpuint (live, >, n * 65 / 100);
  g_assert_cmpuint (live, <, n * 85 / 100);
  g_assert_cmpuint (own_brand, >, n * 50 / 100);
  g_assert_cmpuint (own_brand, <, n * 70 / 100);
  g_assert_cmpuint (notes, >, n * 5 / 100);
  g_assert_cmpuint (notes, <, n * 15 / 100);
}

typedef struct {
  guint  cooperations;
  double return_excess;
  double rating;
  guint  incidents;
  guint  streamers;
} Group;

/* The hidden quality behind each streamer shows: streamers with a high
 * platform credit score have better cooperation outcomes and fewer
 * incidents than those with a low one.  This is the signal the matching
 * engine is demonstrated on. */
static void
test_signal (void)
{
  TmGeneratorOptions options;
  g_autoptr(TmDataset) dataset = NULL;
  g_autoptr(GHashTable) group_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) category_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) mean_return = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) count_return = g_hash_table_new (g_str_hash, g_str_equal);
  Group groups[2] = { { 0 } };

  tm_generator_options_init (&options, 2000, 3);
  options.n_cooperations = 10000;
  dataset = tm_generator_run (&options);

  for (guint i = 0; i < dataset->brands->len; i++)
    {
      const TmBrand *b = g_ptr_array_index (dataset->brands, i);
      g_hash_table_insert (category_of, b->id, b->category);
    }

  /* Low: below 85 % of the scale; high: 92 % and above. */
  for (guint i = 0; i < dataset->streamers->len; i++)
    {
      const TmStreamer *s = g_ptr_array_index (dataset->streamers, i);
      double pct = s->credit_score / s->credit_scale;

      if (pct < 0.85)
        {
          g_hash_table_insert (group_of, s->id, GINT_TO_POINTER (1));
          groups[0].streamers++;
        }
      else if (pct >= 0.92)
        {
          g_hash_table_insert (group_of, s->id, GINT_TO_POINTER (2));
          groups[1].streamers++;
        }
    }
  g_assert_cmpuint (groups[0].streamers, >, 50);
  g_assert_cmpuint (groups[1].streamers, >, 50);

  /* Return rates differ by category: compare against each category's
   * mean so that the mix of categories does not decide. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < dataset->cooperations->len; i++)
      {
        const TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);
        const char *cat = c->brand_id ? g_hash_table_lookup (category_of, c->brand_id) : c->brand_category;
        double *mean = g_hash_table_lookup (mean_return, cat);
        int group = GPOINTER_TO_INT (g_hash_table_lookup (group_of, c->streamer_id));

        if (pass == 0)
          {
            guint count = GPOINTER_TO_UINT (g_hash_table_lookup (count_return, cat));
            if (mean == NULL)
              {
                mean = g_new0 (double, 1);
                g_hash_table_insert (mean_return, (gpointer) cat, mean);
              }
            *mean = (*mean * count + c->return_rate) / (count + 1);
            g_hash_table_insert (count_return, (gpointer) cat, GUINT_TO_POINTER (count + 1));
          }
        else if (group > 0)
          {
            Group *g = &groups[group - 1];
            g->cooperations++;
            g->return_excess += c->return_rate - *mean;
            g->rating += c->rating;
          }
      }
  for (guint i = 0; i < dataset->incidents->len; i++)
    {
      const TmIncident *inc = g_ptr_array_index (dataset->incidents, i);
      int group = GPOINTER_TO_INT (g_hash_table_lookup (group_of, inc->streamer_id));
      if (group > 0)
        groups[group - 1].incidents++;
    }

  g_assert_cmpfloat (groups[0].return_excess / groups[0].cooperations, >,
                     groups[1].return_excess / groups[1].cooperations);
  g_assert_cmpfloat (groups[0].rating / groups[0].cooperations, >, 0);
  g_assert_cmpfloat (groups[0].rating / groups[0].cooperations + 0.3, <,
                     groups[1].rating / groups[1].cooperations);
  /* Incidents per streamer: at least twice as many in the low group. */
  g_assert_cmpfloat ((double) groups[0].incidents / groups[0].streamers, >,
                     2.0 * groups[1].incidents / groups[1].streamers);
}

static void
test_tiny (void)
{
  for (guint n = 0; n <= 3; n++)
    {
      TmGeneratorOptions options;
      g_autoptr(TmDataset) dataset = NULL;

      tm_generator_options_init (&options, n, 7);
      dataset = tm_generator_run (&options);
      g_assert_cmpuint (dataset->streamers->len, ==, n);
      g_assert_cmpuint (dataset->cooperations->len, ==, n * 10);
      g_assert_cmpuint (dataset->brands->len, >=, 1);
      g_assert_cmpuint (dataset->brands->len, <=, MAX (n, 1));
      assert_references (dataset);
      assert_ranges (dataset, &options);
    }
}

/* More brands than the twelve curated ones still get distinct ids and
 * names that make sense. */
static void
test_many_brands (void)
{
  TmGeneratorOptions options;
  g_autoptr(TmDataset) dataset = NULL;

  tm_generator_options_init (&options, 30, 11);
  options.n_brands = 200;
  dataset = tm_generator_run (&options);
  g_assert_cmpuint (dataset->brands->len, ==, 200);
  assert_references (dataset);
  assert_ranges (dataset, &options);
}

static void
remove_paths (GPtrArray  *paths,
              const char *directory)
{
  for (guint i = 0; i < paths->len; i++)
    g_unlink (g_ptr_array_index (paths, i));
  g_rmdir (directory);
}

static void
test_write (gconstpointer data)
{
  guint shard_size = GPOINTER_TO_UINT (data);
  TmGeneratorOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *directory = g_dir_make_tmp ("test-generator-XXXXXX", &error);
  g_autofree char *subdir = NULL;
  g_autoptr(TmDataset) expected = NULL;
  g_autoptr(TmDataset) merged = tm_dataset_new ();
  g_autoptr(GHashTable) streamers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) brands = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *json_expected = NULL;
  g_autofree char *json_merged = NULL;
  guint expected_files;

  g_assert_no_error (error);
  /* The directory is created when missing. */
  subdir = g_build_filename (directory, "out", NULL);

  tm_generator_options_init (&options, 45, 4);
  expected = tm_generator_run (&options);
  g_assert_true (tm_generator_write (&options, subdir, shard_size, paths, &error));
  g_assert_no_error (error);

  if (shard_size == 0)
    expected_files = 4;
  else
    expected_files = 2 + (45 + shard_size - 1) / shard_size + (450 + shard_size - 1) / shard_size;
  g_assert_cmpuint (paths->len, ==, expected_files);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autoptr(TmDataset) part = tm_dataset_load_file (path, &error);

      g_assert_no_error (error);
      g_assert_nonnull (part);
      g_assert_true (part->synthetic);
      g_assert_true (g_str_has_suffix (base, ".json"));
      if (shard_size > 0 && shard_size < 45 && g_str_has_prefix (base, "streamers"))
        g_assert_true (g_str_has_prefix (base, "streamers-0"));
      if (shard_size > 0)
        {
          g_assert_cmpuint (part->streamers->len, <=, shard_size);
          g_assert_cmpuint (part->cooperations->len, <=, shard_size);
        }
      /* Each file holds one kind of record. */
      g_assert_cmpuint (!!part->brands->len + !!part->streamers->len + !!part->cooperations->len +
                        !!part->incidents->len, <=, 1);
      tm_dataset_take_all (merged, part);
    }
  g_assert_cmpuint (merged->brands->len, ==, 12);
  g_assert_cmpuint (merged->streamers->len, ==, 45);
  g_assert_cmpuint (merged->cooperations->len, ==, 450);
  g_assert_cmpuint (merged->incidents->len, ==, 6);

  /* Read back in order, the files are the generated dataset. */
  merged->synthetic = TRUE;
  merged->description = g_strdup (expected->description);
  json_expected = tm_dataset_to_json (expected, NULL);
  json_merged = tm_dataset_to_json (merged, NULL);
  g_assert_cmpstr (json_merged, ==, json_expected);

  /* Imported one by one, every reference resolves against what came
   * before (streamers, then brands, are written first). */
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(TmDataset) part = tm_dataset_load_file (g_ptr_array_index (paths, i), &error);

      g_assert_no_error (error);
      g_assert_true (tm_dataset_check_references (part, streamers, brands,
                                                  g_ptr_array_index (paths, i), &error));
      g_assert_no_error (error);
      for (guint j = 0; j < part->streamers->len; j++)
        g_hash_table_add (streamers, g_strdup (((TmStreamer *) g_ptr_array_index (part->streamers, j))->id));
      for (guint j = 0; j < part->brands->len; j++)
        g_hash_table_add (brands, g_strdup (((TmBrand *) g_ptr_array_index (part->brands, j))->id));
    }

  remove_paths (paths, subdir);
  g_rmdir (directory);
}

static void
test_write_fails_cleanly (void)
{
  TmGeneratorOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *directory = g_dir_make_tmp ("test-generator-XXXXXX", &error);
  g_autofree char *file = g_build_filename (directory, "not-a-folder", NULL);
  g_autofree char *below = g_build_filename (file, "out", NULL);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, "x", 1, &error));

  tm_generator_options_init (&options, 20, 1);
  g_assert_false (tm_generator_write (&options, below, 0, paths, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "not-a-folder"));
  g_assert_cmpuint (paths->len, ==, 0);

  g_unlink (file);
  g_rmdir (directory);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/generator/defaults", test_defaults);
  g_test_add_func ("/generator/deterministic", test_deterministic);
  g_test_add_func ("/generator/seed-changes-output", test_seed_changes_output);
  g_test_add_func ("/generator/references", test_references);
  g_test_add_func ("/generator/ranges", test_ranges);
  g_test_add_func ("/generator/variety", test_variety);
  g_test_add_func ("/generator/signal", test_signal);
  g_test_add_func ("/generator/tiny", test_tiny);
  g_test_add_func ("/generator/many-brands", test_many_brands);
  g_test_add_data_func ("/generator/write/single", GUINT_TO_POINTER (0), test_write);
  g_test_add_data_func ("/generator/write/sharded", GUINT_TO_POINTER (100), test_write);
  g_test_add_data_func ("/generator/write/small-shards", GUINT_TO_POINTER (7), test_write);
  g_test_add_func ("/generator/write/error", test_write_fails_cleanly);

  return g_test_run ();
}
