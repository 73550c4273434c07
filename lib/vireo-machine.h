/* vireo-machine.h
 *
 * Typed calls on one machine: each a GTask pair over the generated proxy's _call_ function.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-dbus-generated.h"
#include "vireo-machine-state.h"

G_BEGIN_DECLS

VireoMachineState  vireo_machine_get_state             (VireoDBusMachine     *machine);
const char        *vireo_machine_get_display_name      (VireoDBusMachine     *machine);
gboolean           vireo_machine_matches               (VireoDBusMachine     *machine,
                                                        const char           *name_or_uuid);

void               vireo_machine_run_async             (VireoDBusMachine     *machine,
                                                        VireoMachineAction    action,
                                                        GVariant             *options,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           vireo_machine_run_finish            (VireoDBusMachine     *machine,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void               vireo_machine_get_xml_async         (VireoDBusMachine     *machine,
                                                        gboolean              inactive,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char              *vireo_machine_get_xml_finish        (VireoDBusMachine     *machine,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void               vireo_machine_open_console_async    (VireoDBusMachine     *machine,
                                                        const char           *protocol,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
int                vireo_machine_open_console_finish   (VireoDBusMachine     *machine,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void               vireo_machine_open_serial_async     (VireoDBusMachine     *machine,
                                                        gboolean              force,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
int                vireo_machine_open_serial_finish    (VireoDBusMachine     *machine,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* Network interfaces */

/**
 * VireoNic:
 * @mac: its MAC address
 * @type: "network", "bridge", "direct", "user" or "other"
 * @source: the libvirt network, host bridge or host interface, or ""
 * @model: "virtio", "e1000e", …, or "" (the hypervisor's default)
 * @link_up: the cable is in
 * @addresses: the guest's addresses ("10.77.8.23/24"), known while it runs
 *
 * One entry of the Nics property.
 */
typedef struct {
  char     *mac;
  char     *type;
  char     *source;
  char     *model;
  gboolean  link_up;
  GStrv     addresses;
} VireoNic;

#define VIREO_TYPE_NIC (vireo_nic_get_type ())
GType              vireo_nic_get_type                  (void) G_GNUC_CONST;
void               vireo_nic_free                      (VireoNic             *nic);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNic, vireo_nic_free)

GPtrArray         *vireo_machine_dup_nics              (VireoDBusMachine     *machine);
void               vireo_machine_add_nic_async         (VireoDBusMachine     *machine,
                                                        GVariant             *spec,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           vireo_machine_add_nic_finish        (VireoDBusMachine     *machine,
                                                        GAsyncResult         *result,
                                                        char                **mac,
                                                        gboolean             *now,
                                                        GError              **error);
void               vireo_machine_remove_nic_async      (VireoDBusMachine     *machine,
                                                        const char           *mac,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           vireo_machine_remove_nic_finish     (VireoDBusMachine     *machine,
                                                        GAsyncResult         *result,
                                                        gboolean             *now,
                                                        GError              **error);
void               vireo_machine_update_nic_async      (VireoDBusMachine     *machine,
                                                        const char           *mac,
                                                        GVariant             *changes,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           vireo_machine_update_nic_finish     (VireoDBusMachine     *machine,
                                                        GAsyncResult         *result,
                                                        gboolean             *now,
                                                        GError              **error);

G_END_DECLS
