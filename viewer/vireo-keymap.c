/* vireo-keymap.c: Linux key codes to the scancodes QEMU's VNC extension and SPICE take
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-keymap"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "vireo-keymap.h"

/* Flags of the two encodings of an 0xE0-prefixed set 1 code. */
#define QNUM_E0  0x80  /* QEMU: VNC extended key event, QMP send-key "number" */
#define SPICE_E0 0x100 /* spice_inputs_channel_key_press(): documented */
#define SPICE_E1 0x200 /* spice-client-glib sends an 0xE1 prefix: spice-gtk uses it, undocumented */

/* The IBM PC AT scan code set 1 make code of each key, indexed by Linux key code: 0x00nn for
 * a one-byte code, 0xE0nn for an 0xE0-prefixed ("extended") key, 0 for no code.
 *
 * Sources: the set 1 column of Microsoft's "Keyboard Scan Code Specification" (rev. 1.3a,
 * appendix C) and Andries Brouwer's "Keyboard scancodes" (aeb, scancodes-1 and -8 to -10);
 * key names from <linux/input-event-codes.h>. Linux numbered keys 1–83 and 86–88 after their
 * set 1 codes, so there the two coincide; nowhere else.
 *
 * Keys with no entry:
 * - F13–F24. Set 1 has no codes for them that a guest would read as F13–F24: Microsoft's
 *   0x64–0x6E and 0x76 decode in QEMU as other keys (0x64 Open, 0x65 Paste, 0x76 is also
 *   Zenkaku/Hankaku), and QEMU's own numbers for them are an assignment of its keycodemapdb
 *   table (0x5d for F13, …), not a keyboard standard, which Vireo does not copy.
 * - KEY_MENU (a "Menu" usage of media keyboards; the PC Menu key is KEY_COMPOSE), KEY_PRINT
 *   (a "Print" document key, not Print Screen) and the remaining media, launch and
 *   laptop keys (brightness, Wi-Fi, …), which have no set 1 code in these sources.
 */
static const guint16 set1_codes[] = {
  /* Main block: Linux key code == set 1 code */
  [KEY_ESC]        = 0x01,
  [KEY_1]          = 0x02,
  [KEY_2]          = 0x03,
  [KEY_3]          = 0x04,
  [KEY_4]          = 0x05,
  [KEY_5]          = 0x06,
  [KEY_6]          = 0x07,
  [KEY_7]          = 0x08,
  [KEY_8]          = 0x09,
  [KEY_9]          = 0x0a,
  [KEY_0]          = 0x0b,
  [KEY_MINUS]      = 0x0c,
  [KEY_EQUAL]      = 0x0d,
  [KEY_BACKSPACE]  = 0x0e,
  [KEY_TAB]        = 0x0f,
  [KEY_Q]          = 0x10,
  [KEY_W]          = 0x11,
  [KEY_E]          = 0x12,
  [KEY_R]          = 0x13,
  [KEY_T]          = 0x14,
  [KEY_Y]          = 0x15,
  [KEY_U]          = 0x16,
  [KEY_I]          = 0x17,
  [KEY_O]          = 0x18,
  [KEY_P]          = 0x19,
  [KEY_LEFTBRACE]  = 0x1a,
  [KEY_RIGHTBRACE] = 0x1b,
  [KEY_ENTER]      = 0x1c,
  [KEY_LEFTCTRL]   = 0x1d,
  [KEY_A]          = 0x1e,
  [KEY_S]          = 0x1f,
  [KEY_D]          = 0x20,
  [KEY_F]          = 0x21,
  [KEY_G]          = 0x22,
  [KEY_H]          = 0x23,
  [KEY_J]          = 0x24,
  [KEY_K]          = 0x25,
  [KEY_L]          = 0x26,
  [KEY_SEMICOLON]  = 0x27,
  [KEY_APOSTROPHE] = 0x28,
  [KEY_GRAVE]      = 0x29,
  [KEY_LEFTSHIFT]  = 0x2a,
  [KEY_BACKSLASH]  = 0x2b, /* also the ISO "#~" key left of Enter */
  [KEY_Z]          = 0x2c,
  [KEY_X]          = 0x2d,
  [KEY_C]          = 0x2e,
  [KEY_V]          = 0x2f,
  [KEY_B]          = 0x30,
  [KEY_N]          = 0x31,
  [KEY_M]          = 0x32,
  [KEY_COMMA]      = 0x33,
  [KEY_DOT]        = 0x34,
  [KEY_SLASH]      = 0x35,
  [KEY_RIGHTSHIFT] = 0x36,
  [KEY_KPASTERISK] = 0x37,
  [KEY_LEFTALT]    = 0x38,
  [KEY_SPACE]      = 0x39,
  [KEY_CAPSLOCK]   = 0x3a,
  [KEY_F1]         = 0x3b,
  [KEY_F2]         = 0x3c,
  [KEY_F3]         = 0x3d,
  [KEY_F4]         = 0x3e,
  [KEY_F5]         = 0x3f,
  [KEY_F6]         = 0x40,
  [KEY_F7]         = 0x41,
  [KEY_F8]         = 0x42,
  [KEY_F9]         = 0x43,
  [KEY_F10]        = 0x44,
  [KEY_NUMLOCK]    = 0x45,
  [KEY_SCROLLLOCK] = 0x46,
  [KEY_KP7]        = 0x47,
  [KEY_KP8]        = 0x48,
  [KEY_KP9]        = 0x49,
  [KEY_KPMINUS]    = 0x4a,
  [KEY_KP4]        = 0x4b,
  [KEY_KP5]        = 0x4c,
  [KEY_KP6]        = 0x4d,
  [KEY_KPPLUS]     = 0x4e,
  [KEY_KP1]        = 0x4f,
  [KEY_KP2]        = 0x50,
  [KEY_KP3]        = 0x51,
  [KEY_KP0]        = 0x52,
  [KEY_KPDOT]      = 0x53,
  [KEY_102ND]      = 0x56, /* ISO "<>" key right of left Shift */
  [KEY_F11]        = 0x57,
  [KEY_F12]        = 0x58,

  /* Extended keys of the 101/102/104/105-key keyboard */
  [KEY_KPENTER]    = 0xe01c,
  [KEY_RIGHTCTRL]  = 0xe01d,
  [KEY_KPSLASH]    = 0xe035,
  [KEY_SYSRQ]      = 0xe037, /* Print Screen; see vireo_keymap_evdev_to_qnum() */
  [KEY_RIGHTALT]   = 0xe038, /* AltGr */
  [KEY_HOME]       = 0xe047,
  [KEY_UP]         = 0xe048,
  [KEY_PAGEUP]     = 0xe049,
  [KEY_LEFT]       = 0xe04b,
  [KEY_RIGHT]      = 0xe04d,
  [KEY_END]        = 0xe04f,
  [KEY_DOWN]       = 0xe050,
  [KEY_PAGEDOWN]   = 0xe051,
  [KEY_INSERT]     = 0xe052,
  [KEY_DELETE]     = 0xe053,
  [KEY_LEFTMETA]   = 0xe05b, /* left Windows/Super */
  [KEY_RIGHTMETA]  = 0xe05c,
  [KEY_COMPOSE]    = 0xe05d, /* Menu (Application) key */

  /* Pause makes E1 1D 45 E1 9D C5 and breaks nothing; with Ctrl held it is Break, E0 46.
   * QEMU numbers Pause after the Break code (qnum 0xc6) and sends the E1 sequence itself;
   * SPICE gets the E1 sequence: vireo_keymap_spice_pause_sequence(). */
  [KEY_PAUSE]      = 0xe046,

  /* More keypad keys */
  [KEY_KPEQUAL]    = 0x59,
  [KEY_KPJPCOMMA]  = 0x5c, /* Japanese keypad "," */
  [KEY_KPCOMMA]    = 0x7e, /* Brazilian keypad "." */

  /* Japanese and Brazilian keys */
  [KEY_KATAKANAHIRAGANA] = 0x70,
  [KEY_RO]               = 0x73, /* also the Brazilian "/?" key */
  [KEY_ZENKAKUHANKAKU]   = 0x76,
  [KEY_HIRAGANA]         = 0x77,
  [KEY_KATAKANA]         = 0x78,
  [KEY_HENKAN]           = 0x79,
  [KEY_MUHENKAN]         = 0x7b,
  [KEY_YEN]              = 0x7d,

  /* Korean keys make F2 (Hangeul) and F1 (Hanja) and break nothing. Those bytes read as
   * the release of 0x72/0x71 to anything that takes set 1 apart, so QEMU numbers them 0x72
   * and 0x71 (and sends F2/F1 to the guest itself), and SPICE must be given the same: a
   * press of 0x72 reaches QEMU's SPICE server as a Hangeul press, F2 as a release it drops. */
  [KEY_HANGEUL]          = 0x72,
  [KEY_HANJA]            = 0x71,

  /* ACPI keys */
  [KEY_POWER]            = 0xe05e,
  [KEY_SLEEP]            = 0xe05f,
  [KEY_WAKEUP]           = 0xe063,

  /* Multimedia and browser keys */
  [KEY_PREVIOUSSONG]     = 0xe010,
  [KEY_NEXTSONG]         = 0xe019,
  [KEY_MUTE]             = 0xe020,
  [KEY_CALC]             = 0xe021,
  [KEY_PLAYPAUSE]        = 0xe022,
  [KEY_STOPCD]           = 0xe024, /* media Stop */
  [KEY_VOLUMEDOWN]       = 0xe02e,
  [KEY_VOLUMEUP]         = 0xe030,
  [KEY_HOMEPAGE]         = 0xe032,
  [KEY_SEARCH]           = 0xe065,
  [KEY_BOOKMARKS]        = 0xe066,
  [KEY_REFRESH]          = 0xe067,
  [KEY_STOP]             = 0xe068, /* browser Stop */
  [KEY_FORWARD]          = 0xe069,
  [KEY_BACK]             = 0xe06a,
  [KEY_COMPUTER]         = 0xe06b,
  [KEY_MAIL]             = 0xe06c,
  [KEY_MEDIA]            = 0xe06d,
};

static guint
set1_code (guint evdev)
{
  if (evdev >= G_N_ELEMENTS (set1_codes))
    return 0;

  return set1_codes[evdev];
}

/**
 * vireo_keymap_evdev_to_qnum:
 * @evdev: a Linux key code (`KEY_*`)
 *
 * The number QEMU takes for a key in the VNC extended key event (and in QMP `send-key` as a
 * `number`): the set 1 make code, or 0x80 | the second byte for 0xE0-prefixed keys.
 *
 * Special cases: Pause is 0xc6 (its Ctrl+Break code E0 46; QEMU sends the real E1 sequence
 * to the guest); Print Screen is 0xb7 (E0 37), which QEMU 2.12 and later read as Print/SysRq
 * like 0x54, the code the key makes with Alt held; Hangeul and Hanja are 0x72 and 0x71.
 *
 * Returns: the QEMU key number, or 0 if the key has none
 */
guint
vireo_keymap_evdev_to_qnum (guint evdev)
{
  guint code = set1_code (evdev);

  if ((code & 0xff00) == 0xe000)
    return QNUM_E0 | (code & 0x7f);

  return code;
}

/**
 * vireo_keymap_evdev_to_spice:
 * @evdev: a Linux key code (`KEY_*`)
 *
 * The scancode spice_inputs_channel_key_press() and _key_release() take: the set 1 make
 * code, or 0x100 | the second byte for 0xE0-prefixed keys (spice-client-glib's
 * channel-inputs documentation). The library adds the 0x80 of a release itself.
 *
 * Pause has no such scancode and returns 0: send vireo_keymap_spice_pause_sequence()
 * when it goes down, and nothing when it comes up.
 *
 * Returns: the SPICE scancode, or 0 if the key has none
 */
guint
vireo_keymap_evdev_to_spice (guint evdev)
{
  guint code;

  if (evdev == KEY_PAUSE)
    return 0;

  code = set1_code (evdev);
  if ((code & 0xff00) == 0xe000)
    return SPICE_E0 | (code & 0x7f);

  return code;
}

/**
 * vireo_keymap_gdk_keycode_to_evdev:
 * @hardware_keycode: the keycode of a GDK key event
 *
 * On Wayland and on X servers with the evdev or libinput driver (all current ones, Xvfb
 * too) a GDK keycode is the Linux key code plus 8. Legacy X "kbd" servers and XQuartz
 * number keys otherwise; Vireo does not support them.
 *
 * Returns: the Linux key code, or 0 (`KEY_RESERVED`) for keycodes below 8
 */
guint
vireo_keymap_gdk_keycode_to_evdev (guint hardware_keycode)
{
  if (hardware_keycode < 8)
    return 0;

  return hardware_keycode - 8;
}

/* What a real keyboard sends for Pause: E1 1D 45 E1 9D C5. spice-client-glib turns 0x200 | n
 * into the bytes E1 n (and E1 n|0x80 on release), and QEMU's SPICE server presses Pause when
 * it has seen these six bytes in a row. */
static const VireoSpiceKeyStep spice_pause_steps[] = {
  { SPICE_E1 | 0x1d, FALSE },
  { 0x45,            FALSE },
  { SPICE_E1 | 0x1d, TRUE },
  { 0x45,            TRUE },
};

/**
 * vireo_keymap_spice_pause_sequence:
 * @n_steps: (out): the number of steps
 *
 * The SPICE calls that make the guest see Pause. Send all of them, in order, when Pause
 * goes down, and nothing when it comes up: the key has no release in set 1. Do not use
 * spice_inputs_channel_key_press_and_release() for them.
 *
 * spice-gtk's own widget sends the first two steps on press and the last two on release;
 * that works with QEMU too but shows the guest Pause only when the key comes up, and
 * any key pressed meanwhile breaks the sequence.
 *
 * Returns: (array length=n_steps): static steps
 */
const VireoSpiceKeyStep *
vireo_keymap_spice_pause_sequence (guint *n_steps)
{
  g_return_val_if_fail (n_steps != NULL, NULL);

  *n_steps = G_N_ELEMENTS (spice_pause_steps);
  return spice_pause_steps;
}

const VireoKeyCombo vireo_keymap_send_key_combos[VIREO_KEYMAP_N_SEND_KEY_COMBOS] = {
  /* Translators: key names as printed on keyboards; "_" marks the mnemonic */
  { N_("Ctrl+Alt+_Del"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE } },
  { N_("Ctrl+Alt+_Backspace"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_BACKSPACE } },
  { N_("Ctrl+Alt+F_1"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F1 } },
  { N_("Ctrl+Alt+F_2"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F2 } },
  { N_("Ctrl+Alt+F_3"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F3 } },
  { N_("Ctrl+Alt+F_4"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F4 } },
  { N_("Ctrl+Alt+F_5"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F5 } },
  { N_("Ctrl+Alt+F_6"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F6 } },
  { N_("Ctrl+Alt+F_7"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F7 } },
  { N_("Ctrl+Alt+F_8"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F8 } },
  { N_("Ctrl+Alt+F_9"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F9 } },
  { N_("Ctrl+Alt+F1_0"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F10 } },
  { N_("Ctrl+Alt+F11"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F11 } },
  { N_("Ctrl+Alt+F12"), 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F12 } },
  { N_("_Print Screen"), 1, { KEY_SYSRQ } },
};

/* Key names for vireo_keymap_parse_combo(), besides letters, digits and F1–F24. */
static const struct {
  const char *name;
  guint       evdev;
} key_names[] = {
  { "Ctrl",        KEY_LEFTCTRL },
  { "Control",     KEY_LEFTCTRL },
  { "Alt",         KEY_LEFTALT },
  { "Shift",       KEY_LEFTSHIFT },
  { "Super",       KEY_LEFTMETA },
  { "Meta",        KEY_LEFTMETA },
  { "Win",         KEY_LEFTMETA },
  { "AltGr",       KEY_RIGHTALT },
  { "Del",         KEY_DELETE },
  { "Delete",      KEY_DELETE },
  { "Backspace",   KEY_BACKSPACE },
  { "Tab",         KEY_TAB },
  { "Enter",       KEY_ENTER },
  { "Return",      KEY_ENTER },
  { "Esc",         KEY_ESC },
  { "Escape",      KEY_ESC },
  { "Space",       KEY_SPACE },
  { "Insert",      KEY_INSERT },
  { "Home",        KEY_HOME },
  { "End",         KEY_END },
  { "PageUp",      KEY_PAGEUP },
  { "PgUp",        KEY_PAGEUP },
  { "PageDown",    KEY_PAGEDOWN },
  { "PgDn",        KEY_PAGEDOWN },
  { "Up",          KEY_UP },
  { "Down",        KEY_DOWN },
  { "Left",        KEY_LEFT },
  { "Right",       KEY_RIGHT },
  { "PrintScreen", KEY_SYSRQ },
  { "Print",       KEY_SYSRQ },
  { "SysRq",       KEY_SYSRQ },
  { "Pause",       KEY_PAUSE },
};

/* Letters by position in the alphabet; Linux numbers them by keyboard row. */
static const guint letter_keys[26] = {
  KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
  KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};

static const guint function_keys[24] = {
  KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8,
  KEY_F9, KEY_F10, KEY_F11, KEY_F12, KEY_F13, KEY_F14, KEY_F15, KEY_F16,
  KEY_F17, KEY_F18, KEY_F19, KEY_F20, KEY_F21, KEY_F22, KEY_F23, KEY_F24,
};

/* The Linux key code of one key name, or 0. */
static guint
lookup_key_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 1 && g_ascii_isalpha (name[0]))
    return letter_keys[g_ascii_tolower (name[0]) - 'a'];

  if (len == 1 && g_ascii_isdigit (name[0]))
    return name[0] == '0' ? KEY_0 : KEY_1 + (guint) (name[0] - '1');

  /* F1 … F24, without leading zeros */
  if ((len == 2 || len == 3) && g_ascii_tolower (name[0]) == 'f' && name[1] != '0')
    {
      guint64 n;

      if (g_ascii_string_to_unsigned (name + 1, 10, 1, 24, &n, NULL))
        return function_keys[n - 1];
    }

  for (guint i = 0; i < G_N_ELEMENTS (key_names); i++)
    {
      if (g_ascii_strcasecmp (name, key_names[i].name) == 0)
        return key_names[i].evdev;
    }

  return 0;
}

/**
 * vireo_keymap_parse_combo:
 * @text: a combination such as "Ctrl+Alt+F3" or "Super+L"
 * @evdev_codes: (out caller-allocates) (array fixed-size=8): the keys, in order
 * @n_codes: (out): how many keys
 * @error: return location for a #GError
 *
 * Parses a key combination typed by the user: up to %VIREO_KEYMAP_MAX_COMBO_KEYS key names
 * joined by "+", in the order they are to be pressed. Names are case-insensitive: Ctrl or
 * Control, Alt, Shift, Super, Meta or Win (the left keys), AltGr (right Alt), a letter, a
 * digit, F1–F24, Del or Delete, Backspace, Tab, Enter or Return, Esc or Escape, Space,
 * Insert, Home, End, PageUp or PgUp, PageDown or PgDn, Up, Down, Left, Right, PrintScreen,
 * Print or SysRq, and Pause. Spaces around names are ignored.
 *
 * A key that has no scancode (F13–F24) cannot be sent and is refused, as is a key named
 * twice. On failure @evdev_codes is untouched and @n_codes is 0.
 *
 * Returns: %TRUE on success; %FALSE with @error set to %G_IO_ERROR_INVALID_ARGUMENT
 */
gboolean
vireo_keymap_parse_combo (const char  *text,
                          guint       *evdev_codes,
                          guint       *n_codes,
                          GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint codes[VIREO_KEYMAP_MAX_COMBO_KEYS];
  guint n_parts;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (evdev_codes != NULL, FALSE);
  g_return_val_if_fail (n_codes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *n_codes = 0;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The key combination is not valid text (UTF-8)."));
      return FALSE;
    }

  parts = g_strsplit (text, "+", -1);
  n_parts = g_strv_length (parts);

  if (n_parts == 0 || (n_parts == 1 && *g_strstrip (parts[0]) == '\0'))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The key combination is empty."));
      return FALSE;
    }

  if (n_parts > VIREO_KEYMAP_MAX_COMBO_KEYS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” has %u keys, but a combination has at most %u."),
                   text, n_parts, (guint) VIREO_KEYMAP_MAX_COMBO_KEYS);
      return FALSE;
    }

  for (guint i = 0; i < n_parts; i++)
    {
      const char *name = g_strstrip (parts[i]);
      guint evdev;

      if (name[0] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” has a “+” with no key name on one side."), text);
          return FALSE;
        }

      evdev = lookup_key_name (name);
      if (evdev == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a key name."), name);
          return FALSE;
        }

      if (vireo_keymap_evdev_to_qnum (evdev) == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” has no PC scancode, so it cannot be sent to a machine."), name);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        {
          if (codes[j] == evdev)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("“%s” names a key that is already in the combination."), name);
              return FALSE;
            }
        }

      codes[i] = evdev;
    }

  memcpy (evdev_codes, codes, n_parts * sizeof (guint));
  *n_codes = n_parts;
  return TRUE;
}
