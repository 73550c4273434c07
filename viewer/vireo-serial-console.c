/* vireo-serial-console.c
 *
 * A guest's serial console in a VTE terminal. The helper bridges libvirt's console stream to
 * a socket (Machine.OpenSerial); the console reads it as a GIO stream, feeds what arrives to
 * the terminal, and writes what the user types back, in order, without blocking. Reconnects
 * by itself when the machine starts again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-serial-console"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n.h>
#include <vte/vte.h>

#include "vireo-serial-console.h"

struct _VireoSerialConsole {
  GtkWidget         parent_instance;

  /* Owned references */
  VireoDBusMachine *machine;
  GIOStream        *stream;          /* the serial socket, NULL while closed */
  GCancellable     *io_cancellable;  /* the stream's reads and writes */
  GByteArray       *pending;         /* typed, not yet written */
  GCancellable     *cancellable;     /* opening */
  gboolean          writing;

  /* Children */
  GtkWidget        *overlay;
  GtkWidget        *terminal;
  GtkWidget        *status_box;
  GtkWidget        *status_label;
  GtkWidget        *reconnect_button;

  gboolean          wanted;
  gboolean          taken_over;      /* the stream ended while the machine ran */
};

G_DEFINE_FINAL_TYPE (VireoSerialConsole, vireo_serial_console, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
machine_running (VireoSerialConsole *self)
{
  return self->machine != NULL && vireo_machine_state_is_active (vireo_machine_get_state (self->machine));
}

static void
show_status (VireoSerialConsole *self,
             const char         *message)
{
  gtk_label_set_label (GTK_LABEL (self->status_label), message);
  gtk_widget_set_visible (self->reconnect_button, machine_running (self));
  gtk_widget_set_visible (self->status_box, message != NULL);
}

static void
close_stream (VireoSerialConsole *self,
              const char         *reason)
{
  gboolean was_connected = self->stream != NULL;

  self->taken_over = FALSE;
  g_cancellable_cancel (self->io_cancellable);
  g_clear_object (&self->io_cancellable);
  /* The reads and writes still pending end cancelled; the socket closes now, not when they
   * let go of the stream. */
  if (self->stream != NULL)
    g_socket_close (g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->stream)), NULL);
  g_clear_object (&self->stream);
  g_byte_array_set_size (self->pending, 0);
  self->writing = FALSE;

  show_status (self, reason);
  if (was_connected)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void read_next (VireoSerialConsole *self);
static void write_next (VireoSerialConsole *self);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VireoSerialConsole) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* closed: nothing of ours to touch */

  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);

      vte_terminal_feed (VTE_TERMINAL (self->terminal), data, size);
      read_next (self);
      return;
    }

  if (error != NULL)
    g_debug ("Serial console: %s", error->message);
  /* The helper ends the stream when the machine stops, and when another program opens the
   * console with "force" (vireoctl serial --force): then the machine still runs. The stream
   * can end before the machine's state says that it stopped: machine_state_cb corrects it. */
  if (machine_running (self))
    {
      close_stream (self, _("Another program took the serial console over. Reconnect to take it back."));
      self->taken_over = TRUE;
    }
  else
    close_stream (self, _("The serial console closed: the machine stopped."));
}

static void
read_next (VireoSerialConsole *self)
{
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (self->stream), 4096, G_PRIORITY_DEFAULT,
                                   self->io_cancellable, read_cb, g_object_ref (self));
}

typedef struct {
  VireoSerialConsole *self;
  GBytes             *bytes;   /* read by the write until it completes */
} Write;

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Write *write = user_data;
  g_autoptr(VireoSerialConsole) self = write->self;
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error);

  g_bytes_unref (write->bytes);
  g_free (write);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* closed: nothing of ours to touch */
  if (!ok)
    {
      close_stream (self, error->message);
      return;
    }

  self->writing = FALSE;
  write_next (self);
}

/* One write at a time, of all that was typed meanwhile: keys reach the guest in order. */
static void
write_next (VireoSerialConsole *self)
{
  Write *write;

  if (self->writing || self->stream == NULL || self->pending->len == 0)
    return;

  write = g_new0 (Write, 1);
  write->self = g_object_ref (self);
  write->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->pending));
  self->pending = g_byte_array_new ();
  self->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   g_bytes_get_data (write->bytes, NULL), g_bytes_get_size (write->bytes),
                                   G_PRIORITY_DEFAULT, self->io_cancellable, write_cb, write);
}

static void
commit_cb (VireoSerialConsole *self,
           const char         *text,
           guint               size,
           VteTerminal        *terminal)
{
  if (self->stream == NULL)
    return;

  g_byte_array_append (self->pending, (const guint8 *) text, size);
  write_next (self);
}

static void
open_serial_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VireoSerialConsole) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  int fd;

  fd = vireo_machine_open_serial_finish (VIREO_DBUS_MACHINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (fd < 0 || (socket = g_socket_new_from_fd (fd, &error)) == NULL)
    {
      g_autofree char *sentence = NULL;
      g_autofree char *detail = NULL;

      if (fd >= 0)
        close (fd);
      /* The sentence, without libvirt's words on a second line. */
      vireo_error_get_text (error, &sentence, &detail);
      close_stream (self, sentence);
      return;
    }

  self->stream = G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
  self->io_cancellable = g_cancellable_new ();
  read_next (self);
  show_status (self, NULL);
  gtk_widget_grab_focus (self->terminal);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/* @force takes the console over from another program. */
static void
open_serial (VireoSerialConsole *self,
             gboolean            force)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  vireo_machine_open_serial_async (self->machine, force, self->cancellable, open_serial_cb, g_object_ref (self));
}

/**
 * vireo_serial_console_connect:
 *
 * Opens the serial console now, and again whenever the machine starts.
 */
void
vireo_serial_console_connect (VireoSerialConsole *self)
{
  g_return_if_fail (VIREO_IS_SERIAL_CONSOLE (self));

  self->wanted = TRUE;
  if (self->machine == NULL || self->stream != NULL)
    return;

  if (!machine_running (self))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not running. Its serial console opens when it starts."),
                                                  vireo_dbus_machine_get_name (self->machine));
      show_status (self, message);
      return;
    }

  open_serial (self, FALSE);
}

void
vireo_serial_console_disconnect (VireoSerialConsole *self)
{
  g_return_if_fail (VIREO_IS_SERIAL_CONSOLE (self));

  self->wanted = FALSE;
  g_cancellable_cancel (self->cancellable);
  close_stream (self, _("The serial console is closed."));
}

gboolean
vireo_serial_console_get_connected (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), FALSE);

  return self->stream != NULL;
}

/**
 * vireo_serial_console_get_text:
 *
 * Returns: (transfer full): what the terminal shows, for tests and accessibility checks
 */
char *
vireo_serial_console_get_text (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), NULL);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  return vte_terminal_get_text (VTE_TERMINAL (self->terminal), NULL, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
machine_state_cb (VireoSerialConsole *self)
{
  if (self->stream != NULL)
    return;

  if (self->taken_over && !machine_running (self))
    {
      /* The stream ended as the machine stopped, before its state said so. */
      self->taken_over = FALSE;
      show_status (self, _("The serial console closed: the machine stopped."));
    }
  if (self->wanted && machine_running (self) && !self->taken_over)
    vireo_serial_console_connect (self);
  else
    show_status (self, gtk_label_get_label (GTK_LABEL (self->status_label)));
}

static void
reconnect_clicked_cb (VireoSerialConsole *self)
{
  /* Taken over: the user asks for it back, as the other program took it. */
  if (self->taken_over && self->machine != NULL && self->stream == NULL && machine_running (self))
    {
      self->wanted = TRUE;
      open_serial (self, TRUE);
      return;
    }
  vireo_serial_console_connect (self);
}

void
vireo_serial_console_set_machine (VireoSerialConsole *self,
                                  VireoDBusMachine   *machine)
{
  g_return_if_fail (VIREO_IS_SERIAL_CONSOLE (self));

  if (self->machine == machine)
    return;

  self->wanted = FALSE;
  g_cancellable_cancel (self->cancellable);
  close_stream (self, NULL);
  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  g_set_object (&self->machine, machine);
  vte_terminal_reset (VTE_TERMINAL (self->terminal), TRUE, TRUE);
  if (machine != NULL)
    g_signal_connect_swapped (machine, "notify::state", G_CALLBACK (machine_state_cb), self);
}

static void
vireo_serial_console_dispose (GObject *object)
{
  VireoSerialConsole *self = (VireoSerialConsole *) object;

  g_cancellable_cancel (self->cancellable);
  vireo_serial_console_set_machine (self, NULL);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);

  G_OBJECT_CLASS (vireo_serial_console_parent_class)->dispose (object);
}

static void
vireo_serial_console_finalize (GObject *object)
{
  VireoSerialConsole *self = (VireoSerialConsole *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_byte_array_unref);

  G_OBJECT_CLASS (vireo_serial_console_parent_class)->finalize (object);
}

static void
vireo_serial_console_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->stream != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_serial_console_class_init (VireoSerialConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_serial_console_dispose;
  object_class->finalize = vireo_serial_console_finalize;
  object_class->get_property = vireo_serial_console_get_property;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vireo-serial-console");
}

static void
vireo_serial_console_init (VireoSerialConsole *self)
{
  GtkWidget *scrolled, *status_content;

  self->pending = g_byte_array_new ();
  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->terminal = vte_terminal_new ();
  gtk_widget_set_hexpand (self->terminal, TRUE);
  gtk_widget_set_vexpand (self->terminal, TRUE);
  vte_terminal_set_scrollback_lines (VTE_TERMINAL (self->terminal), 10000);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->terminal), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Serial console"), -1);
  g_signal_connect_swapped (self->terminal, "commit", G_CALLBACK (commit_cb), self);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->terminal);
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), scrolled);

  self->status_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_halign (self->status_box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->status_box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (self->status_box, 24);
  gtk_widget_set_margin_end (self->status_box, 24);
  gtk_widget_add_css_class (self->status_box, "osd");
  /* The padding, the same on every side, as the graphical console's (ui/vireo-console.ui). */
  status_content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (status_content, 18);
  gtk_widget_set_margin_bottom (status_content, 18);
  gtk_widget_set_margin_start (status_content, 24);
  gtk_widget_set_margin_end (status_content, 24);
  gtk_box_append (GTK_BOX (self->status_box), status_content);
  self->status_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->status_label), GTK_JUSTIFY_CENTER);
  self->reconnect_button = gtk_button_new_with_mnemonic (_("_Reconnect"));
  gtk_widget_set_halign (self->reconnect_button, GTK_ALIGN_CENTER);
  /* Readable on the dark status box and the black terminal, in light and dark styles. */
  gtk_widget_add_css_class (self->reconnect_button, "pill");
  gtk_widget_add_css_class (self->reconnect_button, "suggested-action");
  g_signal_connect_swapped (self->reconnect_button, "clicked", G_CALLBACK (reconnect_clicked_cb), self);
  gtk_box_append (GTK_BOX (status_content), self->status_label);
  gtk_box_append (GTK_BOX (status_content), self->reconnect_button);
  gtk_widget_set_visible (self->status_box, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->status_box);
}

GtkWidget *
vireo_serial_console_new (void)
{
  return g_object_new (VIREO_TYPE_SERIAL_CONSOLE, NULL);
}
