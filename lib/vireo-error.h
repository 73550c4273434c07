/* vireo-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VIREO_ERROR (vireo_error_quark ())

/**
 * VireoError:
 * @VIREO_ERROR_FAILED: something failed; the message says what.
 * @VIREO_ERROR_NOT_AUTHORIZED: polkit refused the call.
 * @VIREO_ERROR_NOT_AUTHORIZED_DISMISSED: the user dismissed the authentication dialog.
 * @VIREO_ERROR_INVALID_ARGUMENT: an argument was refused; nothing was changed.
 * @VIREO_ERROR_NOT_FOUND: the machine, disk or file does not exist (any more).
 * @VIREO_ERROR_EXISTS: the name is taken.
 * @VIREO_ERROR_INVALID_STATE: the machine is not in a state that allows the call.
 * @VIREO_ERROR_NOT_SUPPORTED: the hypervisor or the machine cannot do it.
 * @VIREO_ERROR_NOT_CONNECTED: the helper has no connection to libvirtd right now.
 * @VIREO_ERROR_LIBVIRT: libvirt failed in a way that has no better name.
 *
 * The one error domain of Vireo, shared by the helper and the app. Every message starts with a
 * sentence a person understands; when libvirt said more, its words follow on a line of their
 * own that starts with "libvirt: ".
 */
typedef enum {
  VIREO_ERROR_FAILED,
  VIREO_ERROR_NOT_AUTHORIZED,
  VIREO_ERROR_NOT_AUTHORIZED_DISMISSED,
  VIREO_ERROR_INVALID_ARGUMENT,
  VIREO_ERROR_NOT_FOUND,
  VIREO_ERROR_EXISTS,
  VIREO_ERROR_INVALID_STATE,
  VIREO_ERROR_NOT_SUPPORTED,
  VIREO_ERROR_NOT_CONNECTED,
  VIREO_ERROR_LIBVIRT,
  VIREO_ERROR_CANCELLED,
} VireoError;

#define VIREO_ERROR_N_ERRORS (VIREO_ERROR_CANCELLED + 1)

GQuark   vireo_error_quark         (void);

void     vireo_error_split_message (const char    *message,
                                    char         **sentence,
                                    char         **detail);
gboolean vireo_error_is_silent     (const GError  *error);
void     vireo_error_get_text      (const GError  *error,
                                    char         **sentence,
                                    char         **detail);

G_END_DECLS
