/* vireo-network-dialog.h
 *
 * Makes a virtual network: name, kind, addresses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NETWORK_DIALOG (vireo_network_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VireoNetworkDialog, vireo_network_dialog, VIREO, NETWORK_DIALOG, AdwWindow)

GtkWidget *vireo_network_dialog_new (GtkWindow   *parent,
                                     VireoClient *client) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
