/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-lookalike-dialog.h: the streamers most like one streamer, and why.
 */
#pragma once

#include <adwaita.h>

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_TYPE_LOOKALIKE_DIALOG (tm_lookalike_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TmLookalikeDialog, tm_lookalike_dialog, TM, LOOKALIKE_DIALOG, AdwWindow)

/* Lists the top 20 lookalikes of the streamer at index @seed of @catalog. */
TmLookalikeDialog *tm_lookalike_dialog_new  (TmCatalog *catalog,
                                             guint      seed);

G_END_DECLS
