/* test_oci_config.c - oci-spec parser, validator and generator.
 *
 * Uses the runtime-spec example documents from $OCI_SCHEMA_DIR/test and a
 * table of hand-written snippets, one per error class, with the exact
 * message expected.
 *
 * Decision documented here: non-Linux sections ("freebsd", "zos",
 * "windows", ...) are ignored as unknown fields, so the schema's
 * config/bad/freebsd-vnet-disable.json (bad only because of a FreeBSD enum
 * value) is ACCEPTED by this Linux runtime; the test asserts exactly that. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oci-spec/config.h"
#include "oci-spec/features.h"
#include "oci-spec/spec_default.h"
#include "oci-spec/state.h"

static const char *schema_dir;

/* ---- helpers ----------------------------------------------------------- */

static char *
path_join (const char *a, const char *b, const char *c)
{
  size_t n = strlen (a) + strlen (b) + strlen (c) + 3;
  char *p = malloc (n);
  assert_non_null (p);
  snprintf (p, n, "%s/%s/%s", a, b, c);
  return p;
}

/* Sorted *.json names in dir; NULL-terminated. */
static char **
list_json (const char *dir)
{
  DIR *d = opendir (dir);
  assert_non_null (d);
  size_t n = 0;
  char **v = calloc (64, sizeof *v);
  assert_non_null (v);
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name);
      if (len > 5 && strcmp (e->d_name + len - 5, ".json") == 0)
        {
          assert_true (n < 63);
          v[n++] = strdup (e->d_name);
        }
    }
  closedir (d);
  for (size_t i = 0; i < n; i++)
    for (size_t k = i + 1; k < n; k++)
      if (strcmp (v[k], v[i]) < 0)
        {
          char *t = v[i];
          v[i] = v[k];
          v[k] = t;
        }
  return v;
}

static void
free_strv (char **v)
{
  for (size_t i = 0; v[i]; i++)
    free (v[i]);
  free (v);
}

static struct oci_config *
parse_ok (const char *json)
{
  struct ocirun_error err = { 0 };
  struct oci_config *c = NULL;
  int r = oci_config_parse_data (json, strlen (json), "config.json", &c, &err);
  if (r < 0)
    fail_msg ("unexpected parse error: %s", err.msg);
  return c;
}

/* parse -> generate -> parse -> generate: both texts must be identical,
 * which (since the generator writes every field) means the two parsed
 * structures are identical too. */
static void
assert_round_trip (const struct oci_config *c)
{
  struct ocirun_error err = { 0 };
  char *j1 = NULL, *j2 = NULL;
  struct oci_config *c2 = NULL;
  assert_int_equal (oci_config_generate (c, &j1, NULL, &err), 0);
  assert_int_equal (
      oci_config_parse_data (j1, strlen (j1), "gen.json", &c2, &err), 0);
  assert_int_equal (oci_config_generate (c2, &j2, NULL, &err), 0);
  assert_string_equal (j1, j2);
  oci_config_free (c2);
  free (j1);
  free (j2);
}

/* ---- schema example documents ----------------------------------------- */

/* Good examples are schema-valid; a few are not runnable on Linux and
 * oci_config_validate() says so.  Anything else must validate. */
static const struct
{
  const char *file;
  const char *message;
} good_but_invalid[] = {
  { "linux-netdevice.json",
    "config.json: linux.netDevices: set, but linux.namespaces has no "
    "network namespace" },
};

static const char *
expected_validate_error (const char *file)
{
  for (size_t i = 0; i < sizeof good_but_invalid / sizeof good_but_invalid[0];
       i++)
    if (strcmp (good_but_invalid[i].file, file) == 0)
      return good_but_invalid[i].message;
  return NULL;
}

static void
test_good_configs (void **state)
{
  (void)state;
  char *dir = path_join (schema_dir, "test/config", "good");
  char **files = list_json (dir);
  assert_non_null (files[0]);
  for (size_t i = 0; files[i]; i++)
    {
      char *p = path_join (dir, "", files[i]);
      struct ocirun_error err = { 0 };
      struct oci_config *c = NULL;
      if (oci_config_parse_file (p, &c, &err) < 0)
        fail_msg ("%s: %s", files[i], err.msg);
      const char *expect = expected_validate_error (files[i]);
      int r = oci_config_validate (c, &err);
      if (expect == NULL && r < 0)
        fail_msg ("%s: validate: %s", files[i], err.msg);
      if (expect)
        {
          assert_int_equal (r, -1);
          assert_string_equal (err.msg, expect);
        }
      assert_round_trip (c);
      oci_config_free (c);
      free (p);
    }
  free_strv (files);
  free (dir);
}

struct bad_example
{
  const char *file;
  const char *message; /* NULL: accepted (see the comment at the top) */
};

static void
test_bad_configs (void **state)
{
  static const struct bad_example expected[] = {
    { "freebsd-vnet-disable.json", NULL },
    { "invalid-json.json", "invalid-json.json: invalid JSON at line 1, "
                           "column 2: invalid object key (must be a "
                           "string)" },
    { "linux-hugepage.json",
      "linux-hugepage.json: linux.resources.hugepageLimits[0].pageSize: "
      "invalid page size \"64kB\" (expected e.g. \"2MB\")" },
    { "linux-netdevice.json", "linux-netdevice.json: "
                              "linux.netDevices.eth0.name: expected a "
                              "string, got 23" },
    { "linux-rdma.json",
      "linux-rdma.json: linux.resources.rdma.mlx5_1.hcaHandles: expected "
      "an unsigned integer, got \"not a uint32\"" },
  };
  (void)state;
  char *dir = path_join (schema_dir, "test/config", "bad");
  char **files = list_json (dir);
  size_t n = 0;
  for (; files[n]; n++)
    {
      const struct bad_example *e = NULL;
      for (size_t k = 0; k < sizeof expected / sizeof expected[0]; k++)
        if (strcmp (expected[k].file, files[n]) == 0)
          e = &expected[k];
      if (e == NULL)
        fail_msg ("new bad example %s: add its expected message", files[n]);
      char *p = path_join (dir, "", files[n]);
      struct ocirun_error err = { 0 };
      struct oci_config *c = NULL;
      int r = oci_config_parse_file (p, &c, &err);
      if (e->message == NULL)
        {
          if (r < 0)
            fail_msg ("%s: %s", files[n], err.msg);
          oci_config_free (c);
        }
      else
        {
          assert_int_equal (r, -1);
          assert_null (c);
          assert_string_equal (err.msg, e->message);
        }
      free (p);
    }
  assert_int_equal (n, sizeof expected / sizeof expected[0]);
  free_strv (files);
  free (dir);
}

static void
test_state_examples (void **state)
{
  (void)state;
  struct ocirun_error err = { 0 };
  struct oci_state *s = NULL;
  char *good = path_join (schema_dir, "test/state/good", "spec-example.json");
  char *bad = path_join (schema_dir, "test/state/bad", "invalid-json.json");

  if (oci_state_parse_file (good, &s, &err) < 0)
    fail_msg ("%s", err.msg);
  assert_string_equal (s->id, "oci-container1");
  assert_int_equal (s->status, OCI_STATUS_RUNNING);
  assert_true (s->has_pid);
  assert_int_equal (s->pid, 4422);
  assert_string_equal (s->bundle, "/containers/redis");
  assert_int_equal (s->annotations_len, 1);
  assert_string_equal (s->annotations[0].key, "myKey");

  /* Round trip. */
  char *j1 = NULL, *j2 = NULL;
  struct oci_state *s2 = NULL;
  assert_int_equal (oci_state_generate (s, &j1, NULL, &err), 0);
  assert_int_equal (oci_state_parse_data (j1, strlen (j1), NULL, &s2, &err),
                    0);
  assert_int_equal (oci_state_generate (s2, &j2, NULL, &err), 0);
  assert_string_equal (j1, j2);

  struct oci_state *s3 = NULL;
  assert_int_equal (oci_state_parse_file (bad, &s3, &err), -1);
  assert_null (s3);
  assert_non_null (strstr (err.msg, "invalid-json.json: invalid JSON at"));

  oci_state_free (s);
  oci_state_free (s2);
  free (j1);
  free (j2);
  free (good);
  free (bad);
}

static void
test_features_examples (void **state)
{
  (void)state;
  char *dir = path_join (schema_dir, "test/features", "good");
  char **files = list_json (dir);
  assert_non_null (files[0]);
  for (size_t i = 0; files[i]; i++)
    {
      char *p = path_join (dir, "", files[i]);
      struct ocirun_error err = { 0 };
      struct oci_features *f = NULL;
      char *j1 = NULL, *j2 = NULL;
      struct oci_features *f2 = NULL;
      if (oci_features_parse_file (p, &f, &err) < 0)
        fail_msg ("%s: %s", files[i], err.msg);
      assert_int_equal (oci_features_generate (f, &j1, NULL, &err), 0);
      assert_int_equal (
          oci_features_parse_data (j1, strlen (j1), NULL, &f2, &err), 0);
      assert_int_equal (oci_features_generate (f2, &j2, NULL, &err), 0);
      assert_string_equal (j1, j2);
      oci_features_free (f);
      oci_features_free (f2);
      free (j1);
      free (j2);
      free (p);
    }
  free_strv (files);
  free (dir);

  char *bad = path_join (schema_dir, "test/features/bad",
                         "missing-ociVersionMax.json");
  struct ocirun_error err = { 0 };
  struct oci_features *f = NULL;
  assert_int_equal (oci_features_parse_file (bad, &f, &err), -1);
  assert_string_equal (err.msg, "missing-ociVersionMax.json: ociVersionMax: "
                                "missing required field");
  free (bad);
}

/* ---- hand-written bad snippets ---------------------------------------- */

struct snippet
{
  const char *json;
  const char *message;
};

#define MIN "\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"}"

/* Parser rejections: one entry per error class, exact message. */
static const struct snippet parse_errors[] = {
  /* invalid JSON */
  { "{\"ociVersion\": ", "config.json: invalid JSON at line 1, column 15: "
                         "premature EOF" },
  { "{\"a\": 1} {}", "config.json: invalid JSON at line 1, column 10: "
                     "trailing garbage" },
  { "[]", "config.json: expected a JSON object, got an array" },
  { "", "config.json: invalid JSON at line 1, column 1: premature EOF" },
  { " \n ", "config.json: invalid JSON at line 2, column 1: premature EOF" },
  /* missing required fields */
  { "{}", "config.json: ociVersion: missing required field" },
  { "{" MIN ", \"process\": {\"args\": [\"sh\"]}}",
    "config.json: process.cwd: missing required field" },
  { "{\"ociVersion\": \"1.0.0\", \"root\": {}}",
    "config.json: root.path: missing required field" },
  { "{" MIN ", \"mounts\": [{\"type\": \"tmpfs\"}]}",
    "config.json: mounts[0].destination: missing required field" },
  { "{" MIN ", \"linux\": {\"seccomp\": {}}}",
    "config.json: linux.seccomp.defaultAction: missing required field" },
  { "{" MIN ", \"linux\": {\"uidMappings\": [{\"containerID\": 0, "
    "\"hostID\": 0}]}}",
    "config.json: linux.uidMappings[0].size: missing required field" },
  { "{" MIN ", \"linux\": {\"resources\": {\"pids\": {}}}}",
    "config.json: linux.resources.pids.limit: missing required field" },
  /* wrong types */
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": \"x\"}}}",
    "config.json: process.user.uid: expected an unsigned integer, got "
    "\"x\"" },
  { "{\"ociVersion\": 1}",
    "config.json: ociVersion: expected a string, got 1" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"terminal\": \"yes\"}}",
    "config.json: process.terminal: expected a boolean, got \"yes\"" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": \"sh\"}}",
    "config.json: process.args: expected an array, got \"sh\"" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", 1]}}",
    "config.json: process.args[1]: expected a string, got 1" },
  { "{" MIN ", \"linux\": []}",
    "config.json: linux: expected an object, got an array" },
  { "{" MIN ", \"annotations\": {\"a\": true}}",
    "config.json: annotations.a: expected a string, got true" },
  { "{" MIN ", \"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": 1}}}",
    "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a "
    "string, got 1" },
  /* out-of-range and non-integer numbers */
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": "
    "4294967296}}}",
    "config.json: process.user.uid: value 4294967296 out of range [0, "
    "4294967295]" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"user\": {\"gid\": -1}}}",
    "config.json: process.user.gid: expected an unsigned integer, got -1" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1.5}}}",
    "config.json: process.user.uid: expected an unsigned integer, got 1.5" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"oomScoreAdj\": "
    "2147483648}}",
    "config.json: process.oomScoreAdj: value 2147483648 out of range "
    "[-2147483648, 2147483647]" },
  { "{" MIN ", \"linux\": {\"resources\": {\"memory\": {\"limit\": "
    "9223372036854775808}}}}",
    "config.json: linux.resources.memory.limit: value 9223372036854775808 "
    "out of range [-9223372036854775808, 9223372036854775807]" },
  { "{" MIN ", \"linux\": {\"resources\": {\"blockIO\": {\"weight\": "
    "65536}}}}",
    "config.json: linux.resources.blockIO.weight: value 65536 out of range "
    "[0, 65535]" },
  /* non-absolute paths where the spec says MUST be absolute */
  { "{" MIN ", \"process\": {\"cwd\": \"tmp\"}}",
    "config.json: process.cwd: must be an absolute path, got \"tmp\"" },
  { "{" MIN ", \"hooks\": {\"prestart\": [{\"path\": \"bin/true\"}]}}",
    "config.json: hooks.prestart[0].path: must be an absolute path, got "
    "\"bin/true\"" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": "
    "\"proc/1/ns/pid\"}]}}",
    "config.json: linux.namespaces[0].path: must be an absolute path, got "
    "\"proc/1/ns/pid\"" },
  { "{" MIN ", \"linux\": {\"maskedPaths\": [\"/proc/kcore\", "
    "\"proc/keys\"]}}",
    "config.json: linux.maskedPaths[1]: must be an absolute path, got "
    "\"proc/keys\"" },
  { "{" MIN ", \"linux\": {\"readonlyPaths\": [\"sys\"]}}",
    "config.json: linux.readonlyPaths[0]: must be an absolute path, got "
    "\"sys\"" },
  /* enums */
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, "
    "{\"type\": \"uts\"}, {\"type\": \"foo\"}]}}",
    "config.json: linux.namespaces[2].type: unknown namespace \"foo\"" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, "
    "{\"type\": \"pid\"}]}}",
    "config.json: linux.namespaces[1].type: duplicate namespace \"pid\"" },
  { "{" MIN ", \"linux\": {\"seccomp\": {\"defaultAction\": "
    "\"SCMP_ACT_NOPE\"}}}",
    "config.json: linux.seccomp.defaultAction: unknown seccomp action "
    "\"SCMP_ACT_NOPE\"" },
  { "{" MIN ", \"linux\": {\"seccomp\": {\"defaultAction\": "
    "\"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
    "\"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
    "\"SCMP_CMP_XX\"}]}]}}}",
    "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp "
    "operator \"SCMP_CMP_XX\"" },
  { "{" MIN ", \"linux\": {\"seccomp\": {\"defaultAction\": "
    "\"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}}}",
    "config.json: linux.seccomp.architectures[0]: unknown seccomp "
    "architecture \"SCMP_ARCH_Z80\"" },
  { "{" MIN ", \"linux\": {\"seccomp\": {\"defaultAction\": "
    "\"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], \"action\": "
    "\"SCMP_ACT_ERRNO\"}]}}}",
    "config.json: linux.seccomp.syscalls[0].names: must contain at least "
    "one entry" },
  { "{" MIN ", \"linux\": {\"devices\": [{\"type\": \"x\", \"path\": "
    "\"/dev/x\"}]}}",
    "config.json: linux.devices[0].type: unknown device type \"x\" "
    "(expected c, b, u or p)" },
  { "{" MIN ", \"linux\": {\"resources\": {\"devices\": [{\"allow\": true, "
    "\"type\": \"p\"}]}}}",
    "config.json: linux.resources.devices[0].type: unknown device type "
    "\"p\" (expected one of acb)" },
  { "{" MIN ", \"linux\": {\"rootfsPropagation\": \"bogus\"}}",
    "config.json: linux.rootfsPropagation: unknown rootfs propagation "
    "\"bogus\"" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"scheduler\": {\"policy\": "
    "\"SCHED_NOPE\"}}}",
    "config.json: process.scheduler.policy: unknown scheduler policy "
    "\"SCHED_NOPE\"" },
  { "{" MIN ", \"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", "
    "\"flags\": [\"MPOL_F_X\"]}}}",
    "config.json: linux.memoryPolicy.flags[0]: unknown memory policy flag "
    "\"MPOL_F_X\"" },
  { "{" MIN ", \"linux\": {\"timeOffsets\": {\"realtime\": {\"secs\": 1}}}}",
    "config.json: linux.timeOffsets.realtime: unknown clock (expected "
    "\"monotonic\" or \"boottime\")" },
  /* NUL bytes in strings and keys */
  { "{" MIN ", \"hostname\": \"a\\u0000b\"}",
    "config.json: hostname: string contains a NUL character" },
  { "{" MIN ", \"annotations\": {\"k\\u0000\": \"v\"}}",
    "config.json: annotations: key contains a NUL character" },
  /* other spec rules checked while parsing */
  { "{" MIN ", \"hooks\": {\"poststop\": [{\"path\": \"/bin/true\", "
    "\"timeout\": 0}]}}",
    "config.json: hooks.poststop[0].timeout: must be greater than zero, got "
    "0" },
};

static void
test_parse_errors (void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof parse_errors / sizeof parse_errors[0]; i++)
    {
      struct ocirun_error err = { 0 };
      struct oci_config *c = NULL;
      int r = oci_config_parse_data (parse_errors[i].json,
                                     strlen (parse_errors[i].json),
                                     "config.json", &c, &err);
      if (r == 0)
        fail_msg ("snippet %zu accepted: %s", i, parse_errors[i].json);
      assert_null (c);
      if (strcmp (err.msg, parse_errors[i].message) != 0)
        fail_msg ("snippet %zu:\n  got      %s\n  expected %s", i, err.msg,
                  parse_errors[i].message);
    }
}

/* Parse fine, rejected by oci_config_validate(). */
static const struct snippet validate_errors[] = {
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": "
    "0}]}}",
    "config.json: linux.uidMappings[0].size: must not be zero" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": "
    "10}, {\"containerID\": 5, \"hostID\": 5000, \"size\": 10}]}}",
    "config.json: linux.uidMappings[1]: containerID range overlaps "
    "linux.uidMappings[0]" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": "
    "10}, {\"containerID\": 100, \"hostID\": 1009, \"size\": 10}]}}",
    "config.json: linux.gidMappings[1]: hostID range overlaps "
    "linux.gidMappings[0]" },
  /* The first mapping that overlaps an earlier one is reported, with the
   * first earlier one it overlaps: [2] before [3], [0] before [1]. */
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": "
    "10}, {\"containerID\": 100, \"hostID\": 2000, \"size\": 10}, "
    "{\"containerID\": 200, \"hostID\": 1005, \"size\": 1000}, "
    "{\"containerID\": 105, \"hostID\": 9000, \"size\": 1}]}}",
    "config.json: linux.uidMappings[2]: hostID range overlaps "
    "linux.uidMappings[0]" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"uidMappings\": [{\"containerID\": 50, \"hostID\": 1000, \"size\": "
    "10}, {\"containerID\": 0, \"hostID\": 2000, \"size\": 100}, "
    "{\"containerID\": 60, \"hostID\": 1010, \"size\": 10}]}}",
    "config.json: linux.uidMappings[1]: containerID range overlaps "
    "linux.uidMappings[0]" },
  /* An earlier mapping that is wrong on its own comes first... */
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": "
    "10}, {\"containerID\": 100, \"hostID\": 2000, \"size\": 0}, "
    "{\"containerID\": 5, \"hostID\": 5000, \"size\": 10}]}}",
    "config.json: linux.uidMappings[1].size: must not be zero" },
  /* ...and a later one after the overlap. */
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": "
    "10}, {\"containerID\": 5, \"hostID\": 5000, \"size\": 10}, "
    "{\"containerID\": 4294967295, \"hostID\": 0, \"size\": 2}]}}",
    "config.json: linux.uidMappings[1]: containerID range overlaps "
    "linux.uidMappings[0]" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
    "\"uidMappings\": [{\"containerID\": 4294967295, \"hostID\": 0, "
    "\"size\": 2}]}}",
    "config.json: linux.uidMappings[0]: range exceeds the 32-bit id space" },
  { "{" MIN ", \"linux\": {\"uidMappings\": [{\"containerID\": 0, "
    "\"hostID\": 1000, \"size\": 1}]}}",
    "config.json: linux.uidMappings: set, but linux.namespaces has no user "
    "namespace" },
  { "{" MIN ", \"mounts\": [{\"destination\": \"/m\", \"uidMappings\": "
    "[{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}]}",
    "config.json: mounts[0].gidMappings: required when uidMappings is set "
    "(they go together)" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}], "
    "\"timeOffsets\": {\"monotonic\": {\"secs\": 10}}}}",
    "config.json: linux.timeOffsets: set, but linux.namespaces has no time "
    "namespace" },
  { "{" MIN ", \"linux\": {\"seccomp\": {\"defaultAction\": "
    "\"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
    "\"SCMP_ACT_KILL\", \"errnoRet\": 1}]}}}",
    "config.json: linux.seccomp.syscalls[0]: errnoRet only allowed with "
    "SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL" },
  { "{" MIN ", \"linux\": {\"seccomp\": {\"defaultAction\": "
    "\"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}}}",
    "config.json: linux.seccomp.defaultErrnoRet: only allowed with "
    "SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
    "\"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": "
    "1}]}}",
    "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
    "\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}, "
    "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 2}]}}",
    "config.json: process.rlimits[1].type: duplicate rlimit "
    "\"RLIMIT_NOFILE\"" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
    "\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": "
    "1}]}}",
    "config.json: process.rlimits[0].soft: soft limit 2 exceeds hard limit "
    "1" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\"}}",
    "config.json: process.args: must contain at least one entry" },
  { "{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
    "\"oomScoreAdj\": 1001}}",
    "config.json: process.oomScoreAdj: value 1001 out of range [-1000, "
    "1000]" },
  { "{" MIN ", \"linux\": {\"sysctl\": {\"\": \"1\"}}}",
    "config.json: linux.sysctl: empty key" },
  { "{" MIN ", \"hostname\": \"h\", \"linux\": {\"namespaces\": "
    "[{\"type\": \"pid\"}]}}",
    "config.json: hostname: set, but linux.namespaces has no uts "
    "namespace" },
  { "{" MIN ", \"linux\": {\"devices\": [{\"type\": \"c\", \"path\": "
    "\"/dev/x\"}]}}",
    "config.json: linux.devices[0]: major and minor are required for type "
    "\"c\"" },
  { "{" MIN ", \"linux\": {\"resources\": {\"devices\": [{\"allow\": true, "
    "\"access\": \"rwx\"}]}}}",
    "config.json: linux.resources.devices[0].access: \"rwx\" is not a "
    "combination of r, w and m" },
  { "{\"ociVersion\": \"2.0.0\"}",
    "config.json: ociVersion: unsupported version \"2.0.0\" (this runtime "
    "implements 1.3.0)" },
  { "{\"ociVersion\": \"latest\"}",
    "config.json: ociVersion: \"latest\" is not a SemVer version" },
  { "{" MIN ", \"linux\": {\"intelRdt\": {\"memBwSchema\": \"L3:0=f\"}}}",
    "config.json: linux.intelRdt.memBwSchema: must start with \"MB:\" and "
    "be a single line" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"network\"}], "
    "\"netDevices\": {\"eth0\": {\"name\": \"a/b\"}}}}",
    "config.json: linux.netDevices.eth0.name: invalid network device name "
    "\"a/b\"" },
  { "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": \"network\"}], "
    "\"netDevices\": {\"a-very-long-interface-name\": {}}}}",
    "config.json: linux.netDevices.a-very-long-interface-name: invalid "
    "network device name" },
  { "{" MIN ", \"linux\": {\"resources\": {\"rdma\": {\"mlx\": {}}}}}",
    "config.json: linux.resources.rdma.mlx: needs at least one of "
    "hcaHandles, hcaObjects" },
};

static void
test_validate_errors (void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof validate_errors / sizeof validate_errors[0];
       i++)
    {
      struct ocirun_error err = { 0 };
      struct oci_config *c = parse_ok (validate_errors[i].json);
      int r = oci_config_validate (c, &err);
      if (r == 0)
        fail_msg ("snippet %zu validated: %s", i, validate_errors[i].json);
      if (strcmp (err.msg, validate_errors[i].message) != 0)
        fail_msg ("snippet %zu:\n  got      %s\n  expected %s", i, err.msg,
                  validate_errors[i].message);
      oci_config_free (c);
    }
}

/* ---- large inputs ------------------------------------------------------ */

/* A growing string for generated documents. */
struct buf
{
  char *s;
  size_t len, cap;
};

static void buf_add (struct buf *b, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
buf_add (struct buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  assert_true (n >= 0);
  if (b->len + (size_t)n + 1 > b->cap)
    {
      b->cap = (b->len + (size_t)n + 1) * 2;
      b->s = realloc (b->s, b->cap);
      assert_non_null (b->s);
    }
  va_start (ap, fmt);
  vsnprintf (b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end (ap);
  b->len += (size_t)n;
}

/* Repeated map keys: the last value wins, in the place of the first.  With
 * 100k keys and the repeats at the very end (so each is found only among
 * all the others), and interleaved repeats of one key. */
static void
test_map_duplicates_large (void **state)
{
  (void)state;
  enum
  {
    N = 100000
  };
  struct buf b = { 0 };
  buf_add (&b, "{" MIN ", \"annotations\": {");
  for (int i = 0; i < N; i++)
    buf_add (&b, "\"k%d\": \"v%d\", ", i, i);
  buf_add (&b, "\"k54321\": \"again\", \"k0\": \"last\"}}");
  struct oci_config *c = parse_ok (b.s);
  free (b.s);
  assert_int_equal (c->annotations_len, N);
  assert_string_equal (c->annotations[0].key, "k0");
  assert_string_equal (c->annotations[0].value, "last");
  assert_string_equal (c->annotations[54321].key, "k54321");
  assert_string_equal (c->annotations[54321].value, "again");
  assert_string_equal (c->annotations[N - 1].key, "k99999");
  assert_string_equal (c->annotations[N - 1].value, "v99999");
  assert_string_equal (oci_config_annotation (c, "k7"), "v7");
  oci_config_free (c);

  c = parse_ok ("{" MIN ", \"annotations\": {\"b\": \"1\", \"a\": \"2\", "
                "\"b\": \"3\", \"c\": \"4\", \"a\": \"5\", \"b\": \"6\", "
                "\"\": \"7\", \"\": \"8\"}}");
  assert_int_equal (c->annotations_len, 4);
  assert_string_equal (c->annotations[0].key, "b");
  assert_string_equal (c->annotations[0].value, "6");
  assert_string_equal (c->annotations[1].key, "a");
  assert_string_equal (c->annotations[1].value, "5");
  assert_string_equal (c->annotations[2].key, "c");
  assert_string_equal (c->annotations[2].value, "4");
  assert_string_equal (c->annotations[3].key, "");
  assert_string_equal (c->annotations[3].value, "8");
  oci_config_free (c);
}

/* A config whose `which` (in linux or in mounts[0]) has n mappings of one
 * id each; the last one is moved onto id `clash` when clash >= 0. */
static struct oci_config *
mappings_config (const char *which, bool in_mount, int n, int clash)
{
  struct buf b = { 0 };
  buf_add (&b, "[");
  for (int i = 0; i < n; i++)
    buf_add (&b, "%s{\"containerID\": %d, \"hostID\": %d, \"size\": 1}",
             i ? ", " : "", i,
             100000 + (i == n - 1 && clash >= 0 ? clash : i));
  buf_add (&b, "]");
  struct buf doc = { 0 };
  if (in_mount)
    buf_add (&doc,
             "{" MIN ", \"mounts\": [{\"destination\": \"/m\", "
             "\"uidMappings\": %s, \"gidMappings\": %s}]}",
             b.s, b.s);
  else
    buf_add (&doc,
             "{" MIN ", \"linux\": {\"namespaces\": [{\"type\": "
             "\"user\"}], \"%s\": %s}}",
             which, b.s);
  free (b.s);
  struct oci_config *c = parse_ok (doc.s);
  free (doc.s);
  return c;
}

static void
expect_validate_error (struct oci_config *c, const char *message)
{
  struct ocirun_error err = { 0 };
  if (oci_config_validate (c, &err) == 0)
    fail_msg ("validated; expected %s", message);
  if (strcmp (err.msg, message) != 0)
    fail_msg ("got      %s\n  expected %s", err.msg, message);
  oci_config_free (c);
}

static void
test_mappings_large (void **state)
{
  (void)state;
  struct ocirun_error err = { 0 };
  /* 340 lines is what the kernel takes: fine when disjoint. */
  struct oci_config *c = mappings_config ("uidMappings", false, 340, -1);
  if (oci_config_validate (c, &err) < 0)
    fail_msg ("340 disjoint mappings: %s", err.msg);
  oci_config_free (c);
  /* The last of 340 overlaps one in the middle, on the host side only. */
  expect_validate_error (mappings_config ("uidMappings", false, 340, 200),
                         "config.json: linux.uidMappings[339]: hostID range "
                         "overlaps linux.uidMappings[200]");
  expect_validate_error (mappings_config ("gidMappings", false, 340, 0),
                         "config.json: linux.gidMappings[339]: hostID range "
                         "overlaps linux.gidMappings[0]");
  /* One more than the kernel takes, and many more. */
  expect_validate_error (mappings_config ("uidMappings", false, 341, -1),
                         "config.json: linux.uidMappings: 341 entries, the "
                         "kernel accepts at most 340");
  expect_validate_error (mappings_config ("gidMappings", false, 100000, 5),
                         "config.json: linux.gidMappings: 100000 entries, the "
                         "kernel accepts at most 340");
  /* Mappings of a mount go through the same checks. */
  expect_validate_error (mappings_config (NULL, true, 341, -1),
                         "config.json: mounts[0].uidMappings: 341 entries, "
                         "the kernel accepts at most 340");
  expect_validate_error (mappings_config (NULL, true, 40, 37),
                         "config.json: mounts[0].uidMappings[39]: hostID "
                         "range overlaps mounts[0].uidMappings[37]");
}

static void
test_validate_for_create (void **state)
{
  (void)state;
  struct ocirun_error err = { 0 };
  struct oci_config *c = parse_ok ("{" MIN "}");
  assert_int_equal (oci_config_validate (c, &err), 0);
  assert_int_equal (oci_config_validate_for_create (c, &err), -1);
  assert_string_equal (err.msg, "config.json: process: missing required "
                                "field");
  oci_config_free (c);

  c = parse_ok ("{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\", "
                "\"args\": [\"sh\"]}}");
  assert_int_equal (oci_config_validate_for_create (c, &err), -1);
  assert_string_equal (err.msg, "config.json: root: missing required field");
  oci_config_free (c);

  c = parse_ok ("{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": "
                "[\"sh\"]}}");
  assert_int_equal (oci_config_validate_for_create (c, &err), 0);
  oci_config_free (c);

  /* config.md (Linux): a relative mount destination is deprecated but
     valid ("interpreted as relative to /", done by the rootfs code); it
     is kept as written. */
  c = parse_ok ("{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": "
                "[\"sh\"]}, \"mounts\": [{\"destination\": \"rel/mnt\", "
                "\"type\": \"tmpfs\"}]}");
  assert_int_equal (oci_config_validate (c, &err), 0);
  assert_int_equal (oci_config_validate_for_create (c, &err), 0);
  assert_string_equal (c->mounts[0].destination, "rel/mnt");
  oci_config_free (c);
}

/* ---- values ------------------------------------------------------------ */

static void
test_values (void **state)
{
  (void)state;
  struct oci_config *c = parse_ok (
      "{" MIN ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"-c\"], "
      "\"oomScoreAdj\": 0, \"user\": {\"uid\": 4294967295, \"gid\": 7, "
      "\"umask\": 18, \"additionalGids\": [1, 2]}},"
      "\"annotations\": {\"b\": \"1\", \"a\": \"2\", \"b\": \"3\"},"
      "\"linux\": {\"resources\": {\"memory\": {\"limit\": -1, \"swap\": 0},"
      " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": "
      "18446744073709551615}]},"
      " \"namespaces\": [{\"type\": \"network\", \"path\": "
      "\"/run/netns/x\"}, {\"type\": \"time\"}]}}");
  struct oci_process *p = c->process;
  assert_int_equal (p->args_len, 2);
  assert_null (p->args[2]); /* NULL-terminated for execve */
  assert_true (p->oom_score_adj.set);
  assert_int_equal (p->oom_score_adj.value, 0);
  assert_false (p->terminal.set);
  assert_int_equal (p->user.uid, UINT32_MAX);
  assert_int_equal (p->user.gid, 7);
  assert_true (p->user.umask.set);
  assert_int_equal (p->user.umask.value, 18);
  assert_int_equal (p->user.additional_gids_len, 2);
  assert_int_equal (p->user.additional_gids[1], 2);
  /* Map order kept; a repeated key replaces the value in place. */
  assert_int_equal (c->annotations_len, 2);
  assert_string_equal (c->annotations[0].key, "b");
  assert_string_equal (c->annotations[0].value, "3");
  assert_string_equal (oci_config_annotation (c, "a"), "2");
  assert_null (oci_config_annotation (c, "zz"));
  const struct oci_memory *m = c->linux_->resources->memory;
  assert_true (m->limit.set);
  assert_int_equal (m->limit.value, -1);
  assert_true (m->swap.set);
  assert_int_equal (m->swap.value, 0);
  assert_false (m->reservation.set);
  assert_true (c->linux_->resources->hugepage_limits[0].limit == UINT64_MAX);
  const struct oci_namespace *ns
      = oci_config_find_namespace (c, OCI_NS_NETWORK);
  assert_non_null (ns);
  assert_string_equal (ns->path, "/run/netns/x");
  assert_null (oci_config_find_namespace (c, OCI_NS_PID));
  assert_round_trip (c);
  oci_config_free (c);

  /* null counts as absent, unknown fields are ignored. */
  c = parse_ok ("{" MIN ", \"hostname\": null, \"future\": {\"x\": [1]}, "
                "\"windows\": {\"layerFolders\": []}}");
  assert_null (c->hostname);
  oci_config_free (c);
}

static void
test_enums (void **state)
{
  (void)state;
  for (int t = OCI_NS_MOUNT; t < OCI_NS_COUNT_; t++)
    {
      const char *s = oci_namespace_type_to_string (t);
      assert_non_null (s);
      assert_int_equal (oci_namespace_type_from_string (s), t);
      assert_int_not_equal (oci_namespace_type_clone_flag (t), 0);
    }
  assert_string_equal (oci_namespace_type_proc_name (OCI_NS_NETWORK), "net");
  assert_string_equal (oci_namespace_type_proc_name (OCI_NS_MOUNT), "mnt");
  assert_int_equal (oci_namespace_type_from_string ("net"), OCI_NS_INVALID);
  for (int a = OCI_SECCOMP_ACT_KILL; a < OCI_SECCOMP_ACT_COUNT_; a++)
    assert_int_equal (
        oci_seccomp_action_from_string (oci_seccomp_action_to_string (a)), a);
  for (int o = OCI_SECCOMP_OP_NE; o < OCI_SECCOMP_OP_COUNT_; o++)
    assert_int_equal (
        oci_seccomp_operator_from_string (oci_seccomp_operator_to_string (o)),
        o);
  assert_int_equal (oci_device_type_from_string ("u"), OCI_DEVICE_UNBUFFERED);
  assert_int_equal (oci_device_type_from_string ("cc"), OCI_DEVICE_NONE);
  assert_null (oci_seccomp_action_to_string (OCI_SECCOMP_ACT_INVALID));
  assert_int_equal (oci_rlimit_from_name ("RLIMIT_NOFILE"), 7);
  assert_int_equal (oci_rlimit_from_name ("RLIMIT_NOPE"), -1);
  assert_int_equal (oci_status_from_string ("created"), OCI_STATUS_CREATED);
  assert_string_equal (oci_status_to_string (OCI_STATUS_STOPPED), "stopped");
}

/* ---- robustness -------------------------------------------------------- */

static void
test_deep_nesting (void **state)
{
  (void)state;
  const size_t depth = 200000;
  char *buf = malloc (depth * 2 + 32);
  assert_non_null (buf);
  size_t n = 0;
  n += (size_t)sprintf (buf, "{\"x\": ");
  for (size_t i = 0; i < depth; i++)
    buf[n++] = '[';
  for (size_t i = 0; i < depth; i++)
    buf[n++] = ']';
  buf[n++] = '}';
  struct ocirun_error err = { 0 };
  struct oci_config *c = NULL;
  assert_int_equal (oci_config_parse_data (buf, n, NULL, &c, &err), -1);
  assert_non_null (strstr (err.msg, "nesting deeper than 64 levels"));
  free (buf);
}

static void
test_large_document (void **state)
{
  (void)state;
  /* 100000 env entries: must parse (and quickly, no quadratic lookups). */
  const size_t n = 100000;
  size_t cap = n * 16 + 256, len = 0;
  char *buf = malloc (cap);
  assert_non_null (buf);
  len += (size_t)sprintf (buf, "{" MIN ", \"process\": {\"cwd\": \"/\", "
                               "\"env\": [");
  for (size_t i = 0; i < n; i++)
    len += (size_t)sprintf (buf + len, "%s\"V%zu=1\"", i ? "," : "", i);
  len += (size_t)sprintf (buf + len, "]}}");
  struct ocirun_error err = { 0 };
  struct oci_config *c = NULL;
  assert_int_equal (oci_config_parse_data (buf, len, NULL, &c, &err), 0);
  assert_int_equal (c->process->env_len, n);
  assert_string_equal (c->process->env[n - 1], "V99999=1");
  oci_config_free (c);
  free (buf);
}

static void
test_embedded_nul_byte (void **state)
{
  (void)state;
  /* A raw NUL inside the buffer is invalid JSON, not a truncation. */
  static const char doc[] = "{\"ociVersion\": \"1.0.0\"}\0{\"x\":1}";
  struct ocirun_error err = { 0 };
  struct oci_config *c = NULL;
  assert_int_equal (
      oci_config_parse_data (doc, sizeof doc - 1, NULL, &c, &err), -1);
  assert_non_null (strstr (err.msg, "invalid JSON"));
}

/* ---- process.json / resources.json ------------------------------------ */

static void
test_process_document (void **state)
{
  (void)state;
  static const char doc[]
      = "{\"cwd\": \"/work\", \"args\": [\"ls\"], \"terminal\": false, "
        "\"env\": [\"A=1\"], \"capabilities\": {\"bounding\": "
        "[\"CAP_KILL\"]}, \"scheduler\": {\"policy\": \"SCHED_BATCH\", "
        "\"nice\": -5}, \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", "
        "\"priority\": 4}, \"execCPUAffinity\": {\"initial\": \"0\", "
        "\"final\": \"0-1\"}}";
  struct ocirun_error err = { 0 };
  struct oci_process *p = NULL;
  assert_int_equal (
      oci_process_parse_data (doc, sizeof doc - 1, NULL, &p, &err), 0);
  assert_string_equal (p->cwd, "/work");
  assert_int_equal (p->capabilities->bounding_len, 1);
  assert_null (p->capabilities->effective);
  assert_int_equal (p->scheduler->nice.value, -5);
  assert_string_equal (p->io_priority->class_, "IOPRIO_CLASS_BE");
  assert_string_equal (p->exec_cpu_affinity->final, "0-1");
  assert_int_equal (oci_process_validate (p, &err), 0);

  char *j1 = NULL, *j2 = NULL;
  struct oci_process *p2 = NULL;
  assert_int_equal (oci_process_generate (p, &j1, NULL, &err), 0);
  assert_int_equal (oci_process_parse_data (j1, strlen (j1), NULL, &p2, &err),
                    0);
  assert_int_equal (oci_process_generate (p2, &j2, NULL, &err), 0);
  assert_string_equal (j1, j2);
  oci_process_free (p);
  oci_process_free (p2);
  free (j1);
  free (j2);

  static const char bad[] = "{\"cwd\": \"/\", \"args\": [], \"user\": "
                            "{\"uid\": -3}}";
  assert_int_equal (
      oci_process_parse_data (bad, sizeof bad - 1, NULL, &p, &err), -1);
  assert_string_equal (err.msg, "process.json: user.uid: expected an "
                                "unsigned integer, got -3");
  static const char noargs[] = "{\"cwd\": \"/\"}";
  assert_int_equal (
      oci_process_parse_data (noargs, sizeof noargs - 1, NULL, &p, &err), 0);
  assert_int_equal (oci_process_validate (p, &err), -1);
  assert_string_equal (err.msg,
                       "process.json: args: must contain at least one entry");
  oci_process_free (p);
}

static void
test_resources_document (void **state)
{
  (void)state;
  static const char doc[]
      = "{\"memory\": {\"limit\": 1048576, \"checkBeforeUpdate\": true}, "
        "\"cpu\": {\"shares\": 0, \"cpus\": \"0\"}, \"pids\": {\"limit\": "
        "-1}, \"blockIO\": {\"weight\": 10, \"throttleReadBpsDevice\": "
        "[{\"major\": 8, \"minor\": 0, \"rate\": 100}]}, \"unified\": "
        "{\"memory.high\": \"max\"}, \"network\": {\"classID\": 1, "
        "\"priorities\": [{\"name\": \"eth0\", \"priority\": 3}]}}";
  struct ocirun_error err = { 0 };
  struct oci_resources *r = NULL;
  assert_int_equal (
      oci_resources_parse_data (doc, sizeof doc - 1, NULL, &r, &err), 0);
  assert_int_equal (r->memory->limit.value, 1048576);
  assert_true (r->memory->check_before_update.value);
  assert_true (r->cpu->shares.set);
  assert_int_equal (r->cpu->shares.value, 0);
  assert_false (r->cpu->quota.set);
  assert_int_equal (r->pids->limit, -1);
  assert_int_equal (r->block_io->throttle_read_bps_device[0].rate, 100);
  assert_string_equal (r->unified[0].key, "memory.high");
  assert_int_equal (r->network->priorities[0].priority, 3);

  char *j1 = NULL, *j2 = NULL;
  struct oci_resources *r2 = NULL;
  assert_int_equal (oci_resources_generate (r, &j1, NULL, &err), 0);
  assert_int_equal (
      oci_resources_parse_data (j1, strlen (j1), NULL, &r2, &err), 0);
  assert_int_equal (oci_resources_generate (r2, &j2, NULL, &err), 0);
  assert_string_equal (j1, j2);
  oci_resources_free (r);
  oci_resources_free (r2);
  free (j1);
  free (j2);

  static const char bad[] = "{\"cpu\": {\"quota\": \"max\"}}";
  assert_int_equal (
      oci_resources_parse_data (bad, sizeof bad - 1, NULL, &r, &err), -1);
  assert_string_equal (err.msg, "resources.json: cpu.quota: expected an "
                                "integer, got \"max\"");
}

/* ---- defaults and features -------------------------------------------- */

static void
test_spec_default (void **state)
{
  (void)state;
  for (int rootless = 0; rootless <= 1; rootless++)
    {
      struct ocirun_error err = { 0 };
      struct oci_config *c = NULL;
      assert_int_equal (oci_spec_default (rootless, 1000, 1001, &c, &err), 0);
      if (oci_config_validate_for_create (c, &err) < 0)
        fail_msg ("default (rootless=%d): %s", rootless, err.msg);
      assert_string_equal (c->process->args[0], "sh");
      assert_true (c->process->terminal.value);
      assert_true (c->root->readonly.value);
      assert_string_equal (c->hostname, "ocirun");
      assert_int_equal (c->process->rlimits_len, 1);
      assert_int_equal (c->process->rlimits[0].hard, 1024);
      const struct oci_namespace *user
          = oci_config_find_namespace (c, OCI_NS_USER);
      const struct oci_namespace *net
          = oci_config_find_namespace (c, OCI_NS_NETWORK);
      assert_non_null (oci_config_find_namespace (c, OCI_NS_CGROUP));
      if (rootless)
        {
          assert_non_null (user);
          assert_null (net);
          assert_int_equal (c->linux_->uid_mappings[0].host_id, 1000);
          assert_int_equal (c->linux_->gid_mappings[0].host_id, 1001);
          assert_int_equal (c->linux_->uid_mappings[0].size, 1);
          assert_null (c->linux_->resources);
        }
      else
        {
          assert_null (user);
          assert_non_null (net);
          assert_non_null (c->linux_->resources);
        }
      assert_round_trip (c);
      oci_config_free (c);
    }
}

static void
test_features_build (void **state)
{
  (void)state;
  struct ocirun_error err = { 0 };
  struct oci_features *f = NULL, *f2 = NULL;
  char *j1 = NULL, *j2 = NULL;
  assert_int_equal (ocirun_features_build (&f, &err), 0);
  assert_string_equal (f->oci_version_min, "1.0.0");
  assert_string_equal (f->oci_version_max, "1.3.0");
  assert_int_equal (oci_features_generate (f, &j1, NULL, &err), 0);
  assert_int_equal (oci_features_parse_data (j1, strlen (j1), NULL, &f2, &err),
                    0);
  assert_int_equal (oci_features_generate (f2, &j2, NULL, &err), 0);
  assert_string_equal (j1, j2);
  /* A few entries the spec requires runtimes to understand. */
  assert_non_null (strstr (j1, "\"rbind\""));
  assert_non_null (strstr (j1, "\"ridmap\""));
  assert_non_null (strstr (j1, "\"CAP_SYS_ADMIN\""));
  assert_non_null (strstr (j1, "\"io.github.seccomp.libseccomp.version\""));
  oci_features_free (f);
  oci_features_free (f2);
  free (j1);
  free (j2);
}

int
main (void)
{
  const char *d = getenv ("OCI_SCHEMA_DIR");
  DIR *probe = d ? opendir (d) : NULL;
  if (probe)
    {
      schema_dir = d;
      closedir (probe);
    }

  /* cmocka's TAP output reports skipped tests as "not ok", which the
   * automake TAP driver counts as failures: leave the example-document
   * tests out of the plan instead, and say why. */
  const struct CMUnitTest schema_tests[] = {
    cmocka_unit_test (test_good_configs),
    cmocka_unit_test (test_bad_configs),
    cmocka_unit_test (test_state_examples),
    cmocka_unit_test (test_features_examples),
  };
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_validate_errors),
    cmocka_unit_test (test_map_duplicates_large),
    cmocka_unit_test (test_mappings_large),
    cmocka_unit_test (test_validate_for_create),
    cmocka_unit_test (test_values),
    cmocka_unit_test (test_enums),
    cmocka_unit_test (test_deep_nesting),
    cmocka_unit_test (test_large_document),
    cmocka_unit_test (test_embedded_nul_byte),
    cmocka_unit_test (test_process_document),
    cmocka_unit_test (test_resources_document),
    cmocka_unit_test (test_spec_default),
    cmocka_unit_test (test_features_build),
  };
  cmocka_set_message_output (CM_OUTPUT_TAP);
  /* One plan for the TAP driver: build the list at run time. */
  const size_t n_schema = sizeof schema_tests / sizeof schema_tests[0];
  const size_t n_tests = sizeof tests / sizeof tests[0];
  struct CMUnitTest all[sizeof schema_tests / sizeof schema_tests[0]
                        + sizeof tests / sizeof tests[0]];
  size_t n = 0;
  if (schema_dir)
    for (size_t i = 0; i < n_schema; i++)
      all[n++] = schema_tests[i];
  else
    printf ("# SKIP %zu schema example tests: OCI_SCHEMA_DIR unset or "
            "missing (%s)\n",
            n_schema, d ? d : "unset");
  for (size_t i = 0; i < n_tests; i++)
    all[n++] = tests[i];
  return _cmocka_run_group_tests ("oci-spec", all, n, NULL, NULL);
}
