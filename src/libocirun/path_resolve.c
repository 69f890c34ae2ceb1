/* path_resolve.c - lookups confined to a root directory fd. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/path_resolve.h"

#define MAX_SYMLINKS 40 /* the kernel's MAXSYMLINKS */

char *
ocirun_proc_fd_path (int fd, char *buf, size_t len)
{
  snprintf (buf, len, "/proc/self/fd/%d", fd);
  return buf;
}

/* One openat2(RESOLVE_IN_ROOT) call: the fast path.  Returns the fd, or
 * -1 with errno (ENOSYS on kernels without openat2). */
static int
open_in_root_kernel (int rootfd, const char *path)
{
  struct open_how how = {
    .flags = O_PATH | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;

  /* EAGAIN: a concurrent rename made the kernel unsure that ".." stayed
     inside the root; retrying is what the man page recommends. */
  for (int i = 0; i < 8; i++)
    {
      fd = syscall (SYS_openat2, rootfd, path, &how, sizeof how);
      if (fd >= 0 || errno != EAGAIN)
        return fd;
    }
  return -1;
}

/* The directory stack of the userspace walk: stack[0] is the root fd
 * (borrowed), the others are owned O_PATH fds.  ".." pops, so it can
 * never climb above the root whatever the kernel's ".." would do. */
struct walk
{
  int *fds;
  size_t len;
  size_t cap;
};

static int
walk_push (struct walk *w, int fd)
{
  if (w->len == w->cap)
    {
      size_t cap = w->cap ? w->cap * 2 : 16;
      int *n = realloc (w->fds, cap * sizeof *n);
      if (n == NULL)
        return -1;
      w->fds = n;
      w->cap = cap;
    }
  w->fds[w->len++] = fd;
  return 0;
}

static void
walk_pop_to (struct walk *w, size_t len)
{
  while (w->len > len)
    close (w->fds[--w->len]);
}

static void
walk_free (struct walk *w)
{
  walk_pop_to (w, 1);
  free (w->fds);
}

/* Open (creating if asked) the single component name under dirfd without
 * following it. */
static int
open_component (int dirfd, const char *name, bool last,
                enum ocirun_path_create create)
{
  int fd = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

  if (fd >= 0 || errno != ENOENT || create == OCIRUN_PATH_NOCREATE)
    return fd;
  if (last && create == OCIRUN_PATH_MKFILE)
    {
      /* mknod of a regular file creates it without an open write fd. */
      if (mknodat (dirfd, name, S_IFREG | 0644, 0) < 0 && errno != EEXIST)
        return -1;
    }
  else if (mkdirat (dirfd, name, 0755) < 0 && errno != EEXIST)
    return -1;
  return openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* procfs magic links (fd/N, cwd, root, exe, ns/...) read as absolute
 * paths or "type:[inode]"; the plain ones (self, mounts, net) are
 * relative.  Refuse the former, as RESOLVE_NO_MAGICLINKS does. */
static bool
is_magic_link (int linkfd, const char *target)
{
  struct statfs sfs;

  if (target[0] != '/' && strchr (target, ':') == NULL)
    return false;
  return fstatfs (linkfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* Replace the walk's remaining path with "<target>/<rest>". */
static int
splice_symlink (int linkfd, const char *rest, char **remaining)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (linkfd, "", target, sizeof target - 1);
  char *s;

  if (n < 0)
    return -1;
  target[n] = '\0';
  if (is_magic_link (linkfd, target))
    {
      errno = ELOOP;
      return -1;
    }
  if (asprintf (&s, "%s/%s", target, rest) < 0)
    return -1;
  free (*remaining);
  *remaining = s;
  return 0;
}

/* The slow path: component by component, never following a symlink with
 * the kernel but splicing its target into the remaining path. */
static int
walk_in_root (int rootfd, const char *path, enum ocirun_path_create create)
{
  struct walk w = { 0 };
  cleanup_free char *remaining = strdup (path);
  char *p;
  int links = 0, saved, result = -1;

  if (remaining == NULL || walk_push (&w, rootfd) < 0)
    goto out;
  p = remaining;
  for (;;)
    {
      char *comp, *next;
      struct stat st;
      bool last;
      int fd;

      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      comp = p;
      next = strchrnul (p, '/');
      p = next;
      if (*next)
        *p++ = '\0';
      last = p[strspn (p, "/")] == '\0';
      if (strcmp (comp, ".") == 0)
        continue;
      if (strcmp (comp, "..") == 0)
        {
          if (w.len > 1)
            walk_pop_to (&w, w.len - 1);
          continue;
        }
      fd = open_component (w.fds[w.len - 1], comp, last, create);
      if (fd < 0)
        goto out;
      if (fstat (fd, &st) < 0)
        goto out_close;
      if (S_ISLNK (st.st_mode))
        {
          if (++links > MAX_SYMLINKS)
            {
              errno = ELOOP;
              goto out_close;
            }
          if (splice_symlink (fd, p, &remaining) < 0)
            goto out_close;
          /* p pointed into the old buffer, freed by splice_symlink. */
          close (fd);
          p = remaining;
          if (*p == '/')
            walk_pop_to (&w, 1);
          continue;
        }
      if (!last && !S_ISDIR (st.st_mode))
        {
          errno = ENOTDIR;
          goto out_close;
        }
      if (walk_push (&w, fd) < 0)
        goto out_close;
      continue;
    out_close:
      saved = errno;
      close (fd);
      errno = saved;
      goto out;
    }
  if (w.len == 1)
    result = openat (rootfd, ".", O_PATH | O_CLOEXEC);
  else
    result = w.fds[--w.len];
out:
  saved = errno;
  walk_free (&w);
  errno = saved;
  return result;
}

/* Split path into its parent (in buf, "/" for a single component) and
 * its last component (*base, also in buf); false if there is no plain
 * last component ("/", "a/..", "."). */
static bool
split_last (const char *path, char *buf, size_t len, const char **parent,
            const char **base)
{
  size_t end = strlen (path), start;

  while (end > 0 && path[end - 1] == '/')
    end--;
  start = end;
  while (start > 0 && path[start - 1] != '/')
    start--;
  if (end == start || end + 1 >= len
      || (end - start == 1 && path[start] == '.')
      || (end - start == 2 && path[start] == '.' && path[start + 1] == '.'))
    return false;
  memcpy (buf, path, end);
  buf[end] = '\0';
  *base = buf + start;
  *parent = "/";
  if (start > 1)
    {
      buf[start - 1] = '\0';
      *parent = buf;
    }
  return true;
}

/* The usual creation case: only the last component is missing.  Three
 * calls instead of a full walk; anything unusual (the parent is missing
 * too, the name appeared meanwhile, it is a symlink) returns -1 and the
 * caller does the full walk. */
static int
create_last_fast (int rootfd, const char *path, enum ocirun_path_create create)
{
  char buf[PATH_MAX];
  const char *dir, *base;
  int parent, fd = -1;

  if (!split_last (path, buf, sizeof buf, &dir, &base))
    return -1;
  parent = open_in_root_kernel (rootfd, dir);
  if (parent < 0)
    return -1;
  if (create == OCIRUN_PATH_MKFILE)
    {
      if (mknodat (parent, base, S_IFREG | 0644, 0) == 0)
        fd = openat (parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
  else if (mkdirat (parent, base, 0755) == 0)
    fd = openat (parent, base, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  close (parent);
  return fd;
}

int
ocirun_path_open_in_root (int rootfd, const char *path,
                          enum ocirun_path_create create,
                          struct ocirun_error *err)
{
  int fd = open_in_root_kernel (rootfd, path);

  if (fd >= 0)
    return fd;
  if (errno == ENOENT && create != OCIRUN_PATH_NOCREATE)
    {
      fd = create_last_fast (rootfd, path, create);
      if (fd < 0)
        fd = walk_in_root (rootfd, path, create);
    }
  else if (errno == ENOSYS || errno == EAGAIN)
    fd = walk_in_root (rootfd, path, create);
  if (fd < 0)
    return ocirun_error_errno (err, "resolve `%s` in rootfs", path);
  return fd;
}

int
ocirun_path_open_parent_in_root (int rootfd, const char *path, int mkdirs,
                                 char *base, size_t base_len,
                                 struct ocirun_error *err)
{
  char buf[PATH_MAX];
  const char *dir, *name;

  if (!split_last (path, buf, sizeof buf, &dir, &name)
      || strlen (name) >= base_len)
    return ocirun_error_set (err, EINVAL, "`%s`: no file name", path);
  strcpy (base, name);
  return ocirun_path_open_in_root (
      rootfd, dir, mkdirs ? OCIRUN_PATH_MKDIR : OCIRUN_PATH_NOCREATE, err);
}
