/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-columns"

#include "config.h"

#include <glib/gi18n.h>

#include "tm-streamer-columns.h"

gboolean
tm_streamer_column_is_numeric (TmStreamerColumn column)
{
  return column != TM_STREAMER_COLUMN_NAME
         && column != TM_STREAMER_COLUMN_PLATFORMS
         && column != TM_STREAMER_COLUMN_CATEGORIES;
}

const char *
tm_streamer_column_get_title (TmStreamerColumn column)
{
  switch (column)
    {
    case TM_STREAMER_COLUMN_NAME:             return _("Name");
    case TM_STREAMER_COLUMN_PLATFORMS:        return _("Platforms");
    case TM_STREAMER_COLUMN_FOLLOWERS:        return _("Followers");
    case TM_STREAMER_COLUMN_CATEGORIES:       return _("Categories");
    case TM_STREAMER_COLUMN_CREDIT:           return _("Credit Score");
    case TM_STREAMER_COLUMN_COOPERATIONS:     return _("Cooperations");
    case TM_STREAMER_COLUMN_LAST_COOPERATION: return _("Last Cooperation");
    case TM_STREAMER_COLUMN_INCIDENTS:        return _("Incidents");
    case TM_N_STREAMER_COLUMNS:
    default:
      g_return_val_if_reached ("");
    }
}

int
tm_streamer_columns_get_min_width (const TmStreamerColumns *self)
{
  int sum = 0;

  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    sum += self->width[c];
  return sum;
}

void
tm_streamer_columns_place (const TmStreamerColumns *self,
                           int                      width,
                           int                      x[TM_N_STREAMER_COLUMNS + 1])
{
  int extra = MAX (0, width - tm_streamer_columns_get_min_width (self));

  x[0] = 0;
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    x[c + 1] = x[c] + self->width[c] + (c == TM_STREAMER_COLUMN_NAME ? extra : 0);
}
