/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-bench.h: what every benchmark needs to report its figures.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sorts the @n values of @v in place (so that v[0] and v[n - 1] are the
 * minimum and the maximum) and returns their median: the middle value,
 * or the mean of the two middle ones for an even @n; NAN for none. */
double tm_bench_median (double *v,
                        guint   n);

G_END_DECLS
