/* security.h - credentials, capabilities, no_new_privs, LSM labels and
 * seccomp for the container process, plus runtime self-protection.
 *
 * Where the engine calls these (see container.h for the whole order):
 *
 *   parent, before fork   ocirun_security_validate (cfg)
 *                         ocirun_security_prepare (c)   compiles the seccomp
 *                           filter to BPF once, connects listenerPath; the
 *                           forked child inherits the result (no re-exec).
 *   `exec` parent         ocirun_security_validate_process (p) for
 *                           --process / CLI overrides, then
 *                           ocirun_security_prepare (c) like create.
 *   child, first thing    ocirun_protect_runtime_binary ()  (init and exec
 *                           children: non-dumpable until execve, so a
 *                           container process can't open /proc/<pid>/exe)
 *   child, last step      ocirun_process_finalize (c, p); then execve.
 *   parent, after fork    ocirun_security_release (c) (frees the BPF, closes
 *                           the listener socket in the parent).
 *
 * File descriptors owned by this area and inherited by the child (the
 * listener socket, a /proc handle) are O_CLOEXEC: the engine must NOT close
 * them with a close-range sweep before ocirun_process_finalize(); marking
 * every fd CLOEXEC (as crun does) is fine.  ocirun_security_keep_fd() says
 * whether an fd belongs to this area, for engines that close eagerly.
 *
 * All functions return < 0 and fill *err on failure. */
#ifndef OCIRUN_SECURITY_H
#define OCIRUN_SECURITY_H

#include <stdbool.h>
#include <stddef.h>

#include "libocirun/container.h"
#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Host-dependent checks of the whole config, before anything is forked:
 * capability names (unknown: `config.json: process.capabilities.
 * bounding[3]: unknown capability "CAP_FOO"`), seccomp architectures,
 * flags, actions and errno values, and that the seccomp filter compiles.
 * process.selinuxLabel is checked with security_check_context() when
 * SELinux is enabled. */
int ocirun_security_validate (const struct oci_config *cfg,
                              struct ocirun_error *err);

/* The same checks for a process object alone (exec --process, exec
 * --cap).  `what` locates the object in messages: a JSON path
 * ("config.json: process" gives "config.json: process.capabilities...")
 * or, for a file holding just the process, "<file>:" (gives
 * "process.json: capabilities...").  Without a colon at the end the
 * fields are joined with a dot. */
int ocirun_security_validate_process (const struct oci_process *p,
                                      const char *what,
                                      struct ocirun_error *err);

/* Parent, before fork: compile linux.seccomp (if any) to BPF and, when
 * listenerPath is set, connect to it.  Idempotent.  Optional: finalize
 * compiles lazily when it was not called, at the cost of doing the
 * compilation inside the container. */
int ocirun_security_prepare (struct ocirun_container *c,
                             struct ocirun_error *err);

/* Parent, after the child is forked (and on error paths): drop what
 * prepare() allocated.  Safe to call more than once and on a container
 * prepare() never saw. */
void ocirun_security_release (struct ocirun_container *c);

/* True if fd is owned by the security area of c (keep it open in the
 * child until ocirun_process_finalize()). */
bool ocirun_security_keep_fd (const struct ocirun_container *c, int fd);

/* Child, the very last step before execve (container init and exec):
 *
 *   LSM exec label (SELinux setexeccon / AppArmor "exec <profile>"),
 *   PR_SET_KEEPCAPS, bounding set drop (PR_CAPBSET_DROP),
 *   setgroups (additionalGids; skipped when /proc/self/setgroups says
 *   "deny" in a user namespace), setresgid, setresuid, umask (if set),
 *   seccomp here if noNewPrivileges is false (CAP_SYS_ADMIN is raised
 *   from the permitted set just for the load),
 *   capset (effective, permitted, inheritable exactly as configured:
 *   inheritable empty unless asked, CVE-2022-29162), ambient raise,
 *   PR_SET_NO_NEW_PRIVS, seccomp here if noNewPrivileges is true, then
 *   the notify fd (SCMP_ACT_NOTIFY) goes to listenerPath with the state.
 *
 * p is the process to run (config's process for init, the exec process
 * for exec); seccomp comes from c->config->linux_->seccomp.  The listener's
 * state says "creating" when p == c->config->process (the init) and
 * "running" otherwise (exec).  c->pid, when > 0, is used as the host pid
 * in that state; otherwise the pid is read through a host /proc handle
 * opened by prepare().  The notify fd is sent and then closed in the
 * child: the container never holds it (c->seccomp_notify_fd stays -1).
 * After a successful return only execve (and what it needs) may run: the
 * filter is active, and nothing was logged or allocated after it. */
int ocirun_process_finalize (struct ocirun_container *c,
                             const struct oci_process *p,
                             struct ocirun_error *err);

/* CVE-2019-5736: make this process non-dumpable so that processes in the
 * container (without CAP_SYS_PTRACE over the runtime's user namespace)
 * can't open /proc/<pid>/exe, /proc/<pid>/fd, /proc/<pid>/mem of the
 * runtime while it runs inside the container's namespaces.  Call in the
 * container init child and in the exec child right after fork; execve of
 * the container program restores dumpability.  Cost: one prctl. */
int ocirun_protect_runtime_binary (struct ocirun_error *err);

/* Check that fd (an open file or directory under /proc) really lives on
 * procfs (fstatfs f_type == PROC_SUPER_MAGIC), so that writes through
 * attr/, setgroups, oom_score_adj, sysctl... can't be redirected by a
 * malicious rootfs that mounted something else over /proc.  `what` names
 * the path in the error. */
int ocirun_verify_procfs_fd (int fd, const char *what,
                             struct ocirun_error *err);

/* Open `path` (absolute, under /proc) with flags | O_CLOEXEC |
 * O_NOFOLLOW and verify it is on procfs.  Returns the fd. */
int ocirun_open_procfs (const char *path, int flags, struct ocirun_error *err);

/* The separator between `what` and a field name (see above). */
static inline const char *
ocirun_path_sep (const char *what)
{
  size_t n = __builtin_strlen (what);

  return n > 0 && what[n - 1] == ':' ? " " : ".";
}

/* ---- the default seccomp profile (seccomp-profiles/default.json) ---- */

/* The embedded JSON text (NUL-terminated, in OCI linux.seccomp form). */
const char *ocirun_default_seccomp_json (size_t *len);

/* Parsed into the typed model; caller frees with
 * ocirun_seccomp_free().  For `ocirun spec`. */
int ocirun_default_seccomp (struct oci_seccomp **out,
                            struct ocirun_error *err);
void ocirun_seccomp_free (struct oci_seccomp *s);

#endif
