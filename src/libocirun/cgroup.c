/* cgroup.c - the public cgroup API: resolve, create, join, operate,
 * destroy; the host-specific work is behind cg->ops (v1/v2/hybrid) and
 * cg_apply_resources(). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/rootless.h"
#include "libocirun/test_hooks.h"

static struct ocirun_cgroup *
cg_new (void)
{
  struct ocirun_cgroup *cg = calloc (1, sizeof *cg);

  if (cg)
    cg->clone_fd = -1;
  return cg;
}

static void
close_enter_fds (struct ocirun_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_enter_fds; i++)
    if (cg->enter_fds[i] >= 0)
      close (cg->enter_fds[i]);
  cg->n_enter_fds = 0;
}

void
ocirun_cgroup_free (struct ocirun_cgroup *cg)
{
  if (cg == NULL)
    return;
  close_enter_fds (cg);
  if (cg->clone_fd >= 0)
    close (cg->clone_fd);
  for (int i = 0; i < CG_NCTRL; i++)
    free (cg->v1_path[i]);
  free (cg->unified_path);
  cg_forget_made (cg);
  free (cg);
}

const char *
ocirun_cgroup_path (const struct ocirun_container *c, const char *controller)
{
  const struct ocirun_cgroup *cg = c ? c->cgroup : NULL;
  int i;

  if (cg == NULL)
    return NULL;
  if (controller == NULL)
    return cg->unified_path;
  i = cg_ctrl_from_name (controller);
  return i < 0 ? NULL : cg->v1_path[i];
}

/* Open the files the child will write "0" to now, so it only has to
 * write: no path lookups, and it works whatever mount namespace or root
 * it has by then.
 *
 * v1: `tasks`, not cgroup.procs.  Moving a whole thread group takes the
 * global cgroup_threadgroup_rwsem for writing, which costs an RCU grace
 * period (5-15 ms measured); a thread moving itself through `tasks`
 * skips that lock (0.2 ms for ten hierarchies), and the child is still
 * single-threaded, so its only thread is the whole process.  cgroup2
 * has no such escape for domain cgroups: clone3 (CLONE_INTO_CGROUP)
 * avoids it, see ocirun_cgroup_clone_fd(). */
static int
open_enter_fds (struct ocirun_cgroup *cg, struct ocirun_error *err)
{
  const char *dirs[CG_NCTRL + 1];
  size_t n = cg_dirs (cg, dirs, CG_NCTRL + 1);

  for (size_t i = 0; i < n; i++)
    {
      char path[4096];
      int fd;

      snprintf (path, sizeof path, "%s/%s", dirs[i],
                dirs[i] == cg->unified_path ? "cgroup.procs" : "tasks");
      fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return ocirun_error_errno (err, "cgroup: open %s", path);
      cg->enter_fds[cg->n_enter_fds++] = fd;
    }
  return 0;
}

static int
build_rules (const struct oci_config *cfg, const struct oci_resources *r,
             struct cg_dev_rule **rules, size_t *n, struct ocirun_error *err)
{
  const struct oci_linux *l = cfg ? cfg->linux_ : NULL;

  return cg_dev_rules_build (r ? r->devices : NULL, r ? r->devices_len : 0,
                             l ? l->devices : NULL, l ? l->devices_len : 0,
                             rules, n, err);
}

static int
create_in (struct ocirun_container *c, struct ocirun_cgroup *cg,
           struct ocirun_error *err)
{
  const struct oci_linux *l = c->config ? c->config->linux_ : NULL;
  const struct oci_resources *r = l ? l->resources : NULL;
  const struct cg_host *h = cg_host_get ();
  cleanup_free char *inner = NULL;
  cleanup_free struct cg_dev_rule *rules = NULL;
  size_t n_rules = 0;
  unsigned ctrls;

  if (h->mode == 0)
    return ocirun_error_set (err, ENODEV,
                             "cgroup: no cgroup hierarchy "
                             "found on this host");
  inner = cg_clean_path (l ? l->cgroups_path : NULL, c->id);
  if (inner == NULL)
    return ocirun_error_errno (err, "cgroup");
  cg->ops = cg_ops_for_mode (h->mode);
  if (cg_resolve (cg, h, inner, err) < 0)
    return -1;
  /* Record the paths before making them (when the state dir exists): a
   * create SIGKILLed from here on (the OOM killer of a memory-limited
   * caller) leaves directories that `delete --force` finds; removing
   * ones never made is no error.  Without that record nothing could find
   * them again, so a failed save (EMFILE, ENOSPC) makes nothing. */
  if (c->state_dir && access (c->state_dir, W_OK) == 0
      && ocirun_cgroup_save (c, err) < 0)
    return -1;
  ctrls = cg->v2_ctrls;
  if (cg->ops->mkdirs (cg, err) < 0)
    return -1;
  ocirun_test_stop_at ("create-cgroup-dirs");
  /* The controllers the leaf really got (v2): saved again if they differ. */
  if (cg->saved && cg->v2_ctrls != ctrls)
    {
      cg->saved = false;
      if (ocirun_cgroup_save (c, err) < 0)
        return -1;
    }
  /* Only CAP_SYS_ADMIN may program device access (v1 devices.deny, a
   * cgroup2 BPF filter).  Without it (rootless, in a delegated tree) the
   * container can't mknod either: it only gets host nodes bound, under
   * their host permissions, as with runc and crun. */
  if (!ocirun_rootless_has_cap (CAP_SYS_ADMIN))
    ocirun_debug ("cgroup: device rules not applied (unprivileged)");
  else if (build_rules (c->config, r, &rules, &n_rules, err) < 0)
    return -1;
  if (cg_apply_resources (cg, r, rules, n_rules, false, err) < 0)
    return -1;
  return open_enter_fds (cg, err);
}

/* Limits other than device rules: without them an unprivileged user
 * whose cgroup tree is not delegated can still run a container, as with
 * runc's rootless mode. */
static bool
wants_limits (const struct oci_config *cfg)
{
  const struct oci_resources *r
      = cfg && cfg->linux_ ? cfg->linux_->resources : NULL;

  return r
         && (r->cpu || r->memory || (r->pids && r->pids->limit > 0)
             || r->block_io || r->hugepage_limits_len || r->network
             || r->rdma_len || r->unified_len);
}

int
ocirun_cgroup_create (struct ocirun_container *c, struct ocirun_error *err)
{
  struct ocirun_cgroup *cg = cg_new ();

  if (cg == NULL)
    return ocirun_error_errno (err, "cgroup");
  /* (create_in saves it: ocirun_cgroup_save works on c->cgroup) */
  c->cgroup = cg;
  if (create_in (c, cg, err) < 0)
    {
      bool denied = err->errnum == EACCES || err->errnum == EPERM
                    || err->errnum == EROFS;

      close_enter_fds (cg);
      cg_rollback_made (cg);
      /* The record of what is now undone goes too (a later command must
       * not look for a cgroup: "not used" below). */
      cg_unsave (c);
      ocirun_cgroup_free (cg);
      c->cgroup = NULL;
      if (denied && geteuid () != 0 && !wants_limits (c->config))
        {
          ocirun_debug ("cgroup: not used (unprivileged, not delegated)");
          c->cgroup = NULL;
          return 0;
        }
      if (denied && geteuid () != 0)
        return ocirun_error_prefix (err,
                                    "linux.resources: limits need a cgroup "
                                    "delegated to uid %u",
                                    (unsigned)geteuid ());
      return -1;
    }
  cg_forget_made (cg);
  return 0;
}

int
ocirun_cgroup_enter_self (struct ocirun_container *c, struct ocirun_error *err)
{
  struct ocirun_cgroup *cg = c->cgroup;
  int ret = 0;

  if (cg == NULL)
    return ocirun_error_set (err, EINVAL, "cgroup: not created");
  const char *dirs[CG_NCTRL + 1];
  size_t n = cg_dirs (cg, dirs, CG_NCTRL + 1);

  for (size_t i = 0; i < cg->n_enter_fds && ret == 0; i++)
    {
      /* Born there by clone3 (CLONE_INTO_CGROUP): nothing to do. */
      if (cg->cloned_into && i < n && dirs[i] == cg->unified_path)
        continue;
      if (write (cg->enter_fds[i], "0", 1) != 1)
        ret = ocirun_error_errno (err, "cgroup: join %s",
                                  i < n ? dirs[i] : "?");
    }
  close_enter_fds (cg);
  return ret;
}

int
ocirun_cgroup_clone_fd (struct ocirun_container *c)
{
  struct ocirun_cgroup *cg = c->cgroup;

  if (cg == NULL || cg->unified_path == NULL)
    return -1;
  if (cg->clone_fd < 0)
    cg->clone_fd = open (cg->unified_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  /* Set before the clone so that the child's copy has it. */
  cg->cloned_into = cg->clone_fd >= 0;
  return cg->clone_fd;
}

void
ocirun_cgroup_clone_fd_unused (struct ocirun_container *c)
{
  if (c->cgroup)
    c->cgroup->cloned_into = false;
}

static int
ensure_loaded (struct ocirun_container *c, struct ocirun_error *err)
{
  if (c->cgroup || ocirun_cgroup_load (c, err) == 0)
    return 0;
  if (err->errnum == ENOENT && c->state_dir)
    /* ocirun_cgroup_create left it out: unprivileged, not delegated. */
    return ocirun_error_set (err, ENOENT,
                             "the container has no cgroup (created by an "
                             "unprivileged user without a delegated cgroup)");
  return -1;
}

/* The container's cgroup for a process joining it (exec), and the
 * cleaned --cgroup subpath (*sub, NULL for none).  Returns 1 when there is
 * one to join, 0 when the container has none of its own (created
 * unprivileged without a delegated tree: the process stays in ours, as
 * the container's init did), -1 on error. */
static int
load_for_enter (struct ocirun_container *c, const char *subpath, char **sub,
                struct ocirun_error *err)
{
  *sub = NULL;
  if (ensure_loaded (c, err) < 0)
    {
      if (err->errnum != ENOENT)
        return -1;
      if (subpath && *subpath)
        return ocirun_error_set (err, ENOENT,
                                 "--cgroup `%s`: the container has no "
                                 "cgroup of its own",
                                 subpath);
      return 0;
    }
  if (subpath && *subpath && (*sub = cg_clean_path (subpath, "")) == NULL)
    return ocirun_error_errno (err, "cgroup");
  return 1;
}

/* dir, or dir/sub for a --cgroup subpath. */
static void
enter_dir (char *out, size_t size, const char *dir, const char *sub)
{
  if (sub && *sub && strcmp (sub, "/") != 0)
    snprintf (out, size, "%s/%s", dir, sub + (sub[0] == '/'));
  else
    snprintf (out, size, "%s", dir);
}

int
ocirun_cgroup_enter_pid (struct ocirun_container *c, pid_t pid,
                         const char *subpath, struct ocirun_error *err)
{
  const char *dirs[CG_NCTRL + 1];
  size_t n;
  cleanup_free char *sub = NULL;
  int r = load_for_enter (c, subpath, &sub, err);

  if (r <= 0)
    return r;
  n = cg_dirs (c->cgroup, dirs, CG_NCTRL + 1);
  for (size_t i = 0; i < n; i++)
    {
      char path[4096];

      enter_dir (path, sizeof path, dirs[i], sub);
      /* pid 0 is the caller itself, single-threaded: `tasks` in v1
       * hierarchies skips the global lock (see open_enter_fds). */
      if (pid == 0 && dirs[i] != c->cgroup->unified_path)
        {
          if (cg_write (path, "tasks", "0", err) < 0)
            return -1;
        }
      else if (cg_enter (path, pid, err) < 0)
        return -1;
    }
  return 0;
}

int
ocirun_cgroup_prepare_enter (struct ocirun_container *c, const char *subpath,
                             struct ocirun_error *err)
{
  const char *dirs[CG_NCTRL + 1];
  struct ocirun_cgroup *cg;
  cleanup_free char *sub = NULL;
  size_t n;
  int r = load_for_enter (c, subpath, &sub, err);

  if (r <= 0)
    return r;
  cg = c->cgroup;
  close_enter_fds (cg);
  n = cg_dirs (cg, dirs, CG_NCTRL + 1);
  for (size_t i = 0; i < n; i++)
    {
      bool unified = dirs[i] == cg->unified_path;
      char dir[4096], path[4096 + 16];
      int fd;

      enter_dir (dir, sizeof dir, dirs[i], sub);
      if (unified)
        {
          /* What ocirun_cgroup_clone_fd () then returns. */
          if (cg->clone_fd >= 0)
            close (cg->clone_fd);
          cg->clone_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (cg->clone_fd < 0)
            return ocirun_error_errno (err, "cgroup: open %s", dir);
        }
      snprintf (path, sizeof path, "%s/%s", dir,
                unified ? "cgroup.procs" : "tasks");
      fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return ocirun_error_errno (err, "cgroup: open %s", path);
      cg->enter_fds[cg->n_enter_fds++] = fd;
    }
  return 0;
}

int
ocirun_cgroup_destroy (struct ocirun_container *c, struct ocirun_error *err)
{
  if (c->cgroup == NULL)
    {
      if (ocirun_cgroup_load (c, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
    }
  /* The fds kept for entering are of no use any more, and killing and
   * removing needs a few of its own: a create aborted for EMFILE must
   * still be able to undo its cgroup. */
  close_enter_fds (c->cgroup);
  if (c->cgroup->clone_fd >= 0)
    {
      close (c->cgroup->clone_fd);
      c->cgroup->clone_fd = -1;
    }
  if (c->cgroup->ops->kill_all (c->cgroup, err) < 0)
    return ocirun_error_prefix (err, "delete cgroup");
  if (c->cgroup->ops->rmdirs (c->cgroup, err) == 0)
    return 0;
  /* Busy: a process the fast kill path missed (hybrid: moved out of the
   * unified dir).  Signal every pid of every hierarchy, then retry. */
  if (err->errnum != EBUSY || cg_v1_kill_all (c->cgroup, err) < 0
      || c->cgroup->ops->rmdirs (c->cgroup, err) < 0)
    return ocirun_error_prefix (err, "delete cgroup");
  return 0;
}

int
ocirun_cgroup_freeze (struct ocirun_container *c, struct ocirun_error *err)
{
  if (ensure_loaded (c, err) < 0)
    return -1;
  return c->cgroup->ops->set_freeze (c->cgroup, true, err);
}

int
ocirun_cgroup_thaw (struct ocirun_container *c, struct ocirun_error *err)
{
  if (ensure_loaded (c, err) < 0)
    return -1;
  return c->cgroup->ops->set_freeze (c->cgroup, false, err);
}

bool
ocirun_cgroup_is_paused (struct ocirun_container *c)
{
  struct ocirun_error ignored;

  if (ensure_loaded (c, &ignored) < 0)
    return false;
  return c->cgroup->ops->is_frozen (c->cgroup);
}

int
ocirun_cgroup_pids (struct ocirun_container *c, pid_t **pids, size_t *n,
                    struct ocirun_error *err)
{
  const char *dir;

  *pids = NULL;
  *n = 0;
  if (ensure_loaded (c, err) < 0)
    return -1;
  dir = c->cgroup->ops->procs_dir (c->cgroup);
  if (dir == NULL)
    return ocirun_error_set (err, ENODEV, "cgroup: no hierarchy to list");
  return cg_collect_pids (dir, pids, n, err);
}

int
ocirun_cgroup_update (struct ocirun_container *c,
                      const struct oci_resources *r, struct ocirun_error *err)
{
  cleanup_free struct cg_dev_rule *rules = NULL;
  size_t n_rules = 0;

  if (ensure_loaded (c, err) < 0)
    return -1;
  if (cg_validate_resources (cg_host_get (), r, err) < 0)
    return -1;
  /* Devices are replaced only when the update names some. */
  if (r->devices_len && build_rules (c->config, r, &rules, &n_rules, err) < 0)
    return -1;
  return cg_apply_resources (c->cgroup, r, rules, n_rules, true, err);
}
