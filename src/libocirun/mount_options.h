/* mount_options.h - mounts[].options -> mount(2) flags, propagation,
 * recursive mount_setattr(2) attributes and the filesystem data string.
 *
 * Pure table lookups, no system calls: used by validation in the parent
 * and by the mount code in the child. */
#ifndef OCIRUN_MOUNT_OPTIONS_H
#define OCIRUN_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libocirun/error.h"

/* Options that are neither mount(2) flags nor filesystem data. */
enum
{
  OCIRUN_MOPT_BIND = 1 << 0,      /* bind or rbind */
  OCIRUN_MOPT_REC = 1 << 1,       /* rbind (with BIND) or ridmap (IDMAP) */
  OCIRUN_MOPT_TMPCOPYUP = 1 << 2, /* copy the covered dir into the tmpfs */
  OCIRUN_MOPT_IDMAP = 1 << 3,     /* idmap / ridmap */
};

/* One entry of the option table. */
struct ocirun_mount_option
{
  const char *name;
  unsigned long set;         /* MS_* flags the option sets */
  unsigned long clear;       /* MS_* flags the option clears */
  unsigned long propagation; /* MS_PRIVATE|MS_REC, ... or 0 */
  uint64_t attr_set;         /* recursive MOUNT_ATTR_* to set ... */
  uint64_t attr_clr;         /* ... and to clear (r* options) */
  unsigned int extra;        /* OCIRUN_MOPT_* */
};

/* The result of parsing one mounts[] entry's options, in order. */
#define OCIRUN_MAX_PROPAGATION 4

struct ocirun_mount_opts
{
  unsigned long flags;   /* MS_* flags for mount(2), without propagation */
  unsigned long cleared; /* MS_* flags an option explicitly cleared */
  unsigned long propagation[OCIRUN_MAX_PROPAGATION]; /* applied in order */
  size_t propagation_len;
  uint64_t rec_attr_set; /* recursive mount_setattr (AT_RECURSIVE) */
  uint64_t rec_attr_clr;
  unsigned int extra; /* OCIRUN_MOPT_* */
  char *data;         /* other options joined with ',' (NULL if none) */
};

/* The option table entry for name, or NULL if name is filesystem data. */
const struct ocirun_mount_option *
ocirun_mount_option_lookup (const char *name);

/* The whole table (for `ocirun features`), *len entries. */
const struct ocirun_mount_option *ocirun_mount_option_table (size_t *len);

/* Parse options[0..n).  is_bind says the mount is a bind mount by type
 * ("bind") even without a bind option: then data options are meaningless
 * to the kernel and an unknown option is an error.  On error *bad is the
 * index of the offending option and err says why (without the JSON path,
 * which the caller adds).  Free with ocirun_mount_opts_clear(). */
int ocirun_mount_opts_parse (char *const *options, size_t n, bool is_bind,
                             struct ocirun_mount_opts *out, size_t *bad,
                             struct ocirun_error *err);
void ocirun_mount_opts_clear (struct ocirun_mount_opts *o);

/* True if the per-mount part of flags (ro, nosuid, nodev, noexec, atime,
 * nosymfollow) differs from what a plain bind gives, i.e. a bind mount
 * needs a mount_setattr()/remount after being made. */
bool ocirun_mount_opts_need_bind_attrs (const struct ocirun_mount_opts *o);

/* Convert the per-mount MS_* flags of o into a non-recursive
 * mount_setattr() set/clear pair.  Flags the options didn't mention are
 * left alone (attr_clr lacks them) so that the source mount's locked
 * nosuid/nodev/noexec survive a read-only bind. */
void ocirun_mount_opts_bind_attrs (const struct ocirun_mount_opts *o,
                                   uint64_t *attr_set, uint64_t *attr_clr);

/* Map a linux.rootfsPropagation value ("private", "rslave", ...) to
 * MS_* propagation flags; 0 if unknown. */
unsigned long ocirun_propagation_from_string (const char *s);

#endif
