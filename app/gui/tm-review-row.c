/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-review-row"

#include "config.h"

#include "tm-review-row.h"

struct _TmReviewRow
{
  GObject         parent_instance;

  TmReviewResult *result;
  guint32         index;   /* into result->catalog->cooperations */
};

G_DEFINE_FINAL_TYPE (TmReviewRow, tm_review_row, G_TYPE_OBJECT)

static void
tm_review_row_finalize (GObject *object)
{
  TmReviewRow *self = TM_REVIEW_ROW (object);

  g_clear_pointer (&self->result, tm_review_result_unref);

  G_OBJECT_CLASS (tm_review_row_parent_class)->finalize (object);
}

static void
tm_review_row_class_init (TmReviewRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tm_review_row_finalize;
}

static void
tm_review_row_init (TmReviewRow *self)
{
}

TmReviewRow *
tm_review_row_new (TmReviewResult *result,
                   guint           position)
{
  TmReviewRow *self;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (position < result->cooperations->len, NULL);

  self = g_object_new (TM_TYPE_REVIEW_ROW, NULL);
  self->result = tm_review_result_ref (result);
  self->index = g_array_index (result->cooperations, guint32, position);
  return self;
}

TmCatalog *
tm_review_row_get_catalog (TmReviewRow *self)
{
  g_return_val_if_fail (TM_IS_REVIEW_ROW (self), NULL);

  return self->result->catalog;
}

const TmCatalogCooperation *
tm_review_row_get_cooperation (TmReviewRow *self)
{
  g_return_val_if_fail (TM_IS_REVIEW_ROW (self), NULL);

  return &self->result->catalog->cooperations[self->index];
}
