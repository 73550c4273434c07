/* vireo-daemon-network.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-daemon.h"
#include "vireo-dbus-generated.h"
#include "vireo-network-spec.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DAEMON_NETWORK (vireo_daemon_network_get_type ())
G_DECLARE_FINAL_TYPE (VireoDaemonNetwork, vireo_daemon_network, VIREO, DAEMON_NETWORK, VireoDBusNetworkSkeleton)

VireoDaemonNetwork *vireo_daemon_network_new     (VireoDaemon        *daemon,
                                                  const char         *uuid);
guint64             vireo_daemon_network_get_seq (VireoDaemonNetwork *self);
void                vireo_daemon_network_update  (VireoDaemonNetwork *self,
                                                  VireoNetworkFacts  *facts,
                                                  guint64             seq);

G_END_DECLS
