/* vireo-mirror.h
 *
 * One Machine object per libvirt domain, kept in step with libvirt.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-daemon.h"
#include "vireo-daemon-machine.h"
#include "vireo-domain-facts.h"
#include "vireo-object-manager.h"

G_BEGIN_DECLS

#define VIREO_TYPE_MIRROR (vireo_mirror_get_type ())
G_DECLARE_FINAL_TYPE (VireoMirror, vireo_mirror, VIREO, MIRROR, GObject)

VireoMirror *vireo_mirror_new            (VireoDaemon         *daemon,
                                          VireoConnection     *connection,
                                          VireoObjectManager  *object_manager);
guint64      vireo_mirror_next_seq       (VireoMirror         *self);
void         vireo_mirror_apply          (VireoMirror         *self,
                                          const char          *uuid,
                                          VireoDomainFacts    *facts,
                                          guint64              seq);
void         vireo_mirror_refresh        (VireoMirror         *self,
                                          const char          *uuid);
void         vireo_mirror_clear          (VireoMirror         *self);
guint        vireo_mirror_get_n_machines (VireoMirror         *self);
VireoDaemonMachine *vireo_mirror_lookup  (VireoMirror         *self,
                                          const char          *uuid);
void         vireo_mirror_refresh_on_network (VireoMirror     *self,
                                              const char      *network);
void         vireo_mirror_update_os_names (VireoMirror        *self);
void         vireo_mirror_sync_async     (VireoMirror         *self,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean     vireo_mirror_sync_finish    (VireoMirror         *self,
                                          GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
