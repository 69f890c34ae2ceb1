/* run.c - create + start in one process; in the foreground, wait for the
 * container process forwarding signals (or proxying its terminal), then
 * delete it. */
#include "libocirun/container_internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/notify_socket.h"
#include "libocirun/sync.h"
#include "libocirun/terminal.h"

/* Signals `run` forwards: everything but what it can't or mustn't catch
 * (and SIGCHLD, which is about its own child). */
void
ocirun_forward_sigset (sigset_t *set)
{
  static const int keep[] = { SIGKILL, SIGSTOP, SIGCHLD, SIGSEGV, SIGBUS,
                              SIGILL,  SIGFPE,  SIGTRAP, SIGSYS,  SIGPIPE };

  sigfillset (set);
  for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
    sigdelset (set, keep[i]);
}

int
ocirun_forward_begin (sigset_t *old, struct ocirun_error *err)
{
  sigset_t fwd;
  int fd;

  ocirun_forward_sigset (&fwd);
  if (sigprocmask (SIG_BLOCK, &fwd, old) < 0)
    return ocirun_error_errno (err, "block the signals to forward");
  fd = signalfd (-1, &fwd, SFD_CLOEXEC);
  if (fd < 0)
    {
      ocirun_error_errno (err, "signalfd for the signals to forward");
      sigprocmask (SIG_SETMASK, old, NULL);
    }
  return fd;
}

void
ocirun_forward_end (int sigfd, const sigset_t *old)
{
  if (sigfd < 0)
    return;
  close (sigfd);
  sigprocmask (SIG_SETMASK, old, NULL);
}

int
ocirun_exit_code_of (int status)
{
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

/* Forward signals until the process exits; returns its wait status. */
int
ocirun_wait_forwarding (pid_t pid, int pidfd, int sigfd,
                        struct ocirun_notify_relay *relay,
                        struct ocirun_error *err)
{
  int status;

  for (;;)
    {
      struct pollfd pfd[3]
          = { { .fd = pidfd, .events = POLLIN },
              { .fd = sigfd, .events = POLLIN },
              { .fd = relay ? relay->fd : -1, .events = POLLIN } };
      if (poll (pfd, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return ocirun_error_errno (err, "poll");
        }
      if (pfd[1].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sigfd, &si, sizeof si) == sizeof si
              && si.ssi_signo != SIGWINCH)
            syscall (SYS_pidfd_send_signal, pidfd, (int)si.ssi_signo, NULL, 0);
        }
      if (pfd[2].revents & POLLIN)
        ocirun_notify_relay_pump (relay);
      if (pfd[0].revents & POLLIN)
        break;
    }
  while (relay && ocirun_notify_relay_pump (relay))
    ; /* sent just before it exited */
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return ocirun_error_errno (err, "wait for container process %d", pid);
  return status;
}

static int
foreground (struct ocirun_create *cr, int sigfd,
            struct ocirun_notify_relay *relay, int *exit_code,
            struct ocirun_error *err)
{
  pid_t pid = cr->c.pid;
  int status;

  if (cr->pidfd < 0)
    cr->pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  if (cr->pidfd < 0)
    return ocirun_error_errno (err, "pidfd_open %d", (int)pid);
  if (cr->console_parent_fd >= 0)
    {
      cleanup_close int master = -1;
      if (ocirun_terminal_recv (cr->console_parent_fd, &master, err) < 0
          || ocirun_terminal_proxy (master, sigfd, pid, relay, err) < 0)
        return -1;
    }
  status = ocirun_wait_forwarding (pid, cr->pidfd, sigfd, relay, err);
  if (status < 0)
    return -1;
  cr->c.pid = 0;
  *exit_code = ocirun_exit_code_of (status);
  return 0;
}

/* START over the setup socket; the container process runs afterwards. */
static int
start_inline (struct ocirun_create *cr, struct ocirun_error *err)
{
  if (ocirun_sync_send (cr->sync_fd, OCIRUN_SYNC_START, 0, err) < 0
      || ocirun_await_exec (cr->sync_fd, "start", NULL, err) < 0)
    return -1;
  cr->st.status = OCI_STATUS_RUNNING;
  return ocirun_state_write (cr->dirfd, &cr->st, err);
}

/* NOTIFY_SOCKET: detached, return once READY=1 went through (as `start`);
 * in the foreground the wait loops relay everything. */
static void
open_relay (struct ocirun_create *cr, struct ocirun_notify_relay *relay)
{
  ocirun_notify_relay_open (relay, cr->notify_fd, -1, cr->c.pid);
  cr->notify_fd = -1;
  if (relay->fd < 0 || cr->foreground)
    return;
  /* The two-stage path has no pidfd yet; the wait needs one. */
  if (cr->pidfd < 0)
    cr->pidfd = (int)syscall (SYS_pidfd_open, cr->c.pid, 0);
  ocirun_notify_relay_until_ready (relay, cr->pidfd);
}

static void
delete_after_exit (struct ocirun_create *cr)
{
  struct ocirun_error e2;
  int dirfd;

  if (ocirun_state_dir_open (cr->rootfd, cr->c.id, LOCK_EX, &dirfd, &e2) < 0)
    return; /* deleted by someone else meanwhile */
  if (ocirun_delete_locked (cr->rootfd, dirfd, cr->c.opts.root, cr->c.id, true,
                            &e2)
      < 0)
    ocirun_log_error (&e2);
  close (dirfd);
}

int
ocirun_container_run (const char *id,
                      const struct ocirun_runtime_options *opts, bool keep,
                      int *exit_code, struct ocirun_error *err)
{
  struct ocirun_create cr;
  struct ocirun_notify_relay relay = OCIRUN_NOTIFY_RELAY_OFF;
  sigset_t old;
  int sigfd = -1;
  int ret = -1;

  *exit_code = 0;
  ocirun_create_init (&cr);
  cr.foreground = !opts->detach;
  cr.start_inline = true;
  if (ocirun_create_prepare (&cr, id, opts, err) < 0)
    goto out;
  /* Block before clone so no signal is lost between start and wait; the
   * container process unblocks them first thing. */
  if (cr.foreground && (sigfd = ocirun_forward_begin (&old, err)) < 0)
    goto out;
  if (ocirun_create_spawn (&cr, err) < 0 || start_inline (&cr, err) < 0)
    {
      ocirun_create_abort (&cr);
      goto out;
    }
  /* Others may kill/exec/state it now. */
  close (cr.dirfd);
  cr.dirfd = -1;
  ocirun_run_poststart (&cr.st);
  open_relay (&cr, &relay);
  ret = 0;
  if (!cr.foreground)
    goto out;
  ret = foreground (&cr, sigfd, &relay, exit_code, err);
  if (!keep)
    delete_after_exit (&cr);
out:
  ocirun_notify_relay_close (&relay);
  ocirun_forward_end (sigfd, &old);
  ocirun_create_release (&cr);
  return ret;
}
