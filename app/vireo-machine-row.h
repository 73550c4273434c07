/* vireo-machine-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_MACHINE_ROW (vireo_machine_row_get_type ())
G_DECLARE_FINAL_TYPE (VireoMachineRow, vireo_machine_row, VIREO, MACHINE_ROW, GtkBox)

GtkWidget        *vireo_machine_row_new         (void) G_GNUC_WARN_UNUSED_RESULT;
VireoDBusMachine *vireo_machine_row_get_machine (VireoMachineRow  *self);
void              vireo_machine_row_set_machine (VireoMachineRow  *self,
                                                 VireoDBusMachine *machine);
void              vireo_machine_row_set_thumbnail (VireoMachineRow *self,
                                                   GdkPaintable    *thumbnail);

G_END_DECLS
