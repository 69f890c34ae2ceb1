/* config_validate.c - host-independent semantic checks of a parsed config.
 *
 * The parser already enforces types, ranges, enums, required members and
 * the per-field absolute-path rules; this file checks relations between
 * fields (and rules that apply to configs built in code, which never went
 * through the parser).  Messages use the parser's format:
 * "config.json: <json path>: <problem>". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libocirun/log.h"
#include "oci-spec/config.h"

#define FILE_NAME "config.json"

/* "config.json: <path>: <message>" with a printf-built path. */
static int fail_at (struct ocirun_error *err, const char *path,
                    const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
fail_at (struct ocirun_error *err, const char *path, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  return ocirun_error_set (err, 0, "%s: %s: %s", FILE_NAME, path, msg);
}

/* Same for another document (process.json); an empty path is dropped. */
static int fail_in (struct ocirun_error *err, const char *file,
                    const char *path, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static int
fail_in (struct ocirun_error *err, const char *file, const char *path,
         const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  if (path[0] == '\0')
    return ocirun_error_set (err, 0, "%s: %s", file, msg);
  return ocirun_error_set (err, 0, "%s: %s: %s", file, path, msg);
}

/* ---- id mappings ------------------------------------------------------- */

/* The kernel takes at most this many lines in uid_map/gid_map
 * (user_namespaces(7)); mappings of mounts go through a user namespace
 * with such a map too. */
#define MAX_MAP_LINES 340

/* [a, a+n) and [b, b+m) intersect; sizes are > 0 here. */
static bool
ranges_overlap (uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
  return a < b + m && b < a + n;
}

struct span
{
  uint64_t start, end; /* [start, end), end > start */
};

static int
span_cmp (const void *a, const void *b)
{
  const struct span *x = a, *y = b;
  return (x->start > y->start) - (x->start < y->start);
}

/* Whether two of the first n mappings overlap on the host side (or the
 * container side): sorted by start, disjoint ranges follow each other. */
static bool
any_overlap (const struct oci_id_mapping *m, size_t n, bool host)
{
  struct span s[MAX_MAP_LINES];
  for (size_t i = 0; i < n; i++)
    {
      s[i].start = host ? m[i].host_id : m[i].container_id;
      s[i].end = s[i].start + m[i].size;
    }
  qsort (s, n, sizeof *s, span_cmp);
  for (size_t i = 1; i < n; i++)
    if (s[i].start < s[i - 1].end)
      return true;
  return false;
}

static bool
prefix_overlaps (const struct oci_id_mapping *m, size_t n)
{
  return any_overlap (m, n, false) || any_overlap (m, n, true);
}

/* Each mapping must be non-empty, fit in 32 bits and overlap no earlier
 * one on either side; the first mapping that breaks a rule is reported
 * (with the first earlier one it overlaps).  Not pairwise: the prefix
 * that first holds an overlap is found by bisection, O(n log^2 n). */
static int
check_mappings (const char *path, const struct oci_id_mapping *m, size_t n,
                struct ocirun_error *err)
{
  char at[128];
  if (n > MAX_MAP_LINES)
    return fail_at (err, path, "%zu entries, the kernel accepts at most %d", n,
                    MAX_MAP_LINES);
  size_t bad = n; /* first mapping that is wrong on its own */
  for (size_t i = 0; i < n && bad == n; i++)
    if (m[i].size == 0
        || (uint64_t)m[i].container_id + m[i].size > (1ULL << 32)
        || (uint64_t)m[i].host_id + m[i].size > (1ULL << 32))
      bad = i;
  /* Smallest i such that mappings [0, i] overlap somewhere, if i < bad. */
  size_t lo = 2, hi = bad;
  if (bad >= 2 && prefix_overlaps (m, bad))
    {
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          if (prefix_overlaps (m, mid))
            hi = mid;
          else
            lo = mid + 1;
        }
      size_t i = lo - 1;
      snprintf (at, sizeof at, "%s[%zu]", path, i);
      for (size_t k = 0; k < i; k++)
        {
          /* user_namespaces(7): ranges may not overlap on either side. */
          if (ranges_overlap (m[i].container_id, m[i].size, m[k].container_id,
                              m[k].size))
            return fail_at (err, at, "containerID range overlaps %s[%zu]",
                            path, k);
          if (ranges_overlap (m[i].host_id, m[i].size, m[k].host_id,
                              m[k].size))
            return fail_at (err, at, "hostID range overlaps %s[%zu]", path, k);
        }
    }
  if (bad == n)
    return 0;
  if (m[bad].size == 0)
    {
      snprintf (at, sizeof at, "%s[%zu].size", path, bad);
      return fail_at (err, at, "must not be zero");
    }
  snprintf (at, sizeof at, "%s[%zu]", path, bad);
  return fail_at (err, at, "range exceeds the 32-bit id space");
}

static bool
has_option (const struct oci_mount *m, const char *opt)
{
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp (m->options[i], opt) == 0)
      return true;
  return false;
}

static int
check_mounts (const struct oci_config *c, struct ocirun_error *err)
{
  char path[64];
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      if (m->destination == NULL || m->destination[0] == '\0')
        {
          snprintf (path, sizeof path, "mounts[%zu].destination", i);
          return fail_at (err, path, "missing required field");
        }
      /* Allowed but deprecated (config.md): tell the user. */
      if (m->destination[0] != '/')
        ocirun_warn ("%s: mounts[%zu].destination: relative path `%s` is "
                     "deprecated, taken relative to /",
                     FILE_NAME, i, m->destination);
      /* config.md: uidMappings and gidMappings go together. */
      if ((m->uid_mappings_len == 0) != (m->gid_mappings_len == 0))
        {
          snprintf (path, sizeof path, "mounts[%zu].%s", i,
                    m->uid_mappings_len ? "gidMappings" : "uidMappings");
          return fail_at (err, path,
                          "required when %s is set (they go together)",
                          m->uid_mappings_len ? "uidMappings" : "gidMappings");
        }
      snprintf (path, sizeof path, "mounts[%zu].uidMappings", i);
      if (check_mappings (path, m->uid_mappings, m->uid_mappings_len, err) < 0)
        return -1;
      snprintf (path, sizeof path, "mounts[%zu].gidMappings", i);
      if (check_mappings (path, m->gid_mappings, m->gid_mappings_len, err) < 0)
        return -1;
      if (m->uid_mappings_len && !has_option (m, "idmap")
          && !has_option (m, "ridmap"))
        ocirun_debug ("%s: mounts[%zu]: id mappings without `idmap` or "
                      "`ridmap` option; applying them non-recursively",
                      FILE_NAME, i);
    }
  return 0;
}

/* ---- process ----------------------------------------------------------- */

static int
check_rlimits (const char *file, const char *prefix,
               const struct oci_process *p, struct ocirun_error *err)
{
  char path[96];
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      const struct oci_rlimit *r = &p->rlimits[i];
      snprintf (path, sizeof path, "%srlimits[%zu].type", prefix, i);
      if (oci_rlimit_from_name (r->type) < 0)
        return fail_in (err, file, path, "unknown rlimit \"%s\"",
                        r->type ? r->type : "");
      /* config.md: duplicated types MUST generate an error. */
      for (size_t k = 0; k < i; k++)
        if (strcmp (p->rlimits[k].type, r->type) == 0)
          return fail_in (err, file, path, "duplicate rlimit \"%s\"", r->type);
      if (r->soft > r->hard)
        {
          snprintf (path, sizeof path, "%srlimits[%zu].soft", prefix, i);
          return fail_in (
              err, file, path, "soft limit %llu exceeds hard limit %llu",
              (unsigned long long)r->soft, (unsigned long long)r->hard);
        }
    }
  return 0;
}

/* Checks shared by config.json's process and exec's process.json;
 * prefix is "process." or "". */
static int
check_process (const char *file, const char *prefix,
               const struct oci_process *p, struct ocirun_error *err)
{
  char path[96];
  if (p->cwd == NULL || p->cwd[0] != '/')
    {
      snprintf (path, sizeof path, "%scwd", prefix);
      return fail_in (err, file, path,
                      p->cwd ? "must be an absolute path"
                             : "missing required field");
    }
  /* config.md: args needs at least one entry (non-Windows). */
  if (p->args_len == 0)
    {
      snprintf (path, sizeof path, "%sargs", prefix);
      return fail_in (err, file, path, "must contain at least one entry");
    }
  if (p->args[0][0] == '\0')
    {
      snprintf (path, sizeof path, "%sargs[0]", prefix);
      return fail_in (err, file, path, "must not be empty");
    }
  if (check_rlimits (file, prefix, p, err) < 0)
    return -1;
  /* proc(5): oom_score_adj is -1000..1000. */
  if (p->oom_score_adj.set
      && (p->oom_score_adj.value < -1000 || p->oom_score_adj.value > 1000))
    {
      snprintf (path, sizeof path, "%soomScoreAdj", prefix);
      return fail_in (err, file, path, "value %d out of range [-1000, 1000]",
                      (int)p->oom_score_adj.value);
    }
  /* config.md: ioPriority.priority is 0 (highest) to 7 (lowest). */
  if (p->io_priority && p->io_priority->priority.set
      && (p->io_priority->priority.value < 0
          || p->io_priority->priority.value > 7))
    {
      snprintf (path, sizeof path, "%sioPriority.priority", prefix);
      return fail_in (err, file, path, "value %d out of range [0, 7]",
                      (int)p->io_priority->priority.value);
    }
  for (size_t i = 0; i < p->env_len; i++)
    if (strchr (p->env[i], '=') == NULL)
      ocirun_debug ("%s: %senv[%zu]: `%s` has no `=`", file, prefix, i,
                    p->env[i]);
  return 0;
}

/* ---- hooks ------------------------------------------------------------- */

static int
check_hook_array (const char *name, const struct oci_hook *h, size_t n,
                  struct ocirun_error *err)
{
  char path[96];
  for (size_t i = 0; i < n; i++)
    {
      snprintf (path, sizeof path, "hooks.%s[%zu].path", name, i);
      if (h[i].path == NULL || h[i].path[0] != '/')
        return fail_at (err, path,
                        h[i].path ? "must be an absolute path"
                                  : "missing required field");
      if (h[i].timeout.set && h[i].timeout.value <= 0)
        {
          snprintf (path, sizeof path, "hooks.%s[%zu].timeout", name, i);
          return fail_at (err, path, "must be greater than zero");
        }
    }
  return 0;
}

static int
check_hooks (const struct oci_hooks *h, struct ocirun_error *err)
{
  if (h == NULL)
    return 0;
  if (check_hook_array ("prestart", h->prestart, h->prestart_len, err) < 0
      || check_hook_array ("createRuntime", h->create_runtime,
                           h->create_runtime_len, err)
             < 0
      || check_hook_array ("createContainer", h->create_container,
                           h->create_container_len, err)
             < 0
      || check_hook_array ("startContainer", h->start_container,
                           h->start_container_len, err)
             < 0
      || check_hook_array ("poststart", h->poststart, h->poststart_len, err)
             < 0
      || check_hook_array ("poststop", h->poststop, h->poststop_len, err) < 0)
    return -1;
  return 0;
}

/* ---- linux ------------------------------------------------------------- */

static bool
has_ns (const struct oci_linux *l, enum oci_namespace_type t)
{
  for (size_t i = 0; l && i < l->namespaces_len; i++)
    if (l->namespaces[i].type == t)
      return true;
  return false;
}

static int
check_namespaces (const struct oci_linux *l, struct ocirun_error *err)
{
  char path[64];
  bool seen[OCI_NS_COUNT_] = { false };
  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      enum oci_namespace_type t = l->namespaces[i].type;
      snprintf (path, sizeof path, "linux.namespaces[%zu].type", i);
      if (t <= OCI_NS_INVALID || t >= OCI_NS_COUNT_)
        return fail_at (err, path, "unknown namespace");
      if (seen[t])
        return fail_at (err, path, "duplicate namespace \"%s\"",
                        oci_namespace_type_to_string (t));
      seen[t] = true;
      if (l->namespaces[i].path && l->namespaces[i].path[0] != '/')
        {
          snprintf (path, sizeof path, "linux.namespaces[%zu].path", i);
          return fail_at (err, path, "must be an absolute path");
        }
    }
  return 0;
}

static int
check_user_namespace (const struct oci_linux *l, struct ocirun_error *err)
{
  if (check_mappings ("linux.uidMappings", l->uid_mappings,
                      l->uid_mappings_len, err)
          < 0
      || check_mappings ("linux.gidMappings", l->gid_mappings,
                         l->gid_mappings_len, err)
             < 0)
    return -1;
  /* Mappings are written for a user namespace we create: without one
   * they would silently mean nothing (runc refuses them too). */
  if ((l->uid_mappings_len || l->gid_mappings_len) && !has_ns (l, OCI_NS_USER))
    return fail_at (
        err, l->uid_mappings_len ? "linux.uidMappings" : "linux.gidMappings",
        "set, but linux.namespaces has no user namespace");
  return 0;
}

/* The S_IFMT bits a linux.devices type stands for. */
static mode_t
device_type_ifmt (enum oci_device_type type)
{
  switch (type)
    {
    case OCI_DEVICE_BLOCK:
      return S_IFBLK;
    case OCI_DEVICE_FIFO:
      return S_IFIFO;
    default:
      return S_IFCHR; /* c and u */
    }
}

static int
check_devices (const struct oci_linux *l, struct ocirun_error *err)
{
  char path[64];
  for (size_t i = 0; i < l->devices_len; i++)
    {
      const struct oci_device *d = &l->devices[i];
      snprintf (path, sizeof path, "linux.devices[%zu]", i);
      /* "full path to device inside container". */
      if (d->path == NULL || d->path[0] != '/')
        return fail_at (err, path, "path must be an absolute path");
      /* config-linux.md: major, minor REQUIRED unless type is p. */
      if (d->type != OCI_DEVICE_FIFO && (!d->major.set || !d->minor.set))
        return fail_at (err, path,
                        "major and minor are required for type \"%s\"",
                        oci_device_type_to_string (d->type)
                            ? oci_device_type_to_string (d->type)
                            : "?");
      /* podman writes the host node's whole st_mode (e.g. 020666) and runc
       * and crun take the permission bits from it, so file-type bits are
       * accepted when they name the same kind of node as `type`. */
      if (d->file_mode.set && d->file_mode.value > 07777
          && (d->file_mode.value & ~(uint32_t)(S_IFMT | 07777)) == 0
          && (d->file_mode.value & S_IFMT) != device_type_ifmt (d->type))
        return fail_at (err, path,
                        "fileMode 0%o has file type bits that do not match "
                        "type \"%s\"",
                        (unsigned)d->file_mode.value,
                        oci_device_type_to_string (d->type)
                            ? oci_device_type_to_string (d->type)
                            : "?");
      if (d->file_mode.set
          && (d->file_mode.value & ~(uint32_t)(S_IFMT | 07777)) != 0)
        return fail_at (err, path, "fileMode %u has bits beyond 07777",
                        (unsigned)d->file_mode.value);
    }
  return 0;
}

static int
check_resources (const struct oci_resources *r, struct ocirun_error *err)
{
  char path[96];
  if (r == NULL)
    return 0;
  for (size_t i = 0; i < r->devices_len; i++)
    {
      const char *a = r->devices[i].access;
      snprintf (path, sizeof path, "linux.resources.devices[%zu].access", i);
      if (a && a[strspn (a, "rwm")] != '\0')
        return fail_at (err, path, "\"%s\" is not a combination of r, w and m",
                        a);
    }
  for (size_t i = 0; i < r->rdma_len; i++)
    if (!r->rdma[i].hca_handles.set && !r->rdma[i].hca_objects.set)
      {
        snprintf (path, sizeof path, "linux.resources.rdma.%s",
                  r->rdma[i].device);
        return fail_at (err, path,
                        "needs at least one of hcaHandles, hcaObjects");
      }
  if (r->memory && r->memory->swappiness.set
      && r->memory->swappiness.value > 100)
    return fail_at (err, "linux.resources.memory.swappiness",
                    "value %llu out of range [0, 100]",
                    (unsigned long long)r->memory->swappiness.value);
  for (size_t i = 0; i < r->unified_len; i++)
    if (r->unified[i].key[0] == '\0' || strchr (r->unified[i].key, '/'))
      return fail_at (err, "linux.resources.unified",
                      "invalid cgroup file name \"%s\"", r->unified[i].key);
  return 0;
}

/* config-linux.md: errnoRet only for actions that return an errno. */
static bool
action_takes_errno (enum oci_seccomp_action a)
{
  return a == OCI_SECCOMP_ACT_ERRNO || a == OCI_SECCOMP_ACT_TRACE;
}

static int
check_seccomp (const struct oci_seccomp *s, struct ocirun_error *err)
{
  char path[96];
  if (s == NULL)
    return 0;
  if (oci_seccomp_action_to_string (s->default_action) == NULL)
    return fail_at (err, "linux.seccomp.defaultAction",
                    "missing required field");
  if (s->default_errno_ret.set && !action_takes_errno (s->default_action))
    return fail_at (err, "linux.seccomp.defaultErrnoRet",
                    "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, "
                    "not %s",
                    oci_seccomp_action_to_string (s->default_action));
  if (s->listener_metadata && s->listener_path == NULL)
    return fail_at (err, "linux.seccomp.listenerMetadata",
                    "set without listenerPath");
  for (size_t i = 0; i < s->syscalls_len; i++)
    {
      const struct oci_syscall *sc = &s->syscalls[i];
      snprintf (path, sizeof path, "linux.seccomp.syscalls[%zu]", i);
      if (sc->names_len == 0)
        return fail_at (err, path, "names must contain at least one entry");
      if (oci_seccomp_action_to_string (sc->action) == NULL)
        return fail_at (err, path, "action: missing required field");
      if (sc->errno_ret.set && !action_takes_errno (sc->action))
        return fail_at (err, path,
                        "errnoRet only allowed with SCMP_ACT_ERRNO or "
                        "SCMP_ACT_TRACE, not %s",
                        oci_seccomp_action_to_string (sc->action));
      for (size_t k = 0; k < sc->args_len; k++)
        if (sc->args[k].index > 5)
          {
            snprintf (path, sizeof path,
                      "linux.seccomp.syscalls[%zu].args[%zu].index", i, k);
            return fail_at (err, path,
                            "value %u out of range [0, 5] (syscalls take at "
                            "most 6 arguments)",
                            (unsigned)sc->args[k].index);
          }
    }
  return 0;
}

static int
check_intel_rdt (const struct oci_intel_rdt *r, struct ocirun_error *err)
{
  if (r == NULL)
    return 0;
  /* config-linux.md: memBwSchema MUST start with "MB:" and MUST NOT
   * contain newlines; schemata lines MUST NOT contain newlines. */
  if (r->mem_bw_schema
      && (strncmp (r->mem_bw_schema, "MB:", 3) != 0
          || strchr (r->mem_bw_schema, '\n')))
    return fail_at (err, "linux.intelRdt.memBwSchema",
                    "must start with \"MB:\" and be a single line");
  if (r->l3_cache_schema && strchr (r->l3_cache_schema, '\n'))
    return fail_at (err, "linux.intelRdt.l3CacheSchema",
                    "must be a single line");
  for (size_t i = 0; i < r->schemata_len; i++)
    if (strchr (r->schemata[i], '\n'))
      {
        char path[64];
        snprintf (path, sizeof path, "linux.intelRdt.schemata[%zu]", i);
        return fail_at (err, path, "must be a single line");
      }
  return 0;
}

/* The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/',
 * ':' or whitespace.  A "%d" template (spec: kernel picks the number)
 * passes. */
static bool
valid_netdev_name (const char *n)
{
  size_t len = strlen (n);
  if (len == 0 || len >= 16 || strcmp (n, ".") == 0 || strcmp (n, "..") == 0)
    return false;
  return strpbrk (n, "/: \t\n\r\v\f") == NULL;
}

static int
check_net_devices (const struct oci_linux *l, struct ocirun_error *err)
{
  char path[96];
  for (size_t i = 0; i < l->net_devices_len; i++)
    {
      const struct oci_net_device *d = &l->net_devices[i];
      snprintf (path, sizeof path, "linux.netDevices.%.32s", d->host_name);
      if (!valid_netdev_name (d->host_name))
        return fail_at (err, path, "invalid network device name");
      if (d->name && !valid_netdev_name (d->name))
        {
          snprintf (path, sizeof path, "linux.netDevices.%.32s.name",
                    d->host_name);
          return fail_at (err, path, "invalid network device name \"%s\"",
                          d->name);
        }
    }
  /* Moving a device "into" the host's own namespace would only rename
   * it on the host. */
  if (l->net_devices_len && !has_ns (l, OCI_NS_NETWORK))
    return fail_at (err, "linux.netDevices",
                    "set, but linux.namespaces has no network namespace");
  return 0;
}

static int
check_sysctl (const struct oci_linux *l, struct ocirun_error *err)
{
  for (size_t i = 0; i < l->sysctl_len; i++)
    if (l->sysctl[i].key[0] == '\0')
      return fail_at (err, "linux.sysctl", "empty key");
    /* sysctl(8) names are dot- or slash-separated; ".." would escape
     * /proc/sys. */
    else if (strstr (l->sysctl[i].key, ".."))
      return fail_at (err, "linux.sysctl", "invalid key \"%s\"",
                      l->sysctl[i].key);
  return 0;
}

static int
check_linux (const struct oci_config *c, struct ocirun_error *err)
{
  const struct oci_linux *l = c->linux_;
  /* No linux section: nothing Linux-specific to check (the document may
   * target another platform; the engine decides what that means). */
  if (l == NULL)
    return 0;
  if (check_namespaces (l, err) < 0 || check_user_namespace (l, err) < 0)
    return -1;
  if (l->time_offsets
      && (l->time_offsets->monotonic.set || l->time_offsets->boottime.set)
      && !has_ns (l, OCI_NS_TIME))
    return fail_at (err, "linux.timeOffsets",
                    "set, but linux.namespaces has no time namespace");
  if (c->hostname && c->hostname[0] && !has_ns (l, OCI_NS_UTS))
    return fail_at (err, "hostname",
                    "set, but linux.namespaces has no uts namespace");
  if (c->domainname && c->domainname[0] && !has_ns (l, OCI_NS_UTS))
    return fail_at (err, "domainname",
                    "set, but linux.namespaces has no uts namespace");
  if (check_net_devices (l, err) < 0 || check_devices (l, err) < 0
      || check_resources (l->resources, err) < 0
      || check_seccomp (l->seccomp, err) < 0
      || check_intel_rdt (l->intel_rdt, err) < 0 || check_sysctl (l, err) < 0)
    return -1;
  for (size_t i = 0; i < l->masked_paths_len; i++)
    if (l->masked_paths[i][0] != '/')
      return fail_at (err, "linux.maskedPaths", "\"%s\" is not absolute",
                      l->masked_paths[i]);
  for (size_t i = 0; i < l->readonly_paths_len; i++)
    if (l->readonly_paths[i][0] != '/')
      return fail_at (err, "linux.readonlyPaths", "\"%s\" is not absolute",
                      l->readonly_paths[i]);
  return 0;
}

/* config.md: SemVer 2.0.0.  Versions within major 1 are compatible with
 * each other; 0.x drafts are accepted as runc does; 2.x is not ours. */
static int
check_version (const char *v, struct ocirun_error *err)
{
  unsigned long major, minor, patch;
  int used = 0;
  if (sscanf (v, "%lu.%lu.%lu%n", &major, &minor, &patch, &used) != 3
      || !(v[used] == '\0' || v[used] == '-' || v[used] == '+')
      || !(v[0] >= '0' && v[0] <= '9'))
    return fail_at (err, "ociVersion", "\"%s\" is not a SemVer version", v);
  if (major > 1)
    return fail_at (err, "ociVersion",
                    "unsupported version \"%s\" (this runtime implements "
                    "%s)",
                    v, OCI_SPEC_VERSION);
  return 0;
}

int
oci_config_validate (const struct oci_config *c, struct ocirun_error *err)
{
  if (c->oci_version == NULL || c->oci_version[0] == '\0')
    return fail_at (err, "ociVersion", "missing required field");
  if (check_version (c->oci_version, err) < 0)
    return -1;
  if (c->root && (c->root->path == NULL || c->root->path[0] == '\0'))
    return fail_at (err, "root.path", "missing required field");
  if (c->process && check_process (FILE_NAME, "process.", c->process, err) < 0)
    return -1;
  if (check_mounts (c, err) < 0 || check_hooks (c->hooks, err) < 0
      || check_linux (c, err) < 0)
    return -1;
  return 0;
}

int
oci_config_validate_for_create (const struct oci_config *c,
                                struct ocirun_error *err)
{
  /* runtime.md: process is REQUIRED for start; root is REQUIRED on
   * Linux (config.md). */
  if (c->process == NULL)
    return fail_at (err, "process", "missing required field");
  if (c->root == NULL)
    return fail_at (err, "root", "missing required field");
  return oci_config_validate (c, err);
}

int
oci_process_validate (const struct oci_process *p, struct ocirun_error *err)
{
  /* For process.json the JSON paths are relative to the document. */
  return check_process ("process.json", "", p, err);
}
