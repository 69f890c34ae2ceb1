/* container.h - the container context shared by every setup stage.
 *
 * The engine (container.c / init.c) owns the order of operations and
 * calls into the areas below; each area owns its own header:
 *
 *   parent, before fork   all *_validate()       (nothing forked if any fails)
 *                         ocirun_cgroup_create() (dirs + resources)
 *   parent, after clone   uid/gid maps, ocirun_net_parent_setup(),
 *                         prestart + createRuntime hooks
 *   child (container ns)  ocirun_cgroup_enter_self(), unshare(CLONE_NEWCGROUP),
 *                         hostname, ocirun_net_child_setup(), sysctl,
 *                         ocirun_rootfs_prepare(), createContainer hooks,
 *                         ocirun_rootfs_finalize() (pivot_root, masked/ro paths),
 *                         rlimits, oom_score_adj, personality, ioprio, sched,
 *                         wait for `start`, startContainer hooks,
 *                         ocirun_process_finalize() (ids, caps, nnp, LSM,
 *                         seccomp), execve.
 *
 * Fields are filled progressively; an area may add fields in its marked
 * section, never rename others. */
#ifndef OCIRUN_CONTAINER_H
#define OCIRUN_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* What the CLI asked for, per operation. */
struct ocirun_runtime_options
{
  const char *root;           /* state root, e.g. /run/ocirun */
  const char *bundle;         /* as given; container.bundle is absolute */
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool detach;
  bool systemd_cgroup;
};

struct ocirun_cgroup;   /* cgroup area, opaque to others */
struct ocirun_netstate; /* network area, opaque to others */
struct ocirun_security; /* security area, opaque to others */

struct ocirun_container
{
  char *id;
  char *bundle;    /* absolute path of the bundle */
  char *state_dir; /* <root>/<id>, 0700 */
  struct oci_config *config;
  struct ocirun_runtime_options opts;

  /* --- engine --- */
  char *rootfs;     /* absolute host path of root.path */
  pid_t pid;        /* container process, host pid namespace */
  int sync_fd;      /* setup socket end of this process, -1 if none */
  bool new_userns;  /* a user namespace is created (not joined) */
  bool new_pidns;
  bool new_mountns;
  bool new_netns;

  /* --- cgroups --- */
  struct ocirun_cgroup *cgroup;

  /* --- network --- */
  struct ocirun_netstate *net;

  /* --- security --- */
  int seccomp_notify_fd; /* -1 unless a listenerPath is configured */
  struct ocirun_security *security; /* security.h: prepare()/release() */
};

#endif
