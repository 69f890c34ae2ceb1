/* config.h - typed model of an OCI runtime-spec 1.3 config.json (Linux).
 *
 * Every field of config.json that a Linux runtime can act on has a C field
 * here; fields of other platforms (windows, solaris, vm, zos, freebsd) and
 * unknown fields are ignored by the parser, as the spec demands.
 *
 * Conventions (the same in state.h and features.h):
 *
 *  - JSON names map to snake_case: process.noNewPrivileges is
 *    process->no_new_privileges.
 *  - Strings are `char *`; NULL means "absent".  An empty JSON string is
 *    "" (not NULL), so "absent" and "empty" differ.
 *  - String arrays are `char **x; size_t x_len;`.  The vector is also
 *    NULL-terminated (x[x_len] == NULL) so it can be passed to execve().
 *    An absent array is x == NULL, x_len == 0; an empty JSON array is a
 *    non-NULL vector holding just the terminator.
 *  - Arrays of objects are `struct T *x; size_t x_len;` (NULL/0 if absent).
 *  - JSON objects used as maps (annotations, sysctl, unified, ...) are
 *    `struct oci_kv *x; size_t x_len;` in document order.  Order matters
 *    for reproducible output and for sysctl application.
 *  - Optional scalars use `struct oci_opt_<type> { bool set; <type> value; }`
 *    so that "absent" and "0" differ: cgroup code must not write a limit
 *    the user never asked for.
 *  - Scalars the spec makes REQUIRED inside their object (e.g. an ID
 *    mapping's size, an rlimit's soft/hard) are plain C types.
 *  - Optional sub-objects (process, root, linux, linux.resources,
 *    linux.seccomp, ...) are pointers, NULL when absent.
 *  - Enumerations whose values the spec fixes and that the runtime
 *    switches on (namespace type, seccomp action/operator, device type)
 *    are C enums with string<->enum helpers below.  Other closed sets
 *    (scheduler policy, ioprio class, rootfsPropagation, seccomp archs and
 *    flags, memory policy, personality domain) stay strings: the parser
 *    rejects unknown values, and their consumers map them to kernel
 *    constants themselves.
 *
 * Everything is owned by the enclosing struct oci_config; free it with
 * oci_config_free().  Parsing never returns a partially filled object. */
#ifndef OCI_SPEC_CONFIG_H
#define OCI_SPEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libocirun/error.h"

/* The version this runtime writes into generated documents (configure
 * defines the same value in the autoconf config.h). */
#ifndef OCI_SPEC_VERSION
#define OCI_SPEC_VERSION "1.3.0"
#endif

/* ---- generic building blocks ---------------------------------------- */

struct oci_opt_bool
{
  bool set;
  bool value;
};

struct oci_opt_i32
{
  bool set;
  int32_t value;
};

struct oci_opt_i64
{
  bool set;
  int64_t value;
};

struct oci_opt_u16
{
  bool set;
  uint16_t value;
};

struct oci_opt_u32
{
  bool set;
  uint32_t value;
};

struct oci_opt_u64
{
  bool set;
  uint64_t value;
};

/* One member of a JSON object used as string->string map. */
struct oci_kv
{
  char *key;
  char *value;
};

/* uidMappings / gidMappings entry (linux.*Mappings and mounts[].*Mappings). */
struct oci_id_mapping
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

/* ---- enumerations ----------------------------------------------------- */

enum oci_namespace_type
{
  OCI_NS_INVALID = 0,
  OCI_NS_MOUNT,
  OCI_NS_PID,
  OCI_NS_NETWORK,
  OCI_NS_UTS,
  OCI_NS_IPC,
  OCI_NS_USER,
  OCI_NS_CGROUP,
  OCI_NS_TIME,
  OCI_NS_COUNT_ /* number of values, keep last */
};

enum oci_seccomp_action
{
  OCI_SECCOMP_ACT_INVALID = 0,
  OCI_SECCOMP_ACT_KILL, /* SCMP_ACT_KILL (== kill thread) */
  OCI_SECCOMP_ACT_KILL_PROCESS,
  OCI_SECCOMP_ACT_KILL_THREAD,
  OCI_SECCOMP_ACT_TRAP,
  OCI_SECCOMP_ACT_ERRNO,
  OCI_SECCOMP_ACT_TRACE,
  OCI_SECCOMP_ACT_ALLOW,
  OCI_SECCOMP_ACT_LOG,
  OCI_SECCOMP_ACT_NOTIFY,
  OCI_SECCOMP_ACT_COUNT_
};

enum oci_seccomp_operator
{
  OCI_SECCOMP_OP_INVALID = 0,
  OCI_SECCOMP_OP_NE,
  OCI_SECCOMP_OP_LT,
  OCI_SECCOMP_OP_LE,
  OCI_SECCOMP_OP_EQ,
  OCI_SECCOMP_OP_GE,
  OCI_SECCOMP_OP_GT,
  OCI_SECCOMP_OP_MASKED_EQ,
  OCI_SECCOMP_OP_COUNT_
};

/* linux.devices[].type and linux.resources.devices[].type.  NONE means
 * the field was absent (for a cgroup device rule that means "all"). */
enum oci_device_type
{
  OCI_DEVICE_NONE = 0,
  OCI_DEVICE_ALL,        /* "a", cgroup rules only */
  OCI_DEVICE_CHAR,       /* "c" */
  OCI_DEVICE_BLOCK,      /* "b" */
  OCI_DEVICE_UNBUFFERED, /* "u", a character device too */
  OCI_DEVICE_FIFO,       /* "p" */
};

/* Return the enum for a spec string, or the *_INVALID / NONE value. */
enum oci_namespace_type oci_namespace_type_from_string (const char *s);
enum oci_seccomp_action oci_seccomp_action_from_string (const char *s);
enum oci_seccomp_operator oci_seccomp_operator_from_string (const char *s);
/* Accepts "a", "c", "b", "u", "p"; OCI_DEVICE_NONE otherwise. */
enum oci_device_type oci_device_type_from_string (const char *s);

/* Return the spec string ("network", "SCMP_ACT_ERRNO", "c", ...) or NULL
 * for an invalid value. */
const char *oci_namespace_type_to_string (enum oci_namespace_type t);
const char *oci_seccomp_action_to_string (enum oci_seccomp_action a);
const char *oci_seccomp_operator_to_string (enum oci_seccomp_operator o);
const char *oci_device_type_to_string (enum oci_device_type t);

/* Linux-only helpers: CLONE_NEW* flag for a namespace type, and the
 * /proc/<pid>/ns/<name> entry name ("net" for network, "mnt" for mount). */
int oci_namespace_type_clone_flag (enum oci_namespace_type t);
const char *oci_namespace_type_proc_name (enum oci_namespace_type t);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 if unknown. */
int oci_rlimit_from_name (const char *name);

/* ---- process ---------------------------------------------------------- */

struct oci_console_size
{
  uint64_t height;
  uint64_t width;
};

struct oci_user
{
  uint32_t uid; /* 0 when absent */
  uint32_t gid; /* 0 when absent */
  struct oci_opt_u32 umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username; /* Windows only in the spec, kept for completeness */
};

struct oci_capabilities
{
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
};

struct oci_rlimit
{
  char *type; /* "RLIMIT_NOFILE"; see oci_rlimit_from_name() */
  uint64_t soft;
  uint64_t hard;
};

struct oci_scheduler
{
  char *policy; /* REQUIRED: "SCHED_OTHER", "SCHED_FIFO", ... */
  struct oci_opt_i32 nice;
  struct oci_opt_i32 priority;
  char **flags; /* "SCHED_FLAG_RESET_ON_FORK", ... */
  size_t flags_len;
  struct oci_opt_u64 runtime;
  struct oci_opt_u64 deadline;
  struct oci_opt_u64 period;
};

struct oci_io_priority
{
  char *class_; /* REQUIRED: "IOPRIO_CLASS_RT" | "_BE" | "_IDLE" */
  struct oci_opt_i32 priority;
};

struct oci_exec_cpu_affinity
{
  char *initial; /* cpu list like "0-3,7", NULL if absent */
  char *final;
};

struct oci_process
{
  struct oci_opt_bool terminal;
  struct oci_console_size *console_size;
  struct oci_user user; /* always present; zeros when absent */
  char **args;
  size_t args_len;
  char *command_line; /* Windows only */
  char **env;
  size_t env_len;
  char *cwd; /* REQUIRED, absolute */
  struct oci_capabilities *capabilities;
  struct oci_rlimit *rlimits;
  size_t rlimits_len;
  struct oci_opt_bool no_new_privileges;
  char *apparmor_profile;
  struct oci_opt_i32 oom_score_adj;
  struct oci_scheduler *scheduler;
  char *selinux_label;
  struct oci_io_priority *io_priority;
  struct oci_exec_cpu_affinity *exec_cpu_affinity;
};

/* ---- root, mounts, hooks ---------------------------------------------- */

struct oci_root
{
  char *path; /* REQUIRED; relative to the bundle or absolute */
  struct oci_opt_bool readonly;
};

struct oci_mount
{
  char *destination; /* REQUIRED; on Linux absolute, or (deprecated)
                        relative to "/" */
  char *type;
  char *source;
  char **options;
  size_t options_len;
  struct oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  struct oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
};

struct oci_hook
{
  char *path; /* REQUIRED, absolute */
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  struct oci_opt_i64 timeout; /* seconds, > 0 when set */
};

struct oci_hooks
{
  struct oci_hook *prestart; /* deprecated, still run by runc */
  size_t prestart_len;
  struct oci_hook *create_runtime;
  size_t create_runtime_len;
  struct oci_hook *create_container;
  size_t create_container_len;
  struct oci_hook *start_container;
  size_t start_container_len;
  struct oci_hook *poststart;
  size_t poststart_len;
  struct oci_hook *poststop;
  size_t poststop_len;
};

/* ---- linux ------------------------------------------------------------ */

struct oci_namespace
{
  enum oci_namespace_type type;
  char *path; /* NULL: create a new namespace; else join this one */
};

struct oci_time_offset
{
  bool set; /* false: this clock was not listed */
  int64_t secs;
  uint32_t nanosecs;
};

struct oci_time_offsets
{
  struct oci_time_offset monotonic;
  struct oci_time_offset boottime;
};

struct oci_device
{
  enum oci_device_type type; /* REQUIRED: c, b, u or p */
  char *path;                /* REQUIRED, absolute */
  struct oci_opt_i64 major;  /* required for c, b, u */
  struct oci_opt_i64 minor;
  struct oci_opt_u32 file_mode;
  struct oci_opt_u32 uid;
  struct oci_opt_u32 gid;
};

/* linux.netDevices: "<host interface name>": { "name": "<in container>" } */
struct oci_net_device
{
  char *host_name; /* the map key */
  char *name;      /* NULL: keep host_name */
};

struct oci_device_cgroup
{
  bool allow;                /* REQUIRED */
  enum oci_device_type type; /* NONE (absent) or ALL: all devices */
  struct oci_opt_i64 major;  /* absent or -1: wildcard */
  struct oci_opt_i64 minor;
  char *access; /* subset of "rwm"; NULL: all */
};

struct oci_memory
{
  struct oci_opt_i64 limit;
  struct oci_opt_i64 reservation;
  struct oci_opt_i64 swap;
  struct oci_opt_i64 kernel;
  struct oci_opt_i64 kernel_tcp;
  struct oci_opt_u64 swappiness;
  struct oci_opt_bool disable_oom_killer;
  struct oci_opt_bool use_hierarchy;
  struct oci_opt_bool check_before_update;
};

struct oci_cpu
{
  struct oci_opt_u64 shares;
  struct oci_opt_i64 quota;
  struct oci_opt_u64 burst;
  struct oci_opt_u64 period;
  struct oci_opt_i64 realtime_runtime;
  struct oci_opt_u64 realtime_period;
  char *cpus;
  char *mems;
  struct oci_opt_i64 idle;
};

struct oci_pids
{
  int64_t limit; /* REQUIRED; <= 0 means unlimited */
};

struct oci_block_io_weight_device
{
  int64_t major; /* REQUIRED */
  int64_t minor; /* REQUIRED */
  struct oci_opt_u16 weight;
  struct oci_opt_u16 leaf_weight;
};

struct oci_block_io_throttle_device
{
  int64_t major; /* REQUIRED */
  int64_t minor; /* REQUIRED */
  uint64_t rate; /* 0 when absent */
};

struct oci_block_io
{
  struct oci_opt_u16 weight;
  struct oci_opt_u16 leaf_weight;
  struct oci_block_io_weight_device *weight_device;
  size_t weight_device_len;
  struct oci_block_io_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  struct oci_block_io_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  struct oci_block_io_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  struct oci_block_io_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
};

struct oci_hugepage_limit
{
  char *page_size; /* REQUIRED: "2MB", "1GB", ... */
  uint64_t limit;  /* REQUIRED */
};

struct oci_net_priority
{
  char *name;        /* REQUIRED */
  uint32_t priority; /* REQUIRED */
};

struct oci_network
{
  struct oci_opt_u32 class_id;
  struct oci_net_priority *priorities;
  size_t priorities_len;
};

/* linux.resources.rdma: "<device>": { hcaHandles, hcaObjects } */
struct oci_rdma
{
  char *device; /* the map key */
  struct oci_opt_u32 hca_handles;
  struct oci_opt_u32 hca_objects;
};

struct oci_resources
{
  struct oci_device_cgroup *devices;
  size_t devices_len;
  struct oci_memory *memory;
  struct oci_cpu *cpu;
  struct oci_pids *pids;
  struct oci_block_io *block_io;
  struct oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  struct oci_network *network;
  struct oci_rdma *rdma;
  size_t rdma_len;
  struct oci_kv *unified; /* cgroup v2 file name -> value */
  size_t unified_len;
};

struct oci_intel_rdt
{
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  char **schemata;
  size_t schemata_len;
  struct oci_opt_bool enable_cmt;        /* older spec releases */
  struct oci_opt_bool enable_mbm;        /* older spec releases */
  struct oci_opt_bool enable_monitoring; /* 1.3 */
};

struct oci_seccomp_arg
{
  uint32_t index; /* REQUIRED */
  uint64_t value; /* REQUIRED */
  struct oci_opt_u64 value_two;
  enum oci_seccomp_operator op; /* REQUIRED */
};

struct oci_syscall
{
  char **names; /* REQUIRED, at least one */
  size_t names_len;
  enum oci_seccomp_action action; /* REQUIRED */
  struct oci_opt_u32 errno_ret;
  struct oci_seccomp_arg *args;
  size_t args_len;
};

struct oci_seccomp
{
  enum oci_seccomp_action default_action; /* REQUIRED */
  struct oci_opt_u32 default_errno_ret;
  char **architectures; /* "SCMP_ARCH_X86_64", ... */
  size_t architectures_len;
  char **flags; /* "SECCOMP_FILTER_FLAG_LOG", ... */
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  struct oci_syscall *syscalls;
  size_t syscalls_len;
};

struct oci_personality
{
  char *domain; /* "LINUX" | "LINUX32" */
  char **flags;
  size_t flags_len;
};

struct oci_memory_policy
{
  char *mode;   /* "MPOL_BIND", ... */
  char *nodes;  /* node list like "0-3" */
  char **flags; /* "MPOL_F_STATIC_NODES", ... */
  size_t flags_len;
};

struct oci_linux
{
  struct oci_namespace *namespaces;
  size_t namespaces_len;
  struct oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  struct oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  struct oci_time_offsets *time_offsets;
  struct oci_device *devices;
  size_t devices_len;
  struct oci_net_device *net_devices;
  size_t net_devices_len;
  char *cgroups_path;
  struct oci_resources *resources;
  struct oci_intel_rdt *intel_rdt;
  struct oci_kv *sysctl;
  size_t sysctl_len;
  struct oci_seccomp *seccomp;
  char *rootfs_propagation; /* "private" | "shared" | "slave" | "unbindable" */
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  struct oci_personality *personality;
  struct oci_memory_policy *memory_policy;
};

/* ---- the document ----------------------------------------------------- */

struct oci_config
{
  char *oci_version; /* REQUIRED */
  struct oci_process *process;
  struct oci_root *root;
  char *hostname;
  char *domainname;
  struct oci_mount *mounts;
  size_t mounts_len;
  struct oci_hooks *hooks;
  struct oci_kv *annotations;
  size_t annotations_len;
  struct oci_linux *linux_; /* `linux` is a predefined macro in GNU C */
};

/* ---- parsing ---------------------------------------------------------- */

/* Parse config.json.  On error *out is untouched and err holds
 * "<basename of path>: <json path>: <problem>", e.g.
 * "config.json: linux.namespaces[2].type: unknown namespace \"foo\"". */
int oci_config_parse_file (const char *path, struct oci_config **out,
                           struct ocirun_error *err);
/* Same for a buffer; filename is used only in messages (may be NULL:
 * "config.json").  buf need not be NUL-terminated. */
int oci_config_parse_data (const char *buf, size_t len, const char *filename,
                           struct oci_config **out, struct ocirun_error *err);

/* `exec --process process.json`: a bare process object, same rules as
 * config.json's "process" (paths in messages are relative to it). */
int oci_process_parse_file (const char *path, struct oci_process **out,
                            struct ocirun_error *err);
int oci_process_parse_data (const char *buf, size_t len, const char *filename,
                            struct oci_process **out,
                            struct ocirun_error *err);

/* `update -r resources.json`: a bare linux.resources object. */
int oci_resources_parse_file (const char *path, struct oci_resources **out,
                              struct ocirun_error *err);
int oci_resources_parse_data (const char *buf, size_t len,
                              const char *filename, struct oci_resources **out,
                              struct ocirun_error *err);

/* ---- validation ------------------------------------------------------- */

/* Host-independent semantic checks (mapping sizes and overlaps,
 * timeOffsets need a time namespace, errnoRet only with ERRNO/TRACE,
 * rlimit names and duplicates, absolute hook paths, sysctl keys, ...).
 * Messages are "config.json: <json path>: <problem>". */
int oci_config_validate (const struct oci_config *c, struct ocirun_error *err);
/* oci_config_validate() plus what `create` needs: process (with args),
 * root.  */
int oci_config_validate_for_create (const struct oci_config *c,
                                    struct ocirun_error *err);
/* Checks of a process object alone (exec --process). */
int oci_process_validate (const struct oci_process *p,
                          struct ocirun_error *err);

/* ---- generation ------------------------------------------------------- */

/* Pretty JSON (2-space indent, trailing newline).  *json is malloc'd and
 * NUL-terminated; *len excludes the NUL.  len may be NULL. */
int oci_config_generate (const struct oci_config *c, char **json, size_t *len,
                         struct ocirun_error *err);
int oci_process_generate (const struct oci_process *p, char **json,
                          size_t *len, struct ocirun_error *err);
int oci_resources_generate (const struct oci_resources *r, char **json,
                            size_t *len, struct ocirun_error *err);

/* ---- lookup helpers --------------------------------------------------- */

/* The namespace entry of that type, or NULL if the config has none. */
const struct oci_namespace *
oci_config_find_namespace (const struct oci_config *c,
                           enum oci_namespace_type type);
/* Value of an annotation, or NULL. */
const char *oci_config_annotation (const struct oci_config *c,
                                   const char *key);

/* ---- memory ----------------------------------------------------------- */

/* All accept NULL. */
void oci_config_free (struct oci_config *c);
void oci_process_free (struct oci_process *p);
void oci_resources_free (struct oci_resources *r);

#define cleanup_oci_config __attribute__ ((cleanup (oci_config_freep)))
#define cleanup_oci_process __attribute__ ((cleanup (oci_process_freep)))
#define cleanup_oci_resources __attribute__ ((cleanup (oci_resources_freep)))
void oci_config_freep (struct oci_config **c);
void oci_process_freep (struct oci_process **p);
void oci_resources_freep (struct oci_resources **r);

#endif
