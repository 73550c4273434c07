/* vireo-frames.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vireo-frames.h"

void
vireo_frames_init (VireoFrames *frames)
{
  memset (frames, 0, sizeof *frames);
  frames->current = -1;
}

static void
frame_clear (VireoFrame *frame)
{
  g_clear_pointer (&frame->surface, cairo_surface_destroy);
  g_clear_pointer (&frame->stale, cairo_region_destroy);
}

void
vireo_frames_clear (VireoFrames *frames)
{
  for (guint i = 0; i < G_N_ELEMENTS (frames->frames); i++)
    frame_clear (&frames->frames[i]);
  frames->current = -1;
}

/**
 * vireo_frames_update:
 * @data: the backend's pixels, B,G,R,X bytes
 * @damage: what changed in @data since the last call
 *
 * Brings the copy not shown last up to date with @data and makes it the current one. A copy
 * of another size is made anew, whole. cairo_surface_flush() first: should a node GTK still
 * holds show that copy, cairo gives the node a copy of its own before it is written.
 *
 * Returns: (transfer none) (nullable): the current copy, %NULL if it could not be made
 */
cairo_surface_t *
vireo_frames_update (VireoFrames          *frames,
                     const guint8         *data,
                     int                   width,
                     int                   height,
                     int                   stride,
                     const cairo_region_t *damage)
{
  VireoFrame *frame = &frames->frames[frames->current == 0 ? 1 : 0];
  cairo_rectangle_int_t screen = { 0, 0, width, height };
  guint8 *pixels;
  int frame_stride;

  g_return_val_if_fail (data != NULL && width > 0 && height > 0 && stride >= width * 4, NULL);

  /* Every copy of this size misses the damage; one of another size is made anew anyway. */
  for (guint i = 0; i < G_N_ELEMENTS (frames->frames); i++)
    if (frames->frames[i].stale != NULL)
      {
        cairo_region_union (frames->frames[i].stale, damage);
        cairo_region_intersect_rectangle (frames->frames[i].stale, &screen);
      }

  if (frame->surface == NULL ||
      cairo_image_surface_get_width (frame->surface) != width ||
      cairo_image_surface_get_height (frame->surface) != height)
    {
      frame_clear (frame);
      frame->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
      if (cairo_surface_status (frame->surface) != CAIRO_STATUS_SUCCESS)
        {
          frame_clear (frame);
          frames->current = -1;
          return NULL;
        }
      frame->stale = cairo_region_create_rectangle (&screen);
    }

  cairo_surface_flush (frame->surface);
  pixels = cairo_image_surface_get_data (frame->surface);
  frame_stride = cairo_image_surface_get_stride (frame->surface);
  for (int i = 0, n = cairo_region_num_rectangles (frame->stale); i < n; i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (frame->stale, i, &r);
      for (int y = r.y; y < r.y + r.height; y++)
        memcpy (pixels + (gsize) y * frame_stride + (gsize) r.x * 4,
                data + (gsize) y * stride + (gsize) r.x * 4, (gsize) r.width * 4);
      cairo_surface_mark_dirty_rectangle (frame->surface, r.x, r.y, r.width, r.height);
    }
  cairo_region_destroy (frame->stale);
  frame->stale = cairo_region_create ();
  frames->current = frame == &frames->frames[0] ? 0 : 1;
  return frame->surface;
}

/**
 * vireo_frames_current:
 *
 * Returns: (transfer none) (nullable): the copy updated last
 */
cairo_surface_t *
vireo_frames_current (VireoFrames *frames)
{
  return frames->current >= 0 ? frames->frames[frames->current].surface : NULL;
}
