/* vireo-mirror.c
 *
 * The object mirror of libvirt's domains: one VireoDaemonMachine per domain, exported
 * through the object manager. A full sync lists every domain after each (re)connection; an
 * event refreshes one. Facts are read in worker threads and applied on the main thread in
 * the order they were asked for (a sequence number), so an old answer never overwrites a
 * newer one, and a removal is remembered (a tombstone) against older answers that arrive
 * after it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-mirror"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-daemon-machine.h"
#include "vireo-mirror.h"

typedef struct {
  gboolean dirty;
} RefreshState;

struct _VireoMirror {
  GObject             parent_instance;

  /* Owned references */
  VireoConnection    *connection;
  VireoObjectManager *object_manager;
  GHashTable         *machines;     /* uuid → VireoDaemonMachine */
  GHashTable         *refreshing;   /* uuid → RefreshState */
  GHashTable         *tombstones;   /* uuid → seq of removal, as GUINT64 in a pointer box */

  /* Borrowed references */
  VireoDaemon        *daemon;

  guint64             seq;
};

G_DEFINE_FINAL_TYPE (VireoMirror, vireo_mirror, G_TYPE_OBJECT)

/* Work in a worker thread on the current connection */

typedef struct {
  virConnectPtr  conn;
  guint          generation;
  guint64        seq;
  char          *uuid;
  GPtrArray     *facts;    /* full sync */
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
  virDomainPtr *domains = NULL;
  GError *error = NULL;
  int n;

  n = virConnectListAllDomains (job->conn, &domains, 0);
  if (n < 0)
    {
      vireo_libvirt_set_error (&error, _("The list of machines could not be read."));
      g_task_return_error (task, error);
      return;
    }

  job->facts = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_domain_facts_free);
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      VireoDomainFacts *facts = vireo_domain_facts_fetch (job->conn, domains[i], &local_error);

      /* A domain that vanished while we looked is simply not there. */
      if (facts != NULL)
        g_ptr_array_add (job->facts, facts);
      else
        g_debug ("Skipping a domain: %s", local_error->message);
      virDomainFree (domains[i]);
    }
  free (domains);

  g_task_return_boolean (task, TRUE);
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(virDomain) dom = NULL;
  GError *error = NULL;
  VireoDomainFacts *facts;

  dom = virDomainLookupByUUIDString (job->conn, job->uuid);
  if (dom == NULL)
    {
      virErrorPtr last = virGetLastError ();

      if (last != NULL && last->code == VIR_ERR_NO_DOMAIN)
        g_task_return_pointer (task, NULL, NULL);   /* gone */
      else
        {
          vireo_libvirt_set_error (&error, _("The machine could not be looked up."));
          g_task_return_error (task, error);
        }
      return;
    }

  facts = vireo_domain_facts_fetch (job->conn, dom, &error);
  if (facts == NULL)
    {
      /* Undefined between the lookup and the reads: gone as well. */
      if (g_error_matches (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          g_task_return_pointer (task, NULL, NULL);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, facts, (GDestroyNotify) vireo_domain_facts_free);
}

/* Starts @func in a worker thread with a job on the current connection (for the domain
 * @uuid, if any); @done gets it back on the main thread. */
static void
run_job (VireoMirror         *self,
         GTask               *task,
         const char          *uuid,
         GTaskThreadFunc      func)
{
  Job *job = g_new0 (Job, 1);

  job->uuid = g_strdup (uuid);
  job->conn = vireo_connection_get_conn (self->connection);
  virConnectRef (job->conn);
  job->generation = vireo_connection_get_generation (self->connection);
  job->seq = vireo_mirror_next_seq (self);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, func);
}

static gboolean
job_is_current (VireoMirror *self,
                Job         *job)
{
  return job->generation == vireo_connection_get_generation (self->connection);
}

/* Objects */

/**
 * vireo_mirror_apply:
 * @uuid: the domain
 * @facts: (nullable): what it is now, or %NULL when it is gone
 * @seq: when the facts were asked for (vireo_mirror_next_seq())
 *
 * Adds, changes or removes the machine's object, unless newer facts were applied already.
 */
void
vireo_mirror_apply (VireoMirror      *self,
                    const char       *uuid,
                    VireoDomainFacts *facts,
                    guint64           seq)
{
  VireoDaemonMachine *machine;
  g_autofree char *path = NULL;
  gpointer tombstone;

  g_return_if_fail (VIREO_IS_MIRROR (self));
  g_return_if_fail (uuid != NULL);

  machine = g_hash_table_lookup (self->machines, uuid);
  if (machine != NULL && vireo_daemon_machine_get_seq (machine) > seq)
    return;

  path = vireo_machine_path_for_uuid (uuid);

  if (facts == NULL)
    {
      if (machine != NULL)
        {
          g_debug ("Machine %s is gone", uuid);
          vireo_object_manager_unexport (self->object_manager, path);
          g_hash_table_remove (self->machines, uuid);
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

  if (machine != NULL)
    {
      vireo_daemon_machine_update (machine, facts, seq);
      vireo_object_manager_changed (self->object_manager, path);
    }
  else
    {
      machine = vireo_daemon_machine_new (self->daemon, uuid);
      vireo_daemon_machine_update (machine, facts, seq);
      g_hash_table_insert (self->machines, g_strdup (uuid), machine);
      vireo_object_manager_export (self->object_manager, path, G_DBUS_INTERFACE_SKELETON (machine));
    }
}

/* Refreshing one machine after an event */

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoMirror *self = VIREO_MIRROR (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(VireoDomainFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  RefreshState *state;

  facts = g_task_propagate_pointer (G_TASK (result), &error);
  if (!job_is_current (self, job))
    return;

  if (error != NULL)
    g_warning ("Could not refresh machine %s: %s", job->uuid, error->message);
  else
    vireo_mirror_apply (self, job->uuid, facts, job->seq);

  state = g_hash_table_lookup (self->refreshing, job->uuid);
  if (state != NULL && state->dirty && error == NULL)
    {
      state->dirty = FALSE;
      g_hash_table_remove (self->refreshing, job->uuid);
      vireo_mirror_refresh (self, job->uuid);
    }
  else
    g_hash_table_remove (self->refreshing, job->uuid);
}

/**
 * vireo_mirror_refresh:
 * @uuid: a domain that changed
 *
 * Reads the domain again in a worker thread, at most once at a time per domain: an event
 * that arrives meanwhile makes one more read afterwards.
 */
void
vireo_mirror_refresh (VireoMirror *self,
                      const char  *uuid)
{
  g_autoptr(GTask) task = NULL;
  RefreshState *state;

  g_return_if_fail (VIREO_IS_MIRROR (self));

  if (vireo_connection_get_conn (self->connection) == NULL)
    return;

  state = g_hash_table_lookup (self->refreshing, uuid);
  if (state != NULL)
    {
      state->dirty = TRUE;
      return;
    }

  g_hash_table_insert (self->refreshing, g_strdup (uuid), g_new0 (RefreshState, 1));

  task = g_task_new (self, NULL, refresh_cb, NULL);
  g_task_set_source_tag (task, vireo_mirror_refresh);
  run_job (self, task, uuid, refresh_thread);
}

/* The full sync */

static void
full_sync_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VireoMirror *self = VIREO_MIRROR (source);
  g_autoptr(GTask) outer = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) uuids = NULL;

  if (!job_is_current (self, job))
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
      VireoDomainFacts *facts = g_ptr_array_index (job->facts, i);

      g_hash_table_add (seen, facts->uuid);
      vireo_mirror_apply (self, facts->uuid, facts, job->seq);
    }

  uuids = g_hash_table_get_keys (self->machines);
  for (GList *l = uuids; l != NULL; l = l->next)
    if (!g_hash_table_contains (seen, l->data))
      vireo_mirror_apply (self, l->data, NULL, job->seq);

  g_task_return_boolean (outer, TRUE);
}

/**
 * vireo_mirror_sync_async:
 *
 * Lists every domain of the current connection and makes the objects match.
 */
void
vireo_mirror_sync_async (VireoMirror         *self,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_IS_MIRROR (self));

  outer = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (outer, vireo_mirror_sync_async);

  if (vireo_connection_get_conn (self->connection) == NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Not connected");
      return;
    }

  task = g_task_new (self, NULL, full_sync_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, full_sync_thread);
  run_job (self, task, NULL, full_sync_thread);
}

/**
 * vireo_mirror_sync_finish:
 *
 * Returns: %TRUE when the objects match libvirt; %FALSE with %G_IO_ERROR_CANCELLED when the
 *   connection changed meanwhile (the sync is moot), or with libvirt's error
 */
gboolean
vireo_mirror_sync_finish (VireoMirror   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_mirror_clear:
 *
 * Unexports every machine: the connection is gone.
 */
void
vireo_mirror_clear (VireoMirror *self)
{
  g_autoptr(GList) uuids = NULL;

  g_return_if_fail (VIREO_IS_MIRROR (self));

  g_hash_table_remove_all (self->refreshing);
  g_hash_table_remove_all (self->tombstones);

  uuids = g_hash_table_get_keys (self->machines);
  for (GList *l = uuids; l != NULL; l = l->next)
    {
      g_autofree char *path = vireo_machine_path_for_uuid (l->data);

      vireo_object_manager_unexport (self->object_manager, path);
    }
  g_hash_table_remove_all (self->machines);
}

/**
 * vireo_mirror_next_seq:
 *
 * Returns: a number for facts about to be asked for; later asks get larger numbers
 */
guint64
vireo_mirror_next_seq (VireoMirror *self)
{
  g_return_val_if_fail (VIREO_IS_MIRROR (self), 0);

  return ++self->seq;
}

/**
 * vireo_mirror_update_os_names:
 *
 * Names every machine's operating system again: libosinfo's database is there now.
 */
void
vireo_mirror_update_os_names (VireoMirror *self)
{
  GHashTableIter iter;
  gpointer uuid, machine;

  g_return_if_fail (VIREO_IS_MIRROR (self));

  g_hash_table_iter_init (&iter, self->machines);
  while (g_hash_table_iter_next (&iter, &uuid, &machine))
    {
      if (vireo_daemon_machine_update_os_name (machine))
        {
          g_autofree char *path = vireo_machine_path_for_uuid (uuid);

          vireo_object_manager_changed (self->object_manager, path);
        }
    }
}

/**
 * vireo_mirror_lookup:
 *
 * Returns: (transfer none) (nullable): the machine of the domain @uuid
 */
VireoDaemonMachine *
vireo_mirror_lookup (VireoMirror *self,
                     const char  *uuid)
{
  g_return_val_if_fail (VIREO_IS_MIRROR (self), NULL);

  return g_hash_table_lookup (self->machines, uuid);
}

/**
 * vireo_mirror_refresh_on_network:
 * @network: a libvirt network whose DHCP leases changed
 *
 * Reads again every running machine with an interface on @network: its Nics show the
 * leases.
 */
void
vireo_mirror_refresh_on_network (VireoMirror *self,
                                 const char  *network)
{
  GHashTableIter iter;
  gpointer uuid, machine;

  g_return_if_fail (VIREO_IS_MIRROR (self));

  g_hash_table_iter_init (&iter, self->machines);
  while (g_hash_table_iter_next (&iter, &uuid, &machine))
    if (vireo_daemon_machine_uses_network (machine, network))
      vireo_mirror_refresh (self, uuid);
}

guint
vireo_mirror_get_n_machines (VireoMirror *self)
{
  g_return_val_if_fail (VIREO_IS_MIRROR (self), 0);

  return g_hash_table_size (self->machines);
}

static void
vireo_mirror_finalize (GObject *object)
{
  VireoMirror *self = (VireoMirror *) object;

  g_clear_pointer (&self->machines, g_hash_table_unref);
  g_clear_pointer (&self->refreshing, g_hash_table_unref);
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_mirror_parent_class)->finalize (object);
}

static void
vireo_mirror_class_init (VireoMirrorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_mirror_finalize;
}

static void
vireo_mirror_init (VireoMirror *self)
{
  self->machines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->refreshing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * vireo_mirror_new:
 * @daemon: the daemon the machines belong to
 * @connection: the libvirt connection to read from
 * @object_manager: where the machines are exported
 */
VireoMirror *
vireo_mirror_new (VireoDaemon        *daemon,
                  VireoConnection    *connection,
                  VireoObjectManager *object_manager)
{
  VireoMirror *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (VIREO_IS_OBJECT_MANAGER (object_manager), NULL);

  self = g_object_new (VIREO_TYPE_MIRROR, NULL);
  self->daemon = daemon;
  self->connection = g_object_ref (connection);
  self->object_manager = g_object_ref (object_manager);
  return self;
}
