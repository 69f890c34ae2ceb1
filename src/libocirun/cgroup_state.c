/* cgroup_state.c - what later commands need to find the container's
 * cgroups again: <state_dir>/cgroup, plain text, one "key value" a line:
 *
 *   mode hybrid
 *   memory /sys/fs/cgroup/memory/c1
 *   unified /sys/fs/cgroup/unified/c1
 *
 * Paths are stored resolved, so a later command does not depend on the
 * cgroup it runs in (runc's relative paths are relative to the caller). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

#define STATE_FILE "cgroup"

static const char *
mode_name (enum ocirun_cgroup_mode m)
{
  return m == OCIRUN_CGROUP_V1       ? "v1"
         : m == OCIRUN_CGROUP_HYBRID ? "hybrid"
                                     : "v2";
}

static int
format_state (const struct ocirun_cgroup *cg, char **out)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  if (f == NULL)
    return -1;
  fprintf (f, "mode %s\n", mode_name (cg->mode));
  for (int i = 0; i < CG_NCTRL; i++)
    if (cg->v1_path[i])
      fprintf (f, "%s %s\n", cg_ctrl_name (i), cg->v1_path[i]);
  if (cg->unified_path)
    fprintf (f, "unified %s\n", cg->unified_path);
  fprintf (f, "v2ctrls %u\n", cg->v2_ctrls);
  if (fclose (f) != 0)
    {
      free (buf);
      return -1;
    }
  *out = buf;
  return 0;
}

int
ocirun_cgroup_save (struct ocirun_container *c, struct ocirun_error *err)
{
  cleanup_free char *text = NULL;
  char tmp[4096], path[4096];
  cleanup_close int fd = -1;
  size_t len;

  /* create() already saved when the state dir existed: paths never
   * change afterwards. */
  if (c->cgroup == NULL || c->cgroup->saved)
    return 0;
  if (format_state (c->cgroup, &text) < 0)
    return ocirun_error_errno (err, "cgroup: save state");
  snprintf (tmp, sizeof tmp, "%s/.%s.tmp", c->state_dir, STATE_FILE);
  snprintf (path, sizeof path, "%s/%s", c->state_dir, STATE_FILE);
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return ocirun_error_errno (err, "cgroup: save state: open %s", tmp);
  len = strlen (text);
  if (write (fd, text, len) != (ssize_t)len)
    return ocirun_error_errno (err, "cgroup: save state: write %s", tmp);
  if (rename (tmp, path) < 0)
    return ocirun_error_errno (err, "cgroup: save state: rename %s", path);
  c->cgroup->saved = true;
  return 0;
}

void
cg_unsave (struct ocirun_container *c)
{
  char path[4096];

  if (c->cgroup == NULL || !c->cgroup->saved || c->state_dir == NULL)
    return;
  snprintf (path, sizeof path, "%s/%s", c->state_dir, STATE_FILE);
  unlink (path);
  c->cgroup->saved = false;
}

static int
parse_line (struct ocirun_cgroup *cg, char *line, struct ocirun_error *err)
{
  char *sp = strchr (line, ' ');
  int ctrl;

  if (sp == NULL)
    return 0;
  *sp++ = '\0';
  if (strcmp (line, "mode") == 0)
    {
      cg->mode = strcmp (sp, "v1") == 0       ? OCIRUN_CGROUP_V1
                 : strcmp (sp, "hybrid") == 0 ? OCIRUN_CGROUP_HYBRID
                                              : OCIRUN_CGROUP_V2;
      return 0;
    }
  if (strcmp (line, "v2ctrls") == 0)
    {
      cg->v2_ctrls = (unsigned)strtoul (sp, NULL, 10);
      return 0;
    }
  if (strcmp (line, "unified") == 0)
    {
      free (cg->unified_path);
      cg->unified_path = strdup (sp);
      return cg->unified_path ? 0 : ocirun_error_errno (err, "cgroup");
    }
  ctrl = cg_ctrl_from_name (line);
  if (ctrl < 0)
    return 0; /* written by a newer version: ignore */
  free (cg->v1_path[ctrl]);
  cg->v1_path[ctrl] = strdup (sp);
  return cg->v1_path[ctrl] ? 0 : ocirun_error_errno (err, "cgroup");
}

int
ocirun_cgroup_load (struct ocirun_container *c, struct ocirun_error *err)
{
  cleanup_free char *text = NULL;
  struct ocirun_cgroup *cg;
  char *save = NULL;

  if (c->state_dir == NULL)
    return ocirun_error_set (err, ENOENT, "cgroup: no state directory");
  if (cg_read_all (c->state_dir, STATE_FILE, &text, err) < 0)
    return -1;
  cg = calloc (1, sizeof *cg);
  if (cg == NULL)
    return ocirun_error_errno (err, "cgroup");
  cg->clone_fd = -1;
  for (char *line = strtok_r (text, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save))
    if (parse_line (cg, line, err) < 0)
      {
        ocirun_cgroup_free (cg);
        return -1;
      }
  if (cg->mode == 0)
    cg->mode = OCIRUN_CGROUP_V2;
  cg->ops = cg_ops_for_mode (cg->mode);
  ocirun_cgroup_free (c->cgroup);
  c->cgroup = cg;
  return 0;
}
