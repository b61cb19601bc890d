/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-item"

#include "config.h"

#include <gio/gio.h>

#include "tm-streamer-item.h"

struct _TmStreamerItem
{
  GObject    parent_instance;

  TmCatalog *catalog;
  guint      index;
};

G_DEFINE_FINAL_TYPE (TmStreamerItem, tm_streamer_item, G_TYPE_OBJECT)

static void
tm_streamer_item_finalize (GObject *object)
{
  TmStreamerItem *self = TM_STREAMER_ITEM (object);

  g_clear_pointer (&self->catalog, tm_catalog_unref);

  G_OBJECT_CLASS (tm_streamer_item_parent_class)->finalize (object);
}

static void
tm_streamer_item_class_init (TmStreamerItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tm_streamer_item_finalize;
}

static void
tm_streamer_item_init (TmStreamerItem *self)
{
}

TmStreamerItem *
tm_streamer_item_new (TmCatalog *catalog,
                      guint      index)
{
  TmStreamerItem *self;

  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (index < catalog->n_streamers, NULL);

  self = g_object_new (TM_TYPE_STREAMER_ITEM, NULL);
  self->catalog = tm_catalog_ref (catalog);
  self->index = index;

  return self;
}

TmCatalog *
tm_streamer_item_get_catalog (TmStreamerItem *self)
{
  g_return_val_if_fail (TM_IS_STREAMER_ITEM (self), NULL);

  return self->catalog;
}

const TmCatalogStreamer *
tm_streamer_item_get_streamer (TmStreamerItem *self)
{
  g_return_val_if_fail (TM_IS_STREAMER_ITEM (self), NULL);

  return &self->catalog->streamers[self->index];
}
