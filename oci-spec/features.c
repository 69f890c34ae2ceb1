/* features.c - features.json (features.md): parse, generate, free. */
#include <errno.h>
#include <stdlib.h>

#include "libocirun/cleanup.h"
#include "oci-spec/features.h"
#include "oci-spec/json_gen.h"
#include "oci-spec/parse_internal.h"

/* ---- parse ------------------------------------------------------------- */

static int
parse_enabled (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features_enabled *e = dst;
  return p_opt_bool (p, o, "enabled", &e->enabled);
}

static int
parse_cgroup (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features_cgroup *c = dst;
  if (p_opt_bool (p, o, "v1", &c->v1) < 0
      || p_opt_bool (p, o, "v2", &c->v2) < 0
      || p_opt_bool (p, o, "systemd", &c->systemd) < 0
      || p_opt_bool (p, o, "systemdUser", &c->systemd_user) < 0
      || p_opt_bool (p, o, "rdma", &c->rdma) < 0)
    return -1;
  return 0;
}

static int
parse_seccomp (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features_seccomp *s = dst;
  if (p_opt_bool (p, o, "enabled", &s->enabled) < 0
      || p_choice_strv (p, o, "actions", oci_seccomp_action_names_list,
                        "seccomp action", &s->actions, &s->actions_len)
             < 0
      || p_choice_strv (p, o, "operators", oci_seccomp_operator_names_list,
                        "seccomp operator", &s->operators, &s->operators_len)
             < 0
      /* Archs and flags: a runtime may know values newer than this
       * spec version; accept any string. */
      || p_strv (p, o, "archs", 0, &s->archs, &s->archs_len) < 0
      || p_strv (p, o, "knownFlags", 0, &s->known_flags, &s->known_flags_len)
             < 0
      || p_strv (p, o, "supportedFlags", 0, &s->supported_flags,
                 &s->supported_flags_len)
             < 0)
    return -1;
  return 0;
}

static int
parse_intel_rdt (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features_intel_rdt *r = dst;
  if (p_opt_bool (p, o, "enabled", &r->enabled) < 0
      || p_opt_bool (p, o, "schemata", &r->schemata) < 0
      || p_opt_bool (p, o, "enableMonitoring", &r->enable_monitoring) < 0)
    return -1;
  return 0;
}

static int
parse_mount_extensions (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features_mount_extensions *m = dst;
  return p_object (p, o, "idmap", 0, sizeof *m->idmap, (void **)&m->idmap,
                   parse_enabled);
}

static int
parse_memory_policy (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features_memory_policy *m = dst;
  if (p_strv (p, o, "modes", 0, &m->modes, &m->modes_len) < 0
      || p_strv (p, o, "flags", 0, &m->flags, &m->flags_len) < 0)
    return -1;
  return 0;
}

#define ENABLED_OBJ(key, field)                                               \
  p_object (p, o, key, 0, sizeof *l->field, (void **)&l->field, parse_enabled)

static int
parse_linux (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features_linux *l = dst;
  if (p_choice_strv (p, o, "namespaces", oci_namespace_names_list, "namespace",
                     &l->namespaces, &l->namespaces_len)
          < 0
      || p_strv (p, o, "capabilities", 0, &l->capabilities,
                 &l->capabilities_len)
             < 0
      || p_object (p, o, "cgroup", 0, sizeof *l->cgroup, (void **)&l->cgroup,
                   parse_cgroup)
             < 0
      || p_object (p, o, "seccomp", 0, sizeof *l->seccomp,
                   (void **)&l->seccomp, parse_seccomp)
             < 0
      || ENABLED_OBJ ("apparmor", apparmor) < 0
      || ENABLED_OBJ ("selinux", selinux) < 0
      || p_object (p, o, "intelRdt", 0, sizeof *l->intel_rdt,
                   (void **)&l->intel_rdt, parse_intel_rdt)
             < 0
      || p_object (p, o, "mountExtensions", 0, sizeof *l->mount_extensions,
                   (void **)&l->mount_extensions, parse_mount_extensions)
             < 0
      || ENABLED_OBJ ("netDevices", net_devices) < 0
      || p_object (p, o, "memoryPolicy", 0, sizeof *l->memory_policy,
                   (void **)&l->memory_policy, parse_memory_policy)
             < 0)
    return -1;
  return 0;
}

static int
parse_features_obj (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_features *f = dst;
  if (p_string (p, o, "ociVersionMin", P_REQUIRED | P_NONEMPTY,
                &f->oci_version_min)
          < 0
      || p_string (p, o, "ociVersionMax", P_REQUIRED | P_NONEMPTY,
                   &f->oci_version_max)
             < 0
      || p_strv (p, o, "hooks", 0, &f->hooks, &f->hooks_len) < 0
      || p_strv (p, o, "mountOptions", 0, &f->mount_options,
                 &f->mount_options_len)
             < 0
      || p_object (p, o, "linux", 0, sizeof *f->linux_, (void **)&f->linux_,
                   parse_linux)
             < 0
      || p_map (p, o, "annotations", &f->annotations, &f->annotations_len) < 0
      || p_strv (p, o, "potentiallyUnsafeConfigAnnotations", 0,
                 &f->potentially_unsafe_config_annotations,
                 &f->potentially_unsafe_config_annotations_len)
             < 0)
    return -1;
  return 0;
}

int
oci_features_parse_data (const char *buf, size_t len, const char *filename,
                         struct oci_features **out, struct ocirun_error *err)
{
  const char *file = filename ? filename : "features.json";
  struct oci_features *f = calloc (1, sizeof *f);
  if (f == NULL)
    return ocirun_error_set (err, ENOMEM, "%s: parse", file);
  if (oci_parse_document (buf, len, file, err, parse_features_obj, f) < 0)
    {
      oci_features_free (f);
      return -1;
    }
  *out = f;
  return 0;
}

int
oci_features_parse_file (const char *path, struct oci_features **out,
                         struct ocirun_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (oci_json_read_file (path, &buf, &len, err) < 0)
    return -1;
  return oci_features_parse_data (buf, len, oci_json_basename (path), out,
                                  err);
}

/* ---- generate ---------------------------------------------------------- */

static void
gen_enabled (struct jg *j, const char *key,
             const struct oci_features_enabled *e)
{
  if (e == NULL)
    return;
  jg_key (j, key);
  jg_open (j);
  jg_kbool (j, "enabled", e->enabled);
  jg_close (j);
}

static void
gen_linux_security (struct jg *j, const struct oci_features_linux *l)
{
  if (l->seccomp)
    {
      const struct oci_features_seccomp *s = l->seccomp;
      jg_key (j, "seccomp");
      jg_open (j);
      jg_kbool (j, "enabled", s->enabled);
      jg_kstrv (j, "actions", s->actions, s->actions_len);
      jg_kstrv (j, "operators", s->operators, s->operators_len);
      jg_kstrv (j, "archs", s->archs, s->archs_len);
      jg_kstrv (j, "knownFlags", s->known_flags, s->known_flags_len);
      jg_kstrv (j, "supportedFlags", s->supported_flags,
                s->supported_flags_len);
      jg_close (j);
    }
  gen_enabled (j, "apparmor", l->apparmor);
  gen_enabled (j, "selinux", l->selinux);
}

static void
gen_linux (struct jg *j, const struct oci_features_linux *l)
{
  if (l == NULL)
    return;
  jg_key (j, "linux");
  jg_open (j);
  jg_kstrv (j, "namespaces", l->namespaces, l->namespaces_len);
  jg_kstrv (j, "capabilities", l->capabilities, l->capabilities_len);
  if (l->cgroup)
    {
      jg_key (j, "cgroup");
      jg_open (j);
      jg_kbool (j, "v1", l->cgroup->v1);
      jg_kbool (j, "v2", l->cgroup->v2);
      jg_kbool (j, "systemd", l->cgroup->systemd);
      jg_kbool (j, "systemdUser", l->cgroup->systemd_user);
      jg_kbool (j, "rdma", l->cgroup->rdma);
      jg_close (j);
    }
  gen_linux_security (j, l);
  if (l->intel_rdt)
    {
      jg_key (j, "intelRdt");
      jg_open (j);
      jg_kbool (j, "enabled", l->intel_rdt->enabled);
      jg_kbool (j, "schemata", l->intel_rdt->schemata);
      jg_kbool (j, "enableMonitoring", l->intel_rdt->enable_monitoring);
      jg_close (j);
    }
  if (l->mount_extensions)
    {
      jg_key (j, "mountExtensions");
      jg_open (j);
      gen_enabled (j, "idmap", l->mount_extensions->idmap);
      jg_close (j);
    }
  gen_enabled (j, "netDevices", l->net_devices);
  if (l->memory_policy)
    {
      jg_key (j, "memoryPolicy");
      jg_open (j);
      jg_kstrv (j, "modes", l->memory_policy->modes,
                l->memory_policy->modes_len);
      jg_kstrv (j, "flags", l->memory_policy->flags,
                l->memory_policy->flags_len);
      jg_close (j);
    }
  jg_close (j);
}

int
oci_features_generate (const struct oci_features *f, char **json, size_t *len,
                       struct ocirun_error *err)
{
  struct jg j;
  if (jg_init (&j, err) < 0)
    return -1;
  jg_open (&j);
  jg_kstr (&j, "ociVersionMin", f->oci_version_min);
  jg_kstr (&j, "ociVersionMax", f->oci_version_max);
  jg_kstrv (&j, "hooks", f->hooks, f->hooks_len);
  jg_kstrv (&j, "mountOptions", f->mount_options, f->mount_options_len);
  gen_linux (&j, f->linux_);
  jg_kmap (&j, "annotations", f->annotations, f->annotations_len);
  jg_kstrv (&j, "potentiallyUnsafeConfigAnnotations",
            f->potentially_unsafe_config_annotations,
            f->potentially_unsafe_config_annotations_len);
  jg_close (&j);
  return jg_finish (&j, "features.json", json, len, err);
}

/* ---- free -------------------------------------------------------------- */

static void
linux_free (struct oci_features_linux *l)
{
  if (l == NULL)
    return;
  oci_strv_free (l->namespaces, l->namespaces_len);
  oci_strv_free (l->capabilities, l->capabilities_len);
  free (l->cgroup);
  if (l->seccomp)
    {
      oci_strv_free (l->seccomp->actions, l->seccomp->actions_len);
      oci_strv_free (l->seccomp->operators, l->seccomp->operators_len);
      oci_strv_free (l->seccomp->archs, l->seccomp->archs_len);
      oci_strv_free (l->seccomp->known_flags, l->seccomp->known_flags_len);
      oci_strv_free (l->seccomp->supported_flags,
                     l->seccomp->supported_flags_len);
      free (l->seccomp);
    }
  free (l->apparmor);
  free (l->selinux);
  free (l->intel_rdt);
  if (l->mount_extensions)
    free (l->mount_extensions->idmap);
  free (l->mount_extensions);
  free (l->net_devices);
  if (l->memory_policy)
    {
      oci_strv_free (l->memory_policy->modes, l->memory_policy->modes_len);
      oci_strv_free (l->memory_policy->flags, l->memory_policy->flags_len);
      free (l->memory_policy);
    }
  free (l);
}

void
oci_features_free (struct oci_features *f)
{
  if (f == NULL)
    return;
  free (f->oci_version_min);
  free (f->oci_version_max);
  oci_strv_free (f->hooks, f->hooks_len);
  oci_strv_free (f->mount_options, f->mount_options_len);
  linux_free (f->linux_);
  oci_kv_free (f->annotations, f->annotations_len);
  oci_strv_free (f->potentially_unsafe_config_annotations,
                 f->potentially_unsafe_config_annotations_len);
  free (f);
}

void
oci_features_freep (struct oci_features **f)
{
  oci_features_free (*f);
}
