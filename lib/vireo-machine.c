/* vireo-machine.c
 *
 * Every call may wait on a polkit password prompt, which may take minutes: they allow
 * interactive authorization and have no time limit; cancel to give up. Errors come back with
 * the D-Bus prefix stripped, in the VIREO_ERROR domain where the helper sent one of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-machine"

#include "config.h"

#include <gio/gunixfdlist.h>
#include <unistd.h>

#include "vireo-error.h"
#include "vireo-machine.h"

#define CALL_FLAGS   G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION
#define CALL_TIMEOUT G_MAXINT

/**
 * vireo_machine_get_state:
 *
 * Returns: the machine's state as the helper last said it
 */
VireoMachineState
vireo_machine_get_state (VireoDBusMachine *machine)
{
  g_return_val_if_fail (VIREO_DBUS_IS_MACHINE (machine), VIREO_MACHINE_STATE_UNKNOWN);

  return vireo_machine_state_from_string (vireo_dbus_machine_get_state (machine));
}

/**
 * vireo_machine_get_display_name:
 *
 * Returns: what a person calls the machine: its title where it has one, else its name
 */
const char *
vireo_machine_get_display_name (VireoDBusMachine *machine)
{
  const char *title;

  g_return_val_if_fail (VIREO_DBUS_IS_MACHINE (machine), NULL);

  title = vireo_dbus_machine_get_title (machine);
  return title != NULL && title[0] != '\0' ? title : vireo_dbus_machine_get_name (machine);
}

/**
 * vireo_machine_matches:
 * @name_or_uuid: a machine's name, or its UUID in any case
 */
gboolean
vireo_machine_matches (VireoDBusMachine *machine,
                       const char       *name_or_uuid)
{
  const char *uuid;

  g_return_val_if_fail (VIREO_DBUS_IS_MACHINE (machine), FALSE);
  g_return_val_if_fail (name_or_uuid != NULL, FALSE);

  uuid = vireo_dbus_machine_get_uuid (machine);
  return g_strcmp0 (vireo_dbus_machine_get_name (machine), name_or_uuid) == 0
         || (uuid != NULL && g_ascii_strcasecmp (uuid, name_or_uuid) == 0);
}

/* An a{sv} with @key set to TRUE when @value is, empty otherwise (floating). */
static GVariant *
flag_options (const char *key,
              gboolean    value)
{
  GVariantDict options;

  g_variant_dict_init (&options, NULL);
  if (value)
    g_variant_dict_insert (&options, key, "b", TRUE);
  return g_variant_dict_end (&options);
}

/* On failure, returns @error (set by the _finish call that gave @ok) through @task. */
static gboolean
finish_call (gboolean   ok,
             GError    *error,
             GTask     *task)
{
  if (!ok)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
    }
  return ok;
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (source);
  VireoMachineAction action = GPOINTER_TO_UINT (g_task_get_task_data (task));
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (action)
    {
    case VIREO_MACHINE_ACTION_START:
      ok = vireo_dbus_machine_call_start_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_SHUTDOWN:
      ok = vireo_dbus_machine_call_shutdown_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_REBOOT:
      ok = vireo_dbus_machine_call_reboot_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_FORCE_OFF:
      ok = vireo_dbus_machine_call_force_off_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_RESET:
      ok = vireo_dbus_machine_call_reset_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_PAUSE:
      ok = vireo_dbus_machine_call_pause_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_RESUME:
      ok = vireo_dbus_machine_call_resume_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_SAVE:
      ok = vireo_dbus_machine_call_save_finish (machine, result, &error);
      break;
    case VIREO_MACHINE_ACTION_DELETE:
      ok = vireo_dbus_machine_call_delete_finish (machine, result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (finish_call (ok, error, task))
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_machine_run_async:
 * @action: the method to call
 * @options: (nullable): its a{sv} options; a floating reference is sunk
 *
 * Calls one of the Machine methods that act on the machine (Start … Delete).
 */
void
vireo_machine_run_async (VireoDBusMachine    *machine,
                         VireoMachineAction   action,
                         GVariant            *options,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GVariant) owned = NULL;

  g_return_if_fail (VIREO_DBUS_IS_MACHINE (machine));
  g_return_if_fail ((guint) action < VIREO_MACHINE_N_ACTIONS);
  g_return_if_fail (options == NULL || g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  owned = g_variant_ref_sink (options != NULL ? options : g_variant_new ("a{sv}", NULL));
  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_machine_run_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (action), NULL);

  switch (action)
    {
    case VIREO_MACHINE_ACTION_START:
      vireo_dbus_machine_call_start (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_SHUTDOWN:
      vireo_dbus_machine_call_shutdown (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_REBOOT:
      vireo_dbus_machine_call_reboot (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_FORCE_OFF:
      vireo_dbus_machine_call_force_off (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_RESET:
      vireo_dbus_machine_call_reset (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_PAUSE:
      vireo_dbus_machine_call_pause (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_RESUME:
      vireo_dbus_machine_call_resume (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_SAVE:
      vireo_dbus_machine_call_save (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    case VIREO_MACHINE_ACTION_DELETE:
      vireo_dbus_machine_call_delete (machine, owned, CALL_FLAGS, CALL_TIMEOUT, cancellable, run_cb, g_steal_pointer (&task));
      break;
    default:
      g_assert_not_reached ();
    }
}

gboolean
vireo_machine_run_finish (VireoDBusMachine  *machine,
                          GAsyncResult      *result,
                          GError           **error)
{
  g_return_val_if_fail (VIREO_DBUS_IS_MACHINE (machine), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, machine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vireo_machine_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
get_xml_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *xml = NULL;
  gboolean ok = vireo_dbus_machine_call_get_xml_finish (VIREO_DBUS_MACHINE (source), &xml, result, &error);

  if (finish_call (ok, error, task))
    g_task_return_pointer (task, xml, g_free);
}

/**
 * vireo_machine_get_xml_async:
 * @inactive: the persistent definition rather than the live one
 *
 * Reads the machine's domain XML (Machine.GetXml).
 */
void
vireo_machine_get_xml_async (VireoDBusMachine    *machine,
                             gboolean             inactive,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_DBUS_IS_MACHINE (machine));

  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_machine_get_xml_async);
  vireo_dbus_machine_call_get_xml (machine, flag_options ("inactive", inactive), CALL_FLAGS, CALL_TIMEOUT,
                                   cancellable, get_xml_cb, g_steal_pointer (&task));
}

/**
 * vireo_machine_get_xml_finish:
 *
 * Returns: (transfer full) (nullable): the domain XML
 */
char *
vireo_machine_get_xml_finish (VireoDBusMachine  *machine,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, machine), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fd_free (gpointer data)
{
  int *fd = data;

  close (*fd);
  g_free (fd);
}

/* Returns the one fd of a reply. It travels in a box that closes it when nobody takes it, so
 * that a call cancelled after the helper answered never leaks the fd. */
static void
return_fd (GTask       *task,
           GVariant    *handle,
           GUnixFDList *fd_list)
{
  GError *error = NULL;
  int fd;

  if (fd_list == NULL)
    {
      g_task_return_new_error (task, VIREO_ERROR, VIREO_ERROR_FAILED, "The helper sent no file descriptor.");
      return;
    }

  fd = g_unix_fd_list_get (fd_list, g_variant_get_handle (handle), &error);
  if (fd < 0)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memdup2 (&fd, sizeof fd), fd_free);
}

static int
propagate_fd (GTask   *task,
              GError **error)
{
  g_autofree int *fd = g_task_propagate_pointer (task, error);

  return fd != NULL ? *fd : -1;
}

static void
open_console_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) handle = NULL;
  g_autoptr(GUnixFDList) fd_list = NULL;
  GError *error = NULL;
  gboolean ok = vireo_dbus_machine_call_open_console_finish (VIREO_DBUS_MACHINE (source), &handle, &fd_list,
                                                             result, &error);

  if (finish_call (ok, error, task))
    return_fd (task, handle, fd_list);
}

/**
 * vireo_machine_open_console_async:
 * @protocol: "spice" or "vnc"
 *
 * Asks the helper for a connected, pre-authenticated socket to the machine's display server
 * (Machine.OpenConsole). For SPICE, call once per channel.
 */
void
vireo_machine_open_console_async (VireoDBusMachine    *machine,
                                  const char          *protocol,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_DBUS_IS_MACHINE (machine));
  g_return_if_fail (protocol != NULL);

  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_machine_open_console_async);
  vireo_dbus_machine_call_open_console (machine, protocol, g_variant_new ("a{sv}", NULL), CALL_FLAGS,
                                        CALL_TIMEOUT, NULL, cancellable, open_console_cb,
                                        g_steal_pointer (&task));
}

/**
 * vireo_machine_open_console_finish:
 *
 * Returns: a socket the caller owns, or -1 with @error set
 */
int
vireo_machine_open_console_finish (VireoDBusMachine  *machine,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, machine), -1);

  return propagate_fd (G_TASK (result), error);
}

static void
open_serial_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) handle = NULL;
  g_autoptr(GUnixFDList) fd_list = NULL;
  GError *error = NULL;
  gboolean ok = vireo_dbus_machine_call_open_serial_finish (VIREO_DBUS_MACHINE (source), &handle, &fd_list,
                                                            result, &error);

  if (finish_call (ok, error, task))
    return_fd (task, handle, fd_list);
}

/**
 * vireo_machine_open_serial_async:
 * @force: take the serial console over from another client
 *
 * Asks the helper for a socket carrying the machine's first serial console
 * (Machine.OpenSerial).
 */
void
vireo_machine_open_serial_async (VireoDBusMachine    *machine,
                                 gboolean             force,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_DBUS_IS_MACHINE (machine));

  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_machine_open_serial_async);
  vireo_dbus_machine_call_open_serial (machine, flag_options ("force", force), CALL_FLAGS, CALL_TIMEOUT, NULL,
                                       cancellable, open_serial_cb, g_steal_pointer (&task));
}

/**
 * vireo_machine_open_serial_finish:
 *
 * Returns: a socket the caller owns, or -1 with @error set
 */
int
vireo_machine_open_serial_finish (VireoDBusMachine  *machine,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, machine), -1);

  return propagate_fd (G_TASK (result), error);
}

/* Network interfaces: the Nics property, and AddNic, RemoveNic, UpdateNic */

static VireoNic *
vireo_nic_copy (VireoNic *nic)
{
  VireoNic *copy = g_new0 (VireoNic, 1);

  copy->mac = g_strdup (nic->mac);
  copy->type = g_strdup (nic->type);
  copy->source = g_strdup (nic->source);
  copy->model = g_strdup (nic->model);
  copy->link_up = nic->link_up;
  copy->addresses = g_strdupv (nic->addresses);
  return copy;
}

void
vireo_nic_free (VireoNic *nic)
{
  if (nic == NULL)
    return;

  g_free (nic->mac);
  g_free (nic->type);
  g_free (nic->source);
  g_free (nic->model);
  g_strfreev (nic->addresses);
  g_free (nic);
}

G_DEFINE_BOXED_TYPE (VireoNic, vireo_nic, vireo_nic_copy, vireo_nic_free)

/**
 * vireo_machine_dup_nics:
 *
 * The machine's network interfaces as the helper last said them (the Nics property), in the
 * order of its definition, each with the guest's addresses while it runs.
 *
 * Returns: (transfer full) (element-type VireoNic): the interfaces, maybe none
 */
GPtrArray *
vireo_machine_dup_nics (VireoDBusMachine *machine)
{
  GPtrArray *nics;
  GVariant *value;

  g_return_val_if_fail (VIREO_DBUS_IS_MACHINE (machine), NULL);

  nics = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_nic_free);
  value = vireo_dbus_machine_get_nics (machine);
  for (gsize i = 0; value != NULL && i < g_variant_n_children (value); i++)
    {
      VireoNic *nic = g_new0 (VireoNic, 1);

      g_variant_get_child (value, i, "(ssssb^as)", &nic->mac, &nic->type, &nic->source, &nic->model,
                           &nic->link_up, &nic->addresses);
      g_ptr_array_add (nics, nic);
    }
  return nics;
}

/* AddNic's two answers. */
typedef struct {
  char *mac;
  char *when;
} NicAnswer;

static void
nic_answer_free (NicAnswer *answer)
{
  g_free (answer->mac);
  g_free (answer->when);
  g_free (answer);
}

static void
nic_call_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (source);
  NicAnswer *answer = g_new0 (NicAnswer, 1);
  GError *error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == vireo_machine_add_nic_async)
    ok = vireo_dbus_machine_call_add_nic_finish (machine, &answer->mac, &answer->when, result, &error);
  else if (g_task_get_source_tag (task) == vireo_machine_remove_nic_async)
    ok = vireo_dbus_machine_call_remove_nic_finish (machine, &answer->when, result, &error);
  else
    ok = vireo_dbus_machine_call_update_nic_finish (machine, &answer->when, result, &error);

  if (finish_call (ok, error, task))
    g_task_return_pointer (task, answer, (GDestroyNotify) nic_answer_free);
  else
    nic_answer_free (answer);
}

static gboolean
nic_call_finish (VireoDBusMachine  *machine,
                 GAsyncResult      *result,
                 gpointer           source_tag,
                 char             **mac,
                 gboolean          *now,
                 GError           **error)
{
  NicAnswer *answer;

  g_return_val_if_fail (g_task_is_valid (result, machine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return FALSE;
  if (mac != NULL)
    *mac = g_steal_pointer (&answer->mac);
  if (now != NULL)
    *now = g_strcmp0 (answer->when, "now") == 0;
  nic_answer_free (answer);
  return TRUE;
}

/**
 * vireo_machine_add_nic_async:
 * @spec: AddNic's spec (a{sv}: "type", "source", "model", "mac", "link"); a floating
 *   reference is sunk
 *
 * Adds a network interface (Machine.AddNic): to the running guest and its definition, or to
 * the definition alone.
 */
void
vireo_machine_add_nic_async (VireoDBusMachine    *machine,
                             GVariant            *spec,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_DBUS_IS_MACHINE (machine));
  g_return_if_fail (spec != NULL && g_variant_is_of_type (spec, G_VARIANT_TYPE_VARDICT));

  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_machine_add_nic_async);
  vireo_dbus_machine_call_add_nic (machine, spec, g_variant_new ("a{sv}", NULL), CALL_FLAGS, CALL_TIMEOUT,
                                   cancellable, nic_call_cb, g_steal_pointer (&task));
}

/**
 * vireo_machine_add_nic_finish:
 * @mac: (out) (optional) (transfer full): the new interface's MAC address
 * @now: (out) (optional): whether the running guest has it now; %FALSE: at its next boot
 */
gboolean
vireo_machine_add_nic_finish (VireoDBusMachine  *machine,
                              GAsyncResult      *result,
                              char             **mac,
                              gboolean          *now,
                              GError           **error)
{
  return nic_call_finish (machine, result, vireo_machine_add_nic_async, mac, now, error);
}

/**
 * vireo_machine_remove_nic_async:
 * @mac: the interface's MAC address
 *
 * Removes a network interface (Machine.RemoveNic).
 */
void
vireo_machine_remove_nic_async (VireoDBusMachine    *machine,
                                const char          *mac,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_DBUS_IS_MACHINE (machine));
  g_return_if_fail (mac != NULL);

  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_machine_remove_nic_async);
  vireo_dbus_machine_call_remove_nic (machine, mac, g_variant_new ("a{sv}", NULL), CALL_FLAGS, CALL_TIMEOUT,
                                      cancellable, nic_call_cb, g_steal_pointer (&task));
}

/**
 * vireo_machine_remove_nic_finish:
 * @now: (out) (optional): whether the running guest let go of it already; %FALSE: it is gone
 *   from the definition, and the guest has it until it lets go or stops
 */
gboolean
vireo_machine_remove_nic_finish (VireoDBusMachine  *machine,
                                 GAsyncResult      *result,
                                 gboolean          *now,
                                 GError           **error)
{
  return nic_call_finish (machine, result, vireo_machine_remove_nic_async, NULL, now, error);
}

/**
 * vireo_machine_update_nic_async:
 * @mac: the interface's MAC address
 * @changes: any of "type", "source", "model" and "link" (a{sv}); a floating reference is sunk
 *
 * Changes a network interface (Machine.UpdateNic).
 */
void
vireo_machine_update_nic_async (VireoDBusMachine    *machine,
                                const char          *mac,
                                GVariant            *changes,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_DBUS_IS_MACHINE (machine));
  g_return_if_fail (mac != NULL);
  g_return_if_fail (changes != NULL && g_variant_is_of_type (changes, G_VARIANT_TYPE_VARDICT));

  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_machine_update_nic_async);
  vireo_dbus_machine_call_update_nic (machine, mac, changes, g_variant_new ("a{sv}", NULL), CALL_FLAGS,
                                      CALL_TIMEOUT, cancellable, nic_call_cb, g_steal_pointer (&task));
}

/**
 * vireo_machine_update_nic_finish:
 * @now: (out) (optional): whether the running guest has the change now; %FALSE: at its next
 *   boot
 */
gboolean
vireo_machine_update_nic_finish (VireoDBusMachine  *machine,
                                 GAsyncResult      *result,
                                 gboolean          *now,
                                 GError           **error)
{
  return nic_call_finish (machine, result, vireo_machine_update_nic_async, NULL, now, error);
}
