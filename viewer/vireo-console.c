/* vireo-console.c
 *
 * A machine's graphical console: the display, a toolbar (Send Key, scaling, screenshot,
 * USB, fullscreen, the keyboard grab), and what to say when there is no connection. It opens
 * its sockets through the helper and reconnects by itself when the machine starts again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-console"

#include "config.h"

#include <glib/gi18n.h>

#include <spice-client.h>
#include <unistd.h>

#include "vireo-console.h"
#include "vireo-display-private.h"
#include "vireo-keymap.h"
#include "vireo-machine-source.h"
#include "vireo-spice-display.h"
#include "vireo-vnc-display.h"
#include "vireo-x11.h"

struct _VireoConsole {
  GtkWidget           parent_instance;

  /* Owned references */
  VireoDBusMachine   *machine;
  VireoMachineSource *source;
  GCancellable       *cancellable;
  char               *protocol;          /* forced, or NULL for the machine's first */
  char               *grab_keys;         /* "Ctrl+Alt" */
  GtkEventController *grab_controller;   /* on the root while grabbed */

  /* Children */
  GtkWidget          *toolbar_revealer;
  GtkWidget          *send_key_button;
  GtkWidget          *scale_button;
  GtkWidget          *resize_button;
  GtkWidget          *usb_button;
  GtkWidget          *usb_box;
  GtkWidget          *clipboard_button;
  GtkWidget          *grab_label;
  GtkWidget          *overlay;
  GtkWidget          *scrolled;
  GtkWidget          *status_box;
  GtkWidget          *status_title;
  GtkWidget          *status_message;
  GtkWidget          *reconnect_button;
  GtkWidget          *spinner;
  VireoDisplay       *display;

  char               *display_protocol;
  gboolean            wanted;            /* connect whenever the machine runs */
  gboolean            wants_focus;       /* focus the display once it exists */
  gboolean            fullscreen;
};

G_DEFINE_FINAL_TYPE (VireoConsole, vireo_console, GTK_TYPE_WIDGET)

static void place_display (VireoConsole *self);

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_DISPLAY,
  PROP_SHARE_CLIPBOARD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
spice_usb_device_free_cb (gpointer device)
{
  g_boxed_free (spice_usb_device_get_type (), device);
}

static const char *
machine_name (VireoConsole *self)
{
  return self->machine != NULL ? vireo_dbus_machine_get_name (self->machine) : "";
}

static const char *
choose_protocol (VireoConsole *self)
{
  const char *const *types;

  if (self->machine == NULL)
    return NULL;

  types = vireo_dbus_machine_get_graphics_types (self->machine);
  if (types == NULL || types[0] == NULL)
    return NULL;
  if (self->protocol != NULL)
    return g_strv_contains (types, self->protocol) ? self->protocol : NULL;
  /* SPICE where there is a choice: audio, USB, clipboard and resizing need it. */
  return g_strv_contains (types, "spice") ? "spice" : types[0];
}

static gboolean
machine_running (VireoConsole *self)
{
  return self->machine != NULL && vireo_machine_state_is_active (vireo_machine_get_state (self->machine));
}

/* Status: what the overlay says when there is no picture to show */

static void
update_status (VireoConsole *self)
{
  VireoDisplayState state = self->display != NULL ? vireo_display_get_state (self->display)
                                                  : VIREO_DISPLAY_DISCONNECTED;
  gboolean running = machine_running (self);
  const char *title = NULL;
  g_autofree char *message = NULL;

  gtk_widget_set_visible (self->spinner, state == VIREO_DISPLAY_CONNECTING);

  if (state == VIREO_DISPLAY_CONNECTED || state == VIREO_DISPLAY_CONNECTING)
    {
      gtk_widget_set_visible (self->status_box, FALSE);
      return;
    }

  if (self->machine == NULL)
    title = _("No Machine");
  else if (choose_protocol (self) == NULL)
    {
      title = _("No Screen");
      message = g_strdup_printf (_("“%s” has no SPICE or VNC display."), machine_name (self));
    }
  else if (!running)
    {
      title = _("Not Running");
      message = g_strdup_printf (_("“%s” is not running. Its screen shows here when it starts."),
                                 machine_name (self));
    }
  else
    {
      const char *reason = self->display != NULL ? vireo_display_get_error_message (self->display) : NULL;

      title = _("Disconnected");
      message = g_strdup (reason != NULL ? reason : _("The console is not connected."));
    }

  gtk_label_set_label (GTK_LABEL (self->status_title), title);
  gtk_label_set_label (GTK_LABEL (self->status_message), message != NULL ? message : "");
  gtk_widget_set_visible (self->reconnect_button, running && choose_protocol (self) != NULL);
  gtk_widget_set_visible (self->status_box, TRUE);
}

static void
update_grab_label (VireoConsole *self)
{
  gboolean grabbed = self->display != NULL && vireo_display_get_grabbed (self->display);
  g_autofree char *text = grabbed ? g_strdup_printf (_("Keyboard grabbed: press %s to release"), self->grab_keys)
                                  : g_strdup_printf (_("Press %s to grab the keyboard"), self->grab_keys);

  gtk_label_set_label (GTK_LABEL (self->grab_label), text);
  /* A status region: screen readers announce its changes. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->grab_label), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* The grab: while grabbed, every key in the window goes to the guest. */

static gboolean
root_key_pressed_cb (VireoConsole          *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  if (self->display == NULL || !vireo_display_get_grabbed (self->display))
    return FALSE;
  gtk_event_controller_key_forward (controller, GTK_WIDGET (self->display));
  return TRUE;
}

static void
root_key_released_cb (VireoConsole          *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  if (self->display != NULL && vireo_display_get_grabbed (self->display))
    gtk_event_controller_key_forward (controller, GTK_WIDGET (self->display));
}

/* X11: GTK 4.8's inhibit_system_shortcuts makes no X request; an XI2 grab of the keyboard
 * keeps the window manager's shortcuts (Alt+Tab) for the guest too, and GTK still gets the
 * keys (CONSOLE.md §7). */
static void
x11_grab_keyboard (VireoConsole *self,
                   GdkSurface   *surface,
                   gboolean      grab)
{
  static const int events[] = { VIREO_XI_KEY_PRESS, VIREO_XI_KEY_RELEASE, VIREO_XI_FOCUS_IN, VIREO_XI_FOCUS_OUT };
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self)));

  if (surface != NULL && seat != NULL)
    _vireo_x11_grab_device (gdk_seat_get_keyboard (seat), surface, grab, FALSE, events, G_N_ELEMENTS (events));
}

static void
grabbed_cb (VireoConsole *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean grabbed = vireo_display_get_grabbed (self->display);
  GdkSurface *surface = root != NULL ? gtk_native_get_surface (GTK_NATIVE (root)) : NULL;

  if (grabbed && self->grab_controller == NULL && root != NULL)
    {
      self->grab_controller = gtk_event_controller_key_new ();
      gtk_event_controller_set_propagation_phase (self->grab_controller, GTK_PHASE_CAPTURE);
      g_signal_connect_swapped (self->grab_controller, "key-pressed", G_CALLBACK (root_key_pressed_cb), self);
      g_signal_connect_swapped (self->grab_controller, "key-released", G_CALLBACK (root_key_released_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (root), g_object_ref (self->grab_controller));
      gtk_widget_grab_focus (GTK_WIDGET (self->display));
      /* Wayland: keep the compositor's shortcuts for the guest too. (X11 in GTK 4.8: no-op.) */
      if (GDK_IS_TOPLEVEL (surface))
        gdk_toplevel_inhibit_system_shortcuts (GDK_TOPLEVEL (surface), NULL);
      x11_grab_keyboard (self, surface, TRUE);
    }
  else if (!grabbed && self->grab_controller != NULL)
    {
      GtkWidget *owner = gtk_event_controller_get_widget (self->grab_controller);

      if (owner != NULL)
        gtk_widget_remove_controller (owner, self->grab_controller);
      g_clear_object (&self->grab_controller);
      if (GDK_IS_TOPLEVEL (surface))
        gdk_toplevel_restore_system_shortcuts (GDK_TOPLEVEL (surface));
      x11_grab_keyboard (self, surface, FALSE);
    }

  update_grab_label (self);
}

/* Connecting */

static void
display_state_cb (VireoConsole *self)
{
  update_status (self);
  if (vireo_display_get_state (self->display) != VIREO_DISPLAY_CONNECTED)
    vireo_display_set_grabbed (self->display, FALSE);
}

static void
set_display (VireoConsole *self,
             const char   *protocol)
{
  if (self->display != NULL && g_strcmp0 (self->display_protocol, protocol) == 0)
    return;

  if (self->display != NULL)
    {
      g_autoptr(GtkWidget) old = g_object_ref (GTK_WIDGET (self->display));

      g_signal_handlers_disconnect_by_data (old, self);
      vireo_display_disconnect (self->display);
      self->display = NULL;
      /* Whoever kept the old display hears that it goes while it still exists. */
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY]);
      if (gtk_widget_get_parent (old) == self->overlay)
        gtk_overlay_set_child (GTK_OVERLAY (self->overlay), NULL);
      else
        gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), NULL);
    }

  g_free (self->display_protocol);
  self->display_protocol = g_strdup (protocol);
  if (protocol == NULL)
    return;

  self->display = VIREO_DISPLAY (g_str_equal (protocol, "spice") ? vireo_spice_display_new () : vireo_vnc_display_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->display), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->display), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->display), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Machine screen"), -1);
  vireo_display_set_scale (self->display, gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->scale_button))
                                            ? VIREO_DISPLAY_SCALE_ONE_TO_ONE : VIREO_DISPLAY_SCALE_FIT);
  vireo_display_set_resize_guest (self->display, gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->resize_button)));
  vireo_display_set_share_clipboard (self->display, gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->clipboard_button)));
  vireo_display_set_grab_keys (self->display, self->grab_keys, NULL);
  g_signal_connect_swapped (self->display, "notify::state", G_CALLBACK (display_state_cb), self);
  g_signal_connect_swapped (self->display, "notify::error-message", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->display, "notify::grabbed", G_CALLBACK (grabbed_cb), self);
  place_display (self);
  gtk_widget_set_visible (self->usb_button, g_str_equal (protocol, "spice"));
  if (self->wants_focus)
    gtk_widget_grab_focus (GTK_WIDGET (self->display));
  self->wants_focus = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY]);
}

static void
vnc_fd_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  VireoConsole *self = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = vireo_console_source_open_fd_finish (VIREO_CONSOLE_SOURCE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (fd < 0)
    {
      g_dbus_error_strip_remote_error (error);
      _vireo_display_set_state (self->display, VIREO_DISPLAY_DISCONNECTED, error->message);
      return;
    }

  if (VIREO_IS_VNC_DISPLAY (self->display))
    vireo_vnc_display_open_fd (VIREO_VNC_DISPLAY (self->display), fd, NULL);
  else
    close (fd);
}

/**
 * vireo_console_connect:
 *
 * Opens the console now, and again whenever the machine starts, until disconnected.
 */
void
vireo_console_connect (VireoConsole *self)
{
  const char *protocol;

  g_return_if_fail (VIREO_IS_CONSOLE (self));

  self->wanted = TRUE;
  protocol = choose_protocol (self);
  if (protocol == NULL || !machine_running (self) || self->source == NULL)
    {
      update_status (self);
      return;
    }

  set_display (self, protocol);
  if (vireo_display_get_state (self->display) != VIREO_DISPLAY_DISCONNECTED)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (VIREO_IS_SPICE_DISPLAY (self->display))
    vireo_spice_display_open (VIREO_SPICE_DISPLAY (self->display), VIREO_CONSOLE_SOURCE (self->source));
  else
    {
      _vireo_display_set_state (self->display, VIREO_DISPLAY_CONNECTING, NULL);
      vireo_console_source_open_fd_async (VIREO_CONSOLE_SOURCE (self->source), "vnc", self->cancellable,
                                          vnc_fd_cb, self);
    }
  update_status (self);
}

void
vireo_console_disconnect (VireoConsole *self)
{
  g_return_if_fail (VIREO_IS_CONSOLE (self));

  self->wanted = FALSE;
  g_cancellable_cancel (self->cancellable);
  if (self->display != NULL)
    vireo_display_disconnect (self->display);
  update_status (self);
}

static void
machine_state_cb (VireoConsole *self)
{
  /* Started again: reconnect by itself. */
  if (self->wanted && machine_running (self)
      && (self->display == NULL || vireo_display_get_state (self->display) == VIREO_DISPLAY_DISCONNECTED))
    vireo_console_connect (self);
  else
    update_status (self);
}

/* Toolbar */

static void
reconnect_clicked_cb (VireoConsole *self)
{
  vireo_console_connect (self);
}

/* Fit: the display takes the view's size. 1:1: inside a scrolled window, with scroll bars
 * when the guest's screen is larger than the view. */
static void
place_display (VireoConsole *self)
{
  gboolean one_to_one = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->scale_button));
  GtkWidget *want = one_to_one ? self->scrolled : (self->display != NULL ? GTK_WIDGET (self->display) : NULL);
  g_autoptr(GtkWidget) display = self->display != NULL ? g_object_ref (GTK_WIDGET (self->display)) : NULL;

  if (display != NULL && gtk_widget_get_parent (display) != NULL
      && gtk_widget_get_parent (display) != self->overlay)
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), NULL);
  if (gtk_overlay_get_child (GTK_OVERLAY (self->overlay)) != want)
    gtk_overlay_set_child (GTK_OVERLAY (self->overlay), want);
  if (one_to_one && display != NULL)
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), display);
}

static void
scale_toggled_cb (VireoConsole    *self,
                  GtkToggleButton *button)
{
  place_display (self);
  if (self->display != NULL)
    vireo_display_set_scale (self->display, gtk_toggle_button_get_active (button) ? VIREO_DISPLAY_SCALE_ONE_TO_ONE
                                                                                 : VIREO_DISPLAY_SCALE_FIT);
}

static void
resize_toggled_cb (VireoConsole    *self,
                   GtkToggleButton *button)
{
  if (self->display != NULL)
    vireo_display_set_resize_guest (self->display, gtk_toggle_button_get_active (button));
}

static void
clipboard_toggled_cb (VireoConsole *self)
{
  if (self->display != NULL)
    vireo_display_set_share_clipboard (self->display, vireo_console_get_share_clipboard (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_CLIPBOARD]);
}

static void
send_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VireoConsole *self = VIREO_CONSOLE (widget);
  guint index = g_variant_get_uint32 (parameter);
  const VireoKeyCombo *combo;

  if (index >= VIREO_KEYMAP_N_SEND_KEY_COMBOS)
    return;
  combo = &vireo_keymap_send_key_combos[index];
  if (self->display != NULL)
    vireo_display_send_keys (self->display, combo->keys, combo->n_keys);
}

static void
custom_key_response_cb (GtkDialog    *dialog,
                        int           response,
                        VireoConsole *self)
{
  GtkWidget *entry = g_object_get_data (G_OBJECT (dialog), "vireo-entry");
  GtkWidget *error_label = g_object_get_data (G_OBJECT (dialog), "vireo-error");
  guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
  guint n_keys = 0;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_OK)
    {
      gtk_window_destroy (GTK_WINDOW (dialog));
      return;
    }

  if (!vireo_keymap_parse_combo (gtk_editable_get_text (GTK_EDITABLE (entry)), keys, &n_keys, &error))
    {
      gtk_label_set_label (GTK_LABEL (error_label), error->message);
      gtk_widget_set_visible (error_label, TRUE);
      return;
    }

  if (self->display != NULL)
    vireo_display_send_keys (self->display, keys, n_keys);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
send_custom_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VireoConsole *self = VIREO_CONSOLE (widget);
  GtkWidget *dialog, *box, *entry, *label, *error_label;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_dialog_new_with_buttons (_("Send Keys"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT | GTK_DIALOG_USE_HEADER_BAR,
                                        _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Send"), GTK_RESPONSE_OK, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  box = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_box_set_spacing (GTK_BOX (box), 6);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  label = gtk_label_new (_("Keys to press together, for example Ctrl+Alt+F2 or Super+L:"));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Key combination"), -1);
  error_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_set_visible (error_label, FALSE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), error_label);
  g_object_set_data (G_OBJECT (dialog), "vireo-entry", entry);
  g_object_set_data (G_OBJECT (dialog), "vireo-error", error_label);
  g_signal_connect_object (dialog, "response", G_CALLBACK (custom_key_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
screenshot_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        VireoConsole    *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->display != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = g_file_get_path (file);
      if (path != NULL && !vireo_display_save_png (self->display, path, &error))
        g_warning ("%s", error->message);
    }
  g_object_unref (dialog);
}

static void
screenshot_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VireoConsole *self = VIREO_CONSOLE (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf (_("%s screenshot.png"), machine_name (self));

  chooser = gtk_file_chooser_native_new (_("Save Screenshot"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (screenshot_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (!GTK_IS_WINDOW (root))
    return;
  if (gtk_window_is_fullscreen (GTK_WINDOW (root)))
    gtk_window_unfullscreen (GTK_WINDOW (root));
  else
    gtk_window_fullscreen (GTK_WINDOW (root));
}

/* In fullscreen the toolbar hides, and shows when the pointer reaches the top edge. */
static void
motion_cb (VireoConsole             *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  if (self->fullscreen)
    gtk_revealer_set_reveal_child (GTK_REVEALER (self->toolbar_revealer), y < 8);
}

static void
fullscreened_cb (VireoConsole *self,
                 GParamSpec   *pspec,
                 GtkWindow    *window)
{
  self->fullscreen = gtk_window_is_fullscreen (window);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->toolbar_revealer), !self->fullscreen);
}

/* Focus goes to the guest's screen, even before it exists. */
static gboolean
vireo_console_grab_focus (GtkWidget *widget)
{
  VireoConsole *self = VIREO_CONSOLE (widget);

  if (self->display != NULL)
    return gtk_widget_grab_focus (GTK_WIDGET (self->display));
  self->wants_focus = TRUE;
  return FALSE;
}

static void
vireo_console_root (GtkWidget *widget)
{
  VireoConsole *self = VIREO_CONSOLE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (vireo_console_parent_class)->root (widget);
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    g_signal_connect_object (root, "notify::fullscreened", G_CALLBACK (fullscreened_cb), self, G_CONNECT_SWAPPED);
}

static void
vireo_console_unroot (GtkWidget *widget)
{
  VireoConsole *self = VIREO_CONSOLE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->display != NULL)
    vireo_display_set_grabbed (self->display, FALSE);
  if (root != NULL)
    g_signal_handlers_disconnect_by_data (root, self);

  GTK_WIDGET_CLASS (vireo_console_parent_class)->unroot (widget);
}

/* USB redirection (SPICE): the host's USB devices, each a switch. */

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
fill_usb_menu (VireoConsole *self)
{
  SpiceSession *session = NULL;
  SpiceUsbDeviceManager *manager = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  int free_channels = 0;

  while ((child = gtk_widget_get_first_child (self->usb_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->usb_box), child);

  if (VIREO_IS_SPICE_DISPLAY (self->display))
    session = vireo_spice_display_get_session (VIREO_SPICE_DISPLAY (self->display));
  if (session != NULL)
    manager = spice_usb_device_manager_get (session, &error);
  if (manager != NULL)
    {
      g_object_get (manager, "free-channels", &free_channels, NULL);
      devices = spice_usb_device_manager_get_devices (manager);
    }

  if (manager == NULL)
    {
      gtk_box_append (GTK_BOX (self->usb_box),
                      gtk_label_new (error != NULL ? error->message : _("USB redirection needs a SPICE console.")));
      return;
    }

  if (devices == NULL || devices->len == 0)
    gtk_box_append (GTK_BOX (self->usb_box), gtk_label_new (_("No USB devices are plugged into this computer.")));

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      SpiceUsbDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *label = spice_usb_device_get_description (device, NULL);
      GtkWidget *check = gtk_check_button_new_with_label (label);
      gboolean connected = spice_usb_device_manager_is_device_connected (manager, device);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), connected);
      gtk_widget_set_sensitive (check, connected || free_channels > 0);
      g_object_set_data_full (G_OBJECT (check), "vireo-usb-device",
                              g_boxed_copy (spice_usb_device_get_type (), device),
                              (GDestroyNotify) spice_usb_device_free_cb);
      g_signal_connect (check, "toggled", G_CALLBACK (usb_toggled_cb), manager);
      gtk_box_append (GTK_BOX (self->usb_box), check);
    }

  if (free_channels == 0)
    gtk_box_append (GTK_BOX (self->usb_box),
                    gtk_label_new (_("This machine has no free USB redirection channel.")));
}

static GMenuModel *
build_send_key_menu (void)
{
  GMenu *menu = g_menu_new ();
  GMenu *combos = g_menu_new ();
  GMenu *custom = g_menu_new ();

  for (guint i = 0; i < VIREO_KEYMAP_N_SEND_KEY_COMBOS; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(vireo_keymap_send_key_combos[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, "console.send-key", g_variant_new_uint32 (i));
      g_menu_append_item (combos, item);
    }
  g_menu_append (custom, _("_Other Keys…"), "console.send-custom");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (combos));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (custom));
  g_object_unref (combos);
  g_object_unref (custom);
  return G_MENU_MODEL (menu);
}

static GtkWidget *
tool_button (const char *icon_name,
             const char *tooltip,
             const char *action_name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
tool_toggle (const char *icon_name,
             const char *tooltip)
{
  GtkWidget *button = gtk_toggle_button_new ();

  gtk_button_set_icon_name (GTK_BUTTON (button), icon_name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

/* GObject */

static void
vireo_console_dispose (GObject *object)
{
  VireoConsole *self = (VireoConsole *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  vireo_console_set_machine (self, NULL);
  if (self->display != NULL)
    g_signal_handlers_disconnect_by_data (self->display, self);
  g_clear_object (&self->grab_controller);
  g_clear_object (&self->scrolled);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->display = NULL;

  G_OBJECT_CLASS (vireo_console_parent_class)->dispose (object);
}

static void
vireo_console_finalize (GObject *object)
{
  VireoConsole *self = (VireoConsole *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->protocol, g_free);
  g_clear_pointer (&self->grab_keys, g_free);
  g_clear_pointer (&self->display_protocol, g_free);

  G_OBJECT_CLASS (vireo_console_parent_class)->finalize (object);
}

static void
vireo_console_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VireoConsole *self = VIREO_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;
    case PROP_DISPLAY:
      g_value_set_object (value, self->display);
      break;
    case PROP_SHARE_CLIPBOARD:
      g_value_set_boolean (value, vireo_console_get_share_clipboard (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_console_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VireoConsole *self = VIREO_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      vireo_console_set_machine (self, g_value_get_object (value));
      break;
    case PROP_SHARE_CLIPBOARD:
      vireo_console_set_share_clipboard (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_console_class_init (VireoConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_console_dispose;
  object_class->finalize = vireo_console_finalize;
  object_class->get_property = vireo_console_get_property;
  object_class->set_property = vireo_console_set_property;
  widget_class->root = vireo_console_root;
  widget_class->grab_focus = vireo_console_grab_focus;
  widget_class->unroot = vireo_console_unroot;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, VIREO_DBUS_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY] =
    g_param_spec_object ("display", NULL, NULL, VIREO_TYPE_DISPLAY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE_CLIPBOARD] =
    g_param_spec_boolean ("share-clipboard", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "console.send-key", "u", send_key_action);
  gtk_widget_class_install_action (widget_class, "console.send-custom", NULL, send_custom_action);
  gtk_widget_class_install_action (widget_class, "console.screenshot", NULL, screenshot_action);
  gtk_widget_class_install_action (widget_class, "console.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "console.fullscreen", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vireo-console");
}

static void
vireo_console_init (VireoConsole *self)
{
  g_autoptr(GMenuModel) send_keys = build_send_key_menu ();
  GtkEventController *motion;
  GtkWidget *toolbar, *status_inner, *usb_popover;

  self->grab_keys = g_strdup ("Ctrl+Alt");

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_widget_add_css_class (toolbar, "toolbar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (toolbar), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Console tools"), -1);

  self->send_key_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->send_key_button), "input-keyboard-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->send_key_button), send_keys);
  gtk_widget_set_tooltip_text (self->send_key_button, _("Send Key"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->send_key_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Send Key"), -1);
  gtk_box_append (GTK_BOX (toolbar), self->send_key_button);

  self->scale_button = tool_toggle ("zoom-original-symbolic", _("Show at 1:1 scale"));
  g_signal_connect_swapped (self->scale_button, "toggled", G_CALLBACK (scale_toggled_cb), self);
  gtk_box_append (GTK_BOX (toolbar), self->scale_button);

  self->resize_button = tool_toggle ("zoom-fit-best-symbolic", _("Resize the guest to the window"));
  g_signal_connect_swapped (self->resize_button, "toggled", G_CALLBACK (resize_toggled_cb), self);
  gtk_box_append (GTK_BOX (toolbar), self->resize_button);

  gtk_box_append (GTK_BOX (toolbar), tool_button ("camera-photo-symbolic", _("Save a screenshot"), "console.screenshot"));

  self->clipboard_button = tool_toggle ("edit-paste-symbolic", _("Share the clipboard with the machine"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->clipboard_button), TRUE);
  g_signal_connect_swapped (self->clipboard_button, "toggled", G_CALLBACK (clipboard_toggled_cb), self);
  gtk_box_append (GTK_BOX (toolbar), self->clipboard_button);

  self->usb_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->usb_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("USB devices to redirect"), -1);
  usb_popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (usb_popover), self->usb_box);
  g_signal_connect_swapped (usb_popover, "show", G_CALLBACK (fill_usb_menu), self);
  self->usb_button = gtk_menu_button_new ();
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->usb_button), usb_popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->usb_button), "media-removable-symbolic");
  gtk_widget_set_tooltip_text (self->usb_button, _("USB devices"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->usb_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("USB devices"), -1);
  gtk_widget_set_visible (self->usb_button, FALSE);
  gtk_box_append (GTK_BOX (toolbar), self->usb_button);

  gtk_box_append (GTK_BOX (toolbar), tool_button ("view-fullscreen-symbolic", _("Fullscreen (F11)"), "console.fullscreen"));

  self->grab_label = g_object_new (GTK_TYPE_LABEL, "accessible-role", GTK_ACCESSIBLE_ROLE_STATUS, NULL);
  gtk_widget_set_hexpand (self->grab_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->grab_label), 1);
  gtk_label_set_ellipsize (GTK_LABEL (self->grab_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->grab_label, "dim-label");
  gtk_widget_set_margin_end (self->grab_label, 6);
  gtk_box_append (GTK_BOX (toolbar), self->grab_label);

  self->toolbar_revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->toolbar_revealer), toolbar);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->toolbar_revealer), TRUE);
  gtk_widget_set_parent (self->toolbar_revealer, GTK_WIDGET (self));

  self->overlay = gtk_overlay_new ();
  gtk_widget_set_vexpand (self->overlay, TRUE);
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  /* Held while the display sits in the overlay directly (fit). */
  self->scrolled = g_object_ref_sink (gtk_scrolled_window_new ());

  /* A still label, not a spinner: an animation redrawing every frame can starve the idle
   * sources gvnc starts its connection from (seen under Xvfb with llvmpipe). */
  self->spinner = gtk_label_new (_("Connecting…"));
  gtk_widget_add_css_class (self->spinner, "dim-label");
  gtk_widget_set_halign (self->spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->spinner);

  status_inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_halign (status_inner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (status_inner, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (status_inner, 24);
  gtk_widget_set_margin_end (status_inner, 24);
  self->status_title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->status_title, "title-2");
  self->status_message = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status_message), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->status_message), GTK_JUSTIFY_CENTER);
  self->reconnect_button = gtk_button_new_with_mnemonic (_("_Reconnect"));
  gtk_widget_set_halign (self->reconnect_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->reconnect_button, "pill");
  gtk_widget_add_css_class (self->reconnect_button, "suggested-action");
  g_signal_connect_swapped (self->reconnect_button, "clicked", G_CALLBACK (reconnect_clicked_cb), self);
  gtk_widget_set_margin_top (self->status_title, 18);
  gtk_widget_set_margin_start (self->status_message, 24);
  gtk_widget_set_margin_end (self->status_message, 24);
  gtk_widget_set_margin_bottom (self->reconnect_button, 18);
  gtk_box_append (GTK_BOX (status_inner), self->status_title);
  gtk_box_append (GTK_BOX (status_inner), self->status_message);
  gtk_box_append (GTK_BOX (status_inner), self->reconnect_button);
  self->status_box = status_inner;
  gtk_widget_add_css_class (self->status_box, "osd");
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->status_box);

  motion = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  update_grab_label (self);
  update_status (self);
}

GtkWidget *
vireo_console_new (void)
{
  return g_object_new (VIREO_TYPE_CONSOLE, NULL);
}

VireoDBusMachine *
vireo_console_get_machine (VireoConsole *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE (self), NULL);

  return self->machine;
}

/**
 * vireo_console_set_machine:
 * @machine: (nullable): the machine whose screen to show
 *
 * Shows @machine's console; call vireo_console_connect() to open it.
 */
void
vireo_console_set_machine (VireoConsole     *self,
                           VireoDBusMachine *machine)
{
  g_return_if_fail (VIREO_IS_CONSOLE (self));
  g_return_if_fail (!machine || VIREO_DBUS_IS_MACHINE (machine));

  if (self->machine == machine)
    return;

  self->wanted = FALSE;
  g_cancellable_cancel (self->cancellable);
  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  set_display (self, NULL);
  g_clear_object (&self->source);
  g_set_object (&self->machine, machine);

  if (machine != NULL)
    {
      self->source = vireo_machine_source_new (machine);
      g_signal_connect_swapped (machine, "notify::state", G_CALLBACK (machine_state_cb), self);
      g_signal_connect_swapped (machine, "notify::graphics-types", G_CALLBACK (update_status), self);
    }

  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE]);
}

const char *
vireo_console_get_protocol (VireoConsole *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE (self), NULL);

  return self->display_protocol;
}

/**
 * vireo_console_set_protocol:
 * @protocol: (nullable): "spice" or "vnc", or %NULL for the machine's best
 */
void
vireo_console_set_protocol (VireoConsole *self,
                            const char   *protocol)
{
  g_return_if_fail (VIREO_IS_CONSOLE (self));

  g_free (self->protocol);
  self->protocol = g_strdup (protocol);
}

/**
 * vireo_console_set_grab_keys:
 * @combination: keys such as "Ctrl+Alt" (the default)
 *
 * Returns: %FALSE, keeping the old keys, when @combination does not parse
 */
gboolean
vireo_console_set_grab_keys (VireoConsole  *self,
                             const char    *combination,
                             GError       **error)
{
  guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
  guint n_keys;

  g_return_val_if_fail (VIREO_IS_CONSOLE (self), FALSE);
  g_return_val_if_fail (combination != NULL, FALSE);

  if (!vireo_keymap_parse_combo (combination, keys, &n_keys, error))
    return FALSE;

  g_free (self->grab_keys);
  self->grab_keys = g_strdup (combination);
  if (self->display != NULL)
    vireo_display_set_grab_keys (self->display, combination, NULL);
  update_grab_label (self);
  return TRUE;
}

gboolean
vireo_console_get_share_clipboard (VireoConsole *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE (self), FALSE);

  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->clipboard_button));
}

/**
 * vireo_console_set_share_clipboard:
 *
 * Whether the clipboard is shared with this machine; the app keeps it per machine.
 */
void
vireo_console_set_share_clipboard (VireoConsole *self,
                                   gboolean      share)
{
  g_return_if_fail (VIREO_IS_CONSOLE (self));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->clipboard_button), share);
}

/**
 * vireo_console_get_display:
 *
 * Returns: (transfer none) (nullable): the display, once the console connected
 */
VireoDisplay *
vireo_console_get_display (VireoConsole *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE (self), NULL);

  return self->display;
}
