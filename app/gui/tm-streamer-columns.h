/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-columns.h: the columns of the streamer directory's table.
 *
 * The header (TmStreamerHeader) and every row (TmStreamerRow) place the
 * eight columns with tm_streamer_columns_place() from the same widths, so
 * a title stands over its cells.  The directory measures the widths: a
 * column is as wide as its title or its widest likely value, the
 * platform and category lists have a fixed width, and the name column
 * takes what is left.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TM_STREAMER_COLUMN_NAME,
  TM_STREAMER_COLUMN_PLATFORMS,
  TM_STREAMER_COLUMN_FOLLOWERS,
  TM_STREAMER_COLUMN_CATEGORIES,
  TM_STREAMER_COLUMN_CREDIT,
  TM_STREAMER_COLUMN_COOPERATIONS,
  TM_STREAMER_COLUMN_LAST_COOPERATION,
  TM_STREAMER_COLUMN_INCIDENTS,
  TM_N_STREAMER_COLUMNS
} TmStreamerColumn;

/* The space between a cell's text and its edges, in px: the padding of
 * a GtkColumnView cell in a "data-table" (Adwaita). */
#define TM_STREAMER_CELL_XPAD 6
#define TM_STREAMER_CELL_YPAD 2

typedef struct {
  int width[TM_N_STREAMER_COLUMNS];   /* the least width of each column, px */
  int line_height;                    /* of a line of text in a cell, px */
} TmStreamerColumns;

/* Whether the column shows a number, right-aligned in tabular figures. */
gboolean tm_streamer_column_is_numeric      (TmStreamerColumn          column);
/* The title above the column, translated. */
const char *tm_streamer_column_get_title   (TmStreamerColumn          column);
/* The sum of the least widths. */
int      tm_streamer_columns_get_min_width (const TmStreamerColumns *self);
/* Fills @x with where each column starts in a table @width px wide, and
 * x[TM_N_STREAMER_COLUMNS] with where the last one ends.  The name
 * column takes the width left over; with less than the least width the
 * table is cut at the end. */
void     tm_streamer_columns_place         (const TmStreamerColumns *self,
                                            int                      width,
                                            int                      x[TM_N_STREAMER_COLUMNS + 1]);

G_END_DECLS
