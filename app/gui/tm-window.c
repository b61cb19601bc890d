/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-application.h"
#include "tm-feed-settings.h"
#include "tm-gui-utils.h"
#include "tm-streamer-directory.h"
#include "tm-streamer-page.h"
#include "tm-sync-manager.h"
#include "tm-window.h"

struct _TmWindow
{
  AdwApplicationWindow  parent_instance;

  TmContext            *context;
  TmSyncManager        *sync;
  GSettings            *settings;

  /* Template widgets */
  AdwViewSwitcherTitle *switcher_title;
  GtkStack             *state_stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  AdwViewStack         *view_stack;
  GtkListBox           *brands_list;
  TmStreamerDirectory  *directory;
  GtkStack             *streamers_stack;
  TmStreamerPage       *streamer_page;
  GtkLabel             *status_label;
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *sync_revealer;
  GtkLabel             *sync_label;
  GtkProgressBar       *sync_progress;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkImage             *offline_icon;
  GtkLabel             *sync_status_label;

  gboolean              first_frame_logged;
  guint                 logged_streamers;
};

G_DEFINE_FINAL_TYPE (TmWindow, tm_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


/*
 * Brands
 */

static char *
format_brand_constraints (const TmBrand *brand)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  guint n_competitors = 0;

  if (brand->min_credit_score > 0)
    /* Translators: the lowest platform credit score, in percent of the
     * platform's scale, a brand accepts in a streamer. */
    g_ptr_array_add (parts, g_strdup_printf (_("min. credit %.0f%%"), brand->min_credit_score));

  if (brand->blacklist != NULL && brand->blacklist->len > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u blacklisted", "%u blacklisted",
                                                       brand->blacklist->len),
                                             brand->blacklist->len));

  if (brand->competitor_brands != NULL)
    n_competitors += brand->competitor_brands->len;
  if (brand->competitor_categories != NULL)
    n_competitors += brand->competitor_categories->len;
  if (n_competitors > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u competitor", "%u competitors",
                                                       n_competitors),
                                             n_competitors));

  if (brand->exclusivity_days > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%d-day exclusivity", "%d-day exclusivity",
                                                       brand->exclusivity_days),
                                             brand->exclusivity_days));

  if (parts->len == 0)
    return g_strdup (_("No constraints"));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static GtkWidget *
create_brand_row (const TmBrand *brand)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *constraints = NULL;
  GtkWidget *row;
  GtkWidget *avatar;
  GtkWidget *box;
  GtkWidget *label;
  guint n_tags;

  row = adw_action_row_new ();
  /* Names come from data files: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), brand->name);

  if (brand->typical_order_price_fen >= 0)
    {
      g_autofree char *price = tm_format_fen (brand->typical_order_price_fen, FALSE);

      /* Translators: a brand's category, price tier and typical order
       * price, e.g. "Beauty · Premium · typical order ¥129.00". */
      subtitle = g_strdup_printf (_("%s · %s · typical order %s"),
                                  tm_category_label (brand->category),
                                  tm_price_tier_label (brand->price_tier),
                                  price);
    }
  else
    {
      subtitle = g_strdup_printf ("%s · %s",
                                  tm_category_label (brand->category),
                                  tm_price_tier_label (brand->price_tier));
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  avatar = adw_avatar_new (40, brand->name, TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);

  n_tags = brand->style_tags != NULL ? brand->style_tags->len : 0;
  tags = g_strdup_printf (ngettext ("%u style tag", "%u style tags", n_tags), n_tags);
  constraints = format_brand_constraints (brand);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  label = gtk_label_new (tags);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (constraints);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  /* Narrow windows cut the summary short; the tooltip has all of it. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (label, constraints);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "brand-constraints");
  gtk_box_append (GTK_BOX (box), label);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  return row;
}

static void
tm_window_clear_brands (TmWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->brands_list))) != NULL)
    gtk_list_box_remove (self->brands_list, child);
}

static void
tm_window_fill_brands (TmWindow  *self,
                       TmCatalog *catalog)
{
  tm_window_clear_brands (self);

  for (guint i = 0; i < catalog->n_brands; i++)
    gtk_list_box_append (self->brands_list, create_brand_row (catalog->brands[i]));
}


/*
 * Streamers
 */

static void
on_streamer_activated_cb (TmWindow   *self,
                          const char *streamer_id)
{
  g_autoptr(GError) error = NULL;

  if (!tm_streamer_page_show_streamer (self->streamer_page, streamer_id, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  gtk_stack_set_visible_child_name (self->streamers_stack, "streamer");
  /* The row that had the focus is hidden now; Escape and Alt+Left need
   * the focus on the page. */
  gtk_widget_grab_focus (GTK_WIDGET (self->streamer_page));
}

static void
on_streamer_page_closed_cb (TmWindow *self)
{
  gtk_stack_set_visible_child_name (self->streamers_stack, "directory");
}

/*
 * State
 */

static void
tm_window_update_status_line (TmWindow  *self,
                              TmCatalog *catalog)
{
  g_autofree char *n_brands = tm_gui_format_count (catalog->n_brands);
  g_autofree char *n_streamers = tm_gui_format_count (catalog->n_streamers);
  g_autofree char *n_cooperations = tm_gui_format_count (catalog->n_cooperations);
  g_autofree char *brands = NULL;
  g_autofree char *streamers = NULL;
  g_autofree char *cooperations = NULL;
  g_autofree char *text = NULL;

  /* Translators: %s is a number such as "12" or "3,000". */
  brands = g_strdup_printf (ngettext ("%s brand", "%s brands", catalog->n_brands), n_brands);
  /* Translators: %s is a number such as "12" or "3,000". */
  streamers = g_strdup_printf (ngettext ("%s streamer", "%s streamers", catalog->n_streamers), n_streamers);
  /* Translators: %s is a number such as "12" or "3,000". */
  cooperations = g_strdup_printf (ngettext ("%s cooperation", "%s cooperations", catalog->n_cooperations), n_cooperations);

  text = g_strjoin (" · ", brands, streamers, cooperations, NULL);
  gtk_label_set_text (self->status_label, text);
}

static void
tm_window_set_page (TmWindow   *self,
                    const char *name)
{
  gboolean loading = g_str_equal (name, "loading");
  gboolean data = g_str_equal (name, "data");

  gtk_stack_set_visible_child_name (self->state_stack, name);
  gtk_spinner_set_spinning (self->spinner, loading);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, data);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "reload")),
                               !loading);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "show-brands")),
                               data);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "show-streamers")),
                               data);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "search")),
                               data);
}

static void
on_first_frame_cb (GdkFrameClock *clock,
                   TmWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_cb, self);
  /* bench-directory-gui waits for this line to time the launch. */
  g_debug ("First frame with the catalog: %u streamers, %.0f ms after the process started",
           self->logged_streamers, (g_get_monotonic_time () - tm_application_get_start_time ()) / 1000.0);
}

/* The next frame's tick: the window has its frame clock now. */
static gboolean
on_first_tick_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_first_frame_cb), widget, 0);
  return G_SOURCE_REMOVE;
}

/* Says when the first frame showing a catalog has been painted, once per
 * window: how long a launch takes as the user sees it.  The catalog may
 * be ready before the window is shown, so it waits for the next tick. */
static void
tm_window_log_first_frame (TmWindow  *self,
                           TmCatalog *catalog)
{
  if (self->first_frame_logged)
    return;
  self->first_frame_logged = TRUE;
  self->logged_streamers = catalog->n_streamers;
  gtk_widget_add_tick_callback (GTK_WIDGET (self), on_first_tick_cb, NULL, NULL);
}

static void
tm_window_update_state (TmWindow *self)
{
  TmCatalog *catalog;
  const GError *error;

  g_assert (TM_IS_WINDOW (self));

  switch (tm_context_get_state (self->context))
    {
    case TM_CONTEXT_STATE_IDLE:
    case TM_CONTEXT_STATE_LOADING:
      /* Let go of the old catalog while the new one loads. */
      tm_streamer_directory_set_catalog (self->directory, NULL);
      tm_window_clear_brands (self);
      tm_window_set_page (self, "loading");
      break;

    case TM_CONTEXT_STATE_ERROR:
      {
        g_autofree char *markup = NULL;

        error = tm_context_get_error (self->context);
        markup = g_markup_escape_text (error != NULL ? error->message : _("Unknown error"), -1);
        adw_status_page_set_description (self->error_page, markup);
        tm_window_set_page (self, "error");
      }
      break;

    case TM_CONTEXT_STATE_READY:
      catalog = tm_context_get_catalog (self->context);
      g_assert (catalog != NULL);

      if (catalog->n_brands == 0 && catalog->n_streamers == 0)
        {
          tm_window_set_page (self, "empty");
          break;
        }

      tm_window_fill_brands (self, catalog);
      tm_streamer_directory_set_catalog (self->directory, catalog);
      tm_window_log_first_frame (self, catalog);
      tm_window_update_status_line (self, catalog);
      tm_window_set_page (self, "data");
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
tm_window_update_sync_actions (TmWindow *self)
{
  gboolean running = tm_sync_manager_get_running (self->sync);
  gboolean loading = tm_context_get_state (self->context) == TM_CONTEXT_STATE_LOADING;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "sync")),
                               !running && !loading);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "cancel-sync")),
                               running);
}

static void
on_context_state_changed_cb (TmContext  *context,
                             GParamSpec *pspec,
                             TmWindow   *self)
{
  tm_window_update_state (self);
  tm_window_update_sync_actions (self);
}


/*
 * Sync
 */

static void
on_sync_running_changed_cb (TmSyncManager *sync,
                            GParamSpec    *pspec,
                            TmWindow      *self)
{
  gboolean running = tm_sync_manager_get_running (sync);

  gtk_revealer_set_reveal_child (self->sync_revealer, running);
  /* A new sync, however started, makes the last failure old news. */
  if (running)
    gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  tm_window_update_sync_actions (self);
}

static void
on_sync_progress_changed_cb (TmSyncManager *sync,
                             GParamSpec    *pspec,
                             TmWindow      *self)
{
  const char *text = tm_sync_manager_get_progress_text (sync);

  if (text != NULL)
    gtk_label_set_text (self->sync_label, text);
  gtk_progress_bar_set_fraction (self->sync_progress, tm_sync_manager_get_fraction (sync));
}

static void
on_sync_status_changed_cb (TmSyncManager *sync,
                           GParamSpec    *pspec,
                           TmWindow      *self)
{
  const char *text = tm_sync_manager_get_status_text (sync);

  gtk_label_set_text (self->sync_status_label, text ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_status_label), text);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_icon), tm_sync_manager_get_offline (sync));
}

static void
on_sync_finished_cb (TmSyncManager *sync,
                     const char    *summary,
                     const GError  *error,
                     TmWindow      *self)
{
  /* Every open window shows the shared sync's outcome. */
  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return;

  if (error == NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (summary));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("Sync cancelled; nothing was changed")));
  else
    {
      g_autofree char *text = g_strdup_printf (_("The sync failed, and your data is as it was. %s"),
                                               error->message);

      gtk_label_set_text (self->error_label, text);
      gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
    }
}


/*
 * Actions
 */

static void
reload_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  TmWindow *self = user_data;

  tm_context_load_async (self->context, NULL, NULL, NULL);
}

static void
show_brands_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  TmWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, "brands");
}

static void
search_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TmWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, "streamers");
  gtk_stack_set_visible_child_name (self->streamers_stack, "directory");
  tm_streamer_directory_focus_search (self->directory);
}

static void
show_streamers_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  TmWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, "streamers");
}

static void
feed_settings_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  TmWindow *self = user_data;
  TmFeedSettings *dialog = tm_feed_settings_new (GTK_WINDOW (self), self->sync);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  TmWindow *self = user_data;

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  /* Without a feed there is nothing to sync: say where to set one. */
  if (tm_sync_manager_get_feed_url (self->sync)[0] == '\0')
    {
      feed_settings_action (NULL, NULL, self);
      return;
    }
  tm_sync_manager_start (self->sync);
}

static void
cancel_sync_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  TmWindow *self = user_data;

  tm_sync_manager_cancel (self->sync);
}

static void
dismiss_sync_error_action (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  TmWindow *self = user_data;

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static const GActionEntry window_actions[] = {
  { "sync", sync_action },
  { "cancel-sync", cancel_sync_action },
  { "feed-settings", feed_settings_action },
  { "dismiss-sync-error", dismiss_sync_error_action },
  { "reload", reload_action },
  { "show-brands", show_brands_action },
  { "show-streamers", show_streamers_action },
  { "search", search_action },
};


/*
 * GObject and GtkWidget overrides
 */

static gboolean
tm_window_close_request (GtkWindow *window)
{
  TmWindow *self = TM_WINDOW (window);
  int width, height;

  /* GTK 4 keeps the default size in step with the unmaximized size. */
  gtk_window_get_default_size (window, &width, &height);
  /* Not g_settings_delay(): it would stay on for the feed-url binding of
   * the shared sync manager, whose changes would then never be saved. */
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (tm_window_parent_class)->close_request (window);
}

static void
tm_window_constructed (GObject *object)
{
  TmWindow *self = TM_WINDOW (object);

  G_OBJECT_CLASS (tm_window_parent_class)->constructed (object);

  g_assert (TM_IS_CONTEXT (self->context));

  tm_streamer_page_set_context (self->streamer_page, self->context);

  g_signal_connect_object (self->context,
                           "notify::state",
                           G_CALLBACK (on_context_state_changed_cb),
                           self,
                           0);

  /* The application's one sync manager; its feed URL is a setting. */
  self->sync = g_object_ref (tm_context_get_sync_manager (self->context));
  g_settings_bind (self->settings, "feed-url", self->sync, "feed-url", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->sync, "notify::running",
                           G_CALLBACK (on_sync_running_changed_cb), self, 0);
  g_signal_connect_object (self->sync, "notify::progress-text",
                           G_CALLBACK (on_sync_progress_changed_cb), self, 0);
  g_signal_connect_object (self->sync, "notify::fraction",
                           G_CALLBACK (on_sync_progress_changed_cb), self, 0);
  g_signal_connect_object (self->sync, "notify::status-text",
                           G_CALLBACK (on_sync_status_changed_cb), self, 0);
  g_signal_connect_object (self->sync, "notify::offline",
                           G_CALLBACK (on_sync_status_changed_cb), self, 0);
  g_signal_connect_object (self->sync, "finished",
                           G_CALLBACK (on_sync_finished_cb), self, 0);
  on_sync_running_changed_cb (self->sync, NULL, self);
  on_sync_progress_changed_cb (self->sync, NULL, self);
  on_sync_status_changed_cb (self->sync, NULL, self);

  /* The first window starts the first load; later windows show what the
   * shared context already has. */
  if (tm_context_get_state (self->context) == TM_CONTEXT_STATE_IDLE)
    tm_context_load_async (self->context, NULL, NULL, NULL);
  else
    tm_window_update_state (self);
}

static void
tm_window_dispose (GObject *object)
{
  TmWindow *self = TM_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_WINDOW);

  /* The settings binding stays: it belongs to the shared manager. */
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (tm_window_parent_class)->dispose (object);
}

static void
tm_window_finalize (GObject *object)
{
  TmWindow *self = TM_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (tm_window_parent_class)->finalize (object);
}

static void
tm_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TmWindow *self = TM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TmWindow *self = TM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_window_class_init (TmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tm_window_constructed;
  object_class->dispose = tm_window_dispose;
  object_class->finalize = tm_window_finalize;
  object_class->get_property = tm_window_get_property;
  object_class->set_property = tm_window_set_property;

  window_class->close_request = tm_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         TM_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TM_TYPE_STREAMER_DIRECTORY);
  g_type_ensure (TM_TYPE_STREAMER_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brands_list);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, directory);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, streamers_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, streamer_page);
  gtk_widget_class_bind_template_callback (widget_class, on_streamer_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_streamer_page_closed_cb);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_revealer);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, offline_icon);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_status_label);
}

static void
tm_window_init (TmWindow *self)
{
  int width, height;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   window_actions,
                                   G_N_ELEMENTS (window_actions),
                                   self);

  self->settings = g_settings_new (APP_ID);
  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  tm_window_set_page (self, "loading");
}

TmWindow *
tm_window_new (GtkApplication *application,
               TmContext      *context)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TM_IS_CONTEXT (context), NULL);

  return g_object_new (TM_TYPE_WINDOW,
                       "application", application,
                       "context", context,
                       NULL);
}

TmContext *
tm_window_get_context (TmWindow *self)
{
  g_return_val_if_fail (TM_IS_WINDOW (self), NULL);

  return self->context;
}
