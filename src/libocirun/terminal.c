/* terminal.c - container pty and the console socket protocol. */
#include "libocirun/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "libocirun/compat.h"
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/fds.h"
#include "libocirun/notify_socket.h"

int
ocirun_terminal_connect (const char *path, int *fd, struct ocirun_error *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int sock = -1;
  cleanup_close int pathfd = -1;

  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return ocirun_error_errno (err, "create console socket");
  if (strlen (path) < sizeof addr.sun_path)
    strcpy (addr.sun_path, path);
  else
    {
      /* Too long for sun_path: go through /proc/self/fd of an O_PATH fd. */
      pathfd = open (path, O_PATH | O_CLOEXEC);
      if (pathfd < 0)
        return ocirun_error_errno (err, "open console socket `%s`", path);
      snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d",
                pathfd);
    }
  if (connect (sock, (struct sockaddr *)&addr, sizeof addr) < 0)
    return ocirun_error_errno (err, "connect to console socket `%s`", path);
  *fd = steal_fd (&sock);
  return 0;
}

int
ocirun_terminal_recv (int sock, int *master, struct ocirun_error *err)
{
  char data[256];
  ssize_t r = ocirun_fds_recv (sock, data, sizeof data, master, false);

  if (r < 0)
    return ocirun_error_errno (err, "receive the terminal master");
  if (r == 0 || *master < 0)
    return ocirun_error_set (err, EPROTO,
                             "the container sent no terminal master");
  return 0;
}

static int
bind_dev_console (int slave, struct ocirun_error *err)
{
  char src[64];
  int fd;

  fd = open ("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
             0600);
  if (fd < 0)
    {
      /* A read-only /dev without a console: nothing to shadow. */
      if (errno == EROFS)
        return 0;
      return ocirun_error_errno (err, "create /dev/console");
    }
  close (fd);
  snprintf (src, sizeof src, "/proc/self/fd/%d", slave);
  if (mount (src, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return ocirun_error_errno (err, "bind the terminal on /dev/console");
  return 0;
}

int
ocirun_terminal_setup (int console_fd, const struct oci_console_size *sz,
                       bool bind_console, struct ocirun_error *err)
{
  cleanup_close int sock = console_fd;
  cleanup_close int master = -1;
  cleanup_close int slave = -1;
  int unlock = 0;

  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return ocirun_error_errno (err, "open /dev/ptmx in the container");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return ocirun_error_errno (err, "unlock the terminal");
  /* TIOCGPTPEER: the slave of exactly this master, no path lookup. */
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return ocirun_error_errno (err, "open the terminal slave");
  if (sz && sz->height && sz->width)
    {
      struct winsize ws = { .ws_row = (unsigned short)sz->height,
                            .ws_col = (unsigned short)sz->width };
      if (ioctl (master, TIOCSWINSZ, &ws) < 0)
        return ocirun_error_errno (err, "set the terminal size");
    }
  if (bind_console && bind_dev_console (slave, err) < 0)
    return -1;
  if (ocirun_fds_send (sock, master, "/dev/ptmx", strlen ("/dev/ptmx")) < 0)
    return ocirun_error_errno (err, "send the terminal master to the "
                                    "console socket");
  if (setsid () < 0)
    return ocirun_error_errno (err, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return ocirun_error_errno (err, "make the terminal the controlling tty");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return ocirun_error_errno (err, "dup the terminal to fd %d", fd);
  return 0;
}

void
ocirun_terminal_copy_size (int from, int to)
{
  struct winsize ws;

  if (ioctl (from, TIOCGWINSZ, &ws) == 0)
    ioctl (to, TIOCSWINSZ, &ws);
}

static int
copy_some (int from, int to)
{
  char buf[16384];
  ssize_t n = read (from, buf, sizeof buf);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 1;
  if (n <= 0)
    return 0;
  for (char *p = buf; n > 0;)
    {
      ssize_t w = write (to, p, (size_t)n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return 0;
      p += w;
      n -= w;
    }
  return 1;
}

int
ocirun_terminal_proxy (int master, int sigfd, pid_t pid,
                       struct ocirun_notify_relay *relay,
                       struct ocirun_error *err)
{
  struct termios saved, raw;
  bool restore = false;
  bool in_open = true;
  struct termios mt;

  /* Like runc: no \n -> \r\n translation on the output side. */
  if (tcgetattr (master, &mt) == 0)
    {
      mt.c_oflag &= (tcflag_t)~ONLCR;
      tcsetattr (master, TCSANOW, &mt);
    }
  if (isatty (0) && tcgetattr (0, &saved) == 0)
    {
      raw = saved;
      cfmakeraw (&raw);
      raw.c_oflag = saved.c_oflag;
      if (tcsetattr (0, TCSANOW, &raw) == 0)
        restore = true;
      ocirun_terminal_copy_size (0, master);
    }
  for (;;)
    {
      struct pollfd pfd[4] = {
        { .fd = master, .events = POLLIN },
        { .fd = in_open ? 0 : -1, .events = POLLIN },
        { .fd = sigfd, .events = POLLIN },
        { .fd = relay ? relay->fd : -1, .events = POLLIN },
      };
      int r = poll (pfd, 4, -1);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          if (restore)
            tcsetattr (0, TCSANOW, &saved);
          return ocirun_error_errno (err, "poll the terminal");
        }
      if (pfd[3].revents & POLLIN)
        ocirun_notify_relay_pump (relay);
      if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
        if (!copy_some (master, 1))
          break;
      if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
        if (!copy_some (0, master))
          in_open = false;
      if (sigfd >= 0 && (pfd[2].revents & POLLIN))
        {
          struct signalfd_siginfo si;
          if (read (sigfd, &si, sizeof si) == sizeof si)
            {
              if (si.ssi_signo == SIGWINCH)
                ocirun_terminal_copy_size (0, master);
              else if (si.ssi_signo != SIGCHLD && pid > 0)
                kill (pid, (int)si.ssi_signo);
            }
        }
    }
  if (restore)
    tcsetattr (0, TCSANOW, &saved);
  return 0;
}
