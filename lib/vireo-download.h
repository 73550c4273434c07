/* vireo-download.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VIREO_MEDIUM_NAME_MAX 200

gboolean  vireo_download_validate_url    (const char  *url,
                                          GError     **error);
gboolean  vireo_download_validate_name   (const char  *name,
                                          GError     **error);
gboolean  vireo_download_validate_sha256 (const char  *sha256,
                                          GError     **error);
char     *vireo_download_name_for_url    (const char  *url,
                                          const char  *fallback);

G_END_DECLS
