/* vireo-vnc-display.c
 *
 * The VNC backend: gvnc on a socket the helper opened (virDomainOpenGraphicsFD, already
 * authenticated). gvnc decodes into our buffer in host byte order; each update is damage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-vnc-display"

#include "config.h"

#include <glib/gi18n.h>

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <gvnc.h>
G_GNUC_END_IGNORE_DEPRECATIONS

#include "vireo-display-private.h"
#include "vireo-keymap.h"
#include "vireo-vnc-display.h"

struct _VireoVncDisplay {
  VireoDisplay   parent_instance;

  /* Owned references */
  VncConnection *conn;
  VncFramebuffer *framebuffer;
  guint8        *buffer;
  GCancellable  *cancellable;   /* the socket asked for */

  int            width;
  int            height;
  int            pointer_x;    /* the last absolute position sent */
  int            pointer_y;
  guint          request_idle;   /* one update request per batch of rectangles */
  gboolean       failed;
};

G_DEFINE_FINAL_TYPE (VireoVncDisplay, vireo_vnc_display, VIREO_TYPE_DISPLAY)

/* B,G,R,X bytes: what the display uploads as is. */
static const VncPixelFormat local_format = {
  .bits_per_pixel = 32,
  .depth = 24,
  .byte_order = G_LITTLE_ENDIAN,
  .true_color_flag = 1,
  .red_max = 255,
  .green_max = 255,
  .blue_max = 255,
  .red_shift = 16,
  .green_shift = 8,
  .blue_shift = 0,
};

static void
drop_connection (VireoVncDisplay *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->request_idle, g_source_remove);
  if (self->conn == NULL)
    return;

  /* Disconnect first: vnc-disconnected arrives after shutdown returns. */
  g_signal_handlers_disconnect_by_data (self->conn, self);
  vnc_connection_shutdown (self->conn);
  g_clear_object (&self->conn);
}

static void
setup_framebuffer (VireoVncDisplay *self)
{
  VncPixelFormat remote = *vnc_connection_get_pixel_format (self->conn);
  int width = vnc_connection_get_width (self->conn);
  int height = vnc_connection_get_height (self->conn);

  /* Host byte order from the server: decoding becomes copying. */
  if (remote.byte_order != G_BYTE_ORDER)
    {
      remote.byte_order = G_BYTE_ORDER;
      vnc_connection_set_pixel_format (self->conn, &remote);
    }

  if (width != self->width || height != self->height || self->framebuffer == NULL)
    {
      g_clear_object (&self->framebuffer);
      g_free (self->buffer);
      self->buffer = g_malloc0 ((gsize) width * height * 4);
      self->width = width;
      self->height = height;
    }
  else
    g_clear_object (&self->framebuffer);

  self->framebuffer = VNC_FRAMEBUFFER (vnc_base_framebuffer_new (self->buffer, width, height, width * 4,
                                                                 &local_format,
                                                                 vnc_connection_get_pixel_format (self->conn)));
  vnc_connection_set_framebuffer (self->conn, self->framebuffer);
  _vireo_display_set_framebuffer (VIREO_DISPLAY (self), self->buffer, width, height, width * 4);
  vnc_connection_framebuffer_update_request (self->conn, FALSE, 0, 0, width, height);
}

static void
auth_choose_type_cb (VncConnection   *conn,
                     gpointer         types,
                     VireoVncDisplay *self)
{
  /* The helper's socket is authenticated already (SKIPAUTH): the server offers "none". Without
   * a handler gvnc would wait here for ever. */
  if (!vnc_connection_set_auth_type (conn, VNC_CONNECTION_AUTH_NONE))
    {
      self->failed = TRUE;
      _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_DISCONNECTED,
                                _("The VNC server asks for a password; Vireo opens only pre-authenticated consoles."));
      drop_connection (self);
    }
}

static void
initialized_cb (VncConnection   *conn,
                VireoVncDisplay *self)
{
  /* The socket is local (a socket pair from the helper): raw pixels cost the server and us
   * a copy each, where ZRLE and Hextile cost deflating and inflating every update. The
   * server sends the first encoding of this list that it knows. */
  gint32 encodings[] = {
    VNC_CONNECTION_ENCODING_RAW,
    VNC_CONNECTION_ENCODING_ZRLE,
    VNC_CONNECTION_ENCODING_HEXTILE,
    VNC_CONNECTION_ENCODING_EXT_KEY_EVENT,
    VNC_CONNECTION_ENCODING_LED_STATE,
    VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_DESKTOP_NAME,
    VNC_CONNECTION_ENCODING_LAST_RECT,
    VNC_CONNECTION_ENCODING_WMVi,
    VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
    VNC_CONNECTION_ENCODING_RICH_CURSOR,
    VNC_CONNECTION_ENCODING_XCURSOR,
    VNC_CONNECTION_ENCODING_POINTER_CHANGE,
    VNC_CONNECTION_ENCODING_COPY_RECT,
  };

  vnc_connection_set_encodings (conn, G_N_ELEMENTS (encodings), encodings);
  setup_framebuffer (self);
  _vireo_display_set_absolute (VIREO_DISPLAY (self), vnc_connection_get_abs_pointer (conn));
  _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_CONNECTED, NULL);
}

static gboolean
request_update_cb (gpointer user_data)
{
  VireoVncDisplay *self = user_data;

  self->request_idle = 0;
  if (self->conn != NULL)
    vnc_connection_framebuffer_update_request (self->conn, TRUE, 0, 0, self->width, self->height);
  return G_SOURCE_REMOVE;
}

static void
framebuffer_update_cb (VncConnection   *conn,
                       guint16          x,
                       guint16          y,
                       guint16          width,
                       guint16          height,
                       VireoVncDisplay *self)
{
  _vireo_display_damage (VIREO_DISPLAY (self), x, y, width, height);

  /* gvnc reports each rectangle of an update on its own; ask for the next update once the
   * rectangles received so far have been taken in, not once per rectangle. */
  if (self->request_idle == 0)
    self->request_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE + 10, request_update_cb, self, NULL);
}

static void
desktop_resize_cb (VncConnection   *conn,
                   guint16          width,
                   guint16          height,
                   VireoVncDisplay *self)
{
  /* QEMU repeats the same size: only a real change needs a new buffer. */
  if (width == self->width && height == self->height)
    {
      vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0, width, height);
      return;
    }
  setup_framebuffer (self);
}

static void
pixel_format_changed_cb (VncConnection   *conn,
                         VncPixelFormat  *format,
                         VireoVncDisplay *self)
{
  setup_framebuffer (self);
}

static void
pointer_mode_changed_cb (VncConnection   *conn,
                         gboolean         absolute,
                         VireoVncDisplay *self)
{
  _vireo_display_set_absolute (VIREO_DISPLAY (self), absolute);
}

static void
cursor_changed_cb (VncConnection   *conn,
                   VncCursor       *cursor,
                   VireoVncDisplay *self)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkCursor) gdk_cursor = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int width, height;

  if (cursor == NULL)
    {
      _vireo_display_set_cursor (VIREO_DISPLAY (self), NULL);
      return;
    }

  width = vnc_cursor_get_width (cursor);
  height = vnc_cursor_get_height (cursor);
  if (width == 0 || height == 0)
    {
      gdk_cursor = gdk_cursor_new_from_name ("none", NULL);
      _vireo_display_set_cursor (VIREO_DISPLAY (self), gdk_cursor);
      return;
    }

  bytes = g_bytes_new (vnc_cursor_get_data (cursor), (gsize) width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, width * 4);
  gdk_cursor = gdk_cursor_new_from_texture (texture, vnc_cursor_get_hotx (cursor), vnc_cursor_get_hoty (cursor), NULL);
  _vireo_display_set_cursor (VIREO_DISPLAY (self), gdk_cursor);
}

/* Clipboard: VNC cut text is Latin-1 in gvnc 1.3 (docs/CONSOLES.md, "Clipboard"). */
static void
server_cut_text_cb (VncConnection   *conn,
                    const GString   *text,
                    VireoVncDisplay *self)
{
  g_autofree char *utf8 = NULL;

  if (!vireo_display_get_share_clipboard (VIREO_DISPLAY (self)) || text == NULL)
    return;

  utf8 = g_convert (text->str, text->len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (utf8 != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), utf8);
}

static void
host_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoVncDisplay) self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  g_autofree char *latin1 = NULL;
  gsize length = 0;

  if (text == NULL || self->conn == NULL)
    return;

  latin1 = g_convert_with_fallback (text, -1, "ISO-8859-1", "UTF-8", "?", NULL, &length, NULL);
  if (latin1 != NULL)
    vnc_connection_client_cut_text (self->conn, latin1, length);
}

static void
host_clipboard_changed_cb (VireoVncDisplay *self,
                           GdkClipboard    *clipboard)
{
  if (gdk_clipboard_is_local (clipboard) || self->conn == NULL
      || vireo_display_get_state (VIREO_DISPLAY (self)) != VIREO_DISPLAY_CONNECTED
      || !vireo_display_get_share_clipboard (VIREO_DISPLAY (self)))
    return;

  gdk_clipboard_read_text_async (clipboard, NULL, host_text_cb, g_object_ref (self));
}

static void
error_cb (VncConnection   *conn,
          const char      *message,
          VireoVncDisplay *self)
{
  g_debug ("VNC error: %s", message);
  self->failed = TRUE;
  _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_DISCONNECTED, message);
}

static void
disconnected_cb (VncConnection   *conn,
                 VireoVncDisplay *self)
{
  _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_DISCONNECTED,
                            self->failed ? vireo_display_get_error_message (VIREO_DISPLAY (self))
                                         : _("The console was closed."));
  drop_connection (self);
}

/* Input */

static void
vireo_vnc_display_send_key (VireoDisplay *display,
                            gboolean      down,
                            guint         evdev,
                            guint         keyval)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);

  if (self->conn == NULL)
    return;

  /* With QEMU's extended key event the scancode goes through, independent of layouts. */
  vnc_connection_key_event (self->conn, down, keyval, vireo_keymap_evdev_to_qnum (evdev));
}

static void
vireo_vnc_display_send_position (VireoDisplay *display,
                                 int           x,
                                 int           y,
                                 VireoButtons  buttons)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);

  self->pointer_x = x;
  self->pointer_y = y;
  if (self->conn != NULL)
    vnc_connection_pointer_event (self->conn, buttons, x, y);
}

static void
vireo_vnc_display_send_motion (VireoDisplay *display,
                               int           dx,
                               int           dy,
                               VireoButtons  buttons)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);

  /* QEMU's relative mode: deltas around 0x7fff. */
  if (self->conn != NULL)
    vnc_connection_pointer_event (self->conn, buttons, 0x7fff + dx, 0x7fff + dy);
}

static void
vireo_vnc_display_send_button (VireoDisplay *display,
                               VireoButtons  button,
                               gboolean      down,
                               VireoButtons  buttons)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);

  if (self->conn == NULL)
    return;

  /* The position is unchanged: the pointer event carries the new mask. */
  if (vireo_display_get_absolute (display))
    vnc_connection_pointer_event (self->conn, buttons, self->pointer_x, self->pointer_y);
  else
    vnc_connection_pointer_event (self->conn, buttons, 0x7fff, 0x7fff);
}

static void
vireo_vnc_display_send_scroll (VireoDisplay         *display,
                               VireoScrollDirection  direction,
                               VireoButtons          buttons)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);
  guint8 bit = direction == VIREO_SCROLL_UP ? 1 << 3 : direction == VIREO_SCROLL_DOWN ? 1 << 4
             : direction == VIREO_SCROLL_LEFT ? 1 << 5 : 1 << 6;
  gboolean absolute = vireo_display_get_absolute (display);
  int x = absolute ? self->pointer_x : 0x7fff;
  int y = absolute ? self->pointer_y : 0x7fff;

  if (self->conn == NULL)
    return;

  vnc_connection_pointer_event (self->conn, buttons | bit, x, y);
  vnc_connection_pointer_event (self->conn, buttons, x, y);
}

static void
vireo_vnc_display_request_size (VireoDisplay *display,
                                int           width,
                                int           height,
                                int           width_mm,
                                int           height_mm)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);

  /* ExtendedDesktopSize; the answer is the next desktop-resize, if the device can. */
  if (self->conn != NULL && (width != self->width || height != self->height))
    vnc_connection_set_size (self->conn, width, height);
}

static void
vireo_vnc_display_disconnect (VireoDisplay *display)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);

  drop_connection (self);
  _vireo_display_set_state (display, VIREO_DISPLAY_DISCONNECTED, _("The console was closed."));
}

/**
 * vireo_vnc_display_open_fd:
 * @fd: (transfer full): a connected socket to the guest's VNC server
 *
 * Starts the VNC session on @fd, dropping any previous one. The display owns @fd from now on.
 */
gboolean
vireo_vnc_display_open_fd (VireoVncDisplay  *self,
                           int               fd,
                           GError          **error)
{
  g_return_val_if_fail (VIREO_IS_VNC_DISPLAY (self), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);

  drop_connection (self);
  self->failed = FALSE;
  self->conn = vnc_connection_new ();
  g_signal_connect (self->conn, "vnc-auth-choose-type", G_CALLBACK (auth_choose_type_cb), self);
  g_signal_connect (self->conn, "vnc-initialized", G_CALLBACK (initialized_cb), self);
  g_signal_connect (self->conn, "vnc-framebuffer-update", G_CALLBACK (framebuffer_update_cb), self);
  g_signal_connect (self->conn, "vnc-desktop-resize", G_CALLBACK (desktop_resize_cb), self);
  g_signal_connect (self->conn, "vnc-pixel-format-changed", G_CALLBACK (pixel_format_changed_cb), self);
  g_signal_connect (self->conn, "vnc-pointer-mode-changed", G_CALLBACK (pointer_mode_changed_cb), self);
  g_signal_connect (self->conn, "vnc-cursor-changed", G_CALLBACK (cursor_changed_cb), self);
  g_signal_connect (self->conn, "vnc-server-cut-text", G_CALLBACK (server_cut_text_cb), self);
  g_signal_connect (self->conn, "vnc-error", G_CALLBACK (error_cb), self);
  g_signal_connect (self->conn, "vnc-disconnected", G_CALLBACK (disconnected_cb), self);

  _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_CONNECTING, NULL);
  if (!vnc_connection_open_fd (self->conn, fd))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The VNC connection could not be opened."));
      drop_connection (self);
      _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_DISCONNECTED, _("The VNC connection could not be opened."));
      return FALSE;
    }

  return TRUE;
}

static void
fd_opened_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoVncDisplay) self = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = vireo_console_source_open_fd_finish (VIREO_CONSOLE_SOURCE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* a newer open, a disconnect or dispose came first */

  g_clear_object (&self->cancellable);
  if (fd < 0)
    {
      g_dbus_error_strip_remote_error (error);
      _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_DISCONNECTED, error->message);
      return;
    }

  vireo_vnc_display_open_fd (self, fd, NULL);
}

/* One socket from @source, then gvnc on it. */
static void
vireo_vnc_display_open (VireoDisplay       *display,
                        VireoConsoleSource *source)
{
  VireoVncDisplay *self = VIREO_VNC_DISPLAY (display);

  drop_connection (self);
  self->cancellable = g_cancellable_new ();
  _vireo_display_set_state (display, VIREO_DISPLAY_CONNECTING, NULL);
  vireo_console_source_open_fd_async (source, "vnc", self->cancellable, fd_opened_cb, g_object_ref (self));
}

static void
vireo_vnc_display_dispose (GObject *object)
{
  VireoVncDisplay *self = (VireoVncDisplay *) object;

  drop_connection (self);
  g_clear_object (&self->framebuffer);

  G_OBJECT_CLASS (vireo_vnc_display_parent_class)->dispose (object);
}

static void
vireo_vnc_display_finalize (GObject *object)
{
  VireoVncDisplay *self = (VireoVncDisplay *) object;

  g_clear_pointer (&self->buffer, g_free);

  G_OBJECT_CLASS (vireo_vnc_display_parent_class)->finalize (object);
}

static void
vireo_vnc_display_class_init (VireoVncDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VireoDisplayClass *display_class = VIREO_DISPLAY_CLASS (klass);

  object_class->dispose = vireo_vnc_display_dispose;
  object_class->finalize = vireo_vnc_display_finalize;

  display_class->send_key = vireo_vnc_display_send_key;
  display_class->send_position = vireo_vnc_display_send_position;
  display_class->send_motion = vireo_vnc_display_send_motion;
  display_class->send_button = vireo_vnc_display_send_button;
  display_class->send_scroll = vireo_vnc_display_send_scroll;
  display_class->request_size = vireo_vnc_display_request_size;
  display_class->open = vireo_vnc_display_open;
  display_class->disconnect = vireo_vnc_display_disconnect;
}

static void
vireo_vnc_display_init (VireoVncDisplay *self)
{
  g_signal_connect_object (gtk_widget_get_clipboard (GTK_WIDGET (self)), "changed",
                           G_CALLBACK (host_clipboard_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
vireo_vnc_display_new (void)
{
  return g_object_new (VIREO_TYPE_VNC_DISPLAY, NULL);
}
