/* vireo-network-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-network-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-error-ui.h"
#include "vireo-network-dialog.h"
#include "vireo-network-util.h"

/* The kinds the dialog offers, in the order of its list. */
static const char * const modes[] = { "nat", "isolated", "routed", "open" };

struct _VireoNetworkDialog {
  AdwWindow      parent_instance;

  /* Owned references */
  VireoClient   *client;
  GCancellable  *cancellable;

  /* Template widgets */
  AdwPreferencesPage *page;
  GtkWidget     *spinner;
  GtkLabel      *error_label;
  AdwEntryRow   *name_row;
  AdwComboRow   *mode_row;
  GtkLabel      *mode_label;
  AdwEntryRow   *ipv4_row;
  GtkLabel      *ipv4_hint;
  GtkSwitch     *dhcp_switch;
  AdwEntryRow   *ipv6_row;
  GtkLabel      *ipv6_hint;
  AdwEntryRow   *domain_row;
  GtkSwitch     *autostart_switch;

  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (VireoNetworkDialog, vireo_network_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
mode_changed_cb (VireoNetworkDialog *self)
{
  guint index = adw_combo_row_get_selected (self->mode_row);

  if (index < G_N_ELEMENTS (modes))
    gtk_label_set_text (self->mode_label, vireo_network_mode_description (modes[index]));
}

static void
set_invalid (GtkWidget *row,
             gboolean   invalid)
{
  if (invalid)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
}

/* The fields as typed: what is malformed is said beside it, and Create waits for a name and
   a well-formed address. What only the helper knows (a subnet in use, a name taken) it says
   when asked. */
static void
fields_changed_cb (VireoNetworkDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *ipv4 = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ipv4_row))));
  g_autofree char *ipv6 = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ipv6_row))));
  gboolean ipv4_wrong = ipv4[0] != '\0' && !vireo_network_address_is_valid (ipv4, 4);
  gboolean ipv6_wrong = ipv6[0] != '\0' && !vireo_network_address_is_valid (ipv6, 6);

  gtk_label_set_text (self->ipv4_hint,
                      ipv4_wrong ? _("Write an IPv4 address and its prefix, like 192.168.100.1/24.")
                                 : _("The host’s address on the new network, and the prefix that sets its size: "
                                     "192.168.100.1/24 gives machines 192.168.100.2 to 192.168.100.254."));
  if (ipv4_wrong)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->ipv4_hint), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->ipv4_hint), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->ipv4_hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->ipv4_hint), "dim-label");
    }
  set_invalid (GTK_WIDGET (self->ipv4_row), ipv4_wrong);
  set_invalid (GTK_WIDGET (self->ipv6_row), ipv6_wrong);
  gtk_widget_set_visible (GTK_WIDGET (self->ipv6_hint), ipv6_wrong);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "network.create",
                                 !self->busy && name[0] != '\0' && ipv4[0] != '\0' && !ipv4_wrong && !ipv6_wrong);
}

static void
set_busy (VireoNetworkDialog *self,
          gboolean            busy)
{
  self->busy = busy;
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  fields_changed_cb (self);
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoNetworkDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = vireo_client_create_network_finish (VIREO_CLIENT (source), result, &error);

  if (path != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_CREATED], 0, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  vireo_error_label_show (self->error_label, error);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoNetworkDialog *self = VIREO_NETWORK_DIALOG (widget);
  guint index = adw_combo_row_get_selected (self->mode_row);
  const char *ipv6 = gtk_editable_get_text (GTK_EDITABLE (self->ipv6_row));
  const char *domain = gtk_editable_get_text (GTK_EDITABLE (self->domain_row));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *ipv4 = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ipv4_row))));
  GVariantDict spec;

  if (index >= G_N_ELEMENTS (modes))
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  /* The helper refuses what is wrong, with a sentence: it is the one that knows the host. */
  g_variant_dict_init (&spec, NULL);
  g_variant_dict_insert (&spec, "name", "s", name);
  g_variant_dict_insert (&spec, "mode", "s", modes[index]);
  g_variant_dict_insert (&spec, "ipv4", "s", ipv4);
  g_variant_dict_insert (&spec, "dhcp", "b", gtk_switch_get_active (self->dhcp_switch));
  if (ipv6[0] != '\0')
    g_variant_dict_insert (&spec, "ipv6", "s", ipv6);
  if (domain[0] != '\0')
    g_variant_dict_insert (&spec, "domain", "s", domain);
  g_variant_dict_insert (&spec, "autostart", "b", gtk_switch_get_active (self->autostart_switch));
  set_busy (self, TRUE);
  vireo_client_create_network_async (self->client, g_variant_dict_end (&spec), self->cancellable, create_cb,
                                     g_object_ref (self));
}

/* A name no network has: "network", then "network-2", … */
static char *
propose_name (GPtrArray *networks)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup ("network") : g_strdup_printf ("network-%u", n);
      gboolean taken = FALSE;

      for (guint i = 0; i < networks->len && !taken; i++)
        taken = g_str_equal (vireo_dbus_network_get_name (g_ptr_array_index (networks, i)), name);
      if (!taken)
        return g_steal_pointer (&name);
    }
}

static void
vireo_network_dialog_dispose (GObject *object)
{
  VireoNetworkDialog *self = VIREO_NETWORK_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_NETWORK_DIALOG);

  G_OBJECT_CLASS (vireo_network_dialog_parent_class)->dispose (object);
}

static void
vireo_network_dialog_finalize (GObject *object)
{
  VireoNetworkDialog *self = VIREO_NETWORK_DIALOG (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vireo_network_dialog_parent_class)->finalize (object);
}

static void
vireo_network_dialog_class_init (VireoNetworkDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_network_dialog_dispose;
  object_class->finalize = vireo_network_dialog_finalize;

  /**
   * VireoNetworkDialog::created:
   * @name: the new network's name
   *
   * The helper made and started it; the dialog closes.
   */
  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-network-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, page);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, mode_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, ipv4_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, ipv4_hint);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, dhcp_switch);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, ipv6_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, ipv6_hint);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, domain_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, autostart_switch);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, fields_changed_cb);

  gtk_widget_class_install_action (widget_class, "network.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "network.create", NULL);
}

static void
vireo_network_dialog_init (VireoNetworkDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->ipv4_row), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->ipv4_hint, NULL, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->ipv6_row), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->ipv6_hint, NULL, -1);
  mode_changed_cb (self);
  fields_changed_cb (self);
}

/**
 * vireo_network_dialog_new:
 * @parent: the window it belongs to
 *
 * Returns: (transfer full): the dialog, not shown yet, with a free name and subnet proposed
 */
GtkWidget *
vireo_network_dialog_new (GtkWindow   *parent,
                          VireoClient *client)
{
  VireoNetworkDialog *self;
  g_autoptr(GPtrArray) networks = NULL;
  g_autoptr(GPtrArray) used = g_ptr_array_new ();
  g_autofree char *name = NULL;
  g_autofree char *ipv4 = NULL;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIREO_IS_CLIENT (client), NULL);

  self = g_object_new (VIREO_TYPE_NETWORK_DIALOG, "transient-for", parent, NULL);
  self->client = g_object_ref (client);

  networks = vireo_client_dup_networks (client);
  for (guint i = 0; i < networks->len; i++)
    {
      const char *const *addresses = vireo_dbus_network_get_ipv4 (g_ptr_array_index (networks, i));

      for (gsize a = 0; addresses != NULL && addresses[a] != NULL; a++)
        g_ptr_array_add (used, (gpointer) addresses[a]);
    }
  g_ptr_array_add (used, NULL);
  name = propose_name (networks);
  ipv4 = vireo_network_propose_ipv4 ((const char * const *) used->pdata);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->ipv4_row), ipv4 != NULL ? ipv4 : "");
  return GTK_WIDGET (self);
}
