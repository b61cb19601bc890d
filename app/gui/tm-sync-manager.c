/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-sync-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-feed-client.h"
#include "tm-secret.h"
#include "tm-store-feed.h"
#include "tm-sync-manager.h"

struct _TmSyncManager
{
  GObject        parent_instance;

  TmContext     *context;         /* not owned: it owns us */
  TmFeedClient  *client;
  char          *feed_url;

  /* The sync in progress. */
  GCancellable  *cancellable;
  TmStore       *store;           /* a connection of its own */
  char          *url;             /* as the sync started */
  gboolean       running;
  double         fraction;
  char          *progress_text;

  gboolean       offline;
  char          *status_text;
};

G_DEFINE_FINAL_TYPE (TmSyncManager, tm_sync_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FEED_URL,
  PROP_RUNNING,
  PROP_FRACTION,
  PROP_PROGRESS_TEXT,
  PROP_STATUS_TEXT,
  PROP_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "feed.example.com", or the URL when it has no host. */
static char *
feed_host (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

/* "2026-11-25 18:21" in local time. */
static char *
format_local_time (const char *iso)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (iso ? iso : "?");
  local = g_date_time_to_local (utc);
  /* Translators: when the data was last synced, a strftime format */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static void
set_string (TmSyncManager  *self,
            char          **field,
            const char     *value,
            guint           prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_running (TmSyncManager *self,
             gboolean       running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
set_fraction (TmSyncManager *self,
              double         fraction)
{
  if (self->fraction == fraction)
    return;
  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
set_offline (TmSyncManager *self,
             gboolean       offline)
{
  if (self->offline == offline)
    return;
  self->offline = offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

void
tm_sync_manager_refresh_status (TmSyncManager *self)
{
  TmStore *store;
  g_autoptr(GPtrArray) feeds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TmFeedState *state = NULL;

  g_return_if_fail (TM_IS_SYNC_MANAGER (self));

  store = tm_context_get_store (self->context);
  if (store == NULL)
    return;
  if (!(feeds = tm_store_list_feeds (store, &error)))
    {
      g_warning ("Could not read the state of the feeds: %s", error->message);
      return;
    }

  /* The feed of the settings; else the one synced last. */
  for (guint i = 0; i < feeds->len; i++)
    {
      TmFeedState *s = g_ptr_array_index (feeds, i);

      if (g_strcmp0 (s->url, self->feed_url) == 0)
        state = s;
    }
  if (state == NULL && feeds->len > 0)
    state = g_ptr_array_index (feeds, 0);

  if (state == NULL)
    text = g_strdup (self->offline ? _("Offline: not synced with a feed yet, local data only")
                                   : _("Not synced with a feed yet: local data only"));
  else
    {
      g_autofree char *when = format_local_time (state->last_success);
      g_autofree char *host = feed_host (state->url);

      if (self->offline)
        /* Translators: %s are a time and a server name */
        text = g_strdup_printf (_("Offline: showing the data synced %s from %s"), when, host);
      else
        /* Translators: %s are a time and a server name */
        text = g_strdup_printf (_("Synced %s from %s"), when, host);
      if (tm_feed_client_url_is_insecure (state->url))
        {
          char *warned = g_strdup_printf (_("%s (not encrypted: plain http)"), text);

          g_free (text);
          text = warned;
        }
    }
  set_string (self, &self->status_text, text, PROP_STATUS_TEXT);
}

static void
on_progress (const TmFeedSyncProgress *progress,
             gpointer                  user_data)
{
  TmSyncManager *self = user_data;
  g_autofree char *text = NULL;
  g_autofree char *host = feed_host (self->url);

  switch (progress->phase)
    {
    case TM_FEED_SYNC_PHASE_MANIFEST:
      text = g_strdup_printf (_("Asking %s for changes…"), host);
      break;
    case TM_FEED_SYNC_PHASE_DOWNLOAD:
      {
        g_autofree char *done = g_format_size (progress->bytes_done);
        g_autofree char *total = g_format_size (progress->bytes_total);

        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Downloading %u of %u file (%s of %s)…",
                                             "Downloading %u of %u files (%s of %s)…",
                                             progress->shards_total),
                                MIN (progress->shards_done + 1, progress->shards_total),
                                progress->shards_total, done, total);
        /* Half the bar is the download, half the apply, which may start
         * while the last files are being checked. */
        set_fraction (self, tm_feed_sync_progress_get_fraction (progress));
      }
      break;
    case TM_FEED_SYNC_PHASE_WAITING:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s did not answer properly; trying again in %u second…",
                                           "%s did not answer properly; trying again in %u seconds…",
                                           progress->wait_seconds),
                              host, progress->wait_seconds);
      break;
    case TM_FEED_SYNC_PHASE_APPLY:
      {
        g_autofree char *done = g_strdup_printf ("%" G_GUINT64_FORMAT, progress->records_applied);
        g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, progress->records_total);

        text = g_strdup_printf (_("Checking and saving %s of %s records…"), done, total);
        set_fraction (self, tm_feed_sync_progress_get_fraction (progress));
      }
      break;
    default:
      g_assert_not_reached ();
    }
  set_string (self, &self->progress_text, text, PROP_PROGRESS_TEXT);
}

static gboolean
is_network_error (const GError *error)
{
  return error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR
         || error->domain == G_TLS_ERROR
         || g_error_matches (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER)
         || g_error_matches (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_DEADLINE);
}

static char *
summarize (const TmFeedSyncResult *result)
{
  if (!result->changed)
    return g_strdup (_("The feed has not changed since the last sync"));
  /* Translators: the three numbers are records added, updated, removed */
  return g_strdup_printf (_("Synced: %u added, %u updated, %u removed"),
                          result->stats.added, result->stats.updated, result->stats.removed);
}

static void
finish (TmSyncManager *self,
        const char    *summary,
        GError        *error)
{
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  /* The bar keeps its last words while it slides away. */
  if (error == NULL)
    {
      set_fraction (self, 1.0);
      set_offline (self, FALSE);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_offline (self, is_network_error (error));
  set_running (self, FALSE);
  tm_sync_manager_refresh_status (self);
  g_signal_emit (self, signals[FINISHED], 0, summary, error);
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TmSyncManager) self = user_data;
  g_auto(TmFeedSyncResult) outcome = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  if (!tm_feed_client_sync_finish (TM_FEED_CLIENT (source), result, &outcome, &error))
    {
      finish (self, NULL, error);
      return;
    }
  summary = summarize (&outcome);
  /* The windows show the context's catalog: load it again. */
  if (outcome.changed)
    tm_context_load_async (self->context, NULL, NULL, NULL);
  finish (self, summary, NULL);
}

static void
on_token (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TmSyncManager) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token;
  TmFeedSyncOptions options = { 0, };

  token = tm_secret_lookup_token_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (self->cancellable))
    {
      g_autoptr(GError) cancelled = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The sync was cancelled; nothing was changed"));

      tm_secret_token_free (token);
      finish (self, NULL, cancelled);
      return;
    }
  /* Without a keyring a feed that needs no token still syncs; one that
   * needs it answers 401, whose message says so. */
  if (error != NULL)
    g_debug ("No token for the feed: %s", error->message);

  options.token = token;
  options.progress = on_progress;
  options.progress_data = self;
  tm_feed_client_sync_async (self->client, self->store, self->url, &options, self->cancellable,
                             on_synced, g_object_ref (self));
  /* The client keeps its own copy. */
  tm_secret_token_free (token);
}

void
tm_sync_manager_start (TmSyncManager *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (TM_IS_SYNC_MANAGER (self));

  if (self->running || self->feed_url == NULL || self->feed_url[0] == '\0'
      || tm_context_get_state (self->context) == TM_CONTEXT_STATE_LOADING)
    return;

  g_free (self->url);
  self->url = g_strdup (self->feed_url);
  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  set_fraction (self, 0.0);
  host = feed_host (self->url);
  text = g_strdup_printf (_("Asking %s for changes…"), host);
  set_string (self, &self->progress_text, text, PROP_PROGRESS_TEXT);

  /* A connection of its own: the sync writes in a worker thread while
   * the windows read the context's. */
  self->store = tm_store_open (tm_context_get_database_path (self->context), &error);
  if (self->store == NULL)
    {
      finish (self, NULL, error);
      return;
    }

  tm_secret_lookup_token_async (self->url, self->cancellable, on_token, g_object_ref (self));
}

void
tm_sync_manager_cancel (TmSyncManager *self)
{
  g_return_if_fail (TM_IS_SYNC_MANAGER (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
on_context_state_changed (TmContext     *context,
                          GParamSpec    *pspec,
                          TmSyncManager *self)
{
  tm_sync_manager_refresh_status (self);
}

static void
tm_sync_manager_dispose (GObject *object)
{
  TmSyncManager *self = TM_SYNC_MANAGER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (tm_sync_manager_parent_class)->dispose (object);
}

static void
tm_sync_manager_finalize (GObject *object)
{
  TmSyncManager *self = TM_SYNC_MANAGER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_free (self->feed_url);
  g_free (self->url);
  g_free (self->progress_text);
  g_free (self->status_text);

  G_OBJECT_CLASS (tm_sync_manager_parent_class)->finalize (object);
}

static void
tm_sync_manager_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TmSyncManager *self = TM_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_FEED_URL:      g_value_set_string (value, tm_sync_manager_get_feed_url (self)); break;
    case PROP_RUNNING:       g_value_set_boolean (value, self->running); break;
    case PROP_FRACTION:      g_value_set_double (value, self->fraction); break;
    case PROP_PROGRESS_TEXT: g_value_set_string (value, self->progress_text); break;
    case PROP_STATUS_TEXT:   g_value_set_string (value, self->status_text); break;
    case PROP_OFFLINE:       g_value_set_boolean (value, self->offline); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_sync_manager_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TmSyncManager *self = TM_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_FEED_URL:
      tm_sync_manager_set_feed_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_sync_manager_class_init (TmSyncManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tm_sync_manager_dispose;
  object_class->finalize = tm_sync_manager_finalize;
  object_class->get_property = tm_sync_manager_get_property;
  object_class->set_property = tm_sync_manager_set_property;

  properties[PROP_FEED_URL] =
    g_param_spec_string ("feed-url", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties[PROP_PROGRESS_TEXT] = g_param_spec_string ("progress-text", NULL, NULL, NULL, ro);
  properties[PROP_STATUS_TEXT] = g_param_spec_string ("status-text", NULL, NULL, NULL, ro);
  properties[PROP_OFFLINE] = g_param_spec_boolean ("offline", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TmSyncManager::finished:
   * @summary: (nullable): what changed, when the sync succeeded
   * @error: (nullable): why it failed, or G_IO_ERROR_CANCELLED
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
tm_sync_manager_init (TmSyncManager *self)
{
  self->client = tm_feed_client_new ();
  self->feed_url = g_strdup ("");
}

TmSyncManager *
tm_sync_manager_new (TmContext *context)
{
  TmSyncManager *self;

  g_return_val_if_fail (TM_IS_CONTEXT (context), NULL);

  self = g_object_new (TM_TYPE_SYNC_MANAGER, NULL);
  self->context = context;
  g_signal_connect_object (context, "notify::state", G_CALLBACK (on_context_state_changed),
                           self, 0);
  tm_sync_manager_refresh_status (self);
  return self;
}

GObject *
tm_sync_manager_get_client (TmSyncManager *self)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (self), NULL);

  return G_OBJECT (self->client);
}

const char *
tm_sync_manager_get_feed_url (TmSyncManager *self)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (self), NULL);

  return self->feed_url;
}

void
tm_sync_manager_set_feed_url (TmSyncManager *self,
                              const char    *url)
{
  g_autofree char *stripped = g_strstrip (g_strdup (url ? url : ""));

  g_return_if_fail (TM_IS_SYNC_MANAGER (self));

  if (g_strcmp0 (self->feed_url, stripped) == 0)
    return;
  g_free (self->feed_url);
  self->feed_url = g_steal_pointer (&stripped);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FEED_URL]);
  tm_sync_manager_refresh_status (self);
}

gboolean
tm_sync_manager_get_running (TmSyncManager *self)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (self), FALSE);

  return self->running;
}

double
tm_sync_manager_get_fraction (TmSyncManager *self)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (self), 0.0);

  return self->fraction;
}

const char *
tm_sync_manager_get_progress_text (TmSyncManager *self)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (self), NULL);

  return self->progress_text;
}

const char *
tm_sync_manager_get_status_text (TmSyncManager *self)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (self), NULL);

  return self->status_text;
}

gboolean
tm_sync_manager_get_offline (TmSyncManager *self)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (self), FALSE);

  return self->offline;
}
