/* vireo-usb-chooser.c
 *
 * USB redirection (SPICE, docs/CONSOLES.md, "USB"): the host's USB devices, each a check
 * button that redirects it to the guest, listed anew each time the chooser is shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-usb-chooser"

#include "config.h"

#include <glib/gi18n.h>
#include <spice-client.h>

#include "vireo-usb-chooser.h"

struct _VireoUsbChooser {
  GtkWidget          parent_instance;

  /* Borrowed references */
  VireoSpiceDisplay *display;   /* weak */
};

G_DEFINE_FINAL_TYPE (VireoUsbChooser, vireo_usb_chooser, GTK_TYPE_WIDGET)

static void
usb_device_free_cb (gpointer device)
{
  g_boxed_free (spice_usb_device_get_type (), device);
}

static void
usb_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkCheckButton) check = user_data;
  g_autoptr(GError) error = NULL;
  SpiceUsbDeviceManager *manager = SPICE_USB_DEVICE_MANAGER (source);
  gboolean connect = gtk_check_button_get_active (check);

  if (connect ? !spice_usb_device_manager_connect_device_finish (manager, result, &error)
              : !spice_usb_device_manager_disconnect_device_finish (manager, result, &error))
    {
      g_signal_handlers_block_matched (check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, manager);
      gtk_check_button_set_active (check, !connect);
      g_signal_handlers_unblock_matched (check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, manager);
      gtk_widget_set_tooltip_text (GTK_WIDGET (check), error->message);
    }
}

static void
usb_toggled_cb (GtkCheckButton        *check,
                SpiceUsbDeviceManager *manager)
{
  SpiceUsbDevice *device = g_object_get_data (G_OBJECT (check), "vireo-usb-device");

  if (gtk_check_button_get_active (check))
    spice_usb_device_manager_connect_device_async (manager, device, NULL, usb_done_cb, g_object_ref (check));
  else
    spice_usb_device_manager_disconnect_device_async (manager, device, NULL, usb_done_cb, g_object_ref (check));
}

static void
append_label (VireoUsbChooser *self,
              const char      *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
}

static void
fill (VireoUsbChooser *self)
{
  SpiceSession *session = NULL;
  SpiceUsbDeviceManager *manager = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  int free_channels = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  if (self->display != NULL)
    session = vireo_spice_display_get_session (self->display);
  if (session != NULL)
    manager = spice_usb_device_manager_get (session, &error);
  if (manager == NULL)
    {
      append_label (self, error != NULL ? error->message : _("USB redirection needs a connected SPICE console."));
      return;
    }

  g_object_get (manager, "free-channels", &free_channels, NULL);
  devices = spice_usb_device_manager_get_devices (manager);
  if (devices == NULL || devices->len == 0)
    append_label (self, _("No USB devices are plugged into this computer."));

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      SpiceUsbDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *label = spice_usb_device_get_description (device, NULL);
      GtkWidget *check = gtk_check_button_new_with_label (label);
      gboolean connected = spice_usb_device_manager_is_device_connected (manager, device);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), connected);
      gtk_widget_set_sensitive (check, connected || free_channels > 0);
      g_object_set_data_full (G_OBJECT (check), "vireo-usb-device",
                              g_boxed_copy (spice_usb_device_get_type (), device), usb_device_free_cb);
      g_signal_connect (check, "toggled", G_CALLBACK (usb_toggled_cb), manager);
      gtk_widget_set_parent (check, GTK_WIDGET (self));
    }

  if (free_channels == 0)
    append_label (self, _("This machine has no free USB redirection channel."));
}

static void
vireo_usb_chooser_map (GtkWidget *widget)
{
  fill (VIREO_USB_CHOOSER (widget));

  GTK_WIDGET_CLASS (vireo_usb_chooser_parent_class)->map (widget);
}

static void
vireo_usb_chooser_dispose (GObject *object)
{
  VireoUsbChooser *self = (VireoUsbChooser *) object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_weak_pointer (&self->display);

  G_OBJECT_CLASS (vireo_usb_chooser_parent_class)->dispose (object);
}

static void
vireo_usb_chooser_class_init (VireoUsbChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_usb_chooser_dispose;
  widget_class->map = vireo_usb_chooser_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vireo-usb-chooser");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vireo_usb_chooser_init (VireoUsbChooser *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("USB devices to redirect"), -1);
}

/**
 * vireo_usb_chooser_new:
 * @display: the SPICE console whose session redirects the devices
 */
GtkWidget *
vireo_usb_chooser_new (VireoSpiceDisplay *display)
{
  VireoUsbChooser *self;

  g_return_val_if_fail (VIREO_IS_SPICE_DISPLAY (display), NULL);

  self = g_object_new (VIREO_TYPE_USB_CHOOSER, NULL);
  g_set_weak_pointer (&self->display, display);
  return GTK_WIDGET (self);
}
