/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-directory"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tm-catalog.h"
#include "tm-directory.h"
#include "tm-store.h"
#include "tm-test-utils.h"

/*
 * The directory on the bundled sample data, plus two streamers the sample
 * lacks: one whose name and tag are written in full-width letters and
 * whose handle mixes cases, and one without a credit score.  Results are
 * checked against an oracle that applies the rules of tm-directory.h to
 * the catalog's fields directly, one field at a time.
 */

static TmCatalog *catalog;

/* The oracle's view of streamer i: each searchable field folded on its
 * own, and whether incidents[] names the streamer. */
static char ***oracle_fields;
static gboolean *oracle_incidents;

static const char extra_json[] =
  "{\"format\": \"trustmatch-dataset\", \"version\": 1, \"streamers\": [\n"
  "  {\"id\": \"s-900001\", \"name\": \"ＭＩＫＡ美妆\",\n"
  "   \"accounts\": [{\"platform\": \"douyin\", \"handle\": \"MiKa_Live\", \"followers\": 1000}],\n"
  "   \"categories\": [\"beauty\"],\n"
  "   \"style_tags\": [{\"tag\": \"ＶＬＯＧ\", \"weight\": 0.5}],\n"
  "   \"provenance\": {\"source\": \"manual\", \"observed\": \"2026-10-01\", \"basis\": \"observed\"}},\n"
  "  {\"id\": \"s-900002\", \"name\": \"无分小铺\",\n"
  "   \"accounts\": [{\"platform\": \"jd\", \"handle\": \"WuFen_XiaoPu\", \"followers\": 50}],\n"
  "   \"categories\": [\"pets\"],\n"
  "   \"provenance\": {\"source\": \"manual\", \"observed\": \"2026-10-01\", \"basis\": \"observed\"}},\n"
  "  {\"id\": \"s-900003\", \"name\": \"Cafe\\u0301小馆\",\n"
  "   \"accounts\": [{\"platform\": \"bilibili\", \"handle\": \"cafe_xiaoguan\", \"followers\": 80}],\n"
  "   \"categories\": [\"food\"],\n"
  "   \"credit\": {\"platform\": \"bilibili\", \"score\": 87.3, \"scale\": 100},\n"
  "   \"provenance\": {\"source\": \"manual\", \"observed\": \"2026-10-01\", \"basis\": \"observed\"}}\n"
  "]}\n";

/* ---- The oracle ------------------------------------------------------ */

static char *
fold (const char *text)
{
  g_autofree char *nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (nfkc, -1);
}

static void
oracle_init (void)
{
  oracle_fields = g_new0 (char **, catalog->n_streamers);
  oracle_incidents = g_new0 (gboolean, catalog->n_streamers);

  for (guint i = 0; i < catalog->n_streamers; i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];
      GPtrArray *fields = g_ptr_array_new ();

      g_ptr_array_add (fields, fold (s->name));
      g_ptr_array_add (fields, fold (s->id));
      for (guint k = 0; k < s->n_accounts; k++)
        g_ptr_array_add (fields, fold (catalog->accounts[s->first_account + k].handle));
      for (guint k = 0; k < s->n_tags; k++)
        g_ptr_array_add (fields, fold (catalog->tags[s->first_tag + k].tag));
      g_ptr_array_add (fields, NULL);
      oracle_fields[i] = (char **) g_ptr_array_free (fields, FALSE);
    }
  for (guint k = 0; k < catalog->n_incidents; k++)
    oracle_incidents[catalog->incidents[k].streamer] = TRUE;
}

/* The search's terms as the header defines them: folded, split at
 * white space (NFKC turns every other space, U+3000 included, into
 * U+0020). */
static GStrv
oracle_terms (const char *search)
{
  g_autofree char *folded = NULL;
  g_autoptr(GStrvBuilder) terms = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  if (search != NULL)
    {
      folded = fold (search);
      parts = g_strsplit_set (folded, " \t\n\r\f\v", -1);
      for (guint t = 0; parts[t] != NULL; t++)
        if (*parts[t] != '\0')
          g_strv_builder_add (terms, parts[t]);
    }
  return g_strv_builder_end (terms);
}

static gboolean
oracle_search (guint              i,
               const char * const *terms)
{
  for (guint t = 0; terms[t] != NULL; t++)
    {
      gboolean found = FALSE;

      for (guint f = 0; oracle_fields[i][f] != NULL && !found; f++)
        found = strstr (oracle_fields[i][f], terms[t]) != NULL;
      if (!found)
        return FALSE;
    }
  return TRUE;
}

/* The percent from the float fields; within 1e-5 % of a bound counts as
 * on it, since the catalog keeps scores as floats. */
static gboolean
oracle_credit (const TmCatalogStreamer *s,
               double                   min,
               double                   max)
{
  double percent;

  if (min <= 0 && max >= 100)
    return TRUE;
  if (isnan (s->credit_score) || !(s->credit_scale > 0))
    return FALSE;
  percent = (double) s->credit_score / s->credit_scale * 100;
  return percent >= min - 1e-5 && percent <= max + 1e-5;
}

static gboolean
oracle_matches (guint                    i,
                const TmDirectoryFilter *f,
                const char * const      *terms)
{
  const TmCatalogStreamer *s = &catalog->streamers[i];

  if (f->platforms != 0)
    {
      gboolean on = FALSE;

      for (guint k = 0; k < s->n_accounts; k++)
        on |= (f->platforms & (1u << catalog->accounts[s->first_account + k].platform)) != 0;
      if (!on)
        return FALSE;
    }
  if (f->category != NULL)
    {
      gboolean listed = FALSE;

      for (guint k = 0; k < s->n_categories; k++)
        listed |= strcmp (catalog->categories[s->first_category + k], f->category) == 0;
      if (!listed)
        return FALSE;
    }
  if (!oracle_credit (s, f->min_credit, f->max_credit))
    return FALSE;
  if (f->has_incidents && !oracle_incidents[i])
    return FALSE;
  return oracle_search (i, terms);
}

static char *
describe (const TmDirectoryFilter *f)
{
  return g_strdup_printf ("search “%s”, platforms 0x%x, category %s, credit %g–%g, incidents %d",
                          f->search ? f->search : "(null)", f->platforms,
                          f->category ? f->category : "(null)",
                          f->min_credit, f->max_credit, f->has_incidents);
}

/* Sets @f, checks every row against the oracle and count_matches()
 * against the rows; returns which rows match (free with g_free). */
static gboolean *
check_filter (TmDirectory             *dir,
              const TmDirectoryFilter *f)
{
  gboolean *rows = g_new0 (gboolean, catalog->n_streamers);
  g_auto(GStrv) terms = oracle_terms (f->search);
  guint count = 0;

  tm_directory_set_filter (dir, f);
  for (guint i = 0; i < catalog->n_streamers; i++)
    {
      gboolean expected = oracle_matches (i, f, (const char * const *) terms);

      rows[i] = tm_directory_matches (dir, i);
      if (rows[i] != expected)
        {
          g_autofree char *what = describe (f);

          g_test_message ("%s: streamer %s (%s) matches %d, expected %d", what,
                          catalog->streamers[i].id, catalog->streamers[i].name,
                          rows[i], expected);
          g_assert_cmpint (rows[i], ==, expected);
        }
      count += rows[i];
    }
  g_assert_cmpuint (tm_directory_count_matches (dir), ==, count);
  return rows;
}

/* check_filter() for a search alone; returns the number of matches. */
static guint
check_search (TmDirectory *dir,
              const char  *search)
{
  TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
  g_autofree gboolean *rows = NULL;
  guint count = 0;

  f.search = search;
  rows = check_filter (dir, &f);
  for (guint i = 0; i < catalog->n_streamers; i++)
    count += rows[i];
  return count;
}

static void
assert_same_rows (const gboolean *a,
                  const gboolean *b)
{
  for (guint i = 0; i < catalog->n_streamers; i++)
    g_assert_cmpint (a[i], ==, b[i]);
}

static gboolean *
rows_of_search (TmDirectory *dir,
                const char  *search)
{
  TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;

  f.search = search;
  return check_filter (dir, &f);
}

static gint
index_of (const char *id)
{
  gint i = tm_catalog_find_streamer (catalog, id);

  g_assert_cmpint (i, >=, 0);
  return i;
}

/* @text with ASCII letters, digits and punctuation in their full-width
 * forms (U+FF01–U+FF5E), upper-case first when @upper. */
static char *
full_width (const char *text,
            gboolean    upper)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (upper)
        c = g_unichar_toupper (c);
      if (c >= 0x21 && c <= 0x7e)
        c += 0xff01 - 0x21;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* ---- Tests ------------------------------------------------------------ */

/* The search texts are made in a thread while the directory already
 * filters without a search; the first search waits for them, and a
 * directory dropped before they are done lets the thread finish. */
static void
test_texts_in_thread (void)
{
  const TmCatalogStreamer *someone = &catalog->streamers[catalog->n_streamers / 3];
  g_autofree char *name = g_utf8_substring (someone->name, 0, 2);
  TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;

  for (int round = 0; round < 3; round++)
    {
      g_autoptr(TmDirectory) dir = tm_directory_new (catalog);

      f.has_incidents = TRUE;
      g_free (check_filter (dir, &f));
      tm_directory_set_order (dir, TM_DIRECTORY_ORDER_FOLLOWERS, TRUE);
      g_assert_cmpuint (check_search (dir, name), >=, 1);
    }
  tm_directory_free (tm_directory_new (catalog));
}

static void
test_empty (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  TmDirectoryFilter all = TM_DIRECTORY_FILTER_INIT;
  TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
  const char *blank[] = { "", " ", "  \t ", "　" };

  g_assert_true (tm_directory_get_catalog (dir) == catalog);

  /* A new directory shows everyone. */
  g_assert_true (tm_directory_filter_is_empty (dir));
  g_assert_cmpuint (tm_directory_count_matches (dir), ==, catalog->n_streamers);
  for (guint i = 0; i < catalog->n_streamers; i++)
    g_assert_true (tm_directory_matches (dir, i));

  tm_directory_set_filter (dir, &all);
  g_assert_true (tm_directory_filter_is_empty (dir));
  g_assert_cmpuint (tm_directory_count_matches (dir), ==, catalog->n_streamers);
  for (guint i = 0; i < catalog->n_streamers; i++)
    g_assert_true (tm_directory_matches (dir, i));

  for (guint b = 0; b < G_N_ELEMENTS (blank); b++)
    {
      f.search = blank[b];
      tm_directory_set_filter (dir, &f);
      g_assert_true (tm_directory_filter_is_empty (dir));
      g_assert_cmpuint (tm_directory_count_matches (dir), ==, catalog->n_streamers);
    }

  /* Set, then clear: everyone is back. */
  f.search = catalog->streamers[0].name;
  f.platforms = 1u << TM_PLATFORM_DOUYIN;
  f.min_credit = 50;
  f.has_incidents = TRUE;
  tm_directory_set_filter (dir, &f);
  g_assert_false (tm_directory_filter_is_empty (dir));
  g_assert_cmpuint (tm_directory_count_matches (dir), <, catalog->n_streamers);

  tm_directory_set_filter (dir, &all);
  g_assert_true (tm_directory_filter_is_empty (dir));
  g_assert_cmpuint (tm_directory_count_matches (dir), ==, catalog->n_streamers);
  for (guint i = 0; i < catalog->n_streamers; i++)
    g_assert_true (tm_directory_matches (dir, i));

  /* Each filter alone makes the filter non-empty. */
  {
    TmDirectoryFilter one[5] = {
      TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT,
      TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT,
    };

    one[0].search = "a";
    one[1].platforms = 1u << TM_PLATFORM_JD;
    one[2].category = "beauty";
    one[3].max_credit = 99;
    one[4].has_incidents = TRUE;
    for (guint k = 0; k < G_N_ELEMENTS (one); k++)
      {
        tm_directory_set_filter (dir, &one[k]);
        g_assert_false (tm_directory_filter_is_empty (dir));
      }
  }
}

static void
test_search_name (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);

  /* The middle of a Chinese name, which has no spaces to split at. */
  for (guint i = 0; i < catalog->n_streamers; i += 37)
    {
      const char *name = catalog->streamers[i].name;
      glong len = g_utf8_strlen (name, -1);
      const char *from = g_utf8_offset_to_pointer (name, len > 2 ? 1 : 0);
      const char *to = g_utf8_offset_to_pointer (name, len > 2 ? len - 1 : len);
      g_autofree char *part = g_strndup (from, to - from);
      g_autofree gboolean *rows = rows_of_search (dir, part);

      g_assert_true (rows[i]);
    }
}

static void
test_search_handle_tag_id (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);

  for (guint i = 0; i < catalog->n_streamers; i += 23)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];
      const char *handle = catalog->accounts[s->first_account + s->n_accounts - 1].handle;
      g_autofree gboolean *by_handle = rows_of_search (dir, handle);
      g_autofree gboolean *by_id = rows_of_search (dir, s->id);
      guint n_by_id = 0;

      g_assert_true (by_handle[i]);
      /* Ids are unique and of one width: an id finds its streamer only. */
      g_assert_true (by_id[i]);
      for (guint k = 0; k < catalog->n_streamers; k++)
        n_by_id += by_id[k];
      g_assert_cmpuint (n_by_id, ==, 1);

      if (s->n_tags > 0)
        {
          const char *tag = catalog->tags[s->first_tag].tag;
          g_autofree gboolean *by_tag = rows_of_search (dir, tag);

          g_assert_true (by_tag[i]);
        }
    }
}

static void
test_search_case (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  gint mika = index_of ("s-900001");
  const char *spellings[] = { "mika", "MIKA", "MiKa", "ｍｉｋａ", "ＭＩＫＡ", "Ｍｉｋａ" };

  for (guint i = 0; i < catalog->n_streamers; i += 29)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];
      const char *handle = catalog->accounts[s->first_account].handle;
      g_autofree char *upper = g_ascii_strup (handle, -1);
      g_autofree char *wide = full_width (handle, FALSE);
      g_autofree char *wide_upper = full_width (handle, TRUE);
      g_autofree gboolean *plain = rows_of_search (dir, handle);
      g_autofree gboolean *by_upper = rows_of_search (dir, upper);
      g_autofree gboolean *by_wide = rows_of_search (dir, wide);
      g_autofree gboolean *by_wide_upper = rows_of_search (dir, wide_upper);

      g_assert_true (plain[i]);
      assert_same_rows (plain, by_upper);
      assert_same_rows (plain, by_wide);
      assert_same_rows (plain, by_wide_upper);
    }

  /* The other way round: data in full-width and mixed case is found by
   * any spelling, in its name, its handle and its tag. */
  for (guint k = 0; k < G_N_ELEMENTS (spellings); k++)
    {
      g_autofree gboolean *rows = rows_of_search (dir, spellings[k]);
      g_autofree char *handle = g_strconcat (spellings[k], "_live", NULL);
      g_autofree gboolean *by_handle = rows_of_search (dir, handle);

      g_assert_true (rows[mika]);
      g_assert_true (by_handle[mika]);
    }
  {
    g_autofree gboolean *by_tag = rows_of_search (dir, "vlog");
    g_autofree gboolean *by_name = rows_of_search (dir, "mika美妆");

    g_assert_true (by_tag[mika]);
    g_assert_true (by_name[mika]);
  }

  /* Capitals in otherwise plain ASCII and Chinese data. */
  {
    gint wufen = index_of ("s-900002");
    const char *handles[] = { "wufen_xiaopu", "WUFEN", "Ｘｉａｏｐｕ" };

    for (guint k = 0; k < G_N_ELEMENTS (handles); k++)
      {
        g_autofree gboolean *rows = rows_of_search (dir, handles[k]);

        g_assert_true (rows[wufen]);
      }
  }

  /* An accent written as a combining mark is found by the precomposed
   * letter, either case, and the other way round. */
  {
    gint cafe = index_of ("s-900003");
    const char *spellings_cafe[] = { "café", "CAFÉ", "Cafe\xcc\x81", "é小" };

    for (guint k = 0; k < G_N_ELEMENTS (spellings_cafe); k++)
      {
        g_autofree gboolean *rows = rows_of_search (dir, spellings_cafe[k]);

        g_assert_true (rows[cafe]);
      }
  }
}

static void
test_search_terms (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);

  for (guint i = 0; i < catalog->n_streamers; i += 31)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];
      const char *handle = catalog->accounts[s->first_account].handle;
      const char *name_end = g_utf8_offset_to_pointer (s->name, MIN (2, g_utf8_strlen (s->name, -1)));
      g_autofree char *name_part = g_strndup (s->name, name_end - s->name);
      g_autofree char *handle_part = g_strndup (handle, 4);
      g_autofree char *both = g_strdup_printf ("%s %s", name_part, handle_part);
      const char *spacings[] = { "  %s   %s  ", "%s\t%s", "%s　%s", "%s  %s\n", "%2$s %1$s" };
      g_autofree gboolean *a = rows_of_search (dir, name_part);
      g_autofree gboolean *b = rows_of_search (dir, handle_part);
      g_autofree gboolean *ab = rows_of_search (dir, both);

      /* AND: exactly the rows both terms find. */
      g_assert_true (ab[i]);
      for (guint k = 0; k < catalog->n_streamers; k++)
        g_assert_cmpint (ab[k], ==, a[k] && b[k]);

      /* Where the spaces are, how many, and the terms' order do not matter. */
      for (guint k = 0; k < G_N_ELEMENTS (spacings); k++)
        {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_autofree char *spaced = g_strdup_printf (spacings[k], name_part, handle_part);
#pragma GCC diagnostic pop
          g_autofree gboolean *rows = rows_of_search (dir, spaced);

          assert_same_rows (ab, rows);
        }

      /* A term repeated, or inside another term, changes nothing. */
      {
        g_autofree char *twice = g_strdup_printf ("%s %s %s", handle, handle_part, handle);
        g_autofree gboolean *by_handle = rows_of_search (dir, handle);
        g_autofree gboolean *by_twice = rows_of_search (dir, twice);

        assert_same_rows (by_handle, by_twice);
      }
    }
}

static void
test_search_nowhere (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  const TmCatalogStreamer *s = &catalog->streamers[0];
  g_autofree char *name_id = g_strconcat (s->name, s->id, NULL);
  g_autofree char *id_handle = g_strconcat (s->id, catalog->accounts[s->first_account].handle, NULL);
  g_autofree char *with_nowhere = g_strconcat (s->name, " zqxjzqxj", NULL);

  g_assert_cmpuint (check_search (dir, "zqxjzqxj"), ==, 0);
  g_assert_cmpuint (check_search (dir, "不存在的词语"), ==, 0);
  /* Every term must be found: one found nowhere empties the list. */
  g_assert_cmpuint (check_search (dir, s->name), >, 0);
  g_assert_cmpuint (check_search (dir, with_nowhere), ==, 0);
  /* A term does not run from one field into the next. */
  g_assert_cmpuint (check_search (dir, name_id), ==, 0);
  g_assert_cmpuint (check_search (dir, id_handle), ==, 0);
}

/* Every character and every two consecutive characters of every name,
 * id, handle and tag, each as a search; some also under other filters. */
static void
test_search_oracle (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  g_autoptr(GHashTable) queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer query;
  guint n_checked = 0, n_found = 0, n_nowhere = 0;
  TmDirectoryFilter narrowed = TM_DIRECTORY_FILTER_INIT;

  for (guint i = 0; i < catalog->n_streamers; i++)
    for (guint f = 0; oracle_fields[i][f] != NULL; f++)
      {
        /* Raw texts, not the oracle's folded ones: the directory folds. */
        const TmCatalogStreamer *s = &catalog->streamers[i];
        const char *text;

        if (f == 0)
          text = s->name;
        else if (f == 1)
          text = s->id;
        else if (f < 2 + s->n_accounts)
          text = catalog->accounts[s->first_account + f - 2].handle;
        else
          text = catalog->tags[s->first_tag + f - 2 - s->n_accounts].tag;

        for (const char *p = text; *p; p = g_utf8_next_char (p))
          {
            const char *q = g_utf8_next_char (p);

            /* A combining mark on its own is part of a letter, which
             * folding composes: not something a user types. */
            if (g_unichar_ismark (g_utf8_get_char (p)))
              continue;

            g_hash_table_add (queries, g_strndup (p, q - p));
            if (*q)
              g_hash_table_add (queries, g_strndup (p, g_utf8_next_char (q) - p));
          }
      }

  narrowed.platforms = (1u << TM_PLATFORM_DOUYIN) | (1u << TM_PLATFORM_TAOBAO);
  narrowed.min_credit = 80;
  narrowed.max_credit = 95;

  g_hash_table_iter_init (&iter, queries);
  while (g_hash_table_iter_next (&iter, &query, NULL))
    {
      guint found = check_search (dir, query);

      n_found += found > 0;
      n_nowhere += found == 0;
      if (n_checked++ % 8 == 0)
        {
          g_autofree gboolean *rows = NULL;

          narrowed.search = query;
          rows = check_filter (dir, &narrowed);
        }
    }
  g_test_message ("%u queries, %u found somewhere, %u found nowhere", n_checked, n_found, n_nowhere);
  /* Each query was taken from a streamer, so each finds one. */
  g_assert_cmpuint (n_nowhere, ==, 0);
  g_assert_cmpuint (n_checked, >, 1000);
}

static void
test_filter_platforms (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  gboolean *one[TM_N_PLATFORMS];
  guint covered = 0;

  for (int p = 0; p < TM_N_PLATFORMS; p++)
    {
      TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;

      f.platforms = 1u << p;
      one[p] = check_filter (dir, &f);
    }

  /* Two platforms: the streamers of either. */
  for (int p = 0; p < TM_N_PLATFORMS; p++)
    for (int q = p + 1; q < TM_N_PLATFORMS; q++)
      {
        TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
        g_autofree gboolean *two = NULL;

        f.platforms = (1u << p) | (1u << q);
        two = check_filter (dir, &f);
        for (guint i = 0; i < catalog->n_streamers; i++)
          g_assert_cmpint (two[i], ==, one[p][i] || one[q][i]);
      }

  /* Each streamer is on the platforms of its accounts, and all of them
   * together are everyone. */
  for (guint i = 0; i < catalog->n_streamers; i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];
      gboolean any = FALSE;

      for (guint k = 0; k < s->n_accounts; k++)
        {
          g_assert_true (one[catalog->accounts[s->first_account + k].platform][i]);
          any = TRUE;
        }
      covered += any;
    }
  g_assert_cmpuint (covered, ==, catalog->n_streamers);
  {
    TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
    g_autofree gboolean *rows = NULL;

    f.platforms = (1u << TM_N_PLATFORMS) - 1;
    tm_directory_set_filter (dir, &f);
    g_assert_cmpuint (tm_directory_count_matches (dir), ==, catalog->n_streamers);

    /* A platform this version does not know: nobody is on it. */
    f.platforms = 1u << 20;
    rows = check_filter (dir, &f);
    g_assert_cmpuint (tm_directory_count_matches (dir), ==, 0);
    g_assert_false (tm_directory_filter_is_empty (dir));
  }

  for (int p = 0; p < TM_N_PLATFORMS; p++)
    g_free (one[p]);
}

static void
test_filter_category (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer code;
  guint listings = 0, total = 0;

  for (guint k = 0; k < catalog->n_categories; k++)
    g_hash_table_add (codes, (gpointer) catalog->categories[k]);
  g_assert_cmpuint (g_hash_table_size (codes), >, 1);

  g_hash_table_iter_init (&iter, codes);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    {
      /* A copy, as a view would pass: not the catalog's pointer. */
      g_autofree char *copy = g_strdup (code);
      TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
      g_autofree gboolean *rows = NULL;

      f.category = copy;
      rows = check_filter (dir, &f);
      for (guint i = 0; i < catalog->n_streamers; i++)
        total += rows[i];
    }
  /* Every listing of a category shows the streamer under it once. */
  for (guint i = 0; i < catalog->n_streamers; i++)
    listings += catalog->streamers[i].n_categories;
  g_assert_cmpuint (total, ==, listings);

  {
    TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
    g_autofree gboolean *rows = NULL;

    f.category = "no-such-category";
    rows = check_filter (dir, &f);
    g_assert_cmpuint (tm_directory_count_matches (dir), ==, 0);
    /* A string the catalog knows, but not as a category. */
    f.category = catalog->streamers[0].id;
    g_clear_pointer (&rows, g_free);
    rows = check_filter (dir, &f);
    g_assert_cmpuint (tm_directory_count_matches (dir), ==, 0);
  }
}

static void
test_filter_credit (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  gint unknown = index_of ("s-900002");
  TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
  const double ranges[][2] = {
    { 0, 100 }, { 0, 99.5 }, { 0.5, 100 }, { 80, 90 }, { 84, 84 }, { 72, 74 },
    { 90, 80 }, { 100, 100 }, { -10, 200 }, { 0, 0 }, { 99.99, 100 },
  };
  guint whole = 0;

  g_assert_true (isnan (catalog->streamers[unknown].credit_score));

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      g_autofree gboolean *rows = NULL;

      f.min_credit = ranges[r][0];
      f.max_credit = ranges[r][1];
      rows = check_filter (dir, &f);
      /* Without a score, a streamer shows only when credit is not filtered. */
      g_assert_cmpint (rows[unknown], ==, f.min_credit <= 0 && f.max_credit >= 100);
      g_assert_cmpint (tm_directory_filter_is_empty (dir), ==, f.min_credit <= 0 && f.max_credit >= 100);
    }

  /* Bounds are inclusive, also where the float score is a hair off the
   * decimal one: 4.2 of 5 is 84 %, and a filter from or to 84 % shows it. */
  for (guint i = 0; i < catalog->n_streamers; i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[i];
      gint64 score10, scale10;
      double percent;

      if (isnan (s->credit_score))
        {
          g_assert_true (isnan (tm_directory_credit_percent (s)));
          continue;
        }
      score10 = llround (s->credit_score * 10.0);
      scale10 = llround (s->credit_scale * 10.0);
      if ((score10 * 100) % scale10 != 0)
        continue;
      percent = (double) (score10 * 100 / scale10);
      g_assert_cmpfloat (tm_directory_credit_percent (s), ==, percent);

      f.min_credit = f.max_credit = percent;
      tm_directory_set_filter (dir, &f);
      g_assert_true (tm_directory_matches (dir, i));
      f.min_credit = percent;
      f.max_credit = 100;
      tm_directory_set_filter (dir, &f);
      g_assert_true (tm_directory_matches (dir, i));
      f.min_credit = 0;
      f.max_credit = percent;
      tm_directory_set_filter (dir, &f);
      g_assert_true (tm_directory_matches (dir, i));
      /* And just past the bound, it is out. */
      f.min_credit = percent + 0.01;
      f.max_credit = 100;
      tm_directory_set_filter (dir, &f);
      g_assert_false (tm_directory_matches (dir, i));
      f.min_credit = 0;
      f.max_credit = percent - 0.01;
      tm_directory_set_filter (dir, &f);
      g_assert_false (tm_directory_matches (dir, i));
      whole++;
    }
  g_assert_cmpuint (whole, >, 100);
}

static void
test_credit_percent (void)
{
  TmCatalogStreamer s = { 0 };

  s.credit_score = 4.5f;
  s.credit_scale = 5;
  g_assert_cmpfloat (tm_directory_credit_percent (&s), ==, 90);
  s.credit_score = 4.2f;
  g_assert_cmpfloat (tm_directory_credit_percent (&s), ==, 84);
  s.credit_score = 87.3f;
  s.credit_scale = 100;
  g_assert_cmpfloat (tm_directory_credit_percent (&s), ==, 87.3);
  s.credit_scale = 0;
  g_assert_true (isnan (tm_directory_credit_percent (&s)));
  s.credit_scale = NAN;
  g_assert_true (isnan (tm_directory_credit_percent (&s)));
  s.credit_score = NAN;
  s.credit_scale = 5;
  g_assert_true (isnan (tm_directory_credit_percent (&s)));
}

static void
test_filter_incidents (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
  g_autofree gboolean *rows = NULL;
  guint count;

  f.has_incidents = TRUE;
  rows = check_filter (dir, &f);
  count = tm_directory_count_matches (dir);
  g_assert_cmpuint (count, >, 0);
  g_assert_cmpuint (count, <, catalog->n_streamers);
  for (guint k = 0; k < catalog->n_incidents; k++)
    g_assert_true (rows[catalog->incidents[k].streamer]);
}

/* Any combination lets through exactly the rows each of its parts does. */
static void
test_filter_combined (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  const char *searches[] = { NULL, "小", "a", "s-0001", "国货", "mika", "阿 8" };
  const guint32 platforms[] = { 0, 1u << TM_PLATFORM_DOUYIN,
                                (1u << TM_PLATFORM_KUAISHOU) | (1u << TM_PLATFORM_JD) };
  const char *categories[] = { NULL, "beauty", "food" };
  const double credits[][2] = { { 0, 100 }, { 84, 96 } };
  guint n_nonempty = 0;

  for (guint a = 0; a < G_N_ELEMENTS (searches); a++)
    for (guint b = 0; b < G_N_ELEMENTS (platforms); b++)
      for (guint c = 0; c < G_N_ELEMENTS (categories); c++)
        for (guint d = 0; d < G_N_ELEMENTS (credits); d++)
          for (guint e = 0; e < 2; e++)
            {
              TmDirectoryFilter all = { searches[a], platforms[b], categories[c],
                                        credits[d][0], credits[d][1], e };
              TmDirectoryFilter parts[5] = {
                TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT,
                TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT,
              };
              gboolean *part_rows[5];
              g_autofree gboolean *rows = NULL;
              guint count = 0;

              parts[0].search = all.search;
              parts[1].platforms = all.platforms;
              parts[2].category = all.category;
              parts[3].min_credit = all.min_credit;
              parts[3].max_credit = all.max_credit;
              parts[4].has_incidents = all.has_incidents;
              for (guint p = 0; p < 5; p++)
                part_rows[p] = check_filter (dir, &parts[p]);
              rows = check_filter (dir, &all);

              for (guint i = 0; i < catalog->n_streamers; i++)
                {
                  g_assert_cmpint (rows[i], ==, part_rows[0][i] && part_rows[1][i]
                                   && part_rows[2][i] && part_rows[3][i] && part_rows[4][i]);
                  count += rows[i];
                }
              n_nonempty += count > 0;
              for (guint p = 0; p < 5; p++)
                g_free (part_rows[p]);
            }
  /* The combinations are not all trivially empty. */
  g_assert_cmpuint (n_nonempty, >, 20);
}

typedef struct {
  TmDirectory    *dir;
  const gboolean *expected;
  guint           start;
} ReaderData;

static gpointer
reader_thread (gpointer data)
{
  ReaderData *r = data;
  guint n = catalog->n_streamers;
  guint wrong = 0;

  for (guint round = 0; round < 50; round++)
    for (guint k = 0; k < n; k++)
      {
        guint i = (r->start + k) % n;

        wrong += tm_directory_matches (r->dir, i) != r->expected[i];
      }
  return GUINT_TO_POINTER (wrong);
}

/* Once the filter is set, several threads may ask at once. */
static void
test_threads (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  TmDirectoryFilter f = TM_DIRECTORY_FILTER_INIT;
  g_autofree gboolean *expected = NULL;
  ReaderData data[4];
  GThread *threads[4];

  f.search = "小 a";
  f.min_credit = 80;
  expected = check_filter (dir, &f);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      data[t] = (ReaderData) { dir, expected, t * catalog->n_streamers / 4 };
      threads[t] = g_thread_new ("reader", reader_thread, &data[t]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[t])), ==, 0);
}

/* ---- Order ------------------------------------------------------------ */

/* How two streamers compare on a column, from the catalog's arrays: the
 * cooperations and incidents are counted where they are listed. */
static int
oracle_compare (TmDirectoryOrder order,
                guint            i,
                guint            j)
{
  const TmCatalogStreamer *a = &catalog->streamers[i];
  const TmCatalogStreamer *b = &catalog->streamers[j];
  double ka = 0, kb = 0;

  switch (order)
    {
    case TM_DIRECTORY_ORDER_CATALOG:
      return 0;
    case TM_DIRECTORY_ORDER_NAME:
      {
        int c = g_utf8_collate (a->name, b->name);
        return (c > 0) - (c < 0);
      }
    case TM_DIRECTORY_ORDER_FOLLOWERS:
      ka = a->followers_total;
      kb = b->followers_total;
      break;
    case TM_DIRECTORY_ORDER_CREDIT:
      ka = tm_directory_credit_percent (a);
      kb = tm_directory_credit_percent (b);
      /* Unknown below every known score. */
      if (isnan (ka) || isnan (kb))
        return !isnan (ka) - !isnan (kb);
      break;
    case TM_DIRECTORY_ORDER_COOPERATIONS:
    case TM_DIRECTORY_ORDER_LAST_COOPERATION:
      {
        TmDate last_a = TM_DATE_NONE, last_b = TM_DATE_NONE;

        for (guint k = 0; k < catalog->n_cooperations; k++)
          {
            const TmCatalogCooperation *c = &catalog->cooperations[k];

            if (c->streamer == i)
              ka++, last_a = MAX (last_a, c->date);
            if (c->streamer == j)
              kb++, last_b = MAX (last_b, c->date);
          }
        if (order == TM_DIRECTORY_ORDER_LAST_COOPERATION)
          ka = last_a, kb = last_b;
      }
      break;
    case TM_DIRECTORY_ORDER_INCIDENTS:
      for (guint k = 0; k < catalog->n_incidents; k++)
        {
          ka += catalog->incidents[k].streamer == i;
          kb += catalog->incidents[k].streamer == j;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  return (ka > kb) - (ka < kb);
}

static GArray *
collect (TmDirectory             *dir,
         const TmDirectoryFilter *f)
{
  tm_directory_set_filter (dir, f);
  return tm_directory_collect (dir);
}

static void
test_order (void)
{
  g_autoptr(TmDirectory) dir = tm_directory_new (catalog);
  const TmDirectoryFilter all = TM_DIRECTORY_FILTER_INIT;
  TmDirectoryFilter filters[4] = {
    TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT,
    TM_DIRECTORY_FILTER_INIT, TM_DIRECTORY_FILTER_INIT,
  };
  guint n = catalog->n_streamers;

  filters[0].search = "小";
  filters[1].platforms = 1u << TM_PLATFORM_DOUYIN;
  filters[1].min_credit = 85;
  filters[2].has_incidents = TRUE;
  filters[3].search = "zqxjzqxj";

  /* Catalog order until told otherwise. */
  {
    g_autoptr(GArray) rows = collect (dir, &all);

    g_assert_cmpuint (rows->len, ==, n);
    for (guint k = 0; k < n; k++)
      g_assert_cmpuint (g_array_index (rows, guint32, k), ==, k);
  }

  for (int order = TM_DIRECTORY_ORDER_CATALOG; order <= TM_DIRECTORY_ORDER_INCIDENTS; order++)
    for (int descending = 0; descending < 2; descending++)
      {
        g_autoptr(GArray) rows = NULL;
        g_autofree gboolean *seen = g_new0 (gboolean, n);

        tm_directory_set_order (dir, order, descending);
        rows = collect (dir, &all);

        /* Everyone once, sorted by the column; ties in catalog order,
         * whichever the direction. */
        g_assert_cmpuint (rows->len, ==, n);
        for (guint k = 0; k < n; k++)
          {
            guint32 i = g_array_index (rows, guint32, k);

            g_assert_cmpuint (i, <, n);
            g_assert_false (seen[i]);
            seen[i] = TRUE;
          }
        for (guint k = 0; k + 1 < n; k++)
          {
            guint32 i = g_array_index (rows, guint32, k);
            guint32 j = g_array_index (rows, guint32, k + 1);
            int c = oracle_compare (order, i, j);

            if (order == TM_DIRECTORY_ORDER_CATALOG)
              g_assert_cmpint (descending ? j < i : i < j, ==, TRUE);
            else if (descending ? c < 0 : c > 0)
              g_error ("order %d%s: %s before %s", order, descending ? " descending" : "",
                       catalog->streamers[i].id, catalog->streamers[j].id);
            else if (c == 0)
              g_assert_cmpuint (i, <, j);
          }

        /* A filter keeps that order: the same rows, less those that do
         * not pass, and as many as it counts. */
        for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
          {
            g_autoptr(GArray) some = collect (dir, &filters[f]);
            g_autofree gboolean *passing = check_filter (dir, &filters[f]);
            guint m = 0;

            for (guint k = 0; k < n; k++)
              {
                guint32 i = g_array_index (rows, guint32, k);

                if (passing[i])
                  {
                    g_assert_cmpuint (m, <, some->len);
                    g_assert_cmpuint (g_array_index (some, guint32, m), ==, i);
                    m++;
                  }
              }
            g_assert_cmpuint (m, ==, some->len);
            g_assert_cmpuint (tm_directory_count_matches (dir), ==, some->len);
          }
      }
}

/* ---- Set-up ----------------------------------------------------------- */

static void
load_sample_catalog (const char *tmp)
{
  const char *sample = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json" };
  g_autofree char *db = g_build_filename (tmp, "test.db", NULL);
  g_autofree char *extra = g_build_filename (tmp, "extra.json", NULL);
  g_auto(GStrv) files = g_new0 (char *, G_N_ELEMENTS (names) + 2);
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (sample);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    files[i] = g_build_filename (sample, names[i], NULL);
  g_assert_true (g_file_set_contents (extra, extra_json, -1, &error));
  g_assert_no_error (error);
  files[G_N_ELEMENTS (names)] = g_strdup (extra);

  store = tm_store_open (db, &error);
  g_assert_no_error (error);
  tm_store_import_files (store, (const char * const *) files, NULL, &error);
  g_assert_no_error (error);
  catalog = tm_catalog_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (catalog->n_streamers, >, 100);
}

int
main (int argc, char *argv[])
{
  g_autofree char *tmp = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);

  tmp = g_dir_make_tmp ("tm-directory-XXXXXX", &error);
  g_assert_no_error (error);
  load_sample_catalog (tmp);
  tm_test_remove_tree (tmp);
  oracle_init ();

  g_test_add_func ("/directory/empty", test_empty);
  g_test_add_func ("/directory/search/name", test_search_name);
  g_test_add_func ("/directory/search/handle-tag-id", test_search_handle_tag_id);
  g_test_add_func ("/directory/search/case", test_search_case);
  g_test_add_func ("/directory/search/terms", test_search_terms);
  g_test_add_func ("/directory/search/nowhere", test_search_nowhere);
  g_test_add_func ("/directory/search/oracle", test_search_oracle);
  g_test_add_func ("/directory/filter/platforms", test_filter_platforms);
  g_test_add_func ("/directory/filter/category", test_filter_category);
  g_test_add_func ("/directory/filter/credit", test_filter_credit);
  g_test_add_func ("/directory/filter/incidents", test_filter_incidents);
  g_test_add_func ("/directory/filter/combined", test_filter_combined);
  g_test_add_func ("/directory/credit-percent", test_credit_percent);
  g_test_add_func ("/directory/threads", test_threads);
  g_test_add_func ("/directory/texts-in-thread", test_texts_in_thread);
  g_test_add_func ("/directory/order", test_order);

  rc = g_test_run ();

  for (guint i = 0; i < catalog->n_streamers; i++)
    g_strfreev (oracle_fields[i]);
  g_free (oracle_fields);
  g_free (oracle_incidents);
  tm_catalog_unref (catalog);
  return rc;
}
