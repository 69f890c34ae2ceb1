/* mount_options.c - the mount option table of config.md / config-linux.md
 * and its parser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libocirun/compat.h"

#include "libocirun/mount_options.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* Recursive atime options: changing the atime mode with mount_setattr()
 * requires clearing the whole MOUNT_ATTR__ATIME field and setting the new
 * mode.  "ratime", "rnostrictatime" fall back to the kernel default
 * (relatime); "rnorelatime" can only mean strictatime. */
#define ATIME_MODE(m) 0, 0, 0, (m), MOUNT_ATTR__ATIME, 0

static const struct ocirun_mount_option option_table[] = {
  /* name, set, clear, propagation, attr_set, attr_clr, extra */
  { "defaults", 0, 0, 0, 0, 0, 0 },
  { "ro", MS_RDONLY, 0, 0, 0, 0, 0 },
  { "rw", 0, MS_RDONLY, 0, 0, 0, 0 },
  { "nosuid", MS_NOSUID, 0, 0, 0, 0, 0 },
  { "suid", 0, MS_NOSUID, 0, 0, 0, 0 },
  { "nodev", MS_NODEV, 0, 0, 0, 0, 0 },
  { "dev", 0, MS_NODEV, 0, 0, 0, 0 },
  { "noexec", MS_NOEXEC, 0, 0, 0, 0, 0 },
  { "exec", 0, MS_NOEXEC, 0, 0, 0, 0 },
  { "sync", MS_SYNCHRONOUS, 0, 0, 0, 0, 0 },
  { "async", 0, MS_SYNCHRONOUS, 0, 0, 0, 0 },
  { "dirsync", MS_DIRSYNC, 0, 0, 0, 0, 0 },
  { "remount", MS_REMOUNT, 0, 0, 0, 0, 0 },
  { "mand", MS_MANDLOCK, 0, 0, 0, 0, 0 },
  { "nomand", 0, MS_MANDLOCK, 0, 0, 0, 0 },
  { "atime", 0, MS_NOATIME, 0, 0, 0, 0 },
  { "noatime", MS_NOATIME, 0, 0, 0, 0, 0 },
  { "diratime", 0, MS_NODIRATIME, 0, 0, 0, 0 },
  { "nodiratime", MS_NODIRATIME, 0, 0, 0, 0, 0 },
  { "relatime", MS_RELATIME, 0, 0, 0, 0, 0 },
  { "norelatime", 0, MS_RELATIME, 0, 0, 0, 0 },
  { "strictatime", MS_STRICTATIME, 0, 0, 0, 0, 0 },
  { "nostrictatime", 0, MS_STRICTATIME, 0, 0, 0, 0 },
  { "nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0, 0 },
  { "symfollow", 0, MS_NOSYMFOLLOW, 0, 0, 0, 0 },
  { "lazytime", MS_LAZYTIME, 0, 0, 0, 0, 0 },
  { "nolazytime", 0, MS_LAZYTIME, 0, 0, 0, 0 },
  { "acl", MS_POSIXACL, 0, 0, 0, 0, 0 },
  { "noacl", 0, MS_POSIXACL, 0, 0, 0, 0 },
  { "iversion", MS_I_VERSION, 0, 0, 0, 0, 0 },
  { "noiversion", 0, MS_I_VERSION, 0, 0, 0, 0 },
  { "silent", MS_SILENT, 0, 0, 0, 0, 0 },
  { "loud", 0, MS_SILENT, 0, 0, 0, 0 },
  { "bind", MS_BIND, 0, 0, 0, 0, OCIRUN_MOPT_BIND },
  { "rbind", MS_BIND | MS_REC, 0, 0, 0, 0,
    OCIRUN_MOPT_BIND | OCIRUN_MOPT_REC },
  { "private", 0, 0, MS_PRIVATE, 0, 0, 0 },
  { "rprivate", 0, 0, MS_PRIVATE | MS_REC, 0, 0, 0 },
  { "shared", 0, 0, MS_SHARED, 0, 0, 0 },
  { "rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, 0 },
  { "slave", 0, 0, MS_SLAVE, 0, 0, 0 },
  { "rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, 0 },
  { "unbindable", 0, 0, MS_UNBINDABLE, 0, 0, 0 },
  { "runbindable", 0, 0, MS_UNBINDABLE | MS_REC, 0, 0, 0 },
  { "rro", 0, 0, 0, MOUNT_ATTR_RDONLY, 0, 0 },
  { "rrw", 0, 0, 0, 0, MOUNT_ATTR_RDONLY, 0 },
  { "rnosuid", 0, 0, 0, MOUNT_ATTR_NOSUID, 0, 0 },
  { "rsuid", 0, 0, 0, 0, MOUNT_ATTR_NOSUID, 0 },
  { "rnodev", 0, 0, 0, MOUNT_ATTR_NODEV, 0, 0 },
  { "rdev", 0, 0, 0, 0, MOUNT_ATTR_NODEV, 0 },
  { "rnoexec", 0, 0, 0, MOUNT_ATTR_NOEXEC, 0, 0 },
  { "rexec", 0, 0, 0, 0, MOUNT_ATTR_NOEXEC, 0 },
  { "rnodiratime", 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0, 0 },
  { "rdiratime", 0, 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0 },
  { "rrelatime", ATIME_MODE (MOUNT_ATTR_RELATIME) },
  { "rnorelatime", ATIME_MODE (MOUNT_ATTR_STRICTATIME) },
  { "rnoatime", ATIME_MODE (MOUNT_ATTR_NOATIME) },
  { "ratime", ATIME_MODE (MOUNT_ATTR_RELATIME) },
  { "rstrictatime", ATIME_MODE (MOUNT_ATTR_STRICTATIME) },
  { "rnostrictatime", ATIME_MODE (MOUNT_ATTR_RELATIME) },
  { "rnosymfollow", 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, 0 },
  { "rsymfollow", 0, 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0 },
  { "tmpcopyup", 0, 0, 0, 0, 0, OCIRUN_MOPT_TMPCOPYUP },
  { "idmap", 0, 0, 0, 0, 0, OCIRUN_MOPT_IDMAP },
  { "ridmap", 0, 0, 0, 0, 0, OCIRUN_MOPT_IDMAP | OCIRUN_MOPT_REC },
};

#define TABLE_LEN (sizeof option_table / sizeof option_table[0])

const struct ocirun_mount_option *
ocirun_mount_option_lookup (const char *name)
{
  /* ~65 short strings: a linear scan is faster than anything fancier at
     the handful of options a mount has. */
  for (size_t i = 0; i < TABLE_LEN; i++)
    if (strcmp (option_table[i].name, name) == 0)
      return &option_table[i];
  return NULL;
}

const struct ocirun_mount_option *
ocirun_mount_option_table (size_t *len)
{
  *len = TABLE_LEN;
  return option_table;
}

static void
apply_option (struct ocirun_mount_opts *o,
              const struct ocirun_mount_option *opt)
{
  o->flags = (o->flags | opt->set) & ~opt->clear;
  o->cleared = (o->cleared | opt->clear) & ~opt->set;
  /* A later recursive option overrides an earlier opposite one. */
  o->rec_attr_set = (o->rec_attr_set & ~opt->attr_clr) | opt->attr_set;
  o->rec_attr_clr = (o->rec_attr_clr & ~opt->attr_set) | opt->attr_clr;
  if (opt->attr_clr & MOUNT_ATTR__ATIME)
    o->rec_attr_set = (o->rec_attr_set & ~MOUNT_ATTR__ATIME) | opt->attr_set;
  o->extra |= opt->extra;
}

/* Append s to the comma-separated data string. */
static int
append_data (char **data, const char *s)
{
  size_t old = *data ? strlen (*data) : 0;
  size_t add = strlen (s);
  char *n = realloc (*data, old + add + 2);

  if (n == NULL)
    return -1;
  if (old)
    n[old++] = ',';
  memcpy (n + old, s, add + 1);
  *data = n;
  return 0;
}

int
ocirun_mount_opts_parse (char *const *options, size_t n, bool is_bind,
                         struct ocirun_mount_opts *out, size_t *bad,
                         struct ocirun_error *err)
{
  memset (out, 0, sizeof *out);
  for (size_t i = 0; i < n; i++)
    {
      const char *s = options[i];
      const struct ocirun_mount_option *opt = ocirun_mount_option_lookup (s);

      *bad = i;
      if (*s == '\0')
        goto fail_empty;
      if (opt != NULL)
        {
          apply_option (out, opt);
          if (opt->propagation == 0)
            continue;
          if (out->propagation_len == OCIRUN_MAX_PROPAGATION)
            {
              ocirun_mount_opts_clear (out);
              return ocirun_error_set (err, 0, "too many propagation options");
            }
          out->propagation[out->propagation_len++] = opt->propagation;
          continue;
        }
      /* Not a flag: filesystem data, unless the kernel would silently
         ignore it (bind mounts), where it is most likely a typo such as
         "nosiud" that would leave the mount less protected than asked. */
      if (is_bind)
        {
          ocirun_mount_opts_clear (out);
          return ocirun_error_set (err, EINVAL, "unknown mount option \"%s\"",
                                   s);
        }
      if (append_data (&out->data, s) < 0)
        {
          ocirun_mount_opts_clear (out);
          return ocirun_error_errno (err, "mount options");
        }
    }
  /* "bind" in the options makes it a bind mount whatever the type; data
     collected before we knew is rejected the same way. */
  if ((out->extra & OCIRUN_MOPT_BIND) && !is_bind && out->data != NULL)
    {
      for (size_t i = 0; i < n; i++)
        if (ocirun_mount_option_lookup (options[i]) == NULL)
          {
            *bad = i;
            ocirun_mount_opts_clear (out);
            return ocirun_error_set (
                err, EINVAL, "unknown mount option \"%s\"", options[i]);
          }
    }
  return 0;

fail_empty:
  ocirun_mount_opts_clear (out);
  return ocirun_error_set (err, EINVAL, "empty mount option");
}

void
ocirun_mount_opts_clear (struct ocirun_mount_opts *o)
{
  free (o->data);
  memset (o, 0, sizeof *o);
}

/* Per-mount flags: what a bind mount's mount_setattr() can change. */
#define PER_MOUNT_FLAGS                                                       \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME  \
   | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW)

bool
ocirun_mount_opts_need_bind_attrs (const struct ocirun_mount_opts *o)
{
  return ((o->flags | o->cleared) & PER_MOUNT_FLAGS) != 0;
}

static void
map_flag (const struct ocirun_mount_opts *o, unsigned long ms, uint64_t attr,
          uint64_t *set, uint64_t *clr)
{
  if (o->flags & ms)
    *set |= attr;
  else if (o->cleared & ms)
    *clr |= attr;
}

void
ocirun_mount_opts_bind_attrs (const struct ocirun_mount_opts *o,
                              uint64_t *attr_set, uint64_t *attr_clr)
{
  const unsigned long atime = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;

  *attr_set = *attr_clr = 0;
  map_flag (o, MS_RDONLY, MOUNT_ATTR_RDONLY, attr_set, attr_clr);
  map_flag (o, MS_NOSUID, MOUNT_ATTR_NOSUID, attr_set, attr_clr);
  map_flag (o, MS_NODEV, MOUNT_ATTR_NODEV, attr_set, attr_clr);
  map_flag (o, MS_NOEXEC, MOUNT_ATTR_NOEXEC, attr_set, attr_clr);
  map_flag (o, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, attr_set, attr_clr);
  map_flag (o, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW, attr_set, attr_clr);
  /* The atime mode is one field: touch it only if an option named it,
     otherwise the source's mode (possibly locked) is kept. */
  if ((o->flags | o->cleared) & atime)
    {
      *attr_clr |= MOUNT_ATTR__ATIME;
      if (o->flags & MS_STRICTATIME)
        *attr_set |= MOUNT_ATTR_STRICTATIME;
      else if (o->flags & MS_NOATIME)
        *attr_set |= MOUNT_ATTR_NOATIME;
      else
        *attr_set |= MOUNT_ATTR_RELATIME;
    }
}

unsigned long
ocirun_propagation_from_string (const char *s)
{
  const struct ocirun_mount_option *opt = ocirun_mount_option_lookup (s);

  return opt ? opt->propagation : 0;
}
