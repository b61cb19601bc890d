/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-streamer-header"

#include "config.h"

#include <math.h>

#include "tm-streamer-header.h"

struct _TmStreamerHeader
{
  GtkWidget                parent_instance;

  const TmStreamerColumns *columns;
  GtkAdjustment           *hadjustment;
  GtkWidget               *title[TM_N_STREAMER_COLUMNS];
  GtkWidget               *arrow[TM_N_STREAMER_COLUMNS];  /* nullable */
  int                      allocated_width;   /* of the table, last laid out */
  int                      allocated_offset;
  guint                    resizable;   /* a bit per column */
  int                      resizing;    /* column being resized, or -1 */
  int                      resize_from; /* its width when the drag began */
  int                      sorted;      /* column, or -1 */
  gboolean                 descending;
};

enum {
  SIGNAL_SORT_CHANGED,
  SIGNAL_COLUMN_RESIZED,
  N_SIGNALS
};

/* How near a column's end, in px, a drag resizes it. */
#define GRIP 4

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TmStreamerHeader, tm_streamer_header, GTK_TYPE_WIDGET)

static void
on_title_clicked_cb (GtkButton        *button,
                     TmStreamerHeader *self)
{
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    if (self->title[c] == GTK_WIDGET (button))
      {
        tm_streamer_header_set_sort (self, c, c == self->sorted ? !self->descending : FALSE);
        g_signal_emit (self, signals[SIGNAL_SORT_CHANGED], 0);
        return;
      }
}

static GtkWidget *
make_title (TmStreamerHeader *self,
            TmStreamerColumn  column,
            gboolean          sortable)
{
  GtkWidget *label = gtk_label_new (tm_streamer_column_get_title (column));
  GtkWidget *box, *button;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (!sortable)
    {
      gtk_widget_add_css_class (label, "column-title");
      return label;
    }

  gtk_widget_set_hexpand (label, TRUE);
  self->arrow[column] = gtk_image_new ();
  gtk_image_set_pixel_size (GTK_IMAGE (self->arrow[column]), 16);
  gtk_widget_set_size_request (self->arrow[column], 16, 16);
  gtk_widget_add_css_class (self->arrow[column], "sort-indicator");
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), self->arrow[column]);

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_button_set_has_frame (GTK_BUTTON (button), FALSE);
  /* A click sorts and leaves the focus where it was, in the list or
   * the search; Tab still reaches the titles. */
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tm_streamer_column_get_title (column),
                                  GTK_ACCESSIBLE_PROPERTY_SORT, GTK_ACCESSIBLE_SORT_NONE,
                                  -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_title_clicked_cb), self);
  return button;
}

/* The width of the list's rows: the width its horizontal scrolling
 * spans, which leaves out a scroll bar that takes room of its own. */
static int
get_table_width (TmStreamerHeader *self,
                 int               width)
{
  double upper = gtk_adjustment_get_upper (self->hadjustment);

  return MAX (upper > 0 ? (int) upper : width, tm_streamer_columns_get_min_width (self->columns));
}


/* The list scrolled sideways, or its rows changed width. */
static void
on_adjustment_changed_cb (TmStreamerHeader *self)
{
  if ((int) gtk_adjustment_get_value (self->hadjustment) != self->allocated_offset
      || get_table_width (self, gtk_widget_get_width (GTK_WIDGET (self))) != self->allocated_width)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}


/* The resizable column whose end is at @x, or -1. */
static int
column_ending_at (TmStreamerHeader *self,
                  double            x)
{
  int edges[TM_N_STREAMER_COLUMNS + 1];

  x += self->allocated_offset;
  tm_streamer_columns_place (self->columns, self->allocated_width, edges);
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    if ((self->resizable & (1u << c)) && fabs (x - edges[c + 1]) <= GRIP)
      return c;
  return -1;
}

static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              TmStreamerHeader         *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   self->resizing >= 0 || column_ending_at (self, x) >= 0 ? "col-resize" : NULL);
}

static void
on_drag_begin_cb (GtkGestureDrag   *drag,
                  double            x,
                  double            y,
                  TmStreamerHeader *self)
{
  self->resizing = column_ending_at (self, x);
  if (self->resizing < 0)
    {
      /* Not at a column's end: the title's button takes the click. */
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->resize_from = self->columns->width[self->resizing];
  gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update_cb (GtkGestureDrag   *drag,
                   double            dx,
                   double            dy,
                   TmStreamerHeader *self)
{
  int least;

  if (self->resizing < 0)
    return;
  gtk_widget_measure (self->title[self->resizing], GTK_ORIENTATION_HORIZONTAL, -1, &least, NULL, NULL, NULL);
  g_signal_emit (self, signals[SIGNAL_COLUMN_RESIZED], 0,
                 self->resizing, MAX (least, self->resize_from + (int) dx));
}

static void
on_drag_end_cb (GtkGestureDrag   *drag,
                double            dx,
                double            dy,
                TmStreamerHeader *self)
{
  self->resizing = -1;
}


/*
 * GtkWidget
 */

static void
tm_streamer_header_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  TmStreamerHeader *self = TM_STREAMER_HEADER (widget);

  /* Narrower than its columns, the header is cut, and scrolls along
   * with the list. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 0;
      *natural = tm_streamer_columns_get_min_width (self->columns);
      return;
    }

  *minimum = *natural = 0;
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    {
      int min, nat;

      gtk_widget_measure (self->title[c], orientation, -1, &min, &nat, NULL, NULL);
      *minimum = MAX (*minimum, min);
      *natural = MAX (*natural, nat);
    }
}

static void
tm_streamer_header_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  TmStreamerHeader *self = TM_STREAMER_HEADER (widget);
  int x[TM_N_STREAMER_COLUMNS + 1];
  int offset = (int) gtk_adjustment_get_value (self->hadjustment);

  self->allocated_width = get_table_width (self, width);
  self->allocated_offset = offset;
  tm_streamer_columns_place (self->columns, self->allocated_width, x);
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    {
      int min;

      /* Measuring is part of GTK's contract before allocating. */
      gtk_widget_measure (self->title[c], GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      gtk_widget_size_allocate (self->title[c],
                                &(GtkAllocation) { x[c] - offset, 0, MAX (min, x[c + 1] - x[c]), height },
                                -1);
    }
}


/*
 * GObject
 */

static void
tm_streamer_header_dispose (GObject *object)
{
  TmStreamerHeader *self = TM_STREAMER_HEADER (object);

  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    g_clear_pointer (&self->title[c], gtk_widget_unparent);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_adjustment_changed_cb, self);
  g_clear_object (&self->hadjustment);

  G_OBJECT_CLASS (tm_streamer_header_parent_class)->dispose (object);
}

static void
tm_streamer_header_class_init (TmStreamerHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_streamer_header_dispose;
  widget_class->measure = tm_streamer_header_measure;
  widget_class->size_allocate = tm_streamer_header_size_allocate;

  /**
   * TmStreamerHeader::column-resized:
   * @column: a TmStreamerColumn
   * @width: the width asked for, px
   *
   * The user dragged the end of a resizable column.
   */
  signals[SIGNAL_COLUMN_RESIZED] =
    g_signal_new ("column-resized",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  /**
   * TmStreamerHeader::sort-changed:
   *
   * The user sorted by another column, or turned the order round
   * (tm_streamer_header_get_sort() says which).
   */
  signals[SIGNAL_SORT_CHANGED] =
    g_signal_new ("sort-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "streamer-header");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ROW);
}

static void
tm_streamer_header_init (TmStreamerHeader *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->sorted = -1;
  self->resizing = -1;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  /* Before the titles' buttons see the press. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
tm_streamer_header_new (const TmStreamerColumns *columns,
                        guint                    sortable,
                        guint                    resizable,
                        GtkScrolledWindow       *scrolled)
{
  TmStreamerHeader *self;

  g_return_val_if_fail (columns != NULL, NULL);
  g_return_val_if_fail (GTK_IS_SCROLLED_WINDOW (scrolled), NULL);

  self = g_object_new (TM_TYPE_STREAMER_HEADER, NULL);
  self->columns = columns;
  self->resizable = resizable;
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    {
      self->title[c] = make_title (self, c, (sortable & (1u << c)) != 0);
      gtk_widget_set_parent (self->title[c], GTK_WIDGET (self));
    }

  self->hadjustment = g_object_ref (gtk_scrolled_window_get_hadjustment (scrolled));
  g_signal_connect_swapped (self->hadjustment, "value-changed", G_CALLBACK (on_adjustment_changed_cb), self);
  g_signal_connect_swapped (self->hadjustment, "changed", G_CALLBACK (on_adjustment_changed_cb), self);

  return GTK_WIDGET (self);
}

GtkWidget *
tm_streamer_header_get_title (TmStreamerHeader *self,
                              TmStreamerColumn  column)
{
  g_return_val_if_fail (TM_IS_STREAMER_HEADER (self), NULL);
  g_return_val_if_fail (column < TM_N_STREAMER_COLUMNS, NULL);

  return self->title[column];
}

void
tm_streamer_header_set_sort (TmStreamerHeader *self,
                             int               column,
                             gboolean          descending)
{
  g_return_if_fail (TM_IS_STREAMER_HEADER (self));
  g_return_if_fail (column >= -1 && column < TM_N_STREAMER_COLUMNS);
  g_return_if_fail (column == -1 || self->arrow[column] != NULL);

  self->sorted = column;
  self->descending = column >= 0 && descending;
  for (int c = 0; c < TM_N_STREAMER_COLUMNS; c++)
    {
      GtkAccessibleSort sort = GTK_ACCESSIBLE_SORT_NONE;

      if (self->arrow[c] == NULL)
        continue;
      if (c == column)
        sort = descending ? GTK_ACCESSIBLE_SORT_DESCENDING : GTK_ACCESSIBLE_SORT_ASCENDING;
      gtk_image_set_from_icon_name (GTK_IMAGE (self->arrow[c]),
                                    sort == GTK_ACCESSIBLE_SORT_NONE ? NULL
                                    : sort == GTK_ACCESSIBLE_SORT_ASCENDING ? "pan-up-symbolic"
                                    : "pan-down-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->title[c]),
                                      GTK_ACCESSIBLE_PROPERTY_SORT, sort,
                                      -1);
    }
}

int
tm_streamer_header_get_sort (TmStreamerHeader *self,
                             gboolean         *descending)
{
  g_return_val_if_fail (TM_IS_STREAMER_HEADER (self), -1);

  if (descending != NULL)
    *descending = self->descending;
  return self->sorted;
}
