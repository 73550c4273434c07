/* test-network-util.c: how the app words networks, and the subnet it proposes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "vireo-network-util.h"

static void
test_subnet (void)
{
  g_autofree char *v4 = vireo_network_subnet ("192.168.150.7/24");
  g_autofree char *v4odd = vireo_network_subnet ("10.77.3.129/25");
  g_autofree char *v6 = vireo_network_subnet ("fd00:1::1/64");
  g_autofree char *bad = vireo_network_subnet ("192.168.150.7");
  g_autofree char *bad_prefix = vireo_network_subnet ("192.168.150.7/33");

  g_assert_cmpstr (v4, ==, "192.168.150.0/24");
  g_assert_cmpstr (v4odd, ==, "10.77.3.128/25");
  g_assert_cmpstr (v6, ==, "fd00:1::/64");
  g_assert_null (bad);
  g_assert_null (bad_prefix);
}

static void
test_address_form (void)
{
  g_assert_true (vireo_network_address_is_valid ("192.168.150.1/24", 4));
  g_assert_true (vireo_network_address_is_valid ("10.77.3.129/25", 4));
  g_assert_true (vireo_network_address_is_valid ("fd00:150::1/64", 6));
  g_assert_false (vireo_network_address_is_valid ("fd00:150::1/64", 4));
  g_assert_false (vireo_network_address_is_valid ("192.168.150.1/24", 6));
  g_assert_false (vireo_network_address_is_valid ("192.168.150.1", 4));
  g_assert_false (vireo_network_address_is_valid ("192.168.150.1/", 4));
  g_assert_false (vireo_network_address_is_valid ("192.168.150.1/33", 4));
  g_assert_false (vireo_network_address_is_valid ("192.168.150.1/24x", 4));
  g_assert_false (vireo_network_address_is_valid ("192.168.150/24", 4));
  g_assert_false (vireo_network_address_is_valid ("fd00::1/129", 6));
  g_assert_false (vireo_network_address_is_valid ("", 4));
  g_assert_false (vireo_network_address_is_valid (NULL, 4));
}

static void
test_overlap (void)
{
  g_assert_true (vireo_network_subnets_overlap ("10.77.3.1/24", "10.77.3.129/25"));
  g_assert_true (vireo_network_subnets_overlap ("10.77.0.1/16", "10.77.3.1/24"));
  g_assert_false (vireo_network_subnets_overlap ("10.77.3.1/24", "10.77.4.1/24"));
  g_assert_false (vireo_network_subnets_overlap ("10.77.3.1/24", "fd00::1/64"));
  g_assert_false (vireo_network_subnets_overlap ("nonsense", "10.77.3.1/24"));
}

static void
test_propose (void)
{
  const char *none[] = { NULL };
  const char *some[] = { "192.168.122.1/24", "192.168.100.1/24", "192.168.101.77/25", NULL };
  const char *wide[] = { "192.168.0.1/16", NULL };
  g_autofree char *first = vireo_network_propose_ipv4 (none);
  g_autofree char *next = vireo_network_propose_ipv4 (some);
  g_autofree char *full = vireo_network_propose_ipv4 (wide);

  g_assert_cmpstr (first, ==, "192.168.100.1/24");
  g_assert_cmpstr (next, ==, "192.168.102.1/24");
  g_assert_null (full);
}

static void
test_labels (void)
{
  g_autofree char *network = vireo_nic_title ("network", "default");
  g_autofree char *direct = vireo_nic_title ("direct", "eth0");

  g_assert_cmpstr (vireo_network_mode_label ("nat"), ==, "NAT");
  g_assert_cmpstr (vireo_network_mode_label ("weird"), ==, "Other");
  g_assert_true (g_str_has_suffix (vireo_network_mode_description ("isolated"), "."));
  g_assert_cmpstr (vireo_interface_kind_label ("wifi"), ==, "Wi-Fi");
  g_assert_cmpstr (network, ==, "Virtual network “default”");
  g_assert_cmpstr (direct, ==, "Macvtap on “eth0”");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/network-util/subnet", test_subnet);
  g_test_add_func ("/network-util/overlap", test_overlap);
  g_test_add_func ("/network-util/address-form", test_address_form);
  g_test_add_func ("/network-util/propose", test_propose);
  g_test_add_func ("/network-util/labels", test_labels);
  return g_test_run ();
}
