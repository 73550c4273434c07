/* vireo-machine-source.c
 *
 * Console sockets from the helper: Machine.OpenConsole returns a pre-authenticated socket
 * as a unix fd (virDomainOpenGraphicsFD on the helper's side). No TCP port, no password.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-machine-source"

#include "config.h"

#include "vireo-machine-source.h"

struct _VireoMachineSource {
  GObject           parent_instance;

  /* Owned references */
  VireoDBusMachine *machine;
};

static void console_source_iface_init (VireoConsoleSourceInterface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (VireoMachineSource, vireo_machine_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VIREO_TYPE_CONSOLE_SOURCE, console_source_iface_init))
/* clang-format on */

static void
open_console_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  int fd;

  fd = vireo_machine_open_console_finish (VIREO_DBUS_MACHINE (source), result, &error);
  if (fd < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, fd);
}

static void
vireo_machine_source_open_fd_async (VireoConsoleSource  *source,
                                    const char          *protocol,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  VireoMachineSource *self = VIREO_MACHINE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vireo_machine_source_open_fd_async);
  vireo_machine_open_console_async (self->machine, protocol, cancellable, open_console_cb, g_steal_pointer (&task));
}

static int
vireo_machine_source_open_fd_finish (VireoConsoleSource  *source,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), -1);

  return (int) g_task_propagate_int (G_TASK (result), error);
}

static void
console_source_iface_init (VireoConsoleSourceInterface *iface)
{
  iface->open_fd_async = vireo_machine_source_open_fd_async;
  iface->open_fd_finish = vireo_machine_source_open_fd_finish;
}

static void
vireo_machine_source_finalize (GObject *object)
{
  VireoMachineSource *self = (VireoMachineSource *) object;

  g_clear_object (&self->machine);

  G_OBJECT_CLASS (vireo_machine_source_parent_class)->finalize (object);
}

static void
vireo_machine_source_class_init (VireoMachineSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_machine_source_finalize;
}

static void
vireo_machine_source_init (VireoMachineSource *self)
{
}

VireoMachineSource *
vireo_machine_source_new (VireoDBusMachine *machine)
{
  VireoMachineSource *self;

  g_return_val_if_fail (VIREO_DBUS_IS_MACHINE (machine), NULL);

  self = g_object_new (VIREO_TYPE_MACHINE_SOURCE, NULL);
  self->machine = g_object_ref (machine);
  return self;
}

VireoDBusMachine *
vireo_machine_source_get_machine (VireoMachineSource *self)
{
  g_return_val_if_fail (VIREO_IS_MACHINE_SOURCE (self), NULL);

  return self->machine;
}
