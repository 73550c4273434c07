/* vireo-host.h
 *
 * Facts of the host that libvirt does not say: whether KVM really works, and which CPU
 * this is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VIREO_ACCEL_AUTO,
  VIREO_ACCEL_KVM,
  VIREO_ACCEL_TCG,
} VireoAccelMode;

typedef struct {
  gboolean  dev_kvm_exists;
  gboolean  dev_kvm_usable;   /* opened read-write */
  char     *kvm_module;       /* "kvm_intel" or "kvm_amd", or NULL */
  char     *other_module;     /* another module behind /dev/kvm ("kvm_pvm"), or NULL */
} VireoKvmProbe;

gboolean  vireo_accel_mode_parse  (const char          *text,
                                   VireoAccelMode      *mode);
void      vireo_kvm_probe_read    (VireoKvmProbe       *probe,
                                   const char          *sys_module_dir,
                                   const char          *dev_kvm);
void      vireo_kvm_probe_clear   (VireoKvmProbe       *probe);
gboolean  vireo_accel_choose      (VireoAccelMode       mode,
                                   const VireoKvmProbe *probe,
                                   char               **reason);
char     *vireo_host_cpu_model    (void);

G_END_DECLS
