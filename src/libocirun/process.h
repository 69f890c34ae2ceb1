/* process.h - per-process attributes of the container process (and of
 * exec'd processes): rlimits, oom_score_adj, personality, I/O priority,
 * scheduler, CPU affinity, hostname, cwd, executable lookup.
 *
 * All run in the child, before the security area's finalize drops
 * privileges (lowering limits or oom_score_adj needs CAP_SYS_RESOURCE). */
#ifndef OCIRUN_PROCESS_H
#define OCIRUN_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* rlimits and oom_score_adj of pid (0: the caller).  The runtime sets
 * them on the container process from outside: in a new user namespace
 * the process has no CAP_SYS_RESOURCE over the host, and its own /proc
 * files are no longer writable to it. */
int ocirun_process_set_rlimits (pid_t pid, const struct oci_process *p,
                                struct ocirun_error *err);
int ocirun_process_set_oom_score_adj (pid_t pid, const struct oci_process *p,
                                      struct ocirun_error *err);
int ocirun_process_set_personality (const struct oci_config *cfg,
                                    struct ocirun_error *err);
int ocirun_process_set_io_priority (const struct oci_process *p,
                                    struct ocirun_error *err);
int ocirun_process_set_scheduler (const struct oci_process *p,
                                  struct ocirun_error *err);
/* cpus is a list like "0-3,7"; NULL or "" does nothing. */
int ocirun_process_set_cpu_affinity (const char *cpus,
                                     struct ocirun_error *err);
/* hostname and domainname of the UTS namespace. */
int ocirun_process_set_hostname (const struct oci_config *cfg,
                                 struct ocirun_error *err);

/* chdir (cwd) after the root change, and make sure the result is inside
 * the root (CVE-2024-21626: a leaked host directory fd as cwd). */
int ocirun_process_chdir (const char *cwd, struct ocirun_error *err);

/* argv[0] resolved like execvp: with a '/' as is, else through PATH of
 * env (or the default PATH).  Errors use runc's wording, which engines
 * match on ("executable file not found in $PATH"). */
int ocirun_process_find_executable (const char *arg0, char *const *env,
                                    char *out, size_t out_len,
                                    struct ocirun_error *err);

/* Value of NAME in an env vector, or NULL. */
const char *ocirun_env_get (char *const *env, const char *name);

/* A copy of env (n entries) with "NAME=value" set (replaced if present).
 * The result's strings are borrowed from env except the new ones; free the
 * vector itself and the entries listed by `owned`. */
char **ocirun_env_with (char *const *env, size_t n, const char *const *set,
                        size_t nset);

/* env (NULL-terminated) plus HOME=<home of uid in /etc/passwd, or "/">
 * when it has none, as runc and crun do.  Returns env itself or a new
 * vector whose entries are borrowed (plus one static string). */
char **ocirun_env_with_home (char **env, uid_t uid);

/* Parse "0-3,7" into a cpu_set_t-sized bitmap; -1 on syntax error. */
int ocirun_parse_cpu_list (const char *s, void *cpuset, size_t setsize);

#endif
