/* vireo-connection.c
 *
 * The libvirt connection and nothing else: opening it off the main thread, libvirt's
 * keepalive, the close callback, reconnecting with a back-off, and the domain events, which
 * it passes on as "domain-changed" with the domain's UUID, and the network events, passed on
 * as "network-changed".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-connection"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-connection.h"
#include "vireo-host.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 5000

/* libvirt's keepalive: a probe every 5 s, and the connection is given up after 3 unanswered,
 * so a hung libvirtd is noticed in about 20 s. */
#define KEEPALIVE_INTERVAL_S 5
#define KEEPALIVE_COUNT      3

struct _VireoConnection {
  GObject         parent_instance;

  /* Owned references */
  char           *uri;
  virConnectPtr   conn;
  VireoHostFacts  host;
  gpointer        close_watch;   /* CloseWatch */

  gboolean        use_kvm;
  guint           generation;
  int             lifecycle_cb;
  int             metadata_cb;
  int             device_added_cb;
  int             device_removed_cb;
  int             network_cb;
  int             agent_cb;
  guint           reconnect_source;
  guint           backoff_ms;
  gboolean        connecting;
};

G_DEFINE_FINAL_TYPE (VireoConnection, vireo_connection, G_TYPE_OBJECT)

enum {
  CONNECTED,
  DISCONNECTED,
  DOMAIN_CHANGED,
  DOMAIN_SHUT_DOWN,
  NETWORK_CHANGED,
  AGENT_CONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_reconnect (VireoConnection *self);

void
vireo_host_limits_copy (VireoHostLimits       *dest,
                        const VireoHostLimits *src)
{
  *dest = *src;
  dest->arch = g_strdup (src->arch);
}

void
vireo_host_limits_clear (VireoHostLimits *limits)
{
  g_clear_pointer (&limits->arch, g_free);
  memset (limits, 0, sizeof *limits);
}

static void
host_facts_clear (VireoHostFacts *host)
{
  vireo_host_limits_clear (&host->limits);
  g_clear_pointer (&host->hostname, g_free);
  g_clear_pointer (&host->cpu_model, g_free);
  g_clear_pointer (&host->libvirt_version, g_free);
  g_clear_pointer (&host->hypervisor_version, g_free);
}

/* Opening, in a worker thread */

typedef struct {
  char           *uri;
  virConnectPtr   conn;
  VireoHostFacts  host;
} ConnectJob;

static void
connect_job_free (ConnectJob *job)
{
  g_free (job->uri);
  g_clear_pointer (&job->conn, virConnectClose);
  host_facts_clear (&job->host);
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
  ConnectJob *job = task_data;
  VireoHostFacts *host = &job->host;
  g_autoptr(virConnect) conn = NULL;
  virNodeInfo node;
  unsigned long version = 0;
  const char *type;
  GError *error = NULL;

  conn = virConnectOpen (job->uri);
  if (conn == NULL)
    {
      vireo_libvirt_set_error (&error, _("Vireo cannot reach libvirtd at %s."), job->uri);
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
  host->limits.is_test_driver = g_strcmp0 (type, "TEST") == 0;
  host->limits.memory_mib = node.memory / 1024;
  host->limits.cpus = node.cpus;
  host->limits.arch = g_strdup (host->limits.is_test_driver ? "i686" : node.model);
  host->hostname = virConnectGetHostname (conn);
  host->cpu_model = host->limits.is_test_driver ? NULL : vireo_host_cpu_model ();
  if (host->cpu_model == NULL)
    host->cpu_model = g_strdup (node.model);
  if (virConnectGetLibVersion (conn, &version) == 0)
    host->libvirt_version = version_to_string (version);
  if (virConnectGetVersion (conn, &version) == 0)
    host->hypervisor_version = version_to_string (version);
  virResetLastError ();

  job->conn = g_steal_pointer (&conn);
  g_task_return_boolean (task, TRUE);
}

/* Closing talks to libvirtd, which may hang: never on the main thread. */

static void
close_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  virConnectClose (task_data);
  virResetLastError ();
}

static void
close_in_thread (virConnectPtr conn)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, close_in_thread);
  g_task_set_task_data (task, conn, NULL);
  g_task_run_in_thread (task, close_thread);
}

/* Events: they arrive on the main context through libvirt-glib's event loop. */

static void
domain_changed (VireoConnection *self,
                virDomainPtr     dom)
{
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (virDomainGetUUIDString (dom, uuid) == 0)
    g_signal_emit (self, signals[DOMAIN_CHANGED], 0, uuid);
}

static int
lifecycle_event_cb (virConnectPtr conn,
                    virDomainPtr  dom,
                    int           event,
                    int           detail,
                    void         *opaque)
{
  char uuid[VIR_UUID_STRING_BUFLEN];

  g_debug ("Lifecycle event %d/%d for %s", event, detail, virDomainGetName (dom));
  domain_changed (opaque, dom);
  if (event == VIR_DOMAIN_EVENT_STOPPED && detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN
      && virDomainGetUUIDString (dom, uuid) == 0)
    g_signal_emit (opaque, signals[DOMAIN_SHUT_DOWN], 0, uuid);
  return 0;
}

static void
metadata_event_cb (virConnectPtr conn,
                   virDomainPtr  dom,
                   int           type,
                   const char   *nsuri,
                   void         *opaque)
{
  domain_changed (opaque, dom);
}

static void
device_event_cb (virConnectPtr conn,
                 virDomainPtr  dom,
                 const char   *dev_alias,
                 void         *opaque)
{
  domain_changed (opaque, dom);
}

static void
network_event_cb (virConnectPtr conn,
                  virNetworkPtr net,
                  int           event,
                  int           detail,
                  void         *opaque)
{
  char uuid[VIR_UUID_STRING_BUFLEN];

  g_debug ("Network event %d/%d for %s", event, detail, virNetworkGetName (net));
  if (virNetworkGetUUIDString (net, uuid) == 0)
    g_signal_emit (opaque, signals[NETWORK_CHANGED], 0, uuid);
}

/* The QEMU guest agent answers now: it can say the guest's addresses. */
static void
agent_event_cb (virConnectPtr conn,
                virDomainPtr  dom,
                int           state,
                int           reason,
                void         *opaque)
{
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (state == VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED && virDomainGetUUIDString (dom, uuid) == 0)
    g_signal_emit (opaque, signals[AGENT_CONNECTED], 0, uuid);
}

/* The close callback: libvirt calls it in whichever thread noticed the socket closing. */

typedef struct {
  VireoConnection *self;
  guint            generation;
  int              reason;
} CloseEvent;

static gboolean
close_idle_cb (gpointer user_data)
{
  CloseEvent *event = user_data;
  VireoConnection *self = event->self;

  if (self->conn != NULL && self->generation == event->generation)
    {
      g_message ("The connection to libvirtd was closed (reason %d); reconnecting", event->reason);
      vireo_connection_drop (self, _("The connection to libvirtd was lost. Vireo reconnects by itself when libvirtd is back."));
    }

  g_object_unref (event->self);
  g_free (event);
  return G_SOURCE_REMOVE;
}

/* The close callback's data: which connection it is about. Unregistering the callback waits
 * for a call in progress, so it is freed after that. */
typedef struct {
  VireoConnection *self;
  guint            generation;
} CloseWatch;

static void
connection_closed_cb (virConnectPtr conn,
                      int           reason,
                      void         *opaque)
{
  CloseWatch *watch = opaque;
  CloseEvent *event = g_new0 (CloseEvent, 1);

  event->self = g_object_ref (watch->self);
  event->generation = watch->generation;
  event->reason = reason;
  g_idle_add (close_idle_cb, event);
}

/* Connecting */

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoConnection *self = VIREO_CONNECTION (source);
  ConnectJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  CloseWatch *watch;

  self->connecting = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("%s", error->message);
      g_signal_emit (self, signals[DISCONNECTED], 0, error->message);
      schedule_reconnect (self);
      return;
    }

  self->conn = g_steal_pointer (&job->conn);
  self->generation++;
  self->backoff_ms = BACKOFF_MIN_MS;

  host_facts_clear (&self->host);
  self->host = job->host;
  memset (&job->host, 0, sizeof job->host);
  if (self->host.limits.is_test_driver)
    self->host.limits.virt_type = GVIR_CONFIG_DOMAIN_VIRT_TEST;
  else
    self->host.limits.virt_type = self->use_kvm ? GVIR_CONFIG_DOMAIN_VIRT_KVM : GVIR_CONFIG_DOMAIN_VIRT_QEMU;

  /* Events first, then whatever the "connected" handlers list: nothing that happens in
   * between is missed. */
  /* Ours, not libvirt's to free: a driver without close callbacks (the test driver) says
   * yes to the registration and forgets the data. */
  self->close_watch = watch = g_new0 (CloseWatch, 1);
  watch->self = self;
  watch->generation = self->generation;
  virConnectRegisterCloseCallback (self->conn, connection_closed_cb, watch, NULL);
  virConnectSetKeepAlive (self->conn, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
  self->lifecycle_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                         VIR_DOMAIN_EVENT_CALLBACK (lifecycle_event_cb), self, NULL);
  self->metadata_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                                        VIR_DOMAIN_EVENT_CALLBACK (metadata_event_cb), self, NULL);
  self->device_added_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                                            VIR_DOMAIN_EVENT_CALLBACK (device_event_cb), self, NULL);
  self->device_removed_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                                              VIR_DOMAIN_EVENT_CALLBACK (device_event_cb), self, NULL);
  self->network_cb = virConnectNetworkEventRegisterAny (self->conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                                        VIR_NETWORK_EVENT_CALLBACK (network_event_cb), self, NULL);
  self->agent_cb = virConnectDomainEventRegisterAny (self->conn, NULL, VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE,
                                                     VIR_DOMAIN_EVENT_CALLBACK (agent_event_cb), self, NULL);
  if (self->network_cb < 0)
    g_warning ("libvirt does not send network events on %s: networks made elsewhere will not show", self->uri);
  if (self->lifecycle_cb < 0)
    g_warning ("libvirt does not send lifecycle events on %s: changes made elsewhere will not show", self->uri);
  virResetLastError ();

  g_message ("Connected to %s", self->uri);
  g_signal_emit (self, signals[CONNECTED], 0);
}

static void
start_connect (VireoConnection *self)
{
  g_autoptr(GTask) task = NULL;
  ConnectJob *job;

  if (self->connecting || self->conn != NULL)
    return;

  self->connecting = TRUE;
  job = g_new0 (ConnectJob, 1);
  job->uri = g_strdup (self->uri);
  task = g_task_new (self, NULL, connect_cb, NULL);
  g_task_set_source_tag (task, start_connect);
  g_task_set_task_data (task, job, (GDestroyNotify) connect_job_free);
  g_task_run_in_thread (task, connect_thread);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  VireoConnection *self = user_data;

  self->reconnect_source = 0;
  start_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (VireoConnection *self)
{
  if (self->reconnect_source != 0 || self->connecting)
    return;

  self->reconnect_source = g_timeout_add (self->backoff_ms, reconnect_cb, self);
  self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
}

/* Forgets the connection, without a word. */
static void
release (VireoConnection *self)
{
  virConnectPtr conn = g_steal_pointer (&self->conn);

  if (conn == NULL)
    return;

  if (self->lifecycle_cb >= 0)
    virConnectDomainEventDeregisterAny (conn, self->lifecycle_cb);
  if (self->metadata_cb >= 0)
    virConnectDomainEventDeregisterAny (conn, self->metadata_cb);
  if (self->device_added_cb >= 0)
    virConnectDomainEventDeregisterAny (conn, self->device_added_cb);
  if (self->device_removed_cb >= 0)
    virConnectDomainEventDeregisterAny (conn, self->device_removed_cb);
  if (self->network_cb >= 0)
    virConnectNetworkEventDeregisterAny (conn, self->network_cb);
  if (self->agent_cb >= 0)
    virConnectDomainEventDeregisterAny (conn, self->agent_cb);
  self->lifecycle_cb = self->metadata_cb = self->device_added_cb = self->device_removed_cb = -1;
  self->network_cb = self->agent_cb = -1;
  virConnectUnregisterCloseCallback (conn, connection_closed_cb);
  g_clear_pointer (&self->close_watch, g_free);
  virResetLastError ();
  close_in_thread (conn);
}

/**
 * vireo_connection_drop:
 * @reason: a sentence for the user
 *
 * Gives up the connection (libvirtd went away, or did not answer), says so with
 * "disconnected", and connects again after a while.
 */
void
vireo_connection_drop (VireoConnection *self,
                       const char      *reason)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  release (self);
  self->generation++;
  g_signal_emit (self, signals[DISCONNECTED], 0, reason);
  schedule_reconnect (self);
}

/**
 * vireo_connection_start:
 *
 * Connects in the background; "connected" or "disconnected" tells how it went.
 */
void
vireo_connection_start (VireoConnection *self)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  start_connect (self);
}

/**
 * vireo_connection_get_conn:
 *
 * Returns: (transfer none) (nullable): the connection, %NULL while there is none. Take a
 *   reference (virConnectRef) to use it in a worker thread.
 */
virConnectPtr
vireo_connection_get_conn (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);

  return self->conn;
}

/**
 * vireo_connection_get_generation:
 *
 * Returns: a number that changes whenever the connection is made or lost: work begun under
 *   another generation is stale.
 */
guint
vireo_connection_get_generation (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), 0);

  return self->generation;
}

/**
 * vireo_connection_get_host:
 *
 * Returns: what the host had when the connection was last made
 */
const VireoHostFacts *
vireo_connection_get_host (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);

  return &self->host;
}

const char *
vireo_connection_get_uri (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);

  return self->uri;
}

static void
vireo_connection_finalize (GObject *object)
{
  VireoConnection *self = (VireoConnection *) object;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  release (self);
  host_facts_clear (&self->host);
  g_clear_pointer (&self->uri, g_free);

  G_OBJECT_CLASS (vireo_connection_parent_class)->finalize (object);
}

static void
vireo_connection_class_init (VireoConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_connection_finalize;

  /**
   * VireoConnection::connected:
   *
   * The connection is made and its events are registered.
   */
  signals[CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * VireoConnection::disconnected:
   * @reason: a sentence for the user
   *
   * There is no connection: it could not be made, or it was lost.
   */
  signals[DISCONNECTED] = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * VireoConnection::domain-changed:
   * @uuid: the domain
   *
   * libvirt said something happened to a domain.
   */
  signals[DOMAIN_CHANGED] = g_signal_new ("domain-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * VireoConnection::domain-shut-down:
   * @uuid: the domain
   *
   * The guest stopped by itself: it shut down (or, with on_reboot='destroy', rebooted).
   */
  signals[DOMAIN_SHUT_DOWN] = g_signal_new ("domain-shut-down", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * VireoConnection::network-changed:
   * @uuid: the network
   *
   * libvirt said a network was defined, undefined, started or stopped.
   */
  signals[NETWORK_CHANGED] = g_signal_new ("network-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * VireoConnection::agent-connected:
   * @uuid: the domain
   *
   * The QEMU guest agent of a running domain answers now.
   */
  signals[AGENT_CONNECTED] = g_signal_new ("agent-connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vireo_connection_init (VireoConnection *self)
{
  self->lifecycle_cb = self->metadata_cb = self->device_added_cb = self->device_removed_cb = -1;
  self->network_cb = self->agent_cb = -1;
  self->backoff_ms = BACKOFF_MIN_MS;
}

/**
 * vireo_connection_new:
 * @uri: "qemu:///system", or "test:///…" in tests
 * @use_kvm: whether new machines get KVM rather than TCG
 */
VireoConnection *
vireo_connection_new (const char *uri,
                      gboolean    use_kvm)
{
  VireoConnection *self;

  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (VIREO_TYPE_CONNECTION, NULL);
  self->uri = g_strdup (uri);
  self->use_kvm = use_kvm;
  return self;
}
