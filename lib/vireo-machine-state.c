/* vireo-machine-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vireo-machine-state.h"

static const char *const state_names[] = {
  [VIREO_MACHINE_STATE_UNKNOWN] = "unknown",
  [VIREO_MACHINE_STATE_RUNNING] = "running",
  [VIREO_MACHINE_STATE_BLOCKED] = "blocked",
  [VIREO_MACHINE_STATE_PAUSED] = "paused",
  [VIREO_MACHINE_STATE_SHUTTING_DOWN] = "shutting-down",
  [VIREO_MACHINE_STATE_SHUTOFF] = "shutoff",
  [VIREO_MACHINE_STATE_SAVED] = "saved",
  [VIREO_MACHINE_STATE_CRASHED] = "crashed",
  [VIREO_MACHINE_STATE_SUSPENDED] = "suspended",
};

static const char *const action_methods[] = {
  [VIREO_MACHINE_ACTION_START] = "Start",
  [VIREO_MACHINE_ACTION_SHUTDOWN] = "Shutdown",
  [VIREO_MACHINE_ACTION_REBOOT] = "Reboot",
  [VIREO_MACHINE_ACTION_FORCE_OFF] = "ForceOff",
  [VIREO_MACHINE_ACTION_RESET] = "Reset",
  [VIREO_MACHINE_ACTION_PAUSE] = "Pause",
  [VIREO_MACHINE_ACTION_RESUME] = "Resume",
  [VIREO_MACHINE_ACTION_SAVE] = "Save",
  [VIREO_MACHINE_ACTION_DELETE] = "Delete",
};

G_STATIC_ASSERT (G_N_ELEMENTS (state_names) == VIREO_MACHINE_STATE_SUSPENDED + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (action_methods) == VIREO_MACHINE_N_ACTIONS);

/**
 * vireo_machine_state_from_string:
 * @text: (nullable): a Machine.State value
 *
 * Returns: the state, %VIREO_MACHINE_STATE_UNKNOWN for anything else
 */
VireoMachineState
vireo_machine_state_from_string (const char *text)
{
  if (text == NULL)
    return VIREO_MACHINE_STATE_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (state_names[i], text))
      return (VireoMachineState) i;

  return VIREO_MACHINE_STATE_UNKNOWN;
}

/**
 * vireo_machine_state_to_string:
 *
 * Returns: the Machine.State value for @state
 */
const char *
vireo_machine_state_to_string (VireoMachineState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "unknown");

  return state_names[state];
}

/**
 * vireo_machine_state_is_active:
 *
 * Whether the machine has a running QEMU process: it has a screen and a serial console, and
 * it can be forced off. A machine that crashed is active when its process was kept.
 */
gboolean
vireo_machine_state_is_active (VireoMachineState state)
{
  switch (state)
    {
    case VIREO_MACHINE_STATE_RUNNING:
    case VIREO_MACHINE_STATE_BLOCKED:
    case VIREO_MACHINE_STATE_PAUSED:
    case VIREO_MACHINE_STATE_SHUTTING_DOWN:
    case VIREO_MACHINE_STATE_CRASHED:
    case VIREO_MACHINE_STATE_SUSPENDED:
      return TRUE;

    case VIREO_MACHINE_STATE_UNKNOWN:
    case VIREO_MACHINE_STATE_SHUTOFF:
    case VIREO_MACHINE_STATE_SAVED:
    default:
      return FALSE;
    }
}

/**
 * vireo_machine_state_can_start:
 *
 * Whether Start applies: the machine is off, or saved.
 */
gboolean
vireo_machine_state_can_start (VireoMachineState state)
{
  return state == VIREO_MACHINE_STATE_SHUTOFF || state == VIREO_MACHINE_STATE_SAVED;
}

/**
 * vireo_machine_state_allows:
 * @persistent: whether the machine has a persistent definition
 *
 * Returns: whether @action makes sense in @state. The helper checks again when it is called.
 */
gboolean
vireo_machine_state_allows (VireoMachineState  state,
                            gboolean           persistent,
                            VireoMachineAction action)
{
  gboolean running = state == VIREO_MACHINE_STATE_RUNNING || state == VIREO_MACHINE_STATE_BLOCKED;
  gboolean paused = state == VIREO_MACHINE_STATE_PAUSED;

  switch (action)
    {
    case VIREO_MACHINE_ACTION_START:
      return vireo_machine_state_can_start (state);
    case VIREO_MACHINE_ACTION_SHUTDOWN:
    case VIREO_MACHINE_ACTION_REBOOT:
    case VIREO_MACHINE_ACTION_PAUSE:
      return running;
    case VIREO_MACHINE_ACTION_RESET:
      return running || paused;
    case VIREO_MACHINE_ACTION_RESUME:
      return paused;
    case VIREO_MACHINE_ACTION_SAVE:
      /* libvirt keeps a saved image only for a persistent machine. */
      return (running || paused) && persistent;
    case VIREO_MACHINE_ACTION_FORCE_OFF:
      return vireo_machine_state_is_active (state);
    case VIREO_MACHINE_ACTION_DELETE:
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

/**
 * vireo_machine_action_get_method:
 *
 * Returns: the name of the Machine method for @action ("ForceOff")
 */
const char *
vireo_machine_action_get_method (VireoMachineAction action)
{
  g_return_val_if_fail ((guint) action < G_N_ELEMENTS (action_methods), NULL);

  return action_methods[action];
}
