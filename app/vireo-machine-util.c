/* vireo-machine-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-machine-util.h"

typedef struct {
  const char *label;
  const char *icon_name;
  const char *css_class;
} StateInfo;

static const StateInfo states[] = {
  [VIREO_MACHINE_STATE_UNKNOWN]       = { N_("Unknown"),       "dialog-question-symbolic",      "state-unknown" },
  [VIREO_MACHINE_STATE_RUNNING]       = { N_("Running"),       "media-playback-start-symbolic", "state-running" },
  [VIREO_MACHINE_STATE_BLOCKED]       = { N_("Running"),       "media-playback-start-symbolic", "state-running" },
  [VIREO_MACHINE_STATE_PAUSED]        = { N_("Paused"),        "media-playback-pause-symbolic", "state-paused" },
  [VIREO_MACHINE_STATE_SHUTTING_DOWN] = { N_("Shutting Down"), "system-shutdown-symbolic",      "state-running" },
  [VIREO_MACHINE_STATE_SHUTOFF]       = { N_("Shut Off"),      "system-shutdown-symbolic",      "state-shutoff" },
  [VIREO_MACHINE_STATE_SAVED]         = { N_("Saved"),         "document-save-symbolic",        "state-saved" },
  [VIREO_MACHINE_STATE_CRASHED]       = { N_("Crashed"),       "dialog-error-symbolic",         "state-crashed" },
  [VIREO_MACHINE_STATE_SUSPENDED]     = { N_("Suspended"),     "weather-clear-night-symbolic",  "state-paused" },
};

static const StateInfo *
lookup (VireoMachineState state)
{
  return (guint) state < G_N_ELEMENTS (states) ? &states[state] : &states[VIREO_MACHINE_STATE_UNKNOWN];
}

/**
 * vireo_state_label:
 * Returns: @state in words, translated
 */
const char *
vireo_state_label (VireoMachineState state)
{
  return _(lookup (state)->label);
}

const char *
vireo_state_icon_name (VireoMachineState state)
{
  return lookup (state)->icon_name;
}

const char *
vireo_state_css_class (VireoMachineState state)
{
  return lookup (state)->css_class;
}

/**
 * vireo_format_memory:
 * @mib: an amount of memory in MiB
 *
 * Returns: "512.0 MiB", "2.0 GiB", "1.5 GiB": g_format_size() in IEC units, as GNOME writes
 *   sizes
 */
char *
vireo_format_memory (guint64 mib)
{
  return g_format_size_full (mib * 1024 * 1024, G_FORMAT_SIZE_IEC_UNITS);
}
