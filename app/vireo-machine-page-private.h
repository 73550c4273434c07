/* vireo-machine-page-private.h
 *
 * What the machine page shares with its actions (vireo-machine-page-actions.c). Only the page's
 * two files include this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-machine-page.h"
#include "vireo-serial-console.h"

G_BEGIN_DECLS

struct _VireoMachinePage {
  AdwBin               parent_instance;

  /* Owned references */
  VireoClient         *client;
  VireoDBusMachine    *machine;
  GCancellable        *cancellable;
  GSettings           *settings;
  GPtrArray           *disk_rows;
  GPtrArray           *nic_rows;
  GHashTable          *shutdown_watches;   /* object path → ShutdownWatch, machines asked to shut down */

  /* Template widgets */
  AdwViewStack        *view_stack;
  GtkScrolledWindow   *overview_scroller;
  GtkImage            *os_image;
  GtkLabel            *name_label;
  GtkImage            *state_image;
  GtkLabel            *state_label;
  GtkSpinner          *busy_spinner;
  GtkWidget           *pause_button;
  GtkWidget           *resume_button;
  GtkWidget           *actions_box;
  AdwActionRow        *os_row;
  AdwActionRow        *vcpus_row;
  AdwActionRow        *memory_row;
  AdwActionRow        *graphics_row;
  AdwActionRow        *kind_row;
  AdwActionRow        *title_row;
  AdwActionRow        *description_row;
  AdwActionRow        *uuid_row;
  AdwPreferencesGroup *disks_group;
  AdwPreferencesGroup *nics_group;
  VireoConsole        *console;
  VireoSerialConsole  *serial_console;
  AdwViewStackPage    *console_page;
  AdwViewStackPage    *serial_page;
};

enum {
  VIREO_MACHINE_PAGE_SIGNAL_TOAST,
  VIREO_MACHINE_PAGE_SIGNAL_DELETED,
  VIREO_MACHINE_PAGE_N_SIGNALS
};

extern guint _vireo_machine_page_signals[VIREO_MACHINE_PAGE_N_SIGNALS];

void _vireo_machine_page_class_actions_init (VireoMachinePageClass *klass);
void _vireo_machine_page_actions_init       (VireoMachinePage      *self);
void _vireo_machine_page_actions_dispose    (VireoMachinePage      *self);
void _vireo_machine_page_update_actions     (VireoMachinePage      *self);
void _vireo_machine_page_show_error         (VireoMachinePage      *self,
                                             const GError          *error);

G_END_DECLS
