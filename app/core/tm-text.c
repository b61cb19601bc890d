/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-text"

#include "config.h"

#include "tm-text.h"

static gsize
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  if (g_unichar_iswide (c))
    return 2;
  return 1;
}

gsize
tm_text_display_width (const char *text)
{
  gsize width = 0;

  if (text == NULL)
    return 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    width += char_width (g_utf8_get_char (p));
  return width;
}

void
tm_text_append_cell (GString    *out,
                     const char *text,
                     gsize       width,
                     gboolean    right_align)
{
  gsize text_width;

  g_return_if_fail (out != NULL);

  if (text == NULL)
    text = "";
  text_width = tm_text_display_width (text);

  if (text_width > width)
    {
      /* Keep whole characters that fit in width - 1, then the ellipsis. */
      gsize used = 0;

      for (const char *p = text; *p; p = g_utf8_next_char (p))
        {
          gsize w = char_width (g_utf8_get_char (p));
          if (used + w > width - (width > 0 ? 1 : 0))
            break;
          g_string_append_len (out, p, g_utf8_next_char (p) - p);
          used += w;
        }
      if (width > 0)
        g_string_append (out, "…");
      used += width > 0 ? 1 : 0;
      for (; used < width; used++)
        g_string_append_c (out, ' ');
      return;
    }

  if (right_align)
    {
      for (gsize i = text_width; i < width; i++)
        g_string_append_c (out, ' ');
      g_string_append (out, text);
    }
  else
    {
      g_string_append (out, text);
      for (gsize i = text_width; i < width; i++)
        g_string_append_c (out, ' ');
    }
}
