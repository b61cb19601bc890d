/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-feed-client.h"
#include "tm-preferences-window.h"
#include "tm-ranking-page.h"
#include "tm-secret.h"

struct _TmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  TmSyncManager        *manager;
  GCancellable         *cancellable;   /* keyring calls; cancelled when the window goes */
  gboolean              removing_token; /* the keyring call under way clears it */

  /* Template widgets */
  AdwEntryRow          *url_row;
  AdwPasswordEntryRow  *token_row;
  AdwPreferencesGroup  *warning_group;
  GtkButton            *sync_button;
  TmRankingPage        *ranking_page;
};

G_DEFINE_FINAL_TYPE (TmPreferencesWindow, tm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (TmPreferencesWindow *self,
       const char     *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 6);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

static const char *
typed_url (TmPreferencesWindow *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->url_row));
}

static void
on_token_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TmPreferencesWindow *self;
  g_autoptr(GError) error = NULL;
  char *token;

  token = tm_secret_lookup_token_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = TM_PREFERENCES_WINDOW (user_data);
  if (error != NULL)
    toast (self, error->message);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token ? token : "");
  tm_secret_token_free (token);
}

/* Shows the token saved for the feed URL now in use. */
static void
load_token (TmPreferencesWindow *self)
{
  const char *url = tm_sync_manager_get_feed_url (self->manager);

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  if (url[0] != '\0')
    tm_secret_lookup_token_async (url, self->cancellable, on_token_looked_up, self);
}

static void
update_url_state (TmPreferencesWindow *self)
{
  const char *url = typed_url (self);
  gboolean valid = tm_feed_client_check_url (url, NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->warning_group),
                          valid && tm_feed_client_url_is_insecure (url));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), valid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row),
                            tm_sync_manager_get_feed_url (self->manager)[0] != '\0');
}

/* Saves the typed URL when it is one; marks the row and says why not. */
static gboolean
apply_url (TmPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strstrip (g_strdup (typed_url (self)));

  if (g_strcmp0 (url, tm_sync_manager_get_feed_url (self->manager)) == 0)
    return TRUE;
  if (url[0] != '\0' && !tm_feed_client_check_url (url, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
      toast (self, error->message);
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  tm_sync_manager_set_feed_url (self->manager, url);
  toast (self, url[0] != '\0' ? _("Feed address saved") : _("Feed address removed"));
  load_token (self);
  update_url_state (self);
  return TRUE;
}

static void
url_changed_cb (TmPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  update_url_state (self);
}

static void
url_applied_cb (TmPreferencesWindow *self)
{
  apply_url (self);
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TmPreferencesWindow *self;

  if (!tm_secret_store_token_finish (result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = TM_PREFERENCES_WINDOW (user_data);
  if (error != NULL)
    toast (self, error->message);
  else
    toast (self, self->removing_token ? _("Token removed from the keyring") : _("Token saved in the keyring"));
}

static void
token_applied_cb (TmPreferencesWindow *self)
{
  const char *url = tm_sync_manager_get_feed_url (self->manager);

  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));

  if (url[0] == '\0')
    return;
  self->removing_token = token[0] == '\0';
  tm_secret_store_token_async (url, token, self->cancellable, on_token_stored, self);
}

static void
sync_clicked_cb (TmPreferencesWindow *self)
{
  if (!apply_url (self))
    return;
  tm_sync_manager_start (self->manager);
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
tm_preferences_window_close_request (GtkWindow *window)
{
  TmPreferencesWindow *self = TM_PREFERENCES_WINDOW (window);

  /* An address typed but not applied is kept, when it is one. */
  apply_url (self);

  return GTK_WINDOW_CLASS (tm_preferences_window_parent_class)->close_request (window);
}

static void
tm_preferences_window_constructed (GObject *object)
{
  TmPreferencesWindow *self = TM_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (tm_preferences_window_parent_class)->constructed (object);

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), tm_sync_manager_get_feed_url (self->manager));
  load_token (self);
  update_url_state (self);
}

static void
tm_preferences_window_dispose (GObject *object)
{
  TmPreferencesWindow *self = TM_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (tm_preferences_window_parent_class)->dispose (object);
}

static void
tm_preferences_window_finalize (GObject *object)
{
  TmPreferencesWindow *self = TM_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (tm_preferences_window_parent_class)->finalize (object);
}

static void
tm_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TmPreferencesWindow *self = TM_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_preferences_window_class_init (TmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tm_preferences_window_constructed;
  object_class->dispose = tm_preferences_window_dispose;
  object_class->finalize = tm_preferences_window_finalize;
  object_class->set_property = tm_preferences_window_set_property;
  window_class->close_request = tm_preferences_window_close_request;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, TM_TYPE_SYNC_MANAGER,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TM_TYPE_RANKING_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TmPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, TmPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, TmPreferencesWindow, warning_group);
  gtk_widget_class_bind_template_child (widget_class, TmPreferencesWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, TmPreferencesWindow, ranking_page);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, token_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, sync_clicked_cb);
}

static void
tm_preferences_window_init (TmPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

TmPreferencesWindow *
tm_preferences_window_new (GtkWindow     *parent,
                           TmSyncManager *manager)
{
  g_return_val_if_fail (TM_IS_SYNC_MANAGER (manager), NULL);

  return g_object_new (TM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       "manager", manager,
                       NULL);
}
