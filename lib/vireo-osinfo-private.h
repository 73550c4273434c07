/* vireo-osinfo-private.h
 *
 * libosinfo's database, read once per process, for lib/'s users of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <osinfo/osinfo.h>

G_BEGIN_DECLS

OsinfoDb *_vireo_osinfo_get_db (GError **error);

G_END_DECLS
