/* features.h - the runtime features document (features.md), printed by
 * `ocirun features`.
 *
 * Same conventions as config.h.  Optional booleans are oci_opt_bool so
 * that "unknown" (absent) and "false" differ, as features.md requires. */
#ifndef OCI_SPEC_FEATURES_H
#define OCI_SPEC_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

struct oci_features_cgroup
{
  struct oci_opt_bool v1;
  struct oci_opt_bool v2;
  struct oci_opt_bool systemd;
  struct oci_opt_bool systemd_user;
  struct oci_opt_bool rdma;
};

struct oci_features_seccomp
{
  struct oci_opt_bool enabled;
  char **actions;
  size_t actions_len;
  char **operators;
  size_t operators_len;
  char **archs;
  size_t archs_len;
  char **known_flags;
  size_t known_flags_len;
  char **supported_flags;
  size_t supported_flags_len;
};

/* { "enabled": bool } objects: apparmor, selinux, intelRdt, ... */
struct oci_features_enabled
{
  struct oci_opt_bool enabled;
};

struct oci_features_intel_rdt
{
  struct oci_opt_bool enabled;
  struct oci_opt_bool schemata;          /* linux.intelRdt.schemata */
  struct oci_opt_bool enable_monitoring; /* linux.intelRdt.enableMonitoring */
};

struct oci_features_mount_extensions
{
  struct oci_features_enabled *idmap;
};

struct oci_features_memory_policy
{
  char **modes;
  size_t modes_len;
  char **flags;
  size_t flags_len;
};

struct oci_features_linux
{
  char **namespaces;
  size_t namespaces_len;
  char **capabilities;
  size_t capabilities_len;
  struct oci_features_cgroup *cgroup;
  struct oci_features_seccomp *seccomp;
  struct oci_features_enabled *apparmor;
  struct oci_features_enabled *selinux;
  struct oci_features_intel_rdt *intel_rdt;
  struct oci_features_mount_extensions *mount_extensions;
  struct oci_features_enabled *net_devices;
  struct oci_features_memory_policy *memory_policy;
};

struct oci_features
{
  char *oci_version_min; /* REQUIRED */
  char *oci_version_max; /* REQUIRED */
  char **hooks;
  size_t hooks_len;
  char **mount_options;
  size_t mount_options_len;
  struct oci_features_linux *linux_;
  struct oci_kv *annotations;
  size_t annotations_len;
  char **potentially_unsafe_config_annotations;
  size_t potentially_unsafe_config_annotations_len;
};

int oci_features_parse_file (const char *path, struct oci_features **out,
                             struct ocirun_error *err);
int oci_features_parse_data (const char *buf, size_t len, const char *filename,
                             struct oci_features **out,
                             struct ocirun_error *err);
int oci_features_generate (const struct oci_features *f, char **json,
                           size_t *len, struct ocirun_error *err);
void oci_features_free (struct oci_features *f);
void oci_features_freep (struct oci_features **f);
#define cleanup_oci_features __attribute__ ((cleanup (oci_features_freep)))

/* ---- what this ocirun build supports (features_table.c) --------------- */

/* The features document of this runtime, probed where it depends on the
 * host (seccomp supported flags, libseccomp version, cgroup layout,
 * SELinux).  Caller frees. */
int ocirun_features_build (struct oci_features **out,
                           struct ocirun_error *err);

/* Mount options the mount code understands (NULL-terminated table).  The
 * rootfs engineer flips entries in features_table.c as they land. */
extern const char *const ocirun_supported_mount_options[];

#endif
