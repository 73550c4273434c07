/* vireo-display-pointer.c
 *
 * The pointer: absolute positions mapped through the letterbox into guest pixels, or relative
 * moves while grabbed, held in the window on X11 (vireo-x11.c); buttons and the wheel; the
 * guest's cursor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include "vireo-x11.h"

#include "vireo-display-private.h"

/* Widget coordinates to guest pixels, clamped to the screen. */
static gboolean
to_guest (VireoDisplay *self,
          double        x,
          double        y,
          int          *gx,
          int          *gy)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);

  if (priv->width <= 0 || priv->dst.size.width <= 0)
    return FALSE;

  *gx = CLAMP ((int) ((x - priv->dst.origin.x) * priv->width / priv->dst.size.width), 0, priv->width - 1);
  *gy = CLAMP ((int) ((y - priv->dst.origin.y) * priv->height / priv->dst.size.height), 0, priv->height - 1);
  return TRUE;
}

static VireoButtons
button_bit (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:
      return VIREO_BUTTON_LEFT;
    case GDK_BUTTON_MIDDLE:
      return VIREO_BUTTON_MIDDLE;
    case GDK_BUTTON_SECONDARY:
      return VIREO_BUTTON_RIGHT;
    default:
      return 0;
    }
}

/* A relative pointer on X11 (docs/CONSOLES.md, "Pointer"): GTK 4 can neither confine nor warp
 * the pointer, so while grabbed the display holds it (vireo-x11.c: an XI2 grab of the pointer,
 * so events outside the window still come here, and a warp back to its middle after every
 * move); the guest's pointer moves on while the host's never meets a screen edge, and the moves
 * come from the hold. Elsewhere (Wayland) the pointer is only hidden and its moves come from
 * GTK: the pointer-constraints protocol has no GTK 4.8 API. */
static void
send_relative (VireoDisplay *self,
               double        dx,
               double        dy)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  double ratio;
  int gx, gy;

  if (priv->state != VIREO_DISPLAY_CONNECTED || !priv->grabbed || priv->dst.size.width <= 0)
    return;

  /* In guest pixels; what is less than one adds up with the next move. */
  ratio = priv->width / priv->dst.size.width;
  priv->rest_x += dx * ratio;
  priv->rest_y += dy * ratio;
  gx = (int) priv->rest_x;
  gy = (int) priv->rest_y;
  if (gx == 0 && gy == 0)
    return;
  priv->rest_x -= gx;
  priv->rest_y -= gy;
  VIREO_DISPLAY_GET_CLASS (self)->send_motion (self, gx, gy, priv->buttons);
  priv->motion_dx += gx;
  priv->motion_dy += gy;
}

static void
hold_move_cb (double   dx,
              double   dy,
              gpointer user_data)
{
  VireoDisplay *self = user_data;
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  int scale = surface != NULL ? gdk_surface_get_scale_factor (surface) : 1;

  send_relative (self, dx / scale, dy / scale);
}

static void
hold_centre_cb (int     *x,
                int     *y,
                gpointer user_data)
{
  GtkWidget *widget = user_data;
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  graphene_point_t centre = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2, gtk_widget_get_height (widget) / 2);
  graphene_point_t p;
  double tx, ty;
  int scale;

  if (surface == NULL || !gtk_widget_compute_point (widget, GTK_WIDGET (native), &centre, &p))
    return;
  gtk_native_get_surface_transform (native, &tx, &ty);
  scale = gdk_surface_get_scale_factor (surface);
  *x = (int) ((p.x + tx) * scale);
  *y = (int) ((p.y + ty) * scale);
}

void
_vireo_display_hold_pointer (VireoDisplay *self,
                             gboolean      hold)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  GdkDevice *pointer = gdk_seat_get_pointer (gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self))));

  hold = hold && surface != NULL;
  if (hold == (priv->hold != NULL))
    return;
  if (hold)
    priv->hold = _vireo_x11_pointer_hold_new (pointer, surface, hold_move_cb, hold_centre_cb, self);
  else
    g_clear_pointer (&priv->hold, _vireo_x11_pointer_hold_free);
  priv->rest_x = priv->rest_y = 0;
}

static void
pointer_to (VireoDisplay *self,
            double        x,
            double        y)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  int gx, gy;

  if (priv->state != VIREO_DISPLAY_CONNECTED)
    return;

  if (priv->absolute)
    {
      if (to_guest (self, x, y, &gx, &gy))
        VIREO_DISPLAY_GET_CLASS (self)->send_position (self, gx, gy, priv->buttons);
    }
  else if (priv->hold != NULL)
    return;   /* the hold sends the moves */
  else if (priv->have_last)
    send_relative (self, x - priv->last_x, y - priv->last_y);

  priv->last_x = x;
  priv->last_y = y;
  priv->have_last = TRUE;
}

static void
motion_cb (VireoDisplay             *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  pointer_to (self, x, y);
}

static void
pressed_cb (VireoDisplay *self,
            int           n_press,
            double        x,
            double        y,
            GtkGesture   *gesture)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  VireoButtons bit = button_bit (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (priv->state != VIREO_DISPLAY_CONNECTED || bit == 0)
    return;

  /* A relative pointer needs the grab to follow the host's. */
  if (!priv->absolute && !priv->grabbed)
    {
      vireo_display_set_grabbed (self, TRUE);
      return;
    }

  pointer_to (self, x, y);
  priv->buttons |= bit;
  VIREO_DISPLAY_GET_CLASS (self)->send_button (self, bit, TRUE, priv->buttons);
}

static void
released_cb (VireoDisplay *self,
             int           n_press,
             double        x,
             double        y,
             GtkGesture   *gesture)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  VireoButtons bit = button_bit (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)));

  if (priv->state != VIREO_DISPLAY_CONNECTED || (priv->buttons & bit) == 0)
    return;

  priv->buttons &= ~bit;
  VIREO_DISPLAY_GET_CLASS (self)->send_button (self, bit, FALSE, priv->buttons);
}

static gboolean
scroll_cb (VireoDisplay             *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  VireoDisplayClass *klass = VIREO_DISPLAY_GET_CLASS (self);

  if (priv->state != VIREO_DISPLAY_CONNECTED)
    return FALSE;

  if (dy != 0)
    klass->send_scroll (self, dy < 0 ? VIREO_SCROLL_UP : VIREO_SCROLL_DOWN, priv->buttons);
  if (dx != 0)
    klass->send_scroll (self, dx < 0 ? VIREO_SCROLL_LEFT : VIREO_SCROLL_RIGHT, priv->buttons);
  return TRUE;
}

/* The cursor, and the hold of a relative pointer, from the state, the grab and the mode. */
void
_vireo_display_update_pointer (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  gboolean relative_grab = priv->state == VIREO_DISPLAY_CONNECTED && !priv->absolute && priv->grabbed;

  if (priv->state != VIREO_DISPLAY_CONNECTED)
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  else if (relative_grab)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "none");
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), priv->cursor);

  _vireo_display_hold_pointer (self, relative_grab && gtk_widget_get_mapped (GTK_WIDGET (self)));
}

/**
 * vireo_display_get_relative_motion:
 * @dx: (out): the sum of the relative moves sent, across
 * @dy: (out): and down, in guest pixels
 *
 * For diagnostics and tests: the relative pointer motion sent since the display connected.
 */
void
vireo_display_get_relative_motion (VireoDisplay *self,
                                   gint64       *dx,
                                   gint64       *dy)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = _vireo_display_get_private (self);
  *dx = priv->motion_dx;
  *dy = priv->motion_dy;
}

void
_vireo_display_init_pointer (VireoDisplay *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect_swapped (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES
                                                | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
