/* vireo-machine-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-machine-util.h"

typedef struct {
  const char *state;
  const char *label;
  const char *icon_name;
  const char *css_class;
} StateInfo;

static const StateInfo states[] = {
  { "running",       N_("Running"),       "media-playback-start-symbolic", "state-running" },
  { "blocked",       N_("Running"),       "media-playback-start-symbolic", "state-running" },
  { "paused",        N_("Paused"),        "media-playback-pause-symbolic", "state-paused" },
  { "shutoff",       N_("Shut Off"),      "system-shutdown-symbolic",      "state-shutoff" },
  { "saved",         N_("Saved"),         "document-save-symbolic",        "state-saved" },
  { "crashed",       N_("Crashed"),       "dialog-error-symbolic",         "state-crashed" },
  { "suspended",     N_("Suspended"),     "weather-clear-night-symbolic",  "state-paused" },
  { "shutting-down", N_("Shutting Down"), "system-shutdown-symbolic",      "state-running" },
};

static const StateInfo unknown = { "unknown", N_("Unknown"), "dialog-question-symbolic", "state-unknown" };

static const StateInfo *
lookup (const char *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (states[i].state, state) == 0)
      return &states[i];
  return &unknown;
}

/**
 * vireo_state_label:
 * @state: a Machine.State value
 *
 * Returns: the state in words, translated
 */
const char *
vireo_state_label (const char *state)
{
  return _(lookup (state)->label);
}

const char *
vireo_state_icon_name (const char *state)
{
  return lookup (state)->icon_name;
}

const char *
vireo_state_css_class (const char *state)
{
  return lookup (state)->css_class;
}

/**
 * vireo_state_actions:
 * @state: a Machine.State value
 * @persistent: whether the machine has a persistent definition
 *
 * Returns: the actions that make sense in @state; the helper checks again
 */
VireoMachineActions
vireo_state_actions (const char *state,
                     gboolean    persistent)
{
  VireoMachineActions actions = VIREO_ACTION_DELETE;

  if (g_strcmp0 (state, "running") == 0 || g_strcmp0 (state, "blocked") == 0)
    actions |= VIREO_ACTION_SHUTDOWN | VIREO_ACTION_REBOOT | VIREO_ACTION_FORCE_OFF
               | VIREO_ACTION_PAUSE | VIREO_ACTION_SAVE;
  else if (g_strcmp0 (state, "paused") == 0)
    actions |= VIREO_ACTION_RESUME | VIREO_ACTION_FORCE_OFF | VIREO_ACTION_SAVE;
  else if (g_strcmp0 (state, "shutoff") == 0 || g_strcmp0 (state, "saved") == 0)
    actions |= VIREO_ACTION_START;
  else if (g_strcmp0 (state, "crashed") == 0 || g_strcmp0 (state, "suspended") == 0
           || g_strcmp0 (state, "shutting-down") == 0)
    actions |= VIREO_ACTION_FORCE_OFF;

  /* libvirt keeps a saved image only for a persistent machine. */
  if (!persistent)
    actions &= ~VIREO_ACTION_SAVE;

  return actions;
}

/**
 * vireo_format_memory:
 * @mib: an amount of memory in MiB
 *
 * Returns: "512 MiB", "2 GiB", "1.5 GiB"
 */
char *
vireo_format_memory (guint64 mib)
{
  if (mib < 1024)
    return g_strdup_printf (_("%u MiB"), (guint) mib);
  if (mib % 1024 == 0)
    return g_strdup_printf (_("%u GiB"), (guint) (mib / 1024));
  return g_strdup_printf (_("%.1f GiB"), mib / 1024.0);
}

static const struct {
  const char *short_id;
  const char *name;
} os_names[] = {
  { "debian", "Debian" },
  { "ubuntu", "Ubuntu" },
  { "fedora", "Fedora" },
  { "centos", "CentOS" },
  { "rhel", "Red Hat Enterprise Linux" },
  { "rocky", "Rocky Linux" },
  { "almalinux", "AlmaLinux" },
  { "opensuse", "openSUSE" },
  { "sles", "SUSE Linux Enterprise" },
  { "archlinux", "Arch Linux" },
  { "alpinelinux", "Alpine Linux" },
  { "freebsd", "FreeBSD" },
  { "openbsd", "OpenBSD" },
  { "win", "Windows" },
};

/**
 * vireo_os_name_from_id:
 * @os_id: (nullable): a libosinfo id such as "http://debian.org/debian/12"
 *
 * Returns: (nullable): a name such as "Debian 12", or %NULL when @os_id is empty
 */
char *
vireo_os_name_from_id (const char *os_id)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  const char *family;
  const char *version;

  if (os_id == NULL || os_id[0] == '\0')
    return NULL;

  parts = g_strsplit (os_id, "/", -1);
  n = g_strv_length (parts);
  if (n < 2)
    return g_strdup (os_id);

  family = parts[n - 2];
  version = parts[n - 1];
  for (guint i = 0; i < G_N_ELEMENTS (os_names); i++)
    if (g_str_equal (family, os_names[i].short_id))
      return g_strdup_printf ("%s %s", os_names[i].name, version);

  return g_strdup_printf ("%s %s", family, version);
}
