/* vireo-renderer.h
 *
 * Which GSK renderer Vireo's windows use: GTK's default (GL) where GL runs on a GPU, the
 * cairo renderer where GL would be software (llvmpipe), unless the user chose one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VIREO_WINDOWING_OTHER,
  VIREO_WINDOWING_X11,
  VIREO_WINDOWING_WAYLAND,
} VireoWindowing;

/* What the choice rests on; vireo_renderer_probe() reads them off the machine. */
typedef struct {
  const char     *gsk_renderer;      /* $GSK_RENDERER */
  const char     *gdk_debug;         /* $GDK_DEBUG */
  const char     *libgl_software;    /* $LIBGL_ALWAYS_SOFTWARE */
  VireoWindowing  windowing;
  gboolean        render_node;       /* a /dev/dri/renderD* node we may open */
  gboolean        x11_direct;        /* the X server offers DRI3, DRI2 or NV-GLX */
} VireoRendererFacts;

const char *vireo_renderer_pick   (const VireoRendererFacts *facts,
                                   const char              **reason);
void        vireo_renderer_probe  (VireoRendererFacts       *facts);
void        vireo_renderer_choose (void);

G_END_DECLS
