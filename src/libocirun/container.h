/* container.h - the container context shared by every setup stage.
 *
 * The engine (container.c / init.c) owns the order of operations and
 * calls into the areas below; each area owns its own header:
 *
 *   parent, before fork   parse + oci_config_validate_for_create(), every
 *                         area's *_validate(), namespace plan (namespace
 *                         paths opened and type-checked): nothing is
 *                         changed on the host if any of these fails
 *                         state dir <root>/<id> (0700, flock'd), state.json
 *                         "creating", config.json copy
 *                         ocirun_security_prepare(), ocirun_cgroup_create()
 *   clone                 fast path: one clone3() with every new namespace
 *                         (user included), CLONE_INTO_CGROUP on pure v2;
 *                         a namespace joined by path or a time namespace:
 *                         a stage-1 child joins (user first, mount last),
 *                         unshares user then the rest, writes time offsets
 *                         and clone()s the container process (CLONE_PARENT)
 *   parent, after clone   uid/gid maps, ocirun_net_parent_setup(), GO
 *   child (container ns)  ocirun_protect_runtime_binary(), [wait GO],
 *                         execCPUAffinity.initial, ocirun_cgroup_enter_self(),
 *                         setres[ug]id(0) in a new user namespace,
 *                         unshare(CLONE_NEWCGROUP), execCPUAffinity.final,
 *                         session keyring, hostname/domainname,
 *                         ocirun_net_child_setup() (lo, sysctl),
 *                         personality, ioprio, scheduler,
 *                         ocirun_rootfs_prepare(),
 *                         HOOKS -> parent: prestart + createRuntime hooks,
 *                         createContainer hooks,
 *                         ocirun_rootfs_finalize() (pivot_root, masked/ro),
 *                         chdir(cwd) + check it is inside the root,
 *                         terminal (pty from the container's devpts, master
 *                         to the console socket), executable lookup,
 *                         fds >= 3 + preserved marked CLOEXEC, READY
 *   parent, on READY      rlimits + oom_score_adj of the child (from outside:
 *                         a new user namespace has no host privileges),
 *                         state.json "created", pid file, COMMITTED
 *   child                 wait for `start` (start.sock, or the setup socket
 *                         for run), startContainer hooks,
 *                         ocirun_process_finalize() (ids, caps, nnp, LSM,
 *                         seccomp), execve.
 *   start                 state.json "running", poststart hooks
 *   delete                kill + wait, ocirun_cgroup_destroy(), state dir
 *                         removed, poststop hooks
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
  const char *root;   /* state root, e.g. /run/ocirun */
  const char *bundle; /* as given; container.bundle is absolute */
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
  char *rootfs;    /* absolute host path of root.path */
  pid_t pid;       /* container process, host pid namespace */
  int sync_fd;     /* setup socket end of this process, -1 if none */
  bool new_userns; /* a user namespace is created (not joined) */
  bool new_pidns;
  bool new_mountns;
  bool new_netns;
  char *notify_socket; /* the host's NOTIFY_SOCKET at create, or NULL */
  int notify_mount;    /* index of its bind mount in config->mounts, -1 */

  /* --- cgroups --- */
  struct ocirun_cgroup *cgroup;

  /* --- network --- */
  struct ocirun_netstate *net;

  /* --- security --- */
  int seccomp_notify_fd; /* -1 unless a listenerPath is configured */
  struct ocirun_security *security; /* security.h: prepare()/release() */
};

#endif
