/* vireo-x11.c
 *
 * What GTK 4 has no API for on X11, done with Xlib and XI2: grabbing a device (the console's
 * keyboard grab) and holding a relative pointer in a window (a grab and warps). Where GTK
 * is not built for X11, or the display is not X11, these do nothing and say so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-x11"

#include "config.h"

#ifdef HAVE_XI2
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XInput2.h>
#endif

#include "vireo-x11.h"

#ifdef HAVE_XI2
G_STATIC_ASSERT (VIREO_XI_KEY_PRESS == XI_KeyPress && VIREO_XI_KEY_RELEASE == XI_KeyRelease);
G_STATIC_ASSERT (VIREO_XI_BUTTON_PRESS == XI_ButtonPress && VIREO_XI_BUTTON_RELEASE == XI_ButtonRelease);
G_STATIC_ASSERT (VIREO_XI_MOTION == XI_Motion && VIREO_XI_ENTER == XI_Enter && VIREO_XI_LEAVE == XI_Leave);
G_STATIC_ASSERT (VIREO_XI_FOCUS_IN == XI_FocusIn && VIREO_XI_FOCUS_OUT == XI_FocusOut);
#endif

/**
 * _vireo_x11_grab_device:
 * @surface: (nullable): the window that gets the events; only needed to grab
 * @grab: grab, or let go
 * @owner_events: events for our own windows still go to them (GTK gets them as usual)
 * @events: the XI2 event types to get while grabbed
 *
 * An XI2 grab of @device on X11, which GTK 4 has no API for: the console's keyboard grab
 * and the display's hold of a relative pointer.
 *
 * Returns: %FALSE where there is no X11, nothing to grab, or the server refused
 */
gboolean
_vireo_x11_grab_device (GdkDevice  *device,
                        GdkSurface *surface,
                        gboolean    grab,
                        gboolean    owner_events,
                        const int  *events,
                        guint       n_events)
{
#ifdef HAVE_XI2
  GdkDisplay *display = device != NULL ? gdk_device_get_display (device) : NULL;
  Display *xdisplay;
  int id;

  if (display == NULL || !GDK_IS_X11_DISPLAY (display) || (grab && surface == NULL))
    return FALSE;

  xdisplay = gdk_x11_display_get_xdisplay (display);
  id = gdk_x11_device_get_id (device);
  if (grab)
    {
      unsigned char bits[XIMaskLen (XI_LASTEVENT)] = { 0 };
      XIEventMask mask = { id, sizeof bits, bits };

      for (guint i = 0; i < n_events; i++)
        XISetMask (bits, events[i]);
      if (XIGrabDevice (xdisplay, id, gdk_x11_surface_get_xid (surface), CurrentTime, None,
                        XIGrabModeAsync, XIGrabModeAsync, owner_events, &mask) != GrabSuccess)
        {
          g_debug ("The X server refused to grab %s", gdk_device_get_name (device));
          return FALSE;
        }
    }
  else
    {
      XIUngrabDevice (xdisplay, id, CurrentTime);
      XFlush (xdisplay);
    }
  return TRUE;
#else
  return FALSE;
#endif
}

/* The hold of a relative pointer: an XI2 grab of the pointer to the window, and a warp back to
 * the middle after every move, so the host pointer never meets a screen edge while the guest's
 * moves on. Its movement is read here, from the X events themselves, not from GTK's: GTK merges
 * motion events, and a move the server made before it carried out a warp would otherwise be
 * measured from the middle (counted twice) or merged into the warp (lost). Each event's serial
 * says which side of the warp it is on. */
struct _VireoX11PointerHold
{
#ifdef HAVE_XI2
  GdkDisplay         *display;
  GdkDevice          *pointer;
  Window              window;
  int                 device_id;
  int                 xi_opcode;
  gulong              xevent_id;

  double              last_x;         /* root coordinates of the last event */
  double              last_y;
  double              origin_x;       /* the window's origin, in root coordinates */
  double              origin_y;
  gboolean            warping;        /* a warp is on its way */
  unsigned long       warp_serial;    /* its request: events from this serial on come after it */
  double              warp_x;         /* where it goes, in root coordinates */
  double              warp_y;
#endif
  VireoX11MoveFunc    move;
  VireoX11CentreFunc  centre;
  gpointer            user_data;
};

#ifdef HAVE_XI2
static void
hold_warp (VireoX11PointerHold *hold)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (hold->display);
  int x = 0, y = 0;

  hold->centre (&x, &y, hold->user_data);
  if (hold->last_x == hold->origin_x + x && hold->last_y == hold->origin_y + y)
    return;
  hold->warp_serial = NextRequest (xdisplay);
  hold->warp_x = hold->origin_x + x;
  hold->warp_y = hold->origin_y + y;
  hold->warping = TRUE;
  XWarpPointer (xdisplay, None, hold->window, 0, 0, 0, 0, x, y);
  XFlush (xdisplay);
}

static gboolean
hold_xevent_cb (GdkDisplay          *display,
                const XEvent        *xevent,
                VireoX11PointerHold *hold)
{
  const XGenericEventCookie *cookie = &xevent->xcookie;
  const XIDeviceEvent *event;
  double dx, dy;

  if (xevent->type != GenericEvent || cookie->extension != hold->xi_opcode
      || cookie->evtype != XI_Motion || cookie->data == NULL)
    return FALSE;
  event = cookie->data;
  if (event->deviceid != hold->device_id)
    return FALSE;

  /* The first event the warp's request was carried out before: the pointer had been put in
   * the middle (that event is the warp's own move, or a move from there). */
  if (hold->warping && event->serial >= hold->warp_serial)
    {
      hold->last_x = hold->warp_x;
      hold->last_y = hold->warp_y;
      hold->warping = FALSE;
    }
  dx = event->root_x - hold->last_x;
  dy = event->root_y - hold->last_y;
  hold->last_x = event->root_x;
  hold->last_y = event->root_y;
  if (event->event == hold->window)
    {
      hold->origin_x = event->root_x - event->event_x;
      hold->origin_y = event->root_y - event->event_y;
    }

  if (dx != 0 || dy != 0)
    {
      hold->move (dx, dy, hold->user_data);
      if (!hold->warping)
        hold_warp (hold);
    }
  /* GTK still gets the event, for the cursor and the crossing state. */
  return FALSE;
}
#endif

/**
 * _vireo_x11_pointer_hold_new:
 * @pointer: the seat's pointer
 * @surface: the window to hold it in
 * @move: called with every move of the host pointer while held
 * @centre: asked for the middle of the held area, where the pointer is put back
 *
 * Grabs @pointer to @surface and puts it in the middle, then after every move.
 *
 * Returns: (transfer full) (nullable): the hold, to free to let go; %NULL where there is no
 *   X11 or the server refused the grab
 */
VireoX11PointerHold *
_vireo_x11_pointer_hold_new (GdkDevice          *pointer,
                             GdkSurface         *surface,
                             VireoX11MoveFunc    move,
                             VireoX11CentreFunc  centre,
                             gpointer            user_data)
{
#ifdef HAVE_XI2
  static const int events[] = {
    VIREO_XI_MOTION, VIREO_XI_BUTTON_PRESS, VIREO_XI_BUTTON_RELEASE, VIREO_XI_ENTER, VIREO_XI_LEAVE,
  };
  GdkDisplay *display = surface != NULL ? gdk_surface_get_display (surface) : NULL;
  VireoX11PointerHold *hold;
  Display *xdisplay;
  int event_base, error_base;
  Window root, child;
  double root_x, root_y, win_x, win_y;
  XIButtonState buttons;
  XIModifierState mods;
  XIGroupState group;

  if (display == NULL || !GDK_IS_X11_DISPLAY (display))
    return NULL;
  xdisplay = gdk_x11_display_get_xdisplay (display);

  hold = g_new0 (VireoX11PointerHold, 1);
  hold->display = g_object_ref (display);
  hold->pointer = g_object_ref (pointer);
  hold->window = gdk_x11_surface_get_xid (surface);
  hold->device_id = gdk_x11_device_get_id (pointer);
  hold->move = move;
  hold->centre = centre;
  hold->user_data = user_data;
  if (!XQueryExtension (xdisplay, "XInputExtension", &hold->xi_opcode, &event_base, &error_base)
      || !XIQueryPointer (xdisplay, hold->device_id, hold->window, &root, &child, &root_x, &root_y,
                          &win_x, &win_y, &buttons, &mods, &group)
      || !_vireo_x11_grab_device (pointer, surface, TRUE, TRUE, events, G_N_ELEMENTS (events)))
    {
      g_object_unref (hold->display);
      g_object_unref (hold->pointer);
      g_free (hold);
      return NULL;
    }
  g_free (buttons.mask);
  hold->last_x = root_x;
  hold->last_y = root_y;
  hold->origin_x = root_x - win_x;
  hold->origin_y = root_y - win_y;
  hold->xevent_id = g_signal_connect (display, "xevent", G_CALLBACK (hold_xevent_cb), hold);
  hold_warp (hold);
  return hold;
#else
  return NULL;
#endif
}

void
_vireo_x11_pointer_hold_free (VireoX11PointerHold *hold)
{
  if (hold == NULL)
    return;
#ifdef HAVE_XI2
  g_signal_handler_disconnect (hold->display, hold->xevent_id);
  _vireo_x11_grab_device (hold->pointer, NULL, FALSE, FALSE, NULL, 0);
  g_object_unref (hold->display);
  g_object_unref (hold->pointer);
#endif
  g_free (hold);
}
