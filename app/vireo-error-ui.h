/* vireo-error-ui.h
 *
 * A helper call's error shown to a person: in a toast, or in a dialog's error label. The
 * sentence first, libvirt's words under it (vireo_error_get_text()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwToast *vireo_error_toast_new  (const GError *error);
void      vireo_error_label_show (GtkLabel     *label,
                                  const GError *error);

G_END_DECLS
