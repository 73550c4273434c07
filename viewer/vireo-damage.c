/* vireo-damage.c
 *
 * Backends report every changed rectangle (SPICE: one per drawing operation, many per frame);
 * the display uploads once per frame. The region here coalesces them, clipped to the
 * screen, and collapses to its bounding box when it grows too fragmented.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vireo-damage.h"

void
vireo_damage_init (VireoDamage *damage)
{
  damage->region = cairo_region_create ();
  damage->width = 0;
  damage->height = 0;
}

void
vireo_damage_clear (VireoDamage *damage)
{
  g_clear_pointer (&damage->region, cairo_region_destroy);
}

/**
 * vireo_damage_resize:
 *
 * A new screen size: everything is damaged.
 */
void
vireo_damage_resize (VireoDamage *damage,
                     int          width,
                     int          height)
{
  damage->width = MAX (width, 0);
  damage->height = MAX (height, 0);
  vireo_damage_add_all (damage);
}

void
vireo_damage_add (VireoDamage *damage,
                  int          x,
                  int          y,
                  int          width,
                  int          height)
{
  cairo_rectangle_int_t rect = { x, y, width, height };
  cairo_rectangle_int_t screen = { 0, 0, damage->width, damage->height };
  cairo_region_t *clip;

  if (width <= 0 || height <= 0)
    return;

  clip = cairo_region_create_rectangle (&rect);
  cairo_region_intersect_rectangle (clip, &screen);
  cairo_region_union (damage->region, clip);
  cairo_region_destroy (clip);

  if (cairo_region_num_rectangles (damage->region) > VIREO_DAMAGE_MAX_RECTS)
    {
      cairo_rectangle_int_t extents;

      cairo_region_get_extents (damage->region, &extents);
      cairo_region_destroy (damage->region);
      damage->region = cairo_region_create_rectangle (&extents);
    }
}

void
vireo_damage_add_all (VireoDamage *damage)
{
  cairo_rectangle_int_t screen = { 0, 0, damage->width, damage->height };

  cairo_region_destroy (damage->region);
  damage->region = cairo_region_create_rectangle (&screen);
}

gboolean
vireo_damage_is_empty (VireoDamage *damage)
{
  return cairo_region_is_empty (damage->region);
}

/**
 * vireo_damage_take:
 *
 * Returns: (transfer full): the damage since the last call; the damage is then empty
 */
cairo_region_t *
vireo_damage_take (VireoDamage *damage)
{
  cairo_region_t *region = damage->region;

  damage->region = cairo_region_create ();
  return region;
}
