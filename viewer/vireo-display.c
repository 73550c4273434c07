/* vireo-display.c
 *
 * A guest's screen as a GTK 4 widget. The backends (VNC, SPICE) write pixels into their own
 * buffer and report damage; the base turns the damage into at most one upload per frame,
 * draws it letterboxed or 1:1, and turns GTK input into key codes and guest coordinates.
 * This file holds the widget: its state and properties, its size, what the backends call,
 * and the public API; the rest is in the vireo-display-*.c files (vireo-display-private.h).
 *
 * Pixels (docs/CONSOLES.md, "Drawing"): on the GL renderer one GL texture of our own, with only the
 * damaged rectangles uploaded (vireo-display-gl.c). Otherwise CAIRO_FORMAT_RGB24 copies of the
 * frame (the X byte is ignored, no alpha pass) cut into tiles, one cairo node each
 * (vireo-tiles.c): GTK 4.8's cairo renderer would convert every new memory texture pixel by
 * pixel (gdk_memory_convert, 3.2 ms per 720x400 frame), and repaints what differs between two
 * frames' nodes, so only the tiles that changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-display"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-display-private.h"

#define RESIZE_DELAY_MS 500

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

VireoDisplayPrivate *
_vireo_display_get_private (VireoDisplay *self)
{
  return vireo_display_get_instance_private (self);
}

void
_vireo_display_emit_frame (VireoDisplay *self)
{
  g_signal_emit (self, signals[FRAME], 0);
}

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

static void
vireo_display_realize (GtkWidget *widget)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  GTK_WIDGET_CLASS (vireo_display_parent_class)->realize (widget);

  _vireo_display_gl_realize (self);
  g_clear_object (&priv->texture);
  vireo_tiles_clear (&priv->tiles);
  vireo_damage_add_all (&priv->damage);
}

static void
vireo_display_unrealize (GtkWidget *widget)
{
  _vireo_display_gl_unrealize (VIREO_DISPLAY (widget));

  GTK_WIDGET_CLASS (vireo_display_parent_class)->unrealize (widget);
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

/* Damage only: the upload waits for the next frame (snapshot), which the pacing picks. */
void
_vireo_display_damage (VireoDisplay *self,
                       int           x,
                       int           y,
                       int           width,
                       int           height)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  vireo_damage_add (&priv->damage, x, y, width, height);
  _vireo_display_queue_frame (self);
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
  _vireo_display_update_pointer (self);
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
  _vireo_display_update_pointer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ABSOLUTE]);
}

void
_vireo_display_set_cursor (VireoDisplay *self,
                           GdkCursor    *cursor)
{
  VireoDisplayPrivate *priv = vireo_display_get_instance_private (self);

  g_set_object (&priv->cursor, cursor);
  _vireo_display_update_pointer (self);
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
  _vireo_display_update_pointer (self);
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
 * vireo_display_open:
 * @source: where the sockets come from (the helper, for the app and vireo-viewer)
 *
 * Connects to the guest's display server, dropping any earlier connection; "state" says how
 * it goes.
 */
void
vireo_display_open (VireoDisplay       *self,
                    VireoConsoleSource *source)
{
  g_return_if_fail (VIREO_IS_DISPLAY (self));
  g_return_if_fail (VIREO_IS_CONSOLE_SOURCE (source));

  VIREO_DISPLAY_GET_CLASS (self)->open (self, source);
}

/**
 * vireo_display_create_usb_chooser:
 *
 * Returns: (transfer floating) (nullable): a widget listing the host's USB devices to
 *   redirect to the guest, or %NULL where the protocol cannot
 */
GtkWidget *
vireo_display_create_usb_chooser (VireoDisplay *self)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);

  if (VIREO_DISPLAY_GET_CLASS (self)->create_usb_chooser == NULL)
    return NULL;
  return VIREO_DISPLAY_GET_CLASS (self)->create_usb_chooser (self);
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
  _vireo_display_update_pointer (VIREO_DISPLAY (widget));
}

static void
vireo_display_unmap (GtkWidget *widget)
{
  _vireo_display_hold_pointer (VIREO_DISPLAY (widget), FALSE);
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

  widget_class->snapshot = _vireo_display_snapshot;
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

  vireo_damage_init (&priv->damage);
  vireo_tiles_init (&priv->tiles);
  priv->scale = VIREO_DISPLAY_SCALE_FIT;
  priv->share_clipboard = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  _vireo_display_init_keyboard (self);
  _vireo_display_init_pointer (self);
}
