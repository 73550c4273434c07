/* vireo-bridge.c
 *
 * CreateBridge and DeleteBridge. Through netlink: the bridge is made with the first port's
 * MAC address, the ports are enslaved, their addresses and routes (link-local ones and the
 * kernel's own aside) move to the bridge, and the bridge comes up; anything failing, or the
 * bridge not up with the addresses within 30 s, puts everything back. Through NetworkManager
 * when it manages the first port: a bridge connection (with the port's IP settings) and a
 * bridge-slave connection are added and activated; the port's own connection is deactivated
 * by that and kept.
 *
 * Before changing anything, what was there is written to <state dir>/bridges/<name>.json:
 * undoing (rollback and DeleteBridge alike) works from that record.
 *
 * Runs in worker threads: everything here blocks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-bridge"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/socket.h>

#include "vireo-bridge.h"
#include "vireo-host-interfaces.h"
#include "vireo.h"

#define SYS_CLASS_NET    "/sys/class/net"
#define UP_TIMEOUT_US    (30 * G_USEC_PER_SEC)
#define POLL_US          (100 * 1000)
#define NM_NAME          "org.freedesktop.NetworkManager"
#define NM_PATH          "/org/freedesktop/NetworkManager"
#define NM_SETTINGS_PATH "/org/freedesktop/NetworkManager/Settings"
#define NM_CALL_TIMEOUT  30000

/* <state dir>/bridges; set once, at start (--state-dir), before any thread reads it. */
static char *bridges_dir;

void
vireo_bridge_set_state_dir (const char *dir)
{
  g_clear_pointer (&bridges_dir, g_free);
  if (dir != NULL)
    bridges_dir = g_build_filename (dir, "bridges", NULL);
}

const char *
vireo_bridge_get_bridges_dir (void)
{
  return bridges_dir != NULL ? bridges_dir : VIREO_STATE_DIR_DEFAULT "/bridges";
}

static char *
record_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);

  return g_build_filename (vireo_bridge_get_bridges_dir (), file, NULL);
}

/* The record */

static void
bridge_port_free (VireoBridgePort *port)
{
  g_free (port->name);
  g_free (port->mac);
  g_clear_pointer (&port->addrs, g_ptr_array_unref);
  g_clear_pointer (&port->routes, g_ptr_array_unref);
  g_free (port->nm_connection);
  g_free (port->nm_port_connection);
  g_free (port);
}

static VireoBridgePort *
bridge_port_new (const char *name)
{
  VireoBridgePort *port = g_new0 (VireoBridgePort, 1);

  port->name = g_strdup (name);
  port->addrs = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_addr_info_free);
  port->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_route_info_free);
  return port;
}

void
vireo_bridge_record_free (VireoBridgeRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->name);
  g_free (record->method);
  g_clear_pointer (&record->ports, g_ptr_array_unref);
  g_free (record->nm_connection);
  g_free (record);
}

static VireoBridgeRecord *
record_new (const char *name,
            const char *method)
{
  VireoBridgeRecord *record = g_new0 (VireoBridgeRecord, 1);

  record->name = g_strdup (name);
  record->method = g_strdup (method);
  record->forward_delay = -1;
  record->ports = g_ptr_array_new_with_free_func ((GDestroyNotify) bridge_port_free);
  return record;
}

static const char *
family_name (int family)
{
  return family == AF_INET ? "inet" : "inet6";
}

static void
member_string (JsonBuilder *builder,
               const char  *name,
               const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
member_int (JsonBuilder *builder,
            const char  *name,
            gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

char *
vireo_bridge_record_to_json (VireoBridgeRecord *record)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  member_int (builder, "version", 1);
  member_string (builder, "name", record->name);
  member_string (builder, "method", record->method);
  json_builder_set_member_name (builder, "stp");
  json_builder_add_boolean_value (builder, record->stp);
  member_int (builder, "forward-delay", record->forward_delay);
  member_string (builder, "nm-connection", record->nm_connection);
  json_builder_set_member_name (builder, "ports");
  json_builder_begin_array (builder);
  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);

      json_builder_begin_object (builder);
      member_string (builder, "name", port->name);
      member_string (builder, "mac", port->mac);
      json_builder_set_member_name (builder, "was-up");
      json_builder_add_boolean_value (builder, port->was_up);
      member_string (builder, "nm-connection", port->nm_connection);
      member_string (builder, "nm-port-connection", port->nm_port_connection);
      json_builder_set_member_name (builder, "addresses");
      json_builder_begin_array (builder);
      for (guint a = 0; a < port->addrs->len; a++)
        {
          VireoAddrInfo *addr = g_ptr_array_index (port->addrs, a);

          json_builder_begin_object (builder);
          member_string (builder, "family", family_name (addr->family));
          member_string (builder, "local", addr->local);
          member_string (builder, "address", addr->address);
          member_int (builder, "prefixlen", addr->prefixlen);
          member_int (builder, "flags", addr->flags);
          member_int (builder, "scope", addr->scope);
          member_string (builder, "broadcast", addr->broadcast);
          member_string (builder, "label", addr->label);
          member_int (builder, "valid-lft", addr->valid_lft);
          member_int (builder, "preferred-lft", addr->preferred_lft);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "routes");
      json_builder_begin_array (builder);
      for (guint r = 0; r < port->routes->len; r++)
        {
          VireoRouteInfo *route = g_ptr_array_index (port->routes, r);

          json_builder_begin_object (builder);
          member_string (builder, "family", family_name (route->family));
          member_string (builder, "dst", route->dst);
          member_int (builder, "dst-len", route->dst_len);
          member_string (builder, "gateway", route->gateway);
          member_string (builder, "prefsrc", route->prefsrc);
          member_int (builder, "metric", route->priority);
          member_int (builder, "protocol", route->protocol);
          member_int (builder, "scope", route->scope);
          member_int (builder, "type", route->type);
          member_int (builder, "table", route->table);
          member_int (builder, "tos", route->tos);
          member_int (builder, "flags", route->flags);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gint64
get_int (JsonObject *object,
         const char *name,
         gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static gboolean
get_boolean (JsonObject *object,
             const char *name,
             gboolean    fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* The @i-th element of @array when it is an object, else NULL. */
static JsonObject *
object_element (JsonArray *array,
                guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static int
parse_family (JsonObject *object)
{
  g_autofree char *family = get_string (object, "family");

  if (g_strcmp0 (family, "inet") == 0)
    return AF_INET;
  if (g_strcmp0 (family, "inet6") == 0)
    return AF_INET6;
  return -1;
}

VireoBridgeRecord *
vireo_bridge_record_from_json (const char  *json,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VireoBridgeRecord) record = NULL;
  g_autofree char *name = NULL;
  g_autofree char *method = NULL;
  JsonObject *root;
  JsonArray *ports;

  if (!json_parser_load_from_data (parser, json, -1, NULL) || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto bad;
  root = json_node_get_object (json_parser_get_root (parser));
  name = get_string (root, "name");
  method = get_string (root, "method");
  ports = get_array (root, "ports");
  if (get_int (root, "version", 0) != 1 || name == NULL || ports == NULL
      || (g_strcmp0 (method, "netlink") != 0 && g_strcmp0 (method, "networkmanager") != 0))
    goto bad;

  record = record_new (name, method);
  record->stp = get_boolean (root, "stp", FALSE);
  record->forward_delay = get_int (root, "forward-delay", -1);
  record->nm_connection = get_string (root, "nm-connection");
  for (guint i = 0; i < json_array_get_length (ports); i++)
    {
      JsonObject *p = object_element (ports, i);
      g_autofree char *port_name = p != NULL ? get_string (p, "name") : NULL;
      VireoBridgePort *port;
      JsonArray *list;

      if (port_name == NULL)
        goto bad;
      port = bridge_port_new (port_name);
      g_ptr_array_add (record->ports, port);
      port->mac = get_string (p, "mac");
      port->was_up = get_boolean (p, "was-up", TRUE);
      port->nm_connection = get_string (p, "nm-connection");
      port->nm_port_connection = get_string (p, "nm-port-connection");
      list = get_array (p, "addresses");
      for (guint a = 0; list != NULL && a < json_array_get_length (list); a++)
        {
          JsonObject *o = object_element (list, a);
          VireoAddrInfo *addr;

          if (o == NULL || parse_family (o) < 0)
            goto bad;
          addr = g_new0 (VireoAddrInfo, 1);
          g_ptr_array_add (port->addrs, addr);
          addr->family = parse_family (o);
          addr->local = get_string (o, "local");
          addr->address = get_string (o, "address");
          addr->prefixlen = get_int (o, "prefixlen", 0);
          addr->flags = get_int (o, "flags", 0);
          addr->scope = get_int (o, "scope", RT_SCOPE_UNIVERSE);
          addr->broadcast = get_string (o, "broadcast");
          addr->label = get_string (o, "label");
          addr->valid_lft = get_int (o, "valid-lft", G_MAXUINT32);
          addr->preferred_lft = get_int (o, "preferred-lft", G_MAXUINT32);
          if (addr->address == NULL)
            goto bad;
        }
      list = get_array (p, "routes");
      for (guint r = 0; list != NULL && r < json_array_get_length (list); r++)
        {
          JsonObject *o = object_element (list, r);
          VireoRouteInfo *route;

          if (o == NULL || parse_family (o) < 0)
            goto bad;
          route = g_new0 (VireoRouteInfo, 1);
          g_ptr_array_add (port->routes, route);
          route->family = parse_family (o);
          route->dst = get_string (o, "dst");
          route->dst_len = get_int (o, "dst-len", 0);
          route->gateway = get_string (o, "gateway");
          route->prefsrc = get_string (o, "prefsrc");
          route->priority = get_int (o, "metric", 0);
          route->protocol = get_int (o, "protocol", RTPROT_BOOT);
          route->scope = get_int (o, "scope", RT_SCOPE_UNIVERSE);
          route->type = get_int (o, "type", RTN_UNICAST);
          route->table = get_int (o, "table", RT_TABLE_MAIN);
          route->tos = get_int (o, "tos", 0);
          route->flags = get_int (o, "flags", 0);
        }
    }
  return g_steal_pointer (&record);

bad:
  g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("Vireo’s record of the bridge cannot be read."));
  return NULL;
}

static gboolean
record_save (VireoBridgeRecord  *record,
             GError            **error)
{
  g_autofree char *path = record_path (record->name);
  g_autofree char *json = vireo_bridge_record_to_json (record);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (vireo_bridge_get_bridges_dir (), 0755) < 0
      || !g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                    0644, &local_error))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("Vireo could not keep its record of the bridge in %s: %s"),
                   path, local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static VireoBridgeRecord *
record_load (const char  *name,
             GError     **error)
{
  g_autofree char *path = record_path (name);
  g_autofree char *json = NULL;

  if (!g_file_get_contents (path, &json, NULL, NULL))
    return NULL;
  return vireo_bridge_record_from_json (json, error);
}

/* Checks */

gboolean
vireo_bridge_check_name (const char  *name,
                         GError     **error)
{
  gsize len = strlen (name);

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      len = 0;
  if (len == 0 || len > 15 || g_str_equal (name, ".") || g_str_equal (name, ".."))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot name a bridge: use 1 to 15 letters, digits, “-”, “_” and “.”."),
                   g_utf8_validate (name, -1, NULL) ? name : "?");
      return FALSE;
    }
  return TRUE;
}

/**
 * vireo_bridge_check_request:
 * @ports: CreateBridge's as
 * @options: its a{sv}
 *
 * The checks that need no look at the host: ports named, once each, options known.
 */
gboolean
vireo_bridge_check_request (GVariant  *ports,
                            GVariant  *options,
                            gboolean  *stp,
                            int       *forward_delay,
                            GError   **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const char *key, *port;
  GVariant *value;

  if (g_variant_n_children (ports) == 0)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, _("A bridge needs at least one port."));
      return FALSE;
    }
  g_variant_iter_init (&iter, ports);
  while (g_variant_iter_next (&iter, "&s", &port))
    {
      if (!g_hash_table_add (seen, (gpointer) port))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, _("The port %s is named twice."),
                       g_utf8_validate (port, -1, NULL) ? port : "?");
          return FALSE;
        }
    }

  *stp = FALSE;
  *forward_delay = -1;
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;

      if (g_str_equal (key, "stp") && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        *stp = g_variant_get_boolean (value);
      else if (g_str_equal (key, "forward-delay") && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32)
               && g_variant_get_uint32 (value) <= 30)
        *forward_delay = (int) g_variant_get_uint32 (value);
      else if (g_str_equal (key, "stp") || g_str_equal (key, "forward-delay"))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       g_str_equal (key, "stp") ? _("“stp” must be a boolean.")
                                                : _("“forward-delay” must be a number of seconds (u) from 0 to 30."));
          return FALSE;
        }
      else
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, _("Unknown option “%s”."),
                       g_utf8_validate (key, -1, NULL) ? key : "?");
          return FALSE;
        }
    }
  /* Without STP the kernel takes any delay; the contract's default is none. With STP, the
   * kernel's own default (15 s) stands unless asked otherwise (it refuses less than 2). */
  if (!*stp && *forward_delay < 0)
    *forward_delay = 0;
  if (*stp && *forward_delay >= 0 && *forward_delay < 2)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("With STP, the forward delay is at least 2 seconds."));
      return FALSE;
    }
  return TRUE;
}

void
vireo_bridge_request_free (VireoBridgeRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->name);
  g_strfreev (request->ports);
  g_clear_pointer (&request->libvirt_bridges, g_hash_table_unref);
  g_clear_object (&request->bus);
  g_free (request);
}

/* Fault injection for the sandboxed tests only (tests/sandbox/test-bridge.py): when the
 * helper runs in the sandbox (VIREO_SANDBOX=1) and VIREO_TEST_BRIDGE_FAIL_FILE names a file
 * holding a step (after-create, after-enslave, after-addresses or wait), CreateBridge fails
 * at that step, so that its rollback can be seen. Ignored everywhere else. */
static gboolean
fault (const char  *step,
       GError     **error)
{
  const char *file = g_getenv ("VIREO_TEST_BRIDGE_FAIL_FILE");
  g_autofree char *fail = NULL;

  if (g_strcmp0 (g_getenv ("VIREO_SANDBOX"), "1") != 0 || file == NULL
      || !g_file_get_contents (file, &fail, NULL, NULL) || !g_str_equal (g_strstrip (fail), step))
    return FALSE;
  g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "Test fault injected: %s", step);
  return TRUE;
}

static gboolean
netlink_failed (int          r,
                GError     **error,
                const char  *format,
                ...) G_GNUC_PRINTF (3, 4);

static gboolean
netlink_failed (int          r,
                GError     **error,
                const char  *format,
                ...)
{
  g_autofree char *what = NULL;
  va_list args;

  if (r == 0)
    return FALSE;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, "%s: %s", what, g_strerror (-r));
  return TRUE;
}

/* What moves: addresses but link-local ones (and IPv6's temporary ones, which the kernel
 * makes again); routes of the port but the kernel's own (made again with the addresses) and
 * router advertisements'. */
static gboolean
address_moves (VireoAddrInfo *addr)
{
  return addr->scope != RT_SCOPE_LINK && addr->scope != RT_SCOPE_HOST && (addr->flags & IFA_F_TEMPORARY) == 0;
}

static gboolean
route_moves (VireoRouteInfo *route)
{
  return route->table != RT_TABLE_LOCAL && route->protocol != RTPROT_KERNEL && route->protocol != RTPROT_RA
         && route->type == RTN_UNICAST
         && !(route->family == AF_INET6 && route->dst != NULL && g_str_has_prefix (route->dst, "fe80:"));
}

static gboolean
ok_or_exists (int r)
{
  return r == 0 || r == -EEXIST;
}

static gboolean
ok_or_gone (int r)
{
  return r == 0 || r == -ESRCH || r == -ENOENT || r == -EADDRNOTAVAIL || r == -ENODEV;
}

/* Undoing, from the record: the bridge removed (its ports leave it), each port as it was,
 * with its addresses and routes. Idempotent: it also finishes an undo cut short. Returns
 * FALSE with @error naming the first step that failed; every step is still tried. */
static gboolean
netlink_undo (VireoNetlink       *nl,
              VireoBridgeRecord  *record,
              GError            **error)
{
  g_autoptr(VireoLinkInfo) bridge = vireo_netlink_link (nl, record->name, NULL);
  g_autoptr(GError) first = NULL;
  int r;

  if (bridge != NULL && (r = vireo_netlink_link_delete (nl, bridge->index)) != 0 && first == NULL)
    netlink_failed (r, &first, _("The bridge %s could not be removed"), record->name);

  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);
      g_autoptr(VireoLinkInfo) link = vireo_netlink_link (nl, port->name, NULL);

      if (link == NULL)
        {
          if (first == NULL)
            g_set_error (&first, VIREO_ERROR, VIREO_ERROR_FAILED, _("The port %s is gone."), port->name);
          continue;
        }
      if (link->master != 0 && bridge != NULL && link->master == bridge->index)
        vireo_netlink_link_set (nl, link->index, 0, -1);
      r = vireo_netlink_link_set (nl, link->index, -1, port->was_up ? 1 : 0);
      if (r != 0 && first == NULL)
        netlink_failed (r, &first, _("%s could not be brought back up"), port->name);
      for (guint a = 0; a < port->addrs->len; a++)
        {
          VireoAddrInfo *addr = g_ptr_array_index (port->addrs, a);

          r = vireo_netlink_addr (nl, TRUE, link->index, addr);
          if (!ok_or_exists (r) && first == NULL)
            netlink_failed (r, &first, _("The address %s/%u could not be given back to %s"), addr->address,
                            addr->prefixlen, port->name);
        }
      for (guint n = 0; n < port->routes->len; n++)
        {
          VireoRouteInfo *route = g_ptr_array_index (port->routes, n);

          r = vireo_netlink_route (nl, TRUE, link->index, route);
          if (!ok_or_exists (r) && first == NULL)
            netlink_failed (r, &first, _("The route to %s/%u could not be given back to %s"),
                            route->dst != NULL ? route->dst : "default", route->dst_len, port->name);
        }
    }
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}

static gboolean
bridge_is_ready (VireoNetlink      *nl,
                 VireoBridgeRecord *record)
{
  g_autoptr(VireoLinkInfo) bridge = vireo_netlink_link (nl, record->name, NULL);
  g_autoptr(GPtrArray) addrs = NULL;

  if (bridge == NULL || (bridge->flags & IFF_UP) == 0 || (addrs = vireo_netlink_addrs (nl, bridge->index, NULL)) == NULL)
    return FALSE;
  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);
      g_autoptr(VireoLinkInfo) link = vireo_netlink_link (nl, port->name, NULL);

      if (link == NULL || link->master != bridge->index)
        return FALSE;

      for (guint a = 0; a < port->addrs->len; a++)
        {
          VireoAddrInfo *want = g_ptr_array_index (port->addrs, a);
          gboolean found = FALSE;

          for (guint h = 0; h < addrs->len && !found; h++)
            {
              VireoAddrInfo *have = g_ptr_array_index (addrs, h);

              found = have->family == want->family && have->prefixlen == want->prefixlen
                      && g_strcmp0 (have->address, want->address) == 0;
            }
          if (!found)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
wait_ready (VireoNetlink       *nl,
            VireoBridgeRecord  *record,
            GError            **error)
{
  gint64 deadline = g_get_monotonic_time () + UP_TIMEOUT_US;

  if (fault ("wait", error))
    return FALSE;
  while (!bridge_is_ready (nl, record))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                       _("The bridge %s was not up with its addresses after 30 seconds."), record->name);
          return FALSE;
        }
      g_usleep (POLL_US);
    }
  return TRUE;
}

static gboolean
netlink_create (VireoNetlink       *nl,
                VireoBridgeRecord  *record,
                GError            **error)
{
  VireoBridgePort *first = g_ptr_array_index (record->ports, 0);
  g_autoptr(VireoLinkInfo) bridge = NULL;
  int r;

  r = vireo_netlink_bridge_add (nl, record->name, first->mac, record->stp, record->forward_delay);
  if (netlink_failed (r, error, _("The bridge %s could not be made"), record->name) || fault ("after-create", error))
    return FALSE;
  bridge = vireo_netlink_link (nl, record->name, error);
  if (bridge == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The bridge %s vanished as it was made."), record->name);
      return FALSE;
    }

  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);
      g_autoptr(VireoLinkInfo) link = vireo_netlink_link (nl, port->name, error);

      if (link == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("The port %s vanished."), port->name);
          return FALSE;
        }
      r = vireo_netlink_link_set (nl, link->index, bridge->index, 1);
      if (netlink_failed (r, error, _("%s could not be made a port of %s"), port->name, record->name)
          || fault ("after-enslave", error))
        return FALSE;
      for (guint n = 0; n < port->routes->len; n++)
        {
          r = vireo_netlink_route (nl, FALSE, link->index, g_ptr_array_index (port->routes, n));
          if (!ok_or_gone (r) && netlink_failed (r, error, _("A route could not be taken from %s"), port->name))
            return FALSE;
        }
      for (guint a = 0; a < port->addrs->len; a++)
        {
          VireoAddrInfo *addr = g_ptr_array_index (port->addrs, a);

          r = vireo_netlink_addr (nl, FALSE, link->index, addr);
          if (!ok_or_gone (r) && netlink_failed (r, error, _("The address %s could not be taken from %s"),
                                                 addr->address, port->name))
            return FALSE;
          r = vireo_netlink_addr (nl, TRUE, bridge->index, addr);
          if (netlink_failed (r, error, _("The address %s could not be given to %s"), addr->address, record->name))
            return FALSE;
        }
    }
  if (fault ("after-addresses", error))
    return FALSE;

  r = vireo_netlink_link_set (nl, bridge->index, -1, 1);
  if (netlink_failed (r, error, _("The bridge %s could not be brought up"), record->name))
    return FALSE;
  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);

      for (guint n = 0; n < port->routes->len; n++)
        {
          VireoRouteInfo *route = g_ptr_array_index (port->routes, n);

          r = vireo_netlink_route (nl, TRUE, bridge->index, route);
          if (!ok_or_exists (r)
              && netlink_failed (r, error, _("The route to %s/%u could not be given to %s"),
                                 route->dst != NULL ? route->dst : "default", route->dst_len, record->name))
            return FALSE;
        }
    }
  return wait_ready (nl, record, error);
}

/* NetworkManager */

static GVariant *
nm_call (GDBusConnection     *bus,
         const char          *path,
         const char          *interface,
         const char          *method,
         GVariant            *args,
         const GVariantType  *reply_type,
         GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (bus, NM_NAME, path, interface, method, args, reply_type,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, NM_CALL_TIMEOUT, NULL, &local_error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (local_error);
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("NetworkManager refused %s: %s"), method,
                   local_error->message);
    }
  return reply;
}

static GVariant *
nm_get (GDBusConnection  *bus,
        const char       *path,
        const char       *interface,
        const char       *property,
        GError          **error)
{
  g_autoptr(GVariant) reply = nm_call (bus, path, "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", interface, property), G_VARIANT_TYPE ("(v)"), error);
  GVariant *value = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(v)", &value);
  return value;
}

/* A copy of @settings' @group without the deprecated keys NetworkManager gives with the new
 * ones (address-data, route-data): both together are refused. */
static GVariant *
copy_ip_group (GVariant   *settings,
               const char *group)
{
  g_autoptr(GVariant) dict = g_variant_lookup_value (settings, group, G_VARIANT_TYPE ("a{sv}"));
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
  if (dict == NULL)
    {
      g_variant_builder_add (&builder, "{sv}", "method", g_variant_new_string ("auto"));
      return g_variant_builder_end (&builder);
    }
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (!g_str_equal (key, "addresses") && !g_str_equal (key, "routes"))
        g_variant_builder_add (&builder, "{sv}", key, value);
      g_variant_unref (value);
    }
  return g_variant_builder_end (&builder);
}

static char *
nm_add_connection (GDBusConnection  *bus,
                   GVariant         *settings,
                   GError          **error)
{
  g_autoptr(GVariant) reply = nm_call (bus, NM_SETTINGS_PATH, NM_NAME ".Settings", "AddConnection",
                                       g_variant_new_tuple (&settings, 1), G_VARIANT_TYPE ("(o)"), error);
  char *path = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(o)", &path);
  return path;
}

static gboolean
nm_activate (GDBusConnection  *bus,
             const char       *connection,
             const char       *device,
             GError          **error)
{
  g_autoptr(GVariant) reply = nm_call (bus, NM_PATH, NM_NAME, "ActivateConnection",
                                       g_variant_new ("(ooo)", connection, device != NULL ? device : "/", "/"),
                                       G_VARIANT_TYPE ("(o)"), error);

  return reply != NULL;
}

static void
nm_delete_connection (GDBusConnection *bus,
                      const char      *path,
                      GError         **error)
{
  g_autoptr(GVariant) reply = NULL;

  if (path == NULL)
    return;
  reply = nm_call (bus, path, NM_NAME ".Settings.Connection", "Delete", NULL, NULL, error);
}

static gboolean
nm_undo (GDBusConnection    *bus,
         VireoBridgeRecord  *record,
         GError            **error)
{
  g_autoptr(GError) first = NULL;

  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);

      nm_delete_connection (bus, port->nm_port_connection, first == NULL ? &first : NULL);
    }
  nm_delete_connection (bus, record->nm_connection, first == NULL ? &first : NULL);
  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);
      g_autofree char *device = NULL;

      if (port->nm_connection == NULL)
        continue;
      vireo_nm_device_managed (bus, port->name, &device);
      if (!nm_activate (bus, port->nm_connection, device, first == NULL ? &first : NULL))
        continue;
    }
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}

/* The port's active connection's settings, its path in @connection_path. */
static GVariant *
nm_port_settings (GDBusConnection  *bus,
                  const char       *device,
                  const char       *port_name,
                  char            **connection_path,
                  GError          **error)
{
  g_autoptr(GVariant) active = nm_get (bus, device, NM_NAME ".Device", "ActiveConnection", error);
  g_autoptr(GVariant) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariant *settings = NULL;

  if (active == NULL)
    return NULL;
  if (g_str_equal (g_variant_get_string (active, NULL), "/"))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_STATE,
                   _("NetworkManager manages %s but has no connection active on it."), port_name);
      return NULL;
    }
  connection = nm_get (bus, g_variant_get_string (active, NULL), NM_NAME ".Connection.Active", "Connection", error);
  if (connection == NULL)
    return NULL;
  reply = nm_call (bus, g_variant_get_string (connection, NULL), NM_NAME ".Settings.Connection", "GetSettings",
                   NULL, G_VARIANT_TYPE ("(a{sa{sv}})"), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(@a{sa{sv}})", &settings);
  *connection_path = g_variant_dup_string (connection, NULL);
  return settings;
}

static gboolean
nm_create (GDBusConnection    *bus,
           VireoNetlink       *nl,
           VireoBridgeRecord  *record,
           GError            **error)
{
  VireoBridgePort *first = g_ptr_array_index (record->ports, 0);
  g_autoptr(GVariant) port_settings = NULL;
  g_autofree char *device = NULL;
  g_autofree char *bridge_uuid = g_uuid_string_random ();
  g_autofree char *port_connection = NULL;
  GVariantBuilder settings, group;

  vireo_nm_device_managed (bus, first->name, &device);
  port_settings = nm_port_settings (bus, device, first->name, &port_connection, error);
  if (port_settings == NULL)
    return FALSE;
  first->nm_connection = g_steal_pointer (&port_connection);
  if (!record_save (record, error))
    return FALSE;

  g_variant_builder_init (&settings, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_init (&group, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&group, "{sv}", "id", g_variant_new_string (record->name));
  g_variant_builder_add (&group, "{sv}", "uuid", g_variant_new_string (bridge_uuid));
  g_variant_builder_add (&group, "{sv}", "type", g_variant_new_string ("bridge"));
  g_variant_builder_add (&group, "{sv}", "interface-name", g_variant_new_string (record->name));
  g_variant_builder_add (&settings, "{s@a{sv}}", "connection", g_variant_builder_end (&group));
  g_variant_builder_init (&group, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&group, "{sv}", "stp", g_variant_new_boolean (record->stp));
  if (record->forward_delay >= 0)
    g_variant_builder_add (&group, "{sv}", "forward-delay", g_variant_new_uint32 (record->forward_delay));
  if (first->mac != NULL)
    {
      guint b[6];
      guint8 mac[6];

      if (sscanf (first->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6)
        {
          for (int i = 0; i < 6; i++)
            mac[i] = b[i];
          g_variant_builder_add (&group, "{sv}", "mac-address",
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, mac, 6, 1));
        }
    }
  g_variant_builder_add (&settings, "{s@a{sv}}", "bridge", g_variant_builder_end (&group));
  g_variant_builder_add (&settings, "{s@a{sv}}", "ipv4", copy_ip_group (port_settings, "ipv4"));
  g_variant_builder_add (&settings, "{s@a{sv}}", "ipv6", copy_ip_group (port_settings, "ipv6"));
  record->nm_connection = nm_add_connection (bus, g_variant_builder_end (&settings), error);
  if (record->nm_connection == NULL || !record_save (record, error))
    return FALSE;

  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);
      g_autoptr(GVariant) own = NULL;
      g_autoptr(GVariant) own_connection = NULL;
      g_autoptr(GVariant) veth = NULL;
      g_autofree char *id = g_strdup_printf ("%s-port-%s", record->name, port->name);
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *port_device = NULL;
      const char *type = "802-3-ethernet";

      if (i > 0)
        {
          g_autofree char *path = NULL;

          vireo_nm_device_managed (bus, port->name, &port_device);
          own = port_device != NULL ? nm_port_settings (bus, port_device, port->name, &path, NULL) : NULL;
          port->nm_connection = g_steal_pointer (&path);
        }
      else
        own = g_variant_ref (port_settings);
      own_connection = own != NULL ? g_variant_lookup_value (own, "connection", G_VARIANT_TYPE ("a{sv}")) : NULL;
      if (own_connection != NULL)
        g_variant_lookup (own_connection, "type", "&s", &type);
      veth = own != NULL ? g_variant_lookup_value (own, "veth", G_VARIANT_TYPE ("a{sv}")) : NULL;

      g_variant_builder_init (&settings, G_VARIANT_TYPE ("a{sa{sv}}"));
      g_variant_builder_init (&group, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&group, "{sv}", "id", g_variant_new_string (id));
      g_variant_builder_add (&group, "{sv}", "uuid", g_variant_new_string (uuid));
      g_variant_builder_add (&group, "{sv}", "type", g_variant_new_string (type));
      g_variant_builder_add (&group, "{sv}", "interface-name", g_variant_new_string (port->name));
      g_variant_builder_add (&group, "{sv}", "master", g_variant_new_string (bridge_uuid));
      g_variant_builder_add (&group, "{sv}", "slave-type", g_variant_new_string ("bridge"));
      g_variant_builder_add (&settings, "{s@a{sv}}", "connection", g_variant_builder_end (&group));
      if (veth != NULL)
        g_variant_builder_add (&settings, "{s@a{sv}}", "veth", veth);
      port->nm_port_connection = nm_add_connection (bus, g_variant_builder_end (&settings), error);
      if (port->nm_port_connection == NULL || !record_save (record, error))
        return FALSE;
    }

  if (fault ("after-create", error) || !nm_activate (bus, record->nm_connection, NULL, error))
    return FALSE;
  for (guint i = 0; i < record->ports->len; i++)
    {
      VireoBridgePort *port = g_ptr_array_index (record->ports, i);
      g_autofree char *port_device = NULL;

      vireo_nm_device_managed (bus, port->name, &port_device);
      if (!nm_activate (bus, port->nm_port_connection, port_device, error))
        return FALSE;
    }
  if (fault ("after-enslave", error))
    return FALSE;
  return wait_ready (nl, record, error);
}

/* CreateBridge */

static gboolean
check_ports (VireoBridgeRequest  *request,
             GPtrArray           *interfaces,
             GError             **error)
{
  if (!vireo_bridge_check_name (request->name, error))
    return FALSE;
  /* Hidden interfaces (guests' taps) too. */
  if (if_nametoindex (request->name) != 0 || vireo_host_interfaces_find (interfaces, request->name) != NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS, _("There is already an interface named %s."),
                   request->name);
      return FALSE;
    }
  for (guint i = 0; request->ports[i] != NULL; i++)
    {
      const char *name = request->ports[i];
      VireoHostIfaceInfo *iface = vireo_host_interfaces_find (interfaces, name);

      if (!g_utf8_validate (name, -1, NULL))
        name = "?";
      if (g_str_equal (name, "lo"))
        {
          g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                               _("lo, the loopback interface, cannot be a port of a bridge."));
          return FALSE;
        }
      if (iface == NULL)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND, _("There is no interface named %s."), name);
          return FALSE;
        }
      if (!iface->bridgeable)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, "%s", iface->why_not);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * vireo_bridge_create:
 * @dry_run: check everything, change nothing, and say so (libvirt's test driver)
 */
gboolean
vireo_bridge_create (VireoBridgeRequest  *request,
                     gboolean             dry_run,
                     GError             **error)
{
  g_autoptr(VireoNetlink) nl = vireo_netlink_open (error);
  g_autoptr(GPtrArray) interfaces = NULL;
  g_autoptr(VireoBridgeRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) undo_error = NULL;
  g_autofree char *path = record_path (request->name);
  VireoHostIfaceInfo *first;
  gboolean through_nm, ok;

  if (nl == NULL)
    return FALSE;
  interfaces = vireo_host_interfaces_read (nl, SYS_CLASS_NET, request->libvirt_bridges, request->bus,
                                           vireo_bridge_get_bridges_dir (), error);
  if (interfaces == NULL || !check_ports (request, interfaces, error))
    return FALSE;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_EXISTS,
                   _("Vireo still keeps a record of a bridge named %s; delete that bridge first."), request->name);
      return FALSE;
    }
  if (dry_run)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                           _("With libvirt’s test driver, Vireo changes nothing on the host’s network."));
      return FALSE;
    }

  first = vireo_host_interfaces_find (interfaces, request->ports[0]);
  through_nm = first->networkmanager > 0;
  record = record_new (request->name, through_nm ? "networkmanager" : "netlink");
  record->stp = request->stp;
  record->forward_delay = request->forward_delay;
  for (guint i = 0; request->ports[i] != NULL; i++)
    {
      VireoHostIfaceInfo *iface = vireo_host_interfaces_find (interfaces, request->ports[i]);
      VireoBridgePort *port = bridge_port_new (iface->name);
      g_autoptr(GPtrArray) addrs = NULL;
      g_autoptr(GPtrArray) routes = NULL;

      g_ptr_array_add (record->ports, port);
      port->mac = g_strdup (iface->mac);
      port->was_up = iface->up;
      if ((addrs = vireo_netlink_addrs (nl, iface->index, error)) == NULL
          || (routes = vireo_netlink_routes (nl, iface->index, error)) == NULL)
        return FALSE;
      for (guint a = 0; a < addrs->len; a++)
        if (address_moves (g_ptr_array_index (addrs, a)))
          g_ptr_array_add (port->addrs, g_ptr_array_steal_index (addrs, a--));
      for (guint n = 0; n < routes->len; n++)
        if (route_moves (g_ptr_array_index (routes, n)))
          g_ptr_array_add (port->routes, g_ptr_array_steal_index (routes, n--));
      if (through_nm && i > 0 && iface->networkmanager <= 0)
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("NetworkManager manages %s but not %s: make a bridge of ports it manages, or of ports it "
                         "does not."), first->name, iface->name);
          return FALSE;
        }
    }
  if (!record_save (record, error))
    return FALSE;

  g_message ("Making the bridge %s of %s through %s", request->name, request->ports[0], record->method);
  ok = through_nm ? nm_create (request->bus, nl, record, &local_error) : netlink_create (nl, record, &local_error);
  if (ok)
    {
      g_message ("Bridge %s made", request->name);
      return TRUE;
    }

  g_message ("Making the bridge %s failed (%s): putting everything back", request->name, local_error->message);
  if (through_nm ? nm_undo (request->bus, record, &undo_error) : netlink_undo (nl, record, &undo_error))
    {
      g_unlink (path);
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED, _("%s; everything was put back as it was."),
                   local_error->message);
    }
  else
    g_set_error (error, VIREO_ERROR, VIREO_ERROR_FAILED,
                 _("%s; putting everything back failed too (%s): DeleteBridge can try again."), local_error->message,
                 undo_error->message);
  return FALSE;
}

/* DeleteBridge */

gboolean
vireo_bridge_delete (const char       *name,
                     GDBusConnection  *bus,
                     gboolean          dry_run,
                     GError          **error)
{
  g_autofree char *path = record_path (name);
  g_autoptr(VireoBridgeRecord) record = NULL;
  g_autoptr(VireoNetlink) nl = NULL;
  g_autoptr(VireoLinkInfo) bridge = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!vireo_bridge_check_name (name, error))
    return FALSE;
  if ((nl = vireo_netlink_open (error)) == NULL)
    return FALSE;
  bridge = vireo_netlink_link (nl, name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  record = record_load (name, error);
  if (record == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      if (bridge == NULL)
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_NOT_FOUND, _("There is no bridge named %s."), name);
      else
        g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                     _("Vireo did not make %s, so it does not delete it."), name);
      return FALSE;
    }
  if (dry_run)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_NOT_SUPPORTED,
                           _("With libvirt’s test driver, Vireo changes nothing on the host’s network."));
      return FALSE;
    }

  g_message ("Deleting the bridge %s (made through %s)", name, record->method);
  if (g_str_equal (record->method, "networkmanager") ? !nm_undo (bus, record, error) : !netlink_undo (nl, record, error))
    return FALSE;
  g_unlink (path);
  g_message ("Bridge %s deleted", name);
  return TRUE;
}
