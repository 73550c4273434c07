/* vireo-serial-bridge.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-libvirt-compat.h"

G_BEGIN_DECLS

void vireo_serial_bridge_start (virStreamPtr stream,
                                int          fd);

G_END_DECLS
