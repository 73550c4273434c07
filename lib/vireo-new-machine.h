/* vireo-new-machine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-express.h"

G_BEGIN_DECLS

/* What a new machine is made from: the choices of the assistant and of `vireoctl create`,
 * proposed from the medium and the operating system (libosinfo), and turned into the spec of
 * CreateMachine. */
typedef struct {
  char     *name;
  char     *iso;                /* an absolute path, or NULL */
  char     *location;           /* an installation tree's URL, or NULL */
  char     *os_id;              /* a libosinfo id, or NULL for an unknown system */
  char     *os_name;            /* "Debian 11"; NULL for an unknown system */
  char     *os_short_id;        /* "debian11"; NULL for an unknown system */
  gboolean  express;            /* libosinfo can install it unattended from this medium */
  gboolean  express_needs_password;  /* and its script refuses an account without one */
  char     *media_os_id;        /* the system libosinfo read on the medium, or NULL */
  VireoExpress *express_config; /* install it unattended with these settings, or NULL */
  gboolean  media_express;      /* what the medium allows, whichever system is chosen */
  gboolean  media_express_needs_password;
  guint64   memory_mib;
  guint     vcpus;
  guint64   disk_gib;
  char     *firmware;           /* "bios", "efi", or NULL for the helper's default (BIOS) */
  gboolean  secure_boot;        /* with "efi" */
  gboolean  tpm;
  char     *network;            /* the libvirt network of its NIC, or NULL for none */
  gboolean  pxe;                /* boots from that network first */
  char     *import;             /* a disk image to copy in as its disk, or NULL */
  char     *iso_volume;         /* a medium in the default pool (downloaded), or NULL */
} VireoNewMachine;

#define VIREO_NEW_MACHINE_NETWORK "default"   /* libvirt's NAT network, made when missing */

#define VIREO_NEW_MACHINE_MEMORY_MIB 2048   /* for an unknown system */
#define VIREO_NEW_MACHINE_VCPUS      2
#define VIREO_NEW_MACHINE_DISK_GIB   20

/* An operating system libosinfo knows, for choosing one by hand. */
typedef struct {
  char *id;
  char *name;
} VireoOsChoice;

OsinfoDb        *vireo_osinfo_get_db            (GError          **error);
OsinfoTree      *vireo_osinfo_read_tree         (const char       *url,
                                                 GCancellable     *cancellable,
                                                 GError          **error);
OsinfoMedia     *vireo_osinfo_read_media        (const char       *iso,
                                                 GCancellable     *cancellable,
                                                 GError          **error);

gboolean         vireo_validate_location        (const char       *url,
                                                 GError          **error);
gboolean         vireo_is_location              (const char       *text);

GPtrArray       *vireo_new_machine_list_os      (GError          **error);
void             vireo_os_choice_free           (VireoOsChoice    *choice);

VireoNewMachine *vireo_new_machine_new          (void);
void             vireo_new_machine_free         (VireoNewMachine  *self);
gboolean         vireo_new_machine_detect       (VireoNewMachine  *self,
                                                 const char       *iso,
                                                 GCancellable     *cancellable,
                                                 GError          **error);
void             vireo_new_machine_detect_async (VireoNewMachine  *self,
                                                 const char       *iso,
                                                 GCancellable     *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer          user_data);
gboolean         vireo_new_machine_detect_finish (VireoNewMachine *self,
                                                  GAsyncResult    *result,
                                                  GError         **error);
gboolean         vireo_new_machine_set_os       (VireoNewMachine  *self,
                                                 const char       *os_id,
                                                 GError          **error);
gboolean         vireo_new_machine_use_download (VireoNewMachine  *self,
                                                 const char       *os_id,
                                                 const char       *url,
                                                 const char       *volume,
                                                 GError          **error);
void             vireo_new_machine_bound        (VireoNewMachine  *self,
                                                 guint64           host_memory_mib,
                                                 guint             host_cpus);
char            *vireo_new_machine_propose_name (VireoNewMachine  *self,
                                                 const char * const *taken);
GVariant        *vireo_new_machine_to_spec      (VireoNewMachine  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNewMachine, vireo_new_machine_free)

G_END_DECLS
