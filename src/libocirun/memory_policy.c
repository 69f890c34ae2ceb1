/* memory_policy.c - linux.memoryPolicy with set_mempolicy(2) (see
 * memory_policy.h).  Raw syscall: no libnuma. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/log.h"
#include "libocirun/memory_policy.h"

/* The kernel ABI (include/uapi/linux/mempolicy.h); spelled out because
 * older headers lack the newer modes. */
enum
{
  K_MPOL_DEFAULT = 0,
  K_MPOL_PREFERRED = 1,
  K_MPOL_BIND = 2,
  K_MPOL_INTERLEAVE = 3,
  K_MPOL_LOCAL = 4,
  K_MPOL_PREFERRED_MANY = 5,
  K_MPOL_WEIGHTED_INTERLEAVE = 6,
};
#define K_MPOL_F_NUMA_BALANCING (1 << 13)
#define K_MPOL_F_RELATIVE_NODES (1 << 14)
#define K_MPOL_F_STATIC_NODES (1 << 15)

#define BITS_PER_LONG (sizeof (unsigned long) * CHAR_BIT)
#define MASK_LONGS ((OCIRUN_MPOL_MAX_NODE + 1) / BITS_PER_LONG)

static const struct
{
  const char *name;
  int value;
} modes[] = {
  { "MPOL_DEFAULT", K_MPOL_DEFAULT },
  { "MPOL_PREFERRED", K_MPOL_PREFERRED },
  { "MPOL_BIND", K_MPOL_BIND },
  { "MPOL_INTERLEAVE", K_MPOL_INTERLEAVE },
  { "MPOL_LOCAL", K_MPOL_LOCAL },
  { "MPOL_PREFERRED_MANY", K_MPOL_PREFERRED_MANY },
  { "MPOL_WEIGHTED_INTERLEAVE", K_MPOL_WEIGHTED_INTERLEAVE },
},
  flags[] = {
    { "MPOL_F_NUMA_BALANCING", K_MPOL_F_NUMA_BALANCING },
    { "MPOL_F_RELATIVE_NODES", K_MPOL_F_RELATIVE_NODES },
    { "MPOL_F_STATIC_NODES", K_MPOL_F_STATIC_NODES },
  };

int
ocirun_memory_policy_mode (const char *name)
{
  for (size_t i = 0; name && i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp (name, modes[i].name) == 0)
      return modes[i].value;
  return -1;
}

int
ocirun_memory_policy_flag (const char *name)
{
  for (size_t i = 0; name && i < sizeof flags / sizeof flags[0]; i++)
    if (strcmp (name, flags[i].name) == 0)
      return flags[i].value;
  return -1;
}

/* A decimal node number at *p (no sign, no spaces); advances *p. */
static bool
parse_node (const char **p, unsigned int *out)
{
  unsigned long v = 0;
  const char *s = *p;

  if (*s < '0' || *s > '9')
    return false;
  while (*s >= '0' && *s <= '9')
    {
      v = v * 10 + (unsigned long)(*s - '0');
      if (v > OCIRUN_MPOL_MAX_NODE)
        return false;
      s++;
    }
  *p = s;
  *out = (unsigned int)v;
  return true;
}

int
ocirun_memory_policy_parse_nodes (const char *nodes, unsigned long *mask,
                                  size_t len, unsigned int *max_node)
{
  const char *p = nodes;
  unsigned int hi = 0;

  memset (mask, 0, len * sizeof *mask);
  if (p == NULL || *p == '\0')
    return -1;
  for (;;)
    {
      unsigned int a, b;

      if (!parse_node (&p, &a))
        return -1;
      b = a;
      if (*p == '-')
        {
          p++;
          if (!parse_node (&p, &b) || b < a)
            return -1;
        }
      if (b >= len * BITS_PER_LONG)
        return -1;
      for (unsigned int n = a; n <= b; n++)
        mask[n / BITS_PER_LONG] |= 1UL << (n % BITS_PER_LONG);
      if (b > hi)
        hi = b;
      if (*p == '\0')
        break;
      if (*p++ != ',')
        return -1;
    }
  if (max_node)
    *max_node = hi;
  return 0;
}

static bool
takes_no_nodes (int mode)
{
  return mode == K_MPOL_DEFAULT || mode == K_MPOL_LOCAL;
}

int
ocirun_memory_policy_validate (const struct oci_config *cfg,
                               struct ocirun_error *err)
{
  const struct oci_memory_policy *mp
      = cfg->linux_ ? cfg->linux_->memory_policy : NULL;
  unsigned long mask[MASK_LONGS];
  int mode, fl = 0;

  if (mp == NULL)
    return 0;
  mode = ocirun_memory_policy_mode (mp->mode);
  if (mode < 0)
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.memoryPolicy.mode: unknown "
                             "memory policy mode \"%s\"",
                             mp->mode ? mp->mode : "");
  for (size_t i = 0; i < mp->flags_len; i++)
    {
      int f = ocirun_memory_policy_flag (mp->flags[i]);

      if (f < 0)
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.memoryPolicy.flags[%zu]: "
                                 "unknown memory policy flag \"%s\"",
                                 i, mp->flags[i] ? mp->flags[i] : "");
      fl |= f;
    }
  if ((fl & K_MPOL_F_STATIC_NODES) && (fl & K_MPOL_F_RELATIVE_NODES))
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.memoryPolicy.flags: "
                             "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
                             "exclude each other");
  if (takes_no_nodes (mode))
    {
      if (mp->nodes && mp->nodes[0] != '\0')
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.memoryPolicy.nodes: "
                                 "%s takes no nodes, got \"%s\"",
                                 mp->mode, mp->nodes);
      return 0;
    }
  if (mp->nodes == NULL || mp->nodes[0] == '\0')
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.memoryPolicy.nodes: "
                             "required for %s",
                             mp->mode);
  if (ocirun_memory_policy_parse_nodes (mp->nodes, mask, MASK_LONGS, NULL) < 0)
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.memoryPolicy.nodes: invalid "
                             "node list \"%s\" (expected e.g. \"0-3,7\", "
                             "nodes 0-%d)",
                             mp->nodes, OCIRUN_MPOL_MAX_NODE);
  return 0;
}

int
ocirun_memory_policy_apply (const struct oci_memory_policy *mp,
                            struct ocirun_error *err)
{
  unsigned long mask[MASK_LONGS];
  unsigned long maxnode = 0;
  unsigned int hi = 0;
  int mode, fl = 0;

  if (mp == NULL)
    return 0;
  mode = ocirun_memory_policy_mode (mp->mode);
  if (mode < 0)
    return ocirun_error_set (err, EINVAL, "unknown memory policy mode `%s`",
                             mp->mode ? mp->mode : "");
  for (size_t i = 0; i < mp->flags_len; i++)
    {
      int f = ocirun_memory_policy_flag (mp->flags[i]);

      if (f < 0)
        return ocirun_error_set (err, EINVAL,
                                 "unknown memory policy flag `%s`",
                                 mp->flags[i] ? mp->flags[i] : "");
      fl |= f;
    }
  memset (mask, 0, sizeof mask);
  if (mp->nodes && mp->nodes[0] != '\0')
    {
      if (ocirun_memory_policy_parse_nodes (mp->nodes, mask, MASK_LONGS, &hi)
          < 0)
        return ocirun_error_set (
            err, EINVAL, "invalid memory policy nodes `%s`", mp->nodes);
      /* The kernel reads maxnode - 1 bits: whole longs up to node hi. */
      maxnode = (hi / BITS_PER_LONG + 1) * BITS_PER_LONG + 1;
    }
  ocirun_debug ("set_mempolicy %s (%d) flags %#x nodes `%s`", mp->mode, mode,
                fl, mp->nodes ? mp->nodes : "");
  if (syscall (SYS_set_mempolicy, mode | fl, maxnode ? mask : NULL, maxnode)
      < 0)
    return ocirun_error_errno (err,
                               "linux.memoryPolicy: set_mempolicy %s nodes "
                               "`%s`",
                               mp->mode, mp->nodes ? mp->nodes : "");
  return 0;
}
