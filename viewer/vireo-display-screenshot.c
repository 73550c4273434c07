/* vireo-display-screenshot.c
 *
 * Copies of the guest's screen as the backend holds it (not the scaled widget): for thumbnails
 * and for saving as a PNG.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include <errno.h>
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

/* GIO's messages name the file again ("Error opening file “…”: …"): the reason alone, in the C
 * library's words where it has them, so that the sentence names the file once. */
static const char *
io_reason (const GError *error)
{
  static const struct {
    int code;   /* GIOErrorEnum */
    int errsv;
  } reasons[] = {
    { G_IO_ERROR_NOT_FOUND, ENOENT },
    { G_IO_ERROR_PERMISSION_DENIED, EACCES },
    { G_IO_ERROR_NO_SPACE, ENOSPC },
    { G_IO_ERROR_READ_ONLY, EROFS },
    { G_IO_ERROR_IS_DIRECTORY, EISDIR },
    { G_IO_ERROR_NOT_DIRECTORY, ENOTDIR },
    { G_IO_ERROR_FILENAME_TOO_LONG, ENAMETOOLONG },
  };

  if (error->domain == G_IO_ERROR)
    for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
      if (reasons[i].code == error->code)
        return g_strerror (reasons[i].errsv);
  return error->message;
}

/* Encodes and writes: in a worker thread for the async call. */
static gboolean
write_png (GdkTexture    *texture,
           GFile         *file,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_replace_contents (file, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL, FALSE,
                                G_FILE_CREATE_NONE, NULL, cancellable, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not save the screenshot as “%s”: %s."), name, io_reason (local_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
no_screen (VireoDisplayPrivate  *priv,
           GError              **error)
{
  if (priv->data != NULL && priv->width > 0 && priv->height > 0)
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       _("There is no screen to save: the console is not connected."));
  return TRUE;
}

/**
 * vireo_display_save_png:
 * @path: where
 *
 * Saves the guest's screen as the backend holds it (not the scaled widget) as a PNG, blocking:
 * for tests. The console uses vireo_display_save_png_async().
 */
gboolean
vireo_display_save_png (VireoDisplay  *self,
                        const char    *path,
                        GError       **error)
{
  VireoDisplayPrivate *priv;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  priv = _vireo_display_get_private (self);
  if (no_screen (priv, error))
    return FALSE;

  texture = opaque_copy (priv);
  file = g_file_new_for_path (path);
  return write_png (texture, file, NULL, error);
}

typedef struct {
  GdkTexture *texture;
  GFile      *file;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->texture);
  g_clear_object (&data->file);
  g_free (data);
}

static void
save_png_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SaveData *data = task_data;
  GError *error = NULL;

  if (write_png (data->texture, data->file, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * vireo_display_save_png_async:
 * @file: where
 *
 * Saves the guest's screen as it is now (not the scaled widget) as a PNG; the encoding and the
 * writing happen in a worker thread. Fails with a sentence for the user that names @file, or
 * with %G_IO_ERROR_NOT_CONNECTED when there is no screen.
 */
void
vireo_display_save_png_async (VireoDisplay        *self,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  VireoDisplayPrivate *priv;
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  SaveData *data;

  g_return_if_fail (VIREO_IS_DISPLAY (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_display_save_png_async);

  priv = _vireo_display_get_private (self);
  if (no_screen (priv, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The copy now, on this thread: the backend writes into its buffer as the guest draws. */
  data = g_new0 (SaveData, 1);
  data->texture = opaque_copy (priv);
  data->file = g_object_ref (file);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_png_thread);
}

gboolean
vireo_display_save_png_finish (VireoDisplay  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
