/* vireo-error-ui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-error-ui"

#include "config.h"

#include "vireo-error-ui.h"
#include "vireo.h"

static GtkWidget *
wrapping_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  /* A wrapping label asks for no width of its own: give it a line's worth, or the toast
   * shrinks it to a column of single words. */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  return label;
}

/**
 * vireo_error_toast_new:
 * @error: an error from a helper call
 *
 * Returns: (transfer floating) (nullable): a toast saying it for 10 seconds, high priority;
 *   %NULL for an error the user needs no word about (a dismissed authentication, a cancel)
 */
AdwToast *
vireo_error_toast_new (const GError *error)
{
  g_autofree char *sentence = NULL;
  g_autofree char *detail = NULL;
  GtkWidget *box, *label;
  AdwToast *toast;

  g_return_val_if_fail (error != NULL, NULL);

  if (vireo_error_is_silent (error))
    return NULL;
  vireo_error_get_text (error, &sentence, &detail);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), wrapping_label (sentence));
  if (detail != NULL)
    {
      label = wrapping_label (detail);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }
  toast = adw_toast_new (sentence);
  adw_toast_set_custom_title (toast, box);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  return toast;
}

/**
 * vireo_error_label_show:
 * @label: a dialog's error label, hidden until there is an error
 * @error: an error from a helper call
 *
 * Shows @error in @label, its sentence and libvirt's words on a line of their own; nothing for
 * an error the user needs no word about.
 */
void
vireo_error_label_show (GtkLabel     *label,
                        const GError *error)
{
  g_autofree char *sentence = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_LABEL (label));
  g_return_if_fail (error != NULL);

  if (vireo_error_is_silent (error))
    return;
  vireo_error_get_text (error, &sentence, &detail);
  text = detail != NULL ? g_strdup_printf ("%s\n%s", sentence, detail) : g_strdup (sentence);
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}
