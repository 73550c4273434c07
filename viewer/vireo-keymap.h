/* vireo-keymap.h: Linux key codes to the scancodes QEMU's VNC extension and SPICE take
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* At most this many keys in one combination, in the Send Key menu or typed by the user. */
#define VIREO_KEYMAP_MAX_COMBO_KEYS    8
#define VIREO_KEYMAP_N_SEND_KEY_COMBOS 15

/**
 * VireoKeyCombo:
 * @label: the menu label with a mnemonic, marked with N_(): show it with _()
 * @n_keys: how many of @keys are used
 * @keys: Linux key codes, pressed in this order and released in reverse
 *
 * One entry of the console's Send Key menu.
 */
typedef struct {
  const char *label;
  guint       n_keys;
  guint       keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
} VireoKeyCombo;

/**
 * VireoSpiceKeyStep:
 * @scancode: what spice_inputs_channel_key_press() or _key_release() takes
 * @release: %FALSE: call spice_inputs_channel_key_press(); %TRUE: _key_release()
 */
typedef struct {
  guint    scancode;
  gboolean release;
} VireoSpiceKeyStep;

/* Ctrl+Alt+Del, Ctrl+Alt+Backspace, Ctrl+Alt+F1 … F12, Print Screen. */
extern const VireoKeyCombo vireo_keymap_send_key_combos[VIREO_KEYMAP_N_SEND_KEY_COMBOS];

guint                    vireo_keymap_evdev_to_qnum          (guint        evdev);
guint                    vireo_keymap_evdev_to_spice         (guint        evdev);
guint                    vireo_keymap_gdk_keycode_to_evdev   (guint        hardware_keycode);
const VireoSpiceKeyStep *vireo_keymap_spice_pause_sequence   (guint       *n_steps);
gboolean                 vireo_keymap_parse_combo            (const char  *text,
                                                              guint       *evdev_codes,
                                                              guint       *n_codes,
                                                              GError     **error);

G_END_DECLS
