/* vireo-host-interface.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-host-interface"

#include "config.h"

#include "vireo-host-interface.h"

/* A details string, "" when absent or of another type. */
static char *
lookup_string (GVariant   *details,
               const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (details, key, "&s", &value))
    value = "";
  return g_strdup (value);
}

static GStrv
lookup_strv (GVariant   *details,
             const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (details, key, G_VARIANT_TYPE_STRING_ARRAY);

  return value != NULL ? g_variant_dup_strv (value, NULL) : g_new0 (char *, 1);
}

static gboolean
lookup_boolean (GVariant   *details,
                const char *key)
{
  gboolean value = FALSE;

  g_variant_lookup (details, key, "b", &value);
  return value;
}

/**
 * vireo_host_interface_new:
 * @entry: one (ssbba{sv}) entry of ListHostInterfaces' answer
 *
 * Returns: (transfer full): the interface; details of an unexpected type read as absent
 */
VireoHostInterface *
vireo_host_interface_new (GVariant *entry)
{
  VireoHostInterface *iface;
  GVariant *details;

  g_return_val_if_fail (entry != NULL && g_variant_is_of_type (entry, G_VARIANT_TYPE ("(ssbba{sv})")), NULL);

  iface = g_new0 (VireoHostInterface, 1);
  g_variant_get (entry, "(ssbb@a{sv})", &iface->name, &iface->kind, &iface->up, &iface->carrier, &details);
  iface->details = details;
  iface->mac = lookup_string (details, "mac");
  iface->addresses = lookup_strv (details, "addresses");
  iface->master = lookup_string (details, "master");
  iface->ports = lookup_strv (details, "ports");
  iface->libvirt_network = lookup_string (details, "libvirt-network");
  iface->vireo_bridge = lookup_boolean (details, "vireo-bridge");
  iface->bridgeable = lookup_boolean (details, "bridgeable");
  iface->why_not = lookup_string (details, "why-not");
  iface->networkmanager = lookup_boolean (details, "networkmanager");
  return iface;
}

VireoHostInterface *
vireo_host_interface_copy (const VireoHostInterface *iface)
{
  VireoHostInterface *copy;

  g_return_val_if_fail (iface != NULL, NULL);

  copy = g_new0 (VireoHostInterface, 1);
  copy->name = g_strdup (iface->name);
  copy->kind = g_strdup (iface->kind);
  copy->up = iface->up;
  copy->carrier = iface->carrier;
  copy->mac = g_strdup (iface->mac);
  copy->addresses = g_strdupv (iface->addresses);
  copy->master = g_strdup (iface->master);
  copy->ports = g_strdupv (iface->ports);
  copy->libvirt_network = g_strdup (iface->libvirt_network);
  copy->vireo_bridge = iface->vireo_bridge;
  copy->bridgeable = iface->bridgeable;
  copy->why_not = g_strdup (iface->why_not);
  copy->networkmanager = iface->networkmanager;
  copy->details = g_variant_ref (iface->details);
  return copy;
}

void
vireo_host_interface_free (VireoHostInterface *iface)
{
  if (iface == NULL)
    return;

  g_free (iface->name);
  g_free (iface->kind);
  g_free (iface->mac);
  g_strfreev (iface->addresses);
  g_free (iface->master);
  g_strfreev (iface->ports);
  g_free (iface->libvirt_network);
  g_free (iface->why_not);
  g_clear_pointer (&iface->details, g_variant_unref);
  g_free (iface);
}

G_DEFINE_BOXED_TYPE (VireoHostInterface, vireo_host_interface, vireo_host_interface_copy, vireo_host_interface_free)

/**
 * vireo_host_interface_equal:
 *
 * Returns: whether @a and @b say the same of the same interface (every detail compared)
 */
gboolean
vireo_host_interface_equal (const VireoHostInterface *a,
                            const VireoHostInterface *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return g_str_equal (a->name, b->name) && g_str_equal (a->kind, b->kind)
         && a->up == b->up && a->carrier == b->carrier
         && g_variant_equal (a->details, b->details);
}

/**
 * vireo_host_interfaces_new:
 * @interfaces: ListHostInterfaces' answer, a(ssbba{sv})
 *
 * Returns: (transfer full) (element-type VireoHostInterface): the interfaces, in the helper's
 *   order (by name)
 */
GPtrArray *
vireo_host_interfaces_new (GVariant *interfaces)
{
  GPtrArray *list;

  g_return_val_if_fail (interfaces != NULL && g_variant_is_of_type (interfaces, G_VARIANT_TYPE ("a(ssbba{sv})")), NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_host_interface_free);
  for (gsize i = 0; i < g_variant_n_children (interfaces); i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (interfaces, i);

      g_ptr_array_add (list, vireo_host_interface_new (entry));
    }
  return list;
}

/**
 * vireo_host_interfaces_equal:
 * @a: (element-type VireoHostInterface) (nullable):
 * @b: (element-type VireoHostInterface) (nullable):
 *
 * Returns: whether both lists say the same, in the same order
 */
gboolean
vireo_host_interfaces_equal (GPtrArray *a,
                             GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!vireo_host_interface_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}
