/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-figures.h: a cooperation's numbers packed into one BLOB.
 *
 * The store keeps every figure of a cooperation in its own column, and also
 * this packed copy in the `figures` column, written by the same statement.
 * The catalog reads the copy: SQLite charges about 55 ns for each column of
 * each row, so reading 13 numbers as one BLOB is what lets 1M cooperations
 * load in a fraction of a second (docs/performance.md).
 *
 * Layout, little-endian, TM_FIGURES_SIZE bytes:
 *   0  u8   layout version (1)
 *   1  u8   format (TmFormat)
 *   2  i8   platform (TmPlatform, -1 none)
 *   3  u8   0
 *   4  i32  date (TmDate)
 *   8  i64  gmv_fen, orders, fee_fen, commission_fen
 *  40  f32  conversion_rate, return_rate, rating (NaN when unknown)
 *  52  u32  complaints (saturated)
 */
#pragma once

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_FIGURES_SIZE    56
#define TM_FIGURES_VERSION 1

void      tm_figures_pack   (const TmCooperation  *coop,
                             guint8                out[TM_FIGURES_SIZE]);

/* Fills the numeric fields of @out; FALSE when @blob is not a packed copy
 * this version understands. */
gboolean  tm_figures_unpack (const void           *blob,
                             gsize                 length,
                             TmCatalogCooperation *out);

G_END_DECLS
