/* cgroup_devices.c - the device access rules a container gets.
 *
 * config rules first, then what every container needs (the same default
 * list runc 1.1 appends: mknod of anything, the standard character
 * devices, ptys, tun), then the linux.devices nodes the runtime creates.
 * Evaluated last-match-wins, so a config cannot deny the defaults. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cgroup_internal.h"

static const struct cg_dev_rule default_rules[] = {
  { true, 'c', -1, -1, CG_DEV_M },
  { true, 'b', -1, -1, CG_DEV_M },
  { true, 'c', 1, 3, CG_DEV_R | CG_DEV_W | CG_DEV_M },    /* null */
  { true, 'c', 1, 8, CG_DEV_R | CG_DEV_W | CG_DEV_M },    /* random */
  { true, 'c', 1, 7, CG_DEV_R | CG_DEV_W | CG_DEV_M },    /* full */
  { true, 'c', 5, 0, CG_DEV_R | CG_DEV_W | CG_DEV_M },    /* tty */
  { true, 'c', 1, 5, CG_DEV_R | CG_DEV_W | CG_DEV_M },    /* zero */
  { true, 'c', 1, 9, CG_DEV_R | CG_DEV_W | CG_DEV_M },    /* urandom */
  { true, 'c', 136, -1, CG_DEV_R | CG_DEV_W | CG_DEV_M }, /* pts/N */
  { true, 'c', 5, 2, CG_DEV_R | CG_DEV_W | CG_DEV_M },    /* ptmx */
  { true, 'c', 10, 200, CG_DEV_R | CG_DEV_W | CG_DEV_M }, /* net/tun */
};

#define N_DEFAULT (sizeof default_rules / sizeof default_rules[0])

static int
parse_access (const char *s, unsigned *out, struct ocirun_error *err)
{
  *out = 0;
  if (s == NULL || *s == '\0')
    {
      *out = CG_DEV_R | CG_DEV_W | CG_DEV_M;
      return 0;
    }
  for (; *s; s++)
    switch (*s)
      {
      case 'r':
        *out |= CG_DEV_R;
        break;
      case 'w':
        *out |= CG_DEV_W;
        break;
      case 'm':
        *out |= CG_DEV_M;
        break;
      default:
        return ocirun_error_set (err, EINVAL,
                                 "cgroup: device access \"%s\": only r, w "
                                 "and m are allowed",
                                 s);
      }
  return 0;
}

/* 'a', 'c', 'b', or 0 for rules the device cgroup does not check. */
static char
rule_type (enum oci_device_type t)
{
  switch (t)
    {
    case OCI_DEVICE_NONE:
    case OCI_DEVICE_ALL:
      return 'a';
    case OCI_DEVICE_CHAR:
    case OCI_DEVICE_UNBUFFERED:
      return 'c';
    case OCI_DEVICE_BLOCK:
      return 'b';
    case OCI_DEVICE_FIFO:
    default:
      return 0;
    }
}

int
cg_dev_rules_build (const struct oci_device_cgroup *devices, size_t n_devices,
                    const struct oci_device *linux_devices,
                    size_t n_linux_devices, struct cg_dev_rule **rules,
                    size_t *n, struct ocirun_error *err)
{
  struct cg_dev_rule *r
      = calloc (n_devices + N_DEFAULT + n_linux_devices + 1, sizeof *r);
  size_t k = 0;

  if (r == NULL)
    return ocirun_error_errno (err, "cgroup: device rules");
  for (size_t i = 0; i < n_devices; i++)
    {
      const struct oci_device_cgroup *d = &devices[i];
      char t = rule_type (d->type);

      if (t == 0)
        continue;
      r[k].allow = d->allow;
      r[k].type = t;
      r[k].major = d->major.set ? d->major.value : -1;
      r[k].minor = d->minor.set ? d->minor.value : -1;
      if (parse_access (d->access, &r[k].access, err) < 0)
        {
          free (r);
          return ocirun_error_prefix (err, "linux.resources.devices[%zu]", i);
        }
      k++;
    }
  memcpy (r + k, default_rules, sizeof default_rules);
  k += N_DEFAULT;
  for (size_t i = 0; i < n_linux_devices; i++)
    {
      const struct oci_device *d = &linux_devices[i];
      char t = rule_type (d->type);

      if (t == 0 || t == 'a')
        continue;
      r[k].allow = true;
      r[k].type = t;
      r[k].major = d->major.set ? d->major.value : -1;
      r[k].minor = d->minor.set ? d->minor.value : -1;
      r[k].access = CG_DEV_R | CG_DEV_W | CG_DEV_M;
      k++;
    }
  *rules = r;
  *n = k;
  return 0;
}

static void
format_num (char *buf, size_t len, int64_t v)
{
  if (v < 0)
    snprintf (buf, len, "*");
  else
    snprintf (buf, len, "%" PRId64, v);
}

void
cg_dev_rule_format (const struct cg_dev_rule *r, char *buf, size_t len)
{
  char maj[24], min[24], acc[4];
  size_t a = 0;

  format_num (maj, sizeof maj, r->major);
  format_num (min, sizeof min, r->minor);
  if (r->access & CG_DEV_R)
    acc[a++] = 'r';
  if (r->access & CG_DEV_W)
    acc[a++] = 'w';
  if (r->access & CG_DEV_M)
    acc[a++] = 'm';
  acc[a] = '\0';
  snprintf (buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}
