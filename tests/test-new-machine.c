/* test-new-machine.c: a new machine's choices (lib/vireo-new-machine.c), against the
 * system's libosinfo database. Detection from real media is tested in test-vireoctl.py
 * (ISOs made there with grub-mkrescue).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "vireo-error.h"
#include "vireo-new-machine.h"

static void
test_defaults (void)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();
  g_autofree char *name = NULL;
  const char *taken[] = { "machine", "machine-2", "debian11", NULL };

  g_assert_null (machine->os_id);
  g_assert_cmpuint (machine->memory_mib, ==, VIREO_NEW_MACHINE_MEMORY_MIB);
  g_assert_cmpuint (machine->vcpus, ==, VIREO_NEW_MACHINE_VCPUS);
  g_assert_cmpuint (machine->disk_gib, ==, VIREO_NEW_MACHINE_DISK_GIB);
  g_assert_false (machine->express);
  name = vireo_new_machine_propose_name (machine, taken);
  g_assert_cmpstr (name, ==, "machine-3");
}

static void
test_set_os (void)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const char *taken[] = { "debian11", NULL };

  /* By short id, as people type it, or by id; with its recommended resources. */
  g_assert_true (vireo_new_machine_set_os (machine, "debian11", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (machine->os_id, ==, "http://debian.org/debian/11");
  g_assert_cmpstr (machine->os_name, ==, "Debian 11");
  g_assert_cmpuint (machine->memory_mib, ==, 1024);
  g_assert_cmpuint (machine->disk_gib, ==, 20);
  /* Express installation needs a medium of the system (its script goes where the medium's
   * entry says): none was read. */
  g_assert_false (machine->express);
  name = vireo_new_machine_propose_name (machine, taken);
  g_assert_cmpstr (name, ==, "debian11-2");

  /* Windows 10: its own minimum (2 GiB) beats the recommendation it inherits (1 GiB). */
  g_assert_true (vireo_new_machine_set_os (machine, "http://microsoft.com/win/10", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (machine->memory_mib, ==, 2048);
  g_assert_cmpuint (machine->disk_gib, ==, 40);

  g_assert_cmpstr (machine->firmware, ==, "bios");   /* Windows 10 still boots from BIOS */
  g_assert_false (machine->secure_boot);

  /* Windows 11 cannot: UEFI, Secure Boot and a TPM, which it refuses to install without. */
  g_assert_true (vireo_new_machine_set_os (machine, "win11", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (machine->firmware, ==, "efi");
  g_assert_true (machine->secure_boot);
  g_assert_true (machine->tpm);

  /* Unknown: refused, the choice unchanged. */
  g_assert_false (vireo_new_machine_set_os (machine, "nosuch", &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
  g_assert_cmpstr (machine->os_id, ==, "http://microsoft.com/win/11");

  /* None: the defaults. */
  g_assert_true (vireo_new_machine_set_os (machine, NULL, NULL));
  g_assert_null (machine->os_id);
  g_assert_null (machine->os_name);
  g_assert_cmpuint (machine->memory_mib, ==, VIREO_NEW_MACHINE_MEMORY_MIB);
}

static void
test_list_os (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) choices = vireo_new_machine_list_os (&error);
  gboolean debian = FALSE, windows = FALSE;

  g_assert_no_error (error);
  g_assert_cmpuint (choices->len, >, 100);
  for (guint i = 0; i < choices->len; i++)
    {
      VireoOsChoice *choice = g_ptr_array_index (choices, i);

      if (i > 0)
        g_assert_cmpint (g_utf8_collate (((VireoOsChoice *) g_ptr_array_index (choices, i - 1))->name, choice->name), <=, 0);
      debian |= g_str_equal (choice->id, "http://debian.org/debian/11") && g_str_equal (choice->name, "Debian 11");
      windows |= g_str_equal (choice->id, "http://microsoft.com/win/10") && g_str_equal (choice->name, "Microsoft Windows 10");
    }
  g_assert_true (debian);
  g_assert_true (windows);
}

static void
test_bound (void)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();

  g_assert_true (vireo_new_machine_set_os (machine, "ubuntu22.04", NULL));
  g_assert_cmpuint (machine->memory_mib, ==, 4096);
  /* At most half the host's memory, and its CPUs; an unknown host changes nothing. */
  machine->vcpus = 8;
  vireo_new_machine_bound (machine, 0, 0);
  g_assert_cmpuint (machine->memory_mib, ==, 4096);
  g_assert_cmpuint (machine->vcpus, ==, 8);
  vireo_new_machine_bound (machine, 6000, 2);
  g_assert_cmpuint (machine->memory_mib, ==, 3000);
  g_assert_cmpuint (machine->vcpus, ==, 2);
}

static void
test_detect_refused (void)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (vireo_new_machine_detect (machine, "relative.iso", NULL, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vireo_new_machine_detect (machine, "/nonexistent/x.iso", NULL, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vireo_new_machine_detect (machine, "/tmp", NULL, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
  g_assert_null (machine->iso);
}

static void
detected_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Read in a worker thread, the way the assistant reads a medium: a Windows 11 ISO (made here
 * with grub-mkrescue, carrying the volume id and publisher of Microsoft's) is Windows 11,
 * with the firmware and resources it needs. */
static void
test_detect_async (void)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-new-machine-XXXXXX", &error);
  g_autofree char *grub = g_build_filename (dir, "root", "boot", "grub", NULL);
  g_autofree char *cfg = g_build_filename (grub, "grub.cfg", NULL);
  g_autofree char *root = g_build_filename (dir, "root", NULL);
  g_autofree char *iso = g_build_filename (dir, "win11.iso", NULL);
  g_autofree char *cleanup = g_strdup_printf ("rm -rf '%s'", dir);
  const char *argv[] = { "grub-mkrescue", "-o", iso, root, "--", "-volid", "CCCOMA_X64FRE_EN-US_DV9",
                         "-publisher", "MICROSOFT CORPORATION", NULL };
  int status = -1;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (grub, 0755), ==, 0);
  g_assert_true (g_file_set_contents (cfg, "set timeout=-1\n", -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                               | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  vireo_new_machine_detect_async (machine, iso, NULL, detected_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (vireo_new_machine_detect_finish (machine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (machine->os_id, ==, "http://microsoft.com/win/11");
  g_assert_cmpstr (machine->iso, ==, iso);
  g_assert_cmpstr (machine->firmware, ==, "efi");
  g_assert_true (machine->secure_boot);
  g_assert_true (machine->tpm);
  g_assert_cmpuint (machine->memory_mib, ==, 4096);

  g_assert_true (g_spawn_command_line_sync (cleanup, NULL, NULL, NULL, NULL));
}

static void
test_to_spec (void)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();
  g_autoptr(GVariant) spec = NULL;
  g_autofree char *text = NULL;

  g_assert_true (vireo_new_machine_set_os (machine, "debian11", NULL));
  machine->name = g_strdup ("web");
  machine->iso = g_strdup ("/srv/debian.iso");
  spec = g_variant_ref_sink (vireo_new_machine_to_spec (machine));
  text = g_variant_print (spec, TRUE);
  g_assert_cmpstr (text, ==, "{'name': <'web'>, 'memory-mib': <uint64 1024>, 'vcpus': <uint32 1>, "
                             "'disk-gib': <uint64 20>, 'iso': <'/srv/debian.iso'>, "
                             "'os-id': <'http://debian.org/debian/11'>, 'firmware': <'bios'>, 'network': <'default'>}");
}

/* A medium downloaded from the catalogue: the system and express installation from the
 * database's entry for its address, the volume used in place. */
static void
test_use_download (void)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) spec = NULL;
  const char *volume = NULL;

  machine->iso = g_strdup ("/tmp/earlier-choice.iso");
  g_assert_true (vireo_new_machine_use_download (machine, "http://debian.org/debian/11",
                                                 "https://cdimage.debian.org/cdimage/release/11.5.0/amd64/iso-cd/debian-11.5.0-amd64-netinst.iso",
                                                 "debian-11.5.0-amd64-netinst.iso", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (machine->os_id, ==, "http://debian.org/debian/11");
  g_assert_cmpstr (machine->os_short_id, ==, "debian11");
  g_assert_true (machine->express);
  g_assert_null (machine->iso);
  spec = g_variant_ref_sink (vireo_new_machine_to_spec (machine));
  g_assert_true (g_variant_lookup (spec, "iso-volume", "&s", &volume));
  g_assert_cmpstr (volume, ==, "debian-11.5.0-amd64-netinst.iso");
  g_assert_false (g_variant_lookup (spec, "iso", "&s", NULL));

  /* An address the database does not list for it: no express installation. */
  g_assert_true (vireo_new_machine_use_download (machine, "http://debian.org/debian/11", "http://127.0.0.1/other.iso",
                                                 "other.iso", NULL));
  g_assert_false (machine->express);
  g_assert_cmpstr (machine->iso_volume, ==, "other.iso");
  /* A system the database does not know. */
  g_assert_false (vireo_new_machine_use_download (machine, "http://example.com/nosuch/1", NULL, "x.iso", &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/new-machine/defaults", test_defaults);
  g_test_add_func ("/new-machine/set-os", test_set_os);
  g_test_add_func ("/new-machine/list-os", test_list_os);
  g_test_add_func ("/new-machine/bound", test_bound);
  g_test_add_func ("/new-machine/detect-refused", test_detect_refused);
  g_test_add_func ("/new-machine/detect-async", test_detect_async);
  g_test_add_func ("/new-machine/to-spec", test_to_spec);
  g_test_add_func ("/new-machine/use-download", test_use_download);

  return g_test_run ();
}
