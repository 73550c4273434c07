/* vireo-console-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vireo-console-source.h"

G_DEFINE_INTERFACE (VireoConsoleSource, vireo_console_source, G_TYPE_OBJECT)

static void
vireo_console_source_default_init (VireoConsoleSourceInterface *iface)
{
}

/**
 * vireo_console_source_open_fd_async:
 * @protocol: "vnc" or "spice"
 *
 * Opens a new connected socket to the guest's display server of @protocol.
 */
void
vireo_console_source_open_fd_async (VireoConsoleSource  *self,
                                    const char          *protocol,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_CONSOLE_SOURCE (self));
  g_return_if_fail (protocol != NULL);

  VIREO_CONSOLE_SOURCE_GET_IFACE (self)->open_fd_async (self, protocol, cancellable, callback, user_data);
}

/**
 * vireo_console_source_open_fd_finish:
 *
 * Returns: a file descriptor the caller owns, or -1 with @error set
 */
int
vireo_console_source_open_fd_finish (VireoConsoleSource  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE_SOURCE (self), -1);

  return VIREO_CONSOLE_SOURCE_GET_IFACE (self)->open_fd_finish (self, result, error);
}
