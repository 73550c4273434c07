/* vireo-serial-bridge.c
 *
 * A guest's serial console reaches libvirt's clients as a virStream; the app gets a plain
 * socket. This copies bytes both ways on the main loop until either side closes, then
 * closes the other: a guest that stops ends the client's console, a client that goes away
 * ends the stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-serial-bridge"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vireo-serial-bridge.h"

#define CHUNK 4096

typedef struct {
  virStreamPtr  stream;
  GSocket      *socket;
  GSource      *socket_source;
  GByteArray   *to_socket;   /* from the guest, not yet written */
  GByteArray   *to_stream;   /* from the client, not yet sent */
  gboolean      closed;
} Bridge;

static void update_watches (Bridge *bridge);
static void bridge_free (gpointer data);

static gboolean
free_idle_cb (gpointer data)
{
  bridge_free (data);
  return G_SOURCE_REMOVE;
}

/* Called from either side's callback: the bridge itself goes once they have returned. */
static void
bridge_close (Bridge *bridge)
{
  if (bridge->closed)
    return;

  bridge->closed = TRUE;
  g_debug ("Serial console closed");
  virStreamEventRemoveCallback (bridge->stream);
  virStreamAbort (bridge->stream);
  virResetLastError ();
  if (bridge->socket_source != NULL)
    {
      g_source_destroy (bridge->socket_source);
      g_clear_pointer (&bridge->socket_source, g_source_unref);
    }
  g_socket_close (bridge->socket, NULL);
  g_idle_add (free_idle_cb, bridge);
}

static void
bridge_free (gpointer data)
{
  Bridge *bridge = data;

  virStreamFree (bridge->stream);
  g_clear_object (&bridge->socket);
  g_byte_array_unref (bridge->to_socket);
  g_byte_array_unref (bridge->to_stream);
  g_free (bridge);
}

static void
flush_to_stream (Bridge *bridge)
{
  while (bridge->to_stream->len > 0)
    {
      int sent = virStreamSend (bridge->stream, (const char *) bridge->to_stream->data, bridge->to_stream->len);

      if (sent == -2)
        return;   /* later, when the stream is writable */
      if (sent < 0)
        {
          bridge_close (bridge);
          return;
        }
      g_byte_array_remove_range (bridge->to_stream, 0, sent);
    }
}

static void
flush_to_socket (Bridge *bridge)
{
  while (bridge->to_socket->len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize written = g_socket_send (bridge->socket, (const char *) bridge->to_socket->data,
                                      bridge->to_socket->len, NULL, &error);

      if (written < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            bridge_close (bridge);
          return;
        }
      g_byte_array_remove_range (bridge->to_socket, 0, written);
    }
}

static void
stream_event_cb (virStreamPtr  stream,
                 int           events,
                 void         *opaque)
{
  Bridge *bridge = opaque;

  if (bridge->closed)
    return;

  if (events & VIR_STREAM_EVENT_READABLE)
    {
      char buf[CHUNK];
      int n;

      /* Read only while the socket keeps up. */
      while (bridge->to_socket->len < 16 * CHUNK
             && (n = virStreamRecv (stream, buf, sizeof buf)) != -2)
        {
          if (n <= 0)
            {
              bridge_close (bridge);   /* the guest stopped, or the stream failed */
              return;
            }
          g_byte_array_append (bridge->to_socket, (const guint8 *) buf, n);
        }
      flush_to_socket (bridge);
    }

  if (!bridge->closed && (events & VIR_STREAM_EVENT_WRITABLE))
    flush_to_stream (bridge);

  if (!bridge->closed && (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)))
    bridge_close (bridge);

  if (!bridge->closed)
    update_watches (bridge);
}

static gboolean
socket_event_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Bridge *bridge = user_data;

  if (bridge->closed)
    return G_SOURCE_REMOVE;

  if (condition & G_IO_IN)
    {
      char buf[CHUNK];
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);

      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
        {
          bridge_close (bridge);   /* the client went away */
          return G_SOURCE_REMOVE;
        }
      if (n > 0)
        {
          g_byte_array_append (bridge->to_stream, (const guint8 *) buf, n);
          flush_to_stream (bridge);
        }
    }

  if (!bridge->closed && (condition & G_IO_OUT))
    flush_to_socket (bridge);

  if (!bridge->closed && (condition & (G_IO_HUP | G_IO_ERR)) && !(condition & G_IO_IN))
    bridge_close (bridge);

  if (bridge->closed)
    return G_SOURCE_REMOVE;

  update_watches (bridge);
  return G_SOURCE_REMOVE;   /* update_watches made a fresh source */
}

/* Watch only for what can make progress, so that nothing spins. */
static void
update_watches (Bridge *bridge)
{
  int stream_events = VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP;
  GIOCondition socket_events = G_IO_HUP | G_IO_ERR;

  if (bridge->to_socket->len < 16 * CHUNK)
    stream_events |= VIR_STREAM_EVENT_READABLE;
  if (bridge->to_stream->len > 0)
    stream_events |= VIR_STREAM_EVENT_WRITABLE;
  else
    socket_events |= G_IO_IN;
  if (bridge->to_socket->len > 0)
    socket_events |= G_IO_OUT;

  virStreamEventUpdateCallback (bridge->stream, stream_events);

  if (bridge->socket_source != NULL)
    {
      g_source_destroy (bridge->socket_source);
      g_clear_pointer (&bridge->socket_source, g_source_unref);
    }
  bridge->socket_source = g_socket_create_source (bridge->socket, socket_events, NULL);
  g_source_set_callback (bridge->socket_source, (GSourceFunc) (GCallback) socket_event_cb, bridge, NULL);
  g_source_attach (bridge->socket_source, NULL);
}

/**
 * vireo_serial_bridge_start:
 * @stream: (transfer full): a non-blocking stream from virDomainOpenConsole()
 * @fd: (transfer full): the helper's end of a socket pair
 *
 * Copies bytes between @stream and @fd on the main loop until one of them closes.
 */
void
vireo_serial_bridge_start (virStreamPtr stream,
                           int          fd)
{
  g_autoptr(GError) error = NULL;
  Bridge *bridge;

  bridge = g_new0 (Bridge, 1);
  bridge->stream = stream;
  bridge->to_socket = g_byte_array_new ();
  bridge->to_stream = g_byte_array_new ();
  bridge->socket = g_socket_new_from_fd (fd, &error);
  if (bridge->socket == NULL)
    {
      g_warning ("Serial console: %s", error->message);
      close (fd);
      virStreamAbort (stream);
      bridge->closed = TRUE;
      bridge_free (bridge);
      return;
    }
  g_socket_set_blocking (bridge->socket, FALSE);

  if (virStreamEventAddCallback (stream, VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP,
                                 stream_event_cb, bridge, NULL) < 0)
    {
      g_warning ("Serial console: cannot watch the stream");
      g_socket_close (bridge->socket, NULL);
      virStreamAbort (stream);
      bridge->closed = TRUE;
      bridge_free (bridge);
      return;
    }

  update_watches (bridge);
}
