/* mount_copyup.c - tmpcopyup: seed a fresh tmpfs with the contents of
 * the directory it covers, keeping owners, modes and times. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/mounts.h"

static int copy_entry (int srcdir, int dstdir, const char *name,
                       struct ocirun_error *err);

static int
copy_data (int in, int out)
{
  for (;;)
    {
      ssize_t n = sendfile (out, in, NULL, 1 << 20);
      if (n == 0)
        return 0;
      if (n < 0 && errno != EINTR)
        return -1;
    }
}

static int
copy_regular (int srcdir, int dstdir, const char *name, const struct stat *st)
{
  cleanup_close int in
      = openat (srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = -1;

  if (in < 0)
    return -1;
  out = openat (dstdir, name,
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                st->st_mode & 07777);
  if (out < 0 || copy_data (in, out) < 0)
    return -1;
  return 0;
}

static int
copy_symlink (int srcdir, int dstdir, const char *name, const struct stat *st)
{
  char target[4096];
  ssize_t n = readlinkat (srcdir, name, target, sizeof target - 1);

  if (n < 0)
    return -1;
  target[n] = '\0';
  return symlinkat (target, dstdir, name);
}

static int
copy_dir (int srcdir, int dstdir, const char *name, const struct stat *st,
          struct ocirun_error *err)
{
  cleanup_close int s = -1;
  cleanup_close int d = -1;

  if (mkdirat (dstdir, name, st->st_mode & 07777) < 0)
    return ocirun_error_errno (err, "tmpcopyup: mkdir `%s`", name);
  s = openat (srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  d = openat (dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (s < 0 || d < 0)
    return ocirun_error_errno (err, "tmpcopyup: open `%s`", name);
  return ocirun_copy_dir_contents (s, d, err);
}

/* Copy one directory entry, then give it the source's owner, mode and
 * times (after the content, so a read-only mode doesn't stop us). */
static int
copy_entry (int srcdir, int dstdir, const char *name, struct ocirun_error *err)
{
  struct stat st;
  struct timespec times[2];
  int r;

  if (fstatat (srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirun_error_errno (err, "tmpcopyup: stat `%s`", name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFDIR:
      if (copy_dir (srcdir, dstdir, name, &st, err) < 0)
        return -1;
      r = 0;
      break;
    case S_IFREG:
      r = copy_regular (srcdir, dstdir, name, &st);
      break;
    case S_IFLNK:
      r = copy_symlink (srcdir, dstdir, name, &st);
      break;
    default: /* devices, fifos, sockets */
      r = mknodat (dstdir, name, st.st_mode, st.st_rdev);
      break;
    }
  if (r < 0)
    return ocirun_error_errno (err, "tmpcopyup: copy `%s`", name);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  if (fchownat (dstdir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0
      || (!S_ISLNK (st.st_mode)
          && fchmodat (dstdir, name, st.st_mode & 07777, 0) < 0)
      || utimensat (dstdir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirun_error_errno (err, "tmpcopyup: attributes of `%s`", name);
  return 0;
}

int
ocirun_copy_dir_contents (int srcfd, int dstfd, struct ocirun_error *err)
{
  int fd = fcntl (srcfd, F_DUPFD_CLOEXEC, 0);
  DIR *dir;
  struct dirent *de;
  int r = 0;

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return ocirun_error_errno (err, "tmpcopyup: read directory");
    }
  while (r == 0 && (de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      r = copy_entry (srcfd, dstfd, de->d_name, err);
    }
  closedir (dir);
  return r;
}
