/* vireo-daemon-manager.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-daemon.h"
#include "vireo-dbus-generated.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DAEMON_MANAGER (vireo_daemon_manager_get_type ())
G_DECLARE_FINAL_TYPE (VireoDaemonManager, vireo_daemon_manager, VIREO, DAEMON_MANAGER, VireoDBusManagerSkeleton)

VireoDaemonManager *vireo_daemon_manager_new (VireoDaemon *daemon);

G_END_DECLS
