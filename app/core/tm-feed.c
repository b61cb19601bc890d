/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-feed"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include "tm-feed.h"
#include "tm-json.h"
#include "tm-sha256.h"

/* A manifest is three levels deep (object, shards array, shard object);
 * a little room, but far from what would crash json-glib. */
#define MANIFEST_MAX_DEPTH 8

G_DEFINE_QUARK (tm-feed-error-quark, tm_feed_error)

static const char * const kind_codes[TM_FEED_N_KINDS] = {
  "brands", "streamers", "cooperations", "incidents",
};

const char *
tm_feed_kind_code (TmFeedKind kind)
{
  g_return_val_if_fail (kind < TM_FEED_N_KINDS, NULL);
  return kind_codes[kind];
}

int
tm_feed_kind_from_code (const char *code)
{
  if (code == NULL)
    return -1;
  for (guint i = 0; i < TM_FEED_N_KINDS; i++)
    if (g_str_equal (code, kind_codes[i]))
      return (int) i;
  return -1;
}

TmFeedShard *
tm_feed_shard_new (void)
{
  return g_new0 (TmFeedShard, 1);
}

void
tm_feed_shard_free (TmFeedShard *shard)
{
  if (shard == NULL)
    return;
  g_free (shard->path);
  g_free (shard);
}

TmFeedManifest *
tm_feed_manifest_new (void)
{
  TmFeedManifest *manifest = g_new0 (TmFeedManifest, 1);

  manifest->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_feed_shard_free);
  return manifest;
}

void
tm_feed_manifest_free (TmFeedManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->generated);
  g_free (manifest->publisher);
  g_ptr_array_unref (manifest->shards);
  g_free (manifest);
}

/* ------------------------------------------------------------------ */
/* Small checks                                                        */
/* ------------------------------------------------------------------ */

guint32
tm_feed_fnv1a (const char *id)
{
  guint32 hash = 2166136261u;

  g_return_val_if_fail (id != NULL, 0);

  for (const guchar *p = (const guchar *) id; *p; p++)
    {
      hash ^= *p;
      hash *= 16777619u;
    }
  return hash;
}

guint
tm_feed_shard_of (const char *id,
                  guint       n_shards)
{
  g_return_val_if_fail (id != NULL, 0);
  g_return_val_if_fail (n_shards > 0, 0);

  return tm_feed_fnv1a (id) % n_shards;
}

static gboolean
is_path_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-';
}

/* Why @path breaks the rules, or NULL when it is fine. */
static char *
path_problem (const char *path)
{
  gsize length = strlen (path);
  const char *part;

  if (length == 0)
    return g_strdup (_("empty; a shard needs a file name"));
  if (length > TM_FEED_MAX_PATH)
    return g_strdup_printf (_("%u bytes long; at most %d"),
                            (guint) MIN (length, G_MAXUINT), TM_FEED_MAX_PATH);
  if (path[0] == '/')
    return g_strdup (_("starts with “/”; a shard must be beside or below the manifest"));
  for (const char *p = path; *p; p++)
    {
      if (*p == '/' || is_path_char (*p))
        continue;
      if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
        return g_strdup_printf (_("the byte 0x%02X is not allowed (only letters, digits, "
                                  "“.”, “_”, “-” and “/” between parts)"),
                                (guchar) *p);
      return g_strdup_printf (_("“%c” is not allowed (only letters, digits, “.”, “_”, "
                                "“-” and “/” between parts); a shard must be beside or "
                                "below the manifest"),
                              *p);
    }
  part = path;
  for (;;)
    {
      const char *slash = strchr (part, '/');
      gsize part_length = slash ? (gsize) (slash - part) : strlen (part);

      if (part_length == 0)
        return g_strdup (_("has an empty part (“//” or a “/” at the end)"));
      if ((part_length == 1 && part[0] == '.') ||
          (part_length == 2 && part[0] == '.' && part[1] == '.'))
        return g_strdup_printf (_("“%.*s” is not allowed as a part; a shard must be "
                                  "beside or below the manifest"),
                                (int) part_length, part);
      if (slash == NULL)
        break;
      part = slash + 1;
    }
  if (g_str_equal (path, TM_FEED_MANIFEST_NAME))
    return g_strdup (_("is the manifest itself"));
  return NULL;
}

gboolean
tm_feed_path_is_valid (const char *path)
{
  g_autofree char *problem = NULL;

  if (path == NULL)
    return FALSE;
  problem = path_problem (path);
  return problem == NULL;
}

/* A hostile string shown in a message: escaped, and cut short. */
static char *
display_text (const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  if (g_utf8_strlen (escaped, -1) > 60)
    {
      g_autofree char *start = g_utf8_substring (escaped, 0, 57);
      return g_strconcat (start, "…", NULL);
    }
  return g_steal_pointer (&escaped);
}

static gboolean
timestamp_is_valid (const char *text)
{
  /* YYYY-MM-DDThh:mm:ssZ, digits where the pattern has letters. */
  static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
  int year, month, day, hour, minute, second;

  if (strlen (text) != sizeof pattern - 1)
    return FALSE;
  for (guint i = 0; pattern[i]; i++)
    if (pattern[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != pattern[i])
      return FALSE;
  if (sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2dZ", &year, &month, &day, &hour, &minute, &second) != 6)
    return FALSE;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 59)
    return FALSE;
  if (day > g_date_get_days_in_month (month, year))
    return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Reading a manifest                                                  */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *source;
  gint        index;      /* the shard, -1 at the top level */
  const char *path;       /* the shard's path once it is known to be valid */
  GError    **error;
} Ctx;

static gboolean ctx_fail (Ctx        *ctx,
                          int         code,
                          const char *field,
                          const char *format,
                          ...) G_GNUC_PRINTF (4, 5);

/* "SOURCE: shards[INDEX] (“PATH”): FIELD: PROBLEM" */
static gboolean
ctx_fail (Ctx        *ctx,
          int         code,
          const char *field,
          const char *format,
          ...)
{
  g_autoptr(GString) where = g_string_new (ctx->source);
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (ctx->index >= 0)
    {
      g_string_append_printf (where, ": shards[%d]", ctx->index);
      if (ctx->path)
        g_string_append_printf (where, " (“%s”)", ctx->path);
    }
  if (field)
    g_string_append_printf (where, ": %s", field);
  g_set_error (ctx->error, TM_FEED_ERROR, code, "%s: %s", where->str, problem);
  return FALSE;
}

static const char *
node_kind (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return _("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return _("an object");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return _("an array");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return _("true or false");
    case G_TYPE_DOUBLE:
      return _("a number with a fraction");
    default:
      return _("a whole number");
    }
}

static gboolean
check_keys (Ctx                *ctx,
            JsonObject         *obj,
            const char * const *allowed)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, obj);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (!g_strv_contains (allowed, name))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) allowed);
          g_autofree char *shown = display_text (name);
          return ctx_fail (ctx, TM_FEED_ERROR_INVALID, NULL,
                           _("unknown field “%s” (known fields: %s)"), shown, known);
        }
    }
  return TRUE;
}

static JsonNode *
require (Ctx        *ctx,
         JsonObject *obj,
         const char *key)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL)
    ctx_fail (ctx, TM_FEED_ERROR_INVALID, key, _("required, but missing"));
  return node;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_integer (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static const char *
read_string (Ctx        *ctx,
             JsonObject *obj,
             const char *key)
{
  JsonNode *node = require (ctx, obj, key);

  if (node == NULL)
    return NULL;
  if (!is_string (node))
    {
      ctx_fail (ctx, TM_FEED_ERROR_INVALID, key, _("must be a string, not %s"),
                node_kind (node));
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
read_int (Ctx        *ctx,
          JsonObject *obj,
          const char *key,
          gint64     *out)
{
  JsonNode *node = require (ctx, obj, key);

  if (node == NULL)
    return FALSE;
  if (!is_integer (node))
    return ctx_fail (ctx, TM_FEED_ERROR_INVALID, key, _("must be a whole number, not %s"),
                     node_kind (node));
  *out = json_node_get_int (node);
  return TRUE;
}

static TmFeedShard *
read_shard (Ctx        *ctx,
            JsonNode   *node)
{
  static const char * const keys[] = { "kind", "path", "records", "bytes", "sha256", NULL };
  g_autoptr(TmFeedShard) shard = tm_feed_shard_new ();
  JsonObject *obj;
  const char *text;
  int kind;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ctx_fail (ctx, TM_FEED_ERROR_INVALID, NULL, _("must be an object, not %s"),
                node_kind (node));
      return NULL;
    }
  obj = json_node_get_object (node);
  if (!check_keys (ctx, obj, keys))
    return NULL;

  /* The path first, so that every later message can name the shard. */
  if (!(text = read_string (ctx, obj, "path")))
    return NULL;
  {
    g_autofree char *problem = path_problem (text);
    if (problem)
      {
        g_autofree char *shown = display_text (text);
        ctx_fail (ctx, TM_FEED_ERROR_INVALID, "path", "“%s” %s", shown, problem);
        return NULL;
      }
  }
  shard->path = g_strdup (text);
  ctx->path = shard->path;

  if (!(text = read_string (ctx, obj, "kind")))
    return NULL;
  if ((kind = tm_feed_kind_from_code (text)) < 0)
    {
      g_autofree char *shown = display_text (text);
      ctx_fail (ctx, TM_FEED_ERROR_INVALID, "kind",
                _("“%s” is not one of brands, streamers, cooperations, incidents"), shown);
      return NULL;
    }
  shard->kind = kind;

  if (!read_int (ctx, obj, "records", &shard->records))
    return NULL;
  if (shard->records < 0)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, shard->records);
      ctx_fail (ctx, TM_FEED_ERROR_INVALID, "records", _("%s is negative"), value);
      return NULL;
    }

  if (!read_int (ctx, obj, "bytes", &shard->bytes))
    return NULL;
  if (shard->bytes < 0)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, shard->bytes);
      ctx_fail (ctx, TM_FEED_ERROR_INVALID, "bytes", _("%s is negative"), value);
      return NULL;
    }
  if (shard->bytes > TM_FEED_MAX_SHARD_BYTES)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, shard->bytes);
      ctx_fail (ctx, TM_FEED_ERROR_INVALID, "bytes",
                _("%s is more than a shard may have (%d bytes, 64 MiB)"),
                value, (int) TM_FEED_MAX_SHARD_BYTES);
      return NULL;
    }

  if (!(text = read_string (ctx, obj, "sha256")))
    return NULL;
  if (strlen (text) != 64)
    {
      ctx_fail (ctx, TM_FEED_ERROR_INVALID, "sha256",
                _("%ld characters long; a SHA-256 is 64 lower-case hex digits"),
                (long) g_utf8_strlen (text, -1));
      return NULL;
    }
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      {
        ctx_fail (ctx, TM_FEED_ERROR_INVALID, "sha256",
                  _("character %u (“%c”) is not a lower-case hex digit (0–9, a–f)"),
                  i + 1, text[i]);
        return NULL;
      }
  memcpy (shard->sha256, text, 65);

  return g_steal_pointer (&shard);
}

static TmFeedManifest *
manifest_from_root (JsonNode    *root,
                    const char  *source,
                    GError     **error)
{
  static const char * const keys[] = {
    "format", "version", "generated", "publisher", "shards", NULL
  };
  g_autoptr(TmFeedManifest) manifest = tm_feed_manifest_new ();
  g_autoptr(GHashTable) paths = NULL;   /* path → index + 1 */
  Ctx ctx = { source, -1, NULL, error };
  JsonObject *obj;
  JsonNode *node;
  JsonArray *shards;
  const char *text;
  gint64 version;
  char version_text[24];
  guint n;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_VERSION,
                   _("%s: not a TrustMatch feed manifest (the data is %s, not an object "
                     "with \"format\": \"%s\")"),
                   source, node_kind (root), TM_FEED_FORMAT);
      return NULL;
    }
  obj = json_node_get_object (root);

  /* Format and version before anything else: a newer manifest may well
   * have fields this version does not know. */
  node = json_object_get_member (obj, "format");
  if (node == NULL || !is_string (node))
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_VERSION,
                   _("%s: not a TrustMatch feed manifest (no \"format\": \"%s\")"),
                   source, TM_FEED_FORMAT);
      return NULL;
    }
  if (!g_str_equal (json_node_get_string (node), TM_FEED_FORMAT))
    {
      g_autofree char *shown = display_text (json_node_get_string (node));
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_VERSION,
                   _("%s: not a TrustMatch feed manifest (format: “%s”, expected “%s”)"),
                   source, shown, TM_FEED_FORMAT);
      return NULL;
    }
  node = json_object_get_member (obj, "version");
  if (node == NULL || !is_integer (node))
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_VERSION,
                   _("%s: version: required, a whole number (this version reads version %d)"),
                   source, TM_FEED_VERSION);
      return NULL;
    }
  version = json_node_get_int (node);
  g_snprintf (version_text, sizeof version_text, "%" G_GINT64_FORMAT, version);
  if (version > TM_FEED_VERSION)
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_VERSION,
                   _("%s: written by a newer TrustMatch (feed version %s); "
                     "this version reads version %d: update TrustMatch"),
                   source, version_text, TM_FEED_VERSION);
      return NULL;
    }
  if (version < 1)
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_VERSION,
                   _("%s: version: %s is not a feed version "
                     "(this version reads version %d)"),
                   source, version_text, TM_FEED_VERSION);
      return NULL;
    }

  if (!check_keys (&ctx, obj, keys))
    return NULL;

  if (!(text = read_string (&ctx, obj, "generated")))
    return NULL;
  if (!timestamp_is_valid (text))
    {
      g_autofree char *shown = display_text (text);
      ctx_fail (&ctx, TM_FEED_ERROR_INVALID, "generated",
                _("“%s” is not a UTC time written YYYY-MM-DDThh:mm:ssZ"), shown);
      return NULL;
    }
  manifest->generated = g_strdup (text);

  if (json_object_has_member (obj, "publisher"))
    {
      if (!(text = read_string (&ctx, obj, "publisher")))
        return NULL;
      if (g_utf8_strlen (text, -1) > TM_FEED_MAX_PUBLISHER)
        {
          ctx_fail (&ctx, TM_FEED_ERROR_INVALID, "publisher",
                    _("%ld characters long; at most %d"),
                    (long) g_utf8_strlen (text, -1), TM_FEED_MAX_PUBLISHER);
          return NULL;
        }
      for (const char *p = text; *p; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          {
            ctx_fail (&ctx, TM_FEED_ERROR_INVALID, "publisher",
                      _("contains a control character (byte 0x%02X)"), (guchar) *p);
            return NULL;
          }
      manifest->publisher = g_strdup (text);
    }

  if (!(node = require (&ctx, obj, "shards")))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      ctx_fail (&ctx, TM_FEED_ERROR_INVALID, "shards", _("must be an array, not %s"),
                node_kind (node));
      return NULL;
    }
  shards = json_node_get_array (node);
  n = json_array_get_length (shards);
  if (n > TM_FEED_MAX_SHARDS)
    {
      ctx_fail (&ctx, TM_FEED_ERROR_INVALID, "shards", _("%u shards; at most %d"),
                n, TM_FEED_MAX_SHARDS);
      return NULL;
    }

  paths = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      TmFeedShard *shard;
      gpointer earlier;

      ctx.index = i;
      ctx.path = NULL;
      if (!(shard = read_shard (&ctx, json_array_get_element (shards, i))))
        return NULL;
      g_ptr_array_add (manifest->shards, shard);
      if ((earlier = g_hash_table_lookup (paths, shard->path)))
        {
          ctx_fail (&ctx, TM_FEED_ERROR_DUPLICATE, "path",
                    _("the same as shards[%u]'s; every shard needs its own path"),
                    GPOINTER_TO_UINT (earlier) - 1);
          return NULL;
        }
      g_hash_table_insert (paths, shard->path, GUINT_TO_POINTER (i + 1));
    }

  return g_steal_pointer (&manifest);
}

TmFeedManifest *
tm_feed_manifest_parse (const char  *data,
                        gsize        length,
                        const char  *source_name,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (source_name == NULL)
    source_name = _("(manifest)");

  if (length > TM_FEED_MAX_MANIFEST_SIZE)
    {
      g_autofree char *size = g_format_size (length);
      g_autofree char *limit = g_format_size (TM_FEED_MAX_MANIFEST_SIZE);
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_TOO_LARGE,
                   _("%s: the manifest is %s; at most %s is read"), source_name, size, limit);
      return NULL;
    }
  /* json-glib 1.6 crashes on deep nesting and takes the last of two equal
   * keys without a word: the pre-scan refuses both first. */
  if (!tm_json_prescan (data, length, MANIFEST_MAX_DEPTH, source_name, error))
    return NULL;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      const char *msg = local_error->message;
      if (g_str_has_prefix (msg, "<data>"))
        msg += strlen ("<data>");
      g_set_error (error, TM_JSON_ERROR, TM_JSON_ERROR_SYNTAX, "%s%s%s",
                   source_name, msg[0] == ':' ? "" : ": ", msg);
      return NULL;
    }
  return manifest_from_root (json_parser_get_root (parser), source_name, error);
}

char *
tm_feed_manifest_to_json (const TmFeedManifest *manifest,
                          gsize                *length)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = json_object_new ();
  JsonArray *shards;

  g_return_val_if_fail (manifest != NULL, NULL);

  json_object_set_string_member (obj, "format", TM_FEED_FORMAT);
  json_object_set_int_member (obj, "version", TM_FEED_VERSION);
  json_object_set_string_member (obj, "generated", manifest->generated ? manifest->generated : "");
  if (manifest->publisher)
    json_object_set_string_member (obj, "publisher", manifest->publisher);
  shards = json_array_sized_new (manifest->shards->len);
  for (guint i = 0; i < manifest->shards->len; i++)
    {
      const TmFeedShard *shard = g_ptr_array_index (manifest->shards, i);
      JsonObject *s = json_object_new ();

      json_object_set_string_member (s, "kind", tm_feed_kind_code (shard->kind));
      json_object_set_string_member (s, "path", shard->path);
      json_object_set_int_member (s, "records", shard->records);
      json_object_set_int_member (s, "bytes", shard->bytes);
      json_object_set_string_member (s, "sha256", shard->sha256);
      json_array_add_object_element (shards, s);
    }
  json_object_set_array_member (obj, "shards", shards);

  root = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return tm_json_node_serialize (root, TRUE, length);
}

gboolean
tm_feed_manifest_same_content (const TmFeedManifest *a,
                               const TmFeedManifest *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_strcmp0 (a->publisher, b->publisher) != 0 || a->shards->len != b->shards->len)
    return FALSE;
  for (guint i = 0; i < a->shards->len; i++)
    {
      const TmFeedShard *x = g_ptr_array_index (a->shards, i);
      const TmFeedShard *y = g_ptr_array_index (b->shards, i);

      if (x->kind != y->kind || x->records != y->records || x->bytes != y->bytes ||
          strcmp (x->path, y->path) != 0 || strcmp (x->sha256, y->sha256) != 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
tm_feed_check_shard_bytes (const TmFeedShard *shard,
                           const char        *data,
                           gsize              length,
                           GError           **error)
{
  char digest[TM_SHA256_HEX_SIZE];

  g_return_val_if_fail (shard != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  /* The size first: it is cheap, and says more (a body cut short). */
  if ((gint64) length != shard->bytes)
    {
      g_autofree char *got = g_strdup_printf ("%" G_GSIZE_FORMAT, length);
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, shard->bytes);
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_SIZE,
                   _("%s: %s bytes received, but the manifest says %s (the download "
                     "was cut short or the feed changed while it was read; try again)"),
                   shard->path, got, want);
      return FALSE;
    }
  tm_sha256_data (data, length, digest);
  if (strcmp (digest, shard->sha256) != 0)
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_CHECKSUM,
                   _("%s: the SHA-256 of the data is %s, but the manifest says %s "
                     "(the data was damaged or the feed changed while it was read; "
                     "try again)"),
                   shard->path, digest, shard->sha256);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Publishing                                                          */
/* ------------------------------------------------------------------ */

static GPtrArray *
kind_records (TmDataset  *dataset,
              TmFeedKind  kind)
{
  switch (kind)
    {
    case TM_FEED_BRANDS:
      return dataset->brands;
    case TM_FEED_STREAMERS:
      return dataset->streamers;
    case TM_FEED_COOPERATIONS:
      return dataset->cooperations;
    case TM_FEED_INCIDENTS:
      return dataset->incidents;
    case TM_FEED_N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static const char *
record_id (TmFeedKind    kind,
           gconstpointer record)
{
  switch (kind)
    {
    case TM_FEED_BRANDS:
      return ((const TmBrand *) record)->id;
    case TM_FEED_STREAMERS:
      return ((const TmStreamer *) record)->id;
    case TM_FEED_COOPERATIONS:
      return ((const TmCooperation *) record)->id;
    case TM_FEED_INCIDENTS:
      return ((const TmIncident *) record)->id;
    case TM_FEED_N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b,
             gpointer      kind)
{
  return strcmp (record_id (GPOINTER_TO_UINT (kind), *(gconstpointer *) a),
                 record_id (GPOINTER_TO_UINT (kind), *(gconstpointer *) b));
}

/* "KIND-NN.json" with the publisher's naming; FALSE for anything else. */
static gboolean
is_shard_file_name (const char *name)
{
  for (guint k = 0; k < TM_FEED_N_KINDS; k++)
    {
      gsize n = strlen (kind_codes[k]);
      const char *p;

      if (strncmp (name, kind_codes[k], n) != 0 || name[n] != '-')
        continue;
      p = name + n + 1;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
      return g_str_equal (p, ".json");
    }
  return FALSE;
}

/* TRUE when @path holds exactly @data. */
static gboolean
file_has_contents (const char *path,
                   const char *data,
                   gsize       length)
{
  g_autofree char *old = NULL;
  gsize old_length;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || (gsize) st.st_size != length)
    return FALSE;
  if (!g_file_get_contents (path, &old, &old_length, NULL))
    return FALSE;
  return old_length == length && memcmp (old, data, length) == 0;
}

static gboolean
write_file (const char  *path,
            const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GStatBuf old;
  gboolean had_old = g_stat (path, &old) == 0;
  GStatBuf now;

  /* A temporary file in the same folder, synced, then renamed over: a
   * server never serves half a file. */
  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0666, &local_error))
    {
      /* GLib's message names the temporary file; name the real one. */
      g_set_error (error, G_FILE_ERROR, local_error->code,
                   _("%s: cannot write the file: %s"), path, local_error->message);
      return FALSE;
    }

  /* Web servers derive ETag and Last-Modified from the modification time
   * in whole seconds (nginx: mtime and size).  A file rewritten within the
   * second of the one it replaces, at the same size, would keep its ETag,
   * and clients would be told "not modified": move its time on. */
  if (had_old && g_stat (path, &now) == 0 && now.st_mtime <= old.st_mtime)
    {
      struct utimbuf times = { now.st_atime, old.st_mtime + 1 };

      if (g_utime (path, &times) != 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("%s: cannot set the file's modification time: %s"), path,
                       g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
now_utc (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
tm_feed_publish (TmStore                    *store,
                 const char                 *dir,
                 const TmFeedPublishOptions *options,
                 TmFeedPublishStats         *stats,
                 GError                    **error)
{
  g_autoptr(TmDataset) dump = NULL;
  g_autoptr(TmFeedManifest) manifest = tm_feed_manifest_new ();
  g_autoptr(TmFeedManifest) old_manifest = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest_text = NULL;
  g_autofree char *old_text = NULL;
  TmFeedPublishStats local_stats = { 0 };
  guint shard_records = TM_FEED_DEFAULT_SHARD_RECORDS;
  guint n_shards[TM_FEED_N_KINDS];
  guint total_shards = 0;
  gsize manifest_length, old_length;
  const char *name;

  g_return_val_if_fail (TM_IS_STORE (store), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);
  if (options && options->shard_records > 0)
    shard_records = options->shard_records;
  if (options && options->publisher &&
      g_utf8_strlen (options->publisher, -1) > TM_FEED_MAX_PUBLISHER)
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_TOO_LARGE,
                   _("The publisher is %ld characters long; at most %d"),
                   (long) g_utf8_strlen (options->publisher, -1), TM_FEED_MAX_PUBLISHER);
      return FALSE;
    }
  if (options && options->generated && !timestamp_is_valid (options->generated))
    {
      g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_INVALID,
                   _("“%s” is not a UTC time written YYYY-MM-DDThh:mm:ssZ"),
                   options->generated);
      return FALSE;
    }

  /* One snapshot: the shards of all kinds agree with each other. */
  if (!(dump = tm_store_dump (store, error)))
    return FALSE;

  for (guint k = 0; k < TM_FEED_N_KINDS; k++)
    {
      guint64 n = kind_records (dump, k)->len;

      /* The smallest power of two that keeps the average at or below
       * shard_records; a kind without records has no shard. */
      n_shards[k] = 0;
      if (n > 0)
        {
          n_shards[k] = 1;
          while (n > (guint64) n_shards[k] * shard_records && n_shards[k] <= TM_FEED_MAX_SHARDS)
            n_shards[k] *= 2;
        }
      total_shards += n_shards[k];
      if (total_shards > TM_FEED_MAX_SHARDS)
        {
          g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_TOO_LARGE,
                       _("At %u records per shard the feed would need more than %d shards; "
                         "allow more records per shard"),
                       shard_records, TM_FEED_MAX_SHARDS);
          return FALSE;
        }
      stats->records += n;
    }

  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("%s: cannot create the feed folder: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint k = 0; k < TM_FEED_N_KINDS; k++)
    {
      GPtrArray *records = kind_records (dump, k);
      g_autoptr(GPtrArray) buckets = NULL;
      int digits = 2;

      if (n_shards[k] == 0)
        continue;
      for (guint v = n_shards[k] - 1; v >= 100; v /= 10)
        digits++;

      buckets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      for (guint s = 0; s < n_shards[k]; s++)
        g_ptr_array_add (buckets, g_ptr_array_new ());
      for (guint i = 0; i < records->len; i++)
        {
          gpointer record = g_ptr_array_index (records, i);
          guint s = tm_feed_shard_of (record_id (k, record), n_shards[k]);

          g_ptr_array_add (g_ptr_array_index (buckets, s), record);
        }

      for (guint s = 0; s < n_shards[k]; s++)
        {
          GPtrArray *bucket = g_ptr_array_index (buckets, s);
          g_autoptr(TmDataset) part = tm_dataset_new ();
          g_autoptr(TmFeedShard) shard = tm_feed_shard_new ();
          g_autofree char *text = NULL;
          g_autofree char *path = NULL;
          gsize length;
          GPtrArray **slot;

          /* The store dumps in id order already; sorting again keeps the
           * bytes stable whatever the store's collation. */
          g_ptr_array_sort_with_data (bucket, compare_ids, GUINT_TO_POINTER (k));

          /* The dataset borrows the records: its array has no free func. */
          slot = k == TM_FEED_BRANDS ? &part->brands
               : k == TM_FEED_STREAMERS ? &part->streamers
               : k == TM_FEED_COOPERATIONS ? &part->cooperations
               : &part->incidents;
          g_ptr_array_unref (*slot);
          *slot = g_ptr_array_ref (bucket);

          text = tm_dataset_to_json (part, &length);
          shard->kind = k;
          shard->path = g_strdup_printf ("%s-%0*u.json", kind_codes[k], digits, s);
          shard->records = bucket->len;
          shard->bytes = length;
          if (shard->bytes > TM_FEED_MAX_SHARD_BYTES)
            {
              g_autofree char *size = g_format_size (length);
              g_set_error (error, TM_FEED_ERROR, TM_FEED_ERROR_TOO_LARGE,
                           _("%s would be %s; a shard may be at most 64 MiB: "
                             "allow fewer records per shard"),
                           shard->path, size);
              return FALSE;
            }
          tm_sha256_data (text, length, shard->sha256);

          path = g_build_filename (dir, shard->path, NULL);
          if (file_has_contents (path, text, length))
            stats->unchanged++;
          else
            {
              if (!write_file (path, text, length, error))
                return FALSE;
              stats->written++;
            }
          g_hash_table_add (listed, shard->path);
          g_ptr_array_add (manifest->shards, g_steal_pointer (&shard));
        }
    }
  stats->shards = manifest->shards->len;

  /* The manifest last: a client sees it only once its shards are there.
   * When it lists the same shards as before it is left alone, so that the
   * server's ETag stays and clients learn "nothing changed" cheaply. */
  manifest->publisher = g_strdup (options ? options->publisher : NULL);
  manifest->generated = options && options->generated ? g_strdup (options->generated) : now_utc ();
  manifest_path = g_build_filename (dir, TM_FEED_MANIFEST_NAME, NULL);
  if (g_file_get_contents (manifest_path, &old_text, &old_length, NULL))
    old_manifest = tm_feed_manifest_parse (old_text, old_length, manifest_path, NULL);
  if (old_manifest == NULL || !tm_feed_manifest_same_content (old_manifest, manifest))
    {
      manifest_text = tm_feed_manifest_to_json (manifest, &manifest_length);
      if (!write_file (manifest_path, manifest_text, manifest_length, error))
        return FALSE;
      stats->manifest_written = TRUE;
    }

  /* Stale shards only now: until the new manifest was in place the old
   * one named them. */
  if (!(listing = g_dir_open (dir, 0, &local_error)))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code,
                   _("%s: cannot list the feed folder: %s"), dir, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (listing)))
    {
      g_autofree char *path = NULL;

      if (!is_shard_file_name (name) || g_hash_table_contains (listed, name))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_unlink (path) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("%s: cannot remove the stale shard: %s"), path,
                       g_strerror (saved_errno));
          return FALSE;
        }
      stats->removed++;
    }

  return TRUE;
}
