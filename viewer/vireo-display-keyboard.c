/* vireo-display-keyboard.c
 *
 * Keys: GDK hardware key codes to Linux key codes to the guest, the keys the guest holds down
 * (released on focus loss, ungrab and disconnect, so that no modifier sticks), the grab
 * combination, and what is left to the window: every key while not connected; F11 and
 * Ctrl+Tab (leaving the display) while connected but not grabbed; nothing while grabbed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include <string.h>

#include "vireo-display-private.h"

static gboolean
is_pressed (VireoDisplayPrivate *priv,
            guint                evdev)
{
  return evdev < VIREO_DISPLAY_N_KEYS && (priv->pressed[evdev / 8] & (1 << (evdev % 8))) != 0;
}

static void
set_pressed (VireoDisplayPrivate *priv,
             guint                evdev,
             gboolean             pressed)
{
  if (evdev >= VIREO_DISPLAY_N_KEYS)
    return;
  if (pressed)
    priv->pressed[evdev / 8] |= 1 << (evdev % 8);
  else
    priv->pressed[evdev / 8] &= ~(1 << (evdev % 8));
}

static void
send_key (VireoDisplay *self,
          gboolean      down,
          guint         evdev,
          guint         keyval)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);

  if (evdev == 0 || priv->state != VIREO_DISPLAY_CONNECTED)
    return;
  if (!down && !is_pressed (priv, evdev))
    return;

  set_pressed (priv, evdev, down);
  if (down)
    priv->keys_sent++;
  VIREO_DISPLAY_GET_CLASS (self)->send_key (self, down, evdev, keyval);
}

/**
 * vireo_display_release_keys:
 *
 * Sends a release for every key the guest still thinks is down: on focus loss, on ungrab
 * and on disconnect, so that no modifier sticks.
 */
void
vireo_display_release_keys (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = _vireo_display_get_private (self);
  for (guint evdev = 0; evdev < VIREO_DISPLAY_N_KEYS; evdev++)
    {
      if (!is_pressed (priv, evdev))
        continue;
      set_pressed (priv, evdev, FALSE);
      if (priv->state == VIREO_DISPLAY_CONNECTED)
        VIREO_DISPLAY_GET_CLASS (self)->send_key (self, FALSE, evdev, 0);
    }
}

/**
 * vireo_display_send_keys:
 * @evdev: (array length=n_keys): Linux key codes
 *
 * Presses the keys in order and releases them in reverse: Ctrl+Alt+Del and the like.
 */
void
vireo_display_send_keys (VireoDisplay *self,
                         const guint  *evdev,
                         guint         n_keys)
{
  g_return_if_fail (VIREO_IS_DISPLAY (self));

  for (guint i = 0; i < n_keys; i++)
    send_key (self, TRUE, evdev[i], 0);
  for (guint i = n_keys; i > 0; i--)
    send_key (self, FALSE, evdev[i - 1], 0);
}

static gboolean
in_combo (VireoDisplayPrivate *priv,
          guint                evdev)
{
  for (guint i = 0; i < priv->n_combo; i++)
    if (priv->combo[i] == evdev)
      return TRUE;
  return FALSE;
}

static guint
combo_pressed (VireoDisplayPrivate *priv)
{
  guint n = 0;

  for (guint i = 0; i < priv->n_combo; i++)
    if (is_pressed (priv, priv->combo[i]))
      n++;
  return n;
}

/* Ctrl+Tab and Ctrl+Shift+Tab: GTK's keys for leaving a widget that takes Tab itself, as
 * GtkTextView does. The scrolled window around the display binds them to move-focus-out. */
static gboolean
is_leave_key (guint           keyval,
              GdkModifierType state)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  return (keyval == GDK_KEY_Tab || keyval == GDK_KEY_ISO_Left_Tab || keyval == GDK_KEY_KP_Tab)
         && (mods & ~GDK_SHIFT_MASK) == GDK_CONTROL_MASK;
}

static gboolean
key_pressed_cb (VireoDisplay          *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  guint evdev = vireo_keymap_gdk_keycode_to_evdev (keycode);

  /* No guest to type to: keys move the focus and reach the window's shortcuts, as anywhere. */
  if (priv->state != VIREO_DISPLAY_CONNECTED)
    return FALSE;

  /* Not grabbed, the window's fullscreen key stays the window's (the console binds it), and
   * Ctrl+Tab leaves the display; the Ctrl the guest got is released when the focus goes
   * (focus_leave_cb). While grabbed every key goes to the guest. */
  if (!priv->grabbed && keyval == GDK_KEY_F11
      && (state & gtk_accelerator_get_default_mod_mask ()) == 0)
    return FALSE;
  if (!priv->grabbed && is_leave_key (keyval, state))
    {
      priv->combo_spoiled = TRUE;
      return FALSE;
    }

  if (in_combo (priv, evdev))
    {
      if (combo_pressed (priv) == 0)
        priv->combo_spoiled = FALSE;   /* a fresh start */
      send_key (self, TRUE, evdev, keyval);
      if (combo_pressed (priv) == priv->n_combo)
        priv->combo_armed = TRUE;
      return TRUE;
    }

  priv->combo_spoiled = TRUE;
  send_key (self, TRUE, evdev, keyval);
  return TRUE;
}

static void
key_released_cb (VireoDisplay          *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *controller)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  guint evdev = vireo_keymap_gdk_keycode_to_evdev (keycode);

  send_key (self, FALSE, evdev, keyval);

  /* The combo pressed and released alone toggles the grab; the keys reached the guest anyway. */
  if (in_combo (priv, evdev) && priv->combo_armed && combo_pressed (priv) == 0)
    {
      if (!priv->combo_spoiled)
        vireo_display_set_grabbed (self, !priv->grabbed);
      priv->combo_armed = FALSE;
      priv->combo_spoiled = FALSE;
    }
}

static void
focus_leave_cb (VireoDisplay *self)
{
  vireo_display_release_keys (self);
}

/**
 * vireo_display_set_grab_keys:
 * @combination: keys such as "Ctrl+Alt" or "Ctrl+Shift+G"
 *
 * Sets the combination that toggles the keyboard grab. Refused, keeping the old one, when
 * @combination does not parse.
 */
gboolean
vireo_display_set_grab_keys (VireoDisplay  *self,
                             const char    *combination,
                             GError       **error)
{
  VireoDisplayPrivate *priv;
  guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
  guint n_keys = 0;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  g_return_val_if_fail (combination != NULL, FALSE);

  if (!vireo_keymap_parse_combo (combination, keys, &n_keys, error))
    return FALSE;

  priv = _vireo_display_get_private (self);
  memcpy (priv->combo, keys, n_keys * sizeof (guint));
  priv->n_combo = n_keys;
  priv->combo_armed = FALSE;
  return TRUE;
}

/**
 * vireo_display_get_keys_held:
 *
 * For diagnostics and tests: how many keys the guest holds down now.
 */
guint
vireo_display_get_keys_held (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;
  guint n = 0;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), 0);

  priv = _vireo_display_get_private (self);
  for (guint evdev = 0; evdev < VIREO_DISPLAY_N_KEYS; evdev++)
    if (is_pressed (priv, evdev))
      n++;
  return n;
}

/**
 * vireo_display_get_keys_sent:
 *
 * For diagnostics and tests: how many key presses went to the guest since the display
 * connected.
 */
guint64
vireo_display_get_keys_sent (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), 0);

  priv = _vireo_display_get_private (self);
  return priv->keys_sent;
}

void
_vireo_display_init_keyboard (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = _vireo_display_get_private (self);
  GtkEventController *controller;

  priv->combo[0] = KEY_LEFTCTRL;
  priv->combo[1] = KEY_LEFTALT;
  priv->n_combo = 2;

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect_swapped (controller, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
