/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-header.h: the column titles above the streamer directory.
 *
 * A title per column, placed as TmStreamerColumns says so that it stands
 * over the cells of its column, and following the list's horizontal
 * scrolling.  The titles of the columns that sort are buttons: a click
 * (or Space, Enter) sorts by that column, ascending first, and again
 * turns the order round; an arrow and the button's accessible sort
 * state show which column sorts and which way.  The end of a resizable
 * column's title drags to resize it (::column-resized).
 */
#pragma once

#include <gtk/gtk.h>

#include "tm-streamer-columns.h"

G_BEGIN_DECLS

#define TM_TYPE_STREAMER_HEADER (tm_streamer_header_get_type ())
G_DECLARE_FINAL_TYPE (TmStreamerHeader, tm_streamer_header, TM, STREAMER_HEADER, GtkWidget)

/* @columns is shared with the rows and must outlive the header;
 * @sortable and @resizable have the bit 1 << column of each column that
 * sorts, or resizes; the header lines up with @scrolled (its list's
 * scrolled window). */
GtkWidget *tm_streamer_header_new         (const TmStreamerColumns *columns,
                                           guint                    sortable,
                                           guint                    resizable,
                                           GtkScrolledWindow       *scrolled);
/* The title of @column: a GtkButton for a column that sorts. */
GtkWidget *tm_streamer_header_get_title   (TmStreamerHeader        *self,
                                           TmStreamerColumn         column);
/* Shows the sort in force; @column -1 for none. */
void       tm_streamer_header_set_sort    (TmStreamerHeader        *self,
                                           int                      column,
                                           gboolean                 descending);
int        tm_streamer_header_get_sort    (TmStreamerHeader        *self,
                                           gboolean                *descending);

G_END_DECLS
