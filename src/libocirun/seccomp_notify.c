/* seccomp_notify.c - hand the SCMP_ACT_NOTIFY fd to the seccomp agent.
 *
 * runtime-spec config-linux.md: the runtime connects to listenerPath
 * (AF_UNIX, SOCK_STREAM), sends one "container process state" JSON
 * document with the notify fd as SCM_RIGHTS (named "seccompFd" in the
 * document's fds array), then closes the connection.
 *
 * The socket is connected by the parent before fork (listenerPath is a
 * host path the container child can't reach after pivot_root) and the
 * document is built before the filter is loaded: between the load and the
 * send the child makes no other syscall, so a NOTIFY rule can't block the
 * runtime waiting for an agent that has no fd yet. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "libocirun/fds.h"
#include "libocirun/seccomp_notify.h"

int
ocirun_seccomp_listener_connect (const char *path, struct ocirun_error *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof addr.sun_path)
    return ocirun_error_set (err, ENAMETOOLONG,
                             "seccomp listenerPath `%s` is too long", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ocirun_error_errno (err, "socket");
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    {
      int saved = errno;

      close (fd);
      return ocirun_error_set (err, saved,
                               "connect to seccomp listenerPath `%s`", path);
    }
  return fd;
}

#define GEN_STR(g, s)                                                         \
  yajl_gen_string ((g), (const unsigned char *)(s), strlen (s))

static void
gen_state (yajl_gen g, const struct ocirun_notify_state *st)
{
  GEN_STR (g, "state");
  yajl_gen_map_open (g);
  GEN_STR (g, "ociVersion");
  GEN_STR (g, OCI_SPEC_VERSION);
  GEN_STR (g, "id");
  GEN_STR (g, st->id ? st->id : "");
  GEN_STR (g, "status");
  GEN_STR (g, st->status);
  GEN_STR (g, "pid");
  yajl_gen_integer (g, st->pid);
  GEN_STR (g, "bundle");
  GEN_STR (g, st->bundle ? st->bundle : "");
  if (st->annotations_len)
    {
      GEN_STR (g, "annotations");
      yajl_gen_map_open (g);
      for (size_t i = 0; i < st->annotations_len; i++)
        {
          GEN_STR (g, st->annotations[i].key);
          GEN_STR (g, st->annotations[i].value);
        }
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

int
ocirun_seccomp_notify_payload (const struct ocirun_notify_state *st,
                               char **json, size_t *len,
                               struct ocirun_error *err)
{
  const unsigned char *buf;
  size_t buf_len;
  yajl_gen g;

  g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return ocirun_error_set (err, ENOMEM, "yajl_gen_alloc");
  yajl_gen_map_open (g);
  GEN_STR (g, "ociVersion");
  GEN_STR (g, OCI_SPEC_VERSION);
  GEN_STR (g, "fds");
  yajl_gen_array_open (g);
  GEN_STR (g, "seccompFd");
  yajl_gen_array_close (g);
  GEN_STR (g, "pid");
  yajl_gen_integer (g, st->pid);
  if (st->metadata)
    {
      GEN_STR (g, "metadata");
      GEN_STR (g, st->metadata);
    }
  gen_state (g, st);
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &buf_len) != yajl_gen_status_ok)
    {
      yajl_gen_free (g);
      return ocirun_error_set (err, EINVAL,
                               "generate the seccomp listener "
                               "state");
    }
  *json = strndup ((const char *)buf, buf_len);
  yajl_gen_free (g);
  if (*json == NULL)
    return ocirun_error_errno (err, "strndup");
  *len = buf_len;
  return 0;
}

int
ocirun_seccomp_notify_send (int sock, int notify_fd, const char *payload,
                            size_t len, struct ocirun_error *err)
{
  ssize_t n = ocirun_fds_send (sock, notify_fd, payload, len);

  if (n < 0)
    return ocirun_error_errno (err, "send the seccomp notify fd to the "
                                    "listener");
  /* The fd went with the first byte; a stream may take the rest in more
   * writes. */
  while ((size_t)n < len)
    {
      ssize_t m = send (sock, payload + n, len - n, MSG_NOSIGNAL);

      if (m < 0 && errno == EINTR)
        continue;
      if (m <= 0)
        return ocirun_error_errno (err, "send the seccomp listener state");
      n += m;
    }
  return 0;
}
