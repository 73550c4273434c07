/* vireo-display.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vireo-console-source.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DISPLAY (vireo_display_get_type ())
G_DECLARE_DERIVABLE_TYPE (VireoDisplay, vireo_display, VIREO, DISPLAY, GtkWidget)

typedef enum {
  VIREO_DISPLAY_DISCONNECTED,
  VIREO_DISPLAY_CONNECTING,
  VIREO_DISPLAY_CONNECTED,
} VireoDisplayState;

typedef enum {
  VIREO_DISPLAY_SCALE_FIT,
  VIREO_DISPLAY_SCALE_ONE_TO_ONE,
} VireoDisplayScale;

/* Buttons as both protocols count them: bit 0 left, 1 middle, 2 right. */
typedef enum {
  VIREO_BUTTON_LEFT   = 1 << 0,
  VIREO_BUTTON_MIDDLE = 1 << 1,
  VIREO_BUTTON_RIGHT  = 1 << 2,
} VireoButtons;

typedef enum {
  VIREO_SCROLL_UP,
  VIREO_SCROLL_DOWN,
  VIREO_SCROLL_LEFT,
  VIREO_SCROLL_RIGHT,
} VireoScrollDirection;

GType vireo_display_state_get_type (void) G_GNUC_CONST;
GType vireo_display_scale_get_type (void) G_GNUC_CONST;
#define VIREO_TYPE_DISPLAY_STATE (vireo_display_state_get_type ())
#define VIREO_TYPE_DISPLAY_SCALE (vireo_display_scale_get_type ())

/**
 * VireoDisplayClass:
 * @send_key: a key went down or up; @scancode_evdev is a Linux key code
 * @send_position: the pointer is at (@x, @y) in guest pixels (absolute mode)
 * @send_motion: the pointer moved by (@dx, @dy) (relative mode)
 * @send_button: a button went down or up
 * @send_scroll: one wheel click
 * @request_size: the widget would like the guest screen to be this size (device pixels)
 * @open: connect, dropping any earlier connection, with sockets from @source
 * @disconnect: close the connection; the backend then reports DISCONNECTED
 * @create_usb_chooser: (nullable): a widget to pick host USB devices to redirect, where the
 *   protocol can
 *
 * The protocol backends (VNC, SPICE) subclass VireoDisplay; the base draws, maps input and
 * keeps the state.
 */
struct _VireoDisplayClass {
  GtkWidgetClass parent_class;

  void (*send_key)      (VireoDisplay        *self,
                         gboolean             down,
                         guint                evdev,
                         guint                keyval);
  void (*send_position) (VireoDisplay        *self,
                         int                  x,
                         int                  y,
                         VireoButtons         buttons);
  void (*send_motion)   (VireoDisplay        *self,
                         int                  dx,
                         int                  dy,
                         VireoButtons         buttons);
  void (*send_button)   (VireoDisplay        *self,
                         VireoButtons         button,
                         gboolean             down,
                         VireoButtons         buttons);
  void (*send_scroll)   (VireoDisplay        *self,
                         VireoScrollDirection direction,
                         VireoButtons         buttons);
  void (*request_size)  (VireoDisplay        *self,
                         int                  width,
                         int                  height,
                         int                  width_mm,
                         int                  height_mm);
  void (*open)          (VireoDisplay        *self,
                         VireoConsoleSource  *source);
  void (*disconnect)    (VireoDisplay        *self);
  GtkWidget *(*create_usb_chooser) (VireoDisplay *self);

  gpointer padding[6];
};

VireoDisplayState  vireo_display_get_state            (VireoDisplay       *self);
const char        *vireo_display_get_error_message    (VireoDisplay       *self);
VireoDisplayScale  vireo_display_get_scale            (VireoDisplay       *self);
void               vireo_display_set_scale            (VireoDisplay       *self,
                                                       VireoDisplayScale   scale);
gboolean           vireo_display_get_resize_guest     (VireoDisplay       *self);
void               vireo_display_set_resize_guest     (VireoDisplay       *self,
                                                       gboolean            resize_guest);
gboolean           vireo_display_get_grabbed          (VireoDisplay       *self);
void               vireo_display_set_grabbed          (VireoDisplay       *self,
                                                       gboolean            grabbed);
gboolean           vireo_display_get_absolute         (VireoDisplay       *self);
gboolean           vireo_display_set_grab_keys        (VireoDisplay       *self,
                                                       const char         *combination,
                                                       GError            **error);
gboolean           vireo_display_get_share_clipboard  (VireoDisplay       *self);
void               vireo_display_set_share_clipboard  (VireoDisplay       *self,
                                                       gboolean            share);
int                vireo_display_get_framebuffer_width  (VireoDisplay     *self);
int                vireo_display_get_framebuffer_height (VireoDisplay     *self);
void               vireo_display_send_keys            (VireoDisplay       *self,
                                                       const guint        *evdev,
                                                       guint               n_keys);
void               vireo_display_release_keys         (VireoDisplay       *self);
GdkTexture        *vireo_display_copy_frame           (VireoDisplay       *self);
void               vireo_display_get_relative_motion  (VireoDisplay       *self,
                                                       gint64             *dx,
                                                       gint64             *dy);
guint64            vireo_display_get_keys_sent        (VireoDisplay       *self);
guint              vireo_display_get_keys_held        (VireoDisplay       *self);
gboolean           vireo_display_save_png             (VireoDisplay       *self,
                                                       const char         *path,
                                                       GError            **error);
void               vireo_display_save_png_async       (VireoDisplay       *self,
                                                       GFile              *file,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean           vireo_display_save_png_finish      (VireoDisplay       *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void               vireo_display_open                 (VireoDisplay       *self,
                                                       VireoConsoleSource *source);
void               vireo_display_disconnect           (VireoDisplay       *self);
GtkWidget         *vireo_display_create_usb_chooser   (VireoDisplay       *self);
gboolean           vireo_display_get_using_gl         (VireoDisplay       *self);
void               vireo_display_fit                  (int                 fb_width,
                                                       int                 fb_height,
                                                       double              width,
                                                       double              height,
                                                       VireoDisplayScale   scale,
                                                       int                 scale_factor,
                                                       graphene_rect_t    *dst);

G_END_DECLS
