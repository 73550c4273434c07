/* vireo-daemon.c
 *
 * The helper as a whole: the Manager object, the object manager, the libvirt connection
 * (vireo-connection.c) and the mirror of its domains (vireo-mirror.c), wired together. The
 * Manager's Connected property becomes true once a full sync after a (re)connection has
 * exported every machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-daemon"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt-glib/libvirt-glib.h>

#include "vireo-daemon-manager.h"
#include "vireo-daemon-private.h"
#include "vireo-install.h"
#include "vireo-lease-monitor.h"
#include "vireo-dbus-generated.h"
#include "vireo-object-manager.h"
#include "vireo-os-names.h"

struct _VireoDaemon {
  GObject             parent_instance;

  /* Owned references */
  GDBusConnection    *bus;
  VireoObjectManager *object_manager;
  VireoDaemonManager *manager;
  VireoConnection    *connection;
  VireoMirror        *mirror;
  VireoNetworkMirror *network_mirror;
  VireoLeaseMonitor  *lease_monitor;
  VireoOsNames       *os_names;     /* NULL until libosinfo's database is read */
  GError             *os_names_error;  /* why it could not be */
  GPtrArray          *os_waiting;   /* GTasks of _vireo_daemon_get_os_devices_async() */
  char               *accel_reason;
};

G_DEFINE_FINAL_TYPE (VireoDaemon, vireo_daemon, G_TYPE_OBJECT)

VireoConnection *
_vireo_daemon_get_connection (VireoDaemon *self)
{
  return self->connection;
}

VireoObjectManager *
_vireo_daemon_get_object_manager (VireoDaemon *self)
{
  return self->object_manager;
}

VireoMirror *
_vireo_daemon_get_mirror (VireoDaemon *self)
{
  return self->mirror;
}

VireoNetworkMirror *
_vireo_daemon_get_network_mirror (VireoDaemon *self)
{
  return self->network_mirror;
}

/**
 * _vireo_daemon_get_os_name:
 * @os_id: (nullable): a libosinfo id
 *
 * Returns: (transfer full) (nullable): its name, or %NULL when unknown or not known yet
 */
char *
_vireo_daemon_get_os_name (VireoDaemon *self,
                           const char  *os_id)
{
  return self->os_names != NULL ? vireo_os_names_lookup (self->os_names, os_id) : NULL;
}

const char *
_vireo_daemon_get_connection_error (VireoDaemon *self)
{
  return vireo_dbus_manager_get_connection_error (VIREO_DBUS_MANAGER (self->manager));
}

/* The connection's signals */

static void
network_sync_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VireoDaemon *self = user_data;
  VireoDBusManager *manager = VIREO_DBUS_MANAGER (self->manager);
  g_autoptr(GError) error = NULL;

  if (!vireo_network_mirror_sync_finish (self->network_mirror, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_object_unref (self);
          return;
        }
      /* A libvirtd without its network driver still serves machines: say so, and go on. */
      g_warning ("%s", error->message);
    }

  vireo_dbus_manager_set_connection_error (manager, "");
  vireo_dbus_manager_set_connected (manager, TRUE);
  g_message ("Serving %u machines and %u networks from %s", vireo_mirror_get_n_machines (self->mirror),
             vireo_network_mirror_get_n_networks (self->network_mirror),
             vireo_connection_get_uri (self->connection));
  g_object_unref (self);
}

static void
sync_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  VireoDaemon *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_mirror_sync_finish (self->mirror, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("%s", error->message);
          vireo_connection_drop (self->connection, error->message);
        }
      g_object_unref (self);
      return;
    }

  /* Then the networks, with the same reference on self. */
  vireo_network_mirror_sync_async (self->network_mirror, network_sync_cb, self);
}

static void domain_shut_down_cb (VireoDaemon *self,
                                 const char  *uuid);

static void
connected_cb (VireoDaemon *self)
{
  VireoDBusManager *manager = VIREO_DBUS_MANAGER (self->manager);
  const VireoHostFacts *host = vireo_connection_get_host (self->connection);

  vireo_dbus_manager_set_hostname (manager, host->hostname != NULL ? host->hostname : "");
  vireo_dbus_manager_set_cpu_model (manager, host->cpu_model != NULL ? host->cpu_model : "");
  vireo_dbus_manager_set_cpu_count (manager, host->limits.cpus);
  vireo_dbus_manager_set_memory_mib (manager, host->limits.memory_mib);
  vireo_dbus_manager_set_libvirt_version (manager, host->libvirt_version != NULL ? host->libvirt_version : "");
  vireo_dbus_manager_set_hypervisor_version (manager, host->hypervisor_version != NULL ? host->hypervisor_version : "");

  /* Connected once the machines and networks are on the bus: a client that sees Connected
   * sees them all. */
  vireo_mirror_sync_async (self->mirror, sync_cb, g_object_ref (self));
  domain_shut_down_cb (self, NULL);
}

static void
disconnected_cb (VireoDaemon *self,
                 const char  *reason)
{
  VireoDBusManager *manager = VIREO_DBUS_MANAGER (self->manager);

  vireo_mirror_clear (self->mirror);
  vireo_network_mirror_clear (self->network_mirror);
  vireo_dbus_manager_set_connected (manager, FALSE);
  vireo_dbus_manager_set_connection_error (manager, reason);
}

static void
domain_changed_cb (VireoDaemon *self,
                   const char  *uuid)
{
  vireo_mirror_refresh (self->mirror, uuid);
}

static void
network_changed_cb (VireoDaemon *self,
                    const char  *uuid)
{
  vireo_network_mirror_refresh (self->network_mirror, uuid);
  /* libvirtd makes the lease directory when its network driver starts. */
  vireo_lease_monitor_ensure (self->lease_monitor);
}

/* Guest addresses in Machine.Nics (docs/ARCHITECTURE.md): the DHCP leases of libvirt's
 * networks, read again for the machines on a network whenever its lease file changes; and,
 * for interfaces without a lease (a bridge, macvtap), the QEMU guest agent's answer, asked
 * once each time the agent connects. */

static void
leases_changed_cb (VireoDaemon *self,
                   const char  *bridge)
{
  const char *network = vireo_network_mirror_name_for_bridge (self->network_mirror, bridge);

  if (network != NULL)
    vireo_mirror_refresh_on_network (self->mirror, network);
}

typedef struct {
  virConnectPtr  conn;
  char          *uuid;
} AgentJob;

static void
agent_job_free (AgentJob *job)
{
  g_clear_pointer (&job->conn, virConnectClose);
  g_free (job->uuid);
  g_free (job);
}

static void
agent_addresses_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  AgentJob *job = task_data;
  g_autoptr(virDomain) dom = virDomainLookupByUUIDString (job->conn, job->uuid);
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  virDomainInterfacePtr *ifaces = NULL;
  int n;

  if (dom == NULL || (n = virDomainInterfaceAddresses (dom, &ifaces, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, 0)) < 0)
    {
      virErrorPtr last = virGetLastError ();

      g_task_return_new_error (task, VIREO_ERROR, VIREO_ERROR_LIBVIRT, "%s",
                               last != NULL && last->message != NULL ? last->message : "?");
      virResetLastError ();
      return;
    }

  for (int i = 0; i < n; i++)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_autofree char *mac = ifaces[i]->hwaddr != NULL ? g_ascii_strdown (ifaces[i]->hwaddr, -1) : NULL;

      for (unsigned int a = 0; mac != NULL && a < ifaces[i]->naddrs; a++)
        {
          virDomainIPAddressPtr addr = &ifaces[i]->addrs[a];
          g_autofree char *text = NULL;

          /* Link-local addresses say nothing of where the guest can be reached. */
          if (addr->addr == NULL || g_str_has_prefix (addr->addr, "fe80:") || g_str_has_prefix (addr->addr, "169.254."))
            continue;
          text = g_strdup_printf ("%s/%u", addr->addr, addr->prefix);
          g_strv_builder_add (builder, text);
        }
      if (mac != NULL && !g_str_equal (mac, "00:00:00:00:00:00"))
        g_hash_table_replace (table, g_steal_pointer (&mac), g_strv_builder_end (builder));
      virDomainInterfaceFree (ifaces[i]);
    }
  free (ifaces);
  g_task_return_pointer (task, g_steal_pointer (&table), (GDestroyNotify) g_hash_table_unref);
}

static void
agent_addresses_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  VireoDaemon *self = VIREO_DAEMON (source);
  AgentJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GHashTable *table = g_task_propagate_pointer (G_TASK (result), &error);
  VireoDaemonMachine *machine;

  if (table == NULL)
    {
      g_debug ("The guest agent of %s did not say its addresses: %s", job->uuid, error->message);
      return;
    }
  machine = self->mirror != NULL ? vireo_mirror_lookup (self->mirror, job->uuid) : NULL;
  if (machine == NULL)
    {
      g_hash_table_unref (table);
      return;
    }
  vireo_daemon_machine_set_agent_addresses (machine, table);
  vireo_mirror_refresh (self->mirror, job->uuid);
}

static void
agent_connected_cb (VireoDaemon *self,
                    const char  *uuid)
{
  g_autoptr(GTask) task = NULL;
  AgentJob *job;
  virConnectPtr conn = vireo_connection_get_conn (self->connection);

  if (conn == NULL)
    return;
  job = g_new0 (AgentJob, 1);
  job->conn = conn;
  virConnectRef (conn);
  job->uuid = g_strdup (uuid);
  task = g_task_new (self, NULL, agent_addresses_cb, NULL);
  g_task_set_source_tag (task, agent_connected_cb);
  g_task_set_task_data (task, job, (GDestroyNotify) agent_job_free);
  g_task_run_in_thread (task, agent_addresses_thread);
}

/* The end of an express installation's install phase (vireo-install.c): the first time the
 * guest stops by itself, its definition loses the installer's kernel and the script's
 * CD-ROM, their volumes are deleted, and after an installer's reboot the machine starts
 * again from its disk. In a worker thread: libvirt's calls block. */

/* Ends @dom's install phase, if it is in one; @restart_ok: start it again after an
 * installer's reboot. */
static void
finish_install (virConnectPtr conn,
                virDomainPtr  dom,
                gboolean      restart_ok)
{
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = g_strdup (virDomainGetName (dom));
  g_autofree char *xml = NULL;
  g_autofree char *finished = NULL;
  g_autoptr(virDomain) defined = NULL;
  gboolean restart = FALSE;
  int tries;

  /* Most machines that stop are in no install phase: nothing to wait for. */
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  finished = xml != NULL ? vireo_install_finish_xml (xml, volumes, &restart) : NULL;
  if (finished == NULL)
    {
      virResetLastError ();
      return;
    }
  /* The event comes as QEMU goes; libvirt may still be tidying up the domain, and a
   * definition given to an active one waits for its next boot. */
  for (tries = 0; virDomainIsActive (dom) == 1 && tries < 100; tries++)
    g_usleep (100 * 1000);
  defined = virDomainDefineXML (conn, finished);
  if (defined == NULL)
    {
      /* (The message first: every libvirt call resets it.) */
      g_autofree char *why = g_strdup (virGetLastErrorMessage ());

      g_warning ("The installation of %s has ended, but its definition could not be changed: %s", name, why);
      virResetLastError ();
      return;
    }
  restart = restart && restart_ok;
  g_message ("The installation of %s has ended: its installation files are removed%s",
             name, restart ? ", and it starts from its disk" : "");
  for (guint i = 0; i < volumes->len; i++)
    {
      g_autoptr(virStorageVol) vol = virStorageVolLookupByPath (conn, volumes->pdata[i]);

      if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
        {
          g_autofree char *why = g_strdup (virGetLastErrorMessage ());

          g_warning ("Could not remove the installation file %s: %s", (char *) volumes->pdata[i], why);
        }
      virResetLastError ();
    }
  if (restart && virDomainCreate (defined) < 0)
    {
      g_autofree char *why = g_strdup (virGetLastErrorMessage ());

      g_warning ("%s could not start again after its installation: %s", name, why);
      virResetLastError ();
    }
}

static void
finish_install_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  virConnectPtr conn = task_data;
  const char *uuid = g_object_get_data (G_OBJECT (task), "uuid");

  if (uuid != NULL)
    {
      g_autoptr(virDomain) dom = virDomainLookupByUUIDString (conn, uuid);

      if (dom != NULL)
        finish_install (conn, dom, TRUE);
      virResetLastError ();
    }
  else
    {
      /* At connection: a guest that shut itself down while no helper listened (its shutoff
       * reason says so) ended its install phase then. It is not started: that moment passed. */
      virDomainPtr *doms = NULL;
      int n = virConnectListAllDomains (conn, &doms, VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_PERSISTENT);

      for (int i = 0; i < n; i++)
        {
          int state = 0, reason = 0;

          if (virDomainGetState (doms[i], &state, &reason, 0) == 0 && state == VIR_DOMAIN_SHUTOFF
              && reason == VIR_DOMAIN_SHUTOFF_SHUTDOWN)
            finish_install (conn, doms[i], FALSE);
          virDomainFree (doms[i]);
        }
      free (doms);
      virResetLastError ();
    }
  g_task_return_boolean (task, TRUE);
}

/* @uuid: (nullable): the domain that shut itself down, or NULL for every one that did while
 * no helper listened */
static void
domain_shut_down_cb (VireoDaemon *self,
                     const char  *uuid)
{
  virConnectPtr conn = vireo_connection_get_conn (self->connection);
  g_autoptr(GTask) task = NULL;

  if (conn == NULL)
    return;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, domain_shut_down_cb);
  virConnectRef (conn);
  g_task_set_task_data (task, conn, (GDestroyNotify) virConnectClose);
  g_object_set_data_full (G_OBJECT (task), "uuid", g_strdup (uuid), g_free);
  g_task_run_in_thread (task, finish_install_thread);
}

/* libosinfo's database, read once in a worker thread */

static void
load_os_names_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  VireoOsNames *names = vireo_os_names_load (NULL, &error);

  if (names == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, names, (GDestroyNotify) vireo_os_names_free);
}

static void
return_os_devices (VireoDaemon *self,
                   GTask       *task)
{
  const char *os_id = g_task_get_task_data (task);
  VireoOsDevices devices = 0;

  if (self->os_names == NULL)
    g_task_return_new_error (task, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                             _("The operating system cannot be checked: libosinfo’s database could not be read (%s)."),
                             self->os_names_error != NULL ? self->os_names_error->message : "?");
  else if (!vireo_os_names_get_devices (self->os_names, os_id, &devices))
    g_task_return_new_error (task, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                             _("Unknown operating system “%s”: libosinfo’s database has no such id."), os_id);
  else
    g_task_return_int (task, devices);
}

/**
 * _vireo_daemon_get_os_devices_async:
 * @os_id: a libosinfo id
 *
 * What @os_id has drivers for, once libosinfo's database is read (the helper reads it once,
 * a moment after it starts, which is when an activated helper gets its first call).
 */
void
_vireo_daemon_get_os_devices_async (VireoDaemon         *self,
                                    const char          *os_id,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, _vireo_daemon_get_os_devices_async);
  g_task_set_task_data (task, g_strdup (os_id), g_free);
  if (self->os_names == NULL && self->os_names_error == NULL)
    g_ptr_array_add (self->os_waiting, g_steal_pointer (&task));
  else
    return_os_devices (self, task);
}

/**
 * _vireo_daemon_get_os_devices_finish:
 *
 * Returns: %FALSE with @error set when the id is unknown or the database could not be read
 */
gboolean
_vireo_daemon_get_os_devices_finish (VireoDaemon     *self,
                                     GAsyncResult    *result,
                                     VireoOsDevices  *devices,
                                     GError         **error)
{
  gssize value = g_task_propagate_int (G_TASK (result), error);

  *devices = value < 0 ? 0 : (VireoOsDevices) value;
  return value >= 0;
}

static void
load_os_names_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VireoDaemon *self = VIREO_DAEMON (source);
  g_autoptr(GError) error = NULL;
  VireoOsNames *names;

  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->os_waiting);

  self->os_waiting = g_ptr_array_new_with_free_func (g_object_unref);
  names = g_task_propagate_pointer (G_TASK (result), &error);
  if (names == NULL)
    {
      g_message ("libosinfo's database could not be read, so machines have no OsName: %s", error->message);
      self->os_names_error = g_steal_pointer (&error);
    }
  else
    {
      g_debug ("Read %u operating systems from libosinfo", vireo_os_names_size (names));
      g_clear_pointer (&self->os_names, vireo_os_names_free);
      self->os_names = names;
      if (self->mirror != NULL)
        vireo_mirror_update_os_names (self->mirror);
    }

  for (guint i = 0; i < waiting->len; i++)
    return_os_devices (self, g_ptr_array_index (waiting, i));
}

static void
manager_notify_cb (VireoDaemon *self)
{
  vireo_object_manager_changed (self->object_manager, VIREO_MANAGER_PATH);
}

/* GObject */

static void
vireo_daemon_dispose (GObject *object)
{
  VireoDaemon *self = (VireoDaemon *) object;

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->mirror != NULL)
    vireo_mirror_clear (self->mirror);
  if (self->network_mirror != NULL)
    vireo_network_mirror_clear (self->network_mirror);
  g_clear_object (&self->mirror);
  g_clear_object (&self->network_mirror);
  g_clear_object (&self->lease_monitor);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_daemon_parent_class)->dispose (object);
}

static void
vireo_daemon_finalize (GObject *object)
{
  VireoDaemon *self = (VireoDaemon *) object;

  g_clear_object (&self->manager);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->bus);
  g_clear_pointer (&self->os_names, vireo_os_names_free);
  g_clear_error (&self->os_names_error);
  g_clear_pointer (&self->os_waiting, g_ptr_array_unref);
  g_clear_pointer (&self->accel_reason, g_free);

  G_OBJECT_CLASS (vireo_daemon_parent_class)->finalize (object);
}

static void
vireo_daemon_class_init (VireoDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_daemon_dispose;
  object_class->finalize = vireo_daemon_finalize;
}

static void
vireo_daemon_init (VireoDaemon *self)
{
  self->os_waiting = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
silence_libvirt_cb (void        *user_data,
                    virErrorPtr  error)
{
  /* Errors are reported to callers; libvirt need not print them too. */
}

/**
 * vireo_daemon_new:
 * @bus: the bus to serve on
 * @libvirt_uri: "qemu:///system", or "test:///…" in tests
 * @accel_mode: which accelerator new machines get
 */
VireoDaemon *
vireo_daemon_new (GDBusConnection *bus,
                  const char      *libvirt_uri,
                  VireoAccelMode   accel_mode)
{
  VireoDBusManager *manager;
  VireoDaemon *self;
  VireoKvmProbe probe;
  gboolean use_kvm;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (bus), NULL);
  g_return_val_if_fail (libvirt_uri != NULL, NULL);

  self = g_object_new (VIREO_TYPE_DAEMON, NULL);
  self->bus = g_object_ref (bus);

  vireo_kvm_probe_read (&probe, "/sys/module", "/dev/kvm");
  use_kvm = vireo_accel_choose (accel_mode, &probe, &self->accel_reason);
  g_message ("%s", self->accel_reason);

  self->connection = vireo_connection_new (libvirt_uri, use_kvm);

  self->manager = vireo_daemon_manager_new (self);
  manager = VIREO_DBUS_MANAGER (self->manager);
  vireo_dbus_manager_set_version (manager, PACKAGE_VERSION);
  vireo_dbus_manager_set_libvirt_uri (manager, libvirt_uri);
  vireo_dbus_manager_set_kvm_usable (manager, probe.dev_kvm_usable && probe.kvm_module != NULL);
  vireo_dbus_manager_set_accelerator (manager, use_kvm ? "kvm" : "tcg");
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

  self->object_manager = vireo_object_manager_new (self->bus, VIREO_OBJECT_MANAGER_PATH, error);
  if (self->object_manager == NULL)
    return FALSE;

  self->mirror = vireo_mirror_new (self, self->connection, self->object_manager);
  self->network_mirror = vireo_network_mirror_new (self, self->connection, self->object_manager);

  vireo_object_manager_export (self->object_manager, VIREO_MANAGER_PATH, G_DBUS_INTERFACE_SKELETON (self->manager));
  g_signal_connect_object (self->manager, "notify", G_CALLBACK (manager_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->connection, "connected", G_CALLBACK (connected_cb), self);
  g_signal_connect_swapped (self->connection, "disconnected", G_CALLBACK (disconnected_cb), self);
  g_signal_connect_swapped (self->connection, "domain-changed", G_CALLBACK (domain_changed_cb), self);
  g_signal_connect_swapped (self->connection, "domain-shut-down", G_CALLBACK (domain_shut_down_cb), self);
  g_signal_connect_swapped (self->connection, "network-changed", G_CALLBACK (network_changed_cb), self);
  g_signal_connect_swapped (self->connection, "agent-connected", G_CALLBACK (agent_connected_cb), self);

  self->lease_monitor = vireo_lease_monitor_new (VIREO_LEASE_DIR);
  g_signal_connect_object (self->lease_monitor, "changed", G_CALLBACK (leases_changed_cb), self, G_CONNECT_SWAPPED);
  vireo_lease_monitor_ensure (self->lease_monitor);

  {
    g_autoptr(GTask) task = g_task_new (self, NULL, load_os_names_cb, NULL);

    g_task_set_source_tag (task, load_os_names_thread);
    g_task_run_in_thread (task, load_os_names_thread);
  }

  vireo_connection_start (self->connection);
  return TRUE;
}
