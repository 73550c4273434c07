/* vireo-machine-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vireo.h"
#include "vireo-console.h"

G_BEGIN_DECLS

#define VIREO_TYPE_MACHINE_PAGE (vireo_machine_page_get_type ())
G_DECLARE_FINAL_TYPE (VireoMachinePage, vireo_machine_page, VIREO, MACHINE_PAGE, AdwBin)

VireoDBusMachine *vireo_machine_page_get_machine    (VireoMachinePage *self);
void              vireo_machine_page_set_machine    (VireoMachinePage *self,
                                                     VireoDBusMachine *machine);
void              vireo_machine_page_set_client     (VireoMachinePage *self,
                                                     VireoClient      *client);
AdwViewStack     *vireo_machine_page_get_view_stack (VireoMachinePage *self);
void              vireo_machine_page_show_console   (VireoMachinePage *self);
void              vireo_machine_page_show_view      (VireoMachinePage *self,
                                                     const char       *name);
void              vireo_machine_page_focus          (VireoMachinePage *self);
gboolean          vireo_machine_page_focus_view     (VireoMachinePage *self);
VireoConsole     *vireo_machine_page_get_console    (VireoMachinePage *self);

G_END_DECLS
