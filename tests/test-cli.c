/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "tm-json.h"
#include "tm-store.h"
#include "tm-text.h"

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
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)))
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
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
  g_test_add ("/cli/missing-file", Fixture, NULL, fixture_set_up, test_missing_file, fixture_tear_down);
  g_test_add ("/cli/generate-deterministic", Fixture, NULL, fixture_set_up, test_generate_deterministic, fixture_tear_down);
  g_test_add ("/cli/kill-during-import", Fixture, NULL, fixture_set_up, test_kill_during_import, fixture_tear_down);

  return g_test_run ();
}
