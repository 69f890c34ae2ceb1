/* exec.c - run another process in a running container: join its
 * namespaces (through a pidfd of the container process, so a recycled
 * pid can't be joined), its cgroup, apply the process attributes and the
 * security area's finalize, execve.
 *
 * The pid namespace (and time namespace) only apply to children, so the
 * runtime joins them itself before forking: the one child is born in the
 * container's pid namespace, no second fork needed. */
#include "libocirun/container_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocirun/cgroup.h"
#include "libocirun/cleanup.h"
#include "libocirun/exec.h"
#include "libocirun/fds.h"
#include "libocirun/sanitizer.h"
#include "libocirun/log.h"
#include "libocirun/memory_policy.h"
#include "libocirun/process.h"
#include "libocirun/security.h"
#include "libocirun/sync.h"
#include "libocirun/terminal.h"
#include "libocirun/userns.h"
#include "oci-spec/json_tree.h"

struct exec_ctx
{
  const struct ocirun_exec_options *opts;
  struct ocirun_container c;
  char state_dir[PATH_MAX];
  struct ocirun_state *st;
  struct oci_process *p;
  int rootfd, dirfd, pidfd;
  int sync_fd, child_sync_fd;
  int console_fd, console_parent_fd;
  int child_pidfd;
  int join_flags;   /* joined by the child */
  int parent_flags; /* joined by us before fork: pid, time */
  pid_t child;
};

static void
ctx_release (struct exec_ctx *x)
{
  int *fds[] = { &x->rootfd,
                 &x->dirfd,
                 &x->pidfd,
                 &x->sync_fd,
                 &x->child_sync_fd,
                 &x->console_fd,
                 &x->console_parent_fd,
                 &x->child_pidfd };

  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (*fds[i] >= 0)
      close (*fds[i]);
  if (x->child > 0)
    {
      kill (x->child, SIGKILL);
      waitpid (x->child, NULL, 0);
    }
  ocirun_security_release (&x->c);
  ocirun_cgroup_free (x->c.cgroup);
  oci_config_free (x->c.config);
  oci_process_free (x->p);
  ocirun_state_free (x->st);
}

/* ---- the child ------------------------------------------------------ */

static int
child_setup (struct exec_ctx *x, struct ocirun_error *err)
{
  const struct oci_process *p = x->p;
  char exe[PATH_MAX];
  char **env;

  if (ocirun_protect_runtime_binary (err) < 0)
    return -1;
  /* Still single-threaded: join the cgroups the runtime opened for us
   * (v1 `tasks`: no global lock; cgroup2: born there by clone3). */
  if (x->c.cgroup && ocirun_cgroup_enter_self (&x->c, err) < 0)
    return -1;
  /* Nothing of the runtime's part is left after the clone: no GO to wait
   * for (one round trip less). */
  /* Before joining a user namespace, where they would need rights over
   * the host we no longer have. */
  if (ocirun_process_set_rlimits (0, p, err) < 0
      || ocirun_process_set_oom_score_adj (0, p, err) < 0)
    return -1;
  if (x->join_flags && setns (x->pidfd, x->join_flags) < 0)
    return ocirun_error_errno (err, "join the namespaces of container `%s`",
                               x->c.id);
  if (p->exec_cpu_affinity
      && ocirun_process_set_cpu_affinity (p->exec_cpu_affinity->final
                                              ? p->exec_cpu_affinity->final
                                              : p->exec_cpu_affinity->initial,
                                          err)
             < 0)
    return -1;
  /* linux.memoryPolicy is the container's: its exec'd processes get it
   * too (set_mempolicy is per task, inherited across execve). */
  if (ocirun_process_set_io_priority (p, err) < 0
      || ocirun_process_set_scheduler (p, err) < 0
      || ocirun_memory_policy_apply (
             x->c.config->linux_ ? x->c.config->linux_->memory_policy : NULL,
             err)
             < 0)
    return -1;
  if (ocirun_process_chdir (p->cwd, err) < 0)
    return -1;
  if (x->console_fd >= 0)
    {
      if (ocirun_terminal_setup (x->console_fd, p->console_size, false, err)
          < 0)
        return -1;
      x->console_fd = -1;
    }
  env = ocirun_env_with_home (p->env, p->user.uid);
  if (ocirun_process_find_executable (p->args[0], env, exe, sizeof exe, err)
          < 0
      || ocirun_fds_close_from (3 + x->opts->preserve_fds, err) < 0)
    return -1;
  if (p->user.uid != 0
      && ocirun_fds_chown_stdio (p->user.uid, p->user.gid, err) < 0)
    return -1;
  if (ocirun_process_finalize (&x->c, p, err) < 0)
    return -1;
  execve (exe, p->args, env ? env : (char *[]){ NULL });
  return ocirun_error_errno (err, "exec: \"%s\"", p->args[0]);
}

static _Noreturn void
exec_child (struct exec_ctx *x)
{
  struct ocirun_error err;
  sigset_t empty;

  /* The runtime's ends: EOF must mean it died, and the state dir's lock
   * belongs to the open file we share. */
  close (x->sync_fd);
  close (x->dirfd);
  if (x->console_parent_fd >= 0)
    close (x->console_parent_fd);
  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);
  ocirun_error_clear (&err);
  child_setup (x, &err);
  ocirun_sync_send_error (x->child_sync_fd, &err);
  _exit (1);
}

/* ---- the runtime side --------------------------------------------------- */

static int
load_config_copy (struct exec_ctx *x, struct ocirun_error *err)
{
  char path[64];
  cleanup_free char *buf = NULL;
  size_t len;

  snprintf (path, sizeof path, "/proc/self/fd/%d/" OCIRUN_CONFIG_COPY,
            x->dirfd);
  if (oci_json_read_file (path, &buf, &len, err) < 0)
    return ocirun_error_prefix (err, "container `%s`", x->c.id);
  return oci_config_parse_data (buf, len, "config.json", &x->c.config, err);
}

static int
check_status (struct exec_ctx *x, struct ocirun_error *err)
{
  enum oci_status st = ocirun_state_status (x->st);
  const char *id = x->c.id;

  if (st == OCI_STATUS_STOPPED)
    return ocirun_error_set (
        err, 0, "cannot exec in container `%s`: it is stopped", id);
  if (st == OCI_STATUS_CREATING)
    return ocirun_error_set (err, 0,
                             "cannot exec in container `%s`: it is being "
                             "created",
                             id);
  if (ocirun_cgroup_is_paused (&x->c))
    return ocirun_error_set (
        err, 0, "cannot exec in container `%s`: it is paused", id);
  x->pidfd = ocirun_open_pidfd (x->st->pid, x->st->pid_start);
  if (x->pidfd < 0 && errno != ESRCH && errno != ENOENT)
    return ocirun_error_errno (err, "cannot exec in container `%s`", id);
  if (x->pidfd < 0)
    return ocirun_error_set (
        err, 0, "cannot exec in container `%s`: it is stopped", id);
  return 0;
}

static int
check_terminal (struct exec_ctx *x, struct ocirun_error *err)
{
  const struct ocirun_exec_options *o = x->opts;
  bool tty = x->p->terminal.set && x->p->terminal.value;
  int sv[2];

  if (o->console_socket && o->console_socket[0])
    {
      if (!tty)
        return ocirun_error_set (err, EINVAL, "--console-socket needs --tty");
      return ocirun_terminal_connect (o->console_socket, &x->console_fd, err);
    }
  if (!tty)
    return 0;
  if (o->detach)
    return ocirun_error_set (err, EINVAL,
                             "--tty with --detach needs --console-socket");
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return ocirun_error_errno (err, "create the terminal socket");
  x->console_parent_fd = sv[0];
  x->console_fd = sv[1];
  return 0;
}

static void
plan_joins (struct exec_ctx *x)
{
  for (int t = 1; t < OCI_NS_COUNT_; t++)
    {
      if (!(x->st->ns_mask & OCIRUN_NS_BIT (t)))
        continue;
      if (t == OCI_NS_PID || t == OCI_NS_TIME)
        x->parent_flags |= oci_namespace_type_clone_flag (t);
      else
        x->join_flags |= oci_namespace_type_clone_flag (t);
    }
}

static int
prepare (struct exec_ctx *x, const char *id, struct ocirun_error *err)
{
  const struct ocirun_exec_options *o = x->opts;

  if (ocirun_open_container (o->root, id, LOCK_SH, &x->rootfd, &x->dirfd, err)
          < 0
      || ocirun_read_state (x->dirfd, id, &x->st, err) < 0)
    return -1;
  ocirun_container_for (&x->c, o->root, id, x->state_dir, sizeof x->state_dir);
  if (check_status (x, err) < 0 || load_config_copy (x, err) < 0)
    return -1;
  if (ocirun_exec_build_process (x->c.config->process, o, &x->p, err) < 0)
    return -1;
  if (ocirun_security_validate_process (
          x->p, o->process_file ? o->process_file : "process", err)
      < 0)
    return -1;
  if (check_terminal (x, err) < 0)
    return -1;
  plan_joins (x);
  return ocirun_security_prepare (&x->c, err);
}

static const char *
cgroup_subpath (const char *s)
{
  /* runc's --cgroup [controller:]path; one sub-cgroup for every
   * hierarchy here, so the controller prefix only selects the path. */
  const char *colon = s ? strchr (s, ':') : NULL;
  return colon ? colon + 1 : s;
}

static int
spawn (struct exec_ctx *x, struct ocirun_error *err)
{
  int sv[2];
  int cgfd;

  /* Under ASan: LSan's exit check can't work after a pid ns setns.  (3:
   * the setup socket and the child's pidfd, at least, are still to come.) */
  if ((x->parent_flags & CLONE_NEWPID) && ocirun_leak_check_now (3) < 0)
    return ocirun_error_errno (err,
                               "leak check before joining the pid namespace");
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return ocirun_error_errno (err, "create the setup socket");
  x->sync_fd = sv[0];
  x->child_sync_fd = sv[1];
  if (ocirun_userns_join_for_exec (x->pidfd, x->st->ns_mask, x->parent_flags,
                                   &x->join_flags, err)
      < 0)
    return -1;
  if (x->parent_flags && setns (x->pidfd, x->parent_flags) < 0)
    return ocirun_error_errno (err, "join the pid namespace of `%s`", x->c.id);
  /* The child joins the cgroups itself: a pid written by us costs an RCU
   * grace period (see ocirun_cgroup_prepare_enter). */
  if (ocirun_cgroup_prepare_enter (&x->c, cgroup_subpath (x->opts->cgroup),
                                   err)
      < 0)
    return -1;
  cgfd = ocirun_cgroup_clone_fd (&x->c);
  x->child = ocirun_clone (0, &x->child_pidfd, cgfd);
  if (x->child < 0 && cgfd >= 0)
    {
      ocirun_cgroup_clone_fd_unused (&x->c);
      x->child = ocirun_clone (0, &x->child_pidfd, -1);
    }
  if (x->child < 0)
    return ocirun_error_errno (err, "clone");
  if (x->child == 0)
    exec_child (x);
  close (x->child_sync_fd);
  x->child_sync_fd = -1;
  if (x->console_parent_fd >= 0)
    {
      close (x->console_fd);
      x->console_fd = -1;
    }
  ocirun_security_release (&x->c);
  return ocirun_await_exec (x->sync_fd, "exec", NULL, err);
}

static int
wait_child (struct exec_ctx *x, int sigfd, int *exit_code,
            struct ocirun_error *err)
{
  pid_t pid = x->child;
  int status;

  if (x->console_parent_fd >= 0)
    {
      cleanup_close int master = -1;
      if (ocirun_terminal_recv (x->console_parent_fd, &master, err) < 0
          || ocirun_terminal_proxy (master, sigfd, pid, NULL, err) < 0)
        return -1;
    }
  status = ocirun_wait_forwarding (pid, x->child_pidfd, sigfd, NULL, err);
  if (status < 0)
    return -1;
  x->child = 0;
  *exit_code = ocirun_exit_code_of (status);
  return 0;
}

int
ocirun_container_exec (const char *id, const struct ocirun_exec_options *opts,
                       int *exit_code, struct ocirun_error *err)
{
  struct exec_ctx x = { .opts = opts };
  sigset_t old;
  int sigfd = -1;
  int ret = -1;

  x.rootfd = x.dirfd = x.pidfd = x.sync_fd = x.child_sync_fd = -1;
  x.console_fd = x.console_parent_fd = x.child_pidfd = -1;
  *exit_code = 0;
  if (prepare (&x, id, err) < 0)
    goto out;
  if (!opts->detach && (sigfd = ocirun_forward_begin (&old, err)) < 0)
    goto out;
  if (spawn (&x, err) < 0)
    goto out;
  if (opts->pid_file && opts->pid_file[0]
      && ocirun_write_pid_file (opts->pid_file, x.child, err) < 0)
    goto out;
  /* Running: a concurrent delete may go ahead now. */
  close (x.dirfd);
  x.dirfd = -1;
  if (opts->detach)
    {
      x.child = 0; /* it runs on its own */
      ret = 0;
      goto out;
    }
  ret = wait_child (&x, sigfd, exit_code, err);
out:
  ocirun_forward_end (sigfd, &old);
  ctx_release (&x);
  return ret;
}
