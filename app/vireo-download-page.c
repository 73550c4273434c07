/* vireo-download-page.c
 *
 * "Download an Operating System", a page of the New Machine assistant: libosinfo's catalogue
 * of media with an address (lib/vireo-os-catalogue.c), by vendor and newest first, with a
 * search; the one chosen is downloaded by the helper (DownloadMedia) into the default storage
 * pool, its Job's progress shown with a Stop that cancels it. A download that stopped for
 * another reason continues where it stopped when chosen again. The file is root's: the system
 * is the catalogue's, never detected from the file; the ::downloaded signal hands the
 * assistant the volume and the system's id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-download-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-download-page.h"
#include "vireo-os-catalogue.h"

struct _VireoDownloadPage {
  GtkBox             parent_instance;

  /* Owned references */
  VireoClient       *client;
  GPtrArray         *catalogue;     /* VireoOsMedium; NULL until read */
  GCancellable      *cancellable;   /* reading the catalogue */
  char              *search;        /* what the search entry says */
  char              *downloading;   /* the volume's name while its download runs */
  guint              job_watch;
  gboolean           loading;

  /* Template widgets */
  GtkSearchEntry    *search_entry;
  GtkLabel          *error_label;
  GtkWidget         *progress_box;
  GtkLabel          *progress_label;
  GtkProgressBar    *progress_bar;
  GtkStack          *stack;
  GtkSpinner        *loading_spinner;
  GtkListBox        *list;
};

G_DEFINE_FINAL_TYPE (VireoDownloadPage, vireo_download_page, GTK_TYPE_BOX)

enum {
  SIGNAL_DOWNLOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (VireoDownloadPage *self,
            const char        *text)
{
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

/* The list */

static gboolean
row_matches_cb (GtkListBoxRow *row,
                gpointer       user_data)
{
  VireoDownloadPage *self = user_data;
  const VireoOsMedium *medium = g_object_get_data (G_OBJECT (row), "vireo-medium");

  return medium != NULL && vireo_os_medium_matches (medium, self->search);
}

/* A vendor's name above its first system. */
static void
row_header_cb (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  const VireoOsMedium *medium = g_object_get_data (G_OBJECT (row), "vireo-medium");
  const VireoOsMedium *previous = before != NULL ? g_object_get_data (G_OBJECT (before), "vireo-medium") : NULL;
  GtkWidget *header;

  if (previous != NULL && g_str_equal (previous->vendor, medium->vendor))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (medium->vendor[0] != '\0' ? medium->vendor : _("Other Vendors"));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_add_css_class (header, "heading");
  gtk_list_box_row_set_header (row, header);
}

static void
update_visible (VireoDownloadPage *self)
{
  gboolean any = FALSE;

  if (self->catalogue == NULL)
    return;
  for (guint i = 0; !any && i < self->catalogue->len; i++)
    any = vireo_os_medium_matches (g_ptr_array_index (self->catalogue, i), self->search);
  gtk_stack_set_visible_child_name (self->stack, any ? "list" : "empty");
}

static void
search_changed_cb (VireoDownloadPage *self)
{
  g_free (self->search);
  self->search = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  gtk_list_box_invalidate_filter (self->list);
  gtk_list_box_invalidate_headers (self->list);
  update_visible (self);
}

/* The download */

static void
set_downloading (VireoDownloadPage *self,
                 const char        *name)
{
  g_free (self->downloading);
  self->downloading = g_strdup (name);
  gtk_widget_set_visible (self->progress_box, name != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->list), name == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "download.stop", name != NULL);
  if (name == NULL)
    g_clear_handle_id (&self->job_watch, g_source_remove);
}

static gboolean
job_watch_cb (gpointer user_data)
{
  VireoDownloadPage *self = user_data;
  g_autoptr(VireoDBusJob) job = NULL;
  double progress;

  if (self->downloading == NULL || (job = vireo_client_find_job_for (self->client, "download-medium", self->downloading)) == NULL)
    return G_SOURCE_CONTINUE;
  progress = vireo_dbus_job_get_progress (job);
  if (progress < 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      gtk_progress_bar_set_text (self->progress_bar, vireo_dbus_job_get_description (job));
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("%s: %d %%"), vireo_dbus_job_get_description (job), (int) (progress * 100));

      gtk_progress_bar_set_fraction (self->progress_bar, progress);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }
  return G_SOURCE_CONTINUE;
}

typedef struct {
  VireoDownloadPage *self;
  char              *os_id;
  char              *url;
  char              *name;
} Started;

static void
started_free (Started *started)
{
  g_object_unref (started->self);
  g_free (started->os_id);
  g_free (started->url);
  g_free (started->name);
  g_free (started);
}

static void
download_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Started *started = user_data;
  VireoDownloadPage *self = started->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean ok;

  ok = vireo_dbus_manager_call_download_media_finish (VIREO_DBUS_MANAGER (source), &path, result, &error);
  set_downloading (self, NULL);
  /* Downloaded before: that file serves. */
  if (ok || g_error_matches (error, VIREO_ERROR, VIREO_ERROR_EXISTS))
    {
      g_debug ("Downloaded %s: %s", started->name, ok ? path : "it was there already");
      g_signal_emit (self, signals[SIGNAL_DOWNLOADED], 0, started->os_id, started->url, started->name);
    }
  else if (g_error_matches (error, VIREO_ERROR, VIREO_ERROR_CANCELLED))
    show_error (self, _("The download was stopped, and what it had downloaded removed."));
  else if (!vireo_error_is_silent (error))
    {
      g_autofree char *sentence = NULL;

      vireo_error_get_text (error, &sentence, NULL);
      show_error (self, sentence);
    }
  started_free (started);
}

static void
start_download (VireoDownloadPage   *self,
                const VireoOsMedium *medium)
{
  VireoDBusManager *manager = self->client != NULL ? vireo_client_get_manager (self->client) : NULL;
  g_autofree char *title = NULL;
  GVariantBuilder options;
  Started *started;

  if (self->downloading != NULL)
    return;
  if (manager == NULL)
    {
      show_error (self, _("The Vireo helper is not running."));
      return;
    }

  show_error (self, NULL);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "url", g_variant_new_string (medium->url));
  g_variant_builder_add (&options, "{sv}", "name", g_variant_new_string (medium->file_name));
  title = g_strdup_printf (_("Downloading %s (%s)"), medium->os_name, medium->file_name);
  gtk_label_set_text (self->progress_label, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  set_downloading (self, medium->file_name);
  self->job_watch = g_timeout_add (250, job_watch_cb, self);

  started = g_new0 (Started, 1);
  started->self = g_object_ref (self);
  started->os_id = g_strdup (medium->os_id);
  started->url = g_strdup (medium->url);
  started->name = g_strdup (medium->file_name);
  vireo_dbus_manager_call_download_media (manager, g_variant_builder_end (&options),
                                          G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, G_MAXINT, NULL,
                                          download_cb, started);
}

static void
row_activated_cb (VireoDownloadPage *self,
                  GtkListBoxRow     *row)
{
  const VireoOsMedium *medium = g_object_get_data (G_OBJECT (row), "vireo-medium");

  if (medium != NULL)
    start_download (self, medium);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vireo_download_page_stop (VIREO_DOWNLOAD_PAGE (widget));
}

/* Reading the catalogue */

static GtkWidget *
medium_row_new (const VireoOsMedium *medium)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("folder-download-symbolic");
  g_autofree char *title = medium->live ? g_strdup_printf (_("%s (Live)"), medium->os_name) : g_strdup (medium->os_name);
  g_autofree char *subtitle = medium->release_date != NULL
                                ? g_strdup_printf (_("%s, released %s"), medium->file_name, medium->release_date)
                                : g_strdup (medium->file_name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  g_object_set_data (G_OBJECT (row), "vireo-medium", (gpointer) medium);
  return row;
}

static void
catalogue_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VireoDownloadPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *catalogue = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  gtk_spinner_stop (self->loading_spinner);
  if (catalogue == NULL)
    {
      g_autofree char *sentence = NULL;

      vireo_error_get_text (error, &sentence, NULL);
      show_error (self, sentence);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->catalogue = catalogue;
  for (guint i = 0; i < catalogue->len; i++)
    gtk_list_box_append (self->list, medium_row_new (g_ptr_array_index (catalogue, i)));
  update_visible (self);
}

static void
catalogue_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *catalogue = vireo_os_catalogue_list (&error);

  if (catalogue == NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, catalogue, (GDestroyNotify) g_ptr_array_unref);
  else
    g_ptr_array_unref (catalogue);
}

/* GObject */

static void
vireo_download_page_dispose (GObject *object)
{
  VireoDownloadPage *self = VIREO_DOWNLOAD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  vireo_download_page_stop (self);
  g_clear_handle_id (&self->job_watch, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_DOWNLOAD_PAGE);

  G_OBJECT_CLASS (vireo_download_page_parent_class)->dispose (object);
}

static void
vireo_download_page_finalize (GObject *object)
{
  VireoDownloadPage *self = VIREO_DOWNLOAD_PAGE (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->catalogue, g_ptr_array_unref);
  g_free (self->search);
  g_free (self->downloading);

  G_OBJECT_CLASS (vireo_download_page_parent_class)->finalize (object);
}

static void
vireo_download_page_class_init (VireoDownloadPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_download_page_dispose;
  object_class->finalize = vireo_download_page_finalize;

  /**
   * VireoDownloadPage::downloaded:
   * @os_id: the libosinfo id of the system downloaded
   * @url: the medium's address, as the catalogue lists it
   * @name: the volume's name in the default storage pool
   */
  signals[SIGNAL_DOWNLOADED] = g_signal_new ("downloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                             NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING,
                                             G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-download-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoDownloadPage, list);
  gtk_widget_class_install_action (widget_class, "download.stop", NULL, stop_action);
}

static void
vireo_download_page_init (VireoDownloadPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_list_box_set_filter_func (self->list, row_matches_cb, self, NULL);
  gtk_list_box_set_header_func (self->list, row_header_cb, NULL, NULL);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "download.stop", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

/**
 * vireo_download_page_set_client:
 * @client: the helper's client, which downloads
 */
void
vireo_download_page_set_client (VireoDownloadPage *self,
                                VireoClient       *client)
{
  g_return_if_fail (VIREO_IS_DOWNLOAD_PAGE (self));
  g_return_if_fail (VIREO_IS_CLIENT (client));

  g_set_object (&self->client, client);
}

/**
 * vireo_download_page_load:
 *
 * Reads the catalogue in a worker thread the first time (about 0.3 s), and puts the focus in
 * the search.
 */
void
vireo_download_page_load (VireoDownloadPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIREO_IS_DOWNLOAD_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  if (self->catalogue != NULL || self->loading)
    return;
  self->loading = TRUE;
  gtk_spinner_start (self->loading_spinner);
  task = g_task_new (NULL, self->cancellable, catalogue_read_cb, g_object_ref (self));
  g_task_set_source_tag (task, vireo_download_page_load);
  g_task_run_in_thread (task, catalogue_thread);
}

/**
 * vireo_download_page_is_busy:
 *
 * Returns: whether a download runs
 */
gboolean
vireo_download_page_is_busy (VireoDownloadPage *self)
{
  g_return_val_if_fail (VIREO_IS_DOWNLOAD_PAGE (self), FALSE);

  return self->downloading != NULL;
}

/**
 * vireo_download_page_stop:
 *
 * Cancels the download that runs, if one does: the helper removes its partial file, and the
 * answer to DownloadMedia says it was cancelled.
 */
void
vireo_download_page_stop (VireoDownloadPage *self)
{
  g_autoptr(VireoDBusJob) job = NULL;

  g_return_if_fail (VIREO_IS_DOWNLOAD_PAGE (self));

  if (self->downloading == NULL || self->client == NULL)
    return;
  job = vireo_client_find_job_for (self->client, "download-medium", self->downloading);
  if (job != NULL)
    vireo_dbus_job_call_cancel (job, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "download.stop", FALSE);
}
