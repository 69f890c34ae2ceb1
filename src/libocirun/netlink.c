/* netlink.c - libnl sockets in a given network namespace, and namespace
 * file helpers for the network area. */
#include "libocirun/net_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/nl_api.h"

struct ocirun_nl_api nlapi;

#ifdef OCIRUN_NL_LINKED
/* A static binary on a C library that can't dlopen() (musl): libnl is
 * linked in, and the table simply points at it. */
int
ocirun_nl_load (struct ocirun_error *err)
{
  (void)err;
#define OCIRUN_NL_DIRECT(fn) nlapi.fn = fn;
  OCIRUN_NL_SYMBOLS (OCIRUN_NL_DIRECT)
#undef OCIRUN_NL_DIRECT
  return 0;
}
#else
/* The ABI-versioned names first (what the runtime package depends on),
 * the development symlink last. */
static const char *const nl_route_libs[] = {
  "libnl-route-3.so.200",
  "libnl-route-3.so",
};

int
ocirun_nl_load (struct ocirun_error *err)
{
  static bool loaded;
  void *h = NULL;
  size_t i;

  if (loaded)
    return 0;
  for (i = 0; h == NULL && i < sizeof nl_route_libs / sizeof nl_route_libs[0];
       i++)
    h = dlopen (nl_route_libs[i], RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    return ocirun_error_set (err, ENOENT,
                             "load libnl-route-3 (install the "
                             "libnl-route-3-200 package): %s",
                             dlerror ());
    /* dlsym on the route library also searches its dependency libnl-3. */
#define OCIRUN_NL_LOOKUP(fn)                                                  \
  nlapi.fn = (__typeof__ (fn) *)dlsym (h, #fn);                               \
  if (nlapi.fn == NULL)                                                       \
    return ocirun_error_set (err, ENOENT, "libnl: missing symbol %s", #fn);
  OCIRUN_NL_SYMBOLS (OCIRUN_NL_LOOKUP)
#undef OCIRUN_NL_LOOKUP
  /* The handle stays open: the table points into the library. */
  loaded = true;
  return 0;
}
#endif /* OCIRUN_NL_LINKED */

int
ocirun_nl_errno (int nlerr)
{
  switch (nlerr < 0 ? -nlerr : nlerr)
    {
    case NLE_INTR:
      return EINTR;
    case NLE_AGAIN:
      return EAGAIN;
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_EXIST:
      return EEXIST;
    case NLE_INVAL:
      return EINVAL;
    case NLE_RANGE:
      return ERANGE;
    case NLE_MSGSIZE:
      return EMSGSIZE;
    case NLE_OPNOTSUPP:
    case NLE_MSGTYPE_NOSUPPORT:
      return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:
      return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV:
      return ENODEV;
    case NLE_BUSY:
      return EBUSY;
    case NLE_NOACCESS:
      return EACCES;
    case NLE_PERM:
      return EPERM;
    case NLE_NOADDR:
      return EADDRNOTAVAIL;
    default:
      return EIO;
    }
}

/* Create and connect in the current netns. */
static int
nl_open_here (struct nl_sock **out, struct ocirun_error *err)
{
  struct nl_sock *sk = nlapi.nl_socket_alloc ();
  int r;

  if (sk == NULL)
    return ocirun_error_set (err, ENOMEM, "allocate netlink socket");
  r = nlapi.nl_connect (sk, NETLINK_ROUTE);
  if (r < 0)
    {
      nlapi.nl_socket_free (sk);
      return ocirun_error_set (err, ocirun_nl_errno (r),
                               "connect rtnetlink socket");
    }
  *out = sk;
  return 0;
}

int
ocirun_nl_open (int netns_fd, struct nl_sock **out, struct ocirun_error *err)
{
  cleanup_close int self = -1;
  int r;

  if (ocirun_nl_load (err) < 0)
    return -1;
  if (netns_fd < 0)
    return nl_open_here (out, err);

  /* setns() is per thread for a netns, and the socket stays in the netns
   * it was created in: enter, create, come back. */
  self = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return ocirun_error_errno (err, "open /proc/thread-self/ns/net");
  if (setns (netns_fd, CLONE_NEWNET) < 0)
    return ocirun_error_errno (err, "enter the container network namespace");
  r = nl_open_here (out, err);
  if (setns (self, CLONE_NEWNET) < 0)
    {
      /* Continuing in the wrong netns would configure the container's
       * instead of the host's: nothing sane is left to do. */
      int saved = errno;
      if (r == 0)
        nlapi.nl_socket_free (*out);
      return ocirun_error_set (err, saved,
                               "return to the runtime network namespace");
    }
  return r;
}

void
ocirun_nl_closep (struct nl_sock **sk)
{
  if (*sk != NULL)
    nlapi.nl_socket_free (*sk);
  *sk = NULL;
}

int
ocirun_ns_open (const char *path, struct ocirun_error *err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return ocirun_error_errno (err, "open `%s`", path);
  return fd;
}

static int
ns_stat_self (const char *proc_name, struct stat *st, struct ocirun_error *err)
{
  char path[64];

  snprintf (path, sizeof path, "/proc/thread-self/ns/%s", proc_name);
  if (stat (path, st) < 0)
    return ocirun_error_errno (err, "stat `%s`", path);
  return 0;
}

int
ocirun_ns_fd_is_self (int fd, const char *proc_name, bool *same,
                      struct ocirun_error *err)
{
  struct stat a, b;

  if (fstat (fd, &a) < 0)
    return ocirun_error_errno (err, "stat namespace");
  if (ns_stat_self (proc_name, &b, err) < 0)
    return -1;
  *same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  return 0;
}

int
ocirun_ns_path_is_self (const char *path, const char *proc_name, bool *same,
                        struct ocirun_error *err)
{
  struct stat a, b;

  if (stat (path, &a) < 0)
    return ocirun_error_errno (err, "stat `%s`", path);
  if (ns_stat_self (proc_name, &b, err) < 0)
    return -1;
  *same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  return 0;
}
