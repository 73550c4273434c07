/* vireo-console.c
 *
 * A machine's graphical console: the display, a toolbar (Send Key, scaling, screenshot,
 * USB, fullscreen, the keyboard grab), and what to say when there is no connection, built
 * from ui/vireo-console.ui. It opens its sockets through the helper and reconnects by itself
 * when the machine starts again; which protocol, and how it connects, is the display's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-console"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-console-private.h"
#include "vireo-display-private.h"
#include "vireo-keymap.h"
#include "vireo-machine-source.h"
#include "vireo-spice-display.h"
#include "vireo-viewer-resources.h"
#include "vireo-vnc-display.h"
#include "vireo-x11.h"

struct _VireoConsole {
  GtkWidget           parent_instance;

  /* Owned references */
  VireoDBusMachine   *machine;
  VireoConsoleSource *source;
  GCancellable       *cancellable;       /* screenshots being written */
  char               *protocol;          /* forced, or NULL for the machine's first */
  char               *grab_keys;         /* "Ctrl+Alt" */
  GtkEventController *grab_controller;   /* on the root while grabbed */

  /* Template widgets */
  GtkWidget          *toolbar_revealer;
  GtkWidget          *send_key_button;
  GtkWidget          *scale_button;
  GtkWidget          *resize_button;
  GtkWidget          *usb_button;
  GtkWidget          *usb_popover;
  GtkWidget          *clipboard_button;
  GtkWidget          *grab_label;
  GtkWidget          *overlay;
  GtkWidget          *scrolled;
  GtkWidget          *status_box;
  GtkWidget          *status_title;
  GtkWidget          *status_message;
  GtkWidget          *reconnect_button;
  GtkWidget          *spinner;

  /* Borrowed references */
  VireoDisplay       *display;           /* the scrolled window's child */

  char               *display_protocol;
  gboolean            wanted;            /* connect whenever the machine runs */
  gboolean            wants_focus;       /* focus the display once it exists */
  gboolean            fullscreen;
};

G_DEFINE_FINAL_TYPE (VireoConsole, vireo_console, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_DISPLAY,
  PROP_SHARE_CLIPBOARD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  g_autofree char *text = NULL;

  /* Not grabbed, Ctrl+Tab leaves the screen (vireo-display-keyboard.c); grabbed, every key
   * is the guest's. */
  if (grabbed)
    text = g_strdup_printf (_("Keyboard grabbed: press %s to release"), self->grab_keys);
  else
    text = g_strdup_printf (_("Press %s to grab the keyboard, Ctrl+Tab to leave the screen"), self->grab_keys);

  gtk_label_set_label (GTK_LABEL (self->grab_label), text);
  /* Ellipsized in a narrow window: the whole of it on hover. */
  gtk_widget_set_tooltip_text (self->grab_label, text);
  /* A status region: screen readers announce its changes. The screen says it too, for
   * whoever reaches it with the keyboard. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->grab_label), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  if (self->display != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->display), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

/* What needs a screen: a screenshot, and keys sent to the guest. */
static void
update_actions (VireoConsole *self)
{
  gboolean connected = self->display != NULL && vireo_display_get_state (self->display) == VIREO_DISPLAY_CONNECTED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.screenshot", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.send-key", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.send-custom", connected);
  /* A menu of disabled items would still open. */
  gtk_widget_set_sensitive (self->send_key_button, connected);
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
 * keys (docs/CONSOLES.md, "Keyboard and grab"). */
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
  update_actions (self);
  if (vireo_display_get_state (self->display) != VIREO_DISPLAY_CONNECTED)
    vireo_display_set_grabbed (self->display, FALSE);
}

static GType
display_type (const char *protocol)
{
  return g_str_equal (protocol, "spice") ? VIREO_TYPE_SPICE_DISPLAY : VIREO_TYPE_VNC_DISPLAY;
}

static void
set_display (VireoConsole *self,
             const char   *protocol)
{
  GtkWidget *usb_chooser;

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
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), NULL);
      gtk_popover_set_child (GTK_POPOVER (self->usb_popover), NULL);
      gtk_widget_set_visible (self->usb_button, FALSE);
      update_actions (self);
    }

  g_free (self->display_protocol);
  self->display_protocol = g_strdup (protocol);
  if (protocol == NULL)
    return;

  self->display = g_object_new (display_type (protocol),
                                "hexpand", TRUE,
                                "vexpand", TRUE,
                                "scale", gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->scale_button))
                                         ? VIREO_DISPLAY_SCALE_ONE_TO_ONE : VIREO_DISPLAY_SCALE_FIT,
                                "resize-guest", gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->resize_button)),
                                "share-clipboard", gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->clipboard_button)),
                                NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->display), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Machine screen"), -1);
  update_grab_label (self);
  vireo_display_set_grab_keys (self->display, self->grab_keys, NULL);
  g_signal_connect_swapped (self->display, "notify::state", G_CALLBACK (display_state_cb), self);
  g_signal_connect_swapped (self->display, "notify::error-message", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->display, "notify::grabbed", G_CALLBACK (grabbed_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), GTK_WIDGET (self->display));

  usb_chooser = vireo_display_create_usb_chooser (self->display);
  gtk_popover_set_child (GTK_POPOVER (self->usb_popover), usb_chooser);
  gtk_widget_set_visible (self->usb_button, usb_chooser != NULL);
  update_actions (self);

  if (self->wants_focus)
    gtk_widget_grab_focus (GTK_WIDGET (self->display));
  self->wants_focus = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY]);
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

  vireo_display_open (self->display, self->source);
  update_status (self);
}

void
vireo_console_disconnect (VireoConsole *self)
{
  g_return_if_fail (VIREO_IS_CONSOLE (self));

  self->wanted = FALSE;
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

static void
scale_toggled_cb (VireoConsole    *self,
                  GtkToggleButton *button)
{
  gboolean one_to_one = gtk_toggle_button_get_active (button);
  GtkPolicyType policy = one_to_one ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER;

  /* Fit: no scroll bars, the display takes the view's size. 1:1: scroll bars when the
   * guest's screen is larger than the view. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), policy, policy);
  if (self->display != NULL)
    vireo_display_set_scale (self->display, one_to_one ? VIREO_DISPLAY_SCALE_ONE_TO_ONE : VIREO_DISPLAY_SCALE_FIT);
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

/* console.send-key "Ctrl+Alt+Delete": the menu's combinations. */
static void
send_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VireoConsole *self = VIREO_CONSOLE (widget);
  guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
  guint n_keys = 0;
  g_autoptr(GError) error = NULL;

  if (!vireo_keymap_parse_combo (g_variant_get_string (parameter, NULL), keys, &n_keys, &error))
    {
      g_warning ("console.send-key: %s", error->message);
      return;
    }
  if (self->display != NULL)
    vireo_display_send_keys (self->display, keys, n_keys);
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
screenshot_saved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VireoConsole) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_display_save_png_finish (VIREO_DISPLAY (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[ERROR], 0, error->message);
}

/* Saves the screen as it is now in @file; a failure is the user's to know (VireoConsole::error). */
void
_vireo_console_save_screenshot (VireoConsole *self,
                                GFile        *file)
{
  g_return_if_fail (VIREO_IS_CONSOLE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->display == NULL)
    {
      g_signal_emit (self, signals[ERROR], 0, _("There is no screen to save: the console is not connected."));
      return;
    }

  vireo_display_save_png_async (self->display, file, self->cancellable, screenshot_saved_cb, g_object_ref (self));
}

static void
screenshot_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        VireoConsole    *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        _vireo_console_save_screenshot (self, file);
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

/* Keyboard navigation (Tab, Ctrl+Tab, arrows) through the toolbar, then the screen and the
 * status, in that order. GTK's own ::focus grabs the focus of a widget that it enters from
 * outside, which this one gives to the screen: Tab wrapping around the window skipped the
 * toolbar and came back to the screen. */
static gboolean
vireo_console_focus (GtkWidget        *widget,
                     GtkDirectionType  direction)
{
  gboolean backward = direction == GTK_DIR_TAB_BACKWARD || direction == GTK_DIR_UP || direction == GTK_DIR_LEFT;
  gboolean across = direction == GTK_DIR_LEFT || direction == GTK_DIR_RIGHT;
  GtkWidget *focus_child = gtk_widget_get_focus_child (widget);
  GtkWidget *child;

  if (focus_child != NULL && gtk_widget_child_focus (focus_child, direction))
    return TRUE;
  /* The toolbar is above the screen: left and right stay in the child that has the focus. */
  if (focus_child != NULL && across)
    return FALSE;

  if (focus_child != NULL)
    child = backward ? gtk_widget_get_prev_sibling (focus_child) : gtk_widget_get_next_sibling (focus_child);
  else
    child = backward ? gtk_widget_get_last_child (widget) : gtk_widget_get_first_child (widget);
  for (; child != NULL; child = backward ? gtk_widget_get_prev_sibling (child) : gtk_widget_get_next_sibling (child))
    if (gtk_widget_child_focus (child, direction))
      return TRUE;
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

/* GObject */

static void
vireo_console_dispose (GObject *object)
{
  VireoConsole *self = (VireoConsole *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  vireo_console_set_machine (self, NULL);
  g_clear_object (&self->grab_controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_CONSOLE);

  G_OBJECT_CLASS (vireo_console_parent_class)->dispose (object);
}

static void
vireo_console_finalize (GObject *object)
{
  VireoConsole *self = (VireoConsole *) object;

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
  widget_class->focus = vireo_console_focus;
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

  /**
   * VireoConsole::error:
   * @message: a sentence for the user: what failed, and why
   *
   * Something the user asked of the console failed (saving a screenshot). The console logs
   * nothing: its owner shows @message.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  vireo_viewer_register_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-console.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, toolbar_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, send_key_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, scale_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, resize_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, usb_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, usb_popover);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, clipboard_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, grab_label);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, overlay);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, scrolled);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, status_box);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, status_title);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, status_message);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsole, spinner);
  gtk_widget_class_bind_template_callback (widget_class, scale_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, resize_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, clipboard_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, reconnect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, motion_cb);

  gtk_widget_class_install_action (widget_class, "console.send-key", "s", send_key_action);
  gtk_widget_class_install_action (widget_class, "console.send-custom", NULL, send_custom_action);
  gtk_widget_class_install_action (widget_class, "console.screenshot", NULL, screenshot_action);
  gtk_widget_class_install_action (widget_class, "console.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "console.fullscreen", NULL);

  gtk_widget_class_set_css_name (widget_class, "vireo-console");
}

static void
vireo_console_init (VireoConsole *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->grab_keys = g_strdup ("Ctrl+Alt");
  update_grab_label (self);
  update_status (self);
  update_actions (self);
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
  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  set_display (self, NULL);
  g_clear_object (&self->source);
  g_set_object (&self->machine, machine);

  if (machine != NULL)
    {
      self->source = VIREO_CONSOLE_SOURCE (vireo_machine_source_new (machine));
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

void
_vireo_console_set_source (VireoConsole       *self,
                           VireoConsoleSource *source)
{
  g_return_if_fail (VIREO_IS_CONSOLE (self));
  g_return_if_fail (VIREO_IS_CONSOLE_SOURCE (source));

  g_set_object (&self->source, source);
}
