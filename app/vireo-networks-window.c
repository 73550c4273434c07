/* vireo-networks-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-networks-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-error-ui.h"
#include "vireo-network-dialog.h"
#include "vireo-network-util.h"
#include "vireo-networks-window.h"

typedef struct {
  VireoNetworksWindow *window;        /* borrowed: the window frees its rows first */
  VireoDBusNetwork    *network;
  GtkWidget           *row;           /* AdwExpanderRow, referenced */
  GtkWidget           *active_switch;
  GtkWidget           *autostart_switch;
  GtkWidget           *details_row;
  GPtrArray           *machine_rows;
  char                *members_shown; /* what the machine rows say */
  gboolean             updating;      /* the switches follow the network, not the user */
} NetworkRow;

struct _VireoNetworksWindow {
  AdwWindow            parent_instance;

  /* Owned references */
  VireoClient         *client;
  GCancellable        *cancellable;
  GHashTable          *rows;          /* object path → NetworkRow */
  GPtrArray           *shown_rows;    /* what networks_group holds, in order */
  GPtrArray           *interface_rows;
  GPtrArray           *interfaces_shown;   /* the ListHostInterfaces answer the rows show */
  char                *interfaces_problem; /* or why there is none */
  GDBusObjectManager  *object_manager;
  gboolean             was_ready;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwPreferencesGroup *networks_group;
  AdwPreferencesGroup *interfaces_group;
};

G_DEFINE_FINAL_TYPE (VireoNetworksWindow, vireo_networks_window, ADW_TYPE_WINDOW)

static void refresh_interfaces (VireoNetworksWindow *self);

/* Toasts */

static void
toast (VireoNetworksWindow *self,
       const char          *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
toast_error (VireoNetworksWindow *self,
             const GError        *error)
{
  AdwToast *toast = vireo_error_toast_new (error);

  if (toast != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Calls that answer with a toast */

typedef gboolean (*NetworkFinish) (VireoDBusNetwork *network, GAsyncResult *result, GError **error);

typedef struct {
  VireoNetworksWindow *window;
  NetworkFinish        finish;        /* vireo_network_start_finish (), … */
  char                *done;          /* the toast on success, or NULL */
} CallData;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallData *data = user_data;
  g_autoptr(VireoNetworksWindow) self = data->window;
  g_autofree char *done = data->done;
  g_autoptr(GError) error = NULL;
  gboolean ok = data->finish (VIREO_DBUS_NETWORK (source), result, &error);

  g_free (data);
  if (!ok)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast_error (self, error);
      /* The switches show what is, not what was asked. */
      if (self->rows != NULL)
        {
          GHashTableIter iter;
          gpointer value;

          g_hash_table_iter_init (&iter, self->rows);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            {
              NetworkRow *nr = value;

              nr->updating = TRUE;
              gtk_switch_set_active (GTK_SWITCH (nr->active_switch), vireo_dbus_network_get_active (nr->network));
              gtk_switch_set_state (GTK_SWITCH (nr->active_switch), vireo_dbus_network_get_active (nr->network));
              gtk_switch_set_active (GTK_SWITCH (nr->autostart_switch), vireo_dbus_network_get_autostart (nr->network));
              gtk_switch_set_state (GTK_SWITCH (nr->autostart_switch), vireo_dbus_network_get_autostart (nr->network));
              nr->updating = FALSE;
            }
        }
      return;
    }
  if (done != NULL)
    toast (self, done);
}

/* What call_cb () needs for an answer of @finish: @done is the toast on success (owned). */
static CallData *
call_data_new (VireoNetworksWindow *self,
               NetworkFinish        finish,
               char                *done)
{
  CallData *data = g_new0 (CallData, 1);

  data->window = g_object_ref (self);
  data->finish = finish;
  data->done = done;
  return data;
}

/* Virtual networks */

/* The machines with an interface on @network: (machine, address) pairs, by machine name. */
typedef struct {
  VireoDBusMachine *machine;
  char             *addresses;
  gboolean          running;
} Member;

static void
member_clear (gpointer data)
{
  Member *member = data;

  g_object_unref (member->machine);
  g_free (member->addresses);
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  const Member *first = a, *second = b;

  return g_utf8_collate (vireo_machine_get_display_name (first->machine),
                         vireo_machine_get_display_name (second->machine));
}

static GArray *
members_of (VireoNetworksWindow *self,
            const char          *network)
{
  GListModel *machines = vireo_client_get_machines (self->client);
  GArray *members = g_array_new (FALSE, TRUE, sizeof (Member));

  g_array_set_clear_func (members, member_clear);
  for (guint i = 0; i < g_list_model_get_n_items (machines); i++)
    {
      g_autoptr(VireoDBusMachine) machine = g_list_model_get_item (machines, i);
      g_autoptr(GPtrArray) nics = vireo_machine_dup_nics (machine);
      g_autoptr(GPtrArray) addresses = g_ptr_array_new ();
      gboolean member = FALSE;

      for (guint n = 0; n < nics->len; n++)
        {
          VireoNic *nic = g_ptr_array_index (nics, n);

          if (g_str_equal (nic->type, "network") && g_str_equal (nic->source, network))
            {
              member = TRUE;
              for (gsize a = 0; nic->addresses[a] != NULL; a++)
                g_ptr_array_add (addresses, nic->addresses[a]);
            }
        }
      if (member)
        {
          Member entry;

          g_ptr_array_add (addresses, NULL);
          entry.machine = g_object_ref (machine);
          entry.addresses = g_strjoinv (", ", (char **) addresses->pdata);
          entry.running = vireo_machine_state_is_active (vireo_machine_get_state (machine));
          g_array_append_val (members, entry);
        }
    }
  g_array_sort (members, compare_members);
  return members;
}

static void
update_network_row (NetworkRow *nr)
{
  VireoDBusNetwork *network = nr->network;
  const char *mode = vireo_dbus_network_get_mode (network);
  const char *const *ipv4 = vireo_dbus_network_get_ipv4 (network);
  const char *const *ipv6 = vireo_dbus_network_get_ipv6 (network);
  const char *bridge = vireo_dbus_network_get_bridge (network);
  const char *domain = vireo_dbus_network_get_domain (network);
  GVariant *ranges = vireo_dbus_network_get_dhcp_ranges (network);
  gboolean active = vireo_dbus_network_get_active (network);
  g_autoptr(GString) subtitle = g_string_new (vireo_network_mode_label (mode));
  g_autoptr(GString) details = g_string_new (NULL);
  g_autoptr(GArray) members = members_of (nr->window, vireo_dbus_network_get_name (network));
  g_autofree char *switch_label = NULL;
  g_autofree char *autostart_label = NULL;

  for (gsize i = 0; ipv4 != NULL && ipv4[i] != NULL; i++)
    {
      g_autofree char *subnet = vireo_network_subnet (ipv4[i]);

      g_string_append_printf (subtitle, " · %s", subnet != NULL ? subnet : ipv4[i]);
    }
  for (gsize i = 0; ipv6 != NULL && ipv6[i] != NULL; i++)
    {
      g_autofree char *subnet = vireo_network_subnet (ipv6[i]);

      g_string_append_printf (subtitle, " · %s", subnet != NULL ? subnet : ipv6[i]);
    }
  g_string_append_printf (subtitle, " · %s", active ? _("Running") : _("Stopped"));
  if (members->len > 0)
    {
      /* Translators: how many machines are on a network */
      g_autofree char *count = g_strdup_printf (ngettext ("%u machine", "%u machines", members->len), members->len);

      g_string_append_printf (subtitle, " · %s", count);
    }
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (nr->row), subtitle->str);

  nr->updating = TRUE;
  gtk_switch_set_active (GTK_SWITCH (nr->active_switch), active);
  gtk_switch_set_state (GTK_SWITCH (nr->active_switch), active);
  gtk_switch_set_active (GTK_SWITCH (nr->autostart_switch), vireo_dbus_network_get_autostart (network));
  gtk_switch_set_state (GTK_SWITCH (nr->autostart_switch), vireo_dbus_network_get_autostart (network));
  gtk_widget_set_sensitive (nr->autostart_switch, vireo_dbus_network_get_persistent (network));
  nr->updating = FALSE;
  /* Translators: %s is a network's name */
  switch_label = g_strdup_printf (_("Run %s"), vireo_dbus_network_get_name (network));
  gtk_accessible_update_property (GTK_ACCESSIBLE (nr->active_switch), GTK_ACCESSIBLE_PROPERTY_LABEL, switch_label, -1);
  /* Translators: %s is a network's name */
  autostart_label = g_strdup_printf (_("Start %s With the Host"), vireo_dbus_network_get_name (network));
  gtk_accessible_update_property (GTK_ACCESSIBLE (nr->autostart_switch), GTK_ACCESSIBLE_PROPERTY_LABEL, autostart_label, -1);

  if (bridge != NULL && bridge[0] != '\0')
    g_string_append_printf (details, _("Bridge %s"), bridge);
  for (gsize i = 0; ranges != NULL && i < g_variant_n_children (ranges); i++)
    {
      const char *first, *last;

      g_variant_get_child (ranges, i, "(&s&s)", &first, &last);
      g_string_append_printf (details, "%s%s %s – %s", details->len > 0 ? " · " : "", _("DHCP"), first, last);
    }
  if (domain != NULL && domain[0] != '\0')
    g_string_append_printf (details, "%s%s %s", details->len > 0 ? " · " : "", _("Domain"), domain);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (nr->details_row), details->len > 0 ? details->str : "—");

  {
    g_autoptr(GString) shown = g_string_new (NULL);

    for (guint i = 0; i < members->len; i++)
      {
        Member *member = &g_array_index (members, Member, i);

        g_string_append_printf (shown, "%s\n%s\n%d\n", vireo_machine_get_display_name (member->machine),
                                member->addresses, member->running);
      }
    /* The same machines, the same addresses: the rows stay (and the focus with them). */
    if (nr->members_shown != NULL && g_str_equal (nr->members_shown, shown->str))
      return;
    g_free (nr->members_shown);
    nr->members_shown = g_string_free (g_steal_pointer (&shown), FALSE);
  }
  for (guint i = 0; i < nr->machine_rows->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (nr->row), g_ptr_array_index (nr->machine_rows, i));
  g_ptr_array_set_size (nr->machine_rows, 0);
  for (guint i = 0; i < members->len; i++)
    {
      Member *member = &g_array_index (members, Member, i);
      GtkWidget *row = adw_action_row_new ();
      const char *subtitle_text;

      if (!member->running)
        subtitle_text = _("Not running");
      else if (member->addresses[0] != '\0')
        subtitle_text = member->addresses;
      else
        subtitle_text = _("No address known yet");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vireo_machine_get_display_name (member->machine));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle_text);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "computer-symbolic");
      adw_expander_row_add_row (ADW_EXPANDER_ROW (nr->row), row);
      g_ptr_array_add (nr->machine_rows, row);
    }
}

static gboolean
active_state_set_cb (GtkSwitch  *widget,
                     gboolean    state,
                     NetworkRow *nr)
{
  const char *name = vireo_dbus_network_get_name (nr->network);

  if (nr->updating)
    return FALSE;
  /* The switch moves at once; its state follows the network's Active. */
  if (state)
    vireo_network_start_async (nr->network, nr->window->cancellable, call_cb,
                               call_data_new (nr->window, vireo_network_start_finish,
                                              g_strdup_printf (_("Network “%s” is running."), name)));
  else
    vireo_network_stop_async (nr->network, nr->window->cancellable, call_cb,
                              call_data_new (nr->window, vireo_network_stop_finish,
                                             g_strdup_printf (_("Network “%s” is stopped."), name)));
  return TRUE;
}

static gboolean
autostart_state_set_cb (GtkSwitch  *widget,
                        gboolean    state,
                        NetworkRow *nr)
{
  if (nr->updating)
    return FALSE;
  vireo_network_set_autostart_async (nr->network, state, nr->window->cancellable, call_cb,
                                     call_data_new (nr->window, vireo_network_set_autostart_finish, NULL));
  return TRUE;
}

static void
delete_response_cb (AdwMessageDialog    *dialog,
                    const char          *response,
                    VireoNetworksWindow *self)
{
  VireoDBusNetwork *network = g_object_get_data (G_OBJECT (dialog), "vireo-network");
  gboolean force = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "vireo-force"));

  if (!g_str_equal (response, "delete"))
    return;
  vireo_network_delete_async (network, force, self->cancellable, call_cb,
                              call_data_new (self, vireo_network_delete_finish,
                                             g_strdup_printf (_("Network “%s” is deleted."),
                                                              vireo_dbus_network_get_name (network))));
}

static void
delete_clicked_cb (GtkButton  *button,
                   NetworkRow *nr)
{
  VireoNetworksWindow *self = nr->window;
  const char *name = vireo_dbus_network_get_name (nr->network);
  g_autoptr(GArray) members = members_of (self, name);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete Network “%s”?"), name);
  if (members->len > 0)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *list = NULL;
      gboolean running = FALSE;

      for (guint i = 0; i < members->len; i++)
        {
          Member *member = &g_array_index (members, Member, i);

          g_ptr_array_add (names, g_strdup_printf ("“%s”", vireo_machine_get_display_name (member->machine)));
          running |= member->running;
        }
      g_ptr_array_add (names, NULL);
      list = g_strjoinv (", ", (char **) names->pdata);
      /* Translators: %s is a machine's name, or a list of them */
      g_string_append_printf (body, ngettext ("The machine %s has a network interface on it. ",
                                              "The machines %s have a network interface on it. ", members->len),
                              list);
      if (running)
        g_string_append (body, _("Those running lose their connection. "));
      g_string_append (body, ngettext ("It does not start again until you change its interface. ",
                                       "They do not start again until you change their interfaces. ", members->len));
    }
  g_string_append (body, _("The network stops and its definition is removed."));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-network", g_object_ref (nr->network), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "vireo-force", GINT_TO_POINTER (members->len > 0));
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
switch_row (const char *title,
            GtkWidget **out_switch)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *out_switch = toggle;
  return row;
}

static void
network_row_free (gpointer data)
{
  NetworkRow *nr = data;

  g_signal_handlers_disconnect_by_data (nr->active_switch, nr);
  g_signal_handlers_disconnect_by_data (nr->autostart_switch, nr);
  g_clear_object (&nr->network);
  g_clear_object (&nr->row);
  g_clear_pointer (&nr->machine_rows, g_ptr_array_unref);
  g_free (nr->members_shown);
  g_free (nr);
}

static NetworkRow *
network_row_new (VireoNetworksWindow *self,
                 VireoDBusNetwork    *network)
{
  NetworkRow *nr = g_new0 (NetworkRow, 1);
  GtkWidget *row, *button;
  g_autofree char *delete_label = NULL;

  nr->window = self;
  nr->network = g_object_ref (network);
  nr->machine_rows = g_ptr_array_new ();
  nr->row = g_object_ref_sink (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (nr->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (nr->row), vireo_dbus_network_get_name (network));
  adw_expander_row_set_icon_name (ADW_EXPANDER_ROW (nr->row), "network-workgroup-symbolic");

  row = switch_row (_("Running"), &nr->active_switch);
  g_signal_connect (nr->active_switch, "state-set", G_CALLBACK (active_state_set_cb), nr);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (nr->row), row);
  row = switch_row (_("Start With the Host"), &nr->autostart_switch);
  g_signal_connect (nr->autostart_switch, "state-set", G_CALLBACK (autostart_state_set_cb), nr);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (nr->row), row);
  nr->details_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (nr->details_row), _("Details"));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (nr->row), nr->details_row);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Delete Network…"));
  /* Translators: %s is a network's name */
  delete_label = g_strdup_printf (_("Delete Network %s"), vireo_dbus_network_get_name (network));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, delete_label, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (delete_clicked_cb), nr);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (nr->row), button);

  update_network_row (nr);
  return nr;
}

static void
sync_networks (VireoNetworksWindow *self)
{
  g_autoptr(GPtrArray) networks = vireo_client_dup_networks (self->client);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ready = vireo_client_get_state (self->client) == VIREO_CLIENT_READY;
  /* The placeholder row says why the list is empty: say it again when that changes. */
  gboolean changed = networks->len != self->shown_rows->len || networks->len == 0;
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < networks->len; i++)
    {
      VireoDBusNetwork *network = g_ptr_array_index (networks, i);
      const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (network));
      NetworkRow *nr = g_hash_table_lookup (self->rows, path);

      g_hash_table_add (present, (gpointer) path);
      if (nr == NULL || nr->network != network)
        {
          nr = network_row_new (self, network);
          g_hash_table_replace (self->rows, g_strdup (path), nr);
          changed = TRUE;
        }
      else if (!changed && g_ptr_array_index (self->shown_rows, i) != nr->row)
        changed = TRUE;
    }
  if (!changed)
    return;

  /* In name order, as dup_networks gives them; the rows keep their expanded state. */
  for (guint i = 0; i < self->shown_rows->len; i++)
    adw_preferences_group_remove (self->networks_group, g_ptr_array_index (self->shown_rows, i));
  g_ptr_array_set_size (self->shown_rows, 0);
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);
  for (guint i = 0; i < networks->len; i++)
    {
      const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (g_ptr_array_index (networks, i)));
      NetworkRow *nr = g_hash_table_lookup (self->rows, path);

      adw_preferences_group_add (self->networks_group, nr->row);
      g_ptr_array_add (self->shown_rows, nr->row);
    }
  if (networks->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      if (ready)
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No virtual networks"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Make one with the + button; a new machine makes libvirt’s “default” NAT network when it needs it."));
        }
      else
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Cannot reach the machines"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The Vireo helper is not running, or cannot reach libvirt."));
        }
      gtk_widget_set_focusable (row, FALSE);
      adw_preferences_group_add (self->networks_group, row);
      g_ptr_array_add (self->shown_rows, row);
    }
}

static void
update_all_networks (VireoNetworksWindow *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    update_network_row (value);
}

static void
objects_changed_cb (VireoNetworksWindow *self)
{
  sync_networks (self);
  update_all_networks (self);
}

static void
properties_changed_cb (VireoNetworksWindow *self,
                       GDBusObjectProxy    *object,
                       GDBusProxy          *proxy)
{
  NetworkRow *nr;

  if (VIREO_DBUS_IS_NETWORK (proxy))
    {
      nr = g_hash_table_lookup (self->rows, g_dbus_proxy_get_object_path (proxy));
      if (nr != NULL)
        update_network_row (nr);
    }
  else if (VIREO_DBUS_IS_MACHINE (proxy))
    update_all_networks (self);
}

static void
watch_objects (VireoNetworksWindow *self)
{
  GDBusObjectManager *object_manager = vireo_client_get_object_manager (self->client);
  gboolean ready = vireo_client_get_state (self->client) == VIREO_CLIENT_READY;

  /* Nothing can be made without the helper; what it lists is read again when it is back. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.new", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.refresh", ready);
  if (ready != self->was_ready)
    {
      self->was_ready = ready;
      refresh_interfaces (self);
    }

  if (object_manager != NULL && object_manager != self->object_manager)
    {
      if (self->object_manager != NULL)
        g_signal_handlers_disconnect_by_data (self->object_manager, self);
      g_set_object (&self->object_manager, object_manager);
      g_signal_connect_object (object_manager, "object-added", G_CALLBACK (objects_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (object_manager, "object-removed", G_CALLBACK (objects_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (object_manager, "interface-proxy-properties-changed",
                               G_CALLBACK (properties_changed_cb), self, G_CONNECT_SWAPPED);
    }
  objects_changed_cb (self);
}

/* Host interfaces */

static char *
bridge_name_for (const char *port)
{
  /* "br-" and the port's name, within the kernel's 15 characters. */
  return g_strdup_printf ("br-%.12s", port);
}

typedef struct {
  VireoNetworksWindow *window;
  GtkWidget           *button;
  char                *done;
  gboolean             create;        /* CreateBridge, else DeleteBridge */
} BridgeCall;

static void
bridge_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  BridgeCall *data = user_data;
  g_autoptr(VireoNetworksWindow) self = data->window;
  g_autoptr(GtkWidget) button = data->button;
  g_autofree char *done = data->done;
  g_autoptr(GError) error = NULL;
  gboolean ok = data->create ? vireo_client_create_bridge_finish (VIREO_CLIENT (source), result, &error)
                             : vireo_client_delete_bridge_finish (VIREO_CLIENT (source), result, &error);

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    toast_error (self, error);
  else
    toast (self, done);
  /* Rebuilt even when nothing changed (a refusal): the row's spinner goes. */
  g_clear_pointer (&self->interfaces_shown, g_ptr_array_unref);
  g_clear_pointer (&self->interfaces_problem, g_free);
  refresh_interfaces (self);
}

static void
bridge_response_cb (AdwMessageDialog    *dialog,
                    const char          *response,
                    VireoNetworksWindow *self)
{
  const char *port = g_object_get_data (G_OBJECT (dialog), "vireo-port");
  const char *bridge = g_object_get_data (G_OBJECT (dialog), "vireo-bridge");
  GtkWidget *button = g_object_get_data (G_OBJECT (dialog), "vireo-button");
  BridgeCall *data;
  GtkWidget *spinner;

  if (g_str_equal (response, "cancel"))
    return;

  data = g_new0 (BridgeCall, 1);
  data->window = g_object_ref (self);
  data->button = g_object_ref (button);
  /* It takes seconds: the row says it works on it until the list is read again. */
  gtk_widget_set_sensitive (button, FALSE);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Working"), -1);
  gtk_widget_insert_before (spinner, gtk_widget_get_parent (button), button);

  if (g_str_equal (response, "share"))
    {
      const char *ports[] = { port, NULL };

      data->done = g_strdup_printf (_("“%s” is shared through bridge “%s”."), port, bridge);
      data->create = TRUE;
      vireo_client_create_bridge_async (self->client, bridge, ports, FALSE, self->cancellable, bridge_cb, data);
    }
  else
    {
      data->done = g_strdup_printf (_("Bridge “%s” removed, addresses given back."), bridge);
      vireo_client_delete_bridge_async (self->client, bridge, self->cancellable, bridge_cb, data);
    }
}

static void
share_clicked_cb (GtkButton           *button,
                  VireoNetworksWindow *self)
{
  const char *port = g_object_get_data (G_OBJECT (button), "vireo-interface");
  g_autofree char *bridge = bridge_name_for (port);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);

  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Share “%s” With Machines?"), port);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Vireo makes a bridge “%s” and moves the addresses and routes of “%s” onto it. "
                                    "Machines connected to the bridge join that network as if plugged into it. "
                                    "The host’s connection through “%s” drops for a few seconds; if the bridge "
                                    "does not come up with its addresses, everything is put back as it was."),
                                  bridge, port, port);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "share", _("_Share"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "share", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-port", g_strdup (port), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-bridge", g_steal_pointer (&bridge), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-button", g_object_ref (button), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (bridge_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
unshare_clicked_cb (GtkButton           *button,
                    VireoNetworksWindow *self)
{
  const char *bridge = g_object_get_data (G_OBJECT (button), "vireo-interface");
  const char *ports = g_object_get_data (G_OBJECT (button), "vireo-ports");
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);

  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Stop Sharing Through “%s”?"), bridge);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Machines connected to “%s” lose their connection, and %s gets its addresses "
                                    "and routes back, as before the bridge was made."),
                                  bridge, ports);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "unshare", _("_Stop Sharing"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unshare", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-bridge", g_strdup (bridge), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-button", g_object_ref (button), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (bridge_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
interface_button (VireoNetworksWindow *self,
                  const char          *name,
                  const char          *label,
                  const char          *accessible,
                  GCallback            callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "vireo-interface", g_strdup (name), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static void
add_interface_row (VireoNetworksWindow *self,
                   GtkWidget           *row)
{
  adw_preferences_group_add (self->interfaces_group, row);
  g_ptr_array_add (self->interface_rows, row);
}

/* One row of the Host Interfaces group: what it is, its state and addresses, and Share… or
   Stop Sharing… where they apply. */
static GtkWidget *
interface_row_new (VireoNetworksWindow      *self,
                   const VireoHostInterface *iface)
{
  g_autoptr(GString) subtitle = g_string_new (vireo_interface_kind_label (iface->kind));
  GtkWidget *row = adw_action_row_new ();
  gboolean wifi = g_str_equal (iface->kind, "wifi");

  g_string_append_printf (subtitle, " · %s", !iface->up ? _("Down") : iface->carrier ? _("Connected") : _("No cable or signal"));
  for (gsize i = 0; iface->addresses[i] != NULL; i++)
    g_string_append_printf (subtitle, " · %s", iface->addresses[i]);
  if (iface->master[0] != '\0')
    g_string_append_printf (subtitle, " · %s", iface->master);
  if (iface->libvirt_network[0] != '\0')
    g_string_append_printf (subtitle, " · %s", iface->libvirt_network);
  if (iface->networkmanager)
    g_string_append_printf (subtitle, " · %s", _("NetworkManager"));
  if (wifi && iface->why_not[0] != '\0')
    g_string_append_printf (subtitle, "\n%s", iface->why_not);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), iface->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row),
                                wifi ? "network-wireless-symbolic"
                                : g_str_equal (iface->kind, "bridge") ? "network-workgroup-symbolic"
                                : "network-wired-symbolic");
  if (iface->vireo_bridge)
    {
      g_autofree char *accessible = g_strdup_printf (_("Stop Sharing Through %s"), iface->name);
      g_autoptr(GString) ports = g_string_new (NULL);
      GtkWidget *button;

      for (gsize i = 0; iface->ports[i] != NULL; i++)
        g_string_append_printf (ports, "%s“%s”", i > 0 ? ", " : "", iface->ports[i]);
      if (ports->len == 0)
        g_string_append (ports, _("its port"));
      button = interface_button (self, iface->name, _("S_top Sharing…"), accessible, G_CALLBACK (unshare_clicked_cb));
      g_object_set_data_full (G_OBJECT (button), "vireo-ports", g_string_free (g_steal_pointer (&ports), FALSE), g_free);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  else if (iface->bridgeable)
    {
      g_autofree char *accessible = g_strdup_printf (_("Share %s With Machines"), iface->name);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 interface_button (self, iface->name, _("_Share…"), accessible, G_CALLBACK (share_clicked_cb)));
    }
  else
    gtk_widget_set_focusable (row, FALSE);   /* nothing to do with it: not a Tab stop */
  return row;
}

static void
interfaces_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoNetworksWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) interfaces = vireo_client_list_host_interfaces_finish (VIREO_CLIENT (source), result, &error);
  g_autofree char *sentence = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    vireo_error_get_text (error, &sentence, NULL);
  /* The same answer again (Refresh, two answers crossing): the rows stay, and the focus with
     them. */
  if (self->interface_rows->len > 0
      && (interfaces != NULL ? vireo_host_interfaces_equal (interfaces, self->interfaces_shown)
                             : self->interfaces_shown == NULL && g_strcmp0 (sentence, self->interfaces_problem) == 0))
    return;
  g_clear_pointer (&self->interfaces_shown, g_ptr_array_unref);
  g_clear_pointer (&self->interfaces_problem, g_free);
  self->interfaces_shown = interfaces != NULL ? g_ptr_array_ref (interfaces) : NULL;
  self->interfaces_problem = g_strdup (sentence);

  for (guint i = 0; i < self->interface_rows->len; i++)
    adw_preferences_group_remove (self->interfaces_group, g_ptr_array_index (self->interface_rows, i));
  g_ptr_array_set_size (self->interface_rows, 0);

  if (interfaces == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Cannot read the host’s interfaces"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sentence);
      gtk_widget_set_focusable (row, FALSE);
      add_interface_row (self, row);
      return;
    }

  for (guint i = 0; i < interfaces->len; i++)
    add_interface_row (self, interface_row_new (self, g_ptr_array_index (interfaces, i)));
  if (self->interface_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No network interfaces"));
      add_interface_row (self, row);
    }
}

static void
refresh_interfaces (VireoNetworksWindow *self)
{
  vireo_client_list_host_interfaces_async (self->client, self->cancellable, interfaces_cb, g_object_ref (self));
}

/* Actions */

static void
network_created_cb (VireoNetworksWindow *self,
                    const char          *name)
{
  g_autofree char *message = g_strdup_printf (_("Network “%s” is running."), name);

  toast (self, message);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VireoNetworksWindow *self = VIREO_NETWORKS_WINDOW (widget);
  GtkWidget *dialog = vireo_network_dialog_new (GTK_WINDOW (self), self->client);

  g_signal_connect_object (dialog, "created", G_CALLBACK (network_created_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  refresh_interfaces (VIREO_NETWORKS_WINDOW (widget));
}

static void
vireo_networks_window_dispose (GObject *object)
{
  VireoNetworksWindow *self = VIREO_NETWORKS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->object_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->object_manager, self);
  g_clear_object (&self->object_manager);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_NETWORKS_WINDOW);

  G_OBJECT_CLASS (vireo_networks_window_parent_class)->dispose (object);
}

static void
vireo_networks_window_finalize (GObject *object)
{
  VireoNetworksWindow *self = VIREO_NETWORKS_WINDOW (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->shown_rows, g_ptr_array_unref);
  g_clear_pointer (&self->interface_rows, g_ptr_array_unref);
  g_clear_pointer (&self->interfaces_shown, g_ptr_array_unref);
  g_clear_pointer (&self->interfaces_problem, g_free);

  G_OBJECT_CLASS (vireo_networks_window_parent_class)->finalize (object);
}

static void
vireo_networks_window_class_init (VireoNetworksWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_networks_window_dispose;
  object_class->finalize = vireo_networks_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-networks-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksWindow, networks_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksWindow, interfaces_group);

  gtk_widget_class_install_action (widget_class, "networks.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "networks.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "networks.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "networks.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "networks.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
vireo_networks_window_init (VireoNetworksWindow *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Escape closes the window from anywhere in it: an expanded row's list takes the key in
   * the bubble phase, where the class's binding would wait for it. (Nothing in this window
   * wants Escape for itself: it has no entry and no popover.) */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, network_row_free);
  self->shown_rows = g_ptr_array_new ();
  self->interface_rows = g_ptr_array_new ();
}

/**
 * vireo_networks_window_new:
 * @parent: the main window
 *
 * Returns: (transfer full): the window, not shown yet
 */
GtkWidget *
vireo_networks_window_new (GtkWindow   *parent,
                           VireoClient *client)
{
  VireoNetworksWindow *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIREO_IS_CLIENT (client), NULL);

  self = g_object_new (VIREO_TYPE_NETWORKS_WINDOW, "transient-for", parent,
                       "application", gtk_window_get_application (parent), NULL);
  self->client = g_object_ref (client);
  g_signal_connect_object (client, "notify::state", G_CALLBACK (watch_objects), self, G_CONNECT_SWAPPED);
  self->was_ready = vireo_client_get_state (client) == VIREO_CLIENT_READY;
  watch_objects (self);
  refresh_interfaces (self);
  return GTK_WIDGET (self);
}
