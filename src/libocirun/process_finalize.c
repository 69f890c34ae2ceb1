/* process_finalize.c - the last steps of the container process before
 * execve, in the one order that works:
 *
 *  1. LSM exec labels, while still root with every capability (writing
 *     attr/exec only takes effect at execve anyway).
 *  2. PR_SET_KEEPCAPS, so that setresuid() to a non-root user keeps the
 *     permitted set we still have to shape.
 *  3. Bounding set drop: needs CAP_SETPCAP, i.e. before the uid change
 *     empties the effective set.
 *  4. setgroups, setresgid, setresuid (and umask).
 *  5. noNewPrivileges false: seccomp now.  The kernel then demands
 *     CAP_SYS_ADMIN, so it is raised from the (kept) permitted set into the
 *     effective set for the load.  Only capset and prctl remain after it.
 *  6. capset effective/permitted/inheritable, then the ambient raise
 *     (needs the capability in permitted and inheritable).
 *  7. PR_SET_NO_NEW_PRIVS.
 *  8. noNewPrivileges true: seccomp now, as late as possible: after it only
 *     the notify send (if any) and the engine's execve run.
 *
 * Nothing after the seccomp load allocates or logs: a profile may forbid
 * what the runtime would need for that. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libocirun/caps.h"
#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/lsm.h"
#include "libocirun/seccomp.h"
#include "libocirun/seccomp_notify.h"
#include "libocirun/security.h"

struct ocirun_security
{
  struct ocirun_seccomp_bpf *bpf; /* borrowed from the compile cache */
  int listener_fd;                /* connected listenerPath, or -1 */
  int host_proc_fd;               /* O_PATH /proc of the runtime, or -1 */
};

/* The last compiled program: validate() compiles (so a broken profile
 * fails before fork), prepare()/finalize() reuse it; the forked child
 * inherits it. */
static struct
{
  const struct oci_seccomp *src;
  struct ocirun_seccomp_bpf *bpf;
} compiled;

/* Where compiled programs are cached (seccomp_cache.c):
 * OCIRUN_SECCOMP_CACHE=/dir overrides, =0 disables; else a private
 * directory under /run (root) or $XDG_RUNTIME_DIR (rootless). */
static const char *
seccomp_cache_dir (void)
{
  static char path[4096];
  const char *e = getenv ("OCIRUN_SECCOMP_CACHE");
  const char *xdg;

  if (e && strcmp (e, "0") == 0)
    return NULL;
  if (e && e[0] == '/')
    return e;
  if (geteuid () == 0)
    return "/run/ocirun-seccomp-cache";
  xdg = getenv ("XDG_RUNTIME_DIR");
  if (xdg == NULL || xdg[0] != '/')
    return NULL;
  snprintf (path, sizeof path, "%s/ocirun-seccomp-cache", xdg);
  return path;
}

static int
get_bpf (const struct oci_seccomp *s, struct ocirun_seccomp_bpf **out,
         struct ocirun_error *err)
{
  struct ocirun_seccomp_bpf *b;

  if (compiled.src == s && compiled.bpf)
    {
      *out = compiled.bpf;
      return 0;
    }
  if (ocirun_seccomp_compile_cached (s, seccomp_cache_dir (), &b, err) < 0)
    return -1;
  ocirun_seccomp_bpf_free (compiled.bpf);
  compiled.src = s;
  compiled.bpf = b;
  *out = b;
  return 0;
}

static const struct oci_seccomp *
config_seccomp (const struct oci_config *cfg)
{
  return cfg && cfg->linux_ ? cfg->linux_->seccomp : NULL;
}

int
ocirun_security_validate_process (const struct oci_process *p,
                                  const char *what, struct ocirun_error *err)
{
  char path[256];

  if (p == NULL)
    return 0;
  snprintf (path, sizeof path, "%s%scapabilities", what,
            ocirun_path_sep (what));
  if (ocirun_caps_validate (p->capabilities, path, err) < 0)
    return -1;
  return ocirun_lsm_validate (p, what, err);
}

int
ocirun_security_validate (const struct oci_config *cfg,
                          struct ocirun_error *err)
{
  const struct oci_seccomp *s = config_seccomp (cfg);
  struct ocirun_seccomp_bpf *unused;

  if (ocirun_security_validate_process (cfg->process, "config.json: process",
                                        err)
      < 0)
    return -1;
  if (s == NULL)
    return 0;
  if (ocirun_seccomp_validate (s, "config.json: linux.seccomp", err) < 0)
    return -1;
  if (get_bpf (s, &unused, err) < 0)
    return ocirun_error_prefix (err, "config.json: linux.seccomp");
  return 0;
}

static struct ocirun_security *
security_new (void)
{
  struct ocirun_security *sec = calloc (1, sizeof *sec);

  if (sec)
    {
      sec->listener_fd = -1;
      sec->host_proc_fd = -1;
    }
  return sec;
}

static int
prepare_listener (struct ocirun_security *sec, const struct oci_seccomp *s,
                  struct ocirun_error *err)
{
  if (!sec->bpf->notify || sec->listener_fd >= 0)
    return 0;
  sec->listener_fd = ocirun_seccomp_listener_connect (s->listener_path, err);
  if (sec->listener_fd < 0)
    return -1;
  /* The child reads its host pid through this (readlink "self"): it is
   * the pid the agent can use, whatever pid namespace the child is in. */
  sec->host_proc_fd = ocirun_open_procfs ("/proc", O_PATH | O_DIRECTORY, err);
  return sec->host_proc_fd < 0 ? -1 : 0;
}

int
ocirun_security_prepare (struct ocirun_container *c, struct ocirun_error *err)
{
  const struct oci_seccomp *s = config_seccomp (c->config);

  if (c->security == NULL)
    {
      c->security = security_new ();
      if (c->security == NULL)
        return ocirun_error_errno (err, "calloc");
    }
  if (s == NULL)
    return 0;
  if (c->security->bpf == NULL)
    {
      if (ocirun_seccomp_validate (s, "config.json: linux.seccomp", err) < 0)
        return -1;
      if (get_bpf (s, &c->security->bpf, err) < 0)
        return ocirun_error_prefix (err, "config.json: linux.seccomp");
    }
  return prepare_listener (c->security, s, err);
}

void
ocirun_security_release (struct ocirun_container *c)
{
  struct ocirun_security *sec = c->security;

  if (sec == NULL)
    return;
  if (sec->listener_fd >= 0)
    close (sec->listener_fd);
  if (sec->host_proc_fd >= 0)
    close (sec->host_proc_fd);
  free (sec);
  c->security = NULL;
  ocirun_seccomp_bpf_free (compiled.bpf);
  compiled.bpf = NULL;
  compiled.src = NULL;
}

bool
ocirun_security_keep_fd (const struct ocirun_container *c, int fd)
{
  const struct ocirun_security *sec = c->security;

  return sec && fd >= 0 && (fd == sec->listener_fd || fd == sec->host_proc_fd);
}

/* ---- credentials ------------------------------------------------------ */

static bool
setgroups_denied (void)
{
  char buf[16] = "";
  ssize_t n;
  int fd;

  fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  return n > 0 && strncmp (buf, "deny", 4) == 0;
}

static int
set_groups (const struct oci_user *u, struct ocirun_error *err)
{
  gid_t *gids = (gid_t *)u->additional_gids;

  /* An empty list still matters: it drops the supplementary groups the
   * runtime inherited from the host (root's groups). */
  if (setgroups (u->additional_gids_len, gids) == 0)
    return 0;
  if (errno == EPERM && setgroups_denied ())
    {
      if (u->additional_gids_len > 0)
        return ocirun_error_set (err, EPERM,
                                 "process.user.additionalGids: setgroups is "
                                 "denied in this user namespace");
      ocirun_debug ("setgroups denied in the user namespace: skipped");
      return 0;
    }
  return ocirun_error_errno (err, "setgroups");
}

static int
set_ids (const struct oci_process *p, struct ocirun_error *err)
{
  const struct oci_user *u = &p->user;

  _Static_assert(sizeof (gid_t) == sizeof (uint32_t), "gid_t is 32-bit");
  if (set_groups (u, err) < 0)
    return -1;
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return ocirun_error_errno (err, "setresgid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return ocirun_error_errno (err, "setresuid %u", u->uid);
  if (u->umask.set)
    umask (u->umask.value & 0777);
  return 0;
}

/* ---- seccomp ---------------------------------------------------------- */

static pid_t
host_pid (const struct ocirun_container *c, const struct ocirun_security *sec)
{
  char buf[32];
  ssize_t n;

  if (c->pid > 0)
    return c->pid;
  if (sec->host_proc_fd >= 0)
    {
      n = readlinkat (sec->host_proc_fd, "self", buf, sizeof buf - 1);
      if (n > 0)
        {
          buf[n] = '\0';
          return (pid_t)atoi (buf);
        }
    }
  return getpid ();
}

static int
notify_payload (const struct ocirun_container *c,
                const struct ocirun_security *sec, const struct oci_process *p,
                char **json, size_t *len, struct ocirun_error *err)
{
  const struct oci_seccomp *s = config_seccomp (c->config);
  struct ocirun_notify_state st = {
    .id = c->id,
    .bundle = c->bundle,
    /* The init process runs while the container is being created; any
     * other process is an `exec` into a created/running container. */
    .status = p == c->config->process ? "creating" : "running",
    .pid = host_pid (c, sec),
    .metadata = s->listener_metadata,
    .annotations = c->config->annotations,
    .annotations_len = c->config->annotations_len,
  };

  return ocirun_seccomp_notify_payload (&st, json, len, err);
}

/* Load the filter; with a NOTIFY rule the payload was built before, and
 * the send is the very next syscall. */
static int
load_seccomp (struct ocirun_container *c, struct ocirun_security *sec,
              const struct oci_process *p, struct ocirun_error *err)
{
  cleanup_free char *payload = NULL;
  size_t len = 0;
  int notify_fd, r;

  if (sec->bpf->notify)
    {
      if (sec->listener_fd < 0)
        return ocirun_error_set (err, EINVAL,
                                 "seccomp listenerPath is not "
                                 "connected (ocirun_security_prepare was "
                                 "not called before fork)");
      if (notify_payload (c, sec, p, &payload, &len, err) < 0)
        return -1;
    }
  if (ocirun_seccomp_load (sec->bpf, &notify_fd, err) < 0)
    return -1;
  if (notify_fd < 0)
    return 0;
  r = ocirun_seccomp_notify_send (sec->listener_fd, notify_fd, payload, len,
                                  err);
  /* The agent owns the notify fd now; the container must not keep it. */
  close (notify_fd);
  close (sec->listener_fd);
  sec->listener_fd = -1;
  return r;
}

/* noNewPrivileges false: the kernel wants CAP_SYS_ADMIN for the load.
 * Raise it (and everything permitted) into the effective set for the
 * moment; the capset that follows sets the final sets. */
static int
load_seccomp_privileged (struct ocirun_container *c,
                         struct ocirun_security *sec,
                         const struct oci_process *p, bool has_caps,
                         struct ocirun_error *err)
{
  uint64_t eff, perm, inh;

  if (ocirun_caps_get (&eff, &perm, &inh, err) < 0)
    return -1;
  if (!(perm & (UINT64_C (1) << CAP_SYS_ADMIN)))
    return ocirun_error_set (err, EPERM,
                             "loading seccomp without noNewPrivileges needs "
                             "CAP_SYS_ADMIN");
  if (eff != perm && ocirun_caps_set (perm, perm, inh, err) < 0)
    return -1;
  if (load_seccomp (c, sec, p, err) < 0)
    return -1;
  /* Without a capabilities object nothing else will reset the effective
   * set: put back what the uid change left. */
  if (!has_caps && eff != perm)
    return ocirun_caps_set (eff, perm, inh, err);
  return 0;
}

/* ---- the sequence ----------------------------------------------------- */

static struct ocirun_security *
ensure_security (struct ocirun_container *c, struct ocirun_error *err)
{
  const struct oci_seccomp *s = config_seccomp (c->config);

  if (c->security == NULL || (s && c->security->bpf == NULL))
    {
      /* prepare() was not called before fork: compile here, inside the
       * container (slower, and listenerPath may be unreachable). */
      if (ocirun_security_prepare (c, err) < 0)
        return NULL;
    }
  return c->security;
}

static int
apply_caps (const struct ocirun_capset *cs, struct ocirun_error *err)
{
  if (ocirun_caps_set (cs->effective, cs->permitted, cs->inheritable, err) < 0)
    return -1;
  return ocirun_caps_set_ambient (cs->ambient, err);
}

int
ocirun_process_finalize (struct ocirun_container *c,
                         const struct oci_process *p, struct ocirun_error *err)
{
  struct ocirun_security *sec;
  struct ocirun_capset cs;
  bool has_caps = p->capabilities != NULL;
  bool nnp = p->no_new_privileges.set && p->no_new_privileges.value;

  sec = ensure_security (c, err);
  if (sec == NULL)
    return -1;
  if (ocirun_lsm_apply (p, err) < 0)
    return -1;
  if (ocirun_caps_resolve (p->capabilities, &cs, err) < 0)
    return -1;
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return ocirun_error_errno (err, "prctl (PR_SET_KEEPCAPS)");
  if (has_caps && ocirun_caps_drop_bounding (cs.bounding, err) < 0)
    return -1;
  if (set_ids (p, err) < 0)
    return -1;
  if (sec->bpf && !nnp
      && load_seccomp_privileged (c, sec, p, has_caps, err) < 0)
    return -1;
  if (has_caps && apply_caps (&cs, err) < 0)
    return -1;
  if (nnp && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return ocirun_error_errno (err, "prctl (PR_SET_NO_NEW_PRIVS)");
  if (sec->bpf && nnp && load_seccomp (c, sec, p, err) < 0)
    return -1;
  return 0;
}
