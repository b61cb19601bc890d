/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-score-sql"

#include "config.h"

#include <gio/gio.h>
#include <math.h>

#include "tm-score-sql.h"

/*
 * docs/matching.md for one brand (:brand, its rowid in brands), as of
 * :as_of, with normalised weights :ns :nh :nt and risk weight :wr, over the
 * store's tables as they are (tm-store-schema.h): style tags are
 * "tag<TAB>weight" lines, split recursively; audiences are 13 numbers
 * separated by spaces, read as a JSON array; medians are the middle row
 * (or the mean of the two middle rows) by ROW_NUMBER within COUNT.
 * Ends with every streamer's components in "components"; one of the two
 * selects below follows.
 */
static const char score_sql_components[] =
  "WITH RECURSIVE\n"
  "br AS (\n"
  "  SELECT ix, id, category, style_tags,\n"
  "         typical_order_price_fen AS p, min_credit_score AS min_credit,\n"
  "         char(10) || blacklist || char(10) AS blacklist,\n"
  "         char(10) || competitor_brands || char(10) AS comp_brands,\n"
  "         char(10) || competitor_categories || char(10) AS comp_cats,\n"
  "         exclusivity_days AS excl_days,\n"
  "         json ('[' || replace (audience, ' ', ',') || ']') AS aud\n"
  "  FROM brands WHERE ix = :brand),\n"
  /* Style tags: x_tags = cosine of the brand's and the streamer's weights. */
  "btag_split (rest, tag, w) AS (\n"
  "  SELECT style_tags || char(10), NULL, NULL FROM br WHERE style_tags <> ''\n"
  "  UNION ALL\n"
  "  SELECT substr (rest, instr (rest, char(10)) + 1),\n"
  "         substr (rest, 1, instr (rest, char(9)) - 1),\n"
  "         CAST (substr (rest, instr (rest, char(9)) + 1,\n"
  "                       instr (rest, char(10)) - instr (rest, char(9)) - 1) AS REAL)\n"
  "  FROM btag_split WHERE rest <> ''),\n"
  "btag AS (SELECT tag, w FROM btag_split WHERE tag IS NOT NULL),\n"
  "stag_split (streamer, rest, tag, w) AS (\n"
  "  SELECT ix, style_tags || char(10), NULL, NULL FROM streamers WHERE style_tags <> ''\n"
  "  UNION ALL\n"
  "  SELECT streamer, substr (rest, instr (rest, char(10)) + 1),\n"
  "         substr (rest, 1, instr (rest, char(9)) - 1),\n"
  "         CAST (substr (rest, instr (rest, char(9)) + 1,\n"
  "                       instr (rest, char(10)) - instr (rest, char(9)) - 1) AS REAL)\n"
  "  FROM stag_split WHERE rest <> ''),\n"
  "x_tags AS (\n"
  "  SELECT s.streamer,\n"
  "         sum (coalesce (b.w, 0) * s.w)\n"
  "           / (sqrt (sum (s.w * s.w)) * (SELECT sqrt (sum (w * w)) FROM btag)) AS x\n"
  "  FROM stag_split s LEFT JOIN btag b ON b.tag = s.tag\n"
  "  WHERE s.tag IS NOT NULL AND EXISTS (SELECT 1 FROM btag)\n"
  "  GROUP BY s.streamer),\n"
  /* Typical figures per category: medians over the market records (brand
   * not in the catalog), or over all records of a category without any. */
  "market_cats AS (\n"
  "  SELECT DISTINCT brand_category AS k FROM cooperations WHERE brand IS NULL),\n"
  "yard AS (\n"
  "  SELECT brand_category AS k, gmv_fen AS gmv, conversion_rate AS conv,\n"
  "         return_rate AS ret, 1000.0 * complaints / max (orders, 1) AS cpk\n"
  "  FROM cooperations\n"
  "  WHERE brand IS NULL OR brand_category NOT IN (SELECT k FROM market_cats)),\n"
  "yard_ranked AS (\n"
  "  SELECT k, gmv, conv, ret, cpk,\n"
  "         count (*) OVER (PARTITION BY k) AS n,\n"
  "         count (conv) OVER (PARTITION BY k) AS n_conv,\n"
  "         row_number () OVER (PARTITION BY k ORDER BY gmv) AS r_gmv,\n"
  "         row_number () OVER (PARTITION BY k, conv IS NULL ORDER BY conv) AS r_conv,\n"
  "         row_number () OVER (PARTITION BY k ORDER BY ret) AS r_ret,\n"
  "         row_number () OVER (PARTITION BY k ORDER BY cpk) AS r_cpk\n"
  "  FROM yard),\n"
  "cat_typical AS (\n"
  "  SELECT k,\n"
  "         avg (CASE WHEN r_gmv IN ((n + 1) / 2, (n + 2) / 2) THEN gmv END) AS Mk,\n"
  "         avg (CASE WHEN conv IS NOT NULL\n"
  "                    AND r_conv IN ((n_conv + 1) / 2, (n_conv + 2) / 2) THEN conv END) AS Kk,\n"
  "         avg (CASE WHEN r_ret IN ((n + 1) / 2, (n + 2) / 2) THEN ret END) AS Rk,\n"
  "         avg (CASE WHEN r_cpk IN ((n + 1) / 2, (n + 2) / 2) THEN cpk END) AS Uk\n"
  "  FROM yard_ranked GROUP BY k),\n"
  /* M_s: the median GMV of the streamer's market records. */
  "streamer_typical AS (\n"
  "  SELECT streamer, avg (gmv_fen) AS Ms FROM (\n"
  "    SELECT streamer, gmv_fen,\n"
  "           row_number () OVER (PARTITION BY streamer ORDER BY gmv_fen) AS r,\n"
  "           count (*) OVER (PARTITION BY streamer) AS n\n"
  "    FROM cooperations WHERE brand IS NULL)\n"
  "  WHERE r IN ((n + 1) / 2, (n + 2) / 2)\n"
  "  GROUP BY streamer),\n"
  /* One row per cooperation: sub-scores g v q u s and the weight r·d. */
  "coop AS (\n"
  "  SELECT c.streamer, c.brand, c.brand_category AS k, c.date, c.brand_name,\n"
  "         ob.id AS brand_id,\n"
  "         max (0, min (1, 0.5 + 0.25 * log2 ((c.gmv_fen + 100.0)\n"
  "               / (sqrt (coalesce (nullif (st.Ms, 0), t.Mk) * t.Mk) + 100.0)))) AS g,\n"
  "         CASE WHEN c.conversion_rate IS NULL OR t.Kk IS NULL OR t.Kk = 0 THEN NULL\n"
  "              WHEN c.conversion_rate = 0 THEN 0.0\n"
  "              ELSE max (0, min (1, 0.5 + 0.25 * log2 (c.conversion_rate / t.Kk))) END AS v,\n"
  "         max (0, min (1, 0.5 - 0.5 * (c.return_rate - t.Rk) / max (t.Rk, 0.02))) AS q,\n"
  "         1.0 / (1.0 + (1000.0 * c.complaints / max (c.orders, 1)) / max (t.Uk, 0.5)) AS u,\n"
  "         CASE WHEN c.rating IS NULL THEN NULL\n"
  "              ELSE max (0, min (1, (c.rating - 3) / 2.0)) END AS s,\n"
  "         CASE WHEN c.brand = br.ix THEN 3.0\n"
  "              WHEN c.brand_category = br.category THEN 1.5\n"
  "              ELSE 1.0 END\n"
  "           * pow (2, -max (0, :as_of - c.date) / 180.0) AS w\n"
  "  FROM cooperations c\n"
  "  CROSS JOIN br\n"
  "  JOIN cat_typical t ON t.k = c.brand_category\n"
  "  LEFT JOIN streamer_typical st ON st.streamer = c.streamer\n"
  "  LEFT JOIN brands ob ON ob.ix = c.brand),\n"
  /* Per streamer: Σw, Σw·o, repeat count, category count, competitor. */
  "history AS (\n"
  "  SELECT streamer,\n"
  "         count (*) AS n,\n"
  "         sum (k = br.category) AS in_cat,\n"
  "         sum (brand IS br.ix) AS m,\n"
  "         sum (w) AS W,\n"
  "         sum (w * (0.30 * g + 0.15 * coalesce (v, 0) + 0.25 * q + 0.15 * u\n"
  "                   + 0.15 * coalesce (s, 0))\n"
  "                / (0.70 + 0.15 * (v IS NOT NULL) + 0.15 * (s IS NOT NULL))) AS Wo,\n"
  "         max (br.excl_days > 0 AND date >= :as_of - br.excl_days AND brand IS NOT br.ix\n"
  "              AND (instr (br.comp_brands, char(10) || brand_id || char(10)) > 0\n"
  "                   OR instr (br.comp_brands, char(10) || brand_name || char(10)) > 0\n"
  "                   OR instr (br.comp_cats, char(10) || k || char(10)) > 0)) AS competitor\n"
  "  FROM coop CROSS JOIN br\n"
  "  GROUP BY streamer),\n"
  /* Risk: penalty P and cap from the incidents. */
  "risk AS (\n"
  "  SELECT streamer,\n"
  "         sum (CASE severity WHEN 1 THEN 2 WHEN 2 THEN 5 WHEN 3 THEN 10 WHEN 4 THEN 18\n"
  "                            ELSE 30 END\n"
  "              * (CASE WHEN resolved THEN 0.4 ELSE 1.0 END)\n"
  "              * pow (2, -max (0, :as_of - date) / 365.0)) AS P,\n"
  "         min (CASE WHEN severity >= 4 THEN c0 + (100 - c0) * min (1, max (0, :as_of - date) / 730.0)\n"
  "              END) AS cap\n"
  "  FROM (SELECT *, CASE severity WHEN 5 THEN 30 ELSE 50 END\n"
  "                  + CASE WHEN resolved THEN 20 ELSE 0 END AS c0 FROM incidents)\n"
  "  GROUP BY streamer),\n"
  /* Every streamer's inputs, NULL where unknown. */
  "inputs AS (\n"
  "  SELECT s.ix, s.id,\n"
  "         xt.x AS x_tags,\n"
  "         0.4 * (instr (char(10) || s.categories || char(10),\n"
  "                       char(10) || br.category || char(10)) > 0)\n"
  "           + 0.6 * coalesce (h.in_cat, 0) / (coalesce (h.n, 0) + 2.0) AS x_cat,\n"
  "         CASE WHEN br.aud IS NOT NULL AND s.audience IS NOT NULL THEN (\n"
  "           SELECT 0.4 * (min (json_extract (a, '$[0]'), json_extract (br.aud, '$[0]'))\n"
  "                         + min (json_extract (a, '$[1]'), json_extract (br.aud, '$[1]'))\n"
  "                         + min (json_extract (a, '$[2]'), json_extract (br.aud, '$[2]'))\n"
  "                         + min (json_extract (a, '$[3]'), json_extract (br.aud, '$[3]'))\n"
  "                         + min (json_extract (a, '$[4]'), json_extract (br.aud, '$[4]'))\n"
  "                         + min (json_extract (a, '$[5]'), json_extract (br.aud, '$[5]')))\n"
  "                + 0.3 * (min (json_extract (a, '$[6]'), json_extract (br.aud, '$[6]'))\n"
  "                         + min (json_extract (a, '$[7]'), json_extract (br.aud, '$[7]')))\n"
  "                + 0.3 * (min (json_extract (a, '$[8]'), json_extract (br.aud, '$[8]'))\n"
  "                         + min (json_extract (a, '$[9]'), json_extract (br.aud, '$[9]'))\n"
  "                         + min (json_extract (a, '$[10]'), json_extract (br.aud, '$[10]'))\n"
  "                         + min (json_extract (a, '$[11]'), json_extract (br.aud, '$[11]'))\n"
  "                         + min (json_extract (a, '$[12]'), json_extract (br.aud, '$[12]')))\n"
  "           FROM (SELECT '[' || replace (s.audience, ' ', ',') || ']' AS a)) END AS x_aud,\n"
  "         CASE WHEN br.p <= 0 OR NOT s.price_low_fen > 0\n"
  "                   OR NOT s.price_high_fen >= s.price_low_fen THEN NULL\n"
  "              WHEN br.p BETWEEN s.price_low_fen AND s.price_high_fen THEN 1.0\n"
  "              ELSE max (0, min (1, 1 - abs (log2 (CAST (br.p AS REAL)\n"
  "                     / CASE WHEN br.p < s.price_low_fen THEN s.price_low_fen\n"
  "                            ELSE s.price_high_fen END)) / 2))\n"
  "         END AS x_price,\n"
  "         coalesce (h.W, 0) AS W, coalesce (h.Wo, 0) AS Wo, coalesce (h.m, 0) AS m,\n"
  "         CASE WHEN s.credit_score IS NULL OR NOT s.credit_scale > 0 THEN NULL\n"
  "              ELSE s.credit_score / s.credit_scale END AS pct,\n"
  "         CASE s.verification WHEN 'verified' THEN 1.0 WHEN 'pending' THEN 0.5\n"
  "              WHEN 'unverified' THEN 0.25 ELSE 0.0 END AS y_verif,\n"
  "         CASE WHEN coalesce (s.reviews_positive, 0) + coalesce (s.reviews_negative, 0) <= 0\n"
  "              THEN NULL\n"
  "              ELSE (coalesce (s.reviews_positive, 0) * (1 - coalesce (s.fake_review_share, 0)) + 1)\n"
  "                   / (coalesce (s.reviews_positive, 0) * (1 - coalesce (s.fake_review_share, 0))\n"
  "                      + coalesce (s.reviews_negative, 0) + 2) END AS y_reviews,\n"
  "         s.dispute_resolution_rate AS y_disputes,\n"
  "         max (0, min (1, s.engagement_rate / 0.08)) AS y_engagement,\n"
  "         max (0, min (1, s.repeat_buyer_rate / 0.4)) AS y_repeat,\n"
  "         coalesce (r.P, 0) AS P, coalesce (r.cap, 100) AS cap,\n"
  "         instr (br.blacklist, char(10) || s.id || char(10)) > 0\n"
  "           OR (br.min_credit > 0 AND (s.credit_score IS NULL OR NOT s.credit_scale > 0\n"
  "                   OR 100 * s.credit_score / s.credit_scale < br.min_credit - 1e-4))\n"
  "           OR coalesce (h.competitor, 0) AS excluded\n"
  "  FROM streamers s CROSS JOIN br\n"
  "  LEFT JOIN x_tags xt ON xt.streamer = s.ix\n"
  "  LEFT JOIN history h ON h.streamer = s.ix\n"
  "  LEFT JOIN risk r ON r.streamer = s.ix),\n"
  "components AS (\n"
  "  SELECT id, excluded, P, cap,\n"
  "         100 * (0.35 * coalesce (x_tags, 0.5) + 0.20 * x_cat\n"
  "                + 0.30 * coalesce (x_aud, 0.5) + 0.15 * coalesce (x_price, 0.5)) AS S,\n"
  "         100 * (0.85 * (Wo + 1.0) / (W + 2.0)\n"
  "                + 0.15 * CASE WHEN m >= 2 THEN 0.5 + 0.5 * min (1, (m - 1) / 2.0)\n"
  "                              ELSE 0.5 END) AS H,\n"
  "         100 * (0.25 * coalesce (max (0, min (1, (pct - 0.6) / 0.4)), 0.5)\n"
  "                + 0.15 * y_verif\n"
  "                + 0.20 * coalesce (y_reviews, 0.5)\n"
  "                + 0.15 * coalesce (y_disputes, 0.5)\n"
  "                + 0.10 * coalesce (y_engagement, 0.5)\n"
  "                + 0.15 * coalesce (y_repeat, 0.5)) AS T,\n"
  "         0.35 * (x_tags IS NOT NULL) + 0.20 + 0.30 * (x_aud IS NOT NULL)\n"
  "           + 0.15 * (x_price IS NOT NULL) AS cS,\n"
  "         W / (W + 2.0) AS cH,\n"
  "         0.25 * (pct IS NOT NULL) + 0.15 + 0.20 * (y_reviews IS NOT NULL)\n"
  "           + 0.15 * (y_disputes IS NOT NULL) + 0.10 * (y_engagement IS NOT NULL)\n"
  "           + 0.15 * (y_repeat IS NOT NULL) AS cT\n"
  "  FROM inputs)\n";

/* The included candidates, best first: id, score, confidence and the
 * components S, H, T, P, cap. */
static const char score_sql_included[] =
  "SELECT id,\n"
  "       CASE WHEN :wr > 0 THEN min (cap, max (0, :ns * S + :nh * H + :nt * T - :wr * P))\n"
  "            ELSE max (0, :ns * S + :nh * H + :nt * T) END AS score,\n"
  "       :ns * cS + :nh * cH + :nt * cT AS confidence,\n"
  "       S, H, T, P, cap\n"
  "FROM components\n"
  "WHERE NOT excluded\n"
  "ORDER BY score DESC, id\n"
  "LIMIT :top\n";

/* Every streamer: the same columns and whether it is excluded (an unknown
 * outcome of a constraint, NULL in SQL, counts as broken, as the WHERE
 * above drops it); the included ones first. */
static const char score_sql_all[] =
  "SELECT id,\n"
  "       CASE WHEN :wr > 0 THEN min (cap, max (0, :ns * S + :nh * H + :nt * T - :wr * P))\n"
  "            ELSE max (0, :ns * S + :nh * H + :nt * T) END AS score,\n"
  "       :ns * cS + :nh * cH + :nt * cT AS confidence,\n"
  "       S, H, T, P, cap,\n"
  "       coalesce (excluded, 1) AS is_excluded\n"
  "FROM components\n"
  "ORDER BY is_excluded, score DESC, id\n"
  "LIMIT :top\n";

static void
set_sql_error (GError  **error,
               sqlite3  *db)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SQL: %s", sqlite3_errmsg (db));
}

sqlite3_stmt *
tm_score_sql_prepare (sqlite3         *db,
                      TmScoreSqlRows   rows,
                      GError         **error)
{
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (db != NULL, NULL);

  text = g_strconcat (score_sql_components,
                      rows == TM_SCORE_SQL_ALL ? score_sql_all : score_sql_included,
                      NULL);
  if (sqlite3_prepare_v2 (db, text, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (error, db);
      return NULL;
    }
  return stmt;
}

static void
row_clear (gpointer data)
{
  g_free (((TmScoreSqlRow *) data)->id);
}

static void
bind_double (sqlite3_stmt *stmt,
             const char   *name,
             double        value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);

  g_assert (i > 0);
  sqlite3_bind_double (stmt, i, value);
}

static void
bind_int (sqlite3_stmt *stmt,
          const char   *name,
          gint64        value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);

  g_assert (i > 0);
  sqlite3_bind_int64 (stmt, i, value);
}

/* The query takes the brand's rowid, so that it joins on integers. */
static gboolean
find_brand (sqlite3     *db,
            const char  *brand_id,
            gint64      *brand_ix,
            GError     **error)
{
  sqlite3_stmt *find = NULL;

  *brand_ix = -1;
  if (sqlite3_prepare_v2 (db, "SELECT ix FROM brands WHERE id = ?", -1, &find, NULL) != SQLITE_OK)
    {
      set_sql_error (error, db);
      return FALSE;
    }
  sqlite3_bind_text (find, 1, brand_id, -1, SQLITE_STATIC);
  if (sqlite3_step (find) == SQLITE_ROW)
    *brand_ix = sqlite3_column_int64 (find, 0);
  sqlite3_finalize (find);
  if (*brand_ix < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "SQL: the store has no brand %s", brand_id);
      return FALSE;
    }
  return TRUE;
}

/* Binds the selects' parameters and steps @stmt to its end. */
static GArray *
select_rows (sqlite3          *db,
             sqlite3_stmt     *stmt,
             const TmWeights  *weights,
             guint             limit,
             double           *seconds,
             GError          **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (TmScoreSqlRow));
  double sum = weights->style + weights->history + weights->trust;
  gboolean has_excluded = sqlite3_column_count (stmt) > 8;
  gint64 start;
  int rc;

  g_array_set_clear_func (rows, row_clear);
  bind_double (stmt, ":ns", weights->style / sum);
  bind_double (stmt, ":nh", weights->history / sum);
  bind_double (stmt, ":nt", weights->trust / sum);
  bind_double (stmt, ":wr", weights->risk);
  bind_int (stmt, ":top", limit > 0 ? (gint64) limit : -1);

  start = g_get_monotonic_time ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TmScoreSqlRow row;

      row.id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row.score = sqlite3_column_double (stmt, 1);
      row.confidence = sqlite3_column_double (stmt, 2);
      row.style = sqlite3_column_double (stmt, 3);
      row.history = sqlite3_column_double (stmt, 4);
      row.trust = sqlite3_column_double (stmt, 5);
      row.penalty = sqlite3_column_double (stmt, 6);
      row.cap = sqlite3_column_double (stmt, 7);
      row.excluded = has_excluded && sqlite3_column_int (stmt, 8) != 0;
      g_array_append_val (rows, row);
    }
  if (seconds != NULL)
    *seconds = (g_get_monotonic_time () - start) / 1e6;
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, db);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

GArray *
tm_score_sql_run (sqlite3          *db,
                  sqlite3_stmt     *stmt,
                  const char       *brand_id,
                  TmDate            as_of,
                  const TmWeights  *weights,
                  guint             limit,
                  double           *seconds,
                  GError          **error)
{
  gint64 brand_ix;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (stmt != NULL, NULL);
  g_return_val_if_fail (brand_id != NULL, NULL);
  g_return_val_if_fail (weights != NULL, NULL);

  if (!find_brand (db, brand_id, &brand_ix, error))
    return NULL;
  sqlite3_reset (stmt);
  bind_int (stmt, ":brand", brand_ix);
  bind_int (stmt, ":as_of", as_of);
  return select_rows (db, stmt, weights, limit, seconds, error);
}

GPtrArray *
tm_score_sql_run_weights (sqlite3          *db,
                          TmScoreSqlRows    rows,
                          const char       *brand_id,
                          TmDate            as_of,
                          const TmWeights  *weights,
                          guint             n_weights,
                          GError          **error)
{
  g_autoptr(GPtrArray) result = NULL;
  g_autofree char *create = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 brand_ix;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (brand_id != NULL, NULL);
  g_return_val_if_fail (weights != NULL || n_weights == 0, NULL);

  if (!find_brand (db, brand_id, &brand_ix, error))
    return NULL;

  /* The components into a temporary table of the same name, which the
   * selects then read as they read the CTE. */
  create = g_strconcat ("CREATE TEMP TABLE components AS\n", score_sql_components,
                        "SELECT * FROM components\n", NULL);
  if (sqlite3_exec (db, "DROP TABLE IF EXISTS temp.components", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, create, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (error, db);
      return NULL;
    }
  bind_int (stmt, ":brand", brand_ix);
  bind_int (stmt, ":as_of", as_of);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE
      || sqlite3_prepare_v2 (db, rows == TM_SCORE_SQL_ALL ? score_sql_all : score_sql_included,
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (error, db);
      sqlite3_exec (db, "DROP TABLE IF EXISTS temp.components", NULL, NULL, NULL);
      return NULL;
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < n_weights; i++)
    {
      GArray *selected;

      sqlite3_reset (stmt);
      selected = select_rows (db, stmt, &weights[i], 0, NULL, error);
      if (selected == NULL)
        {
          g_clear_pointer (&result, g_ptr_array_unref);
          break;
        }
      g_ptr_array_add (result, selected);
    }
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "DROP TABLE temp.components", NULL, NULL, NULL);
  return g_steal_pointer (&result);
}

void
tm_score_sql_perturb (TmDataset *dataset)
{
  g_return_if_fail (dataset != NULL);

  /* Residues of the position modulo small primes pick the records: about
   * one streamer in two and one cooperation in three, spread over every
   * kind of record the generator makes. */
  for (guint i = 0; i < dataset->streamers->len; i++)
    {
      TmStreamer *s = g_ptr_array_index (dataset->streamers, i);

      switch (i % 13)
        {
        case 1:
          g_array_set_size (s->style_tags, 0);
          break;
        case 2:
          s->audience.present = FALSE;
          break;
        case 3:
          s->price_low_fen = s->price_high_fen = TM_UNKNOWN_INT;
          break;
        case 4:
          s->credit_score = NAN;
          s->credit_platform = TM_PLATFORM_NONE;
          break;
        case 5:
          s->reviews_positive = s->reviews_negative = TM_UNKNOWN_INT;
          s->fake_review_share = NAN;
          break;
        case 6:
          s->engagement_rate = NAN;
          s->dispute_resolution_rate = NAN;
          s->repeat_buyer_rate = NAN;
          break;
        case 7:
          s->reviews_positive = s->reviews_negative = 0;
          break;
        default:
          break;
        }
    }
  for (guint i = 0; i < dataset->cooperations->len; i++)
    {
      TmCooperation *c = g_ptr_array_index (dataset->cooperations, i);

      if (i % 7 == 1)
        c->conversion_rate = NAN;
      if (i % 11 == 2)
        c->rating = NAN;
      if (i % 17 == 3)
        c->conversion_rate = 0;
      if (i % 19 == 4)
        c->gmv_fen = 0;
    }
}
