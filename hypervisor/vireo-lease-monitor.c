/* vireo-lease-monitor.c
 *
 * libvirt has no event for a DHCP lease. Its dnsmasq calls libvirt's lease helper
 * (libvirt_leaseshelper) on every lease given, renewed or ended, and the helper writes the
 * network's leases to <dir>/<bridge>.status, replacing the file (a new file renamed over the
 * old). The directory is watched with a GFileMonitor (inotify): each change of a status file
 * emits "changed" with the bridge's name, and whoever listens asks libvirt for that
 * network's leases (virNetworkGetDHCPLeases, which reads the same file). No polling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-lease-monitor"

#include "config.h"

#include <string.h>

#include "vireo-lease-monitor.h"

#define STATUS_SUFFIX ".status"

struct _VireoLeaseMonitor {
  GObject       parent_instance;

  /* Owned references */
  GFile        *dir;
  GFileMonitor *monitor;   /* NULL until the directory exists */
};

G_DEFINE_FINAL_TYPE (VireoLeaseMonitor, vireo_lease_monitor, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "virbr0.status" → "virbr0"; NULL for any other file (the helper's "virbr0.status.new",
 * dnsmasq's configuration and host files). */
static char *
bridge_of (GFile *file)
{
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;

  if (name == NULL || !g_str_has_suffix (name, STATUS_SUFFIX) || strlen (name) == strlen (STATUS_SUFFIX))
    return NULL;
  return g_strndup (name, strlen (name) - strlen (STATUS_SUFFIX));
}

static void
changed_cb (GFileMonitor      *monitor,
            GFile             *file,
            GFile             *other_file,
            GFileMonitorEvent  event,
            gpointer           user_data)
{
  VireoLeaseMonitor *self = user_data;
  g_autofree char *bridge = NULL;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
      bridge = bridge_of (file);
      break;
    case G_FILE_MONITOR_EVENT_RENAMED:
      /* The helper's new file renamed over the old one. */
      bridge = bridge_of (other_file);
      break;
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    default:
      break;
    }

  if (bridge != NULL)
    {
      g_debug ("Leases of %s changed", bridge);
      g_signal_emit (self, signals[CHANGED], 0, bridge);
    }
}

/**
 * vireo_lease_monitor_ensure:
 *
 * Starts watching the directory if it is not watched yet and exists now (libvirtd makes it
 * when its network driver starts).
 *
 * Returns: whether the directory is watched
 */
gboolean
vireo_lease_monitor_ensure (VireoLeaseMonitor *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VIREO_IS_LEASE_MONITOR (self), FALSE);

  if (self->monitor != NULL)
    return TRUE;
  if (g_file_query_file_type (self->dir, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    return FALSE;

  self->monitor = g_file_monitor_directory (self->dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor == NULL)
    {
      g_autofree char *path = g_file_get_path (self->dir);

      g_warning ("Cannot watch %s for DHCP leases: %s", path, error->message);
      return FALSE;
    }
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (changed_cb), self, 0);
  return TRUE;
}

static void
vireo_lease_monitor_finalize (GObject *object)
{
  VireoLeaseMonitor *self = (VireoLeaseMonitor *) object;

  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  g_clear_object (&self->dir);

  G_OBJECT_CLASS (vireo_lease_monitor_parent_class)->finalize (object);
}

static void
vireo_lease_monitor_class_init (VireoLeaseMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_lease_monitor_finalize;

  /**
   * VireoLeaseMonitor::changed:
   * @bridge: the bridge of the network whose leases changed
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vireo_lease_monitor_init (VireoLeaseMonitor *self)
{
}

/**
 * vireo_lease_monitor_new:
 * @dir: where libvirt's lease helper writes the status files (VIREO_LEASE_DIR)
 */
VireoLeaseMonitor *
vireo_lease_monitor_new (const char *dir)
{
  VireoLeaseMonitor *self;

  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (VIREO_TYPE_LEASE_MONITOR, NULL);
  self->dir = g_file_new_for_path (dir);
  return self;
}
