/* vireo-console-source.h
 *
 * Where a console's sockets come from. The viewer knows nothing of how: the app and
 * vireo-viewer ask the helper (Machine.OpenConsole); tests may hand out anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VIREO_TYPE_CONSOLE_SOURCE (vireo_console_source_get_type ())
G_DECLARE_INTERFACE (VireoConsoleSource, vireo_console_source, VIREO, CONSOLE_SOURCE, GObject)

struct _VireoConsoleSourceInterface {
  GTypeInterface parent_iface;

  void (*open_fd_async)  (VireoConsoleSource  *self,
                          const char          *protocol,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data);
  int  (*open_fd_finish) (VireoConsoleSource  *self,
                          GAsyncResult        *result,
                          GError             **error);
};

void vireo_console_source_open_fd_async  (VireoConsoleSource  *self,
                                          const char          *protocol,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
int  vireo_console_source_open_fd_finish (VireoConsoleSource  *self,
                                          GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
