/* vireo-machine-util.h
 *
 * How a machine's facts read for a person: states, sizes, operating systems, and which
 * actions a state allows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VIREO_ACTION_START     = 1 << 0,
  VIREO_ACTION_SHUTDOWN  = 1 << 1,
  VIREO_ACTION_REBOOT    = 1 << 2,
  VIREO_ACTION_FORCE_OFF = 1 << 3,
  VIREO_ACTION_PAUSE     = 1 << 4,
  VIREO_ACTION_RESUME    = 1 << 5,
  VIREO_ACTION_SAVE      = 1 << 6,
  VIREO_ACTION_DELETE    = 1 << 7,
} VireoMachineActions;

const char          *vireo_state_label      (const char *state);
const char          *vireo_state_icon_name  (const char *state);
const char          *vireo_state_css_class  (const char *state);
VireoMachineActions  vireo_state_actions    (const char *state,
                                             gboolean    persistent);
char                *vireo_format_memory    (guint64     mib);
char                *vireo_os_name_from_id  (const char *os_id);

G_END_DECLS
