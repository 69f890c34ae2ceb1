/* hooks.c - fork/exec one hook with the state on stdin, wait with an
 * optional timeout (pidfd + poll), report status and output. */
#include "libocirun/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"

extern char **environ;

/* A memfd holding data, positioned at its start: the hook reads it like
 * any file, and writing never blocks however big the state is. */
static int
memfd_with (const char *name, const char *data, size_t len)
{
  int fd = memfd_create (name, MFD_CLOEXEC);

  if (fd < 0)
    return -1;
  while (len > 0)
    {
      ssize_t w = write (fd, data, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          close (fd);
          return -1;
        }
      data += w;
      len -= (size_t)w;
    }
  if (lseek (fd, 0, SEEK_SET) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static _Noreturn void
hook_child (const struct oci_hook *h, int in_fd, int out_fd)
{
  char *default_argv[] = { h->path, NULL };
  sigset_t empty;

  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);
  if (dup2 (in_fd, 0) < 0 || dup2 (out_fd, 1) < 0 || dup2 (out_fd, 2) < 0)
    _exit (127);
  execve (h->path, h->args && h->args_len > 0 ? h->args : default_argv,
          h->env ? h->env : environ);
  dprintf (2, "exec: %s", ocirun_strerror (errno));
  _exit (127);
}

/* Wait for pid, at most timeout seconds when timeout > 0.  Returns the
 * wait status, or -2 on timeout (the hook is then killed and reaped). */
static int
wait_hook (pid_t pid, int64_t timeout)
{
  int status;

  if (timeout > 0)
    {
      int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
      if (pidfd >= 0)
        {
          struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
          int64_t ms = timeout > INT32_MAX / 1000 ? INT32_MAX : timeout * 1000;
          int r;

          do
            r = poll (&pfd, 1, (int)ms);
          while (r < 0 && errno == EINTR);
          close (pidfd);
          if (r == 0)
            {
              kill (pid, SIGKILL);
              while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
                ;
              return -2;
            }
        }
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return status;
}

/* The captured output, trimmed, for the error message. */
static void
read_output (int fd, char *buf, size_t len)
{
  ssize_t n = pread (fd, buf, len - 1, 0);

  if (n < 0)
    n = 0;
  buf[n] = '\0';
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
    buf[--n] = '\0';
}

static int
run_one (const struct oci_hook *h, size_t idx, const char *kind,
         const char *state, size_t state_len, struct ocirun_error *err)
{
  cleanup_close int in_fd = memfd_with ("ocirun-hook-state", state, state_len);
  cleanup_close int out_fd = memfd_create ("ocirun-hook-output", MFD_CLOEXEC);
  char out[1024];
  pid_t pid;
  int status;

  if (in_fd < 0 || out_fd < 0)
    return ocirun_error_errno (err, "%s hook #%zu `%s`: memfd", kind, idx,
                               h->path);
  pid = fork ();
  if (pid < 0)
    return ocirun_error_errno (err, "%s hook #%zu `%s`: fork", kind, idx,
                               h->path);
  if (pid == 0)
    hook_child (h, in_fd, out_fd);
  status = wait_hook (pid, h->timeout.set ? h->timeout.value : 0);
  read_output (out_fd, out, sizeof out);
  if (status == -2)
    return ocirun_error_set (
        err, ETIMEDOUT, "%s hook #%zu `%s`: timed out after %lld s%s%s", kind,
        idx, h->path, (long long)h->timeout.value, out[0] ? ": " : "", out);
  if (status == -1)
    return ocirun_error_errno (err, "%s hook #%zu `%s`: wait", kind, idx,
                               h->path);
  if (WIFSIGNALED (status))
    return ocirun_error_set (
        err, 0, "%s hook #%zu `%s`: killed by signal %d%s%s", kind, idx,
        h->path, WTERMSIG (status), out[0] ? ": " : "", out);
  if (WEXITSTATUS (status) != 0)
    return ocirun_error_set (err, 0, "%s hook #%zu `%s`: exit status %d%s%s",
                             kind, idx, h->path, WEXITSTATUS (status),
                             out[0] ? ": " : "", out);
  return 0;
}

int
ocirun_hooks_run (const struct oci_hook *hooks, size_t n, const char *kind,
                  const char *state, size_t state_len,
                  struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (run_one (&hooks[i], i, kind, state, state_len, err) < 0)
      return -1;
  return 0;
}

void
ocirun_hooks_run_warn (const struct oci_hook *hooks, size_t n,
                       const char *kind, const char *state, size_t state_len)
{
  struct ocirun_error err;
  char buf[OCIRUN_ERROR_MSG_MAX + 256];

  for (size_t i = 0; i < n; i++)
    if (run_one (&hooks[i], i, kind, state, state_len, &err) < 0)
      ocirun_warn ("%s", ocirun_error_text (&err, buf, sizeof buf));
}
