/* vireo.h
 *
 * libvireo: the D-Bus contract between the helper and its clients, and the typed client.
 * Include this one header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-bus.h"
#include "vireo-client.h"
#include "vireo-download.h"
#include "vireo-dbus-generated.h"
#include "vireo-enum-types.h"
#include "vireo-error.h"
#include "vireo-host-interface.h"
#include "vireo-machine.h"
#include "vireo-machine-state.h"
#include "vireo-network.h"
