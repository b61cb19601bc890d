/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-test-utils"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "app/core/tm-json.h"

#include "tm-test-utils.h"

void
tm_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* A link to a folder is removed as a link, never followed. */
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      tm_test_remove_tree (child);
    }
  g_remove (path);
}

void
tm_test_copy_tree (const char *from,
                   const char *to)
{
  g_autoptr(GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (to, 0700), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *source = g_build_filename (from, name, NULL);
      g_autofree char *target = g_build_filename (to, name, NULL);

      if (g_file_test (source, G_FILE_TEST_IS_DIR))
        tm_test_copy_tree (source, target);
      else
        {
          g_autoptr(GFile) a = g_file_new_for_path (source);
          g_autoptr(GFile) b = g_file_new_for_path (target);
          g_autoptr(GError) error = NULL;

          g_file_copy (a, b, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
    }
}

char *
tm_test_dump_text (TmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDataset) d = NULL;

  g_assert_nonnull (store);
  d = tm_store_dump (store, &error);
  g_assert_no_error (error);
  return tm_dataset_to_json (d, NULL);
}

char *
tm_test_feed_state_text (TmStore  *store,
                         gboolean  with_time)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) feeds = tm_store_list_feeds (store, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < feeds->len; i++)
    {
      TmFeedState *s = g_ptr_array_index (feeds, i);

      g_string_append_printf (out, "%s %s %s %s %s %" G_GINT64_FORMAT "\n", s->url,
                              with_time ? s->last_success : "-", s->manifest_etag,
                              s->manifest_last_modified, s->generated, s->n_records);
      for (guint j = 0; j < s->shards->len; j++)
        {
          TmFeedShardState *sh = g_ptr_array_index (s->shards, j);

          g_string_append_printf (out, "  %s %d %" G_GINT64_FORMAT " %s %s %s\n", sh->path, sh->kind,
                                  sh->records, sh->sha256, sh->etag, sh->last_modified);
        }
    }
  return g_string_free (out, FALSE);
}

TmFeedManifest *
tm_test_read_manifest (const char *feed_dir)
{
  g_autofree char *path = g_build_filename (feed_dir, TM_FEED_MANIFEST_NAME, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  TmFeedManifest *m;
  gsize length;

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);
  m = tm_feed_manifest_parse (text, length, path, &error);
  g_assert_no_error (error);
  return m;
}

char *
tm_test_changed_shard (const TmFeedManifest *before,
                       const TmFeedManifest *after)
{
  char *changed = NULL;

  g_assert_cmpuint (after->shards->len, ==, before->shards->len);
  for (guint i = 0; i < after->shards->len; i++)
    {
      TmFeedShard *a = g_ptr_array_index (after->shards, i);
      TmFeedShard *o = g_ptr_array_index (before->shards, i);

      g_assert_cmpstr (a->path, ==, o->path);
      if (strcmp (a->sha256, o->sha256) != 0)
        {
          g_assert_null (changed);
          changed = g_strdup (a->path);
        }
    }
  g_assert_nonnull (changed);
  return changed;
}

void
tm_test_make_sample_feed (const char *sample_dir,
                          const char *dir)
{
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json", NULL };
  g_auto(GStrv) files = g_new0 (char *, G_N_ELEMENTS (names));
  TmFeedPublishOptions options = { 100, "test", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (dir, "source.db", NULL);
  g_autofree char *feed = g_build_filename (dir, "feed", NULL);
  g_autoptr(TmStore) store = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    files[i] = g_build_filename (sample_dir, names[i], NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  store = tm_store_open (db, &error);
  g_assert_no_error (error);
  tm_store_import_files (store, (const char * const *) files, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tm_feed_publish (store, feed, &options, NULL, &error));
  g_assert_no_error (error);
}

TmCatalog *
tm_test_load_sample_catalog (void)
{
  const char *sample = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json" };
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_auto(GStrv) files = g_new0 (char *, G_N_ELEMENTS (names) + 1);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  TmCatalog *catalog;

  g_assert_nonnull (sample);
  dir = g_dir_make_tmp ("tm-sample-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "test.db", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    files[i] = g_build_filename (sample, names[i], NULL);
  store = tm_store_open (db, &error);
  g_assert_no_error (error);
  tm_store_import_files (store, (const char * const *) files, NULL, &error);
  g_assert_no_error (error);
  catalog = tm_catalog_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (catalog->n_streamers, >, 100);
  g_clear_object (&store);
  tm_test_remove_tree (dir);
  return catalog;
}
