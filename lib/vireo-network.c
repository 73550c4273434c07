/* vireo-network.c
 *
 * Like the machine's calls (vireo-machine.c): polkit may ask for a password, so they allow
 * interactive authorization and have no time limit; errors come back without the D-Bus
 * prefix, in the VIREO_ERROR domain where the helper sent one of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-network"

#include "config.h"

#include "vireo-network.h"

#define CALL_FLAGS   G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION
#define CALL_TIMEOUT G_MAXINT

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VireoDBusNetwork *network = VIREO_DBUS_NETWORK (source);
  gpointer tag = g_task_get_source_tag (task);
  GError *error = NULL;
  gboolean ok;

  if (tag == vireo_network_start_async)
    ok = vireo_dbus_network_call_start_finish (network, result, &error);
  else if (tag == vireo_network_stop_async)
    ok = vireo_dbus_network_call_stop_finish (network, result, &error);
  else if (tag == vireo_network_delete_async)
    ok = vireo_dbus_network_call_delete_finish (network, result, &error);
  else
    ok = vireo_dbus_network_call_set_autostart_finish (network, result, &error);

  if (!ok)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static GTask *
call_task (VireoDBusNetwork    *network,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (network, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static gboolean
call_finish (VireoDBusNetwork  *network,
             GAsyncResult      *result,
             gpointer           source_tag,
             GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, network), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_network_start_async:
 *
 * Starts the network (Network.Start): its bridge, dnsmasq and firewall rules.
 */
void
vireo_network_start_async (VireoDBusNetwork    *network,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (VIREO_DBUS_IS_NETWORK (network));

  vireo_dbus_network_call_start (network, g_variant_new ("a{sv}", NULL), CALL_FLAGS, CALL_TIMEOUT, cancellable, call_cb,
                                 call_task (network, vireo_network_start_async, cancellable, callback, user_data));
}

gboolean
vireo_network_start_finish (VireoDBusNetwork  *network,
                            GAsyncResult      *result,
                            GError           **error)
{
  return call_finish (network, result, vireo_network_start_async, error);
}

/**
 * vireo_network_stop_async:
 *
 * Stops the network (Network.Stop); machines on it lose their link.
 */
void
vireo_network_stop_async (VireoDBusNetwork    *network,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (VIREO_DBUS_IS_NETWORK (network));

  vireo_dbus_network_call_stop (network, g_variant_new ("a{sv}", NULL), CALL_FLAGS, CALL_TIMEOUT, cancellable, call_cb,
                                call_task (network, vireo_network_stop_async, cancellable, callback, user_data));
}

gboolean
vireo_network_stop_finish (VireoDBusNetwork  *network,
                           GAsyncResult      *result,
                           GError           **error)
{
  return call_finish (network, result, vireo_network_stop_async, error);
}

/**
 * vireo_network_delete_async:
 * @force: delete it even though machines have interfaces on it (the helper refuses otherwise)
 *
 * Stops the network if it runs and deletes its definition (Network.Delete).
 */
void
vireo_network_delete_async (VireoDBusNetwork    *network,
                            gboolean             force,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GVariantDict options;

  g_return_if_fail (VIREO_DBUS_IS_NETWORK (network));

  g_variant_dict_init (&options, NULL);
  if (force)
    g_variant_dict_insert (&options, "force", "b", TRUE);
  vireo_dbus_network_call_delete (network, g_variant_dict_end (&options), CALL_FLAGS, CALL_TIMEOUT, cancellable, call_cb,
                                  call_task (network, vireo_network_delete_async, cancellable, callback, user_data));
}

gboolean
vireo_network_delete_finish (VireoDBusNetwork  *network,
                             GAsyncResult      *result,
                             GError           **error)
{
  return call_finish (network, result, vireo_network_delete_async, error);
}

/**
 * vireo_network_set_autostart_async:
 * @autostart: start it with libvirtd (with the host)
 *
 * Network.SetAutostart.
 */
void
vireo_network_set_autostart_async (VireoDBusNetwork    *network,
                                   gboolean             autostart,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (VIREO_DBUS_IS_NETWORK (network));

  vireo_dbus_network_call_set_autostart (network, autostart, g_variant_new ("a{sv}", NULL), CALL_FLAGS, CALL_TIMEOUT,
                                         cancellable, call_cb,
                                         call_task (network, vireo_network_set_autostart_async, cancellable, callback,
                                                    user_data));
}

gboolean
vireo_network_set_autostart_finish (VireoDBusNetwork  *network,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  return call_finish (network, result, vireo_network_set_autostart_async, error);
}
