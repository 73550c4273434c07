/* vireo-machine-state.h
 *
 * A machine's state as one enum, and the questions asked of it (is it active, what may be
 * done with it now), answered in one place for the helper, the app, the viewer and vireoctl.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * VireoMachineState:
 * @VIREO_MACHINE_STATE_UNKNOWN: libvirt does not say
 * @VIREO_MACHINE_STATE_RUNNING: running
 * @VIREO_MACHINE_STATE_BLOCKED: running, waiting on a resource
 * @VIREO_MACHINE_STATE_PAUSED: its CPUs are paused
 * @VIREO_MACHINE_STATE_SHUTTING_DOWN: the guest is shutting down
 * @VIREO_MACHINE_STATE_SHUTOFF: off
 * @VIREO_MACHINE_STATE_SAVED: off, with its memory saved; starting restores it
 * @VIREO_MACHINE_STATE_CRASHED: the guest crashed and its process was kept
 * @VIREO_MACHINE_STATE_SUSPENDED: suspended by the guest's power management
 *
 * The values of the Machine.State property ("running", "shutting-down", …).
 */
typedef enum {
  VIREO_MACHINE_STATE_UNKNOWN,
  VIREO_MACHINE_STATE_RUNNING,
  VIREO_MACHINE_STATE_BLOCKED,
  VIREO_MACHINE_STATE_PAUSED,
  VIREO_MACHINE_STATE_SHUTTING_DOWN,
  VIREO_MACHINE_STATE_SHUTOFF,
  VIREO_MACHINE_STATE_SAVED,
  VIREO_MACHINE_STATE_CRASHED,
  VIREO_MACHINE_STATE_SUSPENDED,
} VireoMachineState;

/**
 * VireoMachineAction:
 * @VIREO_MACHINE_ACTION_START: Machine.Start
 * @VIREO_MACHINE_ACTION_SHUTDOWN: Machine.Shutdown
 * @VIREO_MACHINE_ACTION_REBOOT: Machine.Reboot
 * @VIREO_MACHINE_ACTION_FORCE_OFF: Machine.ForceOff
 * @VIREO_MACHINE_ACTION_RESET: Machine.Reset
 * @VIREO_MACHINE_ACTION_PAUSE: Machine.Pause
 * @VIREO_MACHINE_ACTION_RESUME: Machine.Resume
 * @VIREO_MACHINE_ACTION_SAVE: Machine.Save
 * @VIREO_MACHINE_ACTION_DELETE: Machine.Delete
 *
 * The Machine methods that change a machine's state, each an `a{sv} options` call.
 */
typedef enum {
  VIREO_MACHINE_ACTION_START,
  VIREO_MACHINE_ACTION_SHUTDOWN,
  VIREO_MACHINE_ACTION_REBOOT,
  VIREO_MACHINE_ACTION_FORCE_OFF,
  VIREO_MACHINE_ACTION_RESET,
  VIREO_MACHINE_ACTION_PAUSE,
  VIREO_MACHINE_ACTION_RESUME,
  VIREO_MACHINE_ACTION_SAVE,
  VIREO_MACHINE_ACTION_DELETE,
} VireoMachineAction;

#define VIREO_MACHINE_N_ACTIONS (VIREO_MACHINE_ACTION_DELETE + 1)

VireoMachineState  vireo_machine_state_from_string (const char         *text);
const char        *vireo_machine_state_to_string   (VireoMachineState   state);
gboolean           vireo_machine_state_is_active   (VireoMachineState   state);
gboolean           vireo_machine_state_can_start   (VireoMachineState   state);
gboolean           vireo_machine_state_allows      (VireoMachineState   state,
                                                    gboolean            persistent,
                                                    VireoMachineAction  action);
const char        *vireo_machine_action_get_method (VireoMachineAction  action);

G_END_DECLS
