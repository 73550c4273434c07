/* vireo-daemon.c
 *
 * The helper's heart: one libvirt connection, kept alive and reconnected, and one D-Bus
 * object per domain, kept in step with libvirt's events.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-daemon"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt-glib/libvirt-glib.h>

#include "vireo-daemon-machine.h"
#include "vireo-daemon-manager.h"
#include "vireo-daemon-private.h"
#include "vireo-dbus-generated.h"
#include "vireo-object-manager.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 5000

typedef struct {
  gboolean dirty;
} RefreshState;

struct _VireoDaemon {
  GObject                   parent_instance;

  /* Owned references */
  GDBusConnection          *connection;
  VireoObjectManager       *object_manager;
  VireoDaemonManager       *manager;
  char                     *uri;
  char                     *accel_reason;
  GHashTable               *machines;     /* uuid → VireoDaemonMachine */
  GHashTable               *refreshing;   /* uuid → RefreshState */
  GHashTable               *tombstones;   /* uuid → seq of removal, as GUINT64 in a pointer box */
  virConnectPtr             conn;
  VireoHostLimits           limits;

  VireoAccelMode            accel_mode;
  gboolean                  use_kvm;
  guint                     generation;
  guint64                   seq;
  int                       lifecycle_cb;
  int                       metadata_cb;
  int                       device_added_cb;
  int                       device_removed_cb;
  guint                     reconnect_source;
  guint                     backoff_ms;
  gboolean                  connecting;
};

G_DEFINE_FINAL_TYPE (VireoDaemon, vireo_daemon, G_TYPE_OBJECT)

static void schedule_reconnect (VireoDaemon *self);
static void start_connect      (VireoDaemon *self);
static void start_full_sync    (VireoDaemon *self);

const VireoHostLimits *
_vireo_daemon_get_limits (VireoDaemon *self)
{
  return &self->limits;
}

static void
host_limits_clear (VireoHostLimits *limits)
{
  g_clear_pointer (&limits->arch, g_free);
  memset (limits, 0, sizeof *limits);
}

/* Worker threads */

/**
 * _vireo_daemon_fetch_facts:
 *
 * Everything a Machine object shows about @dom. Runs in a worker thread.
 */
VireoDomainFacts *
_vireo_daemon_fetch_facts (virConnectPtr   conn,
                           virDomainPtr    dom,
                           GError        **error)
{
  g_autoptr(VireoDomainFacts) facts = NULL;
  g_autofree char *xml = NULL;
  int state = VIR_DOMAIN_NOSTATE;
  int reason = 0;
  int autostart = 0;
  gboolean managed_save = FALSE;

  xml = virDomainGetXMLDesc (dom, 0);
  if (xml == NULL)
    {
      vireo_libvirt_set_error (error, _("The machine’s definition could not be read."));
      return NULL;
    }

  facts = vireo_domain_facts_new_from_xml (xml, error);
  if (facts == NULL)
    return NULL;

  if (virDomainGetState (dom, &state, &reason, 0) < 0)
    {
      vireo_libvirt_set_error (error, _("The state of “%s” could not be read."), facts->name);
      return NULL;
    }

  facts->persistent = virDomainIsPersistent (dom) == 1;
  if (facts->persistent && virDomainGetAutostart (dom, &autostart) == 0)
    facts->autostart = autostart != 0;
  if (state == VIR_DOMAIN_SHUTOFF)
    managed_save = virDomainHasManagedSaveImage (dom, 0) == 1;
  facts->state = vireo_libvirt_state (state, managed_save);

  for (guint i = 0; i < facts->disks->len; i++)
    {
      VireoDiskFacts *disk = g_ptr_array_index (facts->disks, i);
      g_autoptr(virStorageVol) vol = NULL;
      virStorageVolInfo vol_info;
      virDomainBlockInfo block_info;

      if (disk->path[0] == '\0')
        continue;

      vol = virStorageVolLookupByPath (conn, disk->path);
      if (vol != NULL && virStorageVolGetInfo (vol, &vol_info) == 0)
        disk->size = vol_info.capacity;
      else if (disk->target[0] != '\0' && virDomainGetBlockInfo (dom, disk->target, &block_info, 0) == 0)
        disk->size = block_info.capacity;
    }
  virResetLastError ();

  return g_steal_pointer (&facts);
}

typedef struct {
  virConnectPtr    conn;
  guint            generation;
  guint64          seq;
  char            *uuid;
  GPtrArray       *facts;    /* full sync */
  VireoHostLimits  limits;
  char            *hostname;
  char            *cpu_model;
  char            *libvirt_version;
  char            *hypervisor_version;
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->conn, virConnectClose);
  g_free (job->uuid);
  g_clear_pointer (&job->facts, g_ptr_array_unref);
  host_limits_clear (&job->limits);
  g_free (job->hostname);
  g_free (job->cpu_model);
  g_free (job->libvirt_version);
  g_free (job->hypervisor_version);
  g_free (job);
}

static char *
version_to_string (unsigned long version)
{
  return g_strdup_printf ("%lu.%lu.%lu", version / 1000000, (version / 1000) % 1000, version % 1000);
}

static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  VireoDaemon *self = source_object;
  Job *job = task_data;
  g_autoptr(virConnect) conn = NULL;
  g_autofree char *uri = NULL;
  virNodeInfo node;
  unsigned long version = 0;
  const char *type;
  GError *error = NULL;

  uri = g_strdup (self->uri);
  conn = virConnectOpen (uri);
  if (conn == NULL)
    {
      vireo_libvirt_set_error (&error, _("Vireo cannot reach libvirtd at %s."), uri);
      g_task_return_error (task, error);
      return;
    }

  if (virNodeGetInfo (conn, &node) < 0)
    {
      vireo_libvirt_set_error (&error, _("libvirtd did not say what this computer has."));
      g_task_return_error (task, error);
      return;
    }

  type = virConnectGetType (conn);
  job->limits.is_test_driver = g_strcmp0 (type, "TEST") == 0;
  job->limits.memory_mib = node.memory / 1024;
  job->limits.cpus = node.cpus;
  job->limits.arch = g_strdup (job->limits.is_test_driver ? "i686" : node.model);
  job->hostname = virConnectGetHostname (conn);
  job->cpu_model = job->limits.is_test_driver ? NULL : vireo_host_cpu_model ();
  if (job->cpu_model == NULL)
    job->cpu_model = g_strdup (node.model);
  if (virConnectGetLibVersion (conn, &version) == 0)
    job->libvirt_version = version_to_string (version);
  if (virConnectGetVersion (conn, &version) == 0)
    job->hypervisor_version = version_to_string (version);
  virResetLastError ();

  job->conn = g_steal_pointer (&conn);
  g_task_return_boolean (task, TRUE);
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
      VireoDomainFacts *facts = _vireo_daemon_fetch_facts (job->conn, domains[i], &local_error);

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

  facts = _vireo_daemon_fetch_facts (job->conn, dom, &error);
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
run_job (VireoDaemon         *self,
         const char          *uuid,
         gpointer             source_tag,
         GAsyncReadyCallback  done,
         GTaskThreadFunc      func)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, done, NULL);
  Job *job = g_new0 (Job, 1);

  job->uuid = g_strdup (uuid);
  job->conn = self->conn;
  virConnectRef (job->conn);
  job->generation = self->generation;
  job->seq = ++self->seq;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, func);
}

/* Objects */

static void
unexport_machine (VireoDaemon *self,
                  const char  *uuid)
{
  g_autofree char *path = vireo_machine_path_for_uuid (uuid);

  vireo_object_manager_unexport (self->object_manager, path);
  g_hash_table_remove (self->machines, uuid);
}

/**
 * _vireo_daemon_apply_facts:
 * @uuid: the domain
 * @facts: (nullable): what it is now, or %NULL when it is gone
 * @seq: when the facts were asked for
 *
 * Adds, changes or removes the machine's object, unless newer facts were applied already.
 */
void
_vireo_daemon_apply_facts (VireoDaemon      *self,
                           const char       *uuid,
                           VireoDomainFacts *facts,
                           guint64           seq)
{
  VireoDaemonMachine *machine = g_hash_table_lookup (self->machines, uuid);
  gpointer tombstone;

  if (machine != NULL && vireo_daemon_machine_get_seq (machine) > seq)
    return;

  if (facts == NULL)
    {
      if (machine != NULL)
        {
          g_debug ("Machine %s is gone", uuid);
          unexport_machine (self, uuid);
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
      g_autofree char *path = vireo_machine_path_for_uuid (uuid);

      vireo_daemon_machine_update (machine, facts, seq);
      vireo_object_manager_changed (self->object_manager, path);
    }
  else
    {
      g_autofree char *path = vireo_machine_path_for_uuid (uuid);

      machine = vireo_daemon_machine_new (self, uuid);
      vireo_daemon_machine_update (machine, facts, seq);
      g_hash_table_insert (self->machines, g_strdup (uuid), machine);
      vireo_object_manager_export (self->object_manager, path, G_DBUS_INTERFACE_SKELETON (machine));
    }
}

/* Refreshing one machine after an event */

static void start_refresh (VireoDaemon *self, const char *uuid);

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoDaemon *self = VIREO_DAEMON (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(VireoDomainFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  RefreshState *state;

  facts = g_task_propagate_pointer (G_TASK (result), &error);
  if (job->generation != self->generation)
    return;

  if (error != NULL)
    g_warning ("Could not refresh machine %s: %s", job->uuid, error->message);
  else
    _vireo_daemon_apply_facts (self, job->uuid, facts, job->seq);

  state = g_hash_table_lookup (self->refreshing, job->uuid);
  if (state != NULL && state->dirty && error == NULL)
    {
      state->dirty = FALSE;
      g_hash_table_remove (self->refreshing, job->uuid);
      start_refresh (self, job->uuid);
    }
  else
    g_hash_table_remove (self->refreshing, job->uuid);
}

static void
start_refresh (VireoDaemon *self,
               const char  *uuid)
{
  RefreshState *state;

  if (self->conn == NULL)
    return;

  state = g_hash_table_lookup (self->refreshing, uuid);
  if (state != NULL)
    {
      state->dirty = TRUE;
      return;
    }

  g_hash_table_insert (self->refreshing, g_strdup (uuid), g_new0 (RefreshState, 1));

  run_job (self, uuid, start_refresh, refresh_cb, refresh_thread);
}

/* libvirt events: they arrive on the main context through libvirt-glib's event loop. */

static void
domain_event_uuid (VireoDaemon  *self,
                   virDomainPtr  dom)
{
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (virDomainGetUUIDString (dom, uuid) == 0)
    start_refresh (self, uuid);
}

static int
lifecycle_event_cb (virConnectPtr conn,
                    virDomainPtr  dom,
                    int           event,
                    int           detail,
                    void         *opaque)
{
  g_debug ("Lifecycle event %d/%d for %s", event, detail, virDomainGetName (dom));
  domain_event_uuid (opaque, dom);
  return 0;
}

static void
metadata_event_cb (virConnectPtr conn,
                   virDomainPtr  dom,
                   int           type,
                   const char   *nsuri,
                   void         *opaque)
{
  domain_event_uuid (opaque, dom);
}

static void
device_event_cb (virConnectPtr conn,
                 virDomainPtr  dom,
                 const char   *dev_alias,
                 void         *opaque)
{
  domain_event_uuid (opaque, dom);
}

static void connection_closed_cb (virConnectPtr conn, int reason, void *opaque);

/* Connection */

static void
close_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  virConnectClose (task_data);
  virResetLastError ();
}

/* Closing talks to libvirtd, which may hang: never on the main thread. */
static void
close_in_thread (virConnectPtr conn)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, close_in_thread);
  g_task_set_task_data (task, conn, NULL);
  g_task_run_in_thread (task, close_thread);
}

static void
set_disconnected (VireoDaemon *self,
                  const char  *reason)
{
  VireoDBusManager *manager = VIREO_DBUS_MANAGER (self->manager);
  g_autoptr(GList) uuids = NULL;

  if (self->conn != NULL)
    {
      virConnectPtr conn = g_steal_pointer (&self->conn);

      if (self->lifecycle_cb >= 0)
        virConnectDomainEventDeregisterAny (conn, self->lifecycle_cb);
      if (self->metadata_cb >= 0)
        virConnectDomainEventDeregisterAny (conn, self->metadata_cb);
      if (self->device_added_cb >= 0)
        virConnectDomainEventDeregisterAny (conn, self->device_added_cb);
      if (self->device_removed_cb >= 0)
        virConnectDomainEventDeregisterAny (conn, self->device_removed_cb);
      self->lifecycle_cb = self->metadata_cb = self->device_added_cb = self->device_removed_cb = -1;
      virConnectUnregisterCloseCallback (conn, connection_closed_cb);
      virResetLastError ();
      close_in_thread (conn);
    }

  self->generation++;
  g_hash_table_remove_all (self->refreshing);
  g_hash_table_remove_all (self->tombstones);

  uuids = g_hash_table_get_keys (self->machines);
  for (GList *l = uuids; l != NULL; l = l->next)
    {
      g_autofree char *path = vireo_machine_path_for_uuid (l->data);

      vireo_object_manager_unexport (self->object_manager, path);
    }
  g_hash_table_remove_all (self->machines);

  vireo_dbus_manager_set_connected (manager, FALSE);
  vireo_dbus_manager_set_connection_error (manager, reason);
}

typedef struct {
  VireoDaemon   *daemon;
  virConnectPtr  conn;
  int            reason;
} CloseEvent;

static gboolean
close_idle_cb (gpointer user_data)
{
  CloseEvent *event = user_data;
  VireoDaemon *self = event->daemon;

  if (self->conn == event->conn)
    {
      g_message ("The connection to libvirtd was closed (reason %d); reconnecting", event->reason);
      set_disconnected (self, _("The connection to libvirtd was lost. Vireo reconnects by itself when libvirtd is back."));
      schedule_reconnect (self);
    }

  g_object_unref (event->daemon);
  g_free (event);
  return G_SOURCE_REMOVE;
}

/* May run in any thread that noticed the socket closing. */
static void
connection_closed_cb (virConnectPtr conn,
                      int           reason,
                      void         *opaque)
{
  CloseEvent *event = g_new0 (CloseEvent, 1);

  event->daemon = g_object_ref (opaque);
  event->conn = conn;
  event->reason = reason;
  g_idle_add (close_idle_cb, event);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  VireoDaemon *self = user_data;

  self->reconnect_source = 0;
  start_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (VireoDaemon *self)
{
  if (self->reconnect_source != 0 || self->connecting)
    return;

  self->reconnect_source = g_timeout_add (self->backoff_ms, reconnect_cb, self);
  self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
}

static void
full_sync_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VireoDaemon *self = VIREO_DAEMON (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) uuids = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (job->generation == self->generation)
        {
          g_warning ("%s", error->message);
          set_disconnected (self, error->message);
          schedule_reconnect (self);
        }
      return;
    }

  if (job->generation != self->generation)
    return;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < job->facts->len; i++)
    {
      VireoDomainFacts *facts = g_ptr_array_index (job->facts, i);

      g_hash_table_add (seen, facts->uuid);
      _vireo_daemon_apply_facts (self, facts->uuid, facts, job->seq);
    }

  uuids = g_hash_table_get_keys (self->machines);
  for (GList *l = uuids; l != NULL; l = l->next)
    if (!g_hash_table_contains (seen, l->data))
      _vireo_daemon_apply_facts (self, l->data, NULL, job->seq);

  vireo_dbus_manager_set_connection_error (VIREO_DBUS_MANAGER (self->manager), "");
  vireo_dbus_manager_set_connected (VIREO_DBUS_MANAGER (self->manager), TRUE);
  g_message ("Serving %u machines from %s", g_hash_table_size (self->machines), self->uri);
}

static void
start_full_sync (VireoDaemon *self)
{
  run_job (self, NULL, start_full_sync, full_sync_cb, full_sync_thread);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoDaemon *self = VIREO_DAEMON (source);
  VireoDBusManager *manager = VIREO_DBUS_MANAGER (self->manager);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->connecting = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("%s", error->message);
      vireo_dbus_manager_set_connected (manager, FALSE);
      vireo_dbus_manager_set_connection_error (manager, error->message);
      schedule_reconnect (self);
      return;
    }

  self->conn = g_steal_pointer (&job->conn);
  self->generation++;
  self->backoff_ms = BACKOFF_MIN_MS;

  host_limits_clear (&self->limits);
  self->limits = job->limits;
  memset (&job->limits, 0, sizeof job->limits);
  if (self->limits.is_test_driver)
    self->limits.virt_type = GVIR_CONFIG_DOMAIN_VIRT_TEST;
  else
    self->limits.virt_type = self->use_kvm ? GVIR_CONFIG_DOMAIN_VIRT_KVM : GVIR_CONFIG_DOMAIN_VIRT_QEMU;

  /* Events first, then the list: nothing that happens in between is missed. */
  virConnectRegisterCloseCallback (self->conn, connection_closed_cb, self, NULL);
  virConnectSetKeepAlive (self->conn, 5, 3);
  self->lifecycle_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                         VIR_DOMAIN_EVENT_CALLBACK (lifecycle_event_cb), self, NULL);
  self->metadata_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                                        VIR_DOMAIN_EVENT_CALLBACK (metadata_event_cb), self, NULL);
  self->device_added_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                                            VIR_DOMAIN_EVENT_CALLBACK (device_event_cb), self, NULL);
  self->device_removed_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                                              VIR_DOMAIN_EVENT_CALLBACK (device_event_cb), self, NULL);
  if (self->lifecycle_cb < 0)
    g_warning ("libvirt does not send lifecycle events on %s: changes made elsewhere will not show", self->uri);
  virResetLastError ();

  vireo_dbus_manager_set_hostname (manager, job->hostname != NULL ? job->hostname : "");
  vireo_dbus_manager_set_cpu_model (manager, job->cpu_model != NULL ? job->cpu_model : "");
  vireo_dbus_manager_set_cpu_count (manager, self->limits.cpus);
  vireo_dbus_manager_set_memory_mib (manager, self->limits.memory_mib);
  vireo_dbus_manager_set_libvirt_version (manager, job->libvirt_version != NULL ? job->libvirt_version : "");
  vireo_dbus_manager_set_hypervisor_version (manager, job->hypervisor_version != NULL ? job->hypervisor_version : "");

  /* Connected once the machines are on the bus: a client that sees Connected sees them all. */
  g_message ("Connected to %s", self->uri);
  start_full_sync (self);
}

static void
start_connect (VireoDaemon *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->connecting || self->conn != NULL)
    return;

  self->connecting = TRUE;
  task = g_task_new (self, NULL, connect_cb, NULL);
  g_task_set_source_tag (task, start_connect);
  g_task_set_task_data (task, g_new0 (Job, 1), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, connect_thread);
}

/* Method calls that run in a worker thread */

static void
call_free (VireoCall *call)
{
  g_clear_object (&call->daemon);
  g_clear_pointer (&call->conn, virConnectClose);
  g_clear_object (&call->invocation);
  g_free (call->uuid);
  g_free (call->name);
  g_clear_pointer (&call->options, g_variant_unref);
  if (call->data_free != NULL)
    g_clear_pointer (&call->data, call->data_free);
  g_free (call->out_string);
  if (call->out_fd >= 0)
    close (call->out_fd);
  g_clear_pointer (&call->out_facts, vireo_domain_facts_free);
  g_free (call);
}

/**
 * _vireo_call_new:
 * @invocation: (transfer full): the call
 *
 * Returns: (nullable): a call with a reference on the libvirt connection, or %NULL with
 *   @error set when there is none; @invocation is then still the caller's
 */
VireoCall *
_vireo_call_new (VireoDaemon            *daemon,
                 GDBusMethodInvocation  *invocation,
                 VireoCallFunc           func,
                 GError                **error)
{
  VireoCall *call;

  if (daemon->conn == NULL)
    {
      const char *reason = vireo_dbus_manager_get_connection_error (VIREO_DBUS_MANAGER (daemon->manager));

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_CONNECTED,
                   _("Vireo is not connected to libvirtd right now.%s%s"),
                   reason != NULL && reason[0] != '\0' ? " " : "", reason != NULL ? reason : "");
      return NULL;
    }

  call = g_new0 (VireoCall, 1);
  call->daemon = g_object_ref (daemon);
  call->conn = daemon->conn;
  virConnectRef (call->conn);
  call->generation = daemon->generation;
  call->seq = ++daemon->seq;
  call->invocation = invocation;
  call->func = func;
  call->out_fd = -1;
  return call;
}

static void
call_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VireoCall *call = task_data;
  GError *error = NULL;

  if (call->func (call, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  VireoCall *call = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_dbus_method_invocation_return_gerror (g_steal_pointer (&call->invocation), error);
      return;
    }

  if (call->done != NULL)
    call->done (call);
  else
    g_dbus_method_invocation_return_value (g_steal_pointer (&call->invocation), NULL);
}

/**
 * _vireo_call_run:
 * @call: (transfer full): the call
 *
 * Runs @call's function in a worker thread, then answers the caller on the main thread.
 */
void
_vireo_call_run (VireoCall *call)
{
  g_autoptr(GTask) task = g_task_new (call->daemon, NULL, call_cb, NULL);

  g_task_set_source_tag (task, _vireo_call_run);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, call_thread);
}

virDomainPtr
_vireo_call_lookup_domain (VireoCall  *call,
                           GError    **error)
{
  virDomainPtr dom = virDomainLookupByUUIDString (call->conn, call->uuid);

  if (dom == NULL)
    vireo_libvirt_set_error (error, _("“%s” cannot be found."), call->name);

  return dom;
}

/**
 * _vireo_check_options:
 * @options: an a{sv} from a caller
 * @known: the options the method understands, each with its type, ending with { NULL }
 *
 * Refuses options a method does not know, so that a misspelt one never goes unnoticed, and
 * options of the wrong type, so that the method itself can read them without checking.
 */
gboolean
_vireo_check_options (GVariant                *options,
                      const VireoOptionSpec   *known,
                      GError                 **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const VireoOptionSpec *spec = known;

      while (spec->key != NULL && !g_str_equal (spec->key, key))
        spec++;

      if (spec->key == NULL)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("Unknown option “%s”."), g_utf8_validate (key, -1, NULL) ? key : "?");
          g_variant_unref (value);
          return FALSE;
        }

      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (spec->type)))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” must be %s, not of type “%s”."), key, _(spec->type_words),
                       g_variant_get_type_string (value));
          g_variant_unref (value);
          return FALSE;
        }
    }

  return TRUE;
}

/* Runs in a worker thread. */
uid_t
_vireo_call_get_caller_uid (VireoCall  *call,
                            GError    **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  guint32 uid;

  reply = g_dbus_connection_call_sync (g_dbus_method_invocation_get_connection (call->invocation),
                                       "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixUser",
                                       g_variant_new ("(s)", g_dbus_method_invocation_get_sender (call->invocation)),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 10000,
                                       NULL, &local_error);
  if (reply == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                   _("Your user account could not be identified: %s"), local_error->message);
      return (uid_t) -1;
    }

  g_variant_get (reply, "(u)", &uid);
  return (uid_t) uid;
}

/* GObject */

static void
vireo_daemon_finalize (GObject *object)
{
  VireoDaemon *self = (VireoDaemon *) object;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->conn != NULL)
    set_disconnected (self, "");
  g_clear_pointer (&self->machines, g_hash_table_unref);
  g_clear_pointer (&self->refreshing, g_hash_table_unref);
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  g_clear_object (&self->manager);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->accel_reason, g_free);
  host_limits_clear (&self->limits);

  G_OBJECT_CLASS (vireo_daemon_parent_class)->finalize (object);
}

static void
vireo_daemon_class_init (VireoDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_daemon_finalize;
}

static void
vireo_daemon_init (VireoDaemon *self)
{
  self->machines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->refreshing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lifecycle_cb = self->metadata_cb = self->device_added_cb = self->device_removed_cb = -1;
  self->backoff_ms = BACKOFF_MIN_MS;
}

static void
silence_libvirt_cb (void        *user_data,
                    virErrorPtr  error)
{
  /* Errors are reported to callers; libvirt need not print them too. */
}

/**
 * vireo_daemon_new:
 * @connection: the bus to serve on
 * @libvirt_uri: "qemu:///system", or "test:///…" in tests
 * @accel_mode: which accelerator new machines get
 */
VireoDaemon *
vireo_daemon_new (GDBusConnection *connection,
                  const char      *libvirt_uri,
                  VireoAccelMode   accel_mode)
{
  VireoDBusManager *manager;
  VireoDaemon *self;
  VireoKvmProbe probe;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (libvirt_uri != NULL, NULL);

  self = g_object_new (VIREO_TYPE_DAEMON, NULL);
  self->connection = g_object_ref (connection);
  self->uri = g_strdup (libvirt_uri);
  self->accel_mode = accel_mode;

  vireo_kvm_probe_read (&probe, "/sys/module", "/dev/kvm");
  self->use_kvm = vireo_accel_choose (accel_mode, &probe, &self->accel_reason);
  g_message ("%s", self->accel_reason);

  self->manager = vireo_daemon_manager_new (self);
  manager = VIREO_DBUS_MANAGER (self->manager);
  vireo_dbus_manager_set_version (manager, PACKAGE_VERSION);
  vireo_dbus_manager_set_libvirt_uri (manager, libvirt_uri);
  vireo_dbus_manager_set_kvm_usable (manager, probe.dev_kvm_usable && probe.kvm_module != NULL);
  vireo_dbus_manager_set_accelerator (manager, self->use_kvm ? "kvm" : "tcg");
  vireo_dbus_manager_set_accelerator_reason (manager, self->accel_reason);
  vireo_dbus_manager_set_connection_error (manager, _("Connecting to libvirtd…"));
  vireo_kvm_probe_clear (&probe);

  return self;
}

/**
 * vireo_daemon_start:
 *
 * Exports the objects and connects to libvirtd in the background.
 *
 * Returns: %FALSE if the objects cannot be exported on the bus
 */
static void
manager_notify_cb (VireoDaemon *self)
{
  vireo_object_manager_changed (self->object_manager, VIREO_MANAGER_PATH);
}

gboolean
vireo_daemon_start (VireoDaemon  *self,
                    GError      **error)
{
  static gsize events_registered = 0;

  g_return_val_if_fail (VIREO_IS_DAEMON (self), FALSE);

  if (g_once_init_enter (&events_registered))
    {
      virSetErrorFunc (NULL, silence_libvirt_cb);
      gvir_event_register ();
      g_once_init_leave (&events_registered, 1);
    }

  self->object_manager = vireo_object_manager_new (self->connection, VIREO_OBJECT_MANAGER_PATH, error);
  if (self->object_manager == NULL)
    return FALSE;

  vireo_object_manager_export (self->object_manager, VIREO_MANAGER_PATH, G_DBUS_INTERFACE_SKELETON (self->manager));
  g_signal_connect_object (self->manager, "notify", G_CALLBACK (manager_notify_cb), self, G_CONNECT_SWAPPED);

  start_connect (self);
  return TRUE;
}
