/* vireo-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-error.h"

static const GDBusErrorEntry vireo_error_entries[] = {
  { VIREO_ERROR_FAILED,                   "org.vireo.Hypervisor1.Error.Failed" },
  { VIREO_ERROR_NOT_AUTHORIZED,           "org.vireo.Hypervisor1.Error.NotAuthorized" },
  { VIREO_ERROR_NOT_AUTHORIZED_DISMISSED, "org.vireo.Hypervisor1.Error.NotAuthorizedDismissed" },
  { VIREO_ERROR_INVALID_ARGUMENT,         "org.vireo.Hypervisor1.Error.InvalidArgument" },
  { VIREO_ERROR_NOT_FOUND,                "org.vireo.Hypervisor1.Error.NotFound" },
  { VIREO_ERROR_EXISTS,                   "org.vireo.Hypervisor1.Error.Exists" },
  { VIREO_ERROR_INVALID_STATE,            "org.vireo.Hypervisor1.Error.InvalidState" },
  { VIREO_ERROR_NOT_SUPPORTED,            "org.vireo.Hypervisor1.Error.NotSupported" },
  { VIREO_ERROR_NOT_CONNECTED,            "org.vireo.Hypervisor1.Error.NotConnected" },
  { VIREO_ERROR_LIBVIRT,                  "org.vireo.Hypervisor1.Error.Libvirt" },
  { VIREO_ERROR_CANCELLED,                "org.vireo.Hypervisor1.Error.Cancelled" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (vireo_error_entries) == VIREO_ERROR_N_ERRORS);

GQuark
vireo_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("vireo-error-quark",
                                      &quark,
                                      vireo_error_entries,
                                      G_N_ELEMENTS (vireo_error_entries));
  return (GQuark) quark;
}

/**
 * vireo_error_split_message:
 * @message: a #VIREO_ERROR message, remote error prefix already stripped
 * @sentence: (out): the sentence for a person
 * @detail: (out) (nullable): libvirt's own words, or %NULL
 *
 * Splits a message into the human sentence and libvirt's detail line.
 */
void
vireo_error_split_message (const char  *message,
                           char       **sentence,
                           char       **detail)
{
  const char *nl;

  g_return_if_fail (message != NULL);
  g_return_if_fail (sentence != NULL);
  g_return_if_fail (detail != NULL);

  nl = strstr (message, "\nlibvirt: ");
  if (nl == NULL)
    {
      *sentence = g_strdup (message);
      *detail = NULL;
      return;
    }

  *sentence = g_strndup (message, nl - message);
  *detail = g_strdup (nl + strlen ("\nlibvirt: "));
}

/**
 * vireo_error_is_silent:
 *
 * Returns: whether @error needs no message: the user cancelled, or dismissed the password
 *   dialog
 */
gboolean
vireo_error_is_silent (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || g_error_matches (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED_DISMISSED);
}

/**
 * vireo_error_get_text:
 * @error: an error from a helper call
 * @sentence: (out): what to tell the user
 * @detail: (out) (optional) (nullable): libvirt's words, for a second line
 */
void
vireo_error_get_text (const GError  *error,
                      char         **sentence,
                      char         **detail)
{
  g_autoptr(GError) copy = NULL;
  g_autofree char *unwanted = NULL;

  g_return_if_fail (error != NULL);

  if (detail == NULL)
    detail = &unwanted;

  copy = g_error_copy (error);
  g_dbus_error_strip_remote_error (copy);

  /* The bus's own errors, in words; its message as the detail. */
  if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    {
      *sentence = g_strdup (_("The machine no longer exists."));
      *detail = g_strdup (copy->message);
      return;
    }
  if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
      || g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
      || g_error_matches (copy, G_IO_ERROR, G_IO_ERROR_CLOSED))
    {
      *sentence = g_strdup (_("The Vireo helper did not answer: it is not running, or it stopped."));
      *detail = g_strdup (copy->message);
      return;
    }

  vireo_error_split_message (copy->message, sentence, detail);
}
