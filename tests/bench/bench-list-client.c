/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-list-client: how long does a D-Bus client take to learn the name, state, vCPU count
 * and memory of every machine?  A benchmark, not a test: tests/bench/bench-list.sh runs it.
 *
 *   vireo         one org.freedesktop.DBus.ObjectManager.GetManagedObjects call on
 *                 org.vireo.Hypervisor1 /org/vireo/Hypervisor1; Name, State, Vcpus and
 *                 MemoryMiB of every org.vireo.Hypervisor1.Machine.
 *   per-domain    libvirt-dbus, the per-object way: org.libvirt.Connect.ListDomains(0) on
 *                 /org/libvirt/QEMU, then for each domain Properties.Get(Name) and
 *                 org.libvirt.Domain.GetStats(STATE|VCPU|BALLOON, 0) (state.state, vcpu.current,
 *                 balloon.maximum): the fewest calls that give the four facts. The calls are
 *                 asynchronous and pipelined, with at most --window of them awaiting a reply
 *                 at once (the system bus refuses more than max_replies_per_connection, 128 by
 *                 default, pending replies per connection).
 *   all-stats     libvirt-dbus, in one call: org.libvirt.Connect.GetAllDomainStats(
 *                 STATE|VCPU|BALLOON, 0), whose records carry the domain name.
 *
 * Every run uses a new connection to the bus (connecting is not timed; the clock starts once
 * the connection is up and stops when the last fact is in the client's own table). One untimed
 * warm-up per method comes first (libvirt-dbus opens its libvirt connection on first use), then
 * --runs timed runs per method, interleaved and in rotating order. Each run must see exactly
 * --expect machines, or the client fails. Afterwards the facts from the methods are compared
 * machine by machine.
 *
 * Build: cc -O2 -o bench-list-client bench-list-client.c $(pkg-config --cflags --libs gio-2.0)
 */

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIREO_NAME "org.vireo.Hypervisor1"
#define VIREO_PATH "/org/vireo/Hypervisor1"
#define VIREO_MACHINE_IFACE "org.vireo.Hypervisor1.Machine"
#define LDBUS_NAME "org.libvirt"
#define LDBUS_CONNECT_PATH "/org/libvirt/QEMU"
#define LDBUS_CONNECT_IFACE "org.libvirt.Connect"
#define LDBUS_DOMAIN_IFACE "org.libvirt.Domain"

/* virDomainStatsTypes */
#define STATS_STATE 1u
#define STATS_BALLOON 4u
#define STATS_VCPU 8u
#define STATS_WANTED (STATS_STATE | STATS_VCPU | STATS_BALLOON)

#define CALL_TIMEOUT_MS 120000

typedef struct
{
  char *name;
  char *state; /* Vireo's words: "running", "shutoff", ... */
  guint vcpus;
  guint64 memory_mib;
} Machine;

typedef enum
{
  METHOD_VIREO,
  METHOD_PER_DOMAIN,
  METHOD_ALL_STATS,
  N_METHODS
} Method;

static const char *const method_names[N_METHODS] = { "vireo", "per-domain", "all-stats" };
static const char *const method_titles[N_METHODS] = {
  "vireo GetManagedObjects",
  "libvirt-dbus ListDomains + Get(Name) + GetStats per domain, pipelined",
  "libvirt-dbus GetAllDomainStats",
};

static char *opt_address = NULL;
static gboolean opt_system = FALSE;
static int opt_expect = 1000;
static int opt_runs = 7;
static int opt_window = 120;
static char *opt_methods = NULL;
static char *opt_compare = NULL;
static char *opt_label = NULL;
static int opt_wait = 0;
static gboolean opt_verbose = FALSE;

static void
machine_free (gpointer p)
{
  Machine *m = p;
  g_free (m->name);
  g_free (m->state);
  g_free (m);
}

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "bench-list-client: FAILED: ");
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
  exit (1);
}

static const char *
libvirt_state_word (int state, gboolean has_managed_save)
{
  /* The same words as org.vireo.Hypervisor1.Machine.State. */
  switch (state)
    {
    case 1: return "running";
    case 2: return "blocked";
    case 3: return "paused";
    case 4: return "shutting-down";
    case 5: return has_managed_save ? "saved" : "shutoff";
    case 6: return "crashed";
    case 7: return "suspended";
    default: return "unknown";
    }
}

static GDBusConnection *
new_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  GDBusConnection *c;

  if (opt_address)
    address = g_strdup (opt_address);
  else
    {
      address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
      if (!address)
        die ("no system bus address: %s", error->message);
    }
  c = g_dbus_connection_new_for_address_sync (address,
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, &error);
  if (!c)
    die ("cannot connect to %s: %s", address, error->message);
  g_dbus_connection_set_exit_on_close (c, FALSE);
  return c;
}

static void
close_connection (GDBusConnection *c)
{
  g_dbus_connection_close_sync (c, NULL, NULL);
  g_object_unref (c);
}

/* ---------------------------------------------------------------------------------------- */
/* vireo                                                                                      */

static GPtrArray *
fetch_vireo (GDBusConnection *c, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) objects = NULL;
  GVariantIter iter;
  const char *path;
  GVariant *ifaces;
  GPtrArray *machines;

  reply = g_dbus_connection_call_sync (c, VIREO_NAME, VIREO_PATH,
                                       "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                       NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS, NULL,
                                       error);
  if (!reply)
    return NULL;

  machines = g_ptr_array_new_with_free_func (machine_free);
  objects = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      g_autoptr (GVariant) props = g_variant_lookup_value (ifaces, VIREO_MACHINE_IFACE,
                                                           G_VARIANT_TYPE ("a{sv}"));
      g_variant_unref (ifaces);
      if (!props)
        continue;

      Machine *m = g_new0 (Machine, 1);
      if (!g_variant_lookup (props, "Name", "s", &m->name) ||
          !g_variant_lookup (props, "State", "s", &m->state) ||
          !g_variant_lookup (props, "Vcpus", "u", &m->vcpus) ||
          !g_variant_lookup (props, "MemoryMiB", "t", &m->memory_mib))
        {
          machine_free (m);
          g_ptr_array_unref (machines);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s lacks Name (s), State (s), Vcpus (u) or MemoryMiB (t)", path);
          return NULL;
        }
      g_ptr_array_add (machines, m);
    }
  return machines;
}

/* ---------------------------------------------------------------------------------------- */
/* libvirt-dbus, one domain at a time                                                        */

typedef struct
{
  GDBusConnection *c;
  GMainLoop *loop;
  char **paths; /* from ListDomains */
  guint n;
  Machine *slots;    /* n machines, filled in as the replies come */
  guint next_call;   /* calls are numbered 0 .. 2n-1: 2i = Get(Name), 2i+1 = GetStats */
  guint in_flight;
  guint done;
  GError *error;
} PerDomain;

static void issue_calls (PerDomain *pd);

/* libvirt-dbus wraps each typed parameter's value in a second variant: {'state.state': <<5>>}.
 * Looks KEY up and unwraps as many variants as there are; NULL unless it is of TYPE. */
static GVariant *
lookup_param (GVariant *record, const char *key, const GVariantType *type)
{
  GVariant *v = g_variant_lookup_value (record, key, NULL);
  while (v && g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (v);
      g_variant_unref (v);
      v = inner;
    }
  if (v && !g_variant_is_of_type (v, type))
    g_clear_pointer (&v, g_variant_unref);
  return v;
}

static void
stats_to_machine (GVariant *record, Machine *m, const char *what, GError **error)
{
  g_autoptr (GVariant) state = lookup_param (record, "state.state", G_VARIANT_TYPE_INT32);
  g_autoptr (GVariant) vcpus = lookup_param (record, "vcpu.current", G_VARIANT_TYPE_UINT32);
  g_autoptr (GVariant) max_kib = lookup_param (record, "balloon.maximum", G_VARIANT_TYPE_UINT64);

  if (!state || !vcpus || !max_kib)
    {
      g_autofree char *text = g_variant_print (record, TRUE);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: stats lack state.state (i), vcpu.current (u) or balloon.maximum (t): %s",
                   what, text);
      return;
    }
  /* Vireo says "saved" for a shut-off machine with a managed save image; telling that from
   * libvirt-dbus would take one more call per shut-off machine (HasManagedSaveImage). The
   * benchmark's machines have none, so "shutoff" is right for them. */
  m->state = g_strdup (libvirt_state_word (g_variant_get_int32 (state), FALSE));
  m->vcpus = g_variant_get_uint32 (vcpus);
  m->memory_mib = g_variant_get_uint64 (max_kib) / 1024;
}

static void
per_domain_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  PerDomain *pd = g_object_get_data (source, "bench-per-domain");
  guint call = GPOINTER_TO_UINT (user_data);
  guint i = call / 2;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                                              &error);
  pd->in_flight--;
  pd->done++;
  if (!reply)
    {
      if (!pd->error)
        pd->error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", pd->paths[i],
                                 error->message);
    }
  else if (call % 2 == 0)
    {
      g_autoptr (GVariant) v = NULL;
      g_variant_get (reply, "(v)", &v);
      if (!g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        {
          if (!pd->error)
            pd->error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                     "%s: Name is not a string", pd->paths[i]);
        }
      else
        pd->slots[i].name = g_variant_dup_string (v, NULL);
    }
  else
    {
      g_autoptr (GVariant) record = g_variant_get_child_value (reply, 0);
      if (!pd->error)
        stats_to_machine (record, &pd->slots[i], pd->paths[i], &pd->error);
    }

  if (pd->done == 2 * pd->n)
    g_main_loop_quit (pd->loop);
  else
    issue_calls (pd);
}

static void
issue_calls (PerDomain *pd)
{
  while (pd->in_flight < (guint) opt_window && pd->next_call < 2 * pd->n)
    {
      guint call = pd->next_call++;
      const char *path = pd->paths[call / 2];

      pd->in_flight++;
      if (call % 2 == 0)
        g_dbus_connection_call (pd->c, LDBUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
                                g_variant_new ("(ss)", LDBUS_DOMAIN_IFACE, "Name"),
                                G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                CALL_TIMEOUT_MS, NULL, per_domain_reply, GUINT_TO_POINTER (call));
      else
        g_dbus_connection_call (pd->c, LDBUS_NAME, path, LDBUS_DOMAIN_IFACE, "GetStats",
                                g_variant_new ("(uu)", STATS_WANTED, 0u),
                                G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                CALL_TIMEOUT_MS, NULL, per_domain_reply, GUINT_TO_POINTER (call));
    }
}

static GPtrArray *
fetch_per_domain (GDBusConnection *c, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  PerDomain pd = { 0 };
  GPtrArray *machines;

  /* Replies are dispatched in the thread-default context at the time of each call. */
  g_main_context_push_thread_default (ctx);

  reply = g_dbus_connection_call_sync (c, LDBUS_NAME, LDBUS_CONNECT_PATH, LDBUS_CONNECT_IFACE,
                                       "ListDomains", g_variant_new ("(u)", 0u),
                                       G_VARIANT_TYPE ("(ao)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       CALL_TIMEOUT_MS, NULL, error);
  if (!reply)
    {
      g_main_context_pop_thread_default (ctx);
      return NULL;
    }
  g_variant_get (reply, "(^ao)", &pd.paths);
  pd.n = g_strv_length (pd.paths);
  pd.c = c;
  pd.slots = g_new0 (Machine, pd.n);
  pd.loop = g_main_loop_new (ctx, FALSE);
  g_object_set_data (G_OBJECT (c), "bench-per-domain", &pd);

  if (pd.n > 0)
    {
      issue_calls (&pd);
      g_main_loop_run (pd.loop);
    }
  g_object_set_data (G_OBJECT (c), "bench-per-domain", NULL);
  g_main_loop_unref (pd.loop);
  g_main_context_pop_thread_default (ctx);

  machines = g_ptr_array_new_with_free_func (machine_free);
  for (guint i = 0; i < pd.n; i++)
    {
      Machine *m = g_new (Machine, 1);
      *m = pd.slots[i]; /* takes the strings */
      g_ptr_array_add (machines, m);
    }
  g_free (pd.slots);
  g_strfreev (pd.paths);

  if (pd.error)
    {
      g_propagate_error (error, pd.error);
      g_ptr_array_unref (machines);
      return NULL;
    }
  return machines;
}

/* ---------------------------------------------------------------------------------------- */
/* libvirt-dbus, all domains in one call                                                     */

static GPtrArray *
fetch_all_stats (GDBusConnection *c, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) records = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *record;
  GPtrArray *machines;

  reply = g_dbus_connection_call_sync (c, LDBUS_NAME, LDBUS_CONNECT_PATH, LDBUS_CONNECT_IFACE,
                                       "GetAllDomainStats",
                                       g_variant_new ("(uu)", STATS_WANTED, 0u),
                                       G_VARIANT_TYPE ("(a(sa{sv}))"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS, NULL,
                                       error);
  if (!reply)
    return NULL;

  machines = g_ptr_array_new_with_free_func (machine_free);
  records = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, records);
  while (g_variant_iter_next (&iter, "(&s@a{sv})", &name, &record))
    {
      Machine *m = g_new0 (Machine, 1);
      GError *e = NULL;
      m->name = g_strdup (name);
      stats_to_machine (record, m, name, &e);
      g_variant_unref (record);
      if (e)
        {
          machine_free (m);
          g_ptr_array_unref (machines);
          g_propagate_error (error, e);
          return NULL;
        }
      g_ptr_array_add (machines, m);
    }
  return machines;
}

/* ---------------------------------------------------------------------------------------- */

static GPtrArray *
fetch (Method method, GDBusConnection *c, GError **error)
{
  switch (method)
    {
    case METHOD_VIREO: return fetch_vireo (c, error);
    case METHOD_PER_DOMAIN: return fetch_per_domain (c, error);
    case METHOD_ALL_STATS: return fetch_all_stats (c, error);
    default: g_assert_not_reached ();
    }
}

/* One run on a fresh connection; returns the elapsed time in ms and the machines seen. */
static double
timed_run (Method method, GPtrArray **out)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *c = new_connection ();
  GPtrArray *machines;
  gint64 t0, t1;

  t0 = g_get_monotonic_time ();
  machines = fetch (method, c, &error);
  t1 = g_get_monotonic_time ();
  close_connection (c);

  if (!machines)
    die ("%s: %s", method_titles[method], error->message);
  if ((int) machines->len != opt_expect)
    die ("%s saw %u machines, expected %d", method_titles[method], machines->len, opt_expect);
  for (guint i = 0; i < machines->len; i++)
    {
      Machine *m = machines->pdata[i];
      if (!m->name || !m->state)
        die ("%s: machine %u has no name or state", method_titles[method], i);
    }
  *out = machines;
  return (t1 - t0) / 1000.0;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (const double *v, int n)
{
  g_autofree double *s = g_memdup2 (v, n * sizeof *v);
  qsort (s, n, sizeof *s, cmp_double);
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static GHashTable *
by_name (GPtrArray *machines, const char *what)
{
  GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < machines->len; i++)
    {
      Machine *m = machines->pdata[i];
      if (!g_hash_table_insert (h, m->name, m))
        die ("%s: two machines named \"%s\"", what, m->name);
    }
  return h;
}

/* Compares the facts two methods gave; returns the number of differences. */
static guint
compare (Method a, GPtrArray *ma, Method b, GPtrArray *mb)
{
  g_autoptr (GHashTable) hb = by_name (mb, method_names[b]);
  guint diffs = 0;

  g_hash_table_unref (by_name (ma, method_names[a])); /* checks for duplicates */
  for (guint i = 0; i < ma->len; i++)
    {
      Machine *x = ma->pdata[i];
      Machine *y = g_hash_table_lookup (hb, x->name);
      if (!y)
        {
          if (diffs++ < 10)
            fprintf (stderr, "  %s sees \"%s\", %s does not\n", method_names[a], x->name,
                     method_names[b]);
          continue;
        }
      if (strcmp (x->state, y->state) != 0 || x->vcpus != y->vcpus ||
          x->memory_mib != y->memory_mib)
        {
          if (diffs++ < 10)
            fprintf (stderr,
                     "  \"%s\": %s says %s/%u vCPUs/%" G_GUINT64_FORMAT " MiB, %s says %s/%u "
                     "vCPUs/%" G_GUINT64_FORMAT " MiB\n",
                     x->name, method_names[a], x->state, x->vcpus, x->memory_mib, method_names[b],
                     y->state, y->vcpus, y->memory_mib);
        }
    }
  return diffs;
}

static void
print_summary (Method method, GPtrArray *machines)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer k, v;
  guint64 vcpus = 0, mib = 0;

  for (guint i = 0; i < machines->len; i++)
    {
      Machine *m = machines->pdata[i];
      g_hash_table_insert (counts, m->state,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, m->state)) + 1));
      vcpus += m->vcpus;
      mib += m->memory_mib;
    }
  printf ("  %s: %u machines,", method_names[method], machines->len);
  g_hash_table_iter_init (&it, counts);
  while (g_hash_table_iter_next (&it, &k, &v))
    printf (" %u %s", GPOINTER_TO_UINT (v), (const char *) k);
  printf (", %" G_GUINT64_FORMAT " vCPUs, %" G_GUINT64_FORMAT " MiB in all\n", vcpus, mib);
}

/* --wait: polls until every selected method sees --expect machines. */
static void
wait_until_ready (const gboolean *selected)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) opt_wait * G_USEC_PER_SEC;

  for (int m = 0; m < N_METHODS; m++)
    {
      if (!selected[m])
        continue;
      for (;;)
        {
          g_autoptr (GError) error = NULL;
          GDBusConnection *c = new_connection ();
          GPtrArray *machines = fetch (m, c, &error);
          guint n = machines ? machines->len : 0;
          close_connection (c);
          if (machines)
            g_ptr_array_unref (machines);
          if ((int) n == opt_expect)
            break;
          if (error && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA) ||
                        g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED)))
            die ("%s: %s", method_titles[m], error->message);
          if (g_get_monotonic_time () > deadline)
            die ("%s still sees %u machines (%s) after %d s, expected %d", method_titles[m], n,
                 error ? error->message : "no error", opt_wait, opt_expect);
          g_usleep (200 * 1000);
        }
    }
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "address", 'a', 0, G_OPTION_ARG_STRING, &opt_address,
      "Bus address (default: the system bus)", "ADDRESS" },
    { "system", 0, 0, G_OPTION_ARG_NONE, &opt_system, "Use the system bus (the default)", NULL },
    { "expect", 'n', 0, G_OPTION_ARG_INT, &opt_expect, "Machines every run must see (1000)", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Timed runs per method (7)", "N" },
    { "window", 'w', 0, G_OPTION_ARG_INT, &opt_window,
      "Most per-domain calls awaiting a reply at once (120)", "N" },
    { "methods", 'm', 0, G_OPTION_ARG_STRING, &opt_methods,
      "Comma-separated: vireo, per-domain, all-stats (default: all three)", "LIST" },
    { "compare", 0, 0, G_OPTION_ARG_STRING, &opt_compare,
      "libvirt-dbus median for the last line: fastest (default), per-domain or all-stats",
      "METHOD" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &opt_label,
      "What the last line calls vireo when it is measured alone", "TEXT" },
    { "wait", 0, 0, G_OPTION_ARG_INT, &opt_wait,
      "First wait up to N seconds until every method sees --expect machines", "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Print every run", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- time listing machines over D-Bus");
  g_autoptr (GError) error = NULL;
  gboolean selected[N_METHODS] = { FALSE };
  double *times[N_METHODS];
  GPtrArray *last[N_METHODS] = { NULL };
  double med[N_METHODS] = { 0 };
  int n_selected = 0;

  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    die ("%s", error->message);
  if (opt_runs < 1 || opt_expect < 0 || opt_window < 1)
    die ("--runs and --window must be at least 1, --expect at least 0");
  if (opt_system && opt_address)
    die ("--system and --address exclude each other");

  {
    g_auto (GStrv) names = g_strsplit (opt_methods ? opt_methods : "vireo,per-domain,all-stats",
                                       ",", -1);
    for (char **p = names; *p; p++)
      {
        int m;
        for (m = 0; m < N_METHODS && strcmp (*p, method_names[m]) != 0; m++)
          ;
        if (m == N_METHODS)
          die ("unknown method \"%s\" (vireo, per-domain, all-stats)", *p);
        if (!selected[m])
          n_selected++;
        selected[m] = TRUE;
      }
  }
  if (!opt_compare)
    opt_compare = g_strdup ("fastest");
  if (strcmp (opt_compare, "per-domain") != 0 && strcmp (opt_compare, "all-stats") != 0 &&
      strcmp (opt_compare, "fastest") != 0)
    die ("--compare must be per-domain, all-stats or fastest");

  if (opt_wait > 0)
    wait_until_ready (selected);

  /* Warm-up: one untimed run of each method. */
  for (int m = 0; m < N_METHODS; m++)
    if (selected[m])
      {
        GPtrArray *machines;
        timed_run (m, &machines);
        g_ptr_array_unref (machines);
      }

  for (int m = 0; m < N_METHODS; m++)
    times[m] = g_new0 (double, opt_runs);

  /* Interleaved: run r does every method, starting with a different one each time. */
  for (int r = 0; r < opt_runs; r++)
    for (int k = 0; k < N_METHODS; k++)
      {
        int m = (r + k) % N_METHODS;
        GPtrArray *machines;
        if (!selected[m])
          continue;
        times[m][r] = timed_run (m, &machines);
        if (opt_verbose)
          fprintf (stderr, "run %d %-10s %8.1f ms\n", r + 1, method_names[m], times[m][r]);
        if (last[m])
          g_ptr_array_unref (last[m]);
        last[m] = machines;
      }

  printf ("%d machines, %d timed runs per method after one warm-up, each on a new connection\n",
          opt_expect, opt_runs);
  for (int m = 0; m < N_METHODS; m++)
    {
      if (!selected[m])
        continue;
      med[m] = median (times[m], opt_runs);
      printf ("%s", method_titles[m]);
      if (m == METHOD_PER_DOMAIN)
        printf (" (window %d)", opt_window);
      printf (":\n  runs ms:");
      for (int r = 0; r < opt_runs; r++)
        printf (" %.1f", times[m][r]);
      printf ("\n  median %.1f ms\n", med[m]);
    }
  printf ("facts seen (last run):\n");
  for (int m = 0; m < N_METHODS; m++)
    if (selected[m])
      print_summary (m, last[m]);

  /* Do the methods agree? */
  {
    guint diffs = 0;
    int first = -1;
    for (int m = 0; m < N_METHODS; m++)
      {
        if (!selected[m])
          continue;
        if (first < 0)
          first = m;
        else
          diffs += compare (first, last[first], m, last[m]);
      }
    if (n_selected > 1)
      {
        if (diffs)
          die ("the methods disagree about %u machines (see above)", diffs);
        printf ("all methods agree on every machine's name, state, vCPUs and memory\n");
      }
  }

  /* The last line. */
  if (selected[METHOD_VIREO] && (selected[METHOD_PER_DOMAIN] || selected[METHOD_ALL_STATS]))
    {
      int ld;
      if (strcmp (opt_compare, "fastest") == 0)
        {
          if (selected[METHOD_PER_DOMAIN] && selected[METHOD_ALL_STATS])
            ld = med[METHOD_PER_DOMAIN] <= med[METHOD_ALL_STATS] ? METHOD_PER_DOMAIN
                                                                 : METHOD_ALL_STATS;
          else
            ld = selected[METHOD_PER_DOMAIN] ? METHOD_PER_DOMAIN : METHOD_ALL_STATS;
        }
      else
        {
          ld = strcmp (opt_compare, "per-domain") == 0 ? METHOD_PER_DOMAIN : METHOD_ALL_STATS;
          if (!selected[ld])
            ld = selected[METHOD_PER_DOMAIN] ? METHOD_PER_DOMAIN : METHOD_ALL_STATS;
        }
      for (int m = METHOD_PER_DOMAIN; m < N_METHODS; m++)
        if (selected[m])
          printf ("ratio vireo / libvirt-dbus %s: %.2f\n", method_names[m],
                  med[METHOD_VIREO] / med[m]);
      printf ("the last line compares vireo with libvirt-dbus %s\n", method_names[ld]);
      printf ("%d machines: vireo %.1f ms, libvirt-dbus %.1f ms, ratio %.2f\n", opt_expect,
              med[METHOD_VIREO], med[ld], med[METHOD_VIREO] / med[ld]);
    }
  else
    {
      for (int m = 0; m < N_METHODS; m++)
        if (selected[m])
          printf ("%d machines: %s median %.1f ms\n", opt_expect,
                  m == METHOD_VIREO && opt_label ? opt_label
                  : m == METHOD_VIREO            ? "vireo GetManagedObjects"
                                                 : method_titles[m],
                  med[m]);
    }

  for (int m = 0; m < N_METHODS; m++)
    {
      g_free (times[m]);
      if (last[m])
        g_ptr_array_unref (last[m]);
    }
  return 0;
}
