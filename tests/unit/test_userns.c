/* test_userns.c - subordinate id files, range coverage, the "own id
 * only" map test and the helper's error reporting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/rootless.h"
#include "libocirun/userns.h"

static char *
write_tmp (const char *text)
{
  char *path = strdup ("/tmp/test_userns.XXXXXX");
  int fd = mkstemp (path);

  assert_true (fd >= 0);
  assert_int_equal (write (fd, text, strlen (text)), (ssize_t)strlen (text));
  close (fd);
  return path;
}

static void
test_subid_parse (void **state)
{
  struct ocirun_error err;
  struct ocirun_subid_range *r;
  size_t n;
  char *path = write_tmp ("# comment\n"
                          "alice:100000:65536\n"
                          "bob:200000:65536\n"
                          "1001:300000:10\n"
                          "alice:400000:0\n" /* empty: skipped */
                          "alice:junk:5\n"   /* malformed: skipped */
                          "alice:500000:1000\n"
                          "alicex:600000:5\n"); /* other user */

  (void)state;
  assert_int_equal (ocirun_subid_ranges (path, "alice", 1001, &r, &n, &err),
                    0);
  assert_int_equal (n, 3);
  assert_int_equal (r[0].start, 100000);
  assert_int_equal (r[0].count, 65536);
  assert_int_equal (r[1].start, 300000);
  assert_int_equal (r[2].start, 500000);
  free (r);

  assert_int_equal (ocirun_subid_ranges (path, "carol", 7, &r, &n, &err), 0);
  assert_int_equal (n, 0);
  free (r);
  unlink (path);
  free (path);

  assert_int_equal (
      ocirun_subid_ranges ("/nonexistent/subuid", "alice", 1, &r, &n, &err),
      -1);
  assert_int_equal (err.errnum, ENOENT);
}

static void
test_subid_covers (void **state)
{
  const struct ocirun_subid_range r[] = {
    { 100000, 65536 },
    { 165536, 100 },
    { 300000, 10 },
  };

  (void)state;
  assert_true (ocirun_subid_covers (r, 3, 100000, 65536));
  assert_true (ocirun_subid_covers (r, 3, 100001, 10));
  /* Two adjacent ranges together. */
  assert_true (ocirun_subid_covers (r, 3, 165000, 600));
  assert_false (ocirun_subid_covers (r, 3, 165000, 700));
  assert_false (ocirun_subid_covers (r, 3, 99999, 2));
  assert_false (ocirun_subid_covers (r, 3, 300005, 10));
  assert_false (ocirun_subid_covers (r, 0, 1, 1));
  assert_true (ocirun_subid_covers (r, 3, 300000, 10));
}

static void
test_map_is_self (void **state)
{
  const struct oci_id_mapping self[] = { { 0, 1000, 1 } };
  const struct oci_id_mapping wide[] = { { 0, 1000, 2 } };
  const struct oci_id_mapping two[] = { { 0, 1000, 1 }, { 1, 100000, 10 } };

  (void)state;
  assert_true (ocirun_userns_map_is_self (self, 1, 1000));
  assert_false (ocirun_userns_map_is_self (self, 1, 1001));
  assert_false (ocirun_userns_map_is_self (wide, 1, 1000));
  assert_false (ocirun_userns_map_is_self (two, 2, 1000));
  assert_false (ocirun_userns_map_is_self (NULL, 0, 1000));
}

static void
test_helper_failure_message (void **state)
{
  const struct oci_id_mapping m[] = { { 0, 1000, 1 }, { 1, 100000, 10 } };
  struct ocirun_error err;
  char text[OCIRUN_ERROR_MSG_MAX + 64];
  char *script = write_tmp ("#!/bin/sh\n"
                            "echo \"args: $*\" >&2\n"
                            "exit 3\n");

  (void)state;
  assert_int_equal (chmod (script, 0700), 0);
  assert_int_equal (ocirun_rootless_run_map_helper (script, 42, m, 2, &err),
                    -1);
  ocirun_error_text (&err, text, sizeof text);
  assert_non_null (strstr (text, "status 3"));
  assert_non_null (strstr (text, "args: 42 0 1000 1 1 100000 10"));
  unlink (script);
  free (script);
}

static void
test_find_helper (void **state)
{
  (void)state;
  assert_non_null (ocirun_rootless_find_helper ("sh"));
  assert_null (ocirun_rootless_find_helper ("no-such-helper-ocirun"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_subid_parse),
    cmocka_unit_test (test_subid_covers),
    cmocka_unit_test (test_map_is_self),
    cmocka_unit_test (test_helper_failure_message),
    cmocka_unit_test (test_find_helper),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
