/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-directory"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-directory.h"

/*
 * Every streamer's searchable fields are folded (NFKC, then case folding)
 * once, when the directory is made, into one buffer: a row is then a few
 * byte searches over its own slice and a few integer checks, with no
 * allocation and no Unicode work, so the view can filter 100k rows per
 * keystroke.  One buffer and an offset array rather than a string per
 * streamer: no per-string allocation overhead, and rows lie next to each
 * other in memory in the order a scan reads them.
 */

/* Between the fields of one streamer: white space, so never inside a
 * search term, and a match cannot run from one field into the next. */
#define FIELD_SEPARATOR '\n'

/* Per streamer, next to its platform bits. */
#define FLAG_INCIDENTS (1u << 7)
G_STATIC_ASSERT (TM_N_PLATFORMS <= 7);

/* A search term, and its byte that is rarest in the texts: a row is
 * scanned for that byte with memchr(), and compared where it occurs. */
typedef struct {
  const char *text;
  gsize       len;
  gsize       rare;      /* offset in text */
} Term;

struct _TmDirectory
{
  TmCatalog   *catalog;

  /* Streamer i's folded fields, FIELD_SEPARATOR between them, are the
   * bytes texts[offsets[i]] up to texts[offsets[i + 1] - 1], a NUL. */
  char        *texts;
  guint32     *offsets;          /* n_streamers + 1 */
  GThread     *texts_thread;     /* still making texts; nullable */
  /* What the other filters read, in arrays of their own so that a scan
   * touches a byte and a double a row rather than the catalog's large
   * records: bit 1 << TmPlatform for each platform a streamer has an
   * account on, FLAG_INCIDENTS; the credit percent, NAN unknown. */
  guint8      *flags;
  double      *credit;
  /* How often each byte value occurs in texts. */
  guint64      byte_counts[256];

  /* The order set: every catalog index, sorted; NULL for catalog order. */
  guint32     *order;
  TmDirectoryOrder order_by;
  gboolean     descending;
  /* The names' collation keys, made on the first sort by name: streamer
   * i's at name_keys + name_key_offsets[i]. */
  char        *name_keys;
  guint32     *name_key_offsets;

  /* The filter set. */
  char        *terms_buffer;     /* the folded search, cut into terms */
  Term        *terms;            /* into terms_buffer, longest first */
  guint        n_terms;
  guint8       platform_mask;    /* 0: any */
  gboolean     no_platform;      /* only platforms no streamer can be on */
  gboolean     by_category;
  const char  *category;         /* interned; NULL when nobody lists it */
  gboolean     by_credit;
  double       min_credit;
  double       max_credit;
  gboolean     has_incidents;
};

/* Appends @text to @out with control characters blanked, so that the
 * separators stay unambiguous whatever the data holds.  UTF-8
 * continuation bytes are all >= 0x80, so this works byte by byte. */
static void
append_field (GString    *out,
              const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (out->len > 0)
    g_string_append_c (out, FIELD_SEPARATOR);
  for (const char *p = text; *p; p++)
    g_string_append_c (out, (guchar) *p < 0x20 ? ' ' : *p);
}

/* NFKC first, so that full-width and compatibility forms fold like their
 * plain letters.  @text must be valid UTF-8. */
static char *
fold (const char *text,
      gssize      len)
{
  g_autofree char *nfkc = g_utf8_normalize (text, len, G_NORMALIZE_ALL_COMPOSE);

  g_assert (nfkc != NULL);
  return g_utf8_casefold (nfkc, -1);
}

/* Appends fold (@text) to @out.  Nearly every name, handle and tag is
 * made of ASCII and CJK ideographs (U+3400–U+9FFF), which NFKC leaves as
 * they are and which fold to themselves but for the ASCII capitals; such
 * text is copied, lowered, without the Unicode tables, which makes the
 * directory several times faster to build.  Anything else goes through
 * fold(). */
static void
append_folded (GString    *out,
               const char *text,
               gsize       len)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + len;
  gsize start = out->len;

  while (p < end)
    {
      if (*p < 0x80)
        {
          g_string_append_c (out, g_ascii_tolower (*p));
          p++;
        }
      else if (end - p >= 3
               && ((p[0] >= 0xe4 && p[0] <= 0xe9) || (p[0] == 0xe3 && p[1] >= 0x90)))
        {
          g_string_append_len (out, (const char *) p, 3);
          p += 3;
        }
      else
        {
          g_autofree char *folded = fold (text, len);

          g_string_truncate (out, start);
          g_string_append (out, folded);
          return;
        }
    }
}

static void
append_search_text (GString                 *raw,
                    const TmCatalog         *catalog,
                    const TmCatalogStreamer *s)
{
  append_field (raw, s->name);
  append_field (raw, s->id);
  for (guint32 k = 0; k < s->n_accounts; k++)
    append_field (raw, catalog->accounts[s->first_account + k].handle);
  for (guint32 k = 0; k < s->n_tags; k++)
    append_field (raw, catalog->tags[s->first_tag + k].tag);
}

/* Runs in a thread of its own: folds the search text of every streamer
 * into self->texts.  Nothing else touches those fields, nor
 * byte_counts, until wait_for_texts() has joined the thread. */
static gpointer
make_texts (gpointer data)
{
  TmDirectory *self = data;
  const TmCatalog *catalog = self->catalog;
  g_autoptr(GString) raw = g_string_sized_new (256);
  GString *texts;
  guint n = catalog->n_streamers;

  /* About 90 bytes a streamer in generated data; trimmed at the end. */
  texts = g_string_sized_new ((gsize) n * 96 + 1);
  for (guint i = 0; i < n; i++)
    {
      g_string_truncate (raw, 0);
      append_search_text (raw, catalog, &catalog->streamers[i]);
      if (!g_utf8_validate (raw->str, raw->len, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (raw->str, raw->len);
          g_string_assign (raw, valid);
        }
      g_assert (texts->len < G_MAXUINT32);
      self->offsets[i] = (guint32) texts->len;
      append_folded (texts, raw->str, raw->len);
      g_string_append_c (texts, '\0');
    }
  g_assert (texts->len <= G_MAXUINT32);
  self->offsets[n] = (guint32) texts->len;
  self->texts = g_realloc (g_string_free (texts, FALSE), self->offsets[n] + 1);

  for (guint32 k = 0; k < self->offsets[n]; k++)
    self->byte_counts[(guchar) self->texts[k]]++;
  return NULL;
}

/* The search texts are needed from here on. */
static void
wait_for_texts (TmDirectory *self)
{
  if (self->texts_thread != NULL)
    g_thread_join (g_steal_pointer (&self->texts_thread));
}

/**
 * tm_directory_new:
 * @catalog: the streamers to search
 *
 * Starts folding the search text of every streamer of @catalog in a
 * thread (a tenth of a second for 100k streamers), so that showing the
 * streamers need not wait for it; the first search does.  The directory
 * keeps a reference to @catalog.
 *
 * Returns: (transfer full): a directory whose filter lets everyone through
 */
TmDirectory *
tm_directory_new (TmCatalog *catalog)
{
  TmDirectory *self;
  guint n;

  g_return_val_if_fail (catalog != NULL, NULL);

  n = catalog->n_streamers;
  self = g_new0 (TmDirectory, 1);
  self->catalog = tm_catalog_ref (catalog);
  self->offsets = g_new (guint32, n + 1);
  self->flags = g_new0 (guint8, MAX (n, 1));
  self->credit = g_new (double, MAX (n, 1));
  self->min_credit = 0.0;
  self->max_credit = 100.0;
  self->texts_thread = g_thread_new ("tm-directory", make_texts, self);

  for (guint i = 0; i < n; i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];

      for (guint32 k = 0; k < s->n_accounts; k++)
        {
          gint8 platform = catalog->accounts[s->first_account + k].platform;

          if (platform >= 0 && platform < TM_N_PLATFORMS)
            self->flags[i] |= 1u << platform;
        }
      if (s->n_incidents > 0)
        self->flags[i] |= FLAG_INCIDENTS;
      self->credit[i] = tm_directory_credit_percent (s);
    }
  return self;
}

void
tm_directory_free (TmDirectory *self)
{
  if (self == NULL)
    return;
  wait_for_texts (self);
  g_clear_pointer (&self->catalog, tm_catalog_unref);
  g_free (self->texts);
  g_free (self->offsets);
  g_free (self->flags);
  g_free (self->credit);
  g_free (self->terms_buffer);
  g_free (self->terms);
  g_free (self->order);
  g_free (self->name_keys);
  g_free (self->name_key_offsets);
  g_free (self);
}

TmCatalog *
tm_directory_get_catalog (TmDirectory *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->catalog;
}

static int
compare_lengths_descending (gconstpointer a,
                            gconstpointer b)
{
  gsize la = strlen (*(const char * const *) a);
  gsize lb = strlen (*(const char * const *) b);

  return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Splits the folded @search at white space into self->terms.  A term
 * inside another one is dropped (the longer one implies it), and the
 * longest goes first: it is the likeliest to rule a row out early. */
static void
set_terms (TmDirectory *self,
           const char  *search)
{
  g_autofree char *valid = NULL;
  g_autoptr(GPtrArray) terms = g_ptr_array_new ();
  char *p;

  g_clear_pointer (&self->terms_buffer, g_free);
  g_clear_pointer (&self->terms, g_free);
  self->n_terms = 0;
  if (search == NULL || *search == '\0')
    return;

  if (!g_utf8_validate (search, -1, NULL))
    search = valid = g_utf8_make_valid (search, -1);
  self->terms_buffer = fold (search, -1);

  p = self->terms_buffer;
  while (*p)
    {
      char *start;

      while (*p && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p == '\0')
        break;
      start = p;
      while (*p && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p)
        {
          char *next = g_utf8_next_char (p);

          /* Cut the term off at the space, whatever its width. */
          memset (p, '\0', next - p);
          p = next;
        }
      g_ptr_array_add (terms, start);
    }

  g_ptr_array_sort (terms, compare_lengths_descending);
  self->terms = g_new (Term, MAX (terms->len, 1));
  for (guint i = 0; i < terms->len; i++)
    {
      const char *term = g_ptr_array_index (terms, i);
      gboolean implied = FALSE;

      for (guint k = 0; k < self->n_terms && !implied; k++)
        implied = strstr (self->terms[k].text, term) != NULL;
      if (!implied)
        {
          Term *t = &self->terms[self->n_terms++];

          t->text = term;
          t->len = strlen (term);
          t->rare = 0;
          for (gsize k = 1; k < t->len; k++)
            if (self->byte_counts[(guchar) term[k]] < self->byte_counts[(guchar) term[t->rare]])
              t->rare = k;
        }
    }
}

/**
 * tm_directory_set_filter:
 * @self: a directory
 * @filter: what to let through; copied
 *
 * Credit bounds are in percent of each streamer's platform scale and
 * inclusive; NAN bounds stand for 0 and 100.  An empty category code, like
 * a %NULL one, means any category.
 */
void
tm_directory_set_filter (TmDirectory             *self,
                         const TmDirectoryFilter *filter)
{
  double min_credit, max_credit;

  g_return_if_fail (self != NULL);
  g_return_if_fail (filter != NULL);

  if (filter->search != NULL && *filter->search != '\0')
    wait_for_texts (self);
  set_terms (self, filter->search);
  self->platform_mask = filter->platforms & ((1u << TM_N_PLATFORMS) - 1);
  self->no_platform = filter->platforms != 0 && self->platform_mask == 0;

  self->by_category = filter->category != NULL && *filter->category != '\0';
  /* Categories are interned, so a row compares pointers; a code no record
   * uses has no interned copy, and then no row can match. */
  self->category = self->by_category
    ? tm_catalog_lookup_string (self->catalog, filter->category)
    : NULL;

  min_credit = isnan (filter->min_credit) ? 0.0 : filter->min_credit;
  max_credit = isnan (filter->max_credit) ? 100.0 : filter->max_credit;
  self->by_credit = !(min_credit <= 0.0 && max_credit >= 100.0);
  self->min_credit = min_credit;
  self->max_credit = max_credit;

  self->has_incidents = filter->has_incidents;
}

static inline gboolean
filter_platforms_any (const TmDirectory *self)
{
  return self->platform_mask == 0 && !self->no_platform;
}

gboolean
tm_directory_filter_is_empty (TmDirectory *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->n_terms == 0
    && filter_platforms_any (self)
    && !self->by_category
    && !self->by_credit
    && !self->has_incidents;
}

static inline gboolean
lists_category (const TmCatalog         *catalog,
                const TmCatalogStreamer *s,
                const char              *category)
{
  const char * const *categories = catalog->categories + s->first_category;

  for (guint32 k = 0; k < s->n_categories; k++)
    if (categories[k] == category)
      return TRUE;
  return FALSE;
}

/* Whether @term occurs in the @len bytes at @text.  Chinese text makes
 * strstr() and memmem() slow here: their first-byte scan stops at nearly
 * every character (most start with 0xe4–0xe9), and memmem() prepares
 * tables per call.  The rarest byte stops seldom, and memchr() is fast. */
static inline gboolean
contains (const char *text,
          gsize       len,
          const Term *term)
{
  const char *p, *last;
  guchar rare;

  if (term->len > len)
    return FALSE;
  rare = term->text[term->rare];
  p = text + term->rare;
  last = text + (len - term->len) + term->rare;
  while (p <= last)
    {
      p = memchr (p, rare, last - p + 1);
      if (p == NULL)
        return FALSE;
      if (memcmp (p - term->rare, term->text, term->len) == 0)
        return TRUE;
      p++;
    }
  return FALSE;
}

/* The cheap checks (a byte, a double) go before the catalog's record and
 * the text; nothing here writes, so readers may share the directory. */
static inline gboolean
matches (const TmDirectory *self,
         guint              index)
{
  guint8 flags = self->flags[index];
  const char *text;
  gsize len;

  if (self->platform_mask != 0 && (flags & self->platform_mask) == 0)
    return FALSE;
  if (self->has_incidents && (flags & FLAG_INCIDENTS) == 0)
    return FALSE;
  /* Written so that an unknown (NAN) credit fails too. */
  if (self->by_credit
      && !(self->credit[index] >= self->min_credit && self->credit[index] <= self->max_credit))
    return FALSE;
  if (self->by_category
      && !lists_category (self->catalog, &self->catalog->streamers[index], self->category))
    return FALSE;

  if (self->n_terms == 0)
    return TRUE;
  /* Terms mean a search, which waited for the texts. */
  text = self->texts + self->offsets[index];
  len = self->offsets[index + 1] - self->offsets[index] - 1;
  for (guint t = 0; t < self->n_terms; t++)
    if (!contains (text, len, &self->terms[t]))
      return FALSE;
  return TRUE;
}

/* Filters no streamer can pass, found once rather than per row. */
static gboolean
passes_none (const TmDirectory *self)
{
  return self->no_platform
    || (self->by_category && self->category == NULL)
    || (self->by_credit && self->min_credit > self->max_credit);
}

gboolean
tm_directory_matches (TmDirectory *self,
                      guint        index)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (index < self->catalog->n_streamers, FALSE);

  return !passes_none (self) && matches (self, index);
}

guint
tm_directory_count_matches (TmDirectory *self)
{
  guint n, count = 0;

  g_return_val_if_fail (self != NULL, 0);

  n = self->catalog->n_streamers;
  if (tm_directory_filter_is_empty (self))
    return n;
  if (passes_none (self))
    return 0;
  for (guint i = 0; i < n; i++)
    count += matches (self, i);
  return count;
}

/* ---- Order ----------------------------------------------------------- */

typedef struct {
  const TmDirectory *self;
  const double      *keys;   /* by index; NULL: by name */
  gboolean           descending;
} SortContext;

/* By key (by name without keys), then, whichever the direction, by
 * catalog index: equal rows keep catalog order. */
static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  const SortContext *ctx = data;
  guint32 i = *(const guint32 *) a;
  guint32 j = *(const guint32 *) b;
  int c;

  if (ctx->keys != NULL)
    c = (ctx->keys[i] > ctx->keys[j]) - (ctx->keys[i] < ctx->keys[j]);
  else
    c = strcmp (ctx->self->name_keys + ctx->self->name_key_offsets[i],
                ctx->self->name_keys + ctx->self->name_key_offsets[j]);
  if (ctx->descending)
    c = -c;
  return c != 0 ? c : (i > j) - (i < j);
}

static void
make_name_keys (TmDirectory *self)
{
  const TmCatalog *catalog = self->catalog;
  guint n = catalog->n_streamers;
  GString *keys;
  gsize size;

  if (self->name_keys != NULL)
    return;
  keys = g_string_sized_new ((gsize) n * 32);
  self->name_key_offsets = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_utf8_collate_key (catalog->streamers[i].name, -1);

      g_assert (keys->len < G_MAXUINT32);
      self->name_key_offsets[i] = (guint32) keys->len;
      g_string_append_len (keys, key, strlen (key) + 1);
    }
  size = keys->len;
  self->name_keys = g_realloc (g_string_free (keys, FALSE), MAX (size, 1));
}

/* The number a column sorts by; an unknown credit sorts below every
 * known one, as does a streamer without cooperations (TM_DATE_NONE). */
static double
order_key (const TmDirectory       *self,
           TmDirectoryOrder         order,
           guint                    index)
{
  const TmCatalogStreamer *s = &self->catalog->streamers[index];

  switch (order)
    {
    case TM_DIRECTORY_ORDER_FOLLOWERS:
      return (double) s->followers_total;
    case TM_DIRECTORY_ORDER_CREDIT:
      return isnan (self->credit[index]) ? -INFINITY : self->credit[index];
    case TM_DIRECTORY_ORDER_COOPERATIONS:
      return s->n_cooperations;
    case TM_DIRECTORY_ORDER_LAST_COOPERATION:
      return s->last_cooperation;
    case TM_DIRECTORY_ORDER_INCIDENTS:
      return s->n_incidents;
    case TM_DIRECTORY_ORDER_CATALOG:
    case TM_DIRECTORY_ORDER_NAME:
    default:
      g_assert_not_reached ();
    }
}

/**
 * tm_directory_set_order:
 * @self: a directory
 * @order: the column to sort by
 * @descending: whether the largest comes first
 *
 * Sorts every streamer (some 50 ms for 100k; the first sort by name also
 * makes the names' collation keys).  tm_directory_collect() then lists
 * the streamers that pass the filter in this order without sorting.
 */
void
tm_directory_set_order (TmDirectory      *self,
                        TmDirectoryOrder  order,
                        gboolean          descending)
{
  guint n;
  g_autofree double *keys = NULL;
  SortContext ctx;

  g_return_if_fail (self != NULL);
  g_return_if_fail (order >= TM_DIRECTORY_ORDER_CATALOG && order <= TM_DIRECTORY_ORDER_INCIDENTS);

  descending = !!descending;
  if (order == self->order_by && descending == self->descending)
    return;
  self->order_by = order;
  self->descending = descending;
  g_clear_pointer (&self->order, g_free);

  n = self->catalog->n_streamers;
  if (order == TM_DIRECTORY_ORDER_CATALOG && !descending)
    return;

  self->order = g_new (guint32, MAX (n, 1));
  if (order == TM_DIRECTORY_ORDER_CATALOG)
    {
      for (guint k = 0; k < n; k++)
        self->order[k] = n - 1 - k;
      return;
    }

  for (guint k = 0; k < n; k++)
    self->order[k] = k;
  if (order == TM_DIRECTORY_ORDER_NAME)
    make_name_keys (self);
  else
    {
      /* Keys in an array of their own: the sort compares them often and
       * should not walk the catalog's large records each time. */
      keys = g_new (double, MAX (n, 1));
      for (guint k = 0; k < n; k++)
        keys[k] = order_key (self, order, k);
    }
  ctx = (SortContext) { self, keys, descending };
  g_qsort_with_data (self->order, n, sizeof (guint32), compare_rows, &ctx);
}

/**
 * tm_directory_collect:
 * @self: a directory
 *
 * Returns: (transfer full) (element-type guint32): the catalog indices of
 *   the streamers that pass the filter set, in the order set
 */
GArray *
tm_directory_collect (TmDirectory *self)
{
  GArray *indices;
  guint n;

  g_return_val_if_fail (self != NULL, NULL);

  n = self->catalog->n_streamers;
  if (tm_directory_filter_is_empty (self))
    {
      indices = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
      if (self->order != NULL)
        g_array_append_vals (indices, self->order, n);
      else
        for (guint32 i = 0; i < n; i++)
          g_array_append_val (indices, i);
      return indices;
    }

  indices = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (passes_none (self))
    return indices;
  if (self->order == NULL)
    {
      for (guint32 i = 0; i < n; i++)
        if (matches (self, i))
          g_array_append_val (indices, i);
    }
  else
    {
      /* Matching in sorted order would jump about the texts; match in
       * catalog order into a bitmap (12 KiB for 100k), then walk the
       * order. */
      g_autofree guint64 *passed = g_new0 (guint64, (n + 63) / 64);

      for (guint32 i = 0; i < n; i++)
        if (matches (self, i))
          passed[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
      for (guint k = 0; k < n; k++)
        {
          guint32 i = self->order[k];

          if (passed[i / 64] & (G_GUINT64_CONSTANT (1) << (i % 64)))
            g_array_append_val (indices, i);
        }
    }
  return indices;
}

/**
 * tm_directory_credit_percent:
 * @streamer: a streamer of a catalog
 *
 * Returns: the credit score in percent of its platform's scale (0–100),
 *   or NAN when the score or the scale is unknown
 */
double
tm_directory_credit_percent (const TmCatalogStreamer *streamer)
{
  double percent;

  g_return_val_if_fail (streamer != NULL, NAN);

  if (isnan (streamer->credit_score) || !(streamer->credit_scale > 0))
    return NAN;
  percent = (double) streamer->credit_score / streamer->credit_scale * 100.0;
  /* The catalog keeps scores as floats: 4.2 of 5 comes out as 83.999996,
   * which a filter from 84 % would drop although the column shows 84 %.
   * Scores have a few decimals at most, and float noise is below 1e-5 %,
   * so rounding to 1e-4 % gives back the decimal value. */
  return round (percent * 1e4) / 1e4;
}
