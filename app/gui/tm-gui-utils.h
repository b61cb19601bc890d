/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-gui-utils.h: how numbers and lists are shown in the views.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "3,000": grouped with the locale's separator, or a comma when the locale
 * has none (the C locale). */
char        *tm_gui_format_count         (guint64     n);
/* Follower counts: "8,500", "1.2M", "350.0K", or "120.5万" in Chinese.
 * Negative (unknown) counts give an em dash. */
char        *tm_gui_format_compact_count (gint64      n);
/* "92/100" or "4.8/5"; an em dash when the score is unknown (NAN). */
char        *tm_gui_format_credit        (double      score,
                                          double      scale);
/* Separator between the items of a short list: ", " (English), "、". */
const char  *tm_gui_list_separator       (void);

G_END_DECLS
