/* vireo-network-mirror.c
 *
 * The object mirror of libvirt's networks, as vireo-mirror.c is of its domains: one
 * VireoDaemonNetwork per network, exported through the object manager. A full sync lists
 * every network after each (re)connection; a network event refreshes one. Facts are read in
 * worker threads and applied on the main thread in the order they were asked for (the
 * machines' sequence numbers), so an old answer never overwrites a newer one, and a removal
 * is remembered against older answers that arrive after it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-network-mirror"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-daemon-network.h"
#include "vireo-daemon-private.h"
#include "vireo-network-mirror.h"

struct _VireoNetworkMirror {
  GObject             parent_instance;

  /* Owned references */
  VireoConnection    *connection;
  VireoObjectManager *object_manager;
  GHashTable         *networks;     /* uuid → VireoDaemonNetwork */
  GHashTable         *tombstones;   /* uuid → seq of removal */

  /* Borrowed references */
  VireoDaemon        *daemon;
};

G_DEFINE_FINAL_TYPE (VireoNetworkMirror, vireo_network_mirror, G_TYPE_OBJECT)

typedef struct {
  virConnectPtr  conn;
  guint          generation;
  guint64        seq;
  char          *uuid;
  GPtrArray     *facts;   /* full sync */
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->conn, virConnectClose);
  g_free (job->uuid);
  g_clear_pointer (&job->facts, g_ptr_array_unref);
  g_free (job);
}

static void
full_sync_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Job *job = task_data;
  virNetworkPtr *nets = NULL;
  GError *error = NULL;
  int n;

  n = virConnectListAllNetworks (job->conn, &nets, 0);
  if (n < 0)
    {
      vireo_libvirt_set_error (&error, _("The list of networks could not be read."));
      g_task_return_error (task, error);
      return;
    }

  job->facts = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_facts_free);
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      VireoNetworkFacts *facts = vireo_network_facts_fetch (nets[i], &local_error);

      if (facts != NULL)
        g_ptr_array_add (job->facts, facts);
      else
        g_debug ("Skipping a network: %s", local_error->message);
      virNetworkFree (nets[i]);
    }
  free (nets);
  virResetLastError ();
  g_task_return_boolean (task, TRUE);
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(virNetwork) net = virNetworkLookupByUUIDString (job->conn, job->uuid);
  GError *error = NULL;
  VireoNetworkFacts *facts;

  if (net == NULL)
    {
      virErrorPtr last = virGetLastError ();

      if (last != NULL && last->code == VIR_ERR_NO_NETWORK)
        g_task_return_pointer (task, NULL, NULL);   /* gone */
      else
        {
          vireo_libvirt_set_error (&error, _("The network could not be looked up."));
          g_task_return_error (task, error);
        }
      virResetLastError ();
      return;
    }

  facts = vireo_network_facts_fetch (net, &error);
  if (facts == NULL)
    {
      /* Undefined between the lookup and the read: gone as well. */
      g_clear_error (&error);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  g_task_return_pointer (task, facts, (GDestroyNotify) vireo_network_facts_free);
}

static void
run_job (VireoNetworkMirror *self,
         GTask              *task,
         const char         *uuid,
         GTaskThreadFunc     func)
{
  Job *job = g_new0 (Job, 1);

  job->uuid = g_strdup (uuid);
  job->conn = vireo_connection_get_conn (self->connection);
  virConnectRef (job->conn);
  job->generation = vireo_connection_get_generation (self->connection);
  job->seq = vireo_mirror_next_seq (_vireo_daemon_get_mirror (self->daemon));
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, func);
}

/**
 * vireo_network_mirror_apply:
 * @uuid: the network
 * @facts: (nullable): what it is now, or %NULL when it is gone
 * @seq: when the facts were asked for (vireo_mirror_next_seq())
 *
 * Adds, changes or removes the network's object, unless newer facts were applied already.
 */
void
vireo_network_mirror_apply (VireoNetworkMirror *self,
                            const char         *uuid,
                            VireoNetworkFacts  *facts,
                            guint64             seq)
{
  VireoDaemonNetwork *network;
  g_autofree char *path = NULL;
  gpointer tombstone;

  g_return_if_fail (VIREO_IS_NETWORK_MIRROR (self));
  g_return_if_fail (uuid != NULL);

  network = g_hash_table_lookup (self->networks, uuid);
  if (network != NULL && vireo_daemon_network_get_seq (network) > seq)
    return;

  path = vireo_network_path_for_uuid (uuid);
  if (facts == NULL)
    {
      if (network != NULL)
        {
          g_debug ("Network %s is gone", uuid);
          vireo_object_manager_unexport (self->object_manager, path);
          g_hash_table_remove (self->networks, uuid);
        }
      g_hash_table_insert (self->tombstones, g_strdup (uuid), GSIZE_TO_POINTER ((gsize) seq));
      return;
    }

  if (g_hash_table_lookup_extended (self->tombstones, uuid, NULL, &tombstone))
    {
      if ((guint64) GPOINTER_TO_SIZE (tombstone) > seq)
        return;
      g_hash_table_remove (self->tombstones, uuid);
    }

  if (network != NULL)
    {
      vireo_daemon_network_update (network, facts, seq);
      vireo_object_manager_changed (self->object_manager, path);
      /* PropertiesChanged now, not in an idle: a method that changed the network answers
       * after it, so its caller sees the change when the answer comes. */
      g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (network));
    }
  else
    {
      network = vireo_daemon_network_new (self->daemon, uuid);
      vireo_daemon_network_update (network, facts, seq);
      g_hash_table_insert (self->networks, g_strdup (uuid), network);
      vireo_object_manager_export (self->object_manager, path, G_DBUS_INTERFACE_SKELETON (network));
    }
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoNetworkMirror *self = VIREO_NETWORK_MIRROR (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(VireoNetworkFacts) facts = NULL;
  g_autoptr(GError) error = NULL;

  facts = g_task_propagate_pointer (G_TASK (result), &error);
  if (job->generation != vireo_connection_get_generation (self->connection))
    return;
  if (error != NULL)
    g_warning ("Could not refresh network %s: %s", job->uuid, error->message);
  else
    vireo_network_mirror_apply (self, job->uuid, facts, job->seq);
}

/**
 * vireo_network_mirror_refresh:
 * @uuid: a network that changed
 *
 * Reads the network again in a worker thread.
 */
void
vireo_network_mirror_refresh (VireoNetworkMirror *self,
                              const char         *uuid)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_MIRROR (self));

  if (vireo_connection_get_conn (self->connection) == NULL)
    return;

  task = g_task_new (self, NULL, refresh_cb, NULL);
  g_task_set_source_tag (task, vireo_network_mirror_refresh);
  run_job (self, task, uuid, refresh_thread);
}

static void
full_sync_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VireoNetworkMirror *self = VIREO_NETWORK_MIRROR (source);
  g_autoptr(GTask) outer = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) uuids = NULL;

  if (job->generation != vireo_connection_get_generation (self->connection))
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The connection changed during the sync");
      return;
    }
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < job->facts->len; i++)
    {
      VireoNetworkFacts *facts = g_ptr_array_index (job->facts, i);

      g_hash_table_add (seen, facts->uuid);
      vireo_network_mirror_apply (self, facts->uuid, facts, job->seq);
    }

  uuids = g_hash_table_get_keys (self->networks);
  for (GList *l = uuids; l != NULL; l = l->next)
    if (!g_hash_table_contains (seen, l->data))
      vireo_network_mirror_apply (self, l->data, NULL, job->seq);

  g_task_return_boolean (outer, TRUE);
}

/**
 * vireo_network_mirror_sync_async:
 *
 * Lists every network of the current connection and makes the objects match.
 */
void
vireo_network_mirror_sync_async (VireoNetworkMirror  *self,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_MIRROR (self));

  outer = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (outer, vireo_network_mirror_sync_async);
  if (vireo_connection_get_conn (self->connection) == NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Not connected");
      return;
    }

  task = g_task_new (self, NULL, full_sync_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, full_sync_thread);
  run_job (self, task, NULL, full_sync_thread);
}

gboolean
vireo_network_mirror_sync_finish (VireoNetworkMirror  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_network_mirror_clear:
 *
 * Unexports every network: the connection is gone.
 */
void
vireo_network_mirror_clear (VireoNetworkMirror *self)
{
  g_autoptr(GList) uuids = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_MIRROR (self));

  g_hash_table_remove_all (self->tombstones);
  uuids = g_hash_table_get_keys (self->networks);
  for (GList *l = uuids; l != NULL; l = l->next)
    {
      g_autofree char *path = vireo_network_path_for_uuid (l->data);

      vireo_object_manager_unexport (self->object_manager, path);
    }
  g_hash_table_remove_all (self->networks);
}

/**
 * vireo_network_mirror_name_for_bridge:
 * @bridge: a Linux bridge's name ("virbr0")
 *
 * Returns: (nullable): the name of the libvirt network whose bridge it is
 */
const char *
vireo_network_mirror_name_for_bridge (VireoNetworkMirror *self,
                                      const char         *bridge)
{
  GHashTableIter iter;
  gpointer network;

  g_return_val_if_fail (VIREO_IS_NETWORK_MIRROR (self), NULL);

  g_hash_table_iter_init (&iter, self->networks);
  while (g_hash_table_iter_next (&iter, NULL, &network))
    if (g_strcmp0 (vireo_dbus_network_get_bridge (network), bridge) == 0)
      return vireo_dbus_network_get_name (network);
  return NULL;
}

guint
vireo_network_mirror_get_n_networks (VireoNetworkMirror *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MIRROR (self), 0);

  return g_hash_table_size (self->networks);
}

static void
vireo_network_mirror_finalize (GObject *object)
{
  VireoNetworkMirror *self = (VireoNetworkMirror *) object;

  g_clear_pointer (&self->networks, g_hash_table_unref);
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_network_mirror_parent_class)->finalize (object);
}

static void
vireo_network_mirror_class_init (VireoNetworkMirrorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_network_mirror_finalize;
}

static void
vireo_network_mirror_init (VireoNetworkMirror *self)
{
  self->networks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * vireo_network_mirror_new:
 * @daemon: the daemon the networks belong to
 * @connection: the libvirt connection to read from
 * @object_manager: where the networks are exported
 */
VireoNetworkMirror *
vireo_network_mirror_new (VireoDaemon        *daemon,
                          VireoConnection    *connection,
                          VireoObjectManager *object_manager)
{
  VireoNetworkMirror *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (VIREO_IS_OBJECT_MANAGER (object_manager), NULL);

  self = g_object_new (VIREO_TYPE_NETWORK_MIRROR, NULL);
  self->daemon = daemon;
  self->connection = g_object_ref (connection);
  self->object_manager = g_object_ref (object_manager);
  return self;
}
