/* test-renderer.c: which GSK renderer Vireo asks for, from what the machine offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>
#include <locale.h>

#include "vireo-renderer.h"

static const VireoRendererFacts gpu_x11 = {
  .windowing = VIREO_WINDOWING_X11, .render_node = TRUE, .x11_direct = TRUE,
};

static const char *
pick (const VireoRendererFacts *facts)
{
  const char *reason = NULL;
  const char *renderer = vireo_renderer_pick (facts, &reason);

  /* Every choice says why, also when it leaves GTK's default alone. */
  g_assert_nonnull (reason);
  g_assert_cmpstr (reason, !=, "");
  return renderer;
}

static void
test_gpu_keeps_default (void)
{
  VireoRendererFacts wayland = { .windowing = VIREO_WINDOWING_WAYLAND, .render_node = TRUE };

  g_assert_null (pick (&gpu_x11));
  /* On Wayland the X question is never asked. */
  g_assert_null (pick (&wayland));
}

static void
test_software_gl_gets_cairo (void)
{
  VireoRendererFacts xvfb = gpu_x11;          /* a GPU in the machine, but Xvfb offers no DRI */
  VireoRendererFacts no_node = gpu_x11;       /* a VM without 3D, a container without /dev/dri */
  VireoRendererFacts wayland = { .windowing = VIREO_WINDOWING_WAYLAND };
  VireoRendererFacts forced = gpu_x11;

  xvfb.x11_direct = FALSE;
  g_assert_cmpstr (pick (&xvfb), ==, "cairo");

  no_node.render_node = FALSE;
  g_assert_cmpstr (pick (&no_node), ==, "cairo");
  g_assert_cmpstr (pick (&wayland), ==, "cairo");

  forced.libgl_software = "1";
  g_assert_cmpstr (pick (&forced), ==, "cairo");
  forced.libgl_software = "true";
  g_assert_cmpstr (pick (&forced), ==, "cairo");
  forced.libgl_software = "0";
  g_assert_null (pick (&forced));
  forced.libgl_software = "";
  g_assert_null (pick (&forced));
}

static void
test_user_choice_stands (void)
{
  VireoRendererFacts facts = { .windowing = VIREO_WINDOWING_X11 };   /* would get cairo */

  g_assert_cmpstr (pick (&facts), ==, "cairo");

  facts.gsk_renderer = "gl";
  g_assert_null (pick (&facts));
  facts.gsk_renderer = "";
  g_assert_cmpstr (pick (&facts), ==, "cairo");

  facts.gdk_debug = "gl-disable";
  g_assert_null (pick (&facts));
  facts.gdk_debug = "interactive,gl-disable";
  g_assert_null (pick (&facts));
  facts.gdk_debug = "gl-disabled-not";
  g_assert_cmpstr (pick (&facts), ==, "cairo");
}

static void
test_unknown_windowing (void)
{
  VireoRendererFacts broadway = { .windowing = VIREO_WINDOWING_OTHER };

  g_assert_null (pick (&broadway));
}

static void
test_probe_reads_environment (void)
{
  VireoRendererFacts facts;

  g_setenv ("GSK_RENDERER", "ngl", TRUE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_unsetenv ("DISPLAY");   /* no server to ask: the probe must not need one */
  vireo_renderer_probe (&facts);
  g_assert_cmpstr (facts.gsk_renderer, ==, "ngl");
  g_assert_cmpint (facts.windowing, ==, VIREO_WINDOWING_X11);
  g_assert_null (pick (&facts));

  g_setenv ("GDK_BACKEND", "broadway", TRUE);
  vireo_renderer_probe (&facts);
  g_assert_cmpint (facts.windowing, ==, VIREO_WINDOWING_OTHER);

  /* choose() leaves a user's GSK_RENDERER alone. */
  vireo_renderer_choose ();
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "ngl");

  /* LIBGL_ALWAYS_SOFTWARE on X11: cairo, by turning GL off for the process; other GDK_DEBUG
   * flags are kept. */
  g_unsetenv ("GSK_RENDERER");
  g_unsetenv ("GDK_DEBUG");
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", TRUE);
  vireo_renderer_choose ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
  g_assert_null (g_getenv ("GSK_RENDERER"));

  g_setenv ("GDK_DEBUG", "interactive", TRUE);
  vireo_renderer_choose ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "interactive,gl-disable");
  /* Asked again (a second window, a child process): nothing more is added. */
  vireo_renderer_choose ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "interactive,gl-disable");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewer/renderer/gpu-keeps-default", test_gpu_keeps_default);
  g_test_add_func ("/viewer/renderer/software-gl-gets-cairo", test_software_gl_gets_cairo);
  g_test_add_func ("/viewer/renderer/user-choice-stands", test_user_choice_stands);
  g_test_add_func ("/viewer/renderer/unknown-windowing", test_unknown_windowing);
  g_test_add_func ("/viewer/renderer/probe-reads-environment", test_probe_reads_environment);

  return g_test_run ();
}
