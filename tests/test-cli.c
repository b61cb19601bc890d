/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tm-catalog.h"
#include "tm-engine.h"
#include "tm-json.h"
#include "tm-store.h"
#include "tm-text.h"
#include "tm-test-utils.h"

/* Tests of trustmatch-cli as a script would use it: exit codes, output,
 * and what ends up in the database. */

static const char *cli;
static const char *sample_dir;

typedef struct {
  char *dir;
  char *db;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("tm-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "test.db", NULL);
}


static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* Runs the CLI with --db and @args; returns its exit code. */
static int
run_cli (Fixture *f, char **out, char **err, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  const char *arg;
  int status;
  va_list ap;

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, f->db);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &o, &e, &status, &error);
  g_assert_no_error (error);
  if (out)
    *out = g_steal_pointer (&o);
  if (err)
    *err = g_steal_pointer (&e);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char **
sample_files (void)
{
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json" };
  char **files = g_new0 (char *, G_N_ELEMENTS (names) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    files[i] = g_build_filename (sample_dir, names[i], NULL);
  return files;
}

static char *
dump_store (Fixture *f)
{
  g_autofree char *out = NULL;
  g_assert_cmpint (run_cli (f, &out, NULL, "dump", NULL), ==, 0);
  return g_steal_pointer (&out);
}

static void
test_import_and_list (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) files = sample_files ();
  g_autofree char *out = NULL, *err = NULL, *list = NULL;
  g_autofree char *first_dump = NULL, *second_dump = NULL;
  g_autoptr(TmDataset) sample = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_lines = 0;

  g_assert_cmpint (run_cli (f, &out, &err, "import", files[0], files[1], files[2], files[3], NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 4 files"));
  g_assert_nonnull (strstr (out, "0 updated, 0 unchanged"));

  /* Every sample streamer is listed, by name. */
  sample = tm_dataset_load_file (files[1], &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_cli (f, &list, NULL, "list", "streamers", NULL), ==, 0);
  for (guint i = 0; i < sample->streamers->len; i++)
    {
      TmStreamer *s = sample->streamers->pdata[i];
      g_assert_nonnull (strstr (list, s->id));
      g_assert_nonnull (strstr (list, s->name));
    }
  lines = g_strsplit (list, "\n", -1);
  n_lines = g_strv_length (lines);
  /* Header, one line per streamer, and the empty string after the last \n. */
  g_assert_cmpuint (n_lines, ==, sample->streamers->len + 2);

  /* Columns line up for Chinese names: the table's last column is
   * right-aligned, so every line has the same display width. */
  for (guint i = 1; lines[i] && *lines[i]; i++)
    g_assert_cmpuint (tm_text_display_width (lines[i]), ==, tm_text_display_width (lines[0]));

  /* Importing the same files again changes nothing. */
  first_dump = dump_store (f);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, NULL, "import", files[0], files[1], files[2], files[3], NULL), ==, 0);
  g_assert_nonnull (strstr (out, "0 added, 0 updated"));
  second_dump = dump_store (f);
  g_assert_cmpstr (first_dump, ==, second_dump);
}

static void
test_list_json_round_trip (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) files = sample_files ();
  g_autofree char *json = NULL;
  g_autoptr(TmDataset) listed = NULL;
  g_autoptr(TmDataset) sample = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_cli (f, NULL, NULL, "import", files[0], files[1], files[2], files[3], NULL), ==, 0);
  g_assert_cmpint (run_cli (f, &json, NULL, "list", "brands", "--format", "json", NULL), ==, 0);
  listed = tm_dataset_load_data (json, strlen (json), "list output", &error);
  g_assert_no_error (error);
  sample = tm_dataset_load_file (files[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->brands->len, ==, sample->brands->len);
  g_assert_cmpuint (listed->streamers->len, ==, 0);
  g_assert_cmpstr (((TmBrand *) listed->brands->pdata[0])->name, ==,
                   ((TmBrand *) sample->brands->pdata[0])->name);

  /* --limit keeps the first N by id, and only that kind is written. */
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&listed, tm_dataset_free);
  g_assert_cmpint (run_cli (f, &json, NULL, "list", "cooperations", "--format", "json", "--limit", "5", NULL), ==, 0);
  listed = tm_dataset_load_data (json, strlen (json), "list output", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->cooperations->len, ==, 5);
  g_assert_cmpuint (listed->brands->len + listed->streamers->len + listed->incidents->len, ==, 0);
  g_assert_cmpstr (((TmCooperation *) listed->cooperations->pdata[0])->id, <,
                   ((TmCooperation *) listed->cooperations->pdata[4])->id);
}

static void
test_invalid_file_changes_nothing (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) files = sample_files ();
  g_autofree char *bad = g_build_filename (f->dir, "bad.json", NULL);
  g_autofree char *before = NULL, *after = NULL, *err = NULL;
  const char *bad_json =
    "{\"format\": \"trustmatch-dataset\", \"version\": 1,\n"
    " \"cooperations\": [{\"id\": \"c-new\", \"streamer\": \"s-does-not-exist\"}]}\n";

  g_assert_cmpint (run_cli (f, NULL, NULL, "import", files[0], files[1], NULL), ==, 0);
  before = dump_store (f);

  g_assert_true (g_file_set_contents (bad, bad_json, -1, NULL));
  /* A good file and a bad one: neither is applied. */
  g_assert_cmpint (run_cli (f, NULL, &err, "import", files[2], bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "bad.json"));
  g_assert_nonnull (strstr (err, "Nothing was imported"));
  after = dump_store (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_usage_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (f, NULL, &err, "frobnicate", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "frobnicate"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "import", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "list", "widgets", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "widgets"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "list", "brands", "--format", "xml", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "generate", "--streamers", "-5", "--out", f->dir, NULL), ==, 2);
}

/* The command list of --help: every name stands apart from its summary
 * ("lookalikes" once ran into it), and the summaries start in one column. */
static void
test_help_commands (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *section;
  glong column = -1;
  guint n = 0;

  g_assert_cmpint (run_cli (f, &out, NULL, "--help", NULL), ==, 0);
  section = strstr (out, "Commands:\n");
  g_assert_nonnull (section);
  lines = g_strsplit (section + strlen ("Commands:\n"), "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] == ' '; i++)
    {
      const char *name = lines[i] + 2;
      const char *gap = strchr (name, ' ');
      const char *summary;

      g_assert_nonnull (gap);
      summary = gap;
      while (*summary == ' ')
        summary++;
      /* At least two spaces between a name and its summary. */
      g_assert_cmpint (summary - gap, >=, 2);
      if (column < 0)
        column = summary - lines[i];
      g_assert_cmpint (summary - lines[i], ==, column);
      n++;
    }
  g_assert_cmpuint (n, >=, 15);
  g_assert_nonnull (strstr (section, "  lookalikes  "));
}

static void
test_missing_file (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "nope.json", NULL);

  g_assert_cmpint (run_cli (f, NULL, &err, "import", missing, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nope.json"));
}

static void
test_generate_deterministic (Fixture *f, gconstpointer data)
{
  g_autofree char *a = g_build_filename (f->dir, "a", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b", NULL);
  g_autofree char *out = NULL;
  const char *names[] = { "brands.json", "streamers.json", "cooperations.json", "incidents.json" };

  g_assert_cmpint (run_cli (f, &out, NULL, "generate", "--streamers", "40", "--seed", "9", "--out", a, NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, NULL, "generate", "--streamers", "40", "--seed", "9", "--out", b, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *pa = g_build_filename (a, names[i], NULL);
      g_autofree char *pb = g_build_filename (b, names[i], NULL);
      g_autofree char *ca = NULL, *cb = NULL;

      g_assert_nonnull (strstr (out, names[i]));
      g_assert_true (g_file_get_contents (pa, &ca, NULL, NULL));
      g_assert_true (g_file_get_contents (pb, &cb, NULL, NULL));
      g_assert_cmpstr (ca, ==, cb);
    }
}

static gint64
file_size (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

/* SIGKILL in the middle of a large import leaves all or none of it, and a
 * database that SQLite finds intact. */
static void
test_kill_during_import (Fixture *f, gconstpointer data)
{
  g_autofree char *gen = g_build_filename (f->dir, "big", NULL);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_auto(GStrv) files = sample_files ();
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autoptr(GDir) d = NULL;
  sqlite3_stmt *stmt;
  const char *name;
  GPid pid;
  int status;
  guint nb, ns, nc, ni;
  gint64 deadline;
  gboolean killed = FALSE;

  g_assert_cmpint (run_cli (f, NULL, NULL, "generate", "--streamers", "10000",
                            "--cooperations", "150000", "--seed", "5", "--out", gen, NULL), ==, 0);
  /* What was there before: the sample data. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "import", files[0], files[1], files[2], files[3], NULL), ==, 0);
  before = dump_store (f);

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, (char *) "import");
  d = g_dir_open (gen, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (argv, g_build_filename (gen, name, NULL));
  g_ptr_array_add (argv, NULL);

  g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD
                 | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);

  /* Wait until the import is writing (its transaction spills pages into
   * the WAL), then kill it without warning. */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        break;
      if (file_size (wal) > 2 * 1024 * 1024)
        {
          kill (pid, SIGKILL);
          g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
          killed = WIFSIGNALED (status);
          break;
        }
      g_usleep (2000);
    }
  g_spawn_close_pid (pid);
  for (guint i = 4; i + 1 < argv->len; i++)
    g_free (argv->pdata[i]);
  /* 150k cooperations write far more than 2 MiB before the commit, so the
   * import cannot finish before the kill. */
  g_assert_true (killed);

  store = tm_store_open (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (tm_store_get_db (store), "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  g_clear_object (&store);
  /* None of the killed import is there: the store is what it was. */
  after = dump_store (f);
  g_assert_cmpstr (before, ==, after);

  /* And the same import then goes through. */
  {
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GDir) d2 = g_dir_open (gen, 0, NULL);
    g_autofree char *out = NULL;
    int st;

    g_ptr_array_add (again, g_strdup (cli));
    g_ptr_array_add (again, g_strdup ("--db"));
    g_ptr_array_add (again, g_strdup (f->db));
    g_ptr_array_add (again, g_strdup ("import"));
    while ((name = g_dir_read_name (d2)))
      g_ptr_array_add (again, g_build_filename (gen, name, NULL));
    g_ptr_array_add (again, NULL);
    g_spawn_sync (NULL, (char **) again->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &st, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (st) && WEXITSTATUS (st) == 0);
  }
  store = tm_store_open (f->db, &error);
  g_assert_no_error (error);
  tm_store_count (store, &nb, &ns, &nc, &ni);
  g_assert_cmpuint (ns, >=, 10000);
  g_assert_cmpuint (nc, >=, 150000);
}

/* Matching: rank, explain, compare.  Every run passes --as-of so the
 * results do not depend on the day the tests run. */

#define AS_OF "2026-11-01"

static void
import_sample (Fixture *f, const char *extra)
{
  g_auto(GStrv) files = sample_files ();

  g_assert_cmpint (run_cli (f, NULL, NULL, "import", files[0], files[1], files[2], files[3],
                            extra, NULL), ==, 0);
}

static guint
n_sample_streamers (void)
{
  g_auto(GStrv) files = sample_files ();
  g_autoptr(TmDataset) sample = NULL;
  g_autoptr(GError) error = NULL;

  sample = tm_dataset_load_file (files[1], &error);
  g_assert_no_error (error);
  return sample->streamers->len;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_copy (json_parser_get_root (parser));
}

/* The text of @line up to display column @column. */
static char *
text_before_column (const char *line, gsize column)
{
  const char *p = line;
  gsize width = 0;

  while (*p && width < column)
    {
      char ch[8] = { 0 };
      const char *next = g_utf8_next_char (p);

      memcpy (ch, p, next - p);
      width += tm_text_display_width (ch);
      p = next;
    }
  return g_strndup (line, p - line);
}

/* The cell of a right-aligned column of a table row: the column ends where
 * its header @title ends in @header. */
static char *
right_aligned_cell (const char *line, const char *header, const char *title)
{
  const char *at = strstr (header, title);
  g_autofree char *upto = NULL;
  g_autofree char *before = NULL;
  const char *space;

  g_assert_nonnull (at);
  upto = g_strndup (header, at - header + strlen (title));
  before = text_before_column (line, tm_text_display_width (upto));
  space = strrchr (before, ' ');
  return g_strdup (space ? space + 1 : before);
}

/* Splits a table output into the lines of the first table after the
 * header block (which ends with an empty line). */
static GPtrArray *
first_table (char **lines, guint *header_lines)
{
  GPtrArray *table = g_ptr_array_new ();
  guint i = 0;

  while (lines[i] && *lines[i])
    i++;
  *header_lines = i;
  g_assert_nonnull (lines[i]);
  for (i++; lines[i] && *lines[i]; i++)
    g_ptr_array_add (table, lines[i]);
  return table;
}

static void
test_rank_table (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) table = NULL;
  guint header_lines;
  double previous = G_MAXDOUBLE;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &out, NULL, "rank", "--brand", "b-001", "--top", "7",
                            "--as-of", AS_OF, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  table = first_table (lines, &header_lines);

  /* The header says which brand, when, with which weights and how many. */
  g_assert_cmpuint (header_lines, >=, 1);
  {
    g_autofree char *header = g_strjoinv ("\n", lines);
    g_autofree char *head = g_strndup (header, strstr (header, "\n\n") - header);

    g_assert_nonnull (strstr (head, "青禾美妆"));
    g_assert_nonnull (strstr (head, "b-001"));
    g_assert_nonnull (strstr (head, AS_OF));
    g_assert_nonnull (strstr (head, "style 35%"));
    g_assert_nonnull (strstr (head, "excluded"));
  }

  /* A column header line and exactly 7 rows, best score first, numbered. */
  g_assert_cmpuint (table->len, ==, 1 + 7);
  for (guint r = 1; r < table->len; r++)
    {
      const char *row = table->pdata[r];
      g_autofree char *score_text = right_aligned_cell (row, table->pdata[0], "Score");
      g_autofree char *rank_text = right_aligned_cell (row, table->pdata[0], "Rank");
      char *end = NULL;
      double score = g_ascii_strtod (score_text, &end);

      g_assert_cmpstr (end, ==, "");
      g_assert_cmpfloat (score, <=, previous);
      g_assert_cmpfloat (score, >=, 0.0);
      g_assert_cmpfloat (score, <=, 100.0);
      previous = score;
      g_assert_cmpint (atoi (rank_text), ==, (int) r);
      /* Chinese names do not shift the columns: the last column is
       * right-aligned, so every line has the header's display width. */
      g_assert_cmpuint (tm_text_display_width (row), ==, tm_text_display_width (table->pdata[0]));
    }
}

static void
assert_sorted_candidates (JsonArray *candidates)
{
  for (guint i = 0; i < json_array_get_length (candidates); i++)
    {
      JsonObject *c = json_array_get_object_element (candidates, i);
      double score = json_object_get_double_member (c, "score");

      g_assert_cmpint (json_object_get_int_member (c, "rank"), ==, i + 1);
      g_assert_cmpfloat (score, >=, 0.0);
      g_assert_cmpfloat (score, <=, 100.0);
      g_assert_cmpfloat (json_object_get_double_member (c, "confidence"), >=, 0.0);
      g_assert_cmpfloat (json_object_get_double_member (c, "confidence"), <=, 1.0);
      if (i > 0)
        {
          JsonObject *p = json_array_get_object_element (candidates, i - 1);
          double previous = json_object_get_double_member (p, "score");

          g_assert_cmpfloat (score, <=, previous);
          if (score == previous)
            g_assert_cmpstr (json_object_get_string_member (p, "id"), <,
                             json_object_get_string_member (c, "id"));
        }
    }
}

static void
test_rank_json (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *again = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o, *brand;
  JsonArray *candidates;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &out, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  root = parse_json (out);
  o = json_node_get_object (root);
  brand = json_object_get_object_member (o, "brand");
  g_assert_cmpstr (json_object_get_string_member (brand, "id"), ==, "b-001");
  g_assert_cmpstr (json_object_get_string_member (brand, "name"), ==, "青禾美妆");
  g_assert_cmpstr (json_object_get_string_member (o, "as_of"), ==, AS_OF);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (o, "weights"), "history"), ==, 0.40);
  /* Without --show-excluded there is no excluded list. */
  g_assert_false (json_object_has_member (o, "excluded"));

  /* --top 0 gives every included candidate, best first, ties by id. */
  candidates = json_object_get_array_member (o, "candidates");
  g_assert_cmpint (json_array_get_length (candidates), ==, json_object_get_int_member (o, "n_candidates"));
  g_assert_cmpint (json_object_get_int_member (o, "n_candidates") + json_object_get_int_member (o, "n_excluded"),
                   ==, n_sample_streamers ());
  g_assert_cmpuint (json_array_get_length (candidates), >, 100);
  assert_sorted_candidates (candidates);

  /* The same command gives the same bytes. */
  g_assert_cmpint (run_cli (f, &again, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_cmpstr (out, ==, again);
}

/* The CLI's ranking is the engine's: same ids, same scores, for the
 * default weights and for weights that change the order. */
static void
test_rank_weights (Fixture *f, gconstpointer data)
{
  const char *weights[] = { NULL, "style=1,history=0,trust=0", "history=1,style=0.1,risk=0" };
  g_autofree char *first_order = NULL;
  gboolean order_changed = FALSE;
  TmDate as_of;

  import_sample (f, NULL);
  g_assert_true (tm_date_parse (AS_OF, &as_of));

  for (guint w = 0; w < G_N_ELEMENTS (weights); w++)
    {
      g_autofree char *out = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(TmStore) store = NULL;
      g_autoptr(TmCatalog) catalog = NULL;
      g_autoptr(TmEngine) engine = NULL;
      g_autoptr(TmRanking) ranking = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) order = g_string_new (NULL);
      g_autofree guint32 *top = NULL;
      const TmCandidate *candidates;
      JsonArray *listed;
      TmWeights tw;
      guint n, n_top;

      if (weights[w])
        g_assert_cmpint (run_cli (f, &out, NULL, "rank", "--brand", "b-001", "--top", "0",
                                  "--weights", weights[w], "--format", "json",
                                  "--as-of", AS_OF, NULL), ==, 0);
      else
        g_assert_cmpint (run_cli (f, &out, NULL, "rank", "--brand", "b-001", "--top", "0",
                                  "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
      root = parse_json (out);
      listed = json_object_get_array_member (json_node_get_object (root), "candidates");
      assert_sorted_candidates (listed);

      store = tm_store_open (f->db, &error);
      g_assert_no_error (error);
      catalog = tm_catalog_load (store, &error);
      g_assert_no_error (error);
      engine = tm_engine_new (catalog, as_of);
      tm_weights_init_default (&tw);
      if (weights[w])
        {
          g_assert_true (tm_weights_parse (weights[w], &tw, &error));
          g_assert_no_error (error);
        }
      ranking = tm_engine_rank (engine, catalog->brands[tm_catalog_find_brand (catalog, "b-001")], &tw);
      candidates = tm_ranking_get_candidates (ranking, &n);
      top = g_new (guint32, n);
      n_top = tm_ranking_top (ranking, n, FALSE, top);

      g_assert_cmpuint (json_array_get_length (listed), ==, n_top);
      for (guint i = 0; i < n_top; i++)
        {
          JsonObject *c = json_array_get_object_element (listed, i);
          const TmCandidate *e = &candidates[top[i]];

          g_assert_cmpstr (json_object_get_string_member (c, "id"), ==, catalog->streamers[e->streamer].id);
          g_assert_cmpfloat (json_object_get_double_member (c, "score"), ==, (double) e->score);
          g_assert_cmpfloat (json_object_get_double_member (c, "style"), ==, (double) e->style);
          g_assert_cmpfloat (json_object_get_double_member (c, "penalty"), ==, (double) e->penalty);
          if (i < 20)
            g_string_append_printf (order, "%s ", catalog->streamers[e->streamer].id);
        }
      if (w == 0)
        first_order = g_strdup (order->str);
      else if (!g_str_equal (first_order, order->str))
        order_changed = TRUE;
    }
  /* Weights matter: the top 20 is not the same under every weighting. */
  g_assert_true (order_changed);
}

static gboolean
array_has_id (JsonArray *array, const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (array, i), "id"), id))
      return TRUE;
  return FALSE;
}

static void
test_rank_show_excluded (Fixture *f, gconstpointer data)
{
  const char *blacklist[] = { "s-000124", "s-000174", "s-000116" };
  g_autofree char *out = NULL, *table = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonArray *excluded, *candidates;
  const char *title;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &out, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--show-excluded", "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  root = parse_json (out);
  o = json_node_get_object (root);
  excluded = json_object_get_array_member (o, "excluded");
  candidates = json_object_get_array_member (o, "candidates");
  g_assert_cmpint (json_array_get_length (excluded), ==, json_object_get_int_member (o, "n_excluded"));

  /* Every excluded candidate says why, and is not among the candidates. */
  for (guint i = 0; i < json_array_get_length (excluded); i++)
    {
      JsonObject *x = json_array_get_object_element (excluded, i);
      JsonArray *reasons = json_object_get_array_member (x, "reasons");

      g_assert_cmpuint (json_array_get_length (reasons), >=, 1);
      for (guint k = 0; k < json_array_get_length (reasons); k++)
        {
          JsonObject *r = json_array_get_object_element (reasons, k);
          g_assert_cmpstr (json_object_get_string_member (r, "message"), !=, "");
          g_assert_nonnull (json_object_get_string_member (r, "kind"));
        }
      g_assert_false (array_has_id (candidates, json_object_get_string_member (x, "id")));
    }

  /* b-001's blacklist: each of them excluded with a blacklist reason. */
  for (guint b = 0; b < G_N_ELEMENTS (blacklist); b++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (excluded); i++)
        {
          JsonObject *x = json_array_get_object_element (excluded, i);
          JsonArray *reasons = json_object_get_array_member (x, "reasons");

          if (!g_str_equal (json_object_get_string_member (x, "id"), blacklist[b]))
            continue;
          for (guint k = 0; k < json_array_get_length (reasons); k++)
            if (g_str_equal (json_object_get_string_member (json_array_get_object_element (reasons, k), "kind"), "blacklist"))
              found = TRUE;
        }
      g_assert_true (found);
    }

  /* The table lists them after the ranking, with their reasons. */
  g_assert_cmpint (run_cli (f, &table, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--show-excluded", "--as-of", AS_OF, NULL), ==, 0);
  title = strstr (table, "\nExcluded:\n");
  g_assert_nonnull (title);
  for (guint b = 0; b < G_N_ELEMENTS (blacklist); b++)
    {
      const char *row = strstr (title, blacklist[b]);
      g_autofree char *line = NULL;

      g_assert_nonnull (row);
      line = g_strndup (row, strchr (row, '\n') - row);
      g_assert_nonnull (strstr (line, "blacklist"));
    }
}

static JsonObject *
explain_json (Fixture *f, const char *streamer, JsonNode **root)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (f, &out, NULL, "explain", "--brand", "b-001", "--streamer", streamer,
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  *root = parse_json (out);
  return json_node_get_object (*root);
}

static void
test_explain (Fixture *f, gconstpointer data)
{
  /* The best candidate, one blacklisted, one with a capped score. */
  const char *streamers[] = { "s-000049", "s-000124", "s-000251", "s-000001" };

  import_sample (f, NULL);
  for (guint s = 0; s < G_N_ELEMENTS (streamers); s++)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *table = NULL;
      g_autofree char *total_text = NULL;
      JsonObject *o = explain_json (f, streamers[s], &root);
      JsonArray *items = json_object_get_array_member (o, "items");
      double sum = 0.0, score = json_object_get_double_member (o, "score");
      const char *total_line;

      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "streamer"), "id"),
                       ==, streamers[s]);
      g_assert_cmpuint (json_array_get_length (items), >=, 2);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);

          sum += json_object_get_double_member (item, "contribution");
          g_assert_nonnull (json_object_get_string_member (item, "factor"));
          g_assert_nonnull (json_object_get_array_member (item, "evidence"));
        }
      /* The contributions add up to the score. */
      g_assert_cmpfloat_with_epsilon (sum, json_object_get_double_member (o, "total"), 1e-6);
      g_assert_cmpfloat_with_epsilon (sum, score, 1e-4);
      /* An excluded candidate carries its reasons. */
      g_assert_cmpint (json_object_get_boolean_member (o, "excluded"), ==,
                       json_array_get_length (json_object_get_array_member (o, "exclusions")) > 0);

      g_assert_cmpint (run_cli (f, &table, NULL, "explain", "--brand", "b-001", "--streamer", streamers[s],
                                "--as-of", AS_OF, NULL), ==, 0);
      total_line = strstr (table, "\nTotal ");
      g_assert_nonnull (total_line);
      total_text = g_strdup_printf ("%.1f", score);
      g_assert_nonnull (strstr (total_line, total_text));
      g_assert_nonnull (strstr (table, "Neutral start"));
      if (g_str_equal (streamers[s], "s-000124"))
        g_assert_nonnull (strstr (table, "Excluded:"));
    }
}

static void
test_compare (Fixture *f, gconstpointer data)
{
  const char *ids[] = { "s-000049", "s-000124", "s-000251" };
  g_autofree char *out = NULL, *table = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *streamers;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &out, NULL, "compare", "--brand", "b-001", ids[0], ids[1], ids[2],
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  root = parse_json (out);
  streamers = json_object_get_array_member (json_node_get_object (root), "streamers");
  g_assert_cmpuint (json_array_get_length (streamers), ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      JsonObject *c = json_array_get_object_element (streamers, i);
      g_autoptr(JsonNode) explained = NULL;
      JsonObject *e = explain_json (f, ids[i], &explained);

      /* In the order given, with the same numbers as explain. */
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (c, "streamer"), "id"), ==, ids[i]);
      g_assert_cmpfloat (json_object_get_double_member (c, "score"), ==, json_object_get_double_member (e, "score"));
      g_assert_cmpfloat (json_object_get_double_member (c, "total"), ==, json_object_get_double_member (e, "total"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c, "items")), ==,
                        json_array_get_length (json_object_get_array_member (e, "items")));
    }

  g_assert_cmpint (run_cli (f, &table, NULL, "compare", "--brand", "b-001", ids[0], ids[1], ids[2],
                            "--as-of", AS_OF, NULL), ==, 0);
  {
    double best = -1.0;
    const char *start = strstr (table, "\nScore ");
    g_autofree char *row = NULL;
    g_autofree char *best_text = NULL;
    guint marks = 0;

    g_assert_nonnull (start);
    row = g_strndup (start, strchr (start + 1, '\n') - start);
    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(JsonNode) explained = NULL;
        JsonObject *e = explain_json (f, ids[i], &explained);
        double value = json_object_get_double_member (e, "score");
        g_autofree char *score = g_strdup_printf ("%.1f", value);

        g_assert_nonnull (strstr (table, ids[i]));
        g_assert_nonnull (strstr (row, score));
        best = MAX (best, value);
      }
    /* The best value of the score row, and only it, is marked. */
    best_text = g_strdup_printf ("%.1f*", best);
    g_assert_nonnull (strstr (row, best_text));
    for (const char *p = row; (p = strchr (p, '*')) != NULL; p++)
      marks++;
    g_assert_cmpuint (marks, ==, 1);
  }
}

/* A minimal RFC 4180 reader: rows of fields. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      if (*p == '"' && field->len == 0)
        {
          for (p++; *p; p++)
            {
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          g_assert_true (*p == '"');
          p++;
          g_assert_true (*p == ',' || *p == '\r');
          continue;
        }
      if (*p == ',')
        {
          g_ptr_array_add (row, g_string_free (field, FALSE));
          field = g_string_new (NULL);
          p++;
        }
      else if (*p == '\r')
        {
          g_assert_true (p[1] == '\n');
          g_ptr_array_add (row, g_string_free (field, FALSE));
          field = g_string_new (NULL);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          p += 2;
        }
      else
        {
          g_assert_true (*p != '\n');
          g_string_append_c (field, *p++);
        }
    }
  /* The last line ends with CRLF too. */
  g_assert_cmpuint (field->len, ==, 0);
  g_assert_cmpuint (row->len, ==, 0);
  g_string_free (field, TRUE);
  g_ptr_array_unref (row);
  return rows;
}

static void
test_rank_csv (Fixture *f, gconstpointer data)
{
  const char *name = "=HYPERLINK(\"http://example.com\",\"点我\"), 测试";
  /* The same name as a JSON string. */
  const char *name_json = "\"=HYPERLINK(\\\"http://example.com\\\",\\\"点我\\\"), 测试\"";
  g_autofree char *path = g_build_filename (f->dir, "formula.json", NULL);
  g_autofree char *streamer_json = NULL, *out = NULL, *json = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *expected_name = g_strconcat ("'", name, NULL);
  const char *header = "rank,id,name,score,confidence,style,history,trust,penalty,cap,excluded,reasons";
  g_auto(GStrv) header_fields = g_strsplit (header, ",", -1);
  gboolean found_formula = FALSE, found_chinese = FALSE;
  guint n_excluded = 0, n_with_reasons = 0;

  /* A streamer whose name a spreadsheet would run as a formula (with a
   * comma and quotes, which CSV must quote). */
  streamer_json = g_strdup_printf (
    "{\"format\": \"trustmatch-dataset\", \"version\": 1, \"synthetic\": true,\n"
    " \"streamers\": [{\"id\": \"s-formula\", \"name\": %s,\n"
    "   \"accounts\": [{\"platform\": \"douyin\", \"handle\": \"formula\", \"followers\": 1000}],\n"
    "   \"categories\": [\"beauty\"],\n"
    "   \"provenance\": {\"source\": \"manual\", \"observed\": \"2026-10-01\"}}]}\n",
    name_json);
  g_assert_true (g_file_set_contents (path, streamer_json, -1, NULL));
  import_sample (f, path);

  g_assert_cmpint (run_cli (f, &out, NULL, "rank", "--brand", "b-001", "--top", "0", "--show-excluded",
                            "--format", "csv", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, header));
  g_assert_true (g_str_has_prefix (out + strlen (header), "\r\n"));
  rows = parse_csv (out);
  /* Header, then every streamer once (included and excluded). */
  g_assert_cmpuint (rows->len, ==, 1 + n_sample_streamers () + 1);

  for (guint r = 0; r < rows->len; r++)
    {
      GPtrArray *row = rows->pdata[r];

      g_assert_cmpuint (row->len, ==, g_strv_length (header_fields));
      if (r == 0)
        {
          for (guint c = 0; c < row->len; c++)
            g_assert_cmpstr (row->pdata[c], ==, header_fields[c]);
          continue;
        }
      /* No cell starts like a formula. */
      for (guint c = 0; c < row->len; c++)
        {
          const char *cell = row->pdata[c];
          g_assert_null (strchr ("=+-@\t\r", cell[0] ? cell[0] : 'x'));
        }
      /* Numbers with two decimals, penalty never negative. */
      for (guint c = 3; c <= 9; c++)
        {
          const char *cell = row->pdata[c];
          const char *dot = strchr (cell, '.');
          g_assert_nonnull (dot);
          g_assert_cmpuint (strlen (dot), ==, 3);
        }
      if (g_str_equal (row->pdata[1], "s-formula"))
        {
          g_assert_cmpstr (row->pdata[2], ==, expected_name);
          found_formula = TRUE;
        }
      if (g_str_equal (row->pdata[1], "s-000049"))
        {
          g_assert_cmpstr (row->pdata[2], ==, "老曾美妆间");
          found_chinese = TRUE;
        }
      if (g_str_equal (row->pdata[10], "true"))
        {
          n_excluded++;
          g_assert_cmpstr (row->pdata[0], ==, "");
          if (*(char *) row->pdata[11])
            n_with_reasons++;
        }
      else
        {
          g_assert_cmpstr (row->pdata[10], ==, "false");
          g_assert_cmpint (atoi (row->pdata[0]), ==, (int) r);
        }
    }
  g_assert_true (found_formula);
  g_assert_true (found_chinese);
  g_assert_cmpuint (n_excluded, >, 0);
  g_assert_cmpuint (n_with_reasons, ==, n_excluded);

  /* The JSON output keeps the name as it is. */
  g_assert_cmpint (run_cli (f, &json, NULL, "rank", "--brand", "b-001", "--top", "0", "--show-excluded",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  root = parse_json (json);
  {
    JsonArray *excluded = json_object_get_array_member (json_node_get_object (root), "excluded");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (excluded); i++)
      {
        JsonObject *x = json_array_get_object_element (excluded, i);
        if (g_str_equal (json_object_get_string_member (x, "id"), "s-formula"))
          {
            g_assert_cmpstr (json_object_get_string_member (x, "name"), ==, name);
            found = TRUE;
          }
      }
    /* Without a credit score it breaks b-001's minimum credit score. */
    g_assert_true (found);
  }
}

/* export: a file a spreadsheet opens, with the rank command's candidates. */

static GPtrArray *
read_export (const char *path)
{
  g_autofree char *text = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  /* UTF-8 with a byte order mark, then RFC 4180 with CRLF. */
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF"));
  g_assert_cmpuint (strlen (text), ==, length);
  return parse_csv (text + 3);
}

static void
test_export_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "shortlist.csv", NULL);
  g_autofree char *out = NULL, *json = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *ranked;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &out, NULL, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--top", "7", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Wrote 7 candidates"));
  g_assert_nonnull (strstr (out, path));

  /* The same candidates, in the same order, with the same scores as
   * “rank” gives. */
  g_assert_cmpint (run_cli (f, &json, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  root = parse_json (json);
  ranked = json_object_get_array_member (json_node_get_object (root), "candidates");
  rows = read_export (path);
  g_assert_cmpuint (rows->len, ==, 1 + 7);
  g_assert_cmpstr (((GPtrArray *) rows->pdata[0])->pdata[0], ==, "Rank");
  for (guint r = 1; r < rows->len; r++)
    {
      GPtrArray *cells = rows->pdata[r];
      JsonObject *c = json_array_get_object_element (ranked, r - 1);

      g_assert_cmpuint (cells->len, ==, ((GPtrArray *) rows->pdata[0])->len);
      g_assert_cmpint (atoi (cells->pdata[0]), ==, (int) r);
      g_assert_cmpstr (cells->pdata[2], ==, json_object_get_string_member (c, "id"));
      g_assert_cmpstr (cells->pdata[3], ==, json_object_get_string_member (c, "name"));
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cells->pdata[6], NULL),
                                      json_object_get_double_member (c, "score"), 0.0051);
    }

  /* --top 0: every included candidate; replacing the file whole. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--top", "0", "--as-of", AS_OF, NULL), ==, 0);
  rows = read_export (path);
  g_assert_cmpuint (rows->len, ==, 1 + json_array_get_length (ranked));

  /* Chosen streamers, in the order given. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--streamer", "s-000049", "--streamer", "s-000001",
                            "--as-of", AS_OF, NULL), ==, 0);
  rows = read_export (path);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (((GPtrArray *) rows->pdata[1])->pdata[2], ==, "s-000049");
  g_assert_cmpstr (((GPtrArray *) rows->pdata[1])->pdata[3], ==, "老曾美妆间");
  g_assert_cmpstr (((GPtrArray *) rows->pdata[2])->pdata[2], ==, "s-000001");
}

/* Errors name what is wrong, exit non-zero, and write nothing. */
static void
test_export_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "shortlist.csv", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", "shortlist.csv", NULL);
  g_autofree char *err = NULL, *contents = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  import_sample (f, NULL);

  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--brand", "b-nope", "--format", "csv",
                            "--out", path, "--as-of", AS_OF, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "b-nope"));
  g_assert_nonnull (strstr (err, "list brands"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--brand", "b-001", "--format", "csv",
                            "--out", missing, "--as-of", AS_OF, NULL), ==, 4);
  g_assert_nonnull (strstr (err, missing));
  g_assert_nonnull (strstr (err, g_strerror (ENOENT)));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  /* A folder where the file should go: refused, the folder untouched. */
  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--brand", "b-001", "--format", "csv",
                            "--out", f->dir, "--as-of", AS_OF, NULL), ==, 4);
  g_assert_nonnull (strstr (err, f->dir));
  g_assert_true (g_file_test (f->dir, G_FILE_TEST_IS_DIR));
  g_clear_pointer (&err, g_free);

  /* A file already there stays as it was when the export fails. */
  g_assert_true (g_file_set_contents (path, "keep me", -1, NULL));
  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--streamer", "s-gone", "--as-of", AS_OF, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "s-gone"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_clear_pointer (&err, g_free);

  /* Wrong command lines. */
  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--top", "-3", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--top"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--top", "ten", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "xlsx",
                            "--out", path, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "csv", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--out", path, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "csv", "--out", path, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--top", "3", "--streamer", "s-000001", NULL), ==, 2);
  /* A dossier to a folder that does not exist: the same kind of error. */
  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--brand", "b-001", "--format", "pdf",
                            "--out", missing, "--as-of", AS_OF, NULL), ==, 4);
  g_assert_nonnull (strstr (err, missing));
  g_clear_pointer (&err, g_free);

  /* Nothing but the database, the kept file and the imported sample:
   * no temporary file left behind. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)))
    g_assert_false (g_str_has_prefix (name, "."));
}

static void
test_match_usage_errors (Fixture *f, gconstpointer data)
{
  const char *bad_weights[] = { "style=-1", "style=abc", "foo=1", "style=0,history=0,trust=0" };
  g_autofree char *err = NULL;

  import_sample (f, NULL);

  g_assert_cmpint (run_cli (f, NULL, &err, "rank", "--brand", "b-nope", "--as-of", AS_OF, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "b-nope"));
  g_assert_nonnull (strstr (err, "list brands"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "explain", "--brand", "b-nope", "--streamer", "s-000001", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "b-nope"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "explain", "--brand", "b-001", "--streamer", "s-nope", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "s-nope"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "compare", "--brand", "b-001", "s-000001", "s-gone", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "s-gone"));
  g_clear_pointer (&err, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (bad_weights); i++)
    {
      g_assert_cmpint (run_cli (f, NULL, &err, "rank", "--brand", "b-001", "--weights", bad_weights[i], NULL), ==, 2);
      g_assert_nonnull (strstr (err, bad_weights[i]));
      g_clear_pointer (&err, g_free);
    }
  g_assert_cmpint (run_cli (f, NULL, NULL, "explain", "--brand", "b-001", "--streamer", "s-000001",
                            "--weights", "trust=x", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "compare", "--brand", "b-001", "s-000001", "s-000002",
                            "--weights", "foo=1", NULL), ==, 2);

  /* compare takes two to four streamers. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "compare", "--brand", "b-001", "s-000001", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "compare", "--brand", "b-001", "s-000001", "s-000002",
                            "s-000003", "s-000004", "s-000005", NULL), ==, 2);
  /* Other wrong command lines. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "rank", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "rank", "--brand", "b-001", "--top", "-3", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "rank", "--brand", "b-001", "--format", "xml", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "rank", "--brand", "b-001", "--as-of", "2026-02-30", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "explain", "--brand", "b-001", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "explain", "--brand", "b-001", "--streamer", "s-000001",
                            "--format", "csv", NULL), ==, 2);
}

static void
test_publish (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) files = sample_files ();
  g_autofree char *feed = g_build_filename (f->dir, "feed", NULL);
  g_autofree char *not_dir = g_build_filename (f->dir, "plain-file", NULL);
  g_autofree char *manifest = g_build_filename (feed, "manifest.json", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (run_cli (f, NULL, NULL, "import", files[0], files[1], files[2], files[3], NULL), ==, 0);

  /* 12 brands, 300 streamers, 3,000 cooperations, 40 incidents: each kind
   * fits in one shard of at most 5,000 records. */
  g_assert_cmpint (run_cli (f, &out, NULL, "publish", feed, "--publisher", "品牌数据组", NULL), ==, 0);
  expected = g_strdup_printf ("Published 3352 records in 4 shards to %s: 4 written, 0 unchanged, 0 removed.\n", feed);
  g_assert_cmpstr (out, ==, expected);
  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"publisher\": \"品牌数据组\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&expected, g_free);

  /* Again: nothing to write. */
  g_assert_cmpint (run_cli (f, &out, NULL, "publish", feed, "--publisher", "品牌数据组", NULL), ==, 0);
  expected = g_strdup_printf ("Published 3352 records in 4 shards to %s: 0 written, 4 unchanged, 0 removed.\n", feed);
  g_assert_true (g_str_has_prefix (out, expected));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&expected, g_free);

  /* Smaller shards: the cooperations split, the old single shard goes. */
  g_assert_cmpint (run_cli (f, &out, NULL, "publish", feed, "--shard-records", "1000", NULL), ==, 0);
  expected = g_strdup_printf ("Published 3352 records in 7 shards to %s: 4 written, 3 unchanged, 0 removed.\n", feed);
  g_assert_cmpstr (out, ==, expected);

  /* DIR is a file: an output error naming it. */
  g_assert_true (g_file_set_contents (not_dir, "x", -1, NULL));
  g_assert_cmpint (run_cli (f, NULL, &err, "publish", not_dir, NULL), ==, 4);
  g_assert_nonnull (strstr (err, not_dir));
  g_clear_pointer (&err, g_free);

  /* Wrong command lines. */
  g_assert_cmpint (run_cli (f, NULL, &err, "publish", feed, "--shard-records", "0", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--shard-records"));
  g_assert_cmpint (run_cli (f, NULL, NULL, "publish", feed, "--shard-records", "many", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "publish", feed, "--shard-records", "-5", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "publish", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "publish", feed, "other", NULL), ==, 2);
}

/* Decisions recorded with “decide” are listed, and “export --shortlist”
 * writes the shortlisted and contacted streamers in rank order, never the
 * rejected one. */
static void
test_decisions_shortlist (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "shortlist.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *json = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  JsonArray *ranked;
  const char *chosen[] = { "s-000002", "s-000049", NULL };

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &out, NULL, "decide", "--brand", "b-001", "--streamer", "s-000049",
                            "--shortlist", "--note", "首选，成分讲得好", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Shortlisted"));
  g_assert_cmpint (run_cli (f, NULL, NULL, "decide", "--brand", "b-001", "--streamer", "s-000002",
                            "--contacted", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, NULL, "decide", "--brand", "b-001", "--streamer", "s-000001",
                            "--reject", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, NULL, "decisions", "--brand", "b-001", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "s-000049\tShortlisted\t首选，成分讲得好"));
  g_assert_nonnull (strstr (out, "s-000001\tRejected"));

  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--shortlist", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_cmpint (run_cli (f, &json, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  root = parse_json (json);
  ranked = json_object_get_array_member (json_node_get_object (root), "candidates");
  for (guint i = 0; i < json_array_get_length (ranked); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (ranked, i), "id");

      if (g_strv_contains (chosen, id))
        g_ptr_array_add (expected, (gpointer) id);
    }
  g_assert_cmpuint (expected->len, ==, 2);
  rows = read_export (path);
  g_assert_cmpuint (rows->len, ==, 1 + expected->len);
  for (guint r = 1; r < rows->len; r++)
    g_assert_cmpstr (((GPtrArray *) rows->pdata[r])->pdata[2], ==, expected->pdata[r - 1]);

  /* Cleared, it leaves the shortlist; an unknown streamer is refused. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "decide", "--brand", "b-001", "--streamer", "s-000002",
                            "--clear", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--brand", "b-001", "--format", "csv",
                            "--out", path, "--shortlist", "--as-of", AS_OF, NULL), ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = read_export (path);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((GPtrArray *) rows->pdata[1])->pdata[2], ==, "s-000049");
  g_assert_cmpint (run_cli (f, NULL, &err, "decide", "--brand", "b-001", "--streamer", "nobody",
                            "--reject", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nobody"));
}

/* Weights saved for a brand are where rank starts: the same ranking as
 * giving them with --weights; forgotten, the defaults rank again. */
static void
test_weights_saved_are_used (Fixture *f, gconstpointer data)
{
  g_autofree char *saved = NULL, *given = NULL, *defaults = NULL, *cleared = NULL, *out = NULL;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &defaults, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_cmpint (run_cli (f, &out, NULL, "weights", "--brand", "b-001", "--set",
                            "style=0.8,trust=0.05", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "saved for this brand"));
  g_assert_cmpint (run_cli (f, &saved, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_cmpint (run_cli (f, &given, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--weights", "style=0.8,trust=0.05", "--format", "json",
                            "--as-of", AS_OF, NULL), ==, 0);
  g_assert_cmpstr (saved, ==, given);
  g_assert_cmpstr (saved, !=, defaults);

  g_assert_cmpint (run_cli (f, NULL, NULL, "weights", "--brand", "b-001", "--clear", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, &cleared, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_cmpstr (cleared, ==, defaults);
}

/* export --format pdf: a dossier of the shortlist whose text names the
 * brand and each chosen streamer (pdftotext from poppler-utils). */
static void
test_export_pdf (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "dossier.pdf", NULL);
  g_autofree char *out = NULL, *json = NULL, *text = NULL, *pdf = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  JsonArray *ranked;
  gsize length;
  int status;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, NULL, NULL, "decide", "--brand", "b-001", "--streamer", "s-000049",
                            "--shortlist", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, NULL, "decide", "--brand", "b-001", "--streamer", "s-000002",
                            "--contacted", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, &out, NULL, "export", "--brand", "b-001", "--format", "pdf",
                            "--out", path, "--shortlist", "--as-of", AS_OF, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "2 candidates"));
  g_assert_true (g_file_get_contents (path, &pdf, &length, NULL));
  g_assert_true (length > 5 && memcmp (pdf, "%PDF-", 5) == 0);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &text, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (run_cli (f, &json, NULL, "rank", "--brand", "b-001", "--top", "0",
                            "--format", "json", "--as-of", AS_OF, NULL), ==, 0);
  root = parse_json (json);
  g_assert_nonnull (strstr (text, json_object_get_string_member (json_object_get_object_member (
                                    json_node_get_object (root), "brand"), "name")));
  ranked = json_object_get_array_member (json_node_get_object (root), "candidates");
  for (guint i = 0; i < json_array_get_length (ranked); i++)
    {
      JsonObject *c = json_array_get_object_element (ranked, i);
      const char *id = json_object_get_string_member (c, "id");
      gboolean chosen = g_str_equal (id, "s-000049") || g_str_equal (id, "s-000002");

      if (chosen)
        g_assert_nonnull (strstr (text, json_object_get_string_member (c, "name")));
    }
}

/* The style tags of a streamer in the sample's streamers.json. */
static GHashTable *
sample_style_tags (const char *id)
{
  g_autofree char *path = g_build_filename (sample_dir, "streamers.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GHashTable *tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *streamers;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  streamers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "streamers");
  for (guint i = 0; i < json_array_get_length (streamers); i++)
    {
      JsonObject *s = json_array_get_object_element (streamers, i);
      JsonArray *t;

      if (!g_str_equal (json_object_get_string_member (s, "id"), id))
        continue;
      t = json_object_get_array_member (s, "style_tags");
      for (guint k = 0; k < json_array_get_length (t); k++)
        g_hash_table_add (tags, g_strdup (json_object_get_string_member (json_array_get_object_element (t, k), "tag")));
    }
  return tags;
}

static void
test_lookalikes (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *table = NULL, *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) seed_tags = sample_style_tags ("s-000003");
  g_autoptr(GHashTable) top_tags = NULL;
  JsonArray *list, *shared;
  JsonObject *first;
  const char *top_id;

  import_sample (f, NULL);
  g_assert_cmpint (run_cli (f, &out, NULL, "lookalikes", "--streamer", "s-000003", "--top", "5",
                            "--format", "json", NULL), ==, 0);
  root = parse_json (out);
  list = json_object_get_array_member (json_node_get_object (root), "lookalikes");
  g_assert_cmpuint (json_array_get_length (list), ==, 5);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);

      /* Never the streamer itself; most similar first. */
      g_assert_cmpstr (json_object_get_string_member (o, "id"), !=, "s-000003");
      if (i > 0)
        g_assert_cmpfloat (json_object_get_double_member (o, "similarity"), <=,
                           json_object_get_double_member (json_array_get_object_element (list, i - 1), "similarity"));
    }

  /* The top result's explanation lists exactly the tags both have, as
   * the dataset files give them. */
  first = json_array_get_object_element (list, 0);
  top_id = json_object_get_string_member (first, "id");
  top_tags = sample_style_tags (top_id);
  shared = json_object_get_array_member (first, "shared_tags");
  {
    GHashTableIter iter;
    gpointer tag;
    guint both = 0;

    g_hash_table_iter_init (&iter, seed_tags);
    while (g_hash_table_iter_next (&iter, &tag, NULL))
      if (g_hash_table_contains (top_tags, tag))
        {
          gboolean listed = FALSE;

          both++;
          for (guint k = 0; k < json_array_get_length (shared); k++)
            listed |= g_str_equal (json_object_get_string_member (json_array_get_object_element (shared, k), "tag"),
                                   tag);
          g_assert_true (listed);
        }
    g_assert_cmpuint (both, >, 0);
    g_assert_cmpuint (json_array_get_length (shared), ==, both);
  }

  /* The text output shows the same first streamer with its reasons. */
  g_assert_cmpint (run_cli (f, &table, NULL, "lookalikes", "--streamer", "s-000003", "--top", "5", NULL), ==, 0);
  g_assert_nonnull (strstr (table, top_id));
  g_assert_nonnull (strstr (table, "Both have the style tag"));

  g_assert_cmpint (run_cli (f, NULL, &err, "lookalikes", "--streamer", "s-999999", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "s-999999"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  cli = g_getenv ("TRUSTMATCH_CLI");
  sample_dir = g_getenv ("TRUSTMATCH_SAMPLE_DIR");
  g_assert_nonnull (cli);
  g_assert_nonnull (sample_dir);

  g_test_add ("/cli/import-and-list", Fixture, NULL, fixture_set_up, test_import_and_list, fixture_tear_down);
  g_test_add ("/cli/list-json-round-trip", Fixture, NULL, fixture_set_up, test_list_json_round_trip, fixture_tear_down);
  g_test_add ("/cli/invalid-file-changes-nothing", Fixture, NULL, fixture_set_up, test_invalid_file_changes_nothing, fixture_tear_down);
  g_test_add ("/cli/usage-errors", Fixture, NULL, fixture_set_up, test_usage_errors, fixture_tear_down);
  g_test_add ("/cli/help-commands", Fixture, NULL, fixture_set_up, test_help_commands, fixture_tear_down);
  g_test_add ("/cli/missing-file", Fixture, NULL, fixture_set_up, test_missing_file, fixture_tear_down);
  g_test_add ("/cli/generate-deterministic", Fixture, NULL, fixture_set_up, test_generate_deterministic, fixture_tear_down);
  g_test_add ("/cli/kill-during-import", Fixture, NULL, fixture_set_up, test_kill_during_import, fixture_tear_down);
  g_test_add ("/cli/rank/table", Fixture, NULL, fixture_set_up, test_rank_table, fixture_tear_down);
  g_test_add ("/cli/rank/json", Fixture, NULL, fixture_set_up, test_rank_json, fixture_tear_down);
  g_test_add ("/cli/rank/weights-match-engine", Fixture, NULL, fixture_set_up, test_rank_weights, fixture_tear_down);
  g_test_add ("/cli/rank/show-excluded", Fixture, NULL, fixture_set_up, test_rank_show_excluded, fixture_tear_down);
  g_test_add ("/cli/rank/csv", Fixture, NULL, fixture_set_up, test_rank_csv, fixture_tear_down);
  g_test_add ("/cli/explain", Fixture, NULL, fixture_set_up, test_explain, fixture_tear_down);
  g_test_add ("/cli/compare", Fixture, NULL, fixture_set_up, test_compare, fixture_tear_down);
  g_test_add ("/cli/lookalikes", Fixture, NULL, fixture_set_up, test_lookalikes, fixture_tear_down);
  g_test_add ("/cli/export/csv", Fixture, NULL, fixture_set_up, test_export_csv, fixture_tear_down);
  g_test_add ("/cli/export/errors", Fixture, NULL, fixture_set_up, test_export_errors, fixture_tear_down);
  g_test_add ("/cli/export/pdf", Fixture, NULL, fixture_set_up, test_export_pdf, fixture_tear_down);
  g_test_add ("/cli/decisions/shortlist-export", Fixture, NULL, fixture_set_up, test_decisions_shortlist, fixture_tear_down);
  g_test_add ("/cli/weights/saved-are-used", Fixture, NULL, fixture_set_up, test_weights_saved_are_used, fixture_tear_down);
  g_test_add ("/cli/match-usage-errors", Fixture, NULL, fixture_set_up, test_match_usage_errors, fixture_tear_down);

  g_test_add ("/cli/publish", Fixture, NULL, fixture_set_up, test_publish, fixture_tear_down);

  return g_test_run ();
}
