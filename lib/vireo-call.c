/* vireo-call.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-call"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-call.h"
#include "vireo-error.h"

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GVariant *reply;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

/**
 * vireo_call_async:
 * @proxy: (type Gio.DBusProxy) (nullable): one of the helper's objects (a generated proxy);
 *   %NULL when the helper is not there (vireo_client_get_manager() then), and the call fails
 *   with %VIREO_ERROR_NOT_CONNECTED
 * @method: the method's name ("Start", "AddNic")
 * @parameters: (nullable): its arguments, a tuple; a floating reference is sunk
 *
 * Calls @method, letting polkit ask the user to authenticate.
 */
void
vireo_call_async (gpointer             proxy,
                  const char          *method,
                  GVariant            *parameters,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (proxy == NULL || G_IS_DBUS_PROXY (proxy));
  g_return_if_fail (method != NULL);
  g_return_if_fail (parameters == NULL || g_variant_is_of_type (parameters, G_VARIANT_TYPE_TUPLE));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (proxy, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_call_async);
  if (proxy == NULL)
    {
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      g_task_return_new_error (task, VIREO_ERROR, VIREO_ERROR_NOT_CONNECTED,
                               _("The Vireo helper is not running, or cannot reach libvirt."));
      g_object_unref (task);
      return;
    }
  g_dbus_proxy_call (G_DBUS_PROXY (proxy), method, parameters,
                     G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, G_MAXINT,
                     cancellable, call_cb, task);
}

/**
 * vireo_call_finish:
 *
 * Returns: (transfer full) (nullable): the reply, a tuple; %NULL with @error set when the
 *   call failed (its message as the helper wrote it)
 */
GVariant *
vireo_call_finish (gpointer       proxy,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (proxy == NULL || G_IS_DBUS_PROXY (proxy), NULL);
  g_return_val_if_fail (g_task_is_valid (result, proxy), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
