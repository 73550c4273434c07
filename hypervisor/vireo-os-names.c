/* vireo-os-names.c
 *
 * What to call an operating system, from libosinfo's database: the <libosinfo:os id="…"/>
 * that virt-install, virt-manager, Boxes and Vireo write into a domain's metadata names an
 * entry whose name is "Debian 11" or "Microsoft Windows 11".
 *
 * Loading the database parses some 800 XML files (about 0.3 s): it runs once, in a worker
 * thread, and keeps only the names and what each system has drivers for, not libosinfo's
 * objects (tens of megabytes in a process that lives as long as the helper). A
 * distribution's database lags its releases (Debian 12 ships osinfo-db 0.20221130, which has
 * no Debian 12): an id of a family the database knows, with a newer version, is named the way
 * libosinfo names that family ("Debian 11" → "Debian 12").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-os-names"

#include "config.h"

#include <osinfo/osinfo.h>
#include <string.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "vireo-os-names.h"

struct _VireoOsNames {
  GHashTable *names;      /* id → name */
  GHashTable *devices;    /* id → VireoOsDevices */
  GHashTable *families;   /* id without its version ("http://debian.org/debian/") → Family */
};

typedef struct {
  char *head;             /* the name without the version: "Debian " */
  char *version;          /* of the newest entry it comes from */
} Family;

static void
family_free (gpointer data)
{
  Family *family = data;

  g_free (family->head);
  g_free (family->version);
  g_free (family);
}

static gboolean
is_version (const char *text)
{
  if (!g_ascii_isdigit (text[0]))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

/* An entry whose id ends in "/VERSION" and whose name ends in "VERSION" names its family. */
static void
add_family (VireoOsNames *self,
            const char   *id,
            const char   *name,
            const char   *version)
{
  g_autofree char *prefix = NULL;
  Family *family;
  gsize id_len, version_len;

  if (version == NULL || !is_version (version) || !g_str_has_suffix (name, version))
    return;
  id_len = strlen (id);
  version_len = strlen (version);
  if (id_len <= version_len + 1 || id[id_len - version_len - 1] != '/' || !g_str_has_suffix (id, version))
    return;

  prefix = g_strndup (id, id_len - version_len);
  family = g_hash_table_lookup (self->families, prefix);
  if (family != NULL && strverscmp (family->version, version) >= 0)
    return;

  family = g_new0 (Family, 1);
  family->head = g_strndup (name, strlen (name) - version_len);
  family->version = g_strdup (version);
  g_hash_table_replace (self->families, g_steal_pointer (&prefix), family);
}

static const struct {
  const char     *name;   /* the device's name in libosinfo's database */
  VireoOsDevices  flag;
} device_names[] = {
  { "virtio-block", VIREO_OS_VIRTIO_BLOCK },
  { "virtio1.0-block", VIREO_OS_VIRTIO_BLOCK },
  { "virtio-net", VIREO_OS_VIRTIO_NET },
  { "virtio1.0-net", VIREO_OS_VIRTIO_NET },
  { "virtio-rng", VIREO_OS_VIRTIO_RNG },
  { "virtio1.0-rng", VIREO_OS_VIRTIO_RNG },
  { "e1000e", VIREO_OS_E1000E },
  { "ich9-hda", VIREO_OS_ICH9_HDA },
  { "qemu-x86-q35", VIREO_OS_Q35 },
  { "virtio1.0-gpu", VIREO_OS_VIRTIO_GPU },
};

static VireoOsDevices
os_devices (OsinfoOs *os)
{
  g_autoptr(OsinfoDeviceList) list = osinfo_os_get_all_devices (os, NULL);
  VireoOsDevices devices = 0;

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoDevice *device = OSINFO_DEVICE (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *name = osinfo_device_get_name (device);

      for (guint j = 0; name != NULL && j < G_N_ELEMENTS (device_names); j++)
        if (g_str_equal (name, device_names[j].name))
          devices |= device_names[j].flag;
    }
  return devices;
}

/**
 * vireo_os_names_load:
 * @system_dir: (nullable): a libosinfo database to read alone, or %NULL for the system's
 *   (osinfo_loader_process_default_path(): /usr/share/osinfo, /etc/osinfo, the user's)
 *
 * Reads libosinfo's database. Blocks: call it in a worker thread.
 *
 * Returns: (transfer full): the names, or %NULL if the database could not be read
 */
VireoOsNames *
vireo_os_names_load (const char  *system_dir,
                     GError     **error)
{
  g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
  g_autoptr(VireoOsNames) self = NULL;
  g_autoptr(OsinfoOsList) list = NULL;
  g_autoptr(GError) local_error = NULL;
  OsinfoDb *db;

  /* libosinfo 1.10 never frees the node arrays of its "./firmware" XPath queries (184 bytes
   * for this database), below its own static helpers where LeakSanitizer's fast unwinder
   * cannot name them: the one library leak is kept out of the leak check here, for this call
   * in this thread only (tests/lsan.supp). */
#ifdef __SANITIZE_ADDRESS__
  __lsan_disable ();
#endif
  if (system_dir != NULL)
    osinfo_loader_process_path (loader, system_dir, &local_error);
  else
    osinfo_loader_process_default_path (loader, &local_error);
#ifdef __SANITIZE_ADDRESS__
  __lsan_enable ();
#endif
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self = g_new0 (VireoOsNames, 1);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->families = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, family_free);

  db = osinfo_loader_get_db (loader);
  list = osinfo_db_get_os_list (db);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoEntity *entity = osinfo_list_get_nth (OSINFO_LIST (list), i);
      const char *id = osinfo_entity_get_id (entity);
      const char *name = osinfo_product_get_name (OSINFO_PRODUCT (entity));

      if (id == NULL || name == NULL)
        continue;
      g_hash_table_replace (self->names, g_strdup (id), g_strdup (name));
      g_hash_table_replace (self->devices, g_strdup (id), GUINT_TO_POINTER (os_devices (OSINFO_OS (entity))));
      add_family (self, id, name, osinfo_product_get_version (OSINFO_PRODUCT (entity)));
    }

  return g_steal_pointer (&self);
}

/**
 * vireo_os_names_lookup:
 * @os_id: (nullable): a libosinfo id, "http://debian.org/debian/12"
 *
 * Returns: (transfer full) (nullable): its name ("Debian 12"), or %NULL when libosinfo knows
 *   neither it nor its family
 */
char *
vireo_os_names_lookup (VireoOsNames *self,
                       const char   *os_id)
{
  const char *name;
  const char *slash;
  g_autofree char *prefix = NULL;
  Family *family;

  g_return_val_if_fail (self != NULL, NULL);

  if (os_id == NULL || os_id[0] == '\0')
    return NULL;

  name = g_hash_table_lookup (self->names, os_id);
  if (name != NULL)
    return g_strdup (name);

  slash = strrchr (os_id, '/');
  if (slash == NULL || !is_version (slash + 1))
    return NULL;
  prefix = g_strndup (os_id, slash + 1 - os_id);
  family = g_hash_table_lookup (self->families, prefix);
  if (family == NULL)
    return NULL;

  return g_strconcat (family->head, slash + 1, NULL);
}

/**
 * vireo_os_names_get_devices:
 * @os_id: a libosinfo id
 * @devices: (out): what it has drivers for
 *
 * Returns: whether the database has @os_id (not only its family)
 */
gboolean
vireo_os_names_get_devices (VireoOsNames   *self,
                            const char     *os_id,
                            VireoOsDevices *devices)
{
  gpointer value;

  g_return_val_if_fail (self != NULL, FALSE);

  *devices = 0;
  if (os_id == NULL || !g_hash_table_lookup_extended (self->devices, os_id, NULL, &value))
    return FALSE;
  *devices = GPOINTER_TO_UINT (value);
  return TRUE;
}

guint
vireo_os_names_size (VireoOsNames *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->names);
}

void
vireo_os_names_free (VireoOsNames *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->families, g_hash_table_unref);
  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_free (self);
}
