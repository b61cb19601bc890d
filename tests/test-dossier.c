/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-dossier"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tm-catalog.h"
#include "tm-dossier.h"
#include "tm-engine.h"
#include "tm-json.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/*
 * The PDF dossier, read back the way a client's viewer reads it: poppler's
 * pdfinfo, pdftotext and pdffonts (Debian's poppler-utils, which ./dev
 * installs).  Expected text comes from the catalog, the store and the
 * ranking, never from the dossier code.
 */

typedef struct {
  char      *dir;       /* the store */
  char      *out_dir;   /* where dossiers are written */
  TmStore   *store;
  TmCatalog *catalog;
  TmEngine  *engine;
} World;

static World *world;

static void
world_load (void)
{
  static const char *files[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json" };
  const char *sample = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  TmDataset *datasets[G_N_ELEMENTS (files)];
  TmImportStats stats;
  TmDate as_of;

  g_assert_nonnull (sample);
  world = g_new0 (World, 1);
  world->dir = g_dir_make_tmp ("tm-dossier-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (world->dir, "test.db", NULL);
  world->store = tm_store_open (db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (sample, files[i], NULL);

      datasets[i] = tm_dataset_load_file (path, &error);
      g_assert_no_error (error);
    }
  tm_store_import (world->store, datasets, files, G_N_ELEMENTS (files), &stats, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    tm_dataset_free (datasets[i]);
  world->catalog = tm_catalog_load (world->store, &error);
  g_assert_no_error (error);
  g_assert_true (tm_date_parse ("2026-11-01", &as_of));
  world->engine = tm_engine_new (world->catalog, as_of);
}

static void
world_free (void)
{
  g_clear_pointer (&world->engine, tm_engine_unref);
  g_clear_pointer (&world->catalog, tm_catalog_unref);
  g_clear_object (&world->store);
  tm_test_remove_tree (world->dir);
  g_free (world->dir);
  g_clear_pointer (&world, g_free);
}

/* A fresh empty folder for one test's output. */
static char *
make_out_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tm-dossier-out-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* The names in @dir, sorted, joined by "\n". */
static char *
list_dir (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **) names->pdata);
}

/* Runs a poppler tool with the arguments that follow (NULL-terminated)
 * and returns its standard output. */
static char *
run_tool (const char *tool,
          ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *program = g_find_program_in_path (tool);
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;
  int status;

  if (program == NULL)
    g_error ("%s is missing: install poppler-utils (./dev setup does)", tool);
  g_ptr_array_add (argv, program);
  va_start (args, tool);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", tool, error->message, err);
  return out;
}

static guint
pdf_page_count (const char *pdf)
{
  g_autofree char *info = run_tool ("pdfinfo", pdf, NULL);
  const char *line = strstr (info, "\nPages:");

  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line + strlen ("\nPages:"), NULL, 10);
}

/* Text without white space: pdftotext breaks wrapped lines, and Chinese
 * has no spaces to break at, so compare without any. */
static char *
squeeze (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (s, g_utf8_get_char (p));
  return g_string_free (s, FALSE);
}

static gboolean
has_han (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* The first streamer (not among @avoid) with a resolved incident whose
 * record in the store says how it was resolved; its resolution in
 * @out_resolution. */
static guint32
streamer_with_resolution (const guint32 *avoid,
                          guint          n_avoid,
                          char         **out_resolution)
{
  for (guint i = 0; i < world->catalog->n_incidents; i++)
    {
      const TmCatalogIncident *x = &world->catalog->incidents[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(TmStreamer) record = NULL;
      g_autoptr(GPtrArray) coops = NULL;
      g_autoptr(GPtrArray) incidents = NULL;
      gboolean skip = FALSE;

      for (guint k = 0; k < n_avoid; k++)
        skip = skip || avoid[k] == x->streamer;
      if (skip || !x->resolved)
        continue;
      tm_store_load_streamer (world->store, world->catalog->streamers[x->streamer].id,
                              &record, &coops, &incidents, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < incidents->len; k++)
        {
          const TmIncident *inc = g_ptr_array_index (incidents, k);

          if (g_str_equal (inc->id, x->id) && inc->resolution != NULL)
            {
              *out_resolution = g_strdup (inc->resolution);
              return x->streamer;
            }
        }
    }
  g_error ("the sample has no resolved incident with a resolution");
}

static void
test_dossier_content (void)
{
  g_autoptr(GError) error = NULL;
  gint b = tm_catalog_find_brand (world->catalog, "b-001");
  const TmBrand *brand;
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(GDateTime) generated = g_date_time_new_utc (2026, 11, 2, 10, 30, 0);
  g_autofree char *out_dir = make_out_dir ();
  g_autofree char *pdf = g_build_filename (out_dir, "青禾美妆 dossier.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL, *squeezed = NULL, *fonts = NULL, *listing = NULL;
  g_autofree char *resolution = NULL;
  g_auto(GStrv) pages = NULL;
  g_auto(GStrv) font_lines = NULL;
  const TmCandidate *all;
  guint32 chosen[3];
  guint ranks[3] = { 1, 2, 0 };
  guint n_pages, n_text_pages, section_page[3], n_fonts = 0;
  gboolean wqy = FALSE;
  gsize length;
  TmWeights weights;
  TmDossierOptions options = { 0, };

  g_assert_cmpint (b, >=, 0);
  brand = world->catalog->brands[b];
  tm_weights_init_default (&weights);
  ranking = tm_engine_rank (world->engine, brand, &weights);
  all = tm_ranking_get_candidates (ranking, NULL);

  /* The two best, and a streamer with a resolved incident. */
  g_assert_cmpuint (tm_ranking_top (ranking, 2, FALSE, chosen), ==, 2);
  chosen[2] = streamer_with_resolution (chosen, 2, &resolution);
  if (all[chosen[2]].exclusions == 0)
    {
      /* Its rank: one more than the included candidates ahead of it. */
      ranks[2] = 1;
      for (guint i = 0; i < world->catalog->n_streamers; i++)
        if (all[i].exclusions == 0
            && (all[i].score > all[chosen[2]].score
                || (all[i].score == all[chosen[2]].score && i < chosen[2])))
          ranks[2]++;
    }

  options.store = world->store;
  options.generated = generated;
  options.author = "星桥代理";
  g_assert_true (tm_dossier_write_pdf (ranking, chosen, 3, &options, pdf, &error));
  g_assert_no_error (error);

  /* A PDF, and nothing else left in the folder (no temporary file). */
  g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 5);
  g_assert_true (memcmp (contents, "%PDF-", 5) == 0);
  listing = list_dir (out_dir);
  g_assert_cmpstr (listing, ==, "青禾美妆 dossier.pdf");
  /* Readable as any new document, not private like a temporary file. */
  {
    GStatBuf st;
    mode_t mask = umask (0);

    umask (mask);
    g_assert_cmpint (g_stat (pdf, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~mask);
  }
  /* For docs/screenshots: a copy of the dossier where this says. */
  if (g_getenv ("TM_TEST_DOSSIER_COPY") != NULL)
    {
      g_assert_true (g_file_set_contents (g_getenv ("TM_TEST_DOSSIER_COPY"), contents, length, &error));
      g_assert_no_error (error);
    }

  /* A cover, then each candidate from a page of its own. */
  n_pages = pdf_page_count (pdf);
  g_assert_cmpuint (n_pages, >=, 1 + 3);
  text = run_tool ("pdftotext", "-enc", "UTF-8", pdf, "-", NULL);
  pages = g_strsplit (text, "\f", -1);
  /* The text ends with a form feed: one more, empty, piece. */
  n_text_pages = g_strv_length (pages) - 1;
  g_assert_cmpuint (n_text_pages, ==, n_pages);
  for (guint p = 0; p < n_pages; p++)
    {
      g_autofree char *footer = g_strdup_printf ("Page %u of %u", p + 1, n_pages);

      g_assert_nonnull (strstr (pages[p], footer));
    }
  g_assert_nonnull (strstr (pages[0], brand->name));
  g_assert_nonnull (strstr (pages[0], "Brand profile"));
  g_assert_nonnull (strstr (pages[0], "Generated 2026-11-02 10:30"));
  g_assert_nonnull (strstr (pages[0], "星桥代理"));

  for (guint i = 0; i < 3; i++)
    {
      const TmCatalogStreamer *s = &world->catalog->streamers[chosen[i]];
      g_autofree char *heading = ranks[i] > 0 ? g_strdup_printf ("%u. %s", ranks[i], s->name)
                                              : g_strdup (s->name);

      g_assert_true (has_han (s->name));
      /* Named on the cover's summary… */
      g_assert_nonnull (strstr (pages[0], s->name));
      /* …and at the top of its section, after the previous one. */
      section_page[i] = 0;
      for (guint p = 1; p < n_pages && section_page[i] == 0; p++)
        if (g_str_has_prefix (pages[p], heading))
          section_page[i] = p + 1;
      if (section_page[i] == 0)
        g_error ("no page starts with “%s”", heading);
      if (i > 0)
        g_assert_cmpuint (section_page[i], >, section_page[i - 1]);
      else
        g_assert_cmpuint (section_page[i], ==, 2);
    }
  /* Each section's explanation adds up to the ranking's score. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *total = g_strdup_printf ("Total: %.1f points", all[chosen[i]].score);
      guint end = i + 1 < 3 ? section_page[i + 1] - 1 : n_pages;
      gboolean found = FALSE;

      for (guint p = section_page[i]; p <= end; p++)
        found = found || strstr (pages[p - 1], total) != NULL;
      g_assert_true (found);
    }

  /* The incident's resolution, from the store, is in the third section. */
  squeezed = squeeze (text);
  {
    g_autofree char *want = squeeze (resolution);

    g_assert_nonnull (strstr (squeezed, want));
  }

  /* Every font is embedded, and the Chinese one is among them. */
  fonts = run_tool ("pdffonts", pdf, NULL);
  font_lines = g_strsplit (fonts, "\n", -1);
  for (guint i = 2; font_lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (font_lines[i]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      guint n;

      for (guint k = 0; fields[k] != NULL; k++)
        if (fields[k][0] != '\0')
          g_ptr_array_add (words, fields[k]);
      if (words->len == 0)
        continue;
      n = words->len;
      /* name type… encoding emb sub uni object-id generation */
      g_assert_cmpuint (n, >=, 7);
      g_assert_cmpstr (g_ptr_array_index (words, n - 5), ==, "yes");
      wqy = wqy || strstr (g_ptr_array_index (words, 0), "WenQuanYi") != NULL;
      n_fonts++;
    }
  g_assert_cmpuint (n_fonts, >, 0);
  g_assert_true (wqy);

  g_unlink (pdf);
  g_rmdir (out_dir);
}

/* An excluded candidate's section says why; a streamer without
 * cooperations gets a sentence, not an empty chart. */
static void
test_dossier_excluded (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(GPtrArray) exclusions = NULL;
  g_autofree char *out_dir = make_out_dir ();
  g_autofree char *pdf = g_build_filename (out_dir, "d.pdf", NULL);
  g_autofree char *text = NULL, *squeezed = NULL;
  g_auto(GStrv) pages = NULL;
  const TmBrand *brand = world->catalog->brands[tm_catalog_find_brand (world->catalog, "b-001")];
  const TmCandidate *all;
  guint32 chosen[2] = { G_MAXUINT32, G_MAXUINT32 };
  TmDossierOptions options = { 0, };
  TmWeights weights;

  g_assert_true (brand->blacklist != NULL && brand->blacklist->len > 0);
  chosen[0] = tm_catalog_find_streamer (world->catalog, g_ptr_array_index (brand->blacklist, 0));
  for (guint i = 0; i < world->catalog->n_streamers && chosen[1] == G_MAXUINT32; i++)
    if (world->catalog->streamers[i].n_cooperations == 0)
      chosen[1] = i;
  g_assert_cmpuint (chosen[1], !=, G_MAXUINT32);

  tm_weights_init_default (&weights);
  ranking = tm_engine_rank (world->engine, brand, &weights);
  all = tm_ranking_get_candidates (ranking, NULL);
  g_assert_cmpuint (all[chosen[0]].exclusions, !=, 0);
  options.store = world->store;
  g_assert_true (tm_dossier_write_pdf (ranking, chosen, 2, &options, pdf, &error));
  g_assert_no_error (error);

  text = run_tool ("pdftotext", "-enc", "UTF-8", pdf, "-", NULL);
  pages = g_strsplit (text, "\f", -1);
  g_assert_cmpuint (g_strv_length (pages) - 1, >=, 3);
  /* Unranked: the heading is the bare name, and the cover says why. */
  g_assert_true (g_str_has_prefix (pages[1], world->catalog->streamers[chosen[0]].name));
  g_assert_nonnull (strstr (pages[0], "excluded"));
  g_assert_nonnull (strstr (text, "Excluded by the brand's constraints"));
  squeezed = squeeze (text);
  exclusions = tm_engine_get_exclusions (world->engine, brand, chosen[0]);
  g_assert_cmpuint (exclusions->len, >, 0);
  for (guint i = 0; i < exclusions->len; i++)
    {
      const TmExclusion *x = g_ptr_array_index (exclusions, i);
      g_autofree char *want = squeeze (x->message);

      g_assert_nonnull (strstr (squeezed, want));
    }
  g_assert_nonnull (strstr (text, "No cooperations on record."));

  g_unlink (pdf);
  g_rmdir (out_dir);
}

/* Each candidate's section says the user's decision, with its day and
 * note, so a dossier of the top N does not hide that one of them was
 * already turned down; a candidate without one says nothing. */
static void
test_dossier_decisions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmRanking) ranking = NULL;
  g_autofree char *out_dir = make_out_dir ();
  g_autofree char *pdf = g_build_filename (out_dir, "d.pdf", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) pages = NULL;
  const TmBrand *brand = world->catalog->brands[tm_catalog_find_brand (world->catalog, "b-001")];
  guint32 chosen[3];
  TmDossierOptions options = { 0, };
  TmWeights weights;
  const char *ids[3];
  g_autoptr(TmDecision) shortlisted = NULL;
  g_autoptr(TmDecision) rejected = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *today = NULL, *want_shortlisted = NULL, *want_rejected = NULL;
  g_autofree char *squeezed = NULL;

  tm_weights_init_default (&weights);
  ranking = tm_engine_rank (world->engine, brand, &weights);
  g_assert_cmpuint (tm_ranking_top (ranking, 3, FALSE, chosen), ==, 3);
  for (guint i = 0; i < 3; i++)
    ids[i] = world->catalog->streamers[chosen[i]].id;

  shortlisted = tm_decision_new (brand->id, ids[0], TM_DECISION_SHORTLISTED, "先寄样品，周一电话");
  rejected = tm_decision_new (brand->id, ids[1], TM_DECISION_REJECTED, NULL);
  g_assert_true (tm_store_set_decision (world->store, shortlisted, &error));
  g_assert_true (tm_store_set_decision (world->store, rejected, &error));
  g_assert_no_error (error);
  day = g_date_time_new_from_unix_local (shortlisted->decided);
  today = g_date_time_format (day, "%Y-%m-%d");

  options.store = world->store;
  g_assert_true (tm_dossier_write_pdf (ranking, chosen, 3, &options, pdf, &error));
  g_assert_no_error (error);
  text = run_tool ("pdftotext", "-enc", "UTF-8", pdf, "-", NULL);
  pages = g_strsplit (text, "\f", -1);
  /* The cover, then one section each (at least a page). */
  g_assert_cmpuint (g_strv_length (pages) - 1, >=, 4);

  want_shortlisted = g_strdup_printf ("Decision: Shortlisted on %s — 先寄样品，周一电话", today);
  want_rejected = g_strdup_printf ("Decision: Rejected on %s", today);
  squeezed = squeeze (text);
  {
    g_autofree char *a = squeeze (want_shortlisted);
    g_autofree char *b = squeeze (want_rejected);

    g_assert_nonnull (strstr (squeezed, a));
    g_assert_nonnull (strstr (squeezed, b));
  }
  /* Two decisions, two lines: the third candidate has none. */
  {
    guint n = 0;

    for (const char *p = text; (p = strstr (p, "Decision:")) != NULL; p++)
      n++;
    g_assert_cmpuint (n, ==, 2);
  }

  g_assert_true (tm_store_clear_decision (world->store, brand->id, ids[0], &error));
  g_assert_true (tm_store_clear_decision (world->store, brand->id, ids[1], &error));
  g_assert_no_error (error);
  g_unlink (pdf);
  g_rmdir (out_dir);
}

/* Writing again over an existing dossier replaces it in one step. */
static void
test_dossier_replace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmRanking) ranking = NULL;
  g_autofree char *out_dir = make_out_dir ();
  g_autofree char *pdf = g_build_filename (out_dir, "d.pdf", NULL);
  g_autofree char *contents = NULL, *listing = NULL;
  guint32 chosen[1];
  TmWeights weights;

  tm_weights_init_default (&weights);
  ranking = tm_engine_rank (world->engine, world->catalog->brands[0], &weights);
  g_assert_cmpuint (tm_ranking_top (ranking, 1, FALSE, chosen), ==, 1);
  g_assert_true (g_file_set_contents (pdf, "old", -1, &error));
  g_assert_true (tm_dossier_write_pdf (ranking, chosen, 1, NULL, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &contents, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  /* Without the store the cover says what is missing. */
  g_assert_cmpuint (pdf_page_count (pdf), >=, 2);
  listing = list_dir (out_dir);
  g_assert_cmpstr (listing, ==, "d.pdf");
  g_unlink (pdf);
  g_rmdir (out_dir);
}

static void
check_write_fails (const char *pdf,
                   const char *out_dir,
                   const char *listing_before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmRanking) ranking = NULL;
  g_autofree char *listing = NULL;
  guint32 chosen[1];
  TmWeights weights;

  tm_weights_init_default (&weights);
  ranking = tm_engine_rank (world->engine, world->catalog->brands[0], &weights);
  g_assert_cmpuint (tm_ranking_top (ranking, 1, FALSE, chosen), ==, 1);
  g_assert_false (tm_dossier_write_pdf (ranking, chosen, 1, NULL, pdf, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  /* The message names the file the user chose. */
  g_assert_nonnull (strstr (error->message, pdf));
  listing = list_dir (out_dir);
  g_assert_cmpstr (listing, ==, listing_before);
}

static void
test_dossier_unwritable (void)
{
  g_autofree char *out_dir = make_out_dir ();
  g_autofree char *missing = g_build_filename (out_dir, "no such folder", "d.pdf", NULL);
  g_autofree char *folder = g_build_filename (out_dir, "a folder.pdf", NULL);
  g_autofree char *inside = NULL;

  /* Into a folder that does not exist. */
  check_write_fails (missing, out_dir, "");

  /* Over a folder: the temporary file is made, the rename fails, and the
   * temporary file must not stay behind. */
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  check_write_fails (folder, out_dir, "a folder.pdf");
  inside = list_dir (folder);
  g_assert_cmpstr (inside, ==, "");

  g_rmdir (folder);
  g_rmdir (out_dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  world_load ();
  g_test_add_func ("/dossier/content", test_dossier_content);
  g_test_add_func ("/dossier/excluded", test_dossier_excluded);
  g_test_add_func ("/dossier/decisions", test_dossier_decisions);
  g_test_add_func ("/dossier/replace", test_dossier_replace);
  g_test_add_func ("/dossier/unwritable", test_dossier_unwritable);
  status = g_test_run ();
  world_free ();
  return status;
}
