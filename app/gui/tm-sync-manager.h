/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-sync-manager.h: the application's feed syncs, for the windows.
 *
 * Owns the application's one TmFeedClient (one SoupSession), looks the
 * feed's token up in the keyring, runs a sync on a connection of its own
 * to the context's database, reloads the context when the data changed,
 * and says in words what is going on: the progress of a sync, when the
 * data was last synced and from where, and whether the last attempt
 * failed (offline).  No widgets here; the window binds to the properties.
 */
#pragma once

#include <gio/gio.h>

#include "tm-context.h"

G_BEGIN_DECLS

#define TM_TYPE_SYNC_MANAGER (tm_sync_manager_get_type ())
G_DECLARE_FINAL_TYPE (TmSyncManager, tm_sync_manager, TM, SYNC_MANAGER, GObject)

/* @context is not referenced: it owns the manager. */
TmSyncManager *tm_sync_manager_new               (TmContext     *context);

/* The feed client, to tune its timeouts (tests). */
GObject       *tm_sync_manager_get_client        (TmSyncManager *self);

/* The manifest URL syncs use: bound to the "feed-url" setting by the
 * application; "" when none is set. */
const char    *tm_sync_manager_get_feed_url      (TmSyncManager *self);
void           tm_sync_manager_set_feed_url      (TmSyncManager *self,
                                                  const char    *url);

gboolean       tm_sync_manager_get_running       (TmSyncManager *self);
/* 0–1 while running: tm_feed_sync_progress_get_fraction(), half the
 * download's bytes and half the records (or shards) applied. */
double         tm_sync_manager_get_fraction      (TmSyncManager *self);
/* "Downloading 3 of 24 files (1.2 of 30.5 MB)…"; after a sync it keeps
 * its last words (for the bar sliding away) until the next one. */
const char    *tm_sync_manager_get_progress_text (TmSyncManager *self);
/* "Synced 25 Nov 18:21 from feed.example.com", "Offline: …", or "Not
 * synced with a feed yet: local data only". */
const char    *tm_sync_manager_get_status_text   (TmSyncManager *self);
/* Whether the last sync of this session failed (the data shown is that of
 * the last successful sync). */
gboolean       tm_sync_manager_get_offline       (TmSyncManager *self);

/* Starts a sync of the feed URL; does nothing while one runs or while the
 * context loads.  "finished" is emitted when it ends. */
void           tm_sync_manager_start             (TmSyncManager *self);
void           tm_sync_manager_cancel            (TmSyncManager *self);

/* Reads the last sync of the feed from the context's store again. */
void           tm_sync_manager_refresh_status    (TmSyncManager *self);

G_END_DECLS
