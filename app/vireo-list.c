/* vireo-list.c
 *
 * Lists the machines the helper serves: what ./run.sh shows until the window exists, and a
 * quick check that the helper answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-list"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "vireo-dbus-generated.h"
#include "vireo-error.h"

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  VireoDBusMachine *ma = *(VireoDBusMachine **) a;
  VireoDBusMachine *mb = *(VireoDBusMachine **) b;

  return g_utf8_collate (vireo_dbus_machine_get_name (ma), vireo_dbus_machine_get_name (mb));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDBusObjectManager) client = NULL;
  g_autoptr(GDBusObject) manager_object = NULL;
  g_autoptr(GPtrArray) machines = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autolist(GDBusObject) objects = NULL;
  VireoDBusManager *manager = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  textdomain (GETTEXT_PACKAGE);
  (void) vireo_error_quark ();

  client = vireo_dbus_object_manager_client_new_for_bus_sync (G_BUS_TYPE_SYSTEM,
                                                              G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                                              "org.vireo.Hypervisor1", "/org/vireo/Hypervisor1",
                                                              NULL, &error);
  if (client == NULL)
    {
      g_printerr (_("Cannot reach the Vireo helper: %s\n"), error->message);
      return 1;
    }

  /* Wait (at most 15 s) for the helper and its connection to libvirtd. */
  timeout_id = g_timeout_add_seconds (15, timeout_cb, &timed_out);
  while (!timed_out)
    {
      if (manager == NULL && (manager_object = g_dbus_object_manager_get_object (client, "/org/vireo/Hypervisor1/Manager")) != NULL)
        manager = vireo_dbus_object_peek_manager (VIREO_DBUS_OBJECT (manager_object));
      if (manager != NULL && vireo_dbus_manager_get_connected (manager))
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (timeout_id);

  if (manager == NULL)
    {
      g_printerr (_("The Vireo helper (org.vireo.Hypervisor1) is not running.\n"));
      return 1;
    }

  g_print (_("Host %s: %u CPUs (%s), %" G_GUINT64_FORMAT " MiB, libvirt %s, QEMU %s\n"),
           vireo_dbus_manager_get_hostname (manager), vireo_dbus_manager_get_cpu_count (manager),
           vireo_dbus_manager_get_cpu_model (manager), vireo_dbus_manager_get_memory_mib (manager),
           vireo_dbus_manager_get_libvirt_version (manager), vireo_dbus_manager_get_hypervisor_version (manager));
  g_print ("%s\n", vireo_dbus_manager_get_accelerator_reason (manager));
  if (!vireo_dbus_manager_get_connected (manager))
    {
      g_printerr (_("The helper is not connected to libvirtd: %s\n"),
                  vireo_dbus_manager_get_connection_error (manager));
      return 1;
    }

  /* The list arrives right after the connection: let it settle. */
  timed_out = FALSE;
  timeout_id = g_timeout_add (300, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);

  objects = g_dbus_object_manager_get_objects (client);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusMachine *machine = vireo_dbus_object_get_machine (VIREO_DBUS_OBJECT (l->data));

      if (machine != NULL)
        g_ptr_array_add (machines, machine);
    }
  g_ptr_array_sort (machines, compare_names);

  g_print (_("%u machines\n"), machines->len);
  if (machines->len > 0)
    g_print ("%-32s %-14s %5s %10s\n", _("NAME"), _("STATE"), _("vCPUs"), _("MEMORY"));
  for (guint i = 0; i < machines->len; i++)
    {
      VireoDBusMachine *machine = g_ptr_array_index (machines, i);

      g_print ("%-32s %-14s %5u %6" G_GUINT64_FORMAT " MiB\n",
               vireo_dbus_machine_get_name (machine), vireo_dbus_machine_get_state (machine),
               vireo_dbus_machine_get_vcpus (machine), vireo_dbus_machine_get_memory_mib (machine));
    }

  return 0;
}
