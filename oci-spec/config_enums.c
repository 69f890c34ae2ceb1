/* config_enums.c - spec strings <-> C enums, and the kernel constants the
 * runtime needs for them. */
#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#include "oci-spec/config.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Index = enum value; entry 0 is the invalid value. */
static const char *const namespace_names[OCI_NS_COUNT_] = {
  [OCI_NS_MOUNT] = "mount",     [OCI_NS_PID] = "pid",
  [OCI_NS_NETWORK] = "network", [OCI_NS_UTS] = "uts",
  [OCI_NS_IPC] = "ipc",         [OCI_NS_USER] = "user",
  [OCI_NS_CGROUP] = "cgroup",   [OCI_NS_TIME] = "time",
};

static const char *const namespace_proc_names[OCI_NS_COUNT_] = {
  [OCI_NS_MOUNT] = "mnt",     [OCI_NS_PID] = "pid",   [OCI_NS_NETWORK] = "net",
  [OCI_NS_UTS] = "uts",       [OCI_NS_IPC] = "ipc",   [OCI_NS_USER] = "user",
  [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

static const int namespace_flags[OCI_NS_COUNT_] = {
  [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_PID] = CLONE_NEWPID,
  [OCI_NS_NETWORK] = CLONE_NEWNET,   [OCI_NS_UTS] = CLONE_NEWUTS,
  [OCI_NS_IPC] = CLONE_NEWIPC,       [OCI_NS_USER] = CLONE_NEWUSER,
  [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

static const char *const seccomp_action_names[OCI_SECCOMP_ACT_COUNT_] = {
  [OCI_SECCOMP_ACT_KILL] = "SCMP_ACT_KILL",
  [OCI_SECCOMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
  [OCI_SECCOMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
  [OCI_SECCOMP_ACT_TRAP] = "SCMP_ACT_TRAP",
  [OCI_SECCOMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
  [OCI_SECCOMP_ACT_TRACE] = "SCMP_ACT_TRACE",
  [OCI_SECCOMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
  [OCI_SECCOMP_ACT_LOG] = "SCMP_ACT_LOG",
  [OCI_SECCOMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const seccomp_operator_names[OCI_SECCOMP_OP_COUNT_] = {
  [OCI_SECCOMP_OP_NE] = "SCMP_CMP_NE",
  [OCI_SECCOMP_OP_LT] = "SCMP_CMP_LT",
  [OCI_SECCOMP_OP_LE] = "SCMP_CMP_LE",
  [OCI_SECCOMP_OP_EQ] = "SCMP_CMP_EQ",
  [OCI_SECCOMP_OP_GE] = "SCMP_CMP_GE",
  [OCI_SECCOMP_OP_GT] = "SCMP_CMP_GT",
  [OCI_SECCOMP_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const device_type_names[] = {
  [OCI_DEVICE_ALL] = "a",   [OCI_DEVICE_CHAR] = "c",
  [OCI_DEVICE_BLOCK] = "b", [OCI_DEVICE_UNBUFFERED] = "u",
  [OCI_DEVICE_FIFO] = "p",
};

#define N_ELEM(a) (sizeof (a) / sizeof (a)[0])

/* Position of s in names[1..n), or 0. */
static int
lookup (const char *const *names, size_t n, const char *s)
{
  if (s == NULL)
    return 0;
  for (size_t i = 1; i < n; i++)
    if (names[i] && strcmp (names[i], s) == 0)
      return (int)i;
  return 0;
}

static const char *
name_of (const char *const *names, size_t n, int v)
{
  if (v <= 0 || (size_t)v >= n)
    return NULL;
  return names[v];
}

enum oci_namespace_type
oci_namespace_type_from_string (const char *s)
{
  return lookup (namespace_names, N_ELEM (namespace_names), s);
}

enum oci_seccomp_action
oci_seccomp_action_from_string (const char *s)
{
  return lookup (seccomp_action_names, N_ELEM (seccomp_action_names), s);
}

enum oci_seccomp_operator
oci_seccomp_operator_from_string (const char *s)
{
  return lookup (seccomp_operator_names, N_ELEM (seccomp_operator_names), s);
}

enum oci_device_type
oci_device_type_from_string (const char *s)
{
  return lookup (device_type_names, N_ELEM (device_type_names), s);
}

const char *
oci_namespace_type_to_string (enum oci_namespace_type t)
{
  return name_of (namespace_names, N_ELEM (namespace_names), t);
}

const char *
oci_seccomp_action_to_string (enum oci_seccomp_action a)
{
  return name_of (seccomp_action_names, N_ELEM (seccomp_action_names), a);
}

const char *
oci_seccomp_operator_to_string (enum oci_seccomp_operator o)
{
  return name_of (seccomp_operator_names, N_ELEM (seccomp_operator_names), o);
}

const char *
oci_device_type_to_string (enum oci_device_type t)
{
  return name_of (device_type_names, N_ELEM (device_type_names), t);
}

int
oci_namespace_type_clone_flag (enum oci_namespace_type t)
{
  if (t <= OCI_NS_INVALID || t >= OCI_NS_COUNT_)
    return 0;
  return namespace_flags[t];
}

const char *
oci_namespace_type_proc_name (enum oci_namespace_type t)
{
  return name_of (namespace_proc_names, N_ELEM (namespace_proc_names), t);
}

struct rlimit_name
{
  const char *name;
  int resource;
};

/* getrlimit(2) resources. */
static const struct rlimit_name rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
oci_rlimit_from_name (const char *name)
{
  if (name == NULL)
    return -1;
  for (size_t i = 0; i < N_ELEM (rlimits); i++)
    if (strcmp (rlimits[i].name, name) == 0)
      return rlimits[i].resource;
  return -1;
}
