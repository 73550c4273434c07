/* vireo-new-machine-dialog.c
 *
 * The New Machine assistant, in three pages: where the system comes from (an ISO image in
 * Downloads, one chosen or dropped, or none), what the machine will be (the system libosinfo
 * detects on the medium, a free name, memory, vCPUs and disk size from the system's
 * recommendations, bounded by the host), and its making (CreateMachine, then Start). With the
 * proposals accepted nothing needs typing. The choices are lib/vireo-new-machine.c's, which
 * `vireoctl create` uses too; the helper chooses the devices.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-new-machine"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-download-page.h"
#include "vireo-new-machine.h"
#include "vireo-new-machine-dialog.h"

#define MAX_DOWNLOADS 8   /* the newest ISO images of the Downloads folder shown */

struct _VireoNewMachineDialog {
  AdwWindow          parent_instance;

  /* Owned references */
  VireoClient       *client;
  VireoNewMachine   *choices;       /* NULL on the first page */
  GCancellable      *cancellable;   /* reading the medium, listing Downloads */
  GtkFileChooserNative *chooser;
  gboolean           choosing_import;   /* the chooser picks a disk image, not a medium */
  gboolean           detecting;
  gboolean           creating;
  char              *proposed_name;   /* the last name proposed, to tell a name the user typed */
  GListStore        *os_choices;      /* GtkStringObject, "vireo-os-id" set; NULL until read */
  GtkCustomFilter   *os_filter;
  GStrv              os_words;        /* the search, folded */

  /* Template widgets */
  AdwWindowTitle    *window_title;
  GtkWidget         *cancel_button;
  GtkWidget         *back_button;
  GtkWidget         *create_button;
  GtkStack          *stack;
  GtkWidget         *downloads_group;
  GtkListBox        *downloads_list;
  AdwEntryRow       *location_row;
  AdwActionRow      *os_row;
  GtkSpinner        *detect_spinner;
  GtkWidget         *os_button;
  GtkPopover        *os_popover;
  GtkSearchEntry    *os_search;
  GtkListView       *os_list;
  AdwEntryRow       *name_row;
  GtkAdjustment     *memory_adjustment;
  GtkAdjustment     *vcpus_adjustment;
  GtkAdjustment     *disk_adjustment;
  AdwActionRow      *disk_row;
  AdwActionRow      *firmware_row;
  GtkDropDown       *firmware_dropdown;
  AdwActionRow      *network_row;
  GtkDropDown       *network_dropdown;
  GStrv              network_names;     /* the dropdown's networks, in its order; "" for none */
  GtkSwitch         *customize_switch;
  GtkWidget         *express_group;
  AdwActionRow      *express_row;
  GtkSwitch         *express_switch;
  AdwEntryRow       *express_user_row;
  AdwEntryRow       *express_name_row;
  AdwEntryRow       *express_password_row;
  AdwEntryRow       *express_host_row;
  AdwEntryRow       *express_key_row;
  AdwEntryRow       *express_timezone_row;
  AdwEntryRow       *express_keyboard_row;
  GtkLabel          *error_label;
  AdwStatusPage     *creating_page;
  GtkSpinner        *creating_spinner;
  GtkProgressBar    *creating_progress;
  guint              job_watch;         /* the helper's Job of the creation, polled */
  VireoDownloadPage *download_page;     /* "Download an Operating System" (its own file) */
};

G_DEFINE_FINAL_TYPE (VireoNewMachineDialog, vireo_new_machine_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Pages */

static void
update_buttons (VireoNewMachineDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean review = g_str_equal (page, "review");
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  gtk_widget_set_visible (self->back_button, review || g_str_equal (page, "download"));
  gtk_widget_set_visible (self->create_button, review);
  gtk_widget_set_sensitive (self->os_button, review && !self->detecting && !self->creating && self->choices != NULL);
  gtk_widget_set_sensitive (self->cancel_button, !self->creating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create",
                                 review && !self->detecting && !self->creating && self->choices != NULL
                                 && name[0] != '\0');
  adw_window_title_set_subtitle (self->window_title,
                                 g_str_equal (page, "source") || g_str_equal (page, "download") ? _("Step 1 of 3: Source")
                                 : review ? _("Step 2 of 3: Review")
                                          : _("Step 3 of 3: Create"));
}

static void
show_page (VireoNewMachineDialog *self,
           const char            *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  update_buttons (self);
}

static void
show_error (VireoNewMachineDialog *self,
            const char            *text)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->error_label), GTK_TYPE_SCROLLED_WINDOW);

  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  /* At the top of the page, and the page scrolled to it: never below the fold. */
  if (text != NULL && scrolled != NULL)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
}

static void
express_switch_cb (VireoNewMachineDialog *self)
{
  gboolean on = gtk_switch_get_active (self->express_switch);
  AdwEntryRow *rows[] = { self->express_user_row, self->express_name_row, self->express_password_row,
                          self->express_host_row, self->express_key_row, self->express_timezone_row,
                          self->express_keyboard_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_sensitive (GTK_WIDGET (rows[i]), on);
}

/* Express installation, where libosinfo has a script for the medium: proposed from this
 * session (lib/vireo-express.c); what the user typed stays. */
static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  if (gtk_editable_get_text (GTK_EDITABLE (row))[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
fill_express (VireoNewMachineDialog *self,
              const char            *name)
{
  g_autoptr(VireoExpress) session = NULL;
  g_autofree char *hostname = vireo_express_hostname_for (name);

  gtk_widget_set_visible (self->express_group, self->choices->express);
  if (!self->choices->express)
    return;
  /* On where nothing need be typed; a script that takes no account without a password
   * (Debian's) waits for the user to turn it on and choose one. */
  gtk_switch_set_active (self->express_switch, !self->choices->express_needs_password);
  adw_action_row_set_subtitle (self->express_row,
                               self->choices->express_needs_password
                                 ? _("Off until you choose a password: this installer makes no account without one")
                                 : _("Installs without asking anything"));
  express_switch_cb (self);
  /* Windows takes a product key (its installer asks for one otherwise). */
  gtk_widget_set_visible (GTK_WIDGET (self->express_key_row),
                          g_str_has_prefix (self->choices->os_id, "http://microsoft.com/win/"));
  session = vireo_express_new_from_session (name);
  set_row_text (self->express_user_row, session->user_login);
  set_row_text (self->express_name_row, session->user_realname);
  gtk_editable_set_text (GTK_EDITABLE (self->express_host_row), hostname);
  set_row_text (self->express_timezone_row, session->timezone);
  set_row_text (self->express_keyboard_row, session->keyboard);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->express_password_row),
                                 self->choices->express_needs_password ? _("Password (Required by This Installer)")
                                                                       : _("Password (None: Log In Without One)"));
}

/* The express settings the user sees, or %NULL with the page's error shown. */
static VireoExpress *
read_express (VireoNewMachineDialog *self)
{
  g_autoptr(VireoExpress) express = vireo_express_new_from_session (self->choices->name);
  g_autoptr(GError) error = NULL;
  struct { const char *key; AdwEntryRow *row; } fields[] = {
    { "user", self->express_user_row }, { "name", self->express_name_row },
    { "password", self->express_password_row }, { "hostname", self->express_host_row },
    { "product-key", self->express_key_row },
    { "timezone", self->express_timezone_row }, { "keyboard", self->express_keyboard_row },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    vireo_express_set (express, fields[i].key, gtk_editable_get_text (GTK_EDITABLE (fields[i].row)), NULL);
  if (!vireo_express_validate (express, &error))
    {
      show_error (self, error->message);
      return NULL;
    }
  if (self->choices->express_needs_password && express->user_password[0] == '\0')
    {
      show_error (self, _("This system’s installer needs a password for the account: choose one, or turn off Express Installation."));
      return NULL;
    }
  return g_steal_pointer (&express);
}

/* Firmware and network: proposed, and every choice reachable from a drop-down. */
enum {
  FIRMWARE_BIOS,
  FIRMWARE_UEFI,
  FIRMWARE_SECURE,
  FIRMWARE_SECURE_TPM,
};

static const char *
firmware_words (guint choice)
{
  switch (choice)
    {
    case FIRMWARE_UEFI:
      return _("UEFI");
    case FIRMWARE_SECURE:
      return _("UEFI with Secure Boot");
    case FIRMWARE_SECURE_TPM:
      return _("UEFI with Secure Boot and a TPM");
    case FIRMWARE_BIOS:
    default:
      return _("BIOS");
    }
}

static void
firmware_changed_cb (VireoNewMachineDialog *self)
{
  guint choice = gtk_drop_down_get_selected (self->firmware_dropdown);

  adw_action_row_set_subtitle (self->firmware_row, firmware_words (choice));
  if (self->choices == NULL)
    return;
  g_free (self->choices->firmware);
  self->choices->firmware = g_strdup (choice == FIRMWARE_BIOS ? "bios" : "efi");
  self->choices->secure_boot = choice == FIRMWARE_SECURE || choice == FIRMWARE_SECURE_TPM;
  self->choices->tpm = choice == FIRMWARE_SECURE_TPM;
}

/* libvirt's default NAT network first (made when missing), then the others, then none. */
static void
fill_networks (VireoNewMachineDialog *self)
{
  g_autoptr(GPtrArray) networks = vireo_client_dup_networks (self->client);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = 0;

  if (self->choices == NULL)
    return;
  g_strv_builder_add (names, VIREO_NEW_MACHINE_NETWORK);
  gtk_string_list_append (labels, _("Default (NAT)"));
  for (guint i = 0; networks != NULL && i < networks->len; i++)
    {
      const char *name = vireo_dbus_network_get_name (networks->pdata[i]);

      if (name == NULL || g_str_equal (name, VIREO_NEW_MACHINE_NETWORK))
        continue;
      g_strv_builder_add (names, name);
      gtk_string_list_append (labels, name);
    }
  g_strv_builder_add (names, "");
  gtk_string_list_append (labels, _("None"));
  g_strfreev (self->network_names);
  self->network_names = g_strv_builder_end (names);
  for (guint i = 0; self->network_names[i] != NULL; i++)
    if (g_strcmp0 (self->network_names[i], self->choices->network != NULL ? self->choices->network : "") == 0)
      selected = i;
  gtk_drop_down_set_model (self->network_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->network_dropdown, selected);
}

static void
read_network (VireoNewMachineDialog *self)
{
  guint i = gtk_drop_down_get_selected (self->network_dropdown);

  if (self->network_names == NULL || i >= g_strv_length (self->network_names))
    return;
  g_free (self->choices->network);
  self->choices->network = self->network_names[i][0] != '\0' ? g_strdup (self->network_names[i]) : NULL;
}

static void fill_review (VireoNewMachineDialog *self);

/* The helper back (restarted): the host's bounds and the names in use may have changed. */
static void
client_state_cb (VireoNewMachineDialog *self)
{
  if (vireo_client_get_state (self->client) == VIREO_CLIENT_READY && self->choices != NULL
      && !self->detecting && !self->creating
      && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "review") == 0)
    fill_review (self);
}

/* The review page, from the choices: the proposal bounded by the host. */
static void
fill_review (VireoNewMachineDialog *self)
{
  VireoDBusManager *manager = vireo_client_get_manager (self->client);
  guint64 host_memory = manager != NULL ? vireo_dbus_manager_get_memory_mib (manager) : 0;
  guint host_cpus = manager != NULL ? vireo_dbus_manager_get_cpu_count (manager) : 0;
  g_auto(GStrv) taken = vireo_client_dup_machine_names (self->client);
  g_autofree char *name = NULL;
  g_autofree char *medium = NULL;

  vireo_new_machine_bound (self->choices, host_memory, host_cpus);
  name = vireo_new_machine_propose_name (self->choices, (const char * const *) taken);
  /* A name the user typed stays. */
  if (self->proposed_name != NULL
      && !g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), self->proposed_name)
      && gtk_editable_get_text (GTK_EDITABLE (self->name_row))[0] != '\0')
    {
      g_free (name);
      name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
    }
  else
    {
      g_free (self->proposed_name);
      self->proposed_name = g_strdup (name);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row),
                                 self->choices->os_name != NULL ? self->choices->os_name
                                                                : _("Unknown Operating System"));
  if (self->choices->iso != NULL)
    medium = g_path_get_basename (self->choices->iso);
  else if (self->choices->location != NULL)
    medium = g_strdup (self->choices->location);
  else if (self->choices->iso_volume != NULL)
    medium = g_strdup_printf (_("Downloaded as %s"), self->choices->iso_volume);
  else if (self->choices->import != NULL)
    {
      g_autofree char *base = g_path_get_basename (self->choices->import);

      medium = g_strdup_printf (_("Imported from %s"), base);
    }
  /* An imported image is the disk. */
  gtk_widget_set_visible (GTK_WIDGET (self->disk_row), self->choices->import == NULL);
  adw_action_row_set_subtitle (self->os_row,
                               medium != NULL ? medium
                               : self->choices->pxe ? _("Boots from the network (PXE)")
                                                    : _("No installation medium"));

  gtk_adjustment_set_upper (self->memory_adjustment, host_memory > 0 ? (double) host_memory : 1048576);
  gtk_adjustment_set_upper (self->vcpus_adjustment, host_cpus > 0 ? host_cpus : 4096);
  gtk_adjustment_set_value (self->memory_adjustment, (double) self->choices->memory_mib);
  gtk_adjustment_set_value (self->vcpus_adjustment, self->choices->vcpus);
  gtk_adjustment_set_value (self->disk_adjustment, (double) self->choices->disk_gib);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_drop_down_set_selected (self->firmware_dropdown,
                              g_strcmp0 (self->choices->firmware, "efi") != 0 ? FIRMWARE_BIOS
                              : self->choices->secure_boot && self->choices->tpm ? FIRMWARE_SECURE_TPM
                              : self->choices->secure_boot ? FIRMWARE_SECURE
                                                            : FIRMWARE_UEFI);
  firmware_changed_cb (self);
  fill_networks (self);
  fill_express (self, name);
}

static void
detect_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoNewMachineDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = vireo_new_machine_detect_finish (self->choices, result, &error);
  g_debug ("Read the medium: %s", ok ? "ok" : error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->detecting = FALSE;
  gtk_spinner_stop (self->detect_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_spinner), FALSE);
  if (!ok)
    {
      g_autofree char *sentence = NULL;

      vireo_error_get_text (error, &sentence, NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row), _("The Medium Cannot Be Used"));
      show_error (self, sentence);
      g_clear_pointer (&self->choices, vireo_new_machine_free);
    }
  else
    fill_review (self);
  update_buttons (self);
}

/* What the review page was about goes: a medium still being read, an error, the choices. */
static void
forget_choices (VireoNewMachineDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->detecting = FALSE;
  gtk_spinner_stop (self->detect_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_spinner), FALSE);
  show_error (self, NULL);
  g_clear_pointer (&self->choices, vireo_new_machine_free);
}

/* A file of a remote location (a phone, a network share without a local path). */
static void
refuse_remote_file (VireoNewMachineDialog *self,
                    const char            *title)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row), title);
  show_error (self, _("Vireo can only use a file that has a path on this computer. Copy it to a local folder first."));
  show_page (self, "review");
}

/**
 * vireo_new_machine_dialog_use_medium:
 * @file: an installation medium (an ISO image), or a disk image (.qcow2, .img, .raw)
 *
 * Goes to the review page for @file: reads which system it installs, then proposes; a disk
 * image is imported (vireo_new_machine_dialog_use_disk()).
 */
void
vireo_new_machine_dialog_use_medium (VireoNewMachineDialog *self,
                                     GFile                 *file)
{
  g_autofree char *path = NULL;
  g_autofree char *basename = NULL;

  g_return_if_fail (VIREO_IS_NEW_MACHINE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->creating)
    return;

  /* A disk image dropped on the window: imported rather than installed from. */
  {
    g_autofree char *name = g_file_get_basename (file);
    g_autofree char *lower = g_ascii_strdown (name != NULL ? name : "", -1);

    if (g_str_has_suffix (lower, ".qcow2") || g_str_has_suffix (lower, ".img") || g_str_has_suffix (lower, ".raw"))
      {
        vireo_new_machine_dialog_use_disk (self, file);
        return;
      }
  }

  forget_choices (self);
  path = g_file_get_path (file);
  basename = g_file_get_basename (file);
  if (path == NULL)
    {
      adw_action_row_set_subtitle (self->os_row, basename);
      refuse_remote_file (self, _("The Medium Cannot Be Used"));
      return;
    }

  self->choices = vireo_new_machine_new ();
  self->detecting = TRUE;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row), _("Reading the Medium…"));
  adw_action_row_set_subtitle (self->os_row, basename);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_spinner), TRUE);
  gtk_spinner_start (self->detect_spinner);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  show_page (self, "review");
  vireo_new_machine_detect_async (self->choices, path, self->cancellable, detect_cb, g_object_ref (self));
}

/* An installation tree's address, typed on the source page: read as a medium is (its
 * .treeinfo, in a worker thread); the helper downloads its installer at Create. */
static void
location_apply_cb (VireoNewMachineDialog *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->location_row))));
  g_autoptr(GError) error = NULL;

  if (url[0] == '\0')
    return;
  /* Not an address at all: said on the row itself, and the page stays. */
  if (!vireo_validate_location (url, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->location_row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->location_row), error->message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->location_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      error->message, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->location_row), _("Not a Network Address: Use http://, https:// or ftp://"));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->location_row), "error");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->location_row), _("Install From a Network _Address"));
  forget_choices (self);
  self->choices = vireo_new_machine_new ();
  self->detecting = TRUE;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row), _("Reading the Installation Tree…"));
  adw_action_row_set_subtitle (self->os_row, url);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_spinner), TRUE);
  gtk_spinner_start (self->detect_spinner);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  show_page (self, "review");
  vireo_new_machine_detect_async (self->choices, url, self->cancellable, detect_cb, g_object_ref (self));
}

/* The operating system, by hand */

static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);

  return g_utf8_casefold (normal != NULL ? normal : "", -1);
}

static gboolean
os_matches_cb (gpointer item,
               gpointer user_data)
{
  VireoNewMachineDialog *self = user_data;
  g_autofree char *name = NULL;

  if (self->os_words == NULL)
    return TRUE;
  name = fold (gtk_string_object_get_string (item));
  for (guint i = 0; self->os_words[i] != NULL; i++)
    if (strstr (name, self->os_words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
os_search_changed_cb (VireoNewMachineDialog *self)
{
  g_autofree char *folded = fold (gtk_editable_get_text (GTK_EDITABLE (self->os_search)));

  g_strfreev (self->os_words);
  self->os_words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  if (self->os_words[0] == NULL || self->os_words[0][0] == '\0')
    g_clear_pointer (&self->os_words, g_strfreev);
  else
    {
      /* Runs of spaces leave empty words: drop them. */
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; self->os_words[i] != NULL; i++)
        if (self->os_words[i][0] != '\0')
          g_strv_builder_add (builder, self->os_words[i]);
      g_strfreev (self->os_words);
      self->os_words = g_strv_builder_end (builder);
    }
  gtk_filter_changed (GTK_FILTER (self->os_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
choose_os (VireoNewMachineDialog *self,
           GtkStringObject       *item)
{
  g_autoptr(GError) error = NULL;
  const char *id = g_object_get_data (G_OBJECT (item), "vireo-os-id");

  gtk_popover_popdown (self->os_popover);
  if (self->choices == NULL || self->creating || self->detecting)
    return;
  if (!vireo_new_machine_set_os (self->choices, id, &error))
    {
      g_autofree char *sentence = NULL;

      vireo_error_get_text (error, &sentence, NULL);
      show_error (self, sentence);
      return;
    }
  show_error (self, NULL);
  fill_review (self);
  update_buttons (self);
}

static void
os_activated_cb (VireoNewMachineDialog *self,
                 guint                  position)
{
  g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (self->os_list)), position);

  if (item != NULL)
    choose_os (self, item);
}

/* Enter in the search: the first match of what is typed now (search-changed comes a moment
 * after the typing: a quick Enter would otherwise take the first of the whole list). */
static void
os_search_activate_cb (VireoNewMachineDialog *self)
{
  os_search_changed_cb (self);
  os_activated_cb (self, 0);
}

static void
os_list_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VireoNewMachineDialog) self = user_data;
  g_autoptr(GPtrArray) choices = g_task_propagate_pointer (G_TASK (result), NULL);

  if (choices == NULL || self->os_choices == NULL)
    return;
  for (guint i = 0; i < choices->len; i++)
    {
      VireoOsChoice *choice = g_ptr_array_index (choices, i);
      g_autoptr(GtkStringObject) item = gtk_string_object_new (choice->name);

      g_object_set_data_full (G_OBJECT (item), "vireo-os-id", g_strdup (choice->id), g_free);
      g_list_store_append (self->os_choices, item);
    }
}

static void
os_list_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *choices = vireo_new_machine_list_os (&error);

  if (choices == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, choices, (GDestroyNotify) g_ptr_array_unref);
}

static void
os_label_setup_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
os_label_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  GtkStringObject *item = gtk_list_item_get_item (list_item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), gtk_string_object_get_string (item));
}

/* The list, read once the first time it is shown. */
static void
os_popover_show_cb (VireoNewMachineDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->os_search), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->os_search));
  if (g_list_model_get_n_items (G_LIST_MODEL (self->os_choices)) == 0)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, os_list_read_cb, g_object_ref (self));

      g_task_set_source_tag (task, os_popover_show_cb);
      g_task_run_in_thread (task, os_list_thread);
    }
}

static void
setup_os_list (VireoNewMachineDialog *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkFilterListModel *filtered;

  self->os_choices = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->os_filter = gtk_custom_filter_new (os_matches_cb, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->os_choices)),
                                        GTK_FILTER (g_object_ref (self->os_filter)));
  gtk_list_view_set_model (self->os_list, GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (filtered))));
  g_signal_connect (factory, "setup", G_CALLBACK (os_label_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (os_label_bind_cb), NULL);
  gtk_list_view_set_factory (self->os_list, factory);
  g_object_unref (factory);

  g_signal_connect_object (self->os_search, "search-changed", G_CALLBACK (os_search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->os_search, "activate", G_CALLBACK (os_search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->os_list, "activate", G_CALLBACK (os_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->os_popover, "show", G_CALLBACK (os_popover_show_cb), self, G_CONNECT_SWAPPED);
}

/**
 * vireo_new_machine_dialog_use_disk:
 * @file: a disk image to import
 *
 * Goes to the review page for a machine whose disk is a copy of @file; its system is not
 * known (Change… names it).
 */
void
vireo_new_machine_dialog_use_disk (VireoNewMachineDialog *self,
                                   GFile                 *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (VIREO_IS_NEW_MACHINE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->creating)
    return;
  forget_choices (self);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      refuse_remote_file (self, _("The Disk Image Cannot Be Used"));
      return;
    }
  self->choices = vireo_new_machine_new ();
  self->choices->import = g_steal_pointer (&path);
  fill_review (self);
  show_page (self, "review");
}

/* Source page */

/* No medium: an empty machine, or one that boots from the network. */
static void
without_medium (VireoNewMachineDialog *self,
                gboolean               pxe)
{
  forget_choices (self);
  self->choices = vireo_new_machine_new ();
  self->choices->pxe = pxe;
  fill_review (self);
  show_page (self, "review");
}

static void
empty_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  without_medium (VIREO_NEW_MACHINE_DIALOG (widget), FALSE);
}

static void
pxe_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  without_medium (VIREO_NEW_MACHINE_DIALOG (widget), TRUE);
}

static void
chooser_response_cb (VireoNewMachineDialog *self,
                     int                    response,
                     GtkFileChooserNative  *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL && self->choosing_import)
    vireo_new_machine_dialog_use_disk (self, file);
  else if (file != NULL)
    vireo_new_machine_dialog_use_medium (self, file);
}

static void
open_chooser (VireoNewMachineDialog *self,
              gboolean               import)
{
  g_autoptr(GtkFileFilter) isos = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->choosing_import = import;
  if (import)
    {
      gtk_file_filter_set_name (isos, _("Disk Images"));
      gtk_file_filter_add_pattern (isos, "*.qcow2");
      gtk_file_filter_add_pattern (isos, "*.img");
      gtk_file_filter_add_pattern (isos, "*.raw");
    }
  else
    {
      gtk_file_filter_set_name (isos, _("ISO Images"));
      gtk_file_filter_add_mime_type (isos, "application/x-cd-image");
      gtk_file_filter_add_pattern (isos, "*.iso");
      gtk_file_filter_add_pattern (isos, "*.ISO");
    }
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  self->chooser = gtk_file_chooser_native_new (import ? _("Choose a Disk Image") : _("Choose an ISO Image"),
                                               GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), isos);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_chooser (VIREO_NEW_MACHINE_DIALOG (widget), FALSE);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  open_chooser (VIREO_NEW_MACHINE_DIALOG (widget), TRUE);
}

static void
download_row_activated_cb (VireoNewMachineDialog *self,
                           AdwActionRow          *row)
{
  GFile *file = g_object_get_data (G_OBJECT (row), "vireo-file");

  vireo_new_machine_dialog_use_medium (self, file);
}

static int
compare_mtime (gconstpointer a,
               gconstpointer b)
{
  GFileInfo *ia = *(GFileInfo **) a;
  GFileInfo *ib = *(GFileInfo **) b;
  guint64 ta = g_file_info_get_attribute_uint64 (ia, G_FILE_ATTRIBUTE_TIME_MODIFIED);
  guint64 tb = g_file_info_get_attribute_uint64 (ib, G_FILE_ATTRIBUTE_TIME_MODIFIED);

  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

static void
downloads_listed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VireoNewMachineDialog) self = user_data;
  GFileEnumerator *enumerator = G_FILE_ENUMERATOR (source);
  g_autoptr(GList) infos = g_file_enumerator_next_files_finish (enumerator, result, NULL);
  g_autoptr(GPtrArray) isos = g_ptr_array_new ();
  GFile *dir = g_file_enumerator_get_container (enumerator);

  for (GList *l = infos; l != NULL; l = l->next)
    {
      GFileInfo *info = l->data;
      g_autofree char *lower = g_ascii_strdown (g_file_info_get_name (info), -1);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && g_str_has_suffix (lower, ".iso"))
        g_ptr_array_add (isos, info);
    }
  g_ptr_array_sort (isos, compare_mtime);

  for (guint i = 0; i < isos->len && i < MAX_DOWNLOADS; i++)
    {
      GFileInfo *info = g_ptr_array_index (isos, i);
      g_autofree char *size = g_format_size (g_file_info_get_size (info));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_file_info_get_display_name (info));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      g_object_set_data_full (G_OBJECT (row), "vireo-file",
                              g_file_get_child (dir, g_file_info_get_name (info)), g_object_unref);
      g_signal_connect_object (row, "activated", G_CALLBACK (download_row_activated_cb), self, G_CONNECT_SWAPPED);
      gtk_list_box_append (self->downloads_list, row);
    }
  gtk_widget_set_visible (self->downloads_group, isos->len > 0);
  g_list_free_full (g_steal_pointer (&infos), g_object_unref);
}

static void
downloads_opened_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VireoNewMachineDialog) self = user_data;
  g_autoptr(GFileEnumerator) enumerator = g_file_enumerate_children_finish (G_FILE (source), result, NULL);

  /* No Downloads folder: nothing to offer. */
  if (enumerator == NULL)
    return;
  g_file_enumerator_next_files_async (enumerator, 1000, G_PRIORITY_DEFAULT, self->cancellable,
                                      downloads_listed_cb, g_object_ref (self));
}

static void
list_downloads (VireoNewMachineDialog *self)
{
  const char *special = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  g_autofree char *fallback = g_build_filename (g_get_home_dir (), "Downloads", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (special != NULL ? special : fallback);

  g_file_enumerate_children_async (dir,
                                   G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                   G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                   G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                                   downloads_opened_cb, g_object_ref (self));
}

static gboolean
drop_cb (VireoNewMachineDialog *self,
         const GValue          *value,
         double                 x,
         double                 y)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  vireo_new_machine_dialog_use_medium (self, files->data);
  return TRUE;
}

/* Download an operating system (vireo-download-page.c): the system is the catalogue's, and
 * CreateMachine uses the downloaded volume in place. */
static void
download_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VireoNewMachineDialog *self = VIREO_NEW_MACHINE_DIALOG (widget);

  show_page (self, "download");
  vireo_download_page_load (self->download_page);
}

static void
downloaded_cb (VireoNewMachineDialog *self,
               const char            *os_id,
               const char            *url,
               const char            *volume)
{
  forget_choices (self);
  self->choices = vireo_new_machine_new ();
  if (!vireo_new_machine_use_download (self->choices, os_id, url, volume, NULL))
    g_debug ("%s is not in libosinfo's database: an unknown system", os_id);
  fill_review (self);
  show_page (self, "review");
}

/* Review and create */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VireoNewMachineDialog *self = VIREO_NEW_MACHINE_DIALOG (widget);

  if (self->creating)
    return;
  g_cancellable_cancel (self->cancellable);
  self->detecting = FALSE;
  gtk_spinner_stop (self->detect_spinner);
  show_error (self, NULL);
  show_page (self, "source");
}

/* The helper's Job: what it does, and how far it is. */
static gboolean
job_watch_cb (gpointer user_data)
{
  VireoNewMachineDialog *self = user_data;
  g_autoptr(VireoDBusJob) job = self->choices != NULL ? vireo_client_find_job (self->client, self->choices->name) : NULL;
  double progress;

  if (job == NULL)
    return G_SOURCE_CONTINUE;
  adw_status_page_set_description (self->creating_page, vireo_dbus_job_get_description (job));
  progress = vireo_dbus_job_get_progress (job);
  gtk_widget_set_visible (GTK_WIDGET (self->creating_progress), progress >= 0);
  if (progress >= 0)
    gtk_progress_bar_set_fraction (self->creating_progress, progress);
  return G_SOURCE_CONTINUE;
}

static void
stop_watching_job (VireoNewMachineDialog *self)
{
  g_clear_handle_id (&self->job_watch, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->creating_progress), FALSE);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VireoNewMachineDialog *self = VIREO_NEW_MACHINE_DIALOG (widget);
  g_autoptr(VireoDBusJob) job = NULL;

  if (!self->creating || self->choices == NULL)
    return;
  job = vireo_client_find_job (self->client, self->choices->name);
  /* The answer to CreateMachine says it was cancelled. */
  if (job != NULL)
    vireo_dbus_job_call_cancel (job, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  gtk_widget_action_set_enabled (widget, "assistant.stop", FALSE);
}

static void
finish (VireoNewMachineDialog *self,
        const char            *path,
        gboolean               started,
        const char            *problem)
{
  self->creating = FALSE;
  gtk_spinner_stop (self->creating_spinner);
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, path, started, problem);
  gtk_window_close (GTK_WINDOW (self));
}

typedef struct {
  VireoNewMachineDialog *self;
  char                  *path;
} Created;

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Created *created = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;

  if (!vireo_machine_run_finish (VIREO_DBUS_MACHINE (source), result, &error))
    {
      g_autofree char *sentence = NULL;
      g_autofree char *detail = NULL;

      /* libvirt's own words too: they say what is wrong with the machine. */
      vireo_error_get_text (error, &sentence, &detail);
      problem = detail != NULL
                  ? g_strdup_printf (_("The machine was created, but could not be started: %s (%s)"), sentence, detail)
                  : g_strdup_printf (_("The machine was created, but could not be started: %s"), sentence);
    }
  finish (created->self, created->path, problem == NULL, problem);
  g_object_unref (created->self);
  g_free (created->path);
  g_free (created);
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoNewMachineDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  VireoDBusMachine *machine;
  Created *created;

  stop_watching_job (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.stop", FALSE);
  if (!vireo_dbus_manager_call_create_machine_finish (VIREO_DBUS_MANAGER (source), &path, result, &error))
    {
      g_autofree char *sentence = NULL;

      vireo_error_get_text (error, &sentence, NULL);
      self->creating = FALSE;
      gtk_spinner_stop (self->creating_spinner);
      show_error (self, sentence);
      show_page (self, "review");
      return;
    }

  machine = vireo_client_lookup_machine (self->client, path);
  if (gtk_switch_get_active (self->customize_switch) || machine == NULL)
    {
      finish (self, path, FALSE, NULL);
      return;
    }

  adw_status_page_set_description (self->creating_page, _("Starting…"));
  created = g_new0 (Created, 1);
  created->self = g_object_ref (self);
  created->path = g_steal_pointer (&path);
  vireo_machine_run_async (machine, VIREO_MACHINE_ACTION_START, NULL, NULL, started_cb, created);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoNewMachineDialog *self = VIREO_NEW_MACHINE_DIALOG (widget);
  VireoDBusManager *manager = vireo_client_get_manager (self->client);
  g_autoptr(GVariant) spec = NULL;
  g_autofree char *title = NULL;

  if (self->choices == NULL || self->creating || self->detecting)
    return;
  if (manager == NULL)
    {
      show_error (self, _("The Vireo helper is not running."));
      return;
    }

  g_free (self->choices->name);
  self->choices->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  self->choices->memory_mib = (guint64) gtk_adjustment_get_value (self->memory_adjustment);
  self->choices->vcpus = (guint) gtk_adjustment_get_value (self->vcpus_adjustment);
  self->choices->disk_gib = (guint64) gtk_adjustment_get_value (self->disk_adjustment);
  read_network (self);
  g_clear_pointer (&self->choices->express_config, vireo_express_free);
  if (self->choices->express && gtk_switch_get_active (self->express_switch))
    {
      self->choices->express_config = read_express (self);
      if (self->choices->express_config == NULL)
        return;
    }
  spec = g_variant_ref_sink (vireo_new_machine_to_spec (self->choices));

  self->creating = TRUE;
  show_error (self, NULL);
  title = g_strdup_printf (_("Creating “%s”"), self->choices->name);
  adw_status_page_set_title (self->creating_page, title);
  adw_status_page_set_description (self->creating_page,
                                   self->choices->iso != NULL
                                     ? _("Adding the installation medium to the default storage pool and creating the disk…")
                                     : _("Creating the disk…"));
  gtk_spinner_start (self->creating_spinner);
  gtk_widget_action_set_enabled (widget, "assistant.stop", TRUE);
  self->job_watch = g_timeout_add (250, job_watch_cb, self);
  show_page (self, "creating");
  vireo_dbus_manager_call_create_machine (manager, spec, G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                                          G_MAXINT, NULL, create_cb, g_object_ref (self));
}

static void
name_changed_cb (VireoNewMachineDialog *self)
{
  update_buttons (self);
}

/* GObject */

static gboolean
vireo_new_machine_dialog_close_request (GtkWindow *window)
{
  VireoNewMachineDialog *self = VIREO_NEW_MACHINE_DIALOG (window);

  /* The helper is making it: the answer must reach the window. */
  if (self->creating)
    return TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_hide (GTK_NATIVE_DIALOG (self->chooser));
  return GTK_WINDOW_CLASS (vireo_new_machine_dialog_parent_class)->close_request (window);
}

static void
vireo_new_machine_dialog_dispose (GObject *object)
{
  VireoNewMachineDialog *self = VIREO_NEW_MACHINE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->chooser);
  g_clear_handle_id (&self->job_watch, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_NEW_MACHINE_DIALOG);

  G_OBJECT_CLASS (vireo_new_machine_dialog_parent_class)->dispose (object);
}

static void
vireo_new_machine_dialog_finalize (GObject *object)
{
  VireoNewMachineDialog *self = VIREO_NEW_MACHINE_DIALOG (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->choices, vireo_new_machine_free);
  g_clear_pointer (&self->proposed_name, g_free);
  g_clear_object (&self->os_choices);
  g_clear_object (&self->os_filter);
  g_clear_pointer (&self->os_words, g_strfreev);
  g_clear_pointer (&self->network_names, g_strfreev);

  G_OBJECT_CLASS (vireo_new_machine_dialog_parent_class)->finalize (object);
}

static void
vireo_new_machine_dialog_class_init (VireoNewMachineDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vireo_new_machine_dialog_dispose;
  object_class->finalize = vireo_new_machine_dialog_finalize;
  window_class->close_request = vireo_new_machine_dialog_close_request;

  /**
   * VireoNewMachineDialog::created:
   * @path: the new machine's object path
   * @started: whether it was started
   * @problem: (nullable): what went wrong after it was made
   */
  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 3,
                                          G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);

  g_type_ensure (VIREO_TYPE_DOWNLOAD_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-new-machine-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, downloads_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, downloads_list);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, os_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, detect_spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, os_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, os_popover);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, os_search);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, os_list);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, memory_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, vcpus_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, disk_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, firmware_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, network_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, disk_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, customize_switch);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_switch);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_user_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_name_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_password_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_host_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_key_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_timezone_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, express_keyboard_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, creating_page);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, creating_spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, creating_progress);
  gtk_widget_class_bind_template_child (widget_class, VireoNewMachineDialog, download_page);
  gtk_widget_class_install_action (widget_class, "assistant.download", NULL, download_action);

  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "assistant.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "assistant.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "assistant.empty", NULL, empty_action);
  gtk_widget_class_install_action (widget_class, "assistant.pxe", NULL, pxe_action);
  gtk_widget_class_install_action (widget_class, "assistant.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "assistant.stop", NULL, stop_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "assistant.choose-file", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "assistant.back", NULL);
}

static void
vireo_new_machine_dialog_init (VireoNewMachineDialog *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  setup_os_list (self);

  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (name_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->express_switch, "notify::active", G_CALLBACK (express_switch_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->location_row, "apply", G_CALLBACK (location_apply_cb), self, G_CONNECT_SWAPPED);

  {
    const char *firmware[] = { firmware_words (FIRMWARE_BIOS), firmware_words (FIRMWARE_UEFI),
                               firmware_words (FIRMWARE_SECURE), firmware_words (FIRMWARE_SECURE_TPM), NULL };

    self->firmware_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (firmware));
    gtk_widget_set_valign (GTK_WIDGET (self->firmware_dropdown), GTK_ALIGN_CENTER);
    adw_action_row_add_suffix (self->firmware_row, GTK_WIDGET (self->firmware_dropdown));
    adw_action_row_set_activatable_widget (self->firmware_row, GTK_WIDGET (self->firmware_dropdown));
    g_signal_connect_object (self->firmware_dropdown, "notify::selected", G_CALLBACK (firmware_changed_cb), self,
                             G_CONNECT_SWAPPED);

    self->network_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
    gtk_widget_set_valign (GTK_WIDGET (self->network_dropdown), GTK_ALIGN_CENTER);
    adw_action_row_add_suffix (self->network_row, GTK_WIDGET (self->network_dropdown));
    adw_action_row_set_activatable_widget (self->network_row, GTK_WIDGET (self->network_dropdown));
  }
  g_signal_connect_object (self->download_page, "downloaded", G_CALLBACK (downloaded_cb), self, G_CONNECT_SWAPPED);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->create_button);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  show_page (self, "source");
}

/**
 * vireo_new_machine_dialog_new:
 * @parent: the window it is for
 * @client: the helper's client
 */
VireoNewMachineDialog *
vireo_new_machine_dialog_new (GtkWindow   *parent,
                              VireoClient *client)
{
  VireoNewMachineDialog *self;

  g_return_val_if_fail (VIREO_IS_CLIENT (client), NULL);

  self = g_object_new (VIREO_TYPE_NEW_MACHINE_DIALOG, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  g_signal_connect_object (client, "notify::state", G_CALLBACK (client_state_cb), self, G_CONNECT_SWAPPED);
  vireo_download_page_set_client (self->download_page, client);
  list_downloads (self);
  return self;
}
