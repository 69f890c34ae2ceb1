/* config_free.c - release a struct oci_config and its parts.
 *
 * Every free function accepts partially filled objects: the parser
 * attaches each allocation before filling it, and frees the whole tree on
 * error. */
#include <stdlib.h>
#include <string.h>

#include "oci-spec/config.h"
#include "oci-spec/parse_ctx.h"

static void
hooks_array_free (struct oci_hook *h, size_t n)
{
  for (size_t i = 0; h && i < n; i++)
    {
      free (h[i].path);
      oci_strv_free (h[i].args, h[i].args_len);
      oci_strv_free (h[i].env, h[i].env_len);
    }
  free (h);
}

static void
hooks_free (struct oci_hooks *h)
{
  if (h == NULL)
    return;
  hooks_array_free (h->prestart, h->prestart_len);
  hooks_array_free (h->create_runtime, h->create_runtime_len);
  hooks_array_free (h->create_container, h->create_container_len);
  hooks_array_free (h->start_container, h->start_container_len);
  hooks_array_free (h->poststart, h->poststart_len);
  hooks_array_free (h->poststop, h->poststop_len);
  free (h);
}

static void
capabilities_free (struct oci_capabilities *c)
{
  if (c == NULL)
    return;
  oci_strv_free (c->bounding, c->bounding_len);
  oci_strv_free (c->effective, c->effective_len);
  oci_strv_free (c->inheritable, c->inheritable_len);
  oci_strv_free (c->permitted, c->permitted_len);
  oci_strv_free (c->ambient, c->ambient_len);
  free (c);
}

void
oci_process_free (struct oci_process *p)
{
  if (p == NULL)
    return;
  free (p->console_size);
  free (p->user.additional_gids);
  free (p->user.username);
  oci_strv_free (p->args, p->args_len);
  free (p->command_line);
  oci_strv_free (p->env, p->env_len);
  free (p->cwd);
  capabilities_free (p->capabilities);
  for (size_t i = 0; p->rlimits && i < p->rlimits_len; i++)
    free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  if (p->scheduler)
    {
      free (p->scheduler->policy);
      oci_strv_free (p->scheduler->flags, p->scheduler->flags_len);
      free (p->scheduler);
    }
  free (p->selinux_label);
  if (p->io_priority)
    free (p->io_priority->class_);
  free (p->io_priority);
  if (p->exec_cpu_affinity)
    {
      free (p->exec_cpu_affinity->initial);
      free (p->exec_cpu_affinity->final);
      free (p->exec_cpu_affinity);
    }
  free (p);
}

static void
mounts_free (struct oci_mount *m, size_t n)
{
  for (size_t i = 0; m && i < n; i++)
    {
      free (m[i].destination);
      free (m[i].type);
      free (m[i].source);
      oci_strv_free (m[i].options, m[i].options_len);
      free (m[i].uid_mappings);
      free (m[i].gid_mappings);
    }
  free (m);
}

static void
block_io_free (struct oci_block_io *b)
{
  if (b == NULL)
    return;
  free (b->weight_device);
  free (b->throttle_read_bps_device);
  free (b->throttle_write_bps_device);
  free (b->throttle_read_iops_device);
  free (b->throttle_write_iops_device);
  free (b);
}

void
oci_resources_free (struct oci_resources *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; r->devices && i < r->devices_len; i++)
    free (r->devices[i].access);
  free (r->devices);
  free (r->memory);
  if (r->cpu)
    {
      free (r->cpu->cpus);
      free (r->cpu->mems);
      free (r->cpu);
    }
  free (r->pids);
  block_io_free (r->block_io);
  for (size_t i = 0; r->hugepage_limits && i < r->hugepage_limits_len; i++)
    free (r->hugepage_limits[i].page_size);
  free (r->hugepage_limits);
  if (r->network)
    {
      for (size_t i = 0;
           r->network->priorities && i < r->network->priorities_len; i++)
        free (r->network->priorities[i].name);
      free (r->network->priorities);
      free (r->network);
    }
  for (size_t i = 0; r->rdma && i < r->rdma_len; i++)
    free (r->rdma[i].device);
  free (r->rdma);
  oci_kv_free (r->unified, r->unified_len);
  free (r);
}

static void
seccomp_free (struct oci_seccomp *s)
{
  if (s == NULL)
    return;
  oci_strv_free (s->architectures, s->architectures_len);
  oci_strv_free (s->flags, s->flags_len);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->syscalls_len; i++)
    {
      oci_strv_free (s->syscalls[i].names, s->syscalls[i].names_len);
      free (s->syscalls[i].args);
    }
  free (s->syscalls);
  free (s);
}

static void
linux_free (struct oci_linux *l)
{
  if (l == NULL)
    return;
  for (size_t i = 0; l->namespaces && i < l->namespaces_len; i++)
    free (l->namespaces[i].path);
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  free (l->time_offsets);
  for (size_t i = 0; l->devices && i < l->devices_len; i++)
    free (l->devices[i].path);
  free (l->devices);
  for (size_t i = 0; l->net_devices && i < l->net_devices_len; i++)
    {
      free (l->net_devices[i].host_name);
      free (l->net_devices[i].name);
    }
  free (l->net_devices);
  free (l->cgroups_path);
  oci_resources_free (l->resources);
  if (l->intel_rdt)
    {
      free (l->intel_rdt->clos_id);
      free (l->intel_rdt->l3_cache_schema);
      free (l->intel_rdt->mem_bw_schema);
      oci_strv_free (l->intel_rdt->schemata, l->intel_rdt->schemata_len);
      free (l->intel_rdt);
    }
  oci_kv_free (l->sysctl, l->sysctl_len);
  seccomp_free (l->seccomp);
  free (l->rootfs_propagation);
  oci_strv_free (l->masked_paths, l->masked_paths_len);
  oci_strv_free (l->readonly_paths, l->readonly_paths_len);
  free (l->mount_label);
  if (l->personality)
    {
      free (l->personality->domain);
      oci_strv_free (l->personality->flags, l->personality->flags_len);
      free (l->personality);
    }
  if (l->memory_policy)
    {
      free (l->memory_policy->mode);
      free (l->memory_policy->nodes);
      oci_strv_free (l->memory_policy->flags, l->memory_policy->flags_len);
      free (l->memory_policy);
    }
  free (l);
}

void
oci_config_free (struct oci_config *c)
{
  if (c == NULL)
    return;
  free (c->oci_version);
  oci_process_free (c->process);
  if (c->root)
    free (c->root->path);
  free (c->root);
  free (c->hostname);
  free (c->domainname);
  mounts_free (c->mounts, c->mounts_len);
  hooks_free (c->hooks);
  oci_kv_free (c->annotations, c->annotations_len);
  linux_free (c->linux_);
  free (c);
}

void
oci_config_freep (struct oci_config **c)
{
  oci_config_free (*c);
}

void
oci_process_freep (struct oci_process **p)
{
  oci_process_free (*p);
}

void
oci_resources_freep (struct oci_resources **r)
{
  oci_resources_free (*r);
}

const struct oci_namespace *
oci_config_find_namespace (const struct oci_config *c,
                           enum oci_namespace_type type)
{
  if (c == NULL || c->linux_ == NULL)
    return NULL;
  for (size_t i = 0; i < c->linux_->namespaces_len; i++)
    if (c->linux_->namespaces[i].type == type)
      return &c->linux_->namespaces[i];
  return NULL;
}

const char *
oci_config_annotation (const struct oci_config *c, const char *key)
{
  if (c == NULL)
    return NULL;
  for (size_t i = 0; i < c->annotations_len; i++)
    if (strcmp (c->annotations[i].key, key) == 0)
      return c->annotations[i].value;
  return NULL;
}
