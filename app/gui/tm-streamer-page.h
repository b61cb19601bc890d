/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-streamer-page.h: everything known about one streamer.
 *
 * The profile with each platform account, the trust signals with their
 * provenance, the cooperation history as a chart and a table, the
 * incident log, and the user's notes, saved to the store as they type.
 * The records come from the store (tm_store_load_streamer()), not the
 * catalog, which lacks descriptions, resolutions and provenance.  When
 * the context loads again the page shows the new records, or emits
 * ::closed when the streamer is gone; the Back button, Alt+Left and
 * Escape emit ::closed too.
 */
#pragma once

#include <adwaita.h>

#include "tm-context.h"

G_BEGIN_DECLS

#define TM_TYPE_STREAMER_PAGE (tm_streamer_page_get_type ())
G_DECLARE_FINAL_TYPE (TmStreamerPage, tm_streamer_page, TM, STREAMER_PAGE, AdwBin)

/* The context the page reads from (set once, before showing a streamer). */
void        tm_streamer_page_set_context     (TmStreamerPage *self,
                                              TmContext      *context);
/* Shows the streamer @streamer_id, saving the notes about the one shown
 * before.  FALSE (showing nothing new) when it cannot be read, e.g.
 * TM_STORE_ERROR_NOT_FOUND. */
gboolean    tm_streamer_page_show_streamer   (TmStreamerPage *self,
                                              const char     *streamer_id,
                                              GError        **error);
/* The id of the streamer shown, or NULL. */
const char *tm_streamer_page_get_streamer_id (TmStreamerPage *self);
/* Saves the notes now if they changed; FALSE with the page's message
 * shown when that failed (the text stays in the page). */
gboolean    tm_streamer_page_save_notes      (TmStreamerPage *self);

/* Scrolls to the cooperation or incident @record_id of the streamer shown
 * and marks it; FALSE when the streamer has no such record. */
gboolean    tm_streamer_page_show_record           (TmStreamerPage *self,
                                                    const char     *record_id);
/* The record marked by show_record, or NULL. */
const char *tm_streamer_page_get_highlighted_record (TmStreamerPage *self);

G_END_DECLS
