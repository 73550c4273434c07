/* vireo-daemon-machine.c
 *
 * org.vireo.Hypervisor1.Machine: one libvirt domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-daemon-machine"

#include "config.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vireo-as-caller.h"
#include "vireo-authority.h"
#include "vireo-serial-bridge.h"
#include "vireo-daemon-machine.h"
#include "vireo-daemon-nic.h"
#include "vireo-daemon-private.h"

struct _VireoDaemonMachine {
  VireoDBusMachineSkeleton parent_instance;

  /* Borrowed references */
  VireoDaemon             *daemon;

  guint64                  seq;
  GHashTable              *agent_addresses;  /* MAC → GStrv, from the guest agent, while it runs */
};

static void machine_iface_init (VireoDBusMachineIface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (VireoDaemonMachine, vireo_daemon_machine, VIREO_DBUS_TYPE_MACHINE_SKELETON,
                               G_IMPLEMENT_INTERFACE (VIREO_DBUS_TYPE_MACHINE, machine_iface_init))
/* clang-format on */

static const VireoMethodAction machine_actions[] = {
  { "Start",       VIREO_ACTION_LIFECYCLE },
  { "Shutdown",    VIREO_ACTION_LIFECYCLE },
  { "Reboot",      VIREO_ACTION_LIFECYCLE },
  { "ForceOff",    VIREO_ACTION_LIFECYCLE },
  { "Reset",       VIREO_ACTION_LIFECYCLE },
  { "Pause",       VIREO_ACTION_LIFECYCLE },
  { "Resume",      VIREO_ACTION_LIFECYCLE },
  { "Save",        VIREO_ACTION_LIFECYCLE },
  { "Delete",      VIREO_ACTION_MODIFY },
  { "GetXml",      NULL },   /* a read: open to every local user, as properties are */
  { "OpenConsole", VIREO_ACTION_CONSOLE },
  { "OpenSerial",  VIREO_ACTION_CONSOLE },
  { "AddNic",      VIREO_ACTION_MODIFY },
  { "RemoveNic",   VIREO_ACTION_MODIFY },
  { "UpdateNic",   VIREO_ACTION_MODIFY },
};

static const VireoOptionSpec no_options[] = { { NULL } };

/* Lifecycle methods: one libvirt call each. */

typedef int (*LifecycleFunc) (virDomainPtr dom);

static int
do_shutdown (virDomainPtr dom)
{
  return virDomainShutdown (dom);
}

static int
do_reboot (virDomainPtr dom)
{
  return virDomainReboot (dom, 0);
}

static int
do_reset (virDomainPtr dom)
{
  return virDomainReset (dom, 0);
}

static int
do_save (virDomainPtr dom)
{
  return virDomainManagedSave (dom, 0);
}

/* What a method needs, checked first so that the answer is a sentence of ours, the same for
 * every driver, rather than whatever error the driver picks. */
typedef enum {
  NEEDS_INACTIVE,
  NEEDS_ACTIVE,
  NEEDS_RUNNING,
  NEEDS_PAUSED,
} Precondition;

typedef void (*LifecycleComplete) (VireoDBusMachine      *machine,
                                   GDBusMethodInvocation *invocation);

typedef struct {
  const char        *method;
  LifecycleFunc      func;
  Precondition       precondition;
  const char        *failure;   /* printf format with the machine's name */
  LifecycleComplete  complete;
} Lifecycle;

static const Lifecycle lifecycle_table[] = {
  { "Start",    virDomainCreate,  NEEDS_INACTIVE, N_("Could not start “%s”."),    vireo_dbus_machine_complete_start },
  { "Shutdown", do_shutdown,      NEEDS_ACTIVE,   N_("Could not shut down “%s”."), vireo_dbus_machine_complete_shutdown },
  { "Reboot",   do_reboot,        NEEDS_ACTIVE,   N_("Could not reboot “%s”."),   vireo_dbus_machine_complete_reboot },
  { "ForceOff", virDomainDestroy, NEEDS_ACTIVE,   N_("Could not force “%s” off."), vireo_dbus_machine_complete_force_off },
  { "Reset",    do_reset,         NEEDS_ACTIVE,   N_("Could not reset “%s”."),    vireo_dbus_machine_complete_reset },
  { "Pause",    virDomainSuspend, NEEDS_RUNNING,  N_("Could not pause “%s”."),    vireo_dbus_machine_complete_pause },
  { "Resume",   virDomainResume,  NEEDS_PAUSED,   N_("Could not resume “%s”."),   vireo_dbus_machine_complete_resume },
  { "Save",     do_save,          NEEDS_ACTIVE,   N_("Could not save “%s”."),     vireo_dbus_machine_complete_save },
};

static gboolean
check_precondition (virDomainPtr   dom,
                    const char    *name,
                    Precondition   precondition,
                    GError       **error)
{
  int state = VIR_DOMAIN_NOSTATE;
  int active = virDomainIsActive (dom);

  if (active < 0 || virDomainGetState (dom, &state, NULL, 0) < 0)
    {
      vireo_libvirt_set_error (error, _("The state of “%s” could not be read."), name);
      return FALSE;
    }

  switch (precondition)
    {
    case NEEDS_INACTIVE:
      /* Say what stands in the way, and what to do about it. */
      if (active)
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                     state == VIR_DOMAIN_PAUSED ? _("“%s” is paused: resume it, or force it off to start it afresh.")
                     : state == VIR_DOMAIN_CRASHED ? _("“%s” has crashed: force it off, then start it again.")
                     : state == VIR_DOMAIN_PMSUSPENDED ? _("“%s” was suspended by its guest: force it off to start it afresh.")
                     : _("“%s” is already running."),
                     name);
      return !active;

    case NEEDS_ACTIVE:
      if (!active)
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                     _("“%s” is not running."), name);
      return active;

    case NEEDS_RUNNING:
      if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_BLOCKED)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                       state == VIR_DOMAIN_PAUSED ? _("“%s” is already paused.")
                       : state == VIR_DOMAIN_CRASHED ? _("“%s” has crashed: force it off, then start it again.")
                       : state == VIR_DOMAIN_PMSUSPENDED ? _("“%s” was suspended by its guest.")
                       : _("“%s” is not running."),
                       name);
          return FALSE;
        }
      return TRUE;

    case NEEDS_PAUSED:
      if (state != VIR_DOMAIN_PAUSED)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE, _("“%s” is not paused."), name);
          return FALSE;
        }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
lifecycle_func (VireoCall  *call,
                GError    **error)
{
  const Lifecycle *lifecycle = call->data;
  g_autoptr(virDomain) dom = _vireo_call_lookup_domain (call, error);

  if (dom == NULL || !check_precondition (dom, call->name, lifecycle->precondition, error))
    return FALSE;

  if (lifecycle->func (dom) < 0)
    {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      /* The formats are the literals of lifecycle_table, each with one %s. */
      vireo_libvirt_set_error (error, _(lifecycle->failure), call->name);
#pragma GCC diagnostic pop
      return FALSE;
    }

  return TRUE;
}

static void
lifecycle_done (VireoCall *call)
{
  const Lifecycle *lifecycle = call->data;

  lifecycle->complete (call->object, g_steal_pointer (&call->invocation));
}

/* Starts @func in a worker thread for this machine; answers the caller on failure. */
VireoCall *
_vireo_daemon_machine_begin_call (VireoDaemonMachine    *self,
            GDBusMethodInvocation *invocation,
            GVariant              *options,
            const VireoOptionSpec *known_options,
            VireoCallFunc          func)
{
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (self);
  g_autoptr(GError) error = NULL;
  VireoCall *call;

  if (!_vireo_check_options (options, known_options, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return NULL;
    }

  call = _vireo_call_new (self->daemon, invocation, func, &error);
  if (call == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return NULL;
    }

  call->object = g_object_ref (self);
  call->uuid = g_strdup (vireo_dbus_machine_get_uuid (machine));
  call->name = g_strdup (vireo_dbus_machine_get_name (machine));
  call->options = g_variant_ref (options);
  return call;
}

static gboolean
handle_lifecycle (VireoDaemonMachine    *self,
                  GDBusMethodInvocation *invocation,
                  GVariant              *options)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  VireoCall *call;

  for (guint i = 0; i < G_N_ELEMENTS (lifecycle_table); i++)
    {
      if (!g_str_equal (lifecycle_table[i].method, method))
        continue;

      call = _vireo_daemon_machine_begin_call (self, invocation, options, no_options, lifecycle_func);
      if (call != NULL)
        {
          call->data = (gpointer) &lifecycle_table[i];
          call->done = lifecycle_done;
          _vireo_call_run (call);
        }
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_assert_not_reached ();
}

#define LIFECYCLE_HANDLER(name)                                                   \
  static gboolean                                                                 \
  handle_##name (VireoDBusMachine      *machine,                                  \
                 GDBusMethodInvocation *invocation,                               \
                 GVariant              *options)                                  \
  {                                                                               \
    return handle_lifecycle (VIREO_DAEMON_MACHINE (machine), invocation, options); \
  }

LIFECYCLE_HANDLER (start)
LIFECYCLE_HANDLER (shutdown)
LIFECYCLE_HANDLER (reboot)
LIFECYCLE_HANDLER (force_off)
LIFECYCLE_HANDLER (reset)
LIFECYCLE_HANDLER (pause)
LIFECYCLE_HANDLER (resume)
LIFECYCLE_HANDLER (save)

/* Delete */

static void
add_disk_paths (GPtrArray        *paths,
                VireoDomainFacts *facts)
{
  for (guint i = 0; i < facts->disks->len; i++)
    {
      VireoDiskFacts *disk = g_ptr_array_index (facts->disks, i);

      if (disk->path[0] != '\0')
        g_ptr_array_add (paths, g_strdup (disk->path));
    }
}

static GPtrArray *
facts_disk_paths (VireoDomainFacts *facts)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  add_disk_paths (paths, facts);
  return paths;
}

/* Which other machine uses @path, if any: its name. */
static char *
find_other_user (virConnectPtr  conn,
                 const char    *uuid,
                 GPtrArray     *paths,
                 char         **path_out,
                 GError       **error)
{
  virDomainPtr *domains = NULL;
  char *user = NULL;
  int n;

  n = virConnectListAllDomains (conn, &domains, 0);
  if (n < 0)
    {
      vireo_libvirt_set_error (error, _("Vireo could not check which machines use the disks."));
      return NULL;
    }

  for (int i = 0; i < n; i++)
    {
      char other_uuid[VIR_UUID_STRING_BUFLEN];
      unsigned int flag_sets[] = { 0, VIR_DOMAIN_XML_INACTIVE };

      if (user != NULL || virDomainGetUUIDString (domains[i], other_uuid) < 0
          || g_str_equal (other_uuid, uuid))
        continue;

      for (guint f = 0; f < G_N_ELEMENTS (flag_sets) && user == NULL; f++)
        {
          g_autofree char *xml = NULL;
          g_autoptr(VireoDomainFacts) facts = NULL;

          if (flag_sets[f] != 0 && virDomainIsPersistent (domains[i]) != 1)
            continue;

          xml = virDomainGetXMLDesc (domains[i], flag_sets[f]);
          if (xml == NULL || (facts = vireo_domain_facts_new_from_xml (xml, NULL)) == NULL)
            continue;

          for (guint d = 0; d < facts->disks->len && user == NULL; d++)
            {
              VireoDiskFacts *disk = g_ptr_array_index (facts->disks, d);

              for (guint p = 0; p < paths->len; p++)
                if (g_str_equal (disk->path, g_ptr_array_index (paths, p)))
                  {
                    user = g_strdup (facts->name);
                    *path_out = g_strdup (disk->path);
                    break;
                  }
            }
        }
    }

  for (int i = 0; i < n; i++)
    virDomainFree (domains[i]);
  free (domains);
  virResetLastError ();

  return user;
}

static gboolean
delete_func (VireoCall  *call,
             GError    **error)
{
  g_autoptr(virDomain) dom = NULL;
  g_autoptr(VireoDomainFacts) facts = NULL;
  g_autoptr(GPtrArray) to_delete = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) own_paths = NULL;
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autofree const char **requested = NULL;
  g_autofree gboolean *is_volume = NULL;
  uid_t uid = (uid_t) -1;
  GVariant *disks;
  unsigned int undefine_flags;
  int persistent;

  dom = _vireo_call_lookup_domain (call, error);
  if (dom == NULL)
    return FALSE;

  facts = vireo_domain_facts_fetch (call->conn, dom, error);
  if (facts == NULL)
    return FALSE;
  own_paths = facts_disk_paths (facts);

  /* Also the persistent definition's disks, which a running machine may not show. */
  persistent = virDomainIsPersistent (dom);
  if (persistent == 1 && virDomainIsActive (dom) == 1)
    {
      g_autofree char *xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
      g_autoptr(VireoDomainFacts) inactive = xml != NULL ? vireo_domain_facts_new_from_xml (xml, NULL) : NULL;

      if (inactive != NULL)
        add_disk_paths (own_paths, inactive);
    }

  /* Its type was checked with the call's options. */
  disks = g_variant_lookup_value (call->options, "disks", G_VARIANT_TYPE_STRING_ARRAY);
  if (disks != NULL)
    {
      requested = g_variant_get_strv (disks, NULL);
      g_variant_unref (disks);
    }

  for (guint r = 0; requested != NULL && requested[r] != NULL; r++)
    {
      const char *path = NULL;

      for (guint i = 0; i < facts->disks->len && path == NULL; i++)
        {
          VireoDiskFacts *disk = g_ptr_array_index (facts->disks, i);

          if (disk->path[0] != '\0'
              && (g_str_equal (disk->path, requested[r]) || g_str_equal (disk->target, requested[r])))
            path = disk->path;
        }
      for (guint i = 0; i < own_paths->len && path == NULL; i++)
        if (g_str_equal (g_ptr_array_index (own_paths, i), requested[r]))
          path = g_ptr_array_index (own_paths, i);

      if (path == NULL)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a disk of “%s”; nothing was deleted."),
                       g_utf8_validate (requested[r], -1, NULL) ? requested[r] : "?", call->name);
          return FALSE;
        }

      if (!g_ptr_array_find_with_equal_func (to_delete, path, g_str_equal, NULL))
        g_ptr_array_add (to_delete, g_strdup (path));
    }

  /* Every check before any change: each disk a volume of a storage pool (libvirt deletes
   * it), or a file the caller could remove themselves (a child that is the caller removes
   * it); and nobody else's. */
  is_volume = g_new0 (gboolean, to_delete->len + 1);
  for (guint i = 0; i < to_delete->len; i++)
    {
      const char *path = g_ptr_array_index (to_delete, i);
      g_autoptr(virStorageVol) vol = virStorageVolLookupByPath (call->conn, path);
      g_autoptr(GError) local_error = NULL;

      virResetLastError ();
      if (vol != NULL)
        {
          is_volume[i] = TRUE;
          continue;
        }

      if (uid == (uid_t) -1 && (uid = _vireo_call_get_caller_uid (call, error)) == (uid_t) -1)
        return FALSE;

      if (!vireo_caller_unlink (uid, path, TRUE, &local_error))
        {
          g_set_error (error, VIREO_ERROR, local_error->code, _("%s Nothing was deleted."),
                       local_error->message);
          return FALSE;
        }
    }

  if (to_delete->len > 0)
    {
      g_autofree char *other_path = NULL;
      g_autofree char *other = NULL;
      g_autoptr(GError) local_error = NULL;

      other = find_other_user (call->conn, call->uuid, to_delete, &other_path, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (other != NULL)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("The disk “%s” is also used by “%s”; nothing was deleted."), other_path, other);
          return FALSE;
        }
    }

  if (virDomainIsActive (dom) == 1 && virDomainDestroy (dom) < 0)
    {
      vireo_libvirt_set_error (error, _("Could not stop “%s” to delete it."), call->name);
      return FALSE;
    }

  if (persistent == 1)
    {
      undefine_flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
                       | VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA;
      if (virDomainUndefineFlags (dom, undefine_flags) < 0)
        {
          virErrorPtr last = virGetLastError ();

          /* Drivers without NVRAM or checkpoints refuse those flags. */
          if (last == NULL || (last->code != VIR_ERR_INVALID_ARG && last->code != VIR_ERR_NO_SUPPORT)
              || virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                                                  | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0)
            {
              vireo_libvirt_set_error (error, _("Could not delete “%s”."), call->name);
              return FALSE;
            }
        }
    }

  for (guint i = 0; i < to_delete->len; i++)
    {
      const char *path = g_ptr_array_index (to_delete, i);
      g_autoptr(GError) local_error = NULL;

      if (is_volume[i])
        {
          g_autoptr(virStorageVol) vol = virStorageVolLookupByPath (call->conn, path);

          if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
            {
              virErrorPtr last = virGetLastError ();

              g_string_append_printf (failures, "\n%s: %s", path, last != NULL ? last->message : "?");
            }
          virResetLastError ();
        }
      else if (!vireo_caller_unlink (uid, path, FALSE, &local_error))
        g_string_append_printf (failures, "\n%s", local_error->message);
    }

  if (failures->len > 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("“%s” was deleted, but some of its disks could not be:%s"),
                   call->name, failures->str);
      return FALSE;
    }

  return TRUE;
}

static void
delete_done (VireoCall *call)
{
  vireo_dbus_machine_complete_delete (call->object, g_steal_pointer (&call->invocation));
}

static gboolean
handle_delete (VireoDBusMachine      *machine,
               GDBusMethodInvocation *invocation,
               GVariant              *options)
{
  static const VireoOptionSpec known[] = { { "disks", "as", N_("a list of strings") }, { NULL } };
  VireoCall *call = _vireo_daemon_machine_begin_call (VIREO_DAEMON_MACHINE (machine), invocation, options, known, delete_func);

  if (call != NULL)
    {
      call->done = delete_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* GetXml */

static gboolean
get_xml_func (VireoCall  *call,
              GError    **error)
{
  g_autoptr(virDomain) dom = _vireo_call_lookup_domain (call, error);
  gboolean inactive = FALSE;

  if (dom == NULL)
    return FALSE;

  g_variant_lookup (call->options, "inactive", "b", &inactive);
  call->out_string = virDomainGetXMLDesc (dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
  if (call->out_string == NULL)
    {
      vireo_libvirt_set_error (error, _("Could not read the definition of “%s”."), call->name);
      return FALSE;
    }

  return TRUE;
}

static void
get_xml_done (VireoCall *call)
{
  vireo_dbus_machine_complete_get_xml (call->object, g_steal_pointer (&call->invocation), call->out_string);
}

static gboolean
handle_get_xml (VireoDBusMachine      *machine,
                GDBusMethodInvocation *invocation,
                GVariant              *options)
{
  static const VireoOptionSpec known[] = { { "inactive", "b", N_("a boolean") }, { NULL } };
  VireoCall *call;

  call = _vireo_daemon_machine_begin_call (VIREO_DAEMON_MACHINE (machine), invocation, options, known, get_xml_func);
  if (call != NULL)
    {
      call->done = get_xml_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* OpenConsole */

static gboolean
open_console_func (VireoCall  *call,
                   GError    **error)
{
  g_autoptr(virDomain) dom = _vireo_call_lookup_domain (call, error);
  g_autofree char *xml = NULL;
  const char *type = call->data;
  int index;

  if (dom == NULL)
    return FALSE;

  if (virDomainIsActive (dom) != 1)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                   _("“%s” is not running: start it to see its screen."), call->name);
      return FALSE;
    }

  xml = virDomainGetXMLDesc (dom, 0);
  if (xml == NULL)
    {
      vireo_libvirt_set_error (error, _("Could not read the definition of “%s”."), call->name);
      return FALSE;
    }

  index = vireo_domain_facts_graphics_index (xml, type, error);
  if (index < 0)
    {
      g_prefix_error (error, _("Cannot show the screen of “%s”. "), call->name);
      return FALSE;
    }

  /* Pre-authenticated: no password crosses the bus or reaches the user. */
  call->out_fd = virDomainOpenGraphicsFD (dom, index, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
  if (call->out_fd < 0)
    {
      vireo_libvirt_set_error (error, _("Could not connect to the screen of “%s”."), call->name);
      return FALSE;
    }

  return TRUE;
}

static void
open_console_done (VireoCall *call)
{
  g_autoptr(GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  int index;

  index = g_unix_fd_list_append (fd_list, call->out_fd, &error);
  if (index < 0)
    {
      g_dbus_method_invocation_return_gerror (g_steal_pointer (&call->invocation), error);
      return;
    }

  vireo_dbus_machine_complete_open_console (call->object, g_steal_pointer (&call->invocation), fd_list,
                                            g_variant_new_handle (index));
}

static gboolean
handle_open_console (VireoDBusMachine      *machine,
                     GDBusMethodInvocation *invocation,
                     GUnixFDList           *fd_list,
                     const char            *type,
                     GVariant              *options)
{
  VireoCall *call;

  if (!g_str_equal (type, "spice") && !g_str_equal (type, "vnc"))
    {
      g_dbus_method_invocation_return_error (invocation, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                                             _("Unknown console type “%s”: use “spice” or “vnc”."),
                                             g_utf8_validate (type, -1, NULL) ? type : "?");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  call = _vireo_daemon_machine_begin_call (VIREO_DAEMON_MACHINE (machine), invocation, options, no_options, open_console_func);
  if (call != NULL)
    {
      call->data = g_strdup (type);
      call->data_free = g_free;
      call->done = open_console_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* OpenSerial */

static gboolean
open_serial_func (VireoCall  *call,
                  GError    **error)
{
  g_autoptr(virDomain) dom = _vireo_call_lookup_domain (call, error);
  gboolean force = FALSE;
  virStreamPtr stream;

  if (dom == NULL)
    return FALSE;

  if (virDomainIsActive (dom) != 1)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                   _("“%s” is not running: start it to use its serial console."), call->name);
      return FALSE;
    }

  g_variant_lookup (call->options, "force", "b", &force);
  stream = virStreamNew (call->conn, VIR_STREAM_NONBLOCK);
  if (stream == NULL)
    {
      vireo_libvirt_set_error (error, _("Could not open the serial console of “%s”."), call->name);
      return FALSE;
    }

  if (virDomainOpenConsole (dom, NULL, stream, force ? VIR_DOMAIN_CONSOLE_FORCE : VIR_DOMAIN_CONSOLE_SAFE) < 0)
    {
      virErrorPtr last = virGetLastError ();

      if (last != NULL && last->code == VIR_ERR_OPERATION_FAILED)
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                     _("Another program is using the serial console of “%s”.\nlibvirt: %s"),
                     call->name, last->message);
      else
        vireo_libvirt_set_error (error, _("Could not open the serial console of “%s”."), call->name);
      virStreamFree (stream);
      return FALSE;
    }

  call->data = stream;
  call->data_free = NULL;
  return TRUE;
}

static void
open_serial_done (VireoCall *call)
{
  g_autoptr(GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  virStreamPtr stream = g_steal_pointer (&call->data);
  int sv[2];
  int index;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    {
      virStreamAbort (stream);
      virStreamFree (stream);
      g_dbus_method_invocation_return_error (g_steal_pointer (&call->invocation), VIREO_ERROR, VIREO_ERROR_FAILED,
                                             "socketpair: %s", g_strerror (errno));
      return;
    }

  index = g_unix_fd_list_append (fd_list, sv[1], &error);
  close (sv[1]);
  if (index < 0)
    {
      close (sv[0]);
      virStreamAbort (stream);
      virStreamFree (stream);
      g_dbus_method_invocation_return_gerror (g_steal_pointer (&call->invocation), error);
      return;
    }

  vireo_serial_bridge_start (stream, sv[0]);
  vireo_dbus_machine_complete_open_serial (call->object, g_steal_pointer (&call->invocation), fd_list,
                                           g_variant_new_handle (index));
}

static gboolean
handle_open_serial (VireoDBusMachine      *machine,
                    GDBusMethodInvocation *invocation,
                    GUnixFDList           *fd_list,
                    GVariant              *options)
{
  static const VireoOptionSpec known[] = { { "force", "b", N_("a boolean") }, { NULL } };
  VireoCall *call;

  call = _vireo_daemon_machine_begin_call (VIREO_DAEMON_MACHINE (machine), invocation, options, known, open_serial_func);
  if (call != NULL)
    {
      call->done = open_serial_done;
      _vireo_call_run (call);
    }
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* AddNic, RemoveNic, UpdateNic: vireo-daemon-nic.c */

static gboolean
handle_add_nic (VireoDBusMachine      *machine,
                GDBusMethodInvocation *invocation,
                GVariant              *spec,
                GVariant              *options)
{
  VireoDaemonMachine *self = VIREO_DAEMON_MACHINE (machine);

  return _vireo_daemon_nic_handle_add (self, self->daemon, invocation, spec, options);
}

static gboolean
handle_remove_nic (VireoDBusMachine      *machine,
                   GDBusMethodInvocation *invocation,
                   const char            *mac,
                   GVariant              *options)
{
  return _vireo_daemon_nic_handle_remove (VIREO_DAEMON_MACHINE (machine), invocation, mac, options);
}

static gboolean
handle_update_nic (VireoDBusMachine      *machine,
                   GDBusMethodInvocation *invocation,
                   const char            *mac,
                   GVariant              *changes,
                   GVariant              *options)
{
  return _vireo_daemon_nic_handle_update (VIREO_DAEMON_MACHINE (machine), invocation, mac, changes, options);
}

/* Every call goes through polkit first (vireo-authority.c), on the main context. */

static VireoAuthorityGate machine_gate = VIREO_AUTHORITY_GATE (machine_actions);

static GDBusInterfaceVTable *
vireo_daemon_machine_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  return vireo_authority_gate_vtable (&machine_gate, skeleton,
                                      G_DBUS_INTERFACE_SKELETON_CLASS (vireo_daemon_machine_parent_class)->get_vtable (skeleton));
}

static void
machine_iface_init (VireoDBusMachineIface *iface)
{
  iface->handle_start = handle_start;
  iface->handle_shutdown = handle_shutdown;
  iface->handle_reboot = handle_reboot;
  iface->handle_force_off = handle_force_off;
  iface->handle_reset = handle_reset;
  iface->handle_pause = handle_pause;
  iface->handle_resume = handle_resume;
  iface->handle_save = handle_save;
  iface->handle_delete = handle_delete;
  iface->handle_get_xml = handle_get_xml;
  iface->handle_open_console = handle_open_console;
  iface->handle_open_serial = handle_open_serial;
  iface->handle_add_nic = handle_add_nic;
  iface->handle_remove_nic = handle_remove_nic;
  iface->handle_update_nic = handle_update_nic;
}

static void
vireo_daemon_machine_finalize (GObject *object)
{
  VireoDaemonMachine *self = (VireoDaemonMachine *) object;

  g_clear_pointer (&self->agent_addresses, g_hash_table_unref);

  G_OBJECT_CLASS (vireo_daemon_machine_parent_class)->finalize (object);
}

static void
vireo_daemon_machine_class_init (VireoDaemonMachineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  object_class->finalize = vireo_daemon_machine_finalize;
  skeleton_class->get_vtable = vireo_daemon_machine_get_vtable;
}

static void
vireo_daemon_machine_init (VireoDaemonMachine *self)
{
  self->agent_addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
}

VireoDaemonMachine *
vireo_daemon_machine_new (VireoDaemon *daemon,
                          const char  *uuid)
{
  VireoDaemonMachine *self;

  g_return_val_if_fail (VIREO_IS_DAEMON (daemon), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  self = g_object_new (VIREO_TYPE_DAEMON_MACHINE, NULL);
  self->daemon = daemon;
  vireo_dbus_machine_set_uuid (VIREO_DBUS_MACHINE (self), uuid);
  return self;
}

guint64
vireo_daemon_machine_get_seq (VireoDaemonMachine *self)
{
  g_return_val_if_fail (VIREO_IS_DAEMON_MACHINE (self), 0);

  return self->seq;
}

/**
 * vireo_daemon_machine_update:
 * @facts: what the domain is now
 * @seq: when @facts were asked for
 *
 * Sets the properties; GDBus emits one PropertiesChanged for those that changed.
 */
void
vireo_daemon_machine_update (VireoDaemonMachine *self,
                             VireoDomainFacts   *facts,
                             guint64             seq)
{
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (self);
  GVariantBuilder disks;
  GVariantBuilder nics;

  g_return_if_fail (VIREO_IS_DAEMON_MACHINE (self));
  g_return_if_fail (facts != NULL);

  self->seq = seq;

  g_variant_builder_init (&disks, G_VARIANT_TYPE ("a(sssts)"));
  for (guint i = 0; i < facts->disks->len; i++)
    {
      VireoDiskFacts *disk = g_ptr_array_index (facts->disks, i);

      g_variant_builder_add (&disks, "(sssts)", disk->target, disk->path, disk->device, disk->size, disk->type);
    }

  /* A stopped machine has no addresses; the agent's answer was for the run that ended. */
  if (!vireo_machine_state_is_active (facts->state))
    g_hash_table_remove_all (self->agent_addresses);

  g_variant_builder_init (&nics, G_VARIANT_TYPE ("a(ssssbas)"));
  for (guint i = 0; i < facts->nics->len; i++)
    {
      VireoNicFacts *nic = g_ptr_array_index (facts->nics, i);
      /* The network's DHCP lease, else what the guest agent said. */
      const char *const *addresses = (const char *const *) nic->addresses;

      if (addresses == NULL || addresses[0] == NULL)
        addresses = g_hash_table_lookup (self->agent_addresses, nic->mac);
      g_variant_builder_add (&nics, "(ssssb@as)", nic->mac, nic->type, nic->source, nic->model, nic->link_up,
                             g_variant_new_strv (addresses, addresses != NULL ? -1 : 0));
    }

  g_object_freeze_notify (G_OBJECT (self));
  vireo_dbus_machine_set_name (machine, facts->name);
  vireo_dbus_machine_set_title (machine, facts->title != NULL ? facts->title : "");
  vireo_dbus_machine_set_description (machine, facts->description != NULL ? facts->description : "");
  vireo_dbus_machine_set_state (machine, vireo_machine_state_to_string (facts->state));
  vireo_dbus_machine_set_os_id (machine, facts->os_id != NULL ? facts->os_id : "");
  vireo_daemon_machine_update_os_name (self);
  vireo_dbus_machine_set_vcpus (machine, facts->vcpus);
  vireo_dbus_machine_set_memory_mib (machine, facts->memory_mib);
  vireo_dbus_machine_set_persistent (machine, facts->persistent);
  vireo_dbus_machine_set_autostart (machine, facts->autostart);
  vireo_dbus_machine_set_graphics_types (machine, (const char *const *) facts->graphics);
  vireo_dbus_machine_set_disks (machine, g_variant_builder_end (&disks));
  vireo_dbus_machine_set_nics (machine, g_variant_builder_end (&nics));
  vireo_dbus_machine_set_has_serial (machine, facts->has_serial);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vireo_daemon_machine_set_agent_addresses:
 * @addresses: (transfer full): MAC → GStrv, what the guest agent said
 *
 * Keeps the guest agent's addresses until the machine stops; the next update shows them
 * for the interfaces without a DHCP lease.
 */
void
vireo_daemon_machine_set_agent_addresses (VireoDaemonMachine *self,
                                          GHashTable         *addresses)
{
  g_return_if_fail (VIREO_IS_DAEMON_MACHINE (self));
  g_return_if_fail (addresses != NULL);

  g_clear_pointer (&self->agent_addresses, g_hash_table_unref);
  self->agent_addresses = addresses;
}

/**
 * vireo_daemon_machine_uses_network:
 * @network: a libvirt network's name
 *
 * Returns: whether the machine runs with an interface on @network
 */
gboolean
vireo_daemon_machine_uses_network (VireoDaemonMachine *self,
                                   const char         *network)
{
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (self);
  GVariant *nics = vireo_dbus_machine_get_nics (machine);

  g_return_val_if_fail (VIREO_IS_DAEMON_MACHINE (self), FALSE);

  if (!vireo_machine_state_is_active (vireo_machine_state_from_string (vireo_dbus_machine_get_state (machine))))
    return FALSE;
  for (gsize i = 0; nics != NULL && i < g_variant_n_children (nics); i++)
    {
      const char *type, *source;

      g_variant_get_child (nics, i, "(&s&s&s&sb@as)", NULL, &type, &source, NULL, NULL, NULL);
      if (g_str_equal (type, "network") && g_str_equal (source, network))
        return TRUE;
    }
  return FALSE;
}

/**
 * vireo_daemon_machine_update_os_name:
 *
 * Sets OsName for OsId from libosinfo's names, once they are there.
 *
 * Returns: whether OsName changed
 */
gboolean
vireo_daemon_machine_update_os_name (VireoDaemonMachine *self)
{
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (self);
  g_autofree char *name = NULL;

  g_return_val_if_fail (VIREO_IS_DAEMON_MACHINE (self), FALSE);

  name = _vireo_daemon_get_os_name (self->daemon, vireo_dbus_machine_get_os_id (machine));
  if (g_strcmp0 (vireo_dbus_machine_get_os_name (machine), name != NULL ? name : "") == 0)
    return FALSE;

  vireo_dbus_machine_set_os_name (machine, name != NULL ? name : "");
  return TRUE;
}
