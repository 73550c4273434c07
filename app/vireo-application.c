/* vireo-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-application.h"
#include "vireo-client.h"
#include "vireo-window.h"

struct _VireoApplication {
  AdwApplication  parent_instance;

  /* Owned references */
  VireoClient    *client;
};

G_DEFINE_FINAL_TYPE (VireoApplication, vireo_application, ADW_TYPE_APPLICATION)

/* Closes every window, as their close buttons would (the main window saves its size then);
 * the application ends with the last one. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *copy = g_list_copy_deep (gtk_application_get_windows (app), (GCopyFunc) (GCallback) g_object_ref, NULL);

  /* Closing one window may destroy others (its dialogs): close only those still there. */
  for (GList *l = copy; l != NULL; l = l->next)
    if (g_list_find (gtk_application_get_windows (app), l->data) != NULL)
      gtk_window_close (l->data);
  g_list_free_full (copy, g_object_unref);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Vireo developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Vireo"),
                         "application-icon", "computer",
                         "version", PACKAGE_VERSION,
                         "comments", _("Create, run and watch virtual machines"),
                         "website", "https://vireo.org/",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
};

static void
vireo_application_startup (GApplication *application)
{
  VireoApplication *self = VIREO_APPLICATION (application);
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (vireo_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  /* One client for every window: it finds the helper on the system bus. */
  self->client = vireo_client_new (G_BUS_TYPE_SYSTEM);
  vireo_client_start (self->client);
}

static void
vireo_application_activate (GApplication *application)
{
  VireoApplication *self = VIREO_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (vireo_window_new (ADW_APPLICATION (self), self->client));
  gtk_window_present (window);
}

static void
vireo_application_shutdown (GApplication *application)
{
  VireoApplication *self = VIREO_APPLICATION (application);

  G_APPLICATION_CLASS (vireo_application_parent_class)->shutdown (application);
  g_clear_object (&self->client);
}

static void
vireo_application_class_init (VireoApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = vireo_application_startup;
  app_class->activate = vireo_application_activate;
  app_class->shutdown = vireo_application_shutdown;
}

static void
vireo_application_init (VireoApplication *self)
{
}

VireoApplication *
vireo_application_new (void)
{
  return g_object_new (VIREO_TYPE_APPLICATION,
                       "application-id", "org.vireo.Vireo",
                       "resource-base-path", "/org/vireo/Vireo",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
