/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-secret.h: a feed's access token in the desktop keyring (libsecret).
 *
 * The token is kept by the Secret Service (GNOME Keyring, KWallet), one
 * item per feed URL, and never in GSettings, a file or a log.  When no
 * keyring is running the calls fail with a message that says so.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Saves @token for @url; an empty or NULL @token removes it. */
void      tm_secret_store_token_async   (const char          *url,
                                         const char          *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  tm_secret_store_token_finish  (GAsyncResult        *result,
                                         GError             **error);

/* The token saved for @url: NULL with no error when there is none.  Free
 * it with tm_secret_token_free(), which wipes it. */
void      tm_secret_lookup_token_async  (const char          *url,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char     *tm_secret_lookup_token_finish (GAsyncResult        *result,
                                         GError             **error);

void      tm_secret_token_free          (char                *token);

G_END_DECLS
