/* cgroup_util.c - tree walks shared by the back ends: listing the pids of
 * a cgroup subtree, removing a subtree, moving a pid in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

struct pid_vec
{
  pid_t *v;
  size_t n, cap;
};

static int
pid_vec_add (struct pid_vec *p, pid_t pid)
{
  if (p->n == p->cap)
    {
      size_t cap = p->cap ? p->cap * 2 : 32;
      pid_t *v = realloc (p->v, cap * sizeof *v);
      if (v == NULL)
        return -1;
      p->v = v;
      p->cap = cap;
    }
  p->v[p->n++] = pid;
  return 0;
}

static void
closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

static int
collect (const char *dir, struct pid_vec *p, int depth,
         struct ocirun_error *err)
{
  cleanup_free char *procs = NULL;
  __attribute__ ((cleanup (closedirp))) DIR *d = NULL;
  struct dirent *de;

  if (cg_read_all (dir, "cgroup.procs", &procs, err) < 0)
    return err->errnum == ENOENT && depth > 0 ? 0 : -1;
  for (char *s = procs, *end; *s; s = end)
    {
      long v = strtol (s, &end, 10);
      if (end == s)
        break;
      if (v > 0 && pid_vec_add (p, (pid_t)v) < 0)
        return ocirun_error_errno (err, "cgroup: list pids");
    }
  /* Sub-cgroups (exec --cgroup, nested managers inside) count too. */
  d = opendir (dir);
  if (d == NULL)
    return 0;
  while ((de = readdir (d)) != NULL)
    {
      char sub[PATH_MAX];

      if (de->d_type != DT_DIR || de->d_name[0] == '.')
        continue;
      if ((size_t)snprintf (sub, sizeof sub, "%s/%s", dir, de->d_name)
          >= sizeof sub)
        continue;
      if (depth < 64 && collect (sub, p, depth + 1, err) < 0)
        return -1;
    }
  return 0;
}

static int
cmp_pid (const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

int
cg_collect_pids (const char *dir, pid_t **pids, size_t *n,
                 struct ocirun_error *err)
{
  struct pid_vec p = { NULL, 0, 0 };

  if (collect (dir, &p, 0, err) < 0)
    {
      free (p.v);
      return -1;
    }
  if (p.n)
    qsort (p.v, p.n, sizeof *p.v, cmp_pid);
  *pids = p.v;
  *n = p.n;
  return 0;
}

/* rmdir with retries: the kernel may report EBUSY for a short while after
 * the last task exited (v1 memory css offlining). */
static int
rmdir_retry (const char *dir, struct ocirun_error *err)
{
  for (unsigned ms = 1;; ms *= 2)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY || ms > 512)
        return ocirun_error_errno (err, "cgroup: rmdir %s", dir);
      cg_sleep_ms (ms);
    }
}

int
cg_rmdir_tree (const char *dir, struct ocirun_error *err)
{
  __attribute__ ((cleanup (closedirp))) DIR *d = NULL;
  struct dirent *de;

  /* The common case, a leaf: one syscall.  A cgroup with children (exec
   * --cgroup, a manager inside) answers EBUSY. */
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0
                           : ocirun_error_errno (err, "cgroup: open %s", dir);
  while ((de = readdir (d)) != NULL)
    {
      char sub[PATH_MAX];

      if (de->d_type != DT_DIR || de->d_name[0] == '.')
        continue;
      if ((size_t)snprintf (sub, sizeof sub, "%s/%s", dir, de->d_name)
          >= sizeof sub)
        continue;
      if (cg_rmdir_tree (sub, err) < 0)
        return -1;
    }
  return rmdir_retry (dir, err);
}

int
cg_enter (const char *dir, pid_t pid, struct ocirun_error *err)
{
  return cg_writef (dir, "cgroup.procs", err, "%d", (int)pid);
}

static int
remember (struct ocirun_cgroup *cg, const char *path)
{
  char **v = realloc (cg->made, (cg->n_made + 1) * sizeof *v);

  if (v == NULL)
    return -1;
  cg->made = v;
  v[cg->n_made] = strdup (path);
  if (v[cg->n_made] == NULL)
    return -1;
  cg->n_made++;
  return 0;
}

int
cg_mkdir_p (struct ocirun_cgroup *cg, const char *path,
            struct ocirun_error *err)
{
  if (mkdir (path, 0755) == 0)
    {
      if (remember (cg, path) < 0)
        return ocirun_error_errno (err, "cgroup: mkdir %s", path);
      return 1;
    }
  if (errno == EEXIST)
    return 0;
  if (errno == ENOENT)
    {
      char parent[PATH_MAX];
      char *slash;

      snprintf (parent, sizeof parent, "%s", path);
      slash = strrchr (parent, '/');
      if (slash && slash != parent)
        {
          *slash = '\0';
          if (cg_mkdir_p (cg, parent, err) < 0)
            return -1;
          return cg_mkdir_p (cg, path, err);
        }
    }
  return ocirun_error_errno (err, "cgroup: mkdir %s", path);
}

void
cg_rollback_made (struct ocirun_cgroup *cg)
{
  struct ocirun_error ignored;

  while (cg->n_made > 0)
    {
      char *p = cg->made[--cg->n_made];
      cg_rmdir_tree (p, &ignored);
      free (p);
    }
}

void
cg_forget_made (struct ocirun_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_made; i++)
    free (cg->made[i]);
  free (cg->made);
  cg->made = NULL;
  cg->n_made = 0;
}
