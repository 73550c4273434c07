/* vireo-console-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-console.h"
#include "vireo-console-source.h"

G_BEGIN_DECLS

/* Where the console's sockets come from instead of the helper: for tests. */
void _vireo_console_set_source      (VireoConsole       *self,
                                     VireoConsoleSource *source);
/* What the screenshot's file chooser calls: for tests and vireo-viewer's test commands. */
void _vireo_console_save_screenshot (VireoConsole       *self,
                                     GFile              *file);

G_END_DECLS
