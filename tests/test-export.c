/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-export"

#include "config.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tm-catalog.h"
#include "tm-engine.h"
#include "tm-export.h"
#include "tm-json.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/* Tests of the CSV export: every cell is read back with a reader written
 * here and compared with figures taken another way (the dataset files,
 * the test's own sort of the scores). */

#define AS_OF "2026-11-01"
#define BRAND "b-001"
#define N_COLUMNS 25

enum {
  COL_RANK, COL_RANK_CHANGE, COL_ID, COL_NAME, COL_PLATFORMS, COL_FOLLOWERS,
  COL_SCORE, COL_STYLE, COL_HISTORY, COL_TRUST, COL_RISK, COL_CAP,
  COL_CONFIDENCE, COL_EXCLUSIONS, COL_CREDIT_PLATFORM, COL_CREDIT_SCORE,
  COL_CREDIT_SCALE, COL_CREDIT_SOURCE, COL_CREDIT_OBSERVED, COL_CREDIT_BASIS,
  COL_BRAND_COOPERATIONS, COL_BRAND_GMV, COL_LAST_BRAND_COOPERATION,
  COL_LAST_COOPERATION, COL_INCIDENTS,
};

/* Names a spreadsheet would run, or that CSV must quote; the first
 * sample streamers are renamed to them. */
static const char *tricky_names[] = {
  "=HYPERLINK(\"x\")",
  "+1",
  "-cmd",
  "@SUM(A1)",
  "\tTAB first",
  "老曾, the \"best\"\n第二行",
  "李佳琦直播间",
};

typedef struct {
  char       *dir;
  TmDataset  *source;     /* the sample as read from its files */
  TmStore    *store;
  TmCatalog  *catalog;
  TmEngine   *engine;
  const TmBrand *brand;
} Fixture;

static const char *sample_dir;

static TmStreamer *
source_streamer (Fixture *f, const char *id)
{
  for (guint i = 0; i < f->source->streamers->len; i++)
    {
      TmStreamer *s = f->source->streamers->pdata[i];
      if (g_str_equal (s->id, id))
        return s;
    }
  g_assert_not_reached ();
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json" };
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  TmImportStats stats;
  TmFigureProvenance fp = { 0 };
  TmDate as_of;

  f->dir = g_dir_make_tmp ("tm-export-XXXXXX", &error);
  g_assert_no_error (error);
  f->source = tm_dataset_new ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (sample_dir, names[i], NULL);
      g_autoptr(TmDataset) d = tm_dataset_load_file (path, &error);

      g_assert_no_error (error);
      tm_dataset_take_all (f->source, d);
    }
  g_assert_cmpuint (f->source->streamers->len, >, G_N_ELEMENTS (tricky_names));
  for (guint i = 0; i < G_N_ELEMENTS (tricky_names); i++)
    {
      TmStreamer *s = f->source->streamers->pdata[i];
      g_free (s->name);
      s->name = g_strdup (tricky_names[i]);
    }
  /* One credit score with its own provenance, unlike its record's. */
  fp.field = g_strdup ("credit");
  fp.provenance.source = TM_SOURCE_MANUAL;
  fp.provenance.basis = TM_BASIS_ESTIMATED;
  g_assert_true (tm_date_parse ("2025-02-28", &fp.provenance.observed));
  g_array_append_val (((TmStreamer *) f->source->streamers->pdata[1])->figure_provenance, fp);

  db = g_build_filename (f->dir, "test.db", NULL);
  f->store = tm_store_open (db, &error);
  g_assert_no_error (error);
  tm_store_import (f->store, &f->source, (const char *[]) { "sample" }, 1, &stats, &error);
  g_assert_no_error (error);
  f->catalog = tm_catalog_load (f->store, &error);
  g_assert_no_error (error);
  g_assert_true (tm_date_parse (AS_OF, &as_of));
  f->engine = tm_engine_new (f->catalog, as_of);
  f->brand = f->catalog->brands[tm_catalog_find_brand (f->catalog, BRAND)];
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tm_engine_unref (f->engine);
  tm_catalog_unref (f->catalog);
  g_object_unref (f->store);
  tm_dataset_free (f->source);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* An RFC 4180 reader, strict: records end with CRLF (the last one too),
 * a quoted field may hold commas, doubled quotes and line breaks, and a
 * bare CR or LF outside quotes fails the test. */
static GPtrArray *
parse_csv (const char *text,
           gsize       length)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text, *end = text + length;

  while (p < end)
    {
      if (*p == '"' && field->len == 0)
        {
          for (p++; p < end; p++)
            {
              if (*p == '"' && p + 1 < end && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          g_assert_true (p < end && *p == '"');
          p++;
          g_assert_true (p < end && (*p == ',' || *p == '\r'));
          continue;
        }
      if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          p++;
        }
      else if (*p == '\r')
        {
          g_assert_true (p + 1 < end && p[1] == '\n');
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          p += 2;
        }
      else
        {
          g_assert_true (*p != '\n');
          g_assert_true (*p != '"');
          g_string_append_c (field, *p++);
        }
    }
  g_assert_cmpuint (field->len, ==, 0);
  g_assert_cmpuint (row->len, ==, 0);
  g_ptr_array_unref (row);
  return rows;
}

/* What a text cell should read after the export's escaping. */
static char *
escaped (const char *text)
{
  if (text[0] != '\0' && strchr ("=+-@\t\r", text[0]) != NULL)
    return g_strconcat ("'", text, NULL);
  return g_strdup (text);
}

/* A number cell: all of it parses, '.' as separator. */
static double
number (const char *cell)
{
  char *end = NULL;
  double v;

  g_assert_cmpstr (cell, !=, "");
  v = g_ascii_strtod (cell, &end);
  g_assert_cmpstr (end, ==, "");
  return v;
}

/* Rank positions by the test's own sort: score descending, then id. */
typedef struct {
  float       score;
  const char *id;
  guint32     streamer;
} Ranked;

static int
compare_ranked (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return strcmp (x->id, y->id);
}

static guint *
own_ranks (Fixture *f, const TmWeights *weights)
{
  g_autoptr(TmRanking) ranking = tm_engine_rank (f->engine, f->brand, weights);
  guint n, k = 0;
  const TmCandidate *c = tm_ranking_get_candidates (ranking, &n);
  g_autofree Ranked *ranked = g_new (Ranked, n);
  guint *ranks = g_new0 (guint, n);

  for (guint i = 0; i < n; i++)
    if (c[i].exclusions == TM_EXCLUSION_NONE)
      ranked[k++] = (Ranked) { c[i].score, f->catalog->streamers[i].id, i };
  qsort (ranked, k, sizeof *ranked, compare_ranked);
  for (guint i = 0; i < k; i++)
    ranks[ranked[i].streamer] = i + 1;
  return ranks;
}

static GPtrArray *
export_and_parse (GPtrArray *rows, GBytes **out_bytes)
{
  g_autoptr(GBytes) bytes = tm_export_csv (rows);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  GPtrArray *parsed;

  /* The byte order mark once, at the very start. */
  g_assert_cmpuint (length, >, 3);
  g_assert_cmpmem (data, 3, "\xEF\xBB\xBF", 3);
  g_assert_null (g_strstr_len (data + 3, length - 3, "\xEF\xBB\xBF"));
  g_assert_true (g_utf8_validate (data, length, NULL));
  parsed = parse_csv (data + 3, length - 3);
  g_assert_cmpuint (parsed->len, ==, rows->len + 1);
  for (guint i = 0; i < parsed->len; i++)
    g_assert_cmpuint (((GPtrArray *) parsed->pdata[i])->len, ==, N_COLUMNS);
  if (out_bytes)
    *out_bytes = g_steal_pointer (&bytes);
  return parsed;
}

/* Every streamer of the catalog, included or not: each cell is what the
 * ranking and the source files say. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  TmWeights weights;
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(GPtrArray) rows = NULL, parsed = NULL;
  g_autofree guint32 *all = g_new (guint32, f->catalog->n_streamers);
  g_autofree guint *ranks = NULL;
  const TmCandidate *candidates;
  guint n, n_excluded = 0, n_negative_risk = 0, n_tricky = 0, n_with_brand = 0;
  GPtrArray *header;

  tm_weights_init_default (&weights);
  ranking = tm_engine_rank (f->engine, f->brand, &weights);
  candidates = tm_ranking_get_candidates (ranking, &n);
  for (guint i = 0; i < n; i++)
    all[i] = i;
  rows = tm_export_rows_new (ranking, f->store, all, n, NULL);
  parsed = export_and_parse (rows, NULL);
  ranks = own_ranks (f, &weights);

  /* The header is in the user's language: here the untranslated one. */
  header = parsed->pdata[0];
  g_assert_cmpstr (header->pdata[COL_RANK], ==, "Rank");
  g_assert_cmpstr (header->pdata[COL_NAME], ==, "Name");
  g_assert_cmpstr (header->pdata[COL_INCIDENTS], ==, "Incidents");

  for (guint r = 1; r < parsed->len; r++)
    {
      GPtrArray *cells = parsed->pdata[r];
      const char *id = cells->pdata[COL_ID];
      gint k = tm_catalog_find_streamer (f->catalog, id);
      const TmCandidate *c;
      TmStreamer *s = source_streamer (f, id);
      g_autofree char *name = escaped (s->name);
      const TmProvenance *credit_prov;
      gint64 followers = 0, gmv = 0;
      guint n_coop = 0, n_incidents = 0;
      TmDate last = TM_DATE_NONE, last_brand = TM_DATE_NONE;

      /* In the order given, the catalog's. */
      g_assert_cmpint (k, ==, (gint) r - 1);
      c = &candidates[k];
      g_assert_cmpstr (cells->pdata[COL_NAME], ==, name);
      if (!g_str_equal (name, s->name))
        n_tricky++;

      /* Rank among the included by the test's own sort; none excluded. */
      if (ranks[k] > 0)
        g_assert_cmpuint ((guint) number (cells->pdata[COL_RANK]), ==, ranks[k]);
      else
        g_assert_cmpstr (cells->pdata[COL_RANK], ==, "");
      g_assert_cmpstr (cells->pdata[COL_RANK_CHANGE], ==, "");

      g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_SCORE]), c->score, 0.0051);
      g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_STYLE]), c->style, 0.0051);
      g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_HISTORY]), c->history, 0.0051);
      g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_TRUST]), c->trust, 0.0051);
      g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_RISK]), -c->penalty, 0.0051);
      g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_CAP]), c->cap, 0.0051);
      g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_CONFIDENCE]), c->confidence * 100, 0.51);
      if (c->penalty > 0.005)
        {
          /* A negative number stays a number: no apostrophe. */
          g_assert_true (((char *) cells->pdata[COL_RISK])[0] == '-');
          n_negative_risk++;
        }

      if (c->exclusions != TM_EXCLUSION_NONE)
        {
          g_autoptr(GPtrArray) reasons = tm_engine_get_exclusions (f->engine, f->brand, k);
          const TmExclusion *first = reasons->pdata[0];
          g_autofree char *start = g_strndup (first->message, strlen (first->message) - 1);

          g_assert_cmpuint (ranks[k], ==, 0);
          g_assert_true (g_str_has_prefix (cells->pdata[COL_EXCLUSIONS], start));
          n_excluded++;
        }
      else
        g_assert_cmpstr (cells->pdata[COL_EXCLUSIONS], ==, "");

      /* Accounts, credit and history from the source files. */
      for (guint a = 0; a < s->accounts->len; a++)
        {
          TmAccount *acc = &g_array_index (s->accounts, TmAccount, a);
          g_autofree char *handle = g_strdup_printf ("@%s (%" G_GINT64_FORMAT ")", acc->handle, acc->followers);

          g_assert_nonnull (strstr (cells->pdata[COL_PLATFORMS], handle));
          g_assert_nonnull (strstr (cells->pdata[COL_PLATFORMS], tm_platform_label (acc->platform)));
          followers += acc->followers;
        }
      g_assert_cmpint ((gint64) number (cells->pdata[COL_FOLLOWERS]), ==, followers);

      credit_prov = tm_provenance_for (&s->provenance, s->figure_provenance, "credit");
      if (isnan (s->credit_score))
        {
          for (guint col = COL_CREDIT_PLATFORM; col <= COL_CREDIT_BASIS; col++)
            g_assert_cmpstr (cells->pdata[col], ==, "");
        }
      else
        {
          g_autofree char *observed = tm_date_format (credit_prov->observed);

          g_assert_cmpstr (cells->pdata[COL_CREDIT_PLATFORM], ==, tm_platform_label (s->credit_platform));
          g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_CREDIT_SCORE]), s->credit_score, 1e-4);
          g_assert_cmpfloat_with_epsilon (number (cells->pdata[COL_CREDIT_SCALE]), s->credit_scale, 1e-4);
          g_assert_cmpstr (cells->pdata[COL_CREDIT_SOURCE], ==, tm_source_label (credit_prov->source));
          g_assert_cmpstr (cells->pdata[COL_CREDIT_OBSERVED], ==, observed);
          g_assert_cmpstr (cells->pdata[COL_CREDIT_BASIS], ==, tm_basis_label (credit_prov->basis));
        }
      if (s == f->source->streamers->pdata[1])
        {
          /* The streamer given its own credit provenance above. */
          g_assert_cmpstr (cells->pdata[COL_CREDIT_SOURCE], ==, tm_source_label (TM_SOURCE_MANUAL));
          g_assert_cmpstr (cells->pdata[COL_CREDIT_OBSERVED], ==, "2025-02-28");
          g_assert_cmpstr (cells->pdata[COL_CREDIT_BASIS], ==, tm_basis_label (TM_BASIS_ESTIMATED));
        }

      for (guint i = 0; i < f->source->cooperations->len; i++)
        {
          TmCooperation *co = f->source->cooperations->pdata[i];

          if (!g_str_equal (co->streamer_id, id))
            continue;
          last = MAX (last, co->date);
          if (g_strcmp0 (co->brand_id, BRAND) == 0)
            {
              n_coop++;
              gmv += MAX (co->gmv_fen, 0);
              last_brand = MAX (last_brand, co->date);
            }
        }
      for (guint i = 0; i < f->source->incidents->len; i++)
        n_incidents += g_str_equal (((TmIncident *) f->source->incidents->pdata[i])->streamer_id, id);

      g_assert_cmpuint ((guint) number (cells->pdata[COL_BRAND_COOPERATIONS]), ==, n_coop);
      /* Exact yuan: fen / 100 with two decimals. */
      {
        g_autofree char *yuan = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", gmv / 100, (int) (gmv % 100));
        g_assert_cmpstr (cells->pdata[COL_BRAND_GMV], ==, yuan);
      }
      n_with_brand += n_coop > 0;
      {
        g_autofree char *l = last == TM_DATE_NONE ? g_strdup ("") : tm_date_format (last);
        g_autofree char *lb = last_brand == TM_DATE_NONE ? g_strdup ("") : tm_date_format (last_brand);
        g_assert_cmpstr (cells->pdata[COL_LAST_COOPERATION], ==, l);
        g_assert_cmpstr (cells->pdata[COL_LAST_BRAND_COOPERATION], ==, lb);
      }
      g_assert_cmpuint ((guint) number (cells->pdata[COL_INCIDENTS]), ==, n_incidents);

      /* No text cell starts like a formula. */
      for (guint col = 0; col < N_COLUMNS; col++)
        {
          const char *cell = cells->pdata[col];
          if (col != COL_RISK && col != COL_RANK_CHANGE)
            g_assert_null (strchr ("=+-@\t\r", cell[0] ? cell[0] : 'x'));
        }
    }
  /* The sample has what the checks above need. */
  g_assert_cmpuint (n_excluded, >, 0);
  g_assert_cmpuint (n_negative_risk, >, 0);
  g_assert_cmpuint (n_with_brand, >, 0);
  g_assert_cmpuint (n_tricky, ==, 5);
}

/* The tricky names and a Chinese one, one by one, from a top-N export. */
static void
test_escaping (Fixture *f, gconstpointer data)
{
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(GPtrArray) rows = NULL, parsed = NULL;
  TmWeights weights;
  g_autoptr(GBytes) bytes = NULL;
  guint32 sel[G_N_ELEMENTS (tricky_names)];
  const char *expected[] = {
    "'=HYPERLINK(\"x\")",
    "'+1",
    "'-cmd",
    "'@SUM(A1)",
    "'\tTAB first",
    "老曾, the \"best\"\n第二行",
    "李佳琦直播间",
  };
  const char *raw;

  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == G_N_ELEMENTS (tricky_names));
  tm_weights_init_default (&weights);
  ranking = tm_engine_rank (f->engine, f->brand, &weights);
  for (guint i = 0; i < G_N_ELEMENTS (sel); i++)
    sel[i] = tm_catalog_find_streamer (f->catalog, ((TmStreamer *) f->source->streamers->pdata[i])->id);
  rows = tm_export_rows_new (ranking, NULL, sel, G_N_ELEMENTS (sel), NULL);
  parsed = export_and_parse (rows, &bytes);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (((GPtrArray *) parsed->pdata[i + 1])->pdata[COL_NAME], ==, expected[i]);

  /* As bytes: quoted with the quotes doubled, and the formula inside the
   * quotes after the apostrophe. */
  raw = g_bytes_get_data (bytes, NULL);
  g_assert_nonnull (strstr (raw, ",\"'=HYPERLINK(\"\"x\"\")\","));
  g_assert_nonnull (strstr (raw, ",\"老曾, the \"\"best\"\"\n第二行\","));
  g_assert_nonnull (strstr (raw, ",'+1,"));
}

/* Rank changes against a baseline: signed numbers, by the test's own
 * ranking under both weights. */
static void
test_rank_change (Fixture *f, gconstpointer data)
{
  TmWeights weights, baseline;
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(GPtrArray) rows = NULL, parsed = NULL;
  g_autofree guint *ranks = NULL, *base_ranks = NULL;
  g_autofree guint32 *top = NULL;
  guint n_top, n_up = 0, n_down = 0;
  g_autoptr(GError) error = NULL;

  tm_weights_init_default (&baseline);
  tm_weights_init_default (&weights);
  g_assert_true (tm_weights_parse ("style=1,history=0.1,trust=0.1", &weights, &error));
  ranking = tm_engine_rank (f->engine, f->brand, &weights);
  top = g_new (guint32, 40);
  n_top = tm_ranking_top (ranking, 40, FALSE, top);
  g_assert_cmpuint (n_top, ==, 40);
  rows = tm_export_rows_new (ranking, f->store, top, n_top, &baseline);
  parsed = export_and_parse (rows, NULL);
  ranks = own_ranks (f, &weights);
  base_ranks = own_ranks (f, &baseline);

  for (guint r = 1; r < parsed->len; r++)
    {
      GPtrArray *cells = parsed->pdata[r];
      gint k = tm_catalog_find_streamer (f->catalog, cells->pdata[COL_ID]);
      gint change = (gint) number (cells->pdata[COL_RANK_CHANGE]);

      /* Top N in rank order. */
      g_assert_cmpuint (ranks[k], ==, r);
      g_assert_cmpuint ((guint) number (cells->pdata[COL_RANK]), ==, r);
      g_assert_cmpint (change, ==, (gint) base_ranks[k] - (gint) ranks[k]);
      n_up += change > 0;
      n_down += change < 0;
    }
  g_assert_cmpuint (n_up, >, 0);
  g_assert_cmpuint (n_down, >, 0);
}

static GStrv
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* A write that fails half-way (the file size limit, as a full disk
 * would) leaves the old file as it was and no temporary file. */
static void
test_atomic_write (Fixture *f, gconstpointer data)
{
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *path = g_build_filename (out_dir, "shortlist.csv", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing", "shortlist.csv", NULL);
  g_autoptr(GBytes) old = g_bytes_new_static ("old,content\r\n", 13);
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) names = NULL;
  struct rlimit saved, limit;
  gboolean ok;
  void (*old_handler) (int);

  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  g_assert_true (tm_export_write_file (path, old, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old,content\r\n");

  big = g_bytes_new_take (g_malloc0 (1 << 20), 1 << 20);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limit = saved;
  limit.rlim_cur = 64 * 1024;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  ok = tm_export_write_file (path, big, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old,content\r\n");
  names = list_dir (out_dir);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "shortlist.csv");
  g_clear_error (&error);

  /* A folder that does not exist: the message names the path and why. */
  g_assert_false (tm_export_write_file (missing, old, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);

  /* And a good write replaces the file whole. */
  g_assert_true (tm_export_write_file (path, big, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  {
    gsize length;
    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_cmpuint (length, ==, 1 << 20);
  }
  g_clear_pointer (&names, g_strfreev);
  names = list_dir (out_dir);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
}

static void
test_find_streamers (Fixture *f, gconstpointer data)
{
  const char *ids[] = { "s-000003", "s-000001", NULL };
  const char *bad[] = { "s-000003", "s-nope", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree guint32 *found = NULL;
  guint n = 0;

  found = tm_export_find_streamers (f->catalog, ids, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (f->catalog->streamers[found[0]].id, ==, "s-000003");
  g_assert_cmpstr (f->catalog->streamers[found[1]].id, ==, "s-000001");
  g_assert_null (tm_export_find_streamers (f->catalog, bad, &n, &error));
  g_assert_error (error, TM_EXPORT_ERROR, TM_EXPORT_ERROR_UNKNOWN_STREAMER);
  g_assert_nonnull (strstr (error->message, "s-nope"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_assert_nonnull (sample_dir);

  g_test_add ("/export/csv/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/export/csv/escaping", Fixture, NULL, fixture_set_up, test_escaping, fixture_tear_down);
  g_test_add ("/export/csv/rank-change", Fixture, NULL, fixture_set_up, test_rank_change, fixture_tear_down);
  g_test_add ("/export/write/atomic", Fixture, NULL, fixture_set_up, test_atomic_write, fixture_tear_down);
  g_test_add ("/export/find-streamers", Fixture, NULL, fixture_set_up, test_find_streamers, fixture_tear_down);
  return g_test_run ();
}
