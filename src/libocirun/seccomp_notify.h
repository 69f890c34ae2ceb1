/* seccomp_notify.h - listenerPath: send the notify fd and the container
 * process state to the seccomp agent. */
#ifndef OCIRUN_SECCOMP_NOTIFY_H
#define OCIRUN_SECCOMP_NOTIFY_H

#include <stddef.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* What goes into the "container process state" document. */
struct ocirun_notify_state
{
  const char *id;
  const char *bundle;
  const char *status;   /* "creating" for init, "running" for exec */
  pid_t pid;            /* as seen by the runtime (host pid namespace) */
  const char *metadata; /* listenerMetadata, may be NULL */
  const struct oci_kv *annotations;
  size_t annotations_len;
};

/* Connect (SOCK_STREAM, CLOEXEC) to listenerPath.  Returns the fd. */
int ocirun_seccomp_listener_connect (const char *path,
                                     struct ocirun_error *err);

/* {"ociVersion","fds":["seccompFd"],"pid","metadata","state":{...}}.
 * *json is malloc'd. */
int ocirun_seccomp_notify_payload (const struct ocirun_notify_state *st,
                                   char **json, size_t *len,
                                   struct ocirun_error *err);

/* One sendmsg: payload + notify_fd as SCM_RIGHTS. */
int ocirun_seccomp_notify_send (int sock, int notify_fd, const char *payload,
                                size_t len, struct ocirun_error *err);

#endif
