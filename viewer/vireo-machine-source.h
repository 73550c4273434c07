/* vireo-machine-source.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-console-source.h"
#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_MACHINE_SOURCE (vireo_machine_source_get_type ())
G_DECLARE_FINAL_TYPE (VireoMachineSource, vireo_machine_source, VIREO, MACHINE_SOURCE, GObject)

VireoMachineSource *vireo_machine_source_new         (VireoDBusMachine   *machine);
VireoDBusMachine   *vireo_machine_source_get_machine (VireoMachineSource *self);

G_END_DECLS
