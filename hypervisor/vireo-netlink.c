/* vireo-netlink.c
 *
 * rtnetlink, as iproute2's libnetlink speaks it: one request, then its acknowledgement or its
 * dump. Blocking: callers run in a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-netlink"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vireo-netlink.h"
#include "vireo.h"

#define REQUEST_SIZE 4096
#define RECEIVE_SIZE 65536
#define RECEIVE_TIMEOUT_S 10

struct _VireoNetlink {
  int      fd;
  guint32  seq;
  guint32  port_id;
};

typedef struct {
  struct nlmsghdr header;
  char            body[REQUEST_SIZE];
} Request;

void
vireo_link_info_free (VireoLinkInfo *link)
{
  if (link == NULL)
    return;
  g_free (link->name);
  g_free (link->info_kind);
  g_free (link->mac);
  g_free (link);
}

void
vireo_addr_info_free (VireoAddrInfo *addr)
{
  if (addr == NULL)
    return;
  g_free (addr->local);
  g_free (addr->address);
  g_free (addr->broadcast);
  g_free (addr->label);
  g_free (addr);
}

void
vireo_route_info_free (VireoRouteInfo *route)
{
  if (route == NULL)
    return;
  g_free (route->dst);
  g_free (route->gateway);
  g_free (route->prefsrc);
  g_free (route);
}

VireoNetlink *
vireo_netlink_open (GError **error)
{
  struct sockaddr_nl local = { .nl_family = AF_NETLINK };
  struct timeval timeout = { .tv_sec = RECEIVE_TIMEOUT_S };
  socklen_t len = sizeof local;
  VireoNetlink *nl;
  int fd, one = 1;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0 || bind (fd, (struct sockaddr *) &local, sizeof local) < 0
      || getsockname (fd, (struct sockaddr *) &local, &len) < 0)
    {
      int saved = errno;

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("Vireo could not open a netlink socket: %s"),
                   g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  /* Errors are acknowledged with the request's header only. */
  setsockopt (fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  setsockopt (fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);

  nl = g_new0 (VireoNetlink, 1);
  nl->fd = fd;
  nl->seq = (guint32) g_get_monotonic_time ();
  nl->port_id = local.nl_pid;
  return nl;
}

void
vireo_netlink_close (VireoNetlink *nl)
{
  if (nl == NULL)
    return;
  close (nl->fd);
  g_free (nl);
}

/* Request building */

static void
request_init (Request *req,
              guint16  type,
              guint16  flags,
              gsize    body_len)
{
  memset (req, 0, sizeof *req);
  req->header.nlmsg_len = NLMSG_LENGTH (body_len);
  req->header.nlmsg_type = type;
  req->header.nlmsg_flags = NLM_F_REQUEST | flags;
}

static struct rtattr *
add_attr (Request     *req,
          int          type,
          const void  *data,
          gsize        len)
{
  struct rtattr *rta = (struct rtattr *) (((char *) &req->header) + NLMSG_ALIGN (req->header.nlmsg_len));
  gsize total = RTA_LENGTH (len);

  g_assert (NLMSG_ALIGN (req->header.nlmsg_len) + RTA_ALIGN (total) <= sizeof *req);
  rta->rta_type = type;
  rta->rta_len = total;
  if (len > 0)
    memcpy (RTA_DATA (rta), data, len);
  req->header.nlmsg_len = NLMSG_ALIGN (req->header.nlmsg_len) + RTA_ALIGN (total);
  return rta;
}

static void
add_u32 (Request *req,
         int      type,
         guint32  value)
{
  add_attr (req, type, &value, sizeof value);
}

static void
add_string (Request    *req,
            int         type,
            const char *value)
{
  add_attr (req, type, value, strlen (value) + 1);
}

static void
nest_end (Request       *req,
          struct rtattr *nest)
{
  nest->rta_len = (char *) &req->header + req->header.nlmsg_len - (char *) nest;
}

/* Talking */

static int
send_request (VireoNetlink *nl,
              Request      *req)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

  req->header.nlmsg_seq = ++nl->seq;
  if (sendto (nl->fd, &req->header, req->header.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    return -errno;
  return 0;
}

typedef void (*MessageFunc) (struct nlmsghdr *msg,
                             gpointer         user_data);

/* Reads until the acknowledgement (or NLMSG_DONE of a dump), giving every other message of
 * ours to @func. Returns 0 or a negative errno. */
static int
receive (VireoNetlink *nl,
         MessageFunc   func,
         gpointer      user_data)
{
  g_autofree char *buf = g_malloc (RECEIVE_SIZE);

  for (;;)
    {
      ssize_t n = recv (nl->fd, buf, RECEIVE_SIZE, 0);
      struct nlmsghdr *msg;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      for (msg = (struct nlmsghdr *) buf; NLMSG_OK (msg, (guint) n); msg = NLMSG_NEXT (msg, n))
        {
          if (msg->nlmsg_seq != nl->seq || msg->nlmsg_pid != nl->port_id)
            continue;
          if (msg->nlmsg_type == NLMSG_DONE)
            return 0;
          if (msg->nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr *err = NLMSG_DATA (msg);

              return err->error;
            }
          if (func != NULL)
            func (msg, user_data);
        }
    }
}

static int
talk (VireoNetlink *nl,
      Request      *req)
{
  int r;

  req->header.nlmsg_flags |= NLM_F_ACK;
  if ((r = send_request (nl, req)) < 0)
    return r;
  return receive (nl, NULL, NULL);
}

static gboolean
dump (VireoNetlink  *nl,
      Request       *req,
      MessageFunc    func,
      gpointer       user_data,
      GError       **error)
{
  int r;

  req->header.nlmsg_flags |= NLM_F_DUMP;
  r = send_request (nl, req);
  if (r == 0)
    r = receive (nl, func, user_data);
  if (r < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("Vireo could not read the host’s network setup: %s"),
                   g_strerror (-r));
      return FALSE;
    }
  return TRUE;
}

/* Parsing */

static void
parse_attrs (struct rtattr *table[],
             int            max,
             struct rtattr *rta,
             int            len)
{
  memset (table, 0, sizeof (struct rtattr *) * (max + 1));
  for (; RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    if (rta->rta_type <= max && table[rta->rta_type] == NULL)
      table[rta->rta_type] = rta;
}

static char *
ip_text (int            family,
         struct rtattr *rta)
{
  char text[INET6_ADDRSTRLEN];

  if (rta == NULL || RTA_PAYLOAD (rta) < (family == AF_INET ? 4u : 16u)
      || inet_ntop (family, RTA_DATA (rta), text, sizeof text) == NULL)
    return NULL;
  return g_strdup (text);
}

static void
link_cb (struct nlmsghdr *msg,
         gpointer         user_data)
{
  GPtrArray *links = user_data;
  struct ifinfomsg *ifi = NLMSG_DATA (msg);
  struct rtattr *tb[IFLA_MAX + 1];
  VireoLinkInfo *link;

  if (msg->nlmsg_type != RTM_NEWLINK)
    return;
  parse_attrs (tb, IFLA_MAX, IFLA_RTA (ifi), IFLA_PAYLOAD (msg));
  if (tb[IFLA_IFNAME] == NULL)
    return;

  link = g_new0 (VireoLinkInfo, 1);
  link->index = ifi->ifi_index;
  link->name = g_strndup (RTA_DATA (tb[IFLA_IFNAME]), RTA_PAYLOAD (tb[IFLA_IFNAME]));
  link->flags = ifi->ifi_flags;
  link->type = ifi->ifi_type;
  if (tb[IFLA_MASTER] != NULL)
    link->master = *(int *) RTA_DATA (tb[IFLA_MASTER]);
  if (tb[IFLA_ADDRESS] != NULL && RTA_PAYLOAD (tb[IFLA_ADDRESS]) == 6)
    {
      const guint8 *b = RTA_DATA (tb[IFLA_ADDRESS]);

      link->mac = g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    }
  if (tb[IFLA_LINKINFO] != NULL)
    {
      struct rtattr *info[IFLA_INFO_MAX + 1];

      parse_attrs (info, IFLA_INFO_MAX, RTA_DATA (tb[IFLA_LINKINFO]), RTA_PAYLOAD (tb[IFLA_LINKINFO]));
      if (info[IFLA_INFO_KIND] != NULL)
        link->info_kind = g_strndup (RTA_DATA (info[IFLA_INFO_KIND]), RTA_PAYLOAD (info[IFLA_INFO_KIND]));
    }
  g_ptr_array_add (links, link);
}

GPtrArray *
vireo_netlink_links (VireoNetlink  *nl,
                     GError       **error)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_link_info_free);
  Request req;

  request_init (&req, RTM_GETLINK, 0, sizeof (struct ifinfomsg));
  ((struct ifinfomsg *) NLMSG_DATA (&req.header))->ifi_family = AF_UNSPEC;
  if (!dump (nl, &req, link_cb, links, error))
    return NULL;
  return g_steal_pointer (&links);
}

VireoLinkInfo *
vireo_netlink_link (VireoNetlink  *nl,
                    const char    *name,
                    GError       **error)
{
  g_autoptr(GPtrArray) links = vireo_netlink_links (nl, error);

  if (links == NULL)
    return NULL;
  for (guint i = 0; i < links->len; i++)
    {
      VireoLinkInfo *link = g_ptr_array_index (links, i);

      if (g_str_equal (link->name, name))
        return g_ptr_array_steal_index (links, i);
    }
  return NULL;
}

typedef struct {
  GPtrArray *list;
  int        index;
} Filter;

static void
addr_cb (struct nlmsghdr *msg,
         gpointer         user_data)
{
  Filter *filter = user_data;
  struct ifaddrmsg *ifa = NLMSG_DATA (msg);
  struct rtattr *tb[IFA_MAX + 1];
  VireoAddrInfo *addr;

  if (msg->nlmsg_type != RTM_NEWADDR || (filter->index != 0 && (int) ifa->ifa_index != filter->index)
      || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
    return;
  parse_attrs (tb, IFA_MAX, IFA_RTA (ifa), IFA_PAYLOAD (msg));

  addr = g_new0 (VireoAddrInfo, 1);
  addr->family = ifa->ifa_family;
  addr->index = ifa->ifa_index;
  addr->prefixlen = ifa->ifa_prefixlen;
  addr->flags = tb[IFA_FLAGS] != NULL ? *(guint32 *) RTA_DATA (tb[IFA_FLAGS]) : ifa->ifa_flags;
  addr->scope = ifa->ifa_scope;
  addr->local = ip_text (ifa->ifa_family, tb[IFA_LOCAL]);
  addr->address = ip_text (ifa->ifa_family, tb[IFA_ADDRESS]);
  addr->broadcast = ip_text (ifa->ifa_family, tb[IFA_BROADCAST]);
  if (tb[IFA_LABEL] != NULL)
    addr->label = g_strndup (RTA_DATA (tb[IFA_LABEL]), RTA_PAYLOAD (tb[IFA_LABEL]));
  addr->valid_lft = addr->preferred_lft = G_MAXUINT32;
  if (tb[IFA_CACHEINFO] != NULL)
    {
      struct ifa_cacheinfo *ci = RTA_DATA (tb[IFA_CACHEINFO]);

      addr->valid_lft = ci->ifa_valid;
      addr->preferred_lft = ci->ifa_prefered;
    }
  if (addr->address == NULL)
    addr->address = g_strdup (addr->local);
  if (addr->address == NULL)
    {
      vireo_addr_info_free (addr);
      return;
    }
  g_ptr_array_add (filter->list, addr);
}

GPtrArray *
vireo_netlink_addrs (VireoNetlink  *nl,
                     int            index,
                     GError       **error)
{
  g_autoptr(GPtrArray) addrs = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_addr_info_free);
  Filter filter = { addrs, index };
  Request req;

  request_init (&req, RTM_GETADDR, 0, sizeof (struct ifaddrmsg));
  ((struct ifaddrmsg *) NLMSG_DATA (&req.header))->ifa_family = AF_UNSPEC;
  if (!dump (nl, &req, addr_cb, &filter, error))
    return NULL;
  return g_steal_pointer (&addrs);
}

static void
route_cb (struct nlmsghdr *msg,
          gpointer         user_data)
{
  Filter *filter = user_data;
  struct rtmsg *rtm = NLMSG_DATA (msg);
  struct rtattr *tb[RTA_MAX + 1];
  VireoRouteInfo *route;

  if (msg->nlmsg_type != RTM_NEWROUTE || (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
    return;
  parse_attrs (tb, RTA_MAX, RTM_RTA (rtm), RTM_PAYLOAD (msg));
  if (tb[RTA_OIF] == NULL || (filter->index != 0 && *(int *) RTA_DATA (tb[RTA_OIF]) != filter->index))
    return;

  route = g_new0 (VireoRouteInfo, 1);
  route->family = rtm->rtm_family;
  route->dst_len = rtm->rtm_dst_len;
  route->tos = rtm->rtm_tos;
  route->table = tb[RTA_TABLE] != NULL ? *(guint32 *) RTA_DATA (tb[RTA_TABLE]) : rtm->rtm_table;
  route->protocol = rtm->rtm_protocol;
  route->scope = rtm->rtm_scope;
  route->type = rtm->rtm_type;
  route->flags = rtm->rtm_flags;
  route->dst = ip_text (rtm->rtm_family, tb[RTA_DST]);
  route->gateway = ip_text (rtm->rtm_family, tb[RTA_GATEWAY]);
  route->prefsrc = ip_text (rtm->rtm_family, tb[RTA_PREFSRC]);
  if (tb[RTA_PRIORITY] != NULL)
    route->priority = *(guint32 *) RTA_DATA (tb[RTA_PRIORITY]);
  route->oif = *(int *) RTA_DATA (tb[RTA_OIF]);
  g_ptr_array_add (filter->list, route);
}

GPtrArray *
vireo_netlink_routes (VireoNetlink  *nl,
                      int            index,
                      GError       **error)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_route_info_free);
  Filter filter = { routes, index };
  Request req;

  request_init (&req, RTM_GETROUTE, 0, sizeof (struct rtmsg));
  ((struct rtmsg *) NLMSG_DATA (&req.header))->rtm_family = AF_UNSPEC;
  if (!dump (nl, &req, route_cb, &filter, error))
    return NULL;
  return g_steal_pointer (&routes);
}

/* Changes */

static gboolean
parse_mac (const char *text,
           guint8      mac[6])
{
  unsigned int b[6];

  if (text == NULL || sscanf (text, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
    return FALSE;
  for (int i = 0; i < 6; i++)
    mac[i] = b[i];
  return TRUE;
}

int
vireo_netlink_bridge_add (VireoNetlink *nl,
                          const char   *name,
                          const char   *mac,
                          gboolean      stp,
                          int           forward_delay_s)
{
  Request req;
  struct rtattr *linkinfo, *data;
  guint8 address[6];

  request_init (&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof (struct ifinfomsg));
  add_string (&req, IFLA_IFNAME, name);
  if (parse_mac (mac, address))
    add_attr (&req, IFLA_ADDRESS, address, sizeof address);
  linkinfo = add_attr (&req, IFLA_LINKINFO, NULL, 0);
  add_string (&req, IFLA_INFO_KIND, "bridge");
  data = add_attr (&req, IFLA_INFO_DATA, NULL, 0);
  /* In hundredths of a second (the kernel's clock_t); the kernel refuses less than 2 s
   * with STP on, so that is set after. */
  if (forward_delay_s >= 0)
    add_u32 (&req, IFLA_BR_FORWARD_DELAY, (guint32) forward_delay_s * 100);
  add_u32 (&req, IFLA_BR_STP_STATE, stp ? 1 : 0);
  nest_end (&req, data);
  nest_end (&req, linkinfo);
  return talk (nl, &req);
}

int
vireo_netlink_link_delete (VireoNetlink *nl,
                           int           index)
{
  Request req;

  request_init (&req, RTM_DELLINK, 0, sizeof (struct ifinfomsg));
  ((struct ifinfomsg *) NLMSG_DATA (&req.header))->ifi_index = index;
  return talk (nl, &req);
}

int
vireo_netlink_link_set (VireoNetlink *nl,
                        int           index,
                        int           master,
                        int           up)
{
  Request req;
  struct ifinfomsg *ifi;

  request_init (&req, RTM_NEWLINK, 0, sizeof (struct ifinfomsg));
  ifi = NLMSG_DATA (&req.header);
  ifi->ifi_index = index;
  if (up >= 0)
    {
      ifi->ifi_change = IFF_UP;
      ifi->ifi_flags = up ? IFF_UP : 0;
    }
  if (master >= 0)
    add_u32 (&req, IFLA_MASTER, (guint32) master);
  return talk (nl, &req);
}

static gboolean
add_ip (Request    *req,
        int         type,
        int         family,
        const char *text)
{
  guint8 bytes[16];

  if (text == NULL || inet_pton (family, text, bytes) != 1)
    return FALSE;
  add_attr (req, type, bytes, family == AF_INET ? 4 : 16);
  return TRUE;
}

int
vireo_netlink_addr (VireoNetlink        *nl,
                    gboolean             add,
                    int                  index,
                    const VireoAddrInfo *addr)
{
  Request req;
  struct ifaddrmsg *ifa;

  request_init (&req, add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0,
                sizeof (struct ifaddrmsg));
  ifa = NLMSG_DATA (&req.header);
  ifa->ifa_family = addr->family;
  ifa->ifa_prefixlen = addr->prefixlen;
  ifa->ifa_flags = addr->flags & 0xff;
  ifa->ifa_scope = addr->scope;
  ifa->ifa_index = index;
  if (addr->local != NULL)
    add_ip (&req, IFA_LOCAL, addr->family, addr->local);
  if (!add_ip (&req, IFA_ADDRESS, addr->family, addr->address))
    return -EINVAL;
  if (add)
    {
      /* The flags that can be asked for: the kernel sets the others (tentative, …). */
      guint32 flags = addr->flags & (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE
                                     | IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN | IFA_F_SECONDARY);

      add_u32 (&req, IFA_FLAGS, flags);
      ifa->ifa_flags = flags & 0xff;
      if (addr->broadcast != NULL)
        add_ip (&req, IFA_BROADCAST, addr->family, addr->broadcast);
      if (addr->label != NULL && addr->family == AF_INET)
        add_string (&req, IFA_LABEL, addr->label);
      if (addr->valid_lft != G_MAXUINT32 || addr->preferred_lft != G_MAXUINT32)
        {
          struct ifa_cacheinfo ci = { .ifa_prefered = addr->preferred_lft, .ifa_valid = addr->valid_lft };

          add_attr (&req, IFA_CACHEINFO, &ci, sizeof ci);
        }
    }
  return talk (nl, &req);
}

int
vireo_netlink_route (VireoNetlink         *nl,
                     gboolean              add,
                     int                   oif,
                     const VireoRouteInfo *route)
{
  Request req;
  struct rtmsg *rtm;

  request_init (&req, add ? RTM_NEWROUTE : RTM_DELROUTE, add ? NLM_F_CREATE | NLM_F_EXCL : 0,
                sizeof (struct rtmsg));
  rtm = NLMSG_DATA (&req.header);
  rtm->rtm_family = route->family;
  rtm->rtm_dst_len = route->dst_len;
  rtm->rtm_tos = route->tos;
  rtm->rtm_table = route->table < 256 ? route->table : RT_TABLE_UNSPEC;
  rtm->rtm_protocol = route->protocol;
  rtm->rtm_scope = route->scope;
  rtm->rtm_type = route->type;
  rtm->rtm_flags = route->flags & RTNH_F_ONLINK;
  add_u32 (&req, RTA_TABLE, route->table);
  if (route->dst != NULL)
    add_ip (&req, RTA_DST, route->family, route->dst);
  if (route->gateway != NULL)
    add_ip (&req, RTA_GATEWAY, route->family, route->gateway);
  if (route->prefsrc != NULL)
    add_ip (&req, RTA_PREFSRC, route->family, route->prefsrc);
  if (route->priority != 0 || route->family == AF_INET6)
    add_u32 (&req, RTA_PRIORITY, route->priority);
  add_u32 (&req, RTA_OIF, (guint32) oif);
  return talk (nl, &req);
}
