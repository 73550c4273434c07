/* vireo-daemon-nic.h
 *
 * Machine.AddNic, RemoveNic and UpdateNic, for vireo-daemon-machine.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-daemon-machine.h"

G_BEGIN_DECLS

gboolean _vireo_daemon_nic_handle_add    (VireoDaemonMachine    *self,
                                          VireoDaemon           *daemon,
                                          GDBusMethodInvocation *invocation,
                                          GVariant              *spec,
                                          GVariant              *options);
gboolean _vireo_daemon_nic_handle_remove (VireoDaemonMachine    *self,
                                          GDBusMethodInvocation *invocation,
                                          const char            *mac,
                                          GVariant              *options);
gboolean _vireo_daemon_nic_handle_update (VireoDaemonMachine    *self,
                                          GDBusMethodInvocation *invocation,
                                          const char            *mac,
                                          GVariant              *changes,
                                          GVariant              *options);

G_END_DECLS
