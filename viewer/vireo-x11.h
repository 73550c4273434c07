/* vireo-x11.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* XI2 event types, for _vireo_x11_grab_device(), without the X headers. */
#define VIREO_XI_KEY_PRESS      2
#define VIREO_XI_KEY_RELEASE    3
#define VIREO_XI_BUTTON_PRESS   4
#define VIREO_XI_BUTTON_RELEASE 5
#define VIREO_XI_MOTION         6
#define VIREO_XI_ENTER          7
#define VIREO_XI_LEAVE          8
#define VIREO_XI_FOCUS_IN       9
#define VIREO_XI_FOCUS_OUT      10

gboolean _vireo_x11_grab_device  (GdkDevice  *device,
                                  GdkSurface *surface,
                                  gboolean    grab,
                                  gboolean    owner_events,
                                  const int  *events,
                                  guint       n_events);
gboolean _vireo_x11_warp_pointer (GdkSurface *surface,
                                  int         x,
                                  int         y);

G_END_DECLS
