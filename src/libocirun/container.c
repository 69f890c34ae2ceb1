/* container.c - create and run: validate everything, make the state
 * directory and cgroup, clone the container process and drive its setup
 * protocol until it waits for start.  Any failure after the first change
 * undoes all of them (create_abort). */
#include "libocirun/container_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocirun/cgroup.h"
#include "libocirun/cleanup.h"
#include "libocirun/fds.h"
#include "libocirun/hooks.h"
#include "libocirun/init.h"
#include "libocirun/log.h"
#include "libocirun/network.h"
#include "libocirun/notify_socket.h"
#include "libocirun/process.h"
#include "libocirun/rootfs.h"
#include "libocirun/security.h"
#include "libocirun/sync.h"
#include "libocirun/terminal.h"
#include "libocirun/test_hooks.h"
#include "libocirun/userns.h"
#include "oci-spec/json_tree.h"

void
ocirun_create_init (struct ocirun_create *cr)
{
  memset (cr, 0, sizeof *cr);
  cr->rootfd = cr->dirfd = cr->sync_fd = cr->child_sync_fd = -1;
  cr->start_fd = cr->console_fd = cr->console_parent_fd = cr->pidfd = -1;
  cr->state_pathfd = cr->notify_fd = -1;
  cr->c.sync_fd = -1;
  cr->c.notify_mount = -1;
  cr->c.seccomp_notify_fd = -1;
}

/* ---- before anything is changed ---------------------------------------- */

static int
load_config (struct ocirun_create *cr, struct ocirun_error *err)
{
  char path[PATH_MAX];

  if (snprintf (path, sizeof path, "%s/config.json", cr->c.bundle)
      >= (int)sizeof path)
    return ocirun_error_set (err, ENAMETOOLONG, "bundle path too long");
  if (oci_json_read_file (path, &cr->config_buf, &cr->config_len, err) < 0)
    return -1;
  if (oci_config_parse_data (cr->config_buf, cr->config_len, "config.json",
                             &cr->c.config, err)
      < 0)
    return -1;
  return oci_config_validate_for_create (cr->c.config, err);
}

static int
resolve_rootfs (struct ocirun_create *cr, struct ocirun_error *err)
{
  const char *root = cr->c.config->root->path;
  char joined[PATH_MAX];
  char real[PATH_MAX];

  if (root[0] == '/')
    snprintf (joined, sizeof joined, "%s", root);
  else
    snprintf (joined, sizeof joined, "%s/%s", cr->c.bundle, root);
  if (realpath (joined, real) == NULL)
    return ocirun_error_errno (err, "root.path `%s`", root);
  cr->c.rootfs = strdup (real);
  return cr->c.rootfs ? 0 : ocirun_error_errno (err, "strdup");
}

static int
check_terminal (struct ocirun_create *cr, struct ocirun_error *err)
{
  const struct oci_process *p = cr->c.config->process;
  bool terminal = p->terminal.set && p->terminal.value;
  const char *sock = cr->c.opts.console_socket;

  if (sock && sock[0] && !terminal)
    return ocirun_error_set (err, EINVAL,
                             "--console-socket given, but process.terminal is "
                             "false");
  if (terminal && !(sock && sock[0]) && !cr->foreground)
    return ocirun_error_set (err, EINVAL,
                             "process.terminal is true: a detached container "
                             "needs --console-socket");
  return 0;
}

int
ocirun_create_prepare (struct ocirun_create *cr, const char *id,
                       const struct ocirun_runtime_options *opts,
                       struct ocirun_error *err)
{
  const char *bundle = opts->bundle && opts->bundle[0] ? opts->bundle : ".";
  char real[PATH_MAX];
  struct ocirun_container *c = &cr->c;

  if (ocirun_state_validate_id (id, err) < 0)
    return -1;
  c->id = strdup (id);
  c->opts = *opts;
  if (realpath (bundle, real) == NULL)
    return ocirun_error_errno (err, "bundle `%s`", bundle);
  c->bundle = strdup (real);
  if (c->id == NULL || c->bundle == NULL)
    return ocirun_error_errno (err, "strdup");
  if (load_config (cr, err) < 0)
    return -1;
  if (ocirun_rootfs_validate (c->config, c->bundle, err) < 0
      || ocirun_security_validate (c->config, err) < 0
      || ocirun_cgroup_validate (c->config, opts->systemd_cgroup, err) < 0
      || ocirun_net_validate (c->config, err) < 0
      || ocirun_intelrdt_validate (c->config, err) < 0
      || ocirun_memory_policy_validate (c->config, err) < 0)
    return -1;
  if (ocirun_ns_plan_build (c->config, &cr->plan, err) < 0)
    return -1;
  cr->plan_built = true;
  if (ocirun_userns_validate (c->config, &cr->plan, err) < 0)
    return -1;
  c->new_userns = cr->plan.new_mask & OCIRUN_NS_BIT (OCI_NS_USER);
  c->new_pidns = cr->plan.new_mask & OCIRUN_NS_BIT (OCI_NS_PID);
  c->new_mountns = cr->plan.new_mask & OCIRUN_NS_BIT (OCI_NS_MOUNT);
  c->new_netns = cr->plan.new_mask & OCIRUN_NS_BIT (OCI_NS_NETWORK);
  if (resolve_rootfs (cr, err) < 0 || check_terminal (cr, err) < 0)
    return -1;
  return ocirun_notify_plan (c, err);
}

/* ---- the state directory --------------------------------------------- */

static void
fill_state (struct ocirun_create *cr, enum oci_status status)
{
  struct ocirun_state *s = &cr->st;
  const struct oci_config *cfg = cr->c.config;
  const struct oci_hooks *h = cfg->hooks;

  s->oci_version = (char *)OCI_SPEC_VERSION;
  s->id = cr->c.id;
  s->bundle = cr->c.bundle;
  s->rootfs = cr->c.rootfs;
  s->created = cr->created;
  s->status = status;
  s->ns_mask = cr->plan.mask;
  s->annotations = cfg->annotations;
  s->annotations_len = cfg->annotations_len;
  if (h)
    {
      s->poststart = h->poststart;
      s->poststart_len = h->poststart_len;
      s->poststop = h->poststop;
      s->poststop_len = h->poststop_len;
    }
}

static int
make_state_dir (struct ocirun_create *cr, struct ocirun_error *err)
{
  struct ocirun_container *c = &cr->c;
  char path[PATH_MAX];

  if (ocirun_state_root_open (c->opts.root, true, &cr->rootfd, err) < 0)
    return -1;
  if (ocirun_state_dir_create (cr->rootfd, c->id, &cr->dirfd, err) < 0)
    return -1;
  cr->state_dir_made = true;
  ocirun_test_stop_at ("create-state-dir");
  snprintf (path, sizeof path, "%s/%s", c->opts.root, c->id);
  c->state_dir = strdup (path);
  if (c->state_dir == NULL)
    return ocirun_error_errno (err, "strdup");
  ocirun_time_rfc3339 (cr->created, sizeof cr->created);
  fill_state (cr, OCI_STATUS_CREATING);
  cr->st.creator = getpid ();
  ocirun_proc_stat (cr->st.creator, &cr->st.creator_start, NULL);
  if (ocirun_state_write (cr->dirfd, &cr->st, err) < 0)
    return -1;
  /* exec needs the whole config later, even if the bundle changes. */
  return ocirun_state_write_file (cr->dirfd, OCIRUN_CONFIG_COPY,
                                  cr->config_buf, cr->config_len, err);
}

/* A path in the state dir usable as a sockaddr_un whatever its length. */
void
ocirun_state_sock_path (const char *state_dir, int dirfd, const char *name,
                        struct sockaddr_un *addr)
{
  memset (addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (snprintf (addr->sun_path, sizeof addr->sun_path, "%s/%s", state_dir,
                name)
      >= (int)sizeof addr->sun_path)
    snprintf (addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/%s",
              dirfd, name);
}

static int
make_start_socket (struct ocirun_create *cr, struct ocirun_error *err)
{
  struct sockaddr_un addr;
  cleanup_close int fd = -1;

  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ocirun_error_errno (err, "create the start socket");
  ocirun_state_sock_path (cr->c.state_dir, cr->dirfd, OCIRUN_START_SOCKET,
                          &addr);
  if (bind (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return ocirun_error_errno (err, "bind the start socket `%s`",
                               addr.sun_path);
  if (listen (fd, 16) < 0)
    return ocirun_error_errno (err, "listen on the start socket");
  cr->start_fd = steal_fd (&fd);
  /* A separate open file: the flock of dirfd must not travel along. */
  cr->state_pathfd = openat (cr->dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cr->state_pathfd < 0)
    return ocirun_error_errno (err, "open the state directory");
  return 0;
}

/* ---- clone and the setup protocol --------------------------------------- */

static int
make_channels (struct ocirun_create *cr, struct ocirun_error *err)
{
  int sv[2];
  const char *sock = cr->c.opts.console_socket;
  const struct oci_process *p = cr->c.config->process;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return ocirun_error_errno (err, "create the setup socket");
  cr->sync_fd = sv[0];
  cr->child_sync_fd = sv[1];
  if (!cr->start_inline && make_start_socket (cr, err) < 0)
    return -1;
  if (sock && sock[0])
    return ocirun_terminal_connect (sock, &cr->console_fd, err);
  if (p->terminal.set && p->terminal.value)
    {
      /* Foreground run with a terminal: we are the console socket. */
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return ocirun_error_errno (err, "create the terminal socket");
      cr->console_parent_fd = sv[0];
      cr->console_fd = sv[1];
    }
  return 0;
}

/* Clone born in the container's cgroup v2 directory when the host has
 * one (no migration, no RCU grace period); without CLONE_INTO_CGROUP
 * when the kernel refuses it (the child's enter_self then joins). */
static pid_t
clone_in_cgroup (struct ocirun_create *cr, unsigned long flags, int *pidfd)
{
  int cgfd = cr->c.cgroup ? ocirun_cgroup_clone_fd (&cr->c) : -1;
  pid_t pid = ocirun_clone (flags, pidfd, cgfd);

  if (pid < 0 && cgfd >= 0)
    {
      ocirun_cgroup_clone_fd_unused (&cr->c);
      pid = ocirun_clone (flags, pidfd, -1);
    }
  return pid;
}

static int
spawn (struct ocirun_create *cr, struct ocirun_error *err)
{
  struct ocirun_init_args *a = &cr->args;
  const struct oci_config *cfg = cr->c.config;
  int listen = ocirun_fds_listen_count ();
  pid_t pid;

  a->c = &cr->c;
  a->plan = &cr->plan;
  a->sync_fd = cr->child_sync_fd;
  a->start_fd = cr->start_fd;
  a->state_dirfd = cr->state_pathfd;
  a->console_fd = cr->console_fd;
  /* create hands the relay socket to `start`; run keeps it here. */
  a->notify_fd = cr->start_inline ? -1 : cr->notify_fd;
  a->listen_fds = listen;
  a->keep_fds = listen + cr->c.opts.preserve_fds;
  a->close_fds[0] = cr->dirfd;
  a->close_fds[1] = cr->rootfd;
  a->close_fds[2] = cr->sync_fd;
  a->close_fds[3] = cr->console_parent_fd;
  a->close_fds[4] = cr->start_inline ? cr->notify_fd : -1;
  a->close_fds[5] = -1;
  a->wait_go = cr->plan.two_stage || cr->c.new_userns
               || (cfg->linux_ && cfg->linux_->net_devices_len > 0);
  if (cr->plan.two_stage)
    {
      pid = clone_in_cgroup (cr, 0, NULL);
      if (pid == 0)
        ocirun_init_stage1 (a);
      cr->stage1 = pid;
    }
  else
    {
      pid = clone_in_cgroup (cr, (unsigned long)cr->plan.clone_flags,
                             &cr->pidfd);
      if (pid == 0)
        ocirun_init_run (a);
      cr->c.pid = pid;
    }
  if (pid < 0)
    return ocirun_error_errno (err, "clone the container process");
  /* Our copies of the child's ends: closing them lets EOF mean "died". */
  close (cr->child_sync_fd);
  cr->child_sync_fd = -1;
  if (cr->console_fd >= 0 && cr->console_parent_fd >= 0)
    {
      close (cr->console_fd);
      cr->console_fd = -1;
    }
  return 0;
}

/* Why the child went away, for the error message. */
static int
child_died (struct ocirun_create *cr, struct ocirun_error *err)
{
  pid_t pid = cr->stage1 > 0 ? cr->stage1 : cr->c.pid;
  int status;

  if (pid > 0 && waitpid (pid, &status, 0) == pid)
    {
      if (cr->stage1 > 0)
        cr->stage1 = 0;
      else
        cr->c.pid = 0;
      if (WIFSIGNALED (status))
        return ocirun_error_set (err, 0,
                                 "container process killed by signal %d "
                                 "during setup",
                                 WTERMSIG (status));
      return ocirun_error_set (err, 0,
                               "container process exited with status %d "
                               "during setup",
                               WEXITSTATUS (status));
    }
  return ocirun_error_set (err, 0, "container process exited during setup");
}

static int
recv_from_child (struct ocirun_create *cr, struct ocirun_sync_msg *m,
                 struct ocirun_error *err)
{
  int eof;

  if (ocirun_sync_recv (cr->sync_fd, m, &eof, err) < 0)
    return eof ? child_died (cr, err) : -1;
  if (m->type == OCIRUN_SYNC_ERROR)
    return ocirun_sync_error_from_msg (m, err);
  return 0;
}

/* A child that failed early may be gone before our message: its ERROR
 * (or its exit status) is the real story, not our EPIPE. */
static int
send_to_child (struct ocirun_create *cr, enum ocirun_sync_type type,
               int64_t value, struct ocirun_error *err)
{
  struct ocirun_sync_msg m;

  if (ocirun_sync_send (cr->sync_fd, type, value, err) == 0)
    return 0;
  if (recv_from_child (cr, &m, err) == 0)
    return ocirun_error_set (err, EPROTO,
                             "setup message %u refused, child sent %u",
                             (unsigned)type, m.type);
  return -1;
}

/* Two-stage: serve the user namespace request, learn the final pid. */
static int
await_stage1 (struct ocirun_create *cr, struct ocirun_error *err)
{
  struct ocirun_sync_msg m;
  int status;

  for (;;)
    {
      if (recv_from_child (cr, &m, err) < 0)
        return -1;
      if (m.type == OCIRUN_SYNC_USERNS)
        {
          if (ocirun_ns_write_id_maps (cr->stage1, cr->c.config, err) < 0
              || send_to_child (cr, OCIRUN_SYNC_USERNS_DONE, 0, err) < 0)
            return -1;
          continue;
        }
      if (m.type == OCIRUN_SYNC_PID)
        break;
      return ocirun_error_set (err, EPROTO,
                               "unexpected message %u from "
                               "stage 1",
                               m.type);
    }
  cr->c.pid = (pid_t)m.value;
  while (waitpid (cr->stage1, &status, 0) < 0 && errno == EINTR)
    ;
  cr->stage1 = 0;
  return 0;
}

static int
run_runtime_hooks (struct ocirun_create *cr, struct ocirun_error *err)
{
  const struct oci_hooks *h = cr->c.config->hooks;
  cleanup_free char *json = NULL;
  size_t len;

  cr->st.pid = cr->c.pid;
  if (ocirun_state_to_json (&cr->st, "creating", OCIRUN_STATE_HOOK, &json,
                            &len, err)
      < 0)
    return -1;
  if (ocirun_hooks_run (h->prestart, h->prestart_len, "prestart", json, len,
                        err)
      < 0)
    return -1;
  return ocirun_hooks_run (h->create_runtime, h->create_runtime_len,
                           "createRuntime", json, len, err);
}

static int
set_process_limits (struct ocirun_create *cr, struct ocirun_error *err)
{
  const struct oci_process *p = cr->c.config->process;

  if (ocirun_process_set_rlimits (cr->c.pid, p, err) < 0
      || ocirun_process_set_oom_score_adj (cr->c.pid, p, err) < 0)
    return -1;
  return 0;
}

static int
drive_setup (struct ocirun_create *cr, struct ocirun_error *err)
{
  const struct oci_config *cfg = cr->c.config;
  struct ocirun_sync_msg m;

  if (cr->plan.two_stage && await_stage1 (cr, err) < 0)
    return -1;
  if (!cr->plan.two_stage && cr->c.new_userns
      && ocirun_ns_write_id_maps (cr->c.pid, cfg, err) < 0)
    return -1;
  if (cfg->linux_ && cfg->linux_->net_devices_len > 0)
    {
      if (ocirun_net_parent_setup (&cr->c, err) < 0)
        return -1;
      cr->net_moved = true;
    }
  if (send_to_child (cr, OCIRUN_SYNC_GO, cr->c.pid, err) < 0)
    return -1;
  for (;;)
    {
      if (recv_from_child (cr, &m, err) < 0)
        return -1;
      if (m.type == OCIRUN_SYNC_READY)
        /* From outside: a process in a new user namespace can raise no
         * hard limit and lower no oom_score_adj itself. */
        return set_process_limits (cr, err);
      if (m.type != OCIRUN_SYNC_HOOKS)
        return ocirun_error_set (err, EPROTO, "unexpected setup message %u",
                                 m.type);
      if (run_runtime_hooks (cr, err) < 0
          || send_to_child (cr, OCIRUN_SYNC_HOOKS_DONE, 0, err) < 0)
        return -1;
    }
}

static int
commit_created (struct ocirun_create *cr, struct ocirun_error *err)
{
  struct ocirun_container *c = &cr->c;

  cr->st.status = OCI_STATUS_CREATED;
  cr->st.pid = c->pid;
  cr->st.creator = 0;
  cr->st.creator_start = 0;
  if (ocirun_proc_stat (c->pid, &cr->st.pid_start, NULL) < 0)
    return ocirun_error_errno (err, "read /proc/%d/stat", (int)c->pid);
  if (c->cgroup && ocirun_cgroup_save (c, err) < 0)
    return -1;
  ocirun_test_stop_at ("create-before-state");
  if (ocirun_state_write (cr->dirfd, &cr->st, err) < 0)
    return -1;
  ocirun_test_stop_at ("create-after-state");
  if (c->opts.pid_file && c->opts.pid_file[0]
      && ocirun_write_pid_file (c->opts.pid_file, c->pid, err) < 0)
    return -1;
  return 0;
}

int
ocirun_create_spawn (struct ocirun_create *cr, struct ocirun_error *err)
{
  struct ocirun_container *c = &cr->c;

  if (make_state_dir (cr, err) < 0)
    return -1;
  if (ocirun_security_prepare (c, err) < 0)
    return -1;
  if (ocirun_cgroup_create (c, err) < 0)
    return -1;
  cr->cgroup_made = true;
  ocirun_test_stop_at ("create-cgroup");
  if (make_channels (cr, err) < 0
      || ocirun_notify_bind (c, cr->dirfd, &cr->notify_fd, err) < 0)
    return -1;
  /* Idmapped bind mounts are prepared here: once in its user namespace
   * the child may no longer idmap a host filesystem.  The child inherits
   * the prepared mount fds; our copies go as soon as it exists. */
  if (ocirun_rootfs_prepare_parent (c, err) < 0)
    return -1;
  if (spawn (cr, err) < 0)
    {
      ocirun_rootfs_parent_done ();
      return -1;
    }
  ocirun_rootfs_parent_done ();
  ocirun_test_stop_at ("create-clone");
  ocirun_security_release (c);
  if (drive_setup (cr, err) < 0)
    return -1;
  ocirun_test_stop_at ("create-child-ready");
  return commit_created (cr, err);
}

/* Close our fds; the state directory's (rootfd, dirfd: its lock) only
 * with state_too. */
static void
close_fds (struct ocirun_create *cr, bool state_too)
{
  int *fds[] = { &cr->sync_fd,      &cr->child_sync_fd,     &cr->start_fd,
                 &cr->console_fd,   &cr->console_parent_fd, &cr->pidfd,
                 &cr->state_pathfd, &cr->notify_fd,         &cr->rootfd,
                 &cr->dirfd };
  size_t n = sizeof fds / sizeof fds[0] - (state_too ? 0 : 2);

  for (size_t i = 0; i < n; i++)
    if (*fds[i] >= 0)
      {
        close (*fds[i]);
        *fds[i] = -1;
      }
}

/* Undo everything create did, in reverse. */
void
ocirun_create_abort (struct ocirun_create *cr)
{
  struct ocirun_container *c = &cr->c;
  struct ocirun_error e2;

  if (cr->net_moved)
    ocirun_net_parent_rollback (c, &e2);
  if (cr->stage1 > 0)
    {
      kill (cr->stage1, SIGKILL);
      waitpid (cr->stage1, NULL, 0);
      cr->stage1 = 0;
    }
  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      waitpid (c->pid, NULL, 0);
      c->pid = 0;
    }
  ocirun_security_release (c);
  /* Free every fd we can spare: running out of them may be why we are
   * here, and removing the cgroup needs a few. */
  close_fds (cr, false);
  /* rootfd too (the directory goes by path below): one more fd for the
   * cgroup's state file. */
  if (cr->rootfd >= 0)
    {
      close (cr->rootfd);
      cr->rootfd = -1;
    }
  /* The cgroup object holds an fd per hierarchy for the child; from its
   * state file (saved now if create could not: fds were short), destroy
   * works without them. */
  if (c->cgroup && cr->dirfd >= 0 && (ocirun_cgroup_save (c, &e2) == 0 || true)
      && faccessat (cr->dirfd, "cgroup", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    {
      ocirun_cgroup_free (c->cgroup);
      c->cgroup = NULL;
    }
  if (cr->cgroup_made && ocirun_cgroup_destroy (c, &e2) < 0)
    ocirun_log_error (&e2);
  cr->cgroup_made = false;
  if (cr->state_dir_made
      && ocirun_state_dir_remove (AT_FDCWD, c->state_dir, cr->dirfd, &e2) < 0)
    ocirun_log_error (&e2);
  cr->state_dir_made = false;
}

void
ocirun_create_release (struct ocirun_create *cr)
{
  close_fds (cr, true);
  if (cr->plan_built)
    ocirun_ns_plan_release (&cr->plan);
  cr->plan_built = false;
  if (cr->c.cgroup)
    ocirun_cgroup_free (cr->c.cgroup);
  cr->c.cgroup = NULL;
  ocirun_net_free (&cr->c);
  oci_config_free (cr->c.config);
  cr->c.config = NULL;
  free (cr->config_buf);
  cr->config_buf = NULL;
  free (cr->c.id);
  free (cr->c.bundle);
  free (cr->c.rootfs);
  free (cr->c.state_dir);
  free (cr->c.notify_socket);
  cr->c.notify_socket = NULL;
  cr->c.id = cr->c.bundle = cr->c.rootfs = cr->c.state_dir = NULL;
}

int
ocirun_container_create (const char *id,
                         const struct ocirun_runtime_options *opts,
                         struct ocirun_error *err)
{
  struct ocirun_create cr;
  int ret = 0;

  ocirun_create_init (&cr);
  if (ocirun_create_prepare (&cr, id, opts, err) < 0)
    ret = -1;
  else if (ocirun_create_spawn (&cr, err) < 0)
    {
      ocirun_create_abort (&cr);
      ret = -1;
    }
  else
    /* State is on disk: the child may wait for start on its own now. */
    ocirun_sync_send (cr.sync_fd, OCIRUN_SYNC_COMMITTED, 0, err);
  ocirun_create_release (&cr);
  return ret;
}
