/* test-keymap.c: Linux key codes to QEMU and SPICE scancodes, Send Key combinations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gio.h>
#include <linux/input-event-codes.h>
#include <locale.h>
#include <string.h>

#include "vireo-keymap.h"

/* Every key of a 105-key ISO PC keyboard, row by row. */
static const guint iso_105[] = {
  KEY_ESC, KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10,
  KEY_F11, KEY_F12, KEY_SYSRQ, KEY_SCROLLLOCK, KEY_PAUSE,

  KEY_GRAVE, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0, KEY_MINUS,
  KEY_EQUAL, KEY_BACKSPACE, KEY_INSERT, KEY_HOME, KEY_PAGEUP,
  KEY_NUMLOCK, KEY_KPSLASH, KEY_KPASTERISK, KEY_KPMINUS,

  KEY_TAB, KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P,
  KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_DELETE, KEY_END, KEY_PAGEDOWN,
  KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPPLUS,

  KEY_CAPSLOCK, KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L, KEY_SEMICOLON,
  KEY_APOSTROPHE, KEY_BACKSLASH, KEY_ENTER,
  KEY_KP4, KEY_KP5, KEY_KP6,

  KEY_LEFTSHIFT, KEY_102ND, KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M, KEY_COMMA,
  KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT, KEY_UP,
  KEY_KP1, KEY_KP2, KEY_KP3, KEY_KPENTER,

  KEY_LEFTCTRL, KEY_LEFTMETA, KEY_LEFTALT, KEY_SPACE, KEY_RIGHTALT, KEY_RIGHTMETA,
  KEY_COMPOSE, KEY_RIGHTCTRL, KEY_LEFT, KEY_DOWN, KEY_RIGHT,
  KEY_KP0, KEY_KPDOT,
};

/* The keys that send an 0xE0 prefix in set 1. */
static const guint extended[] = {
  KEY_KPENTER, KEY_RIGHTCTRL, KEY_KPSLASH, KEY_SYSRQ, KEY_RIGHTALT, KEY_HOME, KEY_UP,
  KEY_PAGEUP, KEY_LEFT, KEY_RIGHT, KEY_END, KEY_DOWN, KEY_PAGEDOWN, KEY_INSERT, KEY_DELETE,
  KEY_LEFTMETA, KEY_RIGHTMETA, KEY_COMPOSE, KEY_POWER, KEY_SLEEP, KEY_WAKEUP, KEY_MUTE,
  KEY_VOLUMEDOWN, KEY_VOLUMEUP, KEY_PLAYPAUSE, KEY_NEXTSONG, KEY_PREVIOUSSONG,
};

static void
test_iso_105 (void)
{
  g_autoptr(GHashTable) qnums = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) spice = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (G_N_ELEMENTS (iso_105), ==, 105);

  for (guint i = 0; i < G_N_ELEMENTS (iso_105); i++)
    {
      guint evdev = iso_105[i];
      guint q = vireo_keymap_evdev_to_qnum (evdev);
      guint s = vireo_keymap_evdev_to_spice (evdev);

      if (q == 0 || g_hash_table_contains (qnums, GUINT_TO_POINTER (q)))
        g_test_fail_printf ("key %u: qnum 0x%x is 0 or taken", evdev, q);
      g_hash_table_add (qnums, GUINT_TO_POINTER (q));

      /* Pause has no single SPICE scancode: see test_pause */
      if (evdev == KEY_PAUSE)
        {
          g_assert_cmpuint (s, ==, 0);
          continue;
        }
      if (s == 0 || g_hash_table_contains (spice, GUINT_TO_POINTER (s)))
        g_test_fail_printf ("key %u: SPICE scancode 0x%x is 0 or taken", evdev, s);
      g_hash_table_add (spice, GUINT_TO_POINTER (s));
    }
}

static void
test_documented_values (void)
{
  const struct {
    guint evdev;
    guint qnum;
    guint spice;
  } values[] = {
    { KEY_ESC,        0x01, 0x01 },
    { KEY_1,          0x02, 0x02 },
    { KEY_0,          0x0b, 0x0b },
    { KEY_BACKSPACE,  0x0e, 0x0e },
    { KEY_Q,          0x10, 0x10 },
    { KEY_A,          0x1e, 0x1e },
    { KEY_Z,          0x2c, 0x2c },
    { KEY_ENTER,      0x1c, 0x1c },
    { KEY_LEFTCTRL,   0x1d, 0x1d },
    { KEY_LEFTSHIFT,  0x2a, 0x2a },
    { KEY_RIGHTSHIFT, 0x36, 0x36 },
    { KEY_LEFTALT,    0x38, 0x38 },
    { KEY_SPACE,      0x39, 0x39 },
    { KEY_CAPSLOCK,   0x3a, 0x3a },
    { KEY_F1,         0x3b, 0x3b },
    { KEY_F10,        0x44, 0x44 },
    { KEY_NUMLOCK,    0x45, 0x45 },
    { KEY_SCROLLLOCK, 0x46, 0x46 },
    { KEY_KPASTERISK, 0x37, 0x37 },
    { KEY_KPDOT,      0x53, 0x53 },
    { KEY_102ND,      0x56, 0x56 },
    { KEY_F11,        0x57, 0x57 },
    { KEY_F12,        0x58, 0x58 },
    { KEY_RIGHTCTRL,  0x9d, 0x11d },
    { KEY_RIGHTALT,   0xb8, 0x138 },
    { KEY_DELETE,     0xd3, 0x153 },
    { KEY_INSERT,     0xd2, 0x152 },
    { KEY_HOME,       0xc7, 0x147 },
    { KEY_END,        0xcf, 0x14f },
    { KEY_PAGEUP,     0xc9, 0x149 },
    { KEY_PAGEDOWN,   0xd1, 0x151 },
    { KEY_UP,         0xc8, 0x148 },
    { KEY_DOWN,       0xd0, 0x150 },
    { KEY_LEFT,       0xcb, 0x14b },
    { KEY_RIGHT,      0xcd, 0x14d },
    { KEY_KPENTER,    0x9c, 0x11c },
    { KEY_KPSLASH,    0xb5, 0x135 },
    { KEY_LEFTMETA,   0xdb, 0x15b },
    { KEY_RIGHTMETA,  0xdc, 0x15c },
    { KEY_COMPOSE,    0xdd, 0x15d },
    { KEY_SYSRQ,      0xb7, 0x137 },
    { KEY_MUTE,       0xa0, 0x120 },
    { KEY_VOLUMEDOWN, 0xae, 0x12e },
    { KEY_VOLUMEUP,   0xb0, 0x130 },
    { KEY_PLAYPAUSE,  0xa2, 0x122 },
    { KEY_NEXTSONG,   0x99, 0x119 },
    { KEY_PREVIOUSSONG, 0x90, 0x110 },
    { KEY_POWER,      0xde, 0x15e },
    { KEY_SLEEP,      0xdf, 0x15f },
    { KEY_WAKEUP,     0xe3, 0x163 },
    { KEY_RO,         0x73, 0x73 },
    { KEY_YEN,        0x7d, 0x7d },
    { KEY_HENKAN,     0x79, 0x79 },
    { KEY_MUHENKAN,   0x7b, 0x7b },
    { KEY_KATAKANAHIRAGANA, 0x70, 0x70 },
    { KEY_HANGEUL,    0x72, 0x72 },
    { KEY_HANJA,      0x71, 0x71 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      guint q = vireo_keymap_evdev_to_qnum (values[i].evdev);
      guint s = vireo_keymap_evdev_to_spice (values[i].evdev);

      if (q != values[i].qnum || s != values[i].spice)
        g_test_fail_printf ("key %u: qnum 0x%x, SPICE 0x%x; expected 0x%x, 0x%x",
                            values[i].evdev, q, s, values[i].qnum, values[i].spice);
    }
}

/* Over every Linux key code: the two encodings agree except for the flag of extended keys,
 * and no two keys share a number. */
static void
test_encodings_agree (void)
{
  g_autoptr(GHashTable) qnums = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) spice = g_hash_table_new (NULL, NULL);
  guint n_mapped = 0;

  for (guint evdev = 0; evdev <= KEY_MAX + 1; evdev++)
    {
      guint q = vireo_keymap_evdev_to_qnum (evdev);
      guint s = vireo_keymap_evdev_to_spice (evdev);

      if (evdev == KEY_PAUSE)
        continue;

      if (q == 0)
        {
          g_assert_cmphex (s, ==, 0);
          continue;
        }

      if (q > 0xff || s != (q < 0x80 ? q : 0x100 | (q & 0x7f)))
        g_test_fail_printf ("key %u: qnum 0x%x and SPICE 0x%x disagree", evdev, q, s);
      if (g_hash_table_contains (qnums, GUINT_TO_POINTER (q))
          || g_hash_table_contains (spice, GUINT_TO_POINTER (s)))
        g_test_fail_printf ("key %u: qnum 0x%x or SPICE 0x%x taken", evdev, q, s);
      g_hash_table_add (qnums, GUINT_TO_POINTER (q));
      g_hash_table_add (spice, GUINT_TO_POINTER (s));
      n_mapped++;
    }

  /* The 105 keys less Pause, and 34 more: update when the table grows */
  g_assert_cmpuint (n_mapped, ==, 138);

  for (guint i = 0; i < G_N_ELEMENTS (extended); i++)
    {
      g_assert_cmphex (vireo_keymap_evdev_to_qnum (extended[i]) & 0x80, ==, 0x80);
      g_assert_cmphex (vireo_keymap_evdev_to_spice (extended[i]) & 0x100, ==, 0x100);
    }
}

static void
test_unmapped (void)
{
  const guint none[] = {
    KEY_RESERVED, KEY_F13, KEY_F18, KEY_F24, KEY_MENU, KEY_PRINT, KEY_BRIGHTNESSUP,
    KEY_MAX, KEY_MAX + 1, G_MAXUINT,
  };

  for (guint i = 0; i < G_N_ELEMENTS (none); i++)
    {
      g_assert_cmpuint (vireo_keymap_evdev_to_qnum (none[i]), ==, 0);
      g_assert_cmpuint (vireo_keymap_evdev_to_spice (none[i]), ==, 0);
    }
}

/* The bytes spice-client-glib puts on the wire for one call, as its channel-inputs source
 * builds them: 0x100 adds an E0 prefix, 0x200 an E1 prefix, and a release sets bit 7. */
static void
append_spice_bytes (GByteArray *bytes,
                    guint       scancode,
                    gboolean    release)
{
  guint8 byte = (scancode & 0x7f) | (release ? 0x80 : 0);
  guint8 prefix;

  if (scancode & 0x200)
    {
      prefix = 0xe1;
      g_byte_array_append (bytes, &prefix, 1);
    }
  else if (scancode & 0x100)
    {
      prefix = 0xe0;
      g_byte_array_append (bytes, &prefix, 1);
    }
  g_byte_array_append (bytes, &byte, 1);
}

static void
test_pause (void)
{
  static const guint8 set1_pause[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  const VireoSpiceKeyStep *steps;
  guint n_steps = 0;

  /* QEMU numbers Pause after Ctrl+Break, E0 46 */
  g_assert_cmphex (vireo_keymap_evdev_to_qnum (KEY_PAUSE), ==, 0xc6);
  g_assert_cmphex (vireo_keymap_evdev_to_spice (KEY_PAUSE), ==, 0);

  steps = vireo_keymap_spice_pause_sequence (&n_steps);
  g_assert_nonnull (steps);
  g_assert_cmpuint (n_steps, ==, 4);
  g_assert_cmphex (steps[0].scancode, ==, 0x21d);
  g_assert_false (steps[0].release);
  g_assert_cmphex (steps[1].scancode, ==, 0x45);
  g_assert_false (steps[1].release);
  g_assert_cmphex (steps[2].scancode, ==, 0x21d);
  g_assert_true (steps[2].release);
  g_assert_cmphex (steps[3].scancode, ==, 0x45);
  g_assert_true (steps[3].release);

  for (guint i = 0; i < n_steps; i++)
    append_spice_bytes (bytes, steps[i].scancode, steps[i].release);
  g_assert_cmpmem (bytes->data, bytes->len, set1_pause, sizeof set1_pause);
}

static void
test_gdk_keycode (void)
{
  for (guint keycode = 0; keycode < 8; keycode++)
    g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (keycode), ==, 0);

  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (8), ==, KEY_RESERVED);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (9), ==, KEY_ESC);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (37), ==, KEY_LEFTCTRL);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (64), ==, KEY_LEFTALT);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (119), ==, KEY_DELETE);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (133), ==, KEY_LEFTMETA);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_evdev (KEY_MAX + 8), ==, KEY_MAX);

  /* X keycode 119 is Delete: qnum 0xd3 */
  g_assert_cmphex (vireo_keymap_evdev_to_qnum (vireo_keymap_gdk_keycode_to_evdev (119)), ==, 0xd3);
}

static void
assert_combo (const VireoKeyCombo *combo,
              const char          *label,
              guint                n_keys,
              ...)
{
  va_list args;

  g_assert_cmpstr (combo->label, ==, label);
  g_assert_cmpuint (combo->n_keys, ==, n_keys);

  va_start (args, n_keys);
  for (guint i = 0; i < n_keys; i++)
    g_assert_cmpuint (combo->keys[i], ==, va_arg (args, guint));
  va_end (args);

  for (guint i = n_keys; i < VIREO_KEYMAP_MAX_COMBO_KEYS; i++)
    g_assert_cmpuint (combo->keys[i], ==, 0);
}

static void
test_send_key_combos (void)
{
  const VireoKeyCombo *combos = vireo_keymap_send_key_combos;
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (G_N_ELEMENTS (vireo_keymap_send_key_combos), ==, 15);

  assert_combo (&combos[0], "Ctrl+Alt+_Del", 3, 29, 56, 111);
  assert_combo (&combos[0], "Ctrl+Alt+_Del", 3, KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE);
  assert_combo (&combos[1], "Ctrl+Alt+_Backspace", 3, KEY_LEFTCTRL, KEY_LEFTALT, KEY_BACKSPACE);
  assert_combo (&combos[2], "Ctrl+Alt+F_1", 3, KEY_LEFTCTRL, KEY_LEFTALT, KEY_F1);
  assert_combo (&combos[10], "Ctrl+Alt+F_9", 3, KEY_LEFTCTRL, KEY_LEFTALT, KEY_F9);
  assert_combo (&combos[11], "Ctrl+Alt+F1_0", 3, KEY_LEFTCTRL, KEY_LEFTALT, KEY_F10);
  assert_combo (&combos[12], "Ctrl+Alt+F11", 3, KEY_LEFTCTRL, KEY_LEFTALT, KEY_F11);
  assert_combo (&combos[13], "Ctrl+Alt+F12", 3, KEY_LEFTCTRL, KEY_LEFTALT, KEY_F12);
  assert_combo (&combos[14], "_Print Screen", 1, KEY_SYSRQ);

  for (guint i = 0; i < G_N_ELEMENTS (vireo_keymap_send_key_combos); i++)
    {
      const VireoKeyCombo *combo = &combos[i];

      g_assert_nonnull (combo->label);
      g_assert_false (g_hash_table_contains (labels, combo->label));
      g_hash_table_add (labels, (gpointer) combo->label);

      g_assert_cmpuint (combo->n_keys, >=, 1);
      g_assert_cmpuint (combo->n_keys, <=, VIREO_KEYMAP_MAX_COMBO_KEYS);
      for (guint k = 0; k < combo->n_keys; k++)
        {
          g_assert_cmpuint (vireo_keymap_evdev_to_qnum (combo->keys[k]), !=, 0);
          g_assert_cmpuint (vireo_keymap_evdev_to_spice (combo->keys[k]), !=, 0);
        }

      /* Ctrl+Alt+F1 … F12 in order, with the label to match */
      if (i >= 2 && i <= 13)
        {
          g_autofree char *expected = g_strdup_printf ("Ctrl+Alt+F%u", i - 1);
          g_auto(GStrv) pieces = g_strsplit (combo->label, "_", -1);
          g_autofree char *plain = g_strjoinv ("", pieces);

          g_assert_cmpuint (combo->keys[2], ==, i < 12 ? KEY_F1 + (i - 2) : KEY_F11 + (i - 12));
          g_assert_cmpstr (plain, ==, expected);
        }
    }
}

static void
test_parse_good (void)
{
  const struct {
    const char *text;
    guint       n;
    guint       keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
  } good[] = {
    { "Ctrl+Alt+F3", 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F3 } },
    { "Super+L", 2, { KEY_LEFTMETA, KEY_L } },
    { "ctrl+ALT+del", 3, { 29, 56, 111 } },
    { "Control+Alt+Delete", 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE } },
    { " Ctrl + Alt + Backspace ", 3, { KEY_LEFTCTRL, KEY_LEFTALT, KEY_BACKSPACE } },
    { "Meta+Space", 2, { KEY_LEFTMETA, KEY_SPACE } },
    { "win+tab", 2, { KEY_LEFTMETA, KEY_TAB } },
    { "Shift+Alt+Tab", 3, { KEY_LEFTSHIFT, KEY_LEFTALT, KEY_TAB } },
    { "AltGr+E", 2, { KEY_RIGHTALT, KEY_E } },
    { "Ctrl+Shift+Esc", 3, { KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_ESC } },
    { "Ctrl+Shift+Escape", 3, { KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_ESC } },
    { "Alt+Enter", 2, { KEY_LEFTALT, KEY_ENTER } },
    { "Alt+Return", 2, { KEY_LEFTALT, KEY_ENTER } },
    { "F1", 1, { KEY_F1 } },
    { "f10", 1, { KEY_F10 } },
    { "Alt+F12", 2, { KEY_LEFTALT, KEY_F12 } },
    { "F", 1, { KEY_F } },
    { "Ctrl+1", 2, { KEY_LEFTCTRL, KEY_1 } },
    { "Ctrl+9", 2, { KEY_LEFTCTRL, KEY_9 } },
    { "Ctrl+0", 2, { KEY_LEFTCTRL, KEY_0 } },
    { "Ctrl+a", 2, { KEY_LEFTCTRL, KEY_A } },
    { "Ctrl+Z", 2, { KEY_LEFTCTRL, KEY_Z } },
    { "Insert", 1, { KEY_INSERT } },
    { "Shift+Home", 2, { KEY_LEFTSHIFT, KEY_HOME } },
    { "Shift+End", 2, { KEY_LEFTSHIFT, KEY_END } },
    { "PageUp", 1, { KEY_PAGEUP } },
    { "pagedown", 1, { KEY_PAGEDOWN } },
    { "PgUp+PgDn", 2, { KEY_PAGEUP, KEY_PAGEDOWN } },
    { "Up+Down+Left+Right", 4, { KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT } },
    { "PrintScreen", 1, { KEY_SYSRQ } },
    { "Print", 1, { KEY_SYSRQ } },
    { "Alt+SysRq+B", 3, { KEY_LEFTALT, KEY_SYSRQ, KEY_B } },
    { "Pause", 1, { KEY_PAUSE } },
    { "Ctrl+Pause", 2, { KEY_LEFTCTRL, KEY_PAUSE } },
    { "A+B+C+D+E+F+G+H", 8, { KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS] = { 0 };
      guint n = 99;

      if (!vireo_keymap_parse_combo (good[i].text, keys, &n, &error))
        g_error ("“%s” refused: %s", good[i].text, error->message);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, good[i].n);
      g_assert_cmpmem (keys, n * sizeof (guint), good[i].keys, good[i].n * sizeof (guint));
    }
}

static void
test_parse_bad (void)
{
  const struct {
    const char *text;
    const char *named; /* what the message must quote, or NULL */
  } bad[] = {
    { "", NULL },
    { "   ", NULL },
    { "+", "+" },
    { "Ctrl+", "Ctrl+" },
    { "+A", "+A" },
    { "Ctrl++A", "Ctrl++A" },
    { "Ctrl+ +A", "Ctrl+ +A" },
    { "Ctrl+Foo", "Foo" },
    { "Ctrl+Alt+Del!", "Del!" },
    { "Ctrl-Alt-Del", "Ctrl-Alt-Del" },
    { "Ctrl Alt", "Ctrl Alt" },
    { "F0", "F0" },
    { "F01", "F01" },
    { "F25", "F25" },
    { "F100", "F100" },
    { "Shift+F13", "F13" },
    { "F24", "F24" },
    { "Ctrl+Ctrl", "Ctrl" },
    { "Ctrl+Alt+Control", "Control" },
    { "Print+SysRq", "SysRq" },
    { "A+B+C+D+E+F+G+H+I", "A+B+C+D+E+F+G+H+I" },
    { "Ctrl+Ä", "Ä" },
    { "Ctrl+\xff", NULL },
    { "Ctrl+é", "é" },
    { "Ctrl+Alt+Supr", "Supr" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS] = { 7, 7, 7, 7, 7, 7, 7, 7 };
      guint n = 99;

      if (vireo_keymap_parse_combo (bad[i].text, keys, &n, &error))
        g_error ("bad combination %u accepted", i);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_test_message ("%s", error->message);
      g_assert_cmpuint (n, ==, 0);
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        g_assert_cmpuint (keys[k], ==, 7);

      if (bad[i].named != NULL)
        {
          g_autofree char *quoted = g_strdup_printf ("“%s”", bad[i].named);

          g_assert_nonnull (strstr (error->message, quoted));
        }
    }

  /* A NULL error is fine too */
  {
    guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
    guint n = 99;

    g_assert_false (vireo_keymap_parse_combo ("Nope", keys, &n, NULL));
    g_assert_cmpuint (n, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewer/keymap/iso-105", test_iso_105);
  g_test_add_func ("/viewer/keymap/documented-values", test_documented_values);
  g_test_add_func ("/viewer/keymap/encodings-agree", test_encodings_agree);
  g_test_add_func ("/viewer/keymap/unmapped", test_unmapped);
  g_test_add_func ("/viewer/keymap/pause", test_pause);
  g_test_add_func ("/viewer/keymap/gdk-keycode", test_gdk_keycode);
  g_test_add_func ("/viewer/keymap/send-key-combos", test_send_key_combos);
  g_test_add_func ("/viewer/keymap/parse/good", test_parse_good);
  g_test_add_func ("/viewer/keymap/parse/bad", test_parse_bad);

  return g_test_run ();
}
