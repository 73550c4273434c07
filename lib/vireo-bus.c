/* vireo-bus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "vireo-bus.h"

/**
 * vireo_machine_path_for_uuid:
 * @uuid: a libvirt domain's UUID
 *
 * Returns: (transfer full): the object path of the machine with @uuid
 */
char *
vireo_machine_path_for_uuid (const char *uuid)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (uuid != NULL, NULL);

  escaped = g_dbus_escape_object_path (uuid);
  return g_strconcat (VIREO_MACHINES_PATH "/", escaped, NULL);
}

/**
 * vireo_network_path_for_uuid:
 * @uuid: a libvirt network's UUID
 *
 * Returns: (transfer full): the object path of the network with @uuid
 */
char *
vireo_network_path_for_uuid (const char *uuid)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (uuid != NULL, NULL);

  escaped = g_dbus_escape_object_path (uuid);
  return g_strconcat (VIREO_NETWORKS_PATH "/", escaped, NULL);
}
