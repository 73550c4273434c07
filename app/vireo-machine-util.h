/* vireo-machine-util.h
 *
 * How a machine's facts read for a person: states and sizes. (Operating systems are named by
 * the helper, from libosinfo: Machine.OsName.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vireo.h"

G_BEGIN_DECLS

const char *vireo_state_label     (VireoMachineState  state);
const char *vireo_state_icon_name (VireoMachineState  state);
const char *vireo_state_css_class (VireoMachineState  state);
char       *vireo_format_memory   (guint64            mib);

G_END_DECLS
