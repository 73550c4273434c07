/* vireo-host-interfaces.h
 *
 * The host's network interfaces as ListHostInterfaces says them, and whether CreateBridge
 * takes each one as a port.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-netlink.h"

G_BEGIN_DECLS

/* One interface, as the helper reads it (libvireo's VireoHostInterface is what clients read
   from the answer). */
typedef struct {
  int        index;
  char      *name;
  char      *kind;             /* "ethernet", "wifi", "bridge", "bond", "vlan", "virtual" */
  char      *info_kind;        /* netlink's ("veth", "bridge"…), or NULL */
  gboolean   up;
  gboolean   carrier;
  char      *mac;              /* or NULL */
  GStrv      addresses;        /* "192.0.2.5/24", link-local ones aside */
  char      *master;           /* or NULL */
  GStrv      ports;            /* a bridge's or bond's */
  int        networkmanager;   /* -1: NetworkManager does not run, else whether it manages it */
  char      *libvirt_network;  /* or NULL */
  gboolean   vireo_bridge;
  gboolean   bridgeable;
  char      *why_not;          /* or NULL */
} VireoHostIfaceInfo;

void        vireo_host_iface_info_free   (VireoHostIfaceInfo *iface);

const char *vireo_host_interface_kind    (const char   *sys_class_net,
                                          const char   *name,
                                          const char   *info_kind,
                                          guint         arp_type,
                                          gboolean     *hidden);

GPtrArray  *vireo_host_interfaces_read   (VireoNetlink     *nl,
                                          const char       *sys_class_net,
                                          GHashTable       *libvirt_bridges,
                                          GDBusConnection  *bus,
                                          const char       *bridges_dir,
                                          GError          **error);
VireoHostIfaceInfo *
            vireo_host_interfaces_find   (GPtrArray    *interfaces,
                                          const char   *name);
GVariant   *vireo_host_interfaces_to_variant (GPtrArray *interfaces);

int         vireo_nm_device_managed      (GDBusConnection  *bus,
                                          const char       *iface,
                                          char            **device_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoHostIfaceInfo, vireo_host_iface_info_free)

G_END_DECLS
