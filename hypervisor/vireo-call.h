/* vireo-call.h
 *
 * One D-Bus method call whose work runs in a worker thread, against the libvirt connection
 * of the moment, and whose answer goes back on the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vireo-daemon.h"
#include "vireo-domain-facts.h"
#include "vireo-libvirt.h"

G_BEGIN_DECLS

typedef struct _VireoCall VireoCall;

typedef gboolean (*VireoCallFunc) (VireoCall  *call,
                                   GError    **error);
typedef void     (*VireoCallDone) (VireoCall  *call);

struct _VireoCall {
  VireoDaemon           *daemon;
  gpointer               object;      /* the skeleton called, for its _complete_* functions */
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
  VireoCallDone          done;        /* on the main thread, after success: answers */
  VireoCallDone          finished;    /* on the main thread, before any answer, or NULL */

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

VireoCall    *_vireo_call_new            (VireoDaemon            *daemon,
                                          GDBusMethodInvocation  *invocation,
                                          VireoCallFunc           func,
                                          GError                **error);
void          _vireo_call_run            (VireoCall              *call);
virDomainPtr  _vireo_call_lookup_domain  (VireoCall              *call,
                                          GError                **error);
uid_t         _vireo_call_get_caller_uid (VireoCall              *call,
                                          GError                **error);
gboolean      _vireo_check_options       (GVariant               *options,
                                          const VireoOptionSpec  *known,
                                          GError                **error);

G_END_DECLS
