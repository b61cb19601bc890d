/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tm-test-gui.h"

void
tm_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

gboolean
tm_test_timeout_cb (gpointer timed_out)
{
  *(gboolean *) timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gpointer
tm_test_template_child (gpointer    widget,
                        GType       type,
                        const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

void
tm_test_wait_for_load (TmContext *context)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (60, tm_test_timeout_cb, &timed_out);

  while (!timed_out
         && (tm_context_get_state (context) == TM_CONTEXT_STATE_IDLE
             || tm_context_get_state (context) == TM_CONTEXT_STATE_LOADING))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  tm_test_drain ();
}
