/* linux_parse.c - the "linux" object of config.json (config-linux.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cleanup.h"
#include "oci-spec/parse_internal.h"

const char *const oci_namespace_names_list[] = { "mount",  "pid",  "network",
                                                 "uts",    "ipc",  "user",
                                                 "cgroup", "time", NULL };

const char *const oci_seccomp_action_names_list[]
    = { "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
        "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
        "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
        "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
        "SCMP_ACT_NOTIFY",      NULL };

const char *const oci_seccomp_operator_names_list[]
    = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };

const char *const oci_seccomp_arch_names[]
    = { "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",  "SCMP_ARCH_X32",
        "SCMP_ARCH_ARM",         "SCMP_ARCH_AARCH64", "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K",        "SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",
        "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_S390",    "SCMP_ARCH_S390X",
        "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",    "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL };

const char *const oci_seccomp_flag_names[]
    = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };

/* The spec lists the first four; containerd's CRI plugin writes the
 * recursive forms ("rshared", "rslave") and runc accepts them, so do we. */
static const char *const rootfs_propagations[]
    = { "private", "shared", "slave",       "unbindable", "rprivate",
        "rshared", "rslave", "runbindable", NULL };

static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };

static const char *const memory_policy_modes[]
    = { "MPOL_DEFAULT",    "MPOL_BIND",
        "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
        "MPOL_PREFERRED",  "MPOL_PREFERRED_MANY",
        "MPOL_LOCAL",      NULL };

static const char *const memory_policy_flags[]
    = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
        "MPOL_F_STATIC_NODES", NULL };

/* A string member that must name an enum value; *out keeps INVALID when
 * absent.  `what` names the kind: unknown namespace "foo". */
static int
p_enum (struct pctx *p, const struct oci_json *o, const char *key,
        unsigned flags, int (*from) (const char *), const char *what, int *out)
{
  cleanup_free char *s = NULL;
  if (p_string (p, o, key, flags, &s) < 0)
    return -1;
  if (s == NULL)
    return 0;
  int v = from (s);
  if (v == 0)
    {
      size_t old = pctx_push_key (p, key, strlen (key));
      char got[128];
      struct oci_json tmp
          = { .type = OCI_JSON_STRING, .text = s, .text_len = strlen (s) };
      pctx_describe (&tmp, got, sizeof got);
      pctx_fail (p, "unknown %s %s", what, got);
      pctx_pop (p, old);
      return -1;
    }
  *out = v;
  return 0;
}

static int
ns_from (const char *s)
{
  return oci_namespace_type_from_string (s);
}

static int
action_from (const char *s)
{
  return oci_seccomp_action_from_string (s);
}

static int
operator_from (const char *s)
{
  return oci_seccomp_operator_from_string (s);
}

static int
parse_namespace (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_namespace *ns = dst;
  int type = 0;
  if (p_enum (p, o, "type", P_REQUIRED, ns_from, "namespace", &type) < 0)
    return -1;
  ns->type = type;
  /* config-linux.md: path "MUST be an absolute path in the runtime mount
   * namespace". */
  return p_string (p, o, "path", P_ABSOLUTE, &ns->path);
}

/* Namespaces, then the spec's "duplicated namespaces with same type MUST
 * generate an error". */
static int
parse_namespaces (struct pctx *p, const struct oci_json *o,
                  struct oci_linux *l)
{
  if (p_object_array (p, o, "namespaces", 0, sizeof *l->namespaces,
                      (void **)&l->namespaces, &l->namespaces_len,
                      parse_namespace)
      < 0)
    return -1;
  bool seen[OCI_NS_COUNT_] = { false };
  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      enum oci_namespace_type t = l->namespaces[i].type;
      if (seen[t])
        {
          size_t old = pctx_push_key (p, "namespaces", 10);
          pctx_push_index (p, i);
          pctx_push_key (p, "type", 4);
          pctx_fail (p, "duplicate namespace \"%s\"",
                     oci_namespace_type_to_string (t));
          pctx_pop (p, old);
          return -1;
        }
      seen[t] = true;
    }
  return 0;
}

int
oci_parse_id_mapping_obj (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_id_mapping *m = dst;
  if (p_u32 (p, o, "containerID", P_REQUIRED, &m->container_id) < 0
      || p_u32 (p, o, "hostID", P_REQUIRED, &m->host_id) < 0
      || p_u32 (p, o, "size", P_REQUIRED, &m->size) < 0)
    return -1;
  return 0;
}

static int
parse_time_offset (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_time_offset *t = dst;
  t->set = true;
  if (p_i64 (p, o, "secs", 0, &t->secs) < 0
      || p_u32 (p, o, "nanosecs", 0, &t->nanosecs) < 0)
    return -1;
  return 0;
}

static int
parse_time_offsets (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_time_offsets *t = dst;
  struct oci_time_offset *mono = &t->monotonic, *boot = &t->boottime;
  /* Members are embedded: p_object only allocates when *out is NULL. */
  if (p_object (p, o, "monotonic", 0, sizeof *mono, (void **)&mono,
                parse_time_offset)
          < 0
      || p_object (p, o, "boottime", 0, sizeof *boot, (void **)&boot,
                   parse_time_offset)
             < 0)
    return -1;
  /* Other clocks: time_namespaces(7) offsets only these two. */
  for (size_t i = 0; i < o->n; i++)
    if (strcmp (o->keys[i], "monotonic") != 0
        && strcmp (o->keys[i], "boottime") != 0)
      {
        size_t old = pctx_push_key (p, o->keys[i], o->key_lens[i]);
        pctx_fail (p, "unknown clock (expected \"monotonic\" or "
                      "\"boottime\")");
        pctx_pop (p, old);
        return -1;
      }
  return 0;
}

static int
parse_device (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_device *d = dst;
  cleanup_free char *type = NULL;
  if (p_string (p, o, "type", P_REQUIRED, &type) < 0)
    return -1;
  d->type = oci_device_type_from_string (type);
  if (d->type == OCI_DEVICE_NONE || d->type == OCI_DEVICE_ALL)
    {
      size_t old = pctx_push_key (p, "type", 4);
      pctx_fail (p, "unknown device type \"%.16s\" (expected c, b, u or p)",
                 type);
      pctx_pop (p, old);
      return -1;
    }
  if (p_string (p, o, "path", P_REQUIRED, &d->path) < 0
      || p_opt_i64 (p, o, "major", &d->major) < 0
      || p_opt_i64 (p, o, "minor", &d->minor) < 0
      || p_opt_u32 (p, o, "fileMode", &d->file_mode) < 0
      || p_opt_u32 (p, o, "uid", &d->uid) < 0
      || p_opt_u32 (p, o, "gid", &d->gid) < 0)
    return -1;
  return 0;
}

/* "netDevices": { "<host name>": { "name": "<container name>" } } */
static int
parse_net_devices (struct pctx *p, const struct oci_json *o,
                   struct oci_linux *l)
{
  const struct oci_json *m = oci_json_get (o, "netDevices");
  if (m == NULL)
    return 0;
  size_t old = pctx_push_key (p, "netDevices", 10);
  int r = pctx_expect (p, m, OCI_JSON_OBJECT, "an object");
  if (r == 0 && m->n > 0)
    {
      l->net_devices = calloc (m->n, sizeof *l->net_devices);
      if (l->net_devices == NULL)
        r = pctx_fail_errno (p, ENOMEM, "allocate");
      else
        l->net_devices_len = m->n;
    }
  for (size_t i = 0; r == 0 && i < m->n; i++)
    {
      struct oci_net_device *nd = &l->net_devices[i];
      size_t o2 = pctx_push_key (p, m->keys[i], m->key_lens[i]);
      if (m->key_lens[i] == 0 || memchr (m->keys[i], '\0', m->key_lens[i]))
        r = pctx_fail (p, "invalid network device name");
      else if ((r
                = pctx_expect (p, m->values[i], OCI_JSON_OBJECT, "an object"))
               == 0)
        {
          nd->host_name = strdup (m->keys[i]);
          if (nd->host_name == NULL)
            r = pctx_fail_errno (p, ENOMEM, "copy");
          else
            r = p_string (p, m->values[i], "name", 0, &nd->name);
        }
      pctx_pop (p, o2);
    }
  pctx_pop (p, old);
  return r;
}

static int
parse_intel_rdt (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_intel_rdt *r = dst;
  if (p_string (p, o, "closID", 0, &r->clos_id) < 0
      || p_string (p, o, "l3CacheSchema", 0, &r->l3_cache_schema) < 0
      || p_string (p, o, "memBwSchema", 0, &r->mem_bw_schema) < 0
      || p_strv (p, o, "schemata", 0, &r->schemata, &r->schemata_len) < 0
      || p_opt_bool (p, o, "enableCMT", &r->enable_cmt) < 0
      || p_opt_bool (p, o, "enableMBM", &r->enable_mbm) < 0
      || p_opt_bool (p, o, "enableMonitoring", &r->enable_monitoring) < 0)
    return -1;
  return 0;
}

static int
parse_seccomp_arg (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_seccomp_arg *a = dst;
  int op = 0;
  if (p_u32 (p, o, "index", P_REQUIRED, &a->index) < 0
      || p_u64 (p, o, "value", P_REQUIRED, &a->value) < 0
      || p_opt_u64 (p, o, "valueTwo", &a->value_two) < 0
      || p_enum (p, o, "op", P_REQUIRED, operator_from, "seccomp operator",
                 &op)
             < 0)
    return -1;
  a->op = op;
  return 0;
}

static int
parse_syscall (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_syscall *s = dst;
  int action = 0;
  if (p_strv (p, o, "names", P_REQUIRED | P_NONEMPTY, &s->names, &s->names_len)
          < 0
      || p_enum (p, o, "action", P_REQUIRED, action_from, "seccomp action",
                 &action)
             < 0
      || p_opt_u32 (p, o, "errnoRet", &s->errno_ret) < 0
      || p_object_array (p, o, "args", 0, sizeof *s->args, (void **)&s->args,
                         &s->args_len, parse_seccomp_arg)
             < 0)
    return -1;
  s->action = action;
  return 0;
}

static int
parse_seccomp (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_seccomp *s = dst;
  int action = 0;
  if (p_enum (p, o, "defaultAction", P_REQUIRED, action_from, "seccomp action",
              &action)
          < 0
      || p_opt_u32 (p, o, "defaultErrnoRet", &s->default_errno_ret) < 0
      || p_choice_strv (p, o, "architectures", oci_seccomp_arch_names,
                        "seccomp architecture", &s->architectures,
                        &s->architectures_len)
             < 0
      || p_choice_strv (p, o, "flags", oci_seccomp_flag_names, "seccomp flag",
                        &s->flags, &s->flags_len)
             < 0
      || p_string (p, o, "listenerPath", 0, &s->listener_path) < 0
      || p_string (p, o, "listenerMetadata", 0, &s->listener_metadata) < 0
      || p_object_array (p, o, "syscalls", 0, sizeof *s->syscalls,
                         (void **)&s->syscalls, &s->syscalls_len,
                         parse_syscall)
             < 0)
    return -1;
  s->default_action = action;
  return 0;
}

static int
parse_personality (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_personality *pe = dst;
  if (p_choice (p, o, "domain", P_REQUIRED, personality_domains,
                "personality domain", &pe->domain)
          < 0
      || p_strv (p, o, "flags", 0, &pe->flags, &pe->flags_len) < 0)
    return -1;
  return 0;
}

static int
parse_memory_policy (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_memory_policy *m = dst;
  if (p_choice (p, o, "mode", P_REQUIRED, memory_policy_modes,
                "memory policy mode", &m->mode)
          < 0
      || p_string (p, o, "nodes", 0, &m->nodes) < 0
      || p_choice_strv (p, o, "flags", memory_policy_flags,
                        "memory policy flag", &m->flags, &m->flags_len)
             < 0)
    return -1;
  return 0;
}

int
oci_parse_linux_obj (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_linux *l = dst;
  if (parse_namespaces (p, o, l) < 0
      || p_object_array (p, o, "uidMappings", 0, sizeof *l->uid_mappings,
                         (void **)&l->uid_mappings, &l->uid_mappings_len,
                         oci_parse_id_mapping_obj)
             < 0
      || p_object_array (p, o, "gidMappings", 0, sizeof *l->gid_mappings,
                         (void **)&l->gid_mappings, &l->gid_mappings_len,
                         oci_parse_id_mapping_obj)
             < 0
      || p_object (p, o, "timeOffsets", 0, sizeof *l->time_offsets,
                   (void **)&l->time_offsets, parse_time_offsets)
             < 0
      || p_object_array (p, o, "devices", 0, sizeof *l->devices,
                         (void **)&l->devices, &l->devices_len, parse_device)
             < 0
      || parse_net_devices (p, o, l) < 0
      || p_string (p, o, "cgroupsPath", 0, &l->cgroups_path) < 0
      || p_object (p, o, "resources", 0, sizeof *l->resources,
                   (void **)&l->resources, oci_parse_resources_obj)
             < 0
      || p_object (p, o, "intelRdt", 0, sizeof *l->intel_rdt,
                   (void **)&l->intel_rdt, parse_intel_rdt)
             < 0
      || p_map (p, o, "sysctl", &l->sysctl, &l->sysctl_len) < 0
      || p_object (p, o, "seccomp", 0, sizeof *l->seccomp,
                   (void **)&l->seccomp, parse_seccomp)
             < 0
      || p_choice (p, o, "rootfsPropagation", 0, rootfs_propagations,
                   "rootfs propagation", &l->rootfs_propagation)
             < 0
      /* config-linux.md: "The values MUST be absolute paths". */
      || p_strv (p, o, "maskedPaths", P_ABSOLUTE, &l->masked_paths,
                 &l->masked_paths_len)
             < 0
      || p_strv (p, o, "readonlyPaths", P_ABSOLUTE, &l->readonly_paths,
                 &l->readonly_paths_len)
             < 0
      || p_string (p, o, "mountLabel", 0, &l->mount_label) < 0
      || p_object (p, o, "personality", 0, sizeof *l->personality,
                   (void **)&l->personality, parse_personality)
             < 0
      || p_object (p, o, "memoryPolicy", 0, sizeof *l->memory_policy,
                   (void **)&l->memory_policy, parse_memory_policy)
             < 0)
    return -1;
  return 0;
}
