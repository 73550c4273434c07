/* vireo-renderer.c
 *
 * GTK 4.8 renders with GL by default. Where GL has no GPU behind it (Xvfb, remote X, a VM
 * without 3D, LIBGL_ALWAYS_SOFTWARE), Mesa's llvmpipe draws every frame of the whole window
 * on the CPU: GLX there has no buffer age, so nothing is drawn partially. Measured with the
 * console benchmark (tests/bench/bench-console.sh, Xvfb, 720x400 guest): the GL renderer
 * needs 0.45–0.57 s to the first frame and 140 MiB PSS, the cairo renderer 0.24–0.33 s and
 * 36 MiB, and it redraws only what changed. So Vireo picks cairo there, before GTK opens
 * anything, and leaves the choice alone where the user made one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-renderer"

#include "config.h"

#include <string.h>
#include <unistd.h>

#ifdef HAVE_X11
#include <X11/Xlib.h>
#endif

#include "vireo-renderer.h"

static gboolean
is_true (const char *value)
{
  return value != NULL && *value != '\0' && strcmp (value, "0") != 0 && g_ascii_strcasecmp (value, "false") != 0;
}

static gboolean
debug_has (const char *gdk_debug,
           const char *flag)
{
  g_auto(GStrv) words = NULL;

  if (gdk_debug == NULL)
    return FALSE;
  words = g_strsplit_set (gdk_debug, ",: ", -1);
  return g_strv_contains ((const char *const *) words, flag) || g_strv_contains ((const char *const *) words, "all");
}

/**
 * vireo_renderer_pick:
 * @facts: what the machine offers
 * @reason: (out) (optional): why, as a sentence for the debug log
 *
 * Returns: (nullable): the GSK renderer to ask for, or %NULL to leave GTK's choice alone
 */
const char *
vireo_renderer_pick (const VireoRendererFacts *facts,
                     const char              **reason)
{
  const char *why = NULL;
  const char *renderer = NULL;

  if (facts->gsk_renderer != NULL && *facts->gsk_renderer != '\0')
    why = "GSK_RENDERER is set: the user's choice stands";
  else if (debug_has (facts->gdk_debug, "gl-disable"))
    why = "GDK_DEBUG=gl-disable: GTK draws with cairo already";
  else if (is_true (facts->libgl_software))
    {
      renderer = "cairo";
      why = "LIBGL_ALWAYS_SOFTWARE is set: GL would run on the CPU";
    }
  else if (facts->windowing == VIREO_WINDOWING_OTHER)
    why = "neither X11 nor Wayland: GTK's default stands";
  else if (!facts->render_node)
    {
      renderer = "cairo";
      why = "no GPU render node (/dev/dri/renderD*) can be opened: GL would run on the CPU";
    }
  else if (facts->windowing == VIREO_WINDOWING_X11 && !facts->x11_direct)
    {
      renderer = "cairo";
      why = "the X server offers no direct rendering (DRI3, DRI2, NV-GLX): GL would run on the CPU";
    }
  else
    why = "GL runs on a GPU: GTK's default stands";

  if (reason != NULL)
    *reason = why;
  return renderer;
}

static VireoWindowing
guess_windowing (void)
{
  const char *backend = g_getenv ("GDK_BACKEND");

  /* GDK tries the backends of GDK_BACKEND in order, else Wayland before X11. */
  if (backend != NULL && *backend != '\0' && !g_str_has_prefix (backend, "*"))
    {
      if (g_str_has_prefix (backend, "wayland"))
        return VIREO_WINDOWING_WAYLAND;
      if (g_str_has_prefix (backend, "x11"))
        return VIREO_WINDOWING_X11;
      return VIREO_WINDOWING_OTHER;
    }
  if (g_getenv ("WAYLAND_DISPLAY") != NULL)
    return VIREO_WINDOWING_WAYLAND;
  if (g_getenv ("DISPLAY") != NULL)
    return VIREO_WINDOWING_X11;
  return VIREO_WINDOWING_OTHER;
}

static gboolean
have_render_node (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (name, "renderD"))
        continue;
      path = g_build_filename ("/dev/dri", name, NULL);
      if (access (path, R_OK | W_OK) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
x11_direct_rendering (void)
{
#ifdef HAVE_X11
  static const char *const extensions[] = { "DRI3", "DRI2", "NV-GLX" };
  Display *display = XOpenDisplay (NULL);
  gboolean found = FALSE;

  if (display == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (extensions) && !found; i++)
    {
      int opcode, event, error;

      found = XQueryExtension (display, extensions[i], &opcode, &event, &error);
    }
  XCloseDisplay (display);
  return found;
#else
  return TRUE;   /* cannot tell: leave GTK's default */
#endif
}

void
vireo_renderer_probe (VireoRendererFacts *facts)
{
  memset (facts, 0, sizeof *facts);
  facts->gsk_renderer = g_getenv ("GSK_RENDERER");
  facts->gdk_debug = g_getenv ("GDK_DEBUG");
  facts->libgl_software = g_getenv ("LIBGL_ALWAYS_SOFTWARE");
  facts->windowing = guess_windowing ();
  facts->render_node = have_render_node ();
  /* Only where the answer can change the choice: it costs a connection to the X server. */
  if (facts->windowing == VIREO_WINDOWING_X11 && facts->render_node)
    facts->x11_direct = x11_direct_rendering ();
}

/**
 * vireo_renderer_choose:
 *
 * Turns GL off for this process (and what it starts: GDK_DEBUG=gl-disable) where GL would be
 * software, so GTK renders with cairo. Call from main(), before GTK is initialised and before
 * any thread is started: GDK reads the variable when it starts.
 */
void
vireo_renderer_choose (void)
{
  VireoRendererFacts facts;
  const char *reason = NULL;
  const char *renderer;

  vireo_renderer_probe (&facts);
  renderer = vireo_renderer_pick (&facts, &reason);
  if (g_strcmp0 (renderer, "cairo") == 0)
    {
      /* gl-disable rather than GSK_RENDERER=cairo: GDK's X11 backend otherwise still loads
       * the GL driver when it opens the display, to choose a visual (60 MiB of llvmpipe
       * mapped and 0.08 s, for nothing). */
      const char *debug = g_getenv ("GDK_DEBUG");
      g_autofree char *value = debug != NULL && *debug != '\0' ? g_strconcat (debug, ",gl-disable", NULL)
                                                               : g_strdup ("gl-disable");

      g_setenv ("GDK_DEBUG", value, TRUE);
    }
  g_debug ("Renderer: %s (%s)", renderer != NULL ? renderer : "GTK's default", reason);
}
