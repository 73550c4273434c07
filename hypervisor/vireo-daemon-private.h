/* vireo-daemon-private.h
 *
 * What the daemon's D-Bus objects share with it. Only hypervisor/ includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-call.h"
#include "vireo-connection.h"
#include "vireo-daemon.h"
#include "vireo-domain-facts.h"
#include "vireo-libvirt.h"
#include "vireo-mirror.h"
#include "vireo-network-mirror.h"
#include "vireo-object-manager.h"
#include "vireo-os-names.h"

G_BEGIN_DECLS

VireoConnection *_vireo_daemon_get_connection       (VireoDaemon *self);
VireoMirror     *_vireo_daemon_get_mirror           (VireoDaemon *self);
VireoNetworkMirror *_vireo_daemon_get_network_mirror (VireoDaemon *self);
VireoObjectManager *_vireo_daemon_get_object_manager (VireoDaemon *self);
const char      *_vireo_daemon_get_connection_error (VireoDaemon *self);
char            *_vireo_daemon_get_os_name          (VireoDaemon *self,
                                                     const char  *os_id);
void             _vireo_daemon_get_os_devices_async  (VireoDaemon         *self,
                                                      const char          *os_id,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         _vireo_daemon_get_os_devices_finish (VireoDaemon     *self,
                                                      GAsyncResult    *result,
                                                      VireoOsDevices  *devices,
                                                      GError         **error);

G_END_DECLS
