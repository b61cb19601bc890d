/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "tm-bench.h"
#include "tm-store.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
tm_bench_median (double *v,
                 guint   n)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

TmCatalog *
tm_bench_load_catalog (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = NULL;
  TmCatalog *catalog = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("%s: no such store\n", path);
      return NULL;
    }
  store = tm_store_open (path, &error);
  if (store != NULL)
    catalog = tm_catalog_load (store, &error);
  if (catalog == NULL)
    g_printerr ("%s\n", error->message);
  return catalog;
}
