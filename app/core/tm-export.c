/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-export.c: rows of an export, CSV, and atomic file writes.
 *
 * The escaping rule (docs/export.md): only text cells are escaped.  Text
 * is anything that comes from the data or a translation (ids, names,
 * handles, reasons, labels, the header); a text cell whose first
 * character is = + - @ TAB or CR gets a leading apostrophe, so a
 * spreadsheet shows it as text instead of running it.  Numeric cells are
 * written here from C numbers, so they can only hold digits, one '-' in
 * front and a '.', and are never escaped: a rank change of -3 or a risk of
 * -12.50 stays a number the spreadsheet can sum and sort.
 */
#define G_LOG_DOMAIN "tm-export"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "tm-export.h"

G_DEFINE_QUARK (tm-export-error-quark, tm_export_error)

void
tm_export_row_free (TmExportRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->name);
  g_free (row->platforms);
  g_free (row->exclusions);
  g_free (row);
}

guint32 *
tm_export_find_streamers (const TmCatalog    *catalog,
                          const char * const *ids,
                          guint              *n_out,
                          GError            **error)
{
  g_autofree guint32 *out = NULL;
  guint n = ids != NULL ? g_strv_length ((char **) ids) : 0;

  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (n_out != NULL, NULL);

  out = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      gint s = tm_catalog_find_streamer (catalog, ids[i]);

      if (s < 0)
        {
          g_set_error (error, TM_EXPORT_ERROR, TM_EXPORT_ERROR_UNKNOWN_STREAMER,
                       _("unknown streamer “%s”"), ids[i]);
          return NULL;
        }
      out[i] = (guint32) s;
    }
  *n_out = n;
  return g_steal_pointer (&out);
}

/* Rank (1-based) of every included candidate, 0 for the excluded, indexed
 * by streamer. */
static guint32 *
rank_positions (TmRanking *ranking)
{
  guint n_candidates, n_included = tm_ranking_get_n_included (ranking);
  g_autofree guint32 *order = g_new (guint32, MAX (n_included, 1));
  guint32 *positions;
  guint n;

  tm_ranking_get_candidates (ranking, &n_candidates);
  positions = g_new0 (guint32, MAX (n_candidates, 1));
  n = tm_ranking_top (ranking, n_included, FALSE, order);
  for (guint i = 0; i < n; i++)
    positions[order[i]] = i + 1;
  return positions;
}


static char *
join_platforms (const TmCatalog         *catalog,
                const TmCatalogStreamer *s)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < s->n_accounts; i++)
    {
      const TmCatalogAccount *a = &catalog->accounts[s->first_account + i];
      g_autofree char *followers = a->followers >= 0
        ? g_strdup_printf ("%" G_GINT64_FORMAT, a->followers)
        : g_strdup ("?");

      if (i > 0)
        g_string_append (out, "; ");
      /* Translators: one account in the Platforms cell of an export:
       * platform, handle, followers, e.g. “抖音 @ayue (3258549)” */
      g_string_append_printf (out, _("%s @%s (%s)"),
                              tm_platform_label (a->platform), a->handle, followers);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
fill_history (const TmCatalog         *catalog,
              const TmBrand           *brand,
              const TmCatalogStreamer *s,
              TmExportRow             *row)
{
  row->last_brand_cooperation = TM_DATE_NONE;
  row->last_cooperation = TM_DATE_NONE;
  for (guint i = 0; i < s->n_cooperations; i++)
    {
      const TmCatalogCooperation *c = &catalog->cooperations[s->first_cooperation + i];

      row->last_cooperation = MAX (row->last_cooperation, c->date);
      /* By id, as the engine counts "same brand": the ranking's brand may
       * be an edited copy that is not in the catalog. */
      if (c->brand < 0 || !g_str_equal (catalog->brands[c->brand]->id, brand->id))
        continue;
      row->brand_cooperations++;
      if (c->gmv_fen > 0)
        row->brand_gmv_fen += c->gmv_fen;
      row->last_brand_cooperation = MAX (row->last_brand_cooperation, c->date);
    }
  row->incidents = s->n_incidents;
}

GPtrArray *
tm_export_rows_new (TmRanking       *ranking,
                    TmStore         *store,
                    const guint32   *streamers,
                    guint            n_streamers,
                    const TmWeights *baseline)
{
  TmEngine *engine;
  TmCatalog *catalog;
  const TmBrand *brand;
  const TmCandidate *candidates;
  g_autofree guint32 *positions = NULL, *baseline_positions = NULL;
  GPtrArray *rows;
  guint n_candidates;

  g_return_val_if_fail (ranking != NULL, NULL);
  g_return_val_if_fail (streamers != NULL || n_streamers == 0, NULL);

  engine = tm_ranking_get_engine (ranking);
  catalog = tm_engine_get_catalog (engine);
  brand = tm_ranking_get_brand (ranking);
  candidates = tm_ranking_get_candidates (ranking, &n_candidates);
  positions = rank_positions (ranking);
  if (baseline != NULL)
    {
      g_autoptr(TmRanking) base = tm_engine_rank (engine, brand, baseline);
      baseline_positions = rank_positions (base);
    }

  rows = g_ptr_array_new_full (n_streamers, (GDestroyNotify) tm_export_row_free);
  for (guint i = 0; i < n_streamers; i++)
    {
      guint32 k = streamers[i];
      const TmCatalogStreamer *s;
      TmExportRow *row;

      g_return_val_if_fail (k < n_candidates, rows);
      s = &catalog->streamers[k];
      row = g_new0 (TmExportRow, 1);
      row->streamer = k;
      row->candidate = candidates[k];
      row->rank = positions[k];
      if (baseline_positions != NULL && row->rank > 0 && baseline_positions[k] > 0)
        {
          row->has_rank_change = TRUE;
          row->rank_change = (gint) baseline_positions[k] - (gint) row->rank;
        }
      row->id = g_strdup (s->id);
      row->name = g_strdup (s->name);
      row->platforms = join_platforms (catalog, s);
      row->followers = s->followers_total;
      if (candidates[k].exclusions != TM_EXCLUSION_NONE)
        {
          g_autoptr(GPtrArray) reasons = tm_engine_get_exclusions (engine, brand, k);
          row->exclusions = tm_exclusions_join (reasons);
        }

      row->credit_platform = isnan (s->credit_score) ? TM_PLATFORM_NONE : s->credit_platform;
      row->credit_score = s->credit_score;
      row->credit_scale = isnan (s->credit_score) ? NAN : s->credit_scale;
      row->credit_provenance = s->provenance;
      if (store != NULL)
        {
          g_autoptr(TmStreamer) full = NULL;

          /* The catalog keeps only the record's provenance; the credit
           * score may have its own.  A streamer a sync removed since the
           * catalog was loaded keeps the record's. */
          if (tm_store_load_streamer (store, s->id, &full, NULL, NULL, NULL))
            row->credit_provenance = *tm_provenance_for (&full->provenance,
                                                         full->figure_provenance,
                                                         "credit");
        }
      fill_history (catalog, brand, s, row);
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/* CSV */

void
tm_export_csv_append_text (GString    *out,
                           const char *text)
{
  gboolean quote;

  if (text == NULL)
    text = "";
  quote = strpbrk (text, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c (out, '"');
  if (text[0] != '\0' && strchr ("=+-@\t\r", text[0]) != NULL)
    g_string_append_c (out, '\'');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

void
tm_export_csv_append_number (GString    *out,
                             const char *format,
                             double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return;
  g_ascii_formatd (buf, sizeof buf, format, value);
  /* "-0.00" reads as a loss where there is none. */
  if (buf[0] == '-' && strspn (buf + 1, "0.") == strlen (buf + 1))
    memmove (buf, buf + 1, strlen (buf));
  g_string_append (out, buf);
}

static void
append_date (GString *out,
             TmDate   date)
{
  g_autofree char *text = NULL;

  if (date == TM_DATE_NONE)
    return;
  text = tm_date_format (date);
  g_string_append (out, text);
}

/* Exact yuan from fen, without going through a double. */
static void
append_yuan (GString *out,
             gint64   fen)
{
  g_string_append_printf (out, "%s%" G_GINT64_FORMAT ".%02d",
                          fen < 0 ? "-" : "",
                          ABS (fen) / 100, (int) (ABS (fen) % 100));
}

static const char *
column_headers[] = {
  /* Translators: CSV column headers of an export (docs/export.md) */
  NC_("export column", "Rank"),
  NC_("export column", "Rank change"),
  NC_("export column", "Streamer ID"),
  NC_("export column", "Name"),
  NC_("export column", "Platforms"),
  NC_("export column", "Followers"),
  NC_("export column", "Score"),
  NC_("export column", "Style"),
  NC_("export column", "History"),
  NC_("export column", "Trust"),
  NC_("export column", "Risk"),
  NC_("export column", "Score cap"),
  NC_("export column", "Confidence (%)"),
  NC_("export column", "Exclusion reasons"),
  NC_("export column", "Credit platform"),
  NC_("export column", "Credit score"),
  NC_("export column", "Credit scale"),
  NC_("export column", "Credit source"),
  NC_("export column", "Credit observed"),
  NC_("export column", "Credit basis"),
  NC_("export column", "Cooperations with brand"),
  NC_("export column", "GMV with brand (yuan)"),
  NC_("export column", "Last cooperation with brand"),
  NC_("export column", "Last cooperation"),
  NC_("export column", "Incidents"),
};

static void
append_row (GString           *out,
            const TmExportRow *row)
{
  const TmCandidate *c = &row->candidate;
  gboolean credit = !isnan (row->credit_score);

  if (row->rank > 0)
    g_string_append_printf (out, "%u", row->rank);
  g_string_append_c (out, ',');
  if (row->has_rank_change)
    g_string_append_printf (out, "%d", row->rank_change);
  g_string_append_c (out, ',');
  tm_export_csv_append_text (out, row->id);
  g_string_append_c (out, ',');
  tm_export_csv_append_text (out, row->name);
  g_string_append_c (out, ',');
  tm_export_csv_append_text (out, row->platforms);
  g_string_append_c (out, ',');
  if (row->followers >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, row->followers);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->score);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->style);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->history);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->trust);
  g_string_append_c (out, ',');
  /* The points incidents take off, as the negative number they add. */
  tm_export_csv_append_number (out, "%.2f", -c->penalty);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.2f", c->cap);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.0f", c->confidence * 100.0);
  g_string_append_c (out, ',');
  tm_export_csv_append_text (out, row->exclusions);
  g_string_append_c (out, ',');
  if (credit && row->credit_platform != TM_PLATFORM_NONE)
    tm_export_csv_append_text (out, tm_platform_label (row->credit_platform));
  g_string_append_c (out, ',');
  /* %.6g: the catalog keeps floats, and 4.7 should not read 4.69999981. */
  tm_export_csv_append_number (out, "%.6g", row->credit_score);
  g_string_append_c (out, ',');
  tm_export_csv_append_number (out, "%.6g", row->credit_scale);
  g_string_append_c (out, ',');
  if (credit)
    tm_export_csv_append_text (out, tm_source_label (row->credit_provenance.source));
  g_string_append_c (out, ',');
  if (credit)
    append_date (out, row->credit_provenance.observed);
  g_string_append_c (out, ',');
  if (credit)
    tm_export_csv_append_text (out, tm_basis_label (row->credit_provenance.basis));
  g_string_append_c (out, ',');
  g_string_append_printf (out, "%u", row->brand_cooperations);
  g_string_append_c (out, ',');
  append_yuan (out, row->brand_gmv_fen);
  g_string_append_c (out, ',');
  append_date (out, row->last_brand_cooperation);
  g_string_append_c (out, ',');
  append_date (out, row->last_cooperation);
  g_string_append_c (out, ',');
  g_string_append_printf (out, "%u", row->incidents);
  g_string_append (out, "\r\n");
}

GBytes *
tm_export_csv (GPtrArray *rows)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (rows != NULL, NULL);

  /* The byte order mark is how spreadsheet programs tell UTF-8 from the
   * system's legacy code page (GBK on Chinese Windows). */
  g_string_append (out, "\xEF\xBB\xBF");
  for (guint i = 0; i < G_N_ELEMENTS (column_headers); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      tm_export_csv_append_text (out, g_dpgettext2 (GETTEXT_PACKAGE, "export column", column_headers[i]));
    }
  g_string_append (out, "\r\n");
  for (guint i = 0; i < rows->len; i++)
    append_row (out, g_ptr_array_index (rows, i));
  return g_string_free_to_bytes (out);
}

/* Atomic write */

static gboolean
set_write_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               /* Translators: %s is a file path, then why it failed */
               _("cannot write “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

gboolean
tm_export_write_file (const char  *path,
                      GBytes      *data,
                      GError     **error)
{
  g_autofree char *dir = NULL, *base = NULL, *tmp = NULL;
  const guint8 *p;
  gsize left;
  int fd, saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  /* A hidden temporary file next to @path, so the rename stays within
   * one file system and a crash leaves at most a stray ".name.XXXXXX". */
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    return set_write_error (error, path, errno);

  p = g_bytes_get_data (data, &left);
  while (left > 0)
    {
      gssize n = write (fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto failed;
      /* A short write is retried; the next call reports why it was short. */
      p += n;
      left -= (gsize) n;
    }
  if (fsync (fd) != 0)
    goto failed;
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  fd = -1;
  if (g_rename (tmp, path) != 0)
    goto failed;
  return TRUE;

failed:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  return set_write_error (error, path, saved);
}
