/* vireo-x11.c
 *
 * What GTK 4 has no API for on X11, done with Xlib and XI2: grabbing a device (the console's
 * keyboard grab, the display's hold of a relative pointer) and warping the pointer. Where GTK
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

/**
 * _vireo_x11_warp_pointer:
 * @surface: the window the position is in
 * @x: (in device pixels, from the surface's origin)
 *
 * Returns: %FALSE where there is no X11
 */
gboolean
_vireo_x11_warp_pointer (GdkSurface *surface,
                         int         x,
                         int         y)
{
#ifdef HAVE_XI2
  GdkDisplay *display = surface != NULL ? gdk_surface_get_display (surface) : NULL;

  if (display == NULL || !GDK_IS_X11_DISPLAY (display))
    return FALSE;

  XWarpPointer (gdk_x11_display_get_xdisplay (display), None, gdk_x11_surface_get_xid (surface), 0, 0, 0, 0, x, y);
  XFlush (gdk_x11_display_get_xdisplay (display));
  return TRUE;
#else
  return FALSE;
#endif
}
