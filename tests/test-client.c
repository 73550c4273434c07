/* test-client.c: libvireo's client and typed calls against mocked helpers
 *
 * Two mocks: libglib-testing's GtDBusQueue, which answers each call the way a test says
 * (method calls, errors, the helper's name coming and going); and skeletons exported on a
 * GTestDBus bus, which send the signals a real helper sends (objects added, removed and
 * changed). Neither runs libvirt.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libglib-testing/dbus-queue.h>
#include <locale.h>
#include <string.h>

#include "vireo.h"

#define BUS_NAME     VIREO_BUS_NAME
#define ROOT         VIREO_OBJECT_MANAGER_PATH
#define MANAGER_PATH VIREO_MANAGER_PATH
#define MACHINE_A    VIREO_MACHINES_PATH "/a"
#define MACHINE_B    VIREO_MACHINES_PATH "/b"

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_until (gboolean (*cond) (gpointer),
            gpointer   data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return !timed_out;
}

typedef struct {
  VireoClient     *client;
  VireoClientState state;
  guint            n_machines;
} Expect;

static gboolean
client_is (gpointer data)
{
  Expect *e = data;

  return vireo_client_get_state (e->client) == e->state
         && g_list_model_get_n_items (vireo_client_get_machines (e->client)) == e->n_machines;
}

static void
assert_client (VireoClient     *client,
               VireoClientState state,
               guint            n_machines)
{
  Expect e = { client, state, n_machines };

  if (!wait_until (client_is, &e))
    g_error ("client is in state %d with %u machines; expected %d with %u",
             vireo_client_get_state (client),
             g_list_model_get_n_items (vireo_client_get_machines (client)), state, n_machines);
}

static GVariant *
machine_properties (const char *name,
                    const char *state)
{
  return g_variant_new_parsed ("{'Name': <%s>, 'Uuid': <%s>, 'Title': <''>, 'Description': <''>,"
                               " 'State': <%s>, 'OsId': <''>, 'Vcpus': <uint32 2>, 'MemoryMiB': <uint64 2048>,"
                               " 'Persistent': <true>, 'Autostart': <false>, 'GraphicsTypes': <['vnc']>,"
                               " 'Disks': <@a(sssts) []>, 'Nics': <@a(ssssbas) []>}",
                               name, name, state);
}

static GVariant *
manager_properties (gboolean    connected,
                    const char *error)
{
  return g_variant_new_parsed ("{'Connected': <%b>, 'ConnectionError': <%s>, 'Version': <'0.1.0'>}",
                               connected, error);
}

/* GtDBusQueue: calls and the name */

static GDBusInterfaceInfo *
interface_info (const char *name)
{
  static GDBusNodeInfo *vireo_info, *om_info;

  if (vireo_info == NULL)
    {
      g_autofree char *xml = NULL;
      g_autofree char *path = g_build_filename (g_getenv ("VIREO_DATA_DIR"), "org.vireo.Hypervisor1.xml", NULL);

      g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
      vireo_info = g_dbus_node_info_new_for_xml (xml, NULL);
      om_info = g_dbus_node_info_new_for_xml (
        "<node><interface name='org.freedesktop.DBus.ObjectManager'>"
        "<method name='GetManagedObjects'><arg type='a{oa{sa{sv}}}' direction='out'/></method>"
        "</interface></node>", NULL);
    }

  if (g_str_equal (name, "org.freedesktop.DBus.ObjectManager"))
    return om_info->interfaces[0];
  return g_dbus_node_info_lookup_interface (vireo_info, name);
}

static void
reply_managed_objects (GtDBusQueue *queue)
{
  g_autoptr(GDBusMethodInvocation) invocation = NULL;
  GVariantBuilder objects;

  invocation = gt_dbus_queue_assert_pop_message (queue, ROOT, "org.freedesktop.DBus.ObjectManager",
                                                 "GetManagedObjects", "()", NULL);
  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  g_variant_builder_add_parsed (&objects, "{%o, {'org.vireo.Hypervisor1.Manager': %@a{sv}}}",
                                MANAGER_PATH, manager_properties (TRUE, ""));
  g_variant_builder_add_parsed (&objects, "{%o, {'org.vireo.Hypervisor1.Machine': %@a{sv}}}",
                                MACHINE_A, machine_properties ("a", "shutoff"));
  g_variant_builder_add_parsed (&objects, "{%o, {'org.vireo.Hypervisor1.Machine': %@a{sv}}}",
                                MACHINE_B, machine_properties ("b", "running"));
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), g_variant_new ("(@a{oa{sa{sv}}})",
                                                                                      g_variant_builder_end (&objects)));
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static VireoDBusMachine *
machine_at (VireoClient *client,
            const char  *path)
{
  VireoDBusMachine *machine = vireo_client_lookup_machine (client, path);

  g_assert_nonnull (machine);
  return machine;
}

static void
test_queue_calls (void)
{
  g_autoptr(GtDBusQueue) queue = gt_dbus_queue_new ();
  g_autoptr(VireoClient) client = NULL;
  g_autoptr(GDBusMethodInvocation) invocation = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;
  g_autofree char *detail = NULL;
  guint name_id;

  gt_dbus_queue_connect (queue, &error);
  g_assert_no_error (error);
  gt_dbus_queue_export_object (queue, ROOT, interface_info ("org.freedesktop.DBus.ObjectManager"), &error);
  g_assert_no_error (error);
  gt_dbus_queue_export_object (queue, MACHINE_A, interface_info ("org.vireo.Hypervisor1.Machine"), &error);
  g_assert_no_error (error);
  name_id = gt_dbus_queue_own_name (queue, BUS_NAME);

  client = vireo_client_new_for_connection (gt_dbus_queue_get_client_connection (queue));
  g_assert_cmpint (vireo_client_get_state (client), ==, VIREO_CLIENT_CONNECTING);
  vireo_client_start (client);
  reply_managed_objects (queue);
  assert_client (client, VIREO_CLIENT_READY, 2);
  g_assert_cmpstr (vireo_dbus_machine_get_state (machine_at (client, MACHINE_A)), ==, "shutoff");
  g_assert_nonnull (vireo_client_get_manager (client));

  /* A call that libvirt refuses: the error arrives typed, with sentence and detail apart. */
  vireo_machine_run_async (machine_at (client, MACHINE_A), VIREO_MACHINE_ACTION_START, NULL, NULL,
                           call_done_cb, &result);
  invocation = gt_dbus_queue_assert_pop_message (queue, MACHINE_A, "org.vireo.Hypervisor1.Machine", "Start",
                                                 "(@a{sv})", &options);
  g_assert_cmpuint (g_variant_n_children (options), ==, 0);
  g_assert_true (g_dbus_message_get_flags (g_dbus_method_invocation_get_message (invocation))
                 & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION);
  g_dbus_method_invocation_return_error_literal (g_steal_pointer (&invocation), VIREO_ERROR,
                                                 VIREO_ERROR_INVALID_STATE,
                                                 "Could not start “a”. The machine is not in a state that allows this.\n"
                                                 "libvirt: Requested operation is not valid: domain is already running");
  g_assert_true (wait_until (result_arrived, &result));
  g_assert_false (vireo_machine_run_finish (machine_at (client, MACHINE_A), result, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_false (vireo_error_is_silent (error));
  vireo_error_get_text (error, &sentence, &detail);
  g_assert_cmpstr (sentence, ==, "Could not start “a”. The machine is not in a state that allows this.");
  g_assert_cmpstr (detail, ==, "Requested operation is not valid: domain is already running");
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_pointer (&options, g_variant_unref);

  /* Options travel as given; a dismissed password dialog needs no message. */
  vireo_machine_run_async (machine_at (client, MACHINE_A), VIREO_MACHINE_ACTION_DELETE,
                           g_variant_new_parsed ("{'disks': <['/var/lib/libvirt/images/a.qcow2']>}"),
                           NULL, call_done_cb, &result);
  invocation = gt_dbus_queue_assert_pop_message (queue, MACHINE_A, "org.vireo.Hypervisor1.Machine", "Delete",
                                                 "(@a{sv})", &options);
  g_assert_true (g_variant_lookup (options, "disks", "^a&s", NULL));
  g_dbus_method_invocation_return_error_literal (g_steal_pointer (&invocation), VIREO_ERROR,
                                                 VIREO_ERROR_NOT_AUTHORIZED_DISMISSED, "dismissed");
  g_assert_true (wait_until (result_arrived, &result));
  g_assert_false (vireo_machine_run_finish (machine_at (client, MACHINE_A), result, &error));
  g_assert_true (vireo_error_is_silent (error));
  g_clear_error (&error);
  g_clear_object (&result);

  /* The helper goes away: no machines, and the state says why. */
  gt_dbus_queue_unown_name (queue, name_id);
  assert_client (client, VIREO_CLIENT_NO_HELPER, 0);
  g_assert_nonnull (strstr (vireo_client_get_problem (client), "not running"));
  g_assert_null (vireo_client_get_manager (client));

  /* It comes back: the client asks for the objects again by itself. */
  name_id = gt_dbus_queue_own_name (queue, BUS_NAME);
  reply_managed_objects (queue);
  assert_client (client, VIREO_CLIENT_READY, 2);
  g_assert_null (vireo_client_get_problem (client));

  gt_dbus_queue_unown_name (queue, name_id);
  assert_client (client, VIREO_CLIENT_NO_HELPER, 0);
  g_clear_object (&client);
  gt_dbus_queue_disconnect (queue, TRUE);
}

/* GtDBusQueue: the host's interfaces, and the calls on networks */

#define NETWORK_PATH VIREO_NETWORKS_PATH "/n"

static void
reply_managed_objects_with_network (GtDBusQueue *queue)
{
  g_autoptr(GDBusMethodInvocation) invocation = NULL;
  GVariantBuilder objects;

  invocation = gt_dbus_queue_assert_pop_message (queue, ROOT, "org.freedesktop.DBus.ObjectManager",
                                                 "GetManagedObjects", "()", NULL);
  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  g_variant_builder_add_parsed (&objects, "{%o, {'org.vireo.Hypervisor1.Manager': %@a{sv}}}",
                                MANAGER_PATH, manager_properties (TRUE, ""));
  g_variant_builder_add_parsed (&objects,
                                "{%o, {'org.vireo.Hypervisor1.Network': {'Name': <'lab'>, 'Uuid': <'n'>,"
                                " 'Mode': <'nat'>, 'Active': <false>, 'Autostart': <false>, 'Persistent': <true>,"
                                " 'Bridge': <'virbr7'>, 'ForwardDev': <''>, 'Ipv4': <['10.77.7.1/24']>,"
                                " 'Ipv6': <@as []>, 'DhcpRanges': <@a(ss) []>, 'Domain': <''>}}}",
                                NETWORK_PATH);
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), g_variant_new ("(@a{oa{sa{sv}}})",
                                                                                      g_variant_builder_end (&objects)));
}

/* Pops the call @method on @path, checks that polkit may ask, and returns its arguments. */
static GDBusMethodInvocation *
pop_interactive (GtDBusQueue  *queue,
                 const char   *path,
                 const char   *interface,
                 const char   *method,
                 GVariant    **arguments)
{
  GDBusMethodInvocation *invocation = gt_dbus_queue_assert_pop_message (queue, path, interface, method, "@*",
                                                                         arguments);

  g_assert_true (g_dbus_message_get_flags (g_dbus_method_invocation_get_message (invocation))
                 & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION);
  return invocation;
}

static void
test_network_calls (void)
{
  g_autoptr(GtDBusQueue) queue = gt_dbus_queue_new ();
  g_autoptr(VireoClient) client = NULL;
  g_autoptr(GDBusMethodInvocation) invocation = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) arguments = NULL;
  g_autoptr(GPtrArray) interfaces = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDBusNetwork) network = NULL;
  g_autofree char *path = NULL;
  const VireoHostInterface *eth0, *br0;
  GVariant *spec, *options;
  gboolean force, autostart;
  guint name_id;

  gt_dbus_queue_connect (queue, &error);
  g_assert_no_error (error);
  gt_dbus_queue_export_object (queue, ROOT, interface_info ("org.freedesktop.DBus.ObjectManager"), &error);
  g_assert_no_error (error);
  gt_dbus_queue_export_object (queue, MANAGER_PATH, interface_info ("org.vireo.Hypervisor1.Manager"), &error);
  g_assert_no_error (error);
  gt_dbus_queue_export_object (queue, NETWORK_PATH, interface_info ("org.vireo.Hypervisor1.Network"), &error);
  g_assert_no_error (error);
  name_id = gt_dbus_queue_own_name (queue, BUS_NAME);

  client = vireo_client_new_for_connection (gt_dbus_queue_get_client_connection (queue));
  vireo_client_start (client);
  reply_managed_objects_with_network (queue);
  assert_client (client, VIREO_CLIENT_READY, 0);
  network = vireo_client_find_network (client, "lab");
  g_assert_nonnull (network);

  /* ListHostInterfaces, read into VireoHostInterface: absent details are empty, a detail of
     another type reads as absent, and one this client does not know stays in details. */
  vireo_client_list_host_interfaces_async (client, NULL, call_done_cb, &result);
  invocation = gt_dbus_queue_assert_pop_message (queue, MANAGER_PATH, "org.vireo.Hypervisor1.Manager",
                                                 "ListHostInterfaces", "(@a{sv})", NULL);
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), g_variant_new_parsed (
    "([('br0', 'bridge', true, true, {'mac': <'52:54:00:aa:bb:cc'>, 'addresses': <['192.0.2.5/24', '2001:db8::5/64']>,"
    "   'ports': <['eth1']>, 'vireo-bridge': <true>, 'bridgeable': <false>, 'why-not': <'It is a bridge.'>}),"
    "  ('eth0', 'ethernet', true, false, {'master': <uint32 3>, 'bridgeable': <true>, 'networkmanager': <true>,"
    "   'future': <int64 7>})],)"));
  g_assert_true (wait_until (result_arrived, &result));
  interfaces = vireo_client_list_host_interfaces_finish (client, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (interfaces->len, ==, 2);
  br0 = g_ptr_array_index (interfaces, 0);
  eth0 = g_ptr_array_index (interfaces, 1);
  g_assert_cmpstr (br0->name, ==, "br0");
  g_assert_cmpstr (br0->kind, ==, "bridge");
  g_assert_true (br0->up && br0->carrier);
  g_assert_cmpstr (br0->mac, ==, "52:54:00:aa:bb:cc");
  g_assert_cmpstrv (br0->addresses, ((const char *const[]) { "192.0.2.5/24", "2001:db8::5/64", NULL }));
  g_assert_cmpstrv (br0->ports, ((const char *const[]) { "eth1", NULL }));
  g_assert_true (br0->vireo_bridge);
  g_assert_false (br0->bridgeable);
  g_assert_cmpstr (br0->why_not, ==, "It is a bridge.");
  g_assert_cmpstr (br0->master, ==, "");
  g_assert_cmpstr (br0->libvirt_network, ==, "");
  g_assert_false (br0->networkmanager);
  g_assert_cmpstr (eth0->kind, ==, "ethernet");
  g_assert_true (eth0->up);
  g_assert_false (eth0->carrier);
  g_assert_cmpstr (eth0->master, ==, "");       /* a uint32: not a name */
  g_assert_nonnull (eth0->addresses);
  g_assert_null (eth0->addresses[0]);
  g_assert_nonnull (eth0->ports);
  g_assert_true (eth0->bridgeable && eth0->networkmanager);
  g_assert_false (eth0->vireo_bridge);
  g_assert_true (g_variant_lookup (eth0->details, "future", "x", NULL));

  /* Equal to a copy; not once anything differs. */
  again = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_host_interface_free);
  g_ptr_array_add (again, vireo_host_interface_copy (br0));
  g_ptr_array_add (again, vireo_host_interface_copy (eth0));
  g_assert_true (vireo_host_interfaces_equal (interfaces, again));
  ((VireoHostInterface *) g_ptr_array_index (again, 1))->carrier = TRUE;
  g_assert_false (vireo_host_interfaces_equal (interfaces, again));
  g_ptr_array_remove_index (again, 1);
  g_assert_false (vireo_host_interfaces_equal (interfaces, again));
  g_assert_false (vireo_host_interfaces_equal (interfaces, NULL));
  g_assert_true (vireo_host_interfaces_equal (NULL, NULL));

  /* CreateNetwork: the spec as given, the new network's path back. */
  vireo_client_create_network_async (client, g_variant_new_parsed ("{'name': <'lab2'>, 'mode': <'isolated'>,"
                                                                   " 'ipv4': <'10.77.8.1/24'>}"),
                                     NULL, call_done_cb, &result);
  invocation = pop_interactive (queue, MANAGER_PATH, "org.vireo.Hypervisor1.Manager", "CreateNetwork", &arguments);
  spec = g_variant_get_child_value (arguments, 0);
  g_assert_true (g_variant_lookup (spec, "mode", "&s", NULL));
  g_assert_cmpuint (g_variant_n_children (spec), ==, 3);
  g_variant_unref (spec);
  g_clear_pointer (&arguments, g_variant_unref);
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), g_variant_new ("(o)", VIREO_NETWORKS_PATH "/m"));
  g_assert_true (wait_until (result_arrived, &result));
  path = vireo_client_create_network_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, VIREO_NETWORKS_PATH "/m");
  g_clear_object (&result);

  /* Start refused: the helper's error, typed, without D-Bus's prefix. */
  vireo_network_start_async (network, NULL, call_done_cb, &result);
  invocation = pop_interactive (queue, NETWORK_PATH, "org.vireo.Hypervisor1.Network", "Start", NULL);
  g_dbus_method_invocation_return_error_literal (g_steal_pointer (&invocation), VIREO_ERROR, VIREO_ERROR_EXISTS,
                                                 "Could not start “lab”: its bridge is taken.");
  g_assert_true (wait_until (result_arrived, &result));
  g_assert_false (vireo_network_start_finish (network, result, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, "Could not start “lab”: its bridge is taken.");
  g_clear_error (&error);
  g_clear_object (&result);

  /* Stop, Delete with force, SetAutostart. */
  vireo_network_stop_async (network, NULL, call_done_cb, &result);
  invocation = pop_interactive (queue, NETWORK_PATH, "org.vireo.Hypervisor1.Network", "Stop", NULL);
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), NULL);
  g_assert_true (wait_until (result_arrived, &result));
  g_assert_true (vireo_network_stop_finish (network, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  vireo_network_delete_async (network, TRUE, NULL, call_done_cb, &result);
  invocation = pop_interactive (queue, NETWORK_PATH, "org.vireo.Hypervisor1.Network", "Delete", &arguments);
  g_variant_get (arguments, "(@a{sv})", &options);
  force = FALSE;
  g_assert_true (g_variant_lookup (options, "force", "b", &force) && force);
  g_variant_unref (options);
  g_clear_pointer (&arguments, g_variant_unref);
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), NULL);
  g_assert_true (wait_until (result_arrived, &result));
  g_assert_true (vireo_network_delete_finish (network, result, &error));
  g_clear_object (&result);

  vireo_network_set_autostart_async (network, TRUE, NULL, call_done_cb, &result);
  invocation = pop_interactive (queue, NETWORK_PATH, "org.vireo.Hypervisor1.Network", "SetAutostart", &arguments);
  g_variant_get (arguments, "(b@a{sv})", &autostart, NULL);
  g_assert_true (autostart);
  g_clear_pointer (&arguments, g_variant_unref);
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), NULL);
  g_assert_true (wait_until (result_arrived, &result));
  g_assert_true (vireo_network_set_autostart_finish (network, result, &error));
  g_clear_object (&result);

  /* Without the helper: NotConnected at once, no call made. */
  gt_dbus_queue_unown_name (queue, name_id);
  assert_client (client, VIREO_CLIENT_NO_HELPER, 0);
  vireo_client_create_network_async (client, g_variant_new_parsed ("@a{sv} {}"), NULL, call_done_cb, &result);
  g_assert_true (wait_until (result_arrived, &result));
  g_assert_null (vireo_client_create_network_finish (client, result, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_clear_object (&result);
  gt_dbus_queue_assert_no_messages (queue);

  g_clear_object (&network);
  g_clear_object (&client);
  gt_dbus_queue_disconnect (queue, TRUE);
}

/* Skeletons on a GTestDBus: the signals */

typedef struct {
  GDBusConnection          *server;
  GDBusObjectManagerServer *object_manager;
  VireoDBusManager         *manager;
} Helper;

static VireoDBusMachine *
export_machine (Helper     *helper,
                const char *path,
                const char *name,
                const char *state)
{
  g_autoptr(VireoDBusObjectSkeleton) object = vireo_dbus_object_skeleton_new (path);
  VireoDBusMachine *machine = vireo_dbus_machine_skeleton_new ();

  vireo_dbus_machine_set_name (machine, name);
  vireo_dbus_machine_set_uuid (machine, name);
  vireo_dbus_machine_set_state (machine, state);
  vireo_dbus_machine_set_vcpus (machine, 1);
  vireo_dbus_object_skeleton_set_machine (object, machine);
  g_dbus_object_manager_server_export (helper->object_manager, G_DBUS_OBJECT_SKELETON (object));
  return machine;
}

typedef struct {
  VireoDBusMachine *machine;
  const char       *state;
} StateExpect;

static gboolean
state_is (gpointer data)
{
  StateExpect *e = data;

  return g_strcmp0 (vireo_dbus_machine_get_state (e->machine), e->state) == 0;
}

static void
test_signals (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) client_connection = NULL;
  g_autoptr(VireoClient) client = NULL;
  g_autoptr(VireoDBusMachine) a = NULL;
  g_autoptr(VireoDBusMachine) b = NULL;
  g_autoptr(VireoDBusObjectSkeleton) manager_object = NULL;
  g_autoptr(GError) error = NULL;
  Helper helper = { NULL, NULL, NULL };
  StateExpect expect;
  guint owner_id;
  GListModel *machines;

  g_test_dbus_up (bus);
  helper.server = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                          NULL, NULL, &error);
  g_assert_no_error (error);
  client_connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                              | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);

  helper.object_manager = g_dbus_object_manager_server_new (ROOT);
  manager_object = vireo_dbus_object_skeleton_new (MANAGER_PATH);
  helper.manager = vireo_dbus_manager_skeleton_new ();
  vireo_dbus_manager_set_connected (helper.manager, TRUE);
  vireo_dbus_object_skeleton_set_manager (manager_object, helper.manager);
  g_dbus_object_manager_server_export (helper.object_manager, G_DBUS_OBJECT_SKELETON (manager_object));
  a = export_machine (&helper, MACHINE_A, "a", "shutoff");
  g_dbus_object_manager_server_set_connection (helper.object_manager, helper.server);
  owner_id = g_bus_own_name_on_connection (helper.server, BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                           NULL, NULL, NULL, NULL);

  client = vireo_client_new_for_connection (client_connection);
  vireo_client_start (client);
  assert_client (client, VIREO_CLIENT_READY, 1);
  machines = vireo_client_get_machines (client);

  /* Added */
  b = export_machine (&helper, MACHINE_B, "b", "running");
  assert_client (client, VIREO_CLIENT_READY, 2);
  g_assert_cmpstr (vireo_dbus_machine_get_name (vireo_client_lookup_machine (client, MACHINE_B)), ==, "b");

  /* Changed: PropertiesChanged reaches the proxy, the list keeps its items. */
  vireo_dbus_machine_set_state (a, "running");
  expect.machine = vireo_client_lookup_machine (client, MACHINE_A);
  expect.state = "running";
  g_assert_true (wait_until (state_is, &expect));
  g_assert_cmpuint (g_list_model_get_n_items (machines), ==, 2);

  /* Removed */
  g_dbus_object_manager_server_unexport (helper.object_manager, MACHINE_B);
  assert_client (client, VIREO_CLIENT_READY, 1);
  g_assert_null (vireo_client_lookup_machine (client, MACHINE_B));

  /* libvirtd goes away: the helper says so; the client passes it on. */
  vireo_dbus_manager_set_connection_error (helper.manager, "The connection to libvirtd was lost.");
  vireo_dbus_manager_set_connected (helper.manager, FALSE);
  g_dbus_object_manager_server_unexport (helper.object_manager, MACHINE_A);
  assert_client (client, VIREO_CLIENT_NO_LIBVIRT, 0);
  g_assert_cmpstr (vireo_client_get_problem (client), ==, "The connection to libvirtd was lost.");

  vireo_dbus_manager_set_connected (helper.manager, TRUE);
  g_clear_object (&a);
  a = export_machine (&helper, MACHINE_A, "a", "shutoff");
  assert_client (client, VIREO_CLIENT_READY, 1);

  g_bus_unown_name (owner_id);
  g_clear_object (&client);
  g_clear_object (&helper.manager);
  g_clear_object (&helper.object_manager);
  g_dbus_connection_close_sync (helper.server, NULL, NULL);
  g_clear_object (&helper.server);
  g_dbus_connection_close_sync (client_connection, NULL, NULL);
  g_clear_object (&client_connection);
  g_test_dbus_down (bus);
}

/* The actions a state allows, as a mask, for short assertions. */
static guint
allowed (const char *state,
         gboolean    persistent)
{
  guint mask = 0;

  for (guint a = 0; a < VIREO_MACHINE_N_ACTIONS; a++)
    if (vireo_machine_state_allows (vireo_machine_state_from_string (state), persistent, a))
      mask |= 1u << a;
  return mask;
}

#define A(x) (1u << VIREO_MACHINE_ACTION_##x)

static void
test_state (void)
{
  /* Every Machine.State value goes both ways; anything else is unknown. */
  for (guint s = VIREO_MACHINE_STATE_UNKNOWN; s <= VIREO_MACHINE_STATE_SUSPENDED; s++)
    g_assert_cmpint (vireo_machine_state_from_string (vireo_machine_state_to_string (s)), ==, s);
  g_assert_cmpint (vireo_machine_state_from_string ("nonsense"), ==, VIREO_MACHINE_STATE_UNKNOWN);
  g_assert_cmpint (vireo_machine_state_from_string (NULL), ==, VIREO_MACHINE_STATE_UNKNOWN);
  g_assert_cmpstr (vireo_machine_state_to_string (VIREO_MACHINE_STATE_SHUTTING_DOWN), ==, "shutting-down");

  g_assert_true (vireo_machine_state_is_active (VIREO_MACHINE_STATE_PAUSED));
  g_assert_true (vireo_machine_state_is_active (VIREO_MACHINE_STATE_BLOCKED));
  g_assert_false (vireo_machine_state_is_active (VIREO_MACHINE_STATE_SAVED));
  g_assert_false (vireo_machine_state_is_active (VIREO_MACHINE_STATE_UNKNOWN));
  g_assert_true (vireo_machine_state_can_start (VIREO_MACHINE_STATE_SAVED));
  g_assert_false (vireo_machine_state_can_start (VIREO_MACHINE_STATE_CRASHED));

  /* Each action only where it applies. */
  g_assert_cmphex (allowed ("shutoff", TRUE), ==, A (START) | A (DELETE));
  g_assert_cmphex (allowed ("saved", TRUE), ==, A (START) | A (DELETE));
  g_assert_cmphex (allowed ("running", TRUE), ==,
                   A (SHUTDOWN) | A (REBOOT) | A (FORCE_OFF) | A (RESET) | A (PAUSE) | A (SAVE) | A (DELETE));
  g_assert_cmphex (allowed ("running", FALSE) & A (SAVE), ==, 0);
  g_assert_cmphex (allowed ("paused", TRUE), ==, A (RESUME) | A (FORCE_OFF) | A (RESET) | A (SAVE) | A (DELETE));
  g_assert_cmphex (allowed ("crashed", TRUE), ==, A (FORCE_OFF) | A (DELETE));
  g_assert_cmphex (allowed ("unknown", TRUE), ==, A (DELETE));

  g_assert_cmpstr (vireo_machine_action_get_method (VIREO_MACHINE_ACTION_FORCE_OFF), ==, "ForceOff");
}

static void
test_error_text (void)
{
  g_autoptr(GError) gone = g_error_new_literal (G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT,
                                                "Object does not exist at path “/org/vireo/Hypervisor1/machines/a”");
  g_autoptr(GError) no_helper = g_error_new_literal (G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN,
                                                     "The name org.vireo.Hypervisor1 was not provided by any .service files");
  g_autoptr(GError) ours = g_error_new_literal (VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                                                "“a” is not running.\nlibvirt: domain is not running");
  g_autofree char *sentence = NULL;
  g_autofree char *detail = NULL;

  /* The bus's own errors read as sentences, their words kept as the detail. */
  vireo_error_get_text (gone, &sentence, &detail);
  g_assert_cmpstr (sentence, ==, "The machine no longer exists.");
  g_assert_nonnull (strstr (detail, "Object does not exist"));
  g_clear_pointer (&sentence, g_free);
  g_clear_pointer (&detail, g_free);
  vireo_error_get_text (no_helper, &sentence, &detail);
  g_assert_true (g_str_has_prefix (sentence, "The Vireo helper did not answer"));
  g_clear_pointer (&sentence, g_free);
  g_clear_pointer (&detail, g_free);
  vireo_error_get_text (ours, &sentence, &detail);
  g_assert_cmpstr (sentence, ==, "“a” is not running.");
  g_assert_cmpstr (detail, ==, "domain is not running");
  g_clear_pointer (&sentence, g_free);

  /* Without the detail, for who shows only the sentence. */
  vireo_error_get_text (ours, &sentence, NULL);
  g_assert_cmpstr (sentence, ==, "“a” is not running.");
  g_clear_pointer (&sentence, g_free);
  vireo_error_get_text (gone, &sentence, NULL);
  g_assert_cmpstr (sentence, ==, "The machine no longer exists.");
}

static void
test_paths (void)
{
  g_autofree char *path = vireo_machine_path_for_uuid ("8f0c1b56-5c1e-4bb9-9a1e-0a1b2c3d4e5f");

  g_assert_true (g_variant_is_object_path (path));
  g_assert_true (g_str_has_prefix (path, VIREO_MACHINES_PATH "/"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lib/client/calls-and-name-owner", test_queue_calls);
  g_test_add_func ("/lib/client/signals", test_signals);
  g_test_add_func ("/lib/client/network-calls", test_network_calls);
  g_test_add_func ("/lib/machine-state", test_state);
  g_test_add_func ("/lib/paths", test_paths);
  g_test_add_func ("/lib/error-text", test_error_text);

  return g_test_run ();
}
