/* vireo-bridge.h
 *
 * CreateBridge and DeleteBridge: a Linux bridge made over wired ports, through netlink or
 * NetworkManager, and the record that lets it be undone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-netlink.h"

G_BEGIN_DECLS

/* Where the helper keeps its records, by default (--state-dir). */
#define VIREO_STATE_DIR_DEFAULT "/var/lib/vireo"

typedef struct {
  char      *name;
  char      *mac;
  gboolean   was_up;
  GPtrArray *addrs;           /* VireoAddrInfo, as they were on the port */
  GPtrArray *routes;          /* VireoRouteInfo */
  char      *nm_connection;   /* NetworkManager: the port's own connection (its path), or NULL */
  char      *nm_port_connection;   /* the bridge-slave connection Vireo added, or NULL */
} VireoBridgePort;

typedef struct {
  char      *name;
  char      *method;          /* "netlink" or "networkmanager" */
  gboolean   stp;
  int        forward_delay;   /* seconds, -1: the kernel's */
  GPtrArray *ports;           /* VireoBridgePort */
  char      *nm_connection;   /* NetworkManager: the bridge's connection (its path), or NULL */
} VireoBridgeRecord;

typedef struct {
  char            *name;
  GStrv            ports;
  gboolean         stp;
  int              forward_delay;
  GHashTable      *libvirt_bridges;   /* bridge → network */
  GDBusConnection *bus;               /* for NetworkManager, or NULL */
} VireoBridgeRequest;

void                vireo_bridge_set_state_dir    (const char          *dir);
const char         *vireo_bridge_get_bridges_dir  (void);

void                vireo_bridge_record_free      (VireoBridgeRecord   *record);
char               *vireo_bridge_record_to_json   (VireoBridgeRecord   *record);
VireoBridgeRecord  *vireo_bridge_record_from_json (const char          *json,
                                                   GError             **error);

gboolean            vireo_bridge_check_name       (const char          *name,
                                                   GError             **error);
gboolean            vireo_bridge_check_request    (GVariant            *ports,
                                                   GVariant            *options,
                                                   gboolean            *stp,
                                                   int                 *forward_delay,
                                                   GError             **error);

void                vireo_bridge_request_free     (VireoBridgeRequest  *request);
gboolean            vireo_bridge_create           (VireoBridgeRequest  *request,
                                                   gboolean             dry_run,
                                                   GError             **error);
gboolean            vireo_bridge_delete           (const char          *name,
                                                   GDBusConnection     *bus,
                                                   gboolean             dry_run,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoBridgeRecord, vireo_bridge_record_free)

G_END_DECLS
