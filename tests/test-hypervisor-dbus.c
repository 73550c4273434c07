/* test-hypervisor-dbus.c: the real vireo-hypervisor on a private bus, against libvirt's test
 * driver, with polkit mocked by python3-dbusmock's polkitd template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vireo-authority.h"
#include "vireo-bus.h"
#include "vireo-dbus-generated.h"
#include "vireo-error.h"

#define BUS_NAME      "org.vireo.Hypervisor1"
#define N_FIXTURE     27
#define TIMEOUT_S     10

static GTestDBus *test_bus;
static GPid polkit_pid;
static char *fixture_uri;

typedef struct {
  GDBusConnection    *connection;
  GPid                helper_pid;
  GDBusObjectManager *client;
  VireoDBusManager   *manager;
} Fixture;

static const char *all_actions[] = {
  VIREO_ACTION_CONSOLE, VIREO_ACTION_LIFECYCLE, VIREO_ACTION_MODIFY, VIREO_ACTION_HOST_NETWORK,
  NULL,
};
static const char *no_actions[] = { NULL };

/* Helpers */

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @cond holds: no sleeps. */
static gboolean
wait_until (gboolean (*cond) (gpointer),
            gpointer   data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_S, timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  return !timed_out;
}

static void
set_allowed (Fixture            *f,
             const char * const *actions)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (f->connection, "org.freedesktop.PolicyKit1",
                                       "/org/freedesktop/PolicyKit1/Authority",
                                       "org.freedesktop.DBus.Mock", "SetAllowed",
                                       g_variant_new ("(^as)", actions), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static guint
count_objects (Fixture *f)
{
  g_autolist(GDBusObject) objects = g_dbus_object_manager_get_objects (f->client);

  return g_list_length (objects);
}

static VireoDBusMachine *
find_machine (Fixture    *f,
              const char *name)
{
  g_autolist(GDBusObject) objects = g_dbus_object_manager_get_objects (f->client);

  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusMachine *machine = vireo_dbus_object_peek_machine (VIREO_DBUS_OBJECT (l->data));

      if (machine != NULL && g_strcmp0 (vireo_dbus_machine_get_name (machine), name) == 0)
        return machine;
    }

  return NULL;
}

typedef struct {
  Fixture    *f;
  const char *name;
  const char *state;
  guint       count;
} Expect;

static gboolean
state_is (gpointer data)
{
  Expect *e = data;
  VireoDBusMachine *machine = find_machine (e->f, e->name);

  return machine != NULL && g_strcmp0 (vireo_dbus_machine_get_state (machine), e->state) == 0;
}

static gboolean
machine_gone (gpointer data)
{
  Expect *e = data;

  return find_machine (e->f, e->name) == NULL;
}

static gboolean
machine_present (gpointer data)
{
  Expect *e = data;

  return find_machine (e->f, e->name) != NULL;
}

static gboolean
object_count_is (gpointer data)
{
  Expect *e = data;

  return count_objects (e->f) == e->count;
}

static void
assert_state_becomes (Fixture    *f,
                      const char *name,
                      const char *state)
{
  Expect e = { f, name, state, 0 };

  if (!wait_until (state_is, &e))
    g_error ("%s did not become %s (it is %s)", name, state,
             find_machine (f, name) != NULL ? vireo_dbus_machine_get_state (find_machine (f, name)) : "gone");
}

/* Calls @method on the machine named @name and returns the reply. */
static GVariant *
call_machine (Fixture     *f,
              const char  *name,
              const char  *method,
              GVariant    *args,
              GError     **error)
{
  VireoDBusMachine *machine = find_machine (f, name);

  g_assert_nonnull (machine);
  return g_dbus_proxy_call_sync (G_DBUS_PROXY (machine), method, args, G_DBUS_CALL_FLAGS_NONE,
                                 -1, NULL, error);
}

static GVariant *
no_options (void)
{
  return g_variant_new ("(a{sv})", NULL);
}

static VireoDBusNetwork *find_network (Fixture    *f,
                                       const char *name);

/* Fixture */

static gboolean
helper_ready (gpointer data)
{
  Fixture *f = data;

  return f->manager != NULL && vireo_dbus_manager_get_connected (f->manager)
         && count_objects (f) == N_FIXTURE + 1;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusObject) object = NULL;
  g_autofree char *address_arg = g_strdup_printf ("--address=%s", g_test_dbus_get_bus_address (test_bus));
  g_autofree char *uri_arg = g_strdup_printf ("--libvirt-uri=%s", fixture_uri);
  const char *argv[] = { g_getenv ("VIREO_HYPERVISOR"), address_arg, uri_arg, "--replace", NULL };

  f->connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                          NULL, NULL, &error);
  g_assert_no_error (error);
  set_allowed (f, all_actions);

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &f->helper_pid, &error);
  g_assert_no_error (error);

  f->client = vireo_dbus_object_manager_client_new_sync (f->connection,
                                                         G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                                         BUS_NAME, "/org/vireo/Hypervisor1", NULL, &error);
  g_assert_no_error (error);

  /* The client follows the name's owner: wait for the helper's objects. */
  while (f->manager == NULL)
    {
      object = g_dbus_object_manager_get_object (f->client, "/org/vireo/Hypervisor1/Manager");
      if (object != NULL)
        f->manager = vireo_dbus_object_get_manager (VIREO_DBUS_OBJECT (object));
      else
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (wait_until (helper_ready, f));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  int status = 0;

  g_clear_object (&f->manager);
  g_clear_object (&f->client);
  kill (f->helper_pid, SIGTERM);
  g_assert_cmpint (waitpid (f->helper_pid, &status, 0), ==, f->helper_pid);
  g_spawn_close_pid (f->helper_pid);
  /* It stopped by itself on SIGTERM, cleanly: no crash, no leak report. */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_clear_object (&f->connection);
}

/* Tests */

static void
test_objects (Fixture       *f,
              gconstpointer  data)
{
  g_autolist(GDBusObject) objects = g_dbus_object_manager_get_objects (f->client);
  g_autoptr(GHashTable) states = g_hash_table_new (g_str_hash, g_str_equal);
  VireoDBusMachine *machine;
  GVariant *disks;
  const char *const *graphics;
  guint64 size = 0;
  const char *target = NULL;

  g_assert_cmpuint (g_list_length (objects), ==, N_FIXTURE + 1);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusMachine *m = vireo_dbus_object_peek_machine (VIREO_DBUS_OBJECT (l->data));
      g_autofree char *expected_path = NULL;
      g_autofree char *escaped = NULL;
      const char *state;

      if (m == NULL)
        continue;
      escaped = g_dbus_escape_object_path (vireo_dbus_machine_get_uuid (m));
      expected_path = g_strdup_printf ("/org/vireo/Hypervisor1/machines/%s", escaped);
      g_assert_cmpstr (g_dbus_object_get_object_path (l->data), ==, expected_path);
      state = vireo_dbus_machine_get_state (m);
      g_hash_table_insert (states, (gpointer) state,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (states, state)) + 1));
    }

  /* Every state of the fixture, as its README counts them. */
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "running")), ==, 8);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "paused")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "blocked")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "shutting-down")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "crashed")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "suspended")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "saved")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (states, "shutoff")), ==, 12);

  machine = find_machine (f, "debian-web");
  g_assert_nonnull (machine);
  g_assert_cmpstr (vireo_dbus_machine_get_uuid (machine), ==, "5e1f0a00-0000-4000-8000-000000000001");
  g_assert_cmpstr (vireo_dbus_machine_get_title (machine), !=, "");
  g_assert_nonnull (strchr (vireo_dbus_machine_get_description (machine), '\n'));
  g_assert_cmpstr (vireo_dbus_machine_get_os_id (machine), ==, "http://debian.org/debian/12");
  g_assert_cmpuint (vireo_dbus_machine_get_vcpus (machine), ==, 2);
  g_assert_cmpuint (vireo_dbus_machine_get_memory_mib (machine), ==, 2048);
  g_assert_true (vireo_dbus_machine_get_persistent (machine));
  graphics = vireo_dbus_machine_get_graphics_types (machine);
  g_assert_cmpuint (g_strv_length ((GStrv) graphics), ==, 2);
  g_assert_cmpstr (graphics[0], ==, "spice");
  g_assert_cmpstr (graphics[1], ==, "vnc");
  disks = vireo_dbus_machine_get_disks (machine);
  g_assert_cmpstr (g_variant_get_type_string (disks), ==, "a(sssts)");
  g_variant_get_child (disks, 0, "(&s&s&st&s)", &target, NULL, NULL, &size, NULL);
  g_assert_cmpstr (target, ==, "vda");
  g_assert_cmpuint (size, ==, G_GUINT64_CONSTANT (20) * 1024 * 1024 * 1024);

  {
    GVariant *nics = vireo_dbus_machine_get_nics (machine);
    const char *mac, *type, *source, *model;
    gboolean link_up;

    g_assert_cmpstr (g_variant_get_type_string (nics), ==, "a(ssssbas)");
    g_assert_cmpuint (g_variant_n_children (nics), ==, 1);
    g_variant_get_child (nics, 0, "(&s&s&s&sb@as)", &mac, &type, &source, &model, &link_up, NULL);
    g_assert_true (link_up);
    g_assert_cmpstr (mac, ==, "52:54:00:0a:00:01");
    g_assert_cmpstr (type, ==, "network");
    g_assert_cmpstr (source, ==, "default");
    g_assert_cmpstr (model, ==, "virtio");
    g_variant_get_child (vireo_dbus_machine_get_nics (find_machine (f, "fedora-workstation")), 0,
                         "(&s&s&s&sb@as)", &mac, &type, &source, &model, &link_up, NULL);
    g_assert_cmpstr (type, ==, "bridge");
    g_assert_cmpstr (source, ==, "br0");
  }

  /* The serial-only router has a serial port; a diskless PXE machine with only VNC has none. */
  g_assert_true (vireo_dbus_machine_get_has_serial (find_machine (f, "headless-router")));
  g_assert_false (vireo_dbus_machine_get_has_serial (find_machine (f, "pxe-diskless")));

  g_assert_nonnull (find_machine (f, "虚拟机"));
  g_assert_nonnull (find_machine (f, "Überprüfung-ü"));
  g_assert_false (vireo_dbus_machine_get_persistent (find_machine (f, "transient-scratch")));
  g_assert_cmpuint (vireo_dbus_machine_get_memory_mib (find_machine (f, "balloon-memory")), ==, 4096);
  g_assert_cmpuint (g_variant_n_children (vireo_dbus_machine_get_disks (find_machine (f, "pxe-diskless"))), ==, 0);

  g_assert_true (vireo_dbus_manager_get_connected (f->manager));
  g_assert_cmpstr (vireo_dbus_manager_get_connection_error (f->manager), ==, "");
  g_assert_cmpuint (vireo_dbus_manager_get_cpu_count (f->manager), ==, 8);
  g_assert_cmpuint (vireo_dbus_manager_get_memory_mib (f->manager), ==, 32768);
  g_assert_cmpstr (vireo_dbus_manager_get_libvirt_uri (f->manager), ==, fixture_uri);
  g_assert_cmpstr (vireo_dbus_manager_get_libvirt_version (f->manager), !=, "");
  g_assert_true (g_strv_contains ((const char *const[]){ "kvm", "tcg", NULL },
                                  vireo_dbus_manager_get_accelerator (f->manager)));
  g_assert_cmpstr (vireo_dbus_manager_get_accelerator_reason (f->manager), !=, "");
}

typedef struct {
  Fixture    *f;
  const char *name;
  const char *os_name;
} OsNameExpect;

static gboolean
os_name_is (gpointer data)
{
  OsNameExpect *e = data;
  VireoDBusMachine *machine = find_machine (e->f, e->name);

  return machine != NULL && g_strcmp0 (vireo_dbus_machine_get_os_name (machine), e->os_name) == 0;
}

/* OsName comes from libosinfo, read after the helper starts: PropertiesChanged fills it, and
 * GetManagedObjects carries it too. */
static void
test_os_name (Fixture       *f,
              gconstpointer  data)
{
  OsNameExpect cases[] = {
    { f, "debian-web", "Debian 12" },
    { f, "ubuntu-desktop", "Ubuntu 22.04 LTS" },
    { f, "win11-office", "Microsoft Windows 11" },
    { f, "tiny", "" },
  };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GError) error = NULL;

  /* The database takes a few seconds to read under ASan: three waits at most. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (!wait_until (os_name_is, &cases[i]) && !wait_until (os_name_is, &cases[i])
        && !wait_until (os_name_is, &cases[i]))
      g_error ("OsName of %s is “%s”, not “%s”", cases[i].name,
               vireo_dbus_machine_get_os_name (find_machine (f, cases[i].name)), cases[i].os_name);

  reply = g_dbus_connection_call_sync (f->connection, BUS_NAME, "/org/vireo/Hypervisor1",
                                       "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                       NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  objects = g_variant_get_child_value (reply, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (find_machine (f, cases[i].name)));
      g_autoptr(GVariant) ifaces = g_variant_lookup_value (objects, path, G_VARIANT_TYPE ("a{sa{sv}}"));
      g_autoptr(GVariant) props = NULL;
      const char *os_name = NULL;

      g_assert_nonnull (ifaces);
      props = g_variant_lookup_value (ifaces, "org.vireo.Hypervisor1.Machine", G_VARIANT_TYPE ("a{sv}"));
      g_assert_true (g_variant_lookup (props, "OsName", "&s", &os_name));
      g_assert_cmpstr (os_name, ==, cases[i].os_name);
    }
}

static void
test_properties_read_only (Fixture       *f,
                           gconstpointer  data)
{
  VireoDBusMachine *machine = find_machine (f, "tiny");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (f->connection, BUS_NAME,
                                       g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine)),
                                       "org.freedesktop.DBus.Properties", "Set",
                                       g_variant_new ("(ssv)", "org.vireo.Hypervisor1.Machine", "Name",
                                                      g_variant_new_string ("renamed")),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_nonnull (find_machine (f, "tiny"));
}

typedef struct {
  const char *method;
  const char *machine;
  const char *state_after;  /* NULL: no state check */
} LifecycleCase;

static const LifecycleCase lifecycle_cases[] = {
  { "Start",    "win11-office",     "running" },
  { "Shutdown", "fedora-workstation", "shutoff" },
  { "Reboot",   "big-compute",      "running" },
  { "ForceOff", "debian-web",       "shutoff" },
  { "Pause",    "fedora-workstation", "paused" },
  { "Resume",   "paused-database",  "running" },
  { "Save",     "storage-multi-disk", "saved" },
  { "Reset",    "big-compute",      NULL },
};

static const LifecycleCase *
find_case (const char *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (lifecycle_cases); i++)
    if (g_str_equal (lifecycle_cases[i].method, method))
      return &lifecycle_cases[i];
  g_assert_not_reached ();
}

static void
test_lifecycle_allowed (Fixture       *f,
                        gconstpointer  data)
{
  const LifecycleCase *c = find_case (data);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = call_machine (f, c->machine, c->method, no_options (), &error);
  if (c->state_after == NULL)
    {
      /* Reset: the test driver resets without a trace; the e2e suite checks that a real
       * guest starts again. Here it must at least succeed. */
      g_assert_no_error (error);
      g_assert_cmpstr (vireo_dbus_machine_get_state (find_machine (f, c->machine)), ==, "running");
      return;
    }

  g_assert_no_error (error);
  assert_state_becomes (f, c->machine, c->state_after);
}

static void
test_lifecycle_denied (Fixture       *f,
                       gconstpointer  data)
{
  const LifecycleCase *c = find_case (data);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = g_strdup (vireo_dbus_machine_get_state (find_machine (f, c->machine)));

  set_allowed (f, (const char *[]){ VIREO_ACTION_CONSOLE, VIREO_ACTION_MODIFY, NULL });
  reply = call_machine (f, c->machine, c->method, no_options (), &error);
  g_assert_null (reply);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);

  /* Nothing changed: a call that reaches the helper after ours sees the same state. */
  g_clear_pointer (&reply, g_variant_unref);
  set_allowed (f, all_actions);
  reply = call_machine (f, c->machine, "GetXml", no_options (), NULL);
  g_assert_nonnull (reply);
  g_assert_cmpstr (vireo_dbus_machine_get_state (find_machine (f, c->machine)), ==, before);
}

static void
test_lifecycle_invalid (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);

  /* Starting a running machine: a clear sentence, with libvirt's words under it. */
  reply = call_machine (f, "debian-web", "Start", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "“debian-web” is already running."));
  g_clear_error (&error);

  reply = call_machine (f, "paused-database", "Pause", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "already paused"));
  g_clear_error (&error);

  /* Start on a machine that is there but not running says what to do instead. */
  reply = call_machine (f, "paused-database", "Start", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "“paused-database” is paused: resume it"));
  g_clear_error (&error);
  reply = call_machine (f, "crashed-kernel-dev", "Start", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "“crashed-kernel-dev” has crashed: force it off"));
  g_clear_error (&error);
  reply = call_machine (f, "crashed-kernel-dev", "Pause", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "has crashed"));
  g_clear_error (&error);
  reply = call_machine (f, "suspended-laptop", "Start", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "“suspended-laptop” was suspended by its guest"));
  g_clear_error (&error);

  reply = call_machine (f, "win11-office", "Shutdown", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  /* A failure inside libvirt: our sentence, with libvirt's words under it. */
  reply = call_machine (f, "transient-scratch", "Save", no_options (), &error);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "GDBus.Error:org.vireo.Hypervisor1.Error."));
  g_assert_nonnull (strstr (error->message, "Could not save “transient-scratch”."));
  g_assert_nonnull (strstr (error->message, "\nlibvirt: "));
  g_clear_error (&error);

  /* An option nobody knows. */
  g_variant_builder_add (options, "{sv}", "force", g_variant_new_boolean (TRUE));
  reply = call_machine (f, "win11-office", "Start", g_variant_new ("(a{sv})", options), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (vireo_dbus_machine_get_state (find_machine (f, "win11-office")), ==, "shutoff");
}

static void
test_get_xml (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *xml;

  reply = call_machine (f, "escaping-title", "GetXml", no_options (), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  g_assert_nonnull (strstr (xml, "<name>escaping-title</name>"));
  g_clear_pointer (&reply, g_variant_unref);

  /* The live definition of a running machine has its id; the persistent one has none. */
  reply = call_machine (f, "debian-web", "GetXml", no_options (), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  g_assert_true (g_regex_match_simple ("<domain [^>]*\\bid='[0-9]+'", xml, 0, 0));
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_machine (f, "debian-web", "GetXml",
                        g_variant_new_parsed ("({'inactive': <true>},)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  g_assert_nonnull (strstr (xml, "<name>debian-web</name>"));
  g_assert_false (g_regex_match_simple ("<domain [^>]*\\bid=", xml, 0, 0));
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_machine (f, "debian-web", "GetXml",
                        g_variant_new_parsed ("({'inactive': <'yes'>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

}

/* One read rule: whoever polkit allows nothing still reads everything, and nothing else. */
static void
test_read_rule (Fixture       *f,
                gconstpointer  data)
{
  VireoDBusMachine *machine = find_machine (f, "debian-web");
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine));
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GError) error = NULL;
  const char *xml = NULL;

  set_allowed (f, no_actions);

  reply = g_dbus_connection_call_sync (f->connection, BUS_NAME, "/org/vireo/Hypervisor1",
                                       "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                       NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  objects = g_variant_get_child_value (reply, 0);
  g_assert_cmpuint (g_variant_n_children (objects), ==, N_FIXTURE + 1);
  g_clear_pointer (&reply, g_variant_unref);

  reply = g_dbus_connection_call_sync (f->connection, BUS_NAME, path, "org.freedesktop.DBus.Properties",
                                       "GetAll", g_variant_new ("(s)", "org.vireo.Hypervisor1.Machine"),
                                       G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  reply = g_dbus_connection_call_sync (f->connection, BUS_NAME, "/org/vireo/Hypervisor1/Manager",
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.vireo.Hypervisor1.Manager", "Hostname"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_machine (f, "debian-web", "GetXml", no_options (), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  g_assert_nonnull (strstr (xml, "<name>debian-web</name>"));
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_machine (f, "debian-web", "GetXml", g_variant_new_parsed ("({'inactive': <true>},)"), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  /* Bad input to a read is still refused. */
  reply = call_machine (f, "debian-web", "GetXml", g_variant_new_parsed ("({'secure': <true>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Anything beyond reading is not. */
  reply = call_machine (f, "debian-web", "ForceOff", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  g_assert_cmpstr (vireo_dbus_machine_get_state (machine), ==, "running");
}

static void
test_open_console (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* The test driver has no display servers: authorized, then refused by libvirt. */
  reply = call_machine (f, "debian-web", "OpenConsole", g_variant_new ("(sa{sv})", "vnc", NULL), &error);
  g_assert_null (reply);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  reply = call_machine (f, "win11-office", "OpenConsole", g_variant_new ("(sa{sv})", "spice", NULL), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "not running"));
  g_clear_error (&error);

  reply = call_machine (f, "headless-router", "OpenConsole", g_variant_new ("(sa{sv})", "vnc", NULL), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "no VNC display"));
  g_clear_error (&error);

  reply = call_machine (f, "debian-web", "OpenConsole", g_variant_new ("(sa{sv})", "rdp", NULL), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  set_allowed (f, (const char *[]){ VIREO_ACTION_LIFECYCLE, VIREO_ACTION_MODIFY, NULL });
  reply = call_machine (f, "debian-web", "OpenConsole", g_variant_new ("(sa{sv})", "vnc", NULL), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
}

static void
test_open_serial (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* Authorized, then refused by the test driver, which has no console streams. */
  reply = call_machine (f, "headless-router", "OpenSerial", g_variant_new ("(a{sv})", NULL), &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED));
  g_assert_true (g_error_matches (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED)
                 || g_error_matches (error, VIREO_ERROR, VIREO_ERROR_LIBVIRT));
  g_clear_error (&error);

  reply = call_machine (f, "win11-office", "OpenSerial", g_variant_new ("(a{sv})", NULL), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  reply = call_machine (f, "headless-router", "OpenSerial", g_variant_new_parsed ("({'force': <'yes'>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  reply = call_machine (f, "headless-router", "OpenSerial", g_variant_new_parsed ("({'device': <'serial1'>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  set_allowed (f, (const char *[]){ VIREO_ACTION_LIFECYCLE, VIREO_ACTION_MODIFY, NULL });
  reply = call_machine (f, "headless-router", "OpenSerial", g_variant_new ("(a{sv})", NULL), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
}

static void
test_delete_allowed (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  Expect gone = { f, "tiny", NULL, 0 };
  Expect gone_b = { f, "Überprüfung-ü", NULL, 0 };
  Expect gone_running = { f, "big-compute", NULL, 0 };

  reply = call_machine (f, "tiny", "Delete", no_options (), &error);
  g_assert_no_error (error);
  g_assert_true (wait_until (machine_gone, &gone));
  g_clear_pointer (&reply, g_variant_unref);

  /* A disk named by its target. */
  reply = call_machine (f, "Überprüfung-ü", "Delete", g_variant_new_parsed ("({'disks': <['vda']>},)"), &error);
  g_assert_no_error (error);
  g_assert_true (wait_until (machine_gone, &gone_b));
  g_clear_pointer (&reply, g_variant_unref);

  /* A running machine is stopped first. */
  reply = call_machine (f, "big-compute", "Delete", no_options (), &error);
  g_assert_no_error (error);
  g_assert_true (wait_until (machine_gone, &gone_running));
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 1 - 3);
}

static void
test_delete_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  VireoDBusMachine *machine = find_machine (f, "shared-disk-a");
  GVariant *disks = vireo_dbus_machine_get_disks (machine);
  const char *shared = NULL;

  for (gsize i = 0; i < g_variant_n_children (disks); i++)
    {
      const char *path;

      g_variant_get_child (disks, i, "(&s&s&st&s)", NULL, &path, NULL, NULL, NULL);
      if (strstr (path, "shared-data") != NULL)
        shared = path;
    }
  g_assert_nonnull (shared);

  /* A disk another machine uses. */
  reply = call_machine (f, "shared-disk-a", "Delete",
                        g_variant_new_parsed ("({'disks': <[%s]>},)", shared), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "shared-disk-b"));
  g_assert_nonnull (strstr (error->message, "nothing was deleted"));
  g_clear_error (&error);

  /* A disk that is not this machine's. */
  reply = call_machine (f, "shared-disk-a", "Delete",
                        g_variant_new_parsed ("({'disks': <['/etc/passwd']>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A block device is never deleted. */
  reply = call_machine (f, "block-device-disk", "Delete",
                        g_variant_new_parsed ("({'disks': <['/dev/vireo-vg/block-device-data']>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Wrong types. */
  reply = call_machine (f, "shared-disk-a", "Delete", g_variant_new_parsed ("({'disks': <'vda'>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Not allowed. */
  set_allowed (f, (const char *[]){ VIREO_ACTION_LIFECYCLE, VIREO_ACTION_CONSOLE, NULL });
  reply = call_machine (f, "tiny", "Delete", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);

  /* Nothing changed. */
  g_assert_nonnull (find_machine (f, "shared-disk-a"));
  g_assert_nonnull (find_machine (f, "block-device-disk"));
  g_assert_nonnull (find_machine (f, "tiny"));
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 1);
}

static char *
create_machine (Fixture     *f,
                const char  *spec,
                GError     **error)
{
  g_autoptr(GVariant) reply = NULL;
  char *path = NULL;

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (f->manager), "CreateMachine",
                                  g_variant_new_parsed (spec), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply != NULL)
    g_variant_get (reply, "(o)", &path);
  return path;
}

static void
test_create_allowed (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *path = NULL;
  g_autofree char *spec = NULL;
  g_autoptr(GDBusObject) object = NULL;
  VireoDBusMachine *machine;
  GVariant *disks;
  const char *device = NULL;
  guint64 size = 0;
  int fd;

  fd = g_file_open_tmp ("vireo-test-XXXXXX.iso", &iso, &error);
  g_assert_no_error (error);
  close (fd);

  spec = g_strdup_printf ("({'name': <'New machine ü'>, 'title': <'Made by a test'>,"
                          " 'memory-mib': <uint64 512>, 'vcpus': <uint32 2>, 'iso': <'%s'>,"
                          " 'disk-gib': <uint64 1>, 'graphics': <['spice', 'vnc']>, 'firmware': <'bios'>},)",
                          iso);
  path = create_machine (f, spec, &error);
  g_assert_no_error (error);

  /* The object exists when the call returns. */
  object = g_dbus_object_manager_get_object (f->client, path);
  if (object == NULL)
    {
      Expect e = { f, "New machine ü", NULL, 0 };
      g_assert_true (wait_until (machine_present, &e));
    }
  machine = find_machine (f, "New machine ü");
  g_assert_cmpstr (g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine)), ==, path);
  g_assert_cmpstr (vireo_dbus_machine_get_title (machine), ==, "Made by a test");
  g_assert_cmpstr (vireo_dbus_machine_get_state (machine), ==, "shutoff");
  g_assert_cmpuint (vireo_dbus_machine_get_memory_mib (machine), ==, 512);
  g_assert_cmpuint (vireo_dbus_machine_get_vcpus (machine), ==, 2);
  g_assert_true (vireo_dbus_machine_get_persistent (machine));
  g_assert_cmpuint (g_strv_length ((GStrv) vireo_dbus_machine_get_graphics_types (machine)), ==, 2);
  disks = vireo_dbus_machine_get_disks (machine);
  g_assert_cmpuint (g_variant_n_children (disks), ==, 2);
  g_variant_get_child (disks, 0, "(&s&s&st&s)", NULL, NULL, &device, &size, NULL);
  g_assert_cmpstr (device, ==, "disk");
  g_assert_cmpuint (size, ==, G_GUINT64_CONSTANT (1) << 30);
  g_variant_get_child (disks, 1, "(&s&s&st&s)", NULL, NULL, &device, NULL, NULL);
  g_assert_cmpstr (device, ==, "cdrom");
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 2);

  g_unlink (iso);
}

static void
test_create_refused (Fixture       *f,
                     gconstpointer  data)
{
  struct {
    const char *spec;
    int         code;
  } cases[] = {
    { "({'name': <'bad/name'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <''>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'../x'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'0123456789012345678901234567890123456789012345678901234567890123x'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'title': <'no name'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'debian-web'>},)", VIREO_ERROR_EXISTS },
    { "({'name': <'huge'>, 'memory-mib': <uint64 1048576>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'many'>, 'vcpus': <uint32 64>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'noiso'>, 'iso': <'/nonexistent/vireo.iso'>},)", VIREO_ERROR_NOT_FOUND },
    { "({'name': <'reliso'>, 'iso': <'vireo.iso'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'dotdot'>, 'iso': <'/tmp/../etc/passwd'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'dir'>, 'iso': <'/tmp'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'bigdisk'>, 'disk-gib': <uint64 60000>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'efi'>, 'firmware': <'uefi'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'efi'>, 'secure-boot': <true>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'efi'>, 'firmware': <'efi'>, 'tpm': <'yes'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'typo'>, 'memroy-mib': <uint64 512>},)", VIREO_ERROR_INVALID_ARGUMENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = create_machine (f, cases[i].spec, &error);

      g_test_message ("%s", cases[i].spec);
      g_assert_null (path);
      g_assert_error (error, VIREO_ERROR, cases[i].code);
    }

  /* Not allowed, even with a perfect spec. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;

    set_allowed (f, (const char *[]){ VIREO_ACTION_LIFECYCLE, VIREO_ACTION_CONSOLE, NULL });
    path = create_machine (f, "({'name': <'fine'>, 'disk-gib': <uint64 1>},)", &error);
    g_assert_null (path);
    g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  }

  /* Nothing was created. */
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 1);
  g_assert_null (find_machine (f, "fine"));
  g_assert_null (find_machine (f, "bigdisk"));
}

static char *default_pool_dir (Fixture *f);
static char *preview_machine  (Fixture *f, const char *spec, GError **error);

static GVariant *
download_media (Fixture     *f,
                const char  *options,
                GError     **error)
{
  return g_dbus_proxy_call_sync (G_DBUS_PROXY (f->manager), "DownloadMedia", g_variant_new_parsed (options),
                                 G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
}

/* DownloadMedia checks what it is given and asks polkit before it fetches anything; the
 * test driver keeps no files, so an allowed call ends there (the e2e suite downloads). */
static void
test_download_media (Fixture       *f,
                     gconstpointer  data)
{
  struct {
    const char *options;
    int         code;
  } cases[] = {
    { "({'url': <'http://127.0.0.1:9/a.iso'>, 'name': <'a.iso'>},)", VIREO_ERROR_NOT_SUPPORTED },
    { "({'url': <'file:///etc/shadow'>, 'name': <'a.iso'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'url': <'ftp://127.0.0.1/a.iso'>, 'name': <'a.iso'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'url': <'http://127.0.0.1:9/a.iso'>, 'name': <'../a.iso'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'url': <'http://127.0.0.1:9/a.iso'>, 'name': <'a.img'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'url': <'http://127.0.0.1:9/a.iso'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'a.iso'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'url': <'http://127.0.0.1:9/a.iso'>, 'name': <'a.iso'>, 'sha256': <'abc'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'url': <'http://127.0.0.1:9/a.iso'>, 'name': <'a.iso'>, 'sha265': <'abc'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'url': <'http://127.0.0.1:9/a.iso'>, 'name': <uint32 1>},)", VIREO_ERROR_INVALID_ARGUMENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = download_media (f, cases[i].options, &error);

      g_test_message ("%s", cases[i].options);
      g_assert_null (reply);
      g_assert_error (error, VIREO_ERROR, cases[i].code);
    }

  /* Not allowed: refused before anything else. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = NULL;

    set_allowed (f, (const char *[]){ VIREO_ACTION_LIFECYCLE, VIREO_ACTION_CONSOLE, NULL });
    reply = download_media (f, "({'url': <'http://127.0.0.1:9/a.iso'>, 'name': <'a.iso'>},)", &error);
    g_assert_null (reply);
    g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  }
  /* Its jobs went before the answers. */
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 1);
}

/* CreateMachine's "iso-volume": a volume of the default pool, named in place, never copied. */
static void
test_create_iso_volume (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *pool = default_pool_dir (f);
  g_autofree char *source = g_strdup_printf ("<source file=\"%s/downloaded.iso\"/>", pool);
  g_autofree char *path = NULL;

  xml = preview_machine (f, "({'name': <'from-volume'>, 'iso-volume': <'downloaded.iso'>},)", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xml, source));
  g_assert_nonnull (strstr (xml, "<readonly/>"));

  path = create_machine (f, "({'name': <'from-volume'>, 'iso-volume': <'missing.iso'>},)", &error);
  g_assert_null (path);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  path = create_machine (f, "({'name': <'from-volume'>, 'iso-volume': <'../../etc/shadow'>},)", &error);
  g_assert_null (path);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  path = create_machine (f, "({'name': <'from-volume'>, 'iso-volume': <'a.iso'>, 'iso': <'/tmp/a.iso'>},)", &error);
  g_assert_null (path);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_null (find_machine (f, "from-volume"));
}

static char *
get_xml (Fixture    *f,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call_machine (f, name, "GetXml", no_options (), &error);
  char *xml = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &xml);
  return xml;
}

static char *
preview_machine (Fixture     *f,
                 const char  *spec,
                 GError     **error)
{
  g_autoptr(GVariant) reply = NULL;
  char *xml = NULL;

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (f->manager), "PreviewMachine",
                                  g_variant_new_parsed (spec), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply != NULL)
    g_variant_get (reply, "(s)", &xml);
  return xml;
}

/* The devices follow the operating system (libosinfo's database), whose id goes into the
 * metadata where virt-manager and Boxes read it. */
static void
test_create_os (Fixture       *f,
                gconstpointer  data)
{
  struct {
    const char *spec;
    int         code;
  } refused[] = {
    { "({'name': <'nos'>, 'os-id': <'http://example.org/no-such-os/1'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'nos'>, 'os-id': <'debian11'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'nos'>, 'os-id': <uint32 11>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'nos'>, 'network': <'no-such-network'>},)", VIREO_ERROR_NOT_FOUND },
    { "({'name': <'nos'>, 'network': <'bad/name'>},)", VIREO_ERROR_INVALID_ARGUMENT },
    { "({'name': <'nos'>, 'pxe': <true>},)", VIREO_ERROR_INVALID_ARGUMENT },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *linux_path = NULL;
  g_autofree char *win_path = NULL;
  g_autofree char *linux_xml = NULL;
  g_autofree char *win_xml = NULL;
  VireoDBusMachine *machine;

  linux_path = create_machine (f, "({'name': <'with-debian'>, 'disk-gib': <uint64 1>, 'network': <'default'>,"
                                  " 'os-id': <'http://debian.org/debian/11'>},)", &error);
  g_assert_no_error (error);
  win_path = create_machine (f, "({'name': <'with-windows'>, 'disk-gib': <uint64 1>, 'network': <'default'>,"
                                " 'os-id': <'http://microsoft.com/win/10'>},)", &error);
  g_assert_no_error (error);
  {
    Expect e = { f, "with-windows", NULL, 0 };
    g_assert_true (wait_until (machine_present, &e));
  }

  machine = find_machine (f, "with-debian");
  g_assert_cmpstr (vireo_dbus_machine_get_os_id (machine), ==, "http://debian.org/debian/11");
  linux_xml = get_xml (f, "with-debian");
  g_test_message ("%s", linux_xml);
  g_assert_nonnull (strstr (linux_xml, "<libosinfo:os id=\"http://debian.org/debian/11\"/>"));
  g_assert_nonnull (strstr (linux_xml, "bus='virtio'"));
  g_assert_nonnull (strstr (linux_xml, "<sound model='ich9'"));
  /* Entropy from the host and virtio-gpu, which Debian 11 has drivers for. */
  g_assert_nonnull (strstr (linux_xml, "<rng model='virtio'>"));
  g_assert_nonnull (strstr (linux_xml, "<model type='virtio' heads='1' primary='yes'/>"));
  /* On the default network (which the fixture lacked: it was made), virtio for Linux. */
  g_assert_nonnull (strstr (linux_xml, "<source network='default'/>"));
  g_assert_nonnull (strstr (linux_xml, "<model type='virtio'/>"));

  machine = find_machine (f, "with-windows");
  g_assert_cmpstr (vireo_dbus_machine_get_os_id (machine), ==, "http://microsoft.com/win/10");
  win_xml = get_xml (f, "with-windows");
  g_test_message ("%s", win_xml);
  g_assert_nonnull (strstr (win_xml, "<target dev='sda' bus='sata'/>"));
  g_assert_null (strstr (win_xml, "bus='virtio'"));
  g_assert_nonnull (strstr (win_xml, "<sound model='ich9'"));
  g_assert_nonnull (strstr (win_xml, "<model type='e1000e'/>"));
  g_assert_null (strstr (win_xml, "<rng"));
  g_assert_nonnull (strstr (win_xml, "<model type='qxl' "));

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *path = create_machine (f, refused[i].spec, &local_error);

      g_test_message ("%s", refused[i].spec);
      g_assert_null (path);
      g_assert_error (local_error, VIREO_ERROR, refused[i].code);
    }
  g_assert_null (find_machine (f, "nos"));
  /* The two machines, and the default network made for them, which is on the bus too. */
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 4);
  g_assert_nonnull (find_network (f, "default"));
}

/* A disk image imported: read as the caller, copied into the pool under the machine's name,
 * its format from its header; not beside a new disk. */
static void
test_create_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-import-XXXXXX", &error);
  g_autofree char *qcow2 = g_build_filename (dir, "disk.qcow2", NULL);
  g_autofree char *raw = g_build_filename (dir, "disk.img", NULL);
  g_autofree char *spec = NULL;
  g_autofree char *path = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *pool = NULL;
  g_autofree char *want = NULL;
  char header[512] = "QFI\xfb";

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (qcow2, header, sizeof header, NULL));
  g_assert_true (g_file_set_contents (raw, "plain bytes", -1, NULL));

  spec = g_strdup_printf ("({'name': <'imported'>, 'import': <'%s'>},)", qcow2);
  path = create_machine (f, spec, &error);
  g_assert_no_error (error);
  {
    Expect e = { f, "imported", NULL, 0 };
    g_assert_true (wait_until (machine_present, &e));
  }
  xml = get_xml (f, "imported");
  pool = default_pool_dir (f);
  want = g_strdup_printf ("<source file='%s/imported.qcow2'/>", pool);
  g_assert_nonnull (strstr (xml, want));
  g_assert_nonnull (strstr (xml, "<driver name='qemu' type='qcow2'/>"));
  g_clear_pointer (&spec, g_free);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&xml, g_free);
  g_clear_pointer (&want, g_free);

  spec = g_strdup_printf ("({'name': <'imported-raw'>, 'import': <'%s'>},)", raw);
  path = create_machine (f, spec, &error);
  g_assert_no_error (error);
  {
    Expect e = { f, "imported-raw", NULL, 0 };
    g_assert_true (wait_until (machine_present, &e));
  }
  xml = get_xml (f, "imported-raw");
  want = g_strdup_printf ("<source file='%s/imported-raw.img'/>", pool);
  g_assert_nonnull (strstr (xml, want));
  g_assert_nonnull (strstr (xml, "<driver name='qemu' type='raw'/>"));
  g_clear_pointer (&spec, g_free);
  g_clear_pointer (&path, g_free);

  spec = g_strdup_printf ("({'name': <'both'>, 'import': <'%s'>, 'disk-gib': <uint64 1>},)", raw);
  path = create_machine (f, spec, &error);
  g_assert_null (path);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  path = create_machine (f, "({'name': <'missing'>, 'import': <'/nonexistent/disk.qcow2'>},)", &error);
  g_assert_null (path);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
  g_assert_null (find_machine (f, "both"));
  g_assert_null (find_machine (f, "missing"));

  g_unlink (qcow2);
  g_unlink (raw);
  g_rmdir (dir);
}

/* The Job of a CreateMachine */

typedef struct {
  Fixture  *f;
  char     *target;
  GVariant *reply;
  GError   *error;
  gboolean  done;
} JobWait;

static VireoDBusJob *
find_job (Fixture    *f,
          const char *target)
{
  GList *objects = g_dbus_object_manager_get_objects (f->client);
  VireoDBusJob *found = NULL;

  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusJob *job = vireo_dbus_object_peek_job (VIREO_DBUS_OBJECT (l->data));

      if (job != NULL && g_strcmp0 (vireo_dbus_job_get_target (job), target) == 0)
        found = g_object_ref (job);
    }
  g_list_free_full (objects, g_object_unref);
  return found;
}

static gboolean
job_present (gpointer data)
{
  JobWait *w = data;
  g_autoptr(VireoDBusJob) job = find_job (w->f, w->target);

  return job != NULL;
}

static gboolean
call_done (gpointer data)
{
  return ((JobWait *) data)->done;
}

static void
create_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  JobWait *w = user_data;

  w->reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &w->error);
  w->done = TRUE;
}

/* A CreateMachine that copies a large image shows as a Job on the bus, with its target and
 * what it does; another client may not cancel it, its caller may: the call fails as
 * cancelled, nothing is left, and the job is gone. */
static void
test_create_job (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-job-XXXXXX", &error);
  g_autofree char *iso = g_build_filename (dir, "large.iso", NULL);
  g_autoptr(VireoDBusJob) job = NULL;
  g_autoptr(GDBusConnection) other = NULL;
  g_autoptr(GVariant) refused = NULL;
  g_autofree char *address = NULL;
  JobWait w = { f, (char *) "cancelled-copy", NULL, NULL, FALSE };
  int fd;

  g_assert_no_error (error);
  /* Six sparse gigabytes: read as the caller for a few seconds, never written to disk. */
  fd = open (iso, O_CREAT | O_WRONLY, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, G_GINT64_CONSTANT (6) << 30), ==, 0);
  close (fd);

  g_dbus_proxy_call (G_DBUS_PROXY (f->manager), "CreateMachine",
                     g_variant_new_parsed ("({'name': <'cancelled-copy'>, 'iso': <%s>},)", iso),
                     G_DBUS_CALL_FLAGS_NONE, -1, NULL, create_done_cb, &w);
  g_assert_true (wait_until (job_present, &w));
  job = find_job (f, "cancelled-copy");
  g_assert_cmpstr (vireo_dbus_job_get_operation (job), ==, "create-machine");
  g_assert_nonnull (strstr (vireo_dbus_job_get_description (job), "installation medium"));

  /* Another connection is not its caller. */
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  other = g_dbus_connection_new_for_address_sync (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                  | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                  NULL, NULL, &error);
  g_assert_no_error (error);
  refused = g_dbus_connection_call_sync (other, VIREO_BUS_NAME, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                         "org.vireo.Hypervisor1.Job", "Cancel", NULL, NULL,
                                         G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  g_clear_error (&error);

  g_assert_true (vireo_dbus_job_call_cancel_sync (job, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (call_done, &w));
  g_assert_null (w.reply);
  g_assert_error (w.error, VIREO_ERROR, VIREO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_assert_null (find_machine (f, "cancelled-copy"));
  g_clear_object (&job);
  job = find_job (f, "cancelled-copy");
  g_assert_null (job);
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 1);

  g_unlink (iso);
  g_rmdir (dir);
}

/* The XML CreateMachine would define, from the same code, with nothing made; open to callers
 * who may not create. */
static void
test_preview (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *pool = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *taken = NULL;

  set_allowed (f, (const char *[]){ NULL });
  xml = preview_machine (f, "({'name': <'previewed'>, 'disk-gib': <uint64 3>, 'memory-mib': <uint64 768>,"
                            " 'iso': <'/nonexistent/medium.iso'>, 'os-id': <'http://microsoft.com/win/10'>},)",
                         &error);
  g_assert_no_error (error);
  g_test_message ("%s", xml);
  pool = default_pool_dir (f);
  disk = g_strdup_printf ("<source file=\"%s/previewed.qcow2\"/>", pool);
  iso = g_strdup_printf ("<source file=\"%s/previewed.iso\"/>", pool);
  g_assert_nonnull (strstr (xml, "<name>previewed</name>"));
  g_assert_nonnull (strstr (xml, "<memory unit=\"KiB\">786432</memory>"));
  g_assert_nonnull (strstr (xml, disk));
  g_assert_nonnull (strstr (xml, iso));
  g_assert_nonnull (strstr (xml, "<target bus=\"sata\" dev=\"sda\"/>"));
  g_assert_nonnull (strstr (xml, "<target bus=\"sata\" dev=\"sdb\"/>"));
  g_assert_nonnull (strstr (xml, "<libosinfo:os id=\"http://microsoft.com/win/10\"/>"));

  /* UEFI: Secure Boot off unless asked for (libvirt would pick the Secure Boot firmware,
   * which refuses an unsigned boot loader); on, with Microsoft's keys, SMM and a TPM. */
  {
    g_autofree char *plain = preview_machine (f, "({'name': <'uefi'>, 'firmware': <'efi'>},)", &error);
    g_autofree char *secure = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (strstr (plain, "<os firmware=\"efi\">"));
    g_assert_nonnull (strstr (plain, "<feature enabled=\"no\" name=\"secure-boot\"/>"));
    g_assert_null (strstr (plain, "<smm"));
    g_assert_null (strstr (plain, "<tpm"));
    secure = preview_machine (f, "({'name': <'uefi'>, 'firmware': <'efi'>, 'secure-boot': <true>, 'tpm': <true>},)", &error);
    g_assert_no_error (error);
    g_test_message ("%s", secure);
    g_assert_nonnull (strstr (secure, "<feature enabled=\"yes\" name=\"secure-boot\"/>"));
    g_assert_nonnull (strstr (secure, "<feature enabled=\"yes\" name=\"enrolled-keys\"/>"));
    g_assert_nonnull (strstr (secure, "<smm state=\"on\"/>"));
    g_assert_nonnull (strstr (secure, "<tpm model=\"tpm-crb\">"));
    g_assert_nonnull (strstr (secure, "<backend type=\"emulator\" version=\"2.0\"/>"));
  }

  /* Network boot: first, then the disk. */
  {
    g_autofree char *pxe = preview_machine (f, "({'name': <'netboot'>, 'network': <'default'>, 'pxe': <true>, 'disk-gib': <uint64 1>},)", &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (pxe, "<boot dev=\"network\"/>\n    <boot dev=\"hd\"/>"));
  }

  /* Nothing was made, and a spec CreateMachine refuses is refused the same way. */
  g_assert_null (find_machine (f, "previewed"));
  g_assert_cmpuint (count_objects (f), ==, N_FIXTURE + 1);
  taken = preview_machine (f, "({'name': <'debian-web'>},)", &error);
  g_assert_null (taken);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS);
}

/* The directory of the fixture's default pool: where debian-web's first disk (a volume) is. */
static char *
default_pool_dir (Fixture *f)
{
  GVariant *disks = vireo_dbus_machine_get_disks (find_machine (f, "debian-web"));
  const char *path = NULL;

  g_variant_get_child (disks, 0, "(&s&s&st&s)", NULL, &path, NULL, NULL, NULL);
  return g_path_get_dirname (path);
}

static void
test_create_iso_copied (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-iso-XXXXXX", &error);
  g_autofree char *iso = g_build_filename (dir, "medium.iso", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.iso", NULL);
  g_autofree char *pool_dir = default_pool_dir (f);
  g_autofree char *expected = g_build_filename (pool_dir, "iso-copy.iso", NULL);
  g_autofree char *spec = NULL;
  g_autofree char *path = NULL;
  const char *cdrom = NULL;
  const char *device = NULL;
  guint64 size = 0;
  GVariant *disks;
  gint64 start;

  g_assert_true (g_file_set_contents (iso, "seventeen bytes!!", -1, NULL));
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);

  /* The CD-ROM is a copy in the default pool, not the caller's path, which QEMU would open
   * again at every start, whatever it names by then. */
  spec = g_strdup_printf ("({'name': <'iso-copy'>, 'iso': <'%s'>},)", iso);
  path = create_machine (f, spec, &error);
  g_assert_no_error (error);
  {
    Expect e = { f, "iso-copy", NULL, 0 };
    g_assert_true (wait_until (machine_present, &e));
  }
  disks = vireo_dbus_machine_get_disks (find_machine (f, "iso-copy"));
  g_assert_cmpuint (g_variant_n_children (disks), ==, 1);
  g_variant_get_child (disks, 0, "(&s&s&st&s)", NULL, &cdrom, &device, &size, NULL);
  g_assert_cmpstr (device, ==, "cdrom");
  g_assert_cmpstr (cdrom, ==, expected);
  g_assert_cmpuint (size, ==, 17);

  /* The same medium again for another name: another copy; the name of the copy is taken. */
  g_clear_pointer (&spec, g_free);
  spec = g_strdup_printf ("({'name': <'iso-copy'>, 'iso': <'%s'>},)", iso);
  g_assert_null (create_machine (f, spec, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS);
  g_clear_error (&error);

  /* A FIFO is refused at once, and nothing is made. */
  g_clear_pointer (&spec, g_free);
  spec = g_strdup_printf ("({'name': <'iso-fifo'>, 'iso': <'%s'>},)", fifo);
  start = g_get_monotonic_time ();
  g_assert_null (create_machine (f, spec, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_null (find_machine (f, "iso-fifo"));

  g_unlink (iso);
  g_unlink (fifo);
  g_rmdir (dir);
}

/* Deletion, on a fixture of its own: real files in a temporary directory, and a pool there. */

static char *delete_dir;

#define DELETE_DOMAIN(n, name, source) \
  "  <domain type='test'><name>" name "</name><uuid>5e1f0a00-0000-4000-8000-0000000001" n "</uuid>" \
  "<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>" \
  "<disk type='file' device='disk'><source file='%s/" source "'/><target dev='vda' bus='virtio'/></disk>" \
  "</devices><test:runstate>5</test:runstate></domain>\n"

/* A helper of our own, for cases that need another fixture or other options. */

typedef struct {
  Fixture *f;
  guint    n_objects;
} OwnHelper;

static gboolean
own_helper_ready (gpointer data)
{
  OwnHelper *h = data;

  return h->f->manager != NULL && vireo_dbus_manager_get_connected (h->f->manager)
         && count_objects (h->f) == h->n_objects;
}

/* Starts the helper on @fixture (the shared one when %NULL), with @extra_arg if any, and
 * waits for its @n_objects objects. */
static void
start_own_helper (Fixture    *f,
                  const char *fixture,
                  const char *extra_arg,
                  guint       n_objects)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusObject) object = NULL;
  g_autofree char *address_arg = g_strdup_printf ("--address=%s", g_test_dbus_get_bus_address (test_bus));
  g_autofree char *uri_arg = NULL;
  const char *argv[] = { g_getenv ("VIREO_HYPERVISOR"), address_arg, NULL, "--replace", extra_arg, NULL };
  OwnHelper h = { f, n_objects };

  if (fixture != NULL)
    uri_arg = g_strdup_printf ("--libvirt-uri=test://%s", fixture);
  else
    uri_arg = g_strdup_printf ("--libvirt-uri=%s", fixture_uri);
  argv[2] = uri_arg;

  f->connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                          NULL, NULL, &error);
  g_assert_no_error (error);
  set_allowed (f, all_actions);
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &f->helper_pid, &error);
  g_assert_no_error (error);
  f->client = vireo_dbus_object_manager_client_new_sync (f->connection,
                                                         G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                                         BUS_NAME, "/org/vireo/Hypervisor1", NULL, &error);
  g_assert_no_error (error);
  while (f->manager == NULL)
    {
      object = g_dbus_object_manager_get_object (f->client, "/org/vireo/Hypervisor1/Manager");
      if (object != NULL)
        f->manager = vireo_dbus_object_get_manager (VIREO_DBUS_OBJECT (object));
      else
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (wait_until (own_helper_ready, &h));
}

static void
make_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "disk image", -1, NULL));
}

static void
delete_fixture_setup (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *node = NULL;
  g_autofree char *link = NULL;
  g_autofree char *root_dir = NULL;
  g_autofree char *own = NULL;
  g_autofree char *behind = NULL;
  g_autofree char *user_dir = NULL;
  g_autofree char *a_dir = NULL;
  const char *d;

  delete_dir = g_dir_make_tmp ("vireo-delete-XXXXXX", &error);
  g_assert_no_error (error);
  d = delete_dir;

  /* The caller's own file; a file behind a folder that is now a link to another folder
   * (arranged before the call, so that resolving the path itself crosses the link); a
   * folder; a file that does not exist. */
  own = g_build_filename (d, "own", "disk.img", NULL);
  make_file (own);
  behind = g_build_filename (d, "rootdir", "disk.img", NULL);
  make_file (behind);
  root_dir = g_build_filename (d, "rootdir", NULL);
  user_dir = g_build_filename (d, "user", NULL);
  g_assert_cmpint (g_mkdir_with_parents (user_dir, 0755), ==, 0);
  link = g_build_filename (d, "user", "dir", NULL);
  g_assert_cmpint (symlink (root_dir, link), ==, 0);
  a_dir = g_build_filename (d, "adir", NULL);
  g_assert_cmpint (g_mkdir_with_parents (a_dir, 0755), ==, 0);

  xml = g_strdup_printf ("<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
                         "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads>"
                         "<active>2</active><mhz>2000</mhz><model>x86_64</model></cpu>\n"
                         "  <memory>4194304</memory>\n"
                         "  <pool type='dir'><name>default</name><uuid>5e1f0a00-0000-4000-8000-0000000001ff</uuid>"
                         "<capacity unit='GiB'>10</capacity><allocation unit='GiB'>1</allocation>"
                         "<available unit='GiB'>9</available><source/><target><path>%s/pool</path></target>"
                         "<volume type='file'><name>vol.qcow2</name><capacity unit='GiB'>1</capacity>"
                         "<target><format type='qcow2'/></target></volume></pool>\n"
                         DELETE_DOMAIN ("01", "del-volume", "pool/vol.qcow2")
                         DELETE_DOMAIN ("02", "del-own", "own/disk.img")
                         DELETE_DOMAIN ("03", "del-swap", "user/dir/disk.img")
                         DELETE_DOMAIN ("04", "del-dir", "adir")
                         DELETE_DOMAIN ("05", "del-missing", "missing.img")
                         "  <domain type='test'><name>del-device</name><uuid>5e1f0a00-0000-4000-8000-000000000106</uuid>"
                         "<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>"
                         "<disk type='file' device='cdrom'><source file='/dev/null'/><target dev='sda' bus='sata'/></disk>"
                         "</devices><test:runstate>5</test:runstate></domain>\n"
                         "</node>\n",
                         d, d, d, d, d, d);
  node = g_build_filename (d, "node.xml", NULL);
  g_assert_true (g_file_set_contents (node, xml, -1, NULL));

  start_own_helper (f, node, NULL, 7);
}

static void
delete_fixture_teardown (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", delete_dir);

  fixture_teardown (f, data);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_clear_pointer (&delete_dir, g_free);
}

static GError *
delete_disk (Fixture    *f,
             const char *name,
             const char *disk)
{
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = call_machine (f, name, "Delete", g_variant_new_parsed ("({'disks': <[%s]>},)", disk), &error);
  return error;
}

static void
test_delete_as_caller (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *own = g_build_filename (delete_dir, "own", "disk.img", NULL);
  g_autofree char *behind_link = g_build_filename (delete_dir, "rootdir", "disk.img", NULL);
  g_autofree char *a_dir = g_build_filename (delete_dir, "adir", NULL);
  g_autoptr(GError) error = NULL;
  Expect gone_volume = { f, "del-volume", NULL, 0 };
  Expect gone_own = { f, "del-own", NULL, 0 };
  struct stat st;

  /* A volume of a storage pool: libvirt deletes it. */
  error = delete_disk (f, "del-volume", "vda");
  g_assert_no_error (error);
  g_assert_true (wait_until (machine_gone, &gone_volume));

  /* A file the caller may remove: removed, as the caller. */
  error = delete_disk (f, "del-own", own);
  g_assert_no_error (error);
  g_assert_true (wait_until (machine_gone, &gone_own));
  g_assert_false (g_file_test (own, G_FILE_TEST_EXISTS));

  /* A path through a link, here to a folder the caller may change: refused all the same,
   * the file behind it kept, and nothing else changed. */
  error = delete_disk (f, "del-swap", "vda");
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_assert_nonnull (strstr (error->message, "Nothing was deleted"));
  g_clear_error (&error);
  g_assert_true (g_file_test (behind_link, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (find_machine (f, "del-swap"));

  /* Not an image file: a folder, a device, a file that is not there. */
  error = delete_disk (f, "del-dir", "vda");
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not a disk image file"));
  g_clear_error (&error);
  g_assert_true (g_file_test (a_dir, G_FILE_TEST_IS_DIR));

  error = delete_disk (f, "del-device", "/dev/null");
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (stat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  error = delete_disk (f, "del-missing", "vda");
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);

  g_assert_nonnull (find_machine (f, "del-dir"));
  g_assert_nonnull (find_machine (f, "del-device"));
  g_assert_nonnull (find_machine (f, "del-missing"));
}

/* polkit that waits for an agent: dbusmock's polkitd holds the checks of the actions it is
 * told to, until released. CancelCheckAuthorization is added so that its calls are logged. */

static GVariant *
mock_call (Fixture    *f,
           const char *method,
           GVariant   *args)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (f->connection, "org.freedesktop.PolicyKit1",
                                       "/org/freedesktop/PolicyKit1/Authority", "org.freedesktop.DBus.Mock",
                                       method, args, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

static void
hold_checks (Fixture    *f,
             const char *action)
{
  g_autoptr(GVariant) r1 = NULL;
  g_autoptr(GVariant) r2 = NULL;
  g_autoptr(GVariant) r3 = NULL;

  r1 = mock_call (f, "AddMethod", g_variant_new ("(sssss)", "org.freedesktop.PolicyKit1.Authority",
                                                "CancelCheckAuthorization", "s", "", ""));
  r2 = mock_call (f, "ClearCalls", NULL);
  r3 = mock_call (f, "SimulateHangActions",
                  g_variant_new ("(^as)", (const char *const[]){ action, NULL }));
}

static void
release_checks (Fixture *f)
{
  g_autoptr(GVariant) r1 = mock_call (f, "SimulateHangActions", g_variant_new ("(^as)", no_actions));
  g_autoptr(GVariant) r2 = mock_call (f, "ReleaseHangingCalls", NULL);
}

static guint
count_cancels (Fixture *f)
{
  g_autoptr(GVariant) reply = mock_call (f, "GetMethodCalls", g_variant_new ("(s)", "CancelCheckAuthorization"));
  g_autoptr(GVariant) calls = g_variant_get_child_value (reply, 0);

  return g_variant_n_children (calls);
}

static gboolean
checks_held (Fixture *f)
{
  g_autoptr(GVariant) reply = mock_call (f, "HaveHangingCalls", NULL);
  gboolean held = FALSE;

  g_variant_get (reply, "(b)", &held);
  return held;
}

static guint
helper_threads (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", f->helper_pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nThreads:");
  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line + strlen ("\nThreads:"), NULL, 10);
}

static GDBusConnection *
new_connection (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                       | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* Sends @method to the machine without waiting for the answer, allowing the agent to ask. */
static void
send_interactive (GDBusConnection  *connection,
                  VireoDBusMachine *machine,
                  const char       *method)
{
  g_autoptr(GDBusMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  message = g_dbus_message_new_method_call (BUS_NAME, g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine)),
                                            "org.vireo.Hypervisor1.Machine", method);
  g_dbus_message_set_body (message, no_options ());
  g_dbus_message_set_flags (message, G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION);
  g_assert_true (g_dbus_connection_send_message (connection, message, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, &error));
  g_assert_no_error (error);
}

#define N_WAITING 40

/* Checks that wait for an agent hold no thread of the helper: while forty of them wait, the
 * helper answers a call that needs a worker thread at once. When their caller leaves the
 * bus, polkit is told to drop each, and none of the calls is made. */
static void
test_client_vanishes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GDBusConnection) other = new_connection ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  VireoDBusMachine *machine = find_machine (f, "win11-office");
  guint threads_before;
  gint64 start;

  /* Warm up: the worker threads a call uses exist already. */
  g_assert_nonnull ((reply = call_machine (f, "tiny", "GetXml", no_options (), &error)));
  g_clear_pointer (&reply, g_variant_unref);
  threads_before = helper_threads (f);

  hold_checks (f, VIREO_ACTION_LIFECYCLE);
  for (guint i = 0; i < N_WAITING; i++)
    send_interactive (other, machine, "Start");
  /* Properties.Get from the same connection: answered after the helper has taken every Start. */
  reply = g_dbus_connection_call_sync (other, BUS_NAME, g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine)),
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.vireo.Hypervisor1.Machine", "State"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  while (!checks_held (f))
    g_main_context_iteration (NULL, FALSE);

  /* A call that runs in a worker thread is answered at once. */
  start = g_get_monotonic_time ();
  reply = call_machine (f, "debian-web", "GetXml", no_options (), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpuint (helper_threads (f), <, threads_before + 4);

  /* The caller leaves: every check is cancelled in polkit. */
  g_assert_true (g_dbus_connection_close_sync (other, NULL, &error));
  start = g_get_monotonic_time ();
  while (count_cancels (f) < N_WAITING && g_get_monotonic_time () - start < TIMEOUT_S * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (count_cancels (f), ==, N_WAITING);

  /* polkit saying yes now changes nothing: the calls are gone. */
  release_checks (f);
  reply = call_machine (f, "win11-office", "GetXml", no_options (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_dbus_machine_get_state (find_machine (f, "win11-office")), ==, "shutoff");
}

/* A check polkit never answers ends after --auth-timeout, refused, and polkit is told. */
static void
test_auth_timeout (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  start_own_helper (f, NULL, "--auth-timeout=2", N_FIXTURE + 1);
  hold_checks (f, VIREO_ACTION_LIFECYCLE);

  start = g_get_monotonic_time ();
  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (find_machine (f, "win11-office")), "Start", no_options (),
                                  G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, -1, NULL, &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  g_assert_nonnull (strstr (error->message, "did not finish within 2 seconds"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - 100000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  g_assert_cmpuint (count_cancels (f), ==, 1);
  g_clear_error (&error);

  release_checks (f);
  reply = call_machine (f, "win11-office", "GetXml", no_options (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_dbus_machine_get_state (find_machine (f, "win11-office")), ==, "shutoff");
}

static void
no_setup (Fixture       *f,
          gconstpointer  data)
{
}
/* Reboot and Save take effect: a machine that powers off on reboot (<on_reboot>destroy),
 * so that Reboot shows; and Save, then Start, from the saved state. */
static void
test_lifecycle_effects (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-lifecycle-XXXXXX", &error);
  g_autofree char *node = g_build_filename (dir, "node.xml", NULL);
  g_autoptr(GVariant) reply = NULL;
  const char *xml =
    "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads>"
    "<active>2</active><mhz>2000</mhz><model>x86_64</model></cpu><memory>4194304</memory>\n"
    "  <domain type='test'><name>reboot-off</name><uuid>5e1f0a00-0000-4000-8000-000000000201</uuid>"
    "<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
    "<on_reboot>destroy</on_reboot></domain>\n"
    "  <domain type='test'><name>to-save</name><uuid>5e1f0a00-0000-4000-8000-000000000202</uuid>"
    "<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>\n"
    "</node>\n";

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (node, xml, -1, NULL));
  start_own_helper (f, node, NULL, 3);

  assert_state_becomes (f, "reboot-off", "running");
  reply = call_machine (f, "reboot-off", "Reboot", no_options (), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  assert_state_becomes (f, "reboot-off", "shutoff");

  reply = call_machine (f, "to-save", "Save", no_options (), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  assert_state_becomes (f, "to-save", "saved");
  reply = call_machine (f, "to-save", "Start", no_options (), &error);
  g_assert_no_error (error);
  assert_state_becomes (f, "to-save", "running");

  g_unlink (node);
  g_rmdir (dir);
}


static void
test_helper_restarted (Fixture       *f,
                          gconstpointer  data)
{
  Expect none = { f, NULL, NULL, 0 };
  Expect e = { f, NULL, NULL, N_FIXTURE + 1 };

  /* The helper stops: its objects vanish for the client. A new helper brings them back;
   * the client follows the new owner of the name by itself. */
  kill (f->helper_pid, SIGTERM);
  g_assert_cmpint (waitpid (f->helper_pid, NULL, 0), ==, f->helper_pid);
  g_spawn_close_pid (f->helper_pid);
  g_assert_true (wait_until (object_count_is, &none));
  {
    g_autofree char *address_arg = g_strdup_printf ("--address=%s", g_test_dbus_get_bus_address (test_bus));
    g_autofree char *uri_arg = g_strdup_printf ("--libvirt-uri=%s", fixture_uri);
    const char *argv[] = { g_getenv ("VIREO_HYPERVISOR"), address_arg, uri_arg, NULL };
    g_autoptr(GError) error = NULL;

    g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &f->helper_pid, &error);
    g_assert_no_error (error);
  }
  g_assert_true (wait_until (object_count_is, &e));
}

/* Networks. The helper checks a new network's subnets against this host's addresses and
 * routes too: the tests use 198.18.0.0/15 (RFC 2544's range for benchmarks) and a random ULA
 * prefix, which no host has on its own network, so that only the test driver's networks (and
 * the loopback interface, on purpose) overlap. */

static VireoDBusNetwork *
find_network (Fixture    *f,
              const char *name)
{
  g_autolist(GDBusObject) objects = g_dbus_object_manager_get_objects (f->client);

  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusNetwork *network = vireo_dbus_object_peek_network (VIREO_DBUS_OBJECT (l->data));

      if (network != NULL && g_strcmp0 (vireo_dbus_network_get_name (network), name) == 0)
        return network;
    }
  return NULL;
}

static guint
count_networks (Fixture *f)
{
  g_autolist(GDBusObject) objects = g_dbus_object_manager_get_objects (f->client);
  guint n = 0;

  for (GList *l = objects; l != NULL; l = l->next)
    n += vireo_dbus_object_peek_network (VIREO_DBUS_OBJECT (l->data)) != NULL;
  return n;
}

/* Dispatches what the client has received: the helper sends its signals (InterfacesAdded,
 * PropertiesChanged) before it answers, so after an answer they are here. */
static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
create_network (Fixture     *f,
                const char  *spec,
                GError     **error)
{
  g_autoptr(GVariant) reply = NULL;
  char *path = NULL;

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (f->manager), "CreateNetwork",
                                  g_variant_new_parsed (spec), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply != NULL)
    g_variant_get (reply, "(o)", &path);
  settle ();
  return path;
}

static GVariant *
call_network (Fixture     *f,
              const char  *name,
              const char  *method,
              GVariant    *args,
              GError     **error)
{
  VireoDBusNetwork *network = find_network (f, name);
  GVariant *reply;

  g_assert_nonnull (network);
  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (network), method, args, G_DBUS_CALL_FLAGS_NONE,
                                  -1, NULL, error);
  settle ();
  return reply;
}

static void
test_network_create (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *ranges = NULL;
  VireoDBusNetwork *network;
  const char *ipv4_expected[] = { "198.19.150.1/24", NULL };
  const char *ipv6_expected[] = { "fd5c:7a1e:150::1/64", NULL };

  g_assert_cmpuint (count_networks (f), ==, 0);
  path = create_network (f, "({'name': <'lab'>, 'mode': <'nat'>, 'ipv4': <'198.19.150.1/24'>, "
                            "'ipv6': <'fd5c:7a1e:150::1/64'>, 'domain': <'lab.test'>},)", &error);
  g_assert_no_error (error);

  /* On the bus when the call answers, at the path of its UUID, with its properties. */
  network = find_network (f, "lab");
  g_assert_nonnull (network);
  expected_path = vireo_network_path_for_uuid (vireo_dbus_network_get_uuid (network));
  g_assert_cmpstr (path, ==, expected_path);
  g_assert_true (g_str_has_prefix (path, VIREO_NETWORKS_PATH "/"));
  g_assert_cmpstr (vireo_dbus_network_get_mode (network), ==, "nat");
  g_assert_true (vireo_dbus_network_get_active (network));
  g_assert_true (vireo_dbus_network_get_persistent (network));
  g_assert_false (vireo_dbus_network_get_autostart (network));
  g_assert_cmpstr (vireo_dbus_network_get_domain (network), ==, "lab.test");
  g_assert_cmpstrv (vireo_dbus_network_get_ipv4 (network), ipv4_expected);
  g_assert_cmpstrv (vireo_dbus_network_get_ipv6 (network), ipv6_expected);
  ranges = g_variant_print (vireo_dbus_network_get_dhcp_ranges (network), FALSE);
  g_assert_cmpstr (ranges, ==, "[('198.19.150.2', '198.19.150.254'), ('fd5c:7a1e:150::2', 'fd5c:7a1e:150::ffff')]");

  /* Isolated, without DHCP, started with the host. */
  g_clear_pointer (&path, g_free);
  path = create_network (f, "({'name': <'closed'>, 'mode': <'isolated'>, 'ipv4': <'198.18.7.129/25'>, "
                            "'dhcp': <false>, 'autostart': <true>},)", &error);
  g_assert_no_error (error);
  network = find_network (f, "closed");
  g_assert_nonnull (network);
  g_assert_cmpstr (vireo_dbus_network_get_mode (network), ==, "isolated");
  g_assert_true (vireo_dbus_network_get_autostart (network));
  g_assert_cmpuint (g_variant_n_children (vireo_dbus_network_get_dhcp_ranges (network)), ==, 0);
  g_assert_cmpstr (vireo_dbus_network_get_ipv4 (network)[0], ==, "198.18.7.129/25");

  /* Routed and open, through an interface. */
  g_clear_pointer (&path, g_free);
  path = create_network (f, "({'name': <'routed'>, 'mode': <'routed'>, 'ipv4': <'198.18.8.1/24'>, "
                            "'forward-dev': <'eth0'>},)", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_dbus_network_get_mode (find_network (f, "routed")), ==, "routed");
  g_assert_cmpstr (vireo_dbus_network_get_forward_dev (find_network (f, "routed")), ==, "eth0");
  g_clear_pointer (&path, g_free);
  path = create_network (f, "({'name': <'open'>, 'mode': <'open'>, 'ipv4': <'198.18.9.1/24'>},)", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_dbus_network_get_mode (find_network (f, "open")), ==, "open");
  g_assert_cmpuint (count_networks (f), ==, 4);
}

static void
test_network_lifecycle (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) reply = NULL;
  VireoDBusNetwork *network;

  path = create_network (f, "({'name': <'lab'>, 'mode': <'nat'>, 'ipv4': <'198.19.150.1/24'>},)", &error);
  g_assert_no_error (error);
  network = find_network (f, "lab");

  /* Each answer comes after the object changed. */
  reply = call_network (f, "lab", "Stop", no_options (), &error);
  g_assert_no_error (error);
  g_assert_false (vireo_dbus_network_get_active (network));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_network (f, "lab", "Stop", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  reply = call_network (f, "lab", "Start", no_options (), &error);
  g_assert_no_error (error);
  g_assert_true (vireo_dbus_network_get_active (network));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_network (f, "lab", "Start", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  reply = call_network (f, "lab", "SetAutostart", g_variant_new ("(ba{sv})", TRUE, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (vireo_dbus_network_get_autostart (network));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_network (f, "lab", "SetAutostart", g_variant_new ("(ba{sv})", FALSE, NULL), &error);
  g_assert_no_error (error);
  g_assert_false (vireo_dbus_network_get_autostart (network));
  g_clear_pointer (&reply, g_variant_unref);

  /* The test driver has no leases: said as such (the sandbox's e2e cases read real ones). */
  reply = call_network (f, "lab", "GetLeases", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  reply = call_network (f, "lab", "Start", g_variant_new_parsed ("({'now': <true>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Deleted while it runs: stopped first, then gone from the bus when the call answers. */
  g_object_ref (network);
  reply = call_network (f, "lab", "Delete", no_options (), &error);
  g_assert_no_error (error);
  g_assert_null (find_network (f, "lab"));
  g_object_unref (network);
  g_assert_cmpuint (count_networks (f), ==, 0);
}

static void
test_network_delete_in_use (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* A machine of the fixture has an interface on "default". */
  path = create_network (f, "({'name': <'default'>, 'mode': <'nat'>, 'ipv4': <'198.18.122.1/24'>},)", &error);
  g_assert_no_error (error);
  reply = call_network (f, "default", "Delete", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "debian-web"));
  g_clear_error (&error);
  g_assert_nonnull (find_network (f, "default"));
  g_assert_true (vireo_dbus_network_get_active (find_network (f, "default")));

  reply = call_network (f, "default", "Delete", g_variant_new_parsed ("({'force': <true>},)"), &error);
  g_assert_no_error (error);
  g_assert_null (find_network (f, "default"));
}

static void
test_network_refused (Fixture       *f,
                      gconstpointer  data)
{
  struct {
    const char *spec;
    int         code;
    const char *words;   /* in the message */
  } cases[] = {
    { "({'name': <'bad/name'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "cannot name a network" },
    { "({'name': <''>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "Give the network a name" },
    { "({'name': <'-x'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "cannot name" },
    { "({'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "Give the network a name" },
    { "({'name': <'n'>, 'ipv4': <'198.18.1.1/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "needs a mode" },
    { "({'name': <'n'>, 'mode': <'bridge'>, 'ipv4': <'198.18.1.1/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "Unknown mode" },
    { "({'name': <'n'>, 'mode': <'nat'>},)", VIREO_ERROR_INVALID_ARGUMENT, "IPv4 address" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1'>},)", VIREO_ERROR_INVALID_ARGUMENT, "with a prefix" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.300/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "with a prefix" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/33'>},)", VIREO_ERROR_INVALID_ARGUMENT, "with a prefix" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/31'>},)", VIREO_ERROR_INVALID_ARGUMENT, "prefix" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'fd00::1/64'>},)", VIREO_ERROR_INVALID_ARGUMENT, "IPv4" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.0/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "own or broadcast" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.255/24'>},)", VIREO_ERROR_INVALID_ARGUMENT, "own or broadcast" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>, 'ipv6': <'fd00::1'>},)", VIREO_ERROR_INVALID_ARGUMENT, "IPv6" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>, 'ipv6': <'fd00::1/48'>},)", VIREO_ERROR_INVALID_ARGUMENT, "prefix" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>, 'domain': <'a b'>},)", VIREO_ERROR_INVALID_ARGUMENT, "DNS domain" },
    { "({'name': <'n'>, 'mode': <'isolated'>, 'ipv4': <'198.18.1.1/24'>, 'forward-dev': <'eth0'>},)", VIREO_ERROR_INVALID_ARGUMENT, "forward" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>, 'forward-dev': <'../eth0'>},)", VIREO_ERROR_INVALID_ARGUMENT, "interface" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>, 'dhcp': <'yes'>},)", VIREO_ERROR_INVALID_ARGUMENT, "boolean" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>, 'ipv4-dhcp': <true>},)", VIREO_ERROR_INVALID_ARGUMENT, "Unknown key" },
    /* The subnet of another libvirt network, named. */
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.0.200/16'>},)", VIREO_ERROR_INVALID_ARGUMENT, "198.18.7.0/24 of the virtual network “taken”" },
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>, 'ipv6': <'fd5c:7a1e:7::2/64'>},)", VIREO_ERROR_INVALID_ARGUMENT, "fd5c:7a1e:7::/64 of the virtual network “taken”" },
    /* The host's own: the loopback interface's address. */
    { "({'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'127.9.0.1/16'>},)", VIREO_ERROR_INVALID_ARGUMENT, "interface lo" },
    { "({'name': <'taken'>, 'mode': <'nat'>, 'ipv4': <'198.18.1.1/24'>},)", VIREO_ERROR_EXISTS, "already" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *taken = NULL;

  taken = create_network (f, "({'name': <'taken'>, 'mode': <'isolated'>, 'ipv4': <'198.18.7.1/24'>, "
                             "'ipv6': <'fd5c:7a1e:7::1/64'>},)", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = NULL;

      g_clear_error (&error);
      g_test_message ("%s", cases[i].spec);
      path = create_network (f, cases[i].spec, &error);
      g_assert_null (path);
      g_assert_error (error, VIREO_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].words);
      /* One sentence, on one line. */
      g_assert_null (strchr (error->message, '\n'));
    }
  /* Nothing was left behind. */
  g_assert_cmpuint (count_networks (f), ==, 1);
}

static void
test_network_denied (Fixture       *f,
                     gconstpointer  data)
{
  const char *methods[] = { "Stop", "Start", "Delete" };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *refused = NULL;
  g_autoptr(GVariant) reply = NULL;

  path = create_network (f, "({'name': <'lab'>, 'mode': <'nat'>, 'ipv4': <'198.19.150.1/24'>},)", &error);
  g_assert_no_error (error);

  /* Every other action is not enough: networks are host-network's. */
  set_allowed (f, (const char *[]){ VIREO_ACTION_CONSOLE, VIREO_ACTION_LIFECYCLE, VIREO_ACTION_MODIFY, NULL });
  refused = create_network (f, "({'name': <'other'>, 'mode': <'nat'>, 'ipv4': <'198.19.151.1/24'>},)", &error);
  g_assert_null (refused);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      reply = call_network (f, "lab", methods[i], no_options (), &error);
      g_assert_null (reply);
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
      g_clear_error (&error);
    }
  reply = call_network (f, "lab", "SetAutostart", g_variant_new ("(ba{sv})", TRUE, NULL), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  g_clear_error (&error);

  /* Reading is open to all. */
  set_allowed (f, no_actions);
  reply = call_network (f, "lab", "GetLeases", no_options (), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED);   /* past polkit: the test driver's answer */
  g_clear_error (&error);

  /* Nothing changed. */
  g_assert_null (find_network (f, "other"));
  g_assert_true (vireo_dbus_network_get_active (find_network (f, "lab")));
  g_assert_false (vireo_dbus_network_get_autostart (find_network (f, "lab")));
}

/* Machine.AddNic, RemoveNic, UpdateNic on a shut-off machine: the definition alone. */

typedef struct {
  Fixture    *f;
  const char *machine;
  const char *nics;   /* the Nics property printed, as expected */
} NicsExpect;

static gboolean
nics_are (gpointer data)
{
  NicsExpect *e = data;
  VireoDBusMachine *machine = find_machine (e->f, e->machine);
  GVariant *nics = machine != NULL ? vireo_dbus_machine_get_nics (machine) : NULL;
  g_autofree char *text = nics != NULL ? g_variant_print (nics, FALSE) : NULL;

  return g_strcmp0 (text, e->nics) == 0;
}

static gboolean
network_lab_active (gpointer data)
{
  VireoDBusNetwork *network = find_network (data, "lab");

  return network != NULL && vireo_dbus_network_get_active (network);
}

static void
assert_nics_become (Fixture    *f,
                    const char *machine,
                    const char *nics)
{
  NicsExpect e = { f, machine, nics };

  if (!wait_until (nics_are, &e))
    g_error ("Nics of %s did not become %s: %s", machine, nics,
             g_variant_print (vireo_dbus_machine_get_nics (find_machine (f, machine)), FALSE));
}

static char *
inactive_xml (Fixture    *f,
              const char *machine)
{
  g_autoptr(GVariant) reply = call_machine (f, machine, "GetXml", g_variant_new_parsed ("({'inactive': <true>},)"), NULL);
  char *xml = NULL;

  g_assert_nonnull (reply);
  g_variant_get (reply, "(s)", &xml);
  return xml;
}

static void
test_nic_stopped (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *mac = NULL, *when = NULL;
  g_autofree char *new_mac = NULL;

  path = create_network (f, "({'name': <'lab'>, 'mode': <'nat'>, 'ipv4': <'198.19.150.1/24'>},)", &error);
  g_assert_no_error (error);
  reply = call_network (f, "lab", "Stop", no_options (), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  g_assert_false (vireo_dbus_network_get_active (find_network (f, "lab")));

  /* On a network that is not active: started first; the MAC made up; virtio for a machine
   * whose system is not named, as CreateMachine picks. */
  reply = call_machine (f, "tiny", "AddNic", g_variant_new_parsed ("({'type': <'network'>, 'source': <'lab'>}, @a{sv} {})"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s&s)", &mac, &when);
  g_assert_true (g_str_has_prefix (mac, "52:54:00:"));
  g_assert_cmpuint (strlen (mac), ==, 17);
  g_assert_cmpstr (when, ==, "next-boot");
  new_mac = g_strdup (mac);
  /* Its PropertiesChanged comes from libvirt's event, maybe after AddNic's answer. */
  g_assert_true (wait_until (network_lab_active, f));
  expected = g_strdup_printf ("[('%s', 'network', 'lab', 'virtio', true, [])]", new_mac);
  assert_nics_become (f, "tiny", expected);
  g_clear_pointer (&reply, g_variant_unref);

  /* Every key given; the MAC's case does not matter. */
  reply = call_machine (f, "tiny", "AddNic",
                        g_variant_new_parsed ("({'type': <'user'>, 'model': <'e1000e'>, 'mac': <'52:54:00:AB:CD:01'>, 'link': <false>}, @a{sv} {})"),
                        &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s&s)", &mac, &when);
  g_assert_cmpstr (mac, ==, "52:54:00:ab:cd:01");
  g_assert_cmpstr (when, ==, "next-boot");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("[('%s', 'network', 'lab', 'virtio', true, []), "
                              "('52:54:00:ab:cd:01', 'user', '', 'e1000e', false, [])]", new_mac);
  assert_nics_become (f, "tiny", expected);
  g_clear_pointer (&reply, g_variant_unref);

  /* UpdateNic: the link and the model; and a type with its source. */
  reply = call_machine (f, "tiny", "UpdateNic",
                        g_variant_new_parsed ("('52:54:00:ab:cd:01', {'link': <true>, 'model': <'rtl8139'>}, @a{sv} {})"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &when);
  g_assert_cmpstr (when, ==, "next-boot");
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_machine (f, "tiny", "UpdateNic", g_variant_new ("(s@a{sv}a{sv})", new_mac, g_variant_new_parsed ("{'type': <'user'>}"), NULL), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("[('%s', 'user', '', 'virtio', true, []), "
                              "('52:54:00:ab:cd:01', 'user', '', 'rtl8139', true, [])]", new_mac);
  assert_nics_become (f, "tiny", expected);

  /* RemoveNic */
  reply = call_machine (f, "tiny", "RemoveNic", g_variant_new ("(sa{sv})", new_mac, NULL), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &when);
  g_assert_cmpstr (when, ==, "next-boot");
  assert_nics_become (f, "tiny", "[('52:54:00:ab:cd:01', 'user', '', 'rtl8139', true, [])]");
}

static void
test_nic_refused (Fixture       *f,
                  gconstpointer  data)
{
  struct {
    const char *method;
    const char *args;
    int         code;
    const char *words;
  } cases[] = {
    { "AddNic", "({'type': <'network'>, 'source': <'lab'>, 'colour': <'red'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "Unknown key" },
    { "AddNic", "({'type': <'network'>, 'source': <'lab'>}, {'force': <true>})", VIREO_ERROR_INVALID_ARGUMENT, "Unknown option" },
    { "AddNic", "({'source': <'lab'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "needs a type" },
    { "AddNic", "({'type': <'tap'>, 'source': <'lab'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "Unknown interface type" },
    { "AddNic", "({'type': <'network'>, 'source': <'lab'>, 'model': <'fancy'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "Unknown interface model" },
    { "AddNic", "({'type': <'network'>, 'source': <'lab'>, 'link': <'up'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "boolean" },
    { "AddNic", "({'type': <'network'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "needs its name" },
    { "AddNic", "({'type': <'network'>, 'source': <'no-such-net'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "no virtual network named" },
    { "AddNic", "({'type': <'network'>, 'source': <'../lab'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "cannot name" },
    { "AddNic", "({'type': <'bridge'>, 'source': <'nosuchbr0'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "no bridge named" },
    { "AddNic", "({'type': <'bridge'>, 'source': <'lo'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "not a bridge" },
    { "AddNic", "({'type': <'direct'>, 'source': <'nosuchif9'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "no network interface named" },
    { "AddNic", "({'type': <'direct'>, 'source': <'a very long name'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "cannot name" },
    { "AddNic", "({'type': <'user'>, 'source': <'lab'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "no source" },
    { "AddNic", "({'type': <'user'>, 'mac': <'52:54:00:zz:00:01'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "not a MAC address" },
    { "AddNic", "({'type': <'user'>, 'mac': <'52:54:00:00:01'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "not a MAC address" },
    { "AddNic", "({'type': <'user'>, 'mac': <'00:00:00:00:00:00'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "not a MAC address" },
    { "AddNic", "({'type': <'user'>, 'mac': <'01:00:5e:00:00:01'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "multicast" },
    { "AddNic", "({'type': <'user'>, 'mac': <'52:54:00:AA:00:01'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "already has" },
    { "RemoveNic", "('52:54:00:00:00:99', @a{sv} {})", VIREO_ERROR_NOT_FOUND, "no network interface with the MAC address 52:54:00:00:00:99" },
    { "RemoveNic", "('nonsense', @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "not a MAC address" },
    { "UpdateNic", "('52:54:00:00:00:99', {'link': <false>}, @a{sv} {})", VIREO_ERROR_NOT_FOUND, "no network interface" },
    { "UpdateNic", "('52:54:00:aa:00:01', {'mac': <'52:54:00:aa:00:02'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "Unknown key" },
    { "UpdateNic", "('52:54:00:aa:00:01', {'model': <'fancy'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "Unknown interface model" },
    { "UpdateNic", "('52:54:00:aa:00:01', {'type': <'bridge'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "needs a source" },
    { "UpdateNic", "('52:54:00:aa:00:01', {'source': <'no-such-net'>}, @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "no virtual network named" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *before_xml = NULL;
  g_autofree char *before_nics = NULL;
  g_autofree char *after_xml = NULL;

  path = create_network (f, "({'name': <'lab'>, 'mode': <'nat'>, 'ipv4': <'198.19.150.1/24'>},)", &error);
  g_assert_no_error (error);
  reply = call_machine (f, "tiny", "AddNic",
                        g_variant_new_parsed ("({'type': <'network'>, 'source': <'lab'>, 'mac': <'52:54:00:aa:00:01'>}, @a{sv} {})"), &error);
  g_assert_no_error (error);
  assert_nics_become (f, "tiny", "[('52:54:00:aa:00:01', 'network', 'lab', 'virtio', true, [])]");
  g_clear_pointer (&reply, g_variant_unref);
  before_xml = inactive_xml (f, "tiny");
  before_nics = g_variant_print (vireo_dbus_machine_get_nics (find_machine (f, "tiny")), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_clear_error (&error);
      g_test_message ("%s %s", cases[i].method, cases[i].args);
      reply = call_machine (f, "tiny", cases[i].method, g_variant_new_parsed (cases[i].args), &error);
      g_assert_null (reply);
      g_assert_error (error, VIREO_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].words);
    }

  /* Nothing changed. */
  settle ();
  after_xml = inactive_xml (f, "tiny");
  g_assert_cmpstr (after_xml, ==, before_xml);
  assert_nics_become (f, "tiny", before_nics);
}

static void
test_nic_denied (Fixture       *f,
                 gconstpointer  data)
{
  const char *calls[][2] = {
    { "AddNic", "({'type': <'user'>}, @a{sv} {})" },
    { "RemoveNic", "('52:54:00:0a:00:01', @a{sv} {})" },
    { "UpdateNic", "('52:54:00:0a:00:01', {'link': <false>}, @a{sv} {})" },
  };
  g_autofree char *before = inactive_xml (f, "debian-web");

  /* modify's: lifecycle and console are not enough. */
  set_allowed (f, (const char *[]){ VIREO_ACTION_CONSOLE, VIREO_ACTION_LIFECYCLE, VIREO_ACTION_HOST_NETWORK, NULL });
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = call_machine (f, "debian-web", calls[i][0], g_variant_new_parsed (calls[i][1]), &error);

      g_assert_null (reply);
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
    }
  set_allowed (f, all_actions);
  {
    g_autofree char *after = inactive_xml (f, "debian-web");

    g_assert_cmpstr (after, ==, before);
  }
}


/* Host interfaces and bridges. Only refusals: the helper on libvirt's test driver changes
 * nothing on the host's network (the sandboxed tests/sandbox/test-bridge.py makes bridges). */

static GVariant *
call_manager (Fixture     *f,
              const char  *method,
              GVariant    *args,
              GError     **error)
{
  return g_dbus_proxy_call_sync (G_DBUS_PROXY (f->manager), method, args, G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
}

static void
test_host_interfaces (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call_manager (f, "ListHostInterfaces", no_options (), &error);
  g_autoptr(GVariant) interfaces = NULL;
  g_autoptr(GVariant) bad = NULL;
  const char *previous = "";

  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (reply), ==, "(a(ssbba{sv}))");
  interfaces = g_variant_get_child_value (reply, 0);
  for (gsize i = 0; i < g_variant_n_children (interfaces); i++)
    {
      g_autoptr(GVariant) details = NULL;
      g_autoptr(GVariant) addresses = NULL;
      const char *name, *kind, *why_not = NULL;
      const char *kinds[] = { "ethernet", "wifi", "bridge", "bond", "vlan", "virtual", NULL };
      gboolean up, carrier, bridgeable;

      g_variant_get_child (interfaces, i, "(&s&sbb@a{sv})", &name, &kind, &up, &carrier, &details);
      g_test_message ("%s: %s", name, kind);
      g_assert_cmpstr (name, !=, "lo");
      g_assert_false (g_str_has_prefix (name, "vnet") && g_ascii_isdigit (name[4]));
      g_assert_cmpint (strcmp (previous, name), <, 0);   /* sorted */
      previous = name;
      g_assert_true (g_strv_contains (kinds, kind));
      g_assert_true (g_variant_lookup (details, "bridgeable", "b", &bridgeable));
      g_assert_cmpint (bridgeable, !=, g_variant_lookup (details, "why-not", "&s", &why_not));
      addresses = g_variant_lookup_value (details, "addresses", G_VARIANT_TYPE_STRING_ARRAY);
      g_assert_nonnull (addresses);
      if (g_str_equal (kind, "wifi"))
        g_assert_nonnull (strstr (why_not, "macvtap"));
      /* No NetworkManager on the test bus. */
      g_assert_false (g_variant_lookup (details, "networkmanager", "b", NULL));
    }

  bad = call_manager (f, "ListHostInterfaces", g_variant_new_parsed ("({'colour': <'red'>},)"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
}

static void
test_bridge_refused (Fixture       *f,
                     gconstpointer  data)
{
  const struct {
    const char *args;
    int         code;
    const char *words;
  } cases[] = {
    { "('bad/name', ['vireo-nosuch0'], @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "1 to 15" },
    { "('', ['vireo-nosuch0'], @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "1 to 15" },
    { "('abcdefghijklmnop', ['vireo-nosuch0'], @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "1 to 15" },
    { "('vbr-t', @as [], @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "at least one port" },
    { "('vbr-t', ['vireo-nosuch0', 'vireo-nosuch0'], @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "twice" },
    { "('vbr-t', ['vireo-nosuch0'], {'colour': <'red'>})", VIREO_ERROR_INVALID_ARGUMENT, "Unknown option" },
    { "('vbr-t', ['vireo-nosuch0'], {'stp': <1>})", VIREO_ERROR_INVALID_ARGUMENT, "boolean" },
    { "('vbr-t', ['vireo-nosuch0'], {'forward-delay': <uint32 60>})", VIREO_ERROR_INVALID_ARGUMENT, "0 to 30" },
    { "('vbr-t', ['vireo-nosuch0'], @a{sv} {})", VIREO_ERROR_NOT_FOUND, "no interface named vireo-nosuch0" },
    { "('vbr-t', ['lo'], @a{sv} {})", VIREO_ERROR_INVALID_ARGUMENT, "loopback" },
    { "('lo', ['vireo-nosuch0'], @a{sv} {})", VIREO_ERROR_EXISTS, "already an interface named lo" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = call_manager (f, "CreateBridge", g_variant_new_parsed (cases[i].args), &error);

      g_test_message ("CreateBridge%s", cases[i].args);
      g_assert_null (reply);
      g_assert_error (error, VIREO_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].words));
      g_assert_null (strchr (error->message, '\n'));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = call_manager (f, "DeleteBridge", g_variant_new_parsed ("('vireo-nosuch0', @a{sv} {})"),
                                              &error);

    g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_clear_pointer (&reply, g_variant_unref);
    reply = call_manager (f, "DeleteBridge", g_variant_new_parsed ("('bad/name', @a{sv} {})"), &error);
    g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    reply = call_manager (f, "DeleteBridge", g_variant_new_parsed ("('vbr-t', {'force': <true>})"), &error);
    g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_bridge_denied (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* Every other action is not enough: bridges are host-network's; refused before any check. */
  set_allowed (f, (const char *[]){ VIREO_ACTION_CONSOLE, VIREO_ACTION_LIFECYCLE, VIREO_ACTION_MODIFY, NULL });
  reply = call_manager (f, "CreateBridge", g_variant_new_parsed ("('bad/name', ['lo'], @a{sv} {})"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  g_clear_error (&error);
  reply = call_manager (f, "DeleteBridge", g_variant_new_parsed ("('vireo-nosuch0', @a{sv} {})"), &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED);
  g_clear_error (&error);

  /* Reading is open to all. */
  set_allowed (f, no_actions);
  reply = call_manager (f, "ListHostInterfaces", no_options (), &error);
  g_assert_no_error (error);
}

static void
add_test (const char *path,
          gconstpointer data,
          void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown);
}

static gboolean
name_has_owner (GDBusConnection *connection,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has);
  return has;
}

static gboolean
start_polkit_mock (void)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *python = g_getenv ("VIREO_PYTHON");
  const char *argv[] = { python, "-m", "dbusmock", "--template", "polkitd", NULL };
  gint64 deadline;

  if (python == NULL || python[0] == '\0')
    return FALSE;

  if (!g_spawn_async (NULL, (char **) argv, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, &polkit_pid, &error))
    {
      g_printerr ("# cannot start dbusmock: %s\n", error->message);
      return FALSE;
    }

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                       | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!name_has_owner (connection, "org.freedesktop.PolicyKit1"))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (20000);   /* another process: nothing to iterate here */
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  const char *fixture;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  /* The client needs the error names before the first reply. */
  (void) vireo_error_quark ();

  /* A copy whose disks live in a temporary directory: the helper runs as root here, and
   * the fixture's own paths are the host's (tests/fixtures/with-fixture.py). */
  fixture = g_getenv ("VIREO_FIXTURE");
  if (fixture == NULL || !g_path_is_absolute (fixture))
    {
      g_printerr ("VIREO_FIXTURE must be the absolute path of a copy of machines.xml; "
                  "run me as tests/fixtures/with-fixture.py %s\n", argv[0]);
      return 1;
    }
  fixture_uri = g_strdup_printf ("test://%s", fixture);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  /* The helper asks polkit on the "system" bus: make that our private bus. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (test_bus), TRUE);

  if (!start_polkit_mock ())
    {
      g_test_skip ("python3-dbusmock is not available (VIREO_PYTHON)");
      g_test_dbus_down (test_bus);
      return 77;
    }

  add_test ("/hypervisor/dbus/objects", NULL, test_objects);
  add_test ("/hypervisor/dbus/properties-read-only", NULL, test_properties_read_only);
  add_test ("/hypervisor/dbus/OsName", NULL, test_os_name);
  for (guint i = 0; i < G_N_ELEMENTS (lifecycle_cases); i++)
    {
      g_autofree char *allowed = g_strdup_printf ("/hypervisor/dbus/%s/allowed", lifecycle_cases[i].method);
      g_autofree char *denied = g_strdup_printf ("/hypervisor/dbus/%s/denied", lifecycle_cases[i].method);

      add_test (allowed, lifecycle_cases[i].method, test_lifecycle_allowed);
      add_test (denied, lifecycle_cases[i].method, test_lifecycle_denied);
    }
  add_test ("/hypervisor/dbus/lifecycle/invalid", NULL, test_lifecycle_invalid);
  add_test ("/hypervisor/dbus/GetXml", NULL, test_get_xml);
  add_test ("/hypervisor/dbus/read-rule", NULL, test_read_rule);
  add_test ("/hypervisor/dbus/OpenConsole", NULL, test_open_console);
  add_test ("/hypervisor/dbus/OpenSerial", NULL, test_open_serial);
  add_test ("/hypervisor/dbus/Delete/allowed", NULL, test_delete_allowed);
  add_test ("/hypervisor/dbus/Delete/refused", NULL, test_delete_refused);
  add_test ("/hypervisor/dbus/CreateMachine/allowed", NULL, test_create_allowed);
  add_test ("/hypervisor/dbus/CreateMachine/refused", NULL, test_create_refused);
  add_test ("/hypervisor/dbus/DownloadMedia", NULL, test_download_media);
  add_test ("/hypervisor/dbus/CreateMachine/iso-volume", NULL, test_create_iso_volume);
  add_test ("/hypervisor/dbus/client-vanishes", NULL, test_client_vanishes);
  g_test_add ("/hypervisor/dbus/auth-timeout", Fixture, NULL, no_setup, test_auth_timeout, fixture_teardown);
  g_test_add ("/hypervisor/dbus/lifecycle/effects", Fixture, NULL, no_setup, test_lifecycle_effects,
              fixture_teardown);
  add_test ("/hypervisor/dbus/CreateMachine/iso-copied", NULL, test_create_iso_copied);
  add_test ("/hypervisor/dbus/CreateMachine/os", NULL, test_create_os);
  add_test ("/hypervisor/dbus/PreviewMachine", NULL, test_preview);
  add_test ("/hypervisor/dbus/CreateMachine/import", NULL, test_create_import);
  add_test ("/hypervisor/dbus/CreateMachine/job", NULL, test_create_job);
  g_test_add ("/hypervisor/dbus/Delete/as-caller", Fixture, NULL, delete_fixture_setup,
              test_delete_as_caller, delete_fixture_teardown);
  add_test ("/hypervisor/dbus/helper-restarted", NULL, test_helper_restarted);
  add_test ("/hypervisor/dbus/CreateNetwork/allowed", NULL, test_network_create);
  add_test ("/hypervisor/dbus/CreateNetwork/refused", NULL, test_network_refused);
  add_test ("/hypervisor/dbus/ListHostInterfaces", NULL, test_host_interfaces);
  add_test ("/hypervisor/dbus/CreateBridge/refused", NULL, test_bridge_refused);
  add_test ("/hypervisor/dbus/CreateBridge/denied", NULL, test_bridge_denied);
  add_test ("/hypervisor/dbus/Network/lifecycle", NULL, test_network_lifecycle);
  add_test ("/hypervisor/dbus/Network/Delete/in-use", NULL, test_network_delete_in_use);
  add_test ("/hypervisor/dbus/Network/denied", NULL, test_network_denied);
  add_test ("/hypervisor/dbus/Nic/stopped", NULL, test_nic_stopped);
  add_test ("/hypervisor/dbus/Nic/refused", NULL, test_nic_refused);
  add_test ("/hypervisor/dbus/Nic/denied", NULL, test_nic_denied);

  ret = g_test_run ();

  kill (polkit_pid, SIGTERM);
  waitpid (polkit_pid, NULL, 0);
  g_test_dbus_down (test_bus);
  g_free (fixture_uri);
  return ret;
}
