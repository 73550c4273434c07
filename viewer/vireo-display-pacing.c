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

#define FRAME_INTERVAL_US 16667   /* 60 frames/s: a display's refresh */

static gboolean
draw_cb (gpointer user_data)
{
  VireoDisplay *self = user_data;
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);

  g_clear_handle_id (&priv->draw_idle, g_source_remove);
  g_clear_handle_id (&priv->draw_timeout, g_source_remove);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

/* The backends report one rectangle per main-loop iteration (gvnc and spice-glib emit from
 * idles). Queuing a redraw for each would paint one frame per rectangle and starve the
 * decoder: the screen then lags seconds behind the guest. So the redraw waits until the
 * decoder has nothing left (a low-priority idle), or FRAME_INTERVAL_US at most while it keeps
 * streaming, and no sooner than FRAME_INTERVAL_US after the last frame: a display's refresh,
 * as GTK 3's frame clock paces remote-viewer. (It was 30 ms, QEMU's own refresh, while every
 * frame repainted the whole screen; with tiles a frame repaints what changed since the last
 * one, so more frames show the guest sooner for little more CPU.)
 * A lone change (a key typed) is drawn at once. */
void
_vireo_display_queue_frame (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  gint64 since;

  if (priv->draw_idle != 0 || priv->draw_timeout != 0)
    return;

  since = g_get_monotonic_time () - priv->last_frame;
  if (since >= FRAME_INTERVAL_US)
    {
      priv->draw_idle = g_idle_add_full (G_PRIORITY_LOW, draw_cb, self, NULL);
      priv->draw_timeout = g_timeout_add (FRAME_INTERVAL_US / 1000, draw_cb, self);
    }
  else
    priv->draw_timeout = g_timeout_add ((FRAME_INTERVAL_US - since) / 1000 + 1, draw_cb, self);
}

/* A frame took the damage in. */
void
_vireo_display_frame_drawn (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);

  priv->last_frame = g_get_monotonic_time ();
}

void
_vireo_display_cancel_frame (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);

  g_clear_handle_id (&priv->draw_idle, g_source_remove);
  g_clear_handle_id (&priv->draw_timeout, g_source_remove);
}
