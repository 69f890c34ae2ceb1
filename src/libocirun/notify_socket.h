/* notify_socket.h - NOTIFY_SOCKET passthrough: sd_notify for containers,
 * without libsystemd (engine-internal).
 *
 * create/run started with NOTIFY_SOCKET set: the runtime binds a datagram
 * socket <state dir>/notify.sock, bind-mounts it into the container at
 * the same path as the host's NOTIFY_SOCKET (at /run/notify/notify.sock
 * when the host's is an abstract "@name") and sets NOTIFY_SOCKET in the
 * container's environment.  Nothing reaches the host's socket before the
 * container is started: `start` gets the socket from the container
 * process (which holds it, close-on-exec, until it execs) and relays the
 * container's messages, MAINPID= replaced by the container's host pid,
 * until READY=1; `run` does the same, and in the foreground keeps relaying
 * (STATUS=, WATCHDOG=1, STOPPING=1, ...) for as long as the container
 * runs.  Which host socket: NOTIFY_SOCKET of `start` if set, else the one
 * create recorded. */
#ifndef OCIRUN_NOTIFY_SOCKET_H
#define OCIRUN_NOTIFY_SOCKET_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "libocirun/container.h"

#define OCIRUN_NOTIFY_SOCKET "notify.sock"
/* The host's NOTIFY_SOCKET as create saw it. */
#define OCIRUN_NOTIFY_TARGET "notify_target"
/* Where an abstract host socket appears in the container (as runc). */
#define OCIRUN_NOTIFY_INSIDE_DEFAULT "/run/notify/notify.sock"

/* create, before anything changes: with NOTIFY_SOCKET set, check it and
 * add the bind mount and the environment variable to c->config (after
 * every other mount, so none hides it). */
int ocirun_notify_plan (struct ocirun_container *c, struct ocirun_error *err);

/* create, in the locked state dir dirfd: bind the relay socket and record
 * the host path.  *fd is -1 when NOTIFY_SOCKET was not set. */
int ocirun_notify_bind (const struct ocirun_container *c, int dirfd, int *fd,
                        struct ocirun_error *err);

struct ocirun_notify_relay
{
  int fd;      /* the container's side, -1: no relay */
  int host_fd; /* unbound datagram socket towards `host` */
  pid_t pid;   /* container process, host pid namespace */
  struct sockaddr_un host;
  socklen_t host_len;
  bool ready; /* READY=1 went through */
};

/* The relay runs after the container was started, which happens whatever
 * becomes of the relay: its trouble is logged as a warning ("NOTIFY_SOCKET:
 * ..."), never a failed command. */

/* Take fd (-1: no relay) and relay to the host socket: NOTIFY_SOCKET of
 * this process, else the path recorded in state dir dirfd (-1: none).
 * Without a usable host socket the relay stays off (r->fd == -1). */
void ocirun_notify_relay_open (struct ocirun_notify_relay *r, int fd,
                               int dirfd, pid_t pid);

/* Forward one queued message, if any; false when none was queued. */
bool ocirun_notify_relay_pump (struct ocirun_notify_relay *r);

/* Relay until READY=1 went through or the container process (pidfd) is
 * gone; pidfd -1 means it is gone already (what it sent is relayed). */
void ocirun_notify_relay_until_ready (struct ocirun_notify_relay *r,
                                      int pidfd);

void ocirun_notify_relay_close (struct ocirun_notify_relay *r);

/* A relay that is off (fd -1); safe to close. */
#define OCIRUN_NOTIFY_RELAY_OFF                                               \
  (struct ocirun_notify_relay) { .fd = -1, .host_fd = -1 }

#endif
