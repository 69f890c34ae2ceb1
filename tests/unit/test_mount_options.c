/* test_mount_options.c - every option of the table maps to the right
 * flags, propagation, recursive attributes or data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "libocirun/mount_options.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

struct expect
{
  const char *name;
  unsigned long flags;
  unsigned long cleared;
  unsigned long propagation;
  uint64_t attr_set;
  uint64_t attr_clr;
  unsigned int extra;
};

static const struct expect expected[] = {
  { "ro", MS_RDONLY, 0, 0, 0, 0, 0 },
  { "rw", 0, MS_RDONLY, 0, 0, 0, 0 },
  { "nosuid", MS_NOSUID, 0, 0, 0, 0, 0 },
  { "suid", 0, MS_NOSUID, 0, 0, 0, 0 },
  { "nodev", MS_NODEV, 0, 0, 0, 0, 0 },
  { "dev", 0, MS_NODEV, 0, 0, 0, 0 },
  { "noexec", MS_NOEXEC, 0, 0, 0, 0, 0 },
  { "exec", 0, MS_NOEXEC, 0, 0, 0, 0 },
  { "sync", MS_SYNCHRONOUS, 0, 0, 0, 0, 0 },
  { "async", 0, MS_SYNCHRONOUS, 0, 0, 0, 0 },
  { "dirsync", MS_DIRSYNC, 0, 0, 0, 0, 0 },
  { "remount", MS_REMOUNT, 0, 0, 0, 0, 0 },
  { "mand", MS_MANDLOCK, 0, 0, 0, 0, 0 },
  { "nomand", 0, MS_MANDLOCK, 0, 0, 0, 0 },
  { "atime", 0, MS_NOATIME, 0, 0, 0, 0 },
  { "noatime", MS_NOATIME, 0, 0, 0, 0, 0 },
  { "diratime", 0, MS_NODIRATIME, 0, 0, 0, 0 },
  { "nodiratime", MS_NODIRATIME, 0, 0, 0, 0, 0 },
  { "relatime", MS_RELATIME, 0, 0, 0, 0, 0 },
  { "norelatime", 0, MS_RELATIME, 0, 0, 0, 0 },
  { "strictatime", MS_STRICTATIME, 0, 0, 0, 0, 0 },
  { "nostrictatime", 0, MS_STRICTATIME, 0, 0, 0, 0 },
  { "nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0, 0 },
  { "symfollow", 0, MS_NOSYMFOLLOW, 0, 0, 0, 0 },
  { "lazytime", MS_LAZYTIME, 0, 0, 0, 0, 0 },
  { "bind", MS_BIND, 0, 0, 0, 0, OCIRUN_MOPT_BIND },
  { "rbind", MS_BIND | MS_REC, 0, 0, 0, 0,
    OCIRUN_MOPT_BIND | OCIRUN_MOPT_REC },
  { "private", 0, 0, MS_PRIVATE, 0, 0, 0 },
  { "rprivate", 0, 0, MS_PRIVATE | MS_REC, 0, 0, 0 },
  { "shared", 0, 0, MS_SHARED, 0, 0, 0 },
  { "rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, 0 },
  { "slave", 0, 0, MS_SLAVE, 0, 0, 0 },
  { "rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, 0 },
  { "unbindable", 0, 0, MS_UNBINDABLE, 0, 0, 0 },
  { "runbindable", 0, 0, MS_UNBINDABLE | MS_REC, 0, 0, 0 },
  { "rro", 0, 0, 0, MOUNT_ATTR_RDONLY, 0, 0 },
  { "rrw", 0, 0, 0, 0, MOUNT_ATTR_RDONLY, 0 },
  { "rnosuid", 0, 0, 0, MOUNT_ATTR_NOSUID, 0, 0 },
  { "rsuid", 0, 0, 0, 0, MOUNT_ATTR_NOSUID, 0 },
  { "rnodev", 0, 0, 0, MOUNT_ATTR_NODEV, 0, 0 },
  { "rdev", 0, 0, 0, 0, MOUNT_ATTR_NODEV, 0 },
  { "rnoexec", 0, 0, 0, MOUNT_ATTR_NOEXEC, 0, 0 },
  { "rexec", 0, 0, 0, 0, MOUNT_ATTR_NOEXEC, 0 },
  { "rnodiratime", 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0, 0 },
  { "rdiratime", 0, 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0 },
  { "rrelatime", 0, 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0 },
  { "rnorelatime", 0, 0, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, 0 },
  { "rnoatime", 0, 0, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, 0 },
  { "ratime", 0, 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0 },
  { "rstrictatime", 0, 0, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, 0 },
  { "rnostrictatime", 0, 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0 },
  { "rnosymfollow", 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, 0 },
  { "rsymfollow", 0, 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0 },
  { "tmpcopyup", 0, 0, 0, 0, 0, OCIRUN_MOPT_TMPCOPYUP },
  { "idmap", 0, 0, 0, 0, 0, OCIRUN_MOPT_IDMAP },
  { "ridmap", 0, 0, 0, 0, 0, OCIRUN_MOPT_IDMAP | OCIRUN_MOPT_REC },
};

static void
test_each_option (void **state)
{
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
    {
      const struct expect *e = &expected[i];
      char *opts[] = { (char *)e->name, NULL };
      struct ocirun_mount_opts o;
      struct ocirun_error err = { 0 };
      size_t bad = 99;

      print_message ("# option %s\n", e->name);
      assert_int_equal (
          ocirun_mount_opts_parse (opts, 1, false, &o, &bad, &err), 0);
      assert_int_equal (o.flags, e->flags);
      assert_int_equal (o.cleared, e->cleared);
      assert_int_equal (o.propagation_len, e->propagation ? 1 : 0);
      if (e->propagation)
        assert_int_equal (o.propagation[0], e->propagation);
      assert_int_equal (o.rec_attr_set, e->attr_set);
      assert_int_equal (o.rec_attr_clr, e->attr_clr);
      assert_int_equal (o.extra, e->extra);
      assert_null (o.data);
      ocirun_mount_opts_clear (&o);
    }
}

static void
test_data_options (void **state)
{
  char *opts[] = { "nosuid",      "mode=755",    "strictatime",
                   "size=65536k", "newinstance", NULL };
  struct ocirun_mount_opts o;
  struct ocirun_error err = { 0 };
  size_t bad;

  assert_int_equal (ocirun_mount_opts_parse (opts, 5, false, &o, &bad, &err),
                    0);
  assert_int_equal (o.flags, MS_NOSUID | MS_STRICTATIME);
  assert_string_equal (o.data, "mode=755,size=65536k,newinstance");
  ocirun_mount_opts_clear (&o);
}

static void
test_last_option_wins (void **state)
{
  char *opts[] = { "ro", "rw", "noexec", "exec", "rro", "rrw", NULL };
  struct ocirun_mount_opts o;
  struct ocirun_error err = { 0 };
  size_t bad;

  assert_int_equal (ocirun_mount_opts_parse (opts, 6, false, &o, &bad, &err),
                    0);
  assert_int_equal (o.flags, 0);
  assert_int_equal (o.cleared, MS_RDONLY | MS_NOEXEC);
  assert_int_equal (o.rec_attr_set, 0);
  assert_int_equal (o.rec_attr_clr, MOUNT_ATTR_RDONLY);
  ocirun_mount_opts_clear (&o);
}

static void
test_unknown_on_bind_rejected (void **state)
{
  char *opts[] = { "rbind", "nosiud", NULL };
  char *opts2[] = { "nosiud", "bind", NULL };
  struct ocirun_mount_opts o;
  struct ocirun_error err = { 0 };
  size_t bad = 99;

  assert_int_equal (ocirun_mount_opts_parse (opts, 2, false, &o, &bad, &err),
                    -1);
  assert_int_equal (bad, 1);
  assert_non_null (strstr (err.msg, "nosiud"));
  /* Type "bind" without a bind option, and data before "bind". */
  bad = 99;
  assert_int_equal (ocirun_mount_opts_parse (opts, 1, true, &o, &bad, &err),
                    0);
  ocirun_mount_opts_clear (&o);
  assert_int_equal (ocirun_mount_opts_parse (opts2, 2, false, &o, &bad, &err),
                    -1);
  assert_int_equal (bad, 0);
}

static void
test_empty_option_rejected (void **state)
{
  char *opts[] = { "ro", "", NULL };
  struct ocirun_mount_opts o;
  struct ocirun_error err = { 0 };
  size_t bad = 99;

  assert_int_equal (ocirun_mount_opts_parse (opts, 2, false, &o, &bad, &err),
                    -1);
  assert_int_equal (bad, 1);
}

static void
test_bind_attrs_keep_unnamed_flags (void **state)
{
  char *opts[] = { "rbind", "ro", NULL };
  char *opts2[] = { "bind", "suid", "noatime", NULL };
  struct ocirun_mount_opts o;
  struct ocirun_error err = { 0 };
  uint64_t set, clr;
  size_t bad;

  assert_int_equal (ocirun_mount_opts_parse (opts, 2, false, &o, &bad, &err),
                    0);
  assert_true (ocirun_mount_opts_need_bind_attrs (&o));
  ocirun_mount_opts_bind_attrs (&o, &set, &clr);
  /* ro only: nosuid/nodev/noexec/atime of the source untouched. */
  assert_int_equal (set, MOUNT_ATTR_RDONLY);
  assert_int_equal (clr, 0);
  ocirun_mount_opts_clear (&o);

  assert_int_equal (ocirun_mount_opts_parse (opts2, 3, false, &o, &bad, &err),
                    0);
  ocirun_mount_opts_bind_attrs (&o, &set, &clr);
  assert_int_equal (set, MOUNT_ATTR_NOATIME);
  assert_int_equal (clr, MOUNT_ATTR_NOSUID | MOUNT_ATTR__ATIME);
  ocirun_mount_opts_clear (&o);
}

static void
test_plain_bind_needs_no_attrs (void **state)
{
  char *opts[] = { "rbind", "rprivate", NULL };
  struct ocirun_mount_opts o;
  struct ocirun_error err = { 0 };
  size_t bad;

  assert_int_equal (ocirun_mount_opts_parse (opts, 2, false, &o, &bad, &err),
                    0);
  assert_false (ocirun_mount_opts_need_bind_attrs (&o));
  assert_int_equal (o.propagation_len, 1);
  ocirun_mount_opts_clear (&o);
}

static void
test_rootfs_propagation_values (void **state)
{
  assert_int_equal (ocirun_propagation_from_string ("private"), MS_PRIVATE);
  assert_int_equal (ocirun_propagation_from_string ("rslave"),
                    MS_SLAVE | MS_REC);
  assert_int_equal (ocirun_propagation_from_string ("shared"), MS_SHARED);
  assert_int_equal (ocirun_propagation_from_string ("unbindable"),
                    MS_UNBINDABLE);
  assert_int_equal (ocirun_propagation_from_string ("ro"), 0);
  assert_int_equal (ocirun_propagation_from_string ("bogus"), 0);
}

static void
test_table_complete (void **state)
{
  size_t len;
  const struct ocirun_mount_option *t = ocirun_mount_option_table (&len);

  /* Every expected option is in the table, and is found by lookup. */
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
    assert_non_null (ocirun_mount_option_lookup (expected[i].name));
  assert_true (len >= sizeof expected / sizeof expected[0]);
  assert_non_null (t);
  assert_null (ocirun_mount_option_lookup ("size=1k"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_each_option),
    cmocka_unit_test (test_data_options),
    cmocka_unit_test (test_last_option_wins),
    cmocka_unit_test (test_unknown_on_bind_rejected),
    cmocka_unit_test (test_empty_option_rejected),
    cmocka_unit_test (test_bind_attrs_keep_unnamed_flags),
    cmocka_unit_test (test_plain_bind_needs_no_attrs),
    cmocka_unit_test (test_rootfs_propagation_values),
    cmocka_unit_test (test_table_complete),
  };

  cmocka_set_message_output (CM_OUTPUT_TAP);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
