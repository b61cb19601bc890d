/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-list"

#include "config.h"

#include "tm-streamer-item.h"
#include "tm-streamer-list.h"

struct _TmStreamerList
{
  GObject    parent_instance;

  TmCatalog *catalog;   /* nullable */
  GArray    *indices;   /* guint32 */
};

static GType
tm_streamer_list_get_item_type (GListModel *model)
{
  return TM_TYPE_STREAMER_ITEM;
}

static guint
tm_streamer_list_get_n_items (GListModel *model)
{
  TmStreamerList *self = TM_STREAMER_LIST (model);

  return self->indices->len;
}

static gpointer
tm_streamer_list_get_item (GListModel *model,
                           guint       position)
{
  TmStreamerList *self = TM_STREAMER_LIST (model);

  if (position >= self->indices->len)
    return NULL;
  return tm_streamer_item_new (self->catalog, g_array_index (self->indices, guint32, position));
}

static void
tm_streamer_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tm_streamer_list_get_item_type;
  iface->get_n_items = tm_streamer_list_get_n_items;
  iface->get_item = tm_streamer_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TmStreamerList, tm_streamer_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tm_streamer_list_model_init))

static void
tm_streamer_list_finalize (GObject *object)
{
  TmStreamerList *self = TM_STREAMER_LIST (object);

  g_array_unref (self->indices);
  g_clear_pointer (&self->catalog, tm_catalog_unref);

  G_OBJECT_CLASS (tm_streamer_list_parent_class)->finalize (object);
}

static void
tm_streamer_list_class_init (TmStreamerListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tm_streamer_list_finalize;
}

static void
tm_streamer_list_init (TmStreamerList *self)
{
  self->indices = g_array_new (FALSE, FALSE, sizeof (guint32));
}

TmStreamerList *
tm_streamer_list_new (void)
{
  return g_object_new (TM_TYPE_STREAMER_LIST, NULL);
}

void
tm_streamer_list_set_rows (TmStreamerList *self,
                           TmCatalog      *catalog,
                           GArray         *indices)
{
  guint removed;

  g_return_if_fail (TM_IS_STREAMER_LIST (self));
  g_return_if_fail (catalog != NULL || indices == NULL);

  removed = self->indices->len;
  /* The old items the view still holds keep their own catalog ref. */
  if (catalog != self->catalog)
    {
      g_clear_pointer (&self->catalog, tm_catalog_unref);
      if (catalog != NULL)
        self->catalog = tm_catalog_ref (catalog);
    }
  g_array_unref (self->indices);
  self->indices = indices != NULL ? indices : g_array_new (FALSE, FALSE, sizeof (guint32));
  if (removed > 0 || self->indices->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->indices->len);
}
