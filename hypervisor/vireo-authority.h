/* vireo-authority.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VIREO_ACTION_CONSOLE      "org.vireo.hypervisor1.console"
#define VIREO_ACTION_LIFECYCLE    "org.vireo.hypervisor1.lifecycle"
#define VIREO_ACTION_MODIFY       "org.vireo.hypervisor1.modify"
#define VIREO_ACTION_HOST_NETWORK "org.vireo.hypervisor1.host-network"

/* How long a check may wait for the user to authenticate, by default (--auth-timeout). */
#define VIREO_AUTH_TIMEOUT_DEFAULT_S 300

/* Reading (properties, GetManagedObjects, GetXml) needs no action: it is open to every local
 * user, as libvirt's read-only socket is (data/org.vireo.Hypervisor1.xml says why). */

typedef struct {
  const char *method;
  const char *action;   /* NULL: no authorization needed */
} VireoMethodAction;

/* A skeleton's gate: its method-to-action table, and the vtable that sends every call through
 * polkit before the generated dispatch (filled by vireo_authority_gate_vtable()). */
typedef struct {
  const VireoMethodAction      *actions;
  gsize                         n_actions;
  GDBusInterfaceVTable          vtable;
  GDBusInterfaceMethodCallFunc  dispatch;
  gsize                         initialized;
} VireoAuthorityGate;

#define VIREO_AUTHORITY_GATE(table) { (table), G_N_ELEMENTS (table), { NULL }, NULL, 0 }

const char *vireo_method_action_lookup (const VireoMethodAction      *table,
                                        gsize                         n_entries,
                                        const char                   *method,
                                        gboolean                     *found);
void        vireo_authority_set_timeout (guint                        seconds);
void        vireo_authority_dispatch   (GDBusInterfaceSkeleton       *skeleton,
                                        GDBusMethodInvocation        *invocation,
                                        const VireoMethodAction      *table,
                                        gsize                         n_entries,
                                        GDBusInterfaceMethodCallFunc  dispatch);
GDBusInterfaceVTable *
            vireo_authority_gate_vtable (VireoAuthorityGate           *gate,
                                         GDBusInterfaceSkeleton       *skeleton,
                                         GDBusInterfaceVTable         *generated);

G_END_DECLS
