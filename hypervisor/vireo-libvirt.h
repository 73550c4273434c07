/* vireo-libvirt.h
 *
 * libvirt errors and states in Vireo's words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo.h"
#include "vireo-libvirt-compat.h"

G_BEGIN_DECLS

VireoError  vireo_libvirt_error_code      (int          vir_code);
const char *vireo_libvirt_error_hint      (int          vir_code);
void        vireo_libvirt_set_error_full  (GError     **error,
                                           int          vir_code,
                                           const char  *vir_message,
                                           const char  *sentence);
void        vireo_libvirt_set_error       (GError     **error,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (2, 3);
VireoMachineState vireo_libvirt_state     (int          state,
                                           gboolean     has_managed_save);

G_END_DECLS
