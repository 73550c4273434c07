/* vireo-host-interfaces.c
 *
 * ListHostInterfaces: the links netlink lists, their kind from sysfs (wireless, bridge,
 * bonding, the device behind them), their addresses, and what NetworkManager and libvirt
 * make of them. lo and the taps libvirt makes for guests are left out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-host-interfaces"

#include "config.h"

#include <glib/gi18n.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "vireo-host-interfaces.h"

#define NM_NAME "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"

void
vireo_host_iface_info_free (VireoHostIfaceInfo *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->name);
  g_free (iface->kind);
  g_free (iface->info_kind);
  g_free (iface->mac);
  g_strfreev (iface->addresses);
  g_free (iface->master);
  g_strfreev (iface->ports);
  g_free (iface->libvirt_network);
  g_free (iface->why_not);
  g_free (iface);
}

static gboolean
sys_exists (const char *sys_class_net,
            const char *name,
            const char *entry)
{
  g_autofree char *path = g_build_filename (sys_class_net, name, entry, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
sys_read (const char *sys_class_net,
          const char *name,
          const char *entry)
{
  g_autofree char *path = g_build_filename (sys_class_net, name, entry, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strstrip (contents);
}

static gboolean
name_is_numbered (const char *name,
                  const char *prefix)
{
  const char *p;

  if (!g_str_has_prefix (name, prefix) || name[strlen (prefix)] == '\0')
    return FALSE;
  for (p = name + strlen (prefix); *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/**
 * vireo_host_interface_kind:
 * @sys_class_net: "/sys/class/net", or a fake one in tests
 * @info_kind: (nullable): netlink's IFLA_INFO_KIND
 * @arp_type: the link's ARPHRD_* type
 * @hidden: (out): set to whether ListHostInterfaces leaves it out (lo, guests' taps)
 *
 * Returns: the interface's kind: "ethernet", "wifi", "bridge", "bond", "vlan" or "virtual"
 */
const char *
vireo_host_interface_kind (const char *sys_class_net,
                           const char *name,
                           const char *info_kind,
                           guint       arp_type,
                           gboolean   *hidden)
{
  g_autofree char *tun_flags = sys_read (sys_class_net, name, "tun_flags");
  g_autofree char *uevent = sys_read (sys_class_net, name, "uevent");
  g_autofree char *devtype = NULL;

  if (uevent != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (uevent, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "DEVTYPE="))
          devtype = g_strdup (lines[i] + strlen ("DEVTYPE="));
    }

  *hidden = g_str_equal (name, "lo") || arp_type == ARPHRD_LOOPBACK
            || name_is_numbered (name, "vnet") || name_is_numbered (name, "macvtap")
            || g_strcmp0 (info_kind, "macvtap") == 0
            || (tun_flags != NULL && (g_ascii_strtoull (tun_flags, NULL, 0) & IFF_TAP) != 0);

  if (sys_exists (sys_class_net, name, "wireless") || sys_exists (sys_class_net, name, "phy80211")
      || g_strcmp0 (devtype, "wlan") == 0)
    return "wifi";
  if (sys_exists (sys_class_net, name, "bridge") || g_strcmp0 (info_kind, "bridge") == 0)
    return "bridge";
  if (sys_exists (sys_class_net, name, "bonding") || g_strcmp0 (info_kind, "bond") == 0)
    return "bond";
  if (g_strcmp0 (info_kind, "vlan") == 0 || g_strcmp0 (devtype, "vlan") == 0)
    return "vlan";
  if (info_kind == NULL && arp_type == ARPHRD_ETHER && sys_exists (sys_class_net, name, "device"))
    return "ethernet";
  return "virtual";
}

/* NetworkManager: -1 when it does not run, else whether it manages @iface. */
int
vireo_nm_device_managed (GDBusConnection  *bus,
                         const char       *iface,
                         char            **device_path)
{
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) device = NULL;
  g_autoptr(GVariant) managed = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner = FALSE;
  const char *path;

  if (bus == NULL)
    return -1;
  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "NameHasOwner", g_variant_new ("(s)", NM_NAME), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (owned != NULL)
    g_variant_get (owned, "(b)", &has_owner);
  if (!has_owner)
    return -1;

  device = g_dbus_connection_call_sync (bus, NM_NAME, NM_PATH, NM_NAME, "GetDeviceByIpIface",
                                        g_variant_new ("(s)", iface), G_VARIANT_TYPE ("(o)"),
                                        G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  if (device == NULL)
    return 0;
  g_variant_get (device, "(&o)", &path);
  managed = g_dbus_connection_call_sync (bus, NM_NAME, path, "org.freedesktop.DBus.Properties", "Get",
                                         g_variant_new ("(ss)", NM_NAME ".Device", "Managed"),
                                         G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL,
                                         &error);
  if (managed == NULL)
    return 0;
  if (device_path != NULL)
    *device_path = g_strdup (path);
  {
    g_autoptr(GVariant) value = NULL;

    g_variant_get (managed, "(v)", &value);
    return g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (value) ? 1 : 0;
  }
}

static const char *
link_name (GPtrArray *links,
           int        index)
{
  for (guint i = 0; i < links->len; i++)
    {
      VireoLinkInfo *link = g_ptr_array_index (links, i);

      if (link->index == index)
        return link->name;
    }
  return NULL;
}

static int
compare_interfaces (gconstpointer a,
                    gconstpointer b)
{
  return g_strcmp0 ((*(VireoHostIfaceInfo **) a)->name, (*(VireoHostIfaceInfo **) b)->name);
}

static void
decide_bridgeable (VireoHostIfaceInfo *iface)
{
  if (g_str_equal (iface->kind, "wifi"))
    iface->why_not = g_strdup_printf (_("Wi-Fi (802.11) cannot be a port of a bridge; give machines a macvtap "
                                        "interface on %s instead."), iface->name);
  else if (iface->libvirt_network != NULL)
    iface->why_not = g_strdup_printf (_("%s is the bridge of the libvirt network “%s”."), iface->name,
                                      iface->libvirt_network);
  else if (g_str_equal (iface->kind, "bridge"))
    iface->why_not = g_strdup_printf (_("%s is a bridge itself."), iface->name);
  else if (iface->master != NULL)
    iface->why_not = g_strdup_printf (_("%s is already a port of %s."), iface->name, iface->master);
  else if (g_str_equal (iface->kind, "virtual") && g_strcmp0 (iface->info_kind, "veth") != 0)
    iface->why_not = g_strdup_printf (_("%s is a virtual interface (%s); only wired interfaces can be ports of "
                                        "a bridge."), iface->name, iface->info_kind != NULL ? iface->info_kind : "?");
  iface->bridgeable = iface->why_not == NULL;
}

/**
 * vireo_host_interfaces_read:
 * @libvirt_bridges: (nullable): bridge name → libvirt network name
 * @bus: (nullable): where to ask NetworkManager
 * @bridges_dir: where CreateBridge keeps its records
 *
 * Runs in a worker thread.
 *
 * Returns: (transfer full): #VireoHostIfaceInfo, sorted by name
 */
GPtrArray *
vireo_host_interfaces_read (VireoNetlink     *nl,
                            const char       *sys_class_net,
                            GHashTable       *libvirt_bridges,
                            GDBusConnection  *bus,
                            const char       *bridges_dir,
                            GError          **error)
{
  g_autoptr(GPtrArray) links = vireo_netlink_links (nl, error);
  g_autoptr(GPtrArray) addrs = NULL;
  g_autoptr(GPtrArray) interfaces = NULL;

  if (links == NULL || (addrs = vireo_netlink_addrs (nl, 0, error)) == NULL)
    return NULL;

  interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_host_iface_info_free);
  for (guint i = 0; i < links->len; i++)
    {
      VireoLinkInfo *link = g_ptr_array_index (links, i);
      g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *record = NULL;
      VireoHostIfaceInfo *iface;
      gboolean hidden;
      const char *kind = vireo_host_interface_kind (sys_class_net, link->name, link->info_kind, link->type, &hidden);

      if (hidden)
        continue;

      for (guint a = 0; a < addrs->len; a++)
        {
          VireoAddrInfo *addr = g_ptr_array_index (addrs, a);

          if (addr->index == link->index && addr->scope != RT_SCOPE_LINK && addr->scope != RT_SCOPE_HOST)
            g_ptr_array_add (addresses, g_strdup_printf ("%s/%u", addr->local != NULL ? addr->local : addr->address,
                                                         addr->prefixlen));
        }
      g_ptr_array_add (addresses, NULL);
      for (guint p = 0; p < links->len; p++)
        {
          VireoLinkInfo *port = g_ptr_array_index (links, p);

          if (port->master == link->index)
            g_ptr_array_add (ports, g_strdup (port->name));
        }
      g_ptr_array_add (ports, NULL);

      iface = g_new0 (VireoHostIfaceInfo, 1);
      iface->index = link->index;
      iface->name = g_strdup (link->name);
      iface->kind = g_strdup (kind);
      iface->info_kind = g_strdup (link->info_kind);
      iface->up = (link->flags & IFF_UP) != 0;
      iface->carrier = (link->flags & IFF_LOWER_UP) != 0;
      iface->mac = g_strdup (link->mac);
      iface->addresses = (GStrv) g_ptr_array_free (g_steal_pointer (&addresses), FALSE);
      iface->ports = (GStrv) g_ptr_array_free (g_steal_pointer (&ports), FALSE);
      iface->master = link->master != 0 ? g_strdup (link_name (links, link->master)) : NULL;
      iface->networkmanager = vireo_nm_device_managed (bus, link->name, NULL);
      if (libvirt_bridges != NULL)
        iface->libvirt_network = g_strdup (g_hash_table_lookup (libvirt_bridges, link->name));
      record = g_strdup_printf ("%s/%s.json", bridges_dir, link->name);
      iface->vireo_bridge = g_str_equal (kind, "bridge") && g_file_test (record, G_FILE_TEST_EXISTS);
      decide_bridgeable (iface);
      g_ptr_array_add (interfaces, iface);
    }
  g_ptr_array_sort (interfaces, compare_interfaces);
  return g_steal_pointer (&interfaces);
}

VireoHostIfaceInfo *
vireo_host_interfaces_find (GPtrArray  *interfaces,
                            const char *name)
{
  for (guint i = 0; i < interfaces->len; i++)
    {
      VireoHostIfaceInfo *iface = g_ptr_array_index (interfaces, i);

      if (g_str_equal (iface->name, name))
        return iface;
    }
  return NULL;
}

/* a(ssbba{sv}) */
GVariant *
vireo_host_interfaces_to_variant (GPtrArray *interfaces)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssbba{sv})"));
  for (guint i = 0; i < interfaces->len; i++)
    {
      VireoHostIfaceInfo *iface = g_ptr_array_index (interfaces, i);
      GVariantDict details;

      g_variant_dict_init (&details, NULL);
      if (iface->mac != NULL)
        g_variant_dict_insert (&details, "mac", "s", iface->mac);
      g_variant_dict_insert_value (&details, "addresses", g_variant_new_strv ((const char *const *) iface->addresses, -1));
      if (iface->master != NULL)
        g_variant_dict_insert (&details, "master", "s", iface->master);
      if (g_str_equal (iface->kind, "bridge") || g_str_equal (iface->kind, "bond"))
        g_variant_dict_insert_value (&details, "ports", g_variant_new_strv ((const char *const *) iface->ports, -1));
      if (iface->networkmanager >= 0)
        g_variant_dict_insert (&details, "networkmanager", "b", iface->networkmanager > 0);
      if (iface->libvirt_network != NULL)
        g_variant_dict_insert (&details, "libvirt-network", "s", iface->libvirt_network);
      if (g_str_equal (iface->kind, "bridge"))
        g_variant_dict_insert (&details, "vireo-bridge", "b", iface->vireo_bridge);
      g_variant_dict_insert (&details, "bridgeable", "b", iface->bridgeable);
      if (iface->why_not != NULL)
        g_variant_dict_insert (&details, "why-not", "s", iface->why_not);
      g_variant_builder_add (&builder, "(ssbb@a{sv})", iface->name, iface->kind, iface->up, iface->carrier,
                             g_variant_dict_end (&details));
    }
  return g_variant_builder_end (&builder);
}
