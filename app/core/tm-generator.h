/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-generator.h: deterministic synthetic datasets.
 *
 * The same options give byte-identical output on every machine: the
 * generator uses its own PRNG (not rand()) and no floating-point library
 * call whose result could differ between libm versions in printed digits.
 * Every dataset is marked "synthetic": true.
 */
#pragma once

#include "tm-model.h"

G_BEGIN_DECLS

typedef struct {
  guint   n_brands;                /* default 12 */
  guint   n_streamers;             /* default 300 */
  guint   n_cooperations;          /* default 10 per streamer */
  guint   n_incidents;             /* default streamers / 7.5 */
  guint64 seed;                    /* default 1 */
  TmDate  today;                   /* end of the generated history */
  guint   history_days;            /* default 3 years (1095) */
} TmGeneratorOptions;

void       tm_generator_options_init (TmGeneratorOptions *options,
                                      guint               n_streamers,
                                      guint64             seed);

TmDataset *tm_generator_run          (const TmGeneratorOptions *options);

/* Writes a generated dataset to @directory (created when missing) as
 * streamers.json, brands.json, cooperations.json and incidents.json; a
 * streamer or cooperation list longer than @shard_size (0 = never) is
 * split into streamers-001.json, streamers-002.json ...  Each file is a
 * complete dataset file, and files come in an order in which each one's
 * references resolve against those before it.  The written paths are
 * appended to @out_paths (nullable; give it g_free as free function) in
 * that order. */
gboolean   tm_generator_write        (const TmGeneratorOptions *options,
                                      const char               *directory,
                                      guint                     shard_size,
                                      GPtrArray                *out_paths,
                                      GError                  **error);

G_END_DECLS
