/* vireo-serial-console.c
 *
 * A guest's serial console in a VTE terminal. The helper bridges libvirt's console stream to
 * a socket (Machine.OpenSerial); bytes from it are fed to the terminal, and what the user
 * types goes back. Reconnects by itself when the machine starts again.
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
  GSocket          *socket;
  GSource          *source;
  GCancellable     *cancellable;

  /* Children */
  GtkWidget        *overlay;
  GtkWidget        *terminal;
  GtkWidget        *status_box;
  GtkWidget        *status_label;
  GtkWidget        *reconnect_button;

  gboolean          wanted;
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
close_socket (VireoSerialConsole *self,
              const char         *reason)
{
  gboolean was_connected = self->socket != NULL;

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);

  show_status (self, reason);
  if (was_connected)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static gboolean
socket_readable_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  VireoSerialConsole *self = user_data;
  g_autoptr(GError) error = NULL;
  char buf[4096];
  gssize n;

  n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
  if (n > 0)
    {
      vte_terminal_feed (VTE_TERMINAL (self->terminal), buf, n);
      return G_SOURCE_CONTINUE;
    }
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&self->source, g_source_unref);
  close_socket (self, _("The serial console closed: the machine stopped."));
  return G_SOURCE_REMOVE;
}

static void
commit_cb (VireoSerialConsole *self,
           const char         *text,
           guint               size,
           VteTerminal        *terminal)
{
  gsize written = 0;

  if (self->socket == NULL)
    return;

  /* Typing is slow; a short blocking write of a few bytes is fine here. */
  g_socket_set_blocking (self->socket, TRUE);
  while (written < size)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (self->socket, text + written, size - written, NULL, &error);

      if (n <= 0)
        break;
      written += n;
    }
  g_socket_set_blocking (self->socket, FALSE);
}

static void
open_serial_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VireoSerialConsole) self = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = vireo_machine_open_serial_finish (VIREO_DBUS_MACHINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (fd < 0 || (self->socket = g_socket_new_from_fd (fd, &error)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      close_socket (self, error->message);
      return;
    }

  g_socket_set_blocking (self->socket, FALSE);
  self->source = g_socket_create_source (self->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (self->source, (GSourceFunc) (GCallback) socket_readable_cb, self, NULL);
  g_source_attach (self->source, NULL);
  show_status (self, NULL);
  gtk_widget_grab_focus (self->terminal);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
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
  if (self->machine == NULL || self->socket != NULL)
    return;

  if (!machine_running (self))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not running. Its serial console opens when it starts."),
                                                  vireo_dbus_machine_get_name (self->machine));
      show_status (self, message);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  vireo_machine_open_serial_async (self->machine, FALSE, self->cancellable, open_serial_cb, g_object_ref (self));
}

void
vireo_serial_console_disconnect (VireoSerialConsole *self)
{
  g_return_if_fail (VIREO_IS_SERIAL_CONSOLE (self));

  self->wanted = FALSE;
  g_cancellable_cancel (self->cancellable);
  close_socket (self, _("The serial console is closed."));
}

gboolean
vireo_serial_console_get_connected (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), FALSE);

  return self->socket != NULL;
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
  if (self->wanted && self->socket == NULL && machine_running (self))
    vireo_serial_console_connect (self);
  else if (self->socket == NULL)
    show_status (self, gtk_label_get_label (GTK_LABEL (self->status_label)));
}

static void
reconnect_clicked_cb (VireoSerialConsole *self)
{
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
  close_socket (self, NULL);
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
      g_value_set_boolean (value, self->socket != NULL);
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
  GtkWidget *scrolled;

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

  self->status_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_halign (self->status_box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->status_box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->status_box, "osd");
  self->status_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);
  self->reconnect_button = gtk_button_new_with_mnemonic (_("_Reconnect"));
  gtk_widget_set_halign (self->reconnect_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->reconnect_button, "pill");
  g_signal_connect_swapped (self->reconnect_button, "clicked", G_CALLBACK (reconnect_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->status_box), self->status_label);
  gtk_box_append (GTK_BOX (self->status_box), self->reconnect_button);
  gtk_widget_set_visible (self->status_box, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->status_box);
}

GtkWidget *
vireo_serial_console_new (void)
{
  return g_object_new (VIREO_TYPE_SERIAL_CONSOLE, NULL);
}
