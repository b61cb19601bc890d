/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-context"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tm-context.h"
#include "tm-json.h"
#include "tm-sync-manager.h"

struct _TmContext
{
  GObject         parent_instance;

  char           *database_path;
  char           *sample_dir;

  TmContextState  state;
  GError         *error;
  TmStore        *store;
  TmCatalog      *catalog;
  gboolean        seeded;

  /* The running load; replaced by every new request. */
  GCancellable   *cancellable;

  TmSyncManager  *sync_manager;   /* created when first asked for */

  GListStore     *brands;         /* TmBrandObject */
  /* Brand edits not yet in the store (id → TmBrand): the store was busy
   * with a sync or a reload.  Written when it is free again. */
  GHashTable     *pending_saves;
  GHashTable     *pending_notes;  /* streamer id → text, likewise */
  /* "brand\x1fstreamer" → TmDecision, likewise; status TM_N_DECISIONS
   * for a clear. */
  GHashTable     *pending_decisions;
  /* brand id → double[4], or an empty array to forget them; likewise */
  GHashTable     *pending_weights;
  /* Items removed with tm_context_remove_brand whose undo toast still
   * shows (id → TmBrandObject, its former position as data). */
  GHashTable     *pending_deletes;
  /* Ids whose delete is no longer undoable but not yet written. */
  GHashTable     *deletes_due;
  /* Ids saved since the running load began: its catalog may predate
   * them, so the items keep the edited version. */
  GHashTable     *saved_during_load;
};

enum {
  SIGNAL_BRAND_SAVE_FAILED,
  SIGNAL_DECISIONS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TmContext, tm_context, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TmContextState, tm_context_state,
                    G_DEFINE_ENUM_VALUE (TM_CONTEXT_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (TM_CONTEXT_STATE_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (TM_CONTEXT_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (TM_CONTEXT_STATE_ERROR, "error"))

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_SAMPLE_DIR,
  PROP_STATE,
  PROP_ERROR,
  PROP_STORE,
  PROP_SEEDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char      *database_path;
  char      *sample_dir;
  TmStore   *store;
  TmCatalog *catalog;
  gboolean   seeded;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_clear_pointer (&load->database_path, g_free);
  g_clear_pointer (&load->sample_dir, g_free);
  g_clear_object (&load->store);
  g_clear_pointer (&load->catalog, tm_catalog_unref);
  g_free (load);
}

static void
tm_context_set_state (TmContext      *self,
                      TmContextState  state,
                      const GError   *error)
{
  g_assert (TM_IS_CONTEXT (self));

  g_object_freeze_notify (G_OBJECT (self));

  if (self->error != NULL || error != NULL)
    {
      g_clear_error (&self->error);
      if (error != NULL)
        self->error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/* Runs in a worker thread: nothing here touches @self. */
static void
tm_context_load_worker (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  LoadData *load = task_data;
  g_autoptr(GError) error = NULL;
  gint64 begin = g_get_monotonic_time ();

  load->store = tm_store_open (load->database_path, &error);
  if (load->store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  /* A missing sample directory is not an error: an installation without
   * the sample data simply starts empty. */
  if (load->sample_dir != NULL &&
      g_file_test (load->sample_dir, G_FILE_TEST_IS_DIR))
    {
      if (!tm_store_seed_if_empty (load->store, load->sample_dir,
                                   &load->seeded, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      g_debug ("No sample data in “%s”, not seeding",
               load->sample_dir ? load->sample_dir : "(null)");
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  load->catalog = tm_catalog_load (load->store, &error);
  if (load->catalog == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Loaded %u brands and %u streamers from “%s” in %.2f s%s",
           load->catalog->n_brands, load->catalog->n_streamers,
           tm_store_get_path (load->store),
           (g_get_monotonic_time () - begin) / (double) G_USEC_PER_SEC,
           load->seeded ? " (seeded from the sample data)" : "");

  g_task_return_boolean (task, TRUE);
}

/*
 * Brands
 */

static guint
find_brand_position (TmContext  *self,
                     const char *id,
                     gboolean   *found)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->brands));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TmBrandObject) item = g_list_model_get_item (G_LIST_MODEL (self->brands), i);

      if (g_str_equal (tm_brand_object_get_id (item), id))
        {
          *found = TRUE;
          return i;
        }
    }
  *found = FALSE;
  return n;
}

/* The catalog's brands, keeping the items of ids that stay (a view's
 * selection survives a sync) and the user's edits the catalog may not
 * have yet. */
static void
tm_context_refill_brands (TmContext *self)
{
  /* Keys are copies: an item's id lives in its record, which set_brand
   * frees. */
  g_autoptr(GHashTable) old = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->brands));

  for (guint i = 0; i < n; i++)
    {
      TmBrandObject *item = g_list_model_get_item (G_LIST_MODEL (self->brands), i);

      g_hash_table_insert (old, g_strdup (tm_brand_object_get_id (item)), item);
    }

  for (guint i = 0; i < self->catalog->n_brands; i++)
    {
      const TmBrand *brand = self->catalog->brands[i];
      TmBrandObject *item;

      if (g_hash_table_contains (self->pending_deletes, brand->id)
          || g_hash_table_contains (self->deletes_due, brand->id))
        continue;
      item = g_hash_table_lookup (old, brand->id);
      if (item == NULL)
        {
          g_ptr_array_add (added, tm_brand_object_new (tm_brand_copy (brand)));
          continue;
        }
      g_hash_table_add (wanted, item);
      if (!g_hash_table_contains (self->saved_during_load, brand->id)
          && !g_hash_table_contains (self->pending_saves, brand->id))
        {
          g_autofree char *now = tm_brand_digest (brand);
          g_autofree char *was = tm_brand_digest (tm_brand_object_get_brand (item));

          if (!g_str_equal (now, was))
            tm_brand_object_set_brand (item, tm_brand_copy (brand));
        }
    }

  /* Only what changed: a view's selected row stays when its item stays.
   * Items saved by the user but not in this catalog yet stay too. */
  for (guint i = n; i-- > 0;)
    {
      g_autoptr(TmBrandObject) item = g_list_model_get_item (G_LIST_MODEL (self->brands), i);
      const char *id = tm_brand_object_get_id (item);

      if (!g_hash_table_contains (wanted, item)
          && !g_hash_table_contains (self->saved_during_load, id)
          && !g_hash_table_contains (self->pending_saves, id))
        g_list_store_remove (self->brands, i);
    }
  g_hash_table_remove_all (self->saved_during_load);
  g_list_store_splice (self->brands, g_list_model_get_n_items (G_LIST_MODEL (self->brands)), 0,
                       added->pdata, added->len);
}

static gboolean
tm_context_store_is_free (TmContext *self)
{
  return self->state == TM_CONTEXT_STATE_READY
         && self->store != NULL
         && (self->sync_manager == NULL || !tm_sync_manager_get_running (self->sync_manager));
}

/* Deletes from the store the brands whose delete is due.  One that the
 * store refuses goes back into the list (FALSE and @error, or a
 * warning). */
static gboolean
write_due_deletes (TmContext  *self,
                   GError    **error)
{
  g_autoptr(GList) ids = g_hash_table_get_keys (self->deletes_due);
  gboolean ok = TRUE;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      g_autofree char *id = g_strdup (l->data);
      g_autoptr(GError) local_error = NULL;

      if (!tm_store_delete_brand (self->store, id, &local_error)
          && !g_error_matches (local_error, TM_STORE_ERROR, TM_STORE_ERROR_NOT_FOUND))
        {
          TmBrandObject *item = g_hash_table_lookup (self->pending_deletes, id);

          /* What could not be deleted is still there: show it again. */
          g_hash_table_remove (self->deletes_due, id);
          if (item != NULL)
            tm_context_restore_brand (self, id);
          if (ok && error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_warning ("Could not delete the brand “%s”: %s", id,
                       local_error != NULL ? local_error->message : "");
          ok = FALSE;
          continue;
        }
      /* Deleted: an edit that waited for the store has nothing to edit. */
      g_hash_table_remove (self->pending_saves, id);
      g_hash_table_remove (self->pending_weights, id);
      g_hash_table_remove (self->deletes_due, id);
      g_hash_table_remove (self->pending_deletes, id);
    }
  return ok;
}

static gboolean
write_decision (TmStore           *store,
                const TmDecision  *d,
                GError           **error)
{
  if (d->status == TM_N_DECISIONS)
    return tm_store_clear_decision (store, d->brand_id, d->streamer_id, error);
  return tm_store_set_decision (store, d, error);
}

static void
write_pending_decisions (TmContext *self)
{
  g_autoptr(GList) keys = g_hash_table_get_keys (self->pending_decisions);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_autofree char *key = g_strdup (l->data);
      const TmDecision *d = g_hash_table_lookup (self->pending_decisions, key);
      g_autoptr(GError) error = NULL;

      if (!write_decision (self->store, d, &error))
        {
          /* Kept for the next flush. */
          g_warning ("Could not save the decision about %s: %s", d->streamer_id, error->message);
          continue;
        }
      g_hash_table_remove (self->pending_decisions, key);
    }
}

/* Writes the edits that waited for the store.  @force: even while a sync
 * runs (when quitting: waits for its lock rather than lose the edits). */
static void
tm_context_flush_saves_full (TmContext *self,
                             gboolean   force)
{
  g_autoptr(GList) ids = NULL;
  g_autoptr(GList) note_ids = NULL;

  if (force ? self->store == NULL : !tm_context_store_is_free (self))
    return;

  note_ids = g_hash_table_get_keys (self->pending_notes);
  for (GList *l = note_ids; l != NULL; l = l->next)
    {
      g_autofree char *id = g_strdup (l->data);
      g_autoptr(GError) error = NULL;

      if (!tm_store_set_streamer_note (self->store, id, g_hash_table_lookup (self->pending_notes, id),
                                       &error))
        {
          /* Kept for the next flush. */
          g_warning ("Could not save the notes about %s: %s", id, error->message);
          continue;
        }
      g_hash_table_remove (self->pending_notes, id);
    }

  write_due_deletes (self, NULL);
  write_pending_decisions (self);

  {
    g_autoptr(GList) weight_ids = g_hash_table_get_keys (self->pending_weights);

    for (GList *l = weight_ids; l != NULL; l = l->next)
      {
        g_autofree char *id = g_strdup (l->data);
        GArray *w = g_hash_table_lookup (self->pending_weights, id);
        g_autoptr(GError) error = NULL;

        if (!tm_store_set_brand_weights (self->store, id, w->len == 4 ? (double *) w->data : NULL, &error))
          {
            g_warning ("Could not save the weights of the brand “%s”: %s", id, error->message);
            continue;
          }
        g_hash_table_remove (self->pending_weights, id);
      }
  }

  ids = g_hash_table_get_keys (self->pending_saves);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      g_autofree char *id = g_strdup (l->data);
      g_autoptr(GError) error = NULL;
      const TmBrand *brand = g_hash_table_lookup (self->pending_saves, id);

      if (!tm_store_put_brand (self->store, brand, &error))
        {
          /* Kept: the item still shows the edit, and the next save or
           * the next flush tries again. */
          g_warning ("Could not save the brand “%s”: %s", id, error->message);
          g_signal_emit (self, signals[SIGNAL_BRAND_SAVE_FAILED], 0, id, error);
          continue;
        }
      g_hash_table_remove (self->pending_saves, id);
    }
}

static void
tm_context_flush_saves (TmContext *self)
{
  tm_context_flush_saves_full (self, FALSE);
}

static void
on_sync_running_cb (TmContext *self)
{
  tm_context_flush_saves (self);
}

GListModel *
tm_context_get_brands (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);

  return G_LIST_MODEL (self->brands);
}

TmBrandObject *
tm_context_find_brand (TmContext  *self,
                       const char *id)
{
  g_autoptr(TmBrandObject) item = NULL;
  gboolean found;
  guint position;

  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  position = find_brand_position (self, id, &found);
  if (!found)
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (self->brands), position);
  return item;   /* the list holds a reference */
}

TmBrandObject *
tm_context_save_brand (TmContext      *self,
                       const TmBrand  *brand,
                       gboolean       *out_deferred,
                       GError        **error)
{
  TmBrandObject *item;
  gboolean deferred = FALSE;

  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (brand != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tm_brand_validate (brand, NULL, error))
    return NULL;

  if (tm_context_store_is_free (self))
    {
      if (!tm_store_put_brand (self->store, brand, error))
        return NULL;
      g_hash_table_remove (self->pending_saves, brand->id);
    }
  else
    {
      g_hash_table_replace (self->pending_saves, g_strdup (brand->id), tm_brand_copy (brand));
      deferred = TRUE;
    }
  if (self->state == TM_CONTEXT_STATE_LOADING)
    g_hash_table_add (self->saved_during_load, g_strdup (brand->id));

  item = tm_context_find_brand (self, brand->id);
  if (item != NULL)
    {
      tm_brand_object_set_brand (item, tm_brand_copy (brand));
    }
  else
    {
      g_autoptr(TmBrandObject) added = tm_brand_object_new (tm_brand_copy (brand));

      g_list_store_append (self->brands, added);
      item = added;
    }

  if (out_deferred != NULL)
    *out_deferred = deferred;
  return item;
}

gboolean
tm_context_save_streamer_note (TmContext   *self,
                               const char  *streamer_id,
                               const char  *text,
                               gboolean    *out_deferred,
                               GError     **error)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (streamer_id != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_deferred != NULL)
    *out_deferred = FALSE;
  if (!tm_context_store_is_free (self))
    {
      g_hash_table_replace (self->pending_notes, g_strdup (streamer_id), g_strdup (text));
      if (out_deferred != NULL)
        *out_deferred = TRUE;
      return TRUE;
    }
  if (!tm_store_set_streamer_note (self->store, streamer_id, text, error))
    return FALSE;
  g_hash_table_remove (self->pending_notes, streamer_id);
  return TRUE;
}

static gboolean
tm_context_put_decision (TmContext   *self,
                         TmDecision  *decision,
                         gboolean    *out_deferred,
                         GError     **error)
{
  g_autoptr(TmDecision) d = decision;
  g_autofree char *key = g_strconcat (d->brand_id, "\x1f", d->streamer_id, NULL);
  g_autofree char *brand_id = g_strdup (d->brand_id);

  if (out_deferred != NULL)
    *out_deferred = FALSE;
  if (!tm_context_store_is_free (self))
    {
      g_hash_table_replace (self->pending_decisions, g_steal_pointer (&key), g_steal_pointer (&d));
      if (out_deferred != NULL)
        *out_deferred = TRUE;
    }
  else
    {
      if (!write_decision (self->store, d, error))
        return FALSE;
      g_hash_table_remove (self->pending_decisions, key);
    }
  g_signal_emit (self, signals[SIGNAL_DECISIONS_CHANGED], 0, brand_id);
  return TRUE;
}

gboolean
tm_context_set_decision (TmContext         *self,
                         const char        *brand_id,
                         const char        *streamer_id,
                         TmDecisionStatus   status,
                         const char        *note,
                         gboolean          *out_deferred,
                         GError           **error)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (brand_id != NULL && streamer_id != NULL, FALSE);
  g_return_val_if_fail (status < TM_N_DECISIONS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return tm_context_put_decision (self,
                                  tm_decision_new (brand_id, streamer_id, status,
                                                   note != NULL && note[0] != '\0' ? note : NULL),
                                  out_deferred, error);
}

gboolean
tm_context_clear_decision (TmContext   *self,
                           const char  *brand_id,
                           const char  *streamer_id,
                           gboolean    *out_deferred,
                           GError     **error)
{
  TmDecision *d;

  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (brand_id != NULL && streamer_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  d = tm_decision_new (brand_id, streamer_id, TM_DECISION_SHORTLISTED, NULL);
  d->status = TM_N_DECISIONS;
  return tm_context_put_decision (self, d, out_deferred, error);
}

static TmDecision *
decision_copy (const TmDecision *d)
{
  TmDecision *copy = tm_decision_new (d->brand_id, d->streamer_id, TM_DECISION_SHORTLISTED, d->note);

  copy->status = d->status;
  copy->decided = d->decided;
  return copy;
}

gboolean
tm_context_load_decisions (TmContext   *self,
                           const char  *brand_id,
                           GHashTable  *by_streamer,
                           GError     **error)
{
  g_autoptr(GPtrArray) stored = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (brand_id != NULL, FALSE);
  g_return_val_if_fail (by_streamer != NULL, FALSE);

  if (self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The data is still loading; try again in a moment."));
      return FALSE;
    }
  stored = tm_store_load_decisions (self->store, brand_id, error);
  if (stored == NULL)
    return FALSE;

  g_hash_table_remove_all (by_streamer);
  for (guint i = 0; i < stored->len; i++)
    {
      TmDecision *d = g_ptr_array_index (stored, i);

      stored->pdata[i] = NULL;
      g_hash_table_replace (by_streamer, d->streamer_id, d);
    }
  /* What still waits for the store wins over what it has; a pending
   * clear (TM_N_DECISIONS) takes the stored one away. */
  g_hash_table_iter_init (&iter, self->pending_decisions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const TmDecision *d = value;

      if (strcmp (d->brand_id, brand_id) != 0)
        continue;
      if (d->status == TM_N_DECISIONS)
        g_hash_table_remove (by_streamer, d->streamer_id);
      else
        {
          TmDecision *copy = decision_copy (d);

          g_hash_table_replace (by_streamer, copy->streamer_id, copy);
        }
    }
  return TRUE;
}

gboolean
tm_context_get_streamer_note (TmContext   *self,
                              const char  *streamer_id,
                              char       **out_text,
                              GError     **error)
{
  const char *pending;

  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (streamer_id != NULL, FALSE);
  g_return_val_if_fail (out_text != NULL, FALSE);

  pending = g_hash_table_lookup (self->pending_notes, streamer_id);
  if (pending != NULL)
    {
      *out_text = pending[0] != '\0' ? g_strdup (pending) : NULL;
      return TRUE;
    }
  if (self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The data is still loading; try again in a moment."));
      return FALSE;
    }
  return tm_store_get_streamer_note (self->store, streamer_id, out_text, NULL, error);
}

gboolean
tm_context_get_brand_weights (TmContext  *self,
                              const char *brand_id,
                              double      out_weights[4])
{
  g_autoptr(GError) error = NULL;
  GArray *pending;
  gboolean found = FALSE;

  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (brand_id != NULL && out_weights != NULL, FALSE);

  pending = g_hash_table_lookup (self->pending_weights, brand_id);
  if (pending != NULL)
    {
      if (pending->len != 4)
        return FALSE;
      memcpy (out_weights, pending->data, 4 * sizeof (double));
      return TRUE;
    }
  if (self->store == NULL)
    return FALSE;
  if (!tm_store_get_brand_weights (self->store, brand_id, out_weights, &found, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  return found;
}

gboolean
tm_context_save_brand_weights (TmContext     *self,
                               const char    *brand_id,
                               const double  *weights,
                               GError       **error)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (brand_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!tm_context_store_is_free (self))
    {
      GArray *w = g_array_sized_new (FALSE, FALSE, sizeof (double), 4);

      if (weights != NULL)
        g_array_append_vals (w, weights, 4);
      g_hash_table_replace (self->pending_weights, g_strdup (brand_id), w);
      return TRUE;
    }
  if (!tm_store_set_brand_weights (self->store, brand_id, weights, error))
    return FALSE;
  g_hash_table_remove (self->pending_weights, brand_id);
  return TRUE;
}

gboolean
tm_context_remove_brand (TmContext  *self,
                         const char *id)
{
  g_autoptr(TmBrandObject) item = NULL;
  gboolean found;
  guint position;

  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  position = find_brand_position (self, id, &found);
  if (!found)
    return FALSE;
  item = g_list_model_get_item (G_LIST_MODEL (self->brands), position);
  /* Undo puts it back where it was. */
  g_object_set_data (G_OBJECT (item), "tm-position", GUINT_TO_POINTER (position));
  g_hash_table_replace (self->pending_deletes, g_strdup (id), g_object_ref (item));
  g_list_store_remove (self->brands, position);
  return TRUE;
}

gboolean
tm_context_restore_brand (TmContext  *self,
                          const char *id)
{
  TmBrandObject *item;
  guint position;

  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  item = g_hash_table_lookup (self->pending_deletes, id);
  if (item == NULL || g_hash_table_contains (self->deletes_due, id))
    return FALSE;
  position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "tm-position"));
  position = MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->brands)));
  g_list_store_insert (self->brands, position, item);
  g_hash_table_remove (self->pending_deletes, id);
  return TRUE;
}

gboolean
tm_context_flush_delete (TmContext   *self,
                         const char  *id,
                         GError     **error)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_hash_table_contains (self->pending_deletes, id))
    return TRUE;   /* undone, or written already */
  g_hash_table_add (self->deletes_due, g_strdup (id));
  /* A sync or reload holds the store: written when it lets go, never
   * making the window wait for it. */
  if (!tm_context_store_is_free (self))
    return TRUE;
  return write_due_deletes (self, error);
}

void
tm_context_shutdown (TmContext *self)
{
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) ids = NULL;

  g_return_if_fail (TM_IS_CONTEXT (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->sync_manager != NULL)
    tm_sync_manager_cancel (self->sync_manager);

  /* Quitting ends every undo time. */
  ids = g_hash_table_get_keys (self->pending_deletes);
  for (GList *l = ids; l != NULL; l = l->next)
    g_hash_table_add (self->deletes_due, g_strdup (l->data));

  if (g_hash_table_size (self->deletes_due) == 0
      && g_hash_table_size (self->pending_saves) == 0
      && g_hash_table_size (self->pending_notes) == 0
      && g_hash_table_size (self->pending_decisions) == 0
      && g_hash_table_size (self->pending_weights) == 0)
    return;

  /* A reload had let go of the store: open it again for these writes.
   * A cancelled sync rolls back; the writes wait for its lock. */
  if (self->store == NULL)
    {
      self->store = tm_store_open (self->database_path, &error);
      if (self->store == NULL)
        {
          g_warning ("Could not save the last changes: %s", error->message);
          return;
        }
    }
  tm_context_flush_saves_full (self, TRUE);
}

/* Back on the main thread: publish the worker's results, unless a newer
 * load has replaced this one in the meantime. */
static void
tm_context_load_worker_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  TmContext *self = TM_CONTEXT (object);
  GTask *worker = G_TASK (result);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  LoadData *load = g_task_get_task_data (worker);

  g_assert (TM_IS_CONTEXT (self));
  g_assert (G_IS_TASK (task));

  if (g_task_get_cancellable (task) != NULL)
    g_cancellable_disconnect (g_task_get_cancellable (task),
                              GPOINTER_TO_SIZE (g_task_get_task_data (task)));

  if (g_task_get_cancellable (worker) != self->cancellable)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("Loading was replaced by a newer request"));
      return;
    }

  g_clear_object (&self->cancellable);

  if (!g_task_propagate_boolean (worker, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tm_context_set_state (self, TM_CONTEXT_STATE_IDLE, NULL);
      else
        tm_context_set_state (self, TM_CONTEXT_STATE_ERROR, error);

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));

  g_set_object (&self->store, load->store);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);

  g_clear_pointer (&self->catalog, tm_catalog_unref);
  self->catalog = g_steal_pointer (&load->catalog);

  if (self->seeded != load->seeded)
    {
      self->seeded = load->seeded;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEEDED]);
    }

  tm_context_refill_brands (self);
  tm_context_set_state (self, TM_CONTEXT_STATE_READY, NULL);

  g_object_thaw_notify (G_OBJECT (self));

  tm_context_flush_saves (self);
  g_task_return_boolean (task, TRUE);
}

static void
tm_context_constructed (GObject *object)
{
  TmContext *self = TM_CONTEXT (object);

  G_OBJECT_CLASS (tm_context_parent_class)->constructed (object);

  if (self->sample_dir == NULL)
    {
      const char *env = g_getenv ("TRUSTMATCH_SAMPLE_DIR");

      self->sample_dir = g_strdup (env != NULL && env[0] != '\0' ? env : SAMPLE_DATADIR);
    }
}

static void
tm_context_dispose (GObject *object)
{
  TmContext *self = TM_CONTEXT (object);

  /* Normally done by the application already; a second call writes
   * nothing new. */
  if (self->brands != NULL)
    tm_context_shutdown (self);

  g_clear_object (&self->sync_manager);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  g_clear_object (&self->store);
  g_clear_pointer (&self->catalog, tm_catalog_unref);
  if (self->brands != NULL)
    g_list_store_remove_all (self->brands);
  g_clear_object (&self->brands);
  g_clear_pointer (&self->pending_saves, g_hash_table_unref);
  g_clear_pointer (&self->pending_notes, g_hash_table_unref);
  g_clear_pointer (&self->pending_decisions, g_hash_table_unref);
  g_clear_pointer (&self->pending_weights, g_hash_table_unref);
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);
  g_clear_pointer (&self->deletes_due, g_hash_table_unref);
  g_clear_pointer (&self->saved_during_load, g_hash_table_unref);

  G_OBJECT_CLASS (tm_context_parent_class)->dispose (object);
}

static void
tm_context_finalize (GObject *object)
{
  TmContext *self = TM_CONTEXT (object);

  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->sample_dir, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (tm_context_parent_class)->finalize (object);
}

static void
tm_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TmContext *self = TM_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;

    case PROP_SAMPLE_DIR:
      g_value_set_string (value, self->sample_dir);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_STORE:
      g_value_set_object (value, tm_context_get_store (self));
      break;

    case PROP_SEEDED:
      g_value_set_boolean (value, self->seeded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_context_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TmContext *self = TM_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      self->database_path = g_value_dup_string (value);
      break;

    case PROP_SAMPLE_DIR:
      self->sample_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_context_class_init (TmContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tm_context_constructed;
  object_class->dispose = tm_context_dispose;
  object_class->finalize = tm_context_finalize;
  object_class->get_property = tm_context_get_property;
  object_class->set_property = tm_context_set_property;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SAMPLE_DIR] =
    g_param_spec_string ("sample-dir", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TM_TYPE_CONTEXT_STATE,
                       TM_CONTEXT_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         TM_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SEEDED] =
    g_param_spec_boolean ("seeded", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TmContext::brand-save-failed:
   * @id: the brand's id
   * @error: why
   *
   * An edit that waited for a sync could not be written afterwards.  It
   * is kept and tried again at the next save or sync.
   */
  signals[SIGNAL_BRAND_SAVE_FAILED] =
    g_signal_new ("brand-save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);

  /**
   * TmContext::decisions-changed:
   * @brand_id: the brand whose decisions changed
   *
   * A decision was made or cleared (written or waiting for the store).
   */
  signals[SIGNAL_DECISIONS_CHANGED] =
    g_signal_new ("decisions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tm_context_init (TmContext *self)
{
  self->state = TM_CONTEXT_STATE_IDLE;
  self->brands = g_list_store_new (TM_TYPE_BRAND_OBJECT);
  self->pending_saves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) tm_brand_free);
  self->pending_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending_decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) tm_decision_free);
  self->pending_weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) g_array_unref);
  self->pending_deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->deletes_due = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->saved_during_load = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TmContext *
tm_context_new (const char *database_path,
                const char *sample_dir)
{
  return g_object_new (TM_TYPE_CONTEXT,
                       "database-path", database_path,
                       "sample-dir", sample_dir,
                       NULL);
}

const char *
tm_context_get_database_path (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);

  return self->database_path;
}

const char *
tm_context_get_sample_dir (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);

  return self->sample_dir;
}

TmContextState
tm_context_get_state (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), TM_CONTEXT_STATE_IDLE);

  return self->state;
}

const GError *
tm_context_get_error (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);

  return self->error;
}

TmStore *
tm_context_get_store (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);

  return self->state == TM_CONTEXT_STATE_READY ? self->store : NULL;
}

TmCatalog *
tm_context_get_catalog (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);

  return self->state == TM_CONTEXT_STATE_READY ? self->catalog : NULL;
}

gboolean
tm_context_get_seeded (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);

  return self->seeded;
}

static void
cancel_load_cb (GCancellable *caller_cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
tm_context_load_async (TmContext           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  LoadData *load;

  g_return_if_fail (TM_IS_CONTEXT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tm_context_load_async);

  /* Only the newest request may publish its results. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* The caller's cancellable stops the worker too; disconnected again
   * when the worker is done (the handler id is the task data). */
  if (cancellable != NULL)
    {
      gulong handler_id;

      handler_id = g_cancellable_connect (cancellable,
                                          G_CALLBACK (cancel_load_cb),
                                          g_object_ref (self->cancellable),
                                          g_object_unref);
      g_task_set_task_data (task, GSIZE_TO_POINTER (handler_id), NULL);
    }

  load = g_new0 (LoadData, 1);
  load->database_path = g_strdup (self->database_path);
  load->sample_dir = g_strdup (self->sample_dir);

  g_clear_object (&self->store);
  g_clear_pointer (&self->catalog, tm_catalog_unref);
  tm_context_set_state (self, TM_CONTEXT_STATE_LOADING, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);

  worker = g_task_new (self, self->cancellable,
                       tm_context_load_worker_cb,
                       g_steal_pointer (&task));
  g_task_set_source_tag (worker, tm_context_load_worker);
  g_task_set_task_data (worker, load, load_data_free);
  g_task_run_in_thread (worker, tm_context_load_worker);
}

gboolean
tm_context_load_finish (TmContext     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

TmSyncManager *
tm_context_get_sync_manager (TmContext *self)
{
  g_return_val_if_fail (TM_IS_CONTEXT (self), NULL);

  if (self->sync_manager == NULL)
    {
      self->sync_manager = tm_sync_manager_new (self);
      g_signal_connect_object (self->sync_manager, "notify::running",
                               G_CALLBACK (on_sync_running_cb), self, G_CONNECT_SWAPPED);
    }
  return self->sync_manager;
}
