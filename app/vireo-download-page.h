/* vireo-download-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vireo.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DOWNLOAD_PAGE (vireo_download_page_get_type ())
G_DECLARE_FINAL_TYPE (VireoDownloadPage, vireo_download_page, VIREO, DOWNLOAD_PAGE, GtkBox)

void     vireo_download_page_set_client  (VireoDownloadPage *self,
                                          VireoClient       *client);
void     vireo_download_page_load        (VireoDownloadPage *self);
gboolean vireo_download_page_is_busy     (VireoDownloadPage *self);
void     vireo_download_page_stop        (VireoDownloadPage *self);

G_END_DECLS
