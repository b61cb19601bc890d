/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-gui-utils.h: how numbers and lists are shown in the views.
 */
#pragma once

#include <gio/gio.h>

#include "tm-engine.h"

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

/* The default ranking weights, for brands without weights of their own,
 * in the application's settings (org.example.TrustMatch). */
#define TM_SETTINGS_WEIGHT_STYLE   "default-weight-style"
#define TM_SETTINGS_WEIGHT_HISTORY "default-weight-history"
#define TM_SETTINGS_WEIGHT_TRUST   "default-weight-trust"
#define TM_SETTINGS_WEIGHT_RISK    "default-weight-risk"

/* Reads the default weights; when the stored set is not valid (all of
 * style, history and trust 0, written from outside the app) fills in the
 * engine's defaults and returns FALSE. */
gboolean     tm_settings_get_default_weights (GSettings       *settings,
                                              TmWeights       *weights);
/* Writes all four at once; refuses (FALSE, nothing written) a set that
 * is not valid. */
gboolean     tm_settings_set_default_weights (GSettings       *settings,
                                              const TmWeights *weights);

G_END_DECLS
