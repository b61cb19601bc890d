/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-json"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tm-generator.h"
#include "tm-json.h"
#include "tm-store.h"

#define NAME "test.json"

/* A small valid dataset, one record per line, that the rejection cases
 * below break one edit at a time. */
static const char base_json[] =
  "{\"format\":\"trustmatch-dataset\",\"version\":1,\n"
  "\"brands\":[{\"id\":\"b-1\",\"name\":\"花漾\",\"category\":\"beauty\",\"price_tier\":\"mid\","
  "\"typical_order_price_fen\":15900,\"budget_fen\":100,\"style_tags\":[{\"tag\":\"甜美\",\"weight\":0.5}],"
  "\"audience\":{\"age\":{\"under18\":0.1,\"18-24\":0.3,\"25-30\":0.3,\"31-40\":0.2,\"41-50\":0.05,\"over50\":0.05},"
  "\"gender\":{\"female\":0.8,\"male\":0.2},"
  "\"region\":{\"tier1\":0.2,\"new_tier1\":0.2,\"tier2\":0.2,\"tier3\":0.2,\"tier4\":0.2}},"
  "\"constraints\":{\"min_credit_score\":60,\"blacklist\":[\"s-2\"],\"exclusivity_days\":30},"
  "\"provenance\":{\"source\":\"manual\",\"observed\":\"2025-01-01\"}}],\n"
  "\"streamers\":[{\"id\":\"s-1\",\"name\":\"小美\",\"accounts\":[{\"platform\":\"douyin\",\"handle\":\"xm\",\"followers\":1000}],"
  "\"categories\":[\"beauty\"],\"credit\":{\"platform\":\"douyin\",\"score\":90,\"scale\":100},"
  "\"engagement_rate\":0.05,\"reviews\":{\"positive\":10,\"negative\":1},"
  "\"price_range_fen\":{\"low\":100,\"high\":900},"
  "\"provenance\":{\"source\":\"platform\",\"observed\":\"2025-01-02\"}},\n"
  "{\"id\":\"s-2\",\"name\":\"阿强\",\"accounts\":[{\"platform\":\"kuaishou\",\"handle\":\"aq\",\"followers\":5}],"
  "\"categories\":[\"food\"],\"provenance\":{\"source\":\"platform\",\"observed\":\"2025-01-02\"}}],\n"
  "\"cooperations\":[{\"id\":\"c-1\",\"streamer\":\"s-1\",\"brand\":\"b-1\",\"date\":\"2025-01-10\",\"format\":\"live\","
  "\"gmv_fen\":100000,\"orders\":10,\"return_rate\":0.1,\"complaints\":0,\"rating\":4.5,"
  "\"provenance\":{\"source\":\"export\",\"observed\":\"2025-01-11\"}}],\n"
  "\"incidents\":[{\"id\":\"i-1\",\"streamer\":\"s-2\",\"date\":\"2025-01-05\",\"kind\":\"conduct\",\"severity\":2,"
  "\"resolved\":false,\"description\":\"迟到\",\"source_url\":\"https://example.org/a\","
  "\"provenance\":{\"source\":\"manual\",\"observed\":\"2025-01-06\"}}]}\n";

static TmDataset *
load_text (const char  *text,
           gsize        length,
           GError     **error)
{
  return tm_dataset_load_data (text, length, NAME, error);
}

/* @base with @from replaced by @to; @from must occur exactly once so that a
 * case cannot silently stop testing what it says. */
static char *
mutate (const char *from,
        const char *to)
{
  const char *at = strstr (base_json, from);

  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, from));
  return g_strdup_printf ("%.*s%s%s", (int) (at - base_json), base_json, to, at + strlen (from));
}

static void
assert_message_has (const GError        *error,
                    const char * const  *needles)
{
  g_test_message ("%s", error->message);
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (error->message, needles[i]) == NULL)
      g_error ("message “%s” does not contain “%s”", error->message, needles[i]);
}


/* A store holding generated data, and its dump before any bad import: every
 * rejected input must leave it exactly so. */
static TmStore *store;
static char *store_dir;
static char *baseline_dump;

static char *
dump_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) all = tm_store_dump (store, &error);

  g_assert_no_error (error);
  return tm_dataset_to_json (all, NULL);
}

static void
open_sample_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TmDataset) dataset = NULL;
  TmGeneratorOptions options;
  const char *names[] = { "generated" };
  TmImportStats stats;

  /* A small store (the dump is compared ~100 times, also under ASan). */
  store_dir = g_dir_make_tmp ("tm-json-store-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store_dir, "test.db", NULL);
  store = tm_store_open (path, &error);
  g_assert_no_error (error);
  tm_generator_options_init (&options, 20, 11);
  dataset = tm_generator_run (&options);
  g_assert_true (tm_store_import (store, &dataset, names, 1, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, >, 200);
  baseline_dump = dump_text ();
}

static void
close_sample_store (void)
{
  g_autofree char *path = g_build_filename (store_dir, "test.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (&store);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (store_dir);
  g_clear_pointer (&store_dir, g_free);
  g_clear_pointer (&baseline_dump, g_free);
}

/* Imports the file at @path: it must fail with @code and change nothing. */
static void
assert_import_changes_nothing (const char *path,
                               int         code)
{
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  TmImportStats stats = { 0 };

  g_assert_false (tm_store_import_files (store, paths, &stats, &error));
  g_assert_error (error, TM_JSON_ERROR, code);
  after = dump_text ();
  g_assert_cmpstr (after, ==, baseline_dump);
}

static void
assert_import_text_changes_nothing (const char *text,
                                    gsize       length,
                                    int         code)
{
  g_autofree char *path = g_build_filename (store_dir, "case.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, length, &error));
  assert_import_changes_nothing (path, code);
  g_remove (path);
}

/* ------------------------------------------------------------------ */

static void
test_base_is_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = load_text (base_json, strlen (base_json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (d);
  g_assert_cmpuint (tm_dataset_n_records (d), ==, 5);
  g_assert_true (tm_dataset_check_references (d, NULL, NULL, NAME, &error));
  g_assert_no_error (error);
}

/* One edit of the base dataset, the error it must give, and words the
 * message must contain so that a user can find the problem. */
typedef struct {
  const char *path;
  const char *from;
  const char *to;
  int         code;
  const char *needles[5];
} Mutation;

static const Mutation mutations[] = {
  { "/json/reject/negative-money", "\"gmv_fen\":100000", "\"gmv_fen\":-5",
    TM_JSON_ERROR_INVALID, { NAME ": cooperations[0]", "“c-1”", "gmv_fen", "-5 is negative" } },
  { "/json/reject/negative-budget", "\"budget_fen\":100", "\"budget_fen\":-100",
    TM_JSON_ERROR_INVALID, { "brands[0]", "“b-1”", "budget_fen", "negative" } },
  { "/json/reject/rate-above-one", "\"engagement_rate\":0.05", "\"engagement_rate\":1.7",
    TM_JSON_ERROR_INVALID, { "streamers[0] (id “s-1”): engagement_rate: 1.7 is not between 0 and 1" } },
  { "/json/reject/return-rate-above-one", "\"return_rate\":0.1", "\"return_rate\":1.01",
    TM_JSON_ERROR_INVALID, { "cooperations[0]", "return_rate", "1.01" } },
  { "/json/reject/rating-above-five", "\"rating\":4.5", "\"rating\":6",
    TM_JSON_ERROR_INVALID, { "c-1", "rating", "6 is not between 0 and 5" } },
  { "/json/reject/string-for-integer", "\"orders\":10", "\"orders\":\"10\"",
    TM_JSON_ERROR_INVALID, { "c-1", "orders", "must be a number, not a string" } },
  { "/json/reject/integer-given-as-fraction", "\"orders\":10", "\"orders\":1.5",
    TM_JSON_ERROR_INVALID, { "c-1", "orders", "must be a whole number", "not 1.5" } },
  { "/json/reject/integer-given-as-double", "\"followers\":1000", "\"followers\":1000.0",
    TM_JSON_ERROR_INVALID, { "s-1", "accounts[0].followers", "whole number", "not 1000.0" } },
  { "/json/reject/integer-2-pow-70", "\"gmv_fen\":100000", "\"gmv_fen\":1180591620717411303424",
    TM_JSON_ERROR_NUMBER, { NAME ":5:", "1180591620717411303424", "64 bits" } },
  { "/json/reject/number-1e400", "\"return_rate\":0.1", "\"return_rate\":1e400",
    TM_JSON_ERROR_NUMBER, { NAME ":5:", "1e400", "too large" } },
  { "/json/reject/nan-literal", "\"return_rate\":0.1", "\"return_rate\":NaN",
    TM_JSON_ERROR_NUMBER, { NAME ":5:", "NaN" } },
  { "/json/reject/minus-infinity", "\"engagement_rate\":0.05", "\"engagement_rate\":-Infinity",
    TM_JSON_ERROR_NUMBER, { NAME ":3:", "Infinity" } },
  { "/json/reject/duplicate-id", "{\"id\":\"s-2\"", "{\"id\":\"s-1\"",
    TM_JSON_ERROR_DUPLICATE, { "streamers[1]", "“s-1”", "streamers[0]" } },
  { "/json/reject/duplicate-key", "\"orders\":10", "\"orders\":10,\"orders\":11",
    TM_JSON_ERROR_DUPLICATE, { NAME ":5:", "“orders”", "twice" } },
  { "/json/reject/missing-required-field", "\"description\":\"迟到\",", "",
    TM_JSON_ERROR_INVALID, { "incidents[0] (id “i-1”): description", "missing" } },
  { "/json/reject/missing-provenance",
    ",\"provenance\":{\"source\":\"export\",\"observed\":\"2025-01-11\"}", "",
    TM_JSON_ERROR_INVALID, { "cooperations[0]", "provenance", "missing" } },
  { "/json/reject/missing-id", "{\"id\":\"c-1\",", "{",
    TM_JSON_ERROR_INVALID, { "cooperations[0]: id", "missing" } },
  { "/json/reject/unknown-field", "\"gmv_fen\":100000", "\"gmv\":100000",
    TM_JSON_ERROR_INVALID, { "cooperations[0] (id “c-1”)", "unknown field “gmv”" } },
  { "/json/reject/unknown-top-level-field", "\"version\":1,", "\"version\":1,\"brand\":[],",
    TM_JSON_ERROR_INVALID, { NAME ": ", "unknown field “brand”" } },
  { "/json/reject/unknown-nested-field", "\"followers\":1000", "\"followers\":1000,\"fans\":3",
    TM_JSON_ERROR_INVALID, { "s-1", "accounts[0]", "unknown field “fans”" } },
  { "/json/reject/wrong-format-name", "\"trustmatch-dataset\"", "\"trustmatch-datasets\"",
    TM_JSON_ERROR_VERSION, { NAME, "not a TrustMatch dataset", "trustmatch-datasets" } },
  { "/json/reject/newer-version", "\"version\":1", "\"version\":2",
    TM_JSON_ERROR_VERSION,
    { "written by a newer TrustMatch (format version 2); this version reads version 1" } },
  { "/json/reject/version-as-string", "\"version\":1", "\"version\":\"1\"",
    TM_JSON_ERROR_VERSION, { NAME, "version" } },
  { "/json/reject/bad-date", "\"date\":\"2025-01-10\"", "\"date\":\"2025-02-30\"",
    TM_JSON_ERROR_INVALID, { "c-1", "date", "“2025-02-30” is not a real date" } },
  { "/json/reject/date-as-number", "\"date\":\"2025-01-10\"", "\"date\":20250110",
    TM_JSON_ERROR_INVALID, { "c-1", "date", "not a number" } },
  { "/json/reject/bad-observed-date", "\"observed\":\"2025-01-06\"", "\"observed\":\"06/01/2025\"",
    TM_JSON_ERROR_INVALID, { "i-1", "provenance.observed", "06/01/2025" } },
  { "/json/reject/severity-9", "\"severity\":2", "\"severity\":9",
    TM_JSON_ERROR_INVALID, { "incidents[0] (id “i-1”): severity: 9 is not between 1 and 5" } },
  { "/json/reject/resolved-not-boolean", "\"resolved\":false", "\"resolved\":\"no\"",
    TM_JSON_ERROR_INVALID, { "i-1", "resolved", "true or false" } },
  { "/json/reject/brand-and-brand-name", "\"brand\":\"b-1\",",
    "\"brand\":\"b-1\",\"brand_name\":\"某品牌\",\"brand_category\":\"food\",",
    TM_JSON_ERROR_INVALID, { "c-1", "brand", "not both" } },
  { "/json/reject/neither-brand-nor-name", "\"brand\":\"b-1\",", "",
    TM_JSON_ERROR_INVALID, { "c-1", "brand", "missing", "brand_name" } },
  { "/json/reject/brand-name-without-category", "\"brand\":\"b-1\",", "\"brand_name\":\"某品牌\",",
    TM_JSON_ERROR_INVALID, { "c-1", "brand_category", "missing" } },
  { "/json/reject/audience-not-summing", "\"female\":0.8", "\"female\":0.5",
    TM_JSON_ERROR_INVALID, { "b-1", "audience.gender", "add up to 0.7" } },
  { "/json/reject/audience-missing-bucket", "\"tier4\":0.2", "\"tier5\":0.2",
    TM_JSON_ERROR_INVALID, { "b-1", "audience.region", "tier5" } },
  { "/json/reject/bad-id-characters", "{\"id\":\"s-2\"", "{\"id\":\"s 2\"",
    TM_JSON_ERROR_INVALID, { "streamers[1]: id", "“s 2” is not a valid id" } },
  { "/json/reject/bad-source-url", "\"https://example.org/a\"", "\"javascript:alert(1)\"",
    TM_JSON_ERROR_INVALID, { "i-1", "source_url", "http://" } },
  { "/json/reject/source-url-with-space", "\"https://example.org/a\"", "\"https://example.org/a b\"",
    TM_JSON_ERROR_INVALID, { "i-1", "source_url", "space" } },
  { "/json/reject/duplicate-account",
    "{\"platform\":\"douyin\",\"handle\":\"xm\",\"followers\":1000}",
    "{\"platform\":\"douyin\",\"handle\":\"xm\",\"followers\":1000},"
    "{\"platform\":\"douyin\",\"handle\":\"xm\",\"followers\":2}",
    TM_JSON_ERROR_DUPLICATE, { "s-1", "accounts[1]", "accounts[0]", "“xm”" } },
  { "/json/reject/no-accounts",
    "[{\"platform\":\"douyin\",\"handle\":\"xm\",\"followers\":1000}]", "[]",
    TM_JSON_ERROR_INVALID, { "s-1", "accounts", "at least one" } },
  { "/json/reject/unknown-platform", "\"platform\":\"kuaishou\"", "\"platform\":\"tiktok\"",
    TM_JSON_ERROR_INVALID, { "s-2", "accounts[0].platform", "“tiktok”", "kuaishou" } },
  { "/json/reject/credit-above-scale", "\"score\":90", "\"score\":120",
    TM_JSON_ERROR_INVALID, { "s-1", "credit.score", "120 is not between 0 and 100" } },
  { "/json/reject/credit-scale-zero", "\"scale\":100", "\"scale\":0",
    TM_JSON_ERROR_INVALID, { "s-1", "credit.scale", "greater than 0" } },
  { "/json/reject/bad-category", "\"categories\":[\"food\"]", "\"categories\":[\"Food\"]",
    TM_JSON_ERROR_INVALID, { "s-2", "categories[0]", "“Food”" } },
  { "/json/reject/categories-not-array", "\"categories\":[\"food\"]", "\"categories\":\"food\"",
    TM_JSON_ERROR_INVALID, { "s-2", "categories", "must be an array, not a string" } },
  { "/json/reject/duplicate-style-tag", "{\"tag\":\"甜美\",\"weight\":0.5}",
    "{\"tag\":\"甜美\",\"weight\":0.5},{\"tag\":\"甜美\",\"weight\":0.2}",
    TM_JSON_ERROR_DUPLICATE, { "b-1", "style_tags[1].tag", "style_tags[0]" } },
  { "/json/reject/price-range-inverted", "\"high\":900", "\"high\":50",
    TM_JSON_ERROR_INVALID, { "s-1", "price_range_fen.high", "below" } },
  { "/json/reject/min-credit-score-percent", "\"min_credit_score\":60", "\"min_credit_score\":150",
    TM_JSON_ERROR_INVALID, { "b-1", "constraints.min_credit_score", "150" } },
  { "/json/reject/exclusivity-too-long", "\"exclusivity_days\":30", "\"exclusivity_days\":4000",
    TM_JSON_ERROR_INVALID, { "b-1", "constraints.exclusivity_days", "4000" } },
  { "/json/reject/control-character-in-name", "\"name\":\"阿强\"", "\"name\":\"阿\\u0007强\"",
    TM_JSON_ERROR_INVALID, { "s-2", "name", "control character" } },
  { "/json/reject/blank-name", "\"name\":\"阿强\"", "\"name\":\"   \"",
    TM_JSON_ERROR_INVALID, { "s-2", "name", "blank" } },
  { "/json/reject/unknown-figure",
    "\"categories\":[\"food\"],", "\"categories\":[\"food\"],\"figure_provenance\":{\"gmv_fen\":{}},",
    TM_JSON_ERROR_INVALID, { "s-2", "figure_provenance", "“gmv_fen”" } },
  { "/json/reject/bad-provenance-source", "\"source\":\"export\"", "\"source\":\"rumour\"",
    TM_JSON_ERROR_INVALID, { "c-1", "provenance.source", "“rumour”" } },
  { "/json/reject/record-not-object", "\"incidents\":[{", "\"incidents\":[42,{",
    TM_JSON_ERROR_INVALID, { "incidents[0]", "must be an object, not a number" } },
  { "/json/reject/nul-escape-in-string", "\"name\":\"阿强\"", "\"name\":\"阿\\u0000强\"",
    TM_JSON_ERROR_SYNTAX, { NAME ":4:", "NUL" } },
  { "/json/reject/lone-surrogate", "\"name\":\"阿强\"", "\"name\":\"\\ud800\"",
    TM_JSON_ERROR_ENCODING, { NAME ":4:", "surrogate" } },
};

static void
test_mutation (gconstpointer data)
{
  const Mutation *m = data;
  g_autofree char *text = mutate (m->from, m->to);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = load_text (text, strlen (text), &error);

  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, m->code);
  assert_message_has (error, m->needles);
  assert_import_text_changes_nothing (text, strlen (text), m->code);
}

/* Raw inputs that are not (strict) JSON at all. */
typedef struct {
  const char *path;
  const char *text;
  gssize      length;   /* -1: strlen */
  int         code;
  const char *needles[4];
} RawCase;

static const RawCase raw_cases[] = {
  { "/json/reject/empty", "", -1, TM_JSON_ERROR_EMPTY, { NAME, "empty" } },
  { "/json/reject/whitespace-only", " \n\t\r\n  ", -1, TM_JSON_ERROR_EMPTY, { NAME, "empty" } },
  { "/json/reject/truncated", "{\"format\":\"trustmatch-dataset\",\n\"version\":1,\n\"brands\":[{\"id\":",
    -1, TM_JSON_ERROR_SYNTAX, { NAME ":3:", "cut short" } },
  { "/json/reject/truncated-in-string", "{\"format\":\"trustmatch-da", -1, TM_JSON_ERROR_SYNTAX,
    { NAME ":1:11:", "not closed" } },
  { "/json/reject/line-comment", "{\n  // a comment\n  \"format\": \"trustmatch-dataset\"}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":2:3:", "comments" } },
  { "/json/reject/block-comment", "{\"version\": 1 /* one */}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:15:", "comments" } },
  { "/json/reject/single-quotes", "{'format': 'trustmatch-dataset'}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:2:", "single quotes" } },
  { "/json/reject/trailing-comma-array", "{\"brands\": [1, 2,]}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:18:", "trailing comma" } },
  { "/json/reject/trailing-comma-object", "{\"version\": 1,\n}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":2:1:", "trailing comma" } },
  { "/json/reject/two-documents", "{\"version\": 1}\n{\"version\": 2}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":2:1:", "exactly one value" } },
  { "/json/reject/leading-zeros", "{\"version\": 01}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:13:", "zero" } },
  { "/json/reject/unquoted-key", "{format: 1}", -1, TM_JSON_ERROR_SYNTAX, { NAME ":1:2:", "double quotes" } },
  { "/json/reject/bare-word", "{\"format\": trustmatch}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:12:", "“trustmatch”" } },
  { "/json/reject/raw-tab-in-string", "{\"format\": \"a\tb\"}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:14:", "U+0009" } },
  { "/json/reject/line-break-in-string", "{\"format\": \"a\nb\"}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:12:", "end of the line" } },
  { "/json/reject/bad-escape", "{\"format\": \"a\\qb\"}", -1,
    TM_JSON_ERROR_SYNTAX, { NAME ":1:14:", "\\q" } },
  { "/json/reject/invalid-utf8", "{\"format\":\n  \"trust\xff\"}", -1,
    TM_JSON_ERROR_ENCODING, { NAME ":2:9:", "UTF-8", "0xFF" } },
  { "/json/reject/overlong-utf8", "[\"\xc0\xaf\"]", -1,
    TM_JSON_ERROR_ENCODING, { NAME ":1:3:", "UTF-8" } },
  { "/json/reject/nul-byte", "{\"a\": 1}\0{}", 11, TM_JSON_ERROR_ENCODING, { NAME ":1:9:", "NUL" } },
  { "/json/reject/top-level-array", "[]", -1, TM_JSON_ERROR_VERSION, { NAME, "not a TrustMatch dataset" } },
  { "/json/reject/missing-format", "{\"version\": 1}", -1, TM_JSON_ERROR_VERSION,
    { NAME, "not a TrustMatch dataset" } },
  { "/json/reject/missing-version", "{\"format\": \"trustmatch-dataset\"}", -1,
    TM_JSON_ERROR_VERSION, { NAME, "version" } },
  { "/json/reject/sections-not-arrays", "{\"format\": \"trustmatch-dataset\", \"version\": 1, \"streamers\": {}}",
    -1, TM_JSON_ERROR_INVALID, { NAME, "streamers", "must be an array, not an object" } },
};

static void
test_raw (gconstpointer data)
{
  const RawCase *c = data;
  gsize length = c->length < 0 ? strlen (c->text) : (gsize) c->length;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = load_text (c->text, length, &error);

  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, c->code);
  assert_message_has (error, c->needles);
  assert_import_text_changes_nothing (c->text, length, c->code);
}

static void
test_deep_nesting (void)
{
  const gsize n = 100000;
  g_autofree char *text = g_malloc (2 * n);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = NULL;

  memset (text, '[', n);
  memset (text + n, ']', n);
  d = load_text (text, 2 * n, &error);
  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_NESTING);
  /* The first bracket past the limit is named. */
  g_assert_nonnull (strstr (error->message, NAME ":1:33:"));
  g_clear_error (&error);
  assert_import_text_changes_nothing (text, 2 * n, TM_JSON_ERROR_NESTING);

  /* The scan itself does not recurse: with no practical limit it walks the
   * whole thing. */
  g_assert_true (tm_json_prescan (text, 2 * n, G_MAXUINT, NAME, &error));
  g_assert_no_error (error);
}

static void
test_deep_nesting_objects (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = NULL;

  /* Unclosed, too: the scan stops before it could notice. */
  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "{\"a\":\n");
  d = load_text (text->str, text->len, &error);
  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_NESTING);
  g_assert_nonnull (strstr (error->message, NAME ":33:1:"));
}

static void
test_nesting_limit_exact (void)
{
  char text[2 * TM_JSON_MAX_DEPTH + 3];
  g_autoptr(GError) error = NULL;

  memset (text, '[', TM_JSON_MAX_DEPTH);
  memset (text + TM_JSON_MAX_DEPTH, ']', TM_JSON_MAX_DEPTH);
  g_assert_true (tm_json_prescan (text, 2 * TM_JSON_MAX_DEPTH, TM_JSON_MAX_DEPTH, NAME, &error));
  g_assert_no_error (error);

  memset (text, '[', TM_JSON_MAX_DEPTH + 1);
  memset (text + TM_JSON_MAX_DEPTH + 1, ']', TM_JSON_MAX_DEPTH + 1);
  g_assert_false (tm_json_prescan (text, 2 * TM_JSON_MAX_DEPTH + 2, TM_JSON_MAX_DEPTH, NAME, &error));
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_NESTING);
}

static void
test_prescan_accepts_strict_json (void)
{
  static const char text[] =
    "\xEF\xBB\xBF { \"a\" : [ -0, 0.5e-3, 1E+2, -9223372036854775808, 9223372036854775807,"
    " true, false, null, \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"中文\", {}, [] ] }\r\n";
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_json_prescan (text, strlen (text), 4, NAME, &error));
  g_assert_no_error (error);
}

/* The same key twice in one object is refused however many keys the
 * object has; equal keys in different objects are fine. */
static void
test_prescan_duplicate_keys (void)
{
  static const guint sizes[] = { 2, 31, 32, 33, 100 };
  static const char nested[] =
    "{\"a\":{\"b\":1,\"c\":{\"b\":2}},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{}}";
  static const char nested_twice[] = "{\"a\":{\"b\":1},\"b\":{\"a\":2},\"a\":3}";
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_json_prescan (nested, strlen (nested), 8, NAME, &error));
  g_assert_no_error (error);
  g_assert_false (tm_json_prescan (nested_twice, strlen (nested_twice), 8, NAME, &error));
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, NAME ":1:26:"));
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      guint n = sizes[i];
      g_autoptr(GString) unique = g_string_new ("{");

      for (guint k = 0; k < n; k++)
        g_string_append_printf (unique, "%s\"key%u\":{\"key%u\":%u}", k ? "," : "", k, k, k);
      g_string_append_c (unique, '}');
      g_assert_true (tm_json_prescan (unique->str, unique->len, 8, NAME, &error));
      g_assert_no_error (error);

      /* The first key again at the end, then the last key again. */
      for (guint again = 0; again < n; again += n - 1)
        {
          g_autoptr(GString) twice = g_string_new (unique->str);
          g_autofree char *needle = g_strdup_printf ("“key%u”", again);

          g_string_truncate (twice, twice->len - 1);
          g_string_append_printf (twice, ",\"key%u\":0}", again);
          g_assert_false (tm_json_prescan (twice->str, twice->len, 8, NAME, &error));
          g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_DUPLICATE);
          g_assert_nonnull (strstr (error->message, needle));
          g_clear_error (&error);
        }
    }
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-json-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_temp (const char *dir,
             const char *file)
{
  g_remove (file);
  g_rmdir (dir);
}

static void
test_huge_sparse_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = NULL;

  g_assert_true (g_file_set_contents (path, "{\"format\": \"trustmatch-dataset\"}", -1, &error));
  g_assert_cmpint (truncate (path, (off_t) 1 << 30), ==, 0);

  d = tm_dataset_load_file (path, &error);
  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.json"));
  g_assert_nonnull (strstr (error->message, "1073741824 bytes"));
  assert_import_changes_nothing (path, TM_JSON_ERROR_TOO_LARGE);

  remove_temp (dir, path);
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = tm_dataset_load_file ("/nonexistent/dir/data.json", &error);

  g_assert_null (d);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/data.json"));
}

/* A directory or a FIFO is refused at once; a FIFO must not block the
 * reader waiting for a writer. */
static void
test_not_regular_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *fifo = g_build_filename (dir, "pipe.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = NULL;

  d = tm_dataset_load_file (dir, &error);
  g_assert_null (d);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  d = tm_dataset_load_file (fifo, &error);
  g_assert_null (d);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull (strstr (error->message, "pipe.json"));

  remove_temp (dir, fifo);
}

static void
test_file_error_names_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *text = mutate ("\"severity\":2", "\"severity\":0");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  d = tm_dataset_load_file (path, &error);
  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "severity: 0 is not between 1 and 5"));

  remove_temp (dir, path);
}

/* ------------------------------------------------------------------ */
/* References                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *path;
  const char *from;
  const char *to;
  const char *needles[4];
} RefCase;

static const RefCase ref_cases[] = {
  { "/json/reference/unknown-streamer", "\"streamer\":\"s-1\",\"brand\"", "\"streamer\":\"s-9\",\"brand\"",
    { "cooperations[0] (id “c-1”): streamer", "“s-9”" } },
  { "/json/reference/unknown-brand", "\"brand\":\"b-1\"", "\"brand\":\"b-9\"",
    { "cooperations[0] (id “c-1”): brand", "“b-9”" } },
  { "/json/reference/unknown-incident-streamer", "\"streamer\":\"s-2\"", "\"streamer\":\"s-7\"",
    { "incidents[0] (id “i-1”): streamer", "“s-7”" } },
  { "/json/reference/unknown-blacklisted-streamer", "\"blacklist\":[\"s-2\"]", "\"blacklist\":[\"s-8\"]",
    { "brands[0] (id “b-1”): constraints.blacklist[0]", "“s-8”" } },
};

static void
test_reference (gconstpointer data)
{
  const RefCase *c = data;
  g_autofree char *text = mutate (c->from, c->to);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = load_text (text, strlen (text), &error);
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);

  /* Loading alone accepts it: the record may refer to the store. */
  g_assert_no_error (error);
  g_assert_nonnull (d);
  g_assert_false (tm_dataset_check_references (d, NULL, NULL, NAME, &error));
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_REFERENCE);
  assert_message_has (error, c->needles);
  g_clear_error (&error);
  assert_import_text_changes_nothing (text, strlen (text), TM_JSON_ERROR_REFERENCE);

  /* Known elsewhere (the store): fine. */
  g_hash_table_add (known, (gpointer) "s-9");
  g_hash_table_add (known, (gpointer) "s-7");
  g_hash_table_add (known, (gpointer) "s-8");
  g_hash_table_add (known, (gpointer) "b-9");
  g_assert_true (tm_dataset_check_references (d, known, known, NAME, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* Valid data                                                           */
/* ------------------------------------------------------------------ */

static TmDataset *
load_full (void)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "json-full.json", NULL);
  g_autoptr(GError) error = NULL;
  TmDataset *d = tm_dataset_load_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (d);
  return d;
}

static void
assert_date (TmDate      date,
             const char *expected)
{
  g_autofree char *text = tm_date_format (date);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_full_dataset_values (void)
{
  g_autoptr(TmDataset) d = load_full ();
  g_autoptr(GError) error = NULL;
  const TmBrand *b;
  const TmStreamer *s;
  const TmCooperation *c;
  const TmIncident *inc;
  const TmProvenance *p;
  const TmAccount *a;

  g_assert_true (d->synthetic);
  g_assert_cmpstr (d->description, ==, "测试数据：每种记录、每个字段各一例");
  g_assert_cmpuint (d->brands->len, ==, 2);
  g_assert_cmpuint (d->streamers->len, ==, 2);
  g_assert_cmpuint (d->cooperations->len, ==, 2);
  g_assert_cmpuint (d->incidents->len, ==, 2);
  g_assert_true (tm_dataset_check_references (d, NULL, NULL, NAME, &error));
  g_assert_no_error (error);

  b = g_ptr_array_index (d->brands, 0);
  g_assert_cmpstr (b->name, ==, "花漾美妆");
  g_assert_cmpstr (b->category, ==, "beauty");
  g_assert_cmpuint (b->style_tags->len, ==, 2);
  g_assert_cmpstr (g_array_index (b->style_tags, TmStyleTag, 0).tag, ==, "甜美");
  g_assert_cmpfloat (g_array_index (b->style_tags, TmStyleTag, 0).weight, ==, 0.8);
  g_assert_true (b->audience.present);
  g_assert_cmpfloat (b->audience.age[TM_AGE_18_24], ==, 0.35);
  g_assert_cmpfloat (b->audience.gender[TM_GENDER_FEMALE], ==, 0.85);
  g_assert_cmpfloat (b->audience.region[TM_REGION_NEW_TIER1], ==, 0.25);
  g_assert_cmpint (b->price_tier, ==, TM_PRICE_TIER_MID);
  g_assert_cmpint (b->typical_order_price_fen, ==, 15900);
  g_assert_cmpint (b->budget_fen, ==, 50000000);
  g_assert_cmpfloat (b->min_credit_score, ==, 80);
  g_assert_cmpuint (b->blacklist->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (b->blacklist, 0), ==, "s-bad");
  g_assert_cmpstr (g_ptr_array_index (b->competitor_brands, 1), ==, "某国货彩妆");
  g_assert_cmpstr (g_ptr_array_index (b->competitor_categories, 1), ==, "health");
  g_assert_cmpint (b->exclusivity_days, ==, 30);
  g_assert_cmpstr (b->notes, ==, "2025 春季新品\n主推口红");
  g_assert_cmpint (b->provenance.source, ==, TM_SOURCE_MANUAL);
  assert_date (b->provenance.observed, "2025-03-01");
  g_assert_cmpint (b->provenance.basis, ==, TM_BASIS_OBSERVED);
  /* A figure's provenance inherits what it does not say from the record. */
  p = tm_provenance_for (&b->provenance, b->figure_provenance, "audience");
  g_assert_cmpint (p->source, ==, TM_SOURCE_EXPORT);
  g_assert_cmpint (p->basis, ==, TM_BASIS_ESTIMATED);
  assert_date (p->observed, "2025-03-01");
  p = tm_provenance_for (&b->provenance, b->figure_provenance, "budget_fen");
  g_assert_cmpint (p->source, ==, TM_SOURCE_MANUAL);
  assert_date (p->observed, "2025-02-15");

  b = g_ptr_array_index (d->brands, 1);
  g_assert_cmpint (b->budget_fen, ==, TM_UNKNOWN_INT);
  g_assert_false (b->audience.present);
  g_assert_cmpint (b->provenance.basis, ==, TM_BASIS_MEASURED);

  s = g_ptr_array_index (d->streamers, 0);
  g_assert_cmpstr (s->name, ==, "小美在直播");
  g_assert_cmpuint (s->accounts->len, ==, 2);
  a = &g_array_index (s->accounts, TmAccount, 1);
  g_assert_cmpint (a->platform, ==, TM_PLATFORM_XIAOHONGSHU);
  g_assert_cmpstr (a->handle, ==, "小美的日常");
  g_assert_cmpint (a->followers, ==, 450000);
  g_assert_cmpuint (s->categories->len, ==, 2);
  g_assert_cmpint (s->credit_platform, ==, TM_PLATFORM_DOUYIN);
  g_assert_cmpfloat (s->credit_score, ==, 96.5);
  g_assert_cmpfloat (s->credit_scale, ==, 100);
  g_assert_cmpint (s->verification, ==, TM_VERIFICATION_VERIFIED);
  g_assert_cmpfloat (s->engagement_rate, ==, 0.047);
  g_assert_cmpint (s->avg_live_viewers, ==, 12000);
  g_assert_cmpint (s->reviews_positive, ==, 18250);
  g_assert_cmpint (s->reviews_negative, ==, 412);
  g_assert_cmpfloat (s->fake_review_share, ==, 0.03);
  g_assert_cmpfloat (s->dispute_resolution_rate, ==, 0.92);
  g_assert_cmpfloat (s->repeat_buyer_rate, ==, 0.31);
  g_assert_cmpint (s->price_low_fen, ==, 990);
  g_assert_cmpint (s->price_high_fen, ==, 39900);
  p = tm_provenance_for (&s->provenance, s->figure_provenance, "reviews.fake_share");
  g_assert_cmpint (p->source, ==, TM_SOURCE_MANUAL);
  g_assert_cmpint (p->basis, ==, TM_BASIS_ESTIMATED);

  /* Absent optional values stay unknown, not zero. */
  s = g_ptr_array_index (d->streamers, 1);
  g_assert_true (isnan (s->engagement_rate));
  g_assert_true (isnan (s->credit_score));
  g_assert_cmpint (s->credit_platform, ==, TM_PLATFORM_NONE);
  g_assert_cmpint (s->reviews_positive, ==, TM_UNKNOWN_INT);
  g_assert_cmpint (s->avg_live_viewers, ==, TM_UNKNOWN_INT);
  g_assert_cmpint (s->verification, ==, TM_VERIFICATION_UNVERIFIED);
  g_assert_cmpint (g_array_index (s->accounts, TmAccount, 0).followers, ==, 0);

  c = g_ptr_array_index (d->cooperations, 0);
  g_assert_cmpstr (c->streamer_id, ==, "s-001");
  g_assert_cmpstr (c->brand_id, ==, "b-glow");
  g_assert_null (c->brand_name);
  assert_date (c->date, "2024-11-11");
  g_assert_cmpint (c->format, ==, TM_FORMAT_LIVE);
  g_assert_cmpint (c->platform, ==, TM_PLATFORM_DOUYIN);
  g_assert_cmpint (c->gmv_fen, ==, 123456789);
  g_assert_cmpint (c->orders, ==, 8123);
  g_assert_cmpint (c->fee_fen, ==, 5000000);
  g_assert_cmpint (c->commission_fen, ==, 1851851);
  g_assert_cmpfloat (c->conversion_rate, ==, 0.1);
  g_assert_cmpfloat (c->return_rate, ==, 0.083);
  g_assert_cmpint (c->complaints, ==, 17);
  g_assert_cmpfloat (c->rating, ==, 4.6);
  g_assert_cmpstr (c->notes, ==, "双十一专场");

  c = g_ptr_array_index (d->cooperations, 1);
  g_assert_null (c->brand_id);
  g_assert_cmpstr (c->brand_name, ==, "某零食品牌");
  g_assert_cmpstr (c->brand_category, ==, "food");
  assert_date (c->date, "2024-02-29");
  g_assert_cmpint (c->format, ==, TM_FORMAT_SHORT_VIDEO);
  g_assert_cmpint (c->platform, ==, TM_PLATFORM_NONE);
  g_assert_cmpint (c->fee_fen, ==, 0);
  g_assert_cmpint (c->commission_fen, ==, 0);
  g_assert_true (isnan (c->conversion_rate));
  g_assert_true (isnan (c->rating));

  inc = g_ptr_array_index (d->incidents, 0);
  g_assert_cmpstr (inc->streamer_id, ==, "s-bad");
  assert_date (inc->date, "2024-06-18");
  g_assert_cmpint (inc->kind, ==, TM_INCIDENT_FALSE_ADVERTISING);
  g_assert_cmpint (inc->severity, ==, 4);
  g_assert_true (inc->resolved);
  g_assert_cmpstr (inc->resolution, ==, "平台处罚并公开道歉");
  g_assert_cmpstr (inc->source_url, ==, "https://example.org/news/2024/06/18");
  p = tm_provenance_for (&inc->provenance, inc->figure_provenance, "severity");
  g_assert_cmpint (p->basis, ==, TM_BASIS_ESTIMATED);

  inc = g_ptr_array_index (d->incidents, 1);
  g_assert_false (inc->resolved);
  g_assert_null (inc->resolution);
  g_assert_null (inc->source_url);
}

static void
test_round_trip (void)
{
  g_autoptr(TmDataset) d1 = load_full ();
  g_autoptr(TmDataset) d2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  gsize len1, len2;

  text1 = tm_dataset_to_json (d1, &len1);
  g_assert_cmpuint (len1, ==, strlen (text1));
  d2 = load_text (text1, len1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (d2);
  text2 = tm_dataset_to_json (d2, &len2);
  g_assert_cmpstr (text1, ==, text2);
  g_assert_cmpuint (tm_dataset_n_records (d2), ==, 8);
}

/* @text with @from, which must occur once, replaced by @to. */
static char *
replace_once (const char *text,
              const char *from,
              const char *to)
{
  const char *at = strstr (text, from);

  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, from));
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
}

/* Escapes are decoded to the UTF-8 they stand for, as json-glib decoded
 * them: a surrogate pair is one character, and keys may be escaped too.
 * \u0000 stays refused in a key as in a value. */
static void
test_escapes_decoded (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *text = NULL;
  g_autofree char *nul_key = NULL;
  g_autofree char *same_key = NULL;
  g_autoptr(TmDataset) d = NULL;
  const TmStreamer *s;
  const TmIncident *inc;

  first = mutate ("{\"id\":\"s-2\",\"name\":\"阿强\"",
                  "{\"id\":\"s\\u002d2\",\"na\\u006de\":"
                  "\"\\u963f\\u5F3A\\ud83d\\ude00 \\\"A\\\\B\\/C\\\"\"");
  text = replace_once (first, "\"description\":\"迟到\"",
                       "\"description\":\"第一行\\n\\t第二行\\u000D\"");
  d = load_text (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (d);
  s = g_ptr_array_index (d->streamers, 1);
  g_assert_cmpstr (s->id, ==, "s-2");
  g_assert_cmpstr (s->name, ==, "阿强\xF0\x9F\x98\x80 \"A\\B/C\"");
  inc = g_ptr_array_index (d->incidents, 0);
  g_assert_cmpstr (inc->description, ==, "第一行\n\t第二行\r");
  /* The blacklist's "s-2" finds the escaped id. */
  g_assert_true (tm_dataset_check_references (d, NULL, NULL, NAME, &error));
  g_assert_no_error (error);
  g_clear_pointer (&d, tm_dataset_free);

  nul_key = mutate ("\"orders\":10", "\"ord\\u0000ers\":10");
  d = load_text (nul_key, strlen (nul_key), &error);
  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_SYNTAX);
  assert_message_has (error, (const char *[]) { NAME ":5:", "NUL", NULL });
  g_clear_error (&error);

  /* Spelt differently, the same key. */
  same_key = mutate ("\"orders\":10", "\"orders\":10,\"ord\\u0065rs\":11");
  d = load_text (same_key, strlen (same_key), &error);
  g_assert_null (d);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_DUPLICATE);
  assert_message_has (error, (const char *[]) { NAME ":5:", "“orders”", "twice", NULL });
}

/* A number written without fraction or exponent is an integer, anything
 * else a double, as json-glib had it: -0 is the integer 0, 1.0 and 1e3 are
 * not whole numbers.  Doubles are the nearest to the decimal, as strtod
 * gives them (here the C compiler's reading of the same text). */
typedef struct {
  const char *from;
  const char *to;
  double      value;   /* of the field changed; NAN: the load fails */
  int         code;
  const char *needle;
} NumberCase;

static const NumberCase number_cases[] = {
  { "\"followers\":1000", "\"followers\":-0", 0, 0, NULL },
  { "\"followers\":1000", "\"followers\":1e3", NAN, TM_JSON_ERROR_INVALID, "not 1000.0" },
  { "\"followers\":1000", "\"followers\":1.0", NAN, TM_JSON_ERROR_INVALID, "not 1.0" },
  { "\"followers\":1000", "\"followers\":1E+2", NAN, TM_JSON_ERROR_INVALID, "not 100.0" },
  { "\"version\":1", "\"version\":1.0", NAN, TM_JSON_ERROR_VERSION, "whole number" },
  { "\"version\":1", "\"version\":1e0", NAN, TM_JSON_ERROR_VERSION, "whole number" },
  { "\"version\":1", "\"version\":-0", NAN, TM_JSON_ERROR_VERSION, "0 is not a format version" },
  { "\"weight\":0.5", "\"weight\":1", 1, 0, NULL },
  { "\"weight\":0.5", "\"weight\":-0.0", -0.0, 0, NULL },
  { "\"weight\":0.5", "\"weight\":2.5e-1", 2.5e-1, 0, NULL },
  { "\"weight\":0.5", "\"weight\":0.30000000000000004", 0.30000000000000004, 0, NULL },
  { "\"weight\":0.5", "\"weight\":0.1000000000000000055511151231257827",
    0.1000000000000000055511151231257827, 0, NULL },
  { "\"weight\":0.5", "\"weight\":123456789012345678e-18", 123456789012345678e-18, 0, NULL },
  { "\"weight\":0.5", "\"weight\":1E-7", 1E-7, 0, NULL },
  { "\"weight\":0.5", "\"weight\":4.9e-324", 4.9e-324, 0, NULL },
  { "\"weight\":0.5", "\"weight\":1e-400", 0, 0, NULL },
  { "\"weight\":0.5", "\"weight\":0.99999999999999999", 0.99999999999999999, 0, NULL },
};

static void
test_number_kinds (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++)
    {
      const NumberCase *c = &number_cases[i];
      g_autofree char *text = mutate (c->from, c->to);
      g_autoptr(GError) error = NULL;
      g_autoptr(TmDataset) d = load_text (text, strlen (text), &error);

      g_test_message ("%s", c->to);
      if (isnan (c->value))
        {
          g_assert_null (d);
          g_assert_error (error, TM_JSON_ERROR, c->code);
          assert_message_has (error, (const char *[]) { c->needle, NULL });
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (d);
      if (g_str_has_prefix (c->from, "\"followers\""))
        {
          const TmStreamer *s = g_ptr_array_index (d->streamers, 0);
          g_assert_cmpint (g_array_index (s->accounts, TmAccount, 0).followers, ==, c->value);
        }
      else
        {
          const TmBrand *b = g_ptr_array_index (d->brands, 0);
          double weight = g_array_index (b->style_tags, TmStyleTag, 0).weight;

          /* Bit for bit: -0.0 stays negative. */
          g_assert_cmpmem (&weight, sizeof weight, &c->value, sizeof c->value);
        }
    }
}

/* Members are found whatever their order and number: every object of the
 * full dataset with its members reversed reads the same, a record with
 * many unknown fields names the first in the file, and a key given twice
 * among many is found. */
static void
reverse_members (JsonNode *node,
                 gboolean  keep_order)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        reverse_members (json_array_get_element (array, i), FALSE);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      g_autoptr(JsonObject) reversed = json_object_new ();
      GList *names = json_object_get_members (obj);

      if (!keep_order)
        names = g_list_reverse (names);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_dup_member (obj, l->data);

          /* Figure provenance is a list kept in the file's order. */
          reverse_members (member, g_str_equal (l->data, "figure_provenance"));
          json_object_set_member (reversed, l->data, member);
        }
      g_list_free (names);
      json_node_set_object (node, reversed);
    }
}

static void
test_member_order_and_count (void)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "json-full.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d1 = load_full ();
  g_autoptr(TmDataset) d2 = NULL;
  g_autoptr(GString) many = g_string_new ("\"orders\":10");
  g_autofree char *reversed = NULL;
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *twice = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  reverse_members (json_parser_get_root (parser), FALSE);
  reversed = json_to_string (json_parser_get_root (parser), TRUE);
  g_assert_true (g_str_has_prefix (reversed, "{\n  \"incidents\""));
  d2 = load_text (reversed, strlen (reversed), &error);
  g_assert_no_error (error);
  g_assert_nonnull (d2);
  text1 = tm_dataset_to_json (d1, NULL);
  text2 = tm_dataset_to_json (d2, NULL);
  g_assert_cmpstr (text1, ==, text2);
  g_clear_pointer (&d2, tm_dataset_free);

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (many, ",\"k%02u\":%u", (i * 37) % 100, i);
  unknown = mutate ("\"orders\":10", many->str);
  d2 = load_text (unknown, strlen (unknown), &error);
  g_assert_null (d2);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_INVALID);
  assert_message_has (error, (const char *[]) { "cooperations[0]", "unknown field “k00”", NULL });
  g_clear_error (&error);

  /* k74 is the 3rd of the hundred: given again at the end. */
  g_string_append (many, ",\"k74\":0");
  twice = mutate ("\"orders\":10", many->str);
  d2 = load_text (twice, strlen (twice), &error);
  g_assert_null (d2);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_DUPLICATE);
  assert_message_has (error, (const char *[]) { NAME ":5:", "“k74”", "twice", NULL });
}

/* One thread reads datasets of very different sizes in a row, as a sync
 * does: each reads as it would alone. */
static void
test_loads_in_a_row (void)
{
  g_autoptr(TmDataset) full = load_full ();
  g_autofree char *full_text = tm_dataset_to_json (full, NULL);
  g_autofree char *big_text = NULL;
  TmGeneratorOptions options;
  g_autoptr(TmDataset) big = NULL;

  tm_generator_options_init (&options, 300, 5);
  big = tm_generator_run (&options);
  big_text = tm_dataset_to_json (big, NULL);

  for (guint round = 0; round < 3; round++)
    {
      const char *texts[] = { base_json, big_text, full_text, base_json };

      for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(TmDataset) d = load_text (texts[i], strlen (texts[i]), &error);
          g_autofree char *again = NULL;

          g_assert_no_error (error);
          g_assert_nonnull (d);
          if (texts[i] != base_json)
            {
              again = tm_dataset_to_json (d, NULL);
              g_assert_cmpstr (again, ==, texts[i]);
            }
        }
    }
}

/* The dataset writer streams record by record; it must give the same
 * text as serializing the whole tree. */
static void
test_tree_and_stream_agree (void)
{
  g_autoptr(TmDataset) d = load_full ();
  g_autoptr(JsonNode) tree = tm_dataset_to_json_node (d);
  g_autofree char *from_tree = tm_json_node_serialize (tree, TRUE, NULL);
  g_autofree char *streamed = tm_dataset_to_json (d, NULL);
  g_autofree char *compact = tm_json_node_serialize (tree, FALSE, NULL);

  g_assert_cmpstr (from_tree, ==, streamed);
  g_assert_true (g_str_has_prefix (compact, "{\"format\":\"trustmatch-dataset\",\"version\":1,"));
  g_assert_null (strchr (compact, '\n'));
}

static void
test_output_text (void)
{
  g_autoptr(TmDataset) d = load_full ();
  g_autofree char *text = tm_dataset_to_json (d, NULL);
  const char * const keys[] = {
    "\"format\"", "\"version\"", "\"synthetic\"", "\"description\"",
    "\"brands\"", "\"streamers\"", "\"cooperations\"", "\"incidents\"", NULL
  };
  const char *last = text;

  /* Chinese stays readable, not \u-escaped. */
  g_assert_nonnull (strstr (text, "\"name\": \"花漾美妆\""));
  g_assert_nonnull (strstr (text, "\"notes\": \"2025 春季新品\\n主推口红\""));
  /* Doubles in their shortest form. */
  g_assert_nonnull (strstr (text, "\"conversion_rate\": 0.1,"));
  g_assert_null (strstr (text, "0.10000000000000001"));
  /* Money stays integer. */
  g_assert_nonnull (strstr (text, "\"gmv_fen\": 123456789,"));
  /* Two-space indentation. */
  g_assert_true (g_str_has_prefix (text, "{\n  \"format\": \"trustmatch-dataset\",\n  \"version\": 1,\n"));
  for (guint i = 0; keys[i]; i++)
    {
      const char *at = strstr (text, keys[i]);
      g_assert_nonnull (at);
      g_assert_true (at >= last);
      last = at;
    }
}

static void
test_node_omits_unknown (void)
{
  g_autoptr(TmDataset) d = load_full ();
  g_autoptr(JsonNode) node = tm_streamer_to_json_node (g_ptr_array_index (d->streamers, 1));
  g_autoptr(JsonNode) coop = tm_cooperation_to_json_node (g_ptr_array_index (d->cooperations, 1));
  JsonObject *obj = json_node_get_object (node);
  JsonObjectIter iter;
  const char *key;
  JsonNode *member;
  const char *order[] = { "id", "name", "accounts", "categories", "verification", "provenance", NULL };
  guint i = 0;

  json_object_iter_init_ordered (&iter, obj);
  while (json_object_iter_next_ordered (&iter, &key, &member))
    g_assert_cmpstr (key, ==, order[i++]);
  g_assert_null (order[i]);

  obj = json_node_get_object (coop);
  g_assert_false (json_object_has_member (obj, "brand"));
  g_assert_false (json_object_has_member (obj, "platform"));
  g_assert_false (json_object_has_member (obj, "rating"));
  g_assert_cmpstr (json_object_get_string_member (obj, "brand_name"), ==, "某零食品牌");
}

static void
test_save_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "saved.json", NULL);
  g_autoptr(TmDataset) d = load_full ();
  g_autoptr(TmDataset) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = tm_dataset_to_json (d, NULL);
  g_autofree char *written = NULL;

  g_assert_true (tm_dataset_save_file (d, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &written, NULL, &error));
  g_assert_cmpstr (written, ==, expected);
  again = tm_dataset_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tm_dataset_n_records (again), ==, tm_dataset_n_records (d));

  remove_temp (dir, path);
}

static void
test_digests (void)
{
  g_autoptr(TmDataset) d1 = load_full ();
  g_autoptr(TmDataset) d2 = load_full ();
  TmBrand *b1 = g_ptr_array_index (d1->brands, 0);
  g_autoptr(TmBrand) copy = tm_brand_copy (b1);
  TmStreamer *s1 = g_ptr_array_index (d1->streamers, 0);
  TmStreamer *s2 = g_ptr_array_index (d2->streamers, 0);
  TmCooperation *c1 = g_ptr_array_index (d1->cooperations, 0);
  TmCooperation *c2 = g_ptr_array_index (d2->cooperations, 0);
  TmIncident *i1 = g_ptr_array_index (d1->incidents, 0);
  TmIncident *i2 = g_ptr_array_index (d2->incidents, 0);
  g_autofree char *db1 = tm_brand_digest (b1);
  g_autofree char *db2 = tm_brand_digest (copy);
  g_autofree char *ds1 = tm_streamer_digest (s1);
  g_autofree char *ds2 = tm_streamer_digest (s2);
  g_autofree char *dc1 = tm_cooperation_digest (c1);
  g_autofree char *dc2 = tm_cooperation_digest (c2);
  g_autofree char *di1 = tm_incident_digest (i1);
  g_autofree char *di2 = tm_incident_digest (i2);
  g_autofree char *changed_b = NULL;
  g_autofree char *changed_s = NULL;
  g_autofree char *changed_c = NULL;
  g_autofree char *changed_i = NULL;
  g_autofree char *other = tm_cooperation_digest (g_ptr_array_index (d1->cooperations, 1));

  g_assert_cmpuint (strlen (db1), ==, 64);
  g_assert_cmpstr (db1, ==, db2);
  g_assert_cmpstr (ds1, ==, ds2);
  g_assert_cmpstr (dc1, ==, dc2);
  g_assert_cmpstr (di1, ==, di2);
  g_assert_cmpstr (dc1, !=, other);

  copy->budget_fen += 1;
  changed_b = tm_brand_digest (copy);
  g_assert_cmpstr (changed_b, !=, db1);

  s2->engagement_rate = 0.048;
  changed_s = tm_streamer_digest (s2);
  g_assert_cmpstr (changed_s, !=, ds1);

  c2->return_rate = 0.084;
  changed_c = tm_cooperation_digest (c2);
  g_assert_cmpstr (changed_c, !=, dc1);

  i2->resolved = FALSE;
  changed_i = tm_incident_digest (i2);
  g_assert_cmpstr (changed_i, !=, di1);
}

/* What a digest hashes: the record's tree written compactly. */
static char *
digest_of_tree (JsonNode *node)
{
  g_autofree char *text = NULL;
  gsize length;

  text = tm_json_node_serialize (node, FALSE, &length);
  json_node_unref (node);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
}

static void
assert_digests_are_tree_text (const TmDataset *d)
{
  for (guint i = 0; i < d->brands->len; i++)
    {
      const TmBrand *r = g_ptr_array_index (d->brands, i);
      g_autofree char *fast = tm_brand_digest (r);
      g_autofree char *tree = digest_of_tree (tm_brand_to_json_node (r));
      g_assert_cmpstr (fast, ==, tree);
    }
  for (guint i = 0; i < d->streamers->len; i++)
    {
      const TmStreamer *r = g_ptr_array_index (d->streamers, i);
      g_autofree char *fast = tm_streamer_digest (r);
      g_autofree char *tree = digest_of_tree (tm_streamer_to_json_node (r));
      g_assert_cmpstr (fast, ==, tree);
    }
  for (guint i = 0; i < d->cooperations->len; i++)
    {
      const TmCooperation *r = g_ptr_array_index (d->cooperations, i);
      g_autofree char *fast = tm_cooperation_digest (r);
      g_autofree char *tree = digest_of_tree (tm_cooperation_to_json_node (r));
      g_assert_cmpstr (fast, ==, tree);
    }
  for (guint i = 0; i < d->incidents->len; i++)
    {
      const TmIncident *r = g_ptr_array_index (d->incidents, i);
      g_autofree char *fast = tm_incident_digest (r);
      g_autofree char *tree = digest_of_tree (tm_incident_to_json_node (r));
      g_assert_cmpstr (fast, ==, tree);
    }
}

static void
add_figure (GArray     *figures,
            const char *field,
            TmSource    source)
{
  TmFigureProvenance fp = { g_strdup (field), { source, tm_date_from_ymd (2024, 2, 3), TM_BASIS_ESTIMATED } };

  g_array_append_val (figures, fp);
}

/* Records built in code may hold what no file gives: unknown and odd
 * values, the same figure twice, codes out of range, far dates. */
static TmDataset *
odd_records (void)
{
  static const double doubles[] = {
    0, -0.0, 1, 0.1, 0.2 + 0.1, 1.0 / 3, 2.0 / 3, 1e-4, 9.99e-5, 1e-5, 0.00012345678,
    123456789.25, 999999999.5, 1e9, 1e15, 1e20, 5e-324, 1.7976931348623157e308, -0.5,
    -4.25, 0.123456789012345678, 4.35, 0.07, 100, 33.3,
  };
  TmDataset *d = tm_dataset_new ();

  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      double v = doubles[i];
      TmBrand *b = tm_brand_new ();
      TmStreamer *s = tm_streamer_new ();
      TmCooperation *c = tm_cooperation_new ();
      TmIncident *inc = tm_incident_new ();
      TmStyleTag tag = { i % 3 ? g_strdup ("tag \"q\" \\ \n\t\x01\x7f é") : NULL, i % 4 ? v : NAN };
      TmAccount account = { (int) i - 2, i % 5 ? g_strdup_printf ("h%u", i) : NULL, (gint64) i - 1 };

      b->id = g_strdup_printf ("b-%u", i);
      b->name = i % 2 ? g_strdup ("名字") : NULL;
      b->category = g_strdup ("beauty");
      b->price_tier = (int) i - 1;
      b->typical_order_price_fen = (gint64) i - 1;
      b->budget_fen = i % 3 ? G_MAXINT64 : -1;
      b->min_credit_score = i % 3 == 0 ? v : (i % 3 == 1 ? NAN : 0);
      b->exclusivity_days = (gint32) i % 4 - 1;
      if (i % 5 == 1)
        g_ptr_array_add (b->blacklist, g_strdup ("s-1"));
      if (i % 7 == 2)
        g_ptr_array_add (b->competitor_categories, g_strdup ("food"));
      g_array_append_val (b->style_tags, tag);
      b->audience.present = i % 2 == 0;
      for (int k = 0; k < TM_N_AGES; k++)
        b->audience.age[k] = k == (int) i % TM_N_AGES ? NAN : v;
      for (int k = 0; k < TM_N_REGIONS; k++)
        b->audience.region[k] = doubles[(i + k) % G_N_ELEMENTS (doubles)];
      b->notes = i % 2 ? g_strdup ("line\r\nnext \"quoted\"") : NULL;
      b->provenance.source = (int) i % (TM_N_SOURCES + 2) - 1;
      b->provenance.observed = i % 4 == 0 ? TM_DATE_NONE : (TmDate) (i * 1000000) - 1000000;
      b->provenance.basis = (int) i % (TM_N_BASES + 1);
      if (i % 2)
        {
          add_figure (b->figure_provenance, "budget_fen", TM_SOURCE_MANUAL);
          add_figure (b->figure_provenance, "audience", TM_SOURCE_EXPORT);
          add_figure (b->figure_provenance, NULL, TM_SOURCE_EXPORT);
          add_figure (b->figure_provenance, "budget_fen", TM_SOURCE_PLATFORM);
          add_figure (b->figure_provenance, "we\"ird", TM_SOURCE_PLATFORM);
        }
      else if (i % 4 == 2)
        add_figure (b->figure_provenance, NULL, TM_SOURCE_EXPORT);
      g_ptr_array_add (d->brands, b);

      s->id = g_strdup_printf ("s-%u", i);
      s->name = g_strdup ("主播");
      if (i % 6 != 5)
        g_array_append_val (s->accounts, account);
      else
        g_free (account.handle);
      if (i % 3)
        g_ptr_array_add (s->categories, g_strdup ("food"));
      s->credit_platform = (int) i % 3 - 1;
      s->credit_score = i % 3 ? v : NAN;
      s->credit_scale = i % 4 ? 100 : NAN;
      s->verification = (int) i % 4 - 1;
      s->engagement_rate = v;
      s->avg_live_viewers = (gint64) i - 3;
      s->reviews_positive = i % 3 ? (gint64) i : -1;
      s->reviews_negative = i % 5 ? (gint64) i * 2 : -1;
      s->fake_review_share = i % 2 ? v : NAN;
      s->dispute_resolution_rate = -v;
      s->repeat_buyer_rate = v * 3;
      s->price_low_fen = i % 4 ? (gint64) i : -1;
      s->price_high_fen = i % 3 ? (gint64) i * 7 : -1;
      s->audience = b->audience;
      s->audience.present = i % 2 == 1;
      s->provenance = b->provenance;
      if (i % 3 == 0)
        {
          add_figure (s->figure_provenance, "reviews.fake_share", TM_SOURCE_MANUAL);
          add_figure (s->figure_provenance, "reviews.fake_share", TM_SOURCE_EXPORT);
        }
      g_ptr_array_add (d->streamers, s);

      c->id = g_strdup_printf ("c-%u", i);
      c->streamer_id = i % 9 ? g_strdup (s->id) : NULL;
      if (i % 2)
        c->brand_id = g_strdup (b->id);
      else
        {
          c->brand_name = g_strdup ("Other \u2028 brand");
          c->brand_category = i % 4 ? g_strdup ("food") : NULL;
        }
      c->date = i % 5 ? (TmDate) (i * 400000) - 800000 : TM_DATE_NONE;
      c->format = (int) i % (TM_N_FORMATS + 1);
      c->platform = (int) i % (TM_N_PLATFORMS + 2) - 1;
      c->gmv_fen = (gint64) i * 1000003 - 5;
      c->orders = i;
      c->fee_fen = (gint64) i - 2;
      c->commission_fen = i % 3 ? G_MAXINT64 : -7;
      c->conversion_rate = v;
      c->return_rate = i % 2 ? v / 7 : NAN;
      c->complaints = (gint64) i - 1;
      c->rating = 5 - v;
      c->notes = i % 3 ? g_strdup ("") : NULL;
      c->provenance = b->provenance;
      if (i % 4 == 1)
        add_figure (c->figure_provenance, "gmv_fen", TM_SOURCE_EXPORT);
      g_ptr_array_add (d->cooperations, c);

      inc->id = g_strdup_printf ("i-%u", i);
      inc->streamer_id = g_strdup (s->id);
      inc->date = c->date;
      inc->kind = (int) i % (TM_N_INCIDENT_KINDS + 2) - 1;
      inc->severity = (gint32) i - 3;
      inc->resolved = (gboolean) (i % 3);
      inc->resolution = i % 2 ? g_strdup ("已解决") : NULL;
      inc->description = i % 5 ? g_strdup ("desc") : NULL;
      inc->source_url = i % 3 ? g_strdup ("https://example.org/?a=1&b=\"2\"") : NULL;
      inc->provenance = b->provenance;
      g_ptr_array_add (d->incidents, inc);
    }
  return d;
}

/* The digest is SHA-256 of exactly the compact text of the record's tree,
 * so that records equal as JSON have equal digests and digests stored by
 * an earlier version still match. */
static void
test_digest_is_tree_text (void)
{
  g_autoptr(TmDataset) full = load_full ();
  g_autoptr(TmDataset) odd = odd_records ();
  g_autoptr(TmDataset) generated = NULL;
  TmGeneratorOptions options;

  assert_digests_are_tree_text (full);
  assert_digests_are_tree_text (odd);

  tm_generator_options_init (&options, 2000, 11);
  generated = tm_generator_run (&options);
  g_assert_cmpuint (generated->cooperations->len, >, 10000);
  assert_digests_are_tree_text (generated);
}

typedef struct {
  const TmDataset *dataset;
  char           **digests;   /* one per cooperation */
  gboolean         ok;
} DigestThread;

static gpointer
digest_thread (gpointer data)
{
  DigestThread *t = data;

  t->ok = TRUE;
  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < t->dataset->cooperations->len; i++)
      {
        g_autofree char *digest = tm_cooperation_digest (g_ptr_array_index (t->dataset->cooperations, i));
        if (!g_str_equal (digest, t->digests[i]))
          t->ok = FALSE;
      }
  return NULL;
}

/* The store digests on several threads at once. */
static void
test_digest_threads (void)
{
  g_autoptr(TmDataset) d = NULL;
  g_auto(GStrv) digests = NULL;
  DigestThread threads[4];
  GThread *handles[G_N_ELEMENTS (threads)];
  TmGeneratorOptions options;

  tm_generator_options_init (&options, 300, 5);
  d = tm_generator_run (&options);
  digests = g_new0 (char *, d->cooperations->len + 1);
  for (guint i = 0; i < d->cooperations->len; i++)
    digests[i] = digest_of_tree (tm_cooperation_to_json_node (g_ptr_array_index (d->cooperations, i)));

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      threads[t] = (DigestThread) { d, digests, FALSE };
      handles[t] = g_thread_new ("digest", digest_thread, &threads[t]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_thread_join (handles[t]);
      g_assert_true (threads[t].ok);
    }
}

/* The shortest of %.15g, %.16g and %.17g that reads back as @v. */
static void
shortest_double (char   *buf,
                 gsize   size,
                 double  v)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, size, formats[i], v);
      if (g_ascii_strtod (buf, NULL) == v)
        return;
    }
}

static void
assert_double_text (double v)
{
  g_autoptr(JsonNode) node = json_node_alloc ();
  g_autofree char *text = NULL;
  char expected[G_ASCII_DTOSTR_BUF_SIZE];

  json_node_init_double (node, v);
  text = tm_json_node_serialize (node, FALSE, NULL);
  shortest_double (expected, sizeof expected, v);
  if (!g_str_equal (text, expected))
    g_error ("%.17g is written as %s, expected %s", v, text, expected);
  g_assert_true (g_ascii_strtod (text, NULL) == v);
}

/* Doubles are written in the shortest of 15, 16 or 17 digits that reads
 * back the same: decimals of every length, and any bit pattern. */
static void
test_double_text (void)
{
  static const double powers[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11 };
  static const double edges[] = {
    0, -0.0, 1e-4, 9.9999999999999e-5, 0.0001000000000000001, 1e9, 999999999.99999999,
    999999999.9999999, 1e15, 999999999999999, 9999999999999998, 0.30000000000000004,
    5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.7, 4.35, 1.005,
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240917);

  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    {
      assert_double_text (edges[i]);
      assert_double_text (-edges[i]);
    }
  for (guint i = 0; i < 200000; i++)
    {
      double scale = powers[g_rand_int_range (rand, 0, G_N_ELEMENTS (powers))];
      gint64 n = g_rand_int_range (rand, 0, 2) ? g_rand_int_range (rand, 0, 100000)
                                                : (gint64) (g_rand_double (rand) * 1e16);
      union { guint64 bits; double d; } any;

      assert_double_text (n / scale);
      assert_double_text (-(n / scale));
      any.bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      if (isfinite (any.d))
        assert_double_text (any.d);
    }
}

static void
set_provenance (TmProvenance *p,
                int           i)
{
  p->source = i % TM_N_SOURCES;
  p->basis = i % TM_N_BASES;
  p->observed = tm_date_from_ymd (2024, 1 + i % 12, 1 + i % 28);
}

/* Every code of tm-model.h is written and read back. */
static void
test_every_code (void)
{
  g_autoptr(TmDataset) d = tm_dataset_new ();
  g_autoptr(TmDataset) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char * const *categories = tm_category_known_codes ();
  guint n_categories = g_strv_length ((char **) categories);
  int n = 12;

  for (int i = 0; i < n; i++)
    {
      TmBrand *b = tm_brand_new ();
      TmStreamer *s = tm_streamer_new ();
      TmCooperation *c = tm_cooperation_new ();
      TmIncident *inc = tm_incident_new ();
      TmAccount account = { i % TM_N_PLATFORMS, g_strdup_printf ("handle%d", i), i };

      b->id = g_strdup_printf ("b-%d", i);
      b->name = g_strdup_printf ("品牌 %d", i);
      b->category = g_strdup (categories[i % n_categories]);
      b->price_tier = i % TM_N_PRICE_TIERS;
      b->typical_order_price_fen = 100 * i;
      set_provenance (&b->provenance, i);
      g_ptr_array_add (d->brands, b);

      s->id = g_strdup_printf ("s-%d", i);
      s->name = g_strdup_printf ("主播 %d", i);
      g_array_append_val (s->accounts, account);
      g_ptr_array_add (s->categories, g_strdup (categories[(i + 1) % n_categories]));
      s->verification = i % TM_N_VERIFICATIONS;
      s->credit_platform = (i + 1) % TM_N_PLATFORMS;
      s->credit_score = i;
      s->credit_scale = 12;
      set_provenance (&s->provenance, i + 1);
      g_ptr_array_add (d->streamers, s);

      c->id = g_strdup_printf ("c-%d", i);
      c->streamer_id = g_strdup (s->id);
      c->brand_id = g_strdup (b->id);
      c->date = tm_date_from_ymd (2023, 1 + i, 15);
      c->format = i % TM_N_FORMATS;
      c->platform = i % (TM_N_PLATFORMS + 1) == TM_N_PLATFORMS ? TM_PLATFORM_NONE : i % (TM_N_PLATFORMS + 1);
      c->gmv_fen = 1000 * i;
      c->orders = i;
      c->return_rate = i / 100.0;
      c->complaints = i;
      set_provenance (&c->provenance, i + 2);
      g_ptr_array_add (d->cooperations, c);

      inc->id = g_strdup_printf ("i-%d", i);
      inc->streamer_id = g_strdup (s->id);
      inc->date = tm_date_from_ymd (2022, 12, 1 + i);
      inc->kind = i % TM_N_INCIDENT_KINDS;
      inc->severity = 1 + i % 5;
      inc->description = g_strdup ("描述");
      set_provenance (&inc->provenance, i + 3);
      g_ptr_array_add (d->incidents, inc);
    }

  text = tm_dataset_to_json (d, NULL);
  back = load_text (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_true (tm_dataset_check_references (back, NULL, NULL, NAME, &error));
  g_assert_no_error (error);

  for (int i = 0; i < n; i++)
    {
      const TmBrand *b = g_ptr_array_index (back->brands, i);
      const TmStreamer *s = g_ptr_array_index (back->streamers, i);
      const TmCooperation *c = g_ptr_array_index (back->cooperations, i);
      const TmIncident *inc = g_ptr_array_index (back->incidents, i);
      g_autofree char *d1 = tm_cooperation_digest (g_ptr_array_index (d->cooperations, i));
      g_autofree char *d2 = tm_cooperation_digest (c);

      g_assert_cmpstr (b->category, ==, categories[i % n_categories]);
      g_assert_cmpint (b->price_tier, ==, i % TM_N_PRICE_TIERS);
      g_assert_cmpint (b->provenance.source, ==, i % TM_N_SOURCES);
      g_assert_cmpint (b->provenance.basis, ==, i % TM_N_BASES);
      g_assert_cmpint (g_array_index (s->accounts, TmAccount, 0).platform, ==, i % TM_N_PLATFORMS);
      g_assert_cmpint (s->credit_platform, ==, (i + 1) % TM_N_PLATFORMS);
      g_assert_cmpint (s->verification, ==, i % TM_N_VERIFICATIONS);
      g_assert_cmpint (c->format, ==, i % TM_N_FORMATS);
      g_assert_cmpint (inc->kind, ==, i % TM_N_INCIDENT_KINDS);
      g_assert_cmpint (inc->severity, ==, 1 + i % 5);
      g_assert_cmpstr (d1, ==, d2);
    }
}

/* The brand form's check: the field that is wrong, and the problem in
 * words without the file location. */
static void
test_brand_validate (void)
{
  g_autoptr(TmBrand) brand = tm_brand_new_local ("Brand");
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  TmStyleTag tag = { g_strdup ("sweet"), 0.5 };

  g_assert_true (tm_brand_validate (brand, &field, &error));
  g_assert_no_error (error);
  g_assert_null (field);

  g_free (brand->name);
  brand->name = g_strdup ("");
  g_assert_false (tm_brand_validate (brand, &field, &error));
  g_assert_cmpstr (field, ==, "name");
  g_assert_nonnull (error);
  /* No location prefix: the form shows it next to the field. */
  g_assert_false (g_str_has_prefix (error->message, "The brand"));
  g_clear_error (&error);
  g_clear_pointer (&field, g_free);
  g_free (brand->name);
  brand->name = g_strdup ("Brand");

  g_array_append_val (brand->style_tags, tag);
  tag.tag = g_strdup ("bold");
  tag.weight = 1.5;
  g_array_append_val (brand->style_tags, tag);
  g_assert_false (tm_brand_validate (brand, &field, &error));
  g_assert_cmpstr (field, ==, "style_tags[1].weight");
  g_clear_error (&error);
  g_clear_pointer (&field, g_free);
  g_array_index (brand->style_tags, TmStyleTag, 1).weight = 0.5;

  brand->audience.present = TRUE;
  brand->audience.age[1] = 0.5;
  brand->audience.age[2] = 0.3;
  brand->audience.gender[0] = 1;
  brand->audience.region[0] = 1;
  g_assert_false (tm_brand_validate (brand, &field, &error));
  g_assert_cmpstr (field, ==, "audience.age");
  g_assert_nonnull (strstr (error->message, "0.8"));
  g_clear_error (&error);
  g_clear_pointer (&field, g_free);
  brand->audience.age[2] = 0.5;

  brand->exclusivity_days = 4000;  /* over ten years */
  g_assert_false (tm_brand_validate (brand, &field, &error));
  g_assert_cmpstr (field, ==, "constraints.exclusivity_days");
  g_clear_error (&error);
  g_clear_pointer (&field, g_free);
  brand->exclusivity_days = 30;

  /* Fixed again, the brand passes, and an import would take it. */
  g_assert_true (tm_brand_validate (brand, &field, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  open_sample_store ();

  g_test_add_func ("/json/valid/base", test_base_is_valid);
  g_test_add_func ("/json/brand-validate", test_brand_validate);
  g_test_add_func ("/json/valid/full-dataset-values", test_full_dataset_values);
  g_test_add_func ("/json/valid/round-trip", test_round_trip);
  g_test_add_func ("/json/valid/output-text", test_output_text);
  g_test_add_func ("/json/valid/tree-and-stream-agree", test_tree_and_stream_agree);
  g_test_add_func ("/json/valid/node-omits-unknown", test_node_omits_unknown);
  g_test_add_func ("/json/valid/save-file", test_save_file);
  g_test_add_func ("/json/valid/digests", test_digests);
  g_test_add_func ("/json/valid/digest-is-tree-text", test_digest_is_tree_text);
  g_test_add_func ("/json/valid/digest-threads", test_digest_threads);
  g_test_add_func ("/json/valid/double-text", test_double_text);
  g_test_add_func ("/json/valid/every-code", test_every_code);
  g_test_add_func ("/json/valid/escapes-decoded", test_escapes_decoded);
  g_test_add_func ("/json/valid/number-kinds", test_number_kinds);
  g_test_add_func ("/json/valid/member-order-and-count", test_member_order_and_count);
  g_test_add_func ("/json/valid/loads-in-a-row", test_loads_in_a_row);
  g_test_add_func ("/json/prescan/strict-json", test_prescan_accepts_strict_json);
  g_test_add_func ("/json/prescan/nesting-limit", test_nesting_limit_exact);
  g_test_add_func ("/json/prescan/duplicate-keys", test_prescan_duplicate_keys);

  for (guint i = 0; i < G_N_ELEMENTS (mutations); i++)
    g_test_add_data_func (mutations[i].path, &mutations[i], test_mutation);
  for (guint i = 0; i < G_N_ELEMENTS (raw_cases); i++)
    g_test_add_data_func (raw_cases[i].path, &raw_cases[i], test_raw);
  for (guint i = 0; i < G_N_ELEMENTS (ref_cases); i++)
    g_test_add_data_func (ref_cases[i].path, &ref_cases[i], test_reference);

  g_test_add_func ("/json/reject/nested-arrays-100000", test_deep_nesting);
  g_test_add_func ("/json/reject/nested-objects-100000", test_deep_nesting_objects);
  g_test_add_func ("/json/reject/sparse-1gib-file", test_huge_sparse_file);
  g_test_add_func ("/json/reject/missing-file", test_missing_file);
  g_test_add_func ("/json/reject/not-regular-file", test_not_regular_file);
  g_test_add_func ("/json/reject/file-error-names-file", test_file_error_names_file);

  status = g_test_run ();
  close_sample_store ();
  return status;
}
