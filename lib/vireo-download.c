/* vireo-download.c
 *
 * What DownloadMedia accepts, checked the same way by the helper (which decides) and by its
 * clients (which can then say so before asking): the address of an installation medium, the
 * name it gets in the default storage pool, and its SHA-256 checksum.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-download"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-download.h"
#include "vireo-error.h"

/**
 * vireo_download_validate_url:
 *
 * Returns: %TRUE when @url is an http:// or https:// address with a host: nothing else is
 *   fetched (no file://, no ftp://, nothing a proxy of the helper could be told to read)
 */
gboolean
vireo_download_validate_url (const char  *url,
                             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || !g_utf8_validate (url, -1, NULL) || strlen (url) > 4096)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("The address of the download is not a valid address."));
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot be downloaded: only http:// and https:// addresses can."), url);
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot be downloaded: it names no host, or carries a user name."), url);
      return FALSE;
    }
  return TRUE;
}

/**
 * vireo_download_validate_name:
 *
 * Returns: %TRUE when @name can be a file of the default storage pool: letters, digits, “.”,
 *   “_”, “-” and “+” only (so no “/” and no “..” path), not starting with “.” or “-”, ending
 *   in “.iso”, at most %VIREO_MEDIUM_NAME_MAX bytes
 */
gboolean
vireo_download_validate_name (const char  *name,
                              GError     **error)
{
  gboolean ok = name != NULL && name[0] != '\0' && name[0] != '.' && name[0] != '-'
                && strlen (name) <= VIREO_MEDIUM_NAME_MAX && g_str_has_suffix (name, ".iso")
                && strlen (name) > strlen (".iso") && strstr (name, "..") == NULL;

  for (const char *p = name; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p) || strchr ("._-+", *p) != NULL;
  if (!ok)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("“%s” cannot name a downloaded medium: use letters, digits, “.”, “_”, “-” and “+”, end it in “.iso”, and keep it under %d characters."),
                 name != NULL && g_utf8_validate (name, -1, NULL) ? name : "?", VIREO_MEDIUM_NAME_MAX);
  return ok;
}

/**
 * vireo_download_validate_sha256:
 *
 * Returns: %TRUE when @sha256 is 64 hexadecimal digits
 */
gboolean
vireo_download_validate_sha256 (const char  *sha256,
                                GError     **error)
{
  gboolean ok = sha256 != NULL && strlen (sha256) == 64;

  for (const char *p = sha256; ok && *p != '\0'; p++)
    ok = g_ascii_isxdigit (*p);
  if (!ok)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a SHA-256 checksum: it has 64 hexadecimal digits."),
                 sha256 != NULL && g_utf8_validate (sha256, -1, NULL) ? sha256 : "?");
  return ok;
}

/**
 * vireo_download_name_for_url:
 * @fallback: (nullable): the name's stem when the address's own does not do ("debian11")
 *
 * Returns: (transfer full) (nullable): the last part of @url's path when it is a valid name,
 *   else @fallback with ".iso", else %NULL
 */
char *
vireo_download_name_for_url (const char *url,
                             const char *fallback)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *slash = path != NULL ? strrchr (path, '/') : NULL;
  g_autofree char *last = g_strdup (slash != NULL ? slash + 1 : path);
  g_autofree char *from_fallback = NULL;

  if (last != NULL && vireo_download_validate_name (last, NULL))
    return g_steal_pointer (&last);
  if (fallback == NULL)
    return NULL;
  from_fallback = g_strdup_printf ("%s.iso", fallback);
  return vireo_download_validate_name (from_fallback, NULL) ? g_steal_pointer (&from_fallback) : NULL;
}
