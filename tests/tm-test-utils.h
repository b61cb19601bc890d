/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-test-utils.h: helpers every test suite needs.
 */
#pragma once

#include <glib.h>

#include "app/core/tm-feed.h"
#include "app/core/tm-store-feed.h"
#include "app/core/tm-catalog.h"

G_BEGIN_DECLS

/* Deletes @path and everything below it, without following symbolic
 * links; what cannot be deleted is left. */
void tm_test_remove_tree (const char *path);

/* Imports the sample data ($TRUSTMATCH_SAMPLE_DIR) into a new store in a
 * temporary folder, loads its catalog (over 100 streamers) and deletes
 * the folder again: the catalog lives in memory. */
TmCatalog *tm_test_load_sample_catalog (void);

/* Copies the files and folders below @from into @to (created if
 * missing); fails the test on any error. */
void tm_test_copy_tree (const char *from,
                        const char *to);

/* The whole store as dataset JSON, to compare two stores or one before
 * and after. */
char *tm_test_dump_text (TmStore *store);

/* Every feed the store remembers (tm_store_list_feeds()), each field of
 * the feed and of its shards, as text; without @with_time the time of
 * the last success is left out. */
char *tm_test_feed_state_text (TmStore  *store,
                               gboolean  with_time);

/* Imports the sample dataset (the four files of @sample_dir) into
 * @dir/source.db and publishes it into @dir/feed, 100 records a shard,
 * publisher "test".  @dir is created if missing. */
void tm_test_make_sample_feed (const char *sample_dir,
                               const char *dir);

/* @feed_dir's manifest.json, read strictly. */
TmFeedManifest *tm_test_read_manifest (const char *feed_dir);

/* The path of the one shard whose sha256 differs between two manifests
 * of the same shards; fails the test unless exactly one differs. */
char *tm_test_changed_shard (const TmFeedManifest *before,
                             const TmFeedManifest *after);

G_END_DECLS
