/* vireo-tiles.c
 *
 * Each tile keeps two RGB24 copies of its part of the screen, used in turn (one may still be
 * named by the node GTK drew last while the other is written: cairo_surface_flush() first, so
 * that cairo gives such a node a copy of its own should it still hold the one written), and a
 * margin of APRON pixels around it: a scaled tile samples its neighbours' edge pixels with
 * the bilinear filter, so a tile shows exactly what one image of the whole screen would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-tiles"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vireo-tiles.h"

#define APRON 2

struct _VireoTile {
  cairo_surface_t *copies[2];
  int              current;   /* the copy shown, -1 before the first */
  GskRenderNode   *node;      /* for VireoTiles.dst; NULL when its pixels changed */
};

void
vireo_tiles_init (VireoTiles *tiles)
{
  memset (tiles, 0, sizeof *tiles);
}

void
vireo_tiles_clear (VireoTiles *tiles)
{
  for (int i = 0; i < tiles->columns * tiles->rows; i++)
    {
      VireoTile *tile = &tiles->tiles[i];

      g_clear_pointer (&tile->copies[0], cairo_surface_destroy);
      g_clear_pointer (&tile->copies[1], cairo_surface_destroy);
      g_clear_pointer (&tile->node, gsk_render_node_unref);
    }
  g_clear_pointer (&tiles->tiles, g_free);
  vireo_tiles_init (tiles);
}

gboolean
vireo_tiles_is_empty (VireoTiles *tiles)
{
  return tiles->tiles == NULL;
}

/* The tile's rectangle on the guest's screen, without the apron. */
static void
tile_area (VireoTiles            *tiles,
           int                    column,
           int                    row,
           cairo_rectangle_int_t *area)
{
  area->x = column * VIREO_TILE_WIDTH;
  area->y = row * VIREO_TILE_HEIGHT;
  area->width = MIN (VIREO_TILE_WIDTH, tiles->width - area->x);
  area->height = MIN (VIREO_TILE_HEIGHT, tiles->height - area->y);
}

/* Brings the copy not shown up to date, apron included, and shows it. Outside the screen the
 * apron stays black, as the black behind the screen shows through there when it is scaled. */
static gboolean
refresh_tile (VireoTiles   *tiles,
              int           column,
              int           row,
              const guint8 *data,
              int           stride)
{
  VireoTile *tile = &tiles->tiles[row * tiles->columns + column];
  int next = tile->current == 0 ? 1 : 0;
  cairo_rectangle_int_t area, src;
  cairo_surface_t *copy;
  guint8 *pixels;
  int copy_stride;

  tile_area (tiles, column, row, &area);
  if (tile->copies[next] == NULL)
    {
      tile->copies[next] = cairo_image_surface_create (CAIRO_FORMAT_RGB24, area.width + 2 * APRON,
                                                       area.height + 2 * APRON);
      if (cairo_surface_status (tile->copies[next]) != CAIRO_STATUS_SUCCESS)
        {
          g_clear_pointer (&tile->copies[next], cairo_surface_destroy);
          return FALSE;
        }
    }
  copy = tile->copies[next];

  src.x = MAX (area.x - APRON, 0);
  src.y = MAX (area.y - APRON, 0);
  src.width = MIN (area.x + area.width + APRON, tiles->width) - src.x;
  src.height = MIN (area.y + area.height + APRON, tiles->height) - src.y;

  cairo_surface_flush (copy);
  pixels = cairo_image_surface_get_data (copy);
  copy_stride = cairo_image_surface_get_stride (copy);
  for (int y = src.y; y < src.y + src.height; y++)
    memcpy (pixels + (gsize) (y - area.y + APRON) * copy_stride + (gsize) (src.x - area.x + APRON) * 4,
            data + (gsize) y * stride + (gsize) src.x * 4, (gsize) src.width * 4);
  cairo_surface_mark_dirty (copy);

  tile->current = next;
  g_clear_pointer (&tile->node, gsk_render_node_unref);
  return TRUE;
}

/**
 * vireo_tiles_update:
 * @data: the backend's pixels, B,G,R,X bytes
 * @damage: what changed in @data since the last call
 *
 * Copies the tiles that @damage touches (their aprons included). A screen of another size
 * is cut anew, whole.
 */
void
vireo_tiles_update (VireoTiles           *tiles,
                    const guint8         *data,
                    int                   width,
                    int                   height,
                    int                   stride,
                    const cairo_region_t *damage)
{
  guint n_tiles;
  g_autofree gboolean *dirty = NULL;
  gboolean all = FALSE;

  g_return_if_fail (data != NULL && width > 0 && height > 0 && stride >= width * 4);

  if (tiles->width != width || tiles->height != height)
    {
      vireo_tiles_clear (tiles);
      tiles->width = width;
      tiles->height = height;
      tiles->columns = (width + VIREO_TILE_WIDTH - 1) / VIREO_TILE_WIDTH;
      tiles->rows = (height + VIREO_TILE_HEIGHT - 1) / VIREO_TILE_HEIGHT;
      tiles->tiles = g_new0 (VireoTile, (gsize) tiles->columns * tiles->rows);
      for (int i = 0; i < tiles->columns * tiles->rows; i++)
        tiles->tiles[i].current = -1;
      all = TRUE;
    }

  n_tiles = (guint) (tiles->columns * tiles->rows);
  dirty = g_new0 (gboolean, n_tiles);
  for (int i = 0, n = all ? 0 : cairo_region_num_rectangles (damage); i < n; i++)
    {
      cairo_rectangle_int_t r;
      int c0, c1, r0, r1;

      cairo_region_get_rectangle (damage, i, &r);
      if (r.width <= 0 || r.height <= 0)
        continue;
      /* A change within APRON pixels of a tile's edge is in its neighbour's apron too. */
      c0 = MAX (r.x - APRON, 0) / VIREO_TILE_WIDTH;
      c1 = MIN (r.x + r.width - 1 + APRON, width - 1) / VIREO_TILE_WIDTH;
      r0 = MAX (r.y - APRON, 0) / VIREO_TILE_HEIGHT;
      r1 = MIN (r.y + r.height - 1 + APRON, height - 1) / VIREO_TILE_HEIGHT;
      for (int row = r0; row <= r1 && row < tiles->rows; row++)
        for (int column = c0; column <= c1 && column < tiles->columns; column++)
          dirty[row * tiles->columns + column] = TRUE;
    }

  for (guint i = 0; i < n_tiles; i++)
    if ((all || dirty[i] || tiles->tiles[i].current < 0)
        && !refresh_tile (tiles, i % tiles->columns, i / tiles->columns, data, stride))
      {
        vireo_tiles_clear (tiles);   /* out of memory: nothing rather than a mix */
        return;
      }
}

/* Tile edges on the widget: inside the screen on whole pixels, so that two tiles share each
 * pixel column exactly (no seam of half-covered pixels); the outer edges are the screen's. */
static double
edge (double origin,
      double size,
      int    index,
      int    count,
      int    tile_size,
      double ratio,
      int    scale_factor)
{
  if (index <= 0)
    return origin;
  if (index >= count)
    return origin + size;
  return round ((origin + index * tile_size * ratio) * scale_factor) / scale_factor;
}

static GskRenderNode *
make_node (VireoTiles *tiles,
           int         column,
           int         row)
{
  int scale_factor = MAX (tiles->scale_factor, 1);
  VireoTile *tile = &tiles->tiles[row * tiles->columns + column];
  const graphene_rect_t *dst = &tiles->dst;
  double sx = dst->size.width / tiles->width;
  double sy = dst->size.height / tiles->height;
  double x0 = edge (dst->origin.x, dst->size.width, column, tiles->columns, VIREO_TILE_WIDTH, sx, scale_factor);
  double x1 = edge (dst->origin.x, dst->size.width, column + 1, tiles->columns, VIREO_TILE_WIDTH, sx, scale_factor);
  double y0 = edge (dst->origin.y, dst->size.height, row, tiles->rows, VIREO_TILE_HEIGHT, sy, scale_factor);
  double y1 = edge (dst->origin.y, dst->size.height, row + 1, tiles->rows, VIREO_TILE_HEIGHT, sy, scale_factor);
  GskRenderNode *node;
  cairo_t *cr;

  if (x1 <= x0 || y1 <= y0)
    return NULL;

  node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
  cr = gsk_cairo_node_get_draw_context (node);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_clip (cr);
  cairo_translate (cr, dst->origin.x, dst->origin.y);
  cairo_scale (cr, sx, sy);
  cairo_set_source_surface (cr, tile->copies[tile->current],
                            column * VIREO_TILE_WIDTH - APRON, row * VIREO_TILE_HEIGHT - APRON);
  cairo_pattern_set_filter (cairo_get_source (cr), tiles->filter);
  cairo_paint (cr);
  cairo_destroy (cr);
  return node;
}

/**
 * vireo_tiles_get_node:
 * @dst: where the screen goes on the widget
 * @filter: how to scale it
 * @scale_factor: the widget's, for tile edges on whole device pixels
 *
 * Returns: (transfer full) (nullable): a container of the tiles' nodes. Tiles whose pixels
 *   did not change since the last call, for the same @dst and @filter, are the same nodes.
 */
GskRenderNode *
vireo_tiles_get_node (VireoTiles            *tiles,
                      const graphene_rect_t *dst,
                      cairo_filter_t         filter,
                      int                    scale_factor)
{
  guint n_tiles = (guint) (tiles->columns * tiles->rows);
  g_autofree GskRenderNode **children = NULL;
  guint n_children = 0;

  if (tiles->tiles == NULL || dst->size.width <= 0 || dst->size.height <= 0)
    return NULL;

  if (!graphene_rect_equal (dst, &tiles->dst) || filter != tiles->filter || scale_factor != tiles->scale_factor)
    {
      for (guint i = 0; i < n_tiles; i++)
        g_clear_pointer (&tiles->tiles[i].node, gsk_render_node_unref);
      tiles->dst = *dst;
      tiles->filter = filter;
      tiles->scale_factor = scale_factor;
    }

  children = g_new (GskRenderNode *, n_tiles);
  for (guint i = 0; i < n_tiles; i++)
    {
      VireoTile *tile = &tiles->tiles[i];

      if (tile->node == NULL)
        tile->node = make_node (tiles, i % tiles->columns, i / tiles->columns);
      if (tile->node != NULL)
        children[n_children++] = tile->node;
    }

  return gsk_container_node_new (children, n_children);
}
