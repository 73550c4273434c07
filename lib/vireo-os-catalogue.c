/* vireo-os-catalogue.c
 *
 * The operating systems Vireo offers to download: every installation medium in libosinfo's
 * database that has an address and is for this kind of host (x86_64), grouped by vendor and
 * newest first, as GNOME Boxes offers them. libosinfo reads its database from
 * /usr/share/osinfo, then /etc/osinfo, then ~/.config/osinfo (OSINFO_SYSTEM_DIR,
 * OSINFO_LOCAL_DIR and OSINFO_USER_DIR name others: the tests list a medium of their own so).
 *
 * osinfo-db carries no checksums for its media (Debian 12's, 20221203, has none), so the
 * catalogue offers none: a checksum comes from the person who asks (vireoctl's --sha256).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-os-catalogue"

#include "config.h"

#include <osinfo/osinfo.h>
#include <string.h>

#include "vireo-download.h"
#include "vireo-new-machine.h"
#include "vireo-os-catalogue.h"

#define ARCH "x86_64"

void
vireo_os_medium_free (VireoOsMedium *medium)
{
  if (medium == NULL)
    return;
  g_free (medium->os_id);
  g_free (medium->os_name);
  g_free (medium->short_id);
  g_free (medium->vendor);
  g_free (medium->version);
  g_free (medium->release_date);
  g_free (medium->url);
  g_free (medium->file_name);
  g_free (medium);
}

/* By vendor; within one, newest first (by release date, then by version); then by name. */
static int
compare_media (gconstpointer a,
               gconstpointer b)
{
  const VireoOsMedium *ma = *(VireoOsMedium **) a;
  const VireoOsMedium *mb = *(VireoOsMedium **) b;
  int order;

  if ((order = g_utf8_collate (ma->vendor, mb->vendor)) != 0)
    return order;
  if ((order = g_strcmp0 (mb->release_date, ma->release_date)) != 0)
    return order;
  if ((order = strverscmp (mb->version != NULL ? mb->version : "", ma->version != NULL ? ma->version : "")) != 0)
    return order;
  if ((order = g_utf8_collate (ma->os_name, mb->os_name)) != 0)
    return order;
  /* Installers before live media, then by address: the same order on every run. */
  if (ma->installer != mb->installer)
    return ma->installer ? -1 : 1;
  return strcmp (ma->url, mb->url);
}

/**
 * vireo_os_catalogue_list:
 *
 * Every medium with an http:// or https:// address for x86_64 of every operating system
 * libosinfo lists as released (or rolling), by vendor, newest first. Reads the database the
 * first time (about 0.3 s): call it from a worker thread.
 *
 * Returns: (transfer container) (element-type VireoOsMedium): the media
 */
GPtrArray *
vireo_os_catalogue_list (GError **error)
{
  OsinfoDb *db = vireo_osinfo_get_db (error);
  g_autoptr(OsinfoOsList) list = NULL;
  GPtrArray *media;

  if (db == NULL)
    return NULL;

  list = osinfo_db_get_os_list (db);
  media = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_os_medium_free);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      OsinfoProduct *product = OSINFO_PRODUCT (os);
      g_autoptr(OsinfoMediaList) os_media = NULL;
      int status = osinfo_os_get_release_status (os);

      if (osinfo_product_get_name (product) == NULL || osinfo_entity_get_id (OSINFO_ENTITY (os)) == NULL
          || (status != OSINFO_RELEASE_STATUS_RELEASED && status != OSINFO_RELEASE_STATUS_ROLLING))
        continue;

      os_media = osinfo_os_get_media_list (os);
      for (int j = 0; j < osinfo_list_get_length (OSINFO_LIST (os_media)); j++)
        {
          OsinfoMedia *medium = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (os_media), j));
          const char *url = osinfo_media_get_url (medium);
          VireoOsMedium *item;

          if (g_strcmp0 (osinfo_media_get_architecture (medium), ARCH) != 0
              || !vireo_download_validate_url (url, NULL))
            continue;

          item = g_new0 (VireoOsMedium, 1);
          item->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
          item->os_name = g_strdup (osinfo_product_get_name (product));
          item->short_id = g_strdup (osinfo_product_get_short_id (product));
          item->vendor = g_strdup (osinfo_product_get_vendor (product) != NULL ? osinfo_product_get_vendor (product) : "");
          item->version = g_strdup (osinfo_product_get_version (product));
          item->release_date = g_strdup (osinfo_product_get_release_date_string (product));
          item->url = g_strdup (url);
          item->file_name = vireo_download_name_for_url (url, item->short_id != NULL ? item->short_id : "medium");
          item->live = osinfo_media_get_live (medium);
          item->installer = osinfo_media_get_installer (medium);
          if (item->file_name == NULL)
            item->file_name = g_strdup ("medium.iso");
          g_ptr_array_add (media, item);
        }
    }
  g_ptr_array_sort (media, compare_media);
  return media;
}

/**
 * vireo_os_catalogue_fold:
 *
 * Returns: (transfer full): @text as searches compare it: compatibility-decomposed, without
 *   its accents, case-folded ("Ubuntu Bionic Beaver" and "ubuntu BIONIC" meet; so do "Mageia" and
 *   "Mágeia")
 */
char *
vireo_os_catalogue_fold (const char *text)
{
  g_autofree char *decomposed = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_ALL);
  g_autoptr(GString) bare = g_string_new (NULL);

  for (const char *p = decomposed != NULL ? decomposed : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) != G_UNICODE_NON_SPACING_MARK)
        g_string_append_unichar (bare, c);
    }
  return g_utf8_casefold (bare->str, -1);
}

/**
 * vireo_os_medium_matches:
 * @words: (nullable): what a person typed
 *
 * Returns: %TRUE when every word of @words is in the medium's system name, vendor, short id
 *   or version (folded as vireo_os_catalogue_fold() does); an empty search matches
 */
gboolean
vireo_os_medium_matches (const VireoOsMedium *medium,
                         const char          *words)
{
  g_autofree char *haystack = NULL;
  g_autofree char *folded = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (medium != NULL, FALSE);

  if (words == NULL)
    return TRUE;
  {
    g_autofree char *joined = g_strjoin (" ", medium->os_name, medium->vendor,
                                         medium->short_id != NULL ? medium->short_id : "",
                                         medium->version != NULL ? medium->version : "", NULL);

    haystack = vireo_os_catalogue_fold (joined);
  }
  folded = vireo_os_catalogue_fold (words);
  parts = g_strsplit_set (folded, " \t\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0' && strstr (haystack, parts[i]) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * vireo_os_catalogue_find:
 * @os: a libosinfo id ("http://debian.org/debian/11") or short id ("debian11")
 *
 * Returns: (transfer none) (nullable): the first medium of @os in @catalogue (installers
 *   first)
 */
const VireoOsMedium *
vireo_os_catalogue_find (GPtrArray  *catalogue,
                         const char *os)
{
  g_return_val_if_fail (catalogue != NULL, NULL);
  g_return_val_if_fail (os != NULL, NULL);

  for (guint i = 0; i < catalogue->len; i++)
    {
      const VireoOsMedium *medium = g_ptr_array_index (catalogue, i);

      if (g_strcmp0 (medium->os_id, os) == 0 || g_strcmp0 (medium->short_id, os) == 0)
        return medium;
    }
  return NULL;
}
