/* vireo-daemon-machine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-call.h"
#include "vireo-daemon.h"
#include "vireo-dbus-generated.h"
#include "vireo-domain-facts.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DAEMON_MACHINE (vireo_daemon_machine_get_type ())
G_DECLARE_FINAL_TYPE (VireoDaemonMachine, vireo_daemon_machine, VIREO, DAEMON_MACHINE, VireoDBusMachineSkeleton)

VireoDaemonMachine *vireo_daemon_machine_new    (VireoDaemon        *daemon,
                                                 const char         *uuid);
void                vireo_daemon_machine_update (VireoDaemonMachine *self,
                                                 VireoDomainFacts   *facts,
                                                 guint64             seq);
guint64             vireo_daemon_machine_get_seq (VireoDaemonMachine *self);
gboolean            vireo_daemon_machine_update_os_name (VireoDaemonMachine *self);
void                vireo_daemon_machine_set_agent_addresses (VireoDaemonMachine *self,
                                                              GHashTable         *addresses);
gboolean            vireo_daemon_machine_uses_network (VireoDaemonMachine *self,
                                                       const char         *network);

/* Directory-private: shared with vireo-daemon-nic.c. */
VireoCall          *_vireo_daemon_machine_begin_call (VireoDaemonMachine    *self,
                                                      GDBusMethodInvocation *invocation,
                                                      GVariant              *options,
                                                      const VireoOptionSpec *known_options,
                                                      VireoCallFunc          func);

G_END_DECLS
