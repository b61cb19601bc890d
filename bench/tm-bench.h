/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-bench.h: what every benchmark needs to report its figures.
 */
#pragma once

#include <glib.h>

#include "tm-catalog.h"

G_BEGIN_DECLS

/* Sorts the @n values of @v in place (so that v[0] and v[n - 1] are the
 * minimum and the maximum) and returns their median: the middle value,
 * or the mean of the two middle ones for an even @n; NAN for none. */
double tm_bench_median (double *v,
                        guint   n);

/* The catalog of the store at @path, which must exist (a benchmark never
 * makes an empty one by mistake); the store is closed again.  NULL after
 * printing why on stderr. */
TmCatalog *tm_bench_load_catalog (const char *path);

G_END_DECLS
