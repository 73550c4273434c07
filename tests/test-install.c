/* test-install.c: express installation (hypervisor/vireo-install.c, lib/vireo-express.c)
 * against the system's libosinfo database and ISOs made here with grub-mkrescue, carrying
 * the volume ids of real media and their installers' files where libosinfo's entries say:
 * the script generated for Debian, Fedora and Windows holds the settings given; it is
 * injected as the entry prescribes (appended to the initrd, or on a small ISO); the end of
 * the install phase takes it all out of the definition; refusals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <string.h>

#include "vireo-error.h"
#include "vireo-install.h"
#include "vireo-machine-spec.h"

#define SECRET "Sekr3t pass-phrase"

static char *tmp_dir;

/* A bootable ISO with @volume_id (and @publisher) and @files (path, contents, …, NULL). */
static char *
make_iso (const char *name,
          const char *volume_id,
          const char *publisher,
          ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_build_filename (tmp_dir, name, "root", NULL);
  g_autofree char *grub = g_build_filename (root, "boot", "grub", NULL);
  g_autofree char *cfg = g_build_filename (grub, "grub.cfg", NULL);
  char *iso = g_strdup_printf ("%s/%s.iso", tmp_dir, name);
  const char *argv[] = { "grub-mkrescue", "-o", iso, root, "--", "-volid", volume_id,
                         publisher != NULL ? "-publisher" : NULL, publisher, NULL };
  const char *path;
  int status = -1;
  va_list args;

  g_assert_cmpint (g_mkdir_with_parents (grub, 0755), ==, 0);
  g_assert_true (g_file_set_contents (cfg, "set timeout=-1\n", -1, NULL));
  va_start (args, publisher);
  while ((path = va_arg (args, const char *)) != NULL)
    {
      const char *contents = va_arg (args, const char *);
      g_autofree char *file = g_build_filename (root, path, NULL);
      g_autofree char *dir = g_path_get_dirname (file);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (g_file_set_contents (file, contents, -1, NULL));
    }
  va_end (args);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                               | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return iso;
}

static VireoExpress *
settings (const char *hostname,
          const char *password)
{
  VireoExpress *express = vireo_express_new ();

  g_assert_true (vireo_express_set (express, "user", "ann", NULL));
  g_assert_true (vireo_express_set (express, "name", "Ann Example", NULL));
  g_assert_true (vireo_express_set (express, "hostname", hostname, NULL));
  g_assert_true (vireo_express_set (express, "timezone", "Europe/Paris", NULL));
  g_assert_true (vireo_express_set (express, "keyboard", "fr", NULL));
  g_assert_true (vireo_express_set (express, "language", "fr_FR", NULL));
  if (password != NULL)
    g_assert_true (vireo_express_set (express, "password", password, NULL));
  g_assert_true (vireo_express_validate (express, NULL));
  return express;
}

/* The one file of @archive (gzip'd cpio, or ISO 9660), and its name. */
static char *
read_only_file (const void  *archive,
                gsize        size,
                char       **name,
                guint       *mode)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  GString *contents = g_string_new (NULL);
  char buf[4096];
  la_ssize_t n;

  archive_read_support_filter_all (a);
  archive_read_support_format_all (a);
  g_assert_cmpint (archive_read_open_memory (a, archive, size), ==, ARCHIVE_OK);
  *name = NULL;
  while (archive_read_next_header (a, &entry) == ARCHIVE_OK)
    {
      if (archive_entry_filetype (entry) != AE_IFREG)
        continue;
      g_assert_null (*name);   /* one file only */
      *name = g_strdup (archive_entry_pathname (entry));
      *mode = archive_entry_perm (entry);
      while ((n = archive_read_data (a, buf, sizeof buf)) > 0)
        g_string_append_len (contents, buf, n);
    }
  archive_read_free (a);
  g_assert_nonnull (*name);
  return g_string_free (contents, FALSE);
}

/* Debian: the preseed appended to the installer's initrd, which the kernel unpacks after
 * the original, with the settings given; the kernel as on the medium. */
static void
test_debian (void)
{
  g_autoptr(VireoExpress) express = settings ("annbox", SECRET);
  g_autofree char *iso = make_iso ("debian", "Debian 11.5.0 amd64 n", NULL,
                                   "install.amd/vmlinuz", "THE KERNEL", "install.amd/initrd.gz", "THE ORIGINAL INITRD", NULL);
  g_autoptr(VireoInstallPlan) plan = NULL;
  g_autoptr(GBytes) kernel = NULL;
  g_autoptr(GBytes) initrd = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *script = NULL;
  const char *data;
  gsize size, tail;
  guint mode = 0;

  plan = vireo_install_plan_new ("http://debian.org/debian/11", iso, express, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->method, ==, OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD);
  g_assert_cmpstr (plan->script_id, ==, "http://debian.org/debian/preseed/desktop");
  g_assert_cmpstr (plan->filename, ==, "preseed.cfg");
  g_assert_nonnull (strstr (plan->script, "d-i passwd/username ann\n"));
  g_assert_nonnull (strstr (plan->script, "d-i netcfg/get_hostname string annbox"));
  g_assert_nonnull (strstr (plan->script, "d-i time/zone select Europe/Paris"));
  g_assert_nonnull (strstr (plan->script, "/dev/vda"));
  g_assert_nonnull (strstr (plan->cmdline, "keyboard-configuration/xkb-keymap=fr"));
  g_assert_null (strstr (plan->cmdline, SECRET));

  g_assert_true (vireo_install_build_initrd (plan, iso, &kernel, &initrd, &error));
  g_assert_no_error (error);
  data = g_bytes_get_data (kernel, &size);
  g_assert_cmpmem (data, size, "THE KERNEL", strlen ("THE KERNEL"));
  /* The original, zeros to four bytes, then a gzip'd newc cpio holding only the script. */
  data = g_bytes_get_data (initrd, &size);
  g_assert_cmpmem (data, strlen ("THE ORIGINAL INITRD"), "THE ORIGINAL INITRD", strlen ("THE ORIGINAL INITRD"));
  tail = (strlen ("THE ORIGINAL INITRD") + 3) & ~3u;
  g_assert_cmpint (data[strlen ("THE ORIGINAL INITRD")], ==, 0);
  g_assert_cmpmem (data + tail, 2, "\x1f\x8b", 2);
  script = read_only_file (data + tail, size - tail, &name, &mode);
  g_assert_cmpstr (name, ==, "preseed.cfg");
  g_assert_cmpuint (mode, ==, 0600);
  g_assert_cmpstr (script, ==, plan->script);

  /* A SATA disk (a system without virtio) is the installer's /dev/sda. */
  g_clear_pointer (&plan, vireo_install_plan_free);
  plan = vireo_install_plan_new ("http://debian.org/debian/11", iso, express, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (plan->script, "/dev/sda"));
}

/* Fedora Server: the kickstart in the initrd, and the kernel told where. */
static void
test_fedora (void)
{
  g_autoptr(VireoExpress) express = settings ("fedbox", SECRET);
  g_autofree char *iso = make_iso ("fedora", "Fedora-S-dvd-x86_64-37", NULL,
                                   "isolinux/vmlinuz", "K", "isolinux/initrd.img", "I", NULL);
  g_autoptr(VireoInstallPlan) plan = NULL;
  g_autoptr(GBytes) kernel = NULL;
  g_autoptr(GBytes) initrd = NULL;
  g_autoptr(GError) error = NULL;

  plan = vireo_install_plan_new ("http://fedoraproject.org/fedora/37", iso, express, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->method, ==, OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD);
  g_assert_cmpstr (plan->filename, ==, "fedora.ks");
  g_assert_cmpstr (plan->cmdline, ==, "inst.ks=file:/fedora.ks");
  g_assert_nonnull (strstr (plan->script, "useradd -G wheel ann "));
  g_assert_nonnull (strstr (plan->script, "--hostname=fedbox"));
  g_assert_nonnull (strstr (plan->script, "timezone --utc Europe/Paris"));
  g_assert_true (vireo_install_build_initrd (plan, iso, &kernel, &initrd, &error));
  g_assert_no_error (error);
}

/* Windows 10: autounattend.xml on a small ISO of its own; the settings it takes (libosinfo's
 * Windows script has no time zone). */
static void
test_windows (void)
{
  g_autoptr(VireoExpress) express = settings ("WINBOX", SECRET);
  g_autofree char *iso = make_iso ("windows", "CENA_X64FREV_EN-US_DV5", "MICROSOFT CORPORATION", NULL);
  g_autoptr(VireoInstallPlan) plan = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *script = NULL;
  const char *data;
  gsize size;
  guint mode = 0;

  plan = vireo_install_plan_new ("http://microsoft.com/win/10", iso, express, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->method, ==, OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM);
  g_assert_cmpstr (plan->script_id, ==, "http://microsoft.com/windows/unattend/desktop");
  g_assert_cmpstr (plan->filename, ==, "autounattend.xml");
  g_assert_null (plan->cmdline);
  g_assert_true (g_regex_match_simple ("<Name>\\s*ann\\s*</Name>", plan->script, 0, 0));
  g_assert_true (g_regex_match_simple ("<ComputerName>\\s*WINBOX\\s*</ComputerName>", plan->script, 0, 0));

  image = vireo_install_build_script_iso (plan, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (image, &size);
  /* ISO 9660's primary volume descriptor, at 32 KiB */
  g_assert_cmpmem (data + 0x8001, 5, "CD001", 5);
  g_assert_cmpmem (data + 0x8028, 6, "OEMDRV", 6);
  script = read_only_file (data, size, &name, &mode);
  g_assert_cmpstr (name, ==, "autounattend.xml");
  g_assert_cmpstr (script, ==, plan->script);
}

static void
test_refusals (void)
{
  g_autoptr(VireoExpress) express = settings ("box", SECRET);
  g_autoptr(VireoExpress) no_password = settings ("box", NULL);
  g_autofree char *bare = make_iso ("bare-debian", "Debian 11.5.0 amd64 n", NULL, NULL);
  g_autofree char *unknown = make_iso ("unknown", "NOTHING LIBOSINFO KNOWS", NULL, NULL);
  g_autoptr(VireoInstallPlan) plan = NULL;
  g_autoptr(GBytes) kernel = NULL;
  g_autoptr(GBytes) initrd = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoExpress) bad = vireo_express_new ();

  /* Debian's preseed takes no account without a password. */
  plan = vireo_install_plan_new ("http://debian.org/debian/11", bare, no_password, TRUE, NULL, &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "needs a password for the user"));
  g_clear_error (&error);

  /* The system chosen is not the medium's, or libosinfo does not know the medium. */
  plan = vireo_install_plan_new ("http://fedoraproject.org/fedora/37", bare, express, TRUE, NULL, &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "installation medium of Fedora"));
  g_clear_error (&error);
  plan = vireo_install_plan_new ("http://debian.org/debian/11", unknown, express, TRUE, NULL, &error);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* A medium without the installer where libosinfo says it is. */
  plan = vireo_install_plan_new ("http://debian.org/debian/11", bare, express, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (vireo_install_build_initrd (plan, bare, &kernel, &initrd, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "install.amd/"));
  g_clear_error (&error);

  /* What could end a script's line or quotes is refused, as are unknown settings. */
  g_assert_false (vireo_express_validate (bad, &error));   /* no user */
  g_clear_error (&error);
  g_assert_true (vireo_express_set (bad, "user", "ann", NULL));
  g_assert_true (vireo_express_set (bad, "password", "it's", NULL));
  g_assert_false (vireo_express_validate (bad, &error));
  g_assert_nonnull (strstr (error->message, "password"));
  g_clear_error (&error);
  g_assert_true (vireo_express_set (bad, "password", "fine", NULL));
  g_assert_true (vireo_express_set (bad, "name", "Ann\nrootpw x", NULL));
  g_assert_false (vireo_express_validate (bad, &error));
  g_clear_error (&error);
  g_assert_true (vireo_express_set (bad, "name", "Ann", NULL));
  g_assert_true (vireo_express_set (bad, "hostname", "-box", NULL));
  g_assert_false (vireo_express_validate (bad, &error));
  g_clear_error (&error);
  g_assert_false (vireo_express_set (bad, "colour", "blue", &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
}

/* The session's proposal, and the host name made from a machine's name. */
static void
test_session (void)
{
  g_autoptr(VireoExpress) express = vireo_express_new_from_session ("Debian 12 (work)");
  g_autofree char *plain = vireo_express_hostname_for ("--");

  g_assert_cmpstr (express->hostname, ==, "debian-12-work");
  g_assert_cmpstr (plain, ==, "guest");
  g_assert_nonnull (express->timezone);
  g_assert_nonnull (express->keyboard);
  g_assert_nonnull (express->language);
  g_assert_null (express->user_password);
  g_assert_true (vireo_express_validate (express, NULL));
}

/* The install phase's definition, and what its end leaves: the machine as if made by hand,
 * its libosinfo metadata kept; the password in neither. */
static void
test_finish (void)
{
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(VireoExpress) express = settings ("box", SECRET);
  g_autoptr(VireoMachineSpec) spec = NULL;
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  VireoMachineTarget target = {
    .virt_type = GVIR_CONFIG_DOMAIN_VIRT_QEMU, .arch = "x86_64", .machine = "q35",
    .disk_path = "/pool/m.qcow2", .iso_path = "/pool/m.iso", .os_devices = VIREO_OS_VIRTIO_BLOCK,
    .kernel_path = "/pool/m-install-kernel", .initrd_path = "/pool/m-install-initrd",
    .cmdline = "inst.ks=file:/fedora.ks", .script_iso_path = "/pool/m-install-script.iso",
  };
  g_autofree char *xml = NULL;
  g_autofree char *finished = NULL;
  gboolean restart = FALSE;

  g_variant_builder_add (builder, "{sv}", "name", g_variant_new_string ("m"));
  g_variant_builder_add (builder, "{sv}", "iso", g_variant_new_string ("/home/ann/f.iso"));
  g_variant_builder_add (builder, "{sv}", "os-id", g_variant_new_string ("http://fedoraproject.org/fedora/37"));
  g_variant_builder_add (builder, "{sv}", "disk-gib", g_variant_new_uint64 (20));
  g_variant_builder_add (builder, "{sv}", "express", vireo_express_to_variant (express));
  spec = vireo_machine_spec_new_from_variant (g_variant_builder_end (builder), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (spec->express->user_password, ==, SECRET);

  xml = vireo_machine_spec_to_xml (spec, &target);
  g_assert_null (strstr (xml, SECRET));
  g_assert_nonnull (strstr (xml, "<kernel>/pool/m-install-kernel</kernel>"));
  g_assert_nonnull (strstr (xml, "<cmdline>inst.ks=file:/fedora.ks</cmdline>"));
  g_assert_nonnull (strstr (xml, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (xml, "<source file=\"/pool/m-install-script.iso\"/>"));

  finished = vireo_install_finish_xml (xml, volumes, &restart);
  g_assert_nonnull (finished);
  g_assert_true (restart);
  g_assert_cmpuint (volumes->len, ==, 3);
  g_assert_cmpstr (volumes->pdata[0], ==, "/pool/m-install-kernel");
  g_assert_cmpstr (volumes->pdata[1], ==, "/pool/m-install-initrd");
  g_assert_cmpstr (volumes->pdata[2], ==, "/pool/m-install-script.iso");
  g_assert_null (strstr (finished, "install-"));
  g_assert_null (strstr (finished, "<kernel>"));
  g_assert_null (strstr (finished, "cmdline"));
  g_assert_null (strstr (finished, "on_reboot"));
  g_assert_null (strstr (finished, "<boot dev=\"cdrom\"/>"));
  g_assert_nonnull (strstr (finished, "<boot dev=\"hd\"/>"));
  g_assert_null (strstr (finished, VIREO_NS));
  g_assert_nonnull (strstr (finished, "<source file=\"/pool/m.iso\"/>"));
  g_assert_nonnull (strstr (finished, "<source file=\"/pool/m.qcow2\"/>"));
  g_assert_nonnull (strstr (finished, "http://fedoraproject.org/fedora/37"));
  g_assert_null (vireo_install_finish_xml (finished, volumes, &restart));

  /* Express installation needs a medium, its system and a disk. */
  builder = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (builder, "{sv}", "name", g_variant_new_string ("m"));
  g_variant_builder_add (builder, "{sv}", "express", vireo_express_to_variant (express));
  g_assert_null (vireo_machine_spec_new_from_variant (g_variant_builder_end (builder), &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cleanup = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-install-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/install/debian", test_debian);
  g_test_add_func ("/install/fedora", test_fedora);
  g_test_add_func ("/install/windows", test_windows);
  g_test_add_func ("/install/refusals", test_refusals);
  g_test_add_func ("/install/session", test_session);
  g_test_add_func ("/install/finish", test_finish);
  status = g_test_run ();

  cleanup = g_strdup_printf ("rm -rf '%s'", tmp_dir);
  g_spawn_command_line_sync (cleanup, NULL, NULL, NULL, NULL);
  g_free (tmp_dir);
  return status;
}
