/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-review"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-review.h"

struct _TmReview
{
  TmCatalog  *catalog;
  GMutex      mutex;      /* guards brands[] while they are gathered */
  GArray    **brands;     /* per brand: guint32 indices, newest first, or
                           * NULL before its first use */
  int         first_year; /* 0 when no cooperation has a known brand */
  int         last_year;
};

struct _TmReviewResultReal
{
  TmReviewResult  pub;
  gatomicrefcount ref_count;
};
typedef struct _TmReviewResultReal TmReviewResultReal;

TmReview *
tm_review_new (TmCatalog *catalog)
{
  TmReview *self;
  TmDate first = G_MAXINT32, last = G_MININT32;

  g_return_val_if_fail (catalog != NULL, NULL);

  self = g_new0 (TmReview, 1);
  self->catalog = tm_catalog_ref (catalog);
  g_mutex_init (&self->mutex);
  self->brands = g_new0 (GArray *, catalog->n_brands);

  for (guint i = 0; i < catalog->n_cooperations; i++)
    {
      const TmCatalogCooperation *c = &catalog->cooperations[i];

      if (c->brand < 0)
        continue;
      first = MIN (first, c->date);
      last = MAX (last, c->date);
    }
  if (first <= last)
    {
      tm_date_to_ymd (first, &self->first_year, NULL, NULL);
      tm_date_to_ymd (last, &self->last_year, NULL, NULL);
    }

  return self;
}

void
tm_review_free (TmReview *self)
{
  if (self == NULL)
    return;

  for (guint b = 0; b < self->catalog->n_brands; b++)
    g_clear_pointer (&self->brands[b], g_array_unref);
  g_free (self->brands);
  g_mutex_clear (&self->mutex);
  tm_catalog_unref (self->catalog);
  g_free (self);
}

TmCatalog *
tm_review_get_catalog (TmReview *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->catalog;
}

/* Newest first; the same day by id, so that the order does not depend
 * on how the catalog happens to group the rows. */
static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const TmCatalog *catalog = user_data;
  const TmCatalogCooperation *ca = &catalog->cooperations[*(const guint32 *) a];
  const TmCatalogCooperation *cb = &catalog->cooperations[*(const guint32 *) b];

  if (ca->date != cb->date)
    return ca->date > cb->date ? -1 : 1;
  return strcmp (ca->id, cb->id);
}

/* Brand @brand's cooperations, gathered on first use. */
static GArray *
get_brand (TmReview *self,
           guint     brand)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  const TmCatalog *catalog = self->catalog;
  GArray *indices;

  if (self->brands[brand] != NULL)
    return self->brands[brand];

  indices = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 i = 0; i < catalog->n_cooperations; i++)
    if (catalog->cooperations[i].brand == (gint32) brand)
      g_array_append_val (indices, i);
  g_array_sort_with_data (indices, compare_newest_first, (gpointer) catalog);

  self->brands[brand] = indices;
  return indices;
}

guint
tm_review_count (TmReview *self,
                 guint     brand)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (brand < self->catalog->n_brands, 0);

  return get_brand (self, brand)->len;
}

gboolean
tm_review_get_years (TmReview *self,
                     int      *first_year,
                     int      *last_year)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (first_year != NULL)
    *first_year = self->first_year;
  if (last_year != NULL)
    *last_year = self->last_year;
  return self->first_year != 0;
}

void
tm_review_quarter_of (TmDate  date,
                      int    *year,
                      int    *quarter)
{
  int month;

  tm_date_to_ymd (date, year, &month, NULL);
  if (quarter != NULL)
    *quarter = (month - 1) / 3 + 1;
}

void
tm_review_quarter_range (int     year,
                         int     quarter,
                         TmDate *first_day,
                         TmDate *last_day)
{
  g_return_if_fail (quarter >= 1 && quarter <= 4);

  if (first_day != NULL)
    *first_day = tm_date_from_ymd (year, 3 * quarter - 2, 1);
  if (last_day != NULL)
    /* The day before the next quarter's first: no month lengths. */
    *last_day = quarter < 4 ? tm_date_from_ymd (year, 3 * quarter + 1, 1) - 1
                            : tm_date_from_ymd (year, 12, 31);
}

void
tm_review_filter_set_period (TmReviewFilter *filter,
                             TmReviewPeriod  period,
                             int             year,
                             TmDate          today)
{
  int y, m, d;

  g_return_if_fail (filter != NULL);

  tm_date_to_ymd (today, &y, &m, &d);
  switch (period)
    {
    case TM_REVIEW_PERIOD_ALL:
      filter->from = filter->to = TM_DATE_NONE;
      break;

    case TM_REVIEW_PERIOD_LAST_12_MONTHS:
      /* 29 February a year ago is the 28th: the period starts on
       * 1 March, not a day later. */
      d = MIN (d, g_date_get_days_in_month ((GDateMonth) m, (GDateYear) (y - 1)));
      filter->from = tm_date_from_ymd (y - 1, m, d) + 1;
      filter->to = today;
      break;

    case TM_REVIEW_PERIOD_THIS_YEAR:
    case TM_REVIEW_PERIOD_LAST_YEAR:
    case TM_REVIEW_PERIOD_YEAR:
      if (period == TM_REVIEW_PERIOD_LAST_YEAR)
        year = y - 1;
      else if (period == TM_REVIEW_PERIOD_THIS_YEAR)
        year = y;
      filter->from = tm_date_from_ymd (year, 1, 1);
      filter->to = tm_date_from_ymd (year, 12, 31);
      break;

    default:
      g_return_if_reached ();
    }
}

static gboolean
filter_matches (const TmReviewFilter       *filter,
                const TmCatalogCooperation *c)
{
  guint32 bit;

  if (filter->from != TM_DATE_NONE && c->date < filter->from)
    return FALSE;
  if (filter->to != TM_DATE_NONE && c->date > filter->to)
    return FALSE;
  if (filter->platforms == 0)
    return TRUE;
  bit = c->platform >= 0 && c->platform < TM_N_PLATFORMS ? 1u << c->platform : TM_REVIEW_NO_PLATFORM;
  return (filter->platforms & bit) != 0;
}

/* Running sums of one set of cooperations. */
typedef struct {
  double weighted_returns;  /* sum of return_rate × gmv_fen */
  double ratings;
} Sums;

static void
add_cooperation (TmReviewFigures            *f,
                 Sums                       *sums,
                 const TmCatalogCooperation *c)
{
  f->n_cooperations++;
  f->gmv_fen += c->gmv_fen;
  f->orders += c->orders;
  f->fee_fen += c->fee_fen;
  f->commission_fen += c->commission_fen;
  f->complaints += c->complaints;
  sums->weighted_returns += (double) c->return_rate * (double) c->gmv_fen;
  if (!isnan (c->rating))
    {
      f->n_rated++;
      sums->ratings += c->rating;
    }
}

static void
finish_figures (TmReviewFigures *f,
                const Sums      *sums)
{
  f->cost_fen = f->fee_fen + f->commission_fen;
  f->return_rate = f->gmv_fen > 0 ? sums->weighted_returns / (double) f->gmv_fen : NAN;
  f->rating = f->n_rated > 0 ? sums->ratings / f->n_rated : NAN;
}

static double
relative_change (gint64 previous,
                 gint64 current)
{
  return previous > 0 ? ((double) current - (double) previous) / (double) previous : NAN;
}

TmReviewResult *
tm_review_compute (TmReview             *self,
                   guint                 brand,
                   const TmReviewFilter *filter)
{
  static const TmReviewFilter all = TM_REVIEW_FILTER_INIT;
  const TmCatalog *catalog;
  TmReviewResultReal *real;
  TmReviewResult *result;
  GArray *indices;
  g_autofree guint8 *seen = NULL;       /* bit per streamer, for the totals */
  g_autofree guint32 *seen_in = NULL;   /* per streamer: 1 + its latest row */
  g_autofree Sums *row_sums = NULL;
  Sums sums = { 0 };
  int newest = 0, oldest = 0;           /* year × 4 + quarter − 1 */
  guint n_rows;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (brand < self->catalog->n_brands, NULL);

  if (filter == NULL)
    filter = &all;
  catalog = self->catalog;
  indices = get_brand (self, brand);

  real = g_new0 (TmReviewResultReal, 1);
  g_atomic_ref_count_init (&real->ref_count);
  result = &real->pub;
  result->catalog = tm_catalog_ref (self->catalog);
  result->cooperations = g_array_new (FALSE, FALSE, sizeof (guint32));
  result->quarters = g_array_new (FALSE, TRUE, sizeof (TmReviewQuarter));

  for (guint i = 0; i < indices->len; i++)
    {
      guint32 index = g_array_index (indices, guint32, i);

      if (filter_matches (filter, &catalog->cooperations[index]))
        g_array_append_val (result->cooperations, index);
    }
  if (result->cooperations->len == 0)
    {
      finish_figures (&result->totals, &sums);
      return result;
    }

  /* One row per quarter from the oldest match's to the newest's. */
  {
    const guint32 *c = (const guint32 *) result->cooperations->data;
    int year, quarter;

    tm_review_quarter_of (catalog->cooperations[c[0]].date, &year, &quarter);
    newest = year * 4 + quarter - 1;
    tm_review_quarter_of (catalog->cooperations[c[result->cooperations->len - 1]].date, &year, &quarter);
    oldest = year * 4 + quarter - 1;
  }
  n_rows = (guint) (newest - oldest + 1);
  g_array_set_size (result->quarters, n_rows);
  row_sums = g_new0 (Sums, n_rows);
  seen = g_new0 (guint8, catalog->n_streamers / 8 + 1);
  seen_in = g_new0 (guint32, catalog->n_streamers);

  for (guint r = 0; r < n_rows; r++)
    {
      TmReviewQuarter *q = &g_array_index (result->quarters, TmReviewQuarter, r);

      q->year = (oldest + (int) r) / 4;
      q->quarter = (oldest + (int) r) % 4 + 1;
      tm_review_quarter_range (q->year, q->quarter, &q->first_day, &q->last_day);
      q->partial = (filter->from != TM_DATE_NONE && filter->from > q->first_day)
                   || (filter->to != TM_DATE_NONE && filter->to < q->last_day);
    }

  for (guint i = 0; i < result->cooperations->len; i++)
    {
      const TmCatalogCooperation *c = &catalog->cooperations[g_array_index (result->cooperations, guint32, i)];
      TmReviewQuarter *q;
      int year, quarter;
      guint r;

      tm_review_quarter_of (c->date, &year, &quarter);
      r = (guint) (year * 4 + quarter - 1 - oldest);
      g_assert (r < n_rows);
      q = &g_array_index (result->quarters, TmReviewQuarter, r);

      add_cooperation (&result->totals, &sums, c);
      add_cooperation (&q->figures, &row_sums[r], c);

      if (!(seen[c->streamer / 8] & (1u << (c->streamer % 8))))
        {
          seen[c->streamer / 8] |= 1u << (c->streamer % 8);
          result->totals.n_streamers++;
        }
      /* Rows come newest first, so a streamer's latest row number tells
       * whether this row has counted it. */
      if (seen_in[c->streamer] != r + 1)
        {
          seen_in[c->streamer] = r + 1;
          q->figures.n_streamers++;
        }
    }

  finish_figures (&result->totals, &sums);
  for (guint r = 0; r < n_rows; r++)
    {
      TmReviewQuarter *q = &g_array_index (result->quarters, TmReviewQuarter, r);
      const TmReviewQuarter *p;

      finish_figures (&q->figures, &row_sums[r]);
      q->gmv_change = q->cost_change = q->return_rate_change = NAN;
      if (r == 0)
        continue;
      p = q - 1;
      q->has_previous = TRUE;
      q->gmv_change = relative_change (p->figures.gmv_fen, q->figures.gmv_fen);
      q->cost_change = relative_change (p->figures.cost_fen, q->figures.cost_fen);
      q->return_rate_change = q->figures.return_rate - p->figures.return_rate;
      q->complaints_change = q->figures.complaints - p->figures.complaints;
    }

  return result;
}

TmReviewResult *
tm_review_result_ref (TmReviewResult *result)
{
  TmReviewResultReal *real = (TmReviewResultReal *) result;

  g_return_val_if_fail (result != NULL, NULL);

  g_atomic_ref_count_inc (&real->ref_count);
  return result;
}

void
tm_review_result_unref (TmReviewResult *result)
{
  TmReviewResultReal *real = (TmReviewResultReal *) result;

  g_return_if_fail (result != NULL);

  if (!g_atomic_ref_count_dec (&real->ref_count))
    return;
  g_array_unref (result->cooperations);
  g_array_unref (result->quarters);
  tm_catalog_unref (result->catalog);
  g_free (real);
}
