/* vireo-object-manager.c
 *
 * org.freedesktop.DBus.ObjectManager with one interface per object, answered from a cache.
 *
 * GDBusObjectManagerServer asks every skeleton for every property on each
 * GetManagedObjects, converting each through a GValue: about 90 ms for a thousand
 * machines. Here each object's properties are read once when they change, and
 * GetManagedObjects only gathers the cached values, so a client that lists every machine
 * pays for the bus and nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-object-manager"

#include "config.h"

#include "vireo-object-manager.h"

#define OBJECT_MANAGER_IFACE "org.freedesktop.DBus.ObjectManager"

typedef struct {
  char                   *path;
  GDBusInterfaceSkeleton *skeleton;
  GVariant               *entry;      /* {oa{sa{sv}}} as last read */
} Entry;

struct _VireoObjectManager {
  GObject          parent_instance;

  /* Owned references */
  GDBusConnection *connection;
  char            *root_path;
  GHashTable      *entries;      /* path → Entry */
  GSequence       *order;        /* of Entry, in export order */
  GVariant        *reply;        /* cached GetManagedObjects body, or NULL */

  guint            registration_id;
};

G_DEFINE_FINAL_TYPE (VireoObjectManager, vireo_object_manager, G_TYPE_OBJECT)

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.DBus.ObjectManager'>"
  "    <method name='GetManagedObjects'>"
  "      <arg type='a{oa{sa{sv}}}' name='object_paths_interfaces_and_properties' direction='out'/>"
  "    </method>"
  "    <signal name='InterfacesAdded'>"
  "      <arg type='o' name='object_path'/>"
  "      <arg type='a{sa{sv}}' name='interfaces_and_properties'/>"
  "    </signal>"
  "    <signal name='InterfacesRemoved'>"
  "      <arg type='o' name='object_path'/>"
  "      <arg type='as' name='interfaces'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

static GDBusNodeInfo *introspection_data;

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_clear_object (&entry->skeleton);
  g_clear_pointer (&entry->entry, g_variant_unref);
  g_free (entry);
}

static GVariant *
read_interfaces (GDBusInterfaceSkeleton *skeleton)
{
  GDBusInterfaceInfo *info = g_dbus_interface_skeleton_get_info (skeleton);
  GVariant *properties = g_dbus_interface_skeleton_get_properties (skeleton);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&builder, "{s@a{sv}}", info->name, properties);
  return g_variant_builder_end (&builder);
}

static void
refresh_entry (Entry *entry)
{
  g_clear_pointer (&entry->entry, g_variant_unref);
  entry->entry = g_variant_ref_sink (g_variant_new ("{o@a{sa{sv}}}", entry->path,
                                                    read_interfaces (entry->skeleton)));
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  VireoObjectManager *self = user_data;

  if (g_strcmp0 (method_name, "GetManagedObjects") != 0)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "No such method %s", method_name);
      return;
    }

  if (self->reply == NULL)
    {
      GVariantBuilder builder;
      GVariant *array;

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
      for (GSequenceIter *iter = g_sequence_get_begin_iter (self->order);
           !g_sequence_iter_is_end (iter);
           iter = g_sequence_iter_next (iter))
        {
          Entry *entry = g_sequence_get (iter);
          g_variant_builder_add_value (&builder, entry->entry);
        }
      array = g_variant_builder_end (&builder);
      self->reply = g_variant_ref_sink (g_variant_new_tuple (&array, 1));
    }

  g_dbus_method_invocation_return_value (invocation, self->reply);
}

static const GDBusInterfaceVTable vtable = { method_call_cb, NULL, NULL, { 0 } };

/**
 * vireo_object_manager_export:
 * @path: where
 * @skeleton: the one interface of the object at @path, its properties already set
 *
 * Exports @skeleton and announces it with InterfacesAdded.
 */
void
vireo_object_manager_export (VireoObjectManager     *self,
                             const char             *path,
                             GDBusInterfaceSkeleton *skeleton)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) interfaces = NULL;
  Entry *entry;

  g_return_if_fail (VIREO_IS_OBJECT_MANAGER (self));
  g_return_if_fail (g_variant_is_object_path (path));
  g_return_if_fail (G_IS_DBUS_INTERFACE_SKELETON (skeleton));

  if (g_hash_table_contains (self->entries, path))
    vireo_object_manager_unexport (self, path);

  if (!g_dbus_interface_skeleton_export (skeleton, self->connection, path, &error))
    {
      g_warning ("Cannot export %s: %s", path, error->message);
      return;
    }

  entry = g_new0 (Entry, 1);
  entry->path = g_strdup (path);
  entry->skeleton = g_object_ref (skeleton);
  refresh_entry (entry);
  g_hash_table_insert (self->entries, entry->path, g_sequence_append (self->order, entry));
  g_clear_pointer (&self->reply, g_variant_unref);

  interfaces = g_variant_get_child_value (entry->entry, 1);
  g_dbus_connection_emit_signal (self->connection, NULL, self->root_path, OBJECT_MANAGER_IFACE,
                                 "InterfacesAdded", g_variant_new ("(o@a{sa{sv}})", path, interfaces),
                                 NULL);
}

/**
 * vireo_object_manager_changed:
 * @path: an exported object whose properties changed
 *
 * Reads the object's properties again for GetManagedObjects. (The skeleton itself emits
 * PropertiesChanged.)
 */
void
vireo_object_manager_changed (VireoObjectManager *self,
                              const char         *path)
{
  GSequenceIter *iter;

  g_return_if_fail (VIREO_IS_OBJECT_MANAGER (self));

  iter = g_hash_table_lookup (self->entries, path);
  if (iter == NULL)
    return;

  refresh_entry (g_sequence_get (iter));
  g_clear_pointer (&self->reply, g_variant_unref);
}

/**
 * vireo_object_manager_unexport:
 * @path: an exported object
 *
 * Unexports it and announces that with InterfacesRemoved.
 */
void
vireo_object_manager_unexport (VireoObjectManager *self,
                               const char         *path)
{
  GSequenceIter *iter;
  Entry *entry;
  const char *interfaces[2] = { NULL, NULL };

  g_return_if_fail (VIREO_IS_OBJECT_MANAGER (self));

  iter = g_hash_table_lookup (self->entries, path);
  if (iter == NULL)
    return;

  entry = g_sequence_get (iter);
  interfaces[0] = g_dbus_interface_skeleton_get_info (entry->skeleton)->name;
  g_dbus_interface_skeleton_unexport_from_connection (entry->skeleton, self->connection);
  g_dbus_connection_emit_signal (self->connection, NULL, self->root_path, OBJECT_MANAGER_IFACE,
                                 "InterfacesRemoved", g_variant_new ("(o^as)", path, interfaces), NULL);

  g_hash_table_remove (self->entries, path);
  g_sequence_remove (iter);
  g_clear_pointer (&self->reply, g_variant_unref);
}

guint
vireo_object_manager_get_n_objects (VireoObjectManager *self)
{
  g_return_val_if_fail (VIREO_IS_OBJECT_MANAGER (self), 0);

  return g_hash_table_size (self->entries);
}

static void
vireo_object_manager_finalize (GObject *object)
{
  VireoObjectManager *self = (VireoObjectManager *) object;

  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->order);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      Entry *entry = g_sequence_get (iter);
      g_dbus_interface_skeleton_unexport_from_connection (entry->skeleton, self->connection);
    }
  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->order, g_sequence_free);
  g_clear_pointer (&self->reply, g_variant_unref);
  g_clear_pointer (&self->root_path, g_free);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_object_manager_parent_class)->finalize (object);
}

static void
vireo_object_manager_class_init (VireoObjectManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_object_manager_finalize;
  introspection_data = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  g_assert (introspection_data != NULL);
}

static void
vireo_object_manager_init (VireoObjectManager *self)
{
  self->entries = g_hash_table_new (g_str_hash, g_str_equal);
  self->order = g_sequence_new ((GDestroyNotify) entry_free);
}

/**
 * vireo_object_manager_new:
 * @connection: the bus
 * @root_path: where the ObjectManager interface lives
 *
 * Returns: (nullable): the object manager, registered on @connection
 */
VireoObjectManager *
vireo_object_manager_new (GDBusConnection  *connection,
                          const char       *root_path,
                          GError          **error)
{
  g_autoptr(VireoObjectManager) self = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (g_variant_is_object_path (root_path), NULL);

  self = g_object_new (VIREO_TYPE_OBJECT_MANAGER, NULL);
  self->connection = g_object_ref (connection);
  self->root_path = g_strdup (root_path);
  self->registration_id = g_dbus_connection_register_object (connection, root_path,
                                                             introspection_data->interfaces[0],
                                                             &vtable, self, NULL, error);
  if (self->registration_id == 0)
    return NULL;

  return g_steal_pointer (&self);
}
