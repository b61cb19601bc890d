/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-dossier"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "tm-chart-scale.h"
#include "tm-dossier.h"

/* A4 in points (1/72 inch), the unit of everything below. */
#define PAGE_WIDTH     595.276
#define PAGE_HEIGHT    841.890
#define MARGIN          56.7      /* 20 mm */
#define MARGIN_BOTTOM   70.0      /* room for the footer */
#define CONTENT_WIDTH  (PAGE_WIDTH - 2 * MARGIN)
#define FOOTER_Y       (PAGE_HEIGHT - 40.0)

/* One Chinese font for all text, so that lines with and without Han
 * characters are equally high and share a baseline; Simplified Chinese
 * glyphs (never a Japanese font's); any sans for what is left. */
#define FONT_FAMILY "WenQuanYi Micro Hei,Noto Sans CJK SC,sans"
/* Except curly quotes in a language that is not CJK: the Chinese font's
 * are full width, which reads as "streamer ’ s" in English. */
#define FONT_FAMILY_QUOTES "Nimbus Sans,DejaVu Sans,sans"

typedef enum {
  TEXT_TITLE,
  TEXT_H1,
  TEXT_H2,
  TEXT_BODY,
  TEXT_BODY_BOLD,
  TEXT_SMALL,
  TEXT_SMALL_BOLD,
  TEXT_SCORE,
} TextStyle;

static const struct {
  double      size;
  PangoWeight weight;
} text_styles[] = {
  [TEXT_TITLE]      = { 24.0, PANGO_WEIGHT_BOLD },
  [TEXT_H1]         = { 17.0, PANGO_WEIGHT_BOLD },
  [TEXT_H2]         = { 11.5, PANGO_WEIGHT_BOLD },
  [TEXT_BODY]       = {  9.0, PANGO_WEIGHT_NORMAL },
  [TEXT_BODY_BOLD]  = {  9.0, PANGO_WEIGHT_BOLD },
  [TEXT_SMALL]      = {  7.5, PANGO_WEIGHT_NORMAL },
  [TEXT_SMALL_BOLD] = {  7.5, PANGO_WEIGHT_BOLD },
  [TEXT_SCORE]      = { 28.0, PANGO_WEIGHT_BOLD },
};

typedef struct {
  double r, g, b;
} Rgb;

/* Print colours: dark text, GNOME's palette for meaning. */
static const Rgb COLOR_TEXT     = { 0.13, 0.13, 0.15 };
static const Rgb COLOR_MUTED    = { 0.40, 0.40, 0.44 };
static const Rgb COLOR_RULE     = { 0.80, 0.80, 0.82 };
static const Rgb COLOR_GRID     = { 0.91, 0.91, 0.93 };
static const Rgb COLOR_ACCENT   = { 0.11, 0.44, 0.85 };   /* blue 4 */
static const Rgb COLOR_POSITIVE = { 0.15, 0.58, 0.35 };   /* green 5 */
static const Rgb COLOR_NEGATIVE = { 0.75, 0.11, 0.16 };   /* red 4 */
static const Rgb COLOR_RATE     = { 0.90, 0.38, 0.00 };   /* orange 4 */
static const Rgb COLOR_UNKNOWN  = { 0.65, 0.65, 0.68 };
static const Rgb COLOR_PANEL    = { 0.96, 0.96, 0.97 };

/* One candidate's section and what it needs from the catalog and the
 * store. */
typedef struct {
  guint32        streamer;
  guint          rank;           /* among included candidates; 0 excluded */
  TmExplanation *explanation;
  TmStreamer    *record;         /* from the store, nullable */
  GHashTable    *cooperations;   /* id → TmCooperation*, nullable */
  GHashTable    *incidents;      /* id → TmIncident*, nullable */
  TmDecision    *decision;       /* the user's, from the store, nullable */
  guint          page;           /* where the section starts */
} Section;

typedef struct {
  TmRanking        *ranking;
  TmEngine         *engine;
  TmCatalog        *catalog;
  const TmBrand    *brand;
  TmWeights         weights;
  GDateTime        *generated;
  const char       *author;
  gboolean          have_details;
  PangoFontMap     *font_map;
  Section          *sections;
  guint             n_sections;
} Dossier;

/* Where drawing is on the page. */
typedef struct {
  Dossier      *dossier;
  cairo_t      *cr;
  PangoContext *pango;
  gboolean      latin_quotes;
  double        y;
  guint         page;
  guint         n_pages;   /* 0 on the counting pass */
  char         *footer;
} Doc;

/* ---- Formatting --------------------------------------------------------- */

static char *
format_date (TmDate date)
{
  return date == TM_DATE_NONE ? g_strdup ("—") : tm_date_format (date);
}

/* "3,258,549": grouping by hand, the C locale of tests has none. */
static char *
format_count (gint64 n)
{
  g_autofree char *digits = NULL;
  GString *s;
  gsize len;

  if (n < 0)
    return g_strdup ("—");
  digits = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  len = strlen (digits);
  s = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static char *
format_percent (double fraction)
{
  if (isnan (fraction))
    return g_strdup ("—");
  return g_strdup_printf ("%.1f%%", fraction * 100.0);
}

static char *
format_provenance_parts (const TmProvenance *p,
                         char              **out_observed)
{
  *out_observed = format_date (p->observed);
  return g_strdup (tm_source_label (p->source));
}

static char *
format_credit (const TmCatalogStreamer *s)
{
  if (isnan (s->credit_score))
    return g_strdup ("—");
  if (s->credit_platform >= 0)
    /* Translators: a credit score on its platform's scale, e.g. “4.5/5 on Douyin” */
    return g_strdup_printf (_("%g/%g on %s"), s->credit_score, s->credit_scale,
                            tm_platform_label (s->credit_platform));
  return g_strdup_printf ("%g/%g", s->credit_score, s->credit_scale);
}

static char *
format_risk (const TmCandidate *c)
{
  g_autofree char *penalty = NULL;

  penalty = c->penalty > 0.0 ? g_strdup_printf ("−%.1f", c->penalty) : g_strdup ("0.0");
  if (c->cap >= 100.0)
    return g_steal_pointer (&penalty);
  /* Translators: the risk penalty in points and the ceiling severe
   * incidents put on the score, e.g. “−27.5, cap 34.3” */
  return g_strdup_printf (_("%s, cap %.1f"), penalty, c->cap);
}

/* ---- Text and pages ----------------------------------------------------- */

static void
set_color (cairo_t   *cr,
           const Rgb *c)
{
  cairo_set_source_rgb (cr, c->r, c->g, c->b);
}

static PangoLayout *
doc_layout (Doc            *doc,
            const char     *text,
            TextStyle       style,
            double          width,
            PangoAlignment  align)
{
  PangoLayout *layout = pango_layout_new (doc->pango);
  PangoFontDescription *desc = pango_font_description_new ();

  pango_font_description_set_family (desc, FONT_FAMILY);
  pango_font_description_set_size (desc, (int) (text_styles[style].size * PANGO_SCALE));
  pango_font_description_set_weight (desc, text_styles[style].weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  if (doc->latin_quotes && text != NULL)
    {
      PangoAttrList *attrs = NULL;

      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          PangoAttribute *attr;

          if (c != 0x2018 && c != 0x2019 && c != 0x201C && c != 0x201D)
            continue;
          if (attrs == NULL)
            attrs = pango_attr_list_new ();
          attr = pango_attr_family_new (FONT_FAMILY_QUOTES);
          attr->start_index = p - text;
          attr->end_index = g_utf8_next_char (p) - text;
          pango_attr_list_insert (attrs, attr);
        }
      if (attrs != NULL)
        {
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
        }
    }
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.width / PANGO_SCALE;
}

static double
text_height (Doc        *doc,
             const char *text,
             TextStyle   style,
             double      width)
{
  g_autoptr(PangoLayout) layout = doc_layout (doc, text, style, width, PANGO_ALIGN_LEFT);

  return layout_height (layout);
}

static double
text_width (Doc        *doc,
            const char *text,
            TextStyle   style)
{
  g_autoptr(PangoLayout) layout = doc_layout (doc, text, style, -1, PANGO_ALIGN_LEFT);

  return layout_width (layout);
}

/* Draws @text in a box @width wide at (@x, @y); returns its height. */
static double
draw_text (Doc            *doc,
           double          x,
           double          y,
           double          width,
           const char     *text,
           TextStyle       style,
           const Rgb      *color,
           PangoAlignment  align)
{
  g_autoptr(PangoLayout) layout = doc_layout (doc, text, style, width, align);

  set_color (doc->cr, color);
  cairo_move_to (doc->cr, x, y);
  pango_cairo_show_layout (doc->cr, layout);
  return layout_height (layout);
}

static void
draw_footer (Doc *doc)
{
  g_autofree char *page = NULL;

  cairo_save (doc->cr);
  set_color (doc->cr, &COLOR_RULE);
  cairo_set_line_width (doc->cr, 0.5);
  cairo_move_to (doc->cr, MARGIN, FOOTER_Y - 6);
  cairo_line_to (doc->cr, PAGE_WIDTH - MARGIN, FOOTER_Y - 6);
  cairo_stroke (doc->cr);
  draw_text (doc, MARGIN, FOOTER_Y, CONTENT_WIDTH * 0.75, doc->footer, TEXT_SMALL,
             &COLOR_MUTED, PANGO_ALIGN_LEFT);
  /* Translators: the page number in the PDF dossier's footer */
  page = g_strdup_printf (_("Page %u of %u"), doc->page, MAX (doc->n_pages, doc->page));
  draw_text (doc, MARGIN, FOOTER_Y, CONTENT_WIDTH, page, TEXT_SMALL, &COLOR_MUTED,
             PANGO_ALIGN_RIGHT);
  cairo_restore (doc->cr);
}

static void
doc_new_page (Doc *doc)
{
  if (doc->page > 0)
    {
      draw_footer (doc);
      cairo_show_page (doc->cr);
    }
  doc->page++;
  doc->y = MARGIN;
}

/* Starts a new page unless @height more fits on this one. */
static void
doc_need (Doc    *doc,
          double  height)
{
  if (doc->y + height > PAGE_HEIGHT - MARGIN_BOTTOM && doc->y > MARGIN)
    doc_new_page (doc);
}

static void
doc_paragraph (Doc        *doc,
               const char *text,
               TextStyle   style,
               const Rgb  *color,
               double      space_after)
{
  double h = text_height (doc, text, style, CONTENT_WIDTH);

  doc_need (doc, h);
  doc->y += draw_text (doc, MARGIN, doc->y, CONTENT_WIDTH, text, style, color, PANGO_ALIGN_LEFT);
  doc->y += space_after;
}

/* A section heading, kept with at least @keep points of what follows. */
static void
doc_heading (Doc        *doc,
             const char *text,
             double      keep)
{
  double h = text_height (doc, text, TEXT_H2, CONTENT_WIDTH);

  doc->y += 10;
  doc_need (doc, h + 6 + keep);
  doc->y += draw_text (doc, MARGIN, doc->y, CONTENT_WIDTH, text, TEXT_H2, &COLOR_TEXT,
                       PANGO_ALIGN_LEFT);
  set_color (doc->cr, &COLOR_RULE);
  cairo_set_line_width (doc->cr, 0.75);
  cairo_move_to (doc->cr, MARGIN, doc->y + 2);
  cairo_line_to (doc->cr, PAGE_WIDTH - MARGIN, doc->y + 2);
  cairo_stroke (doc->cr);
  doc->y += 7;
}

/* ---- Tables ------------------------------------------------------------- */

typedef struct {
  const char *title;
  double      width;     /* points; the last column takes what is left when 0 */
  gboolean    numeric;   /* right-aligned */
} Column;

#define CELL_PAD 3.0

static void
column_widths (const Column *columns,
               guint         n_columns,
               double       *widths)
{
  double used = 0;

  for (guint i = 0; i < n_columns; i++)
    used += columns[i].width;
  for (guint i = 0; i < n_columns; i++)
    widths[i] = columns[i].width > 0 ? columns[i].width : CONTENT_WIDTH - used;
}

static double
row_height (Doc           *doc,
            const double  *widths,
            guint          n_columns,
            char * const  *cells,
            TextStyle      style)
{
  double h = 0;

  for (guint i = 0; i < n_columns; i++)
    h = MAX (h, text_height (doc, cells[i], style, widths[i] - 2 * CELL_PAD));
  return h + 2 * CELL_PAD;
}

static void
draw_row (Doc           *doc,
          const Column  *columns,
          const double  *widths,
          guint          n_columns,
          char * const  *cells,
          TextStyle      style,
          const Rgb     *color)
{
  double x = MARGIN;

  for (guint i = 0; i < n_columns; i++)
    {
      draw_text (doc, x + CELL_PAD, doc->y + CELL_PAD, widths[i] - 2 * CELL_PAD, cells[i], style,
                 color, columns[i].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      x += widths[i];
    }
}

static void
draw_table_header (Doc          *doc,
                   const Column *columns,
                   const double *widths,
                   guint         n_columns)
{
  g_autofree char **titles = g_new0 (char *, n_columns + 1);
  double h;

  for (guint i = 0; i < n_columns; i++)
    titles[i] = (char *) columns[i].title;
  h = row_height (doc, widths, n_columns, titles, TEXT_SMALL_BOLD);
  draw_row (doc, columns, widths, n_columns, titles, TEXT_SMALL_BOLD, &COLOR_MUTED);
  doc->y += h;
  set_color (doc->cr, &COLOR_RULE);
  cairo_set_line_width (doc->cr, 0.75);
  cairo_move_to (doc->cr, MARGIN, doc->y);
  cairo_line_to (doc->cr, PAGE_WIDTH - MARGIN, doc->y);
  cairo_stroke (doc->cr);
}

/* @rows: char** of n_columns cells each.  A row never splits; the header
 * is repeated on every page the table continues on. */
static void
doc_table (Doc          *doc,
           const Column *columns,
           guint         n_columns,
           GPtrArray    *rows)
{
  double widths[16];
  double header_h;
  g_autofree char **titles = g_new0 (char *, n_columns + 1);

  g_assert (n_columns <= G_N_ELEMENTS (widths));
  column_widths (columns, n_columns, widths);
  for (guint i = 0; i < n_columns; i++)
    titles[i] = (char *) columns[i].title;
  header_h = row_height (doc, widths, n_columns, titles, TEXT_SMALL_BOLD);

  doc_need (doc, header_h + (rows->len > 0 ? row_height (doc, widths, n_columns,
                                                           g_ptr_array_index (rows, 0),
                                                           TEXT_SMALL) : 0));
  draw_table_header (doc, columns, widths, n_columns);
  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);
      double h = row_height (doc, widths, n_columns, cells, TEXT_SMALL);

      if (doc->y + h > PAGE_HEIGHT - MARGIN_BOTTOM)
        {
          doc_new_page (doc);
          draw_table_header (doc, columns, widths, n_columns);
        }
      if (r % 2 == 1)
        {
          set_color (doc->cr, &COLOR_PANEL);
          cairo_rectangle (doc->cr, MARGIN, doc->y, CONTENT_WIDTH, h);
          cairo_fill (doc->cr);
        }
      draw_row (doc, columns, widths, n_columns, cells, TEXT_SMALL, &COLOR_TEXT);
      doc->y += h;
    }
  doc->y += 4;
}

static GPtrArray *
rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
}

/* Adds a row of @n cells, each taken. */
static void
rows_add (GPtrArray *rows,
          guint      n,
          ...)
{
  char **cells = g_new0 (char *, n + 1);
  va_list args;

  va_start (args, n);
  for (guint i = 0; i < n; i++)
    {
      char *cell = va_arg (args, char *);

      cells[i] = cell != NULL ? cell : g_strdup ("—");
    }
  va_end (args);
  g_ptr_array_add (rows, cells);
}

/* Label–value pairs: the label column in muted bold. */
static void
doc_facts (Doc       *doc,
           GPtrArray *rows)
{
  const double label_w = 130;

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);
      double h = MAX (text_height (doc, cells[0], TEXT_BODY_BOLD, label_w - 8),
                      text_height (doc, cells[1], TEXT_BODY, CONTENT_WIDTH - label_w));

      doc_need (doc, h);
      draw_text (doc, MARGIN, doc->y, label_w - 8, cells[0], TEXT_BODY_BOLD, &COLOR_MUTED,
                 PANGO_ALIGN_LEFT);
      draw_text (doc, MARGIN + label_w, doc->y, CONTENT_WIDTH - label_w, cells[1], TEXT_BODY,
                 &COLOR_TEXT, PANGO_ALIGN_LEFT);
      doc->y += h + 3;
    }
}

/* A horizontal bar of @fraction (0–1) of @width, on a light track. */
static void
draw_bar (Doc       *doc,
          double     x,
          double     y,
          double     width,
          double     height,
          double     fraction,
          const Rgb *color)
{
  set_color (doc->cr, &COLOR_GRID);
  cairo_rectangle (doc->cr, x, y, width, height);
  cairo_fill (doc->cr);
  if (isnan (fraction))
    return;
  set_color (doc->cr, color);
  cairo_rectangle (doc->cr, x, y, width * CLAMP (fraction, 0.0, 1.0), height);
  cairo_fill (doc->cr);
}

/* ---- Cover -------------------------------------------------------------- */

static const char *
age_label (TmAgeBucket age)
{
  switch (age)
    {
    case TM_AGE_UNDER_18: return _("Under 18");
    case TM_AGE_18_24:    return _("18–24");
    case TM_AGE_25_30:    return _("25–30");
    case TM_AGE_31_40:    return _("31–40");
    case TM_AGE_41_50:    return _("41–50");
    case TM_AGE_OVER_50:  return _("Over 50");
    case TM_N_AGES:
    default:              g_assert_not_reached ();
    }
}

static const char *
list_separator (void)
{
  /* Translators: between the items of a list in a sentence: “, ” in
   * English, “、” in Chinese */
  return _(", ");
}

static char *
format_shares (const double *shares,
               guint         n,
               const char *(*label) (guint))
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, " · ");
      g_string_append_printf (s, "%s %.0f%%", label (i), shares[i] * 100.0);
    }
  return g_string_free (s, FALSE);
}

static const char *
age_label_i (guint i)
{
  return age_label ((TmAgeBucket) i);
}

static const char *
gender_label_i (guint i)
{
  return i == TM_GENDER_FEMALE ? _("Female") : _("Male");
}

static const char *
region_label_i (guint i)
{
  return tm_region_label ((TmRegion) i);
}

static char *
format_audience (const TmAudience *a)
{
  g_autofree char *age = NULL, *gender = NULL, *region = NULL;

  if (!a->present)
    return g_strdup (_("Not set"));
  age = format_shares (a->age, TM_N_AGES, age_label_i);
  gender = format_shares (a->gender, TM_N_GENDERS, gender_label_i);
  region = format_shares (a->region, TM_N_REGIONS, region_label_i);
  /* Translators: a target audience by age, gender and city tier, one per
   * line, in the PDF dossier */
  return g_strdup_printf (_("Age: %s\nGender: %s\nCities: %s"), age, gender, region);
}

static char *
format_brand_names (Dossier   *d,
                    GPtrArray *ids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      gint b = tm_catalog_find_brand (d->catalog, id);

      if (i > 0)
        g_string_append (s, list_separator ());
      g_string_append (s, b >= 0 ? d->catalog->brands[b]->name : id);
    }
  return g_string_free (s, FALSE);
}

static char *
format_constraints (Dossier *d)
{
  const TmBrand *brand = d->brand;
  GString *s = g_string_new (NULL);

  if (brand->min_credit_score > 0)
    g_string_append_printf (s,
                            /* Translators: a brand's constraint, in the PDF dossier */
                            _("Credit score at least %.0f%% of the platform's scale\n"),
                            brand->min_credit_score);
  if (brand->exclusivity_days > 0)
    {
      g_autofree char *names = format_brand_names (d, brand->competitor_brands);
      GString *categories = g_string_new (NULL);

      for (guint i = 0; brand->competitor_categories != NULL && i < brand->competitor_categories->len; i++)
        {
          if (i > 0)
            g_string_append (categories, list_separator ());
          g_string_append (categories, tm_category_label (g_ptr_array_index (brand->competitor_categories, i)));
        }
      g_string_append_printf (s,
                              /* Translators: a brand's exclusivity constraint, in the PDF dossier */
                              _("No cooperation with a competitor in the last %d days\n"),
                              brand->exclusivity_days);
      if (names[0] != '\0')
        g_string_append_printf (s, _("Competitor brands: %s\n"), names);
      if (categories->len > 0)
        g_string_append_printf (s, _("Competitor categories: %s\n"), categories->str);
      g_string_free (categories, TRUE);
    }
  if (brand->blacklist != NULL && brand->blacklist->len > 0)
    g_string_append_printf (s,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "%u streamer on the blacklist\n",
                                         "%u streamers on the blacklist\n",
                                         brand->blacklist->len),
                            brand->blacklist->len);
  if (s->len == 0)
    g_string_append (s, _("None"));
  else
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

static void
draw_brand_profile (Doc *doc)
{
  Dossier *d = doc->dossier;
  const TmBrand *brand = d->brand;
  g_autoptr(GPtrArray) rows = rows_new ();
  GString *tags = g_string_new (NULL);

  for (guint i = 0; brand->style_tags != NULL && i < brand->style_tags->len; i++)
    {
      const TmStyleTag *tag = &g_array_index (brand->style_tags, TmStyleTag, i);

      if (i > 0)
        g_string_append (tags, " · ");
      g_string_append_printf (tags, "%s %.0f%%", tag->tag, tag->weight * 100.0);
    }

  doc_heading (doc, _("Brand profile"), 60);
  rows_add (rows, 2, g_strdup (_("Name")), g_strdup_printf ("%s (%s)", brand->name, brand->id));
  rows_add (rows, 2, g_strdup (_("Category")), g_strdup (tm_category_label (brand->category)));
  rows_add (rows, 2, g_strdup (_("Price tier")), g_strdup (tm_price_tier_label (brand->price_tier)));
  rows_add (rows, 2, g_strdup (_("Typical order price")),
            brand->typical_order_price_fen >= 0 ? tm_format_fen (brand->typical_order_price_fen, FALSE) : NULL);
  if (brand->budget_fen >= 0)
    /* Not the price tier "Budget": the money the brand can spend. */
    rows_add (rows, 2, g_strdup (C_("brand field", "Budget")), tm_format_fen (brand->budget_fen, FALSE));
  rows_add (rows, 2, g_strdup (_("Style tags")),
            tags->len > 0 ? g_string_free (tags, FALSE) : (g_string_free (tags, TRUE), NULL));
  rows_add (rows, 2, g_strdup (_("Target audience")), format_audience (&brand->audience));
  rows_add (rows, 2, g_strdup (_("Constraints")), format_constraints (d));
  if (brand->notes != NULL && brand->notes[0] != '\0')
    rows_add (rows, 2, g_strdup (_("Notes")), g_strdup (brand->notes));
  doc_facts (doc, rows);
}

static void
draw_weights (Doc *doc)
{
  Dossier *d = doc->dossier;
  guint percent[3] = { 0, };
  const TmComponent components[3] = { TM_COMPONENT_STYLE, TM_COMPONENT_HISTORY, TM_COMPONENT_TRUST };
  g_autofree char *risk = NULL;

  tm_weights_get_percentages (&d->weights, percent);
  doc_heading (doc, _("Weights used"), 60);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *value = g_strdup_printf ("%u%%", percent[i]);

      doc_need (doc, 14);
      draw_text (doc, MARGIN, doc->y, 122, tm_component_label (components[i]), TEXT_BODY_BOLD,
                 &COLOR_MUTED, PANGO_ALIGN_LEFT);
      draw_bar (doc, MARGIN + 130, doc->y + 3, 200, 7, percent[i] / 100.0, &COLOR_ACCENT);
      draw_text (doc, MARGIN + 336, doc->y, 40, value, TEXT_BODY, &COLOR_TEXT, PANGO_ALIGN_LEFT);
      doc->y += 14;
    }
  /* Translators: the risk weight in the PDF dossier, e.g. “×1 on the
   * incident penalty” */
  risk = g_strdup_printf (_("×%g on the incident penalty"), d->weights.risk);
  draw_text (doc, MARGIN, doc->y, 122, tm_component_label (TM_COMPONENT_RISK), TEXT_BODY_BOLD,
             &COLOR_MUTED, PANGO_ALIGN_LEFT);
  doc->y += draw_text (doc, MARGIN + 130, doc->y, CONTENT_WIDTH - 130, risk, TEXT_BODY,
                       &COLOR_TEXT, PANGO_ALIGN_LEFT);
  doc->y += 3;
  doc_paragraph (doc,
                 _("Style, history and trust are shares of the score; the risk weight "
                   "multiplies the points incidents take off."),
                 TEXT_SMALL, &COLOR_MUTED, 0);
}

static void
draw_summary (Doc *doc)
{
  Dossier *d = doc->dossier;
  const Column columns[] = {
    /* Translators: column headers of the candidate summary in the PDF dossier */
    { C_("dossier", "Rank"), 44, TRUE },
    { C_("dossier", "Streamer"), 0, FALSE },
    { C_("dossier", "Score"), 40, TRUE },
    { tm_component_label (TM_COMPONENT_STYLE), 46, TRUE },
    { tm_component_label (TM_COMPONENT_HISTORY), 58, TRUE },
    { tm_component_label (TM_COMPONENT_TRUST), 50, TRUE },
    { tm_component_label (TM_COMPONENT_RISK), 56, TRUE },
    { C_("dossier", "Confidence"), 54, TRUE },
    { C_("dossier", "Page"), 30, TRUE },
  };
  g_autoptr(GPtrArray) rows = rows_new ();

  doc_heading (doc, _("Candidates in this dossier"), 40);
  for (guint i = 0; i < d->n_sections; i++)
    {
      const Section *sec = &d->sections[i];
      const TmCandidate *c = &sec->explanation->candidate;
      const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];

      rows_add (rows, G_N_ELEMENTS (columns),
                sec->rank > 0 ? g_strdup_printf ("%u", sec->rank) : g_strdup (C_("dossier", "excluded")),
                g_strdup (s->name),
                g_strdup_printf ("%.1f", c->score),
                g_strdup_printf ("%.1f", c->style),
                g_strdup_printf ("%.1f", c->history),
                g_strdup_printf ("%.1f", c->trust),
                format_risk (c),
                g_strdup_printf ("%.0f%%", c->confidence * 100.0),
                sec->page > 0 ? g_strdup_printf ("%u", sec->page) : g_strdup (""));
    }
  doc_table (doc, columns, G_N_ELEMENTS (columns), rows);
}

static void
draw_data_provenance (Doc *doc)
{
  Dossier *d = doc->dossier;
  const TmProvenance *bp = &d->brand->provenance;
  g_autofree char *as_of = format_date (tm_engine_get_as_of (d->engine));
  g_autofree char *brand_observed = format_date (bp->observed);
  g_autofree char *first = NULL, *last = NULL;
  g_autofree char *counts = NULL, *brand = NULL, *profiles = NULL;
  guint per_source[TM_N_SOURCES] = { 0, };
  TmDate oldest = G_MAXINT32, newest = TM_DATE_NONE;
  GString *sources = g_string_new (NULL);

  for (guint i = 0; i < d->n_sections; i++)
    {
      const TmProvenance *p = &d->catalog->streamers[d->sections[i].streamer].provenance;

      if ((guint) p->source < TM_N_SOURCES)
        per_source[p->source]++;
      if (p->observed != TM_DATE_NONE)
        {
          oldest = MIN (oldest, p->observed);
          newest = MAX (newest, p->observed);
        }
    }
  for (guint i = 0; i < TM_N_SOURCES; i++)
    if (per_source[i] > 0)
      {
        if (sources->len > 0)
          g_string_append (sources, list_separator ());
        g_string_append_printf (sources, "%s %u", tm_source_label (i), per_source[i]);
      }
  first = format_date (newest == TM_DATE_NONE ? TM_DATE_NONE : oldest);
  last = format_date (newest);

  doc_heading (doc, _("Where the data comes from"), 40);
  /* Translators: first sentence of the PDF dossier's provenance summary */
  counts = g_strdup_printf (_("Scores are computed as of %s from the local database: "
                              "%u streamers, %u cooperations and %u incidents."),
                            as_of, d->catalog->n_streamers, d->catalog->n_cooperations,
                            d->catalog->n_incidents);
  doc_paragraph (doc, counts, TEXT_BODY, &COLOR_TEXT, 3);
  /* Translators: the brand profile's provenance: source, date, basis */
  brand = g_strdup_printf (_("Brand profile: %s, observed %s, %s."), tm_source_label (bp->source),
                           brand_observed, tm_basis_label (bp->basis));
  doc_paragraph (doc, brand, TEXT_BODY, &COLOR_TEXT, 3);
  /* Translators: the candidates' profiles: oldest and newest observation
   * date, then the sources with how many profiles each */
  profiles = g_strdup_printf (_("Candidates' profiles: observed between %s and %s; sources: %s."),
                              first, last, sources->str);
  g_string_free (sources, TRUE);
  doc_paragraph (doc, profiles, TEXT_BODY, &COLOR_TEXT, 3);
  doc_paragraph (doc,
                 _("Every figure in this dossier names its source, the day it was observed "
                   "and its basis: observed (read as the platform shows it), measured "
                   "(computed from raw data) or estimated (by a model or a person)."),
                 TEXT_BODY, &COLOR_TEXT, 3);
  if (!d->have_details)
    doc_paragraph (doc,
                   _("Incident details and the provenance of single figures were not "
                     "available when this dossier was made."),
                   TEXT_BODY, &COLOR_NEGATIVE, 0);
}

static void
draw_cover (Doc *doc)
{
  Dossier *d = doc->dossier;
  g_autofree char *generated = g_date_time_format (d->generated, "%Y-%m-%d %H:%M %Z");
  g_autofree char *as_of = format_date (tm_engine_get_as_of (d->engine));
  g_autofree char *line = NULL;

  doc_new_page (doc);
  set_color (doc->cr, &COLOR_ACCENT);
  cairo_rectangle (doc->cr, MARGIN, doc->y, 36, 4);
  cairo_fill (doc->cr);
  doc->y += 12;
  doc_paragraph (doc, _("TrustMatch · Streamer dossier"), TEXT_BODY_BOLD, &COLOR_ACCENT, 4);
  doc_paragraph (doc, d->brand->name, TEXT_TITLE, &COLOR_TEXT, 6);
  line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: under the title of the PDF dossier:
                                        * when it was made, the date the scores are
                                        * computed for, and how many candidates it has */
                                       "Generated %s · scores as of %s · %u candidate",
                                       "Generated %s · scores as of %s · %u candidates",
                                       d->n_sections),
                          generated, as_of, d->n_sections);
  doc_paragraph (doc, line, TEXT_BODY, &COLOR_MUTED, 2);
  if (d->author != NULL && d->author[0] != '\0')
    {
      /* Translators: who made the PDF dossier, e.g. an agency */
      g_autofree char *by = g_strdup_printf (_("Prepared by %s"), d->author);

      doc_paragraph (doc, by, TEXT_BODY, &COLOR_MUTED, 2);
    }

  draw_brand_profile (doc);
  draw_weights (doc);
  draw_summary (doc);
  draw_data_provenance (doc);
}

/* ---- A candidate -------------------------------------------------------- */

static void
draw_candidate_title (Doc     *doc,
                      Section *sec)
{
  Dossier *d = doc->dossier;
  const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];
  g_autofree char *title = NULL;
  GString *sub = g_string_new (NULL);
  double h;

  title = sec->rank > 0 ? g_strdup_printf ("%u. %s", sec->rank, s->name) : g_strdup (s->name);
  h = draw_text (doc, MARGIN, doc->y, CONTENT_WIDTH, title, TEXT_H1, &COLOR_TEXT, PANGO_ALIGN_LEFT);
  doc->y += h + 2;

  /* Translators: the record id of a streamer in the PDF dossier */
  g_string_append_printf (sub, _("ID %s"), s->id);
  for (guint i = 0; i < s->n_categories; i++)
    {
      g_string_append (sub, i == 0 ? " · " : list_separator ());
      g_string_append (sub, tm_category_label (d->catalog->categories[s->first_category + i]));
    }
  g_string_append (sub, " · ");
  g_string_append (sub, tm_verification_label (s->verification));
  doc_paragraph (doc, sub->str, TEXT_BODY, &COLOR_MUTED, 6);
  g_string_free (sub, TRUE);

  /* The reader sees where the candidate stands, rejected ones included:
   * a dossier of the top N may hold someone already turned down. */
  if (sec->decision != NULL)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (sec->decision->decided);
      g_autofree char *day = when != NULL ? g_date_time_format (when, "%Y-%m-%d") : g_strdup ("—");
      g_autofree char *text = NULL;

      if (sec->decision->note != NULL && sec->decision->note[0] != '\0')
        /* Translators: the user's decision about a candidate in the PDF
         * dossier: the decision, its day and the user's note,
         * “Decision: Shortlisted on 2026-11-26 — call on Monday” */
        text = g_strdup_printf (_("Decision: %s on %s — %s"), tm_decision_label (sec->decision->status),
                                day, sec->decision->note);
      else
        /* Translators: the user's decision about a candidate in the PDF
         * dossier, without a note: “Decision: Rejected on 2026-11-26” */
        text = g_strdup_printf (_("Decision: %s on %s"), tm_decision_label (sec->decision->status), day);
      doc_paragraph (doc, text, TEXT_BODY,
                     sec->decision->status == TM_DECISION_REJECTED ? &COLOR_NEGATIVE : &COLOR_TEXT, 6);
    }

  for (guint i = 0; i < s->n_accounts; i++)
    {
      const TmCatalogAccount *a = &d->catalog->accounts[s->first_account + i];
      g_autofree char *count = format_count (a->followers);
      /* Translators: a platform account in the PDF dossier: platform,
       * handle, follower count */
      g_autofree char *text = g_strdup_printf (_("%s  @%s  ·  %s followers"),
                                               tm_platform_label (a->platform), a->handle, count);

      doc_paragraph (doc, text, TEXT_BODY, &COLOR_TEXT, 1);
    }
}

/* The big score on the left, the components beside it. */
#define SCORE_WIDTH 130.0

static void
draw_component_row (Doc        *doc,
                    const char *label,
                    double      value,
                    double      confidence)
{
  g_autofree char *number = g_strdup_printf ("%.1f", value);
  /* Translators: how sure a component score is, in the PDF dossier */
  g_autofree char *conf = g_strdup_printf (_("confidence %.0f%%"), confidence * 100.0);
  double x = MARGIN + SCORE_WIDTH;

  draw_text (doc, x, doc->y, -1, label, TEXT_BODY_BOLD, &COLOR_MUTED, PANGO_ALIGN_LEFT);
  draw_bar (doc, x + 100, doc->y + 3, 130, 7, value / 100.0, &COLOR_ACCENT);
  draw_text (doc, x + 234, doc->y, 30, number, TEXT_BODY, &COLOR_TEXT, PANGO_ALIGN_RIGHT);
  draw_text (doc, x + 270, doc->y + 1, CONTENT_WIDTH - SCORE_WIDTH - 270, conf, TEXT_SMALL,
             &COLOR_MUTED, PANGO_ALIGN_LEFT);
  doc->y += 14;
}

static void
draw_score (Doc     *doc,
            Section *sec)
{
  const TmCandidate *c = &sec->explanation->candidate;
  g_autofree char *score = g_strdup_printf ("%.1f", c->score);
  /* Translators: under the big score in the PDF dossier */
  g_autofree char *of = g_strdup_printf (_("of 100 · confidence %.0f%%"), c->confidence * 100.0);
  g_autofree char *risk = format_risk (c);
  double top;

  doc_heading (doc, _("Score"), 70);
  top = doc->y;
  draw_text (doc, MARGIN, top - 4, SCORE_WIDTH, score, TEXT_SCORE, c->exclusions ? &COLOR_MUTED : &COLOR_TEXT,
             PANGO_ALIGN_LEFT);
  draw_text (doc, MARGIN, top + 32, SCORE_WIDTH, of, TEXT_SMALL, &COLOR_MUTED, PANGO_ALIGN_LEFT);

  draw_component_row (doc, tm_component_label (TM_COMPONENT_STYLE), c->style, c->style_confidence);
  draw_component_row (doc, tm_component_label (TM_COMPONENT_HISTORY), c->history, c->history_confidence);
  draw_component_row (doc, tm_component_label (TM_COMPONENT_TRUST), c->trust, c->trust_confidence);
  draw_text (doc, MARGIN + SCORE_WIDTH, doc->y, -1, tm_component_label (TM_COMPONENT_RISK),
             TEXT_BODY_BOLD, &COLOR_MUTED, PANGO_ALIGN_LEFT);
  draw_text (doc, MARGIN + SCORE_WIDTH + 100, doc->y, 200, risk, TEXT_BODY,
             c->penalty > 0 ? &COLOR_NEGATIVE : &COLOR_TEXT, PANGO_ALIGN_LEFT);
  doc->y = MAX (doc->y + 14, top + 46);

  if (c->exclusions != 0)
    {
      doc->y += 4;
      doc_paragraph (doc, _("Excluded by the brand's constraints:"), TEXT_BODY_BOLD, &COLOR_NEGATIVE, 1);
      for (guint i = 0; sec->explanation->exclusions != NULL && i < sec->explanation->exclusions->len; i++)
        {
          const TmExclusion *x = g_ptr_array_index (sec->explanation->exclusions, i);
          g_autofree char *line = g_strdup_printf ("• %s", x->message);

          doc_paragraph (doc, line, TEXT_BODY, &COLOR_NEGATIVE, 1);
        }
    }
}

/* The label of an explanation line: the factor, and for a cooperation or
 * an incident the date of its record. */
static char *
item_label (Dossier                 *d,
            const Section           *sec,
            const TmExplanationItem *item)
{
  const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];
  const char *id = item->evidence != NULL ? item->evidence[0] : NULL;

  if (id != NULL && item->factor == TM_FACTOR_COOPERATION)
    for (guint i = 0; i < s->n_cooperations; i++)
      {
        const TmCatalogCooperation *c = &d->catalog->cooperations[s->first_cooperation + i];

        if (g_str_equal (c->id, id))
          {
            g_autofree char *date = format_date (c->date);
            return g_strdup_printf ("%s %s", tm_factor_label (item->factor), date);
          }
      }
  if (id != NULL && item->factor == TM_FACTOR_INCIDENT)
    for (guint i = 0; i < s->n_incidents; i++)
      {
        const TmCatalogIncident *x = &d->catalog->incidents[s->first_incident + i];

        if (g_str_equal (x->id, id))
          {
            g_autofree char *date = format_date (x->date);
            return g_strdup_printf ("%s %s", tm_factor_label (item->factor), date);
          }
      }
  return g_strdup (tm_factor_label (item->factor));
}

#define EXPLAIN_ROW   13.0
#define EXPLAIN_NUM   18.0
#define EXPLAIN_LABEL 150.0
#define EXPLAIN_BARS  240.0

static void
draw_explanation (Doc     *doc,
                  Section *sec)
{
  Dossier *d = doc->dossier;
  const TmExplanation *e = sec->explanation;
  double lo = 0, hi = 0, neutral = 0, step = 1;
  double bars_x = MARGIN + EXPLAIN_NUM + EXPLAIN_LABEL;
  g_autoptr(GArray) ticks = NULL;
  TmChartScale scale;
  g_autofree char *intro = NULL, *total = NULL;
  guint number = 0;

  for (guint i = 0; i < e->items->len; i++)
    {
      const TmExplanationItem *item = g_ptr_array_index (e->items, i);

      if (item->factor == TM_FACTOR_NEUTRAL)
        {
          neutral += item->contribution;
          continue;
        }
      lo = MIN (lo, item->contribution);
      hi = MAX (hi, item->contribution);
    }
  ticks = tm_chart_nice_ticks (MIN (lo, -1.0), MAX (hi, 1.0), 6, &step);
  scale = (TmChartScale) { g_array_index (ticks, double, 0), g_array_index (ticks, double, ticks->len - 1),
                           bars_x, bars_x + EXPLAIN_BARS };

  doc_heading (doc, _("Why this score"), 80);
  /* Translators: introduction to the explanation chart of the PDF dossier */
  intro = g_strdup_printf (_("Every factor adds or takes off score points, starting from a "
                             "neutral %.1f; together they make the score. Bars right of the "
                             "line raised the score, bars left of it lowered it; grey bars "
                             "stand for figures that are unknown."), neutral);
  doc_paragraph (doc, intro, TEXT_SMALL, &COLOR_MUTED, 6);

  /* The axis labels above the bars. */
  doc_need (doc, 12 + 2 * EXPLAIN_ROW);
  for (guint t = 0; t < ticks->len; t++)
    {
      double v = g_array_index (ticks, double, t);
      g_autofree char *text = NULL;

      /* Whole points when the step allows: "+2", not "+2.0". */
      if (fabs (v) < step / 2)
        text = g_strdup ("0");
      else if (step >= 1)
        text = g_strdup_printf ("%s%.0f", v > 0 ? "+" : "−", fabs (v));
      else
        text = tm_format_points_signed (v);

      draw_text (doc, tm_chart_scale_map (&scale, v) - 20, doc->y, 40, text,
                 TEXT_SMALL, &COLOR_MUTED, PANGO_ALIGN_CENTER);
    }
  doc->y += 12;

  for (guint i = 0; i < e->items->len; i++)
    {
      const TmExplanationItem *item = g_ptr_array_index (e->items, i);
      g_autofree char *label = NULL, *num = NULL, *points = NULL;
      double x0, x1, zero;
      const Rgb *color;

      if (item->factor == TM_FACTOR_NEUTRAL)
        continue;
      if (doc->y + EXPLAIN_ROW > PAGE_HEIGHT - MARGIN_BOTTOM)
        doc_new_page (doc);
      number++;
      label = item_label (d, sec, item);
      num = g_strdup_printf ("%u", number);
      points = tm_format_points_signed (item->contribution);
      draw_text (doc, MARGIN, doc->y, EXPLAIN_NUM - 4, num, TEXT_SMALL, &COLOR_MUTED, PANGO_ALIGN_RIGHT);
      draw_text (doc, MARGIN + EXPLAIN_NUM, doc->y, EXPLAIN_LABEL - 6, label, TEXT_SMALL, &COLOR_TEXT,
                 PANGO_ALIGN_LEFT);

      /* Grid at the ticks, so bar lengths can be read. */
      set_color (doc->cr, &COLOR_GRID);
      cairo_set_line_width (doc->cr, 0.5);
      for (guint t = 0; t < ticks->len; t++)
        {
          double x = tm_chart_scale_map (&scale, g_array_index (ticks, double, t));

          cairo_move_to (doc->cr, x, doc->y);
          cairo_line_to (doc->cr, x, doc->y + EXPLAIN_ROW);
        }
      cairo_stroke (doc->cr);

      zero = tm_chart_scale_map (&scale, 0);
      x0 = MIN (zero, tm_chart_scale_map (&scale, item->contribution));
      x1 = MAX (zero, tm_chart_scale_map (&scale, item->contribution));
      color = !item->known ? &COLOR_UNKNOWN
              : item->contribution >= 0 ? &COLOR_POSITIVE : &COLOR_NEGATIVE;
      set_color (doc->cr, color);
      cairo_rectangle (doc->cr, x0, doc->y + 2.5, MAX (x1 - x0, 0.5), EXPLAIN_ROW - 5);
      cairo_fill (doc->cr);
      set_color (doc->cr, &COLOR_MUTED);
      cairo_set_line_width (doc->cr, 0.75);
      cairo_move_to (doc->cr, zero, doc->y);
      cairo_line_to (doc->cr, zero, doc->y + EXPLAIN_ROW);
      cairo_stroke (doc->cr);

      draw_text (doc, bars_x + EXPLAIN_BARS + 4, doc->y, 40, points, TEXT_SMALL,
                 g_str_has_prefix (points, "−") ? &COLOR_NEGATIVE : &COLOR_TEXT, PANGO_ALIGN_RIGHT);
      doc->y += EXPLAIN_ROW;
    }

  /* Translators: the sum of an explanation's points in the PDF dossier */
  total = g_strdup_printf (_("Total: %.1f points"), e->total);
  doc->y += 2;
  doc_need (doc, EXPLAIN_ROW);
  draw_text (doc, bars_x, doc->y, EXPLAIN_BARS + 44, total, TEXT_SMALL_BOLD, &COLOR_TEXT,
             PANGO_ALIGN_RIGHT);
  doc->y += EXPLAIN_ROW + 6;

  /* The evidence: each line's sentence and its records, by number. */
  doc_need (doc, 40);
  doc->y += draw_text (doc, MARGIN, doc->y, CONTENT_WIDTH, _("Evidence"), TEXT_BODY_BOLD,
                       &COLOR_TEXT, PANGO_ALIGN_LEFT) + 2;
  number = 0;
  for (guint i = 0; i < e->items->len; i++)
    {
      const TmExplanationItem *item = g_ptr_array_index (e->items, i);
      g_autofree char *num = NULL, *text = NULL;
      double h;

      if (item->factor == TM_FACTOR_NEUTRAL)
        continue;
      number++;
      num = g_strdup_printf ("%u", number);
      if (item->evidence != NULL && item->evidence[0] != NULL)
        {
          g_autofree char *ids = g_strjoinv (", ", item->evidence);

          text = g_strdup_printf ("%s [%s]", item->message ? item->message : "", ids);
        }
      else
        text = g_strdup (item->message ? item->message : "");
      h = text_height (doc, text, TEXT_SMALL, CONTENT_WIDTH - EXPLAIN_NUM);
      doc_need (doc, h);
      draw_text (doc, MARGIN, doc->y, EXPLAIN_NUM - 4, num, TEXT_SMALL, &COLOR_MUTED, PANGO_ALIGN_RIGHT);
      draw_text (doc, MARGIN + EXPLAIN_NUM, doc->y, CONTENT_WIDTH - EXPLAIN_NUM, text, TEXT_SMALL,
                 &COLOR_TEXT, PANGO_ALIGN_LEFT);
      doc->y += h + 1.5;
    }
}

/* The cooperation history: GMV per cooperation over time, with the
 * return rate on a second axis, as the streamer page draws it. */
#define CHART_HEIGHT 170.0

static void
draw_marker (cairo_t  *cr,
             double    x,
             double    y,
             double    radius,
             gboolean  square)
{
  if (square)
    cairo_rectangle (cr, x - radius, y - radius, 2 * radius, 2 * radius);
  else
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
    }
}

static void
draw_legend_item (Doc       *doc,
                  double    *x,
                  double     y,
                  const Rgb *color,
                  gboolean   dashed,
                  gboolean   ring,
                  const char *label)
{
  static const double dash[] = { 3, 2 };

  set_color (doc->cr, color);
  if (ring)
    {
      cairo_set_line_width (doc->cr, 1.2);
      draw_marker (doc->cr, *x + 8, y, 4.0, FALSE);
      cairo_stroke (doc->cr);
    }
  else
    {
      cairo_set_line_width (doc->cr, dashed ? 1.0 : 1.5);
      cairo_set_dash (doc->cr, dashed ? dash : NULL, dashed ? 2 : 0, 0);
      cairo_move_to (doc->cr, *x, y);
      cairo_line_to (doc->cr, *x + 16, y);
      cairo_stroke (doc->cr);
      cairo_set_dash (doc->cr, NULL, 0, 0);
      draw_marker (doc->cr, *x + 8, y, 2.2, dashed);
      cairo_fill (doc->cr);
    }
  draw_text (doc, *x + 20, y - 5, -1, label, TEXT_SMALL, &COLOR_MUTED, PANGO_ALIGN_LEFT);
  *x += 20 + text_width (doc, label, TEXT_SMALL) + 16;
}

static void
draw_history_chart (Doc     *doc,
                    Section *sec)
{
  static const double dash[] = { 3, 2 };
  Dossier *d = doc->dossier;
  const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];
  const TmCatalogCooperation *coops = &d->catalog->cooperations[s->first_cooperation];
  guint n = s->n_cooperations;
  double max_gmv = 0, max_rate = 0, rate_step = 0, pad_days, left, right, top, bottom;
  double widest_left = 0, widest_right = 0, legend_x;
  g_autoptr(GArray) gmv_ticks = NULL;
  g_autoptr(GArray) rate_ticks = NULL;
  g_autoptr(GArray) date_ticks = NULL;
  TmChartScale x, y_gmv, y_rate;
  TmChartDateUnit unit;
  gboolean pen_down;

  doc_need (doc, CHART_HEIGHT);
  top = doc->y;
  legend_x = MARGIN;
  draw_legend_item (doc, &legend_x, top + 5, &COLOR_ACCENT, FALSE, FALSE, _("GMV (left axis)"));
  draw_legend_item (doc, &legend_x, top + 5, &COLOR_RATE, TRUE, FALSE, _("Return rate (right axis)"));
  draw_legend_item (doc, &legend_x, top + 5, &COLOR_TEXT, FALSE, TRUE,
                    /* Translators: chart legend: the ringed points */
                    _("With this brand"));

  for (guint i = 0; i < n; i++)
    {
      max_gmv = MAX (max_gmv, (double) coops[i].gmv_fen);
      if (!isnan (coops[i].return_rate))
        max_rate = MAX (max_rate, coops[i].return_rate);
    }
  top += 18;
  bottom = doc->y + CHART_HEIGHT - 14;
  gmv_ticks = tm_chart_nice_ticks (0, MAX (max_gmv, 100.0), 5, NULL);
  rate_ticks = tm_chart_nice_ticks (0, MAX (max_rate, 0.05), 5, &rate_step);
  for (guint i = 0; i < gmv_ticks->len; i++)
    {
      g_autofree char *text = tm_chart_format_money_tick (g_array_index (gmv_ticks, double, i));
      widest_left = MAX (widest_left, text_width (doc, text, TEXT_SMALL));
    }
  for (guint i = 0; i < rate_ticks->len; i++)
    {
      g_autofree char *text = tm_chart_format_rate_tick (g_array_index (rate_ticks, double, i), rate_step);
      widest_right = MAX (widest_right, text_width (doc, text, TEXT_SMALL));
    }
  left = MARGIN + widest_left + 5;
  right = PAGE_WIDTH - MARGIN - widest_right - 5;
  y_gmv = (TmChartScale) { g_array_index (gmv_ticks, double, 0),
                           g_array_index (gmv_ticks, double, gmv_ticks->len - 1), bottom, top };
  y_rate = (TmChartScale) { g_array_index (rate_ticks, double, 0),
                            g_array_index (rate_ticks, double, rate_ticks->len - 1), bottom, top };

  cairo_set_line_width (doc->cr, 0.5);
  for (guint i = 0; i < gmv_ticks->len; i++)
    {
      double v = g_array_index (gmv_ticks, double, i);
      double y = tm_chart_scale_map (&y_gmv, v);
      g_autofree char *text = tm_chart_format_money_tick (v);

      set_color (doc->cr, i == 0 ? &COLOR_RULE : &COLOR_GRID);
      cairo_move_to (doc->cr, left, y);
      cairo_line_to (doc->cr, right, y);
      cairo_stroke (doc->cr);
      draw_text (doc, MARGIN, y - 5, widest_left, text, TEXT_SMALL, &COLOR_MUTED, PANGO_ALIGN_RIGHT);
    }
  for (guint i = 0; i < rate_ticks->len; i++)
    {
      double v = g_array_index (rate_ticks, double, i);
      g_autofree char *text = tm_chart_format_rate_tick (v, rate_step);

      draw_text (doc, right + 5, tm_chart_scale_map (&y_rate, v) - 5, widest_right + 2, text,
                 TEXT_SMALL, &COLOR_RATE, PANGO_ALIGN_LEFT);
    }

  g_assert (n > 0);
  pad_days = coops[n - 1].date > coops[0].date ? MAX (1.0, (coops[n - 1].date - coops[0].date) * 0.04) : 15.0;
  x = (TmChartScale) { coops[0].date - pad_days, coops[n - 1].date + pad_days, left + 3, right - 3 };
  date_ticks = tm_chart_date_ticks ((TmDate) ceil (x.domain_min), (TmDate) floor (x.domain_max),
                                    (guint) MAX (1, (right - left) / 60), &unit);
  for (guint i = 0; i < date_ticks->len; i++)
    {
      TmDate day = g_array_index (date_ticks, TmDate, i);
      double px = tm_chart_scale_map (&x, day);
      g_autofree char *text = tm_chart_format_date_tick (day, unit);

      set_color (doc->cr, &COLOR_RULE);
      cairo_move_to (doc->cr, px, bottom);
      cairo_line_to (doc->cr, px, bottom + 3);
      cairo_stroke (doc->cr);
      draw_text (doc, px - 30, bottom + 3, 60, text, TEXT_SMALL, &COLOR_MUTED, PANGO_ALIGN_CENTER);
    }

  /* Return rate, dashed, under the GMV line. */
  set_color (doc->cr, &COLOR_RATE);
  cairo_set_line_width (doc->cr, 1.0);
  cairo_set_dash (doc->cr, dash, 2, 0);
  pen_down = FALSE;
  for (guint i = 0; i < n; i++)
    {
      double px = tm_chart_scale_map (&x, coops[i].date);

      if (isnan (coops[i].return_rate))
        {
          pen_down = FALSE;
          continue;
        }
      if (pen_down)
        cairo_line_to (doc->cr, px, tm_chart_scale_map (&y_rate, coops[i].return_rate));
      else
        cairo_move_to (doc->cr, px, tm_chart_scale_map (&y_rate, coops[i].return_rate));
      pen_down = TRUE;
    }
  cairo_stroke (doc->cr);
  cairo_set_dash (doc->cr, NULL, 0, 0);
  for (guint i = 0; i < n; i++)
    if (!isnan (coops[i].return_rate))
      draw_marker (doc->cr, tm_chart_scale_map (&x, coops[i].date),
                   tm_chart_scale_map (&y_rate, coops[i].return_rate), 1.8, TRUE);
  cairo_fill (doc->cr);

  set_color (doc->cr, &COLOR_ACCENT);
  cairo_set_line_width (doc->cr, 1.5);
  for (guint i = 0; i < n; i++)
    {
      double px = tm_chart_scale_map (&x, coops[i].date);
      double py = tm_chart_scale_map (&y_gmv, coops[i].gmv_fen);

      if (i == 0)
        cairo_move_to (doc->cr, px, py);
      else
        cairo_line_to (doc->cr, px, py);
    }
  cairo_stroke (doc->cr);
  for (guint i = 0; i < n; i++)
    draw_marker (doc->cr, tm_chart_scale_map (&x, coops[i].date),
                 tm_chart_scale_map (&y_gmv, coops[i].gmv_fen), 2.2, FALSE);
  cairo_fill (doc->cr);

  /* Rings round the cooperations with this brand. */
  set_color (doc->cr, &COLOR_TEXT);
  cairo_set_line_width (doc->cr, 1.2);
  for (guint i = 0; i < n; i++)
    if (coops[i].brand >= 0 && g_strcmp0 (d->catalog->brands[coops[i].brand]->id, d->brand->id) == 0)
      {
        draw_marker (doc->cr, tm_chart_scale_map (&x, coops[i].date),
                     tm_chart_scale_map (&y_gmv, coops[i].gmv_fen), 4.0, FALSE);
        cairo_stroke (doc->cr);
      }

  doc->y += CHART_HEIGHT;
}

static void
draw_history (Doc     *doc,
              Section *sec)
{
  Dossier *d = doc->dossier;
  const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];
  const Column columns[] = {
    /* Translators: column headers of the cooperation table in the PDF dossier */
    { C_("dossier", "Date"), 50, FALSE },
    { C_("dossier", "Brand"), 64, FALSE },
    { C_("dossier", "Platform"), 88, FALSE },
    { C_("dossier", "GMV"), 62, TRUE },
    { C_("dossier", "Orders"), 36, TRUE },
    { C_("dossier", "Return rate"), 44, TRUE },
    { C_("dossier", "Rating"), 28, TRUE },
    { C_("dossier", "Provenance"), 0, FALSE },
  };
  g_autoptr(GPtrArray) rows = rows_new ();

  if (s->n_cooperations == 0)
    {
      /* No chart of nothing: empty axes would only look like missing data. */
      doc_heading (doc, _("Cooperation history"), 20);
      doc_paragraph (doc, _("No cooperations on record."), TEXT_BODY, &COLOR_MUTED, 0);
      return;
    }
  doc_heading (doc, _("Cooperation history"), CHART_HEIGHT);
  draw_history_chart (doc, sec);

  doc->y += 4;
  /* Newest first, as the explanation lists them. */
  for (guint i = s->n_cooperations; i-- > 0;)
    {
      const TmCatalogCooperation *c = &d->catalog->cooperations[s->first_cooperation + i];
      const TmCooperation *record = sec->cooperations ? g_hash_table_lookup (sec->cooperations, c->id) : NULL;
      char *platform = c->platform >= 0
                       ? g_strdup_printf ("%s · %s", tm_platform_label (c->platform), tm_format_label (c->format))
                       : g_strdup (tm_format_label (c->format));

      rows_add (rows, G_N_ELEMENTS (columns),
                format_date (c->date),
                g_strdup (c->brand_name),
                platform,
                tm_format_fen (c->gmv_fen, FALSE),
                format_count (c->orders),
                format_percent (c->return_rate),
                isnan (c->rating) ? NULL : g_strdup_printf ("%.1f", c->rating),
                record ? tm_provenance_format (&record->provenance) : NULL);
    }
  doc_table (doc, columns, G_N_ELEMENTS (columns), rows);
}

static void
draw_incidents (Doc     *doc,
                Section *sec)
{
  Dossier *d = doc->dossier;
  const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];
  const Column columns[] = {
    /* Translators: column headers of the incident table in the PDF dossier */
    { C_("dossier", "Date"), 52, FALSE },
    { C_("dossier", "Kind"), 72, FALSE },
    { C_("dossier", "Severity"), 40, TRUE },
    { C_("dossier", "Status"), 50, FALSE },
    { C_("dossier", "What happened and how it was resolved"), 0, FALSE },
    { C_("dossier", "Provenance"), 112, FALSE },
  };
  g_autoptr(GPtrArray) rows = rows_new ();

  doc_heading (doc, _("Incidents"), 30);
  if (s->n_incidents == 0)
    {
      doc_paragraph (doc, _("No incidents on record."), TEXT_BODY, &COLOR_MUTED, 0);
      return;
    }
  for (guint i = s->n_incidents; i-- > 0;)
    {
      const TmCatalogIncident *x = &d->catalog->incidents[s->first_incident + i];
      const TmIncident *record = sec->incidents ? g_hash_table_lookup (sec->incidents, x->id) : NULL;
      char *details = NULL;

      if (record != NULL && record->resolution != NULL && record->resolution[0] != '\0')
        /* Translators: an incident's description, then how it was resolved */
        details = g_strdup_printf (_("%s\nResolution: %s"), record->description, record->resolution);
      else if (record != NULL)
        details = g_strdup (record->description);

      rows_add (rows, G_N_ELEMENTS (columns),
                format_date (x->date),
                g_strdup (tm_incident_kind_label (x->kind)),
                /* Translators: an incident's severity on a scale of 1 to 5 */
                g_strdup_printf (_("%d of 5"), x->severity),
                g_strdup (x->resolved ? _("Resolved") : _("Unresolved")),
                details,
                record ? tm_provenance_format (&record->provenance) : NULL);
    }
  doc_table (doc, columns, G_N_ELEMENTS (columns), rows);
}

static void
add_figure (GPtrArray               *rows,
            Section                 *sec,
            const TmCatalogStreamer *s,
            const char              *title,
            char                    *value,
            const char              *field)
{
  const TmProvenance *p = sec->record != NULL
                          ? tm_provenance_for (&sec->record->provenance, sec->record->figure_provenance, field)
                          : &s->provenance;
  char *observed = NULL;
  char *source = format_provenance_parts (p, &observed);

  rows_add (rows, 5, g_strdup (title), value, source, observed, g_strdup (tm_basis_label (p->basis)));
}

static void
draw_figures (Doc     *doc,
              Section *sec)
{
  Dossier *d = doc->dossier;
  const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];
  const Column columns[] = {
    /* Translators: column headers of the figure provenance table in the PDF dossier */
    { C_("dossier", "Figure"), 120, FALSE },
    { C_("dossier", "Value"), 0, FALSE },
    { C_("dossier", "Source"), 70, FALSE },
    { C_("dossier", "Observed"), 60, FALSE },
    { C_("dossier", "Basis"), 60, FALSE },
  };
  g_autoptr(GPtrArray) rows = rows_new ();
  g_autofree char *followers = format_count (s->followers_total);

  doc_heading (doc, _("Profile figures and their provenance"), 40);
  add_figure (rows, sec, s, _("Followers"), g_strdup (followers), "accounts");
  add_figure (rows, sec, s, _("Credit score"), format_credit (s), "credit");
  add_figure (rows, sec, s, _("Verification"), g_strdup (tm_verification_label (s->verification)),
              "verification");
  add_figure (rows, sec, s, _("Engagement rate"), format_percent (s->engagement_rate), "engagement_rate");
  if (s->reviews_positive >= 0 && s->reviews_negative >= 0)
    {
      g_autofree char *pos = format_count (s->reviews_positive);
      g_autofree char *neg = format_count (s->reviews_negative);

      add_figure (rows, sec, s, _("Reviews"),
                  g_strdup_printf (_("%s positive · %s negative"), pos, neg), "reviews");
    }
  add_figure (rows, sec, s, _("Fake review share"), format_percent (s->fake_review_share),
              "reviews.fake_share");
  add_figure (rows, sec, s, _("Dispute resolution rate"), format_percent (s->dispute_resolution_rate),
              "dispute_resolution_rate");
  add_figure (rows, sec, s, _("Repeat buyer rate"), format_percent (s->repeat_buyer_rate),
              "repeat_buyer_rate");
  add_figure (rows, sec, s, _("Average live viewers"), format_count (s->avg_live_viewers),
              "avg_live_viewers");
  if (s->price_low_fen >= 0 && s->price_high_fen >= 0)
    {
      g_autofree char *low = tm_format_fen (s->price_low_fen, FALSE);
      g_autofree char *high = tm_format_fen (s->price_high_fen, FALSE);

      add_figure (rows, sec, s, _("Price range"), g_strdup_printf ("%s – %s", low, high),
                  "price_range_fen");
    }
  doc_table (doc, columns, G_N_ELEMENTS (columns), rows);
}

static void
draw_candidate (Doc     *doc,
                Section *sec)
{
  doc_new_page (doc);
  sec->page = doc->page;
  draw_candidate_title (doc, sec);
  draw_score (doc, sec);
  draw_explanation (doc, sec);
  draw_history (doc, sec);
  draw_incidents (doc, sec);
  draw_figures (doc, sec);
}

/* ---- The document ------------------------------------------------------- */

/* Draws the whole dossier on @surface; returns the number of pages. */
static guint
render (Dossier         *d,
        cairo_surface_t *surface,
        guint            n_pages)
{
  Doc doc = { 0, };
  g_autofree char *generated = g_date_time_format (d->generated, "%Y-%m-%d");
  const char *lang = pango_language_to_string (pango_language_get_default ());

  doc.dossier = d;
  doc.n_pages = n_pages;
  doc.cr = cairo_create (surface);
  doc.pango = pango_font_map_create_context (d->font_map);
  pango_cairo_update_context (doc.cr, doc.pango);
  /* Points, not pixels: a 9 pt font is 9 units high. */
  pango_cairo_context_set_resolution (doc.pango, 72.0);
  /* Simplified Chinese glyphs for Han characters, unless the user reads
   * another CJK language (PLATFORM.md). */
  if (!g_str_has_prefix (lang, "zh") && !g_str_has_prefix (lang, "ja") && !g_str_has_prefix (lang, "ko"))
    {
      doc.latin_quotes = TRUE;
      pango_context_set_language (doc.pango, pango_language_from_string ("zh-cn"));
    }
  /* Translators: the left part of the PDF dossier's footer: the brand
   * and the day the dossier was made */
  doc.footer = g_strdup_printf (_("%s · streamer dossier · %s"), d->brand->name, generated);

  draw_cover (&doc);
  for (guint i = 0; i < d->n_sections; i++)
    draw_candidate (&doc, &d->sections[i]);
  draw_footer (&doc);
  cairo_show_page (doc.cr);

  g_object_unref (doc.pango);
  cairo_destroy (doc.cr);
  g_free (doc.footer);
  return doc.page;
}

static cairo_status_t
discard_write (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  return CAIRO_STATUS_SUCCESS;
}

typedef struct {
  int  fd;
  int  saved_errno;
} Sink;

static cairo_status_t
sink_write (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  Sink *sink = closure;

  while (length > 0)
    {
      gssize n = write (sink->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          sink->saved_errno = n < 0 ? errno : ENOSPC;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= (unsigned int) n;
    }
  return CAIRO_STATUS_SUCCESS;
}

static guint
rank_of (TmRanking *ranking,
         guint32    streamer)
{
  guint n_candidates, rank = 1;
  const TmCandidate *all = tm_ranking_get_candidates (ranking, &n_candidates);
  const TmCandidate *c = &all[streamer];

  if (c->exclusions != 0)
    return 0;
  /* tm_ranking_top()'s order: score descending, then catalog order. */
  for (guint i = 0; i < n_candidates; i++)
    if (all[i].exclusions == 0
        && (all[i].score > c->score || (all[i].score == c->score && i < streamer)))
      rank++;
  return rank;
}

static gboolean
load_details (Dossier  *d,
              Section  *sec,
              TmStore  *store,
              GError  **error)
{
  const TmCatalogStreamer *s = &d->catalog->streamers[sec->streamer];
  g_autoptr(GPtrArray) coops = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  TmStreamer *record = NULL;

  if (!tm_store_load_streamer (store, s->id, &record, &coops, &incidents, error))
    return FALSE;
  sec->record = record;
  sec->cooperations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) tm_cooperation_free);
  sec->incidents = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) tm_incident_free);
  for (guint i = 0; coops != NULL && i < coops->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (coops, i);
      g_hash_table_replace (sec->cooperations, c->id, c);
      coops->pdata[i] = NULL;
    }
  for (guint i = 0; incidents != NULL && i < incidents->len; i++)
    {
      TmIncident *x = g_ptr_array_index (incidents, i);
      g_hash_table_replace (sec->incidents, x->id, x);
      incidents->pdata[i] = NULL;
    }
  return TRUE;
}

static void
dossier_clear (Dossier *d)
{
  for (guint i = 0; i < d->n_sections; i++)
    {
      Section *sec = &d->sections[i];

      g_clear_pointer (&sec->explanation, tm_explanation_free);
      g_clear_pointer (&sec->record, tm_streamer_free);
      g_clear_pointer (&sec->cooperations, g_hash_table_unref);
      g_clear_pointer (&sec->incidents, g_hash_table_unref);
      g_clear_pointer (&sec->decision, tm_decision_free);
    }
  g_clear_pointer (&d->sections, g_free);
  g_clear_pointer (&d->generated, g_date_time_unref);
  g_clear_object (&d->font_map);
}

static gboolean
write_failed (const char  *path,
              int          saved_errno,
              GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               /* Translators: the PDF dossier could not be saved; the file
                * name, then the system's reason */
               _("Could not write the dossier to “%s”: %s"), display, g_strerror (saved_errno));
  return FALSE;
}

gboolean
tm_dossier_write_pdf (TmRanking              *ranking,
                      const guint32          *streamers,
                      guint                   n,
                      const TmDossierOptions *options,
                      const char             *path,
                      GError                **error)
{
  Dossier d = { 0, };
  g_autofree char *dir = NULL, *base = NULL, *tmp = NULL;
  g_autofree char *created = NULL;
  g_autoptr(GError) store_error = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  guint n_pages;
  Sink sink = { -1, 0 };
  int fd;

  g_return_val_if_fail (ranking != NULL, FALSE);
  g_return_val_if_fail (streamers != NULL && n > 0, FALSE);
  g_return_val_if_fail (path != NULL && path[0] != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  d.ranking = ranking;
  d.engine = tm_ranking_get_engine (ranking);
  d.catalog = tm_engine_get_catalog (d.engine);
  d.brand = tm_ranking_get_brand (ranking);
  tm_ranking_get_weights (ranking, &d.weights);
  for (guint i = 0; i < n; i++)
    g_return_val_if_fail (streamers[i] < d.catalog->n_streamers, FALSE);
  d.generated = options != NULL && options->generated != NULL
                ? g_date_time_ref (options->generated) : g_date_time_new_now_local ();
  d.author = options != NULL ? options->author : NULL;

  d.n_sections = n;
  d.sections = g_new0 (Section, n);
  d.have_details = options != NULL && options->store != NULL;
  if (d.have_details)
    {
      g_autoptr(GPtrArray) decisions = tm_store_load_decisions (options->store, d.brand->id, &store_error);

      if (decisions == NULL)
        {
          g_debug ("No decisions for the dossier: %s", store_error->message);
          g_clear_error (&store_error);
        }
      for (guint k = 0; decisions != NULL && k < decisions->len; k++)
        {
          TmDecision *decision = g_ptr_array_index (decisions, k);

          for (guint i = 0; i < n; i++)
            if (d.sections[i].decision == NULL
                && g_strcmp0 (d.catalog->streamers[streamers[i]].id, decision->streamer_id) == 0)
              d.sections[i].decision = g_steal_pointer (&decisions->pdata[k]);
        }
    }
  for (guint i = 0; i < n; i++)
    {
      Section *sec = &d.sections[i];

      sec->streamer = streamers[i];
      sec->rank = rank_of (ranking, streamers[i]);
      sec->explanation = tm_engine_explain (d.engine, d.brand, streamers[i], &d.weights);
      /* A store that changed since the catalog was loaded may have lost a
       * streamer: the dossier still shows what the catalog has. */
      if (d.have_details && !load_details (&d, sec, options->store, &store_error))
        {
          g_debug ("No details for streamer %s: %s",
                     d.catalog->streamers[sec->streamer].id, store_error->message);
          g_clear_error (&store_error);
        }
    }

  /* A font map of its own rather than the thread's default, which would
   * keep every font and shaped glyph of the dossier until the thread ends
   * (the GUI writes from a worker). */
  d.font_map = pango_cairo_font_map_new ();

  /* The first pass only counts the pages (and finds where each section
   * starts, for the cover), so that footers can say "Page 2 of 7". */
  surface = cairo_pdf_surface_create_for_stream (discard_write, NULL, PAGE_WIDTH, PAGE_HEIGHT);
  n_pages = render (&d, surface, 0);
  cairo_surface_destroy (surface);

  /* The real one goes to a temporary file next to @path. */
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  /* 0666 less the umask, as any new document: not g_mkstemp()'s 0600. */
  fd = g_mkstemp_full (tmp, O_WRONLY, 0666);
  if (fd < 0)
    {
      int saved_errno = errno;

      dossier_clear (&d);
      return write_failed (path, saved_errno, error);
    }
  sink.fd = fd;
  surface = cairo_pdf_surface_create_for_stream (sink_write, &sink, PAGE_WIDTH, PAGE_HEIGHT);
  {
    g_autofree char *title = g_strdup_printf (_("Streamer dossier: %s"), d.brand->name);

    created = g_date_time_format (d.generated, "%Y-%m-%dT%H:%M:%S%:z");
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_NAME " " PACKAGE_VERSION);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
    if (d.author != NULL)
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, d.author);
  }
  render (&d, surface, n_pages);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  dossier_clear (&d);

  if (status != CAIRO_STATUS_SUCCESS || sink.saved_errno != 0)
    {
      int saved_errno = sink.saved_errno != 0 ? sink.saved_errno : EIO;

      close (fd);
      g_unlink (tmp);
      return write_failed (path, saved_errno, error);
    }
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (tmp);
      return write_failed (path, saved_errno, error);
    }
  if (close (fd) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp);
      return write_failed (path, saved_errno, error);
    }
  if (g_rename (tmp, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp);
      return write_failed (path, saved_errno, error);
    }
  return TRUE;
}
