/* vireo-spice-display.c
 *
 * The SPICE backend: spice-client-glib with client-provided sockets. Every channel (main,
 * display, inputs, cursor, audio, USB) asks for its own socket through "open-fd"; each comes
 * from the console source, that is from the helper (docs/CONSOLES.md, "Connecting").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-spice-display"

#include "config.h"

#include <glib/gi18n.h>
#include <linux/input-event-codes.h>
#include <spice-client.h>
#include <spice/vd_agent.h>
#include <string.h>
#include <unistd.h>

#include "vireo-display-private.h"
#include "vireo-keymap.h"
#include "vireo-spice-display.h"
#include "vireo-usb-chooser.h"

struct _VireoSpiceDisplay {
  VireoDisplay        parent_instance;

  /* Owned references */
  VireoConsoleSource *source;
  SpiceSession       *session;
  SpiceMainChannel   *main;
  SpiceChannel       *display;
  SpiceInputsChannel *inputs;
  GCancellable       *cancellable;

  gboolean            have_primary;
  gboolean            closing;
};

G_DEFINE_FINAL_TYPE (VireoSpiceDisplay, vireo_spice_display, VIREO_TYPE_DISPLAY)

/* The display channel frees its primary surface when it goes, and the signal saying so
 * comes after our handlers are gone: the base must stop reading it first. */
static void
forget_primary (VireoSpiceDisplay *self)
{
  if (!self->have_primary)
    return;
  self->have_primary = FALSE;
  _vireo_display_set_framebuffer (VIREO_DISPLAY (self), NULL, 0, 0, 0);
}

static void
drop_session (VireoSpiceDisplay *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  forget_primary (self);

  if (self->session != NULL)
    {
      GList *channels = spice_session_get_channels (self->session);

      /* No signal may reach a half-gone widget. */
      for (GList *l = channels; l != NULL; l = l->next)
        g_signal_handlers_disconnect_by_data (l->data, self);
      g_list_free (channels);
      g_signal_handlers_disconnect_by_data (self->session, self);
      spice_session_disconnect (self->session);
    }

  g_clear_object (&self->main);
  g_clear_object (&self->display);
  g_clear_object (&self->inputs);
  g_clear_object (&self->session);
}

static void
fail (VireoSpiceDisplay *self,
      const char        *message)
{
  if (self->closing)
    return;

  self->closing = TRUE;
  _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_DISCONNECTED, message);
  drop_session (self);
}

/* Sockets */

typedef struct {
  VireoSpiceDisplay *self;
  SpiceChannel      *channel;
} FdRequest;

static void
fd_opened_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FdRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = vireo_console_source_open_fd_finish (VIREO_CONSOLE_SOURCE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (request->channel);
      g_free (request);
      return;
    }

  if (fd < 0)
    {
      g_debug ("No socket for a SPICE channel: %s", error->message);
      if (SPICE_IS_MAIN_CHANNEL (request->channel))
        fail (request->self, error->message);
      else
        spice_channel_disconnect (request->channel, SPICE_CHANNEL_ERROR_CONNECT);
    }
  else if (!spice_channel_open_fd (request->channel, fd))
    close (fd);

  g_object_unref (request->channel);
  g_free (request);
}

static void
open_fd_cb (SpiceChannel      *channel,
            int                with_tls,
            VireoSpiceDisplay *self)
{
  FdRequest *request = g_new0 (FdRequest, 1);

  request->self = self;
  request->channel = g_object_ref (channel);
  vireo_console_source_open_fd_async (self->source, "spice", self->cancellable, fd_opened_cb, request);
}

/* Channels */

static void
channel_event_cb (SpiceChannel      *channel,
                  SpiceChannelEvent  event,
                  VireoSpiceDisplay *self)
{
  g_autofree char *message = NULL;
  const GError *error;

  switch (event)
    {
    case SPICE_CHANNEL_OPENED:
      return;

    case SPICE_CHANNEL_CLOSED:
      message = g_strdup (_("The console was closed: the machine stopped or restarted its display."));
      break;

    case SPICE_CHANNEL_ERROR_AUTH:
      message = g_strdup (_("The SPICE server asks for a password; Vireo opens only pre-authenticated consoles."));
      break;

    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_IO:
    case SPICE_CHANNEL_SWITCHING:
    case SPICE_CHANNEL_NONE:
    default:
      error = spice_channel_get_error (channel);
      message = g_strdup_printf (_("The console connection failed: %s"),
                                 error != NULL ? error->message : _("unknown error"));
      break;
    }

  /* The session does not end itself when its main channel goes
   * (docs/CONSOLES.md, "Disconnects"). */
  if (SPICE_IS_MAIN_CHANNEL (channel) || channel == self->display)
    fail (self, message);
}

static void
primary_create_cb (SpiceChannel      *channel,
                   int                format,
                   int                width,
                   int                height,
                   int                stride,
                   int                shmid,
                   gpointer           data,
                   VireoSpiceDisplay *self)
{
  if (format != SPICE_SURFACE_FMT_32_xRGB)
    {
      g_warning ("SPICE primary surface in format %d is not supported", format);
      return;
    }

  self->have_primary = TRUE;
  _vireo_display_set_framebuffer (VIREO_DISPLAY (self), data, width, height, stride);
  _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_CONNECTED, NULL);
}

static void
primary_destroy_cb (SpiceChannel      *channel,
                    VireoSpiceDisplay *self)
{
  /* The data goes away; the last frame stays until the next surface. */
  forget_primary (self);
}

static void
invalidate_cb (SpiceChannel      *channel,
               int                x,
               int                y,
               int                width,
               int                height,
               VireoSpiceDisplay *self)
{
  if (self->have_primary)
    _vireo_display_damage (VIREO_DISPLAY (self), x, y, width, height);
}

static void
mouse_update_cb (SpiceMainChannel  *main,
                 VireoSpiceDisplay *self)
{
  int mode = 0;

  g_object_get (main, "mouse-mode", &mode, NULL);
  _vireo_display_set_absolute (VIREO_DISPLAY (self), mode == SPICE_MOUSE_MODE_CLIENT);
}

static void
cursor_notify_cb (SpiceCursorChannel *cursor,
                  GParamSpec         *pspec,
                  VireoSpiceDisplay  *self)
{
  SpiceCursorShape *shape = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkCursor) gdk_cursor = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_object_get (cursor, "cursor", &shape, NULL);
  if (shape == NULL || shape->data == NULL || shape->width == 0 || shape->height == 0)
    {
      _vireo_display_set_cursor (VIREO_DISPLAY (self), NULL);
      if (shape != NULL)
        g_boxed_free (SPICE_TYPE_CURSOR_SHAPE, shape);
      return;
    }

  bytes = g_bytes_new (shape->data, (gsize) shape->width * shape->height * 4);
  texture = gdk_memory_texture_new (shape->width, shape->height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                    bytes, shape->width * 4);
  gdk_cursor = gdk_cursor_new_from_texture (texture, shape->hot_spot_x, shape->hot_spot_y, NULL);
  _vireo_display_set_cursor (VIREO_DISPLAY (self), gdk_cursor);
  g_boxed_free (SPICE_TYPE_CURSOR_SHAPE, shape);
}

static void
cursor_hide_cb (SpiceCursorChannel *cursor,
                VireoSpiceDisplay  *self)
{
  g_autoptr(GdkCursor) none = gdk_cursor_new_from_name ("none", NULL);

  _vireo_display_set_cursor (VIREO_DISPLAY (self), none);
}

/* Clipboard, text only, through the guest agent (docs/CONSOLES.md, "Clipboard"). */

static gboolean
agent_connected (VireoSpiceDisplay *self)
{
  gboolean connected = FALSE;

  if (self->main != NULL)
    g_object_get (self->main, "agent-connected", &connected, NULL);
  return connected;
}

static gboolean
clipboard_grab_cb (SpiceMainChannel  *main,
                   guint              selection,
                   guint32           *types,
                   guint              n_types,
                   VireoSpiceDisplay *self)
{
  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD
      || !vireo_display_get_share_clipboard (VIREO_DISPLAY (self)))
    return TRUE;

  for (guint i = 0; i < n_types; i++)
    if (types[i] == VD_AGENT_CLIPBOARD_UTF8_TEXT)
      {
        spice_main_channel_clipboard_selection_request (main, selection, VD_AGENT_CLIPBOARD_UTF8_TEXT);
        break;
      }
  return TRUE;
}

static void
clipboard_selection_cb (SpiceMainChannel  *main,
                        guint              selection,
                        guint              type,
                        const guchar      *data,
                        guint              size,
                        VireoSpiceDisplay *self)
{
  g_autofree char *text = NULL;

  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD || type != VD_AGENT_CLIPBOARD_UTF8_TEXT
      || !vireo_display_get_share_clipboard (VIREO_DISPLAY (self)))
    return;

  text = g_strndup ((const char *) data, size);
  if (!g_utf8_validate (text, -1, NULL))
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

typedef struct {
  SpiceMainChannel *main;
  guint             selection;
} ClipboardRequest;

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ClipboardRequest *request = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  /* An empty answer when there is nothing: the agent waits for one either way. */
  spice_main_channel_clipboard_selection_notify (request->main, request->selection, VD_AGENT_CLIPBOARD_UTF8_TEXT,
                                                 (const guchar *) (text != NULL ? text : ""),
                                                 text != NULL ? strlen (text) : 0);
  g_object_unref (request->main);
  g_free (request);
}

static gboolean
clipboard_request_cb (SpiceMainChannel  *main,
                      guint              selection,
                      guint              type,
                      VireoSpiceDisplay *self)
{
  ClipboardRequest *request;

  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD || type != VD_AGENT_CLIPBOARD_UTF8_TEXT
      || !vireo_display_get_share_clipboard (VIREO_DISPLAY (self)))
    return FALSE;

  request = g_new0 (ClipboardRequest, 1);
  request->main = g_object_ref (main);
  request->selection = selection;
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL, read_text_cb, request);
  return TRUE;
}

/* The host's clipboard changed: offer it to the guest. */
static void
host_clipboard_changed_cb (VireoSpiceDisplay *self,
                           GdkClipboard      *clipboard)
{
  guint32 type = VD_AGENT_CLIPBOARD_UTF8_TEXT;
  GdkContentFormats *formats;

  if (gdk_clipboard_is_local (clipboard))
    return;   /* our own, from the guest: no echo */

  formats = gdk_clipboard_get_formats (clipboard);
  if (self->main == NULL || !agent_connected (self) || !vireo_display_get_share_clipboard (VIREO_DISPLAY (self))
      || !gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    return;

  spice_main_channel_clipboard_selection_grab (self->main, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, &type, 1);
}

static void
channel_new_cb (SpiceSession      *session,
                SpiceChannel      *channel,
                VireoSpiceDisplay *self)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  g_signal_connect (channel, "open-fd", G_CALLBACK (open_fd_cb), self);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      g_set_object (&self->main, SPICE_MAIN_CHANNEL (channel));
      g_signal_connect (channel, "channel-event", G_CALLBACK (channel_event_cb), self);
      g_signal_connect (channel, "main-mouse-update", G_CALLBACK (mouse_update_cb), self);
      g_signal_connect (channel, "main-clipboard-selection-grab", G_CALLBACK (clipboard_grab_cb), self);
      g_signal_connect (channel, "main-clipboard-selection", G_CALLBACK (clipboard_selection_cb), self);
      g_signal_connect (channel, "main-clipboard-selection-request", G_CALLBACK (clipboard_request_cb), self);
      return;   /* the session connects it */
    }

  if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      if (id != 0 || self->display != NULL)
        return;   /* one monitor per widget: the first */
      self->display = g_object_ref (channel);
      g_signal_connect (channel, "channel-event", G_CALLBACK (channel_event_cb), self);
      g_signal_connect (channel, "display-primary-create", G_CALLBACK (primary_create_cb), self);
      g_signal_connect (channel, "display-primary-destroy", G_CALLBACK (primary_destroy_cb), self);
      g_signal_connect (channel, "display-invalidate", G_CALLBACK (invalidate_cb), self);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_INPUTS_CHANNEL (channel))
    {
      g_set_object (&self->inputs, SPICE_INPUTS_CHANNEL (channel));
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_CURSOR_CHANNEL (channel))
    {
      g_signal_connect (channel, "notify::cursor", G_CALLBACK (cursor_notify_cb), self);
      g_signal_connect (channel, "cursor-hide", G_CALLBACK (cursor_hide_cb), self);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_PLAYBACK_CHANNEL (channel) || SPICE_IS_RECORD_CHANNEL (channel))
    {
      /* The audio backend connects the channels itself. */
      spice_audio_get (session, NULL);
    }
  else if (SPICE_IS_USBREDIR_CHANNEL (channel))
    spice_channel_connect (channel);
}

static void
channel_destroy_cb (SpiceSession      *session,
                    SpiceChannel      *channel,
                    VireoSpiceDisplay *self)
{
  g_signal_handlers_disconnect_by_data (channel, self);
  if ((gpointer) channel == (gpointer) self->main)
    g_clear_object (&self->main);
  else if (channel == self->display)
    {
      g_debug ("The SPICE display channel went away");
      forget_primary (self);
      g_clear_object (&self->display);
    }
  else if ((gpointer) channel == (gpointer) self->inputs)
    g_clear_object (&self->inputs);
}

/* A SPICE session whose channels each get a socket from @source. */
static void
vireo_spice_display_open (VireoDisplay       *display,
                          VireoConsoleSource *source)
{
  VireoSpiceDisplay *self = VIREO_SPICE_DISPLAY (display);

  drop_session (self);
  g_set_object (&self->source, source);
  self->closing = FALSE;
  self->cancellable = g_cancellable_new ();
  self->session = spice_session_new ();
  g_object_set (self->session, "enable-audio", TRUE, "enable-usbredir", TRUE, NULL);
  g_signal_connect (self->session, "channel-new", G_CALLBACK (channel_new_cb), self);
  g_signal_connect (self->session, "channel-destroy", G_CALLBACK (channel_destroy_cb), self);

  _vireo_display_set_state (VIREO_DISPLAY (self), VIREO_DISPLAY_CONNECTING, NULL);
  /* -1: the main channel asks for its socket through open-fd as well. */
  if (!spice_session_open_fd (self->session, -1))
    fail (self, _("The SPICE session could not be started."));
}

/**
 * vireo_spice_display_get_session:
 *
 * Returns: (transfer none) (nullable): the #SpiceSession, for USB redirection
 */
gpointer
vireo_spice_display_get_session (VireoSpiceDisplay *self)
{
  g_return_val_if_fail (VIREO_IS_SPICE_DISPLAY (self), NULL);

  return self->session;
}

/* Input */

static void
vireo_spice_display_send_key (VireoDisplay *display,
                              gboolean      down,
                              guint         evdev,
                              guint         keyval)
{
  VireoSpiceDisplay *self = VIREO_SPICE_DISPLAY (display);
  guint scancode = vireo_keymap_evdev_to_spice (evdev);

  if (self->inputs == NULL)
    return;

  /* Pause has no make code of its own: the keymap says what to send. */
  if (evdev == KEY_PAUSE)
    {
      guint n_steps = 0;
      const VireoSpiceKeyStep *steps = vireo_keymap_spice_pause_sequence (&n_steps);

      if (down)
        for (guint i = 0; i < n_steps; i++)
          {
            if (steps[i].release)
              spice_inputs_channel_key_release (self->inputs, steps[i].scancode);
            else
              spice_inputs_channel_key_press (self->inputs, steps[i].scancode);
          }
      return;
    }

  if (scancode == 0)
    return;

  if (down)
    spice_inputs_channel_key_press (self->inputs, scancode);
  else
    spice_inputs_channel_key_release (self->inputs, scancode);
}

static void
vireo_spice_display_send_position (VireoDisplay *display,
                                   int           x,
                                   int           y,
                                   VireoButtons  buttons)
{
  VireoSpiceDisplay *self = VIREO_SPICE_DISPLAY (display);

  if (self->inputs != NULL)
    spice_inputs_channel_position (self->inputs, x, y, 0, buttons);
}

static void
vireo_spice_display_send_motion (VireoDisplay *display,
                                 int           dx,
                                 int           dy,
                                 VireoButtons  buttons)
{
  VireoSpiceDisplay *self = VIREO_SPICE_DISPLAY (display);

  if (self->inputs != NULL)
    spice_inputs_channel_motion (self->inputs, dx, dy, buttons);
}

static int
spice_button (VireoButtons button)
{
  switch (button)
    {
    case VIREO_BUTTON_LEFT:
      return SPICE_MOUSE_BUTTON_LEFT;
    case VIREO_BUTTON_MIDDLE:
      return SPICE_MOUSE_BUTTON_MIDDLE;
    case VIREO_BUTTON_RIGHT:
      return SPICE_MOUSE_BUTTON_RIGHT;
    default:
      return SPICE_MOUSE_BUTTON_INVALID;
    }
}

static void
vireo_spice_display_send_button (VireoDisplay *display,
                                 VireoButtons  button,
                                 gboolean      down,
                                 VireoButtons  buttons)
{
  VireoSpiceDisplay *self = VIREO_SPICE_DISPLAY (display);

  if (self->inputs == NULL)
    return;

  if (down)
    spice_inputs_channel_button_press (self->inputs, spice_button (button), buttons);
  else
    spice_inputs_channel_button_release (self->inputs, spice_button (button), buttons);
}

static void
vireo_spice_display_send_scroll (VireoDisplay         *display,
                                 VireoScrollDirection  direction,
                                 VireoButtons          buttons)
{
  VireoSpiceDisplay *self = VIREO_SPICE_DISPLAY (display);
  int button;

  if (self->inputs == NULL || (direction != VIREO_SCROLL_UP && direction != VIREO_SCROLL_DOWN))
    return;

  button = direction == VIREO_SCROLL_UP ? SPICE_MOUSE_BUTTON_UP : SPICE_MOUSE_BUTTON_DOWN;
  spice_inputs_channel_button_press (self->inputs, button, buttons);
  spice_inputs_channel_button_release (self->inputs, button, buttons);
}

static void
vireo_spice_display_request_size (VireoDisplay *display,
                                  int           width,
                                  int           height,
                                  int           width_mm,
                                  int           height_mm)
{
  VireoSpiceDisplay *self = VIREO_SPICE_DISPLAY (display);
  gboolean agent = FALSE;

  if (self->main == NULL)
    return;

  /* Only the guest agent can resize; without it the library would complain. */
  g_object_get (self->main, "agent-connected", &agent, NULL);
  if (!agent)
    return;

  spice_main_channel_update_display_enabled (self->main, 0, TRUE, FALSE);
  if (width_mm > 0 && height_mm > 0)
    spice_main_channel_update_display_mm (self->main, 0, width_mm, height_mm, FALSE);
  spice_main_channel_update_display (self->main, 0, 0, 0, width, height, TRUE);
}

static void
vireo_spice_display_disconnect (VireoDisplay *display)
{
  fail (VIREO_SPICE_DISPLAY (display), _("The console was closed."));
}

static GtkWidget *
vireo_spice_display_create_usb_chooser (VireoDisplay *display)
{
  return vireo_usb_chooser_new (VIREO_SPICE_DISPLAY (display));
}

static void
vireo_spice_display_dispose (GObject *object)
{
  VireoSpiceDisplay *self = (VireoSpiceDisplay *) object;

  self->closing = TRUE;
  drop_session (self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (vireo_spice_display_parent_class)->dispose (object);
}

static void
vireo_spice_display_class_init (VireoSpiceDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VireoDisplayClass *display_class = VIREO_DISPLAY_CLASS (klass);

  object_class->dispose = vireo_spice_display_dispose;

  display_class->send_key = vireo_spice_display_send_key;
  display_class->send_position = vireo_spice_display_send_position;
  display_class->send_motion = vireo_spice_display_send_motion;
  display_class->send_button = vireo_spice_display_send_button;
  display_class->send_scroll = vireo_spice_display_send_scroll;
  display_class->request_size = vireo_spice_display_request_size;
  display_class->open = vireo_spice_display_open;
  display_class->disconnect = vireo_spice_display_disconnect;
  display_class->create_usb_chooser = vireo_spice_display_create_usb_chooser;
}

static void
vireo_spice_display_init (VireoSpiceDisplay *self)
{
  g_signal_connect_object (gtk_widget_get_clipboard (GTK_WIDGET (self)), "changed",
                           G_CALLBACK (host_clipboard_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
vireo_spice_display_new (void)
{
  return g_object_new (VIREO_TYPE_SPICE_DISPLAY, NULL);
}
