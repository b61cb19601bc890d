/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trustmatch"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "tm-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TmApplication) app = NULL;
  const char *localedir;

  tm_application_mark_start ();

  /* TRUSTMATCH_LOCALEDIR lets `meson devenv` run the uninstalled build
   * with the translations compiled in the build directory. */
  localedir = g_getenv ("TRUSTMATCH_LOCALEDIR");
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name ("TrustMatch");

  app = tm_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
