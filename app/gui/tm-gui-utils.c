/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-gui-utils"

#include "config.h"

#include <locale.h>
#include <math.h>

#include <glib/gi18n.h>

#include "tm-gui-utils.h"

char *
tm_gui_format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  const char *sep = localeconv ()->thousands_sep;
  GString *str = g_string_new (NULL);
  gsize len = strlen (digits);

  if (sep == NULL || sep[0] == '\0')
    sep = ",";

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (str, sep);
      g_string_append_c (str, digits[i]);
    }

  return g_string_free (str, FALSE);
}

char *
tm_gui_format_compact_count (gint64 n)
{
  gboolean wan;

  if (n < 0)
    return g_strdup ("—");

  if (n < 10000)
    return tm_gui_format_count ((guint64) n);

  /* The same switch as tm_format_fen(): Chinese counts in 万 and 亿. */
  wan = g_str_equal (_("kilo"), "wan");

  /* Switch units where rounding would print "10000.0万" or "1000.0K". */
  if (wan && n >= 99995000)
    return g_strdup_printf ("%.2f亿", (double) n / 1e8);
  else if (wan)
    return g_strdup_printf ("%.1f万", (double) n / 1e4);
  else if (n >= 999950)
    return g_strdup_printf ("%.1fM", (double) n / 1e6);
  else
    return g_strdup_printf ("%.1fK", (double) n / 1e3);
}

char *
tm_gui_format_credit (double score,
                      double scale)
{
  if (isnan (score) || isnan (scale) || scale <= 0)
    return g_strdup ("—");

  /* Small scales (5 stars, 10 points) need the decimal; 100 or 1000 do not. */
  if (scale <= 10)
    return g_strdup_printf ("%.1f/%.0f", score, scale);
  else
    return g_strdup_printf ("%.0f/%.0f", score, scale);
}

const char *
tm_gui_list_separator (void)
{
  /* Translators: separates the items of a short list, such as a streamer's
   * platforms or categories ("Douyin, Kuaishou").  Chinese uses "、". */
  return C_("list separator", ", ");
}

gboolean
tm_settings_get_default_weights (GSettings *settings,
                                 TmWeights *weights)
{
  TmWeights w;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (weights != NULL, FALSE);

  w.style = g_settings_get_double (settings, TM_SETTINGS_WEIGHT_STYLE);
  w.history = g_settings_get_double (settings, TM_SETTINGS_WEIGHT_HISTORY);
  w.trust = g_settings_get_double (settings, TM_SETTINGS_WEIGHT_TRUST);
  w.risk = g_settings_get_double (settings, TM_SETTINGS_WEIGHT_RISK);
  if (!tm_weights_is_valid (&w))
    {
      tm_weights_init_default (weights);
      return FALSE;
    }
  *weights = w;
  return TRUE;
}

gboolean
tm_settings_set_default_weights (GSettings       *settings,
                                 const TmWeights *weights)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSettings) batch = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (weights != NULL, FALSE);

  if (!tm_weights_is_valid (weights))
    return FALSE;

  /* One change for whoever listens, never a moment with three zeros: a
   * delayed twin of @settings, since delay mode cannot be left again. */
  g_object_get (settings, "settings-schema", &schema, "backend", &backend, "path", &path, NULL);
  batch = g_settings_new_full (schema, backend, path);
  g_settings_delay (batch);
  g_settings_set_double (batch, TM_SETTINGS_WEIGHT_STYLE, weights->style);
  g_settings_set_double (batch, TM_SETTINGS_WEIGHT_HISTORY, weights->history);
  g_settings_set_double (batch, TM_SETTINGS_WEIGHT_TRUST, weights->trust);
  g_settings_set_double (batch, TM_SETTINGS_WEIGHT_RISK, weights->risk);
  g_settings_apply (batch);
  return TRUE;
}
