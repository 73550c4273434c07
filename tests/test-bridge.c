/* test-bridge.c: host interfaces' kinds (on a fake sysfs), bridge names and options, and
 * the record CreateBridge keeps for DeleteBridge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <locale.h>
#include <string.h>
#include <sys/socket.h>

#include "vireo-bridge.h"
#include "vireo-error.h"
#include "vireo-host-interfaces.h"

static void
make (const char *root,
      const char *name,
      const char *entry,
      const char *contents)
{
  g_autofree char *dir = g_build_filename (root, name, NULL);
  g_autofree char *path = g_build_filename (dir, entry, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  if (contents == NULL)
    g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  else
    g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      rm_rf (child);
      g_object_unref (info);
    }
  g_remove (path);
}

static void
test_kind (void)
{
  g_autofree char *root = g_dir_make_tmp ("vireo-sysfs-XXXXXX", NULL);
  const struct {
    const char *name, *info_kind;
    guint       type;
    const char *kind;
    gboolean    hidden;
  } cases[] = {
    { "eth0", NULL, ARPHRD_ETHER, "ethernet", FALSE },
    { "wlan0", NULL, ARPHRD_ETHER, "wifi", FALSE },       /* wireless/ */
    { "wlp2s0", NULL, ARPHRD_ETHER, "wifi", FALSE },      /* phy80211 */
    { "wl0", NULL, ARPHRD_ETHER, "wifi", FALSE },         /* DEVTYPE=wlan */
    { "br0", "bridge", ARPHRD_ETHER, "bridge", FALSE },
    { "bond0", "bond", ARPHRD_ETHER, "bond", FALSE },
    { "eth0.10", "vlan", ARPHRD_ETHER, "vlan", FALSE },
    { "veth1", "veth", ARPHRD_ETHER, "virtual", FALSE },
    { "dummy0", "dummy", ARPHRD_ETHER, "virtual", FALSE },
    { "tun0", "tun", ARPHRD_NONE, "virtual", FALSE },     /* tun_flags 0x1001: a tun */
    { "tap0", "tun", ARPHRD_ETHER, "virtual", TRUE },     /* tun_flags 0x1002: a tap */
    { "vnet3", "tun", ARPHRD_ETHER, "virtual", TRUE },
    { "macvtap0", "macvtap", ARPHRD_ETHER, "virtual", TRUE },
    { "lo", NULL, ARPHRD_LOOPBACK, "virtual", TRUE },
    { "vnetwork", NULL, ARPHRD_ETHER, "virtual", FALSE }, /* not vnet<N> */
  };

  make (root, "eth0", "device", NULL);
  make (root, "wlan0", "wireless", NULL);
  make (root, "wlan0", "device", NULL);
  make (root, "wlp2s0", "phy80211", NULL);
  make (root, "wl0", "uevent", "INTERFACE=wl0\nIFINDEX=9\nDEVTYPE=wlan\n");
  make (root, "br0", "bridge", NULL);
  make (root, "bond0", "bonding", NULL);
  make (root, "eth0.10", "uevent", "DEVTYPE=vlan\n");
  make (root, "tun0", "tun_flags", "0x1001\n");
  make (root, "tap0", "tun_flags", "0x1002\n");
  make (root, "vnet3", "tun_flags", "0x5002\n");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean hidden = !cases[i].hidden;

      g_test_message ("%s", cases[i].name);
      g_assert_cmpstr (vireo_host_interface_kind (root, cases[i].name, cases[i].info_kind, cases[i].type, &hidden),
                       ==, cases[i].kind);
      g_assert_cmpint (hidden, ==, cases[i].hidden);
    }
  rm_rf (root);
}

static void
test_name (void)
{
  const char *good[] = { "br0", "vbr-lan_1.2", "a", "abcdefghijklmno", NULL };
  const char *bad[] = { "", "abcdefghijklmnop", "br 0", "br/0", "br:0", ".", "..", "brü", NULL };

  for (guint i = 0; good[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (vireo_bridge_check_name (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_false (vireo_bridge_check_name (bad[i], &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "1 to 15"));
    }
}

static gboolean
check (const char  *ports,
       const char  *options,
       gboolean    *stp,
       int         *delay,
       GError     **error)
{
  g_autoptr(GVariant) p = g_variant_ref_sink (g_variant_new_parsed (ports));
  g_autoptr(GVariant) o = g_variant_ref_sink (g_variant_new_parsed (options));

  return vireo_bridge_check_request (p, o, stp, delay, error);
}

static void
test_request (void)
{
  const struct {
    const char *ports, *options, *message;
  } bad[] = {
    { "@as []", "@a{sv} {}", "at least one port" },
    { "['eth0', 'eth0']", "@a{sv} {}", "named twice" },
    { "['eth0']", "{'colour': <'red'>}", "Unknown option" },
    { "['eth0']", "{'stp': <'yes'>}", "boolean" },
    { "['eth0']", "{'forward-delay': <31>}", "from 0 to 30" },
    { "['eth0']", "{'forward-delay': <uint32 31>}", "from 0 to 30" },
    { "['eth0']", "{'stp': <true>, 'forward-delay': <uint32 1>}", "at least 2" },
  };
  gboolean stp;
  int delay;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (check (bad[i].ports, bad[i].options, &stp, &delay, &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i].message));
    }

  g_assert_true (check ("['eth0', 'eth1']", "@a{sv} {}", &stp, &delay, NULL));
  g_assert_false (stp);
  g_assert_cmpint (delay, ==, 0);
  g_assert_true (check ("['eth0']", "{'stp': <true>}", &stp, &delay, NULL));
  g_assert_true (stp);
  g_assert_cmpint (delay, ==, -1);   /* the kernel's */
  g_assert_true (check ("['eth0']", "{'stp': <true>, 'forward-delay': <uint32 4>}", &stp, &delay, NULL));
  g_assert_cmpint (delay, ==, 4);
}

static void
test_record (void)
{
  static const char *json =
    "{ \"version\": 1, \"name\": \"vbr0\", \"method\": \"netlink\", \"stp\": false, \"forward-delay\": 0,"
    "  \"ports\": [ { \"name\": \"eth0\", \"mac\": \"52:54:00:12:34:56\", \"was-up\": true,"
    "    \"addresses\": [ { \"family\": \"inet\", \"local\": \"198.18.0.2\", \"address\": \"198.18.0.2\","
    "                       \"prefixlen\": 24, \"flags\": 128, \"scope\": 0, \"broadcast\": \"198.18.0.255\","
    "                       \"label\": \"eth0\", \"valid-lft\": 4294967295, \"preferred-lft\": 4294967295 },"
    "                     { \"family\": \"inet6\", \"address\": \"fd00:10::2\", \"prefixlen\": 64, \"flags\": 130,"
    "                       \"scope\": 0, \"valid-lft\": 3600, \"preferred-lft\": 1800 } ],"
    "    \"routes\": [ { \"family\": \"inet\", \"dst\": \"198.19.0.0\", \"dst-len\": 16, \"gateway\": \"198.18.0.1\","
    "                    \"metric\": 50, \"protocol\": 3, \"scope\": 0, \"type\": 1, \"table\": 254, \"tos\": 0, \"flags\": 0 },"
    "                  { \"family\": \"inet6\", \"dst-len\": 0, \"gateway\": \"fd00:10::1\", \"metric\": 1024,"
    "                    \"protocol\": 4, \"scope\": 0, \"type\": 1, \"table\": 254 } ] } ] }";
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoBridgeRecord) record = vireo_bridge_record_from_json (json, &error);
  g_autoptr(VireoBridgeRecord) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  VireoBridgePort *port;
  VireoAddrInfo *addr;
  VireoRouteInfo *route;
  const char *bad[] = {
    "", "[]", "{}", "{\"version\": 2, \"name\": \"b\", \"method\": \"netlink\", \"ports\": []}",
    "{\"version\": 1, \"name\": \"b\", \"method\": \"ifupdown\", \"ports\": []}",
    "{\"version\": 1, \"name\": \"b\", \"method\": \"netlink\", \"ports\": [{}]}",
    "{\"version\": 1, \"name\": \"b\", \"method\": \"netlink\", \"ports\": [{\"name\": \"e\", \"addresses\": [{\"family\": \"x\"}]}]}",
    "{\"version\": 1, \"name\": \"b\", \"method\": \"netlink\", \"ports\": [{\"name\": \"e\", \"addresses\": [{\"family\": \"inet\"}]}]}",
    NULL
  };

  g_assert_no_error (error);
  g_assert_cmpstr (record->name, ==, "vbr0");
  g_assert_cmpstr (record->method, ==, "netlink");
  g_assert_cmpuint (record->ports->len, ==, 1);
  port = g_ptr_array_index (record->ports, 0);
  g_assert_cmpstr (port->name, ==, "eth0");
  g_assert_cmpstr (port->mac, ==, "52:54:00:12:34:56");
  g_assert_true (port->was_up);
  g_assert_null (port->nm_connection);
  g_assert_cmpuint (port->addrs->len, ==, 2);
  addr = g_ptr_array_index (port->addrs, 0);
  g_assert_cmpint (addr->family, ==, AF_INET);
  g_assert_cmpstr (addr->local, ==, "198.18.0.2");
  g_assert_cmpuint (addr->prefixlen, ==, 24);
  g_assert_cmpstr (addr->broadcast, ==, "198.18.0.255");
  g_assert_cmpuint (addr->valid_lft, ==, G_MAXUINT32);
  addr = g_ptr_array_index (port->addrs, 1);
  g_assert_cmpint (addr->family, ==, AF_INET6);
  g_assert_null (addr->local);
  g_assert_cmpuint (addr->valid_lft, ==, 3600);
  g_assert_cmpuint (addr->preferred_lft, ==, 1800);
  g_assert_cmpuint (port->routes->len, ==, 2);
  route = g_ptr_array_index (port->routes, 0);
  g_assert_cmpstr (route->dst, ==, "198.19.0.0");
  g_assert_cmpuint (route->dst_len, ==, 16);
  g_assert_cmpstr (route->gateway, ==, "198.18.0.1");
  g_assert_cmpuint (route->priority, ==, 50);
  g_assert_cmpuint (route->table, ==, RT_TABLE_MAIN);
  route = g_ptr_array_index (port->routes, 1);
  g_assert_null (route->dst);   /* the default route */
  g_assert_cmpint (route->family, ==, AF_INET6);

  /* Written and read again: the same. */
  text = vireo_bridge_record_to_json (record);
  again = vireo_bridge_record_from_json (text, &error);
  g_assert_no_error (error);
  text_again = vireo_bridge_record_to_json (again);
  g_assert_cmpstr (text, ==, text_again);

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) bad_error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_null (vireo_bridge_record_from_json (bad[i], &bad_error));
      g_assert_error (bad_error, VIREO_ERROR, VIREO_ERROR_FAILED);
    }
}

static void
test_state_dir (void)
{
  g_assert_cmpstr (vireo_bridge_get_bridges_dir (), ==, VIREO_STATE_DIR_DEFAULT "/bridges");
  vireo_bridge_set_state_dir ("/tmp/vireo-state");
  g_assert_cmpstr (vireo_bridge_get_bridges_dir (), ==, "/tmp/vireo-state/bridges");
  vireo_bridge_set_state_dir (NULL);
  g_assert_cmpstr (vireo_bridge_get_bridges_dir (), ==, VIREO_STATE_DIR_DEFAULT "/bridges");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bridge/kind", test_kind);
  g_test_add_func ("/bridge/name", test_name);
  g_test_add_func ("/bridge/request", test_request);
  g_test_add_func ("/bridge/record", test_record);
  g_test_add_func ("/bridge/state-dir", test_state_dir);
  return g_test_run ();
}
