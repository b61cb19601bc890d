/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trustmatch-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tm-catalog.h"
#include "tm-cli.h"
#include "tm-generator.h"
#include "tm-json.h"
#include "tm-store.h"
#include "tm-text.h"

typedef struct {
  const char *name;
  const char *summary;
  int (*run) (const char *db_path, int argc, char **argv);
} Command;

static void
print_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
print_error (const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* Translators: prefix of every error message of the command-line tool */
  g_printerr (_("trustmatch-cli: error: %s\n"), message);
}

static int
exit_code_for (const GError *error)
{
  if (error->domain == TM_JSON_ERROR)
    return TM_CLI_INVALID_INPUT;
  if (error->domain == TM_STORE_ERROR && error->code == TM_STORE_ERROR_DUPLICATE)
    return TM_CLI_INVALID_INPUT;
  if (error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return TM_CLI_INVALID_INPUT;
  return TM_CLI_STORE_FAILED;
}

static TmStore *
open_store (const char *db_path, int *exit_code)
{
  g_autoptr(GError) error = NULL;
  TmStore *store = tm_store_open (db_path, &error);

  if (store == NULL)
    {
      print_error ("%s", error->message);
      *exit_code = TM_CLI_STORE_FAILED;
    }
  return store;
}

/* Parses the options of a subcommand; on a usage error prints it with the
 * subcommand's help and returns FALSE. */
static gboolean
parse_options (const char    *parameter_string,
               const char    *summary,
               GOptionEntry  *entries,
               int           *argc,
               char        ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (entries)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      print_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* import */

static int
cmd_import (const char *db_path, int argc, char **argv)
{
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  TmImportStats stats = { 0 };
  int code = TM_CLI_OK;

  if (!parse_options (_("FILE…"),
                      _("Import dataset files into the local database. All files are "
                        "checked first and imported in one transaction: if any file is "
                        "invalid, nothing is imported."),
                      NULL, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc < 2)
    {
      print_error (_("import needs at least one FILE"));
      return TM_CLI_USAGE;
    }

  if (!(store = open_store (db_path, &code)))
    return code;

  if (!tm_store_import_files (store, (const char * const *) &argv[1], &stats, &error))
    {
      print_error ("%s", error->message);
      g_printerr (_("Nothing was imported; the database is unchanged.\n"));
      return exit_code_for (error);
    }

  g_print (ngettext ("Imported %u file: %u added, %u updated, %u unchanged.\n",
                     "Imported %u files: %u added, %u updated, %u unchanged.\n",
                     argc - 1),
           (guint) (argc - 1), stats.added, stats.updated, stats.unchanged);
  return TM_CLI_OK;
}

/* list */

typedef struct {
  const char *header;
  gsize       width;
  gboolean    right;
} Column;

static void
print_table (const Column *columns, guint n_columns, GPtrArray *rows)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize widths[16];

  g_assert (n_columns <= G_N_ELEMENTS (widths));

  /* Fit each column to its widest cell, up to the column's maximum. */
  for (guint c = 0; c < n_columns; c++)
    {
      widths[c] = tm_text_display_width (columns[c].header);
      for (guint r = 0; r < rows->len; r++)
        {
          char **cells = g_ptr_array_index (rows, r);
          widths[c] = MAX (widths[c], tm_text_display_width (cells[c]));
        }
      widths[c] = MIN (widths[c], columns[c].width);
    }

  for (guint c = 0; c < n_columns; c++)
    {
      tm_text_append_cell (out, columns[c].header, widths[c], columns[c].right);
      g_string_append (out, c + 1 < n_columns ? "  " : "\n");
    }
  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);

      for (guint c = 0; c < n_columns; c++)
        {
          if (c + 1 == n_columns && !columns[c].right)
            g_string_append (out, cells[c]);
          else
            tm_text_append_cell (out, cells[c], widths[c], columns[c].right);
          g_string_append (out, c + 1 < n_columns ? "  " : "\n");
        }
      if (out->len > 1 << 16)
        {
          fwrite (out->str, 1, out->len, stdout);
          g_string_truncate (out, 0);
        }
    }
  fwrite (out->str, 1, out->len, stdout);
}

static char *
format_count (gint64 n)
{
  if (n < 0)
    return g_strdup ("–");
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

static char *
format_rate (double rate)
{
  if (isnan (rate))
    return g_strdup ("–");
  return g_strdup_printf ("%.1f%%", rate * 100.0);
}

static char *
join_platforms (const TmCatalog *catalog, const TmCatalogStreamer *s)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint k = 0; k < s->n_accounts; k++)
    {
      const TmCatalogAccount *a = &catalog->accounts[s->first_account + k];
      if (k > 0)
        g_string_append (out, ", ");
      g_string_append (out, a->platform >= 0 ? tm_platform_label (a->platform) : "?");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
join_categories (const char * const *codes, guint n)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint k = 0; k < n; k++)
    {
      if (k > 0)
        g_string_append (out, ", ");
      g_string_append (out, tm_category_label (codes[k]));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
list_brands (const TmCatalog *catalog, guint limit)
{
  const Column columns[] = {
    { _("ID"), 16, FALSE },
    { _("Name"), 24, FALSE },
    { _("Category"), 16, FALSE },
    { _("Price tier"), 12, FALSE },
    { _("Order price"), 14, TRUE },
    { _("Min. credit"), 12, TRUE },
    { _("Style"), 60, FALSE },
  };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < catalog->n_brands && i < limit; i++)
    {
      const TmBrand *b = catalog->brands[i];
      g_autoptr(GString) style = g_string_new (NULL);
      char **cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);

      for (guint k = 0; k < b->style_tags->len; k++)
        {
          const TmStyleTag *t = &g_array_index (b->style_tags, TmStyleTag, k);
          g_string_append_printf (style, "%s%s", k ? ", " : "", t->tag);
        }
      cells[0] = g_strdup (b->id);
      cells[1] = g_strdup (b->name);
      cells[2] = g_strdup (tm_category_label (b->category));
      cells[3] = g_strdup (tm_price_tier_label (b->price_tier));
      cells[4] = tm_format_fen (b->typical_order_price_fen, FALSE);
      cells[5] = b->min_credit_score > 0 ? g_strdup_printf ("%.0f%%", b->min_credit_score) : g_strdup ("–");
      cells[6] = g_string_free (g_steal_pointer (&style), FALSE);
      g_ptr_array_add (rows, cells);
    }
  print_table (columns, G_N_ELEMENTS (columns), rows);
}

static void
list_streamers (const TmCatalog *catalog, guint limit)
{
  const Column columns[] = {
    { _("ID"), 16, FALSE },
    { _("Name"), 20, FALSE },
    { _("Platforms"), 28, FALSE },
    { _("Followers"), 14, TRUE },
    { _("Categories"), 24, FALSE },
    { _("Credit"), 9, TRUE },
    { _("Engagement"), 10, TRUE },
    { _("Cooperations"), 12, TRUE },
    { _("Incidents"), 9, TRUE },
  };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < catalog->n_streamers && i < limit; i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];
      char **cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);

      cells[0] = g_strdup (s->id);
      cells[1] = g_strdup (s->name);
      cells[2] = join_platforms (catalog, s);
      cells[3] = format_count (s->followers_total);
      cells[4] = join_categories (&catalog->categories[s->first_category], s->n_categories);
      cells[5] = isnan (s->credit_score) ? g_strdup ("–")
                 : g_strdup_printf ("%g/%g", s->credit_score, s->credit_scale);
      cells[6] = format_rate (s->engagement_rate);
      cells[7] = format_count (s->n_cooperations);
      cells[8] = format_count (s->n_incidents);
      g_ptr_array_add (rows, cells);
    }
  print_table (columns, G_N_ELEMENTS (columns), rows);
}

static void
list_cooperations (const TmCatalog *catalog, guint limit)
{
  const Column columns[] = {
    { _("ID"), 16, FALSE },
    { _("Date"), 10, FALSE },
    { _("Streamer"), 20, FALSE },
    { _("Brand"), 20, FALSE },
    { _("Format"), 12, FALSE },
    { _("GMV"), 16, TRUE },
    { _("Fee"), 14, TRUE },
    { _("Return rate"), 11, TRUE },
    { _("Complaints"), 10, TRUE },
  };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < catalog->n_cooperations && i < limit; i++)
    {
      const TmCatalogCooperation *c = &catalog->cooperations[i];
      char **cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);

      cells[0] = g_strdup (c->id);
      cells[1] = tm_date_format (c->date);
      cells[2] = g_strdup (catalog->streamers[c->streamer].name);
      cells[3] = g_strdup (c->brand >= 0 ? catalog->brands[c->brand]->name : c->brand_name);
      cells[4] = g_strdup (tm_format_label (c->format));
      cells[5] = tm_format_fen (c->gmv_fen, FALSE);
      cells[6] = tm_format_fen (c->fee_fen, FALSE);
      cells[7] = format_rate (c->return_rate);
      cells[8] = format_count (c->complaints);
      g_ptr_array_add (rows, cells);
    }
  print_table (columns, G_N_ELEMENTS (columns), rows);
}

static int
cmd_list (const char *db_path, int argc, char **argv)
{
  g_autofree char *format = NULL;
  int limit = -1;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Output format: table (default) or json"), N_("FORMAT") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Show at most N records"), N_("N") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *what;
  int code = TM_CLI_OK;

  if (!parse_options (_("brands|streamers|cooperations|incidents"),
                      _("List records of the local database."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 2)
    {
      print_error (_("list needs one of: brands, streamers, cooperations, incidents"));
      return TM_CLI_USAGE;
    }
  what = argv[1];
  if (!g_str_equal (what, "brands") && !g_str_equal (what, "streamers")
      && !g_str_equal (what, "cooperations") && !g_str_equal (what, "incidents"))
    {
      print_error (_("unknown record kind “%s”: use brands, streamers, cooperations or incidents"), what);
      return TM_CLI_USAGE;
    }
  if (format != NULL && !g_str_equal (format, "table") && !g_str_equal (format, "json"))
    {
      print_error (_("unknown format “%s”: use table or json"), format);
      return TM_CLI_USAGE;
    }

  if (!(store = open_store (db_path, &code)))
    return code;

  if (g_strcmp0 (format, "json") == 0 || g_str_equal (what, "incidents"))
    {
      /* JSON output is a valid dataset file holding only that kind, so it
       * can be imported again. */
      TmRecordKinds kind = g_str_equal (what, "brands") ? TM_RECORD_BRANDS
                         : g_str_equal (what, "streamers") ? TM_RECORD_STREAMERS
                         : g_str_equal (what, "cooperations") ? TM_RECORD_COOPERATIONS
                         : TM_RECORD_INCIDENTS;
      g_autoptr(TmDataset) only = tm_store_dump_kinds (store, kind, &error);
      g_autofree char *json = NULL;
      GPtrArray *from;

      if (only == NULL)
        {
          print_error ("%s", error->message);
          return TM_CLI_STORE_FAILED;
        }
      from = kind == TM_RECORD_BRANDS ? only->brands
           : kind == TM_RECORD_STREAMERS ? only->streamers
           : kind == TM_RECORD_COOPERATIONS ? only->cooperations
           : only->incidents;
      if (limit >= 0 && from->len > (guint) limit)
        g_ptr_array_set_size (from, limit);

      if (g_strcmp0 (format, "json") == 0)
        {
          json = tm_dataset_to_json (only, NULL);
          fputs (json, stdout);
          return TM_CLI_OK;
        }
      else
        {
          const Column columns[] = {
            { _("ID"), 16, FALSE },
            { _("Date"), 10, FALSE },
            { _("Streamer"), 16, FALSE },
            { _("Kind"), 20, FALSE },
            { _("Severity"), 8, TRUE },
            { _("Resolved"), 8, FALSE },
            { _("Description"), 60, FALSE },
          };
          g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

          for (guint i = 0; i < from->len; i++)
            {
              const TmIncident *inc = g_ptr_array_index (from, i);
              char **cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);

              cells[0] = g_strdup (inc->id);
              cells[1] = tm_date_format (inc->date);
              cells[2] = g_strdup (inc->streamer_id);
              cells[3] = g_strdup (tm_incident_kind_label (inc->kind));
              cells[4] = g_strdup_printf ("%d", inc->severity);
              cells[5] = g_strdup (inc->resolved ? _("yes") : _("no"));
              cells[6] = g_strdup (inc->description);
              g_ptr_array_add (rows, cells);
            }
          print_table (columns, G_N_ELEMENTS (columns), rows);
          return TM_CLI_OK;
        }
    }
  else
    {
      g_autoptr(TmCatalog) catalog = tm_catalog_load (store, &error);
      guint n = limit < 0 ? G_MAXUINT : (guint) limit;

      if (catalog == NULL)
        {
          print_error ("%s", error->message);
          return TM_CLI_STORE_FAILED;
        }
      if (g_str_equal (what, "brands"))
        list_brands (catalog, n);
      else if (g_str_equal (what, "streamers"))
        list_streamers (catalog, n);
      else
        list_cooperations (catalog, n);
    }
  return TM_CLI_OK;
}

/* generate */

static int
cmd_generate (const char *db_path, int argc, char **argv)
{
  int n_streamers = 300, n_cooperations = -1, n_brands = -1, shard_size = 50000;
  gint64 seed = 1;
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "streamers", 0, 0, G_OPTION_ARG_INT, &n_streamers, N_("Number of streamers (default 300)"), N_("N") },
    { "cooperations", 0, 0, G_OPTION_ARG_INT, &n_cooperations, N_("Number of cooperation records (default 10 per streamer)"), N_("N") },
    { "brands", 0, 0, G_OPTION_ARG_INT, &n_brands, N_("Number of brands (default 12)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed; the same seed gives the same files (default 1)"), N_("S") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Directory to write the files to (created if missing)"), N_("DIR") },
    { "shard-size", 0, 0, G_OPTION_ARG_INT, &shard_size, N_("Records per file before splitting a kind into several files (default 50000, 0 = never)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };
  TmGeneratorOptions options;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  if (!parse_options (NULL,
                      _("Write a synthetic dataset (labelled as synthetic) for trials, "
                        "benchmarks and stress tests."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (out == NULL)
    {
      print_error (_("generate needs --out DIR"));
      return TM_CLI_USAGE;
    }
  if (n_streamers < 1 || n_streamers > 10000000 || seed < 0 || shard_size < 0
      || n_cooperations < -1 || n_cooperations > 100000000 || n_brands == 0 || n_brands < -1 || n_brands > 10000)
    {
      print_error (_("--streamers must be 1–10,000,000, --cooperations 0–100,000,000, "
                     "--brands 1–10,000, --seed and --shard-size not negative"));
      return TM_CLI_USAGE;
    }

  tm_generator_options_init (&options, (guint) n_streamers, (guint64) seed);
  if (n_cooperations >= 0)
    options.n_cooperations = (guint) n_cooperations;
  if (n_brands > 0)
    options.n_brands = (guint) n_brands;

  if (g_mkdir_with_parents (out, 0755) != 0)
    {
      int saved = errno;
      print_error (_("cannot create the directory “%s”: %s"), out, g_strerror (saved));
      return TM_CLI_IO_FAILED;
    }
  if (!tm_generator_write (&options, out, (guint) shard_size, paths, &error))
    {
      print_error ("%s", error->message);
      return TM_CLI_IO_FAILED;
    }
  for (guint i = 0; i < paths->len; i++)
    g_print ("%s\n", (char *) paths->pdata[i]);
  return TM_CLI_OK;
}

/* dump */

static int
cmd_dump (const char *db_path, int argc, char **argv)
{
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE instead of standard output"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  int code = TM_CLI_OK;

  if (!parse_options (NULL, _("Write the whole local database as one dataset file."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1)
    {
      print_error (_("dump takes no arguments besides --out FILE"));
      return TM_CLI_USAGE;
    }
  if (!(store = open_store (db_path, &code)))
    return code;
  if (!(dataset = tm_store_dump (store, &error)))
    {
      print_error ("%s", error->message);
      return TM_CLI_STORE_FAILED;
    }
  if (out != NULL)
    {
      if (!tm_dataset_save_file (dataset, out, &error))
        {
          print_error ("%s", error->message);
          return TM_CLI_IO_FAILED;
        }
    }
  else
    {
      g_autofree char *json = tm_dataset_to_json (dataset, NULL);
      fputs (json, stdout);
    }
  return TM_CLI_OK;
}

/* status */

static int
cmd_status (const char *db_path, int argc, char **argv)
{
  g_autoptr(TmStore) store = NULL;
  guint nb, ns, nc, ni;
  int code = TM_CLI_OK;

  if (!parse_options (NULL, _("Show where the local database is and what it holds."),
                      NULL, &argc, &argv))
    return TM_CLI_USAGE;
  if (!(store = open_store (db_path, &code)))
    return code;
  tm_store_count (store, &nb, &ns, &nc, &ni);
  g_print (_("Database: %s (schema version %d)\n"), tm_store_get_path (store),
           tm_store_get_schema_version (store));
  g_print (_("Brands: %u\nStreamers: %u\nCooperations: %u\nIncidents: %u\n"), nb, ns, nc, ni);
  return TM_CLI_OK;
}

static const Command commands[] = {
  { "import", N_("Import dataset files (all or nothing)"), cmd_import },
  { "list", N_("List brands, streamers, cooperations or incidents"), cmd_list },
  { "generate", N_("Write a synthetic dataset of any size"), cmd_generate },
  { "dump", N_("Write the whole database as a dataset file"), cmd_dump },
  { "status", N_("Show the database location and record counts"), cmd_status },
};

static void
print_usage (FILE *to)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append (s, _("Usage: trustmatch-cli [--db FILE] COMMAND [OPTIONS…]\n\n"));
  g_string_append (s, _("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_string_append (s, "  ");
      tm_text_append_cell (s, commands[i].name, 10, FALSE);
      g_string_append_printf (s, "%s\n", _(commands[i].summary));
    }
  g_string_append (s, _("\nOptions:\n"
                        "  --db FILE  use this database instead of the default one\n"
                        "  --version  print the version\n\n"
                        "Run “trustmatch-cli COMMAND --help” for a command's options.\n"));
  fputs (s->str, to);
}

int
tm_cli_run (int argc, char **argv)
{
  const char *db_path = NULL;
  int i = 1;

  /* Global options come before the command. */
  while (i < argc && argv[i][0] == '-')
    {
      if (g_str_equal (argv[i], "--db") && i + 1 < argc)
        {
          db_path = argv[i + 1];
          i += 2;
        }
      else if (g_str_has_prefix (argv[i], "--db="))
        db_path = argv[i++] + strlen ("--db=");
      else if (g_str_equal (argv[i], "--version"))
        {
          g_print ("trustmatch-cli %s\n", PACKAGE_VERSION);
          return TM_CLI_OK;
        }
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_usage (stdout);
          return TM_CLI_OK;
        }
      else
        {
          print_error (_("unknown option “%s”"), argv[i]);
          print_usage (stderr);
          return TM_CLI_USAGE;
        }
    }

  if (i >= argc)
    {
      print_usage (stderr);
      return TM_CLI_USAGE;
    }

  for (guint k = 0; k < G_N_ELEMENTS (commands); k++)
    {
      if (g_str_equal (argv[i], commands[k].name))
        {
          /* The subcommand sees its own name as argv[0]. */
          g_autofree char *prgname = g_strdup_printf ("trustmatch-cli %s", commands[k].name);
          g_set_prgname (prgname);
          return commands[k].run (db_path, argc - i, argv + i);
        }
    }

  print_error (_("unknown command “%s”"), argv[i]);
  print_usage (stderr);
  return TM_CLI_USAGE;
}
