/* container_internal.h - the create machinery shared by create and run
 * (engine-internal). */
#ifndef OCIRUN_CONTAINER_INTERNAL_H
#define OCIRUN_CONTAINER_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "libocirun/container.h"
#include "libocirun/engine.h"
#include "libocirun/init.h"
#include "libocirun/namespaces.h"
#include "libocirun/state.h"

struct ocirun_create
{
  struct ocirun_container c;
  struct ocirun_ns_plan plan;
  struct ocirun_init_args args;
  struct ocirun_state st; /* fields borrowed from c / c.config */
  char created[64];
  char *config_buf;
  size_t config_len;
  bool foreground;   /* run without --detach: may proxy a terminal */
  bool start_inline; /* run: START goes over the setup socket */
  int rootfd;
  int dirfd;   /* locked state directory */
  int sync_fd; /* our end of the setup socket */
  int child_sync_fd;
  int start_fd;          /* listening start.sock (create only) */
  int state_pathfd;      /* O_PATH state dir for the child (create only) */
  int console_fd;        /* the child's console socket */
  int console_parent_fd; /* foreground terminal: master arrives here */
  int pidfd;             /* of the container process (fast path) */
  int notify_fd;         /* NOTIFY_SOCKET relay socket, -1 if none */
  pid_t stage1;
  bool plan_built;
  bool state_dir_made;
  bool cgroup_made;
  bool net_moved;
};

void ocirun_create_init (struct ocirun_create *cr);
/* Validation only: parse, every area's *_validate, namespace plan. */
int ocirun_create_prepare (struct ocirun_create *cr, const char *id,
                           const struct ocirun_runtime_options *opts,
                           struct ocirun_error *err);
/* State dir, cgroup, clone, setup until the child waits for start. */
int ocirun_create_spawn (struct ocirun_create *cr, struct ocirun_error *err);
/* After a failed spawn (or start): kill, remove cgroup and state. */
void ocirun_create_abort (struct ocirun_create *cr);
/* Close fds, free memory (does not undo anything). */
void ocirun_create_release (struct ocirun_create *cr);

/* sockaddr of <state_dir>/<name>, via /proc/self/fd/<dirfd> when the
 * path is too long for sun_path. */
void ocirun_state_sock_path (const char *state_dir, int dirfd,
                             const char *name, struct sockaddr_un *addr);

/* Shared by start and run: the container process exec'd (EOF on fd) or
 * failed (ERROR).  A NOTIFY_SOCKET relay socket it passes on the way
 * goes to *notify_fd (closed when notify_fd is NULL). */
int ocirun_await_exec (int fd, const char *what, int *notify_fd,
                       struct ocirun_error *err);

/* delete's work on a locked state dir; used by run too. */
int ocirun_delete_locked (int rootfd, int dirfd, const char *root,
                          const char *id, bool force,
                          struct ocirun_error *err);

/* Run poststart hooks of a just started container (warnings only). */
void ocirun_run_poststart (const struct ocirun_state *s);

/* Open the state root and <root>/<id> (lock: LOCK_EX, LOCK_SH, 0); a
 * missing root or directory is "container `id` does not exist". */
int ocirun_open_container (const char *root, const char *id, int lock,
                           int *rootfd, int *dirfd, struct ocirun_error *err);
/* state.json of an opened container ("is being created" if none yet). */
int ocirun_read_state (int dirfd, const char *id, struct ocirun_state **s,
                       struct ocirun_error *err);
/* A pidfd of pid if it still is the process that started at `start`;
 * -1 (errno ESRCH) otherwise. */
int ocirun_open_pidfd (pid_t pid, unsigned long long start);
/* A container object for area calls on an existing container (id and
 * state_dir point into `path`/id; nothing to free but c->cgroup). */
void ocirun_container_for (struct ocirun_container *c, const char *root,
                           const char *id, char *path, size_t len);

/* Signals a foreground run/exec forwards to its process. */
void ocirun_forward_sigset (sigset_t *set);
/* Block them and return a signalfd for them (saving the old mask in
 * *old); on failure the mask is restored.  Undo with ocirun_forward_end. */
int ocirun_forward_begin (sigset_t *old, struct ocirun_error *err);
/* Close sigfd (if >= 0) and restore the mask saved by forward_begin. */
void ocirun_forward_end (int sigfd, const sigset_t *old);
/* Wait for pid (pidfd) forwarding signals read from sigfd and relaying
 * NOTIFY_SOCKET messages (relay may be NULL); returns the wait status. */
struct ocirun_notify_relay;
int ocirun_wait_forwarding (pid_t pid, int pidfd, int sigfd,
                            struct ocirun_notify_relay *relay,
                            struct ocirun_error *err);
/* Exit status for a wait status: the code, or 128 + signal. */
int ocirun_exit_code_of (int status);

#endif
