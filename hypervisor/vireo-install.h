/* vireo-install.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-express.h"

G_BEGIN_DECLS

#define VIREO_NS         "https://vireo.org/xmlns/libvirt/domain/1"
#define VIREO_NS_PREFIX  "vireo"

/* An express installation, ready to go into a new machine: the generated script, and how it
 * reaches the installer. Holds the passwords (in @script): wiped when freed. */
typedef struct {
  char                               *os_id;
  char                               *script_id;
  OsinfoInstallScriptInjectionMethod  method;     /* INITRD or CDROM */
  char                               *filename;   /* "preseed.cfg", "autounattend.xml" */
  char                               *script;     /* the generated text */
  char                               *cmdline;    /* the kernel's, for INITRD; else NULL */
  char                               *kernel_path;  /* on the medium, for INITRD */
  char                               *initrd_path;
} VireoInstallPlan;

VireoInstallPlan *vireo_install_plan_new        (const char         *os_id,
                                                 const char         *iso,
                                                 const VireoExpress *express,
                                                 gboolean            virtio_disk,
                                                 GCancellable       *cancellable,
                                                 GError            **error);
void              vireo_install_plan_free       (VireoInstallPlan   *plan);
gboolean          vireo_install_build_initrd    (VireoInstallPlan   *plan,
                                                 const char         *iso,
                                                 GBytes            **kernel,
                                                 GBytes            **initrd,
                                                 GError            **error);
GBytes           *vireo_install_build_script_iso (VireoInstallPlan  *plan,
                                                 GError            **error);
char             *vireo_install_finish_xml      (const char         *xml,
                                                 GPtrArray          *volumes,
                                                 gboolean           *restart);
gboolean          vireo_install_fetch_tree      (const char         *url,
                                                 GBytes            **kernel,
                                                 GBytes            **initrd,
                                                 GCancellable       *cancellable,
                                                 GError            **error);
char             *vireo_install_tree_cmdline    (const char         *url,
                                                 const char         *os_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoInstallPlan, vireo_install_plan_free)

G_END_DECLS
