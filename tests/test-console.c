/* test-console.c: VireoConsole as a widget (needs an X server: run under xvfb-run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <locale.h>

#include "vireo-console-private.h"

/* A console source with no sockets: every request fails, a main-loop turn later. */
#define TEST_TYPE_SOURCE (test_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSource, test_source, TEST, SOURCE, GObject)

struct _TestSource {
  GObject parent_instance;
  guint   requests;
};

static void
test_source_open_fd_async (VireoConsoleSource  *source,
                           const char          *protocol,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  TEST_SOURCE (source)->requests++;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "No sockets in this test");
}

static int
test_source_open_fd_finish (VireoConsoleSource  *source,
                            GAsyncResult        *result,
                            GError             **error)
{
  return (int) g_task_propagate_int (G_TASK (result), error);
}

static void
test_source_iface_init (VireoConsoleSourceInterface *iface)
{
  iface->open_fd_async = test_source_open_fd_async;
  iface->open_fd_finish = test_source_open_fd_finish;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSource, test_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VIREO_TYPE_CONSOLE_SOURCE, test_source_iface_init))

static void
test_source_class_init (TestSourceClass *klass)
{
}

static void
test_source_init (TestSource *self)
{
}

static VireoDBusMachine *
running_machine (const char *const *graphics)
{
  VireoDBusMachine *machine = VIREO_DBUS_MACHINE (vireo_dbus_machine_skeleton_new ());

  vireo_dbus_machine_set_name (machine, "test");
  vireo_dbus_machine_set_state (machine, "running");
  vireo_dbus_machine_set_graphics_types (machine, graphics);
  return machine;
}

typedef struct {
  VireoDisplay *seen;        /* what the last notify::display said */
  GWeakRef      old;         /* the display before it */
  gboolean      old_alive;   /* whether that one still existed when the console said it went */
  guint         notified;
} Watch;

static void
display_cb (VireoConsole *console,
            GParamSpec   *pspec,
            Watch        *watch)
{
  g_autoptr(VireoDisplay) old = g_weak_ref_get (&watch->old);

  watch->notified++;
  watch->old_alive = old != NULL;
  watch->seen = vireo_console_get_display (console);
  g_weak_ref_set (&watch->old, watch->seen);
}

/* A listener that keeps the display (the app's window does) hears every change, to NULL
 * too, while the display it kept still exists. */
static void
test_display_notify (void)
{
  static const char *const vnc[] = { "vnc", NULL };
  static const char *const spice[] = { "spice", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (vnc);
  g_autoptr(VireoDBusMachine) other = running_machine (spice);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());
  Watch watch = { 0 };
  VireoDisplay *display;

  g_weak_ref_init (&watch.old, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  g_signal_connect (console, "notify::display", G_CALLBACK (display_cb), &watch);

  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  vireo_console_connect (console);
  display = vireo_console_get_display (console);
  g_assert_nonnull (display);
  g_assert_true (watch.seen == display);
  g_assert_cmpuint (watch.notified, ==, 1);
  g_assert_cmpuint (source->requests, ==, 1);
  /* The source's refusal reaches the display, a main-loop turn later. */
  while (vireo_display_get_state (display) != VIREO_DISPLAY_DISCONNECTED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (vireo_display_get_error_message (display), ==, "No sockets in this test");

  /* Another machine: the display goes, and the listener hears it before it is freed. */
  vireo_console_set_machine (console, other);
  g_assert_cmpuint (watch.notified, ==, 2);
  g_assert_null (watch.seen);
  g_assert_true (watch.old_alive);
  g_assert_null (vireo_console_get_display (console));

  gtk_window_destroy (GTK_WINDOW (window));
  g_weak_ref_clear (&watch.old);
}

/* The template: the toolbar's controls have accessible names; USB only with SPICE. */
static void
test_template (void)
{
  static const char *const spice[] = { "spice", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (spice);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  vireo_console_connect (console);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (console), "console.send-key", "s", "Ctrl+Alt+Delete"));
  g_assert_cmpstr (vireo_console_get_protocol (console), ==, "spice");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewer/console/display-notify", test_display_notify);
  g_test_add_func ("/viewer/console/template", test_template);

  return g_test_run ();
}
