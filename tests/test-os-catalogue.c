/* test-os-catalogue.c
 *
 * The catalogue of downloads (lib/vireo-os-catalogue.c) against a test catalogue
 * (fixtures/osinfo, read as libosinfo's system database), and what DownloadMedia accepts
 * (lib/vireo-download.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "vireo-download.h"
#include "vireo-error.h"
#include "vireo-os-catalogue.h"

static GPtrArray *
load (void)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *catalogue = vireo_os_catalogue_list (&error);

  g_assert_no_error (error);
  g_assert_nonnull (catalogue);
  return catalogue;
}

static void
test_catalogue_list (void)
{
  g_autoptr(GPtrArray) catalogue = load ();
  const char *expected[][3] = {
    /* vendor, os id, url: by vendor, newest first, installers before live media */
    { "Another Vendor", "http://other.test/mageia/9", "http://127.0.0.1:8080/download?id=9" },
    { "Debian Project", "http://debian.org/debian/11", "http://127.0.0.1:8080/debian-11-amd64-netinst.iso" },
    { "Vireo Test Project", "http://vireo.test/vireotest/2", "http://127.0.0.1:8080/vireotest-2-amd64.iso" },
    { "Vireo Test Project", "http://vireo.test/vireotest/2", "http://127.0.0.1:8080/vireotest-2-live-amd64.iso" },
    { "Vireo Test Project", "http://vireo.test/vireotest/1", "http://127.0.0.1:8080/vireotest-1-amd64.iso" },
  };
  const VireoOsMedium *medium;

  g_assert_cmpuint (catalogue->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < catalogue->len; i++)
    {
      medium = g_ptr_array_index (catalogue, i);
      g_assert_cmpstr (medium->vendor, ==, expected[i][0]);
      g_assert_cmpstr (medium->os_id, ==, expected[i][1]);
      g_assert_cmpstr (medium->url, ==, expected[i][2]);
    }

  medium = g_ptr_array_index (catalogue, 2);
  g_assert_cmpstr (medium->os_name, ==, "Vireo Test OS 2");
  g_assert_cmpstr (medium->short_id, ==, "vireotest2");
  g_assert_cmpstr (medium->version, ==, "2");
  g_assert_cmpstr (medium->release_date, ==, "2022-06-01");
  g_assert_cmpstr (medium->file_name, ==, "vireotest-2-amd64.iso");
  g_assert_true (medium->installer);
  g_assert_false (medium->live);
  medium = g_ptr_array_index (catalogue, 3);
  g_assert_true (medium->live);
  g_assert_false (medium->installer);
  /* An address without a file name: the short id names the file. */
  medium = g_ptr_array_index (catalogue, 0);
  g_assert_cmpstr (medium->file_name, ==, "othermageia9.iso");
}

static void
test_catalogue_search (void)
{
  g_autoptr(GPtrArray) catalogue = load ();
  const VireoOsMedium *first = g_ptr_array_index (catalogue, 0);
  const VireoOsMedium *test2 = g_ptr_array_index (catalogue, 2);

  g_assert_true (vireo_os_medium_matches (test2, NULL));
  g_assert_true (vireo_os_medium_matches (test2, ""));
  g_assert_true (vireo_os_medium_matches (test2, "  "));
  g_assert_true (vireo_os_medium_matches (test2, "vireo 2"));
  g_assert_true (vireo_os_medium_matches (test2, "TEST os"));
  g_assert_true (vireo_os_medium_matches (test2, "vireotest2"));
  g_assert_true (vireo_os_medium_matches (test2, "project"));
  g_assert_false (vireo_os_medium_matches (test2, "vireo 1"));
  g_assert_false (vireo_os_medium_matches (test2, "another"));
  /* Accents and case do not matter, either way. */
  g_assert_true (vireo_os_medium_matches (first, "mageia"));
  g_assert_true (vireo_os_medium_matches (first, "MÁGEIA 9"));
  g_assert_false (vireo_os_medium_matches (first, "mageia 8"));

  g_assert_true (vireo_os_catalogue_find (catalogue, "vireotest2") == test2);
  g_assert_true (vireo_os_catalogue_find (catalogue, "http://vireo.test/vireotest/2") == test2);
  g_assert_null (vireo_os_catalogue_find (catalogue, "vireotest3"));
  g_assert_null (vireo_os_catalogue_find (catalogue, "nourl1"));
}

static void
test_download_validate (void)
{
  const char *good_urls[] = { "http://127.0.0.1:8080/a.iso", "https://cdimage.debian.org/x/y.iso", "HTTP://host/" };
  const char *bad_urls[] = { "file:///etc/shadow", "ftp://host/a.iso", "/etc/shadow", "", "http://", "http://user:pw@host/a.iso",
                             "gopher://host/", "data:,x" };
  const char *good_names[] = { "debian-11.5.0-amd64-netinst.iso", "a.iso", "Fedora_38+live.iso" };
  const char *bad_names[] = { "", ".iso", "../x.iso", "a/b.iso", "x.img", ".hidden.iso", "-x.iso", "a..b.iso",
                              "a b.iso", "é.iso", "x.iso.part" };

  for (guint i = 0; i < G_N_ELEMENTS (good_urls); i++)
    g_assert_true (vireo_download_validate_url (good_urls[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad_urls); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vireo_download_validate_url (bad_urls[i], &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good_names); i++)
    g_assert_true (vireo_download_validate_name (good_names[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vireo_download_validate_name (bad_names[i], &error));
      g_assert_error (error, VIREO_ERROR, VIREO_ERROR_INVALID_ARGUMENT);
    }
  g_assert_true (vireo_download_validate_sha256 ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", NULL));
  g_assert_false (vireo_download_validate_sha256 ("e3b0c442", NULL));
  g_assert_false (vireo_download_validate_sha256 ("z3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", NULL));
  g_assert_false (vireo_download_validate_sha256 (NULL, NULL));

  {
    g_autofree char *a = vireo_download_name_for_url ("http://h/p/debian.iso?x=1", "d");
    g_autofree char *b = vireo_download_name_for_url ("http://h/p/", "d");
    g_autofree char *c = vireo_download_name_for_url ("http://h/p/..iso", NULL);

    g_assert_cmpstr (a, ==, "debian.iso");
    g_assert_cmpstr (b, ==, "d.iso");
    g_assert_null (c);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The test catalogue only: never the host's database, whatever it holds. */
  g_setenv ("OSINFO_SYSTEM_DIR", VIREO_TEST_OSINFO_DIR, TRUE);
  g_setenv ("OSINFO_LOCAL_DIR", "/nonexistent/vireo-test", TRUE);
  g_setenv ("OSINFO_USER_DIR", "/nonexistent/vireo-test", TRUE);

  g_test_add_func ("/os-catalogue/list", test_catalogue_list);
  g_test_add_func ("/os-catalogue/search", test_catalogue_search);
  g_test_add_func ("/download/validate", test_download_validate);
  return g_test_run ();
}
