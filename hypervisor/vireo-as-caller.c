/* vireo-as-caller.c
 *
 * The helper runs as root; its callers do not. Whatever it does to a file a caller names, it
 * does with the caller's permissions: a forked child takes on the caller's uid and groups
 * (and nothing else of the helper: every other descriptor is closed, and it cannot be traced
 * or dumped), does one thing, and answers on a socket. The helper itself never opens the file.
 * A child that stays silent longer than VIREO_AS_CALLER_TIMEOUT_MS (a hung NFS or FUSE
 * mount, say) is killed, and the call fails instead of hanging.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-as-caller"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vireo-as-caller.h"
#include "vireo-error.h"

/* In the child: only async-signal-safe calls from here to the next marker. */

static gboolean
write_all (int         fd,
           const void *buf,
           size_t      len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }
  return TRUE;
}

G_GNUC_NORETURN static void
child_main (int             sock,
            pid_t           parent,
            gboolean        drop,
            uid_t           uid,
            gid_t           gid,
            const gid_t    *groups,
            int             n_groups,
            VireoChildFunc  func,
            const void     *data)
{
  gint32 err;

  /* Die with the helper, and keep nothing of it but the socket. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != parent)
    _exit (127);
  if (sock != 3)
    {
      if (dup2 (sock, 3) != 3)
        _exit (127);
      sock = 3;
    }
  if (close_range (4, ~0U, 0) != 0)
    for (int fd = 4; fd < 65536; fd++)
      close (fd);

  if (drop && (setgroups (n_groups, groups) != 0 || setresgid (gid, gid, gid) != 0
               || setresuid (uid, uid, uid) != 0 || getuid () != uid || geteuid () != uid))
    {
      err = VIREO_CHILD_NO_IDENTITY;
      (void) write_all (sock, &err, sizeof err);
      _exit (1);
    }

  /* Not traceable by the caller it now is, and no core dump. */
  (void) prctl (PR_SET_DUMPABLE, 0);

  func (sock, data);
  _exit (0);
}

/* Reading a file: the answer is a header, then the file's bytes. */

typedef struct {
  gint32  err;
  guint32 pad;
  guint64 size;
} FileHeader;

/* Opens @path (not waiting on a FIFO) if it is a regular file: its size in @header, else
 * why not in @header->err. */
static int
open_regular (const char *path,
              FileHeader *header)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

  if (fd < 0)
    header->err = errno;
  else if (fstat (fd, &st) != 0)
    header->err = errno;
  else if (!S_ISREG (st.st_mode))
    header->err = VIREO_CHILD_NOT_REGULAR;
  else
    header->size = st.st_size;
  return fd;
}

static void
child_read_file (int         sock,
                 const void *data)
{
  const char *path = data;
  FileHeader header = { 0, 0, 0 };
  off_t remaining;
  int flags;
  int fd;

  fd = open_regular (path, &header);
  if (!write_all (sock, &header, sizeof header) || header.err != 0)
    return;

  /* O_NONBLOCK only kept the open from waiting (a FIFO); a regular file reads as usual. */
  flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    (void) fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);

  remaining = header.size;
  while (remaining > 0)
    {
      ssize_t n = sendfile (sock, fd, NULL, MIN (remaining, (off_t) 1 << 20));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (1);   /* shrank or failed: the parent sees the file end too soon */
      remaining -= n;
    }
}

/* Opening a file for the helper to link into the pool: the answer is a header (its size)
 * and, with it, the open descriptor (SCM_RIGHTS). */
static void
child_open_file (int         sock,
                 const void *data)
{
  const char *path = data;
  FileHeader header = { 0, 0, 0 };
  int fd;
  char control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { &header, sizeof header };
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;

  fd = open_regular (path, &header);
  if (header.err != 0)
    {
      (void) write_all (sock, &header, sizeof header);
      return;
    }

  memset (control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
    ;
}

/* Removing a file: the parent folder is reached one component at a time, never through a
 * symbolic link (O_NOFOLLOW on each), and the file is removed relative to it. The answer is
 * one gint32: 0 or why not. */

typedef struct {
  const char *path;
  gboolean    check_only;
} UnlinkArgs;

static gboolean
is_plain_name (const char *name)
{
  return name[0] != '\0' && strcmp (name, ".") != 0 && strcmp (name, "..") != 0;
}

static gint32
unlink_in_child (const UnlinkArgs *args)
{
  char buf[PATH_MAX];
  size_t len = strlen (args->path);
  struct stat st;
  struct stat dir_st;
  char *p;
  char *base;
  gint32 err = 0;
  int dirfd;

  if (len < 2 || len >= sizeof buf || args->path[0] != '/')
    return VIREO_CHILD_BAD_PATH;
  memcpy (buf, args->path, len + 1);

  base = strrchr (buf, '/');
  *base++ = '\0';
  if (!is_plain_name (base))
    return VIREO_CHILD_BAD_PATH;

  dirfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return errno;

  for (p = buf + 1; *p != '\0';)
    {
      char *slash = strchr (p, '/');
      int next;

      if (slash != NULL)
        *slash = '\0';
      if (*p != '\0')
        {
          if (!is_plain_name (p))
            {
              close (dirfd);
              return VIREO_CHILD_BAD_PATH;
            }
          next = openat (dirfd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (next < 0)
            {
              err = errno;
              if ((err == ENOTDIR || err == ELOOP)
                  && fstatat (dirfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
                err = VIREO_CHILD_SYMLINK;
              close (dirfd);
              return err;
            }
          close (dirfd);
          dirfd = next;
        }
      if (slash == NULL)
        break;
      p = slash + 1;
    }

  if (fstatat (dirfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
    err = errno;
  else if (S_ISLNK (st.st_mode))
    err = VIREO_CHILD_SYMLINK;
  else if (!S_ISREG (st.st_mode))
    err = VIREO_CHILD_NOT_REGULAR;
  else if (args->check_only)
    {
      /* What unlink(2) would ask: write and search on the folder, and in a sticky folder
       * (/tmp) the file's or the folder's ownership. */
      if (faccessat (dirfd, ".", W_OK | X_OK, 0) != 0)
        err = errno;
      else if (fstat (dirfd, &dir_st) != 0)
        err = errno;
      else if ((dir_st.st_mode & S_ISVTX) && geteuid () != 0
               && st.st_uid != geteuid () && dir_st.st_uid != geteuid ())
        err = EPERM;
    }
  else if (unlinkat (dirfd, base, 0) != 0)
    err = errno;

  close (dirfd);
  return err;
}

static void
child_unlink (int         sock,
              const void *data)
{
  gint32 err = unlink_in_child (data);

  (void) write_all (sock, &err, sizeof err);
}

/* End of what runs in the child. */

/**
 * vireo_child_spawn:
 * @child: (out caller-allocates): the child
 * @uid: the caller
 * @func: what the child does
 * @data: for @func; the child has its own copy of the helper's memory, so anything @data
 *   points to stays readable there
 *
 * Forks a child that takes on @uid, its primary group and its supplementary groups (when the
 * helper is root; a helper that runs as @uid itself keeps its own), then runs @func.
 */
gboolean
vireo_child_spawn (VireoChild      *child,
                   uid_t            uid,
                   VireoChildFunc   func,
                   const void      *data,
                   GError         **error)
{
  g_autofree gid_t *groups = NULL;
  g_autofree char *buf = NULL;
  struct passwd pwd, *result = NULL;
  gboolean drop;
  pid_t parent = getpid ();
  int n_groups = 0;
  int sv[2];
  pid_t pid;

  child->pid = 0;
  child->sock = -1;

  if (uid == geteuid ())
    drop = FALSE;
  else if (geteuid () == 0)
    drop = TRUE;
  else
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                   _("The helper does not run as root, so it cannot act on files for other users."));
      return FALSE;
    }

  if (drop)
    {
      long size = sysconf (_SC_GETPW_R_SIZE_MAX);

      buf = g_malloc (size > 0 ? size : 16384);
      if (getpwuid_r (uid, &pwd, buf, size > 0 ? size : 16384, &result) != 0 || result == NULL)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                       _("Your user account (uid %u) is not known to this computer."), (guint) uid);
          return FALSE;
        }

      n_groups = 64;
      groups = g_new (gid_t, n_groups);
      if (getgrouplist (pwd.pw_name, pwd.pw_gid, groups, &n_groups) < 0)
        {
          /* n_groups now says how many there are. */
          groups = g_renew (gid_t, groups, n_groups);
          if (getgrouplist (pwd.pw_name, pwd.pw_gid, groups, &n_groups) < 0)
            n_groups = 0;   /* fewer groups: never more permission than the caller has */
        }
    }

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "socketpair: %s", g_strerror (errno));
      return FALSE;
    }

  pid = fork ();
  if (pid < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "fork: %s", g_strerror (errno));
      close (sv[0]);
      close (sv[1]);
      return FALSE;
    }

  if (pid == 0)
    child_main (sv[1], parent, drop, uid, drop ? pwd.pw_gid : getgid (), groups, n_groups, func, data);

  close (sv[1]);
  child->pid = pid;
  child->sock = sv[0];
  return TRUE;
}

/* Reads what is there, waiting at most @timeout_ms for something. Returns 0 at the end. */
static gssize
receive_some (VireoChild  *child,
              void        *buf,
              gsize        len,
              guint        timeout_ms,
              GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      struct pollfd pfd = { child->sock, POLLIN, 0 };
      gint64 left_us = deadline - g_get_monotonic_time ();
      gint64 left = (left_us + 999) / 1000;   /* poll() counts whole milliseconds */
      gssize n;
      int r;

      if (left_us <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "no answer within %u ms", timeout_ms);
          return -1;
        }

      r = poll (&pfd, 1, (int) MIN (left, G_MAXINT));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "poll: %s", g_strerror (errno));
          return -1;
        }
      if (r == 0)
        continue;   /* the deadline check above ends it */

      n = read (child->sock, buf, len);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "read: %s", g_strerror (errno));
          return -1;
        }
      return n;
    }
}

/**
 * vireo_child_receive:
 * @buf: (out caller-allocates): where to read to
 * @len: how much to read
 * @n_received: (out): how much was read: @len, or less if the child ended first
 * @timeout_ms: how long the child may stay silent
 *
 * Returns: %FALSE with %G_IO_ERROR_TIMED_OUT when the child said nothing for @timeout_ms
 */
gboolean
vireo_child_receive (VireoChild  *child,
                     void        *buf,
                     gsize        len,
                     gsize       *n_received,
                     guint        timeout_ms,
                     GError     **error)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = receive_some (child, (char *) buf + done, len - done, timeout_ms, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      done += n;
    }

  *n_received = done;
  return TRUE;
}

static void
reap_cb (GPid     pid,
         int      status,
         gpointer user_data)
{
  g_debug ("Child %d ended at last", pid);
}

/**
 * vireo_child_finish:
 *
 * Ends the child, whatever it is doing, and reaps it. A child stuck in the kernel (a hung
 * file system) is reaped later, from the main loop, when it goes.
 */
void
vireo_child_finish (VireoChild *child)
{
  if (child->sock >= 0)
    {
      close (child->sock);
      child->sock = -1;
    }

  if (child->pid <= 0)
    return;

  /* Whatever it had to say has been read, or will not be. */
  kill (child->pid, SIGKILL);
  for (guint i = 0; i < 100; i++)
    {
      pid_t r = waitpid (child->pid, NULL, WNOHANG);

      if (r == child->pid || (r < 0 && errno != EINTR))
        {
          child->pid = 0;
          return;
        }
      g_usleep (10 * 1000);
    }

  g_message ("Child %d does not end (a file system that hangs?); it is reaped when it does", child->pid);
  {
    GSource *source = g_child_watch_source_new (child->pid);

    g_source_set_callback (source, (GSourceFunc) (GCallback) reap_cb, NULL, NULL);
    g_source_attach (source, NULL);
    g_source_unref (source);
  }
  child->pid = 0;
}

static void
set_timeout_error (GError     **error,
                   const char  *path)
{
  g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
               _("“%s” did not answer within %u seconds, so Vireo gave up on it "
                 "(is it on a network or FUSE file system that hangs?)."),
               path, VIREO_AS_CALLER_TIMEOUT_MS / 1000);
}

static void
set_open_error (GError    **error,
                int         err,
                const char *path)
{
  if (err == ENOENT || err == ENOTDIR)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                 _("The file “%s” does not exist."), path);
  else if (err == EACCES || err == EPERM)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("You cannot read the file “%s”: ask its owner for read permission."), path);
  else if (err == VIREO_CHILD_NOT_REGULAR)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a regular file."), path);
  else if (err > 0)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("The file “%s” cannot be opened: %s."), path, g_strerror (err));
  else
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                 _("The file “%s” cannot be opened."), path);
}

/* A file opened and read as the caller */

struct _VireoCallerFile {
  VireoChild  child;
  char       *path;
  guint64     size;
  guint64     remaining;
};

/**
 * vireo_caller_file_open:
 * @uid: the caller
 * @path: an absolute path
 *
 * Opens @path as @uid (following symbolic links, as the caller would) in a child, which
 * then sends the file's bytes: the helper reads exactly what the caller may read, and never
 * holds the file itself.
 *
 * Returns: (transfer full) (nullable): the open file, or %NULL if the caller cannot read a
 *   regular file at @path
 */
VireoCallerFile *
vireo_caller_file_open (uid_t        uid,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(VireoCallerFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  FileHeader header;
  gsize n = 0;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_new0 (VireoCallerFile, 1);
  file->child.sock = -1;
  file->path = g_strdup (path);

  if (!vireo_child_spawn (&file->child, uid, child_read_file, file->path, error))
    return NULL;

  if (!vireo_child_receive (&file->child, &header, sizeof header, &n, VIREO_AS_CALLER_TIMEOUT_MS, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        set_timeout_error (error, path);
      else
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "%s", local_error->message);
      return NULL;
    }

  if (n == sizeof (gint32))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("Vireo could not take on your user account to open “%s”."), path);
      return NULL;
    }
  if (n == sizeof header && header.err != 0)
    {
      set_open_error (error, header.err, path);
      return NULL;
    }
  if (n != sizeof header)
    {
      set_open_error (error, 0, path);
      return NULL;
    }

  file->size = file->remaining = header.size;
  if (file->remaining == 0)
    vireo_child_finish (&file->child);
  return g_steal_pointer (&file);
}

/**
 * vireo_caller_file_open_fd:
 * @uid: the caller
 * @path: an absolute path
 *
 * Opens @path as @uid (following symbolic links, as the caller would) in a child, which
 * hands the open descriptor over: what the caller could open now, whatever @path names later.
 *
 * Returns: a read-only descriptor of a regular file (close it), or -1 with @error set
 */
int
vireo_caller_file_open_fd (uid_t        uid,
                           const char  *path,
                           GError     **error)
{
  VireoChild child = { 0, -1 };
  FileHeader header = { 0, 0, 0 };
  char control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { &header, sizeof header };
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  struct pollfd pfd;
  ssize_t n = -1;
  int fd = -1;
  int r;

  g_return_val_if_fail (path != NULL, -1);

  if (!vireo_child_spawn (&child, uid, child_open_file, path, error))
    return -1;
  pfd.fd = child.sock;
  pfd.events = POLLIN;
  while ((r = poll (&pfd, 1, VIREO_AS_CALLER_TIMEOUT_MS)) < 0 && errno == EINTR)
    ;
  if (r == 0)
    {
      vireo_child_finish (&child);
      set_timeout_error (error, path);
      return -1;
    }
  if (r > 0)
    {
      memset (control, 0, sizeof control);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      while ((n = recvmsg (child.sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
      for (cmsg = n > 0 ? CMSG_FIRSTHDR (&msg) : NULL; cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
          memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
    }
  vireo_child_finish (&child);

  if (n == sizeof header && header.err == 0 && fd >= 0)
    return fd;
  if (fd >= 0)
    close (fd);
  if (n == sizeof (gint32) && header.err == VIREO_CHILD_NO_IDENTITY)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                 _("Vireo could not take on your user account to open “%s”."), path);
  else
    set_open_error (error, n >= (ssize_t) sizeof (gint32) ? header.err : 0, path);
  return -1;
}

guint64
vireo_caller_file_get_size (VireoCallerFile *file)
{
  return file->size;
}

/**
 * vireo_caller_file_read:
 *
 * Returns: how many bytes were read into @buf, 0 at the end, -1 with @error set
 */
gssize
vireo_caller_file_read (VireoCallerFile  *file,
                        void             *buf,
                        gsize             len,
                        GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n;

  if (file->remaining == 0)
    return 0;

  n = receive_some (&file->child, buf, MIN (len, file->remaining), VIREO_AS_CALLER_TIMEOUT_MS, &local_error);
  if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      set_timeout_error (error, file->path);
      return -1;
    }
  if (n <= 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("“%s” could not be read to the end: did it change meanwhile?"), file->path);
      return -1;
    }

  file->remaining -= n;
  if (file->remaining == 0)
    vireo_child_finish (&file->child);
  return n;
}

void
vireo_caller_file_free (VireoCallerFile *file)
{
  if (file == NULL)
    return;

  vireo_child_finish (&file->child);
  g_free (file->path);
  g_free (file);
}

static void
set_unlink_error (GError    **error,
                  int         err,
                  const char *path)
{
  switch (err)
    {
    case ENOENT:
    case ENOTDIR:
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The disk “%s” does not exist."), path);
      break;
    case EACCES:
    case EPERM:
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("You may not delete “%s”: it is not a volume of a storage pool, and you "
                     "may not change the folder it is in."), path);
      break;
    case EROFS:
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is on a read-only file system."), path);
      break;
    case VIREO_CHILD_NOT_REGULAR:
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The disk “%s” is not a disk image file (it is a device or a folder): "
                     "Vireo deletes only image files."), path);
      break;
    case VIREO_CHILD_SYMLINK:
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The path “%s” goes through a symbolic link: Vireo deletes no file through one."),
                   path);
      break;
    case VIREO_CHILD_BAD_PATH:
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an absolute path without “.” or “..”."), path);
      break;
    default:
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("“%s” cannot be deleted: %s."), path, err > 0 ? g_strerror (err) : "?");
      break;
    }
}

/**
 * vireo_caller_unlink:
 * @uid: the caller
 * @path: an absolute path
 * @check_only: only find out whether the caller could remove it
 *
 * Removes the regular file at @path as @uid, in a child: the caller's permissions decide,
 * never the helper's. The path must not go through a symbolic link: the parent folder is
 * opened component by component without following any, and the file is removed relative
 * to it, so a folder swapped for a link between a check and the removal changes nothing.
 *
 * Returns: %TRUE if the file was removed (or, with @check_only, could be)
 */
gboolean
vireo_caller_unlink (uid_t        uid,
                     const char  *path,
                     gboolean     check_only,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  UnlinkArgs args = { path, check_only };
  VireoChild child;
  gint32 err = 0;
  gsize n = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!vireo_child_spawn (&child, uid, child_unlink, &args, error))
    return FALSE;

  if (!vireo_child_receive (&child, &err, sizeof err, &n, VIREO_AS_CALLER_TIMEOUT_MS, &local_error))
    {
      vireo_child_finish (&child);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        set_timeout_error (error, path);
      else
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "%s", local_error->message);
      return FALSE;
    }
  vireo_child_finish (&child);

  if (n != sizeof err || err == VIREO_CHILD_NO_IDENTITY)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("Vireo could not take on your user account to delete “%s”."), path);
      return FALSE;
    }

  if (err != 0)
    {
      set_unlink_error (error, err, path);
      return FALSE;
    }

  return TRUE;
}
