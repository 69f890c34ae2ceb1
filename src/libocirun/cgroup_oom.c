/* cgroup_oom.c - OOM-kill notifications for `events`.
 *
 * v1: an eventfd registered through cgroup.event_control against
 * memory.oom_control; the kernel bumps it on every OOM (and once when the
 * cgroup is removed, which we tell apart by the directory being gone).
 * v2: inotify on memory.events; a rise of its oom_kill counter is an
 * event. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

struct ocirun_cgroup_oom
{
  bool v1;
  char *dir;
  int fd;         /* eventfd (v1) or inotify (v2) */
  int control_fd; /* v1: memory.oom_control, kept open while registered */
  uint64_t last;  /* v2: oom_kill count seen so far */
};

void
ocirun_cgroup_oom_close (struct ocirun_cgroup_oom *oom)
{
  if (oom == NULL)
    return;
  if (oom->fd >= 0)
    close (oom->fd);
  if (oom->control_fd >= 0)
    close (oom->control_fd);
  free (oom->dir);
  free (oom);
}

static uint64_t
oom_kills (const char *dir)
{
  cleanup_free char *text = NULL;
  struct ocirun_error ignored;
  uint64_t v = 0;

  if (cg_read_all (dir, "memory.events", &text, &ignored) == 0)
    cg_kv_lookup (text, "oom_kill", &v);
  return v;
}

static int
open_v1 (struct ocirun_cgroup_oom *oom, struct ocirun_error *err)
{
  char path[4096];

  snprintf (path, sizeof path, "%s/memory.oom_control", oom->dir);
  oom->control_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (oom->control_fd < 0)
    return ocirun_error_errno (err, "cgroup: open %s", path);
  oom->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (oom->fd < 0)
    return ocirun_error_errno (err, "cgroup: eventfd");
  return cg_writef (oom->dir, "cgroup.event_control", err, "%d %d", oom->fd,
                    oom->control_fd);
}

static int
open_v2 (struct ocirun_cgroup_oom *oom, struct ocirun_error *err)
{
  char path[4096];

  snprintf (path, sizeof path, "%s/memory.events", oom->dir);
  oom->fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  if (oom->fd < 0)
    return ocirun_error_errno (err, "cgroup: inotify");
  if (inotify_add_watch (oom->fd, path, IN_MODIFY) < 0)
    return ocirun_error_errno (err, "cgroup: watch %s", path);
  oom->last = oom_kills (oom->dir);
  return 0;
}

int
ocirun_cgroup_oom_open (struct ocirun_container *c,
                        struct ocirun_cgroup_oom **out, int *fd,
                        struct ocirun_error *err)
{
  struct ocirun_cgroup_oom *oom;
  const struct ocirun_cgroup *cg;
  const char *dir;
  int r;

  if (c->cgroup == NULL && ocirun_cgroup_load (c, err) < 0)
    return -1;
  cg = c->cgroup;
  oom = calloc (1, sizeof *oom);
  if (oom == NULL)
    return ocirun_error_errno (err, "cgroup");
  oom->fd = oom->control_fd = -1;
  oom->v1 = cg->v1_path[CG_MEMORY] != NULL;
  dir = oom->v1 ? cg->v1_path[CG_MEMORY] : cg->unified_path;
  if (dir == NULL || (oom->dir = strdup (dir)) == NULL)
    {
      ocirun_cgroup_oom_close (oom);
      return ocirun_error_set (err, ENODEV, "cgroup: no memory controller");
    }
  r = oom->v1 ? open_v1 (oom, err) : open_v2 (oom, err);
  if (r < 0)
    {
      ocirun_cgroup_oom_close (oom);
      return -1;
    }
  *out = oom;
  *fd = oom->fd;
  return 0;
}

/* v1: the eventfd counter is the number of OOMs since the last read. */
static int
read_v1 (struct ocirun_cgroup_oom *oom, struct ocirun_error *err)
{
  uint64_t n = 0;

  if (read (oom->fd, &n, sizeof n) != sizeof n)
    return errno == EAGAIN ? 0 : ocirun_error_errno (err, "cgroup: oom");
  /* The removal of the cgroup also signals the eventfd. */
  if (!cg_file_exists (oom->dir, "cgroup.event_control"))
    return 0;
  return (int)n;
}

/* v2: drain inotify, then compare memory.events' oom_kill counter. */
static int
read_v2 (struct ocirun_cgroup_oom *oom)
{
  char buf[4096];
  uint64_t now;
  int d;

  while (read (oom->fd, buf, sizeof buf) > 0)
    ;
  now = oom_kills (oom->dir);
  if (now <= oom->last)
    return 0;
  d = (int)(now - oom->last);
  oom->last = now;
  return d;
}

int
ocirun_cgroup_oom_read (struct ocirun_cgroup_oom *oom,
                        struct ocirun_error *err)
{
  return oom->v1 ? read_v1 (oom, err) : read_v2 (oom);
}
