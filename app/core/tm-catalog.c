/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tm-catalog.h"
#include "tm-figures.h"

/*
 * The catalog reads the store's tables directly (see the encodings in
 * tm-store-schema.h) instead of going through TmStreamer and friends: that
 * is what keeps loading 1M cooperations well under a second.
 */

typedef struct {
  TmCatalog     pub;
  gatomicrefcount ref_count;
  GStringChunk *chunk;
  GHashTable   *interned;   /* str → same str, for interning */
  GStringChunk *cooperation_chunk;  /* the cooperation reader's strings */
} TmCatalogReal;

#define REAL(c) ((TmCatalogReal *) (c))

/* The one copy of @str kept in @chunk, @interned indexing them. */
static const char *
intern_in (GStringChunk *chunk, GHashTable *interned, const char *str)
{
  const char *found;

  if (str == NULL)
    return NULL;
  found = g_hash_table_lookup (interned, str);
  if (found == NULL)
    {
      found = g_string_chunk_insert (chunk, str);
      g_hash_table_add (interned, (gpointer) found);
    }
  return found;
}

static const char *
intern (TmCatalogReal *self, const char *str)
{
  return intern_in (self->chunk, self->interned, str);
}

/* intern() for a string that is not NUL-terminated where it ends. */
static const char *
intern_len (TmCatalogReal *self, const char *str, gsize len)
{
  char stack[128];
  g_autofree char *heap = NULL;
  char *copy = len < sizeof stack ? stack : (heap = g_malloc (len + 1));

  memcpy (copy, str, len);
  copy[len] = '\0';
  return intern (self, copy);
}

/* For strings that are unique anyway (ids, names, handles): no hashing. */
static const char *
keep (TmCatalogReal *self, const char *str)
{
  return str ? g_string_chunk_insert (self->chunk, str) : NULL;
}

static gboolean
sql_failed (sqlite3 *db, GError **error)
{
  g_set_error (error, TM_STORE_ERROR, TM_STORE_ERROR_FAILED,
               /* Translators: %s is SQLite's own description of the failure */
               _("Could not read the catalog from the database: %s"),
               sqlite3_errmsg (db));
  return FALSE;
}

static sqlite3_stmt *
prepare (sqlite3 *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_failed (db, error);
      return NULL;
    }
  return stmt;
}

static double
column_double_or_nan (sqlite3_stmt *stmt, int col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, col);
}

static gint64
column_int_or_unknown (sqlite3_stmt *stmt, int col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return TM_UNKNOWN_INT;
  return sqlite3_column_int64 (stmt, col);
}

static const char *
column_text (sqlite3_stmt *stmt, int col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

static int
code_or (int value, int fallback)
{
  return value < 0 ? fallback : value;
}

/* The store writes shares as short decimals ("0.0616"); reading those by
 * hand is several times faster than g_ascii_strtod, which is used for
 * anything else.  Precision is the catalog's float. */
static double
parse_number (const char *p, const char **end)
{
  const char *q = p;
  guint64 whole = 0, frac = 0, scale = 1;

  while (*q >= '0' && *q <= '9' && q - p < 15)
    whole = whole * 10 + (guint64) (*q++ - '0');
  if (q > p && *q == '.')
    {
      const char *f = ++q;
      while (*q >= '0' && *q <= '9' && q - f < 15)
        {
          frac = frac * 10 + (guint64) (*q++ - '0');
          scale *= 10;
        }
    }
  if (q > p && (*q == ' ' || *q == '\0' || *q == '\n'))
    {
      if (end)
        *end = q;
      return (double) whole + (double) frac / (double) scale;
    }
  return g_ascii_strtod (p, (char **) end);
}

static void
parse_audience (const char *text, float *out, gboolean *present)
{
  const guint n = TM_N_AGES + TM_N_GENDERS + TM_N_REGIONS;
  const char *p = text;

  *present = FALSE;
  if (text == NULL || *text == '\0')
    return;
  for (guint i = 0; i < n; i++)
    {
      const char *end;
      double v = parse_number (p, &end);

      if (end == p)
        return;
      out[i] = (float) v;
      p = end;
    }
  *present = TRUE;
}

/* Appends '\n'-joined entries (interned) to @list. */
static guint
parse_lines (TmCatalogReal *self, const char *text, GArray *list)
{
  guint n = 0;

  if (text == NULL)
    return 0;
  while (*text)
    {
      const char *nl = strchr (text, '\n');
      gsize len = nl ? (gsize) (nl - text) : strlen (text);

      if (len > 0)
        {
          const char *s = intern_len (self, text, len);
          g_array_append_val (list, s);
          n++;
        }
      text += len + (nl ? 1 : 0);
    }
  return n;
}

/* "tag\tweight" lines. */
static guint
parse_tags (TmCatalogReal *self, const char *text, GArray *tags)
{
  guint n = 0;

  if (text == NULL)
    return 0;
  while (*text)
    {
      const char *nl = strchr (text, '\n');
      gsize len = nl ? (gsize) (nl - text) : strlen (text);
      const char *tab = memchr (text, '\t', len);

      if (tab != NULL)
        {
          TmCatalogTag tag = { intern_len (self, text, tab - text), (float) parse_number (tab + 1, NULL) };
          g_array_append_val (tags, tag);
          n++;
        }
      text += len + (nl ? 1 : 0);
    }
  return n;
}

static int
compare_brand_ids (gconstpointer a, gconstpointer b)
{
  const TmBrand *ba = *(TmBrand * const *) a;
  const TmBrand *bb = *(TmBrand * const *) b;
  return strcmp (ba->id, bb->id);
}

static gboolean
load_brands (TmCatalogReal *self,
             TmStore       *store,
             gint32       **out_brand_of_ix,
             gint64        *out_max_ix,
             GError       **error)
{
  sqlite3 *db = tm_store_get_db (store);
  g_autoptr(GPtrArray) brands = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  sqlite3_stmt *stmt;
  gint64 max_ix = 0;
  gint32 *brand_of_ix;
  int rc;

  brands = tm_store_load_brands (store, error);
  if (brands == NULL)
    return FALSE;
  g_ptr_array_sort (brands, compare_brand_ids);

  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < brands->len; i++)
    g_hash_table_insert (by_id, ((TmBrand *) brands->pdata[i])->id, GINT_TO_POINTER (i + 1));

  if (!(stmt = prepare (db, "SELECT ix, id FROM brands", error)))
    return FALSE;
  /* ix values are small for brands (there are few), but a table may have
   * gaps; size the map by the largest. */
  {
    GArray *pairs = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 pair[2];
        pair[0] = sqlite3_column_int64 (stmt, 0);
        pair[1] = GPOINTER_TO_INT (g_hash_table_lookup (by_id, column_text (stmt, 1))) - 1;
        max_ix = MAX (max_ix, pair[0]);
        g_array_append_vals (pairs, pair, 1);
      }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
      {
        g_array_unref (pairs);
        return sql_failed (db, error);
      }
    brand_of_ix = g_new (gint32, max_ix + 1);
    for (gint64 i = 0; i <= max_ix; i++)
      brand_of_ix[i] = -1;
    for (guint i = 0; i < pairs->len; i++)
      {
        gint64 *pair = &g_array_index (pairs, gint64, i * 2);
        brand_of_ix[pair[0]] = (gint32) pair[1];
      }
    g_array_unref (pairs);
  }

  self->pub.n_brands = brands->len;
  g_ptr_array_set_free_func (brands, NULL);
  self->pub.brands = (TmBrand **) g_ptr_array_steal (brands, NULL);
  *out_brand_of_ix = brand_of_ix;
  *out_max_ix = max_ix;
  return TRUE;
}

static gboolean
load_streamers (TmCatalogReal *self,
                sqlite3       *db,
                gint32       **out_streamer_of_ix,
                gint64        *out_max_ix,
                GError       **error)
{
  g_autoptr(GArray) streamers = g_array_new (FALSE, TRUE, sizeof (TmCatalogStreamer));
  g_autoptr(GArray) tags = g_array_new (FALSE, FALSE, sizeof (TmCatalogTag));
  g_autoptr(GArray) categories = g_array_new (FALSE, FALSE, sizeof (char *));
  g_autoptr(GArray) ixs = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  gint64 max_ix = 0;
  gint32 *streamer_of_ix;
  int rc;

  stmt = prepare (db,
                  "SELECT ix, id, name, categories, style_tags, audience,"
                  " credit_platform, credit_score, credit_scale, verification,"
                  " engagement_rate, avg_live_viewers, reviews_positive,"
                  " reviews_negative, fake_review_share, dispute_resolution_rate,"
                  " repeat_buyer_rate, price_low_fen, price_high_fen,"
                  " prov_source, prov_observed, prov_basis"
                  " FROM streamers ORDER BY id",
                  error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TmCatalogStreamer s = { 0 };
      gint64 ix = sqlite3_column_int64 (stmt, 0);

      s.id = keep (self, column_text (stmt, 1));
      s.name = keep (self, column_text (stmt, 2));
      s.first_category = categories->len;
      s.n_categories = parse_lines (self, column_text (stmt, 3), categories);
      s.first_tag = tags->len;
      s.n_tags = parse_tags (self, column_text (stmt, 4), tags);
      parse_audience (column_text (stmt, 5), s.audience, &s.has_audience);
      s.credit_platform = (gint8) code_or (tm_platform_from_code (column_text (stmt, 6)), -1);
      s.credit_score = (float) column_double_or_nan (stmt, 7);
      s.credit_scale = (float) column_double_or_nan (stmt, 8);
      s.verification = (gint8) code_or (tm_verification_from_code (column_text (stmt, 9)),
                                        TM_VERIFICATION_UNVERIFIED);
      s.engagement_rate = (float) column_double_or_nan (stmt, 10);
      s.avg_live_viewers = column_int_or_unknown (stmt, 11);
      s.reviews_positive = column_int_or_unknown (stmt, 12);
      s.reviews_negative = column_int_or_unknown (stmt, 13);
      s.fake_review_share = (float) column_double_or_nan (stmt, 14);
      s.dispute_resolution_rate = (float) column_double_or_nan (stmt, 15);
      s.repeat_buyer_rate = (float) column_double_or_nan (stmt, 16);
      s.price_low_fen = column_int_or_unknown (stmt, 17);
      s.price_high_fen = column_int_or_unknown (stmt, 18);
      s.provenance.source = code_or (tm_source_from_code (column_text (stmt, 19)), TM_SOURCE_MANUAL);
      s.provenance.observed = (TmDate) sqlite3_column_int64 (stmt, 20);
      s.provenance.basis = code_or (tm_basis_from_code (column_text (stmt, 21)), TM_BASIS_OBSERVED);
      s.last_cooperation = TM_DATE_NONE;

      g_array_append_val (streamers, s);
      g_array_append_val (ixs, ix);
      max_ix = MAX (max_ix, ix);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_failed (db, error);

  streamer_of_ix = g_new (gint32, max_ix + 1);
  memset (streamer_of_ix, 0xff, sizeof (gint32) * (max_ix + 1));
  for (guint i = 0; i < ixs->len; i++)
    streamer_of_ix[g_array_index (ixs, gint64, i)] = (gint32) i;

  self->pub.n_streamers = streamers->len;
  self->pub.streamers = (TmCatalogStreamer *) g_array_steal (streamers, NULL);
  self->pub.n_tags = tags->len;
  self->pub.tags = (TmCatalogTag *) g_array_steal (tags, NULL);
  self->pub.n_categories = categories->len;
  self->pub.categories = (const char **) g_array_steal (categories, NULL);
  *out_streamer_of_ix = streamer_of_ix;
  *out_max_ix = max_ix;
  return TRUE;
}

/*
 * Rows of accounts, cooperations and incidents come back in table order; a
 * counting sort by streamer index groups them in O(n).  Returns, for each
 * row, its position in the grouped array, and fills @offsets (n_streamers +
 * 1 entries) with where each streamer's group starts.
 */
static guint32 *
group_by_streamer (const guint32 *owner,
                   guint          n_rows,
                   guint          n_streamers,
                   guint32       *offsets)
{
  guint32 *position = g_new (guint32, MAX (n_rows, 1));
  guint32 *next = g_new0 (guint32, n_streamers + 1);

  memset (offsets, 0, sizeof (guint32) * (n_streamers + 1));
  for (guint i = 0; i < n_rows; i++)
    offsets[owner[i] + 1]++;
  for (guint i = 0; i < n_streamers; i++)
    offsets[i + 1] += offsets[i];
  memcpy (next, offsets, sizeof (guint32) * n_streamers);
  for (guint i = 0; i < n_rows; i++)
    position[i] = next[owner[i]]++;
  g_free (next);
  return position;
}

static gboolean
load_accounts (TmCatalogReal *self,
               sqlite3       *db,
               const gint32  *streamer_of_ix,
               gint64         max_ix,
               GError       **error)
{
  TmCatalog *pub = &self->pub;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (TmCatalogAccount));
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint32 *offsets = g_new (guint32, pub->n_streamers + 1);
  g_autofree guint32 *position = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db, "SELECT streamer, platform, handle, followers FROM accounts"
                      " ORDER BY streamer, pos", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 ix = sqlite3_column_int64 (stmt, 0);
      TmCatalogAccount a;
      guint32 owner;

      if (ix < 0 || ix > max_ix || streamer_of_ix[ix] < 0)
        continue;
      owner = (guint32) streamer_of_ix[ix];
      a.platform = (gint8) code_or (tm_platform_from_code (column_text (stmt, 1)), -1);
      a.handle = keep (self, column_text (stmt, 2));
      a.followers = sqlite3_column_int64 (stmt, 3);
      g_array_append_val (rows, a);
      g_array_append_val (owners, owner);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_failed (db, error);

  position = group_by_streamer ((guint32 *) owners->data, rows->len, pub->n_streamers, offsets);
  pub->n_accounts = rows->len;
  pub->accounts = g_new (TmCatalogAccount, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    pub->accounts[position[i]] = g_array_index (rows, TmCatalogAccount, i);
  for (guint i = 0; i < pub->n_streamers; i++)
    {
      TmCatalogStreamer *s = &pub->streamers[i];

      s->first_account = offsets[i];
      s->n_accounts = offsets[i + 1] - offsets[i];
      s->followers_total = 0;
      for (guint k = 0; k < s->n_accounts; k++)
        s->followers_total += pub->accounts[s->first_account + k].followers;
    }
  return TRUE;
}

static int
compare_cooperations (gconstpointer a, gconstpointer b)
{
  const TmCatalogCooperation *ca = a, *cb = b;

  if (ca->date != cb->date)
    return ca->date < cb->date ? -1 : 1;
  return strcmp (ca->id, cb->id);
}

/* Records are usually imported in date order; checking is cheaper than
 * sorting sorted data. */
static gboolean
is_sorted (const void *base, gsize n, gsize size, GCompareFunc compare)
{
  const char *p = base;

  for (gsize i = 1; i < n; i++)
    if (compare (p + (i - 1) * size, p + i * size) > 0)
      return FALSE;
  return TRUE;
}

/*
 * Cooperations are the bulk of the catalog (1M rows and more), so they are
 * read on their own connection in a second thread while this one reads the
 * streamers (see tm_catalog_load for why both see the same data).  The
 * index cooperations_by_streamer covers every column read here, so this is
 * one sequential scan that yields each streamer's rows together, by date
 * and id.  The reader cannot map store numbers (ix) to catalog indexes yet,
 * nor share the interning table, so it keeps its own strings and the
 * raw ix in streamer and brand; place_cooperations() finishes the job.
 */
typedef struct {
  const char           *path;      /* open this read-only, or ... */
  sqlite3              *db;        /* ... read on this connection */
  GStringChunk         *chunk;
  GHashTable           *interned;
  TmCatalogCooperation *rows;
  guint                 n_rows;
  GError               *error;
} CooperationReader;

static const char *
reader_intern (CooperationReader *r, const char *str)
{
  return intern_in (r->chunk, r->interned, str);
}

static gpointer
read_cooperations (gpointer data)
{
  CooperationReader *r = data;
  sqlite3 *db = r->db;
  sqlite3 *own = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 capacity = 0;
  guint n = 0;
  int rc;

  if (r->path != NULL)
    {
      if (sqlite3_open_v2 (r->path, &own, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK
          || sqlite3_exec (own, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        {
          sql_failed (own, &r->error);
          sqlite3_close (own);
          return NULL;
        }
      db = own;
    }

  if (!(stmt = prepare (db, "SELECT count(*) FROM cooperations", &r->error)))
    goto out;
  rc = sqlite3_step (stmt);
  capacity = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      sql_failed (db, &r->error);
      goto out;
    }

  stmt = prepare (db,
                  "SELECT streamer, brand, figures, id, brand_name, brand_category"
                  " FROM cooperations INDEXED BY cooperations_by_streamer"
                  " ORDER BY streamer, date, id",
                  &r->error);
  if (stmt == NULL)
    goto out;

  r->rows = g_new (TmCatalogCooperation, MAX (capacity, 1));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && n < capacity)
    {
      TmCatalogCooperation *c = &r->rows[n];
      gint64 ix = sqlite3_column_int64 (stmt, 0);

      if (ix < 0 || ix > G_MAXINT32)
        continue;
      if (!tm_figures_unpack (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2), c))
        {
          g_set_error (&r->error, TM_STORE_ERROR, TM_STORE_ERROR_CORRUPT,
                       _("The cooperation “%s” in the database is damaged; "
                         "import it again or restore the database from a backup"),
                       column_text (stmt, 3));
          break;
        }
      c->streamer = (guint32) ix;
      c->brand = -1;
      c->brand_name = NULL;
      c->brand_category = NULL;
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        c->brand = (gint32) CLAMP (sqlite3_column_int64 (stmt, 1), -1, G_MAXINT32);
      else
        {
          c->brand_name = reader_intern (r, column_text (stmt, 4));
          c->brand_category = reader_intern (r, column_text (stmt, 5));
        }
      c->id = g_string_chunk_insert (r->chunk, column_text (stmt, 3));
      n++;
    }
  if (r->error == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
    sql_failed (db, &r->error);
  sqlite3_finalize (stmt);
  r->n_rows = n;

out:
  if (own != NULL)
    {
      sqlite3_exec (own, "COMMIT", NULL, NULL, NULL);
      sqlite3_close (own);
    }
  return NULL;
}

/* Maps the reader's rows onto catalog streamers and brands and interns
 * their strings in the catalog's table.  Takes the rows. */
static void
place_cooperations (TmCatalogReal     *self,
                    CooperationReader *r,
                    const gint32      *streamer_of_ix,
                    gint64             max_ix,
                    const gint32      *brand_of_ix,
                    gint64             max_brand_ix)
{
  TmCatalog *pub = &self->pub;
  TmCatalogCooperation *rows = g_steal_pointer (&r->rows);
  g_autofree guint32 *group_start = g_new0 (guint32, pub->n_streamers + 1);
  g_autoptr(GHashTable) same = g_hash_table_new (NULL, NULL);
  g_autofree const char **brand_names = g_new (const char *, pub->n_brands + 1);
  g_autofree const char **brand_categories = g_new (const char *, pub->n_brands + 1);
  const char *empty = intern (self, "");
  GHashTableIter iter;
  gpointer key;
  gint32 previous = -1;
  gboolean in_order = TRUE;
  guint n = 0;

  /* The reader's strings (each one pointer) to the catalog's own interned
   * copies, looked up by pointer below. */
  g_hash_table_iter_init (&iter, r->interned);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_insert (same, key, (gpointer) intern (self, key));
  for (guint b = 0; b < pub->n_brands; b++)
    {
      brand_names[b] = intern (self, pub->brands[b]->name);
      brand_categories[b] = intern (self, pub->brands[b]->category);
    }

  for (guint i = 0; i < r->n_rows; i++)
    {
      TmCatalogCooperation c = rows[i];
      gint64 ix = c.streamer;
      gint32 owner;

      if (ix > max_ix || (owner = streamer_of_ix[ix]) < 0)
        continue;
      if (owner != previous)
        {
          /* A streamer's rows are contiguous: this is its first. */
          if (owner < previous)
            in_order = FALSE;
          group_start[owner] = n;
          pub->streamers[owner].n_cooperations = 0;
          previous = owner;
        }
      pub->streamers[owner].n_cooperations++;
      c.streamer = (guint32) owner;

      if (c.brand >= 0)
        c.brand = c.brand <= max_brand_ix ? brand_of_ix[c.brand] : -1;
      if (c.brand >= 0)
        {
          /* Known brands: their current name. */
          c.brand_name = brand_names[c.brand];
          c.brand_category = brand_categories[c.brand];
        }
      else
        {
          c.brand_name = c.brand_name ? g_hash_table_lookup (same, c.brand_name) : empty;
          c.brand_category = c.brand_category ? g_hash_table_lookup (same, c.brand_category) : empty;
        }
      rows[n++] = c;
    }

  pub->n_cooperations = n;
  if (in_order)
    {
      pub->cooperations = rows;
      for (guint i = 0; i < pub->n_streamers; i++)
        pub->streamers[i].first_cooperation = pub->streamers[i].n_cooperations ? group_start[i] : 0;
    }
  else
    {
      guint at = 0;

      pub->cooperations = g_new (TmCatalogCooperation, MAX (n, 1));
      for (guint i = 0; i < pub->n_streamers; i++)
        {
          TmCatalogStreamer *s = &pub->streamers[i];

          memcpy (&pub->cooperations[at], &rows[group_start[i]],
                  s->n_cooperations * sizeof (TmCatalogCooperation));
          s->first_cooperation = at;
          at += s->n_cooperations;
        }
      g_free (rows);
    }

  for (guint i = 0; i < pub->n_streamers; i++)
    {
      TmCatalogStreamer *s = &pub->streamers[i];

      /* The index orders by date then id, as compare_cooperations does. */
      g_assert (is_sorted (&pub->cooperations[s->first_cooperation], s->n_cooperations,
                           sizeof (TmCatalogCooperation), compare_cooperations));
      if (s->n_cooperations > 0)
        s->last_cooperation = pub->cooperations[s->first_cooperation + s->n_cooperations - 1].date;
    }
}

static int
compare_incidents (gconstpointer a, gconstpointer b)
{
  const TmCatalogIncident *ia = a, *ib = b;

  if (ia->date != ib->date)
    return ia->date < ib->date ? -1 : 1;
  return strcmp (ia->id, ib->id);
}

static gboolean
load_incidents (TmCatalogReal *self,
                sqlite3       *db,
                const gint32  *streamer_of_ix,
                gint64         max_ix,
                GError       **error)
{
  TmCatalog *pub = &self->pub;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (TmCatalogIncident));
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint32 *offsets = g_new (guint32, pub->n_streamers + 1);
  g_autofree guint32 *position = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db, "SELECT streamer, id, date, kind, severity, resolved FROM incidents", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 ix = sqlite3_column_int64 (stmt, 0);
      TmCatalogIncident inc;
      guint32 owner;

      if (ix < 0 || ix > max_ix || streamer_of_ix[ix] < 0)
        continue;
      owner = (guint32) streamer_of_ix[ix];
      inc.streamer = owner;
      inc.id = keep (self, column_text (stmt, 1));
      inc.date = (TmDate) sqlite3_column_int64 (stmt, 2);
      inc.kind = (gint8) code_or (tm_incident_kind_from_code (column_text (stmt, 3)),
                                  TM_INCIDENT_UNRESOLVED_DISPUTE);
      inc.severity = (gint8) CLAMP (sqlite3_column_int (stmt, 4), 1, 5);
      inc.resolved = sqlite3_column_int (stmt, 5) != 0;
      g_array_append_val (rows, inc);
      g_array_append_val (owners, owner);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_failed (db, error);

  position = group_by_streamer ((guint32 *) owners->data, rows->len, pub->n_streamers, offsets);
  pub->n_incidents = rows->len;
  pub->incidents = g_new (TmCatalogIncident, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    pub->incidents[position[i]] = g_array_index (rows, TmCatalogIncident, i);
  for (guint i = 0; i < pub->n_streamers; i++)
    {
      TmCatalogStreamer *s = &pub->streamers[i];

      s->first_incident = offsets[i];
      s->n_incidents = offsets[i + 1] - offsets[i];
      if (s->n_incidents > 1)
        qsort (&pub->incidents[s->first_incident], s->n_incidents,
               sizeof (TmCatalogIncident), compare_incidents);
    }
  return TRUE;
}

static void
catalog_free (TmCatalogReal *self)
{
  TmCatalog *pub = &self->pub;

  for (guint i = 0; i < pub->n_brands; i++)
    tm_brand_free (pub->brands[i]);
  g_free (pub->brands);
  g_free (pub->streamers);
  g_free (pub->accounts);
  g_free (pub->tags);
  g_free (pub->categories);
  g_free (pub->cooperations);
  g_free (pub->incidents);
  g_hash_table_unref (self->interned);
  g_string_chunk_free (self->chunk);
  if (self->cooperation_chunk)
    g_string_chunk_free (self->cooperation_chunk);
  g_free (self);
}

/**
 * tm_catalog_load:
 * @store: an open store
 * @error: return location for a #TM_STORE_ERROR
 *
 * Reads every brand, streamer, account, cooperation and incident of @store
 * into one read-only snapshot, inside one read transaction so that a
 * concurrent writer cannot show it half an import.
 *
 * Returns: (transfer full): the catalog, or %NULL with @error set
 */
TmCatalog *
tm_catalog_load (TmStore *store, GError **error)
{
  TmCatalogReal *self;
  sqlite3 *db;
  g_autofree gint32 *brand_of_ix = NULL;
  g_autofree gint32 *streamer_of_ix = NULL;
  gint64 max_brand_ix = 0, max_ix = 0;
  CooperationReader reader = { 0 };
  GThread *thread = NULL;
  gboolean locked;
  gboolean ok;

  g_return_val_if_fail (TM_IS_STORE (store), NULL);

  db = tm_store_get_db (store);
  self = g_new0 (TmCatalogReal, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->chunk = g_string_chunk_new (1 << 20);
  self->interned = g_hash_table_new (g_str_hash, g_str_equal);

  /*
   * Two connections read in parallel, and must see the same data.  Holding
   * the write lock (BEGIN IMMEDIATE) means nobody can commit until both are
   * done, so the second connection's snapshot is this one's.  Where the lock
   * cannot be had (a read-only file, a long import elsewhere) everything is
   * read on this connection, one part after the other.
   */
  locked = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
  if (!locked && sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      sql_failed (db, error);
      catalog_free (self);
      return NULL;
    }

  reader.chunk = self->cooperation_chunk = g_string_chunk_new (1 << 20);
  reader.interned = g_hash_table_new (g_str_hash, g_str_equal);
  if (locked && g_get_num_processors () > 1 && tm_store_get_path (store) != NULL)
    {
      reader.path = tm_store_get_path (store);
      thread = g_thread_new ("tm-catalog", read_cooperations, &reader);
    }

  {
    /* G_MESSAGES_DEBUG=tm-catalog shows where the time goes. */
    gint64 t0 = g_get_monotonic_time (), t1 = 0, t2 = 0;

    ok = load_brands (self, store, &brand_of_ix, &max_brand_ix, error)
      && load_streamers (self, db, &streamer_of_ix, &max_ix, error)
      && load_accounts (self, db, streamer_of_ix, max_ix, error)
      && load_incidents (self, db, streamer_of_ix, max_ix, error);
    t1 = g_get_monotonic_time ();

    if (thread != NULL)
      {
        g_thread_join (thread);
        if (reader.error != NULL && reader.error->code != TM_STORE_ERROR_CORRUPT)
          {
            /* Could not open a second connection: read on this one. */
            g_debug ("reading cooperations in parallel failed: %s", reader.error->message);
            g_clear_error (&reader.error);
            g_clear_pointer (&reader.rows, g_free);
            thread = NULL;
          }
      }
    if (thread == NULL)
      {
        reader.path = NULL;
        reader.db = db;
        read_cooperations (&reader);
      }
    t2 = g_get_monotonic_time ();

    if (ok && reader.error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&reader.error));
        ok = FALSE;
      }
    if (ok)
      place_cooperations (self, &reader, streamer_of_ix, max_ix, brand_of_ix, max_brand_ix);
    g_clear_error (&reader.error);
    g_free (reader.rows);
    g_hash_table_unref (reader.interned);

    if (ok)
      g_debug ("catalog loaded: brands, streamers, accounts, incidents %.3f s; "
               "cooperations %s %.3f s after; placing %.3f s",
               (t1 - t0) / 1e6, thread ? "in parallel, done" : "read", (t2 - t1) / 1e6,
               (g_get_monotonic_time () - t2) / 1e6);
  }
  /* Nothing was written: the lock goes without touching the file. */
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);

  if (!ok)
    {
      catalog_free (self);
      return NULL;
    }
  return &self->pub;
}

TmCatalog *
tm_catalog_ref (TmCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&REAL (self)->ref_count);
  return self;
}

void
tm_catalog_unref (TmCatalog *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&REAL (self)->ref_count))
    catalog_free (REAL (self));
}

gint
tm_catalog_find_streamer (const TmCatalog *self, const char *id)
{
  guint lo = 0, hi;

  g_return_val_if_fail (self != NULL, -1);
  if (id == NULL)
    return -1;
  hi = self->n_streamers;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = strcmp (self->streamers[mid].id, id);

      if (cmp == 0)
        return (gint) mid;
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

gint
tm_catalog_find_brand (const TmCatalog *self, const char *id)
{
  g_return_val_if_fail (self != NULL, -1);
  if (id == NULL)
    return -1;
  for (guint i = 0; i < self->n_brands; i++)
    if (strcmp (self->brands[i]->id, id) == 0)
      return (gint) i;
  return -1;
}

const char *
tm_catalog_lookup_string (const TmCatalog *self, const char *str)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (str == NULL)
    return NULL;
  return g_hash_table_lookup (REAL (self)->interned, str);
}

gsize
tm_catalog_get_memory_size (const TmCatalog *self)
{
  const TmCatalogReal *real = (const TmCatalogReal *) self;
  gsize size = sizeof (TmCatalogReal);

  size += self->n_streamers * sizeof (TmCatalogStreamer);
  size += self->n_accounts * sizeof (TmCatalogAccount);
  size += self->n_tags * sizeof (TmCatalogTag);
  size += self->n_categories * sizeof (char *);
  size += self->n_cooperations * sizeof (TmCatalogCooperation);
  size += self->n_incidents * sizeof (TmCatalogIncident);
  size += g_hash_table_size (real->interned) * 3 * sizeof (gpointer);
  /* GStringChunk does not say how much it holds; the strings are counted
   * by the caller's RSS figures in the benchmark. */
  return size;
}
