/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-row.h: one row of the streamer directory's table.
 *
 * One widget that draws the eight cells of a streamer itself, with a
 * Pango layout per cell kept between frames, instead of a cell and a
 * label per column: GTK 4.8 builds and measures each widget of a row
 * again whenever the rows change, and seventeen widgets a row made every
 * keystroke of a search slow.  A row is as high as a line of text, so a
 * new streamer only redraws it.  A cell cut short shows its whole text
 * as a tooltip; the row's accessible label reads every column.
 */
#pragma once

#include <gtk/gtk.h>

#include "tm-streamer-columns.h"
#include "tm-streamer-item.h"

G_BEGIN_DECLS

#define TM_TYPE_STREAMER_ROW (tm_streamer_row_get_type ())
G_DECLARE_FINAL_TYPE (TmStreamerRow, tm_streamer_row, TM, STREAMER_ROW, GtkWidget)

/* @columns is shared with the header and must outlive the row. */
GtkWidget  *tm_streamer_row_new        (const TmStreamerColumns *columns);
/* Shows @item (nullable), and follows it when it moves to another
 * streamer. */
void        tm_streamer_row_set_item   (TmStreamerRow           *self,
                                        TmStreamerItem          *item);
/* The text of a cell as shown, for tests: "" when the row is empty. */
const char *tm_streamer_row_get_text   (TmStreamerRow           *self,
                                        TmStreamerColumn         column);
/* How wide @text is in a cell of @column drawn by @widget's font, with
 * the cell's padding, in px: the directory sizes its columns by it. */
int         tm_streamer_row_measure_cell (GtkWidget             *widget,
                                          TmStreamerColumn       column,
                                          const char            *text,
                                          int                   *line_height);

G_END_DECLS
