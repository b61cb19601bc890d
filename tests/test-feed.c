/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-feed"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include "tm-feed.h"
#include "tm-json.h"
#include "tm-sha256.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/* Tests of the feed format (docs/feed-format.md): what a client accepts
 * from a server, and what the publisher writes into a folder. */

static const char *sample_dir;

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* A valid shard, the one hostile variants replace. */
#define GOOD_SHARD \
  "{\"kind\": \"streamers\", \"path\": \"sub/streamers-00.json\", \"records\": 300, " \
  "\"bytes\": 434590, \"sha256\": \"" SHA_A "\"}"

/* A manifest whose second shard (shards[1]) is @shard. */
static char *
manifest_with_shard (const char *shard)
{
  return g_strdup_printf ("{\n"
                          "  \"format\": \"trustmatch-feed\",\n"
                          "  \"version\": 1,\n"
                          "  \"generated\": \"2024-05-01T08:00:00Z\",\n"
                          "  \"publisher\": \"品牌数据组\",\n"
                          "  \"shards\": [\n"
                          "    {\"kind\": \"brands\", \"path\": \"brands-00.json\", \"records\": 12,\n"
                          "     \"bytes\": 11332, \"sha256\": \"" SHA_A "\"},\n"
                          "    %s\n"
                          "  ]\n"
                          "}\n", shard);
}

static void
test_manifest_round_trip (void)
{
  g_autofree char *text = manifest_with_shard (GOOD_SHARD);
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(TmFeedManifest) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  g_autofree char *bom = NULL;
  gsize length;
  const TmFeedShard *s;

  m = tm_feed_manifest_parse (text, strlen (text), "https://example.org/feed/manifest.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (m->generated, ==, "2024-05-01T08:00:00Z");
  g_assert_cmpstr (m->publisher, ==, "品牌数据组");
  g_assert_cmpuint (m->shards->len, ==, 2);
  s = g_ptr_array_index (m->shards, 1);
  g_assert_cmpint (s->kind, ==, TM_FEED_STREAMERS);
  g_assert_cmpstr (s->path, ==, "sub/streamers-00.json");
  g_assert_cmpint (s->records, ==, 300);
  g_assert_cmpint (s->bytes, ==, 434590);
  g_assert_cmpstr (s->sha256, ==, SHA_A);

  json = tm_feed_manifest_to_json (m, &length);
  g_assert_cmpuint (length, ==, strlen (json));
  again = tm_feed_manifest_parse (json, length, "again", &error);
  g_assert_no_error (error);
  g_assert_true (tm_feed_manifest_same_content (m, again));
  g_assert_cmpstr (again->generated, ==, m->generated);
  json2 = tm_feed_manifest_to_json (again, NULL);
  g_assert_cmpstr (json, ==, json2);

  /* An editor's byte order mark is harmless. */
  bom = g_strconcat ("\xEF\xBB\xBF", text, NULL);
  g_clear_pointer (&again, tm_feed_manifest_free);
  again = tm_feed_manifest_parse (bom, strlen (bom), "bom", &error);
  g_assert_no_error (error);
  g_assert_true (tm_feed_manifest_same_content (m, again));

  /* The publisher is optional, and so are shards (an empty feed). */
  {
    const char *empty = "{\"format\": \"trustmatch-feed\", \"version\": 1, "
                        "\"generated\": \"2024-02-29T23:59:59Z\", \"shards\": []}";
    g_autoptr(TmFeedManifest) e = tm_feed_manifest_parse (empty, strlen (empty), "empty", &error);
    g_assert_no_error (error);
    g_assert_null (e->publisher);
    g_assert_cmpuint (e->shards->len, ==, 0);
  }
}

typedef struct {
  const char *name;
  const char *shard;      /* replaces shards[1], or NULL */
  const char *whole;      /* the whole manifest, or NULL */
  const char *expect[3];  /* substrings the message must hold */
} Hostile;

static const Hostile hostile[] = {
  { "dot-dot", "{\"kind\": \"streamers\", \"path\": \"../x.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "“..”" } },
  { "absolute", "{\"kind\": \"streamers\", \"path\": \"/abs.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "“/”" } },
  { "dot-dot-inside", "{\"kind\": \"streamers\", \"path\": \"a/../b\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "a/../b" } },
  { "dot-part", "{\"kind\": \"streamers\", \"path\": \"./b.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "“.”" } },
  { "url", "{\"kind\": \"streamers\", \"path\": \"http://x/y\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "“:”" } },
  { "empty-path", "{\"kind\": \"streamers\", \"path\": \"\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "empty" } },
  { "long-path", NULL, NULL, { "shards[1]", "path", "201 bytes" } },   /* built in the test */
  { "space", "{\"kind\": \"streamers\", \"path\": \"a b.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "“ ”" } },
  { "backslash", "{\"kind\": \"streamers\", \"path\": \"a\\\\b.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "“\\”" } },
  { "percent", "{\"kind\": \"streamers\", \"path\": \"%2e%2e/x.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "“%”" } },
  { "double-slash", "{\"kind\": \"streamers\", \"path\": \"a//b.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "empty part" } },
  { "manifest-as-shard", "{\"kind\": \"streamers\", \"path\": \"manifest.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "manifest itself" } },
  { "duplicate-path", "{\"kind\": \"streamers\", \"path\": \"brands-00.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1] (“brands-00.json”)", "path", "shards[0]" } },
  { "sha-short", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"0123abcd\"}",
    NULL, { "shards[1] (“s.json”)", "sha256", "8 characters" } },
  { "sha-upper", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"ABCDEF6789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
    NULL, { "shards[1] (“s.json”)", "sha256", "“A”" } },
  { "sha-non-hex", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\"}",
    NULL, { "shards[1] (“s.json”)", "sha256", "character 64" } },
  { "sha-number", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 10, \"sha256\": 12}",
    NULL, { "shards[1] (“s.json”)", "sha256", "must be a string" } },
  { "bytes-negative", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": -1, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1] (“s.json”)", "bytes", "negative" } },
  { "bytes-huge", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 67108865, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1] (“s.json”)", "bytes", "64 MiB" } },
  { "bytes-fraction", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 1.5, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1] (“s.json”)", "bytes", "whole number" } },
  { "bytes-string", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": \"12\", \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1] (“s.json”)", "bytes", "a string" } },
  { "records-negative", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": -5, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1] (“s.json”)", "records", "negative" } },
  { "unknown-kind", "{\"kind\": \"users\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1] (“s.json”)", "kind", "“users”" } },
  { "missing-sha", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"records\": 1, \"bytes\": 10}",
    NULL, { "shards[1] (“s.json”)", "sha256", "missing" } },
  { "missing-path", "{\"kind\": \"streamers\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "path", "missing" } },
  { "unknown-key", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"url\": \"http://evil/\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "shards[1]", "unknown field", "“url”" } },
  { "duplicate-key", "{\"kind\": \"streamers\", \"path\": \"s.json\", \"path\": \"../x\", \"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
    NULL, { "“path”", "twice", "test" } },
  { "shard-not-object", "[\"s.json\"]", NULL, { "shards[1]", "must be an object", "an array" } },
  { "version-2", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 2, \"generated\": \"soon\", \"shards\": 5, \"new\": true}",
    { "newer TrustMatch", "version 2", "test" } },
  { "version-0", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 0, \"generated\": \"2024-05-01T08:00:00Z\", \"shards\": []}",
    { "version", "0 is not", "test" } },
  { "format-missing", NULL,
    "{\"version\": 1, \"generated\": \"2024-05-01T08:00:00Z\", \"shards\": []}",
    { "not a TrustMatch feed manifest", "format", "test" } },
  { "format-dataset", NULL,
    "{\"format\": \"trustmatch-dataset\", \"version\": 1, \"streamers\": []}",
    { "not a TrustMatch feed manifest", "trustmatch-dataset", "test" } },
  { "not-object", NULL, "[1, 2, 3]", { "not a TrustMatch feed manifest", "an array", "test" } },
  { "shards-not-array", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 1, \"generated\": \"2024-05-01T08:00:00Z\", \"shards\": {}}",
    { "shards", "must be an array", "an object" } },
  { "shards-missing", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 1, \"generated\": \"2024-05-01T08:00:00Z\"}",
    { "shards", "missing", "test" } },
  { "generated-bad", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 1, \"generated\": \"2024-05-01 08:00:00\", \"shards\": []}",
    { "generated", "YYYY-MM-DDThh:mm:ssZ", "2024-05-01 08:00:00" } },
  { "generated-feb-30", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 1, \"generated\": \"2023-02-29T08:00:00Z\", \"shards\": []}",
    { "generated", "YYYY-MM-DDThh:mm:ssZ", "2023-02-29" } },
  { "top-unknown-key", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 1, \"generated\": \"2024-05-01T08:00:00Z\", \"shards\": [], \"mirror\": \"x\"}",
    { "unknown field", "“mirror”", "test" } },
  { "publisher-long", NULL, NULL, { "publisher", "201 characters", "200" } },   /* built in the test */
  { "truncated", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 1, \"generated\": \"2024-05-01T08:00:00Z\", \"shards\": [{\"kind\": \"brands\", ",
    { "test", "cut short", "" } },
  { "invalid-utf8", NULL,
    "{\"format\": \"trustmatch-feed\", \"version\": 1, \"publisher\": \"\xC3\x28\", \"shards\": []}",
    { "test", "UTF-8", "0xC3" } },
  { "empty", NULL, "", { "test", "empty", "" } },
  { "single-quotes", NULL, "{'format': 'trustmatch-feed'}", { "test", "double quotes", "" } },
};

static void
test_manifest_hostile (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      const Hostile *h = &hostile[i];
      g_autofree char *text = NULL;
      g_autoptr(TmFeedManifest) m = NULL;
      g_autoptr(GError) error = NULL;

      if (g_str_equal (h->name, "long-path"))
        {
          g_autofree char *path = g_strnfill (201, 'a');
          g_autofree char *shard = g_strdup_printf ("{\"kind\": \"streamers\", \"path\": \"%s\", "
                                                    "\"records\": 1, \"bytes\": 10, \"sha256\": \""
                                                    SHA_A "\"}", path);
          text = manifest_with_shard (shard);
        }
      else if (g_str_equal (h->name, "publisher-long"))
        {
          g_autofree char *name = g_strnfill (201, 'p');
          text = g_strdup_printf ("{\"format\": \"trustmatch-feed\", \"version\": 1, "
                                  "\"generated\": \"2024-05-01T08:00:00Z\", \"publisher\": \"%s\", "
                                  "\"shards\": []}", name);
        }
      else if (h->shard)
        text = manifest_with_shard (h->shard);
      else
        text = g_strdup (h->whole);

      m = tm_feed_manifest_parse (text, strlen (text), "test", &error);
      if (m != NULL)
        g_error ("%s: accepted", h->name);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", h->name, error->message);
      g_assert_true (g_str_has_prefix (error->message, "test:"));
      for (guint k = 0; k < G_N_ELEMENTS (h->expect); k++)
        if (h->expect[k] && strstr (error->message, h->expect[k]) == NULL)
          g_error ("%s: “%s” does not mention “%s”", h->name, error->message, h->expect[k]);
    }
  g_assert_cmpuint (G_N_ELEMENTS (hostile), >=, 25);
}

static void
test_manifest_too_many_shards (void)
{
  g_autoptr(GString) text = g_string_new ("{\"format\": \"trustmatch-feed\", \"version\": 1, "
                                          "\"generated\": \"2024-05-01T08:00:00Z\", \"shards\": [");
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < TM_FEED_MAX_SHARDS + 1; i++)
    g_string_append_printf (text, "%s{\"kind\": \"cooperations\", \"path\": \"c-%05u.json\", "
                            "\"records\": 1, \"bytes\": 10, \"sha256\": \"" SHA_A "\"}",
                            i ? "," : "", i);
  g_string_append (text, "]}");
  m = tm_feed_manifest_parse (text->str, text->len, "test", &error);
  g_assert_null (m);
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "shards"));
  g_assert_nonnull (strstr (error->message, "10001"));
}

static void
test_manifest_deep_nesting (void)
{
  const guint n = 100000;
  g_autoptr(GString) text = g_string_new ("{\"format\": \"trustmatch-feed\", \"version\": 1, "
                                          "\"generated\": \"2024-05-01T08:00:00Z\", \"shards\": ");
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(GError) error = NULL;

  /* json-glib 1.6 overflows its stack on this: it must never see it. */
  for (guint i = 0; i < n; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < n; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  m = tm_feed_manifest_parse (text->str, text->len, "deep.json", &error);
  g_assert_null (m);
  g_assert_error (error, TM_JSON_ERROR, TM_JSON_ERROR_NESTING);
  g_assert_true (g_str_has_prefix (error->message, "deep.json:"));
  g_assert_nonnull (strstr (error->message, "nested"));
}

static void
test_path_rules (void)
{
  g_autofree char *longest = g_strnfill (200, 'x');
  g_autofree char *too_long = g_strnfill (201, 'x');

  g_assert_true (tm_feed_path_is_valid ("streamers-00.json"));
  g_assert_true (tm_feed_path_is_valid ("2024/05/cooperations-63.json"));
  g_assert_true (tm_feed_path_is_valid ("..a"));
  g_assert_true (tm_feed_path_is_valid (longest));
  g_assert_false (tm_feed_path_is_valid (too_long));
  g_assert_false (tm_feed_path_is_valid (""));
  g_assert_false (tm_feed_path_is_valid (NULL));
  g_assert_false (tm_feed_path_is_valid ("a/"));
  g_assert_false (tm_feed_path_is_valid ("a/./b"));
  g_assert_false (tm_feed_path_is_valid (".."));
  g_assert_false (tm_feed_path_is_valid ("//evil.example/x.json"));
  g_assert_false (tm_feed_path_is_valid ("x.json?a=1"));
  g_assert_false (tm_feed_path_is_valid ("主播.json"));
}

static void
test_check_shard_bytes (void)
{
  const char data[] = "{\"format\": \"trustmatch-dataset\", \"version\": 1}\n";
  gsize length = sizeof data - 1;
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  g_autofree char *changed = g_memdup2 (data, length + 1);
  TmFeedShard shard = { TM_FEED_BRANDS, (char *) "brands-00.json", 0, length, { 0 } };
  g_autoptr(GError) error = NULL;

  memcpy (shard.sha256, digest, 65);
  g_assert_true (tm_feed_check_shard_bytes (&shard, data, length, &error));
  g_assert_no_error (error);

  /* One byte changed: same size, another digest. */
  changed[10] = 'X';
  g_assert_false (tm_feed_check_shard_bytes (&shard, changed, length, &error));
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_CHECKSUM);
  g_assert_true (g_str_has_prefix (error->message, "brands-00.json:"));
  g_assert_nonnull (strstr (error->message, digest));
  g_clear_error (&error);

  /* Cut short, and one byte too many: the sizes are named. */
  g_assert_false (tm_feed_check_shard_bytes (&shard, data, length - 1, &error));
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_SIZE);
  {
    g_autofree char *got = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes received", length - 1);
    g_autofree char *want = g_strdup_printf ("says %" G_GSIZE_FORMAT, length);
    g_assert_nonnull (strstr (error->message, got));
    g_assert_nonnull (strstr (error->message, want));
  }
  g_clear_error (&error);
  {
    g_autofree char *longer = g_strconcat (data, " ", NULL);
    g_assert_false (tm_feed_check_shard_bytes (&shard, longer, length + 1, &error));
    g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_SIZE);
  }
}

static void
test_shard_of (void)
{
  /* Reference values of the published FNV-1a 32-bit hash, computed
   * independently with:
   *   python3 -c 'def f(s):
   *     h = 2166136261
   *     for b in s.encode(): h = ((h ^ b) * 16777619) & 0xffffffff
   *     return h'
   * ("" and "a" and "foobar" are also the test vectors of the FNV
   * reference page). */
  g_assert_cmphex (tm_feed_fnv1a (""), ==, 0x811c9dc5);
  g_assert_cmphex (tm_feed_fnv1a ("a"), ==, 0xe40c292c);
  g_assert_cmphex (tm_feed_fnv1a ("foobar"), ==, 0xbf9cf968);
  g_assert_cmphex (tm_feed_fnv1a ("s-00001"), ==, 0xe2b799f4);
  g_assert_cmphex (tm_feed_fnv1a ("主播"), ==, 0x4ec0f999);
  g_assert_cmpuint (tm_feed_shard_of ("s-00001", 8), ==, 0xe2b799f4 % 8);
  g_assert_cmpuint (tm_feed_shard_of ("主播", 8), ==, 1);
  g_assert_cmpuint (tm_feed_shard_of ("foobar", 1), ==, 0);
}

/* Publishing */

typedef struct {
  char    *dir;
  char    *feed;
  TmStore *store;
} Fixture;


static char **
sample_files (void)
{
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json" };
  char **files = g_new0 (char *, G_N_ELEMENTS (names) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    files[i] = g_build_filename (sample_dir, names[i], NULL);
  return files;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = sample_files ();
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("tm-feed-XXXXXX", &error);
  g_assert_no_error (error);
  f->feed = g_build_filename (f->dir, "feed", NULL);
  db = g_build_filename (f->dir, "store.db", NULL);
  f->store = tm_store_open (db, &error);
  g_assert_no_error (error);
  tm_store_import_files (f->store, (const char * const *) files, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->feed);
}

/* Every file of @dir: name → "mtime size sha256". */
static GHashTable *
snapshot (const char *dir)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autofree char *digest = NULL;
      gsize length;
      GStatBuf st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_true (g_file_get_contents (path, &text, &length, NULL));
      digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
      g_hash_table_insert (files, g_strdup (name),
                           g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GSIZE_FORMAT " %s",
                                            (gint64) st.st_mtime, length, digest));
    }
  return files;
}

/* Moves every file's modification time an hour into the past, so that a
 * rewrite would show. */
static void
age_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  struct utimbuf past = { time (NULL) - 3600, time (NULL) - 3600 };

  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_utime (path, &past), ==, 0);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Names whose entry differs between two snapshots (or exists in one). */
static GPtrArray *
changed_files (GHashTable *before,
               GHashTable *after)
{
  GPtrArray *changed = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (after, key)) != 0)
      g_ptr_array_add (changed, g_strdup (key));
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (before, key))
      g_ptr_array_add (changed, g_strdup (key));
  g_ptr_array_sort (changed, compare_names);
  return changed;
}

static void
test_publish_sample (Fixture *f, gconstpointer data)
{
  TmFeedPublishOptions options = { 500, "品牌数据组", NULL };
  TmFeedPublishStats stats;
  g_autoptr(TmFeedManifest) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shard_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TmStore) fresh = NULL;
  g_autofree char *fresh_db = NULL;
  g_autofree char *original = NULL;
  g_autofree char *copy = NULL;
  guint n_kind[TM_FEED_N_KINDS] = { 0 };
  guint64 records = 0;

  g_assert_true (tm_feed_publish (f->store, f->feed, &options, &stats, &error));
  g_assert_no_error (error);

  m = tm_test_read_manifest (f->feed);
  g_assert_cmpstr (m->publisher, ==, "品牌数据组");
  g_assert_cmpuint (m->shards->len, ==, stats.shards);
  g_assert_cmpuint (stats.written, ==, stats.shards);
  g_assert_cmpuint (stats.unchanged, ==, 0);
  g_assert_cmpuint (stats.removed, ==, 0);
  g_assert_true (stats.manifest_written);

  for (guint i = 0; i < m->shards->len; i++)
    {
      const TmFeedShard *s = g_ptr_array_index (m->shards, i);
      g_autofree char *path = g_build_filename (f->feed, s->path, NULL);
      g_autofree char *text = NULL;
      g_autoptr(TmDataset) d = NULL;
      g_autofree char *expected_name = NULL;
      GPtrArray *records_of[TM_FEED_N_KINDS];
      gsize length;

      g_file_get_contents (path, &text, &length, &error);
      g_assert_no_error (error);
      g_assert_true (tm_feed_check_shard_bytes (s, text, length, &error));
      g_assert_no_error (error);

      d = tm_dataset_load_file (path, &error);
      g_assert_no_error (error);
      records_of[TM_FEED_BRANDS] = d->brands;
      records_of[TM_FEED_STREAMERS] = d->streamers;
      records_of[TM_FEED_COOPERATIONS] = d->cooperations;
      records_of[TM_FEED_INCIDENTS] = d->incidents;
      /* Exactly the section the manifest names, with as many records. */
      for (guint k = 0; k < TM_FEED_N_KINDS; k++)
        g_assert_cmpuint (records_of[k]->len, ==, k == s->kind ? (guint) s->records : 0);
      g_assert_cmpint (s->records, >, 0);
      g_assert_cmpint (s->records, <=, 2 * 500);
      expected_name = g_strdup_printf ("%s-%02u.json", tm_feed_kind_code (s->kind), n_kind[s->kind]);
      g_assert_cmpstr (s->path, ==, expected_name);
      n_kind[s->kind]++;
      records += s->records;
      g_ptr_array_add (shard_paths, g_steal_pointer (&path));
    }
  g_assert_cmpuint (records, ==, 12 + 300 + 3000 + 40);
  g_assert_cmpuint (stats.records, ==, records);
  /* 3,000 cooperations at 500 a shard: 8 shards (6 would do, but N is a
   * power of two); one for each smaller kind. */
  g_assert_cmpuint (n_kind[TM_FEED_BRANDS], ==, 1);
  g_assert_cmpuint (n_kind[TM_FEED_STREAMERS], ==, 1);
  g_assert_cmpuint (n_kind[TM_FEED_COOPERATIONS], ==, 8);
  g_assert_cmpuint (n_kind[TM_FEED_INCIDENTS], ==, 1);

  /* Round trip: importing the shards gives the same store. */
  fresh_db = g_build_filename (f->dir, "fresh.db", NULL);
  fresh = tm_store_open (fresh_db, &error);
  g_assert_no_error (error);
  g_ptr_array_add (shard_paths, NULL);
  tm_store_import_files (fresh, (const char * const *) shard_paths->pdata, NULL, &error);
  g_assert_no_error (error);
  original = tm_test_dump_text (f->store);
  copy = tm_test_dump_text (fresh);
  g_assert_cmpstr (original, ==, copy);
}

static void
test_publish_twice (Fixture *f, gconstpointer data)
{
  TmFeedPublishOptions options = { 1000, NULL, "2024-05-01T08:00:00Z" };
  TmFeedPublishOptions later = { 1000, NULL, NULL };
  TmFeedPublishStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GPtrArray) changed = NULL;

  g_assert_true (tm_feed_publish (f->store, f->feed, &options, &stats, &error));
  g_assert_no_error (error);
  age_files (f->feed);
  before = snapshot (f->feed);

  /* Even at another time, the same store gives the same folder, untouched. */
  g_assert_true (tm_feed_publish (f->store, f->feed, &later, &stats, &error));
  g_assert_no_error (error);
  after = snapshot (f->feed);
  changed = changed_files (before, after);
  g_assert_cmpuint (changed->len, ==, 0);
  g_assert_cmpuint (stats.written, ==, 0);
  g_assert_cmpuint (stats.unchanged, ==, stats.shards);
  g_assert_cmpuint (stats.removed, ==, 0);
  g_assert_false (stats.manifest_written);
}

static void
test_publish_one_change (Fixture *f, gconstpointer data)
{
  TmFeedPublishOptions options = { 100, NULL, NULL };
  TmFeedPublishStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(TmDataset) dump = NULL;
  g_autoptr(TmDataset) edit = tm_dataset_new ();
  g_autoptr(TmFeedManifest) m = NULL;
  TmStreamer *streamer;
  g_autofree char *expected = NULL;
  const char *name = "tm-feed-test edited name";

  g_assert_true (tm_feed_publish (f->store, f->feed, &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.shards, >, 4);
  age_files (f->feed);
  before = snapshot (f->feed);

  /* Rename one streamer, as an import of an edited file would. */
  dump = tm_store_dump_kinds (f->store, TM_RECORD_STREAMERS, &error);
  g_assert_no_error (error);
  streamer = g_ptr_array_steal_index (dump->streamers, 17);
  g_free (streamer->name);
  streamer->name = g_strdup (name);
  g_ptr_array_add (edit->streamers, streamer);
  tm_store_import (f->store, &edit, (const char * const[]) { "edit" }, 1, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (tm_feed_publish (f->store, f->feed, &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.written, ==, 1);
  g_assert_cmpuint (stats.unchanged, ==, stats.shards - 1);
  g_assert_true (stats.manifest_written);
  after = snapshot (f->feed);
  changed = changed_files (before, after);

  /* The streamer's shard (by the hash of its id: 300 streamers at 100 a
   * shard make 4) and the manifest; nothing else. */
  expected = g_strdup_printf ("streamers-%02u.json", tm_feed_shard_of (streamer->id, 4));
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (changed, 0), ==, "manifest.json");
  g_assert_cmpstr (g_ptr_array_index (changed, 1), ==, expected);
  {
    g_autofree char *path = g_build_filename (f->feed, expected, NULL);
    g_autofree char *text = NULL;
    g_file_get_contents (path, &text, NULL, NULL);
    g_assert_nonnull (strstr (text, name));
  }
  m = tm_test_read_manifest (f->feed);
  g_assert_cmpuint (m->shards->len, ==, stats.shards);
}

static time_t
mtime_of (const char *dir,
          const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mtime;
}

/* Web servers make ETag and Last-Modified from the modification time in
 * seconds (and the size): a publish right after another, changing a
 * record to one of the same length, must still give the files it rewrites
 * a later time, or clients are told "not modified". */
static void
test_publish_same_second (Fixture *f, gconstpointer data)
{
  TmFeedPublishOptions options = { 100, NULL, NULL };
  TmFeedPublishStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) dump = NULL;
  g_autoptr(TmDataset) edit = tm_dataset_new ();
  g_autofree char *shard = NULL;
  TmStreamer *streamer;
  time_t manifest_before, shard_before;

  g_assert_true (tm_feed_publish (f->store, f->feed, &options, &stats, &error));
  g_assert_no_error (error);

  dump = tm_store_dump_kinds (f->store, TM_RECORD_STREAMERS, &error);
  g_assert_no_error (error);
  streamer = g_ptr_array_steal_index (dump->streamers, 5);
  shard = g_strdup_printf ("streamers-%02u.json", tm_feed_shard_of (streamer->id, 4));
  manifest_before = mtime_of (f->feed, TM_FEED_MANIFEST_NAME);
  shard_before = mtime_of (f->feed, shard);

  /* As many bytes as before. */
  {
    char *same_length = g_strnfill (strlen (streamer->name), 'x');

    g_free (streamer->name);
    streamer->name = same_length;
  }
  g_ptr_array_add (edit->streamers, streamer);
  tm_store_import (f->store, &edit, (const char * const[]) { "edit" }, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tm_feed_publish (f->store, f->feed, &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.written, ==, 1);

  g_assert_cmpint (mtime_of (f->feed, TM_FEED_MANIFEST_NAME), >, manifest_before);
  g_assert_cmpint (mtime_of (f->feed, shard), >, shard_before);
}

static void
test_publish_shrink (Fixture *f, gconstpointer data)
{
  TmFeedPublishOptions small = { 100, NULL, NULL };
  TmFeedPublishStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) smaller = NULL;
  g_autoptr(TmFeedManifest) m = NULL;
  g_autofree char *readme = g_build_filename (f->feed, "README.txt", NULL);
  g_autofree char *other = g_build_filename (f->feed, "streamers-notes.json", NULL);
  g_autofree char *db = g_build_filename (f->dir, "smaller.db", NULL);
  g_autofree char *brands = g_build_filename (sample_dir, "brands.json", NULL);
  g_autofree char *streamers = g_build_filename (sample_dir, "streamers.json", NULL);
  g_autofree char *shard = NULL;
  guint first_shards;

  g_assert_true (tm_feed_publish (f->store, f->feed, &small, &stats, &error));
  g_assert_no_error (error);
  first_shards = stats.shards;
  /* 300 streamers: 4 shards; 3,000 cooperations: 32; 40 incidents and
   * 12 brands: one each. */
  g_assert_cmpuint (first_shards, ==, 4 + 32 + 1 + 1);
  g_file_set_contents (readme, "Our team feed.\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (other, "{}", -1, &error);
  g_assert_no_error (error);

  /* More records a shard: N shrinks, the shards past it go. */
  g_assert_true (tm_feed_publish (f->store, f->feed, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.shards, ==, 4);
  g_assert_cmpuint (stats.removed, ==, first_shards - 4);
  m = tm_test_read_manifest (f->feed);
  g_assert_cmpuint (m->shards->len, ==, 4);
  shard = g_build_filename (f->feed, "cooperations-31.json", NULL);
  g_assert_false (g_file_test (shard, G_FILE_TEST_EXISTS));
  g_clear_pointer (&shard, g_free);
  shard = g_build_filename (f->feed, "cooperations-00.json", NULL);
  g_assert_true (g_file_test (shard, G_FILE_TEST_EXISTS));

  /* A store without cooperations and incidents: their shards go. */
  smaller = tm_store_open (db, &error);
  g_assert_no_error (error);
  tm_store_import_files (smaller, (const char * const[]) { brands, streamers, NULL }, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tm_feed_publish (smaller, f->feed, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.shards, ==, 2);
  g_assert_cmpuint (stats.removed, ==, 2);
  g_assert_cmpuint (stats.unchanged, ==, 2);
  g_assert_false (g_file_test (shard, G_FILE_TEST_EXISTS));

  /* Files that are not the publisher's shards stay. */
  g_assert_true (g_file_test (readme, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  {
    g_autoptr(GHashTable) files = snapshot (f->feed);
    /* manifest, brands-00, streamers-00, README, notes */
    g_assert_cmpuint (g_hash_table_size (files), ==, 5);
  }
}

static void
test_publish_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (f->dir, "not-a-folder", NULL);
  g_autofree char *long_name = g_strnfill (201, 'n');
  TmFeedPublishOptions tiny = { 0, NULL, NULL };

  /* The folder is a file: the error names it. */
  g_file_set_contents (file, "x", -1, &error);
  g_assert_no_error (error);
  g_assert_false (tm_feed_publish (f->store, file, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
  g_assert_nonnull (strstr (error->message, file));
  g_clear_error (&error);

  /* A publisher name past the limit: refused before anything is written. */
  tiny.publisher = long_name;
  g_assert_false (tm_feed_publish (f->store, f->feed, &tiny, NULL, &error));
  g_assert_error (error, TM_FEED_ERROR, TM_FEED_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "201"));
  g_assert_false (g_file_test (f->feed, G_FILE_TEST_EXISTS));
}

/* The shard checks and record digests use nettle; what they compute must
 * be what every earlier store and feed holds: GChecksum's SHA-256, in
 * lowercase hex.  Lengths around the 64-byte block, and a text fed in
 * pieces, as the record digests do. */
static void
test_sha256_matches_glib (void)
{
  static const gsize lengths[] = { 0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 100000 };
  g_autofree guint8 *data = g_malloc (100000);
  g_autoptr(TmSha256) sha = tm_sha256_new ();

  for (gsize i = 0; i < 100000; i++)
    data[i] = (guint8) (i * 131 + (i >> 7));

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, lengths[i]);
      char got[TM_SHA256_HEX_SIZE];
      gsize half = lengths[i] / 3;

      tm_sha256_data (data, lengths[i], got);
      g_assert_cmpstr (got, ==, want);

      /* In two pieces, on a context reused after the last digest. */
      tm_sha256_update (sha, data, half);
      tm_sha256_update (sha, data + half, lengths[i] - half);
      tm_sha256_hex (sha, got);
      g_assert_cmpstr (got, ==, want);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_assert_nonnull (sample_dir);

  g_test_add_func ("/feed/manifest/round-trip", test_manifest_round_trip);
  g_test_add_func ("/feed/manifest/hostile", test_manifest_hostile);
  g_test_add_func ("/feed/manifest/too-many-shards", test_manifest_too_many_shards);
  g_test_add_func ("/feed/manifest/deep-nesting", test_manifest_deep_nesting);
  g_test_add_func ("/feed/path-rules", test_path_rules);
  g_test_add_func ("/feed/check-shard-bytes", test_check_shard_bytes);
  g_test_add_func ("/feed/shard-of", test_shard_of);
  g_test_add_func ("/feed/sha256-matches-glib", test_sha256_matches_glib);
  g_test_add ("/feed/publish/sample", Fixture, NULL, fixture_set_up, test_publish_sample, fixture_tear_down);
  g_test_add ("/feed/publish/twice-unchanged", Fixture, NULL, fixture_set_up, test_publish_twice, fixture_tear_down);
  g_test_add ("/feed/publish/one-change", Fixture, NULL, fixture_set_up, test_publish_one_change, fixture_tear_down);
  g_test_add ("/feed/publish/same-second-moves-mtime", Fixture, NULL, fixture_set_up, test_publish_same_second, fixture_tear_down);
  g_test_add ("/feed/publish/shrink-removes-stale", Fixture, NULL, fixture_set_up, test_publish_shrink, fixture_tear_down);
  g_test_add ("/feed/publish/errors", Fixture, NULL, fixture_set_up, test_publish_errors, fixture_tear_down);

  return g_test_run ();
}
