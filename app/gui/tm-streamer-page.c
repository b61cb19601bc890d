/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-gui-utils.h"
#include "tm-history-chart.h"
#include "tm-lookalike-dialog.h"
#include "tm-streamer-page.h"

/* How long typing must pause before the notes are saved, in ms. */
#define NOTES_SAVE_DELAY 1000

struct _TmStreamerPage
{
  AdwBin           parent_instance;

  TmContext       *context;
  char            *streamer_id;    /* nullable: nothing shown */
  TmStreamer      *streamer;
  GPtrArray       *cooperations;   /* TmCooperation*, by date */
  GPtrArray       *incidents;      /* TmIncident*, by date */
  GHashTable      *brand_names;    /* brand id → name */

  guint            notes_save_id;
  gboolean         notes_dirty;
  char            *highlighted;    /* the record show_record marked */
  gboolean         notes_loading;  /* the buffer is being set, not typed */

  /* Template widgets */
  GtkButton       *back_button;
  GtkLabel        *title_label;
  GtkScrolledWindow *scrolled_window;
  AdwAvatar       *avatar;
  GtkLabel        *name_label;
  GtkLabel        *verification_label;
  GtkLabel        *id_label;
  GtkLabel        *categories_label;
  GtkFlowBox      *tags_box;
  AdwPreferencesGroup *accounts_group;
  GtkListBox      *accounts_list;
  GtkListBox      *signals_list;
  GtkStack        *history_stack;
  TmHistoryChart  *history_chart;
  GtkGrid         *history_grid;
  GtkListBox      *incidents_list;
  GtkLabel        *notes_status_label;
  GtkTextView     *notes_view;
};

enum {
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TmStreamerPage, tm_streamer_page, ADW_TYPE_BIN)


/*
 * Formatting
 */

static char *
format_percent (double rate)
{
  if (isnan (rate))
    return NULL;
  return g_strdup_printf ("%.1f%%", rate * 100);
}

static char *
format_provenance (const TmProvenance *p)
{
  g_autofree char *provenance = tm_provenance_format (p);

  /* Translators: where a figure comes from, as the compare window's
   * tooltips say it: "Source: Platform · 2026-10-15 · Observed" */
  return g_strdup_printf (_("Source: %s"), provenance);
}

static const char *
brand_name (TmStreamerPage      *self,
            const TmCooperation *c)
{
  const char *name;

  if (c->brand_id == NULL)
    return c->brand_name;
  name = g_hash_table_lookup (self->brand_names, c->brand_id);
  return name != NULL ? name : c->brand_id;
}

static void
add_toast (TmStreamerPage *self,
           AdwToast       *toast)
{
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))), toast);
}

static void
remove_all (GtkWidget *container,
            void     (*remove) (gpointer, GtkWidget *))
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (container)) != NULL)
    remove (container, child);
}

static void
clear_list (GtkListBox *list)
{
  remove_all (GTK_WIDGET (list), (void (*) (gpointer, GtkWidget *)) gtk_list_box_remove);
}

static GtkWidget *
value_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text != NULL ? text : _("Not on record"));

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, text != NULL ? "numeric" : "dim-label");
  return label;
}


/*
 * Profile and signals
 */

static void
fill_profile (TmStreamerPage *self)
{
  const TmStreamer *s = self->streamer;
  g_autofree char *id = g_strdup_printf (_("ID %s"), s->id);
  g_autoptr(GString) categories = g_string_new (NULL);
  GtkWidget *child;

  gtk_label_set_text (self->title_label, s->name);
  gtk_label_set_text (self->name_label, s->name);
  adw_avatar_set_text (self->avatar, s->name);
  gtk_label_set_text (self->id_label, id);

  gtk_label_set_text (self->verification_label, tm_verification_label (s->verification));
  gtk_widget_remove_css_class (GTK_WIDGET (self->verification_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verification_label), "error");
  if (s->verification == TM_VERIFICATION_VERIFIED)
    gtk_widget_add_css_class (GTK_WIDGET (self->verification_label), "success");
  else if (s->verification == TM_VERIFICATION_SUSPENDED)
    gtk_widget_add_css_class (GTK_WIDGET (self->verification_label), "error");

  for (guint i = 0; i < s->categories->len; i++)
    {
      if (i > 0)
        g_string_append (categories, tm_gui_list_separator ());
      g_string_append (categories, tm_category_label (g_ptr_array_index (s->categories, i)));
    }
  gtk_label_set_text (self->categories_label, categories->str);
  gtk_widget_set_visible (GTK_WIDGET (self->categories_label), categories->len > 0);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tags_box))) != NULL)
    gtk_flow_box_remove (self->tags_box, child);
  for (guint i = 0; i < s->style_tags->len; i++)
    {
      const TmStyleTag *tag = &g_array_index (s->style_tags, TmStyleTag, i);
      g_autofree char *text = g_strdup_printf ("%s %.0f%%", tag->tag, tag->weight * 100);
      GtkWidget *label = gtk_label_new (text);

      gtk_widget_add_css_class (label, "style-tag");
      gtk_widget_set_tooltip_text (label, _("Style tag and its weight"));
      gtk_flow_box_append (self->tags_box, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tags_box), s->style_tags->len > 0);
}

static void
fill_accounts (TmStreamerPage *self)
{
  const TmStreamer *s = self->streamer;
  g_autofree char *provenance = NULL;

  clear_list (self->accounts_list);
  for (guint i = 0; i < s->accounts->len; i++)
    {
      const TmAccount *a = &g_array_index (s->accounts, TmAccount, i);
      g_autofree char *count = tm_gui_format_compact_count (a->followers);
      /* Translators: %s is a follower count such as "1.2M" or "120.5万". */
      g_autofree char *followers = g_strdup_printf (_("%s followers"), count);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tm_platform_label (a->platform));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), a->handle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (followers));
      gtk_list_box_append (self->accounts_list, row);
    }

  provenance = format_provenance (tm_provenance_for (&s->provenance, s->figure_provenance, "accounts"));
  adw_preferences_group_set_description (self->accounts_group, provenance);
}

static void
add_signal (TmStreamerPage     *self,
            const char         *title,
            char               *value,   /* taken; NULL when unknown */
            const char         *field)
{
  const TmStreamer *s = self->streamer;
  g_autofree char *owned = value;
  g_autofree char *provenance = NULL;
  const TmProvenance *p = tm_provenance_for (&s->provenance, s->figure_provenance, field);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (value != NULL)
    {
      provenance = format_provenance (p);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), provenance);
      /* An estimate is not a measurement: say so at a glance. */
      if (p->basis == TM_BASIS_ESTIMATED)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-question-symbolic");

          gtk_widget_set_tooltip_text (icon, _("Estimated, not measured"));
          gtk_widget_add_css_class (icon, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
        }
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (owned));
  gtk_list_box_append (self->signals_list, row);
}

static void
fill_signals (TmStreamerPage *self)
{
  const TmStreamer *s = self->streamer;
  char *credit = NULL;
  char *reviews = NULL;
  char *price = NULL;

  clear_list (self->signals_list);

  if (!isnan (s->credit_score))
    {
      g_autofree char *score = tm_gui_format_credit (s->credit_score, s->credit_scale);

      /* Translators: a credit score and the platform that gives it, e.g.
       * "4.8/5 on Douyin". */
      credit = s->credit_platform != TM_PLATFORM_NONE
               ? g_strdup_printf (_("%s on %s"), score, tm_platform_label (s->credit_platform))
               : g_strdup (score);
    }
  add_signal (self, _("Credit score"), credit, "credit");
  add_signal (self, _("Verification"), g_strdup (tm_verification_label (s->verification)), "verification");
  add_signal (self, _("Engagement rate"), format_percent (s->engagement_rate), "engagement_rate");
  if (s->reviews_positive >= 0 && s->reviews_negative >= 0)
    {
      g_autofree char *positive = tm_gui_format_count (s->reviews_positive);
      g_autofree char *negative = tm_gui_format_count (s->reviews_negative);

      /* Translators: review counts, e.g. "18,250 positive · 412 negative". */
      reviews = g_strdup_printf (_("%s positive · %s negative"), positive, negative);
    }
  add_signal (self, _("Reviews"), reviews, "reviews");
  add_signal (self, _("Fake review share"), format_percent (s->fake_review_share), "reviews.fake_share");
  add_signal (self, _("Dispute resolution rate"), format_percent (s->dispute_resolution_rate),
              "dispute_resolution_rate");
  add_signal (self, _("Repeat buyer rate"), format_percent (s->repeat_buyer_rate), "repeat_buyer_rate");
  add_signal (self, _("Average live viewers"),
              s->avg_live_viewers >= 0 ? tm_gui_format_compact_count (s->avg_live_viewers) : NULL,
              "avg_live_viewers");
  if (s->price_low_fen >= 0 && s->price_high_fen >= 0)
    {
      g_autofree char *low = tm_format_fen (s->price_low_fen, FALSE);
      g_autofree char *high = tm_format_fen (s->price_high_fen, FALSE);

      price = g_strdup_printf ("%s – %s", low, high);
    }
  add_signal (self, _("Price range"), price, "price_range_fen");
}


/*
 * History and incidents
 */

static GtkWidget *
cell (const char *text,
      gboolean    number)
{
  GtkWidget *label = gtk_label_new (text != NULL ? text : "—");

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1 : 0);
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  return label;
}

enum {
  COL_DATE,
  COL_BRAND,
  COL_PLATFORM,
  COL_FORMAT,
  COL_GMV,
  COL_ORDERS,
  COL_FEE,
  COL_COMMISSION,
  COL_RETURN_RATE,
  COL_COMPLAINTS,
  COL_RATING,
  COL_NOTES,
  N_COLS
};

static void
fill_history (TmStreamerPage *self)
{
  const char *headers[N_COLS] = {
    _("Date"), _("Brand"), _("Platform"), _("Format"), _("GMV"), _("Orders"), _("Fee"),
    _("Commission"), _("Return rate"), _("Complaints"), _("Rating"), _("Notes"),
  };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_grid))) != NULL)
    gtk_grid_remove (self->history_grid, child);

  tm_history_chart_set_cooperations (self->history_chart, self->cooperations, self->brand_names);
  gtk_stack_set_visible_child_name (self->history_stack, self->cooperations->len > 0 ? "history" : "empty");
  if (self->cooperations->len == 0)
    return;

  for (guint col = 0; col < N_COLS; col++)
    {
      GtkWidget *label = cell (headers[col], col >= COL_GMV && col <= COL_RATING);

      gtk_widget_add_css_class (label, "heading");
      gtk_grid_attach (self->history_grid, label, col, 0, 1, 1);
    }

  /* Newest first, as a ledger is read; the chart runs left to right. */
  for (guint i = 0; i < self->cooperations->len; i++)
    {
      const TmCooperation *c = g_ptr_array_index (self->cooperations, self->cooperations->len - 1 - i);
      g_autofree char *date = tm_date_format (c->date);
      g_autofree char *gmv = tm_format_fen (c->gmv_fen, FALSE);
      g_autofree char *orders = tm_gui_format_count (c->orders);
      g_autofree char *fee = tm_format_fen (c->fee_fen, FALSE);
      g_autofree char *commission = tm_format_fen (c->commission_fen, FALSE);
      g_autofree char *return_rate = format_percent (c->return_rate);
      g_autofree char *complaints = tm_gui_format_count (c->complaints);
      g_autofree char *rating = isnan (c->rating) ? NULL : g_strdup_printf ("%.1f", c->rating);
      int row = i + 1;
      GtkWidget *notes;

      {
        GtkWidget *date_cell = cell (date, FALSE);

        g_object_set_data_full (G_OBJECT (date_cell), "record-id", g_strdup (c->id), g_free);
        gtk_grid_attach (self->history_grid, date_cell, COL_DATE, row, 1, 1);
      }
      gtk_grid_attach (self->history_grid, cell (brand_name (self, c), FALSE), COL_BRAND, row, 1, 1);
      gtk_grid_attach (self->history_grid,
                       cell (c->platform != TM_PLATFORM_NONE ? tm_platform_label (c->platform) : NULL, FALSE),
                       COL_PLATFORM, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (tm_format_label (c->format), FALSE), COL_FORMAT, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (gmv, TRUE), COL_GMV, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (orders, TRUE), COL_ORDERS, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (fee, TRUE), COL_FEE, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (commission, TRUE), COL_COMMISSION, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (return_rate, TRUE), COL_RETURN_RATE, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (complaints, TRUE), COL_COMPLAINTS, row, 1, 1);
      gtk_grid_attach (self->history_grid, cell (rating, TRUE), COL_RATING, row, 1, 1);

      notes = cell (c->notes != NULL ? c->notes : "", FALSE);
      gtk_label_set_ellipsize (GTK_LABEL (notes), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (notes), 28);
      gtk_widget_set_tooltip_text (notes, c->notes);
      gtk_grid_attach (self->history_grid, notes, COL_NOTES, row, 1, 1);
    }
}

static GtkWidget *
create_incident_row (const TmIncident *incident)
{
  g_autofree char *date = tm_date_format (incident->date);
  /* Translators: an incident's severity, from 1 (minor) to 5 (critical). */
  g_autofree char *severity = g_strdup_printf (_("Severity %d/5"), incident->severity);
  g_autofree char *provenance = format_provenance (&incident->provenance);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (box, "incident");

  label = gtk_label_new (tm_incident_kind_label (incident->kind));
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (line), label);

  label = gtk_label_new (severity);
  gtk_widget_add_css_class (label, "severity");
  gtk_widget_add_css_class (label, incident->severity >= 4 ? "error" : "warning");
  gtk_box_append (GTK_BOX (line), label);

  label = gtk_label_new (incident->resolved ? _("Resolved") : _("Unresolved"));
  gtk_widget_add_css_class (label, incident->resolved ? "success" : "error");
  gtk_box_append (GTK_BOX (line), label);

  label = gtk_label_new (date);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (line), label);
  gtk_box_append (GTK_BOX (box), line);

  label = gtk_label_new (incident->description);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);

  if (incident->resolution != NULL)
    {
      /* Translators: how an incident was resolved. */
      g_autofree char *text = g_strdup_printf (_("Resolution: %s"), incident->resolution);

      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }

  if (incident->source_url != NULL)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<a href=\"%s\">%s</a>",
                                                         incident->source_url, incident->source_url);

      label = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_set_tooltip_text (label, incident->source_url);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }

  label = gtk_label_new (provenance);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
fill_incidents (TmStreamerPage *self)
{
  clear_list (self->incidents_list);

  if (self->incidents->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No incidents on record"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->incidents_list, row);
      return;
    }

  /* Newest first. */
  for (guint i = self->incidents->len; i-- > 0;)
    {
      const TmIncident *incident = g_ptr_array_index (self->incidents, i);
      GtkWidget *row = create_incident_row (incident);

      g_object_set_data_full (G_OBJECT (row), "record-id", g_strdup (incident->id), g_free);
      gtk_list_box_append (self->incidents_list, row);
    }
}


/*
 * Notes
 */

static char *
get_notes_text (TmStreamerPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_notes_status (TmStreamerPage *self,
                  const char     *text)
{
  gtk_label_set_text (self->notes_status_label, text != NULL ? text : "");
}

/* @show_error: FALSE while the page goes away, when no one would see it. */
static gboolean
save_notes (TmStreamerPage *self,
            gboolean        show_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean deferred = FALSE;

  g_clear_handle_id (&self->notes_save_id, g_source_remove);
  if (!self->notes_dirty)
    return TRUE;
  g_assert (self->streamer_id != NULL && self->context != NULL);

  text = get_notes_text (self);
  /* Through the context: while a sync writes, the notes wait in memory
   * instead of the window waiting for the database. */
  if (!tm_context_save_streamer_note (self->context, self->streamer_id, text, &deferred, &error))
    {
      g_autofree char *message = NULL;

      /* The text stays in the view, and the next change or leaving the
       * page tries again. */
      set_notes_status (self, _("Not saved"));
      if (!show_error)
        {
          g_warning ("Could not save the notes about %s: %s", self->streamer_id, error->message);
          return FALSE;
        }
      message = g_strdup_printf (_("Your notes could not be saved: %s"), error->message);
      {
        AdwToast *toast = adw_toast_new (message);

        adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
        adw_toast_set_timeout (toast, 0);
        add_toast (self, toast);
      }
      return FALSE;
    }

  self->notes_dirty = FALSE;
  if (deferred)
    set_notes_status (self, _("Kept; written to the database when the sync ends"));
  else
    set_notes_status (self, text[0] != '\0' ? _("Saved") : NULL);
  return TRUE;
}

static gboolean
on_notes_save_timeout_cb (gpointer user_data)
{
  TmStreamerPage *self = user_data;

  self->notes_save_id = 0;
  save_notes (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_notes_changed_cb (GtkTextBuffer  *buffer,
                     TmStreamerPage *self)
{
  if (self->notes_loading || self->streamer_id == NULL)
    return;
  self->notes_dirty = TRUE;
  set_notes_status (self, NULL);
  g_clear_handle_id (&self->notes_save_id, g_source_remove);
  self->notes_save_id = g_timeout_add (NOTES_SAVE_DELAY, on_notes_save_timeout_cb, self);
}

static void
set_notes_text (TmStreamerPage *self,
                const char     *text)
{
  self->notes_loading = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), text != NULL ? text : "", -1);
  self->notes_loading = FALSE;
  self->notes_dirty = FALSE;
  set_notes_status (self, NULL);
}


/*
 * Loading
 */

static void
clear_records (TmStreamerPage *self)
{
  g_clear_handle_id (&self->notes_save_id, g_source_remove);
  self->notes_dirty = FALSE;
  g_clear_pointer (&self->highlighted, g_free);
  g_clear_pointer (&self->streamer_id, g_free);
  g_clear_pointer (&self->streamer, tm_streamer_free);
  g_clear_pointer (&self->cooperations, g_ptr_array_unref);
  g_clear_pointer (&self->incidents, g_ptr_array_unref);
}

/* Reads @streamer_id from the context's store and shows it; the notes
 * are read again unless @keep_notes (the text in the view is newer). */
static gboolean
load (TmStreamerPage  *self,
      const char      *streamer_id,
      gboolean         keep_notes,
      GError         **error)
{
  g_autoptr(TmStreamer) streamer = NULL;
  g_autoptr(GPtrArray) cooperations = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *id = g_strdup (streamer_id);
  TmStore *store = self->context != NULL ? tm_context_get_store (self->context) : NULL;
  TmCatalog *catalog = self->context != NULL ? tm_context_get_catalog (self->context) : NULL;

  if (store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The data is still loading; try again in a moment."));
      return FALSE;
    }
  if (!tm_store_load_streamer (store, id, &streamer, &cooperations, &incidents, error)
      || (!keep_notes && !tm_context_get_streamer_note (self->context, id, &notes, error)))
    return FALSE;

  clear_records (self);
  self->streamer_id = g_steal_pointer (&id);
  self->streamer = g_steal_pointer (&streamer);
  self->cooperations = g_steal_pointer (&cooperations);
  self->incidents = g_steal_pointer (&incidents);

  g_hash_table_remove_all (self->brand_names);
  for (guint i = 0; catalog != NULL && i < catalog->n_brands; i++)
    g_hash_table_insert (self->brand_names, g_strdup (catalog->brands[i]->id),
                         g_strdup (catalog->brands[i]->name));

  fill_profile (self);
  fill_accounts (self);
  fill_signals (self);
  fill_history (self);
  fill_incidents (self);
  if (!keep_notes)
    set_notes_text (self, notes);
  return TRUE;
}

static void
on_context_state_changed_cb (TmContext      *context,
                             GParamSpec     *pspec,
                             TmStreamerPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gboolean dirty;

  if (self->streamer_id == NULL)
    return;

  if (tm_context_get_state (context) != TM_CONTEXT_STATE_READY)
    {
      /* The context keeps them until the store is back. */
      save_notes (self, TRUE);
      return;
    }

  /* A sync or a reload: show what the store holds now. */
  id = g_strdup (self->streamer_id);
  dirty = self->notes_dirty;
  if (load (self, id, dirty, &error))
    {
      self->notes_dirty = dirty;
      if (dirty)
        save_notes (self, TRUE);
      return;
    }

  if (g_error_matches (error, TM_STORE_ERROR, TM_STORE_ERROR_NOT_FOUND))
    {
      /* Gone from the store; its notes are saved and stay. */
      save_notes (self, TRUE);
      clear_records (self);
      g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
      return;
    }
  add_toast (self, adw_toast_new (error->message));
}


/*
 * Actions
 */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TmStreamerPage *self = TM_STREAMER_PAGE (widget);

  /* Leaving would lose the text when it cannot be saved: stay, with the
   * message on screen. */
  if (self->streamer_id != NULL && !save_notes (self, TRUE))
    return;
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
on_lookalike_activated_cb (TmStreamerPage    *self,
                           const char        *streamer_id,
                           TmLookalikeDialog *dialog)
{
  g_autoptr(GError) error = NULL;

  if (!tm_streamer_page_show_streamer (self, streamer_id, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
find_similar_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TmStreamerPage *self = TM_STREAMER_PAGE (widget);
  TmCatalog *catalog = self->context != NULL ? tm_context_get_catalog (self->context) : NULL;
  TmLookalikeDialog *dialog;
  gint seed;

  if (catalog == NULL || self->streamer_id == NULL
      || (seed = tm_catalog_find_streamer (catalog, self->streamer_id)) < 0)
    return;
  dialog = tm_lookalike_dialog_new (catalog, (guint) seed);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (widget)));
  g_signal_connect_object (dialog, "streamer-activated",
                           G_CALLBACK (on_lookalike_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/*
 * Public
 */

void
tm_streamer_page_set_context (TmStreamerPage *self,
                              TmContext      *context)
{
  g_return_if_fail (TM_IS_STREAMER_PAGE (self));
  g_return_if_fail (TM_IS_CONTEXT (context));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  g_signal_connect_object (context, "notify::state",
                           G_CALLBACK (on_context_state_changed_cb), self, 0);
}

gboolean
tm_streamer_page_show_streamer (TmStreamerPage  *self,
                                const char      *streamer_id,
                                GError         **error)
{
  g_return_val_if_fail (TM_IS_STREAMER_PAGE (self), FALSE);
  g_return_val_if_fail (streamer_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->streamer_id != NULL && !save_notes (self, TRUE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Your notes about “%s” could not be saved; they are still on its page."),
                   self->streamer->name);
      return FALSE;
    }
  if (!load (self, streamer_id, FALSE, error))
    return FALSE;

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  return TRUE;
}

const char *
tm_streamer_page_get_streamer_id (TmStreamerPage *self)
{
  g_return_val_if_fail (TM_IS_STREAMER_PAGE (self), NULL);

  return self->streamer_id;
}

gboolean
tm_streamer_page_save_notes (TmStreamerPage *self)
{
  g_return_val_if_fail (TM_IS_STREAMER_PAGE (self), FALSE);

  return save_notes (self, TRUE);
}


static void
clear_highlight (TmStreamerPage *self)
{
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->history_grid));
       c != NULL; c = gtk_widget_get_next_sibling (c))
    gtk_widget_remove_css_class (c, "highlighted-record");
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->incidents_list));
       c != NULL; c = gtk_widget_get_next_sibling (c))
    gtk_widget_remove_css_class (c, "highlighted-record");
  g_clear_pointer (&self->highlighted, g_free);
}

static void
scroll_now (TmStreamerPage *self,
            GtkWidget      *widget)
{
  GtkWidget *content = gtk_scrolled_window_get_child (self->scrolled_window);
  graphene_point_t at;

  if (gtk_widget_compute_point (widget, content, &GRAPHENE_POINT_INIT (0, 0), &at))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                              MAX (0, at.y - 48));
}

static void
on_after_paint_cb (GdkFrameClock  *clock,
                   TmStreamerPage *self)
{
  GtkWidget *target = g_object_get_data (G_OBJECT (self), "scroll-target");

  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, self);
  if (target != NULL)
    scroll_now (self, target);
  g_object_set_data (G_OBJECT (self), "scroll-target", NULL);
}

/* Scrolls the page so that @widget is in view, a little below the top:
 * after the next frame, when the page just filled has been laid out. */
static void
scroll_to (TmStreamerPage *self,
           GtkWidget      *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL)
    {
      scroll_now (self, widget);
      return;
    }
  g_object_set_data_full (G_OBJECT (self), "scroll-target", g_object_ref (widget), g_object_unref);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, self);
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint_cb), self, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
tm_streamer_page_show_record (TmStreamerPage *self,
                              const char     *record_id)
{
  g_return_val_if_fail (TM_IS_STREAMER_PAGE (self), FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);

  clear_highlight (self);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->history_grid));
       c != NULL; c = gtk_widget_get_next_sibling (c))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (c), "record-id"), record_id) == 0)
      {
        int column, row, width, height;

        /* Every cell of its row. */
        gtk_grid_query_child (self->history_grid, c, &column, &row, &width, &height);
        for (int col = 0; col < N_COLS; col++)
          {
            GtkWidget *w = gtk_grid_get_child_at (self->history_grid, col, row);

            if (w != NULL)
              gtk_widget_add_css_class (w, "highlighted-record");
          }
        self->highlighted = g_strdup (record_id);
        scroll_to (self, c);
        return TRUE;
      }
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->incidents_list));
       c != NULL; c = gtk_widget_get_next_sibling (c))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (c), "record-id"), record_id) == 0)
      {
        gtk_widget_add_css_class (c, "highlighted-record");
        self->highlighted = g_strdup (record_id);
        scroll_to (self, c);
        gtk_widget_grab_focus (c);
        return TRUE;
      }
  return FALSE;
}

const char *
tm_streamer_page_get_highlighted_record (TmStreamerPage *self)
{
  g_return_val_if_fail (TM_IS_STREAMER_PAGE (self), NULL);

  return self->highlighted;
}


/*
 * GObject and GtkWidget
 */

static void
tm_streamer_page_unmap (GtkWidget *widget)
{
  TmStreamerPage *self = TM_STREAMER_PAGE (widget);

  /* Another view, or the window closes: nothing typed waits for the
   * timer. */
  save_notes (self, TRUE);

  GTK_WIDGET_CLASS (tm_streamer_page_parent_class)->unmap (widget);
}

static void
tm_streamer_page_dispose (GObject *object)
{
  TmStreamerPage *self = TM_STREAMER_PAGE (object);

  if (self->notes_view != NULL)
    save_notes (self, FALSE);
  clear_records (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_STREAMER_PAGE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (tm_streamer_page_parent_class)->dispose (object);
}

static void
tm_streamer_page_finalize (GObject *object)
{
  TmStreamerPage *self = TM_STREAMER_PAGE (object);

  g_clear_pointer (&self->brand_names, g_hash_table_unref);
  g_free (self->highlighted);

  G_OBJECT_CLASS (tm_streamer_page_parent_class)->finalize (object);
}

static void
tm_streamer_page_class_init (TmStreamerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_streamer_page_dispose;
  object_class->finalize = tm_streamer_page_finalize;
  widget_class->unmap = tm_streamer_page_unmap;

  /**
   * TmStreamerPage::closed:
   *
   * The user asked to go back, or the streamer shown is gone.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "streamer-page.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "streamer-page.find-similar", NULL, find_similar_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "streamer-page.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "streamer-page.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Back, 0, "streamer-page.back", NULL);

  g_type_ensure (TM_TYPE_HISTORY_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-streamer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, verification_label);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, id_label);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, categories_label);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, tags_box);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, signals_list);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, history_stack);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, history_chart);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, history_grid);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, incidents_list);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, notes_status_label);
  gtk_widget_class_bind_template_child (widget_class, TmStreamerPage, notes_view);
}

static void
tm_streamer_page_init (TmStreamerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->brand_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_signal_connect_object (gtk_text_view_get_buffer (self->notes_view), "changed",
                           G_CALLBACK (on_notes_changed_cb), self, 0);
}
