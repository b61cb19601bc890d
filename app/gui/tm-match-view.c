/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-match-view"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tm-compare.h"
#include "tm-compare-window.h"
#include "tm-contribution-chart.h"
#include "tm-dossier.h"
#include "tm-export.h"
#include "tm-directory.h"
#include "tm-gui-utils.h"
#include "tm-match.h"
#include "tm-match-row.h"
#include "tm-match-view.h"
#include "tm-streamer-item.h"
#include "tm-streamer-slots.h"

static void update_compare (TmMatchView *self);

struct _TmMatchView
{
  AdwBin               parent_instance;

  TmContext           *context;
  GSettings           *settings;

  /* What is shown */
  TmCatalog           *catalog;      /* of the engine */
  TmEngine            *engine;
  TmRanking           *ranking;
  TmDirectory         *directory;    /* search and platform filter */
  guint32             *ranks;
  guint32             *base_ranks;
  GArray              *order;        /* included, rank order, unfiltered */
  TmMatchRowData       row_data;
  TmStreamerSlots     *slots;
  GtkSingleSelection  *selection;
  GPtrArray           *rows;         /* TmMatchRow, every row made */
  TmBrandObject       *brand;        /* picked, followed for edits */
  TmWeights            weights;
  guint                explained;    /* streamer index, G_MAXUINT none */

  /* Candidates picked for comparison: streamer ids, so they outlive a
   * reload of the catalog; of the brand in compare_brand. */
  GPtrArray           *compare_ids;
  char                *compare_brand;

  /* Ranking in the worker */
  GCancellable        *cancellable;
  guint                serial;
  gboolean             busy;
  gboolean             dirty;        /* rank again when shown */
  guint                weights_idle;
  gboolean             loading_weights; /* the sliders are being set */
  gboolean             following;    /* the selection follows the rows */

  /* Template widgets */
  GtkDropDown         *brand_dropdown;
  GtkSearchEntry      *search_entry;
  GtkMenuButton       *filter_button;
  GtkToggleButton     *excluded_toggle;
  GtkSpinner          *spinner;
  GtkLabel            *count_label;
  GtkButton           *compare_toggle_button;
  GtkButton           *compare_button;
  GtkScale            *style_scale;
  GtkScale            *history_scale;
  GtkScale            *trust_scale;
  GtkScale            *risk_scale;
  GtkButton           *reset_button;
  GtkButton           *save_weights_button;
  GtkStack            *list_stack;
  AdwStatusPage       *empty_page;
  GtkListView         *list_view;
  GtkLabel            *explain_title;
  GtkLabel            *explain_score;
  TmContributionChart *chart;
  GtkListBox          *evidence_list;
  GtkDropDown         *platform_dropdown;
  GtkSpinButton       *followers_min_spin;
  GtkSpinButton       *followers_max_spin;
  GtkSpinButton       *price_min_spin;
  GtkSpinButton       *price_max_spin;
  GtkToggleButton     *shortlist_toggle;
  GtkWidget           *decision_box;
  GtkLabel            *decision_label;
  GtkEntry            *decision_note;

  GHashTable          *decisions;    /* streamer id → TmDecision, of the brand */
};

G_DEFINE_FINAL_TYPE (TmMatchView, tm_match_view, ADW_TYPE_BIN)

static void tm_match_view_request (TmMatchView *self);
static gboolean weights_moved (TmMatchView *self);
static void update_shares (TmMatchView *self);
static void tm_match_view_explain (TmMatchView *self);
static void load_decisions (TmMatchView *self);
static void update_decision_panel (TmMatchView *self);
static GArray *keep_shortlisted (TmMatchView *self, GArray *rows);
static void tm_match_view_init_decisions (TmMatchView *self);
static void tm_match_view_class_init_decisions (GtkWidgetClass *widget_class);


/*
 * The ranking job
 */

typedef struct {
  TmCatalog *catalog;
  TmEngine  *engine;     /* NULL: made in the worker */
  TmBrand   *brand;
  TmWeights  weights;
  TmWeights  defaults;
  /* Results */
  TmRanking *ranking;
  guint32   *ranks;
  guint32   *base_ranks;
  GArray    *order;
} RankJob;

static void
rank_job_free (RankJob *job)
{
  g_clear_pointer (&job->catalog, tm_catalog_unref);
  g_clear_pointer (&job->engine, tm_engine_unref);
  g_clear_pointer (&job->brand, tm_brand_free);
  g_clear_pointer (&job->ranking, tm_ranking_free);
  g_clear_pointer (&job->ranks, g_free);
  g_clear_pointer (&job->base_ranks, g_free);
  g_clear_pointer (&job->order, g_array_unref);
  g_free (job);
}

static void
ranks_from_order (GArray  *order,
                  guint32 *ranks,
                  guint    n)
{
  memset (ranks, 0, n * sizeof (guint32));
  for (guint i = 0; i < order->len; i++)
    ranks[g_array_index (order, guint32, i)] = i + 1;
}

static void
rank_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RankJob *job = task_data;
  guint n = job->catalog->n_streamers;

  if (job->engine == NULL)
    job->engine = tm_engine_new (job->catalog, tm_date_today ());
  if (g_task_return_error_if_cancelled (task))
    return;

  /* The ranks under the default weights first: rank changes compare with
   * them. */
  job->ranking = tm_engine_rank (job->engine, job->brand, &job->defaults);
  job->base_ranks = g_new (guint32, MAX (n, 1));
  job->ranks = g_new (guint32, MAX (n, 1));
  job->order = tm_match_collect (job->ranking, NULL, FALSE);
  ranks_from_order (job->order, job->base_ranks, n);
  if (g_task_return_error_if_cancelled (task))
    return;

  tm_ranking_set_weights (job->ranking, &job->weights);
  g_clear_pointer (&job->order, g_array_unref);
  job->order = tm_match_collect (job->ranking, NULL, FALSE);
  ranks_from_order (job->order, job->ranks, n);

  g_task_return_boolean (task, TRUE);
}


/*
 * The list
 */

static void
update_rows (TmMatchView *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    tm_match_row_update (g_ptr_array_index (self->rows, i));
}

static void
read_filter (TmMatchView   *self,
             TmMatchFilter *filter)
{
  TmDirectoryFilter df = TM_DIRECTORY_FILTER_INIT;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint platform = gtk_drop_down_get_selected (self->platform_dropdown);
  double fmin = gtk_spin_button_get_value (self->followers_min_spin);
  double fmax = gtk_spin_button_get_value (self->followers_max_spin);
  double pmin = gtk_spin_button_get_value (self->price_min_spin);
  double pmax = gtk_spin_button_get_value (self->price_max_spin);
  gboolean directory = FALSE;

  *filter = (TmMatchFilter) TM_MATCH_FILTER_INIT;
  if (search != NULL && search[0] != '\0')
    {
      df.search = search;
      directory = TRUE;
    }
  /* Item 0 is "Any platform". */
  if (platform != GTK_INVALID_LIST_POSITION && platform > 0)
    {
      df.platforms = 1u << (platform - 1);
      directory = TRUE;
    }
  if (directory && self->directory != NULL)
    {
      tm_directory_set_filter (self->directory, &df);
      filter->directory = self->directory;
    }
  filter->followers_min = fmin > 0 ? (gint64) fmin : -1;
  filter->followers_max = fmax > 0 ? (gint64) fmax : -1;
  filter->price_min_fen = pmin > 0 ? (gint64) llround (pmin * 100) : -1;
  filter->price_max_fen = pmax > 0 ? (gint64) llround (pmax * 100) : -1;
}

static gboolean
filter_is_empty (const TmMatchFilter *f)
{
  return f->directory == NULL && f->followers_min < 0 && f->followers_max < 0
         && f->price_min_fen < 0 && f->price_max_fen < 0;
}

/* The rows shown: the order, narrowed by the filters, or the excluded
 * candidates. */
static void
show_rows (TmMatchView *self)
{
  g_autoptr(GArray) rows = NULL;
  g_autofree char *count = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;
  gboolean excluded = gtk_toggle_button_get_active (self->excluded_toggle);
  TmMatchFilter filter;
  guint n_all;

  if (self->ranking == NULL)
    {
      tm_streamer_slots_set_rows (self->slots, NULL, NULL);
      gtk_label_set_text (self->count_label, "");
      return;
    }

  read_filter (self, &filter);
  if (filter.followers_min >= 0 || filter.followers_max >= 0
      || filter.price_min_fen >= 0 || filter.price_max_fen >= 0
      || gtk_drop_down_get_selected (self->platform_dropdown) > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "filter-active");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "filter-active");

  if (excluded)
    rows = tm_match_collect (self->ranking, &filter, TRUE);
  else if (filter_is_empty (&filter))
    rows = g_array_ref (self->order);
  else
    {
      rows = g_array_sized_new (FALSE, FALSE, sizeof (guint32), self->order->len);
      for (guint i = 0; i < self->order->len; i++)
        {
          guint32 s = g_array_index (self->order, guint32, i);

          if (tm_match_filter_matches (&filter, self->catalog, s))
            g_array_append_val (rows, s);
        }
    }

  if (gtk_toggle_button_get_active (self->shortlist_toggle))
    rows = keep_shortlisted (self, g_steal_pointer (&rows));

  tm_streamer_slots_set_rows (self->slots, self->catalog, rows);
  update_rows (self);

  /* The items at each position moved to other streamers: the selection
   * follows the candidate explained to its new place. */
  {
    guint position = GTK_INVALID_LIST_POSITION;

    for (guint i = 0; i < rows->len && self->explained != G_MAXUINT; i++)
      if (g_array_index (rows, guint32, i) == self->explained)
        {
          position = i;
          break;
        }
    self->following = TRUE;
    gtk_single_selection_set_selected (self->selection, position);
    self->following = FALSE;
  }

  n_all = excluded ? tm_ranking_get_n_excluded (self->ranking) : tm_ranking_get_n_included (self->ranking);
  count = tm_gui_format_count (rows->len);
  total = tm_gui_format_count (n_all);
  if (excluded)
    /* Translators: "12 of 30 excluded candidates". */
    text = g_strdup_printf (_("%s of %s excluded candidates"), count, total);
  else
    /* Translators: "120 of 3,000 candidates". */
    text = g_strdup_printf (_("%s of %s candidates"), count, total);
  /* Once the sliders moved, say what the ▲/▼ marks compare with. */
  if (!excluded && weights_moved (self))
    {
      /* Translators: after the candidate count when the weights differ
       * from the brand's saved ones: what the rank-change marks mean */
      g_autofree char *with_marks = g_strconcat (text, _(" · ▲▼ vs. saved weights"), NULL);

      gtk_label_set_text (self->count_label, with_marks);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label),
                                   _("▲ and ▼: how many places each candidate moved compared with "
                                     "the brand's saved weights (Reset returns to them)"));
    }
  else
    {
      gtk_label_set_text (self->count_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label), NULL);
    }

  gtk_stack_set_visible_child_name (self->list_stack, rows->len > 0 ? "list" : "empty");
  update_decision_panel (self);
}


/*
 * Weights
 */

static void
read_weights (TmMatchView *self,
              TmWeights   *w)
{
  w->style = gtk_range_get_value (GTK_RANGE (self->style_scale));
  w->history = gtk_range_get_value (GTK_RANGE (self->history_scale));
  w->trust = gtk_range_get_value (GTK_RANGE (self->trust_scale));
  w->risk = gtk_range_get_value (GTK_RANGE (self->risk_scale));
}

/* The weights a brand starts from, which Reset returns to and rank
 * changes compare with: those saved for the brand, else the defaults of
 * the preferences. */
static void
get_defaults (TmMatchView *self,
              TmWeights   *w)
{
  double saved[4];

  if (self->brand != NULL && self->context != NULL
      && tm_context_get_brand_weights (self->context, tm_brand_object_get_id (self->brand), saved))
    {
      TmWeights brand = { saved[0], saved[1], saved[2], saved[3] };

      if (tm_weights_is_valid (&brand))
        {
          *w = brand;
          return;
        }
    }
  tm_settings_get_default_weights (self->settings, w);
}

/* Shows @w on the sliders: relative weights as percentages of their sum,
 * which rank the same (they are normalised). */
static void
write_weights (TmMatchView     *self,
               const TmWeights *w)
{
  double sum = w->style + w->history + w->trust;

  self->loading_weights = TRUE;
  gtk_range_set_value (GTK_RANGE (self->style_scale), sum > 0 ? 100 * w->style / sum : 0);
  gtk_range_set_value (GTK_RANGE (self->history_scale), sum > 0 ? 100 * w->history / sum : 0);
  gtk_range_set_value (GTK_RANGE (self->trust_scale), sum > 0 ? 100 * w->trust / sum : 0);
  gtk_range_set_value (GTK_RANGE (self->risk_scale), w->risk);
  self->loading_weights = FALSE;
  update_shares (self);
}

/* Whether the weights in use rank differently from the brand's base
 * weights, the ones the rank changes compare with: compared as shares,
 * since the weights are normalised. */
static gboolean
weights_moved (TmMatchView *self)
{
  TmWeights base;
  const TmWeights *now = &self->weights;
  double sum_now, sum_base;

  get_defaults (self, &base);
  sum_now = now->style + now->history + now->trust;
  sum_base = base.style + base.history + base.trust;
  if (sum_now <= 0 || sum_base <= 0)
    return FALSE;
  return fabs (now->style / sum_now - base.style / sum_base) > 1e-9
         || fabs (now->history / sum_now - base.history / sum_base) > 1e-9
         || fabs (now->trust / sum_now - base.trust / sum_base) > 1e-9
         || fabs (now->risk - base.risk) > 1e-9;
}

/* New weights on the ranking in hand: totals, order and ranks again.
 * 100k candidates take a few milliseconds (bench/bench-match.c), so this
 * runs on the main thread, at most once per frame. */
static void
apply_weights (TmMatchView *self)
{
  gint64 start = g_get_monotonic_time ();
  guint n;

  if (self->ranking == NULL || !tm_weights_is_valid (&self->weights))
    return;

  tm_ranking_set_weights (self->ranking, &self->weights);
  tm_ranking_get_candidates (self->ranking, &n);
  g_clear_pointer (&self->order, g_array_unref);
  self->order = tm_match_collect (self->ranking, NULL, FALSE);
  ranks_from_order (self->order, self->ranks, n);
  show_rows (self);
  tm_match_view_explain (self);
  g_debug ("Re-ranked %u candidates in %.1f ms", n, (g_get_monotonic_time () - start) / 1000.0);
}

static gboolean
apply_weights_idle_cb (gpointer user_data)
{
  TmMatchView *self = user_data;

  self->weights_idle = 0;
  apply_weights (self);
  return G_SOURCE_REMOVE;
}

/* What a component slider shows: its share of the score, "48%", not its
 * raw position, since the three are normalised (60 · 40 · 25 is 48 · 32
 * · 20).  An all-zero set, which ranks nothing, shows a dash. */
static char *
format_share_cb (GtkScale *scale,
                 double    value,
                 gpointer  user_data)
{
  TmMatchView *self = user_data;
  TmWeights w;
  guint percent[3];

  read_weights (self, &w);
  if (!tm_weights_get_percentages (&w, percent))
    return g_strdup ("–");
  /* Translators: a weight's share of the score on its slider, "48%" */
  return g_strdup_printf (_("%u%%"), percent[scale == self->style_scale ? 0
                                              : scale == self->history_scale ? 1 : 2]);
}

static char *
format_risk_cb (GtkScale *scale,
                double    value,
                gpointer  user_data)
{
  /* Translators: the risk weight on its slider: how many times the
   * penalties count, "×1.0" */
  return g_strdup_printf (_("×%.1f"), value);
}

/* A slider's label changes only with its own value: the other two shares
 * are shown again by setting their function anew. */
static void
update_shares (TmMatchView *self)
{
  GtkScale *scales[] = { self->style_scale, self->history_scale, self->trust_scale };

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    gtk_scale_set_format_value_func (scales[i], format_share_cb, self, NULL);
}

static void
on_weight_changed_cb (TmMatchView *self)
{
  TmWeights w;

  update_shares (self);
  if (self->loading_weights)
    return;
  read_weights (self, &w);
  /* All three at 0 rank nothing: keep the last valid weights. */
  if (!tm_weights_is_valid (&w))
    return;
  self->weights = w;
  /* A drag sends many values per frame: only the latest is ranked. */
  if (self->weights_idle == 0)
    self->weights_idle = g_idle_add_full (GDK_PRIORITY_REDRAW - 1, apply_weights_idle_cb, self, NULL);
}

static void
on_reset_clicked_cb (TmMatchView *self)
{
  TmWeights w;

  get_defaults (self, &w);
  tm_match_view_set_weights (self, &w);
}

static void
on_save_weights_clicked_cb (TmMatchView *self)
{
  double values[4] = { self->weights.style, self->weights.history, self->weights.trust, self->weights.risk };
  g_autoptr(GError) error = NULL;
  GtkWidget *overlay;

  if (self->brand == NULL || !tm_weights_is_valid (&self->weights))
    return;
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (!tm_context_save_brand_weights (self->context, tm_brand_object_get_id (self->brand), values, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the weights: %s"), error->message);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
      return;
    }
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay),
                                 adw_toast_new (_("Weights saved for this brand")));
  /* They are the brand's base now: rank changes start again from here. */
  self->dirty = TRUE;
  tm_match_view_request (self);
}

static void
on_default_weights_changed_cb (TmMatchView *self)
{
  /* The rank changes compare with the defaults: rank again. */
  self->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    tm_match_view_request (self);
}


/*
 * The explanation
 */

static void
clear_evidence (TmMatchView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->evidence_list))) != NULL)
    gtk_list_box_remove (self->evidence_list, child);
}

static void
add_evidence_row (TmMatchView *self,
                  const char  *text,
                  const char  *streamer_id,
                  gboolean     opens)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_box_append (GTK_BOX (box), label);
  if (opens)
    {
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      gtk_widget_set_tooltip_text (row, _("Open on the streamer page"));
      gtk_box_append (GTK_BOX (box), arrow);
      g_object_set_data_full (G_OBJECT (row), "streamer-id", g_strdup (streamer_id), g_free);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), opens);
  gtk_list_box_append (self->evidence_list, row);
}

static void
tm_match_view_explain (TmMatchView *self)
{
  g_autoptr(TmExplanation) explanation = NULL;
  const TmCatalogStreamer *s;
  const char *labels[TM_N_FACTORS];
  double values[TM_N_FACTORS], sums[TM_N_FACTORS] = { 0 };
  gboolean present[TM_N_FACTORS] = { FALSE };
  g_autofree char *score = NULL;
  guint n = 0;

  clear_evidence (self);
  gtk_widget_set_visible (GTK_WIDGET (self->evidence_list), FALSE);
  if (self->ranking == NULL || self->explained >= self->catalog->n_streamers)
    {
      gtk_label_set_text (self->explain_title, _("Select a candidate to see why it ranks where it does."));
      gtk_label_set_text (self->explain_score, "");
      tm_contribution_chart_set_bars (self->chart, NULL, NULL, 0);
      return;
    }

  s = &self->catalog->streamers[self->explained];
  explanation = tm_engine_explain (self->engine, tm_ranking_get_brand (self->ranking),
                                   self->explained, &self->weights);
  gtk_label_set_text (self->explain_title, s->name);
  /* Translators: the score of the candidate explained, 0–100. */
  score = g_strdup_printf (_("Score %.1f: the bars add up to it from the neutral start of 50."),
                           explanation->candidate.score);
  gtk_label_set_text (self->explain_score, score);

  /* One bar per factor: a candidate may have dozens of cooperations. */
  for (guint i = 0; i < explanation->items->len; i++)
    {
      const TmExplanationItem *item = g_ptr_array_index (explanation->items, i);

      sums[item->factor] += item->contribution;
      present[item->factor] = TRUE;
    }
  /* The neutral 50 is said in words: as a bar it would dwarf the rest. */
  for (int f = TM_FACTOR_NEUTRAL + 1; f < TM_N_FACTORS; f++)
    if (present[f])
      {
        labels[n] = tm_factor_label (f);
        values[n] = sums[f];
        n++;
      }
  tm_contribution_chart_set_bars (self->chart, labels, values, n);
  gtk_widget_set_visible (GTK_WIDGET (self->evidence_list), TRUE);

  for (guint i = 0; i < explanation->exclusions->len; i++)
    {
      const TmExclusion *e = g_ptr_array_index (explanation->exclusions, i);
      g_autofree char *text = g_strdup_printf ("⛔ %s", e->message);

      add_evidence_row (self, text, NULL, FALSE);
    }
  for (guint i = 0; i < explanation->items->len; i++)
    {
      const TmExplanationItem *item = g_ptr_array_index (explanation->items, i);
      gboolean record = (item->factor == TM_FACTOR_COOPERATION || item->factor == TM_FACTOR_INCIDENT)
                        && item->evidence != NULL && item->evidence[0] != NULL;
      g_autofree char *text = NULL;
      g_autofree char *points = NULL;

      if (item->message == NULL || item->message[0] == '\0')
        continue;
      points = tm_format_points_signed (item->contribution);
      text = g_strdup_printf ("%s  %s", points, item->message);
      add_evidence_row (self, text, s->id, record);
      /* The cooperation or incident it names, to show on the page. */
      if (record)
        {
          GtkWidget *last = gtk_widget_get_last_child (GTK_WIDGET (self->evidence_list));

          g_object_set_data_full (G_OBJECT (last), "record-id", g_strdup (item->evidence[0]), g_free);
        }
    }
}

static void
on_evidence_activated_cb (TmMatchView   *self,
                          GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "streamer-id");
  const char *record = g_object_get_data (G_OBJECT (row), "record-id");

  if (id != NULL && record != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-record", "(ss)", id, record);
  else if (id != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-streamer", "s", id);
}

static void
on_selection_changed_cb (TmMatchView *self)
{
  TmStreamerItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (self->following)
    return;
  self->explained = G_MAXUINT;
  if (item != NULL && self->catalog != NULL)
    self->explained = tm_streamer_item_get_streamer (item) - self->catalog->streamers;
  tm_match_view_explain (self);
  update_compare (self);
  update_decision_panel (self);
}


/*
 * Compare: up to four candidates picked one by one (the list keeps its
 * single selection for the explanation), then shown side by side.
 */

static const char *
compare_brand_id (TmMatchView *self)
{
  return self->ranking != NULL ? tm_ranking_get_brand (self->ranking)->id : NULL;
}

static gint
compare_find (TmMatchView *self,
              const char  *id)
{
  for (guint i = 0; i < self->compare_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->compare_ids, i), id))
      return (gint) i;
  return -1;
}

static void
update_compare (TmMatchView *self)
{
  const char *brand = compare_brand_id (self);
  guint n;
  gboolean member = FALSE;
  g_autofree char *label = NULL;

  /* Picks are for one brand: another brand starts afresh. */
  if (g_strcmp0 (brand, self->compare_brand) != 0)
    {
      g_ptr_array_set_size (self->compare_ids, 0);
      g_free (self->compare_brand);
      self->compare_brand = g_strdup (brand);
    }
  n = self->compare_ids->len;
  if (self->catalog != NULL && self->explained < self->catalog->n_streamers)
    member = compare_find (self, self->catalog->streamers[self->explained].id) >= 0;

  gtk_button_set_label (self->compare_toggle_button,
                        member ? _("Remove from _Compare") : _("Add to _Compare"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "match.toggle-compare",
                                 self->ranking != NULL && self->catalog != NULL
                                 && self->explained < self->catalog->n_streamers
                                 && (member || n < TM_COMPARE_MAX));
  /* Translators: the button opening the compare window; %u is how many
   * candidates are picked (up to four) */
  label = g_strdup_printf (_("C_ompare (%u)"), n);
  gtk_button_set_label (self->compare_button, label);
  /* The list rows do not show the picks: the tooltip names them. */
  if (n > 0 && self->catalog != NULL)
    {
      g_autoptr(GString) names = g_string_new (_("Compare the picked candidates side by side"));

      for (guint i = 0; i < n; i++)
        {
          gint s = tm_catalog_find_streamer (self->catalog, g_ptr_array_index (self->compare_ids, i));

          g_string_append_printf (names, "\n• %s",
                                  s >= 0 ? self->catalog->streamers[s].name
                                         : (const char *) g_ptr_array_index (self->compare_ids, i));
        }
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_button), names->str);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_button),
                                 _("Compare the picked candidates side by side"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "match.compare",
                                 self->ranking != NULL && n >= 2 && n <= TM_COMPARE_MAX);
}

static void
toggle_compare_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TmMatchView *self = TM_MATCH_VIEW (widget);
  const char *id;
  gint i;

  if (self->catalog == NULL || self->explained >= self->catalog->n_streamers)
    return;
  id = self->catalog->streamers[self->explained].id;
  if ((i = compare_find (self, id)) >= 0)
    g_ptr_array_remove_index (self->compare_ids, i);
  else if (self->compare_ids->len < TM_COMPARE_MAX)
    g_ptr_array_add (self->compare_ids, g_strdup (id));
  update_compare (self);
}

static void
compare_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  TmMatchView *self = TM_MATCH_VIEW (widget);
  guint streamers[TM_COMPARE_MAX];
  guint n = 0;
  GtkWidget *window;
  GtkRoot *root;

  if (self->ranking == NULL)
    return;
  for (guint i = 0; i < self->compare_ids->len && n < TM_COMPARE_MAX; i++)
    {
      gint s = tm_catalog_find_streamer (self->catalog, g_ptr_array_index (self->compare_ids, i));

      if (s >= 0)
        streamers[n++] = (guint) s;
    }
  if (n < 2)
    return;
  window = tm_compare_window_new (self->engine,
                                  self->context != NULL ? tm_context_get_store (self->context) : NULL,
                                  tm_ranking_get_brand (self->ranking),
                                  &self->weights, streamers, n);
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (window));
}


/*
 * Brands and ranking requests
 */

static void
set_busy (TmMatchView *self,
          gboolean     busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

static void
rank_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TmMatchView *self = TM_MATCH_VIEW (object);
  RankJob *job = g_task_get_task_data (G_TASK (result));
  guint serial = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;

  /* A newer request replaced this one; its spinner stays. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) || serial != self->serial)
    return;

  set_busy (self, FALSE);
  if (self->engine != job->engine)
    {
      g_clear_pointer (&self->engine, tm_engine_unref);
      self->engine = tm_engine_ref (job->engine);
    }
  g_clear_pointer (&self->ranking, tm_ranking_free);
  g_clear_pointer (&self->ranks, g_free);
  g_clear_pointer (&self->base_ranks, g_free);
  g_clear_pointer (&self->order, g_array_unref);
  self->ranking = g_steal_pointer (&job->ranking);
  self->ranks = g_steal_pointer (&job->ranks);
  self->base_ranks = g_steal_pointer (&job->base_ranks);
  self->order = g_steal_pointer (&job->order);
  self->row_data.ranking = self->ranking;
  self->row_data.ranks = self->ranks;
  self->row_data.base_ranks = self->base_ranks;
  load_decisions (self);

  /* The sliders may have moved while the worker ran. */
  if (memcmp (&job->weights, &self->weights, sizeof (TmWeights)) != 0)
    apply_weights (self);
  else
    {
      show_rows (self);
      tm_match_view_explain (self);
    }
  update_compare (self);
}

static void
tm_match_view_request (TmMatchView *self)
{
  g_autoptr(GTask) task = NULL;
  TmCatalog *catalog;
  RankJob *job;

  self->dirty = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->serial++;

  catalog = self->context != NULL ? tm_context_get_catalog (self->context) : NULL;
  if (catalog != self->catalog)
    {
      /* Rows and items point into the old catalog: let go of them first. */
      self->explained = G_MAXUINT;
      g_clear_pointer (&self->ranking, tm_ranking_free);
      self->row_data.ranking = NULL;
      tm_streamer_slots_set_rows (self->slots, NULL, NULL);
      g_clear_pointer (&self->engine, tm_engine_unref);
      g_clear_pointer (&self->directory, tm_directory_free);
      g_clear_pointer (&self->catalog, tm_catalog_unref);
      if (catalog != NULL)
        {
          self->catalog = tm_catalog_ref (catalog);
          self->directory = tm_directory_new (catalog);
        }
    }
  if (self->catalog == NULL || self->brand == NULL)
    {
      set_busy (self, FALSE);
      show_rows (self);
      tm_match_view_explain (self);
      return;
    }

  job = g_new0 (RankJob, 1);
  job->catalog = tm_catalog_ref (self->catalog);
  job->engine = self->engine != NULL ? tm_engine_ref (self->engine) : NULL;
  job->brand = tm_brand_copy (tm_brand_object_get_brand (self->brand));
  job->weights = self->weights;
  get_defaults (self, &job->defaults);

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, rank_done_cb, GUINT_TO_POINTER (self->serial));
  g_task_set_source_tag (task, tm_match_view_request);
  g_task_set_task_data (task, job, (GDestroyNotify) rank_job_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, rank_thread);
}

static void
on_brand_edited_cb (TmMatchView *self)
{
  self->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    tm_match_view_request (self);
}

static void
set_brand (TmMatchView   *self,
           TmBrandObject *brand)
{
  if (brand == self->brand)
    return;
  if (self->brand != NULL)
    g_signal_handlers_disconnect_by_func (self->brand, on_brand_edited_cb, self);
  g_set_object (&self->brand, brand);
  if (brand != NULL)
    g_signal_connect_swapped (brand, "notify::brand", G_CALLBACK (on_brand_edited_cb), self);
  /* Each brand starts from its own saved weights. */
  {
    TmWeights w;

    get_defaults (self, &w);
    write_weights (self, &w);
    read_weights (self, &self->weights);
    g_clear_handle_id (&self->weights_idle, g_source_remove);
  }
  self->explained = G_MAXUINT;
  on_brand_edited_cb (self);
}

static void
on_brand_selected_cb (TmMatchView *self)
{
  set_brand (self, gtk_drop_down_get_selected_item (self->brand_dropdown));
}

static void
on_context_state_cb (TmMatchView *self)
{
  if (tm_context_get_state (self->context) != TM_CONTEXT_STATE_READY)
    return;
  if (self->brand == NULL && g_list_model_get_n_items (tm_context_get_brands (self->context)) > 0)
    on_brand_selected_cb (self);
  self->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    tm_match_view_request (self);
}

static void
on_filter_changed_cb (TmMatchView *self)
{
  show_rows (self);
}

static char *
brand_name_cb (TmBrandObject *item)
{
  const TmBrand *brand = item ? tm_brand_object_get_brand (item) : NULL;

  return g_strdup (brand != NULL ? brand->name : "");
}


/*
 * The list's rows
 */

/* The list view drops rows without always tearing them down first. */
static void
row_finalized_cb (gpointer  user_data,
                  GObject  *row)
{
  TmMatchView *self = user_data;

  g_ptr_array_remove_fast (self->rows, row);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              TmMatchView              *self)
{
  GtkWidget *row = tm_match_row_new (&self->row_data);

  g_ptr_array_add (self->rows, row);
  g_object_weak_ref (G_OBJECT (row), row_finalized_cb, self);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             TmMatchView              *self)
{
  tm_match_row_set_item (TM_MATCH_ROW (gtk_list_item_get_child (list_item)),
                         gtk_list_item_get_item (list_item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               TmMatchView              *self)
{
  tm_match_row_set_item (TM_MATCH_ROW (gtk_list_item_get_child (list_item)), NULL);
}


/*
 * Decisions and export: the user's verdict on the selected candidate,
 * the "Shortlist only" filter and the Export menu.
 */

static void
add_toast (TmMatchView *self,
           const char  *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

static void
load_decisions (TmMatchView *self)
{
  if (self->context == NULL || self->brand == NULL)
    {
      g_hash_table_remove_all (self->decisions);
      return;
    }
  /* While a reload holds the store, what is shown stays. */
  tm_context_load_decisions (self->context, tm_brand_object_get_id (self->brand), self->decisions, NULL);
}

static gboolean
is_shortlisted (TmMatchView *self,
                guint32      streamer)
{
  const TmDecision *d = g_hash_table_lookup (self->decisions, self->catalog->streamers[streamer].id);

  return d != NULL && tm_decision_is_on_shortlist (d);
}

static GArray *
keep_shortlisted (TmMatchView *self,
                  GArray      *rows)
{
  GArray *kept = g_array_sized_new (FALSE, FALSE, sizeof (guint32), 16);

  for (guint i = 0; i < rows->len; i++)
    if (is_shortlisted (self, g_array_index (rows, guint32, i)))
      g_array_append_val (kept, g_array_index (rows, guint32, i));
  g_array_unref (rows);
  return kept;
}

static void
update_decision_panel (TmMatchView *self)
{
  const TmDecision *d = NULL;
  gboolean selected = self->explained != G_MAXUINT && self->catalog != NULL;

  if (selected)
    d = g_hash_table_lookup (self->decisions, self->catalog->streamers[self->explained].id);
  if (d != NULL)
    {
      g_autofree char *badge = tm_match_row_format_decision (d);
      g_autofree char *text = d->note != NULL
        /* Translators: a decision and the user's note about it. */
        ? g_strdup_printf (_("Decision: %s — %s"), badge, d->note)
        : g_strdup_printf (_("Decision: %s"), badge);

      gtk_label_set_text (self->decision_label, text);
    }
  else
    gtk_label_set_text (self->decision_label, _("No decision yet"));
  gtk_widget_set_visible (self->decision_box, selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "match.decide", selected);
}

static void
decide_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TmMatchView *self = TM_MATCH_VIEW (widget);
  int status = g_variant_get_int32 (parameter);
  g_autoptr(GError) error = NULL;
  const char *brand_id, *streamer_id;
  const char *note;
  gboolean deferred = FALSE;
  gboolean ok;

  if (self->context == NULL || self->brand == NULL || self->catalog == NULL
      || self->explained == G_MAXUINT || status >= TM_N_DECISIONS)
    return;
  brand_id = tm_brand_object_get_id (self->brand);
  streamer_id = self->catalog->streamers[self->explained].id;
  note = gtk_editable_get_text (GTK_EDITABLE (self->decision_note));
  if (status < 0)
    ok = tm_context_clear_decision (self->context, brand_id, streamer_id, &deferred, &error);
  else
    ok = tm_context_set_decision (self->context, brand_id, streamer_id, status, note, &deferred, &error);
  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the decision: %s"), error->message);

      add_toast (self, text);
      return;
    }
  if (deferred)
    add_toast (self, _("The decision will be saved when the update finishes"));
  /* Shown at once, even while a reload keeps the store from saying. */
  if (status < 0)
    g_hash_table_remove (self->decisions, streamer_id);
  else
    {
      TmDecision *d = tm_decision_new (brand_id, streamer_id, status, note);

      g_hash_table_replace (self->decisions, d->streamer_id, d);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->decision_note), "");
  load_decisions (self);
  if (gtk_toggle_button_get_active (self->shortlist_toggle))
    show_rows (self);
  else
    {
      update_rows (self);
      update_decision_panel (self);
    }
}

typedef struct {
  TmMatchExportFormat  format;
  char                *path;
  char                *database_path;
  TmEngine            *engine;
  TmBrand             *brand;
  TmWeights            weights;
  TmWeights            baseline;
  GHashTable          *chosen;   /* streamer ids */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->path);
  g_free (job->database_path);
  g_clear_pointer (&job->engine, tm_engine_unref);
  g_clear_pointer (&job->brand, tm_brand_free);
  g_clear_pointer (&job->chosen, g_hash_table_unref);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  TmCatalog *catalog = tm_engine_get_catalog (job->engine);
  g_autoptr(TmRanking) ranking = NULL;
  g_autoptr(TmStore) store = NULL;
  g_autofree guint32 *order = NULL;
  g_autofree guint32 *selection = NULL;
  g_autoptr(GError) error = NULL;
  guint n_candidates, n_order, n = 0;

  /* A ranking and a store connection of its own: the view's may change
   * or be used on the main thread meanwhile. */
  ranking = tm_engine_rank (job->engine, job->brand, &job->weights);
  tm_ranking_get_candidates (ranking, &n_candidates);
  order = g_new (guint32, MAX (n_candidates, 1));
  selection = g_new (guint32, MAX (n_candidates, 1));
  /* Rank order: the included best first, then the excluded, as the CLI. */
  n_order = tm_ranking_top (ranking, n_candidates, FALSE, order);
  n_order += tm_ranking_top (ranking, n_candidates - n_order, TRUE, order + n_order);
  for (guint i = 0; i < n_order; i++)
    if (g_hash_table_contains (job->chosen, catalog->streamers[order[i]].id))
      selection[n++] = order[i];
  if (n == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                               _("Nothing is shortlisted for this brand: mark candidates with Shortlist first"));
      return;
    }

  store = tm_store_open (job->database_path, NULL);
  if (job->format == TM_MATCH_EXPORT_CSV)
    {
      g_autoptr(GPtrArray) rows = tm_export_rows_new (ranking, store, selection, n, &job->baseline);
      g_autoptr(GBytes) csv = tm_export_csv (rows);

      if (!tm_export_write_file (job->path, csv, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      TmDossierOptions options = { .store = store };

      if (!tm_dossier_write_pdf (ranking, selection, n, &options, job->path, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_int (task, n);
}

void
tm_match_view_export_to_file_async (TmMatchView         *self,
                                    TmMatchExportFormat  format,
                                    const char          *path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer value;
  ExportJob *job;

  g_return_if_fail (TM_IS_MATCH_VIEW (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tm_match_view_export_to_file_async);
  if (self->engine == NULL || self->brand == NULL || self->ranking == NULL || self->context == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s",
                               _("The candidates are still being ranked; try again in a moment"));
      return;
    }

  job = g_new0 (ExportJob, 1);
  job->format = format;
  job->path = g_strdup (path);
  job->database_path = g_strdup (tm_context_get_database_path (self->context));
  if (job->database_path == NULL)
    job->database_path = tm_store_default_path ();
  job->engine = tm_engine_ref (self->engine);
  job->brand = tm_brand_copy (tm_brand_object_get_brand (self->brand));
  job->weights = self->weights;
  get_defaults (self, &job->baseline);
  job->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, self->decisions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const TmDecision *d = value;

      if (tm_decision_is_on_shortlist (d))
        g_hash_table_add (job->chosen, g_strdup (d->streamer_id));
    }
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
tm_match_view_export_to_file_finish (TmMatchView   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_int (G_TASK (result), error) > 0;
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TmMatchView *self = TM_MATCH_VIEW (object);
  g_autofree char *path = user_data;
  g_autofree char *name = g_filename_display_basename (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!tm_match_view_export_to_file_finish (self, result, &error))
    /* Translators: the file and why it could not be written. */
    text = g_strdup_printf (_("Could not export “%s”: %s"), name, error->message);
  else
    text = g_strdup_printf (_("Exported “%s”"), name);
  add_toast (self, text);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    TmMatchView     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      char *path = file != NULL ? g_file_get_path (file) : NULL;
      TmMatchExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "tm-format"));

      if (path != NULL)
        tm_match_view_export_to_file_async (self, format, path, NULL, export_done_cb, path);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
export_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TmMatchView *self = TM_MATCH_VIEW (widget);
  gboolean pdf = g_strcmp0 (g_variant_get_string (parameter, NULL), "pdf") == 0;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (self->brand == NULL)
    return;
  dialog = gtk_file_chooser_native_new (pdf ? _("Export Dossier as PDF") : _("Export Shortlist as CSV"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  name = g_strdup_printf ("%s-%s.%s", tm_brand_object_get_id (self->brand),
                          pdf ? "dossier" : "shortlist", pdf ? "pdf" : "csv");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data (G_OBJECT (dialog), "tm-format",
                     GINT_TO_POINTER (pdf ? TM_MATCH_EXPORT_PDF : TM_MATCH_EXPORT_CSV));
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
tm_match_view_class_init_decisions (GtkWidgetClass *widget_class)
{
  /* Target: a TmDecisionStatus, or -1 to clear. */
  gtk_widget_class_install_action (widget_class, "match.decide", "i", decide_action_cb);
  /* Target: "csv" or "pdf". */
  gtk_widget_class_install_action (widget_class, "match.export", "s", export_action_cb);
}

static void
tm_match_view_init_decisions (TmMatchView *self)
{
  self->decisions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) tm_decision_free);
  self->row_data.decisions = self->decisions;
  update_decision_panel (self);
}


/*
 * GObject and GtkWidget
 */

static void
tm_match_view_map (GtkWidget *widget)
{
  TmMatchView *self = TM_MATCH_VIEW (widget);

  GTK_WIDGET_CLASS (tm_match_view_parent_class)->map (widget);

  /* Ranking 100k candidates costs a second and memory: only once the
   * view is shown. */
  if (self->dirty)
    tm_match_view_request (self);
}

static void
tm_match_view_dispose (GObject *object)
{
  TmMatchView *self = TM_MATCH_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->weights_idle, g_source_remove);
  if (self->brand != NULL)
    g_signal_handlers_disconnect_by_func (self->brand, on_brand_edited_cb, self);
  g_clear_object (&self->brand);

  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_MATCH_VIEW);
  for (guint i = 0; i < self->rows->len; i++)
    g_object_weak_unref (g_ptr_array_index (self->rows, i), row_finalized_cb, self);
  g_ptr_array_set_size (self->rows, 0);

  g_clear_object (&self->selection);
  g_clear_object (&self->slots);
  g_clear_pointer (&self->compare_ids, g_ptr_array_unref);
  g_clear_pointer (&self->compare_brand, g_free);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tm_match_view_parent_class)->dispose (object);
}

static void
tm_match_view_finalize (GObject *object)
{
  TmMatchView *self = TM_MATCH_VIEW (object);

  g_clear_pointer (&self->ranking, tm_ranking_free);
  g_clear_pointer (&self->engine, tm_engine_unref);
  g_clear_pointer (&self->directory, tm_directory_free);
  g_clear_pointer (&self->catalog, tm_catalog_unref);
  g_clear_pointer (&self->ranks, g_free);
  g_clear_pointer (&self->base_ranks, g_free);
  g_clear_pointer (&self->order, g_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->decisions, g_hash_table_unref);

  G_OBJECT_CLASS (tm_match_view_parent_class)->finalize (object);
}

static void
tm_match_view_class_init (TmMatchViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_match_view_dispose;
  object_class->finalize = tm_match_view_finalize;
  widget_class->map = tm_match_view_map;

  g_type_ensure (TM_TYPE_CONTRIBUTION_CHART);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-match-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, brand_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, filter_button);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, excluded_toggle);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, spinner);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, count_label);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, compare_toggle_button);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, compare_button);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, style_scale);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, history_scale);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, trust_scale);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, risk_scale);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, reset_button);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, save_weights_button);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, list_view);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, explain_title);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, explain_score);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, chart);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, evidence_list);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, platform_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, followers_min_spin);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, followers_max_spin);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, price_min_spin);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, price_max_spin);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, shortlist_toggle);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, decision_box);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, decision_label);
  gtk_widget_class_bind_template_child (widget_class, TmMatchView, decision_note);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_weight_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_weights_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_evidence_activated_cb);

  gtk_widget_class_install_action (widget_class, "match.toggle-compare", NULL, toggle_compare_cb);
  gtk_widget_class_install_action (widget_class, "match.compare", NULL, compare_cb);
  tm_match_view_class_init_decisions (widget_class);
}

static void
tm_match_view_init (TmMatchView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkStringList) platforms = gtk_string_list_new (NULL);
  g_autoptr(GtkExpression) name_expression = NULL;
  TmWeights w;

  self->explained = G_MAXUINT;
  self->rows = g_ptr_array_new ();
  self->compare_ids = g_ptr_array_new_with_free_func (g_free);
  self->slots = tm_streamer_slots_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::" TM_SETTINGS_WEIGHT_STYLE,
                           G_CALLBACK (on_default_weights_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::" TM_SETTINGS_WEIGHT_HISTORY,
                           G_CALLBACK (on_default_weights_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::" TM_SETTINGS_WEIGHT_TRUST,
                           G_CALLBACK (on_default_weights_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::" TM_SETTINGS_WEIGHT_RISK,
                           G_CALLBACK (on_default_weights_changed_cb), self, G_CONNECT_SWAPPED);
  get_defaults (self, &w);
  gtk_scale_set_format_value_func (self->risk_scale, format_risk_cb, NULL, NULL);
  self->weights = w;
  write_weights (self, &w);
  read_weights (self, &self->weights);

  gtk_string_list_append (platforms, _("Any platform"));
  for (int p = 0; p < TM_N_PLATFORMS; p++)
    gtk_string_list_append (platforms, tm_platform_label (p));
  gtk_drop_down_set_model (self->platform_dropdown, G_LIST_MODEL (platforms));

  /* The drop-down takes a reference of its own. */
  name_expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                 G_CALLBACK (brand_name_cb), NULL, NULL);
  gtk_drop_down_set_expression (self->brand_dropdown, name_expression);
  g_signal_connect_swapped (self->brand_dropdown, "notify::selected-item",
                            G_CALLBACK (on_brand_selected_cb), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slots)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (on_selection_changed_cb), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "match-list");
  set_busy (self, FALSE);
  update_compare (self);
  tm_match_view_init_decisions (self);
}


/*
 * Public
 */

void
tm_match_view_set_context (TmMatchView *self,
                           TmContext   *context)
{
  g_return_if_fail (TM_IS_MATCH_VIEW (self));
  g_return_if_fail (TM_IS_CONTEXT (context));

  if (self->context == context)
    return;
  g_assert (self->context == NULL);
  self->context = g_object_ref (context);
  gtk_drop_down_set_model (self->brand_dropdown, tm_context_get_brands (context));
  g_signal_connect_object (context, "notify::state", G_CALLBACK (on_context_state_cb),
                           self, G_CONNECT_SWAPPED);
  on_context_state_cb (self);
}

gboolean
tm_match_view_set_brand_id (TmMatchView *self,
                            const char  *id)
{
  GListModel *brands;

  g_return_val_if_fail (TM_IS_MATCH_VIEW (self), FALSE);

  if (self->context == NULL || id == NULL)
    return FALSE;
  brands = tm_context_get_brands (self->context);
  for (guint i = 0; i < g_list_model_get_n_items (brands); i++)
    {
      g_autoptr(TmBrandObject) item = g_list_model_get_item (brands, i);

      if (g_strcmp0 (tm_brand_object_get_id (item), id) == 0)
        {
          gtk_drop_down_set_selected (self->brand_dropdown, i);
          set_brand (self, item);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
tm_match_view_get_brand_id (TmMatchView *self)
{
  g_return_val_if_fail (TM_IS_MATCH_VIEW (self), NULL);

  return self->brand != NULL ? tm_brand_object_get_id (self->brand) : NULL;
}

void
tm_match_view_set_weights (TmMatchView     *self,
                           const TmWeights *weights)
{
  g_return_if_fail (TM_IS_MATCH_VIEW (self));
  g_return_if_fail (tm_weights_is_valid (weights));

  write_weights (self, weights);
  read_weights (self, &self->weights);
  g_clear_handle_id (&self->weights_idle, g_source_remove);
  apply_weights (self);
}

void
tm_match_view_get_weights (TmMatchView *self,
                           TmWeights   *weights)
{
  g_return_if_fail (TM_IS_MATCH_VIEW (self));

  *weights = self->weights;
}

gboolean
tm_match_view_is_busy (TmMatchView *self)
{
  g_return_val_if_fail (TM_IS_MATCH_VIEW (self), FALSE);

  return self->busy;
}

TmRanking *
tm_match_view_get_ranking (TmMatchView *self)
{
  g_return_val_if_fail (TM_IS_MATCH_VIEW (self), NULL);

  return self->ranking;
}

GListModel *
tm_match_view_get_model (TmMatchView *self)
{
  g_return_val_if_fail (TM_IS_MATCH_VIEW (self), NULL);

  return G_LIST_MODEL (self->slots);
}

void
tm_match_view_select (TmMatchView *self,
                      guint        position)
{
  g_return_if_fail (TM_IS_MATCH_VIEW (self));

  gtk_single_selection_set_selected (self->selection, position);
}
