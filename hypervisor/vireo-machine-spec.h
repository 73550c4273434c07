/* vireo-machine-spec.h
 *
 * What CreateMachine is asked for, validated, and the domain XML built from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-libvirt-compat.h"
#include "vireo-express.h"
#include "vireo-os-names.h"

G_BEGIN_DECLS

#define VIREO_NAME_MAX_CHARS   64
#define VIREO_TITLE_MAX_CHARS  256
#define VIREO_MIN_MEMORY_MIB   16
#define VIREO_MAX_DISK_GIB     (64 * 1024)
#define VIREO_PCIE_ROOT_PORTS  14    /* pcie-root-ports of a new q35 machine, as virt-install
                                       * gives: its devices take up to 7, the rest are free for
                                       * hot-plug */

typedef struct {
  char     *name;
  char     *title;
  guint64   memory_mib;
  guint     vcpus;
  char     *iso;        /* as given: absolute, no "..": resolved later as the caller */
  guint64   disk_gib;   /* 0: no disk */
  gboolean  spice;
  gboolean  vnc;
  char     *os_id;      /* a libosinfo id, or NULL: checked against the database later */
  char     *network;    /* a libvirt network for the one NIC, or NULL for none */
  gboolean  efi;        /* UEFI firmware (OVMF) rather than BIOS */
  gboolean  secure_boot;  /* with Secure Boot and Microsoft's keys enrolled (efi only) */
  gboolean  tpm;        /* an emulated TPM 2.0 (swtpm) */
  gboolean  pxe;        /* boots from the network first (needs a network) */
  char     *import;     /* a disk image to copy in as its disk: as given, resolved as the caller */
  VireoExpress *express;  /* an express installation's settings (validated), or NULL */
  char     *location;   /* an installation tree's URL (validated), or NULL */
  char     *iso_volume; /* a volume of the default pool, used in place as the CD-ROM, or NULL */
} VireoMachineSpec;

/* Where and how the machine runs: facts of the host, not of the request. */
typedef struct {
  GVirConfigDomainVirtType  virt_type;
  const char               *arch;         /* "x86_64" */
  const char               *machine;      /* "q35", or NULL for the driver's default */
  const char               *disk_path;    /* the new volume, or NULL */
  const char               *disk_format;  /* its format: "qcow2" (NULL) or "raw" */
  const char               *iso_path;     /* resolved ISO path, or NULL */
  gboolean                  iso_shared;   /* a link to the user's file: never relabelled */
  VireoOsDevices            os_devices;   /* what the spec's OS has drivers for */
  /* An express installation's install phase (vireo-install.c), or all NULL: */
  const char               *kernel_path;  /* the installer's kernel, booted directly */
  const char               *initrd_path;  /* its initrd, with the script */
  const char               *cmdline;
  const char               *script_iso_path;  /* the script's CD-ROM */
} VireoMachineTarget;

gboolean          vireo_validate_name                 (const char              *name,
                                                       GError                 **error);
gboolean          vireo_validate_title                (const char              *title,
                                                       GError                 **error);
gboolean          vireo_machine_spec_virtio_disk      (const VireoMachineSpec  *spec,
                                                       VireoOsDevices           os_devices);
const char       *vireo_machine_spec_nic_model        (gboolean                 os_named,
                                                       VireoOsDevices           os_devices);
gboolean          vireo_validate_absolute_path        (const char              *path,
                                                       GError                 **error);
VireoMachineSpec *vireo_machine_spec_new_from_variant (GVariant                *spec,
                                                       GError                 **error);
gboolean          vireo_machine_spec_check_host       (const VireoMachineSpec  *spec,
                                                       guint64                  host_memory_mib,
                                                       guint                    host_cpus,
                                                       GError                 **error);
GVirConfigDomain *vireo_machine_spec_to_config        (const VireoMachineSpec  *spec,
                                                       const VireoMachineTarget *target);
char             *vireo_machine_spec_to_xml           (const VireoMachineSpec  *spec,
                                                       const VireoMachineTarget *target);
void              vireo_machine_spec_free             (VireoMachineSpec        *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoMachineSpec, vireo_machine_spec_free)

G_END_DECLS
