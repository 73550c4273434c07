/* test-frames.c: the two RGB24 copies of the guest's screen behind the cairo drawing path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>
#include <locale.h>
#include <string.h>

#include "vireo-frames.h"

typedef struct {
  guint8 *data;
  int     width;
  int     height;
  int     stride;
} Screen;

static void
screen_init (Screen *s,
             int     width,
             int     height,
             guint8  seed)
{
  s->width = width;
  s->height = height;
  s->stride = width * 4 + 64;   /* a backend's stride need not be the width */
  g_free (s->data);
  s->data = g_malloc (s->stride * height);
  for (int i = 0; i < s->stride * height; i++)
    s->data[i] = (guint8) (i * 7 + seed);
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
    memset (s->data + row * s->stride + x * 4, value, width * 4);
}

/* How many pixels of the copy differ from the screen (the X byte not counted). */
static int
differences (cairo_surface_t *copy,
             const Screen    *s)
{
  const guint8 *pixels = cairo_image_surface_get_data (copy);
  int stride = cairo_image_surface_get_stride (copy);
  int n = 0;

  g_assert_cmpint (cairo_image_surface_get_width (copy), ==, s->width);
  g_assert_cmpint (cairo_image_surface_get_height (copy), ==, s->height);
  for (int y = 0; y < s->height; y++)
    for (int x = 0; x < s->width; x++)
      if (memcmp (pixels + y * stride + x * 4, s->data + y * s->stride + x * 4, 3) != 0)
        n++;
  return n;
}

static cairo_surface_t *
update (VireoFrames  *frames,
        const Screen *s,
        int           x,
        int           y,
        int           width,
        int           height)
{
  cairo_region_t *damage = cairo_region_create_rectangle (&(cairo_rectangle_int_t) { x, y, width, height });
  cairo_surface_t *copy = vireo_frames_update (frames, s->data, s->width, s->height, s->stride, damage);

  cairo_region_destroy (damage);
  g_assert_nonnull (copy);
  g_assert_true (copy == vireo_frames_current (frames));
  return copy;
}

static void
test_partial_updates (void)
{
  VireoFrames frames;
  Screen s = { 0 };
  cairo_surface_t *a, *b;

  vireo_frames_init (&frames);
  g_assert_null (vireo_frames_current (&frames));
  screen_init (&s, 64, 48, 1);

  a = update (&frames, &s, 0, 0, 64, 48);
  g_assert_cmpint (differences (a, &s), ==, 0);

  /* The two copies take turns, and each takes in the damage it missed. */
  screen_paint (&s, 8, 8, 10, 10, 0x11);
  b = update (&frames, &s, 8, 8, 10, 10);
  g_assert_true (b != a);
  g_assert_cmpint (differences (b, &s), ==, 0);
  screen_paint (&s, 30, 20, 5, 5, 0x22);
  g_assert_true (update (&frames, &s, 30, 20, 5, 5) == a);
  g_assert_cmpint (differences (a, &s), ==, 0);

  /* Only what is reported as damage is copied. */
  screen_paint (&s, 0, 40, 64, 8, 0x33);
  b = update (&frames, &s, 0, 0, 1, 1);
  g_assert_cmpint (differences (b, &s), ==, 64 * 8);
  b = update (&frames, &s, 0, 40, 64, 8);
  g_assert_cmpint (differences (b, &s), ==, 0);

  vireo_frames_clear (&frames);
  g_assert_null (vireo_frames_current (&frames));
  g_free (s.data);
}

/* A guest that changes modes: damage from one size must never be copied into a copy of
 * another (this overran the copy and the backend's buffer, seen by ASan in the e2e test
 * when a SPICE guest went from 720x400 to 640x480 and back). */
static void
test_sizes_change (void)
{
  static const int sizes[][2] = { { 720, 400 }, { 720, 400 }, { 640, 480 }, { 720, 400 }, { 720, 400 },
                                  { 1024, 768 }, { 320, 200 }, { 320, 200 }, { 720, 400 } };
  VireoFrames frames;
  Screen s = { 0 };

  vireo_frames_init (&frames);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int w = sizes[i][0], h = sizes[i][1];
      cairo_surface_t *copy;

      if (s.width != w || s.height != h)
        {
          screen_init (&s, w, h, (guint8) i);
          copy = update (&frames, &s, 0, 0, w, h);
        }
      else
        {
          screen_paint (&s, w / 4, h / 4, w / 2, h / 2, (guint8) (0x40 + i));
          copy = update (&frames, &s, w / 4, h / 4, w / 2, h / 2);
        }
      g_assert_cmpint (differences (copy, &s), ==, 0);

      /* Damage past the screen (a backend's rectangle from before a resize) is cut off. */
      copy = update (&frames, &s, 0, 0, 4096, 4096);
      g_assert_cmpint (differences (copy, &s), ==, 0);
    }
  vireo_frames_clear (&frames);
  g_free (s.data);
}

/* A node GTK still holds keeps the picture it was made with when the copy behind it is
 * written again. */
static void
test_held_picture_kept (void)
{
  VireoFrames frames;
  Screen s = { 0 };
  cairo_surface_t *a, *recording, *replay;
  cairo_t *cr;
  guint8 first;

  vireo_frames_init (&frames);
  screen_init (&s, 16, 16, 5);
  screen_paint (&s, 0, 0, 16, 16, 0x10);
  a = update (&frames, &s, 0, 0, 16, 16);

  recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cr = cairo_create (recording);
  cairo_set_source_surface (cr, a, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);

  screen_paint (&s, 0, 0, 16, 16, 0x20);
  update (&frames, &s, 0, 0, 16, 16);
  g_assert_true (update (&frames, &s, 0, 0, 16, 16) == a);   /* a is written again */
  g_assert_cmpint (differences (a, &s), ==, 0);

  replay = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 16, 16);
  cr = cairo_create (replay);
  cairo_set_source_surface (cr, recording, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (replay);
  first = cairo_image_surface_get_data (replay)[0];
  g_assert_cmpint (first, ==, 0x10);

  cairo_surface_destroy (replay);
  cairo_surface_destroy (recording);
  vireo_frames_clear (&frames);
  g_free (s.data);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewer/frames/partial-updates", test_partial_updates);
  g_test_add_func ("/viewer/frames/sizes-change", test_sizes_change);
  g_test_add_func ("/viewer/frames/held-picture-kept", test_held_picture_kept);

  return g_test_run ();
}
