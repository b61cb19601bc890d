/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-lookalike-dialog"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "tm-lookalike.h"
#include "tm-lookalike-dialog.h"

#define N_SHOWN 20

struct _TmLookalikeDialog
{
  AdwWindow        parent_instance;

  TmCatalog       *catalog;

  /* Template widgets */
  AdwWindowTitle  *window_title;
  GtkListBox      *list;
};

enum {
  SIGNAL_STREAMER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TmLookalikeDialog, tm_lookalike_dialog, ADW_TYPE_WINDOW)

static void
on_row_activated_cb (TmLookalikeDialog *self,
                     GtkListBoxRow     *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "streamer-id");

  if (id != NULL)
    g_signal_emit (self, signals[SIGNAL_STREAMER_ACTIVATED], 0, id);
}

static char *
format_part (TmLookalikeComponent c,
             double               value)
{
  if (isnan (value))
    /* Translators: a part of a similarity that cannot be computed, e.g. "Audience –" */
    return g_strdup_printf (_("%s –"), tm_lookalike_component_label (c));
  /* Translators: a part of a similarity, e.g. "Style 21%" */
  return g_strdup_printf (_("%s %.0f%%"), tm_lookalike_component_label (c), 100.0 * value);
}

static GtkWidget *
create_row (TmLookalikeDialog *self,
            guint              seed,
            guint              rank,
            const TmLookalike *l)
{
  const TmCatalogStreamer *s = &self->catalog->streamers[l->streamer];
  g_autoptr(TmLookalikeExplanation) e = tm_lookalike_explain (self->catalog, seed, l->streamer);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *title = NULL, *rank_text = NULL, *score_text = NULL, *score_label = NULL;
  GtkWidget *row, *rank_label, *box, *score, *caption;

  for (guint c = 0; c < TM_LOOKALIKE_N_COMPONENTS; c++)
    {
      g_autofree char *part = format_part (c, l->components[c]);

      g_string_append_printf (subtitle, "%s%s", c > 0 ? " · " : "", part);
    }
  for (guint i = 0; i < e->sentences->len; i++)
    g_string_append_printf (subtitle, "\n%s", (char *) g_ptr_array_index (e->sentences, i));

  row = adw_action_row_new ();
  title = g_markup_escape_text (s->name, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  {
    g_autofree char *escaped = g_markup_escape_text (subtitle->str, -1);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  }
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "streamer-id", g_strdup (s->id), g_free);

  rank_text = g_strdup_printf ("%u", rank);
  rank_label = gtk_label_new (rank_text);
  gtk_label_set_width_chars (GTK_LABEL (rank_label), 2);
  gtk_label_set_xalign (GTK_LABEL (rank_label), 1);
  gtk_widget_add_css_class (rank_label, "dim-label");
  gtk_widget_add_css_class (rank_label, "numeric");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), rank_label);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  score_text = g_strdup_printf ("%.1f", l->score);
  score = gtk_label_new (score_text);
  gtk_widget_add_css_class (score, "title-3");
  gtk_widget_add_css_class (score, "numeric");
  /* Translators: under a similarity from 0 to 100 */
  caption = gtk_label_new (_("similar"));
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_box_append (GTK_BOX (box), score);
  gtk_box_append (GTK_BOX (box), caption);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  /* Translators: accessible label of a lookalike row: name, similarity */
  score_label = g_strdup_printf (_("%s, %.1f similar"), s->name, l->score);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, score_label,
                                  -1);
  return row;
}

static void
tm_lookalike_dialog_finalize (GObject *object)
{
  TmLookalikeDialog *self = TM_LOOKALIKE_DIALOG (object);

  g_clear_pointer (&self->catalog, tm_catalog_unref);

  G_OBJECT_CLASS (tm_lookalike_dialog_parent_class)->finalize (object);
}

static void
tm_lookalike_dialog_class_init (TmLookalikeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tm_lookalike_dialog_finalize;

  /**
   * TmLookalikeDialog::streamer-activated:
   * @id: the id of the streamer chosen
   *
   * The user chose a streamer of the list, to open its page.
   */
  signals[SIGNAL_STREAMER_ACTIVATED] =
    g_signal_new ("streamer-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-lookalike-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TmLookalikeDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, TmLookalikeDialog, list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
}

static void
tm_lookalike_dialog_init (TmLookalikeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TmLookalikeDialog *
tm_lookalike_dialog_new (TmCatalog *catalog,
                         guint      seed)
{
  TmLookalikeDialog *self;
  g_autoptr(GArray) found = NULL;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (seed < catalog->n_streamers, NULL);

  self = g_object_new (TM_TYPE_LOOKALIKE_DIALOG, NULL);
  self->catalog = tm_catalog_ref (catalog);

  /* Translators: subtitle of the Similar Streamers window; %s is a name */
  subtitle = g_strdup_printf (_("Like %s"), catalog->streamers[seed].name);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  /* A top 20 of 100,000 streamers takes about 10 ms (docs/performance.md),
   * so it is computed here rather than in a worker. */
  found = tm_lookalike_find (catalog, seed, N_SHOWN);
  for (guint r = 0; r < found->len; r++)
    gtk_list_box_append (self->list,
                         create_row (self, seed, r + 1, &g_array_index (found, TmLookalike, r)));
  return self;
}
