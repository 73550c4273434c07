/* vireo-network-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-network-util"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "vireo-network-util.h"

/**
 * vireo_network_mode_label:
 * @mode: a Network's Mode ("nat", "isolated", "routed", "open", "bridge", "other")
 *
 * Returns: what to call it, short ("NAT")
 */
const char *
vireo_network_mode_label (const char *mode)
{
  if (g_strcmp0 (mode, "nat") == 0)
    return _("NAT");
  if (g_strcmp0 (mode, "isolated") == 0)
    return _("Isolated");
  if (g_strcmp0 (mode, "routed") == 0)
    return _("Routed");
  if (g_strcmp0 (mode, "open") == 0)
    return _("Open");
  if (g_strcmp0 (mode, "bridge") == 0)
    return _("Host bridge");
  return _("Other");
}

/**
 * vireo_network_mode_description:
 *
 * Returns: what the mode does, in one sentence
 */
const char *
vireo_network_mode_description (const char *mode)
{
  if (g_strcmp0 (mode, "nat") == 0)
    return _("Machines reach the host’s networks and the internet through the host, which hides them behind its own address.");
  if (g_strcmp0 (mode, "isolated") == 0)
    return _("Machines reach each other and the host, and nothing else.");
  if (g_strcmp0 (mode, "routed") == 0)
    return _("The host routes the network without hiding it: other computers reach the machines if their router knows the way.");
  if (g_strcmp0 (mode, "open") == 0)
    return _("Like routed, but Vireo adds no firewall rule: the host’s own firewall decides.");
  if (g_strcmp0 (mode, "bridge") == 0)
    return _("Machines join a network of the host directly, as if plugged into it.");
  return _("A network Vireo cannot describe.");
}

static gboolean
parse_cidr (const char  *text,
            GInetAddress **address,
            guint        *prefix)
{
  g_auto(GStrv) parts = NULL;
  guint64 value;
  guint max;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, "/", 2);
  if (parts[0] == NULL || parts[1] == NULL)
    return FALSE;
  *address = g_inet_address_new_from_string (parts[0]);
  if (*address == NULL)
    return FALSE;
  max = g_inet_address_get_family (*address) == G_SOCKET_FAMILY_IPV4 ? 32 : 128;
  if (!g_ascii_string_to_unsigned (parts[1], 10, 0, max, &value, NULL))
    {
      g_clear_object (address);
      return FALSE;
    }
  *prefix = (guint) value;
  return TRUE;
}

/* The first @prefix bits of @address, the rest zero. */
static GInetAddress *
mask (GInetAddress *address,
      guint         prefix)
{
  guint8 bytes[16];
  gsize size = g_inet_address_get_native_size (address);

  memcpy (bytes, g_inet_address_to_bytes (address), size);
  for (gsize i = 0; i < size; i++)
    {
      guint first = (guint) i * 8;

      if (first >= prefix)
        bytes[i] = 0;
      else if (prefix - first < 8)
        bytes[i] &= (guint8) (0xff << (8 - (prefix - first)));
    }
  return g_inet_address_new_from_bytes (bytes, g_inet_address_get_family (address));
}

/**
 * vireo_network_subnet:
 * @address: an address with its prefix ("192.168.150.1/24")
 *
 * Returns: (nullable): its subnet ("192.168.150.0/24"), or %NULL when @address is malformed
 */
char *
vireo_network_subnet (const char *address)
{
  g_autoptr(GInetAddress) parsed = NULL;
  g_autoptr(GInetAddress) masked = NULL;
  g_autofree char *text = NULL;
  guint prefix;

  if (!parse_cidr (address, &parsed, &prefix))
    return NULL;
  masked = mask (parsed, prefix);
  text = g_inet_address_to_string (masked);
  return g_strdup_printf ("%s/%u", text, prefix);
}

/**
 * vireo_network_address_is_valid:
 * @text: what the user typed
 * @version: 4 or 6
 *
 * Only the form: whether the helper may take it, or must refuse it for a reason it alone
 * knows (a subnet in use), is the helper's to say.
 *
 * Returns: whether @text is an IPv@version address with its prefix ("192.168.150.1/24")
 */
gboolean
vireo_network_address_is_valid (const char *text,
                                guint       version)
{
  g_autoptr(GInetAddress) parsed = NULL;
  guint prefix;

  g_return_val_if_fail (version == 4 || version == 6, FALSE);

  return parse_cidr (text, &parsed, &prefix)
         && g_inet_address_get_family (parsed) == (version == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
}

/**
 * vireo_network_subnets_overlap:
 * @a: an address with its prefix
 * @b: another
 *
 * Returns: whether the two subnets share an address (%FALSE when either is malformed, or
 *   they are of different families)
 */
gboolean
vireo_network_subnets_overlap (const char *a,
                               const char *b)
{
  g_autoptr(GInetAddress) first = NULL;
  g_autoptr(GInetAddress) second = NULL;
  g_autoptr(GInetAddress) first_masked = NULL;
  g_autoptr(GInetAddress) second_masked = NULL;
  guint first_prefix, second_prefix, shorter;

  if (!parse_cidr (a, &first, &first_prefix) || !parse_cidr (b, &second, &second_prefix)
      || g_inet_address_get_family (first) != g_inet_address_get_family (second))
    return FALSE;
  shorter = MIN (first_prefix, second_prefix);
  first_masked = mask (first, shorter);
  second_masked = mask (second, shorter);
  return g_inet_address_equal (first_masked, second_masked);
}

/**
 * vireo_network_propose_ipv4:
 * @used: (array zero-terminated=1) (nullable): the subnets already taken, each an address
 *   with its prefix
 *
 * Returns: the host's address on the first of 192.168.100.0/24 … 192.168.254.0/24 that
 *   overlaps none of @used ("192.168.100.1/24"), as virt-manager proposes; %NULL when all are
 *   taken
 */
char *
vireo_network_propose_ipv4 (const char * const *used)
{
  for (guint third = 100; third < 255; third++)
    {
      g_autofree char *candidate = g_strdup_printf ("192.168.%u.1/24", third);
      gboolean taken = FALSE;

      for (gsize i = 0; used != NULL && used[i] != NULL && !taken; i++)
        taken = vireo_network_subnets_overlap (candidate, used[i]);
      if (!taken)
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

/**
 * vireo_interface_kind_label:
 * @kind: a host interface's kind, as ListHostInterfaces says
 *
 * Returns: what to call it ("Wired", "Wi-Fi")
 */
const char *
vireo_interface_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "ethernet") == 0)
    return _("Wired");
  if (g_strcmp0 (kind, "wifi") == 0)
    return _("Wi-Fi");
  if (g_strcmp0 (kind, "bridge") == 0)
    return _("Bridge");
  if (g_strcmp0 (kind, "bond") == 0)
    return _("Bond");
  if (g_strcmp0 (kind, "vlan") == 0)
    return _("VLAN");
  return _("Virtual");
}

/**
 * vireo_nic_title:
 * @type: a Nic's type ("network", "bridge", "direct", "user", "other")
 * @source: its source
 *
 * Returns: what the machine's interface is plugged into, for a person
 */
char *
vireo_nic_title (const char *type,
                 const char *source)
{
  if (g_strcmp0 (type, "network") == 0)
    return g_strdup_printf (_("Virtual network “%s”"), source);
  if (g_strcmp0 (type, "bridge") == 0)
    return g_strdup_printf (_("Host bridge “%s”"), source);
  if (g_strcmp0 (type, "direct") == 0)
    return g_strdup_printf (_("Macvtap on “%s”"), source);
  if (g_strcmp0 (type, "user") == 0)
    return g_strdup (_("User-mode networking"));
  return g_strdup (_("Other connection"));
}
