/* vireo-install.c
 *
 * Express installation, the helper's part: libosinfo's install script generated for the
 * medium from the caller's settings (lib/vireo-express.c), and put where that medium's
 * installer looks for it, as libosinfo's entry for it prescribes:
 *
 * - initrd injection (Debian's preseed, Fedora's kickstart): the installer's kernel and initrd
 *   are read out of the ISO; the script is appended to the initrd as one more (gzip'd, newc)
 *   cpio archive, which the kernel unpacks over the first; the machine boots that kernel
 *   directly with libosinfo's command line, and with on_reboot='destroy', so that the
 *   installer's closing reboot ends the install phase (see below) instead of starting it
 *   again.
 * - CD-ROM injection (Windows' autounattend.xml): a small ISO with the script at its root, as
 *   a second CD-ROM; Windows Setup searches removable media for it.
 *
 * The files go into the default pool as volumes (root's, mode 0600: libvirt lends them to the
 * guest's QEMU only while it runs) and are named in the domain's metadata, in Vireo's
 * namespace. The first time the guest shuts itself down (for initrd injection: the
 * installer's reboot), the install phase ends: vireo_install_finish_xml() takes the kernel,
 * the command line, the script's CD-ROM, on_reboot and the metadata out of the definition,
 * and the helper deletes the volumes (and starts the machine again after an installer's
 * reboot). The passwords are in the script only: never in the domain XML, the command line
 * or a log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-install"

#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vireo-error.h"
#include "vireo-install.h"
#include "vireo-new-machine.h"

#define ARCH             "x86_64"
#define MAX_BOOT_FILE    (1024 * 1024 * 1024)   /* a kernel or initrd larger is not one */

void
vireo_install_plan_free (VireoInstallPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->os_id);
  g_free (plan->script_id);
  g_free (plan->filename);
  if (plan->script != NULL)
    explicit_bzero (plan->script, strlen (plan->script));
  g_free (plan->script);
  g_free (plan->cmdline);
  g_free (plan->kernel_path);
  g_free (plan->initrd_path);
  g_free (plan);
}

/* The medium a preview stands for: the system's first x86_64 installer that takes a script,
 * one naming its kernel (initrd injection) first. */
static OsinfoMedia *
preview_media (OsinfoOs *os)
{
  g_autoptr(OsinfoMediaList) list = osinfo_os_get_media_list (os);
  OsinfoMedia *best = NULL;

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoMedia *media = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (list), i));

      if (g_strcmp0 (osinfo_media_get_architecture (media), ARCH) != 0 || !osinfo_media_supports_installer_script (media))
        continue;
      if (best == NULL || (osinfo_media_get_kernel_path (best) == NULL && osinfo_media_get_kernel_path (media) != NULL))
        best = media;
    }
  return best != NULL ? g_object_ref (best) : NULL;
}

/**
 * vireo_install_plan_new:
 * @os_id: the system chosen for the machine
 * @iso: (nullable): the installation medium, readable by this process (the helper's copy in
 *   the pool); %NULL for PreviewMachine, which opens nothing: the system's first installer
 *   medium in libosinfo's database stands for it
 * @express: the caller's settings, validated
 * @virtio_disk: whether the machine's disk is virtio (the Linux installers' target disk)
 *
 * Identifies @iso, picks its script and generates it. Blocks: a worker thread's.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set in words a user can act on
 */
VireoInstallPlan *
vireo_install_plan_new (const char          *os_id,
                        const char          *iso,
                        const VireoExpress  *express,
                        gboolean             virtio_disk,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(VireoInstallPlan) plan = g_new0 (VireoInstallPlan, 1);
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(OsinfoOs) media_os = NULL;
  g_autoptr(OsinfoInstallScript) script = NULL;
  g_autoptr(OsinfoInstallConfig) config = NULL;
  g_autoptr(GError) local_error = NULL;
  OsinfoDb *db;
  OsinfoOs *os;

  db = vireo_osinfo_get_db (error);
  if (db == NULL)
    return NULL;
  os = osinfo_db_get_os (db, os_id);
  if (os == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                   _("Unknown operating system “%s”: libosinfo’s database has no such id."), os_id);
      return NULL;
    }

  if (iso == NULL)
    media = preview_media (os);
  else
    {
      media = vireo_osinfo_read_media (iso, cancellable, &local_error);
      if (media != NULL && osinfo_db_identify_media (db, media))
        media_os = osinfo_media_get_os (media);
    }
  if (iso == NULL ? media == NULL : media_os == NULL || !g_str_equal (osinfo_entity_get_id (OSINFO_ENTITY (media_os)), os_id))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                   _("Express installation needs an installation medium of %s that libosinfo recognises, and this one is not. "
                     "Turn off express installation to install by hand."),
                   osinfo_product_get_name (OSINFO_PRODUCT (os)));
      return NULL;
    }

  script = vireo_express_pick_script (os, media, &plan->method);
  if (script == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                   _("libosinfo has no installation script for this medium of %s: turn off express installation to install by hand."),
                   osinfo_product_get_name (OSINFO_PRODUCT (os)));
      return NULL;
    }
  if (vireo_express_needs_password (script)
      && (express->user_password == NULL || express->user_password[0] == '\0'))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The installer of %s needs a password for the user: choose one."),
                   osinfo_product_get_name (OSINFO_PRODUCT (os)));
      return NULL;
    }

  config = vireo_express_to_install_config (express, ARCH);
  /* Linux installers are told the disk: the scripts assume virtio's /dev/vda. */
  if (!virtio_disk && osinfo_install_script_get_path_format (script) == OSINFO_PATH_FORMAT_UNIX)
    osinfo_install_config_set_target_disk (config, "/dev/sda");
  osinfo_install_script_set_preferred_injection_method (script, plan->method);

  /* libosinfo generates with its async API and a main loop of the thread-default context:
   * in a worker thread, its own (as for reading media, lib/vireo-new-machine.c). */
  {
    g_autoptr(GMainContext) context = g_main_context_new ();

    g_main_context_push_thread_default (context);
    plan->script = osinfo_install_script_generate_for_media (script, media, config, cancellable, &local_error);
    g_main_context_pop_thread_default (context);
  }
  if (plan->script == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("libosinfo could not write the installation script: %s"), local_error->message);
      return NULL;
    }
  if (plan->method == OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD)
    {
      g_autofree char *cmdline = osinfo_install_script_generate_command_line_for_media (script, media, config);

      plan->cmdline = g_strstrip (g_strdup (cmdline != NULL ? cmdline : ""));
      plan->kernel_path = g_strdup (osinfo_media_get_kernel_path (media));
      plan->initrd_path = g_strdup (osinfo_media_get_initrd_path (media));
    }
  plan->os_id = g_strdup (os_id);
  plan->script_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (script)));
  plan->filename = g_strdup (osinfo_install_script_get_expected_filename (script));
  g_debug ("Express installation of %s with %s, by %s", os_id, plan->script_id,
           plan->method == OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD ? "initrd" : "CD-ROM");
  return g_steal_pointer (&plan);
}

/* An ISO's path as libarchive gives it ("./install.amd/vmlinuz", or "INSTALL.AMD/VMLINUZ;1"
 * without Rock Ridge) against one of libosinfo's ("install.amd/vmlinuz"). */
static gboolean
same_path (const char *entry,
           const char *wanted)
{
  g_autofree char *name = NULL;
  char *version;

  while (g_str_has_prefix (entry, "./") || entry[0] == '/')
    entry += entry[0] == '/' ? 1 : 2;
  while (wanted[0] == '/')
    wanted++;
  name = g_strdup (entry);
  version = strrchr (name, ';');
  if (version != NULL)
    *version = '\0';
  return g_ascii_strcasecmp (name, wanted) == 0;
}

static GBytes *
read_entry (struct archive  *a,
            const char      *name,
            GError         **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  char buf[64 * 1024];
  la_ssize_t n;

  while ((n = archive_read_data (a, buf, sizeof buf)) > 0)
    {
      if (data->len + n > MAX_BOOT_FILE)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("The medium’s %s is too large to be its installer’s."), name);
          return NULL;
        }
      g_byte_array_append (data, (const guint8 *) buf, n);
    }
  if (n < 0)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("The medium’s %s could not be read: %s"), name, archive_error_string (a));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static la_ssize_t
append_cb (struct archive *a,
           void           *user_data,
           const void     *buffer,
           size_t          length)
{
  g_byte_array_append (user_data, buffer, length);
  return length;
}

/* One file, @name with @contents, as an archive of @format in memory. */
static GBytes *
write_archive (const char  *format,
               const char  *volume_id,
               const char  *name,
               const char  *contents,
               GError     **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  struct archive *a = archive_write_new ();
  struct archive_entry *entry = archive_entry_new ();
  size_t len = strlen (contents);
  gboolean ok;

  if (g_str_equal (format, "cpio"))
    ok = archive_write_set_format_cpio_newc (a) == ARCHIVE_OK && archive_write_add_filter_gzip (a) == ARCHIVE_OK;
  else
    ok = archive_write_set_format_iso9660 (a) == ARCHIVE_OK
         && archive_write_set_format_option (a, "iso9660", "volume-id", volume_id) == ARCHIVE_OK
         && archive_write_set_format_option (a, "iso9660", "joliet", "1") == ARCHIVE_OK;
  /* One block at a time, as libarchive's writers pad to it. */
  ok = ok && archive_write_set_bytes_in_last_block (a, 1) == ARCHIVE_OK
       && archive_write_open (a, out, NULL, append_cb, NULL) == ARCHIVE_OK;

  archive_entry_set_pathname (entry, name);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0600);
  archive_entry_set_size (entry, len);
  ok = ok && archive_write_header (a, entry) == ARCHIVE_OK
       && archive_write_data (a, contents, len) == (la_ssize_t) len
       && archive_write_close (a) == ARCHIVE_OK;
  if (!ok)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                 _("The installation script could not be packed: %s"),
                 archive_error_string (a) != NULL ? archive_error_string (a) : "libarchive");
  archive_entry_free (entry);
  archive_write_free (a);
  return ok ? g_byte_array_free_to_bytes (g_steal_pointer (&out)) : NULL;
}

/**
 * vireo_install_build_initrd:
 * @iso: the medium (readable by this process)
 * @kernel: (out): the installer's kernel, as on the medium
 * @initrd: (out): its initrd with the script appended
 *
 * Returns: %FALSE with @error set when the medium lacks either file
 */
gboolean
vireo_install_build_initrd (VireoInstallPlan  *plan,
                            const char        *iso,
                            GBytes           **kernel,
                            GBytes           **initrd,
                            GError           **error)
{
  g_autoptr(GBytes) found_kernel = NULL;
  g_autoptr(GBytes) found_initrd = NULL;
  g_autoptr(GBytes) injected = NULL;
  g_autoptr(GByteArray) joined = NULL;
  struct archive *a;
  struct archive_entry *entry;
  int r;

  g_return_val_if_fail (plan->method == OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD, FALSE);

  a = archive_read_new ();
  archive_read_support_format_iso9660 (a);
  if (archive_read_open_filename (a, iso, 64 * 1024) != ARCHIVE_OK)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("The installation medium could not be read as an ISO image: %s"), archive_error_string (a));
      archive_read_free (a);
      return FALSE;
    }
  while ((found_kernel == NULL || found_initrd == NULL)
         && (r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      GBytes **slot = same_path (name, plan->kernel_path) ? &found_kernel
                    : same_path (name, plan->initrd_path) ? &found_initrd
                                                          : NULL;

      if (slot == NULL || *slot != NULL || archive_entry_filetype (entry) != AE_IFREG)
        continue;
      *slot = read_entry (a, name, error);
      if (*slot == NULL)
        {
          archive_read_free (a);
          return FALSE;
        }
    }
  archive_read_free (a);

  if (found_kernel == NULL || found_initrd == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                   _("The installation medium has no %s, where libosinfo says its installer is: turn off express installation to install by hand."),
                   found_kernel == NULL ? plan->kernel_path : plan->initrd_path);
      return FALSE;
    }

  injected = write_archive ("cpio", NULL, plan->filename, plan->script, error);
  if (injected == NULL)
    return FALSE;

  /* The kernel unpacks archives one after the other; zeros between them are skipped, and the
   * next one starts on four bytes. */
  joined = g_byte_array_sized_new (g_bytes_get_size (found_initrd) + 4 + g_bytes_get_size (injected));
  g_byte_array_append (joined, g_bytes_get_data (found_initrd, NULL), g_bytes_get_size (found_initrd));
  while (joined->len % 4 != 0)
    g_byte_array_append (joined, (const guint8 *) "", 1);
  g_byte_array_append (joined, g_bytes_get_data (injected, NULL), g_bytes_get_size (injected));

  *kernel = g_steal_pointer (&found_kernel);
  *initrd = g_byte_array_free_to_bytes (g_steal_pointer (&joined));
  return TRUE;
}

/**
 * vireo_install_build_script_iso:
 *
 * Returns: (transfer full): a small ISO (Joliet, volume OEMDRV) with the script at its root
 */
GBytes *
vireo_install_build_script_iso (VireoInstallPlan  *plan,
                                GError           **error)
{
  return write_archive ("iso9660", "OEMDRV", plan->filename, plan->script, error);
}

static xmlNodePtr
child_named (xmlNodePtr  parent,
             const char *name,
             const char *ns_uri)
{
  for (xmlNodePtr child = parent != NULL ? parent->children : NULL; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, BAD_CAST name)
        && (ns_uri == NULL ? child->ns == NULL : child->ns != NULL && xmlStrEqual (child->ns->href, BAD_CAST ns_uri)))
      return child;
  return NULL;
}

static void
remove_node (xmlNodePtr node)
{
  if (node == NULL)
    return;
  xmlUnlinkNode (node);
  xmlFreeNode (node);
}

static xmlNodePtr
install_node (xmlDocPtr doc)
{
  xmlNodePtr metadata = child_named (xmlDocGetRootElement (doc), "metadata", NULL);

  return child_named (metadata, "install", VIREO_NS);
}

/* One file of a tree, whole, at most MAX_BOOT_FILE bytes. */
static GBytes *
fetch (SoupSession   *session,
       const char    *url,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  char buf[64 * 1024];
  gssize n;

  if (message == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, _("“%s” is not a valid address."), url);
      return NULL;
    }
  stream = soup_session_send (session, message, cancellable, &local_error);
  if (stream != NULL && soup_message_get_status (message) != SOUP_STATUS_OK)
    g_set_error (&local_error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND, "HTTP %u %s", soup_message_get_status (message),
                 soup_message_get_reason_phrase (message));
  while (local_error == NULL && (n = g_input_stream_read (stream, buf, sizeof buf, cancellable, &local_error)) > 0)
    {
      if (data->len + n > MAX_BOOT_FILE)
        g_set_error_literal (&local_error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, _("the file is too large"));
      else
        g_byte_array_append (data, (const guint8 *) buf, n);
    }
  if (local_error != NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The installer could not be downloaded from %s: %s"),
                     url, local_error->message);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/**
 * vireo_install_fetch_tree:
 * @url: an installation tree's address (validated)
 * @kernel: (out): its installer's kernel
 * @initrd: (out): and initrd
 *
 * Reads the tree's .treeinfo and downloads the installer it names. Blocks: a worker
 * thread's.
 */
gboolean
vireo_install_fetch_tree (const char    *url,
                          GBytes       **kernel,
                          GBytes       **initrd,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(OsinfoTree) tree = vireo_osinfo_read_tree (url, cancellable, error);
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *base = NULL;
  g_autofree char *kernel_url = NULL;
  g_autofree char *initrd_url = NULL;

  if (tree == NULL)
    return FALSE;
  if (osinfo_tree_get_kernel_path (tree) == NULL || osinfo_tree_get_initrd_path (tree) == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                   _("The installation tree at %s names no installer kernel for %s."), url, ARCH);
      return FALSE;
    }
  base = g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
  kernel_url = g_strconcat (base, osinfo_tree_get_kernel_path (tree), NULL);
  initrd_url = g_strconcat (base, osinfo_tree_get_initrd_path (tree), NULL);
  session = soup_session_new_with_options ("timeout", 60, "user-agent", "Vireo", NULL);
  *kernel = fetch (session, kernel_url, cancellable, error);
  if (*kernel == NULL)
    return FALSE;
  *initrd = fetch (session, initrd_url, cancellable, error);
  if (*initrd == NULL)
    {
      g_clear_pointer (kernel, g_bytes_unref);
      return FALSE;
    }
  return TRUE;
}

/**
 * vireo_install_tree_cmdline:
 * @os_id: (nullable): the system the tree installs
 *
 * Returns: (transfer full): the kernel command line that points the installer at its tree:
 *   Anaconda's inst.repo (Fedora and Red Hat's family), openSUSE's install, else nothing
 */
char *
vireo_install_tree_cmdline (const char *url,
                            const char *os_id)
{
  OsinfoDb *db = vireo_osinfo_get_db (NULL);
  OsinfoOs *os = db != NULL && os_id != NULL ? osinfo_db_get_os (db, os_id) : NULL;
  const char *distro = os != NULL ? osinfo_os_get_distro (os) : NULL;
  const char *anaconda[] = { "fedora", "rhel", "centos", "centos-stream", "almalinux", "rocky", "ol", "silverblue", NULL };

  if (distro != NULL && g_strv_contains (anaconda, distro))
    return g_strdup_printf ("inst.repo=%s", url);
  if (distro != NULL && (g_str_equal (distro, "opensuse") || g_str_equal (distro, "sles")))
    return g_strdup_printf ("install=%s", url);
  return g_strdup ("");
}

/**
 * vireo_install_finish_xml:
 * @xml: the definition of a machine in its install phase
 * @volumes: (element-type utf8): gets the paths of the volumes the install phase used
 * @restart: (out): whether the machine should start again (the installer rebooted)
 *
 * Returns: (transfer full) (nullable): the definition without the install phase's kernel,
 *   command line, script CD-ROM, on_reboot and metadata; %NULL when @xml has no install
 *   phase
 */
char *
vireo_install_finish_xml (const char *xml,
                          GPtrArray  *volumes,
                          gboolean   *restart)
{
  xmlDocPtr doc = xmlReadMemory (xml, (int) strlen (xml), NULL, NULL, XML_PARSE_NONET);
  xmlNodePtr root, install, os, devices, metadata;
  xmlChar *out = NULL;
  int len = 0;
  char *result;

  *restart = FALSE;
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  install = install_node (doc);
  if (install == NULL)
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  for (xmlNodePtr child = install->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, BAD_CAST "volume"))
      {
        xmlChar *path = xmlGetProp (child, BAD_CAST "path");

        if (path != NULL)
          g_ptr_array_add (volumes, g_strdup ((const char *) path));
        xmlFree (path);
      }

  os = child_named (root, "os", NULL);
  if (child_named (os, "kernel", NULL) != NULL)
    *restart = TRUE;
  remove_node (child_named (os, "kernel", NULL));
  remove_node (child_named (os, "initrd", NULL));
  remove_node (child_named (os, "cmdline", NULL));
  remove_node (child_named (root, "on_reboot", NULL));
  /* Installed: it starts from its disk, not from the installer again (the medium stays in
   * its drive, as virt-manager leaves it). */
  for (xmlNodePtr boot = os != NULL ? os->children : NULL, next; boot != NULL; boot = next)
    {
      xmlChar *dev = boot->type == XML_ELEMENT_NODE && xmlStrEqual (boot->name, BAD_CAST "boot")
                       ? xmlGetProp (boot, BAD_CAST "dev") : NULL;

      next = boot->next;
      if (dev != NULL && xmlStrEqual (dev, BAD_CAST "cdrom"))
        remove_node (boot);
      xmlFree (dev);
    }

  /* The script's CD-ROM: a disk whose file is one of the install phase's volumes. */
  devices = child_named (root, "devices", NULL);
  for (xmlNodePtr disk = devices != NULL ? devices->children : NULL, next; disk != NULL; disk = next)
    {
      xmlNodePtr source = child_named (disk, "source", NULL);
      xmlChar *file = source != NULL ? xmlGetProp (source, BAD_CAST "file") : NULL;

      next = disk->next;
      if (file != NULL && xmlStrEqual (disk->name, BAD_CAST "disk")
          && g_ptr_array_find_with_equal_func (volumes, file, g_str_equal, NULL))
        remove_node (disk);
      xmlFree (file);
    }

  metadata = install->parent;
  remove_node (install);
  if (child_named (metadata, "install", VIREO_NS) == NULL && xmlFirstElementChild (metadata) == NULL)
    remove_node (metadata);

  xmlDocDumpFormatMemoryEnc (doc, &out, &len, "UTF-8", 1);
  result = g_strndup ((const char *) out, len);
  xmlFree (out);
  xmlFreeDoc (doc);
  return result;
}
