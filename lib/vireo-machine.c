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
