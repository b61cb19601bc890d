/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-prefs"

/*
 * The Preferences window's Ranking page and the default weights it keeps
 * in GSettings, the application's accelerators and its About window.  The
 * Team Feed page is tested with the syncs, in test-gui-sync.c.
 */

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "tm-application.h"
#include "tm-context.h"
#include "tm-preferences-window.h"
#include "tm-gui-utils.h"
#include "tm-ranking-page.h"
#include "tm-window.h"
#include "tm-test-gui.h"
#include "tm-test-utils.h"

static char *scratch_dir;

static const char *weight_keys[] = {
  TM_SETTINGS_WEIGHT_STYLE,
  TM_SETTINGS_WEIGHT_HISTORY,
  TM_SETTINGS_WEIGHT_TRUST,
  TM_SETTINGS_WEIGHT_RISK,
};

static TmPreferencesWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  TmPreferencesWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (TM_IS_PREFERENCES_WINDOW (window))
        found = TM_PREFERENCES_WINDOW (window);
    }
  return found;
}

static void
reset_weights (GSettings *settings)
{
  for (guint i = 0; i < G_N_ELEMENTS (weight_keys); i++)
    g_settings_reset (settings, weight_keys[i]);
}

/* The preferences window as the app makes it (on a context that is
 * never loaded: the Ranking page needs none), on its Ranking page. */
typedef struct {
  GSettings      *settings;
  TmContext      *context;
  TmPreferencesWindow *window;
  TmRankingPage  *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *db_path = g_build_filename (scratch_dir, "prefs.db", NULL);

  f->settings = g_settings_new (APP_ID);
  /* One memory backend for the whole run: every test starts from the
   * defaults, and with no feed (no keyring look-up). */
  reset_weights (f->settings);
  g_settings_reset (f->settings, "feed-url");

  f->context = tm_context_new (db_path, scratch_dir);
  f->window = tm_preferences_window_new (NULL, tm_context_get_sync_manager (f->context));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (f->window), "ranking");
  gtk_window_present (GTK_WINDOW (f->window));
  tm_test_drain ();
  f->page = tm_test_template_child (f->window, TM_TYPE_PREFERENCES_WINDOW, "ranking_page");
  g_assert_true (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (f->window))
                 == ADW_PREFERENCES_PAGE (f->page));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  tm_test_drain ();
  reset_weights (f->settings);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
}

static gpointer
page_child (Fixture    *f,
            const char *name)
{
  return tm_test_template_child (f->page, TM_TYPE_RANKING_PAGE, name);
}

/* What the user does: types a number and leaves the field. */
static void
set_spin (Fixture    *f,
          const char *name,
          double      value)
{
  gtk_spin_button_set_value (page_child (f, name), value);
  tm_test_drain ();
}

static double
spin_value (Fixture    *f,
            const char *name)
{
  return gtk_spin_button_get_value (page_child (f, name));
}

static double
key (Fixture    *f,
     const char *name)
{
  return g_settings_get_double (f->settings, name);
}

static gboolean
error_shown (Fixture *f)
{
  GtkWidget *label = page_child (f, "error_label");

  return gtk_widget_get_visible (label) && gtk_widget_get_mapped (label);
}

/* The share next to a weight as the user reads it: "35%" gives 35, and
 * -1 when no number is shown. */
static int
share_shown (Fixture    *f,
             const char *name)
{
  const char *text = gtk_label_get_text (page_child (f, name));
  guint percent;

  if (sscanf (text, "%u", &percent) != 1)
    return -1;
  g_assert_nonnull (strchr (text, '%'));
  return percent;
}

/* The shares shown add up to 100 and each is the weight's exact share of
 * the three, rounded up or down. */
static void
assert_shares (Fixture *f,
               double   style,
               double   history,
               double   trust)
{
  const double weights[] = { style, history, trust };
  const char *labels[] = { "style_share", "history_share", "trust_share" };
  double sum = style + history + trust;
  int total = 0;

  for (guint i = 0; i < 3; i++)
    {
      int shown = share_shown (f, labels[i]);

      g_assert_cmpint (shown, >=, 0);
      g_assert_cmpfloat (fabs (shown - 100 * weights[i] / sum), <, 1);
      total += shown;
    }
  g_assert_cmpint (total, ==, 100);
}

/* The page shows the defaults; changing a weight through its field
 * writes that key at once, leaves the others alone, and the shares
 * follow. */
static void
test_weight_writes_setting (Fixture       *f,
                            gconstpointer  data)
{
  g_assert_cmpfloat (spin_value (f, "style_spin"), ==, TM_WEIGHT_STYLE_DEFAULT);
  g_assert_cmpfloat (spin_value (f, "history_spin"), ==, TM_WEIGHT_HISTORY_DEFAULT);
  g_assert_cmpfloat (spin_value (f, "trust_spin"), ==, TM_WEIGHT_TRUST_DEFAULT);
  g_assert_cmpfloat (spin_value (f, "risk_spin"), ==, TM_WEIGHT_RISK_DEFAULT);
  assert_shares (f, TM_WEIGHT_STYLE_DEFAULT, TM_WEIGHT_HISTORY_DEFAULT, TM_WEIGHT_TRUST_DEFAULT);
  /* Nothing to reset yet. */
  g_assert_false (gtk_widget_get_sensitive (page_child (f, "reset_button")));

  set_spin (f, "style_spin", 0.7);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_STYLE), ==, 0.7);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_HISTORY), ==, TM_WEIGHT_HISTORY_DEFAULT);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_TRUST), ==, TM_WEIGHT_TRUST_DEFAULT);
  /* 0.7 / 1.35 = 51.85 %: 52 + 30 + 18, where rounding alone reads 101. */
  assert_shares (f, 0.7, TM_WEIGHT_HISTORY_DEFAULT, TM_WEIGHT_TRUST_DEFAULT);
  g_assert_true (gtk_widget_get_sensitive (page_child (f, "reset_button")));

  set_spin (f, "risk_spin", 2.5);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_RISK), ==, 2.5);

  set_spin (f, "trust_spin", 40);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_TRUST), ==, 40);
  assert_shares (f, 0.7, TM_WEIGHT_HISTORY_DEFAULT, 40);
  g_assert_false (error_shown (f));
}

/* Setting the last of style, history and trust to 0 is refused at that
 * field with the reason; the keys keep the last set that ranks, and the
 * next valid change is saved whole and clears the mark. */
static void
test_all_zero_refused (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *trust_spin = page_child (f, "trust_spin");

  set_spin (f, "style_spin", 0);
  set_spin (f, "history_spin", 0);
  /* Trust alone still ranks. */
  g_assert_false (error_shown (f));
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_STYLE), ==, 0);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_HISTORY), ==, 0);
  assert_shares (f, 0, 0, TM_WEIGHT_TRUST_DEFAULT);

  set_spin (f, "trust_spin", 0);
  g_assert_true (error_shown (f));
  g_assert_true (gtk_widget_has_css_class (trust_spin, "error"));
  g_assert_false (gtk_widget_has_css_class (page_child (f, "style_spin"), "error"));
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_STYLE), ==, 0);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_HISTORY), ==, 0);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_TRUST), ==, TM_WEIGHT_TRUST_DEFAULT);
  /* No share of nothing. */
  g_assert_cmpint (share_shown (f, "style_share"), ==, -1);
  g_assert_cmpint (share_shown (f, "trust_share"), ==, -1);
  /* The field keeps what the user typed, to be corrected. */
  g_assert_cmpfloat (spin_value (f, "trust_spin"), ==, 0);

  /* A change elsewhere while refused (risk) is not saved either: the set
   * as shown would not rank. */
  set_spin (f, "risk_spin", 3);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_RISK), ==, TM_WEIGHT_RISK_DEFAULT);
  g_assert_true (error_shown (f));

  set_spin (f, "history_spin", 2);
  g_assert_false (error_shown (f));
  g_assert_false (gtk_widget_has_css_class (trust_spin, "error"));
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_STYLE), ==, 0);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_HISTORY), ==, 2);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_TRUST), ==, 0);
  g_assert_cmpfloat (key (f, TM_SETTINGS_WEIGHT_RISK), ==, 3);
  assert_shares (f, 0, 2, 0);
}

static void
assert_keys_reset (Fixture *f)
{
  for (guint i = 0; i < G_N_ELEMENTS (weight_keys); i++)
    {
      g_autoptr(GVariant) user_value = g_settings_get_user_value (f->settings, weight_keys[i]);

      if (user_value != NULL)
        g_error ("%s still has a value of its own after Reset to Defaults", weight_keys[i]);
    }
}

/* Reset to Defaults gives back the engine's defaults, in the settings and
 * on the page, also from a refused set. */
static void
test_reset (Fixture       *f,
            gconstpointer  data)
{
  set_spin (f, "style_spin", 5);
  set_spin (f, "risk_spin", 0);
  set_spin (f, "history_spin", 0);
  set_spin (f, "trust_spin", 0);
  set_spin (f, "style_spin", 0);
  g_assert_true (error_shown (f));

  g_signal_emit_by_name (page_child (f, "reset_button"), "clicked");
  tm_test_drain ();
  assert_keys_reset (f);
  g_assert_false (error_shown (f));
  g_assert_false (gtk_widget_has_css_class (page_child (f, "style_spin"), "error"));
  g_assert_cmpfloat (spin_value (f, "style_spin"), ==, TM_WEIGHT_STYLE_DEFAULT);
  g_assert_cmpfloat (spin_value (f, "history_spin"), ==, TM_WEIGHT_HISTORY_DEFAULT);
  g_assert_cmpfloat (spin_value (f, "trust_spin"), ==, TM_WEIGHT_TRUST_DEFAULT);
  g_assert_cmpfloat (spin_value (f, "risk_spin"), ==, TM_WEIGHT_RISK_DEFAULT);
  assert_shares (f, TM_WEIGHT_STYLE_DEFAULT, TM_WEIGHT_HISTORY_DEFAULT, TM_WEIGHT_TRUST_DEFAULT);
  g_assert_false (gtk_widget_get_sensitive (page_child (f, "reset_button")));
}

/* Weights changed elsewhere (another window, gsettings) show at once. */
static void
test_follows_settings (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GSettings) other = g_settings_new (APP_ID);
  TmWeights w = { 1, 2, 3, 0.5 };

  g_assert_true (tm_settings_set_default_weights (other, &w));
  tm_test_drain ();
  g_assert_cmpfloat (spin_value (f, "style_spin"), ==, 1);
  g_assert_cmpfloat (spin_value (f, "history_spin"), ==, 2);
  g_assert_cmpfloat (spin_value (f, "trust_spin"), ==, 3);
  g_assert_cmpfloat (spin_value (f, "risk_spin"), ==, 0.5);
  assert_shares (f, 1, 2, 3);
}

/* The helper other views rank with: the stored weights when they rank,
 * the engine's defaults when not; and it refuses to store a set that
 * does not rank. */
static void
test_helper (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  TmWeights w;
  TmWeights zero = { 0, 0, 0, 1 };
  TmWeights good = { 0, 0.5, 250, 0 };

  reset_weights (settings);
  g_assert_true (tm_settings_get_default_weights (settings, &w));
  g_assert_cmpfloat (w.style, ==, TM_WEIGHT_STYLE_DEFAULT);
  g_assert_cmpfloat (w.history, ==, TM_WEIGHT_HISTORY_DEFAULT);
  g_assert_cmpfloat (w.trust, ==, TM_WEIGHT_TRUST_DEFAULT);
  g_assert_cmpfloat (w.risk, ==, TM_WEIGHT_RISK_DEFAULT);

  g_assert_true (tm_settings_set_default_weights (settings, &good));
  g_assert_true (tm_settings_get_default_weights (settings, &w));
  g_assert_cmpmem (&w, sizeof w, &good, sizeof good);

  g_assert_false (tm_settings_set_default_weights (settings, &zero));
  g_assert_true (tm_settings_get_default_weights (settings, &w));
  g_assert_cmpmem (&w, sizeof w, &good, sizeof good);

  /* Three zeros written from outside (each key alone is in range). */
  g_settings_set_double (settings, TM_SETTINGS_WEIGHT_STYLE, 0);
  g_settings_set_double (settings, TM_SETTINGS_WEIGHT_HISTORY, 0);
  g_settings_set_double (settings, TM_SETTINGS_WEIGHT_TRUST, 0);
  g_settings_set_double (settings, TM_SETTINGS_WEIGHT_RISK, 7);
  g_assert_false (tm_settings_get_default_weights (settings, &w));
  g_assert_cmpfloat (w.style, ==, TM_WEIGHT_STYLE_DEFAULT);
  g_assert_cmpfloat (w.history, ==, TM_WEIGHT_HISTORY_DEFAULT);
  g_assert_cmpfloat (w.trust, ==, TM_WEIGHT_TRUST_DEFAULT);
  g_assert_cmpfloat (w.risk, ==, TM_WEIGHT_RISK_DEFAULT);
  g_assert_true (tm_weights_is_valid (&w));

  reset_weights (settings);
}

/* Such a stored set shows as the defaults the ranking uses, unmarked. */
static void
test_page_shows_defaults_for_invalid (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = gtk_window_new ();
  TmRankingPage *page;

  g_settings_set_double (settings, TM_SETTINGS_WEIGHT_STYLE, 0);
  g_settings_set_double (settings, TM_SETTINGS_WEIGHT_HISTORY, 0);
  g_settings_set_double (settings, TM_SETTINGS_WEIGHT_TRUST, 0);
  page = TM_RANKING_PAGE (tm_ranking_page_new (settings));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  tm_test_drain ();
  g_assert_cmpfloat (gtk_spin_button_get_value (tm_test_template_child (page, TM_TYPE_RANKING_PAGE, "style_spin")),
                     ==, TM_WEIGHT_STYLE_DEFAULT);
  g_assert_cmpfloat (gtk_spin_button_get_value (tm_test_template_child (page, TM_TYPE_RANKING_PAGE, "trust_spin")),
                     ==, TM_WEIGHT_TRUST_DEFAULT);
  g_assert_false (gtk_widget_get_visible (tm_test_template_child (page, TM_TYPE_RANKING_PAGE, "error_label")));
  gtk_window_destroy (GTK_WINDOW (window));
  tm_test_drain ();
  reset_weights (settings);
}

/* Preferences opens from the window; a sync with no feed, or the feed
 * settings action, opens it on the Team Feed page whatever page was
 * shown last. */
static void
test_window_actions (void)
{
  g_autofree char *db_path = g_build_filename (scratch_dir, "actions.db", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(TmContext) context = NULL;
  TmPreferencesWindow *prefs;
  TmWindow *window;

  g_settings_reset (settings, "feed-url");
  context = tm_context_new (db_path, scratch_dir);
  window = tm_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  tm_test_wait_for_load (context);

  g_assert_null (find_preferences ());
  g_action_group_activate_action (G_ACTION_GROUP (window), "preferences", NULL);
  prefs = find_preferences ();
  g_assert_nonnull (prefs);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (prefs)) == GTK_WINDOW (window));
  tm_test_drain ();
  gtk_window_destroy (GTK_WINDOW (prefs));
  tm_test_drain ();

  g_action_group_activate_action (G_ACTION_GROUP (window), "sync", NULL);
  prefs = find_preferences ();
  g_assert_nonnull (prefs);
  g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (prefs)), ==, "feed");
  gtk_window_destroy (GTK_WINDOW (prefs));
  tm_test_drain ();

  gtk_window_destroy (GTK_WINDOW (window));
  tm_test_drain ();
}

/* The application, registered but not run: its accelerators, and the
 * About window with the icon, version and licence. */
static void
test_application (void)
{
  static const struct {
    const char *action;
    const char *accel;
  } expected[] = {
    { "win.preferences", "<Control>comma" },
    { "win.search", "<Control>f" },
    { "win.sync", "<Control>r" },
    { "app.quit", "<Control>q" },
  };
  g_autofree char *db_path = g_build_filename (scratch_dir, "app.db", NULL);
  g_autoptr(TmApplication) app = tm_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmContext) context = NULL;
  g_auto(GStrv) actions = NULL;
  GtkIconTheme *theme;
  GtkWidget *about = NULL;
  GListModel *toplevels;
  TmWindow *window;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                     expected[i].action);

      if (!g_strv_contains ((const char * const *) accels, expected[i].accel))
        g_error ("%s is not on %s", expected[i].action, expected[i].accel);
    }

  /* Every accelerator names an action the window or the app has. */
  context = tm_context_new (db_path, scratch_dir);
  window = tm_window_new (GTK_APPLICATION (app), context);
  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *prefix = NULL;
      g_autoptr(GVariant) target = NULL;
      GActionGroup *group = NULL;

      g_assert_true (g_action_parse_detailed_name (actions[i], &name, &target, &error));
      prefix = g_strndup (name, strchr (name, '.') - name);
      if (g_str_equal (prefix, "win"))
        group = G_ACTION_GROUP (window);
      else if (g_str_equal (prefix, "app"))
        group = G_ACTION_GROUP (app);
      else
        continue;   /* window.close is GTK's own */
      if (!g_action_group_has_action (group, strchr (name, '.') + 1))
        g_error ("%s has an accelerator but no action", actions[i]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  tm_test_drain ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (w))
        about = GTK_WIDGET (w);
    }
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_NAME);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_WEBSITE);
  g_assert_cmpstr (adw_about_window_get_issue_url (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_BUGREPORT);
  g_assert_nonnull (adw_about_window_get_translator_credits (ADW_ABOUT_WINDOW (about)));
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  /* The icon it names is there: the app's resources add it to the theme
   * even when it is not installed. */
  theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (about));
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID "-symbolic"));
  gtk_window_destroy (GTK_WINDOW (about));
  tm_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  int ret;

  scratch_dir = g_dir_make_tmp ("test-gui-prefs-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (scratch_dir, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/gui/prefs/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("ranking/weight-writes-setting", test_weight_writes_setting);
  ADD ("ranking/all-zero-refused", test_all_zero_refused);
  ADD ("ranking/reset", test_reset);
  ADD ("ranking/follows-settings", test_follows_settings);
#undef ADD
  g_test_add_func ("/gui/prefs/helper/defaults-when-invalid", test_helper);
  g_test_add_func ("/gui/prefs/ranking/shows-defaults-for-invalid", test_page_shows_defaults_for_invalid);
  g_test_add_func ("/gui/prefs/window-actions", test_window_actions);
  g_test_add_func ("/gui/prefs/application", test_application);

  ret = g_test_run ();

  tm_test_remove_tree (scratch_dir);
  g_free (scratch_dir);

  return ret;
}
