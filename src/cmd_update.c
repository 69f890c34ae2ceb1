/* cmd_update.c - `ocirun update [FLAGS] ID` and `ocirun update -r FILE ID`
 * (runc's flags; `-r -` reads stdin).  Only what is given is written:
 * with -r, what the JSON sets; otherwise one value per flag. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>

#include "commands.h"
#include "libocirun/cgroup_target.h"
#include "libocirun/cleanup.h"

static void
update_usage (FILE *out)
{
  fprintf (out,
           "Usage: ocirun update [OPTIONS] CONTAINER_ID\n\n"
           "Change the resource limits of a container.\n\n"
           "Options:\n"
           "  -r, --resources FILE       linux.resources JSON ('-': stdin)\n"
           "      --blkio-weight N       block IO weight, 10-1000\n"
           "      --cpu-period N         CFS period (us)\n"
           "      --cpu-quota N          CFS quota (us), -1 for none\n"
           "      --cpu-share(s) N       CPU shares\n"
           "      --cpu-rt-period N      realtime period (us)\n"
           "      --cpu-rt-runtime N     realtime runtime (us)\n"
           "      --cpuset-cpus LIST     CPUs to use\n"
           "      --cpuset-mems LIST     memory nodes to use\n"
           "      --memory N             memory limit (bytes, k/m/g suffix "
           "ok)\n"
           "      --memory-reservation N soft memory limit\n"
           "      --memory-swap N        memory+swap limit, -1 unlimited\n"
           "      --kernel-memory N      kernel memory limit (ignored)\n"
           "      --kernel-memory-tcp N  kernel TCP buffer limit\n"
           "      --pids-limit N         maximum number of pids\n"
           "  -h, --help                 print this help\n");
}

enum
{
  O_BLKIO = 256,
  O_CPU_PERIOD,
  O_CPU_QUOTA,
  O_CPU_SHARES,
  O_RT_PERIOD,
  O_RT_RUNTIME,
  O_CPUS,
  O_MEMS,
  O_MEMORY,
  O_MEM_RES,
  O_MEM_SWAP,
  O_KMEM,
  O_KMEM_TCP,
  O_PIDS,
};

static const struct option update_opts[] = {
  { "resources", required_argument, NULL, 'r' },
  { "blkio-weight", required_argument, NULL, O_BLKIO },
  { "cpu-period", required_argument, NULL, O_CPU_PERIOD },
  { "cpu-quota", required_argument, NULL, O_CPU_QUOTA },
  { "cpu-share", required_argument, NULL, O_CPU_SHARES },
  { "cpu-shares", required_argument, NULL, O_CPU_SHARES },
  { "cpu-rt-period", required_argument, NULL, O_RT_PERIOD },
  { "cpu-rt-runtime", required_argument, NULL, O_RT_RUNTIME },
  { "cpuset-cpus", required_argument, NULL, O_CPUS },
  { "cpuset-mems", required_argument, NULL, O_MEMS },
  { "memory", required_argument, NULL, O_MEMORY },
  { "memory-reservation", required_argument, NULL, O_MEM_RES },
  { "memory-swap", required_argument, NULL, O_MEM_SWAP },
  { "kernel-memory", required_argument, NULL, O_KMEM },
  { "kernel-memory-tcp", required_argument, NULL, O_KMEM_TCP },
  { "pids-limit", required_argument, NULL, O_PIDS },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* The resources the flags build, on the stack. */
struct flag_resources
{
  struct oci_resources r;
  struct oci_memory mem;
  struct oci_cpu cpu;
  struct oci_pids pids;
  struct oci_block_io bio;
};

/* runc's units.RAMInBytes: "123", "64k", "1.5g", "512MiB"... or -1. */
static int
parse_bytes (const char *s, int64_t *out)
{
  static const char units[] = "kmgtp";
  const char *u;
  char *end;
  double v, mult = 1;

  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  errno = 0;
  v = strtod (s, &end);
  if (errno || end == s || v < 0)
    return -1;
  if (*end && (u = strchr (units, tolower ((unsigned char)*end))) != NULL)
    {
      for (const char *k = units; k <= u; k++)
        mult *= 1024;
      end++;
    }
  /* What may follow: nothing, "b" or "ib" (any case). */
  if (*end && strcasecmp (end, "b") != 0
      && (mult == 1 || strcasecmp (end, "ib") != 0))
    return -1;
  *out = (int64_t)(v * mult);
  return 0;
}

static const char *
flag_name (int val)
{
  for (const struct option *o = update_opts; o->name; o++)
    if (o->val == val)
      return o->name;
  return "?";
}

static int
parse_i64 (const char *s, int64_t *out)
{
  char *end;

  errno = 0;
  *out = strtoll (s, &end, 10);
  return (errno || end == s || *end) ? -1 : 0;
}

static int
parse_u64 (const char *s, uint64_t *out)
{
  char *end;

  if (*s == '-')
    return -1;
  errno = 0;
  *out = strtoull (s, &end, 10);
  return (errno || end == s || *end) ? -1 : 0;
}

/* One flag into f; < 0 on a bad value. */
static int
apply_flag (struct flag_resources *f, int opt, const char *v)
{
  int64_t i;
  uint64_t u;

  switch (opt)
    {
    case O_BLKIO:
      if (parse_u64 (v, &u) < 0 || u > 65535)
        return -1;
      f->bio.weight.set = true;
      f->bio.weight.value = (uint16_t)u;
      f->r.block_io = &f->bio;
      return 0;
    case O_CPU_PERIOD:
    case O_CPU_SHARES:
    case O_RT_PERIOD:
      if (parse_u64 (v, &u) < 0)
        return -1;
      {
        struct oci_opt_u64 *d = opt == O_CPU_PERIOD ? &f->cpu.period
                                : opt == O_CPU_SHARES
                                    ? &f->cpu.shares
                                    : &f->cpu.realtime_period;
        d->set = true;
        d->value = u;
      }
      f->r.cpu = &f->cpu;
      return 0;
    case O_CPU_QUOTA:
    case O_RT_RUNTIME:
      if (parse_i64 (v, &i) < 0)
        return -1;
      {
        struct oci_opt_i64 *d
            = opt == O_CPU_QUOTA ? &f->cpu.quota : &f->cpu.realtime_runtime;
        d->set = true;
        d->value = i;
      }
      f->r.cpu = &f->cpu;
      return 0;
    case O_CPUS:
      f->cpu.cpus = (char *)v;
      f->r.cpu = &f->cpu;
      return 0;
    case O_MEMS:
      f->cpu.mems = (char *)v;
      f->r.cpu = &f->cpu;
      return 0;
    case O_PIDS:
      if (parse_i64 (v, &i) < 0)
        return -1;
      f->pids.limit = i;
      f->r.pids = &f->pids;
      return 0;
    default:
      break;
    }
  if (parse_bytes (v, &i) < 0)
    return -1;
  {
    struct oci_opt_i64 *d = opt == O_MEMORY     ? &f->mem.limit
                            : opt == O_MEM_RES  ? &f->mem.reservation
                            : opt == O_MEM_SWAP ? &f->mem.swap
                            : opt == O_KMEM     ? &f->mem.kernel
                                                : &f->mem.kernel_tcp;
    d->set = true;
    d->value = i;
  }
  f->r.memory = &f->mem;
  return 0;
}

static int
read_resources (const char *file, struct oci_resources **out,
                struct ocirun_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;

  if (strcmp (file, "-") != 0)
    return oci_resources_parse_file (file, out, err);
  for (;;)
    {
      size_t r;
      if (cap - len < 4096)
        {
          char *n = realloc (buf, cap + 65536);
          if (n == NULL)
            return ocirun_error_errno (err, "update: read stdin");
          buf = n;
          cap += 65536;
        }
      r = fread (buf + len, 1, cap - len, stdin);
      len += r;
      if (r == 0)
        break;
    }
  if (ferror (stdin))
    return ocirun_error_errno (err, "update: read stdin");
  return oci_resources_parse_data (buf, len, "<stdin>", out, err);
}

static int
do_update (const char *root, const char *id, const struct oci_resources *r,
           struct ocirun_error *err)
{
  struct ocirun_cgroup_target t;
  int ret;

  ret = ocirun_cgroup_target_open (root, id, LOCK_EX, &t, err);
  if (ret == 0 && t.status != OCI_STATUS_RUNNING
      && t.status != OCI_STATUS_CREATED)
    ret = ocirun_error_set (err, EINVAL, "container `%s` is not running", id);
  if (ret == 0)
    ret = ocirun_cgroup_update (&t.c, r, err);
  ocirun_cgroup_target_close (&t);
  return ret;
}

int
cmd_update (struct ocirun_global_options *g, int argc, char **argv)
{
  struct flag_resources f;
  cleanup_oci_resources struct oci_resources *parsed = NULL;
  const char *file = NULL;
  struct ocirun_error err;
  bool any_flag = false;
  int c;

  memset (&f, 0, sizeof f);
  ocirun_error_clear (&err);
  while ((c = getopt_long (argc, argv, "+r:h", update_opts, NULL)) != -1)
    switch (c)
      {
      case 'r':
        file = optarg;
        break;
      case 'h':
        update_usage (stdout);
        return 0;
      case '?':
        return cmd_usage_error ("update", "unknown option");
      default:
        if (apply_flag (&f, c, optarg) < 0)
          return cmd_usage_error ("update", "invalid value \"%s\" for --%s",
                                  optarg, flag_name (c));
        any_flag = true;
      }
  if (argc - optind != 1)
    return cmd_usage_error ("update", "update needs exactly one container id");
  if (file && any_flag)
    return cmd_usage_error ("update", "--resources and resource flags "
                                      "cannot be combined");
  if (file && read_resources (file, &parsed, &err) < 0)
    return cmd_fail (&err);
  if (do_update (g->root, argv[optind], file ? parsed : &f.r, &err) < 0)
    return cmd_fail (&err);
  return 0;
}
