/* test_net_names.c - interface name rules and linux.netDevices
 * validation that needs no network changes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "libocirun/network.h"

struct name_case
{
  const char *name;
  bool plain;    /* valid as a host name */
  bool template; /* valid as a container name (templates allowed) */
};

static const struct name_case name_cases[] = {
  { "eth0", true, true },
  { "a", true, true },
  { "container_eth0", true, true },
  { "fifteen_chars_x", true, true }, /* IFNAMSIZ - 1 */
  { "sixteen_chars_xx", false, false },
  { "", false, false },
  { ".", false, false },
  { "..", false, false },
  { "..x", true, true },
  { "eth/0", false, false },
  { "eth:0", false, false },
  { "eth 0", false, false },
  { "eth\t0", false, false },
  { "eth\n", false, false },
  { "eth%d", false, true },
  { "%d", false, true },
  { "eth%s", false, false },
  { "eth%d%d", false, false },
  { "eth%", false, false },
  { "eth%%", false, false },
};

static void
test_ifname_table (void **state)
{
  size_t i;

  for (i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++)
    {
      const struct name_case *nc = &name_cases[i];
      if (ocirun_net_ifname_valid (nc->name, false) != nc->plain)
        fail_msg ("\"%s\" as host name: want %d", nc->name, nc->plain);
      if (ocirun_net_ifname_valid (nc->name, true) != nc->template)
        fail_msg ("\"%s\" as container name: want %d", nc->name, nc->template);
    }
  assert_false (ocirun_net_ifname_valid (NULL, true));
}

struct cfg_buf
{
  struct oci_config cfg;
  struct oci_linux lx;
  struct oci_namespace ns;
  struct oci_net_device dev[2];
};

static void
make_cfg (struct cfg_buf *b, bool netns, const char *host, const char *name)
{
  memset (b, 0, sizeof *b);
  b->ns.type = OCI_NS_NETWORK;
  b->lx.namespaces = &b->ns;
  b->lx.namespaces_len = netns ? 1 : 0;
  b->dev[0].host_name = (char *)host;
  b->dev[0].name = (char *)name;
  b->lx.net_devices = b->dev;
  b->lx.net_devices_len = 1;
  b->cfg.linux_ = &b->lx;
}

static void
expect_error (struct cfg_buf *b, const char *substr)
{
  struct ocirun_error err;

  ocirun_error_clear (&err);
  assert_int_equal (ocirun_net_validate (&b->cfg, &err), -1);
  if (strstr (err.msg, substr) == NULL)
    fail_msg ("want \"%s\" in \"%s\"", substr, err.msg);
}

static void
test_validate_devices (void **state)
{
  struct cfg_buf b;
  struct ocirun_error err;

  make_cfg (&b, false, "ocirun-nodev0", NULL);
  expect_error (&b, "config.json: linux.netDevices: network devices need a "
                    "network namespace");

  make_cfg (&b, true, "lo", NULL);
  expect_error (&b, "linux.netDevices.\"lo\": the loopback device cannot be "
                    "moved");

  make_cfg (&b, true, "bad/name", NULL);
  expect_error (&b, "linux.netDevices.\"bad/name\": invalid interface name");

  make_cfg (&b, true, "ocirunnodev0", "x:y");
  expect_error (&b, "linux.netDevices.\"ocirunnodev0\".name: invalid "
                    "interface name \"x:y\"");

  make_cfg (&b, true, "ocirunnodev0", "eth%d");
  expect_error (&b, "linux.netDevices.\"ocirunnodev0\": network device not "
                    "found in the runtime network namespace");
  ocirun_error_clear (&err);
  ocirun_net_validate (&b.cfg, &err);
  assert_int_equal (err.errnum, ENODEV);

  /* Two devices may not end up with the same name. */
  make_cfg (&b, true, "ocirunnodev0", "eth0");
  b.dev[1].host_name = (char *)"ocirunnodev1";
  b.dev[1].name = (char *)"eth0";
  b.lx.net_devices_len = 2;
  expect_error (&b, "name \"eth0\" is also used by \"ocirunnodev0\"");

  /* Joining the runtime's own netns is no isolation. */
  make_cfg (&b, true, "ocirunnodev0", NULL);
  b.ns.path = (char *)"/proc/self/ns/net";
  expect_error (&b, "is the runtime's own");
}

static void
test_no_devices_no_work (void **state)
{
  struct cfg_buf b;
  struct ocirun_container c;
  struct ocirun_error err;

  make_cfg (&b, true, "x", NULL);
  b.lx.net_devices_len = 0;
  assert_int_equal (ocirun_net_validate (&b.cfg, &err), 0);
  memset (&c, 0, sizeof c);
  c.config = &b.cfg;
  c.pid = -1;
  assert_int_equal (ocirun_net_parent_setup (&c, &err), 0);
  assert_null (c.net);
  assert_int_equal (ocirun_net_parent_rollback (&c, &err), 0);
  assert_int_equal (ocirun_net_teardown (&c, &err), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_ifname_table),
    cmocka_unit_test (test_validate_devices),
    cmocka_unit_test (test_no_devices_no_work),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
