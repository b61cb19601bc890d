/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-review.h: a brand's past cooperations, in total and by quarter.
 *
 * The partnership review answers "how did our cooperations go?" for one
 * brand over a period and some platforms, from the catalog alone (so it
 * works offline).  The rules (docs/review.md):
 *
 *  - money is summed in fen; fees are the fixed fee plus the commission;
 *  - the return rate of several cooperations is their GMV-weighted mean,
 *    sum (return_rate × gmv) / sum (gmv): the share of sales that came
 *    back, which is what a brand manager reads it as.  Unknown (NAN) when
 *    the GMV sums to zero;
 *  - the rating is the plain mean of the known ratings, NAN when none;
 *  - quarters are calendar quarters (Q1 = 1 January – 31 March, Q2 =
 *    1 April – 30 June, Q3 = 1 July – 30 September, Q4 = 1 October –
 *    31 December); there is one row for every quarter from the first
 *    matching cooperation's to the last one's, quarters without any
 *    being rows of zeros, so that a gap shows as a gap;
 *  - each quarter's change is against the calendar quarter before it.
 */
#pragma once

#include "tm-catalog.h"

G_BEGIN_DECLS

typedef struct _TmReview TmReview;

/* The bit of TmReviewFilter.platforms for cooperations whose platform
 * was not given (TM_PLATFORM_NONE). */
#define TM_REVIEW_NO_PLATFORM (1u << TM_N_PLATFORMS)

typedef struct {
  TmDate  from;       /* first day included; TM_DATE_NONE: no lower bound */
  TmDate  to;         /* last day included; TM_DATE_NONE: no upper bound */
  guint32 platforms;  /* bits 1 << TmPlatform and TM_REVIEW_NO_PLATFORM;
                       * 0: every platform */
} TmReviewFilter;

#define TM_REVIEW_FILTER_INIT { TM_DATE_NONE, TM_DATE_NONE, 0 }

/* The figures of a set of cooperations. */
typedef struct {
  guint   n_cooperations;
  guint   n_streamers;       /* distinct */
  gint64  gmv_fen;
  gint64  orders;
  gint64  fee_fen;           /* fixed fees */
  gint64  commission_fen;
  gint64  cost_fen;          /* fee_fen + commission_fen */
  double  return_rate;       /* 0–1, GMV-weighted mean; NAN when gmv_fen is 0 */
  gint64  complaints;
  guint   n_rated;           /* cooperations with a rating */
  double  rating;            /* 0–5, mean of the known ratings; NAN when none */
} TmReviewFigures;

/* One calendar quarter.  The changes compare it with the quarter before
 * (the previous row); has_previous is FALSE for the first row, whose
 * changes are then NAN and 0. */
typedef struct {
  int              year;
  int              quarter;            /* 1–4 */
  TmDate           first_day;
  TmDate           last_day;
  gboolean         partial;            /* the filter's period cuts it */
  TmReviewFigures  figures;
  gboolean         has_previous;
  double           gmv_change;         /* fraction: 0.25 = +25 %; NAN when
                                        * the previous GMV is 0 */
  double           cost_change;        /* likewise, of cost_fen */
  double           return_rate_change; /* difference of the rates: 0.01 =
                                        * +1 percentage point; NAN when
                                        * either is unknown */
  gint64           complaints_change;  /* difference of the counts */
} TmReviewQuarter;

typedef struct {
  TmCatalog       *catalog;       /* the indices below are into it */
  TmReviewFigures  totals;
  GArray          *cooperations;  /* guint32 catalog indices, newest first,
                                   * the same day by id */
  GArray          *quarters;      /* TmReviewQuarter, oldest first */
} TmReviewResult;

/* A review of @catalog's brands.  Each brand's cooperations are gathered
 * and sorted the first time that brand is asked for (a scan of the
 * catalog: a few ms at 1M cooperations), then kept.  Safe to use from
 * several threads. */
TmReview       *tm_review_new                (TmCatalog            *catalog);
void            tm_review_free               (TmReview             *self);
TmCatalog      *tm_review_get_catalog        (TmReview             *self);

/* How many cooperations brand @brand (an index into catalog->brands) has
 * in all. */
guint           tm_review_count              (TmReview             *self,
                                              guint                 brand);

/* The first and last year of any cooperation with a known brand; FALSE
 * when there is none.  For the period choices. */
gboolean        tm_review_get_years          (TmReview             *self,
                                              int                  *first_year,
                                              int                  *last_year);

/* The cooperations of brand @brand that pass @filter (nullable: all),
 * their totals and their quarters. */
TmReviewResult *tm_review_compute            (TmReview             *self,
                                              guint                 brand,
                                              const TmReviewFilter *filter);

TmReviewResult *tm_review_result_ref         (TmReviewResult       *result);
void            tm_review_result_unref       (TmReviewResult       *result);

/* The calendar quarter (1–4) of @date and its year. */
void            tm_review_quarter_of         (TmDate                date,
                                              int                  *year,
                                              int                  *quarter);
/* The first and last day of a quarter. */
void            tm_review_quarter_range      (int                   year,
                                              int                   quarter,
                                              TmDate               *first_day,
                                              TmDate               *last_day);

/* The periods a user picks from. */
typedef enum {
  TM_REVIEW_PERIOD_ALL,             /* no bounds */
  TM_REVIEW_PERIOD_LAST_12_MONTHS,  /* the day after today a year ago – today */
  TM_REVIEW_PERIOD_THIS_YEAR,       /* 1 January – 31 December of today's year */
  TM_REVIEW_PERIOD_LAST_YEAR,       /* the year before */
  TM_REVIEW_PERIOD_YEAR,            /* the year given */
} TmReviewPeriod;

/* Sets @filter's from and to for @period, counted from @today; @year is
 * read for TM_REVIEW_PERIOD_YEAR only. */
void            tm_review_filter_set_period  (TmReviewFilter       *filter,
                                              TmReviewPeriod        period,
                                              int                   year,
                                              TmDate                today);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmReview, tm_review_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmReviewResult, tm_review_result_unref)

G_END_DECLS
