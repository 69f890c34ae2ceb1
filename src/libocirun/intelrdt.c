/* intelrdt.c - linux.intelRdt host check (see intelrdt.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cleanup.h"
#include "libocirun/intelrdt.h"
#include "libocirun/log.h"

/* Copy the mountinfo field src (up to a space) into buf, decoding the
 * kernel's \ooo escapes.  False if it does not fit. */
static bool
unescape_field (const char *src, char *buf, size_t len)
{
  size_t n = 0;

  while (*src && *src != ' ' && *src != '\n')
    {
      char c = *src++;

      if (c == '\\' && src[0] >= '0' && src[0] <= '3' && src[1] >= '0'
          && src[1] <= '7' && src[2] >= '0' && src[2] <= '7')
        {
          c = (char)((src[0] - '0') * 64 + (src[1] - '0') * 8
                     + (src[2] - '0'));
          src += 3;
        }
      if (n + 1 >= len)
        return false;
      buf[n++] = c;
    }
  buf[n] = '\0';
  return true;
}

int
ocirun_resctrl_mount_point (const char *mountinfo, char *buf, size_t len,
                            struct ocirun_error *err)
{
  cleanup_fclose FILE *f = fopen (mountinfo, "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return ocirun_error_errno (err, "open `%s`", mountinfo);
  errno = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE ... */
      const char *sep = strstr (line, " - ");
      const char *p = line;

      if (sep == NULL || strncmp (sep + 3, "resctrl ", 8) != 0)
        continue;
      for (int field = 0; field < 4 && p; field++)
        {
          p = strchr (p, ' ');
          if (p)
            p++;
        }
      if (p == NULL || p > sep)
        continue;
      if (!unescape_field (p, buf, len))
        return ocirun_error_set (err, ENAMETOOLONG,
                                 "resctrl mount point in `%s`", mountinfo);
      return 1;
    }
  if (ferror (f))
    return ocirun_error_errno (err, "read `%s`", mountinfo);
  return 0;
}

int
ocirun_intelrdt_validate (const struct oci_config *cfg,
                          struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;
  char where[4096];
  int r;

  if (l == NULL || l->intel_rdt == NULL)
    return 0;
  r = ocirun_resctrl_mount_point ("/proc/self/mountinfo", where, sizeof where,
                                  err);
  if (r < 0)
    return ocirun_error_prefix (err, "config.json: linux.intelRdt");
  if (r == 0)
    return ocirun_error_set (err, ENOENT,
                             "config.json: linux.intelRdt: no resctrl "
                             "filesystem is mounted in the runtime's mount "
                             "namespace (mount -t resctrl resctrl "
                             "/sys/fs/resctrl)");
  ocirun_debug ("resctrl mounted at `%s`", where);
  return ocirun_error_set (err, EOPNOTSUPP,
                           "config.json: linux.intelRdt: not supported: "
                           "ocirun does not assign containers to resctrl "
                           "groups (resctrl is mounted at `%s`)",
                           where);
}
