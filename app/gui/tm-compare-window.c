/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-compare-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tm-catalog.h"
#include "tm-compare.h"
#include "tm-compare-window.h"
#include "tm-gui-utils.h"
#include "tm-history-chart.h"
#include "tm-store.h"

struct _TmCompareWindow
{
  AdwWindow   parent_instance;

  GtkGrid    *grid;
  GHashTable *rows;        /* row code → grid row (GINT_TO_POINTER + 1) */
  guint       n_rows;
  guint       n_columns;
};

G_DEFINE_FINAL_TYPE (TmCompareWindow, tm_compare_window, ADW_TYPE_WINDOW)

/* A candidate's full records from the store, for the provenance of each
 * figure (the catalog keeps one provenance per streamer).  All NULL when
 * there is no store or it no longer has the streamer. */
typedef struct {
  TmStreamer *streamer;
  GPtrArray  *cooperations;  /* TmCooperation* */
  GPtrArray  *incidents;     /* TmIncident* */
} Records;

static void
records_clear (Records *r)
{
  g_clear_pointer (&r->streamer, tm_streamer_free);
  g_clear_pointer (&r->cooperations, g_ptr_array_unref);
  g_clear_pointer (&r->incidents, g_ptr_array_unref);
}

static char *
format_points (double points)
{
  return g_strdup_printf ("%.1f", points);
}

static char *
format_signed (double points)
{
  return tm_format_points_signed (points);
}

static char *
format_penalty (double penalty)
{
  return format_signed (-penalty);
}

static char *
format_percent (double fraction)
{
  return g_strdup_printf ("%.0f%%", fraction * 100.0);
}

/* Rates of the trust signals, "4.2%"; unknown (NAN) ones say so. */
static char *
format_rate (double fraction)
{
  if (isnan (fraction))
    return g_strdup (_("Unknown"));
  return g_strdup_printf ("%.1f%%", fraction * 100.0);
}

static char *
format_viewers (double n)
{
  if (isnan (n))
    return g_strdup (_("Unknown"));
  return tm_gui_format_compact_count ((gint64) n);
}

/* A credit score as a share of its scale, to three places: scores on
 * different scales that are the same share tie. */
static char *
format_share (double share)
{
  return g_strdup_printf ("%.3f", share);
}

static char *
format_count (double n)
{
  return tm_gui_format_count ((guint64) n);
}

static char *
format_followers (double n)
{
  return tm_gui_format_compact_count ((gint64) n);
}

static GtkWidget *
add_header_label (TmCompareWindow *self,
                  const char      *code,
                  const char      *label)
{
  GtkWidget *w = gtk_label_new (label);

  gtk_label_set_xalign (GTK_LABEL (w), 0);
  gtk_label_set_wrap (GTK_LABEL (w), TRUE);
  /* Wide enough that most labels take one line. */
  gtk_label_set_width_chars (GTK_LABEL (w), 18);
  gtk_label_set_max_width_chars (GTK_LABEL (w), 24);
  gtk_widget_add_css_class (w, "dim-label");
  gtk_grid_attach (self->grid, w, 0, self->n_rows, 1, 1);
  g_hash_table_insert (self->rows, g_strdup (code), GUINT_TO_POINTER (self->n_rows + 1));
  return w;
}

/* Adds a cell; @best marks it with a star, bold and an accessible
 * description, so the mark does not depend on colour. */
static GtkWidget *
add_cell (TmCompareWindow *self,
          guint            column,
          const char      *text,
          gboolean         best)
{
  GtkWidget *w;

  if (best)
    {
      /* Translators: a cell holding the best value of its row, "★ 72.4" */
      g_autofree char *starred = g_strdup_printf (_("★ %s"), text);
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", starred);

      w = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (w), markup);
      gtk_widget_add_css_class (w, "compare-best");
      gtk_accessible_update_property (GTK_ACCESSIBLE (w),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("Best in this row"),
                                      -1);
    }
  else
    w = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (w), 1);
  gtk_label_set_wrap (GTK_LABEL (w), TRUE);
  gtk_label_set_selectable (GTK_LABEL (w), FALSE);
  gtk_widget_add_css_class (w, "numeric");
  gtk_grid_attach (self->grid, w, column + 1, self->n_rows, 1, 1);
  return w;
}

static void
add_number_row (TmCompareWindow *self,
                const char      *code,
                const char      *label,
                const double    *values,
                TmCompareFormat  format,
                TmCompareBest    best)
{
  guint32 mask = tm_compare_best_mask (values, self->n_columns, best, format);

  add_header_label (self, code, label);
  for (guint i = 0; i < self->n_columns; i++)
    {
      g_autofree char *text = format (values[i]);

      add_cell (self, i, text, (mask & (1u << i)) != 0);
    }
  self->n_rows++;
}

/* A caption row under the row @code: where each column's figure comes
 * from (@sources, one per column; NULL shows a dash).  The figure's cell
 * also gets it as its tooltip.  Its code is "@code.source". */
static void
add_source_row (TmCompareWindow *self,
                const char      *code,
                char           **sources)
{
  g_autofree char *source_code = g_strconcat (code, ".source", NULL);
  guint figure_row = GPOINTER_TO_UINT (g_hash_table_lookup (self->rows, code));
  GtkWidget *header;

  header = add_header_label (self, source_code, "");
  gtk_widget_set_valign (header, GTK_ALIGN_START);
  /* The row has no visible name (it sits under its figure's); a screen
   * reader still says what it is. */
  if (figure_row > 0)
    {
      GtkWidget *figure_header = gtk_grid_get_child_at (self->grid, 0, figure_row - 1);
      /* Translators: the accessible name of a row of sources in the
       * compare window; %s is the figure, "Credit score" */
      g_autofree char *name = g_strdup_printf (_("Where “%s” comes from"),
                                               gtk_label_get_text (GTK_LABEL (figure_header)));

      gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  for (guint i = 0; i < self->n_columns; i++)
    {
      GtkWidget *w = add_cell (self, i, sources[i] != NULL ? sources[i] : "–", FALSE);
      GtkWidget *figure = figure_row > 0 ? gtk_grid_get_child_at (self->grid, i + 1, figure_row - 1) : NULL;

      gtk_widget_add_css_class (w, "caption");
      gtk_widget_set_valign (w, GTK_ALIGN_START);
      gtk_label_set_justify (GTK_LABEL (w), GTK_JUSTIFY_RIGHT);
      if (figure != NULL && sources[i] != NULL)
        {
          /* Translators: tooltip of a figure in the compare window */
          g_autofree char *tooltip = g_strdup_printf (_("Source: %s"), sources[i]);

          gtk_widget_set_tooltip_text (figure, tooltip);
          /* A tooltip replaces the accessible description, which says
           * when the cell is the best: say both. */
          if (gtk_widget_has_css_class (figure, "compare-best"))
            {
              /* Translators: what a screen reader says of the best value
               * of a row in the compare window; %s is "Source: …" */
              g_autofree char *description = g_strdup_printf (_("Best in this row. %s"), tooltip);

              gtk_accessible_update_property (GTK_ACCESSIBLE (figure),
                                              GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                              -1);
            }
        }
    }
  self->n_rows++;
}

/* The provenance of the figure @field of each column's streamer record,
 * or of the catalog's record when the store did not give one. */
static void
add_figure_source_row (TmCompareWindow *self,
                       const char      *code,
                       const char      *field,
                       const TmCatalog *catalog,
                       GPtrArray       *explanations,
                       const Records   *records)
{
  char *sources[TM_COMPARE_MAX] = { NULL };

  for (guint i = 0; i < self->n_columns; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      const TmStreamer *r = records[i].streamer;

      sources[i] = r != NULL
                   ? tm_provenance_format (tm_provenance_for (&r->provenance, r->figure_provenance, field))
                   : tm_provenance_format (&catalog->streamers[e->candidate.streamer].provenance);
    }
  add_source_row (self, code, sources);
  for (guint i = 0; i < self->n_columns; i++)
    g_free (sources[i]);
}

/* The source of a count of records: their sources summed up, a dash
 * when there are none, and "Unknown" when the store did not give the
 * records (@provenances NULL) though the catalog counts @n_counted. */
static char *
count_source (GArray *provenances,
              guint   n_counted)
{
  if (provenances == NULL)
    return n_counted > 0 ? g_strdup (_("Unknown")) : NULL;
  return tm_compare_summarize_provenance ((const TmProvenance *) provenances->data,
                                          provenances->len);
}

/* The sources of the cooperations each column counts in the row @code:
 * those with @brand_id when @with_brand_only, else all of them. */
static void
add_cooperations_source_row (TmCompareWindow *self,
                             const char      *code,
                             gboolean         with_brand_only,
                             const char      *brand_id,
                             const double    *counts,
                             const Records   *records)
{
  char *sources[TM_COMPARE_MAX] = { NULL };

  for (guint i = 0; i < self->n_columns; i++)
    {
      g_autoptr(GArray) provenances = NULL;

      if (records[i].cooperations != NULL)
        {
          provenances = g_array_new (FALSE, FALSE, sizeof (TmProvenance));
          for (guint k = 0; k < records[i].cooperations->len; k++)
            {
              const TmCooperation *c = g_ptr_array_index (records[i].cooperations, k);

              if (!with_brand_only || (brand_id != NULL && g_strcmp0 (c->brand_id, brand_id) == 0))
                g_array_append_val (provenances, c->provenance);
            }
        }
      sources[i] = count_source (provenances, (guint) counts[i]);
    }
  add_source_row (self, code, sources);
  for (guint i = 0; i < self->n_columns; i++)
    g_free (sources[i]);
}

static void
add_incidents_source_row (TmCompareWindow *self,
                          const char      *code,
                          const double    *counts,
                          const Records   *records)
{
  char *sources[TM_COMPARE_MAX] = { NULL };

  for (guint i = 0; i < self->n_columns; i++)
    {
      g_autoptr(GArray) provenances = NULL;

      if (records[i].incidents != NULL)
        {
          provenances = g_array_new (FALSE, FALSE, sizeof (TmProvenance));
          for (guint k = 0; k < records[i].incidents->len; k++)
            {
              const TmIncident *x = g_ptr_array_index (records[i].incidents, k);

              g_array_append_val (provenances, x->provenance);
            }
        }
      sources[i] = count_source (provenances, (guint) counts[i]);
    }
  add_source_row (self, code, sources);
  for (guint i = 0; i < self->n_columns; i++)
    g_free (sources[i]);
}

static void
add_section (TmCompareWindow *self,
             const char      *title)
{
  GtkWidget *w = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (w), 0);
  gtk_widget_add_css_class (w, "heading");
  gtk_widget_set_margin_top (w, 12);
  gtk_grid_attach (self->grid, w, 0, self->n_rows, self->n_columns + 1, 1);
  self->n_rows++;
}

/* The streamer's cooperations as records for the history chart, from
 * the catalog (which has every figure the chart draws). */
static GPtrArray *
history_of (const TmCatalog *catalog,
            guint            streamer)
{
  const TmCatalogStreamer *s = &catalog->streamers[streamer];
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_cooperation_free);

  for (guint32 k = 0; k < s->n_cooperations; k++)
    {
      const TmCatalogCooperation *c = &catalog->cooperations[s->first_cooperation + k];
      TmCooperation *r = tm_cooperation_new ();

      r->id = g_strdup (c->id);
      r->streamer_id = g_strdup (s->id);
      if (c->brand >= 0)
        r->brand_id = g_strdup (catalog->brands[c->brand]->id);
      else
        {
          r->brand_name = g_strdup (c->brand_name);
          r->brand_category = g_strdup (c->brand_category);
        }
      r->date = c->date;
      r->format = c->format;
      r->platform = c->platform;
      r->gmv_fen = c->gmv_fen;
      r->orders = c->orders;
      r->fee_fen = c->fee_fen;
      r->commission_fen = c->commission_fen;
      r->conversion_rate = c->conversion_rate;
      r->return_rate = c->return_rate;
      r->complaints = c->complaints;
      r->rating = c->rating;
      g_ptr_array_add (records, r);
    }
  return records;
}

/* A small history chart per candidate: GMV per cooperation over time and
 * the return rate, with a tooltip per point, as on the streamer page. */
static void
add_history_row (TmCompareWindow  *self,
                 const TmCatalog  *catalog,
                 GPtrArray        *explanations)
{
  /* Copies: the charts keep the table, and may outlive the catalog. */
  g_autoptr(GHashTable) brand_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint b = 0; b < catalog->n_brands; b++)
    g_hash_table_insert (brand_names, g_strdup (catalog->brands[b]->id),
                         g_strdup (catalog->brands[b]->name));

  GPtrArray *histories[TM_COMPARE_MAX] = { NULL };
  gint64 max_gmv = 0;
  double max_rate = 0;
  TmDate first = G_MAXINT32, last = G_MININT32;

  /* One scale for all: side by side, a line twice as high must be twice
   * the GMV, whoever's it is. */
  for (guint i = 0; i < explanations->len; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);

      histories[i] = history_of (catalog, e->candidate.streamer);
      for (guint k = 0; k < histories[i]->len; k++)
        {
          const TmCooperation *c = g_ptr_array_index (histories[i], k);

          max_gmv = MAX (max_gmv, c->gmv_fen);
          if (!isnan (c->return_rate))
            max_rate = MAX (max_rate, c->return_rate);
          first = MIN (first, c->date);
          last = MAX (last, c->date);
        }
    }

  add_header_label (self, "history_chart", _("Cooperation history"));
  for (guint i = 0; i < explanations->len; i++)
    {
      g_autoptr(GPtrArray) records = g_steal_pointer (&histories[i]);
      GtkWidget *chart = tm_history_chart_new ();

      tm_history_chart_set_cooperations (TM_HISTORY_CHART (chart), records, brand_names);
      if (first <= last)
        tm_history_chart_set_common_range (TM_HISTORY_CHART (chart), max_gmv, max_rate, first, last);
      gtk_widget_set_size_request (chart, 220, 140);
      gtk_grid_attach (self->grid, chart, i + 1, self->n_rows, 1, 1);
    }
  self->n_rows++;
}

static void
tm_compare_window_fill (TmCompareWindow *self,
                        TmEngine        *engine,
                        const TmBrand   *brand,
                        GPtrArray       *explanations,
                        const Records   *records)
{
  TmCatalog *catalog = tm_engine_get_catalog (engine);
  guint n = explanations->len;
  double values[TM_COMPARE_MAX];

#define EACH(expr) \
  G_STMT_START { \
    for (guint i = 0; i < n; i++) \
      { \
        const TmExplanation *e = g_ptr_array_index (explanations, i); \
        const TmCatalogStreamer *s = &catalog->streamers[e->candidate.streamer]; \
        (void) e; (void) s; \
        values[i] = (expr); \
      } \
  } G_STMT_END

  /* The column headers: name and id. */
  for (guint i = 0; i < n; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      const TmCatalogStreamer *s = &catalog->streamers[e->candidate.streamer];
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *name = gtk_label_new (s->name);
      GtkWidget *id = gtk_label_new (s->id);

      gtk_widget_add_css_class (name, "heading");
      gtk_label_set_wrap (GTK_LABEL (name), TRUE);
      gtk_label_set_xalign (GTK_LABEL (name), 1);
      gtk_widget_add_css_class (id, "dim-label");
      gtk_widget_add_css_class (id, "caption");
      gtk_label_set_xalign (GTK_LABEL (id), 1);
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), id);
      gtk_widget_set_hexpand (box, TRUE);
      gtk_grid_attach (self->grid, box, i + 1, 0, 1, 1);
    }
  self->n_rows = 1;

  EACH (e->candidate.score);
  add_number_row (self, "score", _("Score"), values, format_points, TM_COMPARE_BEST_HIGHEST);
  EACH (e->candidate.style);
  add_number_row (self, "style", tm_component_label (TM_COMPONENT_STYLE), values,
                  format_points, TM_COMPARE_BEST_HIGHEST);
  EACH (e->candidate.history);
  add_number_row (self, "history", tm_component_label (TM_COMPONENT_HISTORY), values,
                  format_points, TM_COMPARE_BEST_HIGHEST);
  EACH (e->candidate.trust);
  add_number_row (self, "trust", tm_component_label (TM_COMPONENT_TRUST), values,
                  format_points, TM_COMPARE_BEST_HIGHEST);
  EACH (e->candidate.penalty);
  add_number_row (self, "penalty", _("Risk penalty"), values, format_penalty,
                  TM_COMPARE_BEST_LOWEST);
  EACH (e->candidate.confidence);
  add_number_row (self, "confidence", _("Confidence"), values, format_percent,
                  TM_COMPARE_BEST_HIGHEST);

  /* Excluded candidates say why, since the score alone would hide it. */
  {
    gboolean any = FALSE;

    for (guint i = 0; i < n; i++)
      any |= ((const TmExplanation *) g_ptr_array_index (explanations, i))->exclusions->len > 0;
    if (any)
      {
        add_header_label (self, "excluded", _("Excluded"));
        for (guint i = 0; i < n; i++)
          {
            const TmExplanation *e = g_ptr_array_index (explanations, i);
            g_autoptr(GString) text = g_string_new (NULL);

            for (guint k = 0; k < e->exclusions->len; k++)
              {
                const TmExclusion *x = g_ptr_array_index (e->exclusions, k);
                if (k > 0)
                  g_string_append_c (text, '\n');
                g_string_append (text, x->message);
              }
            add_cell (self, i, text->len > 0 ? text->str : "–", FALSE);
          }
        self->n_rows++;
      }
  }

  /* Translators: a section of the compare window: the points of each factor */
  add_section (self, _("Points per Factor"));
  for (guint f = 0; f < TM_N_FACTORS; f++)
    {
      gboolean present = FALSE;

      for (guint i = 0; i < n; i++)
        present |= tm_compare_factor_sum (g_ptr_array_index (explanations, i), f, &values[i]);
      if (present)
        add_number_row (self, tm_factor_code (f), tm_factor_label (f), values, format_signed,
                        f == TM_FACTOR_NEUTRAL ? TM_COMPARE_BEST_NONE : TM_COMPARE_BEST_HIGHEST);
    }

  /* Translators: a section of the compare window: the recorded figures */
  add_section (self, _("Records"));

  /* Credit scores come on different scales: compare them as a share of
   * their scale; an unknown score is never the best. */
  EACH (isnan (s->credit_score) || s->credit_scale <= 0 ? NAN : s->credit_score / s->credit_scale);
  {
    guint32 mask = tm_compare_best_mask (values, n, TM_COMPARE_BEST_HIGHEST, format_share);

    add_header_label (self, "credit_score", _("Credit score"));
    for (guint i = 0; i < n; i++)
      {
        const TmExplanation *e = g_ptr_array_index (explanations, i);
        const TmCatalogStreamer *s = &catalog->streamers[e->candidate.streamer];
        g_autofree char *text = isnan (s->credit_score)
                                ? g_strdup (_("Unknown"))
                                : tm_gui_format_credit (s->credit_score, s->credit_scale);

        add_cell (self, i, text, (mask & (1u << i)) != 0);
      }
    self->n_rows++;
  }
  add_figure_source_row (self, "credit_score", "credit", catalog, explanations, records);

  EACH ((double) s->followers_total);
  add_number_row (self, "followers", _("Followers"), values, format_followers,
                  TM_COMPARE_BEST_HIGHEST);
  add_figure_source_row (self, "followers", "accounts", catalog, explanations, records);

  /* The trust signals the trust component is computed from. */
  EACH (s->engagement_rate);
  add_number_row (self, "engagement_rate", _("Engagement rate"), values, format_rate,
                  TM_COMPARE_BEST_HIGHEST);
  add_figure_source_row (self, "engagement_rate", "engagement_rate", catalog, explanations, records);
  EACH (s->avg_live_viewers < 0 ? NAN : (double) s->avg_live_viewers);
  add_number_row (self, "avg_live_viewers", _("Average live viewers"), values, format_viewers,
                  TM_COMPARE_BEST_HIGHEST);
  add_figure_source_row (self, "avg_live_viewers", "avg_live_viewers", catalog, explanations, records);
  EACH (s->fake_review_share);
  add_number_row (self, "fake_review_share", _("Fake review share"), values, format_rate,
                  TM_COMPARE_BEST_LOWEST);
  add_figure_source_row (self, "fake_review_share", "reviews.fake_share", catalog, explanations, records);
  EACH (s->dispute_resolution_rate);
  add_number_row (self, "dispute_resolution_rate", _("Disputes resolved"), values, format_rate,
                  TM_COMPARE_BEST_HIGHEST);
  add_figure_source_row (self, "dispute_resolution_rate", "dispute_resolution_rate",
                         catalog, explanations, records);
  EACH (s->repeat_buyer_rate);
  add_number_row (self, "repeat_buyer_rate", _("Repeat buyers"), values, format_rate,
                  TM_COMPARE_BEST_HIGHEST);
  add_figure_source_row (self, "repeat_buyer_rate", "repeat_buyer_rate", catalog, explanations, records);

  EACH (tm_compare_count_brand_cooperations (catalog, e->candidate.streamer, brand->id));
  add_number_row (self, "brand_cooperations", _("Cooperations with this brand"), values,
                  format_count, TM_COMPARE_BEST_HIGHEST);
  add_cooperations_source_row (self, "brand_cooperations", TRUE, brand->id, values, records);
  EACH (s->n_cooperations);
  add_number_row (self, "cooperations", _("Cooperations in all"), values,
                  format_count, TM_COMPARE_BEST_NONE);
  add_cooperations_source_row (self, "cooperations", FALSE, NULL, values, records);
  EACH (s->n_incidents);
  add_number_row (self, "incidents", _("Incidents"), values, format_count,
                  TM_COMPARE_BEST_LOWEST);
  add_incidents_source_row (self, "incidents", values, records);
  EACH (tm_compare_count_open_incidents (catalog, e->candidate.streamer));
  add_number_row (self, "open_incidents", _("Unresolved incidents"), values, format_count,
                  TM_COMPARE_BEST_LOWEST);
  add_history_row (self, catalog, explanations);
#undef EACH
}

static void
tm_compare_window_finalize (GObject *object)
{
  TmCompareWindow *self = TM_COMPARE_WINDOW (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (tm_compare_window_parent_class)->finalize (object);
}

static void
tm_compare_window_class_init (TmCompareWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tm_compare_window_finalize;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tm_compare_window_init (TmCompareWindow *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

GtkWidget *
tm_compare_window_new (TmEngine        *engine,
                       TmStore         *store,
                       const TmBrand   *brand,
                       const TmWeights *weights,
                       const guint     *streamers,
                       guint            n_streamers)
{
  g_autoptr(GPtrArray) explanations = NULL;
  Records records[TM_COMPARE_MAX] = { { NULL } };
  g_autofree char *title = NULL;
  TmCompareWindow *self;
  GtkWidget *box, *header, *scrolled, *clamp;

  g_return_val_if_fail (engine != NULL, NULL);
  g_return_val_if_fail (brand != NULL, NULL);
  g_return_val_if_fail (n_streamers >= 2 && n_streamers <= TM_COMPARE_MAX, NULL);

  /* Translators: title of the compare window; %s is the brand's name */
  title = g_strdup_printf (_("Compare for %s"), brand->name);
  self = g_object_new (TM_TYPE_COMPARE_WINDOW,
                       "title", title,
                       "default-width", 360 + 220 * n_streamers,
                       "default-height", 640,
                       NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  /* The scores are computed, not recorded: say from what. */
  {
    g_autofree char *as_of = tm_date_format (tm_engine_get_as_of (engine));
    g_autofree char *subtitle = NULL;
    guint percent[3];

    tm_weights_get_percentages (weights, percent);
    /* Translators: subtitle of the compare window: the weights in percent,
     * the risk factor and the day the scores are computed for */
    subtitle = g_strdup_printf (_("Style %u%% · history %u%% · trust %u%% · risk ×%.1f · as of %s"),
                                percent[0], percent[1], percent[2], weights->risk, as_of);
    adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, subtitle));
  }
  gtk_box_append (GTK_BOX (box), header);

  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 6);
  gtk_grid_set_column_spacing (self->grid, 18);
  gtk_widget_set_margin_start (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (self->grid), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->grid), 18);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1200);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->grid));
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (self), box);

  explanations = tm_engine_compare (engine, brand, streamers, n_streamers, weights);
  self->n_columns = explanations->len;
  /* A few small reads; the streamer page does the same on the main loop. */
  for (guint i = 0; store != NULL && i < explanations->len; i++)
    {
      const TmExplanation *e = g_ptr_array_index (explanations, i);
      const char *id = tm_engine_get_catalog (engine)->streamers[e->candidate.streamer].id;
      g_autoptr(GError) error = NULL;

      if (!tm_store_load_streamer (store, id, &records[i].streamer, &records[i].cooperations,
                                   &records[i].incidents, &error))
        {
          g_debug ("No records of %s for their provenance: %s", id, error->message);
          records_clear (&records[i]);
        }
    }
  tm_compare_window_fill (self, engine, brand, explanations, records);
  for (guint i = 0; i < TM_COMPARE_MAX; i++)
    records_clear (&records[i]);

  return GTK_WIDGET (self);
}

GtkLabel *
tm_compare_window_get_cell (TmCompareWindow *self,
                            const char      *row,
                            guint            column)
{
  guint r;
  GtkWidget *w;

  g_return_val_if_fail (TM_IS_COMPARE_WINDOW (self), NULL);

  r = GPOINTER_TO_UINT (g_hash_table_lookup (self->rows, row));
  if (r == 0 || column >= self->n_columns)
    return NULL;
  w = gtk_grid_get_child_at (self->grid, column + 1, r - 1);
  return GTK_IS_LABEL (w) ? GTK_LABEL (w) : NULL;
}

gboolean
tm_compare_window_is_best (TmCompareWindow *self,
                           const char      *row,
                           guint            column)
{
  GtkLabel *label = tm_compare_window_get_cell (self, row, column);

  return label != NULL && gtk_widget_has_css_class (GTK_WIDGET (label), "compare-best");
}
