/* caps.c - capability names and the five sets of the container process.
 *
 * libcap translates names; the sets themselves are applied with the raw
 * prctl/capset calls: no allocation in the child and one syscall each. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/caps.h"
#include "libocirun/log.h"

int
ocirun_cap_from_name (const char *name)
{
  cap_value_t v;

  /* libcap also accepts lower case and bare numbers; the spec only has
   * the CAP_ names, so anything else is a typo worth reporting. */
  if (name == NULL || strncmp (name, "CAP_", 4) != 0)
    return -1;
  for (const char *s = name; *s; s++)
    if (*s >= 'a' && *s <= 'z')
      return -1;
  if (cap_from_name (name, &v) < 0 || v < 0 || v > 63)
    return -1;
  return v;
}

static int
read_cap_last_cap (void)
{
  char buf[32];
  ssize_t n;
  int fd, v;

  fd = open ("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return CAP_LAST_CAP;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return CAP_LAST_CAP;
  buf[n] = '\0';
  v = atoi (buf);
  return v > 0 && v < 64 ? v : CAP_LAST_CAP;
}

int
ocirun_cap_last_cap (void)
{
  /* Read in the parent (validate/resolve run there first) and inherited
   * by the child, which may no longer see the host's /proc. */
  static int last = -1;

  if (last < 0)
    last = read_cap_last_cap ();
  return last;
}

struct cap_list
{
  const char *field;
  char *const *names;
  size_t len;
  uint64_t *mask;
};

static void
cap_lists (const struct oci_capabilities *caps, struct ocirun_capset *out,
           struct cap_list lists[5])
{
  lists[0] = (struct cap_list){ "bounding", caps->bounding, caps->bounding_len,
                                &out->bounding };
  lists[1] = (struct cap_list){ "effective", caps->effective,
                                caps->effective_len, &out->effective };
  lists[2] = (struct cap_list){ "inheritable", caps->inheritable,
                                caps->inheritable_len, &out->inheritable };
  lists[3] = (struct cap_list){ "permitted", caps->permitted,
                                caps->permitted_len, &out->permitted };
  lists[4] = (struct cap_list){ "ambient", caps->ambient, caps->ambient_len,
                                &out->ambient };
}

int
ocirun_caps_validate (const struct oci_capabilities *caps, const char *what,
                      struct ocirun_error *err)
{
  struct ocirun_capset unused;
  struct cap_list lists[5];

  if (caps == NULL)
    return 0;
  /* runtime-spec 1.3 (config.md, capabilities): a value that cannot be
   * mapped to a kernel capability MUST be logged as a warning and the
   * runtime SHOULD NOT fail; runc and crun both continue. The warning names
   * the JSON path so the typo is easy to find. */
  (void)err;
  cap_lists (caps, &unused, lists);
  for (int l = 0; l < 5; l++)
    for (size_t i = 0; i < lists[l].len; i++)
      if (ocirun_cap_from_name (lists[l].names[i]) < 0)
        ocirun_warn ("%s.%s[%zu]: unknown capability \"%s\" ignored", what,
                     lists[l].field, i, lists[l].names[i]);
  return 0;
}

int
ocirun_caps_resolve (const struct oci_capabilities *caps,
                     struct ocirun_capset *out, struct ocirun_error *err)
{
  struct cap_list lists[5];
  int last = ocirun_cap_last_cap ();

  memset (out, 0, sizeof *out);
  if (caps == NULL)
    return 0;
  cap_lists (caps, out, lists);
  for (int l = 0; l < 5; l++)
    for (size_t i = 0; i < lists[l].len; i++)
      {
        int v = ocirun_cap_from_name (lists[l].names[i]);

        if (v < 0)
          continue; /* warned about by ocirun_caps_validate */
        if (v > last)
          {
            ocirun_debug ("capability %s (%d) unknown to the running kernel "
                          "(cap_last_cap %d): skipped",
                          lists[l].names[i], v, last);
            continue;
          }
        *lists[l].mask |= UINT64_C (1) << v;
      }
  return 0;
}

int
ocirun_caps_drop_bounding (uint64_t keep, struct ocirun_error *err)
{
  int last = ocirun_cap_last_cap ();

  for (int v = 0; v <= last; v++)
    {
      if (keep & (UINT64_C (1) << v))
        continue;
      if (prctl (PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
        return ocirun_error_errno (err,
                                   "drop capability %d from the "
                                   "bounding set",
                                   v);
    }
  return 0;
}

int
ocirun_caps_set (uint64_t effective, uint64_t permitted, uint64_t inheritable,
                 struct ocirun_error *err)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  data[0].effective = (uint32_t)effective;
  data[0].permitted = (uint32_t)permitted;
  data[0].inheritable = (uint32_t)inheritable;
  data[1].effective = (uint32_t)(effective >> 32);
  data[1].permitted = (uint32_t)(permitted >> 32);
  data[1].inheritable = (uint32_t)(inheritable >> 32);
  if (syscall (SYS_capset, &hdr, data) < 0)
    return ocirun_error_errno (err, "capset");
  return 0;
}

int
ocirun_caps_get (uint64_t *effective, uint64_t *permitted,
                 uint64_t *inheritable, struct ocirun_error *err)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  if (syscall (SYS_capget, &hdr, data) < 0)
    return ocirun_error_errno (err, "capget");
  if (effective)
    *effective = data[0].effective | ((uint64_t)data[1].effective << 32);
  if (permitted)
    *permitted = data[0].permitted | ((uint64_t)data[1].permitted << 32);
  if (inheritable)
    *inheritable = data[0].inheritable | ((uint64_t)data[1].inheritable << 32);
  return 0;
}

/* The kernel raises an ambient capability only when it is permitted and
 * inheritable.  A config asking for one that is not (common: engines list
 * ambient capabilities without inheritable ones) gets what the kernel
 * allows, silently, as with runc and crun; any other failure is worth a
 * warning. */
static void
ambient_not_raised (int v, int errnum)
{
  cap_value_t cv = v;
  cap_flag_value_t inh = CAP_CLEAR, prm = CAP_CLEAR;
  cap_t now = cap_get_proc ();
  char *name = cap_to_name (cv);
  bool expected = false;

  if (errnum == EPERM && now
      && cap_get_flag (now, cv, CAP_INHERITABLE, &inh) == 0
      && cap_get_flag (now, cv, CAP_PERMITTED, &prm) == 0)
    expected = inh == CAP_CLEAR || prm == CAP_CLEAR;
  ocirun_log (expected ? OCIRUN_LOG_DEBUG : OCIRUN_LOG_WARNING,
              "can't raise ambient capability %s: %s%s", name ? name : "?",
              ocirun_strerror (errnum),
              expected ? " (not in the inheritable and permitted sets)" : "");
  cap_free (name);
  cap_free (now);
}

int
ocirun_caps_set_ambient (uint64_t ambient, struct ocirun_error *err)
{
  int last = ocirun_cap_last_cap ();

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    {
      /* Kernels before 4.3 have no ambient set: nothing to clear, and
       * nothing can be raised. */
      if (errno == EINVAL && ambient == 0)
        return 0;
      return ocirun_error_errno (err, "clear the ambient capabilities");
    }
  for (int v = 0; v <= last; v++)
    {
      if (!(ambient & (UINT64_C (1) << v)))
        continue;
      if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
        ambient_not_raised (v, errno);
    }
  return 0;
}
