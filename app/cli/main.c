/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trustmatch-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "tm-cli.h"

int
main (int   argc,
      char *argv[])
{
  const char *localedir;

  setlocale (LC_ALL, "");
  /* Set by `meson devenv` so the uninstalled build finds its translations. */
  localedir = g_getenv ("TRUSTMATCH_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return tm_cli_run (argc, argv);
}
