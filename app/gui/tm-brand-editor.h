/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-brand-editor.h: the form of one brand profile.
 *
 * Every change is checked at once with tm_brand_validate(): a problem is
 * marked at its field with the reason, and only a valid brand leaves the
 * editor, through ::brand-edited, for the window to save.  The editor
 * never touches the store.
 */
#pragma once

#include <adwaita.h>

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_TYPE_BRAND_EDITOR (tm_brand_editor_get_type ())
G_DECLARE_FINAL_TYPE (TmBrandEditor, tm_brand_editor, TM, BRAND_EDITOR, AdwBin)

GtkWidget     *tm_brand_editor_new             (void);
/* Streamer names for the blacklist, and the streamers it may pick from
 * (nullable). */
void           tm_brand_editor_set_catalog     (TmBrandEditor *self,
                                                TmCatalog     *catalog);
/* Shows a copy of @brand (nullable: nothing); discards a pending
 * problem. */
void           tm_brand_editor_set_brand       (TmBrandEditor *self,
                                                const TmBrand *brand);
/* The brand as edited, valid or not; NULL when none is shown. */
const TmBrand *tm_brand_editor_get_brand       (TmBrandEditor *self);
/* The field path of the problem shown (as tm_brand_validate names it),
 * or NULL when the brand is valid. */
const char    *tm_brand_editor_get_error_field (TmBrandEditor *self);
/* What happened to the last valid edit, under the title ("Saved",
 * "Not saved: …"); @is_error styles it as an error. */
void           tm_brand_editor_set_save_status (TmBrandEditor *self,
                                                const char    *text,
                                                gboolean       is_error);
/* Focuses the name, its text selected: for a brand just created. */
void           tm_brand_editor_focus_name      (TmBrandEditor *self);
/* Adds @streamer_id to the blacklist, as the picker does. */
void           tm_brand_editor_add_to_blacklist (TmBrandEditor *self,
                                                 const char    *streamer_id);

G_END_DECLS
