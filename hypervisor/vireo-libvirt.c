/* vireo-libvirt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-libvirt"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-libvirt.h"

/**
 * vireo_libvirt_error_code:
 * @vir_code: a virErrorNumber
 *
 * Returns: the #VireoError a client can act on for a libvirt error.
 */
VireoError
vireo_libvirt_error_code (int vir_code)
{
  switch (vir_code)
    {
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_NETWORK:
    case VIR_ERR_NO_DOMAIN_SNAPSHOT:
      return VIREO_ERROR_NOT_FOUND;

    case VIR_ERR_OPERATION_INVALID:
      return VIREO_ERROR_INVALID_STATE;

    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
    case VIR_ERR_CONFIG_UNSUPPORTED:
    case VIR_ERR_OPERATION_UNSUPPORTED:
      return VIREO_ERROR_NOT_SUPPORTED;

    case VIR_ERR_INVALID_ARG:
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
      return VIREO_ERROR_INVALID_ARGUMENT;

    case VIR_ERR_DOM_EXIST:
    case VIR_ERR_STORAGE_VOL_EXIST:
      return VIREO_ERROR_EXISTS;

    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_RPC:
    case VIR_ERR_INVALID_CONN:
      return VIREO_ERROR_NOT_CONNECTED;

    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
    case VIR_ERR_ACCESS_DENIED:
      return VIREO_ERROR_NOT_AUTHORIZED;

    default:
      return VIREO_ERROR_LIBVIRT;
    }
}

/**
 * vireo_libvirt_error_hint:
 * @vir_code: a virErrorNumber
 *
 * Returns: (nullable): a sentence that says what a libvirt error means for the user.
 */
const char *
vireo_libvirt_error_hint (int vir_code)
{
  switch (vir_code)
    {
    case VIR_ERR_NO_DOMAIN:
      return _("The machine does not exist any more.");
    case VIR_ERR_NO_STORAGE_POOL:
      return _("The storage pool does not exist.");
    case VIR_ERR_NO_STORAGE_VOL:
      return _("The disk image does not exist.");
    case VIR_ERR_OPERATION_INVALID:
      return _("The machine is not in a state that allows this.");
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
    case VIR_ERR_OPERATION_UNSUPPORTED:
      return _("The hypervisor cannot do this.");
    case VIR_ERR_CONFIG_UNSUPPORTED:
      return _("The hypervisor does not support this configuration.");
    case VIR_ERR_DOM_EXIST:
      return _("A machine with this name or UUID already exists.");
    case VIR_ERR_STORAGE_VOL_EXIST:
      return _("A disk image with this name already exists.");
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_RPC:
    case VIR_ERR_INVALID_CONN:
      return _("The connection to libvirtd was lost.");
    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_ACCESS_DENIED:
      return _("libvirtd refused the request.");
    case VIR_ERR_OPERATION_TIMEOUT:
    case VIR_ERR_AGENT_UNRESPONSIVE:
      return _("The machine did not answer in time.");
    case VIR_ERR_OPERATION_FAILED:
    case VIR_ERR_INTERNAL_ERROR:
    case VIR_ERR_SYSTEM_ERROR:
    default:
      return NULL;
    }
}

/**
 * vireo_libvirt_set_error_full:
 * @error: return location
 * @vir_code: a virErrorNumber
 * @vir_message: (nullable): libvirt's message
 * @sentence: what Vireo tried to do, as a sentence ("Could not start “web”.")
 *
 * Sets @error to a #VIREO_ERROR whose message is @sentence, a hint for @vir_code where one is
 * known, and libvirt's message on a line of its own.
 */
void
vireo_libvirt_set_error_full (GError    **error,
                              int         vir_code,
                              const char *vir_message,
                              const char *sentence)
{
  g_autoptr(GString) message = g_string_new (sentence);
  const char *hint = vireo_libvirt_error_hint (vir_code);

  if (hint != NULL)
    g_string_append_printf (message, " %s", hint);
  if (vir_message != NULL && vir_message[0] != '\0')
    g_string_append_printf (message, "\nlibvirt: %s", vir_message);

  g_set_error_literal (error, VIREO_ERROR, vireo_libvirt_error_code (vir_code), message->str);
}

/**
 * vireo_libvirt_set_error:
 * @error: return location
 * @format: printf() format of the sentence
 *
 * Like vireo_libvirt_set_error_full() with this thread's last libvirt error.
 */
void
vireo_libvirt_set_error (GError     **error,
                         const char  *format,
                         ...)
{
  g_autofree char *sentence = NULL;
  virErrorPtr last;
  va_list args;

  va_start (args, format);
  sentence = g_strdup_vprintf (format, args);
  va_end (args);

  last = virGetLastError ();
  if (last == NULL)
    vireo_libvirt_set_error_full (error, VIR_ERR_INTERNAL_ERROR, NULL, sentence);
  else
    vireo_libvirt_set_error_full (error, last->code, last->message, sentence);
}

/**
 * vireo_libvirt_state:
 * @state: a virDomainState
 * @has_managed_save: whether a shut off domain has a saved memory image
 *
 * Returns: the machine state for @state.
 */
VireoMachineState
vireo_libvirt_state (int      state,
                     gboolean has_managed_save)
{
  switch (state)
    {
    case VIR_DOMAIN_RUNNING:
      return VIREO_MACHINE_STATE_RUNNING;
    case VIR_DOMAIN_BLOCKED:
      return VIREO_MACHINE_STATE_BLOCKED;
    case VIR_DOMAIN_PAUSED:
      return VIREO_MACHINE_STATE_PAUSED;
    case VIR_DOMAIN_SHUTDOWN:
      return VIREO_MACHINE_STATE_SHUTTING_DOWN;
    case VIR_DOMAIN_SHUTOFF:
      return has_managed_save ? VIREO_MACHINE_STATE_SAVED : VIREO_MACHINE_STATE_SHUTOFF;
    case VIR_DOMAIN_CRASHED:
      return VIREO_MACHINE_STATE_CRASHED;
    case VIR_DOMAIN_PMSUSPENDED:
      return VIREO_MACHINE_STATE_SUSPENDED;
    case VIR_DOMAIN_NOSTATE:
    default:
      return VIREO_MACHINE_STATE_UNKNOWN;
    }
}
