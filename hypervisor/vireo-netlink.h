/* vireo-netlink.h
 *
 * A small rtnetlink client for the helper's host-network work: links, addresses and routes
 * read (dumps) and changed (requests answered by an acknowledgement), on a blocking socket
 * used from one worker thread at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _VireoNetlink VireoNetlink;

typedef struct {
  int      index;
  char    *name;
  char    *info_kind;   /* IFLA_INFO_KIND ("bridge", "veth", "vlan"…), or NULL */
  char    *mac;         /* "52:54:00:12:34:56", or NULL */
  guint    flags;       /* IFF_* */
  int      master;      /* the bridge or bond's index, 0 when none */
  guint    type;        /* ARPHRD_* */
} VireoLinkInfo;

typedef struct {
  int      family;      /* AF_INET, AF_INET6 */
  int      index;
  guint    prefixlen;
  guint    flags;       /* IFA_F_*, the 32 bits of IFA_FLAGS when given */
  guint    scope;
  char    *local;       /* IFA_LOCAL (IPv4), or NULL */
  char    *address;     /* IFA_ADDRESS */
  char    *broadcast;   /* IFA_BROADCAST, or NULL */
  char    *label;       /* IFA_LABEL, or NULL */
  guint32  valid_lft;   /* seconds; G_MAXUINT32: forever */
  guint32  preferred_lft;
} VireoAddrInfo;

typedef struct {
  int      family;
  guint    dst_len;
  guint    tos;
  guint    table;
  guint    protocol;    /* RTPROT_* */
  guint    scope;
  guint    type;        /* RTN_* */
  guint    flags;       /* RTM_F_*, RTNH_F_* */
  char    *dst;         /* NULL: the default route */
  char    *gateway;     /* or NULL */
  char    *prefsrc;     /* or NULL */
  guint32  priority;    /* the metric */
  int      oif;
} VireoRouteInfo;

void            vireo_link_info_free   (VireoLinkInfo  *link);
void            vireo_addr_info_free   (VireoAddrInfo  *addr);
void            vireo_route_info_free  (VireoRouteInfo *route);

VireoNetlink   *vireo_netlink_open     (GError        **error);
void            vireo_netlink_close    (VireoNetlink   *nl);

GPtrArray      *vireo_netlink_links    (VireoNetlink   *nl,
                                        GError        **error);
GPtrArray      *vireo_netlink_addrs    (VireoNetlink   *nl,
                                        int             index,
                                        GError        **error);
GPtrArray      *vireo_netlink_routes   (VireoNetlink   *nl,
                                        int             index,
                                        GError        **error);
VireoLinkInfo  *vireo_netlink_link     (VireoNetlink   *nl,
                                        const char     *name,
                                        GError        **error);

/* Changes: 0, or a negative errno. */
int             vireo_netlink_bridge_add   (VireoNetlink   *nl,
                                            const char     *name,
                                            const char     *mac,
                                            gboolean        stp,
                                            int             forward_delay_s);
int             vireo_netlink_link_delete  (VireoNetlink   *nl,
                                            int             index);
int             vireo_netlink_link_set     (VireoNetlink   *nl,
                                            int             index,
                                            int             master,
                                            int             up);
int             vireo_netlink_addr         (VireoNetlink   *nl,
                                            gboolean        add,
                                            int             index,
                                            const VireoAddrInfo *addr);
int             vireo_netlink_route        (VireoNetlink   *nl,
                                            gboolean        add,
                                            int             oif,
                                            const VireoRouteInfo *route);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetlink, vireo_netlink_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoLinkInfo, vireo_link_info_free)

G_END_DECLS
