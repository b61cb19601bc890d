/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-files"

/*
 * Checks on the interface files themselves: every button that shows only
 * an icon has an accessible label (what a screen reader says) and a
 * tooltip (what a sighted user can hover for); and every source or
 * interface file with a translatable string is listed in
 * po/POTFILES.in, so none of its strings is left out of the translation.
 */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

typedef struct {
  const char *file;
  GArray     *stack;     /* of Element, one per open element */
  GString    *problems;
} Check;

typedef struct {
  char     *name;        /* element name */
  gboolean  button;      /* an <object> of a button class */
  char     *id;
  int       line;
  gboolean  icon;
  gboolean  label;
  gboolean  child;
  gboolean  tooltip;
  gboolean  a11y_label;
} Element;

static const char *button_classes[] = {
  "GtkButton", "GtkMenuButton", "GtkToggleButton", "AdwSplitButton", NULL,
};

static Element *
top (Check *c,
     guint  depth)
{
  if (c->stack->len <= depth)
    return NULL;
  return &g_array_index (c->stack, Element, c->stack->len - 1 - depth);
}

static void
start_element (GMarkupParseContext  *context,
               const char           *name,
               const char          **attr_names,
               const char          **attr_values,
               gpointer              user_data,
               GError              **error)
{
  Check *c = user_data;
  Element e = { g_strdup (name), FALSE, NULL, 0 };
  const char *cls = NULL;
  const char *id = NULL;
  const char *prop = NULL;
  Element *parent = top (c, 0);
  Element *grandparent = top (c, 1);

  for (guint i = 0; attr_names[i] != NULL; i++)
    {
      if (g_str_equal (attr_names[i], "class"))
        cls = attr_values[i];
      else if (g_str_equal (attr_names[i], "id"))
        id = attr_values[i];
      else if (g_str_equal (attr_names[i], "name"))
        prop = attr_values[i];
    }

  if (g_str_equal (name, "object") && cls != NULL
      && g_strv_contains (button_classes, cls))
    {
      e.button = TRUE;
      e.id = g_strdup (id);
      g_markup_parse_context_get_position (context, &e.line, NULL);
    }
  else if (g_str_equal (name, "property") && prop != NULL && parent != NULL)
    {
      if (parent->button)
        {
          parent->icon |= g_str_equal (prop, "icon-name");
          parent->label |= g_str_equal (prop, "label");
          parent->child |= g_str_equal (prop, "child");
          parent->tooltip |= g_str_equal (prop, "tooltip-text") || g_str_equal (prop, "tooltip-markup");
        }
      else if (g_str_equal (parent->name, "accessibility")
               && grandparent != NULL && grandparent->button)
        grandparent->a11y_label |= g_str_equal (prop, "label");
    }
  else if (g_str_equal (name, "child") && parent != NULL && parent->button)
    parent->child = TRUE;

  g_array_append_val (c->stack, e);
}

static void
end_element (GMarkupParseContext  *context,
             const char           *name,
             gpointer              user_data,
             GError              **error)
{
  Check *c = user_data;
  Element *e = top (c, 0);

  if (e->button && e->icon && !e->label && !e->child)
    {
      if (!e->a11y_label)
        g_string_append_printf (c->problems, "%s:%d: icon-only button %s has no accessible label\n",
                                c->file, e->line, e->id ? e->id : "(no id)");
      if (!e->tooltip)
        g_string_append_printf (c->problems, "%s:%d: icon-only button %s has no tooltip\n",
                                c->file, e->line, e->id ? e->id : "(no id)");
    }
  g_free (e->name);
  g_free (e->id);
  g_array_set_size (c->stack, c->stack->len - 1);
}

static void
check_file (const char *path,
            GString    *problems)
{
  static const GMarkupParser parser = { start_element, end_element, NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GMarkupParseContext) context = NULL;
  gsize len;
  Check c = { base, g_array_new (FALSE, FALSE, sizeof (Element)), problems };

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, 0, &c, NULL);
  g_markup_parse_context_parse (context, text, len, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c.stack->len, ==, 0);
  g_array_unref (c.stack);
}

static guint
check_dir (const char *dir,
           GString    *problems)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += check_dir (path, problems);
      else if (g_str_has_suffix (name, ".ui"))
        {
          check_file (path, problems);
          n++;
        }
    }
  return n;
}

/* The checker itself finds what it is meant to find. */
static void
test_checker (void)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *dir = g_dir_make_tmp ("test-ui-files-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "x.ui", NULL);
  const char *ui =
    "<interface>"
    "<object class='GtkButton' id='bare'><property name='icon-name'>a</property></object>"
    "<object class='GtkButton' id='labelled'><property name='icon-name'>a</property>"
    "<property name='label'>A</property></object>"
    "<object class='GtkMenuButton' id='good'><property name='icon-name'>a</property>"
    "<property name='tooltip-text'>A</property>"
    "<accessibility><property name='label'>A</property></accessibility></object>"
    "<object class='GtkBox'><child><object class='GtkButton' id='withchild'>"
    "<property name='icon-name'>a</property><property name='tooltip-text'>A</property>"
    "<child><object class='GtkLabel'><accessibility><property name='label'>in a child</property>"
    "</accessibility></object></child>"
    "</object></child></object>"
    "</interface>";

  g_assert_true (g_file_set_contents (path, ui, -1, NULL));
  check_file (path, problems);
  g_assert_nonnull (strstr (problems->str, "bare has no accessible label"));
  g_assert_nonnull (strstr (problems->str, "bare has no tooltip"));
  g_assert_null (strstr (problems->str, "labelled"));
  g_assert_null (strstr (problems->str, "good"));
  /* A button with a child is not icon-only. */
  g_assert_null (strstr (problems->str, "withchild"));
  g_remove (path);
  g_rmdir (dir);
}

static void
test_icon_buttons_labelled (void)
{
  g_autofree char *ui_dir = g_test_build_filename (G_TEST_DIST, "..", "ui", NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n = check_dir (ui_dir, problems);

  g_assert_cmpuint (n, >=, 3);
  if (problems->len > 0)
    g_test_fail_printf ("%s", problems->str);
}

/* Whether @text marks a string for translation: gettext's macros in C,
 * translatable="yes" in an interface file. */
static gboolean
has_translatable (const char *text)
{
  static const char *marks[] = {
    "_(\"", "N_(\"", "C_(\"", "NC_(\"", "ngettext (", "translatable=\"yes\"", NULL,
  };

  for (guint i = 0; marks[i] != NULL; i++)
    if (strstr (text, marks[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
collect_untranslated (const char *root,
                      const char *relative,
                      GHashTable *listed,
                      GString    *problems,
                      guint      *n_checked)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_path ("/", relative, name, NULL);
      g_autofree char *child_path = g_build_filename (root, child, NULL);
      g_autofree char *text = NULL;

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        {
          collect_untranslated (root, child, listed, problems, n_checked);
          continue;
        }
      if (!g_str_has_suffix (name, ".c") && !g_str_has_suffix (name, ".ui"))
        continue;
      g_assert_true (g_file_get_contents (child_path, &text, NULL, NULL));
      (*n_checked)++;
      if (has_translatable (text) && !g_hash_table_contains (listed, child))
        g_string_append_printf (problems, "%s has translatable strings but is not in po/POTFILES.in\n", child);
    }
}

static void
test_potfiles_complete (void)
{
  g_autofree char *root = g_test_build_filename (G_TEST_DIST, "..", NULL);
  g_autofree char *potfiles = g_build_filename (root, "po", "POTFILES.in", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n_checked = 0;

  g_assert_true (g_file_get_contents (potfiles, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0' && lines[i][0] != '#')
        g_hash_table_add (listed, lines[i]);
    }
  g_assert_true (has_translatable ("label = _(\"Save\");"));
  g_assert_false (has_translatable ("g_debug (\"x\");"));

  collect_untranslated (root, "app", listed, problems, &n_checked);
  collect_untranslated (root, "ui", listed, problems, &n_checked);
  g_assert_cmpuint (n_checked, >, 20);
  if (problems->len > 0)
    g_test_fail_printf ("%s", problems->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui-files/checker", test_checker);
  g_test_add_func ("/ui-files/icon-buttons-labelled", test_icon_buttons_labelled);
  g_test_add_func ("/ui-files/potfiles-complete", test_potfiles_complete);

  return g_test_run ();
}
