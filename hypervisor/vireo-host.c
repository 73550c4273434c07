/* vireo-host.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-host"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

static char *
check_opened (int          fd,
              const char  *path,
              GError     **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autofree char *canonical = NULL;
  struct stat st;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a regular file."), path);
      return NULL;
    }

  canonical = g_file_read_link (proc, NULL);
  if (canonical == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("The real location of “%s” could not be found."), path);
      return NULL;
    }

  return g_steal_pointer (&canonical);
}

static void
set_open_error (GError    **error,
                int         saved_errno,
                const char *path)
{
  if (saved_errno == ENOENT || saved_errno == ENOTDIR)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                 _("The file “%s” does not exist."), path);
  else if (saved_errno == EACCES || saved_errno == EPERM)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("You cannot read the file “%s”: ask its owner for read permission."), path);
  else
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("The file “%s” cannot be opened: %s."), path, g_strerror (saved_errno));
}

/* In the forked child: only async-signal-safe calls. */
G_GNUC_NORETURN static void
child_open (int          sock,
            uid_t        uid,
            gid_t        gid,
            const gid_t *groups,
            int          n_groups,
            const char  *path)
{
  char control[CMSG_SPACE (sizeof (int))];
  struct msghdr msg = { 0 };
  struct iovec iov;
  struct cmsghdr *cmsg;
  int err = 0;
  int fd;

  if (setgroups (n_groups, groups) != 0 || setresgid (gid, gid, gid) != 0
      || setresuid (uid, uid, uid) != 0)
    {
      err = EPERM;
      (void) !write (sock, &err, sizeof err);
      _exit (1);
    }

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      err = errno;
      (void) !write (sock, &err, sizeof err);
      _exit (1);
    }

  memset (control, 0, sizeof control);
  iov.iov_base = &err;
  iov.iov_len = sizeof err;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);
  if (sendmsg (sock, &msg, 0) < 0)
    _exit (1);
  _exit (0);
}

static int
open_in_child (uid_t        uid,
               const char  *path,
               int         *saved_errno,
               GError     **error)
{
  char control[CMSG_SPACE (sizeof (int))];
  struct msghdr msg = { 0 };
  struct iovec iov;
  struct cmsghdr *cmsg;
  struct passwd pwd, *result = NULL;
  char buf[4096];
  gid_t groups[256];
  int n_groups = G_N_ELEMENTS (groups);
  int sv[2];
  int err = EIO;
  int fd = -1;
  pid_t pid;
  ssize_t n;

  if (getpwuid_r (uid, &pwd, buf, sizeof buf, &result) != 0 || result == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                   _("Your user account (uid %u) is not known to this computer."), (guint) uid);
      return -1;
    }

  if (getgrouplist (pwd.pw_name, pwd.pw_gid, groups, &n_groups) < 0)
    n_groups = 0;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "socketpair: %s", g_strerror (errno));
      return -1;
    }

  pid = fork ();
  if (pid < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "fork: %s", g_strerror (errno));
      close (sv[0]);
      close (sv[1]);
      return -1;
    }

  if (pid == 0)
    {
      close (sv[0]);
      child_open (sv[1], uid, pwd.pw_gid, groups, n_groups, path);
    }

  close (sv[1]);
  memset (control, 0, sizeof control);
  iov.iov_base = &err;
  iov.iov_len = sizeof err;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  do
    n = recvmsg (sv[0], &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);

  if (n == sizeof err)
    for (cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
      if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
        memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);

  close (sv[0]);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;

  *saved_errno = n == sizeof err ? err : EIO;
  return fd;
}

/**
 * vireo_open_as_user:
 * @uid: the caller's uid
 * @path: an absolute path
 *
 * Opens @path with the permissions of @uid (in a child process that takes on @uid and its
 * groups, when the helper runs as root) so that the helper never hands a guest a file its
 * caller cannot read itself.
 *
 * Returns: (transfer full) (nullable): the canonical path of the regular file @path names
 */
char *
vireo_open_as_user (uid_t        uid,
                    const char  *path,
                    GError     **error)
{
  int saved_errno = 0;
  int fd;
  char *canonical;

  g_return_val_if_fail (path != NULL, NULL);

  if (uid == geteuid ())
    {
      fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
      saved_errno = errno;
    }
  else if (geteuid () == 0)
    {
      g_autoptr(GError) local_error = NULL;

      fd = open_in_child (uid, path, &saved_errno, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  else
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                   _("The helper does not run as root, so it cannot check files for other users."));
      return NULL;
    }

  if (fd < 0)
    {
      set_open_error (error, saved_errno, path);
      return NULL;
    }

  canonical = check_opened (fd, path, error);
  close (fd);
  return canonical;
}
