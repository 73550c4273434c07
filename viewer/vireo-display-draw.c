/* vireo-display-draw.c
 *
 * Drawing a frame: the damage taken in once per frame (the GL texture, or the tiles of the cairo
 * path, vireo-tiles.c), then the screen letterboxed or 1:1 on black, dimmed when the connection
 * is gone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"


#include "vireo-display-private.h"

static void
flush_damage (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  cairo_region_t *region;

  if (priv->data == NULL || priv->width <= 0 || vireo_damage_is_empty (&priv->damage))
    return;

  region = vireo_damage_take (&priv->damage);
  if (priv->use_gl && priv->gl_context != NULL)
    _vireo_display_gl_upload (self, region);
  else
    {
      vireo_tiles_update (&priv->tiles, priv->data, priv->width, priv->height, priv->stride, region);
      cairo_region_destroy (region);
    }
  _vireo_display_emit_frame (self);
}

void
_vireo_display_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA black = { 0, 0, 0, 1 };

  flush_damage (self);

  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (priv->use_gl && priv->texture != NULL)
    {
      vireo_display_fit (gdk_texture_get_width (priv->texture), gdk_texture_get_height (priv->texture),
                         width, height, priv->scale, gtk_widget_get_scale_factor (widget), &priv->dst);
      gtk_snapshot_append_texture (snapshot, priv->texture, &priv->dst);
    }
  else if (!priv->use_gl && !vireo_tiles_is_empty (&priv->tiles))
    {
      int scale_factor = gtk_widget_get_scale_factor (widget);
      g_autoptr(GskRenderNode) node = NULL;
      double sx, sy;

      vireo_display_fit (priv->tiles.width, priv->tiles.height, width, height, priv->scale, scale_factor, &priv->dst);
      sx = priv->dst.size.width / priv->tiles.width;
      sy = priv->dst.size.height / priv->tiles.height;
      /* One guest pixel per device pixel: a plain copy. Scaled: bilinear, as GL samples. */
      node = vireo_tiles_get_node (&priv->tiles, &priv->dst,
                                   G_APPROX_VALUE (sx * scale_factor, 1.0, 1e-6) && G_APPROX_VALUE (sy * scale_factor, 1.0, 1e-6)
                                   ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR,
                                   scale_factor);
      if (node == NULL)
        return;
      gtk_snapshot_append_node (snapshot, node);
    }
  else
    return;

  /* The last frame stays, dimmed, when the connection is gone. */
  if (priv->state == VIREO_DISPLAY_DISCONNECTED)
    gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.6 }, &priv->dst);
}
