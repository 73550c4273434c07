/* vireo-display-screenshot.c
 *
 * Copies of the guest's screen as the backend holds it (not the scaled widget): for thumbnails
 * and for saving as a PNG.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-display-private.h"

/* A copy of the backend's pixels, opaque (the X byte is not alpha), in a fresh buffer: a
 * GdkMemoryTexture is immutable while GTK holds it. For screenshots and thumbnails. */
static GdkTexture *
opaque_copy (VireoDisplayPrivate *priv)
{
  gsize size = (gsize) priv->width * priv->height * 4;
  guint32 *pixels = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < priv->height; y++)
    {
      const guint32 *src = (const guint32 *) (priv->data + (gsize) y * priv->stride);
      guint32 *dst = pixels + (gsize) y * priv->width;

      for (int x = 0; x < priv->width; x++)
        dst[x] = src[x] | 0xff000000;
    }

  bytes = g_bytes_new_take (pixels, size);
  return gdk_memory_texture_new (priv->width, priv->height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                 bytes, priv->width * 4);
}

/**
 * vireo_display_copy_frame:
 *
 * Returns: (transfer full) (nullable): a copy of the guest's screen as the backend holds it,
 *   for thumbnails; %NULL when there is none
 */
GdkTexture *
vireo_display_copy_frame (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);

  priv = _vireo_display_get_private (self);
  if (priv->data == NULL || priv->width <= 0 || priv->height <= 0)
    return NULL;
  return opaque_copy (priv);
}

/**
 * vireo_display_save_png:
 * @path: where
 *
 * Saves the guest's screen as the backend holds it (not the scaled widget) as a PNG.
 */
gboolean
vireo_display_save_png (VireoDisplay  *self,
                        const char    *path,
                        GError       **error)
{
  VireoDisplayPrivate *priv;
  g_autoptr(GdkTexture) texture = NULL;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  priv = _vireo_display_get_private (self);
  if (priv->data == NULL || priv->width <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("There is no screen to save: the console is not connected."));
      return FALSE;
    }

  texture = opaque_copy (priv);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”."), path);
      return FALSE;
    }

  return TRUE;
}
