/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-item.h: one streamer of a catalog, as a list model item.
 *
 * Only an index into the catalog's arrays: the list views need one object
 * per row, the data stays in the catalog.
 */
#pragma once

#include <gio/gio.h>

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_TYPE_STREAMER_ITEM (tm_streamer_item_get_type ())
G_DECLARE_FINAL_TYPE (TmStreamerItem, tm_streamer_item, TM, STREAMER_ITEM, GObject)

TmStreamerItem          *tm_streamer_item_new             (TmCatalog      *catalog,
                                                           guint           index);
TmCatalog               *tm_streamer_item_get_catalog     (TmStreamerItem *self);
/* Moves the item to another streamer of the same catalog (notifies
 * ::index). */
void                     tm_streamer_item_set_index       (TmStreamerItem *self,
                                                           guint           index);
const TmCatalogStreamer *tm_streamer_item_get_streamer    (TmStreamerItem *self);

G_END_DECLS
