/* vireoctl.c
 *
 * vireoctl: every method of the Vireo helper from a shell, in the manner of udisksctl. It
 * talks to the helper through libvireo's typed client only; the helper decides, with polkit,
 * what the caller may do. A polkit text agent asks for a password on the terminal when one
 * is needed (unless --no-user-interaction).
 *
 * Exit status: 0 done, 1 the helper refused or failed (its sentence on stderr), 2 a usage
 * error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireoctl"
#define POLKIT_AGENT_I_KNOW_API_IS_SUBJECT_TO_CHANGE

#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <signal.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <polkitagent/polkitagent.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vireo.h"
#include "vireo-new-machine.h"
#include "vireo-os-catalogue.h"

#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* How long to wait for the helper to come back to libvirtd before giving up. */
#define READY_TIMEOUT_S 15

typedef struct _Command Command;

typedef struct {
  const Command *command;
  VireoClient   *client;
  GMainLoop     *loop;
  GCancellable  *cancellable;
  gboolean       json;
  gboolean       no_interaction;
  int            status;
  gpointer       agent;     /* the polkit text agent's registration, or NULL */
} Ctl;

typedef int (*CommandFunc) (Ctl   *ctl,
                            int    argc,
                            char **argv);

struct _Command {
  const char         *name;
  const char         *args;         /* for the usage line */
  const char         *summary;
  CommandFunc         func;
  VireoMachineAction  action;       /* for the action commands */
  gboolean            prints;       /* takes --json */
  const GOptionEntry *options;      /* its own options, or NULL */
};

/* The commands' own options: one command runs per process. */
static struct {
  gboolean   names;
  char     **disks;
  gboolean   inactive;
  char      *protocol;
  gboolean   force;
  char      *detect;
  char      *name;
  char      *os;
  char      *iso;
  gint64     memory_mib;
  int        vcpus;
  gint64     disk_gib;
  char      *firmware;
  char      *network;
  gboolean   secure_boot;
  gboolean   tpm;
  gboolean   pxe;
  char      *import;
  gboolean   no_start;
  gboolean   print_xml;
  char      *express;
  char      *password_file;
  char      *location;
  char      *iso_volume;
  char      *search;
  char      *url;
  char      *sha256;
  char      *mode;
  char      *ipv4;
  char      *ipv6;
  gboolean   no_dhcp;
  char      *domain;
  char      *forward_dev;
  gboolean   autostart;
  gboolean   stp;
  char      *nic_type;
  char      *source;
  char      *model;
  char      *mac;
  char      *link;
} opt = { .memory_mib = -1, .vcpus = -1, .disk_gib = -1 };

static const GOptionEntry list_options[] = {
  { "names", 0, 0, G_OPTION_ARG_NONE, &opt.names, N_("Print only the names, one per line"), NULL },
  { NULL }
};

static const GOptionEntry delete_options[] = {
  { "disk", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.disks,
    N_("Also delete this disk (its path or target, e.g. vda); repeat for more"), N_("DISK") },
  { NULL }
};

static const GOptionEntry xml_options[] = {
  { "inactive", 0, 0, G_OPTION_ARG_NONE, &opt.inactive, N_("The definition used at the next start, not the live one"), NULL },
  { NULL }
};

static const GOptionEntry console_options[] = {
  { "protocol", 0, 0, G_OPTION_ARG_STRING, &opt.protocol, N_("spice or vnc (default: the machine’s first)"), N_("PROTOCOL") },
  { NULL }
};

static const GOptionEntry serial_options[] = {
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt.force, N_("Take the serial console over from another program"), NULL },
  { NULL }
};

static const GOptionEntry create_options[] = {
  { "detect", 0, 0, G_OPTION_ARG_FILENAME, &opt.detect,
    N_("Only say what libosinfo knows of this installation medium, and what Vireo would propose"), N_("PATH") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt.name, N_("The machine’s name (default: from the operating system)"), N_("NAME") },
  { "os", 0, 0, G_OPTION_ARG_STRING, &opt.os,
    N_("The operating system: a libosinfo id (debian11, http://debian.org/debian/11), or auto to detect it from the medium (default)"), N_("ID") },
  { "iso", 0, 0, G_OPTION_ARG_FILENAME, &opt.iso, N_("Install from this ISO image"), N_("PATH") },
  { "location", 0, 0, G_OPTION_ARG_STRING, &opt.location,
    N_("Install from this installation tree (http, https or ftp; it has a .treeinfo, as Fedora's mirrors do): its installer is downloaded and booted"),
    N_("URL") },
  { "import", 0, 0, G_OPTION_ARG_FILENAME, &opt.import, N_("Use a copy of this disk image (qcow2 or raw) as its disk"), N_("DISK") },
  { "memory", 0, 0, G_OPTION_ARG_INT64, &opt.memory_mib, N_("Memory in MiB (default: what the system recommends)"), N_("MIB") },
  { "vcpus", 0, 0, G_OPTION_ARG_INT, &opt.vcpus, N_("Virtual CPUs (default: what the system recommends)"), N_("N") },
  { "disk-size", 0, 0, G_OPTION_ARG_INT64, &opt.disk_gib, N_("Size of the new disk in GiB, 0 for none (default: what the system recommends)"), N_("GIB") },
  { "firmware", 0, 0, G_OPTION_ARG_STRING, &opt.firmware,
    N_("bios or efi (default: efi where the system cannot boot from BIOS)"), N_("FIRMWARE") },
  { "secure-boot", 0, 0, G_OPTION_ARG_NONE, &opt.secure_boot, N_("UEFI Secure Boot, with Microsoft's keys (default for Windows 11)"), NULL },
  { "tpm", 0, 0, G_OPTION_ARG_NONE, &opt.tpm, N_("An emulated TPM 2.0 (default for Windows 11)"), NULL },
  { "pxe", 0, 0, G_OPTION_ARG_NONE, &opt.pxe, N_("Boot from the network (PXE) first"), NULL },
  { "network", 0, 0, G_OPTION_ARG_STRING, &opt.network,
    N_("The virtual network of its network card, or none (default: default, made when missing)"), N_("NAME") },
  { "express", 0, 0, G_OPTION_ARG_STRING, &opt.express,
    N_("Install unattended with libosinfo's script: default, or KEY=VALUE,… of user, name, hostname, timezone, keyboard, language, product-key (the rest from this session)"),
    N_("SETTINGS") },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt.password_file,
    N_("The express installation's user (and administrator) password: the first line of this file, or of standard input for -"),
    N_("FILE") },
  { "no-start", 0, 0, G_OPTION_ARG_NONE, &opt.no_start, N_("Define the machine, but do not start it"), NULL },
  { "print-xml", 0, 0, G_OPTION_ARG_NONE, &opt.print_xml, N_("Define nothing: print the domain XML the helper would define"), NULL },
  { "iso-volume", 0, 0, G_OPTION_ARG_STRING, &opt.iso_volume, N_("Install from this medium of the default storage pool (see download), used in place"), N_("NAME") },
  { NULL }
};

static const GOptionEntry catalogue_options[] = {
  { "search", 0, 0, G_OPTION_ARG_STRING, &opt.search, N_("Only the systems whose name, vendor or id has all these words"), N_("WORDS") },
  { NULL }
};

static const GOptionEntry download_options[] = {
  { "os", 0, 0, G_OPTION_ARG_STRING, &opt.os, N_("A system of the catalogue, by its id or short id (see catalogue)"), N_("ID") },
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt.url, N_("Any http:// or https:// address instead"), N_("URL") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt.name, N_("The medium’s name in the default storage pool (default: the address’s file name)"), N_("NAME") },
  { "sha256", 0, 0, G_OPTION_ARG_STRING, &opt.sha256, N_("The SHA-256 checksum the file must have"), N_("HEX") },
  { NULL }
};

static const GOptionEntry nic_options[] = {
  { "type", 0, 0, G_OPTION_ARG_STRING, &opt.nic_type, N_("add, set: network, bridge, direct (macvtap) or user"), N_("TYPE") },
  { "source", 0, 0, G_OPTION_ARG_STRING, &opt.source, N_("add, set: the virtual network, host bridge or host interface"), N_("SOURCE") },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt.model, N_("add, set: virtio, e1000e, … (default: what the system has drivers for)"), N_("MODEL") },
  { "mac", 0, 0, G_OPTION_ARG_STRING, &opt.mac, N_("add: its MAC address (default: a new one)"), N_("MAC") },
  { "link", 0, 0, G_OPTION_ARG_STRING, &opt.link, N_("add, set: up or down: the cable in or out"), N_("STATE") },
  { NULL }
};

static const GOptionEntry network_options[] = {
  { "names", 0, 0, G_OPTION_ARG_NONE, &opt.names, N_("list: print only the names, one per line"), NULL },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &opt.mode, N_("create: nat, isolated, routed or open"), N_("MODE") },
  { "ipv4", 0, 0, G_OPTION_ARG_STRING, &opt.ipv4, N_("create: the host’s address on it, with the prefix (192.168.150.1/24)"), N_("CIDR") },
  { "no-dhcp", 0, 0, G_OPTION_ARG_NONE, &opt.no_dhcp, N_("create: no DHCP server on it"), NULL },
  { "ipv6", 0, 0, G_OPTION_ARG_STRING, &opt.ipv6, N_("create: an IPv6 address with the prefix as well (fd00:1::1/64)"), N_("CIDR") },
  { "domain", 0, 0, G_OPTION_ARG_STRING, &opt.domain, N_("create: the guests’ DNS domain"), N_("DOMAIN") },
  { "forward-dev", 0, 0, G_OPTION_ARG_STRING, &opt.forward_dev, N_("create: the host interface nat and routed networks go out through"), N_("IF") },
  { "autostart", 0, 0, G_OPTION_ARG_NONE, &opt.autostart, N_("create: start it with the host"), NULL },
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt.force, N_("delete: even though machines use it"), NULL },
  { NULL }
};

static const GOptionEntry bridge_options[] = {
  { "stp", 0, 0, G_OPTION_ARG_NONE, &opt.stp, N_("create: the spanning tree protocol on"), NULL },
  { NULL }
};

/* Output */

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* A domain's XML: as it is, or as {"xml": …} with --json. */
static void
print_xml (Ctl        *ctl,
           const char *xml)
{
  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "xml");
      json_builder_add_string_value (builder, xml);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print ("%s%s", xml, g_str_has_suffix (xml, "\n") ? "" : "\n");
}

static void G_GNUC_PRINTF (2, 3)
fail (Ctl        *ctl,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("vireoctl: %s\n", message);
  ctl->status = EXIT_FAILED;
}

/* The helper's sentence, on one line; libvirt's words after it, in parentheses. */
static void
fail_with_error (Ctl          *ctl,
                 const GError *error)
{
  g_autofree char *sentence = NULL;
  g_autofree char *detail = NULL;

  vireo_error_get_text (error, &sentence, &detail);
  g_strdelimit (sentence, "\n", ' ');
  if (detail != NULL)
    {
      g_strdelimit (detail, "\n", ' ');
      fail (ctl, "%s (libvirt: %s)", sentence, detail);
    }
  else
    fail (ctl, "%s", sentence);
}

/* A value on one line: "key: value" output keeps one key per line. */
static char *
one_line (const char *value)
{
  g_autoptr(GString) text = g_string_new (value);

  g_string_replace (text, "\\", "\\\\", 0);
  g_string_replace (text, "\n", "\\n", 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The columns @text takes on a terminal: two for a wide character (CJK), none for a
 * combining mark. */
static int
terminal_width (const char *text)
{
  int width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_iszerowidth (c))
        width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

static const char *
yes_no (gboolean value)
{
  return value ? "yes" : "no";
}

/* A machine's network interfaces, as --json prints them. */
static void
add_nics_json (JsonBuilder      *builder,
               VireoDBusMachine *machine)
{
  g_autoptr(GPtrArray) nics = vireo_machine_dup_nics (machine);

  json_builder_begin_array (builder);
  for (guint i = 0; i < nics->len; i++)
    {
      VireoNic *nic = g_ptr_array_index (nics, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mac");
      json_builder_add_string_value (builder, nic->mac);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, nic->type);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, nic->source);
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, nic->model);
      json_builder_set_member_name (builder, "link");
      json_builder_add_string_value (builder, nic->link_up ? "up" : "down");
      json_builder_set_member_name (builder, "addresses");
      json_builder_begin_array (builder);
      for (guint a = 0; nic->addresses != NULL && nic->addresses[a] != NULL; a++)
        json_builder_add_string_value (builder, nic->addresses[a]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* "10.77.8.23/24 fd00::23/64", or "-". */
static char *
addresses_text (const VireoNic *nic)
{
  return nic->addresses != NULL && nic->addresses[0] != NULL ? g_strjoinv (" ", nic->addresses) : g_strdup ("-");
}

/* Waiting for the helper */

static gboolean
ready_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates until the client knows where it stands. A helper that is (re)connecting to
 * libvirtd gets READY_TIMEOUT_S to finish. With @need_libvirt FALSE, a helper without
 * libvirtd is good enough (for `host`, which says why). */
static VireoClientState
wait_settled (Ctl      *ctl,
              gboolean  need_libvirt)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  vireo_client_start (ctl->client);
  timeout_id = g_timeout_add_seconds (READY_TIMEOUT_S, ready_timeout_cb, &timed_out);
  while (!timed_out && !g_cancellable_is_cancelled (ctl->cancellable))
    {
      VireoClientState state = vireo_client_get_state (ctl->client);

      if (state == VIREO_CLIENT_READY || state == VIREO_CLIENT_NO_HELPER
          || (state == VIREO_CLIENT_NO_LIBVIRT && !need_libvirt))
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (timeout_id);
  return vireo_client_get_state (ctl->client);
}

static gboolean
wait_ready (Ctl      *ctl,
            gboolean  need_libvirt)
{
  switch (wait_settled (ctl, need_libvirt))
    {
    case VIREO_CLIENT_READY:
      return TRUE;

    case VIREO_CLIENT_NO_LIBVIRT:
      if (!need_libvirt)
        return TRUE;
      G_GNUC_FALLTHROUGH;
    case VIREO_CLIENT_NO_HELPER:
      fail (ctl, "%s", vireo_client_get_problem (ctl->client));
      return FALSE;

    case VIREO_CLIENT_CONNECTING:
    default:
      fail (ctl, "%s", _("The Vireo helper did not answer."));
      return FALSE;
    }
}

static VireoDBusMachine *
find_machine (Ctl        *ctl,
              const char *name)
{
  VireoDBusMachine *machine = vireo_client_find_machine (ctl->client, name);

  if (machine == NULL)
    fail (ctl, _("There is no machine named “%s”."), name);
  return machine;
}

/* Waits for one async call. */
typedef struct {
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (Wait *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

/* Parses the command's own options; TRUE when they parse and @n_args arguments are left (the
 * command's name included). */
static gboolean
parse_options (Ctl    *ctl,
               int    *argc,
               char ***argv,
               int     n_args)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  if (ctl->command->options != NULL)
    g_option_context_add_main_entries (context, ctl->command->options, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  return g_option_context_parse (context, argc, argv, NULL) && *argc == n_args;
}

/* The machine a command names, once the helper has answered; NULL after saying why not. */
static VireoDBusMachine *
ready_machine (Ctl        *ctl,
               const char *name)
{
  return wait_ready (ctl, TRUE) ? find_machine (ctl, name) : NULL;
}

/* Machines, sorted by name */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  VireoDBusMachine *ma = *(VireoDBusMachine **) a;
  VireoDBusMachine *mb = *(VireoDBusMachine **) b;

  return g_strcmp0 (vireo_dbus_machine_get_name (ma), vireo_dbus_machine_get_name (mb));
}

static GPtrArray *
sorted_machines (Ctl *ctl)
{
  GListModel *model = vireo_client_get_machines (ctl->client);
  guint n = g_list_model_get_n_items (model);
  GPtrArray *machines = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (machines, g_list_model_get_item (model, i));
  g_ptr_array_sort (machines, compare_names);
  return machines;
}

/* Commands */

static int
cmd_list (Ctl   *ctl,
          int    argc,
          char **argv)
{
  g_autoptr(GPtrArray) machines = NULL;

  if (!parse_options (ctl, &argc, &argv, 1))
    return EXIT_USAGE;

  if (!wait_ready (ctl, TRUE))
    return ctl->status;

  machines = sorted_machines (ctl);

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < machines->len; i++)
        {
          VireoDBusMachine *machine = g_ptr_array_index (machines, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, vireo_dbus_machine_get_name (machine));
          json_builder_set_member_name (builder, "uuid");
          json_builder_add_string_value (builder, vireo_dbus_machine_get_uuid (machine));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, vireo_dbus_machine_get_title (machine));
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, vireo_dbus_machine_get_state (machine));
          json_builder_set_member_name (builder, "vcpus");
          json_builder_add_int_value (builder, vireo_dbus_machine_get_vcpus (machine));
          json_builder_set_member_name (builder, "memory-mib");
          json_builder_add_int_value (builder, (gint64) vireo_dbus_machine_get_memory_mib (machine));
          json_builder_set_member_name (builder, "persistent");
          json_builder_add_boolean_value (builder, vireo_dbus_machine_get_persistent (machine));
          json_builder_set_member_name (builder, "autostart");
          json_builder_add_boolean_value (builder, vireo_dbus_machine_get_autostart (machine));
          json_builder_set_member_name (builder, "nics");
          add_nics_json (builder, machine);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_json (builder);
      return 0;
    }

  if (opt.names)
    {
      for (guint i = 0; i < machines->len; i++)
        g_print ("%s\n", vireo_dbus_machine_get_name (g_ptr_array_index (machines, i)));
      return 0;
    }

  if (machines->len == 0)
    {
      g_print ("%s\n", _("No machines."));
      return 0;
    }

  /* Column headers are not translated: scripts read this output. */
  g_print ("%-32s %-14s %5s %10s\n", "NAME", "STATE", "VCPUS", "MEMORY");
  for (guint i = 0; i < machines->len; i++)
    {
      VireoDBusMachine *machine = g_ptr_array_index (machines, i);

      const char *name = vireo_dbus_machine_get_name (machine);

      /* Padded by the columns the name takes on a terminal, not its bytes. */
      g_print ("%s%*s %-14s %5u %6" G_GUINT64_FORMAT " MiB\n",
               name, MAX (0, 32 - terminal_width (name)), "", vireo_dbus_machine_get_state (machine),
               vireo_dbus_machine_get_vcpus (machine), vireo_dbus_machine_get_memory_mib (machine));
    }
  return 0;
}

static int
cmd_info (Ctl   *ctl,
          int    argc,
          char **argv)
{
  VireoDBusMachine *machine;
  const char *const *graphics;
  GVariant *disks;
  g_autoptr(GPtrArray) nics = NULL;

  if (!parse_options (ctl, &argc, &argv, 2))
    return EXIT_USAGE;
  if ((machine = ready_machine (ctl, argv[1])) == NULL)
    return ctl->status;

  graphics = vireo_dbus_machine_get_graphics_types (machine);
  disks = vireo_dbus_machine_get_disks (machine);
  nics = vireo_machine_dup_nics (machine);

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
#define STRING_MEMBER(key, value)                              \
      json_builder_set_member_name (builder, key);             \
      json_builder_add_string_value (builder, value)
      STRING_MEMBER ("name", vireo_dbus_machine_get_name (machine));
      STRING_MEMBER ("uuid", vireo_dbus_machine_get_uuid (machine));
      STRING_MEMBER ("title", vireo_dbus_machine_get_title (machine));
      STRING_MEMBER ("description", vireo_dbus_machine_get_description (machine));
      STRING_MEMBER ("state", vireo_dbus_machine_get_state (machine));
      STRING_MEMBER ("os-id", vireo_dbus_machine_get_os_id (machine));
      STRING_MEMBER ("os-name", vireo_dbus_machine_get_os_name (machine));
      json_builder_set_member_name (builder, "vcpus");
      json_builder_add_int_value (builder, vireo_dbus_machine_get_vcpus (machine));
      json_builder_set_member_name (builder, "memory-mib");
      json_builder_add_int_value (builder, (gint64) vireo_dbus_machine_get_memory_mib (machine));
      json_builder_set_member_name (builder, "persistent");
      json_builder_add_boolean_value (builder, vireo_dbus_machine_get_persistent (machine));
      json_builder_set_member_name (builder, "autostart");
      json_builder_add_boolean_value (builder, vireo_dbus_machine_get_autostart (machine));
      json_builder_set_member_name (builder, "serial");
      json_builder_add_boolean_value (builder, vireo_dbus_machine_get_has_serial (machine));
      json_builder_set_member_name (builder, "graphics");
      json_builder_begin_array (builder);
      for (guint i = 0; graphics != NULL && graphics[i] != NULL; i++)
        json_builder_add_string_value (builder, graphics[i]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "disks");
      json_builder_begin_array (builder);
      for (gsize i = 0; disks != NULL && i < g_variant_n_children (disks); i++)
        {
          const char *target, *path, *device, *type;
          guint64 size;

          g_variant_get_child (disks, i, "(&s&s&st&s)", &target, &path, &device, &size, &type);
          json_builder_begin_object (builder);
          STRING_MEMBER ("target", target);
          STRING_MEMBER ("path", path);
          STRING_MEMBER ("device", device);
          STRING_MEMBER ("type", type);
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, (gint64) size);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "nics");
      add_nics_json (builder, machine);
#undef STRING_MEMBER
      json_builder_end_object (builder);
      print_json (builder);
      return 0;
    }

  {
    g_autofree char *graphics_text = graphics != NULL ? g_strjoinv (", ", (char **) graphics) : g_strdup ("");
    g_autofree char *title = one_line (vireo_dbus_machine_get_title (machine));
    g_autofree char *description = one_line (vireo_dbus_machine_get_description (machine));

    /* One "key: value" per line; keys are not translated, scripts read them. */
    g_print ("name: %s\n", vireo_dbus_machine_get_name (machine));
    g_print ("uuid: %s\n", vireo_dbus_machine_get_uuid (machine));
    g_print ("title: %s\n", title);
    g_print ("description: %s\n", description);
    g_print ("state: %s\n", vireo_dbus_machine_get_state (machine));
    g_print ("os-id: %s\n", vireo_dbus_machine_get_os_id (machine));
    g_print ("os-name: %s\n", vireo_dbus_machine_get_os_name (machine));
    g_print ("vcpus: %u\n", vireo_dbus_machine_get_vcpus (machine));
    g_print ("memory-mib: %" G_GUINT64_FORMAT "\n", vireo_dbus_machine_get_memory_mib (machine));
    g_print ("persistent: %s\n", yes_no (vireo_dbus_machine_get_persistent (machine)));
    g_print ("autostart: %s\n", yes_no (vireo_dbus_machine_get_autostart (machine)));
    g_print ("graphics: %s\n", graphics_text);
    g_print ("serial: %s\n", yes_no (vireo_dbus_machine_get_has_serial (machine)));
  }
  for (gsize i = 0; disks != NULL && i < g_variant_n_children (disks); i++)
    {
      const char *target, *path, *device, *type;
      guint64 size;
      g_autofree char *size_text = NULL;

      g_variant_get_child (disks, i, "(&s&s&st&s)", &target, &path, &device, &size, &type);
      size_text = size > 0 ? g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS) : g_strdup ("-");
      g_print ("disk: %s, %s, %s, %s, %s\n", target, device, type, size_text, path[0] != '\0' ? path : "-");
    }
  for (guint i = 0; i < nics->len; i++)
    {
      VireoNic *nic = g_ptr_array_index (nics, i);
      g_autofree char *addresses = addresses_text (nic);

      g_print ("nic: %s, %s, %s, %s, %s, %s\n", nic->mac, nic->type, nic->source[0] != '\0' ? nic->source : "-",
               nic->model[0] != '\0' ? nic->model : "-", nic->link_up ? "up" : "down", addresses);
    }
  return 0;
}

static int
run_action (Ctl                *ctl,
            const char         *name,
            VireoMachineAction  action,
            GVariant           *options)
{
  g_autoptr(GVariant) owned = options != NULL ? g_variant_ref_sink (options) : NULL;
  g_autoptr(GError) error = NULL;
  VireoDBusMachine *machine;
  Wait wait = { NULL };

  if ((machine = ready_machine (ctl, name)) == NULL)
    return ctl->status;

  vireo_machine_run_async (machine, action, owned, ctl->cancellable, wait_cb, &wait);
  if (!vireo_machine_run_finish (machine, wait_for_result (&wait), &error))
    fail_with_error (ctl, error);
  g_clear_object (&wait.result);
  return ctl->status;
}

static int
cmd_action (Ctl   *ctl,
            int    argc,
            char **argv)
{
  if (!parse_options (ctl, &argc, &argv, 2))
    return EXIT_USAGE;
  return run_action (ctl, argv[1], ctl->command->action, NULL);
}

static int
cmd_delete (Ctl   *ctl,
            int    argc,
            char **argv)
{
  GVariantDict options;

  if (!parse_options (ctl, &argc, &argv, 2))
    return EXIT_USAGE;

  g_variant_dict_init (&options, NULL);
  if (opt.disks != NULL)
    g_variant_dict_insert_value (&options, "disks", g_variant_new_strv ((const char *const *) opt.disks, -1));
  return run_action (ctl, argv[1], VIREO_MACHINE_ACTION_DELETE, g_variant_dict_end (&options));
}

static int
cmd_xml (Ctl   *ctl,
         int    argc,
         char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  VireoDBusMachine *machine;
  Wait wait = { NULL };

  if (!parse_options (ctl, &argc, &argv, 2))
    return EXIT_USAGE;

  if ((machine = ready_machine (ctl, argv[1])) == NULL)
    return ctl->status;

  vireo_machine_get_xml_async (machine, opt.inactive, ctl->cancellable, wait_cb, &wait);
  xml = vireo_machine_get_xml_finish (machine, wait_for_result (&wait), &error);
  g_clear_object (&wait.result);
  if (xml == NULL)
    {
      fail_with_error (ctl, error);
      return ctl->status;
    }

  print_xml (ctl, xml);
  return 0;
}

/* jobs */

static int
cmd_jobs (Ctl   *ctl,
          int    argc,
          char **argv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GDBusObjectManager *manager;
  GList *objects;

  if (!parse_options (ctl, &argc, &argv, 1))
    return EXIT_USAGE;
  if (!wait_ready (ctl, FALSE))
    return ctl->status;

  manager = vireo_client_get_object_manager (ctl->client);
  objects = manager != NULL ? g_dbus_object_manager_get_objects (manager) : NULL;
  json_builder_begin_array (builder);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      VireoDBusJob *job = vireo_dbus_object_peek_job (VIREO_DBUS_OBJECT (l->data));
      double progress;

      if (job == NULL)
        continue;
      progress = vireo_dbus_job_get_progress (job);
      if (ctl->json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "operation");
          json_builder_add_string_value (builder, vireo_dbus_job_get_operation (job));
          json_builder_set_member_name (builder, "target");
          json_builder_add_string_value (builder, vireo_dbus_job_get_target (job));
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, vireo_dbus_job_get_description (job));
          json_builder_set_member_name (builder, "progress");
          json_builder_add_double_value (builder, progress);
          json_builder_end_object (builder);
        }
      else if (progress >= 0)
        g_print ("%s: %s, %s, %d%%\n", vireo_dbus_job_get_target (job), vireo_dbus_job_get_operation (job),
                 vireo_dbus_job_get_description (job), (int) (progress * 100));
      else
        g_print ("%s: %s, %s\n", vireo_dbus_job_get_target (job), vireo_dbus_job_get_operation (job),
                 vireo_dbus_job_get_description (job));
    }
  json_builder_end_array (builder);
  g_list_free_full (objects, g_object_unref);
  if (ctl->json)
    print_json (builder);
  return 0;
}

/* catalogue and download */

/* The catalogue, read in this thread (about 0.3 s). */
static GPtrArray *
load_catalogue (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *catalogue = vireo_os_catalogue_list (&error);

  if (catalogue == NULL)
    fail_with_error (ctl, error);
  return catalogue;
}

static int
cmd_catalogue (Ctl   *ctl,
               int    argc,
               char **argv)
{
  g_autoptr(GPtrArray) catalogue = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *vendor = NULL;

  if (!parse_options (ctl, &argc, &argv, 1))
    return EXIT_USAGE;
  if ((catalogue = load_catalogue (ctl)) == NULL)
    return ctl->status;

  json_builder_begin_array (builder);
  for (guint i = 0; i < catalogue->len; i++)
    {
      const VireoOsMedium *medium = g_ptr_array_index (catalogue, i);

      if (!vireo_os_medium_matches (medium, opt.search))
        continue;
      if (ctl->json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "vendor");
          json_builder_add_string_value (builder, medium->vendor);
          json_builder_set_member_name (builder, "os-id");
          json_builder_add_string_value (builder, medium->os_id);
          json_builder_set_member_name (builder, "short-id");
          json_builder_add_string_value (builder, medium->short_id != NULL ? medium->short_id : "");
          json_builder_set_member_name (builder, "os-name");
          json_builder_add_string_value (builder, medium->os_name);
          json_builder_set_member_name (builder, "release-date");
          json_builder_add_string_value (builder, medium->release_date != NULL ? medium->release_date : "");
          json_builder_set_member_name (builder, "live");
          json_builder_add_boolean_value (builder, medium->live);
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, medium->url);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, medium->file_name);
          json_builder_end_object (builder);
          continue;
        }
      /* By vendor, newest first: one line per medium under its vendor. */
      if (g_strcmp0 (vendor, medium->vendor) != 0)
        g_print ("%s\n", medium->vendor[0] != '\0' ? medium->vendor : _("Other vendors"));
      vendor = medium->vendor;
      g_print ("  %s\t%s%s\t%s\n", medium->short_id != NULL ? medium->short_id : medium->os_id, medium->os_name,
               medium->live ? _(" (live)") : "", medium->url);
    }
  json_builder_end_array (builder);
  if (ctl->json)
    print_json (builder);
  return 0;
}

/* create --iso-volume: the system, when not given, from the catalogue medium of that name (the
 * file is the helper's: this user may not read it to detect it). */
static gboolean
propose_iso_volume (Ctl             *ctl,
                    VireoNewMachine *machine,
                    gboolean         detect)
{
  g_autoptr(GError) error = NULL;

  if (!vireo_download_validate_name (opt.iso_volume, &error))
    {
      fail_with_error (ctl, error);
      return FALSE;
    }
  machine->iso_volume = g_strdup (opt.iso_volume);
  if (detect)
    {
      g_autoptr(GPtrArray) catalogue = vireo_os_catalogue_list (NULL);

      for (guint i = 0; catalogue != NULL && i < catalogue->len; i++)
        {
          const VireoOsMedium *medium = g_ptr_array_index (catalogue, i);

          if (g_str_equal (medium->file_name, opt.iso_volume))
            {
              vireo_new_machine_use_download (machine, medium->os_id, medium->url, opt.iso_volume, NULL);
              break;
            }
        }
    }
  return TRUE;
}

typedef struct {
  Ctl        *ctl;
  const char *target;
  gboolean    terminal;
  gboolean    cancelling;
  int         shown;
} DownloadProgress;

static gboolean
download_progress_cb (gpointer user_data)
{
  DownloadProgress *progress = user_data;
  g_autoptr(VireoDBusJob) job = NULL;
  g_autofree char *line = NULL;
  double fraction;

  if (!progress->terminal || (job = vireo_client_find_job_for (progress->ctl->client, "download-medium", progress->target)) == NULL)
    return G_SOURCE_CONTINUE;
  fraction = vireo_dbus_job_get_progress (job);
  line = fraction >= 0 ? g_strdup_printf ("%s… %d%%", vireo_dbus_job_get_description (job), (int) (fraction * 100))
                       : g_strdup_printf ("%s…", vireo_dbus_job_get_description (job));
  g_printerr ("\r%-*s", progress->shown, line);
  progress->shown = MAX (progress->shown, terminal_width (line));
  return G_SOURCE_CONTINUE;
}

static gboolean
download_sigint_cb (gpointer user_data)
{
  DownloadProgress *progress = user_data;
  g_autoptr(VireoDBusJob) job = vireo_client_find_job_for (progress->ctl->client, "download-medium", progress->target);

  if (job != NULL && !progress->cancelling)
    {
      progress->cancelling = TRUE;
      vireo_dbus_job_call_cancel (job, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static int
cmd_download (Ctl   *ctl,
              int    argc,
              char **argv)
{
  g_autoptr(GPtrArray) catalogue = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  GVariantBuilder options;
  VireoDBusManager *manager;
  Wait wait = { NULL };

  if (!parse_options (ctl, &argc, &argv, 1))
    return EXIT_USAGE;
  if ((opt.os == NULL) == (opt.url == NULL))
    {
      g_printerr ("vireoctl: %s\n", _("Name what to download: a system of the catalogue (--os) or an address (--url)."));
      return EXIT_USAGE;
    }
  if (opt.os != NULL)
    {
      const VireoOsMedium *medium;

      if ((catalogue = load_catalogue (ctl)) == NULL)
        return ctl->status;
      medium = vireo_os_catalogue_find (catalogue, opt.os);
      if (medium == NULL)
        {
          fail (ctl, _("The catalogue has no medium to download for “%s” (vireoctl catalogue lists them)."), opt.os);
          return ctl->status;
        }
      url = g_strdup (medium->url);
      name = g_strdup (opt.name != NULL ? opt.name : medium->file_name);
    }
  else
    {
      url = g_strdup (opt.url);
      name = opt.name != NULL ? g_strdup (opt.name) : vireo_download_name_for_url (url, NULL);
    }
  /* The helper checks all this again; saying it here spares a password prompt. */
  if (!vireo_download_validate_url (url, &error)
      || (name != NULL && !vireo_download_validate_name (name, &error))
      || (opt.sha256 != NULL && !vireo_download_validate_sha256 (opt.sha256, &error)))
    {
      fail_with_error (ctl, error);
      return ctl->status;
    }
  if (name == NULL)
    {
      fail (ctl, _("“%s” names no file that ends in .iso: give the medium a name with --name."), url);
      return ctl->status;
    }
  if (!wait_ready (ctl, TRUE))
    return ctl->status;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "url", g_variant_new_string (url));
  g_variant_builder_add (&options, "{sv}", "name", g_variant_new_string (name));
  if (opt.sha256 != NULL)
    g_variant_builder_add (&options, "{sv}", "sha256", g_variant_new_string (opt.sha256));
  manager = vireo_client_get_manager (ctl->client);

  /* Its job's progress on a terminal; Ctrl+C cancels it (the partial file goes). */
  {
    DownloadProgress progress = { ctl, name, isatty (STDERR_FILENO), FALSE, 0 };
    guint sigint_id = g_unix_signal_add (SIGINT, download_sigint_cb, &progress);
    guint progress_id = g_timeout_add (500, download_progress_cb, &progress);
    gboolean ok;

    vireo_dbus_manager_call_download_media (manager, g_variant_builder_end (&options),
                                            ctl->no_interaction ? G_DBUS_CALL_FLAGS_NONE
                                                                : G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                                            G_MAXINT, NULL, wait_cb, &wait);
    ok = vireo_dbus_manager_call_download_media_finish (manager, &path, wait_for_result (&wait), &error);
    g_source_remove (sigint_id);
    g_source_remove (progress_id);
    if (progress.shown > 0)
      g_printerr ("\r%*s\r", progress.shown, "");
    g_clear_object (&wait.result);
    if (!ok)
      {
        fail_with_error (ctl, error);
        return ctl->status;
      }
  }

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print ("%s\n", path);
  return 0;
}

/* create */

/* @path made absolute against the working directory, as a shell user means it. */
static char *
absolute_path (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

/* The first line of @path ("-": standard input), without its newline: a password. */
static char *
read_password_file (const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  char *line;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      char buf[1024];
      gsize got = 0;

      if (!g_input_stream_read_all (in, buf, sizeof buf - 1, &got, NULL, error))
        return NULL;
      buf[got] = '\0';
      contents = g_strdup (buf);
      explicit_bzero (buf, sizeof buf);
    }
  else if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  line = g_strndup (contents, strcspn (contents, "\r\n"));
  explicit_bzero (contents, strlen (contents));
  return line;
}

/* --express and --password-file: the session's proposal, then what they say instead. */
static gboolean
set_express (Ctl             *ctl,
             VireoNewMachine *machine)
{
  g_autoptr(VireoExpress) express = vireo_express_new_from_session (machine->name);
  g_autoptr(GError) error = NULL;

  if (opt.express[0] != '\0' && !g_str_equal (opt.express, "default"))
    {
      g_auto(GStrv) pairs = g_strsplit (opt.express, ",", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          const char *eq = strchr (pairs[i], '=');
          g_autofree char *key = eq != NULL ? g_strndup (pairs[i], eq - pairs[i]) : g_strdup (pairs[i]);

          if (eq == NULL || g_str_equal (key, "password"))
            {
              fail (ctl, eq == NULL ? _("--express takes KEY=VALUE pairs separated by commas, such as user=ann,timezone=Europe/Paris.")
                                    : _("The password goes in a file: --password-file FILE (never on the command line, where other users can read it)."));
              ctl->status = EXIT_USAGE;
              return FALSE;
            }
          if (!vireo_express_set (express, key, eq + 1, &error))
            {
              fail_with_error (ctl, error);
              ctl->status = EXIT_USAGE;
              return FALSE;
            }
        }
    }
  if (opt.password_file != NULL)
    {
      g_autofree char *password = read_password_file (opt.password_file, &error);

      if (password == NULL || !vireo_express_set (express, "password", password, &error))
        {
          fail_with_error (ctl, error);
          return FALSE;
        }
      explicit_bzero (password, strlen (password));
    }
  if (!vireo_express_validate (express, &error))
    {
      fail_with_error (ctl, error);
      ctl->status = EXIT_USAGE;
      return FALSE;
    }
  if (machine->os_id == NULL)
    {
      fail (ctl, _("libosinfo does not recognise this medium, so Vireo cannot install it unattended: leave out --express, or name its system with --os."));
      return FALSE;
    }
  if (machine->os_id != NULL && g_strcmp0 (machine->os_id, machine->media_os_id) == 0 && !machine->express)
    {
      fail (ctl, _("libosinfo has no express installation for this medium of %s: leave out --express to install by hand."),
            machine->os_name);
      return FALSE;
    }
  if (machine->express_needs_password && (express->user_password == NULL || express->user_password[0] == '\0'))
    {
      fail (ctl, _("The installer of %s needs a password for the user: give one with --password-file FILE."), machine->os_name);
      return FALSE;
    }
  machine->express_config = g_steal_pointer (&express);
  return TRUE;
}

/* The proposal, from the medium, the operating system and the host, then what the options
 * say instead. */
static VireoNewMachine *
propose (Ctl *ctl)
{
  g_autoptr(VireoNewMachine) machine = vireo_new_machine_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) taken = NULL;
  VireoDBusManager *manager = vireo_client_get_manager (ctl->client);
  gboolean detect = opt.os == NULL || g_str_equal (opt.os, "auto");
  const char *iso = opt.detect != NULL ? opt.detect : opt.location != NULL ? opt.location : opt.iso;

  if (iso != NULL)
    {
      g_autofree char *path = vireo_is_location (iso) ? g_strdup (iso) : absolute_path (iso);

      if (detect)
        {
          if (!vireo_new_machine_detect (machine, path, ctl->cancellable, &error))
            {
              fail_with_error (ctl, error);
              return NULL;
            }
        }
      else if (vireo_is_location (path))
        machine->location = g_steal_pointer (&path);
      else
        machine->iso = g_steal_pointer (&path);
    }
  if (!detect && !vireo_new_machine_set_os (machine, opt.os, &error))
    {
      fail_with_error (ctl, error);
      return NULL;
    }
  if (manager != NULL)
    vireo_new_machine_bound (machine, vireo_dbus_manager_get_memory_mib (manager),
                             vireo_dbus_manager_get_cpu_count (manager));

  if (opt.memory_mib >= 0)
    machine->memory_mib = (guint64) opt.memory_mib;
  if (opt.vcpus >= 0)
    machine->vcpus = (guint) opt.vcpus;
  if (opt.disk_gib >= 0)
    machine->disk_gib = (guint64) opt.disk_gib;
  if (opt.firmware != NULL)
    {
      g_free (machine->firmware);
      machine->firmware = g_strdup (opt.firmware);
      if (g_str_equal (opt.firmware, "bios"))
        machine->secure_boot = FALSE;
    }
  if (opt.secure_boot)
    {
      g_free (machine->firmware);
      machine->firmware = g_strdup ("efi");
      machine->secure_boot = TRUE;
    }
  if (opt.tpm)
    machine->tpm = TRUE;
  machine->pxe = opt.pxe;
  if (opt.import != NULL)
    machine->import = absolute_path (opt.import);
  if (opt.iso_volume != NULL && !propose_iso_volume (ctl, machine, detect))
    return NULL;
  if (opt.network != NULL)
    {
      g_free (machine->network);
      machine->network = g_str_equal (opt.network, "none") ? NULL : g_strdup (opt.network);
    }
  taken = vireo_client_dup_machine_names (ctl->client);
  machine->name = opt.name != NULL ? g_strdup (opt.name)
                                   : vireo_new_machine_propose_name (machine, (const char * const *) taken);
  if (opt.express != NULL && !set_express (ctl, machine))
    return NULL;
  return g_steal_pointer (&machine);
}

typedef struct {
  Ctl        *ctl;
  const char *target;
  gboolean    terminal;
  gboolean    cancelling;
  int         shown;        /* columns of the progress line on the terminal */
} CreateProgress;

static gboolean
create_progress_cb (gpointer user_data)
{
  CreateProgress *progress = user_data;
  g_autoptr(VireoDBusJob) job = NULL;
  g_autofree char *line = NULL;
  double fraction;

  if (!progress->terminal || (job = vireo_client_find_job (progress->ctl->client, progress->target)) == NULL)
    return G_SOURCE_CONTINUE;
  fraction = vireo_dbus_job_get_progress (job);
  line = fraction >= 0 ? g_strdup_printf ("%s… %d%%", vireo_dbus_job_get_description (job), (int) (fraction * 100))
                       : g_strdup_printf ("%s…", vireo_dbus_job_get_description (job));
  g_printerr ("\r%-*s", progress->shown, line);
  progress->shown = MAX (progress->shown, terminal_width (line));
  return G_SOURCE_CONTINUE;
}

static gboolean
create_sigint_cb (gpointer user_data)
{
  CreateProgress *progress = user_data;
  g_autoptr(VireoDBusJob) job = vireo_client_find_job (progress->ctl->client, progress->target);

  if (job != NULL && !progress->cancelling)
    {
      progress->cancelling = TRUE;
      vireo_dbus_job_call_cancel (job, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static int
print_proposal (Ctl             *ctl,
                VireoNewMachine *machine)
{
  const char *os_name = machine->os_name != NULL ? machine->os_name : _("Unknown operating system");

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "os-id");
      json_builder_add_string_value (builder, machine->os_id != NULL ? machine->os_id : "");
      json_builder_set_member_name (builder, "os-name");
      json_builder_add_string_value (builder, os_name);
      json_builder_set_member_name (builder, "express");
      json_builder_add_boolean_value (builder, machine->express);
      json_builder_set_member_name (builder, "memory-mib");
      json_builder_add_int_value (builder, (gint64) machine->memory_mib);
      json_builder_set_member_name (builder, "vcpus");
      json_builder_add_int_value (builder, machine->vcpus);
      json_builder_set_member_name (builder, "disk-gib");
      json_builder_add_int_value (builder, (gint64) machine->disk_gib);
      json_builder_set_member_name (builder, "firmware");
      json_builder_add_string_value (builder, machine->firmware != NULL ? machine->firmware : "bios");
      json_builder_set_member_name (builder, "secure-boot");
      json_builder_add_boolean_value (builder, machine->secure_boot);
      json_builder_set_member_name (builder, "tpm");
      json_builder_add_boolean_value (builder, machine->tpm);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, machine->name);
      json_builder_end_object (builder);
      print_json (builder);
      return 0;
    }

  g_print ("os-id: %s\n", machine->os_id != NULL ? machine->os_id : "");
  g_print ("os-name: %s\n", os_name);
  g_print ("express: %s\n", yes_no (machine->express));
  g_print ("memory-mib: %" G_GUINT64_FORMAT "\n", machine->memory_mib);
  g_print ("vcpus: %u\n", machine->vcpus);
  g_print ("disk-gib: %" G_GUINT64_FORMAT "\n", machine->disk_gib);
  g_print ("firmware: %s\n", machine->firmware != NULL ? machine->firmware : "bios");
  g_print ("secure-boot: %s\n", yes_no (machine->secure_boot));
  g_print ("tpm: %s\n", yes_no (machine->tpm));
  g_print ("name: %s\n", machine->name);
  return 0;
}

static int
cmd_create (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autoptr(VireoNewMachine) machine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) spec = NULL;
  g_autofree char *path = NULL;
  VireoDBusManager *manager;
  VireoDBusMachine *created;
  Wait wait = { NULL };

  if (!parse_options (ctl, &argc, &argv, 1))
    return EXIT_USAGE;
  if (opt.detect != NULL && (opt.iso != NULL || opt.name != NULL || opt.no_start || opt.print_xml))
    {
      g_printerr ("vireoctl: %s\n", _("--detect only reads a medium: it takes no other option but --os."));
      return EXIT_USAGE;
    }
  if (opt.password_file != NULL && opt.express == NULL)
    {
      g_printerr ("vireoctl: %s\n", _("--password-file is for an express installation: add --express."));
      return EXIT_USAGE;
    }
  if (opt.location != NULL && (opt.iso != NULL || opt.import != NULL || opt.pxe || opt.detect != NULL))
    {
      g_printerr ("vireoctl: %s\n", _("--location is the machine’s source: it takes no --iso, --import, --pxe or --detect (--detect URL reads a tree)."));
      return EXIT_USAGE;
    }
  if (opt.location != NULL && !vireo_is_location (opt.location))
    {
      g_printerr ("vireoctl: %s\n", _("--location takes an http://, https:// or ftp:// address."));
      return EXIT_USAGE;
    }
  if (opt.express != NULL && ((opt.iso == NULL && opt.iso_volume == NULL) || opt.detect != NULL))
    {
      g_printerr ("vireoctl: %s\n", _("--express installs from an installation medium: it needs --iso or --iso-volume."));
      return EXIT_USAGE;
    }
  if (opt.import != NULL && opt.disk_gib >= 0)
    {
      g_printerr ("vireoctl: %s\n", _("--import gives the machine its disk: it takes no --disk-size."));
      return EXIT_USAGE;
    }
  if (opt.memory_mib == 0 || opt.vcpus == 0 || opt.memory_mib < -1 || opt.vcpus < -1 || opt.disk_gib < -1)
    {
      g_printerr ("vireoctl: %s\n", _("--memory and --vcpus must be positive, --disk-size 0 or more."));
      return EXIT_USAGE;
    }

  /* The host bounds the proposal, and names in use are not proposed; --detect does without
   * them when there is no helper to ask. */
  if (opt.detect != NULL)
    wait_settled (ctl, FALSE);
  else if (!wait_ready (ctl, TRUE))
    return ctl->status;
  machine = propose (ctl);
  if (machine == NULL)
    return ctl->status;
  if (opt.detect != NULL)
    return print_proposal (ctl, machine);

  manager = vireo_client_get_manager (ctl->client);
  spec = g_variant_ref_sink (vireo_new_machine_to_spec (machine));
  if (opt.print_xml)
    {
      g_autofree char *xml = NULL;

      vireo_dbus_manager_call_preview_machine (manager, spec, G_DBUS_CALL_FLAGS_NONE, -1, ctl->cancellable,
                                               wait_cb, &wait);
      if (!vireo_dbus_manager_call_preview_machine_finish (manager, &xml, wait_for_result (&wait), &error))
        {
          g_clear_object (&wait.result);
          fail_with_error (ctl, error);
          return ctl->status;
        }
      g_clear_object (&wait.result);
      print_xml (ctl, xml);
      return 0;
    }

  /* While the helper works: its job's progress on a terminal; Ctrl+C cancels it (the call
   * then fails as cancelled, and nothing is left). */
  {
    CreateProgress progress = { ctl, machine->name, isatty (STDERR_FILENO), FALSE, 0 };
    guint sigint_id = g_unix_signal_add (SIGINT, create_sigint_cb, &progress);
    guint progress_id = g_timeout_add (500, create_progress_cb, &progress);
    gboolean ok;

    vireo_dbus_manager_call_create_machine (manager, spec,
                                            ctl->no_interaction ? G_DBUS_CALL_FLAGS_NONE
                                                                : G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                                            G_MAXINT, NULL, wait_cb, &wait);
    ok = vireo_dbus_manager_call_create_machine_finish (manager, &path, wait_for_result (&wait), &error);
    g_source_remove (sigint_id);
    g_source_remove (progress_id);
    if (progress.shown > 0)
      g_printerr ("\r%*s\r", progress.shown, "");
    g_clear_object (&wait.result);
    if (!ok)
      {
        fail_with_error (ctl, error);
        return ctl->status;
      }
  }

  /* The object is there when the call returns. */
  created = vireo_client_lookup_machine (ctl->client, path);
  if (!opt.no_start && created == NULL)
    {
      fail (ctl, _("“%s” was created, but could not be started: the helper does not list it."), machine->name);
      return ctl->status;
    }
  if (!opt.no_start)
    {
      vireo_machine_run_async (created, VIREO_MACHINE_ACTION_START, NULL, ctl->cancellable, wait_cb, &wait);
      if (!vireo_machine_run_finish (created, wait_for_result (&wait), &error))
        {
          g_autofree char *sentence = NULL;

          vireo_error_get_text (error, &sentence, NULL);
          g_clear_object (&wait.result);
          fail (ctl, _("“%s” was created, but could not be started: %s"), machine->name, sentence);
          return ctl->status;
        }
      g_clear_object (&wait.result);
    }

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, machine->name);
      json_builder_set_member_name (builder, "object-path");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "os-id");
      json_builder_add_string_value (builder, machine->os_id != NULL ? machine->os_id : "");
      json_builder_set_member_name (builder, "started");
      json_builder_add_boolean_value (builder, !opt.no_start);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print (opt.no_start ? _("Created “%s”.\n") : _("Created and started “%s”.\n"), machine->name);
  return 0;
}

/* vireo-viewer: beside vireoctl when installed, in the build tree's viewer/ when not. */
static char *
find_viewer (void)
{
  const char *env = g_getenv ("VIREO_VIEWER");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self != NULL ? g_path_get_dirname (self) : NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (dir != NULL)
    {
      g_autofree char *sibling = g_build_filename (dir, "vireo-viewer", NULL);
      g_autofree char *build_tree = g_build_filename (dir, "..", "viewer", "vireo-viewer", NULL);

      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
      if (g_file_test (build_tree, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&build_tree);
    }
  return g_find_program_in_path ("vireo-viewer");
}

static int
cmd_console (Ctl   *ctl,
             int    argc,
             char **argv)
{
  const char *protocol;
  g_autoptr(GError) error = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *protocol_arg = NULL;
  const char *viewer_argv[4];
  guint n = 0;
  VireoDBusMachine *machine;

  if (!parse_options (ctl, &argc, &argv, 2))
    return EXIT_USAGE;
  protocol = opt.protocol;
  if (protocol != NULL && !g_str_equal (protocol, "spice") && !g_str_equal (protocol, "vnc"))
    return EXIT_USAGE;

  /* Say here what is wrong, rather than in a window. */
  if ((machine = ready_machine (ctl, argv[1])) == NULL)
    return ctl->status;
  if (!vireo_machine_state_is_active (vireo_machine_get_state (machine)))
    {
      fail (ctl, _("“%s” is not running: start it to see its screen."), vireo_dbus_machine_get_name (machine));
      return ctl->status;
    }

  viewer = find_viewer ();
  if (viewer == NULL)
    {
      fail (ctl, "%s", _("vireo-viewer is not installed."));
      return ctl->status;
    }

  viewer_argv[n++] = viewer;
  if (protocol != NULL)
    viewer_argv[n++] = protocol_arg = g_strdup_printf ("--protocol=%s", protocol);
  viewer_argv[n++] = vireo_dbus_machine_get_uuid (machine);
  viewer_argv[n] = NULL;
  execv (viewer, (char **) viewer_argv);
  fail (ctl, _("vireo-viewer could not be started: %s"), g_strerror (errno));
  return ctl->status;
}

/* serial: the guest's serial console on this terminal, until Ctrl+] */

#define ESCAPE_CHAR 0x1d   /* Ctrl+], as virsh console */

typedef struct {
  Ctl           *ctl;
  GSocket       *socket;
  GOutputStream *out;
  GInputStream  *in;
  GCancellable  *cancellable;
  guint8         buffer[4096];
  gboolean       done;
} Serial;

static void read_terminal (Serial *serial);

static void
terminal_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Serial *serial = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  const guint8 *escape;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* @serial is gone */
  if (n <= 0)
    {
      serial->done = TRUE;
      return;
    }

  escape = memchr (serial->buffer, ESCAPE_CHAR, n);
  if (escape != NULL)
    n = escape - serial->buffer;
  if (n > 0 && g_socket_send_with_blocking (serial->socket, (const char *) serial->buffer, n, TRUE, NULL, &error) < 0)
    {
      fail (serial->ctl, "%s", error->message);
      serial->done = TRUE;
      return;
    }
  if (escape != NULL)
    serial->done = TRUE;
  else
    read_terminal (serial);
}

static void
read_terminal (Serial *serial)
{
  g_input_stream_read_async (serial->in, serial->buffer, sizeof serial->buffer, G_PRIORITY_DEFAULT,
                             serial->cancellable, terminal_read_cb, serial);
}

static gboolean
socket_readable_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  Serial *serial = user_data;
  char buffer[4096];
  gssize n = g_socket_receive_with_blocking (socket, buffer, sizeof buffer, FALSE, NULL, NULL);

  if (n <= 0)
    {
      g_printerr ("\r\n%s\r\n", _("The serial console was closed."));
      serial->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  g_output_stream_write_all (serial->out, buffer, n, NULL, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

static int
cmd_serial (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) source = NULL;
  VireoDBusMachine *machine;
  Serial serial = { ctl };
  struct termios saved, raw;
  gboolean is_tty = isatty (STDIN_FILENO);
  Wait wait = { NULL };
  int fd;

  if (!parse_options (ctl, &argc, &argv, 2))
    return EXIT_USAGE;

  if ((machine = ready_machine (ctl, argv[1])) == NULL)
    return ctl->status;

  vireo_machine_open_serial_async (machine, opt.force, ctl->cancellable, wait_cb, &wait);
  fd = vireo_machine_open_serial_finish (machine, wait_for_result (&wait), &error);
  g_clear_object (&wait.result);
  if (fd < 0 || (serial.socket = g_socket_new_from_fd (fd, &error)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      fail_with_error (ctl, error);
      return ctl->status;
    }

  g_printerr (_("Connected to the serial console of “%s”. Press Ctrl+] to leave.\n"),
              vireo_dbus_machine_get_name (machine));

  if (is_tty && tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      raw = saved;
      cfmakeraw (&raw);
      tcsetattr (STDIN_FILENO, TCSANOW, &raw);
    }
  else
    is_tty = FALSE;

  serial.in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  serial.cancellable = g_cancellable_new ();
  serial.out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  g_socket_set_blocking (serial.socket, FALSE);
  source = g_socket_create_source (serial.socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, (GSourceFunc) (GCallback) socket_readable_cb, &serial, NULL);
  g_source_attach (source, NULL);
  read_terminal (&serial);

  while (!serial.done && !g_cancellable_is_cancelled (ctl->cancellable))
    g_main_context_iteration (NULL, TRUE);

  g_cancellable_cancel (serial.cancellable);
  if (is_tty)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  g_source_destroy (source);
  g_socket_close (serial.socket, NULL);
  g_clear_object (&serial.socket);
  g_clear_object (&serial.in);
  g_clear_object (&serial.out);
  g_clear_object (&serial.cancellable);
  g_printerr ("\n");
  return ctl->status;
}

static int host_interfaces (Ctl *ctl);

static int
cmd_host (Ctl   *ctl,
          int    argc,
          char **argv)
{
  VireoDBusManager *manager;

  if (argc == 2 && g_str_equal (argv[1], "interfaces"))
    return host_interfaces (ctl);
  if (!parse_options (ctl, &argc, &argv, 1))
    return EXIT_USAGE;
  if (!wait_ready (ctl, FALSE))
    return ctl->status;

  manager = vireo_client_get_manager (ctl->client);
  if (manager == NULL)
    {
      fail (ctl, "%s", _("The Vireo helper did not answer."));
      return ctl->status;
    }

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
#define STRING_MEMBER(key, value)                  \
      json_builder_set_member_name (builder, key); \
      json_builder_add_string_value (builder, value)
      STRING_MEMBER ("version", vireo_dbus_manager_get_version (manager));
      STRING_MEMBER ("libvirt-uri", vireo_dbus_manager_get_libvirt_uri (manager));
      json_builder_set_member_name (builder, "connected");
      json_builder_add_boolean_value (builder, vireo_dbus_manager_get_connected (manager));
      STRING_MEMBER ("connection-error", vireo_dbus_manager_get_connection_error (manager));
      STRING_MEMBER ("hostname", vireo_dbus_manager_get_hostname (manager));
      STRING_MEMBER ("cpu-model", vireo_dbus_manager_get_cpu_model (manager));
      json_builder_set_member_name (builder, "cpu-count");
      json_builder_add_int_value (builder, vireo_dbus_manager_get_cpu_count (manager));
      json_builder_set_member_name (builder, "memory-mib");
      json_builder_add_int_value (builder, (gint64) vireo_dbus_manager_get_memory_mib (manager));
      STRING_MEMBER ("libvirt-version", vireo_dbus_manager_get_libvirt_version (manager));
      STRING_MEMBER ("hypervisor-version", vireo_dbus_manager_get_hypervisor_version (manager));
      json_builder_set_member_name (builder, "kvm-usable");
      json_builder_add_boolean_value (builder, vireo_dbus_manager_get_kvm_usable (manager));
      STRING_MEMBER ("accelerator", vireo_dbus_manager_get_accelerator (manager));
      STRING_MEMBER ("accelerator-reason", vireo_dbus_manager_get_accelerator_reason (manager));
#undef STRING_MEMBER
      json_builder_end_object (builder);
      print_json (builder);
      return 0;
    }

  g_print ("version: %s\n", vireo_dbus_manager_get_version (manager));
  g_print ("libvirt-uri: %s\n", vireo_dbus_manager_get_libvirt_uri (manager));
  g_print ("connected: %s\n", yes_no (vireo_dbus_manager_get_connected (manager)));
  g_print ("connection-error: %s\n", vireo_dbus_manager_get_connection_error (manager));
  g_print ("hostname: %s\n", vireo_dbus_manager_get_hostname (manager));
  g_print ("cpu-model: %s\n", vireo_dbus_manager_get_cpu_model (manager));
  g_print ("cpu-count: %u\n", vireo_dbus_manager_get_cpu_count (manager));
  g_print ("memory-mib: %" G_GUINT64_FORMAT "\n", vireo_dbus_manager_get_memory_mib (manager));
  g_print ("libvirt-version: %s\n", vireo_dbus_manager_get_libvirt_version (manager));
  g_print ("hypervisor-version: %s\n", vireo_dbus_manager_get_hypervisor_version (manager));
  g_print ("kvm-usable: %s\n", yes_no (vireo_dbus_manager_get_kvm_usable (manager)));
  g_print ("accelerator: %s\n", vireo_dbus_manager_get_accelerator (manager));
  g_print ("accelerator-reason: %s\n", vireo_dbus_manager_get_accelerator_reason (manager));
  return 0;
}

/* nic */

/* "now", or "at next boot": what the helper said of a change. */
static int
print_nic_answer (Ctl        *ctl,
                  const char *mac,
                  gboolean    now)
{
  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mac");
      json_builder_add_string_value (builder, mac);
      json_builder_set_member_name (builder, "when");
      json_builder_add_string_value (builder, now ? "now" : "next-boot");
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    /* Not translated: scripts read it. */
    g_print ("%s %s\n", mac, now ? "now" : "at next boot");
  return 0;
}

/* --type, --source, --model, --link as AddNic's spec or UpdateNic's changes; FALSE for a
 * --link that is neither up nor down. */
static gboolean
nic_spec (GVariantDict *spec)
{
  g_variant_dict_init (spec, NULL);
  if (opt.nic_type != NULL)
    g_variant_dict_insert (spec, "type", "s", opt.nic_type);
  if (opt.source != NULL)
    g_variant_dict_insert (spec, "source", "s", opt.source);
  if (opt.model != NULL)
    g_variant_dict_insert (spec, "model", "s", opt.model);
  if (opt.link != NULL)
    {
      if (!g_str_equal (opt.link, "up") && !g_str_equal (opt.link, "down"))
        {
          g_variant_dict_clear (spec);
          return FALSE;
        }
      g_variant_dict_insert (spec, "link", "b", g_str_equal (opt.link, "up"));
    }
  return TRUE;
}

static int
nic_list (Ctl              *ctl,
          VireoDBusMachine *machine)
{
  g_autoptr(GPtrArray) nics = vireo_machine_dup_nics (machine);

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      add_nics_json (builder, machine);
      print_json (builder);
      return 0;
    }
  if (nics->len == 0)
    {
      g_print ("%s\n", _("No network interfaces."));
      return 0;
    }
  /* Column headers are not translated: scripts read this output. */
  g_print ("%-17s %-8s %-16s %-10s %-4s %s\n", "MAC", "TYPE", "SOURCE", "MODEL", "LINK", "ADDRESSES");
  for (guint i = 0; i < nics->len; i++)
    {
      VireoNic *nic = g_ptr_array_index (nics, i);
      g_autofree char *addresses = addresses_text (nic);

      g_print ("%-17s %-8s %-16s %-10s %-4s %s\n", nic->mac, nic->type, nic->source[0] != '\0' ? nic->source : "-",
               nic->model[0] != '\0' ? nic->model : "-", nic->link_up ? "up" : "down", addresses);
    }
  return 0;
}

/* vireoctl nic add|remove|set|list MACHINE [MAC] [OPTION…] */
static int
cmd_nic (Ctl   *ctl,
         int    argc,
         char **argv)
{
  static const struct {
    const char *name;
    int         n_args;    /* after the subcommand */
  } subcommands[] = { { "add", 1 }, { "remove", 2 }, { "set", 2 }, { "list", 1 } };
  g_autoptr(GError) error = NULL;
  g_autofree char *mac = NULL;
  VireoDBusMachine *machine;
  GVariantDict spec;
  Wait wait = { NULL };
  gboolean now = FALSE;
  gboolean ok = FALSE;
  const char *sub;
  guint s;

  {
    g_autoptr(GOptionContext) context = g_option_context_new (NULL);

    g_option_context_add_main_entries (context, nic_options, GETTEXT_PACKAGE);
    g_option_context_set_help_enabled (context, FALSE);
    if (!g_option_context_parse (context, &argc, &argv, NULL) || argc < 2)
      return EXIT_USAGE;
  }
  sub = argv[1];
  for (s = 0; s < G_N_ELEMENTS (subcommands) && !g_str_equal (subcommands[s].name, sub); s++)
    ;
  if (s == G_N_ELEMENTS (subcommands) || argc != 2 + subcommands[s].n_args)
    return EXIT_USAGE;
  /* Each option belongs to the subcommands that take it. */
  if ((g_str_equal (sub, "remove") || g_str_equal (sub, "list"))
      && (opt.nic_type != NULL || opt.source != NULL || opt.model != NULL || opt.link != NULL))
    return EXIT_USAGE;
  if (!g_str_equal (sub, "add") && opt.mac != NULL)
    return EXIT_USAGE;
  if (g_str_equal (sub, "add") && opt.nic_type == NULL)
    {
      g_printerr ("vireoctl: %s\n", _("nic add needs --type."));
      return EXIT_USAGE;
    }
  if (g_str_equal (sub, "set") && opt.nic_type == NULL && opt.source == NULL && opt.model == NULL && opt.link == NULL)
    {
      g_printerr ("vireoctl: %s\n", _("nic set needs at least one of --type, --source, --model and --link."));
      return EXIT_USAGE;
    }
  if (!nic_spec (&spec))
    return EXIT_USAGE;

  if ((machine = ready_machine (ctl, argv[2])) == NULL)
    {
      g_variant_dict_clear (&spec);
      return ctl->status;
    }

  if (g_str_equal (sub, "list"))
    {
      g_variant_dict_clear (&spec);
      return nic_list (ctl, machine);
    }
  if (g_str_equal (sub, "add"))
    {
      if (opt.mac != NULL)
        g_variant_dict_insert (&spec, "mac", "s", opt.mac);
      vireo_machine_add_nic_async (machine, g_variant_dict_end (&spec), ctl->cancellable, wait_cb, &wait);
      ok = vireo_machine_add_nic_finish (machine, wait_for_result (&wait), &mac, &now, &error);
    }
  else if (g_str_equal (sub, "remove"))
    {
      g_variant_dict_clear (&spec);
      mac = g_strdup (argv[3]);
      vireo_machine_remove_nic_async (machine, mac, ctl->cancellable, wait_cb, &wait);
      ok = vireo_machine_remove_nic_finish (machine, wait_for_result (&wait), &now, &error);
    }
  else
    {
      mac = g_strdup (argv[3]);
      vireo_machine_update_nic_async (machine, mac, g_variant_dict_end (&spec), ctl->cancellable, wait_cb, &wait);
      ok = vireo_machine_update_nic_finish (machine, wait_for_result (&wait), &now, &error);
    }
  g_clear_object (&wait.result);
  if (!ok)
    {
      fail_with_error (ctl, error);
      return ctl->status;
    }
  return print_nic_answer (ctl, mac, now);
}

/* network */

static void
add_network_json (JsonBuilder      *builder,
                  VireoDBusNetwork *network)
{
  GVariant *ranges = vireo_dbus_network_get_dhcp_ranges (network);
  const char *const *lists[] = { vireo_dbus_network_get_ipv4 (network), vireo_dbus_network_get_ipv6 (network) };
  const char *list_names[] = { "ipv4", "ipv6" };

  json_builder_begin_object (builder);
#define STRING_MEMBER(key, value)                  \
  json_builder_set_member_name (builder, key);     \
  json_builder_add_string_value (builder, value)
#define BOOLEAN_MEMBER(key, value)                 \
  json_builder_set_member_name (builder, key);     \
  json_builder_add_boolean_value (builder, value)
  STRING_MEMBER ("name", vireo_dbus_network_get_name (network));
  STRING_MEMBER ("uuid", vireo_dbus_network_get_uuid (network));
  STRING_MEMBER ("mode", vireo_dbus_network_get_mode (network));
  BOOLEAN_MEMBER ("active", vireo_dbus_network_get_active (network));
  BOOLEAN_MEMBER ("autostart", vireo_dbus_network_get_autostart (network));
  BOOLEAN_MEMBER ("persistent", vireo_dbus_network_get_persistent (network));
  STRING_MEMBER ("bridge", vireo_dbus_network_get_bridge (network));
  STRING_MEMBER ("forward-dev", vireo_dbus_network_get_forward_dev (network));
  STRING_MEMBER ("domain", vireo_dbus_network_get_domain (network));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      json_builder_set_member_name (builder, list_names[l]);
      json_builder_begin_array (builder);
      for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
        json_builder_add_string_value (builder, lists[l][i]);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "dhcp-ranges");
  json_builder_begin_array (builder);
  for (gsize i = 0; ranges != NULL && i < g_variant_n_children (ranges); i++)
    {
      const char *first, *last;

      g_variant_get_child (ranges, i, "(&s&s)", &first, &last);
      json_builder_begin_object (builder);
      STRING_MEMBER ("first", first);
      STRING_MEMBER ("last", last);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
#undef STRING_MEMBER
#undef BOOLEAN_MEMBER
  json_builder_end_object (builder);
}

static char *
joined_or_dash (const char *const *list)
{
  return list != NULL && list[0] != NULL ? g_strjoinv (", ", (char **) list) : g_strdup ("-");
}

static void
print_network_info (VireoDBusNetwork *network)
{
  GVariant *ranges = vireo_dbus_network_get_dhcp_ranges (network);
  g_autofree char *ipv4 = joined_or_dash (vireo_dbus_network_get_ipv4 (network));
  g_autofree char *ipv6 = joined_or_dash (vireo_dbus_network_get_ipv6 (network));
  const char *bridge = vireo_dbus_network_get_bridge (network);
  const char *forward_dev = vireo_dbus_network_get_forward_dev (network);
  const char *domain = vireo_dbus_network_get_domain (network);

  /* One "key: value" per line; keys are not translated, scripts read them. */
  g_print ("name: %s\n", vireo_dbus_network_get_name (network));
  g_print ("uuid: %s\n", vireo_dbus_network_get_uuid (network));
  g_print ("mode: %s\n", vireo_dbus_network_get_mode (network));
  g_print ("active: %s\n", yes_no (vireo_dbus_network_get_active (network)));
  g_print ("autostart: %s\n", yes_no (vireo_dbus_network_get_autostart (network)));
  g_print ("persistent: %s\n", yes_no (vireo_dbus_network_get_persistent (network)));
  g_print ("bridge: %s\n", bridge[0] != '\0' ? bridge : "-");
  g_print ("forward-dev: %s\n", forward_dev[0] != '\0' ? forward_dev : "-");
  g_print ("ipv4: %s\n", ipv4);
  g_print ("ipv6: %s\n", ipv6);
  g_print ("domain: %s\n", domain[0] != '\0' ? domain : "-");
  for (gsize i = 0; ranges != NULL && i < g_variant_n_children (ranges); i++)
    {
      const char *first, *last;

      g_variant_get_child (ranges, i, "(&s&s)", &first, &last);
      g_print ("dhcp-range: %s - %s\n", first, last);
    }
}

static VireoDBusNetwork *
ready_network (Ctl        *ctl,
               const char *name)
{
  VireoDBusNetwork *network;

  if (!wait_ready (ctl, TRUE))
    return NULL;
  network = vireo_client_find_network (ctl->client, name);
  if (network == NULL)
    fail (ctl, _("There is no network named “%s”."), name);
  return network;
}

/* Calls @method on @proxy with @args, the polkit prompt allowed unless told not to. */
static GVariant *
call_helper (Ctl        *ctl,
             gpointer    proxy,
             const char *method,
             GVariant   *args)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;
  Wait wait = { NULL };

  g_dbus_proxy_call (G_DBUS_PROXY (proxy), method, args,
                     ctl->no_interaction ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                     G_MAXINT, ctl->cancellable, wait_cb, &wait);
  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (proxy), wait_for_result (&wait), &error);
  g_clear_object (&wait.result);
  if (reply == NULL)
    fail_with_error (ctl, error);
  return reply;
}

static int
network_list (Ctl *ctl)
{
  g_autoptr(GPtrArray) networks = NULL;

  if (!wait_ready (ctl, TRUE))
    return ctl->status;
  networks = vireo_client_dup_networks (ctl->client);

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < networks->len; i++)
        add_network_json (builder, g_ptr_array_index (networks, i));
      json_builder_end_array (builder);
      print_json (builder);
      return 0;
    }
  if (opt.names)
    {
      for (guint i = 0; i < networks->len; i++)
        g_print ("%s\n", vireo_dbus_network_get_name (g_ptr_array_index (networks, i)));
      return 0;
    }
  if (networks->len == 0)
    {
      g_print ("%s\n", _("No networks."));
      return 0;
    }

  /* Column headers are not translated: scripts read this output. */
  g_print ("%-20s %-9s %-8s %-9s %-10s %s\n", "NAME", "MODE", "STATE", "AUTOSTART", "BRIDGE", "IPV4");
  for (guint i = 0; i < networks->len; i++)
    {
      VireoDBusNetwork *network = g_ptr_array_index (networks, i);
      g_autofree char *ipv4 = joined_or_dash (vireo_dbus_network_get_ipv4 (network));
      const char *bridge = vireo_dbus_network_get_bridge (network);

      g_print ("%-20s %-9s %-8s %-9s %-10s %s\n", vireo_dbus_network_get_name (network),
               vireo_dbus_network_get_mode (network),
               vireo_dbus_network_get_active (network) ? "active" : "inactive",
               yes_no (vireo_dbus_network_get_autostart (network)),
               bridge[0] != '\0' ? bridge : "-", ipv4);
    }
  return 0;
}

static int
network_create (Ctl        *ctl,
                const char *name)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(VireoDBusNetwork) network = NULL;
  GVariantDict spec;
  const char *path;

  if (opt.mode == NULL || opt.ipv4 == NULL)
    {
      g_printerr ("vireoctl: %s\n", _("network create needs --mode and --ipv4."));
      return EXIT_USAGE;
    }
  if (!wait_ready (ctl, TRUE))
    return ctl->status;

  g_variant_dict_init (&spec, NULL);
  g_variant_dict_insert (&spec, "name", "s", name);
  g_variant_dict_insert (&spec, "mode", "s", opt.mode);
  g_variant_dict_insert (&spec, "ipv4", "s", opt.ipv4);
  if (opt.no_dhcp)
    g_variant_dict_insert (&spec, "dhcp", "b", FALSE);
  if (opt.ipv6 != NULL)
    g_variant_dict_insert (&spec, "ipv6", "s", opt.ipv6);
  if (opt.domain != NULL)
    g_variant_dict_insert (&spec, "domain", "s", opt.domain);
  if (opt.forward_dev != NULL)
    g_variant_dict_insert (&spec, "forward-dev", "s", opt.forward_dev);
  if (opt.autostart)
    g_variant_dict_insert (&spec, "autostart", "b", TRUE);

  reply = call_helper (ctl, vireo_client_get_manager (ctl->client), "CreateNetwork",
                       g_variant_new ("(@a{sv})", g_variant_dict_end (&spec)));
  if (reply == NULL)
    return ctl->status;
  g_variant_get (reply, "(&o)", &path);

  if (!ctl->json)
    {
      g_print (_("Created and started the network “%s”.\n"), name);
      return 0;
    }

  /* InterfacesAdded came before the answer: the object is here once it is dispatched. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  network = vireo_client_find_network (ctl->client, name);
  if (network == NULL)
    {
      fail (ctl, _("The network “%s” was created, but the helper does not list it."), name);
      return ctl->status;
    }
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();

    add_network_json (builder, network);
    print_json (builder);
  }
  return 0;
}

static int
network_leases (Ctl              *ctl,
                VireoDBusNetwork *network)
{
  g_autoptr(GVariant) reply = call_helper (ctl, network, "GetLeases", g_variant_new ("(a{sv})", NULL));
  g_autoptr(GVariant) leases = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (reply == NULL)
    return ctl->status;
  leases = g_variant_get_child_value (reply, 0);

  if (!ctl->json && g_variant_n_children (leases) == 0)
    {
      g_print ("%s\n", _("No leases."));
      return 0;
    }
  if (!ctl->json)
    g_print ("%-17s %-20s %-20s %s\n", "MAC", "ADDRESS", "HOSTNAME", "EXPIRES");
  json_builder_begin_array (builder);
  for (gsize i = 0; i < g_variant_n_children (leases); i++)
    {
      const char *mac, *address, *hostname, *client_id;
      gint64 expiry;
      g_autoptr(GDateTime) when = NULL;
      g_autofree char *when_text = NULL;

      g_variant_get_child (leases, i, "(&s&s&s&sx)", &mac, &address, &hostname, &client_id, &expiry);
      when = g_date_time_new_from_unix_utc (expiry);
      when_text = when != NULL ? g_date_time_format_iso8601 (when) : g_strdup ("-");
      if (!ctl->json)
        {
          g_print ("%-17s %-20s %-20s %s\n", mac, address, hostname[0] != '\0' ? hostname : "-", when_text);
          continue;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mac");
      json_builder_add_string_value (builder, mac);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, address);
      json_builder_set_member_name (builder, "hostname");
      json_builder_add_string_value (builder, hostname);
      json_builder_set_member_name (builder, "client-id");
      json_builder_add_string_value (builder, client_id);
      json_builder_set_member_name (builder, "expiry");
      json_builder_add_int_value (builder, expiry);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (ctl->json)
    print_json (builder);
  return 0;
}

/* vireoctl network SUBCOMMAND [NAME] [ARGUMENT] */
static int
cmd_network (Ctl   *ctl,
             int    argc,
             char **argv)
{
  static const struct {
    const char *name;
    int         n_args;    /* after the subcommand */
    gboolean    prints;
  } subcommands[] = {
    { "list", 0, TRUE }, { "info", 1, TRUE }, { "create", 1, TRUE }, { "start", 1, FALSE },
    { "stop", 1, FALSE }, { "delete", 1, FALSE }, { "autostart", 2, FALSE }, { "leases", 1, TRUE },
  };
  g_autoptr(VireoDBusNetwork) network = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *sub;
  guint s;

  {
    g_autoptr(GOptionContext) context = g_option_context_new (NULL);

    g_option_context_add_main_entries (context, network_options, GETTEXT_PACKAGE);
    g_option_context_set_help_enabled (context, FALSE);
    if (!g_option_context_parse (context, &argc, &argv, NULL) || argc < 2)
      return EXIT_USAGE;
  }
  sub = argv[1];
  for (s = 0; s < G_N_ELEMENTS (subcommands) && !g_str_equal (subcommands[s].name, sub); s++)
    ;
  if (s == G_N_ELEMENTS (subcommands) || argc != 2 + subcommands[s].n_args)
    return EXIT_USAGE;
  if (ctl->json && !subcommands[s].prints)
    {
      g_printerr (_("vireoctl: network %s prints nothing to put in JSON\n"), sub);
      return EXIT_USAGE;
    }
  /* Each option belongs to one subcommand. */
  if ((!g_str_equal (sub, "create") && (opt.mode != NULL || opt.ipv4 != NULL || opt.ipv6 != NULL || opt.no_dhcp
                                         || opt.domain != NULL || opt.forward_dev != NULL || opt.autostart))
      || (!g_str_equal (sub, "delete") && opt.force)
      || (!g_str_equal (sub, "list") && opt.names))
    return EXIT_USAGE;

  if (g_str_equal (sub, "list"))
    return network_list (ctl);
  if (g_str_equal (sub, "create"))
    return network_create (ctl, argv[2]);

  if ((network = ready_network (ctl, argv[2])) == NULL)
    return ctl->status;

  if (g_str_equal (sub, "info"))
    {
      if (ctl->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          add_network_json (builder, network);
          print_json (builder);
        }
      else
        print_network_info (network);
      return 0;
    }
  if (g_str_equal (sub, "leases"))
    return network_leases (ctl, network);
  if (g_str_equal (sub, "start") || g_str_equal (sub, "stop"))
    reply = call_helper (ctl, network, g_str_equal (sub, "start") ? "Start" : "Stop", g_variant_new ("(a{sv})", NULL));
  else if (g_str_equal (sub, "delete"))
    {
      GVariantDict options;

      g_variant_dict_init (&options, NULL);
      if (opt.force)
        g_variant_dict_insert (&options, "force", "b", TRUE);
      reply = call_helper (ctl, network, "Delete", g_variant_new ("(@a{sv})", g_variant_dict_end (&options)));
    }
  else if (g_str_equal (sub, "autostart"))
    {
      gboolean on = g_str_equal (argv[3], "on");

      if (!on && !g_str_equal (argv[3], "off"))
        return EXIT_USAGE;
      reply = call_helper (ctl, network, "SetAutostart", g_variant_new ("(ba{sv})", on, NULL));
    }
  return ctl->status;
}

/* host interfaces, bridge */

/* The interfaces ListHostInterfaces says (VireoHostInterface); NULL after saying why not. */
static GPtrArray *
list_host_interfaces (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *interfaces;
  Wait wait = { NULL };

  if (!wait_ready (ctl, FALSE))
    return NULL;
  vireo_client_list_host_interfaces_async (ctl->client, ctl->cancellable, wait_cb, &wait);
  interfaces = vireo_client_list_host_interfaces_finish (ctl->client, wait_for_result (&wait), &error);
  g_clear_object (&wait.result);
  if (interfaces == NULL)
    fail_with_error (ctl, error);
  return interfaces;
}

/* One interface as JSON: name, kind, up, carrier and its details, as the helper names them. */
static void
add_interface_json (JsonBuilder              *builder,
                    const VireoHostInterface *iface)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, iface->name);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, iface->kind);
  json_builder_set_member_name (builder, "up");
  json_builder_add_boolean_value (builder, iface->up);
  json_builder_set_member_name (builder, "carrier");
  json_builder_add_boolean_value (builder, iface->carrier);
  g_variant_iter_init (&iter, iface->details);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_value (builder, json_gvariant_serialize (value));
      g_variant_unref (value);
    }
  json_builder_end_object (builder);
}

/* @strv joined with ",", or "-" when empty. */
static char *
joined_or_dash_strv (const char *const *strv)
{
  return strv[0] != NULL ? g_strjoinv (",", (char **) strv) : g_strdup ("-");
}

static JsonNode *
strv_json (const char *const *strv)
{
  g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_strv (strv, -1));

  return json_gvariant_serialize (value);
}

/* vireoctl host interfaces */
static int
host_interfaces (Ctl *ctl)
{
  g_autoptr(GPtrArray) interfaces = list_host_interfaces (ctl);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (interfaces == NULL)
    return ctl->status;
  if (!ctl->json)
    g_print ("%-15s %-9s %-10s %-15s %s\n", "NAME", "KIND", "STATE", "MASTER", "ADDRESSES");
  json_builder_begin_array (builder);
  for (guint i = 0; i < interfaces->len; i++)
    {
      const VireoHostInterface *iface = g_ptr_array_index (interfaces, i);
      g_autofree char *addresses = NULL;

      if (ctl->json)
        {
          add_interface_json (builder, iface);
          continue;
        }
      addresses = joined_or_dash_strv ((const char *const *) iface->addresses);
      g_print ("%-15s %-9s %-10s %-15s %s\n", iface->name, iface->kind,
               !iface->up ? "down" : iface->carrier ? "up" : "no-carrier",
               iface->master[0] != '\0' ? iface->master : "-", addresses);
    }
  json_builder_end_array (builder);
  if (ctl->json)
    print_json (builder);
  return 0;
}

static int
bridge_list (Ctl *ctl)
{
  g_autoptr(GPtrArray) interfaces = list_host_interfaces (ctl);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n = 0;

  if (interfaces == NULL)
    return ctl->status;
  json_builder_begin_array (builder);
  for (guint i = 0; i < interfaces->len; i++)
    {
      const VireoHostInterface *iface = g_ptr_array_index (interfaces, i);
      const char *network = iface->libvirt_network;
      g_autofree char *ports_text = NULL;
      g_autofree char *addresses_text = NULL;
      g_autofree char *made_by = NULL;

      if (!g_str_equal (iface->kind, "bridge"))
        continue;
      n++;
      if (ctl->json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, iface->name);
          json_builder_set_member_name (builder, "up");
          json_builder_add_boolean_value (builder, iface->up);
          json_builder_set_member_name (builder, "ports");
          json_builder_add_value (builder, strv_json ((const char *const *) iface->ports));
          json_builder_set_member_name (builder, "addresses");
          json_builder_add_value (builder, strv_json ((const char *const *) iface->addresses));
          json_builder_set_member_name (builder, "vireo");
          json_builder_add_boolean_value (builder, iface->vireo_bridge);
          if (network[0] != '\0')
            {
              json_builder_set_member_name (builder, "libvirt-network");
              json_builder_add_string_value (builder, network);
            }
          json_builder_end_object (builder);
          continue;
        }
      if (n == 1)
        g_print ("%-15s %-20s %-24s %s\n", "NAME", "PORTS", "MADE BY", "ADDRESSES");
      ports_text = joined_or_dash_strv ((const char *const *) iface->ports);
      addresses_text = joined_or_dash_strv ((const char *const *) iface->addresses);
      made_by = iface->vireo_bridge ? g_strdup ("vireo")
                : network[0] != '\0' ? g_strdup_printf ("libvirt (%s)", network) : g_strdup ("-");
      g_print ("%-15s %-20s %-24s %s\n", iface->name, ports_text, made_by, addresses_text);
    }
  json_builder_end_array (builder);
  if (ctl->json)
    print_json (builder);
  else if (n == 0)
    g_print ("%s\n", _("No bridges."));
  return 0;
}

/* vireoctl bridge list | create NAME PORT... [--stp] | delete NAME */
static int
cmd_bridge (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autoptr(GVariant) reply = NULL;
  const char *sub;

  {
    g_autoptr(GOptionContext) context = g_option_context_new (NULL);

    g_option_context_add_main_entries (context, bridge_options, GETTEXT_PACKAGE);
    g_option_context_set_help_enabled (context, FALSE);
    if (!g_option_context_parse (context, &argc, &argv, NULL) || argc < 2)
      return EXIT_USAGE;
  }
  sub = argv[1];
  if (!g_str_equal (sub, "create") && opt.stp)
    return EXIT_USAGE;
  if (g_str_equal (sub, "list") && argc == 2)
    return bridge_list (ctl);
  if (ctl->json)
    {
      g_printerr (_("vireoctl: bridge %s prints nothing to put in JSON\n"), sub);
      return EXIT_USAGE;
    }
  if (g_str_equal (sub, "create") && argc >= 4)
    {
      GVariantDict options;

      if (!wait_ready (ctl, TRUE))
        return ctl->status;
      g_variant_dict_init (&options, NULL);
      if (opt.stp)
        g_variant_dict_insert (&options, "stp", "b", TRUE);
      reply = call_helper (ctl, vireo_client_get_manager (ctl->client), "CreateBridge",
                           g_variant_new ("(s^as@a{sv})", argv[2], argv + 3, g_variant_dict_end (&options)));
      if (reply != NULL)
        g_print (_("Created the bridge “%s”.\n"), argv[2]);
      return ctl->status;
    }
  if (g_str_equal (sub, "delete") && argc == 3)
    {
      if (!wait_ready (ctl, TRUE))
        return ctl->status;
      reply = call_helper (ctl, vireo_client_get_manager (ctl->client), "DeleteBridge",
                           g_variant_new ("(sa{sv})", argv[2], NULL));
      if (reply != NULL)
        g_print (_("Deleted the bridge “%s”; its ports have their addresses back.\n"), argv[2]);
      return ctl->status;
    }
  return EXIT_USAGE;
}

static int cmd_help (Ctl *ctl, int argc, char **argv);

static const Command commands[] = {
  { "list",      "[--names]",                N_("List the machines"),                              cmd_list,    0, TRUE, list_options },
  { "info",      "MACHINE",                  N_("Show everything the helper knows of a machine"), cmd_info,    0, TRUE },
  { "start",     "MACHINE",                  N_("Start a machine, or restore it when it was saved"), cmd_action, VIREO_MACHINE_ACTION_START, FALSE },
  { "shutdown",  "MACHINE",                  N_("Ask a machine to shut down"),                     cmd_action,  VIREO_MACHINE_ACTION_SHUTDOWN, FALSE },
  { "reboot",    "MACHINE",                  N_("Ask a machine to reboot"),                        cmd_action,  VIREO_MACHINE_ACTION_REBOOT, FALSE },
  { "force-off", "MACHINE",                  N_("Stop a machine at once, like pulling the plug"),  cmd_action,  VIREO_MACHINE_ACTION_FORCE_OFF, FALSE },
  { "reset",     "MACHINE",                  N_("Reset a machine at once, like the reset button"), cmd_action,  VIREO_MACHINE_ACTION_RESET, FALSE },
  { "pause",     "MACHINE",                  N_("Pause a machine’s CPUs"),                         cmd_action,  VIREO_MACHINE_ACTION_PAUSE, FALSE },
  { "resume",    "MACHINE",                  N_("Resume a paused machine"),                        cmd_action,  VIREO_MACHINE_ACTION_RESUME, FALSE },
  { "save",      "MACHINE",                  N_("Save a machine’s memory to disk and stop it"),    cmd_action,  VIREO_MACHINE_ACTION_SAVE, FALSE },
  { "delete",    "MACHINE [--disk DISK]...", N_("Delete a machine, and the disks named"),          cmd_delete,  0, FALSE, delete_options },
  { "xml",       "MACHINE [--inactive]",     N_("Print a machine’s libvirt definition"),           cmd_xml,     0, TRUE, xml_options },
  { "console",   "MACHINE [--protocol=P]",   N_("Open a machine’s screen in vireo-viewer"),        cmd_console, 0, FALSE, console_options },
  { "serial",    "MACHINE [--force]",        N_("Use a machine’s serial console on this terminal"), cmd_serial, 0, FALSE, serial_options },
  { "host",      "[interfaces]",             N_("Show what the helper says of this computer, or its network interfaces"), cmd_host, 0, TRUE },
  { "jobs",      "",                         N_("Show the helper's work under way (machines being created, media downloaded)"), cmd_jobs, 0, TRUE },
  { "create",    "[--iso PATH] [--import DISK | --pxe] [OPTION…]",   N_("Create a machine; with --detect, only say what it would be"), cmd_create, 0, TRUE, create_options },
  { "catalogue", "[--search WORDS]",         N_("List the operating systems that can be downloaded"), cmd_catalogue, 0, TRUE, catalogue_options },
  { "download",  "(--os ID | --url URL) [--name NAME] [--sha256 HEX]", N_("Download an installation medium into the default storage pool"), cmd_download, 0, TRUE, download_options },
  { "nic",       "add|remove|set|list MACHINE [MAC] [OPTION…]", N_("A machine’s network interfaces: add (--type, --source, --model, --mac, --link), remove MAC, set MAC, list"),
                                                 cmd_nic, 0, TRUE, nic_options },
  { "network",   "SUBCOMMAND [NAME] [OPTION…]", N_("Virtual networks: list, info, create, start, stop, delete, autostart on|off, leases (DHCP)"),
                                                 cmd_network, 0, TRUE, network_options },
  { "bridge",    "list | create NAME PORT... [--stp] | delete NAME", N_("Host bridges: list them, make one of wired interfaces, undo one Vireo made"),
                                                 cmd_bridge, 0, TRUE, bridge_options },
  { "help",      "[COMMAND]",                N_("Show help for a command"),                        cmd_help,    0, FALSE },
};

static const Command *
lookup_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: vireoctl [--json] [--no-user-interaction] COMMAND [ARGUMENTS...]"));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %-26s %s\n", commands[i].name, commands[i].args, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("A machine is named by its name or its UUID. --json prints JSON where a command prints."));
  fprintf (out, "%s\n", _("Run “vireoctl COMMAND --help” for a command’s options."));
}

static void
print_command_help (const Command *command,
                    FILE          *out)
{
  fprintf (out, _("Usage: vireoctl %s %s\n"), command->name, command->args);
  fprintf (out, "\n%s\n", _(command->summary));
  if (command->options != NULL)
    {
      fprintf (out, "\n%s\n", _("Options:"));
      for (const GOptionEntry *entry = command->options; entry->long_name != NULL; entry++)
        {
          g_autofree char *option = entry->arg_description != NULL
                                    ? g_strdup_printf ("--%s=%s", entry->long_name, _(entry->arg_description))
                                    : g_strdup_printf ("--%s", entry->long_name);

          fprintf (out, "  %-20s %s\n", option, _(entry->description));
        }
    }
  if (command->prints)
    fprintf (out, "\n%s\n", _("--json prints the result as JSON."));
}

static int
cmd_help (Ctl   *ctl,
          int    argc,
          char **argv)
{
  const Command *command;

  if (argc == 1)
    {
      print_usage (stdout);
      return 0;
    }
  if (argc != 2)
    return EXIT_USAGE;
  if ((command = lookup_command (argv[1])) == NULL)
    {
      g_printerr (_("vireoctl: unknown command “%s”\n"), argv[1]);
      return EXIT_USAGE;
    }
  print_command_help (command, stdout);
  return 0;
}

/* polkit: a text agent on the terminal, for password prompts, as udisksctl has. */
static void
setup_agent (Ctl *ctl)
{
  g_autoptr(PolkitSubject) subject = NULL;
  g_autoptr(PolkitAgentListener) listener = NULL;
  g_autoptr(GError) error = NULL;

  if (ctl->no_interaction || !isatty (STDIN_FILENO))
    return;

  subject = polkit_unix_process_new_for_owner (getpid (), 0, getuid ());
  listener = polkit_agent_text_listener_new (NULL, &error);
  if (listener == NULL)
    {
      g_debug ("No polkit text agent: %s", error->message);
      return;
    }
  ctl->agent = polkit_agent_listener_register (listener, POLKIT_AGENT_REGISTER_FLAGS_RUN_IN_THREAD,
                                               subject, NULL, NULL, &error);
  if (ctl->agent == NULL)
    g_debug ("Cannot register a polkit text agent: %s", error->message);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  g_cancellable_cancel (ctl->cancellable);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean opt_version = FALSE;
  gboolean opt_help = FALSE;
  gboolean opt_command_help = FALSE;
  Ctl ctl = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctl.json, N_("Print JSON"), NULL },
    { "no-user-interaction", 0, 0, G_OPTION_ARG_NONE, &ctl.no_interaction, N_("Never ask for a password"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &opt_help, N_("Show help"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options anywhere on the line; the command's own after its name. */
  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vireoctl: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_version)
    {
      g_print ("vireoctl %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc < 2)
    {
      print_usage (opt_help ? stdout : stderr);
      return opt_help ? 0 : EXIT_USAGE;
    }

  ctl.command = lookup_command (argv[1]);
  if (ctl.command == NULL)
    {
      g_printerr (_("vireoctl: unknown command “%s”\n"), argv[1]);
      print_usage (stderr);
      return EXIT_USAGE;
    }
  for (int i = 2; i < argc; i++)
    if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
      opt_command_help = TRUE;
  if (opt_help || opt_command_help)
    {
      print_command_help (ctl.command, stdout);
      return 0;
    }
  if (ctl.json && !ctl.command->prints)
    {
      g_printerr (_("vireoctl: %s prints nothing to put in JSON\n"), ctl.command->name);
      return EXIT_USAGE;
    }

  (void) vireo_error_quark ();
  ctl.cancellable = g_cancellable_new ();
  g_unix_signal_add (SIGINT, interrupt_cb, &ctl);
  g_unix_signal_add (SIGTERM, interrupt_cb, &ctl);
  if (ctl.command->func != cmd_help)
    {
      ctl.client = vireo_client_new (G_BUS_TYPE_SYSTEM);
      setup_agent (&ctl);
    }

  status = ctl.command->func (&ctl, argc - 1, argv + 1);
  if (status == EXIT_USAGE)
    {
      g_printerr (_("Usage: vireoctl %s %s\n"), ctl.command->name, ctl.command->args);
      g_printerr ("%s\n", _("Run “vireoctl help” for the list of commands."));
    }

  if (ctl.agent != NULL)
    polkit_agent_listener_unregister (ctl.agent);
  g_clear_pointer (&opt.disks, g_strfreev);
  g_clear_pointer (&opt.protocol, g_free);
  g_clear_pointer (&opt.mode, g_free);
  g_clear_pointer (&opt.ipv4, g_free);
  g_clear_pointer (&opt.ipv6, g_free);
  g_clear_pointer (&opt.domain, g_free);
  g_clear_pointer (&opt.forward_dev, g_free);
  g_clear_pointer (&opt.nic_type, g_free);
  g_clear_pointer (&opt.source, g_free);
  g_clear_pointer (&opt.model, g_free);
  g_clear_pointer (&opt.mac, g_free);
  g_clear_pointer (&opt.link, g_free);
  g_clear_object (&ctl.client);
  g_clear_object (&ctl.cancellable);
  return status;
}
