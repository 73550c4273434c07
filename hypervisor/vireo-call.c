/* vireo-call.c
 *
 * The call machinery of the Machine and Manager objects: a method's libvirt work runs in a
 * worker thread with its own reference on the connection of the moment, and the answer goes
 * back to the caller on the main thread. Also the checks every method shares: its options,
 * and who the caller is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-call"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "vireo-daemon-private.h"

static void
call_free (VireoCall *call)
{
  g_clear_object (&call->daemon);
  g_clear_object (&call->object);
  g_clear_pointer (&call->conn, virConnectClose);
  g_clear_object (&call->invocation);
  g_free (call->uuid);
  g_free (call->name);
  g_clear_pointer (&call->options, g_variant_unref);
  if (call->data_free != NULL)
    g_clear_pointer (&call->data, call->data_free);
  g_free (call->out_string);
  if (call->out_fd >= 0)
    close (call->out_fd);
  g_clear_pointer (&call->out_facts, vireo_domain_facts_free);
  g_free (call);
}

/**
 * _vireo_call_new:
 * @invocation: (transfer full): the call
 *
 * Returns: (nullable): a call with a reference on the libvirt connection, or %NULL with
 *   @error set when there is none; @invocation is then still the caller's
 */
VireoCall *
_vireo_call_new (VireoDaemon            *daemon,
                 GDBusMethodInvocation  *invocation,
                 VireoCallFunc           func,
                 GError                **error)
{
  VireoConnection *connection = _vireo_daemon_get_connection (daemon);
  virConnectPtr conn = vireo_connection_get_conn (connection);
  VireoCall *call;

  if (conn == NULL)
    {
      const char *reason = _vireo_daemon_get_connection_error (daemon);

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_CONNECTED,
                   _("Vireo is not connected to libvirtd right now.%s%s"),
                   reason != NULL && reason[0] != '\0' ? " " : "", reason != NULL ? reason : "");
      return NULL;
    }

  call = g_new0 (VireoCall, 1);
  call->daemon = g_object_ref (daemon);
  call->conn = conn;
  virConnectRef (call->conn);
  call->generation = vireo_connection_get_generation (connection);
  call->seq = vireo_mirror_next_seq (_vireo_daemon_get_mirror (daemon));
  call->invocation = invocation;
  call->func = func;
  call->out_fd = -1;
  return call;
}

static void
call_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VireoCall *call = task_data;
  GError *error = NULL;

  if (call->func (call, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* libvirtd went away, or stopped answering (the keepalive gave up): say that, not what
   * the failed call made of it ("cannot be found"). */
  if (virConnectIsAlive (call->conn) != 1)
    {
      const char *detail = strstr (error->message, "\nlibvirt: ");
      GError *lost = g_error_new (VIREO_ERROR, VIREO_ERROR_NOT_CONNECTED,
                                  _("Vireo lost its connection to libvirtd during the call, so "
                                    "whether it took effect is not known; Vireo reconnects by "
                                    "itself.%s"), detail != NULL ? detail : "");

      virResetLastError ();
      g_error_free (error);
      error = lost;
    }
  g_task_return_error (task, error);
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  VireoCall *call = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (call->finished != NULL)
    call->finished (call);
  if (!ok)
    {
      g_dbus_method_invocation_return_gerror (g_steal_pointer (&call->invocation), error);
      return;
    }

  call->done (call);
}

/**
 * _vireo_call_run:
 * @call: (transfer full): the call, its done function set
 *
 * Runs @call's function in a worker thread, then answers the caller on the main thread:
 * with the error, or through @call's done function, which calls the generated _complete_*.
 */
void
_vireo_call_run (VireoCall *call)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (call->done != NULL);

  task = g_task_new (call->daemon, NULL, call_cb, NULL);

  g_task_set_source_tag (task, _vireo_call_run);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, call_thread);
}

virDomainPtr
_vireo_call_lookup_domain (VireoCall  *call,
                           GError    **error)
{
  virDomainPtr dom = virDomainLookupByUUIDString (call->conn, call->uuid);
  virErrorPtr last;

  if (dom != NULL)
    return dom;

  last = virGetLastError ();
  if (last != NULL && last->code == VIR_ERR_NO_DOMAIN)
    vireo_libvirt_set_error (error, _("“%s” cannot be found."), call->name);
  else
    vireo_libvirt_set_error (error, _("Could not look up “%s”."), call->name);

  return NULL;
}

/**
 * _vireo_check_options:
 * @options: an a{sv} from a caller
 * @known: the options the method understands, each with its type, ending with { NULL }
 *
 * Refuses options a method does not know, so that a misspelt one never goes unnoticed, and
 * options of the wrong type, so that the method itself can read them without checking.
 */
gboolean
_vireo_check_options (GVariant               *options,
                      const VireoOptionSpec  *known,
                      GError                **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const VireoOptionSpec *spec = known;

      while (spec->key != NULL && !g_str_equal (spec->key, key))
        spec++;

      if (spec->key == NULL)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("Unknown option “%s”."), g_utf8_validate (key, -1, NULL) ? key : "?");
          g_variant_unref (value);
          return FALSE;
        }

      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (spec->type)))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” must be %s, not of type “%s”."), key, _(spec->type_words),
                       g_variant_get_type_string (value));
          g_variant_unref (value);
          return FALSE;
        }
    }

  return TRUE;
}

/* Runs in a worker thread. */
uid_t
_vireo_call_get_caller_uid (VireoCall  *call,
                            GError    **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  guint32 uid;

  reply = g_dbus_connection_call_sync (g_dbus_method_invocation_get_connection (call->invocation),
                                       "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixUser",
                                       g_variant_new ("(s)", g_dbus_method_invocation_get_sender (call->invocation)),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 10000,
                                       NULL, &local_error);
  if (reply == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                   _("Your user account could not be identified: %s"), local_error->message);
      return (uid_t) -1;
    }

  g_variant_get (reply, "(u)", &uid);
  return (uid_t) uid;
}
