/* vireo-host-interface.h
 *
 * The host's network interfaces as ListHostInterfaces says them, read once for every client
 * (the Networks window, the NIC dialog, vireoctl).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * VireoHostInterface:
 * @name: its name ("eth0")
 * @kind: "ethernet", "wifi", "bridge", "bond", "vlan" or "virtual"
 * @up: administratively up
 * @carrier: a cable or a signal
 * @mac: its MAC address, or ""
 * @addresses: its addresses with prefix ("192.0.2.5/24"), link-local ones aside
 * @master: the bridge or bond it is a port of, or ""
 * @ports: a bridge's or a bond's ports
 * @libvirt_network: the libvirt network whose bridge it is, or ""
 * @vireo_bridge: made by CreateBridge, which DeleteBridge can undo
 * @bridgeable: CreateBridge takes it as a port
 * @why_not: when not bridgeable, a sentence saying why, or ""
 * @networkmanager: NetworkManager manages it
 * @details: the details as the helper sent them (a{sv}), keys above and any newer ones
 *
 * One entry of ListHostInterfaces' answer.
 */
typedef struct {
  char     *name;
  char     *kind;
  gboolean  up;
  gboolean  carrier;
  char     *mac;
  GStrv     addresses;
  char     *master;
  GStrv     ports;
  char     *libvirt_network;
  gboolean  vireo_bridge;
  gboolean  bridgeable;
  char     *why_not;
  gboolean  networkmanager;
  GVariant *details;
} VireoHostInterface;

#define VIREO_TYPE_HOST_INTERFACE (vireo_host_interface_get_type ())
GType               vireo_host_interface_get_type  (void) G_GNUC_CONST;
VireoHostInterface *vireo_host_interface_new       (GVariant                 *entry);
VireoHostInterface *vireo_host_interface_copy      (const VireoHostInterface *iface);
void                vireo_host_interface_free      (VireoHostInterface       *iface);
gboolean            vireo_host_interface_equal     (const VireoHostInterface *a,
                                                    const VireoHostInterface *b);
GPtrArray          *vireo_host_interfaces_new      (GVariant                 *interfaces);
gboolean            vireo_host_interfaces_equal    (GPtrArray                *a,
                                                    GPtrArray                *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoHostInterface, vireo_host_interface_free)

G_END_DECLS
