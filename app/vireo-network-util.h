/* vireo-network-util.h
 *
 * How networks, host interfaces and a machine's network interfaces read for a person, and the
 * subnet the app proposes for a new network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *vireo_network_mode_label       (const char          *mode);
const char *vireo_network_mode_description (const char          *mode);
char       *vireo_network_subnet           (const char          *address);
gboolean    vireo_network_address_is_valid (const char          *text,
                                            guint                version);
gboolean    vireo_network_subnets_overlap  (const char          *a,
                                            const char          *b);
char       *vireo_network_propose_ipv4     (const char * const  *used);
const char *vireo_interface_kind_label     (const char          *kind);
char       *vireo_nic_title                (const char          *type,
                                            const char          *source);

G_END_DECLS
