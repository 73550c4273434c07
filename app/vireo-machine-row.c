/* vireo-machine-row.c
 *
 * One machine in the list: name (or title), state in words and as an icon, vCPUs and memory.
 * It follows the proxy's PropertiesChanged by itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-machine-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-machine-row.h"
#include "vireo-machine-util.h"

struct _VireoMachineRow {
  GtkBox            parent_instance;

  /* Owned references */
  VireoDBusMachine *machine;

  /* Template widgets */
  GtkImage         *os_image;
  GtkLabel         *title_label;
  GtkLabel         *subtitle_label;
  GtkImage         *state_image;
  GtkPicture       *thumbnail;

  char             *state_class;
};

G_DEFINE_FINAL_TYPE (VireoMachineRow, vireo_machine_row, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (VireoMachineRow *self)
{
  VireoDBusMachine *machine = self->machine;
  g_autofree char *memory = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *tooltip = NULL;
  const char *title;
  VireoMachineState state;

  if (machine == NULL)
    return;

  title = vireo_machine_get_display_name (machine);
  state = vireo_machine_get_state (machine);
  memory = vireo_format_memory (vireo_dbus_machine_get_memory_mib (machine));
  subtitle = g_strdup_printf (ngettext ("%s · %u vCPU · %s", "%s · %u vCPUs · %s",
                                        vireo_dbus_machine_get_vcpus (machine)),
                              vireo_state_label (state), vireo_dbus_machine_get_vcpus (machine), memory);

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->subtitle_label, subtitle);
  /* The whole title, which the sidebar may cut short, and the name under it when it differs. */
  if (g_strcmp0 (title, vireo_dbus_machine_get_name (machine)) != 0)
    tooltip = g_strdup_printf ("%s\n%s", title, vireo_dbus_machine_get_name (machine));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), tooltip != NULL ? tooltip : title);
  gtk_image_set_from_icon_name (self->state_image, vireo_state_icon_name (state));

  if (self->state_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_image), self->state_class);
  g_free (self->state_class);
  self->state_class = g_strdup (vireo_state_css_class (state));
  gtk_widget_add_css_class (GTK_WIDGET (self->state_image), self->state_class);

  /* What a screen reader says for the row. */
  accessible = g_strdup_printf ("%s, %s", title, subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, vireo_state_label (state), -1);
}

static void
vireo_machine_row_dispose (GObject *object)
{
  VireoMachineRow *self = (VireoMachineRow *) object;

  vireo_machine_row_set_machine (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_MACHINE_ROW);

  G_OBJECT_CLASS (vireo_machine_row_parent_class)->dispose (object);
}

static void
vireo_machine_row_finalize (GObject *object)
{
  VireoMachineRow *self = (VireoMachineRow *) object;

  g_clear_pointer (&self->state_class, g_free);

  G_OBJECT_CLASS (vireo_machine_row_parent_class)->finalize (object);
}

static void
vireo_machine_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VireoMachineRow *self = VIREO_MACHINE_ROW (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_machine_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VireoMachineRow *self = VIREO_MACHINE_ROW (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      vireo_machine_row_set_machine (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_machine_row_class_init (VireoMachineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_machine_row_dispose;
  object_class->finalize = vireo_machine_row_finalize;
  object_class->get_property = vireo_machine_row_get_property;
  object_class->set_property = vireo_machine_row_set_property;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, VIREO_DBUS_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/ui/vireo-machine-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoMachineRow, os_image);
  gtk_widget_class_bind_template_child (widget_class, VireoMachineRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, VireoMachineRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, VireoMachineRow, state_image);
  gtk_widget_class_bind_template_child (widget_class, VireoMachineRow, thumbnail);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vireo_machine_row_init (VireoMachineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * vireo_machine_row_set_thumbnail:
 * @thumbnail: (nullable): a small picture of the machine's screen, or %NULL for the icon
 */
void
vireo_machine_row_set_thumbnail (VireoMachineRow *self,
                                 GdkPaintable    *thumbnail)
{
  g_return_if_fail (VIREO_IS_MACHINE_ROW (self));

  gtk_picture_set_paintable (self->thumbnail, thumbnail);
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), thumbnail != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->os_image), thumbnail == NULL);
}

GtkWidget *
vireo_machine_row_new (void)
{
  return g_object_new (VIREO_TYPE_MACHINE_ROW, NULL);
}

VireoDBusMachine *
vireo_machine_row_get_machine (VireoMachineRow *self)
{
  g_return_val_if_fail (VIREO_IS_MACHINE_ROW (self), NULL);

  return self->machine;
}

/**
 * vireo_machine_row_set_machine:
 * @machine: (nullable): the machine to show
 */
void
vireo_machine_row_set_machine (VireoMachineRow  *self,
                               VireoDBusMachine *machine)
{
  g_return_if_fail (VIREO_IS_MACHINE_ROW (self));
  g_return_if_fail (!machine || VIREO_DBUS_IS_MACHINE (machine));

  if (self->machine == machine)
    return;

  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  g_set_object (&self->machine, machine);
  if (machine != NULL)
    {
      /* One handler for all: PropertiesChanged notifies each changed property. */
      g_signal_connect_swapped (machine, "notify", G_CALLBACK (update), self);
      update (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE]);
}
