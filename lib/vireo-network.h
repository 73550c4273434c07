/* vireo-network.h
 *
 * Calls on a virtual network (org.vireo.Hypervisor1.Network), as the app makes them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-dbus-generated.h"

G_BEGIN_DECLS

void      vireo_network_start_async            (VireoDBusNetwork     *network,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean  vireo_network_start_finish           (VireoDBusNetwork     *network,
                                                GAsyncResult         *result,
                                                GError              **error);
void      vireo_network_stop_async             (VireoDBusNetwork     *network,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean  vireo_network_stop_finish            (VireoDBusNetwork     *network,
                                                GAsyncResult         *result,
                                                GError              **error);
void      vireo_network_delete_async           (VireoDBusNetwork     *network,
                                                gboolean              force,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean  vireo_network_delete_finish          (VireoDBusNetwork     *network,
                                                GAsyncResult         *result,
                                                GError              **error);
void      vireo_network_set_autostart_async    (VireoDBusNetwork     *network,
                                                gboolean              autostart,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean  vireo_network_set_autostart_finish   (VireoDBusNetwork     *network,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
