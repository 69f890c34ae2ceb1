/* cgroup.h - control groups: placement, resources, freezer, stats.
 *
 * Works on pure cgroup v2 hosts, pure v1 hosts and hybrid hosts (v1
 * controllers under /sys/fs/cgroup/<ctrl>, cgroup2 at
 * /sys/fs/cgroup/unified).  The host is probed once per process.
 *
 * Call order (see container.h):
 *
 *   parent, before fork   ocirun_cgroup_validate (cfg, systemd_cgroup)
 *                         ocirun_cgroup_create (c)   dirs + all resources,
 *                                                    fills c->cgroup
 *   parent, clone         recommended: clone3 with CLONE_INTO_CGROUP and
 *                         ocirun_cgroup_clone_fd (c) (cgroup2 part, pure
 *                         v2 and hybrid); saves ~6 ms, see below
 *   child, first thing    ocirun_cgroup_enter_self (c), then the engine
 *                         unshares CLONE_NEWCGROUP
 *   parent, created       ocirun_cgroup_save (c)     (c->state_dir/cgroup)
 *   later commands        ocirun_cgroup_load (c)     (fills c->cgroup)
 *   exec                  ocirun_cgroup_enter_pid (c, pid, subpath)
 *   delete                ocirun_cgroup_destroy (c)  (kills what is left)
 *   always                ocirun_cgroup_free (c->cgroup)
 *
 * Path resolution (runc's cgroupfs driver semantics):
 *   cgroupsPath absolute  relative to each hierarchy's root;
 *   cgroupsPath relative  relative to this process's own cgroup in each v1
 *                         hierarchy (on pure v2: to the parent of its own
 *                         cgroup, whose subtree_control can be used);
 *   cgroupsPath empty     as the relative path "<id>".
 * `..` never climbs above the hierarchy root. */
#ifndef OCIRUN_CGROUP_H
#define OCIRUN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocirun/container.h"
#include "libocirun/error.h"
#include "oci-spec/config.h"

enum ocirun_cgroup_mode
{
  OCIRUN_CGROUP_V1 = 1,
  OCIRUN_CGROUP_V2,
  OCIRUN_CGROUP_HYBRID,
};

/* The host's cgroup layout (probed once, cached). */
enum ocirun_cgroup_mode ocirun_cgroup_host_mode (void);

/* ---- lifecycle ---------------------------------------------------------- */

/* Before fork: cgroupsPath form, systemd driver requested without systemd
 * as PID 1, `unified` on a v1-only host, realtime cpu on v2, values out of
 * the kernel's ranges (swappiness, blkio weights, cpu.idle, swap < limit,
 * unknown hugepage sizes).  Does not touch the cgroup tree. */
int ocirun_cgroup_validate (const struct oci_config *cfg, bool systemd_cgroup,
                            struct ocirun_error *err);

/* Parent, before clone: resolve the path, mkdir it in every hierarchy,
 * apply linux.resources (plus the default device rules), fill c->cgroup.
 * On failure every directory this call created is removed again.
 * Unprivileged without a delegated tree and without limits in the
 * config: succeeds with c->cgroup == NULL (no cgroup, like runc
 * rootless); callers test c->cgroup before enter_self/save. */
int ocirun_cgroup_create (struct ocirun_container *c,
                          struct ocirun_error *err);

/* Child, first thing after clone, still SINGLE-THREADED: move the calling
 * process into the container cgroup of every hierarchy, using fds opened
 * by create (so it works after the child changed its mount namespace).
 * v1 hierarchies are joined through `tasks` ("0"), which moves only the
 * calling thread but skips the global lock (and its RCU grace period)
 * that a cgroup.procs write takes: that is why the caller must be
 * single-threaded.  The cgroup2 directory is joined through
 * cgroup.procs unless the process was cloned into it (see below).
 * Closes those fds. */
int ocirun_cgroup_enter_self (struct ocirun_container *c,
                              struct ocirun_error *err);

/* The cgroup2 directory (pure v2 and hybrid hosts) as an fd for clone3's
 * CLONE_INTO_CGROUP (clone_args.cgroup), or -1 (pure v1).  Owned by
 * c->cgroup, do not close.  Being born in the cgroup costs ~0.15 ms;
 * writing cgroup.procs afterwards costs an RCU grace period (~6 ms).
 * Calling it means "the next clone uses it": enter_self in the child then
 * skips that hierarchy.  If that clone3 fails (old kernel: ENOSYS, E2BIG,
 * EINVAL) and the engine falls back to a clone without
 * CLONE_INTO_CGROUP, call ocirun_cgroup_clone_fd_unused (c) first. */
int ocirun_cgroup_clone_fd (struct ocirun_container *c);
void ocirun_cgroup_clone_fd_unused (struct ocirun_container *c);

/* exec: move pid into the container cgroup, or into `subpath` below it
 * (runc exec --cgroup; NULL or "" for the container cgroup itself; the
 * sub-cgroup must exist).  pid 0 means the calling process, which must
 * then be single-threaded: that is the fast way (v1 `tasks`, no RCU
 * grace period); a pid written by another process costs 5-15 ms. */
int ocirun_cgroup_enter_pid (struct ocirun_container *c, pid_t pid,
                             const char *subpath, struct ocirun_error *err);

/* exec, in the runtime before the clone: open what the new process needs
 * to join the container cgroup (or `subpath` below it, as enter_pid)
 * itself, with ocirun_cgroup_enter_self () while still single-threaded,
 * and make ocirun_cgroup_clone_fd () return that cgroup2 directory.  A
 * pid written by another process costs an RCU grace period (5-15 ms);
 * this way no cgroup.procs write is left (v1: `tasks`, cgroup2: clone3).
 * A container without a cgroup of its own (unprivileged, see create)
 * succeeds with c->cgroup == NULL: there is nothing to join. */
int ocirun_cgroup_prepare_enter (struct ocirun_container *c,
                                 const char *subpath,
                                 struct ocirun_error *err);

/* Persist the resolved paths in c->state_dir/cgroup and load them back
 * (load fills c->cgroup; it does not need c->config). */
int ocirun_cgroup_save (struct ocirun_container *c, struct ocirun_error *err);
int ocirun_cgroup_load (struct ocirun_container *c, struct ocirun_error *err);

/* SIGKILL every process left in the container cgroup (and sub-cgroups),
 * wait until they are gone, rmdir every hierarchy's directory.
 * Idempotent: missing directories are fine, and it works from the saved
 * file alone (delete --force after a crash).  When c->cgroup is NULL it
 * loads the state file first; with no state file it does nothing. */
int ocirun_cgroup_destroy (struct ocirun_container *c,
                           struct ocirun_error *err);

/* Accepts NULL. */
void ocirun_cgroup_free (struct ocirun_cgroup *cg);

/* Read-only: the container's cgroup directory as an absolute host path
 * ("/sys/fs/cgroup/memory/<path>"), owned by c->cgroup.  controller is a
 * v1 controller or named hierarchy ("memory", "cpu", "name=systemd"),
 * or NULL for the cgroup2 directory (pure v2 and hybrid hosts).  NULL
 * when there is none: no c->cgroup, an unknown controller, a hierarchy
 * the host does not mount.  Usable in the container child (the paths
 * stay valid until it leaves the host's mount tree). */
const char *ocirun_cgroup_path (const struct ocirun_container *c,
                                const char *controller);

/* ---- operations on a created/loaded container ----------------------------
 */

/* Freeze and wait until every task is frozen; thaw. */
int ocirun_cgroup_freeze (struct ocirun_container *c,
                          struct ocirun_error *err);
int ocirun_cgroup_thaw (struct ocirun_container *c, struct ocirun_error *err);
/* For `state`: true when the freezer reports frozen/freezing.  Loads the
 * cgroup state file when c->cgroup is NULL; false on any error. */
bool ocirun_cgroup_is_paused (struct ocirun_container *c);

/* Every pid in the container cgroup and its sub-cgroups (host pid
 * namespace), sorted ascending; *pids is malloc'd (NULL when empty). */
int ocirun_cgroup_pids (struct ocirun_container *c, pid_t **pids, size_t *n,
                        struct ocirun_error *err);

/* `update`: apply r to the running container (only what r sets). */
int ocirun_cgroup_update (struct ocirun_container *c,
                          const struct oci_resources *r,
                          struct ocirun_error *err);

/* ---- statistics (runc `events --stats` data) -----------------------------
 */

struct ocirun_cgroup_memory_entry
{
  uint64_t limit;
  uint64_t usage;
  uint64_t max;
  uint64_t failcnt;
};

struct ocirun_cgroup_blkio_entry
{
  uint64_t major;
  uint64_t minor;
  char op[16]; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
  uint64_t value;
};

struct ocirun_cgroup_hugetlb_stats
{
  char page_size[16]; /* "2MB" */
  uint64_t usage;
  uint64_t max;
  uint64_t failcnt;
};

struct ocirun_cgroup_kv_u64
{
  char *key;
  uint64_t value;
};

struct ocirun_cgroup_stats
{
  /* cpu, nanoseconds */
  uint64_t cpu_total;
  uint64_t cpu_kernel;
  uint64_t cpu_user;
  uint64_t *cpu_percpu; /* v1 only */
  size_t cpu_percpu_len;
  uint64_t *cpu_percpu_kernel; /* v1 cpuacct.usage_all */
  uint64_t *cpu_percpu_user;
  size_t cpu_percpu_split_len;
  uint64_t throttling_periods;
  uint64_t throttling_throttled_periods;
  uint64_t throttling_throttled_time;

  /* cpuset: lists expanded; flags as the v1 files have them */
  uint16_t *cpuset_cpus;
  size_t cpuset_cpus_len;
  uint16_t *cpuset_mems;
  size_t cpuset_mems_len;
  uint64_t cpuset_cpu_exclusive;
  uint64_t cpuset_mem_hardwall;
  uint64_t cpuset_mem_exclusive;
  uint64_t cpuset_memory_migrate;
  uint64_t cpuset_memory_spread_page;
  uint64_t cpuset_memory_spread_slab;
  uint64_t cpuset_memory_pressure;
  uint64_t cpuset_sched_load_balance;
  int64_t cpuset_sched_relax_domain_level;

  /* memory */
  uint64_t memory_cache;
  struct ocirun_cgroup_memory_entry memory_usage;
  struct ocirun_cgroup_memory_entry memory_swap;
  struct ocirun_cgroup_memory_entry memory_kernel;
  struct ocirun_cgroup_memory_entry memory_kernel_tcp;
  struct ocirun_cgroup_kv_u64 *memory_raw; /* memory.stat */
  size_t memory_raw_len;

  /* pids */
  uint64_t pids_current;
  uint64_t pids_limit; /* 0: unlimited */

  /* blkio */
  struct ocirun_cgroup_blkio_entry *io_service_bytes;
  size_t io_service_bytes_len;
  struct ocirun_cgroup_blkio_entry *io_serviced;
  size_t io_serviced_len;

  /* hugetlb, one per page size */
  struct ocirun_cgroup_hugetlb_stats *hugetlb;
  size_t hugetlb_len;
};

int ocirun_cgroup_stats (struct ocirun_container *c,
                         struct ocirun_cgroup_stats *st,
                         struct ocirun_error *err);
void ocirun_cgroup_stats_release (struct ocirun_cgroup_stats *st);

/* runc's event JSON, one line without trailing newline, malloc'd:
 *   {"type":"stats","id":"<id>","data":{"cpu":...,"memory":...,...}} */
int ocirun_cgroup_stats_to_json (const char *id,
                                 const struct ocirun_cgroup_stats *st,
                                 char **json, struct ocirun_error *err);

/* ---- OOM notification -----------------------------------------------------
 */

struct ocirun_cgroup_oom;

/* Watch the container's memory cgroup for OOM kills: eventfd on v1
 * memory.oom_control, inotify on v2 memory.events.  *fd is pollable
 * (POLLIN: call ocirun_cgroup_oom_read). */
int ocirun_cgroup_oom_open (struct ocirun_container *c,
                            struct ocirun_cgroup_oom **oom, int *fd,
                            struct ocirun_error *err);
/* Drain the fd: returns the number of new OOM events (0 if none), < 0 on
 * error. */
int ocirun_cgroup_oom_read (struct ocirun_cgroup_oom *oom,
                            struct ocirun_error *err);
void ocirun_cgroup_oom_close (struct ocirun_cgroup_oom *oom);

#endif
