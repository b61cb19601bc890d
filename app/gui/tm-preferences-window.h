/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-preferences-window.h: the preferences window.  Its first page, "feed",
 * says where the team feed is and holds its access token; the second,
 * "ranking", is a TmRankingPage.
 */
#pragma once

#include <adwaita.h>

#include "tm-sync-manager.h"

G_BEGIN_DECLS

#define TM_TYPE_PREFERENCES_WINDOW (tm_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TmPreferencesWindow, tm_preferences_window, TM, PREFERENCES_WINDOW, AdwPreferencesWindow)

TmPreferencesWindow *tm_preferences_window_new (GtkWindow     *parent,
                                                TmSyncManager *manager);

G_END_DECLS
