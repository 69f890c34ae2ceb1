/* lifecycle.c - start, state, kill, delete and list: the commands that
 * work from the state directory alone (never config.json). */
#include "libocirun/container_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/cgroup.h"
#include "libocirun/cleanup.h"
#include "libocirun/hooks.h"
#include "libocirun/log.h"
#include "libocirun/notify_socket.h"
#include "libocirun/rootless.h"
#include "libocirun/sync.h"
#include "libocirun/test_hooks.h"

/* Open root + the container's directory; a missing root is a missing
 * container. */
int
ocirun_open_container (const char *root, const char *id, int lock, int *rootfd,
                       int *dirfd, struct ocirun_error *err)
{
  if (ocirun_state_validate_id (id, err) < 0)
    return -1;
  if (ocirun_state_root_open (root, false, rootfd, err) < 0)
    {
      if (err->errnum == ENOENT)
        return ocirun_error_set (err, 0, "container `%s` does not exist", id);
      return -1;
    }
  return ocirun_state_dir_open (*rootfd, id, lock, dirfd, err);
}

int
ocirun_read_state (int dirfd, const char *id, struct ocirun_state **s,
                   struct ocirun_error *err)
{
  if (ocirun_state_read (dirfd, s, err) < 0)
    {
      /* No state.json: a create that died before writing it, or a delete
       * removing it right now.  Either way there is no container to
       * talk about (delete --force still cleans the directory). */
      if (err->errnum == ENOENT)
        return ocirun_error_set (err, 0, "container `%s` does not exist", id);
      return ocirun_error_prefix (err, "container `%s`", id);
    }
  return 0;
}

void
ocirun_container_for (struct ocirun_container *c, const char *root,
                      const char *id, char *path, size_t len)
{
  memset (c, 0, sizeof *c);
  snprintf (path, len, "%s/%s", root, id);
  c->id = (char *)id;
  c->state_dir = path;
  c->sync_fd = -1;
  c->seccomp_notify_fd = -1;
}

/* ---- start ------------------------------------------------------------- */

int
ocirun_await_exec (int fd, const char *what, int *notify_fd,
                   struct ocirun_error *err)
{
  struct ocirun_sync_msg m;
  int eof, passed;

  for (;;)
    {
      if (ocirun_sync_recv_fd (fd, &m, &eof, &passed, err) < 0)
        /* EOF: the fd was close-on-exec, so execve succeeded (or the
         * process died, which `state` will tell). */
        return eof ? 0 : -1;
      if (m.type == OCIRUN_SYNC_NOTIFY_FD && passed >= 0)
        {
          if (notify_fd && *notify_fd < 0)
            *notify_fd = passed;
          else
            close (passed);
          continue;
        }
      if (passed >= 0)
        close (passed);
      if (m.type == OCIRUN_SYNC_ERROR)
        return ocirun_sync_error_from_msg (&m, err);
      return ocirun_error_set (err, EPROTO, "%s: unexpected message %u", what,
                               m.type);
    }
}

static int
status_error (const char *id, enum oci_status st, const char *op,
              struct ocirun_error *err)
{
  switch (st)
    {
    case OCI_STATUS_RUNNING:
      return ocirun_error_set (
          err, 0, "cannot %s container `%s`: it is running", op, id);
    case OCI_STATUS_STOPPED:
      return ocirun_error_set (
          err, 0, "cannot %s container `%s`: it is stopped", op, id);
    case OCI_STATUS_CREATING:
      return ocirun_error_set (err, 0,
                               "cannot %s container `%s`: it is being "
                               "created",
                               op, id);
    default:
      return ocirun_error_set (
          err, 0, "cannot %s container `%s`: it is not created", op, id);
    }
}

void
ocirun_run_poststart (const struct ocirun_state *s)
{
  cleanup_free char *json = NULL;
  size_t len;
  struct ocirun_error err;

  if (s->poststart_len == 0)
    return;
  if (ocirun_state_to_json (s, "running", OCIRUN_STATE_HOOK, &json, &len, &err)
      < 0)
    {
      ocirun_log_error (&err);
      return;
    }
  ocirun_hooks_run_warn (s->poststart, s->poststart_len, "poststart", json,
                         len);
}

static int
send_start (const char *root, const char *id, int dirfd, int *notify_fd,
            struct ocirun_error *err)
{
  struct sockaddr_un addr;
  char dir[4096];
  cleanup_close int fd = -1;

  snprintf (dir, sizeof dir, "%s/%s", root, id);
  ocirun_state_sock_path (dir, dirfd, OCIRUN_START_SOCKET, &addr);
  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ocirun_error_errno (err, "create socket");
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return ocirun_error_errno (err,
                               "container `%s` is not waiting for "
                               "start",
                               id);
  if (ocirun_sync_send (fd, OCIRUN_SYNC_START, 0, err) < 0)
    return -1;
  return ocirun_await_exec (fd, "start", notify_fd, err);
}

/* NOTIFY_SOCKET: hold `start` until the container says READY=1, as
 * systemd expects of a Type=notify service's start command.  The lock is
 * released first: kill, state and exec must work meanwhile. */
static void
relay_until_ready (const struct ocirun_state *s, int notify_fd, int *dirfd)
{
  struct ocirun_notify_relay r;
  cleanup_close int pidfd = -1;

  ocirun_notify_relay_open (&r, notify_fd, *dirfd, s->pid);
  close (*dirfd);
  *dirfd = -1;
  if (r.fd < 0)
    return;
  pidfd = ocirun_open_pidfd (s->pid, s->pid_start);
  ocirun_notify_relay_until_ready (&r, pidfd);
  ocirun_notify_relay_close (&r);
}

int
ocirun_container_start (const char *root, const char *id,
                        struct ocirun_error *err)
{
  cleanup_close int rootfd = -1;
  cleanup_close int dirfd = -1;
  cleanup_state struct ocirun_state *s = NULL;
  enum oci_status st;
  int notify_fd = -1;

  if (ocirun_open_container (root, id, LOCK_EX, &rootfd, &dirfd, err) < 0
      || ocirun_read_state (dirfd, id, &s, err) < 0)
    return -1;
  st = ocirun_state_status (s);
  if (st != OCI_STATUS_CREATED)
    return status_error (id, st, "start", err);
  ocirun_test_stop_at ("start-before-signal");
  if (send_start (root, id, dirfd, &notify_fd, err) < 0)
    {
      if (notify_fd >= 0)
        close (notify_fd);
      return -1;
    }
  ocirun_test_stop_at ("start-after-signal");
  unlinkat (dirfd, OCIRUN_START_SOCKET, 0);
  s->status = OCI_STATUS_RUNNING;
  /* The process runs now whatever happens to this write, and the state
   * dir already says so (start.sock is gone): failing `start` here would
   * be the lie. */
  if (ocirun_state_write (dirfd, s, err) < 0)
    ocirun_log (OCIRUN_LOG_WARNING, "container `%s` started, but: %s", id,
                err->msg);
  ocirun_run_poststart (s);
  relay_until_ready (s, notify_fd, &dirfd);
  return 0;
}

/* ---- state ------------------------------------------------------------ */

/* "paused" comes from the freezer, not from our state file. */
static const char *
status_text (const char *root, const struct ocirun_state *s,
             enum oci_status st)
{
  struct ocirun_container c;
  char path[4096];
  bool paused;

  if (st != OCI_STATUS_RUNNING && st != OCI_STATUS_CREATED)
    return oci_status_to_string (st);
  ocirun_container_for (&c, root, s->id, path, sizeof path);
  paused = ocirun_cgroup_is_paused (&c);
  ocirun_cgroup_free (c.cgroup);
  return paused ? "paused" : oci_status_to_string (st);
}

int
ocirun_container_state (const char *root, const char *id, char **json,
                        struct ocirun_error *err)
{
  cleanup_close int rootfd = -1;
  cleanup_close int dirfd = -1;
  cleanup_state struct ocirun_state *s = NULL;

  if (ocirun_open_container (root, id, 0, &rootfd, &dirfd, err) < 0
      || ocirun_read_state (dirfd, id, &s, err) < 0)
    return -1;
  return ocirun_state_to_json (s,
                               status_text (root, s, ocirun_state_status (s)),
                               OCIRUN_STATE_RUNC_PRETTY, json, NULL, err);
}

/* ---- kill ----------------------------------------------------------------
 */

static int
signal_cgroup (const char *root, const char *id, int signo,
               struct ocirun_error *err)
{
  struct ocirun_container c;
  char path[4096];
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  int r;

  ocirun_container_for (&c, root, id, path, sizeof path);
  r = ocirun_cgroup_pids (&c, &pids, &n, err);
  ocirun_cgroup_free (c.cgroup);
  if (r < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], signo) < 0 && errno != ESRCH)
      return ocirun_error_errno (err, "kill %d", (int)pids[i]);
  return 0;
}

/* A pidfd for the recorded process, or -1 (ESRCH) when it is gone or the
 * pid was recycled: checking the start time after pidfd_open makes the
 * pidfd refer to the right process for good. */
int
ocirun_open_pidfd (pid_t pid, unsigned long long start)
{
  int fd = (int)syscall (SYS_pidfd_open, pid, 0);

  if (fd < 0)
    return -1;
  if (!ocirun_pid_is (pid, start))
    {
      close (fd);
      errno = ESRCH;
      return -1;
    }
  return fd;
}

int
ocirun_container_kill (const char *root, const char *id, int signo, bool all,
                       struct ocirun_error *err)
{
  cleanup_close int rootfd = -1;
  cleanup_close int dirfd = -1;
  cleanup_close int pidfd = -1;
  cleanup_state struct ocirun_state *s = NULL;
  enum oci_status st;

  if (ocirun_open_container (root, id, LOCK_SH, &rootfd, &dirfd, err) < 0
      || ocirun_read_state (dirfd, id, &s, err) < 0)
    return -1;
  st = ocirun_state_status (s);
  if (all)
    {
      if (signal_cgroup (root, id, signo, err) == 0)
        return 0;
      /* No cgroup (rootless, not delegated): its pid namespace then. */
      if (err->errnum != ENOENT)
        return -1;
      return ocirun_rootless_signal_pidns (s->pid, s->pid_start, signo, err);
    }
  if (st != OCI_STATUS_CREATED && st != OCI_STATUS_RUNNING)
    return ocirun_error_set (err, 0, "container `%s` is not running", id);
  pidfd = ocirun_open_pidfd (s->pid, s->pid_start);
  /* Only ESRCH means gone: EMFILE and the like are ours to report. */
  if (pidfd < 0 && errno != ESRCH)
    return ocirun_error_errno (err, "container `%s`: open pidfd", id);
  if (pidfd < 0)
    return ocirun_error_set (err, 0, "container `%s` is not running", id);
  if (syscall (SYS_pidfd_send_signal, pidfd, signo, NULL, 0) < 0)
    return ocirun_error_errno (err, "send signal %d to container `%s`", signo,
                               id);
  return 0;
}

/* ---- delete --------------------------------------------------------------
 */

/* SIGKILL the container process and wait until it is gone. */
static int
kill_and_wait (struct ocirun_container *c, const struct ocirun_state *s,
               struct ocirun_error *err)
{
  cleanup_close int pidfd = ocirun_open_pidfd (s->pid, s->pid_start);
  struct ocirun_error e2;
  struct pollfd pfd;

  if (pidfd < 0)
    return errno == ESRCH ? 0
                          : ocirun_error_errno (err,
                                                "open pidfd of container "
                                                "process %d",
                                                s->pid);
  if (syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0
      && errno != ESRCH)
    return ocirun_error_errno (err, "kill container process %d", s->pid);
  /* A frozen process dies only once thawed. */
  if (ocirun_cgroup_is_paused (c) && ocirun_cgroup_thaw (c, &e2) < 0)
    ocirun_log_error (&e2);
  pfd.fd = pidfd;
  pfd.events = POLLIN;
  while (poll (&pfd, 1, 10000) < 0)
    if (errno != EINTR)
      return ocirun_error_errno (err, "wait for container process %d", s->pid);
  return 0;
}

static void
run_poststop (struct ocirun_state *s)
{
  cleanup_free char *json = NULL;
  size_t len;
  struct ocirun_error err;

  if (s->poststop_len == 0)
    return;
  s->pid = 0;
  if (ocirun_state_to_json (s, "stopped", OCIRUN_STATE_HOOK, &json, &len, &err)
      < 0)
    {
      ocirun_log_error (&err);
      return;
    }
  ocirun_hooks_run_warn (s->poststop, s->poststop_len, "poststop", json, len);
}

int
ocirun_delete_locked (int rootfd, int dirfd, const char *root, const char *id,
                      bool force, struct ocirun_error *err)
{
  cleanup_state struct ocirun_state *s = NULL;
  struct ocirun_container c;
  char path[4096];
  enum oci_status st = OCI_STATUS_STOPPED;
  int r;

  /* Without state.json (create died early) or with a corrupt one, --force
   * still removes what can be found: the cgroup (it knows its own paths,
   * and kills what runs there) and the directory. */
  if (ocirun_state_read (dirfd, &s, err) < 0 && err->errnum != ENOENT
      && !force)
    return ocirun_error_prefix (err, "container `%s`", id);
  if (s)
    st = ocirun_state_status (s);
  if (!force && (st == OCI_STATUS_RUNNING || st == OCI_STATUS_CREATING))
    return ocirun_error_set (err, 0,
                             "cannot delete container `%s` that is not "
                             "stopped: %s (use --force)",
                             id, status_text (root, s, st));
  ocirun_container_for (&c, root, id, path, sizeof path);
  if (s && (st == OCI_STATUS_RUNNING || st == OCI_STATUS_CREATED)
      && kill_and_wait (&c, s, err) < 0)
    {
      ocirun_cgroup_free (c.cgroup);
      return -1;
    }
  ocirun_test_stop_at ("delete-after-kill");
  r = ocirun_cgroup_destroy (&c, err);
  ocirun_cgroup_free (c.cgroup);
  if (r < 0)
    return -1;
  ocirun_test_stop_at ("delete-after-cgroup");
  if (ocirun_state_dir_remove (rootfd, id, dirfd, err) < 0)
    return -1;
  if (s)
    run_poststop (s);
  return 0;
}

static bool
container_exists (const char *root, const char *id)
{
  char path[4096];
  struct ocirun_error e2;

  if (ocirun_state_validate_id (id, &e2) < 0)
    return true; /* let the normal path report it */
  snprintf (path, sizeof path, "%s/%s", root, id);
  return access (path, F_OK) == 0 || errno != ENOENT;
}

int
ocirun_container_delete (const char *root, const char *id, bool force,
                         struct ocirun_error *err)
{
  cleanup_close int rootfd = -1;
  cleanup_close int dirfd = -1;

  /* runc: --force on a missing container is not an error (engines
   * clean up this way after a failed create that left nothing). */
  if (force && !container_exists (root, id))
    return 0;
  if (ocirun_open_container (root, id, LOCK_EX, &rootfd, &dirfd, err) < 0)
    return -1;
  return ocirun_delete_locked (rootfd, dirfd, root, id, force, err);
}

/* ---- list ----------------------------------------------------------------
 */

static char *
owner_of (int rootfd, const char *id)
{
  struct stat st;
  struct passwd *pw;
  char buf[32];

  if (fstatat (rootfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return strdup ("");
  pw = getpwuid (st.st_uid);
  if (pw)
    return strdup (pw->pw_name);
  snprintf (buf, sizeof buf, "#%u", (unsigned)st.st_uid);
  return strdup (buf);
}

static int
list_one (const char *root, int rootfd, const char *id,
          struct ocirun_list_entry *e, struct ocirun_error *err)
{
  cleanup_close int dirfd = -1;
  cleanup_state struct ocirun_state *s = NULL;
  enum oci_status st;
  const char *text;

  if (ocirun_state_dir_open (rootfd, id, 0, &dirfd, err) < 0
      || ocirun_state_read (dirfd, &s, err) < 0)
    return -1;
  st = ocirun_state_status (s);
  text = status_text (root, s, st);
  s->owner = owner_of (rootfd, id);
  e->id = strdup (s->id);
  e->pid = st == OCI_STATUS_STOPPED ? 0 : s->pid;
  e->status = strdup (text);
  e->bundle = strdup (s->bundle);
  e->created = strdup (s->created ? s->created : "");
  e->owner = strdup (s->owner ? s->owner : "");
  return ocirun_state_to_json (s, text, OCIRUN_STATE_RUNC_LIST, &e->json, NULL,
                               err);
}

static void
entry_clear (struct ocirun_list_entry *e)
{
  free (e->id);
  free (e->status);
  free (e->bundle);
  free (e->created);
  free (e->owner);
  free (e->json);
  memset (e, 0, sizeof *e);
}

static int
cmp_entry (const void *a, const void *b)
{
  return strcmp (((const struct ocirun_list_entry *)a)->id,
                 ((const struct ocirun_list_entry *)b)->id);
}

int
ocirun_container_list (const char *root, struct ocirun_list_entry **out,
                       size_t *n, struct ocirun_error *err)
{
  cleanup_close int rootfd = -1;
  struct ocirun_list_entry *v = NULL;
  size_t len = 0, cap = 0;
  struct dirent *de;
  DIR *d;

  *out = NULL;
  *n = 0;
  if (ocirun_state_root_open (root, false, &rootfd, err) < 0)
    return err->errnum == ENOENT ? 0 : -1;
  int fd = dup (rootfd);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      return ocirun_error_set (err, saved, "read state root `%s`", root);
    }
  while ((de = readdir (d)) != NULL)
    {
      struct ocirun_error e2;
      if (de->d_name[0] == '.')
        continue;
      if (len == cap)
        {
          cap = cap ? cap * 2 : 16;
          struct ocirun_list_entry *nv = realloc (v, cap * sizeof *v);
          if (nv == NULL)
            break;
          v = nv;
        }
      memset (&v[len], 0, sizeof v[len]);
      /* Containers being created or deleted meanwhile are skipped, and
       * a corrupt one must not hide the others; running out of fds or
       * memory is an error, not an empty list. */
      if (list_one (root, rootfd, de->d_name, &v[len], &e2) == 0)
        len++;
      else
        {
          entry_clear (&v[len]);
          if (e2.errnum == EMFILE || e2.errnum == ENFILE
              || e2.errnum == ENOMEM)
            {
              *err = e2;
              closedir (d);
              ocirun_list_free (v, len);
              return -1;
            }
        }
    }
  closedir (d);
  if (len > 1)
    qsort (v, len, sizeof *v, cmp_entry);
  *out = v;
  *n = len;
  return 0;
}

void
ocirun_list_free (struct ocirun_list_entry *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    entry_clear (&v[i]);
  free (v);
}
