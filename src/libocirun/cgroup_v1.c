/* cgroup_v1.c - the cgroup v1 back end: one directory per hierarchy,
 * freezer.state for pause, signal-every-pid for kill. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

#define FREEZE_TIMEOUT_MS 10000
#define KILL_TIMEOUT_MS 10000

static bool
blank (const char *s)
{
  return s[strspn (s, " \n")] == '\0';
}

/* A new v1 cpuset has empty cpus/mems and refuses tasks until they are
 * set: inherit the parent's. */
static int
cpuset_inherit (const char *dir, struct ocirun_error *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  char parent[PATH_MAX];
  char *slash;

  snprintf (parent, sizeof parent, "%s", dir);
  slash = strrchr (parent, '/');
  if (slash == NULL || slash == parent)
    return 0;
  *slash = '\0';
  for (size_t i = 0; i < 2; i++)
    {
      char cur[4096], up[4096];

      if (cg_read (dir, files[i], cur, sizeof cur, err) < 0)
        return -1;
      if (!blank (cur))
        continue;
      if (cg_read (parent, files[i], up, sizeof up, err) < 0)
        return -1;
      up[strcspn (up, "\n")] = '\0';
      if (cg_write (dir, files[i], up, err) < 0)
        return -1;
    }
  return 0;
}

static int
v1_cpuset_mkdir (struct ocirun_cgroup *cg, const char *dir,
                 struct ocirun_error *err)
{
  size_t first = cg->n_made;

  if (cg_mkdir_p (cg, dir, err) < 0)
    return -1;
  /* Parents first: cg_mkdir_p records them top-down. */
  for (size_t i = first; i < cg->n_made; i++)
    if (cpuset_inherit (cg->made[i], err) < 0)
      return -1;
  if (first == cg->n_made && cpuset_inherit (dir, err) < 0)
    return -1;
  return 0;
}

int
cg_v1_mkdirs (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  const char *dirs[CG_NCTRL + 1];
  size_t n = cg_dirs (cg, dirs, CG_NCTRL);

  if (cg->v1_path[CG_CPUSET]
      && v1_cpuset_mkdir (cg, cg->v1_path[CG_CPUSET], err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (dirs[i] != cg->unified_path && cg_mkdir_p (cg, dirs[i], err) < 0)
      return -1;
  return 0;
}

static int
freezer_state (const char *dir, char *buf, size_t len,
               struct ocirun_error *err)
{
  if (cg_read (dir, "freezer.state", buf, len, err) < 0)
    return -1;
  buf[strcspn (buf, "\n")] = '\0';
  return 0;
}

int
cg_v1_set_freeze (struct ocirun_cgroup *cg, bool frozen,
                  struct ocirun_error *err)
{
  const char *dir = cg->v1_path[CG_FREEZER];
  const char *want = frozen ? "FROZEN" : "THAWED";
  unsigned waited = 0;

  if (dir == NULL)
    return ocirun_error_set (err, ENODEV,
                             "cgroup: the freezer controller is not "
                             "mounted");
  for (unsigned ms = 1;; ms = ms < 64 ? ms * 2 : ms)
    {
      char state[64];

      /* Writing again nudges tasks that were busy (e.g. in vfork) when
       * the first attempt ran: the kernel retries the freeze. */
      if (cg_write (dir, "freezer.state", want, err) < 0)
        return -1;
      if (freezer_state (dir, state, sizeof state, err) < 0)
        return -1;
      if (strcmp (state, want) == 0)
        return 0;
      if (waited >= FREEZE_TIMEOUT_MS)
        break;
      cg_sleep_ms (ms);
      waited += ms;
    }
  if (frozen)
    {
      struct ocirun_error ignored;
      cg_write (dir, "freezer.state", "THAWED", &ignored);
    }
  return ocirun_error_set (err, ETIMEDOUT, "cgroup: %s did not become %s", dir,
                           want);
}

bool
cg_v1_is_frozen (struct ocirun_cgroup *cg)
{
  char state[64];
  struct ocirun_error ignored;

  if (cg->v1_path[CG_FREEZER] == NULL
      || freezer_state (cg->v1_path[CG_FREEZER], state, sizeof state, &ignored)
             < 0)
    return false;
  return strcmp (state, "THAWED") != 0;
}

const char *
cg_v1_procs_dir (struct ocirun_cgroup *cg)
{
  static const enum cg_ctrl order[]
      = { CG_FREEZER, CG_PIDS, CG_MEMORY, CG_DEVICES, CG_CPU, CG_SYSTEMD };

  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (cg->v1_path[order[i]])
      return cg->v1_path[order[i]];
  for (int i = 0; i < CG_NCTRL; i++)
    if (cg->v1_path[i])
      return cg->v1_path[i];
  return NULL;
}

/* SIGKILL every pid found in any hierarchy; returns how many were seen. */
static ssize_t
kill_round (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  const char *dirs[CG_NCTRL + 1];
  size_t n = cg_dirs (cg, dirs, CG_NCTRL + 1);
  ssize_t seen = 0;

  for (size_t i = 0; i < n; i++)
    {
      cleanup_free pid_t *pids = NULL;
      size_t np = 0;

      if (cg_collect_pids (dirs[i], &pids, &np, err) < 0)
        {
          if (err->errnum == ENOENT)
            continue;
          return -1;
        }
      for (size_t j = 0; j < np; j++)
        kill (pids[j], SIGKILL);
      seen += np;
    }
  return seen;
}

int
cg_v1_kill_all (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  unsigned waited = 0;
  struct ocirun_error ignored;

  for (unsigned ms = 1;; ms = ms < 64 ? ms * 2 : ms)
    {
      /* Frozen tasks cannot fork between listing and killing; SIGKILL is
       * delivered once they are thawed. */
      bool frozen = cg->v1_path[CG_FREEZER]
                    && cg_write (cg->v1_path[CG_FREEZER], "freezer.state",
                                 "FROZEN", &ignored)
                           == 0;
      ssize_t seen = kill_round (cg, err);

      if (frozen)
        cg_write (cg->v1_path[CG_FREEZER], "freezer.state", "THAWED",
                  &ignored);
      if (seen < 0)
        return -1;
      if (seen == 0)
        return 0;
      if (waited >= KILL_TIMEOUT_MS)
        return ocirun_error_set (
            err, EBUSY, "cgroup: %zd processes left after SIGKILL", seen);
      cg_sleep_ms (ms);
      waited += ms;
    }
}

int
cg_v1_rmdirs (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  const char *dirs[CG_NCTRL + 1];
  size_t n = cg_dirs (cg, dirs, CG_NCTRL + 1);
  int ret = 0;

  /* Try every hierarchy even if one fails, report the first error. */
  for (size_t i = 0; i < n; i++)
    {
      struct ocirun_error e;
      if (cg_rmdir_tree (dirs[i], &e) < 0 && ret == 0)
        {
          *err = e;
          ret = -1;
        }
    }
  return ret;
}

const struct cg_ops cg_ops_v1 = {
  .name = "v1",
  .mkdirs = cg_v1_mkdirs,
  .set_freeze = cg_v1_set_freeze,
  .is_frozen = cg_v1_is_frozen,
  .procs_dir = cg_v1_procs_dir,
  .kill_all = cg_v1_kill_all,
  .rmdirs = cg_v1_rmdirs,
};
