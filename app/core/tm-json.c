/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-json"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tm-json.h"
#include "tm-sha256.h"

G_DEFINE_QUARK (tm-json-error-quark, tm_json_error)

/* Limits of the format (docs/data-format.md). */
#define MAX_MONEY_FEN     G_GINT64_CONSTANT (1000000000000000)   /* 10^15 fen */
#define MAX_COUNT         G_GINT64_CONSTANT (1000000000000000)
#define MAX_FOLLOWERS     G_GINT64_CONSTANT (10000000000)        /* 10^10 */
#define MAX_NAME_CHARS    100
#define MAX_TAG_CHARS     32
#define MAX_HANDLE_CHARS  64
#define MAX_NOTES_CHARS   10000
#define MAX_TEXT_CHARS    2000
#define MAX_URL_BYTES     2000
#define MAX_DESCRIPTION_CHARS 10000
#define AUDIENCE_TOLERANCE 0.01

/* ------------------------------------------------------------------ */
/* Numbers as text                                                      */
/* ------------------------------------------------------------------ */

/* The text of %.15g for a value that is a decimal of at most 8 places and
 * 15 digits, between 1e-4 and 1e9: rates, shares, ratings and weights,
 * nearly every double of a dataset.  Found without printf: when n / 10^k
 * rounds to @value for an integer n below 10^15, the decimal n·10^-k reads
 * back as @value (strtod and the division round the same exact number), and
 * rounding @value to 15 digits gives that decimal again (it is off by at
 * most half an ulp, far less than half a unit of the 15th digit), which %g
 * prints in fixed notation without trailing zeros.  The smallest such k
 * gives no trailing zeros.  FALSE for any other value. */
static gboolean
format_double_decimal (char   *buf,
                       gsize   size,
                       double  value)
{
  static const double powers[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
  double a = fabs (value);

  /* Room for a sign, 9 + 8 digits, "0.", zeros and the NUL. */
  if (!(a >= 1e-4 && a < 1e9) || size < 32)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (powers); k++)
    {
      double n = nearbyint (a * powers[k]);
      char digits[24];
      char *p = digits + sizeof digits;
      char *out = buf;
      guint64 v;
      guint len;

      if (n / powers[k] != a)
        continue;
      if (n >= 1e15)
        return FALSE;
      for (v = (guint64) n; v != 0; v /= 10)
        *--p = (char) ('0' + v % 10);
      len = digits + sizeof digits - p;
      if (value < 0)
        *out++ = '-';
      if (len > k)
        {
          memcpy (out, p, len - k);
          out += len - k;
          p += len - k;
          len = k;
        }
      else
        *out++ = '0';
      if (k > 0)
        {
          *out++ = '.';
          for (guint z = len; z < k; z++)
            *out++ = '0';
          memcpy (out, p, len);
          out += len;
          /* Not expected with the smallest k; kept so the text stays %g's. */
          while (out[-1] == '0')
            out--;
          if (out[-1] == '.')
            out--;
        }
      *out = '\0';
      return TRUE;
    }
  return FALSE;
}

void
tm_json_format_double (char   *buf,
                       gsize   size,
                       double  value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };

  if (format_double_decimal (buf, size, value))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, size, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return;
    }
}

/* ------------------------------------------------------------------ */
/* The tree the reader walks                                            */
/* ------------------------------------------------------------------ */

/* The pre-scan tokenizes everything anyway, so when reading a dataset it
 * also builds this tree in the same pass.  json-glib's tree took ~11 bytes
 * per byte of JSON in small allocations, and building and freeing it was
 * most of a sync's CPU; this one takes about 1.5 bytes per byte of a
 * pretty-printed dataset, in a few large blocks of one arena per load, and
 * is freed by dropping them. */

typedef enum {
  NODE_NULL,
  NODE_BOOLEAN,
  NODE_INT,      /* written without fraction or exponent, as json-glib has it */
  NODE_DOUBLE,
  NODE_STRING,
  NODE_ARRAY,
  NODE_OBJECT,
} NodeType;

typedef struct _Node Node;
typedef struct _Member Member;

struct _Node {
  guint8   type;   /* NodeType */
  guint32  size;   /* bytes of a string, elements of an array, members of an object */
  union {
    gboolean      boolean;
    gint64        integer;
    double        number;
    const char   *string;     /* unescaped and NUL-terminated */
    const Node   *elements;
    const Member *members;    /* in file order; the pre-scan refuses equal keys */
  } v;
};

struct _Member {
  const char *key;
  Node        value;
};

/* Records have ~20 members with short keys: a linear scan that mostly
 * compares a byte or two beats hashing the key, and calling strcmp. */
static inline gboolean
key_equal (const char *a,
           const char *b)
{
  for (; *a == *b; a++, b++)
    if (*a == '\0')
      return TRUE;
  return FALSE;
}

typedef struct _ArenaBlock ArenaBlock;

struct _ArenaBlock {
  ArenaBlock *next;
  gsize       size;     /* of data */
  gint64      data[];   /* aligned for any node */
};

typedef struct {
  ArenaBlock *blocks;
  char       *p;
  char       *end;
  gsize       next_size;
} Arena;

/* The largest block of its last load that a thread keeps for its next
 * one, up to SPARE_BLOCK_MAX.  A sync parses hundreds of shards one after
 * the other on a few threads; without it, every tree is built in fresh
 * pages, and the kernel's page faults took a sixth of the time. */
#define SPARE_BLOCK_MAX ((gsize) 16 * 1024 * 1024)

static GPrivate spare_block = G_PRIVATE_INIT (g_free);

static G_NO_INLINE void
arena_grow (Arena *arena,
            gsize  size)
{
  ArenaBlock *block = g_private_get (&spare_block);
  gsize block_size;

  if (block != NULL && block->size >= size)
    {
      g_private_set (&spare_block, NULL);
      block_size = block->size;
    }
  else
    {
      block_size = MAX (arena->next_size, size);
      block = g_malloc (sizeof (ArenaBlock) + block_size);
      block->size = block_size;
    }
  block->next = arena->blocks;
  arena->blocks = block;
  arena->p = (char *) block->data;
  arena->end = arena->p + block_size;
  /* Few blocks even when the first guess was far too small. */
  arena->next_size = MAX (arena->next_size, block_size * 2);
}

/* @align: a power of two, at most that of the blocks' data (8). */
static inline void *
arena_alloc (Arena *arena,
             gsize  size,
             gsize  align)
{
  char *p = (char *) (((guintptr) arena->p + align - 1) & ~(guintptr) (align - 1));

  if (G_UNLIKELY (arena->p == NULL || p > arena->end || size > (gsize) (arena->end - p)))
    {
      arena_grow (arena, size);
      p = arena->p;
    }
  arena->p = p + size;
  return p;
}

static void
arena_clear (Arena *arena)
{
  ArenaBlock *keep = NULL;

  for (ArenaBlock *b = arena->blocks; b != NULL; b = b->next)
    if (b->size <= SPARE_BLOCK_MAX && (keep == NULL || b->size > keep->size))
      keep = b;
  while (arena->blocks != NULL)
    {
      ArenaBlock *next = arena->blocks->next;

      if (arena->blocks != keep)
        g_free (arena->blocks);
      arena->blocks = next;
    }
  arena->p = arena->end = NULL;
  if (keep != NULL)
    {
      ArenaBlock *spare = g_private_get (&spare_block);

      if (spare == NULL || spare->size < keep->size)
        g_private_replace (&spare_block, keep);
      else
        g_free (keep);
    }
}

typedef struct {
  Arena   arena;
  Member *items;     /* the entries of every open container, innermost last */
  gsize   n_items;
  gsize   n_allocated;
  Node    root;
} Tree;

static void
tree_init (Tree  *tree,
           gsize  length)
{
  memset (tree, 0, sizeof *tree);
  /* A pretty-printed dataset makes a tree of about 1.5 times its size,
   * a compact one more; pages of a block that are never used cost no
   * memory, but a huge file need not reserve it all at once. */
  tree->arena.next_size = MIN (2 * length + 4096, (gsize) 64 * 1024 * 1024);
  tree->root.type = NODE_NULL;
}

static void
tree_clear (Tree *tree)
{
  arena_clear (&tree->arena);
  g_clear_pointer (&tree->items, g_free);
  tree->n_items = tree->n_allocated = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Tree, tree_clear)

static inline Member *
tree_push (Tree *tree)
{
  if (G_UNLIKELY (tree->n_items == tree->n_allocated))
    {
      tree->n_allocated = MAX (64, tree->n_allocated * 2);
      tree->items = g_renew (Member, tree->items, tree->n_allocated);
    }
  return &tree->items[tree->n_items++];
}

/* Decodes the escapes of a string the scan has checked; returns the
 * length written to @out, never more than @end - @p. */
static gsize
unescape (char       *out,
          const char *p,
          const char *end)
{
  char *o = out;

  while (p < end)
    {
      const char *backslash = memchr (p, '\\', end - p);
      gunichar u;

      if (backslash == NULL)
        backslash = end;
      memcpy (o, p, backslash - p);
      o += backslash - p;
      p = backslash;
      if (p == end)
        break;
      switch (p[1])
        {
        case 'b': *o++ = '\b'; p += 2; continue;
        case 'f': *o++ = '\f'; p += 2; continue;
        case 'n': *o++ = '\n'; p += 2; continue;
        case 'r': *o++ = '\r'; p += 2; continue;
        case 't': *o++ = '\t'; p += 2; continue;
        case 'u': break;
        default: *o++ = p[1]; p += 2; continue;   /* " \ / */
        }
      u = 0;
      for (int i = 2; i < 6; i++)
        u = (u << 4) | (gunichar) g_ascii_xdigit_value (p[i]);
      p += 6;
      if (u >= 0xD800 && u <= 0xDBFF)
        {
          gunichar low = 0;

          for (int i = 2; i < 6; i++)
            low = (low << 4) | (gunichar) g_ascii_xdigit_value (p[i]);
          p += 6;
          u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
        }
      o += g_unichar_to_utf8 (u, o);
    }
  return o - out;
}

/* The value of the string between @raw and @raw + @length, in the arena. */
static const char *
tree_string (Tree       *tree,
             const char *raw,
             gsize       length,
             gboolean    escaped,
             guint32    *size)
{
  char *text = arena_alloc (&tree->arena, length + 1, 1);

  if (escaped)
    {
      length = unescape (text, raw, raw + length);
      /* Hand back what the escapes saved: this is the latest allocation. */
      tree->arena.p = text + length + 1;
    }
  else
    memcpy (text, raw, length);
  text[length] = '\0';
  *size = (guint32) length;
  return text;
}

/* ------------------------------------------------------------------ */
/* Pre-scan: strict RFC 8259 over the raw bytes, before any tree         */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *p;
  const char *end;
  const char *line_start;
  guint       line;
  const char *name;
} Scan;

static guint
column_at (const char *line_start,
           const char *p)
{
  guint col = 1;

  /* Count characters, not bytes, as editors do. */
  for (const char *q = line_start; q < p; q++)
    if (((guchar) *q & 0xC0) != 0x80)
      col++;
  return col;
}

static gboolean scan_fail (Scan        *s,
                           const char  *at,
                           int          code,
                           GError     **error,
                           const char  *format,
                           ...) G_GNUC_PRINTF (5, 6);

static gboolean
scan_fail (Scan        *s,
           const char  *at,
           int          code,
           GError     **error,
           const char  *format,
           ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: FILE:LINE:COLUMN: problem */
  g_set_error (error, TM_JSON_ERROR, code, _("%s:%u:%u: %s"),
               s->name, s->line, column_at (s->line_start, at), problem);
  return FALSE;
}

/* The character at @p for messages: itself when printable, else U+XXXX. */
static char *
describe_char (const char *p,
               const char *end)
{
  gunichar c = g_utf8_get_char_validated (p, end - p);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    return g_strdup_printf ("0x%02X", (guchar) *p);
  if (g_unichar_isgraph (c))
    {
      char buf[8] = { 0 };
      g_unichar_to_utf8 (c, buf);
      return g_strdup_printf ("“%s”", buf);
    }
  return g_strdup_printf ("U+%04X", c);
}

/* g_utf8_validate_len () that skips ASCII eight bytes at a time (GLib's
 * byte by byte check was an eighth of a load).  Runs of other bytes are
 * validated by GLib; a character never spans the ASCII byte that ends a
 * run, so the first invalid byte found is the same. */
static gboolean
validate_utf8 (const char  *text,
               gsize        length,
               const char **bad)
{
  const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const char *p = text;
  const char *end = text + length;

  while (p < end)
    {
      const char *run;

      while (end - p >= 8)
        {
          guint64 w;

          memcpy (&w, p, sizeof w);
          /* A byte with the high bit set, or a NUL byte. */
          if (((w | ((w - ones) & ~w)) & high) != 0)
            break;
          p += 8;
        }
      while (p < end && *p != '\0' && (guchar) *p < 0x80)
        p++;
      if (p == end)
        break;
      if (*p == '\0')
        {
          /* GLib stops at a NUL too. */
          *bad = p;
          return FALSE;
        }
      run = p;
      while (p < end && (guchar) *p >= 0x80)
        p++;
      if (!g_utf8_validate_len (run, p - run, bad))
        return FALSE;
    }
  *bad = end;
  return TRUE;
}

static inline void
scan_skip_ws (Scan *s)
{
  const char *p = s->p;
  const char *end = s->end;

  while (p < end)
    {
      char c = *p;

      if (c == '\n')
        {
          s->line++;
          s->line_start = p + 1;
        }
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      else if (c == ' ' && end - p >= 8)
        {
          /* The indentation of pretty-printed data was a tenth of the
           * scan: skip up to eight spaces at once. */
          guint64 w;

          memcpy (&w, p, sizeof w);
          w ^= G_GUINT64_CONSTANT (0x2020202020202020);
          p += w == 0 ? 8 : __builtin_ctzll (w) / 8;
          continue;
        }
#endif
      else if (c != ' ' && c != '\t' && c != '\r')
        break;
      p++;
    }
  s->p = p;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (const char *p,
           const char *end,
           gunichar   *out)
{
  gunichar v = 0;

  if (end - p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (p[i]);
      if (h < 0)
        return FALSE;
      v = (v << 4) | (gunichar) h;
    }
  *out = v;
  return TRUE;
}

/* Scans a string starting at the opening quote and leaves s->p past the
 * closing one.  *@escaped tells whether it has escapes, that is whether
 * its value differs from the text between the quotes (see unescape). */
static gboolean
scan_string (Scan      *s,
             gboolean  *escaped,
             GError   **error)
{
  const char *open = s->p;
  const char *p = s->p + 1;
  const char *end = s->end;

  *escaped = FALSE;
  while (p < end)
    {
      guchar c = (guchar) *p;

      /* Nearly every byte: not a quote, backslash or control character. */
      if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\'))
        {
          p++;
          continue;
        }
      s->p = p;
      if (c == '"')
        {
          s->p = p + 1;
          return TRUE;
        }
      if (c == '\\')
        {
          const char *esc = p;
          char e;

          *escaped = TRUE;
          if (p + 1 >= end)
            break;
          e = p[1];
          if (e == 'u')
            {
              gunichar u, low;

              if (!read_hex4 (p + 2, end, &u))
                return scan_fail (s, esc, TM_JSON_ERROR_SYNTAX, error,
                                  _("“\\u” must be followed by four hexadecimal digits"));
              p += 6;
              if (u == 0)
                return scan_fail (s, esc, TM_JSON_ERROR_SYNTAX, error,
                                  _("a string contains a NUL character (\\u0000)"));
              if (u >= 0xDC00 && u <= 0xDFFF)
                return scan_fail (s, esc, TM_JSON_ERROR_ENCODING, error,
                                  _("unpaired UTF-16 surrogate \\u%04X in a string"), u);
              if (u >= 0xD800 && u <= 0xDBFF)
                {
                  if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
                      !read_hex4 (p + 2, end, &low) || low < 0xDC00 || low > 0xDFFF)
                    return scan_fail (s, esc, TM_JSON_ERROR_ENCODING, error,
                                      _("unpaired UTF-16 surrogate \\u%04X in a string"), u);
                  p += 6;
                }
            }
          else
            {
              static const char escapes[] = "\"\\/bfnrt";

              if (memchr (escapes, e, sizeof escapes - 1) == NULL)
                {
                  if (g_ascii_isgraph (e))
                    return scan_fail (s, esc, TM_JSON_ERROR_SYNTAX, error,
                                      _("“\\%c” is not a JSON escape"), e);
                  return scan_fail (s, esc, TM_JSON_ERROR_SYNTAX, error,
                                    _("a backslash in a string must start an escape such as \\n"));
                }
              p += 2;
            }
          continue;
        }
      /* c < 0x20 */
      if (c == '\n' || c == '\r')
        return scan_fail (s, open, TM_JSON_ERROR_SYNTAX, error,
                          _("a string is not closed before the end of the line "
                            "(write a line break inside a string as \\n)"));
      return scan_fail (s, p, TM_JSON_ERROR_SYNTAX, error,
                        _("control character U+%04X inside a string; write it as an escape"),
                        c);
    }

  s->p = p;
  return scan_fail (s, open, TM_JSON_ERROR_SYNTAX, error,
                    _("a string is not closed; the data ends inside it"));
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* Words that are not JSON: NaN, Infinity, unquoted strings, Python's
 * True/None.  Called with s->p at the word; @node gets true, false or
 * null. */
static gboolean
scan_word (Scan     *s,
           Node     *node,
           GError  **error)
{
  const char *w = s->p;
  const char *e = w;
  g_autofree char *word = NULL;

  while (e < s->end && is_word_char (*e) && e - w < 40)
    e++;

  if (e - w == 4 && memcmp (w, "true", 4) == 0)
    {
      node->type = NODE_BOOLEAN;
      node->v.boolean = TRUE;
    }
  else if (e - w == 5 && memcmp (w, "false", 5) == 0)
    {
      node->type = NODE_BOOLEAN;
      node->v.boolean = FALSE;
    }
  else if (e - w == 4 && memcmp (w, "null", 4) == 0)
    node->type = NODE_NULL;
  else
    {
      word = g_strndup (w, e - w);
      if (g_str_equal (word, "NaN") || g_str_equal (word, "Infinity") ||
          g_str_equal (word, "inf") || g_str_equal (word, "nan"))
        return scan_fail (s, w, TM_JSON_ERROR_NUMBER, error,
                          _("%s is not a number JSON allows; leave an unknown value out"), word);
      return scan_fail (s, w, TM_JSON_ERROR_SYNTAX, error,
                        _("unexpected word “%s”; text must be in double quotes, "
                          "and only true, false and null are written bare"), word);
    }
  s->p = e;
  return TRUE;
}

/* The value of the decimal number between @n and @end (checked by
 * scan_number) when it is m·10^e with m at most 2^53 and |e| at most 22:
 * both are exact doubles, so one correctly rounded multiplication or
 * division gives the same double as strtod (Clinger's fast path), at a
 * fraction of its cost.  FALSE for any other number. */
static gboolean
decimal_fast_path (const char *n,
                   const char *end,
                   double     *out)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  const guint64 max_m = G_GUINT64_CONSTANT (1) << 53;
  const char *p = n + (*n == '-');
  guint64 m = 0;
  int e = 0;
  double v;

  for (; p < end && g_ascii_isdigit (*p); p++)
    {
      if (m > (max_m - (guint) (*p - '0')) / 10)
        return FALSE;
      m = m * 10 + (guint) (*p - '0');
    }
  if (p < end && *p == '.')
    for (p++; p < end && g_ascii_isdigit (*p); p++)
      {
        if (m > (max_m - (guint) (*p - '0')) / 10)
          return FALSE;
        m = m * 10 + (guint) (*p - '0');
        e--;
      }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean negative;
      int x = 0;

      p++;
      negative = *p == '-';
      if (*p == '-' || *p == '+')
        p++;
      for (; p < end; p++)
        {
          if (x > 1000)
            return FALSE;
          x = x * 10 + (*p - '0');
        }
      e += negative ? -x : x;
    }
  if (e < -22 || e > 22)
    return FALSE;
  v = e < 0 ? (double) m / powers[-e] : (double) m * powers[e];
  *out = *n == '-' ? -v : v;
  return TRUE;
}

/* @node gets an integer when the number has no fraction and no exponent
 * (as json-glib has it: 1.0 and 1e2 are doubles), else a double. */
static gboolean
scan_number (Scan     *s,
             Node     *node,
             GError  **error)
{
  const char *n = s->p;
  const char *p = s->p;
  gboolean integer = TRUE;
  gsize len;

  if (*p == '-')
    {
      p++;
      if (p < s->end && (*p == 'I' || *p == 'N' || *p == 'i' || *p == 'n'))
        {
          s->p = p;
          if (!scan_word (s, node, error))
            {
              /* Report at the minus sign. */
              return FALSE;
            }
          return scan_fail (s, n, TM_JSON_ERROR_SYNTAX, error, _("“-” must be followed by digits"));
        }
    }
  if (p >= s->end || !g_ascii_isdigit (*p))
    return scan_fail (s, n, TM_JSON_ERROR_SYNTAX, error, _("“-” must be followed by digits"));
  if (*p == '0' && p + 1 < s->end && g_ascii_isdigit (p[1]))
    return scan_fail (s, n, TM_JSON_ERROR_SYNTAX, error,
                      _("numbers must not start with a zero (leading zeros are not JSON)"));
  while (p < s->end && g_ascii_isdigit (*p))
    p++;
  if (p < s->end && *p == '.')
    {
      integer = FALSE;
      p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return scan_fail (s, n, TM_JSON_ERROR_SYNTAX, error,
                          _("a number needs digits after the decimal point"));
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < s->end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      p++;
      if (p < s->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return scan_fail (s, n, TM_JSON_ERROR_SYNTAX, error,
                          _("a number needs digits after the exponent"));
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }

  len = p - n;
  if (integer)
    {
      /* json-glib wraps integers past 64 bits without a word. */
      const char *d = n + (*n == '-');
      guint64 limit = *n == '-' ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
      guint64 v = 0;
      gboolean overflow = FALSE;

      for (; d < p && !overflow; d++)
        {
          guint digit = *d - '0';
          if (v > (limit - digit) / 10)
            overflow = TRUE;
          else
            v = v * 10 + digit;
        }
      if (overflow)
        {
          g_autofree char *shown = g_strndup (n, MIN (len, 40));
          return scan_fail (s, n, TM_JSON_ERROR_NUMBER, error,
                            _("the integer %s%s is too large (more than 64 bits)"),
                            shown, len > 40 ? "…" : "");
        }
      node->type = NODE_INT;
      /* Negated unsigned: -2^63 does not overflow. */
      node->v.integer = (gint64) (*n == '-' ? 0 - v : v);
    }
  else
    {
      double v;

      if (!decimal_fast_path (n, p, &v))
        {
          /* strtod needs the number on its own; most are short. */
          char local[64];
          g_autofree char *allocated = NULL;
          const char *text = local;

          if (len < sizeof local)
            {
              memcpy (local, n, len);
              local[len] = '\0';
            }
          else
            text = allocated = g_strndup (n, len);
          v = g_ascii_strtod (text, NULL);
        }

      if (!isfinite (v))
        {
          g_autofree char *shown = g_strndup (n, MIN (len, 40));
          return scan_fail (s, n, TM_JSON_ERROR_NUMBER, error,
                            _("the number %s%s is too large to represent"),
                            shown, len > 40 ? "…" : "");
        }
      node->type = NODE_DOUBLE;
      node->v.number = v;
    }
  s->p = p;
  return TRUE;
}

/* Something that cannot start a value: say what it is when it is a known
 * non-JSON habit. */
static gboolean
scan_unexpected (Scan        *s,
                 const char  *expected,
                 GError     **error)
{
  char c = *s->p;
  g_autofree char *what = NULL;

  if (c == '/' && s->p + 1 < s->end && (s->p[1] == '/' || s->p[1] == '*'))
    return scan_fail (s, s->p, TM_JSON_ERROR_SYNTAX, error,
                      _("comments are not allowed in JSON"));
  if (c == '\'')
    return scan_fail (s, s->p, TM_JSON_ERROR_SYNTAX, error,
                      _("single quotes are not JSON; use double quotes"));
  if (c == '#')
    return scan_fail (s, s->p, TM_JSON_ERROR_SYNTAX, error,
                      _("comments are not allowed in JSON"));
  what = describe_char (s->p, s->end);
  /* Translators: "unexpected “x”; expected a value" */
  return scan_fail (s, s->p, TM_JSON_ERROR_SYNTAX, error,
                    _("unexpected %s; expected %s"), what, expected);
}

/* One open container.  The keys of an open object are kept to find a key
 * given twice: when building a tree, they are the keys of its members so
 * far; when only checking, they are kept in one buffer shared by all open
 * objects (NUL-separated, the innermost object's last).  They are compared
 * one by one while there are few, as in a record; an object with many keys
 * gets a hash table instead, so that a huge one cannot make the scan
 * quadratic. */
#define KEY_SCAN_MAX 32

typedef struct {
  gboolean    object;
  gsize       first;       /* its first entry in tree->items */
  gsize       key_start;   /* its first key in the buffer */
  guint       n_keys;
  GHashTable *set;         /* NULL until n_keys reaches KEY_SCAN_MAX */
} Level;

static void
level_clear (gpointer data)
{
  Level *level = data;

  g_clear_pointer (&level->set, g_hash_table_unref);
}

/* Adds @key (of @length bytes, no NUL inside) to the object's keys in the
 * buffer; FALSE when it is already there. */
static gboolean
level_add_key (Level      *level,
               GString    *buffer,
               const char *key,
               gsize       length)
{
  if (level->set == NULL && level->n_keys < KEY_SCAN_MAX)
    {
      for (const char *k = buffer->str + level->key_start; k < buffer->str + buffer->len;
           k += strlen (k) + 1)
        if (strcmp (k, key) == 0)
          return FALSE;
      g_string_append_len (buffer, key, length + 1);
      level->n_keys++;
      return TRUE;
    }
  if (level->set == NULL)
    {
      level->set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (const char *k = buffer->str + level->key_start; k < buffer->str + buffer->len;
           k += strlen (k) + 1)
        g_hash_table_add (level->set, g_strdup (k));
    }
  if (!g_hash_table_add (level->set, g_strndup (key, length)))
    return FALSE;
  level->n_keys++;
  return TRUE;
}

/* The same for a tree: @key (in the arena) against the keys of the
 * object's members so far, the last entries of tree->items. */
static gboolean
level_add_member_key (Level      *level,
                      const Tree *tree,
                      const char *key)
{
  const Member *members = tree->items + level->first;

  if (level->set == NULL && level->n_keys < KEY_SCAN_MAX)
    {
      for (guint i = 0; i < level->n_keys; i++)
        if (key_equal (members[i].key, key))
          return FALSE;
      level->n_keys++;
      return TRUE;
    }
  if (level->set == NULL)
    {
      level->set = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < level->n_keys; i++)
        g_hash_table_add (level->set, (gpointer) members[i].key);
    }
  if (!g_hash_table_add (level->set, (gpointer) key))
    return FALSE;
  level->n_keys++;
  return TRUE;
}

/* Forgets the keys of the innermost object as it closes. */
static void
level_close (Level   *level,
             GString *buffer)
{
  if (buffer != NULL)
    g_string_truncate (buffer, level->key_start);
  level->n_keys = 0;
  g_clear_pointer (&level->set, g_hash_table_unref);
}

/* Puts a value where the innermost open container @parent expects it
 * (its pending member, or a new element), or at the root. */
static inline void
tree_add (Tree        *tree,
          const Level *parent,
          const Node  *node)
{
  if (parent == NULL)
    tree->root = *node;
  else if (parent->object)
    tree->items[tree->n_items - 1].value = *node;
  else
    tree_push (tree)->value = *node;
}

/* Moves the entries of the container @level, which has just closed, into
 * the arena, and adds it to @parent. */
static void
tree_close (Tree        *tree,
            const Level *level,
            const Level *parent)
{
  gsize n = tree->n_items - level->first;
  const Member *items = tree->items + level->first;
  Node node = { 0 };

  node.size = (guint32) n;
  if (n == 0)
    node.type = level->object ? NODE_OBJECT : NODE_ARRAY;
  else if (level->object)
    {
      Member *members = arena_alloc (&tree->arena, n * sizeof (Member), G_ALIGNOF (Member));

      memcpy (members, items, n * sizeof (Member));
      node.type = NODE_OBJECT;
      node.v.members = members;
    }
  else
    {
      Node *elements = arena_alloc (&tree->arena, n * sizeof (Node), G_ALIGNOF (Node));

      for (gsize i = 0; i < n; i++)
        elements[i] = items[i].value;
      node.type = NODE_ARRAY;
      node.v.elements = elements;
    }
  tree->n_items = level->first;
  tree_add (tree, parent, &node);
}

enum {
  STATE_VALUE,  /* a value must come next */
  STATE_KEY,    /* an object key must come next */
  STATE_AFTER,  /* a value just ended */
};

/* tm_json_prescan, and when @tree is given, the tree of the value too. */
static gboolean
scan_document (const char  *data,
               gsize        length,
               guint        max_depth,
               const char  *display_name,
               Tree        *tree,
               GError     **error)
{
  Scan s;
  const char *bad;
  g_autoptr(GArray) levels = NULL;      /* Level, per open container */
  g_autoptr(GString) key_buffer = NULL; /* keys of the open objects, when only checking */
  g_autoptr(GString) key = NULL;
  guint depth = 0;
  int state = STATE_VALUE;

  if (display_name == NULL)
    display_name = _("(data)");

  if (length > TM_JSON_MAX_SIZE)
    {
      g_autofree char *size = g_format_size (length);
      g_autofree char *limit = g_format_size (TM_JSON_MAX_SIZE);
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_TOO_LARGE,
                   _("%s: the data is %s; at most %s is read"), display_name, size, limit);
      return FALSE;
    }

  s.p = s.line_start = data;
  s.end = data + length;
  s.line = 1;
  s.name = display_name;

  /* A UTF-8 byte order mark is harmless; editors on Windows add one. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    s.p = s.line_start = data + 3;

  if (!validate_utf8 (s.p, s.end - s.p, &bad))
    {
      /* Find the line of the bad byte only now: the common case pays nothing. */
      for (const char *q = s.p; q < bad; q++)
        if (*q == '\n')
          {
            s.line++;
            s.line_start = q + 1;
          }
      if (*bad == '\0')
        return scan_fail (&s, bad, TM_JSON_ERROR_ENCODING, error,
                          _("the data contains a NUL byte; it is not a UTF-8 text file"));
      return scan_fail (&s, bad, TM_JSON_ERROR_ENCODING, error,
                        _("invalid UTF-8 (byte 0x%02X); save the file as UTF-8"),
                        (guchar) *bad);
    }

  scan_skip_ws (&s);
  if (s.p == s.end)
    {
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_EMPTY,
                   _("%s: the file is empty (no JSON data at all)"), display_name);
      return FALSE;
    }

  /* Grown as the nesting deepens: the caller may allow a large depth. */
  levels = g_array_new (FALSE, TRUE, sizeof (Level));
  g_array_set_clear_func (levels, level_clear);
  if (tree == NULL)
    {
      key_buffer = g_string_sized_new (1024);
      key = g_string_new (NULL);
    }

  for (;;)
    {
      if (state == STATE_VALUE)
        {
          Level *parent = depth > 0 ? &g_array_index (levels, Level, depth - 1) : NULL;
          Node node = { 0 };
          char c;

          scan_skip_ws (&s);
          if (s.p == s.end)
            {
              scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                         _("the data ends where a value is expected (is the file cut short?)"));
              return FALSE;
            }
          c = *s.p;
          if (c == '{' || c == '[')
            {
              Level *level;

              if (depth >= max_depth)
                {
                  /* Stop at once: json-glib recurses and would crash. */
                  scan_fail (&s, s.p, TM_JSON_ERROR_NESTING, error,
                             _("nested more than %u levels deep"), max_depth);
                  return FALSE;
                }
              if (depth == levels->len)
                g_array_set_size (levels, depth + 1);
              level = &g_array_index (levels, Level, depth);
              level->object = c == '{';
              level->key_start = key_buffer != NULL ? key_buffer->len : 0;
              level->first = tree != NULL ? tree->n_items : 0;
              g_assert (level->n_keys == 0);
              depth++;
              s.p++;
              scan_skip_ws (&s);
              if (s.p < s.end && *s.p == (c == '{' ? '}' : ']'))
                {
                  s.p++;
                  depth--;
                  state = STATE_AFTER;
                  if (tree != NULL)
                    tree_close (tree, level,
                                depth > 0 ? &g_array_index (levels, Level, depth - 1) : NULL);
                }
              else
                state = c == '{' ? STATE_KEY : STATE_VALUE;
              continue;
            }
          else if (c == '"')
            {
              const char *open = s.p;
              gboolean escaped;

              if (!scan_string (&s, &escaped, error))
                return FALSE;
              if (tree != NULL)
                {
                  node.type = NODE_STRING;
                  node.v.string = tree_string (tree, open + 1, s.p - open - 2, escaped,
                                               &node.size);
                }
            }
          else if (c == '-' || g_ascii_isdigit (c))
            {
              if (!scan_number (&s, &node, error))
                return FALSE;
            }
          else if (g_ascii_isalpha (c))
            {
              if (!scan_word (&s, &node, error))
                return FALSE;
            }
          else if (c == ']' && parent != NULL && !parent->object)
            {
              scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                         _("a comma before “]” (trailing commas are not JSON)"));
              return FALSE;
            }
          else
            {
              scan_unexpected (&s, _("a value"), error);
              return FALSE;
            }
          state = STATE_AFTER;
          if (tree != NULL)
            tree_add (tree, parent, &node);
        }
      else if (state == STATE_KEY)
        {
          Level *level = &g_array_index (levels, Level, depth - 1);
          const char *at;
          const char *name;
          gboolean escaped;
          gboolean is_new;

          scan_skip_ws (&s);
          if (s.p == s.end)
            {
              scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                         _("the data ends inside an object (is the file cut short?)"));
              return FALSE;
            }
          at = s.p;
          if (*s.p == '}')
            {
              scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                         _("a comma before “}” (trailing commas are not JSON)"));
              return FALSE;
            }
          if (*s.p != '"')
            {
              if (g_ascii_isalpha (*s.p) || *s.p == '_')
                scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                           _("object keys must be in double quotes"));
              else
                scan_unexpected (&s, _("a key in double quotes"), error);
              return FALSE;
            }
          if (!scan_string (&s, &escaped, error))
            return FALSE;
          if (tree != NULL)
            {
              guint32 size;

              name = tree_string (tree, at + 1, s.p - at - 2, escaped, &size);
              is_new = level_add_member_key (level, tree, name);
              if (is_new)
                tree_push (tree)->key = name;
            }
          else
            {
              g_string_set_size (key, s.p - at - 2);
              if (escaped)
                g_string_truncate (key, unescape (key->str, at + 1, s.p - 1));
              else
                memcpy (key->str, at + 1, key->len);
              name = key->str;
              is_new = level_add_key (level, key_buffer, key->str, key->len);
            }
          /* json-glib keeps the last of two equal keys without a word. */
          if (!is_new)
            {
              scan_fail (&s, at, TM_JSON_ERROR_DUPLICATE, error,
                         _("the key “%s” appears twice in the same object"), name);
              return FALSE;
            }
          scan_skip_ws (&s);
          if (s.p == s.end || *s.p != ':')
            {
              if (s.p == s.end)
                scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                           _("the data ends inside an object (is the file cut short?)"));
              else
                scan_unexpected (&s, _("“:” after the key"), error);
              return FALSE;
            }
          s.p++;
          state = STATE_VALUE;
        }
      else /* STATE_AFTER */
        {
          Level *level;
          char c;

          scan_skip_ws (&s);
          if (depth == 0)
            {
              if (s.p == s.end)
                break;
              if (*s.p == '/' || *s.p == '#')
                scan_unexpected (&s, _("the end of the data"), error);
              else
                scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                           _("more data after the end of the JSON value "
                             "(a file holds exactly one value)"));
              return FALSE;
            }
          level = &g_array_index (levels, Level, depth - 1);
          if (s.p == s.end)
            {
              scan_fail (&s, s.p, TM_JSON_ERROR_SYNTAX, error,
                         level->object
                         ? _("the data ends inside an object (is the file cut short?)")
                         : _("the data ends inside an array (is the file cut short?)"));
              return FALSE;
            }
          c = *s.p;
          if (c == ',')
            {
              s.p++;
              state = level->object ? STATE_KEY : STATE_VALUE;
            }
          else if (c == (level->object ? '}' : ']'))
            {
              s.p++;
              depth--;
              if (level->object)
                level_close (level, key_buffer);
              if (tree != NULL)
                tree_close (tree, level,
                            depth > 0 ? &g_array_index (levels, Level, depth - 1) : NULL);
            }
          else
            {
              scan_unexpected (&s, level->object ? _("“,” or “}”") : _("“,” or “]”"), error);
              return FALSE;
            }
        }
    }
  return TRUE;
}

gboolean
tm_json_prescan (const char  *data,
                 gsize        length,
                 guint        max_depth,
                 const char  *display_name,
                 GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (max_depth > 0, FALSE);

  return scan_document (data, length, max_depth, display_name, NULL, error);
}

/* ------------------------------------------------------------------ */
/* Reading: the context that names where a problem is                   */
/* ------------------------------------------------------------------ */

typedef struct {
  const char  *file;
  const char  *section;   /* "brands", ... or NULL at the top level */
  guint        index;
  const char  *id;        /* the record's id once known */
  GString     *path;      /* position inside the record: "audience.age" */
  GError     **error;
  /* Set for a form (tm_brand_validate): the failing field's path goes
   * here and the error holds the problem alone, without the location. */
  char       **fail_field;
} Ctx;

static gboolean ctx_fail (Ctx        *ctx,
                          int         code,
                          const char *key,
                          const char *format,
                          ...) G_GNUC_PRINTF (4, 5);

/* "FILE: streamers[12] (id “s-13”): audience.age: problem" */
static gboolean
ctx_fail (Ctx        *ctx,
          int         code,
          const char *key,
          const char *format,
          ...)
{
  g_autoptr(GString) msg = g_string_new (ctx->file);
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (ctx->fail_field != NULL)
    {
      GString *field = g_string_new (ctx->path->str);

      if (ctx->path->len > 0 && key != NULL && key[0] != '[')
        g_string_append_c (field, '.');
      if (key)
        g_string_append (field, key);
      g_free (*ctx->fail_field);
      *ctx->fail_field = g_string_free (field, FALSE);
      g_set_error_literal (ctx->error, TM_JSON_ERROR, code, problem);
      return FALSE;
    }

  if (ctx->section)
    {
      g_string_append (msg, ": ");
      if (ctx->id)
        /* Translators: a record, e.g. streamers[12] (id “s-00013”) */
        g_string_append_printf (msg, _("%s[%u] (id “%s”)"), ctx->section, ctx->index, ctx->id);
      else
        g_string_append_printf (msg, "%s[%u]", ctx->section, ctx->index);
    }
  if (ctx->path->len > 0 || key != NULL)
    {
      g_string_append (msg, ": ");
      g_string_append (msg, ctx->path->str);
      if (ctx->path->len > 0 && key != NULL && key[0] != '[')
        g_string_append_c (msg, '.');
      if (key)
        g_string_append (msg, key);
    }
  g_string_append (msg, ": ");
  g_string_append (msg, problem);

  g_set_error_literal (ctx->error, TM_JSON_ERROR, code, msg->str);
  return FALSE;
}

static gsize
ctx_push (Ctx        *ctx,
          const char *key)
{
  gsize old = ctx->path->len;

  if (old > 0 && key[0] != '[')
    g_string_append_c (ctx->path, '.');
  g_string_append (ctx->path, key);
  return old;
}

static gsize
ctx_push_index (Ctx        *ctx,
                const char *key,
                guint       index)
{
  gsize old = ctx_push (ctx, key);
  char digits[16];
  char *p = digits + sizeof digits;

  /* By hand: printf was a twentieth of the time spent reading records. */
  *--p = ']';
  do
    *--p = (char) ('0' + index % 10);
  while ((index /= 10) != 0);
  *--p = '[';
  g_string_append_len (ctx->path, p, digits + sizeof digits - p);
  return old;
}

static void
ctx_pop (Ctx   *ctx,
         gsize  old)
{
  g_string_truncate (ctx->path, old);
}

static const char *
node_kind (const Node *node)
{
  switch ((NodeType) node->type)
    {
    case NODE_OBJECT:
      return _("an object");
    case NODE_ARRAY:
      return _("an array");
    case NODE_NULL:
      return _("null");
    case NODE_STRING:
      return _("a string");
    case NODE_BOOLEAN:
      return _("true or false");
    case NODE_INT:
    case NODE_DOUBLE:
    default:
      return _("a number");
    }
}

/* A member, with null treated as absent (some exporters write null for
 * unknown values). */
static const Node *
get_member (const Node *obj,
            const char *key)
{
  for (guint i = 0; i < obj->size; i++)
    {
      const Member *m = &obj->v.members[i];

      if (key_equal (m->key, key))
        return m->value.type == NODE_NULL ? NULL : &m->value;
    }
  return NULL;
}

static gboolean
strv_has (const char * const *strv,
          const char         *str)
{
  for (; *strv != NULL; strv++)
    if (key_equal (*strv, str))
      return TRUE;
  return FALSE;
}

static gboolean
fail_missing (Ctx        *ctx,
              const char *key)
{
  return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("required field is missing"));
}

static gboolean
fail_type (Ctx        *ctx,
           const char *key,
           const char *expected,
           const Node *node)
{
  /* Translators: "must be a string, not a number" */
  return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("must be %s, not %s"),
                   expected, node_kind (node));
}

/* Unknown keys are errors: a misspelt field would otherwise be lost. */
static gboolean
check_keys (Ctx               *ctx,
            const Node        *obj,
            const char * const *allowed)
{
  const char * const *next = allowed;

  /* In the file's order, to name the first unknown field.  Files list the
   * fields in the order of @allowed, so each is looked for from where the
   * previous one was found. */
  for (guint i = 0; i < obj->size; i++)
    {
      const char *name = obj->v.members[i].key;
      gboolean found = FALSE;

      for (const char * const *k = next; *k != NULL && !found; k++)
        if (key_equal (*k, name))
          {
            found = TRUE;
            next = k + 1;
          }
      for (const char * const *k = allowed; k < next && !found; k++)
        if (key_equal (*k, name))
          {
            found = TRUE;
            next = k + 1;
          }
      if (!found)
        {
          g_autofree char *known = g_strjoinv (", ", (char **) allowed);
          return ctx_fail (ctx, TM_JSON_ERROR_INVALID, NULL,
                           _("unknown field “%s” (known fields: %s)"), name, known);
        }
    }
  return TRUE;
}

static gboolean
read_object (Ctx         *ctx,
             const Node  *obj,
             const char  *key,
             gboolean     required,
             const Node **out)
{
  const Node *node = get_member (obj, key);

  *out = NULL;
  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_OBJECT)
    return fail_type (ctx, key, _("an object"), node);
  *out = node;
  return TRUE;
}

static gboolean
read_array (Ctx        *ctx,
            const Node *obj,
            const char *key,
            gboolean    required,
            const Node **out)
{
  const Node *node = get_member (obj, key);

  *out = NULL;
  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_ARRAY)
    return fail_type (ctx, key, _("an array"), node);
  *out = node;
  return TRUE;
}

typedef enum {
  TEXT_LINE = 0,         /* one line: no control characters at all */
  TEXT_MULTILINE = 1,    /* line breaks and tabs allowed */
} TextKind;

static gboolean
check_text (Ctx        *ctx,
            const char *key,
            const char *text,
            guint       min_chars,
            guint       max_chars,
            TextKind    kind)
{
  glong n = 0;
  gboolean ascii = TRUE;
  gboolean blank = TRUE;

  /* The text is valid UTF-8: a character is a byte that does not continue
   * one. */
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p >= 0x80)
        ascii = FALSE;
      if ((*p & 0xC0) != 0x80)
        n++;
    }

  if (n < (glong) min_chars)
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("must not be empty"));
  if (n > (glong) max_chars)
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                     _("is %ld characters long; at most %u are allowed"), n, max_chars);
  if (ascii)
    {
      /* Nearly all text: the same checks without decoding. */
      for (const char *p = text; *p; p++)
        {
          char c = *p;

          if ((c < 0x20 || c == 0x7F) &&
              !(kind == TEXT_MULTILINE && (c == '\n' || c == '\t' || c == '\r')))
            return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                             _("contains the control character U+%04X"), (guint) c);
          /* g_unichar_isspace () for ASCII */
          if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            blank = FALSE;
        }
      if (min_chars > 0 && blank)
        return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("must not be blank"));
      return TRUE;
    }
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) && !(kind == TEXT_MULTILINE && (c == '\n' || c == '\t' || c == '\r')))
        return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                         _("contains the control character U+%04X"), c);
      if (!g_unichar_isspace (c))
        blank = FALSE;
    }
  if (min_chars > 0 && blank)
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("must not be blank"));
  return TRUE;
}

static gboolean
read_string (Ctx        *ctx,
             const Node *obj,
             const char *key,
             gboolean    required,
             guint       min_chars,
             guint       max_chars,
             TextKind    kind,
             char      **out)
{
  const Node *node = get_member (obj, key);
  const char *text;

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_STRING)
    return fail_type (ctx, key, _("a string"), node);
  text = node->v.string;
  if (!check_text (ctx, key, text, min_chars, max_chars, kind))
    return FALSE;
  g_free (*out);
  *out = g_memdup2 (text, node->size + 1);
  return TRUE;
}

static gboolean
string_element (Ctx         *ctx,
                const Node  *node,
                const char **out)
{
  if (node->type != NODE_STRING)
    return fail_type (ctx, NULL, _("a string"), node);
  *out = node->v.string;
  return TRUE;
}

static gboolean
check_id (Ctx        *ctx,
          const char *key,
          const char *id)
{
  if (!tm_id_is_valid (id))
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                     _("“%s” is not a valid id (1–64 letters, digits, “.”, “_”, “:” or “-”)"),
                     id);
  return TRUE;
}

static gboolean
read_id (Ctx        *ctx,
         const Node *obj,
         const char *key,
         gboolean    required,
         char      **out)
{
  const Node *node = get_member (obj, key);
  const char *text;

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_STRING)
    return fail_type (ctx, key, _("a string (an id)"), node);
  text = node->v.string;
  if (!check_id (ctx, key, text))
    return FALSE;
  g_free (*out);
  *out = g_memdup2 (text, node->size + 1);
  return TRUE;
}

static gboolean
check_category (Ctx        *ctx,
                const char *key,
                const char *code)
{
  if (!tm_category_code_is_valid (code))
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                     _("“%s” is not a category code (lower-case letters, digits and “_”, "
                       "at most 32, starting with a letter, e.g. “beauty”)"), code);
  return TRUE;
}

static gboolean
read_category (Ctx        *ctx,
               const Node *obj,
               const char *key,
               gboolean    required,
               char      **out)
{
  const Node *node = get_member (obj, key);
  const char *text;

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_STRING)
    return fail_type (ctx, key, _("a string (a category code)"), node);
  text = node->v.string;
  if (!check_category (ctx, key, text))
    return FALSE;
  g_free (*out);
  *out = g_memdup2 (text, node->size + 1);
  return TRUE;
}

static gboolean
read_int (Ctx        *ctx,
          const Node *obj,
          const char *key,
          gboolean    required,
          gint64      min,
          gint64      max,
          gint64     *out)
{
  const Node *node = get_member (obj, key);
  gint64 v;

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_INT && node->type != NODE_DOUBLE)
    return fail_type (ctx, key, _("a number"), node);
  if (node->type == NODE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE + 2];
      double d = node->v.number;

      tm_json_format_double (buf, sizeof buf - 2, d);
      /* 100.0 reads back as the double 100: show it as a fraction. */
      if (strpbrk (buf, ".e") == NULL)
        strcat (buf, ".0");
      return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                       _("must be a whole number written without a decimal point or "
                         "exponent, not %s"), buf);
    }
  v = node->v.integer;
  if (v < min || v > max)
    {
      /* Numbers as text: xgettext cannot see through G_GINT64_FORMAT. */
      char vb[24], lo[24], hi[24];

      g_snprintf (vb, sizeof vb, "%" G_GINT64_FORMAT, v);
      g_snprintf (lo, sizeof lo, "%" G_GINT64_FORMAT, min);
      g_snprintf (hi, sizeof hi, "%" G_GINT64_FORMAT, max);
      if (min == 0 && v < 0)
        return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                         _("%s is negative; it must be between 0 and %s"), vb, hi);
      return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("%s is not between %s and %s"),
                       vb, lo, hi);
    }
  *out = v;
  return TRUE;
}

static gboolean
read_number (Ctx        *ctx,
             const Node *obj,
             const char *key,
             gboolean    required,
             double      min,
             double      max,
             double     *out)
{
  const Node *node = get_member (obj, key);
  double v;

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type == NODE_INT)
    v = (double) node->v.integer;
  else if (node->type == NODE_DOUBLE)
    v = node->v.number;
  else
    return fail_type (ctx, key, _("a number"), node);
  if (!isfinite (v) || v < min || v > max)
    {
      char vb[G_ASCII_DTOSTR_BUF_SIZE], lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];
      tm_json_format_double (vb, sizeof vb, v);
      tm_json_format_double (lo, sizeof lo, min);
      tm_json_format_double (hi, sizeof hi, max);
      return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("%s is not between %s and %s"),
                       vb, lo, hi);
    }
  *out = v;
  return TRUE;
}

static gboolean
read_bool (Ctx        *ctx,
           const Node *obj,
           const char *key,
           gboolean    required,
           gboolean   *out)
{
  const Node *node = get_member (obj, key);

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_BOOLEAN)
    return fail_type (ctx, key, _("true or false"), node);
  *out = node->v.boolean;
  return TRUE;
}

static gboolean
read_date (Ctx        *ctx,
           const Node *obj,
           const char *key,
           gboolean    required,
           TmDate     *out)
{
  const Node *node = get_member (obj, key);
  const char *text;

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_STRING)
    return fail_type (ctx, key, _("a date string (\"YYYY-MM-DD\")"), node);
  text = node->v.string;
  if (!tm_date_parse (text, out))
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                     _("“%s” is not a real date written YYYY-MM-DD between 1970-01-01 and 2100-12-31"),
                     text);
  return TRUE;
}

typedef int (*FromCodeFunc) (const char *code);
typedef const char *(*ToCodeFunc) (int value);

static gboolean
read_code (Ctx          *ctx,
           const Node   *obj,
           const char   *key,
           gboolean      required,
           FromCodeFunc  from_code,
           ToCodeFunc    to_code,
           int           n_codes,
           int          *out)
{
  const Node *node = get_member (obj, key);
  const char *text;
  int v;

  if (node == NULL)
    return required ? fail_missing (ctx, key) : TRUE;
  if (node->type != NODE_STRING)
    return fail_type (ctx, key, _("a string (a code)"), node);
  text = node->v.string;
  v = from_code (text);
  if (v < 0 || v >= n_codes)
    {
      g_autoptr(GString) known = g_string_new (NULL);
      for (int i = 0; i < n_codes; i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "", to_code (i));
      return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key, _("“%s” is not one of %s"),
                       text, known->str);
    }
  *out = v;
  return TRUE;
}

#define READ_CODE(ctx, obj, key, required, name, N, out)                       \
  read_code (ctx, obj, key, required, (FromCodeFunc) tm_##name##_from_code,    \
             (ToCodeFunc) tm_##name##_code, N, out)

/* ------------------------------------------------------------------ */
/* Shared parts of records                                              */
/* ------------------------------------------------------------------ */

static gboolean
read_provenance_fields (Ctx          *ctx,
                        const Node   *obj,
                        gboolean      required,
                        TmProvenance *p)
{
  static const char * const keys[] = { "source", "observed", "basis", NULL };
  int v;

  if (!check_keys (ctx, obj, keys))
    return FALSE;
  v = p->source;
  if (!READ_CODE (ctx, obj, "source", required, source, TM_N_SOURCES, &v))
    return FALSE;
  p->source = v;
  if (!read_date (ctx, obj, "observed", required, &p->observed))
    return FALSE;
  v = p->basis;
  if (!READ_CODE (ctx, obj, "basis", FALSE, basis, TM_N_BASES, &v))
    return FALSE;
  p->basis = v;
  return TRUE;
}

static gboolean
read_provenance (Ctx          *ctx,
                 const Node   *record,
                 TmProvenance *p)
{
  const Node *obj;
  gsize old;
  gboolean ok;

  if (!read_object (ctx, record, "provenance", TRUE, &obj))
    return FALSE;
  p->basis = TM_BASIS_OBSERVED;
  old = ctx_push (ctx, "provenance");
  ok = read_provenance_fields (ctx, obj, TRUE, p);
  ctx_pop (ctx, old);
  return ok;
}

static gboolean
read_figure_provenance (Ctx                *ctx,
                        const Node         *record,
                        const TmProvenance *base,
                        const char * const *figures,
                        GArray             *out)
{
  const Node *obj;
  gsize old;

  if (!read_object (ctx, record, "figure_provenance", FALSE, &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;

  old = ctx_push (ctx, "figure_provenance");
  for (guint i = 0; i < obj->size; i++)
    {
      const char *name = obj->v.members[i].key;
      const Node *node = &obj->v.members[i].value;
      TmFigureProvenance fp = { NULL, *base };
      gsize old2;

      if (!strv_has (figures, name))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) figures);
          ctx_fail (ctx, TM_JSON_ERROR_INVALID, NULL,
                    _("“%s” is not a figure of this kind of record (figures: %s)"), name, known);
          ctx_pop (ctx, old);
          return FALSE;
        }
      old2 = ctx_push (ctx, name);
      if (node->type != NODE_OBJECT)
        {
          fail_type (ctx, NULL, _("an object"), node);
          ctx_pop (ctx, old);
          return FALSE;
        }
      if (!read_provenance_fields (ctx, node, FALSE, &fp.provenance))
        {
          ctx_pop (ctx, old);
          return FALSE;
        }
      ctx_pop (ctx, old2);
      fp.field = g_strdup (name);
      g_array_append_val (out, fp);
    }
  ctx_pop (ctx, old);
  return TRUE;
}

static gboolean
read_style_tags (Ctx        *ctx,
                 const Node *record,
                 GArray     *out)
{
  static const char * const keys[] = { "tag", "weight", NULL };
  const Node *array;
  g_autoptr(GHashTable) seen = NULL;
  guint base = out->len;

  if (!read_array (ctx, record, "style_tags", FALSE, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;

  /* A record has a few tags, compared one by one; a table only for many. */
  if (array->size > 16)
    seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < array->size; i++)
    {
      const Node *node = &array->v.elements[i];
      TmStyleTag tag = { NULL, 0 };
      gsize old = ctx_push_index (ctx, "style_tags", i);
      const Node *obj;
      gpointer first = NULL;
      gboolean given = FALSE;

      if (node->type != NODE_OBJECT)
        return fail_type (ctx, NULL, _("an object with “tag” and “weight”"), node);
      obj = node;
      if (!check_keys (ctx, obj, keys) ||
          !read_string (ctx, obj, "tag", TRUE, 1, MAX_TAG_CHARS, TEXT_LINE, &tag.tag) ||
          !read_number (ctx, obj, "weight", TRUE, 0, 1, &tag.weight))
        {
          g_free (tag.tag);
          return FALSE;
        }
      if (seen != NULL)
        given = g_hash_table_lookup_extended (seen, tag.tag, NULL, &first);
      else
        for (guint j = base; j < out->len && !given; j++)
          if (g_str_equal (g_array_index (out, TmStyleTag, j).tag, tag.tag))
            {
              given = TRUE;
              first = GUINT_TO_POINTER (j - base);
            }
      if (given)
        {
          ctx_fail (ctx, TM_JSON_ERROR_DUPLICATE, "tag",
                    _("the tag “%s” is already given in style_tags[%u]"),
                    tag.tag, GPOINTER_TO_UINT (first));
          g_free (tag.tag);
          return FALSE;
        }
      g_array_append_val (out, tag);
      if (seen != NULL)
        g_hash_table_insert (seen, tag.tag, GUINT_TO_POINTER (i));
      ctx_pop (ctx, old);
    }
  return TRUE;
}

typedef const char *(*BucketCodeFunc) (int bucket);

static gboolean
read_shares (Ctx            *ctx,
             const Node     *audience,
             const char     *key,
             BucketCodeFunc  code,
             int             n,
             double         *out)
{
  const Node *obj;
  const char *keys[8];
  double sum = 0;
  gsize old;

  g_assert (n < (int) G_N_ELEMENTS (keys));
  if (!read_object (ctx, audience, key, TRUE, &obj))
    return FALSE;
  for (int i = 0; i < n; i++)
    keys[i] = code (i);
  keys[n] = NULL;

  old = ctx_push (ctx, key);
  if (!check_keys (ctx, obj, keys))
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      if (!read_number (ctx, obj, keys[i], TRUE, 0, 1, &out[i]))
        return FALSE;
      sum += out[i];
    }
  if (fabs (sum - 1.0) > AUDIENCE_TOLERANCE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (buf, sizeof buf, "%.4g", sum);
      return ctx_fail (ctx, TM_JSON_ERROR_INVALID, NULL,
                       _("the shares add up to %s, not 1"), buf);
    }
  ctx_pop (ctx, old);
  return TRUE;
}

static gboolean
read_audience (Ctx        *ctx,
               const Node *record,
               TmAudience *audience)
{
  static const char * const keys[] = { "age", "gender", "region", NULL };
  const Node *obj;
  gsize old;

  if (!read_object (ctx, record, "audience", FALSE, &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  old = ctx_push (ctx, "audience");
  if (!check_keys (ctx, obj, keys) ||
      !read_shares (ctx, obj, "age", (BucketCodeFunc) tm_age_code, TM_N_AGES, audience->age) ||
      !read_shares (ctx, obj, "gender", (BucketCodeFunc) tm_gender_code, TM_N_GENDERS, audience->gender) ||
      !read_shares (ctx, obj, "region", (BucketCodeFunc) tm_region_code, TM_N_REGIONS, audience->region))
    return FALSE;
  ctx_pop (ctx, old);
  audience->present = TRUE;
  return TRUE;
}

/* An array of strings, each checked by @check. */
static gboolean
read_string_list (Ctx        *ctx,
                  const Node *obj,
                  const char *key,
                  gboolean    (*check) (Ctx *, const char *, const char *),
                  gboolean    no_duplicates,
                  GPtrArray  *out)
{
  const Node *array;

  if (!read_array (ctx, obj, key, FALSE, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  for (guint i = 0; i < array->size; i++)
    {
      gsize old = ctx_push_index (ctx, key, i);
      const char *text = NULL;

      if (!string_element (ctx, &array->v.elements[i], &text) ||
          !check (ctx, NULL, text))
        return FALSE;
      if (no_duplicates)
        {
          for (guint j = 0; j < out->len; j++)
            if (g_str_equal (g_ptr_array_index (out, j), text))
              return ctx_fail (ctx, TM_JSON_ERROR_DUPLICATE, NULL,
                               _("“%s” is already given in %s[%u]"), text, key, j);
        }
      g_ptr_array_add (out, g_strdup (text));
      ctx_pop (ctx, old);
    }
  return TRUE;
}

static gboolean
check_competitor_brand (Ctx        *ctx,
                        const char *key,
                        const char *text)
{
  return check_text (ctx, key, text, 1, MAX_NAME_CHARS, TEXT_LINE);
}

/* ------------------------------------------------------------------ */
/* Records                                                              */
/* ------------------------------------------------------------------ */

static const char * const brand_figures[] = {
  "audience", "typical_order_price_fen", "budget_fen", NULL
};
static const char * const streamer_figures[] = {
  "accounts", "credit", "engagement_rate", "avg_live_viewers", "reviews",
  "reviews.fake_share", "dispute_resolution_rate", "repeat_buyer_rate",
  "price_range_fen", "audience", NULL
};
static const char * const cooperation_figures[] = {
  "gmv_fen", "orders", "fee_fen", "commission_fen", "conversion_rate",
  "return_rate", "complaints", "rating", NULL
};
static const char * const incident_figures[] = {
  "severity", NULL
};

/* Reads "id" first so that every later message can name the record. */
static gboolean
read_record_id (Ctx        *ctx,
                const Node *obj,
                char      **out)
{
  if (!read_id (ctx, obj, "id", TRUE, out))
    return FALSE;
  ctx->id = *out;
  return TRUE;
}

static gboolean
read_constraints (Ctx        *ctx,
                  const Node *record,
                  TmBrand    *brand)
{
  static const char * const keys[] = {
    "min_credit_score", "blacklist", "competitor_brands", "competitor_categories",
    "exclusivity_days", NULL
  };
  const Node *obj;
  gint64 days = 0;
  gsize old;

  if (!read_object (ctx, record, "constraints", FALSE, &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  old = ctx_push (ctx, "constraints");
  if (!check_keys (ctx, obj, keys) ||
      !read_number (ctx, obj, "min_credit_score", FALSE, 0, 100, &brand->min_credit_score) ||
      !read_string_list (ctx, obj, "blacklist", check_id, TRUE, brand->blacklist) ||
      !read_string_list (ctx, obj, "competitor_brands", check_competitor_brand, TRUE,
                         brand->competitor_brands) ||
      !read_string_list (ctx, obj, "competitor_categories", check_category, TRUE,
                         brand->competitor_categories) ||
      !read_int (ctx, obj, "exclusivity_days", FALSE, 0, 3650, &days))
    return FALSE;
  brand->exclusivity_days = (gint32) days;
  ctx_pop (ctx, old);
  return TRUE;
}

static TmBrand *
read_brand (Ctx        *ctx,
            const Node *obj)
{
  static const char * const keys[] = {
    "id", "name", "category", "style_tags", "audience", "price_tier",
    "typical_order_price_fen", "budget_fen", "constraints", "notes",
    "provenance", "figure_provenance", NULL
  };
  g_autoptr(TmBrand) brand = tm_brand_new ();
  int tier = TM_PRICE_TIER_MID;

  if (!read_record_id (ctx, obj, &brand->id) ||
      !check_keys (ctx, obj, keys) ||
      !read_string (ctx, obj, "name", TRUE, 1, MAX_NAME_CHARS, TEXT_LINE, &brand->name) ||
      !read_category (ctx, obj, "category", TRUE, &brand->category) ||
      !read_style_tags (ctx, obj, brand->style_tags) ||
      !read_audience (ctx, obj, &brand->audience) ||
      !READ_CODE (ctx, obj, "price_tier", TRUE, price_tier, TM_N_PRICE_TIERS, &tier) ||
      !read_int (ctx, obj, "typical_order_price_fen", TRUE, 0, MAX_MONEY_FEN,
                 &brand->typical_order_price_fen) ||
      !read_int (ctx, obj, "budget_fen", FALSE, 0, MAX_MONEY_FEN, &brand->budget_fen) ||
      !read_constraints (ctx, obj, brand) ||
      !read_string (ctx, obj, "notes", FALSE, 0, MAX_NOTES_CHARS, TEXT_MULTILINE, &brand->notes) ||
      !read_provenance (ctx, obj, &brand->provenance) ||
      !read_figure_provenance (ctx, obj, &brand->provenance, brand_figures,
                               brand->figure_provenance))
    return NULL;
  brand->price_tier = tier;
  return g_steal_pointer (&brand);
}

static gboolean
read_accounts (Ctx        *ctx,
               const Node *record,
               GArray     *out)
{
  static const char * const keys[] = { "platform", "handle", "followers", NULL };
  const Node *array;

  if (!read_array (ctx, record, "accounts", TRUE, &array))
    return FALSE;
  if (array->size == 0)
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, "accounts",
                     _("at least one platform account is required"));

  for (guint i = 0; i < array->size; i++)
    {
      const Node *node = &array->v.elements[i];
      TmAccount account = { TM_PLATFORM_NONE, NULL, 0 };
      gsize old = ctx_push_index (ctx, "accounts", i);
      const Node *obj;
      int platform = TM_PLATFORM_NONE;

      if (node->type != NODE_OBJECT)
        return fail_type (ctx, NULL, _("an object"), node);
      obj = node;
      if (!check_keys (ctx, obj, keys) ||
          !READ_CODE (ctx, obj, "platform", TRUE, platform, TM_N_PLATFORMS, &platform) ||
          !read_string (ctx, obj, "handle", TRUE, 1, MAX_HANDLE_CHARS, TEXT_LINE, &account.handle) ||
          !read_int (ctx, obj, "followers", TRUE, 0, MAX_FOLLOWERS, &account.followers))
        {
          g_free (account.handle);
          return FALSE;
        }
      account.platform = platform;
      for (guint j = 0; j < out->len; j++)
        {
          const TmAccount *other = &g_array_index (out, TmAccount, j);
          if (other->platform == account.platform && g_str_equal (other->handle, account.handle))
            {
              ctx_fail (ctx, TM_JSON_ERROR_DUPLICATE, NULL,
                        _("the %s account “%s” is already given in accounts[%u]"),
                        tm_platform_code (account.platform), account.handle, j);
              g_free (account.handle);
              return FALSE;
            }
        }
      g_array_append_val (out, account);
      ctx_pop (ctx, old);
    }
  return TRUE;
}

static gboolean
read_credit (Ctx        *ctx,
             const Node *record,
             TmStreamer *s)
{
  static const char * const keys[] = { "platform", "score", "scale", NULL };
  const Node *obj;
  int platform = TM_PLATFORM_NONE;
  double score = NAN, scale = NAN;
  gsize old;

  if (!read_object (ctx, record, "credit", FALSE, &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  old = ctx_push (ctx, "credit");
  if (!check_keys (ctx, obj, keys) ||
      !READ_CODE (ctx, obj, "platform", TRUE, platform, TM_N_PLATFORMS, &platform) ||
      !read_number (ctx, obj, "scale", TRUE, 0, 1000, &scale))
    return FALSE;
  if (scale <= 0)
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, "scale",
                     _("must be greater than 0 (the highest score on the platform's scale)"));
  if (!read_number (ctx, obj, "score", TRUE, 0, scale, &score))
    return FALSE;
  ctx_pop (ctx, old);
  s->credit_platform = platform;
  s->credit_score = score;
  s->credit_scale = scale;
  return TRUE;
}

static gboolean
read_reviews (Ctx        *ctx,
              const Node *record,
              TmStreamer *s)
{
  static const char * const keys[] = { "positive", "negative", "fake_share", NULL };
  const Node *obj;
  gsize old;
  gboolean has_pos, has_neg;

  if (!read_object (ctx, record, "reviews", FALSE, &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  old = ctx_push (ctx, "reviews");
  if (!check_keys (ctx, obj, keys))
    return FALSE;
  /* The counts only mean something together; an estimated fake share may
   * be known without them. */
  has_pos = get_member (obj, "positive") != NULL;
  has_neg = get_member (obj, "negative") != NULL;
  if (has_pos != has_neg)
    return fail_missing (ctx, has_pos ? "negative" : "positive");
  if (!read_int (ctx, obj, "positive", FALSE, 0, MAX_COUNT, &s->reviews_positive) ||
      !read_int (ctx, obj, "negative", FALSE, 0, MAX_COUNT, &s->reviews_negative) ||
      !read_number (ctx, obj, "fake_share", FALSE, 0, 1, &s->fake_review_share))
    return FALSE;
  ctx_pop (ctx, old);
  return TRUE;
}

static gboolean
read_price_range (Ctx        *ctx,
                  const Node *record,
                  TmStreamer *s)
{
  static const char * const keys[] = { "low", "high", NULL };
  const Node *obj;
  gint64 low = 0, high = 0;
  gsize old;

  if (!read_object (ctx, record, "price_range_fen", FALSE, &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  old = ctx_push (ctx, "price_range_fen");
  if (!check_keys (ctx, obj, keys) ||
      !read_int (ctx, obj, "low", TRUE, 0, MAX_MONEY_FEN, &low) ||
      !read_int (ctx, obj, "high", TRUE, 0, MAX_MONEY_FEN, &high))
    return FALSE;
  if (high < low)
    {
      char hb[24], lb[24];

      g_snprintf (hb, sizeof hb, "%" G_GINT64_FORMAT, high);
      g_snprintf (lb, sizeof lb, "%" G_GINT64_FORMAT, low);
      return ctx_fail (ctx, TM_JSON_ERROR_INVALID, "high", _("%s is below low (%s)"), hb, lb);
    }
  ctx_pop (ctx, old);
  s->price_low_fen = low;
  s->price_high_fen = high;
  return TRUE;
}

static TmStreamer *
read_streamer (Ctx        *ctx,
               const Node *obj)
{
  static const char * const keys[] = {
    "id", "name", "accounts", "categories", "style_tags", "audience", "credit",
    "verification", "engagement_rate", "avg_live_viewers", "reviews",
    "dispute_resolution_rate", "repeat_buyer_rate", "price_range_fen",
    "provenance", "figure_provenance", NULL
  };
  g_autoptr(TmStreamer) s = tm_streamer_new ();
  int verification = TM_VERIFICATION_UNVERIFIED;

  if (!read_record_id (ctx, obj, &s->id) ||
      !check_keys (ctx, obj, keys) ||
      !read_string (ctx, obj, "name", TRUE, 1, MAX_NAME_CHARS, TEXT_LINE, &s->name) ||
      !read_accounts (ctx, obj, s->accounts))
    return NULL;
  if (get_member (obj, "categories") == NULL)
    {
      fail_missing (ctx, "categories");
      return NULL;
    }
  if (!read_string_list (ctx, obj, "categories", check_category, TRUE, s->categories))
    return NULL;
  if (s->categories->len == 0)
    {
      ctx_fail (ctx, TM_JSON_ERROR_INVALID, "categories", _("at least one category is required"));
      return NULL;
    }
  if (!read_style_tags (ctx, obj, s->style_tags) ||
      !read_audience (ctx, obj, &s->audience) ||
      !read_credit (ctx, obj, s) ||
      !READ_CODE (ctx, obj, "verification", FALSE, verification, TM_N_VERIFICATIONS, &verification) ||
      !read_number (ctx, obj, "engagement_rate", FALSE, 0, 1, &s->engagement_rate) ||
      !read_int (ctx, obj, "avg_live_viewers", FALSE, 0, MAX_FOLLOWERS, &s->avg_live_viewers) ||
      !read_reviews (ctx, obj, s) ||
      !read_number (ctx, obj, "dispute_resolution_rate", FALSE, 0, 1, &s->dispute_resolution_rate) ||
      !read_number (ctx, obj, "repeat_buyer_rate", FALSE, 0, 1, &s->repeat_buyer_rate) ||
      !read_price_range (ctx, obj, s) ||
      !read_provenance (ctx, obj, &s->provenance) ||
      !read_figure_provenance (ctx, obj, &s->provenance, streamer_figures, s->figure_provenance))
    return NULL;
  s->verification = verification;
  return g_steal_pointer (&s);
}

static TmCooperation *
read_cooperation (Ctx        *ctx,
                  const Node *obj)
{
  static const char * const keys[] = {
    "id", "streamer", "brand", "brand_name", "brand_category", "date", "format",
    "platform", "gmv_fen", "orders", "fee_fen", "commission_fen",
    "conversion_rate", "return_rate", "complaints", "rating", "notes",
    "provenance", "figure_provenance", NULL
  };
  g_autoptr(TmCooperation) c = tm_cooperation_new ();
  gboolean has_brand, has_name, has_category;
  int format = TM_FORMAT_LIVE;
  int platform = TM_PLATFORM_NONE;

  if (!read_record_id (ctx, obj, &c->id) ||
      !check_keys (ctx, obj, keys) ||
      !read_id (ctx, obj, "streamer", TRUE, &c->streamer_id))
    return NULL;

  has_brand = get_member (obj, "brand") != NULL;
  has_name = get_member (obj, "brand_name") != NULL;
  has_category = get_member (obj, "brand_category") != NULL;
  if (has_brand && (has_name || has_category))
    {
      ctx_fail (ctx, TM_JSON_ERROR_INVALID, "brand",
                _("give either “brand” (a brand id) or “brand_name” and “brand_category”, not both"));
      return NULL;
    }
  if (!has_brand && !has_name && !has_category)
    {
      ctx_fail (ctx, TM_JSON_ERROR_INVALID, "brand",
                _("required field is missing (give “brand”, a brand id, "
                  "or “brand_name” and “brand_category” for another brand)"));
      return NULL;
    }
  if (!read_id (ctx, obj, "brand", FALSE, &c->brand_id) ||
      !read_string (ctx, obj, "brand_name", has_category, 1, MAX_NAME_CHARS, TEXT_LINE, &c->brand_name) ||
      !read_category (ctx, obj, "brand_category", has_name, &c->brand_category) ||
      !read_date (ctx, obj, "date", TRUE, &c->date) ||
      !READ_CODE (ctx, obj, "format", TRUE, format, TM_N_FORMATS, &format) ||
      !READ_CODE (ctx, obj, "platform", FALSE, platform, TM_N_PLATFORMS, &platform) ||
      !read_int (ctx, obj, "gmv_fen", TRUE, 0, MAX_MONEY_FEN, &c->gmv_fen) ||
      !read_int (ctx, obj, "orders", TRUE, 0, MAX_COUNT, &c->orders) ||
      !read_int (ctx, obj, "fee_fen", FALSE, 0, MAX_MONEY_FEN, &c->fee_fen) ||
      !read_int (ctx, obj, "commission_fen", FALSE, 0, MAX_MONEY_FEN, &c->commission_fen) ||
      !read_number (ctx, obj, "conversion_rate", FALSE, 0, 1, &c->conversion_rate) ||
      !read_number (ctx, obj, "return_rate", TRUE, 0, 1, &c->return_rate) ||
      !read_int (ctx, obj, "complaints", TRUE, 0, MAX_COUNT, &c->complaints) ||
      !read_number (ctx, obj, "rating", FALSE, 0, 5, &c->rating) ||
      !read_string (ctx, obj, "notes", FALSE, 0, MAX_NOTES_CHARS, TEXT_MULTILINE, &c->notes) ||
      !read_provenance (ctx, obj, &c->provenance) ||
      !read_figure_provenance (ctx, obj, &c->provenance, cooperation_figures, c->figure_provenance))
    return NULL;
  c->format = format;
  c->platform = platform;
  return g_steal_pointer (&c);
}

static gboolean
check_url (Ctx        *ctx,
           const char *key,
           const char *url)
{
  gsize len = strlen (url);

  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                     _("“%s” is not a web address (it must start with http:// or https://)"), url);
  if (len > MAX_URL_BYTES)
    return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                     _("is %u bytes long; at most %d are allowed"),
                     (guint) MIN (len, G_MAXUINT), MAX_URL_BYTES);
  for (const char *p = url; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        return ctx_fail (ctx, TM_JSON_ERROR_INVALID, key,
                         _("“%s” contains a space or control character (U+%04X); "
                           "encode it as %%20 and so on"), url, c);
    }
  return TRUE;
}

static TmIncident *
read_incident (Ctx        *ctx,
               const Node *obj)
{
  static const char * const keys[] = {
    "id", "streamer", "date", "kind", "severity", "resolved", "resolution",
    "description", "source_url", "provenance", "figure_provenance", NULL
  };
  g_autoptr(TmIncident) incident = tm_incident_new ();
  int kind = 0;
  gint64 severity = 1;

  if (!read_record_id (ctx, obj, &incident->id) ||
      !check_keys (ctx, obj, keys) ||
      !read_id (ctx, obj, "streamer", TRUE, &incident->streamer_id) ||
      !read_date (ctx, obj, "date", TRUE, &incident->date) ||
      !READ_CODE (ctx, obj, "kind", TRUE, incident_kind, TM_N_INCIDENT_KINDS, &kind) ||
      !read_int (ctx, obj, "severity", TRUE, 1, 5, &severity) ||
      !read_bool (ctx, obj, "resolved", TRUE, &incident->resolved) ||
      !read_string (ctx, obj, "resolution", FALSE, 0, MAX_TEXT_CHARS, TEXT_MULTILINE,
                    &incident->resolution) ||
      !read_string (ctx, obj, "description", TRUE, 1, MAX_TEXT_CHARS, TEXT_MULTILINE,
                    &incident->description) ||
      !read_string (ctx, obj, "source_url", FALSE, 1, MAX_URL_BYTES, TEXT_LINE,
                    &incident->source_url) ||
      (incident->source_url != NULL && !check_url (ctx, "source_url", incident->source_url)) ||
      !read_provenance (ctx, obj, &incident->provenance) ||
      !read_figure_provenance (ctx, obj, &incident->provenance, incident_figures,
                               incident->figure_provenance))
    return NULL;
  incident->kind = kind;
  incident->severity = (gint32) severity;
  return g_steal_pointer (&incident);
}

typedef gpointer (*ReadRecordFunc) (Ctx *ctx, const Node *obj);

static gboolean
read_section (Ctx            *ctx,
              const Node     *root,
              const char     *section,
              ReadRecordFunc  read_record,
              GPtrArray      *out)
{
  const Node *array;
  g_autoptr(GHashTable) ids = NULL;

  if (!read_array (ctx, root, section, FALSE, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;

  ids = g_hash_table_new (g_str_hash, g_str_equal);
  ctx->section = section;
  for (guint i = 0; i < array->size; i++)
    {
      const Node *node = &array->v.elements[i];
      gpointer record;
      const char *id;
      gpointer first;

      ctx->index = i;
      ctx->id = NULL;
      g_string_truncate (ctx->path, 0);
      if (node->type != NODE_OBJECT)
        return fail_type (ctx, NULL, _("an object"), node);
      record = read_record (ctx, node);
      if (record == NULL)
        return FALSE;
      g_ptr_array_add (out, record);
      /* Every record type starts with its id. */
      id = *(char **) record;
      ctx->id = id;
      if (g_hash_table_lookup_extended (ids, id, NULL, &first))
        return ctx_fail (ctx, TM_JSON_ERROR_DUPLICATE, "id",
                         _("“%s” is already the id of %s[%u]"),
                         id, section, GPOINTER_TO_UINT (first));
      g_hash_table_insert (ids, (gpointer) id, GUINT_TO_POINTER (i));
    }
  ctx->section = NULL;
  ctx->id = NULL;
  return TRUE;
}

/* Each record struct starts with its id, which read_section relies on. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (TmBrand, id) == 0);
G_STATIC_ASSERT (G_STRUCT_OFFSET (TmStreamer, id) == 0);
G_STATIC_ASSERT (G_STRUCT_OFFSET (TmCooperation, id) == 0);
G_STATIC_ASSERT (G_STRUCT_OFFSET (TmIncident, id) == 0);

static TmDataset *
dataset_from_root (const Node  *root,
                   const char  *display_name,
                   GError     **error)
{
  static const char * const keys[] = {
    "format", "version", "synthetic", "description",
    "brands", "streamers", "cooperations", "incidents", NULL
  };
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(TmDataset) dataset = tm_dataset_new ();
  Ctx ctx = { display_name, NULL, 0, NULL, path, error };
  const Node *obj;
  const Node *node;
  gint64 version;
  char version_text[24];

  if (root->type != NODE_OBJECT)
    {
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_VERSION,
                   _("%s: not a TrustMatch dataset (the data is %s, not an object "
                     "with \"format\": \"%s\")"),
                   display_name, node_kind (root), TM_DATASET_FORMAT);
      return NULL;
    }
  obj = root;

  /* Format and version before anything else: a newer file may well have
   * fields this version does not know. */
  node = get_member (obj, "format");
  if (node == NULL || node->type != NODE_STRING)
    {
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_VERSION,
                   _("%s: not a TrustMatch dataset (no \"format\": \"%s\")"),
                   display_name, TM_DATASET_FORMAT);
      return NULL;
    }
  if (!g_str_equal (node->v.string, TM_DATASET_FORMAT))
    {
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_VERSION,
                   _("%s: not a TrustMatch dataset (format: “%s”, expected “%s”)"),
                   display_name, node->v.string, TM_DATASET_FORMAT);
      return NULL;
    }
  node = get_member (obj, "version");
  if (node == NULL || node->type != NODE_INT)
    {
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_VERSION,
                   _("%s: version: required, a whole number (this version reads version %d)"),
                   display_name, TM_DATASET_VERSION);
      return NULL;
    }
  version = node->v.integer;
  g_snprintf (version_text, sizeof version_text, "%" G_GINT64_FORMAT, version);
  if (version > TM_DATASET_VERSION)
    {
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_VERSION,
                   _("%s: written by a newer TrustMatch (format version %s); "
                     "this version reads version %d"),
                   display_name, version_text, TM_DATASET_VERSION);
      return NULL;
    }
  if (version < 1)
    {
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_VERSION,
                   _("%s: version: %s is not a format version "
                     "(this version reads version %d)"),
                   display_name, version_text, TM_DATASET_VERSION);
      return NULL;
    }

  if (!check_keys (&ctx, obj, keys) ||
      !read_bool (&ctx, obj, "synthetic", FALSE, &dataset->synthetic) ||
      !read_string (&ctx, obj, "description", FALSE, 0, MAX_DESCRIPTION_CHARS, TEXT_MULTILINE,
                    &dataset->description) ||
      !read_section (&ctx, obj, "brands", (ReadRecordFunc) read_brand, dataset->brands) ||
      !read_section (&ctx, obj, "streamers", (ReadRecordFunc) read_streamer, dataset->streamers) ||
      !read_section (&ctx, obj, "cooperations", (ReadRecordFunc) read_cooperation,
                     dataset->cooperations) ||
      !read_section (&ctx, obj, "incidents", (ReadRecordFunc) read_incident, dataset->incidents))
    return NULL;

  return g_steal_pointer (&dataset);
}

gboolean
tm_brand_validate (const TmBrand  *brand,
                   char          **out_field,
                   GError        **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(TmBrand) checked = NULL;
  g_autofree char *field = NULL;
  g_autofree char *text = NULL;
  g_auto(Tree) tree = { 0 };
  gsize length;
  Ctx ctx = { _("The brand"), NULL, 0, NULL, path, error, &field };

  g_return_val_if_fail (brand != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The same reader as a data file: a form can never accept what an
   * import would refuse, and the rules live in one place. */
  node = tm_brand_to_json_node (brand);
  text = tm_json_node_serialize (node, FALSE, &length);
  tree_init (&tree, length);
  if (!scan_document (text, length, TM_JSON_MAX_DEPTH, ctx.file, &tree, error))
    return FALSE;
  g_clear_pointer (&tree.items, g_free);

  checked = read_brand (&ctx, &tree.root);
  if (checked == NULL && out_field != NULL)
    *out_field = g_steal_pointer (&field);
  return checked != NULL;
}

TmDataset *
tm_dataset_load_data (const char  *data,
                      gsize        length,
                      const char  *display_name,
                      GError     **error)
{
  g_auto(Tree) tree = { 0 };

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = _("(data)");

  /* The pre-scan and the tree in one pass. */
  tree_init (&tree, length);
  if (!scan_document (data, length, TM_JSON_MAX_DEPTH, display_name, &tree, error))
    return NULL;
  /* Only the scan needed the open containers' entries. */
  g_clear_pointer (&tree.items, g_free);

  return dataset_from_root (&tree.root, display_name, error);
}

TmDataset *
tm_dataset_load_file (const char  *path,
                      GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *data = NULL;
  struct stat st;
  gsize allocated, length = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_filename_display_name (path);

  /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
   * below as not a regular file.  Regular files ignore the flag. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not open “%s”: %s"), name, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not read “%s”: %s"), name, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is not a regular file"), name);
      return NULL;
    }
  /* Refuse before reading: a huge (or sparse) file would fill the memory. */
  if ((guint64) st.st_size > TM_JSON_MAX_SIZE)
    {
      g_autofree char *size = g_format_size (st.st_size);
      g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) st.st_size);
      g_autofree char *limit = g_format_size (TM_JSON_MAX_SIZE);
      close (fd);
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_TOO_LARGE,
                   _("%s: the file is %s (%s bytes); files larger than %s "
                     "are not read (split it into smaller files)"),
                   name, size, bytes, limit);
      return NULL;
    }

  /* Read at most one byte past the limit, in case the file grows. */
  allocated = (gsize) st.st_size + 1;
  data = g_malloc (allocated);
  for (;;)
    {
      gssize n;

      if (length == allocated)
        {
          if (allocated > TM_JSON_MAX_SIZE)
            {
              g_autofree char *limit = g_format_size (TM_JSON_MAX_SIZE);
              close (fd);
              g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_TOO_LARGE,
                           _("%s: the file is larger than %s and is not read"), name, limit);
              return NULL;
            }
          allocated = MIN (allocated * 2, TM_JSON_MAX_SIZE + 1);
          data = g_realloc (data, allocated);
        }
      n = read (fd, data + length, allocated - length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Could not read “%s”: %s"), name, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      length += n;
    }
  close (fd);

  return tm_dataset_load_data (data, length, name, error);
}

/* ------------------------------------------------------------------ */
/* References                                                           */
/* ------------------------------------------------------------------ */

static GHashTable *
ids_of (GPtrArray *records)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < records->len; i++)
    g_hash_table_add (set, *(char **) g_ptr_array_index (records, i));
  return set;
}

static gboolean
is_known (GHashTable *own,
          GHashTable *known,
          const char *id)
{
  return g_hash_table_contains (own, id) || (known != NULL && g_hash_table_contains (known, id));
}

gboolean
tm_dataset_check_references (const TmDataset *dataset,
                             GHashTable      *known_streamers,
                             GHashTable      *known_brands,
                             const char      *display_name,
                             GError         **error)
{
  g_autoptr(GHashTable) streamers = NULL;
  g_autoptr(GHashTable) brands = NULL;
  g_autoptr(GString) path = g_string_new (NULL);
  Ctx ctx = { display_name ? display_name : _("(data)"), NULL, 0, NULL, path, error };

  g_return_val_if_fail (dataset != NULL, FALSE);

  streamers = ids_of (dataset->streamers);
  brands = ids_of (dataset->brands);

  ctx.section = "brands";
  for (guint i = 0; i < dataset->brands->len; i++)
    {
      const TmBrand *b = g_ptr_array_index (dataset->brands, i);

      ctx.index = i;
      ctx.id = b->id;
      for (guint j = 0; j < b->blacklist->len; j++)
        {
          const char *id = g_ptr_array_index (b->blacklist, j);
          if (!is_known (streamers, known_streamers, id))
            {
              g_autofree char *key = g_strdup_printf ("constraints.blacklist[%u]", j);
              return ctx_fail (&ctx, TM_JSON_ERROR_REFERENCE, key,
                               _("no streamer with the id “%s” in this file or the store"), id);
            }
        }
    }

  ctx.section = "cooperations";
  for (guint i = 0; i < dataset->cooperations->len; i++)
    {
      const TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);

      ctx.index = i;
      ctx.id = c->id;
      if (!is_known (streamers, known_streamers, c->streamer_id))
        return ctx_fail (&ctx, TM_JSON_ERROR_REFERENCE, "streamer",
                         _("no streamer with the id “%s” in this file or the store"),
                         c->streamer_id);
      if (c->brand_id != NULL && !is_known (brands, known_brands, c->brand_id))
        return ctx_fail (&ctx, TM_JSON_ERROR_REFERENCE, "brand",
                         _("no brand with the id “%s” in this file or the store "
                           "(for a brand you do not track, give “brand_name” and “brand_category”)"),
                         c->brand_id);
    }

  ctx.section = "incidents";
  for (guint i = 0; i < dataset->incidents->len; i++)
    {
      const TmIncident *inc = g_ptr_array_index (dataset->incidents, i);

      ctx.index = i;
      ctx.id = inc->id;
      if (!is_known (streamers, known_streamers, inc->streamer_id))
        return ctx_fail (&ctx, TM_JSON_ERROR_REFERENCE, "streamer",
                         _("no streamer with the id “%s” in this file or the store"),
                         inc->streamer_id);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

static void
set_string (JsonObject *obj,
            const char *key,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (obj, key, value);
}

static void
set_double (JsonObject *obj,
            const char *key,
            double      value)
{
  if (isfinite (value))
    json_object_set_double_member (obj, key, value);
}

static void
set_int (JsonObject *obj,
         const char *key,
         gint64      value)
{
  if (value >= 0)
    json_object_set_int_member (obj, key, value);
}

static void
set_date (JsonObject *obj,
          const char *key,
          TmDate      date)
{
  if (date != TM_DATE_NONE)
    {
      g_autofree char *text = tm_date_format (date);
      json_object_set_string_member (obj, key, text);
    }
}

/* An enum code, only when the value is in range (a record built in code
 * may hold anything). */
#define SET_CODE(obj, key, name, N, value)                                   \
  G_STMT_START {                                                             \
    int v_ = (int) (value);                                                  \
    if (v_ >= 0 && v_ < (N))                                                 \
      json_object_set_string_member (obj, key, tm_##name##_code (v_));       \
  } G_STMT_END

static JsonNode *
object_node (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

static void
set_object (JsonObject *obj,
            const char *key,
            JsonObject *value)
{
  json_object_set_object_member (obj, key, value);
}

static void
set_string_list (JsonObject      *obj,
                 const char      *key,
                 const GPtrArray *list,
                 gboolean         even_empty)
{
  JsonArray *array;

  if (list == NULL || (list->len == 0 && !even_empty))
    return;
  array = json_array_sized_new (list->len);
  for (guint i = 0; i < list->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (list, i));
  json_object_set_array_member (obj, key, array);
}

static JsonObject *
provenance_object (const TmProvenance *p)
{
  JsonObject *obj = json_object_new ();

  SET_CODE (obj, "source", source, TM_N_SOURCES, p->source);
  set_date (obj, "observed", p->observed);
  SET_CODE (obj, "basis", basis, TM_N_BASES, p->basis);
  return obj;
}

static void
set_provenance (JsonObject         *obj,
                const TmProvenance *provenance,
                const GArray       *figures)
{
  JsonObject *fp;

  set_object (obj, "provenance", provenance_object (provenance));
  if (figures == NULL || figures->len == 0)
    return;
  fp = json_object_new ();
  for (guint i = 0; i < figures->len; i++)
    {
      const TmFigureProvenance *f = &g_array_index (figures, TmFigureProvenance, i);
      if (f->field != NULL)
        set_object (fp, f->field, provenance_object (&f->provenance));
    }
  set_object (obj, "figure_provenance", fp);
}

static void
set_style_tags (JsonObject   *obj,
                const GArray *tags)
{
  JsonArray *array;

  if (tags == NULL || tags->len == 0)
    return;
  array = json_array_sized_new (tags->len);
  for (guint i = 0; i < tags->len; i++)
    {
      const TmStyleTag *t = &g_array_index (tags, TmStyleTag, i);
      JsonObject *o = json_object_new ();

      set_string (o, "tag", t->tag);
      set_double (o, "weight", t->weight);
      json_array_add_object_element (array, o);
    }
  json_object_set_array_member (obj, "style_tags", array);
}

static void
set_audience (JsonObject       *obj,
              const TmAudience *a)
{
  JsonObject *audience, *age, *gender, *region;

  if (!a->present)
    return;
  audience = json_object_new ();
  age = json_object_new ();
  for (int i = 0; i < TM_N_AGES; i++)
    set_double (age, tm_age_code (i), a->age[i]);
  gender = json_object_new ();
  for (int i = 0; i < TM_N_GENDERS; i++)
    set_double (gender, tm_gender_code (i), a->gender[i]);
  region = json_object_new ();
  for (int i = 0; i < TM_N_REGIONS; i++)
    set_double (region, tm_region_code (i), a->region[i]);
  set_object (audience, "age", age);
  set_object (audience, "gender", gender);
  set_object (audience, "region", region);
  set_object (obj, "audience", audience);
}

JsonNode *
tm_brand_to_json_node (const TmBrand *brand)
{
  JsonObject *obj;
  JsonObject *constraints;

  g_return_val_if_fail (brand != NULL, NULL);

  obj = json_object_new ();
  set_string (obj, "id", brand->id);
  set_string (obj, "name", brand->name);
  set_string (obj, "category", brand->category);
  set_style_tags (obj, brand->style_tags);
  set_audience (obj, &brand->audience);
  SET_CODE (obj, "price_tier", price_tier, TM_N_PRICE_TIERS, brand->price_tier);
  set_int (obj, "typical_order_price_fen", brand->typical_order_price_fen);
  set_int (obj, "budget_fen", brand->budget_fen);

  constraints = json_object_new ();
  if (isfinite (brand->min_credit_score) && brand->min_credit_score > 0)
    set_double (constraints, "min_credit_score", brand->min_credit_score);
  set_string_list (constraints, "blacklist", brand->blacklist, FALSE);
  set_string_list (constraints, "competitor_brands", brand->competitor_brands, FALSE);
  set_string_list (constraints, "competitor_categories", brand->competitor_categories, FALSE);
  if (brand->exclusivity_days > 0)
    json_object_set_int_member (constraints, "exclusivity_days", brand->exclusivity_days);
  if (json_object_get_size (constraints) > 0)
    set_object (obj, "constraints", constraints);
  else
    json_object_unref (constraints);

  set_string (obj, "notes", brand->notes);
  set_provenance (obj, &brand->provenance, brand->figure_provenance);
  return object_node (obj);
}

JsonNode *
tm_streamer_to_json_node (const TmStreamer *s)
{
  JsonObject *obj;
  JsonArray *accounts;

  g_return_val_if_fail (s != NULL, NULL);

  obj = json_object_new ();
  set_string (obj, "id", s->id);
  set_string (obj, "name", s->name);

  accounts = json_array_new ();
  for (guint i = 0; s->accounts != NULL && i < s->accounts->len; i++)
    {
      const TmAccount *a = &g_array_index (s->accounts, TmAccount, i);
      JsonObject *o = json_object_new ();

      SET_CODE (o, "platform", platform, TM_N_PLATFORMS, a->platform);
      set_string (o, "handle", a->handle);
      set_int (o, "followers", a->followers);
      json_array_add_object_element (accounts, o);
    }
  json_object_set_array_member (obj, "accounts", accounts);
  set_string_list (obj, "categories", s->categories, TRUE);
  set_style_tags (obj, s->style_tags);
  set_audience (obj, &s->audience);

  if (isfinite (s->credit_score))
    {
      JsonObject *credit = json_object_new ();

      SET_CODE (credit, "platform", platform, TM_N_PLATFORMS, s->credit_platform);
      set_double (credit, "score", s->credit_score);
      set_double (credit, "scale", s->credit_scale);
      set_object (obj, "credit", credit);
    }
  SET_CODE (obj, "verification", verification, TM_N_VERIFICATIONS, s->verification);
  set_double (obj, "engagement_rate", s->engagement_rate);
  set_int (obj, "avg_live_viewers", s->avg_live_viewers);

  if ((s->reviews_positive >= 0 && s->reviews_negative >= 0) || isfinite (s->fake_review_share))
    {
      JsonObject *reviews = json_object_new ();

      if (s->reviews_positive >= 0 && s->reviews_negative >= 0)
        {
          json_object_set_int_member (reviews, "positive", s->reviews_positive);
          json_object_set_int_member (reviews, "negative", s->reviews_negative);
        }
      set_double (reviews, "fake_share", s->fake_review_share);
      set_object (obj, "reviews", reviews);
    }
  set_double (obj, "dispute_resolution_rate", s->dispute_resolution_rate);
  set_double (obj, "repeat_buyer_rate", s->repeat_buyer_rate);
  if (s->price_low_fen >= 0 && s->price_high_fen >= 0)
    {
      JsonObject *range = json_object_new ();

      json_object_set_int_member (range, "low", s->price_low_fen);
      json_object_set_int_member (range, "high", s->price_high_fen);
      set_object (obj, "price_range_fen", range);
    }
  set_provenance (obj, &s->provenance, s->figure_provenance);
  return object_node (obj);
}

JsonNode *
tm_cooperation_to_json_node (const TmCooperation *c)
{
  JsonObject *obj;

  g_return_val_if_fail (c != NULL, NULL);

  obj = json_object_new ();
  set_string (obj, "id", c->id);
  set_string (obj, "streamer", c->streamer_id);
  if (c->brand_id != NULL)
    set_string (obj, "brand", c->brand_id);
  else
    {
      set_string (obj, "brand_name", c->brand_name);
      set_string (obj, "brand_category", c->brand_category);
    }
  set_date (obj, "date", c->date);
  SET_CODE (obj, "format", format, TM_N_FORMATS, c->format);
  SET_CODE (obj, "platform", platform, TM_N_PLATFORMS, c->platform);
  set_int (obj, "gmv_fen", c->gmv_fen);
  set_int (obj, "orders", c->orders);
  set_int (obj, "fee_fen", c->fee_fen);
  set_int (obj, "commission_fen", c->commission_fen);
  set_double (obj, "conversion_rate", c->conversion_rate);
  set_double (obj, "return_rate", c->return_rate);
  set_int (obj, "complaints", c->complaints);
  set_double (obj, "rating", c->rating);
  set_string (obj, "notes", c->notes);
  set_provenance (obj, &c->provenance, c->figure_provenance);
  return object_node (obj);
}

JsonNode *
tm_incident_to_json_node (const TmIncident *incident)
{
  JsonObject *obj;

  g_return_val_if_fail (incident != NULL, NULL);

  obj = json_object_new ();
  set_string (obj, "id", incident->id);
  set_string (obj, "streamer", incident->streamer_id);
  set_date (obj, "date", incident->date);
  SET_CODE (obj, "kind", incident_kind, TM_N_INCIDENT_KINDS, incident->kind);
  json_object_set_int_member (obj, "severity", incident->severity);
  json_object_set_boolean_member (obj, "resolved", incident->resolved);
  set_string (obj, "resolution", incident->resolution);
  set_string (obj, "description", incident->description);
  set_string (obj, "source_url", incident->source_url);
  set_provenance (obj, &incident->provenance, incident->figure_provenance);
  return object_node (obj);
}

/* Our own writer: json-glib 1.6 prints 0.1 as 0.10000000000000001. */

static void
append_string (GString    *out,
               const char *s)
{
  const char *run = s;

  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c != '"' && c != '\\' && c >= 0x20)
        continue;
      g_string_append_len (out, run, p - run);
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:   g_string_append_printf (out, "\\u%04x", c); break;
        }
      run = p + 1;
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

/* Faster than printf, and a dataset is mostly numbers. */
static void
append_int (GString *out,
            gint64   value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 v = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, buf + sizeof buf - p);
}

static void
append_newline (GString *out,
                int      level)
{
  g_string_append_c (out, '\n');
  for (int i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static gboolean
is_scalar (JsonNode *node)
{
  return JSON_NODE_TYPE (node) != JSON_NODE_OBJECT && JSON_NODE_TYPE (node) != JSON_NODE_ARRAY;
}

static gboolean
object_all_scalars (JsonObject *obj)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  /* json-glib 1.6 requires both out arguments. */
  json_object_iter_init_ordered (&iter, obj);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (!is_scalar (member))
      return FALSE;
  return TRUE;
}

static gboolean
all_scalars (JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!is_scalar (json_array_get_element (array, i)))
      return FALSE;
  return TRUE;
}

static void
append_node (GString  *out,
             JsonNode *node,
             gboolean  pretty,
             int       level)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *obj = json_node_get_object (node);
        JsonObjectIter iter;
        const char *key;
        JsonNode *member;
        gboolean first = TRUE;
        /* Small leaf objects (provenance, an account, a tag) on one line. */
        gboolean inline_object = !pretty || (level > 0 && object_all_scalars (obj));

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, obj);
        while (json_object_iter_next_ordered (&iter, &key, &member))
          {
            if (!first)
              g_string_append (out, inline_object && pretty ? ", " : ",");
            first = FALSE;
            if (!inline_object)
              append_newline (out, level + 1);
            append_string (out, key);
            g_string_append (out, pretty ? ": " : ":");
            append_node (out, member, pretty, level + 1);
          }
        if (!inline_object && !first)
          append_newline (out, level);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        /* Short lists of codes or ids read best on one line. */
        gboolean inline_list = !pretty || all_scalars (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append (out, inline_list && pretty ? ", " : ",");
            if (!inline_list)
              append_newline (out, level + 1);
            append_node (out, json_array_get_element (array, i), pretty, level + 1);
          }
        if (!inline_list && n > 0)
          append_newline (out, level);
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          append_int (out, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            double v = json_node_get_double (node);

            /* JSON has no NaN or infinity; the reader leaves them out. */
            if (!isfinite (v))
              g_string_append (out, "null");
            else
              {
                tm_json_format_double (buf, sizeof buf, v);
                g_string_append (out, buf);
              }
          }
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;
    }
}

char *
tm_json_node_serialize (JsonNode *node,
                        gboolean  pretty,
                        gsize    *length)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_new (NULL);
  append_node (out, node, pretty, 0);
  if (pretty)
    g_string_append_c (out, '\n');
  if (length)
    *length = out->len;
  return g_string_free (out, FALSE);
}

static void
set_section (JsonObject *root,
             const char *key,
             GPtrArray  *records,
             JsonNode *(*to_node) (gconstpointer))
{
  JsonArray *array;

  if (records == NULL || records->len == 0)
    return;
  array = json_array_sized_new (records->len);
  for (guint i = 0; i < records->len; i++)
    json_array_add_element (array, to_node (g_ptr_array_index (records, i)));
  json_object_set_array_member (root, key, array);
}

/* The top level without the record sections, which are written one record
 * at a time. */
static JsonNode *
dataset_header_node (const TmDataset *dataset)
{
  JsonObject *root = json_object_new ();

  json_object_set_string_member (root, "format", TM_DATASET_FORMAT);
  json_object_set_int_member (root, "version", TM_DATASET_VERSION);
  json_object_set_boolean_member (root, "synthetic", dataset->synthetic);
  set_string (root, "description", dataset->description);
  return object_node (root);
}

JsonNode *
tm_dataset_to_json_node (const TmDataset *dataset)
{
  JsonNode *node;
  JsonObject *root;

  g_return_val_if_fail (dataset != NULL, NULL);

  node = dataset_header_node (dataset);
  root = json_node_get_object (node);
  set_section (root, "brands", dataset->brands, (gpointer) tm_brand_to_json_node);
  set_section (root, "streamers", dataset->streamers, (gpointer) tm_streamer_to_json_node);
  set_section (root, "cooperations", dataset->cooperations, (gpointer) tm_cooperation_to_json_node);
  set_section (root, "incidents", dataset->incidents, (gpointer) tm_incident_to_json_node);
  return node;
}

static void
append_section (GString    *out,
                const char *key,
                GPtrArray  *records,
                JsonNode *(*to_node) (gconstpointer))
{
  if (records == NULL || records->len == 0)
    return;
  g_string_append_c (out, ',');
  append_newline (out, 1);
  append_string (out, key);
  g_string_append (out, ": [");
  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *node = to_node (g_ptr_array_index (records, i));

      if (i > 0)
        g_string_append_c (out, ',');
      append_newline (out, 2);
      append_node (out, node, TRUE, 2);
      json_node_unref (node);
    }
  append_newline (out, 1);
  g_string_append_c (out, ']');
}

char *
tm_dataset_to_json (const TmDataset *dataset,
                    gsize           *length)
{
  g_autoptr(JsonNode) header = NULL;
  GString *out;

  g_return_val_if_fail (dataset != NULL, NULL);

  /* The same text as tm_json_node_serialize (tm_dataset_to_json_node ()),
   * but one record's tree at a time: a million records as one json-glib
   * tree would take gigabytes. */
  header = dataset_header_node (dataset);
  out = g_string_new (NULL);
  append_node (out, header, TRUE, 0);
  g_assert (out->str[out->len - 1] == '}');
  g_string_truncate (out, out->len - 2);  /* "\n}" */
  append_section (out, "brands", dataset->brands, (gpointer) tm_brand_to_json_node);
  append_section (out, "streamers", dataset->streamers, (gpointer) tm_streamer_to_json_node);
  append_section (out, "cooperations", dataset->cooperations, (gpointer) tm_cooperation_to_json_node);
  append_section (out, "incidents", dataset->incidents, (gpointer) tm_incident_to_json_node);
  g_string_append (out, "\n}\n");
  if (length)
    *length = out->len;
  return g_string_free (out, FALSE);
}

gboolean
tm_dataset_save_file (const TmDataset  *dataset,
                      const char       *path,
                      GError          **error)
{
  g_autofree char *text = NULL;
  gsize length;

  g_return_val_if_fail (dataset != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = tm_dataset_to_json (dataset, &length);
  /* Written to a temporary file, synced, then renamed over the old one. */
  return g_file_set_contents_full (path, text, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0666, error);
}

/* Digests: SHA-256 of the compact text of tm_*_to_json_node, written
 * straight from the record without building the tree (an import digests
 * every record, and building and freeing the trees took four fifths of
 * the time).  Each writer below follows its tm_*_to_json_node line by
 * line: same members, same order, same omissions; tests compare the two
 * on whole datasets. */

static inline void
put_key (GString    *out,
         gboolean   *first,
         const char *quoted,
         gsize       length)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  g_string_append_len (out, quoted, length);
}

/* @k is a literal key that needs no escaping. */
#define KEY(out, first, k) put_key (out, first, "\"" k "\":", sizeof ("\"" k "\":") - 1)

static void
put_any_key (GString    *out,
             gboolean   *first,
             const char *key)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  append_string (out, key);
  g_string_append_c (out, ':');
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  tm_json_format_double (buf, sizeof buf, value);
  g_string_append (out, buf);
}

/* Same text as tm_date_format, without the allocation. */
static void
append_date (GString *out,
             TmDate   date)
{
  char buf[32];
  int y, m, d;

  tm_date_to_ymd (date, &y, &m, &d);
  if (y >= 0 && y <= 9999 && m >= 0 && m <= 99 && d >= 0 && d <= 99)
    {
      buf[0] = '"';
      buf[1] = (char) ('0' + y / 1000);
      buf[2] = (char) ('0' + y / 100 % 10);
      buf[3] = (char) ('0' + y / 10 % 10);
      buf[4] = (char) ('0' + y % 10);
      buf[5] = '-';
      buf[6] = (char) ('0' + m / 10);
      buf[7] = (char) ('0' + m % 10);
      buf[8] = '-';
      buf[9] = (char) ('0' + d / 10);
      buf[10] = (char) ('0' + d % 10);
      buf[11] = '"';
      g_string_append_len (out, buf, 12);
    }
  else
    {
      g_snprintf (buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
      append_string (out, buf);
    }
}

/* The put_* helpers add a member the way set_* above do: only when the
 * value is known. */
#define PUT_STRING(out, first, k, value)                                     \
  G_STMT_START {                                                             \
    const char *s_ = (value);                                                \
    if (s_ != NULL)                                                          \
      {                                                                      \
        KEY (out, first, k);                                                 \
        append_string (out, s_);                                             \
      }                                                                      \
  } G_STMT_END

#define PUT_DOUBLE(out, first, k, value)                                     \
  G_STMT_START {                                                             \
    double d_ = (value);                                                     \
    if (isfinite (d_))                                                       \
      {                                                                      \
        KEY (out, first, k);                                                 \
        append_double (out, d_);                                             \
      }                                                                      \
  } G_STMT_END

#define PUT_INT(out, first, k, value)                                        \
  G_STMT_START {                                                             \
    gint64 i_ = (value);                                                     \
    if (i_ >= 0)                                                             \
      {                                                                      \
        KEY (out, first, k);                                                 \
        append_int (out, i_);                                                \
      }                                                                      \
  } G_STMT_END

#define PUT_DATE(out, first, k, value)                                       \
  G_STMT_START {                                                             \
    TmDate t_ = (value);                                                     \
    if (t_ != TM_DATE_NONE)                                                  \
      {                                                                      \
        KEY (out, first, k);                                                 \
        append_date (out, t_);                                               \
      }                                                                      \
  } G_STMT_END

#define PUT_CODE(out, first, k, name, N, value)                              \
  G_STMT_START {                                                             \
    int v_ = (int) (value);                                                  \
    if (v_ >= 0 && v_ < (N))                                                 \
      {                                                                      \
        KEY (out, first, k);                                                 \
        append_string (out, tm_##name##_code (v_));                          \
      }                                                                      \
  } G_STMT_END

static void
put_string_list (GString         *out,
                 gboolean        *first,
                 const char      *quoted,
                 gsize            length,
                 const GPtrArray *list,
                 gboolean         even_empty)
{
  if (list == NULL || (list->len == 0 && !even_empty))
    return;
  put_key (out, first, quoted, length);
  g_string_append_c (out, '[');
  for (guint i = 0; i < list->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_string (out, g_ptr_array_index (list, i));
    }
  g_string_append_c (out, ']');
}

#define PUT_STRING_LIST(out, first, k, list, even_empty) \
  put_string_list (out, first, "\"" k "\":", sizeof ("\"" k "\":") - 1, list, even_empty)

static void
append_provenance_object (GString            *out,
                          const TmProvenance *p)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  PUT_CODE (out, &first, "source", source, TM_N_SOURCES, p->source);
  PUT_DATE (out, &first, "observed", p->observed);
  PUT_CODE (out, &first, "basis", basis, TM_N_BASES, p->basis);
  g_string_append_c (out, '}');
}

static void
put_provenance (GString            *out,
                gboolean           *first,
                const TmProvenance *provenance,
                const GArray       *figures)
{
  gboolean fp_first = TRUE;

  KEY (out, first, "provenance");
  append_provenance_object (out, provenance);
  if (figures == NULL || figures->len == 0)
    return;
  KEY (out, first, "figure_provenance");
  g_string_append_c (out, '{');
  for (guint i = 0; i < figures->len; i++)
    {
      const TmFigureProvenance *f = &g_array_index (figures, TmFigureProvenance, i);
      const TmFigureProvenance *last = f;
      gboolean seen = FALSE;

      if (f->field == NULL)
        continue;
      /* A JsonObject given the same member twice keeps the first place
       * and the last value; a record built in code may do that. */
      for (guint j = 0; j < i && !seen; j++)
        {
          const char *other = g_array_index (figures, TmFigureProvenance, j).field;
          seen = other != NULL && strcmp (other, f->field) == 0;
        }
      if (seen)
        continue;
      for (guint j = i + 1; j < figures->len; j++)
        {
          const TmFigureProvenance *g = &g_array_index (figures, TmFigureProvenance, j);
          if (g->field != NULL && strcmp (g->field, f->field) == 0)
            last = g;
        }
      put_any_key (out, &fp_first, f->field);
      append_provenance_object (out, &last->provenance);
    }
  g_string_append_c (out, '}');
}

static void
put_style_tags (GString      *out,
                gboolean     *first,
                const GArray *tags)
{
  if (tags == NULL || tags->len == 0)
    return;
  KEY (out, first, "style_tags");
  g_string_append_c (out, '[');
  for (guint i = 0; i < tags->len; i++)
    {
      const TmStyleTag *t = &g_array_index (tags, TmStyleTag, i);
      gboolean tag_first = TRUE;

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      PUT_STRING (out, &tag_first, "tag", t->tag);
      PUT_DOUBLE (out, &tag_first, "weight", t->weight);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

typedef const char *(*ShareCodeFunc) (int bucket);

static void
append_shares (GString       *out,
               const double  *shares,
               int            n,
               ShareCodeFunc  code)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (int i = 0; i < n; i++)
    if (isfinite (shares[i]))
      {
        put_any_key (out, &first, code (i));
        append_double (out, shares[i]);
      }
  g_string_append_c (out, '}');
}

static void
put_audience (GString          *out,
              gboolean         *first,
              const TmAudience *a)
{
  if (!a->present)
    return;
  KEY (out, first, "audience");
  g_string_append (out, "{\"age\":");
  append_shares (out, a->age, TM_N_AGES, (ShareCodeFunc) tm_age_code);
  g_string_append (out, ",\"gender\":");
  append_shares (out, a->gender, TM_N_GENDERS, (ShareCodeFunc) tm_gender_code);
  g_string_append (out, ",\"region\":");
  append_shares (out, a->region, TM_N_REGIONS, (ShareCodeFunc) tm_region_code);
  g_string_append_c (out, '}');
}

static void
write_brand (GString       *out,
             const TmBrand *brand)
{
  gboolean first = TRUE;
  gboolean c_first = TRUE;
  gsize before_constraints;

  g_string_append_c (out, '{');
  PUT_STRING (out, &first, "id", brand->id);
  PUT_STRING (out, &first, "name", brand->name);
  PUT_STRING (out, &first, "category", brand->category);
  put_style_tags (out, &first, brand->style_tags);
  put_audience (out, &first, &brand->audience);
  PUT_CODE (out, &first, "price_tier", price_tier, TM_N_PRICE_TIERS, brand->price_tier);
  PUT_INT (out, &first, "typical_order_price_fen", brand->typical_order_price_fen);
  PUT_INT (out, &first, "budget_fen", brand->budget_fen);

  /* Written, then taken back when it holds nothing, as the tree omits an
   * empty constraints object. */
  before_constraints = out->len;
  g_string_append (out, first ? "\"constraints\":{" : ",\"constraints\":{");
  if (isfinite (brand->min_credit_score) && brand->min_credit_score > 0)
    PUT_DOUBLE (out, &c_first, "min_credit_score", brand->min_credit_score);
  PUT_STRING_LIST (out, &c_first, "blacklist", brand->blacklist, FALSE);
  PUT_STRING_LIST (out, &c_first, "competitor_brands", brand->competitor_brands, FALSE);
  PUT_STRING_LIST (out, &c_first, "competitor_categories", brand->competitor_categories, FALSE);
  if (brand->exclusivity_days > 0)
    {
      KEY (out, &c_first, "exclusivity_days");
      append_int (out, brand->exclusivity_days);
    }
  if (c_first)
    g_string_truncate (out, before_constraints);
  else
    {
      g_string_append_c (out, '}');
      first = FALSE;
    }

  PUT_STRING (out, &first, "notes", brand->notes);
  put_provenance (out, &first, &brand->provenance, brand->figure_provenance);
  g_string_append_c (out, '}');
}

static void
write_streamer (GString          *out,
                const TmStreamer *s)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  PUT_STRING (out, &first, "id", s->id);
  PUT_STRING (out, &first, "name", s->name);

  KEY (out, &first, "accounts");
  g_string_append_c (out, '[');
  for (guint i = 0; s->accounts != NULL && i < s->accounts->len; i++)
    {
      const TmAccount *a = &g_array_index (s->accounts, TmAccount, i);
      gboolean a_first = TRUE;

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      PUT_CODE (out, &a_first, "platform", platform, TM_N_PLATFORMS, a->platform);
      PUT_STRING (out, &a_first, "handle", a->handle);
      PUT_INT (out, &a_first, "followers", a->followers);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  PUT_STRING_LIST (out, &first, "categories", s->categories, TRUE);
  put_style_tags (out, &first, s->style_tags);
  put_audience (out, &first, &s->audience);

  if (isfinite (s->credit_score))
    {
      gboolean c_first = TRUE;

      KEY (out, &first, "credit");
      g_string_append_c (out, '{');
      PUT_CODE (out, &c_first, "platform", platform, TM_N_PLATFORMS, s->credit_platform);
      PUT_DOUBLE (out, &c_first, "score", s->credit_score);
      PUT_DOUBLE (out, &c_first, "scale", s->credit_scale);
      g_string_append_c (out, '}');
    }
  PUT_CODE (out, &first, "verification", verification, TM_N_VERIFICATIONS, s->verification);
  PUT_DOUBLE (out, &first, "engagement_rate", s->engagement_rate);
  PUT_INT (out, &first, "avg_live_viewers", s->avg_live_viewers);

  if ((s->reviews_positive >= 0 && s->reviews_negative >= 0) || isfinite (s->fake_review_share))
    {
      gboolean r_first = TRUE;

      KEY (out, &first, "reviews");
      g_string_append_c (out, '{');
      if (s->reviews_positive >= 0 && s->reviews_negative >= 0)
        {
          KEY (out, &r_first, "positive");
          append_int (out, s->reviews_positive);
          KEY (out, &r_first, "negative");
          append_int (out, s->reviews_negative);
        }
      PUT_DOUBLE (out, &r_first, "fake_share", s->fake_review_share);
      g_string_append_c (out, '}');
    }
  PUT_DOUBLE (out, &first, "dispute_resolution_rate", s->dispute_resolution_rate);
  PUT_DOUBLE (out, &first, "repeat_buyer_rate", s->repeat_buyer_rate);
  if (s->price_low_fen >= 0 && s->price_high_fen >= 0)
    {
      KEY (out, &first, "price_range_fen");
      g_string_append (out, "{\"low\":");
      append_int (out, s->price_low_fen);
      g_string_append (out, ",\"high\":");
      append_int (out, s->price_high_fen);
      g_string_append_c (out, '}');
    }
  put_provenance (out, &first, &s->provenance, s->figure_provenance);
  g_string_append_c (out, '}');
}

static void
write_cooperation (GString             *out,
                   const TmCooperation *c)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  PUT_STRING (out, &first, "id", c->id);
  PUT_STRING (out, &first, "streamer", c->streamer_id);
  if (c->brand_id != NULL)
    PUT_STRING (out, &first, "brand", c->brand_id);
  else
    {
      PUT_STRING (out, &first, "brand_name", c->brand_name);
      PUT_STRING (out, &first, "brand_category", c->brand_category);
    }
  PUT_DATE (out, &first, "date", c->date);
  PUT_CODE (out, &first, "format", format, TM_N_FORMATS, c->format);
  PUT_CODE (out, &first, "platform", platform, TM_N_PLATFORMS, c->platform);
  PUT_INT (out, &first, "gmv_fen", c->gmv_fen);
  PUT_INT (out, &first, "orders", c->orders);
  PUT_INT (out, &first, "fee_fen", c->fee_fen);
  PUT_INT (out, &first, "commission_fen", c->commission_fen);
  PUT_DOUBLE (out, &first, "conversion_rate", c->conversion_rate);
  PUT_DOUBLE (out, &first, "return_rate", c->return_rate);
  PUT_INT (out, &first, "complaints", c->complaints);
  PUT_DOUBLE (out, &first, "rating", c->rating);
  PUT_STRING (out, &first, "notes", c->notes);
  put_provenance (out, &first, &c->provenance, c->figure_provenance);
  g_string_append_c (out, '}');
}

static void
write_incident (GString          *out,
                const TmIncident *incident)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  PUT_STRING (out, &first, "id", incident->id);
  PUT_STRING (out, &first, "streamer", incident->streamer_id);
  PUT_DATE (out, &first, "date", incident->date);
  PUT_CODE (out, &first, "kind", incident_kind, TM_N_INCIDENT_KINDS, incident->kind);
  KEY (out, &first, "severity");
  append_int (out, incident->severity);
  KEY (out, &first, "resolved");
  g_string_append (out, incident->resolved ? "true" : "false");
  PUT_STRING (out, &first, "resolution", incident->resolution);
  PUT_STRING (out, &first, "description", incident->description);
  PUT_STRING (out, &first, "source_url", incident->source_url);
  put_provenance (out, &first, &incident->provenance, incident->figure_provenance);
  g_string_append_c (out, '}');
}

/* One text buffer and one checksum per thread, reused record after record:
 * the store digests on several threads at once. */
typedef struct {
  GString   *text;
  TmSha256  *sha;
} DigestState;

#define DIGEST_TEXT_KEEP (64 * 1024)  /* a larger buffer is not kept */

static void
digest_state_free (gpointer data)
{
  DigestState *state = data;

  g_string_free (state->text, TRUE);
  tm_sha256_free (state->sha);
  g_free (state);
}

static GPrivate digest_state_key = G_PRIVATE_INIT (digest_state_free);

static DigestState *
digest_begin (void)
{
  DigestState *state = g_private_get (&digest_state_key);

  if (state == NULL)
    {
      state = g_new (DigestState, 1);
      state->text = g_string_sized_new (2048);
      state->sha = tm_sha256_new ();
      g_private_set (&digest_state_key, state);
    }
  else if (state->text->allocated_len > DIGEST_TEXT_KEEP)
    {
      g_string_free (state->text, TRUE);
      state->text = g_string_sized_new (2048);
    }
  g_string_truncate (state->text, 0);
  return state;
}

static char *
digest_end (DigestState *state)
{
  char digest[TM_SHA256_HEX_SIZE];

  tm_sha256_update (state->sha, state->text->str, state->text->len);
  tm_sha256_hex (state->sha, digest);
  return g_strdup (digest);
}

char *
tm_brand_digest (const TmBrand *brand)
{
  DigestState *state;

  g_return_val_if_fail (brand != NULL, NULL);
  state = digest_begin ();
  write_brand (state->text, brand);
  return digest_end (state);
}

char *
tm_streamer_digest (const TmStreamer *streamer)
{
  DigestState *state;

  g_return_val_if_fail (streamer != NULL, NULL);
  state = digest_begin ();
  write_streamer (state->text, streamer);
  return digest_end (state);
}

char *
tm_cooperation_digest (const TmCooperation *coop)
{
  DigestState *state;

  g_return_val_if_fail (coop != NULL, NULL);
  state = digest_begin ();
  write_cooperation (state->text, coop);
  return digest_end (state);
}

char *
tm_incident_digest (const TmIncident *incident)
{
  DigestState *state;

  g_return_val_if_fail (incident != NULL, NULL);
  state = digest_begin ();
  write_incident (state->text, incident);
  return digest_end (state);
}
