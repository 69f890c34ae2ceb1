/* sync.h - typed messages between the runtime and the container's setup
 * process, over a SOCK_SEQPACKET socketpair (one message per packet).
 *
 * A failing step on either side sends ERROR with its errno and message,
 * so the user sees the real cause ("mount `proc` on `/proc`: ...") rather
 * than an exit status.  A closed socket (EOF) means the peer died. */
#ifndef OCIRUN_SYNC_H
#define OCIRUN_SYNC_H

#include <stdint.h>

#include "libocirun/error.h"

enum ocirun_sync_type
{
  OCIRUN_SYNC_NONE = 0,
  /* parent -> child: maps written, netDevices moved; value = host pid */
  OCIRUN_SYNC_GO,
  /* stage-1 child -> parent: unshared a user namespace, write its maps */
  OCIRUN_SYNC_USERNS,
  /* parent -> stage-1: maps written */
  OCIRUN_SYNC_USERNS_DONE,
  /* stage-1 -> parent: value = host pid of the container process */
  OCIRUN_SYNC_PID,
  /* child -> parent: run prestart + createRuntime hooks now */
  OCIRUN_SYNC_HOOKS,
  OCIRUN_SYNC_HOOKS_DONE,
  /* child -> parent: set up, waiting for start */
  OCIRUN_SYNC_READY,
  /* parent -> child: state committed (create); the child may now exit
   * on EOF no longer */
  OCIRUN_SYNC_COMMITTED,
  /* start -> child: run the user process */
  OCIRUN_SYNC_START,
  /* exec child -> parent: value = pid of the process that will execve */
  OCIRUN_SYNC_EXEC_PID,
  /* child -> start: the NOTIFY_SOCKET relay socket rides along
   * (SCM_RIGHTS); sent right after START when create bound one */
  OCIRUN_SYNC_NOTIFY_FD,
  /* either way: errnum + text */
  OCIRUN_SYNC_ERROR,
};

struct ocirun_sync_msg
{
  uint32_t type;
  int32_t errnum;
  int64_t value;
  char text[OCIRUN_ERROR_MSG_MAX];
};

/* Send a message without text. */
int ocirun_sync_send (int fd, enum ocirun_sync_type type, int64_t value,
                      struct ocirun_error *err);

/* Send err as an ERROR message; best effort (used on the way out). */
void ocirun_sync_send_error (int fd, const struct ocirun_error *e);

/* Receive one message.  EOF is an error with errnum 0 ("peer closed"),
 * and *eof is set when eof is not NULL. */
int ocirun_sync_recv (int fd, struct ocirun_sync_msg *m, int *eof,
                      struct ocirun_error *err);

/* Send a message without text carrying one fd (SCM_RIGHTS). */
int ocirun_sync_send_fd (int fd, enum ocirun_sync_type type, int passfd,
                         struct ocirun_error *err);

/* ocirun_sync_recv, also taking a passed fd into *passfd (close-on-exec;
 * -1 when the message carried none).  passfd NULL: any fd is closed. */
int ocirun_sync_recv_fd (int fd, struct ocirun_sync_msg *m, int *eof,
                         int *passfd, struct ocirun_error *err);

/* Receive and require `type`.  An ERROR message becomes *err (the peer's
 * message, verbatim); EOF becomes "<what>: process exited unexpectedly". */
int ocirun_sync_expect (int fd, enum ocirun_sync_type type,
                        struct ocirun_sync_msg *m, const char *what,
                        struct ocirun_error *err);

/* Copy an ERROR message into err.  Returns -1. */
int ocirun_sync_error_from_msg (const struct ocirun_sync_msg *m,
                                struct ocirun_error *err);

#endif
