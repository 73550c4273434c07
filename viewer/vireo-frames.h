/* vireo-frames.h
 *
 * Two copies of a guest's screen as cairo RGB24 images, used in turn for the cairo drawing
 * path: one may still be shown by the last frame GTK holds while the other is brought up to
 * date, only where it is stale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  cairo_surface_t *surface;
  cairo_region_t  *stale;     /* what changed since it was brought up to date */
} VireoFrame;

typedef struct {
  VireoFrame frames[2];
  int        current;         /* the one updated last, -1 for none */
} VireoFrames;

void             vireo_frames_init    (VireoFrames          *frames);
void             vireo_frames_clear   (VireoFrames          *frames);
cairo_surface_t *vireo_frames_update  (VireoFrames          *frames,
                                       const guint8         *data,
                                       int                   width,
                                       int                   height,
                                       int                   stride,
                                       const cairo_region_t *damage);
cairo_surface_t *vireo_frames_current (VireoFrames          *frames);

G_END_DECLS
