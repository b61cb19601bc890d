/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-dossier.h: the PDF dossier an agency sends to its client.
 *
 * A4 pages drawn with cairo and Pango: a cover with the brand profile,
 * the weights, a summary of the chosen candidates and where the data came
 * from; then one section per candidate, each starting on a new page, with
 * the score and its components, the explanation as a bar chart with its
 * evidence, the cooperation history as a chart and a table, the incidents
 * and the provenance of every figure.  Text is shaped by Pango, so Chinese
 * names come out right, and cairo embeds the fonts it uses.  Layout and
 * figures: docs/dossier.md.
 *
 * No GTK and no network: the CLI and the GUI both call this.
 */
#pragma once

#include "tm-engine.h"
#include "tm-store.h"

G_BEGIN_DECLS

typedef struct {
  /* Nullable.  The records' details the catalog does not keep: incident
   * descriptions and resolutions, and the provenance of each cooperation
   * and of each figure of a profile.  Without it the dossier shows what
   * the catalog has (an incident's status, the profile's provenance).
   * Read from the calling thread: no other thread may use it meanwhile. */
  TmStore    *store;
  /* Nullable: the time printed as "generated"; now when NULL. */
  GDateTime  *generated;
  /* Nullable: who prepared the dossier (an agency), shown on the cover
   * and written as the PDF's author. */
  const char *author;
} TmDossierOptions;

/* Writes the dossier for the brand and weights of @ranking and the @n
 * streamers (indices into the catalog, in the order they are to appear;
 * 1 ≤ @n) to @path, atomically: a temporary file next to it that is
 * renamed over @path once complete, so @path is never left half written
 * and nothing is left behind on failure.  @options may be NULL.  Errors
 * are G_IO_ERROR codes with a translated message naming @path.
 * Blocks for the layout and the write (under 0.3 s for three candidates
 * of the sample): call it from a worker thread in the GUI, with a ranking
 * no other thread uses meanwhile. */
gboolean  tm_dossier_write_pdf (TmRanking              *ranking,
                                const guint32          *streamers,
                                guint                   n,
                                const TmDossierOptions *options,
                                const char             *path,
                                GError                **error);

G_END_DECLS
