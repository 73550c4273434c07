/* vireo-express.c
 *
 * Express installation: the configuration libosinfo's install scripts are generated from,
 * proposed from the desktop session (the user's login and name, the time zone, the keyboard
 * layout, the language), checked, and carried over D-Bus in CreateMachine's spec. The
 * assistant, vireoctl and the helper share it, and the choice of script: the helper generates
 * and injects the script (hypervisor/vireo-install.c), the clients only propose and say
 * whether a medium can be installed this way.
 *
 * What is refused, and why: the scripts put the values into preseed files, kickstarts (some
 * inside shell quotes) and XML, so a value that could end its line or its quotes is refused
 * rather than escaped differently for each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-express"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-error.h"
#include "vireo-express.h"

#define MAX_TEXT 128

VireoExpress *
vireo_express_new (void)
{
  return g_new0 (VireoExpress, 1);
}

static void
wipe (char **secret)
{
  if (*secret != NULL)
    {
      explicit_bzero (*secret, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

void
vireo_express_free (VireoExpress *self)
{
  if (self == NULL)
    return;
  g_free (self->user_login);
  g_free (self->user_realname);
  wipe (&self->user_password);
  g_free (self->hostname);
  g_free (self->timezone);
  g_free (self->keyboard);
  g_free (self->language);
  wipe (&self->product_key);
  g_free (self);
}

/**
 * vireo_express_hostname_for:
 * @machine_name: (nullable): the new machine's name
 *
 * Returns: (transfer full): a host name (RFC 1123 label) made from @machine_name:
 *   "Debian 12!" gives "debian-12"
 */
char *
vireo_express_hostname_for (const char *machine_name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = machine_name != NULL ? machine_name : ""; *p != '\0' && out->len < 63; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (out, g_ascii_tolower (*p));
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "guest");
  return g_string_free (out, FALSE);
}

static char *
session_timezone (void)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *id = g_time_zone_get_identifier (local);
  g_autofree char *etc = NULL;

  if (id != NULL && id[0] != '/' && id[0] != ':' && strchr (id, '/') != NULL)
    return g_strdup (id);
  /* /etc/localtime copied rather than linked: Debian keeps the name beside it. */
  if (g_file_get_contents ("/etc/timezone", &etc, NULL, NULL))
    {
      g_strstrip (etc);
      if (etc[0] != '\0' && strchr (etc, '/') != NULL)
        return g_steal_pointer (&etc);
    }
  return g_strdup (id != NULL && g_str_equal (id, "UTC") ? "UTC" : "Etc/UTC");
}

static char *
keyboard_from_gsettings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GVariant) sources = NULL;
  GVariantIter iter;
  const char *type, *id;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.input-sources", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "sources"))
    return NULL;
  settings = g_settings_new ("org.gnome.desktop.input-sources");
  sources = g_settings_get_value (settings, "sources");
  if (!g_variant_is_of_type (sources, G_VARIANT_TYPE ("a(ss)")))
    return NULL;
  g_variant_iter_init (&iter, sources);
  while (g_variant_iter_next (&iter, "(&s&s)", &type, &id))
    if (g_str_equal (type, "xkb") && id[0] != '\0')
      return g_strndup (id, strcspn (id, "+"));
  return NULL;
}

static char *
session_keyboard (void)
{
  g_autofree char *layout = keyboard_from_gsettings ();
  g_autofree char *contents = NULL;

  if (layout != NULL)
    return g_steal_pointer (&layout);
  /* The console's layout, as Debian's installer wrote it. */
  if (g_file_get_contents ("/etc/default/keyboard", &contents, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "XKBLAYOUT="))
          {
            g_autofree char *value = g_shell_unquote (lines[i] + strlen ("XKBLAYOUT="), NULL);

            if (value != NULL && value[0] != '\0')
              return g_strndup (value, strcspn (value, ","));
          }
    }
  return g_strdup ("us");
}

static char *
session_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      size_t len = strcspn (names[i], ".@");

      /* "de_DE.UTF-8" gives "de_DE"; a bare "de" says less than the next one may */
      if (len == 5 && names[i][2] == '_')
        return g_strndup (names[i], len);
    }
  return g_strdup ("en_US");
}

/**
 * vireo_express_new_from_session:
 * @machine_name: (nullable): the new machine's name, for its host name
 *
 * Returns: (transfer full): what GNOME Boxes proposes: this user's login and full name, the
 *   machine's name as host name, and the session's time zone, keyboard layout and language.
 *   No password: the user chooses one, or the account has none where the script allows it.
 */
VireoExpress *
vireo_express_new_from_session (const char *machine_name)
{
  VireoExpress *self = vireo_express_new ();
  const char *real = g_get_real_name ();

  /* As root (vireoctl under sudo) the login would be "root", which no installer takes. */
  self->user_login = g_strdup (getuid () != 0 ? g_get_user_name () : "user");
  self->user_realname = g_strdup (getuid () != 0 && real != NULL && !g_str_equal (real, "Unknown") ? real : "");
  self->hostname = vireo_express_hostname_for (machine_name);
  self->timezone = session_timezone ();
  self->keyboard = session_keyboard ();
  self->language = session_language ();
  return self;
}

static gboolean
matches (const char *pattern,
         const char *value)
{
  return g_regex_match_simple (pattern, value, 0, 0);
}

static gboolean
plain_text (const char *value,
            gboolean    quote_ok)
{
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > MAX_TEXT)
    return FALSE;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || (!quote_ok && (c == '\'' || c == '"' || c == '\\' || c == '`' || c == '$')))
        return FALSE;
    }
  return TRUE;
}

/**
 * vireo_express_set:
 * @key: "user", "name", "password", "hostname", "timezone", "keyboard", "language" or
 *   "product-key" (the keys of vireoctl's --express and of the D-Bus dict)
 *
 * Returns: %FALSE with @error set for an unknown key; values are checked by
 *   vireo_express_validate()
 */
gboolean
vireo_express_set (VireoExpress  *self,
                   const char    *key,
                   const char    *value,
                   GError       **error)
{
  char **field = g_str_equal (key, "user")          ? &self->user_login
               : g_str_equal (key, "name")          ? &self->user_realname
               : g_str_equal (key, "password")      ? &self->user_password
               : g_str_equal (key, "hostname")      ? &self->hostname
               : g_str_equal (key, "timezone")      ? &self->timezone
               : g_str_equal (key, "keyboard")      ? &self->keyboard
               : g_str_equal (key, "language")      ? &self->language
               : g_str_equal (key, "product-key")   ? &self->product_key
                                                    : NULL;

  if (field == NULL)
    {
      g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                   _("Unknown express installation setting “%s”: the settings are user, name, password, hostname, timezone, keyboard, language and product-key."),
                   key);
      return FALSE;
    }
  if (field == &self->user_password || field == &self->product_key)
    wipe (field);
  else
    g_free (*field);
  /* Product keys are printed in capitals; typed, they may not be. */
  *field = field == &self->product_key ? g_ascii_strup (value, -1) : g_strdup (value);
  return TRUE;
}

/**
 * vireo_express_validate:
 *
 * Returns: %FALSE with @error set, in a sentence a user can act on, when a value could not
 *   go into an install script as it is
 */
gboolean
vireo_express_validate (const VireoExpress  *self,
                        GError             **error)
{
  const char *bad = NULL;
  g_autoptr(GTimeZone) tz = NULL;

  if (self->user_login == NULL || self->user_login[0] == '\0')
    bad = _("Express installation needs a user name.");
  else if (!matches ("^[a-z_][a-z0-9_-]{0,31}$", self->user_login) || g_str_equal (self->user_login, "root"))
    bad = _("A user name is up to 32 lower-case letters, digits, “-” and “_”, starts with a letter, and is not “root”.");
  else if (self->user_realname != NULL && !plain_text (self->user_realname, FALSE))
    bad = _("A full name is up to 128 characters, without quotes, “\\”, “`” or “$”.");
  else if (self->user_password != NULL && (!plain_text (self->user_password, TRUE) || strchr (self->user_password, '\'') != NULL))
    bad = _("A password is up to 128 characters, without “'” or control characters.");
  else if (self->hostname != NULL && self->hostname[0] != '\0'
           && !matches ("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$", self->hostname))
    bad = _("A host name is up to 63 letters, digits and “-”, and does not start or end with “-”.");
  else if (self->timezone != NULL && self->timezone[0] != '\0'
           && (!matches ("^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+){0,2}$", self->timezone)
               || (tz = g_time_zone_new_identifier (self->timezone)) == NULL))
    bad = _("Unknown time zone: time zones look like “Europe/Paris” or “America/New_York”.");
  else if (self->keyboard != NULL && self->keyboard[0] != '\0' && !matches ("^[a-z]{2,8}$", self->keyboard))
    bad = _("A keyboard layout is an X11 layout name, such as “us”, “fr” or “de”.");
  else if (self->language != NULL && self->language[0] != '\0' && !matches ("^[a-z]{2,3}(_[A-Z]{2})?$", self->language))
    bad = _("A language looks like “en_US” or “de_DE”.");
  else if (self->product_key != NULL && self->product_key[0] != '\0'
           && !matches ("^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$", self->product_key))
    bad = _("A product key has five groups of five letters and digits: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX.");

  if (bad != NULL)
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT, bad);
      return FALSE;
    }
  return TRUE;
}

static void
add_string (GVariantBuilder *builder,
            const char      *key,
            const char      *value)
{
  if (value != NULL && value[0] != '\0')
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (value));
}

/**
 * vireo_express_to_variant:
 *
 * Returns: (transfer floating): the a{sv} of CreateMachine's "express" key
 */
GVariant *
vireo_express_to_variant (const VireoExpress *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_string (&builder, "user", self->user_login);
  add_string (&builder, "name", self->user_realname);
  add_string (&builder, "password", self->user_password);
  add_string (&builder, "hostname", self->hostname);
  add_string (&builder, "timezone", self->timezone);
  add_string (&builder, "keyboard", self->keyboard);
  add_string (&builder, "language", self->language);
  add_string (&builder, "product-key", self->product_key);
  return g_variant_builder_end (&builder);
}

/**
 * vireo_express_new_from_variant:
 * @dict: an a{sv} of string values, as vireo_express_to_variant() makes
 *
 * Returns: (transfer full): the configuration, validated; %NULL with @error set
 */
VireoExpress *
vireo_express_new_from_variant (GVariant  *dict,
                                GError   **error)
{
  g_autoptr(VireoExpress) self = vireo_express_new ();
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (!g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error_literal (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                           _("The express installation settings must be a dictionary (a{sv})."));
      return NULL;
    }
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;

      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          g_set_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT,
                       _("The express installation setting “%s” must be a string."), key);
          return NULL;
        }
      if (!vireo_express_set (self, key, g_variant_get_string (value, NULL), error))
        return NULL;
    }
  if (!vireo_express_validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
profile_is (OsinfoInstallScript *script,
            const char          *profile)
{
  return g_strcmp0 (osinfo_install_script_get_profile (script), profile) == 0;
}

/**
 * vireo_express_pick_script:
 * @os: the system on @media
 * @media: (nullable): the installation medium, as libosinfo identified it
 * @method: (out): how the script reaches the installer: initrd injection (the medium names
 *   its installer's kernel and initrd) or a small CD-ROM
 *
 * The script an express installation of @os from @media uses: the medium's own scripts, or
 * else the system's, the desktop profile before the minimal one (jeos), as GNOME Boxes
 * does. Live media and media libosinfo says take no script have none.
 *
 * Returns: (transfer full) (nullable): the script, or %NULL when there is none Vireo can
 *   inject
 */
OsinfoInstallScript *
vireo_express_pick_script (OsinfoOs                           *os,
                           OsinfoMedia                        *media,
                           OsinfoInstallScriptInjectionMethod *method)
{
  g_autoptr(OsinfoInstallScriptList) scripts = NULL;
  OsinfoInstallScript *best = NULL;
  OsinfoInstallScriptInjectionMethod best_method = 0;
  gboolean initrd_ok;

  g_return_val_if_fail (OSINFO_IS_OS (os), NULL);

  if (media == NULL || !osinfo_media_supports_installer_script (media))
    return NULL;
  initrd_ok = osinfo_media_get_kernel_path (media) != NULL && osinfo_media_get_initrd_path (media) != NULL;

  scripts = osinfo_media_get_install_script_list (media);
  if (osinfo_list_get_length (OSINFO_LIST (scripts)) == 0)
    {
      g_clear_object (&scripts);
      scripts = osinfo_os_get_install_script_list (os);
    }

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (scripts)); i++)
    {
      OsinfoInstallScript *script = OSINFO_INSTALL_SCRIPT (osinfo_list_get_nth (OSINFO_LIST (scripts), i));
      unsigned int methods = osinfo_install_script_get_injection_methods (script);
      OsinfoInstallScriptInjectionMethod m = 0;

      if (initrd_ok && (methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD))
        m = OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD;
      else if (methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM)
        m = OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM;
      /* Windows' "cmd" and "reg" scripts are pieces of others, with no profile of their own */
      if (m == 0 || !(profile_is (script, "desktop") || profile_is (script, "jeos")))
        continue;
      if (best == NULL || (profile_is (script, "desktop") && !profile_is (best, "desktop")))
        {
          best = script;
          best_method = m;
        }
    }

  if (best == NULL)
    return NULL;
  if (method != NULL)
    *method = best_method;
  return g_object_ref (best);
}

/**
 * vireo_express_needs_password:
 *
 * Returns: whether @script refuses an account without a password (Debian's preseed does)
 */
gboolean
vireo_express_needs_password (OsinfoInstallScript *script)
{
  OsinfoInstallConfigParam *param = osinfo_install_script_get_config_param (script, OSINFO_INSTALL_CONFIG_PROP_USER_PASSWORD);

  return param != NULL && osinfo_install_config_param_is_required (param);
}

/**
 * vireo_express_to_install_config:
 * @arch: the guest's architecture ("x86_64")
 *
 * Returns: (transfer full): libosinfo's configuration for generating a script; the user's
 *   password is also the administrator's
 */
OsinfoInstallConfig *
vireo_express_to_install_config (const VireoExpress *self,
                                 const char         *arch)
{
  OsinfoInstallConfig *config = osinfo_install_config_new ("http://vireo.org/install-config/1");
  const char *password = self->user_password != NULL ? self->user_password : "";

  osinfo_install_config_set_hardware_arch (config, arch);
  osinfo_install_config_set_user_login (config, self->user_login);
  if (self->user_realname != NULL && self->user_realname[0] != '\0')
    osinfo_install_config_set_user_realname (config, self->user_realname);
  osinfo_install_config_set_user_password (config, password);
  osinfo_install_config_set_admin_password (config, password);
  osinfo_install_config_set_user_administrator (config, TRUE);
  osinfo_install_config_set_user_autologin (config, password[0] == '\0');
  if (self->hostname != NULL && self->hostname[0] != '\0')
    osinfo_install_config_set_hostname (config, self->hostname);
  if (self->timezone != NULL && self->timezone[0] != '\0')
    osinfo_install_config_set_l10n_timezone (config, self->timezone);
  if (self->keyboard != NULL && self->keyboard[0] != '\0')
    osinfo_install_config_set_l10n_keyboard (config, self->keyboard);
  if (self->language != NULL && self->language[0] != '\0')
    osinfo_install_config_set_l10n_language (config, self->language);
  if (self->product_key != NULL && self->product_key[0] != '\0')
    osinfo_install_config_set_reg_product_key (config, self->product_key);
  return config;
}
