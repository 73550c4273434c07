/* vireo-spice-display.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-console-source.h"
#include "vireo-display.h"

G_BEGIN_DECLS

#define VIREO_TYPE_SPICE_DISPLAY (vireo_spice_display_get_type ())
G_DECLARE_FINAL_TYPE (VireoSpiceDisplay, vireo_spice_display, VIREO, SPICE_DISPLAY, VireoDisplay)

GtkWidget *vireo_spice_display_new         (void);
gpointer   vireo_spice_display_get_session (VireoSpiceDisplay *self);

G_END_DECLS
