/* seccomp_enosys.c - syscalls newer than the profile get ENOSYS.
 *
 * A profile with defaultAction SCMP_ACT_ERRNO/EPERM (docker's default)
 * denies every syscall its author did not know about with EPERM.  glibc and
 * other libraries probe new syscalls (clone3, faccessat2, fchmodat2, mseal,
 * ...) and fall back to older ones only on ENOSYS; EPERM makes them fail.
 * runc answers this by prepending a stub to the BPF: per architecture,
 * a syscall number above the highest one the profile names returns ENOSYS.
 * We do the same, so engines see runc's behaviour.
 *
 * Only when the default action would deny (ERRNO other than ENOSYS, TRAP,
 * KILL*, TRACE); ALLOW/LOG/NOTIFY defaults and ERRNO(ENOSYS) need nothing.
 *
 * Stub layout (classic BPF, forward jumps only):
 *
 *   ld  arch
 *   jeq ARCH_1 -> B1          one test per distinct audit arch
 *   ...
 *   ja  ORIG                  unknown arch: the filter decides
 *   B_i: ld nr
 *        [x86_64 with x32: jge 0x40000000 -> X32_i]
 *        jgt MAX_i -> ENOSYS
 *        ja  ORIG
 *        [X32_i: jgt MAX_X32 -> ENOSYS; ja ORIG]
 *   ENOSYS: ret ERRNO(ENOSYS)
 *   ORIG: the libseccomp program, unchanged (it reloads what it needs). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/seccomp.h"

#define X32_SYSCALL_BIT 0x40000000u
#define MAX_ARCHES 24

struct arch_max
{
  uint32_t audit; /* AUDIT_ARCH_* (== libseccomp token) */
  long max;       /* highest nr named, -1 if none */
  long x32_max;   /* x86_64 only: highest x32 nr (with the bit) */
  bool has_x32;
};

static bool
default_denies (const struct oci_seccomp *s)
{
  switch (s->default_action)
    {
    case OCI_SECCOMP_ACT_ALLOW:
    case OCI_SECCOMP_ACT_LOG:
    case OCI_SECCOMP_ACT_NOTIFY:
      return false;
    case OCI_SECCOMP_ACT_ERRNO:
      return !(s->default_errno_ret.set
               && s->default_errno_ret.value == ENOSYS);
    default:
      return true;
    }
}

static struct arch_max *
arch_slot (struct arch_max *a, size_t *n, uint32_t audit)
{
  for (size_t i = 0; i < *n; i++)
    if (a[i].audit == audit)
      return &a[i];
  if (*n == MAX_ARCHES)
    return NULL;
  a[*n] = (struct arch_max){ .audit = audit, .max = -1, .x32_max = -1 };
  return &a[(*n)++];
}

/* The highest syscall number the profile names, per architecture. */
static void
note_names (const struct oci_seccomp *s, uint32_t token, struct arch_max *m)
{
  for (size_t i = 0; i < s->syscalls_len; i++)
    for (size_t n = 0; n < s->syscalls[i].names_len; n++)
      {
        int nr = seccomp_syscall_resolve_name_arch (token,
                                                    s->syscalls[i].names[n]);

        /* Negative: unknown, or a pseudo number for a multiplexed call
         * (socketcall on x86_64) that can't reach the kernel directly. */
        if (nr < 0)
          continue;
        if (token == SCMP_ARCH_X32)
          {
            m->has_x32 = true;
            if (nr > m->x32_max)
              m->x32_max = nr;
          }
        else if (nr > m->max)
          m->max = nr;
      }
}

static size_t
collect (const struct oci_seccomp *s, struct arch_max *a)
{
  uint32_t tokens[MAX_ARCHES];
  size_t nt = 0, n = 0;

  tokens[nt++] = seccomp_arch_native ();
  for (size_t i = 0; i < s->architectures_len && nt < MAX_ARCHES; i++)
    {
      uint32_t t = ocirun_seccomp_arch_token (s->architectures[i]);

      if (t != 0)
        tokens[nt++] = t;
    }
  for (size_t i = 0; i < nt; i++)
    {
      /* x32 processes enter with AUDIT_ARCH_X86_64 and the X32 bit in
       * the syscall number: one slot, two limits. */
      uint32_t audit
          = tokens[i] == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : tokens[i];
      struct arch_max *m = arch_slot (a, &n, audit);

      if (m)
        note_names (s, tokens[i], m);
    }
  return n;
}

#define STMT(c, k) ((struct sock_filter)BPF_STMT ((c), (k)))
#define JUMP(c, k, t, f) ((struct sock_filter)BPF_JUMP ((c), (k), (t), (f)))

/* Emit the stub into out (room for 2 + 7 * n instructions); returns its
 * length. */
static size_t
emit_stub (const struct arch_max *a, size_t n, struct sock_filter *out)
{
  size_t len = 0, blocks_len = 0, block_at[MAX_ARCHES];

  /* Block i: ld nr; [jge X32 bit]; jgt max; ja ORIG; [jgt x32max; ja ORIG] */
  for (size_t i = 0; i < n; i++)
    {
      block_at[i] = blocks_len;
      blocks_len += a[i].has_x32 ? 6 : 3;
    }
  /* Header: ld arch; n * jeq; ja ORIG.  Jump offsets count from the
   * next instruction. */
  size_t header = 1 + n + 1;
  size_t enosys = header + blocks_len; /* index of ret ENOSYS */
  size_t orig = enosys + 1;

  out[len++]
      = STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch));
  for (size_t i = 0; i < n; i++)
    {
      out[len] = JUMP (BPF_JMP | BPF_JEQ | BPF_K, a[i].audit,
                       (uint8_t)(header + block_at[i] - (len + 1)), 0);
      len++;
    }
  out[len] = STMT (BPF_JMP | BPF_JA | BPF_K, (uint32_t)(orig - (len + 1)));
  len++;
  for (size_t i = 0; i < n; i++)
    {
      size_t x32_at = len + 4;

      out[len++] = STMT (BPF_LD | BPF_W | BPF_ABS,
                         offsetof (struct seccomp_data, nr));
      if (a[i].has_x32)
        {
          out[len] = JUMP (BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT,
                           (uint8_t)(x32_at - (len + 1)), 0);
          len++;
        }
      out[len] = JUMP (BPF_JMP | BPF_JGT | BPF_K, (uint32_t)a[i].max,
                       (uint8_t)(enosys - (len + 1)), 0);
      len++;
      out[len] = STMT (BPF_JMP | BPF_JA | BPF_K, (uint32_t)(orig - (len + 1)));
      len++;
      if (a[i].has_x32)
        {
          out[len] = JUMP (BPF_JMP | BPF_JGT | BPF_K, (uint32_t)a[i].x32_max,
                           (uint8_t)(enosys - (len + 1)), 0);
          len++;
          out[len]
              = STMT (BPF_JMP | BPF_JA | BPF_K, (uint32_t)(orig - (len + 1)));
          len++;
        }
    }
  out[len++] = STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  return len;
}

int
ocirun_seccomp_add_enosys_stub (const struct oci_seccomp *s,
                                struct ocirun_seccomp_bpf *b,
                                struct ocirun_error *err)
{
  struct arch_max a[MAX_ARCHES];
  struct sock_filter *insns;
  size_t n, kept = 0, len;

  if (!default_denies (s))
    return 0;
  n = collect (s, a);
  /* An arch whose profile names nothing: every number is "newer", which
   * would turn the default into ENOSYS wholesale; leave it alone. */
  for (size_t i = 0; i < n; i++)
    if (a[i].max >= 0)
      {
        if (a[i].has_x32 && a[i].x32_max < 0)
          a[i].has_x32 = false;
        a[kept++] = a[i];
      }
  if (kept == 0)
    return 0;
  insns = malloc ((2 + 7 * kept + b->len) * sizeof *insns);
  if (insns == NULL)
    return ocirun_error_errno (err, "malloc");
  len = emit_stub (a, kept, insns);
  if (len + b->len > BPF_MAXINSNS)
    {
      free (insns);
      return ocirun_error_set (err, E2BIG, "seccomp filter too large");
    }
  memcpy (insns + len, b->insns, b->len * sizeof *insns);
  free (b->insns);
  b->insns = insns;
  b->len += len;
  return 0;
}
