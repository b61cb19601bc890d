/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-test-utils.h: helpers every test suite needs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deletes @path and everything below it, without following symbolic
 * links; what cannot be deleted is left. */
void tm_test_remove_tree (const char *path);

G_END_DECLS
