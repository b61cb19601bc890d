/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-feed-settings.h"
#include "tm-gui-utils.h"
#include "tm-streamer-item.h"
#include "tm-sync-manager.h"
#include "tm-window.h"

struct _TmWindow
{
  AdwApplicationWindow  parent_instance;

  TmContext            *context;
  TmSyncManager        *sync;
  GSettings            *settings;
  GListStore           *streamers;   /* TmStreamerItem */

  /* Template widgets */
  AdwViewSwitcherTitle *switcher_title;
  GtkStack             *state_stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  AdwViewStack         *view_stack;
  GtkListBox           *brands_list;
  GtkColumnView        *streamers_view;
  GtkColumnViewColumn  *name_column;
  GtkColumnViewColumn  *followers_column;
  GtkColumnViewColumn  *credit_column;
  GtkColumnViewColumn  *cooperations_column;
  GtkColumnViewColumn  *last_cooperation_column;
  GtkColumnViewColumn  *incidents_column;
  GtkLabel             *status_label;
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *sync_revealer;
  GtkLabel             *sync_label;
  GtkProgressBar       *sync_progress;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkImage             *offline_icon;
  GtkLabel             *sync_status_label;
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
setup_text_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               TmWindow                 *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
setup_number_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 TmWindow                 *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "number");
  gtk_list_item_set_child (list_item, label);
}

static inline const TmCatalogStreamer *
list_item_get_streamer (GtkListItem  *list_item,
                        TmCatalog   **catalog)
{
  TmStreamerItem *item = gtk_list_item_get_item (list_item);

  *catalog = tm_streamer_item_get_catalog (item);
  return tm_streamer_item_get_streamer (item);
}

static inline void
list_item_set_text (GtkListItem *list_item,
                    const char  *text)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

/* For the columns that may cut their text short. */
static inline void
list_item_set_text_with_tooltip (GtkListItem *list_item,
                                 const char  *text)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, text);
}

static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);

  list_item_set_text (list_item, streamer->name);
}

static void
bind_platforms_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < streamer->n_accounts; i++)
    {
      const TmCatalogAccount *account = &catalog->accounts[streamer->first_account + i];

      if (i > 0)
        g_string_append (text, tm_gui_list_separator ());
      g_string_append (text, tm_platform_label (account->platform));
    }

  list_item_set_text_with_tooltip (list_item, text->str);
}

static void
bind_followers_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = tm_gui_format_compact_count (streamer->followers_total);

  list_item_set_text (list_item, text);
}

static void
bind_categories_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < streamer->n_categories; i++)
    {
      if (i > 0)
        g_string_append (text, tm_gui_list_separator ());
      g_string_append (text, tm_category_label (catalog->categories[streamer->first_category + i]));
    }

  list_item_set_text_with_tooltip (list_item, text->str);
}

static void
bind_credit_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = tm_gui_format_credit (streamer->credit_score, streamer->credit_scale);

  list_item_set_text (list_item, text);
}

static void
bind_cooperations_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = tm_gui_format_count (streamer->n_cooperations);

  list_item_set_text (list_item, text);
}

static void
bind_last_cooperation_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  g_autofree char *text = NULL;

  if (streamer->last_cooperation != TM_DATE_NONE)
    text = tm_date_format (streamer->last_cooperation);

  list_item_set_text (list_item, text != NULL ? text : "—");
}

static void
bind_incidents_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   TmWindow                 *self)
{
  TmCatalog *catalog;
  const TmCatalogStreamer *streamer = list_item_get_streamer (list_item, &catalog);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = tm_gui_format_count (streamer->n_incidents);

  /* Rows are recycled: set or clear the highlight every time. */
  if (streamer->n_incidents > 0)
    gtk_widget_add_css_class (label, "incidents");
  else
    gtk_widget_remove_css_class (label, "incidents");

  gtk_label_set_text (GTK_LABEL (label), text);
}

#define STREAMER(p) (tm_streamer_item_get_streamer (TM_STREAMER_ITEM ((gpointer) (p))))

static int
compare_name (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  return gtk_ordering_from_cmpfunc (strcmp (tm_streamer_item_get_collate_key (TM_STREAMER_ITEM ((gpointer) a)),
                                            tm_streamer_item_get_collate_key (TM_STREAMER_ITEM ((gpointer) b))));
}

static int
compare_int64 (gint64 a,
               gint64 b)
{
  return a < b ? GTK_ORDERING_SMALLER : a > b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_followers (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  return compare_int64 (STREAMER (a)->followers_total, STREAMER (b)->followers_total);
}

/* Scores on different scales compare as fractions of their scale; an
 * unknown score sorts below every known one. */
static double
credit_fraction (const TmCatalogStreamer *streamer)
{
  if (isnan (streamer->credit_score) || !(streamer->credit_scale > 0))
    return -1.0;

  return streamer->credit_score / streamer->credit_scale;
}

static int
compare_credit (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  double fa = credit_fraction (STREAMER (a));
  double fb = credit_fraction (STREAMER (b));

  return fa < fb ? GTK_ORDERING_SMALLER : fa > fb ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_cooperations (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  return compare_int64 (STREAMER (a)->n_cooperations, STREAMER (b)->n_cooperations);
}

static int
compare_last_cooperation (gconstpointer a,
                          gconstpointer b,
                          gpointer      user_data)
{
  return compare_int64 (STREAMER (a)->last_cooperation, STREAMER (b)->last_cooperation);
}

static int
compare_incidents (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  return compare_int64 (STREAMER (a)->n_incidents, STREAMER (b)->n_incidents);
}

#undef STREAMER

static void
set_column_sorter (GtkColumnViewColumn *column,
                   GCompareDataFunc     compare)
{
  g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare, NULL, NULL));

  gtk_column_view_column_set_sorter (column, sorter);
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
      g_list_store_remove_all (self->streamers);
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
      tm_streamer_item_fill_store (self->streamers, catalog);
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

  if (self->streamers != NULL)
    g_list_store_remove_all (self->streamers);
  /* The settings binding stays: it belongs to the shared manager. */
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (tm_window_parent_class)->dispose (object);
}

static void
tm_window_finalize (GObject *object)
{
  TmWindow *self = TM_WINDOW (object);

  g_clear_object (&self->streamers);
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

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brands_list);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, streamers_view);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, name_column);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, followers_column);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, credit_column);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, cooperations_column);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, last_cooperation_column);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, incidents_column);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_revealer);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, offline_icon);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, sync_status_label);
  gtk_widget_class_bind_template_callback (widget_class, setup_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_number_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_name_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_platforms_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_followers_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_categories_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_credit_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_cooperations_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_last_cooperation_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_incidents_cb);
}

static void
tm_window_init (TmWindow *self)
{
  g_autoptr(GtkSortListModel) sorted = NULL;
  g_autoptr(GtkSingleSelection) selection = NULL;
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

  set_column_sorter (self->name_column, compare_name);
  set_column_sorter (self->followers_column, compare_followers);
  set_column_sorter (self->credit_column, compare_credit);
  set_column_sorter (self->cooperations_column, compare_cooperations);
  set_column_sorter (self->last_cooperation_column, compare_last_cooperation);
  set_column_sorter (self->incidents_column, compare_incidents);

  self->streamers = g_list_store_new (TM_TYPE_STREAMER_ITEM);
  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->streamers)),
                                    g_object_ref (gtk_column_view_get_sorter (self->streamers_view)));
  selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&sorted)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->streamers_view, GTK_SELECTION_MODEL (selection));

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
