/* cgroup_probe.c - what cgroup layout the host has, probed once.
 *
 * Pure v2: /sys/fs/cgroup is cgroup2 (statfs), nothing else to read but
 * our own cgroup and the root's controllers.  Otherwise the v1
 * hierarchies come from /proc/self/mountinfo (mountpoint per controller,
 * co-mounted ones like "cpu,cpuacct" share it) and our position in each
 * from /proc/self/cgroup; a cgroup2 mount next to them makes it hybrid. */
#include <errno.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

static const char *const v1_names[CG_NCTRL] = {
  [CG_CPU] = "cpu",
  [CG_CPUACCT] = "cpuacct",
  [CG_CPUSET] = "cpuset",
  [CG_MEMORY] = "memory",
  [CG_DEVICES] = "devices",
  [CG_FREEZER] = "freezer",
  [CG_BLKIO] = "blkio",
  [CG_PIDS] = "pids",
  [CG_HUGETLB] = "hugetlb",
  [CG_NET_CLS] = "net_cls",
  [CG_NET_PRIO] = "net_prio",
  [CG_PERF_EVENT] = "perf_event",
  [CG_RDMA] = "rdma",
  [CG_MISC] = "misc",
  [CG_SYSTEMD] = "name=systemd",
};

static const char *const v2_names[CG_NCTRL] = {
  [CG_CPU] = "cpu",   [CG_CPUSET] = "cpuset", [CG_MEMORY] = "memory",
  [CG_BLKIO] = "io",  [CG_PIDS] = "pids",     [CG_HUGETLB] = "hugetlb",
  [CG_RDMA] = "rdma", [CG_MISC] = "misc",     [CG_PERF_EVENT] = "perf_event",
};

const char *
cg_ctrl_name (enum cg_ctrl c)
{
  return c < CG_NCTRL ? v1_names[c] : NULL;
}

const char *
cg_ctrl_v2_name (enum cg_ctrl c)
{
  return c < CG_NCTRL ? v2_names[c] : NULL;
}

int
cg_ctrl_from_name (const char *name)
{
  for (int i = 0; i < CG_NCTRL; i++)
    if (strcmp (v1_names[i], name) == 0)
      return i;
  return -1;
}

static int
v2_ctrl_from_name (const char *name, size_t len)
{
  for (int i = 0; i < CG_NCTRL; i++)
    if (v2_names[i] && strlen (v2_names[i]) == len
        && strncmp (v2_names[i], name, len) == 0)
      return i;
  return -1;
}

void
cg_host_release (struct cg_host *h)
{
  for (int i = 0; i < CG_NCTRL; i++)
    {
      free (h->v1_mount[i]);
      free (h->v1_own[i]);
    }
  free (h->unified_mount);
  free (h->unified_own);
  memset (h, 0, sizeof *h);
}

/* Walk comma-separated super options, mapping controller names. */
static void
v1_mount_options (struct cg_host *h, char *opts, const char *mountpoint,
                  const char *root)
{
  char *save = NULL;

  for (char *o = strtok_r (opts, ",", &save); o;
       o = strtok_r (NULL, ",", &save))
    {
      int c = cg_ctrl_from_name (o);

      if (c < 0 || h->v1_mount[c] != NULL)
        continue;
      h->v1_mount[c] = strdup (mountpoint);
      /* Remember the mount's root in v1_own until /proc/self/cgroup is
       * read: own paths are relative to it. */
      h->v1_own[c] = strdup (root);
    }
}

static int
parse_mountinfo (struct cg_host *h, const char *text)
{
  cleanup_free char *copy = strdup (text);
  char *save = NULL;

  if (copy == NULL)
    return -1;
  for (char *line = strtok_r (copy, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save))
    {
      char *f[6] = { NULL };
      char *p = line, *sep, *fstype, *source, *superopts;
      size_t i;

      for (i = 0; i < 6 && p; i++)
        {
          f[i] = p;
          p = strchr (p, ' ');
          if (p)
            *p++ = '\0';
        }
      sep = p ? strstr (p, "- ") : NULL;
      if (i < 6 || sep == NULL)
        continue;
      fstype = sep + 2;
      source = strchr (fstype, ' ');
      if (source == NULL)
        continue;
      *source++ = '\0';
      superopts = strchr (source, ' ');
      if (superopts == NULL)
        continue;
      superopts++;
      /* f[3] root within the hierarchy, f[4] mountpoint. */
      if (strcmp (fstype, "cgroup2") == 0 && h->unified_mount == NULL)
        {
          h->unified_mount = strdup (f[4]);
          h->unified_own = strdup (f[3]);
        }
      else if (strcmp (fstype, "cgroup") == 0)
        v1_mount_options (h, superopts, f[4], f[3]);
    }
  return 0;
}

/* own path relative to the mount root: "/a/b" under root "/a" is "/b". */
static char *
relative_to_root (const char *own, const char *root)
{
  size_t rl = root ? strlen (root) : 0;

  if (root && rl > 1 && strncmp (own, root, rl) == 0
      && (own[rl] == '/' || own[rl] == '\0'))
    return strdup (own[rl] ? own + rl : "/");
  return strdup (own);
}

static void
set_own (char **slot, const char *own)
{
  char *r = relative_to_root (own, *slot);

  free (*slot);
  *slot = r;
}

static int
parse_proc_cgroup (struct cg_host *h, const char *text)
{
  cleanup_free char *copy = strdup (text);
  char *save = NULL;

  if (copy == NULL)
    return -1;
  for (char *line = strtok_r (copy, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save))
    {
      char *ctrls = strchr (line, ':'), *path, *s2 = NULL;

      if (ctrls == NULL || (path = strchr (++ctrls, ':')) == NULL)
        continue;
      *path++ = '\0';
      if (*ctrls == '\0')
        {
          if (h->unified_mount)
            set_own (&h->unified_own, path);
          continue;
        }
      for (char *c = strtok_r (ctrls, ",", &s2); c;
           c = strtok_r (NULL, ",", &s2))
        {
          int i = cg_ctrl_from_name (c);
          if (i >= 0 && h->v1_mount[i])
            set_own (&h->v1_own[i], path);
        }
    }
  return 0;
}

static unsigned
parse_v2_controllers (const char *text)
{
  unsigned bits = 0;
  const char *p = text;

  while (p && *p)
    {
      size_t len = strcspn (p, " \n");
      int c = v2_ctrl_from_name (p, len);

      if (c >= 0)
        bits |= CG_BIT (c);
      p += len;
      p += strspn (p, " \n");
    }
  return bits;
}

int
cg_host_parse (struct cg_host *h, const char *mountinfo,
               const char *proc_cgroup, const char *v2_controllers,
               bool statfs_v2)
{
  bool any_v1 = false;

  memset (h, 0, sizeof *h);
  if (statfs_v2)
    {
      h->mode = OCIRUN_CGROUP_V2;
      h->unified_mount = strdup (CGROUP_ROOT);
      h->unified_own = strdup ("/");
    }
  else if (mountinfo && parse_mountinfo (h, mountinfo) < 0)
    return -1;
  if (proc_cgroup && parse_proc_cgroup (h, proc_cgroup) < 0)
    return -1;
  for (int i = 0; i < CG_NCTRL; i++)
    any_v1 |= h->v1_mount[i] != NULL;
  if (!statfs_v2)
    h->mode
        = any_v1 ? (h->unified_mount ? OCIRUN_CGROUP_HYBRID : OCIRUN_CGROUP_V1)
                 : OCIRUN_CGROUP_V2;
  if (v2_controllers)
    cg_host_set_v2_controllers (h, v2_controllers);
  return 0;
}

void
cg_host_set_v2_controllers (struct cg_host *h, const char *text)
{
  if (h->unified_mount == NULL)
    return;
  h->v2_avail = parse_v2_controllers (text);
  /* A v1-mounted controller cannot also be used through cgroup2. */
  for (int i = 0; i < CG_NCTRL; i++)
    if (h->v1_mount[i])
      h->v2_avail &= ~CG_BIT (i);
}

static char *
slurp (const char *path)
{
  char *s = NULL;
  struct ocirun_error err;

  if (cg_read_all ("", path, &s, &err) < 0)
    return NULL;
  return s;
}

static struct cg_host host;
static bool host_probed;

const struct cg_host *
cg_host_get (void)
{
  struct statfs sfs;
  bool v2;
  cleanup_free char *mountinfo = NULL;
  cleanup_free char *own = NULL;
  cleanup_free char *ctrls = NULL;
  char path[4096];

  if (host_probed)
    return &host;
  v2 = statfs (CGROUP_ROOT, &sfs) == 0
       && sfs.f_type == (typeof (sfs.f_type))CGROUP2_SUPER_MAGIC;
  if (!v2)
    mountinfo = slurp ("/proc/self/mountinfo");
  own = slurp ("/proc/self/cgroup");
  if (cg_host_parse (&host, mountinfo, own, NULL, v2) < 0)
    cg_host_release (&host);
  if (host.unified_mount)
    {
      snprintf (path, sizeof path, "%s/cgroup.controllers",
                host.unified_mount);
      ctrls = slurp (path);
      if (ctrls)
        cg_host_set_v2_controllers (&host, ctrls);
    }
  host_probed = true;
  return &host;
}

enum ocirun_cgroup_mode
ocirun_cgroup_host_mode (void)
{
  return cg_host_get ()->mode;
}
