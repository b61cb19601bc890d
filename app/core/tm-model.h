/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-model.h: the records TrustMatch knows about.
 *
 * Plain C structs rather than GObjects: they are what the JSON reader
 * produces and the store writes.  The catalog (tm-catalog.h) keeps its own
 * compact copy for ranking.  Money is integer fen (1/100 yuan), rates are
 * fractions 0–1, dates are days since 1970-01-01 (TmDate).
 * See docs/data-model.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Days since 1970-01-01 in the proleptic Gregorian calendar. */
typedef gint32 TmDate;
#define TM_DATE_NONE G_MININT32

/* Optional numbers: doubles use NAN when absent, counts/money use -1. */
#define TM_UNKNOWN_INT ((gint64) -1)

typedef enum {
  TM_PLATFORM_DOUYIN,
  TM_PLATFORM_KUAISHOU,
  TM_PLATFORM_TAOBAO,
  TM_PLATFORM_XIAOHONGSHU,
  TM_PLATFORM_CHANNELS,
  TM_PLATFORM_BILIBILI,
  TM_PLATFORM_JD,
  TM_N_PLATFORMS,
  TM_PLATFORM_NONE = -1,
} TmPlatform;

typedef enum {
  TM_SOURCE_PLATFORM,
  TM_SOURCE_EXPORT,
  TM_SOURCE_FEED,
  TM_SOURCE_MANUAL,
  TM_N_SOURCES,
} TmSource;

/* How a figure came to be: read off a platform page (observed), computed
 * from raw data (measured), or estimated by a model or a person. */
typedef enum {
  TM_BASIS_OBSERVED,
  TM_BASIS_MEASURED,
  TM_BASIS_ESTIMATED,
  TM_N_BASES,
} TmBasis;

typedef enum {
  TM_FORMAT_LIVE,
  TM_FORMAT_SHORT_VIDEO,
  TM_N_FORMATS,
} TmFormat;

typedef enum {
  TM_INCIDENT_FALSE_ADVERTISING,
  TM_INCIDENT_PRODUCT_QUALITY,
  TM_INCIDENT_REVIEW_FRAUD,
  TM_INCIDENT_DATA_FRAUD,
  TM_INCIDENT_CONDUCT,
  TM_INCIDENT_UNRESOLVED_DISPUTE,
  TM_N_INCIDENT_KINDS,
} TmIncidentKind;

typedef enum {
  TM_VERIFICATION_UNVERIFIED,
  TM_VERIFICATION_PENDING,
  TM_VERIFICATION_VERIFIED,
  TM_VERIFICATION_SUSPENDED,
  TM_N_VERIFICATIONS,
} TmVerification;

typedef enum {
  TM_PRICE_TIER_BUDGET,
  TM_PRICE_TIER_MID,
  TM_PRICE_TIER_PREMIUM,
  TM_PRICE_TIER_LUXURY,
  TM_N_PRICE_TIERS,
} TmPriceTier;

/* Audience buckets, shared by a brand's target and a streamer's audience. */
/* What the user decided about a streamer for a brand (issue 6). */
typedef enum {
  TM_DECISION_SHORTLISTED,
  TM_DECISION_CONTACTED,
  TM_DECISION_REJECTED,
  TM_N_DECISIONS,
} TmDecisionStatus;

typedef enum {
  TM_AGE_UNDER_18,
  TM_AGE_18_24,
  TM_AGE_25_30,
  TM_AGE_31_40,
  TM_AGE_41_50,
  TM_AGE_OVER_50,
  TM_N_AGES,
} TmAgeBucket;

typedef enum {
  TM_GENDER_FEMALE,
  TM_GENDER_MALE,
  TM_N_GENDERS,
} TmGender;

typedef enum {
  TM_REGION_TIER1,      /* 一线 */
  TM_REGION_NEW_TIER1,  /* 新一线 */
  TM_REGION_TIER2,      /* 二线 */
  TM_REGION_TIER3,      /* 三线 */
  TM_REGION_TIER4,      /* 四线及以下 */
  TM_N_REGIONS,
} TmRegion;

typedef struct {
  gboolean present;
  double   age[TM_N_AGES];        /* shares, sum to 1 */
  double   gender[TM_N_GENDERS];  /* shares, sum to 1 */
  double   region[TM_N_REGIONS];  /* shares, sum to 1 */
} TmAudience;

typedef struct {
  TmSource source;
  TmDate   observed;
  TmBasis  basis;
} TmProvenance;

/* Provenance for one named figure that differs from its record's. */
typedef struct {
  char         *field;   /* e.g. "engagement_rate", "reviews.fake_share" */
  TmProvenance  provenance;
} TmFigureProvenance;

typedef struct {
  char   *tag;
  double  weight;  /* 0–1 */
} TmStyleTag;

typedef struct {
  TmPlatform  platform;
  char       *handle;
  gint64      followers;
} TmAccount;

typedef struct {
  char         *id;
  char         *name;
  char         *category;             /* category code, see tm_category_* */
  GArray       *style_tags;           /* TmStyleTag */
  TmAudience    audience;             /* target audience */
  TmPriceTier   price_tier;
  gint64        typical_order_price_fen;
  gint64        budget_fen;           /* TM_UNKNOWN_INT when not set */
  double        min_credit_score;     /* percent of the platform's scale, 0 = none */
  GPtrArray    *blacklist;            /* streamer ids */
  GPtrArray    *competitor_brands;    /* brand ids or names */
  GPtrArray    *competitor_categories;/* category codes */
  gint32        exclusivity_days;     /* 0 = no exclusivity window */
  char         *notes;                /* nullable */
  TmProvenance  provenance;
  GArray       *figure_provenance;    /* TmFigureProvenance */
} TmBrand;

typedef struct {
  char           *id;
  char           *name;
  GArray         *accounts;           /* TmAccount, at least one */
  GPtrArray      *categories;         /* category codes */
  GArray         *style_tags;         /* TmStyleTag */
  TmAudience      audience;
  TmPlatform      credit_platform;
  double          credit_score;       /* on credit_scale; NAN when unknown */
  double          credit_scale;       /* maximum of the platform's scale */
  TmVerification  verification;
  double          engagement_rate;    /* 0–1 */
  gint64          avg_live_viewers;
  gint64          reviews_positive;
  gint64          reviews_negative;
  double          fake_review_share;  /* 0–1, estimated */
  double          dispute_resolution_rate; /* 0–1 */
  double          repeat_buyer_rate;  /* 0–1 */
  gint64          price_low_fen;      /* typical product price range; -1 unknown */
  gint64          price_high_fen;
  TmProvenance    provenance;
  GArray         *figure_provenance;  /* TmFigureProvenance */
} TmStreamer;

typedef struct {
  char         *id;
  char         *streamer_id;
  char         *brand_id;        /* a known brand, or NULL */
  char         *brand_name;      /* for other brands (NULL when brand_id set) */
  char         *brand_category;  /* for other brands (NULL when brand_id set) */
  TmDate        date;
  TmFormat      format;
  TmPlatform    platform;        /* TM_PLATFORM_NONE when not given */
  gint64        gmv_fen;
  gint64        orders;
  gint64        fee_fen;
  gint64        commission_fen;
  double        conversion_rate; /* 0–1, NAN unknown */
  double        return_rate;     /* 0–1 */
  gint64        complaints;
  double        rating;          /* 0–5, NAN unknown */
  char         *notes;           /* nullable */
  TmProvenance  provenance;
  GArray       *figure_provenance;
} TmCooperation;

typedef struct {
  char           *id;
  char           *streamer_id;
  TmDate          date;
  TmIncidentKind  kind;
  gint32          severity;     /* 1 (minor) – 5 (critical) */
  gboolean        resolved;
  char           *resolution;   /* nullable */
  char           *description;
  char           *source_url;   /* nullable */
  TmProvenance    provenance;
  GArray         *figure_provenance;
} TmIncident;

/* A set of records read from one file or destined for one. */
typedef struct {
  char      *description;   /* nullable */
  gboolean   synthetic;
  GPtrArray *brands;        /* TmBrand* */
  GPtrArray *streamers;     /* TmStreamer* */
  GPtrArray *cooperations;  /* TmCooperation* */
  GPtrArray *incidents;     /* TmIncident* */
} TmDataset;

/* The user's decision about one streamer for one brand: local data that
 * imports and syncs never touch.  Keyed by both ids as text, so it
 * outlives a sync that removes the streamer and brings it back. */
typedef struct {
  char             *brand_id;
  char             *streamer_id;
  TmDecisionStatus  status;
  char             *note;       /* nullable */
  gint64            decided;    /* unix seconds, UTC */
} TmDecision;

TmDecision    *tm_decision_new      (const char       *brand_id,
                                     const char       *streamer_id,
                                     TmDecisionStatus  status,
                                     const char       *note);
void           tm_decision_free     (TmDecision    *decision);
/* Whether @decision puts its streamer on the brand's shortlist: the
 * "Shortlist Only" filter and `export --shortlist` take shortlisted and
 * contacted streamers, not rejected ones. */
gboolean       tm_decision_is_on_shortlist (const TmDecision *decision);

TmBrand       *tm_brand_new         (void);
void           tm_brand_free        (TmBrand       *brand);
TmBrand       *tm_brand_copy        (const TmBrand *brand);
TmStreamer    *tm_streamer_new      (void);
void           tm_streamer_free     (TmStreamer    *streamer);
TmCooperation *tm_cooperation_new   (void);
void           tm_cooperation_free  (TmCooperation *coop);
TmIncident    *tm_incident_new      (void);
void           tm_incident_free     (TmIncident    *incident);
TmDataset     *tm_dataset_new       (void);
void           tm_dataset_free      (TmDataset     *dataset);
guint          tm_dataset_n_records (const TmDataset *dataset);
/* Moves all records of @from to the end of @into. */
void           tm_dataset_take_all  (TmDataset     *into,
                                     TmDataset     *from);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmBrand, tm_brand_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmDecision, tm_decision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmStreamer, tm_streamer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmCooperation, tm_cooperation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmIncident, tm_incident_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmDataset, tm_dataset_free)

/* Dates.  tm_date_parse accepts exactly YYYY-MM-DD with a real calendar day
 * between 1970-01-01 and 2100-12-31. */
gboolean     tm_date_parse         (const char *text,
                                    TmDate     *out_date);
char        *tm_date_format        (TmDate      date);      /* "YYYY-MM-DD" */
TmDate       tm_date_from_ymd      (int year, int month, int day);
void         tm_date_to_ymd        (TmDate date, int *year, int *month, int *day);
TmDate       tm_date_today         (void);

/* Stable codes used in files and the store ("douyin", "live", ...) and the
 * translated labels shown to users ("抖音", "Live session", ...).  from_code
 * returns -1 for an unknown code. */
const char  *tm_platform_code      (TmPlatform p);
const char  *tm_platform_label     (TmPlatform p);
int          tm_platform_from_code (const char *code);
const char  *tm_source_code        (TmSource s);
const char  *tm_source_label       (TmSource s);
int          tm_source_from_code   (const char *code);
const char  *tm_basis_code         (TmBasis b);
const char  *tm_basis_label        (TmBasis b);
int          tm_basis_from_code    (const char *code);
const char  *tm_format_code        (TmFormat f);
const char  *tm_format_label       (TmFormat f);
int          tm_format_from_code   (const char *code);
const char  *tm_incident_kind_code (TmIncidentKind k);
const char  *tm_incident_kind_label(TmIncidentKind k);
int          tm_incident_kind_from_code (const char *code);
const char  *tm_verification_code  (TmVerification v);
const char  *tm_verification_label (TmVerification v);
int          tm_verification_from_code (const char *code);
const char  *tm_decision_code      (TmDecisionStatus d);  /* "shortlisted" */
const char  *tm_decision_label     (TmDecisionStatus d);
int          tm_decision_from_code (const char *code);
const char  *tm_price_tier_code    (TmPriceTier t);
const char  *tm_price_tier_label   (TmPriceTier t);
int          tm_price_tier_from_code (const char *code);
const char  *tm_age_code           (TmAgeBucket a);   /* "18-24" */
const char  *tm_gender_code        (TmGender g);      /* "female" */
const char  *tm_region_code        (TmRegion r);      /* "tier1" */
const char  *tm_region_label       (TmRegion r);

/* Categories are open-ended codes ([a-z][a-z0-9_]*, at most 32 bytes); the
 * well-known ones have translated labels, others are shown as they are. */
gboolean     tm_category_code_is_valid (const char *code);
const char  *tm_category_label     (const char *code);
const char * const *tm_category_known_codes (void);

/* Record ids: 1–64 bytes of [A-Za-z0-9._:-]. */
gboolean     tm_id_is_valid        (const char *id);

/* Provenance of @field on a record: the matching entry of
 * @figure_provenance, else @record_provenance. */
const TmProvenance *tm_provenance_for (const TmProvenance *record_provenance,
                                       const GArray       *figure_provenance,
                                       const char         *field);

/* "Platform · 2025-03-02 · Observed": the source, the day observed (an
 * em dash when unknown) and the basis, translated. */
char        *tm_provenance_format  (const TmProvenance *provenance);

/* Sets @shares[@index] to @value (clamped to 0–1) and rescales the other
 * @n - 1 shares so that all of them add up to 1: in proportion to their
 * current values, or evenly when those are all zero.  What an audience
 * slider does when the user moves it. */
void         tm_shares_set         (double  *shares,
                                    guint    n,
                                    guint    index,
                                    double   value);

/* A brand the user creates in the app: a fresh random id ("b-" and a
 * UUID), @name, the first known category, mid price tier, no audience or
 * constraints, entered by hand today. */
TmBrand     *tm_brand_new_local    (const char    *name);
/* A copy of @brand under a fresh id and @name, entered by hand today. */
TmBrand     *tm_brand_duplicate    (const TmBrand *brand,
                                    const char    *name);

/* Money as "¥1,234.56" (or "¥12.3万" when @compact). */
char        *tm_format_fen         (gint64   fen,
                                    gboolean compact);

/* Points with their sign to one decimal, as explanations show them:
 * "+1.9", "−0.2" (a real minus sign, which lines up with the plus in a
 * column of figures) and "0.0" for anything that rounds to zero, never
 * "-0.0"; NAN (unknown) gives "—". */
char        *tm_format_points_signed (double points);

G_END_DECLS
