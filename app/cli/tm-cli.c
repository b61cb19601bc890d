/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trustmatch-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tm-catalog.h"
#include "tm-cli.h"
#include "tm-compare.h"
#include "tm-engine.h"
#include "tm-export.h"
#include "tm-dossier.h"
#include "tm-feed.h"
#include "tm-feed-client.h"
#include "tm-generator.h"
#include "tm-json.h"
#include "tm-lookalike.h"
#include "tm-store.h"
#include "tm-store-feed.h"
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

  /* A last column aligned left is never cut nor padded: it holds the long
   * text (descriptions, explanations). */
  for (guint c = 0; c < n_columns; c++)
    {
      if (c + 1 == n_columns && !columns[c].right)
        g_string_append (out, columns[c].header);
      else
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
          if (c + 1 < n_columns)
            g_string_append (out, "  ");
        }
      /* Empty cells at the end of a row leave no trailing blanks. */
      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append_c (out, '\n');
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

/* publish */

static int
cmd_publish (const char *db_path, int argc, char **argv)
{
  int shard_records = TM_FEED_DEFAULT_SHARD_RECORDS;
  g_autofree char *publisher = NULL;
  GOptionEntry entries[] = {
    { "shard-records", 0, 0, G_OPTION_ARG_INT, &shard_records, N_("Records per shard at most, on average (default 5000)"), N_("N") },
    { "publisher", 0, 0, G_OPTION_ARG_STRING, &publisher, N_("Who publishes the feed, shown to those who sync it"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  TmFeedPublishOptions options = { 0 };
  TmFeedPublishStats stats = { 0 };
  g_autofree char *records = NULL;
  int code = TM_CLI_OK;

  if (!parse_options (_("DIR"),
                      _("Write the local database as a feed (docs/feed-format.md) into DIR, "
                        "ready to upload to any web server. Only files whose content "
                        "changes are rewritten; manifest.json is replaced last."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 2)
    {
      print_error (_("publish needs exactly one DIR"));
      return TM_CLI_USAGE;
    }
  if (shard_records < 1 || shard_records > 10000000)
    {
      print_error (_("--shard-records must be 1–10,000,000"));
      return TM_CLI_USAGE;
    }
  if (publisher != NULL && g_utf8_strlen (publisher, -1) > TM_FEED_MAX_PUBLISHER)
    {
      print_error (_("--publisher may be at most %d characters long"), TM_FEED_MAX_PUBLISHER);
      return TM_CLI_USAGE;
    }

  if (!(store = open_store (db_path, &code)))
    return code;
  options.shard_records = (guint) shard_records;
  options.publisher = publisher;
  if (!tm_feed_publish (store, argv[1], &options, &stats, &error))
    {
      print_error ("%s", error->message);
      if (error->domain == TM_STORE_ERROR)
        return TM_CLI_STORE_FAILED;
      if (error->domain == TM_FEED_ERROR)
        return TM_CLI_USAGE;   /* the limits of the format: another --shard-records */
      return TM_CLI_IO_FAILED;
    }

  records = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.records);
  g_print (ngettext ("Published %s records in %u shard to %s: "
                     "%u written, %u unchanged, %u removed.\n",
                     "Published %s records in %u shards to %s: "
                     "%u written, %u unchanged, %u removed.\n",
                     stats.shards),
           records, stats.shards, argv[1], stats.written, stats.unchanged, stats.removed);
  if (!stats.manifest_written)
    g_print (_("The feed did not change; manifest.json was left as it was.\n"));
  return TM_CLI_OK;
}

/* sync */

typedef struct {
  gboolean          done;
  gboolean          ok;
  TmFeedSyncResult  result;
  GError           *error;
  gboolean          tty;        /* stderr is a terminal: a progress line is drawn */
  gboolean          line_drawn;
} SyncRun;

/* Draws one progress line on a terminal, and says on any stderr when a
 * request is tried again. */
static void
on_sync_progress (const TmFeedSyncProgress *progress,
                  gpointer                  user_data)
{
  SyncRun *run = user_data;

  if (progress->phase == TM_FEED_SYNC_PHASE_WAITING)
    {
      if (run->line_drawn)
        g_printerr ("\n");
      run->line_drawn = FALSE;
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "The request failed; trying again in %u second (attempt %u).\n",
                               "The request failed; trying again in %u seconds (attempt %u).\n",
                               progress->wait_seconds),
                  progress->wait_seconds, progress->attempt + 1);
      return;
    }
  if (!run->tty || progress->phase == TM_FEED_SYNC_PHASE_MANIFEST)
    return;
  if (progress->phase == TM_FEED_SYNC_PHASE_DOWNLOAD)
    {
      g_autofree char *done = g_format_size (progress->bytes_done);
      g_autofree char *total = g_format_size (progress->bytes_total);

      /* Translators: a progress line, redrawn in place */
      g_printerr (_("\rDownloading: %u of %u files, %s of %s "),
                  progress->shards_done, progress->shards_total, done, total);
    }
  else
    {
      g_autofree char *records = g_strdup_printf ("%" G_GUINT64_FORMAT, progress->records_applied);
      g_autofree char *records_total = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                        progress->records_total);

      /* Translators: a progress line, redrawn in place */
      g_printerr (_("\rSaving: %s of %s records checked and written to the database "),
                  records, records_total);
      g_printerr ("%s", "                                        ");
    }
  run->line_drawn = TRUE;
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncRun *run = user_data;

  run->ok = tm_feed_client_sync_finish (TM_FEED_CLIENT (source), result, &run->result, &run->error);
  run->done = TRUE;
}

/* "2026-11-25T17:50:00Z" as the user reads it. */
static char *
format_sync_time (const char *iso)
{
  g_autoptr(GDateTime) time = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  if (time == NULL)
    return g_strdup (iso ? iso : "?");
  /* Translators: when a feed was last synced, a strftime format; keep UTC */
  return g_date_time_format (time, _("%Y-%m-%d %H:%M UTC"));
}

static int
sync_exit_code (const GError *error)
{
  if (error->domain == TM_STORE_ERROR)
    return TM_CLI_STORE_FAILED;
  if (g_error_matches (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_URL))
    return TM_CLI_USAGE;
  if (g_error_matches (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_HTTP_SERVER)
      || g_error_matches (error, TM_FEED_CLIENT_ERROR, TM_FEED_CLIENT_ERROR_DEADLINE))
    return TM_CLI_NETWORK_FAILED;
  if (error->domain == TM_FEED_CLIENT_ERROR || error->domain == TM_FEED_ERROR
      || error->domain == TM_JSON_ERROR)
    return TM_CLI_INVALID_INPUT;
  return TM_CLI_NETWORK_FAILED;
}

static int
cmd_sync (const char *db_path, int argc, char **argv)
{
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmFeedClient) client = NULL;
  g_autoptr(TmFeedState) before = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(TmFeedSyncResult) result = { 0, };
  SyncRun run = { 0, };
  TmFeedSyncOptions options = { 0, };
  const char *url;
  int code = TM_CLI_OK;

  if (!parse_options (_("URL"),
                      _("Fetch the feed whose manifest.json is at URL into the local "
                        "database: only the files that changed since the last sync are "
                        "downloaded, everything is checked before anything is written, "
                        "and your own records are never touched.\n\n"
                        "If the feed needs an access token, put it in the environment "
                        "variable TRUSTMATCH_TOKEN; it is sent only to the feed's own "
                        "server.\n\n"
                        "Exit status: 0 synced (or nothing changed), 1 the feed was "
                        "rejected (an HTTP 4xx error or bad data), 2 wrong command line, "
                        "3 the database failed, 5 the network or the server failed (try "
                        "again later). On any failure the database is unchanged."),
                      NULL, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 2)
    {
      print_error (_("sync needs exactly one URL, the address of the feed's manifest.json"));
      return TM_CLI_USAGE;
    }
  url = argv[1];
  if (tm_feed_client_url_is_insecure (url))
    g_printerr (_("Warning: %s is plain HTTP: anyone on the way can read or change the "
                  "data. Ask the feed's publisher for an https:// address.\n"), url);

  if (!(store = open_store (db_path, &code)))
    return code;
  if (!tm_store_get_feed_state (store, url, &before, &error))
    {
      print_error ("%s", error->message);
      return TM_CLI_STORE_FAILED;
    }

  options.token = g_getenv ("TRUSTMATCH_TOKEN");
  options.progress = on_sync_progress;
  options.progress_data = &run;
  run.tty = isatty (STDERR_FILENO);

  client = tm_feed_client_new ();
  tm_feed_client_sync_async (client, store, url, &options, NULL, on_synced, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (run.line_drawn)
    g_printerr ("\n");
  result = run.result;
  if (!run.ok)
    {
      error = run.error;
      print_error ("%s", error->message);
      g_printerr (_("Nothing was changed; the database keeps the data of the last "
                    "successful sync.\n"));
      return sync_exit_code (error);
    }

  if (!result.changed && before != NULL)
    {
      g_autofree char *when = format_sync_time (before->last_success);

      g_print (_("%s: nothing changed since the last sync (%s).\n"), url, when);
    }
  else
    {
      g_autofree char *size = g_format_size (result.bytes);

      g_print (ngettext ("Synced %s: %u shard downloaded (%s), %u added, %u updated, "
                         "%u removed.\n",
                         "Synced %s: %u shards downloaded (%s), %u added, %u updated, "
                         "%u removed.\n",
                         result.fetched),
               url, result.fetched, size, result.stats.added, result.stats.updated,
               result.stats.removed);
    }
  if (result.stats.skipped_local > 0)
    {
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; result.stats.skipped_local_ids && i < result.stats.skipped_local_ids->len; i++)
        g_string_append_printf (ids, "%s%s", i > 0 ? ", " : "",
                                (const char *) g_ptr_array_index (result.stats.skipped_local_ids, i));
      if (result.stats.skipped_local > TM_FEED_APPLY_MAX_SKIPPED_IDS)
        g_string_append (ids, ", …");
      g_print (ngettext ("%u record of the feed was not applied: your own record has its id "
                         "(%s).\n",
                         "%u records of the feed were not applied: your own records have "
                         "their ids (%s).\n",
                         result.stats.skipped_local),
               result.stats.skipped_local, ids->str);
    }
  return TM_CLI_OK;
}

/* status */

static int
cmd_status (const char *db_path, int argc, char **argv)
{
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GPtrArray) feeds = NULL;
  g_autoptr(GError) error = NULL;
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

  if (!(feeds = tm_store_list_feeds (store, &error)))
    {
      print_error ("%s", error->message);
      return TM_CLI_STORE_FAILED;
    }
  for (guint i = 0; i < feeds->len; i++)
    {
      TmFeedState *feed = g_ptr_array_index (feeds, i);
      g_autofree char *when = format_sync_time (feed->last_success);

      g_print (_("Feed: %s, last synced %s\n"), feed->url, when);
    }
  return TM_CLI_OK;
}

/* Matching: rank, explain, compare.
 *
 * The three commands share the way they find their inputs (brand, weights,
 * as-of date, the engine); tables use display widths so Chinese names line
 * up, JSON is written with json-glib, CSV by hand (RFC 4180). */

typedef struct {
  TmStore         *store;
  TmCatalog       *catalog;
  TmEngine        *engine;
  const TmBrand   *brand;
  TmWeights        weights;
  TmDate           as_of;
  const char      *weights_text;   /* --weights, applied over the saved ones */
  gboolean         weights_saved;  /* the brand's saved weights are the base */
} Match;

static void
match_clear (Match *m)
{
  g_clear_pointer (&m->engine, tm_engine_unref);
  g_clear_pointer (&m->catalog, tm_catalog_unref);
  g_clear_object (&m->store);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Match, match_clear)

/* Checks what can be checked before the store is opened, so a usage error
 * never waits for a catalog to load. */
static gboolean
match_parse_arguments (Match      *m,
                       const char *command,
                       const char *brand_id,
                       const char *weights_text,
                       const char *as_of_text)
{
  g_autoptr(GError) error = NULL;

  if (brand_id == NULL)
    {
      /* Translators: %s is a command name such as “rank” */
      print_error (_("%s needs --brand ID (run “trustmatch-cli list brands” to see the brand ids)"),
                   command);
      return FALSE;
    }

  tm_weights_init_default (&m->weights);
  m->weights_text = weights_text;
  /* Checked here against the defaults, so that a typo is a usage error
   * before anything is opened; applied over the brand's saved weights in
   * match_open().  tm_weights_parse() refuses weights that are not valid
   * together. */
  if (weights_text != NULL && !tm_weights_parse (weights_text, &m->weights, &error))
    {
      /* Translators: the first %s is what the user gave, the second why
       * it is wrong */
      print_error (_("invalid --weights “%s”: %s"), weights_text, error->message);
      return FALSE;
    }

  if (as_of_text == NULL)
    m->as_of = tm_date_today ();
  else if (!tm_date_parse (as_of_text, &m->as_of))
    {
      print_error (_("invalid --as-of “%s”: use a date YYYY-MM-DD between 1970-01-01 and 2100-12-31"),
                   as_of_text);
      return FALSE;
    }
  return TRUE;
}

/* Opens the store, loads the catalog, finds the brand and builds the
 * engine.  Returns an exit code. */
static int
match_open (Match      *m,
            const char *db_path,
            const char *brand_id)
{
  g_autoptr(GError) error = NULL;
  int code = TM_CLI_OK;
  gint b;

  if (!(m->store = open_store (db_path, &code)))
    return code;
  if (!(m->catalog = tm_catalog_load (m->store, &error)))
    {
      print_error ("%s", error->message);
      return TM_CLI_STORE_FAILED;
    }
  b = tm_catalog_find_brand (m->catalog, brand_id);
  if (b < 0)
    {
      print_error (_("unknown brand “%s”: run “trustmatch-cli list brands” to see the brand ids"),
                   brand_id);
      return TM_CLI_INVALID_INPUT;
    }
  m->brand = m->catalog->brands[b];

  /* The weights saved for this brand (in the app or with “weights”) are
   * the starting point; --weights changes the components it names. */
  {
    double saved[4];
    gboolean found = FALSE;
    TmWeights weights;

    if (!tm_store_get_brand_weights (m->store, brand_id, saved, &found, &error))
      {
        print_error ("%s", error->message);
        return TM_CLI_STORE_FAILED;
      }
    weights = (TmWeights) { saved[0], saved[1], saved[2], saved[3] };
    if (found && tm_weights_is_valid (&weights))
      {
        m->weights = weights;
        m->weights_saved = TRUE;
        if (m->weights_text != NULL && !tm_weights_parse (m->weights_text, &m->weights, &error))
          {
            print_error (_("invalid --weights “%s” over the brand’s saved weights: %s"),
                         m->weights_text, error->message);
            return TM_CLI_USAGE;
          }
      }
  }

  m->engine = tm_engine_new (m->catalog, m->as_of);
  return TM_CLI_OK;
}

static gboolean
match_find_streamer (Match      *m,
                     const char *id,
                     guint      *out)
{
  gint s = tm_catalog_find_streamer (m->catalog, id);

  if (s < 0)
    {
      print_error (_("unknown streamer “%s”: run “trustmatch-cli list streamers” to see the streamer ids"),
                   id);
      return FALSE;
    }
  *out = (guint) s;
  return TRUE;
}

/* Reports a failed write to standard output (a full disk, a closed pipe). */
static int
finish_output (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      int saved = errno;

      print_error (_("could not write the output: %s"), g_strerror (saved));
      return TM_CLI_IO_FAILED;
    }
  return TM_CLI_OK;
}

static gboolean
check_format (const char *format,
              gboolean    allow_csv)
{
  if (format == NULL || g_str_equal (format, "table") || g_str_equal (format, "json")
      || (allow_csv && g_str_equal (format, "csv")))
    return TRUE;
  if (allow_csv)
    print_error (_("unknown format “%s”: use table, json or csv"), format);
  else
    print_error (_("unknown format “%s”: use table or json"), format);
  return FALSE;
}

/* Short names of the exclusion flags, for a table cell. */
static char *
join_exclusion_flags (guint flags)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (flags & TM_EXCLUSION_BLACKLIST)
    /* Translators: short reason a streamer is excluded, in a table cell */
    g_string_append (out, _("blacklist"));
  if (flags & TM_EXCLUSION_MIN_CREDIT)
    /* Translators: short reason a streamer is excluded, in a table cell */
    g_string_append_printf (out, "%s%s", out->len ? ", " : "", _("low credit"));
  if (flags & TM_EXCLUSION_COMPETITOR)
    /* Translators: short reason a streamer is excluded, in a table cell */
    g_string_append_printf (out, "%s%s", out->len ? ", " : "", _("competitor"));
  if (out->len == 0)
    g_string_append (out, "–");
  return g_string_free (g_steal_pointer (&out), FALSE);
}


/* Score points with one decimal and a real minus sign: "+3.7", "−0.9". */
static char *
format_signed (double points)
{
  return tm_format_points_signed (points);
}

static char *
format_points (double points)
{
  return g_strdup_printf ("%.1f", points);
}

static char *
format_percent (double fraction)
{
  return g_strdup_printf ("%.0f%%", fraction * 100.0);
}

/* The risk cell of a table: the penalty, and the cap when there is one. */
static char *
format_risk (double penalty,
             double cap)
{
  g_autofree char *p = NULL;

  if (penalty <= 0.0 && cap >= 100.0)
    return g_strdup ("–");
  p = penalty > 0.0 ? g_strdup_printf ("−%.1f", penalty) : g_strdup ("–");
  if (cap >= 100.0)
    return g_steal_pointer (&p);
  /* Translators: the risk penalty in points, then the ceiling severe
   * incidents put on the score, e.g. “−27.5, cap 34.3” */
  return g_strdup_printf (_("%s, cap %.1f"), p, cap);
}

static void
print_match_header (Match *m)
{
  g_autofree char *date = tm_date_format (m->as_of);
  double sum = m->weights.style + m->weights.history + m->weights.trust;

  /* Translators: first line of rank/explain/compare output: the brand's
   * name and id, and the date the scores are computed for */
  g_print (_("Brand: %s (%s), as of %s\n"), m->brand->name, m->brand->id, date);
  /* Translators: the weights after normalising, in percent; risk
   * multiplies the incident penalty */
  g_print (_("Weights: style %.0f%%, history %.0f%%, trust %.0f%%, risk ×%g\n"),
           100.0 * m->weights.style / sum, 100.0 * m->weights.history / sum,
           100.0 * m->weights.trust / sum, m->weights.risk);
}

static void
add_weights_json (JsonBuilder     *b,
                  const TmWeights *w)
{
  json_builder_set_member_name (b, "weights");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "style");
  json_builder_add_double_value (b, w->style);
  json_builder_set_member_name (b, "history");
  json_builder_add_double_value (b, w->history);
  json_builder_set_member_name (b, "trust");
  json_builder_add_double_value (b, w->trust);
  json_builder_set_member_name (b, "risk");
  json_builder_add_double_value (b, w->risk);
  json_builder_end_object (b);
}

static void
add_brand_header_json (JsonBuilder *b,
                       Match       *m)
{
  g_autofree char *date = tm_date_format (m->as_of);

  json_builder_set_member_name (b, "brand");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, m->brand->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, m->brand->name);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "as_of");
  json_builder_add_string_value (b, date);
  add_weights_json (b, &m->weights);
}

static void
add_double_member (JsonBuilder *b,
                   const char  *name,
                   double       value)
{
  json_builder_set_member_name (b, name);
  if (isnan (value))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, value);
}

static void
add_exclusions_json (JsonBuilder *b,
                     const char  *member,
                     GPtrArray   *exclusions)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; exclusions != NULL && i < exclusions->len; i++)
    {
      const TmExclusion *x = g_ptr_array_index (exclusions, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, tm_exclusion_code (x->kind));
      json_builder_set_member_name (b, "evidence");
      if (x->evidence)
        json_builder_add_string_value (b, x->evidence);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, x->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_candidate_numbers_json (JsonBuilder       *b,
                            const TmCandidate *c)
{
  add_double_member (b, "score", c->score);
  add_double_member (b, "confidence", c->confidence);
  add_double_member (b, "style", c->style);
  add_double_member (b, "history", c->history);
  add_double_member (b, "trust", c->trust);
  add_double_member (b, "penalty", c->penalty);
  add_double_member (b, "cap", c->cap);
}

static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
}

static void
csv_append_row (GString           *out,
                const TmCatalog   *catalog,
                const TmCandidate *c,
                guint              rank,
                const char        *reasons)
{
  const TmCatalogStreamer *s = &catalog->streamers[c->streamer];

  if (rank > 0)
    g_string_append_printf (out, "%u", rank);
  g_string_append_c (out, ',');
  tm_export_csv_append_text (out, s->id);
  g_string_append_c (out, ',');
  tm_export_csv_append_text (out, s->name);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->score);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->confidence);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->style);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->history);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->trust);
  g_string_append_c (out, ',');
  /* Points taken off, as a positive number. */
  tm_export_csv_append_number (out, "%.2f", fabs (c->penalty));
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->cap);
  g_string_append_c (out, ',');
  g_string_append (out, reasons != NULL ? "true" : "false");
  g_string_append_c (out, ',');
  tm_export_csv_append_text (out, reasons != NULL ? reasons : "");
  g_string_append (out, "\r\n");
}

/* rank */

static int
cmd_rank (const char *db_path, int argc, char **argv)
{
  g_autofree char *brand_id = NULL, *weights_text = NULL, *format = NULL, *as_of = NULL;
  gboolean show_excluded = FALSE;
  int top = 20;
  GOptionEntry entries[] = {
    { "brand", 'b', 0, G_OPTION_ARG_STRING, &brand_id, N_("The brand to rank streamers for (see “list brands”)"), N_("ID") },
    { "top", 'n', 0, G_OPTION_ARG_INT, &top, N_("Show the best N candidates (default 20, 0 = all)"), N_("N") },
    { "weights", 'w', 0, G_OPTION_ARG_STRING, &weights_text, N_("Relative weights of the components, e.g. style=0.35,history=0.4,trust=0.25,risk=1 (names may be left out)"), N_("WEIGHTS") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Output format: table (default), json or csv"), N_("FORMAT") },
    { "show-excluded", 'x', 0, G_OPTION_ARG_NONE, &show_excluded, N_("Also list the candidates the brand's constraints exclude, with every reason"), NULL },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Compute the scores as of this day instead of today"), N_("YYYY-MM-DD") },
    G_OPTION_ENTRY_NULL
  };
  g_auto(Match) m = { 0 };
  g_autoptr(TmRanking) ranking = NULL;
  g_autofree guint32 *best = NULL, *worst = NULL;
  const TmCandidate *candidates;
  guint n_candidates, n_best, n_worst = 0, limit;
  int code;

  if (!parse_options (NULL,
                      _("Rank every streamer of the catalog for a brand, best first. The score "
                        "(0–100) combines style fit, cooperation history and trust signals, "
                        "minus the risk penalty of incidents; a severe incident caps it. "
                        "The Style, History and Trust columns (0–100) and the Risk penalty "
                        "are shown before weighting. Candidates that break the brand's "
                        "constraints are excluded."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1)
    {
      print_error (_("rank takes no arguments besides its options"));
      return TM_CLI_USAGE;
    }
  if (top < 0)
    {
      print_error (_("--top must be 0 (all) or more"));
      return TM_CLI_USAGE;
    }
  if (!check_format (format, TRUE)
      || !match_parse_arguments (&m, "rank", brand_id, weights_text, as_of))
    return TM_CLI_USAGE;
  if ((code = match_open (&m, db_path, brand_id)) != TM_CLI_OK)
    return code;

  ranking = tm_engine_rank (m.engine, m.brand, &m.weights);
  candidates = tm_ranking_get_candidates (ranking, &n_candidates);
  limit = top == 0 ? n_candidates : MIN ((guint) top, n_candidates);
  best = g_new (guint32, MAX (limit, 1));
  n_best = tm_ranking_top (ranking, limit, FALSE, best);
  if (show_excluded)
    {
      worst = g_new (guint32, MAX (limit, 1));
      n_worst = tm_ranking_top (ranking, limit, TRUE, worst);
    }

  if (g_strcmp0 (format, "json") == 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_brand_header_json (b, &m);
      json_builder_set_member_name (b, "n_candidates");
      json_builder_add_int_value (b, tm_ranking_get_n_included (ranking));
      json_builder_set_member_name (b, "n_excluded");
      json_builder_add_int_value (b, tm_ranking_get_n_excluded (ranking));
      json_builder_set_member_name (b, "candidates");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_best; i++)
        {
          const TmCandidate *c = &candidates[best[i]];
          const TmCatalogStreamer *s = &m.catalog->streamers[c->streamer];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "rank");
          json_builder_add_int_value (b, i + 1);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, s->id);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          add_candidate_numbers_json (b, c);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      if (show_excluded)
        {
          json_builder_set_member_name (b, "excluded");
          json_builder_begin_array (b);
          for (guint i = 0; i < n_worst; i++)
            {
              const TmCandidate *c = &candidates[worst[i]];
              const TmCatalogStreamer *s = &m.catalog->streamers[c->streamer];
              g_autoptr(GPtrArray) reasons = tm_engine_get_exclusions (m.engine, m.brand, c->streamer);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "id");
              json_builder_add_string_value (b, s->id);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, s->name);
              add_double_member (b, "score", c->score);
              add_exclusions_json (b, "reasons", reasons);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
      print_json (b);
    }
  else if (g_strcmp0 (format, "csv") == 0)
    {
      g_autoptr(GString) out = g_string_new ("rank,id,name,score,confidence,style,history,"
                                             "trust,penalty,cap,excluded,reasons\r\n");

      for (guint i = 0; i < n_best; i++)
        csv_append_row (out, m.catalog, &candidates[best[i]], i + 1, NULL);
      for (guint i = 0; i < n_worst; i++)
        {
          const TmCandidate *c = &candidates[worst[i]];
          g_autoptr(GPtrArray) reasons = tm_engine_get_exclusions (m.engine, m.brand, c->streamer);
          g_autofree char *text = tm_exclusions_join (reasons);

          csv_append_row (out, m.catalog, c, 0, text);
        }
      fwrite (out->str, 1, out->len, stdout);
    }
  else
    {
      const Column columns[] = {
        /* Translators: column headers of “trustmatch-cli rank” */
        { _("Rank"), 6, TRUE },
        { _("ID"), 16, FALSE },
        { _("Name"), 20, FALSE },
        { _("Score"), 6, TRUE },
        /* Translators: the component scores: style fit, cooperation
         * history, trust signals */
        { C_("component", "Style"), 6, TRUE },
        { C_("component", "History"), 7, TRUE },
        { C_("component", "Trust"), 6, TRUE },
        { _("Risk"), 20, TRUE },
        { _("Confidence"), 10, TRUE },
      };
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      guint n_included = tm_ranking_get_n_included (ranking);
      guint n_excluded = tm_ranking_get_n_excluded (ranking);
      g_autofree char *included_text = g_strdup_printf (ngettext ("%u candidate", "%u candidates", n_included), n_included);
      g_autofree char *excluded_text = g_strdup_printf (ngettext ("%u excluded", "%u excluded", n_excluded), n_excluded);

      print_match_header (&m);
      /* Translators: “288 candidates, 12 excluded” */
      g_print (_("%s, %s\n\n"), included_text, excluded_text);

      for (guint i = 0; i < n_best; i++)
        {
          const TmCandidate *c = &candidates[best[i]];
          const TmCatalogStreamer *s = &m.catalog->streamers[c->streamer];
          char **cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);

          cells[0] = g_strdup_printf ("%u", i + 1);
          cells[1] = g_strdup (s->id);
          cells[2] = g_strdup (s->name);
          cells[3] = format_points (c->score);
          cells[4] = format_points (c->style);
          cells[5] = format_points (c->history);
          cells[6] = format_points (c->trust);
          cells[7] = format_risk (c->penalty, c->cap);
          cells[8] = format_percent (c->confidence);
          g_ptr_array_add (rows, cells);
        }
      print_table (columns, G_N_ELEMENTS (columns), rows);

      if (show_excluded)
        {
          const Column xcolumns[] = {
            /* Translators: column headers of the excluded candidates */
            { _("ID"), 16, FALSE },
            { _("Name"), 20, FALSE },
            { _("Score"), 6, TRUE },
            { _("Reasons"), 0, FALSE },
          };

          g_ptr_array_set_size (rows, 0);
          for (guint i = 0; i < n_worst; i++)
            {
              const TmCandidate *c = &candidates[worst[i]];
              const TmCatalogStreamer *s = &m.catalog->streamers[c->streamer];
              g_autoptr(GPtrArray) reasons = tm_engine_get_exclusions (m.engine, m.brand, c->streamer);
              char **cells = g_new0 (char *, G_N_ELEMENTS (xcolumns) + 1);

              cells[0] = g_strdup (s->id);
              cells[1] = g_strdup (s->name);
              cells[2] = format_points (c->score);
              cells[3] = tm_exclusions_join (reasons);
              g_ptr_array_add (rows, cells);
            }
          /* Translators: title of the table of excluded candidates */
          g_print ("\n%s\n", _("Excluded:"));
          print_table (xcolumns, G_N_ELEMENTS (xcolumns), rows);
        }
    }
  return finish_output ();
}

/* explain */

static void
add_explanation_json (JsonBuilder         *b,
                      Match               *m,
                      const TmExplanation *e)
{
  const TmCatalogStreamer *s = &m->catalog->streamers[e->candidate.streamer];

  json_builder_set_member_name (b, "streamer");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, s->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, s->name);
  json_builder_end_object (b);
  add_candidate_numbers_json (b, &e->candidate);
  add_double_member (b, "style_confidence", e->candidate.style_confidence);
  add_double_member (b, "history_confidence", e->candidate.history_confidence);
  add_double_member (b, "trust_confidence", e->candidate.trust_confidence);
  add_double_member (b, "total", e->total);
  json_builder_set_member_name (b, "excluded");
  json_builder_add_boolean_value (b, e->candidate.exclusions != 0);
  add_exclusions_json (b, "exclusions", e->exclusions);

  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->items->len; i++)
    {
      const TmExplanationItem *item = g_ptr_array_index (e->items, i);
      TmComponent component = tm_factor_component (item->factor);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "factor");
      json_builder_add_string_value (b, tm_factor_code (item->factor));
      json_builder_set_member_name (b, "component");
      if (component < TM_N_COMPONENTS)
        json_builder_add_string_value (b, tm_component_code (component));
      else
        json_builder_add_null_value (b);
      add_double_member (b, "contribution", item->contribution);
      add_double_member (b, "value", item->value);
      json_builder_set_member_name (b, "known");
      json_builder_add_boolean_value (b, item->known);
      json_builder_set_member_name (b, "evidence");
      json_builder_begin_array (b);
      for (guint k = 0; item->evidence != NULL && item->evidence[k] != NULL; k++)
        json_builder_add_string_value (b, item->evidence[k]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, item->message ? item->message : "");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_explanation (Match               *m,
                   const TmExplanation *e)
{
  const TmCandidate *c = &e->candidate;
  const TmCatalogStreamer *s = &m->catalog->streamers[c->streamer];
  const Column columns[] = {
    /* Translators: column headers of “trustmatch-cli explain” */
    { _("Factor"), 24, FALSE },
    { _("Points"), 8, TRUE },
    { _("Evidence"), 40, FALSE },
    { _("Explanation"), 0, FALSE },
  };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *risk = format_risk (c->penalty, c->cap);
  char **cells;

  /* Translators: the streamer an explanation is about: name and id */
  g_print (_("Streamer: %s (%s)\n"), s->name, s->id);
  print_match_header (m);
  /* Translators: score 0–100 and confidence in percent */
  g_print (_("Score: %.1f (confidence %.0f%%)\n"), c->score, c->confidence * 100.0);
  /* Translators: the component scores; the last is the risk penalty and cap */
  g_print (_("Style %.1f, history %.1f, trust %.1f, risk %s\n"),
           c->style, c->history, c->trust, risk);
  if (c->exclusions != 0)
    {
      g_print ("%s\n", _("Excluded:"));
      for (guint i = 0; e->exclusions != NULL && i < e->exclusions->len; i++)
        {
          const TmExclusion *x = g_ptr_array_index (e->exclusions, i);
          g_print ("  – %s\n", x->message);
        }
    }
  g_print ("\n");

  for (guint i = 0; i < e->items->len; i++)
    {
      const TmExplanationItem *item = g_ptr_array_index (e->items, i);

      cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);
      cells[0] = g_strdup (tm_factor_label (item->factor));
      cells[1] = format_signed (item->contribution);
      cells[2] = item->evidence ? g_strjoinv (", ", item->evidence) : g_strdup ("");
      cells[3] = g_strdup (item->message ? item->message : "");
      g_ptr_array_add (rows, cells);
    }
  cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);
  /* Translators: last row of an explanation: the sum of the points, which
   * is the score */
  cells[0] = g_strdup (_("Total"));
  cells[1] = format_points (e->total);
  cells[2] = g_strdup ("");
  cells[3] = g_strdup ("");
  g_ptr_array_add (rows, cells);
  print_table (columns, G_N_ELEMENTS (columns), rows);
}

static int
cmd_explain (const char *db_path, int argc, char **argv)
{
  g_autofree char *brand_id = NULL, *streamer_id = NULL, *weights_text = NULL;
  g_autofree char *format = NULL, *as_of = NULL;
  GOptionEntry entries[] = {
    { "brand", 'b', 0, G_OPTION_ARG_STRING, &brand_id, N_("The brand (see “list brands”)"), N_("ID") },
    { "streamer", 's', 0, G_OPTION_ARG_STRING, &streamer_id, N_("The streamer (see “list streamers”)"), N_("ID") },
    { "weights", 'w', 0, G_OPTION_ARG_STRING, &weights_text, N_("Relative weights of the components, e.g. style=0.35,history=0.4,trust=0.25,risk=1 (names may be left out)"), N_("WEIGHTS") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Output format: table (default) or json"), N_("FORMAT") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Compute the scores as of this day instead of today"), N_("YYYY-MM-DD") },
    G_OPTION_ENTRY_NULL
  };
  g_auto(Match) m = { 0 };
  g_autoptr(TmExplanation) e = NULL;
  guint streamer;
  int code;

  if (!parse_options (NULL,
                      _("Explain one streamer's score for a brand: every factor that raised "
                        "or lowered it, in score points, with the records that are the "
                        "evidence. The points add up to the score."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1)
    {
      print_error (_("explain takes no arguments besides its options"));
      return TM_CLI_USAGE;
    }
  if (streamer_id == NULL)
    {
      print_error (_("explain needs --streamer ID (run “trustmatch-cli list streamers” to see the streamer ids)"));
      return TM_CLI_USAGE;
    }
  if (!check_format (format, FALSE)
      || !match_parse_arguments (&m, "explain", brand_id, weights_text, as_of))
    return TM_CLI_USAGE;
  if ((code = match_open (&m, db_path, brand_id)) != TM_CLI_OK)
    return code;
  if (!match_find_streamer (&m, streamer_id, &streamer))
    return TM_CLI_INVALID_INPUT;

  e = tm_engine_explain (m.engine, m.brand, streamer, &m.weights);
  if (g_strcmp0 (format, "json") == 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_brand_header_json (b, &m);
      add_explanation_json (b, &m, e);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    print_explanation (&m, e);
  return finish_output ();
}

/* compare */

/* Adds a row of numbers, formatted by @format, marking the best one(s)
 * with "*": tm_compare_best_mask(), so values that print the same are
 * equal, as in the GUI's compare window. */
static void
add_compare_row (GPtrArray      *rows,
                 const char     *label,
                 const double   *values,
                 guint           n,
                 TmCompareFormat format,
                 TmCompareBest   best)
{
  char **cells = g_new0 (char *, n + 2);
  guint32 mask = tm_compare_best_mask (values, n, best, format);

  cells[0] = g_strdup (label);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *shown = format (values[i]);

      cells[i + 1] = g_strconcat (shown, (mask & (1u << i)) != 0 ? "*" : " ", NULL);
    }
  g_ptr_array_add (rows, cells);
}

static char *
format_penalty (double penalty)
{
  return format_signed (-penalty);
}

static char *
format_cap (double cap)
{
  return cap < 100.0 ? format_points (cap) : g_strdup ("–");
}

static void
print_comparison (Match     *m,
                  GPtrArray *explanations)
{
  guint n = explanations->len;
  Column columns[1 + 4];
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  double values[4] = { 0 };
  char **cells;

  g_assert (n <= 4);

  print_match_header (m);
  g_print ("%s\n\n", _("* marks the best value of a row."));

  columns[0] = (Column) { "", 24, FALSE };
  for (guint i = 0; i < n; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      columns[i + 1] = (Column) { m->catalog->streamers[e->candidate.streamer].name, 34, TRUE };
    }

  cells = g_new0 (char *, n + 2);
  /* Translators: row of the comparison table with the streamers' ids */
  cells[0] = g_strdup (_("ID"));
  for (guint i = 0; i < n; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      cells[i + 1] = g_strconcat (m->catalog->streamers[e->candidate.streamer].id, " ", NULL);
    }
  g_ptr_array_add (rows, cells);

#define ROW(label, expr, fmt, best) \
  G_STMT_START { \
    for (guint i = 0; i < n; i++) \
      { \
        const TmExplanation *e = g_ptr_array_index (explanations, i); \
        values[i] = (expr); \
      } \
    add_compare_row (rows, label, values, n, fmt, best); \
  } G_STMT_END

  /* Translators: row labels of “trustmatch-cli compare” */
  ROW (_("Score"), e->candidate.score, format_points, TM_COMPARE_BEST_HIGHEST);
  ROW (_("Confidence"), e->candidate.confidence, format_percent, TM_COMPARE_BEST_HIGHEST);
  ROW (C_("component", "Style"), e->candidate.style, format_points, TM_COMPARE_BEST_HIGHEST);
  ROW (C_("component", "History"), e->candidate.history, format_points, TM_COMPARE_BEST_HIGHEST);
  ROW (C_("component", "Trust"), e->candidate.trust, format_points, TM_COMPARE_BEST_HIGHEST);
  ROW (_("Risk penalty"), e->candidate.penalty, format_penalty, TM_COMPARE_BEST_LOWEST);
  ROW (_("Score cap"), e->candidate.cap, format_cap, TM_COMPARE_BEST_NONE);

  cells = g_new0 (char *, n + 2);
  cells[0] = g_strdup (_("Excluded"));
  for (guint i = 0; i < n; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      g_autofree char *flags = join_exclusion_flags (e->candidate.exclusions);
      cells[i + 1] = g_strconcat (flags, " ", NULL);
    }
  g_ptr_array_add (rows, cells);

  /* One row per factor that appears in any explanation, each the sum of
   * its items (all cooperations in one row, all incidents in another), so
   * a column adds up to the score. */
  for (guint f = 0; f < TM_N_FACTORS; f++)
    {
      gboolean present = FALSE;

      for (guint i = 0; i < n; i++)
        {
          const TmExplanation *e = g_ptr_array_index (explanations, i);

          if (tm_compare_factor_sum (e, f, &values[i]))
            present = TRUE;
        }
      if (present)
        add_compare_row (rows, tm_factor_label (f), values, n, format_signed,
                         f == TM_FACTOR_NEUTRAL ? TM_COMPARE_BEST_NONE : TM_COMPARE_BEST_HIGHEST);
    }

  cells = g_new0 (char *, n + 2);
  /* Translators: row of the comparison table: “12 / 1” */
  cells[0] = g_strdup (_("Cooperations / incidents"));
  for (guint i = 0; i < n; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      const TmCatalogStreamer *s = &m->catalog->streamers[e->candidate.streamer];
      cells[i + 1] = g_strdup_printf ("%u / %u ", s->n_cooperations, s->n_incidents);
    }
  g_ptr_array_add (rows, cells);
#undef ROW

  print_table (columns, n + 1, rows);
}

static int
cmd_compare (const char *db_path, int argc, char **argv)
{
  g_autofree char *brand_id = NULL, *weights_text = NULL, *format = NULL, *as_of = NULL;
  GOptionEntry entries[] = {
    { "brand", 'b', 0, G_OPTION_ARG_STRING, &brand_id, N_("The brand (see “list brands”)"), N_("ID") },
    { "weights", 'w', 0, G_OPTION_ARG_STRING, &weights_text, N_("Relative weights of the components, e.g. style=0.35,history=0.4,trust=0.25,risk=1 (names may be left out)"), N_("WEIGHTS") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Output format: table (default) or json"), N_("FORMAT") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Compute the scores as of this day instead of today"), N_("YYYY-MM-DD") },
    G_OPTION_ENTRY_NULL
  };
  g_auto(Match) m = { 0 };
  g_autoptr(GPtrArray) explanations = NULL;
  guint streamers[4];
  guint n;
  int code;

  if (!parse_options (_("STREAMER-ID…"),
                      _("Compare two to four streamers for a brand side by side: score, "
                        "components, exclusions and the points of each factor. In the "
                        "table, * marks the best value of each row (the highest, or the "
                        "lowest risk penalty); a row where all are equal has no mark."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc < 3 || argc > 5)
    {
      print_error (_("compare needs two to four streamer ids"));
      return TM_CLI_USAGE;
    }
  n = (guint) argc - 1;
  if (!check_format (format, FALSE)
      || !match_parse_arguments (&m, "compare", brand_id, weights_text, as_of))
    return TM_CLI_USAGE;
  if ((code = match_open (&m, db_path, brand_id)) != TM_CLI_OK)
    return code;
  for (guint i = 0; i < n; i++)
    if (!match_find_streamer (&m, argv[i + 1], &streamers[i]))
      return TM_CLI_INVALID_INPUT;

  explanations = tm_engine_compare (m.engine, m.brand, streamers, n, &m.weights);
  if (g_strcmp0 (format, "json") == 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_brand_header_json (b, &m);
      json_builder_set_member_name (b, "streamers");
      json_builder_begin_array (b);
      for (guint i = 0; i < explanations->len; i++)
        {
          json_builder_begin_object (b);
          add_explanation_json (b, &m, g_ptr_array_index (explanations, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    print_comparison (&m, explanations);
  return finish_output ();
}

/* export */

/* The brand's shortlist: streamers shortlisted or contacted, in the
 * ranking's order (included first, then excluded ones, which a user may
 * still have chosen).  NULL and an exit code in @code on failure. */
static guint32 *
select_shortlist (Match     *m,
                  TmRanking *ranking,
                  guint     *out_n,
                  int       *code)
{
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  guint32 *selection;
  guint n_candidates, n = 0;

  decisions = tm_store_load_decisions (m->store, m->brand->id, &error);
  if (decisions == NULL)
    {
      print_error ("%s", error->message);
      *code = TM_CLI_STORE_FAILED;
      return NULL;
    }
  for (guint i = 0; i < decisions->len; i++)
    {
      const TmDecision *d = g_ptr_array_index (decisions, i);

      if (tm_decision_is_on_shortlist (d))
        g_hash_table_add (chosen, d->streamer_id);
    }

  tm_ranking_get_candidates (ranking, &n_candidates);
  selection = g_new (guint32, MAX (n_candidates, 1));
  {
    g_autofree guint32 *order = g_new (guint32, MAX (n_candidates, 1));
    guint n_order;

    /* Rank order: the included best first, then the excluded. */
    n_order = tm_ranking_top (ranking, n_candidates, FALSE, order);
    n_order += tm_ranking_top (ranking, n_candidates - n_order, TRUE, order + n_order);
    for (guint i = 0; i < n_order; i++)
      if (g_hash_table_contains (chosen, m->catalog->streamers[order[i]].id))
        selection[n++] = order[i];
  }
  *out_n = n;
  return selection;
}

static int
cmd_decide (const char *db_path, int argc, char **argv)
{
  g_autofree char *brand_id = NULL, *streamer_id = NULL, *note = NULL;
  gboolean shortlisted = FALSE, contacted = FALSE, rejected = FALSE, clear = FALSE;
  GOptionEntry entries[] = {
    { "brand", 'b', 0, G_OPTION_ARG_STRING, &brand_id, N_("The brand (see “list brands”)"), N_("ID") },
    { "streamer", 's', 0, G_OPTION_ARG_STRING, &streamer_id, N_("The streamer (see “list streamers”)"), N_("ID") },
    { "shortlist", 0, 0, G_OPTION_ARG_NONE, &shortlisted, N_("Put the streamer on the brand’s shortlist"), NULL },
    { "contacted", 0, 0, G_OPTION_ARG_NONE, &contacted, N_("Mark the streamer as contacted for the brand"), NULL },
    { "reject", 0, 0, G_OPTION_ARG_NONE, &rejected, N_("Reject the streamer for the brand"), NULL },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("Forget the decision"), NULL },
    { "note", 'm', 0, G_OPTION_ARG_STRING, &note, N_("Why, for whoever reads the shortlist later"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  int code = TM_CLI_OK;

  if (!parse_options (NULL,
                      _("Record a decision about a streamer for a brand: shortlisted, contacted or "
                        "rejected, with a note and today’s date. Decisions are yours: a sync never "
                        "changes them."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1 || brand_id == NULL || streamer_id == NULL
      || shortlisted + contacted + rejected + clear != 1)
    {
      print_error (_("decide needs --brand ID, --streamer ID and one of --shortlist, --contacted, "
                     "--reject or --clear"));
      return TM_CLI_USAGE;
    }
  if (note != NULL && !g_utf8_validate (note, -1, NULL))
    {
      print_error (_("the --note is not valid UTF-8 text"));
      return TM_CLI_USAGE;
    }
  if (!(store = open_store (db_path, &code)))
    return code;
  if (!(catalog = tm_catalog_load (store, &error)))
    {
      print_error ("%s", error->message);
      return TM_CLI_STORE_FAILED;
    }
  if (tm_catalog_find_brand (catalog, brand_id) < 0)
    {
      print_error (_("unknown brand “%s”: run “trustmatch-cli list brands” to see the brand ids"),
                   brand_id);
      return TM_CLI_INVALID_INPUT;
    }
  if (tm_catalog_find_streamer (catalog, streamer_id) < 0)
    {
      print_error (_("unknown streamer “%s”: run “trustmatch-cli list streamers” to see the streamer ids"),
                   streamer_id);
      return TM_CLI_INVALID_INPUT;
    }

  if (clear)
    {
      if (!tm_store_clear_decision (store, brand_id, streamer_id, &error))
        {
          print_error ("%s", error->message);
          return TM_CLI_STORE_FAILED;
        }
      /* Translators: the first %s is a streamer id, the second a brand id */
      g_print (_("Cleared the decision about %s for %s\n"), streamer_id, brand_id);
    }
  else
    {
      TmDecisionStatus status = shortlisted ? TM_DECISION_SHORTLISTED
                                : contacted ? TM_DECISION_CONTACTED : TM_DECISION_REJECTED;
      g_autoptr(TmDecision) decision = tm_decision_new (brand_id, streamer_id, status, note);

      if (!tm_store_set_decision (store, decision, &error))
        {
          print_error ("%s", error->message);
          return TM_CLI_STORE_FAILED;
        }
      /* Translators: “s-000012 for b-001: Shortlisted” */
      g_print (_("%s for %s: %s\n"), streamer_id, brand_id, tm_decision_label (status));
    }
  return finish_output ();
}

static int
cmd_decisions (const char *db_path, int argc, char **argv)
{
  g_autofree char *brand_id = NULL;
  GOptionEntry entries[] = {
    { "brand", 'b', 0, G_OPTION_ARG_STRING, &brand_id, N_("Only this brand’s decisions"), N_("ID") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;
  int code = TM_CLI_OK;

  if (!parse_options (NULL, _("List the decisions about streamers, newest first."), entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1)
    {
      print_error (_("decisions takes no arguments besides its options"));
      return TM_CLI_USAGE;
    }
  if (!(store = open_store (db_path, &code)))
    return code;
  if (!(decisions = tm_store_load_decisions (store, brand_id, &error)))
    {
      print_error ("%s", error->message);
      return TM_CLI_STORE_FAILED;
    }
  for (guint i = 0; i < decisions->len; i++)
    {
      const TmDecision *d = g_ptr_array_index (decisions, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (d->decided);
      g_autofree char *date = when != NULL ? g_date_time_format (when, "%Y-%m-%d") : g_strdup ("?");

      g_print ("%s\t%s\t%s\t%s\t%s\n", date, d->brand_id, d->streamer_id,
               tm_decision_label (d->status), d->note != NULL ? d->note : "");
    }
  return finish_output ();
}

static int
cmd_weights (const char *db_path, int argc, char **argv)
{
  g_autofree char *brand_id = NULL, *set = NULL;
  gboolean clear = FALSE;
  GOptionEntry entries[] = {
    { "brand", 'b', 0, G_OPTION_ARG_STRING, &brand_id, N_("The brand (see “list brands”)"), N_("ID") },
    { "set", 0, 0, G_OPTION_ARG_STRING, &set, N_("Save these weights for the brand, e.g. style=0.5,history=0.3,trust=0.2,risk=1 (names left out keep their value)"), N_("WEIGHTS") },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("Forget the brand’s saved weights (the defaults apply again)"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_auto(Match) m = { 0 };
  g_autoptr(GError) error = NULL;
  int code;

  if (!parse_options (NULL,
                      _("Show, save or forget the ranking weights saved for a brand. rank, explain, "
                        "compare and export start from them."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1 || (set != NULL && clear))
    {
      print_error (_("weights takes --brand ID and at most one of --set or --clear"));
      return TM_CLI_USAGE;
    }
  if (!match_parse_arguments (&m, "weights", brand_id, set, NULL))
    return TM_CLI_USAGE;
  if ((code = match_open (&m, db_path, brand_id)) != TM_CLI_OK)
    return code;

  if (set != NULL || clear)
    {
      double values[4] = { m.weights.style, m.weights.history, m.weights.trust, m.weights.risk };

      if (!tm_store_set_brand_weights (m.store, m.brand->id, clear ? NULL : values, &error))
        {
          print_error ("%s", error->message);
          return TM_CLI_STORE_FAILED;
        }
      if (clear)
        tm_weights_init_default (&m.weights);
      m.weights_saved = !clear;
    }

  /* Translators: the brand's weights; the last %s says whether they are
   * saved for the brand or the defaults */
  g_print (_("%s: style=%g, history=%g, trust=%g, risk=%g (%s)\n"), m.brand->id,
           m.weights.style, m.weights.history, m.weights.trust, m.weights.risk,
           m.weights_saved ? _("saved for this brand") : _("the defaults"));
  return finish_output ();
}

static int
cmd_export (const char *db_path, int argc, char **argv)
{
  g_autofree char *brand_id = NULL, *weights_text = NULL, *format = NULL;
  g_autofree char *out_path = NULL, *as_of = NULL;
  g_auto(GStrv) streamer_ids = NULL;
  gboolean shortlist = FALSE;
  int top = -1;
  GOptionEntry entries[] = {
    { "brand", 'b', 0, G_OPTION_ARG_STRING, &brand_id, N_("The brand to export candidates for (see “list brands”)"), N_("ID") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("File format: csv or pdf"), N_("FORMAT") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("The file to write (replaced as a whole, never left half written)"), N_("FILE") },
    { "top", 'n', 0, G_OPTION_ARG_INT, &top, N_("Export the best N candidates (default 20, 0 = all included)"), N_("N") },
    { "streamer", 's', 0, G_OPTION_ARG_STRING_ARRAY, &streamer_ids, N_("Export this streamer, in the order given (repeat for more; instead of --top)"), N_("ID") },
    { "shortlist", 0, 0, G_OPTION_ARG_NONE, &shortlist, N_("Export the streamers shortlisted or contacted for the brand (see “decide”), best first"), NULL },
    { "weights", 'w', 0, G_OPTION_ARG_STRING, &weights_text, N_("Relative weights of the components, e.g. style=0.35,history=0.4,trust=0.25,risk=1 (names may be left out)"), N_("WEIGHTS") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Compute the scores as of this day instead of today"), N_("YYYY-MM-DD") },
    G_OPTION_ENTRY_NULL
  };
  g_auto(Match) m = { 0 };
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint32 *selection = NULL;
  TmWeights defaults;
  guint n_selected;
  int code;

  if (!parse_options (NULL,
                      _("Write the best candidates for a brand (or the streamers given) to a "
                        "file: CSV for a spreadsheet, with every score, the credit score "
                        "and its source, and the history with the brand (docs/export.md)."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1)
    {
      print_error (_("export takes no arguments besides its options"));
      return TM_CLI_USAGE;
    }
  if (format == NULL || (!g_str_equal (format, "csv") && !g_str_equal (format, "pdf")))
    {
      if (format == NULL)
        print_error (_("export needs --format csv or --format pdf"));
      else
        print_error (_("unknown format “%s”: use csv or pdf"), format);
      return TM_CLI_USAGE;
    }
  if (out_path == NULL || *out_path == '\0')
    {
      print_error (_("export needs --out FILE, the file to write"));
      return TM_CLI_USAGE;
    }
  if ((shortlist && streamer_ids != NULL) || (shortlist && top >= 0))
    {
      print_error (_("use only one of --top, --streamer and --shortlist"));
      return TM_CLI_USAGE;
    }
  if (top < -1 || (top == -1 && streamer_ids == NULL && !shortlist))
    {
      if (top < -1)
        {
          print_error (_("--top must be 0 (all) or more"));
          return TM_CLI_USAGE;
        }
      top = 20;
    }
  else if (top >= 0 && streamer_ids != NULL)
    {
      print_error (_("use either --top or --streamer, not both"));
      return TM_CLI_USAGE;
    }
  if (!match_parse_arguments (&m, "export", brand_id, weights_text, as_of))
    return TM_CLI_USAGE;
  if ((code = match_open (&m, db_path, brand_id)) != TM_CLI_OK)
    return code;

  ranking = tm_engine_rank (m.engine, m.brand, &m.weights);
  if (shortlist)
    {
      selection = select_shortlist (&m, ranking, &n_selected, &code);
      if (selection == NULL)
        return code;
    }
  else if (streamer_ids != NULL)
    {
      selection = tm_export_find_streamers (m.catalog, (const char * const *) streamer_ids,
                                            &n_selected, &error);
      if (selection == NULL)
        {
          print_error (_("%s: run “trustmatch-cli list streamers” to see the streamer ids"),
                       error->message);
          return TM_CLI_INVALID_INPUT;
        }
    }
  else
    {
      guint n_included = tm_ranking_get_n_included (ranking);
      guint limit = top == 0 ? n_included : MIN ((guint) top, n_included);

      selection = g_new (guint32, MAX (limit, 1));
      n_selected = tm_ranking_top (ranking, limit, FALSE, selection);
    }

  /* With other weights, each row says how far it moved from the ranking
   * under the default ones. */
  tm_weights_init_default (&defaults);
  rows = tm_export_rows_new (ranking, m.store, selection, n_selected,
                             weights_text != NULL ? &defaults : NULL);

  if (g_str_equal (format, "pdf"))
    {
      TmDossierOptions options = { .store = m.store };

      if (!tm_dossier_write_pdf (ranking, selection, n_selected, &options, out_path, &error))
        {
          print_error ("%s", error->message);
          return TM_CLI_IO_FAILED;
        }
      /* Translators: %u is a number of candidates, %s a file path */
      g_print (ngettext ("Wrote a dossier of %u candidate to %s\n",
                         "Wrote a dossier of %u candidates to %s\n", n_selected),
               n_selected, out_path);
      return finish_output ();
    }

  csv = tm_export_csv (rows);
  if (!tm_export_write_file (out_path, csv, &error))
    {
      print_error ("%s", error->message);
      return TM_CLI_IO_FAILED;
    }
  /* Translators: %u is a number of candidates, %s a file path */
  g_print (ngettext ("Wrote %u candidate to %s\n", "Wrote %u candidates to %s\n", rows->len),
           rows->len, out_path);
  return finish_output ();
}

/* lookalikes */

static const char * const lookalike_keys[TM_LOOKALIKE_N_COMPONENTS] = {
  "style", "audience", "category", "price",
};

static void
add_lookalike_json (JsonBuilder                  *b,
                    const TmCatalog              *catalog,
                    guint                         rank,
                    const TmLookalikeExplanation *e)
{
  const TmCatalogStreamer *s = &catalog->streamers[e->similarity.streamer];
  static const char * const group_keys[TM_LOOKALIKE_N_GROUPS] = { "age", "gender", "region" };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rank");
  json_builder_add_int_value (b, rank);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, s->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, s->name);
  add_double_member (b, "similarity", e->similarity.score);
  json_builder_set_member_name (b, "components");
  json_builder_begin_object (b);
  for (guint c = 0; c < TM_LOOKALIKE_N_COMPONENTS; c++)
    add_double_member (b, lookalike_keys[c], e->similarity.components[c]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "shared_tags");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->shared_tags->len; i++)
    {
      const TmLookalikeTag *t = &g_array_index (e->shared_tags, TmLookalikeTag, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tag");
      json_builder_add_string_value (b, t->tag);
      add_double_member (b, "seed_weight", t->seed_weight);
      add_double_member (b, "weight", t->other_weight);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "audience_overlap");
  json_builder_begin_object (b);
  for (guint g = 0; g < TM_LOOKALIKE_N_GROUPS; g++)
    add_double_member (b, group_keys[g], e->audience_overlap[g]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "shared_categories");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->shared_categories->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (e->shared_categories, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->sentences->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (e->sentences, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
format_lookalike_part (double fraction)
{
  return isnan (fraction) ? g_strdup ("–") : format_percent (fraction);
}

static int
cmd_lookalikes (const char *db_path, int argc, char **argv)
{
  g_autofree char *streamer_id = NULL, *format = NULL;
  int top = 20;
  GOptionEntry entries[] = {
    { "streamer", 's', 0, G_OPTION_ARG_STRING, &streamer_id, N_("The streamer to find lookalikes of (see “list streamers”)"), N_("ID") },
    { "top", 'n', 0, G_OPTION_ARG_INT, &top, N_("Show the N most similar streamers (default 20, 0 = all)"), N_("N") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Output format: text (default) or json"), N_("FORMAT") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(TmStore) store = NULL;
  g_autoptr(TmCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = NULL;
  gboolean json;
  gint seed;
  int code;

  if (!parse_options (NULL,
                      _("List the streamers most like one streamer, by style tags, audience, "
                        "categories and price range, each with what the two have in common."),
                      entries, &argc, &argv))
    return TM_CLI_USAGE;
  if (argc != 1)
    {
      print_error (_("lookalikes takes no arguments besides its options"));
      return TM_CLI_USAGE;
    }
  if (streamer_id == NULL)
    {
      print_error (_("lookalikes needs --streamer ID (run “trustmatch-cli list streamers” to see the streamer ids)"));
      return TM_CLI_USAGE;
    }
  if (top < 0)
    {
      print_error (_("--top must be 0 or more"));
      return TM_CLI_USAGE;
    }
  if (format != NULL && !g_str_equal (format, "text") && !g_str_equal (format, "table")
      && !g_str_equal (format, "json"))
    {
      print_error (_("unknown format “%s”: use text or json"), format);
      return TM_CLI_USAGE;
    }
  json = g_strcmp0 (format, "json") == 0;
  if (!(store = open_store (db_path, &code)))
    return code;
  if (!(catalog = tm_catalog_load (store, &error)))
    {
      print_error ("%s", error->message);
      return TM_CLI_STORE_FAILED;
    }
  if ((seed = tm_catalog_find_streamer (catalog, streamer_id)) < 0)
    {
      print_error (_("unknown streamer “%s”: run “trustmatch-cli list streamers” to see the streamer ids"),
                   streamer_id);
      return TM_CLI_INVALID_INPUT;
    }

  found = tm_lookalike_find (catalog, seed, top);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "streamer");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, catalog->streamers[seed].id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, catalog->streamers[seed].name);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "weights");
      json_builder_begin_object (b);
      for (guint c = 0; c < TM_LOOKALIKE_N_COMPONENTS; c++)
        add_double_member (b, lookalike_keys[c], tm_lookalike_weights[c]);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "lookalikes");
      json_builder_begin_array (b);
      for (guint r = 0; r < found->len; r++)
        {
          guint other = g_array_index (found, TmLookalike, r).streamer;
          g_autoptr(TmLookalikeExplanation) e = tm_lookalike_explain (catalog, seed, other);

          add_lookalike_json (b, catalog, r + 1, e);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      Column columns[] = {
        /* Translators: column headers of “lookalikes”; keep them short */
        { _("#"), 5, TRUE },
        { _("ID"), 16, FALSE },
        { _("Name"), 20, FALSE },
        { _("Similar"), 7, TRUE },
        { tm_lookalike_component_label (TM_LOOKALIKE_STYLE), 8, TRUE },
        { tm_lookalike_component_label (TM_LOOKALIKE_AUDIENCE), 8, TRUE },
        { tm_lookalike_component_label (TM_LOOKALIKE_CATEGORY), 10, TRUE },
        { tm_lookalike_component_label (TM_LOOKALIKE_PRICE), 11, TRUE },
        { _("Why"), 0, FALSE },
      };

      /* Translators: %s is a streamer's name, the second %s its id */
      g_print (_("Streamers most like %s (%s):\n\n"),
               catalog->streamers[seed].name, catalog->streamers[seed].id);
      for (guint r = 0; r < found->len; r++)
        {
          const TmLookalike *l = &g_array_index (found, TmLookalike, r);
          g_autoptr(TmLookalikeExplanation) e = tm_lookalike_explain (catalog, seed, l->streamer);
          char **cells = g_new0 (char *, G_N_ELEMENTS (columns) + 1);

          g_ptr_array_add (e->sentences, NULL);
          cells[0] = g_strdup_printf ("%u", r + 1);
          cells[1] = g_strdup (catalog->streamers[l->streamer].id);
          cells[2] = g_strdup (catalog->streamers[l->streamer].name);
          cells[3] = format_points (l->score);
          for (guint c = 0; c < TM_LOOKALIKE_N_COMPONENTS; c++)
            cells[4 + c] = format_lookalike_part (l->components[c]);
          cells[8] = g_strjoinv (" ", (char **) e->sentences->pdata);
          g_ptr_array_add (rows, cells);
        }
      print_table (columns, G_N_ELEMENTS (columns), rows);
    }
  return finish_output ();
}

static const Command commands[] = {
  { "import", N_("Import dataset files (all or nothing)"), cmd_import },
  { "list", N_("List brands, streamers, cooperations or incidents"), cmd_list },
  { "generate", N_("Write a synthetic dataset of any size"), cmd_generate },
  { "dump", N_("Write the whole database as a dataset file"), cmd_dump },
  { "publish", N_("Write the database as a feed to upload to a web server"), cmd_publish },
  { "sync", N_("Fetch a feed over HTTP into the database"), cmd_sync },
  { "status", N_("Show the database location and record counts"), cmd_status },
  { "rank", N_("Rank the streamers for a brand, best first"), cmd_rank },
  { "explain", N_("Explain one streamer's score for a brand"), cmd_explain },
  { "compare", N_("Compare two to four streamers for a brand"), cmd_compare },
  { "lookalikes", N_("List the streamers most like one streamer, and why"), cmd_lookalikes },
  { "export", N_("Write the best candidates for a brand to a CSV or PDF file"), cmd_export },
  { "decide", N_("Shortlist, mark contacted or reject a streamer for a brand"), cmd_decide },
  { "decisions", N_("List the decisions about streamers"), cmd_decisions },
  { "weights", N_("Show, save or forget a brand's ranking weights"), cmd_weights },
};

static void
print_usage (FILE *to)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append (s, _("Usage: trustmatch-cli [--db FILE] COMMAND [OPTIONS…]\n\n"));
  gsize width = 0;

  /* The names' column is as wide as the longest name and a gap. */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, tm_text_display_width (commands[i].name) + 2);
  g_string_append (s, _("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_string_append (s, "  ");
      tm_text_append_cell (s, commands[i].name, width, FALSE);
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
