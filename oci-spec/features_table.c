/* features_table.c - what this ocirun build supports, for `ocirun
 * features`.
 *
 * ONE PLACE TO FLIP: when an area lands (or drops) a feature, edit the
 * tables and the `support` struct right below; nothing else needs to
 * change.  features.md asks for what the runtime *implements* ("compiled
 * in"), not what the host offers, except seccomp supportedFlags which by
 * definition depends on the kernel and is probed. */
#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci-spec/features.h"
#include "oci-spec/parse_ctx.h"
#include "oci-spec/parse_internal.h"

/* Options the mount code understands (config.md "Linux mount options"),
 * kept alphabetical.  Area: rootfs. */
const char *const ocirun_supported_mount_options[] = { "acl",
                                                       "async",
                                                       "atime",
                                                       "bind",
                                                       "defaults",
                                                       "dev",
                                                       "diratime",
                                                       "dirsync",
                                                       "exec",
                                                       "idmap",
                                                       "iversion",
                                                       "lazytime",
                                                       "loud",
                                                       "mand",
                                                       "noacl",
                                                       "noatime",
                                                       "nodev",
                                                       "nodiratime",
                                                       "noexec",
                                                       "noiversion",
                                                       "nolazytime",
                                                       "nomand",
                                                       "norelatime",
                                                       "nostrictatime",
                                                       "nosuid",
                                                       "nosymfollow",
                                                       "private",
                                                       "ratime",
                                                       "rbind",
                                                       "rdev",
                                                       "rdiratime",
                                                       "relatime",
                                                       "remount",
                                                       "rexec",
                                                       "ridmap",
                                                       "rnoatime",
                                                       "rnodev",
                                                       "rnodiratime",
                                                       "rnoexec",
                                                       "rnorelatime",
                                                       "rnostrictatime",
                                                       "rnosuid",
                                                       "rnosymfollow",
                                                       "ro",
                                                       "rprivate",
                                                       "rrelatime",
                                                       "rro",
                                                       "rrw",
                                                       "rshared",
                                                       "rslave",
                                                       "rstrictatime",
                                                       "rsuid",
                                                       "rsymfollow",
                                                       "runbindable",
                                                       "rw",
                                                       "shared",
                                                       "silent",
                                                       "slave",
                                                       "strictatime",
                                                       "suid",
                                                       "symfollow",
                                                       "sync",
                                                       "tmpcopyup",
                                                       "unbindable",
                                                       NULL };

/* Area: engine. */
static const char *const supported_hooks[] = { "prestart",
                                               "createRuntime",
                                               "createContainer",
                                               "startContainer",
                                               "poststart",
                                               "poststop",
                                               NULL };

/* Area: engine (namespaces). */
static const char *const supported_namespaces[] = { "cgroup",  "ipc", "mount",
                                                    "network", "pid", "time",
                                                    "user",    "uts", NULL };

/* Config annotations that change runtime behaviour.  None yet. */
static const char *const unsafe_annotations[] = { NULL };

/* Feature switches; each names the area that owns it. */
static const struct
{
  bool cgroup_v1;                  /* cgroups */
  bool cgroup_v2;                  /* cgroups */
  bool cgroup_systemd;             /* cgroups */
  bool cgroup_systemd_user;        /* cgroups */
  bool cgroup_rdma;                /* cgroups */
  bool seccomp;                    /* security */
  bool seccomp_wait_killable_recv; /* security: needs raw seccomp(2) or
                                      libseccomp >= 2.6 */
  bool apparmor;                   /* security */
  bool selinux;                    /* security */
  bool intel_rdt;                  /* cgroups */
  bool idmap_mounts;               /* rootfs */
  bool net_devices;                /* network */
  bool memory_policy;              /* rootfs (memory_policy.c) */
} support = {
  .cgroup_v1 = true,
  .cgroup_v2 = true,
  .cgroup_systemd = false,
  .cgroup_systemd_user = false,
  .cgroup_rdma = true,
  .seccomp = true,
  .seccomp_wait_killable_recv = true, /* security: raw seccomp(2) load */
  .apparmor = true,
  .selinux = true,
  .intel_rdt = false, /* refused: see intelrdt.h */
  .idmap_mounts = true,
  .net_devices = true,
  .memory_policy = true, /* rootfs area: memory_policy.c */
};

static const char *const memory_policy_modes[]
    = { "MPOL_DEFAULT",    "MPOL_BIND",
        "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
        "MPOL_PREFERRED",  "MPOL_PREFERRED_MANY",
        "MPOL_LOCAL",      NULL };
static const char *const memory_policy_flags[]
    = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
        "MPOL_F_STATIC_NODES", NULL };

/* ---- vector helpers ---------------------------------------------------- */

struct strv
{
  char **v;
  size_t n, cap;
  bool failed;
};

static void
strv_add (struct strv *s, const char *value)
{
  if (s->failed)
    return;
  if (s->n + 1 >= s->cap)
    {
      size_t cap = s->cap ? s->cap * 2 : 16;
      char **v = realloc (s->v, cap * sizeof *v);
      if (v == NULL)
        {
          s->failed = true;
          return;
        }
      s->v = v;
      s->cap = cap;
    }
  if ((s->v[s->n] = strdup (value)) == NULL)
    {
      s->failed = true;
      return;
    }
  s->v[++s->n] = NULL;
}

/* Move the vector into (*out, *len); -1 if any add failed. */
static int
strv_take (struct strv *s, char ***out, size_t *len)
{
  if (s->failed)
    {
      oci_strv_free (s->v, s->n);
      return -1;
    }
  if (s->v == NULL)
    s->v = calloc (1, sizeof *s->v);
  if (s->v == NULL)
    return -1;
  *out = s->v;
  *len = s->n;
  return 0;
}

static int
copy_table (const char *const *table, char ***out, size_t *len)
{
  struct strv s = { 0 };
  for (size_t i = 0; table[i]; i++)
    strv_add (&s, table[i]);
  return strv_take (&s, out, len);
}

static struct oci_opt_bool
yes_no (bool b)
{
  return (struct oci_opt_bool){ .set = true, .value = b };
}

/* ---- probes ------------------------------------------------------------ */

/* Every capability libcap has a name for, as "CAP_CHOWN". */
static int
known_capabilities (char ***out, size_t *len)
{
  struct strv s = { 0 };
  for (cap_value_t c = 0; c < 64; c++)
    {
      char *name = cap_to_name (c);
      if (name == NULL)
        break;
      /* Unnamed values come back as plain numbers: libcap's list ends. */
      bool named = !isdigit ((unsigned char)name[0]);
      if (named)
        {
          for (char *p = name; *p; p++)
            *p = (char)toupper ((unsigned char)*p);
          strv_add (&s, name);
        }
      cap_free (name);
      if (!named)
        break;
    }
  return strv_take (&s, out, len);
}

/* Spec arch names libseccomp can resolve ("SCMP_ARCH_X86_64" ->
 * "x86_64"). */
static int
seccomp_archs (char ***out, size_t *len)
{
  struct strv s = { 0 };
  for (size_t i = 0; oci_seccomp_arch_names[i]; i++)
    {
      char lower[64];
      const char *name = oci_seccomp_arch_names[i] + strlen ("SCMP_ARCH_");
      size_t k = 0;
      for (; name[k] && k < sizeof lower - 1; k++)
        lower[k] = (char)tolower ((unsigned char)name[k]);
      lower[k] = '\0';
      if (seccomp_arch_resolve_name (lower) != 0)
        strv_add (&s, oci_seccomp_arch_names[i]);
    }
  return strv_take (&s, out, len);
}

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The kernel checks flags before it reads the filter: with a NULL filter
 * a known flag fails with EFAULT, an unknown one with EINVAL.  Nothing is
 * ever installed. */
static bool
kernel_has_seccomp_flag (unsigned long flags)
{
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL);
  return r < 0 && errno == EFAULT;
}

static int
seccomp_supported_flags (char ***out, size_t *len)
{
  static const struct
  {
    const char *name;
    unsigned long probe;
  } flags[] = {
    { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
    { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
    { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
    /* Only valid together with NEW_LISTENER. */
    { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
          | SECCOMP_FILTER_FLAG_NEW_LISTENER },
  };
  struct strv s = { 0 };
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    {
      if (flags[i].probe & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
          && !support.seccomp_wait_killable_recv)
        continue;
      if (kernel_has_seccomp_flag (flags[i].probe))
        strv_add (&s, flags[i].name);
    }
  return strv_take (&s, out, len);
}

/* ---- assembly ---------------------------------------------------------- */

static int
build_seccomp (struct oci_features_seccomp *s)
{
  s->enabled = yes_no (support.seccomp);
  if (!support.seccomp)
    return 0;
  if (copy_table (oci_seccomp_action_names_list, &s->actions, &s->actions_len)
          < 0
      || copy_table (oci_seccomp_operator_names_list, &s->operators,
                     &s->operators_len)
             < 0
      || seccomp_archs (&s->archs, &s->archs_len) < 0
      || copy_table (oci_seccomp_flag_names, &s->known_flags,
                     &s->known_flags_len)
             < 0
      || seccomp_supported_flags (&s->supported_flags, &s->supported_flags_len)
             < 0)
    return -1;
  return 0;
}

static struct oci_features_enabled *
enabled_obj (bool b)
{
  struct oci_features_enabled *e = calloc (1, sizeof *e);
  if (e)
    e->enabled = yes_no (b);
  return e;
}

static int
build_linux (struct oci_features_linux *l)
{
  if (copy_table (supported_namespaces, &l->namespaces, &l->namespaces_len) < 0
      || known_capabilities (&l->capabilities, &l->capabilities_len) < 0)
    return -1;

  if ((l->cgroup = calloc (1, sizeof *l->cgroup)) == NULL)
    return -1;
  l->cgroup->v1 = yes_no (support.cgroup_v1);
  l->cgroup->v2 = yes_no (support.cgroup_v2);
  l->cgroup->systemd = yes_no (support.cgroup_systemd);
  l->cgroup->systemd_user = yes_no (support.cgroup_systemd_user);
  l->cgroup->rdma = yes_no (support.cgroup_rdma);

  if ((l->seccomp = calloc (1, sizeof *l->seccomp)) == NULL
      || build_seccomp (l->seccomp) < 0)
    return -1;
  if ((l->apparmor = enabled_obj (support.apparmor)) == NULL
      || (l->selinux = enabled_obj (support.selinux)) == NULL
      || (l->net_devices = enabled_obj (support.net_devices)) == NULL)
    return -1;
  if ((l->intel_rdt = calloc (1, sizeof *l->intel_rdt)) == NULL)
    return -1;
  l->intel_rdt->enabled = yes_no (support.intel_rdt);
  if ((l->mount_extensions = calloc (1, sizeof *l->mount_extensions)) == NULL
      || (l->mount_extensions->idmap = enabled_obj (support.idmap_mounts))
             == NULL)
    return -1;

  if (support.memory_policy)
    {
      if ((l->memory_policy = calloc (1, sizeof *l->memory_policy)) == NULL
          || copy_table (memory_policy_modes, &l->memory_policy->modes,
                         &l->memory_policy->modes_len)
                 < 0
          || copy_table (memory_policy_flags, &l->memory_policy->flags,
                         &l->memory_policy->flags_len)
                 < 0)
        return -1;
    }
  return 0;
}

static int
add_annotation (struct oci_features *f, size_t *cap, const char *key,
                const char *value)
{
  if (f->annotations_len == *cap)
    {
      size_t ncap = *cap ? *cap * 2 : 4;
      struct oci_kv *kv = realloc (f->annotations, ncap * sizeof *kv);
      if (kv == NULL)
        return -1;
      f->annotations = kv;
      *cap = ncap;
    }
  struct oci_kv *e = &f->annotations[f->annotations_len];
  e->key = strdup (key);
  e->value = strdup (value);
  f->annotations_len++;
  return e->key && e->value ? 0 : -1;
}

static int
build_annotations (struct oci_features *f)
{
  size_t cap = 0;
  char libseccomp[64];
  const struct scmp_version *v = seccomp_version ();
  snprintf (libseccomp, sizeof libseccomp, "%u.%u.%u", v->major, v->minor,
            v->micro);
  if (add_annotation (f, &cap, "io.github.seccomp.libseccomp.version",
                      libseccomp)
      < 0)
    return -1;
#ifdef PACKAGE_VERSION
  if (add_annotation (f, &cap, "io.github.ocirun.version", PACKAGE_VERSION)
      < 0)
    return -1;
#endif
#ifdef GIT_COMMIT
  if (add_annotation (f, &cap, "io.github.ocirun.commit", GIT_COMMIT) < 0)
    return -1;
#endif
  return 0;
}

int
ocirun_features_build (struct oci_features **out, struct ocirun_error *err)
{
  struct oci_features *f = calloc (1, sizeof *f);
  if (f == NULL)
    return ocirun_error_set (err, ENOMEM, "build features");

  int r = 0;
  if ((f->oci_version_min = strdup ("1.0.0")) == NULL
      || (f->oci_version_max = strdup (OCI_SPEC_VERSION)) == NULL
      || copy_table (supported_hooks, &f->hooks, &f->hooks_len) < 0
      || copy_table (ocirun_supported_mount_options, &f->mount_options,
                     &f->mount_options_len)
             < 0
      || (f->linux_ = calloc (1, sizeof *f->linux_)) == NULL
      || build_linux (f->linux_) < 0 || build_annotations (f) < 0)
    r = -1;
  if (r == 0 && unsafe_annotations[0] != NULL
      && copy_table (unsafe_annotations,
                     &f->potentially_unsafe_config_annotations,
                     &f->potentially_unsafe_config_annotations_len)
             < 0)
    r = -1;
  if (r < 0)
    {
      oci_features_free (f);
      return ocirun_error_set (err, ENOMEM, "build features");
    }
  *out = f;
  return 0;
}
