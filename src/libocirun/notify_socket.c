/* notify_socket.c - NOTIFY_SOCKET passthrough (see notify_socket.h). */
#include "libocirun/notify_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/container_internal.h"
#include "libocirun/log.h"

#define ENV_NAME "NOTIFY_SOCKET"

/* ---- create: the plan --------------------------------------------------- */

static int
check_host_path (const char *host, struct ocirun_error *err)
{
  if (strlen (host) >= sizeof ((struct sockaddr_un *)0)->sun_path)
    return ocirun_error_set (
        err, ENAMETOOLONG, ENV_NAME " `%s`: too long for a unix socket", host);
  if (host[0] != '/' && host[0] != '@')
    return ocirun_error_set (err, EINVAL,
                             ENV_NAME " `%s`: neither an absolute path nor "
                                      "an abstract socket (@name)",
                             host);
  return 0;
}

/* Set (or replace) NOTIFY_SOCKET=value in the process environment. */
static int
set_env (struct oci_process *p, const char *value, struct ocirun_error *err)
{
  char *var;
  char **env;

  if (asprintf (&var, ENV_NAME "=%s", value) < 0)
    return ocirun_error_errno (err, ENV_NAME);
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], ENV_NAME "=", sizeof ENV_NAME) == 0)
      {
        free (p->env[i]);
        p->env[i] = var;
        return 0;
      }
  env = realloc (p->env, (p->env_len + 2) * sizeof *env);
  if (env == NULL)
    {
      free (var);
      return ocirun_error_errno (err, ENV_NAME);
    }
  env[p->env_len++] = var;
  env[p->env_len] = NULL;
  p->env = env;
  return 0;
}

static int
add_bind_mount (struct oci_config *cfg, const char *source, const char *dest,
                struct ocirun_error *err)
{
  static const char *const options[]
      = { "bind", "nosuid", "nodev", "noexec", "ro" };
  const size_t nopt = sizeof options / sizeof options[0];
  struct oci_mount *v, *m;

  v = realloc (cfg->mounts, (cfg->mounts_len + 1) * sizeof *v);
  if (v == NULL)
    return ocirun_error_errno (err, ENV_NAME " mount");
  cfg->mounts = v;
  m = &v[cfg->mounts_len];
  memset (m, 0, sizeof *m);
  m->destination = strdup (dest);
  m->type = strdup ("bind");
  m->source = strdup (source);
  m->options = calloc (nopt + 1, sizeof *m->options);
  /* Counted now so that the config's free releases whatever was made. */
  cfg->mounts_len++;
  if (m->destination == NULL || m->type == NULL || m->source == NULL
      || m->options == NULL)
    return ocirun_error_errno (err, ENV_NAME " mount");
  for (size_t i = 0; i < nopt; i++)
    {
      m->options[i] = strdup (options[i]);
      if (m->options[i] == NULL)
        return ocirun_error_errno (err, ENV_NAME " mount");
      m->options_len++;
    }
  return 0;
}

int
ocirun_notify_plan (struct ocirun_container *c, struct ocirun_error *err)
{
  const char *host = getenv (ENV_NAME);
  cleanup_free char *relay = NULL;
  char cwd[PATH_MAX] = "";

  if (host == NULL || host[0] == '\0')
    return 0;
  if (check_host_path (host, err) < 0)
    return -1;
  c->notify_socket = strdup (host);
  if (c->opts.root[0] != '/' && getcwd (cwd, sizeof cwd) == NULL)
    return ocirun_error_errno (err, "getcwd");
  if (asprintf (&relay, "%s%s%s/%s/" OCIRUN_NOTIFY_SOCKET, cwd,
                cwd[0] ? "/" : "", c->opts.root, c->id)
          < 0
      || c->notify_socket == NULL)
    return ocirun_error_errno (err, ENV_NAME);
  if (!c->new_mountns)
    /* The container sees the host's file system: point it at ours. */
    return set_env (c->config->process, relay, err);
  if (host[0] == '@')
    host = OCIRUN_NOTIFY_INSIDE_DEFAULT;
  if (set_env (c->config->process, host, err) < 0)
    return -1;
  c->notify_mount = (int)c->config->mounts_len;
  return add_bind_mount (c->config, relay, host, err);
}

/* ---- create: the socket ----------------------------------------------- */

int
ocirun_notify_bind (const struct ocirun_container *c, int dirfd, int *fd,
                    struct ocirun_error *err)
{
  struct sockaddr_un addr;
  cleanup_close int s = -1;

  *fd = -1;
  if (c->notify_socket == NULL)
    return 0;
  s = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return ocirun_error_errno (err, "create the notify socket");
  ocirun_state_sock_path (c->state_dir, dirfd, OCIRUN_NOTIFY_SOCKET, &addr);
  if (bind (s, (struct sockaddr *)&addr, sizeof addr) < 0)
    return ocirun_error_errno (err, "bind the notify socket `%s`",
                               addr.sun_path);
  /* Any user of the container (any uid its user namespace maps) may
   * notify; the socket is only reachable through the container's mount. */
  if (fchmodat (dirfd, OCIRUN_NOTIFY_SOCKET, 0777, 0) < 0)
    return ocirun_error_errno (err, "chmod the notify socket");
  if (ocirun_state_write_file (dirfd, OCIRUN_NOTIFY_TARGET, c->notify_socket,
                               strlen (c->notify_socket), err)
      < 0)
    return -1;
  *fd = steal_fd (&s);
  return 0;
}

/* ---- start/run: the relay --------------------------------------------- */

/* The host socket: our NOTIFY_SOCKET, else what create recorded. */
static bool
host_path (int dirfd, char *buf, size_t size)
{
  const char *env = getenv (ENV_NAME);
  cleanup_close int fd = -1;
  ssize_t n;

  if (env && env[0])
    return snprintf (buf, size, "%s", env) < (int)size;
  if (dirfd < 0)
    return false;
  fd = openat (dirfd, OCIRUN_NOTIFY_TARGET, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  n = read (fd, buf, size - 1);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  return true;
}

static int
host_address (struct ocirun_notify_relay *r, const char *path,
              struct ocirun_error *err)
{
  size_t len = strlen (path);

  if (check_host_path (path, err) < 0)
    return -1;
  memset (&r->host, 0, sizeof r->host);
  r->host.sun_family = AF_UNIX;
  memcpy (r->host.sun_path, path, len);
  if (path[0] == '@')
    r->host.sun_path[0] = '\0'; /* abstract: the name is not NUL-ended */
  r->host_len = (socklen_t)(offsetof (struct sockaddr_un, sun_path) + len
                            + (path[0] == '@' ? 0 : 1));
  return 0;
}

static void
warn (struct ocirun_error *e)
{
  ocirun_error_prefix (e, ENV_NAME);
  ocirun_log_error (e);
}

void
ocirun_notify_relay_open (struct ocirun_notify_relay *r, int fd, int dirfd,
                          pid_t pid)
{
  char path[sizeof r->host.sun_path];
  struct ocirun_error e;

  *r = OCIRUN_NOTIFY_RELAY_OFF;
  if (fd < 0)
    return;
  r->fd = fd;
  r->pid = pid;
  ocirun_error_clear (&e);
  if (!host_path (dirfd, path, sizeof path))
    ocirun_notify_relay_close (r);
  else if (host_address (r, path, &e) < 0)
    {
      warn (&e);
      ocirun_notify_relay_close (r);
    }
  else if ((r->host_fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
    {
      ocirun_error_errno (&e, "create a socket to relay to `%s`", path);
      warn (&e);
      ocirun_notify_relay_close (r);
    }
}

/* Copy msg's lines into out without the container's MAINPID= (a pid of
 * its own namespace), adding ours to READY=1.  Returns the length. */
static size_t
rewrite (struct ocirun_notify_relay *r, char *msg, char *out, size_t size,
         bool *ready)
{
  size_t o = 0;
  char *next;

  *ready = false;
  for (char *line = msg; line && *line; line = next)
    {
      size_t len;
      next = strchr (line, '\n');
      len = next ? (size_t)(next - line) : strlen (line);
      if (next)
        next++;
      if (len == 0 || strncmp (line, "MAINPID=", 8) == 0)
        continue;
      if (len == 7 && strncmp (line, "READY=1", 7) == 0)
        *ready = true;
      if (o + len + 1 >= size)
        break;
      memcpy (out + o, line, len);
      o += len;
      out[o++] = '\n';
    }
  if (*ready)
    o += (size_t)snprintf (out + o, size - o, "MAINPID=%d\n", (int)r->pid);
  return o < size ? o : size - 1;
}

bool
ocirun_notify_relay_pump (struct ocirun_notify_relay *r)
{
  char msg[4096];
  char out[sizeof msg + 32];
  bool ready;
  size_t len;
  ssize_t n;

  if (r->fd < 0)
    return false;
  n = recv (r->fd, msg, sizeof msg - 1, MSG_DONTWAIT | MSG_TRUNC);
  if (n < 0)
    return false;
  if ((size_t)n >= sizeof msg)
    {
      ocirun_log (OCIRUN_LOG_WARNING,
                  ENV_NAME ": dropped a %zd-byte message (too long)", n);
      return true;
    }
  msg[n] = '\0';
  len = rewrite (r, msg, out, sizeof out, &ready);
  if (len > 0
      && sendto (r->host_fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT,
                 (struct sockaddr *)&r->host, r->host_len)
             < 0)
    ocirun_log (OCIRUN_LOG_WARNING, ENV_NAME ": relay to the host: %s",
                ocirun_strerror (errno));
  if (ready)
    r->ready = true;
  return true;
}

/* The container process is gone: what it sent before exiting still
 * counts. */
static void
relay_leftovers (struct ocirun_notify_relay *r)
{
  while (!r->ready && ocirun_notify_relay_pump (r))
    ;
  if (!r->ready)
    ocirun_log (OCIRUN_LOG_WARNING,
                "the container exited before sending READY=1");
}

void
ocirun_notify_relay_until_ready (struct ocirun_notify_relay *r, int pidfd)
{
  /* No pidfd: the process was gone (and reaped) before we looked. */
  if (r->fd >= 0 && pidfd < 0)
    relay_leftovers (r);
  while (r->fd >= 0 && pidfd >= 0 && !r->ready)
    {
      struct pollfd pfd[2] = { { .fd = r->fd, .events = POLLIN },
                               { .fd = pidfd, .events = POLLIN } };
      if (poll (pfd, 2, -1) < 0)
        {
          struct ocirun_error e;

          if (errno == EINTR)
            continue;
          ocirun_error_errno (&e, "poll the relay socket");
          warn (&e);
          return;
        }
      if (pfd[0].revents & POLLIN)
        ocirun_notify_relay_pump (r);
      else if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
        {
          relay_leftovers (r);
          return;
        }
    }
}

void
ocirun_notify_relay_close (struct ocirun_notify_relay *r)
{
  if (r->fd >= 0)
    close (r->fd);
  if (r->host_fd >= 0)
    close (r->host_fd);
  r->fd = r->host_fd = -1;
}
