/* vireo-display-gl.c
 *
 * The GL path (docs/CONSOLES.md, "Drawing"): one GL texture of our own in a context shared
 * with GSK's, only the damaged rectangles uploaded (glTexSubImage2D, internal format RGB8 so the
 * X byte never counts as alpha), wrapped in a new GdkGLTexture for each frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include <epoxy/gl.h>

#include "vireo-display-private.h"

static void
drop_gl (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);

  if (priv->gl_context != NULL)
    {
      gdk_gl_context_make_current (priv->gl_context);
      if (priv->gl_texture != 0)
        glDeleteTextures (1, &priv->gl_texture);
      gdk_gl_context_clear_current ();
    }
  priv->gl_texture = 0;
  priv->gl_width = priv->gl_height = 0;
  g_clear_object (&priv->gl_context);
}

/* Takes @region. */
void
_vireo_display_gl_upload (VireoDisplay   *self,
                          cairo_region_t *region)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  int n = cairo_region_num_rectangles (region);

  gdk_gl_context_make_current (priv->gl_context);

  if (priv->gl_texture == 0 || priv->gl_width != priv->width || priv->gl_height != priv->height)
    {
      if (priv->gl_texture == 0)
        glGenTextures (1, &priv->gl_texture);
      glBindTexture (GL_TEXTURE_2D, priv->gl_texture);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      /* RGB8: the X byte is ignored, alpha reads as 1. */
      glTexImage2D (GL_TEXTURE_2D, 0, GL_RGB8, priv->width, priv->height, 0, GL_BGRA, GL_UNSIGNED_BYTE, NULL);
      priv->gl_width = priv->width;
      priv->gl_height = priv->height;
      cairo_region_destroy (region);
      region = NULL;
      n = 1;
    }
  else
    glBindTexture (GL_TEXTURE_2D, priv->gl_texture);

  glPixelStorei (GL_UNPACK_ROW_LENGTH, priv->stride / 4);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  for (int i = 0; i < n; i++)
    {
      cairo_rectangle_int_t r = { 0, 0, priv->width, priv->height };

      if (region != NULL)
        cairo_region_get_rectangle (region, i, &r);
      glTexSubImage2D (GL_TEXTURE_2D, 0, r.x, r.y, r.width, r.height, GL_BGRA, GL_UNSIGNED_BYTE,
                       priv->data + (gsize) r.y * priv->stride + (gsize) r.x * 4);
    }
  glPixelStorei (GL_UNPACK_ROW_LENGTH, 0);
  glBindTexture (GL_TEXTURE_2D, 0);
  /* GTK 4.8 has no sync object for GL textures: flush so GSK's context sees the pixels. */
  glFlush ();

  if (region != NULL)
    cairo_region_destroy (region);

  g_clear_object (&priv->texture);
  priv->texture = gdk_gl_texture_new (priv->gl_context, priv->gl_texture, priv->width, priv->height, NULL, NULL);
}

/* GTK 4.8 does not install the GL renderer's header with gtk.h; ask the type system. */
static gboolean
is_gl_renderer (GskRenderer *renderer)
{
  static const char *const gl_types[] = { "GskGLRenderer", "GskNglRenderer" };

  for (guint i = 0; i < G_N_ELEMENTS (gl_types); i++)
    {
      GType type = g_type_from_name (gl_types[i]);

      if (type != 0 && g_type_is_a (G_OBJECT_TYPE (renderer), type))
        return TRUE;
    }
  return FALSE;
}

/* Uses GL where GSK renders with GL and a context of our own can be made. */
void
_vireo_display_gl_realize (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  GskRenderer *renderer;

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  priv->use_gl = is_gl_renderer (renderer);
  if (priv->use_gl)
    {
      g_autoptr(GError) error = NULL;

      priv->gl_context = gdk_display_create_gl_context (gtk_widget_get_display (widget), &error);
      if (priv->gl_context == NULL || !gdk_gl_context_realize (priv->gl_context, &error))
        {
          g_debug ("No GL context for the console, drawing with cairo: %s", error ? error->message : "?");
          g_clear_object (&priv->gl_context);
          priv->use_gl = FALSE;
        }
    }
}

void
_vireo_display_gl_unrealize (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);

  /* A GL texture wrapper must not outlive the context it names. */
  if (priv->use_gl)
    g_clear_object (&priv->texture);
  drop_gl (self);
}
