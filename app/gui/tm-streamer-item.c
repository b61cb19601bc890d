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

enum {
  PROP_0,
  PROP_INDEX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tm_streamer_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TmStreamerItem *self = TM_STREAMER_ITEM (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

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
  object_class->get_property = tm_streamer_item_get_property;

  /**
   * TmStreamerItem:index:
   *
   * The streamer's index in the catalog.  It changes only for the items
   * of the directory's rows on screen (tm_streamer_item_set_index()).
   */
  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
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

void
tm_streamer_item_set_index (TmStreamerItem *self,
                            guint           index)
{
  g_return_if_fail (TM_IS_STREAMER_ITEM (self));
  g_return_if_fail (index < self->catalog->n_streamers);

  if (index == self->index)
    return;
  self->index = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INDEX]);
}

const TmCatalogStreamer *
tm_streamer_item_get_streamer (TmStreamerItem *self)
{
  g_return_val_if_fail (TM_IS_STREAMER_ITEM (self), NULL);

  return &self->catalog->streamers[self->index];
}
