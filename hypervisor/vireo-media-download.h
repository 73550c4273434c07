/* vireo-media-download.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-call.h"
#include "vireo-daemon-job.h"

G_BEGIN_DECLS

typedef struct {
  char           *url;
  char           *name;
  char           *sha256;           /* lower case, or NULL */
  gboolean        is_test_driver;
  VireoDaemonJob *job;
} VireoMediaDownload;

VireoMediaDownload *_vireo_media_download_new_from_variant (GVariant            *options,
                                                            GError             **error);
void                _vireo_media_download_free             (VireoMediaDownload  *download);
gboolean            _vireo_media_download_run              (VireoCall           *call,
                                                            GError             **error);

/* vireo-daemon-manager.c */
virStoragePoolPtr   _vireo_manager_ensure_default_pool     (virConnectPtr        conn,
                                                            GError             **error);
char               *_vireo_manager_default_pool_path       (virConnectPtr        conn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoMediaDownload, _vireo_media_download_free)

G_END_DECLS
