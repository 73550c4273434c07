/* vireo-networks-window.h
 *
 * The host's networks: libvirt's virtual networks, with the machines on each and their
 * addresses, and the host's interfaces, which a wired one can be shared with machines through
 * (a bridge).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NETWORKS_WINDOW (vireo_networks_window_get_type ())

G_DECLARE_FINAL_TYPE (VireoNetworksWindow, vireo_networks_window, VIREO, NETWORKS_WINDOW, AdwWindow)

GtkWidget *vireo_networks_window_new (GtkWindow   *parent,
                                      VireoClient *client) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
