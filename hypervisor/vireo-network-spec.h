/* vireo-network-spec.h
 *
 * Virtual networks: what a libvirt network's XML says (VireoNetworkFacts), and what
 * Manager.CreateNetwork is asked for (VireoNetworkSpec), checked against the subnets the
 * host and libvirt already use, and turned into a network's XML.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-libvirt.h"

G_BEGIN_DECLS

/* An address with its prefix; the bytes are in network order, 4 of them for IPv4. */
typedef struct {
  GSocketFamily family;
  guint8        bytes[16];
  guint         prefix;
} VireoSubnet;

gboolean vireo_subnet_parse     (const char        *text,
                                 GSocketFamily      family,
                                 VireoSubnet       *subnet,
                                 GError           **error);
char    *vireo_subnet_to_string (const VireoSubnet *subnet,
                                 gboolean           network_only) G_GNUC_WARN_UNUSED_RESULT;
gboolean vireo_subnet_overlaps  (const VireoSubnet *a,
                                 const VireoSubnet *b);

typedef struct {
  char      *uuid;
  char      *name;
  char      *mode;          /* "nat", "isolated", "routed", "open", "bridge", "other" */
  char      *bridge;        /* or "" */
  char      *forward_dev;   /* or "" */
  char      *domain;        /* or "" */
  gboolean   active;
  gboolean   autostart;
  gboolean   persistent;
  GPtrArray *ipv4;          /* "192.168.150.1/24" */
  GPtrArray *ipv6;
  GPtrArray *dhcp_ranges;   /* first and last addresses, one after the other */
} VireoNetworkFacts;

VireoNetworkFacts *vireo_network_facts_new_from_xml (const char         *xml,
                                                     GError            **error);
VireoNetworkFacts *vireo_network_facts_fetch        (virNetworkPtr       net,
                                                     GError            **error);
void               vireo_network_facts_free         (VireoNetworkFacts  *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkFacts, vireo_network_facts_free)

/* A subnet in use, and a phrase saying by what ("the interface eth0"). */
typedef struct {
  VireoSubnet  subnet;
  char        *owner;
} VireoSubnetUse;

GPtrArray *vireo_subnet_uses_new   (void);
GPtrArray *vireo_host_subnets_read (void);
void       vireo_subnet_use_add    (GPtrArray         *uses,
                                    const VireoSubnet *subnet,
                                    const char        *owner);

typedef struct {
  char        *name;
  char        *mode;          /* "nat", "isolated", "routed", "open" */
  VireoSubnet  ipv4;
  gboolean     has_ipv6;
  VireoSubnet  ipv6;
  gboolean     dhcp;
  char        *domain;        /* nullable */
  char        *forward_dev;   /* nullable */
  gboolean     autostart;
} VireoNetworkSpec;

gboolean          vireo_network_name_check         (const char              *name,
                                                    GError                 **error);
VireoNetworkSpec *vireo_network_spec_new_from_variant (GVariant             *variant,
                                                       GError              **error);
gboolean          vireo_network_spec_check_overlap (const VireoNetworkSpec  *spec,
                                                    GPtrArray               *uses,
                                                    GError                 **error);
char             *vireo_network_spec_to_xml        (const VireoNetworkSpec  *spec) G_GNUC_WARN_UNUSED_RESULT;
void              vireo_network_spec_free          (VireoNetworkSpec        *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkSpec, vireo_network_spec_free)

G_END_DECLS
