/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-figures"

#include "config.h"

#include <string.h>

#include "tm-figures.h"

static void
put_u32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_i64 (guint8 *p, gint64 v)
{
  guint64 u = GUINT64_TO_LE ((guint64) v);
  memcpy (p, &u, 8);
}

static void
put_f32 (guint8 *p, double v)
{
  float f = (float) v;
  guint32 u;

  memcpy (&u, &f, 4);
  put_u32 (p, u);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static gint64
get_i64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, 8);
  return (gint64) GUINT64_FROM_LE (v);
}

static float
get_f32 (const guint8 *p)
{
  guint32 u = get_u32 (p);
  float f;

  memcpy (&f, &u, 4);
  return f;
}

void
tm_figures_pack (const TmCooperation *c,
                 guint8               out[TM_FIGURES_SIZE])
{
  g_return_if_fail (c != NULL);

  memset (out, 0, TM_FIGURES_SIZE);
  out[0] = TM_FIGURES_VERSION;
  out[1] = (guint8) c->format;
  out[2] = (guint8) (gint8) c->platform;
  put_u32 (out + 4, (guint32) c->date);
  put_i64 (out + 8, c->gmv_fen);
  put_i64 (out + 16, c->orders);
  put_i64 (out + 24, c->fee_fen);
  put_i64 (out + 32, c->commission_fen);
  put_f32 (out + 40, c->conversion_rate);
  put_f32 (out + 44, c->return_rate);
  put_f32 (out + 48, c->rating);
  put_u32 (out + 52, (guint32) CLAMP (c->complaints, 0, G_MAXUINT32));
}

gboolean
tm_figures_unpack (const void           *blob,
                   gsize                 length,
                   TmCatalogCooperation *out)
{
  const guint8 *p = blob;

  if (p == NULL || length != TM_FIGURES_SIZE || p[0] != TM_FIGURES_VERSION)
    return FALSE;
  out->format = (gint8) p[1];
  out->platform = (gint8) p[2];
  out->date = (TmDate) get_u32 (p + 4);
  out->gmv_fen = get_i64 (p + 8);
  out->orders = get_i64 (p + 16);
  out->fee_fen = get_i64 (p + 24);
  out->commission_fen = get_i64 (p + 32);
  out->conversion_rate = get_f32 (p + 40);
  out->return_rate = get_f32 (p + 44);
  out->rating = get_f32 (p + 48);
  out->complaints = get_u32 (p + 52);
  return TRUE;
}
