/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-store.h: the SQLite database that is the offline source of truth.
 *
 * One file in $XDG_DATA_HOME/trustmatch/, WAL journal, schema versioned by
 * PRAGMA user_version with forward-only migrations (tm-store-schema.h).
 * Every import or edit is one transaction: after a crash the database holds
 * all of it or none of it.
 */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

#include "tm-model.h"

G_BEGIN_DECLS

#define TM_STORE_ERROR (tm_store_error_quark ())

/* PRAGMA application_id of every TrustMatch database ("TmDB"): a SQLite
 * file without it that already has tables belongs to another program and
 * is refused rather than migrated. */
#define TM_STORE_APPLICATION_ID 0x546D4442

typedef enum {
  TM_STORE_ERROR_OPEN,       /* cannot open or create the database file */
  TM_STORE_ERROR_CORRUPT,    /* not a TrustMatch database, or damaged */
  TM_STORE_ERROR_TOO_NEW,    /* written by a newer TrustMatch */
  TM_STORE_ERROR_DUPLICATE,  /* the same id in two files of one import */
  TM_STORE_ERROR_NOT_FOUND,  /* no record with that id */
  TM_STORE_ERROR_FAILED,     /* any other SQLite failure (disk full, locked) */
} TmStoreError;

typedef struct {
  guint added;
  guint updated;
  guint unchanged;
} TmImportStats;

#define TM_TYPE_STORE (tm_store_get_type ())
G_DECLARE_FINAL_TYPE (TmStore, tm_store, TM, STORE, GObject)

GQuark       tm_store_error_quark    (void);

/* $XDG_DATA_HOME/trustmatch/trustmatch.db */
char        *tm_store_default_path   (void);

/* Opens (creating and migrating as needed) the database at @path, or at
 * tm_store_default_path() when @path is NULL.  A file that is not a
 * TrustMatch database (or is damaged) fails with TM_STORE_ERROR_CORRUPT,
 * one from a newer TrustMatch with TM_STORE_ERROR_TOO_NEW; both are left
 * untouched.  The connection has no mutex of its own: use one TmStore from
 * one thread at a time. */
TmStore     *tm_store_open           (const char  *path,
                                      GError     **error);
const char  *tm_store_get_path       (TmStore     *self);
int          tm_store_get_schema_version (TmStore *self);

/* The raw handle, for the catalog loader in app/core only. */
sqlite3     *tm_store_get_db         (TmStore     *self);

gboolean     tm_store_is_empty       (TmStore     *self);

/* Imports @n datasets (read from the files @names, used in messages) in one
 * transaction.  References are checked against the store and all the
 * datasets together; an id present in two of them is an error.  Records are
 * inserted or replaced by id; identical records count as unchanged and are
 * not rewritten.  On any error nothing is written. */
gboolean     tm_store_import         (TmStore          *self,
                                      TmDataset * const *datasets,
                                      const char * const *names,
                                      guint             n,
                                      TmImportStats    *stats,
                                      GError          **error);

/* Reads and imports the files in @paths, all or nothing. */
gboolean     tm_store_import_files   (TmStore          *self,
                                      const char * const *paths,
                                      TmImportStats    *stats,
                                      GError          **error);

/* First run: when the store is empty, imports every *.json of @sample_dir. */
gboolean     tm_store_seed_if_empty  (TmStore     *self,
                                      const char  *sample_dir,
                                      gboolean    *out_seeded,
                                      GError     **error);

typedef enum {
  TM_RECORD_BRANDS       = 1 << 0,
  TM_RECORD_STREAMERS    = 1 << 1,
  TM_RECORD_COOPERATIONS = 1 << 2,
  TM_RECORD_INCIDENTS    = 1 << 3,
  TM_RECORD_ALL          = 0xf,
} TmRecordKinds;

/* Everything in the store as a dataset, ordered by id within each kind. */
TmDataset   *tm_store_dump           (TmStore     *self,
                                      GError     **error);
/* Only the records of @kinds (the other arrays stay empty), from one
 * snapshot. */
TmDataset   *tm_store_dump_kinds     (TmStore       *self,
                                      TmRecordKinds  kinds,
                                      GError       **error);
GPtrArray   *tm_store_load_brands    (TmStore     *self,
                                      GError     **error);   /* TmBrand* */

/* The streamer @streamer_id with its accounts, and its cooperations and
 * incidents (TmCooperation*, TmIncident*; nullable) ordered by date, then
 * id, from one snapshot.  TM_STORE_ERROR_NOT_FOUND when the store has no
 * such streamer. */
gboolean     tm_store_load_streamer  (TmStore      *self,
                                      const char   *streamer_id,
                                      TmStreamer  **out_streamer,
                                      GPtrArray   **out_cooperations,
                                      GPtrArray   **out_incidents,
                                      GError      **error);

/* The user's own notes about a streamer, kept by the streamer's id: they
 * stay when a sync or an import removes the streamer, and are there again
 * when it comes back.  Syncs and imports never change them.
 *
 * get: *@out_text is NULL when there is no note; *@out_updated (nullable)
 * is when it was last changed, unix seconds (0 when none).
 * set: stores @text (UTF-8) as the note, in one transaction; NULL or ""
 * deletes it. */
gboolean     tm_store_get_streamer_note (TmStore     *self,
                                         const char  *streamer_id,
                                         char       **out_text,
                                         gint64      *out_updated,
                                         GError     **error);
gboolean     tm_store_set_streamer_note (TmStore     *self,
                                         const char  *streamer_id,
                                         const char  *text,
                                         GError     **error);

/* The user's decisions (tm-model.h TmDecision), each call one
 * transaction.  set replaces the decision of that brand and streamer;
 * clear removes it (no error when there is none); load returns the
 * brand's decisions (all when @brand_id is NULL), TmDecision*, newest
 * first. */
gboolean     tm_store_set_decision   (TmStore          *self,
                                      const TmDecision *decision,
                                      GError          **error);
gboolean     tm_store_clear_decision (TmStore          *self,
                                      const char       *brand_id,
                                      const char       *streamer_id,
                                      GError          **error);
GPtrArray   *tm_store_load_decisions (TmStore          *self,
                                      const char       *brand_id,
                                      GError          **error);

/* Ranking weights saved for a brand, as four numbers (style, history,
 * trust relative; risk multiplier: TmWeights in tm-engine.h).  get:
 * *@out_found FALSE when none are saved.  set with @weights NULL forgets
 * them.  The caller checks them (tm_weights_is_valid) before saving. */
gboolean     tm_store_get_brand_weights (TmStore    *self,
                                         const char *brand_id,
                                         double      out_weights[4],
                                         gboolean   *out_found,
                                         GError    **error);
gboolean     tm_store_set_brand_weights (TmStore      *self,
                                         const char   *brand_id,
                                         const double *weights,
                                         GError      **error);

/* Single edits (the GUI's), each one transaction. */
gboolean     tm_store_put_brand      (TmStore        *self,
                                      const TmBrand  *brand,
                                      GError        **error);
gboolean     tm_store_delete_brand   (TmStore        *self,
                                      const char     *brand_id,
                                      GError        **error);

/* PRAGMA integrity_check: FALSE with TM_STORE_ERROR_CORRUPT listing the
 * problems when the file is damaged. */
gboolean     tm_store_check_integrity (TmStore    *self,
                                       GError    **error);

/* Row counts, for status output and tests. */
void         tm_store_count          (TmStore  *self,
                                      guint    *n_brands,
                                      guint    *n_streamers,
                                      guint    *n_cooperations,
                                      guint    *n_incidents);

G_END_DECLS
