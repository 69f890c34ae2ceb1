/* test_engine_state.c - container ids, the state record and its JSON,
 * pid liveness, time format, the setup message protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/state.h"
#include "libocirun/sync.h"

static void
test_ids (void **unused)
{
  struct ocirun_error err;
  static const char *const good[]
      = { "a", "abc-DEF_1.2+3", "0", "x.y", "...x", "a..b" };
  static const char *const bad[]
      = { "", ".", "..", "a/b", "a b", "a\nb", "é", "a:b", "/" };

  (void)unused;
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_int_equal (ocirun_state_validate_id (good[i], &err), 0);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal (ocirun_state_validate_id (bad[i], &err), -1);
}

static char tmpdir[64];

static int
make_tmp (void **unused)
{
  (void)unused;
  snprintf (tmpdir, sizeof tmpdir, "/tmp/ocirun-unit.XXXXXX");
  return mkdtemp (tmpdir) ? 0 : -1;
}

static int
rm_tmp (void **unused)
{
  char cmd[128];

  (void)unused;
  snprintf (cmd, sizeof cmd, "rm -rf %s", tmpdir);
  return system (cmd) == 0 ? 0 : -1;
}

static void
test_dir_create_lock_remove (void **unused)
{
  struct ocirun_error err;
  char root[128];
  int rootfd, dirfd, dirfd2, other;
  struct stat st;

  (void)unused;
  snprintf (root, sizeof root, "%s/sub/root", tmpdir);
  assert_int_equal (ocirun_state_root_open (root, true, &rootfd, &err), 0);
  assert_int_equal (stat (root, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0700);
  assert_int_equal (ocirun_state_dir_create (rootfd, "c1", &dirfd, &err), 0);
  assert_int_equal (ocirun_state_dir_create (rootfd, "c1", &dirfd2, &err), -1);
  assert_non_null (strstr (err.msg, "already exists"));
  /* locked: another open file can't take it */
  other = openat (rootfd, "c1", O_RDONLY | O_DIRECTORY);
  assert_true (other >= 0);
  assert_int_equal (flock (other, LOCK_EX | LOCK_NB), -1);
  close (other);
  assert_int_equal (ocirun_state_write_file (dirfd, "x", "data", 4, &err), 0);
  assert_int_equal (ocirun_state_dir_remove (rootfd, "c1", dirfd, &err), 0);
  close (dirfd);
  assert_int_equal (
      ocirun_state_dir_open (rootfd, "c1", LOCK_SH, &dirfd, &err), -1);
  assert_non_null (strstr (err.msg, "does not exist"));
  close (rootfd);
}

/* Create `id` again in rootfd: it must fail with "already exists", and
 * with `hint` after it (NULL: the plain message). */
static void
assert_exists_error (int rootfd, const char *id, const char *hint)
{
  struct ocirun_error err;
  char want[256];
  int fd;

  assert_int_equal (ocirun_state_dir_create (rootfd, id, &fd, &err), -1);
  snprintf (want, sizeof want, "container `%s` already exists%s%s", id,
            hint ? " " : "", hint ? hint : "");
  assert_string_equal (err.msg, want);
}

static void
test_dir_exists_leftover (void **unused)
{
  struct ocirun_error err;
  struct ocirun_state s = { .oci_version = "1.3.0",
                            .id = "c3",
                            .bundle = "/b",
                            .status = OCI_STATUS_CREATING };
  char root[128];
  int rootfd, dirfd;
  pid_t dead;

  (void)unused;
  snprintf (root, sizeof root, "%s/r3", tmpdir);
  assert_int_equal (ocirun_state_root_open (root, true, &rootfd, &err), 0);
  assert_int_equal (ocirun_state_dir_create (rootfd, "c3", &dirfd, &err), 0);
  /* A live create holds the lock: plain message, however it looks. */
  assert_exists_error (rootfd, "c3", NULL);
  /* "creating", by a creator that is dead. */
  dead = fork ();
  if (dead == 0)
    _exit (0);
  assert_true (dead > 0);
  assert_int_equal (waitpid (dead, NULL, 0), dead);
  s.creator = dead;
  assert_int_equal (ocirun_state_write (dirfd, &s, &err), 0);
  assert_exists_error (rootfd, "c3", NULL); /* still locked */
  close (dirfd);
  assert_exists_error (rootfd, "c3",
                       "(left by a create that did not finish; remove it "
                       "with 'ocirun delete --force c3')");
  /* "creating" by a live creator (this process): plain. */
  assert_int_equal (
      ocirun_state_dir_open (rootfd, "c3", LOCK_EX, &dirfd, &err), 0);
  s.creator = getpid ();
  assert_int_equal (ocirun_proc_stat (s.creator, &s.creator_start, NULL), 0);
  assert_int_equal (ocirun_state_write (dirfd, &s, &err), 0);
  /* A created container whose process is gone (stopped): plain. */
  s.status = OCI_STATUS_CREATED;
  s.pid = dead;
  close (dirfd);
  assert_exists_error (rootfd, "c3", NULL);
  assert_int_equal (
      ocirun_state_dir_open (rootfd, "c3", LOCK_EX, &dirfd, &err), 0);
  assert_int_equal (ocirun_state_write (dirfd, &s, &err), 0);
  close (dirfd);
  assert_exists_error (rootfd, "c3", NULL);
  /* No state.json at all. */
  assert_int_equal (
      ocirun_state_dir_open (rootfd, "c3", LOCK_EX, &dirfd, &err), 0);
  assert_int_equal (unlinkat (dirfd, OCIRUN_STATE_FILE, 0), 0);
  close (dirfd);
  assert_exists_error (rootfd, "c3",
                       "(left by a create or delete that did not finish; "
                       "remove it with 'ocirun delete --force c3')");
  close (rootfd);
}

static void
test_state_roundtrip (void **unused)
{
  struct ocirun_error err;
  struct oci_kv ann[] = { { "k1", "v1" }, { "k2", "v\"2" } };
  char *hook_args[] = { "h", "a1", NULL };
  char *hook_env[] = { "E=1", NULL };
  struct oci_hook hooks[] = { { .path = "/bin/h",
                                .args = hook_args,
                                .args_len = 2,
                                .env = hook_env,
                                .env_len = 1,
                                .timeout = { true, 5 } } };
  struct ocirun_state s = {
    .oci_version = "1.3.0",
    .id = "c2",
    .bundle = "/b",
    .rootfs = "/b/r",
    .created = "2024-01-01T00:00:00.5Z",
    .status = OCI_STATUS_CREATED,
    .pid = 1234,
    .pid_start = 99999999999ULL,
    .ns_mask = (1u << OCI_NS_PID) | (1u << OCI_NS_TIME),
    .annotations = ann,
    .annotations_len = 2,
    .poststop = hooks,
    .poststop_len = 1,
  };
  struct ocirun_state *r = NULL;
  char root[128];
  int rootfd, dirfd;

  (void)unused;
  snprintf (root, sizeof root, "%s/r2", tmpdir);
  assert_int_equal (ocirun_state_root_open (root, true, &rootfd, &err), 0);
  assert_int_equal (ocirun_state_dir_create (rootfd, "c2", &dirfd, &err), 0);
  assert_int_equal (ocirun_state_write (dirfd, &s, &err), 0);
  assert_int_equal (ocirun_state_read (dirfd, &r, &err), 0);
  assert_string_equal (r->id, "c2");
  assert_string_equal (r->bundle, "/b");
  assert_string_equal (r->rootfs, "/b/r");
  assert_string_equal (r->created, s.created);
  assert_int_equal (r->status, OCI_STATUS_CREATED);
  assert_int_equal (r->pid, 1234);
  assert_true (r->pid_start == 99999999999ULL);
  assert_int_equal (r->ns_mask, s.ns_mask);
  assert_int_equal (r->annotations_len, 2);
  assert_string_equal (r->annotations[1].value, "v\"2");
  assert_int_equal (r->poststart_len, 0);
  assert_int_equal (r->poststop_len, 1);
  assert_string_equal (r->poststop[0].path, "/bin/h");
  assert_int_equal (r->poststop[0].args_len, 2);
  assert_string_equal (r->poststop[0].args[1], "a1");
  assert_null (r->poststop[0].args[2]);
  assert_string_equal (r->poststop[0].env[0], "E=1");
  assert_true (r->poststop[0].timeout.set);
  assert_int_equal (r->poststop[0].timeout.value, 5);
  /* The recorded pid is not alive with that start time: stopped. */
  assert_int_equal (ocirun_state_status (r), OCI_STATUS_STOPPED);
  ocirun_state_free (r);
  close (dirfd);
  close (rootfd);
}

static void
test_state_json_shapes (void **unused)
{
  struct ocirun_error err;
  struct oci_kv ann[] = { { "a", "b" } };
  struct ocirun_state s = { .oci_version = "1.3.0",
                            .id = "c",
                            .bundle = "/b",
                            .rootfs = "/b/rootfs",
                            .created = "T",
                            .pid = 7,
                            .annotations = ann,
                            .annotations_len = 1 };
  char *json;

  (void)unused;
  assert_int_equal (ocirun_state_to_json (&s, "creating", OCIRUN_STATE_HOOK,
                                          &json, NULL, &err),
                    0);
  assert_string_equal (json,
                       "{\"ociVersion\":\"1.3.0\",\"id\":\"c\","
                       "\"status\":\"creating\",\"pid\":7,"
                       "\"bundle\":\"/b\",\"annotations\":{\"a\":\"b\"}}");
  free (json);
  /* stopped: no pid for hooks, pid 0 for runc's state */
  s.pid = 0;
  assert_int_equal (ocirun_state_to_json (&s, "stopped", OCIRUN_STATE_HOOK,
                                          &json, NULL, &err),
                    0);
  assert_null (strstr (json, "pid"));
  free (json);
  s.pid = 7;
  assert_int_equal (ocirun_state_to_json (&s, "stopped",
                                          OCIRUN_STATE_RUNC_PRETTY, &json,
                                          NULL, &err),
                    0);
  assert_string_equal (json, "{\n"
                             "  \"ociVersion\": \"1.3.0\",\n"
                             "  \"id\": \"c\",\n"
                             "  \"pid\": 0,\n"
                             "  \"status\": \"stopped\",\n"
                             "  \"bundle\": \"/b\",\n"
                             "  \"rootfs\": \"/b/rootfs\",\n"
                             "  \"created\": \"T\",\n"
                             "  \"annotations\": {\n"
                             "    \"a\": \"b\"\n"
                             "  },\n"
                             "  \"owner\": \"\"\n"
                             "}");
  free (json);
}

static void
test_proc_stat_and_liveness (void **unused)
{
  unsigned long long start;
  char st;

  (void)unused;
  assert_int_equal (ocirun_proc_stat (getpid (), &start, &st), 0);
  assert_true (start > 0);
  assert_true (ocirun_pid_is (getpid (), start));
  assert_false (ocirun_pid_is (getpid (), start + 1));
  assert_false (ocirun_pid_is (0, start));
  assert_int_equal (ocirun_proc_stat (4194304 + 7, &start, &st), -1);
}

static void
test_time_format (void **unused)
{
  char buf[64];

  (void)unused;
  ocirun_time_rfc3339 (buf, sizeof buf);
  /* 2024-01-02T03:04:05[.fraction]Z, no trailing zeros in the fraction */
  assert_int_equal (buf[4], '-');
  assert_int_equal (buf[10], 'T');
  assert_int_equal (buf[strlen (buf) - 1], 'Z');
  if (buf[19] == '.')
    assert_true (buf[strlen (buf) - 2] != '0');
}

static void
test_sync_messages (void **unused)
{
  struct ocirun_error err, sent;
  struct ocirun_sync_msg m;
  int sv[2];

  (void)unused;
  assert_int_equal (socketpair (AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
  assert_int_equal (ocirun_sync_send (sv[0], OCIRUN_SYNC_GO, 4242, &err), 0);
  assert_int_equal (ocirun_sync_expect (sv[1], OCIRUN_SYNC_GO, &m, "t", &err),
                    0);
  assert_int_equal (m.value, 4242);
  ocirun_error_set (&sent, 1, "mount `proc` on `/proc`");
  ocirun_sync_send_error (sv[0], &sent);
  assert_int_equal (
      ocirun_sync_expect (sv[1], OCIRUN_SYNC_READY, &m, "t", &err), -1);
  assert_int_equal (err.errnum, 1);
  assert_string_equal (err.msg, "mount `proc` on `/proc`");
  /* wrong type */
  ocirun_sync_send (sv[0], OCIRUN_SYNC_HOOKS, 0, &err);
  assert_int_equal (
      ocirun_sync_expect (sv[1], OCIRUN_SYNC_READY, &m, "t", &err), -1);
  close (sv[0]);
  /* EOF */
  assert_int_equal (
      ocirun_sync_expect (sv[1], OCIRUN_SYNC_READY, &m, "child", &err), -1);
  assert_non_null (strstr (err.msg, "exited unexpectedly"));
  close (sv[1]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_ids),
    cmocka_unit_test_setup_teardown (test_dir_create_lock_remove, make_tmp,
                                     rm_tmp),
    cmocka_unit_test_setup_teardown (test_dir_exists_leftover, make_tmp,
                                     rm_tmp),
    cmocka_unit_test_setup_teardown (test_state_roundtrip, make_tmp, rm_tmp),
    cmocka_unit_test (test_state_json_shapes),
    cmocka_unit_test (test_proc_stat_and_liveness),
    cmocka_unit_test (test_time_format),
    cmocka_unit_test (test_sync_messages),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
