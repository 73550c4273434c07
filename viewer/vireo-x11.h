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

/* Called with the host pointer's movement in device pixels, and asked where the middle of the
 * held area is, in device pixels from the surface's origin. */
typedef void (*VireoX11MoveFunc)   (double   dx,
                                    double   dy,
                                    gpointer user_data);
typedef void (*VireoX11CentreFunc) (int     *x,
                                    int     *y,
                                    gpointer user_data);

typedef struct _VireoX11PointerHold VireoX11PointerHold;

VireoX11PointerHold *_vireo_x11_pointer_hold_new  (GdkDevice          *pointer,
                                                   GdkSurface         *surface,
                                                   VireoX11MoveFunc    move,
                                                   VireoX11CentreFunc  centre,
                                                   gpointer            user_data);
void                 _vireo_x11_pointer_hold_free (VireoX11PointerHold *hold);

G_END_DECLS
