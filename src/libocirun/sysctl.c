/* sysctl.c - linux.sysctl validation and application.
 *
 * A container may only set sysctls that its own namespaces isolate;
 * anything else would change the host.  The classification follows
 * runc's, so engines see the same accept/refuse decisions. */
#include "libocirun/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/net_internal.h"

/* The ipc-namespaced keys outside fs.mqueue.* (ipc_sysctls.c in the
 * kernel). */
static const char *const ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* Rewrite a key to dotted notation: a path-style key (first separator
 * '/') swaps '.' and '/'.  Classification then needs one form only. */
static void
to_dotted (const char *key, char *out, size_t len)
{
  size_t sep = strcspn (key, "./");
  bool path_style = key[sep] == '/';
  size_t i;

  for (i = 0; key[i] != '\0' && i + 1 < len; i++)
    {
      char ch = key[i];
      if (path_style && ch == '/')
        ch = '.';
      else if (path_style && ch == '.')
        ch = '/';
      out[i] = ch;
    }
  out[i] = '\0';
}

static bool
has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

enum ocirun_sysctl_ns
ocirun_sysctl_namespace (const char *key)
{
  char path[PATH_MAX];
  char dotted[256];
  size_t i;

  if (key == NULL || ocirun_sysctl_path (key, path, sizeof path) < 0)
    return OCIRUN_SYSCTL_NS_NONE;
  to_dotted (key, dotted, sizeof dotted);
  if (has_prefix (dotted, "net."))
    return OCIRUN_SYSCTL_NS_NET;
  if (has_prefix (dotted, "fs.mqueue."))
    return OCIRUN_SYSCTL_NS_IPC;
  for (i = 0; i < sizeof ipc_keys / sizeof ipc_keys[0]; i++)
    if (strcmp (dotted, ipc_keys[i]) == 0)
      return OCIRUN_SYSCTL_NS_IPC;
  if (strcmp (dotted, "kernel.hostname") == 0
      || strcmp (dotted, "kernel.domainname") == 0)
    return OCIRUN_SYSCTL_NS_UTS;
  return OCIRUN_SYSCTL_NS_NONE;
}

/* A path component must not climb out of /proc/sys. */
static bool
component_ok (const char *start, size_t n)
{
  if (n == 0)
    return false;
  if (n == 1 && start[0] == '.')
    return false;
  if (n == 2 && start[0] == '.' && start[1] == '.')
    return false;
  return true;
}

int
ocirun_sysctl_path (const char *key, char *buf, size_t len)
{
  static const char prefix[] = "/proc/sys/";
  size_t sep, klen, i, comp_start;
  bool path_style;
  char *out;

  if (key == NULL || key[0] == '\0' || len < sizeof prefix)
    return -1;
  klen = strlen (key);
  if (sizeof prefix + klen > len)
    return -1;
  sep = strcspn (key, "./");
  path_style = key[sep] == '/';
  memcpy (buf, prefix, sizeof prefix - 1);
  out = buf + sizeof prefix - 1;
  comp_start = 0;
  for (i = 0; i <= klen; i++)
    {
      char ch = key[i];
      bool is_sep = ch == '\0' || (path_style ? ch == '/' : ch == '.');

      if (is_sep)
        {
          if (!component_ok (out + comp_start, i - comp_start))
            return -1;
          out[i] = ch == '\0' ? '\0' : '/';
          comp_start = i + 1;
          continue;
        }
      /* In dotted notation '/' is a literal '.', as in sysctl(8). */
      out[i] = (!path_style && ch == '/') ? '.' : ch;
    }
  return 0;
}

/* Whether the config gives the container its own namespace of `type`:
 * a new one, or a joined one that is not the runtime's. */
static int
has_private_ns (const struct oci_config *cfg, enum oci_namespace_type type,
                const char *proc_name, bool *priv, struct ocirun_error *err)
{
  const struct oci_namespace *ns = ocirun_net_find_ns (cfg, type);
  bool same = false;

  *priv = false;
  if (ns == NULL)
    return 0;
  if (ns->path == NULL || ns->path[0] == '\0')
    {
      *priv = true;
      return 0;
    }
  if (ocirun_ns_path_is_self (ns->path, proc_name, &same, err) < 0)
    return -1;
  *priv = !same;
  return 0;
}

static int
check_key (const struct oci_config *cfg, const char *key,
           struct ocirun_error *err)
{
  enum ocirun_sysctl_ns kind = ocirun_sysctl_namespace (key);
  enum oci_namespace_type type;
  const char *what, *proc_name;
  char path[PATH_MAX];
  bool priv;

  if (ocirun_sysctl_path (key, path, sizeof path) < 0)
    return ocirun_error_set (err, EINVAL, "invalid sysctl key");
  switch (kind)
    {
    case OCIRUN_SYSCTL_NS_NET:
      type = OCI_NS_NETWORK, what = "network", proc_name = "net";
      break;
    case OCIRUN_SYSCTL_NS_IPC:
      type = OCI_NS_IPC, what = proc_name = "ipc";
      break;
    case OCIRUN_SYSCTL_NS_UTS:
      type = OCI_NS_UTS, what = proc_name = "uts";
      break;
    default:
      return ocirun_error_set (err, EINVAL,
                               "sysctl is not in a separate kernel namespace");
    }
  if (has_private_ns (cfg, type, proc_name, &priv, err) < 0)
    return -1;
  if (!priv)
    return ocirun_error_set (
        err, EINVAL, "sysctl is not allowed in the host %s namespace", what);
  return 0;
}

int
ocirun_sysctl_validate (const struct oci_config *cfg, struct ocirun_error *err)
{
  size_t i;

  if (cfg->linux_ == NULL)
    return 0;
  for (i = 0; i < cfg->linux_->sysctl_len; i++)
    {
      const char *key = cfg->linux_->sysctl[i].key;
      if (check_key (cfg, key, err) < 0)
        return ocirun_error_prefix (err, "config.json: linux.sysctl.\"%s\"",
                                    key);
    }
  return 0;
}

static int
write_one (const char *key, const char *value, struct ocirun_error *err)
{
  cleanup_close int fd = -1;
  char path[PATH_MAX];
  size_t len = strlen (value);
  ssize_t n;

  if (ocirun_sysctl_path (key, path, sizeof path) < 0)
    return ocirun_error_set (err, EINVAL, "invalid sysctl key `%s`", key);
  fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return ocirun_error_errno (err, "open `%s`", path);
  /* /proc/sys handlers take the value in one write. */
  n = write (fd, value, len);
  if (n < 0)
    return ocirun_error_errno (err, "write `%s` to `%s`", value, path);
  if ((size_t)n != len)
    return ocirun_error_set (err, EIO, "short write of `%s` to `%s`", value,
                             path);
  return 0;
}

int
ocirun_sysctl_apply (const struct oci_config *cfg, struct ocirun_error *err)
{
  size_t i;

  if (cfg->linux_ == NULL)
    return 0;
  for (i = 0; i < cfg->linux_->sysctl_len; i++)
    {
      const struct oci_kv *kv = &cfg->linux_->sysctl[i];
      if (write_one (kv->key, kv->value ? kv->value : "", err) < 0)
        return ocirun_error_prefix (err, "sysctl `%s`", kv->key);
    }
  return 0;
}
