/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-partnership-review.h: the partnership review.
 *
 * For a brand picked from a drop-down: its totals over a period and a
 * platform, the same figures by quarter with the change from the
 * quarter before (a table and a chart of GMV), and every cooperation
 * that counted.  The figures come from TmReview in the core
 * (docs/review.md); this widget only shows them.
 */
#pragma once

#include <adwaita.h>

#include "tm-context.h"

#include "tm-catalog.h"

G_BEGIN_DECLS

#define TM_TYPE_PARTNERSHIP_REVIEW (tm_partnership_review_get_type ())
G_DECLARE_FINAL_TYPE (TmPartnershipReview, tm_partnership_review, TM, PARTNERSHIP_REVIEW, AdwBin)

/* Shows @catalog (nullable: nothing).  The brand shown stays when the
 * new catalog has it, and so do the period and platform. */
/* The app's brands (TmBrandObject, nullable): the drop-down shows their
 * current names; call brands_changed after an edit. */
void        tm_partnership_review_set_brands   (TmPartnershipReview *self,
                                                GListModel          *brands);
void        tm_partnership_review_brands_changed (TmPartnershipReview *self);
/* The context (nullable) whose decisions the list shows next to each
 * cooperation's streamer. */
void        tm_partnership_review_set_context  (TmPartnershipReview *self,
                                                TmContext           *context);
/* A hidden page shows the new catalog when it is next shown. */
void        tm_partnership_review_set_catalog  (TmPartnershipReview *self,
                                                TmCatalog           *catalog);
/* Shows the brand with id @brand_id; FALSE when the catalog has none. */
gboolean    tm_partnership_review_select_brand (TmPartnershipReview *self,
                                                const char          *brand_id);
/* The cooperations listed, newest first: TmReviewRow. */
GListModel *tm_partnership_review_get_model    (TmPartnershipReview *self);

G_END_DECLS
