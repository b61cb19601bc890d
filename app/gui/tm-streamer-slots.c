/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-slots"

#include "config.h"

#include "tm-streamer-item.h"
#include "tm-streamer-slots.h"

/* Items nobody else holds are dropped once this many are kept. */
#define MAX_IDLE_SLOTS 1024

struct _TmStreamerSlots
{
  GObject     parent_instance;

  TmCatalog  *catalog;   /* nullable */
  GArray     *indices;   /* guint32 */
  GHashTable *slots;     /* position → TmStreamerItem (owned) */
};

static GType
tm_streamer_slots_get_item_type (GListModel *model)
{
  return TM_TYPE_STREAMER_ITEM;
}

static guint
tm_streamer_slots_get_n_items (GListModel *model)
{
  TmStreamerSlots *self = TM_STREAMER_SLOTS (model);

  return self->indices->len;
}

/* Drops the items that only this model holds: no row shows them. */
static void
drop_idle_slots (TmStreamerSlots *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    if (G_OBJECT (item)->ref_count == 1)
      g_hash_table_iter_remove (&iter);
}

static gpointer
tm_streamer_slots_get_item (GListModel *model,
                            guint       position)
{
  TmStreamerSlots *self = TM_STREAMER_SLOTS (model);
  TmStreamerItem *item;

  if (position >= self->indices->len)
    return NULL;

  item = g_hash_table_lookup (self->slots, GUINT_TO_POINTER (position));
  if (item == NULL)
    {
      /* Scrolling through the list asks for every position once. */
      if (g_hash_table_size (self->slots) >= MAX_IDLE_SLOTS)
        drop_idle_slots (self);
      item = tm_streamer_item_new (self->catalog, g_array_index (self->indices, guint32, position));
      g_hash_table_insert (self->slots, GUINT_TO_POINTER (position), item);
    }
  return g_object_ref (item);
}

static void
tm_streamer_slots_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tm_streamer_slots_get_item_type;
  iface->get_n_items = tm_streamer_slots_get_n_items;
  iface->get_item = tm_streamer_slots_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TmStreamerSlots, tm_streamer_slots, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tm_streamer_slots_model_init))

static void
tm_streamer_slots_finalize (GObject *object)
{
  TmStreamerSlots *self = TM_STREAMER_SLOTS (object);

  g_hash_table_unref (self->slots);
  g_array_unref (self->indices);
  g_clear_pointer (&self->catalog, tm_catalog_unref);

  G_OBJECT_CLASS (tm_streamer_slots_parent_class)->finalize (object);
}

static void
tm_streamer_slots_class_init (TmStreamerSlotsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tm_streamer_slots_finalize;
}

static void
tm_streamer_slots_init (TmStreamerSlots *self)
{
  self->indices = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->slots = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

TmStreamerSlots *
tm_streamer_slots_new (void)
{
  return g_object_new (TM_TYPE_STREAMER_SLOTS, NULL);
}

void
tm_streamer_slots_set_rows (TmStreamerSlots *self,
                            TmCatalog       *catalog,
                            GArray          *indices)
{
  guint old_len, new_len, same;
  GHashTableIter iter;
  gpointer key, item;

  g_return_if_fail (TM_IS_STREAMER_SLOTS (self));
  g_return_if_fail (catalog != NULL || indices == NULL);

  old_len = self->indices->len;
  g_array_unref (self->indices);
  self->indices = indices != NULL ? g_array_ref (indices) : g_array_new (FALSE, FALSE, sizeof (guint32));
  new_len = self->indices->len;

  if (catalog != self->catalog)
    {
      /* Items belong to one catalog: all new ones. */
      g_hash_table_remove_all (self->slots);
      g_clear_pointer (&self->catalog, tm_catalog_unref);
      if (catalog != NULL)
        self->catalog = tm_catalog_ref (catalog);
      if (old_len > 0 || new_len > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, new_len);
      return;
    }

  /* The items still at a position show their new streamer; those past
   * the new end leave the model (whoever holds them keeps them). */
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, &key, &item))
    {
      guint position = GPOINTER_TO_UINT (key);

      if (position >= new_len || G_OBJECT (item)->ref_count == 1)
        g_hash_table_iter_remove (&iter);
      else
        tm_streamer_item_set_index (item, g_array_index (self->indices, guint32, position));
    }

  same = MIN (old_len, new_len);
  if (old_len != new_len)
    g_list_model_items_changed (G_LIST_MODEL (self), same, old_len - same, new_len - same);
}
