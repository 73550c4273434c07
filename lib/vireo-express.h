/* vireo-express.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <osinfo/osinfo.h>

G_BEGIN_DECLS

/* An express (unattended) installation's configuration: what libosinfo's install script is
 * generated from. The passwords are wiped when it is freed. */
typedef struct {
  char *user_login;       /* required */
  char *user_realname;
  char *user_password;    /* also the administrator's (root's), as GNOME Boxes does */
  char *hostname;
  char *timezone;         /* "Europe/Paris" */
  char *keyboard;         /* an X11 layout: "us", "fr" */
  char *language;         /* "en_US" */
  char *product_key;      /* Windows: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX */
} VireoExpress;

VireoExpress        *vireo_express_new                (void);
VireoExpress        *vireo_express_new_from_session   (const char          *machine_name);
VireoExpress        *vireo_express_new_from_variant   (GVariant            *dict,
                                                       GError             **error);
void                 vireo_express_free               (VireoExpress        *self);
gboolean             vireo_express_set                (VireoExpress        *self,
                                                       const char          *key,
                                                       const char          *value,
                                                       GError             **error);
gboolean             vireo_express_validate           (const VireoExpress  *self,
                                                       GError             **error);
GVariant            *vireo_express_to_variant         (const VireoExpress  *self);
char                *vireo_express_hostname_for       (const char          *machine_name);

OsinfoInstallScript *vireo_express_pick_script        (OsinfoOs            *os,
                                                       OsinfoMedia         *media,
                                                       OsinfoInstallScriptInjectionMethod *method);
gboolean             vireo_express_needs_password     (OsinfoInstallScript *script);
OsinfoInstallConfig *vireo_express_to_install_config  (const VireoExpress  *self,
                                                       const char          *arch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoExpress, vireo_express_free)

G_END_DECLS
