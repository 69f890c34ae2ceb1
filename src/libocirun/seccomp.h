/* seccomp.h - linux.seccomp -> BPF (libseccomp, in the parent) and the
 * load of that BPF (raw seccomp(2), in the child).
 *
 * Compiling before fork keeps libseccomp's allocations and its own
 * syscalls out of the container process, and lets the same program be
 * reused: the child only issues one seccomp(2) call. */
#ifndef OCIRUN_SECCOMP_H
#define OCIRUN_SECCOMP_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

struct ocirun_seccomp_bpf
{
  struct sock_filter *insns;
  size_t len;         /* instructions */
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;        /* some rule is SCMP_ACT_NOTIFY: NEW_LISTENER */
};

/* Host-independent and host-dependent checks (actions, errno values,
 * architectures libseccomp knows, flags the kernel supports, NOTIFY
 * constraints).  `what` is the JSON path prefix ("config.json:
 * linux.seccomp"). */
int ocirun_seccomp_validate (const struct oci_seccomp *s, const char *what,
                             struct ocirun_error *err);

/* Build the libseccomp filter (for tests: seccomp_export_pfc). */
int ocirun_seccomp_build_ctx (const struct oci_seccomp *s,
                              scmp_filter_ctx *out, struct ocirun_error *err);

/* Build and export to BPF.  *out is malloc'd; free with
 * ocirun_seccomp_bpf_free(). */
int ocirun_seccomp_compile (const struct oci_seccomp *s,
                            struct ocirun_seccomp_bpf **out,
                            struct ocirun_error *err);
void ocirun_seccomp_bpf_free (struct ocirun_seccomp_bpf *b);

/* "SCMP_ARCH_X86_64" -> libseccomp token (== AUDIT_ARCH_*), 0 if
 * unknown. */
uint32_t ocirun_seccomp_arch_token (const char *name);

/* Prepend runc's "newer than the profile -> ENOSYS" stub to b when the
 * default action denies (seccomp_enosys.c). */
int ocirun_seccomp_add_enosys_stub (const struct oci_seccomp *s,
                                    struct ocirun_seccomp_bpf *b,
                                    struct ocirun_error *err);

/* The kernel flag bit for an OCI flag name, 0 if unknown. */
unsigned int ocirun_seccomp_flag_from_name (const char *name);

/* True if the running kernel accepts these SECCOMP_FILTER_FLAG_* bits. */
bool ocirun_seccomp_flags_supported (unsigned int flags);

/* Install the program.  With a NOTIFY rule, *notify_fd receives the
 * listener fd (else -1).  The caller holds CAP_SYS_ADMIN or has set
 * no_new_privs.  Makes no other syscall than seccomp(2). */
int ocirun_seccomp_load (const struct ocirun_seccomp_bpf *b, int *notify_fd,
                         struct ocirun_error *err);

/* The libseccomp action for an OCI action and errnoRet (used for both the
 * default action and rules). */
uint32_t ocirun_seccomp_action (enum oci_seccomp_action a,
                                const struct oci_opt_u32 *errno_ret);

/* On-disk cache of compiled programs, keyed by a hash of the profile and
 * the libseccomp version: a hit skips libseccomp entirely.  dir NULL
 * disables it.  Misses and cache errors fall back to compiling. */
int ocirun_seccomp_compile_cached (const struct oci_seccomp *s,
                                   const char *cache_dir,
                                   struct ocirun_seccomp_bpf **out,
                                   struct ocirun_error *err);

#endif
