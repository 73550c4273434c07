/* vireo-daemon-nic.c
 *
 * Machine.AddNic, RemoveNic and UpdateNic: a machine's network interfaces, changed in the
 * running guest and in its definition (VIR_DOMAIN_AFFECT_LIVE | CONFIG) where it runs, in
 * the definition only otherwise. Every check comes before any change. The <interface>
 * element is built with libxml2's tree, which escapes every value. The answer says what is
 * true afterwards, read back from the live XML: "now" when the running guest has the change,
 * "next-boot" when only the definition has it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-daemon-nic"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "vireo-daemon-nic.h"
#include "vireo-daemon-private.h"
#include "vireo-machine-spec.h"

typedef enum {
  NIC_ADD,
  NIC_REMOVE,
  NIC_UPDATE,
} NicOp;

typedef struct {
  NicOp           op;
  char           *mac;        /* normalized; NULL for AddNic without one: made up later */
  char           *type;       /* NULL: unchanged (UpdateNic) */
  char           *source;     /* NULL: unchanged, or none for "user" */
  char           *model;      /* NULL: the default (AddNic) or unchanged (UpdateNic) */
  int             link;       /* -1 unchanged (AddNic: up), 0 down, 1 up */
  gboolean        os_named;
  VireoOsDevices  os_devices;
  const char     *when;       /* the answer: "now" or "next-boot" */
} NicRequest;

static void
nic_request_free (gpointer data)
{
  NicRequest *req = data;

  g_free (req->mac);
  g_free (req->type);
  g_free (req->source);
  g_free (req->model);
  g_free (req);
}

/* The models QEMU's x86 machines have, as libvirt names them. */
static const char *const known_models[] = {
  "virtio", "virtio-transitional", "virtio-non-transitional", "e1000e", "e1000", "rtl8139",
  "vmxnet3", "ne2k_pci", "pcnet", NULL,
};

static const char *const known_types[] = { "network", "bridge", "direct", "user", NULL };

static const char *
printable (const char *value)
{
  return g_utf8_validate (value, -1, NULL) ? value : "?";
}

static gboolean
parse_mac_bytes (const char *text,
                 guint8      bytes[6])
{
  if (strlen (text) != 17)
    return FALSE;
  for (guint i = 0; i < 6; i++)
    {
      const char *p = text + 3 * i;

      if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]) || (i < 5 && p[2] != ':'))
        return FALSE;
      bytes[i] = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
    }
  /* All zeros is no interface's. */
  return (bytes[0] | bytes[1] | bytes[2] | bytes[3] | bytes[4] | bytes[5]) != 0;
}

/* "52:54:00:AB:cd:01" → "52:54:00:ab:cd:01"; FALSE for anything else, or a multicast
 * address, which no interface may have. */
static gboolean
normalize_mac (const char  *text,
               char       **out,
               GError     **error)
{
  guint8 bytes[6];

  if (!parse_mac_bytes (text, bytes))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a MAC address (six bytes in hexadecimal, such as 52:54:00:12:34:56)."),
                   printable (text));
      return FALSE;
    }
  if (bytes[0] & 1)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is a multicast address; a network interface needs a unicast one."), text);
      return FALSE;
    }

  *out = g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x",
                          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
  return TRUE;
}

/* A host interface's name as the kernel takes it: 1 to 15 bytes, no "/", ":" or space. */
static gboolean
valid_ifname (const char *name)
{
  size_t len = strlen (name);

  if (len == 0 || len > 15 || g_str_equal (name, ".") || g_str_equal (name, ".."))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p == '/' || *p == ':' || g_ascii_isspace (*p) || !g_ascii_isprint (*p))
      return FALSE;
  return TRUE;
}

/* Reads AddNic's spec or UpdateNic's changes into @req; refuses what is not understood. */
static gboolean
parse_spec (GVariant    *spec,
            NicRequest  *req,
            GError     **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, spec);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      gboolean is_bool = g_str_equal (key, "link");
      gboolean known = is_bool || g_str_equal (key, "type") || g_str_equal (key, "source")
                       || g_str_equal (key, "model") || (g_str_equal (key, "mac") && req->op == NIC_ADD);

      if (!known)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, _("Unknown key “%s”."), printable (key));
          g_variant_unref (value);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, is_bool ? G_VARIANT_TYPE_BOOLEAN : G_VARIANT_TYPE_STRING))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, _("“%s” must be %s, not of type “%s”."),
                       key, is_bool ? _("a boolean") : _("a string"), g_variant_get_type_string (value));
          g_variant_unref (value);
          return FALSE;
        }
    }

  if (g_variant_lookup (spec, "type", "s", &req->type) && !g_strv_contains (known_types, req->type))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("Unknown interface type “%s”: use network, bridge, direct or user."), printable (req->type));
      return FALSE;
    }
  if (req->op == NIC_ADD && req->type == NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("A network interface needs a type: network, bridge, direct or user."));
      return FALSE;
    }

  if (g_variant_lookup (spec, "model", "s", &req->model) && !g_strv_contains (known_models, req->model))
    {
      g_autofree char *models = g_strjoinv (", ", (char **) known_models);

      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("Unknown interface model “%s”: use one of %s."), printable (req->model), models);
      return FALSE;
    }

  if (g_variant_lookup (spec, "source", "s", &req->source))
    {
      if (g_strcmp0 (req->type, "user") == 0 && req->source[0] != '\0')
        {
          g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                               _("A user-mode interface has no source."));
          return FALSE;
        }
      if (req->source[0] == '\0' && g_strcmp0 (req->type, "user") == 0)
        g_clear_pointer (&req->source, g_free);
    }
  if (req->source != NULL
      && (!g_utf8_validate (req->source, -1, NULL) || req->source[0] == '\0' || strchr (req->source, '/') != NULL
          || strlen (req->source) > 255))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot name a network or a host interface."), printable (req->source));
      return FALSE;
    }

  {
    const char *mac = NULL;

    if (g_variant_lookup (spec, "mac", "&s", &mac) && !normalize_mac (mac, &req->mac, error))
      return FALSE;
  }

  {
    gboolean link;

    req->link = g_variant_lookup (spec, "link", "b", &link) ? (link ? 1 : 0) : -1;
  }

  return TRUE;
}

/* XML */

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
remove_children_named (xmlNodePtr  parent,
                       const char *name)
{
  xmlNodePtr child;

  while ((child = child_named (parent, name)) != NULL)
    {
      xmlUnlinkNode (child);
      xmlFreeNode (child);
    }
}

static xmlNodePtr
ensure_child (xmlNodePtr  parent,
              const char *name)
{
  xmlNodePtr child = child_named (parent, name);

  return child != NULL ? child : xmlNewChild (parent, NULL, BAD_CAST name, NULL);
}

/* The <interface> under <domain><devices> whose <mac address> is @mac, or NULL. */
static xmlNodePtr
find_interface (xmlDocPtr   doc,
                const char *mac)
{
  xmlNodePtr root = xmlDocGetRootElement (doc);
  xmlNodePtr devices = root != NULL ? child_named (root, "devices") : NULL;

  for (xmlNodePtr dev = devices != NULL ? devices->children : NULL; dev != NULL; dev = dev->next)
    {
      xmlNodePtr mac_node;
      xmlChar *address;
      gboolean match;

      if (dev->type != XML_ELEMENT_NODE || !xmlStrEqual (dev->name, BAD_CAST "interface"))
        continue;
      mac_node = child_named (dev, "mac");
      address = mac_node != NULL ? xmlGetProp (mac_node, BAD_CAST "address") : NULL;
      match = address != NULL && g_ascii_strcasecmp ((const char *) address, mac) == 0;
      xmlFree (address);
      if (match)
        return dev;
    }
  return NULL;
}

/* Sets @iface's type, source, model and link from @req where it names them. */
static void
apply_request (xmlNodePtr        iface,
               const NicRequest *req)
{
  if (req->type != NULL)
    {
      xmlChar *old = xmlGetProp (iface, BAD_CAST "type");

      /* Another type: the old type's source means nothing now. */
      if (old == NULL || !xmlStrEqual (old, BAD_CAST req->type))
        remove_children_named (iface, "source");
      xmlFree (old);
      xmlSetProp (iface, BAD_CAST "type", BAD_CAST req->type);
    }
  if (req->mac != NULL)
    xmlSetProp (ensure_child (iface, "mac"), BAD_CAST "address", BAD_CAST req->mac);
  if (req->source != NULL)
    {
      xmlChar *type = xmlGetProp (iface, BAD_CAST "type");
      xmlNodePtr source;

      remove_children_named (iface, "source");
      source = xmlNewChild (iface, NULL, BAD_CAST "source", NULL);
      if (xmlStrEqual (type, BAD_CAST "network"))
        xmlNewProp (source, BAD_CAST "network", BAD_CAST req->source);
      else if (xmlStrEqual (type, BAD_CAST "bridge"))
        xmlNewProp (source, BAD_CAST "bridge", BAD_CAST req->source);
      else if (xmlStrEqual (type, BAD_CAST "direct"))
        {
          xmlNewProp (source, BAD_CAST "dev", BAD_CAST req->source);
          xmlNewProp (source, BAD_CAST "mode", BAD_CAST "bridge");
        }
      xmlFree (type);
    }
  if (req->model != NULL)
    xmlSetProp (ensure_child (iface, "model"), BAD_CAST "type", BAD_CAST req->model);
  if (req->link >= 0)
    xmlSetProp (ensure_child (iface, "link"), BAD_CAST "state", BAD_CAST (req->link ? "up" : "down"));
  /* What the running guest's element says of itself, which a definition does not take. */
  remove_children_named (iface, "target");
  remove_children_named (iface, "alias");
}

static char *
node_to_string (xmlDocPtr  doc,
                xmlNodePtr node)
{
  xmlBufferPtr buffer = xmlBufferCreate ();
  char *text;

  xmlNodeDump (buffer, doc, node, 0, 0);
  text = g_strdup ((const char *) xmlBufferContent (buffer));
  xmlBufferFree (buffer);
  return text;
}

static char *
doc_to_string (xmlDocPtr doc)
{
  xmlChar *out = NULL;
  int len = 0;
  char *text;

  xmlDocDumpMemoryEnc (doc, &out, &len, "UTF-8");
  text = g_strndup ((const char *) out, len);
  xmlFree (out);
  return text;
}

static xmlDocPtr
parse_xml (const char  *xml,
           GError     **error)
{
  xmlDocPtr doc = xmlReadMemory (xml, (int) strlen (xml), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);

  if (doc == NULL)
    g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The machine’s definition could not be read."));
  return doc;
}

/* A new interface's element, for AddNic. */
static char *
new_interface_xml (const NicRequest *req)
{
  xmlDocPtr doc = xmlNewDoc (BAD_CAST "1.0");
  xmlNodePtr iface = xmlNewNode (NULL, BAD_CAST "interface");
  NicRequest full = *req;
  char *text;

  xmlDocSetRootElement (doc, iface);
  if (full.link < 0)
    full.link = 1;
  apply_request (iface, &full);
  text = node_to_string (doc, iface);
  xmlFreeDoc (doc);
  return text;
}

/* The work, in a worker thread */

typedef struct {
  char *live_xml;       /* NULL when not running */
  char *config_xml;     /* the persistent definition (with secrets), NULL when transient */
} DomainXml;

static void
domain_xml_clear (DomainXml *xml)
{
  g_clear_pointer (&xml->live_xml, g_free);
  g_clear_pointer (&xml->config_xml, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DomainXml, domain_xml_clear)

static gboolean
read_domain_xml (VireoCall     *call,
                 virDomainPtr   dom,
                 DomainXml     *xml,
                 GError       **error)
{
  int active = virDomainIsActive (dom);
  int persistent = virDomainIsPersistent (dom);

  if (active < 0 || persistent < 0)
    {
      vireo_libvirt_set_error (error, _("The state of “%s” could not be read."), call->name);
      return FALSE;
    }
  if (active)
    xml->live_xml = virDomainGetXMLDesc (dom, 0);
  if (persistent)
    xml->config_xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if ((active && xml->live_xml == NULL) || (persistent && xml->config_xml == NULL))
    {
      vireo_libvirt_set_error (error, _("Could not read the definition of “%s”."), call->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
xml_has_mac (const char *xml,
             const char *mac)
{
  g_autoptr(VireoDomainFacts) facts = xml != NULL ? vireo_domain_facts_new_from_xml (xml, NULL) : NULL;

  for (guint i = 0; facts != NULL && i < facts->nics->len; i++)
    if (g_ascii_strcasecmp (((VireoNicFacts *) g_ptr_array_index (facts->nics, i))->mac, mac) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @xml's interface @mac is as @req asks. */
static gboolean
xml_nic_matches (const char       *xml,
                 const NicRequest *req)
{
  g_autoptr(VireoDomainFacts) facts = xml != NULL ? vireo_domain_facts_new_from_xml (xml, NULL) : NULL;

  for (guint i = 0; facts != NULL && i < facts->nics->len; i++)
    {
      VireoNicFacts *nic = g_ptr_array_index (facts->nics, i);

      if (g_ascii_strcasecmp (nic->mac, req->mac) != 0)
        continue;
      return (req->type == NULL || g_str_equal (nic->type, req->type))
             && (req->source == NULL || g_str_equal (nic->source, req->source))
             && (req->model == NULL || g_str_equal (nic->model, req->model))
             && (req->link < 0 || nic->link_up == (req->link == 1));
    }
  return FALSE;
}

/* The source named exists (a libvirt network, started if need be; a host bridge; a host
 * interface), or the call is refused. */
static gboolean
check_source (VireoCall   *call,
              const char  *type,
              const char  *source,
              GError     **error)
{
  if (g_str_equal (type, "user"))
    return TRUE;

  if (source == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   g_str_equal (type, "network") ? _("An interface on a virtual network needs its name as the source.")
                   : g_str_equal (type, "bridge") ? _("An interface on a host bridge needs the bridge as the source.")
                   : _("A macvtap interface needs the host interface it sits on as the source."));
      return FALSE;
    }

  if (g_str_equal (type, "network"))
    {
      g_autoptr(virNetwork) net = virNetworkLookupByName (call->conn, source);

      if (net == NULL)
        {
          virErrorPtr last = virGetLastError ();

          if (last != NULL && last->code == VIR_ERR_NO_NETWORK)
            {
              g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("There is no virtual network named “%s”."), printable (source));
              virResetLastError ();
            }
          else
            vireo_libvirt_set_error (error, _("Could not look up the network “%s”."), printable (source));
          return FALSE;
        }
      if (virNetworkIsActive (net) == 0 && virNetworkCreate (net) < 0)
        {
          vireo_libvirt_set_error (error, _("Could not start the network “%s”."), source);
          return FALSE;
        }
      return TRUE;
    }

  /* A host bridge or interface, in the helper's network namespace (the host's). */
  {
    g_autofree char *dir = NULL;
    g_autofree char *bridge_dir = NULL;

    if (!valid_ifname (source))
      {
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                     _("“%s” cannot name a host interface."), printable (source));
        return FALSE;
      }
    dir = g_build_filename ("/sys/class/net", source, NULL);
    bridge_dir = g_build_filename (dir, "bridge", NULL);
    if (g_str_equal (type, "bridge") && !g_file_test (bridge_dir, G_FILE_TEST_IS_DIR))
      {
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                     g_file_test (dir, G_FILE_TEST_EXISTS) ? _("The host interface “%s” is not a bridge.")
                                                          : _("There is no bridge named “%s” on this computer."),
                     source);
        return FALSE;
      }
    if (!g_file_test (dir, G_FILE_TEST_EXISTS))
      {
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                     _("There is no network interface named “%s” on this computer."), source);
        return FALSE;
      }
  }
  return TRUE;
}

static gboolean
is_no_support (void)
{
  virErrorPtr last = virGetLastError ();

  return last != NULL && last->code == VIR_ERR_NO_SUPPORT;
}

/* The definition changed by editing its XML and defining it again: for drivers that cannot
 * attach, detach or update a device in the definition (libvirt's test driver). */
static gboolean
redefine (VireoCall         *call,
          const char        *config_xml,
          const NicRequest  *req,
          GError           **error)
{
  g_autofree char *text = NULL;
  g_autoptr(virDomain) defined = NULL;
  xmlDocPtr doc;
  xmlNodePtr iface;

  doc = parse_xml (config_xml, error);
  if (doc == NULL)
    return FALSE;
  iface = find_interface (doc, req->mac);

  switch (req->op)
    {
    case NIC_ADD:
      {
        xmlNodePtr root = xmlDocGetRootElement (doc);
        xmlNodePtr devices = ensure_child (root, "devices");
        xmlNodePtr added = xmlNewChild (devices, NULL, BAD_CAST "interface", NULL);
        NicRequest full = *req;

        if (full.link < 0)
          full.link = 1;
        apply_request (added, &full);
      }
      break;
    case NIC_REMOVE:
      g_assert (iface != NULL);
      xmlUnlinkNode (iface);
      xmlFreeNode (iface);
      break;
    case NIC_UPDATE:
      g_assert (iface != NULL);
      apply_request (iface, req);
      break;
    default:
      g_assert_not_reached ();
    }

  text = doc_to_string (doc);
  xmlFreeDoc (doc);
  defined = virDomainDefineXML (call->conn, text);
  if (defined == NULL)
    {
      vireo_libvirt_set_error (error, _("Could not change the definition of “%s”."), call->name);
      return FALSE;
    }
  return TRUE;
}

/* One libvirt call for @req with @flags. */
static int
device_call (virDomainPtr      dom,
             const NicRequest *req,
             const char       *device_xml,
             unsigned int      flags)
{
  switch (req->op)
    {
    case NIC_ADD:
      return virDomainAttachDeviceFlags (dom, device_xml, flags);
    case NIC_REMOVE:
      return virDomainDetachDeviceFlags (dom, device_xml, flags);
    case NIC_UPDATE:
      return virDomainUpdateDeviceFlags (dom, device_xml, flags);
    default:
      g_assert_not_reached ();
    }
}

/* The interface's element for the libvirt call: the new one, or the present one changed. */
static char *
device_xml_for (const NicRequest  *req,
                const char        *xml,
                GError           **error)
{
  xmlDocPtr doc;
  xmlNodePtr iface;
  char *text;

  if (req->op == NIC_ADD)
    return new_interface_xml (req);

  doc = parse_xml (xml, error);
  if (doc == NULL)
    return NULL;
  iface = find_interface (doc, req->mac);
  g_assert (iface != NULL);
  if (req->op == NIC_UPDATE)
    apply_request (iface, req);
  text = node_to_string (doc, iface);
  xmlFreeDoc (doc);
  return text;
}

static const char *const failures[] = {
  [NIC_ADD] = N_("Could not add the network interface to “%s”."),
  [NIC_REMOVE] = N_("Could not remove the network interface from “%s”."),
  [NIC_UPDATE] = N_("Could not change the network interface of “%s”."),
};

static gboolean
nic_func (VireoCall  *call,
          GError    **error)
{
  NicRequest *req = call->data;
  g_autoptr(virDomain) dom = NULL;
  g_auto(DomainXml) xml = { NULL, NULL };
  g_autoptr(VireoDomainFacts) current = NULL;
  g_autofree char *device_xml = NULL;
  g_autofree char *after_live = NULL;
  const char *base;
  gboolean live_done = FALSE;
  gboolean live_wanted;
  gboolean in_config;

  dom = _vireo_call_lookup_domain (call, error);
  if (dom == NULL || !read_domain_xml (call, dom, &xml, error))
    return FALSE;
  live_wanted = xml.live_xml != NULL;
  /* The element to start from: the running guest's (a live change needs its address), else
   * the definition's. */
  base = xml.live_xml != NULL ? xml.live_xml : xml.config_xml;
  /* Whether the definition has the interface, or will: AddNic adds it to both. */
  in_config = xml.config_xml != NULL;

  if (req->op == NIC_ADD)
    {
      if (req->mac != NULL && (xml_has_mac (xml.live_xml, req->mac) || xml_has_mac (xml.config_xml, req->mac)))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("“%s” already has an interface with the MAC address %s."), call->name, req->mac);
          return FALSE;
        }
      /* Made up here rather than by libvirt, so that the answer can name it: QEMU's prefix,
       * as libvirt's own. */
      while (req->mac == NULL)
        {
          guint32 r = g_random_int ();

          req->mac = g_strdup_printf ("52:54:00:%02x:%02x:%02x", (r >> 16) & 0xff, (r >> 8) & 0xff, r & 0xff);
          if (xml_has_mac (xml.live_xml, req->mac) || xml_has_mac (xml.config_xml, req->mac))
            g_clear_pointer (&req->mac, g_free);
        }
      if (req->model == NULL)
        req->model = g_strdup (vireo_machine_spec_nic_model (req->os_named, req->os_devices));
    }
  else
    {
      /* Known to the running guest or to the definition: either will do. */
      gboolean in_live = xml_has_mac (xml.live_xml, req->mac);

      in_config = xml_has_mac (xml.config_xml, req->mac);

      if (!in_live && !in_config)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND,
                       _("“%s” has no network interface with the MAC address %s."), call->name, req->mac);
          return FALSE;
        }
      if (!in_live)
        {
          /* Only in the definition (added for the next boot): change that alone. */
          live_wanted = FALSE;
          base = xml.config_xml;
        }
    }

  /* The source that will be in use, checked (and a network started) before any change. */
  if (req->op != NIC_REMOVE)
    {
      current = vireo_domain_facts_new_from_xml (base, error);
      if (current == NULL)
        return FALSE;
      if (req->op == NIC_UPDATE)
        {
          VireoNicFacts *nic = NULL;

          for (guint i = 0; i < current->nics->len && nic == NULL; i++)
            if (g_ascii_strcasecmp (((VireoNicFacts *) g_ptr_array_index (current->nics, i))->mac, req->mac) == 0)
              nic = g_ptr_array_index (current->nics, i);
          g_assert (nic != NULL);
          /* A new type needs its own source. */
          if (req->type != NULL && !g_str_equal (req->type, nic->type) && req->source == NULL
              && !g_str_equal (req->type, "user"))
            {
              g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("An interface that becomes of type “%s” needs a source as well."), req->type);
              return FALSE;
            }
          if (req->source != NULL && req->type == NULL && g_str_equal (nic->type, "user"))
            {
              g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                                   _("A user-mode interface has no source."));
              return FALSE;
            }
          if (!check_source (call, req->type != NULL ? req->type : nic->type,
                             req->source != NULL ? req->source : (nic->source[0] != '\0' ? nic->source : NULL), error))
            return FALSE;
        }
      else if (!check_source (call, req->type, req->source, error))
        return FALSE;
    }

  /* A new model cannot change under a running guest: the definition alone. */
  if (req->op == NIC_UPDATE && req->model != NULL && live_wanted)
    {
      g_autoptr(VireoDomainFacts) live = vireo_domain_facts_new_from_xml (xml.live_xml, NULL);

      for (guint i = 0; live != NULL && i < live->nics->len; i++)
        {
          VireoNicFacts *nic = g_ptr_array_index (live->nics, i);

          if (g_ascii_strcasecmp (nic->mac, req->mac) == 0 && !g_str_equal (nic->model, req->model))
            live_wanted = FALSE;
        }
      if (!live_wanted && !in_config)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                       _("The model of this interface of “%s” cannot change: only the running guest has it, "
                         "and a model cannot change while it runs."), call->name);
          return FALSE;
        }
      if (!live_wanted)
        base = xml.config_xml;
    }

  if (!live_wanted && xml.config_xml == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                   _("“%s” is a transient machine: its interface cannot change while it runs."), call->name);
      return FALSE;
    }

  device_xml = device_xml_for (req, base, error);
  if (device_xml == NULL)
    return FALSE;

  if (live_wanted)
    {
      /* An interface hot-plugged into the running guest alone is changed there alone. */
      unsigned int flags = VIR_DOMAIN_AFFECT_LIVE | (in_config ? VIR_DOMAIN_AFFECT_CONFIG : 0);

      if (device_call (dom, req, device_xml, flags) == 0)
        live_done = TRUE;
      else if (!in_config)
        {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          vireo_libvirt_set_error (error, _(failures[req->op]), call->name);
#pragma GCC diagnostic pop
          return FALSE;
        }
      else
        {
          /* The guest cannot take it now (no free slot, a change QEMU cannot make live):
           * the definition alone, for the next boot. */
          virErrorPtr last = virGetLastError ();

          g_message ("%s: live change refused (%s); changing the definition only", call->name,
                     last != NULL && last->message != NULL ? last->message : "?");
          virResetLastError ();
          if (req->op != NIC_ADD)
            {
              g_free (device_xml);
              device_xml = device_xml_for (req, xml.config_xml, error);
              if (device_xml == NULL)
                return FALSE;
            }
        }
    }

  if (!live_done)
    {
      if (device_call (dom, req, device_xml, VIR_DOMAIN_AFFECT_CONFIG) < 0)
        {
          if (!is_no_support ())
            {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
              vireo_libvirt_set_error (error, _(failures[req->op]), call->name);
#pragma GCC diagnostic pop
              return FALSE;
            }
          virResetLastError ();
          if (!redefine (call, xml.config_xml, req, error))
            return FALSE;
        }
    }

  /* What is true now: read back, not assumed. A guest that has not let go of an unplugged
   * interface still has it; a running guest that took the change has it now. */
  /* What the Machine shows afterwards: a live link or source change sends no event. */
  call->out_facts = vireo_domain_facts_fetch (call->conn, dom, NULL);
  virResetLastError ();

  if (!live_done)
    {
      req->when = "next-boot";
      return TRUE;
    }
  after_live = virDomainGetXMLDesc (dom, 0);
  virResetLastError ();
  switch (req->op)
    {
    case NIC_ADD:
      req->when = after_live != NULL && xml_has_mac (after_live, req->mac) ? "now" : "next-boot";
      break;
    case NIC_REMOVE:
      req->when = after_live != NULL && !xml_has_mac (after_live, req->mac) ? "now" : "next-boot";
      break;
    case NIC_UPDATE:
      req->when = after_live != NULL && xml_nic_matches (after_live, req) ? "now" : "next-boot";
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static void
nic_done (VireoCall *call)
{
  NicRequest *req = call->data;
  VireoMirror *mirror = _vireo_daemon_get_mirror (call->daemon);

  /* The properties first, then the answer; and a read afterwards, in case an older read
   * overtook this one (vireo_mirror_apply() keeps the newest asked for). */
  if (call->out_facts != NULL)
    vireo_mirror_apply (mirror, call->uuid, call->out_facts, call->seq);
  vireo_mirror_refresh (mirror, call->uuid);

  switch (req->op)
    {
    case NIC_ADD:
      vireo_dbus_machine_complete_add_nic (call->object, g_steal_pointer (&call->invocation), req->mac, req->when);
      break;
    case NIC_REMOVE:
      vireo_dbus_machine_complete_remove_nic (call->object, g_steal_pointer (&call->invocation), req->when);
      break;
    case NIC_UPDATE:
      vireo_dbus_machine_complete_update_nic (call->object, g_steal_pointer (&call->invocation), req->when);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
run_nic_call (VireoDaemonMachine    *self,
              GDBusMethodInvocation *invocation,
              GVariant              *options,
              NicRequest            *req)
{
  static const VireoOptionSpec no_options[] = { { NULL } };
  VireoCall *call = _vireo_daemon_machine_begin_call (self, invocation, options, no_options, nic_func);

  if (call == NULL)
    {
      nic_request_free (req);
      return;
    }
  call->data = req;
  call->data_free = nic_request_free;
  call->done = nic_done;
  _vireo_call_run (call);
}

/* AddNic waits for the system's drivers (libosinfo's database is read once, in a thread)
 * when it has to pick the model. */
typedef struct {
  VireoDaemonMachine    *self;
  GDBusMethodInvocation *invocation;
  GVariant              *options;
  NicRequest            *req;
} AddWait;

static void
os_devices_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AddWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  /* An unknown system: the hypervisor's default model, as CreateMachine would pick. */
  if (!_vireo_daemon_get_os_devices_finish (VIREO_DAEMON (source), result, &wait->req->os_devices, &error))
    g_debug ("No drivers known for the system: %s", error->message);
  run_nic_call (wait->self, wait->invocation, wait->options, wait->req);
  g_object_unref (wait->self);
  g_variant_unref (wait->options);
  g_free (wait);
}

gboolean
_vireo_daemon_nic_handle_add (VireoDaemonMachine    *self,
                              VireoDaemon           *daemon,
                              GDBusMethodInvocation *invocation,
                              GVariant              *spec,
                              GVariant              *options)
{
  NicRequest *req = g_new0 (NicRequest, 1);
  g_autoptr(GError) error = NULL;
  const char *os_id = vireo_dbus_machine_get_os_id (VIREO_DBUS_MACHINE (self));
  AddWait *wait;

  req->op = NIC_ADD;
  if (!parse_spec (spec, req, &error))
    {
      nic_request_free (req);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  req->os_named = os_id != NULL && os_id[0] != '\0';
  if (req->model != NULL || !req->os_named)
    {
      run_nic_call (self, invocation, options, req);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  wait = g_new0 (AddWait, 1);
  wait->self = g_object_ref (self);
  wait->invocation = invocation;
  wait->options = g_variant_ref (options);
  wait->req = req;
  _vireo_daemon_get_os_devices_async (daemon, os_id, os_devices_cb, wait);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
_vireo_daemon_nic_handle_remove (VireoDaemonMachine    *self,
                                 GDBusMethodInvocation *invocation,
                                 const char            *mac,
                                 GVariant              *options)
{
  NicRequest *req = g_new0 (NicRequest, 1);
  g_autoptr(GError) error = NULL;

  req->op = NIC_REMOVE;
  req->link = -1;
  if (!normalize_mac (mac, &req->mac, &error))
    {
      nic_request_free (req);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  run_nic_call (self, invocation, options, req);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
_vireo_daemon_nic_handle_update (VireoDaemonMachine    *self,
                                 GDBusMethodInvocation *invocation,
                                 const char            *mac,
                                 GVariant              *changes,
                                 GVariant              *options)
{
  NicRequest *req = g_new0 (NicRequest, 1);
  g_autoptr(GError) error = NULL;

  req->op = NIC_UPDATE;
  if (!normalize_mac (mac, &req->mac, &error) || !parse_spec (changes, req, &error))
    {
      nic_request_free (req);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  run_nic_call (self, invocation, options, req);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}
