/* vireo-nic-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-nic-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-error-ui.h"
#include "vireo-network-util.h"
#include "vireo-nic-dialog.h"

/* The models the dialog offers, in the order of its list. */
static const char * const models[] = { "virtio", "e1000e", "rtl8139" };

typedef struct {
  char *type;
  char *source;
} Choice;

struct _VireoNicDialog {
  AdwWindow         parent_instance;

  /* Owned references */
  VireoClient      *client;
  VireoDBusMachine *machine;
  GCancellable     *cancellable;
  char             *mac;          /* the interface changed, or NULL when adding one */
  char             *old_type;
  char             *old_source;
  char             *old_model;
  gboolean          old_link;
  GArray           *choices;      /* of Choice, parallel to source_row's model */
  GtkStringList    *choice_labels;

  /* Template widgets */
  GtkWidget        *apply_button;
  GtkWidget        *cancel_button;
  GtkWidget        *spinner;
  GtkLabel         *error_label;
  AdwComboRow      *source_row;
  AdwComboRow      *model_row;
  GtkStringList    *models;
  GtkSwitch        *link_switch;
  AdwEntryRow      *mac_row;
  AdwActionRow     *mac_label_row;
  GtkWidget        *remove_group;
};

G_DEFINE_FINAL_TYPE (VireoNicDialog, vireo_nic_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
choice_clear (gpointer data)
{
  Choice *choice = data;

  g_free (choice->type);
  g_free (choice->source);
}

static guint
add_choice (VireoNicDialog *self,
            const char     *type,
            const char     *source,
            const char     *label)
{
  Choice choice = { g_strdup (type), g_strdup (source) };

  for (guint i = 0; i < self->choices->len; i++)
    {
      Choice *known = &g_array_index (self->choices, Choice, i);

      if (g_str_equal (known->type, type) && g_str_equal (known->source, source))
        {
          choice_clear (&choice);
          return i;
        }
    }
  g_array_append_val (self->choices, choice);
  gtk_string_list_append (self->choice_labels, label);
  return self->choices->len - 1;
}

static void
set_busy (VireoNicDialog *self,
          gboolean        busy)
{
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nic.apply", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nic.remove", !busy);
}

static void
add_networks (VireoNicDialog *self)
{
  g_autoptr(GPtrArray) networks = vireo_client_dup_networks (self->client);

  for (guint i = 0; i < networks->len; i++)
    {
      VireoDBusNetwork *network = g_ptr_array_index (networks, i);
      const char *name = vireo_dbus_network_get_name (network);
      const char *const *ipv4 = vireo_dbus_network_get_ipv4 (network);
      g_autofree char *subnet = ipv4 != NULL && ipv4[0] != NULL ? vireo_network_subnet (ipv4[0]) : NULL;
      g_autofree char *title = vireo_nic_title ("network", name);
      g_autofree char *label = NULL;

      label = subnet != NULL
              ? g_strdup_printf ("%s (%s, %s)", title,
                                 vireo_network_mode_label (vireo_dbus_network_get_mode (network)), subnet)
              : g_strdup_printf ("%s (%s)", title,
                                 vireo_network_mode_label (vireo_dbus_network_get_mode (network)));
      add_choice (self, "network", name, label);
    }
  add_choice (self, "user", "", _("User-mode networking"));
}

static void
select_current (VireoNicDialog *self)
{
  if (self->old_type != NULL)
    {
      g_autofree char *title = vireo_nic_title (self->old_type, self->old_source);
      guint index = add_choice (self, self->old_type, self->old_source, title);

      adw_combo_row_set_selected (self->source_row, index);
    }
}

static void
interfaces_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoNicDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) interfaces = vireo_client_list_host_interfaces_finish (VIREO_CLIENT (source), result, &error);

  if (interfaces == NULL)
    {
      /* Only networks and user-mode, then: the rest needs the host's interfaces. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("ListHostInterfaces: %s", error->message);
      return;
    }
  for (guint i = 0; i < interfaces->len; i++)
    {
      const VireoHostInterface *iface = g_ptr_array_index (interfaces, i);
      const char *type = NULL;

      /* A host bridge of its own (not a libvirt network's), or macvtap on a physical
         interface that is no port. */
      if (g_str_equal (iface->kind, "bridge") && iface->libvirt_network[0] == '\0')
        type = "bridge";
      else if (g_strv_contains ((const char *const[]) { "ethernet", "wifi", "bond", "vlan", NULL }, iface->kind)
               && iface->master[0] == '\0')
        type = "direct";
      if (type != NULL)
        {
          g_autofree char *title = vireo_nic_title (type, iface->name);

          add_choice (self, type, iface->name, title);
        }
    }
}

static void
applied (VireoNicDialog *self,
         char           *message)
{
  g_autofree char *owned = message;

  g_signal_emit (self, signals[SIGNAL_APPLIED], 0, owned);
  gtk_window_close (GTK_WINDOW (self));
}

/* The helper said no (or the dialog went first): the dialog stays, saying why. */
static void
refused (VireoNicDialog *self,
         const GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  vireo_error_label_show (self->error_label, error);
}

static void
apply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoNicDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (source);
  const char *name = vireo_machine_get_display_name (machine);
  gboolean now = FALSE;
  gboolean ok;

  if (self->mac == NULL)
    ok = vireo_machine_add_nic_finish (machine, result, NULL, &now, &error);
  else
    ok = vireo_machine_update_nic_finish (machine, result, &now, &error);
  if (!ok)
    {
      refused (self, error);
      return;
    }
  /* Translators: %s is a machine's name */
  if (self->mac == NULL)
    applied (self, now ? g_strdup_printf (_("“%s” has a new network interface."), name)
                       : g_strdup_printf (_("“%s” gets the new network interface when it next starts."), name));
  else
    applied (self, now ? g_strdup_printf (_("The network interface of “%s” is changed."), name)
                       : g_strdup_printf (_("The network interface of “%s” changes when the machine next starts."), name));
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VireoNicDialog *self = VIREO_NIC_DIALOG (widget);
  guint index = adw_combo_row_get_selected (self->source_row);
  guint model_index = adw_combo_row_get_selected (self->model_row);
  const char *model = model_index < G_N_ELEMENTS (models) ? models[model_index] : self->old_model;
  gboolean link = gtk_switch_get_active (self->link_switch);
  Choice *choice;
  GVariantDict spec;

  if (index >= self->choices->len)
    return;
  choice = &g_array_index (self->choices, Choice, index);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_variant_dict_init (&spec, NULL);

  if (self->mac == NULL)
    {
      const char *mac = gtk_editable_get_text (GTK_EDITABLE (self->mac_row));

      g_variant_dict_insert (&spec, "type", "s", choice->type);
      if (choice->source[0] != '\0')
        g_variant_dict_insert (&spec, "source", "s", choice->source);
      g_variant_dict_insert (&spec, "model", "s", model);
      g_variant_dict_insert (&spec, "link", "b", link);
      if (mac[0] != '\0')
        g_variant_dict_insert (&spec, "mac", "s", mac);
      set_busy (self, TRUE);
      vireo_machine_add_nic_async (self->machine, g_variant_dict_end (&spec), self->cancellable,
                                   apply_cb, g_object_ref (self));
      return;
    }

  if (g_strcmp0 (choice->type, self->old_type) != 0 || g_strcmp0 (choice->source, self->old_source) != 0)
    {
      g_variant_dict_insert (&spec, "type", "s", choice->type);
      if (choice->source[0] != '\0')
        g_variant_dict_insert (&spec, "source", "s", choice->source);
    }
  if (g_strcmp0 (model, self->old_model) != 0)
    g_variant_dict_insert (&spec, "model", "s", model);
  if (link != self->old_link)
    g_variant_dict_insert (&spec, "link", "b", link);

  {
    g_autoptr(GVariant) changes = g_variant_ref_sink (g_variant_dict_end (&spec));

    if (g_variant_n_children (changes) == 0)
      {
        gtk_window_close (GTK_WINDOW (self));
        return;
      }
    set_busy (self, TRUE);
    vireo_machine_update_nic_async (self->machine, self->mac, changes, self->cancellable,
                                    apply_cb, g_object_ref (self));
  }
}

static void
remove_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoNicDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (source);
  const char *name = vireo_machine_get_display_name (machine);
  gboolean now = FALSE;

  if (!vireo_machine_remove_nic_finish (machine, result, &now, &error))
    {
      refused (self, error);
      return;
    }
  /* Translators: %s is a machine's name */
  applied (self, now ? g_strdup_printf (_("The network interface is removed from “%s”."), name)
                     : g_strdup_printf (_("The network interface is removed from “%s” when the machine next starts."), name));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoNicDialog *self = VIREO_NIC_DIALOG (widget);

  g_return_if_fail (self->mac != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  vireo_machine_remove_nic_async (self->machine, self->mac, self->cancellable, remove_cb, g_object_ref (self));
}

/* The machine went away (deleted elsewhere, or the helper left): nothing to change. */
static void
machines_changed_cb (VireoNicDialog *self)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->machine));

  if (vireo_client_lookup_machine (self->client, path) != self->machine)
    gtk_window_close (GTK_WINDOW (self));
}

static void
vireo_nic_dialog_dispose (GObject *object)
{
  VireoNicDialog *self = VIREO_NIC_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_NIC_DIALOG);

  G_OBJECT_CLASS (vireo_nic_dialog_parent_class)->dispose (object);
}

static void
vireo_nic_dialog_finalize (GObject *object)
{
  VireoNicDialog *self = VIREO_NIC_DIALOG (object);

  g_clear_object (&self->client);
  g_clear_object (&self->machine);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->choice_labels);
  g_clear_pointer (&self->choices, g_array_unref);
  g_free (self->mac);
  g_free (self->old_type);
  g_free (self->old_source);
  g_free (self->old_model);

  G_OBJECT_CLASS (vireo_nic_dialog_parent_class)->finalize (object);
}

static void
vireo_nic_dialog_class_init (VireoNicDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_nic_dialog_dispose;
  object_class->finalize = vireo_nic_dialog_finalize;

  /**
   * VireoNicDialog::applied:
   * @message: what changed, for a person (said in a toast)
   *
   * The helper did it; the dialog closes.
   */
  signals[SIGNAL_APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-nic-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, model_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, models);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, link_switch);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, mac_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, mac_label_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNicDialog, remove_group);

  gtk_widget_class_install_action (widget_class, "nic.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "nic.remove", NULL, remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vireo_nic_dialog_init (VireoNicDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->choices = g_array_new (FALSE, TRUE, sizeof (Choice));
  g_array_set_clear_func (self->choices, choice_clear);
  self->choice_labels = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->source_row, G_LIST_MODEL (self->choice_labels));
}

/**
 * vireo_nic_dialog_new:
 * @parent: the window it belongs to
 * @machine: the machine
 * @mac: (nullable): the interface to change or remove; %NULL to add one
 *
 * Returns: (transfer full): the dialog, not shown yet
 */
GtkWidget *
vireo_nic_dialog_new (GtkWindow        *parent,
                      VireoClient      *client,
                      VireoDBusMachine *machine,
                      const char       *mac)
{
  VireoNicDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIREO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (VIREO_DBUS_IS_MACHINE (machine), NULL);

  self = g_object_new (VIREO_TYPE_NIC_DIALOG, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  self->machine = g_object_ref (machine);
  self->mac = g_strdup (mac);
  self->old_link = TRUE;

  if (mac != NULL)
    {
      g_autoptr(GPtrArray) nics = vireo_machine_dup_nics (machine);

      for (guint i = 0; i < nics->len; i++)
        {
          VireoNic *nic = g_ptr_array_index (nics, i);

          if (g_ascii_strcasecmp (nic->mac, mac) == 0)
            {
              self->old_type = g_strdup (nic->type);
              self->old_source = g_strdup (nic->source);
              self->old_model = g_strdup (nic->model);
              self->old_link = nic->link_up;
            }
        }
    }

  add_networks (self);
  select_current (self);
  if (self->mac == NULL)
    {
      /* The assistant's choice: the default network when there is one. */
      for (guint i = 0; i < self->choices->len; i++)
        if (g_str_equal (g_array_index (self->choices, Choice, i).source, "default"))
          adw_combo_row_set_selected (self->source_row, i);
    }

  adw_combo_row_set_selected (self->model_row, 0);
  if (self->old_model != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (models); i++)
        if (g_str_equal (models[i], self->old_model))
          break;
      if (i == G_N_ELEMENTS (models) && self->old_model[0] != '\0')
        gtk_string_list_append (self->models, self->old_model);
      adw_combo_row_set_selected (self->model_row, i);
    }
  gtk_switch_set_active (self->link_switch, self->old_link);

  if (mac == NULL)
    {
      /* Translators: %s is a machine's name */
      title = g_strdup_printf (_("Add a Network Interface to “%s”"), vireo_machine_get_display_name (machine));
      gtk_button_set_label (GTK_BUTTON (self->apply_button), _("_Add"));
      gtk_widget_set_visible (GTK_WIDGET (self->mac_label_row), FALSE);
      gtk_widget_set_visible (self->remove_group, FALSE);
    }
  else
    {
      /* Translators: %s is a machine's name */
      title = g_strdup_printf (_("Network Interface of “%s”"), vireo_machine_get_display_name (machine));
      gtk_button_set_label (GTK_BUTTON (self->apply_button), _("_Apply"));
      adw_action_row_set_subtitle (self->mac_label_row, mac);
      gtk_widget_set_visible (GTK_WIDGET (self->mac_row), FALSE);
    }
  gtk_window_set_title (GTK_WINDOW (self), title);

  vireo_client_list_host_interfaces_async (client, self->cancellable, interfaces_cb, g_object_ref (self));
  g_signal_connect_object (vireo_client_get_machines (client), "items-changed",
                           G_CALLBACK (machines_changed_cb), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
