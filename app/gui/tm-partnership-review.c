/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-partnership-review"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tm-gui-utils.h"
#include "tm-brand-object.h"
#include "tm-match-row.h"
#include "tm-partnership-review.h"
#include "tm-review-list.h"
#include "tm-review-row.h"
#include "tm-review.h"

/* A choice of the period drop-down. */
typedef struct {
  TmReviewPeriod period;
  int            year;     /* of TM_REVIEW_PERIOD_YEAR */
} PeriodChoice;

/* The platform drop-down: "All Platforms", each platform, then this. */
#define PLATFORM_CHOICE_NONE_GIVEN (TM_N_PLATFORMS + 1)

struct _TmPartnershipReview
{
  AdwBin               parent_instance;

  TmCatalog           *catalog;     /* nullable */
  TmReview            *review;      /* nullable: of catalog */
  TmReviewResult      *result;      /* nullable: what is shown */
  TmReviewList        *rows;
  char                *brand_id;    /* the brand shown, kept across catalogs */
  PeriodChoice         period;      /* kept across catalogs */
  GArray              *periods;     /* PeriodChoice, as the drop-down lists them */
  gboolean             updating;    /* drop-downs being filled */
  GListModel          *brands;      /* nullable: TmBrandObject, for current names */
  gboolean             stale;       /* catalog set while hidden, not shown yet */
  TmContext           *context;     /* nullable: for the decisions */
  GHashTable          *decisions;   /* streamer id → TmDecision, of brand_id */

  /* Template widgets */
  GtkStack            *state_stack;
  GtkDropDown         *brand_dropdown;
  GtkDropDown         *period_dropdown;
  GtkDropDown         *platform_dropdown;
  GtkLabel            *period_label;
  GtkButton           *clear_button;
  GtkStack            *content_stack;
  AdwStatusPage       *no_cooperations_page;
  AdwStatusPage       *filtered_out_page;
  GtkLabel            *gmv_value;
  GtkLabel            *gmv_detail;
  GtkLabel            *fees_value;
  GtkLabel            *fees_detail;
  GtkLabel            *return_rate_value;
  GtkLabel            *return_rate_detail;
  GtkLabel            *complaints_value;
  GtkLabel            *complaints_detail;
  GtkLabel            *cooperations_value;
  GtkLabel            *cooperations_detail;
  GtkLabel            *streamers_value;
  GtkLabel            *streamers_detail;
  GtkDrawingArea      *chart;
  GtkGrid             *quarters_grid;
  GtkLabel            *list_label;
  GtkColumnView       *cooperations_view;
};

G_DEFINE_FINAL_TYPE (TmPartnershipReview, tm_partnership_review, ADW_TYPE_BIN)


/*
 * Formatting
 */

/* "12.3%", or an em dash when unknown. */
static char *
format_rate (double rate)
{
  if (isnan (rate))
    return g_strdup ("—");
  return g_strdup_printf ("%.1f%%", rate * 100);
}

static char *
format_rating (double rating)
{
  if (isnan (rating))
    return g_strdup ("—");
  return g_strdup_printf ("%.1f", rating);
}

/* "2025 Q1" */
static char *
format_quarter (int year,
                int quarter)
{
  /* Translators: a calendar quarter, "2025 Q1"; the first %d is the
   * year, the second the quarter (1–4). */
  return g_strdup_printf (_("%d Q%d"), year, quarter);
}

/* Whether a rise of the figure is good news, bad news or neither: the
 * colour of a change says which, the arrow only says up or down. */
typedef enum {
  TREND_NEUTRAL,
  TREND_UP_IS_GOOD,
  TREND_UP_IS_BAD,
} TrendSense;

/* A change cell: "▲ 12.3%", "▼ 4", "new", "—", or nothing for the
 * oldest quarter.  Rises and falls are told by the arrow and the
 * tooltip, so colour is never the only sign. */
static void
set_change (GtkLabel   *label,
            const char *text,
            double      direction,   /* > 0 up, < 0 down, 0 or NAN none */
            TrendSense  sense)
{
  gboolean good = FALSE, bad = FALSE;

  gtk_label_set_text (label, text);
  if (!isnan (direction) && direction != 0 && sense != TREND_NEUTRAL)
    {
      good = (direction > 0) == (sense == TREND_UP_IS_GOOD);
      bad = !good;
    }
  if (good)
    {
      gtk_widget_add_css_class (GTK_WIDGET (label), "trend-good");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), _("Better than the quarter before"));
    }
  else if (bad)
    {
      gtk_widget_add_css_class (GTK_WIDGET (label), "trend-bad");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), _("Worse than the quarter before"));
    }
}

static const char *
arrow (double change)
{
  return change > 0 ? "▲ " : change < 0 ? "▼ " : "";
}

/* A relative change, rounded as shown: a change that rounds to 0.0 %
 * has no arrow. */
static char *
format_relative_change (const TmReviewQuarter *q,
                        double                 change,
                        gint64                 current,
                        double                *direction)
{
  double shown;

  *direction = 0;
  if (!q->has_previous)
    return g_strdup ("");
  if (isnan (change))
    /* Translators: the change of a figure from a quarter in which it
     * was zero. */
    return current > 0 ? g_strdup (_("new")) : g_strdup ("—");
  shown = round (change * 1000) / 10;
  *direction = shown;
  return g_strdup_printf ("%s%.1f%%", arrow (shown), fabs (shown));
}

static char *
format_points_change (const TmReviewQuarter *q,
                      double                *direction)
{
  double shown;

  *direction = 0;
  if (!q->has_previous)
    return g_strdup ("");
  if (isnan (q->return_rate_change))
    return g_strdup ("—");
  shown = round (q->return_rate_change * 1000) / 10;
  *direction = shown;
  /* Translators: a change of the return rate in percentage points,
   * "▲ 1.2 pp"; %s is the arrow (or nothing), %.1f the points. */
  return g_strdup_printf (_("%s%.1f pp"), arrow (shown), fabs (shown));
}


/*
 * The summary, the quarters and the chart
 */

static void
show_totals (TmPartnershipReview *self)
{
  const TmReviewFigures *t = &self->result->totals;
  g_autofree char *gmv = tm_format_fen (t->gmv_fen, TRUE);
  g_autofree char *gmv_full = tm_format_fen (t->gmv_fen, FALSE);
  g_autofree char *orders = tm_gui_format_count ((guint64) MAX (t->orders, 0));
  g_autofree char *orders_text = NULL;
  g_autofree char *cost = tm_format_fen (t->cost_fen, TRUE);
  g_autofree char *cost_full = tm_format_fen (t->cost_fen, FALSE);
  g_autofree char *fee = tm_format_fen (t->fee_fen, TRUE);
  g_autofree char *commission = tm_format_fen (t->commission_fen, TRUE);
  g_autofree char *fees_text = NULL;
  g_autofree char *rate = format_rate (t->return_rate);
  g_autofree char *complaints = tm_gui_format_count ((guint64) MAX (t->complaints, 0));
  g_autofree char *per_coop = NULL;
  g_autofree char *cooperations = tm_gui_format_count (t->n_cooperations);
  g_autofree char *rating = format_rating (t->rating);
  g_autofree char *rating_text = NULL;
  g_autofree char *streamers = tm_gui_format_count (t->n_streamers);

  gtk_label_set_text (self->gmv_value, gmv);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->gmv_value), gmv_full);
  orders_text = g_strdup_printf (ngettext ("%s order", "%s orders", (gulong) MAX (t->orders, 0)), orders);
  gtk_label_set_text (self->gmv_detail, orders_text);

  gtk_label_set_text (self->fees_value, cost);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fees_value), cost_full);
  /* Translators: what fees are made of: "fixed ¥1.2K + commission ¥3.4K". */
  fees_text = g_strdup_printf (_("fixed %s + commission %s"), fee, commission);
  gtk_label_set_text (self->fees_detail, fees_text);

  gtk_label_set_text (self->return_rate_value, rate);
  gtk_label_set_text (self->return_rate_detail, _("weighted by GMV"));

  gtk_label_set_text (self->complaints_value, complaints);
  /* Translators: complaints per cooperation, "0.4 per cooperation". */
  per_coop = g_strdup_printf (_("%.1f per cooperation"),
                              t->n_cooperations > 0 ? (double) t->complaints / t->n_cooperations : 0.0);
  gtk_label_set_text (self->complaints_detail, per_coop);

  gtk_label_set_text (self->cooperations_value, cooperations);
  /* Translators: the mean of the brand's ratings of its cooperations. */
  rating_text = g_strdup_printf (_("average rating %s"), rating);
  gtk_label_set_text (self->cooperations_detail, rating_text);

  gtk_label_set_text (self->streamers_value, streamers);
  gtk_label_set_text (self->streamers_detail, "");
}

static GtkWidget *
grid_label (const char *text,
            float       xalign,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
clear_quarters (TmPartnershipReview *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->quarters_grid))) != NULL)
    gtk_grid_remove (self->quarters_grid, child);
}

/* The quarters newest first, each with its change from the one before
 * (the row below). */
static void
show_quarters (TmPartnershipReview *self)
{
  const char *headers[] = {
    N_("Quarter"), N_("Cooperations"), N_("GMV"), N_("Change"), N_("Fees"), N_("Change"),
    N_("Return Rate"), N_("Change"), N_("Complaints"), N_("Change"),
  };
  GArray *quarters = self->result->quarters;

  clear_quarters (self);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    gtk_grid_attach (self->quarters_grid,
                     grid_label (_(headers[c]), c == 0 ? 0 : 1, "caption-heading"),
                     (int) c, 0, 1, 1);

  for (guint i = 0; i < quarters->len; i++)
    {
      const TmReviewQuarter *q = &g_array_index (quarters, TmReviewQuarter, quarters->len - 1 - i);
      const TmReviewFigures *f = &q->figures;
      g_autofree char *name = format_quarter (q->year, q->quarter);
      g_autofree char *cooperations = tm_gui_format_count (f->n_cooperations);
      g_autofree char *gmv = tm_format_fen (f->gmv_fen, TRUE);
      g_autofree char *cost = tm_format_fen (f->cost_fen, TRUE);
      g_autofree char *rate = format_rate (f->return_rate);
      g_autofree char *complaints = tm_gui_format_count ((guint64) MAX (f->complaints, 0));
      g_autofree char *gmv_change = NULL, *cost_change = NULL, *rate_change = NULL;
      g_autofree char *complaints_change = NULL;
      double gmv_dir, cost_dir, rate_dir;
      double complaints_dir = q->has_previous ? (double) q->complaints_change : 0;
      int row = (int) i + 1;
      GtkWidget *label;

      gmv_change = format_relative_change (q, q->gmv_change, f->gmv_fen, &gmv_dir);
      cost_change = format_relative_change (q, q->cost_change, f->cost_fen, &cost_dir);
      rate_change = format_points_change (q, &rate_dir);
      if (q->has_previous)
        complaints_change = g_strdup_printf ("%s%" G_GINT64_FORMAT, arrow (complaints_dir),
                                             q->complaints_change < 0 ? -q->complaints_change : q->complaints_change);
      else
        complaints_change = g_strdup ("");

      label = grid_label (name, 0, NULL);
      if (q->partial)
        {
          /* Translators: a quarter the chosen period covers only part of. */
          g_autofree char *partial = g_strdup_printf (_("%s (partial)"), name);

          gtk_label_set_text (GTK_LABEL (label), partial);
          gtk_widget_set_tooltip_text (label, _("The period chosen covers only part of this quarter"));
        }
      gtk_grid_attach (self->quarters_grid, label, 0, row, 1, 1);
      gtk_grid_attach (self->quarters_grid, grid_label (cooperations, 1, "number"), 1, row, 1, 1);

      label = grid_label (gmv, 1, "number");
      {
        g_autofree char *full = tm_format_fen (f->gmv_fen, FALSE);

        gtk_widget_set_tooltip_text (label, full);
      }
      gtk_grid_attach (self->quarters_grid, label, 2, row, 1, 1);
      label = grid_label (NULL, 1, "number");
      set_change (GTK_LABEL (label), gmv_change, gmv_dir, TREND_UP_IS_GOOD);
      gtk_grid_attach (self->quarters_grid, label, 3, row, 1, 1);

      gtk_grid_attach (self->quarters_grid, grid_label (cost, 1, "number"), 4, row, 1, 1);
      label = grid_label (NULL, 1, "number");
      set_change (GTK_LABEL (label), cost_change, cost_dir, TREND_NEUTRAL);
      gtk_grid_attach (self->quarters_grid, label, 5, row, 1, 1);

      gtk_grid_attach (self->quarters_grid, grid_label (rate, 1, "number"), 6, row, 1, 1);
      label = grid_label (NULL, 1, "number");
      set_change (GTK_LABEL (label), rate_change, rate_dir, TREND_UP_IS_BAD);
      gtk_grid_attach (self->quarters_grid, label, 7, row, 1, 1);

      gtk_grid_attach (self->quarters_grid, grid_label (complaints, 1, "number"), 8, row, 1, 1);
      label = grid_label (NULL, 1, "number");
      set_change (GTK_LABEL (label), complaints_change, complaints_dir, TREND_UP_IS_BAD);
      gtk_grid_attach (self->quarters_grid, label, 9, row, 1, 1);
    }
}

/* The chart's layout: the plot area inside the widget. */
#define CHART_BOTTOM 34  /* room for the quarter and year under the bars */
#define CHART_TOP     6

static gboolean
chart_bar_at (TmPartnershipReview *self,
              int                  width,
              double               x,
              guint               *index)
{
  guint n = self->result != NULL ? self->result->quarters->len : 0;
  double slot;

  if (n == 0 || x < 0 || x >= width)
    return FALSE;
  slot = (double) width / n;
  *index = MIN ((guint) (x / slot), n - 1);
  return TRUE;
}

/* Bars of GMV by quarter, oldest on the left, in the accent colour;
 * each quarter's number under its bar and the year under each Q1 and
 * the first bar.  Colours come from the style, so both light and dark
 * read. */
static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  TmPartnershipReview *self = user_data;
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (area));
  GArray *quarters = self->result != NULL ? self->result->quarters : NULL;
  GdkRGBA fg, accent;
  gint64 max = 0;
  double slot, plot;

  if (quarters == NULL || quarters->len == 0)
    return;

  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_color", &accent))
    accent = fg;

  for (guint i = 0; i < quarters->len; i++)
    max = MAX (max, g_array_index (quarters, TmReviewQuarter, i).figures.gmv_fen);

  slot = (double) width / quarters->len;
  plot = height - CHART_BOTTOM - CHART_TOP;

  /* The base line. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.3);
  cairo_rectangle (cr, 0, CHART_TOP + plot, width, 1);
  cairo_fill (cr);

  for (guint i = 0; i < quarters->len; i++)
    {
      const TmReviewQuarter *q = &g_array_index (quarters, TmReviewQuarter, i);
      double bar = max > 0 ? plot * q->figures.gmv_fen / max : 0;
      double bar_width = MIN (slot * 0.6, 48);
      double x = slot * i + (slot - bar_width) / 2;
      g_autofree char *text = NULL;
      PangoLayout *layout;
      int tw, th;

      /* A partial quarter is drawn lighter: its bar is not comparable. */
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, q->partial ? 0.45 : 1.0);
      cairo_rectangle (cr, x, CHART_TOP + plot - bar, bar_width, bar);
      cairo_fill (cr);

      if (i == 0 || q->quarter == 1)
        text = g_strdup_printf ("Q%d\n%d", q->quarter, q->year);
      else
        text = g_strdup_printf ("Q%d", q->quarter);
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), text);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &tw, &th);
      /* Too narrow for every label: every other one. */
      if (tw <= slot || i % 2 == 0)
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.7);
          cairo_move_to (cr, slot * i + (slot - tw) / 2, CHART_TOP + plot + 3);
          pango_cairo_show_layout (cr, layout);
        }
      g_object_unref (layout);
    }
}

static gboolean
on_chart_query_tooltip_cb (GtkWidget  *widget,
                           int         x,
                           int         y,
                           gboolean    keyboard_mode,
                           GtkTooltip *tooltip,
                           gpointer    user_data)
{
  TmPartnershipReview *self = user_data;
  const TmReviewQuarter *q;
  g_autofree char *name = NULL;
  g_autofree char *gmv = NULL;
  g_autofree char *text = NULL;
  guint index;

  if (!chart_bar_at (self, gtk_widget_get_width (widget), x, &index))
    return FALSE;
  q = &g_array_index (self->result->quarters, TmReviewQuarter, index);
  name = format_quarter (q->year, q->quarter);
  gmv = tm_format_fen (q->figures.gmv_fen, FALSE);
  /* Translators: a bar's tooltip, "2025 Q1: GMV ¥1,234.00". */
  text = g_strdup_printf (_("%s: GMV %s"), name, gmv);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}


/*
 * The cooperations
 */

static void
setup_text_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               TmPartnershipReview      *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
setup_number_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 TmPartnershipReview      *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "number");
  gtk_list_item_set_child (list_item, label);
}

static inline const TmCatalogCooperation *
list_item_get_cooperation (GtkListItem  *list_item,
                           TmCatalog   **catalog)
{
  TmReviewRow *row = gtk_list_item_get_item (list_item);

  *catalog = tm_review_row_get_catalog (row);
  return tm_review_row_get_cooperation (row);
}

static inline void
list_item_set_text (GtkListItem *list_item,
                    const char  *text)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
bind_date_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);
  g_autofree char *text = tm_date_format (c->date);

  list_item_set_text (list_item, text);
}

static void
bind_streamer_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);

  const TmDecision *d = g_hash_table_lookup (self->decisions, catalog->streamers[c->streamer].id);

  /* The decision about the streamer for this brand, in words. */
  if (d != NULL)
    {
      g_autofree char *badge = tm_match_row_format_decision (d);
      g_autofree char *text = g_strdup_printf ("%s [%s]", catalog->streamers[c->streamer].name, badge);

      list_item_set_text (list_item, text);
    }
  else
    list_item_set_text (list_item, catalog->streamers[c->streamer].name);
}

static void
bind_platform_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);

  list_item_set_text (list_item, c->platform >= 0 ? tm_platform_label (c->platform) : "—");
}

static void
bind_format_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);

  list_item_set_text (list_item, tm_format_label (c->format));
}

static void
bind_gmv_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);
  g_autofree char *text = tm_format_fen (c->gmv_fen, FALSE);

  list_item_set_text (list_item, text);
}

static void
bind_fees_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);
  g_autofree char *text = tm_format_fen (c->fee_fen + c->commission_fen, FALSE);

  list_item_set_text (list_item, text);
}

static void
bind_return_rate_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);
  g_autofree char *text = format_rate (c->return_rate);

  list_item_set_text (list_item, text);
}

static void
bind_complaints_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);
  g_autofree char *text = tm_gui_format_count (c->complaints);

  list_item_set_text (list_item, text);
}

static void
bind_rating_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                TmPartnershipReview      *self)
{
  TmCatalog *catalog;
  const TmCatalogCooperation *c = list_item_get_cooperation (list_item, &catalog);
  g_autofree char *text = format_rating (c->rating);

  list_item_set_text (list_item, text);
}


/*
 * Filtering
 */

static gboolean
filter_is_active (TmPartnershipReview *self)
{
  guint platform = gtk_drop_down_get_selected (self->platform_dropdown);

  return self->period.period != TM_REVIEW_PERIOD_ALL
         || (platform != 0 && platform != GTK_INVALID_LIST_POSITION);
}

static void
get_filter (TmPartnershipReview *self,
            TmReviewFilter      *filter)
{
  guint platform = gtk_drop_down_get_selected (self->platform_dropdown);

  *filter = (TmReviewFilter) TM_REVIEW_FILTER_INIT;
  tm_review_filter_set_period (filter, self->period.period, self->period.year, tm_date_today ());
  if (platform == PLATFORM_CHOICE_NONE_GIVEN)
    filter->platforms = TM_REVIEW_NO_PLATFORM;
  else if (platform > 0 && platform != GTK_INVALID_LIST_POSITION)
    filter->platforms = 1u << (platform - 1);
}

/* "2025-11-27 – 2026-11-26": the days the period covers. */
static char *
describe_period (const TmReviewFilter *filter)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (filter->from == TM_DATE_NONE && filter->to == TM_DATE_NONE)
    return g_strdup ("");
  from = tm_date_format (filter->from);
  to = tm_date_format (filter->to);
  return g_strdup_printf ("%s – %s", from, to);
}

static void
set_result (TmPartnershipReview *self,
            TmReviewResult      *result)
{
  g_clear_pointer (&self->result, tm_review_result_unref);
  if (result != NULL)
    self->result = tm_review_result_ref (result);
  tm_review_list_set_result (self->rows, result);
}

static void
load_decisions (TmPartnershipReview *self)
{
  if (self->context == NULL || self->brand_id == NULL)
    return;
  /* While a reload holds the store, what is shown stays. */
  tm_context_load_decisions (self->context, self->brand_id, self->decisions, NULL);
}

/* Computes the review of the brand and filter chosen and shows it. */
static void
update (TmPartnershipReview *self)
{
  g_autoptr(TmReviewResult) result = NULL;
  g_autofree char *period_text = NULL;
  g_autofree char *list_text = NULL;
  g_autofree char *count = NULL;
  TmReviewFilter filter;
  guint brand;

  if (self->updating)
    return;

  if (self->catalog == NULL || self->catalog->n_brands == 0)
    {
      set_result (self, NULL);
      clear_quarters (self);
      gtk_stack_set_visible_child_name (self->state_stack, "no-brands");
      return;
    }
  gtk_stack_set_visible_child_name (self->state_stack, "review");

  brand = gtk_drop_down_get_selected (self->brand_dropdown);
  if (brand == GTK_INVALID_LIST_POSITION || brand >= self->catalog->n_brands)
    brand = 0;
  g_free (self->brand_id);
  self->brand_id = g_strdup (self->catalog->brands[brand]->id);
  load_decisions (self);

  get_filter (self, &filter);
  result = tm_review_compute (self->review, brand, &filter);
  set_result (self, result);

  period_text = describe_period (&filter);
  gtk_label_set_text (self->period_label, period_text);
  gtk_widget_set_visible (GTK_WIDGET (self->clear_button), filter_is_active (self));

  if (tm_review_count (self->review, brand) == 0)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is a brand's name. */
      text = g_strdup_printf (_("%s has no cooperations on record. They appear here after a sync or an import."),
                              self->catalog->brands[brand]->name);
      adw_status_page_set_description (self->no_cooperations_page, text);
      clear_quarters (self);
      gtk_stack_set_visible_child_name (self->content_stack, "no-cooperations");
      return;
    }
  if (result->cooperations->len == 0)
    {
      g_autofree char *text = NULL;
      guint n = tm_review_count (self->review, brand);
      g_autofree char *n_text = tm_gui_format_count (n);

      /* Translators: %s is a number such as "12" or "3,000". */
      text = g_strdup_printf (ngettext ("None of this brand’s %s cooperation is in the period and platform chosen.",
                                        "None of this brand’s %s cooperations is in the period and platform chosen.",
                                        n),
                              n_text);
      adw_status_page_set_description (self->filtered_out_page, text);
      clear_quarters (self);
      gtk_stack_set_visible_child_name (self->content_stack, "filtered-out");
      return;
    }

  show_totals (self);
  show_quarters (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));

  count = tm_gui_format_count (result->cooperations->len);
  /* Translators: %s is a number such as "12" or "3,000". */
  list_text = g_strdup_printf (ngettext ("%s Cooperation, Newest First", "%s Cooperations, Newest First",
                                         result->cooperations->len),
                               count);
  gtk_label_set_text (self->list_label, list_text);
  gtk_stack_set_visible_child_name (self->content_stack, "figures");
}

static void
on_brand_changed_cb (TmPartnershipReview *self)
{
  update (self);
}

static void
on_period_changed_cb (TmPartnershipReview *self)
{
  guint selected = gtk_drop_down_get_selected (self->period_dropdown);

  if (self->updating)
    return;
  if (selected < self->periods->len)
    self->period = g_array_index (self->periods, PeriodChoice, selected);
  update (self);
}

static void
on_platform_changed_cb (TmPartnershipReview *self)
{
  update (self);
}

static void
on_clear_clicked_cb (TmPartnershipReview *self)
{
  self->updating = TRUE;
  self->period = (PeriodChoice) { TM_REVIEW_PERIOD_ALL, 0 };
  gtk_drop_down_set_selected (self->period_dropdown, 0);
  gtk_drop_down_set_selected (self->platform_dropdown, 0);
  self->updating = FALSE;
  update (self);
}

/* A brand renamed since the catalog was loaded goes by its new name. */
static const char *
current_brand_name (TmPartnershipReview *self,
                    const TmBrand       *brand)
{
  guint n = self->brands != NULL ? g_list_model_get_n_items (self->brands) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TmBrandObject) item = g_list_model_get_item (self->brands, i);

      if (g_str_equal (tm_brand_object_get_id (item), brand->id))
        return tm_brand_object_get_brand (item)->name;
    }
  return brand->name;
}

/* The brands of the catalog, keeping the one shown when it is still
 * there. */
static void
fill_brands (TmPartnershipReview *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  gint selected = -1;

  if (self->catalog != NULL)
    {
      for (guint b = 0; b < self->catalog->n_brands; b++)
        gtk_string_list_append (names, current_brand_name (self, self->catalog->brands[b]));
      if (self->brand_id != NULL)
        selected = tm_catalog_find_brand (self->catalog, self->brand_id);
    }
  gtk_drop_down_set_model (self->brand_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->brand_dropdown, selected >= 0 ? (guint) selected : 0);
}

/* All time, the last 12 months, this year, last year, then each year
 * with cooperations, newest first.  The choice stays when the new
 * catalog still offers it. */
static void
fill_periods (TmPartnershipReview *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  PeriodChoice fixed[] = {
    { TM_REVIEW_PERIOD_ALL, 0 },
    { TM_REVIEW_PERIOD_LAST_12_MONTHS, 0 },
    { TM_REVIEW_PERIOD_THIS_YEAR, 0 },
    { TM_REVIEW_PERIOD_LAST_YEAR, 0 },
  };
  int first_year, last_year;
  guint selected = 0;

  g_array_set_size (self->periods, 0);
  g_array_append_vals (self->periods, fixed, G_N_ELEMENTS (fixed));
  gtk_string_list_append (names, _("All Time"));
  gtk_string_list_append (names, _("Last 12 Months"));
  gtk_string_list_append (names, _("This Year"));
  gtk_string_list_append (names, _("Last Year"));
  if (self->review != NULL && tm_review_get_years (self->review, &first_year, &last_year))
    for (int year = last_year; year >= first_year; year--)
      {
        PeriodChoice choice = { TM_REVIEW_PERIOD_YEAR, year };
        g_autofree char *name = g_strdup_printf ("%d", year);

        g_array_append_val (self->periods, choice);
        gtk_string_list_append (names, name);
      }

  for (guint i = 0; i < self->periods->len; i++)
    {
      const PeriodChoice *choice = &g_array_index (self->periods, PeriodChoice, i);

      if (choice->period == self->period.period && choice->year == self->period.year)
        selected = i;
    }
  self->period = g_array_index (self->periods, PeriodChoice, selected);
  gtk_drop_down_set_model (self->period_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->period_dropdown, selected);
}

static void
fill_platforms (TmPartnershipReview *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_string_list_append (names, _("All Platforms"));
  for (int p = 0; p < TM_N_PLATFORMS; p++)
    gtk_string_list_append (names, tm_platform_label (p));
  /* Translators: cooperations whose record does not say on which
   * platform they ran. */
  gtk_string_list_append (names, _("Platform Not Given"));
  gtk_drop_down_set_model (self->platform_dropdown, G_LIST_MODEL (names));
}


/*
 * Public API
 */

/* Shows the catalog set last, if that has not happened yet. */
static void
refresh (TmPartnershipReview *self)
{
  if (!self->stale)
    return;
  self->stale = FALSE;
  if (self->catalog != NULL)
    self->review = tm_review_new (self->catalog);

  self->updating = TRUE;
  fill_brands (self);
  fill_periods (self);
  self->updating = FALSE;
  update (self);
}

void
tm_partnership_review_set_catalog (TmPartnershipReview *self,
                                   TmCatalog           *catalog)
{
  g_return_if_fail (TM_IS_PARTNERSHIP_REVIEW (self));

  if (catalog == self->catalog)
    return;

  set_result (self, NULL);
  g_clear_pointer (&self->review, tm_review_free);
  g_clear_pointer (&self->catalog, tm_catalog_unref);
  if (catalog != NULL)
    self->catalog = tm_catalog_ref (catalog);

  /* Indexing and summing a brand's cooperations took 160–200 ms at 1M on
   * the main loop at every launch and sync, for a page few open at once:
   * a hidden page waits until it is shown. */
  self->stale = TRUE;
  if (catalog == NULL || gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
}

static void
on_decisions_changed_cb (TmPartnershipReview *self,
                         const char          *brand_id)
{
  if (self->stale || g_strcmp0 (brand_id, self->brand_id) != 0)
    return;
  update (self);
}

void
tm_partnership_review_set_context (TmPartnershipReview *self,
                                   TmContext           *context)
{
  g_return_if_fail (TM_IS_PARTNERSHIP_REVIEW (self));
  g_return_if_fail (context == NULL || TM_IS_CONTEXT (context));

  if (self->context == context)
    return;
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_func (self->context, on_decisions_changed_cb, self);
  g_set_object (&self->context, context);
  if (context != NULL)
    g_signal_connect_object (context, "decisions-changed", G_CALLBACK (on_decisions_changed_cb),
                             self, G_CONNECT_SWAPPED);
}

void
tm_partnership_review_set_brands (TmPartnershipReview *self,
                                  GListModel          *brands)
{
  g_return_if_fail (TM_IS_PARTNERSHIP_REVIEW (self));
  g_return_if_fail (brands == NULL || G_IS_LIST_MODEL (brands));

  g_set_object (&self->brands, brands);
  tm_partnership_review_brands_changed (self);
}

void
tm_partnership_review_brands_changed (TmPartnershipReview *self)
{
  g_return_if_fail (TM_IS_PARTNERSHIP_REVIEW (self));

  if (self->stale)
    return;   /* filled with the current names when shown */

  /* Only the names: the brands and their order are the catalog's. */
  self->updating = TRUE;
  fill_brands (self);
  self->updating = FALSE;
}

gboolean
tm_partnership_review_select_brand (TmPartnershipReview *self,
                                    const char          *brand_id)
{
  gint index;

  g_return_val_if_fail (TM_IS_PARTNERSHIP_REVIEW (self), FALSE);
  g_return_val_if_fail (brand_id != NULL, FALSE);

  if (self->catalog == NULL || (index = tm_catalog_find_brand (self->catalog, brand_id)) < 0)
    return FALSE;
  refresh (self);
  gtk_drop_down_set_selected (self->brand_dropdown, (guint) index);
  return TRUE;
}

GListModel *
tm_partnership_review_get_model (TmPartnershipReview *self)
{
  g_return_val_if_fail (TM_IS_PARTNERSHIP_REVIEW (self), NULL);

  return G_LIST_MODEL (self->rows);
}


/*
 * GObject
 */

static void
tm_partnership_review_dispose (GObject *object)
{
  TmPartnershipReview *self = TM_PARTNERSHIP_REVIEW (object);

  if (self->cooperations_view != NULL)
    gtk_column_view_set_model (self->cooperations_view, NULL);
  /* state_stack is the bin's child: let the bin drop it first, or the
   * template would unparent it behind the bin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_PARTNERSHIP_REVIEW);
  g_clear_object (&self->rows);
  g_clear_object (&self->brands);
  g_clear_pointer (&self->result, tm_review_result_unref);
  g_clear_pointer (&self->review, tm_review_free);
  g_clear_pointer (&self->catalog, tm_catalog_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (tm_partnership_review_parent_class)->dispose (object);
}

static void
tm_partnership_review_finalize (GObject *object)
{
  TmPartnershipReview *self = TM_PARTNERSHIP_REVIEW (object);

  g_free (self->brand_id);
  g_array_unref (self->periods);
  g_hash_table_unref (self->decisions);

  G_OBJECT_CLASS (tm_partnership_review_parent_class)->finalize (object);
}

static void
tm_partnership_review_map (GtkWidget *widget)
{
  refresh (TM_PARTNERSHIP_REVIEW (widget));

  GTK_WIDGET_CLASS (tm_partnership_review_parent_class)->map (widget);
}

static void
tm_partnership_review_class_init (TmPartnershipReviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_partnership_review_dispose;
  object_class->finalize = tm_partnership_review_finalize;
  widget_class->map = tm_partnership_review_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-partnership-review.ui");
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, state_stack);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, brand_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, platform_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, period_label);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, clear_button);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, no_cooperations_page);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, filtered_out_page);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, gmv_value);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, gmv_detail);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, fees_value);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, fees_detail);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, return_rate_value);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, return_rate_detail);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, complaints_value);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, complaints_detail);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, cooperations_value);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, cooperations_detail);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, streamers_value);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, streamers_detail);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, chart);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, quarters_grid);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, list_label);
  gtk_widget_class_bind_template_child (widget_class, TmPartnershipReview, cooperations_view);
  gtk_widget_class_bind_template_callback (widget_class, setup_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_number_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_date_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_streamer_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_platform_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_format_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_gmv_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_fees_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_return_rate_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_complaints_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_rating_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked_cb);
}

static void
tm_partnership_review_init (TmPartnershipReview *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  g_autoptr(GtkExpression) expression = NULL;

  self->decisions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) tm_decision_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->periods = g_array_new (FALSE, FALSE, sizeof (PeriodChoice));
  self->period = (PeriodChoice) { TM_REVIEW_PERIOD_ALL, 0 };

  /* The brand drop-down searches the names as the user types. */
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->brand_dropdown, expression);

  self->updating = TRUE;
  fill_platforms (self);
  fill_brands (self);
  fill_periods (self);
  self->updating = FALSE;
  g_signal_connect_swapped (self->brand_dropdown, "notify::selected",
                            G_CALLBACK (on_brand_changed_cb), self);
  g_signal_connect_swapped (self->period_dropdown, "notify::selected",
                            G_CALLBACK (on_period_changed_cb), self);
  g_signal_connect_swapped (self->platform_dropdown, "notify::selected",
                            G_CALLBACK (on_platform_changed_cb), self);

  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->chart), TRUE);
  g_signal_connect (self->chart, "query-tooltip", G_CALLBACK (on_chart_query_tooltip_cb), self);

  self->rows = tm_review_list_new ();
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->cooperations_view, GTK_SELECTION_MODEL (selection));
  update (self);
}
