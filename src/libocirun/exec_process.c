/* exec_process.c - the process object of `exec`: --process, or the
 * container's process with the command-line overrides. */
#include "libocirun/exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cleanup.h"
#include "libocirun/process.h"

static void
strv_free (char **v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    free (v[i]);
  free (v);
}

/* A NULL-terminated copy of v[0..n). */
static char **
strv_dup (char *const *v, size_t n)
{
  char **r = calloc (n + 1, sizeof *r);

  for (size_t i = 0; r && i < n; i++)
    if ((r[i] = strdup (v[i])) == NULL)
      {
        strv_free (r, i);
        return NULL;
      }
  return r;
}

/* Append v[0..n) to (*dst, *dst_len), skipping names already there. */
static int
strv_add (char ***dst, size_t *dst_len, char *const *v, size_t n)
{
  char **r = realloc (*dst, (*dst_len + n + 1) * sizeof *r);

  if (r == NULL)
    return -1;
  *dst = r;
  for (size_t i = 0; i < n; i++)
    {
      bool dup = false;
      for (size_t j = 0; j < *dst_len && !dup; j++)
        dup = strcmp (r[j], v[i]) == 0;
      if (dup)
        continue;
      if ((r[*dst_len] = strdup (v[i])) == NULL)
        return -1;
      (*dst_len)++;
    }
  r[*dst_len] = NULL;
  return 0;
}

static struct oci_process *
copy_process (const struct oci_process *base, struct ocirun_error *err)
{
  cleanup_free char *json = NULL;
  struct oci_process *p = NULL;
  size_t len;

  /* generate + parse is a deep copy that stays right when the model
   * grows new fields. */
  if (oci_process_generate (base, &json, &len, err) < 0
      || oci_process_parse_data (json, len, "config.json: process", &p, err)
             < 0)
    return NULL;
  return p;
}

static int
set_env (struct oci_process *p, char **env, size_t n, struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    {
      size_t name_len = strcspn (env[i], "=");
      size_t j;

      if (env[i][name_len] != '=')
        return ocirun_error_set (err, EINVAL, "--env `%s`: expected K=V",
                                 env[i]);
      for (j = 0; j < p->env_len; j++)
        if (strncmp (p->env[j], env[i], name_len) == 0
            && p->env[j][name_len] == '=')
          break;
      char *copy = strdup (env[i]);
      if (copy == NULL)
        return ocirun_error_errno (err, "strdup");
      if (j < p->env_len)
        {
          free (p->env[j]);
          p->env[j] = copy;
          continue;
        }
      char **r = realloc (p->env, (p->env_len + 2) * sizeof *r);
      if (r == NULL)
        {
          free (copy);
          return ocirun_error_errno (err, "realloc");
        }
      p->env = r;
      p->env[p->env_len++] = copy;
      p->env[p->env_len] = NULL;
    }
  return 0;
}

static int
parse_u32 (const char *s, uint32_t *out)
{
  char *end;
  unsigned long v;

  errno = 0;
  v = strtoul (s, &end, 10);
  if (errno || end == s || *end || v > UINT32_MAX)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

static int
set_user (struct oci_process *p, const struct ocirun_exec_options *o,
          struct ocirun_error *err)
{
  if (o->user)
    {
      char buf[64];
      char *colon;

      snprintf (buf, sizeof buf, "%s", o->user);
      colon = strchr (buf, ':');
      if (colon)
        *colon++ = '\0';
      if (parse_u32 (buf, &p->user.uid) < 0
          || (colon && parse_u32 (colon, &p->user.gid) < 0))
        return ocirun_error_set (
            err, EINVAL, "--user `%s`: expected UID[:GID] (numbers)", o->user);
    }
  if (o->additional_gids_len > 0)
    {
      uint32_t *g = calloc (o->additional_gids_len, sizeof *g);
      if (g == NULL)
        return ocirun_error_errno (err, "calloc");
      for (size_t i = 0; i < o->additional_gids_len; i++)
        if (parse_u32 (o->additional_gids[i], &g[i]) < 0)
          {
            free (g);
            return ocirun_error_set (err, EINVAL,
                                     "--additional-gids `%s`: not a number",
                                     o->additional_gids[i]);
          }
      free (p->user.additional_gids);
      p->user.additional_gids = g;
      p->user.additional_gids_len = o->additional_gids_len;
    }
  return 0;
}

static int
add_caps (struct oci_process *p, const struct ocirun_exec_options *o,
          struct ocirun_error *err)
{
  struct oci_capabilities *c;

  if (o->caps_len == 0)
    return 0;
  if (p->capabilities == NULL)
    p->capabilities = calloc (1, sizeof *p->capabilities);
  c = p->capabilities;
  if (c == NULL
      || strv_add (&c->bounding, &c->bounding_len, o->caps, o->caps_len) < 0
      || strv_add (&c->effective, &c->effective_len, o->caps, o->caps_len) < 0
      || strv_add (&c->permitted, &c->permitted_len, o->caps, o->caps_len) < 0)
    return ocirun_error_errno (err, "add capabilities");
  /* Ambient needs inheritable: only where the spec set some (runc). */
  if (c->inheritable_len > 0
      && strv_add (&c->ambient, &c->ambient_len, o->caps, o->caps_len) < 0)
    return ocirun_error_errno (err, "add capabilities");
  return 0;
}

static int
replace_str (char **dst, const char *v, struct ocirun_error *err)
{
  char *s = strdup (v);

  if (s == NULL)
    return ocirun_error_errno (err, "strdup");
  free (*dst);
  *dst = s;
  return 0;
}

static int
apply_overrides (struct oci_process *p, const struct ocirun_exec_options *o,
                 struct ocirun_error *err)
{
  char **args = strv_dup (o->args, o->args_len);

  if (args == NULL)
    return ocirun_error_errno (err, "copy args");
  strv_free (p->args, p->args_len);
  p->args = args;
  p->args_len = o->args_len;
  p->terminal.set = true;
  p->terminal.value = o->tty;
  if (set_env (p, o->env, o->env_len, err) < 0 || set_user (p, o, err) < 0
      || add_caps (p, o, err) < 0)
    return -1;
  if (o->cwd && replace_str (&p->cwd, o->cwd, err) < 0)
    return -1;
  if (o->no_new_privs)
    {
      p->no_new_privileges.set = true;
      p->no_new_privileges.value = true;
    }
  if (o->apparmor && replace_str (&p->apparmor_profile, o->apparmor, err) < 0)
    return -1;
  if (o->process_label
      && replace_str (&p->selinux_label, o->process_label, err) < 0)
    return -1;
  return 0;
}

int
ocirun_exec_build_process (const struct oci_process *base,
                           const struct ocirun_exec_options *opts,
                           struct oci_process **out, struct ocirun_error *err)
{
  struct oci_process *p;

  if (opts->process_file)
    {
      if (oci_process_parse_file (opts->process_file, &p, err) < 0)
        return -1;
      if (oci_process_validate (p, err) < 0)
        {
          oci_process_free (p);
          return -1;
        }
      *out = p;
      return 0;
    }
  if (opts->args_len == 0)
    return ocirun_error_set (err, EINVAL, "exec: no command given");
  if (base == NULL)
    return ocirun_error_set (err, EINVAL, "config.json has no process");
  p = copy_process (base, err);
  if (p == NULL)
    return -1;
  if (apply_overrides (p, opts, err) < 0)
    {
      oci_process_free (p);
      return -1;
    }
  *out = p;
  return 0;
}
