/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-store-schema.h: the store's schema as forward-only migrations.
 *
 * migrations[i] takes a database from user_version i to i + 1.  Never edit
 * a released migration; append a new one.  docs/data-model.md describes the
 * tables.
 *
 * Encodings shared with the catalog loader (tm-catalog.c):
 *  - dates are INTEGER days since 1970-01-01;
 *  - enums are their stable text codes (tm_platform_code() ...);
 *  - lists of ids or category codes are joined with '\n';
 *  - style tags are "tag\tweight" lines joined with '\n';
 *  - an audience is 13 numbers separated by one space (6 age buckets,
 *    female, male, 5 region tiers), or NULL when unknown;
 *  - figure provenance is "field\tsource\tobserved\tbasis" lines;
 *  - optional numbers are NULL when unknown;
 *  - cooperations.figures is a packed copy of the row's numbers that the
 *    catalog reads instead of 13 columns (tm-figures.h);
 *  - digest is tm_*_digest() of the record, to skip unchanged rewrites;
 *  - origin says who owns the row: 'import', 'feed' or 'local'.
 */
#pragma once

static const char * const tm_store_migrations[] = {
  /* 0 → 1: the first schema */
  "CREATE TABLE brands ("
  "  ix INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  category TEXT NOT NULL,"
  "  style_tags TEXT NOT NULL DEFAULT '',"
  "  audience TEXT,"
  "  price_tier TEXT NOT NULL,"
  "  typical_order_price_fen INTEGER NOT NULL CHECK (typical_order_price_fen >= 0),"
  "  budget_fen INTEGER CHECK (budget_fen >= 0),"
  "  min_credit_score REAL NOT NULL DEFAULT 0,"
  "  blacklist TEXT NOT NULL DEFAULT '',"
  "  competitor_brands TEXT NOT NULL DEFAULT '',"
  "  competitor_categories TEXT NOT NULL DEFAULT '',"
  "  exclusivity_days INTEGER NOT NULL DEFAULT 0,"
  "  notes TEXT,"
  "  prov_source TEXT NOT NULL,"
  "  prov_observed INTEGER NOT NULL,"
  "  prov_basis TEXT NOT NULL,"
  "  figure_provenance TEXT NOT NULL DEFAULT '',"
  "  origin TEXT NOT NULL DEFAULT 'import',"
  "  digest TEXT NOT NULL"
  ");"
  "CREATE TABLE streamers ("
  "  ix INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  categories TEXT NOT NULL DEFAULT '',"
  "  style_tags TEXT NOT NULL DEFAULT '',"
  "  audience TEXT,"
  "  credit_platform TEXT,"
  "  credit_score REAL,"
  "  credit_scale REAL,"
  "  verification TEXT NOT NULL,"
  "  engagement_rate REAL,"
  "  avg_live_viewers INTEGER,"
  "  reviews_positive INTEGER,"
  "  reviews_negative INTEGER,"
  "  fake_review_share REAL,"
  "  dispute_resolution_rate REAL,"
  "  repeat_buyer_rate REAL,"
  "  price_low_fen INTEGER,"
  "  price_high_fen INTEGER,"
  "  prov_source TEXT NOT NULL,"
  "  prov_observed INTEGER NOT NULL,"
  "  prov_basis TEXT NOT NULL,"
  "  figure_provenance TEXT NOT NULL DEFAULT '',"
  "  origin TEXT NOT NULL DEFAULT 'import',"
  "  digest TEXT NOT NULL"
  ");"
  "CREATE TABLE accounts ("
  "  streamer INTEGER NOT NULL REFERENCES streamers(ix) ON DELETE CASCADE,"
  "  pos INTEGER NOT NULL,"
  "  platform TEXT NOT NULL,"
  "  handle TEXT NOT NULL,"
  "  followers INTEGER NOT NULL CHECK (followers >= 0),"
  "  PRIMARY KEY (streamer, pos)"
  ") WITHOUT ROWID;"
  "CREATE TABLE cooperations ("
  "  ix INTEGER PRIMARY KEY,"
  "  streamer INTEGER NOT NULL REFERENCES streamers(ix) ON DELETE CASCADE,"
  "  brand INTEGER REFERENCES brands(ix) ON DELETE SET NULL,"
  "  figures BLOB NOT NULL,"          /* packed copy of the numbers, tm-figures.h */
  "  id TEXT NOT NULL UNIQUE,"
  "  brand_name TEXT NOT NULL,"       /* copied from the brand when known */
  "  brand_category TEXT NOT NULL,"
  "  date INTEGER NOT NULL,"
  "  format TEXT NOT NULL,"
  "  platform TEXT,"
  "  gmv_fen INTEGER NOT NULL CHECK (gmv_fen >= 0),"
  "  orders INTEGER NOT NULL CHECK (orders >= 0),"
  "  fee_fen INTEGER NOT NULL CHECK (fee_fen >= 0),"
  "  commission_fen INTEGER NOT NULL CHECK (commission_fen >= 0),"
  "  conversion_rate REAL,"
  "  return_rate REAL NOT NULL,"
  "  complaints INTEGER NOT NULL CHECK (complaints >= 0),"
  "  rating REAL,"
  "  notes TEXT,"
  "  prov_source TEXT NOT NULL,"
  "  prov_observed INTEGER NOT NULL,"
  "  prov_basis TEXT NOT NULL,"
  "  figure_provenance TEXT NOT NULL DEFAULT '',"
  "  origin TEXT NOT NULL DEFAULT 'import',"
  "  digest TEXT NOT NULL"
  ");"
  /* Covers everything the catalog reads, in the order it wants it: the
   * catalog load is one sequential index scan (docs/performance.md). */
  "CREATE INDEX cooperations_by_streamer ON cooperations"
  "  (streamer, date, id, brand, figures, brand_name, brand_category);"
  "CREATE INDEX cooperations_by_brand ON cooperations (brand, date);"
  "CREATE TABLE incidents ("
  "  ix INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  streamer INTEGER NOT NULL REFERENCES streamers(ix) ON DELETE CASCADE,"
  "  date INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),"
  "  resolved INTEGER NOT NULL,"
  "  resolution TEXT,"
  "  description TEXT NOT NULL,"
  "  source_url TEXT,"
  "  prov_source TEXT NOT NULL,"
  "  prov_observed INTEGER NOT NULL,"
  "  prov_basis TEXT NOT NULL,"
  "  figure_provenance TEXT NOT NULL DEFAULT '',"
  "  origin TEXT NOT NULL DEFAULT 'import',"
  "  digest TEXT NOT NULL"
  ");"
  "CREATE INDEX incidents_by_streamer ON incidents (streamer, date);"
  "CREATE TABLE imports ("
  "  ix INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"          /* unix seconds, UTC */
  "  files TEXT NOT NULL,"          /* '\n'-joined paths */
  "  added INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  unchanged INTEGER NOT NULL"
  ");",

  /* 1 → 2: feeds (docs/feed-format.md).  feeds and feed_shards record what
   * the last successful sync of each feed applied; feed_shard says which
   * shard an origin 'feed' row came from (feed_shards.ix, NULL for other
   * origins).  AUTOINCREMENT: a shard's ix is never reused, so a row can
   * never point at a later, unrelated shard. */
  "CREATE TABLE feeds ("
  "  url TEXT PRIMARY KEY,"
  "  last_success TEXT NOT NULL,"     /* UTC, YYYY-MM-DDThh:mm:ssZ */
  "  manifest_etag TEXT,"
  "  manifest_last_modified TEXT,"
  "  generated TEXT NOT NULL,"        /* the manifest's */
  "  n_records INTEGER NOT NULL"      /* records the manifest lists */
  ");"
  "CREATE TABLE feed_shards ("
  "  ix INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  url TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,"
  "  path TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  etag TEXT,"
  "  last_modified TEXT,"
  "  records INTEGER NOT NULL,"
  "  UNIQUE (url, path)"
  ");"
  "ALTER TABLE brands ADD COLUMN feed_shard INTEGER;"
  "ALTER TABLE streamers ADD COLUMN feed_shard INTEGER;"
  "ALTER TABLE cooperations ADD COLUMN feed_shard INTEGER;"
  "ALTER TABLE incidents ADD COLUMN feed_shard INTEGER;"
  "CREATE INDEX brands_by_feed_shard ON brands (feed_shard) WHERE feed_shard IS NOT NULL;"
  "CREATE INDEX streamers_by_feed_shard ON streamers (feed_shard) WHERE feed_shard IS NOT NULL;"
  "CREATE INDEX cooperations_by_feed_shard ON cooperations (feed_shard) WHERE feed_shard IS NOT NULL;"
  "CREATE INDEX incidents_by_feed_shard ON incidents (feed_shard) WHERE feed_shard IS NOT NULL;",

  /* 2 → 3: the user's own records, which every sync reads to leave them
   * alone.  Without these, "WHERE origin = 'local'" scanned whole tables:
   * 1 s and 130 MiB of page cache for a one-shard sync of a 1M store. */
  "CREATE INDEX brands_local ON brands (id) WHERE origin = 'local';"
  "CREATE INDEX streamers_local ON streamers (id) WHERE origin = 'local';"
  "CREATE INDEX cooperations_local ON cooperations (id) WHERE origin = 'local';"
  "CREATE INDEX incidents_local ON incidents (id) WHERE origin = 'local';",

  /* 3 → 4: the user's notes about streamers.  Keyed by the streamer's id
   * text, with no reference to streamers(ix): a note is the user's own and
   * outlives its streamer, so that a sync or an import that removes the
   * streamer and brings it back later finds the note again.  Neither
   * imports nor syncs read or write this table.  updated is unix seconds,
   * UTC. */
  "CREATE TABLE streamer_notes ("
  "  streamer_id TEXT PRIMARY KEY,"
  "  text TEXT NOT NULL CHECK (text <> ''),"
  "  updated INTEGER NOT NULL"
  ") WITHOUT ROWID;",

  /* 4 → 5: the user's decisions about streamers for a brand (shortlisted,
   * contacted, rejected; docs/data-model.md) and the ranking weights saved
   * for a brand.  Like streamer_notes: keyed by id text, read and written
   * only by the user's own edits, never by imports or syncs; a brand the
   * user deletes takes its rows along.  Times are unix seconds, UTC. */
  "CREATE TABLE decisions ("
  "  brand_id TEXT NOT NULL,"
  "  streamer_id TEXT NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('shortlisted', 'contacted', 'rejected')),"
  "  note TEXT CHECK (note <> ''),"
  "  decided INTEGER NOT NULL,"
  "  PRIMARY KEY (brand_id, streamer_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE brand_weights ("
  "  brand_id TEXT PRIMARY KEY,"
  "  style REAL NOT NULL,"
  "  history REAL NOT NULL,"
  "  trust REAL NOT NULL,"
  "  risk REAL NOT NULL,"
  "  updated INTEGER NOT NULL"
  ") WITHOUT ROWID;",
};

#define TM_STORE_SCHEMA_VERSION ((int) G_N_ELEMENTS (tm_store_migrations))
