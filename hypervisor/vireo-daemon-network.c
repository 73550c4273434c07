/* vireo-daemon-network.c
 *
 * org.vireo.Hypervisor1.Network: one libvirt virtual network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-daemon-network"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-authority.h"
#include "vireo-daemon-network.h"
#include "vireo-daemon-private.h"

struct _VireoDaemonNetwork {
  VireoDBusNetworkSkeleton parent_instance;

  /* Borrowed references */
  VireoDaemon             *daemon;

  guint64                  seq;
};

static void network_iface_init (VireoDBusNetworkIface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (VireoDaemonNetwork, vireo_daemon_network, VIREO_DBUS_TYPE_NETWORK_SKELETON,
                               G_IMPLEMENT_INTERFACE (VIREO_DBUS_TYPE_NETWORK, network_iface_init))
/* clang-format on */

/* A network changes the host's own devices, addresses and firewall. */
static const VireoMethodAction network_actions[] = {
  { "Start",        VIREO_ACTION_HOST_NETWORK },
  { "Stop",         VIREO_ACTION_HOST_NETWORK },
  { "Delete",       VIREO_ACTION_HOST_NETWORK },
  { "SetAutostart", VIREO_ACTION_HOST_NETWORK },
  { "GetLeases",    NULL },   /* a read: open to every local user, as properties are */
};

static const VireoOptionSpec no_options[] = { { NULL } };

/* What a call leaves for its done function, on the main thread. */
typedef struct {
  gboolean           autostart;   /* SetAutostart's argument */
  VireoNetworkFacts *facts;       /* the network after the call; NULL when gone */
  GVariant          *leases;
} NetworkCallData;

static void
network_call_data_free (NetworkCallData *data)
{
  g_clear_pointer (&data->facts, vireo_network_facts_free);
  g_clear_pointer (&data->leases, g_variant_unref);
  g_free (data);
}

static virNetworkPtr
lookup_network (VireoCall  *call,
                GError    **error)
{
  virNetworkPtr net = virNetworkLookupByUUIDString (call->conn, call->uuid);
  virErrorPtr last;

  if (net != NULL)
    return net;

  last = virGetLastError ();
  if (last != NULL && last->code == VIR_ERR_NO_NETWORK)
    vireo_libvirt_set_error (error, _("The network “%s” cannot be found."), call->name);
  else
    vireo_libvirt_set_error (error, _("Could not look up the network “%s”."), call->name);
  return NULL;
}

/* Reads the network again after a change, so that the object is current when the call
 * answers (the event that follows changes nothing more). */
static void
refetch (VireoCall *call)
{
  NetworkCallData *data = call->data;
  g_autoptr(virNetwork) net = virNetworkLookupByUUIDString (call->conn, call->uuid);

  g_clear_pointer (&data->facts, vireo_network_facts_free);
  if (net != NULL)
    data->facts = vireo_network_facts_fetch (net, NULL);
  virResetLastError ();
}

/* The facts were read after the change: newer than those of any refresh begun before now,
 * which may have read the network before the change (and autostart has no event to correct
 * it). One more refresh then covers a change made elsewhere meanwhile. */
static void
apply_facts (VireoCall *call)
{
  NetworkCallData *data = call->data;
  VireoNetworkMirror *mirror = _vireo_daemon_get_network_mirror (call->daemon);

  vireo_network_mirror_apply (mirror, call->uuid, data->facts,
                              vireo_mirror_next_seq (_vireo_daemon_get_mirror (call->daemon)));
  vireo_network_mirror_refresh (mirror, call->uuid);
}

/* Starts @func in a worker thread for this network; answers the caller on failure. */
static VireoCall *
begin_call (VireoDaemonNetwork    *self,
            GDBusMethodInvocation *invocation,
            GVariant              *options,
            const VireoOptionSpec *known_options,
            VireoCallFunc          func)
{
  VireoDBusNetwork *network = VIREO_DBUS_NETWORK (self);
  g_autoptr(GError) error = NULL;
  VireoCall *call;

  if (!_vireo_check_options (options, known_options, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return NULL;
    }

  call = _vireo_call_new (self->daemon, invocation, func, &error);
  if (call == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return NULL;
    }

  call->object = g_object_ref (self);
  call->uuid = g_strdup (vireo_dbus_network_get_uuid (network));
  call->name = g_strdup (vireo_dbus_network_get_name (network));
  call->options = g_variant_ref (options);
  call->data = g_new0 (NetworkCallData, 1);
  call->data_free = (GDestroyNotify) network_call_data_free;
  return call;
}

/* Start, Stop */

static gboolean
start_func (VireoCall  *call,
            GError    **error)
{
  g_autoptr(virNetwork) net = lookup_network (call, error);

  if (net == NULL)
    return FALSE;
  if (virNetworkIsActive (net) == 1)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE, _("The network “%s” is already running."), call->name);
      return FALSE;
    }
  if (virNetworkCreate (net) < 0)
    {
      vireo_libvirt_set_error (error, _("Could not start the network “%s”."), call->name);
      return FALSE;
    }
  refetch (call);
  return TRUE;
}

static void
start_done (VireoCall *call)
{
  apply_facts (call);
  vireo_dbus_network_complete_start (call->object, g_steal_pointer (&call->invocation));
}

static gboolean
stop_func (VireoCall  *call,
           GError    **error)
{
  g_autoptr(virNetwork) net = lookup_network (call, error);

  if (net == NULL)
    return FALSE;
  if (virNetworkIsActive (net) != 1)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE, _("The network “%s” is not running."), call->name);
      return FALSE;
    }
  if (virNetworkDestroy (net) < 0)
    {
      vireo_libvirt_set_error (error, _("Could not stop the network “%s”."), call->name);
      return FALSE;
    }
  refetch (call);
  return TRUE;
}

static void
stop_done (VireoCall *call)
{
  apply_facts (call);
  vireo_dbus_network_complete_stop (call->object, g_steal_pointer (&call->invocation));
}

/* Delete */

/* The names of the machines with an interface on the network @name, live or defined. */
static GPtrArray *
find_users (virConnectPtr   conn,
            const char     *name,
            GError        **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);
  virDomainPtr *domains = NULL;
  int n;

  n = virConnectListAllDomains (conn, &domains, 0);
  if (n < 0)
    {
      vireo_libvirt_set_error (error, _("Vireo could not check which machines use the network."));
      return NULL;
    }

  for (int i = 0; i < n; i++)
    {
      unsigned int flag_sets[] = { 0, VIR_DOMAIN_XML_INACTIVE };
      gboolean uses = FALSE;
      g_autofree char *domain_name = NULL;

      for (guint f = 0; f < G_N_ELEMENTS (flag_sets) && !uses; f++)
        {
          g_autofree char *xml = NULL;
          g_autoptr(VireoDomainFacts) facts = NULL;

          if (flag_sets[f] != 0 && virDomainIsPersistent (domains[i]) != 1)
            continue;
          xml = virDomainGetXMLDesc (domains[i], flag_sets[f]);
          if (xml == NULL || (facts = vireo_domain_facts_new_from_xml (xml, NULL)) == NULL)
            continue;
          for (guint d = 0; d < facts->nics->len && !uses; d++)
            {
              VireoNicFacts *nic = g_ptr_array_index (facts->nics, d);

              uses = g_str_equal (nic->type, "network") && g_strcmp0 (nic->source, name) == 0;
            }
          if (uses)
            domain_name = g_strdup (facts->name);
        }
      if (domain_name != NULL)
        g_ptr_array_add (users, g_steal_pointer (&domain_name));
      virDomainFree (domains[i]);
    }
  free (domains);
  virResetLastError ();
  return g_steal_pointer (&users);
}

static gboolean
delete_func (VireoCall  *call,
             GError    **error)
{
  g_autoptr(virNetwork) net = lookup_network (call, error);
  gboolean force = FALSE;

  if (net == NULL)
    return FALSE;

  g_variant_lookup (call->options, "force", "b", &force);
  if (!force)
    {
      g_autoptr(GPtrArray) users = find_users (call->conn, virNetworkGetName (net), error);
      g_autofree char *names = NULL;

      if (users == NULL)
        return FALSE;
      if (users->len > 0)
        {
          g_ptr_array_add (users, NULL);
          names = g_strjoinv (", ", (char **) users->pdata);
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                       _("The network “%s” is in use by %s: move those machines to another network first, or delete it anyway (force)."),
                       call->name, names);
          return FALSE;
        }
    }

  if (virNetworkIsActive (net) == 1 && virNetworkDestroy (net) < 0)
    {
      vireo_libvirt_set_error (error, _("Could not stop the network “%s”."), call->name);
      return FALSE;
    }
  if (virNetworkIsPersistent (net) == 1 && virNetworkUndefine (net) < 0)
    {
      vireo_libvirt_set_error (error, _("Could not delete the network “%s”."), call->name);
      return FALSE;
    }
  refetch (call);
  return TRUE;
}

static void
delete_done (VireoCall *call)
{
  apply_facts (call);
  vireo_dbus_network_complete_delete (call->object, g_steal_pointer (&call->invocation));
}

/* SetAutostart */

static gboolean
set_autostart_func (VireoCall  *call,
                    GError    **error)
{
  NetworkCallData *data = call->data;
  g_autoptr(virNetwork) net = lookup_network (call, error);

  if (net == NULL)
    return FALSE;
  if (virNetworkIsPersistent (net) != 1)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                   _("The network “%s” is not defined (it is transient), so it cannot start with the host."), call->name);
      return FALSE;
    }
  if (virNetworkSetAutostart (net, data->autostart) < 0)
    {
      vireo_libvirt_set_error (error, _("Could not change whether the network “%s” starts with the host."), call->name);
      return FALSE;
    }
  refetch (call);
  return TRUE;
}

static void
set_autostart_done (VireoCall *call)
{
  apply_facts (call);
  vireo_dbus_network_complete_set_autostart (call->object, g_steal_pointer (&call->invocation));
}

/* GetLeases */

static gboolean
get_leases_func (VireoCall  *call,
                 GError    **error)
{
  NetworkCallData *data = call->data;
  g_autoptr(virNetwork) net = lookup_network (call, error);
  virNetworkDHCPLeasePtr *leases = NULL;
  GVariantBuilder builder;
  int n;

  if (net == NULL)
    return FALSE;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssssx)"));
  if (virNetworkIsActive (net) == 1)
    {
      n = virNetworkGetDHCPLeases (net, NULL, &leases, 0);
      if (n < 0)
        {
          g_variant_builder_clear (&builder);
          vireo_libvirt_set_error (error, _("Could not read the leases of the network “%s”."), call->name);
          return FALSE;
        }
      for (int i = 0; i < n; i++)
        {
          g_autofree char *address = g_strdup_printf ("%s/%u", leases[i]->ipaddr != NULL ? leases[i]->ipaddr : "",
                                                      leases[i]->prefix);

          g_variant_builder_add (&builder, "(ssssx)",
                                 leases[i]->mac != NULL ? leases[i]->mac : "",
                                 address,
                                 leases[i]->hostname != NULL ? leases[i]->hostname : "",
                                 leases[i]->clientid != NULL ? leases[i]->clientid : "",
                                 (gint64) leases[i]->expirytime);
          virNetworkDHCPLeaseFree (leases[i]);
        }
      free (leases);
    }
  virResetLastError ();
  data->leases = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

static void
get_leases_done (VireoCall *call)
{
  NetworkCallData *data = call->data;

  vireo_dbus_network_complete_get_leases (call->object, g_steal_pointer (&call->invocation), data->leases);
}

/* Handlers */

static gboolean
handle_start (VireoDBusNetwork      *network,
              GDBusMethodInvocation *invocation,
              GVariant              *options)
{
  VireoCall *call = begin_call (VIREO_DAEMON_NETWORK (network), invocation, options, no_options, start_func);

  if (call != NULL)
    {
      call->done = start_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_stop (VireoDBusNetwork      *network,
             GDBusMethodInvocation *invocation,
             GVariant              *options)
{
  VireoCall *call = begin_call (VIREO_DAEMON_NETWORK (network), invocation, options, no_options, stop_func);

  if (call != NULL)
    {
      call->done = stop_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_delete (VireoDBusNetwork      *network,
               GDBusMethodInvocation *invocation,
               GVariant              *options)
{
  static const VireoOptionSpec known[] = { { "force", "b", N_("a boolean") }, { NULL } };
  VireoCall *call = begin_call (VIREO_DAEMON_NETWORK (network), invocation, options, known, delete_func);

  if (call != NULL)
    {
      call->done = delete_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_set_autostart (VireoDBusNetwork      *network,
                      GDBusMethodInvocation *invocation,
                      gboolean               autostart,
                      GVariant              *options)
{
  VireoCall *call = begin_call (VIREO_DAEMON_NETWORK (network), invocation, options, no_options, set_autostart_func);

  if (call != NULL)
    {
      ((NetworkCallData *) call->data)->autostart = autostart;
      call->done = set_autostart_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_leases (VireoDBusNetwork      *network,
                   GDBusMethodInvocation *invocation,
                   GVariant              *options)
{
  VireoCall *call = begin_call (VIREO_DAEMON_NETWORK (network), invocation, options, no_options, get_leases_func);

  if (call != NULL)
    {
      call->done = get_leases_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Every call goes through polkit first (vireo-authority.c), on the main context. */

static VireoAuthorityGate network_gate = VIREO_AUTHORITY_GATE (network_actions);

static GDBusInterfaceVTable *
vireo_daemon_network_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  return vireo_authority_gate_vtable (&network_gate, skeleton,
                                      G_DBUS_INTERFACE_SKELETON_CLASS (vireo_daemon_network_parent_class)->get_vtable (skeleton));
}

static void
network_iface_init (VireoDBusNetworkIface *iface)
{
  iface->handle_start = handle_start;
  iface->handle_stop = handle_stop;
  iface->handle_delete = handle_delete;
  iface->handle_set_autostart = handle_set_autostart;
  iface->handle_get_leases = handle_get_leases;
}

static void
vireo_daemon_network_class_init (VireoDaemonNetworkClass *klass)
{
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  skeleton_class->get_vtable = vireo_daemon_network_get_vtable;
}

static void
vireo_daemon_network_init (VireoDaemonNetwork *self)
{
}

VireoDaemonNetwork *
vireo_daemon_network_new (VireoDaemon *daemon,
                          const char  *uuid)
{
  VireoDaemonNetwork *self;

  g_return_val_if_fail (VIREO_IS_DAEMON (daemon), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  self = g_object_new (VIREO_TYPE_DAEMON_NETWORK, NULL);
  self->daemon = daemon;
  vireo_dbus_network_set_uuid (VIREO_DBUS_NETWORK (self), uuid);
  return self;
}

guint64
vireo_daemon_network_get_seq (VireoDaemonNetwork *self)
{
  g_return_val_if_fail (VIREO_IS_DAEMON_NETWORK (self), 0);

  return self->seq;
}

static const char *const *
strv_of (GPtrArray *array)
{
  /* The facts' arrays have no NULL at their end; the properties want one. */
  if (array->len == 0 || array->pdata[array->len - 1] != NULL)
    g_ptr_array_add (array, NULL);
  return (const char *const *) array->pdata;
}

/**
 * vireo_daemon_network_update:
 * @facts: what the network is now
 * @seq: when @facts were asked for
 *
 * Sets the properties; GDBus emits one PropertiesChanged for those that changed.
 */
void
vireo_daemon_network_update (VireoDaemonNetwork *self,
                             VireoNetworkFacts  *facts,
                             guint64             seq)
{
  VireoDBusNetwork *network = VIREO_DBUS_NETWORK (self);
  GVariantBuilder ranges;

  g_return_if_fail (VIREO_IS_DAEMON_NETWORK (self));
  g_return_if_fail (facts != NULL);

  self->seq = seq;

  g_variant_builder_init (&ranges, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i + 1 < facts->dhcp_ranges->len; i += 2)
    {
      const char *first = g_ptr_array_index (facts->dhcp_ranges, i);
      const char *last = g_ptr_array_index (facts->dhcp_ranges, i + 1);

      if (first != NULL && last != NULL)
        g_variant_builder_add (&ranges, "(ss)", first, last);
    }

  g_object_freeze_notify (G_OBJECT (self));
  vireo_dbus_network_set_name (network, facts->name);
  vireo_dbus_network_set_mode (network, facts->mode);
  vireo_dbus_network_set_active (network, facts->active);
  vireo_dbus_network_set_autostart (network, facts->autostart);
  vireo_dbus_network_set_persistent (network, facts->persistent);
  vireo_dbus_network_set_bridge (network, facts->bridge);
  vireo_dbus_network_set_forward_dev (network, facts->forward_dev);
  vireo_dbus_network_set_ipv4 (network, strv_of (facts->ipv4));
  vireo_dbus_network_set_ipv6 (network, strv_of (facts->ipv6));
  vireo_dbus_network_set_dhcp_ranges (network, g_variant_builder_end (&ranges));
  vireo_dbus_network_set_domain (network, facts->domain);
  g_object_thaw_notify (G_OBJECT (self));
}
