/* vireo-client.c
 *
 * The app's view of the helper: the machines as a GListModel of generated proxies, kept in
 * step by the ObjectManager's signals, and the state of the connection. The app never
 * talks to libvirt; everything arrives here over D-Bus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-client"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-bus.h"
#include "vireo-client.h"
#include "vireo-enum-types.h"
#include "vireo-error.h"

struct _VireoClient {
  GObject             parent_instance;

  /* Owned references */
  GDBusConnection    *connection;
  GBusType            bus_type;
  GDBusObjectManager *object_manager;
  VireoDBusManager   *manager;
  GListStore         *machines;
  GHashTable         *positions;     /* object path → VireoDBusMachine, for lookups */
  GCancellable       *cancellable;
  char               *problem;

  VireoClientState    state;
};

G_DEFINE_FINAL_TYPE (VireoClient, vireo_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_PROBLEM,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_state (VireoClient *self)
{
  g_autofree char *owner = NULL;
  VireoClientState state;
  g_autofree char *problem = NULL;

  if (self->object_manager == NULL)
    state = VIREO_CLIENT_CONNECTING;
  else if ((owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (self->object_manager))) == NULL)
    {
      state = VIREO_CLIENT_NO_HELPER;
      problem = g_strdup (_("The Vireo helper (vireo-hypervisor) is not running. Start its "
                            "system service; Vireo connects by itself when it is back."));
    }
  else if (self->manager == NULL)
    state = VIREO_CLIENT_CONNECTING;
  else if (!vireo_dbus_manager_get_connected (self->manager))
    {
      const char *reason = vireo_dbus_manager_get_connection_error (self->manager);

      state = VIREO_CLIENT_NO_LIBVIRT;
      problem = g_strdup (reason != NULL && reason[0] != '\0' ? reason : _("The helper cannot reach libvirtd."));
    }
  else
    state = VIREO_CLIENT_READY;

  if (g_strcmp0 (problem, self->problem) != 0)
    {
      g_free (self->problem);
      self->problem = g_steal_pointer (&problem);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }

  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
manager_notify_cb (VireoClient *self)
{
  update_state (self);
}

static void
set_manager (VireoClient      *self,
             VireoDBusManager *manager)
{
  if (self->manager == manager)
    return;

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_set_object (&self->manager, manager);
  if (manager != NULL)
    {
      g_signal_connect_swapped (manager, "notify::connected", G_CALLBACK (manager_notify_cb), self);
      g_signal_connect_swapped (manager, "notify::connection-error", G_CALLBACK (manager_notify_cb), self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANAGER]);
}

static void
add_objects (VireoClient *self,
             GList       *objects)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusObject *object = VIREO_DBUS_OBJECT (l->data);
      VireoDBusMachine *machine = vireo_dbus_object_get_machine (object);
      VireoDBusManager *manager = vireo_dbus_object_peek_manager (object);

      if (manager != NULL)
        set_manager (self, manager);

      if (machine == NULL)
        continue;

      if (g_hash_table_contains (self->positions, g_dbus_object_get_object_path (l->data)))
        {
          g_object_unref (machine);
          continue;
        }

      g_hash_table_insert (self->positions, g_strdup (g_dbus_object_get_object_path (l->data)), machine);
      g_ptr_array_add (added, g_object_ref (machine));
    }

  /* One items-changed for all of them: a thousand machines cost one update. */
  if (added->len > 0)
    g_list_store_splice (self->machines, g_list_model_get_n_items (G_LIST_MODEL (self->machines)), 0,
                         added->pdata, added->len);
}

static void
object_added_cb (VireoClient        *self,
                 GDBusObject        *object,
                 GDBusObjectManager *object_manager)
{
  GList list = { object, NULL, NULL };

  add_objects (self, &list);
  update_state (self);
}

static void
object_removed_cb (VireoClient        *self,
                   GDBusObject        *object,
                   GDBusObjectManager *object_manager)
{
  const char *path = g_dbus_object_get_object_path (object);
  VireoDBusMachine *machine = g_hash_table_lookup (self->positions, path);
  guint position;

  if (vireo_dbus_object_peek_manager (VIREO_DBUS_OBJECT (object)) != NULL)
    set_manager (self, NULL);

  /* Out of the table first: whoever hears items-changed finds the machine gone. */
  if (machine != NULL)
    {
      g_autoptr(VireoDBusMachine) removed = g_object_ref (machine);

      g_hash_table_remove (self->positions, path);
      if (g_list_store_find (self->machines, removed, &position))
        g_list_store_remove (self->machines, position);
    }
  update_state (self);
}

static void
name_owner_cb (VireoClient *self)
{
  update_state (self);
}

static GType
get_proxy_type_cb (GDBusObjectManagerClient *manager,
                   const char               *object_path,
                   const char               *interface_name,
                   gpointer                  user_data)
{
  return vireo_dbus_object_manager_client_get_proxy_type (manager, object_path, interface_name, user_data);
}

static void
object_manager_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VireoClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autolist(GDBusObject) objects = NULL;
  GDBusObjectManager *object_manager;

  object_manager = g_dbus_object_manager_client_new_finish (result, &error);
  if (object_manager == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot watch the helper: %s", error->message);
          g_free (self->problem);
          self->problem = g_strdup (error->message);
          self->state = VIREO_CLIENT_NO_HELPER;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
        }
      return;
    }

  self->object_manager = object_manager;
  g_signal_connect_swapped (object_manager, "object-added", G_CALLBACK (object_added_cb), self);
  g_signal_connect_swapped (object_manager, "object-removed", G_CALLBACK (object_removed_cb), self);
  g_signal_connect_swapped (object_manager, "notify::name-owner", G_CALLBACK (name_owner_cb), self);

  objects = g_dbus_object_manager_get_objects (object_manager);
  add_objects (self, objects);
  update_state (self);
}

static void
bus_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(VireoClient) self = user_data;
  g_autoptr(GError) error = NULL;

  self->connection = g_bus_get_finish (result, &error);
  if (self->connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->problem);
      self->problem = g_strdup_printf (_("The system bus cannot be reached: %s"), error->message);
      self->state = VIREO_CLIENT_NO_HELPER;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      return;
    }

  vireo_client_start (self);
}

/**
 * vireo_client_start:
 *
 * Starts watching the helper, asynchronously. The client follows the helper when it stops
 * and when it comes back (a new owner of the bus name).
 */
void
vireo_client_start (VireoClient *self)
{
  g_return_if_fail (VIREO_IS_CLIENT (self));
  g_return_if_fail (self->object_manager == NULL);

  if (self->connection != NULL)
    g_dbus_object_manager_client_new (self->connection,
                                      G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                      VIREO_BUS_NAME, VIREO_OBJECT_MANAGER_PATH,
                                      get_proxy_type_cb, NULL, NULL,
                                      self->cancellable, object_manager_cb, g_object_ref (self));
  else
    g_bus_get (self->bus_type, self->cancellable, bus_cb, g_object_ref (self));
}

static void
start_service_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VireoClient) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_dbus_error_strip_remote_error (error);
      g_free (self->problem);
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN))
        self->problem = g_strdup (_("The Vireo helper is not installed as a system service here, so it "
                                    "cannot be started from this window. Start it as root with "
                                    "“vireo-hypervisor --system” (./run.sh does)."));
      else
        self->problem = g_strdup_printf (_("The Vireo helper could not be started (%s)."), error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }
}

/**
 * vireo_client_retry:
 *
 * Asks the bus to start the helper (D-Bus activation, where it is installed). The client
 * notices the helper by itself when it comes, whoever starts it.
 */
void
vireo_client_retry (VireoClient *self)
{
  g_return_if_fail (VIREO_IS_CLIENT (self));

  if (self->connection == NULL || self->state != VIREO_CLIENT_NO_HELPER)
    return;

  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "StartServiceByName",
                          g_variant_new ("(su)", VIREO_BUS_NAME, 0), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NONE, 30000, self->cancellable,
                          start_service_cb, g_object_ref (self));
}

VireoClientState
vireo_client_get_state (VireoClient *self)
{
  g_return_val_if_fail (VIREO_IS_CLIENT (self), VIREO_CLIENT_CONNECTING);

  return self->state;
}

const char *
vireo_client_get_problem (VireoClient *self)
{
  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);

  return self->problem;
}

/**
 * vireo_client_get_machines:
 *
 * Returns: (transfer none): a #GListModel of #VireoDBusMachine, in no particular order
 */
GListModel *
vireo_client_get_machines (VireoClient *self)
{
  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);

  return G_LIST_MODEL (self->machines);
}

VireoDBusManager *
vireo_client_get_manager (VireoClient *self)
{
  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);

  return self->manager;
}

/**
 * vireo_client_lookup_machine:
 * @object_path: a machine's object path
 *
 * Returns: (transfer none) (nullable): the machine at @object_path
 */
VireoDBusMachine *
vireo_client_lookup_machine (VireoClient *self,
                             const char  *object_path)
{
  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (object_path != NULL, NULL);

  return g_hash_table_lookup (self->positions, object_path);
}

/**
 * vireo_client_get_object_manager:
 *
 * Returns: (transfer none) (nullable): the helper's objects, once the client has them
 */
GDBusObjectManager *
vireo_client_get_object_manager (VireoClient *self)
{
  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);

  return self->object_manager;
}

/**
 * vireo_client_find_job:
 * @target: the name of the machine a job is for
 *
 * Returns: (transfer full) (nullable): the helper's job for @target, while it runs
 */
VireoDBusJob *
vireo_client_find_job (VireoClient *self,
                       const char  *target)
{
  return vireo_client_find_job_for (self, NULL, target);
}

/**
 * vireo_client_find_job_for:
 * @operation: (nullable): the job's Operation ("download-medium"), or %NULL for any
 * @target: what the job is for: a machine's name, a downloaded medium's
 *
 * A machine and a medium may share a name ("debian.iso"): @operation tells their jobs apart.
 *
 * Returns: (transfer full) (nullable): the helper's job, while it runs
 */
VireoDBusJob *
vireo_client_find_job_for (VireoClient *self,
                           const char  *operation,
                           const char  *target)
{
  GList *objects;
  VireoDBusJob *found = NULL;

  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);

  if (self->object_manager == NULL)
    return NULL;
  objects = g_dbus_object_manager_get_objects (self->object_manager);
  for (GList *l = objects; l != NULL && found == NULL; l = l->next)
    {
      VireoDBusJob *job = vireo_dbus_object_peek_job (VIREO_DBUS_OBJECT (l->data));

      if (job != NULL && g_strcmp0 (vireo_dbus_job_get_target (job), target) == 0
          && (operation == NULL || g_strcmp0 (vireo_dbus_job_get_operation (job), operation) == 0))
        found = g_object_ref (job);
    }
  g_list_free_full (objects, g_object_unref);
  return found;
}

static int
compare_network_names (gconstpointer a,
                       gconstpointer b)
{
  return g_strcmp0 (vireo_dbus_network_get_name (*(VireoDBusNetwork **) a),
                    vireo_dbus_network_get_name (*(VireoDBusNetwork **) b));
}

/**
 * vireo_client_dup_networks:
 *
 * Returns: (transfer container) (element-type VireoDBusNetwork): the helper's virtual
 *   networks, sorted by name
 */
GPtrArray *
vireo_client_dup_networks (VireoClient *self)
{
  GPtrArray *networks = g_ptr_array_new_with_free_func (g_object_unref);
  GList *objects;

  g_return_val_if_fail (VIREO_IS_CLIENT (self), networks);

  if (self->object_manager == NULL)
    return networks;
  objects = g_dbus_object_manager_get_objects (self->object_manager);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusNetwork *network = vireo_dbus_object_peek_network (VIREO_DBUS_OBJECT (l->data));

      if (network != NULL)
        g_ptr_array_add (networks, g_object_ref (network));
    }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (networks, compare_network_names);
  return networks;
}

/**
 * vireo_client_find_network:
 * @name_or_uuid: a network's name, or its UUID
 *
 * Returns: (transfer full) (nullable): the network so named; a name wins over a UUID
 */
VireoDBusNetwork *
vireo_client_find_network (VireoClient *self,
                           const char  *name_or_uuid)
{
  g_autoptr(GPtrArray) networks = NULL;
  VireoDBusNetwork *by_uuid = NULL;

  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name_or_uuid != NULL, NULL);

  networks = vireo_client_dup_networks (self);
  for (guint i = 0; i < networks->len; i++)
    {
      VireoDBusNetwork *network = g_ptr_array_index (networks, i);

      if (g_strcmp0 (vireo_dbus_network_get_name (network), name_or_uuid) == 0)
        return g_object_ref (network);
      if (by_uuid == NULL && g_ascii_strcasecmp (vireo_dbus_network_get_uuid (network), name_or_uuid) == 0)
        by_uuid = network;
    }
  return by_uuid != NULL ? g_object_ref (by_uuid) : NULL;
}

/**
 * vireo_client_dup_machine_names:
 *
 * Returns: (transfer full): the names of the machines, as taken by a new one
 */
GStrv
vireo_client_dup_machine_names (VireoClient *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->machines));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDBusMachine) machine = g_list_model_get_item (G_LIST_MODEL (self->machines), i);

      g_strv_builder_add (builder, vireo_dbus_machine_get_name (machine));
    }
  return g_strv_builder_end (builder);
}

/**
 * vireo_client_find_machine:
 * @name_or_uuid: a machine's name, or its UUID
 *
 * Returns: (transfer none) (nullable): the machine so named; a name wins over a UUID
 */
VireoDBusMachine *
vireo_client_find_machine (VireoClient *self,
                           const char  *name_or_uuid)
{
  VireoDBusMachine *by_uuid = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (VIREO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name_or_uuid != NULL, NULL);

  g_hash_table_iter_init (&iter, self->positions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (g_strcmp0 (vireo_dbus_machine_get_name (value), name_or_uuid) == 0)
        return value;
      if (by_uuid == NULL && vireo_machine_matches (value, name_or_uuid))
        by_uuid = value;
    }

  return by_uuid;
}

static void
vireo_client_dispose (GObject *object)
{
  VireoClient *self = (VireoClient *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->object_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->object_manager, self);
  set_manager (self, NULL);
  g_clear_object (&self->object_manager);
  if (self->machines != NULL)
    g_list_store_remove_all (self->machines);
  g_clear_pointer (&self->positions, g_hash_table_unref);

  G_OBJECT_CLASS (vireo_client_parent_class)->dispose (object);
}

static void
vireo_client_finalize (GObject *object)
{
  VireoClient *self = (VireoClient *) object;

  g_clear_object (&self->machines);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (vireo_client_parent_class)->finalize (object);
}

static void
vireo_client_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VireoClient *self = VIREO_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;

    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_client_class_init (VireoClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_client_dispose;
  object_class->finalize = vireo_client_finalize;
  object_class->get_property = vireo_client_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VIREO_TYPE_CLIENT_STATE, VIREO_CLIENT_CONNECTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, VIREO_DBUS_TYPE_MANAGER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Error names must be known before the first reply arrives. */
  (void) vireo_error_quark ();
}

static void
vireo_client_init (VireoClient *self)
{
  self->machines = g_list_store_new (VIREO_DBUS_TYPE_MACHINE);
  self->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();
}

/**
 * vireo_client_new:
 * @bus_type: %G_BUS_TYPE_SYSTEM, where the helper lives (DBUS_SYSTEM_BUS_ADDRESS moves it
 *   in tests)
 */
VireoClient *
vireo_client_new (GBusType bus_type)
{
  VireoClient *self = g_object_new (VIREO_TYPE_CLIENT, NULL);

  self->bus_type = bus_type;
  return self;
}

/**
 * vireo_client_new_for_connection:
 * @connection: a bus connection where the helper is, for tests
 */
VireoClient *
vireo_client_new_for_connection (GDBusConnection *connection)
{
  VireoClient *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  self = g_object_new (VIREO_TYPE_CLIENT, NULL);
  self->connection = g_object_ref (connection);
  return self;
}

/* Host interfaces and bridges */

#define CALL_FLAGS   G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION
#define CALL_TIMEOUT G_MAXINT

/* A task for a Manager call; NULL after returning the error when there is no helper. */
static GTask *
manager_task (VireoClient          *self,
              gpointer              source_tag,
              GCancellable         *cancellable,
              GAsyncReadyCallback   callback,
              gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (vireo_client_get_manager (self) == NULL)
    {
      g_task_return_new_error (task, VIREO_ERROR, VIREO_ERROR_NOT_CONNECTED, "%s",
                               vireo_client_get_problem (self) != NULL ? vireo_client_get_problem (self)
                                                                         : _("The Vireo helper did not answer."));
      return NULL;
    }
  return g_steal_pointer (&task);
}

static void
list_host_interfaces_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GVariant *interfaces = NULL;
  GError *error = NULL;

  if (!vireo_dbus_manager_call_list_host_interfaces_finish (VIREO_DBUS_MANAGER (source), &interfaces, result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, vireo_host_interfaces_new (interfaces), (GDestroyNotify) g_ptr_array_unref);
  g_variant_unref (interfaces);
}

/**
 * vireo_client_list_host_interfaces_async:
 *
 * Lists the host's network interfaces (Manager.ListHostInterfaces).
 */
void
vireo_client_list_host_interfaces_async (VireoClient         *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CLIENT (self));

  task = manager_task (self, vireo_client_list_host_interfaces_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  vireo_dbus_manager_call_list_host_interfaces (vireo_client_get_manager (self), g_variant_new ("a{sv}", NULL),
                                                G_DBUS_CALL_FLAGS_NONE, -1, cancellable, list_host_interfaces_cb, task);
}

/**
 * vireo_client_list_host_interfaces_finish:
 *
 * Returns: (transfer full) (nullable) (element-type VireoHostInterface): the interfaces, by
 *   name
 */
GPtrArray *
vireo_client_list_host_interfaces_finish (VireoClient   *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
create_network_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *path = NULL;

  if (!vireo_dbus_manager_call_create_network_finish (VIREO_DBUS_MANAGER (source), &path, result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, path, g_free);
}

/**
 * vireo_client_create_network_async:
 * @spec: CreateNetwork's spec (a{sv}: "name", "mode", "ipv4", "dhcp", "ipv6", "domain",
 *   "forward-dev", "autostart"); a floating reference is sunk
 *
 * Defines and starts a virtual network (Manager.CreateNetwork); polkit may ask for a
 * password.
 */
void
vireo_client_create_network_async (VireoClient         *self,
                                   GVariant            *spec,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GVariant) owned = NULL;
  GTask *task;

  g_return_if_fail (VIREO_IS_CLIENT (self));
  g_return_if_fail (spec != NULL && g_variant_is_of_type (spec, G_VARIANT_TYPE_VARDICT));

  owned = g_variant_ref_sink (spec);
  task = manager_task (self, vireo_client_create_network_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  vireo_dbus_manager_call_create_network (vireo_client_get_manager (self), owned, CALL_FLAGS, CALL_TIMEOUT, cancellable,
                                          create_network_cb, task);
}

/**
 * vireo_client_create_network_finish:
 *
 * Returns: (transfer full) (nullable): the new network's object path
 */
char *
vireo_client_create_network_finish (VireoClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
create_bridge_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!vireo_dbus_manager_call_create_bridge_finish (VIREO_DBUS_MANAGER (source), result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_client_create_bridge_async:
 * @ports: the interfaces to enslave, the first one's MAC address the bridge's
 * @stp: the spanning tree protocol on
 *
 * Makes a host bridge (Manager.CreateBridge); polkit may ask for a password.
 */
void
vireo_client_create_bridge_async (VireoClient         *self,
                                  const char          *name,
                                  const char *const   *ports,
                                  gboolean             stp,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GVariantDict options;
  GTask *task;

  g_return_if_fail (VIREO_IS_CLIENT (self));
  g_return_if_fail (name != NULL && ports != NULL);

  task = manager_task (self, vireo_client_create_bridge_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  g_variant_dict_init (&options, NULL);
  if (stp)
    g_variant_dict_insert (&options, "stp", "b", TRUE);
  vireo_dbus_manager_call_create_bridge (vireo_client_get_manager (self), name, ports, g_variant_dict_end (&options),
                                         CALL_FLAGS, CALL_TIMEOUT, cancellable, create_bridge_cb, task);
}

gboolean
vireo_client_create_bridge_finish (VireoClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
delete_bridge_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!vireo_dbus_manager_call_delete_bridge_finish (VIREO_DBUS_MANAGER (source), result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_client_delete_bridge_async:
 * @name: a bridge CreateBridge made
 *
 * Undoes CreateBridge (Manager.DeleteBridge); polkit may ask for a password.
 */
void
vireo_client_delete_bridge_async (VireoClient         *self,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CLIENT (self));
  g_return_if_fail (name != NULL);

  task = manager_task (self, vireo_client_delete_bridge_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  vireo_dbus_manager_call_delete_bridge (vireo_client_get_manager (self), name, g_variant_new ("a{sv}", NULL),
                                         CALL_FLAGS, CALL_TIMEOUT, cancellable, delete_bridge_cb, task);
}

gboolean
vireo_client_delete_bridge_finish (VireoClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
