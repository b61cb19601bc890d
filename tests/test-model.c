/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-model.h"
#include "tm-text.h"

static void
test_date_round_trip (void)
{
  /* Every day the format accepts maps to one number and back. */
  TmDate first = tm_date_from_ymd (1970, 1, 1);
  TmDate last = tm_date_from_ymd (2100, 12, 31);

  g_assert_cmpint (first, ==, 0);
  for (TmDate d = first; d <= last; d++)
    {
      g_autofree char *text = tm_date_format (d);
      TmDate back;

      g_assert_true (tm_date_parse (text, &back));
      g_assert_cmpint (back, ==, d);
    }
}

static void
test_date_known_days (void)
{
  TmDate d;

  /* Checked against `date -d 2024-02-29 +%s` / 86400. */
  g_assert_true (tm_date_parse ("2024-02-29", &d));
  g_assert_cmpint (d, ==, 19782);
  g_assert_true (tm_date_parse ("2000-02-29", &d));
  g_assert_cmpint (d, ==, 11016);
}

static void
test_date_rejects (void)
{
  const char *bad[] = {
    "2025-02-29", "1900-02-29", "2023-04-31", "2023-13-01", "2023-00-10",
    "2023-01-00", "2023-1-01", "20230101", "2023/01/01", "1969-12-31",
    "2101-01-01", "２０２３-01-01", "", "2023-01-01T00:00", " 2023-01-01",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (tm_date_parse (bad[i], NULL));
  g_assert_false (tm_date_parse (NULL, NULL));
}

static void
test_codes_round_trip (void)
{
  for (int i = 0; i < TM_N_PLATFORMS; i++)
    g_assert_cmpint (tm_platform_from_code (tm_platform_code (i)), ==, i);
  for (int i = 0; i < TM_N_SOURCES; i++)
    g_assert_cmpint (tm_source_from_code (tm_source_code (i)), ==, i);
  for (int i = 0; i < TM_N_BASES; i++)
    g_assert_cmpint (tm_basis_from_code (tm_basis_code (i)), ==, i);
  for (int i = 0; i < TM_N_FORMATS; i++)
    g_assert_cmpint (tm_format_from_code (tm_format_code (i)), ==, i);
  for (int i = 0; i < TM_N_INCIDENT_KINDS; i++)
    g_assert_cmpint (tm_incident_kind_from_code (tm_incident_kind_code (i)), ==, i);
  for (int i = 0; i < TM_N_VERIFICATIONS; i++)
    g_assert_cmpint (tm_verification_from_code (tm_verification_code (i)), ==, i);
  for (int i = 0; i < TM_N_PRICE_TIERS; i++)
    g_assert_cmpint (tm_price_tier_from_code (tm_price_tier_code (i)), ==, i);
  for (int i = 0; i < TM_N_DECISIONS; i++)
    g_assert_cmpint (tm_decision_from_code (tm_decision_code (i)), ==, i);

  g_assert_cmpint (tm_platform_from_code ("myspace"), ==, -1);
  g_assert_cmpint (tm_platform_from_code (NULL), ==, -1);
  g_assert_cmpint (tm_platform_from_code ("Douyin"), ==, -1);
  g_assert_cmpstr (tm_platform_label (TM_PLATFORM_DOUYIN), ==, "Douyin");
}

static void
test_ids_and_categories (void)
{
  g_assert_true (tm_id_is_valid ("s-000001"));
  g_assert_true (tm_id_is_valid ("brand:qinghe.2026_A"));
  g_assert_false (tm_id_is_valid (""));
  g_assert_false (tm_id_is_valid ("has space"));
  g_assert_false (tm_id_is_valid ("主播1"));
  g_assert_false (tm_id_is_valid ("a/b"));
  g_assert_false (tm_id_is_valid ("0123456789012345678901234567890123456789012345678901234567890123456789"));

  g_assert_true (tm_category_code_is_valid ("beauty"));
  g_assert_true (tm_category_code_is_valid ("outdoor_gear2"));
  g_assert_false (tm_category_code_is_valid ("Beauty"));
  g_assert_false (tm_category_code_is_valid ("2beauty"));
  g_assert_false (tm_category_code_is_valid ("美妆"));
  g_assert_cmpstr (tm_category_label ("beauty"), ==, "Beauty");
  /* Unknown but valid codes are shown as they are. */
  g_assert_cmpstr (tm_category_label ("outdoor_gear2"), ==, "outdoor_gear2");
  g_assert_true (g_strv_contains (tm_category_known_codes (), "baby"));
}

/* Signed points as explanations show them: the value that rounds to zero
 * is "0.0" whatever its sign (the match view once showed "-0.0"), and a
 * negative value has a real minus sign. */
static void
test_format_points_signed (void)
{
  const struct { double points; const char *shown; } cases[] = {
    { 1.94, "+1.9" }, { 1.95, "+2.0" }, { -0.2, "−0.2" }, { -0.04, "0.0" },
    { 0.049, "0.0" }, { -0.0, "0.0" }, { 0.0, "0.0" }, { -12.35, "−12.4" }, { NAN, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = tm_format_points_signed (cases[i].points);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

static void
test_format_fen (void)
{
  g_autofree char *a = tm_format_fen (123456789, FALSE);
  g_autofree char *b = tm_format_fen (5, FALSE);
  g_autofree char *c = tm_format_fen (-100, FALSE);
  g_autofree char *d = tm_format_fen (G_MAXINT64, FALSE);
  g_autofree char *e = tm_format_fen (123456789, TRUE);
  g_autofree char *f = tm_format_fen (9999, TRUE);

  g_assert_cmpstr (a, ==, "¥1,234,567.89");
  g_assert_cmpstr (b, ==, "¥0.05");
  g_assert_cmpstr (c, ==, "-¥1.00");
  g_assert_cmpstr (d, ==, "¥92,233,720,368,547,758.07");
  g_assert_cmpstr (e, ==, "¥1.23M");
  g_assert_cmpstr (f, ==, "¥99.99");
}

static void
test_provenance_for (void)
{
  g_autoptr(TmStreamer) s = tm_streamer_new ();
  TmFigureProvenance fp = { g_strdup ("engagement_rate"), { TM_SOURCE_EXPORT, 100, TM_BASIS_ESTIMATED } };

  s->provenance.source = TM_SOURCE_PLATFORM;
  s->provenance.observed = 50;
  g_array_append_val (s->figure_provenance, fp);

  g_assert_cmpint (tm_provenance_for (&s->provenance, s->figure_provenance, "engagement_rate")->basis,
                   ==, TM_BASIS_ESTIMATED);
  g_assert_cmpint (tm_provenance_for (&s->provenance, s->figure_provenance, "engagement_rate")->observed,
                   ==, 100);
  g_assert_true (tm_provenance_for (&s->provenance, s->figure_provenance, "repeat_buyer_rate") == &s->provenance);

  /* As shown: source, day, basis; an unknown day is a dash, not a gap. */
  {
    TmProvenance known = { TM_SOURCE_EXPORT, tm_date_from_ymd (2026, 10, 15), TM_BASIS_MEASURED };
    TmProvenance unknown = { TM_SOURCE_MANUAL, TM_DATE_NONE, TM_BASIS_ESTIMATED };
    g_autofree char *a = tm_provenance_format (&known);
    g_autofree char *b = tm_provenance_format (&unknown);
    g_autofree char *want_a = g_strdup_printf ("%s · 2026-10-15 · %s", tm_source_label (TM_SOURCE_EXPORT),
                                               tm_basis_label (TM_BASIS_MEASURED));
    g_autofree char *want_b = g_strdup_printf ("%s · — · %s", tm_source_label (TM_SOURCE_MANUAL),
                                               tm_basis_label (TM_BASIS_ESTIMATED));

    g_assert_cmpstr (a, ==, want_a);
    g_assert_cmpstr (b, ==, want_b);
  }
}

static void
test_dataset_take_all (void)
{
  g_autoptr(TmDataset) a = tm_dataset_new ();
  g_autoptr(TmDataset) b = tm_dataset_new ();
  TmStreamer *s = tm_streamer_new ();
  TmBrand *brand = tm_brand_new ();

  s->id = g_strdup ("s-1");
  brand->id = g_strdup ("b-1");
  g_ptr_array_add (b->streamers, s);
  g_ptr_array_add (b->brands, brand);

  tm_dataset_take_all (a, b);
  g_assert_cmpuint (tm_dataset_n_records (a), ==, 2);
  g_assert_cmpuint (tm_dataset_n_records (b), ==, 0);
  g_assert_true (g_ptr_array_index (a->streamers, 0) == s);

  /* @b still frees what it is given later. */
  g_ptr_array_add (b->incidents, tm_incident_new ());
}

static void
test_brand_copy (void)
{
  g_autoptr(TmBrand) b = tm_brand_new ();
  g_autoptr(TmBrand) copy = NULL;
  TmStyleTag tag = { g_strdup ("国潮"), 0.8 };

  b->id = g_strdup ("b-1");
  b->name = g_strdup ("青禾美妆");
  g_array_append_val (b->style_tags, tag);
  g_ptr_array_add (b->blacklist, g_strdup ("s-9"));
  copy = tm_brand_copy (b);

  g_assert_cmpstr (copy->name, ==, "青禾美妆");
  g_assert_cmpstr (g_array_index (copy->style_tags, TmStyleTag, 0).tag, ==, "国潮");
  g_assert_true (g_array_index (copy->style_tags, TmStyleTag, 0).tag
                 != g_array_index (b->style_tags, TmStyleTag, 0).tag);
  g_assert_cmpstr (g_ptr_array_index (copy->blacklist, 0), ==, "s-9");
}

static void
test_display_width (void)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_assert_cmpuint (tm_text_display_width ("abc"), ==, 3);
  g_assert_cmpuint (tm_text_display_width ("小鹿姐姐"), ==, 8);
  g_assert_cmpuint (tm_text_display_width ("抖音, Douyin"), ==, 12);
  g_assert_cmpuint (tm_text_display_width ("（全角）"), ==, 8);
  g_assert_cmpuint (tm_text_display_width (NULL), ==, 0);

  /* Chinese cells line up with ASCII ones: same display width. */
  tm_text_append_cell (s, "小鹿", 6, FALSE);
  g_assert_cmpstr (s->str, ==, "小鹿  ");
  g_string_truncate (s, 0);
  tm_text_append_cell (s, "42", 6, TRUE);
  g_assert_cmpstr (s->str, ==, "    42");
  g_string_truncate (s, 0);
  /* Too long: cut at a character boundary with an ellipsis, still 6 wide. */
  tm_text_append_cell (s, "阿杰说数码测评", 6, FALSE);
  g_assert_cmpuint (tm_text_display_width (s->str), ==, 6);
  g_assert_true (g_str_has_prefix (s->str, "阿杰…"));
  g_assert_true (g_utf8_validate (s->str, -1, NULL));
}

static double
sum_of (const double *shares, guint n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    sum += shares[i];
  return sum;
}

/* Moving one audience slider keeps the total at 100 % and the other
 * shares in the same proportions to each other. */
static void
test_shares_set (void)
{
  double age[6] = { 0.1, 0.2, 0.3, 0.2, 0.1, 0.1 };
  double before[6];
  double even[3] = { 1, 0, 0 };
  double gender[2] = { 0.5, 0.5 };

  memcpy (before, age, sizeof age);
  tm_shares_set (age, 6, 2, 0.6);
  g_assert_cmpfloat_with_epsilon (age[2], 0.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (sum_of (age, 6), 1.0, 1e-12);
  /* The others shrank by the same factor: ratios unchanged. */
  for (guint i = 0; i < 6; i++)
    if (i != 2)
      g_assert_cmpfloat_with_epsilon (age[i] / before[i], 0.4 / 0.7, 1e-12);

  /* Out of range is clamped. */
  tm_shares_set (age, 6, 0, 1.7);
  g_assert_cmpfloat (age[0], ==, 1.0);
  g_assert_cmpfloat_with_epsilon (sum_of (age, 6), 1.0, 1e-12);
  tm_shares_set (age, 6, 0, -3);
  g_assert_cmpfloat (age[0], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (sum_of (age, 6), 1.0, 1e-12);

  /* When the others are all zero, what is freed is spread evenly. */
  tm_shares_set (even, 3, 0, 0.4);
  g_assert_cmpfloat_with_epsilon (even[1], 0.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (even[2], 0.3, 1e-12);

  /* Two shares: the other is the complement (the gender slider). */
  tm_shares_set (gender, 2, 0, 0.73);
  g_assert_cmpfloat_with_epsilon (gender[1], 0.27, 1e-12);
}

static void
test_brand_new_local (void)
{
  g_autoptr(TmBrand) a = tm_brand_new_local ("新品牌");
  g_autoptr(TmBrand) b = tm_brand_new_local ("新品牌");
  g_autoptr(TmBrand) copy = NULL;
  TmStyleTag tag = { g_strdup ("甜美"), 0.8 };

  g_assert_true (tm_id_is_valid (a->id));
  g_assert_cmpstr (a->id, !=, b->id);
  g_assert_cmpstr (a->name, ==, "新品牌");
  g_assert_true (tm_category_code_is_valid (a->category));
  g_assert_cmpint (a->provenance.source, ==, TM_SOURCE_MANUAL);
  g_assert_cmpint (a->provenance.observed, ==, tm_date_today ());
  g_assert_false (a->audience.present);

  g_array_append_val (a->style_tags, tag);
  g_ptr_array_add (a->blacklist, g_strdup ("s-1"));
  a->provenance.source = TM_SOURCE_FEED;
  copy = tm_brand_duplicate (a, "新品牌 (副本)");
  g_assert_true (tm_id_is_valid (copy->id));
  g_assert_cmpstr (copy->id, !=, a->id);
  g_assert_cmpstr (copy->name, ==, "新品牌 (副本)");
  g_assert_cmpuint (copy->style_tags->len, ==, 1);
  g_assert_cmpstr (g_array_index (copy->style_tags, TmStyleTag, 0).tag, ==, "甜美");
  g_assert_cmpuint (copy->blacklist->len, ==, 1);
  /* The copy is the user's own, entered today. */
  g_assert_cmpint (copy->provenance.source, ==, TM_SOURCE_MANUAL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/date/round-trip", test_date_round_trip);
  g_test_add_func ("/model/date/known-days", test_date_known_days);
  g_test_add_func ("/model/date/rejects", test_date_rejects);
  g_test_add_func ("/model/codes/round-trip", test_codes_round_trip);
  g_test_add_func ("/model/ids-and-categories", test_ids_and_categories);
  g_test_add_func ("/model/format-fen", test_format_fen);
  g_test_add_func ("/model/format-points-signed", test_format_points_signed);
  g_test_add_func ("/model/provenance-for", test_provenance_for);
  g_test_add_func ("/model/dataset/take-all", test_dataset_take_all);
  g_test_add_func ("/model/brand/copy", test_brand_copy);
  g_test_add_func ("/model/brand/new-local-and-duplicate", test_brand_new_local);
  g_test_add_func ("/model/shares-set", test_shares_set);
  g_test_add_func ("/text/display-width", test_display_width);

  return g_test_run ();
}
