/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "tm-model.h"

static void
clear_style_tag (gpointer data)
{
  TmStyleTag *tag = data;
  g_clear_pointer (&tag->tag, g_free);
}

static void
clear_account (gpointer data)
{
  TmAccount *account = data;
  g_clear_pointer (&account->handle, g_free);
}

static void
clear_figure_provenance (gpointer data)
{
  TmFigureProvenance *fp = data;
  g_clear_pointer (&fp->field, g_free);
}

static GArray *
new_style_tags (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (TmStyleTag));
  g_array_set_clear_func (a, clear_style_tag);
  return a;
}

static GArray *
new_figure_provenance (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (TmFigureProvenance));
  g_array_set_clear_func (a, clear_figure_provenance);
  return a;
}

static void
init_provenance (TmProvenance *p)
{
  p->source = TM_SOURCE_MANUAL;
  p->observed = TM_DATE_NONE;
  p->basis = TM_BASIS_OBSERVED;
}

TmBrand *
tm_brand_new (void)
{
  TmBrand *brand = g_new0 (TmBrand, 1);

  brand->style_tags = new_style_tags ();
  brand->blacklist = g_ptr_array_new_with_free_func (g_free);
  brand->competitor_brands = g_ptr_array_new_with_free_func (g_free);
  brand->competitor_categories = g_ptr_array_new_with_free_func (g_free);
  brand->budget_fen = TM_UNKNOWN_INT;
  brand->price_tier = TM_PRICE_TIER_MID;
  brand->figure_provenance = new_figure_provenance ();
  init_provenance (&brand->provenance);
  return brand;
}

void
tm_brand_free (TmBrand *brand)
{
  if (brand == NULL)
    return;
  g_free (brand->id);
  g_free (brand->name);
  g_free (brand->category);
  g_array_unref (brand->style_tags);
  g_ptr_array_unref (brand->blacklist);
  g_ptr_array_unref (brand->competitor_brands);
  g_ptr_array_unref (brand->competitor_categories);
  g_free (brand->notes);
  g_array_unref (brand->figure_provenance);
  g_free (brand);
}

static void
copy_strv_array (GPtrArray *to, const GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (to, g_strdup (g_ptr_array_index (from, i)));
}

TmBrand *
tm_brand_copy (const TmBrand *brand)
{
  TmBrand *copy;

  g_return_val_if_fail (brand != NULL, NULL);

  copy = tm_brand_new ();
  copy->id = g_strdup (brand->id);
  copy->name = g_strdup (brand->name);
  copy->category = g_strdup (brand->category);
  for (guint i = 0; i < brand->style_tags->len; i++)
    {
      TmStyleTag t = g_array_index (brand->style_tags, TmStyleTag, i);
      t.tag = g_strdup (t.tag);
      g_array_append_val (copy->style_tags, t);
    }
  copy->audience = brand->audience;
  copy->price_tier = brand->price_tier;
  copy->typical_order_price_fen = brand->typical_order_price_fen;
  copy->budget_fen = brand->budget_fen;
  copy->min_credit_score = brand->min_credit_score;
  copy_strv_array (copy->blacklist, brand->blacklist);
  copy_strv_array (copy->competitor_brands, brand->competitor_brands);
  copy_strv_array (copy->competitor_categories, brand->competitor_categories);
  copy->exclusivity_days = brand->exclusivity_days;
  copy->notes = g_strdup (brand->notes);
  copy->provenance = brand->provenance;
  for (guint i = 0; i < brand->figure_provenance->len; i++)
    {
      TmFigureProvenance fp = g_array_index (brand->figure_provenance, TmFigureProvenance, i);
      fp.field = g_strdup (fp.field);
      g_array_append_val (copy->figure_provenance, fp);
    }
  return copy;
}

TmStreamer *
tm_streamer_new (void)
{
  TmStreamer *s = g_new0 (TmStreamer, 1);

  s->accounts = g_array_new (FALSE, TRUE, sizeof (TmAccount));
  g_array_set_clear_func (s->accounts, clear_account);
  s->categories = g_ptr_array_new_with_free_func (g_free);
  s->style_tags = new_style_tags ();
  s->credit_platform = TM_PLATFORM_NONE;
  s->credit_score = NAN;
  s->credit_scale = NAN;
  s->verification = TM_VERIFICATION_UNVERIFIED;
  s->engagement_rate = NAN;
  s->avg_live_viewers = TM_UNKNOWN_INT;
  s->reviews_positive = TM_UNKNOWN_INT;
  s->reviews_negative = TM_UNKNOWN_INT;
  s->fake_review_share = NAN;
  s->dispute_resolution_rate = NAN;
  s->repeat_buyer_rate = NAN;
  s->price_low_fen = TM_UNKNOWN_INT;
  s->price_high_fen = TM_UNKNOWN_INT;
  s->figure_provenance = new_figure_provenance ();
  init_provenance (&s->provenance);
  return s;
}

void
tm_streamer_free (TmStreamer *s)
{
  if (s == NULL)
    return;
  g_free (s->id);
  g_free (s->name);
  g_array_unref (s->accounts);
  g_ptr_array_unref (s->categories);
  g_array_unref (s->style_tags);
  g_array_unref (s->figure_provenance);
  g_free (s);
}

TmCooperation *
tm_cooperation_new (void)
{
  TmCooperation *c = g_new0 (TmCooperation, 1);

  c->date = TM_DATE_NONE;
  c->platform = TM_PLATFORM_NONE;
  c->conversion_rate = NAN;
  c->rating = NAN;
  c->figure_provenance = new_figure_provenance ();
  init_provenance (&c->provenance);
  return c;
}

void
tm_cooperation_free (TmCooperation *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->streamer_id);
  g_free (c->brand_id);
  g_free (c->brand_name);
  g_free (c->brand_category);
  g_free (c->notes);
  g_array_unref (c->figure_provenance);
  g_free (c);
}

TmIncident *
tm_incident_new (void)
{
  TmIncident *i = g_new0 (TmIncident, 1);

  i->date = TM_DATE_NONE;
  i->severity = 1;
  i->figure_provenance = new_figure_provenance ();
  init_provenance (&i->provenance);
  return i;
}

void
tm_incident_free (TmIncident *i)
{
  if (i == NULL)
    return;
  g_free (i->id);
  g_free (i->streamer_id);
  g_free (i->resolution);
  g_free (i->description);
  g_free (i->source_url);
  g_array_unref (i->figure_provenance);
  g_free (i);
}

TmDataset *
tm_dataset_new (void)
{
  TmDataset *d = g_new0 (TmDataset, 1);

  d->brands = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_brand_free);
  d->streamers = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_streamer_free);
  d->cooperations = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_cooperation_free);
  d->incidents = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_incident_free);
  return d;
}

void
tm_dataset_free (TmDataset *d)
{
  if (d == NULL)
    return;
  g_free (d->description);
  g_ptr_array_unref (d->brands);
  g_ptr_array_unref (d->streamers);
  g_ptr_array_unref (d->cooperations);
  g_ptr_array_unref (d->incidents);
  g_free (d);
}

guint
tm_dataset_n_records (const TmDataset *d)
{
  g_return_val_if_fail (d != NULL, 0);
  return d->brands->len + d->streamers->len + d->cooperations->len + d->incidents->len;
}

static void
move_all (GPtrArray *into, GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (into, g_ptr_array_index (from, i));
  /* The records now belong to @into. */
  g_ptr_array_set_free_func (from, NULL);
  g_ptr_array_set_size (from, 0);
}

void
tm_dataset_take_all (TmDataset *into, TmDataset *from)
{
  g_return_if_fail (into != NULL && from != NULL);
  move_all (into->brands, from->brands);
  g_ptr_array_set_free_func (from->brands, (GDestroyNotify) tm_brand_free);
  move_all (into->streamers, from->streamers);
  g_ptr_array_set_free_func (from->streamers, (GDestroyNotify) tm_streamer_free);
  move_all (into->cooperations, from->cooperations);
  g_ptr_array_set_free_func (from->cooperations, (GDestroyNotify) tm_cooperation_free);
  move_all (into->incidents, from->incidents);
  g_ptr_array_set_free_func (from->incidents, (GDestroyNotify) tm_incident_free);
}

/* Dates: days since 1970-01-01, civil-from-days after Howard Hinnant. */

TmDate
tm_date_from_ymd (int y, int m, int d)
{
  int era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void
tm_date_to_ymd (TmDate date, int *year, int *month, int *day)
{
  int z = date + 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp + (mp < 10 ? 3 : -9);

  if (year)
    *year = y + (m <= 2);
  if (month)
    *month = m;
  if (day)
    *day = d;
}

static int
days_in_month (int y, int m)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return days[m - 1];
}

gboolean
tm_date_parse (const char *text, TmDate *out_date)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  m = (text[5] - '0') * 10 + (text[6] - '0');
  d = (text[8] - '0') * 10 + (text[9] - '0');
  if (y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days_in_month (y, m))
    return FALSE;

  if (out_date)
    *out_date = tm_date_from_ymd (y, m, d);
  return TRUE;
}

char *
tm_date_format (TmDate date)
{
  int y, m, d;

  if (date == TM_DATE_NONE)
    return g_strdup ("");
  tm_date_to_ymd (date, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

TmDate
tm_date_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  return tm_date_from_ymd (g_date_time_get_year (now),
                           g_date_time_get_month (now),
                           g_date_time_get_day_of_month (now));
}

/* Code tables.  Codes are stable (files, store); labels are translated. */

typedef struct {
  const char *code;
  const char *label;
} CodeLabel;

static int
from_code (const CodeLabel *table, int n, const char *code)
{
  if (code == NULL)
    return -1;
  for (int i = 0; i < n; i++)
    if (strcmp (table[i].code, code) == 0)
      return i;
  return -1;
}

#define DEFINE_CODES(name, Type, N, table)                                \
  const char *tm_##name##_code (Type v)                                   \
  {                                                                       \
    g_return_val_if_fail ((int) v >= 0 && (int) v < N, "");               \
    return table[v].code;                                                 \
  }                                                                       \
  const char *tm_##name##_label (Type v)                                  \
  {                                                                       \
    g_return_val_if_fail ((int) v >= 0 && (int) v < N, "");               \
    return g_dgettext (GETTEXT_PACKAGE, table[v].label);                  \
  }                                                                       \
  int tm_##name##_from_code (const char *code)                            \
  {                                                                       \
    return from_code (table, N, code);                                    \
  }

static const CodeLabel platforms[TM_N_PLATFORMS] = {
  { "douyin", N_("Douyin") },
  { "kuaishou", N_("Kuaishou") },
  { "taobao", N_("Taobao Live") },
  { "xiaohongshu", N_("Xiaohongshu") },
  { "channels", N_("WeChat Channels") },
  { "bilibili", N_("Bilibili") },
  { "jd", N_("JD Live") },
};
static const CodeLabel sources[TM_N_SOURCES] = {
  { "platform", N_("Platform") },
  { "export", N_("Export file") },
  { "feed", N_("Feed") },
  { "manual", N_("Entered by hand") },
};
static const CodeLabel bases[TM_N_BASES] = {
  { "observed", N_("Observed") },
  { "measured", N_("Measured") },
  { "estimated", N_("Estimated") },
};
static const CodeLabel formats[TM_N_FORMATS] = {
  { "live", N_("Live session") },
  { "short_video", N_("Short video") },
};
static const CodeLabel incident_kinds[TM_N_INCIDENT_KINDS] = {
  { "false_advertising", N_("False advertising") },
  { "product_quality", N_("Product quality") },
  { "review_fraud", N_("Review fraud") },
  { "data_fraud", N_("Data fraud") },
  { "conduct", N_("Conduct") },
  { "unresolved_dispute", N_("Unresolved dispute") },
};
static const CodeLabel verifications[TM_N_VERIFICATIONS] = {
  { "unverified", N_("Not verified") },
  { "pending", N_("Verification pending") },
  { "verified", N_("Verified") },
  { "suspended", N_("Suspended") },
};
static const CodeLabel price_tiers[TM_N_PRICE_TIERS] = {
  { "budget", N_("Budget") },
  { "mid", N_("Mid-range") },
  { "premium", N_("Premium") },
  { "luxury", N_("Luxury") },
};
static const CodeLabel regions[TM_N_REGIONS] = {
  { "tier1", N_("Tier-1 cities") },
  { "new_tier1", N_("New tier-1 cities") },
  { "tier2", N_("Tier-2 cities") },
  { "tier3", N_("Tier-3 cities") },
  { "tier4", N_("Tier-4 cities and below") },
};

DEFINE_CODES (platform, TmPlatform, TM_N_PLATFORMS, platforms)
DEFINE_CODES (source, TmSource, TM_N_SOURCES, sources)
DEFINE_CODES (basis, TmBasis, TM_N_BASES, bases)
DEFINE_CODES (format, TmFormat, TM_N_FORMATS, formats)
DEFINE_CODES (incident_kind, TmIncidentKind, TM_N_INCIDENT_KINDS, incident_kinds)
DEFINE_CODES (verification, TmVerification, TM_N_VERIFICATIONS, verifications)
DEFINE_CODES (price_tier, TmPriceTier, TM_N_PRICE_TIERS, price_tiers)

static const CodeLabel decisions[TM_N_DECISIONS] = {
  { "shortlisted", N_("Shortlisted") },
  { "contacted", N_("Contacted") },
  { "rejected", N_("Rejected") },
};

DEFINE_CODES (decision, TmDecisionStatus, TM_N_DECISIONS, decisions)

const char *
tm_region_code (TmRegion r)
{
  g_return_val_if_fail ((int) r >= 0 && r < TM_N_REGIONS, "");
  return regions[r].code;
}

const char *
tm_region_label (TmRegion r)
{
  g_return_val_if_fail ((int) r >= 0 && r < TM_N_REGIONS, "");
  return g_dgettext (GETTEXT_PACKAGE, regions[r].label);
}

const char *
tm_age_code (TmAgeBucket a)
{
  static const char * const codes[TM_N_AGES] = { "under18", "18-24", "25-30", "31-40", "41-50", "over50" };
  g_return_val_if_fail ((int) a >= 0 && a < TM_N_AGES, "");
  return codes[a];
}

const char *
tm_gender_code (TmGender g)
{
  static const char * const codes[TM_N_GENDERS] = { "female", "male" };
  g_return_val_if_fail ((int) g >= 0 && g < TM_N_GENDERS, "");
  return codes[g];
}

static const CodeLabel categories[] = {
  { "beauty", N_("Beauty") },
  { "apparel", N_("Apparel") },
  { "food", N_("Food") },
  { "baby", N_("Mother and baby") },
  { "digital", N_("Electronics") },
  { "home", N_("Home") },
  { "health", N_("Health") },
  { "sports", N_("Sports") },
  { "jewelry", N_("Jewellery") },
  { "pets", N_("Pets") },
  { "books", N_("Books") },
  { "appliances", N_("Appliances") },
};

gboolean
tm_category_code_is_valid (const char *code)
{
  gsize len;

  if (code == NULL || !g_ascii_islower (code[0]))
    return FALSE;
  len = strlen (code);
  if (len > 32)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (code[i]) && !g_ascii_isdigit (code[i]) && code[i] != '_')
      return FALSE;
  return TRUE;
}

const char *
tm_category_label (const char *code)
{
  int i = from_code (categories, G_N_ELEMENTS (categories), code);
  if (i < 0)
    return code;
  return g_dgettext (GETTEXT_PACKAGE, categories[i].label);
}

const char * const *
tm_category_known_codes (void)
{
  static const char *codes[G_N_ELEMENTS (categories) + 1];

  if (codes[0] == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
        codes[i] = categories[i].code;
    }
  return codes;
}

gboolean
tm_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && strchr ("._:-", id[i]) == NULL)
      return FALSE;
  return TRUE;
}

const TmProvenance *
tm_provenance_for (const TmProvenance *record_provenance,
                   const GArray       *figure_provenance,
                   const char         *field)
{
  if (figure_provenance != NULL && field != NULL)
    {
      for (guint i = 0; i < figure_provenance->len; i++)
        {
          const TmFigureProvenance *fp = &g_array_index (figure_provenance, TmFigureProvenance, i);
          if (g_strcmp0 (fp->field, field) == 0)
            return &fp->provenance;
        }
    }
  return record_provenance;
}

char *
tm_provenance_format (const TmProvenance *provenance)
{
  g_autofree char *observed = NULL;

  g_return_val_if_fail (provenance != NULL, NULL);

  observed = provenance->observed == TM_DATE_NONE ? g_strdup ("—")
                                                 : tm_date_format (provenance->observed);
  /* Translators: where a figure comes from: its source ("Platform",
   * "Export", …), the day it was observed, and its basis ("Observed",
   * "Measured", "Estimated"), e.g. “Platform · 2026-10-15 · Observed” */
  return g_strdup_printf (_("%s · %s · %s"), tm_source_label (provenance->source), observed,
                          tm_basis_label (provenance->basis));
}

char *
tm_format_points_signed (double points)
{
  double rounded = round (points * 10.0) / 10.0;

  if (rounded == 0.0 || isnan (rounded))
    return g_strdup (isnan (rounded) ? "—" : "0.0");
  if (rounded < 0)
    return g_strdup_printf ("−%.1f", -rounded);
  return g_strdup_printf ("+%.1f", rounded);
}

char *
tm_format_fen (gint64 fen, gboolean compact)
{
  GString *s;
  gboolean negative = fen < 0;
  guint64 abs_fen = negative ? (guint64) 0 - (guint64) fen : (guint64) fen;
  guint64 yuan = abs_fen / 100;
  g_autofree char *digits = NULL;
  gsize n;

  s = g_string_new (negative ? "-¥" : "¥");
  if (compact && yuan >= 10000)
    {
      /* Translators: how large amounts are abbreviated.  Translate as
       * "wan" to count in 万 and 亿, keep "kilo" for K and M. */
      gboolean wan = g_str_equal (_("kilo"), "wan");

      if (wan && yuan >= 100000000)
        g_string_append_printf (s, "%.2f亿", (double) yuan / 1e8);
      else if (wan)
        g_string_append_printf (s, "%.1f万", (double) yuan / 1e4);
      else if (yuan >= 1000000)
        g_string_append_printf (s, "%.2fM", (double) yuan / 1e6);
      else
        g_string_append_printf (s, "%.1fK", (double) yuan / 1e3);
      return g_string_free (s, FALSE);
    }

  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, yuan);
  n = strlen (digits);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  g_string_append_printf (s, ".%02u", (guint) (abs_fen % 100));
  return g_string_free (s, FALSE);
}

void
tm_shares_set (double *shares,
               guint   n,
               guint   index,
               double  value)
{
  double rest = 0;

  g_return_if_fail (shares != NULL);
  g_return_if_fail (index < n);

  if (isnan (value))
    value = 0;
  value = CLAMP (value, 0.0, 1.0);
  for (guint i = 0; i < n; i++)
    if (i != index)
      rest += shares[i];

  shares[index] = value;
  if (n == 1)
    {
      shares[index] = 1;
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      if (i == index)
        continue;
      if (rest > 1e-12)
        shares[i] = shares[i] / rest * (1 - value);
      else
        shares[i] = (1 - value) / (n - 1);
    }
}

static void
set_entered_today (TmBrand *brand)
{
  brand->provenance.source = TM_SOURCE_MANUAL;
  brand->provenance.observed = tm_date_today ();
  brand->provenance.basis = TM_BASIS_OBSERVED;
  /* The figures' own provenance described the original's sources. */
  g_array_set_size (brand->figure_provenance, 0);
}

static char *
new_local_brand_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strconcat ("b-", uuid, NULL);
}

TmBrand *
tm_brand_new_local (const char *name)
{
  TmBrand *brand = tm_brand_new ();

  g_return_val_if_fail (name != NULL, NULL);

  brand->id = new_local_brand_id ();
  brand->name = g_strdup (name);
  brand->category = g_strdup (tm_category_known_codes ()[0]);
  brand->price_tier = TM_PRICE_TIER_MID;
  brand->typical_order_price_fen = 0;
  brand->budget_fen = TM_UNKNOWN_INT;
  set_entered_today (brand);
  return brand;
}

TmBrand *
tm_brand_duplicate (const TmBrand *brand,
                    const char    *name)
{
  TmBrand *copy;

  g_return_val_if_fail (brand != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  copy = tm_brand_copy (brand);
  g_free (copy->id);
  copy->id = new_local_brand_id ();
  g_free (copy->name);
  copy->name = g_strdup (name);
  set_entered_today (copy);
  return copy;
}

TmDecision *
tm_decision_new (const char       *brand_id,
                 const char       *streamer_id,
                 TmDecisionStatus  status,
                 const char       *note)
{
  TmDecision *decision;

  g_return_val_if_fail (brand_id != NULL && streamer_id != NULL, NULL);
  g_return_val_if_fail ((int) status >= 0 && status < TM_N_DECISIONS, NULL);

  decision = g_new0 (TmDecision, 1);
  decision->brand_id = g_strdup (brand_id);
  decision->streamer_id = g_strdup (streamer_id);
  decision->status = status;
  decision->note = note != NULL && note[0] != '\0' ? g_strdup (note) : NULL;
  decision->decided = g_get_real_time () / G_USEC_PER_SEC;
  return decision;
}

gboolean
tm_decision_is_on_shortlist (const TmDecision *decision)
{
  g_return_val_if_fail (decision != NULL, FALSE);

  return decision->status == TM_DECISION_SHORTLISTED || decision->status == TM_DECISION_CONTACTED;
}

void
tm_decision_free (TmDecision *decision)
{
  if (decision == NULL)
    return;
  g_free (decision->brand_id);
  g_free (decision->streamer_id);
  g_free (decision->note);
  g_free (decision);
}
