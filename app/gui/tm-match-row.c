/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-match-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-gui-utils.h"
#include "tm-match.h"
#include "tm-match-row.h"

#define XPAD       8
#define YPAD       6
#define LINE_GAP   2
#define RANK_WIDTH 56
#define CHANGE_WIDTH 52
#define BAR_WIDTH  120
#define SCORE_WIDTH 52

struct _TmMatchRow
{
  GtkWidget             parent_instance;

  const TmMatchRowData *data;
  TmStreamerItem       *item;
  char                 *text[TM_MATCH_ROW_N_TEXTS];
  PangoLayout          *layout[TM_MATCH_ROW_N_TEXTS];
  float                 score;
  int                   change;
  gboolean              risky;
  gboolean              stale;
};

G_DEFINE_FINAL_TYPE (TmMatchRow, tm_match_row, GTK_TYPE_WIDGET)

static PangoAttrList *
number_attributes (gboolean bold)
{
  static PangoAttrList *plain, *strong;

  if (g_once_init_enter (&plain))
    {
      PangoAttrList *list = pango_attr_list_new ();

      pango_attr_list_insert (list, pango_attr_font_features_new ("tnum"));
      strong = pango_attr_list_copy (list);
      pango_attr_list_insert (strong, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      g_once_init_leave (&plain, list);
    }
  return bold ? strong : plain;
}

char *
tm_match_row_format_decision (const TmDecision *decision)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (decision->decided);
  g_autofree char *date = when != NULL ? g_date_time_format (when, "%m-%d") : g_strdup ("");

  /* Translators: a decision and its date (month-day), "Shortlisted · 11-26". */
  return g_strdup_printf (_("%s · %s"), tm_decision_label (decision->status), date);
}

static char *
format_details (TmMatchRow *self,
                guint       streamer)
{
  TmRanking *ranking = self->data->ranking;
  const TmCandidate *c = &tm_ranking_get_candidates (ranking, NULL)[streamer];
  GString *text = g_string_new (NULL);
  const TmDecision *decision = NULL;

  /* The decision comes first, in words: a colour alone would not say it. */
  if (self->data->decisions != NULL)
    decision = g_hash_table_lookup (self->data->decisions,
                                    tm_streamer_item_get_catalog (self->item)->streamers[streamer].id);
  if (decision != NULL)
    {
      g_autofree char *badge = tm_match_row_format_decision (decision);

      g_string_append_printf (text, "[%s] ", badge);
    }

  /* Translators: the components of a score, each 0–100, and the
   * confidence in percent: "Style 72 · History 55 · Trust 80 · Confidence 64%". */
  g_string_append_printf (text, _("Style %.0f · History %.0f · Trust %.0f · Confidence %.0f%%"),
                          c->style, c->history, c->trust, 100.0 * c->confidence);
  self->risky = FALSE;

  if (c->exclusions != 0)
    {
      TmEngine *engine = tm_ranking_get_engine (ranking);
      g_autoptr(GPtrArray) reasons = tm_engine_get_exclusions (engine, tm_ranking_get_brand (ranking), streamer);

      for (guint i = 0; i < reasons->len; i++)
        {
          const TmExclusion *e = g_ptr_array_index (reasons, i);

          g_string_append (text, i == 0 ? " · ⛔ " : " ");
          g_string_append (text, e->message);
        }
      self->risky = TRUE;
    }
  else
    {
      guint risks = tm_match_get_risks (ranking, streamer);
      gboolean first = TRUE;

      for (guint flag = TM_MATCH_RISK_RECENT_INCIDENT; flag <= TM_MATCH_RISK_LAST; flag <<= 1)
        if (risks & flag)
          {
            g_string_append (text, first ? " · ⚠ " : tm_gui_list_separator ());
            g_string_append (text, tm_match_risk_label (flag));
            first = FALSE;
          }
      self->risky = risks != 0;
    }
  return g_string_free (text, FALSE);
}

static void
set_text (TmMatchRow     *self,
          TmMatchRowText  which,
          char           *text)
{
  if (g_strcmp0 (self->text[which], text) == 0)
    {
      g_free (text);
      return;
    }
  g_free (self->text[which]);
  self->text[which] = text;
  if (self->layout[which] != NULL)
    pango_layout_set_text (self->layout[which], text, -1);
}

static void
refresh (TmMatchRow *self)
{
  g_autofree char *label = NULL;
  guint streamer;
  const TmCandidate *c;
  const TmCatalog *catalog;

  self->stale = FALSE;
  if (self->item == NULL || self->data->ranking == NULL)
    {
      for (int i = 0; i < TM_MATCH_ROW_N_TEXTS; i++)
        set_text (self, i, g_strdup (""));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  catalog = tm_streamer_item_get_catalog (self->item);
  streamer = tm_streamer_item_get_streamer (self->item) - catalog->streamers;
  c = &tm_ranking_get_candidates (self->data->ranking, NULL)[streamer];
  self->score = c->score;
  self->change = tm_match_rank_change (self->data->base_ranks[streamer], self->data->ranks[streamer]);

  set_text (self, TM_MATCH_ROW_RANK,
            self->data->ranks[streamer] > 0 ? g_strdup_printf ("%u", self->data->ranks[streamer]) : g_strdup ("—"));
  set_text (self, TM_MATCH_ROW_CHANGE, tm_match_format_rank_change (self->change));
  set_text (self, TM_MATCH_ROW_NAME, g_strdup (catalog->streamers[streamer].name));
  set_text (self, TM_MATCH_ROW_SCORE, g_strdup_printf ("%.1f", c->score));
  set_text (self, TM_MATCH_ROW_DETAILS, format_details (self, streamer));
  /* Flags and exclusion reasons make the line long enough to be cut: the
   * whole of it on hover. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->risky ? self->text[TM_MATCH_ROW_DETAILS] : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  /* Translators: a candidate in the match results for a screen reader:
   * rank, name, score, rank change (may be empty), details. */
  label = g_strdup_printf (_("Rank %s, %s, score %s %s"),
                           self->text[TM_MATCH_ROW_RANK], self->text[TM_MATCH_ROW_NAME],
                           self->text[TM_MATCH_ROW_SCORE], self->text[TM_MATCH_ROW_CHANGE]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->text[TM_MATCH_ROW_DETAILS],
                                  -1);
}

void
tm_match_row_update (TmMatchRow *self)
{
  g_return_if_fail (TM_IS_MATCH_ROW (self));

  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
}

static void
on_index_changed_cb (TmMatchRow *self)
{
  tm_match_row_update (self);
}

static PangoLayout *
get_layout (TmMatchRow     *self,
            TmMatchRowText  which,
            int             width)
{
  if (self->layout[which] == NULL)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text[which]);

      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (layout, TRUE);
      if (which == TM_MATCH_ROW_RANK || which == TM_MATCH_ROW_SCORE || which == TM_MATCH_ROW_CHANGE)
        {
          pango_layout_set_attributes (layout, number_attributes (which != TM_MATCH_ROW_CHANGE));
          pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
        }
      if (which == TM_MATCH_ROW_NAME)
        pango_layout_set_attributes (layout, number_attributes (TRUE));
      if (which == TM_MATCH_ROW_DETAILS)
        {
          PangoAttrList *small = pango_attr_list_new ();

          pango_attr_list_insert (small, pango_attr_scale_new (0.85));
          pango_layout_set_attributes (layout, small);
          pango_attr_list_unref (small);
        }
      self->layout[which] = layout;
    }
  pango_layout_set_width (self->layout[which], MAX (width, 1) * PANGO_SCALE);
  return self->layout[which];
}

static int
line_height (GtkWidget *widget)
{
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  PangoFontMetrics *metrics = pango_context_get_metrics (pango, NULL, NULL);
  int h = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (metrics));

  pango_font_metrics_unref (metrics);
  return h > 0 ? h : 17;
}

static void
draw_text (TmMatchRow     *self,
           GtkSnapshot    *snapshot,
           TmMatchRowText  which,
           int             x,
           int             y,
           int             width,
           const GdkRGBA  *color)
{
  if (width <= 0 || self->text[which] == NULL || self->text[which][0] == '\0')
    return;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, get_layout (self, which, width), color);
  gtk_snapshot_restore (snapshot);
}

static void
tm_match_row_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TmMatchRow *self = TM_MATCH_ROW (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int lh = line_height (widget);
  int name_x = XPAD + RANK_WIDTH + CHANGE_WIDTH + XPAD;
  int score_x = width - XPAD - SCORE_WIDTH;
  int bar_x = score_x - XPAD - BAR_WIDTH;
  GdkRGBA color, dim, accent, trough, up, down, warning;

  if (self->stale)
    refresh (self);
  if (self->item == NULL || self->data->ranking == NULL)
    return;

  gtk_style_context_get_color (style, &color);
  dim = color;
  dim.alpha *= 0.7f;
  trough = color;
  trough.alpha *= 0.12f;
  if (!gtk_style_context_lookup_color (style, "accent_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  if (!gtk_style_context_lookup_color (style, "success_color", &up))
    up = color;
  if (!gtk_style_context_lookup_color (style, "error_color", &down))
    down = color;
  if (!gtk_style_context_lookup_color (style, "warning_color", &warning))
    warning = color;

  draw_text (self, snapshot, TM_MATCH_ROW_RANK, XPAD, YPAD, RANK_WIDTH, &color);
  draw_text (self, snapshot, TM_MATCH_ROW_CHANGE, XPAD + RANK_WIDTH, YPAD, CHANGE_WIDTH,
             self->change > 0 ? &up : &down);
  draw_text (self, snapshot, TM_MATCH_ROW_NAME, name_x, YPAD, bar_x - XPAD - name_x, &color);
  draw_text (self, snapshot, TM_MATCH_ROW_SCORE, score_x, YPAD, SCORE_WIDTH, &color);
  draw_text (self, snapshot, TM_MATCH_ROW_DETAILS, name_x, YPAD + lh + LINE_GAP,
             width - XPAD - name_x, self->risky ? &warning : &dim);

  if (bar_x > name_x)
    {
      float bar_y = YPAD + lh / 2.0f - 4;
      float filled = BAR_WIDTH * CLAMP (self->score, 0, 100) / 100.0f;

      gtk_snapshot_append_color (snapshot, &trough, &GRAPHENE_RECT_INIT (bar_x, bar_y, BAR_WIDTH, 8));
      gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (bar_x, bar_y, filled, 8));
    }
}

static void
tm_match_row_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = XPAD * 5 + RANK_WIDTH + CHANGE_WIDTH + SCORE_WIDTH + 120;
      *natural = *minimum + BAR_WIDTH + 200;
    }
  else
    *minimum = *natural = 2 * YPAD + 2 * line_height (widget) + LINE_GAP;
}

static void
tm_match_row_map (GtkWidget *widget)
{
  TmMatchRow *self = TM_MATCH_ROW (widget);

  GTK_WIDGET_CLASS (tm_match_row_parent_class)->map (widget);
  if (self->stale)
    refresh (self);
}

static void
tm_match_row_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  TmMatchRow *self = TM_MATCH_ROW (widget);

  GTK_WIDGET_CLASS (tm_match_row_parent_class)->css_changed (widget, change);
  /* A new font: the layouts are made again. */
  for (int i = 0; i < TM_MATCH_ROW_N_TEXTS; i++)
    g_clear_object (&self->layout[i]);
}

static void
tm_match_row_dispose (GObject *object)
{
  TmMatchRow *self = TM_MATCH_ROW (object);

  tm_match_row_set_item (self, NULL);
  for (int i = 0; i < TM_MATCH_ROW_N_TEXTS; i++)
    {
      g_clear_object (&self->layout[i]);
      g_clear_pointer (&self->text[i], g_free);
    }

  G_OBJECT_CLASS (tm_match_row_parent_class)->dispose (object);
}

static void
tm_match_row_class_init (TmMatchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_match_row_dispose;
  widget_class->snapshot = tm_match_row_snapshot;
  widget_class->measure = tm_match_row_measure;
  widget_class->map = tm_match_row_map;
  widget_class->css_changed = tm_match_row_css_changed;

  gtk_widget_class_set_css_name (widget_class, "match-row");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ROW);
}

static void
tm_match_row_init (TmMatchRow *self)
{
}

GtkWidget *
tm_match_row_new (const TmMatchRowData *data)
{
  TmMatchRow *self;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (TM_TYPE_MATCH_ROW, NULL);
  self->data = data;
  return GTK_WIDGET (self);
}

void
tm_match_row_set_item (TmMatchRow     *self,
                       TmStreamerItem *item)
{
  g_return_if_fail (TM_IS_MATCH_ROW (self));

  if (item == self->item)
    return;
  if (self->item != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->item, on_index_changed_cb, self);
      g_clear_object (&self->item);
    }
  if (item != NULL)
    {
      self->item = g_object_ref (item);
      g_signal_connect_swapped (item, "notify::index", G_CALLBACK (on_index_changed_cb), self);
    }
  tm_match_row_update (self);
}

TmStreamerItem *
tm_match_row_get_item (TmMatchRow *self)
{
  g_return_val_if_fail (TM_IS_MATCH_ROW (self), NULL);

  return self->item;
}

const char *
tm_match_row_get_text (TmMatchRow     *self,
                       TmMatchRowText  which)
{
  g_return_val_if_fail (TM_IS_MATCH_ROW (self), NULL);
  g_return_val_if_fail (which < TM_MATCH_ROW_N_TEXTS, NULL);

  if (self->stale)
    refresh (self);
  return self->text[which] != NULL ? self->text[which] : "";
}
