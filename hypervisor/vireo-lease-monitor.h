/* vireo-lease-monitor.h
 *
 * The DHCP lease files of libvirt's networks, watched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VIREO_LEASE_DIR "/var/lib/libvirt/dnsmasq"

#define VIREO_TYPE_LEASE_MONITOR (vireo_lease_monitor_get_type ())
G_DECLARE_FINAL_TYPE (VireoLeaseMonitor, vireo_lease_monitor, VIREO, LEASE_MONITOR, GObject)

VireoLeaseMonitor *vireo_lease_monitor_new    (const char        *dir);
gboolean           vireo_lease_monitor_ensure (VireoLeaseMonitor *self);

G_END_DECLS
