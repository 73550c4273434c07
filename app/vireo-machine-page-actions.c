/* vireo-machine-page-actions.c
 *
 * The machine page's actions (machine.start … machine.delete): which apply now, the calls to
 * the helper, their errors, and the confirmations before the ones that lose data. The page
 * itself (vireo-machine-page.c) only shows what the machine is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-machine-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-error-ui.h"
#include "vireo-machine-page-private.h"
#include "vireo-nic-dialog.h"

/* How long a guest gets to shut down before Vireo says that it did not. */
#define SHUTDOWN_PATIENCE_S 60

static const struct {
  const char         *name;
  VireoMachineAction  action;
} actions[] = {
  { "machine.start",     VIREO_MACHINE_ACTION_START },
  { "machine.shutdown",  VIREO_MACHINE_ACTION_SHUTDOWN },
  { "machine.reboot",    VIREO_MACHINE_ACTION_REBOOT },
  { "machine.force-off", VIREO_MACHINE_ACTION_FORCE_OFF },
  { "machine.pause",     VIREO_MACHINE_ACTION_PAUSE },
  { "machine.resume",    VIREO_MACHINE_ACTION_RESUME },
  { "machine.save",      VIREO_MACHINE_ACTION_SAVE },
  { "machine.delete",    VIREO_MACHINE_ACTION_DELETE },
};

static void ask_force_off (VireoMachinePage *self,
                           VireoDBusMachine *machine);

static guint
shutdown_patience_s (void)
{
  const char *env = g_getenv ("VIREO_SHUTDOWN_PATIENCE");   /* tests */
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &value, NULL))
    return (guint) value;
  return SHUTDOWN_PATIENCE_S;
}

/* Calls not answered yet, per machine: VireoMachineAction bits kept on the proxy itself, so
 * that they follow the machine, not the page. */
static guint
in_flight (VireoDBusMachine *machine)
{
  return machine != NULL ? GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (machine), "vireo-in-flight")) : 0;
}

static void
set_in_flight (VireoDBusMachine   *machine,
               VireoMachineAction  action,
               gboolean            flying)
{
  guint bits = in_flight (machine);

  bits = flying ? bits | (1u << action) : bits & ~(1u << action);
  g_object_set_data (G_OBJECT (machine), "vireo-in-flight", GUINT_TO_POINTER (bits));
}

/* Which actions apply */

static gboolean
focus_is_inside (VireoMachinePage *self,
                 GtkWidget        *container)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == container || gtk_widget_is_ancestor (focus, container));
}

void
_vireo_machine_page_update_actions (VireoMachinePage *self)
{
  VireoMachineState state = VIREO_MACHINE_STATE_UNKNOWN;
  gboolean persistent = FALSE;
  gboolean had_focus = focus_is_inside (self, self->actions_box);
  gboolean busy;

  if (self->machine != NULL)
    {
      state = vireo_machine_get_state (self->machine);
      persistent = vireo_dbus_machine_get_persistent (self->machine);
    }

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i].name,
                                   self->machine != NULL
                                   && vireo_machine_state_allows (state, persistent, actions[i].action));

  /* Pause and Resume share a place: show the one that applies. */
  gtk_widget_set_visible (self->resume_button, state == VIREO_MACHINE_STATE_PAUSED);
  gtk_widget_set_visible (self->pause_button, state != VIREO_MACHINE_STATE_PAUSED);

  /* GtkFlowBox (GTK 4.8) moves Tab to its next sensitive cell and keeps the focus there when
   * the button inside cannot take it: a cell is sensitive only while its action applies. */
  for (GtkWidget *cell = gtk_widget_get_first_child (self->actions_box); cell != NULL;
       cell = gtk_widget_get_next_sibling (cell))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (cell));
      const char *name;
      gboolean enabled = FALSE;

      if (GTK_IS_BOX (button))
        button = gtk_widget_get_visible (self->pause_button) ? self->pause_button : self->resume_button;
      name = gtk_actionable_get_action_name (GTK_ACTIONABLE (button));
      for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
        if (g_strcmp0 (actions[i].name, name) == 0)
          enabled = self->machine != NULL && vireo_machine_state_allows (state, persistent, actions[i].action);
      gtk_widget_set_sensitive (cell, enabled);
    }

  /* Busy while a call runs, and while the guest has been asked to shut down. */
  busy = in_flight (self->machine) != 0
         || (self->machine != NULL && self->shutdown_watches != NULL
             && g_hash_table_contains (self->shutdown_watches,
                                       g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->machine))));
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy);
  gtk_spinner_set_spinning (self->busy_spinner, busy);

  /* The button that had the focus may not apply any more (Start, once running): the focus
   * moves to the first that does, rather than back to the window's first button. */
  if (had_focus && !focus_is_inside (self, self->actions_box))
    vireo_machine_page_focus (self);
}

/* Errors */

void
_vireo_machine_page_show_error (VireoMachinePage *self,
                                const GError     *error)
{
  AdwToast *toast = vireo_error_toast_new (error);

  if (toast != NULL)
    g_signal_emit (self, _vireo_machine_page_signals[VIREO_MACHINE_PAGE_SIGNAL_TOAST], 0, toast);
}

/* A guest asked to shut down that is still running after a while: say so, and offer Force
 * Off. Watched per machine, whichever machine the page shows by then. */

typedef struct {
  VireoMachinePage *page;        /* borrowed: the page removes its watches when disposed */
  VireoDBusMachine *machine;
  guint             timeout_id;
} ShutdownWatch;

static void
shutdown_watch_free (gpointer data)
{
  ShutdownWatch *watch = data;

  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (watch->machine, watch);
  g_object_unref (watch->machine);
  g_free (watch);
}

static void
forget_shutdown (VireoMachinePage *self,
                 VireoDBusMachine *machine)
{
  if (self->shutdown_watches != NULL
      && g_hash_table_remove (self->shutdown_watches, g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine))))
    _vireo_machine_page_update_actions (self);
}

static void
shutdown_toast_clicked_cb (AdwToast         *toast,
                           VireoMachinePage *self)
{
  VireoDBusMachine *machine = g_object_get_data (G_OBJECT (toast), "vireo-machine");

  if (machine != NULL && vireo_machine_state_is_active (vireo_machine_get_state (machine)))
    ask_force_off (self, machine);
}

static gboolean
shutdown_overdue_cb (gpointer user_data)
{
  ShutdownWatch *watch = user_data;
  VireoMachinePage *self = watch->page;
  g_autoptr(VireoDBusMachine) machine = g_object_ref (watch->machine);
  g_autofree char *title = NULL;
  AdwToast *toast;

  watch->timeout_id = 0;
  forget_shutdown (self, machine);
  if (!vireo_machine_state_is_active (vireo_machine_get_state (machine)))
    return G_SOURCE_REMOVE;

  title = g_strdup_printf (_("“%s” is still running: its system did not answer the request to shut down."),
                           vireo_machine_get_display_name (machine));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Force Off…"));
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "vireo-machine", g_object_ref (machine), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (shutdown_toast_clicked_cb), self, 0);
  g_signal_emit (self, _vireo_machine_page_signals[VIREO_MACHINE_PAGE_SIGNAL_TOAST], 0, toast);
  return G_SOURCE_REMOVE;
}

static void
shutdown_state_cb (VireoDBusMachine *machine,
                   GParamSpec       *pspec,
                   ShutdownWatch    *watch)
{
  if (!vireo_machine_state_is_active (vireo_machine_get_state (machine)))
    forget_shutdown (watch->page, machine);
}

static void
watch_shutdown (VireoMachinePage *self,
                VireoDBusMachine *machine)
{
  ShutdownWatch *watch = g_new0 (ShutdownWatch, 1);

  watch->page = self;
  watch->machine = g_object_ref (machine);
  watch->timeout_id = g_timeout_add_seconds (shutdown_patience_s (), shutdown_overdue_cb, watch);
  g_signal_connect (machine, "notify::state", G_CALLBACK (shutdown_state_cb), watch);
  g_hash_table_replace (self->shutdown_watches, g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine))),
                        watch);
  _vireo_machine_page_update_actions (self);
}

/* Calls */

typedef struct {
  VireoMachinePage   *page;
  VireoDBusMachine   *machine;
  VireoMachineAction  action;
} CallData;

static void
call_data_free (CallData *data)
{
  g_object_unref (data->page);
  g_object_unref (data->machine);
  g_free (data);
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallData *data = user_data;
  VireoMachinePage *self = data->page;
  g_autoptr(GError) error = NULL;
  gboolean ok = vireo_machine_run_finish (data->machine, result, &error);

  /* The page is going away: its widgets are gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_in_flight (data->machine, data->action, FALSE);
      call_data_free (data);
      return;
    }

  set_in_flight (data->machine, data->action, FALSE);
  if (!ok)
    {
      g_debug ("%s on %s failed: %s", vireo_machine_action_get_method (data->action),
               vireo_dbus_machine_get_name (data->machine), error->message);
      _vireo_machine_page_show_error (self, error);
    }
  else if (data->action == VIREO_MACHINE_ACTION_SHUTDOWN
           && vireo_machine_state_is_active (vireo_machine_get_state (data->machine)))
    watch_shutdown (self, data->machine);

  if (data->action == VIREO_MACHINE_ACTION_FORCE_OFF || data->action == VIREO_MACHINE_ACTION_DELETE)
    forget_shutdown (self, data->machine);

  _vireo_machine_page_update_actions (self);
  call_data_free (data);
}

/* Calls @action. Asking again while the first call runs does nothing: the first answer comes. */
static void
call (VireoMachinePage   *self,
      VireoDBusMachine   *machine,
      VireoMachineAction  action,
      GVariant           *options)
{
  CallData *data;

  g_return_if_fail (machine != NULL);

  if ((in_flight (machine) & (1u << action)) != 0)
    {
      if (options != NULL)
        g_variant_unref (g_variant_ref_sink (options));
      return;
    }

  data = g_new0 (CallData, 1);
  data->page = g_object_ref (self);
  data->machine = g_object_ref (machine);
  data->action = action;

  /* State changes arrive as PropertiesChanged; meanwhile the page shows that it works. */
  set_in_flight (machine, action, TRUE);
  _vireo_machine_page_update_actions (self);

  vireo_machine_run_async (machine, action, options, self->cancellable, call_cb, data);
}

/* Confirmations */

typedef struct {
  GtkWidget        *focus;   /* what had the focus before the dialog, or NULL */
  VireoMachinePage *page;
} RestoreFocus;

static gboolean
restore_focus_cb (gpointer user_data)
{
  RestoreFocus *restore = user_data;

  /* Where the focus was, if that still can take it; else into the page. */
  if (restore->focus == NULL || gtk_widget_get_root (restore->focus) == NULL
      || !gtk_widget_is_sensitive (restore->focus) || !gtk_widget_get_mapped (restore->focus)
      || !gtk_widget_grab_focus (restore->focus))
    vireo_machine_page_focus_view (restore->page);

  g_clear_object (&restore->focus);
  g_object_unref (restore->page);
  g_free (restore);
  return G_SOURCE_REMOVE;
}

static void
dialog_closed_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  VireoMachinePage *self)
{
  RestoreFocus *restore = g_new0 (RestoreFocus, 1);
  GtkWidget *focus = g_object_get_data (G_OBJECT (dialog), "vireo-focus");

  /* Once the dialog has gone and the window has the focus again. */
  restore->focus = focus != NULL ? g_object_ref (focus) : NULL;
  restore->page = g_object_ref (self);
  g_idle_add (restore_focus_cb, restore);
}

/* The dialog's machine went away (deleted elsewhere, or the helper left): the question is moot. */
static void
dialog_machines_changed_cb (AdwMessageDialog *dialog)
{
  VireoMachinePage *self = g_object_get_data (G_OBJECT (dialog), "vireo-page");
  VireoDBusMachine *machine = g_object_get_data (G_OBJECT (dialog), "vireo-machine");
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine));

  /* Answered as if cancelled (which, unlike a button, does not close the dialog), then closed. */
  if (self->client != NULL && vireo_client_lookup_machine (self->client, path) != machine)
    {
      g_signal_handlers_disconnect_by_func (vireo_client_get_machines (self->client),
                                            dialog_machines_changed_cb, dialog);
      adw_message_dialog_response (dialog, "cancel");
      gtk_window_close (GTK_WINDOW (dialog));
    }
}

/* Shows a confirmation about @machine: it closes by itself when the machine goes away, and the
 * focus goes back where it was once it closes. */
static void
present_dialog (VireoMachinePage *self,
                GtkWidget        *dialog,
                VireoDBusMachine *machine)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "vireo-focus", g_object_ref (focus), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "vireo-page", self);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-machine", g_object_ref (machine), g_object_unref);
  if (self->client != NULL)
    g_signal_connect_object (vireo_client_get_machines (self->client), "items-changed",
                             G_CALLBACK (dialog_machines_changed_cb), dialog, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (dialog_closed_cb), self, G_CONNECT_AFTER);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
force_off_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       VireoMachinePage *self)
{
  VireoDBusMachine *machine = g_object_get_data (G_OBJECT (dialog), "vireo-machine");

  if (g_str_equal (response, "force-off"))
    call (self, machine, VIREO_MACHINE_ACTION_FORCE_OFF, NULL);
}

static void
ask_force_off (VireoMachinePage *self,
               VireoDBusMachine *machine)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Force “%s” Off?"),
                                     vireo_dbus_machine_get_name (machine));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("This stops the machine at once, like pulling the plug: whatever it "
                                 "has not written to its disks is lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "force-off", _("_Force Off"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "force-off", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (force_off_response_cb), self, 0);
  present_dialog (self, dialog, machine);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    VireoMachinePage *self)
{
  GPtrArray *checks = g_object_get_data (G_OBJECT (dialog), "vireo-disk-checks");
  VireoDBusMachine *machine = g_object_get_data (G_OBJECT (dialog), "vireo-machine");
  g_autoptr(GStrvBuilder) disks = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;
  GVariantDict options;

  if (!g_str_equal (response, "delete"))
    return;

  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);

      if (gtk_check_button_get_active (check) && gtk_widget_get_sensitive (GTK_WIDGET (check)))
        g_strv_builder_add (disks, g_object_get_data (G_OBJECT (check), "vireo-path"));
    }
  paths = g_strv_builder_end (disks);

  g_variant_dict_init (&options, NULL);
  if (paths[0] != NULL)
    g_variant_dict_insert_value (&options, "disks", g_variant_new_strv ((const char *const *) paths, -1));
  /* Before the call: the page is told to let the machine go when it disappears, which may be
   * before the answer comes. */
  g_signal_emit (self, _vireo_machine_page_signals[VIREO_MACHINE_PAGE_SIGNAL_DELETED], 0, machine);
  call (self, machine, VIREO_MACHINE_ACTION_DELETE, g_variant_dict_end (&options));
}

/* The name of another machine that uses @path, or NULL: its disk is not offered for deletion
 * (the helper would refuse it). */
static const char *
other_user (VireoMachinePage *self,
            VireoDBusMachine *machine,
            const char       *path)
{
  GListModel *machines = self->client != NULL ? vireo_client_get_machines (self->client) : NULL;
  guint n = machines != NULL ? g_list_model_get_n_items (machines) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDBusMachine) other = g_list_model_get_item (machines, i);
      GVariant *disks;

      if (other == machine || (disks = vireo_dbus_machine_get_disks (other)) == NULL)
        continue;
      for (gsize d = 0; d < g_variant_n_children (disks); d++)
        {
          const char *other_path;

          g_variant_get_child (disks, d, "(&s&s&st&s)", NULL, &other_path, NULL, NULL, NULL);
          if (g_str_equal (other_path, path))
            return vireo_dbus_machine_get_name (other);
        }
    }
  return NULL;
}

static void
ask_delete (VireoMachinePage *self,
            VireoDBusMachine *machine)
{
  GVariant *disks = vireo_dbus_machine_get_disks (machine);
  GPtrArray *checks = g_ptr_array_new ();
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;
  GtkWidget *box;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     vireo_dbus_machine_get_name (machine));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  for (gsize i = 0; disks != NULL && i < g_variant_n_children (disks); i++)
    {
      const char *target, *path, *device, *type, *user;
      guint64 size;
      g_autofree char *label = NULL;
      GtkWidget *check;
      GtkWidget *text;
      gboolean listed = FALSE;

      g_variant_get_child (disks, i, "(&s&s&st&s)", &target, &path, &device, &size, &type);
      /* Only what Delete can remove: an image file or a pool's volume (not a device, a
       * folder or a network disk), each once. */
      if (path[0] != '/' || !(g_str_equal (type, "file") || g_str_equal (type, "volume")))
        continue;
      for (guint c = 0; c < checks->len && !listed; c++)
        listed = g_str_equal (g_object_get_data (g_ptr_array_index (checks, c), "vireo-path"), path);
      if (listed)
        continue;

      if (g_strcmp0 (device, "cdrom") == 0)
        label = g_strdup_printf (_("Also delete the CD/DVD image %s"), path);
      else if (size > 0)
        {
          g_autofree char *size_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
          label = g_strdup_printf (_("Also delete %s (%s)"), path, size_text);
        }
      else
        label = g_strdup_printf (_("Also delete %s"), path);

      user = other_user (self, machine, path);
      if (user != NULL)
        {
          g_autofree char *why = g_strdup_printf (_("Kept: “%s” uses it too."), user);
          g_autofree char *kept = g_strdup_printf ("%s — %s", label, why);

          g_free (label);
          label = g_steal_pointer (&kept);
        }

      /* Unticked: nothing is deleted unless asked for by name. A long path wraps anywhere,
       * so the dialog stays as wide as the screen allows. */
      check = gtk_check_button_new ();
      text = gtk_label_new (label);
      gtk_label_set_wrap (GTK_LABEL (text), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (text), 50);
      gtk_label_set_xalign (GTK_LABEL (text), 0);
      gtk_check_button_set_child (GTK_CHECK_BUTTON (check), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
      gtk_widget_set_sensitive (check, user == NULL);
      g_object_set_data_full (G_OBJECT (check), "vireo-path", g_strdup (path), g_free);
      gtk_box_append (GTK_BOX (box), check);
      g_ptr_array_add (checks, check);
    }

  if (vireo_machine_state_is_active (vireo_machine_get_state (machine)))
    g_string_append (body, _("It is running: it is stopped at once, like pulling the plug, and whatever it "
                             "has not written to its disks is lost. "));
  if (checks->len > 0)
    {
      g_string_append (body, _("The machine’s definition, saved state and snapshots are removed. "
                               "Its disks are kept unless you tick them below."));
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
    }
  else
    {
      g_string_append (body, _("The machine’s definition, saved state and snapshots are removed. "
                               "It has no disk files."));
      g_object_ref_sink (box);
      g_object_unref (box);
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body->str);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-disk-checks", checks, (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  present_dialog (self, dialog, machine);
}

static void
machine_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VireoMachinePage *self = VIREO_MACHINE_PAGE (widget);

  if (self->machine == NULL)
    return;

  if (g_str_equal (action_name, "machine.force-off"))
    {
      ask_force_off (self, self->machine);
      return;
    }
  if (g_str_equal (action_name, "machine.delete"))
    {
      ask_delete (self, self->machine);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].name, action_name))
      call (self, self->machine, actions[i].action, NULL);
}

/* Network interfaces */

static void
nic_applied_cb (VireoMachinePage *self,
                const char       *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 6);
  g_signal_emit (self, _vireo_machine_page_signals[VIREO_MACHINE_PAGE_SIGNAL_TOAST], 0, toast);
}

static void
nic_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoMachinePage *self = VIREO_MACHINE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (self->machine == NULL || self->client == NULL || !GTK_IS_WINDOW (root))
    return;

  dialog = vireo_nic_dialog_new (GTK_WINDOW (root), self->client, self->machine,
                                 parameter != NULL ? g_variant_get_string (parameter, NULL) : NULL);
  g_signal_connect_object (dialog, "applied", G_CALLBACK (nic_applied_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_vireo_machine_page_class_actions_init (VireoMachinePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i].name, NULL, machine_action_cb);
  gtk_widget_class_install_action (widget_class, "machine.add-nic", NULL, nic_action_cb);
  gtk_widget_class_install_action (widget_class, "machine.edit-nic", "s", nic_action_cb);
}

void
_vireo_machine_page_actions_init (VireoMachinePage *self)
{
  self->shutdown_watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, shutdown_watch_free);
  _vireo_machine_page_update_actions (self);
}

void
_vireo_machine_page_actions_dispose (VireoMachinePage *self)
{
  g_clear_pointer (&self->shutdown_watches, g_hash_table_unref);
}
