/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <nettle/sha2.h>

#include "tm-sha256.h"

struct _TmSha256 {
  struct sha256_ctx ctx;
};

TmSha256 *
tm_sha256_new (void)
{
  TmSha256 *sha = g_new (TmSha256, 1);

  sha256_init (&sha->ctx);
  return sha;
}

void
tm_sha256_free (TmSha256 *sha)
{
  g_free (sha);
}

void
tm_sha256_update (TmSha256   *sha,
                  const void *data,
                  gsize       length)
{
  g_return_if_fail (sha != NULL);
  g_return_if_fail (data != NULL || length == 0);

  /* nettle takes a size_t, which gsize is. */
  sha256_update (&sha->ctx, length, data);
}

void
tm_sha256_hex (TmSha256 *sha,
               char      out[TM_SHA256_HEX_SIZE])
{
  static const char hex[] = "0123456789abcdef";
  guint8 digest[SHA256_DIGEST_SIZE];

  g_return_if_fail (sha != NULL);

  /* sha256_digest also resets the context for the next text. */
  sha256_digest (&sha->ctx, sizeof digest, digest);
  for (guint i = 0; i < SHA256_DIGEST_SIZE; i++)
    {
      out[2 * i] = hex[digest[i] >> 4];
      out[2 * i + 1] = hex[digest[i] & 0xf];
    }
  out[2 * SHA256_DIGEST_SIZE] = '\0';
}

void
tm_sha256_data (const void *data,
                gsize       length,
                char        out[TM_SHA256_HEX_SIZE])
{
  TmSha256 sha;

  g_return_if_fail (data != NULL || length == 0);

  sha256_init (&sha.ctx);
  tm_sha256_update (&sha, data, length);
  tm_sha256_hex (&sha, out);
}
