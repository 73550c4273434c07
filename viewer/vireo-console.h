/* vireo-console.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vireo.h"
#include "vireo-display.h"

G_BEGIN_DECLS

/*
 * VireoConsole: a machine's graphical console, with its toolbar and status.
 *
 * Signals:
 *   "error" (VireoConsole *console, const char *message): something the user asked of the
 *     console failed, such as saving a screenshot to a folder they may not write to.
 *     @message is one sentence for the user that says what failed and why (it names the
 *     file). The console logs nothing for it: its owner shows @message (the app as a toast,
 *     vireo-viewer in a dialog).
 */

#define VIREO_TYPE_CONSOLE (vireo_console_get_type ())
G_DECLARE_FINAL_TYPE (VireoConsole, vireo_console, VIREO, CONSOLE, GtkWidget)

GtkWidget        *vireo_console_new          (void);
VireoDBusMachine *vireo_console_get_machine  (VireoConsole     *self);
void              vireo_console_set_machine  (VireoConsole     *self,
                                              VireoDBusMachine *machine);
const char       *vireo_console_get_protocol (VireoConsole     *self);
void              vireo_console_set_protocol (VireoConsole     *self,
                                              const char       *protocol);
VireoDisplay     *vireo_console_get_display  (VireoConsole     *self);
gboolean          vireo_console_set_grab_keys       (VireoConsole  *self,
                                                     const char    *combination,
                                                     GError       **error);
gboolean          vireo_console_get_share_clipboard (VireoConsole *self);
void              vireo_console_set_share_clipboard (VireoConsole *self,
                                                     gboolean      share);
void              vireo_console_connect      (VireoConsole     *self);
void              vireo_console_disconnect   (VireoConsole     *self);

G_END_DECLS
