/* vireo-connection.h
 *
 * The helper's one libvirt connection: opened in a worker thread, kept alive, reopened with
 * a back-off when it drops. It says so with signals, on the main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-libvirt.h"

G_BEGIN_DECLS

/* What the host has, read once per connection. */
typedef struct {
  guint64                   memory_mib;
  guint                     cpus;
  char                     *arch;
  gboolean                  is_test_driver;
  GVirConfigDomainVirtType  virt_type;
} VireoHostLimits;

typedef struct {
  VireoHostLimits  limits;
  char            *hostname;
  char            *cpu_model;
  char            *libvirt_version;
  char            *hypervisor_version;
} VireoHostFacts;

void vireo_host_limits_copy  (VireoHostLimits       *dest,
                              const VireoHostLimits *src);
void vireo_host_limits_clear (VireoHostLimits       *limits);

#define VIREO_TYPE_CONNECTION (vireo_connection_get_type ())
G_DECLARE_FINAL_TYPE (VireoConnection, vireo_connection, VIREO, CONNECTION, GObject)

VireoConnection      *vireo_connection_new            (const char      *uri,
                                                       gboolean         use_kvm);
const char           *vireo_connection_get_uri        (VireoConnection *self);
void                  vireo_connection_start          (VireoConnection *self);
virConnectPtr         vireo_connection_get_conn       (VireoConnection *self);
guint                 vireo_connection_get_generation (VireoConnection *self);
const VireoHostFacts *vireo_connection_get_host       (VireoConnection *self);
void                  vireo_connection_drop           (VireoConnection *self,
                                                       const char      *reason);

G_END_DECLS
