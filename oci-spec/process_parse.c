/* process_parse.c - the "process" object of config.json, also the whole
 * document of `exec --process process.json`. */
#include <errno.h>
#include <stdlib.h>

#include "libocirun/cleanup.h"
#include "oci-spec/json_tree.h"
#include "oci-spec/parse_internal.h"

static const char *const scheduler_policies[]
    = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
        "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL };

static const char *const scheduler_flags[]
    = { "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
        "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
        "SCHED_FLAG_UTIL_CLAMP_MAX", NULL };

static const char *const ioprio_classes[]
    = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };

static int
parse_console_size (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_console_size *cs = dst;
  if (p_u64 (p, o, "height", P_REQUIRED, &cs->height) < 0
      || p_u64 (p, o, "width", P_REQUIRED, &cs->width) < 0)
    return -1;
  return 0;
}

static int
parse_user (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_user *u = dst;
  /* uid/gid are REQUIRED by config.md but not by the schema, and runc
   * treats them as 0 when absent: accept that. */
  if (p_u32 (p, o, "uid", 0, &u->uid) < 0
      || p_u32 (p, o, "gid", 0, &u->gid) < 0
      || p_opt_u32 (p, o, "umask", &u->umask) < 0
      || p_u32v (p, o, "additionalGids", &u->additional_gids,
                 &u->additional_gids_len)
             < 0
      || p_string (p, o, "username", 0, &u->username) < 0)
    return -1;
  return 0;
}

static int
parse_capabilities (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_capabilities *c = dst;
  if (p_strv (p, o, "bounding", 0, &c->bounding, &c->bounding_len) < 0
      || p_strv (p, o, "effective", 0, &c->effective, &c->effective_len) < 0
      || p_strv (p, o, "inheritable", 0, &c->inheritable, &c->inheritable_len)
             < 0
      || p_strv (p, o, "permitted", 0, &c->permitted, &c->permitted_len) < 0
      || p_strv (p, o, "ambient", 0, &c->ambient, &c->ambient_len) < 0)
    return -1;
  return 0;
}

static int
parse_rlimit (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_rlimit *r = dst;
  if (p_string (p, o, "type", P_REQUIRED, &r->type) < 0
      || p_u64 (p, o, "soft", P_REQUIRED, &r->soft) < 0
      || p_u64 (p, o, "hard", P_REQUIRED, &r->hard) < 0)
    return -1;
  return 0;
}

static int
parse_scheduler (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_scheduler *s = dst;
  if (p_choice (p, o, "policy", P_REQUIRED, scheduler_policies,
                "scheduler policy", &s->policy)
          < 0
      || p_opt_i32 (p, o, "nice", &s->nice) < 0
      || p_opt_i32 (p, o, "priority", &s->priority) < 0
      || p_choice_strv (p, o, "flags", scheduler_flags, "scheduler flag",
                        &s->flags, &s->flags_len)
             < 0
      || p_opt_u64 (p, o, "runtime", &s->runtime) < 0
      || p_opt_u64 (p, o, "deadline", &s->deadline) < 0
      || p_opt_u64 (p, o, "period", &s->period) < 0)
    return -1;
  return 0;
}

static int
parse_io_priority (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_io_priority *io = dst;
  if (p_choice (p, o, "class", P_REQUIRED, ioprio_classes,
                "I/O priority class", &io->class_)
          < 0
      || p_opt_i32 (p, o, "priority", &io->priority) < 0)
    return -1;
  return 0;
}

static int
parse_exec_cpu_affinity (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_exec_cpu_affinity *a = dst;
  if (p_string (p, o, "initial", 0, &a->initial) < 0
      || p_string (p, o, "final", 0, &a->final) < 0)
    return -1;
  return 0;
}

int
oci_parse_process_obj (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_process *pr = dst;
  if (p_opt_bool (p, o, "terminal", &pr->terminal) < 0
      || p_object (p, o, "consoleSize", 0, sizeof *pr->console_size,
                   (void **)&pr->console_size, parse_console_size)
             < 0)
    return -1;

  /* user is embedded, not a pointer: parse in place. */
  const struct oci_json *user = oci_json_get (o, "user");
  if (user)
    {
      size_t old = pctx_push_key (p, "user", 4);
      int r = pctx_expect (p, user, OCI_JSON_OBJECT, "an object");
      if (r == 0)
        r = parse_user (p, user, &pr->user);
      pctx_pop (p, old);
      if (r < 0)
        return -1;
    }

  if (p_strv (p, o, "args", 0, &pr->args, &pr->args_len) < 0
      || p_string (p, o, "commandLine", 0, &pr->command_line) < 0
      || p_strv (p, o, "env", 0, &pr->env, &pr->env_len) < 0
      /* config.md: cwd REQUIRED, "MUST be an absolute path". */
      || p_string (p, o, "cwd", P_REQUIRED | P_ABSOLUTE, &pr->cwd) < 0
      || p_object (p, o, "capabilities", 0, sizeof *pr->capabilities,
                   (void **)&pr->capabilities, parse_capabilities)
             < 0
      || p_object_array (p, o, "rlimits", 0, sizeof *pr->rlimits,
                         (void **)&pr->rlimits, &pr->rlimits_len, parse_rlimit)
             < 0
      || p_opt_bool (p, o, "noNewPrivileges", &pr->no_new_privileges) < 0
      || p_string (p, o, "apparmorProfile", 0, &pr->apparmor_profile) < 0
      || p_opt_i32 (p, o, "oomScoreAdj", &pr->oom_score_adj) < 0
      || p_object (p, o, "scheduler", 0, sizeof *pr->scheduler,
                   (void **)&pr->scheduler, parse_scheduler)
             < 0
      || p_string (p, o, "selinuxLabel", 0, &pr->selinux_label) < 0
      || p_object (p, o, "ioPriority", 0, sizeof *pr->io_priority,
                   (void **)&pr->io_priority, parse_io_priority)
             < 0
      || p_object (p, o, "execCPUAffinity", 0, sizeof *pr->exec_cpu_affinity,
                   (void **)&pr->exec_cpu_affinity, parse_exec_cpu_affinity)
             < 0)
    return -1;
  return 0;
}

int
oci_process_parse_data (const char *buf, size_t len, const char *filename,
                        struct oci_process **out, struct ocirun_error *err)
{
  struct oci_process *pr = calloc (1, sizeof *pr);
  if (pr == NULL)
    return ocirun_error_set (err, ENOMEM, "%s: parse",
                             filename ? filename : "process.json");
  if (oci_parse_document (buf, len, filename ? filename : "process.json", err,
                          oci_parse_process_obj, pr)
      < 0)
    {
      oci_process_free (pr);
      return -1;
    }
  *out = pr;
  return 0;
}

int
oci_process_parse_file (const char *path, struct oci_process **out,
                        struct ocirun_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (oci_json_read_file (path, &buf, &len, err) < 0)
    return -1;
  return oci_process_parse_data (buf, len, oci_json_basename (path), out, err);
}
