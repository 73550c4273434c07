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

/* What an operating system has drivers for, from its libosinfo entry and those it derives
 * from: what a new machine for it is built with (vireo-machine-spec.c). */
typedef enum {
  VIREO_OS_VIRTIO_BLOCK = 1 << 0,   /* virtio-block or virtio1.0-block */
  VIREO_OS_VIRTIO_NET   = 1 << 1,
  VIREO_OS_VIRTIO_RNG   = 1 << 2,
  VIREO_OS_E1000E       = 1 << 3,
  VIREO_OS_ICH9_HDA     = 1 << 4,   /* the q35 sound card */
  VIREO_OS_Q35          = 1 << 5,
  VIREO_OS_VIRTIO_GPU   = 1 << 6,
} VireoOsDevices;

VireoOsNames *vireo_os_names_load   (const char    *system_dir,
                                     GError       **error);
char         *vireo_os_names_lookup (VireoOsNames  *self,
                                     const char    *os_id);
gboolean      vireo_os_names_get_devices (VireoOsNames   *self,
                                          const char     *os_id,
                                          VireoOsDevices *devices);
guint         vireo_os_names_size   (VireoOsNames  *self);
void          vireo_os_names_free   (VireoOsNames  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoOsNames, vireo_os_names_free)

G_END_DECLS
