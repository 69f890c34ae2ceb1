/* cgroup_v2.c - the cgroup v2 back end (and the hybrid one, which is v1
 * plus a directory in the unified tree).
 *
 * v2 specifics: controllers must be enabled in every ancestor's
 * cgroup.subtree_control; freezing is cgroup.freeze + cgroup.events
 * "frozen"; killing is cgroup.kill (5.14+) with a per-pid fallback. */
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
has_word (const char *list, const char *word)
{
  size_t wl = strlen (word);

  for (const char *p = list; (p = strstr (p, word)) != NULL; p += wl)
    if ((p == list || p[-1] == ' ')
        && (p[wl] == '\0' || p[wl] == ' ' || p[wl] == '\n'))
      return true;
  return false;
}

/* Make every controller `dir` has available also available to its
 * children.  Best effort: a controller that cannot be enabled (busy
 * parent, rt tasks for cpu) shows up later as a missing file when a
 * resource needs it. */
static void
enable_subtree (const char *dir)
{
  char avail[512], enabled[512], want[512] = "";
  struct ocirun_error ignored;
  size_t len = 0;

  if (cg_read (dir, "cgroup.controllers", avail, sizeof avail, &ignored) <= 0
      || cg_read (dir, "cgroup.subtree_control", enabled, sizeof enabled,
                  &ignored)
             < 0)
    return;
  for (char *save = NULL, *c = strtok_r (avail, " \n", &save); c;
       c = strtok_r (NULL, " \n", &save))
    if (!has_word (enabled, c))
      len += snprintf (want + len, sizeof want - len, "%s+%s", len ? " " : "",
                       c);
  if (len == 0
      || cg_write (dir, "cgroup.subtree_control", want, &ignored) == 0)
    return;
  for (char *save = NULL, *c = strtok_r (want, " ", &save); c;
       c = strtok_r (NULL, " ", &save))
    cg_write (dir, "cgroup.subtree_control", c, &ignored);
}

static void
parent_dir (const char *dir, char *out, size_t len)
{
  char *slash;

  snprintf (out, len, "%s", dir);
  slash = strrchr (out, '/');
  if (slash && slash != out)
    *slash = '\0';
}

static unsigned
leaf_controllers (const char *dir)
{
  char buf[512];
  struct ocirun_error ignored;
  struct cg_host h;
  unsigned bits;

  if (cg_read (dir, "cgroup.controllers", buf, sizeof buf, &ignored) < 0)
    return 0;
  memset (&h, 0, sizeof h);
  h.unified_mount = (char *)dir;
  cg_host_set_v2_controllers (&h, buf);
  bits = h.v2_avail;
  return bits;
}

static int
v2_mkdirs (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  size_t first = cg->n_made;
  char parent[PATH_MAX];

  if (cg_mkdir_p (cg, cg->unified_path, err) < 0)
    return -1;
  /* Nothing to delegate (typical hybrid host): skip the reads. */
  if (cg->v2_ctrls == 0)
    return 0;
  if (first == cg->n_made)
    {
      parent_dir (cg->unified_path, parent, sizeof parent);
      enable_subtree (parent);
    }
  for (size_t i = first; i < cg->n_made; i++)
    {
      parent_dir (cg->made[i], parent, sizeof parent);
      enable_subtree (parent);
    }
  cg->v2_ctrls = leaf_controllers (cg->unified_path);
  return 0;
}

static int
wait_events (const char *dir, const char *key, uint64_t want,
             unsigned timeout_ms, struct ocirun_error *err)
{
  unsigned waited = 0;

  for (unsigned ms = 1;; ms = ms < 64 ? ms * 2 : ms)
    {
      char buf[256];
      uint64_t v;

      if (cg_read (dir, "cgroup.events", buf, sizeof buf, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
      if (cg_kv_lookup (buf, key, &v) && v == want)
        return 0;
      if (waited >= timeout_ms)
        return ocirun_error_set (err, ETIMEDOUT,
                                 "cgroup: %s/cgroup.events: \"%s\" did not "
                                 "become %lu",
                                 dir, key, (unsigned long)want);
      cg_sleep_ms (ms);
      waited += ms;
    }
}

static int
v2_set_freeze (struct ocirun_cgroup *cg, bool frozen, struct ocirun_error *err)
{
  if (cg_write (cg->unified_path, "cgroup.freeze", frozen ? "1" : "0", err)
      < 0)
    return -1;
  if (wait_events (cg->unified_path, "frozen", frozen, FREEZE_TIMEOUT_MS, err)
      == 0)
    return 0;
  if (frozen)
    {
      struct ocirun_error ignored;
      cg_write (cg->unified_path, "cgroup.freeze", "0", &ignored);
    }
  return -1;
}

static bool
v2_is_frozen (struct ocirun_cgroup *cg)
{
  char buf[8];
  struct ocirun_error ignored;

  return cg->unified_path
         && cg_read (cg->unified_path, "cgroup.freeze", buf, sizeof buf,
                     &ignored)
                > 0
         && buf[0] == '1';
}

static const char *
v2_procs_dir (struct ocirun_cgroup *cg)
{
  return cg->unified_path;
}

/* Without cgroup.kill: freeze, signal each pid, thaw, until empty. */
static int
kill_each (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  struct ocirun_error ignored;
  unsigned waited = 0;

  for (unsigned ms = 1;; ms = ms < 64 ? ms * 2 : ms)
    {
      cleanup_free pid_t *pids = NULL;
      size_t n = 0;
      bool frozen
          = cg_write (cg->unified_path, "cgroup.freeze", "1", &ignored) == 0;

      if (cg_collect_pids (cg->unified_path, &pids, &n, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
      for (size_t i = 0; i < n; i++)
        kill (pids[i], SIGKILL);
      if (frozen)
        cg_write (cg->unified_path, "cgroup.freeze", "0", &ignored);
      if (n == 0)
        return 0;
      if (waited >= KILL_TIMEOUT_MS)
        return ocirun_error_set (
            err, EBUSY, "cgroup: %zu processes left after SIGKILL", n);
      cg_sleep_ms (ms);
      waited += ms;
    }
}

static int
v2_kill_all (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  struct ocirun_error e;

  if (cg_write (cg->unified_path, "cgroup.kill", "1", &e) < 0)
    {
      if (e.errnum == ENOENT && !cg_file_exists (cg->unified_path, "."))
        return 0; /* already gone */
      return kill_each (cg, err);
    }
  return wait_events (cg->unified_path, "populated", 0, KILL_TIMEOUT_MS, err);
}

static int
v2_rmdirs (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  return cg_rmdir_tree (cg->unified_path, err);
}

const struct cg_ops cg_ops_v2 = {
  .name = "v2",
  .mkdirs = v2_mkdirs,
  .set_freeze = v2_set_freeze,
  .is_frozen = v2_is_frozen,
  .procs_dir = v2_procs_dir,
  .kill_all = v2_kill_all,
  .rmdirs = v2_rmdirs,
};

/* ---- hybrid: v1 hierarchies carry the controllers, the unified dir
 * makes the container visible (and killable) in the cgroup2 tree. ---- */

static int
hybrid_mkdirs (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  if (cg_v1_mkdirs (cg, err) < 0)
    return -1;
  return cg->unified_path ? v2_mkdirs (cg, err) : 0;
}

static int
hybrid_set_freeze (struct ocirun_cgroup *cg, bool frozen,
                   struct ocirun_error *err)
{
  if (cg->v1_path[CG_FREEZER])
    return cg_v1_set_freeze (cg, frozen, err);
  return v2_set_freeze (cg, frozen, err);
}

static bool
hybrid_is_frozen (struct ocirun_cgroup *cg)
{
  if (cg->v1_path[CG_FREEZER])
    return cg_v1_is_frozen (cg);
  return v2_is_frozen (cg);
}

static const char *
hybrid_procs_dir (struct ocirun_cgroup *cg)
{
  return cg->unified_path ? cg->unified_path : cg_v1_procs_dir (cg);
}

static int
hybrid_kill_all (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  struct ocirun_error ignored;

  /* cgroup.kill on the unified dir reaches every task at once, but tasks
   * frozen by the v1 freezer (a paused container) only die once thawed.
   * The v1 pass then finds nothing unless something escaped the unified
   * dir (or the kernel lacks cgroup.kill). */
  if (cg->unified_path
      && cg_write (cg->unified_path, "cgroup.kill", "1", &ignored) == 0)
    {
      if (cg->v1_path[CG_FREEZER])
        cg_write (cg->v1_path[CG_FREEZER], "freezer.state", "THAWED",
                  &ignored);
      /* Empty: no need to read every v1 hierarchy.  Anything that left
       * the unified dir but not a v1 one shows up as EBUSY on rmdir, and
       * ocirun_cgroup_destroy then runs the v1 pass. */
      return wait_events (cg->unified_path, "populated", 0, KILL_TIMEOUT_MS,
                          err);
    }
  return cg_v1_kill_all (cg, err);
}

static int
hybrid_rmdirs (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  return cg_v1_rmdirs (cg, err);
}

const struct cg_ops cg_ops_hybrid = {
  .name = "hybrid",
  .mkdirs = hybrid_mkdirs,
  .set_freeze = hybrid_set_freeze,
  .is_frozen = hybrid_is_frozen,
  .procs_dir = hybrid_procs_dir,
  .kill_all = hybrid_kill_all,
  .rmdirs = hybrid_rmdirs,
};

const struct cg_ops *
cg_ops_for_mode (enum ocirun_cgroup_mode mode)
{
  switch (mode)
    {
    case OCIRUN_CGROUP_V1:
      return &cg_ops_v1;
    case OCIRUN_CGROUP_HYBRID:
      return &cg_ops_hybrid;
    case OCIRUN_CGROUP_V2:
    default:
      return &cg_ops_v2;
    }
}
