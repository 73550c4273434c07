/* vireo-machine-spec.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-machine-spec"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-download.h"
#include "vireo-error.h"
#include "vireo-install.h"
#include "vireo-new-machine.h"
#include "vireo-machine-spec.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

/**
 * vireo_validate_name:
 * @name: a name for a new machine
 *
 * A name has 1 to 64 characters: letters of any script, digits, spaces between other
 * characters, and "-", "_" and ".", not at the start. It must be valid UTF-8.
 */
gboolean
vireo_validate_name (const char  *name,
                     GError     **error)
{
  glong n_chars;
  const char *p;

  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A machine needs a name."));
      return FALSE;
    }

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("The name is not valid text (UTF-8)."));
      return FALSE;
    }

  n_chars = g_utf8_strlen (name, -1);
  if (n_chars > VIREO_NAME_MAX_CHARS)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The name “%.20s…” is too long: %ld characters, at most %d are allowed."),
                   name, n_chars, VIREO_NAME_MAX_CHARS);
      return FALSE;
    }

  for (p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c) || g_unichar_isdigit (c) || g_unichar_ismark (c))
        continue;

      if (c == ' ' && p != name && p[1] != '\0' && p[1] != ' ')
        continue;

      if ((c == '-' || c == '_' || c == '.') && p != name)
        continue;

      if (c == ' ')
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                     _("The name “%s” has a space at its start or end, or two in a row."), name);
      else if (p == name && (c == '-' || c == '_' || c == '.'))
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                     _("The name “%s” must start with a letter or a digit."), name);
      else
        {
          char utf8[8] = { 0 };

          g_unichar_to_utf8 (c, utf8);
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("The name “%s” contains “%s”: use letters, digits, spaces, “-”, “_” and “.” only."),
                       g_unichar_isprint (c) ? name : _("(unprintable)"),
                       g_unichar_isprint (c) ? utf8 : "?");
        }
      return FALSE;
    }

  return TRUE;
}

/**
 * vireo_validate_title:
 * @title: a one-line title
 *
 * A title is valid UTF-8, at most 256 characters, on one line.
 */
gboolean
vireo_validate_title (const char  *title,
                      GError     **error)
{
  const char *p;

  if (!g_utf8_validate (title, -1, NULL))
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("The title is not valid text (UTF-8)."));
      return FALSE;
    }

  if (g_utf8_strlen (title, -1) > VIREO_TITLE_MAX_CHARS)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("The title is too long: at most %d characters are allowed."),
                   VIREO_TITLE_MAX_CHARS);
      return FALSE;
    }

  for (p = title; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                               _("The title must be one line of text, without control characters."));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * vireo_validate_absolute_path:
 * @path: a file path from a caller
 *
 * The path must be valid UTF-8, absolute and free of "." and ".." components: what it names
 * is then resolved and checked as the caller, not here.
 */
gboolean
vireo_validate_absolute_path (const char  *path,
                              GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || path[0] == '\0')
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("No file was given."));
      return FALSE;
    }

  if (!g_utf8_validate (path, -1, NULL) || strlen (path) >= 4096)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("The file name is not valid."));
      return FALSE;
    }

  if (!g_path_is_absolute (path))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a full path: it must start with “/”."), path);
      return FALSE;
    }

  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” contains “.” or “..”: give the file’s own path."), path);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
get_unsigned (GVariant    *value,
              const char  *key,
              guint64      max,
              guint64     *out,
              GError     **error)
{
  gint64 signed_value;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    *out = g_variant_get_uint64 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    *out = g_variant_get_uint32 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT16))
    *out = g_variant_get_uint16 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTE))
    *out = g_variant_get_byte (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64)
           || g_variant_is_of_type (value, G_VARIANT_TYPE_INT32)
           || g_variant_is_of_type (value, G_VARIANT_TYPE_INT16))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        signed_value = g_variant_get_int64 (value);
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
        signed_value = g_variant_get_int32 (value);
      else
        signed_value = g_variant_get_int16 (value);

      if (signed_value < 0)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” must not be negative."), key);
          return FALSE;
        }
      *out = (guint64) signed_value;
    }
  else
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” must be a number, not of type “%s”."), key,
                   g_variant_get_type_string (value));
      return FALSE;
    }

  if (*out > max)
    {
      /* (The numbers as strings: a G_GUINT64_FORMAT inside _() cuts the message xgettext sees.) */
      g_autofree char *value_text = g_strdup_printf ("%" G_GUINT64_FORMAT, *out);
      g_autofree char *max_text = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is too large: %s is more than %s."), key, value_text, max_text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_string (GVariant    *value,
            const char  *key,
            const char **out,
            GError     **error)
{
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” must be a string, not of type “%s”."), key,
                   g_variant_get_type_string (value));
      return FALSE;
    }

  *out = g_variant_get_string (value, NULL);
  return TRUE;
}

/**
 * vireo_machine_spec_new_from_variant:
 * @spec: the a{sv} argument of CreateMachine
 *
 * Checks every key of @spec: its type, its range, and names, titles and paths by the rules
 * above. Unknown keys are refused so that a typo never goes unnoticed. Defaults: 1024 MiB,
 * 1 vCPU, no ISO, no disk, SPICE graphics, BIOS firmware; with "efi", Secure Boot off unless
 * asked for.
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with @error set
 */
VireoMachineSpec *
vireo_machine_spec_new_from_variant (GVariant  *spec,
                                     GError   **error)
{
  g_autoptr(VireoMachineSpec) self = NULL;
  g_autoptr(GVariant) value = NULL;
  gboolean have_graphics = FALSE;
  GVariantIter iter;
  const char *key;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (spec, G_VARIANT_TYPE_VARDICT), NULL);

  self = g_new0 (VireoMachineSpec, 1);
  self->memory_mib = 1024;
  self->vcpus = 1;

  g_variant_iter_init (&iter, spec);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const char *str = NULL;
      guint64 number = 0;

      if (g_str_equal (key, "name"))
        {
          if (!get_string (value, key, &str, error) || !vireo_validate_name (str, error))
            return NULL;
          g_free (self->name);
          self->name = g_strdup (str);
        }
      else if (g_str_equal (key, "title"))
        {
          if (!get_string (value, key, &str, error) || !vireo_validate_title (str, error))
            return NULL;
          g_free (self->title);
          self->title = str[0] != '\0' ? g_strdup (str) : NULL;
        }
      else if (g_str_equal (key, "memory-mib"))
        {
          if (!get_unsigned (value, key, G_MAXUINT32, &number, error))
            return NULL;
          if (number < VIREO_MIN_MEMORY_MIB)
            {
              g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A machine needs at least %d MiB of memory."), VIREO_MIN_MEMORY_MIB);
              return NULL;
            }
          self->memory_mib = number;
        }
      else if (g_str_equal (key, "vcpus"))
        {
          if (!get_unsigned (value, key, 4096, &number, error))
            return NULL;
          if (number == 0)
            {
              g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                                   _("A machine needs at least one virtual CPU."));
              return NULL;
            }
          self->vcpus = (guint) number;
        }
      else if (g_str_equal (key, "iso"))
        {
          if (!get_string (value, key, &str, error))
            return NULL;
          if (!vireo_validate_absolute_path (str, error))
            {
              g_prefix_error (error, _("The installation medium cannot be used. "));
              return NULL;
            }
          g_free (self->iso);
          self->iso = g_strdup (str);
        }
      else if (g_str_equal (key, "import"))
        {
          if (!get_string (value, key, &str, error))
            return NULL;
          if (!vireo_validate_absolute_path (str, error))
            {
              g_prefix_error (error, _("The disk image cannot be used. "));
              return NULL;
            }
          g_free (self->import);
          self->import = g_strdup (str);
        }
      else if (g_str_equal (key, "iso-volume"))
        {
          if (!get_string (value, key, &str, error))
            return NULL;
          if (!vireo_download_validate_name (str, error))
            {
              g_prefix_error (error, _("The installation medium cannot be used. "));
              return NULL;
            }
          g_free (self->iso_volume);
          self->iso_volume = g_strdup (str);
        }
      else if (g_str_equal (key, "disk-gib"))
        {
          if (!get_unsigned (value, key, VIREO_MAX_DISK_GIB, &number, error))
            return NULL;
          self->disk_gib = number;
        }
      else if (g_str_equal (key, "graphics"))
        {
          g_autofree const char **types = NULL;

          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
            {
              g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("“graphics” must be a list of strings, not of type “%s”."),
                           g_variant_get_type_string (value));
              return NULL;
            }
          self->spice = self->vnc = FALSE;
          types = g_variant_get_strv (value, NULL);
          for (guint i = 0; types[i] != NULL; i++)
            {
              if (g_str_equal (types[i], "spice"))
                self->spice = TRUE;
              else if (g_str_equal (types[i], "vnc"))
                self->vnc = TRUE;
              else
                {
                  g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                               _("Unknown graphics type “%s”: use “spice” or “vnc”."),
                               g_utf8_validate (types[i], -1, NULL) ? types[i] : "?");
                  return NULL;
                }
            }
          have_graphics = TRUE;
        }
      else if (g_str_equal (key, "os-id"))
        {
          if (!get_string (value, key, &str, error))
            return NULL;
          if (str[0] != '\0'
              && (!g_utf8_validate (str, -1, NULL) || strlen (str) > 256 || strchr (str, ':') == NULL))
            {
              g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("“%s” is not a libosinfo operating system id (such as “http://debian.org/debian/11”)."),
                           g_utf8_validate (str, -1, NULL) ? str : "?");
              return NULL;
            }
          g_free (self->os_id);
          self->os_id = str[0] != '\0' ? g_strdup (str) : NULL;
        }
      else if (g_str_equal (key, "network"))
        {
          if (!get_string (value, key, &str, error))
            return NULL;
          if (str[0] != '\0' && !vireo_validate_name (str, error))
            {
              g_prefix_error (error, _("The network cannot be used. "));
              return NULL;
            }
          g_free (self->network);
          self->network = str[0] != '\0' ? g_strdup (str) : NULL;
        }
      else if (g_str_equal (key, "firmware"))
        {
          if (!get_string (value, key, &str, error))
            return NULL;
          if (!g_str_equal (str, "bios") && !g_str_equal (str, "efi"))
            {
              g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("Unknown firmware “%s”: use “bios” or “efi”."),
                           g_utf8_validate (str, -1, NULL) ? str : "?");
              return NULL;
            }
          self->efi = g_str_equal (str, "efi");
        }
      else if (g_str_equal (key, "location"))
        {
          if (!get_string (value, key, &str, error) || !vireo_validate_location (str, error))
            return NULL;
          g_free (self->location);
          self->location = g_strdup (str);
        }
      else if (g_str_equal (key, "express"))
        {
          vireo_express_free (self->express);
          self->express = vireo_express_new_from_variant (value, error);
          if (self->express == NULL)
            {
              g_prefix_error (error, _("Express installation cannot be set up. "));
              return NULL;
            }
        }
      else if (g_str_equal (key, "secure-boot") || g_str_equal (key, "tpm") || g_str_equal (key, "pxe"))
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            {
              g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("“%s” must be a boolean, not of type “%s”."), key,
                           g_variant_get_type_string (value));
              return NULL;
            }
          if (g_str_equal (key, "tpm"))
            self->tpm = g_variant_get_boolean (value);
          else if (g_str_equal (key, "pxe"))
            self->pxe = g_variant_get_boolean (value);
          else
            self->secure_boot = g_variant_get_boolean (value);
        }
      else
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("Unknown option “%s”."), g_utf8_validate (key, -1, NULL) ? key : "?");
          return NULL;
        }
    }

  if (self->name == NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A machine needs a name."));
      return NULL;
    }

  if (self->import != NULL && self->disk_gib > 0)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A machine gets either a new disk (“disk-gib”) or an imported one (“import”), not both."));
      return NULL;
    }

  if (self->iso != NULL && self->iso_volume != NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A machine gets either an ISO file (“iso”) or a volume of the default pool (“iso-volume”), not both."));
      return NULL;
    }

  if (self->pxe && self->network == NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("Booting from the network needs a network: add “network”."));
      return NULL;
    }

  if (self->location != NULL && (self->iso != NULL || self->iso_volume != NULL || self->import != NULL || self->pxe))
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A machine installs from one source: an installation tree (“location”), an ISO, an imported disk or the network, not two."));
      return NULL;
    }

  if (self->express != NULL && self->location != NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("Express installation from an installation tree is not supported yet: install from the tree by hand, or from an ISO image with express installation."));
      return NULL;
    }

  if (self->express != NULL && ((self->iso == NULL && self->iso_volume == NULL) || self->os_id == NULL))
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("Express installation needs an installation medium (“iso” or “iso-volume”) and its operating system (“os-id”)."));
      return NULL;
    }

  if (self->express != NULL && self->disk_gib == 0)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("Express installation needs a new disk to install onto (“disk-gib”)."));
      return NULL;
    }

  if (self->secure_boot && !self->efi)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("Secure Boot needs UEFI firmware: add “firmware”: “efi”."));
      return NULL;
    }

  if (!have_graphics)
    self->spice = TRUE;

  return g_steal_pointer (&self);
}

/**
 * vireo_machine_spec_check_host:
 * @spec: a spec
 * @host_memory_mib: the host's memory
 * @host_cpus: the host's logical CPUs
 *
 * Refuses a machine that asks for more memory or CPUs than the host has.
 */
gboolean
vireo_machine_spec_check_host (const VireoMachineSpec  *spec,
                               guint64                  host_memory_mib,
                               guint                    host_cpus,
                               GError                 **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (host_memory_mib > 0 && spec->memory_mib > host_memory_mib)
    {
      g_autofree char *wanted = g_strdup_printf ("%" G_GUINT64_FORMAT, spec->memory_mib);
      g_autofree char *has = g_strdup_printf ("%" G_GUINT64_FORMAT, host_memory_mib);

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("%s MiB of memory is more than this computer has (%s MiB)."), wanted, has);
      return FALSE;
    }

  if (host_cpus > 0 && spec->vcpus > host_cpus)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("%u virtual CPUs are more than this computer has (%u)."),
                   spec->vcpus, host_cpus);
      return FALSE;
    }

  return TRUE;
}

/* A read-only SATA CD-ROM with @path, as sd<@letter>. */
static void
add_cdrom (GVirConfigDomain *domain,
           const char       *path,
           char              letter)
{
  g_autoptr(GVirConfigDomainDisk) cdrom = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();
  char dev[] = { 's', 'd', letter, '\0' };

  gvir_config_domain_disk_set_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
  gvir_config_domain_disk_set_driver (cdrom, driver);
  gvir_config_domain_disk_set_source (cdrom, path);
  gvir_config_domain_disk_set_target_bus (cdrom, GVIR_CONFIG_DOMAIN_DISK_BUS_SATA);
  gvir_config_domain_disk_set_target_dev (cdrom, dev);
  gvir_config_domain_disk_set_readonly (cdrom, TRUE);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (cdrom));
}

/**
 * vireo_machine_spec_virtio_disk:
 * @os_devices: what the spec's system has drivers for
 *
 * Returns: whether the machine's disk is virtio: where the system has the driver, and for an
 *   unnamed system, as virt-manager's generic one does; else SATA
 */
gboolean
vireo_machine_spec_virtio_disk (const VireoMachineSpec *spec,
                                VireoOsDevices          os_devices)
{
  return spec->os_id == NULL || (os_devices & VIREO_OS_VIRTIO_BLOCK) != 0;
}

/**
 * vireo_machine_spec_nic_model:
 * @os_named: the machine's operating system is known (a libosinfo id)
 * @os_devices: what that system has drivers for
 *
 * The model of a new network interface, for CreateMachine's NIC and Machine.AddNic alike:
 * virtio where the system has the driver (or is not named, as virt-manager's generic system
 * has), else e1000e (Windows), else %NULL: the hypervisor's default.
 */
const char *
vireo_machine_spec_nic_model (gboolean       os_named,
                              VireoOsDevices os_devices)
{
  if (!os_named || (os_devices & VIREO_OS_VIRTIO_NET))
    return "virtio";
  if (os_devices & VIREO_OS_E1000E)
    return "e1000e";
  return NULL;
}

static void
add_device (GVirConfigDomain *domain,
            gpointer          device)
{
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (device));
}

/**
 * vireo_machine_spec_to_config:
 * @spec: a validated spec
 * @target: where it runs
 *
 * Builds the domain definition through libvirt-gconfig: the PC @target names, with a disk on
 * virtio where the operating system has a virtio driver (or is not named), on SATA where it
 * has not (Windows), a SATA CD-ROM, a NIC on the network named (virtio, else e1000e), the
 * q35 sound card where the system has its driver, a USB tablet for an absolute pointer, the
 * requested graphics on the local host only, a SPICE agent channel, and a serial console.
 * The libosinfo id goes into the metadata, where virt-install, virt-manager and GNOME Boxes
 * write and read it.
 *
 * Returns: (transfer full): the definition
 */
GVirConfigDomain *
vireo_machine_spec_to_config (const VireoMachineSpec   *spec,
                              const VireoMachineTarget *target)
{
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GVirConfigDomainOs) os = NULL;
  g_autoptr(GList) boot = NULL;
  g_autoptr(GVirConfigDomainControllerUsb) usb = NULL;
  g_autoptr(GVirConfigDomainInput) tablet = NULL;
  g_autoptr(GVirConfigDomainVideo) video = NULL;
  g_autoptr(GVirConfigDomainChardevSourcePty) serial_pty = NULL;
  g_autoptr(GVirConfigDomainSerial) serial = NULL;
  g_autoptr(GVirConfigDomainChardevSourcePty) console_pty = NULL;
  g_autoptr(GVirConfigDomainConsole) console = NULL;
  const char *features[] = { "acpi", "apic", NULL };
  gboolean virtio_disk = vireo_machine_spec_virtio_disk (spec, target->os_devices);
  char next_sd = 'a';

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (target != NULL, NULL);

  domain = gvir_config_domain_new ();
  gvir_config_domain_set_virt_type (domain, target->virt_type);
  gvir_config_domain_set_name (domain, spec->name);
  if (spec->title != NULL)
    gvir_config_domain_set_title (domain, spec->title);
  gvir_config_domain_set_memory (domain, spec->memory_mib * 1024);
  gvir_config_domain_set_current_memory (domain, spec->memory_mib * 1024);
  gvir_config_domain_set_vcpus (domain, spec->vcpus);
  gvir_config_domain_set_features (domain, (const GStrv) features);

  os = gvir_config_domain_os_new ();
  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  gvir_config_domain_os_set_arch (os, target->arch);
  if (target->machine != NULL)
    gvir_config_domain_os_set_machine (os, target->machine);
  if (spec->efi)
    gvir_config_domain_os_set_firmware (os, GVIR_CONFIG_DOMAIN_OS_FIRMWARE_EFI);
  /* An express installation's installer: its reboot at the end stops the machine, and the
   * helper ends the install phase (vireo-install.c). */
  if (target->kernel_path != NULL)
    {
      gvir_config_domain_os_set_kernel (os, target->kernel_path);
      gvir_config_domain_os_set_ramdisk (os, target->initrd_path);
      if (target->cmdline != NULL && target->cmdline[0] != '\0')
        gvir_config_domain_os_set_cmdline (os, target->cmdline);
      gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                        GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);
    }
  if (target->iso_path != NULL)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
  boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
  /* PXE first: the firmware's network boot (iPXE) asks DHCP on the NIC's network. */
  if (spec->pxe)
    boot = g_list_prepend (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_NETWORK));
  gvir_config_domain_os_set_boot_devices (os, boot);
  gvir_config_domain_set_os (domain, os);

  if (spec->os_id != NULL)
    {
      g_autofree char *custom = g_markup_printf_escaped ("<libosinfo><os id=\"%s\"/></libosinfo>", spec->os_id);

      gvir_config_domain_set_custom_xml_ns_children (domain, custom, "libosinfo", LIBOSINFO_NS, NULL);
    }

  /* The install phase's volumes, for the helper to remove when it ends. */
  if (target->kernel_path != NULL || target->script_iso_path != NULL)
    {
      const char *paths[] = { target->kernel_path, target->initrd_path, target->script_iso_path };
      GString *custom = g_string_new ("<install>");

      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        if (paths[i] != NULL)
          {
            g_autofree char *element = g_markup_printf_escaped ("<volume path=\"%s\"/>", paths[i]);

            g_string_append (custom, element);
          }
      g_string_append (custom, "</install>");
      gvir_config_domain_set_custom_xml_ns_children (domain, custom->str, VIREO_NS_PREFIX, VIREO_NS, NULL);
      g_string_free (custom, TRUE);
    }

  if (target->disk_path != NULL)
    {
      g_autoptr(GVirConfigDomainDisk) disk = gvir_config_domain_disk_new ();
      g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();

      gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
      gvir_config_domain_disk_set_guest_device_type (disk, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
      gvir_config_domain_disk_driver_set_name (driver, "qemu");
      gvir_config_domain_disk_driver_set_format (driver, g_strcmp0 (target->disk_format, "raw") == 0
                                                           ? GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW
                                                           : GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2);
      gvir_config_domain_disk_set_driver (disk, driver);
      gvir_config_domain_disk_set_source (disk, target->disk_path);
      gvir_config_domain_disk_set_target_bus (disk, virtio_disk ? GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO
                                                                : GVIR_CONFIG_DOMAIN_DISK_BUS_SATA);
      if (virtio_disk)
        gvir_config_domain_disk_set_target_dev (disk, "vda");
      else
        gvir_config_domain_disk_set_target_dev (disk, (char[]) { 's', 'd', next_sd++, '\0' });
      add_device (domain, disk);
    }

  if (target->iso_path != NULL)
    add_cdrom (domain, target->iso_path, next_sd++);

  if (target->script_iso_path != NULL)
    add_cdrom (domain, target->script_iso_path, next_sd++);

  if (target->os_devices & VIREO_OS_ICH9_HDA)
    {
      g_autoptr(GVirConfigDomainSound) sound = gvir_config_domain_sound_new ();

      gvir_config_domain_sound_set_model (sound, GVIR_CONFIG_DOMAIN_SOUND_MODEL_ICH9);
      add_device (domain, sound);
    }

  /* One NIC on the network named, virtio where the system has the driver (or is not named),
   * else e1000e (Windows), else the hypervisor's default model. */
  if (spec->network != NULL)
    {
      g_autoptr(GVirConfigDomainInterfaceNetwork) nic = gvir_config_domain_interface_network_new ();

      const char *model = vireo_machine_spec_nic_model (spec->os_id != NULL, target->os_devices);

      gvir_config_domain_interface_network_set_source (nic, spec->network);
      if (model != NULL)
        gvir_config_domain_interface_set_model (GVIR_CONFIG_DOMAIN_INTERFACE (nic), model);
      add_device (domain, nic);
    }

  usb = gvir_config_domain_controller_usb_new ();
  gvir_config_domain_controller_usb_set_model (usb, GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_QEMU_XHCI);
  add_device (domain, usb);

  /* An absolute pointer: the console follows the host's pointer without a grab. */
  tablet = gvir_config_domain_input_new ();
  gvir_config_domain_input_set_device_type (tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
  gvir_config_domain_input_set_bus (tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
  add_device (domain, tablet);

  if (spec->spice)
    {
      g_autoptr(GVirConfigDomainGraphicsSpice) spice = gvir_config_domain_graphics_spice_new ();
      g_autoptr(GVirConfigDomainChannel) channel = gvir_config_domain_channel_new ();
      g_autoptr(GVirConfigDomainChardevSourceSpiceVmc) vmc = gvir_config_domain_chardev_source_spicevmc_new ();

      /* No listen address: libvirt's default, the loopback address only. */
      gvir_config_domain_graphics_spice_set_autoport (spice, TRUE);
      add_device (domain, spice);

      gvir_config_domain_channel_set_target_type (channel, GVIR_CONFIG_DOMAIN_CHANNEL_TARGET_VIRTIO);
      gvir_config_domain_channel_set_target_name (channel, "com.redhat.spice.0");
      gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (channel),
                                             GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (vmc));
      add_device (domain, channel);
    }

  if (spec->vnc)
    {
      g_autoptr(GVirConfigDomainGraphicsVnc) vnc = gvir_config_domain_graphics_vnc_new ();

      gvir_config_domain_graphics_vnc_set_autoport (vnc, TRUE);
      add_device (domain, vnc);
    }

  if (spec->spice || spec->vnc)
    {
      video = gvir_config_domain_video_new ();
      /* virtio-gpu where the system has its driver (it resizes with the window), else QXL
       * for SPICE (Windows has its driver from the SPICE guest tools), virtio for VNC. */
      gvir_config_domain_video_set_model (video, (target->os_devices & VIREO_OS_VIRTIO_GPU) || !spec->spice
                                                   ? GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO
                                                   : GVIR_CONFIG_DOMAIN_VIDEO_MODEL_QXL);
      add_device (domain, video);
    }

  serial_pty = gvir_config_domain_chardev_source_pty_new ();
  serial = gvir_config_domain_serial_new ();
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (serial),
                                         GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (serial_pty));
  add_device (domain, serial);

  console_pty = gvir_config_domain_chardev_source_pty_new ();
  console = gvir_config_domain_console_new ();
  gvir_config_domain_console_set_target_type (console, GVIR_CONFIG_DOMAIN_CONSOLE_TARGET_SERIAL);
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (console),
                                         GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (console_pty));
  add_device (domain, console);

  return g_steal_pointer (&domain);
}

static xmlNodePtr
child_named (xmlNodePtr  parent,
             const char *name)
{
  for (xmlNodePtr child = parent->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, BAD_CAST name))
      return child;
  return NULL;
}

static void
add_firmware_feature (xmlNodePtr  firmware,
                      const char *name,
                      gboolean    enabled)
{
  xmlNodePtr feature = xmlNewChild (firmware, NULL, BAD_CAST "feature", NULL);

  xmlNewProp (feature, BAD_CAST "enabled", BAD_CAST (enabled ? "yes" : "no"));
  xmlNewProp (feature, BAD_CAST "name", BAD_CAST name);
}

/**
 * vireo_machine_spec_to_xml:
 *
 * The definition of vireo_machine_spec_to_config() as libvirt takes it, with what
 * libvirt-gconfig 4.0 has no API for: UEFI firmware's features (Secure Boot on, with
 * Microsoft's keys enrolled, or off: with only firmware='efi', libvirt 9.0 picks the Secure
 * Boot firmware, which refuses an unsigned boot loader), an emulated TPM 2.0, a virtio
 * RNG where the system has its driver, and on q35 VIREO_PCIE_ROOT_PORTS PCI Express root
 * ports, so that some are free for hot-plugged devices (Machine.AddNic).
 *
 * Returns: (transfer full): the domain XML
 */
char *
vireo_machine_spec_to_xml (const VireoMachineSpec   *spec,
                           const VireoMachineTarget *target)
{
  g_autoptr(GVirConfigDomain) config = vireo_machine_spec_to_config (spec, target);
  g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  xmlDocPtr doc;
  xmlNodePtr root, os, devices;
  xmlChar *out = NULL;
  int len = 0;
  char *result;

  gboolean rng = spec->os_id == NULL || (target->os_devices & VIREO_OS_VIRTIO_RNG) != 0;

  gboolean q35 = g_strcmp0 (target->machine, "q35") == 0;

  if (!spec->efi && !spec->tpm && !rng && !target->iso_shared && !q35)
    return g_steal_pointer (&xml);

  doc = xmlReadMemory (xml, (int) strlen (xml), NULL, NULL, XML_PARSE_NONET);
  g_return_val_if_fail (doc != NULL, g_steal_pointer (&xml));
  root = xmlDocGetRootElement (doc);
  os = child_named (root, "os");
  devices = child_named (root, "devices");

  if (spec->efi && os != NULL)
    {
      xmlNodePtr firmware = xmlNewChild (os, NULL, BAD_CAST "firmware", NULL);

      add_firmware_feature (firmware, "secure-boot", spec->secure_boot);
      if (spec->secure_boot)
        add_firmware_feature (firmware, "enrolled-keys", TRUE);
    }
  if (spec->secure_boot)
    {
      /* Secure Boot's variable store must be out of the guest's reach (SMM). */
      xmlNodePtr features = child_named (root, "features");

      if (features == NULL)
        features = xmlNewChild (root, NULL, BAD_CAST "features", NULL);
      xmlNewProp (xmlNewChild (features, NULL, BAD_CAST "smm", NULL), BAD_CAST "state", BAD_CAST "on");
    }
  /* Entropy from the host, where the system has the driver (or is not named). */
  if (rng && devices != NULL)
    {
      xmlNodePtr device = xmlNewChild (devices, NULL, BAD_CAST "rng", NULL);
      xmlNodePtr backend = xmlNewTextChild (device, NULL, BAD_CAST "backend", BAD_CAST "/dev/urandom");

      xmlNewProp (device, BAD_CAST "model", BAD_CAST "virtio");
      xmlNewProp (backend, BAD_CAST "model", BAD_CAST "random");
    }
  /* A medium linked to the user's own file: libvirt must not change its owner (QEMU reads
   * it as it is, readable by all). */
  for (xmlNodePtr disk = devices != NULL && target->iso_shared ? devices->children : NULL; disk != NULL; disk = disk->next)
    {
      xmlNodePtr source = child_named (disk, "source");
      xmlChar *file = source != NULL ? xmlGetProp (source, BAD_CAST "file") : NULL;

      if (file != NULL && xmlStrEqual (file, BAD_CAST target->iso_path))
        {
          xmlNodePtr seclabel = xmlNewChild (source, NULL, BAD_CAST "seclabel", NULL);

          xmlNewProp (seclabel, BAD_CAST "model", BAD_CAST "dac");
          xmlNewProp (seclabel, BAD_CAST "relabel", BAD_CAST "no");
        }
      xmlFree (file);
    }
  if (spec->tpm && devices != NULL)
    {
      xmlNodePtr tpm = xmlNewChild (devices, NULL, BAD_CAST "tpm", NULL);
      xmlNodePtr backend = xmlNewChild (tpm, NULL, BAD_CAST "backend", NULL);

      xmlNewProp (tpm, BAD_CAST "model", BAD_CAST "tpm-crb");
      xmlNewProp (backend, BAD_CAST "type", BAD_CAST "emulator");
      xmlNewProp (backend, BAD_CAST "version", BAD_CAST "2.0");
    }

  /* PCI Express root ports, as virt-install gives: on q35 a device can be hot-plugged only
   * into a free root port, and libvirt makes just one per device it is given. The devices
   * take some; the rest stay free. */
  for (guint i = 0; q35 && devices != NULL && i <= VIREO_PCIE_ROOT_PORTS; i++)
    {
      xmlNodePtr controller = xmlNewChild (devices, NULL, BAD_CAST "controller", NULL);
      g_autofree char *index = g_strdup_printf ("%u", i);

      xmlNewProp (controller, BAD_CAST "type", BAD_CAST "pci");
      xmlNewProp (controller, BAD_CAST "index", BAD_CAST index);
      xmlNewProp (controller, BAD_CAST "model", BAD_CAST (i == 0 ? "pcie-root" : "pcie-root-port"));
    }

  xmlDocDumpFormatMemoryEnc (doc, &out, &len, "UTF-8", 1);
  result = g_strndup ((const char *) out, len);
  xmlFree (out);
  xmlFreeDoc (doc);
  return result;
}

void
vireo_machine_spec_free (VireoMachineSpec *spec)
{
  if (spec == NULL)
    return;

  g_free (spec->name);
  g_free (spec->title);
  g_free (spec->iso);
  g_free (spec->os_id);
  g_free (spec->network);
  g_free (spec->import);
  vireo_express_free (spec->express);
  g_free (spec->location);
  g_free (spec->iso_volume);
  g_free (spec);
}
