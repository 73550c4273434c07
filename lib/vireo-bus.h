/* vireo-bus.h
 *
 * Where the helper lives on the bus: its name and its object paths. Written here once, for
 * the helper, the app, vireo-viewer and vireoctl.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIREO_BUS_NAME            "org.vireo.Hypervisor1"
#define VIREO_OBJECT_MANAGER_PATH "/org/vireo/Hypervisor1"
#define VIREO_MANAGER_PATH        "/org/vireo/Hypervisor1/Manager"
#define VIREO_MACHINES_PATH       "/org/vireo/Hypervisor1/machines"
#define VIREO_JOBS_PATH           "/org/vireo/Hypervisor1/jobs"
#define VIREO_NETWORKS_PATH       "/org/vireo/Hypervisor1/networks"

char *vireo_machine_path_for_uuid (const char *uuid) G_GNUC_WARN_UNUSED_RESULT;
char *vireo_network_path_for_uuid (const char *uuid) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
