/* vireo-network-mirror.h
 *
 * One Network object per libvirt network, kept in step with libvirt's network events.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-daemon.h"
#include "vireo-network-spec.h"
#include "vireo-object-manager.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NETWORK_MIRROR (vireo_network_mirror_get_type ())
G_DECLARE_FINAL_TYPE (VireoNetworkMirror, vireo_network_mirror, VIREO, NETWORK_MIRROR, GObject)

VireoNetworkMirror *vireo_network_mirror_new         (VireoDaemon         *daemon,
                                                      VireoConnection     *connection,
                                                      VireoObjectManager  *object_manager);
void                vireo_network_mirror_apply       (VireoNetworkMirror  *self,
                                                      const char          *uuid,
                                                      VireoNetworkFacts   *facts,
                                                      guint64              seq);
void                vireo_network_mirror_refresh     (VireoNetworkMirror  *self,
                                                      const char          *uuid);
void                vireo_network_mirror_clear       (VireoNetworkMirror  *self);
guint               vireo_network_mirror_get_n_networks (VireoNetworkMirror *self);
const char         *vireo_network_mirror_name_for_bridge (VireoNetworkMirror *self,
                                                          const char         *bridge);
void                vireo_network_mirror_sync_async  (VireoNetworkMirror  *self,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean            vireo_network_mirror_sync_finish (VireoNetworkMirror  *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
