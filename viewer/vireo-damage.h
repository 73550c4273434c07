/* vireo-damage.h
 *
 * The parts of a guest's screen that changed since the last frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Past this many rectangles one upload of their bounding box is cheaper than many. */
#define VIREO_DAMAGE_MAX_RECTS 32

typedef struct {
  cairo_region_t *region;
  int             width;
  int             height;
} VireoDamage;

void            vireo_damage_init     (VireoDamage *damage);
void            vireo_damage_clear    (VireoDamage *damage);
void            vireo_damage_resize   (VireoDamage *damage,
                                       int          width,
                                       int          height);
void            vireo_damage_add      (VireoDamage *damage,
                                       int          x,
                                       int          y,
                                       int          width,
                                       int          height);
void            vireo_damage_add_all  (VireoDamage *damage);
gboolean        vireo_damage_is_empty (VireoDamage *damage);
cairo_region_t *vireo_damage_take     (VireoDamage *damage);

G_END_DECLS
