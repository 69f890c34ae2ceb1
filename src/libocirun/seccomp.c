/* seccomp.c - compile linux.seccomp with libseccomp, load the BPF raw.
 *
 * Semantics follow runc and crun where the spec is silent:
 *  - errnoRet absent: EPERM (for ERRNO and TRACE alike);
 *  - a rule whose action equals the default action is dropped (libseccomp
 *    refuses it, and it could not change the outcome anyway);
 *  - several args in one rule are ANDed; when the same arg index appears
 *    more than once, each arg becomes a rule of its own (ORed), which is
 *    what profiles like "personality == 0 or == 8" rely on;
 *  - syscall names the linked libseccomp does not know are skipped with a
 *    debug log (a newer profile on an older system);
 *  - SCMP_CMP_MASKED_EQ: `value` is the mask, `valueTwo` the result.
 * The kernel flags are passed to seccomp(2) directly, so every flag the
 * running kernel knows works, including WAIT_KILLABLE_RECV which
 * libseccomp 2.5 has no attribute for. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/seccomp.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

#define SECCOMP_MAX_ARGS 6

uint32_t
ocirun_seccomp_action (enum oci_seccomp_action a,
                       const struct oci_opt_u32 *errno_ret)
{
  uint32_t e = errno_ret && errno_ret->set ? errno_ret->value : EPERM;

  switch (a)
    {
    case OCI_SECCOMP_ACT_KILL:
    case OCI_SECCOMP_ACT_KILL_THREAD:
      return SCMP_ACT_KILL_THREAD;
    case OCI_SECCOMP_ACT_KILL_PROCESS:
      return SCMP_ACT_KILL_PROCESS;
    case OCI_SECCOMP_ACT_TRAP:
      return SCMP_ACT_TRAP;
    case OCI_SECCOMP_ACT_ERRNO:
      return SCMP_ACT_ERRNO (e);
    case OCI_SECCOMP_ACT_TRACE:
      return SCMP_ACT_TRACE (e);
    case OCI_SECCOMP_ACT_ALLOW:
      return SCMP_ACT_ALLOW;
    case OCI_SECCOMP_ACT_LOG:
      return SCMP_ACT_LOG;
    case OCI_SECCOMP_ACT_NOTIFY:
      return SCMP_ACT_NOTIFY;
    default:
      return SCMP_ACT_KILL_PROCESS; /* unreachable after validate */
    }
}

static const struct
{
  const char *name;
  unsigned int flag;
} seccomp_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

unsigned int
ocirun_seccomp_flag_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof seccomp_flags / sizeof seccomp_flags[0]; i++)
    if (strcmp (name, seccomp_flags[i].name) == 0)
      return seccomp_flags[i].flag;
  return 0;
}

bool
ocirun_seccomp_flags_supported (unsigned int flags)
{
  /* With a NULL program the kernel checks the flags first: EFAULT means
   * they were accepted, EINVAL that one is unknown.  Nothing is loaded. */
  if (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  if ((flags & SECCOMP_FILTER_FLAG_TSYNC)
      && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
    flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  errno = 0;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0
         && errno == EFAULT;
}

uint32_t
ocirun_seccomp_arch_token (const char *name)
{
  char lower[32];
  size_t i;

  if (strncmp (name, "SCMP_ARCH_", 10) != 0)
    return 0;
  name += 10;
  if (strcmp (name, "NATIVE") == 0)
    return seccomp_arch_native ();
  for (i = 0; name[i] && i < sizeof lower - 1; i++)
    lower[i]
        = (name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i];
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower);
}

static bool
uses_notify (const struct oci_seccomp *s)
{
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (s->syscalls[i].action == OCI_SECCOMP_ACT_NOTIFY)
      return true;
  return false;
}

static bool
action_valid (enum oci_seccomp_action a)
{
  return a > OCI_SECCOMP_ACT_INVALID && a < OCI_SECCOMP_ACT_COUNT_;
}

static int
validate_errno (const struct oci_opt_u32 *e, enum oci_seccomp_action a,
                const char *path, struct ocirun_error *err)
{
  if (!e->set)
    return 0;
  if (a != OCI_SECCOMP_ACT_ERRNO && a != OCI_SECCOMP_ACT_TRACE)
    return ocirun_error_set (err, EINVAL,
                             "%s: errnoRet is only valid with SCMP_ACT_ERRNO "
                             "and SCMP_ACT_TRACE",
                             path);
  if (e->value > 0xffff)
    return ocirun_error_set (err, EINVAL, "%s: errnoRet %u out of range", path,
                             e->value);
  return 0;
}

static int
validate_rule (const struct oci_syscall *r, const char *what, size_t idx,
               struct ocirun_error *err)
{
  char path[256];

  snprintf (path, sizeof path, "%s.syscalls[%zu]", what, idx);
  if (!action_valid (r->action))
    return ocirun_error_set (err, EINVAL, "%s.action: invalid action", path);
  if (r->names_len == 0)
    return ocirun_error_set (err, EINVAL, "%s.names: empty", path);
  if (validate_errno (&r->errno_ret, r->action, path, err) < 0)
    return -1;
  for (size_t a = 0; a < r->args_len; a++)
    {
      if (r->args[a].index >= SECCOMP_MAX_ARGS)
        return ocirun_error_set (err, EINVAL,
                                 "%s.args[%zu].index: %u is not below %d",
                                 path, a, r->args[a].index, SECCOMP_MAX_ARGS);
      if (r->args[a].op <= OCI_SECCOMP_OP_INVALID
          || r->args[a].op >= OCI_SECCOMP_OP_COUNT_)
        return ocirun_error_set (err, EINVAL, "%s.args[%zu].op: invalid", path,
                                 a);
    }
  if (r->action == OCI_SECCOMP_ACT_NOTIFY)
    for (size_t n = 0; n < r->names_len; n++)
      /* The notify fd is sent over sendmsg right after the load: a
       * notification there would wait for an agent that has no fd yet. */
      if (strcmp (r->names[n], "sendmsg") == 0)
        return ocirun_error_set (err, EINVAL,
                                 "%s: SCMP_ACT_NOTIFY cannot be used for "
                                 "sendmsg (the runtime sends the notify fd "
                                 "with it)",
                                 path);
  return 0;
}

static int
validate_flags (const struct oci_seccomp *s, const char *what,
                struct ocirun_error *err)
{
  for (size_t i = 0; i < s->flags_len; i++)
    {
      unsigned int f = ocirun_seccomp_flag_from_name (s->flags[i]);

      if (f == 0)
        return ocirun_error_set (err, EINVAL,
                                 "%s.flags[%zu]: unknown flag "
                                 "\"%s\"",
                                 what, i, s->flags[i]);
      if (f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !uses_notify (s))
        continue; /* meaningless without a listener, dropped at compile */
      if (!ocirun_seccomp_flags_supported (f))
        return ocirun_error_set (err, EINVAL,
                                 "%s.flags[%zu]: \"%s\" is not supported by "
                                 "the running kernel",
                                 what, i, s->flags[i]);
    }
  return 0;
}

int
ocirun_seccomp_validate (const struct oci_seccomp *s, const char *what,
                         struct ocirun_error *err)
{
  if (s == NULL)
    return 0;
  if (!action_valid (s->default_action))
    return ocirun_error_set (err, EINVAL, "%s.defaultAction: invalid action",
                             what);
  if (s->default_action == OCI_SECCOMP_ACT_NOTIFY)
    return ocirun_error_set (err, EINVAL,
                             "%s.defaultAction: "
                             "SCMP_ACT_NOTIFY cannot be the default action",
                             what);
  {
    char path[256];

    snprintf (path, sizeof path, "%s.defaultErrnoRet", what);
    if (validate_errno (&s->default_errno_ret, s->default_action, path, err)
        < 0)
      return -1;
  }
  for (size_t i = 0; i < s->architectures_len; i++)
    if (ocirun_seccomp_arch_token (s->architectures[i]) == 0)
      return ocirun_error_set (err, EINVAL,
                               "%s.architectures[%zu]: unknown architecture "
                               "\"%s\"",
                               what, i, s->architectures[i]);
  if (validate_flags (s, what, err) < 0)
    return -1;
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (validate_rule (&s->syscalls[i], what, i, err) < 0)
      return -1;
  if (uses_notify (s) && (s->listener_path == NULL || !s->listener_path[0]))
    return ocirun_error_set (err, EINVAL,
                             "%s.listenerPath: required when a "
                             "rule uses SCMP_ACT_NOTIFY",
                             what);
  if (s->listener_metadata && s->listener_path == NULL)
    return ocirun_error_set (err, EINVAL,
                             "%s.listenerMetadata: set without "
                             "listenerPath",
                             what);
  return 0;
}

static struct scmp_arg_cmp
arg_cmp (const struct oci_seccomp_arg *a)
{
  static const enum scmp_compare ops[OCI_SECCOMP_OP_COUNT_] = {
    [OCI_SECCOMP_OP_NE] = SCMP_CMP_NE,
    [OCI_SECCOMP_OP_LT] = SCMP_CMP_LT,
    [OCI_SECCOMP_OP_LE] = SCMP_CMP_LE,
    [OCI_SECCOMP_OP_EQ] = SCMP_CMP_EQ,
    [OCI_SECCOMP_OP_GE] = SCMP_CMP_GE,
    [OCI_SECCOMP_OP_GT] = SCMP_CMP_GT,
    [OCI_SECCOMP_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
  };
  struct scmp_arg_cmp c = {
    .arg = a->index,
    .op = ops[a->op],
    .datum_a = a->value,
    .datum_b = a->value_two.set ? a->value_two.value : 0,
  };

  return c;
}

static bool
repeated_arg_index (const struct oci_syscall *r)
{
  unsigned int seen = 0;

  for (size_t a = 0; a < r->args_len; a++)
    {
      unsigned int bit = 1u << r->args[a].index;

      if (seen & bit)
        return true;
      seen |= bit;
    }
  return false;
}

static int
add_one (scmp_filter_ctx ctx, uint32_t act, int nr, const char *name,
         unsigned int n, const struct scmp_arg_cmp *cmp,
         struct ocirun_error *err)
{
  int r = seccomp_rule_add_array (ctx, act, nr, n, cmp);

  if (r < 0)
    return ocirun_error_set (err, -r, "add seccomp rule for `%s`", name);
  return 0;
}

static int
add_rule_for (scmp_filter_ctx ctx, const struct oci_syscall *r, uint32_t act,
              int nr, const char *name, struct ocirun_error *err)
{
  struct scmp_arg_cmp cmp[SECCOMP_MAX_ARGS];

  if (r->args_len == 0)
    return add_one (ctx, act, nr, name, 0, NULL, err);
  if (repeated_arg_index (r) || r->args_len > SECCOMP_MAX_ARGS)
    {
      for (size_t a = 0; a < r->args_len; a++)
        {
          cmp[0] = arg_cmp (&r->args[a]);
          if (add_one (ctx, act, nr, name, 1, cmp, err) < 0)
            return -1;
        }
      return 0;
    }
  for (size_t a = 0; a < r->args_len; a++)
    cmp[a] = arg_cmp (&r->args[a]);
  return add_one (ctx, act, nr, name, r->args_len, cmp, err);
}

static int
add_rules (scmp_filter_ctx ctx, const struct oci_syscall *r,
           uint32_t default_act, struct ocirun_error *err)
{
  uint32_t act = ocirun_seccomp_action (r->action, &r->errno_ret);

  if (act == default_act)
    return 0;
  for (size_t n = 0; n < r->names_len; n++)
    {
      int nr = seccomp_syscall_resolve_name (r->names[n]);

      if (nr == __NR_SCMP_ERROR)
        {
          ocirun_debug ("seccomp: syscall `%s` unknown to libseccomp, "
                        "skipped",
                        r->names[n]);
          continue;
        }
      if (add_rule_for (ctx, r, act, nr, r->names[n], err) < 0)
        return -1;
    }
  return 0;
}

static int
add_arches (scmp_filter_ctx ctx, const struct oci_seccomp *s,
            struct ocirun_error *err)
{
  for (size_t i = 0; i < s->architectures_len; i++)
    {
      uint32_t token = ocirun_seccomp_arch_token (s->architectures[i]);
      int r;

      if (token == 0)
        return ocirun_error_set (err, EINVAL,
                                 "unknown seccomp architecture "
                                 "\"%s\"",
                                 s->architectures[i]);
      r = seccomp_arch_add (ctx, token);
      if (r < 0 && r != -EEXIST)
        return ocirun_error_set (err, -r, "add seccomp architecture %s",
                                 s->architectures[i]);
    }
  return 0;
}

int
ocirun_seccomp_build_ctx (const struct oci_seccomp *s, scmp_filter_ctx *out,
                          struct ocirun_error *err)
{
  uint32_t def
      = ocirun_seccomp_action (s->default_action, &s->default_errno_ret);
  scmp_filter_ctx ctx;

  ctx = seccomp_init (def);
  if (ctx == NULL)
    return ocirun_error_set (err, ENOMEM, "seccomp_init");
  /* A binary tree of syscall numbers: fewer BPF instructions run per
   * syscall with large allowlists (a few hundred names). */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (add_arches (ctx, s, err) < 0)
    goto fail;
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (add_rules (ctx, &s->syscalls[i], def, err) < 0)
      {
        ocirun_error_prefix (err, "linux.seccomp.syscalls[%zu]", i);
        goto fail;
      }
  *out = ctx;
  return 0;
fail:
  seccomp_release (ctx);
  return -1;
}

static unsigned int
kernel_flags (const struct oci_seccomp *s)
{
  unsigned int flags = 0;
  bool notify = uses_notify (s);

  for (size_t i = 0; i < s->flags_len; i++)
    {
      unsigned int f = ocirun_seccomp_flag_from_name (s->flags[i]);

      if (f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify)
        {
          ocirun_debug ("seccomp: %s ignored, no SCMP_ACT_NOTIFY rule",
                        s->flags[i]);
          continue;
        }
      flags |= f;
    }
  return flags;
}

/* seccomp_export_bpf() writes to an fd (libseccomp 2.5 has no memory
 * export): a memfd keeps it off the filesystem. */
static int
export_bpf (scmp_filter_ctx ctx, struct ocirun_seccomp_bpf *b,
            struct ocirun_error *err)
{
  cleanup_close int fd = memfd_create ("ocirun-seccomp", MFD_CLOEXEC);
  struct stat st;
  ssize_t n;
  int r;

  if (fd < 0)
    return ocirun_error_errno (err, "memfd_create");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return ocirun_error_set (err, -r, "seccomp_export_bpf");
  if (fstat (fd, &st) < 0)
    return ocirun_error_errno (err, "fstat seccomp memfd");
  if (st.st_size <= 0 || st.st_size % sizeof (struct sock_filter) != 0
      || st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return ocirun_error_set (err, E2BIG,
                             "seccomp filter has an invalid size (%lld bytes)",
                             (long long)st.st_size);
  b->insns = malloc (st.st_size);
  if (b->insns == NULL)
    return ocirun_error_errno (err, "malloc");
  n = pread (fd, b->insns, st.st_size, 0);
  if (n != st.st_size)
    return ocirun_error_set (err, n < 0 ? errno : EIO, "read seccomp BPF");
  b->len = st.st_size / sizeof (struct sock_filter);
  return 0;
}

int
ocirun_seccomp_compile (const struct oci_seccomp *s,
                        struct ocirun_seccomp_bpf **out,
                        struct ocirun_error *err)
{
  struct ocirun_seccomp_bpf *b;
  scmp_filter_ctx ctx;
  int r;

  if (ocirun_seccomp_build_ctx (s, &ctx, err) < 0)
    return -1;
  b = calloc (1, sizeof *b);
  if (b == NULL)
    {
      seccomp_release (ctx);
      return ocirun_error_errno (err, "calloc");
    }
  r = export_bpf (ctx, b, err);
  seccomp_release (ctx);
  if (r == 0)
    r = ocirun_seccomp_add_enosys_stub (s, b, err);
  if (r < 0)
    {
      ocirun_seccomp_bpf_free (b);
      return -1;
    }
  b->notify = uses_notify (s);
  b->flags = kernel_flags (s);
  *out = b;
  return 0;
}

void
ocirun_seccomp_bpf_free (struct ocirun_seccomp_bpf *b)
{
  if (b == NULL)
    return;
  free (b->insns);
  free (b);
}

int
ocirun_seccomp_load (const struct ocirun_seccomp_bpf *b, int *notify_fd,
                     struct ocirun_error *err)
{
  struct sock_fprog prog
      = { .len = (unsigned short)b->len, .filter = b->insns };
  unsigned int flags = b->flags;
  long r;

  *notify_fd = -1;
  if (b->notify)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC and NEW_LISTENER exclude each other unless TSYNC reports
       * failure as ESRCH instead of a thread id. */
      if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (r < 0)
    return ocirun_error_errno (err, "load the seccomp filter");
  if (b->notify)
    *notify_fd = (int)r;
  else if (r > 0)
    return ocirun_error_set (err, ESRCH,
                             "seccomp TSYNC: thread %ld could "
                             "not be synchronized",
                             r);
  return 0;
}
