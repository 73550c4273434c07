/* vireo-vnc-display.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-display.h"

G_BEGIN_DECLS

#define VIREO_TYPE_VNC_DISPLAY (vireo_vnc_display_get_type ())
G_DECLARE_FINAL_TYPE (VireoVncDisplay, vireo_vnc_display, VIREO, VNC_DISPLAY, VireoDisplay)

GtkWidget *vireo_vnc_display_new     (void);
gboolean   vireo_vnc_display_open_fd (VireoVncDisplay  *self,
                                      int               fd,
                                      GError          **error);

G_END_DECLS
