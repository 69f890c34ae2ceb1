/* spec_default.c - build the default config of `ocirun spec`.
 *
 * The common part is written as JSON and run through the normal parser,
 * which keeps it readable and guarantees it is something we accept
 * ourselves; the rootless variant is then derived by editing the struct. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/parse_ctx.h"
#include "oci-spec/spec_default.h"

static const char default_config[]
    = "{"
      "\"ociVersion\": \"" OCI_SPEC_VERSION "\","
      "\"process\": {"
      "  \"terminal\": true,"
      "  \"user\": { \"uid\": 0, \"gid\": 0 },"
      "  \"args\": [ \"sh\" ],"
      "  \"env\": [ \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
      "/sbin:/bin\", \"TERM=xterm\" ],"
      "  \"cwd\": \"/\","
      "  \"capabilities\": {"
      "    \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\","
      "                    \"CAP_NET_BIND_SERVICE\" ],"
      "    \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\","
      "                     \"CAP_NET_BIND_SERVICE\" ],"
      "    \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\","
      "                     \"CAP_NET_BIND_SERVICE\" ]"
      "  },"
      "  \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024,"
      "                   \"soft\": 1024 } ],"
      "  \"noNewPrivileges\": true"
      "},"
      "\"root\": { \"path\": \"rootfs\", \"readonly\": true },"
      "\"hostname\": \"ocirun\","
      "\"mounts\": ["
      "  { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
      "\"proc\" },"
      "  { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
      "\"tmpfs\","
      "    \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\","
      "                   \"size=65536k\" ] },"
      "  { \"destination\": \"/dev/pts\", \"type\": \"devpts\","
      "    \"source\": \"devpts\","
      "    \"options\": [ \"nosuid\", \"noexec\", \"newinstance\","
      "                   \"ptmxmode=0666\", \"mode=0620\", \"gid=5\" ] },"
      "  { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
      "\"shm\","
      "    \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\","
      "                   \"size=65536k\" ] },"
      "  { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\","
      "    \"source\": \"mqueue\", \"options\": [ \"nosuid\", \"noexec\","
      "                                          \"nodev\" ] },"
      "  { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
      "\"sysfs\","
      "    \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },"
      "  { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\","
      "    \"source\": \"cgroup\", \"options\": [ \"nosuid\", \"noexec\","
      "                                          \"nodev\", \"relatime\","
      "                                          \"ro\" ] }"
      "],"
      "\"linux\": {"
      "  \"resources\": { \"devices\": [ { \"allow\": false,"
      "                                   \"access\": \"rwm\" } ] },"
      "  \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"network\" },"
      "                    { \"type\": \"ipc\" }, { \"type\": \"uts\" },"
      "                    { \"type\": \"mount\" }, { \"type\": \"cgroup\" } "
      "],"
      "  \"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\","
      "                     \"/proc/keys\", \"/proc/latency_stats\","
      "                     \"/proc/timer_list\", \"/proc/timer_stats\","
      "                     \"/proc/sched_debug\", \"/sys/firmware\","
      "                     \"/proc/scsi\", \"/sys/devices/virtual/powercap\" "
      "],"
      "  \"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\","
      "                       \"/proc/sys\", \"/proc/sysrq-trigger\" ]"
      "}"
      "}";

static struct oci_mount *
find_mount (struct oci_config *c, const char *destination)
{
  for (size_t i = 0; i < c->mounts_len; i++)
    if (strcmp (c->mounts[i].destination, destination) == 0)
      return &c->mounts[i];
  return NULL;
}

/* Drop the first option equal to opt (the vector stays NULL-ended). */
static void
remove_option (struct oci_mount *m, const char *opt)
{
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp (m->options[i], opt) == 0)
      {
        free (m->options[i]);
        memmove (&m->options[i], &m->options[i + 1],
                 (m->options_len - i) * sizeof *m->options);
        m->options_len--;
        return;
      }
}

static int
set_string (char **dst, const char *value)
{
  char *s = strdup (value);
  if (s == NULL)
    return -1;
  free (*dst);
  *dst = s;
  return 0;
}

/* Rootless /sys: a new sysfs needs a network namespace we own, so bind
 * the host's /sys read-only instead (what runc does). */
static int
rootless_sysfs (struct oci_mount *sys)
{
  static const char *const opts[]
      = { "rbind", "nosuid", "noexec", "nodev", "ro" };
  const size_t n = sizeof opts / sizeof opts[0];
  char **v = calloc (n + 1, sizeof *v);
  if (v == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    if ((v[i] = strdup (opts[i])) == NULL)
      {
        oci_strv_free (v, n);
        return -1;
      }
  oci_strv_free (sys->options, sys->options_len);
  sys->options = v;
  sys->options_len = n;
  if (set_string (&sys->type, "none") < 0
      || set_string (&sys->source, "/sys") < 0)
    return -1;
  return 0;
}

static struct oci_id_mapping *
single_mapping (uint32_t host_id)
{
  struct oci_id_mapping *m = calloc (1, sizeof *m);
  if (m)
    *m = (struct oci_id_mapping){ .container_id = 0,
                                  .host_id = host_id,
                                  .size = 1 };
  return m;
}

static int
make_rootless (struct oci_config *c, uid_t uid, gid_t gid)
{
  struct oci_linux *l = c->linux_;

  /* No network namespace: a rootless container has no way to set one up
   * with connectivity; keep the host's, like runc. */
  size_t w = 0;
  for (size_t i = 0; i < l->namespaces_len; i++)
    if (l->namespaces[i].type != OCI_NS_NETWORK)
      l->namespaces[w++] = l->namespaces[i];
  /* The array had 6 entries and lost 1: there is room for "user". */
  l->namespaces[w++] = (struct oci_namespace){ .type = OCI_NS_USER };
  l->namespaces_len = w;

  l->uid_mappings = single_mapping (uid);
  l->gid_mappings = single_mapping (gid);
  if (l->uid_mappings == NULL || l->gid_mappings == NULL)
    return -1;
  l->uid_mappings_len = l->gid_mappings_len = 1;

  /* gid 5 (tty) is not mapped in a one-id user namespace. */
  struct oci_mount *pts = find_mount (c, "/dev/pts");
  if (pts)
    remove_option (pts, "gid=5");

  struct oci_mount *sys = find_mount (c, "/sys");
  if (sys && rootless_sysfs (sys) < 0)
    return -1;

  /* An unprivileged user cannot program the device cgroup. */
  oci_resources_free (l->resources);
  l->resources = NULL;
  return 0;
}

int
oci_spec_default (bool rootless, uid_t uid, gid_t gid, struct oci_config **out,
                  struct ocirun_error *err)
{
  struct oci_config *c = NULL;
  if (oci_config_parse_data (default_config, sizeof default_config - 1,
                             "default config", &c, err)
      < 0)
    return ocirun_error_prefix (err, "build default spec");

  if (rootless && make_rootless (c, uid, gid) < 0)
    {
      oci_config_free (c);
      return ocirun_error_set (err, ENOMEM, "build rootless spec");
    }
  c->linux_->seccomp = spec_default_seccomp ();
  *out = c;
  return 0;
}
