/* cgroup_path.c - from linux.cgroupsPath to one directory per hierarchy.
 *
 * runc's cgroupfs rules: an absolute path is taken from each hierarchy's
 * root; a relative one (and the default "<id>") from the runtime's own
 * cgroup in that hierarchy.  On pure v2 it is the parent of our own
 * cgroup, because ours holds processes and so cannot delegate controllers
 * to a child (no-internal-process rule). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

char *
cg_clean_path (const char *cgroups_path, const char *id)
{
  const char *src = (cgroups_path && *cgroups_path) ? cgroups_path : id;
  size_t len = strlen (src);
  char *out = malloc (len + 2);
  size_t o = 0;
  bool absolute = src[0] == '/';
  const char *p = src;

  if (out == NULL)
    return NULL;
  if (absolute)
    out[o++] = '/';
  while (*p)
    {
      size_t seg = strcspn (p, "/");

      if (seg == 0 || (seg == 1 && p[0] == '.'))
        ;
      else if (seg == 2 && p[0] == '.' && p[1] == '.')
        {
          /* Drop the last component; never climb above the start. */
          size_t floor = absolute ? 1 : 0;
          while (o > floor && out[o - 1] != '/')
            o--;
          if (o > floor)
            o--;
        }
      else
        {
          if (o > 0 && out[o - 1] != '/')
            out[o++] = '/';
          memcpy (out + o, p, seg);
          o += seg;
        }
      p += seg;
      if (*p == '/')
        p++;
    }
  out[o] = '\0';
  return out;
}

/* base + "/" + rel without doubled or trailing slashes. */
static char *
join3 (const char *mount, const char *mid, const char *inner)
{
  char *r = NULL;
  const char *sep1 = "", *sep2 = "";

  if (mid == NULL || strcmp (mid, "/") == 0)
    mid = "";
  if (*mid && mid[0] != '/')
    sep1 = "/";
  while (*inner == '/')
    inner++;
  if (*inner)
    sep2 = "/";
  if (asprintf (&r, "%s%s%s%s%s", mount, sep1, mid, sep2, inner) < 0)
    return NULL;
  return r;
}

static char *
parent_of (const char *own)
{
  char *d = strdup (own ? own : "/");
  char *slash;

  if (d == NULL)
    return NULL;
  slash = strrchr (d, '/');
  if (slash == NULL || slash == d)
    strcpy (d, "/");
  else
    *slash = '\0';
  return d;
}

int
cg_resolve (struct ocirun_cgroup *cg, const struct cg_host *h,
            const char *inner, struct ocirun_error *err)
{
  bool absolute = inner[0] == '/';

  cg->mode = h->mode;
  for (int i = 0; i < CG_NCTRL; i++)
    {
      if (h->v1_mount[i] == NULL)
        continue;
      cg->v1_path[i]
          = join3 (h->v1_mount[i], absolute ? NULL : h->v1_own[i], inner);
      if (cg->v1_path[i] == NULL)
        return ocirun_error_errno (err, "cgroup: resolve path");
    }
  if (h->unified_mount)
    {
      cleanup_free char *base = NULL;

      if (!absolute)
        {
          base = h->mode == OCIRUN_CGROUP_V2
                     ? parent_of (h->unified_own)
                     : strdup (h->unified_own ? h->unified_own : "/");
          if (base == NULL)
            return ocirun_error_errno (err, "cgroup: resolve path");
        }
      cg->unified_path = join3 (h->unified_mount, base, inner);
      if (cg->unified_path == NULL)
        return ocirun_error_errno (err, "cgroup: resolve path");
      cg->v2_ctrls = h->v2_avail;
    }
  return 0;
}

size_t
cg_dirs (const struct ocirun_cgroup *cg, const char **out, size_t max)
{
  size_t n = 0;

  for (int i = 0; i < CG_NCTRL; i++)
    {
      bool dup = false;

      if (cg->v1_path[i] == NULL)
        continue;
      for (size_t j = 0; j < n && !dup; j++)
        dup = strcmp (out[j], cg->v1_path[i]) == 0;
      if (!dup && n < max)
        out[n++] = cg->v1_path[i];
    }
  if (cg->unified_path && n < max)
    out[n++] = cg->unified_path;
  return n;
}
