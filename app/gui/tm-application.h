/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tm-context.h"

G_BEGIN_DECLS

#define TM_TYPE_APPLICATION (tm_application_get_type ())
G_DECLARE_FINAL_TYPE (TmApplication, tm_application, TM, APPLICATION, AdwApplication)

TmApplication *tm_application_new         (const char        *application_id,
                                           GApplicationFlags  flags);
TmContext     *tm_application_get_context (TmApplication     *self);

/* The monotonic time (µs) main() started at, for timing the launch; the
 * first call's time if main() did not mark it. */
void           tm_application_mark_start      (void);
gint64         tm_application_get_start_time  (void);

G_END_DECLS
