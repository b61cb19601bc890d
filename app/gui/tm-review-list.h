/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-review-list.h: the cooperations of a partnership review as a list
 * model.
 *
 * Items (TmReviewRow) are made when a view asks for them, for the rows
 * on screen only: a brand of a large catalog has tens of thousands of
 * cooperations, and a new filter reaches the view as one change.
 */
#pragma once

#include <gio/gio.h>

#include "tm-review.h"

G_BEGIN_DECLS

#define TM_TYPE_REVIEW_LIST (tm_review_list_get_type ())
G_DECLARE_FINAL_TYPE (TmReviewList, tm_review_list, TM, REVIEW_LIST, GObject)

TmReviewList   *tm_review_list_new        (void);
/* Shows the cooperations of @result (nullable: none). */
void            tm_review_list_set_result (TmReviewList   *self,
                                           TmReviewResult *result);

G_END_DECLS
