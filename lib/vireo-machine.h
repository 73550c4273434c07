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

G_END_DECLS
