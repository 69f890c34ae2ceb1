/* cmd_spec.c - `ocirun spec [--bundle DIR] [--rootless] [--no-seccomp]`:
 * write a default config.json, refusing to overwrite an existing one (as
 * runc does). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "libocirun/cleanup.h"
#include "libocirun/error.h"
#include "libocirun/security.h"
#include "oci-spec/config.h"
#include "oci-spec/spec_default.h"

static void
spec_usage (FILE *out)
{
  fprintf (out, "Usage: ocirun spec [OPTIONS]\n\n"
                "Write a default config.json for a bundle.\n\n"
                "Options:\n"
                "  -b, --bundle DIR   bundle directory (default: current "
                "directory)\n"
                "      --rootless     generate a config for a rootless "
                "container\n"
                "      --no-seccomp   leave out the default seccomp profile\n"
                "  -h, --help         print this help\n");
}

/* Write the whole buffer; O_EXCL makes "exists" an error, not a race. */
static int
write_new_file (int dirfd, const char *dir, const char *name, const char *data,
                size_t len, struct ocirun_error *err)
{
  cleanup_close int fd
      = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST)
    return ocirun_error_set (
        err, 0, "file `%s/%s` already exists: remove it first", dir, name);
  if (fd < 0)
    return ocirun_error_errno (err, "create `%s/%s`", dir, name);
  while (len > 0)
    {
      ssize_t w = write (fd, data, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          int saved = errno;
          unlinkat (dirfd, name, 0);
          return ocirun_error_set (err, saved, "write `%s/%s`", dir, name);
        }
      data += w;
      len -= (size_t)w;
    }
  return 0;
}

/* --no-seccomp: the default config minus linux.seccomp. */
static void
drop_seccomp (struct oci_config *c)
{
  if (c->linux_ == NULL)
    return;
  ocirun_seccomp_free (c->linux_->seccomp);
  c->linux_->seccomp = NULL;
}

static int
spec_write (const char *bundle, bool rootless, bool no_seccomp,
            struct ocirun_error *err)
{
  cleanup_oci_config struct oci_config *c = NULL;
  cleanup_free char *json = NULL;
  size_t len;

  if (oci_spec_default (rootless, geteuid (), getegid (), &c, err) < 0)
    return -1;
  if (no_seccomp)
    drop_seccomp (c);
  if (oci_config_generate (c, &json, &len, err) < 0)
    return -1;

  cleanup_close int dirfd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return ocirun_error_errno (err, "open bundle `%s`", bundle);
  return write_new_file (dirfd, bundle, "config.json", json, len, err);
}

int
cmd_spec (struct ocirun_global_options *g, int argc, char **argv)
{
  enum
  {
    OPT_ROOTLESS = 256,
    OPT_NO_SECCOMP,
  };
  static const struct option longopts[]
      = { { "bundle", required_argument, NULL, 'b' },
          { "rootless", no_argument, NULL, OPT_ROOTLESS },
          { "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
          { "help", no_argument, NULL, 'h' },
          { NULL, 0, NULL, 0 } };
  const char *bundle = ".";
  bool rootless = false;
  bool no_seccomp = false;
  int c;

  (void)g;
  optind = 0; /* full getopt re-initialisation after main's pass */
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+b:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        bundle = optarg;
        break;
      case OPT_ROOTLESS:
        rootless = true;
        break;
      case OPT_NO_SECCOMP:
        no_seccomp = true;
        break;
      case 'h':
        spec_usage (stdout);
        return 0;
      default:
        return cmd_usage_error ("spec", "unknown or incomplete option `%s`",
                                argv[optind - 1]);
      }
  if (optind < argc)
    return cmd_usage_error ("spec", "unexpected argument `%s`", argv[optind]);

  struct ocirun_error err = { 0 };
  if (spec_write (bundle, rootless, no_seccomp, &err) < 0)
    return cmd_fail (&err);
  return 0;
}
