/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-test-gui.h: what every GUI test needs to drive widgets.
 */
#pragma once

#include <gtk/gtk.h>

#include "tm-context.h"

G_BEGIN_DECLS

/* Runs the main loop until nothing is pending: the widgets catch up with
 * what just happened. */
void      tm_test_drain          (void);

/* A timeout callback that sets the gboolean at @timed_out and ends, for
 * the tests' "iterate until done or timed out" loops. */
gboolean  tm_test_timeout_cb     (gpointer    timed_out);

/* The template child @name of @widget's @type part; fails the test when
 * there is none. */
gpointer  tm_test_template_child (gpointer    widget,
                                  GType       type,
                                  const char *name);

/* Runs the main loop until @context has loaded (or failed to), at most a
 * minute, then lets the widgets catch up. */
void      tm_test_wait_for_load  (TmContext  *context);

G_END_DECLS
