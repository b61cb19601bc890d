/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-ranking-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-engine.h"
#include "tm-gui-utils.h"
#include "tm-ranking-page.h"

struct _TmRankingPage
{
  AdwPreferencesPage  parent_instance;

  GSettings          *settings;
  gboolean            loading;   /* the spins are being set from the settings */

  /* Template widgets */
  GtkSpinButton      *style_spin;
  GtkSpinButton      *history_spin;
  GtkSpinButton      *trust_spin;
  GtkSpinButton      *risk_spin;
  GtkLabel           *style_share;
  GtkLabel           *history_share;
  GtkLabel           *trust_share;
  GtkLabel           *error_label;
  GtkButton          *reset_button;
};

G_DEFINE_FINAL_TYPE (TmRankingPage, tm_ranking_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
read_spins (TmRankingPage *self,
            TmWeights     *weights)
{
  weights->style = gtk_spin_button_get_value (self->style_spin);
  weights->history = gtk_spin_button_get_value (self->history_spin);
  weights->trust = gtk_spin_button_get_value (self->trust_spin);
  weights->risk = gtk_spin_button_get_value (self->risk_spin);
}

static gboolean
weights_equal (const TmWeights *a,
               const TmWeights *b)
{
  return a->style == b->style && a->history == b->history
         && a->trust == b->trust && a->risk == b->risk;
}

static void
set_share (GtkLabel *label,
           gboolean  valid,
           guint     percent)
{
  g_autofree char *text = NULL;

  if (!valid)
    {
      gtk_label_set_text (label, "—");
      return;
    }
  /* Translators: a weight's share of the score, "35%" */
  text = g_strdup_printf (_("%u%%"), percent);
  gtk_label_set_text (label, text);
}

static void
update_shares (TmRankingPage   *self,
               const TmWeights *weights)
{
  TmWeights defaults;
  guint percent[3];
  gboolean valid = tm_weights_get_percentages (weights, percent);

  set_share (self->style_share, valid, percent[0]);
  set_share (self->history_share, valid, percent[1]);
  set_share (self->trust_share, valid, percent[2]);

  tm_weights_init_default (&defaults);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button),
                            !weights_equal (weights, &defaults));
}

static void
clear_error (TmRankingPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->style_spin), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->history_spin), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->trust_spin), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

/* Shows the weights the ranking uses: the stored ones, or the engine's
 * defaults when the stored set is not valid. */
static void
load_weights (TmRankingPage *self)
{
  TmWeights weights;

  tm_settings_get_default_weights (self->settings, &weights);
  self->loading = TRUE;
  gtk_spin_button_set_value (self->style_spin, weights.style);
  gtk_spin_button_set_value (self->history_spin, weights.history);
  gtk_spin_button_set_value (self->trust_spin, weights.trust);
  gtk_spin_button_set_value (self->risk_spin, weights.risk);
  self->loading = FALSE;
  clear_error (self);
  update_shares (self, &weights);
}

static void
weight_changed_cb (GtkSpinButton *spin,
                   TmRankingPage *self)
{
  TmWeights weights;

  if (self->loading)
    return;
  read_spins (self, &weights);
  update_shares (self, &weights);
  /* Three zeros rank nothing: say so at the field the user just set and
   * keep the settings at the last set that ranks. */
  if (!tm_weights_is_valid (&weights))
    {
      clear_error (self);
      gtk_widget_add_css_class (GTK_WIDGET (spin), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  clear_error (self);
  tm_settings_set_default_weights (self->settings, &weights);
}

static void
reset_clicked_cb (TmRankingPage *self)
{
  g_settings_reset (self->settings, TM_SETTINGS_WEIGHT_STYLE);
  g_settings_reset (self->settings, TM_SETTINGS_WEIGHT_HISTORY);
  g_settings_reset (self->settings, TM_SETTINGS_WEIGHT_TRUST);
  g_settings_reset (self->settings, TM_SETTINGS_WEIGHT_RISK);
  /* Also when the keys were at their defaults already but the spins
   * showed a refused set. */
  load_weights (self);
}

static void
on_settings_changed (GSettings     *settings,
                     const char    *key,
                     TmRankingPage *self)
{
  TmWeights shown;
  TmWeights stored;

  if (!g_str_has_prefix (key, "default-weight-"))
    return;
  /* Our own writes come back here: leave a refused field marked and the
   * user's typing alone while the spins already say the same. */
  read_spins (self, &shown);
  tm_settings_get_default_weights (settings, &stored);
  if (!weights_equal (&shown, &stored))
    load_weights (self);
}

static void
tm_ranking_page_constructed (GObject *object)
{
  TmRankingPage *self = TM_RANKING_PAGE (object);

  G_OBJECT_CLASS (tm_ranking_page_parent_class)->constructed (object);

  /* As a template child of the preferences window no settings are given. */
  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed), self, 0);
  load_weights (self);
}

static void
tm_ranking_page_dispose (GObject *object)
{
  TmRankingPage *self = TM_RANKING_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_RANKING_PAGE);

  G_OBJECT_CLASS (tm_ranking_page_parent_class)->dispose (object);
}

static void
tm_ranking_page_finalize (GObject *object)
{
  TmRankingPage *self = TM_RANKING_PAGE (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tm_ranking_page_parent_class)->finalize (object);
}

static void
tm_ranking_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TmRankingPage *self = TM_RANKING_PAGE (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_ranking_page_class_init (TmRankingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tm_ranking_page_constructed;
  object_class->dispose = tm_ranking_page_dispose;
  object_class->finalize = tm_ranking_page_finalize;
  object_class->set_property = tm_ranking_page_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-ranking-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, style_spin);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, history_spin);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, trust_spin);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, risk_spin);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, style_share);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, history_share);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, trust_share);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TmRankingPage, reset_button);
  gtk_widget_class_bind_template_callback (widget_class, weight_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
tm_ranking_page_init (TmRankingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tm_ranking_page_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (TM_TYPE_RANKING_PAGE,
                       "settings", settings,
                       NULL);
}
