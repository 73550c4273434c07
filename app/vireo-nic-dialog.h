/* vireo-nic-dialog.h
 *
 * Adds a network interface to a machine, or changes or removes one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NIC_DIALOG (vireo_nic_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VireoNicDialog, vireo_nic_dialog, VIREO, NIC_DIALOG, AdwWindow)

GtkWidget *vireo_nic_dialog_new (GtkWindow        *parent,
                                 VireoClient      *client,
                                 VireoDBusMachine *machine,
                                 const char       *mac) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
