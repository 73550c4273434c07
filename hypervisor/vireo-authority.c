/* vireo-authority.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-authority"

#include "config.h"

#include <glib/gi18n.h>
#include <polkit/polkit.h>

#include "vireo-authority.h"
#include "vireo-error.h"

/**
 * vireo_method_action_lookup:
 * @table: a method-to-action table
 * @method: a D-Bus method name
 * @found: (out): whether @method is in @table
 *
 * Returns: (nullable): the polkit action for @method; %NULL if it needs none or is unknown
 */
const char *
vireo_method_action_lookup (const VireoMethodAction *table,
                            gsize                    n_entries,
                            const char              *method,
                            gboolean                *found)
{
  for (gsize i = 0; i < n_entries; i++)
    {
      if (g_str_equal (table[i].method, method))
        {
          *found = TRUE;
          return table[i].action;
        }
    }

  *found = FALSE;
  return NULL;
}

/**
 * vireo_authority_authorize_method:
 * @invocation: the call, from a skeleton's g_authorize_method
 * @table: the skeleton's method-to-action table
 *
 * Asks polkit whether the caller may make this call. A method missing from @table is refused.
 * Runs in GDBus's worker thread, so it may block. On refusal it returns the error to the
 * caller itself.
 *
 * Returns: %TRUE if the call may go ahead
 */
gboolean
vireo_authority_authorize_method (GDBusMethodInvocation   *invocation,
                                  const VireoMethodAction *table,
                                  gsize                    n_entries)
{
  g_autoptr(PolkitAuthority) authority = NULL;
  g_autoptr(PolkitSubject) subject = NULL;
  g_autoptr(PolkitAuthorizationResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  const char *action;
  gboolean found;

  action = vireo_method_action_lookup (table, n_entries, method, &found);
  if (!found)
    {
      g_warning ("Refusing %s: it has no authorization rule", method);
      g_dbus_method_invocation_return_error (invocation, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                                             _("%s is not allowed: it has no authorization rule."),
                                             method);
      return FALSE;
    }

  if (action == NULL)
    return TRUE;

  authority = polkit_authority_get_sync (NULL, &error);
  if (authority == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                                             _("Your permission could not be checked: polkit is not available (%s)."),
                                             error->message);
      return FALSE;
    }

  if (g_dbus_message_get_flags (g_dbus_method_invocation_get_message (invocation))
      & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;

  subject = polkit_system_bus_name_new (g_dbus_method_invocation_get_sender (invocation));
  result = polkit_authority_check_authorization_sync (authority, subject, action, NULL, flags,
                                                      NULL, &error);
  if (result == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                                             _("Your permission could not be checked: %s"),
                                             error->message);
      return FALSE;
    }

  if (polkit_authorization_result_get_is_authorized (result))
    return TRUE;

  if (polkit_authorization_result_get_dismissed (result))
    g_dbus_method_invocation_return_error_literal (invocation, VIREO_ERROR,
                                                   VIREO_ERROR_NOT_AUTHORIZED_DISMISSED,
                                                   _("The authentication dialog was dismissed."));
  else if (polkit_authorization_result_get_is_challenge (result))
    g_dbus_method_invocation_return_error (invocation, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                                           _("You are not allowed to do this without authenticating (%s)."),
                                           action);
  else
    g_dbus_method_invocation_return_error (invocation, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                                           _("You are not allowed to do this (%s)."), action);
  return FALSE;
}
