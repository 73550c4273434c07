/* vireo-media-download.c
 *
 * DownloadMedia's work, in a worker thread: an installation medium fetched over HTTP(S) with
 * libsoup into the default storage pool's folder, as ".<name>.part" until it is whole (and
 * its checksum, when given, matches), then renamed to <name> and made a volume by refreshing
 * the pool. A transfer that stops for any reason but Cancel leaves the partial file, marked
 * (extended attributes) with the address it came from and the server's validator (ETag or
 * Last-Modified); the next call for the same name and address continues it with a Range
 * request guarded by If-Range, so that a file that changed on the server starts again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-media-download"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vireo-daemon-private.h"
#include "vireo-download.h"
#include "vireo-media-download.h"

#define CHUNK            (256 * 1024)
#define XATTR_URL        "user.vireo.url"
#define XATTR_VALIDATOR  "user.vireo.validator"
#define IDLE_TIMEOUT_S   60

static const VireoOptionSpec download_options[] = {
  { "url", "s", N_("a string") },
  { "name", "s", N_("a string") },
  { "sha256", "s", N_("a string") },
  { NULL }
};

void
_vireo_media_download_free (VireoMediaDownload *download)
{
  if (download == NULL)
    return;
  g_free (download->url);
  g_free (download->name);
  g_free (download->sha256);
  g_clear_object (&download->job);
  g_free (download);
}

/**
 * _vireo_media_download_new_from_variant:
 * @options: DownloadMedia's a{sv}
 *
 * Returns: (transfer full) (nullable): the download asked for, checked; %NULL with @error
 *   set when an option is unknown, of the wrong type, missing or refused
 */
VireoMediaDownload *
_vireo_media_download_new_from_variant (GVariant  *options,
                                        GError   **error)
{
  g_autoptr(VireoMediaDownload) download = g_new0 (VireoMediaDownload, 1);

  if (!_vireo_check_options (options, download_options, error))
    return NULL;
  g_variant_lookup (options, "url", "s", &download->url);
  g_variant_lookup (options, "name", "s", &download->name);
  g_variant_lookup (options, "sha256", "s", &download->sha256);
  if (download->url == NULL || download->name == NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A download needs an address (“url”) and a name (“name”)."));
      return NULL;
    }
  if (!vireo_download_validate_url (download->url, error) || !vireo_download_validate_name (download->name, error))
    return NULL;
  if (download->sha256 != NULL && download->sha256[0] == '\0')
    g_clear_pointer (&download->sha256, g_free);
  if (download->sha256 != NULL)
    {
      g_autofree char *lower = NULL;

      if (!vireo_download_validate_sha256 (download->sha256, error))
        return NULL;
      lower = g_ascii_strdown (download->sha256, -1);
      g_free (download->sha256);
      download->sha256 = g_steal_pointer (&lower);
    }
  return g_steal_pointer (&download);
}

static char *
get_xattr (int         fd,
           const char *name)
{
  char value[4096];
  ssize_t len = fgetxattr (fd, name, value, sizeof value - 1);

  if (len < 0)
    return NULL;
  value[len] = '\0';
  return g_strdup (value);
}

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static gboolean
write_all (int          fd,
           const char  *buf,
           gsize        len,
           GError     **error)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                       _("The downloaded medium could not be written to the default storage pool: %s"),
                       g_strerror (saved));
          return FALSE;
        }
      buf += n;
      len -= n;
    }
  return TRUE;
}

typedef struct {
  int       dirfd;
  int       fd;
  char     *part;   /* ".<name>.part" */
} Partial;

static void
partial_remove (Partial *partial)
{
  if (unlinkat (partial->dirfd, partial->part, 0) < 0 && errno != ENOENT)
    g_warning ("Could not remove the partial download %s: %s", partial->part, g_strerror (errno));
}

static gboolean
check_cancelled (VireoMediaDownload  *download,
                 Partial             *partial,
                 GError             **error)
{
  if (!vireo_daemon_job_is_cancelled (download->job))
    return FALSE;
  partial_remove (partial);
  g_set_error (error, VIREO_ERROR, VIREO_ERROR_CANCELLED,
               _("The download of “%s” was cancelled; its partial file was removed."), download->name);
  return TRUE;
}

/* The SHA-256 of the whole file, read again from its start. */
static char *
file_sha256 (VireoMediaDownload  *download,
             Partial             *partial,
             guint64              size,
             GError             **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *buf = g_malloc (CHUNK);
  guint64 done = 0;
  ssize_t n;

  vireo_daemon_job_set_step (download->job, VIREO_JOB_STEP_VERIFY);
  if (lseek (partial->fd, 0, SEEK_SET) < 0)
    n = -1;
  else
    while ((n = read (partial->fd, buf, CHUNK)) > 0 || (n < 0 && errno == EINTR))
      {
        if (n < 0)
          continue;
        g_checksum_update (checksum, (const guchar *) buf, n);
        done += n;
        vireo_daemon_job_set_progress (download->job, done, size);
        if (check_cancelled (download, partial, error))
          return NULL;
      }
  if (n < 0)
    {
      int saved = errno;

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("The downloaded medium could not be read back to check it: %s"), g_strerror (saved));
      return NULL;
    }
  return g_strdup (g_checksum_get_string (checksum));
}

/* Sends the request, continuing from @offset when it is not 0: the message with its status,
 * and the body's stream. */
static GInputStream *
send_request (SoupSession  *session,
              const char   *url,
              guint64       offset,
              const char   *validator,
              GCancellable *cancellable,
              SoupMessage **msg_out,
              GError      **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  GInputStream *stream;

  if (msg == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot be downloaded: it is not a valid address."), url);
      return NULL;
    }
  if (offset > 0)
    {
      soup_message_headers_set_range (soup_message_get_request_headers (msg), offset, -1);
      if (validator != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Range", validator);
    }
  stream = soup_session_send (session, msg, cancellable, error);
  *msg_out = g_steal_pointer (&msg);
  return stream;
}

/* The transfer stopped (@cause): cancelled, or to be continued by the next call. */
static gboolean
stopped (VireoMediaDownload  *download,
         Partial             *partial,
         const GError        *cause,
         GError             **error)
{
  off_t size;
  g_autofree char *got = NULL;

  if (check_cancelled (download, partial, error))
    return FALSE;
  size = lseek (partial->fd, 0, SEEK_END);
  /* Nothing to continue: nothing left behind (a server that could not be reached). */
  if (size <= 0)
    {
      partial_remove (partial);
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("“%s” could not be downloaded: %s."),
                   download->url, cause->message);
      return FALSE;
    }
  got = format_size ((guint64) size);
  g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
               _("The download of “%s” stopped after %s: %s. Download it again to continue where it stopped."),
               download->name, got, cause->message);
  return FALSE;
}

static gboolean
download_to (VireoMediaDownload  *download,
             Partial             *partial,
             GError             **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buf = g_malloc (CHUNK);
  g_autofree char *marked_url = get_xattr (partial->fd, XATTR_URL);
  g_autofree char *validator = get_xattr (partial->fd, XATTR_VALIDATOR);
  GCancellable *cancellable = vireo_daemon_job_get_cancellable (download->job);
  SoupMessageHeaders *headers;
  const char *new_validator;
  struct stat st;
  struct statvfs vfs;
  guint64 offset, done, total = 0;
  goffset start, end, length;
  gboolean resumed = FALSE;
  guint status;
  gssize n;

  if (fstat (partial->fd, &st) < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The partial download could not be read: %s"),
                   g_strerror (errno));
      return FALSE;
    }
  /* Continued only when the partial file says it came from the same address. */
  offset = st.st_size;
  if (offset > 0 && g_strcmp0 (marked_url, download->url) != 0)
    {
      g_debug ("%s came from %s, not %s: starting again", partial->part, marked_url ? marked_url : "nowhere known", download->url);
      offset = 0;
    }

  session = soup_session_new_with_options ("idle-timeout", IDLE_TIMEOUT_S, "timeout", IDLE_TIMEOUT_S,
                                           "user-agent", "Vireo/" PACKAGE_VERSION " ", NULL);
  stream = send_request (session, download->url, offset, validator, cancellable, &msg, &local_error);
  if (stream == NULL)
    return stopped (download, partial, local_error, error);
  status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);

  if (status == SOUP_STATUS_PARTIAL_CONTENT && offset > 0
      && soup_message_headers_get_content_range (headers, &start, &end, &length) && (guint64) start == offset)
    {
      resumed = TRUE;
      total = length > 0 ? (guint64) length : 0;
    }
  else if (status == SOUP_STATUS_OK
           || (offset > 0 && (status == SOUP_STATUS_PARTIAL_CONTENT || status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)))
    {
      /* The whole file: the server ignored the range, or could not give it. */
      if (status != SOUP_STATUS_OK)
        {
          g_clear_object (&stream);
          g_clear_object (&msg);
          offset = 0;
          stream = send_request (session, download->url, 0, NULL, cancellable, &msg, &local_error);
          if (stream == NULL)
            return stopped (download, partial, local_error, error);
          status = soup_message_get_status (msg);
          headers = soup_message_get_response_headers (msg);
        }
      offset = 0;
      if (status == SOUP_STATUS_OK && soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
        total = soup_message_headers_get_content_length (headers);
    }
  if (status != SOUP_STATUS_OK && !resumed)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("“%s” could not be downloaded: the server answered “%u %s”."), download->url, status,
                   soup_message_get_reason_phrase (msg) != NULL ? soup_message_get_reason_phrase (msg) : "");
      if (st.st_size == 0)
        partial_remove (partial);
      return FALSE;
    }

  /* Before writing: what is still to come must fit. */
  if (total > offset && fstatvfs (partial->fd, &vfs) == 0
      && (guint64) vfs.f_bavail * vfs.f_frsize < total - offset)
    {
      g_autofree char *needed = format_size (total - offset);
      g_autofree char *free_space = format_size ((guint64) vfs.f_bavail * vfs.f_frsize);

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” needs %s more of disk space; the default storage pool has %s free. Make room, then download it again."),
                   download->name, needed, free_space);
      if (st.st_size == 0)
        partial_remove (partial);
      return FALSE;
    }

  if (offset == 0 && ftruncate (partial->fd, 0) < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The partial download could not be emptied: %s"),
                   g_strerror (errno));
      return FALSE;
    }
  new_validator = soup_message_headers_get_one (headers, "ETag");
  if (new_validator == NULL || g_str_has_prefix (new_validator, "W/"))
    new_validator = soup_message_headers_get_one (headers, "Last-Modified");
  /* Marks for a later call to continue: where it came from, and which version. */
  if (fsetxattr (partial->fd, XATTR_URL, download->url, strlen (download->url), 0) < 0)
    g_debug ("No extended attributes on %s (%s): an interrupted download will start again", partial->part,
             g_strerror (errno));
  if (new_validator != NULL)
    fsetxattr (partial->fd, XATTR_VALIDATOR, new_validator, strlen (new_validator), 0);
  else
    fremovexattr (partial->fd, XATTR_VALIDATOR);

  if (lseek (partial->fd, offset, SEEK_SET) < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The partial download could not be continued: %s"),
                   g_strerror (errno));
      return FALSE;
    }
  done = offset;
  vireo_daemon_job_set_progress (download->job, done, total);
  while ((n = g_input_stream_read (stream, buf, CHUNK, cancellable, &local_error)) > 0)
    {
      if (!write_all (partial->fd, buf, n, error))
        return FALSE;
      done += n;
      vireo_daemon_job_set_progress (download->job, done, total);
      if (check_cancelled (download, partial, error))
        return FALSE;
    }
  if (n < 0)
    return stopped (download, partial, local_error, error);
  if (total > 0 && done != total)
    {
      g_autofree char *got = format_size (done);
      g_autofree char *want = format_size (total);

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("The download of “%s” stopped after %s of %s. Download it again to continue where it stopped."),
                   download->name, got, want);
      return FALSE;
    }
  if (fsync (partial->fd) < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("The downloaded medium could not be written to the default storage pool: %s"), g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
partial_clear (Partial *partial)
{
  if (partial->fd >= 0)
    close (partial->fd);
  if (partial->dirfd >= 0)
    close (partial->dirfd);
  g_free (partial->part);
}

/**
 * _vireo_media_download_run:
 *
 * DownloadMedia's function, in a worker thread (vireo-call.c): @call's data is the
 * VireoMediaDownload. Sets @call's out_string to the new volume's path.
 */
gboolean
_vireo_media_download_run (VireoCall  *call,
                           GError    **error)
{
  VireoMediaDownload *download = call->data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) existing = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autofree char *dir = NULL;
  Partial partial = { -1, -1, NULL };
  struct stat st;
  gboolean ok;

  if (download->is_test_driver)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                           _("libvirt’s test driver keeps no files: nothing can be downloaded into its storage pools."));
      return FALSE;
    }

  pool = _vireo_manager_ensure_default_pool (call->conn, error);
  if (pool == NULL)
    return FALSE;
  existing = virStorageVolLookupByName (pool, download->name);
  virResetLastError ();
  dir = _vireo_manager_default_pool_path (call->conn);
  partial.dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (partial.dirfd < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The default storage pool’s folder %s cannot be opened: %s"),
                   dir, g_strerror (errno));
      partial_clear (&partial);
      return FALSE;
    }
  if (existing != NULL || fstatat (partial.dirfd, download->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS,
                   _("“%s” already exists in the default storage pool; it was left as it is. Choose another name, or use it."),
                   download->name);
      partial_clear (&partial);
      return FALSE;
    }

  partial.part = g_strdup_printf (".%s.part", download->name);
  partial.fd = openat (partial.dirfd, partial.part, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (partial.fd < 0 || fstat (partial.fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The download cannot be written in %s: %s"),
                   dir, g_strerror (partial.fd < 0 ? errno : EINVAL));
      partial_clear (&partial);
      return FALSE;
    }
  /* One download per name at a time; the lock goes with the helper, whatever ends it. */
  if (flock (partial.fd, LOCK_EX | LOCK_NB) < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                   _("“%s” is being downloaded already."), download->name);
      partial_clear (&partial);
      return FALSE;
    }

  /* libsoup's synchronous calls iterate the thread-default context: this thread's own. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  ok = download_to (download, &partial, error);
  g_main_context_pop_thread_default (context);

  if (ok && download->sha256 != NULL)
    {
      g_autofree char *got = file_sha256 (download, &partial, lseek (partial.fd, 0, SEEK_END), error);

      if (got == NULL)
        ok = FALSE;
      else if (!g_str_equal (got, download->sha256))
        {
          partial_remove (&partial);
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                       _("The downloaded file’s SHA-256 checksum is %s, not %s: it is not the medium asked for, and was removed."),
                       got, download->sha256);
          ok = FALSE;
        }
    }
  if (ok)
    {
      fremovexattr (partial.fd, XATTR_URL);
      fremovexattr (partial.fd, XATTR_VALIDATOR);
      if (renameat2 (partial.dirfd, partial.part, partial.dirfd, download->name, RENAME_NOREPLACE) < 0)
        {
          int saved = errno;

          partial_remove (&partial);
          if (saved == EEXIST)
            g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS,
                         _("“%s” appeared in the default storage pool during the download; it was left as it is."),
                         download->name);
          else
            g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                         _("The downloaded medium could not be named “%s”: %s"), download->name, g_strerror (saved));
          ok = FALSE;
        }
    }
  partial_clear (&partial);
  if (!ok)
    return FALSE;

  /* A volume now: libvirt lists what its folder holds once it looks again. */
  if (virStoragePoolRefresh (pool, 0) < 0 || (vol = virStorageVolLookupByName (pool, download->name)) == NULL)
    {
      g_warning ("The default pool does not list the download %s: %s", download->name, virGetLastErrorMessage ());
      virResetLastError ();
      call->out_string = g_build_filename (dir, download->name, NULL);
      return TRUE;
    }
  call->out_string = virStorageVolGetPath (vol);
  return TRUE;
}
