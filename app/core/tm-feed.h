/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-feed.h: the feed format (docs/feed-format.md) and its publisher.
 *
 * A feed is a folder of static files: manifest.json, the table of
 * contents, and shards, each a dataset file with one section.  This module
 * reads manifests strictly (they come from the network), checks shard
 * bytes against the manifest and writes a feed from a store.  It does no
 * I/O over the network.
 */
#pragma once

#include <glib.h>

#include "tm-store.h"

G_BEGIN_DECLS

#define TM_FEED_ERROR (tm_feed_error_quark ())

/* Problems of the raw JSON (syntax, nesting, encoding, a key given twice)
 * are reported in TM_JSON_ERROR; the rest here. */
typedef enum {
  TM_FEED_ERROR_VERSION,     /* not a feed manifest, or a newer version */
  TM_FEED_ERROR_INVALID,     /* a field is missing, of the wrong type or out of range */
  TM_FEED_ERROR_DUPLICATE,   /* two shards with the same path */
  TM_FEED_ERROR_SIZE,        /* shard bytes of another size than the manifest says */
  TM_FEED_ERROR_CHECKSUM,    /* shard bytes with another SHA-256 than the manifest says */
  TM_FEED_ERROR_TOO_LARGE,   /* publishing would exceed a limit of the format */
} TmFeedError;

#define TM_FEED_FORMAT           "trustmatch-feed"
#define TM_FEED_VERSION          1
#define TM_FEED_MANIFEST_NAME    "manifest.json"
#define TM_FEED_MAX_SHARDS       10000
#define TM_FEED_MAX_SHARD_BYTES  ((gint64) 64 * 1024 * 1024)
#define TM_FEED_MAX_PATH         200        /* bytes */
#define TM_FEED_MAX_PUBLISHER    200        /* characters */
/* 10,000 shards at about 250 bytes each fit with room to spare. */
#define TM_FEED_MAX_MANIFEST_SIZE ((gsize) 8 * 1024 * 1024)
#define TM_FEED_DEFAULT_SHARD_RECORDS 5000

typedef enum {
  TM_FEED_BRANDS,
  TM_FEED_STREAMERS,
  TM_FEED_COOPERATIONS,
  TM_FEED_INCIDENTS,
  TM_FEED_N_KINDS,
} TmFeedKind;

typedef struct {
  TmFeedKind  kind;
  char       *path;          /* relative to the manifest, checked */
  gint64      records;
  gint64      bytes;
  char        sha256[65];    /* 64 lower-case hex digits (TM_SHA256_HEX_SIZE) */
} TmFeedShard;

typedef struct {
  char      *generated;      /* "YYYY-MM-DDThh:mm:ssZ" */
  char      *publisher;      /* nullable */
  GPtrArray *shards;         /* TmFeedShard*, in manifest order */
} TmFeedManifest;

GQuark          tm_feed_error_quark        (void);

/* "brands", "streamers", "cooperations", "incidents"; from_code returns -1
 * for anything else. */
const char     *tm_feed_kind_code          (TmFeedKind kind);
int             tm_feed_kind_from_code     (const char *code);

TmFeedShard    *tm_feed_shard_new          (void);
void            tm_feed_shard_free         (TmFeedShard *shard);
TmFeedManifest *tm_feed_manifest_new       (void);
void            tm_feed_manifest_free      (TmFeedManifest *manifest);

/* Reads a manifest as strictly as a dataset file: the raw text is
 * pre-scanned (size up to TM_FEED_MAX_MANIFEST_SIZE, UTF-8, nesting,
 * duplicate keys) before json-glib sees it, then every field is checked.
 * @source_name (a file name or URL) starts every error message, which
 * names the shard (index and path) and the field. */
TmFeedManifest *tm_feed_manifest_parse     (const char  *data,
                                            gsize        length,
                                            const char  *source_name,
                                            GError     **error);

/* Pretty JSON (two-space indent, final newline), keys in the documented
 * order: the same manifest always gives the same bytes. */
char           *tm_feed_manifest_to_json   (const TmFeedManifest *manifest,
                                            gsize                *length);

/* TRUE when two manifests list the same shards (same order, kinds, paths,
 * counts, sizes and digests) and the same publisher; @generated is not
 * compared. */
gboolean        tm_feed_manifest_same_content (const TmFeedManifest *a,
                                               const TmFeedManifest *b);

/* The shard of a record: FNV-1a 32-bit hash of @id's bytes, modulo
 * @n_shards (> 0). */
guint32         tm_feed_fnv1a              (const char *id);
guint           tm_feed_shard_of           (const char *id,
                                            guint       n_shards);

/* The path rules of docs/feed-format.md: 1–200 bytes of [A-Za-z0-9._-]
 * parts separated by single '/', no part "." or "..", no leading '/'. */
gboolean        tm_feed_path_is_valid      (const char *path);

/* Checks downloaded bytes against the manifest: size first, then SHA-256.
 * The error names the shard's path and gives expected and actual values. */
gboolean        tm_feed_check_shard_bytes  (const TmFeedShard *shard,
                                            const char        *data,
                                            gsize              length,
                                            GError           **error);

typedef struct {
  guint       shard_records;  /* average records per shard at most; 0 = 5000 */
  const char *publisher;      /* nullable */
  const char *generated;      /* nullable: now; "YYYY-MM-DDThh:mm:ssZ" */
} TmFeedPublishOptions;

typedef struct {
  guint    shards;            /* in the new manifest */
  guint    written;           /* shard files written (new or changed) */
  guint    unchanged;         /* shard files left as they were */
  guint    removed;           /* stale shard files deleted */
  guint64  records;           /* records in the feed */
  gboolean manifest_written;  /* FALSE when the manifest listed the same shards */
} TmFeedPublishStats;

/* Writes the feed of every record of @store into @dir (created if
 * missing), as docs/feed-format.md describes: shard files only where their
 * bytes change, manifest.json last and atomically (and only when the list
 * of shards or the publisher changed), then stale KIND-NN.json files the
 * manifest no longer lists are removed; no other file in @dir is touched.
 * @options and @stats are nullable.  Errors name the file and the problem:
 * TM_STORE_ERROR when reading the store fails, TM_FEED_ERROR_TOO_LARGE
 * when the data does not fit the format's limits, G_FILE_ERROR when a
 * file cannot be written. */
gboolean        tm_feed_publish            (TmStore                    *store,
                                            const char                 *dir,
                                            const TmFeedPublishOptions *options,
                                            TmFeedPublishStats         *stats,
                                            GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmFeedShard, tm_feed_shard_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmFeedManifest, tm_feed_manifest_free)

G_END_DECLS
