/* userns.c - uid/gid maps of a new user namespace, privileged or rootless
 * (see userns.h for who writes what). */
#include "libocirun/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/rootless.h"

/* The kernel's limit on map lines (user_namespaces(7), since 4.15). */
#define MAX_MAP_LINES 340

struct map_kind
{
  const char *field;   /* "linux.uidMappings" */
  const char *file;    /* "uid_map" */
  const char *helper;  /* "newuidmap" */
  const char *subid;   /* "/etc/subuid" */
  const char *id_name; /* "uid" */
  int cap;             /* CAP_SETUID */
};

static const struct map_kind uid_kind
    = { "linux.uidMappings", "uid_map", "newuidmap",
        "/etc/subuid",       "uid",     CAP_SETUID };
static const struct map_kind gid_kind
    = { "linux.gidMappings", "gid_map", "newgidmap",
        "/etc/subgid",       "gid",     CAP_SETGID };

bool
ocirun_userns_map_is_self (const struct oci_id_mapping *m, size_t n,
                           uint32_t self)
{
  return n == 1 && m[0].size == 1 && m[0].host_id == self;
}

/* ---- validation --------------------------------------------------------- */

static bool
mount_is_idmapped (const struct oci_mount *m)
{
  if (m->uid_mappings_len || m->gid_mappings_len)
    return true;
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp (m->options[i], "idmap") == 0
        || strcmp (m->options[i], "ridmap") == 0)
      return true;
  return false;
}

/* A subid source other than the files (sssd, ldap...) may be configured
 * in nsswitch.conf: then only the helper itself can tell. */
static bool
subid_from_nss (void)
{
  cleanup_fclose FILE *f = fopen ("/etc/nsswitch.conf", "re");
  cleanup_free char *line = NULL;
  size_t sz = 0;

  while (f && getline (&line, &sz, f) > 0)
    if (strncmp (line, "subid:", 6) == 0)
      return true;
  return false;
}

static void
describe_ranges (const struct ocirun_subid_range *r, size_t n, char *buf,
                 size_t len)
{
  size_t off = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < n && off < len; i++)
    {
      int w
          = snprintf (buf + off, len - off, "%s%" PRIu64 "-%" PRIu64,
                      i ? ", " : "", r[i].start, r[i].start + r[i].count - 1);
      if (w < 0)
        break;
      off += (size_t)w;
    }
}

/* Every line of m is the caller's own id or within its subordinate
 * ranges: what newuidmap/newgidmap will allow. */
static int
check_subids (const struct map_kind *k, const struct oci_id_mapping *m,
              size_t n, uid_t self, struct ocirun_error *err)
{
  struct passwd *pw = getpwuid (getuid ());
  const char *user = pw ? pw->pw_name : NULL;
  cleanup_free struct ocirun_subid_range *r = NULL;
  size_t nr = 0;
  char have[256];

  if (subid_from_nss ())
    return 0;
  if (ocirun_subid_ranges (k->subid, user, getuid (), &r, &nr, err) < 0)
    return ocirun_error_prefix (err,
                                "%s: mapping more than your own %s needs "
                                "subordinate ids",
                                k->field, k->id_name);
  describe_ranges (r, nr, have, sizeof have);
  for (size_t i = 0; i < n; i++)
    {
      if (m[i].size == 1 && m[i].host_id == self)
        continue;
      if (ocirun_subid_covers (r, nr, m[i].host_id, m[i].size))
        continue;
      if (nr == 0)
        return ocirun_error_set (
            err, 0,
            "%s[%zu]: host %ss %" PRIu32 "-%" PRIu64 " may not be mapped: "
            "user `%s` (%s %u) has no range in %s",
            k->field, i, k->id_name, m[i].host_id,
            (uint64_t)m[i].host_id + m[i].size - 1, user ? user : "?",
            k->id_name, (unsigned)getuid (), k->subid);
      return ocirun_error_set (
          err, 0,
          "%s[%zu]: host %ss %" PRIu32 "-%" PRIu64 " may not be mapped: "
          "user `%s` may map only its own %s (%u) and its %s ranges (%s)",
          k->field, i, k->id_name, m[i].host_id,
          (uint64_t)m[i].host_id + m[i].size - 1, user ? user : "?",
          k->id_name, (unsigned)self, k->subid, have);
    }
  return 0;
}

static int
validate_map (const struct map_kind *k, const struct oci_id_mapping *m,
              size_t n, uint32_t self, struct ocirun_error *err)
{
  if (n > MAX_MAP_LINES)
    return ocirun_error_set (err, 0,
                             "%s: %zu ranges, the kernel takes at most %d",
                             k->field, n, MAX_MAP_LINES);
  if (ocirun_rootless_has_cap (k->cap)
      || ocirun_userns_map_is_self (m, n, self))
    return 0;
  if (ocirun_rootless_find_helper (k->helper) == NULL)
    return ocirun_error_set (
        err, 0,
        "%s: as an unprivileged user only your own %s (%u) can be mapped "
        "without %s, which is not installed (package uidmap)",
        k->field, k->id_name, (unsigned)self, k->helper);
  return check_subids (k, m, n, self, err);
}

int
ocirun_userns_validate (const struct oci_config *cfg,
                        const struct ocirun_ns_plan *plan,
                        struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;
  unsigned others = plan->new_mask & ~OCIRUN_NS_BIT (OCI_NS_USER);
  bool admin = ocirun_rootless_has_cap (CAP_SYS_ADMIN);

  /* Only a user namespace can be created without privileges; it then
   * grants them over the others. */
  if (!admin && others && !(plan->mask & OCIRUN_NS_BIT (OCI_NS_USER)))
    return ocirun_error_set (
        err, 0,
        "config.json: linux.namespaces: an unprivileged user (uid %u) can "
        "create namespaces only inside a user namespace: add {\"type\": "
        "\"user\"} with linux.uidMappings and gidMappings (`ocirun spec "
        "--rootless` does)",
        (unsigned)geteuid ());
  if (!admin)
    for (size_t i = 0; i < cfg->mounts_len; i++)
      if (mount_is_idmapped (&cfg->mounts[i]))
        return ocirun_error_set (
            err, 0,
            "config.json: mounts[%zu] (`%s`): an idmapped mount of a host "
            "filesystem needs the host's root (CAP_SYS_ADMIN)",
            i, cfg->mounts[i].destination ? cfg->mounts[i].destination : "");
  if (l == NULL || !(plan->new_mask & OCIRUN_NS_BIT (OCI_NS_USER)))
    return 0;
  if (validate_map (&uid_kind, l->uid_mappings, l->uid_mappings_len,
                    geteuid (), err)
      < 0)
    return -1;
  return validate_map (&gid_kind, l->gid_mappings, l->gid_mappings_len,
                       getegid (), err);
}

/* ---- writing ------------------------------------------------------------ */

static int
write_file (pid_t pid, const char *file, const char *buf, size_t len,
            struct ocirun_error *err)
{
  char path[64];
  cleanup_close int fd = -1;

  snprintf (path, sizeof path, "/proc/%d/%s", (int)pid, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error_errno (err, "open `%s`", path);
  /* The kernel takes a whole map in one write, or nothing. */
  if (write (fd, buf, len) != (ssize_t)len)
    return ocirun_error_errno (err, "write `%s`", path);
  return 0;
}

static int
write_map_direct (pid_t pid, const struct map_kind *k,
                  const struct oci_id_mapping *m, size_t n,
                  struct ocirun_error *err)
{
  /* 3 * 10 digits, 2 spaces and a newline per line. */
  cleanup_free char *buf = malloc (n * 33 + 1);
  size_t len = 0;

  if (buf == NULL)
    return ocirun_error_errno (err, "%s", k->file);
  for (size_t i = 0; i < n; i++)
    len += (size_t)sprintf (buf + len, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
                            m[i].container_id, m[i].host_id, m[i].size);
  if (write_file (pid, k->file, buf, len, err) < 0)
    return ocirun_error_prefix (err, "%s", k->field);
  return 0;
}

static int
write_map (pid_t pid, const struct map_kind *k, const struct oci_id_mapping *m,
           size_t n, uint32_t self, struct ocirun_error *err)
{
  const char *helper;

  if (ocirun_rootless_has_cap (k->cap))
    return write_map_direct (pid, k, m, n, err);
  if (ocirun_userns_map_is_self (m, n, self))
    {
      /* An unprivileged writer may set gid_map only once setgroups is
       * denied for good: otherwise dropping a group by setgroups could
       * grant access that group was denied. */
      if (k == &gid_kind && write_file (pid, "setgroups", "deny", 4, err) < 0)
        return ocirun_error_prefix (err, "%s", k->field);
      return write_map_direct (pid, k, m, n, err);
    }
  helper = ocirun_rootless_find_helper (k->helper);
  if (helper == NULL)
    return ocirun_error_set (err, ENOENT, "%s: %s not found (package uidmap)",
                             k->field, k->helper);
  ocirun_debug ("%s: written by %s", k->field, helper);
  if (ocirun_rootless_run_map_helper (helper, pid, m, n, err) < 0)
    return ocirun_error_prefix (err, "%s", k->field);
  return 0;
}

int
ocirun_userns_write_id_maps (pid_t pid, const struct oci_linux *l,
                             struct ocirun_error *err)
{
  if (write_map (pid, &uid_kind, l->uid_mappings, l->uid_mappings_len,
                 geteuid (), err)
      < 0)
    return -1;
  return write_map (pid, &gid_kind, l->gid_mappings, l->gid_mappings_len,
                    getegid (), err);
}

int
ocirun_userns_join_for_exec (int pidfd, unsigned ns_mask, int parent_flags,
                             int *child_flags, struct ocirun_error *err)
{
  if (!(ns_mask & OCIRUN_NS_BIT (OCI_NS_USER)) || parent_flags == 0
      || ocirun_rootless_has_cap (CAP_SYS_ADMIN))
    return 0;
  /* A separate call: joining the pid namespace checks our capabilities
   * as they are before this setns returns. */
  if (setns (pidfd, CLONE_NEWUSER) < 0)
    return ocirun_error_errno (err, "join the user namespace of the "
                                    "container");
  *child_flags &= ~CLONE_NEWUSER;
  return 0;
}
