/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-sha256.h: SHA-256 through nettle.
 *
 * A sync hashes every byte of the feed once to check it against the
 * manifest, and every record once more for its digest: with GChecksum
 * that was 6 of the 35 CPU seconds of a 1M-record sync.  nettle uses the
 * CPU's SHA extensions when it has them (about 8× faster here, see
 * docs/performance.md).  The output is the same lowercase hex as
 * g_compute_checksum_for_data (G_CHECKSUM_SHA256, ...).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TM_SHA256_HEX_SIZE 65  /* 64 hex digits and the NUL */

typedef struct _TmSha256 TmSha256;

/* Incremental, for text built piece by piece; reusable after _hex(). */
TmSha256 *tm_sha256_new    (void);
void      tm_sha256_free   (TmSha256     *sha);
void      tm_sha256_update (TmSha256     *sha,
                            const void   *data,
                            gsize         length);
/* Writes the digest of everything updated since the last call (or since
 * _new) to @out and starts afresh. */
void      tm_sha256_hex    (TmSha256     *sha,
                            char          out[TM_SHA256_HEX_SIZE]);

/* The digest of @length bytes at @data, in @out. */
void      tm_sha256_data   (const void   *data,
                            gsize         length,
                            char          out[TM_SHA256_HEX_SIZE]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmSha256, tm_sha256_free)

G_END_DECLS
