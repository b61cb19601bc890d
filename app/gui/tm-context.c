/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-context"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-context.h"
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
};

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

  tm_context_set_state (self, TM_CONTEXT_STATE_READY, NULL);

  g_object_thaw_notify (G_OBJECT (self));

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

  g_clear_object (&self->sync_manager);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  g_clear_object (&self->store);
  g_clear_pointer (&self->catalog, tm_catalog_unref);

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
}

static void
tm_context_init (TmContext *self)
{
  self->state = TM_CONTEXT_STATE_IDLE;
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
    self->sync_manager = tm_sync_manager_new (self);
  return self->sync_manager;
}
