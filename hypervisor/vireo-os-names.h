/* vireo-os-names.h
 *
 * Operating system names, from libosinfo's database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VireoOsNames VireoOsNames;

VireoOsNames *vireo_os_names_load   (const char    *system_dir,
                                     GError       **error);
char         *vireo_os_names_lookup (VireoOsNames  *self,
                                     const char    *os_id);
guint         vireo_os_names_size   (VireoOsNames  *self);
void          vireo_os_names_free   (VireoOsNames  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoOsNames, vireo_os_names_free)

G_END_DECLS
