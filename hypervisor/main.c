/* main.c
 *
 * vireo-hypervisor: the privileged helper. It owns org.vireo.Hypervisor1 and drives libvirt
 * for the Vireo app; polkit decides every call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-hypervisor"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "vireo-authority.h"
#include "vireo-bridge.h"
#include "vireo-daemon.h"
#include "vireo.h"

static GMainLoop *main_loop;
static int exit_status = 0;

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  g_message ("Owning %s", name);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  if (connection == NULL)
    g_printerr ("vireo-hypervisor: lost the connection to the bus\n");
  else
    g_printerr ("vireo-hypervisor: cannot own %s: another helper owns it, or the bus policy "
                "does not allow it (install data/org.vireo.Hypervisor1.conf)\n", name);
  exit_status = 1;
  g_main_loop_quit (main_loop);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_message ("Terminating");
  g_main_loop_quit (main_loop);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(VireoDaemon) daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *libvirt_uri = NULL;
  g_autofree char *accel = NULL;
  g_autofree char *state_dir = NULL;
  gboolean opt_system = FALSE;
  gboolean opt_session = FALSE;
  gboolean opt_replace = FALSE;
  gboolean opt_version = FALSE;
  int opt_auth_timeout = VIREO_AUTH_TIMEOUT_DEFAULT_S;
  GBusNameOwnerFlags flags = G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT;
  VireoAccelMode accel_mode = VIREO_ACCEL_AUTO;
  guint owner_id;
  const GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &opt_system, N_("Serve on the system bus (the default)"), NULL },
    { "session", 0, 0, G_OPTION_ARG_NONE, &opt_session, N_("Serve on the session bus"), NULL },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("Serve on the bus at ADDRESS"), N_("ADDRESS") },
    { "libvirt-uri", 0, 0, G_OPTION_ARG_STRING, &libvirt_uri, N_("Manage this libvirt URI (default qemu:///system)"), N_("URI") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &opt_replace, N_("Replace a running helper"), NULL },
    { "accel", 0, 0, G_OPTION_ARG_STRING, &accel, N_("Accelerator for new machines: auto, kvm or tcg"), N_("MODE") },
    { "auth-timeout", 0, 0, G_OPTION_ARG_INT, &opt_auth_timeout, N_("Give up on a polkit check after SECONDS (default 300)"), N_("SECONDS") },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, N_("Keep the helper's records (bridges it made) in DIR (default /var/lib/vireo)"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("The privileged helper of Vireo, the virtual machine manager."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vireo-hypervisor: %s\n", error->message);
      return 2;
    }

  if (opt_version)
    {
      g_print ("vireo-hypervisor %s\n", PACKAGE_VERSION);
      return 0;
    }

  if ((opt_system ? 1 : 0) + (opt_session ? 1 : 0) + (address != NULL ? 1 : 0) > 1)
    {
      g_printerr ("vireo-hypervisor: give only one of --system, --session and --address\n");
      return 2;
    }

  if (accel != NULL && !vireo_accel_mode_parse (accel, &accel_mode))
    {
      g_printerr ("vireo-hypervisor: --accel takes auto, kvm or tcg, not “%s”\n", accel);
      return 2;
    }

  if (opt_auth_timeout < 1)
    {
      g_printerr ("vireo-hypervisor: --auth-timeout takes a number of seconds, at least 1\n");
      return 2;
    }
  vireo_authority_set_timeout (opt_auth_timeout);

  if (state_dir != NULL)
    vireo_bridge_set_state_dir (state_dir);

  if (libvirt_uri == NULL)
    libvirt_uri = g_strdup ("qemu:///system");

  /* Registers the error names before any reply goes out. */
  (void) vireo_error_quark ();

  if (address != NULL)
    connection = g_dbus_connection_new_for_address_sync (address,
                                                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                         | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                         NULL, NULL, &error);
  else
    connection = g_bus_get_sync (opt_session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("vireo-hypervisor: cannot connect to the bus: %s\n", error->message);
      return 1;
    }
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  main_loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, NULL);
  g_unix_signal_add (SIGTERM, quit_cb, NULL);

  daemon = vireo_daemon_new (connection, libvirt_uri, accel_mode);
  if (!vireo_daemon_start (daemon, &error))
    {
      g_printerr ("vireo-hypervisor: cannot export objects: %s\n", error->message);
      return 1;
    }

  if (opt_replace)
    flags |= G_BUS_NAME_OWNER_FLAGS_REPLACE;
  owner_id = g_bus_own_name_on_connection (connection, VIREO_BUS_NAME, flags,
                                           name_acquired_cb, name_lost_cb, NULL, NULL);

  g_main_loop_run (main_loop);

  g_bus_unown_name (owner_id);
  g_clear_pointer (&main_loop, g_main_loop_unref);
  return exit_status;
}
