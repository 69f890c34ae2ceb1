/* init.c - the container process: from clone() to execve() of the user
 * program.  The order of the steps is the one container.h documents. */
#include "libocirun/init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "libocirun/cgroup.h"
#include "libocirun/cleanup.h"
#include "libocirun/fds.h"
#include "libocirun/hooks.h"
#include "libocirun/log.h"
#include "libocirun/network.h"
#include "libocirun/process.h"
#include "libocirun/rootfs.h"
#include "libocirun/security.h"
#include "libocirun/state.h"
#include "libocirun/sync.h"
#include "libocirun/terminal.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

pid_t
ocirun_clone (unsigned long flags, int *pidfd, int cgroup_fd)
{
  struct clone_args args = { 0 };
  long r;

  args.flags = flags | (pidfd ? CLONE_PIDFD : 0);
  args.pidfd = (uint64_t)(uintptr_t)pidfd;
  if (cgroup_fd >= 0)
    {
      /* Born in its cgroup (cgroup v2): no migration afterwards. */
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t)cgroup_fd;
    }
  /* With CLONE_PARENT the child inherits our own exit signal (SIGCHLD to
   * the runtime); clone3 insists on 0 here. */
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  r = syscall (SYS_clone3, &args, sizeof args);
  /* clone3 filtered (e.g. an old seccomp profile): same thing with
   * clone, which can't place the child in a cgroup: with cgroup_fd the
   * caller must know, so it gets the error and retries without. */
  if (r < 0 && errno == ENOSYS && cgroup_fd < 0)
    /* x86 argument order: flags, stack, parent_tid, child_tid. */
    r = syscall (SYS_clone,
                 flags | args.exit_signal | (pidfd ? CLONE_PIDFD : 0), 0,
                 pidfd, 0, 0);
  return (pid_t)r;
}

/* Where errors go: the runtime during create, `start` afterwards. */
static int report_fd = -1;
static int64_t host_pid;
static bool have_go;

static _Noreturn void
die (const struct ocirun_error *err)
{
  if (report_fd >= 0)
    {
      struct ocirun_sync_msg m;

      ocirun_sync_send_error (report_fd, err);
      /* Closing a unix socket with unread messages (a GO we never got
       * to) resets the connection: the peer would see ECONNRESET instead
       * of our error. */
      while (recv (report_fd, &m, sizeof m, MSG_DONTWAIT) > 0)
        ;
    }
  _exit (1);
}

/* GO carries the host pid and says the parent's part (uid/gid maps,
 * netDevices) is done.  It is queued right after clone, so reading it
 * late costs no wait. */
static int
ensure_go (struct ocirun_init_args *a, struct ocirun_error *err)
{
  struct ocirun_sync_msg m;

  if (have_go)
    return 0;
  if (ocirun_sync_expect (a->sync_fd, OCIRUN_SYNC_GO, &m, "runtime", err) < 0)
    return -1;
  host_pid = m.value;
  a->c->pid = (pid_t)m.value;
  have_go = true;
  return 0;
}

static bool
has_ns (const struct ocirun_init_args *a, enum oci_namespace_type t)
{
  return (a->plan->new_mask & OCIRUN_NS_BIT (t)) != 0;
}

/* In a new user namespace: become its root (maps are written by now). */
static int
become_userns_root (struct ocirun_error *err)
{
  if (setresgid (0, 0, 0) < 0)
    return ocirun_error_errno (err, "setresgid to 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return ocirun_error_errno (err, "setresuid to 0 in the user namespace");
  return 0;
}

static void
join_session_keyring (const struct ocirun_container *c)
{
  /* Don't share the caller's session keyring with the container.
   * ENOSYS/EACCES/EDQUOT (keyrings disabled or exhausted) are not fatal,
   * as with runc. */
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, c->id) < 0)
    ocirun_debug ("join session keyring: %s", ocirun_strerror (errno));
}

static int
state_json (struct ocirun_init_args *a, const char *status, char **json,
            size_t *len, struct ocirun_error *err)
{
  const struct oci_config *cfg = a->c->config;
  struct ocirun_state s = { 0 };

  if (ensure_go (a, err) < 0)
    return -1;
  s.oci_version = cfg->oci_version;
  s.id = a->c->id;
  s.bundle = a->c->bundle;
  s.pid = (pid_t)host_pid;
  s.annotations = cfg->annotations;
  s.annotations_len = cfg->annotations_len;
  return ocirun_state_to_json (&s, status, OCIRUN_STATE_HOOK, json, len, err);
}

/* Namespaces, cgroup, ids: everything up to the first mount. */
static int
setup_isolation (struct ocirun_init_args *a, struct ocirun_error *err)
{
  struct ocirun_container *c = a->c;
  const struct oci_process *p = c->config->process;
  const char *initial
      = p->exec_cpu_affinity ? p->exec_cpu_affinity->initial : NULL;
  const char *final_
      = p->exec_cpu_affinity ? p->exec_cpu_affinity->final : NULL;

  if (!a->stage2)
    {
      if (ocirun_process_set_cpu_affinity (initial, err) < 0)
        return -1;
      if (c->cgroup && ocirun_cgroup_enter_self (c, err) < 0)
        return -1;
      if (has_ns (a, OCI_NS_USER) && become_userns_root (err) < 0)
        return -1;
    }
  if (has_ns (a, OCI_NS_CGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return ocirun_error_errno (err, "unshare the cgroup namespace");
  if (ocirun_process_set_cpu_affinity (final_, err) < 0)
    return -1;
  if (!c->opts.no_new_keyring)
    join_session_keyring (c);
  if ((a->plan->mask & OCIRUN_NS_BIT (OCI_NS_UTS))
      && ocirun_process_set_hostname (c->config, err) < 0)
    return -1;
  if (ocirun_net_child_setup (c, err) < 0)
    return -1;
  if (ocirun_process_set_personality (c->config, err) < 0
      || ocirun_process_set_io_priority (p, err) < 0
      || ocirun_process_set_scheduler (p, err) < 0
      || ocirun_memory_policy_apply (
             c->config->linux_ ? c->config->linux_->memory_policy : NULL, err)
             < 0)
    return -1;
  return 0;
}

/* Ask the runtime to run prestart + createRuntime hooks (they belong in
 * the runtime's namespaces), then run createContainer hooks here. */
static int
run_create_hooks (struct ocirun_init_args *a, struct ocirun_error *err)
{
  const struct oci_hooks *h = a->c->config->hooks;
  struct ocirun_sync_msg m;
  cleanup_free char *json = NULL;
  size_t len;

  if (h == NULL)
    return 0;
  if (h->prestart_len > 0 || h->create_runtime_len > 0)
    {
      if (ensure_go (a, err) < 0
          || ocirun_sync_send (a->sync_fd, OCIRUN_SYNC_HOOKS, 0, err) < 0
          || ocirun_sync_expect (a->sync_fd, OCIRUN_SYNC_HOOKS_DONE, &m,
                                 "runtime", err)
                 < 0)
        return -1;
    }
  if (h->create_container_len == 0)
    return 0;
  if (state_json (a, "creating", &json, &len, err) < 0)
    return -1;
  return ocirun_hooks_run (h->create_container, h->create_container_len,
                           "createContainer", json, len, err);
}

/* `start` relays NOTIFY_SOCKET messages from now on: it needs the socket
 * create bound, which only we still hold. */
static int
hand_over_notify (struct ocirun_init_args *a, int conn,
                  struct ocirun_error *err)
{
  int r = 0;

  if (a->notify_fd < 0)
    return 0;
  r = ocirun_sync_send_fd (conn, OCIRUN_SYNC_NOTIFY_FD, a->notify_fd, err);
  close (a->notify_fd);
  a->notify_fd = -1;
  return r;
}

/* Wait for `start`: on the start socket (create) or the setup socket
 * (run).  Returns the fd later errors are reported on. */
static int
wait_for_start (struct ocirun_init_args *a, struct ocirun_error *err)
{
  struct ocirun_sync_msg m;
  int eof;

  if (a->start_fd < 0)
    {
      if (ocirun_sync_recv (a->sync_fd, &m, &eof, err) < 0)
        _exit (eof ? 0 : 1);
      if (m.type != OCIRUN_SYNC_START)
        _exit (1);
      return a->sync_fd;
    }
  /* create: the runtime commits the state, then leaves.  EOF before the
   * commit means it died: nobody knows about us, go away. */
  if (ocirun_sync_recv (a->sync_fd, &m, &eof, err) < 0
      || m.type != OCIRUN_SYNC_COMMITTED)
    _exit (1);
  close (a->sync_fd);
  report_fd = -1;
  for (;;)
    {
      int conn = accept4 (a->start_fd, NULL, NULL, SOCK_CLOEXEC);
      if (conn < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          return ocirun_error_errno (err, "accept on the start socket");
        }
      if (ocirun_sync_recv (conn, &m, NULL, err) == 0
          && m.type == OCIRUN_SYNC_START)
        {
          close (a->start_fd);
          return hand_over_notify (a, conn, err) < 0 ? -1 : conn;
        }
      close (conn);
    }
}

static char **
exec_env (struct ocirun_init_args *a, const struct oci_process *p)
{
  static char *empty[] = { NULL };
  static char fds_var[32], pid_var[32];
  const char *set[2] = { fds_var, pid_var };

  if (a->listen_fds <= 0)
    return p->env ? p->env : empty;
  /* Socket activation: the fds are the container's now, and LISTEN_PID
   * is the pid the program sees for itself. */
  snprintf (fds_var, sizeof fds_var, "LISTEN_FDS=%d", a->listen_fds);
  snprintf (pid_var, sizeof pid_var, "LISTEN_PID=%d", (int)getpid ());
  char **env = ocirun_env_with (p->env, p->env_len, set, 2);
  return env ? env : (p->env ? p->env : empty);
}

static int
init_setup (struct ocirun_init_args *a, struct ocirun_error *err)
{
  struct ocirun_container *c = a->c;
  const struct oci_process *p = c->config->process;
  char exe[PATH_MAX];
  char **env;
  int conn;

  /* Dumpable until GO: an unprivileged runtime may open our
   * /proc/<pid>/uid_map (and newuidmap may) only while we are.  Nothing
   * of the container runs before: every namespace is new here, or stage 1
   * protected itself already. */
  if (a->wait_go && ensure_go (a, err) < 0)
    return -1;
  if (ocirun_protect_runtime_binary (err) < 0)
    return -1;
  if (setup_isolation (a, err) < 0)
    return -1;
  if (ocirun_rootfs_prepare (c, err) < 0)
    return -1;
  if (run_create_hooks (a, err) < 0)
    return -1;
  if (ocirun_rootfs_finalize (c, err) < 0)
    return -1;
  if (ocirun_process_chdir (p->cwd, err) < 0)
    return -1;
  if (a->console_fd >= 0)
    {
      if (ocirun_terminal_setup (a->console_fd, p->console_size,
                                 c->new_mountns, err)
          < 0)
        return -1;
      a->console_fd = -1;
    }
  env = ocirun_env_with_home (exec_env (a, p), p->user.uid);
  if (ocirun_process_find_executable (p->args[0], env, exe, sizeof exe, err)
      < 0)
    return -1;
  if (ocirun_fds_close_from (3 + a->keep_fds, err) < 0)
    return -1;
  if (p->user.uid != 0
      && ocirun_fds_chown_stdio (p->user.uid, p->user.gid, err) < 0)
    return -1;
  if (ensure_go (a, err) < 0
      || ocirun_sync_send (a->sync_fd, OCIRUN_SYNC_READY, 0, err) < 0)
    return -1;

  conn = wait_for_start (a, err);
  if (conn < 0)
    return -1;
  report_fd = conn;
  if (a->state_dirfd >= 0)
    {
      /* Started: the state dir now tells "running" by itself. */
      unlinkat (a->state_dirfd, OCIRUN_START_SOCKET, 0);
      close (a->state_dirfd);
      a->state_dirfd = -1;
    }
  if (c->config->hooks && c->config->hooks->start_container_len > 0)
    {
      cleanup_free char *json = NULL;
      size_t len;
      if (state_json (a, "created", &json, &len, err) < 0
          || ocirun_hooks_run (c->config->hooks->start_container,
                               c->config->hooks->start_container_len,
                               "startContainer", json, len, err)
                 < 0)
        return -1;
    }
  if (ocirun_process_finalize (c, p, err) < 0)
    return -1;
  execve (exe, p->args, env);
  return ocirun_error_errno (err, "exec: \"%s\"", p->args[0]);
}

static void
drop_runtime_fds (struct ocirun_init_args *a)
{
  for (size_t i = 0; i < sizeof a->close_fds / sizeof a->close_fds[0]; i++)
    if (a->close_fds[i] >= 0)
      {
        close (a->close_fds[i]);
        a->close_fds[i] = -1;
      }
}

_Noreturn void
ocirun_init_run (struct ocirun_init_args *a)
{
  struct ocirun_error err;
  sigset_t empty;

  report_fd = a->sync_fd;
  drop_runtime_fds (a);
  /* The runtime may block signals to forward them; the container starts
   * with none blocked. */
  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);
  ocirun_error_clear (&err);
  init_setup (a, &err);
  die (&err);
}

/* ---- two-stage path --------------------------------------------------- */

static int
stage1_unshare (struct ocirun_init_args *a, struct ocirun_error *err)
{
  const struct ocirun_ns_plan *plan = a->plan;
  struct ocirun_sync_msg m;
  cleanup_close int time_fd = -1;
  int flags = 0;

  /* Opened while we are still host root: once root of a new user
   * namespace we may no longer open our own /proc files. */
  if ((plan->new_mask & OCIRUN_NS_BIT (OCI_NS_TIME))
      && (time_fd = ocirun_ns_open_time_offsets (err)) < 0)
    return -1;
  /* Non-dumpable before meeting the processes of a joined namespace
   * (binary_protect.c); with nothing joined, only after the runtime wrote
   * our maps, which an unprivileged one can't do for a non-dumpable
   * process (nor can we open timens_offsets, above). */
  if (plan->njoins > 0 && ocirun_protect_runtime_binary (err) < 0)
    return -1;
  if (ocirun_ns_join (plan, ~0u, err) < 0)
    return -1;
  /* A joined user namespace keeps our host ids, unmapped there (files
   * we create would fail with EOVERFLOW): become its root, as with a new
   * one. */
  if ((plan->mask & ~plan->new_mask & OCIRUN_NS_BIT (OCI_NS_USER))
      && become_userns_root (err) < 0)
    return ocirun_error_prefix (err, "joined user namespace");
  if (plan->new_mask & OCIRUN_NS_BIT (OCI_NS_USER))
    {
      if (unshare (CLONE_NEWUSER) < 0)
        return ocirun_error_errno (err, "unshare the user namespace");
      if (ocirun_sync_send (a->sync_fd, OCIRUN_SYNC_USERNS, 0, err) < 0
          || ocirun_sync_expect (a->sync_fd, OCIRUN_SYNC_USERNS_DONE, &m,
                                 "runtime", err)
                 < 0)
        return -1;
      if (become_userns_root (err) < 0)
        return -1;
    }
  if (plan->njoins == 0 && ocirun_protect_runtime_binary (err) < 0)
    return -1;
  for (int t = 1; t < OCI_NS_COUNT_; t++)
    if ((plan->new_mask & OCIRUN_NS_BIT (t)) && t != OCI_NS_USER
        && t != OCI_NS_CGROUP)
      flags |= oci_namespace_type_clone_flag (t);
  if (flags && unshare (flags) < 0)
    return ocirun_error_errno (err, "unshare namespaces (flags 0x%x)", flags);
  if ((plan->new_mask & OCIRUN_NS_BIT (OCI_NS_TIME))
      && ocirun_ns_write_time_offsets (time_fd, a->c->config, err) < 0)
    return -1;
  return 0;
}

_Noreturn void
ocirun_init_stage1 (struct ocirun_init_args *a)
{
  struct ocirun_error err;
  struct ocirun_container *c = a->c;
  const struct oci_process *p = c->config->process;
  pid_t pid;

  report_fd = a->sync_fd;
  drop_runtime_fds (a);
  ocirun_error_clear (&err);
  /* The cgroup first, while we are still host root: the container
   * process inherits it. */
  if (p->exec_cpu_affinity
      && ocirun_process_set_cpu_affinity (p->exec_cpu_affinity->initial, &err)
             < 0)
    die (&err);
  if (c->cgroup && ocirun_cgroup_enter_self (c, &err) < 0)
    die (&err);
  if (stage1_unshare (a, &err) < 0)
    die (&err);
  pid = ocirun_clone (CLONE_PARENT, NULL, -1);
  if (pid < 0)
    {
      ocirun_error_errno (&err, "clone the container process");
      die (&err);
    }
  if (pid == 0)
    {
      a->stage2 = true;
      ocirun_init_run (a);
    }
  if (ocirun_sync_send (a->sync_fd, OCIRUN_SYNC_PID, pid, &err) < 0)
    {
      kill (pid, SIGKILL);
      die (&err);
    }
  _exit (0);
}
