/* test-console.c: VireoConsole as a widget (needs an X server: run under xvfb-run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <string.h>

#include "vireo-console-private.h"
#include "vireo-display-private.h"
#include "vireo-renderer.h"

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

/* The guest's screen, as a backend would hold it: B,G,R,X bytes. */
typedef struct {
  guint8 *pixels;
  int     width;
  int     height;
} Screen;

static Screen *
screen_new (int width,
            int height)
{
  Screen *screen = g_new0 (Screen, 1);

  screen->width = width;
  screen->height = height;
  screen->pixels = g_malloc ((gsize) width * height * 4);
  for (int i = 0; i < width * height; i++)
    {
      screen->pixels[i * 4] = i % 251;          /* a pattern, not one colour */
      screen->pixels[i * 4 + 1] = (i / width) % 256;
      screen->pixels[i * 4 + 2] = 0x80;
      screen->pixels[i * 4 + 3] = 0;
    }
  return screen;
}

static void
screen_free (Screen *screen)
{
  g_free (screen->pixels);
  g_free (screen);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Screen, screen_free)

/* The console's display as its backend leaves it once the guest's server answered: connected,
 * showing @screen. (The test source has no sockets; the backend's side of VireoDisplay says
 * what a real connection would.) */
static VireoDisplay *
connect_display (VireoConsole *console,
                 Screen       *screen)
{
  VireoDisplay *display;

  vireo_console_connect (console);
  display = vireo_console_get_display (console);
  g_assert_nonnull (display);
  while (vireo_display_get_state (display) != VIREO_DISPLAY_DISCONNECTED)
    g_main_context_iteration (NULL, TRUE);
  _vireo_display_set_state (display, VIREO_DISPLAY_CONNECTED, NULL);
  _vireo_display_set_framebuffer (display, screen->pixels, screen->width, screen->height, screen->width * 4);
  return display;
}

static gboolean
has_tooltip (GtkWidget  *widget,
             const char *tooltip)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

/* The first widget under @root, depth first, whose tooltip is @tooltip. */
static GtkWidget *
find_by_tooltip (GtkWidget  *root,
                 const char *tooltip)
{
  if (has_tooltip (root, tooltip))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @cond holds, for at most 10 s, then asserts it: GTK lays out
 * and draws on its frame clock. */
#define WAIT_FOR(cond)                                                            \
  G_STMT_START                                                                    \
  {                                                                               \
    gint64 deadline_ = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;         \
    guint tick_ = g_timeout_add (10, tick_cb, NULL);                              \
    while (!(cond) && g_get_monotonic_time () < deadline_)                        \
      g_main_context_iteration (NULL, TRUE);                                      \
    g_source_remove (tick_);                                                      \
    g_assert_true (cond);                                                         \
  }                                                                               \
  G_STMT_END

/* A scroll bar a user can see: laid out, and drawn (overlay scroll bars are there but
 * transparent until the pointer moves over them). */
static gboolean
shown (GtkWidget *scrollbar)
{
  return gtk_widget_get_mapped (scrollbar) && gtk_widget_get_child_visible (scrollbar)
         && gtk_widget_get_opacity (scrollbar) > 0.5 && gtk_widget_get_height (scrollbar) > 0;
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
  g_autoptr(Screen) screen = screen_new (64, 48);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  connect_display (console, screen);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (console), "console.send-key", "s", "Ctrl+Alt+Delete"));
  g_assert_cmpstr (vireo_console_get_protocol (console), ==, "spice");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A screenshot and keys for the guest need a connected screen: not running, connecting or
 * disconnected, the actions and their buttons are off. Off, the actions do nothing (GTK
 * still says that it activated them): no file chooser, no dialog for other keys. */
static void
assert_screen_actions (VireoConsole *console,
                       gboolean      enabled)
{
  GtkWidget *send_key = find_by_tooltip (GTK_WIDGET (console), "Send Key");
  GtkWidget *screenshot = find_by_tooltip (GTK_WIDGET (console), "Save a screenshot");
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n_windows = g_list_model_get_n_items (toplevels);

  g_assert_nonnull (send_key);
  g_assert_nonnull (screenshot);
  g_assert_cmpint (gtk_widget_is_sensitive (send_key), ==, enabled);
  g_assert_cmpint (gtk_widget_is_sensitive (screenshot), ==, enabled);
  if (enabled)
    return;

  gtk_widget_activate_action (GTK_WIDGET (console), "console.screenshot", NULL);
  gtk_widget_activate_action (GTK_WIDGET (console), "console.send-custom", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n_windows);
}

static void
test_screen_actions (void)
{
  static const char *const vnc[] = { "vnc", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (vnc);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  g_autoptr(Screen) screen = screen_new (64, 48);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());
  VireoDisplay *display;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  assert_screen_actions (console, FALSE);   /* no machine */

  /* Not running: no display at all. */
  vireo_dbus_machine_set_state (machine, "shutoff");
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  vireo_console_connect (console);
  g_assert_null (vireo_console_get_display (console));
  assert_screen_actions (console, FALSE);

  /* Started: connecting, then connected. */
  vireo_dbus_machine_set_state (machine, "running");
  display = vireo_console_get_display (console);
  g_assert_nonnull (display);
  g_assert_cmpint (vireo_display_get_state (display), ==, VIREO_DISPLAY_CONNECTING);
  assert_screen_actions (console, FALSE);
  display = connect_display (console, screen);
  assert_screen_actions (console, TRUE);

  /* Disconnected: off again. */
  _vireo_display_set_state (display, VIREO_DISPLAY_DISCONNECTED, "The console was closed.");
  assert_screen_actions (console, FALSE);
  _vireo_display_set_state (display, VIREO_DISPLAY_CONNECTED, NULL);
  assert_screen_actions (console, TRUE);
  vireo_console_set_machine (console, NULL);
  assert_screen_actions (console, FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
error_cb (VireoConsole *console,
          const char   *message,
          GPtrArray    *messages)
{
  g_ptr_array_add (messages, g_strdup (message));
}

static GdkTexture *
load_texture (GFile *file)
{
  return gdk_texture_new_from_file (file, NULL);
}

/* A screenshot is saved as a PNG of the guest's screen; one that cannot be written is said in
 * a sentence naming the file, through the "error" signal (no warning in the log: run as a
 * GTest, a warning would abort). */
static void
test_screenshot (void)
{
  static const char *const vnc[] = { "vnc", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (vnc);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  g_autoptr(Screen) screen = screen_new (64, 48);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-console-XXXXXX", &error);
  g_autofree char *good = g_build_filename (dir, "shot.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "shot.png", NULL);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  g_autoptr(GdkTexture) saved = NULL;
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());
  const char *message;

  g_assert_no_error (error);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  g_signal_connect (console, "error", G_CALLBACK (error_cb), messages);
  connect_display (console, screen);

  /* Written in the background: the file shows before it is whole. */
  _vireo_console_save_screenshot (console, good_file);
  WAIT_FOR ((saved = saved != NULL ? saved : load_texture (good_file)) != NULL);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpint (gdk_texture_get_width (saved), ==, 64);
  g_assert_cmpint (gdk_texture_get_height (saved), ==, 48);

  _vireo_console_save_screenshot (console, bad_file);
  WAIT_FOR (messages->len == 1);
  message = g_ptr_array_index (messages, 0);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, bad));
  g_assert_true (g_str_has_suffix (message, "."));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  g_unlink (good);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *prefix)
{
  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (root)), prefix))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Presses Tab (or Shift+Tab) as GtkWindow does, GtkWindow::move-focus, from the screen until
 * the focus is back on it: whether it went through @target on the way. */
static gboolean
tab_reaches (GtkWidget        *window,
             VireoConsole     *console,
             GtkDirectionType  direction,
             GtkWidget        *target)
{
  GtkWidget *display = GTK_WIDGET (vireo_console_get_display (console));
  gboolean reached = FALSE;

  g_assert_nonnull (target);
  g_assert_true (gtk_widget_grab_focus (display));
  for (int i = 0; i < 20; i++)
    {
      GtkWidget *focus;

      g_signal_emit_by_name (window, "move-focus", direction);
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      if (focus != NULL && (focus == target || gtk_widget_is_ancestor (focus, target)))
        reached = TRUE;
      if (focus == display)
        return reached;
    }
  g_assert_not_reached ();
}

/* The keyboard reaches the whole console: Tab and Shift+Tab from the screen go round the
 * window through the toolbar and back (going round, the console gave the focus straight back
 * to the screen, and the toolbar was out of reach). */
static void
test_focus_chain (void)
{
  static const char *const vnc[] = { "vnc", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (vnc);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  g_autoptr(Screen) screen = screen_new (64, 48);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());
  GtkWidget *root = GTK_WIDGET (console);
  GtkWidget *reconnect;
  VireoDisplay *display;

  gtk_window_set_titlebar (GTK_WINDOW (window), gtk_header_bar_new ());
  gtk_window_set_child (GTK_WINDOW (window), root);
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  display = connect_display (console, screen);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (display)));

  /* Focusing the console focuses its screen. */
  g_assert_true (gtk_widget_grab_focus (root));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) == GTK_WIDGET (display));

  /* Connected. */
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_FORWARD, find_by_tooltip (root, "Send Key")));
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_FORWARD, find_by_tooltip (root, "Fullscreen (F11)")));
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_BACKWARD, find_by_tooltip (root, "Send Key")));
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_BACKWARD, find_by_tooltip (root, "Save a screenshot")));

  /* Disconnected: the status's Reconnect button too. */
  _vireo_display_set_state (display, VIREO_DISPLAY_DISCONNECTED, "The console was closed.");
  reconnect = gtk_widget_get_parent (find_label (root, "_Reconnect"));
  WAIT_FOR (gtk_widget_get_mapped (reconnect));
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_FORWARD, reconnect));
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_FORWARD, find_by_tooltip (root, "Show at 1:1 scale")));
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_BACKWARD, reconnect));
  g_assert_true (tab_reaches (window, console, GTK_DIR_TAB_BACKWARD, find_by_tooltip (root, "Show at 1:1 scale")));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The toolbar says how to grab the keyboard and how to leave the screen, and the screen's
 * accessible description says the same. */
static void
test_grab_hint (void)
{
  static const char *const vnc[] = { "vnc", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (vnc);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  g_autoptr(Screen) screen = screen_new (64, 48);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());
  const char *hint = "Press Ctrl+Alt to grab the keyboard, Ctrl+Tab to leave the screen";
  const char *grabbed = "Keyboard grabbed: press Ctrl+Alt to release";
  GtkWidget *label;
  VireoDisplay *display;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  display = connect_display (console, screen);
  label = find_label (GTK_WIDGET (console), "Press ");
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, hint);
  gtk_test_accessible_assert_property (label, GTK_ACCESSIBLE_PROPERTY_LABEL, hint);
  gtk_test_accessible_assert_property (display, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, hint);

  vireo_display_set_grabbed (display, TRUE);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, grabbed);
  gtk_test_accessible_assert_property (label, GTK_ACCESSIBLE_PROPERTY_LABEL, grabbed);
  gtk_test_accessible_assert_property (display, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, grabbed);
  vireo_display_set_grabbed (display, FALSE);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, hint);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The padding between the status box's edge and what it shows: @top above its first visible
 * child, @bottom below its last. */
static void
status_padding (GtkWidget *label,
                double    *top,
                double    *bottom)
{
  GtkWidget *box = label;
  GtkWidget *first = NULL, *last = NULL;
  graphene_rect_t bounds;

  while (box != NULL && !gtk_widget_has_css_class (box, "osd"))
    box = gtk_widget_get_parent (box);
  g_assert_nonnull (box);
  for (GtkWidget *child = gtk_widget_get_first_child (gtk_widget_get_parent (label)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child))
      {
        first = first != NULL ? first : child;
        last = child;
      }

  g_assert_true (gtk_widget_compute_bounds (first, box, &bounds));
  *top = bounds.origin.y;
  g_assert_true (gtk_widget_compute_bounds (last, box, &bounds));
  *bottom = gtk_widget_get_height (box) - (bounds.origin.y + bounds.size.height);
}

/* The status box has the same padding above and below, whether its Reconnect button shows
 * (Disconnected) or not (Not Running, where the message touched its bottom edge). */
static void
test_status_padding (void)
{
  static const char *const vnc[] = { "vnc", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (vnc);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());
  GtkWidget *title;
  double top, bottom;

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  vireo_dbus_machine_set_state (machine, "shutoff");
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  vireo_console_connect (console);
  gtk_window_present (GTK_WINDOW (window));
  title = find_label (GTK_WIDGET (console), "Not Running");
  g_assert_nonnull (title);
  WAIT_FOR (gtk_widget_get_mapped (title) && gtk_widget_get_height (title) > 0);
  status_padding (title, &top, &bottom);
  g_test_message ("Not Running: %g above, %g below", top, bottom);
  g_assert_cmpfloat (top, >=, 12);
  g_assert_cmpfloat_with_epsilon (bottom, top, 1);

  /* Running, the connection refused: Disconnected, with Reconnect. */
  vireo_dbus_machine_set_state (machine, "running");
  WAIT_FOR (find_label (GTK_WIDGET (console), "Disconnected") != NULL
            && gtk_widget_get_mapped (find_label (GTK_WIDGET (console), "_Reconnect")));
  WAIT_FOR (gtk_widget_get_height (gtk_widget_get_parent (find_label (GTK_WIDGET (console), "_Reconnect"))) > 0);
  status_padding (title, &top, &bottom);
  g_test_message ("Disconnected: %g above, %g below", top, bottom);
  g_assert_cmpfloat (top, >=, 12);
  g_assert_cmpfloat_with_epsilon (bottom, top, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* 1:1: a guest screen larger than the view scrolls, with scroll bars that show; fit: no scroll
 * bars, the screen is scaled into the view. */
static void
test_one_to_one_scrolls (void)
{
  static const char *const vnc[] = { "vnc", NULL };
  g_autoptr(VireoDBusMachine) machine = running_machine (vnc);
  g_autoptr(TestSource) source = g_object_new (TEST_TYPE_SOURCE, NULL);
  g_autoptr(Screen) screen = screen_new (720, 400);
  GtkWidget *window = gtk_window_new ();
  VireoConsole *console = VIREO_CONSOLE (vireo_console_new ());
  GtkWidget *scale_button, *scrolled, *hbar, *vbar;
  VireoDisplay *display;

  gtk_window_set_default_size (GTK_WINDOW (window), 480, 360);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  vireo_console_set_machine (console, machine);
  _vireo_console_set_source (console, VIREO_CONSOLE_SOURCE (source));
  display = connect_display (console, screen);
  gtk_window_present (GTK_WINDOW (window));
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (display), GTK_TYPE_SCROLLED_WINDOW);
  scale_button = find_by_tooltip (GTK_WIDGET (console), "Show at 1:1 scale");
  g_assert_nonnull (scrolled);
  g_assert_nonnull (scale_button);
  hbar = gtk_scrolled_window_get_hscrollbar (GTK_SCROLLED_WINDOW (scrolled));
  vbar = gtk_scrolled_window_get_vscrollbar (GTK_SCROLLED_WINDOW (scrolled));

  /* Fit: scaled down into the view (480 wide, less than the guest's 720). */
  WAIT_FOR (gtk_widget_get_width (scrolled) > 0 && gtk_widget_get_width (scrolled) < 720);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (display)), <=, gtk_widget_get_width (scrolled));
  g_assert_false (shown (hbar));
  g_assert_false (shown (vbar));

  /* 1:1: as large as the guest's screen, and the scroll bars say that there is more of it. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (scale_button), TRUE);
  WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (display)) == 720);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (display)), ==, 400);
  WAIT_FOR (shown (hbar));
  g_assert_true (shown (vbar));   /* 400 high, in less than 360 */

  /* Back to fit: no scroll bars again. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (scale_button), FALSE);
  WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (display)) <= gtk_widget_get_width (scrolled));
  WAIT_FOR (!shown (hbar) && !shown (vbar));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  /* As the app and vireo-viewer do: on Xvfb, GL off. Mesa's llvmpipe would compile shaders
   * for the windows these tests show, and its JIT registering unwind tables deadlocks with
   * LeakSanitizer's full unwinding (fast_unwind_on_malloc=0, meson.build). */
  vireo_renderer_choose ();
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewer/console/display-notify", test_display_notify);
  g_test_add_func ("/viewer/console/template", test_template);
  g_test_add_func ("/viewer/console/screen-actions", test_screen_actions);
  g_test_add_func ("/viewer/console/focus-chain", test_focus_chain);
  g_test_add_func ("/viewer/console/grab-hint", test_grab_hint);
  g_test_add_func ("/viewer/console/screenshot", test_screenshot);
  g_test_add_func ("/viewer/console/status-padding", test_status_padding);
  g_test_add_func ("/viewer/console/one-to-one-scrolls", test_one_to_one_scrolls);

  status = g_test_run ();
  /* The windows shown laid text out: pango's font map keeps the fonts it matched for the
   * process, which LeakSanitizer would report. */
  pango_cairo_font_map_set_default (NULL);
  return status;
}
