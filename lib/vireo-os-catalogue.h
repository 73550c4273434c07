/* vireo-os-catalogue.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One installation medium libosinfo's database says can be downloaded. */
typedef struct {
  char     *os_id;          /* "http://debian.org/debian/11" */
  char     *os_name;        /* "Debian 11" */
  char     *short_id;       /* "debian11" */
  char     *vendor;         /* "Debian Project"; never NULL ("" when unknown) */
  char     *version;        /* "11", or NULL */
  char     *release_date;   /* "2021-08-14", or NULL */
  char     *url;            /* http:// or https:// */
  char     *file_name;      /* a volume name for it: the URL's last part, ending ".iso" */
  gboolean  live;
  gboolean  installer;
} VireoOsMedium;

void           vireo_os_medium_free            (VireoOsMedium  *medium);
GPtrArray     *vireo_os_catalogue_list         (GError        **error);
char          *vireo_os_catalogue_fold         (const char     *text);
gboolean       vireo_os_medium_matches         (const VireoOsMedium *medium,
                                                const char     *words);
const VireoOsMedium *vireo_os_catalogue_find   (GPtrArray      *catalogue,
                                                const char     *os);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoOsMedium, vireo_os_medium_free)

G_END_DECLS
