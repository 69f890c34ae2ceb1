/* test_sysctl.c - which sysctl keys a container may set, and where they
 * are written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "libocirun/sysctl.h"

struct ns_case
{
  const char *key;
  enum ocirun_sysctl_ns ns;
};

static const struct ns_case ns_cases[] = {
  { "net.ipv4.ip_forward", OCIRUN_SYSCTL_NS_NET },
  { "net/ipv4/ip_forward", OCIRUN_SYSCTL_NS_NET },
  { "net.ipv4.conf.all.forwarding", OCIRUN_SYSCTL_NS_NET },
  { "net.core.somaxconn", OCIRUN_SYSCTL_NS_NET },
  { "kernel.msgmax", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.msgmnb", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.msgmni", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.sem", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.shmall", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.shmmax", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.shmmni", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.shm_rmid_forced", OCIRUN_SYSCTL_NS_IPC },
  { "kernel/shmmax", OCIRUN_SYSCTL_NS_IPC },
  { "fs.mqueue.msg_max", OCIRUN_SYSCTL_NS_IPC },
  { "fs.mqueue.queues_max", OCIRUN_SYSCTL_NS_IPC },
  { "kernel.hostname", OCIRUN_SYSCTL_NS_UTS },
  { "kernel.domainname", OCIRUN_SYSCTL_NS_UTS },
  /* Global: refused whatever the namespaces. */
  { "kernel.foo", OCIRUN_SYSCTL_NS_NONE },
  { "kernel.msgmax2", OCIRUN_SYSCTL_NS_NONE },
  { "kernel.shm", OCIRUN_SYSCTL_NS_NONE },
  { "kernel.pid_max", OCIRUN_SYSCTL_NS_NONE },
  { "vm.swappiness", OCIRUN_SYSCTL_NS_NONE },
  { "fs.mqueue", OCIRUN_SYSCTL_NS_NONE },
  { "fs.file-max", OCIRUN_SYSCTL_NS_NONE },
  { "netfoo.x", OCIRUN_SYSCTL_NS_NONE },
  { "net", OCIRUN_SYSCTL_NS_NONE },
  /* Invalid keys never classify as namespaced. */
  { "net..x", OCIRUN_SYSCTL_NS_NONE },
  { "net/../kernel/x", OCIRUN_SYSCTL_NS_NONE },
  { "net.ipv4.", OCIRUN_SYSCTL_NS_NONE },
  { "", OCIRUN_SYSCTL_NS_NONE },
};

static void
test_namespace_table (void **state)
{
  size_t i;

  for (i = 0; i < sizeof ns_cases / sizeof ns_cases[0]; i++)
    {
      enum ocirun_sysctl_ns got = ocirun_sysctl_namespace (ns_cases[i].key);
      if (got != ns_cases[i].ns)
        fail_msg ("key \"%s\": got %d, want %d", ns_cases[i].key, got,
                  ns_cases[i].ns);
    }
  assert_int_equal (ocirun_sysctl_namespace (NULL), OCIRUN_SYSCTL_NS_NONE);
}

struct path_case
{
  const char *key;
  const char *path; /* NULL: invalid */
};

static const struct path_case path_cases[] = {
  { "net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward" },
  { "net/ipv4/ip_forward", "/proc/sys/net/ipv4/ip_forward" },
  /* sysctl(8): in dotted keys '/' is a literal '.', and vice versa. */
  { "net.ipv4.conf.eth0/100.rp_filter",
    "/proc/sys/net/ipv4/conf/eth0.100/rp_filter" },
  { "net/ipv4/conf/eth0.100/rp_filter",
    "/proc/sys/net/ipv4/conf/eth0.100/rp_filter" },
  { "kernel.shmmax", "/proc/sys/kernel/shmmax" },
  { "", NULL },
  { ".", NULL },
  { "..", NULL },
  { "net..x", NULL },
  { "net.", NULL },
  { ".net", NULL },
  { "/net/x", NULL },
  { "net/../../etc/passwd", NULL },
  { "net.ipv4.conf.../..", NULL },
  { "net/./x", NULL },
};

static void
test_path_table (void **state)
{
  char buf[256];
  size_t i;

  for (i = 0; i < sizeof path_cases / sizeof path_cases[0]; i++)
    {
      int r = ocirun_sysctl_path (path_cases[i].key, buf, sizeof buf);
      if (path_cases[i].path == NULL)
        {
          if (r != -1)
            fail_msg ("key \"%s\": accepted as %s", path_cases[i].key, buf);
          continue;
        }
      if (r != 0)
        fail_msg ("key \"%s\": refused", path_cases[i].key);
      assert_string_equal (buf, path_cases[i].path);
    }
}

static void
test_path_too_long (void **state)
{
  char buf[20];

  assert_int_equal (
      ocirun_sysctl_path ("net.ipv4.ip_forward", buf, sizeof buf), -1);
  assert_int_equal (ocirun_sysctl_path ("net.x", buf, sizeof buf), 0);
  assert_string_equal (buf, "/proc/sys/net/x");
}

/* A config with the given namespaces (paths NULL) and one sysctl key. */
struct cfg_buf
{
  struct oci_config cfg;
  struct oci_linux lx;
  struct oci_namespace ns[4];
  struct oci_kv kv;
};

static void
make_cfg (struct cfg_buf *b, const char *key,
          const enum oci_namespace_type *ns, size_t n)
{
  size_t i;

  memset (b, 0, sizeof *b);
  for (i = 0; i < n; i++)
    b->ns[i].type = ns[i];
  b->lx.namespaces = b->ns;
  b->lx.namespaces_len = n;
  b->kv.key = (char *)key;
  b->kv.value = (char *)"1";
  b->lx.sysctl = &b->kv;
  b->lx.sysctl_len = 1;
  b->cfg.linux_ = &b->lx;
}

struct validate_case
{
  const char *key;
  enum oci_namespace_type ns[3];
  size_t ns_len;
  const char *error; /* substring, NULL: accepted */
};

static const struct validate_case validate_cases[] = {
  { "net.ipv4.ip_forward", { OCI_NS_NETWORK }, 1, NULL },
  { "net.ipv4.ip_forward",
    { OCI_NS_IPC, OCI_NS_UTS },
    2,
    "config.json: linux.sysctl.\"net.ipv4.ip_forward\": sysctl is not "
    "allowed in the host network namespace" },
  { "net.ipv4.ip_forward", { 0 }, 0, "host network namespace" },
  { "kernel.shmmax", { OCI_NS_IPC }, 1, NULL },
  { "fs.mqueue.msg_max", { OCI_NS_IPC }, 1, NULL },
  { "kernel.sem",
    { OCI_NS_NETWORK },
    1,
    "config.json: linux.sysctl.\"kernel.sem\": sysctl is not allowed in "
    "the host ipc namespace" },
  { "kernel.hostname", { OCI_NS_UTS }, 1, NULL },
  { "kernel.domainname", { OCI_NS_UTS }, 1, NULL },
  { "kernel.domainname", { OCI_NS_IPC }, 1, "host uts namespace" },
  { "kernel.foo",
    { OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS },
    3,
    "config.json: linux.sysctl.\"kernel.foo\": sysctl is not in a separate "
    "kernel namespace" },
  { "vm.swappiness",
    { OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS },
    3,
    "not in a separate kernel namespace" },
  { "net/../../x", { OCI_NS_NETWORK }, 1, "invalid sysctl key" },
};

static void
test_validate_table (void **state)
{
  struct cfg_buf b;
  struct ocirun_error err;
  size_t i;

  for (i = 0; i < sizeof validate_cases / sizeof validate_cases[0]; i++)
    {
      const struct validate_case *vc = &validate_cases[i];
      int r;

      make_cfg (&b, vc->key, vc->ns, vc->ns_len);
      ocirun_error_clear (&err);
      r = ocirun_sysctl_validate (&b.cfg, &err);
      if (vc->error == NULL && r != 0)
        fail_msg ("case %zu \"%s\": refused: %s", i, vc->key, err.msg);
      if (vc->error != NULL
          && (r != -1 || strstr (err.msg, vc->error) == NULL))
        fail_msg ("case %zu \"%s\": want error \"%s\", got %d \"%s\"", i,
                  vc->key, vc->error, r, err.msg);
    }
}

/* Joining the runtime's own netns is the host's: net.* refused. */
static void
test_validate_joined_host_netns (void **state)
{
  enum oci_namespace_type t = OCI_NS_NETWORK;
  struct cfg_buf b;
  struct ocirun_error err;

  make_cfg (&b, "net.ipv4.ip_forward", &t, 1);
  b.ns[0].path = (char *)"/proc/self/ns/net";
  assert_int_equal (ocirun_sysctl_validate (&b.cfg, &err), -1);
  assert_non_null (strstr (err.msg, "host network namespace"));

  b.ns[0].path = (char *)"/nonexistent/netns";
  assert_int_equal (ocirun_sysctl_validate (&b.cfg, &err), -1);
  assert_non_null (strstr (err.msg, "/nonexistent/netns"));
}

static void
test_validate_no_linux (void **state)
{
  struct oci_config cfg;
  struct ocirun_error err;

  memset (&cfg, 0, sizeof cfg);
  assert_int_equal (ocirun_sysctl_validate (&cfg, &err), 0);
  assert_int_equal (ocirun_sysctl_apply (&cfg, &err), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_namespace_table),
    cmocka_unit_test (test_path_table),
    cmocka_unit_test (test_path_too_long),
    cmocka_unit_test (test_validate_table),
    cmocka_unit_test (test_validate_joined_host_netns),
    cmocka_unit_test (test_validate_no_linux),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
