/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-engine.c: the matching engine.  Formulas and constants: docs/matching.md
 * (keep the two in step; tests/test-engine.c checks the worked examples).
 *
 * Ranking one brand must touch compact arrays only, so tm_engine_new() folds
 * everything that does not depend on the brand into per-streamer figures:
 * trust, risk penalty and cap, and the cooperation outcomes summed per
 * category and per brand (the relevance weights are the only thing a brand
 * changes about history, and they are a linear combination of those sums).
 * tm_engine_explain() recomputes one candidate from the records, item by
 * item, and must agree with the fast path.
 */
#define G_LOG_DOMAIN "tm-engine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "tm-engine.h"

/* ---- Constants (docs/matching.md) ------------------------------------- */

/* Style fit */
#define STYLE_A_TAGS      0.35
#define STYLE_A_CATEGORY  0.20
#define STYLE_A_AUDIENCE  0.30
#define STYLE_A_PRICE     0.15
#define CATEGORY_DECLARED 0.4
#define CATEGORY_SHARE    0.6
#define CATEGORY_SMOOTH   2.0
#define AUDIENCE_AGE      0.4
#define AUDIENCE_GENDER   0.3
#define AUDIENCE_REGION   0.3
#define PRICE_FALLOFF     2.0   /* doublings to reach 0 */

/* History */
#define OUT_GMV           0.30
#define OUT_CONVERSION    0.15
#define OUT_RETURNS       0.25
#define OUT_COMPLAINTS    0.15
#define OUT_RATING        0.15
#define GMV_GUARD_FEN     100.0
#define RETURN_FLOOR      0.02
#define COMPLAINT_FLOOR   0.5
#define HISTORY_HALF_LIFE 180.0
#define RELEVANCE_BRAND   3.0
#define RELEVANCE_CATEGORY 1.5
#define PRIOR_K           2.0
#define HISTORY_OUTCOMES  0.85
#define HISTORY_REPEAT    0.15

/* Trust */
#define TRUST_CREDIT      0.25
#define TRUST_VERIFICATION 0.15
#define TRUST_REVIEWS     0.20
#define TRUST_DISPUTES    0.15
#define TRUST_ENGAGEMENT  0.10
#define TRUST_REPEAT      0.15
#define CREDIT_FLOOR      0.6
#define CREDIT_TOLERANCE  1e-4  /* percent points */
#define ENGAGEMENT_FULL   0.08
#define REPEAT_BUYER_FULL 0.4

/* Risk */
#define RISK_HALF_LIFE    365.0
#define RISK_RESOLVED     0.4
#define CAP_RECOVERY_DAYS 730.0

static const double severity_points[6] = { 0, 2, 5, 10, 18, 30 };

static inline double
clamp01 (double x)
{
  return x < 0 ? 0 : (x > 1 ? 1 : x);
}

/* ---- Weights ---------------------------------------------------------- */

void
tm_weights_init_default (TmWeights *weights)
{
  weights->style = TM_WEIGHT_STYLE_DEFAULT;
  weights->history = TM_WEIGHT_HISTORY_DEFAULT;
  weights->trust = TM_WEIGHT_TRUST_DEFAULT;
  weights->risk = TM_WEIGHT_RISK_DEFAULT;
}

static gboolean
weight_ok (double w)
{
  return isfinite (w) && w >= 0 && w <= 1000;
}

gboolean
tm_weights_is_valid (const TmWeights *w)
{
  return weight_ok (w->style) && weight_ok (w->history) && weight_ok (w->trust)
         && weight_ok (w->risk) && w->style + w->history + w->trust > 0;
}

gboolean
tm_weights_parse (const char *text, TmWeights *weights, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  TmWeights w = *weights;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      const char *eq = strchr (part, '=');
      g_autofree char *name = NULL;
      char *end = NULL;
      double value;
      double *slot;

      if (*part == '\0')
        continue;
      if (eq == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not of the form name=number, for example style=0.5"), part);
          return FALSE;
        }
      name = g_strstrip (g_strndup (part, eq - part));
      if (g_str_equal (name, "style"))
        slot = &w.style;
      else if (g_str_equal (name, "history"))
        slot = &w.history;
      else if (g_str_equal (name, "trust"))
        slot = &w.trust;
      else if (g_str_equal (name, "risk"))
        slot = &w.risk;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown weight “%s”: use style, history, trust or risk"), name);
          return FALSE;
        }
      value = g_ascii_strtod (eq + 1, &end);
      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end == eq + 1 || end == NULL || *end != '\0' || !weight_ok (value))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Weight %s=“%s” must be a number from 0 to 1000"), name, eq + 1);
          return FALSE;
        }
      *slot = value;
    }
  if (!tm_weights_is_valid (&w))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("At least one of the style, history and trust weights must be above 0"));
      return FALSE;
    }
  *weights = w;
  return TRUE;
}

gboolean
tm_weights_get_percentages (const TmWeights *weights,
                            guint            percent[3])
{
  double exact[3];
  double sum;
  guint total = 0;

  g_return_val_if_fail (weights != NULL, FALSE);

  memset (percent, 0, 3 * sizeof (guint));
  if (!tm_weights_is_valid (weights))
    return FALSE;

  sum = weights->style + weights->history + weights->trust;
  exact[0] = 100 * weights->style / sum;
  exact[1] = 100 * weights->history / sum;
  exact[2] = 100 * weights->trust / sum;
  for (guint i = 0; i < 3; i++)
    {
      percent[i] = (guint) floor (exact[i]);
      total += percent[i];
    }
  /* Rounding each share alone can show 33 + 33 + 33: hand the missing
   * points to the largest remainders so that the shares read as a whole. */
  while (total < 100)
    {
      guint best = 0;

      for (guint i = 1; i < 3; i++)
        if (exact[i] - percent[i] > exact[best] - percent[best])
          best = i;
      percent[best]++;
      total++;
    }
  return TRUE;
}

/* Normalised weights, as used by the total. */
typedef struct {
  double style, history, trust, risk;
} Norm;

static Norm
normalise (const TmWeights *w)
{
  TmWeights d;
  double sum;
  Norm n;

  if (w == NULL || !tm_weights_is_valid (w))
    {
      tm_weights_init_default (&d);
      w = &d;
    }
  sum = w->style + w->history + w->trust;
  n.style = w->style / sum;
  n.history = w->history / sum;
  n.trust = w->trust / sum;
  n.risk = w->risk;
  return n;
}

/* ---- Labels ----------------------------------------------------------- */

static const struct { const char *code; const char *label; } components[] = {
  { "style", N_("Style fit") },
  { "history", N_("Cooperation history") },
  { "trust", N_("Trust signals") },
  { "risk", N_("Risk") },
};

const char *
tm_component_code (TmComponent c)
{
  g_return_val_if_fail (c < TM_N_COMPONENTS, NULL);
  return components[c].code;
}

const char *
tm_component_label (TmComponent c)
{
  g_return_val_if_fail (c < TM_N_COMPONENTS, NULL);
  return _(components[c].label);
}

static const struct {
  const char *code;
  const char *label;
  TmComponent component;
} factors[] = {
  { "neutral", N_("Neutral start"), TM_N_COMPONENTS },
  { "style_tags", N_("Style tags"), TM_COMPONENT_STYLE },
  { "category", N_("Category expertise"), TM_COMPONENT_STYLE },
  { "audience", N_("Audience fit"), TM_COMPONENT_STYLE },
  { "price", N_("Price fit"), TM_COMPONENT_STYLE },
  { "cooperation", N_("Cooperation"), TM_COMPONENT_HISTORY },
  { "repeat", N_("Repeat cooperation"), TM_COMPONENT_HISTORY },
  { "credit", N_("Credit score"), TM_COMPONENT_TRUST },
  { "verification", N_("Verification"), TM_COMPONENT_TRUST },
  { "reviews", N_("Review balance"), TM_COMPONENT_TRUST },
  { "disputes", N_("Dispute resolution"), TM_COMPONENT_TRUST },
  { "engagement", N_("Engagement"), TM_COMPONENT_TRUST },
  { "repeat_buyers", N_("Repeat buyers"), TM_COMPONENT_TRUST },
  { "incident", N_("Incident"), TM_COMPONENT_RISK },
  { "cap", N_("Score cap"), TM_COMPONENT_RISK },
};

G_STATIC_ASSERT (G_N_ELEMENTS (factors) == TM_N_FACTORS);
G_STATIC_ASSERT (G_N_ELEMENTS (components) == TM_N_COMPONENTS);

const char *
tm_factor_code (TmFactor f)
{
  g_return_val_if_fail (f < TM_N_FACTORS, NULL);
  return factors[f].code;
}

const char *
tm_factor_label (TmFactor f)
{
  g_return_val_if_fail (f < TM_N_FACTORS, NULL);
  return _(factors[f].label);
}

TmComponent
tm_factor_component (TmFactor f)
{
  g_return_val_if_fail (f < TM_N_FACTORS, TM_N_COMPONENTS);
  return factors[f].component;
}

/* ---- The engine ------------------------------------------------------- */

/* Outcomes of one streamer's cooperations summed for one category or one
 * brand: the weight Σd (recency only) and Σd·o. */
typedef struct {
  guint32 key;    /* category id, or AGG_BRAND | brand index */
  guint32 count;
  float   w;
  float   wo;
} Agg;

/* The same while it is being summed, in doubles. */
typedef struct {
  guint32 key;
  guint32 count;
  double  w;
  double  wo;
} SumAgg;

#define AGG_BRAND 0x80000000u

/* Typical figures of one category (medians over market records). */
typedef struct {
  double gmv;
  double conversion;   /* 0 when no known conversion */
  double returns;
  double complaints;   /* per 1,000 orders */
} Typical;

/* What ranking needs of one streamer, in one place: a ranking reads this,
 * the audience, the tags and the aggregates, never the catalog's records. */
typedef struct {
  double   hist_w;            /* Σ d over all cooperations */
  double   hist_wo;           /* Σ d·o */
  guint32  first_tag, n_tags;
  guint32  first_category, n_categories;
  guint32  first_cooperation, n_cooperations;
  TmDate   last_cooperation;  /* TM_DATE_NONE when none */
  gboolean has_audience;
  float    price_low, price_high;  /* fen, -1 unknown */
  float    credit_pct;        /* NAN unknown */
  float    trust, trust_confidence;
  float    penalty, cap;
} Profile;

/* A distinct (brand, category) pair of the cooperations. */
typedef struct {
  gint32      brand;      /* catalog brand index, -1 for other brands */
  const char *name;       /* interned brand name */
  const char *category;   /* interned category code */
} Party;

struct _TmEngine {
  gint        ref_count;
  TmCatalog  *catalog;
  TmDate      as_of;
  guint       n;              /* streamers */

  /* Interned string → id + 1, for tags and categories. */
  GHashTable *tag_ids;
  guint       n_tag_ids;
  GHashTable *category_ids;
  guint       n_category_ids;
  Typical    *typical;        /* per category id */
  guint32    *brand_category; /* catalog brand → category id (G_MAXUINT32 none) */

  /* Per catalog tag entry: tag id and weight divided by the streamer's norm. */
  guint32    *tag_id;
  float      *tag_unit;
  /* Per catalog category entry (declared categories): category id. */
  guint32    *declared_id;

  /* Per cooperation, in catalog order: its date and its party (who and
   * which category), all the exclusivity check reads. */
  TmDate     *coop_date;
  guint32    *coop_party;
  guint       n_parties;
  Party      *parties;

  /* Per streamer. */
  Profile    *profiles;
  guint32    *agg_first;      /* n + 1 prefix offsets into aggs */
  Agg        *aggs;
  float      *audience;       /* n × 13 */
};

#define N_AUDIENCE (TM_N_AGES + TM_N_GENDERS + TM_N_REGIONS)

static guint32
lookup_id (GHashTable *ids, const char *interned)
{
  gpointer v = interned ? g_hash_table_lookup (ids, interned) : NULL;

  return v ? GPOINTER_TO_UINT (v) - 1 : G_MAXUINT32;
}

static guint32
intern_id (GHashTable *ids, guint *n_ids, const char *interned)
{
  guint32 id = lookup_id (ids, interned);

  if (id == G_MAXUINT32)
    {
      id = (*n_ids)++;
      g_hash_table_insert (ids, (gpointer) interned, GUINT_TO_POINTER (id + 1));
    }
  return id;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Median of @v (reordered); 0 when empty. */
static double
median (double *v, gsize n)
{
  if (n == 0)
    return 0;
  qsort (v, n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline gboolean
is_market (const TmCatalogCooperation *c)
{
  return c->brand < 0;
}

/* M_s: the median GMV of the streamer's market records, 0 without any.
 * @scratch holds at least s->n_cooperations doubles. */
static double
streamer_market_median (const TmCatalog *cat, const TmCatalogStreamer *s, double *scratch)
{
  const TmCatalogCooperation *coops = cat->cooperations + s->first_cooperation;
  guint n = 0;

  for (guint c = 0; c < s->n_cooperations; c++)
    if (is_market (&coops[c]))
      scratch[n++] = (double) MAX (coops[c].gmv_fen, 0);
  return median (scratch, n);
}

static inline double
complaints_per_1000 (const TmCatalogCooperation *c)
{
  return 1000.0 * c->complaints / (double) MAX (c->orders, 1);
}

static inline double
age_days (TmDate as_of, TmDate date)
{
  return date >= as_of ? 0.0 : (double) (as_of - date);
}

/* Sub-scores of one cooperation's outcome (docs/matching.md), NAN when
 * left out. */
typedef struct {
  double gmv, conversion, returns, complaints, rating;
  double expected;     /* E, fen */
  double outcome;
} Outcome;

static void
compute_outcome (const TmEngine             *self,
                 const TmCatalogCooperation *c,
                 guint32                     category,
                 double                      streamer_gmv,
                 Outcome                    *out)
{
  const Typical *t = &self->typical[category];
  double m_s = streamer_gmv > 0 ? streamer_gmv : t->gmv;
  double sum = 0, weight = 0;

  out->expected = sqrt (m_s * t->gmv);
  out->gmv = clamp01 (0.5 + 0.25 * log2 (((double) MAX (c->gmv_fen, 0) + GMV_GUARD_FEN)
                                         / (out->expected + GMV_GUARD_FEN)));
  sum += OUT_GMV * out->gmv;
  weight += OUT_GMV;

  out->conversion = NAN;
  if (isfinite (c->conversion_rate) && t->conversion > 0)
    {
      out->conversion = c->conversion_rate <= 0 ? 0
        : clamp01 (0.5 + 0.25 * log2 (c->conversion_rate / t->conversion));
      sum += OUT_CONVERSION * out->conversion;
      weight += OUT_CONVERSION;
    }

  out->returns = clamp01 (0.5 - 0.5 * (c->return_rate - t->returns)
                                / MAX (t->returns, RETURN_FLOOR));
  sum += OUT_RETURNS * out->returns;
  weight += OUT_RETURNS;

  out->complaints = 1.0 / (1.0 + complaints_per_1000 (c) / MAX (t->complaints, COMPLAINT_FLOOR));
  sum += OUT_COMPLAINTS * out->complaints;
  weight += OUT_COMPLAINTS;

  out->rating = NAN;
  if (isfinite (c->rating))
    {
      out->rating = clamp01 ((c->rating - 3.0) / 2.0);
      sum += OUT_RATING * out->rating;
      weight += OUT_RATING;
    }
  out->outcome = sum / weight;
}

/* Medians per category over market records, or over all records of a
 * category that has no market record. */
static void
compute_typical (TmEngine *self, const guint32 *coop_category)
{
  const TmCatalog *cat = self->catalog;
  guint nc = self->n_category_ids;
  g_autofree guint32 *n_market = g_new0 (guint32, nc);
  g_autofree guint32 *n_all = g_new0 (guint32, nc);
  g_autofree guint32 *first = g_new0 (guint32, nc + 1);
  g_autofree guint32 *fill = g_new0 (guint32, nc);
  g_autofree guint32 *fill_conv = g_new0 (guint32, nc);
  g_autofree gboolean *use_all = g_new0 (gboolean, nc);
  g_autofree double *gmv = NULL, *conv = NULL, *ret = NULL, *compl = NULL;
  guint total = 0;

  for (guint i = 0; i < cat->n_cooperations; i++)
    {
      n_all[coop_category[i]]++;
      if (is_market (&cat->cooperations[i]))
        n_market[coop_category[i]]++;
    }
  for (guint k = 0; k < nc; k++)
    {
      use_all[k] = n_market[k] == 0;
      first[k] = total;
      total += use_all[k] ? n_all[k] : n_market[k];
    }
  first[nc] = total;
  gmv = g_new (double, MAX (total, 1));
  conv = g_new (double, MAX (total, 1));
  ret = g_new (double, MAX (total, 1));
  compl = g_new (double, MAX (total, 1));

  for (guint i = 0; i < cat->n_cooperations; i++)
    {
      const TmCatalogCooperation *c = &cat->cooperations[i];
      guint32 k = coop_category[i];
      guint32 at;

      if (!use_all[k] && !is_market (c))
        continue;
      at = first[k] + fill[k]++;
      gmv[at] = (double) MAX (c->gmv_fen, 0);
      ret[at] = c->return_rate;
      compl[at] = complaints_per_1000 (c);
      if (isfinite (c->conversion_rate))
        conv[first[k] + fill_conv[k]++] = c->conversion_rate;
    }
  for (guint k = 0; k < nc; k++)
    {
      gsize n = first[k + 1] - first[k];

      self->typical[k].gmv = median (gmv + first[k], n);
      self->typical[k].returns = median (ret + first[k], n);
      self->typical[k].complaints = median (compl + first[k], n);
      self->typical[k].conversion = median (conv + first[k], fill_conv[k]);
    }
}

/* Gives every cooperation its party: who (a catalog brand, or another
 * brand by name) and in which category. */
static void
compute_parties (TmEngine *self, const guint32 *coop_category)
{
  const TmCatalog *cat = self->catalog;
  g_autoptr(GHashTable) who_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) party_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GArray *parties = g_array_new (FALSE, FALSE, sizeof (Party));
  guint n_who = cat->n_brands;

  self->coop_date = g_new (TmDate, MAX (cat->n_cooperations, 1));
  self->coop_party = g_new (guint32, MAX (cat->n_cooperations, 1));
  for (guint i = 0; i < cat->n_cooperations; i++)
    {
      const TmCatalogCooperation *c = &cat->cooperations[i];
      gint64 key;
      guint32 who;
      gpointer found;

      if (c->brand >= 0)
        who = (guint32) c->brand;
      else
        who = intern_id (who_ids, &n_who, c->brand_name);
      key = (gint64) who * ((gint64) self->n_category_ids + 1) + coop_category[i];
      found = g_hash_table_lookup (party_ids, &key);
      if (found == NULL)
        {
          Party p = { c->brand, c->brand_name, c->brand_category };

          g_array_append_val (parties, p);
          found = GUINT_TO_POINTER (parties->len);
          g_hash_table_insert (party_ids, g_memdup2 (&key, sizeof key), found);
        }
      self->coop_date[i] = c->date;
      self->coop_party[i] = GPOINTER_TO_UINT (found) - 1;
    }
  self->n_parties = parties->len;
  self->parties = (Party *) g_array_free (parties, FALSE);
}

static double
verification_value (int v)
{
  switch (v)
    {
    case TM_VERIFICATION_VERIFIED: return 1.0;
    case TM_VERIFICATION_PENDING: return 0.5;
    case TM_VERIFICATION_UNVERIFIED: return 0.25;
    default: return 0.0;
    }
}

/* Trust signals of one streamer (docs/matching.md, "Trust signals"). */
typedef struct {
  double value[6];
  gboolean known[6];
} TrustSignals;

static const double trust_weights[6] = {
  TRUST_CREDIT, TRUST_VERIFICATION, TRUST_REVIEWS,
  TRUST_DISPUTES, TRUST_ENGAGEMENT, TRUST_REPEAT,
};

static double
credit_pct (const TmCatalogStreamer *s)
{
  if (!isfinite (s->credit_score) || !isfinite (s->credit_scale) || s->credit_scale <= 0)
    return NAN;
  return s->credit_score / s->credit_scale;
}

static double
review_balance (const TmCatalogStreamer *s, gboolean *known)
{
  double pos = MAX (s->reviews_positive, 0);
  double neg = MAX (s->reviews_negative, 0);
  double fake = isfinite (s->fake_review_share) ? clamp01 (s->fake_review_share) : 0;
  double eff = pos * (1 - fake);

  *known = pos + neg > 0;
  return (eff + 1) / (eff + neg + 2);
}

static void
compute_trust (const TmCatalogStreamer *s, TrustSignals *t)
{
  double pct = credit_pct (s);

  t->known[0] = isfinite (pct);
  t->value[0] = t->known[0] ? clamp01 ((pct - CREDIT_FLOOR) / (1 - CREDIT_FLOOR)) : 0.5;
  t->known[1] = TRUE;
  t->value[1] = verification_value (s->verification);
  t->value[2] = review_balance (s, &t->known[2]);
  if (!t->known[2])
    t->value[2] = 0.5;
  t->known[3] = isfinite (s->dispute_resolution_rate);
  t->value[3] = t->known[3] ? clamp01 (s->dispute_resolution_rate) : 0.5;
  t->known[4] = isfinite (s->engagement_rate);
  t->value[4] = t->known[4] ? clamp01 (s->engagement_rate / ENGAGEMENT_FULL) : 0.5;
  t->known[5] = isfinite (s->repeat_buyer_rate);
  t->value[5] = t->known[5] ? clamp01 (s->repeat_buyer_rate / REPEAT_BUYER_FULL) : 0.5;
}

static double
incident_points (const TmCatalogIncident *inc, TmDate as_of)
{
  int sev = CLAMP (inc->severity, 1, 5);

  return severity_points[sev] * (inc->resolved ? RISK_RESOLVED : 1.0)
         * exp2 (-age_days (as_of, inc->date) / RISK_HALF_LIFE);
}

/* The cap one incident sets, 100 when it is not severe. */
static double
incident_cap (const TmCatalogIncident *inc, TmDate as_of)
{
  double c0;

  if (inc->severity < 4)
    return 100;
  c0 = (inc->severity >= 5 ? 30 : 50) + (inc->resolved ? 20 : 0);
  return c0 + (100 - c0) * MIN (1.0, age_days (as_of, inc->date) / CAP_RECOVERY_DAYS);
}

static int
compare_aggs (const void *a, const void *b)
{
  const SumAgg *x = a, *y = b;

  return (x->key > y->key) - (x->key < y->key);
}

TmEngine *
tm_engine_new (TmCatalog *catalog, TmDate as_of)
{
  TmEngine *self;
  const TmCatalog *cat = catalog;
  g_autofree guint32 *coop_category = NULL;
  GArray *aggs, *sums;
  guint n;
  gint64 start = g_get_monotonic_time ();

  g_return_val_if_fail (catalog != NULL, NULL);

  self = g_new0 (TmEngine, 1);
  self->ref_count = 1;
  self->catalog = tm_catalog_ref (catalog);
  self->as_of = as_of;
  self->n = n = cat->n_streamers;
  self->tag_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->category_ids = g_hash_table_new (g_direct_hash, g_direct_equal);

  /* Ids for categories (of cooperations, brands and streamers) and tags. */
  coop_category = g_new (guint32, MAX (cat->n_cooperations, 1));
  for (guint i = 0; i < cat->n_cooperations; i++)
    coop_category[i] = intern_id (self->category_ids, &self->n_category_ids,
                                  cat->cooperations[i].brand_category);
  self->brand_category = g_new (guint32, MAX (cat->n_brands, 1));
  for (guint b = 0; b < cat->n_brands; b++)
    self->brand_category[b] =
      lookup_id (self->category_ids, tm_catalog_lookup_string (cat, cat->brands[b]->category));
  self->declared_id = g_new (guint32, MAX (cat->n_categories, 1));
  for (guint i = 0; i < cat->n_categories; i++)
    self->declared_id[i] = lookup_id (self->category_ids, cat->categories[i]);
  self->tag_id = g_new (guint32, MAX (cat->n_tags, 1));
  self->tag_unit = g_new (float, MAX (cat->n_tags, 1));
  for (guint i = 0; i < cat->n_tags; i++)
    self->tag_id[i] = intern_id (self->tag_ids, &self->n_tag_ids, cat->tags[i].tag);

  self->typical = g_new0 (Typical, MAX (self->n_category_ids, 1));
  compute_typical (self, coop_category);
  compute_parties (self, coop_category);

  self->profiles = g_new0 (Profile, MAX (n, 1));
  self->agg_first = g_new0 (guint32, n + 1);
  self->audience = g_new0 (float, MAX (n, 1) * N_AUDIENCE);
  aggs = g_array_sized_new (FALSE, FALSE, sizeof (Agg), n * 4);
  sums = g_array_new (FALSE, FALSE, sizeof (SumAgg));

  for (guint i = 0; i < n; i++)
    {
      const TmCatalogStreamer *s = &cat->streamers[i];
      const TmCatalogCooperation *coops = cat->cooperations + s->first_cooperation;
      Profile *p = &self->profiles[i];
      double market[64];
      g_autofree double *market_heap = NULL;
      double *mv = market;
      guint n_market = 0;
      double streamer_gmv;
      TrustSignals ts;
      double trust = 0, confidence = 0, penalty = 0, cap = 100;
      double norm = 0;

      /* Tags as unit vector, so cosine is one dot product per brand. */
      for (guint t = s->first_tag; t < s->first_tag + s->n_tags; t++)
        norm += (double) cat->tags[t].weight * cat->tags[t].weight;
      norm = sqrt (norm);
      for (guint t = s->first_tag; t < s->first_tag + s->n_tags; t++)
        self->tag_unit[t] = norm > 0 ? cat->tags[t].weight / norm : 0;

      memcpy (self->audience + (gsize) i * N_AUDIENCE, s->audience, sizeof s->audience);
      p->has_audience = s->has_audience;
      p->first_tag = s->first_tag;
      p->n_tags = s->n_tags;
      p->first_category = s->first_category;
      p->n_categories = s->n_categories;
      p->first_cooperation = s->first_cooperation;
      p->n_cooperations = s->n_cooperations;
      p->last_cooperation = s->n_cooperations ? coops[s->n_cooperations - 1].date : TM_DATE_NONE;
      p->price_low = s->price_low_fen > 0 ? (float) s->price_low_fen : -1;
      p->price_high = s->price_high_fen > 0 ? (float) s->price_high_fen : -1;

      /* History: the streamer's typical GMV, then outcomes folded per
       * category and per brand. */
      if (s->n_cooperations > G_N_ELEMENTS (market))
        mv = market_heap = g_new (double, s->n_cooperations);
      streamer_gmv = streamer_market_median (cat, s, mv);
      (void) n_market;
      sums->len = 0;

      for (guint c = 0; c < s->n_cooperations; c++)
        {
          const TmCatalogCooperation *coop = &coops[c];
          guint32 k = coop_category[s->first_cooperation + c];
          double d = exp2 (-age_days (as_of, coop->date) / HISTORY_HALF_LIFE);
          Outcome o;
          guint32 keys[2] = { k, coop->brand >= 0 ? AGG_BRAND | (guint32) coop->brand : G_MAXUINT32 };

          compute_outcome (self, coop, k, streamer_gmv, &o);
          p->hist_w += d;
          p->hist_wo += d * o.outcome;
          for (guint j = 0; j < 2; j++)
            {
              SumAgg *found = NULL;

              if (keys[j] == G_MAXUINT32)
                continue;
              for (guint a = 0; a < sums->len; a++)
                if (g_array_index (sums, SumAgg, a).key == keys[j])
                  {
                    found = &g_array_index (sums, SumAgg, a);
                    break;
                  }
              if (found == NULL)
                {
                  SumAgg fresh = { keys[j], 0, 0, 0 };
                  g_array_append_val (sums, fresh);
                  found = &g_array_index (sums, SumAgg, sums->len - 1);
                }
              found->count++;
              found->w += d;
              found->wo += d * o.outcome;
            }
        }
      if (sums->len > 1)
        qsort (sums->data, sums->len, sizeof (SumAgg), compare_aggs);
      for (guint a = 0; a < sums->len; a++)
        {
          const SumAgg *sum = &g_array_index (sums, SumAgg, a);
          Agg agg = { sum->key, sum->count, (float) sum->w, (float) sum->wo };

          g_array_append_val (aggs, agg);
        }
      self->agg_first[i + 1] = aggs->len;

      compute_trust (s, &ts);
      for (guint j = 0; j < 6; j++)
        {
          trust += trust_weights[j] * ts.value[j];
          confidence += ts.known[j] ? trust_weights[j] : 0;
        }
      p->trust = 100 * trust;
      p->trust_confidence = confidence;
      p->credit_pct = credit_pct (s);

      for (guint j = s->first_incident; j < s->first_incident + s->n_incidents; j++)
        {
          penalty += incident_points (&cat->incidents[j], as_of);
          cap = MIN (cap, incident_cap (&cat->incidents[j], as_of));
        }
      p->penalty = penalty;
      p->cap = cap;
    }
  self->aggs = (Agg *) g_array_free (aggs, FALSE);
  g_array_unref (sums);

  g_debug ("engine for %u streamers, %u cooperations built in %.1f ms",
           n, cat->n_cooperations, (g_get_monotonic_time () - start) / 1000.0);
  return self;
}

TmEngine *
tm_engine_ref (TmEngine *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
tm_engine_unref (TmEngine *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_hash_table_unref (self->tag_ids);
  g_hash_table_unref (self->category_ids);
  g_free (self->typical);
  g_free (self->brand_category);
  g_free (self->tag_id);
  g_free (self->tag_unit);
  g_free (self->declared_id);
  g_free (self->profiles);
  g_free (self->coop_date);
  g_free (self->coop_party);
  g_free (self->parties);
  g_free (self->agg_first);
  g_free (self->aggs);
  g_free (self->audience);
  tm_catalog_unref (self->catalog);
  g_free (self);
}

TmCatalog *
tm_engine_get_catalog (TmEngine *self)
{
  return self->catalog;
}

TmDate
tm_engine_get_as_of (TmEngine *self)
{
  return self->as_of;
}

gsize
tm_engine_get_memory_size (TmEngine *self)
{
  const TmCatalog *cat = self->catalog;
  gsize n = self->n;

  return n * (sizeof (Profile) + sizeof (double) + sizeof (guint32) + N_AUDIENCE * sizeof (float))
         + self->agg_first[n] * sizeof (Agg)
         + cat->n_cooperations * (sizeof (TmDate) + sizeof (guint32))
         + self->n_parties * sizeof (Party)
         + cat->n_tags * (sizeof (guint32) + sizeof (float))
         + cat->n_categories * sizeof (guint32)
         + self->n_category_ids * sizeof (Typical)
         + cat->n_brands * sizeof (guint32);
}

/* ---- One brand -------------------------------------------------------- */

/* What a brand turns into before ranking: lookups by id instead of by
 * string, so the loop over streamers compares integers. */
typedef struct {
  const TmBrand *brand;
  gint32     brand_index;      /* in the catalog, -1 if not there */
  guint32    category;         /* category id, G_MAXUINT32 if unknown */
  double     brand_extra;      /* added relevance of same-brand records */
  gboolean   has_tags;
  float     *tag_unit;         /* per tag id, brand weight / norm */
  gboolean   has_audience;
  float      audience[N_AUDIENCE];
  double     price;            /* fen, 0 = unknown */
  double     min_credit;       /* percent, 0 = none */
  guint8    *blacklisted;      /* per streamer */
  gint32     exclusivity_days;
  guint8    *competitor_brand; /* per catalog brand */
  const char **competitor_names; /* interned market brand names */
  guint      n_competitor_names;
  const char **competitor_categories; /* interned codes */
  guint      n_competitor_categories;
  guint8    *competitor_party; /* per party: the window forbids it */
  gboolean   has_competitors;
} BrandContext;

/* Does the exclusivity window forbid cooperations of @c?  Strings are
 * interned, so comparing pointers is comparing text. */
static gboolean
is_competitor (const BrandContext *ctx, const Party *c)
{
  if (c->brand >= 0)
    {
      if (c->brand == ctx->brand_index)
        return FALSE;
      if (ctx->competitor_brand[c->brand])
        return TRUE;
    }
  else
    {
      for (guint j = 0; j < ctx->n_competitor_names; j++)
        if (c->name == ctx->competitor_names[j])
          return TRUE;
    }
  for (guint j = 0; j < ctx->n_competitor_categories; j++)
    if (c->category == ctx->competitor_categories[j])
      return TRUE;
  return FALSE;
}

static void
brand_context_init (BrandContext *ctx, TmEngine *self, const TmBrand *brand)
{
  const TmCatalog *cat = self->catalog;
  double norm = 0;

  memset (ctx, 0, sizeof *ctx);
  ctx->brand = brand;
  ctx->brand_index = brand->id ? tm_catalog_find_brand (cat, brand->id) : -1;
  ctx->category = brand->category
    ? lookup_id (self->category_ids, tm_catalog_lookup_string (cat, brand->category))
    : G_MAXUINT32;
  /* Same-brand records get relevance 3: 1 from the base sum, 0.5 more from
   * the category sum when they are in the brand's category, the rest here. */
  ctx->brand_extra = RELEVANCE_BRAND - 1;
  if (ctx->brand_index >= 0 && ctx->category != G_MAXUINT32
      && self->brand_category[ctx->brand_index] == ctx->category)
    ctx->brand_extra -= RELEVANCE_CATEGORY - 1;

  ctx->tag_unit = g_new0 (float, MAX (self->n_tag_ids, 1));
  if (brand->style_tags)
    for (guint t = 0; t < brand->style_tags->len; t++)
      {
        const TmStyleTag *tag = &g_array_index (brand->style_tags, TmStyleTag, t);
        norm += tag->weight * tag->weight;
      }
  norm = sqrt (norm);
  ctx->has_tags = norm > 0;
  if (ctx->has_tags)
    for (guint t = 0; t < brand->style_tags->len; t++)
      {
        const TmStyleTag *tag = &g_array_index (brand->style_tags, TmStyleTag, t);
        guint32 id = lookup_id (self->tag_ids, tm_catalog_lookup_string (cat, tag->tag));

        if (id != G_MAXUINT32)
          ctx->tag_unit[id] += tag->weight / norm;
      }

  ctx->has_audience = brand->audience.present;
  for (guint j = 0; j < TM_N_AGES; j++)
    ctx->audience[j] = brand->audience.age[j];
  for (guint j = 0; j < TM_N_GENDERS; j++)
    ctx->audience[TM_N_AGES + j] = brand->audience.gender[j];
  for (guint j = 0; j < TM_N_REGIONS; j++)
    ctx->audience[TM_N_AGES + TM_N_GENDERS + j] = brand->audience.region[j];

  ctx->price = brand->typical_order_price_fen > 0 ? (double) brand->typical_order_price_fen : 0;
  ctx->min_credit = isfinite (brand->min_credit_score) && brand->min_credit_score > 0
    ? brand->min_credit_score : 0;

  ctx->blacklisted = g_new0 (guint8, MAX (self->n, 1));
  if (brand->blacklist)
    for (guint b = 0; b < brand->blacklist->len; b++)
      {
        gint s = tm_catalog_find_streamer (cat, g_ptr_array_index (brand->blacklist, b));
        if (s >= 0)
          ctx->blacklisted[s] = 1;
      }

  ctx->exclusivity_days = brand->exclusivity_days;
  ctx->competitor_brand = g_new0 (guint8, MAX (cat->n_brands, 1));
  ctx->competitor_categories = g_new0 (const char *, brand->competitor_categories ? brand->competitor_categories->len + 1 : 1);
  ctx->competitor_names = g_new0 (const char *, brand->competitor_brands ? brand->competitor_brands->len + 1 : 1);
  if (brand->exclusivity_days > 0)
    {
      if (brand->competitor_brands)
        for (guint b = 0; b < brand->competitor_brands->len; b++)
          {
            const char *who = g_ptr_array_index (brand->competitor_brands, b);
            const char *interned = tm_catalog_lookup_string (cat, who);
            gint idx = tm_catalog_find_brand (cat, who);

            if (idx >= 0)
              ctx->competitor_brand[idx] = 1;
            for (guint x = 0; x < cat->n_brands; x++)
              if (g_strcmp0 (cat->brands[x]->name, who) == 0)
                ctx->competitor_brand[x] = 1;
            if (interned)
              ctx->competitor_names[ctx->n_competitor_names++] = interned;
            ctx->has_competitors = TRUE;
          }
      if (brand->competitor_categories)
        for (guint k = 0; k < brand->competitor_categories->len; k++)
          {
            const char *interned = tm_catalog_lookup_string (cat, g_ptr_array_index (brand->competitor_categories, k));

            if (interned)
              ctx->competitor_categories[ctx->n_competitor_categories++] = interned;
            ctx->has_competitors = TRUE;
          }
      /* The brand is never its own competitor. */
      if (ctx->brand_index >= 0)
        ctx->competitor_brand[ctx->brand_index] = 0;
    }

  ctx->competitor_party = g_new0 (guint8, MAX (self->n_parties, 1));
  if (ctx->has_competitors)
    for (guint p = 0; p < self->n_parties; p++)
      ctx->competitor_party[p] = is_competitor (ctx, &self->parties[p]);
}

static void
brand_context_clear (BrandContext *ctx)
{
  g_free (ctx->tag_unit);
  g_free (ctx->blacklisted);
  g_free (ctx->competitor_brand);
  g_free (ctx->competitor_names);
  g_free (ctx->competitor_categories);
  g_free (ctx->competitor_party);
}

/* The exclusion flags of streamer @i; the competitor scan walks back from
 * the newest cooperation and stops at the window's start. */
static guint8
exclusions_of (const TmEngine *self, const BrandContext *ctx, guint i)
{
  const Profile *p = &self->profiles[i];
  guint8 flags = 0;

  if (ctx->blacklisted[i])
    flags |= TM_EXCLUSION_BLACKLIST;
  if (ctx->min_credit > 0)
    {
      double pct = p->credit_pct;
      /* Scores are floats: 4.2f / 5f is 83.999996 %, which meets 84 %. */
      if (!isfinite (pct) || 100 * pct < ctx->min_credit - CREDIT_TOLERANCE)
        flags |= TM_EXCLUSION_MIN_CREDIT;
    }
  if (ctx->has_competitors && p->n_cooperations > 0
      && p->last_cooperation >= self->as_of - ctx->exclusivity_days)
    {
      TmDate from = self->as_of - ctx->exclusivity_days;

      for (guint c = p->first_cooperation + p->n_cooperations; c > p->first_cooperation; c--)
        {
          if (self->coop_date[c - 1] < from)
            break;
          if (ctx->competitor_party[self->coop_party[c - 1]])
            {
              flags |= TM_EXCLUSION_COMPETITOR;
              break;
            }
        }
    }
  return flags;
}

/* The style inputs of one pair (docs/matching.md, "Style fit"). */
typedef struct {
  double tags, category, audience, price;
  gboolean tags_known, audience_known, price_known;
  double overlap[3];
  guint  in_category, n_cooperations;
  gboolean declared;
} StyleInputs;

static void
compute_style (const TmEngine *self, const BrandContext *ctx, guint i, StyleInputs *st)
{
  const Profile *s = &self->profiles[i];
  const float *aud = self->audience + (gsize) i * N_AUDIENCE;

  st->tags = 0.5;
  st->tags_known = ctx->has_tags && s->n_tags > 0;
  if (st->tags_known)
    {
      double dot = 0, any = 0;

      for (guint t = s->first_tag; t < s->first_tag + s->n_tags; t++)
        {
          dot += (double) ctx->tag_unit[self->tag_id[t]] * self->tag_unit[t];
          any += self->tag_unit[t];
        }
      st->tags_known = any > 0;     /* a streamer whose tags all weigh 0 */
      st->tags = st->tags_known ? clamp01 (dot) : 0.5;
    }

  st->declared = FALSE;
  for (guint k = s->first_category; k < s->first_category + s->n_categories; k++)
    if (ctx->category != G_MAXUINT32 && self->declared_id[k] == ctx->category)
      st->declared = TRUE;
  st->in_category = 0;
  st->n_cooperations = s->n_cooperations;
  if (ctx->category != G_MAXUINT32)
    for (guint a = self->agg_first[i]; a < self->agg_first[i + 1]; a++)
      if (self->aggs[a].key == ctx->category)
        {
          st->in_category = self->aggs[a].count;
          break;
        }
  st->category = CATEGORY_DECLARED * st->declared
                 + CATEGORY_SHARE * st->in_category / (st->n_cooperations + CATEGORY_SMOOTH);

  st->audience = 0.5;
  st->audience_known = ctx->has_audience && s->has_audience;
  if (st->audience_known)
    {
      const float *b = ctx->audience;
      float o[3] = { 0, 0, 0 };

      for (guint j = 0; j < TM_N_AGES; j++)
        o[0] += MIN (b[j], aud[j]);
      for (guint j = TM_N_AGES; j < TM_N_AGES + TM_N_GENDERS; j++)
        o[1] += MIN (b[j], aud[j]);
      for (guint j = TM_N_AGES + TM_N_GENDERS; j < N_AUDIENCE; j++)
        o[2] += MIN (b[j], aud[j]);
      for (guint d = 0; d < 3; d++)
        st->overlap[d] = clamp01 (o[d]);
      st->audience = AUDIENCE_AGE * st->overlap[0] + AUDIENCE_GENDER * st->overlap[1]
                     + AUDIENCE_REGION * st->overlap[2];
    }

  st->price = 0.5;
  st->price_known = ctx->price > 0 && s->price_low > 0 && s->price_high >= s->price_low;
  if (st->price_known)
    {
      double lo = s->price_low, hi = s->price_high;

      if (ctx->price >= lo && ctx->price <= hi)
        st->price = 1;
      else
        st->price = clamp01 (1 - fabs (log2 (ctx->price / (ctx->price < lo ? lo : hi))) / PRICE_FALLOFF);
    }
}

static double
repeat_value (guint m)
{
  return m >= 2 ? 0.5 + 0.5 * MIN (1.0, (m - 1) / 2.0) : 0.5;
}

/* Scores streamer @i into @out (all but score and confidence). */
static void
compute_components (const TmEngine *self, const BrandContext *ctx, guint i, TmCandidate *out)
{
  StyleInputs st;
  const Profile *p = &self->profiles[i];
  double w = p->hist_w, wo = p->hist_wo;
  guint m = 0;
  double h;

  compute_style (self, ctx, i, &st);
  out->streamer = i;
  out->style = 100 * (STYLE_A_TAGS * st.tags + STYLE_A_CATEGORY * st.category
                      + STYLE_A_AUDIENCE * st.audience + STYLE_A_PRICE * st.price);
  out->style_confidence = STYLE_A_TAGS * st.tags_known + STYLE_A_CATEGORY
                          + STYLE_A_AUDIENCE * st.audience_known + STYLE_A_PRICE * st.price_known;

  for (guint a = self->agg_first[i]; a < self->agg_first[i + 1]; a++)
    {
      const Agg *agg = &self->aggs[a];

      if (agg->key == ctx->category)
        {
          w += (RELEVANCE_CATEGORY - 1) * agg->w;
          wo += (RELEVANCE_CATEGORY - 1) * agg->wo;
        }
      else if (ctx->brand_index >= 0 && agg->key == (AGG_BRAND | (guint32) ctx->brand_index))
        {
          w += ctx->brand_extra * agg->w;
          wo += ctx->brand_extra * agg->wo;
          m = agg->count;
        }
    }
  h = (wo + PRIOR_K * 0.5) / (w + PRIOR_K);
  out->history = 100 * (HISTORY_OUTCOMES * h + HISTORY_REPEAT * repeat_value (m));
  out->history_confidence = w / (w + PRIOR_K);

  out->trust = p->trust;
  out->trust_confidence = p->trust_confidence;
  out->penalty = p->penalty;
  out->cap = p->cap;
  out->exclusions = exclusions_of (self, ctx, i);
}

static double
finish_score (const TmCandidate *c, const Norm *n)
{
  double b = n->style * c->style + n->history * c->history + n->trust * c->trust;
  double s = MAX (0.0, b - n->risk * c->penalty);

  if (n->risk > 0)
    s = MIN (s, (double) c->cap);
  return s;
}

static void
finish (TmCandidate *c, const Norm *n)
{
  c->score = finish_score (c, n);
  c->confidence = n->style * c->style_confidence + n->history * c->history_confidence
                  + n->trust * c->trust_confidence;
}

void
tm_engine_score (TmEngine        *self,
                 const TmBrand   *brand,
                 guint            streamer,
                 const TmWeights *weights,
                 TmCandidate     *out)
{
  BrandContext ctx;
  Norm n = normalise (weights);

  g_return_if_fail (self != NULL && brand != NULL && out != NULL);
  g_return_if_fail (streamer < self->n);

  memset (out, 0, sizeof *out);
  brand_context_init (&ctx, self, brand);
  compute_components (self, &ctx, streamer, out);
  finish (out, &n);
  brand_context_clear (&ctx);
}

/* ---- Ranking ---------------------------------------------------------- */

struct _TmRanking {
  TmEngine    *engine;
  TmBrand     *brand;
  TmWeights    weights;
  TmCandidate *candidates;
  guint        n;
  guint        n_excluded;
};

TmRanking *
tm_engine_rank (TmEngine *self, const TmBrand *brand, const TmWeights *weights)
{
  TmRanking *r;
  BrandContext ctx;

  g_return_val_if_fail (self != NULL && brand != NULL, NULL);

  r = g_new0 (TmRanking, 1);
  r->engine = tm_engine_ref (self);
  r->brand = tm_brand_copy (brand);
  if (weights && tm_weights_is_valid (weights))
    r->weights = *weights;
  else
    tm_weights_init_default (&r->weights);
  r->n = self->n;
  r->candidates = g_new0 (TmCandidate, MAX (r->n, 1));

  brand_context_init (&ctx, self, r->brand);
  for (guint i = 0; i < r->n; i++)
    {
      compute_components (self, &ctx, i, &r->candidates[i]);
      r->n_excluded += r->candidates[i].exclusions != 0;
    }
  brand_context_clear (&ctx);
  tm_ranking_set_weights (r, &r->weights);
  return r;
}

void
tm_ranking_free (TmRanking *self)
{
  if (self == NULL)
    return;
  tm_engine_unref (self->engine);
  tm_brand_free (self->brand);
  g_free (self->candidates);
  g_free (self);
}

TmEngine *
tm_ranking_get_engine (TmRanking *self)
{
  return self->engine;
}

const TmBrand *
tm_ranking_get_brand (TmRanking *self)
{
  return self->brand;
}

void
tm_ranking_get_weights (TmRanking *self, TmWeights *out)
{
  *out = self->weights;
}

void
tm_ranking_set_weights (TmRanking *self, const TmWeights *weights)
{
  Norm n;

  g_return_if_fail (self != NULL);
  if (weights && tm_weights_is_valid (weights))
    self->weights = *weights;
  n = normalise (&self->weights);
  for (guint i = 0; i < self->n; i++)
    finish (&self->candidates[i], &n);
}

const TmCandidate *
tm_ranking_get_candidates (TmRanking *self, guint *n_candidates)
{
  if (n_candidates)
    *n_candidates = self->n;
  return self->candidates;
}

guint
tm_ranking_get_n_included (TmRanking *self)
{
  return self->n - self->n_excluded;
}

guint
tm_ranking_get_n_excluded (TmRanking *self)
{
  return self->n_excluded;
}

/* Rank order: higher score first, then lower index (streamers are sorted
 * by id, so this is the id order). */
static inline gboolean
ranks_before (const TmCandidate *c, guint32 a, guint32 b)
{
  if (c[a].score != c[b].score)
    return c[a].score > c[b].score;
  return a < b;
}

/* Heap with the worst kept candidate on top. */
static void
sift_down (const TmCandidate *c, guint32 *heap, guint len, guint at)
{
  for (;;)
    {
      guint l = 2 * at + 1, r = l + 1, worst = at;

      if (l < len && ranks_before (c, heap[worst], heap[l]))
        worst = l;
      if (r < len && ranks_before (c, heap[worst], heap[r]))
        worst = r;
      if (worst == at)
        return;
      guint32 t = heap[at];
      heap[at] = heap[worst];
      heap[worst] = t;
      at = worst;
    }
}

static void
sift_up (const TmCandidate *c, guint32 *heap, guint at)
{
  while (at > 0)
    {
      guint parent = (at - 1) / 2;

      if (!ranks_before (c, heap[parent], heap[at]))
        return;
      guint32 t = heap[at];
      heap[at] = heap[parent];
      heap[parent] = t;
      at = parent;
    }
}

static gint
compare_rank (gconstpointer a, gconstpointer b, gpointer candidates)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  if (x == y)
    return 0;
  return ranks_before (candidates, x, y) ? -1 : 1;
}

guint
tm_ranking_top (TmRanking *self, guint n, gboolean excluded, guint32 *out)
{
  const TmCandidate *c = self->candidates;
  guint len = 0;

  g_return_val_if_fail (self != NULL, 0);
  if (n == 0)
    return 0;

  for (guint i = 0; i < self->n; i++)
    {
      if ((c[i].exclusions != 0) != (excluded != FALSE))
        continue;
      if (len < n)
        {
          out[len] = i;
          sift_up (c, out, len);
          len++;
        }
      else if (ranks_before (c, i, out[0]))
        {
          out[0] = i;
          sift_down (c, out, len, 0);
        }
    }

  /* The heap holds the best @len; put them in rank order. */
  g_qsort_with_data (out, len, sizeof *out, compare_rank, (gpointer) c);
  return len;
}

/* ---- Explanations ----------------------------------------------------- */

const char *
tm_exclusion_code (TmExclusionFlags kind)
{
  switch (kind)
    {
    case TM_EXCLUSION_BLACKLIST: return "blacklist";
    case TM_EXCLUSION_MIN_CREDIT: return "min_credit";
    case TM_EXCLUSION_COMPETITOR: return "competitor";
    default: g_return_val_if_reached (NULL);
    }
}

static void
exclusion_free (gpointer data)
{
  TmExclusion *e = data;

  g_free (e->evidence);
  g_free (e->message);
  g_free (e);
}

static void
item_free (gpointer data)
{
  TmExplanationItem *item = data;

  g_strfreev (item->evidence);
  g_free (item->message);
  g_free (item);
}

void
tm_explanation_free (TmExplanation *explanation)
{
  if (explanation == NULL)
    return;
  g_ptr_array_unref (explanation->items);
  g_ptr_array_unref (explanation->exclusions);
  g_free (explanation);
}

static TmExplanationItem *
add_item (TmExplanation *ex, TmFactor factor, double contribution, double value,
          gboolean known, char *message)
{
  TmExplanationItem *item = g_new0 (TmExplanationItem, 1);

  item->factor = factor;
  item->contribution = contribution;
  item->value = value;
  item->known = known;
  item->message = message;
  item->evidence = g_new0 (char *, 1);
  g_ptr_array_add (ex->items, item);
  return item;
}

static void
add_evidence (TmExplanationItem *item, const char *id)
{
  guint n = g_strv_length (item->evidence);

  item->evidence = g_renew (char *, item->evidence, n + 2);
  item->evidence[n] = g_strdup (id);
  item->evidence[n + 1] = NULL;
}

static char *
format_month (TmDate date)
{
  int y, m, d;

  tm_date_to_ymd (date, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d", y, m);
}

static const char *
cooperation_brand (const TmCatalog *cat, const TmCatalogCooperation *c)
{
  if (c->brand >= 0)
    return cat->brands[c->brand]->name;
  return c->brand_name && *c->brand_name ? c->brand_name : _("another brand");
}

static GPtrArray *
exclusions_explained (TmEngine *self, const BrandContext *ctx, guint i)
{
  const TmCatalog *cat = self->catalog;
  const TmCatalogStreamer *s = &cat->streamers[i];
  GPtrArray *list = g_ptr_array_new_with_free_func (exclusion_free);
  guint8 flags = exclusions_of (self, ctx, i);

  if (flags & TM_EXCLUSION_BLACKLIST)
    {
      TmExclusion *e = g_new0 (TmExclusion, 1);
      e->kind = TM_EXCLUSION_BLACKLIST;
      e->message = g_strdup (_("On the brand’s blacklist."));
      g_ptr_array_add (list, e);
    }
  if (flags & TM_EXCLUSION_MIN_CREDIT)
    {
      TmExclusion *e = g_new0 (TmExclusion, 1);
      double pct = self->profiles[i].credit_pct;

      e->kind = TM_EXCLUSION_MIN_CREDIT;
      if (isfinite (pct))
        e->message = g_strdup_printf (_("Credit score %g of %g (%.0f%%) is below the brand’s minimum of %g%%."),
                                      s->credit_score, s->credit_scale, 100 * pct, ctx->min_credit);
      else
        e->message = g_strdup_printf (_("No credit score on record; the brand requires at least %g%%."),
                                      ctx->min_credit);
      g_ptr_array_add (list, e);
    }
  if (flags & TM_EXCLUSION_COMPETITOR)
    {
      TmDate from = self->as_of - ctx->exclusivity_days;
      const TmCatalogCooperation *latest = NULL;
      guint more = 0;

      for (guint c = s->first_cooperation + s->n_cooperations; c > s->first_cooperation; c--)
        {
          const TmCatalogCooperation *coop = &cat->cooperations[c - 1];

          if (coop->date < from)
            break;
          if (!ctx->competitor_party[self->coop_party[c - 1]])
            continue;
          if (latest == NULL)
            latest = coop;
          else
            more++;
        }
      if (latest != NULL)
        {
          g_autofree char *date = tm_date_format (latest->date);
          g_autofree char *first = g_strdup_printf (_("Worked with competitor %s (%s) on %s, inside the brand’s %d-day exclusivity window"),
                                                    cooperation_brand (cat, latest),
                                                    tm_category_label (latest->brand_category),
                                                    date, ctx->exclusivity_days);
          TmExclusion *e = g_new0 (TmExclusion, 1);

          e->kind = TM_EXCLUSION_COMPETITOR;
          e->evidence = g_strdup (latest->id);
          if (more > 0)
            e->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "%s, and %u more competitor cooperation in the window.",
                                                       "%s, and %u more competitor cooperations in the window.", more),
                                          first, more);
          else
            /* TRANSLATORS: ends a sentence */
            e->message = g_strdup_printf (_("%s."), first);
          g_ptr_array_add (list, e);
        }
    }
  return list;
}

GPtrArray *
tm_engine_get_exclusions (TmEngine *self, const TmBrand *brand, guint streamer)
{
  BrandContext ctx;
  GPtrArray *list;

  g_return_val_if_fail (self != NULL && brand != NULL && streamer < self->n, NULL);
  brand_context_init (&ctx, self, brand);
  list = exclusions_explained (self, &ctx, streamer);
  brand_context_clear (&ctx);
  return list;
}

/* A phrase for each sub-score far from typical, for a cooperation's
 * sentence. */
static char *
describe_outcome (const TmEngine *self, const TmCatalogCooperation *c, guint32 k, const Outcome *o)
{
  const Typical *t = &self->typical[k];
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *gmv = tm_format_fen (c->gmv_fen, TRUE);
  g_autofree char *expected = tm_format_fen ((gint64) o->expected, TRUE);
  char *text;

  if (o->gmv >= 0.7)
    g_ptr_array_add (parts, g_strdup_printf (_("GMV %s, %.1f× the expected %s"), gmv,
                                             (c->gmv_fen + GMV_GUARD_FEN) / (o->expected + GMV_GUARD_FEN), expected));
  else if (o->gmv <= 0.3)
    g_ptr_array_add (parts, g_strdup_printf (_("GMV %s, only %.0f%% of the expected %s"), gmv,
                                             100 * (c->gmv_fen + GMV_GUARD_FEN) / (o->expected + GMV_GUARD_FEN), expected));
  if (o->returns <= 0.2)
    g_ptr_array_add (parts, g_strdup_printf (_("return rate %.0f%%, far above the category’s %.0f%%"),
                                             100 * c->return_rate, 100 * t->returns));
  else if (o->returns >= 0.8)
    g_ptr_array_add (parts, g_strdup_printf (_("return rate %.0f%%, well below the category’s %.0f%%"),
                                             100 * c->return_rate, 100 * t->returns));
  if (o->complaints <= 0.25)
    g_ptr_array_add (parts, g_strdup_printf (_("%u complaints, %.1f per 1,000 orders against the category’s %.1f"),
                                             c->complaints, complaints_per_1000 (c), t->complaints));
  if (isfinite (o->conversion) && o->conversion <= 0.25)
    g_ptr_array_add (parts, g_strdup_printf (_("conversion %.1f%%, well below the category’s %.1f%%"),
                                             100 * c->conversion_rate, 100 * t->conversion));
  else if (isfinite (o->conversion) && o->conversion >= 0.75)
    g_ptr_array_add (parts, g_strdup_printf (_("conversion %.1f%%, well above the category’s %.1f%%"),
                                             100 * c->conversion_rate, 100 * t->conversion));
  if (isfinite (o->rating) && o->rating <= 0.25)
    g_ptr_array_add (parts, g_strdup_printf (_("rating only %.1f"), c->rating));
  else if (isfinite (o->rating) && o->rating >= 0.9)
    g_ptr_array_add (parts, g_strdup_printf (_("rating %.1f"), c->rating));
  if (parts->len == 0)
    g_ptr_array_add (parts, g_strdup_printf (_("GMV %s against the expected %s, results close to the category’s typical figures"),
                                             gmv, expected));
  g_ptr_array_add (parts, NULL);
  /* TRANSLATORS: separates phrases about one cooperation */
  text = g_strjoinv (_("; "), (char **) parts->pdata);
  g_ptr_array_unref (parts);
  return text;
}

static void
explain_history (TmEngine *self, const BrandContext *ctx, guint i, const Norm *n, TmExplanation *ex)
{
  const TmCatalog *cat = self->catalog;
  const TmCatalogStreamer *s = &cat->streamers[i];
  double w_total = 0;
  guint m = 0;
  g_autofree double *w = g_new (double, MAX (s->n_cooperations, 1));
  g_autofree Outcome *o = g_new (Outcome, MAX (s->n_cooperations, 1));
  g_autofree guint32 *k = g_new (guint32, MAX (s->n_cooperations, 1));
  g_autofree double *scratch = g_new (double, MAX (s->n_cooperations, 1));
  double streamer_gmv = streamer_market_median (cat, s, scratch);
  TmExplanationItem *repeat = NULL;

  for (guint c = 0; c < s->n_cooperations; c++)
    {
      const TmCatalogCooperation *coop = &cat->cooperations[s->first_cooperation + c];
      double relevance = 1;

      k[c] = lookup_id (self->category_ids, coop->brand_category);
      if (ctx->brand_index >= 0 && coop->brand == ctx->brand_index)
        {
          relevance = RELEVANCE_BRAND;
          m++;
        }
      else if (k[c] == ctx->category)
        relevance = RELEVANCE_CATEGORY;
      w[c] = relevance * exp2 (-age_days (self->as_of, coop->date) / HISTORY_HALF_LIFE);
      compute_outcome (self, coop, k[c], streamer_gmv, &o[c]);
      w_total += w[c];
    }

  if (s->n_cooperations == 0)
    add_item (ex, TM_FACTOR_COOPERATION, 0, NAN, FALSE,
              g_strdup (_("No cooperation on record: history counts as neutral.")));

  /* Newest first: that is what a reader wants to see first. */
  for (guint c = s->n_cooperations; c > 0; c--)
    {
      const TmCatalogCooperation *coop = &cat->cooperations[s->first_cooperation + c - 1];
      g_autofree char *month = format_month (coop->date);
      g_autofree char *details = describe_outcome (self, coop, k[c - 1], &o[c - 1]);
      const char *relation;
      TmExplanationItem *item;

      if (ctx->brand_index >= 0 && coop->brand == ctx->brand_index)
        relation = _("this brand");
      else if (k[c - 1] == ctx->category)
        relation = _("same category");
      else
        relation = tm_category_label (coop->brand_category);
      item = add_item (ex, TM_FACTOR_COOPERATION,
                       n->history * 100 * HISTORY_OUTCOMES * w[c - 1] * (o[c - 1].outcome - 0.5) / (w_total + PRIOR_K),
                       o[c - 1].outcome, TRUE,
                       /* TRANSLATORS: "2026-03 cooperation with 品牌X (this brand), outcome 42 of 100: GMV …" */
                       g_strdup_printf (_("%s cooperation with %s (%s), outcome %.0f of 100: %s."),
                                        month, cooperation_brand (cat, coop), relation,
                                        100 * o[c - 1].outcome, details));
      add_evidence (item, coop->id);
    }

  if (m >= 2)
    {
      repeat = add_item (ex, TM_FACTOR_REPEAT, n->history * 100 * HISTORY_REPEAT * (repeat_value (m) - 0.5),
                         repeat_value (m), TRUE,
                         g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "%u cooperation with this brand: the brand came back.",
                                                       "%u cooperations with this brand: the brand came back.", m), m));
      for (guint c = 0; c < s->n_cooperations; c++)
        if (cat->cooperations[s->first_cooperation + c].brand == ctx->brand_index)
          add_evidence (repeat, cat->cooperations[s->first_cooperation + c].id);
    }
}

static void
explain_trust (TmEngine *self, guint i, const Norm *n, TmExplanation *ex)
{
  const TmCatalogStreamer *s = &self->catalog->streamers[i];
  TrustSignals ts;
  static const TmFactor factor[6] = {
    TM_FACTOR_CREDIT, TM_FACTOR_VERIFICATION, TM_FACTOR_REVIEWS,
    TM_FACTOR_DISPUTES, TM_FACTOR_ENGAGEMENT, TM_FACTOR_REPEAT_BUYERS,
  };

  compute_trust (s, &ts);
  for (guint j = 0; j < 6; j++)
    {
      char *msg = NULL;

      if (!ts.known[j])
        {
          static const char *unknown[6] = {
            N_("No platform credit score on record; counted as neutral."),
            NULL,
            N_("No reviews on record; counted as neutral."),
            N_("No dispute resolution rate on record; counted as neutral."),
            N_("No engagement rate on record; counted as neutral."),
            N_("No repeat-buyer rate on record; counted as neutral."),
          };
          msg = g_strdup (_(unknown[j]));
        }
      else
        switch (j)
          {
          case 0:
            msg = g_strdup_printf (_("Credit score %g of %g on %s, %.0f%% of the scale."),
                                   s->credit_score, s->credit_scale,
                                   s->credit_platform >= 0 ? tm_platform_label (s->credit_platform) : _("the platform"),
                                   100 * credit_pct (s));
            break;
          case 1:
            msg = g_strdup_printf (_("Platform verification: %s."), tm_verification_label (s->verification));
            break;
          case 2:
            {
              g_autofree char *pos = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (s->reviews_positive, 0));
              g_autofree char *neg = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (s->reviews_negative, 0));
              msg = g_strdup_printf (_("%.0f%% positive reviews after discounting an estimated %.1f%% fake ones (%s positive, %s negative)."),
                                     100 * ts.value[2],
                                     100 * (isfinite (s->fake_review_share) ? s->fake_review_share : 0), pos, neg);
            }
            break;
          case 3:
            msg = g_strdup_printf (_("%.0f%% of disputes resolved."), 100 * s->dispute_resolution_rate);
            break;
          case 4:
            msg = g_strdup_printf (_("Engagement rate %.1f%% (full marks from %.0f%%)."),
                                   100 * s->engagement_rate, 100 * ENGAGEMENT_FULL);
            break;
          default:
            msg = g_strdup_printf (_("%.0f%% of buyers come back (full marks from %.0f%%)."),
                                   100 * s->repeat_buyer_rate, 100 * REPEAT_BUYER_FULL);
            break;
          }
      add_item (ex, factor[j], n->trust * 100 * trust_weights[j] * (ts.value[j] - 0.5),
                ts.value[j], ts.known[j], msg);
    }
}

static void
explain_style (TmEngine *self, const BrandContext *ctx, guint i, const Norm *n, TmExplanation *ex)
{
  const TmCatalog *cat = self->catalog;
  const TmCatalogStreamer *s = &cat->streamers[i];
  const TmBrand *brand = ctx->brand;
  StyleInputs st;
  char *msg;

  compute_style (self, ctx, i, &st);

  if (st.tags_known)
    {
      g_autoptr (GString) shared = g_string_new (NULL);

      for (guint t = s->first_tag; t < s->first_tag + s->n_tags; t++)
        if (ctx->tag_unit[self->tag_id[t]] > 0)
          {
            if (shared->len)
              g_string_append (shared, _(", "));
            g_string_append (shared, cat->tags[t].tag);
          }
      if (shared->len)
        msg = g_strdup_printf (_("Style tags %.0f%% similar; shared: %s."), 100 * st.tags, shared->str);
      else
        msg = g_strdup (_("No style tag in common with the brand."));
    }
  else
    msg = g_strdup (_("No style tags on record for the brand or the streamer; counted as neutral."));
  add_item (ex, TM_FACTOR_STYLE_TAGS, n->style * 100 * STYLE_A_TAGS * (st.tags - 0.5),
            st.tags, st.tags_known, msg);

  {
    const char *label = brand->category ? tm_category_label (brand->category) : "";
    if (st.declared)
      msg = g_strdup_printf (_("%u of %u cooperations in %s, which the streamer lists as a category."),
                             st.in_category, st.n_cooperations, label);
    else
      msg = g_strdup_printf (_("%u of %u cooperations in %s, which the streamer does not list as a category."),
                             st.in_category, st.n_cooperations, label);
    add_item (ex, TM_FACTOR_CATEGORY, n->style * 100 * STYLE_A_CATEGORY * (st.category - 0.5),
              st.category, TRUE, msg);
  }

  if (st.audience_known)
    msg = g_strdup_printf (_("Audience overlap %.0f%%: age %.0f%%, gender %.0f%%, region %.0f%%."),
                           100 * st.audience, 100 * st.overlap[0], 100 * st.overlap[1], 100 * st.overlap[2]);
  else
    msg = g_strdup (_("No audience data for the brand or the streamer; counted as neutral."));
  add_item (ex, TM_FACTOR_AUDIENCE, n->style * 100 * STYLE_A_AUDIENCE * (st.audience - 0.5),
            st.audience, st.audience_known, msg);

  if (st.price_known)
    {
      g_autofree char *p = tm_format_fen (brand->typical_order_price_fen, FALSE);
      g_autofree char *lo = tm_format_fen (s->price_low_fen, FALSE);
      g_autofree char *hi = tm_format_fen (s->price_high_fen, FALSE);

      if (st.price >= 1)
        msg = g_strdup_printf (_("Typical order price %s is inside the streamer’s range %s–%s."), p, lo, hi);
      else
        msg = g_strdup_printf (_("Typical order price %s is outside the streamer’s range %s–%s."), p, lo, hi);
    }
  else
    msg = g_strdup (_("No typical order price or price range on record; counted as neutral."));
  add_item (ex, TM_FACTOR_PRICE, n->style * 100 * STYLE_A_PRICE * (st.price - 0.5),
            st.price, st.price_known, msg);
}

static void
explain_risk (TmEngine *self, guint i, const Norm *n, double base, TmExplanation *ex)
{
  const TmCatalog *cat = self->catalog;
  const TmCatalogStreamer *s = &cat->streamers[i];
  double total_penalty = 0, scale = 1, after, score;
  double cap = 100;
  const TmCatalogIncident *capper = NULL;

  for (guint j = s->first_incident; j < s->first_incident + s->n_incidents; j++)
    total_penalty += n->risk * incident_points (&cat->incidents[j], self->as_of);
  /* The penalty cannot take the score below 0; its items shrink alike. */
  if (total_penalty > base && total_penalty > 0)
    scale = base / total_penalty;

  for (guint j = s->first_incident + s->n_incidents; j > s->first_incident; j--)
    {
      const TmCatalogIncident *inc = &cat->incidents[j - 1];
      g_autofree char *date = tm_date_format (inc->date);
      double c = incident_cap (inc, self->as_of);
      TmExplanationItem *item;

      item = add_item (ex, TM_FACTOR_INCIDENT,
                       -scale * n->risk * incident_points (inc, self->as_of), inc->severity, TRUE,
                       g_strdup_printf (inc->resolved
                                        ? _("%s on %s, severity %d of 5, resolved.")
                                        : _("%s on %s, severity %d of 5, not resolved."),
                                        tm_incident_kind_label (inc->kind), date, inc->severity));
      add_evidence (item, inc->id);
      if (c < cap)
        {
          cap = c;
          capper = inc;
        }
    }

  after = MAX (0.0, base - total_penalty);
  score = n->risk > 0 ? MIN (after, cap) : after;
  if (score < after && capper != NULL)
    {
      g_autofree char *date = tm_date_format (capper->date);
      TmExplanationItem *item;

      item = add_item (ex, TM_FACTOR_CAP, score - after, cap / 100, TRUE,
                       g_strdup_printf (_("Score capped at %.0f by the severity %d incident of %s; the cap lifts over two years."),
                                        cap, capper->severity, date));
      add_evidence (item, capper->id);
    }
}

TmExplanation *
tm_engine_explain (TmEngine        *self,
                   const TmBrand   *brand,
                   guint            streamer,
                   const TmWeights *weights)
{
  TmExplanation *ex;
  BrandContext ctx;
  Norm n = normalise (weights);
  double base;

  g_return_val_if_fail (self != NULL && brand != NULL && streamer < self->n, NULL);

  ex = g_new0 (TmExplanation, 1);
  ex->items = g_ptr_array_new_with_free_func (item_free);
  brand_context_init (&ctx, self, brand);
  compute_components (self, &ctx, streamer, &ex->candidate);
  finish (&ex->candidate, &n);
  ex->exclusions = exclusions_explained (self, &ctx, streamer);

  add_item (ex, TM_FACTOR_NEUTRAL, 50, 0.5, TRUE,
            g_strdup (_("Every candidate starts at the neutral 50.")));
  explain_style (self, &ctx, streamer, &n, ex);
  explain_history (self, &ctx, streamer, &n, ex);
  explain_trust (self, streamer, &n, ex);

  base = 0;
  for (guint j = 0; j < ex->items->len; j++)
    base += ((TmExplanationItem *) ex->items->pdata[j])->contribution;
  explain_risk (self, streamer, &n, base, ex);

  ex->total = 0;
  for (guint j = 0; j < ex->items->len; j++)
    ex->total += ((TmExplanationItem *) ex->items->pdata[j])->contribution;
  brand_context_clear (&ctx);
  return ex;
}

GPtrArray *
tm_engine_compare (TmEngine        *self,
                   const TmBrand   *brand,
                   const guint     *streamers,
                   guint            n_streamers,
                   const TmWeights *weights)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_explanation_free);

  for (guint j = 0; j < n_streamers; j++)
    g_ptr_array_add (list, tm_engine_explain (self, brand, streamers[j], weights));
  return list;
}

char *
tm_exclusions_join (GPtrArray *exclusions)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; exclusions != NULL && i < exclusions->len; i++)
    {
      const TmExclusion *x = g_ptr_array_index (exclusions, i);

      if (i > 0)
        {
          if (g_str_has_suffix (out->str, "."))
            g_string_truncate (out, out->len - 1);
          else if (g_str_has_suffix (out->str, "。"))
            g_string_truncate (out, out->len - strlen ("。"));
          g_string_append (out, "; ");
        }
      g_string_append (out, x->message);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
