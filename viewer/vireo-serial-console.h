/* vireo-serial-console.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_SERIAL_CONSOLE (vireo_serial_console_get_type ())
G_DECLARE_FINAL_TYPE (VireoSerialConsole, vireo_serial_console, VIREO, SERIAL_CONSOLE, GtkWidget)

GtkWidget        *vireo_serial_console_new          (void);
void              vireo_serial_console_set_machine  (VireoSerialConsole *self,
                                                     VireoDBusMachine   *machine);
void              vireo_serial_console_connect      (VireoSerialConsole *self);
void              vireo_serial_console_disconnect   (VireoSerialConsole *self);
gboolean          vireo_serial_console_get_connected (VireoSerialConsole *self);
char             *vireo_serial_console_get_text     (VireoSerialConsole *self);

G_END_DECLS
