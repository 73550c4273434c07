/* vireo-host.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-host"

#include "config.h"

#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vireo-error.h"
#include "vireo-host.h"

gboolean
vireo_accel_mode_parse (const char     *text,
                        VireoAccelMode *mode)
{
  if (g_strcmp0 (text, "auto") == 0)
    *mode = VIREO_ACCEL_AUTO;
  else if (g_strcmp0 (text, "kvm") == 0)
    *mode = VIREO_ACCEL_KVM;
  else if (g_strcmp0 (text, "tcg") == 0)
    *mode = VIREO_ACCEL_TCG;
  else
    return FALSE;

  return TRUE;
}

/**
 * vireo_kvm_probe_read:
 * @probe: (out caller-allocates): the result
 * @sys_module_dir: "/sys/module", or a copy of it in tests
 * @dev_kvm: "/dev/kvm", or a stand-in in tests
 *
 * Finds out whether /dev/kvm can be opened and which module provides it. Some hosts have a
 * /dev/kvm from a module other than kvm_intel or kvm_amd (kvm_pvm) that runs the firmware and
 * then hangs an ordinary guest, so the module matters as much as the device.
 */
void
vireo_kvm_probe_read (VireoKvmProbe *probe,
                      const char    *sys_module_dir,
                      const char    *dev_kvm)
{
  static const char *const vendor_modules[] = { "kvm_intel", "kvm_amd" };
  g_autoptr(GDir) dir = NULL;
  int fd;

  memset (probe, 0, sizeof *probe);

  probe->dev_kvm_exists = g_file_test (dev_kvm, G_FILE_TEST_EXISTS);
  fd = g_open (dev_kvm, O_RDWR | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      probe->dev_kvm_usable = TRUE;
      close (fd);
    }

  for (guint i = 0; i < G_N_ELEMENTS (vendor_modules); i++)
    {
      g_autofree char *path = g_build_filename (sys_module_dir, vendor_modules[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          probe->kvm_module = g_strdup (vendor_modules[i]);
          return;
        }
    }

  /* No vendor module: name whatever else holds the kvm core, for the sentence. */
  dir = g_dir_open (sys_module_dir, 0, NULL);
  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          if (g_str_has_prefix (name, "kvm_"))
            {
              probe->other_module = g_strdup (name);
              break;
            }
        }
    }
}

void
vireo_kvm_probe_clear (VireoKvmProbe *probe)
{
  g_clear_pointer (&probe->kvm_module, g_free);
  g_clear_pointer (&probe->other_module, g_free);
}

/**
 * vireo_accel_choose:
 * @mode: what the administrator asked for
 * @probe: what the host has
 * @reason: (out): a sentence that says why
 *
 * Returns: %TRUE for KVM, %FALSE for TCG (QEMU's own CPU emulation)
 */
gboolean
vireo_accel_choose (VireoAccelMode       mode,
                    const VireoKvmProbe *probe,
                    char               **reason)
{
  switch (mode)
    {
    case VIREO_ACCEL_KVM:
      *reason = g_strdup (_("KVM is used because it was asked for (--accel=kvm)."));
      return TRUE;

    case VIREO_ACCEL_TCG:
      *reason = g_strdup (_("QEMU emulates the CPU (TCG) because it was asked for (--accel=tcg); machines run slowly."));
      return FALSE;

    case VIREO_ACCEL_AUTO:
    default:
      break;
    }

  if (!probe->dev_kvm_exists)
    {
      *reason = g_strdup (_("QEMU emulates the CPU (TCG) because /dev/kvm does not exist: "
                            "hardware virtualization is off in the firmware or not supported; machines run slowly."));
      return FALSE;
    }

  if (!probe->dev_kvm_usable)
    {
      *reason = g_strdup (_("QEMU emulates the CPU (TCG) because /dev/kvm cannot be opened; machines run slowly."));
      return FALSE;
    }

  if (probe->kvm_module == NULL)
    {
      if (probe->other_module != NULL)
        *reason = g_strdup_printf (_("QEMU emulates the CPU (TCG) because /dev/kvm is provided by %s, "
                                     "not by kvm_intel or kvm_amd, and ordinary guests hang under it; "
                                     "machines run slowly."),
                                   probe->other_module);
      else
        *reason = g_strdup (_("QEMU emulates the CPU (TCG) because neither kvm_intel nor kvm_amd is loaded; "
                              "machines run slowly."));
      return FALSE;
    }

  *reason = g_strdup_printf (_("KVM is used: /dev/kvm is usable and provided by %s."), probe->kvm_module);
  return TRUE;
}

/**
 * vireo_host_cpu_model:
 *
 * Returns: (nullable): the CPU's marketing name from /proc/cpuinfo
 */
char *
vireo_host_cpu_model (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &contents, NULL, NULL))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "model name"))
        {
          const char *colon = strchr (lines[i], ':');

          if (colon != NULL)
            return g_strstrip (g_strdup (colon + 1));
        }
    }

  return NULL;
}
