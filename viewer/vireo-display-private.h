/* vireo-display-private.h
 *
 * What the protocol backends call on their base, and what the files of VireoDisplay share:
 * its private data and the functions each file gives the others (vireo-display.c: the widget,
 * its state and properties; -draw.c: snapshot; -gl.c: the GL texture; -pacing.c: when to
 * draw; -keyboard.c, -pointer.c: input; -screenshot.c: copies of the screen).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <linux/input-event-codes.h>

#include "vireo-damage.h"
#include "vireo-display.h"
#include "vireo-keymap.h"
#include "vireo-tiles.h"
#include "vireo-x11.h"

G_BEGIN_DECLS

#define VIREO_DISPLAY_N_KEYS (KEY_MAX + 1)

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

  guint8             pressed[VIREO_DISPLAY_N_KEYS / 8 + 1];
  VireoButtons       buttons;
  double             last_x;
  double             last_y;
  gboolean           have_last;
  VireoX11PointerHold *hold;          /* X11: a relative pointer held in the window */
  double             rest_x;          /* relative motion less than a guest pixel, not yet sent */
  double             rest_y;
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


VireoDisplayPrivate *_vireo_display_get_private (VireoDisplay *self);

/* The protocol backends' side */

void _vireo_display_set_framebuffer (VireoDisplay      *self,
                                     const guint8      *data,
                                     int                width,
                                     int                height,
                                     int                stride);
void _vireo_display_damage          (VireoDisplay      *self,
                                     int                x,
                                     int                y,
                                     int                width,
                                     int                height);
void _vireo_display_set_state       (VireoDisplay      *self,
                                     VireoDisplayState  state,
                                     const char        *error_message);
void _vireo_display_set_absolute    (VireoDisplay      *self,
                                     gboolean           absolute);
void _vireo_display_set_cursor      (VireoDisplay      *self,
                                     GdkCursor         *cursor);

/* vireo-display.c */
void     _vireo_display_emit_frame     (VireoDisplay   *self);

/* vireo-display-draw.c */
void     _vireo_display_snapshot       (GtkWidget      *widget,
                                        GtkSnapshot    *snapshot);

/* vireo-display-gl.c */
void     _vireo_display_gl_realize     (VireoDisplay   *self);
void     _vireo_display_gl_unrealize   (VireoDisplay   *self);
void     _vireo_display_gl_upload      (VireoDisplay   *self,
                                        cairo_region_t *region);

/* vireo-display-pacing.c */
void     _vireo_display_queue_frame    (VireoDisplay   *self);

/* vireo-display-keyboard.c */
void     _vireo_display_init_keyboard  (VireoDisplay   *self);

/* vireo-display-pointer.c */
void     _vireo_display_init_pointer   (VireoDisplay   *self);
void     _vireo_display_update_pointer (VireoDisplay   *self);
void     _vireo_display_hold_pointer   (VireoDisplay   *self,
                                        gboolean        hold);

G_END_DECLS
