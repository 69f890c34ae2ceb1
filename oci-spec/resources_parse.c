/* resources_parse.c - linux.resources, also the whole document of
 * `update -r resources.json`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cleanup.h"
#include "oci-spec/json_tree.h"
#include "oci-spec/parse_internal.h"

/* type of a device rule or device: one letter out of `allowed`. */
static int
p_device_type (struct pctx *p, const struct oci_json *o, unsigned flags,
               const char *allowed, enum oci_device_type *out)
{
  cleanup_free char *s = NULL;
  if (p_string (p, o, "type", flags, &s) < 0)
    return -1;
  if (s == NULL)
    return 0;
  enum oci_device_type t = oci_device_type_from_string (s);
  if (t == OCI_DEVICE_NONE || strchr (allowed, s[0]) == NULL)
    {
      size_t old = pctx_push_key (p, "type", 4);
      pctx_fail (p, "unknown device type \"%.16s\" (expected one of %s)", s,
                 allowed);
      pctx_pop (p, old);
      return -1;
    }
  *out = t;
  return 0;
}

static int
parse_device_rule (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_device_cgroup *d = dst;
  if (p_bool (p, o, "allow", P_REQUIRED, &d->allow) < 0
      || p_device_type (p, o, 0, "acb", &d->type) < 0
      || p_opt_i64 (p, o, "major", &d->major) < 0
      || p_opt_i64 (p, o, "minor", &d->minor) < 0
      || p_string (p, o, "access", 0, &d->access) < 0)
    return -1;
  return 0;
}

static int
parse_memory (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_memory *m = dst;
  if (p_opt_i64 (p, o, "limit", &m->limit) < 0
      || p_opt_i64 (p, o, "reservation", &m->reservation) < 0
      || p_opt_i64 (p, o, "swap", &m->swap) < 0
      || p_opt_i64 (p, o, "kernel", &m->kernel) < 0
      || p_opt_i64 (p, o, "kernelTCP", &m->kernel_tcp) < 0
      || p_opt_u64 (p, o, "swappiness", &m->swappiness) < 0
      || p_opt_bool (p, o, "disableOOMKiller", &m->disable_oom_killer) < 0
      || p_opt_bool (p, o, "useHierarchy", &m->use_hierarchy) < 0
      || p_opt_bool (p, o, "checkBeforeUpdate", &m->check_before_update) < 0)
    return -1;
  return 0;
}

static int
parse_cpu (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_cpu *c = dst;
  if (p_opt_u64 (p, o, "shares", &c->shares) < 0
      || p_opt_i64 (p, o, "quota", &c->quota) < 0
      || p_opt_u64 (p, o, "burst", &c->burst) < 0
      || p_opt_u64 (p, o, "period", &c->period) < 0
      || p_opt_i64 (p, o, "realtimeRuntime", &c->realtime_runtime) < 0
      || p_opt_u64 (p, o, "realtimePeriod", &c->realtime_period) < 0
      || p_string (p, o, "cpus", 0, &c->cpus) < 0
      || p_string (p, o, "mems", 0, &c->mems) < 0
      || p_opt_i64 (p, o, "idle", &c->idle) < 0)
    return -1;
  return 0;
}

static int
parse_pids (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_pids *pids = dst;
  return p_i64 (p, o, "limit", P_REQUIRED, &pids->limit);
}

static int
parse_weight_device (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_block_io_weight_device *w = dst;
  if (p_i64 (p, o, "major", P_REQUIRED, &w->major) < 0
      || p_i64 (p, o, "minor", P_REQUIRED, &w->minor) < 0
      || p_opt_u16 (p, o, "weight", &w->weight) < 0
      || p_opt_u16 (p, o, "leafWeight", &w->leaf_weight) < 0)
    return -1;
  return 0;
}

static int
parse_throttle_device (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_block_io_throttle_device *t = dst;
  if (p_i64 (p, o, "major", P_REQUIRED, &t->major) < 0
      || p_i64 (p, o, "minor", P_REQUIRED, &t->minor) < 0
      || p_u64 (p, o, "rate", 0, &t->rate) < 0)
    return -1;
  return 0;
}

static int
parse_block_io (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_block_io *b = dst;
  if (p_opt_u16 (p, o, "weight", &b->weight) < 0
      || p_opt_u16 (p, o, "leafWeight", &b->leaf_weight) < 0
      || p_object_array (p, o, "weightDevice", 0, sizeof *b->weight_device,
                         (void **)&b->weight_device, &b->weight_device_len,
                         parse_weight_device)
             < 0
      || p_object_array (p, o, "throttleReadBpsDevice", 0,
                         sizeof *b->throttle_read_bps_device,
                         (void **)&b->throttle_read_bps_device,
                         &b->throttle_read_bps_device_len,
                         parse_throttle_device)
             < 0
      || p_object_array (p, o, "throttleWriteBpsDevice", 0,
                         sizeof *b->throttle_write_bps_device,
                         (void **)&b->throttle_write_bps_device,
                         &b->throttle_write_bps_device_len,
                         parse_throttle_device)
             < 0
      || p_object_array (p, o, "throttleReadIOPSDevice", 0,
                         sizeof *b->throttle_read_iops_device,
                         (void **)&b->throttle_read_iops_device,
                         &b->throttle_read_iops_device_len,
                         parse_throttle_device)
             < 0
      || p_object_array (p, o, "throttleWriteIOPSDevice", 0,
                         sizeof *b->throttle_write_iops_device,
                         (void **)&b->throttle_write_iops_device,
                         &b->throttle_write_iops_device_len,
                         parse_throttle_device)
             < 0)
    return -1;
  return 0;
}

/* The schema's pattern ^[1-9][0-9]*[KMG]B$ ("2MB", "1GB"). */
static bool
valid_page_size (const char *s)
{
  if (*s < '1' || *s > '9')
    return false;
  while (*s >= '0' && *s <= '9')
    s++;
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B'
         && s[2] == '\0';
}

static int
parse_hugepage_limit (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_hugepage_limit *h = dst;
  if (p_string (p, o, "pageSize", P_REQUIRED, &h->page_size) < 0
      || p_u64 (p, o, "limit", P_REQUIRED, &h->limit) < 0)
    return -1;
  if (!valid_page_size (h->page_size))
    {
      size_t old = pctx_push_key (p, "pageSize", 8);
      pctx_fail (p, "invalid page size \"%.32s\" (expected e.g. \"2MB\")",
                 h->page_size);
      pctx_pop (p, old);
      return -1;
    }
  return 0;
}

static int
parse_net_priority (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_net_priority *n = dst;
  if (p_string (p, o, "name", P_REQUIRED, &n->name) < 0
      || p_u32 (p, o, "priority", P_REQUIRED, &n->priority) < 0)
    return -1;
  return 0;
}

static int
parse_network (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_network *n = dst;
  if (p_opt_u32 (p, o, "classID", &n->class_id) < 0
      || p_object_array (p, o, "priorities", 0, sizeof *n->priorities,
                         (void **)&n->priorities, &n->priorities_len,
                         parse_net_priority)
             < 0)
    return -1;
  return 0;
}

static int
parse_rdma_entry (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_rdma *r = dst;
  if (p_opt_u32 (p, o, "hcaHandles", &r->hca_handles) < 0
      || p_opt_u32 (p, o, "hcaObjects", &r->hca_objects) < 0)
    return -1;
  return 0;
}

/* "rdma": { "<device>": {...} } keyed by device name. */
static int
parse_rdma (struct pctx *p, const struct oci_json *o, struct oci_rdma **out,
            size_t *out_len)
{
  const struct oci_json *m = oci_json_get (o, "rdma");
  if (m == NULL)
    return 0;
  size_t old = pctx_push_key (p, "rdma", 4);
  int r = pctx_expect (p, m, OCI_JSON_OBJECT, "an object");
  if (r == 0 && m->n > 0)
    {
      *out = calloc (m->n, sizeof **out);
      if (*out == NULL)
        r = pctx_fail_errno (p, ENOMEM, "allocate");
      else
        *out_len = m->n;
    }
  for (size_t i = 0; r == 0 && i < m->n; i++)
    {
      size_t o2 = pctx_push_key (p, m->keys[i], m->key_lens[i]);
      if (memchr (m->keys[i], '\0', m->key_lens[i]) || m->key_lens[i] == 0)
        r = pctx_fail (p, "invalid device name");
      else if ((r
                = pctx_expect (p, m->values[i], OCI_JSON_OBJECT, "an object"))
               == 0)
        {
          (*out)[i].device = strdup (m->keys[i]);
          r = (*out)[i].device ? 0 : pctx_fail_errno (p, ENOMEM, "copy");
          if (r == 0)
            r = parse_rdma_entry (p, m->values[i], &(*out)[i]);
        }
      pctx_pop (p, o2);
    }
  pctx_pop (p, old);
  return r;
}

int
oci_parse_resources_obj (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_resources *r = dst;
  if (p_object_array (p, o, "devices", 0, sizeof *r->devices,
                      (void **)&r->devices, &r->devices_len, parse_device_rule)
          < 0
      || p_object (p, o, "memory", 0, sizeof *r->memory, (void **)&r->memory,
                   parse_memory)
             < 0
      || p_object (p, o, "cpu", 0, sizeof *r->cpu, (void **)&r->cpu, parse_cpu)
             < 0
      || p_object (p, o, "pids", 0, sizeof *r->pids, (void **)&r->pids,
                   parse_pids)
             < 0
      || p_object (p, o, "blockIO", 0, sizeof *r->block_io,
                   (void **)&r->block_io, parse_block_io)
             < 0
      || p_object_array (p, o, "hugepageLimits", 0, sizeof *r->hugepage_limits,
                         (void **)&r->hugepage_limits, &r->hugepage_limits_len,
                         parse_hugepage_limit)
             < 0
      || p_object (p, o, "network", 0, sizeof *r->network,
                   (void **)&r->network, parse_network)
             < 0
      || parse_rdma (p, o, &r->rdma, &r->rdma_len) < 0
      || p_map (p, o, "unified", &r->unified, &r->unified_len) < 0)
    return -1;
  return 0;
}

int
oci_resources_parse_data (const char *buf, size_t len, const char *filename,
                          struct oci_resources **out, struct ocirun_error *err)
{
  const char *file = filename ? filename : "resources.json";
  struct oci_resources *r = calloc (1, sizeof *r);
  if (r == NULL)
    return ocirun_error_set (err, ENOMEM, "%s: parse", file);
  if (oci_parse_document (buf, len, file, err, oci_parse_resources_obj, r) < 0)
    {
      oci_resources_free (r);
      return -1;
    }
  *out = r;
  return 0;
}

int
oci_resources_parse_file (const char *path, struct oci_resources **out,
                          struct ocirun_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (oci_json_read_file (path, &buf, &len, err) < 0)
    return -1;
  return oci_resources_parse_data (buf, len, oci_json_basename (path), out,
                                   err);
}
