/* vireo-call.h
 *
 * One method call on any of the helper's objects, as the app makes them: polkit may ask the
 * user to authenticate, no time limit (the user may take a while), and the reply's error
 * without D-Bus's remote-error prefix.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      vireo_call_async  (gpointer              proxy,
                             const char           *method,
                             GVariant             *parameters,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data);
GVariant *vireo_call_finish (gpointer              proxy,
                             GAsyncResult         *result,
                             GError              **error);

G_END_DECLS
