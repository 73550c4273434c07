/* vireo-domain-facts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-domain-facts"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-domain-facts.h"
#include "vireo-error.h"
#include "vireo-libvirt.h"

#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

static void
disk_facts_free (gpointer data)
{
  VireoDiskFacts *disk = data;

  g_free (disk->target);
  g_free (disk->path);
  g_free (disk->device);
  g_free (disk);
}

static void
nic_facts_free (gpointer data)
{
  VireoNicFacts *nic = data;

  g_free (nic->mac);
  g_free (nic->type);
  g_free (nic->source);
  g_free (nic->model);
  g_free (nic);
}

typedef struct {
  char *type;
  char *source;
} InterfaceXml;

static void
interface_start_element (GMarkupParseContext  *context,
                         const char           *element_name,
                         const char          **attribute_names,
                         const char          **attribute_values,
                         gpointer              user_data,
                         GError              **error)
{
  InterfaceXml *parsed = user_data;

  for (guint i = 0; attribute_names[i] != NULL; i++)
    {
      if (g_str_equal (element_name, "interface") && g_str_equal (attribute_names[i], "type")
          && parsed->type == NULL)
        parsed->type = g_strdup (attribute_values[i]);
      else if (g_str_equal (element_name, "source") && parsed->source == NULL
               && (g_str_equal (attribute_names[i], "network") || g_str_equal (attribute_names[i], "bridge")
                   || g_str_equal (attribute_names[i], "dev")))
        parsed->source = g_strdup (attribute_values[i]);
    }
}

/* libvirt-gconfig reads neither an interface's type reliably nor its source: take both from
 * the element's own XML. */
static void
parse_interface (GVirConfigDomainInterface *iface,
                 VireoNicFacts             *nic)
{
  static const GMarkupParser parser = { interface_start_element, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (iface));
  InterfaceXml parsed = { NULL, NULL };

  context = g_markup_parse_context_new (&parser, 0, &parsed, NULL);
  if (xml != NULL)
    g_markup_parse_context_parse (context, xml, -1, NULL);

  if (g_strcmp0 (parsed.type, "network") == 0 || g_strcmp0 (parsed.type, "bridge") == 0
      || g_strcmp0 (parsed.type, "user") == 0)
    nic->type = g_steal_pointer (&parsed.type);
  else
    nic->type = g_strdup ("other");
  nic->source = parsed.source != NULL ? g_steal_pointer (&parsed.source) : g_strdup ("");
  g_free (parsed.type);
}

static const char *
device_type_to_string (GVirConfigDomainDiskGuestDeviceType type)
{
  switch (type)
    {
    case GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM:
      return "cdrom";
    case GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_FLOPPY:
      return "floppy";
    case GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK:
    default:
      return "disk";
    }
}

static void
os_id_start_element (GMarkupParseContext  *context,
                     const char           *element_name,
                     const char          **attribute_names,
                     const char          **attribute_values,
                     gpointer              user_data,
                     GError              **error)
{
  char **os_id = user_data;
  const char *local = strchr (element_name, ':');

  local = local != NULL ? local + 1 : element_name;
  if (*os_id != NULL || !g_str_equal (local, "os"))
    return;

  for (guint i = 0; attribute_names[i] != NULL; i++)
    if (g_str_equal (attribute_names[i], "id"))
      *os_id = g_strdup (attribute_values[i]);
}

/* The <libosinfo:os id="…"/> that virt-install, virt-manager and Boxes write. */
static char *
parse_os_id (GVirConfigDomain *config)
{
  static const GMarkupParser parser = { os_id_start_element, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autofree char *custom = NULL;
  char *os_id = NULL;

  custom = gvir_config_domain_get_custom_xml (config, LIBOSINFO_NS);
  if (custom == NULL)
    return NULL;

  context = g_markup_parse_context_new (&parser, 0, &os_id, NULL);
  if (!g_markup_parse_context_parse (context, custom, -1, NULL))
    g_clear_pointer (&os_id, g_free);

  return os_id;
}

static GVirConfigDomain *
parse_config (const char  *xml,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GVirConfigDomain *config;

  config = gvir_config_domain_new_from_xml (xml, &local_error);
  if (config == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                   _("The machine’s definition could not be read: %s"), local_error->message);
      return NULL;
    }

  return config;
}

/**
 * vireo_domain_facts_new_from_xml:
 * @xml: a domain's XML
 *
 * Reads the facts a Machine object shows. State, persistence, autostart and disk sizes are
 * not in the XML: the caller fills them in.
 */
VireoDomainFacts *
vireo_domain_facts_new_from_xml (const char  *xml,
                                 GError     **error)
{
  g_autoptr(VireoDomainFacts) facts = NULL;
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(GStrvBuilder) graphics = NULL;
  GList *devices;

  g_return_val_if_fail (xml != NULL, NULL);

  config = parse_config (xml, error);
  if (config == NULL)
    return NULL;

  facts = g_new0 (VireoDomainFacts, 1);
  facts->name = g_strdup (gvir_config_domain_get_name (config));
  facts->uuid = g_strdup (gvir_config_domain_get_uuid (config));
  facts->title = g_strdup (gvir_config_domain_get_title (config));
  facts->description = g_strdup (gvir_config_domain_get_description (config));
  facts->os_id = parse_os_id (config);
  facts->vcpus = (guint) gvir_config_domain_get_vcpus (config);
  facts->memory_mib = gvir_config_domain_get_memory (config) / 1024;
  facts->disks = g_ptr_array_new_with_free_func (disk_facts_free);
  facts->nics = g_ptr_array_new_with_free_func (nic_facts_free);
  facts->state = VIREO_MACHINE_STATE_UNKNOWN;

  if (facts->name == NULL || facts->uuid == NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                           _("The machine’s definition has no name or UUID."));
      return NULL;
    }

  graphics = g_strv_builder_new ();
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        {
          GVirConfigDomainDisk *disk = l->data;
          VireoDiskFacts *disk_facts = g_new0 (VireoDiskFacts, 1);
          const char *source = gvir_config_domain_disk_get_source (disk);
          const char *target = gvir_config_domain_disk_get_target_dev (disk);

          disk_facts->target = g_strdup (target != NULL ? target : "");
          disk_facts->path = g_strdup (source != NULL ? source : "");
          disk_facts->device = g_strdup (device_type_to_string (gvir_config_domain_disk_get_guest_device_type (disk)));
          g_ptr_array_add (facts->disks, disk_facts);
        }
      else if (GVIR_CONFIG_IS_DOMAIN_INTERFACE (l->data))
        {
          GVirConfigDomainInterface *iface = l->data;
          VireoNicFacts *nic = g_new0 (VireoNicFacts, 1);
          const char *mac = gvir_config_domain_interface_get_mac (iface);
          const char *model = gvir_config_domain_interface_get_model (iface);

          nic->mac = g_strdup (mac != NULL ? mac : "");
          nic->model = g_strdup (model != NULL ? model : "");
          parse_interface (iface, nic);
          g_ptr_array_add (facts->nics, nic);
        }
      else if (GVIR_CONFIG_IS_DOMAIN_SERIAL (l->data) || GVIR_CONFIG_IS_DOMAIN_CONSOLE (l->data))
        facts->has_serial = TRUE;
      else if (GVIR_CONFIG_IS_DOMAIN_GRAPHICS_SPICE (l->data))
        g_strv_builder_add (graphics, "spice");
      else if (GVIR_CONFIG_IS_DOMAIN_GRAPHICS_VNC (l->data))
        g_strv_builder_add (graphics, "vnc");
    }
  g_list_free_full (devices, g_object_unref);

  facts->graphics = g_strv_builder_end (graphics);

  return g_steal_pointer (&facts);
}

/**
 * vireo_domain_facts_fetch:
 * @conn: the connection @dom came from
 * @dom: a domain
 *
 * Everything a Machine object shows about @dom: its XML, and what libvirt knows beyond it
 * (state, persistence, autostart, disk sizes). Talks to libvirtd: run it in a worker thread.
 */
VireoDomainFacts *
vireo_domain_facts_fetch (virConnectPtr   conn,
                          virDomainPtr    dom,
                          GError        **error)
{
  g_autoptr(VireoDomainFacts) facts = NULL;
  g_autofree char *xml = NULL;
  int state = VIR_DOMAIN_NOSTATE;
  int reason = 0;
  int autostart = 0;
  gboolean managed_save = FALSE;

  xml = virDomainGetXMLDesc (dom, 0);
  if (xml == NULL)
    {
      vireo_libvirt_set_error (error, _("The machine’s definition could not be read."));
      return NULL;
    }

  facts = vireo_domain_facts_new_from_xml (xml, error);
  if (facts == NULL)
    return NULL;

  if (virDomainGetState (dom, &state, &reason, 0) < 0)
    {
      vireo_libvirt_set_error (error, _("The state of “%s” could not be read."), facts->name);
      return NULL;
    }

  facts->persistent = virDomainIsPersistent (dom) == 1;
  if (facts->persistent && virDomainGetAutostart (dom, &autostart) == 0)
    facts->autostart = autostart != 0;
  if (state == VIR_DOMAIN_SHUTOFF)
    managed_save = virDomainHasManagedSaveImage (dom, 0) == 1;
  facts->state = vireo_libvirt_state (state, managed_save);

  for (guint i = 0; i < facts->disks->len; i++)
    {
      VireoDiskFacts *disk = g_ptr_array_index (facts->disks, i);
      g_autoptr(virStorageVol) vol = NULL;
      virStorageVolInfo vol_info;
      virDomainBlockInfo block_info;

      if (disk->path[0] == '\0')
        continue;

      vol = virStorageVolLookupByPath (conn, disk->path);
      if (vol != NULL && virStorageVolGetInfo (vol, &vol_info) == 0)
        disk->size = vol_info.capacity;
      else if (disk->target[0] != '\0' && virDomainGetBlockInfo (dom, disk->target, &block_info, 0) == 0)
        disk->size = block_info.capacity;
    }
  virResetLastError ();

  return g_steal_pointer (&facts);
}

/**
 * vireo_domain_facts_graphics_index:
 * @xml: a running domain's live XML
 * @type: "spice" or "vnc"
 *
 * Returns: the index of the first graphics device of @type among all graphics devices, the
 *   number virDomainOpenGraphicsFD() takes, or -1 with @error set
 */
int
vireo_domain_facts_graphics_index (const char  *xml,
                                   const char  *type,
                                   GError     **error)
{
  g_autoptr(GVirConfigDomain) config = NULL;
  GList *devices;
  int index = 0;
  int found = -1;

  g_return_val_if_fail (xml != NULL, -1);
  g_return_val_if_fail (type != NULL, -1);

  config = parse_config (xml, error);
  if (config == NULL)
    return -1;

  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL && found < 0; l = l->next)
    {
      if (!GVIR_CONFIG_IS_DOMAIN_GRAPHICS (l->data))
        continue;

      if ((g_str_equal (type, "spice") && GVIR_CONFIG_IS_DOMAIN_GRAPHICS_SPICE (l->data))
          || (g_str_equal (type, "vnc") && GVIR_CONFIG_IS_DOMAIN_GRAPHICS_VNC (l->data)))
        found = index;

      index++;
    }
  g_list_free_full (devices, g_object_unref);

  if (found < 0)
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                 _("The machine has no %s display."), g_str_equal (type, "spice") ? "SPICE" : "VNC");

  return found;
}

void
vireo_domain_facts_free (VireoDomainFacts *facts)
{
  if (facts == NULL)
    return;

  g_free (facts->name);
  g_free (facts->uuid);
  g_free (facts->title);
  g_free (facts->description);
  g_free (facts->os_id);
  g_strfreev (facts->graphics);
  g_clear_pointer (&facts->disks, g_ptr_array_unref);
  g_clear_pointer (&facts->nics, g_ptr_array_unref);
  g_free (facts);
}
