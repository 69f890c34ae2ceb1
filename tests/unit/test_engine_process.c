/* test_engine_process.c - signal names, CPU lists, env helpers, the exec
 * process built from CLI flags, the namespace plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libocirun/engine.h"
#include "libocirun/exec.h"
#include "libocirun/namespaces.h"
#include "libocirun/process.h"

static void
test_signals (void **unused)
{
  (void)unused;
  assert_int_equal (ocirun_signal_parse ("KILL"), SIGKILL);
  assert_int_equal (ocirun_signal_parse ("SIGKILL"), SIGKILL);
  assert_int_equal (ocirun_signal_parse ("sigterm"), SIGTERM);
  assert_int_equal (ocirun_signal_parse ("9"), 9);
  assert_int_equal (ocirun_signal_parse ("USR1"), SIGUSR1);
  assert_int_equal (ocirun_signal_parse ("SIGWINCH"), SIGWINCH);
  assert_int_equal (ocirun_signal_parse ("RTMIN"), SIGRTMIN);
  assert_int_equal (ocirun_signal_parse ("SIGRTMIN+2"), SIGRTMIN + 2);
  assert_int_equal (ocirun_signal_parse ("RTMAX-1"), SIGRTMAX - 1);
  assert_int_equal (ocirun_signal_parse ("NOPE"), -1);
  assert_int_equal (ocirun_signal_parse ("0"), -1);
  assert_int_equal (ocirun_signal_parse ("65"), -1);
  assert_int_equal (ocirun_signal_parse ("9x"), -1);
  assert_int_equal (ocirun_signal_parse (""), -1);
}

static void
test_cpu_list (void **unused)
{
  cpu_set_t set;

  (void)unused;
  assert_int_equal (ocirun_parse_cpu_list ("0-3,7", &set, sizeof set), 0);
  assert_int_equal (CPU_COUNT (&set), 5);
  assert_true (CPU_ISSET (7, &set));
  assert_false (CPU_ISSET (4, &set));
  assert_int_equal (ocirun_parse_cpu_list ("1", &set, sizeof set), 0);
  assert_int_equal (CPU_COUNT (&set), 1);
  assert_int_equal (ocirun_parse_cpu_list ("3-1", &set, sizeof set), -1);
  assert_int_equal (ocirun_parse_cpu_list ("a", &set, sizeof set), -1);
  assert_int_equal (ocirun_parse_cpu_list ("1,,", &set, sizeof set), -1);
  assert_int_equal (ocirun_parse_cpu_list ("99999", &set, sizeof set), -1);
}

static void
test_env (void **unused)
{
  char *env[] = { "PATH=/bin", "A=1", "HOME=/h", NULL };
  const char *set[] = { "A=2", "LISTEN_FDS=1" };
  char **r;

  (void)unused;
  assert_string_equal (ocirun_env_get (env, "A"), "1");
  assert_null (ocirun_env_get (env, "PAT"));
  r = ocirun_env_with (env, 3, set, 2);
  assert_string_equal (r[0], "PATH=/bin");
  assert_string_equal (r[1], "HOME=/h");
  assert_string_equal (r[2], "A=2");
  assert_string_equal (r[3], "LISTEN_FDS=1");
  assert_null (r[4]);
  free (r);
  /* HOME present: unchanged */
  assert_ptr_equal (ocirun_env_with_home (env, 0), env);
}

static struct oci_process *
base_process (void)
{
  static const char json[]
      = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"PATH=/bin\",\"A=1\"],"
        "\"user\":{\"uid\":0,\"gid\":0},\"terminal\":true,"
        "\"capabilities\":{\"bounding\":[\"CAP_KILL\"],"
        "\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"]}}";
  struct oci_process *p = NULL;
  struct ocirun_error err;

  assert_int_equal (
      oci_process_parse_data (json, sizeof json - 1, "t", &p, &err), 0);
  return p;
}

static void
test_exec_overrides (void **unused)
{
  struct oci_process *base = base_process (), *p = NULL;
  struct ocirun_error err;
  char *args[] = { "echo", "hi", NULL };
  char *env[] = { "A=2", "B=3" };
  char *gids[] = { "10", "20" };
  char *caps[] = { "CAP_SYS_ADMIN", "CAP_KILL" };
  struct ocirun_exec_options o = {
    .args = args,
    .args_len = 2,
    .env = env,
    .env_len = 2,
    .user = "1000:2000",
    .additional_gids = gids,
    .additional_gids_len = 2,
    .cwd = "/tmp",
    .caps = caps,
    .caps_len = 2,
    .no_new_privs = true,
    .process_label = "lbl",
  };

  (void)unused;
  assert_int_equal (ocirun_exec_build_process (base, &o, &p, &err), 0);
  assert_int_equal (p->args_len, 2);
  assert_string_equal (p->args[1], "hi");
  assert_null (p->args[2]);
  assert_false (p->terminal.value);
  assert_int_equal (p->env_len, 3);
  assert_string_equal (p->env[1], "A=2");
  assert_string_equal (p->env[2], "B=3");
  assert_int_equal (p->user.uid, 1000);
  assert_int_equal (p->user.gid, 2000);
  assert_int_equal (p->user.additional_gids_len, 2);
  assert_int_equal (p->user.additional_gids[1], 20);
  assert_string_equal (p->cwd, "/tmp");
  /* added once, CAP_KILL not duplicated */
  assert_int_equal (p->capabilities->bounding_len, 2);
  assert_int_equal (p->capabilities->effective_len, 2);
  assert_int_equal (p->capabilities->ambient_len, 0);
  assert_true (p->no_new_privileges.value);
  assert_string_equal (p->selinux_label, "lbl");
  /* the base is untouched */
  assert_string_equal (base->args[0], "sh");
  assert_int_equal (base->env_len, 2);
  oci_process_free (p);

  o.user = "x";
  assert_int_equal (ocirun_exec_build_process (base, &o, &p, &err), -1);
  o.user = NULL;
  char *bad_env[] = { "NOEQUALS" };
  o.env = bad_env;
  o.env_len = 1;
  assert_int_equal (ocirun_exec_build_process (base, &o, &p, &err), -1);
  o.env_len = 0;
  o.args_len = 0;
  assert_int_equal (ocirun_exec_build_process (base, &o, &p, &err), -1);
  oci_process_free (base);
}

static void
test_ns_plan (void **unused)
{
  static const char fast[]
      = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
        "{\"type\":\"cgroup\"},{\"type\":\"network\"}]}}";
  static const char joined[]
      = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},"
        "{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"},"
        "{\"type\":\"user\",\"path\":\"/proc/self/ns/user\"}]}}";
  static const char notns[]
      = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
        "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":"
        "\"/proc/self/ns/ipc\"}]}}";
  static const char hostname[]
      = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
        "\"hostname\":\"h\",\"linux\":{\"namespaces\":[]}}";
  struct oci_config *cfg;
  struct ocirun_ns_plan plan;
  struct ocirun_error err;

  (void)unused;
  assert_int_equal (
      oci_config_parse_data (fast, sizeof fast - 1, NULL, &cfg, &err), 0);
  assert_int_equal (ocirun_ns_plan_build (cfg, &plan, &err), 0);
  assert_false (plan.two_stage);
  /* the cgroup namespace is unshared later, not cloned */
  assert_int_equal (plan.clone_flags,
                    CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET);
  assert_true (plan.new_mask & OCIRUN_NS_BIT (OCI_NS_CGROUP));
  ocirun_ns_plan_release (&plan);
  oci_config_free (cfg);

  assert_int_equal (
      oci_config_parse_data (joined, sizeof joined - 1, NULL, &cfg, &err), 0);
  assert_int_equal (ocirun_ns_plan_build (cfg, &plan, &err), 0);
  assert_true (plan.two_stage);
  assert_int_equal (plan.njoins, 2);
  /* user is joined first */
  assert_int_equal (plan.joins[0].type, OCI_NS_USER);
  assert_int_equal (plan.joins[1].type, OCI_NS_NETWORK);
  ocirun_ns_plan_release (&plan);
  oci_config_free (cfg);

  assert_int_equal (
      oci_config_parse_data (notns, sizeof notns - 1, NULL, &cfg, &err), 0);
  assert_int_equal (ocirun_ns_plan_build (cfg, &plan, &err), -1);
  assert_non_null (strstr (err.msg, "not a network namespace"));
  oci_config_free (cfg);

  assert_int_equal (
      oci_config_parse_data (hostname, sizeof hostname - 1, NULL, &cfg, &err),
      0);
  assert_int_equal (ocirun_ns_plan_build (cfg, &plan, &err), -1);
  assert_non_null (strstr (err.msg, "UTS"));
  oci_config_free (cfg);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_signals), cmocka_unit_test (test_cpu_list),
    cmocka_unit_test (test_env),     cmocka_unit_test (test_exec_overrides),
    cmocka_unit_test (test_ns_plan),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
