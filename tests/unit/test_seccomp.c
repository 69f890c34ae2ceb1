/* test_seccomp.c - linux.seccomp -> libseccomp filter -> BPF -> kernel.
 *
 * Three levels: the pseudo filter code (seccomp_export_pfc) shows each
 * action, operator and arch made it into the filter; validation errors
 * come out with their JSON path; and, in forked children, the compiled
 * BPF is loaded and the kernel's verdict is checked (errno values, kill
 * by SIGSYS, notify fd delivered to a listener with the state JSON). */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/container.h"
#include "libocirun/seccomp.h"
#include "libocirun/security.h"
#include "oci-spec/json_tree.h"
#include "seccomp_test_util.h"

/* ---- helpers ---------------------------------------------------------- */

static char *
pfc_of (const char *json)
{
  struct oci_seccomp *s = test_parse_seccomp (json);
  char *pfc;

  assert_non_null (s);
  pfc = test_seccomp_pfc (s);
  ocirun_seccomp_free (s);
  assert_non_null (pfc);
  return pfc;
}

static void
assert_contains (const char *hay, const char *needle)
{
  if (strstr (hay, needle) == NULL)
    fail_msg ("expected `%s` in:\n%s", needle, hay);
}

/* Validate a profile; returns the error message ("" when valid). */
static const char *
validate_msg (const char *json)
{
  static struct ocirun_error err;
  struct oci_seccomp *s = test_parse_seccomp (json);

  assert_non_null (s);
  memset (&err, 0, sizeof err);
  ocirun_seccomp_validate (s, "linux.seccomp", &err);
  ocirun_seccomp_free (s);
  return err.msg;
}

/* Run fn in a child that loaded the profile (with no_new_privs); returns
 * the raw wait status. */
static int
run_filtered (const char *json, int (*fn) (void))
{
  struct oci_seccomp *s = test_parse_seccomp (json);
  struct ocirun_seccomp_bpf *b = NULL;
  struct ocirun_error err = { 0 };
  int status, nfd;
  pid_t pid;

  assert_non_null (s);
  if (ocirun_seccomp_compile (s, &b, &err) < 0)
    fail_msg ("compile: %s", err.msg);
  ocirun_seccomp_free (s);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
          || ocirun_seccomp_load (b, &nfd, &err) < 0)
        _exit (100);
      _exit (fn ());
    }
  ocirun_seccomp_bpf_free (b);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  return status;
}

/* ---- pseudo filter code: actions ------------------------------------- */

static void
test_actions (void **state)
{
  static const struct
  {
    const char *action;
    const char *extra;
    const char *pfc;
  } cases[] = {
    { "SCMP_ACT_KILL", "", "action KILL;" },
    { "SCMP_ACT_KILL_THREAD", "", "action KILL;" },
    { "SCMP_ACT_KILL_PROCESS", "", "action KILL_PROCESS;" },
    { "SCMP_ACT_TRAP", "", "action TRAP;" },
    { "SCMP_ACT_ERRNO", "", "action ERRNO(1);" },
    { "SCMP_ACT_ERRNO", ",\"errnoRet\":5", "action ERRNO(5);" },
    { "SCMP_ACT_TRACE", "", "action TRACE(1);" },
    { "SCMP_ACT_TRACE", ",\"errnoRet\":7", "action TRACE(7);" },
    { "SCMP_ACT_LOG", "", "action LOG;" },
    { "SCMP_ACT_NOTIFY", "", "action 0x7fc00000;" },
  };
  char json[512];

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *pfc;

      snprintf (json, sizeof json,
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":"
                "\"/x\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
                "\"%s\"%s}]}",
                cases[i].action, cases[i].extra);
      pfc = pfc_of (json);
      assert_contains (pfc, "syscall \"mkdir\"");
      assert_contains (pfc, cases[i].pfc);
      free (pfc);
    }
}

static void
test_default_action_and_errno (void **state)
{
  char *pfc;

  (void)state;
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":"
                "38,\"syscalls\":[{\"names\":[\"read\"],\"action\":"
                "\"SCMP_ACT_ALLOW\"}]}");
  assert_contains (pfc, "# default action\n  action ERRNO(38);");
  free (pfc);
  /* Without defaultErrnoRet: EPERM, as runc and crun. */
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{"
                "\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
  assert_contains (pfc, "action ERRNO(1);");
  free (pfc);
}

static void
test_rule_equal_to_default_dropped (void **state)
{
  char *pfc;

  (void)state;
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":"
                "38,\"syscalls\":[{\"names\":[\"clone3\"],\"action\":"
                "\"SCMP_ACT_ERRNO\",\"errnoRet\":38},{\"names\":[\"mkdir\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
  assert_null (strstr (pfc, "clone3"));
  assert_contains (pfc, "syscall \"mkdir\"");
  free (pfc);
}

/* ---- operators and arguments ------------------------------------------ */

static void
test_operators (void **state)
{
  static const struct
  {
    const char *op;
    const char *pfc;
  } cases[] = {
    { "SCMP_CMP_EQ", "if ($a1.lo32 == 42)" },
    { "SCMP_CMP_NE", "if ($a1.lo32 == 42)" }, /* else branch acts */
    { "SCMP_CMP_LT", "if ($a1.lo32 >= 42)" },
    { "SCMP_CMP_LE", "if ($a1.lo32 > 42)" },
    { "SCMP_CMP_GE", "if ($a1.lo32 >= 42)" },
    { "SCMP_CMP_GT", "if ($a1.lo32 > 42)" },
    { "SCMP_CMP_MASKED_EQ", "if ($a1.lo32 & 0x0000002a == 2)" },
  };
  char json[512];

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *pfc;

      snprintf (json, sizeof json,
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                "\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
                "\"args\":[{\"index\":1,\"value\":42,\"valueTwo\":2,\"op\":"
                "\"%s\"}]}]}",
                cases[i].op);
      pfc = pfc_of (json);
      assert_contains (pfc, cases[i].pfc);
      assert_contains (pfc, "action ERRNO(1);");
      free (pfc);
    }
}

static void
test_args_and (void **state)
{
  char *pfc;

  (void)state;
  /* Different indexes: one rule, both must hold (nested tests). */
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                "\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":"
                "[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},{\"index\":"
                "1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]}]}");
  assert_contains (pfc, "      if ($a0.lo32 == 5)\n"
                        "        if ($a1.hi32 == 0)\n"
                        "          if ($a1.lo32 == 7)\n"
                        "            action ERRNO(1);");
  free (pfc);
}

static void
test_args_same_index_or (void **state)
{
  char *pfc;

  (void)state;
  /* The same index twice: one rule per arg, as runc/crun do. */
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                "\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\","
                "\"args\":[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},"
                "{\"index\":0,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]}]}");
  assert_contains (pfc, "if ($a0.lo32 == 5)");
  assert_contains (pfc, "if ($a0.lo32 == 7)");
  assert_int_equal (test_count (pfc, "action ERRNO(1);"), 2);
  free (pfc);
}

static void
test_arg_index_out_of_range (void **state)
{
  const char *msg;

  (void)state;
  msg = validate_msg ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                      "\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
                      "\"args\":[{\"index\":6,\"value\":1,\"op\":"
                      "\"SCMP_CMP_EQ\"}]}]}");
  assert_string_equal (msg, "linux.seccomp.syscalls[0].args[0].index: 6 is "
                            "not below 6");
}

/* ---- architectures, flags, names -------------------------------------- */

static void
test_architectures (void **state)
{
  char *pfc;

  (void)state;
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
                "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
                "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
                "\"SCMP_ACT_ERRNO\"}]}");
  assert_contains (pfc, "# filter for arch x86_64 ");
  assert_contains (pfc, "# filter for arch x86 ");
  assert_contains (pfc, "# filter for arch x32 ");
  /* mkdir on every ABI. */
  assert_int_equal (test_count (pfc, "syscall \"mkdir\""), 3);
  free (pfc);
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
                "\"SCMP_ARCH_AARCH64\"],\"syscalls\":[]}");
  assert_contains (pfc, "# filter for arch aarch64 ");
  free (pfc);
  {
    /* The parser already refuses unknown names; validate() must too, for
     * callers that build the model themselves. */
    struct oci_seccomp *s = test_parse_seccomp (
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
        "\"SCMP_ARCH_X86\"]}");
    struct ocirun_error err = { 0 };

    assert_non_null (s);
    free (s->architectures[0]);
    s->architectures[0] = strdup ("SCMP_ARCH_VAX");
    assert_int_equal (ocirun_seccomp_validate (s, "linux.seccomp", &err), -1);
    assert_string_equal (err.msg, "linux.seccomp.architectures[0]: unknown "
                                  "architecture \"SCMP_ARCH_VAX\"");
    ocirun_seccomp_free (s);
  }
}

static void
test_flags (void **state)
{
  struct oci_seccomp *s;
  struct ocirun_seccomp_bpf *b = NULL;
  struct ocirun_error err = { 0 };

  (void)state;
  s = test_parse_seccomp (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":["
      "\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
      "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
      "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":[]}");
  assert_non_null (s);
  assert_int_equal (ocirun_seccomp_validate (s, "linux.seccomp", &err), 0);
  assert_int_equal (ocirun_seccomp_compile (s, &b, &err), 0);
  /* WAIT_KILLABLE_RECV only means something with a listener: dropped. */
  assert_int_equal (b->flags, SECCOMP_FILTER_FLAG_TSYNC
                                  | SECCOMP_FILTER_FLAG_LOG
                                  | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  assert_false (b->notify);
  ocirun_seccomp_bpf_free (b);
  ocirun_seccomp_free (s);

  s = test_parse_seccomp (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\","
      "\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":"
      "[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
  assert_int_equal (ocirun_seccomp_compile (s, &b, &err), 0);
  assert_true (b->notify);
  assert_int_equal (b->flags, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
  ocirun_seccomp_bpf_free (b);
  ocirun_seccomp_free (s);
  assert_true (ocirun_seccomp_flags_supported (SECCOMP_FILTER_FLAG_LOG));
  assert_false (ocirun_seccomp_flags_supported (1u << 30));
}

static void
test_unknown_syscall_skipped (void **state)
{
  char *pfc;

  (void)state;
  pfc = pfc_of ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                "\"names\":[\"no_such_syscall_xyz\",\"mkdir\"],\"action\":"
                "\"SCMP_ACT_ERRNO\"}]}");
  assert_contains (pfc, "syscall \"mkdir\"");
  assert_null (strstr (pfc, "no_such_syscall_xyz"));
  free (pfc);
}

static void
test_validation_errors (void **state)
{
  (void)state;
  assert_string_equal (
      validate_msg ("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":"
                    "\"/x\"}"),
      "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
      "action");
  assert_string_equal (
      validate_msg ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                    "\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\""
                    "}]}"),
      "linux.seccomp.listenerPath: required when a rule uses "
      "SCMP_ACT_NOTIFY");
  assert_string_equal (
      validate_msg ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":"
                    "\"/x\",\"syscalls\":[{\"names\":[\"sendmsg\"],"
                    "\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
      "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for sendmsg "
      "(the runtime sends the notify fd with it)");
  assert_string_equal (
      validate_msg ("{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                    "\"defaultErrnoRet\":70000}"),
      "linux.seccomp.defaultErrnoRet: errnoRet 70000 out of range");
  assert_string_equal (
      validate_msg ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                    "\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"),
      "");
}

/* ---- the kernel's verdict --------------------------------------------- */

static int
do_mkdir (void)
{
  /* A path that can't exist: without the filter this is ENOENT. */
  if (mkdir ("/nonexistent-dir/ocirun-test", 0700) == 0)
    return 0;
  return errno;
}

static void
test_load_errno (void **state)
{
  int st;

  (void)state;
  st = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                     "\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
                     "\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}",
                     do_mkdir);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), 42);
  /* Arg filter that does not match: the real errno. */
  st = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                     "\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
                     "\"SCMP_ACT_ERRNO\",\"errnoRet\":42,\"args\":[{\"index\":"
                     "5,\"value\":12345,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                     do_mkdir);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), ENOENT);
}

static void
test_load_kill (void **state)
{
  int st;

  (void)state;
  st = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                     "\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
                     "\"SCMP_ACT_KILL\"}]}",
                     do_mkdir);
  assert_true (WIFSIGNALED (st));
  assert_int_equal (WTERMSIG (st), SIGSYS);
  st = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
                     "\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
                     "\"SCMP_ACT_KILL_PROCESS\"}]}",
                     do_mkdir);
  assert_true (WIFSIGNALED (st));
  assert_int_equal (WTERMSIG (st), SIGSYS);
}

static int
masked_clone (void)
{
  /* unshare is a separate syscall; test clone's flag mask through a raw
   * clone with CLONE_NEWUTS, which the default profile refuses. */
  long r = syscall (SYS_clone, (long)(0x04000000 | SIGCHLD), 0, 0, 0, 0);

  if (r == 0)
    _exit (0);
  if (r > 0)
    {
      waitpid ((pid_t)r, NULL, 0);
      return 0;
    }
  return errno;
}

static int
plain_fork (void)
{
  pid_t p = fork ();

  if (p == 0)
    _exit (0);
  if (p < 0)
    return errno;
  waitpid (p, NULL, 0);
  return 0;
}

static int
try_blocked (void)
{
  /* Each must fail with EPERM under the default profile. */
  if (syscall (SYS_unshare, 0) != -1 || errno != EPERM)
    return 1;
  if (syscall (SYS_keyctl, 0, 0, 0, 0, 0) != -1 || errno != EPERM)
    return 2;
  if (syscall (SYS_mount, "none", "/", "tmpfs", 0, 0) != -1 || errno != EPERM)
    return 3;
  if (syscall (SYS_bpf, 0, 0, 0) != -1 || errno != EPERM)
    return 4;
  if (syscall (SYS_ptrace, 0, 0, 0, 0) != -1 || errno != EPERM)
    return 5;
  /* clone3: ENOSYS so that glibc falls back to clone. */
  if (syscall (SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
    return 6;
  /* AF_VSOCK: EAFNOSUPPORT, not ENOSYS. */
  if (socket (40, SOCK_STREAM, 0) != -1 || errno != EAFNOSUPPORT)
    return 7;
  /* An unsafe personality (ADDR_NO_RANDOMIZE) gets the default. */
  if (syscall (SYS_personality, 0x0040000) != -1 || errno != ENOSYS)
    return 8;
  if (syscall (SYS_personality, 0xffffffff) < 0)
    return 9;
  if (socket (AF_UNIX, SOCK_STREAM, 0) < 0)
    return 10;
  return 0;
}

static char *
default_profile_json (void)
{
  size_t len;
  const char *j = ocirun_default_seccomp_json (&len);

  assert_non_null (j);
  assert_int_equal (strlen (j), len);
  return strdup (j);
}

static void
test_default_profile (void **state)
{
  char *json = default_profile_json ();
  struct oci_seccomp *s = NULL;
  struct ocirun_error err = { 0 };
  int st;

  (void)state;
  assert_int_equal (ocirun_default_seccomp (&s, &err), 0);
  assert_int_equal (s->default_action, OCI_SECCOMP_ACT_ERRNO);
  assert_int_equal (s->default_errno_ret.value, 38);
  assert_int_equal (s->architectures_len, 3);
  assert_int_equal (ocirun_seccomp_validate (s, "default", &err), 0);
  ocirun_seccomp_free (s);

  st = run_filtered (json, plain_fork);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), 0);
  st = run_filtered (json, masked_clone);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), EPERM);
  st = run_filtered (json, try_blocked);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), 0);
  free (json);
}

/* Unused in AddressSanitizer builds (see test_enosys_stub). */
static int __attribute__ ((unused)) newer_and_older (void)
{
  /* 400 is above exit_group (231), the highest name in the profile:
   * ENOSYS; getppid (110) is below it and unlisted: the default EPERM. */
  if (syscall (400, 0, 0, 0) != -1 || errno != ENOSYS)
    return 1;
  if (syscall (SYS_getppid) != -1 || errno != EPERM)
    return 2;
  return 0;
}

static void
test_enosys_stub (void **state)
{
  static const char profile[]
      = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":["
        "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
        "\"syscalls\":[{\"names\":[\"exit_group\",\"exit\",\"mkdir\"],"
        "\"action\":\"SCMP_ACT_ALLOW\"}]}";
  struct oci_seccomp *s = test_parse_seccomp (profile);
  struct ocirun_seccomp_bpf *with = NULL, *without = NULL;
  struct ocirun_error err = { 0 };
  int st;

  (void)state;
#if defined(__SANITIZE_ADDRESS__)
  /* The ASan runtime itself needs syscalls (write, mmap, sigaltstack...)
   * that this exit+mkdir-only profile denies: its child would spin in the
   * sanitizer's error path. The BPF comparisons below still run. */
  printf ("# enosys stub: filtered run skipped under AddressSanitizer\n");
  (void)st;
#else
  st = run_filtered (profile, newer_and_older);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), 0);
#endif
  /* With a default of ENOSYS nothing is prepended: the difference is the
   * stub, ld arch + 2 arch tests (x86_64 and x32 share one audit arch) +
   * ja + a 6-instruction x86_64/x32 block + a 3-instruction i386 block +
   * ret ENOSYS. */
  assert_int_equal (ocirun_seccomp_compile (s, &with, &err), 0);
  s->default_errno_ret.set = true;
  s->default_errno_ret.value = ENOSYS;
  assert_int_equal (ocirun_seccomp_compile (s, &without, &err), 0);
  assert_int_equal (with->len - without->len, 1 + 2 + 1 + 6 + 3 + 1);
  assert_int_equal (with->insns[with->len - without->len - 1].k,
                    SECCOMP_RET_ERRNO | ENOSYS);
  ocirun_seccomp_bpf_free (with);
  ocirun_seccomp_bpf_free (without);
  ocirun_seccomp_free (s);
}

/* ---- the engines' reference profiles ---------------------------------- */

static void
check_reference (const char *file, bool masks_clone)
{
  static const char *const docker_caps[] = { "CAP_CHOWN",
                                             "CAP_DAC_OVERRIDE",
                                             "CAP_FSETID",
                                             "CAP_FOWNER",
                                             "CAP_MKNOD",
                                             "CAP_NET_RAW",
                                             "CAP_SETGID",
                                             "CAP_SETUID",
                                             "CAP_SETFCAP",
                                             "CAP_SETPCAP",
                                             "CAP_NET_BIND_SERVICE",
                                             "CAP_SYS_CHROOT",
                                             "CAP_KILL",
                                             "CAP_AUDIT_WRITE",
                                             NULL };
  const char *dir = getenv ("OCI_SECCOMP_REFERENCE_DIR");
  struct ocirun_seccomp_bpf *b = NULL;
  struct ocirun_error err = { 0 };
  struct oci_seccomp *s;
  char path[4096];
  char *pfc;

  if (dir == NULL)
    dir = "../shared/reference/seccomp";
  snprintf (path, sizeof path, "%s/%s", dir, file);
  if (access (path, R_OK) < 0)
    skip ();
  s = test_load_engine_profile (path, docker_caps);
  assert_non_null (s);
  if (ocirun_seccomp_validate (s, file, &err) < 0
      || ocirun_seccomp_compile (s, &b, &err) < 0)
    fail_msg ("%s: %s", file, err.msg);
  assert_true (b->len > 100);
  ocirun_seccomp_bpf_free (b);
  pfc = test_seccomp_pfc (s);
  assert_contains (pfc, "syscall \"read\"");
  /* moby's clone namespace mask is applied on x86_64 (containers-common
   * allows clone outright). */
  if (masks_clone)
    assert_contains (pfc, "& 0x7e020000 == 0");
  free (pfc);
  ocirun_seccomp_free (s);
}

static void
test_reference_moby (void **state)
{
  (void)state;
  check_reference ("moby-default.json", true);
}

static void
test_reference_containers_common (void **state)
{
  (void)state;
  check_reference ("containers-common-seccomp.json", false);
}

/* ---- notify: finalize -> listener ------------------------------------- */

static int
listener_socket (char *path, size_t len)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  snprintf (path, len, "/tmp/ocirun-test-listener-%d.sock", getpid ());
  unlink (path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert_true (fd >= 0);
  assert_int_equal (bind (fd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal (listen (fd, 1), 0);
  return fd;
}

static int
recv_fd (int sock, char *buf, size_t len, ssize_t *n)
{
  union
  {
    char b[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.b,
                        .msg_controllen = sizeof ctl.b };
  struct cmsghdr *cm;
  int fd = -1;

  *n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  if (*n <= 0)
    return -1;
  buf[*n] = '\0';
  cm = CMSG_FIRSTHDR (&msg);
  if (cm && cm->cmsg_type == SCM_RIGHTS)
    memcpy (&fd, CMSG_DATA (cm), sizeof fd);
  return fd;
}

/* Answer one notification with `error`. */
static void
answer_one (int nfd, int error)
{
  struct seccomp_notif req;
  struct seccomp_notif_resp resp;

  memset (&req, 0, sizeof req);
  assert_int_equal (ioctl (nfd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
  memset (&resp, 0, sizeof resp);
  resp.id = req.id;
  resp.error = -error;
  assert_int_equal (ioctl (nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
}

static void
test_notify_listener (void **state)
{
  char path[108], buf[8192], json[1024];
  struct ocirun_container c;
  struct oci_config *cfg = NULL;
  struct ocirun_error err = { 0 };
  struct oci_json *doc = NULL;
  int lfd, conn, nfd, st;
  ssize_t n;
  pid_t pid;

  (void)state;
  if (geteuid () != 0)
    skip (); /* finalize sets groups and ids */
  lfd = listener_socket (path, sizeof path);
  snprintf (json, sizeof json,
            "{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\",\"args\":"
            "[\"x\"],\"noNewPrivileges\":true},\"annotations\":{\"a\":\"b\"},"
            "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
            "\"listenerPath\":\"%s\",\"listenerMetadata\":\"meta-1\","
            "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":"
            "\"SCMP_ACT_NOTIFY\"}]}}}",
            path);
  if (oci_config_parse_data (json, strlen (json), "config.json", &cfg, &err)
      < 0)
    fail_msg ("%s", err.msg);
  memset (&c, 0, sizeof c);
  c.id = "ctr-1";
  c.bundle = "/bundle";
  c.config = cfg;
  c.seccomp_notify_fd = -1;
  assert_int_equal (ocirun_security_validate (cfg, &err), 0);
  if (ocirun_security_prepare (&c, &err) < 0)
    fail_msg ("%s", err.msg);
  pid = fork ();
  if (pid == 0)
    {
      if (ocirun_process_finalize (&c, cfg->process, &err) < 0)
        {
          fprintf (stderr, "# finalize: %s\n", err.msg);
          _exit (100);
        }
      /* Intercepted: the agent below answers EHOSTDOWN. */
      if (syscall (SYS_getppid) != -1)
        _exit (101);
      _exit (errno == EHOSTDOWN ? 0 : 102);
    }
  ocirun_security_release (&c);
  conn = accept (lfd, NULL, NULL);
  assert_true (conn >= 0);
  nfd = recv_fd (conn, buf, sizeof buf, &n);
  assert_true (nfd >= 0);
  /* The whole document may come in more than one read. */
  while ((size_t)n < sizeof buf - 1)
    {
      ssize_t m = read (conn, buf + n, sizeof buf - 1 - n);
      if (m <= 0)
        break;
      n += m;
      buf[n] = '\0';
    }
  assert_int_equal (oci_json_parse (buf, n, "state", &doc, &err), 0);
  assert_string_equal (oci_json_get (doc, "ociVersion")->text, "1.3.0");
  assert_string_equal (oci_json_get (doc, "fds")->values[0]->text,
                       "seccompFd");
  assert_int_equal (atoi (oci_json_get (doc, "pid")->text), pid);
  assert_string_equal (oci_json_get (doc, "metadata")->text, "meta-1");
  {
    const struct oci_json *s = oci_json_get (doc, "state");

    assert_string_equal (oci_json_get (s, "id")->text, "ctr-1");
    assert_string_equal (oci_json_get (s, "status")->text, "creating");
    assert_string_equal (oci_json_get (s, "bundle")->text, "/bundle");
    assert_int_equal (atoi (oci_json_get (s, "pid")->text), pid);
    assert_string_equal (
        oci_json_get (oci_json_get (s, "annotations"), "a")->text, "b");
  }
  answer_one (nfd, EHOSTDOWN);
  assert_int_equal (waitpid (pid, &st, 0), pid);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), 0);
  oci_json_free (doc);
  close (nfd);
  close (conn);
  close (lfd);
  unlink (path);
  oci_config_free (cfg);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_actions),
    cmocka_unit_test (test_default_action_and_errno),
    cmocka_unit_test (test_rule_equal_to_default_dropped),
    cmocka_unit_test (test_operators),
    cmocka_unit_test (test_args_and),
    cmocka_unit_test (test_args_same_index_or),
    cmocka_unit_test (test_arg_index_out_of_range),
    cmocka_unit_test (test_architectures),
    cmocka_unit_test (test_flags),
    cmocka_unit_test (test_unknown_syscall_skipped),
    cmocka_unit_test (test_validation_errors),
    cmocka_unit_test (test_load_errno),
    cmocka_unit_test (test_load_kill),
    cmocka_unit_test (test_default_profile),
    cmocka_unit_test (test_enosys_stub),
    cmocka_unit_test (test_notify_listener),
    /* Last: left out below when the reference profiles are absent. */
    cmocka_unit_test (test_reference_moby),
    cmocka_unit_test (test_reference_containers_common),
  };
  size_t n = sizeof tests / sizeof tests[0];
  const char *ref = getenv ("OCI_SECCOMP_REFERENCE_DIR");
  char probe[4096];

  /* cmocka's skip() prints "not ok # SKIP", which automake's TAP driver
   * counts as a failure: leave the cases out and say why instead. */
  snprintf (probe, sizeof probe, "%s/moby-default.json",
            ref ? ref : "../shared/reference/seccomp");
  if (access (probe, R_OK) < 0)
    {
      printf ("# SKIP 2 reference-profile tests: %s not found\n", probe);
      n -= 2;
    }
  return _cmocka_run_group_tests ("tests", tests, n, NULL, NULL);
}
