/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-secret"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "tm-secret.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "org.example.TrustMatch.FeedToken", SECRET_SCHEMA_NONE,
    {
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* libsecret's errors say "the name org.freedesktop.secrets was not
 * provided": tell the user what that means. */
static void
describe_keyring_error (GError **error)
{
  if (error == NULL || *error == NULL)
    return;
  g_prefix_error (error, "%s ",
                  _("The desktop keyring (GNOME Keyring or another Secret Service) could not "
                    "be used, so the access token cannot be saved or read:"));
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_get_task_data (task) != NULL)
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      describe_keyring_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
tm_secret_store_token_async (const char          *url,
                             const char          *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tm_secret_store_token_async);

  if (token != NULL && *token != '\0')
    {
      g_autofree char *label = NULL;

      /* A marker for on_stored: store rather than clear. */
      g_task_set_task_data (task, GINT_TO_POINTER (1), NULL);
      /* Translators: the name of the keyring item; %s is the feed's URL */
      label = g_strdup_printf (_("TrustMatch feed token for %s"), url);
      secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                             cancellable, on_stored, g_steal_pointer (&task),
                             "url", url, NULL);
    }
  else
    secret_password_clear (token_schema (), cancellable, on_stored, g_steal_pointer (&task),
                           "url", url, NULL);
}

gboolean
tm_secret_store_token_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      describe_keyring_error (&error);
      g_task_return_error (task, error);
      return;
    }
  /* Copied out of libsecret's non-pageable memory into ours, wiped when
   * freed. */
  g_task_return_pointer (task, token ? g_strdup (token) : NULL,
                         (GDestroyNotify) tm_secret_token_free);
  if (token != NULL)
    secret_password_free (token);
}

void
tm_secret_lookup_token_async (const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tm_secret_lookup_token_async);
  secret_password_lookup (token_schema (), cancellable, on_looked_up, task, "url", url, NULL);
}

char *
tm_secret_lookup_token_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tm_secret_token_free (char *token)
{
  if (token == NULL)
    return;
  explicit_bzero (token, strlen (token));
  g_free (token);
}
