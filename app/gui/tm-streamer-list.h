/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-list.h: a list model of some streamers of a catalog.
 *
 * The rows are catalog indices, in the order given; items
 * (TmStreamerItem) are made when a view asks for them, which it does for
 * the rows on screen only.  Filtering and sorting 100k streamers happen
 * in TmDirectory over plain arrays, and a new order reaches the view as
 * one change, instead of GtkFilterListModel and GtkSortListModel walking
 * 100k GObjects per keystroke (docs/performance.md).
 */
#pragma once

#include <gio/gio.h>

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_TYPE_STREAMER_LIST (tm_streamer_list_get_type ())
G_DECLARE_FINAL_TYPE (TmStreamerList, tm_streamer_list, TM, STREAMER_LIST, GObject)

TmStreamerList *tm_streamer_list_new        (void);
/* Shows the streamers @indices (guint32, taken) of @catalog (nullable
 * with @indices NULL: none). */
void            tm_streamer_list_set_rows   (TmStreamerList *self,
                                             TmCatalog      *catalog,
                                             GArray         *indices);

G_END_DECLS
