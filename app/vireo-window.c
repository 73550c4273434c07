/* vireo-window.c
 *
 * The window a person lives in: machines on the left, the selected one on the right.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-machine-page.h"
#include "vireo-machine-row.h"
#include "vireo-networks-window.h"
#include "vireo-new-machine-dialog.h"
#include "vireo-window.h"

struct _VireoWindow {
  AdwApplicationWindow  parent_instance;

  /* Owned references */
  VireoClient          *client;
  GSettings            *settings;
  GtkFilterListModel   *filter_model;
  GtkSingleSelection   *selection;
  GtkCustomFilter      *filter;
  GStrv                 search_words;  /* folded, as fold_text() makes them */
  char                 *wanted_uuid;   /* the selection to restore when it appears */
  char                 *wanted_view;   /* and the tab to show then: "console", "serial" */
  guint                 restore_source;
  guint                 selected_position; /* of the last machine selected, for a deletion */
  char                 *deleting_uuid;     /* the machine the user is deleting */
  guint                 after_delete_source;
  GHashTable           *thumbnails;    /* machine object path → GdkTexture */
  GHashTable           *rows;          /* bound VireoMachineRow, for thumbnail updates */
  VireoDisplay         *watched_display; /* the console's display, for thumbnails */
  gint64                last_thumbnail;
  guint                 thumbnail_source;
  GtkWidget            *networks_window; /* weak */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *problem_page;
  AdwLeaflet           *leaflet;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListView          *list_view;
  GtkWidget            *sidebar_header;
  GtkWidget            *content_box;
  GtkStack             *content_stack;
  VireoMachinePage     *machine_page;
  GtkStack             *title_stack;
  AdwWindowTitle       *page_title;
  AdwViewSwitcher      *view_switcher;
  AdwViewSwitcherBar   *switcher_bar;
};

G_DEFINE_FINAL_TYPE (VireoWindow, vireo_window, ADW_TYPE_APPLICATION_WINDOW)

static void set_thumbnail      (VireoWindow      *self,
                                VireoDBusMachine *machine,
                                GdkTexture       *texture);
static void machine_stopped_cb (VireoWindow      *self,
                                GParamSpec       *pspec,
                                VireoDBusMachine *machine);

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
compare_machines (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  /* By what the row shows: the title where there is one, else the name. */
  int cmp = g_utf8_collate (vireo_machine_get_display_name ((VireoDBusMachine *) a),
                            vireo_machine_get_display_name ((VireoDBusMachine *) b));

  return cmp != 0 ? cmp : g_strcmp0 (vireo_dbus_machine_get_name ((VireoDBusMachine *) a),
                                     vireo_dbus_machine_get_name ((VireoDBusMachine *) b));
}

static void
update_main_page (VireoWindow *self)
{
  VireoClientState state = vireo_client_get_state (self->client);
  guint n_machines = g_list_model_get_n_items (vireo_client_get_machines (self->client));
  const char *page;

  switch (state)
    {
    case VIREO_CLIENT_NO_HELPER:
    case VIREO_CLIENT_NO_LIBVIRT:
      page = "problem";
      adw_status_page_set_description (self->problem_page, vireo_client_get_problem (self->client));
      break;

    case VIREO_CLIENT_READY:
      page = n_machines > 0 ? "machines" : "empty";
      break;

    case VIREO_CLIENT_CONNECTING:
    default:
      page = "loading";
      break;
    }

  gtk_stack_set_visible_child_name (self->main_stack, page);
  /* A spinner keeps the frame clock ticking even on a hidden page: spin only when shown,
   * so that an idle window costs no CPU. */
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
}

static void
update_sidebar_page (VireoWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_stack_set_visible_child_name (self->sidebar_stack, empty && text[0] != '\0' ? "no-results" : "list");
}

/* The machine's tabs in the header when there is room and more than one tab; in the bar at
 * the bottom when the window is narrow; its name otherwise. */
static void
update_header (VireoWindow *self)
{
  AdwViewStack *stack = vireo_machine_page_get_view_stack (self->machine_page);
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (stack);
  gboolean has_machine = vireo_machine_page_get_machine (self->machine_page) != NULL;
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  guint n_tabs = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (adw_view_stack_page_get_visible (page))
        n_tabs++;
    }

  gtk_stack_set_visible_child_name (self->title_stack, has_machine && !folded && n_tabs > 1 ? "switcher" : "title");
  adw_view_switcher_bar_set_reveal (self->switcher_bar, has_machine && folded && n_tabs > 1);
}

static void
show_machine (VireoWindow      *self,
              VireoDBusMachine *machine)
{
  VireoDBusMachine *previous = vireo_machine_page_get_machine (self->machine_page);

  /* Only the shown machine has a console open, so only it has a live thumbnail. */
  if (previous != NULL && previous != machine)
    {
      g_signal_handlers_disconnect_by_func (previous, machine_stopped_cb, self);
      set_thumbnail (self, previous, NULL);
    }
  if (machine != NULL && machine != previous)
    g_signal_connect_object (machine, "notify::state", G_CALLBACK (machine_stopped_cb), self, G_CONNECT_SWAPPED);

  vireo_machine_page_set_machine (self->machine_page, machine);
  gtk_stack_set_visible_child_name (self->content_stack, machine != NULL ? "machine" : "none");
  adw_window_title_set_title (self->page_title, machine != NULL ? vireo_dbus_machine_get_name (machine) : "");
  update_header (self);
}

static void
want_machine (VireoWindow      *self,
              VireoDBusMachine *machine,
              const char       *view)
{
  g_free (self->wanted_uuid);
  self->wanted_uuid = g_strdup (vireo_dbus_machine_get_uuid (machine));
  g_free (self->wanted_view);
  self->wanted_view = g_strdup (view);
}

/* The machine the user deleted is gone: the one after it (or the new last) is selected, and
 * the keyboard goes on in the list, as in a file manager. In an idle, not inside the
 * model's items-changed, and after the confirmation has given the focus back. */
static gboolean
select_after_delete_cb (gpointer user_data)
{
  VireoWindow *self = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint position = MIN (self->selected_position, n - 1);

  self->after_delete_source = 0;
  if (n == 0 || gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION)
    return G_SOURCE_REMOVE;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  return G_SOURCE_REMOVE;
}

static void
selection_changed_cb (VireoWindow *self)
{
  VireoDBusMachine *machine = gtk_single_selection_get_selected_item (self->selection);
  VireoDBusMachine *shown = vireo_machine_page_get_machine (self->machine_page);

  if (machine == NULL && shown != NULL)
    {
      const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (shown));
      const char *view = adw_view_stack_get_visible_child_name (vireo_machine_page_get_view_stack (self->machine_page));

      /* Hidden by the search: the page stays, and the row is selected again when it shows. */
      if (vireo_client_lookup_machine (self->client, path) == shown)
        {
          want_machine (self, shown, NULL);
          return;
        }

      /* Deleted by the user: the next one is selected. */
      if (g_strcmp0 (vireo_dbus_machine_get_uuid (shown), self->deleting_uuid) == 0)
        {
          g_clear_pointer (&self->deleting_uuid, g_free);
          show_machine (self, NULL);
          if (self->after_delete_source == 0)
            self->after_delete_source = g_idle_add_full (G_PRIORITY_LOW, select_after_delete_cb, self, NULL);
          return;
        }

      /* Gone, maybe only while the helper restarts: selected again, on the same tab, if a
       * machine with its UUID comes back. */
      want_machine (self, shown, g_strcmp0 (view, "overview") != 0 ? view : NULL);
    }

  show_machine (self, machine);
  if (machine != NULL)
    {
      self->selected_position = gtk_single_selection_get_selected (self->selection);
      g_clear_pointer (&self->wanted_uuid, g_free);
      g_clear_pointer (&self->wanted_view, g_free);
      g_settings_set_string (self->settings, "last-machine", vireo_dbus_machine_get_uuid (machine));
    }
}

/* Selects the wanted machine (the one remembered from the last run, hidden by a search, or
 * gone with the helper) once it shows up in the list. Never from inside items-changed: the
 * models below the selection may not have caught up yet. */
static gboolean
restore_selection_cb (gpointer user_data)
{
  VireoWindow *self = user_data;
  GListModel *model = G_LIST_MODEL (self->selection);
  g_autofree char *view = NULL;
  guint n;

  self->restore_source = 0;
  if (self->wanted_uuid == NULL || self->wanted_uuid[0] == '\0'
      || gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION)
    return G_SOURCE_REMOVE;

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDBusMachine) machine = g_list_model_get_item (model, i);

      if (g_strcmp0 (vireo_dbus_machine_get_uuid (machine), self->wanted_uuid) != 0)
        continue;

      view = g_steal_pointer (&self->wanted_view);
      if (vireo_machine_page_get_machine (self->machine_page) == machine)
        {
          /* Shown all along (the search hid it): select it without touching the page. */
          g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
          gtk_single_selection_set_selected (self->selection, i);
          g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);
          g_clear_pointer (&self->wanted_uuid, g_free);
        }
      else
        gtk_single_selection_set_selected (self->selection, i);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
      if (view != NULL)
        vireo_machine_page_show_view (self->machine_page, view);
      break;
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_restore (VireoWindow *self)
{
  if (self->restore_source == 0 && self->wanted_uuid != NULL)
    self->restore_source = g_idle_add (restore_selection_cb, self);
}

static void
machines_changed_cb (VireoWindow *self)
{
  update_main_page (self);
  update_sidebar_page (self);
  schedule_restore (self);
}

static void
client_state_cb (VireoWindow *self)
{
  update_main_page (self);
}

/* List rows */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (item, vireo_machine_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             VireoWindow              *self)
{
  VireoMachineRow *row = VIREO_MACHINE_ROW (gtk_list_item_get_child (item));
  VireoDBusMachine *machine = gtk_list_item_get_item (item);

  vireo_machine_row_set_machine (row, machine);
  vireo_machine_row_set_thumbnail (row, g_hash_table_lookup (self->thumbnails,
                                                             g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine))));
  g_hash_table_add (self->rows, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               VireoWindow              *self)
{
  VireoMachineRow *row = VIREO_MACHINE_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->rows, row);
  vireo_machine_row_set_machine (row, NULL);
  vireo_machine_row_set_thumbnail (row, NULL);
}

/* Thumbnails: the console's frames, at most one a second, for the row of its machine. */

static void
set_thumbnail (VireoWindow      *self,
               VireoDBusMachine *machine,
               GdkTexture       *texture)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (machine));
  GHashTableIter iter;
  gpointer row;

  if (texture != NULL)
    g_hash_table_insert (self->thumbnails, g_strdup (path), g_object_ref (texture));
  else
    g_hash_table_remove (self->thumbnails, path);

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    if (vireo_machine_row_get_machine (row) == machine)
      vireo_machine_row_set_thumbnail (row, GDK_PAINTABLE (texture));
}

static gboolean
update_thumbnail_cb (gpointer user_data)
{
  VireoWindow *self = user_data;
  VireoConsole *console = vireo_machine_page_get_console (self->machine_page);
  VireoDBusMachine *machine = vireo_console_get_machine (console);
  VireoDisplay *display = vireo_console_get_display (console);
  g_autoptr(GdkTexture) frame = display != NULL ? vireo_display_copy_frame (display) : NULL;

  self->thumbnail_source = 0;
  self->last_thumbnail = g_get_monotonic_time ();
  if (machine != NULL && frame != NULL)
    set_thumbnail (self, machine, frame);   /* a copy: the console's buffer changes under it */
  return G_SOURCE_REMOVE;
}

static void
console_frame_cb (VireoWindow *self)
{
  gint64 since = g_get_monotonic_time () - self->last_thumbnail;

  if (self->thumbnail_source != 0)
    return;
  self->thumbnail_source = g_timeout_add (since >= G_USEC_PER_SEC ? 0 : (G_USEC_PER_SEC - since) / 1000,
                                          update_thumbnail_cb, self);
}

static void
console_display_cb (VireoWindow *self)
{
  VireoConsole *console = vireo_machine_page_get_console (self->machine_page);
  VireoDisplay *display = vireo_console_get_display (console);

  if (self->watched_display == display)
    return;
  if (self->watched_display != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_display, console_frame_cb, self);
  g_set_object (&self->watched_display, display);
  if (display != NULL)
    g_signal_connect_object (display, "frame", G_CALLBACK (console_frame_cb), self, G_CONNECT_SWAPPED);
}

static void
machine_stopped_cb (VireoWindow      *self,
                    GParamSpec       *pspec,
                    VireoDBusMachine *machine)
{
  if (!vireo_machine_state_is_active (vireo_machine_get_state (machine)))
    set_thumbnail (self, machine, NULL);
}

/* Search: a machine matches when each word of the search is in its name or its title,
 * whatever their case and composition ("web debian" finds "Debian web server"). */

static char *
fold_text (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_ALL);

  return normal != NULL ? g_utf8_casefold (normal, -1) : g_strdup ("");
}

static gboolean
machine_matches_cb (gpointer item,
                    gpointer user_data)
{
  VireoWindow *self = user_data;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (self->search_words == NULL || self->search_words[0] == NULL)
    return TRUE;

  name = fold_text (vireo_dbus_machine_get_name (item));
  title = fold_text (vireo_dbus_machine_get_title (item));
  for (guint i = 0; self->search_words[i] != NULL; i++)
    if (strstr (name, self->search_words[i]) == NULL && strstr (title, self->search_words[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Template callbacks */

static void
search_changed_cb (VireoWindow *self)
{
  g_autofree char *folded = fold_text (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (kept, words[i]);
  g_strfreev (self->search_words);
  self->search_words = g_strv_builder_end (kept);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_sidebar_page (self);
}

static void
stop_search_cb (VireoWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
search_activate_cb (VireoWindow *self)
{
  /* Enter in the search: open the first match. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    {
      if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
        gtk_single_selection_set_selected (self->selection, 0);
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
      vireo_machine_page_focus (self->machine_page);
    }
}

static void
list_activate_cb (VireoWindow *self,
                  guint        position)
{
  g_autoptr(VireoDBusMachine) machine = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  gtk_single_selection_set_selected (self->selection, position);
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  /* Enter or a double click on a running machine opens its screen. */
  if (machine != NULL && vireo_machine_state_is_active (vireo_machine_get_state (machine)))
    vireo_machine_page_show_console (self->machine_page);
  else
    vireo_machine_page_focus (self->machine_page);
}

/* GTK 4.8's list view moves the focus from row to row on Tab, so that leaving a list of a
 * hundred machines takes a hundred Tabs. Tab leaves it for what comes next (the machine's
 * page, or round to the top when the page is folded away); Shift+Tab for what comes before.
 * The arrow keys still move between rows. */
static gboolean
list_key_pressed_cb (VireoWindow           *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  gboolean backward;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;

  backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  if (backward)
    return gtk_widget_child_focus (gtk_widget_get_visible (GTK_WIDGET (self->search_bar))
                                   && gtk_search_bar_get_search_mode (self->search_bar)
                                   ? GTK_WIDGET (self->search_bar) : self->sidebar_header,
                                   GTK_DIR_TAB_BACKWARD);

  if (gtk_widget_get_mapped (self->content_box))
    {
      /* The machine's tabs first, where they show; else into its page. */
      if (g_str_equal (gtk_stack_get_visible_child_name (self->title_stack), "switcher")
          && gtk_widget_child_focus (GTK_WIDGET (self->view_switcher), GTK_DIR_TAB_FORWARD))
        return TRUE;
      if (vireo_machine_page_focus_view (self->machine_page))
        return TRUE;
    }
  return gtk_widget_child_focus (self->sidebar_header, GTK_DIR_TAB_FORWARD);
}

/* Tab on the last of the machine's tabs kept the focus there: libadwaita 1.2 does not move it
 * into the page below by itself. Tab goes on into the page, Shift+Tab back to the list. (Left
 * and Right move between the tabs.) */
static gboolean
switcher_key_pressed_cb (VireoWindow           *self,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;

  if (keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  if (vireo_machine_page_focus_view (self->machine_page))
    return TRUE;
  return gtk_widget_child_focus (self->sidebar_header, GTK_DIR_TAB_FORWARD);
}

static void
back_clicked_cb (VireoWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
page_toast_cb (VireoWindow *self,
               AdwToast    *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

static void
page_deleting_cb (VireoWindow      *self,
                  VireoDBusMachine *machine)
{
  g_free (self->deleting_uuid);
  self->deleting_uuid = g_strdup (vireo_dbus_machine_get_uuid (machine));
}


/* Actions */

/* A machine the assistant made: shown, on its console when it was started. */
static void
machine_created_cb (VireoWindow *self,
                    const char  *path,
                    gboolean     started,
                    const char  *problem)
{
  VireoDBusMachine *machine = vireo_client_lookup_machine (self->client, path);

  if (problem != NULL)
    {
      AdwToast *toast = adw_toast_new (problem);

      /* Long enough to read libvirt's words; the machine's page says its state after. */
      adw_toast_set_timeout (toast, 15);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  if (machine == NULL)
    return;

  /* Not hidden by a search; selected once the list has it. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  want_machine (self, machine, started ? "console" : NULL);
  schedule_restore (self);
}

static void
open_assistant (VireoWindow *self,
                GFile       *medium)
{
  VireoNewMachineDialog *dialog = vireo_new_machine_dialog_new (GTK_WINDOW (self), self->client);

  g_signal_connect_object (dialog, "created", G_CALLBACK (machine_created_cb), self, G_CONNECT_SWAPPED);
  if (medium != NULL)
    vireo_new_machine_dialog_use_medium (dialog, medium);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
networks_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  /* One per main window: asked again, it comes to the front. */
  if (self->networks_window == NULL)
    {
      self->networks_window = vireo_networks_window_new (GTK_WINDOW (self), self->client);
      g_object_add_weak_pointer (G_OBJECT (self->networks_window), (gpointer *) &self->networks_window);
    }
  gtk_window_present (GTK_WINDOW (self->networks_window));
}

static void
new_machine_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_assistant (VIREO_WINDOW (widget), NULL);
}

/* An ISO image dropped on the window starts the assistant with it. */
static gboolean
drop_cb (VireoWindow  *self,
         const GValue *value,
         double        x,
         double        y)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || (files = g_value_get_boxed (value)) == NULL)
    return FALSE;
  open_assistant (self, files->data);
  return TRUE;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "machines"))
    return;
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Typing in the search entry never deletes anything. (Nothing may have the focus: a row
   * selected by an assistive technology.) */
  if (focus != NULL && (focus == GTK_WIDGET (self->search_entry)
                        || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->search_bar))))
    return;
  if (vireo_machine_page_get_machine (self->machine_page) != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->machine_page), "machine.delete", NULL);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  vireo_client_retry (self->client);
}

/* GObject */

static gboolean
vireo_window_close_request (GtkWindow *window)
{
  VireoWindow *self = VIREO_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (vireo_window_parent_class)->close_request (window);
}

static void
vireo_window_constructed (GObject *object)
{
  VireoWindow *self = (VireoWindow *) object;
  GtkSortListModel *sorted;
  GtkCustomSorter *sorter;
  GtkEventController *controller;
  g_autoptr(GtkListItemFactory) factory = NULL;

  G_OBJECT_CLASS (vireo_window_parent_class)->constructed (object);

  g_assert (self->client != NULL);

  /* machines → filter (name or title) → sort (name) → selection: the list view only
   * builds the rows on screen, so a thousand machines cost what a screenful does. */
  self->filter_model = gtk_filter_list_model_new (g_object_ref (vireo_client_get_machines (self->client)),
                                                  g_object_ref (GTK_FILTER (self->filter)));
  sorter = gtk_custom_sorter_new (compare_machines, NULL, NULL);
  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)), GTK_SORTER (sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (machines_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vireo_client_get_machines (self->client), "items-changed",
                           G_CALLBACK (machines_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (client_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::problem", G_CALLBACK (client_state_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (list_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), controller);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (switcher_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view_switcher), controller);

  /* Narrow, the list is a page of its own: one click (or tap) opens a machine. */
  g_object_bind_property (self->leaflet, "folded", self->list_view, "single-click-activate", G_BINDING_SYNC_CREATE);

  vireo_machine_page_set_client (self->machine_page, self->client);
  {
    AdwViewStack *stack = vireo_machine_page_get_view_stack (self->machine_page);
    g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (stack);

    adw_view_switcher_set_stack (self->view_switcher, stack);
    adw_view_switcher_bar_set_stack (self->switcher_bar, stack);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
      {
        g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

        g_signal_connect_object (page, "notify::visible", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
      }
    g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
  }
  g_signal_connect_object (vireo_machine_page_get_console (self->machine_page), "notify::display",
                           G_CALLBACK (console_display_cb), self, G_CONNECT_SWAPPED);
  update_main_page (self);
}

static void
vireo_window_dispose (GObject *object)
{
  VireoWindow *self = (VireoWindow *) object;

  if (self->networks_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->networks_window), (gpointer *) &self->networks_window);
      gtk_window_destroy (GTK_WINDOW (self->networks_window));
      self->networks_window = NULL;
    }
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  /* The console says its display went away while the template is taken apart: not to us. */
  if (self->machine_page != NULL)
    g_signal_handlers_disconnect_by_func (vireo_machine_page_get_console (self->machine_page),
                                          console_display_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->search_words, g_strfreev);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->wanted_uuid, g_free);
  g_clear_pointer (&self->wanted_view, g_free);
  g_clear_handle_id (&self->restore_source, g_source_remove);
  g_clear_handle_id (&self->after_delete_source, g_source_remove);
  g_clear_pointer (&self->deleting_uuid, g_free);
  g_clear_handle_id (&self->thumbnail_source, g_source_remove);
  if (self->watched_display != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_display, console_frame_cb, self);
  g_clear_object (&self->watched_display);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (vireo_window_parent_class)->dispose (object);
}

static void
vireo_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VireoWindow *self = VIREO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_window_class_init (VireoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = vireo_window_constructed;
  object_class->dispose = vireo_window_dispose;
  object_class->set_property = vireo_window_set_property;
  window_class->close_request = vireo_window_close_request;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, VIREO_TYPE_CLIENT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VIREO_TYPE_MACHINE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, machine_page);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, title_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, page_title);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_toast_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_deleting_cb);

  gtk_widget_class_install_action (widget_class, "win.new-machine", NULL, new_machine_action);
  gtk_widget_class_install_action (widget_class, "win.networks", NULL, networks_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-machine", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.networks", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "win.delete-selected", NULL);
}

static void
vireo_window_init (VireoWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->rows = g_hash_table_new (NULL, NULL);
  self->settings = g_settings_new ("org.vireo.Vireo");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  self->wanted_uuid = g_settings_get_string (self->settings, "last-machine");

  self->filter = gtk_custom_filter_new (machine_matches_cb, self, NULL);

  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

VireoWindow *
vireo_window_new (AdwApplication *application,
                  VireoClient    *client)
{
  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (VIREO_IS_CLIENT (client), NULL);

  return g_object_new (VIREO_TYPE_WINDOW, "application", application, "client", client, NULL);
}
