/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-review-list"

#include "config.h"

#include "tm-review-list.h"
#include "tm-review-row.h"

struct _TmReviewList
{
  GObject         parent_instance;

  TmReviewResult *result;   /* nullable */
};

static GType
tm_review_list_get_item_type (GListModel *model)
{
  return TM_TYPE_REVIEW_ROW;
}

static guint
tm_review_list_get_n_items (GListModel *model)
{
  TmReviewList *self = TM_REVIEW_LIST (model);

  return self->result != NULL ? self->result->cooperations->len : 0;
}

static gpointer
tm_review_list_get_item (GListModel *model,
                         guint       position)
{
  TmReviewList *self = TM_REVIEW_LIST (model);

  if (self->result == NULL || position >= self->result->cooperations->len)
    return NULL;
  return tm_review_row_new (self->result, position);
}

static void
tm_review_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tm_review_list_get_item_type;
  iface->get_n_items = tm_review_list_get_n_items;
  iface->get_item = tm_review_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TmReviewList, tm_review_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tm_review_list_model_init))

static void
tm_review_list_finalize (GObject *object)
{
  TmReviewList *self = TM_REVIEW_LIST (object);

  g_clear_pointer (&self->result, tm_review_result_unref);

  G_OBJECT_CLASS (tm_review_list_parent_class)->finalize (object);
}

static void
tm_review_list_class_init (TmReviewListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tm_review_list_finalize;
}

static void
tm_review_list_init (TmReviewList *self)
{
}

TmReviewList *
tm_review_list_new (void)
{
  return g_object_new (TM_TYPE_REVIEW_LIST, NULL);
}

void
tm_review_list_set_result (TmReviewList   *self,
                           TmReviewResult *result)
{
  guint removed, added;

  g_return_if_fail (TM_IS_REVIEW_LIST (self));

  if (result == self->result)
    return;

  removed = tm_review_list_get_n_items (G_LIST_MODEL (self));
  /* Rows the view still holds keep their own reference. */
  g_clear_pointer (&self->result, tm_review_result_unref);
  if (result != NULL)
    self->result = tm_review_result_ref (result);
  added = tm_review_list_get_n_items (G_LIST_MODEL (self));
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, added);
}
