/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-text.h: text helpers for terminal tables and CSV-like output.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Width of @text in terminal columns: East Asian wide and fullwidth
 * characters (汉字, fullwidth punctuation) take two, combining marks none. */
gsize     tm_text_display_width (const char *text);

/* Appends @text to @out, cut with "…" to at most @width columns and padded
 * with spaces to exactly @width (on the left when @right_align). */
void      tm_text_append_cell   (GString    *out,
                                 const char *text,
                                 gsize       width,
                                 gboolean    right_align);

G_END_DECLS
