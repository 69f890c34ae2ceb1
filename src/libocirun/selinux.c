/* selinux.c - process.selinuxLabel, and the LSM dispatch shared with
 * apparmor.c.
 *
 * A label on a host where SELinux is disabled is an error, as with runc
 * 1.1 ("selinux label is specified in config, but selinux is disabled or
 * not supported") and crun: silently running a container unconfined when
 * the engine asked for confinement fails open. */
#include <errno.h>
#include <fcntl.h>
#include <selinux/selinux.h>
#include <string.h>
#include <unistd.h>

#include "libocirun/log.h"
#include "libocirun/lsm.h"
#include "libocirun/security.h"

static bool
real_selinux_enabled (void)
{
  return is_selinux_enabled () > 0;
}

static int
real_selinux_check_context (const char *label)
{
  /* security_check_context() takes a non-const char * in old headers. */
  return security_check_context ((char *)label) < 0 ? -1 : 0;
}

static int
real_selinux_set_exec_label (const char *label)
{
  /* Like setexeccon(), but through a procfs-verified fd: after
   * pivot_root /proc is the container's, and the rootfs could have put
   * something else there. */
  int r = ocirun_lsm_write_proc_attr ("/proc/thread-self/attr/exec", label);

  if (r == -ENOENT)
    r = ocirun_lsm_write_proc_attr ("/proc/self/attr/exec", label);
  return r;
}

const struct ocirun_lsm_ops ocirun_lsm_default_ops = {
  .selinux_enabled = real_selinux_enabled,
  .selinux_check_context = real_selinux_check_context,
  .selinux_set_exec_label = real_selinux_set_exec_label,
  .apparmor_enabled = ocirun_apparmor_real_enabled,
  .apparmor_set_exec_profile = ocirun_apparmor_real_set_exec_profile,
};

static const struct ocirun_lsm_ops *lsm_ops = &ocirun_lsm_default_ops;

const struct ocirun_lsm_ops *
ocirun_lsm_get_ops (void)
{
  return lsm_ops;
}

void
ocirun_lsm_set_ops (const struct ocirun_lsm_ops *ops)
{
  lsm_ops = ops ? ops : &ocirun_lsm_default_ops;
}

int
ocirun_lsm_write_proc_attr (const char *path, const char *data)
{
  struct ocirun_error err;
  size_t len = strlen (data);
  ssize_t n;
  int fd, saved;

  fd = ocirun_open_procfs (path, O_WRONLY, &err);
  if (fd < 0)
    return -(err.errnum ? err.errnum : EINVAL);
  /* One write: the kernel parses the whole buffer as one request. */
  n = write (fd, data, len);
  saved = errno;
  close (fd);
  if (n < 0)
    return -saved;
  return (size_t)n == len ? 0 : -EIO;
}

static int
selinux_validate (const char *label, const char *what,
                  struct ocirun_error *err)
{
  if (!lsm_ops->selinux_enabled ())
    return ocirun_error_set (err, 0,
                             "%s%sselinuxLabel: the label \"%s\" is set but "
                             "SELinux is disabled or not supported",
                             what, ocirun_path_sep (what), label);
  if (lsm_ops->selinux_check_context (label) < 0)
    return ocirun_error_set (
        err, EINVAL, "%s%sselinuxLabel: invalid SELinux context \"%s\"", what,
        ocirun_path_sep (what), label);
  return 0;
}

int
ocirun_lsm_validate (const struct oci_process *p, const char *what,
                     struct ocirun_error *err)
{
  if (p == NULL)
    return 0;
  if (p->selinux_label && p->selinux_label[0]
      && selinux_validate (p->selinux_label, what, err) < 0)
    return -1;
  if (p->apparmor_profile && p->apparmor_profile[0]
      && !lsm_ops->apparmor_enabled ())
    return ocirun_error_set (err, 0,
                             "%s%sapparmorProfile: the profile \"%s\" is set "
                             "but AppArmor is not enabled on this host",
                             what, ocirun_path_sep (what),
                             p->apparmor_profile);
  return 0;
}

int
ocirun_lsm_apply (const struct oci_process *p, struct ocirun_error *err)
{
  int r;

  if (p->selinux_label && p->selinux_label[0])
    {
      /* validate() ran in the parent; repeat the cheap checks because
       * exec paths may skip it. */
      if (selinux_validate (p->selinux_label, "process", err) < 0)
        return -1;
      r = lsm_ops->selinux_set_exec_label (p->selinux_label);
      if (r < 0)
        return ocirun_error_set (err, -r, "set SELinux exec label \"%s\"",
                                 p->selinux_label);
      ocirun_debug ("SELinux exec label %s", p->selinux_label);
    }
  if (p->apparmor_profile && p->apparmor_profile[0])
    {
      if (!lsm_ops->apparmor_enabled ())
        return ocirun_error_set (err, 0,
                                 "apparmor profile \"%s\" is set but "
                                 "AppArmor is not enabled",
                                 p->apparmor_profile);
      r = lsm_ops->apparmor_set_exec_profile (p->apparmor_profile);
      if (r < 0)
        return ocirun_error_set (err, -r, "apply AppArmor profile \"%s\"",
                                 p->apparmor_profile);
      ocirun_debug ("AppArmor exec profile %s", p->apparmor_profile);
    }
  return 0;
}
