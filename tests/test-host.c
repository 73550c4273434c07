/* test-host.c: accelerator choice, files opened as the caller, libvirt error mapping, and
 * the facts read from domain XML
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vireo-as-caller.h"
#include "vireo-domain-facts.h"
#include "vireo-error.h"
#include "vireo-host.h"
#include "vireo-libvirt.h"
#include "vireo-os-names.h"

/* A fake /sys/module with the given modules, and a fake /dev/kvm when @dev_kvm. */
static char *
make_host (const char *const *modules,
           gboolean           dev_kvm)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("vireo-host-XXXXXX", &error);
  g_autofree char *sys = NULL;

  g_assert_no_error (error);
  sys = g_build_filename (root, "module", NULL);
  g_assert_cmpint (g_mkdir (sys, 0755), ==, 0);
  for (guint i = 0; modules[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (sys, modules[i], NULL);
      g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
    }
  if (dev_kvm)
    {
      g_autofree char *kvm = g_build_filename (root, "kvm", NULL);
      g_assert_true (g_file_set_contents (kvm, "", 0, NULL));
    }
  return root;
}

static void
remove_host (const char *root)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", root);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

static gboolean
choose (const char *const *modules,
        gboolean           dev_kvm,
        VireoAccelMode     mode,
        char             **reason)
{
  g_autofree char *root = make_host (modules, dev_kvm);
  g_autofree char *sys = g_build_filename (root, "module", NULL);
  g_autofree char *kvm = g_build_filename (root, "kvm", NULL);
  VireoKvmProbe probe;
  gboolean use_kvm;

  vireo_kvm_probe_read (&probe, sys, kvm);
  use_kvm = vireo_accel_choose (mode, &probe, reason);
  vireo_kvm_probe_clear (&probe);
  remove_host (root);
  return use_kvm;
}

static void
test_accel (void)
{
  const char *intel[] = { "kvm", "kvm_intel", NULL };
  const char *amd[] = { "kvm", "kvm_amd", NULL };
  const char *pvm[] = { "kvm", "kvm_pvm", NULL };
  const char *none[] = { NULL };
  g_autofree char *reason = NULL;
  VireoAccelMode mode;

  g_assert_true (choose (intel, TRUE, VIREO_ACCEL_AUTO, &reason));
  g_assert_nonnull (strstr (reason, "kvm_intel"));
  g_clear_pointer (&reason, g_free);

  g_assert_true (choose (amd, TRUE, VIREO_ACCEL_AUTO, &reason));
  g_assert_nonnull (strstr (reason, "kvm_amd"));
  g_clear_pointer (&reason, g_free);

  /* This machine's case: /dev/kvm from kvm_pvm, which hangs ordinary guests. */
  g_assert_false (choose (pvm, TRUE, VIREO_ACCEL_AUTO, &reason));
  g_assert_nonnull (strstr (reason, "kvm_pvm"));
  g_assert_nonnull (strstr (reason, "TCG"));
  g_clear_pointer (&reason, g_free);

  g_assert_false (choose (intel, FALSE, VIREO_ACCEL_AUTO, &reason));
  g_assert_nonnull (strstr (reason, "/dev/kvm does not exist"));
  g_clear_pointer (&reason, g_free);

  g_assert_false (choose (none, TRUE, VIREO_ACCEL_AUTO, &reason));
  g_assert_nonnull (strstr (reason, "neither kvm_intel nor kvm_amd"));
  g_clear_pointer (&reason, g_free);

  g_assert_false (choose (intel, TRUE, VIREO_ACCEL_TCG, &reason));
  g_clear_pointer (&reason, g_free);
  g_assert_true (choose (pvm, TRUE, VIREO_ACCEL_KVM, &reason));
  g_clear_pointer (&reason, g_free);

  g_assert_true (vireo_accel_mode_parse ("auto", &mode) && mode == VIREO_ACCEL_AUTO);
  g_assert_true (vireo_accel_mode_parse ("kvm", &mode) && mode == VIREO_ACCEL_KVM);
  g_assert_true (vireo_accel_mode_parse ("tcg", &mode) && mode == VIREO_ACCEL_TCG);
  g_assert_false (vireo_accel_mode_parse ("hvf", &mode));
  g_assert_false (vireo_accel_mode_parse (NULL, &mode));
}

/* Reads the whole file as @uid. */
static char *
read_as (uid_t        uid,
         const char  *path,
         GError     **error)
{
  g_autoptr(VireoCallerFile) file = vireo_caller_file_open (uid, path, error);
  g_autoptr(GString) contents = g_string_new (NULL);
  char buf[7];
  gssize n;

  if (file == NULL)
    return NULL;

  while ((n = vireo_caller_file_read (file, buf, sizeof buf, error)) > 0)
    g_string_append_len (contents, buf, n);
  if (n < 0)
    return NULL;

  g_assert_cmpuint (vireo_caller_file_get_size (file), ==, contents->len);
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

static void
test_caller_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-open-XXXXXX", &error);
  g_autofree char *open_file = g_build_filename (dir, "public.iso", NULL);
  g_autofree char *secret = g_build_filename (dir, "secret.iso", NULL);
  g_autofree char *link = g_build_filename (dir, "link.iso", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.iso", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.iso", NULL);
  g_autofree char *big = g_build_filename (dir, "big.iso", NULL);
  g_autofree char *big_contents = g_malloc (3 * 1024 * 1024 + 17);
  g_autofree char *contents = NULL;
  struct passwd *nobody;
  gint64 start;

  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (open_file, "iso", -1, NULL));
  g_assert_cmpint (g_chmod (open_file, 0644), ==, 0);
  g_assert_true (g_file_set_contents (secret, "secret", -1, NULL));
  g_assert_cmpint (g_chmod (secret, 0600), ==, 0);
  g_assert_cmpint (symlink (open_file, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0666), ==, 0);
  for (gsize i = 0; i < 3 * 1024 * 1024 + 17; i++)
    big_contents[i] = (char) (i * 7 + i / 4096);
  g_assert_true (g_file_set_contents (big, big_contents, 3 * 1024 * 1024 + 17, NULL));
  g_assert_cmpint (g_chmod (big, 0644), ==, 0);

  /* As ourselves: what the file holds, through a link too, byte for byte. */
  contents = read_as (geteuid (), link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "iso");
  g_clear_pointer (&contents, g_free);

  contents = read_as (geteuid (), big, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (contents, big_contents, 3 * 1024 * 1024 + 17) == 0);
  g_clear_pointer (&contents, g_free);

  g_assert_null (read_as (geteuid (), missing, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (read_as (geteuid (), dir, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A FIFO nobody writes to is refused at once, not waited on. */
  start = g_get_monotonic_time ();
  g_assert_null (read_as (geteuid (), fifo, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_clear_error (&error);

  /* As another user: only as root can the helper take on another uid. */
  nobody = getpwnam ("nobody");
  if (geteuid () == 0 && nobody != NULL)
    {
      contents = read_as (nobody->pw_uid, link, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, "iso");
      g_clear_pointer (&contents, g_free);

      /* Root can read it; nobody cannot, so the helper refuses it for nobody. */
      g_assert_null (read_as (nobody->pw_uid, secret, &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "cannot read"));
      g_clear_error (&error);

      g_assert_null (read_as (nobody->pw_uid, missing, &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
  else
    g_test_message ("Not root: the other-user cases need root");

  g_unlink (link);
  g_unlink (open_file);
  g_unlink (secret);
  g_unlink (fifo);
  g_unlink (big);
  g_rmdir (dir);
}

static char *
make_disk (const char *dir,
           const char *name,
           uid_t       owner)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, "disk", -1, NULL));
  g_assert_cmpint (chown (path, owner, (gid_t) -1), ==, 0);
  return path;
}

static void
test_caller_unlink (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("vireo-unlink-XXXXXX", &error);
  g_autofree char *user_dir = g_build_filename (root, "user", NULL);
  g_autofree char *user_sub = g_build_filename (user_dir, "sub", NULL);
  g_autofree char *user_moved = g_build_filename (user_dir, "sub.old", NULL);
  g_autofree char *root_dir = g_build_filename (root, "rootdir", NULL);
  g_autofree char *sticky = g_build_filename (root, "sticky", NULL);
  g_autofree char *own = NULL;
  g_autofree char *swapped = NULL;
  g_autofree char *behind = NULL;
  g_autofree char *passwd = NULL;
  g_autofree char *in_sticky = NULL;
  g_autofree char *cmd = NULL;
  struct passwd *nobody = getpwnam ("nobody");
  uid_t caller = geteuid ();

  g_assert_no_error (error);
  if (geteuid () == 0 && nobody != NULL)
    caller = nobody->pw_uid;
  else
    g_test_message ("Not root: the caller is ourselves");

  /* The caller's folder, and a folder of root's with a file of the same name. */
  g_assert_cmpint (g_chmod (root, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (user_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (user_sub, 0755), ==, 0);
  g_assert_cmpint (chown (user_dir, caller, (gid_t) -1), ==, 0);
  g_assert_cmpint (chown (user_sub, caller, (gid_t) -1), ==, 0);
  g_assert_cmpint (g_mkdir (root_dir, 0755), ==, 0);
  own = make_disk (user_dir, "own.img", caller);
  swapped = make_disk (user_sub, "disk.img", caller);
  behind = make_disk (root_dir, "disk.img", 0);

  /* The caller's own file: checked, then removed. */
  g_assert_true (vireo_caller_unlink (caller, own, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (own, G_FILE_TEST_EXISTS));
  g_assert_true (vireo_caller_unlink (caller, own, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (own, G_FILE_TEST_EXISTS));

  /* The race, made deterministic: the check passes; then the folder becomes a link to
   * root's folder; the removal that follows refuses, and root's file stays. */
  g_assert_true (vireo_caller_unlink (caller, swapped, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (user_sub, user_moved), ==, 0);
  g_assert_cmpint (symlink (root_dir, user_sub), ==, 0);
  g_assert_false (vireo_caller_unlink (caller, swapped, FALSE, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);
  g_assert_true (g_file_test (behind, G_FILE_TEST_IS_REGULAR));

  /* The link itself, named as the disk: not followed, not removed. */
  g_assert_false (vireo_caller_unlink (caller, user_sub, FALSE, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (g_file_test (user_sub, G_FILE_TEST_IS_SYMLINK));

  g_assert_false (vireo_caller_unlink (caller, "relative/disk.img", FALSE, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  cmd = g_build_filename (user_dir, "..", "user", "sub.old", "disk.img", NULL);
  g_assert_false (vireo_caller_unlink (caller, cmd, FALSE, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_pointer (&cmd, g_free);

  if (caller != geteuid ())
    {
      /* Root's file in root's folder (/tmp/x/passwd), and root's file in a sticky folder that
       * everyone may write (/tmp): the caller may remove neither, so the helper refuses. */
      passwd = make_disk (root_dir, "passwd", 0);
      g_assert_cmpint (g_mkdir (sticky, 01777), ==, 0);
      g_assert_cmpint (g_chmod (sticky, 01777), ==, 0);
      in_sticky = make_disk (sticky, "root.img", 0);
      for (guint check = 0; check < 2; check++)
        {
          g_assert_false (vireo_caller_unlink (caller, passwd, check, &error));
          g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
          g_assert_nonnull (strstr (error->message, "You may not delete"));
          g_clear_error (&error);
          g_assert_false (vireo_caller_unlink (caller, in_sticky, check, &error));
          g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
          g_clear_error (&error);
        }
      g_assert_true (g_file_test (passwd, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (in_sticky, G_FILE_TEST_IS_REGULAR));
    }

  cmd = g_strdup_printf ("rm -rf '%s'", root);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

/* Children that report what they are: async-signal-safe code only. */

static void
child_report (int         sock,
              const void *data)
{
  gint32 report[3] = { 0, (gint32) getuid (), 0 };

  for (int fd = 0; fd < 1024; fd++)
    if (fcntl (fd, F_GETFD) >= 0)
      report[2]++;
  (void) !write (sock, report, sizeof report);
}

static void
child_hang (int         sock,
            const void *data)
{
  for (;;)
    pause ();
}

static void
test_child (void)
{
  g_autoptr(GError) error = NULL;
  VireoChild child;
  gint32 report[3];
  gsize n = 0;
  gint64 start;
  GPid pid;
  struct passwd *nobody = getpwnam ("nobody");
  int kept = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  /* The child has the caller's uid and no descriptor of ours but 0, 1, 2 and its socket. */
  g_assert_cmpint (kept, >=, 3);
  g_assert_true (vireo_child_spawn (&child, geteuid (), child_report, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_child_receive (&child, report, sizeof report, &n, 5000, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, sizeof report);
  g_assert_cmpint (report[1], ==, (gint32) geteuid ());
  g_assert_cmpint (report[2], <=, 4);
  vireo_child_finish (&child);

  if (geteuid () == 0 && nobody != NULL)
    {
      g_assert_true (vireo_child_spawn (&child, nobody->pw_uid, child_report, NULL, &error));
      g_assert_true (vireo_child_receive (&child, report, sizeof report, &n, 5000, &error));
      g_assert_no_error (error);
      g_assert_cmpint (report[1], ==, (gint32) nobody->pw_uid);
      g_assert_cmpint (report[2], <=, 4);
      vireo_child_finish (&child);
    }
  close (kept);

  /* A child that never answers: given up after the time limit, killed and reaped. */
  g_assert_true (vireo_child_spawn (&child, geteuid (), child_hang, NULL, &error));
  pid = child.pid;
  start = g_get_monotonic_time ();
  g_assert_false (vireo_child_receive (&child, report, sizeof report, &n, 200, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 190 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  vireo_child_finish (&child);
  g_assert_cmpint (child.pid, ==, 0);
  g_assert_cmpint (child.sock, ==, -1);
  g_assert_cmpint (waitpid (pid, NULL, WNOHANG), ==, -1);   /* reaped: no zombie left */
  g_assert_cmpint (errno, ==, ECHILD);
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;
  g_autofree char *detail = NULL;

  g_assert_cmpint (vireo_libvirt_error_code (VIR_ERR_NO_DOMAIN), ==, VIREO_ERROR_NOT_FOUND);
  g_assert_cmpint (vireo_libvirt_error_code (VIR_ERR_OPERATION_INVALID), ==, VIREO_ERROR_INVALID_STATE);
  g_assert_cmpint (vireo_libvirt_error_code (VIR_ERR_NO_SUPPORT), ==, VIREO_ERROR_NOT_SUPPORTED);
  g_assert_cmpint (vireo_libvirt_error_code (VIR_ERR_DOM_EXIST), ==, VIREO_ERROR_EXISTS);
  g_assert_cmpint (vireo_libvirt_error_code (VIR_ERR_RPC), ==, VIREO_ERROR_NOT_CONNECTED);
  g_assert_cmpint (vireo_libvirt_error_code (VIR_ERR_ACCESS_DENIED), ==, VIREO_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint (vireo_libvirt_error_code (VIR_ERR_INTERNAL_ERROR), ==, VIREO_ERROR_LIBVIRT);

  vireo_libvirt_set_error_full (&error, VIR_ERR_OPERATION_INVALID,
                                "Requested operation is not valid: domain is already running",
                                "Could not start “web”.");
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE);
  g_assert_cmpstr (error->message, ==,
                   "Could not start “web”. The machine is not in a state that allows this.\n"
                   "libvirt: Requested operation is not valid: domain is already running");

  vireo_error_split_message (error->message, &sentence, &detail);
  g_assert_cmpstr (sentence, ==, "Could not start “web”. The machine is not in a state that allows this.");
  g_assert_cmpstr (detail, ==, "Requested operation is not valid: domain is already running");
  g_clear_pointer (&sentence, g_free);
  g_clear_pointer (&detail, g_free);

  vireo_error_split_message ("Just a sentence.", &sentence, &detail);
  g_assert_cmpstr (sentence, ==, "Just a sentence.");
  g_assert_null (detail);

  /* The names a client sees on the bus. */
  g_clear_error (&error);
  g_set_error_literal (&error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED, "no");
  {
    g_autofree char *name = g_dbus_error_encode_gerror (error);
    g_assert_cmpstr (name, ==, "org.vireo.Hypervisor1.Error.NotAuthorized");
  }

  g_assert_cmpint (vireo_libvirt_state (VIR_DOMAIN_RUNNING, FALSE), ==, VIREO_MACHINE_STATE_RUNNING);
  g_assert_cmpint (vireo_libvirt_state (VIR_DOMAIN_SHUTOFF, FALSE), ==, VIREO_MACHINE_STATE_SHUTOFF);
  g_assert_cmpint (vireo_libvirt_state (VIR_DOMAIN_SHUTOFF, TRUE), ==, VIREO_MACHINE_STATE_SAVED);
  g_assert_cmpint (vireo_libvirt_state (VIR_DOMAIN_PMSUSPENDED, FALSE), ==, VIREO_MACHINE_STATE_SUSPENDED);
  g_assert_cmpint (vireo_libvirt_state (VIR_DOMAIN_CRASHED, FALSE), ==, VIREO_MACHINE_STATE_CRASHED);
  g_assert_cmpint (vireo_libvirt_state (42, FALSE), ==, VIREO_MACHINE_STATE_UNKNOWN);
}

static const char facts_xml[] =
  "<domain type='kvm'>"
  "  <name>Überprüfung</name><uuid>c7a5fdbd-cdaf-9455-926a-d65c16db1809</uuid>"
  "  <title>A title</title><description>Line one\nline two</description>"
  "  <metadata><libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
  "    <libosinfo:os id='http://debian.org/debian/12'/></libosinfo:libosinfo></metadata>"
  "  <memory unit='KiB'>2097152</memory><vcpu>3</vcpu>"
  "  <os><type arch='x86_64'>hvm</type></os>"
  "  <devices>"
  "    <disk type='file' device='disk'><source file='/var/lib/libvirt/images/a.qcow2'/><target dev='vda' bus='virtio'/></disk>"
  "    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>"
  /* Kinds libvirt-gconfig's enums lack or cannot describe (virt-manager's test suite has
   * them): a SCSI LUN, a host folder, a network disk, a pool's volume, and a backing file
   * that is not the disk's own source. */
  "    <disk type='block' device='lun'><source dev='/dev/sdz'/><target dev='sdb' bus='scsi'/></disk>"
  "    <disk type='dir' device='disk'><source dir='/srv/share'/><target dev='hdb' bus='ide'/></disk>"
  "    <disk type='network' device='disk'><source protocol='nbd' name='export'><host name='nbd.example' port='10809'/></source><target dev='vdc' bus='virtio'/></disk>"
  "    <disk type='volume' device='disk'><source pool='default' volume='b.qcow2'/><target dev='vdd' bus='virtio'/></disk>"
  "    <disk type='file' device='disk'><source file='/images/top.qcow2'/><backingStore type='file'><source file='/images/base.qcow2'/></backingStore><target dev='vde' bus='virtio'/></disk>"
  "    <interface type='network'><mac address='52:54:00:12:34:56'/><source network='default'/><model type='virtio'/></interface>"
  "    <interface type='bridge'><source bridge='br0'/></interface>"
  "    <graphics type='vnc' port='-1'/>"
  "    <graphics type='spice' autoport='yes'/>"
  "  </devices>"
  "</domain>";

static void
test_facts (void)
{
  g_autoptr(VireoDomainFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  VireoDiskFacts *disk;
  VireoNicFacts *nic;

  facts = vireo_domain_facts_new_from_xml (facts_xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (facts->name, ==, "Überprüfung");
  g_assert_cmpstr (facts->uuid, ==, "c7a5fdbd-cdaf-9455-926a-d65c16db1809");
  g_assert_cmpstr (facts->title, ==, "A title");
  g_assert_cmpstr (facts->description, ==, "Line one\nline two");
  g_assert_cmpstr (facts->os_id, ==, "http://debian.org/debian/12");
  g_assert_cmpuint (facts->vcpus, ==, 3);
  g_assert_cmpuint (facts->memory_mib, ==, 2048);
  g_assert_cmpuint (g_strv_length (facts->graphics), ==, 2);
  g_assert_cmpstr (facts->graphics[0], ==, "vnc");
  g_assert_cmpstr (facts->graphics[1], ==, "spice");
  g_assert_cmpuint (facts->disks->len, ==, 7);
  {
    const struct {
      const char *target, *path, *device, *type;
    } want[] = {
      { "vda", "/var/lib/libvirt/images/a.qcow2", "disk", "file" },
      { "sda", "", "cdrom", "file" },
      { "sdb", "/dev/sdz", "lun", "block" },
      { "hdb", "/srv/share", "disk", "dir" },
      { "vdc", "nbd://nbd.example/export", "disk", "network" },
      { "vdd", "default/b.qcow2", "disk", "volume" },   /* the pool gives its file when asked */
      { "vde", "/images/top.qcow2", "disk", "file" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (want); i++)
      {
        disk = g_ptr_array_index (facts->disks, i);
        g_assert_cmpstr (disk->target, ==, want[i].target);
        g_assert_cmpstr (disk->path, ==, want[i].path);
        g_assert_cmpstr (disk->device, ==, want[i].device);
        g_assert_cmpstr (disk->type, ==, want[i].type);
      }
  }

  g_assert_false (facts->has_serial);
  g_assert_cmpuint (facts->nics->len, ==, 2);
  nic = g_ptr_array_index (facts->nics, 0);
  g_assert_cmpstr (nic->mac, ==, "52:54:00:12:34:56");
  g_assert_cmpstr (nic->type, ==, "network");
  g_assert_cmpstr (nic->source, ==, "default");
  g_assert_cmpstr (nic->model, ==, "virtio");
  nic = g_ptr_array_index (facts->nics, 1);
  g_assert_cmpstr (nic->type, ==, "bridge");
  g_assert_cmpstr (nic->source, ==, "br0");
  g_assert_cmpstr (nic->model, ==, "");

  g_assert_cmpint (vireo_domain_facts_graphics_index (facts_xml, "vnc", NULL), ==, 0);
  g_assert_cmpint (vireo_domain_facts_graphics_index (facts_xml, "spice", NULL), ==, 1);

  g_clear_pointer (&facts, vireo_domain_facts_free);
  facts = vireo_domain_facts_new_from_xml ("<domain><name>x</name></domain", &error);
  g_assert_null (facts);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_cmpint (vireo_domain_facts_graphics_index ("<domain type='kvm'><name>n</name><devices/></domain>",
                                                      "spice", &error), ==, -1);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED);
}

static void
test_os_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-osinfo-XXXXXX", &error);
  g_autofree char *os_dir = g_build_filename (dir, "os", "example.org", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_autoptr(VireoOsNames) names = NULL;
  g_autoptr(VireoOsNames) real = NULL;
  struct {
    const char *file;
    const char *id;
    const char *name;
    const char *version;
  } entries[] = {
    { "ex-1.xml", "ex/1", "Example OS 1", "1" },
    { "ex-rolling.xml", "ex/rolling", "Example Rolling", "rolling" },
    { "rolling-1.xml", "rolling/1", "Rolling One", "1" },
  };
  struct {
    const char *id;
    const char *name;
  } cases[] = {
    { "http://example.org/ex/1", "Example OS 1" },
    { "http://example.org/ex/1.5", "Example OS 1.5" },    /* newer than the database: the family's name */
    { "http://example.org/ex/10", "Example OS 10" },
    { "http://example.org/ex/rolling", "Example Rolling" },
    { "http://example.org/ex/beta", NULL },                /* not a version */
    { "http://example.org/other/1", NULL },                /* no such family */
    { "http://example.org/rolling/2", NULL },              /* its name does not end in its version */
    { "", NULL },
    { NULL, NULL },
  };

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (os_dir, 0755), ==, 0);
  /* libosinfo wants one entry a file, named for its id. */
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autofree char *path = g_build_filename (os_dir, entries[i].file, NULL);
      g_autofree char *xml = g_strdup_printf ("<libosinfo version='0.0.1'><os id='http://example.org/%s'>"
                                              "<short-id>%s</short-id><name>%s</name><version>%s</version>"
                                              "</os></libosinfo>",
                                              entries[i].id, entries[i].file, entries[i].name,
                                              entries[i].version);

      g_assert_true (g_file_set_contents (path, xml, -1, NULL));
    }

  names = vireo_os_names_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vireo_os_names_size (names), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = vireo_os_names_lookup (names, cases[i].id);

      g_test_message ("%s", cases[i].id);
      g_assert_cmpstr (name, ==, cases[i].name);
    }

  /* The system's database, as the helper reads it. */
  real = vireo_os_names_load (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vireo_os_names_size (real), >, 100);
  {
    g_autofree char *ubuntu = vireo_os_names_lookup (real, "http://ubuntu.com/ubuntu/22.04");
    g_autofree char *debian = vireo_os_names_lookup (real, "http://debian.org/debian/12");
    g_autofree char *win = vireo_os_names_lookup (real, "http://microsoft.com/win/11");

    g_assert_cmpstr (ubuntu, ==, "Ubuntu 22.04 LTS");
    g_assert_cmpstr (debian, ==, "Debian 12");
    g_assert_cmpstr (win, ==, "Microsoft Windows 11");
  }

  /* What a new machine is built with: Debian 11 has virtio drivers of its own (its entry
   * inherits them from Debian 10's); Windows 10 has none in the box, but e1000e and the q35
   * sound card (inherited from Windows 7); an id the database has only by family is unknown. */
  {
    VireoOsDevices devices = 0;

    g_assert_true (vireo_os_names_get_devices (real, "http://debian.org/debian/11", &devices));
    g_assert_cmpuint (devices & (VIREO_OS_VIRTIO_BLOCK | VIREO_OS_VIRTIO_NET | VIREO_OS_VIRTIO_RNG),
                      ==, VIREO_OS_VIRTIO_BLOCK | VIREO_OS_VIRTIO_NET | VIREO_OS_VIRTIO_RNG);
    g_assert_true (vireo_os_names_get_devices (real, "http://microsoft.com/win/10", &devices));
    g_assert_cmpuint (devices & (VIREO_OS_VIRTIO_BLOCK | VIREO_OS_VIRTIO_NET), ==, 0);
    g_assert_cmpuint (devices & (VIREO_OS_E1000E | VIREO_OS_ICH9_HDA | VIREO_OS_Q35),
                      ==, VIREO_OS_E1000E | VIREO_OS_ICH9_HDA | VIREO_OS_Q35);
    g_assert_false (vireo_os_names_get_devices (real, "http://debian.org/debian/12", &devices));
    g_assert_cmpuint (devices, ==, 0);
    g_assert_false (vireo_os_names_get_devices (real, "", &devices));
  }

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hypervisor/host/accel", test_accel);
  g_test_add_func ("/hypervisor/host/caller-file", test_caller_file);
  g_test_add_func ("/hypervisor/host/child", test_child);
  g_test_add_func ("/hypervisor/host/caller-unlink", test_caller_unlink);
  g_test_add_func ("/hypervisor/errors", test_errors);
  g_test_add_func ("/hypervisor/facts", test_facts);
  g_test_add_func ("/hypervisor/os-names", test_os_names);

  return g_test_run ();
}
