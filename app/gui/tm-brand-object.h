/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-brand-object.h: a brand as an item of a list model.
 *
 * The brand list and the brand editor show the same objects: saving an
 * edit replaces the record and notifies "brand", so rows update in place
 * and the selection stays.
 */
#pragma once

#include <glib-object.h>

#include "tm-model.h"

G_BEGIN_DECLS

#define TM_TYPE_BRAND_OBJECT (tm_brand_object_get_type ())
G_DECLARE_FINAL_TYPE (TmBrandObject, tm_brand_object, TM, BRAND_OBJECT, GObject)

/* Takes @brand. */
TmBrandObject *tm_brand_object_new       (TmBrand       *brand);
const TmBrand *tm_brand_object_get_brand (TmBrandObject *self);
const char    *tm_brand_object_get_id    (TmBrandObject *self);
/* Takes @brand, which must have the same id. */
void           tm_brand_object_set_brand (TmBrandObject *self,
                                          TmBrand       *brand);

G_END_DECLS
