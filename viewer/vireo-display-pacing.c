/* vireo-display-pacing.c
 *
 * When to draw: the backends report damage, and the redraw (with it the upload, in snapshot)
 * waits as _vireo_display_queue_frame() says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include "vireo-display-private.h"

/* The backends report one rectangle per main-loop iteration (gvnc and spice-glib emit from
 * idles). Each asks GTK for a redraw, and GTK's frame clock paints at most once per refresh
 * of the display, as GTK 3's does for remote-viewer; its paint runs at GDK_PRIORITY_REDRAW,
 * below the decoders' sources, so a frame takes in all they decoded meanwhile and does not
 * starve them. A lone change (a key typed) is drawn on the next tick.
 *
 * Vireo used to space frames with timers of its own (30 ms, then 16.7 ms after a low-priority
 * idle): out of step with the frame clock, that drew 32-44 frames a second where
 * remote-viewer drew 45-52, each frame costing as much protocol work. */
void
_vireo_display_queue_frame (VireoDisplay *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
