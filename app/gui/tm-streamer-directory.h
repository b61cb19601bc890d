/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-directory.h: the streamer directory.
 *
 * Every streamer of the catalog in a table (TmStreamerHeader over a list
 * of TmStreamerRow) that sorts by any column, narrowed by a search as
 * you type and by filters (platforms, category, credit score range,
 * incidents).  What matches is decided by
 * TmDirectory in the core; this widget only shows it, with the number of
 * rows and the filters in force.  Activating a row emits
 * ::streamer-activated with the streamer's id.
 */
#pragma once

#include <adwaita.h>

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_TYPE_STREAMER_DIRECTORY (tm_streamer_directory_get_type ())
G_DECLARE_FINAL_TYPE (TmStreamerDirectory, tm_streamer_directory, TM, STREAMER_DIRECTORY, AdwBin)

/* Shows @catalog (nullable: nothing); the search and filters stay. */
void        tm_streamer_directory_set_catalog   (TmStreamerDirectory *self,
                                                 TmCatalog           *catalog);
/* Moves the keyboard focus to the search entry and selects its text. */
void        tm_streamer_directory_focus_search  (TmStreamerDirectory *self);
/* The rows shown, in the order shown: TmStreamerItem. */
GListModel *tm_streamer_directory_get_model     (TmStreamerDirectory *self);

G_END_DECLS
