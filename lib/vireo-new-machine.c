/* vireo-new-machine.c
 *
 * A new machine's choices, proposed as GNOME Boxes and virt-install do: libosinfo identifies
 * the installation medium (by its volume id, publisher and the like, read from the ISO), and
 * the operating system's recommended resources become the proposed memory, vCPUs and disk
 * size, bounded by the host. The assistant and `vireoctl create` both use this, so that the
 * two propose the same machine; the helper decides the devices (CreateMachine).
 *
 * libosinfo's database is read once per process (about 0.3 s), on first use, in whichever
 * thread asks first; afterwards it is only read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-new-machine"

#include "config.h"

#include <glib/gi18n.h>
#include <osinfo/osinfo.h>
#include <string.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "vireo-error.h"
#include "vireo-express.h"
#include "vireo-new-machine.h"

#define ARCH "x86_64"

/**
 * vireo_osinfo_get_db:
 *
 * Returns: (transfer none): libosinfo's database, read on first use
 */
OsinfoDb *
vireo_osinfo_get_db (GError **error)
{
  static GMutex lock;
  static OsinfoLoader *loader;
  static GError *load_error;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);

  if (loader == NULL && load_error == NULL)
    {
      loader = osinfo_loader_new ();
      /* libosinfo 1.10 leaks a little while loading, below its own static helpers
       * (see hypervisor/vireo-os-names.c). */
#ifdef __SANITIZE_ADDRESS__
      __lsan_disable ();
#endif
      osinfo_loader_process_default_path (loader, &load_error);
#ifdef __SANITIZE_ADDRESS__
      __lsan_enable ();
#endif
    }
  if (load_error != NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                   _("libosinfo’s database of operating systems could not be read: %s"), load_error->message);
      return NULL;
    }
  return osinfo_loader_get_db (loader);
}

/**
 * vireo_osinfo_read_media:
 * @iso: a file this process can read
 *
 * Reads @iso's volume descriptor (blocking: call it in a worker thread).
 *
 * Returns: (transfer full): the medium as libosinfo reads it, not yet identified
 */
OsinfoMedia *
vireo_osinfo_read_media (const char    *iso,
                         GCancellable  *cancellable,
                         GError       **error)
{
  OsinfoMedia *media;

  /* libosinfo reads the ISO with its async API and a main loop of the thread-default
   * context, which in a worker thread is the global one: the GTK thread's. Its own context,
   * or the worker dispatches the GTK thread's sources and may never see its answer. */
  {
    g_autoptr(GMainContext) context = g_main_context_new ();

    g_main_context_push_thread_default (context);
    /* libosinfo 1.10 never frees the copy of the location its async reader makes (39 bytes,
     * below g_strdup, where LeakSanitizer's fast unwinder cannot name it: tests/lsan.supp):
     * kept out of the leak check for this call in this thread only. */
#ifdef __SANITIZE_ADDRESS__
    __lsan_disable ();
#endif
    media = osinfo_media_create_from_location (iso, cancellable, error);
#ifdef __SANITIZE_ADDRESS__
    __lsan_enable ();
#endif
    g_main_context_pop_thread_default (context);
  }
  return media;
}

void
vireo_os_choice_free (VireoOsChoice *choice)
{
  if (choice == NULL)
    return;
  g_free (choice->id);
  g_free (choice->name);
  g_free (choice);
}

static int
compare_choices (gconstpointer a,
                 gconstpointer b)
{
  const VireoOsChoice *ca = *(VireoOsChoice **) a;
  const VireoOsChoice *cb = *(VireoOsChoice **) b;
  int by_name = g_utf8_collate (ca->name, cb->name);

  return by_name != 0 ? by_name : strcmp (ca->id, cb->id);
}

/**
 * vireo_new_machine_list_os:
 *
 * Every operating system in libosinfo's database, by name. Reads the database the first time
 * (about 0.3 s): call it from a worker thread.
 *
 * Returns: (transfer container) (element-type VireoOsChoice): the systems
 */
GPtrArray *
vireo_new_machine_list_os (GError **error)
{
  OsinfoDb *db = vireo_osinfo_get_db (error);
  g_autoptr(OsinfoOsList) list = NULL;
  GPtrArray *choices;

  if (db == NULL)
    return NULL;

  list = osinfo_db_get_os_list (db);
  choices = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_os_choice_free);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoEntity *os = osinfo_list_get_nth (OSINFO_LIST (list), i);
      const char *name = osinfo_product_get_name (OSINFO_PRODUCT (os));
      VireoOsChoice *choice;

      if (name == NULL || osinfo_entity_get_id (os) == NULL)
        continue;
      choice = g_new0 (VireoOsChoice, 1);
      choice->id = g_strdup (osinfo_entity_get_id (os));
      choice->name = g_strdup (name);
      g_ptr_array_add (choices, choice);
    }
  g_ptr_array_sort (choices, compare_choices);
  return choices;
}

/**
 * vireo_new_machine_new:
 *
 * Returns: (transfer full): the choices for an unknown system, no medium, no name, a NIC on
 *   libvirt's default network
 */
VireoNewMachine *
vireo_new_machine_new (void)
{
  VireoNewMachine *self = g_new0 (VireoNewMachine, 1);

  self->memory_mib = VIREO_NEW_MACHINE_MEMORY_MIB;
  self->vcpus = VIREO_NEW_MACHINE_VCPUS;
  self->disk_gib = VIREO_NEW_MACHINE_DISK_GIB;
  self->network = g_strdup (VIREO_NEW_MACHINE_NETWORK);
  return self;
}

void
vireo_new_machine_free (VireoNewMachine *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->iso);
  g_free (self->location);
  g_free (self->os_id);
  g_free (self->os_name);
  g_free (self->os_short_id);
  g_free (self->firmware);
  g_free (self->network);
  g_free (self->import);
  g_free (self->iso_volume);
  g_free (self->media_os_id);
  vireo_express_free (self->express_config);
  g_free (self);
}

/* The first resources of @list for this architecture (or for all): -1 where unset. */
static void
read_resources (OsinfoResourcesList *list,
                gint64              *ram,
                gint                *cpus,
                gint64              *storage)
{
  for (int i = 0; list != NULL && i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoResources *res = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *arch = osinfo_resources_get_architecture (res);

      if (arch != NULL && !g_str_equal (arch, ARCH) && !g_str_equal (arch, "all"))
        continue;
      if (*ram <= 0)
        *ram = osinfo_resources_get_ram (res);
      if (*cpus <= 0)
        *cpus = osinfo_resources_get_n_cpus (res);
      if (*storage <= 0)
        *storage = osinfo_resources_get_storage (res);
    }
}

/* Walks @os and the systems it derives from until each of the three is found. */
static void
chain_resources (OsinfoOs             *os,
                 OsinfoResourcesList *(*get) (OsinfoOs *),
                 gint64               *ram,
                 gint                 *cpus,
                 gint64               *storage)
{
  g_autoptr(OsinfoOs) walk = g_object_ref (os);

  *ram = *storage = -1;
  *cpus = -1;
  for (guint depth = 0; walk != NULL && depth < 16; depth++)
    {
      g_autoptr(OsinfoResourcesList) list = get (walk);
      g_autoptr(OsinfoProductList) parents = NULL;

      read_resources (list, ram, cpus, storage);
      if (*ram > 0 && *cpus > 0 && *storage > 0)
        return;
      parents = osinfo_product_get_related (OSINFO_PRODUCT (walk), OSINFO_PRODUCT_RELATIONSHIP_DERIVES_FROM);
      g_clear_object (&walk);
      if (osinfo_list_get_length (OSINFO_LIST (parents)) > 0)
        walk = g_object_ref (OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (parents), 0)));
    }
}

/* What libosinfo recommends for @os (or the systems it derives from), never less than its
 * minimum (Windows 10 has a minimum of its own but only Windows 8's recommendation, which is
 * below it), else Vireo's defaults. */
static void
propose_resources (VireoNewMachine *self,
                   OsinfoOs        *os)
{
  gint64 ram, storage, min_ram, min_storage;
  gint cpus, min_cpus;

  chain_resources (os, osinfo_os_get_recommended_resources, &ram, &cpus, &storage);
  chain_resources (os, osinfo_os_get_minimum_resources, &min_ram, &min_cpus, &min_storage);
  ram = MAX (ram, min_ram);
  cpus = MAX (cpus, min_cpus);
  storage = MAX (storage, min_storage);

  self->memory_mib = ram > 0 ? (guint64) ram / (1024 * 1024) : VIREO_NEW_MACHINE_MEMORY_MIB;
  self->vcpus = cpus > 0 ? (guint) cpus : VIREO_NEW_MACHINE_VCPUS;
  self->disk_gib = storage > 0 ? ((guint64) storage + (1 << 30) - 1) >> 30 : VIREO_NEW_MACHINE_DISK_GIB;
}

/* UEFI where the system cannot boot from BIOS (libosinfo says so for x86_64); Secure Boot
 * and a TPM 2.0 for Windows 11 and later, which refuse to install without them (libosinfo
 * 1.10 has no word for either). */
static void
propose_firmware (VireoNewMachine *self,
                  OsinfoOs        *os)
{
  g_autoptr(OsinfoFirmwareList) list = os != NULL ? osinfo_os_get_complete_firmware_list (os, NULL) : NULL;
  gboolean bios_refused = FALSE;
  const char *id = os != NULL ? osinfo_entity_get_id (OSINFO_ENTITY (os)) : NULL;

  for (int i = 0; list != NULL && i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoFirmware *firmware = OSINFO_FIRMWARE (osinfo_list_get_nth (OSINFO_LIST (list), i));

      if (g_strcmp0 (osinfo_firmware_get_architecture (firmware), ARCH) == 0
          && g_strcmp0 (osinfo_firmware_get_firmware_type (firmware), "bios") == 0
          && !osinfo_firmware_is_supported (firmware))
        bios_refused = TRUE;
    }

  g_clear_pointer (&self->firmware, g_free);
  self->firmware = g_strdup (bios_refused ? "efi" : "bios");
  self->secure_boot = self->tpm = bios_refused && id != NULL && g_str_has_prefix (id, "http://microsoft.com/win/")
                                  && strverscmp (id + strlen ("http://microsoft.com/win/"), "11") >= 0;
}

/* Whether an express installation of @os (the system chosen, already set) from @media can
 * be made: a script Vireo can inject (vireo-express.c). Kept as the medium's answer too, for
 * when the system is chosen again by hand. */
static void
set_medium_express (VireoNewMachine *self,
                    OsinfoOs        *os,
                    OsinfoMedia     *media)
{
  g_autoptr(OsinfoInstallScript) script = os != NULL ? vireo_express_pick_script (os, media, NULL) : NULL;

  self->express = self->media_express = script != NULL;
  self->express_needs_password = self->media_express_needs_password
    = script != NULL && vireo_express_needs_password (script);
  g_free (self->media_os_id);
  self->media_os_id = g_strdup (self->os_id);
}

static void
set_from_os (VireoNewMachine *self,
             OsinfoOs        *os)
{
  g_free (self->os_id);
  g_free (self->os_name);
  g_free (self->os_short_id);
  self->os_id = os != NULL ? g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os))) : NULL;
  self->os_name = os != NULL ? g_strdup (osinfo_product_get_name (OSINFO_PRODUCT (os))) : NULL;
  self->os_short_id = os != NULL ? g_strdup (osinfo_product_get_short_id (OSINFO_PRODUCT (os))) : NULL;
  self->express = FALSE;
  propose_firmware (self, os);
  if (os != NULL)
    propose_resources (self, os);
  else
    {
      self->memory_mib = VIREO_NEW_MACHINE_MEMORY_MIB;
      self->vcpus = VIREO_NEW_MACHINE_VCPUS;
      self->disk_gib = VIREO_NEW_MACHINE_DISK_GIB;
    }
}

/**
 * vireo_new_machine_set_os:
 * @os_id: (nullable): a libosinfo id, or %NULL for an unknown system
 *
 * Chooses the operating system by hand, and proposes its resources again.
 *
 * Returns: %FALSE with @error set when libosinfo's database has no such id
 */
gboolean
vireo_new_machine_set_os (VireoNewMachine  *self,
                          const char       *os_id,
                          GError          **error)
{
  OsinfoDb *db;
  OsinfoOs *os;

  g_return_val_if_fail (self != NULL, FALSE);

  if (os_id == NULL || os_id[0] == '\0')
    {
      set_from_os (self, NULL);
      return TRUE;
    }

  db = vireo_osinfo_get_db (error);
  if (db == NULL)
    return FALSE;
  os = osinfo_db_get_os (db, os_id);
  if (os == NULL)
    {
      /* A short id ("debian11") is what people type. */
      g_autoptr(OsinfoOsList) all = osinfo_db_get_os_list (db);

      for (int i = 0; os == NULL && i < osinfo_list_get_length (OSINFO_LIST (all)); i++)
        {
          OsinfoOs *candidate = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (all), i));
          g_autoptr(GList) short_ids = osinfo_product_get_short_id_list (OSINFO_PRODUCT (candidate));

          for (GList *l = short_ids; l != NULL; l = l->next)
            if (g_str_equal (l->data, os_id))
              os = candidate;
        }
    }
  if (os == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                   _("libosinfo knows no operating system “%s”. Its ids look like “debian11” or “http://debian.org/debian/11” (osinfo-query os lists them)."),
                   os_id);
      return FALSE;
    }
  set_from_os (self, os);
  /* The medium must be of this system: its script is injected the way its entry says. */
  self->express = self->media_express && g_strcmp0 (self->os_id, self->media_os_id) == 0;
  self->express_needs_password = self->express && self->media_express_needs_password;
  return TRUE;
}

/**
 * vireo_new_machine_use_download:
 * @os_id: the system of the catalogue medium downloaded (vireo-os-catalogue.c)
 * @url: (nullable): the medium's address, as libosinfo's database lists it
 * @volume: its volume in the default storage pool (DownloadMedia's name)
 *
 * Installs from a downloaded medium, used in place (CreateMachine's "iso-volume"). The file
 * is the helper's: the system and whether an express installation can be made come from
 * the database's entry for @url, not from reading the file (the helper checks the file
 * itself when it prepares an express installation).
 *
 * Returns: %FALSE with @error set when the database knows no @os_id
 */
gboolean
vireo_new_machine_use_download (VireoNewMachine  *self,
                                const char       *os_id,
                                const char       *url,
                                const char       *volume,
                                GError          **error)
{
  OsinfoDb *db;
  OsinfoOs *os;
  g_autoptr(OsinfoMediaList) media = NULL;
  OsinfoMedia *medium = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (volume != NULL, FALSE);

  g_clear_pointer (&self->iso, g_free);
  g_free (self->iso_volume);
  self->iso_volume = g_strdup (volume);
  if (!vireo_new_machine_set_os (self, os_id, error))
    return FALSE;
  /* An unknown system: no express installation. */
  if (self->os_id == NULL)
    return TRUE;
  if ((db = vireo_osinfo_get_db (error)) == NULL)
    return FALSE;
  os = osinfo_db_get_os (db, self->os_id);

  media = osinfo_os_get_media_list (os);
  for (int i = 0; url != NULL && medium == NULL && i < osinfo_list_get_length (OSINFO_LIST (media)); i++)
    {
      OsinfoMedia *candidate = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (media), i));

      if (g_strcmp0 (osinfo_media_get_url (candidate), url) == 0)
        medium = candidate;
    }
  set_medium_express (self, os, medium);
  return TRUE;
}

/**
 * vireo_is_location:
 *
 * Returns: whether @text names a network location (an installation tree) rather than a file
 */
gboolean
vireo_is_location (const char *text)
{
  return g_str_has_prefix (text, "http://") || g_str_has_prefix (text, "https://") || g_str_has_prefix (text, "ftp://");
}

/**
 * vireo_validate_location:
 * @url: an installation tree's address
 *
 * Returns: %FALSE with @error set unless @url is an http, https or ftp URL with a host
 */
gboolean
vireo_validate_location (const char  *url,
                         GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (!g_utf8_validate (url, -1, NULL) || strlen (url) > 2048
      || (uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)) == NULL
      || !vireo_is_location (url) || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not the address of an installation tree: it starts with http://, https:// or ftp://, as https://download.fedoraproject.org/pub/fedora/linux/releases/37/Server/x86_64/os does."),
                   g_utf8_validate (url, -1, NULL) ? url : "?");
      return FALSE;
    }
  return TRUE;
}

/**
 * vireo_osinfo_read_tree:
 * @url: an installation tree's address
 *
 * Reads the tree's .treeinfo over the network (blocking: a worker thread's).
 *
 * Returns: (transfer full): the tree, identified where libosinfo knows it
 */
OsinfoTree *
vireo_osinfo_read_tree (const char    *url,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  OsinfoDb *db = vireo_osinfo_get_db (error);
  g_autofree char *base = NULL;
  const char *why;
  OsinfoTree *tree;

  if (db == NULL || !vireo_validate_location (url, error))
    return NULL;
  /* libosinfo adds "/.treeinfo" itself. */
  base = g_strdup (url);
  while (g_str_has_suffix (base, "/") && strlen (base) > strlen ("http://x/"))
    base[strlen (base) - 1] = '\0';
  /* libosinfo fetches with libsoup's async API on the thread-default context: its own here. */
  g_main_context_push_thread_default (context);
  /* libosinfo 1.10 leaks the pieces of its async fetch (its location copies and the task's
   * data, below g_malloc where the fast unwinder cannot name them): kept out of the leak
   * check for this call in this thread only, as for media. */
#ifdef __SANITIZE_ADDRESS__
  __lsan_disable ();
#endif
  tree = osinfo_tree_create_from_location (base, cancellable, &local_error);
#ifdef __SANITIZE_ADDRESS__
  __lsan_enable ();
#endif
  g_main_context_pop_thread_default (context);
  if (tree == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          /* libosinfo's words after its own prefix: the server's answer, or why there was none. */
          why = strstr (local_error->message, " file: ");
          why = why != NULL ? why + strlen (" file: ") : local_error->message;
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                       _("Vireo could not read an installation tree at %s: %s. The address must be reachable, and hold a .treeinfo file, as the mirrors of Fedora, CentOS and openSUSE do."),
                       url, why);
        }
      return NULL;
    }
  osinfo_db_identify_tree (db, tree);
  return tree;
}

static gboolean
detect_location (VireoNewMachine  *self,
                 const char       *url,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autoptr(OsinfoTree) tree = vireo_osinfo_read_tree (url, cancellable, error);
  g_autoptr(OsinfoOs) os = NULL;

  if (tree == NULL)
    return FALSE;
  os = osinfo_tree_get_os (tree);
  g_free (self->iso);
  self->iso = NULL;
  g_free (self->location);
  self->location = g_strdup (url);
  set_from_os (self, os);
  set_medium_express (self, os, NULL);   /* no medium: none (express from a tree is not made) */
  return TRUE;
}

/**
 * vireo_new_machine_detect:
 * @iso: an absolute path to an installation medium
 *
 * Reads @iso (as the calling process: the user's own permissions) and asks libosinfo which
 * system it installs. A medium libosinfo does not know, or a file that is not an ISO image,
 * leaves the system unknown, which is not an error. Blocks: call it from a worker thread, or
 * use vireo_new_machine_detect_async().
 *
 * Returns: %FALSE with @error set when @iso cannot be read at all
 */
gboolean
vireo_new_machine_detect (VireoNewMachine  *self,
                          const char       *iso,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  OsinfoOs *os = NULL;
  OsinfoDb *db;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (iso != NULL, FALSE);

  if (vireo_is_location (iso))
    return detect_location (self, iso, cancellable, error);
  if (!g_path_is_absolute (iso))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an absolute path."), iso);
      return FALSE;
    }
  if (!g_file_test (iso, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                   _("“%s” is not a file."), iso);
      return FALSE;
    }
  /* Readable by this user, or nothing. */
  file = g_file_new_for_path (iso);
  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, VIREO_ERROR, g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
                                         ? VIREO_ERROR_NOT_AUTHORIZED : VIREO_ERROR_FAILED,
                   _("“%s” cannot be read: %s"), iso, local_error->message);
      return FALSE;
    }
  /* An ISO 9660 (or UDF) image says so at 32 KiB: anything else (a text file, an archive) is
   * refused here rather than booted to "No bootable device". */
  {
    char magic[5] = { 0 };
    gsize got = 0;

    if (!g_seekable_seek (G_SEEKABLE (stream), 32769, G_SEEK_SET, cancellable, NULL)
        || !g_input_stream_read_all (G_INPUT_STREAM (stream), magic, sizeof magic, &got, cancellable, NULL)
        || got != sizeof magic || (memcmp (magic, "CD001", 5) != 0 && memcmp (magic, "BEA01", 5) != 0))
      {
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not an ISO image (the image of a CD or DVD). An installed system’s disk image is imported instead."),
                     iso);
        return FALSE;
      }
  }
  g_clear_object (&stream);

  db = vireo_osinfo_get_db (error);
  if (db == NULL)
    return FALSE;

  media = vireo_osinfo_read_media (iso, cancellable, &local_error);
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (media == NULL)
    g_debug ("%s is not a medium libosinfo reads: %s", iso, local_error->message);
  else if (osinfo_db_identify_media (db, media))
    os = osinfo_media_get_os (media);

  g_free (self->iso);
  self->iso = g_strdup (iso);
  set_from_os (self, os);
  set_medium_express (self, os, media);
  g_clear_object (&os);
  return TRUE;
}

static void
detect_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VireoNewMachine *result = vireo_new_machine_new ();
  GError *error = NULL;

  if (vireo_new_machine_detect (result, task_data, cancellable, &error))
    g_task_return_pointer (task, result, (GDestroyNotify) vireo_new_machine_free);
  else
    {
      vireo_new_machine_free (result);
      g_task_return_error (task, error);
    }
}

/**
 * vireo_new_machine_detect_async:
 *
 * vireo_new_machine_detect() in a worker thread. @self is only changed by the _finish().
 */
void
vireo_new_machine_detect_async (VireoNewMachine     *self,
                                const char          *iso,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, vireo_new_machine_detect_async);
  g_task_set_task_data (task, g_strdup (iso), g_free);
  g_task_run_in_thread (task, detect_thread);
}

gboolean
vireo_new_machine_detect_finish (VireoNewMachine  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_autoptr(VireoNewMachine) found = g_task_propagate_pointer (G_TASK (result), error);

  if (found == NULL)
    return FALSE;
  g_free (self->iso);
  g_free (self->os_id);
  g_free (self->os_name);
  g_free (self->os_short_id);
  self->iso = g_steal_pointer (&found->iso);
  g_free (self->location);
  self->location = g_steal_pointer (&found->location);
  self->os_id = g_steal_pointer (&found->os_id);
  self->os_name = g_steal_pointer (&found->os_name);
  self->os_short_id = g_steal_pointer (&found->os_short_id);
  self->express = found->express;
  self->express_needs_password = found->express_needs_password;
  self->media_express = found->media_express;
  self->media_express_needs_password = found->media_express_needs_password;
  g_free (self->media_os_id);
  self->media_os_id = g_steal_pointer (&found->media_os_id);
  g_free (self->firmware);
  self->firmware = g_steal_pointer (&found->firmware);
  self->secure_boot = found->secure_boot;
  self->tpm = found->tpm;
  self->memory_mib = found->memory_mib;
  self->vcpus = found->vcpus;
  self->disk_gib = found->disk_gib;
  return TRUE;
}

/**
 * vireo_new_machine_bound:
 * @host_memory_mib: the host's memory, 0 when unknown
 * @host_cpus: its logical CPUs, 0 when unknown
 *
 * Keeps the proposal within the host: at most half its memory (the host must go on working
 * beside the guest), at most all of its CPUs.
 */
void
vireo_new_machine_bound (VireoNewMachine *self,
                         guint64          host_memory_mib,
                         guint            host_cpus)
{
  g_return_if_fail (self != NULL);

  if (host_memory_mib > 0 && self->memory_mib > host_memory_mib / 2)
    self->memory_mib = MAX (host_memory_mib / 2, 256);
  if (host_cpus > 0 && self->vcpus > host_cpus)
    self->vcpus = host_cpus;
}

/**
 * vireo_new_machine_propose_name:
 * @taken: (nullable) (array zero-terminated=1): the names in use
 *
 * Returns: (transfer full): the system's short id ("debian11"), or "machine" when it is
 *   unknown, with "-2", "-3"… when that is taken
 */
char *
vireo_new_machine_propose_name (VireoNewMachine    *self,
                                const char * const *taken)
{
  const char *base;

  g_return_val_if_fail (self != NULL, NULL);

  base = self->os_short_id != NULL ? self->os_short_id : "machine";
  for (guint n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, n);

      if (taken == NULL || !g_strv_contains (taken, name))
        return g_steal_pointer (&name);
    }
}

/**
 * vireo_new_machine_to_spec:
 *
 * Returns: (transfer floating): the a{sv} spec of CreateMachine and PreviewMachine
 */
GVariant *
vireo_new_machine_to_spec (VireoNewMachine *self)
{
  GVariantBuilder builder;

  g_return_val_if_fail (self != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string (self->name != NULL ? self->name : ""));
  g_variant_builder_add (&builder, "{sv}", "memory-mib", g_variant_new_uint64 (self->memory_mib));
  g_variant_builder_add (&builder, "{sv}", "vcpus", g_variant_new_uint32 (self->vcpus));
  if (self->import != NULL)
    g_variant_builder_add (&builder, "{sv}", "import", g_variant_new_string (self->import));
  else
    g_variant_builder_add (&builder, "{sv}", "disk-gib", g_variant_new_uint64 (self->disk_gib));
  if (self->iso != NULL)
    g_variant_builder_add (&builder, "{sv}", "iso", g_variant_new_string (self->iso));
  if (self->iso_volume != NULL)
    g_variant_builder_add (&builder, "{sv}", "iso-volume", g_variant_new_string (self->iso_volume));
  if (self->location != NULL)
    g_variant_builder_add (&builder, "{sv}", "location", g_variant_new_string (self->location));
  if (self->os_id != NULL)
    g_variant_builder_add (&builder, "{sv}", "os-id", g_variant_new_string (self->os_id));
  if (self->firmware != NULL)
    g_variant_builder_add (&builder, "{sv}", "firmware", g_variant_new_string (self->firmware));
  if (self->secure_boot)
    g_variant_builder_add (&builder, "{sv}", "secure-boot", g_variant_new_boolean (TRUE));
  if (self->tpm)
    g_variant_builder_add (&builder, "{sv}", "tpm", g_variant_new_boolean (TRUE));
  if (self->network != NULL)
    g_variant_builder_add (&builder, "{sv}", "network", g_variant_new_string (self->network));
  if (self->pxe)
    g_variant_builder_add (&builder, "{sv}", "pxe", g_variant_new_boolean (TRUE));
  if (self->express_config != NULL)
    g_variant_builder_add (&builder, "{sv}", "express", vireo_express_to_variant (self->express_config));
  return g_variant_builder_end (&builder);
}
