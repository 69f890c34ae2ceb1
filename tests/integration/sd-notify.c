/* sd-notify - send one sd_notify datagram from inside a test container.
 *
 *   sd-notify MESSAGE...   the arguments, one per line, to $NOTIFY_SOCKET
 *
 * Exits 0 when the datagram was sent, 1 otherwise (with the reason on
 * stderr).  Static, so that it runs in the busybox test rootfs. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  const char *path = getenv ("NOTIFY_SOCKET");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char msg[4096];
  size_t len = 0, plen;
  socklen_t alen;
  int fd;

  if (path == NULL || path[0] == '\0')
    {
      fprintf (stderr, "sd-notify: NOTIFY_SOCKET is not set\n");
      return 1;
    }
  plen = strlen (path);
  if (plen >= sizeof addr.sun_path)
    {
      fprintf (stderr, "sd-notify: NOTIFY_SOCKET too long\n");
      return 1;
    }
  memcpy (addr.sun_path, path, plen);
  if (path[0] == '@')
    addr.sun_path[0] = '\0';
  alen = (socklen_t)(offsetof (struct sockaddr_un, sun_path) + plen
                     + (path[0] == '@' ? 0 : 1));
  for (int i = 1; i < argc && len < sizeof msg; i++)
    len += (size_t)snprintf (msg + len, sizeof msg - len, "%s%s",
                             i > 1 ? "\n" : "", argv[i]);
  if (len >= sizeof msg)
    len = sizeof msg - 1;
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || sendto (fd, msg, len, 0, (struct sockaddr *)&addr, alen) < 0)
    {
      perror ("sd-notify: send");
      return 1;
    }
  close (fd);
  return 0;
}
