/* vireo-network-spec.c
 *
 * Virtual networks: their facts read from libvirt's XML, the spec of a new one checked and
 * turned into XML (through libxml2's tree, never by pasting strings), and the subnets the
 * host uses (its interfaces' addresses and its routes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-network-spec"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <net/if.h>
#include <string.h>

#include "vireo-error.h"
#include "vireo-network-spec.h"

#define NAME_MAX_LENGTH 50

/* Subnets */

static guint
subnet_size (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;
}

/**
 * vireo_subnet_parse:
 * @text: "192.168.150.1/24" or "fd00:1::1/64"
 * @family: which family @text must be of
 *
 * Returns: %FALSE with a sentence in @error when @text is not an address of @family with a
 *   prefix
 */
gboolean
vireo_subnet_parse (const char     *text,
                    GSocketFamily   family,
                    VireoSubnet    *subnet,
                    GError        **error)
{
  const char *words = family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4";
  const char *example = family == G_SOCKET_FAMILY_IPV6 ? "fd00:1::1/64" : "192.168.150.1/24";
  g_autofree char *address = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *slash;
  guint64 prefix;
  char *end;

  memset (subnet, 0, sizeof *subnet);
  if (text == NULL || text[0] == '\0')
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("Give an %s address with its prefix, such as %s."), words, example);
      return FALSE;
    }
  slash = strchr (text, '/');
  if (slash == NULL || slash[1] == '\0')
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an %s address with a prefix, such as %s."),
                   text != NULL && g_utf8_validate (text, -1, NULL) ? text : "?", words, example);
      return FALSE;
    }

  address = g_strndup (text, slash - text);
  inet = g_inet_address_new_from_string (address);
  prefix = g_ascii_strtoull (slash + 1, &end, 10);
  if (inet == NULL || g_inet_address_get_family (inet) != family || *end != '\0'
      || !g_ascii_isdigit (slash[1]) || prefix > subnet_size (family) * 8)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an %s address with a prefix, such as %s."),
                   g_utf8_validate (text, -1, NULL) ? text : "?", words, example);
      return FALSE;
    }

  subnet->family = family;
  subnet->prefix = (guint) prefix;
  memcpy (subnet->bytes, g_inet_address_to_bytes (inet), subnet_size (family));
  return TRUE;
}

/* Clears the bits past the prefix (network_only), or sets them (the last address). */
static void
subnet_edge (const VireoSubnet *subnet,
             gboolean           last,
             guint8            *bytes)
{
  guint n = subnet_size (subnet->family);

  for (guint i = 0; i < n; i++)
    {
      guint bits = subnet->prefix > i * 8 ? MIN (8, subnet->prefix - i * 8) : 0;
      guint8 mask = bits == 0 ? 0 : (guint8) (0xff << (8 - bits));

      bytes[i] = last ? (subnet->bytes[i] | (guint8) ~mask) : (subnet->bytes[i] & mask);
    }
}

static char *
bytes_to_string (GSocketFamily  family,
                 const guint8  *bytes)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_bytes (bytes, family);

  return g_inet_address_to_string (inet);
}

/**
 * vireo_subnet_to_string:
 * @network_only: the subnet ("192.168.150.0/24") rather than the address ("….1/24")
 */
char *
vireo_subnet_to_string (const VireoSubnet *subnet,
                        gboolean           network_only)
{
  guint8 bytes[16];
  g_autofree char *address = NULL;

  if (network_only)
    subnet_edge (subnet, FALSE, bytes);
  else
    memcpy (bytes, subnet->bytes, sizeof bytes);
  address = bytes_to_string (subnet->family, bytes);
  return g_strdup_printf ("%s/%u", address, subnet->prefix);
}

/**
 * vireo_subnet_overlaps:
 *
 * Returns: whether @a and @b share an address
 */
gboolean
vireo_subnet_overlaps (const VireoSubnet *a,
                       const VireoSubnet *b)
{
  VireoSubnet shorter;
  guint8 x[16], y[16];

  if (a->family != b->family)
    return FALSE;

  shorter = *a;
  shorter.prefix = MIN (a->prefix, b->prefix);
  subnet_edge (&shorter, FALSE, x);
  memcpy (shorter.bytes, b->bytes, sizeof shorter.bytes);
  subnet_edge (&shorter, FALSE, y);
  return memcmp (x, y, subnet_size (a->family)) == 0;
}

/* @bytes + @n, in place (big-endian, wrapping) */
static void
bytes_add (guint8  *bytes,
           guint    size,
           guint64  n)
{
  for (guint i = size; i > 0 && n > 0; i--)
    {
      guint64 sum = bytes[i - 1] + (n & 0xff);

      bytes[i - 1] = (guint8) sum;
      n = (n >> 8) + (sum >> 8);
    }
}

/* Facts */

void
vireo_network_facts_free (VireoNetworkFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->uuid);
  g_free (facts->name);
  g_free (facts->mode);
  g_free (facts->bridge);
  g_free (facts->forward_dev);
  g_free (facts->domain);
  g_clear_pointer (&facts->ipv4, g_ptr_array_unref);
  g_clear_pointer (&facts->ipv6, g_ptr_array_unref);
  g_clear_pointer (&facts->dhcp_ranges, g_ptr_array_unref);
  g_free (facts);
}

static char *
prop (xmlNodePtr  node,
      const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
  char *copy = value != NULL ? g_strdup ((const char *) value) : NULL;

  xmlFree (value);
  return copy;
}

static gboolean
is_element (xmlNodePtr  node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && xmlStrEqual (node->name, (const xmlChar *) name);
}

static char *
text_of (xmlNodePtr node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char *copy = g_strdup (content != NULL ? g_strstrip ((char *) content) : "");

  xmlFree (content);
  return copy;
}

static const char *
mode_from_forward (const char *forward)
{
  if (forward == NULL)
    return "isolated";
  if (g_str_equal (forward, "nat"))
    return "nat";
  if (g_str_equal (forward, "route"))
    return "routed";
  if (g_str_equal (forward, "open"))
    return "open";
  if (g_str_equal (forward, "bridge") || g_str_equal (forward, "passthrough")
      || g_str_equal (forward, "private") || g_str_equal (forward, "vepa"))
    return "bridge";
  return "other";
}

/* An <ip>: its address with a prefix (from "prefix", or "netmask" for IPv4), and its ranges */
static void
read_ip (VireoNetworkFacts *facts,
         xmlNodePtr         ip)
{
  g_autofree char *family = prop (ip, "family");
  g_autofree char *address = prop (ip, "address");
  g_autofree char *prefix = prop (ip, "prefix");
  g_autofree char *netmask = prop (ip, "netmask");
  gboolean v6 = g_strcmp0 (family, "ipv6") == 0 || (address != NULL && strchr (address, ':') != NULL);
  guint bits = v6 ? 64 : 24;

  if (address == NULL)
    return;

  if (prefix != NULL)
    bits = (guint) g_ascii_strtoull (prefix, NULL, 10);
  else if (netmask != NULL && !v6)
    {
      struct in_addr mask;

      if (inet_pton (AF_INET, netmask, &mask) == 1)
        bits = (guint) __builtin_popcount (mask.s_addr);
    }
  g_ptr_array_add (v6 ? facts->ipv6 : facts->ipv4, g_strdup_printf ("%s/%u", address, bits));

  for (xmlNodePtr dhcp = ip->children; dhcp != NULL; dhcp = dhcp->next)
    {
      if (!is_element (dhcp, "dhcp"))
        continue;
      for (xmlNodePtr range = dhcp->children; range != NULL; range = range->next)
        {
          char *start, *end;

          if (!is_element (range, "range"))
            continue;
          start = prop (range, "start");
          end = prop (range, "end");
          g_ptr_array_add (facts->dhcp_ranges, start != NULL ? start : g_strdup (""));
          g_ptr_array_add (facts->dhcp_ranges, end != NULL ? end : g_strdup (""));
        }
    }
}

/**
 * vireo_network_facts_new_from_xml:
 * @xml: a network's XML
 *
 * Returns: (nullable): its facts, without the state (active, autostart, persistent)
 */
VireoNetworkFacts *
vireo_network_facts_new_from_xml (const char  *xml,
                                  GError     **error)
{
  g_autoptr(VireoNetworkFacts) facts = g_new0 (VireoNetworkFacts, 1);
  xmlDocPtr doc;
  xmlNodePtr root;
  g_autofree char *forward = NULL;

  doc = xmlReadMemory (xml, (int) strlen (xml), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root == NULL || !is_element (root, "network"))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("libvirt gave a network description Vireo cannot read."));
      if (doc != NULL)
        xmlFreeDoc (doc);
      return NULL;
    }

  facts->ipv4 = g_ptr_array_new_with_free_func (g_free);
  facts->ipv6 = g_ptr_array_new_with_free_func (g_free);
  facts->dhcp_ranges = g_ptr_array_new_with_free_func (g_free);
  for (xmlNodePtr node = root->children; node != NULL; node = node->next)
    {
      if (is_element (node, "name"))
        facts->name = text_of (node);
      else if (is_element (node, "uuid"))
        facts->uuid = text_of (node);
      else if (is_element (node, "forward"))
        {
          forward = prop (node, "mode");
          if (forward == NULL)
            forward = g_strdup ("nat");   /* libvirt's default mode */
          facts->forward_dev = prop (node, "dev");
        }
      else if (is_element (node, "bridge"))
        facts->bridge = prop (node, "name");
      else if (is_element (node, "domain"))
        facts->domain = prop (node, "name");
      else if (is_element (node, "ip"))
        read_ip (facts, node);
    }
  xmlFreeDoc (doc);

  if (facts->name == NULL || facts->uuid == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("libvirt gave a network description Vireo cannot read."));
      return NULL;
    }
  facts->mode = g_strdup (mode_from_forward (forward));
  if (facts->bridge == NULL)
    facts->bridge = g_strdup ("");
  if (facts->forward_dev == NULL)
    facts->forward_dev = g_strdup ("");
  if (facts->domain == NULL)
    facts->domain = g_strdup ("");
  return g_steal_pointer (&facts);
}

/**
 * vireo_network_facts_fetch:
 *
 * Reads @net from libvirt; blocks.
 *
 * Returns: (nullable): its facts; %NULL with %VIREO_ERROR_NOT_FOUND when it went meanwhile
 */
VireoNetworkFacts *
vireo_network_facts_fetch (virNetworkPtr   net,
                           GError        **error)
{
  g_autofree char *xml = virNetworkGetXMLDesc (net, 0);
  VireoNetworkFacts *facts;
  int autostart = 0;

  if (xml == NULL)
    {
      vireo_libvirt_set_error (error, _("The network “%s” could not be read."), virNetworkGetName (net));
      return NULL;
    }
  facts = vireo_network_facts_new_from_xml (xml, error);
  if (facts == NULL)
    return NULL;

  facts->active = virNetworkIsActive (net) == 1;
  facts->persistent = virNetworkIsPersistent (net) == 1;
  facts->autostart = virNetworkGetAutostart (net, &autostart) == 0 && autostart;
  virResetLastError ();
  return facts;
}

/* The host's subnets */

static void
subnet_use_free (gpointer data)
{
  VireoSubnetUse *use = data;

  g_free (use->owner);
  g_free (use);
}

/**
 * vireo_subnet_uses_new:
 *
 * Returns: (transfer full) (element-type VireoSubnetUse): an empty list of subnets in use
 */
GPtrArray *
vireo_subnet_uses_new (void)
{
  return g_ptr_array_new_with_free_func (subnet_use_free);
}

void
vireo_subnet_use_add (GPtrArray         *uses,
                      const VireoSubnet *subnet,
                      const char        *owner)
{
  VireoSubnetUse *use = g_new0 (VireoSubnetUse, 1);

  use->subnet = *subnet;
  use->owner = g_strdup (owner);
  g_ptr_array_add (uses, use);
}

static guint
mask_to_prefix (const guint8 *mask,
                guint         size)
{
  guint prefix = 0;

  for (guint i = 0; i < size; i++)
    prefix += (guint) __builtin_popcount (mask[i]);
  return prefix;
}

static void
read_addresses (GPtrArray *uses)
{
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    {
      g_warning ("The host's addresses could not be read: %s", g_strerror (errno));
      return;
    }

  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      VireoSubnet subnet = { 0 };
      g_autofree char *owner = NULL;
      g_autofree char *text = NULL;

      if (ifa->ifa_addr == NULL || ifa->ifa_netmask == NULL)
        continue;
      if (ifa->ifa_addr->sa_family == AF_INET)
        {
          subnet.family = G_SOCKET_FAMILY_IPV4;
          memcpy (subnet.bytes, &((struct sockaddr_in *) (void *) ifa->ifa_addr)->sin_addr, 4);
          subnet.prefix = mask_to_prefix ((guint8 *) &((struct sockaddr_in *) (void *) ifa->ifa_netmask)->sin_addr, 4);
        }
      else if (ifa->ifa_addr->sa_family == AF_INET6)
        {
          subnet.family = G_SOCKET_FAMILY_IPV6;
          memcpy (subnet.bytes, &((struct sockaddr_in6 *) (void *) ifa->ifa_addr)->sin6_addr, 16);
          subnet.prefix = mask_to_prefix ((guint8 *) &((struct sockaddr_in6 *) (void *) ifa->ifa_netmask)->sin6_addr, 16);
          if (subnet.bytes[0] == 0xfe && (subnet.bytes[1] & 0xc0) == 0x80)
            continue;   /* link-local: every interface has fe80::/64 */
        }
      else
        continue;

      text = vireo_subnet_to_string (&subnet, FALSE);
      owner = g_strdup_printf (_("the address %s of the interface %s"), text, ifa->ifa_name);
      vireo_subnet_use_add (uses, &subnet, owner);
    }
  freeifaddrs (list);
}

static guint8
hex_byte (const char *hex)
{
  char pair[3] = { hex[0], hex[1], '\0' };

  return (guint8) g_ascii_strtoull (pair, NULL, 16);
}

/* /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask…, the addresses in
 * hex as the kernel stores them (network order, read as a little-endian number). */
static void
read_routes4 (GPtrArray *uses)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/net/route", &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      VireoSubnet subnet = { G_SOCKET_FAMILY_IPV4 };
      g_autofree char *owner = NULL;
      g_autofree char *text = NULL;
      guint32 dest, mask;

      for (guint f = 0; fields[f] != NULL; f++)
        if (fields[f][0] != '\0')
          g_ptr_array_add (words, fields[f]);
      if (words->len < 8)
        continue;
      dest = (guint32) g_ascii_strtoull (words->pdata[1], NULL, 16);
      mask = (guint32) g_ascii_strtoull (words->pdata[7], NULL, 16);
      if (mask == 0)
        continue;   /* the default route */
      memcpy (subnet.bytes, &dest, 4);
      subnet.prefix = mask_to_prefix ((guint8 *) &mask, 4);
      text = vireo_subnet_to_string (&subnet, TRUE);
      owner = g_strdup_printf (_("the route to %s through %s"), text, (char *) words->pdata[0]);
      vireo_subnet_use_add (uses, &subnet, owner);
    }
}

/* /proc/net/ipv6_route: destination (32 hex digits), its prefix (2), source, its prefix, next
 * hop, metric, references, use, flags, interface; every table, so the local ones are left out. */
static void
read_routes6 (GPtrArray *uses)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/net/ipv6_route", &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      VireoSubnet subnet = { G_SOCKET_FAMILY_IPV6 };
      g_autofree char *owner = NULL;
      g_autofree char *text = NULL;

      for (guint f = 0; fields[f] != NULL; f++)
        if (fields[f][0] != '\0')
          g_ptr_array_add (words, fields[f]);
      if (words->len < 10 || strlen (words->pdata[0]) != 32)
        continue;
      for (guint b = 0; b < 16; b++)
        subnet.bytes[b] = hex_byte ((char *) words->pdata[0] + 2 * b);
      subnet.prefix = hex_byte (words->pdata[1]);
      if (subnet.prefix == 0 || subnet.prefix == 128 || subnet.bytes[0] == 0xff
          || (subnet.bytes[0] == 0xfe && (subnet.bytes[1] & 0xc0) == 0x80)
          || g_str_equal (words->pdata[9], "lo"))
        continue;   /* default, host, multicast, link-local and loopback routes */
      text = vireo_subnet_to_string (&subnet, TRUE);
      owner = g_strdup_printf (_("the route to %s through %s"), text, (char *) words->pdata[9]);
      vireo_subnet_use_add (uses, &subnet, owner);
    }
}

/**
 * vireo_host_subnets_read:
 *
 * Returns: (transfer full) (element-type VireoSubnetUse): the subnets of the host's interface
 *   addresses and of its routes (not the default ones)
 */
GPtrArray *
vireo_host_subnets_read (void)
{
  GPtrArray *uses = vireo_subnet_uses_new ();

  read_addresses (uses);
  read_routes4 (uses);
  read_routes6 (uses);
  return uses;
}

/* The spec */

void
vireo_network_spec_free (VireoNetworkSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->mode);
  g_free (spec->domain);
  g_free (spec->forward_dev);
  g_free (spec);
}

/**
 * vireo_network_name_check:
 *
 * Returns: whether @name can name a network: 1 to 50 letters, digits, "-", "_" and ".", not
 *   starting with "-" or "."
 */
gboolean
vireo_network_name_check (const char  *name,
                          GError     **error)
{
  gsize length = name != NULL ? strlen (name) : 0;
  gboolean ok = length > 0 && length <= NAME_MAX_LENGTH && name[0] != '-' && name[0] != '.';

  for (gsize i = 0; ok && i < length; i++)
    ok = g_ascii_isalnum (name[i]) || name[i] == '-' || name[i] == '_' || name[i] == '.';

  if (length == 0)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("Give the network a name: 1 to %d letters, digits, “-”, “_” and “.”."), NAME_MAX_LENGTH);
  else if (!ok)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("“%s” cannot name a network: use 1 to %d letters, digits, “-”, “_” and “.”, not starting with “-” or “.”."),
                 name != NULL && g_utf8_validate (name, -1, NULL) ? name : "?", NAME_MAX_LENGTH);
  return ok;
}

static gboolean
domain_check (const char  *domain,
              GError     **error)
{
  gsize length = strlen (domain);
  gboolean ok = length > 0 && length <= 253 && domain[0] != '.' && domain[0] != '-' && domain[length - 1] != '.';

  for (gsize i = 0; ok && i < length; i++)
    ok = g_ascii_isalnum (domain[i]) || domain[i] == '-' || domain[i] == '.';
  if (ok && strstr (domain, "..") != NULL)
    ok = FALSE;
  if (!ok)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a DNS domain, such as lab.test."),
                 g_utf8_validate (domain, -1, NULL) ? domain : "?");
  return ok;
}

static gboolean
host_address_check (const VireoSubnet  *subnet,
                    guint               min_prefix,
                    guint               max_prefix,
                    GError            **error)
{
  g_autofree char *text = vireo_subnet_to_string (subnet, FALSE);
  guint8 first[16], last[16];
  guint size = subnet_size (subnet->family);

  if (subnet->prefix < min_prefix || subnet->prefix > max_prefix)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The prefix of %s must be from %u to %u."), text, min_prefix, max_prefix);
      return FALSE;
    }

  subnet_edge (subnet, FALSE, first);
  subnet_edge (subnet, TRUE, last);
  if (memcmp (first, subnet->bytes, size) == 0
      || (subnet->family == G_SOCKET_FAMILY_IPV4 && memcmp (last, subnet->bytes, size) == 0))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   subnet->family == G_SOCKET_FAMILY_IPV4
                   ? _("%s is the subnet’s own or broadcast address: give the host’s address on it, such as its first one.")
                   : _("%s is the subnet’s own address: give the host’s address on it, such as its first one."),
                   text);
      return FALSE;
    }
  return TRUE;
}

static const struct {
  const char *key;
  const char *type;
  const char *type_words;
} spec_keys[] = {
  { "name",        "s", N_("a string") },
  { "mode",        "s", N_("a string") },
  { "ipv4",        "s", N_("a string") },
  { "dhcp",        "b", N_("a boolean") },
  { "ipv6",        "s", N_("a string") },
  { "domain",      "s", N_("a string") },
  { "forward-dev", "s", N_("a string") },
  { "autostart",   "b", N_("a boolean") },
};

/**
 * vireo_network_spec_new_from_variant:
 * @variant: CreateNetwork's a{sv}
 *
 * Returns: (nullable): the spec, every key known, of its type, and well-formed; else %NULL
 *   with a sentence in @error
 */
VireoNetworkSpec *
vireo_network_spec_new_from_variant (GVariant  *variant,
                                     GError   **error)
{
  g_autoptr(VireoNetworkSpec) spec = g_new0 (VireoNetworkSpec, 1);
  g_autofree char *ipv4 = NULL;
  g_autofree char *ipv6 = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT), NULL);

  g_variant_iter_init (&iter, variant);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (spec_keys) && !g_str_equal (spec_keys[i].key, key); i++)
        ;
      if (i == G_N_ELEMENTS (spec_keys))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("Unknown key “%s”: a network takes name, mode, ipv4, dhcp, ipv6, domain, forward-dev and autostart."),
                       g_utf8_validate (key, -1, NULL) ? key : "?");
          g_variant_unref (value);
          return NULL;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (spec_keys[i].type)))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” must be %s, not of type “%s”."), key, _(spec_keys[i].type_words),
                       g_variant_get_type_string (value));
          g_variant_unref (value);
          return NULL;
        }
    }

  spec->dhcp = TRUE;
  g_variant_lookup (variant, "name", "s", &spec->name);
  g_variant_lookup (variant, "mode", "s", &spec->mode);
  g_variant_lookup (variant, "ipv4", "s", &ipv4);
  g_variant_lookup (variant, "ipv6", "s", &ipv6);
  g_variant_lookup (variant, "dhcp", "b", &spec->dhcp);
  g_variant_lookup (variant, "domain", "s", &spec->domain);
  g_variant_lookup (variant, "forward-dev", "s", &spec->forward_dev);
  g_variant_lookup (variant, "autostart", "b", &spec->autostart);

  if (!vireo_network_name_check (spec->name, error))
    return NULL;

  if (spec->mode == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("A network needs a mode: nat, isolated, routed or open."));
      return NULL;
    }
  if (!g_str_equal (spec->mode, "nat") && !g_str_equal (spec->mode, "isolated")
      && !g_str_equal (spec->mode, "routed") && !g_str_equal (spec->mode, "open"))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("Unknown mode “%s”: a network’s mode is nat, isolated, routed or open."),
                   g_utf8_validate (spec->mode, -1, NULL) ? spec->mode : "?");
      return NULL;
    }

  if (ipv4 == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("A network needs the host’s IPv4 address on it with a prefix (“ipv4”), such as 192.168.150.1/24."));
      return NULL;
    }
  if (!vireo_subnet_parse (ipv4, G_SOCKET_FAMILY_IPV4, &spec->ipv4, error)
      || !host_address_check (&spec->ipv4, 8, 30, error))
    return NULL;

  if (ipv6 != NULL)
    {
      if (!vireo_subnet_parse (ipv6, G_SOCKET_FAMILY_IPV6, &spec->ipv6, error)
          || !host_address_check (&spec->ipv6, 64, 124, error))
        return NULL;
      spec->has_ipv6 = TRUE;
    }

  if (spec->domain != NULL && !domain_check (spec->domain, error))
    return NULL;

  if (spec->forward_dev != NULL)
    {
      if (!g_str_equal (spec->mode, "nat") && !g_str_equal (spec->mode, "routed"))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("Only nat and routed networks forward through a host interface (“forward-dev”)."));
          return NULL;
        }
      if (spec->forward_dev[0] == '\0' || strlen (spec->forward_dev) >= IFNAMSIZ
          || strchr (spec->forward_dev, '/') != NULL || strchr (spec->forward_dev, ' ') != NULL
          || !g_utf8_validate (spec->forward_dev, -1, NULL))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” cannot name a network interface."),
                       g_utf8_validate (spec->forward_dev, -1, NULL) ? spec->forward_dev : "?");
          return NULL;
        }
    }

  return g_steal_pointer (&spec);
}

static gboolean
check_one (const VireoSubnet  *subnet,
           GPtrArray          *uses,
           GError            **error)
{
  for (guint i = 0; i < uses->len; i++)
    {
      VireoSubnetUse *use = g_ptr_array_index (uses, i);

      if (vireo_subnet_overlaps (subnet, &use->subnet))
        {
          g_autofree char *text = vireo_subnet_to_string (subnet, TRUE);

          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("The subnet %s overlaps %s."), text, use->owner);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * vireo_network_spec_check_overlap:
 * @uses: (element-type VireoSubnetUse): the subnets in use
 *
 * Returns: %FALSE, naming the first overlap, when one of @spec's subnets overlaps one in use
 */
gboolean
vireo_network_spec_check_overlap (const VireoNetworkSpec  *spec,
                                  GPtrArray               *uses,
                                  GError                 **error)
{
  return check_one (&spec->ipv4, uses, error)
         && (!spec->has_ipv6 || check_one (&spec->ipv6, uses, error));
}

static void
set_prop (xmlNodePtr  node,
          const char *name,
          const char *value)
{
  xmlSetProp (node, (const xmlChar *) name, (const xmlChar *) value);
}

static xmlNodePtr
add_child (xmlNodePtr  parent,
           const char *name,
           const char *content)
{
  /* xmlNewTextChild escapes @content; xmlNewChild would not. */
  return xmlNewTextChild (parent, NULL, (const xmlChar *) name, (const xmlChar *) content);
}

/* The DHCP range of @subnet: from its first address (its second, when the host has the first)
 * to its last but one for IPv4, to the end of its last group of 16 bits for IPv6 (libvirt's
 * limit). */
static void
add_ip (xmlNodePtr         root,
        const VireoSubnet *subnet,
        gboolean           dhcp)
{
  xmlNodePtr ip = add_child (root, "ip", NULL);
  g_autofree char *address = bytes_to_string (subnet->family, subnet->bytes);
  g_autofree char *prefix = g_strdup_printf ("%u", subnet->prefix);
  guint size = subnet_size (subnet->family);
  guint8 start[16], end[16], limit[16];

  if (subnet->family == G_SOCKET_FAMILY_IPV6)
    set_prop (ip, "family", "ipv6");
  set_prop (ip, "address", address);
  set_prop (ip, "prefix", prefix);
  if (!dhcp)
    return;

  subnet_edge (subnet, FALSE, start);
  bytes_add (start, size, 1);
  if (memcmp (start, subnet->bytes, size) == 0)
    bytes_add (start, size, 1);
  subnet_edge (subnet, TRUE, end);
  if (subnet->family == G_SOCKET_FAMILY_IPV4)
    {
      /* The broadcast address is not for hosts. */
      for (guint i = size; i > 0; i--)
        if (end[i - 1]-- != 0)
          break;
    }
  else
    {
      /* libvirt takes an IPv6 range only within one last group of 16 bits. */
      memcpy (limit, start, size);
      limit[size - 2] = limit[size - 1] = 0xff;
      if (memcmp (limit, end, size) < 0)
        memcpy (end, limit, size);
    }

  {
    xmlNodePtr range = add_child (add_child (ip, "dhcp", NULL), "range", NULL);
    g_autofree char *first = bytes_to_string (subnet->family, start);
    g_autofree char *last = bytes_to_string (subnet->family, end);

    set_prop (range, "start", first);
    set_prop (range, "end", last);
  }
}

/**
 * vireo_network_spec_to_xml:
 *
 * Returns: the network's XML for libvirt
 */
char *
vireo_network_spec_to_xml (const VireoNetworkSpec *spec)
{
  xmlDocPtr doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNodePtr root = xmlNewNode (NULL, (const xmlChar *) "network");
  xmlNodePtr bridge;
  xmlChar *buffer = NULL;
  int length = 0;
  char *xml;

  xmlDocSetRootElement (doc, root);
  add_child (root, "name", spec->name);
  if (!g_str_equal (spec->mode, "isolated"))
    {
      xmlNodePtr forward = add_child (root, "forward", NULL);

      set_prop (forward, "mode", g_str_equal (spec->mode, "routed") ? "route" : spec->mode);
      if (spec->forward_dev != NULL)
        set_prop (forward, "dev", spec->forward_dev);
    }
  bridge = add_child (root, "bridge", NULL);
  set_prop (bridge, "stp", "on");
  set_prop (bridge, "delay", "0");
  if (spec->domain != NULL)
    {
      xmlNodePtr domain = add_child (root, "domain", NULL);

      set_prop (domain, "name", spec->domain);
      set_prop (domain, "localOnly", "yes");
    }
  add_ip (root, &spec->ipv4, spec->dhcp);
  if (spec->has_ipv6)
    add_ip (root, &spec->ipv6, spec->dhcp);

  xmlDocDumpFormatMemoryEnc (doc, &buffer, &length, "UTF-8", 1);
  xml = g_strndup ((const char *) buffer, length);
  xmlFree (buffer);
  xmlFreeDoc (doc);
  return xml;
}
