/* test_path_resolve.c - lookups and creations stay inside the root,
 * whatever symlinks the root holds. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "libocirun/path_resolve.h"

/* snprintf that treats truncation as a bug of the test. */
static void __attribute__ ((format (printf, 3, 4)))
xsnprintf (char *buf, size_t len, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (buf, len, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t)n >= len)
    abort ();
}

struct fixture
{
  char tmp[64];
  char root[PATH_MAX];
  char host[PATH_MAX];
  int rootfd;
};

static void
xsymlink (const char *target, const char *dir, const char *name)
{
  char p[PATH_MAX];
  xsnprintf (p, sizeof p, "%s/%s", dir, name);
  assert_int_equal (symlink (target, p), 0);
}

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);
  char p[PATH_MAX + 32];

  strcpy (f->tmp, "/tmp/ocirun-pathres.XXXXXX");
  if (mkdtemp (f->tmp) == NULL)
    return -1;
  xsnprintf (f->root, sizeof f->root, "%s/root", f->tmp);
  xsnprintf (f->host, sizeof f->host, "%s/host", f->tmp);
  mkdir (f->root, 0755);
  mkdir (f->host, 0755);
  xsnprintf (p, sizeof p, "%s/secret", f->host);
  close (open (p, O_CREAT | O_WRONLY, 0600));
  xsnprintf (p, sizeof p, "%s/file", f->root);
  close (open (p, O_CREAT | O_WRONLY, 0644));
  f->rootfd = open (f->root, O_PATH | O_DIRECTORY);
  *state = f;
  return f->rootfd < 0 ? -1 : 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;
  char cmd[128];

  close (f->rootfd);
  xsnprintf (cmd, sizeof cmd, "rm -rf '%s'", f->tmp);
  if (system (cmd) != 0)
    return -1;
  free (f);
  return 0;
}

/* fd is the object at root-relative path rel (compared by inode). */
static void
assert_is (struct fixture *f, int fd, const char *rel)
{
  char p[PATH_MAX * 2];
  struct stat a, b;

  xsnprintf (p, sizeof p, "%s/%s", f->root, rel);
  assert_int_equal (fstat (fd, &a), 0);
  assert_int_equal (lstat (p, &b), 0);
  assert_int_equal (a.st_ino, b.st_ino);
  assert_int_equal (a.st_dev, b.st_dev);
}

static size_t
count_entries (const char *dir)
{
  char cmd[PATH_MAX + 32];
  FILE *p;
  size_t n = 0;
  int c;

  xsnprintf (cmd, sizeof cmd, "ls -A '%s'", dir);
  p = popen (cmd, "r");
  while ((c = fgetc (p)) != EOF)
    n += c == '\n';
  pclose (p);
  return n;
}

static void
test_existing (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };
  int fd = ocirun_path_open_in_root (f->rootfd, "/file", OCIRUN_PATH_NOCREATE,
                                     &err);
  assert_true (fd >= 0);
  assert_is (f, fd, "file");
  close (fd);
  /* Relative paths are taken from the root too. */
  fd = ocirun_path_open_in_root (f->rootfd, "file", OCIRUN_PATH_NOCREATE,
                                 &err);
  assert_true (fd >= 0);
  close (fd);
  fd = ocirun_path_open_in_root (f->rootfd, "/", OCIRUN_PATH_NOCREATE, &err);
  assert_is (f, fd, ".");
  close (fd);
}

static void
test_missing_is_enoent (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };

  assert_true (ocirun_path_open_in_root (f->rootfd, "/nope/x",
                                         OCIRUN_PATH_NOCREATE, &err)
               < 0);
  assert_int_equal (err.errnum, ENOENT);
  assert_non_null (strstr (err.msg, "/nope/x"));
}

static void
test_absolute_symlink_stays_inside (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };
  int fd;

  /* a -> /etc: the host's /etc exists, the root's doesn't. */
  xsymlink ("/etc", f->root, "a");
  assert_true (
      ocirun_path_open_in_root (f->rootfd, "/a", OCIRUN_PATH_NOCREATE, &err)
      < 0);
  assert_int_equal (err.errnum, ENOENT);
  fd = ocirun_path_open_in_root (f->rootfd, "/a/sub", OCIRUN_PATH_MKDIR, &err);
  assert_true (fd >= 0);
  assert_is (f, fd, "etc/sub");
  close (fd);
  assert_int_equal (access ("/etc/sub", F_OK), -1);
}

static void
test_dotdot_symlink_stays_inside (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };
  char target[PATH_MAX + 32];
  int fd;

  /* b -> ../../../../<host>: outside the root if followed naively. */
  xsnprintf (target, sizeof target, "../../../../../../..%s", f->host);
  xsymlink (target, f->root, "b");
  fd = ocirun_path_open_in_root (f->rootfd, "/b", OCIRUN_PATH_MKDIR, &err);
  assert_true (fd >= 0);
  assert_is (f, fd, f->host + 1);
  close (fd);
  fd = ocirun_path_open_in_root (f->rootfd, "/b/secret", OCIRUN_PATH_MKFILE,
                                 &err);
  assert_true (fd >= 0);
  close (fd);
  /* The host directory still only holds its secret. */
  assert_int_equal (count_entries (f->host), 1);
  /* Plain ".." can't climb either. */
  fd = ocirun_path_open_in_root (f->rootfd, "/../../../x/y", OCIRUN_PATH_MKDIR,
                                 &err);
  assert_true (fd >= 0);
  assert_is (f, fd, "x/y");
  close (fd);
}

static void
test_dangling_symlink_created_inside (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };
  int fd;

  xsymlink ("/nonexistent/dir", f->root, "d");
  fd = ocirun_path_open_in_root (f->rootfd, "/d", OCIRUN_PATH_MKDIR, &err);
  assert_true (fd >= 0);
  assert_is (f, fd, "nonexistent/dir");
  close (fd);
  xsymlink ("../made/file", f->root, "e");
  fd = ocirun_path_open_in_root (f->rootfd, "e", OCIRUN_PATH_MKFILE, &err);
  assert_true (fd >= 0);
  assert_is (f, fd, "made/file");
  close (fd);
}

static void
test_relative_symlink_in_subdir (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };
  char dir[PATH_MAX + 8];
  int fd;

  xsnprintf (dir, sizeof dir, "%s/sub", f->root);
  mkdir (dir, 0755);
  xsymlink ("../file", dir, "up");
  fd = ocirun_path_open_in_root (f->rootfd, "/sub/up", OCIRUN_PATH_NOCREATE,
                                 &err);
  assert_true (fd >= 0);
  assert_is (f, fd, "file");
  close (fd);
}

static void
test_symlink_loop (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };

  xsymlink ("l2", f->root, "l1");
  xsymlink ("l1", f->root, "l2");
  assert_true (
      ocirun_path_open_in_root (f->rootfd, "/l1", OCIRUN_PATH_NOCREATE, &err)
      < 0);
  assert_int_equal (err.errnum, ELOOP);
  assert_true (
      ocirun_path_open_in_root (f->rootfd, "/l1/x", OCIRUN_PATH_MKDIR, &err)
      < 0);
  assert_int_equal (err.errnum, ELOOP);
}

static void
test_magic_link_refused (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };
  int fd;

  /* A symlink to /proc/self/root is read inside the root: no procfs
     there, so nothing is found (and the host's / is never reached). */
  xsymlink ("/proc/self/root", f->root, "m");
  assert_true (ocirun_path_open_in_root (f->rootfd, "/m/etc",
                                         OCIRUN_PATH_NOCREATE, &err)
               < 0);
  assert_int_equal (err.errnum, ENOENT);
  /* And a real magic link met on the way is refused (here the root is
     the host's /, where /proc is a procfs). */
  fd = open ("/", O_PATH | O_DIRECTORY);
  assert_true (ocirun_path_open_in_root (fd, "/proc/self/root/etc",
                                         OCIRUN_PATH_NOCREATE, &err)
               < 0);
  assert_int_equal (err.errnum, ELOOP);
  assert_true (ocirun_path_open_in_root (fd, "/proc/self/cwd/ocirun-no/x",
                                         OCIRUN_PATH_MKDIR, &err)
               < 0);
  assert_int_equal (err.errnum, ELOOP);
  close (fd);
}

static void
test_not_a_directory (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };

  assert_true (ocirun_path_open_in_root (f->rootfd, "/file/sub",
                                         OCIRUN_PATH_MKDIR, &err)
               < 0);
  assert_int_equal (err.errnum, ENOTDIR);
}

static void
test_open_parent (void **state)
{
  struct fixture *f = *state;
  struct ocirun_error err = { 0 };
  char base[256];
  int fd;

  fd = ocirun_path_open_parent_in_root (f->rootfd, "/dev/null", 1, base,
                                        sizeof base, &err);
  assert_true (fd >= 0);
  assert_string_equal (base, "null");
  assert_is (f, fd, "dev");
  close (fd);
  fd = ocirun_path_open_parent_in_root (f->rootfd, "/a/b/", 1, base,
                                        sizeof base, &err);
  assert_true (fd >= 0);
  assert_string_equal (base, "b");
  close (fd);
  fd = ocirun_path_open_parent_in_root (f->rootfd, "top", 0, base, sizeof base,
                                        &err);
  assert_true (fd >= 0);
  assert_string_equal (base, "top");
  assert_is (f, fd, ".");
  close (fd);
  assert_true (ocirun_path_open_parent_in_root (f->rootfd, "/", 0, base,
                                                sizeof base, &err)
               < 0);
  assert_true (ocirun_path_open_parent_in_root (f->rootfd, "/x/..", 0, base,
                                                sizeof base, &err)
               < 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_existing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_missing_is_enoent, setup, teardown),
    cmocka_unit_test_setup_teardown (test_absolute_symlink_stays_inside, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_dotdot_symlink_stays_inside, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_dangling_symlink_created_inside,
                                     setup, teardown),
    cmocka_unit_test_setup_teardown (test_relative_symlink_in_subdir, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_symlink_loop, setup, teardown),
    cmocka_unit_test_setup_teardown (test_magic_link_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_not_a_directory, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_parent, setup, teardown),
  };

  cmocka_set_message_output (CM_OUTPUT_TAP);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
