/* test-tiles.c: the guest's screen cut into tiles for GTK's cairo renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <locale.h>
#include <string.h>

#include "vireo-tiles.h"

typedef struct {
  guint8 *data;
  int     width;
  int     height;
  int     stride;
} Screen;

static void
screen_init (Screen *s,
             int     width,
             int     height)
{
  s->width = width;
  s->height = height;
  s->stride = width * 4 + 32;   /* a backend's stride need not be the width */
  s->data = g_malloc (s->stride * height);
  /* Stripes and gradients, so that any misplaced pixel shows; X byte 0, as QEMU sends. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = s->data + y * s->stride + x * 4;

        p[0] = (guint8) (x * 3 + y);
        p[1] = (guint8) ((x / 7) % 2 ? 200 : y * 5);
        p[2] = (guint8) (x ^ y);
        p[3] = 0;
      }
}

static void
screen_paint (Screen *s,
              int     x,
              int     y,
              int     width,
              int     height,
              guint8  value)
{
  for (int row = y; row < y + height; row++)
    for (int col = x; col < x + width; col++)
      memset (s->data + row * s->stride + col * 4, value, 3);
}

static cairo_region_t *
rect (int x,
      int y,
      int width,
      int height)
{
  return cairo_region_create_rectangle (&(cairo_rectangle_int_t) { x, y, width, height });
}

/* What the widget shows: black, then the node. */
static cairo_surface_t *
render (GskRenderNode *node,
        int            width,
        int            height)
{
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (target);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (target);
  return target;
}

/* The same screen drawn as one image, as the display did before it had tiles. */
static cairo_surface_t *
render_whole (const Screen          *s,
              const graphene_rect_t *dst,
              cairo_filter_t         filter,
              int                    width,
              int                    height)
{
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_surface_t *image = cairo_image_surface_create_for_data (s->data, CAIRO_FORMAT_RGB24, s->width,
                                                                s->height, s->stride);
  cairo_t *cr = cairo_create (target);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  cairo_rectangle (cr, dst->origin.x, dst->origin.y, dst->size.width, dst->size.height);
  cairo_clip (cr);
  cairo_translate (cr, dst->origin.x, dst->origin.y);
  cairo_scale (cr, dst->size.width / s->width, dst->size.height / s->height);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), filter);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
  cairo_surface_flush (target);
  return target;
}

/* The largest difference of a colour channel between two pictures of the same size. */
static int
max_difference (cairo_surface_t *a,
                cairo_surface_t *b)
{
  int width = cairo_image_surface_get_width (a);
  int height = cairo_image_surface_get_height (a);
  int worst = 0;

  g_assert_cmpint (cairo_image_surface_get_width (b), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, height);
  for (int y = 0; y < height; y++)
    {
      const guint8 *pa = cairo_image_surface_get_data (a) + y * cairo_image_surface_get_stride (a);
      const guint8 *pb = cairo_image_surface_get_data (b) + y * cairo_image_surface_get_stride (b);

      for (int x = 0; x < width * 4; x++)
        if (x % 4 != 3 && ABS ((int) pa[x] - (int) pb[x]) > worst)
          worst = ABS ((int) pa[x] - (int) pb[x]);
    }
  return worst;
}

static void
assert_same_picture (VireoTiles            *tiles,
                     const Screen          *s,
                     const graphene_rect_t *dst,
                     cairo_filter_t         filter,
                     int                    width,
                     int                    height,
                     int                    tolerance)
{
  g_autoptr(GskRenderNode) node = vireo_tiles_get_node (tiles, dst, filter, 1);
  cairo_surface_t *shown, *whole;

  g_assert_nonnull (node);
  shown = render (node, width, height);
  whole = render_whole (s, dst, filter, width, height);
  g_assert_cmpint (max_difference (shown, whole), <=, tolerance);
  cairo_surface_destroy (shown);
  cairo_surface_destroy (whole);
}

/* Which tiles' nodes were made anew since @before. */
static GArray *
new_tiles (GskRenderNode *before,
           GskRenderNode *after)
{
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (guint));

  g_assert_cmpuint (gsk_container_node_get_n_children (before), ==, gsk_container_node_get_n_children (after));
  for (guint i = 0; i < gsk_container_node_get_n_children (after); i++)
    if (gsk_container_node_get_child (before, i) != gsk_container_node_get_child (after, i))
      g_array_append_val (changed, i);
  return changed;
}

static void
test_one_to_one (void)
{
  Screen s;
  VireoTiles tiles;
  graphene_rect_t dst = GRAPHENE_RECT_INIT (20, 10, 720, 400);
  cairo_region_t *all = rect (0, 0, 720, 400);

  screen_init (&s, 720, 400);
  vireo_tiles_init (&tiles);
  g_assert_true (vireo_tiles_is_empty (&tiles));
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, all);
  g_assert_false (vireo_tiles_is_empty (&tiles));
  /* 720x400 in 128x64 tiles: 6 columns, 7 rows, the last ones partial. */
  g_assert_cmpint (tiles.columns, ==, 6);
  g_assert_cmpint (tiles.rows, ==, 7);

  /* One guest pixel per pixel: exactly the guest's screen, where it belongs. */
  assert_same_picture (&tiles, &s, &dst, CAIRO_FILTER_NEAREST, 760, 420, 0);

  screen_paint (&s, 300, 100, 9, 16, 0xee);
  cairo_region_destroy (all);
  all = rect (300, 100, 9, 16);
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, all);
  assert_same_picture (&tiles, &s, &dst, CAIRO_FILTER_NEAREST, 760, 420, 0);

  cairo_region_destroy (all);
  vireo_tiles_clear (&tiles);
  g_assert_true (vireo_tiles_is_empty (&tiles));
  g_free (s.data);
}

/* Only the tiles a change touches get new nodes: GTK repaints what differs between nodes. */
static void
test_reuse (void)
{
  Screen s;
  VireoTiles tiles;
  graphene_rect_t dst = GRAPHENE_RECT_INIT (0, 0, 720, 400);
  cairo_region_t *region = rect (0, 0, 720, 400);
  g_autoptr(GskRenderNode) first = NULL;
  g_autoptr(GskRenderNode) second = NULL;
  g_autoptr(GskRenderNode) third = NULL;
  g_autoptr(GskRenderNode) fourth = NULL;
  g_autoptr(GskRenderNode) fifth = NULL;
  g_autoptr(GArray) changed = NULL;

  screen_init (&s, 720, 400);
  vireo_tiles_init (&tiles);
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, region);
  first = vireo_tiles_get_node (&tiles, &dst, CAIRO_FILTER_NEAREST, 1);
  g_assert_cmpuint (gsk_container_node_get_n_children (first), ==, 42);

  /* Nothing changed: the same nodes. */
  second = vireo_tiles_get_node (&tiles, &dst, CAIRO_FILTER_NEAREST, 1);
  changed = new_tiles (first, second);
  g_assert_cmpuint (changed->len, ==, 0);
  g_clear_pointer (&changed, g_array_unref);

  /* A text cell inside tile (2, 1): that tile only. */
  cairo_region_destroy (region);
  region = rect (300, 80, 9, 16);
  screen_paint (&s, 300, 80, 9, 16, 0x55);
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, region);
  third = vireo_tiles_get_node (&tiles, &dst, CAIRO_FILTER_NEAREST, 1);
  changed = new_tiles (second, third);
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpuint (g_array_index (changed, guint, 0), ==, 1 * 6 + 2);
  g_clear_pointer (&changed, g_array_unref);

  /* One pixel from tile (1, 0)'s right edge: in the apron of (2, 0), which samples it when
   * scaled, so both. */
  cairo_region_destroy (region);
  region = rect (255, 10, 1, 1);
  screen_paint (&s, 255, 10, 1, 1, 0x99);
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, region);
  fourth = vireo_tiles_get_node (&tiles, &dst, CAIRO_FILTER_NEAREST, 1);
  changed = new_tiles (third, fourth);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpuint (g_array_index (changed, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (changed, guint, 1), ==, 2);
  g_clear_pointer (&changed, g_array_unref);

  /* Another place on the widget: every node anew. */
  dst.origin.x = 5;
  fifth = vireo_tiles_get_node (&tiles, &dst, CAIRO_FILTER_NEAREST, 1);
  changed = new_tiles (fourth, fifth);
  g_assert_cmpuint (changed->len, ==, 42);

  cairo_region_destroy (region);
  vireo_tiles_clear (&tiles);
  g_free (s.data);
}

/* Scaled (bilinear), tiles show what one image of the whole screen would: no seams. */
static void
test_scaled (void)
{
  Screen s;
  VireoTiles tiles;
  cairo_region_t *all = rect (0, 0, 720, 400);
  graphene_rect_t up = GRAPHENE_RECT_INIT (0, 27.5, 1000, 400 * 1000.0 / 720);
  graphene_rect_t down = GRAPHENE_RECT_INIT (33.25, 0, 720 * 300.0 / 400, 300);

  screen_init (&s, 720, 400);
  vireo_tiles_init (&tiles);
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, all);

  /* Where the screen's edge falls between pixels, cairo blends the edge pixels a level or two
   * apart (a seam would be tens of levels: black showing through). */
  assert_same_picture (&tiles, &s, &up, CAIRO_FILTER_BILINEAR, 1000, 611, 2);
  assert_same_picture (&tiles, &s, &down, CAIRO_FILTER_BILINEAR, 600, 300, 2);

  /* And after a change at a tile's corner. */
  screen_paint (&s, 126, 62, 4, 4, 0xff);
  cairo_region_destroy (all);
  all = rect (126, 62, 4, 4);
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, all);
  assert_same_picture (&tiles, &s, &up, CAIRO_FILTER_BILINEAR, 1000, 611, 2);

  cairo_region_destroy (all);
  vireo_tiles_clear (&tiles);
  g_free (s.data);
}

/* Another size: cut anew; a partial damage region still brings every tile. */
static void
test_resize (void)
{
  Screen s, t;
  VireoTiles tiles;
  cairo_region_t *small = rect (0, 0, 1, 1);
  graphene_rect_t dst = GRAPHENE_RECT_INIT (0, 0, 1024, 768);

  screen_init (&s, 720, 400);
  screen_init (&t, 1024, 768);
  vireo_tiles_init (&tiles);
  vireo_tiles_update (&tiles, s.data, s.width, s.height, s.stride, small);
  vireo_tiles_update (&tiles, t.data, t.width, t.height, t.stride, small);
  g_assert_cmpint (tiles.width, ==, 1024);
  g_assert_cmpint (tiles.columns, ==, 8);
  g_assert_cmpint (tiles.rows, ==, 12);
  assert_same_picture (&tiles, &t, &dst, CAIRO_FILTER_NEAREST, 1024, 768, 0);

  cairo_region_destroy (small);
  vireo_tiles_clear (&tiles);
  g_free (s.data);
  g_free (t.data);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  /* Render node types are registered on first use of a node type's GType. */
  g_type_ensure (GSK_TYPE_CAIRO_NODE);
  g_type_ensure (GSK_TYPE_CONTAINER_NODE);

  g_test_add_func ("/viewer/tiles/one-to-one", test_one_to_one);
  g_test_add_func ("/viewer/tiles/reuse", test_reuse);
  g_test_add_func ("/viewer/tiles/scaled", test_scaled);
  g_test_add_func ("/viewer/tiles/resize", test_resize);

  return g_test_run ();
}
