/* vireo-domain-facts.h
 *
 * What a Machine object shows, read from a domain's XML.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vireo-libvirt-compat.h"
#include "vireo-machine-state.h"

G_BEGIN_DECLS

typedef struct {
  char    *target;   /* "vda" */
  char    *path;     /* the file, device or folder; a volume's file; "protocol://host/name"
                      * for a network disk; "" for an empty CD-ROM */
  char    *device;   /* "disk", "cdrom", "floppy", "lun", as the XML says */
  guint64  size;     /* virtual capacity in bytes, 0 when unknown */
  char    *type;     /* the source's kind: "file", "block", "dir", "network", "volume", … */
} VireoDiskFacts;

typedef struct {
  char    *mac;
  char    *type;     /* "network", "bridge", "direct", "user", "other" */
  char    *source;   /* network, bridge or host interface name, "" when none */
  char    *model;    /* "virtio", "e1000e", "" */
  gboolean link_up;  /* <link state='down'/> absent */
  GStrv    addresses; /* the DHCP leases of its libvirt network, "10.77.8.23/24", while the
                       * domain runs (vireo_domain_facts_fetch()); NULL otherwise */
} VireoNicFacts;

typedef struct {
  char       *name;
  char       *uuid;
  char       *title;
  char       *description;
  char       *os_id;
  guint       vcpus;
  guint64     memory_mib;
  GStrv       graphics;   /* "spice", "vnc" in XML order */
  GPtrArray  *disks;      /* of VireoDiskFacts */
  GPtrArray  *nics;       /* of VireoNicFacts */
  gboolean    has_serial;
  gboolean    persistent;
  gboolean    autostart;
  VireoMachineState state;
} VireoDomainFacts;

VireoDomainFacts *vireo_domain_facts_new_from_xml (const char       *xml,
                                                   GError          **error);
VireoDomainFacts *vireo_domain_facts_fetch        (virConnectPtr     conn,
                                                   virDomainPtr      dom,
                                                   GError          **error);
int               vireo_domain_facts_graphics_index (const char     *xml,
                                                     const char     *type,
                                                     GError        **error);
void              vireo_domain_facts_free         (VireoDomainFacts *facts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoDomainFacts, vireo_domain_facts_free)

G_END_DECLS
