/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-review"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tm-catalog.h"
#include "tm-json.h"
#include "tm-review.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/*
 * The partnership review against an oracle that works from the store's
 * own records (tm_store_dump: TmCooperation, with brand ids, doubles and
 * text dates) rather than the catalog's arrays, and finds quarters with
 * GDate rather than TmDate arithmetic.
 */

typedef struct {
  char      *dir;
  TmStore   *store;
  TmDataset *dump;
  TmCatalog *catalog;
  TmReview  *review;
} Fixture;

/* ---- The oracle ------------------------------------------------------ */

typedef struct {
  int              key;            /* year × 4 + quarter − 1 */
  TmReviewFigures  f;
  double           weighted;       /* Σ return_rate × gmv */
  double           ratings;
  GHashTable      *streamers;
} OracleRow;

typedef struct {
  GPtrArray  *coops;               /* TmCooperation*, newest first */
  OracleRow   totals;
  GArray     *rows;                /* OracleRow, oldest first */
} Oracle;

/* The quarter key of a date, through GDate's calendar (its day 1 is
 * 1 January of year 1, 719163 days before 1970-01-01). */
static int
oracle_quarter_key (TmDate date)
{
  g_autoptr(GDate) d = g_date_new_julian ((guint32) (date + 719163));

  return g_date_get_year (d) * 4 + (g_date_get_month (d) - 1) / 3;
}

static TmDate
oracle_date (int year, int month, int day)
{
  g_autoptr(GDate) d = g_date_new_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);

  return (TmDate) g_date_get_julian (d) - 719163;
}

static int
oracle_compare (gconstpointer a,
                gconstpointer b)
{
  const TmCooperation *ca = *(TmCooperation * const *) a;
  const TmCooperation *cb = *(TmCooperation * const *) b;

  if (ca->date != cb->date)
    return ca->date > cb->date ? -1 : 1;
  return strcmp (ca->id, cb->id);
}

static void
oracle_row_init (OracleRow *row,
                 int        key)
{
  memset (row, 0, sizeof *row);
  row->key = key;
  row->streamers = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
oracle_row_add (OracleRow           *row,
                const TmCooperation *c)
{
  row->f.n_cooperations++;
  row->f.gmv_fen += c->gmv_fen;
  row->f.orders += c->orders;
  row->f.fee_fen += c->fee_fen;
  row->f.commission_fen += c->commission_fen;
  row->f.cost_fen += c->fee_fen + c->commission_fen;
  row->f.complaints += c->complaints;
  row->weighted += c->return_rate * c->gmv_fen;
  if (!isnan (c->rating))
    {
      row->f.n_rated++;
      row->ratings += c->rating;
    }
  g_hash_table_add (row->streamers, c->streamer_id);
}

static void
oracle_row_finish (OracleRow *row)
{
  row->f.n_streamers = g_hash_table_size (row->streamers);
  row->f.return_rate = row->f.gmv_fen > 0 ? row->weighted / row->f.gmv_fen : NAN;
  row->f.rating = row->f.n_rated > 0 ? row->ratings / row->f.n_rated : NAN;
}

static gboolean
oracle_matches (const TmCooperation  *c,
                const char           *brand_id,
                const TmReviewFilter *filter)
{
  if (g_strcmp0 (c->brand_id, brand_id) != 0)
    return FALSE;
  if (filter->from != TM_DATE_NONE && c->date < filter->from)
    return FALSE;
  if (filter->to != TM_DATE_NONE && c->date > filter->to)
    return FALSE;
  if (filter->platforms == 0)
    return TRUE;
  if (c->platform == TM_PLATFORM_NONE)
    return (filter->platforms & TM_REVIEW_NO_PLATFORM) != 0;
  return (filter->platforms & (1u << c->platform)) != 0;
}

static Oracle *
oracle_new (const TmDataset      *dump,
            const char           *brand_id,
            const TmReviewFilter *filter)
{
  Oracle *o = g_new0 (Oracle, 1);
  int first = 0, last = -1;

  o->coops = g_ptr_array_new ();
  for (guint i = 0; i < dump->cooperations->len; i++)
    if (oracle_matches (dump->cooperations->pdata[i], brand_id, filter))
      g_ptr_array_add (o->coops, dump->cooperations->pdata[i]);
  g_ptr_array_sort (o->coops, oracle_compare);

  oracle_row_init (&o->totals, 0);
  o->rows = g_array_new (FALSE, FALSE, sizeof (OracleRow));
  for (guint i = 0; i < o->coops->len; i++)
    {
      int key = oracle_quarter_key (((TmCooperation *) o->coops->pdata[i])->date);

      if (last < first)
        first = last = key;
      first = MIN (first, key);
      last = MAX (last, key);
    }
  for (int key = first; key <= last; key++)
    {
      OracleRow row;

      oracle_row_init (&row, key);
      g_array_append_val (o->rows, row);
    }
  for (guint i = 0; i < o->coops->len; i++)
    {
      const TmCooperation *c = o->coops->pdata[i];

      oracle_row_add (&o->totals, c);
      oracle_row_add (&g_array_index (o->rows, OracleRow, oracle_quarter_key (c->date) - first), c);
    }
  oracle_row_finish (&o->totals);
  for (guint r = 0; r < o->rows->len; r++)
    oracle_row_finish (&g_array_index (o->rows, OracleRow, r));

  return o;
}

static void
oracle_free (Oracle *o)
{
  g_hash_table_unref (o->totals.streamers);
  for (guint r = 0; r < o->rows->len; r++)
    g_hash_table_unref (g_array_index (o->rows, OracleRow, r).streamers);
  g_array_unref (o->rows);
  g_ptr_array_unref (o->coops);
  g_free (o);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Oracle, oracle_free)

/* Both NAN, or within @tolerance: the catalog keeps rates as floats. */
static void
assert_close (double      actual,
              double      expected,
              double      tolerance,
              const char *what)
{
  if (isnan (expected) && isnan (actual))
    return;
  if (isnan (expected) || isnan (actual) || fabs (actual - expected) > tolerance)
    g_error ("%s: %.9g, expected %.9g", what, actual, expected);
}

static void
assert_figures (const TmReviewFigures *f,
                const TmReviewFigures *o)
{
  g_assert_cmpuint (f->n_cooperations, ==, o->n_cooperations);
  g_assert_cmpuint (f->n_streamers, ==, o->n_streamers);
  g_assert_cmpint (f->gmv_fen, ==, o->gmv_fen);
  g_assert_cmpint (f->orders, ==, o->orders);
  g_assert_cmpint (f->fee_fen, ==, o->fee_fen);
  g_assert_cmpint (f->commission_fen, ==, o->commission_fen);
  g_assert_cmpint (f->cost_fen, ==, o->cost_fen);
  g_assert_cmpint (f->complaints, ==, o->complaints);
  g_assert_cmpuint (f->n_rated, ==, o->n_rated);
  assert_close (f->return_rate, o->return_rate, 1e-6, "return rate");
  assert_close (f->rating, o->rating, 1e-5, "rating");
}

/* Checks tm_review_compute() for @brand_id and @filter against the
 * oracle; returns how many cooperations matched. */
static guint
check_review (Fixture              *f,
              const char           *brand_id,
              const TmReviewFilter *filter)
{
  gint brand = tm_catalog_find_brand (f->catalog, brand_id);
  g_autoptr(Oracle) o = oracle_new (f->dump, brand_id, filter);
  g_autoptr(TmReviewResult) result = NULL;

  g_assert_cmpint (brand, >=, 0);
  result = tm_review_compute (f->review, (guint) brand, filter);

  g_assert_true (result->catalog == f->catalog);
  g_assert_cmpuint (result->cooperations->len, ==, o->coops->len);
  for (guint i = 0; i < o->coops->len; i++)
    {
      guint32 index = g_array_index (result->cooperations, guint32, i);

      g_assert_cmpstr (f->catalog->cooperations[index].id, ==,
                       ((TmCooperation *) o->coops->pdata[i])->id);
    }
  assert_figures (&result->totals, &o->totals.f);

  g_assert_cmpuint (result->quarters->len, ==, o->rows->len);
  for (guint r = 0; r < o->rows->len; r++)
    {
      const TmReviewQuarter *q = &g_array_index (result->quarters, TmReviewQuarter, r);
      const OracleRow *row = &g_array_index (o->rows, OracleRow, r);
      int month = (row->key % 4) * 3 + 1;
      TmDate first_day = oracle_date (row->key / 4, month, 1);
      TmDate last_day = (row->key % 4 == 3 ? oracle_date (row->key / 4 + 1, 1, 1)
                                           : oracle_date (row->key / 4, month + 3, 1)) - 1;

      g_assert_cmpint (q->year, ==, row->key / 4);
      g_assert_cmpint (q->quarter, ==, row->key % 4 + 1);
      g_assert_cmpint (q->first_day, ==, first_day);
      g_assert_cmpint (q->last_day, ==, last_day);
      g_assert_cmpint (q->partial, ==,
                       (filter->from != TM_DATE_NONE && filter->from > first_day)
                       || (filter->to != TM_DATE_NONE && filter->to < last_day));
      assert_figures (&q->figures, &row->f);

      g_assert_cmpint (q->has_previous, ==, r > 0);
      if (r == 0)
        {
          g_assert_true (isnan (q->gmv_change));
          g_assert_true (isnan (q->cost_change));
          g_assert_true (isnan (q->return_rate_change));
          g_assert_cmpint (q->complaints_change, ==, 0);
        }
      else
        {
          const OracleRow *prev = row - 1;

          assert_close (q->gmv_change,
                        prev->f.gmv_fen > 0 ? (double) (row->f.gmv_fen - prev->f.gmv_fen) / prev->f.gmv_fen : NAN,
                        1e-9, "GMV change");
          assert_close (q->cost_change,
                        prev->f.cost_fen > 0 ? (double) (row->f.cost_fen - prev->f.cost_fen) / prev->f.cost_fen : NAN,
                        1e-9, "fees change");
          assert_close (q->return_rate_change, row->f.return_rate - prev->f.return_rate,
                        2e-6, "return rate change");
          g_assert_cmpint (q->complaints_change, ==, row->f.complaints - prev->f.complaints);
        }
    }

  return o->coops->len;
}

/* ---- Fixtures -------------------------------------------------------- */

static void
fixture_load (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->dump = tm_store_dump (f->store, &error);
  g_assert_no_error (error);
  f->catalog = tm_catalog_load (f->store, &error);
  g_assert_no_error (error);
  f->review = tm_review_new (f->catalog);
}

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("tm-review-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->store = tm_store_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up_sample (Fixture *f, gconstpointer data)
{
  const char *sample = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_autoptr(GError) error = NULL;
  g_autofree char *brands = NULL, *streamers = NULL, *coops = NULL, *incidents = NULL;

  g_assert_nonnull (sample);
  brands = g_build_filename (sample, "brands.json", NULL);
  streamers = g_build_filename (sample, "streamers.json", NULL);
  coops = g_build_filename (sample, "cooperations.json", NULL);
  incidents = g_build_filename (sample, "incidents.json", NULL);

  fixture_open (f);
  {
    const char *files[] = { brands, streamers, coops, incidents, NULL };

    g_assert_true (tm_store_import_files (f->store, files, NULL, &error));
    g_assert_no_error (error);
  }
  fixture_load (f);
}

#define PROV "\"provenance\": {\"source\": \"export\", \"observed\": \"2026-01-01\", \"basis\": \"observed\"}"
#define BRAND(id) \
  "{\"id\": \"" id "\", \"name\": \"" id "\", \"category\": \"beauty\", \"price_tier\": \"mid\"," \
  " \"typical_order_price_fen\": 9900, " PROV "}"
#define STREAMER(id) \
  "{\"id\": \"" id "\", \"name\": \"" id "\", \"accounts\": [{\"platform\": \"douyin\"," \
  " \"handle\": \"" id "\", \"followers\": 1000}], \"categories\": [\"beauty\"], " PROV "}"
/* A cooperation of a known brand; platform is a JSON member or "". */
#define COOP(id, streamer, brand, date, platform, gmv, orders, fee, commission, rr, complaints, rating) \
  "{\"id\": \"" id "\", \"streamer\": \"" streamer "\", \"brand\": \"" brand "\", \"date\": \"" date "\"," \
  " \"format\": \"live\", " platform " \"gmv_fen\": " #gmv ", \"orders\": " #orders "," \
  " \"fee_fen\": " #fee ", \"commission_fen\": " #commission ", \"return_rate\": " #rr "," \
  " \"complaints\": " #complaints rating ", " PROV "}"
#define DOUYIN "\"platform\": \"douyin\","
#define TAOBAO "\"platform\": \"taobao\","
#define RATED(r) ", \"rating\": " #r

/* Cooperations on each side of quarter and year boundaries, without a
 * platform, without GMV, without a rating, on the same day, an empty
 * quarter in between, another brand's, and a brand without any. */
static const char edge_json[] =
  "{\"format\": \"trustmatch-dataset\", \"version\": 1,\n"
  " \"brands\": [" BRAND ("b-a") ", " BRAND ("b-empty") ", " BRAND ("b-other") "],\n"
  " \"streamers\": [" STREAMER ("s-1") ", " STREAMER ("s-2") ", " STREAMER ("s-3") "],\n"
  " \"cooperations\": [\n"
  COOP ("c-01", "s-1", "b-a", "2024-12-31", DOUYIN, 100000, 10, 5000, 1000, 0.10, 1, RATED (4.0)) ",\n"
  COOP ("c-02", "s-2", "b-a", "2025-01-01", DOUYIN, 300000, 30, 0, 3000, 0.20, 0, RATED (5.0)) ",\n"
  COOP ("c-03", "s-1", "b-a", "2025-03-31", "", 200000, 20, 1000, 0, 0.05, 2, "") ",\n"
  COOP ("c-05", "s-3", "b-a", "2025-04-01", TAOBAO, 0, 0, 7000, 0, 0.50, 4, RATED (1.0)) ",\n"
  COOP ("c-04", "s-1", "b-a", "2025-04-01", TAOBAO, 0, 0, 0, 0, 0.00, 0, "") ",\n"
  COOP ("c-06", "s-2", "b-a", "2025-10-15", DOUYIN, 500000, 50, 2000, 8000, 0.02, 3, RATED (4.5)) ",\n"
  COOP ("c-07", "s-3", "b-other", "2025-02-01", DOUYIN, 999999, 9, 9, 9, 0.90, 9, RATED (0.5)) ",\n"
  "{\"id\": \"c-08\", \"streamer\": \"s-3\", \"brand_name\": \"某品牌\", \"brand_category\": \"beauty\","
  " \"date\": \"2025-02-02\", \"format\": \"short_video\", \"gmv_fen\": 1, \"orders\": 1,"
  " \"return_rate\": 0.5, \"complaints\": 1, " PROV "}\n"
  " ]}\n";

static void
fixture_set_up_edges (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) dataset = tm_dataset_load_data (edge_json, strlen (edge_json), "edges.json", &error);
  const char *names[] = { "edges.json" };

  g_assert_no_error (error);
  fixture_open (f);
  g_assert_true (tm_store_import (f->store, &dataset, names, 1, NULL, &error));
  g_assert_no_error (error);
  fixture_load (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->review, tm_review_free);
  g_clear_pointer (&f->catalog, tm_catalog_unref);
  g_clear_pointer (&f->dump, tm_dataset_free);
  g_clear_object (&f->store);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* ---- Tests ----------------------------------------------------------- */

static TmDate
date (const char *text)
{
  TmDate d;

  g_assert_true (tm_date_parse (text, &d));
  return d;
}

/* Every brand of the sample, without a filter, by platform, by year, and
 * with both. */
static void
test_sample_brands (Fixture *f, gconstpointer data)
{
  guint max_quarters = 0;
  int first_year, last_year;

  g_assert_cmpuint (f->catalog->n_brands, >, 0);
  g_assert_true (tm_review_get_years (f->review, &first_year, &last_year));

  for (guint b = 0; b < f->catalog->n_brands; b++)
    {
      const char *id = f->catalog->brands[b]->id;
      TmReviewFilter filter = TM_REVIEW_FILTER_INIT;
      g_autoptr(TmReviewResult) all = tm_review_compute (f->review, b, NULL);
      guint n_by_platform = 0;

      g_assert_cmpuint (check_review (f, id, &filter), ==, tm_review_count (f->review, b));
      max_quarters = MAX (max_quarters, all->quarters->len);

      /* One platform at a time, then none given: together they are all. */
      for (int p = 0; p < TM_N_PLATFORMS; p++)
        {
          filter.platforms = 1u << p;
          n_by_platform += check_review (f, id, &filter);
        }
      filter.platforms = TM_REVIEW_NO_PLATFORM;
      n_by_platform += check_review (f, id, &filter);
      g_assert_cmpuint (n_by_platform, ==, all->cooperations->len);

      /* Two platforms in each year, and each year alone. */
      for (int year = first_year; year <= last_year; year++)
        {
          tm_review_filter_set_period (&filter, TM_REVIEW_PERIOD_YEAR, year, 0);
          filter.platforms = 0;
          check_review (f, id, &filter);
          filter.platforms = (1u << TM_PLATFORM_DOUYIN) | (1u << TM_PLATFORM_TAOBAO);
          check_review (f, id, &filter);
        }

      /* Bounds that cut quarters in the middle. */
      filter = (TmReviewFilter) { date ("2024-05-15"), date ("2025-08-20"), 0 };
      check_review (f, id, &filter);
      filter = (TmReviewFilter) { date ("2025-02-10"), TM_DATE_NONE, 1u << TM_PLATFORM_KUAISHOU };
      check_review (f, id, &filter);
    }

  /* The sample spans years: quarters are worth testing on it. */
  g_assert_cmpuint (max_quarters, >=, 8);
}

static void
test_edges (Fixture *f, gconstpointer data)
{
  TmReviewFilter filter = TM_REVIEW_FILTER_INIT;
  gint a = tm_catalog_find_brand (f->catalog, "b-a");
  g_autoptr(TmReviewResult) all = NULL;
  const TmReviewQuarter *q;

  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 6);
  all = tm_review_compute (f->review, (guint) a, &filter);

  /* Newest first; 1 April twice, by id. */
  {
    const char *order[] = { "c-06", "c-04", "c-05", "c-03", "c-02", "c-01" };

    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      g_assert_cmpstr (f->catalog->cooperations[g_array_index (all->cooperations, guint32, i)].id,
                       ==, order[i]);
  }

  /* Q4 2024 (31 December), Q1 2025 (1 January to 31 March), Q2 2025
   * (1 April), the empty Q3 2025 as a row of zeros, Q4 2025. */
  g_assert_cmpuint (all->quarters->len, ==, 5);
  q = &g_array_index (all->quarters, TmReviewQuarter, 0);
  g_assert_cmpint (q->year, ==, 2024);
  g_assert_cmpint (q->quarter, ==, 4);
  g_assert_cmpuint (q->figures.n_cooperations, ==, 1);
  q++;
  g_assert_cmpint (q->year, ==, 2025);
  g_assert_cmpint (q->quarter, ==, 1);
  g_assert_cmpint (q->first_day, ==, date ("2025-01-01"));
  g_assert_cmpint (q->last_day, ==, date ("2025-03-31"));
  g_assert_cmpuint (q->figures.n_cooperations, ==, 2);
  g_assert_cmpuint (q->figures.n_streamers, ==, 2);
  /* GMV-weighted: (0.20 × 3000 + 0.05 × 2000) / 5000 yuan = 14 %, not
   * the plain mean of 12.5 %. */
  assert_close (q->figures.return_rate, 0.14, 1e-6, "Q1 return rate");
  /* Only c-02 is rated. */
  g_assert_cmpuint (q->figures.n_rated, ==, 1);
  assert_close (q->figures.rating, 5.0, 1e-6, "Q1 rating");
  assert_close (q->gmv_change, 4.0, 1e-9, "Q1 GMV change");
  q++;
  g_assert_cmpint (q->quarter, ==, 2);
  g_assert_cmpuint (q->figures.n_cooperations, ==, 2);
  g_assert_cmpint (q->figures.gmv_fen, ==, 0);
  g_assert_true (isnan (q->figures.return_rate));
  g_assert_true (isnan (q->return_rate_change));
  q++;
  g_assert_cmpint (q->quarter, ==, 3);
  g_assert_cmpuint (q->figures.n_cooperations, ==, 0);
  g_assert_cmpint (q->figures.cost_fen, ==, 0);
  assert_close (q->cost_change, -1.0, 1e-9, "Q3 fees change");
  q++;
  g_assert_cmpint (q->quarter, ==, 4);
  /* After a quarter without GMV, there is no percentage to give. */
  g_assert_true (isnan (q->gmv_change));
  g_assert_cmpint (q->complaints_change, ==, 3);

  g_assert_cmpint (all->totals.n_streamers, ==, 3);
  g_assert_cmpint (all->totals.cost_fen, ==, 5000 + 1000 + 3000 + 1000 + 7000 + 2000 + 8000);

  /* Only the cooperation whose platform was not given. */
  filter.platforms = TM_REVIEW_NO_PLATFORM;
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 1);
  filter.platforms = TM_REVIEW_NO_PLATFORM | (1u << TM_PLATFORM_TAOBAO);
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 3);
  filter.platforms = 1u << TM_PLATFORM_JD;
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 0);

  /* Bounds are inclusive, on either side of 31 March / 1 April. */
  filter = (TmReviewFilter) { date ("2025-04-01"), TM_DATE_NONE, 0 };
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 3);
  filter = (TmReviewFilter) { TM_DATE_NONE, date ("2025-03-31"), 0 };
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 3);
  filter = (TmReviewFilter) { date ("2025-03-31"), date ("2025-04-01"), 0 };
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 3);
  {
    g_autoptr(TmReviewResult) cut = tm_review_compute (f->review, (guint) a, &filter);

    g_assert_cmpuint (cut->quarters->len, ==, 2);
    g_assert_true (g_array_index (cut->quarters, TmReviewQuarter, 0).partial);
    g_assert_true (g_array_index (cut->quarters, TmReviewQuarter, 1).partial);
  }
  /* A year: 2024 holds 31 December only. */
  tm_review_filter_set_period (&filter, TM_REVIEW_PERIOD_YEAR, 2024, 0);
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 1);

  /* Nothing in the period: no rows, zeros, unknown rates. */
  filter = (TmReviewFilter) { date ("2020-01-01"), date ("2020-12-31"), 0 };
  g_assert_cmpuint (check_review (f, "b-a", &filter), ==, 0);
  {
    g_autoptr(TmReviewResult) none = tm_review_compute (f->review, (guint) a, &filter);

    g_assert_cmpuint (none->quarters->len, ==, 0);
    g_assert_cmpint (none->totals.gmv_fen, ==, 0);
    g_assert_true (isnan (none->totals.return_rate));
    g_assert_true (isnan (none->totals.rating));
  }
}

/* A brand that never cooperated, and a cooperation of a brand that is
 * not tracked, which belongs to no brand's review. */
static void
test_brand_without_cooperations (Fixture *f, gconstpointer data)
{
  gint empty = tm_catalog_find_brand (f->catalog, "b-empty");
  TmReviewFilter filter = TM_REVIEW_FILTER_INIT;
  g_autoptr(TmReviewResult) result = NULL;
  guint sum = 0;

  g_assert_cmpint (empty, >=, 0);
  g_assert_cmpuint (tm_review_count (f->review, (guint) empty), ==, 0);
  g_assert_cmpuint (check_review (f, "b-empty", &filter), ==, 0);
  result = tm_review_compute (f->review, (guint) empty, NULL);
  g_assert_cmpuint (result->cooperations->len, ==, 0);
  g_assert_cmpuint (result->quarters->len, ==, 0);
  g_assert_cmpuint (result->totals.n_streamers, ==, 0);

  for (guint b = 0; b < f->catalog->n_brands; b++)
    sum += tm_review_count (f->review, b);
  g_assert_cmpuint (sum, ==, f->catalog->n_cooperations - 1);
}

/* Every day from 2023 to 2028 lies in the quarter tm_review_quarter_of
 * names, whose range tm_review_quarter_range gives; and the next day is
 * in the same quarter or starts the next one. */
static void
test_quarter_days (void)
{
  for (TmDate d = oracle_date (2023, 1, 1); d <= oracle_date (2028, 12, 31); d++)
    {
      int year, quarter, next_year, next_quarter;
      TmDate first, last;

      tm_review_quarter_of (d, &year, &quarter);
      g_assert_cmpint (year * 4 + quarter - 1, ==, oracle_quarter_key (d));
      tm_review_quarter_range (year, quarter, &first, &last);
      g_assert_cmpint (first, <=, d);
      g_assert_cmpint (d, <=, last);
      tm_review_quarter_of (d + 1, &next_year, &next_quarter);
      if (d == last)
        {
          g_assert_cmpint (next_year * 4 + next_quarter, ==, year * 4 + quarter + 1);
          g_assert_cmpint (oracle_quarter_key (d + 1), ==, oracle_quarter_key (d) + 1);
        }
      else
        g_assert_cmpint (next_year * 4 + next_quarter, ==, year * 4 + quarter);
    }
}

static void
assert_period (TmReviewPeriod period,
               int            year,
               const char    *today,
               const char    *from,
               const char    *to)
{
  TmReviewFilter filter = { 0, 0, 7 };

  tm_review_filter_set_period (&filter, period, year, date (today));
  g_assert_cmpint (filter.from, ==, from != NULL ? date (from) : TM_DATE_NONE);
  g_assert_cmpint (filter.to, ==, to != NULL ? date (to) : TM_DATE_NONE);
  /* The platforms are left alone. */
  g_assert_cmpuint (filter.platforms, ==, 7);
}

static void
test_periods (void)
{
  assert_period (TM_REVIEW_PERIOD_ALL, 0, "2026-11-26", NULL, NULL);
  assert_period (TM_REVIEW_PERIOD_LAST_12_MONTHS, 0, "2026-11-26", "2025-11-27", "2026-11-26");
  assert_period (TM_REVIEW_PERIOD_LAST_12_MONTHS, 0, "2026-01-01", "2025-01-02", "2026-01-01");
  assert_period (TM_REVIEW_PERIOD_LAST_12_MONTHS, 0, "2028-02-29", "2027-03-01", "2028-02-29");
  assert_period (TM_REVIEW_PERIOD_THIS_YEAR, 0, "2026-11-26", "2026-01-01", "2026-12-31");
  assert_period (TM_REVIEW_PERIOD_LAST_YEAR, 0, "2026-01-01", "2025-01-01", "2025-12-31");
  assert_period (TM_REVIEW_PERIOD_YEAR, 2024, "2026-11-26", "2024-01-01", "2024-12-31");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/review/sample/brands", Fixture, NULL,
              fixture_set_up_sample, test_sample_brands, fixture_tear_down);
  g_test_add ("/review/edges/boundaries-and-filters", Fixture, NULL,
              fixture_set_up_edges, test_edges, fixture_tear_down);
  g_test_add ("/review/edges/brand-without-cooperations", Fixture, NULL,
              fixture_set_up_edges, test_brand_without_cooperations, fixture_tear_down);
  g_test_add_func ("/review/quarters/every-day", test_quarter_days);
  g_test_add_func ("/review/periods", test_periods);

  return g_test_run ();
}
