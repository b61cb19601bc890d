/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-review-row.h: one cooperation of a partnership review, as a list
 * model item.
 *
 * Only the review's result and a position in its cooperations: the data
 * stays in the catalog the result holds.
 */
#pragma once

#include <gio/gio.h>

#include "tm-review.h"

G_BEGIN_DECLS

#define TM_TYPE_REVIEW_ROW (tm_review_row_get_type ())
G_DECLARE_FINAL_TYPE (TmReviewRow, tm_review_row, TM, REVIEW_ROW, GObject)

TmReviewRow                *tm_review_row_new             (TmReviewResult *result,
                                                           guint           position);
TmCatalog                  *tm_review_row_get_catalog     (TmReviewRow    *self);
const TmCatalogCooperation *tm_review_row_get_cooperation (TmReviewRow    *self);

G_END_DECLS
