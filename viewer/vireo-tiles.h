/* vireo-tiles.h
 *
 * The guest's screen for the cairo drawing path, cut into tiles: one render node per tile, kept
 * from frame to frame while its pixels do not change. GTK 4.8 repaints what differs between
 * two frames' render nodes, and a cairo node can only differ whole: one node for the whole
 * screen made GTK repaint (and copy to the X server) all of it for any change. With tiles it
 * repaints the tiles that changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VIREO_TILE_WIDTH  128
#define VIREO_TILE_HEIGHT 64

typedef struct _VireoTile VireoTile;

typedef struct {
  VireoTile       *tiles;
  int              columns;
  int              rows;
  int              width;      /* the guest's screen */
  int              height;

  /* What the nodes were made for */
  graphene_rect_t  dst;
  cairo_filter_t   filter;
  int              scale_factor;
} VireoTiles;

void           vireo_tiles_init     (VireoTiles            *tiles);
void           vireo_tiles_clear    (VireoTiles            *tiles);
gboolean       vireo_tiles_is_empty (VireoTiles            *tiles);
void           vireo_tiles_update   (VireoTiles            *tiles,
                                     const guint8          *data,
                                     int                    width,
                                     int                    height,
                                     int                    stride,
                                     const cairo_region_t  *damage);
GskRenderNode *vireo_tiles_get_node (VireoTiles            *tiles,
                                     const graphene_rect_t *dst,
                                     cairo_filter_t         filter,
                                     int                    scale_factor);

G_END_DECLS
