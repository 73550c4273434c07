/* vireo-daemon-manager.c
 *
 * org.vireo.Hypervisor1.Manager: the host, and machine and network creation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-daemon-manager"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vireo-as-caller.h"
#include "vireo-authority.h"
#include "vireo-bridge.h"
#include "vireo-daemon-job.h"
#include "vireo-daemon-manager.h"
#include "vireo-daemon-private.h"
#include "vireo-host-interfaces.h"
#include "vireo-install.h"
#include "vireo-machine-spec.h"
#include "vireo-media-download.h"
#include "vireo-network-spec.h"

#define DEFAULT_POOL      "default"
#define DEFAULT_POOL_PATH "/var/lib/libvirt/images"
#define COPY_CHUNK        (256 * 1024)

struct _VireoDaemonManager {
  VireoDBusManagerSkeleton parent_instance;

  /* Borrowed references */
  VireoDaemon             *daemon;
};

static void manager_iface_init (VireoDBusManagerIface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (VireoDaemonManager, vireo_daemon_manager, VIREO_DBUS_TYPE_MANAGER_SKELETON,
                               G_IMPLEMENT_INTERFACE (VIREO_DBUS_TYPE_MANAGER, manager_iface_init))
/* clang-format on */

static const VireoMethodAction manager_actions[] = {
  { "CreateMachine", VIREO_ACTION_MODIFY },
  { "PreviewMachine", NULL },   /* changes nothing: open to every local user, as reads are */
  { "DownloadMedia", VIREO_ACTION_MODIFY },
  { "CreateNetwork", VIREO_ACTION_HOST_NETWORK },
  { "ListHostInterfaces", NULL },   /* a read */
  { "CreateBridge", VIREO_ACTION_HOST_NETWORK },
  { "DeleteBridge", VIREO_ACTION_HOST_NETWORK },
};

typedef struct {
  VireoMachineSpec *spec;
  VireoHostLimits   limits;   /* a copy: the daemon's may change while we run */
  VireoOsDevices    os_devices;
  gboolean          preview;    /* PreviewMachine: build the XML, make nothing */
  VireoDaemonJob   *job;        /* on the bus while CreateMachine runs */
} CreateData;

/* An express installation's volumes, made by one CreateMachine. */
typedef struct {
  virStorageVolPtr kernel;
  virStorageVolPtr initrd;
  virStorageVolPtr script_iso;
  char            *kernel_path;
  char            *initrd_path;
  char            *script_iso_path;
  char            *cmdline;
} InstallVolumes;

static void remove_new_volume (virStorageVolPtr vol);

static void
install_volumes_clear (InstallVolumes *install,
                       gboolean        remove)
{
  virStorageVolPtr *vols[] = { &install->kernel, &install->initrd, &install->script_iso };

  for (guint i = 0; i < G_N_ELEMENTS (vols); i++)
    {
      if (remove)
        remove_new_volume (*vols[i]);
      g_clear_pointer (vols[i], virStorageVolFree);
    }
  g_clear_pointer (&install->kernel_path, g_free);
  g_clear_pointer (&install->initrd_path, g_free);
  g_clear_pointer (&install->script_iso_path, g_free);
  g_clear_pointer (&install->cmdline, g_free);
}

static void
create_data_free (gpointer data)
{
  CreateData *create = data;

  vireo_machine_spec_free (create->spec);
  vireo_host_limits_clear (&create->limits);
  g_clear_object (&create->job);
  g_free (create);
}

/* The default pool, defined and started if it is missing, as virt-manager does. */
static virStoragePoolPtr
ensure_default_pool (virConnectPtr   conn,
                     GError        **error)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, DEFAULT_POOL);

  if (pool == NULL)
    {
      g_autoptr(GVirConfigStoragePool) config = gvir_config_storage_pool_new ();
      g_autoptr(GVirConfigStoragePoolTarget) target = gvir_config_storage_pool_target_new ();
      g_autofree char *xml = NULL;

      gvir_config_storage_pool_set_pool_type (config, GVIR_CONFIG_STORAGE_POOL_TYPE_DIR);
      gvir_config_storage_pool_set_name (config, DEFAULT_POOL);
      gvir_config_storage_pool_target_set_path (target, DEFAULT_POOL_PATH);
      gvir_config_storage_pool_set_target (config, target);
      xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));

      pool = virStoragePoolDefineXML (conn, xml, 0);
      if (pool == NULL || virStoragePoolBuild (pool, 0) < 0 || virStoragePoolSetAutostart (pool, 1) < 0)
        {
          vireo_libvirt_set_error (error, _("The default storage pool (%s) could not be set up."),
                                   DEFAULT_POOL_PATH);
          g_clear_pointer (&pool, virStoragePoolFree);
          return NULL;
        }
    }

  if (virStoragePoolIsActive (pool) != 1 && virStoragePoolCreate (pool, 0) < 0)
    {
      vireo_libvirt_set_error (error, _("The default storage pool could not be started."));
      virStoragePoolFree (pool);
      return NULL;
    }

  return pool;
}

/* The folder of the default pool, or where it would be made. */
static char *
default_pool_path (virConnectPtr conn)
{
  g_autoptr(virStoragePool) pool = virStoragePoolLookupByName (conn, DEFAULT_POOL);
  g_autoptr(GVirConfigStoragePool) config = NULL;
  g_autoptr(GVirConfigStoragePoolTarget) target = NULL;
  g_autofree char *xml = NULL;
  char *path = NULL;

  xml = pool != NULL ? virStoragePoolGetXMLDesc (pool, 0) : NULL;
  virResetLastError ();
  config = xml != NULL ? gvir_config_storage_pool_new_from_xml (xml, NULL) : NULL;
  target = config != NULL ? gvir_config_storage_pool_get_target (config) : NULL;
  if (target != NULL)
    path = g_strdup (gvir_config_storage_pool_target_get_path (target));
  return path != NULL ? path : g_strdup (DEFAULT_POOL_PATH);
}

/* For DownloadMedia (vireo-media-download.c). */
virStoragePoolPtr
_vireo_manager_ensure_default_pool (virConnectPtr   conn,
                                    GError        **error)
{
  return ensure_default_pool (conn, error);
}

char *
_vireo_manager_default_pool_path (virConnectPtr conn)
{
  return default_pool_path (conn);
}

/* A new volume @vol_name in @pool, refused if the name is taken or @bytes do not fit (with
 * @also_needed bytes more that the call will take next). */
static virStorageVolPtr
create_volume (virStoragePoolPtr   pool,
               const char         *vol_name,
               const char         *format,
               guint64             bytes,
               guint64             also_needed,
               GError            **error)
{
  g_autoptr(GVirConfigStorageVol) config = NULL;
  g_autoptr(GVirConfigStorageVolTarget) target = NULL;
  g_autoptr(virStorageVol) existing = NULL;
  g_autofree char *xml = NULL;
  virStoragePoolInfo info;
  virStorageVolPtr vol;

  existing = virStorageVolLookupByName (pool, vol_name);
  if (existing != NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS,
                   _("A disk image named “%s” already exists in the default storage pool; it was left as it is."),
                   vol_name);
      return NULL;
    }
  virResetLastError ();

  if (virStoragePoolGetInfo (pool, &info) == 0 && info.available < bytes + also_needed)
    {
      g_autofree char *folder = default_pool_path (virStoragePoolGetConnect (pool));

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The machine would need %.1f GiB of disk space; the default storage pool has %.1f GiB free. "
                     "Choose a smaller disk, or make room in %s."),
                   (bytes + also_needed) / (1024.0 * 1024.0 * 1024.0),
                   info.available / (1024.0 * 1024.0 * 1024.0), folder);
      return NULL;
    }

  config = gvir_config_storage_vol_new ();
  gvir_config_storage_vol_set_name (config, vol_name);
  gvir_config_storage_vol_set_capacity (config, bytes);
  target = gvir_config_storage_vol_target_new ();
  gvir_config_storage_vol_target_set_format (target, format);
  gvir_config_storage_vol_set_target (config, target);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));

  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL)
    vireo_libvirt_set_error (error, _("The disk image “%s” could not be created."), vol_name);

  return vol;
}

/* The caller stopped the job: said as Error.Cancelled. */
static gboolean
cancelled (VireoDaemonJob  *job,
           GError         **error)
{
  if (job == NULL || !vireo_daemon_job_is_cancelled (job))
    return FALSE;
  g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_CANCELLED, _("The machine’s creation was cancelled."));
  return TRUE;
}

/* All of @data into @stream; FALSE when libvirt takes no more. */
static gboolean
stream_send_all (virStreamPtr  stream,
                 const char   *data,
                 gsize         len)
{
  for (gsize off = 0; off < len;)
    {
      int sent = virStreamSend (stream, data + off, MIN (len - off, COPY_CHUNK));

      if (sent < 0)
        return FALSE;
      off += sent;
    }
  return TRUE;
}

/* Sends what @file holds into @vol: @head (@head_len bytes already read from it), then the
 * rest. */
static gboolean
upload (virConnectPtr     conn,
        virStorageVolPtr  vol,
        VireoCallerFile  *file,
        const char       *head,
        gssize            head_len,
        VireoDaemonJob   *job,
        GError          **error)
{
  g_autofree char *buf = g_malloc (COPY_CHUNK);
  virStreamPtr stream;
  gssize n;
  gboolean first = TRUE;
  guint64 sent_total = 0;
  guint64 total = vireo_caller_file_get_size (file);

  stream = virStreamNew (conn, 0);
  if (stream == NULL || virStorageVolUpload (vol, stream, 0, vireo_caller_file_get_size (file), 0) < 0)
    {
      vireo_libvirt_set_error (error, _("libvirt did not take the copy."));
      g_clear_pointer (&stream, virStreamFree);
      return FALSE;
    }

  while ((n = first && head_len > 0 ? head_len : vireo_caller_file_read (file, buf, COPY_CHUNK, error)) > 0)
    {
      if (first && head_len > 0)
        memcpy (buf, head, head_len);
      first = FALSE;
      if (!stream_send_all (stream, buf, n))
        {
          vireo_libvirt_set_error (error, _("libvirt did not take the copy."));
          virStreamAbort (stream);
          virStreamFree (stream);
          return FALSE;
        }
      sent_total += n;
      if (job != NULL)
        vireo_daemon_job_set_progress (job, sent_total, total);
      if (cancelled (job, error))
        {
          virStreamAbort (stream);
          virStreamFree (stream);
          return FALSE;
        }
    }

  if (n < 0)
    {
      virStreamAbort (stream);
      virStreamFree (stream);
      return FALSE;
    }

  if (virStreamFinish (stream) < 0)
    {
      vireo_libvirt_set_error (error, _("libvirt did not finish the copy."));
      virStreamFree (stream);
      return FALSE;
    }

  virStreamFree (stream);
  return TRUE;
}

/* A file the caller names, read as the caller and copied into the default pool: what the
 * guest sees is what the caller could read now, whatever the path names later (QEMU opens a
 * CD-ROM's or a disk's file again at every start). An image to import keeps its format:
 * qcow2 when its header says so, else raw. @also_needed bytes more must fit beside it. */
static virStorageVolPtr
copy_into_pool (virConnectPtr            conn,
                const VireoHostLimits   *limits,
                const char              *path,
                const char              *vol_base,
                gboolean                 is_medium,
                guint64                  also_needed,
                uid_t                    uid,
                VireoDaemonJob          *job,
                const char             **format_out,
                GError                 **error)
{
  g_autoptr(VireoCallerFile) file = NULL;
  g_autoptr(virStoragePool) pool = NULL;
  g_autofree char *vol_name = NULL;
  g_autofree char *head = g_malloc (COPY_CHUNK);
  g_autoptr(GError) local_error = NULL;
  const char *format = "raw";
  gssize head_len = 0;
  virStorageVolPtr vol;

  file = vireo_caller_file_open (uid, path, error);
  if (file == NULL)
    {
      g_prefix_error (error, is_medium ? _("The installation medium cannot be used. ")
                                       : _("The disk image cannot be used. "));
      return NULL;
    }

  if (!is_medium)
    {
      head_len = vireo_caller_file_read (file, head, COPY_CHUNK, error);
      if (head_len < 0)
        {
          g_prefix_error (error, _("The disk image cannot be read. "));
          return NULL;
        }
      if (head_len >= 4 && memcmp (head, "QFI\xfb", 4) == 0)
        format = "qcow2";
    }

  pool = ensure_default_pool (conn, error);
  if (pool == NULL)
    return NULL;

  vol_name = g_strdup_printf ("%s.%s", vol_base, is_medium ? "iso" : g_str_equal (format, "qcow2") ? "qcow2" : "img");
  vol = create_volume (pool, vol_name, format, vireo_caller_file_get_size (file), also_needed, error);
  if (vol == NULL)
    return NULL;

  /* libvirt's test driver keeps volumes in memory and takes no upload: the file is still
   * read to the end as the caller, so that the same checks run. */
  if (limits->is_test_driver)
    {
      g_autofree char *buf = g_malloc (COPY_CHUNK);
      gssize n;

      guint64 read_total = head_len;

      while ((n = vireo_caller_file_read (file, buf, COPY_CHUNK, &local_error)) > 0 && !cancelled (job, &local_error))
        {
          read_total += n;
          if (job != NULL)
            vireo_daemon_job_set_progress (job, read_total, vireo_caller_file_get_size (file));
        }
    }
  else
    upload (conn, vol, file, head, head_len, job, &local_error);

  if (local_error != NULL)
    {
      /* Stopped on purpose: said as such, not as a failure of the copy. */
      if (g_error_matches (local_error, VIREO_ERROR, VIREO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    is_medium ? _("The installation medium could not be copied into the default storage pool. ")
                                              : _("The disk image could not be copied into the default storage pool. "));
      if (virStorageVolDelete (vol, 0) < 0)
        g_warning ("Could not remove the partial copy %s", vol_name);
      virResetLastError ();
      virStorageVolFree (vol);
      return NULL;
    }

  if (format_out != NULL)
    *format_out = format;
  return vol;
}

/* An installation medium linked into the default pool rather than copied: a hard link to
 * the very file the caller opened (linkat on the descriptor their child handed over), so the
 * guest gets what the caller could read at creation whatever the path names later, as with
 * a copy, at no cost in time or space, and the file stays where the user put it. Only when
 * QEMU can read it as it is (readable by all: libvirt is told not to relabel it, so the
 * user's file never changes owner) and it is on the pool's mount; else %NULL without an
 * error, and the caller copies. */
static virStorageVolPtr
link_into_pool (virConnectPtr   conn,
                const char     *path,
                const char     *vol_base,
                uid_t           uid,
                GError        **error)
{
  g_autoptr(virStoragePool) pool = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *dest = NULL;
  virStorageVolPtr vol;
  struct stat st;
  int fd;

  fd = vireo_caller_file_open_fd (uid, path, error);
  if (fd < 0)
    {
      g_prefix_error (error, _("The installation medium cannot be used. "));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !(st.st_mode & S_IROTH))
    {
      g_debug ("%s is not readable by all: copied, not linked", path);
      close (fd);
      return NULL;
    }
  pool = ensure_default_pool (conn, error);
  if (pool == NULL)
    {
      close (fd);
      return NULL;
    }
  folder = default_pool_path (conn);
  dest = g_strdup_printf ("%s/%s.iso", folder, vol_base);
  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      close (fd);
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS,
                   _("A disk image named “%s.iso” already exists in the default storage pool; it was left as it is."),
                   vol_base);
      return NULL;
    }
  if (linkat (fd, "", AT_FDCWD, dest, AT_EMPTY_PATH) != 0)
    {
      g_debug ("%s cannot be linked into %s (%s): copied instead", path, folder, g_strerror (errno));
      close (fd);
      return NULL;
    }
  close (fd);
  virStoragePoolRefresh (pool, 0);
  vol = virStorageVolLookupByPath (conn, dest);
  if (vol == NULL)
    {
      g_debug ("libvirt does not see %s: copied instead", dest);
      virResetLastError ();
      unlink (dest);
    }
  return vol;
}

static virStorageVolPtr
create_disk (virConnectPtr            conn,
             const VireoMachineSpec  *spec,
             GError                 **error)
{
  g_autoptr(virStoragePool) pool = NULL;
  g_autofree char *vol_name = NULL;

  pool = ensure_default_pool (conn, error);
  if (pool == NULL)
    return NULL;

  vol_name = g_strdup_printf ("%s.qcow2", spec->name);
  return create_volume (pool, vol_name, "qcow2", spec->disk_gib * 1024 * 1024 * 1024, 0, error);
}

/* A new volume @vol_name holding @bytes: what an express installation injects. */
static virStorageVolPtr
bytes_into_pool (virConnectPtr           conn,
                 const VireoHostLimits  *limits,
                 const char             *vol_name,
                 GBytes                 *bytes,
                 GError                **error)
{
  g_autoptr(virStoragePool) pool = ensure_default_pool (conn, error);
  const char *data;
  gsize size;
  virStreamPtr stream;
  virStorageVolPtr vol;

  if (pool == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  vol = create_volume (pool, vol_name, "raw", size, 0, error);
  if (vol == NULL || limits->is_test_driver)   /* the test driver takes no upload */
    return vol;

  stream = virStreamNew (conn, 0);
  if (stream == NULL || virStorageVolUpload (vol, stream, 0, size, 0) < 0)
    goto failed;
  if (!stream_send_all (stream, data, size))
    {
      virStreamAbort (stream);
      goto failed;
    }
  if (virStreamFinish (stream) < 0)
    goto failed;
  virStreamFree (stream);
  return vol;

failed:
  vireo_libvirt_set_error (error, _("The installation files could not be written into the default storage pool."));
  g_clear_pointer (&stream, virStreamFree);
  virStorageVolDelete (vol, 0);
  virResetLastError ();
  virStorageVolFree (vol);
  return NULL;
}

/* Removes volumes this call made a moment ago: nothing is left behind when it fails. */
static void
remove_new_volume (virStorageVolPtr vol)
{
  g_autofree char *path = NULL;

  if (vol == NULL)
    return;

  path = virStorageVolGetPath (vol);
  if (virStorageVolDelete (vol, 0) < 0)
    g_warning ("Could not remove the new disk image %s", path);
  virResetLastError ();
}

/* libvirt's own default network, as its package defines it: NAT on 192.168.122.0/24. */
#define DEFAULT_NETWORK "default"
#define DEFAULT_NETWORK_XML \
  "<network><name>default</name><forward mode='nat'/><bridge stp='on' delay='0'/>" \
  "<ip address='192.168.122.1' netmask='255.255.255.0'>" \
  "<dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>"

/* The network a new machine's NIC is on, running: the default one is made when it is
 * missing (and set to start with the host, as libvirt's package does); another must exist.
 * libvirt refuses to start a network whose subnet the host already routes, saying which. */
static gboolean
ensure_network (virConnectPtr   conn,
                const char     *name,
                GError        **error)
{
  g_autoptr(virNetwork) net = virNetworkLookupByName (conn, name);
  gboolean made = FALSE;

  if (net == NULL && g_str_equal (name, DEFAULT_NETWORK))
    {
      net = virNetworkDefineXML (conn, DEFAULT_NETWORK_XML);
      if (net == NULL || virNetworkSetAutostart (net, 1) < 0)
        {
          vireo_libvirt_set_error (error, _("The default network could not be set up."));
          if (net != NULL)
            virNetworkUndefine (net);
          return FALSE;
        }
      made = TRUE;
    }
  if (net == NULL)
    {
      virResetLastError ();
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                   _("There is no virtual network named “%s”."), name);
      return FALSE;
    }
  if (virNetworkIsActive (net) != 1 && virNetworkCreate (net) < 0)
    {
      vireo_libvirt_set_error (error, _("The virtual network “%s” could not be started."), name);
      if (made)
        virNetworkUndefine (net);
      return FALSE;
    }
  return TRUE;
}


static void
fill_target (VireoMachineTarget *target,
             CreateData         *create,
             const char         *disk_path,
             const char         *iso_path)
{
  const VireoMachineSpec *spec = create->spec;

  target->virt_type = create->limits.virt_type;
  target->arch = create->limits.arch;
  /* q35 unless the system is named and has no q35 drivers (older ones); the test driver
   * knows no machine types. */
  target->machine = create->limits.is_test_driver || (spec->os_id != NULL && !(create->os_devices & VIREO_OS_Q35))
                      ? NULL : "q35";
  target->os_devices = create->os_devices;
  target->disk_path = disk_path;
  target->iso_path = iso_path;
}

/* The file of the volume @name of the default pool. */
static char *
iso_volume_path (virConnectPtr   conn,
                 const char     *name,
                 GError        **error)
{
  g_autoptr(virStoragePool) pool = ensure_default_pool (conn, error);
  g_autoptr(virStorageVol) vol = NULL;
  char *path;

  if (pool == NULL)
    return NULL;
  /* A file put there since libvirt last looked (a download of another client) is found. */
  virStoragePoolRefresh (pool, 0);
  vol = virStorageVolLookupByName (pool, name);
  path = vol != NULL ? virStorageVolGetPath (vol) : NULL;
  if (path == NULL)
    {
      virResetLastError ();
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                   _("There is no installation medium named “%s” in the default storage pool."), name);
    }
  return path;
}

/* The install phase's volumes, by what they hold: "<machine>-install-kernel" and so on. */
#define INSTALL_KERNEL     "kernel"
#define INSTALL_INITRD     "initrd"
#define INSTALL_SCRIPT_ISO "script.iso"

static char *
install_volume_name (const char *machine,
                     const char *what)
{
  return g_strdup_printf ("%s-install-%s", machine, what);
}

/* An installer's kernel and initrd (with a script, or a tree's) into volumes of the default
 * pool, to boot with @cmdline (taken). */
static gboolean
installer_into_pool (CreateData      *create,
                     virConnectPtr    conn,
                     GBytes          *kernel,
                     GBytes          *initrd,
                     char            *cmdline,
                     InstallVolumes  *install,
                     GError         **error)
{
  g_autofree char *kernel_name = install_volume_name (create->spec->name, INSTALL_KERNEL);
  g_autofree char *initrd_name = install_volume_name (create->spec->name, INSTALL_INITRD);

  install->cmdline = cmdline;
  if ((install->kernel = bytes_into_pool (conn, &create->limits, kernel_name, kernel, error)) == NULL
      || (install->initrd = bytes_into_pool (conn, &create->limits, initrd_name, initrd, error)) == NULL)
    return FALSE;
  install->kernel_path = virStorageVolGetPath (install->kernel);
  install->initrd_path = virStorageVolGetPath (install->initrd);
  return TRUE;
}

/* An express installation's script, generated and put into volumes of the default pool:
 * the installer's kernel and initrd with the script, or the script's CD-ROM. @iso is read
 * as root: the helper's copy of the caller's medium in the pool (with libvirt's test driver,
 * whose volumes are not files, the caller's file itself, which the copy has just read to the
 * end as the caller). */
static gboolean
prepare_install (CreateData      *create,
                 virConnectPtr    conn,
                 const char      *iso,
                 InstallVolumes  *install,
                 GError         **error)
{
  const VireoMachineSpec *spec = create->spec;
  g_autoptr(VireoInstallPlan) plan = NULL;

  if (create->job != NULL)
    vireo_daemon_job_set_step (create->job, VIREO_JOB_STEP_PREPARE_SCRIPT);
  plan = vireo_install_plan_new (spec->os_id, iso, spec->express,
                                 vireo_machine_spec_virtio_disk (spec, create->os_devices), NULL, error);
  if (plan == NULL)
    return FALSE;

  if (plan->method == OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD)
    {
      g_autoptr(GBytes) kernel = NULL;
      g_autoptr(GBytes) initrd = NULL;

      return vireo_install_build_initrd (plan, iso, &kernel, &initrd, error)
             && installer_into_pool (create, conn, kernel, initrd, g_strdup (plan->cmdline), install, error);
    }
  else
    {
      g_autofree char *name = install_volume_name (spec->name, INSTALL_SCRIPT_ISO);
      g_autoptr(GBytes) image = vireo_install_build_script_iso (plan, error);

      if (image == NULL || (install->script_iso = bytes_into_pool (conn, &create->limits, name, image, error)) == NULL)
        return FALSE;
      install->script_iso_path = virStorageVolGetPath (install->script_iso);
    }
  return TRUE;
}

/* An installation tree's installer, downloaded into volumes of the default pool and booted
 * directly, as an express installation's (vireo-install.c ends its install phase). */
static gboolean
fetch_installer (CreateData      *create,
                 virConnectPtr    conn,
                 InstallVolumes  *install,
                 GError         **error)
{
  const VireoMachineSpec *spec = create->spec;
  g_autoptr(GBytes) kernel = NULL;
  g_autoptr(GBytes) initrd = NULL;

  if (create->job != NULL)
    vireo_daemon_job_set_step (create->job, VIREO_JOB_STEP_FETCH_INSTALLER);
  return vireo_install_fetch_tree (spec->location, &kernel, &initrd, NULL, error)
         && installer_into_pool (create, conn, kernel, initrd, vireo_install_tree_cmdline (spec->location, spec->os_id),
                                 install, error);
}

static char *
preview_volume_path (const char *pool,
                     const char *machine,
                     const char *what)
{
  g_autofree char *name = install_volume_name (machine, what);

  return g_build_filename (pool, name, NULL);
}

static gboolean
preview_machine (VireoCall   *call,
                 CreateData  *create,
                 GError     **error)
{
  VireoMachineSpec *spec = create->spec;
  VireoMachineTarget target = { 0 };
  g_autofree char *pool = default_pool_path (call->conn);
  g_autofree char *disk_name = g_strdup_printf ("%s.qcow2", spec->name);
  g_autofree char *iso_name = g_strdup_printf ("%s.iso", spec->name);
  g_autofree char *disk_path = g_build_filename (pool, disk_name, NULL);
  g_autofree char *iso_path = g_build_filename (pool, spec->iso_volume != NULL ? spec->iso_volume : iso_name, NULL);
  gboolean has_iso = spec->iso != NULL || spec->iso_volume != NULL;
  g_autoptr(VireoInstallPlan) plan = NULL;
  g_autofree char *kernel_path = NULL;
  g_autofree char *initrd_path = NULL;
  g_autofree char *script_iso_path = NULL;
  g_autofree char *tree_cmdline = NULL;

  /* An express installation's volumes, by the name they would have; the medium is not read
   * (the system's own stands for it) and the script is made only to be thrown away. */
  if (spec->express != NULL)
    {
      plan = vireo_install_plan_new (spec->os_id, NULL, spec->express,
                                     vireo_machine_spec_virtio_disk (spec, create->os_devices), NULL, error);
      if (plan == NULL)
        return FALSE;
      if (plan->method != OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD)
        script_iso_path = preview_volume_path (pool, spec->name, INSTALL_SCRIPT_ISO);
    }
  if ((plan != NULL && plan->method == OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD) || spec->location != NULL)
    {
      kernel_path = preview_volume_path (pool, spec->name, INSTALL_KERNEL);
      initrd_path = preview_volume_path (pool, spec->name, INSTALL_INITRD);
    }

  /* An image to import is not opened here: its name says what it probably is. */
  if (spec->import != NULL)
    {
      gboolean qcow2 = g_str_has_suffix (spec->import, ".qcow2");
      g_autofree char *name = g_strdup_printf ("%s.%s", spec->name, qcow2 ? "qcow2" : "img");

      g_free (disk_path);
      disk_path = g_build_filename (pool, name, NULL);
      fill_target (&target, create, disk_path, has_iso ? iso_path : NULL);
      target.disk_format = qcow2 ? "qcow2" : "raw";
    }
  else
    fill_target (&target, create, spec->disk_gib > 0 ? disk_path : NULL, has_iso ? iso_path : NULL);
  if (spec->location != NULL)
    tree_cmdline = vireo_install_tree_cmdline (spec->location, spec->os_id);
  target.kernel_path = kernel_path;
  target.initrd_path = initrd_path;
  target.cmdline = plan != NULL ? plan->cmdline : tree_cmdline;
  target.script_iso_path = script_iso_path;
  call->out_string = vireo_machine_spec_to_xml (spec, &target);
  return TRUE;
}

static gboolean
create_machine_func (VireoCall  *call,
                     GError    **error)
{
  CreateData *create = call->data;
  VireoMachineSpec *spec = create->spec;
  VireoMachineTarget target = { 0 };
  g_autoptr(virStorageVol) vol = NULL;
  g_autoptr(virStorageVol) iso_vol = NULL;
  g_autoptr(virDomain) existing = NULL;
  g_autoptr(virDomain) dom = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *disk_path = NULL;
  g_autofree char *xml = NULL;
  InstallVolumes install = { 0 };
  gboolean iso_linked = FALSE;
  const char *disk_format = "qcow2";
  uid_t uid;

  if (!vireo_machine_spec_check_host (spec, create->limits.memory_mib, create->limits.cpus, error))
    return FALSE;

  existing = virDomainLookupByName (call->conn, spec->name);
  if (existing != NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS,
                   _("A machine named “%s” already exists."), spec->name);
      return FALSE;
    }
  virResetLastError ();

  if (create->preview)
    return preview_machine (call, create, error);

  if (spec->iso != NULL)
    {
      uid = _vireo_call_get_caller_uid (call, error);
      if (uid == (uid_t) -1)
        return FALSE;

      /* As the caller: the helper must not hand a guest a file its user cannot read. Linked
       * where it can be, else copied. */
      if (!create->limits.is_test_driver)
        {
          iso_vol = link_into_pool (call->conn, spec->iso, spec->name, uid, error);
          if (iso_vol == NULL && *error != NULL)
            return FALSE;
          iso_linked = iso_vol != NULL;
        }
      if (iso_vol == NULL)
        {
          if (create->job != NULL)
            vireo_daemon_job_set_step (create->job, VIREO_JOB_STEP_COPY_MEDIUM);
          iso_vol = copy_into_pool (call->conn, &create->limits, spec->iso, spec->name, TRUE,
                                    spec->disk_gib * 1024 * 1024 * 1024, uid, create->job, NULL, error);
        }
      if (iso_vol == NULL)
        return FALSE;
      iso = virStorageVolGetPath (iso_vol);
    }

  /* A volume already in the default pool (DownloadMedia's): used in place, never removed here. */
  if (spec->iso_volume != NULL && (iso = iso_volume_path (call->conn, spec->iso_volume, error)) == NULL)
    return FALSE;

  if (spec->location != NULL
      && (cancelled (create->job, error) || !fetch_installer (create, call->conn, &install, error)))
    {
      install_volumes_clear (&install, TRUE);
      return FALSE;
    }

  if (spec->express != NULL
      && (cancelled (create->job, error)
          || !prepare_install (create, call->conn, create->limits.is_test_driver ? spec->iso : iso, &install, error)))
    {
      install_volumes_clear (&install, TRUE);
      remove_new_volume (iso_vol);
      return FALSE;
    }

  if (spec->import != NULL)
    {
      uid = _vireo_call_get_caller_uid (call, error);
      if (create->job != NULL)
        vireo_daemon_job_set_step (create->job, VIREO_JOB_STEP_COPY_IMAGE);
      if (uid == (uid_t) -1
          || (vol = copy_into_pool (call->conn, &create->limits, spec->import, spec->name, FALSE, 0, uid,
                                    create->job, &disk_format, error)) == NULL)
        {
          install_volumes_clear (&install, TRUE);
          remove_new_volume (iso_vol);
          return FALSE;
        }
      disk_path = virStorageVolGetPath (vol);
    }
  else if (spec->disk_gib > 0)
    {
      if (create->job != NULL)
        vireo_daemon_job_set_step (create->job, VIREO_JOB_STEP_MAKE_DISK);
      vol = create_disk (call->conn, spec, error);
      if (vol == NULL)
        {
          install_volumes_clear (&install, TRUE);
          remove_new_volume (iso_vol);
          return FALSE;
        }
      disk_path = virStorageVolGetPath (vol);
    }

  /* Last before the definition: the volumes go when the network cannot be had, or the
   * caller cancelled. */
  if (create->job != NULL)
    vireo_daemon_job_set_step (create->job, VIREO_JOB_STEP_DEFINE);
  if (cancelled (create->job, error) || (spec->network != NULL && !ensure_network (call->conn, spec->network, error)))
    {
      install_volumes_clear (&install, TRUE);
      remove_new_volume (vol);
      remove_new_volume (iso_vol);
      return FALSE;
    }

  fill_target (&target, create, disk_path, iso);
  target.disk_format = disk_format;
  target.iso_shared = iso_linked;
  target.kernel_path = install.kernel_path;
  target.initrd_path = install.initrd_path;
  target.cmdline = install.cmdline;
  target.script_iso_path = install.script_iso_path;
  xml = vireo_machine_spec_to_xml (spec, &target);

  dom = virDomainDefineXML (call->conn, xml);
  if (dom == NULL)
    {
      vireo_libvirt_set_error (error, _("Could not create “%s”."), spec->name);
      install_volumes_clear (&install, TRUE);
      remove_new_volume (vol);
      remove_new_volume (iso_vol);
      return FALSE;
    }
  install_volumes_clear (&install, FALSE);

  call->out_facts = vireo_domain_facts_fetch (call->conn, dom, error);
  return call->out_facts != NULL;
}

/* The job goes before the answer: a caller that lists the objects after it finds none. */
static void
create_machine_finished (VireoCall *call)
{
  CreateData *create = call->data;

  if (create->job != NULL)
    vireo_daemon_job_finish (create->job);
}

static void
preview_machine_done (VireoCall *call)
{
  vireo_dbus_manager_complete_preview_machine (call->object, g_steal_pointer (&call->invocation), call->out_string);
}

static void
create_machine_done (VireoCall *call)
{
  g_autofree char *path = NULL;
  g_autofree char *uuid = g_strdup (call->out_facts->uuid);

  vireo_mirror_apply (_vireo_daemon_get_mirror (call->daemon), uuid, call->out_facts, call->seq);
  path = vireo_machine_path_for_uuid (uuid);
  vireo_dbus_manager_complete_create_machine (call->object, g_steal_pointer (&call->invocation), path);
}

static void
start_create (VireoDaemonManager    *self,
              GDBusMethodInvocation *invocation,
              VireoMachineSpec      *spec,
              VireoOsDevices         os_devices,
              gboolean               preview)
{
  g_autoptr(GError) error = NULL;
  const VireoHostLimits *limits;
  CreateData *create;
  VireoCall *call;

  call = _vireo_call_new (self->daemon, invocation, create_machine_func, &error);
  if (call == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      vireo_machine_spec_free (spec);
      return;
    }

  limits = &vireo_connection_get_host (_vireo_daemon_get_connection (self->daemon))->limits;
  create = g_new0 (CreateData, 1);
  vireo_host_limits_copy (&create->limits, limits);
  create->spec = spec;
  create->os_devices = os_devices;
  create->preview = preview;
  if (!preview)
    create->job = vireo_daemon_job_new (_vireo_daemon_get_object_manager (self->daemon), VIREO_JOB_CREATE_MACHINE,
                                        g_dbus_method_invocation_get_sender (invocation), spec->name,
                                        spec->location != NULL ? VIREO_JOB_STEP_FETCH_INSTALLER
                                        : spec->iso != NULL ? VIREO_JOB_STEP_ADD_MEDIUM
                                        : spec->import != NULL ? VIREO_JOB_STEP_COPY_IMAGE
                                        : spec->disk_gib > 0 ? VIREO_JOB_STEP_MAKE_DISK
                                                             : VIREO_JOB_STEP_DEFINE);
  call->object = g_object_ref (self);
  call->name = g_strdup (create->spec->name);
  call->data = create;
  call->data_free = create_data_free;
  call->done = preview ? preview_machine_done : create_machine_done;
  call->finished = preview ? NULL : create_machine_finished;
  _vireo_call_run (call);
}

typedef struct {
  VireoDaemonManager    *self;
  GDBusMethodInvocation *invocation;
  VireoMachineSpec      *spec;
  gboolean               preview;
} OsWait;

static void
os_devices_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OsWait *wait = user_data;
  g_autoptr(GError) error = NULL;
  VireoOsDevices devices;

  if (_vireo_daemon_get_os_devices_finish (VIREO_DAEMON (source), result, &devices, &error))
    start_create (wait->self, wait->invocation, wait->spec, devices, wait->preview);
  else
    {
      g_dbus_method_invocation_return_gerror (wait->invocation, error);
      vireo_machine_spec_free (wait->spec);
    }
  g_object_unref (wait->self);
  g_free (wait);
}

static void
handle_create_or_preview (VireoDaemonManager    *self,
                          GDBusMethodInvocation *invocation,
                          GVariant              *spec_variant,
                          gboolean               preview)
{
  g_autoptr(GError) error = NULL;
  VireoMachineSpec *spec;
  OsWait *wait;

  spec = vireo_machine_spec_new_from_variant (spec_variant, &error);
  if (spec == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  if (spec->os_id == NULL)
    {
      start_create (self, invocation, spec, 0, preview);
      return;
    }

  /* The devices come from what the system has drivers for. */
  wait = g_new0 (OsWait, 1);
  wait->self = g_object_ref (self);
  wait->invocation = invocation;
  wait->spec = spec;
  wait->preview = preview;
  _vireo_daemon_get_os_devices_async (self->daemon, spec->os_id, os_devices_cb, wait);
}

static gboolean
handle_create_machine (VireoDBusManager      *manager,
                       GDBusMethodInvocation *invocation,
                       GVariant              *spec_variant)
{
  handle_create_or_preview (VIREO_DAEMON_MANAGER (manager), invocation, spec_variant, FALSE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_preview_machine (VireoDBusManager      *manager,
                        GDBusMethodInvocation *invocation,
                        GVariant              *spec_variant)
{
  handle_create_or_preview (VIREO_DAEMON_MANAGER (manager), invocation, spec_variant, TRUE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* DownloadMedia: its job goes before the answer, as CreateMachine's. */
static void
download_media_finished (VireoCall *call)
{
  VireoMediaDownload *download = call->data;

  vireo_daemon_job_finish (download->job);
}

static void
download_media_done (VireoCall *call)
{
  vireo_dbus_manager_complete_download_media (call->object, g_steal_pointer (&call->invocation), call->out_string);
}

static gboolean
handle_download_media (VireoDBusManager      *manager,
                       GDBusMethodInvocation *invocation,
                       GVariant              *options)
{
  VireoDaemonManager *self = VIREO_DAEMON_MANAGER (manager);
  g_autoptr(VireoMediaDownload) download = NULL;
  g_autoptr(GError) error = NULL;
  VireoCall *call;

  download = _vireo_media_download_new_from_variant (options, &error);
  if (download == NULL || (call = _vireo_call_new (self->daemon, invocation, _vireo_media_download_run, &error)) == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  download->is_test_driver = vireo_connection_get_host (_vireo_daemon_get_connection (self->daemon))->limits.is_test_driver;
  download->job = vireo_daemon_job_new (_vireo_daemon_get_object_manager (self->daemon), VIREO_JOB_DOWNLOAD_MEDIUM,
                                        g_dbus_method_invocation_get_sender (invocation), download->name,
                                        VIREO_JOB_STEP_DOWNLOAD);
  call->object = g_object_ref (self);
  call->name = g_strdup (download->name);
  call->data = g_steal_pointer (&download);
  call->data_free = (GDestroyNotify) _vireo_media_download_free;
  call->done = download_media_done;
  call->finished = download_media_finished;
  _vireo_call_run (call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* CreateNetwork */

typedef struct {
  VireoNetworkSpec  *spec;
  VireoNetworkFacts *facts;   /* the new network */
} CreateNetworkData;

static void
create_network_data_free (CreateNetworkData *data)
{
  g_clear_pointer (&data->spec, vireo_network_spec_free);
  g_clear_pointer (&data->facts, vireo_network_facts_free);
  g_free (data);
}

/* The subnets of every libvirt network, then the host's own. */
static GPtrArray *
subnets_in_use (virConnectPtr   conn,
                GError        **error)
{
  g_autoptr(GPtrArray) uses = vireo_host_subnets_read ();
  virNetworkPtr *nets = NULL;
  guint n_host = uses->len;
  int n;

  n = virConnectListAllNetworks (conn, &nets, 0);
  if (n < 0)
    {
      vireo_libvirt_set_error (error, _("Vireo could not read the subnets of libvirt’s networks."));
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      g_autofree char *xml = virNetworkGetXMLDesc (nets[i], 0);
      g_autoptr(VireoNetworkFacts) facts = xml != NULL ? vireo_network_facts_new_from_xml (xml, NULL) : NULL;
      GPtrArray *lists[2] = { facts != NULL ? facts->ipv4 : NULL, facts != NULL ? facts->ipv6 : NULL };

      for (guint l = 0; l < G_N_ELEMENTS (lists) && lists[l] != NULL; l++)
        for (guint a = 0; a < lists[l]->len; a++)
          {
            VireoSubnet subnet;
            g_autofree char *text = NULL;
            g_autofree char *owner = NULL;

            if (!vireo_subnet_parse (g_ptr_array_index (lists[l], a),
                                     l == 0 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6, &subnet, NULL))
              continue;
            text = vireo_subnet_to_string (&subnet, TRUE);
            owner = g_strdup_printf (_("%s of the virtual network “%s”"), text, facts->name);
            vireo_subnet_use_add (uses, &subnet, owner);
          }
      virNetworkFree (nets[i]);
    }
  free (nets);
  virResetLastError ();

  /* libvirt's networks first, so that an overlap with one is named as such, not as its
   * bridge's address. */
  for (guint i = 0; i < n_host; i++)
    g_ptr_array_add (uses, g_ptr_array_steal_index (uses, 0));
  return g_steal_pointer (&uses);
}

static gboolean
create_network_func (VireoCall  *call,
                     GError    **error)
{
  CreateNetworkData *data = call->data;
  VireoNetworkSpec *spec = data->spec;
  g_autoptr(virNetwork) existing = virNetworkLookupByName (call->conn, spec->name);
  g_autoptr(virNetwork) net = NULL;
  g_autoptr(GPtrArray) uses = NULL;
  g_autofree char *xml = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];

  virResetLastError ();
  if (existing != NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS, _("There is already a network named “%s”."), spec->name);
      return FALSE;
    }

  uses = subnets_in_use (call->conn, error);
  if (uses == NULL || !vireo_network_spec_check_overlap (spec, uses, error))
    return FALSE;

  xml = vireo_network_spec_to_xml (spec);
  g_debug ("Defining the network %s:\n%s", spec->name, xml);
  net = virNetworkDefineXML (call->conn, xml);
  if (net == NULL)
    {
      vireo_libvirt_set_error (error, _("libvirt refused the network “%s”."), spec->name);
      return FALSE;
    }

  if (virNetworkCreate (net) < 0 || (spec->autostart && virNetworkSetAutostart (net, 1) < 0))
    {
      vireo_libvirt_set_error (error, _("The network “%s” could not be started, so it was not kept."), spec->name);
      if (virNetworkIsActive (net) == 1)
        virNetworkDestroy (net);
      virNetworkUndefine (net);
      virResetLastError ();
      return FALSE;
    }

  data->facts = vireo_network_facts_fetch (net, error);
  if (data->facts == NULL)
    return FALSE;
  if (virNetworkGetUUIDString (net, uuid) == 0)
    call->uuid = g_strdup (uuid);
  g_message ("Network %s created (%s, %s)", spec->name, spec->mode, data->facts->bridge);
  return TRUE;
}

static void
create_network_done (VireoCall *call)
{
  CreateNetworkData *data = call->data;
  g_autofree char *path = vireo_network_path_for_uuid (data->facts->uuid);

  /* Read after the network was made: newer than any refresh begun before now. */
  vireo_network_mirror_apply (_vireo_daemon_get_network_mirror (call->daemon), data->facts->uuid, data->facts,
                              vireo_mirror_next_seq (_vireo_daemon_get_mirror (call->daemon)));
  vireo_dbus_manager_complete_create_network (call->object, g_steal_pointer (&call->invocation), path);
}

static gboolean
handle_create_network (VireoDBusManager      *manager,
                       GDBusMethodInvocation *invocation,
                       GVariant              *spec_variant)
{
  VireoDaemonManager *self = VIREO_DAEMON_MANAGER (manager);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNetworkSpec) spec = vireo_network_spec_new_from_variant (spec_variant, &error);
  CreateNetworkData *data;
  VireoCall *call;

  if (spec == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  call = _vireo_call_new (self->daemon, invocation, create_network_func, &error);
  if (call == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  data = g_new0 (CreateNetworkData, 1);
  data->spec = g_steal_pointer (&spec);
  call->object = g_object_ref (self);
  call->name = g_strdup (data->spec->name);
  call->data = data;
  call->data_free = (GDestroyNotify) create_network_data_free;
  call->done = create_network_done;
  _vireo_call_run (call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Host interfaces and bridges (vireo-host-interfaces.c, vireo-bridge.c): the netlink and
 * NetworkManager work runs in a worker thread. */

/* Bridge name → libvirt network name, for every libvirt network that has a bridge. */
static GHashTable *
libvirt_bridges (virConnectPtr conn)
{
  GHashTable *bridges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  virNetworkPtr *nets = NULL;
  int n;

  if (conn == NULL)
    return bridges;
  n = virConnectListAllNetworks (conn, &nets, 0);
  for (int i = 0; i < n; i++)
    {
      char *bridge = virNetworkGetBridgeName (nets[i]);

      if (bridge != NULL)
        g_hash_table_replace (bridges, g_strdup (bridge), g_strdup (virNetworkGetName (nets[i])));
      free (bridge);
      virNetworkFree (nets[i]);
    }
  free (nets);
  virResetLastError ();
  return bridges;
}

typedef struct {
  virConnectPtr    conn;   /* or NULL: libvirtd is away, the interfaces are still listed */
  GDBusConnection *bus;
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->conn, virConnectClose);
  g_clear_object (&data->bus);
  g_free (data);
}

static void
list_host_interfaces_thread (GTask        *task,
                             gpointer      source_object,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  ListData *data = task_data;
  g_autoptr(GHashTable) bridges = libvirt_bridges (data->conn);
  g_autoptr(VireoNetlink) nl = NULL;
  g_autoptr(GPtrArray) interfaces = NULL;
  GError *error = NULL;

  if ((nl = vireo_netlink_open (&error)) == NULL
      || (interfaces = vireo_host_interfaces_read (nl, "/sys/class/net", bridges, data->bus,
                                                   vireo_bridge_get_bridges_dir (), &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_variant_ref_sink (vireo_host_interfaces_to_variant (interfaces)),
                         (GDestroyNotify) g_variant_unref);
}

static void
list_host_interfaces_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) interfaces = g_task_propagate_pointer (G_TASK (result), &error);

  if (interfaces == NULL)
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&invocation), error);
  else
    vireo_dbus_manager_complete_list_host_interfaces (VIREO_DBUS_MANAGER (source), g_steal_pointer (&invocation),
                                                      interfaces);
}

static gboolean
handle_list_host_interfaces (VireoDBusManager      *manager,
                             GDBusMethodInvocation *invocation,
                             GVariant              *options)
{
  VireoDaemonManager *self = VIREO_DAEMON_MANAGER (manager);
  static const VireoOptionSpec known[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  ListData *data;

  if (!_vireo_check_options (options, known, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  data = g_new0 (ListData, 1);
  data->conn = vireo_connection_get_conn (_vireo_daemon_get_connection (self->daemon));
  if (data->conn != NULL)
    virConnectRef (data->conn);
  data->bus = g_object_ref (g_dbus_method_invocation_get_connection (invocation));
  task = g_task_new (self, NULL, list_host_interfaces_cb, g_object_ref (invocation));
  g_task_set_source_tag (task, handle_list_host_interfaces);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  g_task_run_in_thread (task, list_host_interfaces_thread);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct {
  VireoBridgeRequest *request;
  gboolean            is_test_driver;
} BridgeData;

static void
bridge_data_free (BridgeData *data)
{
  g_clear_pointer (&data->request, vireo_bridge_request_free);
  g_free (data);
}

static gboolean
create_bridge_func (VireoCall  *call,
                    GError    **error)
{
  BridgeData *data = call->data;

  data->request->libvirt_bridges = libvirt_bridges (call->conn);
  return vireo_bridge_create (data->request, data->is_test_driver, error);
}

static void
create_bridge_done (VireoCall *call)
{
  vireo_dbus_manager_complete_create_bridge (call->object, g_steal_pointer (&call->invocation));
}

static gboolean
delete_bridge_func (VireoCall  *call,
                    GError    **error)
{
  BridgeData *data = call->data;

  return vireo_bridge_delete (data->request->name, data->request->bus, data->is_test_driver, error);
}

static void
delete_bridge_done (VireoCall *call)
{
  vireo_dbus_manager_complete_delete_bridge (call->object, g_steal_pointer (&call->invocation));
}

static void
run_bridge_call (VireoDaemonManager    *self,
                 GDBusMethodInvocation *invocation,
                 VireoBridgeRequest    *request,
                 VireoCallFunc          func,
                 VireoCallDone          done)
{
  g_autoptr(GError) error = NULL;
  BridgeData *data;
  VireoCall *call;

  call = _vireo_call_new (self->daemon, invocation, func, &error);
  if (call == NULL)
    {
      vireo_bridge_request_free (request);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  request->bus = g_object_ref (g_dbus_method_invocation_get_connection (invocation));
  data = g_new0 (BridgeData, 1);
  data->request = request;
  data->is_test_driver = vireo_connection_get_host (_vireo_daemon_get_connection (self->daemon))->limits.is_test_driver;
  call->object = g_object_ref (self);
  call->name = g_strdup (request->name);
  call->data = data;
  call->data_free = (GDestroyNotify) bridge_data_free;
  call->done = done;
  _vireo_call_run (call);
}

static gboolean
handle_create_bridge (VireoDBusManager      *manager,
                      GDBusMethodInvocation *invocation,
                      const char            *name,
                      const char *const     *ports,
                      GVariant              *options)
{
  g_autoptr(GError) error = NULL;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GVariant) ports_variant = g_variant_get_child_value (parameters, 1);
  VireoBridgeRequest *request;
  gboolean stp;
  int forward_delay;

  if (!vireo_bridge_check_name (name, &error)
      || !vireo_bridge_check_request (ports_variant, options, &stp, &forward_delay, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  request = g_new0 (VireoBridgeRequest, 1);
  request->name = g_strdup (name);
  request->ports = g_strdupv ((char **) ports);
  request->stp = stp;
  request->forward_delay = forward_delay;
  run_bridge_call (VIREO_DAEMON_MANAGER (manager), invocation, request, create_bridge_func, create_bridge_done);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_delete_bridge (VireoDBusManager      *manager,
                      GDBusMethodInvocation *invocation,
                      const char            *name,
                      GVariant              *options)
{
  static const VireoOptionSpec known[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  VireoBridgeRequest *request;

  if (!_vireo_check_options (options, known, &error) || !vireo_bridge_check_name (name, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  request = g_new0 (VireoBridgeRequest, 1);
  request->name = g_strdup (name);
  run_bridge_call (VIREO_DAEMON_MANAGER (manager), invocation, request, delete_bridge_func, delete_bridge_done);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Every call goes through polkit first (vireo-authority.c), on the main context. */

static VireoAuthorityGate manager_gate = VIREO_AUTHORITY_GATE (manager_actions);

static GDBusInterfaceVTable *
vireo_daemon_manager_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  return vireo_authority_gate_vtable (&manager_gate, skeleton,
                                      G_DBUS_INTERFACE_SKELETON_CLASS (vireo_daemon_manager_parent_class)->get_vtable (skeleton));
}

static void
manager_iface_init (VireoDBusManagerIface *iface)
{
  iface->handle_create_machine = handle_create_machine;
  iface->handle_preview_machine = handle_preview_machine;
  iface->handle_download_media = handle_download_media;
  iface->handle_create_network = handle_create_network;
  iface->handle_list_host_interfaces = handle_list_host_interfaces;
  iface->handle_create_bridge = handle_create_bridge;
  iface->handle_delete_bridge = handle_delete_bridge;
}

static void
vireo_daemon_manager_class_init (VireoDaemonManagerClass *klass)
{
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  skeleton_class->get_vtable = vireo_daemon_manager_get_vtable;
}

static void
vireo_daemon_manager_init (VireoDaemonManager *self)
{
}

VireoDaemonManager *
vireo_daemon_manager_new (VireoDaemon *daemon)
{
  VireoDaemonManager *self;

  g_return_val_if_fail (VIREO_IS_DAEMON (daemon), NULL);

  self = g_object_new (VIREO_TYPE_DAEMON_MANAGER, NULL);
  self->daemon = daemon;
  return self;
}
