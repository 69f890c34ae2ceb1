/* config_generate.c - struct oci_config -> config.json text.
 *
 * Members are written in the order of runc's `spec` output; absent fields
 * (NULL pointers, unset optionals) are omitted so that parse -> generate
 * -> parse is the identity. */
#include "oci-spec/config.h"
#include "oci-spec/json_gen.h"

static void
gen_id_mappings (struct jg *j, const char *key, const struct oci_id_mapping *m,
                 size_t n)
{
  if (m == NULL || n == 0)
    return;
  jg_key (j, key);
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_open (j);
      jg_key (j, "containerID");
      jg_u64 (j, m[i].container_id);
      jg_key (j, "hostID");
      jg_u64 (j, m[i].host_id);
      jg_key (j, "size");
      jg_u64 (j, m[i].size);
      jg_close (j);
    }
  jg_close_array (j);
}

static void
gen_user (struct jg *j, const struct oci_user *u)
{
  jg_key (j, "user");
  jg_open (j);
  jg_key (j, "uid");
  jg_u64 (j, u->uid);
  jg_key (j, "gid");
  jg_u64 (j, u->gid);
  jg_ku32 (j, "umask", u->umask);
  if (u->additional_gids && u->additional_gids_len)
    {
      jg_key (j, "additionalGids");
      jg_open_array (j);
      for (size_t i = 0; i < u->additional_gids_len; i++)
        jg_u64 (j, u->additional_gids[i]);
      jg_close_array (j);
    }
  jg_kstr (j, "username", u->username);
  jg_close (j);
}

static void
gen_capabilities (struct jg *j, const struct oci_capabilities *c)
{
  if (c == NULL)
    return;
  jg_key (j, "capabilities");
  jg_open (j);
  jg_kstrv (j, "bounding", c->bounding, c->bounding_len);
  jg_kstrv (j, "effective", c->effective, c->effective_len);
  jg_kstrv (j, "inheritable", c->inheritable, c->inheritable_len);
  jg_kstrv (j, "permitted", c->permitted, c->permitted_len);
  jg_kstrv (j, "ambient", c->ambient, c->ambient_len);
  jg_close (j);
}

static void
gen_rlimits (struct jg *j, const struct oci_rlimit *r, size_t n)
{
  if (r == NULL || n == 0)
    return;
  jg_key (j, "rlimits");
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_open (j);
      jg_kstr (j, "type", r[i].type);
      jg_key (j, "hard");
      jg_u64 (j, r[i].hard);
      jg_key (j, "soft");
      jg_u64 (j, r[i].soft);
      jg_close (j);
    }
  jg_close_array (j);
}

static void
gen_scheduler (struct jg *j, const struct oci_scheduler *s)
{
  if (s == NULL)
    return;
  jg_key (j, "scheduler");
  jg_open (j);
  jg_kstr (j, "policy", s->policy);
  jg_ki32 (j, "nice", s->nice);
  jg_ki32 (j, "priority", s->priority);
  jg_kstrv (j, "flags", s->flags, s->flags_len);
  jg_ku64 (j, "runtime", s->runtime);
  jg_ku64 (j, "deadline", s->deadline);
  jg_ku64 (j, "period", s->period);
  jg_close (j);
}

static void
gen_process_body (struct jg *j, const struct oci_process *p)
{
  jg_open (j);
  jg_kbool (j, "terminal", p->terminal);
  if (p->console_size)
    {
      jg_key (j, "consoleSize");
      jg_open (j);
      jg_key (j, "height");
      jg_u64 (j, p->console_size->height);
      jg_key (j, "width");
      jg_u64 (j, p->console_size->width);
      jg_close (j);
    }
  gen_user (j, &p->user);
  jg_kstrv (j, "args", p->args, p->args_len);
  jg_kstr (j, "commandLine", p->command_line);
  jg_kstrv (j, "env", p->env, p->env_len);
  jg_kstr (j, "cwd", p->cwd);
  gen_capabilities (j, p->capabilities);
  gen_rlimits (j, p->rlimits, p->rlimits_len);
  jg_kbool (j, "noNewPrivileges", p->no_new_privileges);
  jg_kstr (j, "apparmorProfile", p->apparmor_profile);
  jg_ki32 (j, "oomScoreAdj", p->oom_score_adj);
  gen_scheduler (j, p->scheduler);
  jg_kstr (j, "selinuxLabel", p->selinux_label);
  if (p->io_priority)
    {
      jg_key (j, "ioPriority");
      jg_open (j);
      jg_kstr (j, "class", p->io_priority->class_);
      jg_ki32 (j, "priority", p->io_priority->priority);
      jg_close (j);
    }
  if (p->exec_cpu_affinity)
    {
      jg_key (j, "execCPUAffinity");
      jg_open (j);
      jg_kstr (j, "initial", p->exec_cpu_affinity->initial);
      jg_kstr (j, "final", p->exec_cpu_affinity->final);
      jg_close (j);
    }
  jg_close (j);
}

static void
gen_mounts (struct jg *j, const struct oci_mount *m, size_t n)
{
  if (m == NULL || n == 0)
    return;
  jg_key (j, "mounts");
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_open (j);
      jg_kstr (j, "destination", m[i].destination);
      jg_kstr (j, "type", m[i].type);
      jg_kstr (j, "source", m[i].source);
      jg_kstrv (j, "options", m[i].options, m[i].options_len);
      gen_id_mappings (j, "uidMappings", m[i].uid_mappings,
                       m[i].uid_mappings_len);
      gen_id_mappings (j, "gidMappings", m[i].gid_mappings,
                       m[i].gid_mappings_len);
      jg_close (j);
    }
  jg_close_array (j);
}

static void
gen_hook_array (struct jg *j, const char *key, const struct oci_hook *h,
                size_t n)
{
  if (h == NULL || n == 0)
    return;
  jg_key (j, key);
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_open (j);
      jg_kstr (j, "path", h[i].path);
      jg_kstrv (j, "args", h[i].args, h[i].args_len);
      jg_kstrv (j, "env", h[i].env, h[i].env_len);
      jg_ki64 (j, "timeout", h[i].timeout);
      jg_close (j);
    }
  jg_close_array (j);
}

static void
gen_hooks (struct jg *j, const struct oci_hooks *h)
{
  if (h == NULL)
    return;
  jg_key (j, "hooks");
  jg_open (j);
  gen_hook_array (j, "prestart", h->prestart, h->prestart_len);
  gen_hook_array (j, "createRuntime", h->create_runtime,
                  h->create_runtime_len);
  gen_hook_array (j, "createContainer", h->create_container,
                  h->create_container_len);
  gen_hook_array (j, "startContainer", h->start_container,
                  h->start_container_len);
  gen_hook_array (j, "poststart", h->poststart, h->poststart_len);
  gen_hook_array (j, "poststop", h->poststop, h->poststop_len);
  jg_close (j);
}

/* ---- linux.resources --------------------------------------------------- */

static void
gen_device_rules (struct jg *j, const struct oci_device_cgroup *d, size_t n)
{
  if (d == NULL || n == 0)
    return;
  jg_key (j, "devices");
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_open (j);
      jg_key (j, "allow");
      jg_bool (j, d[i].allow);
      jg_kstr (j, "type", oci_device_type_to_string (d[i].type));
      jg_ki64 (j, "major", d[i].major);
      jg_ki64 (j, "minor", d[i].minor);
      jg_kstr (j, "access", d[i].access);
      jg_close (j);
    }
  jg_close_array (j);
}

static void
gen_memory (struct jg *j, const struct oci_memory *m)
{
  if (m == NULL)
    return;
  jg_key (j, "memory");
  jg_open (j);
  jg_ki64 (j, "limit", m->limit);
  jg_ki64 (j, "reservation", m->reservation);
  jg_ki64 (j, "swap", m->swap);
  jg_ki64 (j, "kernel", m->kernel);
  jg_ki64 (j, "kernelTCP", m->kernel_tcp);
  jg_ku64 (j, "swappiness", m->swappiness);
  jg_kbool (j, "disableOOMKiller", m->disable_oom_killer);
  jg_kbool (j, "useHierarchy", m->use_hierarchy);
  jg_kbool (j, "checkBeforeUpdate", m->check_before_update);
  jg_close (j);
}

static void
gen_cpu (struct jg *j, const struct oci_cpu *c)
{
  if (c == NULL)
    return;
  jg_key (j, "cpu");
  jg_open (j);
  jg_ku64 (j, "shares", c->shares);
  jg_ki64 (j, "quota", c->quota);
  jg_ku64 (j, "burst", c->burst);
  jg_ku64 (j, "period", c->period);
  jg_ki64 (j, "realtimeRuntime", c->realtime_runtime);
  jg_ku64 (j, "realtimePeriod", c->realtime_period);
  jg_kstr (j, "cpus", c->cpus);
  jg_kstr (j, "mems", c->mems);
  jg_ki64 (j, "idle", c->idle);
  jg_close (j);
}

static void
gen_throttle (struct jg *j, const char *key,
              const struct oci_block_io_throttle_device *t, size_t n)
{
  if (t == NULL || n == 0)
    return;
  jg_key (j, key);
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_open (j);
      jg_key (j, "major");
      jg_i64 (j, t[i].major);
      jg_key (j, "minor");
      jg_i64 (j, t[i].minor);
      jg_key (j, "rate");
      jg_u64 (j, t[i].rate);
      jg_close (j);
    }
  jg_close_array (j);
}

static void
gen_block_io (struct jg *j, const struct oci_block_io *b)
{
  if (b == NULL)
    return;
  jg_key (j, "blockIO");
  jg_open (j);
  jg_ku16 (j, "weight", b->weight);
  jg_ku16 (j, "leafWeight", b->leaf_weight);
  if (b->weight_device && b->weight_device_len)
    {
      jg_key (j, "weightDevice");
      jg_open_array (j);
      for (size_t i = 0; i < b->weight_device_len; i++)
        {
          const struct oci_block_io_weight_device *w = &b->weight_device[i];
          jg_open (j);
          jg_key (j, "major");
          jg_i64 (j, w->major);
          jg_key (j, "minor");
          jg_i64 (j, w->minor);
          jg_ku16 (j, "weight", w->weight);
          jg_ku16 (j, "leafWeight", w->leaf_weight);
          jg_close (j);
        }
      jg_close_array (j);
    }
  gen_throttle (j, "throttleReadBpsDevice", b->throttle_read_bps_device,
                b->throttle_read_bps_device_len);
  gen_throttle (j, "throttleWriteBpsDevice", b->throttle_write_bps_device,
                b->throttle_write_bps_device_len);
  gen_throttle (j, "throttleReadIOPSDevice", b->throttle_read_iops_device,
                b->throttle_read_iops_device_len);
  gen_throttle (j, "throttleWriteIOPSDevice", b->throttle_write_iops_device,
                b->throttle_write_iops_device_len);
  jg_close (j);
}

static void
gen_network (struct jg *j, const struct oci_network *n)
{
  if (n == NULL)
    return;
  jg_key (j, "network");
  jg_open (j);
  jg_ku32 (j, "classID", n->class_id);
  if (n->priorities && n->priorities_len)
    {
      jg_key (j, "priorities");
      jg_open_array (j);
      for (size_t i = 0; i < n->priorities_len; i++)
        {
          jg_open (j);
          jg_kstr (j, "name", n->priorities[i].name);
          jg_key (j, "priority");
          jg_u64 (j, n->priorities[i].priority);
          jg_close (j);
        }
      jg_close_array (j);
    }
  jg_close (j);
}

static void
gen_resources_body (struct jg *j, const struct oci_resources *r)
{
  jg_open (j);
  gen_device_rules (j, r->devices, r->devices_len);
  gen_memory (j, r->memory);
  gen_cpu (j, r->cpu);
  if (r->pids)
    {
      jg_key (j, "pids");
      jg_open (j);
      jg_key (j, "limit");
      jg_i64 (j, r->pids->limit);
      jg_close (j);
    }
  gen_block_io (j, r->block_io);
  if (r->hugepage_limits && r->hugepage_limits_len)
    {
      jg_key (j, "hugepageLimits");
      jg_open_array (j);
      for (size_t i = 0; i < r->hugepage_limits_len; i++)
        {
          jg_open (j);
          jg_kstr (j, "pageSize", r->hugepage_limits[i].page_size);
          jg_key (j, "limit");
          jg_u64 (j, r->hugepage_limits[i].limit);
          jg_close (j);
        }
      jg_close_array (j);
    }
  gen_network (j, r->network);
  if (r->rdma && r->rdma_len)
    {
      jg_key (j, "rdma");
      jg_open (j);
      for (size_t i = 0; i < r->rdma_len; i++)
        {
          jg_key (j, r->rdma[i].device);
          jg_open (j);
          jg_ku32 (j, "hcaHandles", r->rdma[i].hca_handles);
          jg_ku32 (j, "hcaObjects", r->rdma[i].hca_objects);
          jg_close (j);
        }
      jg_close (j);
    }
  jg_kmap (j, "unified", r->unified, r->unified_len);
  jg_close (j);
}

/* ---- linux ------------------------------------------------------------- */

static void
gen_time_offset (struct jg *j, const char *key,
                 const struct oci_time_offset *t)
{
  if (!t->set)
    return;
  jg_key (j, key);
  jg_open (j);
  jg_key (j, "secs");
  jg_i64 (j, t->secs);
  jg_key (j, "nanosecs");
  jg_u64 (j, t->nanosecs);
  jg_close (j);
}

static void
gen_devices (struct jg *j, const struct oci_device *d, size_t n)
{
  if (d == NULL || n == 0)
    return;
  jg_key (j, "devices");
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_open (j);
      jg_kstr (j, "path", d[i].path);
      jg_kstr (j, "type", oci_device_type_to_string (d[i].type));
      jg_ki64 (j, "major", d[i].major);
      jg_ki64 (j, "minor", d[i].minor);
      jg_ku32 (j, "fileMode", d[i].file_mode);
      jg_ku32 (j, "uid", d[i].uid);
      jg_ku32 (j, "gid", d[i].gid);
      jg_close (j);
    }
  jg_close_array (j);
}

static void
gen_seccomp (struct jg *j, const struct oci_seccomp *s)
{
  if (s == NULL)
    return;
  jg_key (j, "seccomp");
  jg_open (j);
  jg_kstr (j, "defaultAction",
           oci_seccomp_action_to_string (s->default_action));
  jg_ku32 (j, "defaultErrnoRet", s->default_errno_ret);
  jg_kstrv (j, "architectures", s->architectures, s->architectures_len);
  jg_kstrv (j, "flags", s->flags, s->flags_len);
  jg_kstr (j, "listenerPath", s->listener_path);
  jg_kstr (j, "listenerMetadata", s->listener_metadata);
  if (s->syscalls && s->syscalls_len)
    {
      jg_key (j, "syscalls");
      jg_open_array (j);
      for (size_t i = 0; i < s->syscalls_len; i++)
        {
          const struct oci_syscall *sc = &s->syscalls[i];
          jg_open (j);
          jg_kstrv (j, "names", sc->names, sc->names_len);
          jg_kstr (j, "action", oci_seccomp_action_to_string (sc->action));
          jg_ku32 (j, "errnoRet", sc->errno_ret);
          if (sc->args && sc->args_len)
            {
              jg_key (j, "args");
              jg_open_array (j);
              for (size_t k = 0; k < sc->args_len; k++)
                {
                  jg_open (j);
                  jg_key (j, "index");
                  jg_u64 (j, sc->args[k].index);
                  jg_key (j, "value");
                  jg_u64 (j, sc->args[k].value);
                  jg_ku64 (j, "valueTwo", sc->args[k].value_two);
                  jg_kstr (j, "op",
                           oci_seccomp_operator_to_string (sc->args[k].op));
                  jg_close (j);
                }
              jg_close_array (j);
            }
          jg_close (j);
        }
      jg_close_array (j);
    }
  jg_close (j);
}

static void
gen_linux_tail (struct jg *j, const struct oci_linux *l)
{
  if (l->intel_rdt)
    {
      const struct oci_intel_rdt *r = l->intel_rdt;
      jg_key (j, "intelRdt");
      jg_open (j);
      jg_kstr (j, "closID", r->clos_id);
      jg_kstr (j, "l3CacheSchema", r->l3_cache_schema);
      jg_kstr (j, "memBwSchema", r->mem_bw_schema);
      jg_kstrv (j, "schemata", r->schemata, r->schemata_len);
      jg_kbool (j, "enableCMT", r->enable_cmt);
      jg_kbool (j, "enableMBM", r->enable_mbm);
      jg_kbool (j, "enableMonitoring", r->enable_monitoring);
      jg_close (j);
    }
  jg_kmap (j, "sysctl", l->sysctl, l->sysctl_len);
  gen_seccomp (j, l->seccomp);
  jg_kstr (j, "rootfsPropagation", l->rootfs_propagation);
  jg_kstrv (j, "maskedPaths", l->masked_paths, l->masked_paths_len);
  jg_kstrv (j, "readonlyPaths", l->readonly_paths, l->readonly_paths_len);
  jg_kstr (j, "mountLabel", l->mount_label);
  if (l->personality)
    {
      jg_key (j, "personality");
      jg_open (j);
      jg_kstr (j, "domain", l->personality->domain);
      jg_kstrv (j, "flags", l->personality->flags, l->personality->flags_len);
      jg_close (j);
    }
  if (l->memory_policy)
    {
      jg_key (j, "memoryPolicy");
      jg_open (j);
      jg_kstr (j, "mode", l->memory_policy->mode);
      jg_kstr (j, "nodes", l->memory_policy->nodes);
      jg_kstrv (j, "flags", l->memory_policy->flags,
                l->memory_policy->flags_len);
      jg_close (j);
    }
}

static void
gen_linux (struct jg *j, const struct oci_linux *l)
{
  if (l == NULL)
    return;
  jg_key (j, "linux");
  jg_open (j);
  gen_id_mappings (j, "uidMappings", l->uid_mappings, l->uid_mappings_len);
  gen_id_mappings (j, "gidMappings", l->gid_mappings, l->gid_mappings_len);
  if (l->time_offsets)
    {
      jg_key (j, "timeOffsets");
      jg_open (j);
      gen_time_offset (j, "monotonic", &l->time_offsets->monotonic);
      gen_time_offset (j, "boottime", &l->time_offsets->boottime);
      jg_close (j);
    }
  gen_devices (j, l->devices, l->devices_len);
  if (l->net_devices && l->net_devices_len)
    {
      jg_key (j, "netDevices");
      jg_open (j);
      for (size_t i = 0; i < l->net_devices_len; i++)
        {
          jg_key (j, l->net_devices[i].host_name);
          jg_open (j);
          jg_kstr (j, "name", l->net_devices[i].name);
          jg_close (j);
        }
      jg_close (j);
    }
  jg_kstr (j, "cgroupsPath", l->cgroups_path);
  if (l->resources)
    {
      jg_key (j, "resources");
      gen_resources_body (j, l->resources);
    }
  if (l->namespaces && l->namespaces_len)
    {
      jg_key (j, "namespaces");
      jg_open_array (j);
      for (size_t i = 0; i < l->namespaces_len; i++)
        {
          jg_open (j);
          jg_kstr (j, "type",
                   oci_namespace_type_to_string (l->namespaces[i].type));
          jg_kstr (j, "path", l->namespaces[i].path);
          jg_close (j);
        }
      jg_close_array (j);
    }
  gen_linux_tail (j, l);
  jg_close (j);
}

int
oci_config_generate (const struct oci_config *c, char **json, size_t *len,
                     struct ocirun_error *err)
{
  struct jg j;
  if (jg_init (&j, err) < 0)
    return -1;
  jg_open (&j);
  jg_kstr (&j, "ociVersion", c->oci_version);
  if (c->process)
    {
      jg_key (&j, "process");
      gen_process_body (&j, c->process);
    }
  if (c->root)
    {
      jg_key (&j, "root");
      jg_open (&j);
      jg_kstr (&j, "path", c->root->path);
      jg_kbool (&j, "readonly", c->root->readonly);
      jg_close (&j);
    }
  jg_kstr (&j, "hostname", c->hostname);
  jg_kstr (&j, "domainname", c->domainname);
  gen_mounts (&j, c->mounts, c->mounts_len);
  gen_hooks (&j, c->hooks);
  jg_kmap (&j, "annotations", c->annotations, c->annotations_len);
  gen_linux (&j, c->linux_);
  jg_close (&j);
  return jg_finish (&j, "config.json", json, len, err);
}

int
oci_process_generate (const struct oci_process *p, char **json, size_t *len,
                      struct ocirun_error *err)
{
  struct jg j;
  if (jg_init (&j, err) < 0)
    return -1;
  gen_process_body (&j, p);
  return jg_finish (&j, "process.json", json, len, err);
}

int
oci_resources_generate (const struct oci_resources *r, char **json,
                        size_t *len, struct ocirun_error *err)
{
  struct jg j;
  if (jg_init (&j, err) < 0)
    return -1;
  gen_resources_body (&j, r);
  return jg_finish (&j, "resources.json", json, len, err);
}
