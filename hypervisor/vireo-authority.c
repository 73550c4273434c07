/* vireo-authority.c
 *
 * polkit decides every call that is more than a read. The check is asynchronous, on the main
 * context, in front of the generated dispatch: a check that waits for the user to type a
 * password holds no thread (GDBus would otherwise run g_authorize_method in one of GTask's
 * few worker threads, which the methods' libvirt work needs too). It ends when the caller
 * leaves the bus, and after a time limit, and polkit is told to drop it then
 * (CancelCheckAuthorization closes the agent's dialog).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-authority"

#include "config.h"

#include <glib/gi18n.h>
#include <polkit/polkit.h>

#include "vireo-authority.h"
#include "vireo-error.h"

/* What an action lets a user do, for "You are not allowed to …". */
static const char *
action_words (const char *action)
{
  if (g_strcmp0 (action, VIREO_ACTION_CONSOLE) == 0)
    return _("see and use the screens and serial consoles of virtual machines");
  if (g_strcmp0 (action, VIREO_ACTION_LIFECYCLE) == 0)
    return _("start, stop, pause or save virtual machines");
  if (g_strcmp0 (action, VIREO_ACTION_MODIFY) == 0)
    return _("create or delete virtual machines");
  if (g_strcmp0 (action, VIREO_ACTION_HOST_NETWORK) == 0)
    return _("change this computer’s networks for virtual machines");
  return _("do this");
}

static guint auth_timeout_s = VIREO_AUTH_TIMEOUT_DEFAULT_S;

/* polkit's authority, got once: concurrent polkit_authority_get_async() calls before it
 * exists each make their own, in a thread, and race on polkit's singleton. Checks wait in
 * @waiting meanwhile. Main context only. */
static PolkitAuthority *authority;
static GPtrArray *waiting;

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
 * vireo_authority_set_timeout:
 * @seconds: how long a check may wait for the user to authenticate
 */
void
vireo_authority_set_timeout (guint seconds)
{
  auth_timeout_s = MAX (seconds, 1);
}

/* One check, shared by the polkit call, the watch on the caller's name and the timeout. */
typedef struct {
  gatomicrefcount               ref_count;
  GDBusMethodInvocation        *invocation;    /* until answered or dispatched */
  GDBusConnection              *connection;
  GDBusInterfaceSkeleton       *skeleton;
  GDBusInterfaceMethodCallFunc  dispatch;
  char                         *action;
  GCancellable                 *cancellable;
  guint                         name_watch;
  guint                         timeout_id;
  gboolean                      in_polkit;    /* asked, not waiting for the authority */
  gboolean                      caller_left;
  gboolean                      timed_out;
} Check;

static Check *
check_ref (Check *check)
{
  g_atomic_ref_count_inc (&check->ref_count);
  return check;
}

static void
check_unref (Check *check)
{
  if (!g_atomic_ref_count_dec (&check->ref_count))
    return;

  g_assert (check->invocation == NULL);
  g_clear_object (&check->skeleton);
  g_clear_object (&check->connection);
  g_clear_object (&check->cancellable);
  g_free (check->action);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Check, check_unref)

/* Stops watching; the caller gets its answer (or its call) from the caller of this. */
static GDBusMethodInvocation *
check_end (Check *check)
{
  if (check->name_watch != 0)
    {
      g_dbus_connection_signal_unsubscribe (check->connection, check->name_watch);
      check->name_watch = 0;
    }
  g_clear_handle_id (&check->timeout_id, g_source_remove);
  return g_steal_pointer (&check->invocation);
}

static void
check_fail (Check      *check,
            int         code,
            const char *message)
{
  GDBusMethodInvocation *invocation = check_end (check);

  if (invocation != NULL)
    g_dbus_method_invocation_return_error_literal (invocation, VIREO_ERROR, code, message);
}

/* polkit's answer was cancelled, or failed: say why. */
static void
check_fail_with (Check  *check,
                 GError *error)
{
  g_autofree char *message = NULL;

  if (check->caller_left)
    message = g_strdup (_("The caller left the bus before polkit answered; nothing was done."));
  else if (check->timed_out)
    message = g_strdup_printf (_("Authentication did not finish within %u seconds; nothing was done."),
                               auth_timeout_s);
  else
    message = g_strdup_printf (_("Your permission could not be checked: %s"),
                               error != NULL ? error->message : "?");

  check_fail (check, VIREO_ERROR_NOT_AUTHORIZED, message);
}

static void
check_authorization_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(Check) check = user_data;
  g_autoptr(PolkitAuthorizationResult) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GDBusMethodInvocation *invocation;

  answer = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result, &error);
  if (check->invocation == NULL)
    return;

  if (answer == NULL)
    {
      check_fail_with (check, error);
      return;
    }

  if (polkit_authorization_result_get_is_authorized (answer))
    {
      invocation = check_end (check);
      check->dispatch (g_dbus_method_invocation_get_connection (invocation),
                       g_dbus_method_invocation_get_sender (invocation),
                       g_dbus_method_invocation_get_object_path (invocation),
                       g_dbus_method_invocation_get_interface_name (invocation),
                       g_dbus_method_invocation_get_method_name (invocation),
                       g_dbus_method_invocation_get_parameters (invocation),
                       invocation,
                       check->skeleton);
      return;
    }

  if (polkit_authorization_result_get_dismissed (answer))
    check_fail (check, VIREO_ERROR_NOT_AUTHORIZED_DISMISSED, _("The authentication dialog was dismissed."));
  else
    {
      /* What was refused, in words, then the action's id for whoever writes polkit rules. */
      if (polkit_authorization_result_get_is_challenge (answer))
        message = g_strdup_printf (_("You are not allowed to %s without authenticating as an administrator (%s)."),
                                   action_words (check->action), check->action);
      else
        message = g_strdup_printf (_("You are not allowed to %s (%s)."), action_words (check->action), check->action);
      check_fail (check, VIREO_ERROR_NOT_AUTHORIZED, message);
    }
}

static void
start_check (Check *check)
{
  g_autoptr(PolkitSubject) subject = NULL;
  PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
  GDBusMessage *message = g_dbus_method_invocation_get_message (check->invocation);

  if (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;

  check->in_polkit = TRUE;
  subject = polkit_system_bus_name_new (g_dbus_method_invocation_get_sender (check->invocation));
  polkit_authority_check_authorization (authority, subject, check->action, NULL, flags, check->cancellable,
                                        check_authorization_cb, check_ref (check));
}

static void
authority_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GPtrArray) checks = g_steal_pointer (&waiting);
  g_autoptr(GError) error = NULL;

  authority = polkit_authority_get_finish (result, &error);
  for (guint i = 0; i < checks->len; i++)
    {
      Check *check = g_ptr_array_index (checks, i);

      if (check->invocation == NULL)
        continue;   /* given up meanwhile */

      if (authority != NULL)
        start_check (check);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Your permission could not be checked: polkit is not available (%s)."),
                                                   error->message);
          check_fail (check, VIREO_ERROR_NOT_AUTHORIZED, text);
        }
    }
}

/* Given up (the caller left, or time ran out): polkit is told through the cancellable; a
 * check still waiting for the authority ends here. */
static void
give_up (Check *check)
{
  g_cancellable_cancel (check->cancellable);
  if (!check->in_polkit && check->invocation != NULL)
    check_fail_with (check, NULL);
}

static void
caller_left (Check *check)
{
  if (check->invocation == NULL || check->caller_left)
    return;

  g_debug ("%s left before polkit answered about %s", g_dbus_method_invocation_get_sender (check->invocation),
           check->action);
  check->caller_left = TRUE;
  give_up (check);
}

static void
name_owner_changed_cb (GDBusConnection *connection,
                       const char      *sender_name,
                       const char      *object_path,
                       const char      *interface_name,
                       const char      *signal_name,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  const char *name, *old_owner, *new_owner;

  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (new_owner[0] == '\0')
    caller_left (user_data);
}

/* The caller may have left before the watch began. */
static void
name_has_owner_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Check) check = user_data;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = TRUE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    caller_left (check);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Check *check = user_data;

  check->timeout_id = 0;
  if (check->invocation != NULL)
    {
      g_message ("polkit did not answer about %s within %u s; giving up", check->action, auth_timeout_s);
      check->timed_out = TRUE;
      give_up (check);
    }
  return G_SOURCE_REMOVE;
}

/**
 * vireo_authority_dispatch:
 * @skeleton: the object called
 * @invocation: (transfer full): the call
 * @table: the skeleton's method-to-action table
 * @dispatch: the generated method_call of @skeleton's interface
 *
 * Asks polkit whether the caller may make this call, then hands it to @dispatch, or answers
 * it with the refusal. A method missing from @table is refused. Call it on the main context
 * from a skeleton's method_call (see the get_vtable of VireoDaemonMachine); it returns at
 * once.
 */
void
vireo_authority_dispatch (GDBusInterfaceSkeleton       *skeleton,
                          GDBusMethodInvocation        *invocation,
                          const VireoMethodAction      *table,
                          gsize                         n_entries,
                          GDBusInterfaceMethodCallFunc  dispatch)
{
  GDBusConnection *connection = g_dbus_method_invocation_get_connection (invocation);
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  const char *action;
  gboolean found;
  Check *check;

  action = vireo_method_action_lookup (table, n_entries, method, &found);
  if (!found)
    {
      g_warning ("Refusing %s: it has no authorization rule", method);
      g_dbus_method_invocation_return_error (invocation, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                                             _("%s is not allowed: it has no authorization rule."),
                                             method);
      return;
    }

  if (action == NULL)
    {
      dispatch (connection, sender, g_dbus_method_invocation_get_object_path (invocation),
                g_dbus_method_invocation_get_interface_name (invocation), method,
                g_dbus_method_invocation_get_parameters (invocation), invocation, skeleton);
      return;
    }

  check = g_new0 (Check, 1);
  g_atomic_ref_count_init (&check->ref_count);
  check->invocation = invocation;
  check->connection = g_object_ref (connection);
  check->skeleton = g_object_ref (skeleton);
  check->dispatch = dispatch;
  check->action = g_strdup (action);
  check->cancellable = g_cancellable_new ();

  /* A peer connection (no bus) has no names to watch. */
  if (sender != NULL)
    {
      check->name_watch = g_dbus_connection_signal_subscribe (connection, "org.freedesktop.DBus",
                                                              "org.freedesktop.DBus", "NameOwnerChanged",
                                                              "/org/freedesktop/DBus", sender,
                                                              G_DBUS_SIGNAL_FLAGS_NONE, name_owner_changed_cb,
                                                              check_ref (check), (GDestroyNotify) check_unref);
      g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", sender),
                              G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                              name_has_owner_cb, check_ref (check));
    }
  check->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, auth_timeout_s * 1000, timeout_cb,
                                                  check_ref (check), (GDestroyNotify) check_unref);

  if (authority != NULL)
    {
      start_check (check);
      check_unref (check);
      return;
    }

  /* The first checks wait for the authority, which is got once. */
  if (waiting == NULL)
    {
      waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) check_unref);
      polkit_authority_get_async (NULL, authority_ready_cb, NULL);
    }
  g_ptr_array_add (waiting, check);
}

static GQuark
gate_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("vireo-authority-gate");
  return quark;
}

static void
gate_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  GDBusInterfaceSkeleton *skeleton = user_data;
  VireoAuthorityGate *gate = g_type_get_qdata (G_OBJECT_TYPE (skeleton), gate_quark ());

  vireo_authority_dispatch (skeleton, invocation, gate->actions, gate->n_actions, gate->dispatch);
}

/**
 * vireo_authority_gate_vtable:
 * @gate: the skeleton class's gate (VIREO_AUTHORITY_GATE of its method-to-action table)
 * @skeleton: an instance of that class
 * @generated: the vtable gdbus-codegen made for the class's interface
 *
 * For a skeleton's get_vtable: the generated vtable with every method call sent through
 * vireo_authority_dispatch() first.
 *
 * Returns: (transfer none): @gate's vtable
 */
GDBusInterfaceVTable *
vireo_authority_gate_vtable (VireoAuthorityGate     *gate,
                             GDBusInterfaceSkeleton *skeleton,
                             GDBusInterfaceVTable   *generated)
{
  if (g_once_init_enter (&gate->initialized))
    {
      gate->vtable = *generated;
      gate->dispatch = generated->method_call;
      gate->vtable.method_call = gate_method_call;
      g_type_set_qdata (G_OBJECT_TYPE (skeleton), gate_quark (), gate);
      g_once_init_leave (&gate->initialized, 1);
    }

  return &gate->vtable;
}
