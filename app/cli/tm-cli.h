/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes a script can rely on (docs/cli.md). */
typedef enum {
  TM_CLI_OK = 0,
  TM_CLI_INVALID_INPUT = 1,   /* a file was rejected (nothing was applied), or an
                               * unknown brand or streamer id was given */
  TM_CLI_USAGE = 2,           /* wrong command line */
  TM_CLI_STORE_FAILED = 3,    /* the database could not be opened or written */
  TM_CLI_IO_FAILED = 4,       /* an output file could not be written */
  TM_CLI_NETWORK_FAILED = 5,  /* sync: the network or the server failed (name lookup,
                               * connection, timeout, TLS, 5xx, deadline); the feed
                               * itself was not judged and trying later may help */
} TmCliExit;

int       tm_cli_run            (int    argc,
                                 char **argv);

G_END_DECLS
