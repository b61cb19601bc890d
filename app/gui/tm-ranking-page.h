/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tm-ranking-page.h: the preferences page of the default ranking weights.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TM_TYPE_RANKING_PAGE (tm_ranking_page_get_type ())
G_DECLARE_FINAL_TYPE (TmRankingPage, tm_ranking_page, TM, RANKING_PAGE, AdwPreferencesPage)

/* @settings: the application's settings (org.example.TrustMatch); NULL
 * for a new GSettings of the application's schema. */
GtkWidget *tm_ranking_page_new (GSettings *settings);

G_END_DECLS
