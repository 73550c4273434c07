/* vireo-display.c
 *
 * A guest's screen as a GTK 4 widget. The backends (VNC, SPICE) write pixels into their own
 * buffer and report damage; this base turns the damage into at most one upload per frame,
 * draws it letterboxed or 1:1, and turns GTK input into key codes and guest coordinates.
 *
 * Pixels (CONSOLE.md §5–6): on the GL renderer one GL texture of our own, with only the
 * damaged rectangles uploaded (glTexSubImage2D, internal format RGB8 so the X byte never
 * counts as alpha). Otherwise CAIRO_FORMAT_RGB24 copies of the frame (the X byte is ignored,
 * no alpha pass) cut into tiles, one cairo node each (vireo-tiles.c): GTK 4.8's cairo renderer
 * would convert every new memory texture pixel by pixel (gdk_memory_convert, 3.2 ms per 720x400
 * frame), and repaints what differs between two frames' nodes, so only the tiles that changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include <epoxy/gl.h>
#include <glib/gi18n.h>
#include <linux/input-event-codes.h>
#include <string.h>

#ifdef HAVE_XI2
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XInput2.h>
#endif

#include "vireo-damage.h"
#include "vireo-display-private.h"
#include "vireo-keymap.h"
#include "vireo-tiles.h"

#define RESIZE_DELAY_MS   500
#define FRAME_INTERVAL_US 16667   /* 60 frames/s: a display's refresh */
#define N_KEYS            (KEY_MAX + 1)

typedef struct {
  /* Owned references */
  GdkTexture        *texture;         /* GL path */
  VireoTiles         tiles;           /* cairo path: RGB24 copies, a node per tile */
  GdkGLContext      *gl_context;
  GdkCursor         *cursor;
  char              *error_message;

  /* Borrowed: the backend's framebuffer, B,G,R,X bytes */
  const guint8      *data;
  int                width;
  int                height;
  int                stride;

  VireoDamage        damage;
  graphene_rect_t    dst;            /* where the last frame was drawn */
  guint              gl_texture;
  int                gl_width;
  int                gl_height;
  gboolean           use_gl;

  VireoDisplayState  state;
  VireoDisplayScale  scale;
  gboolean           resize_guest;
  gboolean           grabbed;
  gboolean           absolute;
  gboolean           share_clipboard;
  guint              resize_source;
  guint              draw_idle;
  guint              draw_timeout;
  gint64             last_frame;      /* monotonic time of the last upload */

  guint8             pressed[N_KEYS / 8 + 1];
  VireoButtons       buttons;
  double             last_x;
  double             last_y;
  gboolean           have_last;
  gboolean           holding;         /* X11: pointer grabbed and warped back (relative) */
  gint64             motion_dx;       /* relative motion sent since connecting */
  gint64             motion_dy;
  guint64            keys_sent;       /* key presses sent since connecting */

  /* The grab combo (Ctrl_L+Alt_L unless set): all its keys pressed, then all released, with
   * no other key in between, toggles the grab. The keys reach the guest either way. */
  guint              combo[VIREO_KEYMAP_MAX_COMBO_KEYS];
  guint              n_combo;
  gboolean           combo_armed;
  gboolean           combo_spoiled;
} VireoDisplayPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (VireoDisplay, vireo_display, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_SCALE,
  PROP_RESIZE_GUEST,
  PROP_GRABBED,
  PROP_ABSOLUTE,
  PROP_SHARE_CLIPBOARD,
  PROP_FRAMEBUFFER_WIDTH,
  PROP_FRAMEBUFFER_HEIGHT,
  N_PROPS
};

enum {
  FRAME,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GType
vireo_display_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { VIREO_DISPLAY_DISCONNECTED, "VIREO_DISPLAY_DISCONNECTED", "disconnected" },
    { VIREO_DISPLAY_CONNECTING, "VIREO_DISPLAY_CONNECTING", "connecting" },
    { VIREO_DISPLAY_CONNECTED, "VIREO_DISPLAY_CONNECTED", "connected" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("VireoDisplayState", values));
  return type;
}

GType
vireo_display_scale_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { VIREO_DISPLAY_SCALE_FIT, "VIREO_DISPLAY_SCALE_FIT", "fit" },
    { VIREO_DISPLAY_SCALE_ONE_TO_ONE, "VIREO_DISPLAY_SCALE_ONE_TO_ONE", "one-to-one" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("VireoDisplayScale", values));
  return type;
}

/* Geometry */

/**
 * vireo_display_fit:
 * @fb_width: the guest screen's width in pixels
 * @width: the widget's width in logical pixels
 * @scale_factor: the widget's (integer) scale factor
 * @dst: (out): where to draw, in logical pixels
 *
 * Fit: as large as fits, aspect kept, centred. 1:1: one guest pixel per device pixel,
 * centred when the widget is larger.
 */
void
vireo_display_fit (int                fb_width,
                   int                fb_height,
                   double             width,
                   double             height,
                   VireoDisplayScale  scale,
                   int                scale_factor,
                   graphene_rect_t   *dst)
{
  double w, h;

  if (fb_width <= 0 || fb_height <= 0 || width <= 0 || height <= 0)
    {
      graphene_rect_init (dst, 0, 0, 0, 0);
      return;
    }

  if (scale == VIREO_DISPLAY_SCALE_ONE_TO_ONE)
    {
      w = (double) fb_width / MAX (scale_factor, 1);
      h = (double) fb_height / MAX (scale_factor, 1);
    }
  else
    {
      double ratio = MIN (width / fb_width, height / fb_height);

      w = fb_width * ratio;
      h = fb_height * ratio;
    }

  graphene_rect_init (dst, MAX ((width - w) / 2, 0), MAX ((height - h) / 2, 0), w, h);
}

/* Widget coordinates to guest pixels, clamped to the screen. */
static gboolean
to_guest (VireoDisplay *self,
          double        x,
          double        y,
          int          *gx,
          int          *gy)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  if (priv->width <= 0 || priv->dst.size.width <= 0)
    return FALSE;

  *gx = CLAMP ((int) ((x - priv->dst.origin.x) * priv->width / priv->dst.size.width), 0, priv->width - 1);
  *gy = CLAMP ((int) ((y - priv->dst.origin.y) * priv->height / priv->dst.size.height), 0, priv->height - 1);
  return TRUE;
}

/* Pixels */

static void
drop_gl (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  if (priv->gl_context != NULL)
    {
      gdk_gl_context_make_current (priv->gl_context);
      if (priv->gl_texture != 0)
        glDeleteTextures (1, &priv->gl_texture);
      gdk_gl_context_clear_current ();
    }
  priv->gl_texture = 0;
  priv->gl_width = priv->gl_height = 0;
  g_clear_object (&priv->gl_context);
}

static gboolean
upload_gl (VireoDisplay   *self,
           cairo_region_t *region)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  int n = cairo_region_num_rectangles (region);

  gdk_gl_context_make_current (priv->gl_context);

  if (priv->gl_texture == 0 || priv->gl_width != priv->width || priv->gl_height != priv->height)
    {
      if (priv->gl_texture == 0)
        glGenTextures (1, &priv->gl_texture);
      glBindTexture (GL_TEXTURE_2D, priv->gl_texture);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      /* RGB8: the X byte is ignored, alpha reads as 1. */
      glTexImage2D (GL_TEXTURE_2D, 0, GL_RGB8, priv->width, priv->height, 0, GL_BGRA, GL_UNSIGNED_BYTE, NULL);
      priv->gl_width = priv->width;
      priv->gl_height = priv->height;
      cairo_region_destroy (region);
      region = NULL;
      n = 1;
    }
  else
    glBindTexture (GL_TEXTURE_2D, priv->gl_texture);

  glPixelStorei (GL_UNPACK_ROW_LENGTH, priv->stride / 4);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  for (int i = 0; i < n; i++)
    {
      cairo_rectangle_int_t r = { 0, 0, priv->width, priv->height };

      if (region != NULL)
        cairo_region_get_rectangle (region, i, &r);
      glTexSubImage2D (GL_TEXTURE_2D, 0, r.x, r.y, r.width, r.height, GL_BGRA, GL_UNSIGNED_BYTE,
                       priv->data + (gsize) r.y * priv->stride + (gsize) r.x * 4);
    }
  glPixelStorei (GL_UNPACK_ROW_LENGTH, 0);
  glBindTexture (GL_TEXTURE_2D, 0);
  /* GTK 4.8 has no sync object for GL textures: flush so GSK's context sees the pixels. */
  glFlush ();

  if (region != NULL)
    cairo_region_destroy (region);

  g_clear_object (&priv->texture);
  priv->texture = gdk_gl_texture_new (priv->gl_context, priv->gl_texture, priv->width, priv->height, NULL, NULL);
  return TRUE;
}

/* A copy of the backend's pixels, opaque (the X byte is not alpha), in a fresh buffer: a
 * GdkMemoryTexture is immutable while GTK holds it. For screenshots and thumbnails. */
static GdkTexture *
opaque_copy (VireoDisplayPrivate *priv)
{
  gsize size = (gsize) priv->width * priv->height * 4;
  guint32 *pixels = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < priv->height; y++)
    {
      const guint32 *src = (const guint32 *) (priv->data + (gsize) y * priv->stride);
      guint32 *dst = pixels + (gsize) y * priv->width;

      for (int x = 0; x < priv->width; x++)
        dst[x] = src[x] | 0xff000000;
    }

  bytes = g_bytes_new_take (pixels, size);
  return gdk_memory_texture_new (priv->width, priv->height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                 bytes, priv->width * 4);
}

static void
flush_damage (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  cairo_region_t *region;

  if (priv->data == NULL || priv->width <= 0 || vireo_damage_is_empty (&priv->damage))
    return;

  region = vireo_damage_take (&priv->damage);
  if (priv->use_gl && priv->gl_context != NULL)
    upload_gl (self, region);
  else
    {
      vireo_tiles_update (&priv->tiles, priv->data, priv->width, priv->height, priv->stride, region);
      cairo_region_destroy (region);
    }
  priv->last_frame = g_get_monotonic_time ();

  g_signal_emit (self, signals[FRAME], 0);
}

static void
vireo_display_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA black = { 0, 0, 0, 1 };

  flush_damage (self);

  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (priv->use_gl && priv->texture != NULL)
    {
      vireo_display_fit (gdk_texture_get_width (priv->texture), gdk_texture_get_height (priv->texture),
                         width, height, priv->scale, gtk_widget_get_scale_factor (widget), &priv->dst);
      gtk_snapshot_append_texture (snapshot, priv->texture, &priv->dst);
    }
  else if (!priv->use_gl && !vireo_tiles_is_empty (&priv->tiles))
    {
      int scale_factor = gtk_widget_get_scale_factor (widget);
      g_autoptr(GskRenderNode) node = NULL;
      double sx, sy;

      vireo_display_fit (priv->tiles.width, priv->tiles.height, width, height, priv->scale, scale_factor, &priv->dst);
      sx = priv->dst.size.width / priv->tiles.width;
      sy = priv->dst.size.height / priv->tiles.height;
      /* One guest pixel per device pixel: a plain copy. Scaled: bilinear, as GL samples. */
      node = vireo_tiles_get_node (&priv->tiles, &priv->dst,
                                   G_APPROX_VALUE (sx * scale_factor, 1.0, 1e-6) && G_APPROX_VALUE (sy * scale_factor, 1.0, 1e-6)
                                   ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR,
                                   scale_factor);
      if (node == NULL)
        return;
      gtk_snapshot_append_node (snapshot, node);
    }
  else
    return;

  /* The last frame stays, dimmed, when the connection is gone. */
  if (priv->state == VIREO_DISPLAY_DISCONNECTED)
    gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.6 }, &priv->dst);
}

static void
vireo_display_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  int scale_factor = MAX (gtk_widget_get_scale_factor (widget), 1);
  int size = orientation == GTK_ORIENTATION_HORIZONTAL ? priv->width : priv->height;

  size = MAX (size, 0) / scale_factor;
  if (priv->scale == VIREO_DISPLAY_SCALE_ONE_TO_ONE && !priv->resize_guest)
    *minimum = *natural = size;
  else
    {
      *minimum = 64;
      *natural = MAX (size, 64);
    }
}

static gboolean
resize_timeout_cb (gpointer user_data)
{
  VireoDisplay *self = user_data;
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  int width = gtk_widget_get_width (widget) * scale_factor;
  int height = gtk_widget_get_height (widget) * scale_factor;
  int width_mm = 0, height_mm = 0;
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  priv->resize_source = 0;

  if (surface != NULL)
    {
      GdkMonitor *monitor = gdk_display_get_monitor_at_surface (gtk_widget_get_display (widget), surface);

      if (monitor != NULL)
        {
          GdkRectangle geometry;

          gdk_monitor_get_geometry (monitor, &geometry);
          if (geometry.width > 0 && geometry.height > 0)
            {
              width_mm = gdk_monitor_get_width_mm (monitor) * gtk_widget_get_width (widget) / geometry.width;
              height_mm = gdk_monitor_get_height_mm (monitor) * gtk_widget_get_height (widget) / geometry.height;
            }
        }
    }

  if (width > 0 && height > 0 && VIREO_DISPLAY_GET_CLASS (self)->request_size != NULL)
    VIREO_DISPLAY_GET_CLASS (self)->request_size (self, width, height, width_mm, height_mm);

  return G_SOURCE_REMOVE;
}

static void
vireo_display_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  if (priv->resize_guest && priv->state == VIREO_DISPLAY_CONNECTED)
    {
      g_clear_handle_id (&priv->resize_source, g_source_remove);
      priv->resize_source = g_timeout_add (RESIZE_DELAY_MS, resize_timeout_cb, self);
    }
}

/* GTK 4.8 does not install the GL renderer's header with gtk.h; ask the type system. */
static gboolean
is_gl_renderer (GskRenderer *renderer)
{
  static const char *const gl_types[] = { "GskGLRenderer", "GskNglRenderer" };

  for (guint i = 0; i < G_N_ELEMENTS (gl_types); i++)
    {
      GType type = g_type_from_name (gl_types[i]);

      if (type != 0 && g_type_is_a (G_OBJECT_TYPE (renderer), type))
        return TRUE;
    }
  return FALSE;
}

static void
vireo_display_realize (GtkWidget *widget)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  GskRenderer *renderer;

  GTK_WIDGET_CLASS (vireo_display_parent_class)->realize (widget);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  priv->use_gl = is_gl_renderer (renderer);
  if (priv->use_gl)
    {
      g_autoptr(GError) error = NULL;

      priv->gl_context = gdk_display_create_gl_context (gtk_widget_get_display (widget), &error);
      if (priv->gl_context == NULL || !gdk_gl_context_realize (priv->gl_context, &error))
        {
          g_debug ("No GL context for the console, drawing with cairo: %s", error ? error->message : "?");
          g_clear_object (&priv->gl_context);
          priv->use_gl = FALSE;
        }
    }

  g_clear_object (&priv->texture);
  vireo_tiles_clear (&priv->tiles);
  vireo_damage_add_all (&priv->damage);
}

static void
vireo_display_unrealize (GtkWidget *widget)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  /* A GL texture wrapper must not outlive the context it names. */
  if (priv->use_gl)
    g_clear_object (&priv->texture);
  drop_gl (self);

  GTK_WIDGET_CLASS (vireo_display_parent_class)->unrealize (widget);
}

/* Keyboard */

static gboolean
is_pressed (VireoDisplayPrivate *priv,
            guint                evdev)
{
  return evdev < N_KEYS && (priv->pressed[evdev / 8] & (1 << (evdev % 8))) != 0;
}

static void
set_pressed (VireoDisplayPrivate *priv,
             guint                evdev,
             gboolean             pressed)
{
  if (evdev >= N_KEYS)
    return;
  if (pressed)
    priv->pressed[evdev / 8] |= 1 << (evdev % 8);
  else
    priv->pressed[evdev / 8] &= ~(1 << (evdev % 8));
}

static void
send_key (VireoDisplay *self,
          gboolean      down,
          guint         evdev,
          guint         keyval)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  if (evdev == 0 || priv->state != VIREO_DISPLAY_CONNECTED)
    return;
  if (!down && !is_pressed (priv, evdev))
    return;

  set_pressed (priv, evdev, down);
  if (down)
    priv->keys_sent++;
  VIREO_DISPLAY_GET_CLASS (self)->send_key (self, down, evdev, keyval);
}

/**
 * vireo_display_release_keys:
 *
 * Sends a release for every key the guest still thinks is down: on focus loss, on ungrab
 * and on disconnect, so that no modifier sticks.
 */
void
vireo_display_release_keys (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = vireo_display_get_instance_private (self);
  for (guint evdev = 0; evdev < N_KEYS; evdev++)
    {
      if (!is_pressed (priv, evdev))
        continue;
      set_pressed (priv, evdev, FALSE);
      if (priv->state == VIREO_DISPLAY_CONNECTED)
        VIREO_DISPLAY_GET_CLASS (self)->send_key (self, FALSE, evdev, 0);
    }
}

/**
 * vireo_display_send_keys:
 * @evdev: (array length=n_keys): Linux key codes
 *
 * Presses the keys in order and releases them in reverse: Ctrl+Alt+Del and the like.
 */
void
vireo_display_send_keys (VireoDisplay *self,
                         const guint  *evdev,
                         guint         n_keys)
{
  g_return_if_fail (VIREO_IS_DISPLAY (self));

  for (guint i = 0; i < n_keys; i++)
    send_key (self, TRUE, evdev[i], 0);
  for (guint i = n_keys; i > 0; i--)
    send_key (self, FALSE, evdev[i - 1], 0);
}

static gboolean
in_combo (VireoDisplayPrivate *priv,
          guint                evdev)
{
  for (guint i = 0; i < priv->n_combo; i++)
    if (priv->combo[i] == evdev)
      return TRUE;
  return FALSE;
}

static guint
combo_pressed (VireoDisplayPrivate *priv)
{
  guint n = 0;

  for (guint i = 0; i < priv->n_combo; i++)
    if (is_pressed (priv, priv->combo[i]))
      n++;
  return n;
}

static gboolean
key_pressed_cb (VireoDisplay          *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  guint evdev = vireo_keymap_gdk_keycode_to_evdev (keycode);

  /* Not grabbed, the window's fullscreen key stays the window's (the console binds it); while
   * grabbed every key goes to the guest. */
  if (!priv->grabbed && keyval == GDK_KEY_F11
      && (state & gtk_accelerator_get_default_mod_mask ()) == 0)
    return FALSE;

  if (in_combo (priv, evdev))
    {
      if (combo_pressed (priv) == 0)
        priv->combo_spoiled = FALSE;   /* a fresh start */
      send_key (self, TRUE, evdev, keyval);
      if (combo_pressed (priv) == priv->n_combo)
        priv->combo_armed = TRUE;
      return TRUE;
    }

  priv->combo_spoiled = TRUE;
  send_key (self, TRUE, evdev, keyval);
  return TRUE;
}

static void
key_released_cb (VireoDisplay          *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *controller)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  guint evdev = vireo_keymap_gdk_keycode_to_evdev (keycode);

  send_key (self, FALSE, evdev, keyval);

  /* The combo pressed and released alone toggles the grab; the keys reached the guest anyway. */
  if (in_combo (priv, evdev) && priv->combo_armed && combo_pressed (priv) == 0)
    {
      if (!priv->combo_spoiled)
        vireo_display_set_grabbed (self, !priv->grabbed);
      priv->combo_armed = FALSE;
      priv->combo_spoiled = FALSE;
    }
}

static void
focus_leave_cb (VireoDisplay *self)
{
  vireo_display_release_keys (self);
}

/* Pointer */

static VireoButtons
button_bit (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:
      return VIREO_BUTTON_LEFT;
    case GDK_BUTTON_MIDDLE:
      return VIREO_BUTTON_MIDDLE;
    case GDK_BUTTON_SECONDARY:
      return VIREO_BUTTON_RIGHT;
    default:
      return 0;
    }
}

/**
 * _vireo_x11_grab_device:
 * @surface: (nullable): the window that gets the events; only needed to grab
 * @grab: grab, or let go
 * @owner_events: events for our own windows still go to them (GTK gets them as usual)
 * @events: the XI2 event types to get while grabbed
 *
 * An XI2 grab of @device on X11, which GTK 4 has no API for: the console's keyboard grab
 * and the display's hold of a relative pointer.
 *
 * Returns: %FALSE where there is no X11, nothing to grab, or the server refused
 */
gboolean
_vireo_x11_grab_device (GdkDevice  *device,
                        GdkSurface *surface,
                        gboolean    grab,
                        gboolean    owner_events,
                        const int  *events,
                        guint       n_events)
{
#ifdef HAVE_XI2
  GdkDisplay *display = device != NULL ? gdk_device_get_display (device) : NULL;
  Display *xdisplay;
  int id;

  if (display == NULL || !GDK_IS_X11_DISPLAY (display) || (grab && surface == NULL))
    return FALSE;

  xdisplay = gdk_x11_display_get_xdisplay (display);
  id = gdk_x11_device_get_id (device);
  if (grab)
    {
      unsigned char bits[XIMaskLen (XI_LASTEVENT)] = { 0 };
      XIEventMask mask = { id, sizeof bits, bits };

      for (guint i = 0; i < n_events; i++)
        XISetMask (bits, events[i]);
      if (XIGrabDevice (xdisplay, id, gdk_x11_surface_get_xid (surface), CurrentTime, None,
                        XIGrabModeAsync, XIGrabModeAsync, owner_events, &mask) != GrabSuccess)
        {
          g_debug ("The X server refused to grab %s", gdk_device_get_name (device));
          return FALSE;
        }
    }
  else
    {
      XIUngrabDevice (xdisplay, id, CurrentTime);
      XFlush (xdisplay);
    }
  return TRUE;
#else
  return FALSE;
#endif
}

/* A relative pointer on X11 (CONSOLE.md §8): GTK 4 can neither confine nor warp the pointer,
 * so while grabbed the display holds it with an XI2 grab of the pointer (events outside the
 * window still come here) and puts it back in its middle after every move; the guest's pointer
 * moves on while the host's never meets a screen edge. Elsewhere (Wayland) the pointer is
 * only hidden: the pointer-constraints protocol has no GTK 4.8 API. */
static gboolean
warp_to_centre (VireoDisplay *self)
{
#ifdef HAVE_XI2
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  GdkDisplay *display = gtk_widget_get_display (widget);
  graphene_point_t centre = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2, gtk_widget_get_height (widget) / 2);
  graphene_point_t p;
  double tx, ty;
  int scale;

  if (surface == NULL || !GDK_IS_X11_DISPLAY (display) ||
      !gtk_widget_compute_point (widget, GTK_WIDGET (native), &centre, &p))
    return FALSE;

  gtk_native_get_surface_transform (native, &tx, &ty);
  scale = gdk_surface_get_scale_factor (surface);
  XWarpPointer (gdk_x11_display_get_xdisplay (display), None, gdk_x11_surface_get_xid (surface), 0, 0, 0, 0,
                (int) ((p.x + tx) * scale), (int) ((p.y + ty) * scale));
  XFlush (gdk_x11_display_get_xdisplay (display));
  /* The move the warp makes is no motion. */
  priv->last_x = centre.x;
  priv->last_y = centre.y;
  priv->have_last = TRUE;
  return TRUE;
#else
  return FALSE;
#endif
}

static void
hold_pointer (VireoDisplay *self,
              gboolean      hold)
{
#ifdef HAVE_XI2
  static const int events[] = { XI_Motion, XI_ButtonPress, XI_ButtonRelease, XI_Enter, XI_Leave };
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  GdkDevice *pointer = gdk_seat_get_pointer (gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self))));

  hold = hold && surface != NULL;
  if (hold == priv->holding)
    return;
  if (!_vireo_x11_grab_device (pointer, surface, hold, TRUE, events, G_N_ELEMENTS (events)))
    return;
  priv->holding = hold;
  if (hold)
    warp_to_centre (self);
#endif
}

static void
pointer_to (VireoDisplay *self,
            double        x,
            double        y)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  int gx, gy;

  if (priv->state != VIREO_DISPLAY_CONNECTED)
    return;

  if (priv->absolute)
    {
      if (to_guest (self, x, y, &gx, &gy))
        VIREO_DISPLAY_GET_CLASS (self)->send_position (self, gx, gy, priv->buttons);
    }
  else if (priv->have_last && priv->grabbed && priv->dst.size.width > 0)
    {
      /* Relative: the host pointer's movement, in guest pixels. */
      double ratio = priv->width / priv->dst.size.width;
      int dx = (int) ((x - priv->last_x) * ratio);
      int dy = (int) ((y - priv->last_y) * ratio);

      /* Less than a guest pixel (or the warp's own move back): keep the last position, so
       * small moves add up, and warp nothing. */
      if (dx == 0 && dy == 0)
        return;

      VIREO_DISPLAY_GET_CLASS (self)->send_motion (self, dx, dy, priv->buttons);
      priv->motion_dx += dx;
      priv->motion_dy += dy;
      /* Back to the middle. */
      if (priv->holding && warp_to_centre (self))
        return;
    }

  priv->last_x = x;
  priv->last_y = y;
  priv->have_last = TRUE;
}

static void
motion_cb (VireoDisplay             *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  pointer_to (self, x, y);
}

static void
pressed_cb (VireoDisplay *self,
            int           n_press,
            double        x,
            double        y,
            GtkGesture   *gesture)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  VireoButtons bit = button_bit (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (priv->state != VIREO_DISPLAY_CONNECTED || bit == 0)
    return;

  /* A relative pointer needs the grab to follow the host's. */
  if (!priv->absolute && !priv->grabbed)
    {
      vireo_display_set_grabbed (self, TRUE);
      return;
    }

  pointer_to (self, x, y);
  priv->buttons |= bit;
  VIREO_DISPLAY_GET_CLASS (self)->send_button (self, bit, TRUE, priv->buttons);
}

static void
released_cb (VireoDisplay *self,
             int           n_press,
             double        x,
             double        y,
             GtkGesture   *gesture)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  VireoButtons bit = button_bit (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)));

  if (priv->state != VIREO_DISPLAY_CONNECTED || (priv->buttons & bit) == 0)
    return;

  priv->buttons &= ~bit;
  VIREO_DISPLAY_GET_CLASS (self)->send_button (self, bit, FALSE, priv->buttons);
}

static gboolean
scroll_cb (VireoDisplay             *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  VireoDisplayClass *klass = VIREO_DISPLAY_GET_CLASS (self);

  if (priv->state != VIREO_DISPLAY_CONNECTED)
    return FALSE;

  if (dy != 0)
    klass->send_scroll (self, dy < 0 ? VIREO_SCROLL_UP : VIREO_SCROLL_DOWN, priv->buttons);
  if (dx != 0)
    klass->send_scroll (self, dx < 0 ? VIREO_SCROLL_LEFT : VIREO_SCROLL_RIGHT, priv->buttons);
  return TRUE;
}

/* The cursor, and the hold of a relative pointer, from the state, the grab and the mode. */
static void
update_pointer (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  gboolean relative_grab = priv->state == VIREO_DISPLAY_CONNECTED && !priv->absolute && priv->grabbed;

  if (priv->state != VIREO_DISPLAY_CONNECTED)
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  else if (relative_grab)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "none");
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), priv->cursor);

  hold_pointer (self, relative_grab && gtk_widget_get_mapped (GTK_WIDGET (self)));
}

/* Backend API */

/**
 * _vireo_display_set_framebuffer:
 * @data: (nullable): the backend's pixels, B,G,R,X bytes; they stay the backend's
 *
 * A new screen, or a new size: everything is damaged.
 */
void
_vireo_display_set_framebuffer (VireoDisplay *self,
                                const guint8 *data,
                                int           width,
                                int           height,
                                int           stride)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  gboolean resized = width != priv->width || height != priv->height;

  priv->data = data;
  if (data == NULL)
    return;   /* keep the last texture: the guest switches modes */

  priv->width = width;
  priv->height = height;
  priv->stride = stride;
  vireo_damage_resize (&priv->damage, width, height);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (resized)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMEBUFFER_WIDTH]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMEBUFFER_HEIGHT]);
    }
}

static gboolean
draw_cb (gpointer user_data)
{
  VireoDisplay *self = user_data;
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  g_clear_handle_id (&priv->draw_idle, g_source_remove);
  g_clear_handle_id (&priv->draw_timeout, g_source_remove);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

/* Damage only: the upload waits for the next frame (snapshot).
 *
 * The backends report one rectangle per main-loop iteration (gvnc and spice-glib emit from
 * idles). Queuing a redraw for each would paint one frame per rectangle and starve the
 * decoder: the screen then lags seconds behind the guest. So the redraw waits until the
 * decoder has nothing left (a low-priority idle), or FRAME_INTERVAL_US at most while it keeps
 * streaming, and no sooner than FRAME_INTERVAL_US after the last frame: a display's refresh,
 * as GTK 3's frame clock paces remote-viewer. (It was 30 ms, QEMU's own refresh, while every
 * frame repainted the whole screen; with tiles a frame repaints what changed since the last
 * one, so more frames show the guest sooner for little more CPU.)
 * A lone change (a key typed) is drawn at once. */
void
_vireo_display_damage (VireoDisplay *self,
                       int           x,
                       int           y,
                       int           width,
                       int           height)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  gint64 since;

  vireo_damage_add (&priv->damage, x, y, width, height);
  if (priv->draw_idle != 0 || priv->draw_timeout != 0)
    return;

  since = g_get_monotonic_time () - priv->last_frame;
  if (since >= FRAME_INTERVAL_US)
    {
      priv->draw_idle = g_idle_add_full (G_PRIORITY_LOW, draw_cb, self, NULL);
      priv->draw_timeout = g_timeout_add (FRAME_INTERVAL_US / 1000, draw_cb, self);
    }
  else
    priv->draw_timeout = g_timeout_add ((FRAME_INTERVAL_US - since) / 1000 + 1, draw_cb, self);
}

void
_vireo_display_set_state (VireoDisplay      *self,
                          VireoDisplayState  state,
                          const char        *error_message)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  if (g_strcmp0 (priv->error_message, error_message) != 0)
    {
      g_free (priv->error_message);
      priv->error_message = g_strdup (error_message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }

  if (priv->state == state)
    return;

  if (state == VIREO_DISPLAY_DISCONNECTED)
    {
      vireo_display_release_keys (self);
      vireo_display_set_grabbed (self, FALSE);
      priv->buttons = 0;
      priv->data = NULL;   /* the backend's buffer goes with its connection */
    }

  if (state == VIREO_DISPLAY_CONNECTED && priv->state != VIREO_DISPLAY_CONNECTED)
    {
      priv->motion_dx = priv->motion_dy = 0;
      priv->keys_sent = 0;
    }
  priv->state = state;
  update_pointer (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_vireo_display_set_absolute (VireoDisplay *self,
                             gboolean      absolute)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  if (priv->absolute == absolute)
    return;

  priv->absolute = absolute;
  update_pointer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ABSOLUTE]);
}

void
_vireo_display_set_cursor (VireoDisplay *self,
                           GdkCursor    *cursor)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  g_set_object (&priv->cursor, cursor);
  update_pointer (self);
}

/* Public API */

VireoDisplayState
vireo_display_get_state (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), VIREO_DISPLAY_DISCONNECTED);

  priv = vireo_display_get_instance_private (self);
  return priv->state;
}

const char *
vireo_display_get_error_message (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);

  priv = vireo_display_get_instance_private (self);
  return priv->error_message;
}

VireoDisplayScale
vireo_display_get_scale (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), VIREO_DISPLAY_SCALE_FIT);

  priv = vireo_display_get_instance_private (self);
  return priv->scale;
}

void
vireo_display_set_scale (VireoDisplay      *self,
                         VireoDisplayScale  scale)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = vireo_display_get_instance_private (self);
  if (priv->scale == scale)
    return;

  priv->scale = scale;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

gboolean
vireo_display_get_resize_guest (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);

  priv = vireo_display_get_instance_private (self);
  return priv->resize_guest;
}

void
vireo_display_set_resize_guest (VireoDisplay *self,
                                gboolean      resize_guest)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = vireo_display_get_instance_private (self);
  resize_guest = !!resize_guest;
  if (priv->resize_guest == resize_guest)
    return;

  priv->resize_guest = resize_guest;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIZE_GUEST]);
}

gboolean
vireo_display_get_grabbed (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);

  priv = vireo_display_get_instance_private (self);
  return priv->grabbed;
}

/**
 * vireo_display_set_grabbed:
 *
 * While grabbed, every key goes to the guest (the window's shortcuts included) and a
 * relative pointer follows the host's. The owner of the window enforces the keyboard part
 * (see VireoConsole); Ctrl+Alt toggles it.
 */
void
vireo_display_set_grabbed (VireoDisplay *self,
                           gboolean      grabbed)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = vireo_display_get_instance_private (self);
  grabbed = !!grabbed && priv->state == VIREO_DISPLAY_CONNECTED;
  if (priv->grabbed == grabbed)
    return;

  priv->grabbed = grabbed;
  priv->have_last = FALSE;
  if (!grabbed)
    vireo_display_release_keys (self);
  update_pointer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRABBED]);
}

gboolean
vireo_display_get_absolute (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);

  priv = vireo_display_get_instance_private (self);
  return priv->absolute;
}

/**
 * vireo_display_set_grab_keys:
 * @combination: keys such as "Ctrl+Alt" or "Ctrl+Shift+G"
 *
 * Sets the combination that toggles the keyboard grab. Refused, keeping the old one, when
 * @combination does not parse.
 */
gboolean
vireo_display_set_grab_keys (VireoDisplay  *self,
                             const char    *combination,
                             GError       **error)
{
  VireoDisplayPrivate *priv;
  guint keys[VIREO_KEYMAP_MAX_COMBO_KEYS];
  guint n_keys = 0;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  g_return_val_if_fail (combination != NULL, FALSE);

  if (!vireo_keymap_parse_combo (combination, keys, &n_keys, error))
    return FALSE;

  priv = vireo_display_get_instance_private (self);
  memcpy (priv->combo, keys, n_keys * sizeof (guint));
  priv->n_combo = n_keys;
  priv->combo_armed = FALSE;
  return TRUE;
}

gboolean
vireo_display_get_share_clipboard (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);

  priv = vireo_display_get_instance_private (self);
  return priv->share_clipboard;
}

/**
 * vireo_display_set_share_clipboard:
 *
 * Whether text copied on the host can be pasted in the guest and the other way round.
 */
void
vireo_display_set_share_clipboard (VireoDisplay *self,
                                   gboolean      share)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = vireo_display_get_instance_private (self);
  share = !!share;
  if (priv->share_clipboard == share)
    return;

  priv->share_clipboard = share;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_CLIPBOARD]);
}

int
vireo_display_get_framebuffer_width (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), 0);

  priv = vireo_display_get_instance_private (self);
  return priv->width;
}

int
vireo_display_get_framebuffer_height (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), 0);

  priv = vireo_display_get_instance_private (self);
  return priv->height;
}

gboolean
vireo_display_get_using_gl (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);

  priv = vireo_display_get_instance_private (self);
  return priv->use_gl && priv->gl_context != NULL;
}

/**
 * vireo_display_get_relative_motion:
 * @dx: (out): the sum of the relative moves sent, across
 * @dy: (out): and down, in guest pixels
 *
 * For diagnostics and tests: the relative pointer motion sent since the display connected.
 */
void
vireo_display_get_relative_motion (VireoDisplay *self,
                                   gint64       *dx,
                                   gint64       *dy)
{
  VireoDisplayPrivate *priv;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  priv = vireo_display_get_instance_private (self);
  *dx = priv->motion_dx;
  *dy = priv->motion_dy;
}

/**
 * vireo_display_get_keys_sent:
 *
 * For diagnostics and tests: how many key presses went to the guest since the display
 * connected.
 */
guint64
vireo_display_get_keys_sent (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), 0);

  priv = vireo_display_get_instance_private (self);
  return priv->keys_sent;
}

/**
 * vireo_display_copy_frame:
 *
 * Returns: (transfer full) (nullable): a copy of the guest's screen as the backend holds it,
 *   for thumbnails; %NULL when there is none
 */
GdkTexture *
vireo_display_copy_frame (VireoDisplay *self)
{
  VireoDisplayPrivate *priv;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);

  priv = vireo_display_get_instance_private (self);
  if (priv->data == NULL || priv->width <= 0 || priv->height <= 0)
    return NULL;
  return opaque_copy (priv);
}

/**
 * vireo_display_save_png:
 * @path: where
 *
 * Saves the guest's screen as the backend holds it (not the scaled widget) as a PNG.
 */
gboolean
vireo_display_save_png (VireoDisplay  *self,
                        const char    *path,
                        GError       **error)
{
  VireoDisplayPrivate *priv;
  g_autoptr(GdkTexture) texture = NULL;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  priv = vireo_display_get_instance_private (self);
  if (priv->data == NULL || priv->width <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("There is no screen to save: the console is not connected."));
      return FALSE;
    }

  texture = opaque_copy (priv);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”."), path);
      return FALSE;
    }

  return TRUE;
}

void
vireo_display_disconnect (VireoDisplay *self)
{
  g_return_if_fail (VIREO_IS_DISPLAY (self));

  if (VIREO_DISPLAY_GET_CLASS (self)->disconnect != NULL)
    VIREO_DISPLAY_GET_CLASS (self)->disconnect (self);
}

/* GObject */

static void
vireo_display_dispose (GObject *object)
{
  VireoDisplay *self = (VireoDisplay *) object;
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  g_clear_handle_id (&priv->resize_source, g_source_remove);
  g_clear_handle_id (&priv->draw_idle, g_source_remove);
  g_clear_handle_id (&priv->draw_timeout, g_source_remove);
  g_clear_object (&priv->texture);
  vireo_tiles_clear (&priv->tiles);
  g_clear_object (&priv->cursor);

  G_OBJECT_CLASS (vireo_display_parent_class)->dispose (object);
}

static void
vireo_display_finalize (GObject *object)
{
  VireoDisplay *self = (VireoDisplay *) object;
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  vireo_damage_clear (&priv->damage);
  g_clear_pointer (&priv->error_message, g_free);

  G_OBJECT_CLASS (vireo_display_parent_class)->finalize (object);
}

static void
vireo_display_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VireoDisplay *self = VIREO_DISPLAY (object);
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, priv->error_message);
      break;
    case PROP_SCALE:
      g_value_set_enum (value, priv->scale);
      break;
    case PROP_RESIZE_GUEST:
      g_value_set_boolean (value, priv->resize_guest);
      break;
    case PROP_GRABBED:
      g_value_set_boolean (value, priv->grabbed);
      break;
    case PROP_ABSOLUTE:
      g_value_set_boolean (value, priv->absolute);
      break;
    case PROP_SHARE_CLIPBOARD:
      g_value_set_boolean (value, priv->share_clipboard);
      break;
    case PROP_FRAMEBUFFER_WIDTH:
      g_value_set_int (value, priv->width);
      break;
    case PROP_FRAMEBUFFER_HEIGHT:
      g_value_set_int (value, priv->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_display_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VireoDisplay *self = VIREO_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SCALE:
      vireo_display_set_scale (self, g_value_get_enum (value));
      break;
    case PROP_RESIZE_GUEST:
      vireo_display_set_resize_guest (self, g_value_get_boolean (value));
      break;
    case PROP_GRABBED:
      vireo_display_set_grabbed (self, g_value_get_boolean (value));
      break;
    case PROP_SHARE_CLIPBOARD:
      vireo_display_set_share_clipboard (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_display_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vireo_display_parent_class)->map (widget);
  update_pointer (VIREO_DISPLAY (widget));
}

static void
vireo_display_unmap (GtkWidget *widget)
{
  hold_pointer (VIREO_DISPLAY (widget), FALSE);
  GTK_WIDGET_CLASS (vireo_display_parent_class)->unmap (widget);
}

static void
vireo_display_class_init (VireoDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_display_dispose;
  object_class->finalize = vireo_display_finalize;
  object_class->get_property = vireo_display_get_property;
  object_class->set_property = vireo_display_set_property;

  widget_class->snapshot = vireo_display_snapshot;
  widget_class->measure = vireo_display_measure;
  widget_class->size_allocate = vireo_display_size_allocate;
  widget_class->realize = vireo_display_realize;
  widget_class->unrealize = vireo_display_unrealize;
  widget_class->map = vireo_display_map;
  widget_class->unmap = vireo_display_unmap;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VIREO_TYPE_DISPLAY_STATE, VIREO_DISPLAY_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_enum ("scale", NULL, NULL, VIREO_TYPE_DISPLAY_SCALE, VIREO_DISPLAY_SCALE_FIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESIZE_GUEST] =
    g_param_spec_boolean ("resize-guest", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRABBED] =
    g_param_spec_boolean ("grabbed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ABSOLUTE] =
    g_param_spec_boolean ("absolute", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE_CLIPBOARD] =
    g_param_spec_boolean ("share-clipboard", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMEBUFFER_WIDTH] =
    g_param_spec_int ("framebuffer-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMEBUFFER_HEIGHT] =
    g_param_spec_int ("framebuffer-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoDisplay::frame:
   *
   * A new frame was uploaded: thumbnails may redraw.
   */
  signals[FRAME] = g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "vireo-display");
}

static void
vireo_display_init (VireoDisplay *self)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);
  GtkEventController *controller;
  GtkGesture *click;

  vireo_damage_init (&priv->damage);
  vireo_tiles_init (&priv->tiles);
  priv->scale = VIREO_DISPLAY_SCALE_FIT;
  priv->share_clipboard = TRUE;
  priv->combo[0] = KEY_LEFTCTRL;
  priv->combo[1] = KEY_LEFTALT;
  priv->n_combo = 2;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect_swapped (controller, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect_swapped (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES
                                                | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
