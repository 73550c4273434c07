/* vireo-object-manager.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VIREO_TYPE_OBJECT_MANAGER (vireo_object_manager_get_type ())
G_DECLARE_FINAL_TYPE (VireoObjectManager, vireo_object_manager, VIREO, OBJECT_MANAGER, GObject)

VireoObjectManager *vireo_object_manager_new            (GDBusConnection        *connection,
                                                         const char             *root_path,
                                                         GError                **error);
void                vireo_object_manager_export         (VireoObjectManager     *self,
                                                         const char             *path,
                                                         GDBusInterfaceSkeleton *skeleton);
void                vireo_object_manager_changed        (VireoObjectManager     *self,
                                                         const char             *path);
void                vireo_object_manager_unexport       (VireoObjectManager     *self,
                                                         const char             *path);
guint               vireo_object_manager_get_n_objects  (VireoObjectManager     *self);

G_END_DECLS
