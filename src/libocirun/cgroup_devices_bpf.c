/* cgroup_devices_bpf.c - device access control on cgroup v2.
 *
 * v2 has no devices.allow; the kernel asks a BPF_PROG_TYPE_CGROUP_DEVICE
 * program attached to the cgroup instead.  We write that program by hand
 * (no libbpf, no compiler): the rules are tested from the last one to the
 * first and the first that matches returns its verdict, i.e. the last
 * matching rule of the list wins, as with v1's exception list; nothing
 * matching means deny.
 *
 * An allow rule matches when it grants every access bit requested; a deny
 * rule matches when it forbids any of them ("deny w" must stop an open
 * for read+write even if an earlier rule allowed rwm). */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

/* Registers as the program uses them. */
enum
{
  R0 = 0, /* return value */
  R1,     /* context, then scratch */
  R2,     /* device type */
  R3,     /* requested access */
  R4,     /* major */
  R5,     /* minor */
};

static struct bpf_insn
insn (uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  struct bpf_insn i;

  memset (&i, 0, sizeof i);
  i.code = code;
  i.dst_reg = dst;
  i.src_reg = src;
  i.off = off;
  i.imm = imm;
  return i;
}

#define LDX_W(dst, src, off) insn (BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_K(op, dst, imm) insn (BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV32_X(dst, src) insn (BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_K(dst, imm) insn (BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
/* Jump to the next rule; the offset is patched when the block is done. */
#define JMP_K_NEXT(op, dst, imm) insn (BPF_JMP | (op) | BPF_K, dst, 0, -1, imm)
#define EXIT() insn (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define MAX_RULE_INSNS 8

static unsigned
bpf_access (unsigned a)
{
  return ((a & CG_DEV_R) ? BPF_DEVCG_ACC_READ : 0)
         | ((a & CG_DEV_W) ? BPF_DEVCG_ACC_WRITE : 0)
         | ((a & CG_DEV_M) ? BPF_DEVCG_ACC_MKNOD : 0);
}

#define ACC_ALL                                                               \
  (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* Emit one rule's block into b; returns its length.  *unconditional is
 * set when the block matches everything (later blocks are unreachable,
 * which the verifier refuses, so generation stops there). */
static size_t
rule_block (const struct cg_dev_rule *r, struct bpf_insn *b,
            bool *unconditional)
{
  size_t k = 0;
  unsigned acc = bpf_access (r->access);

  if (r->type != 'a')
    b[k++] = JMP_K_NEXT (BPF_JNE, R2,
                         r->type == 'b' ? BPF_DEVCG_DEV_BLOCK
                                        : BPF_DEVCG_DEV_CHAR);
  if (acc != ACC_ALL)
    {
      b[k++] = MOV32_X (R1, R3);
      if (r->allow)
        {
          b[k++] = ALU32_K (BPF_AND, R1, (int32_t)(~acc & ACC_ALL));
          b[k++] = JMP_K_NEXT (BPF_JNE, R1, 0);
        }
      else
        {
          b[k++] = ALU32_K (BPF_AND, R1, (int32_t)acc);
          b[k++] = JMP_K_NEXT (BPF_JEQ, R1, 0);
        }
    }
  if (r->major >= 0)
    b[k++] = JMP_K_NEXT (BPF_JNE, R4, (int32_t)r->major);
  if (r->minor >= 0)
    b[k++] = JMP_K_NEXT (BPF_JNE, R5, (int32_t)r->minor);
  *unconditional = k == 0;
  b[k++] = MOV64_K (R0, r->allow ? 1 : 0);
  b[k++] = EXIT ();
  /* Patch "next rule" jumps to land right after this block. */
  for (size_t i = 0; i < k; i++)
    if (BPF_CLASS (b[i].code) == BPF_JMP && BPF_OP (b[i].code) != BPF_EXIT
        && b[i].off == -1)
      b[i].off = (int16_t)(k - i - 1);
  return k;
}

int
cg_bpf_dev_program (const struct cg_dev_rule *rules, size_t n_rules,
                    struct bpf_insn **insns, size_t *n,
                    struct ocirun_error *err)
{
  size_t cap = 8 + n_rules * MAX_RULE_INSNS, k = 0;
  struct bpf_insn *p = calloc (cap, sizeof *p);
  bool done = false;

  if (p == NULL)
    return ocirun_error_errno (err, "cgroup: device program");
  /* access_type is (access << 16) | type. */
  p[k++] = LDX_W (R2, R1, offsetof (struct bpf_cgroup_dev_ctx, access_type));
  p[k++] = ALU32_K (BPF_AND, R2, 0xffff);
  p[k++] = LDX_W (R3, R1, offsetof (struct bpf_cgroup_dev_ctx, access_type));
  p[k++] = ALU32_K (BPF_RSH, R3, 16);
  p[k++] = LDX_W (R4, R1, offsetof (struct bpf_cgroup_dev_ctx, major));
  p[k++] = LDX_W (R5, R1, offsetof (struct bpf_cgroup_dev_ctx, minor));
  for (size_t i = n_rules; i > 0 && !done; i--)
    k += rule_block (&rules[i - 1], p + k, &done);
  if (!done)
    {
      p[k++] = MOV64_K (R0, 0);
      p[k++] = EXIT ();
    }
  *insns = p;
  *n = k;
  return 0;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

static int
load_program (const struct bpf_insn *insns, size_t n, struct ocirun_error *err)
{
  union bpf_attr attr;
  static char log[4096];
  int fd;

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  if (errno != EINVAL && errno != EACCES)
    return ocirun_error_errno (err, "cgroup: load device eBPF program");
  /* Verifier refusal: load again with a log to say why. */
  log[0] = '\0';
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof log;
  attr.log_level = 1;
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  return ocirun_error_errno (err, "cgroup: load device eBPF program: %.400s",
                             log);
}

/* Ids of the device programs attached to cgroup fd now. */
static int
query_attached (int cgfd, uint32_t *ids, uint32_t *n)
{
  union bpf_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    return -1;
  *n = attr.query.prog_cnt;
  return 0;
}

static void
detach_by_id (int cgfd, uint32_t id)
{
  union bpf_attr attr;
  cleanup_close int pfd = -1;

  memset (&attr, 0, sizeof attr);
  attr.prog_id = id;
  pfd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
  if (pfd < 0)
    return;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = cgfd;
  attr.attach_bpf_fd = pfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  sys_bpf (BPF_PROG_DETACH, &attr);
}

int
cg_bpf_dev_apply (const char *dir, const struct cg_dev_rule *rules,
                  size_t n_rules, struct ocirun_error *err)
{
  cleanup_free struct bpf_insn *insns = NULL;
  cleanup_close int cgfd = -1;
  cleanup_close int pfd = -1;
  uint32_t old[64];
  uint32_t n_old = sizeof old / sizeof old[0];
  union bpf_attr attr;
  size_t n;

  if (cg_bpf_dev_program (rules, n_rules, &insns, &n, err) < 0)
    return -1;
  cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return ocirun_error_errno (err, "cgroup: open %s", dir);
  if (query_attached (cgfd, old, &n_old) < 0)
    n_old = 0;
  pfd = load_program (insns, n, err);
  if (pfd < 0)
    return -1;
  /* Attach the new program before detaching the old ones, so there is
   * no moment without a filter (ALLOW_MULTI: all must allow). */
  memset (&attr, 0, sizeof attr);
  attr.target_fd = cgfd;
  attr.attach_bpf_fd = pfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return ocirun_error_errno (err, "cgroup: attach device eBPF program to %s",
                               dir);
  for (uint32_t i = 0; i < n_old; i++)
    detach_by_id (cgfd, old[i]);
  return 0;
}
