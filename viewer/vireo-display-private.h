/* vireo-display-private.h
 *
 * What the protocol backends call on their base, and the XI2 grab the console shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-display.h"

G_BEGIN_DECLS

void _vireo_display_set_framebuffer (VireoDisplay      *self,
                                     const guint8      *data,
                                     int                width,
                                     int                height,
                                     int                stride);
void _vireo_display_damage          (VireoDisplay      *self,
                                     int                x,
                                     int                y,
                                     int                width,
                                     int                height);
void _vireo_display_set_state       (VireoDisplay      *self,
                                     VireoDisplayState  state,
                                     const char        *error_message);
void _vireo_display_set_absolute    (VireoDisplay      *self,
                                     gboolean           absolute);
void _vireo_display_set_cursor      (VireoDisplay      *self,
                                     GdkCursor         *cursor);

gboolean _vireo_x11_grab_device (GdkDevice  *device,
                                 GdkSurface *surface,
                                 gboolean    grab,
                                 gboolean    owner_events,
                                 const int  *events,
                                 guint       n_events);

G_END_DECLS
