/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tm-json.h"
#include "tm-figures.h"
#include "tm-store.h"
#include "tm-store-schema.h"
#include "tm-store-feed.h"

/*
 * The connection is opened with SQLITE_OPEN_NOMUTEX: SQLite does no locking
 * of its own around it, so one TmStore must only be used by one thread at a
 * time (the GUI hands it to a worker thread for an import and takes it back
 * when the task completes).  Other processes are kept out by SQLite's file
 * locks and wait up to busy_timeout for them.
 */

/* SQLite's page cache, in KiB: small while browsing, larger for the
 * duration of an import. */
#define DEFAULT_CACHE_KIB 8192
#define IMPORT_CACHE_KIB  131072
/* A sync applies shard by shard while others are parsed: its cache and
 * the sorter that rebuilds the cooperation indexes (sized after the
 * cache) are most of its memory (docs/performance.md, "Feed sync"). */
#define FEED_CACHE_KIB    65536

struct _TmStore
{
  GObject  parent_instance;

  sqlite3 *db;
  char    *path;
  int      schema_version;
};

G_DEFINE_FINAL_TYPE (TmStore, tm_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (tm-store-error-quark, tm_store_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static void
tm_store_finalize (GObject *object)
{
  TmStore *self = TM_STORE (object);

  if (self->db != NULL)
    {
      /* Statements are finalized where they are used, so a plain close
       * succeeds; it also checkpoints and removes the -wal file. */
      if (sqlite3_close (self->db) != SQLITE_OK)
        g_warning ("Could not close %s: %s", self->path, sqlite3_errmsg (self->db));
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (tm_store_parent_class)->finalize (object);
}

static void
tm_store_class_init (TmStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tm_store_finalize;

  /* SQLite keeps memory statistics by default, behind a global mutex
   * taken on every allocation: a few percent of a large sync's writes,
   * for figures nobody reads.  Only possible before SQLite is first
   * used; afterwards it fails harmlessly. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
}

static void
tm_store_init (TmStore *self)
{
}

/* Errors ---------------------------------------------------------------- */

static void
set_corrupt_error (GError     **error,
                   const char  *path,
                   const char  *detail)
{
  g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_CORRUPT,
               _("“%s” is not a TrustMatch database or is damaged (%s). "
                 "Move the file somewhere else and start TrustMatch again to "
                 "begin with a new database; TrustMatch will not overwrite it."),
               path, detail);
}

/* Sets @error from the connection's last error, after a message saying
 * what was being done.  Damage is reported as such, everything else
 * (disk full, locked, constraint) as TM_STORE_ERROR_FAILED. */
G_GNUC_PRINTF (3, 4) static void
set_sqlite_error (TmStore    *self,
                  GError    **error,
                  const char *format,
                  ...)
{
  g_autofree char *doing = NULL;
  g_autofree char *message = NULL;
  const char *hint = NULL;
  int code = sqlite3_extended_errcode (self->db) & 0xff;
  const char *detail = sqlite3_errmsg (self->db);
  va_list args;

  va_start (args, format);
  doing = g_strdup_vprintf (format, args);
  va_end (args);

  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    {
      g_autofree char *both = g_strdup_printf ("%s: %s", doing, detail);
      set_corrupt_error (error, self->path, both);
      return;
    }

  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    hint = _("Another program is writing to the database; try again when it is done.");
  else if (code == SQLITE_FULL)
    hint = _("The disk is full; free some space and try again.");

  /* TRANSLATORS: the first %s says what failed ("Could not save the
   * brand “x”"), then come the database file and SQLite's reason. */
  message = g_strdup_printf (_("%s in the database “%s”: %s."), doing, self->path, detail);
  if (hint != NULL)
    g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED, "%s %s", message, hint);
  else
    g_set_error_literal (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED, message);
}

static gboolean
exec_sql (TmStore     *self,
          const char  *sql,
          GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("Could not run “%s”"), sql);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (TmStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("Could not read the database"));
      return NULL;
    }
  return stmt;
}

/* Ends the current transaction without hiding the error that led here. */
static void
rollback (TmStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    {
      if (sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        g_warning ("Could not roll back in %s: %s", self->path, sqlite3_errmsg (self->db));
    }
}

static gboolean
begin (TmStore     *self,
       const char  *sql,
       GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("Could not start a transaction"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
commit (TmStore  *self,
        GError  **error)
{
  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("Could not save the changes"));
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Column encodings (see tm-store-schema.h) ------------------------------ */

/* The shortest decimal text that reads back as exactly @v, so that a dump
 * reproduces every double bit for bit. */
static void
append_double (GString *out,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  tm_json_format_double (buf, sizeof buf, v);
  g_string_append (out, buf);
}

/* The text encodings use '\n' and '\t' as separators (and '' for an
 * empty list), so items cannot be empty or contain them.  The JSON reader
 * rejects such values; this guards records built elsewhere. */
static gboolean
check_item (const char  *text,
            const char  *record_kind,
            const char  *record_id,
            const char  *field,
            GError     **error)
{
  if (text == NULL || text[0] == '\0' || strpbrk (text, "\t\n") != NULL)
    {
      g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED,
                   _("The %s “%s” cannot be stored: an entry of “%s” is "
                     "empty or contains a tab or line break"),
                   record_kind, record_id, field);
      return FALSE;
    }
  return TRUE;
}

static char *
encode_strv (const GPtrArray  *items,
             const char       *record_kind,
             const char       *record_id,
             const char       *field,
             GError          **error)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *item = g_ptr_array_index (items, i);

      if (!check_item (item, record_kind, record_id, field, error))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, item);
    }
  return g_string_free (out, FALSE);
}

static void
decode_strv (const char *text,
             GPtrArray  *into)
{
  g_auto(GStrv) items = NULL;

  if (text == NULL || text[0] == '\0')
    return;
  items = g_strsplit (text, "\n", -1);
  for (guint i = 0; items[i] != NULL; i++)
    g_ptr_array_add (into, g_steal_pointer (&items[i]));
}

static char *
encode_style_tags (const GArray  *tags,
                   const char    *record_kind,
                   const char    *record_id,
                   GError       **error)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < tags->len; i++)
    {
      const TmStyleTag *t = &g_array_index (tags, TmStyleTag, i);

      if (!check_item (t->tag, record_kind, record_id, "style_tags", error))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, t->tag);
      g_string_append_c (out, '\t');
      append_double (out, t->weight);
    }
  return g_string_free (out, FALSE);
}

static gboolean
decode_style_tags (const char  *text,
                   GArray      *into)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      char *end = NULL;
      TmStyleTag t;

      if (tab == NULL)
        return FALSE;
      t.tag = g_strndup (lines[i], tab - lines[i]);
      t.weight = g_ascii_strtod (tab + 1, &end);
      g_array_append_val (into, t);
      if (end == tab + 1 || *end != '\0')
        return FALSE;
    }
  return TRUE;
}

#define AUDIENCE_N_NUMBERS (TM_N_AGES + TM_N_GENDERS + TM_N_REGIONS)

static char *
encode_audience (const TmAudience *a)
{
  double v[AUDIENCE_N_NUMBERS];
  GString *out;

  if (!a->present)
    return NULL;

  memcpy (v, a->age, sizeof a->age);
  memcpy (v + TM_N_AGES, a->gender, sizeof a->gender);
  memcpy (v + TM_N_AGES + TM_N_GENDERS, a->region, sizeof a->region);

  out = g_string_new (NULL);
  for (guint k = 0; k < AUDIENCE_N_NUMBERS; k++)
    {
      if (k > 0)
        g_string_append_c (out, ' ');
      append_double (out, v[k]);
    }
  return g_string_free (out, FALSE);
}

static gboolean
decode_audience (const char *text,
                 TmAudience *a)
{
  double v[AUDIENCE_N_NUMBERS];
  const char *p = text;

  memset (a, 0, sizeof *a);
  if (text == NULL)
    return TRUE;

  for (guint k = 0; k < AUDIENCE_N_NUMBERS; k++)
    {
      char *end = NULL;

      if (k > 0)
        {
          if (*p != ' ')
            return FALSE;
          p++;
        }
      v[k] = g_ascii_strtod (p, &end);
      if (end == p)
        return FALSE;
      p = end;
    }
  if (*p != '\0')
    return FALSE;

  a->present = TRUE;
  memcpy (a->age, v, sizeof a->age);
  memcpy (a->gender, v + TM_N_AGES, sizeof a->gender);
  memcpy (a->region, v + TM_N_AGES + TM_N_GENDERS, sizeof a->region);
  return TRUE;
}

static char *
encode_figure_provenance (const GArray  *fps,
                          const char    *record_kind,
                          const char    *record_id,
                          GError       **error)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < fps->len; i++)
    {
      const TmFigureProvenance *fp = &g_array_index (fps, TmFigureProvenance, i);

      if (!check_item (fp->field, record_kind, record_id, "figure_provenance", error))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%s\t%s\t%d\t%s",
                              fp->field,
                              tm_source_code (fp->provenance.source),
                              (int) fp->provenance.observed,
                              tm_basis_code (fp->provenance.basis));
    }
  return g_string_free (out, FALSE);
}

static gboolean
decode_figure_provenance (const char *text,
                          GArray     *into)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (lines[i], "\t", -1);
      TmFigureProvenance fp;
      gint64 observed;
      char *end = NULL;
      int source, basis;

      if (g_strv_length (parts) != 4)
        return FALSE;
      source = tm_source_from_code (parts[1]);
      basis = tm_basis_from_code (parts[3]);
      observed = g_ascii_strtoll (parts[2], &end, 10);
      if (source < 0 || basis < 0 || end == parts[2] || *end != '\0'
          || observed < G_MININT32 || observed > G_MAXINT32)
        return FALSE;
      fp.field = g_strdup (parts[0]);
      fp.provenance.source = source;
      fp.provenance.observed = (TmDate) observed;
      fp.provenance.basis = basis;
      g_array_append_val (into, fp);
    }
  return TRUE;
}

/* Binding helpers: column numbers count up from 1 through *k. */

static void
bind_text (sqlite3_stmt *stmt,
           int          *k,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, (*k)++);
  else
    sqlite3_bind_text (stmt, (*k)++, text, -1, SQLITE_TRANSIENT);
}

/* For text that outlives the statement's last step: a record's fields,
 * codes, the origin and the digest.  SQLite keeps the pointer instead of
 * copying the text, which a sync did ten million times. */
static void
bind_text_static (sqlite3_stmt *stmt,
                  int          *k,
                  const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, (*k)++);
  else
    sqlite3_bind_text (stmt, (*k)++, text, -1, SQLITE_STATIC);
}

static void
bind_int (sqlite3_stmt *stmt,
          int          *k,
          gint64        value)
{
  sqlite3_bind_int64 (stmt, (*k)++, value);
}

static void
bind_opt_int (sqlite3_stmt *stmt,
              int          *k,
              gint64        value)
{
  if (value == TM_UNKNOWN_INT)
    sqlite3_bind_null (stmt, (*k)++);
  else
    sqlite3_bind_int64 (stmt, (*k)++, value);
}

static void
bind_opt_double (sqlite3_stmt *stmt,
                 int          *k,
                 double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, (*k)++);
  else
    sqlite3_bind_double (stmt, (*k)++, value);
}

static void
bind_provenance (sqlite3_stmt       *stmt,
                 int                *k,
                 const TmProvenance *p)
{
  sqlite3_bind_text (stmt, (*k)++, tm_source_code (p->source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, (*k)++, p->observed);
  sqlite3_bind_text (stmt, (*k)++, tm_basis_code (p->basis), -1, SQLITE_STATIC);
}

/* Reading helpers: columns count up from 0 through *k. */

static char *
col_text (sqlite3_stmt *stmt,
          int          *k)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, (*k)++));
}

static const char *
col_text_ref (sqlite3_stmt *stmt,
              int          *k)
{
  return (const char *) sqlite3_column_text (stmt, (*k)++);
}

static gint64
col_int (sqlite3_stmt *stmt,
         int          *k)
{
  return sqlite3_column_int64 (stmt, (*k)++);
}

static gint64
col_opt_int (sqlite3_stmt *stmt,
             int          *k)
{
  if (sqlite3_column_type (stmt, *k) == SQLITE_NULL)
    {
      (*k)++;
      return TM_UNKNOWN_INT;
    }
  return sqlite3_column_int64 (stmt, (*k)++);
}

static double
col_opt_double (sqlite3_stmt *stmt,
                int          *k)
{
  if (sqlite3_column_type (stmt, *k) == SQLITE_NULL)
    {
      (*k)++;
      return NAN;
    }
  return sqlite3_column_double (stmt, (*k)++);
}

/* Reads an enum code; a code this version does not know means the row was
 * not written by TrustMatch. */
typedef int (*FromCodeFunc) (const char *code);

typedef struct {
  TmStore    *self;
  const char *table;
  const char *id;     /* of the row being read, for messages */
  GError    **error;
  gboolean    failed;
} RowReader;

static void
row_bad (RowReader  *r,
         const char *column)
{
  g_autofree char *detail = NULL;

  if (r->failed)
    return;
  r->failed = TRUE;
  detail = g_strdup_printf (_("the value of “%s” of the record “%s” in the table “%s” cannot be read"),
                            column, r->id ? r->id : "?", r->table);
  set_corrupt_error (r->error, r->self->path, detail);
}

static int
col_code (RowReader    *r,
          sqlite3_stmt *stmt,
          int          *k,
          FromCodeFunc  from_code,
          gboolean      nullable)
{
  const char *code = col_text_ref (stmt, k);
  int value;

  if (code == NULL && nullable)
    return -1;
  value = from_code (code);
  if (value < 0)
    row_bad (r, sqlite3_column_name (stmt, *k - 1));
  return value < 0 ? 0 : value;
}

static void
col_provenance (RowReader    *r,
                sqlite3_stmt *stmt,
                int          *k,
                TmProvenance *p)
{
  p->source = col_code (r, stmt, k, tm_source_from_code, FALSE);
  p->observed = (TmDate) col_int (stmt, k);
  p->basis = col_code (r, stmt, k, tm_basis_from_code, FALSE);
}

static void
col_style_tags (RowReader    *r,
                sqlite3_stmt *stmt,
                int          *k,
                GArray       *into)
{
  if (!decode_style_tags (col_text_ref (stmt, k), into))
    row_bad (r, "style_tags");
}

static void
col_audience (RowReader    *r,
              sqlite3_stmt *stmt,
              int          *k,
              TmAudience   *a)
{
  if (!decode_audience (col_text_ref (stmt, k), a))
    row_bad (r, "audience");
}

static void
col_figure_provenance (RowReader    *r,
                       sqlite3_stmt *stmt,
                       int          *k,
                       GArray       *into)
{
  if (!decode_figure_provenance (col_text_ref (stmt, k), into))
    row_bad (r, "figure_provenance");
}

/* Records <-> rows ------------------------------------------------------ */

/* The columns each record is written to and read from, in binding order.
 * Writes append origin and digest. */
#define BRAND_COLUMNS \
  "id, name, category, style_tags, audience, price_tier, " \
  "typical_order_price_fen, budget_fen, min_credit_score, blacklist, " \
  "competitor_brands, competitor_categories, exclusivity_days, notes, " \
  "prov_source, prov_observed, prov_basis, figure_provenance"

#define STREAMER_COLUMNS \
  "id, name, categories, style_tags, audience, credit_platform, " \
  "credit_score, credit_scale, verification, engagement_rate, " \
  "avg_live_viewers, reviews_positive, reviews_negative, " \
  "fake_review_share, dispute_resolution_rate, repeat_buyer_rate, " \
  "price_low_fen, price_high_fen, " \
  "prov_source, prov_observed, prov_basis, figure_provenance"

#define COOPERATION_COLUMNS \
  "id, streamer, brand, brand_name, brand_category, date, format, " \
  "platform, gmv_fen, orders, fee_fen, commission_fen, conversion_rate, " \
  "return_rate, complaints, rating, notes, " \
  "prov_source, prov_observed, prov_basis, figure_provenance, figures"

/* Reading a cooperation gives the ids behind streamer and brand. */
#define COOPERATION_SELECT \
  "SELECT c.id, s.id, b.id, c.brand_name, c.brand_category, c.date, " \
  "c.format, c.platform, c.gmv_fen, c.orders, c.fee_fen, " \
  "c.commission_fen, c.conversion_rate, c.return_rate, c.complaints, " \
  "c.rating, c.notes, c.prov_source, c.prov_observed, c.prov_basis, " \
  "c.figure_provenance, c.ix " \
  "FROM cooperations c JOIN streamers s ON s.ix = c.streamer " \
  "LEFT JOIN brands b ON b.ix = c.brand "

#define INCIDENT_COLUMNS \
  "id, streamer, date, kind, severity, resolved, resolution, " \
  "description, source_url, " \
  "prov_source, prov_observed, prov_basis, figure_provenance"

#define INCIDENT_SELECT \
  "SELECT i.id, s.id, i.date, i.kind, i.severity, i.resolved, " \
  "i.resolution, i.description, i.source_url, i.prov_source, " \
  "i.prov_observed, i.prov_basis, i.figure_provenance " \
  "FROM incidents i JOIN streamers s ON s.ix = i.streamer "

/* INSERT … ON CONFLICT(id) DO UPDATE: unlike INSERT OR REPLACE it keeps the
 * row's ix, so the cooperations and incidents pointing at it stay (a
 * REPLACE would delete the row and cascade).  @keep_origin leaves the
 * owner of an existing row as it was.  With @returning a step gives the
 * ix of a row written, and no row when it was left alone; without, see
 * step_import_upsert_counted(). */
static char *
upsert_sql (const char *table,
            const char *columns,
            gboolean    keep_origin,
            gboolean    with_shard,
            gboolean    returning)
{
  g_auto(GStrv) names = g_strsplit (columns, ",", -1);
  GString *sql = g_string_new (NULL);
  guint n = g_strv_length (names);

  g_string_append_printf (sql, "INSERT INTO %s (%s, origin, digest%s) VALUES (",
                          table, columns, with_shard ? ", feed_shard" : "");
  for (guint i = 0; i < n + (with_shard ? 3 : 2); i++)
    g_string_append_printf (sql, "%s?%u", i > 0 ? ", " : "", i + 1);
  g_string_append (sql, ") ON CONFLICT (id) DO UPDATE SET ");
  for (guint i = 0; i < n; i++)
    {
      const char *name = g_strstrip (names[i]);

      if (strcmp (name, "id") == 0)
        continue;
      g_string_append_printf (sql, "%s = excluded.%s, ", name, name);
    }
  if (!keep_origin)
    g_string_append (sql, "origin = excluded.origin, ");
  /* A feed also takes over rows that are identical but belong to an
   * import, another shard or another feed. */
  if (with_shard)
    g_string_append (sql, "digest = excluded.digest, feed_shard = excluded.feed_shard "
                          "WHERE digest IS NOT excluded.digest OR origin IS NOT excluded.origin "
                          "OR feed_shard IS NOT excluded.feed_shard");
  else
    g_string_append (sql, "digest = excluded.digest "
                          "WHERE digest IS NOT excluded.digest");
  if (returning)
    g_string_append (sql, " RETURNING ix");
  return g_string_free (sql, FALSE);
}

static gboolean
bind_brand (sqlite3_stmt   *stmt,
            const TmBrand  *b,
            const char     *origin,
            const char     *digest,
            GError        **error)
{
  g_autofree char *style_tags = NULL;
  g_autofree char *audience = NULL;
  g_autofree char *blacklist = NULL;
  g_autofree char *competitor_brands = NULL;
  g_autofree char *competitor_categories = NULL;
  g_autofree char *figure_provenance = NULL;
  const char *kind = _("brand");
  int k = 1;

  if (!(style_tags = encode_style_tags (b->style_tags, kind, b->id, error))
      || !(blacklist = encode_strv (b->blacklist, kind, b->id, "blacklist", error))
      || !(competitor_brands = encode_strv (b->competitor_brands, kind, b->id, "competitor_brands", error))
      || !(competitor_categories = encode_strv (b->competitor_categories, kind, b->id, "competitor_categories", error))
      || !(figure_provenance = encode_figure_provenance (b->figure_provenance, kind, b->id, error)))
    return FALSE;
  audience = encode_audience (&b->audience);

  sqlite3_reset (stmt);
  bind_text_static (stmt, &k, b->id);
  bind_text_static (stmt, &k, b->name);
  bind_text_static (stmt, &k, b->category);
  bind_text (stmt, &k, style_tags);
  bind_text (stmt, &k, audience);
  bind_text_static (stmt, &k, tm_price_tier_code (b->price_tier));
  bind_int (stmt, &k, b->typical_order_price_fen);
  bind_opt_int (stmt, &k, b->budget_fen);
  sqlite3_bind_double (stmt, k++, b->min_credit_score);
  bind_text (stmt, &k, blacklist);
  bind_text (stmt, &k, competitor_brands);
  bind_text (stmt, &k, competitor_categories);
  bind_int (stmt, &k, b->exclusivity_days);
  bind_text_static (stmt, &k, b->notes);
  bind_provenance (stmt, &k, &b->provenance);
  bind_text (stmt, &k, figure_provenance);
  bind_text_static (stmt, &k, origin);
  bind_text_static (stmt, &k, digest);
  return TRUE;
}

static TmBrand *
read_brand (RowReader    *r,
            sqlite3_stmt *stmt)
{
  g_autoptr(TmBrand) b = tm_brand_new ();
  int k = 0;

  b->id = col_text (stmt, &k);
  r->id = b->id;
  b->name = col_text (stmt, &k);
  b->category = col_text (stmt, &k);
  col_style_tags (r, stmt, &k, b->style_tags);
  col_audience (r, stmt, &k, &b->audience);
  b->price_tier = col_code (r, stmt, &k, tm_price_tier_from_code, FALSE);
  b->typical_order_price_fen = col_int (stmt, &k);
  b->budget_fen = col_opt_int (stmt, &k);
  b->min_credit_score = sqlite3_column_double (stmt, k++);
  decode_strv (col_text_ref (stmt, &k), b->blacklist);
  decode_strv (col_text_ref (stmt, &k), b->competitor_brands);
  decode_strv (col_text_ref (stmt, &k), b->competitor_categories);
  b->exclusivity_days = (gint32) col_int (stmt, &k);
  b->notes = col_text (stmt, &k);
  col_provenance (r, stmt, &k, &b->provenance);
  col_figure_provenance (r, stmt, &k, b->figure_provenance);
  r->id = NULL;

  return r->failed ? NULL : g_steal_pointer (&b);
}

static gboolean
bind_streamer (sqlite3_stmt      *stmt,
               const TmStreamer  *s,
               const char        *origin,
               const char        *digest,
               GError           **error)
{
  g_autofree char *categories = NULL;
  g_autofree char *style_tags = NULL;
  g_autofree char *audience = NULL;
  g_autofree char *figure_provenance = NULL;
  const char *kind = _("streamer");
  int k = 1;

  if (!(categories = encode_strv (s->categories, kind, s->id, "categories", error))
      || !(style_tags = encode_style_tags (s->style_tags, kind, s->id, error))
      || !(figure_provenance = encode_figure_provenance (s->figure_provenance, kind, s->id, error)))
    return FALSE;
  audience = encode_audience (&s->audience);

  sqlite3_reset (stmt);
  bind_text_static (stmt, &k, s->id);
  bind_text_static (stmt, &k, s->name);
  bind_text (stmt, &k, categories);
  bind_text (stmt, &k, style_tags);
  bind_text (stmt, &k, audience);
  bind_text_static (stmt, &k, s->credit_platform == TM_PLATFORM_NONE ? NULL
                       : tm_platform_code (s->credit_platform));
  bind_opt_double (stmt, &k, s->credit_score);
  bind_opt_double (stmt, &k, s->credit_scale);
  bind_text_static (stmt, &k, tm_verification_code (s->verification));
  bind_opt_double (stmt, &k, s->engagement_rate);
  bind_opt_int (stmt, &k, s->avg_live_viewers);
  bind_opt_int (stmt, &k, s->reviews_positive);
  bind_opt_int (stmt, &k, s->reviews_negative);
  bind_opt_double (stmt, &k, s->fake_review_share);
  bind_opt_double (stmt, &k, s->dispute_resolution_rate);
  bind_opt_double (stmt, &k, s->repeat_buyer_rate);
  bind_opt_int (stmt, &k, s->price_low_fen);
  bind_opt_int (stmt, &k, s->price_high_fen);
  bind_provenance (stmt, &k, &s->provenance);
  bind_text (stmt, &k, figure_provenance);
  bind_text_static (stmt, &k, origin);
  bind_text_static (stmt, &k, digest);
  return TRUE;
}

/* Reads the columns of STREAMER_COLUMNS starting at column @k. */
static TmStreamer *
read_streamer (RowReader    *r,
               sqlite3_stmt *stmt,
               int           k)
{
  g_autoptr(TmStreamer) s = tm_streamer_new ();
  int platform;

  s->id = col_text (stmt, &k);
  r->id = s->id;
  s->name = col_text (stmt, &k);
  decode_strv (col_text_ref (stmt, &k), s->categories);
  col_style_tags (r, stmt, &k, s->style_tags);
  col_audience (r, stmt, &k, &s->audience);
  platform = col_code (r, stmt, &k, tm_platform_from_code, TRUE);
  s->credit_platform = platform < 0 ? TM_PLATFORM_NONE : platform;
  s->credit_score = col_opt_double (stmt, &k);
  s->credit_scale = col_opt_double (stmt, &k);
  s->verification = col_code (r, stmt, &k, tm_verification_from_code, FALSE);
  s->engagement_rate = col_opt_double (stmt, &k);
  s->avg_live_viewers = col_opt_int (stmt, &k);
  s->reviews_positive = col_opt_int (stmt, &k);
  s->reviews_negative = col_opt_int (stmt, &k);
  s->fake_review_share = col_opt_double (stmt, &k);
  s->dispute_resolution_rate = col_opt_double (stmt, &k);
  s->repeat_buyer_rate = col_opt_double (stmt, &k);
  s->price_low_fen = col_opt_int (stmt, &k);
  s->price_high_fen = col_opt_int (stmt, &k);
  col_provenance (r, stmt, &k, &s->provenance);
  col_figure_provenance (r, stmt, &k, s->figure_provenance);
  r->id = NULL;

  return r->failed ? NULL : g_steal_pointer (&s);
}

static gboolean
bind_cooperation (sqlite3_stmt         *stmt,
                  const TmCooperation  *c,
                  gint64                streamer_ix,
                  gint64                brand_ix,
                  const char           *brand_name,
                  const char           *brand_category,
                  const char           *origin,
                  const char           *digest,
                  GError              **error)
{
  g_autofree char *figure_provenance = NULL;
  guint8 figures[TM_FIGURES_SIZE];
  int k = 1;

  if (!(figure_provenance = encode_figure_provenance (c->figure_provenance, _("cooperation"), c->id, error)))
    return FALSE;

  sqlite3_reset (stmt);
  bind_text_static (stmt, &k, c->id);
  bind_int (stmt, &k, streamer_ix);
  if (brand_ix > 0)
    bind_int (stmt, &k, brand_ix);
  else
    sqlite3_bind_null (stmt, k++);
  bind_text_static (stmt, &k, brand_name);
  bind_text_static (stmt, &k, brand_category);
  bind_int (stmt, &k, c->date);
  bind_text_static (stmt, &k, tm_format_code (c->format));
  bind_text_static (stmt, &k, c->platform == TM_PLATFORM_NONE ? NULL : tm_platform_code (c->platform));
  bind_int (stmt, &k, c->gmv_fen);
  bind_int (stmt, &k, c->orders);
  bind_int (stmt, &k, c->fee_fen);
  bind_int (stmt, &k, c->commission_fen);
  bind_opt_double (stmt, &k, c->conversion_rate);
  sqlite3_bind_double (stmt, k++, c->return_rate);
  bind_int (stmt, &k, c->complaints);
  bind_opt_double (stmt, &k, c->rating);
  bind_text_static (stmt, &k, c->notes);
  bind_provenance (stmt, &k, &c->provenance);
  bind_text (stmt, &k, figure_provenance);
  tm_figures_pack (c, figures);
  sqlite3_bind_blob (stmt, k++, figures, sizeof figures, SQLITE_TRANSIENT);
  bind_text_static (stmt, &k, origin);
  bind_text_static (stmt, &k, digest);
  return TRUE;
}

/* A row of COOPERATION_SELECT.  A cooperation with a known brand is the
 * brand's id alone; the copied name and category only stand for brands
 * the store does not know (any more). */
static TmCooperation *
read_cooperation (RowReader    *r,
                  sqlite3_stmt *stmt)
{
  g_autoptr(TmCooperation) c = tm_cooperation_new ();
  int platform;
  int k = 0;

  c->id = col_text (stmt, &k);
  r->id = c->id;
  c->streamer_id = col_text (stmt, &k);
  c->brand_id = col_text (stmt, &k);
  if (c->brand_id == NULL)
    {
      c->brand_name = col_text (stmt, &k);
      c->brand_category = col_text (stmt, &k);
    }
  else
    k += 2;
  c->date = (TmDate) col_int (stmt, &k);
  c->format = col_code (r, stmt, &k, tm_format_from_code, FALSE);
  platform = col_code (r, stmt, &k, tm_platform_from_code, TRUE);
  c->platform = platform < 0 ? TM_PLATFORM_NONE : platform;
  c->gmv_fen = col_int (stmt, &k);
  c->orders = col_int (stmt, &k);
  c->fee_fen = col_int (stmt, &k);
  c->commission_fen = col_int (stmt, &k);
  c->conversion_rate = col_opt_double (stmt, &k);
  c->return_rate = sqlite3_column_double (stmt, k++);
  c->complaints = col_int (stmt, &k);
  c->rating = col_opt_double (stmt, &k);
  c->notes = col_text (stmt, &k);
  col_provenance (r, stmt, &k, &c->provenance);
  col_figure_provenance (r, stmt, &k, c->figure_provenance);
  r->id = NULL;

  return r->failed ? NULL : g_steal_pointer (&c);
}

static gboolean
bind_incident (sqlite3_stmt      *stmt,
               const TmIncident  *i,
               gint64             streamer_ix,
               const char        *origin,
               const char        *digest,
               GError           **error)
{
  g_autofree char *figure_provenance = NULL;
  int k = 1;

  if (!(figure_provenance = encode_figure_provenance (i->figure_provenance, _("incident"), i->id, error)))
    return FALSE;

  sqlite3_reset (stmt);
  bind_text_static (stmt, &k, i->id);
  bind_int (stmt, &k, streamer_ix);
  bind_int (stmt, &k, i->date);
  bind_text_static (stmt, &k, tm_incident_kind_code (i->kind));
  bind_int (stmt, &k, i->severity);
  bind_int (stmt, &k, i->resolved ? 1 : 0);
  bind_text_static (stmt, &k, i->resolution);
  bind_text_static (stmt, &k, i->description);
  bind_text_static (stmt, &k, i->source_url);
  bind_provenance (stmt, &k, &i->provenance);
  bind_text (stmt, &k, figure_provenance);
  bind_text_static (stmt, &k, origin);
  bind_text_static (stmt, &k, digest);
  return TRUE;
}

static TmIncident *
read_incident (RowReader    *r,
               sqlite3_stmt *stmt)
{
  g_autoptr(TmIncident) i = tm_incident_new ();
  int k = 0;

  i->id = col_text (stmt, &k);
  r->id = i->id;
  i->streamer_id = col_text (stmt, &k);
  i->date = (TmDate) col_int (stmt, &k);
  i->kind = col_code (r, stmt, &k, tm_incident_kind_from_code, FALSE);
  i->severity = (gint32) col_int (stmt, &k);
  i->resolved = col_int (stmt, &k) != 0;
  i->resolution = col_text (stmt, &k);
  i->description = col_text (stmt, &k);
  i->source_url = col_text (stmt, &k);
  col_provenance (r, stmt, &k, &i->provenance);
  col_figure_provenance (r, stmt, &k, i->figure_provenance);
  r->id = NULL;

  return r->failed ? NULL : g_steal_pointer (&i);
}

/* Steps an upsert … RETURNING ix: *out_ix is the row's ix when it was
 * written, 0 when the row was already identical. */
static gboolean
step_upsert (sqlite3_stmt *stmt,
             gint64       *out_ix)
{
  int rc = sqlite3_step (stmt);

  *out_ix = 0;
  if (rc == SQLITE_ROW)
    {
      *out_ix = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  return rc == SQLITE_DONE;
}

/* Looks @id up with "SELECT ix, digest FROM t WHERE id = ?1".  Returns
 * the ix (0 when absent) and whether the stored digest equals @digest. */
static gboolean
lookup_existing (TmStore       *self,
                 sqlite3_stmt  *stmt,
                 const char    *id,
                 const char    *digest,
                 gint64        *out_ix,
                 gboolean      *out_same,
                 GError       **error)
{
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *out_ix = 0;
  *out_same = FALSE;
  if (rc == SQLITE_ROW)
    {
      *out_ix = sqlite3_column_int64 (stmt, 0);
      *out_same = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), digest) == 0;
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not look up the record “%s”"), id);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
query_int (TmStore     *self,
           const char  *sql,
           gint64      *out_value,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("Could not read the database"));
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, _("Could not read the database"));
      return FALSE;
    }
  *out_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Opening and migrating ------------------------------------------------- */

char *
tm_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "trustmatch", "trustmatch.db", NULL);
}

/* SQLite would report a stranger file only at the first query, and some
 * pragmas write to the file; refuse anything that does not even start like
 * a SQLite database before handing the path to SQLite. */
static gboolean
check_file_header (const char  *path,
                   GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  size_t n;
  FILE *f;

  f = g_fopen (path, "rb");
  if (f == NULL)
    return TRUE;  /* missing: SQLite creates it; unreadable: SQLite says why */
  n = fread (header, 1, sizeof header, f);
  fclose (f);

  if (n == 0 || (n == sizeof header && memcmp (header, magic, sizeof magic) == 0))
    return TRUE;

  set_corrupt_error (error, path, _("the file does not start like a SQLite database"));
  return FALSE;
}

static gboolean
migrate (TmStore  *self,
         GError  **error)
{
  for (;;)
    {
      g_autofree char *bump = NULL;
      gint64 version;

      /* Re-read inside the write transaction: another TrustMatch may have
       * migrated while we waited for the lock. */
      if (!begin (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!query_int (self, "PRAGMA user_version", &version, error))
        goto fail;
      if (version >= TM_STORE_SCHEMA_VERSION)
        {
          self->schema_version = (int) version;
          return commit (self, error);
        }

      g_debug ("Migrating %s from schema %d to %d", self->path, (int) version, (int) version + 1);
      if (version == 0)
        {
          g_autofree char *set_id = g_strdup_printf ("PRAGMA application_id = %d",
                                                     TM_STORE_APPLICATION_ID);
          if (!exec_sql (self, set_id, error))
            goto fail;
        }
      if (sqlite3_exec (self->db, tm_store_migrations[version], NULL, NULL, NULL) != SQLITE_OK)
        {
          set_sqlite_error (self, error, _("Could not update the database to version %d"),
                            (int) version + 1);
          goto fail;
        }
      bump = g_strdup_printf ("PRAGMA user_version = %d", (int) version + 1);
      if (!exec_sql (self, bump, error) || !commit (self, error))
        goto fail;
    }

fail:
  rollback (self);
  return FALSE;
}

TmStore *
tm_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(TmStore) self = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *journal_mode = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 app_id, version, n_objects;
  int rc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL)
    path = default_path = tm_store_default_path ();

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_OPEN,
                   _("Could not create the folder “%s” for the database: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!check_file_header (path, error))
    return NULL;

  self = g_object_new (TM_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_OPEN,
                   _("Could not open the database “%s”: %s"), path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  /* Look before touching: journal_mode=WAL and migrations write to the
   * file, and a stranger's database or a newer one must stay as it is. */
  if (!query_int (self, "PRAGMA application_id", &app_id, &local_error)
      || !query_int (self, "PRAGMA user_version", &version, &local_error)
      || !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, &local_error))
    {
      /* Damage stays CORRUPT; anything else (locked, unreadable) means
       * the file could not be opened. */
      if (g_error_matches (local_error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED))
        local_error->code = TM_STORE_ERROR_OPEN;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (app_id != TM_STORE_APPLICATION_ID && (app_id != 0 || version != 0 || n_objects != 0))
    {
      set_corrupt_error (error, path, _("it belongs to another program"));
      return NULL;
    }

  if (version > TM_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was written by a newer version of "
                     "TrustMatch (schema version %d; this version reads up to "
                     "%d). Update TrustMatch to use it."),
                   path, (int) version, TM_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (self, error, _("Could not switch the database to write-ahead logging"));
      return NULL;
    }
  journal_mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (g_ascii_strcasecmp (journal_mode, "wal") != 0)
    g_warning ("%s: journal mode is %s, not WAL", path, journal_mode);

  /* FULL syncs the WAL on every commit: an import that returned is on
   * disk even if the machine loses power right after. */
  if (!exec_sql (self, "PRAGMA synchronous = FULL", error)
      || !exec_sql (self, "PRAGMA foreign_keys = ON", error)
      || !exec_sql (self, "PRAGMA journal_size_limit = 67108864", error)
      || !exec_sql (self, "PRAGMA cache_size = -" G_STRINGIFY (DEFAULT_CACHE_KIB), error)
      || !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
tm_store_get_path (TmStore *self)
{
  g_return_val_if_fail (TM_IS_STORE (self), NULL);
  return self->path;
}

int
tm_store_get_schema_version (TmStore *self)
{
  g_return_val_if_fail (TM_IS_STORE (self), 0);
  return self->schema_version;
}

sqlite3 *
tm_store_get_db (TmStore *self)
{
  g_return_val_if_fail (TM_IS_STORE (self), NULL);
  return self->db;
}

gboolean
tm_store_check_integrity (TmStore  *self,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);

  if (!(stmt = prepare (self, "PRAGMA integrity_check", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not check the database"));
      return FALSE;
    }
  if (problems->len > 0)
    {
      set_corrupt_error (error, self->path, problems->str);
      return FALSE;
    }
  return TRUE;
}

void
tm_store_count (TmStore *self,
                guint   *n_brands,
                guint   *n_streamers,
                guint   *n_cooperations,
                guint   *n_incidents)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint counts[4] = { 0, };

  g_return_if_fail (TM_IS_STORE (self));

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT (SELECT count(*) FROM brands), (SELECT count(*) FROM streamers), "
                          "(SELECT count(*) FROM cooperations), (SELECT count(*) FROM incidents)",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < 4; i++)
        counts[i] = (guint) sqlite3_column_int64 (stmt, i);
    }
  else
    g_warning ("Could not count the records of %s: %s", self->path, sqlite3_errmsg (self->db));

  if (n_brands)
    *n_brands = counts[0];
  if (n_streamers)
    *n_streamers = counts[1];
  if (n_cooperations)
    *n_cooperations = counts[2];
  if (n_incidents)
    *n_incidents = counts[3];
}

gboolean
tm_store_is_empty (TmStore *self)
{
  gint64 n = 0;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);

  /* On failure say "not empty": seeding must never write over a store we
   * cannot read. */
  if (!query_int (self,
                  "SELECT EXISTS (SELECT 1 FROM brands) OR EXISTS (SELECT 1 FROM streamers)",
                  &n, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  return n == 0;
}

/* Importing ------------------------------------------------------------- */

typedef struct {
  gint64      ix;        /* 0 until the brand is in the store */
  const char *name;      /* as they will be once the import is done */
  const char *category;
} BrandRef;

/* Digests, computed for all records before the import takes the write
 * lock: they cost more than writing the rows, and the records are
 * independent, so they are spread over the processors. */

typedef char *(*DigestFunc) (gconstpointer record);

enum { KIND_BRANDS, KIND_STREAMERS, KIND_COOPERATIONS, KIND_INCIDENTS, N_KINDS };

#define DIGEST_SLOT  65   /* SHA-256 in hex, and the NUL */
#define DIGEST_CHUNK 256  /* records a worker takes at a time */

typedef struct {
  GPtrArray  *records;
  DigestFunc  digest;
  char       *slots;  /* records->len × DIGEST_SLOT */
} DigestColumn;

typedef struct {
  DigestColumn *columns;
  guint         n_columns;
  guint         total;
  gint          next;  /* atomic: the first record no worker has taken */
} DigestWork;

static gpointer
digest_worker (gpointer data)
{
  DigestWork *work = data;

  for (;;)
    {
      guint start = (guint) g_atomic_int_add (&work->next, DIGEST_CHUNK);
      guint end, base = 0;

      if (start >= work->total)
        break;
      end = MIN (start + DIGEST_CHUNK, work->total);

      /* Records are numbered through the columns one after the other. */
      for (guint c = 0; c < work->n_columns && start < end; c++)
        {
          DigestColumn *col = &work->columns[c];

          for (; start < end && start < base + col->records->len; start++)
            {
              guint i = start - base;
              g_autofree char *digest = col->digest (g_ptr_array_index (col->records, i));

              g_assert (digest != NULL && strlen (digest) < DIGEST_SLOT);
              memcpy (col->slots + (gsize) i * DIGEST_SLOT, digest, strlen (digest) + 1);
            }
          base += col->records->len;
        }
    }
  return NULL;
}

/* Fills @columns[*].slots.  tm_*_digest() only read their record, so
 * they may run on several threads at once. */
static void
compute_digests (DigestColumn *all_columns,
                 guint         n_all,
                 guint         max_threads)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (DigestColumn));
  DigestWork work = { NULL, 0, 0, 0 };
  guint n_threads;

  /* Columns already filled (tm_feed_fetched_shard_prepare) stay. */
  for (guint c = 0; c < n_all; c++)
    {
      if (all_columns[c].slots != NULL)
        continue;
      all_columns[c].slots = g_malloc ((gsize) all_columns[c].records->len * DIGEST_SLOT + 1);
      g_array_append_val (todo, all_columns[c]);
      work.total += all_columns[c].records->len;
    }
  work.columns = (DigestColumn *) (gpointer) todo->data;
  work.n_columns = todo->len;
  if (work.total == 0)
    return;

  n_threads = MIN (g_get_num_processors (), max_threads);
  n_threads = MIN (n_threads, work.total / (4 * DIGEST_CHUNK) + 1);
  for (guint t = 1; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("tm-store-digest", digest_worker, &work));
  digest_worker (&work);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
}

static char *
digest_brand (gconstpointer record)
{
  return tm_brand_digest (record);
}

static char *
digest_streamer (gconstpointer record)
{
  return tm_streamer_digest (record);
}

static char *
digest_cooperation (gconstpointer record)
{
  return tm_cooperation_digest (record);
}

static char *
digest_incident (gconstpointer record)
{
  return tm_incident_digest (record);
}

typedef struct {
  TmStore            *self;
  /* The batch being written: an import writes all its datasets in one
   * batch, a feed sync one shard per batch. */
  TmDataset * const  *datasets;
  guint               n;
  guint               first;      /* the number of the batch's first dataset in names */
  GPtrArray          *names;      /* char*, of every dataset so far */
  DigestColumn       *digests;    /* [dataset * N_KINDS + kind], of the batch */
  gint64              max_ix[N_KINDS];  /* before the import: larger ix are new rows */
  GStringChunk       *strings;    /* ids and names kept beyond their batch */
  GHashTable         *streamers;  /* id → GSIZE_TO_POINTER (ix), 0 = not yet written */
  GHashTable         *brands;     /* id → BrandRef */
  GHashTable         *seen[N_KINDS]; /* id → GUINT_TO_POINTER (number in names + 1) */
  const char         *origin;     /* of the rows written: "import" or "feed" */
  gboolean            feed;       /* rows carry feed_shard */
  gint64              shard_ix;   /* feed: the batch's feed_shards.ix */
  TmImportStats       stats;
} Import;

static const char *
import_name (Import *imp,
             guint   d)
{
  return g_ptr_array_index (imp->names, imp->first + d);
}

/* A feed's writes also set the row's feed_shard, the upsert's last
 * parameter. */
static void
bind_shard (Import       *imp,
            sqlite3_stmt *stmt,
            guint         d)
{
  if (imp->feed)
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_count (stmt), imp->shard_ix);
}

static const char *
import_digest (Import *imp,
               guint   d,
               guint   kind,
               guint   i)
{
  return imp->digests[d * N_KINDS + kind].slots + (gsize) i * DIGEST_SLOT;
}

static void
import_init (Import  *imp,
             TmStore *self)
{
  memset (imp, 0, sizeof *imp);
  imp->self = self;
  imp->origin = "import";
  imp->names = g_ptr_array_new_with_free_func (g_free);
  imp->strings = g_string_chunk_new (64 * 1024);
  /* Keys point into imp->strings, which outlives the tables. */
  imp->streamers = g_hash_table_new (g_str_hash, g_str_equal);
  imp->brands = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint k = 0; k < N_KINDS; k++)
    imp->seen[k] = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
import_clear_batch (Import *imp)
{
  if (imp->digests == NULL)
    return;
  for (guint c = 0; c < imp->n * N_KINDS; c++)
    g_free (imp->digests[c].slots);
  g_clear_pointer (&imp->digests, g_free);
  imp->datasets = NULL;
  imp->n = 0;
}

/* The next batch: @digests (nullable) are the records' digests when
 * already computed, one column per dataset and kind; taken. */
static void
import_set_batch (Import             *imp,
                  TmDataset * const  *datasets,
                  const char * const *names,
                  guint               n,
                  char              **digests)
{
  import_clear_batch (imp);
  imp->datasets = datasets;
  imp->n = n;
  imp->first = imp->names->len;
  for (guint d = 0; d < n; d++)
    g_ptr_array_add (imp->names, g_strdup (names[d]));

  imp->digests = g_new0 (DigestColumn, MAX (n, 1) * N_KINDS);
  for (guint d = 0; d < n; d++)
    {
      DigestColumn *col = &imp->digests[d * N_KINDS];

      col[KIND_BRANDS].records = datasets[d]->brands;
      col[KIND_BRANDS].digest = digest_brand;
      col[KIND_STREAMERS].records = datasets[d]->streamers;
      col[KIND_STREAMERS].digest = digest_streamer;
      col[KIND_COOPERATIONS].records = datasets[d]->cooperations;
      col[KIND_COOPERATIONS].digest = digest_cooperation;
      col[KIND_INCIDENTS].records = datasets[d]->incidents;
      col[KIND_INCIDENTS].digest = digest_incident;
      if (digests != NULL)
        for (guint k = 0; k < N_KINDS; k++)
          col[k].slots = g_steal_pointer (&digests[d * N_KINDS + k]);
    }
  compute_digests (imp->digests, n * N_KINDS, 8);
}

static void
import_clear (Import *imp)
{
  import_clear_batch (imp);
  for (guint k = 0; k < N_KINDS; k++)
    g_clear_pointer (&imp->seen[k], g_hash_table_unref);
  g_clear_pointer (&imp->names, g_ptr_array_unref);
  g_clear_pointer (&imp->streamers, g_hash_table_unref);
  g_clear_pointer (&imp->brands, g_hash_table_unref);
  g_clear_pointer (&imp->strings, g_string_chunk_free);
}

static gboolean
load_known_streamers (TmStore     *self,
                      GHashTable  *into,
                      GStringChunk *strings,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = prepare (self, "SELECT id, ix FROM streamers", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char *id = g_string_chunk_insert (strings, (const char *) sqlite3_column_text (stmt, 0));
      g_hash_table_insert (into, id, GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the streamers"));
      return FALSE;
    }
  return TRUE;
}

/* Like load_known_streamers, for the ids in @ids only. */
static gboolean
load_listed_streamers (TmStore      *self,
                       GPtrArray    *ids,
                       GHashTable   *into,
                       GStringChunk *strings,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (ids == NULL || ids->len == 0)
    return TRUE;
  if (!(stmt = prepare (self, "SELECT ix FROM streamers WHERE id = ?1", error)))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_hash_table_insert (into, g_string_chunk_insert (strings, id),
                             GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)));
      else if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, error, _("Could not read the streamers"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
load_known (Import  *imp,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  static const char * const max_sql[N_KINDS] = {
    "SELECT coalesce (max (ix), 0) FROM brands",
    "SELECT coalesce (max (ix), 0) FROM streamers",
    "SELECT coalesce (max (ix), 0) FROM cooperations",
    "SELECT coalesce (max (ix), 0) FROM incidents",
  };

  /* New rows get a larger ix than any row before them (ix is the rowid,
   * assigned as max + 1), which tells an added row from an updated one
   * without looking each id up first. */
  for (guint k = 0; k < N_KINDS; k++)
    {
      if (!query_int (imp->self, max_sql[k], &imp->max_ix[k], error))
        return FALSE;
    }

  if (!load_known_streamers (imp->self, imp->streamers, imp->strings, error))
    return FALSE;

  if (!(stmt = prepare (imp->self, "SELECT id, ix, name, category FROM brands", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BrandRef *ref = g_new0 (BrandRef, 1);
      char *id = g_string_chunk_insert (imp->strings, (const char *) sqlite3_column_text (stmt, 0));

      ref->ix = sqlite3_column_int64 (stmt, 1);
      ref->name = g_string_chunk_insert (imp->strings, (const char *) sqlite3_column_text (stmt, 2));
      ref->category = g_string_chunk_insert (imp->strings, (const char *) sqlite3_column_text (stmt, 3));
      g_hash_table_insert (imp->brands, id, ref);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (imp->self, error, _("Could not read the brands"));
      return FALSE;
    }
  return TRUE;
}

/* Records every id of @records (whose id is at @id_offset) in @seen, keyed
 * to the dataset it came from; the same id twice, in this dataset or an
 * earlier one, is an error. */
static gboolean
note_ids (Import     *imp,
          GHashTable *seen,
          GPtrArray  *records,
          gsize       id_offset,
          guint       d,
          const char *kind,
          GError    **error)
{
  guint number = imp->first + d;

  for (guint i = 0; i < records->len; i++)
    {
      const char *id = G_STRUCT_MEMBER (const char *, g_ptr_array_index (records, i), id_offset);
      gpointer value;

      if (id == NULL)
        {
          g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED,
                       _("%s: the %s number %u has no id"), import_name (imp, d), kind, i + 1);
          return FALSE;
        }
      if (g_hash_table_lookup_extended (seen, id, NULL, &value))
        {
          guint other = GPOINTER_TO_UINT (value) - 1;

          if (other == number)
            g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_DUPLICATE,
                         _("“%s” contains the %s “%s” twice; remove one of them"),
                         import_name (imp, d), kind, id);
          else
            g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_DUPLICATE,
                         _("The %s “%s” is in both “%s” and “%s”; remove it from "
                           "one of them or import them separately"),
                         kind, id, (const char *) g_ptr_array_index (imp->names, other),
                         import_name (imp, d));
          return FALSE;
        }
      g_hash_table_insert (seen, g_string_chunk_insert (imp->strings, id),
                           GUINT_TO_POINTER (number + 1));
    }
  return TRUE;
}

/* Adds the batch's ids to the sets of known ids (store and every dataset
 * so far), refusing duplicates, then checks the batch's references
 * against them. */
static gboolean
check_datasets (Import  *imp,
                GError **error)
{
  for (guint d = 0; d < imp->n; d++)
    {
      const TmDataset *ds = imp->datasets[d];

      if (!note_ids (imp, imp->seen[KIND_BRANDS], ds->brands, G_STRUCT_OFFSET (TmBrand, id), d, _("brand"), error)
          || !note_ids (imp, imp->seen[KIND_STREAMERS], ds->streamers, G_STRUCT_OFFSET (TmStreamer, id), d, _("streamer"), error)
          || !note_ids (imp, imp->seen[KIND_COOPERATIONS], ds->cooperations, G_STRUCT_OFFSET (TmCooperation, id), d, _("cooperation"), error)
          || !note_ids (imp, imp->seen[KIND_INCIDENTS], ds->incidents, G_STRUCT_OFFSET (TmIncident, id), d, _("incident"), error))
        return FALSE;

      for (guint i = 0; i < ds->brands->len; i++)
        {
          const TmBrand *b = g_ptr_array_index (ds->brands, i);
          BrandRef *ref = g_hash_table_lookup (imp->brands, b->id);

          if (ref == NULL)
            {
              ref = g_new0 (BrandRef, 1);
              g_hash_table_insert (imp->brands, g_string_chunk_insert (imp->strings, b->id), ref);
            }
          /* Copies: a feed's shard is freed before the next is written. */
          ref->name = g_string_chunk_insert_const (imp->strings, b->name);
          ref->category = g_string_chunk_insert_const (imp->strings, b->category);
        }
      for (guint i = 0; i < ds->streamers->len; i++)
        {
          const TmStreamer *s = g_ptr_array_index (ds->streamers, i);

          if (!g_hash_table_contains (imp->streamers, s->id))
            g_hash_table_insert (imp->streamers, g_string_chunk_insert (imp->strings, s->id),
                                 GSIZE_TO_POINTER (0));
        }
    }

  for (guint d = 0; d < imp->n; d++)
    {
      if (!tm_dataset_check_references (imp->datasets[d], imp->streamers, imp->brands,
                                        import_name (imp, d), error))
        return FALSE;
    }
  return TRUE;
}

/* Steps an upsert of an import and counts it: no row back means the
 * stored row had the same digest and was left alone. */
static gboolean
step_import_upsert (Import       *imp,
                    sqlite3_stmt *stmt,
                    guint         kind,
                    gint64       *out_ix,
                    gboolean     *out_updated)
{
  if (!step_upsert (stmt, out_ix))
    return FALSE;

  *out_updated = FALSE;
  if (*out_ix == 0)
    imp->stats.unchanged++;
  else if (*out_ix > imp->max_ix[kind])
    imp->stats.added++;
  else
    {
      imp->stats.updated++;
      *out_updated = TRUE;
    }
  return TRUE;
}

/* The same for rows whose ix nobody needs (cooperations, incidents):
 * without RETURNING, which costs each row a temporary table, added and
 * updated rows are told apart by the rowid of the last insert, which an
 * upsert that updates leaves as it was.  It is the connection's, across
 * tables, so it is cleared first: a new row's ix may well equal the last
 * one inserted into another table. */
static gboolean
step_import_upsert_counted (Import       *imp,
                            sqlite3_stmt *stmt,
                            guint         kind)
{
  sqlite3 *db = sqlite3_db_handle (stmt);

  sqlite3_set_last_insert_rowid (db, 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return FALSE;
  if (sqlite3_changes (db) == 0)
    imp->stats.unchanged++;
  else if (sqlite3_last_insert_rowid (db) != 0)
    imp->stats.added++;
  else
    imp->stats.updated++;
  return TRUE;
}

static gboolean
write_brands (Import  *imp,
              GError **error)
{
  TmStore *self = imp->self;
  g_autofree char *upsert = upsert_sql ("brands", BRAND_COLUMNS, FALSE, imp->feed, TRUE);
  g_autoptr(sqlite3_stmt) write = NULL;
  g_autoptr(sqlite3_stmt) copy = NULL;

  if (!(write = prepare (self, upsert, error))
      || !(copy = prepare (self,
                           "UPDATE cooperations SET brand_name = ?2, brand_category = ?3 "
                           "WHERE brand = ?1 AND (brand_name IS NOT ?2 OR brand_category IS NOT ?3)",
                           error)))
    return FALSE;

  for (guint d = 0; d < imp->n; d++)
    {
      GPtrArray *records = imp->datasets[d]->brands;

      for (guint i = 0; i < records->len; i++)
        {
          const TmBrand *b = g_ptr_array_index (records, i);
          BrandRef *ref = g_hash_table_lookup (imp->brands, b->id);
          gint64 ix;
          gboolean updated;

          g_assert (ref != NULL);
          if (!bind_brand (write, b, imp->origin, import_digest (imp, d, KIND_BRANDS, i), error))
            return FALSE;
          bind_shard (imp, write, d);
          if (!step_import_upsert (imp, write, KIND_BRANDS, &ix, &updated))
            {
              set_sqlite_error (self, error, _("Could not save the brand “%s” of “%s”"),
                                b->id, import_name (imp, d));
              return FALSE;
            }
          if (ix == 0)
            {
              g_assert (ref->ix != 0);  /* unchanged: known from the store */
              continue;
            }
          ref->ix = ix;
          if (!updated)
            continue;

          /* Cooperations keep a copy of the brand's name for the day the
           * brand is deleted; keep it current. */
          sqlite3_reset (copy);
          sqlite3_bind_int64 (copy, 1, ix);
          sqlite3_bind_text (copy, 2, b->name, -1, SQLITE_STATIC);
          sqlite3_bind_text (copy, 3, b->category, -1, SQLITE_STATIC);
          if (sqlite3_step (copy) != SQLITE_DONE)
            {
              set_sqlite_error (self, error, _("Could not update the cooperations of the brand “%s”"),
                                b->id);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
write_streamers (Import  *imp,
                 GError **error)
{
  TmStore *self = imp->self;
  g_autofree char *upsert = upsert_sql ("streamers", STREAMER_COLUMNS, FALSE, imp->feed, TRUE);
  g_autoptr(sqlite3_stmt) write = NULL;
  g_autoptr(sqlite3_stmt) clear_accounts = NULL;
  g_autoptr(sqlite3_stmt) add_account = NULL;

  if (!(write = prepare (self, upsert, error))
      || !(clear_accounts = prepare (self, "DELETE FROM accounts WHERE streamer = ?1", error))
      || !(add_account = prepare (self,
                                  "INSERT INTO accounts (streamer, pos, platform, handle, followers) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5)",
                                  error)))
    return FALSE;

  for (guint d = 0; d < imp->n; d++)
    {
      GPtrArray *records = imp->datasets[d]->streamers;

      for (guint i = 0; i < records->len; i++)
        {
          const TmStreamer *s = g_ptr_array_index (records, i);
          gint64 ix;
          gboolean updated;

          if (!bind_streamer (write, s, imp->origin, import_digest (imp, d, KIND_STREAMERS, i), error))
            return FALSE;
          bind_shard (imp, write, d);
          if (!step_import_upsert (imp, write, KIND_STREAMERS, &ix, &updated))
            {
              set_sqlite_error (self, error, _("Could not save the streamer “%s” of “%s”"),
                                s->id, import_name (imp, d));
              return FALSE;
            }
          if (ix == 0)
            continue;  /* unchanged, its ix known from the store */
          g_hash_table_insert (imp->streamers, s->id, GSIZE_TO_POINTER ((gsize) ix));

          sqlite3_reset (clear_accounts);
          sqlite3_bind_int64 (clear_accounts, 1, ix);
          if (updated && sqlite3_step (clear_accounts) != SQLITE_DONE)
            {
              set_sqlite_error (self, error, _("Could not replace the accounts of the streamer “%s”"),
                                s->id);
              return FALSE;
            }
          for (guint a = 0; a < s->accounts->len; a++)
            {
              const TmAccount *account = &g_array_index (s->accounts, TmAccount, a);

              sqlite3_reset (add_account);
              sqlite3_bind_int64 (add_account, 1, ix);
              sqlite3_bind_int64 (add_account, 2, a);
              sqlite3_bind_text (add_account, 3,
                                 account->platform == TM_PLATFORM_NONE ? NULL
                                 : tm_platform_code (account->platform),
                                 -1, SQLITE_STATIC);
              sqlite3_bind_text (add_account, 4, account->handle, -1, SQLITE_STATIC);
              sqlite3_bind_int64 (add_account, 5, account->followers);
              if (sqlite3_step (add_account) != SQLITE_DONE)
                {
                  set_sqlite_error (self, error, _("Could not save the accounts of the streamer “%s” of “%s”"),
                                    s->id, import_name (imp, d));
                  return FALSE;
                }
            }
        }
    }
  return TRUE;
}

/* The store ix of a streamer the import references; references were
 * checked, so a miss is a bug or a record built without an id. */
static gboolean
streamer_ix (Import      *imp,
             const char  *streamer_id,
             const char  *kind,
             const char  *record_id,
             guint        d,
             gint64      *out_ix,
             GError     **error)
{
  gpointer value = NULL;

  if (streamer_id == NULL
      || !g_hash_table_lookup_extended (imp->streamers, streamer_id, NULL, &value)
      || value == NULL)
    {
      g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED,
                   _("%s: the %s “%s” refers to an unknown streamer “%s”"),
                   import_name (imp, d), kind, record_id, streamer_id ? streamer_id : "");
      return FALSE;
    }
  *out_ix = (gint64) GPOINTER_TO_SIZE (value);
  return TRUE;
}

static gboolean
write_cooperations (Import  *imp,
                    GError **error)
{
  TmStore *self = imp->self;
  g_autofree char *upsert = upsert_sql ("cooperations", COOPERATION_COLUMNS, FALSE, imp->feed, FALSE);
  g_autoptr(sqlite3_stmt) write = NULL;

  if (!(write = prepare (self, upsert, error)))
    return FALSE;

  for (guint d = 0; d < imp->n; d++)
    {
      GPtrArray *records = imp->datasets[d]->cooperations;

      for (guint i = 0; i < records->len; i++)
        {
          const TmCooperation *c = g_ptr_array_index (records, i);
          const char *brand_name = c->brand_name;
          const char *brand_category = c->brand_category;
          gint64 s_ix, b_ix = 0;

          if (!streamer_ix (imp, c->streamer_id, _("cooperation"), c->id, d, &s_ix, error))
            return FALSE;
          if (c->brand_id != NULL)
            {
              BrandRef *ref = g_hash_table_lookup (imp->brands, c->brand_id);

              if (ref == NULL || ref->ix == 0)
                {
                  g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED,
                               _("%s: the cooperation “%s” refers to an unknown brand “%s”"),
                               import_name (imp, d), c->id, c->brand_id);
                  return FALSE;
                }
              b_ix = ref->ix;
              brand_name = ref->name;
              brand_category = ref->category;
            }

          if (!bind_cooperation (write, c, s_ix, b_ix, brand_name, brand_category, imp->origin,
                                 import_digest (imp, d, KIND_COOPERATIONS, i), error))
            return FALSE;
          bind_shard (imp, write, d);
          if (!step_import_upsert_counted (imp, write, KIND_COOPERATIONS))
            {
              set_sqlite_error (self, error, _("Could not save the cooperation “%s” of “%s”"),
                                c->id, import_name (imp, d));
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Inserting a million entries at random places of the two secondary
 * indexes of cooperations costs more than the rows themselves; when an
 * import brings more cooperations than the table holds, dropping those
 * indexes and building them again afterwards (one sort each) is much
 * faster.  It all happens inside the import's transaction: on failure the
 * rollback restores them, and the schema's own SQL recreates them. */
#define BULK_MIN_COOPERATIONS 50000

/* Drops the secondary indexes of cooperations and returns the SQL that
 * makes them again (sql is NULL for the index behind UNIQUE (id), which
 * stays). */
static GPtrArray *
drop_cooperation_indexes (TmStore  *self,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (!(stmt = prepare (self,
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        "AND tbl_name = 'cooperations' AND sql IS NOT NULL",
                        error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (sqls, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the database"));
      return NULL;
    }

  for (guint i = 0; i < names->len; i++)
    {
      char *drop = sqlite3_mprintf ("DROP INDEX \"%w\"", (const char *) g_ptr_array_index (names, i));
      gboolean ok = exec_sql (self, drop, error);

      sqlite3_free (drop);
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&sqls);
}

static gboolean
create_indexes (TmStore    *self,
                GPtrArray  *sqls,
                GError    **error)
{
  for (guint i = 0; i < sqls->len; i++)
    {
      if (!exec_sql (self, g_ptr_array_index (sqls, i), error))
        return FALSE;
    }
  return TRUE;
}

/* Whether adding @n_new cooperations to a table of @n_old rows is faster
 * with the indexes dropped and built again. */
static gboolean
use_bulk_indexes (gint64 n_new,
                  gint64 n_old)
{
  return n_new >= BULK_MIN_COOPERATIONS && n_new >= n_old;
}

static gboolean
write_cooperations_in_bulk (Import  *imp,
                            GError **error)
{
  g_autoptr(GPtrArray) sqls = NULL;
  gint64 n_new = 0;

  for (guint d = 0; d < imp->n; d++)
    n_new += imp->datasets[d]->cooperations->len;
  if (!use_bulk_indexes (n_new, imp->max_ix[KIND_COOPERATIONS]))
    return write_cooperations (imp, error);

  return (sqls = drop_cooperation_indexes (imp->self, error)) != NULL
         && write_cooperations (imp, error)
         && create_indexes (imp->self, sqls, error);
}

static gboolean
write_incidents (Import  *imp,
                 GError **error)
{
  TmStore *self = imp->self;
  g_autofree char *upsert = upsert_sql ("incidents", INCIDENT_COLUMNS, FALSE, imp->feed, FALSE);
  g_autoptr(sqlite3_stmt) write = NULL;

  if (!(write = prepare (self, upsert, error)))
    return FALSE;

  for (guint d = 0; d < imp->n; d++)
    {
      GPtrArray *records = imp->datasets[d]->incidents;

      for (guint i = 0; i < records->len; i++)
        {
          const TmIncident *inc = g_ptr_array_index (records, i);
          gint64 s_ix;

          if (!streamer_ix (imp, inc->streamer_id, _("incident"), inc->id, d, &s_ix, error)
              || !bind_incident (write, inc, s_ix, imp->origin,
                                 import_digest (imp, d, KIND_INCIDENTS, i), error))
            return FALSE;
          bind_shard (imp, write, d);
          if (!step_import_upsert_counted (imp, write, KIND_INCIDENTS))
            {
              set_sqlite_error (self, error, _("Could not save the incident “%s” of “%s”"),
                                inc->id, import_name (imp, d));
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
write_import_log (Import  *imp,
                  GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) files = g_string_new (NULL);

  for (guint d = 0; d < imp->n; d++)
    g_string_append_printf (files, "%s%s", d > 0 ? "\n" : "", import_name (imp, d));

  if (!(stmt = prepare (imp->self,
                        "INSERT INTO imports (at, files, added, updated, unchanged) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
                        error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, files->str, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, imp->stats.added);
  sqlite3_bind_int64 (stmt, 4, imp->stats.updated);
  sqlite3_bind_int64 (stmt, 5, imp->stats.unchanged);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (imp->self, error, _("Could not record the import"));
      return FALSE;
    }
  return TRUE;
}

gboolean
tm_store_import (TmStore            *self,
                 TmDataset * const  *datasets,
                 const char * const *names,
                 guint               n,
                 TmImportStats      *stats,
                 GError            **error)
{
  Import imp;
  gboolean ok;
  gint64 t_start, t_digests, t_checked, t_written;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (n == 0 || (datasets != NULL && names != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  import_init (&imp, self);
  t_start = g_get_monotonic_time ();
  import_set_batch (&imp, datasets, names, n, NULL);
  t_digests = g_get_monotonic_time ();

  /* IMMEDIATE takes the write lock now, so the ids checked below cannot
   * change under us before the rows are written. */
  if (!begin (self, "BEGIN IMMEDIATE", error))
    {
      import_clear (&imp);
      return FALSE;
    }

  /* A bigger page cache while writing: a large import touches index
   * pages all over the file, and with a small cache they are written out
   * and read back again and again. */
  exec_sql (self, "PRAGMA cache_size = -" G_STRINGIFY (IMPORT_CACHE_KIB), NULL);
  ok = load_known (&imp, error) && check_datasets (&imp, error);
  t_checked = g_get_monotonic_time ();
  ok = ok
       && write_brands (&imp, error)
       && write_streamers (&imp, error)
       && write_cooperations_in_bulk (&imp, error)
       && write_incidents (&imp, error)
       && write_import_log (&imp, error);
  t_written = g_get_monotonic_time ();
  ok = ok && commit (self, error);
  if (!ok)
    rollback (self);
  else if (stats != NULL)
    *stats = imp.stats;
  exec_sql (self, "PRAGMA cache_size = -" G_STRINGIFY (DEFAULT_CACHE_KIB), NULL);

  g_debug ("Import of %u added, %u updated, %u unchanged records %s: "
           "digests %.2f s, checks %.2f s, writing %.2f s, commit %.2f s",
           imp.stats.added, imp.stats.updated, imp.stats.unchanged,
           ok ? "done" : "rolled back",
           (t_digests - t_start) / 1e6, (t_checked - t_digests) / 1e6,
           (t_written - t_checked) / 1e6, (g_get_monotonic_time () - t_written) / 1e6);
  import_clear (&imp);

  return ok;
}

/* Reading the files of one import: parsing is most of an import's time,
 * and the files are independent, so one thread per processor (at most 8)
 * reads them, one file each at a time: no more files than threads are in
 * memory as parsed trees (about 11 times the file) at once.  Results keep
 * the order of the arguments, and the error is always that of the first
 * bad file in that order, however the threads ran: a file is only skipped
 * when a bad one comes before it, and every file before the first bad one
 * is read to the end. */

typedef struct {
  const char * const *paths;
  guint              *order;      /* indexes into paths, largest file first */
  guint               n;
  TmDataset         **datasets;   /* by index, NULL until read */
  GError            **errors;     /* by index */
  GMutex              lock;
  guint               next;       /* in order: the first file no thread took */
  guint               first_bad;  /* index of the first bad file so far, or n */
} LoadWork;

static gpointer
load_worker (gpointer data)
{
  LoadWork *work = data;

  for (;;)
    {
      GError *local_error = NULL;
      TmDataset *d;
      guint i = G_MAXUINT;

      g_mutex_lock (&work->lock);
      while (work->next < work->n && i == G_MAXUINT)
        {
          guint candidate = work->order[work->next++];

          if (candidate < work->first_bad)
            i = candidate;
        }
      g_mutex_unlock (&work->lock);
      if (i == G_MAXUINT)
        break;

      d = tm_dataset_load_file (work->paths[i], &local_error);

      g_mutex_lock (&work->lock);
      work->datasets[i] = d;
      work->errors[i] = local_error;
      if (d == NULL)
        work->first_bad = MIN (work->first_bad, i);
      g_mutex_unlock (&work->lock);
    }
  return NULL;
}

typedef struct {
  guint   index;
  goffset size;
} FileSize;

static int
compare_larger_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const FileSize *fa = a;
  const FileSize *fb = b;

  if (fa->size != fb->size)
    return fa->size > fb->size ? -1 : 1;
  return fa->index < fb->index ? -1 : fa->index > fb->index;
}

static gboolean
load_files (const char * const  *paths,
            guint                n,
            GPtrArray           *out,
            GError             **error)
{
  g_autofree TmDataset **datasets = g_new0 (TmDataset *, MAX (n, 1));
  g_autofree GError **errors = g_new0 (GError *, MAX (n, 1));
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  g_autofree FileSize *sizes = g_new (FileSize, MAX (n, 1));
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  LoadWork work = { paths, order, n, datasets, errors, { 0 }, 0, n };
  guint n_threads;

  /* Largest first, so that a large file last on the command line does not
   * leave the other threads idle at the end.  A file that cannot be
   * stat'ed fails when it is read. */
  for (guint i = 0; i < n; i++)
    {
      GStatBuf st;

      sizes[i].index = i;
      sizes[i].size = n > 1 && g_stat (paths[i], &st) == 0 ? (goffset) st.st_size : 0;
    }
  g_qsort_with_data (sizes, n, sizeof *sizes, compare_larger_first, NULL);
  for (guint i = 0; i < n; i++)
    order[i] = sizes[i].index;

  g_mutex_init (&work.lock);
  /* As for digests, at most 8: more would mostly add memory. */
  n_threads = MIN (MIN (g_get_num_processors (), 8), n);
  for (guint t = 1; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("tm-store-load", load_worker, &work));
  load_worker (&work);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
  g_mutex_clear (&work.lock);

  for (guint i = 0; i < n; i++)
    {
      if (work.first_bad == n)
        g_ptr_array_add (out, datasets[i]);
      else
        g_clear_pointer (&datasets[i], tm_dataset_free);
      if (i == work.first_bad)
        g_propagate_error (error, g_steal_pointer (&errors[i]));
      else
        g_clear_error (&errors[i]);
    }
  return work.first_bad == n;
}

gboolean
tm_store_import_files (TmStore            *self,
                       const char * const *paths,
                       TmImportStats      *stats,
                       GError            **error)
{
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_dataset_free);

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (paths != NULL, FALSE);

  /* Every file is read and validated before the transaction starts, so a
   * bad file costs no lock and changes nothing. */
  if (!load_files (paths, g_strv_length ((char **) paths), datasets, error))
    return FALSE;

  return tm_store_import (self, (TmDataset * const *) datasets->pdata, paths,
                          datasets->len, stats, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

gboolean
tm_store_seed_if_empty (TmStore     *self,
                        const char  *sample_dir,
                        gboolean    *out_seeded,
                        GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (sample_dir != NULL, FALSE);

  if (out_seeded != NULL)
    *out_seeded = FALSE;
  if (!tm_store_is_empty (self))
    return TRUE;

  if (!(dir = g_dir_open (sample_dir, 0, error)))
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".json"))
        g_ptr_array_add (paths, g_build_filename (sample_dir, name, NULL));
    }
  if (paths->len == 0)
    return TRUE;

  g_ptr_array_sort (paths, compare_strings);
  g_ptr_array_add (paths, NULL);
  if (!tm_store_import_files (self, (const char * const *) paths->pdata, NULL, error))
    return FALSE;

  if (out_seeded != NULL)
    *out_seeded = TRUE;
  return TRUE;
}

/* Reading back ---------------------------------------------------------- */

typedef gpointer (*ReadRowFunc) (RowReader *r, sqlite3_stmt *stmt);

/* Reads the rows of @sql, whose ?1 is bound to @ix unless it is 0. */
static gboolean
read_rows_of (TmStore     *self,
              const char  *sql,
              gint64       ix,
              const char  *table,
              ReadRowFunc  read_row,
              GPtrArray   *into,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  RowReader r = { self, table, NULL, error, FALSE };
  int rc;

  if (!(stmt = prepare (self, sql, error)))
    return FALSE;
  if (ix != 0)
    sqlite3_bind_int64 (stmt, 1, ix);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer record = read_row (&r, stmt);

      if (record == NULL)
        return FALSE;
      g_ptr_array_add (into, record);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the table “%s”"), table);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_rows (TmStore     *self,
           const char  *sql,
           const char  *table,
           ReadRowFunc  read_row,
           GPtrArray   *into,
           GError     **error)
{
  return read_rows_of (self, sql, 0, table, read_row, into, error);
}

static gboolean
read_streamers (TmStore    *self,
                GPtrArray  *into,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) by_ix = g_hash_table_new (g_direct_hash, g_direct_equal);
  RowReader r = { self, "streamers", NULL, error, FALSE };
  int rc;

  if (!(stmt = prepare (self, "SELECT ix, " STREAMER_COLUMNS " FROM streamers ORDER BY id", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TmStreamer *s = read_streamer (&r, stmt, 1);

      if (s == NULL)
        return FALSE;
      g_ptr_array_add (into, s);
      g_hash_table_insert (by_ix, GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)), s);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the table “%s”"), "streamers");
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  r.table = "accounts";
  if (!(stmt = prepare (self,
                        "SELECT streamer, platform, handle, followers FROM accounts "
                        "ORDER BY streamer, pos",
                        error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TmStreamer *s = g_hash_table_lookup (by_ix, GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)));
      TmAccount account;
      int k = 1;

      g_assert (s != NULL);  /* foreign key */
      r.id = s->id;
      account.platform = col_code (&r, stmt, &k, tm_platform_from_code, FALSE);
      account.handle = col_text (stmt, &k);
      account.followers = col_int (stmt, &k);
      g_array_append_val (s->accounts, account);
      if (r.failed)
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the table “%s”"), "accounts");
      return FALSE;
    }
  return TRUE;
}

static gboolean
dump_kinds (TmStore       *self,
            TmRecordKinds  kinds,
            TmDataset     *d,
            GError       **error)
{
  return (!(kinds & TM_RECORD_BRANDS)
          || read_rows (self, "SELECT " BRAND_COLUMNS " FROM brands ORDER BY id", "brands",
                        (ReadRowFunc) read_brand, d->brands, error))
         && (!(kinds & TM_RECORD_STREAMERS)
             || read_streamers (self, d->streamers, error))
         && (!(kinds & TM_RECORD_COOPERATIONS)
             || read_rows (self, COOPERATION_SELECT "ORDER BY c.id", "cooperations",
                           (ReadRowFunc) read_cooperation, d->cooperations, error))
         && (!(kinds & TM_RECORD_INCIDENTS)
             || read_rows (self, INCIDENT_SELECT "ORDER BY i.id", "incidents",
                           (ReadRowFunc) read_incident, d->incidents, error));
}

TmDataset *
tm_store_dump (TmStore  *self,
               GError  **error)
{
  return tm_store_dump_kinds (self, TM_RECORD_ALL, error);
}

TmDataset *
tm_store_dump_kinds (TmStore        *self,
                     TmRecordKinds   kinds,
                     GError        **error)
{
  g_autoptr(TmDataset) d = tm_dataset_new ();

  g_return_val_if_fail (TM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* One read transaction: all tables from the same snapshot even while
   * another process imports. */
  if (!begin (self, "BEGIN", error))
    return NULL;
  if (!dump_kinds (self, kinds, d, error) || !commit (self, error))
    {
      rollback (self);
      return NULL;
    }
  return g_steal_pointer (&d);
}

GPtrArray *
tm_store_load_brands (TmStore  *self,
                      GError  **error)
{
  g_autoptr(GPtrArray) brands = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_brand_free);

  g_return_val_if_fail (TM_IS_STORE (self), NULL);

  if (!read_rows (self, "SELECT " BRAND_COLUMNS " FROM brands ORDER BY id", "brands",
                  (ReadRowFunc) read_brand, brands, error))
    return NULL;
  return g_steal_pointer (&brands);
}

static gboolean
load_streamer (TmStore     *self,
               const char  *streamer_id,
               TmStreamer **out_streamer,
               GPtrArray   *cooperations,
               GPtrArray   *incidents,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(TmStreamer) s = NULL;
  RowReader r = { self, "streamers", NULL, error, FALSE };
  gint64 ix;
  int rc;

  if (!(stmt = prepare (self, "SELECT ix, " STREAMER_COLUMNS " FROM streamers WHERE id = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, streamer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_NOT_FOUND,
                   _("There is no streamer “%s” in the database"), streamer_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, _("Could not look up the streamer “%s”"), streamer_id);
      return FALSE;
    }
  ix = sqlite3_column_int64 (stmt, 0);
  if (!(s = read_streamer (&r, stmt, 1)))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  r.table = "accounts";
  r.id = s->id;
  if (!(stmt = prepare (self,
                        "SELECT platform, handle, followers FROM accounts "
                        "WHERE streamer = ?1 ORDER BY pos",
                        error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ix);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TmAccount account;
      int k = 0;

      account.platform = col_code (&r, stmt, &k, tm_platform_from_code, FALSE);
      account.handle = col_text (stmt, &k);
      account.followers = col_int (stmt, &k);
      g_array_append_val (s->accounts, account);
      if (r.failed)
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the table “%s”"), "accounts");
      return FALSE;
    }

  /* Both walk their index on (streamer, date). */
  if (!read_rows_of (self, COOPERATION_SELECT "WHERE c.streamer = ?1 ORDER BY c.date, c.id", ix,
                     "cooperations", (ReadRowFunc) read_cooperation, cooperations, error)
      || !read_rows_of (self, INCIDENT_SELECT "WHERE i.streamer = ?1 ORDER BY i.date, i.id", ix,
                        "incidents", (ReadRowFunc) read_incident, incidents, error))
    return FALSE;

  *out_streamer = g_steal_pointer (&s);
  return TRUE;
}

gboolean
tm_store_load_streamer (TmStore     *self,
                        const char  *streamer_id,
                        TmStreamer **out_streamer,
                        GPtrArray  **out_cooperations,
                        GPtrArray  **out_incidents,
                        GError     **error)
{
  g_autoptr(GPtrArray) cooperations = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_cooperation_free);
  g_autoptr(GPtrArray) incidents = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_incident_free);
  TmStreamer *streamer = NULL;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (streamer_id != NULL, FALSE);
  g_return_val_if_fail (out_streamer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* One snapshot: a sync committing in between cannot pair the profile
   * with another version's history. */
  if (!begin (self, "BEGIN", error))
    return FALSE;
  if (!load_streamer (self, streamer_id, &streamer, cooperations, incidents, error)
      || !commit (self, error))
    {
      g_clear_pointer (&streamer, tm_streamer_free);
      rollback (self);
      return FALSE;
    }

  *out_streamer = streamer;
  if (out_cooperations != NULL)
    *out_cooperations = g_steal_pointer (&cooperations);
  if (out_incidents != NULL)
    *out_incidents = g_steal_pointer (&incidents);
  return TRUE;
}

/* Notes ----------------------------------------------------------------- */

gboolean
tm_store_get_streamer_note (TmStore     *self,
                            const char  *streamer_id,
                            char       **out_text,
                            gint64      *out_updated,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (streamer_id != NULL, FALSE);
  g_return_val_if_fail (out_text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* One statement is one (read) transaction. */
  if (!(stmt = prepare (self, "SELECT text, updated FROM streamer_notes WHERE streamer_id = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, streamer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the notes about the streamer “%s”"), streamer_id);
      return FALSE;
    }
  *out_text = rc == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (stmt, 0)) : NULL;
  if (out_updated != NULL)
    *out_updated = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
  return TRUE;
}

gboolean
tm_store_set_streamer_note (TmStore     *self,
                            const char  *streamer_id,
                            const char  *text,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean remove = text == NULL || text[0] == '\0';

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (streamer_id != NULL, FALSE);
  g_return_val_if_fail (text == NULL || g_utf8_validate (text, -1, NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (remove)
    stmt = prepare (self, "DELETE FROM streamer_notes WHERE streamer_id = ?1", error);
  else
    stmt = prepare (self,
                    "INSERT INTO streamer_notes (streamer_id, text, updated) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT (streamer_id) DO UPDATE SET text = ?2, updated = ?3 "
                    "WHERE text IS NOT ?2",
                    error);
  if (stmt == NULL)
    {
      rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, streamer_id, -1, SQLITE_STATIC);
  if (!remove)
    {
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
    }
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not save the notes about the streamer “%s”"), streamer_id);
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

/* Decisions and saved weights ------------------------------------------ */

gboolean
tm_store_set_decision (TmStore          *self,
                       const TmDecision *decision,
                       GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (decision != NULL, FALSE);
  g_return_val_if_fail ((int) decision->status >= 0 && decision->status < TM_N_DECISIONS, FALSE);
  g_return_val_if_fail (decision->note == NULL || g_utf8_validate (decision->note, -1, NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO decisions (brand_id, streamer_id, status, note, decided) "
                  "VALUES (?1, ?2, ?3, ?4, ?5) "
                  "ON CONFLICT (brand_id, streamer_id) DO UPDATE SET status = ?3, note = ?4, decided = ?5",
                  error);
  if (stmt == NULL)
    {
      rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, decision->brand_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, decision->streamer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, tm_decision_code (decision->status), -1, SQLITE_STATIC);
  if (decision->note != NULL && decision->note[0] != '\0')
    sqlite3_bind_text (stmt, 4, decision->note, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int64 (stmt, 5, decision->decided);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not save the decision about the streamer “%s”"),
                        decision->streamer_id);
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

gboolean
tm_store_clear_decision (TmStore     *self,
                         const char  *brand_id,
                         const char  *streamer_id,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (brand_id != NULL && streamer_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM decisions WHERE brand_id = ?1 AND streamer_id = ?2", error);
  if (stmt == NULL)
    {
      rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, brand_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, streamer_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not clear the decision about the streamer “%s”"), streamer_id);
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

GPtrArray *
tm_store_load_decisions (TmStore     *self,
                         const char  *brand_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_decision_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = prepare (self,
                  "SELECT brand_id, streamer_id, status, note, decided FROM decisions "
                  "WHERE ?1 IS NULL OR brand_id = ?1 ORDER BY decided DESC, streamer_id",
                  error);
  if (stmt == NULL)
    return NULL;
  if (brand_id != NULL)
    sqlite3_bind_text (stmt, 1, brand_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int status = tm_decision_from_code ((const char *) sqlite3_column_text (stmt, 2));
      TmDecision *decision;

      /* The CHECK constraint keeps the codes known. */
      if (status < 0)
        continue;
      decision = tm_decision_new ((const char *) sqlite3_column_text (stmt, 0),
                                  (const char *) sqlite3_column_text (stmt, 1),
                                  (TmDecisionStatus) status,
                                  (const char *) sqlite3_column_text (stmt, 3));
      decision->decided = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (decisions, decision);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the decisions"));
      return NULL;
    }
  return g_steal_pointer (&decisions);
}

gboolean
tm_store_get_brand_weights (TmStore    *self,
                            const char *brand_id,
                            double      out_weights[4],
                            gboolean   *out_found,
                            GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (brand_id != NULL && out_weights != NULL && out_found != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_found = FALSE;
  stmt = prepare (self, "SELECT style, history, trust, risk FROM brand_weights WHERE brand_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, brand_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      for (int i = 0; i < 4; i++)
        out_weights[i] = sqlite3_column_double (stmt, i);
      *out_found = TRUE;
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the weights of the brand “%s”"), brand_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
tm_store_set_brand_weights (TmStore      *self,
                            const char   *brand_id,
                            const double *weights,
                            GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (brand_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (weights == NULL)
    stmt = prepare (self, "DELETE FROM brand_weights WHERE brand_id = ?1", error);
  else
    stmt = prepare (self,
                    "INSERT INTO brand_weights (brand_id, style, history, trust, risk, updated) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                    "ON CONFLICT (brand_id) DO UPDATE SET style = ?2, history = ?3, trust = ?4, "
                    "risk = ?5, updated = ?6",
                    error);
  if (stmt == NULL)
    {
      rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, brand_id, -1, SQLITE_STATIC);
  if (weights != NULL)
    {
      for (int i = 0; i < 4; i++)
        sqlite3_bind_double (stmt, 2 + i, weights[i]);
      sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
    }
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not save the weights of the brand “%s”"), brand_id);
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

/* Single edits ---------------------------------------------------------- */

static gboolean
put_brand (TmStore          *self,
           const TmBrand    *brand,
           const TmDataset  *edit,
           GError          **error)
{
  g_autoptr(GStringChunk) strings = g_string_chunk_new (4096);
  g_autoptr(GHashTable) streamers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *upsert = upsert_sql ("brands", BRAND_COLUMNS, TRUE, FALSE, TRUE);
  g_autofree char *digest = NULL;
  g_autoptr(sqlite3_stmt) lookup = NULL;
  g_autoptr(sqlite3_stmt) write = NULL;
  g_autoptr(sqlite3_stmt) copy = NULL;
  gint64 old_ix, ix;
  gboolean same;

  /* The blacklist must name streamers the store knows.  Only its ids are
   * looked up: loading every id took 40 ms per edit at 100k streamers. */
  if (!load_listed_streamers (self, brand->blacklist, streamers, strings, error)
      || !tm_dataset_check_references (edit, streamers, NULL, _("The edited brand"), error))
    return FALSE;

  digest = tm_brand_digest (brand);
  if (!(lookup = prepare (self, "SELECT ix, digest FROM brands WHERE id = ?1", error))
      || !lookup_existing (self, lookup, brand->id, digest, &old_ix, &same, error))
    return FALSE;
  if (same)
    return TRUE;

  if (!(write = prepare (self, upsert, error))
      || !bind_brand (write, brand, "local", digest, error))
    return FALSE;
  if (!step_upsert (write, &ix))
    {
      set_sqlite_error (self, error, _("Could not save the brand “%s”"), brand->id);
      return FALSE;
    }
  if (old_ix == 0)
    return TRUE;

  if (!(copy = prepare (self,
                        "UPDATE cooperations SET brand_name = ?2, brand_category = ?3 "
                        "WHERE brand = ?1 AND (brand_name IS NOT ?2 OR brand_category IS NOT ?3)",
                        error)))
    return FALSE;
  sqlite3_bind_int64 (copy, 1, ix);
  sqlite3_bind_text (copy, 2, brand->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (copy, 3, brand->category, -1, SQLITE_STATIC);
  if (sqlite3_step (copy) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not update the cooperations of the brand “%s”"),
                        brand->id);
      return FALSE;
    }
  return TRUE;
}

gboolean
tm_store_put_brand (TmStore        *self,
                    const TmBrand  *brand,
                    GError        **error)
{
  g_autoptr(TmDataset) edit = tm_dataset_new ();
  g_autoptr(TmDataset) checked = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (brand != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* An edit gets the same checks as a file: the brand goes through the
   * JSON writer and reader, so the store never holds a brand that could
   * not be exported and imported again. */
  g_ptr_array_add (edit->brands, tm_brand_copy (brand));
  text = tm_dataset_to_json (edit, &length);
  checked = tm_dataset_load_data (text, length, _("The edited brand"), error);
  if (checked == NULL)
    return FALSE;

  if (!begin (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!put_brand (self, brand, checked, error) || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* The brand's cooperations stay, now standing for "another brand" with
 * the deleted brand's name and category; their digests are recomputed for
 * that form so that re-importing the brand's file relinks them. */
static gboolean
delete_brand (TmStore     *self,
              const char  *brand_id,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(sqlite3_stmt) remove = NULL;
  g_autoptr(GPtrArray) coops = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_cooperation_free);
  g_autoptr(GArray) coop_ixs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *name = NULL;
  g_autofree char *category = NULL;
  RowReader r = { self, "cooperations", NULL, error, FALSE };
  gint64 ix;
  int rc;

  if (!(find = prepare (self, "SELECT ix, name, category FROM brands WHERE id = ?1", error)))
    return FALSE;
  sqlite3_bind_text (find, 1, brand_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (find);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_NOT_FOUND,
                   _("There is no brand “%s” to delete"), brand_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, _("Could not look up the brand “%s”"), brand_id);
      return FALSE;
    }
  ix = sqlite3_column_int64 (find, 0);
  name = g_strdup ((const char *) sqlite3_column_text (find, 1));
  category = g_strdup ((const char *) sqlite3_column_text (find, 2));
  g_clear_pointer (&find, sqlite3_finalize);

  /* Read first, then write: updating the brand column while walking its
   * index could skip rows. */
  if (!(find = prepare (self, COOPERATION_SELECT "WHERE c.brand = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (find, 1, ix);
  while ((rc = sqlite3_step (find)) == SQLITE_ROW)
    {
      TmCooperation *c = read_cooperation (&r, find);
      gint64 c_ix = sqlite3_column_int64 (find, 21);

      if (c == NULL)
        return FALSE;
      g_ptr_array_add (coops, c);
      g_array_append_val (coop_ixs, c_ix);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the cooperations of the brand “%s”"), brand_id);
      return FALSE;
    }

  if (!(update = prepare (self,
                          "UPDATE cooperations SET brand = NULL, brand_name = ?2, "
                          "brand_category = ?3, digest = ?4 WHERE ix = ?1",
                          error)))
    return FALSE;
  for (guint i = 0; i < coops->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (coops, i);
      g_autofree char *digest = NULL;

      g_clear_pointer (&c->brand_id, g_free);
      c->brand_name = g_strdup (name);
      c->brand_category = g_strdup (category);
      digest = tm_cooperation_digest (c);

      sqlite3_reset (update);
      sqlite3_bind_int64 (update, 1, g_array_index (coop_ixs, gint64, i));
      sqlite3_bind_text (update, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (update, 3, category, -1, SQLITE_STATIC);
      sqlite3_bind_text (update, 4, digest, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (update) != SQLITE_DONE)
        {
          set_sqlite_error (self, error, _("Could not keep the cooperation “%s” of the brand “%s”"),
                            c->id, brand_id);
          return FALSE;
        }
    }

  if (!(remove = prepare (self, "DELETE FROM brands WHERE ix = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (remove, 1, ix);
  if (sqlite3_step (remove) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not delete the brand “%s”"), brand_id);
      return FALSE;
    }
  return TRUE;
}

/* What the user kept for a brand they delete: its decisions and saved
 * weights have nothing left to belong to. */
static gboolean
delete_brand_own_rows (TmStore     *self,
                       const char  *brand_id,
                       GError     **error)
{
  static const char * const sql[] = {
    "DELETE FROM decisions WHERE brand_id = ?1",
    "DELETE FROM brand_weights WHERE brand_id = ?1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = prepare (self, sql[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, brand_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_sqlite_error (self, error, _("Could not delete the brand “%s”"), brand_id);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
tm_store_delete_brand (TmStore     *self,
                       const char  *brand_id,
                       GError     **error)
{
  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (brand_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!delete_brand (self, brand_id, error)
      || !delete_brand_own_rows (self, brand_id, error)
      || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Feeds ----------------------------------------------------------------- */

TmFeedFetchedShard *
tm_feed_fetched_shard_new (const char *path,
                           TmDataset  *dataset,
                           const char *etag,
                           const char *last_modified)
{
  TmFeedFetchedShard *fetched = g_new0 (TmFeedFetchedShard, 1);

  g_return_val_if_fail (path != NULL && dataset != NULL, NULL);

  fetched->path = g_strdup (path);
  fetched->dataset = dataset;
  fetched->etag = g_strdup (etag);
  fetched->last_modified = g_strdup (last_modified);
  return fetched;
}

void
tm_feed_fetched_shard_free (TmFeedFetchedShard *fetched)
{
  if (fetched == NULL)
    return;
  g_free (fetched->path);
  g_clear_pointer (&fetched->dataset, tm_dataset_free);
  g_free (fetched->etag);
  g_free (fetched->last_modified);
  if (fetched->digests != NULL)
    for (guint k = 0; k < N_KINDS; k++)
      g_free (fetched->digests[k]);
  g_free (fetched->digests);
  g_free (fetched);
}

void
tm_feed_fetched_shard_prepare (TmFeedFetchedShard *fetched)
{
  DigestColumn columns[N_KINDS] = { { NULL, }, };

  g_return_if_fail (fetched != NULL && fetched->dataset != NULL);

  if (fetched->digests != NULL)
    return;
  columns[KIND_BRANDS] = (DigestColumn) { fetched->dataset->brands, digest_brand, NULL };
  columns[KIND_STREAMERS] = (DigestColumn) { fetched->dataset->streamers, digest_streamer, NULL };
  columns[KIND_COOPERATIONS] = (DigestColumn) { fetched->dataset->cooperations, digest_cooperation, NULL };
  columns[KIND_INCIDENTS] = (DigestColumn) { fetched->dataset->incidents, digest_incident, NULL };
  /* One thread: the caller is a worker already, one of several. */
  compute_digests (columns, N_KINDS, 1);
  fetched->digests = g_new0 (char *, N_KINDS);
  for (guint k = 0; k < N_KINDS; k++)
    fetched->digests[k] = columns[k].slots;
}

/* TmFeedFetchedShard.digests is indexed by kind. */
G_STATIC_ASSERT ((int) TM_FEED_BRANDS == KIND_BRANDS && (int) TM_FEED_STREAMERS == KIND_STREAMERS
                 && (int) TM_FEED_COOPERATIONS == KIND_COOPERATIONS
                 && (int) TM_FEED_INCIDENTS == KIND_INCIDENTS);

void
tm_feed_apply_stats_clear (TmFeedApplyStats *stats)
{
  g_clear_pointer (&stats->skipped_local_ids, g_ptr_array_unref);
  memset (stats, 0, sizeof *stats);
}

static void
feed_shard_state_free (TmFeedShardState *shard)
{
  g_free (shard->path);
  g_free (shard->etag);
  g_free (shard->last_modified);
  g_free (shard);
}

void
tm_feed_state_free (TmFeedState *state)
{
  if (state == NULL)
    return;
  g_free (state->url);
  g_free (state->last_success);
  g_free (state->manifest_etag);
  g_free (state->manifest_last_modified);
  g_free (state->generated);
  g_clear_pointer (&state->shards, g_ptr_array_unref);
  g_free (state);
}

TmFeedShardState *
tm_feed_state_find_shard (TmFeedState *state,
                          const char  *path)
{
  g_return_val_if_fail (state != NULL && path != NULL, NULL);

  for (guint i = 0; i < state->shards->len; i++)
    {
      TmFeedShardState *shard = g_ptr_array_index (state->shards, i);

      if (strcmp (shard->path, path) == 0)
        return shard;
    }
  return NULL;
}

static char *
dup_col (sqlite3_stmt *stmt,
         int           k)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, k));
}

static GPtrArray *
read_feed_states (TmStore     *self,
                  const char  *url,
                  gboolean     most_recent,
                  GError     **error)
{
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_state_free);
  g_autoptr(sqlite3_stmt) feeds = NULL;
  g_autoptr(sqlite3_stmt) shards = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT url, last_success, manifest_etag, "
                                         "manifest_last_modified, generated, n_records FROM feeds ");
  int rc;

  if (url != NULL)
    g_string_append (sql, "WHERE url = ?1 ");
  g_string_append (sql, "ORDER BY last_success DESC, url");
  if (most_recent)
    g_string_append (sql, " LIMIT 1");

  if (!(feeds = prepare (self, sql->str, error))
      || !(shards = prepare (self,
                             "SELECT path, kind, records, sha256, etag, last_modified "
                             "FROM feed_shards WHERE url = ?1 ORDER BY path",
                             error)))
    return NULL;
  if (url != NULL)
    sqlite3_bind_text (feeds, 1, url, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (feeds)) == SQLITE_ROW)
    {
      TmFeedState *state = g_new0 (TmFeedState, 1);

      state->url = dup_col (feeds, 0);
      state->last_success = dup_col (feeds, 1);
      state->manifest_etag = dup_col (feeds, 2);
      state->manifest_last_modified = dup_col (feeds, 3);
      state->generated = dup_col (feeds, 4);
      state->n_records = sqlite3_column_int64 (feeds, 5);
      state->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) feed_shard_state_free);
      g_ptr_array_add (states, state);

      sqlite3_reset (shards);
      sqlite3_bind_text (shards, 1, state->url, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (shards)) == SQLITE_ROW)
        {
          TmFeedShardState *shard = g_new0 (TmFeedShardState, 1);

          shard->path = dup_col (shards, 0);
          shard->kind = tm_feed_kind_from_code ((const char *) sqlite3_column_text (shards, 1));
          shard->records = sqlite3_column_int64 (shards, 2);
          g_strlcpy (shard->sha256, (const char *) sqlite3_column_text (shards, 3), sizeof shard->sha256);
          shard->etag = dup_col (shards, 4);
          shard->last_modified = dup_col (shards, 5);
          g_ptr_array_add (state->shards, shard);
        }
      if (rc != SQLITE_DONE)
        break;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the state of the feeds"));
      return NULL;
    }
  return g_steal_pointer (&states);
}

gboolean
tm_store_get_feed_state (TmStore      *self,
                         const char   *url,
                         TmFeedState **out,
                         GError      **error)
{
  g_autoptr(GPtrArray) states = NULL;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out = NULL;
  if (!(states = read_feed_states (self, url, TRUE, error)))
    return FALSE;
  if (states->len > 0)
    *out = g_ptr_array_steal_index (states, 0);
  return TRUE;
}

gboolean
tm_store_touch_feed (TmStore     *self,
                     const char  *url,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *last_success = NULL;

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = g_date_time_new_now_utc ();
  last_success = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  if (!(stmt = prepare (self, "UPDATE feeds SET last_success = ?2 WHERE url = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, last_success, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not record when the feed was last synced"));
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
tm_store_list_feeds (TmStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (TM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_feed_states (self, NULL, FALSE, error);
}

static const char * const feed_tables[N_KINDS] = {
  "brands", "streamers", "cooperations", "incidents",
};

static GPtrArray *
dataset_records (TmDataset *dataset,
                 guint      kind)
{
  switch (kind)
    {
    case KIND_BRANDS:       return dataset->brands;
    case KIND_STREAMERS:    return dataset->streamers;
    case KIND_COOPERATIONS: return dataset->cooperations;
    case KIND_INCIDENTS:    return dataset->incidents;
    default:                g_assert_not_reached ();
    }
  return NULL;
}

/* Every record type starts with its id. */
static const char *
record_id (gconstpointer record)
{
  return *(const char * const *) record;
}

static guint
feed_kind_to_kind (TmFeedKind kind)
{
  switch (kind)
    {
    case TM_FEED_BRANDS:       return KIND_BRANDS;
    case TM_FEED_STREAMERS:    return KIND_STREAMERS;
    case TM_FEED_COOPERATIONS: return KIND_COOPERATIONS;
    case TM_FEED_INCIDENTS:    return KIND_INCIDENTS;
    case TM_FEED_N_KINDS:
    default:                   g_assert_not_reached ();
    }
  return 0;
}

/* The order shards are applied in: streamers first, which brands'
 * blacklists, cooperations and incidents refer to, then brands, which
 * cooperations refer to. */
guint
tm_feed_apply_rank (TmFeedKind kind)
{
  switch (kind)
    {
    case TM_FEED_STREAMERS:    return 0;
    case TM_FEED_BRANDS:       return 1;
    case TM_FEED_COOPERATIONS: return 2;
    case TM_FEED_INCIDENTS:    return 3;
    case TM_FEED_N_KINDS:
    default:                   g_return_val_if_reached (0);
    }
}

typedef struct {
  gint64  ix;
  char   *sha256;
} StoredShard;

static void
stored_shard_free (StoredShard *stored)
{
  g_free (stored->sha256);
  g_free (stored);
}

struct _TmFeedApply {
  TmStore              *self;
  char                 *url;
  const TmFeedManifest *manifest;
  GHashTable           *by_path;          /* manifest: path → TmFeedShard */
  GHashTable           *stored;           /* path → StoredShard, as the last sync left them */
  GHashTable           *added;            /* paths of the shards added */
  GArray               *stale_ix;         /* gint64: shards whose old records may go */
  GHashTable           *local[N_KINDS];   /* ids of 'local' rows */
  Import                imp;
  gboolean              imp_ready;
  guint                 rank;             /* of the last shard added */
  gboolean              bulk;             /* cooperations written with their indexes dropped */
  GPtrArray            *bulk_sqls;        /* while dropped: the SQL that makes them again */
  gboolean              in_transaction;
  gboolean              foreign_keys_off; /* for the transaction: see tm_feed_apply_begin */
  gboolean              failed;           /* an add failed: only free is left */
  TmFeedApplyStats      stats;
  gint64                t_begin, t_checks, t_writes, t_indexes;  /* µs, for G_MESSAGES_DEBUG */
};

void
tm_feed_apply_free (TmFeedApply *a)
{
  if (a == NULL)
    return;
  if (a->in_transaction)
    {
      rollback (a->self);
      exec_sql (a->self, "PRAGMA cache_size = -" G_STRINGIFY (DEFAULT_CACHE_KIB), NULL);
    }
  if (a->foreign_keys_off)
    exec_sql (a->self, "PRAGMA foreign_keys = ON", NULL);
  if (a->imp_ready)
    import_clear (&a->imp);
  g_clear_pointer (&a->by_path, g_hash_table_unref);
  g_clear_pointer (&a->stored, g_hash_table_unref);
  g_clear_pointer (&a->added, g_hash_table_unref);
  g_clear_pointer (&a->stale_ix, g_array_unref);
  for (guint k = 0; k < N_KINDS; k++)
    g_clear_pointer (&a->local[k], g_hash_table_unref);
  g_clear_pointer (&a->bulk_sqls, g_ptr_array_unref);
  tm_feed_apply_stats_clear (&a->stats);
  g_clear_object (&a->self);
  g_free (a->url);
  g_free (a);
}

/* What the last successful sync applied: shards the manifest no longer
 * lists go now, with the records they brought (at the commit). */
static gboolean
apply_read_shards (TmFeedApply  *a,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) gone = NULL;
  g_autoptr(GArray) gone_ix = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (!(stmt = prepare (a->self, "SELECT ix, path, sha256 FROM feed_shards WHERE url = ?1", error))
      || !(gone = prepare (a->self, "DELETE FROM feed_shards WHERE ix = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, a->url, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StoredShard *stored = g_new0 (StoredShard, 1);
      const char *path = (const char *) sqlite3_column_text (stmt, 1);

      stored->ix = sqlite3_column_int64 (stmt, 0);
      stored->sha256 = dup_col (stmt, 2);
      g_hash_table_insert (a->stored, g_strdup (path), stored);
      if (!g_hash_table_contains (a->by_path, path))
        {
          g_array_append_val (gone_ix, stored->ix);
          g_array_append_val (a->stale_ix, stored->ix);
        }
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (a->self, error, _("Could not read the state of the feed “%s”"), a->url);
      return FALSE;
    }

  for (guint i = 0; i < gone_ix->len; i++)
    {
      sqlite3_reset (gone);
      sqlite3_bind_int64 (gone, 1, g_array_index (gone_ix, gint64, i));
      if (sqlite3_step (gone) != SQLITE_DONE)
        {
          set_sqlite_error (a->self, error, _("Could not record the sync of the feed “%s”"), a->url);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
apply_read_local_ids (TmFeedApply  *a,
                      GError      **error)
{
  for (guint k = 0; k < N_KINDS; k++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE origin = 'local'", feed_tables[k]);
      int rc;

      a->local[k] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (!(stmt = prepare (a->self, sql, error)))
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_hash_table_add (a->local[k], dup_col (stmt, 0));
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (a->self, error, _("Could not read the database"));
          return FALSE;
        }
    }
  return TRUE;
}

/* The feeds row: feed_shards rows refer to it. */
static gboolean
apply_write_feed (TmFeedApply  *a,
                  const char   *manifest_etag,
                  const char   *manifest_last_modified,
                  GError      **error)
{
  g_autoptr(sqlite3_stmt) feed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *last_success = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  gint64 n_records = 0;

  for (guint i = 0; i < a->manifest->shards->len; i++)
    n_records += ((TmFeedShard *) g_ptr_array_index (a->manifest->shards, i))->records;

  if (!(feed = prepare (a->self,
                        "INSERT INTO feeds (url, last_success, manifest_etag, "
                        "manifest_last_modified, generated, n_records) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (url) DO UPDATE SET "
                        "last_success = excluded.last_success, "
                        "manifest_etag = excluded.manifest_etag, "
                        "manifest_last_modified = excluded.manifest_last_modified, "
                        "generated = excluded.generated, n_records = excluded.n_records",
                        error)))
    return FALSE;

  sqlite3_bind_text (feed, 1, a->url, -1, SQLITE_STATIC);
  sqlite3_bind_text (feed, 2, last_success, -1, SQLITE_STATIC);
  sqlite3_bind_text (feed, 3, manifest_etag, -1, SQLITE_STATIC);
  sqlite3_bind_text (feed, 4, manifest_last_modified, -1, SQLITE_STATIC);
  sqlite3_bind_text (feed, 5, a->manifest->generated, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (feed, 6, n_records);
  if (sqlite3_step (feed) != SQLITE_DONE)
    {
      set_sqlite_error (a->self, error, _("Could not record the sync of the feed “%s”"), a->url);
      return FALSE;
    }
  return TRUE;
}

TmFeedApply *
tm_feed_apply_begin (TmStore              *self,
                     const char           *url,
                     const TmFeedManifest *manifest,
                     const char           *manifest_etag,
                     const char           *manifest_last_modified,
                     GError              **error)
{
  g_autoptr(TmFeedApply) a = NULL;
  gint64 n_new = 0;

  g_return_val_if_fail (TM_IS_STORE (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (manifest != NULL && manifest->generated != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  a = g_new0 (TmFeedApply, 1);
  a->self = g_object_ref (self);
  a->url = g_strdup (url);
  a->manifest = manifest;
  a->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  a->stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) stored_shard_free);
  a->added = g_hash_table_new (g_str_hash, g_str_equal);
  a->stale_ix = g_array_new (FALSE, FALSE, sizeof (gint64));
  a->t_begin = g_get_monotonic_time ();
  for (guint i = 0; i < manifest->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (manifest->shards, i);

      g_hash_table_insert (a->by_path, shard->path, shard);
    }

  /* SQLite's foreign-key checks look every cooperation's streamer and
   * brand up again: a third of the time of writing the rows at 1M.  The
   * apply checks every reference itself first (check_datasets) and does
   * what the ON DELETE clauses would (apply_remove_stale), so it turns
   * them off for its transaction; it can only do so outside one. */
  if (!exec_sql (self, "PRAGMA foreign_keys = OFF", error))
    return NULL;
  a->foreign_keys_off = TRUE;
  if (!begin (self, "BEGIN IMMEDIATE", error))
    return NULL;
  a->in_transaction = TRUE;
  exec_sql (self, "PRAGMA cache_size = -" G_STRINGIFY (FEED_CACHE_KIB), NULL);

  import_init (&a->imp, self);
  a->imp_ready = TRUE;
  a->imp.origin = "feed";
  a->imp.feed = TRUE;
  if (!apply_write_feed (a, manifest_etag, manifest_last_modified, error)
      || !apply_read_shards (a, error)
      || !apply_read_local_ids (a, error)
      || !load_known (&a->imp, error))
    return NULL;

  /* A first sync brings more cooperations than the table holds: build
   * their indexes once at the end instead of row by row. */
  for (guint i = 0; i < manifest->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (manifest->shards, i);
      StoredShard *stored = g_hash_table_lookup (a->stored, shard->path);

      if (shard->kind == TM_FEED_COOPERATIONS
          && (stored == NULL || strcmp (stored->sha256, shard->sha256) != 0))
        n_new += shard->records;
    }
  a->bulk = use_bulk_indexes (n_new, a->imp.max_ix[KIND_COOPERATIONS]);
  return g_steal_pointer (&a);
}

/* The shard as the manifest lists it, once, holding only its kind and
 * as many records as the manifest says. */
static TmFeedShard *
apply_check_fetched (TmFeedApply         *a,
                     TmFeedFetchedShard  *f,
                     GError             **error)
{
  TmFeedShard *shard = g_hash_table_lookup (a->by_path, f->path);
  guint kind;
  guint64 n = 0;

  if (shard == NULL)
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_INVALID,
                   _("%s: the shard “%s” is not listed in the manifest; sync again"),
                   a->url, f->path);
      return NULL;
    }
  if (g_hash_table_contains (a->added, shard->path))
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_DUPLICATE,
                   _("%s: the shard “%s” was downloaded twice"), a->url, f->path);
      return NULL;
    }

  kind = feed_kind_to_kind (shard->kind);
  for (guint k = 0; k < N_KINDS; k++)
    {
      GPtrArray *records = dataset_records (f->dataset, k);

      if (k != kind && records->len > 0)
        {
          g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_INVALID,
                       _("%s: the shard “%s” should hold only %s but also holds %s; "
                         "the feed is damaged, tell its publisher"),
                       a->url, f->path, tm_feed_kind_code (shard->kind),
                       feed_tables[k]);
          return NULL;
        }
      n += records->len;
    }
  if ((gint64) n != shard->records)
    {
      /* Numbers as text: xgettext cannot read G_GUINT64_FORMAT. */
      g_autofree char *got = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, shard->records);

      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_INVALID,
                   _("%s: the shard “%s” holds %s records, the manifest says %s; "
                     "the feed is damaged, tell its publisher"),
                   a->url, f->path, got, want);
      return NULL;
    }
  return shard;
}

/* The shard's feed_shards row, with its new sha256, ETag and
 * Last-Modified; its ix tags the rows it brings. */
static gboolean
apply_write_shard (TmFeedApply         *a,
                   const TmFeedShard   *s,
                   TmFeedFetchedShard  *f,
                   gint64              *out_ix,
                   GError             **error)
{
  g_autoptr(sqlite3_stmt) shard = NULL;

  if (!(shard = prepare (a->self,
                         "INSERT INTO feed_shards (url, path, kind, sha256, etag, "
                         "last_modified, records) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                         "ON CONFLICT (url, path) DO UPDATE SET kind = excluded.kind, "
                         "sha256 = excluded.sha256, etag = excluded.etag, "
                         "last_modified = excluded.last_modified, "
                         "records = excluded.records RETURNING ix",
                         error)))
    return FALSE;
  sqlite3_bind_text (shard, 1, a->url, -1, SQLITE_STATIC);
  sqlite3_bind_text (shard, 2, s->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (shard, 3, tm_feed_kind_code (s->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (shard, 4, s->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (shard, 5, f->etag, -1, SQLITE_STATIC);
  sqlite3_bind_text (shard, 6, f->last_modified, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (shard, 7, s->records);
  if (!step_upsert (shard, out_ix) || *out_ix == 0)
    {
      set_sqlite_error (a->self, error, _("Could not record the sync of the feed “%s”"), a->url);
      return FALSE;
    }
  return TRUE;
}

/* The shard's records without those whose id is the user's own, which a
 * sync never touches: a copy sharing the records, with their digests. */
static TmDataset *
apply_filter (TmFeedApply         *a,
              TmFeedFetchedShard  *f,
              char               **digests)
{
  TmDataset *copy = tm_dataset_new ();

  for (guint k = 0; k < N_KINDS; k++)
    {
      GPtrArray *from = dataset_records (f->dataset, k);
      GPtrArray *to = dataset_records (copy, k);
      char *slots = f->digests != NULL ? g_steal_pointer (&f->digests[k]) : NULL;
      guint kept = 0;

      g_ptr_array_set_free_func (to, NULL);
      for (guint r = 0; r < from->len; r++)
        {
          gpointer record = g_ptr_array_index (from, r);
          const char *id = record_id (record);

          if (id != NULL && g_hash_table_contains (a->local[k], id))
            {
              a->stats.skipped_local++;
              if (a->stats.skipped_local_ids == NULL)
                a->stats.skipped_local_ids = g_ptr_array_new_with_free_func (g_free);
              if (a->stats.skipped_local_ids->len < TM_FEED_APPLY_MAX_SKIPPED_IDS)
                g_ptr_array_add (a->stats.skipped_local_ids, g_strdup (id));
              continue;
            }
          g_ptr_array_add (to, record);
          if (slots != NULL && kept != r)
            memmove (slots + (gsize) kept * DIGEST_SLOT, slots + (gsize) r * DIGEST_SLOT, DIGEST_SLOT);
          kept++;
        }
      digests[k] = slots;
    }
  return copy;
}

gboolean
tm_feed_apply_add (TmFeedApply         *a,
                   TmFeedFetchedShard  *fetched,
                   GError             **error)
{
  g_autoptr(TmDataset) filtered = NULL;
  g_autofree char *name = NULL;
  char *digests[N_KINDS] = { NULL, };
  const char *names[1];
  TmFeedShard *shard;
  StoredShard *stored;
  guint rank;
  gboolean ok;
  gint64 t0, t1;

  g_return_val_if_fail (a != NULL && fetched != NULL && fetched->dataset != NULL, FALSE);
  g_return_val_if_fail (a->in_transaction && !a->failed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(shard = apply_check_fetched (a, fetched, error)))
    goto failed;
  rank = tm_feed_apply_rank (shard->kind);
  if (g_hash_table_size (a->added) > 0 && rank < a->rank)
    {
      g_critical ("%s: shard %s added after a shard of a later kind", a->url, shard->path);
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_INVALID,
                   _("%s: the shard “%s” came out of order; sync again"), a->url, shard->path);
      goto failed;
    }
  a->rank = rank;
  g_hash_table_add (a->added, shard->path);

  /* The cooperations' indexes: dropped before the first, made again
   * after the last. */
  if (a->bulk && shard->kind == TM_FEED_COOPERATIONS && a->bulk_sqls == NULL
      && !(a->bulk_sqls = drop_cooperation_indexes (a->self, error)))
    goto failed;
  if (a->bulk_sqls != NULL && shard->kind != TM_FEED_COOPERATIONS)
    {
      gint64 t_start = g_get_monotonic_time ();

      ok = create_indexes (a->self, a->bulk_sqls, error);
      g_clear_pointer (&a->bulk_sqls, g_ptr_array_unref);
      a->t_indexes += g_get_monotonic_time () - t_start;
      if (!ok)
        goto failed;
    }

  stored = g_hash_table_lookup (a->stored, shard->path);
  if (stored != NULL)
    g_array_append_val (a->stale_ix, stored->ix);
  if (!apply_write_shard (a, shard, fetched, &a->imp.shard_ix, error))
    goto failed;

  filtered = apply_filter (a, fetched, digests);
  name = g_uri_resolve_relative (a->url, fetched->path, G_URI_FLAGS_NONE, NULL);
  names[0] = name ? name : fetched->path;
  /* The records go through the import's checks and writes, as rows of
   * origin 'feed' tagged with their shard. */
  import_set_batch (&a->imp, (TmDataset * const *) &filtered, names, 1, digests);
  t0 = g_get_monotonic_time ();
  ok = check_datasets (&a->imp, error);
  t1 = g_get_monotonic_time ();
  ok = ok
       && write_brands (&a->imp, error)
       && write_streamers (&a->imp, error)
       && write_cooperations (&a->imp, error)
       && write_incidents (&a->imp, error);
  a->t_checks += t1 - t0;
  a->t_writes += g_get_monotonic_time () - t1;
  import_clear_batch (&a->imp);
  if (!ok)
    goto failed;
  return TRUE;

failed:
  for (guint k = 0; k < N_KINDS; k++)
    g_free (digests[k]);
  a->failed = TRUE;
  return FALSE;
}

/* Appends to @out the ids (at most 5) of the rows of @table whose
 * streamer is @streamer_ix. */
static gboolean
referring_ids (TmStore     *self,
               const char  *table,
               gint64       streamer_ix,
               GString     *out,
               guint       *n,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE streamer = ?1 ORDER BY id", table);
  int rc;

  if (!(stmt = prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, streamer_ix);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (*n < 5)
        g_string_append_printf (out, "%s“%s”", out->len > 0 ? ", " : "",
                                (const char *) sqlite3_column_text (stmt, 0));
      (*n)++;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("Could not read the database"));
      return FALSE;
    }
  return TRUE;
}

/* Removes the feed rows of the stale shards that no fetched shard brings
 * any more: incidents and cooperations first, so that a streamer still
 * referred to is one the feed does not own all of. */
static gboolean
apply_remove_stale (TmFeedApply  *a,
                    GError      **error)
{
  static const guint order[N_KINDS] = { KIND_INCIDENTS, KIND_COOPERATIONS, KIND_STREAMERS, KIND_BRANDS };
  TmStore *self = a->self;

  for (guint o = 0; o < N_KINDS; o++)
    {
      guint k = order[o];
      g_autoptr(sqlite3_stmt) find = NULL;
      g_autoptr(sqlite3_stmt) remove = NULL;
      g_autoptr(sqlite3_stmt) accounts = NULL;
      g_autofree char *find_sql = g_strdup_printf ("SELECT ix, id FROM %s WHERE feed_shard = ?1 "
                                                   "AND origin = 'feed'", feed_tables[k]);
      g_autofree char *remove_sql = g_strdup_printf ("DELETE FROM %s WHERE ix = ?1", feed_tables[k]);
      g_autoptr(GArray) ixs = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      int rc;

      if (!(find = prepare (self, find_sql, error))
          || !(remove = prepare (self, remove_sql, error))
          || !(accounts = prepare (self, "DELETE FROM accounts WHERE streamer = ?1", error)))
        return FALSE;

      /* Read first, then delete: deleting while walking the index could
       * skip rows. */
      for (guint s = 0; s < a->stale_ix->len; s++)
        {
          sqlite3_reset (find);
          sqlite3_bind_int64 (find, 1, g_array_index (a->stale_ix, gint64, s));
          while ((rc = sqlite3_step (find)) == SQLITE_ROW)
            {
              const char *id = (const char *) sqlite3_column_text (find, 1);
              gint64 ix = sqlite3_column_int64 (find, 0);

              if (g_hash_table_contains (a->imp.seen[k], id))
                continue;
              g_array_append_val (ixs, ix);
              g_ptr_array_add (ids, g_strdup (id));
            }
          if (rc != SQLITE_DONE)
            {
              set_sqlite_error (self, error, _("Could not read the database"));
              return FALSE;
            }
        }

      for (guint i = 0; i < ixs->len; i++)
        {
          gint64 ix = g_array_index (ixs, gint64, i);
          const char *id = g_ptr_array_index (ids, i);

          if (k == KIND_STREAMERS)
            {
              g_autoptr(GString) refs = g_string_new (NULL);
              guint n = 0;

              /* Deleting the streamer would silently delete them too
               * (ON DELETE CASCADE). */
              if (!referring_ids (self, "cooperations", ix, refs, &n, error)
                  || !referring_ids (self, "incidents", ix, refs, &n, error))
                return FALSE;
              if (n > 0)
                {
                  g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED,
                               ngettext ("%s: the feed no longer has the streamer “%s”, "
                                         "but %u record kept in TrustMatch refers to it (%s); "
                                         "nothing was changed. Delete that record, or ask the "
                                         "feed's publisher to keep the streamer.",
                                         "%s: the feed no longer has the streamer “%s”, "
                                         "but %u records kept in TrustMatch refer to it (%s); "
                                         "nothing was changed. Delete those records, or ask the "
                                         "feed's publisher to keep the streamer.", n),
                               a->url, id, n, refs->str);
                  return FALSE;
                }

              /* What ON DELETE CASCADE does, with the foreign keys off
               * for the sync. */
              sqlite3_reset (accounts);
              sqlite3_bind_int64 (accounts, 1, ix);
              if (sqlite3_step (accounts) != SQLITE_DONE)
                {
                  set_sqlite_error (self, error, _("Could not remove the record “%s” of the feed “%s”"),
                                    id, a->url);
                  return FALSE;
                }
            }

          if (k == KIND_BRANDS)
            {
              if (!delete_brand (self, id, error))
                return FALSE;
            }
          else
            {
              sqlite3_reset (remove);
              sqlite3_bind_int64 (remove, 1, ix);
              if (sqlite3_step (remove) != SQLITE_DONE)
                {
                  set_sqlite_error (self, error, _("Could not remove the record “%s” of the feed “%s”"),
                                    id, a->url);
                  return FALSE;
                }
            }
          a->stats.removed++;
        }
    }
  return TRUE;
}

gboolean
tm_feed_apply_commit (TmFeedApply       *a,
                      TmFeedApplyStats  *stats,
                      GError           **error)
{
  gint64 t0, t1;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (a->in_transaction && !a->failed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  t0 = g_get_monotonic_time ();
  if (a->bulk_sqls != NULL)
    {
      gboolean ok = create_indexes (a->self, a->bulk_sqls, error);

      g_clear_pointer (&a->bulk_sqls, g_ptr_array_unref);
      if (!ok)
        goto failed;
    }
  a->t_indexes += g_get_monotonic_time () - t0;

  /* Unchanged shards are not fetched again, so they must be known with
   * the same sha256. */
  for (guint i = 0; i < a->manifest->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (a->manifest->shards, i);
      StoredShard *stored = g_hash_table_lookup (a->stored, shard->path);

      if (!g_hash_table_contains (a->added, shard->path)
          && (stored == NULL || strcmp (stored->sha256, shard->sha256) != 0))
        {
          g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_INVALID,
                       _("%s: the shard “%s” is new or changed but was not downloaded; "
                         "sync again"),
                       a->url, shard->path);
          goto failed;
        }
    }

  t0 = g_get_monotonic_time ();
  if (!apply_remove_stale (a, error))
    goto failed;
  t1 = g_get_monotonic_time ();
  if (!commit (a->self, error))
    goto failed;
  a->in_transaction = FALSE;
  exec_sql (a->self, "PRAGMA foreign_keys = ON", NULL);
  a->foreign_keys_off = FALSE;
  g_debug ("Sync of %s applied in %.2f s: checks %.2f s, rows %.2f s, indexes %.2f s, "
           "removals %.2f s, commit %.2f s",
           a->url, (g_get_monotonic_time () - a->t_begin) / 1e6, a->t_checks / 1e6,
           a->t_writes / 1e6, a->t_indexes / 1e6, (t1 - t0) / 1e6,
           (g_get_monotonic_time () - t1) / 1e6);
  exec_sql (a->self, "PRAGMA cache_size = -" G_STRINGIFY (DEFAULT_CACHE_KIB), NULL);

  if (stats != NULL)
    {
      a->stats.added = a->imp.stats.added;
      a->stats.updated = a->imp.stats.updated;
      a->stats.unchanged = a->imp.stats.unchanged;
      *stats = a->stats;
      a->stats.skipped_local_ids = NULL;
    }
  return TRUE;

failed:
  a->failed = TRUE;
  return FALSE;
}

static int
compare_fetched_rank (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  GHashTable *by_path = user_data;
  const TmFeedFetchedShard *fa = *(TmFeedFetchedShard * const *) a;
  const TmFeedFetchedShard *fb = *(TmFeedFetchedShard * const *) b;
  const TmFeedShard *sa = g_hash_table_lookup (by_path, fa->path);
  const TmFeedShard *sb = g_hash_table_lookup (by_path, fb->path);
  guint ra = sa ? tm_feed_apply_rank (sa->kind) : 0;
  guint rb = sb ? tm_feed_apply_rank (sb->kind) : 0;

  return (ra > rb) - (ra < rb);
}

gboolean
tm_store_apply_feed (TmStore              *self,
                     const char           *url,
                     const TmFeedManifest *manifest,
                     const char           *manifest_etag,
                     const char           *manifest_last_modified,
                     GPtrArray            *fetched,
                     TmFeedApplyStats     *stats,
                     GError              **error)
{
  g_autoptr(TmFeedApply) apply = NULL;
  g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
  g_autoptr(GHashTable) by_path = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (TM_IS_STORE (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (manifest != NULL && manifest->generated != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < manifest->shards->len; i++)
    {
      TmFeedShard *shard = g_ptr_array_index (manifest->shards, i);

      g_hash_table_insert (by_path, shard->path, shard);
    }
  for (guint i = 0; fetched != NULL && i < fetched->len; i++)
    g_ptr_array_add (ordered, g_ptr_array_index (fetched, i));
  /* Stable: shards of one kind keep the caller's order. */
  g_ptr_array_sort_with_data (ordered, compare_fetched_rank, by_path);

  if (!(apply = tm_feed_apply_begin (self, url, manifest, manifest_etag,
                                     manifest_last_modified, error)))
    return FALSE;
  for (guint i = 0; i < ordered->len; i++)
    {
      if (!tm_feed_apply_add (apply, g_ptr_array_index (ordered, i), error))
        return FALSE;
    }
  return tm_feed_apply_commit (apply, stats, error);
}
