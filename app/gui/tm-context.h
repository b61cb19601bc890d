/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-context.h: the state shared by the application's windows.
 *
 * Holds the store and the catalog loaded from it.  Loading (opening the
 * database, seeding it with the sample data on first run, reading the
 * catalog) runs in a worker thread; widgets follow the "state" property.
 */
#pragma once

#include <gio/gio.h>

#include "tm-brand-object.h"
#include "tm-catalog.h"
#include "tm-store.h"

G_BEGIN_DECLS

typedef enum {
  TM_CONTEXT_STATE_IDLE,     /* nothing loaded yet */
  TM_CONTEXT_STATE_LOADING,  /* the worker is running */
  TM_CONTEXT_STATE_READY,    /* store and catalog are available */
  TM_CONTEXT_STATE_ERROR,    /* see tm_context_get_error() */
} TmContextState;

#define TM_TYPE_CONTEXT_STATE (tm_context_state_get_type ())
GType tm_context_state_get_type (void) G_GNUC_CONST;

#define TM_TYPE_CONTEXT (tm_context_get_type ())
G_DECLARE_FINAL_TYPE (TmContext, tm_context, TM, CONTEXT, GObject)

/* @database_path: NULL for tm_store_default_path().
 * @sample_dir: NULL for $TRUSTMATCH_SAMPLE_DIR, else the installed
 * sample data. */
TmContext      *tm_context_new             (const char          *database_path,
                                            const char          *sample_dir);
const char     *tm_context_get_database_path (TmContext       *self);
const char     *tm_context_get_sample_dir  (TmContext           *self);
TmContextState  tm_context_get_state       (TmContext           *self);
const GError   *tm_context_get_error       (TmContext           *self);
/* NULL unless the state is READY. */
TmStore        *tm_context_get_store       (TmContext           *self);
TmCatalog      *tm_context_get_catalog     (TmContext           *self);
/* Whether the last load filled an empty store from the sample data. */
gboolean        tm_context_get_seeded      (TmContext           *self);

/* Opens the store, seeds it when empty and loads the catalog, off the main
 * thread.  A load already running is cancelled. */
void            tm_context_load_async      (TmContext           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean        tm_context_load_finish     (TmContext           *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* The brands, as TmBrandObject items: the catalog's, plus the user's
 * edits since it was loaded.  Kept across reloads: an object keeps its
 * identity while its id exists, so views keep their selection. */
GListModel     *tm_context_get_brands      (TmContext           *self);
TmBrandObject  *tm_context_find_brand      (TmContext           *self,
                                            const char          *id);

/* Saves @brand (checked with tm_brand_validate first) to the store and
 * updates or adds its item.  While a sync is writing, the store is busy:
 * the item is updated at once and the write waits for the sync's end
 * (@out_deferred TRUE); a failure then is reported by ::brand-save-failed.
 * Returns the item (transfer none), or NULL and @error when nothing was
 * saved and the item is unchanged. */
TmBrandObject  *tm_context_save_brand      (TmContext           *self,
                                            const TmBrand       *brand,
                                            gboolean            *out_deferred,
                                            GError             **error);

/* Saves the user's notes about a streamer (empty text deletes them), or,
 * while a sync or reload holds the store, keeps them and writes them when
 * it is free, as tm_context_save_brand does (@out_deferred TRUE). */
gboolean        tm_context_save_streamer_note (TmContext        *self,
                                               const char       *streamer_id,
                                               const char       *text,
                                               gboolean         *out_deferred,
                                               GError          **error);
/* The notes as the user last saved them, written or still waiting;
 * *@out_text NULL when there are none. */
gboolean        tm_context_get_streamer_note  (TmContext        *self,
                                               const char       *streamer_id,
                                               char            **out_text,
                                               GError          **error);

/* Ranking weights saved for a brand (style, history, trust, risk as in
 * TmWeights): get returns FALSE when none are saved (or the store cannot
 * say).  save with @weights NULL forgets them; while a sync or reload
 * holds the store the change waits like a brand edit. */
gboolean        tm_context_get_brand_weights  (TmContext        *self,
                                               const char       *brand_id,
                                               double            out_weights[4]);
gboolean        tm_context_save_brand_weights (TmContext        *self,
                                               const char       *brand_id,
                                               const double     *weights,
                                               GError          **error);

/* The user's decisions about streamers for a brand (TmDecision), local
 * data a sync never touches.  set and clear write at once, or, while a
 * sync or reload holds the store, wait like a note and are written when
 * it is free (@out_deferred TRUE).  load returns the brand's decisions
 * (TmDecision*, newest first) as the user last made them, written or
 * still waiting; NULL and @error when the store cannot say.  Each set
 * and clear emits ::decisions-changed with the brand's id. */
gboolean        tm_context_set_decision    (TmContext           *self,
                                            const char          *brand_id,
                                            const char          *streamer_id,
                                            TmDecisionStatus     status,
                                            const char          *note,
                                            gboolean            *out_deferred,
                                            GError             **error);
gboolean        tm_context_clear_decision  (TmContext           *self,
                                            const char          *brand_id,
                                            const char          *streamer_id,
                                            gboolean            *out_deferred,
                                            GError             **error);
/* Replaces what @by_streamer holds with the decisions about streamers for
 * @brand_id, the ones still waiting for the store included: streamer id
 * (owned by its decision) → TmDecision*.  Make it with
 * g_hash_table_new_full (g_str_hash, g_str_equal, NULL, tm_decision_free).
 * On failure (e.g. while a reload holds the store) it is left as it was. */
gboolean        tm_context_load_decisions  (TmContext           *self,
                                            const char          *brand_id,
                                            GHashTable          *by_streamer,
                                            GError             **error);

/* Deleting in two steps, for an undo toast: remove_brand takes the item
 * out of the list at once; restore_brand puts it back where it was;
 * flush_delete (when its toast goes away) makes the delete due, and it is
 * written at once, or when a sync or reload lets go of the store.  Until
 * then nothing is lost, even if the app is killed. */
gboolean        tm_context_remove_brand    (TmContext           *self,
                                            const char          *id);
gboolean        tm_context_restore_brand   (TmContext           *self,
                                            const char          *id);
/* FALSE and @error when the store refused the delete: the brand is back
 * in the list. */
gboolean        tm_context_flush_delete    (TmContext           *self,
                                            const char          *id,
                                            GError             **error);

/* Before the application quits: stops a load or sync and writes every
 * edit still waiting (saves, notes, deletes, undoable or not), opening
 * the store itself if a reload had let go of it.  Later edits are written
 * at once or not at all. */
void            tm_context_shutdown        (TmContext           *self);

/* The application's feed syncs (tm-sync-manager.h), owned by the context. */
typedef struct _TmSyncManager TmSyncManager;
TmSyncManager  *tm_context_get_sync_manager (TmContext          *self);

G_END_DECLS
