/* vireo-usb-chooser.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vireo-spice-display.h"

G_BEGIN_DECLS

#define VIREO_TYPE_USB_CHOOSER (vireo_usb_chooser_get_type ())
G_DECLARE_FINAL_TYPE (VireoUsbChooser, vireo_usb_chooser, VIREO, USB_CHOOSER, GtkWidget)

GtkWidget *vireo_usb_chooser_new (VireoSpiceDisplay *display);

G_END_DECLS
