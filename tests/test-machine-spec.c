/* test-machine-spec.c: validation of CreateMachine's spec and the XML built from it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-error.h"
#include "vireo-machine-spec.h"

static void
test_name_valid (void)
{
  const char *good[] = {
    "web", "Web 2", "debian-12", "a_b.c", "Überprüfung", "虚拟机", "Ελληνικά 3", "x",
    "0123456789012345678901234567890123456789012345678901234567890123", /* 64 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (vireo_validate_name (good[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_name_invalid (void)
{
  const char *bad[] = {
    "", "bad/name", "../x", "..", ".hidden", "-flag", "_x", " lead", "trail ", "two  spaces",
    "tab\there", "new\nline", "semi;colon", "quote'", "<xml>", "a&b", "dollar$", "back\\slash",
    "01234567890123456789012345678901234567890123456789012345678901234", /* 65 */
    "\xff\xfe", "nul\x01",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vireo_validate_name (bad[i], &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  g_assert_false (vireo_validate_name (NULL, NULL));
}

static void
test_title (void)
{
  g_autofree char *long_title = g_strnfill (257, 'x');
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_validate_title ("My web server — Ünïcode", NULL));
  g_assert_true (vireo_validate_title ("", NULL));
  g_assert_false (vireo_validate_title ("two\nlines", &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vireo_validate_title (long_title, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
}

static void
test_paths (void)
{
  const char *bad[] = { "", "relative.iso", "/a/../etc/shadow", "/a/./b.iso", "/..", "./x.iso" };

  g_assert_true (vireo_validate_absolute_path ("/var/lib/libvirt/images/debian.iso", NULL));
  g_assert_true (vireo_validate_absolute_path ("/home/ann/My ISOs/süd.iso", NULL));
  g_assert_true (vireo_validate_absolute_path ("/a/..b/c..iso", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vireo_validate_absolute_path (bad[i], &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
    }
}

static VireoMachineSpec *
spec_from_text (const char  *text,
                GError     **error)
{
  g_autoptr(GVariant) variant = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, NULL);

  g_assert_nonnull (variant);
  return vireo_machine_spec_new_from_variant (variant, error);
}

static void
test_spec_defaults (void)
{
  g_autoptr(VireoMachineSpec) spec = NULL;
  g_autoptr(GError) error = NULL;

  spec = spec_from_text ("{'name': <'web'>}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (spec->name, ==, "web");
  g_assert_null (spec->title);
  g_assert_cmpuint (spec->memory_mib, ==, 1024);
  g_assert_cmpuint (spec->vcpus, ==, 1);
  g_assert_null (spec->iso);
  g_assert_cmpuint (spec->disk_gib, ==, 0);
  g_assert_true (spec->spice);
  g_assert_false (spec->vnc);
}

static void
test_spec_full (void)
{
  g_autoptr(VireoMachineSpec) spec = NULL;
  g_autoptr(GError) error = NULL;

  spec = spec_from_text ("{'name': <'web'>, 'title': <'Web server'>, 'memory-mib': <uint64 2048>,"
                         " 'vcpus': <uint32 2>, 'iso': <'/srv/debian.iso'>, 'disk-gib': <uint64 20>,"
                         " 'graphics': <['vnc', 'spice']>, 'firmware': <'bios'>}",
                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (spec->title, ==, "Web server");
  g_assert_cmpuint (spec->memory_mib, ==, 2048);
  g_assert_cmpuint (spec->vcpus, ==, 2);
  g_assert_cmpstr (spec->iso, ==, "/srv/debian.iso");
  g_assert_cmpuint (spec->disk_gib, ==, 20);
  g_assert_true (spec->spice);
  g_assert_true (spec->vnc);

  /* Other integer types are accepted where they fit. */
  g_clear_pointer (&spec, vireo_machine_spec_free);
  spec = spec_from_text ("{'name': <'a'>, 'memory-mib': <int32 512>, 'vcpus': <int64 1>, 'graphics': <@as []>}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spec->memory_mib, ==, 512);
  g_assert_false (spec->spice || spec->vnc);
}

static void
test_spec_invalid (void)
{
  struct {
    const char *spec;
    int         code;
  } cases[] = {
    { "@a{sv} {}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'bad/name'>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <42>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'memory-mib': <uint64 8>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'memory-mib': <int32 -5>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'memory-mib': <'lots'>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'memory-mib': <uint64 99999999999>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'vcpus': <uint32 0>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'vcpus': <uint32 100000>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'disk-gib': <uint64 1000000>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'iso': <'relative.iso'>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'iso': <'/tmp/../etc/shadow'>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'graphics': <['rdp']>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'graphics': <'vnc'>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'firmware': <'uefi'>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'secure-boot': <true>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'tpm': <1>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'colour': <'blue'>}", VIREO_ERROR_INVALID_ARGUMENT },
    { "{'name': <'a'>, 'title': <'two\\nlines'>}", VIREO_ERROR_INVALID_ARGUMENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoMachineSpec) spec = NULL;
      g_autoptr(GError) error = NULL;

      spec = spec_from_text (cases[i].spec, &error);
      g_assert_null (spec);
      g_assert_error (error, VIREO_ERROR, cases[i].code);
    }
}

static void
test_spec_host_limits (void)
{
  g_autoptr(VireoMachineSpec) spec = NULL;
  g_autoptr(GError) error = NULL;

  spec = spec_from_text ("{'name': <'a'>, 'memory-mib': <uint64 4096>, 'vcpus': <uint32 4>}", NULL);
  g_assert_true (vireo_machine_spec_check_host (spec, 8192, 8, NULL));
  g_assert_true (vireo_machine_spec_check_host (spec, 4096, 4, NULL));
  g_assert_false (vireo_machine_spec_check_host (spec, 2048, 8, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "2048 MiB"));
  g_clear_error (&error);
  g_assert_false (vireo_machine_spec_check_host (spec, 8192, 2, &error));
  g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
}

static char *
spec_xml (const char                *text,
          const VireoMachineTarget  *target)
{
  g_autoptr(VireoMachineSpec) spec = spec_from_text (text, NULL);
  g_autoptr(GVirConfigDomain) config = vireo_machine_spec_to_config (spec, target);

  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
}

static void
test_spec_to_xml (void)
{
  VireoMachineTarget target = {
    .virt_type = GVIR_CONFIG_DOMAIN_VIRT_QEMU,
    .arch = "x86_64",
    .machine = "q35",
    .disk_path = "/var/lib/libvirt/images/web.qcow2",
    .iso_path = "/srv/iso/debian & co <1>.iso",
  };
  g_autofree char *xml = NULL;
  g_autoptr(GVirConfigDomain) parsed = NULL;
  g_autoptr(GError) error = NULL;

  xml = spec_xml ("{'name': <'web'>, 'title': <'Web & <mail>'>, 'memory-mib': <uint64 2048>,"
                  " 'vcpus': <uint32 2>, 'graphics': <['spice', 'vnc']>}",
                  &target);

  g_assert_nonnull (strstr (xml, "<domain type=\"qemu\">"));
  g_assert_nonnull (strstr (xml, "<name>web</name>"));
  /* Escaped by libxml2, never pasted. */
  g_assert_nonnull (strstr (xml, "<title>Web &amp; &lt;mail&gt;</title>"));
  g_assert_nonnull (strstr (xml, "debian &amp; co &lt;1&gt;.iso"));
  g_assert_nonnull (strstr (xml, "<memory unit=\"KiB\">2097152</memory>"));
  g_assert_nonnull (strstr (xml, "<vcpu>2</vcpu>"));
  g_assert_nonnull (strstr (xml, "machine=\"q35\""));
  g_assert_nonnull (strstr (xml, "<boot dev=\"cdrom\"/>"));
  g_assert_nonnull (strstr (xml, "<boot dev=\"hd\"/>"));
  g_assert_nonnull (strstr (xml, "<source file=\"/var/lib/libvirt/images/web.qcow2\"/>"));
  g_assert_nonnull (strstr (xml, "type=\"qcow2\""));
  g_assert_nonnull (strstr (xml, "dev=\"vda\""));
  g_assert_nonnull (strstr (xml, "bus=\"virtio\""));
  g_assert_nonnull (strstr (xml, "device=\"cdrom\""));
  g_assert_nonnull (strstr (xml, "<readonly/>"));
  g_assert_nonnull (strstr (xml, "<input type=\"tablet\" bus=\"usb\"/>"));
  g_assert_nonnull (strstr (xml, "<graphics type=\"spice\" autoport=\"yes\"/>"));
  g_assert_nonnull (strstr (xml, "<graphics type=\"vnc\" autoport=\"yes\"/>"));
  g_assert_nonnull (strstr (xml, "com.redhat.spice.0"));
  g_assert_nonnull (strstr (xml, "qemu-xhci"));
  g_assert_nonnull (strstr (xml, "<serial type=\"pty\"/>"));

  /* The XML is well formed and reads back to the same facts. */
  parsed = gvir_config_domain_new_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_config_domain_get_name (parsed), ==, "web");
  g_assert_cmpstr (gvir_config_domain_get_title (parsed), ==, "Web & <mail>");
  g_assert_cmpint (gvir_config_domain_get_virt_type (parsed), ==, GVIR_CONFIG_DOMAIN_VIRT_QEMU);
}

static guint
count_of (const char *haystack,
          const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_spec_root_ports (void)
{
  VireoMachineTarget target = { .virt_type = GVIR_CONFIG_DOMAIN_VIRT_QEMU, .arch = "x86_64", .machine = "q35" };
  g_autoptr(VireoMachineSpec) spec = spec_from_text ("{'name': <'hotplug'>, 'graphics': <['vnc']>, 'network': <'default'>}", NULL);
  g_autofree char *xml = vireo_machine_spec_to_xml (spec, &target);
  g_autofree char *pc_xml = NULL;

  /* q35: root ports for hot-plug (AddNic), as virt-install gives, after the root. */
  g_assert_cmpuint (count_of (xml, "model=\"pcie-root-port\""), ==, VIREO_PCIE_ROOT_PORTS);
  g_assert_nonnull (strstr (xml, "<controller type=\"pci\" index=\"0\" model=\"pcie-root\"/>"));
  g_assert_nonnull (strstr (xml, "<controller type=\"pci\" index=\"14\" model=\"pcie-root-port\"/>"));
  /* The NIC model is the same choice AddNic makes. */
  g_assert_cmpstr (vireo_machine_spec_nic_model (FALSE, 0), ==, "virtio");
  g_assert_cmpstr (vireo_machine_spec_nic_model (TRUE, VIREO_OS_VIRTIO_NET | VIREO_OS_E1000E), ==, "virtio");
  g_assert_cmpstr (vireo_machine_spec_nic_model (TRUE, VIREO_OS_E1000E), ==, "e1000e");
  g_assert_null (vireo_machine_spec_nic_model (TRUE, 0));

  /* i440fx (no machine named): no PCI Express, nothing added. */
  target.machine = NULL;
  pc_xml = vireo_machine_spec_to_xml (spec, &target);
  g_assert_null (strstr (pc_xml, "pcie-root-port"));
}

static void
test_spec_to_xml_minimal (void)
{
  VireoMachineTarget target = { .virt_type = GVIR_CONFIG_DOMAIN_VIRT_KVM, .arch = "x86_64" };
  g_autofree char *xml = spec_xml ("{'name': <'tiny'>, 'graphics': <['vnc']>}", &target);

  g_assert_nonnull (strstr (xml, "<domain type=\"kvm\">"));
  g_assert_null (strstr (xml, "cdrom"));
  g_assert_null (strstr (xml, "<disk"));
  g_assert_null (strstr (xml, "spice"));
  g_assert_null (strstr (xml, "machine="));
  g_assert_nonnull (strstr (xml, "<graphics type=\"vnc\""));
  g_assert_nonnull (strstr (xml, "<model type=\"virtio\""));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hypervisor/spec/name/valid", test_name_valid);
  g_test_add_func ("/hypervisor/spec/name/invalid", test_name_invalid);
  g_test_add_func ("/hypervisor/spec/title", test_title);
  g_test_add_func ("/hypervisor/spec/paths", test_paths);
  g_test_add_func ("/hypervisor/spec/defaults", test_spec_defaults);
  g_test_add_func ("/hypervisor/spec/full", test_spec_full);
  g_test_add_func ("/hypervisor/spec/invalid", test_spec_invalid);
  g_test_add_func ("/hypervisor/spec/host-limits", test_spec_host_limits);
  g_test_add_func ("/hypervisor/spec/xml", test_spec_to_xml);
  g_test_add_func ("/hypervisor/spec/xml-minimal", test_spec_to_xml_minimal);
  g_test_add_func ("/hypervisor/spec/root-ports", test_spec_root_ports);

  return g_test_run ();
}
