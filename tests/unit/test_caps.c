/* test_caps.c - capability names, validation messages, and the whole
 * ocirun_process_finalize() sequence run in forked children (as root):
 * the five sets, ids and groups, no_new_privs and seccomp as the kernel
 * reports them in /proc/self/status. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/caps.h"
#include "libocirun/container.h"
#include "libocirun/log.h"
#include "libocirun/security.h"

#define BIT(c) (UINT64_C (1) << (c))

static void
test_names (void **state)
{
  (void)state;
  assert_int_equal (ocirun_cap_from_name ("CAP_CHOWN"), CAP_CHOWN);
  assert_int_equal (ocirun_cap_from_name ("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
  assert_int_equal (ocirun_cap_from_name ("CAP_CHECKPOINT_RESTORE"), 40);
  assert_int_equal (ocirun_cap_from_name ("CAP_FOO"), -1);
  assert_int_equal (ocirun_cap_from_name ("cap_chown"), -1);
  assert_int_equal (ocirun_cap_from_name ("CHOWN"), -1);
  assert_int_equal (ocirun_cap_from_name ("CAP_12"), -1);
  assert_int_equal (ocirun_cap_from_name (""), -1);
  assert_true (ocirun_cap_last_cap () >= 36);
}

static struct oci_config *
parse (const char *json)
{
  struct oci_config *cfg = NULL;
  struct ocirun_error err = { 0 };

  if (oci_config_parse_data (json, strlen (json), "config.json", &cfg, &err)
      < 0)
    fail_msg ("parse: %s", err.msg);
  return cfg;
}

/* Reads what the log file received so far. */
static void
read_log (const char *path, char *buf, size_t len)
{
  FILE *f = fopen (path, "r");
  size_t n;

  assert_non_null (f);
  n = fread (buf, 1, len - 1, f);
  buf[n] = '\0';
  fclose (f);
}

/* The --log file of test_validate_message; removed by its teardown, so
 * that a failed assertion does not leave it behind. */
static char logpath[] = "/tmp/ocirun-test-caps-XXXXXX";

static int
remove_log (void **state)
{
  struct ocirun_error err = { 0 };

  (void)state;
  unlink (logpath);
  return ocirun_log_init (NULL, OCIRUN_LOG_TEXT, false, &err);
}

/* runtime-spec 1.3: an unknown capability is logged as a warning and the
 * runtime does not fail (runc and crun continue too). */
static void
test_validate_message (void **state)
{
  struct oci_config *cfg;
  struct ocirun_error err = { 0 };
  char log[4096];
  int fd = mkstemp (logpath);

  (void)state;
  assert_true (fd >= 0);
  close (fd);
  assert_int_equal (ocirun_log_init (logpath, OCIRUN_LOG_TEXT, false, &err),
                    0);
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"capabilities\":{\"bounding\":["
               "\"CAP_KILL\",\"CAP_CHOWN\",\"CAP_NET_RAW\",\"CAP_FOO\"]}}}");
  assert_int_equal (ocirun_security_validate (cfg, &err), 0);
  read_log (logpath, log, sizeof log);
  /* The --log file holds logfmt lines: quotes in msg are escaped. */
  assert_non_null (strstr (log, "level=warning msg=\"config.json: process."
                                "capabilities.bounding[3]: unknown capability "
                                "\\\"CAP_FOO\\\" ignored"));
  oci_config_free (cfg);
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"capabilities\":{\"ambient\":["
               "\"CAP_KILL\",\"cap_kill\"]}}}");
  /* A file holding just the process (exec --process). */
  assert_int_equal (
      ocirun_security_validate_process (cfg->process, "process.json:", &err),
      0);
  read_log (logpath, log, sizeof log);
  assert_non_null (strstr (log, "process.json: capabilities.ambient[1]: "
                                "unknown capability \\\"cap_kill\\\" "
                                "ignored"));
  oci_config_free (cfg);
}

static void
test_resolve (void **state)
{
  struct oci_config *cfg;
  struct ocirun_capset cs;
  struct ocirun_error err = { 0 };

  (void)state;
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"capabilities\":{\"bounding\":["
               "\"CAP_KILL\",\"CAP_CHOWN\"],\"effective\":[\"CAP_KILL\"],"
               "\"permitted\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"ambient\":[],"
               "\"inheritable\":[\"CAP_CHOWN\"]}}}");
  assert_int_equal (
      ocirun_caps_resolve (cfg->process->capabilities, &cs, &err), 0);
  assert_int_equal (cs.bounding, BIT (CAP_KILL) | BIT (CAP_CHOWN));
  assert_int_equal (cs.effective, BIT (CAP_KILL));
  assert_int_equal (cs.permitted, BIT (CAP_KILL) | BIT (CAP_CHOWN));
  assert_int_equal (cs.inheritable, BIT (CAP_CHOWN));
  assert_int_equal (cs.ambient, 0);
  oci_config_free (cfg);
}

/* ---- finalize in a child ---------------------------------------------- */

struct status
{
  uint64_t inh, prm, eff, bnd, amb;
  int nnp, seccomp;
  char uid[256], gid[256], groups[256];
};

static void
read_status (struct status *st)
{
  char line[256];
  FILE *f = fopen ("/proc/self/status", "r");

  memset (st, 0, sizeof *st);
  while (fgets (line, sizeof line, f))
    {
      unsigned long long v;

      line[strcspn (line, "\n")] = '\0';
      if (sscanf (line, "CapInh: %llx", &v) == 1)
        st->inh = v;
      else if (sscanf (line, "CapPrm: %llx", &v) == 1)
        st->prm = v;
      else if (sscanf (line, "CapEff: %llx", &v) == 1)
        st->eff = v;
      else if (sscanf (line, "CapBnd: %llx", &v) == 1)
        st->bnd = v;
      else if (sscanf (line, "CapAmb: %llx", &v) == 1)
        st->amb = v;
      else if (sscanf (line, "NoNewPrivs: %d", &st->nnp) == 1)
        ;
      else if (sscanf (line, "Seccomp: %d", &st->seccomp) == 1)
        ;
      else if (strncmp (line, "Uid:", 4) == 0)
        snprintf (st->uid, sizeof st->uid, "%s", line + 4);
      else if (strncmp (line, "Gid:", 4) == 0)
        snprintf (st->gid, sizeof st->gid, "%s", line + 4);
      else if (strncmp (line, "Groups:", 7) == 0)
        snprintf (st->groups, sizeof st->groups, "%s", line + 7);
    }
  fclose (f);
}

/* Fork, finalize with cfg->process, read the status into shared memory
 * through a pipe.  Returns the child's exit code (0 ok, 100 finalize
 * failed, else set by check). */
static int
run_finalize (struct oci_config *cfg, struct status *out, int (*extra) (void))
{
  struct ocirun_container c;
  struct ocirun_error err = { 0 };
  int p[2], st;
  pid_t pid;

  memset (&c, 0, sizeof c);
  c.id = "t";
  c.bundle = "/";
  c.config = cfg;
  c.seccomp_notify_fd = -1;
  if (ocirun_security_validate (cfg, &err) < 0
      || ocirun_security_prepare (&c, &err) < 0)
    fail_msg ("%s", err.msg);
  assert_int_equal (pipe (p), 0);
  pid = fork ();
  if (pid == 0)
    {
      struct status s;

      close (p[0]);
      if (ocirun_process_finalize (&c, cfg->process, &err) < 0)
        {
          fprintf (stderr, "# finalize: %s (%s)\n", err.msg,
                   strerror (err.errnum));
          _exit (100);
        }
      read_status (&s);
      if (write (p[1], &s, sizeof s) != sizeof s)
        _exit (101);
      _exit (extra ? extra () : 0);
    }
  close (p[1]);
  ocirun_security_release (&c);
  memset (out, 0, sizeof *out);
  if (read (p[0], out, sizeof *out) != sizeof *out)
    memset (out, 0xff, sizeof *out);
  close (p[0]);
  assert_int_equal (waitpid (pid, &st, 0), pid);
  if (WIFSIGNALED (st))
    return 128 + WTERMSIG (st);
  return WEXITSTATUS (st);
}

static void
test_finalize_user_and_caps (void **state)
{
  struct oci_config *cfg;
  struct status st;

  (void)state;
  if (geteuid () != 0)
    skip ();
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"noNewPrivileges\":true,"
               "\"user\":{\"uid\":1000,\"gid\":1001,\"additionalGids\":[5,"
               "6]},\"capabilities\":{"
               "\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\","
               "\"CAP_NET_BIND_SERVICE\"],"
               "\"effective\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
               "\"permitted\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\","
               "\"CAP_CHOWN\"],"
               "\"inheritable\":[\"CAP_NET_BIND_SERVICE\"],"
               "\"ambient\":[\"CAP_NET_BIND_SERVICE\"]}}}");
  assert_int_equal (run_finalize (cfg, &st, NULL), 0);
  assert_int_equal (st.bnd, BIT (CAP_KILL) | BIT (CAP_CHOWN)
                                | BIT (CAP_NET_BIND_SERVICE));
  assert_int_equal (st.eff, BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE));
  assert_int_equal (st.prm, BIT (CAP_KILL) | BIT (CAP_CHOWN)
                                | BIT (CAP_NET_BIND_SERVICE));
  assert_int_equal (st.inh, BIT (CAP_NET_BIND_SERVICE));
  assert_int_equal (st.amb, BIT (CAP_NET_BIND_SERVICE));
  assert_int_equal (st.nnp, 1);
  assert_int_equal (st.seccomp, 0);
  assert_string_equal (st.uid, "\t1000\t1000\t1000\t1000");
  assert_string_equal (st.gid, "\t1001\t1001\t1001\t1001");
  assert_string_equal (st.groups, "\t5 6 ");
  oci_config_free (cfg);
}

static void
test_finalize_inheritable_empty (void **state)
{
  struct oci_config *cfg;
  struct status st;
  struct ocirun_error err = { 0 };
  uint64_t eff, prm, inh;

  (void)state;
  if (geteuid () != 0)
    skip ();
  /* CVE-2022-29162: an inheritable set left over from the runtime would
   * let file capabilities grant more than configured. */
  assert_int_equal (ocirun_caps_get (&eff, &prm, &inh, &err), 0);
  assert_int_equal (ocirun_caps_set (eff, prm, BIT (CAP_SYS_ADMIN), &err), 0);
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"capabilities\":{\"bounding\":["
               "\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],\"permitted\":["
               "\"CAP_KILL\"]}}}");
  assert_int_equal (run_finalize (cfg, &st, NULL), 0);
  assert_int_equal (ocirun_caps_set (eff, prm, inh, &err), 0);
  assert_int_equal (st.inh, 0);
  assert_int_equal (st.amb, 0);
  assert_int_equal (st.bnd, BIT (CAP_KILL));
  assert_int_equal (st.eff, BIT (CAP_KILL));
  assert_int_equal (st.nnp, 0);
  oci_config_free (cfg);
}

static int
mkdir_errno (void)
{
  if (mkdir ("/nonexistent-dir/x", 0700) == 0)
    return 0;
  return errno == 42 ? 0 : 50;
}

static void
test_finalize_seccomp_without_nnp (void **state)
{
  struct oci_config *cfg;
  struct status st;

  (void)state;
  if (geteuid () != 0)
    skip ();
  /* Non-root user, no capabilities, no no_new_privs: the load needs
   * CAP_SYS_ADMIN, which must be borrowed from the permitted set and
   * then dropped. */
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"user\":{\"uid\":1000,\"gid\":1000},"
               "\"capabilities\":{\"bounding\":[]}},\"linux\":{\"seccomp\":{"
               "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
               "\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
               "\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}}}");
  assert_int_equal (run_finalize (cfg, &st, mkdir_errno), 0);
  assert_int_equal (st.eff, 0);
  assert_int_equal (st.prm, 0);
  assert_int_equal (st.bnd, 0);
  assert_int_equal (st.nnp, 0);
  assert_int_equal (st.seccomp, 2);
  oci_config_free (cfg);

  /* Same, without a capabilities object: the uid change alone clears the
   * effective set, and the borrowed CAP_SYS_ADMIN must not stay. */
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"user\":{\"uid\":1000,\"gid\":1000}},"
               "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
               "\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
               "\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}}}");
  assert_int_equal (run_finalize (cfg, &st, mkdir_errno), 0);
  assert_int_equal (st.eff, 0);
  assert_int_equal (st.seccomp, 2);
  oci_config_free (cfg);
}

static void
test_finalize_seccomp_with_nnp (void **state)
{
  struct oci_config *cfg;
  struct status st;

  (void)state;
  if (geteuid () != 0)
    skip ();
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"noNewPrivileges\":true,\"capabilities\":{"
               "\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],"
               "\"permitted\":[\"CAP_KILL\"]}},\"linux\":{\"seccomp\":{"
               "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
               "\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
               "\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}}}");
  assert_int_equal (run_finalize (cfg, &st, mkdir_errno), 0);
  assert_int_equal (st.eff, BIT (CAP_KILL));
  assert_int_equal (st.nnp, 1);
  assert_int_equal (st.seccomp, 2);
  oci_config_free (cfg);
}

static void
test_finalize_no_caps_object (void **state)
{
  struct oci_config *cfg;
  struct status st, self;

  (void)state;
  if (geteuid () != 0)
    skip ();
  /* No capabilities object: root keeps what it has (runc behaviour). */
  read_status (&self);
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"]}}");
  assert_int_equal (run_finalize (cfg, &st, NULL), 0);
  assert_int_equal (st.bnd, self.bnd);
  assert_int_equal (st.eff, self.eff);
  oci_config_free (cfg);
}

static int
write_file (const char *path, const char *data)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, data, strlen (data));
  close (fd);
  return n == (ssize_t)strlen (data) ? 0 : -1;
}

/* In a child: a new user namespace with setgroups denied (as rootless
 * engines set up), then finalize.  Returns finalize's result, or 2 when
 * the namespace can't be made. */
static int
finalize_in_denied_userns (struct oci_config *cfg, char *msg, size_t len)
{
  struct ocirun_container c;
  struct ocirun_error err = { 0 };
  int p[2], st;
  pid_t pid;

  memset (&c, 0, sizeof c);
  c.config = cfg;
  c.seccomp_notify_fd = -1;
  assert_int_equal (pipe (p), 0);
  pid = fork ();
  if (pid == 0)
    {
      int r;

      close (p[0]);
      if (unshare (CLONE_NEWUSER) < 0
          || write_file ("/proc/self/setgroups", "deny") < 0
          || write_file ("/proc/self/uid_map", "0 0 1") < 0
          || write_file ("/proc/self/gid_map", "0 0 1") < 0)
        _exit (2);
      r = ocirun_process_finalize (&c, cfg->process, &err) < 0;
      if (write (p[1], err.msg, strlen (err.msg) + 1) < 0)
        _exit (3);
      _exit (r);
    }
  close (p[1]);
  memset (msg, 0, len);
  if (read (p[0], msg, len - 1) < 0)
    msg[0] = '\0';
  close (p[0]);
  assert_int_equal (waitpid (pid, &st, 0), pid);
  return WIFEXITED (st) ? WEXITSTATUS (st) : 4;
}

static void
test_finalize_setgroups_denied (void **state)
{
  struct oci_config *cfg;
  char msg[OCIRUN_ERROR_MSG_MAX];
  int r;

  (void)state;
  if (geteuid () != 0)
    skip ();
  /* No additional groups: setgroups is skipped, not an error. */
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"]}}");
  r = finalize_in_denied_userns (cfg, msg, sizeof msg);
  oci_config_free (cfg);
  if (r == 2)
    skip (); /* no user namespaces here */
  assert_int_equal (r, 0);
  /* Additional groups can't be honoured: say so. */
  cfg = parse ("{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\","
               "\"args\":[\"x\"],\"user\":{\"additionalGids\":[0]}}}");
  r = finalize_in_denied_userns (cfg, msg, sizeof msg);
  oci_config_free (cfg);
  assert_int_equal (r, 1);
  assert_string_equal (msg, "process.user.additionalGids: setgroups is "
                            "denied in this user namespace");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test_teardown (test_validate_message, remove_log),
    cmocka_unit_test (test_resolve),
    cmocka_unit_test (test_finalize_user_and_caps),
    cmocka_unit_test (test_finalize_inheritable_empty),
    cmocka_unit_test (test_finalize_seccomp_without_nnp),
    cmocka_unit_test (test_finalize_seccomp_with_nnp),
    cmocka_unit_test (test_finalize_no_caps_object),
    cmocka_unit_test (test_finalize_setgroups_denied),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
