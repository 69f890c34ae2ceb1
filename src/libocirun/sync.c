/* sync.c - typed messages over the setup socketpair. */
#include "libocirun/sync.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libocirun/fds.h"

/* Header size: messages carry text only up to its NUL. */
#define SYNC_HDR offsetof (struct ocirun_sync_msg, text)

static int
send_msg (int fd, const struct ocirun_sync_msg *m, size_t len)
{
  ssize_t r;

  do
    r = send (fd, m, len, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r < 0 ? -1 : 0;
}

int
ocirun_sync_send (int fd, enum ocirun_sync_type type, int64_t value,
                  struct ocirun_error *err)
{
  struct ocirun_sync_msg m;

  m.type = type;
  m.errnum = 0;
  m.value = value;
  if (send_msg (fd, &m, SYNC_HDR) < 0)
    return ocirun_error_errno (err, "send setup message");
  return 0;
}

void
ocirun_sync_send_error (int fd, const struct ocirun_error *e)
{
  struct ocirun_sync_msg m;
  size_t n = strnlen (e->msg, sizeof m.text - 1);

  m.type = OCIRUN_SYNC_ERROR;
  m.errnum = e->errnum;
  m.value = 0;
  memcpy (m.text, e->msg, n);
  m.text[n] = '\0';
  send_msg (fd, &m, SYNC_HDR + n + 1);
}

int
ocirun_sync_send_fd (int fd, enum ocirun_sync_type type, int passfd,
                     struct ocirun_error *err)
{
  struct ocirun_sync_msg m = { .type = type };

  if (ocirun_fds_send (fd, passfd, &m, SYNC_HDR) < 0)
    return ocirun_error_errno (err, "send setup message with an fd");
  return 0;
}

int
ocirun_sync_recv_fd (int fd, struct ocirun_sync_msg *m, int *eof, int *passfd,
                     struct ocirun_error *err)
{
  ssize_t r;
  int got;

  if (eof)
    *eof = 0;
  /* ECONNRESET: the peer closed with messages of ours unread; what it
   * sent before is still queued and is the interesting part. */
  r = ocirun_fds_recv (fd, m, sizeof *m, &got, true);
  if (r < 0)
    return ocirun_error_errno (err, "receive setup message");
  if (passfd)
    *passfd = got;
  else if (got >= 0)
    close (got);
  if (r == 0)
    {
      if (eof)
        *eof = 1;
      return ocirun_error_set (err, 0, "peer closed the setup socket");
    }
  if ((size_t)r < SYNC_HDR)
    return ocirun_error_set (err, EPROTO, "short setup message");
  if ((size_t)r == SYNC_HDR)
    m->text[0] = '\0';
  m->text[sizeof m->text - 1] = '\0';
  return 0;
}

int
ocirun_sync_recv (int fd, struct ocirun_sync_msg *m, int *eof,
                  struct ocirun_error *err)
{
  return ocirun_sync_recv_fd (fd, m, eof, NULL, err);
}

int
ocirun_sync_error_from_msg (const struct ocirun_sync_msg *m,
                            struct ocirun_error *err)
{
  return ocirun_error_set (err, m->errnum, "%s", m->text);
}

int
ocirun_sync_expect (int fd, enum ocirun_sync_type type,
                    struct ocirun_sync_msg *m, const char *what,
                    struct ocirun_error *err)
{
  int eof;

  if (ocirun_sync_recv (fd, m, &eof, err) < 0)
    {
      if (eof)
        return ocirun_error_set (err, 0, "%s: process exited unexpectedly",
                                 what);
      return -1;
    }
  if (m->type == OCIRUN_SYNC_ERROR)
    return ocirun_sync_error_from_msg (m, err);
  if (m->type != (uint32_t)type)
    return ocirun_error_set (err, EPROTO,
                             "%s: unexpected setup message %u (wanted %u)",
                             what, m->type, (unsigned)type);
  return 0;
}
