/* vireo-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-dbus-generated.h"
#include "vireo-host-interface.h"
#include "vireo-machine.h"
#include "vireo-network.h"

G_BEGIN_DECLS

#define VIREO_TYPE_CLIENT (vireo_client_get_type ())
G_DECLARE_FINAL_TYPE (VireoClient, vireo_client, VIREO, CLIENT, GObject)

/**
 * VireoClientState:
 * @VIREO_CLIENT_CONNECTING: looking for the helper
 * @VIREO_CLIENT_READY: the helper serves the machines of a live libvirtd
 * @VIREO_CLIENT_NO_HELPER: nobody owns org.vireo.Hypervisor1
 * @VIREO_CLIENT_NO_LIBVIRT: the helper runs but cannot reach libvirtd
 */
typedef enum {
  VIREO_CLIENT_CONNECTING,
  VIREO_CLIENT_READY,
  VIREO_CLIENT_NO_HELPER,
  VIREO_CLIENT_NO_LIBVIRT,
} VireoClientState;

VireoClient        *vireo_client_new                 (GBusType              bus_type);
VireoClient        *vireo_client_new_for_connection  (GDBusConnection      *connection);
void                vireo_client_start               (VireoClient          *self);
void                vireo_client_retry               (VireoClient          *self);
VireoClientState    vireo_client_get_state           (VireoClient          *self);
const char         *vireo_client_get_problem         (VireoClient          *self);
GListModel         *vireo_client_get_machines        (VireoClient          *self);
VireoDBusManager   *vireo_client_get_manager         (VireoClient          *self);
VireoDBusMachine   *vireo_client_lookup_machine      (VireoClient          *self,
                                                      const char           *object_path);
VireoDBusMachine   *vireo_client_find_machine        (VireoClient          *self,
                                                      const char           *name_or_uuid);
GStrv               vireo_client_dup_machine_names   (VireoClient          *self);
GDBusObjectManager *vireo_client_get_object_manager  (VireoClient          *self);
VireoDBusJob       *vireo_client_find_job            (VireoClient          *self,
                                                      const char           *target);
VireoDBusJob       *vireo_client_find_job_for        (VireoClient          *self,
                                                      const char           *operation,
                                                      const char           *target);
GPtrArray          *vireo_client_dup_networks        (VireoClient          *self);
VireoDBusNetwork   *vireo_client_find_network        (VireoClient          *self,
                                                      const char           *name_or_uuid);

void                vireo_client_list_host_interfaces_async  (VireoClient          *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
GPtrArray          *vireo_client_list_host_interfaces_finish (VireoClient          *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
void                vireo_client_create_network_async  (VireoClient          *self,
                                                        GVariant             *spec,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char               *vireo_client_create_network_finish (VireoClient          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                vireo_client_create_bridge_async   (VireoClient          *self,
                                                        const char           *name,
                                                        const char *const    *ports,
                                                        gboolean              stp,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean            vireo_client_create_bridge_finish  (VireoClient          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                vireo_client_delete_bridge_async   (VireoClient          *self,
                                                        const char           *name,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean            vireo_client_delete_bridge_finish  (VireoClient          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

G_END_DECLS
