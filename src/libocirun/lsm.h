/* lsm.h - SELinux and AppArmor exec labels of the container process.
 *
 * The few host calls sit behind struct ocirun_lsm_ops so that the unit
 * tests can inject an "enabled" fake on a host without SELinux or
 * AppArmor.  Production code uses the default ops (libselinux and
 * /sys/module/apparmor). */
#ifndef OCIRUN_LSM_H
#define OCIRUN_LSM_H

#include <stdbool.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

struct ocirun_lsm_ops
{
  /* is_selinux_enabled () > 0 */
  bool (*selinux_enabled) (void);
  /* security_check_context (): 0 if the kernel accepts the label */
  int (*selinux_check_context) (const char *label);
  /* Label the next execve: write attr/exec.  Returns 0 or -errno. */
  int (*selinux_set_exec_label) (const char *label);
  /* /sys/module/apparmor/parameters/enabled starts with 'Y' */
  bool (*apparmor_enabled) (void);
  /* Write "exec <profile>" to attr/apparmor/exec (or attr/exec).
   * Returns 0 or -errno. */
  int (*apparmor_set_exec_profile) (const char *profile);
};

/* The ops in use; tests swap them (NULL restores the defaults). */
const struct ocirun_lsm_ops *ocirun_lsm_get_ops (void);
void ocirun_lsm_set_ops (const struct ocirun_lsm_ops *ops);

/* The real implementations, also usable by the fakes as fallbacks. */
extern const struct ocirun_lsm_ops ocirun_lsm_default_ops;

/* Before fork: a selinuxLabel needs SELinux enabled and a valid context;
 * an apparmorProfile needs AppArmor enabled.  `what` is the JSON path
 * prefix ("config.json: process"). */
int ocirun_lsm_validate (const struct oci_process *p, const char *what,
                         struct ocirun_error *err);

/* In the child before execve: set the exec labels of p. */
int ocirun_lsm_apply (const struct oci_process *p, struct ocirun_error *err);

/* The real AppArmor ops (apparmor.c). */
bool ocirun_apparmor_real_enabled (void);
int ocirun_apparmor_real_set_exec_profile (const char *profile);

/* Write `data` to a /proc file after verifying it is on procfs.  Returns
 * 0 or -errno (used by the default ops). */
int ocirun_lsm_write_proc_attr (const char *path, const char *data);

#endif
