/* vireo-machine-page.c
 *
 * The selected machine: what it is, and its consoles. What can be done with it is in
 * vireo-machine-page-actions.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-machine-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-console.h"
#include "vireo-machine-page-private.h"
#include "vireo-machine-util.h"
#include "vireo-network-util.h"

G_DEFINE_FINAL_TYPE (VireoMachinePage, vireo_machine_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _vireo_machine_page_signals[VIREO_MACHINE_PAGE_N_SIGNALS];

static void
set_row_value (AdwActionRow *row,
               const char   *value)
{
  /* Without the blank lines and indentation an XML editor leaves around a description. */
  g_autofree char *text = g_strstrip (g_strdup (value != NULL ? value : ""));

  adw_action_row_set_subtitle (row, text[0] != '\0' ? text : "—");
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static GtkWidget *
add_row (AdwPreferencesGroup *group,
         GPtrArray           *rows,
         const char          *title,
         const char          *subtitle,
         const char          *icon_name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), icon_name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
  return row;
}

static const char *
device_label (const char *device)
{
  if (g_strcmp0 (device, "cdrom") == 0)
    return _("CD/DVD drive");
  if (g_strcmp0 (device, "floppy") == 0)
    return _("Floppy drive");
  if (g_strcmp0 (device, "lun") == 0)
    return _("SCSI device");
  return _("Disk");
}

/* Where the disk lives, when it is not an image file. */
static const char *
source_label (const char *type)
{
  if (g_strcmp0 (type, "block") == 0)
    return _("host device");
  if (g_strcmp0 (type, "dir") == 0)
    return _("host folder");
  if (g_strcmp0 (type, "network") == 0)
    return _("network");
  return NULL;
}

static void
update_devices (VireoMachinePage *self)
{
  GVariant *disks = vireo_dbus_machine_get_disks (self->machine);
  g_autoptr(GPtrArray) nics = vireo_machine_dup_nics (self->machine);

  clear_rows (self->disks_group, self->disk_rows);
  if (disks != NULL && g_variant_n_children (disks) > 0)
    {
      for (gsize i = 0; i < g_variant_n_children (disks); i++)
        {
          const char *target, *path, *device, *type, *source;
          guint64 size;
          g_autofree char *title = NULL;
          g_autoptr(GString) subtitle = NULL;

          g_variant_get_child (disks, i, "(&s&s&st&s)", &target, &path, &device, &size, &type);
          subtitle = g_string_new (device_label (device));
          title = g_strdup (path[0] != '\0' ? path : _("Empty"));
          source = source_label (type);
          if (source != NULL)
            g_string_append_printf (subtitle, " · %s", source);
          if (target[0] != '\0')
            g_string_append_printf (subtitle, " · %s", target);
          if (size > 0)
            {
              g_autofree char *size_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
              g_string_append_printf (subtitle, " · %s", size_text);
            }
          add_row (self->disks_group, self->disk_rows, title, subtitle->str,
                   g_strcmp0 (device, "cdrom") == 0 ? "media-optical-symbolic" : "drive-harddisk-symbolic");
        }
    }
  else
    add_row (self->disks_group, self->disk_rows, _("No disks"), "", "drive-harddisk-symbolic");

  clear_rows (self->nics_group, self->nic_rows);
  if (nics->len > 0)
    {
      gboolean running = vireo_machine_state_is_active (vireo_machine_get_state (self->machine));

      for (guint i = 0; i < nics->len; i++)
        {
          VireoNic *nic = g_ptr_array_index (nics, i);
          g_autofree char *title = vireo_nic_title (nic->type, nic->source);
          g_autofree char *joined = NULL;
          g_autofree char *edit_label = NULL;
          g_autoptr(GString) subtitle = g_string_new (NULL);
          GtkWidget *row, *edit;

          /* A network deleted since: the machine will not start until the interface changes. */
          if (g_str_equal (nic->type, "network") && self->client != NULL
              && vireo_client_get_state (self->client) == VIREO_CLIENT_READY)
            {
              g_autoptr(VireoDBusNetwork) network = vireo_client_find_network (self->client, nic->source);

              if (network == NULL)
                g_string_append (subtitle, _("No network of this name exists: change it, or the machine cannot start again"));
            }
          /* The guest's address first: what a user comes here for. */
          if (subtitle->len > 0)
            ;
          else if (nic->addresses[0] != NULL)
            {
              joined = g_strjoinv (", ", nic->addresses);
              g_string_append (subtitle, joined);
            }
          else if (running && nic->link_up)
            g_string_append (subtitle, _("No address known yet"));
          if (!nic->link_up)
            g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", _("cable unplugged"));
          g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", nic->mac);
          if (nic->model[0] != '\0')
            g_string_append_printf (subtitle, " · %s", nic->model);
          row = add_row (self->nics_group, self->nic_rows, title, subtitle->str, "network-wired-symbolic");

          edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
          gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (edit, "flat");
          gtk_widget_set_tooltip_text (edit, _("Change or Remove"));
          /* Translators: %s is a network interface's MAC address */
          edit_label = g_strdup_printf (_("Change Network Interface %s"), nic->mac);
          gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL, edit_label, -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "machine.edit-nic");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "s", nic->mac);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
        }
    }
  else
    add_row (self->nics_group, self->nic_rows, _("No network interfaces"), "", "network-wired-symbolic");
}

static void
update (VireoMachinePage *self)
{
  VireoDBusMachine *machine = self->machine;
  const char *os_name;
  const char *os_id;
  g_autofree char *memory = NULL;
  g_autofree char *vcpus = NULL;
  g_autofree char *graphics = NULL;
  const char *const *graphics_types;
  const char *title;
  VireoMachineState state;

  _vireo_machine_page_update_actions (self);
  if (machine == NULL)
    return;

  title = vireo_dbus_machine_get_title (machine);
  state = vireo_machine_get_state (machine);
  gtk_label_set_label (self->name_label, vireo_dbus_machine_get_name (machine));
  gtk_label_set_label (self->state_label, vireo_state_label (state));
  gtk_image_set_from_icon_name (self->state_image, vireo_state_icon_name (state));

  /* libosinfo's name, from the helper; the id itself while the helper has not read the
   * database yet, or when the database does not know it. */
  os_name = vireo_dbus_machine_get_os_name (machine);
  os_id = vireo_dbus_machine_get_os_id (machine);
  set_row_value (self->os_row, os_name != NULL && os_name[0] != '\0' ? os_name
                               : os_id != NULL && os_id[0] != '\0' ? os_id : _("Unknown"));
  vcpus = g_strdup_printf ("%u", vireo_dbus_machine_get_vcpus (machine));
  set_row_value (self->vcpus_row, vcpus);
  memory = vireo_format_memory (vireo_dbus_machine_get_memory_mib (machine));
  set_row_value (self->memory_row, memory);
  graphics_types = vireo_dbus_machine_get_graphics_types (machine);
  if (graphics_types != NULL && graphics_types[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) graphics_types);
      graphics = g_ascii_strup (joined, -1);
    }
  set_row_value (self->graphics_row, graphics != NULL ? graphics : _("None"));
  set_row_value (self->kind_row, vireo_dbus_machine_get_persistent (machine)
                                   ? (vireo_dbus_machine_get_autostart (machine) ? _("Persistent, starts with the host")
                                                                                 : _("Persistent"))
                                   : _("Transient: gone when it stops"));
  set_row_value (self->title_row, title);
  set_row_value (self->description_row, vireo_dbus_machine_get_description (machine));
  set_row_value (self->uuid_row, vireo_dbus_machine_get_uuid (machine));
  update_devices (self);
  /* A tab only for the consoles the machine has. */
  adw_view_stack_page_set_visible (self->console_page, graphics_types != NULL && graphics_types[0] != NULL);
  adw_view_stack_page_set_visible (self->serial_page, vireo_dbus_machine_get_has_serial (machine));
}

static void
grab_keys_changed_cb (VireoMachinePage *self)
{
  g_autofree char *keys = g_settings_get_string (self->settings, "grab-keys");
  g_autoptr(GError) error = NULL;

  if (!vireo_console_set_grab_keys (self->console, keys, &error))
    g_warning ("Ignoring grab-keys “%s”: %s", keys, error->message);
}

/* The clipboard switch is kept per machine. */
static void
share_clipboard_cb (VireoMachinePage *self)
{
  g_auto(GStrv) off = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  const char *uuid;

  if (self->machine == NULL)
    return;

  uuid = vireo_dbus_machine_get_uuid (self->machine);
  off = g_settings_get_strv (self->settings, "clipboard-off");
  for (guint i = 0; off[i] != NULL; i++)
    if (!g_str_equal (off[i], uuid))
      g_strv_builder_add (builder, off[i]);
  if (!vireo_console_get_share_clipboard (self->console))
    g_strv_builder_add (builder, uuid);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "clipboard-off", (const char *const *) updated);
}

/* Consoles open when their tab is shown, and stay open (for the list's thumbnail). */
static void
view_changed_cb (VireoMachinePage *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (self->machine == NULL)
    return;
  if (g_strcmp0 (name, "console") == 0)
    vireo_console_connect (self->console);
  else if (g_strcmp0 (name, "serial") == 0)
    vireo_serial_console_connect (self->serial_console);
}

static void
machine_notify_cb (VireoMachinePage *self,
                   GParamSpec       *pspec)
{
  update (self);
}

/* GObject */

static void
vireo_machine_page_dispose (GObject *object)
{
  VireoMachinePage *self = (VireoMachinePage *) object;

  g_cancellable_cancel (self->cancellable);
  vireo_machine_page_set_machine (self, NULL);
  _vireo_machine_page_actions_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_MACHINE_PAGE);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (vireo_machine_page_parent_class)->dispose (object);
}

static void
vireo_machine_page_finalize (GObject *object)
{
  VireoMachinePage *self = (VireoMachinePage *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->disk_rows, g_ptr_array_unref);
  g_clear_pointer (&self->nic_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (vireo_machine_page_parent_class)->finalize (object);
}

static void
vireo_machine_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VireoMachinePage *self = VIREO_MACHINE_PAGE (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_machine_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VireoMachinePage *self = VIREO_MACHINE_PAGE (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      vireo_machine_page_set_machine (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_machine_page_class_init (VireoMachinePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_machine_page_dispose;
  object_class->finalize = vireo_machine_page_finalize;
  object_class->get_property = vireo_machine_page_get_property;
  object_class->set_property = vireo_machine_page_set_property;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, VIREO_DBUS_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoMachinePage::deleting:
   * @machine: the machine
   *
   * The user confirmed the deletion of @machine; when it is gone, the window chooses what to
   * show next.
   */
  _vireo_machine_page_signals[VIREO_MACHINE_PAGE_SIGNAL_DELETED] = g_signal_new ("deleting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                                               NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                                               VIREO_DBUS_TYPE_MACHINE);

  /**
   * VireoMachinePage::toast:
   * @toast: an #AdwToast to show
   *
   * A call failed; the window shows @toast.
   */
  _vireo_machine_page_signals[VIREO_MACHINE_PAGE_SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
    NULL, NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  g_type_ensure (VIREO_TYPE_CONSOLE);
  g_type_ensure (VIREO_TYPE_SERIAL_CONSOLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-machine-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, overview_scroller);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, os_image);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, state_image);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, state_label);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, actions_box);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, os_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, memory_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, graphics_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, kind_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, title_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, description_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, uuid_row);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, disks_group);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, nics_group);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, console);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, serial_console);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, console_page);
  gtk_widget_class_bind_template_child (widget_class, VireoMachinePage, serial_page);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);

  _vireo_machine_page_class_actions_init (klass);
}

/* Something asked of the console failed (a screenshot that cannot be saved): a toast. */
static void
console_error_cb (VireoMachinePage *self,
                  const char       *message)
{
  g_autoptr(GError) error = g_error_new_literal (VIREO_ERROR, VIREO_ERROR_FAILED, message);

  _vireo_machine_page_show_error (self, error);
}

static void
vireo_machine_page_init (VireoMachinePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new ("org.vireo.Vireo");
  g_signal_connect_swapped (self->console, "notify::share-clipboard", G_CALLBACK (share_clipboard_cb), self);
  g_signal_connect_swapped (self->console, "error", G_CALLBACK (console_error_cb), self);
  g_signal_connect_object (self->settings, "changed::grab-keys", G_CALLBACK (grab_keys_changed_cb), self, G_CONNECT_SWAPPED);
  grab_keys_changed_cb (self);
  self->disk_rows = g_ptr_array_new ();
  self->nic_rows = g_ptr_array_new ();
  _vireo_machine_page_actions_init (self);

  /* Tab stops on the buttons, not also on the flow box's cells around them. */
  for (GtkWidget *child = gtk_widget_get_first_child (self->actions_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

VireoDBusMachine *
vireo_machine_page_get_machine (VireoMachinePage *self)
{
  g_return_val_if_fail (VIREO_IS_MACHINE_PAGE (self), NULL);

  return self->machine;
}

/**
 * vireo_machine_page_set_machine:
 * @machine: (nullable): the machine to show
 */
void
vireo_machine_page_set_machine (VireoMachinePage *self,
                                VireoDBusMachine *machine)
{
  g_return_if_fail (VIREO_IS_MACHINE_PAGE (self));
  g_return_if_fail (!machine || VIREO_DBUS_IS_MACHINE (machine));

  if (self->machine == machine)
    return;

  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  g_set_object (&self->machine, machine);
  if (machine != NULL)
    g_signal_connect_swapped (machine, "notify", G_CALLBACK (machine_notify_cb), self);

  /* A different machine: its consoles start closed, on the overview. */
  if (self->console != NULL)
    {
      g_auto(GStrv) off = g_settings_get_strv (self->settings, "clipboard-off");

      g_signal_handlers_block_by_func (self->console, share_clipboard_cb, self);
      vireo_console_set_share_clipboard (self->console, machine == NULL
                                         || !g_strv_contains ((const char *const *) off, vireo_dbus_machine_get_uuid (machine)));
      g_signal_handlers_unblock_by_func (self->console, share_clipboard_cb, self);
      vireo_console_set_machine (self->console, machine);
      vireo_serial_console_set_machine (self->serial_console, machine);
      adw_view_stack_set_visible_child_name (self->view_stack, "overview");
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->overview_scroller), 0);
    }

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE]);
}

void
vireo_machine_page_set_client (VireoMachinePage *self,
                               VireoClient      *client)
{
  g_return_if_fail (VIREO_IS_MACHINE_PAGE (self));

  g_set_object (&self->client, client);
}

static gboolean
focus_first_action (VireoMachinePage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->actions_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      /* Pause and Resume sit in a box of their own. */
      if (GTK_IS_BOX (button))
        button = gtk_widget_get_visible (self->pause_button) ? self->pause_button : self->resume_button;
      if (gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button) && gtk_widget_grab_focus (button))
        return TRUE;
    }
  return FALSE;
}

/**
 * vireo_machine_page_focus:
 *
 * Shows the overview and moves the keyboard focus to the first action the machine allows now
 * (Start for a machine that is off, Shut Down for one that runs), so that Enter in the list
 * leads somewhere.
 */
void
vireo_machine_page_focus (VireoMachinePage *self)
{
  g_return_if_fail (VIREO_IS_MACHINE_PAGE (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "overview");
  focus_first_action (self);
}

/**
 * vireo_machine_page_focus_view:
 *
 * Moves the keyboard focus into the tab shown now: its first action, or the console. For Tab
 * from outside: GTK 4.8 and libadwaita 1.2 do not move the focus into the view stack by
 * themselves.
 *
 * Returns: whether something took the focus
 */
gboolean
vireo_machine_page_focus_view (VireoMachinePage *self)
{
  const char *name;

  g_return_val_if_fail (VIREO_IS_MACHINE_PAGE (self), FALSE);

  if (self->machine == NULL)
    return FALSE;
  name = adw_view_stack_get_visible_child_name (self->view_stack);
  if (g_strcmp0 (name, "console") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->console));
  if (g_strcmp0 (name, "serial") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->serial_console));
  return focus_first_action (self);
}

/**
 * vireo_machine_page_show_view:
 * @name: "overview", "console" or "serial"
 *
 * Shows that tab, if the machine has it, and gives it the keyboard focus; a console connects
 * if the machine runs.
 */
void
vireo_machine_page_show_view (VireoMachinePage *self,
                              const char       *name)
{
  AdwViewStackPage *page;

  g_return_if_fail (VIREO_IS_MACHINE_PAGE (self));
  g_return_if_fail (name != NULL);

  page = g_str_equal (name, "console") ? self->console_page : g_str_equal (name, "serial") ? self->serial_page : NULL;
  if (page == NULL || !adw_view_stack_page_get_visible (page))
    {
      vireo_machine_page_focus (self);
      return;
    }

  adw_view_stack_set_visible_child_name (self->view_stack, name);
  gtk_widget_grab_focus (page == self->console_page ? GTK_WIDGET (self->console) : GTK_WIDGET (self->serial_console));
}

/**
 * vireo_machine_page_show_console:
 *
 * Shows the graphical console, which connects if the machine runs.
 */
void
vireo_machine_page_show_console (VireoMachinePage *self)
{
  vireo_machine_page_show_view (self, "console");
}

/**
 * vireo_machine_page_get_console:
 *
 * Returns: (transfer none): the graphical console
 */
VireoConsole *
vireo_machine_page_get_console (VireoMachinePage *self)
{
  g_return_val_if_fail (VIREO_IS_MACHINE_PAGE (self), NULL);

  return self->console;
}

AdwViewStack *
vireo_machine_page_get_view_stack (VireoMachinePage *self)
{
  g_return_val_if_fail (VIREO_IS_MACHINE_PAGE (self), NULL);

  return self->view_stack;
}
