/* vireo-console-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-console.h"
#include "vireo-console-source.h"

G_BEGIN_DECLS

/* Where the console's sockets come from instead of the helper: for tests. */
void _vireo_console_set_source (VireoConsole       *self,
                                VireoConsoleSource *source);

G_END_DECLS
