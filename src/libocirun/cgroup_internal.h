/* cgroup_internal.h - shared by the cgroup*.c files and their unit tests,
 * never by other areas (they use cgroup.h). */
#ifndef OCIRUN_CGROUP_INTERNAL_H
#define OCIRUN_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocirun/cgroup.h"

/* Every controller (or named hierarchy) a container gets a directory in.
 * Order matters only for determinism of the state file. */
enum cg_ctrl
{
  CG_CPU = 0,
  CG_CPUACCT,
  CG_CPUSET,
  CG_MEMORY,
  CG_DEVICES,
  CG_FREEZER,
  CG_BLKIO, /* "io" on v2 */
  CG_PIDS,
  CG_HUGETLB,
  CG_NET_CLS,
  CG_NET_PRIO,
  CG_PERF_EVENT,
  CG_RDMA,
  CG_MISC,
  CG_SYSTEMD, /* the "name=systemd" named hierarchy */
  CG_NCTRL
};

/* v1 name ("memory", "name=systemd"); cg_ctrl_v2_name: v2 name or NULL
 * when the controller has no v2 equivalent ("io" for blkio). */
const char *cg_ctrl_name (enum cg_ctrl c);
const char *cg_ctrl_v2_name (enum cg_ctrl c);
/* -1 when unknown. */
int cg_ctrl_from_name (const char *name);

#define CG_BIT(c) (1u << (c))

/* What the host looks like; probed once per process. */
struct cg_host
{
  enum ocirun_cgroup_mode mode;
  char *v1_mount[CG_NCTRL]; /* hierarchy mountpoint, NULL: not mounted */
  char *v1_own[CG_NCTRL];   /* own cgroup, relative to the mount ("/x") */
  char *unified_mount;      /* cgroup2 mountpoint, NULL on pure v1 */
  char *unified_own;        /* own cgroup in it */
  unsigned v2_avail;        /* CG_BIT()s in the cgroup2 root's controllers */
};

const struct cg_host *cg_host_get (void);
/* Parse /proc/self/mountinfo- and /proc/self/cgroup-formatted text into h
 * (for unit tests and the probe).  statfs_v2 says /sys/fs/cgroup itself
 * is cgroup2. */
int cg_host_parse (struct cg_host *h, const char *mountinfo,
                   const char *proc_cgroup, const char *v2_controllers,
                   bool statfs_v2);
void cg_host_set_v2_controllers (struct cg_host *h, const char *text);
void cg_host_release (struct cg_host *h);

struct cg_ops;

/* The container's cgroup.  Controllers mounted together share one path
 * string value (not pointer); cg_dirs() gives the distinct directories. */
struct ocirun_cgroup
{
  enum ocirun_cgroup_mode mode;
  const struct cg_ops *ops;
  char *v1_path[CG_NCTRL];     /* absolute, NULL: hierarchy absent */
  char *unified_path;          /* absolute cgroup2 dir, NULL on pure v1 */
  unsigned v2_ctrls;           /* controllers usable in unified_path */
  int enter_fds[CG_NCTRL + 1]; /* v1 tasks / v2 cgroup.procs fds, in
                                  cg_dirs() order, for enter_self */
  size_t n_enter_fds;
  int clone_fd;     /* cgroup2 dir fd for CLONE_INTO_CGROUP, -1 if none */
  bool cloned_into; /* the engine clones into clone_fd */
  bool saved;       /* state file written */
  /* create() bookkeeping: directories it made (removed on failure). */
  char **made;
  size_t n_made;
};

struct cg_ops
{
  const char *name;
  /* mkdir the path in every hierarchy, enable v2 controllers. */
  int (*mkdirs) (struct ocirun_cgroup *cg, struct ocirun_error *err);
  int (*set_freeze) (struct ocirun_cgroup *cg, bool frozen,
                     struct ocirun_error *err);
  bool (*is_frozen) (struct ocirun_cgroup *cg);
  /* The directory whose cgroup.procs (recursively) lists every process. */
  const char *(*procs_dir) (struct ocirun_cgroup *cg);
  /* SIGKILL everything in the cgroup subtree, wait until empty. */
  int (*kill_all) (struct ocirun_cgroup *cg, struct ocirun_error *err);
  int (*rmdirs) (struct ocirun_cgroup *cg, struct ocirun_error *err);
};

/* v1 pieces the hybrid back end reuses. */
int cg_v1_mkdirs (struct ocirun_cgroup *cg, struct ocirun_error *err);
int cg_v1_set_freeze (struct ocirun_cgroup *cg, bool frozen,
                      struct ocirun_error *err);
bool cg_v1_is_frozen (struct ocirun_cgroup *cg);
const char *cg_v1_procs_dir (struct ocirun_cgroup *cg);
int cg_v1_kill_all (struct ocirun_cgroup *cg, struct ocirun_error *err);
int cg_v1_rmdirs (struct ocirun_cgroup *cg, struct ocirun_error *err);

extern const struct cg_ops cg_ops_v1;
extern const struct cg_ops cg_ops_v2;
extern const struct cg_ops cg_ops_hybrid;

const struct cg_ops *cg_ops_for_mode (enum ocirun_cgroup_mode mode);

/* ---- path resolution (cgroup_path.c) ---------------------------------- */

/* Lexically clean a cgroupsPath: collapse "//", ".", "..", never above
 * "/"; keep absolute vs relative.  NULL/"" gives "<id>" (relative).
 * Returns malloc'd string or NULL (ENOMEM). */
char *cg_clean_path (const char *cgroups_path, const char *id);
/* Fill cg->v1_path/unified_path for `inner` from host h. */
int cg_resolve (struct ocirun_cgroup *cg, const struct cg_host *h,
                const char *inner, struct ocirun_error *err);
/* Distinct directories of cg (v1 ones, then unified); returns count. */
size_t cg_dirs (const struct ocirun_cgroup *cg, const char **out, size_t max);

/* ---- file I/O seam (cgroup_fs.c) --------------------------------------- */

/* Unit tests switch this on: writes create missing files and append
 * "value\n" so a test can see every write in order. */
void cg_fs_set_fake (bool fake);
/* Fake mode: also append "<file> <value>" to this log (NULL: off). */
void cg_fs_set_fake_log (const char *path);
bool cg_fs_is_fake (void);

/* Write value to dir/file.  Error: cgroup: write "<v>" to <dir>/<file>. */
int cg_write (const char *dir, const char *file, const char *value,
              struct ocirun_error *err);
/* The same split in two, to write several values through one open:
 * cg_open_w returns an fd (< 0 on error). */
int cg_open_w (const char *dir, const char *file, struct ocirun_error *err);
int cg_write_fd (int fd, const char *dir, const char *file, const char *value,
                 struct ocirun_error *err);
int cg_writef (const char *dir, const char *file, struct ocirun_error *err,
               const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));
/* Read up to len-1 bytes, NUL-terminated, trailing newline kept.
 * Returns bytes read or < 0 (errno preserved in err->errnum). */
ssize_t cg_read (const char *dir, const char *file, char *buf, size_t len,
                 struct ocirun_error *err);
/* Whole file, malloc'd, NUL-terminated. */
int cg_read_all (const char *dir, const char *file, char **out,
                 struct ocirun_error *err);
/* First line as a number; "max" gives UINT64_MAX. */
int cg_read_u64 (const char *dir, const char *file, uint64_t *v,
                 struct ocirun_error *err);
bool cg_file_exists (const char *dir, const char *file);
/* Read "key value" lines; returns value of key or false. */
bool cg_kv_lookup (const char *text, const char *key, uint64_t *v);

/* ---- resources (cgroup_resources*.c) ------------------------------------ */

/* Device rule as applied (config rules + runtime defaults). */
struct cg_dev_rule
{
  bool allow;
  char type;       /* 'a', 'c', 'b' */
  int64_t major;   /* -1: any */
  int64_t minor;   /* -1: any */
  unsigned access; /* CG_DEV_R | CG_DEV_W | CG_DEV_M */
};
#define CG_DEV_R 1u
#define CG_DEV_W 2u
#define CG_DEV_M 4u

/* resources.devices, then the runtime's default allowed devices (runc's
 * list), then an rwm allow for each linux.devices node (so that the
 * nodes the runtime creates stay usable).  devices/linux_devices may be
 * NULL.  *rules malloc'd. */
int cg_dev_rules_build (const struct oci_device_cgroup *devices,
                        size_t n_devices,
                        const struct oci_device *linux_devices,
                        size_t n_linux_devices, struct cg_dev_rule **rules,
                        size_t *n, struct ocirun_error *err);
/* "c 1:3 rwm" (v1 devices.allow syntax). */
void cg_dev_rule_format (const struct cg_dev_rule *r, char *buf, size_t len);

/* v1 writers, one per controller; each writes only what r sets. */
int cg_v1_set_cpu (const char *dir, const struct oci_cpu *cpu,
                   struct ocirun_error *err);
int cg_v1_set_memory (const char *dir, const struct oci_memory *m, bool update,
                      struct ocirun_error *err);
int cg_v1_set_pids (const char *dir, const struct oci_pids *p, bool update,
                    struct ocirun_error *err);
int cg_v1_set_blkio (const char *dir, const struct oci_block_io *b,
                     struct ocirun_error *err);
int cg_v1_set_hugetlb (const char *dir, const struct oci_hugepage_limit *h,
                       size_t n, struct ocirun_error *err);
int cg_v1_set_net_cls (const char *dir, const struct oci_network *n,
                       struct ocirun_error *err);
int cg_v1_set_net_prio (const char *dir, const struct oci_network *n,
                        struct ocirun_error *err);
int cg_v1_set_devices (const char *dir, const struct cg_dev_rule *rules,
                       size_t n, struct ocirun_error *err);
/* hugetlb.<size>.<suffix> for each limit, plus the rsvd file if any. */
int cg_hugetlb_write (const char *dir, const struct oci_hugepage_limit *h,
                      size_t n, const char *suffix, const char *rsvd_suffix,
                      struct ocirun_error *err);
/* rdma.max has the same syntax on v1 and v2. */
int cg_set_rdma (const char *dir, const struct oci_rdma *r, size_t n,
                 struct ocirun_error *err);

/* v2 writers. */
int cg_v2_set_cpu (const char *dir, const struct oci_cpu *cpu,
                   struct ocirun_error *err);
int cg_v2_set_memory (const char *dir, const struct oci_memory *m, bool update,
                      struct ocirun_error *err);
int cg_v2_set_pids (const char *dir, const struct oci_pids *p, bool update,
                    struct ocirun_error *err);
int cg_v2_set_io (const char *dir, const struct oci_block_io *b,
                  struct ocirun_error *err);
int cg_v2_set_hugetlb (const char *dir, const struct oci_hugepage_limit *h,
                       size_t n, struct ocirun_error *err);
int cg_v2_set_unified (const char *dir, const struct oci_kv *kv, size_t n,
                       struct ocirun_error *err);

/* Conversions v1 -> v2 (runc/crun compatible). */
uint64_t cg_shares_to_weight (uint64_t shares);
uint64_t cg_blkio_weight_to_io_weight (uint64_t w);
/* memory.swap.max from the spec's memory+swap total; *out_max true means
 * "max".  Returns < 0 with err set when the combination is invalid, 0
 * with *skip when nothing is to be written. */
int cg_swap_to_v2 (const struct oci_memory *m, int64_t *out, bool *out_max,
                   bool *skip, struct ocirun_error *err);

/* Apply r to cg, choosing per controller the v1 or v2 hierarchy that has
 * it.  rules: device rules (NULL: leave devices alone). */
int cg_apply_resources (struct ocirun_cgroup *cg,
                        const struct oci_resources *r,
                        const struct cg_dev_rule *rules, size_t n_rules,
                        bool update, struct ocirun_error *err);

/* Host-dependent checks of a resources object (also `update -r`). */
int cg_validate_resources (const struct cg_host *h,
                           const struct oci_resources *r,
                           struct ocirun_error *err);

/* ---- v2 device eBPF (cgroup_devices_bpf.c) ------------------------------ */

struct bpf_insn;
/* Generate the program: rules checked last-to-first, first match decides,
 * default deny.  *insns malloc'd, *n instructions. */
int cg_bpf_dev_program (const struct cg_dev_rule *rules, size_t n_rules,
                        struct bpf_insn **insns, size_t *n,
                        struct ocirun_error *err);
/* Load the program for rules and attach it to the cgroup2 dir (replacing
 * programs previously attached there by us). */
int cg_bpf_dev_apply (const char *dir, const struct cg_dev_rule *rules,
                      size_t n_rules, struct ocirun_error *err);

/* ---- misc helpers ----------------------------------------------------- */

/* Collect pids from dir/cgroup.procs and every sub-directory's. */
int cg_collect_pids (const char *dir, pid_t **pids, size_t *n,
                     struct ocirun_error *err);
/* rmdir dir and its sub-directories (deepest first), retrying EBUSY for
 * a short while; ENOENT is success. */
int cg_rmdir_tree (const char *dir, struct ocirun_error *err);
/* mkdir -p, recording every directory made in cg->made.  Returns 1 when
 * path itself was created, 0 when it existed. */
int cg_mkdir_p (struct ocirun_cgroup *cg, const char *path,
                struct ocirun_error *err);
/* Remove <state_dir>/cgroup written by ocirun_cgroup_save (create undone). */
void cg_unsave (struct ocirun_container *c);

/* Remove what cg_mkdir_p made (deepest first) / just forget it. */
void cg_rollback_made (struct ocirun_cgroup *cg);
void cg_forget_made (struct ocirun_cgroup *cg);
/* Move pid into dir (cgroup.procs). */
int cg_enter (const char *dir, pid_t pid, struct ocirun_error *err);

/* Sleep helper for the polling loops. */
void cg_sleep_ms (unsigned ms);

#endif
