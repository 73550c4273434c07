/* vireo-new-machine-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NEW_MACHINE_DIALOG (vireo_new_machine_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoNewMachineDialog, vireo_new_machine_dialog, VIREO, NEW_MACHINE_DIALOG, AdwWindow)

VireoNewMachineDialog *vireo_new_machine_dialog_new        (GtkWindow             *parent,
                                                            VireoClient           *client);
void                   vireo_new_machine_dialog_use_medium (VireoNewMachineDialog *self,
                                                            GFile                 *file);
void                   vireo_new_machine_dialog_use_disk   (VireoNewMachineDialog *self,
                                                            GFile                 *file);

G_END_DECLS
