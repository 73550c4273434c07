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
 * the pointer, so while grabbed the display holds it with an XI2 grab of the pointer (events
 * outside the window still come here) and puts it back in its middle after every move; the
 * guest's pointer moves on while the host's never meets a screen edge. Elsewhere (Wayland) the
 * pointer is only hidden: the pointer-constraints protocol has no GTK 4.8 API. */
static gboolean
warp_to_centre (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  graphene_point_t centre = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2, gtk_widget_get_height (widget) / 2);
  graphene_point_t p;
  double tx, ty;
  int scale;

  if (surface == NULL || !gtk_widget_compute_point (widget, GTK_WIDGET (native), &centre, &p))
    return FALSE;

  gtk_native_get_surface_transform (native, &tx, &ty);
  scale = gdk_surface_get_scale_factor (surface);
  if (!_vireo_x11_warp_pointer (surface, (int) ((p.x + tx) * scale), (int) ((p.y + ty) * scale)))
    return FALSE;
  /* The move the warp makes is no motion. */
  priv->last_x = centre.x;
  priv->last_y = centre.y;
  priv->have_last = TRUE;
  return TRUE;
}

void
_vireo_display_hold_pointer (VireoDisplay *self,
                             gboolean      hold)
{
  static const int events[] = {
    VIREO_XI_MOTION, VIREO_XI_BUTTON_PRESS, VIREO_XI_BUTTON_RELEASE, VIREO_XI_ENTER, VIREO_XI_LEAVE,
  };
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  GdkDevice *pointer = gdk_seat_get_pointer (gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self))));

  hold = hold && surface != NULL;
  if (hold == priv->holding)
    return;
  if (!_vireo_x11_grab_device (pointer, surface, hold, TRUE, events, G_N_ELEMENTS (events)))
    return;
  priv->holding = hold;
  if (hold)
    warp_to_centre (self);
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
  else if (priv->have_last && priv->grabbed && priv->dst.size.width > 0)
    {
      /* Relative: the host pointer's movement, in guest pixels. */
      double ratio = priv->width / priv->dst.size.width;
      int dx = (int) ((x - priv->last_x) * ratio);
      int dy = (int) ((y - priv->last_y) * ratio);

      /* Less than a guest pixel (or the warp's own move back): keep the last position, so
       * small moves add up, and warp nothing. */
      if (dx == 0 && dy == 0)
        return;

      VIREO_DISPLAY_GET_CLASS (self)->send_motion (self, dx, dy, priv->buttons);
      priv->motion_dx += dx;
      priv->motion_dy += dy;
      /* Back to the middle. */
      if (priv->holding && warp_to_centre (self))
        return;
    }

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
