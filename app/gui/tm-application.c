/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-application"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-application.h"
#include "tm-window.h"

struct _TmApplication
{
  AdwApplication  parent_instance;

  TmContext      *context;
};

G_DEFINE_FINAL_TYPE (TmApplication, tm_application, ADW_TYPE_APPLICATION)

static const char *developers[] = {
  "The TrustMatch developers",
  NULL
};

static void
tm_application_about_action (GSimpleAction *action,
                             GVariant      *param,
                             gpointer       user_data)
{
  TmApplication *self = user_data;
  GtkWindow *window;
  GtkWidget *about;

  g_assert (TM_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", PACKAGE_NAME,
                        "developer-name", _("The TrustMatch developers"),
                        "version", PACKAGE_VERSION,
                        "website", PACKAGE_WEBSITE,
                        "issue-url", PACKAGE_BUGREPORT,
                        "comments", _("TrustMatch helps brands choose live-streaming partners by trust: "
                                      "platform credit, reviews, incidents and the brand’s own record of "
                                      "past cooperations, kept offline on this computer.\n\n"
                                      "The bundled sample data is synthetic: its brands, streamers and "
                                      "figures are invented for demonstration."),
                        "copyright", "© 2026 The TrustMatch developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static void
tm_application_quit_action (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  TmApplication *self = user_data;
  GList *windows;

  g_assert (TM_IS_APPLICATION (self));

  /* Closing rather than quitting outright lets every window save its
   * size; the application ends with its last window. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "about", tm_application_about_action },
  { "quit", tm_application_quit_action },
};

static void
tm_application_startup (GApplication *application)
{
  TmApplication *self = TM_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.sync", { "<Control>r", NULL } },
    { "win.reload", { "F5", NULL } },
    { "win.preferences", { "<Control>comma", NULL } },
    { "win.show-brands", { "<Alt>1", NULL } },
    { "win.show-match", { "<Alt>2", NULL } },
    { "win.show-streamers", { "<Alt>3", NULL } },
    { "win.show-review", { "<Alt>4", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.new-brand", { "<Control>n", NULL } },
  };

  /* The catalog loads in a thread (0.6 s and more at 100k streamers)
   * while GTK starts (0.1–0.2 s) and the window is built and shown: the
   * first window then finds it loading, or loaded.  The context needs
   * no GTK. */
  self->context = tm_context_new (NULL, NULL);
  tm_context_load_async (self->context, NULL, NULL, NULL);

  G_APPLICATION_CLASS (tm_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action,
                                           accels[i].accels);
}

static void
tm_application_activate (GApplication *application)
{
  TmApplication *self = TM_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (tm_window_new (GTK_APPLICATION (self), self->context));

  gtk_window_present (window);
}

static void
tm_application_shutdown (GApplication *application)
{
  TmApplication *self = TM_APPLICATION (application);

  /* A load's task may still hold the context, so disposing it is not
   * enough: edits that wait for the store are written now. */
  if (self->context != NULL)
    tm_context_shutdown (self->context);
  g_clear_object (&self->context);

  G_APPLICATION_CLASS (tm_application_parent_class)->shutdown (application);
}

static void
tm_application_class_init (TmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = tm_application_startup;
  app_class->activate = tm_application_activate;
  app_class->shutdown = tm_application_shutdown;
}

static void
tm_application_init (TmApplication *self)
{
}

static gint64 start_time;

void
tm_application_mark_start (void)
{
  if (start_time == 0)
    start_time = g_get_monotonic_time ();
}

gint64
tm_application_get_start_time (void)
{
  tm_application_mark_start ();
  return start_time;
}

TmApplication *
tm_application_new (const char        *application_id,
                    GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (TM_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", "/org/example/TrustMatch",
                       NULL);
}

TmContext *
tm_application_get_context (TmApplication *self)
{
  g_return_val_if_fail (TM_IS_APPLICATION (self), NULL);

  return self->context;
}
