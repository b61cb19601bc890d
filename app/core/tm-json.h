/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-json.h: the versioned JSON dataset format (docs/data-format.md).
 *
 * Reading is strict: the raw text is pre-scanned (size, UTF-8, nesting
 * depth, number ranges, JSON-only syntax) in the same pass that builds the
 * tree the records are read from (a compact one in one arena per load, not
 * json-glib's), then every record is mapped by hand and validated.  A file
 * with any problem is rejected whole; the error names the file, the
 * line/column or record (index and id), the field and the problem.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tm-model.h"

G_BEGIN_DECLS

#define TM_JSON_ERROR (tm_json_error_quark ())

typedef enum {
  TM_JSON_ERROR_TOO_LARGE,   /* file or input over the size limit */
  TM_JSON_ERROR_EMPTY,       /* no data at all */
  TM_JSON_ERROR_ENCODING,    /* not UTF-8 */
  TM_JSON_ERROR_SYNTAX,      /* not JSON (or json-glib's extensions to it) */
  TM_JSON_ERROR_NESTING,     /* nested deeper than allowed */
  TM_JSON_ERROR_NUMBER,      /* integer overflow, inf, NaN */
  TM_JSON_ERROR_VERSION,     /* not a TrustMatch dataset, or a newer version */
  TM_JSON_ERROR_INVALID,     /* a field is missing, of the wrong type or out of range */
  TM_JSON_ERROR_DUPLICATE,   /* the same id twice */
  TM_JSON_ERROR_REFERENCE,   /* refers to an unknown streamer or brand */
} TmJsonError;

#define TM_DATASET_FORMAT        "trustmatch-dataset"
#define TM_DATASET_VERSION       1
#define TM_JSON_MAX_SIZE         ((gsize) 256 * 1024 * 1024)
#define TM_JSON_MAX_DEPTH        32

GQuark      tm_json_error_quark     (void);

/* Checks raw text as tm_dataset_load_data does, without building
 * anything; run it before json-glib sees untrusted text.  @display_name (a
 * file name or URL) starts every error message. */
gboolean    tm_json_prescan         (const char  *data,
                                     gsize        length,
                                     guint        max_depth,
                                     const char  *display_name,
                                     GError     **error);

/* Reads and validates a whole dataset (docs/data-format.md); NULL and an
 * error naming the file, position or record on the first problem.  The
 * file is stat'ed first: one over TM_JSON_MAX_SIZE is refused unread.
 * References to other records are not checked here (a shard may refer to
 * another); call tm_dataset_check_references before applying it. */
TmDataset  *tm_dataset_load_data    (const char  *data,
                                     gsize        length,
                                     const char  *display_name,
                                     GError     **error);
TmDataset  *tm_dataset_load_file    (const char  *path,
                                     GError     **error);

/* Checks one brand, as edited in a form, with the rules of a brand in a
 * data file.  On the first problem: FALSE, @out_field (nullable) set to
 * the field's path in the file format ("name", "style_tags[1].weight",
 * "audience.age", "constraints.exclusivity_days") and @error to the
 * problem alone, without the location ("must not be empty"). */
gboolean    tm_brand_validate       (const TmBrand  *brand,
                                     char          **out_field,
                                     GError        **error);

/* References between records (cooperations and incidents to streamers and
 * brands, brand blacklists to streamers).  An id is known when it is in
 * @dataset itself or in the given sets (nullable; keys are ids). */
gboolean    tm_dataset_check_references (const TmDataset *dataset,
                                         GHashTable      *known_streamers,
                                         GHashTable      *known_brands,
                                         const char      *display_name,
                                         GError         **error);

/* Writing: pretty-printed, stable key order, money as integers. */
char       *tm_dataset_to_json      (const TmDataset *dataset,
                                     gsize           *length);
/* Atomic: a crash leaves the old file or the new one. */
gboolean    tm_dataset_save_file    (const TmDataset *dataset,
                                     const char      *path,
                                     GError         **error);

/* The whole dataset as a tree, top-level keys in the documented order. */
JsonNode   *tm_dataset_to_json_node     (const TmDataset     *dataset);
JsonNode   *tm_brand_to_json_node       (const TmBrand       *brand);
JsonNode   *tm_streamer_to_json_node    (const TmStreamer    *streamer);
JsonNode   *tm_cooperation_to_json_node (const TmCooperation *coop);
JsonNode   *tm_incident_to_json_node    (const TmIncident    *incident);

/* Serializes @node: doubles in the shortest form that reads back the same
 * (0.1, not 0.10000000000000001), text kept as UTF-8; @pretty indents by
 * two spaces and ends with a newline, otherwise no whitespace at all. */
char       *tm_json_node_serialize  (JsonNode        *node,
                                     gboolean         pretty,
                                     gsize           *length);

/* SHA-256 hex of the record's canonical JSON (the compact text of its
 * tm_*_to_json_node tree); equal records, equal digest.  Safe to call from
 * several threads at once. */
char       *tm_brand_digest         (const TmBrand       *brand);
char       *tm_streamer_digest      (const TmStreamer    *streamer);
char       *tm_cooperation_digest   (const TmCooperation *coop);
char       *tm_incident_digest      (const TmIncident    *incident);

/* Writes @value to @buf (at least G_ASCII_DTOSTR_BUF_SIZE bytes) as the
 * shortest of %.15g, %.16g and %.17g that reads back as the same double:
 * 0.1 stays "0.1" instead of json-glib's "0.10000000000000001".  Decimals
 * of up to 8 places (rates, shares, weights) take a fast path without
 * printf.  The text of numbers in JSON, digests and store columns. */
void         tm_json_format_double (char   *buf,
                                    gsize   size,
                                    double  value);

G_END_DECLS
