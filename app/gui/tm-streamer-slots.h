/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-slots.h: the directory's rows for its list view.
 *
 * A list model over an array of catalog indices, like TmStreamerList,
 * with one difference: the item at a position stays the same object
 * while the rows change, and is moved to its new streamer
 * (tm_streamer_item_set_index()).  GTK 4.8's list views make and destroy
 * every row widget whose item changed, about 200 of them at each change;
 * with the same items at the same positions a new search only changes
 * the length of the list, and the rows on screen redraw themselves.
 */
#pragma once

#include <gio/gio.h>

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_TYPE_STREAMER_SLOTS (tm_streamer_slots_get_type ())
G_DECLARE_FINAL_TYPE (TmStreamerSlots, tm_streamer_slots, TM, STREAMER_SLOTS, GObject)

TmStreamerSlots *tm_streamer_slots_new        (void);
/* Shows @indices (guint32 indices into @catalog, referenced, not
 * changed; nullable: no rows).  A new catalog replaces every item. */
void             tm_streamer_slots_set_rows   (TmStreamerSlots *self,
                                               TmCatalog       *catalog,
                                               GArray          *indices);

G_END_DECLS
