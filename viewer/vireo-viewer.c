/* vireo-viewer.c
 *
 * vireo-viewer MACHINE: just the console window of one machine, found by name or UUID
 * through the helper — Vireo's remote-viewer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-viewer"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>

#include "vireo-console-private.h"
#include "vireo-keymap.h"
#include "vireo-renderer.h"
#include "vireo-serial-console.h"

typedef struct {
  GtkApplication     *app;
  VireoClient        *client;
  char               *wanted;
  char               *protocol;
  char               *grab_keys;
  gboolean            serial;
  gboolean            test_commands;
  GtkWindow          *window;
  VireoConsole       *console;
  VireoSerialConsole *serial_console;
  GDataInputStream   *commands;
  guint               timeout_id;
  int                 status;
} Viewer;

static void read_command (Viewer *viewer);

static void
reply (const char *format,
       ...) G_GNUC_PRINTF (1, 2);

static void
reply (const char *format,
       ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static const char *
state_name (Viewer *viewer)
{
  VireoDisplay *display;

  if (viewer->serial_console != NULL)
    return vireo_serial_console_get_connected (viewer->serial_console) ? "connected" : "disconnected";

  display = viewer->console != NULL ? vireo_console_get_display (viewer->console) : NULL;
  if (display == NULL)
    return "disconnected";
  switch (vireo_display_get_state (display))
    {
    case VIREO_DISPLAY_CONNECTED:
      return "connected";
    case VIREO_DISPLAY_CONNECTING:
      return "connecting";
    case VIREO_DISPLAY_DISCONNECTED:
    default:
      return "disconnected";
    }
}

/* The text of the message dialog shown, or "none". */
static char *
message_dialog_text (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      char *text = NULL;

      if (!GTK_IS_MESSAGE_DIALOG (window) || !gtk_widget_get_visible (GTK_WIDGET (window)))
        continue;
      g_object_get (window, "text", &text, NULL);
      return text;
    }
  return g_strdup ("none");
}

/* What the console says instead of the guest's screen or terminal, and its buttons: the text
 * of every label shown in its overlays, joined with " | ". */
static void
collect_status (GtkWidget *widget,
                GString   *texts)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_label (GTK_LABEL (widget))[0] != '\0')
    g_string_append_printf (texts, "%s%s", texts->len > 0 ? " | " : "", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_status (child, texts);
}

static char *
status_text (GtkWidget *console)
{
  GString *texts = g_string_new (NULL);
  GtkWidget *overlay = console != NULL ? gtk_widget_get_first_child (console) : NULL;

  /* The overlays of the console's GtkOverlay, not its toolbar nor the terminal. */
  while (overlay != NULL && !GTK_IS_OVERLAY (overlay))
    overlay = gtk_widget_get_next_sibling (overlay);
  if (overlay != NULL)
    for (GtkWidget *child = gtk_widget_get_first_child (overlay); child != NULL; child = gtk_widget_get_next_sibling (child))
      if (child != gtk_overlay_get_child (GTK_OVERLAY (overlay)))
        collect_status (child, texts);
  return g_string_free (texts, FALSE);
}

/* Clicks the Reconnect button the console shows, as a user would. */
static gboolean
click_reconnect (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), _("_Reconnect")) == 0)
    return gtk_widget_activate (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (click_reconnect (child))
      return TRUE;
  return FALSE;
}

/* Test commands on stdin, one per line, one answer line each. */
static void
run_command (Viewer     *viewer,
             const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 2);
  VireoDisplay *display = viewer->console != NULL ? vireo_console_get_display (viewer->console) : NULL;

  if (words[0] == NULL || words[0][0] == '\0')
    return;

  if (g_str_equal (words[0], "state"))
    reply ("%s", state_name (viewer));
  else if (g_str_equal (words[0], "size"))
    reply ("%d %d", display ? vireo_display_get_framebuffer_width (display) : 0,
           display ? vireo_display_get_framebuffer_height (display) : 0);
  else if (g_str_equal (words[0], "pointer"))
    {
      gint64 dx = 0, dy = 0;

      if (display != NULL)
        vireo_display_get_relative_motion (display, &dx, &dy);
      reply ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
             display != NULL && vireo_display_get_absolute (display) ? "absolute" : "relative", dx, dy);
    }
  else if (g_str_equal (words[0], "grabbed"))
    reply ("%s", display != NULL && vireo_display_get_grabbed (display) ? "yes" : "no");
  else if (g_str_equal (words[0], "renderer"))
    {
      /* How the console draws (its own GL texture, or a cairo node), then the window's GSK
       * renderer. */
      GtkNative *native = display != NULL ? gtk_widget_get_native (GTK_WIDGET (display)) : NULL;
      GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

      reply ("%s %s", display != NULL && vireo_display_get_using_gl (display) ? "gl" : "cairo",
             renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
    }
  else if (g_str_equal (words[0], "screenshot") && words[1] != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (display != NULL && vireo_display_save_png (display, words[1], &error))
        reply ("ok");
      else
        reply ("error %s", error != NULL ? error->message : "no display");
    }
  else if (g_str_equal (words[0], "save-screenshot") && words[1] != NULL && viewer->console != NULL)
    {
      /* What the screenshot button does once its file chooser answers. */
      g_autoptr(GFile) file = g_file_new_for_path (words[1]);

      _vireo_console_save_screenshot (viewer->console, file);
      reply ("ok");
    }
  else if (g_str_equal (words[0], "status"))
    {
      GtkWidget *console = viewer->serial_console != NULL ? GTK_WIDGET (viewer->serial_console) : GTK_WIDGET (viewer->console);
      g_autofree char *text = status_text (console);

      reply ("%s", text);
    }
  else if (g_str_equal (words[0], "reconnect"))
    reply ("%s", viewer->window != NULL && click_reconnect (GTK_WIDGET (viewer->window)) ? "ok" : "error no Reconnect button");
  else if (g_str_equal (words[0], "dialog"))
    {
      g_autofree char *text = message_dialog_text ();

      reply ("%s", text != NULL ? text : "");
    }
  else if (g_str_equal (words[0], "keys"))
    reply ("%" G_GUINT64_FORMAT, display != NULL ? vireo_display_get_keys_sent (display) : 0);
  else if (g_str_equal (words[0], "held"))
    reply ("%u", display != NULL ? vireo_display_get_keys_held (display) : 0);
  else if (g_str_equal (words[0], "focused"))
    {
      /* "display" when the keyboard focus is on the guest's screen, else the focused widget's type. */
      GtkWidget *focus = viewer->window != NULL ? gtk_window_get_focus (viewer->window) : NULL;

      if (focus != NULL && display != NULL
          && (focus == GTK_WIDGET (display) || gtk_widget_is_ancestor (focus, GTK_WIDGET (display))))
        reply ("display");
      else
        reply ("%s", focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
    }
  else if (g_str_equal (words[0], "fullscreen"))
    reply ("%s", viewer->window != NULL && gtk_window_is_fullscreen (viewer->window) ? "yes" : "no");
  else if (g_str_equal (words[0], "focus"))
    {
      gtk_window_present (viewer->window);
      if (display != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (display));
      else if (viewer->serial_console != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (viewer->serial_console));
      reply ("ok");
    }
  else if (g_str_equal (words[0], "text") && viewer->serial_console != NULL)
    {
      g_autofree char *text = vireo_serial_console_get_text (viewer->serial_console);
      g_autoptr(GString) escaped = g_string_new (text);

      g_string_replace (escaped, "\\", "\\\\", 0);
      g_string_replace (escaped, "\n", "\\n", 0);
      reply ("%s", escaped->str);
    }
  else if (g_str_equal (words[0], "quit"))
    {
      reply ("bye");
      g_application_quit (G_APPLICATION (viewer->app));
    }
  else
    reply ("error unknown command %s", words[0]);
}

static void
command_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Viewer *viewer = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    return;
  run_command (viewer, g_strstrip (line));
  read_command (viewer);
}

static void
read_command (Viewer *viewer)
{
  g_data_input_stream_read_line_async (viewer->commands, G_PRIORITY_DEFAULT, NULL, command_cb, viewer);
}

/* What the user asked of the console failed: say so, in a dialog. */
static void
console_error_cb (Viewer     *viewer,
                  const char *message)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (viewer->window, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_window (Viewer           *viewer,
             VireoDBusMachine *machine)
{
  GtkWidget *header = gtk_header_bar_new ();
  g_autofree char *title = NULL;

  viewer->window = GTK_WINDOW (gtk_application_window_new (viewer->app));
  title = g_strdup_printf (viewer->serial ? _("%s — Serial Console") : _("%s — Console"),
                           vireo_dbus_machine_get_name (machine));
  gtk_window_set_title (viewer->window, title);
  gtk_window_set_titlebar (viewer->window, header);
  gtk_window_set_default_size (viewer->window, 800, 500);

  if (viewer->serial)
    {
      viewer->serial_console = VIREO_SERIAL_CONSOLE (vireo_serial_console_new ());
      vireo_serial_console_set_machine (viewer->serial_console, machine);
      gtk_window_set_child (viewer->window, GTK_WIDGET (viewer->serial_console));
      vireo_serial_console_connect (viewer->serial_console);
    }
  else
    {
      viewer->console = VIREO_CONSOLE (vireo_console_new ());
      vireo_console_set_protocol (viewer->console, viewer->protocol);
      if (viewer->grab_keys != NULL)
        vireo_console_set_grab_keys (viewer->console, viewer->grab_keys, NULL);
      vireo_console_set_machine (viewer->console, machine);
      g_signal_connect_swapped (viewer->console, "error", G_CALLBACK (console_error_cb), viewer);
      gtk_window_set_child (viewer->window, GTK_WIDGET (viewer->console));
      vireo_console_connect (viewer->console);
    }

  /* The keyboard starts on the guest's screen or terminal, not on the first button of the
   * console's toolbar, where GTK would put it. */
  gtk_widget_grab_focus (gtk_window_get_child (viewer->window));
  gtk_window_present (viewer->window);

  if (viewer->test_commands)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);

      viewer->commands = g_data_input_stream_new (in);
      read_command (viewer);
    }
}

static void give_up (Viewer     *viewer,
                     const char *message);

static gboolean
not_ready_cb (gpointer user_data)
{
  Viewer *viewer = user_data;
  const char *problem = vireo_client_get_problem (viewer->client);

  viewer->timeout_id = 0;
  give_up (viewer, problem != NULL ? problem : _("The Vireo helper did not answer."));
  return G_SOURCE_REMOVE;
}

static void
give_up (Viewer     *viewer,
         const char *message)
{
  g_printerr ("vireo-viewer: %s\n", message);
  viewer->status = 1;
  g_clear_handle_id (&viewer->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (viewer->client, viewer);
  g_application_release (G_APPLICATION (viewer->app));
}

/* Waits for the helper's answer, then opens the window or says at once why not. */
static void
client_state_cb (Viewer *viewer)
{
  VireoDBusMachine *machine;

  if (viewer->window != NULL)
    return;

  switch (vireo_client_get_state (viewer->client))
    {
    case VIREO_CLIENT_CONNECTING:
    case VIREO_CLIENT_NO_LIBVIRT:   /* the helper is (re)connecting to libvirtd: wait */
      return;

    case VIREO_CLIENT_NO_HELPER:
      give_up (viewer, vireo_client_get_problem (viewer->client));
      return;

    case VIREO_CLIENT_READY:
    default:
      break;
    }

  machine = vireo_client_find_machine (viewer->client, viewer->wanted);
  if (machine == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no machine named “%s”."), viewer->wanted);

      give_up (viewer, message);
      return;
    }

  g_clear_handle_id (&viewer->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (viewer->client, viewer);
  open_window (viewer, machine);
  g_application_release (G_APPLICATION (viewer->app));
}

/* Without a compositor GTK draws the window's shadow itself, again on every frame of the
 * console: on llvmpipe that was half of each frame. */
static void
startup_cb (GtkApplication *app,
            Viewer         *viewer)
{
  /* The window's one shortcut: closing it. The application's shortcuts come before the
   * focused widget, so they work while the screen has the focus; while the keyboard is
   * grabbed the console takes every key first (it adds its controller later, and GTK runs a
   * widget's controllers newest first), and the guest gets them. A terminal needs Ctrl+W and
   * Ctrl+Q itself: with the serial console, Ctrl+Shift+W and Ctrl+Shift+Q, as in GNOME
   * Terminal. */
  static const char *const graphical_close[] = { "<Control>w", "<Control>q", NULL };
  static const char *const serial_close[] = { "<Control><Shift>w", "<Control><Shift>q", NULL };
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_application_set_accels_for_action (app, "window.close", viewer->serial ? serial_close : graphical_close);

  gtk_css_provider_load_from_data (provider, "window.solid-csd { box-shadow: none; }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
activate_cb (GtkApplication *app,
             Viewer         *viewer)
{
  if (viewer->window != NULL)
    {
      gtk_window_present (viewer->window);
      return;
    }

  /* Held until the window exists or the machine is known not to. */
  g_application_hold (G_APPLICATION (app));
  viewer->timeout_id = g_timeout_add_seconds (30, not_ready_cb, viewer);
  viewer->client = vireo_client_new (G_BUS_TYPE_SYSTEM);
  g_signal_connect_swapped (viewer->client, "notify::state", G_CALLBACK (client_state_cb), viewer);
  vireo_client_start (viewer->client);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Viewer viewer = { 0 };
  const GOptionEntry entries[] = {
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &viewer.protocol, N_("Use this display protocol: spice or vnc"), N_("PROTOCOL") },
    { "serial", 0, 0, G_OPTION_ARG_NONE, &viewer.serial, N_("Show the serial console instead of the screen"), NULL },
    { "grab-keys", 0, 0, G_OPTION_ARG_STRING, &viewer.grab_keys, N_("Keys that grab and release the keyboard (default Ctrl+Alt)"), N_("KEYS") },
    { "test-commands", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &viewer.test_commands, "Read test commands from standard input", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("MACHINE — show a virtual machine’s console"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error != NULL ? error->message : _("Usage: vireo-viewer [--protocol=spice|vnc] [--serial] MACHINE"));
      return 2;
    }
  if (viewer.grab_keys != NULL)
    {
      guint keys[8], n_keys;

      if (!vireo_keymap_parse_combo (viewer.grab_keys, keys, &n_keys, &error))
        {
          g_printerr ("vireo-viewer: --grab-keys: %s\n", error->message);
          return 2;
        }
    }
  if (viewer.protocol != NULL && !g_str_equal (viewer.protocol, "spice") && !g_str_equal (viewer.protocol, "vnc"))
    {
      g_printerr (_("vireo-viewer: --protocol takes spice or vnc\n"));
      return 2;
    }

  (void) vireo_error_quark ();
  /* Test commands answer on stdout: log messages go to stderr, never in between. */
  if (viewer.test_commands)
    g_log_writer_default_set_use_stderr (TRUE);
  viewer.wanted = g_strdup (argv[1]);
  vireo_renderer_choose ();   /* before GTK starts: it may turn GL off (GDK_DEBUG) */
  viewer.app = gtk_application_new ("org.vireo.Viewer", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (viewer.app, "startup", G_CALLBACK (startup_cb), &viewer);
  g_signal_connect (viewer.app, "activate", G_CALLBACK (activate_cb), &viewer);
  g_application_run (G_APPLICATION (viewer.app), 1, argv);

  g_clear_object (&viewer.commands);
  g_clear_object (&viewer.client);
  g_clear_object (&viewer.app);
  g_free (viewer.wanted);
  g_free (viewer.protocol);
  g_free (viewer.grab_keys);
  return viewer.status;
}
