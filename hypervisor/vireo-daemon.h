/* vireo-daemon.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-host.h"
#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DAEMON (vireo_daemon_get_type ())
G_DECLARE_FINAL_TYPE (VireoDaemon, vireo_daemon, VIREO, DAEMON, GObject)

VireoDaemon *vireo_daemon_new   (GDBusConnection *connection,
                                 const char      *libvirt_uri,
                                 VireoAccelMode   accel_mode);
gboolean     vireo_daemon_start (VireoDaemon     *self,
                                 GError         **error);

G_END_DECLS
