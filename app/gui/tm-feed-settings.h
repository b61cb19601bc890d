/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-feed-settings.h: the preferences window.  Its first page, "feed",
 * says where the team feed is and holds its access token; the second,
 * "ranking", is a TmRankingPage.  (Named after its first page, which came
 * first; tests find it by this type.)
 */
#pragma once

#include <adwaita.h>

#include "tm-sync-manager.h"

G_BEGIN_DECLS

#define TM_TYPE_FEED_SETTINGS (tm_feed_settings_get_type ())
G_DECLARE_FINAL_TYPE (TmFeedSettings, tm_feed_settings, TM, FEED_SETTINGS, AdwPreferencesWindow)

TmFeedSettings *tm_feed_settings_new (GtkWindow     *parent,
                                      TmSyncManager *manager);

G_END_DECLS
