/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-application.h"
#include "tm-brand-editor.h"
#include "tm-preferences-window.h"
#include "tm-gui-utils.h"
#include "tm-json.h"
#include "tm-match-view.h"
#include "tm-partnership-review.h"
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
  AdwLeaflet           *brands_leaflet;
  GtkListBox           *brands_list;
  GtkLabel             *brands_count_label;
  GtkWidget            *brand_content;
  GtkStack             *brand_stack;
  AdwStatusPage        *no_brand_page;
  TmBrandEditor        *brand_editor;
  TmStreamerDirectory  *directory;
  TmPartnershipReview  *review;
  TmMatchView          *match_view;
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

  TmBrandObject        *edited_brand;   /* shown in the editor */
  GHashTable           *deleted_here;   /* ids whose undo toast is ours */

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

static void
update_brand_row (GtkWidget     *row,
                  const TmBrand *brand)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *constraints = format_brand_constraints (brand);

  /* Names come from data files and users: never markup. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), brand->name);
  /* Translators: a brand's category and price tier, e.g. "Beauty · Premium". */
  subtitle = g_strdup_printf (_("%s · %s"), tm_category_label (brand->category),
                              tm_price_tier_label (brand->price_tier));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* The constraints in force, without opening the brand. */
  gtk_widget_set_tooltip_text (row, constraints);
  adw_avatar_set_text (g_object_get_data (G_OBJECT (row), "avatar"), brand->name);
}

static void
on_brand_object_changed_cb (TmBrandObject *item,
                            GParamSpec    *pspec,
                            GtkWidget     *row)
{
  update_brand_row (row, tm_brand_object_get_brand (item));
}

static GtkWidget *
create_brand_row (gpointer item,
                  gpointer user_data)
{
  TmBrandObject *brand = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, NULL, TRUE);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  g_object_set_data (G_OBJECT (row), "avatar", avatar);
  g_object_set_data_full (G_OBJECT (row), "brand", g_object_ref (brand), g_object_unref);
  update_brand_row (row, tm_brand_object_get_brand (brand));
  g_signal_connect_object (brand, "notify::brand", G_CALLBACK (on_brand_object_changed_cb), row, 0);
  return row;
}

static void
tm_window_update_brands_count (TmWindow *self)
{
  guint n = g_list_model_get_n_items (tm_context_get_brands (self->context));
  g_autofree char *text = NULL;

  /* Translators: the heading of the brand list. */
  text = g_strdup_printf (ngettext ("%u Brand", "%u Brands", n), n);
  gtk_label_set_text (self->brands_count_label, text);
  if (n == 0)
    {
      adw_status_page_set_title (self->no_brand_page, _("No Brands Yet"));
      adw_status_page_set_description (self->no_brand_page,
                                       _("Create a brand profile to rank streamers for it."));
    }
  else
    {
      adw_status_page_set_title (self->no_brand_page, _("No Brand Selected"));
      adw_status_page_set_description (self->no_brand_page,
                                       _("Pick a brand on the left, or create one for a new client."));
    }
}

/* The brand shown changed elsewhere: a reload, a sync, another window. */
static void
on_edited_brand_changed_cb (TmBrandObject *item,
                            GParamSpec    *pspec,
                            TmWindow      *self)
{
  const TmBrand *shown = tm_brand_editor_get_brand (self->brand_editor);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (shown == NULL)
    return;
  a = tm_brand_digest (shown);
  b = tm_brand_digest (tm_brand_object_get_brand (item));
  /* Our own saves leave the two equal. */
  if (!g_str_equal (a, b))
    tm_brand_editor_set_brand (self->brand_editor, tm_brand_object_get_brand (item));
}

static void
tm_window_show_brand (TmWindow      *self,
                      TmBrandObject *item)
{
  if (self->edited_brand != NULL)
    g_signal_handlers_disconnect_by_func (self->edited_brand, on_edited_brand_changed_cb, self);
  g_set_object (&self->edited_brand, item);
  if (item != NULL)
    g_signal_connect (item, "notify::brand", G_CALLBACK (on_edited_brand_changed_cb), self);
  if (item == NULL)
    {
      tm_brand_editor_set_brand (self->brand_editor, NULL);
      gtk_stack_set_visible_child_name (self->brand_stack, "none");
      return;
    }
  tm_brand_editor_set_brand (self->brand_editor, tm_brand_object_get_brand (item));
  gtk_stack_set_visible_child_name (self->brand_stack, "editor");
}

static void
tm_window_select_brand (TmWindow   *self,
                        const char *id)
{
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->brands_list, i)) != NULL; i++)
    {
      TmBrandObject *item = g_object_get_data (G_OBJECT (row), "brand");

      if (g_str_equal (tm_brand_object_get_id (item), id))
        {
          gtk_list_box_select_row (self->brands_list, row);
          return;
        }
    }
}

static void
on_brand_row_selected_cb (GtkListBox    *list,
                          GtkListBoxRow *row,
                          TmWindow      *self)
{
  TmBrandObject *item = row != NULL ? g_object_get_data (G_OBJECT (row), "brand") : NULL;

  if (item == self->edited_brand)
    return;
  tm_window_show_brand (self, item);
  if (item != NULL)
    adw_leaflet_set_visible_child (self->brands_leaflet, self->brand_content);
}

static void
on_brands_changed_cb (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      TmWindow   *self)
{
  tm_window_update_brands_count (self);
  /* The brand being edited was deleted, or a sync removed it. */
  if (self->edited_brand != NULL
      && tm_context_find_brand (self->context, tm_brand_object_get_id (self->edited_brand)) == NULL)
    tm_window_show_brand (self, NULL);
}

static void
on_brand_edited_cb (TmBrandEditor *editor,
                    const TmBrand *brand,
                    TmWindow      *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_name = NULL;
  TmBrandObject *item = tm_context_find_brand (self->context, brand->id);
  gboolean deferred = FALSE;

  if (item != NULL)
    old_name = g_strdup (tm_brand_object_get_brand (item)->name);
  if (tm_context_save_brand (self->context, brand, &deferred, &error) == NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says why, e.g. "database is locked". */
      text = g_strdup_printf (_("Not saved: %s. Your changes stay in this form; "
                                "the next change tries again."), error->message);
      tm_brand_editor_set_save_status (editor, text, TRUE);
      return;
    }
  if (g_strcmp0 (old_name, brand->name) != 0)
    tm_partnership_review_brands_changed (self->review);
  tm_brand_editor_set_save_status (editor,
                                   deferred ? _("Saved here; written to the database when the sync ends")
                                            : _("All changes saved"),
                                   FALSE);
}

static void
on_brand_save_failed_cb (TmContext    *context,
                         const char   *id,
                         const GError *error,
                         TmWindow     *self)
{
  TmBrandObject *item = tm_context_find_brand (context, id);
  g_autofree char *text = NULL;

  /* Translators: the first %s is a brand's name, the second says why. */
  text = g_strdup_printf (_("Could not save “%s”: %s. It is kept and saved again at your next change."),
                          item != NULL ? tm_brand_object_get_brand (item)->name : id,
                          error->message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* The undo time of brand @id deleted in this window is over. */
static void
tm_window_flush_delete (TmWindow   *self,
                        const char *id)
{
  g_autoptr(GError) error = NULL;

  g_hash_table_remove (self->deleted_here, id);
  if (!tm_context_flush_delete (self->context, id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not delete the brand: %s. It is back in the list."),
                                               error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
    }
}

static void
on_delete_toast_dismissed_cb (AdwToast *toast,
                              TmWindow *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (toast), "brand-id"));

  /* Only this toast's brand: another may still wait for its Undo. */
  tm_window_flush_delete (self, id);
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

/* Opens a streamer's page from elsewhere (the match view's evidence). */
static void
show_streamer_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  TmWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, "streamers");
  on_streamer_activated_cb (self, g_variant_get_string (parameter, NULL));
}

/* Opens a streamer's page on one of its cooperations or incidents (the
 * match view's evidence). */
static void
show_record_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TmWindow *self = user_data;
  g_autoptr(GVariant) streamer = NULL;
  const char *streamer_id, *record_id;

  g_variant_get (parameter, "(&s&s)", &streamer_id, &record_id);
  streamer = g_variant_ref_sink (g_variant_new_string (streamer_id));
  show_streamer_action (action, streamer, self);
  if (g_strcmp0 (tm_streamer_page_get_streamer_id (self->streamer_page), streamer_id) == 0)
    tm_streamer_page_show_record (self->streamer_page, record_id);
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
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "show-review")),
                               data);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "show-match")),
                               data);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "match-brand")),
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
      tm_brand_editor_set_catalog (self->brand_editor, NULL);
      tm_partnership_review_set_catalog (self->review, NULL);
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

      tm_brand_editor_set_catalog (self->brand_editor, catalog);
      tm_streamer_directory_set_catalog (self->directory, catalog);
      tm_partnership_review_set_catalog (self->review, catalog);
      /* Side by side, the form is not left empty at the start. */
      if (self->edited_brand == NULL && !adw_leaflet_get_folded (self->brands_leaflet))
        {
          GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->brands_list, 0);

          if (first != NULL)
            gtk_list_box_select_row (self->brands_list, first);
        }
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

/* Opens the preferences on the page called @page_name, or on the first. */
static void
show_preferences (TmWindow   *self,
                  const char *page_name)
{
  TmPreferencesWindow *dialog = tm_preferences_window_new (GTK_WINDOW (self), self->sync);

  if (page_name != NULL)
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (dialog), page_name);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  show_preferences (user_data, NULL);
}

static void
show_match_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TmWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, "match");
}

/* "Find Streamers" in the brand editor: the match results of that brand. */
static void
match_brand_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TmWindow *self = user_data;

  /* A new brand has no results until it is saved. */
  if (!tm_match_view_set_brand_id (self->match_view, g_variant_get_string (parameter, NULL)))
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Save the brand to find streamers for it")));
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, "match");
}

static void
show_review_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  TmWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, "review");
}

static void
feed_settings_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  show_preferences (user_data, "feed");
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

static void
new_brand_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  TmWindow *self = user_data;
  g_autoptr(TmBrand) brand = tm_brand_new_local (_("New Brand"));
  g_autoptr(GError) error = NULL;

  if (tm_context_save_brand (self->context, brand, NULL, &error) == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not create a brand: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, "brands");
  tm_window_select_brand (self, brand->id);
  tm_brand_editor_focus_name (self->brand_editor);
}

static void
duplicate_brand_action (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  TmWindow *self = user_data;
  g_autoptr(TmBrand) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const TmBrand *brand;

  if (self->edited_brand == NULL)
    return;
  /* The saved version: a form with a problem shows an edit never saved. */
  brand = tm_brand_object_get_brand (self->edited_brand);
  /* Translators: the name of a duplicated brand, e.g. "花西子 (Copy)". */
  name = g_strdup_printf (_("%s (Copy)"), brand->name);
  copy = tm_brand_duplicate (brand, name);
  /* A name near the length limit would not take the suffix. */
  if (!tm_brand_validate (copy, NULL, NULL))
    {
      g_free (copy->name);
      copy->name = g_strdup (brand->name);
    }
  if (tm_context_save_brand (self->context, copy, NULL, &error) == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not duplicate the brand: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
      return;
    }
  tm_window_select_brand (self, copy->id);
}

static void
delete_brand_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  TmWindow *self = user_data;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (self->edited_brand == NULL)
    return;
  id = g_strdup (tm_brand_object_get_id (self->edited_brand));
  /* Translators: %s is a brand's name. */
  title = g_strdup_printf (_("“%s” deleted"), tm_brand_object_get_brand (self->edited_brand)->name);
  tm_context_remove_brand (self->context, id);

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete-brand");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "brand-id", g_strdup (id), g_free);
  g_hash_table_add (self->deleted_here, g_strdup (id));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
undo_delete_brand_action (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  TmWindow *self = user_data;
  const char *id = g_variant_get_string (param, NULL);

  if (tm_context_restore_brand (self->context, id))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "brands");
      tm_window_select_brand (self, id);
    }
}

static void
brands_back_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  TmWindow *self = user_data;

  adw_leaflet_navigate (self->brands_leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  /* Selecting the same brand again must open it again. */
  gtk_list_box_unselect_all (self->brands_list);
}

static const GActionEntry window_actions[] = {
  { "new-brand", new_brand_action },
  { "duplicate-brand", duplicate_brand_action },
  { "delete-brand", delete_brand_action },
  { "undo-delete-brand", undo_delete_brand_action, "s" },
  { "brands-back", brands_back_action },
  { "sync", sync_action },
  { "cancel-sync", cancel_sync_action },
  { "preferences", preferences_action },
  { "feed-settings", feed_settings_action },
  { "dismiss-sync-error", dismiss_sync_error_action },
  { "reload", reload_action },
  { "show-brands", show_brands_action },
  { "show-streamers", show_streamers_action },
  { "show-review", show_review_action },
  { "show-match", show_match_action },
  { "match-brand", match_brand_action, "s" },
  { "show-streamer", show_streamer_action, "s" },
  { "show-record", show_record_action, "(ss)" },
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

  /* Closing ends the undo time of the brands deleted in this window (not
   * of those whose toasts another window shows). */
  {
    g_autoptr(GList) ids = g_hash_table_get_keys (self->deleted_here);

    for (GList *l = ids; l != NULL; l = l->next)
      {
        g_autofree char *id = g_strdup (l->data);

        tm_window_flush_delete (self, id);
      }
  }

  return GTK_WINDOW_CLASS (tm_window_parent_class)->close_request (window);
}

static void
tm_window_constructed (GObject *object)
{
  TmWindow *self = TM_WINDOW (object);

  G_OBJECT_CLASS (tm_window_parent_class)->constructed (object);

  g_assert (TM_IS_CONTEXT (self->context));

  tm_streamer_page_set_context (self->streamer_page, self->context);
  tm_match_view_set_context (self->match_view, self->context);

  g_signal_connect_object (self->context,
                           "notify::state",
                           G_CALLBACK (on_context_state_changed_cb),
                           self,
                           0);

  tm_partnership_review_set_brands (self->review, tm_context_get_brands (self->context));
  tm_partnership_review_set_context (self->review, self->context);
  gtk_list_box_bind_model (self->brands_list, tm_context_get_brands (self->context),
                           create_brand_row, self, NULL);
  g_signal_connect_object (tm_context_get_brands (self->context), "items-changed",
                           G_CALLBACK (on_brands_changed_cb), self, 0);
  g_signal_connect_object (self->context, "brand-save-failed",
                           G_CALLBACK (on_brand_save_failed_cb), self, 0);
  tm_window_update_brands_count (self);

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
  if (self->edited_brand != NULL)
    g_signal_handlers_disconnect_by_func (self->edited_brand, on_edited_brand_changed_cb, self);
  g_clear_object (&self->edited_brand);

  G_OBJECT_CLASS (tm_window_parent_class)->dispose (object);
}

static void
tm_window_finalize (GObject *object)
{
  TmWindow *self = TM_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->context);
  g_clear_pointer (&self->deleted_here, g_hash_table_unref);

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
  g_type_ensure (TM_TYPE_BRAND_EDITOR);
  g_type_ensure (TM_TYPE_PARTNERSHIP_REVIEW);
  g_type_ensure (TM_TYPE_STREAMER_PAGE);
  g_type_ensure (TM_TYPE_MATCH_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brands_leaflet);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brands_list);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brands_count_label);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brand_content);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brand_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, no_brand_page);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, brand_editor);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, directory);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, review);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, streamers_stack);
  gtk_widget_class_bind_template_child (widget_class, TmWindow, match_view);
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

  self->deleted_here = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (self->brands_list, "row-selected", G_CALLBACK (on_brand_row_selected_cb), self);
  g_signal_connect (self->brand_editor, "brand-edited", G_CALLBACK (on_brand_edited_cb), self);

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
