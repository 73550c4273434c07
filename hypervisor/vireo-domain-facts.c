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
  g_free (disk->type);
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
  g_strfreev (nic->addresses);
  g_free (nic);
}

/* The devices, read from the XML itself, never through gvir_config_domain_get_devices():
 * libvirt-gconfig 4.0 reports a GLib critical for values its enums lack (a disk of type
 * "volume", a "lun"), and gives neither a network disk's host, a volume's pool, nor an
 * interface's source. Only what is directly under <domain><devices> counts, and of a disk only
 * its own <source> and <target> (not a <backingStore>'s). */
typedef struct {
  VireoDomainFacts *facts;
  GStrvBuilder     *graphics;
  int               depth;
  gboolean          in_devices;
  VireoDiskFacts   *current;      /* the open <disk> */
  VireoNicFacts    *nic;          /* the open <interface> */
  char             *protocol;     /* of the current network disk's source */
  char             *name;
  char             *host;
  char             *pool;         /* of the current volume disk's source */
  char             *volume;
} DevicesParse;

static const char *
attribute (const char **names,
           const char **values,
           const char  *wanted)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], wanted))
      return values[i];
  return NULL;
}

static void
device_start_element (GMarkupParseContext  *context,
                    const char           *element_name,
                    const char          **names,
                    const char          **values,
                    gpointer              user_data,
                    GError              **error)
{
  DevicesParse *parse = user_data;
  const char *value;

  parse->depth++;
  if (parse->depth == 2 && g_str_equal (element_name, "devices"))
    parse->in_devices = TRUE;
  else if (parse->in_devices && parse->depth == 3 && g_str_equal (element_name, "interface"))
    {
      value = attribute (names, values, "type");
      parse->nic = g_new0 (VireoNicFacts, 1);
      parse->nic->type = g_strdup (g_strcmp0 (value, "network") == 0 || g_strcmp0 (value, "bridge") == 0
                                   || g_strcmp0 (value, "direct") == 0 || g_strcmp0 (value, "user") == 0
                                   ? value : "other");
      parse->nic->link_up = TRUE;
    }
  else if (parse->nic != NULL && parse->depth == 4)
    {
      if (g_str_equal (element_name, "mac") && parse->nic->mac == NULL)
        parse->nic->mac = g_strdup (attribute (names, values, "address"));
      else if (g_str_equal (element_name, "model") && parse->nic->model == NULL)
        parse->nic->model = g_strdup (attribute (names, values, "type"));
      else if (g_str_equal (element_name, "link"))
        parse->nic->link_up = g_strcmp0 (attribute (names, values, "state"), "down") != 0;
      else if (g_str_equal (element_name, "source") && parse->nic->source == NULL)
        {
          value = attribute (names, values, "network");
          if (value == NULL)
            value = attribute (names, values, "bridge");
          if (value == NULL)
            value = attribute (names, values, "dev");
          parse->nic->source = g_strdup (value);
        }
    }
  else if (parse->in_devices && parse->depth == 3 && g_str_equal (element_name, "graphics"))
    {
      value = attribute (names, values, "type");
      if (g_strcmp0 (value, "spice") == 0 || g_strcmp0 (value, "vnc") == 0)
        g_strv_builder_add (parse->graphics, value);
    }
  else if (parse->in_devices && parse->depth == 3
           && (g_str_equal (element_name, "serial") || g_str_equal (element_name, "console")))
    parse->facts->has_serial = TRUE;
  else if (parse->in_devices && parse->depth == 3 && g_str_equal (element_name, "disk"))
    {
      parse->current = g_new0 (VireoDiskFacts, 1);
      value = attribute (names, values, "type");
      parse->current->type = g_strdup (value != NULL ? value : "file");
      value = attribute (names, values, "device");
      parse->current->device = g_strdup (value != NULL ? value : "disk");
    }
  else if (parse->current != NULL && parse->depth == 4 && g_str_equal (element_name, "source"))
    {
      const char *type = parse->current->type;

      g_clear_pointer (&parse->current->path, g_free);
      if (g_str_equal (type, "network"))
        {
          parse->protocol = g_strdup (attribute (names, values, "protocol"));
          parse->name = g_strdup (attribute (names, values, "name"));
        }
      else if (g_str_equal (type, "volume"))
        {
          parse->pool = g_strdup (attribute (names, values, "pool"));
          parse->volume = g_strdup (attribute (names, values, "volume"));
        }
      else
        {
          value = attribute (names, values, g_str_equal (type, "block") ? "dev"
                                            : g_str_equal (type, "dir") ? "dir" : "file");
          parse->current->path = g_strdup (value);
        }
    }
  else if (parse->current != NULL && parse->depth == 5 && g_str_equal (element_name, "host")
           && parse->protocol != NULL && parse->host == NULL)
    parse->host = g_strdup (attribute (names, values, "name"));
  else if (parse->current != NULL && parse->depth == 4 && g_str_equal (element_name, "target"))
    {
      g_free (parse->current->target);
      parse->current->target = g_strdup (attribute (names, values, "dev"));
    }
}

static void
device_end_element (GMarkupParseContext  *context,
                  const char           *element_name,
                  gpointer              user_data,
                  GError              **error)
{
  DevicesParse *parse = user_data;

  if (parse->current != NULL && parse->depth == 3)
    {
      VireoDiskFacts *disk = g_steal_pointer (&parse->current);

      if (parse->protocol != NULL)
        disk->path = g_strdup_printf ("%s://%s%s%s", parse->protocol, parse->host != NULL ? parse->host : "",
                                      parse->name != NULL && parse->name[0] != '/' ? "/" : "",
                                      parse->name != NULL ? parse->name : "");
      else if (parse->pool != NULL && parse->volume != NULL)
        disk->path = g_strdup_printf ("%s/%s", parse->pool, parse->volume);
      if (disk->path == NULL)
        disk->path = g_strdup ("");
      if (disk->target == NULL)
        disk->target = g_strdup ("");
      g_ptr_array_add (parse->facts->disks, disk);
      g_clear_pointer (&parse->protocol, g_free);
      g_clear_pointer (&parse->name, g_free);
      g_clear_pointer (&parse->host, g_free);
      g_clear_pointer (&parse->pool, g_free);
      g_clear_pointer (&parse->volume, g_free);
    }
  else if (parse->nic != NULL && parse->depth == 3)
    {
      VireoNicFacts *nic = g_steal_pointer (&parse->nic);

      if (nic->mac == NULL)
        nic->mac = g_strdup ("");
      if (nic->model == NULL)
        nic->model = g_strdup ("");
      if (nic->source == NULL)
        nic->source = g_strdup ("");
      g_ptr_array_add (parse->facts->nics, nic);
    }
  else if (parse->depth == 2 && g_str_equal (element_name, "devices"))
    parse->in_devices = FALSE;
  parse->depth--;
}

static gboolean
parse_devices (const char        *xml,
               VireoDomainFacts  *facts,
               GError           **error)
{
  static const GMarkupParser parser = { device_start_element, device_end_element, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  DevicesParse parse = { facts, g_strv_builder_new () };
  gboolean ok;

  context = g_markup_parse_context_new (&parser, 0, &parse, NULL);
  ok = g_markup_parse_context_parse (context, xml, -1, error) && g_markup_parse_context_end_parse (context, error);
  facts->graphics = g_strv_builder_end (parse.graphics);
  g_strv_builder_unref (parse.graphics);
  if (parse.current != NULL)
    disk_facts_free (parse.current);
  if (parse.nic != NULL)
    nic_facts_free (parse.nic);
  g_free (parse.protocol);
  g_free (parse.name);
  g_free (parse.host);
  g_free (parse.pool);
  g_free (parse.volume);
  return ok;
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

  if (!parse_devices (xml, facts, error))
    return NULL;

  return g_steal_pointer (&facts);
}

/* The addresses dnsmasq leased to each interface on a libvirt network, as libvirt reads them
 * from the network's lease file. A driver without leases (the test driver) gives none. */
static void
fetch_lease_addresses (virConnectPtr     conn,
                       VireoDomainFacts *facts)
{
  for (guint i = 0; i < facts->nics->len; i++)
    {
      VireoNicFacts *nic = g_ptr_array_index (facts->nics, i);
      g_autoptr(virNetwork) net = NULL;
      g_autoptr(GStrvBuilder) builder = NULL;
      virNetworkDHCPLeasePtr *leases = NULL;
      int n;

      if (!g_str_equal (nic->type, "network") || nic->source[0] == '\0' || nic->mac[0] == '\0')
        continue;
      net = virNetworkLookupByName (conn, nic->source);
      if (net == NULL || (n = virNetworkGetDHCPLeases (net, nic->mac, &leases, 0)) < 0)
        {
          virResetLastError ();
          continue;
        }

      builder = g_strv_builder_new ();
      for (int l = 0; l < n; l++)
        {
          g_autofree char *address = g_strdup_printf ("%s/%u", leases[l]->ipaddr, leases[l]->prefix);

          g_strv_builder_add (builder, address);
          virNetworkDHCPLeaseFree (leases[l]);
        }
      free (leases);
      g_strfreev (nic->addresses);
      nic->addresses = g_strv_builder_end (builder);
    }
}

/**
 * vireo_domain_facts_fetch:
 * @conn: the connection @dom came from
 * @dom: a domain
 *
 * Everything a Machine object shows about @dom: its XML, and what libvirt knows beyond it
 * (state, persistence, autostart, disk sizes, the DHCP leases of its interfaces while it
 * runs). Talks to libvirtd: run it in a worker thread.
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

  if (virDomainIsActive (dom) == 1)
    fetch_lease_addresses (conn, facts);

  for (guint i = 0; i < facts->disks->len; i++)
    {
      VireoDiskFacts *disk = g_ptr_array_index (facts->disks, i);
      g_autoptr(virStorageVol) vol = NULL;
      virStorageVolInfo vol_info;
      virDomainBlockInfo block_info;

      /* A volume named by pool: its file. */
      if (g_str_equal (disk->type, "volume") && strchr (disk->path, '/') != NULL && disk->path[0] != '/')
        {
          g_autofree char *pool_name = g_strndup (disk->path, strchr (disk->path, '/') - disk->path);
          g_autoptr(virStoragePool) pool = virStoragePoolLookupByName (conn, pool_name);
          g_autoptr(virStorageVol) named = pool != NULL ? virStorageVolLookupByName (pool, strchr (disk->path, '/') + 1) : NULL;
          char *path = named != NULL ? virStorageVolGetPath (named) : NULL;

          if (path != NULL)
            {
              g_free (disk->path);
              disk->path = path;
            }
        }

      /* Folders and network disks have no size to ask for. */
      if (disk->path[0] != '/' || !(g_str_equal (disk->type, "file") || g_str_equal (disk->type, "block")
                                     || g_str_equal (disk->type, "volume")))
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

/* Every <graphics> under <domain><devices>, counted as virDomainOpenGraphicsFD() counts. */
typedef struct {
  const char *type;
  int         depth;
  int         index;
  int         found;
} GraphicsParse;

static void
graphics_start_element (GMarkupParseContext  *context,
                        const char           *element_name,
                        const char          **names,
                        const char          **values,
                        gpointer              user_data,
                        GError              **error)
{
  GraphicsParse *parse = user_data;

  parse->depth++;
  if (parse->depth == 3 && g_str_equal (element_name, "graphics"))
    {
      if (parse->found < 0 && g_strcmp0 (attribute (names, values, "type"), parse->type) == 0)
        parse->found = parse->index;
      parse->index++;
    }
}

static void
graphics_end_element (GMarkupParseContext  *context,
                      const char           *element_name,
                      gpointer              user_data,
                      GError              **error)
{
  GraphicsParse *parse = user_data;

  parse->depth--;
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
  static const GMarkupParser parser = { graphics_start_element, graphics_end_element, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  GraphicsParse parse = { type, 0, 0, -1 };
  int found;

  g_return_val_if_fail (xml != NULL, -1);
  g_return_val_if_fail (type != NULL, -1);

  context = g_markup_parse_context_new (&parser, 0, &parse, NULL);
  if (!g_markup_parse_context_parse (context, xml, -1, NULL) || !g_markup_parse_context_end_parse (context, NULL))
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The machine’s definition could not be read."));
      return -1;
    }
  found = parse.found;

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
