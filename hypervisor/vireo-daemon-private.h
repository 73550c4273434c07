/* vireo-daemon-private.h
 *
 * What the daemon's D-Bus objects share with it. Only hypervisor/ includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-daemon.h"
#include "vireo-domain-facts.h"
#include "vireo-libvirt.h"

G_BEGIN_DECLS

/* One method call that runs libvirt in a worker thread. */
typedef struct _VireoCall VireoCall;

typedef gboolean (*VireoCallFunc) (VireoCall  *call,
                                   GError    **error);
typedef void     (*VireoCallDone) (VireoCall  *call);

struct _VireoCall {
  VireoDaemon           *daemon;
  virConnectPtr          conn;
  guint                  generation;
  guint64                seq;
  GDBusMethodInvocation *invocation;
  char                  *uuid;        /* the machine, for Machine methods */
  char                  *name;        /* its name, for messages */
  GVariant              *options;
  gpointer               data;
  GDestroyNotify         data_free;
  VireoCallFunc          func;
  VireoCallDone          done;        /* on the main thread, after success */

  /* Results */
  char                  *out_string;
  int                    out_fd;
  VireoDomainFacts      *out_facts;
};

/* An option a method understands, and its type. */
typedef struct {
  const char *key;
  const char *type;         /* a GVariant type string */
  const char *type_words;   /* N_("a boolean") */
} VireoOptionSpec;

/* Host facts the daemon cached when it connected. */
typedef struct {
  guint64                   memory_mib;
  guint                     cpus;
  char                     *arch;
  gboolean                  is_test_driver;
  GVirConfigDomainVirtType  virt_type;
} VireoHostLimits;

VireoCall          *_vireo_call_new                (VireoDaemon            *daemon,
                                                    GDBusMethodInvocation  *invocation,
                                                    VireoCallFunc           func,
                                                    GError                **error);
void                _vireo_call_run                (VireoCall              *call);
const VireoHostLimits *_vireo_daemon_get_limits    (VireoDaemon            *self);
void                _vireo_daemon_apply_facts      (VireoDaemon            *self,
                                                    const char             *uuid,
                                                    VireoDomainFacts       *facts,
                                                    guint64                 seq);
VireoDomainFacts   *_vireo_daemon_fetch_facts      (virConnectPtr           conn,
                                                    virDomainPtr            dom,
                                                    GError                **error);
virDomainPtr        _vireo_call_lookup_domain      (VireoCall              *call,
                                                    GError                **error);
gboolean            _vireo_check_options           (GVariant               *options,
                                                    const VireoOptionSpec  *known,
                                                    GError                **error);
uid_t               _vireo_call_get_caller_uid     (VireoCall              *call,
                                                    GError                **error);

G_END_DECLS
