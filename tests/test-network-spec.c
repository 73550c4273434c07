/* test-network-spec.c: virtual networks' subnets, specs, XML and facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-error.h"
#include "vireo-network-spec.h"

static VireoSubnet
subnet (const char    *text,
        GSocketFamily  family)
{
  g_autoptr(GError) error = NULL;
  VireoSubnet s;

  g_assert_true (vireo_subnet_parse (text, family, &s, &error));
  g_assert_no_error (error);
  return s;
}

static void
test_subnet_parse (void)
{
  const char *bad4[] = { "192.168.150.1", "192.168.150.1/", "192.168.150.1/33", "192.168.150.1/2x",
                         "192.168.150.1/-1", "192.168.150.300/24", "fd00::1/64", "/24", "", NULL };
  const char *bad6[] = { "fd00::1", "fd00::1/129", "192.168.150.1/24", "fd00:::1/64", NULL };
  VireoSubnet s = subnet ("192.168.150.7/24", G_SOCKET_FAMILY_IPV4);
  g_autofree char *network = vireo_subnet_to_string (&s, TRUE);
  g_autofree char *address = vireo_subnet_to_string (&s, FALSE);
  VireoSubnet s6 = subnet ("fd00:150::1:2/112", G_SOCKET_FAMILY_IPV6);
  g_autofree char *network6 = vireo_subnet_to_string (&s6, TRUE);

  g_assert_cmpstr (network, ==, "192.168.150.0/24");
  g_assert_cmpstr (address, ==, "192.168.150.7/24");
  g_assert_cmpstr (network6, ==, "fd00:150::1:0/112");
  for (guint i = 0; bad4[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad4[i]);
      g_assert_false (vireo_subnet_parse (bad4[i], G_SOCKET_FAMILY_IPV4, &s, &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
    }
  for (guint i = 0; bad6[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad6[i]);
      g_assert_false (vireo_subnet_parse (bad6[i], G_SOCKET_FAMILY_IPV6, &s, &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_subnet_overlap (void)
{
  struct {
    const char *a, *b;
    gboolean    overlap;
  } cases[] = {
    { "10.0.0.1/24", "10.0.0.200/24", TRUE },
    { "10.0.0.1/24", "10.0.1.1/24", FALSE },
    { "10.0.0.1/16", "10.0.77.1/24", TRUE },
    { "10.0.77.1/24", "10.0.0.1/16", TRUE },
    { "10.0.0.1/25", "10.0.0.129/25", FALSE },
    { "0.0.0.0/0", "192.168.1.1/24", TRUE },
    { "192.168.1.1/32", "192.168.1.1/24", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VireoSubnet a = subnet (cases[i].a, G_SOCKET_FAMILY_IPV4);
      VireoSubnet b = subnet (cases[i].b, G_SOCKET_FAMILY_IPV4);

      g_test_message ("%s %s", cases[i].a, cases[i].b);
      g_assert_cmpint (vireo_subnet_overlaps (&a, &b), ==, cases[i].overlap);
    }

  {
    VireoSubnet a = subnet ("fd00:1::1/64", G_SOCKET_FAMILY_IPV6);
    VireoSubnet b = subnet ("fd00:1::ffff/120", G_SOCKET_FAMILY_IPV6);
    VireoSubnet c = subnet ("fd00:2::1/64", G_SOCKET_FAMILY_IPV6);
    VireoSubnet d = subnet ("10.0.0.1/8", G_SOCKET_FAMILY_IPV4);

    g_assert_true (vireo_subnet_overlaps (&a, &b));
    g_assert_false (vireo_subnet_overlaps (&a, &c));
    g_assert_false (vireo_subnet_overlaps (&a, &d));
  }
}

static VireoNetworkSpec *
spec_from (const char  *text,
           GError     **error)
{
  g_autoptr(GVariant) variant = g_variant_ref_sink (g_variant_new_parsed (text));

  return vireo_network_spec_new_from_variant (variant, error);
}

static void
test_spec_xml (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNetworkSpec) spec = NULL;
  g_autoptr(VireoNetworkFacts) facts = NULL;
  g_autofree char *xml = NULL;

  /* Values that would break pasted XML are escaped by libxml2 (the name cannot hold them, the
   * domain check neither: this is the XML writer's own guarantee). */
  spec = spec_from ("{'name': <'lab'>, 'mode': <'nat'>, 'ipv4': <'192.168.150.1/24'>, 'ipv6': <'fd00:150::1/64'>,"
                    " 'domain': <'lab.test'>, 'forward-dev': <'eth0'>}", &error);
  g_assert_no_error (error);
  xml = vireo_network_spec_to_xml (spec);
  g_test_message ("%s", xml);
  g_assert_nonnull (strstr (xml, "<name>lab</name>"));
  g_assert_nonnull (strstr (xml, "<forward mode=\"nat\" dev=\"eth0\"/>"));
  g_assert_nonnull (strstr (xml, "<domain name=\"lab.test\" localOnly=\"yes\"/>"));
  g_assert_nonnull (strstr (xml, "<range start=\"192.168.150.2\" end=\"192.168.150.254\"/>"));
  g_assert_nonnull (strstr (xml, "<range start=\"fd00:150::2\" end=\"fd00:150::ffff\"/>"));

  /* The XML reads back as the same network. */
  facts = vireo_network_facts_new_from_xml ("<network><name>lab</name><uuid>00000000-0000-4000-8000-000000000001</uuid>"
                                            "<forward mode='route' dev='eth1'/><bridge name='virbr9'/>"
                                            "<ip address='10.1.2.1' netmask='255.255.255.0'><dhcp><range start='10.1.2.10' end='10.1.2.20'/></dhcp></ip>"
                                            "<ip family='ipv6' address='fd00::1' prefix='64'/></network>", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (facts->mode, ==, "routed");
  g_assert_cmpstr (facts->bridge, ==, "virbr9");
  g_assert_cmpstr (facts->forward_dev, ==, "eth1");
  g_assert_cmpstr (facts->domain, ==, "");
  g_assert_cmpuint (facts->ipv4->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (facts->ipv4, 0), ==, "10.1.2.1/24");
  g_assert_cmpstr (g_ptr_array_index (facts->ipv6, 0), ==, "fd00::1/64");
  g_assert_cmpuint (facts->dhcp_ranges->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (facts->dhcp_ranges, 1), ==, "10.1.2.20");
  g_clear_pointer (&facts, vireo_network_facts_free);

  /* The host first in its subnet, or not; a /30; isolated and without DHCP. */
  g_clear_pointer (&spec, vireo_network_spec_free);
  g_clear_pointer (&xml, g_free);
  spec = spec_from ("{'name': <'p'>, 'mode': <'isolated'>, 'ipv4': <'10.9.9.254/24'>}", &error);
  g_assert_no_error (error);
  xml = vireo_network_spec_to_xml (spec);
  g_assert_null (strstr (xml, "<forward"));
  g_assert_nonnull (strstr (xml, "<range start=\"10.9.9.1\" end=\"10.9.9.254\"/>"));
  g_clear_pointer (&spec, vireo_network_spec_free);
  g_clear_pointer (&xml, g_free);
  spec = spec_from ("{'name': <'q'>, 'mode': <'open'>, 'ipv4': <'10.9.9.1/30'>, 'dhcp': <false>}", &error);
  g_assert_no_error (error);
  xml = vireo_network_spec_to_xml (spec);
  g_assert_nonnull (strstr (xml, "<forward mode=\"open\"/>"));
  g_assert_null (strstr (xml, "<dhcp"));

  facts = vireo_network_facts_new_from_xml ("<domain/>", &error);
  g_assert_null (facts);
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_FAILED);
}

static void
test_overlap_named (void)
{
  g_autoptr(GPtrArray) host = vireo_host_subnets_read ();
  g_autoptr(GPtrArray) uses = vireo_subnet_uses_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNetworkSpec) spec = NULL;
  VireoSubnet taken = subnet ("198.18.0.1/16", G_SOCKET_FAMILY_IPV4);
  VireoSubnet other = subnet ("198.19.0.1/24", G_SOCKET_FAMILY_IPV4);

  /* The first overlap is named. */
  vireo_subnet_use_add (uses, &other, "198.19.0.0/24 of the virtual network “one”");
  vireo_subnet_use_add (uses, &taken, "198.18.0.0/16 of the virtual network “other”");
  spec = spec_from ("{'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.30.1/24'>}", &error);
  g_assert_no_error (error);
  g_assert_false (vireo_network_spec_check_overlap (spec, uses, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "The subnet 198.18.30.0/24 overlaps 198.18.0.0/16 of the virtual network “other”.");
  g_clear_error (&error);
  g_clear_pointer (&spec, vireo_network_spec_free);
  spec = spec_from ("{'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'198.18.30.1/24'>, 'ipv6': <'fd5c:7a1e:1::1/64'>}", &error);
  g_ptr_array_remove_index (uses, 1);
  g_assert_true (vireo_network_spec_check_overlap (spec, uses, &error));
  g_assert_no_error (error);

  /* Every host has its loopback address. */
  g_assert_cmpuint (host->len, >, 0);
  g_clear_pointer (&spec, vireo_network_spec_free);
  spec = spec_from ("{'name': <'n'>, 'mode': <'nat'>, 'ipv4': <'127.50.0.1/24'>}", &error);
  g_assert_false (vireo_network_spec_check_overlap (spec, host, &error));
  g_assert_nonnull (strstr (error->message, "of the interface lo"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/network-spec/subnet/parse", test_subnet_parse);
  g_test_add_func ("/network-spec/subnet/overlap", test_subnet_overlap);
  g_test_add_func ("/network-spec/xml", test_spec_xml);
  g_test_add_func ("/network-spec/overlap-named", test_overlap_named);
  return g_test_run ();
}
