/* test-machine-util.c: how the app words a machine's facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "vireo-machine-util.h"

static void
test_memory (void)
{
  g_autofree char *m512 = vireo_format_memory (512);
  g_autofree char *m2048 = vireo_format_memory (2048);
  g_autofree char *m1536 = vireo_format_memory (1536);

  g_assert_cmpstr (m512, ==, "512.0\u00a0MiB");
  g_assert_cmpstr (m2048, ==, "2.0\u00a0GiB");
  g_assert_cmpstr (m1536, ==, "1.5\u00a0GiB");
}

static void
test_states (void)
{
  g_assert_cmpstr (vireo_state_label (VIREO_MACHINE_STATE_RUNNING), ==, "Running");
  g_assert_cmpstr (vireo_state_label (VIREO_MACHINE_STATE_SHUTOFF), ==, "Shut Off");
  g_assert_cmpstr (vireo_state_label (VIREO_MACHINE_STATE_SAVED), ==, "Saved");
  g_assert_cmpstr (vireo_state_label (vireo_machine_state_from_string ("nonsense")), ==, "Unknown");
  g_assert_cmpstr (vireo_state_label (42), ==, "Unknown");
  g_assert_cmpstr (vireo_state_icon_name (VIREO_MACHINE_STATE_PAUSED), ==, "media-playback-pause-symbolic");
  g_assert_cmpstr (vireo_state_css_class (VIREO_MACHINE_STATE_CRASHED), ==, "state-crashed");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/util/memory", test_memory);
  g_test_add_func ("/app/util/states", test_states);

  return g_test_run ();
}
