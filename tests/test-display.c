/* test-display.c: damage coalescing and the console's scaling geometry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <locale.h>

#include "vireo-damage.h"
#include "vireo-display.h"

static void
assert_extents (cairo_region_t *region,
                int             x,
                int             y,
                int             width,
                int             height)
{
  cairo_rectangle_int_t extents;

  cairo_region_get_extents (region, &extents);
  g_assert_cmpint (extents.x, ==, x);
  g_assert_cmpint (extents.y, ==, y);
  g_assert_cmpint (extents.width, ==, width);
  g_assert_cmpint (extents.height, ==, height);
}

static void
test_damage (void)
{
  VireoDamage damage;
  cairo_region_t *region;

  vireo_damage_init (&damage);
  g_assert_true (vireo_damage_is_empty (&damage));

  /* A new screen is damaged whole. */
  vireo_damage_resize (&damage, 720, 400);
  region = vireo_damage_take (&damage);
  assert_extents (region, 0, 0, 720, 400);
  cairo_region_destroy (region);
  g_assert_true (vireo_damage_is_empty (&damage));

  /* Overlapping and repeated rectangles coalesce; empty ones are ignored. */
  vireo_damage_add (&damage, 10, 10, 100, 20);
  vireo_damage_add (&damage, 10, 10, 100, 20);
  vireo_damage_add (&damage, 50, 15, 100, 20);
  vireo_damage_add (&damage, 5, 5, 0, 10);
  region = vireo_damage_take (&damage);
  assert_extents (region, 10, 10, 140, 25);
  g_assert_cmpint (cairo_region_num_rectangles (region), <=, 3);
  cairo_region_destroy (region);

  /* Clipped to the screen. */
  vireo_damage_add (&damage, 700, 390, 100, 100);
  vireo_damage_add (&damage, -50, -50, 60, 60);
  region = vireo_damage_take (&damage);
  assert_extents (region, 0, 0, 720, 400);
  g_assert_cmpint (cairo_region_num_rectangles (region), ==, 2);
  cairo_region_destroy (region);

  /* Too fragmented: one bounding box (one upload instead of hundreds). */
  for (int i = 0; i < 200; i++)
    vireo_damage_add (&damage, (i * 37) % 700, (i * 13) % 390, 2, 2);
  region = vireo_damage_take (&damage);
  g_assert_cmpint (cairo_region_num_rectangles (region), <=, VIREO_DAMAGE_MAX_RECTS);
  cairo_region_destroy (region);

  vireo_damage_clear (&damage);
}

static void
assert_rect (const graphene_rect_t *r,
             double                 x,
             double                 y,
             double                 width,
             double                 height)
{
  g_assert_cmpfloat_with_epsilon (r->origin.x, x, 0.001);
  g_assert_cmpfloat_with_epsilon (r->origin.y, y, 0.001);
  g_assert_cmpfloat_with_epsilon (r->size.width, width, 0.001);
  g_assert_cmpfloat_with_epsilon (r->size.height, height, 0.001);
}

static void
test_fit (void)
{
  graphene_rect_t dst;

  /* Fit keeps the aspect: 720x400 in 800x600 → 800x444.4, letterboxed top and bottom. */
  vireo_display_fit (720, 400, 800, 600, VIREO_DISPLAY_SCALE_FIT, 1, &dst);
  assert_rect (&dst, 0, (600 - 400 * 800.0 / 720) / 2, 800, 400 * 800.0 / 720);

  /* Pillarboxed in a tall, narrow widget. */
  vireo_display_fit (1920, 1080, 1000, 1000, VIREO_DISPLAY_SCALE_FIT, 1, &dst);
  assert_rect (&dst, 0, (1000 - 562.5) / 2, 1000, 562.5);
  vireo_display_fit (1024, 768, 2000, 768, VIREO_DISPLAY_SCALE_FIT, 1, &dst);
  assert_rect (&dst, 488, 0, 1024, 768);

  /* 1:1: one guest pixel per device pixel, centred in a larger widget. */
  vireo_display_fit (720, 400, 1000, 500, VIREO_DISPLAY_SCALE_ONE_TO_ONE, 1, &dst);
  assert_rect (&dst, 140, 50, 720, 400);
  /* HiDPI: at scale 2, 1:1 device pixels are half as many logical ones. */
  vireo_display_fit (1920, 1080, 960, 540, VIREO_DISPLAY_SCALE_ONE_TO_ONE, 2, &dst);
  assert_rect (&dst, 0, 0, 960, 540);
  /* Larger than the widget: anchored at the corner (the scrolled window scrolls). */
  vireo_display_fit (1920, 1080, 800, 600, VIREO_DISPLAY_SCALE_ONE_TO_ONE, 1, &dst);
  assert_rect (&dst, 0, 0, 1920, 1080);

  /* Nothing to show. */
  vireo_display_fit (0, 0, 800, 600, VIREO_DISPLAY_SCALE_FIT, 1, &dst);
  assert_rect (&dst, 0, 0, 0, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewer/damage", test_damage);
  g_test_add_func ("/viewer/fit", test_fit);

  return g_test_run ();
}
