/* config_parse.c - config.json: top level, root, mounts, hooks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cleanup.h"
#include "oci-spec/json_tree.h"
#include "oci-spec/parse_internal.h"

int
oci_parse_document (const char *buf, size_t len, const char *file,
                    struct ocirun_error *err, p_object_fn fill, void *dst)
{
  struct oci_json *doc = NULL;
  if (oci_json_parse (buf, len, file, &doc, err) < 0)
    return -1;
  struct pctx p;
  pctx_init (&p, file, err);
  int r = pctx_expect (&p, doc, OCI_JSON_OBJECT, "a JSON object");
  if (r == 0)
    r = fill (&p, doc, dst);
  oci_json_free (doc);
  return r;
}

static int
parse_root (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_root *r = dst;
  /* config.md: an absolute path or one relative to the bundle. */
  if (p_string (p, o, "path", P_REQUIRED | P_NONEMPTY, &r->path) < 0
      || p_opt_bool (p, o, "readonly", &r->readonly) < 0)
    return -1;
  return 0;
}

static int
parse_mount (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_mount *m = dst;
  /* config.md, Linux: destination SHOULD be absolute, MAY be relative
   * (deprecated, taken relative to "/"), so no P_ABSOLUTE here. */
  if (p_string (p, o, "destination", P_REQUIRED | P_NONEMPTY, &m->destination)
          < 0
      || p_string (p, o, "type", 0, &m->type) < 0
      || p_string (p, o, "source", 0, &m->source) < 0
      || p_strv (p, o, "options", 0, &m->options, &m->options_len) < 0
      || p_object_array (p, o, "uidMappings", 0, sizeof *m->uid_mappings,
                         (void **)&m->uid_mappings, &m->uid_mappings_len,
                         oci_parse_id_mapping_obj)
             < 0
      || p_object_array (p, o, "gidMappings", 0, sizeof *m->gid_mappings,
                         (void **)&m->gid_mappings, &m->gid_mappings_len,
                         oci_parse_id_mapping_obj)
             < 0)
    return -1;
  return 0;
}

static int
parse_hook (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_hook *h = dst;
  /* config.md: "path MUST be absolute"; "timeout MUST be greater than
   * zero". */
  if (p_string (p, o, "path", P_REQUIRED | P_ABSOLUTE, &h->path) < 0
      || p_strv (p, o, "args", 0, &h->args, &h->args_len) < 0
      || p_strv (p, o, "env", 0, &h->env, &h->env_len) < 0
      || p_opt_i64 (p, o, "timeout", &h->timeout) < 0)
    return -1;
  if (h->timeout.set && h->timeout.value <= 0)
    {
      size_t old = pctx_push_key (p, "timeout", 7);
      pctx_fail (p, "must be greater than zero, got %lld",
                 (long long)h->timeout.value);
      pctx_pop (p, old);
      return -1;
    }
  return 0;
}

#define HOOK_ARRAY(key, field)                                                \
  p_object_array (p, o, key, 0, sizeof *h->field, (void **)&h->field,         \
                  &h->field##_len, parse_hook)

static int
parse_hooks (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_hooks *h = dst;
  if (HOOK_ARRAY ("prestart", prestart) < 0
      || HOOK_ARRAY ("createRuntime", create_runtime) < 0
      || HOOK_ARRAY ("createContainer", create_container) < 0
      || HOOK_ARRAY ("startContainer", start_container) < 0
      || HOOK_ARRAY ("poststart", poststart) < 0
      || HOOK_ARRAY ("poststop", poststop) < 0)
    return -1;
  return 0;
}

static int
parse_config_obj (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_config *c = dst;
  if (p_string (p, o, "ociVersion", P_REQUIRED | P_NONEMPTY, &c->oci_version)
          < 0
      || p_object (p, o, "process", 0, sizeof *c->process,
                   (void **)&c->process, oci_parse_process_obj)
             < 0
      || p_object (p, o, "root", 0, sizeof *c->root, (void **)&c->root,
                   parse_root)
             < 0
      || p_string (p, o, "hostname", 0, &c->hostname) < 0
      || p_string (p, o, "domainname", 0, &c->domainname) < 0
      || p_object_array (p, o, "mounts", 0, sizeof *c->mounts,
                         (void **)&c->mounts, &c->mounts_len, parse_mount)
             < 0
      || p_object (p, o, "hooks", 0, sizeof *c->hooks, (void **)&c->hooks,
                   parse_hooks)
             < 0
      || p_map (p, o, "annotations", &c->annotations, &c->annotations_len) < 0
      || p_object (p, o, "linux", 0, sizeof *c->linux_, (void **)&c->linux_,
                   oci_parse_linux_obj)
             < 0)
    return -1;
  return 0;
}

int
oci_config_parse_data (const char *buf, size_t len, const char *filename,
                       struct oci_config **out, struct ocirun_error *err)
{
  const char *file = filename ? filename : "config.json";
  struct oci_config *c = calloc (1, sizeof *c);
  if (c == NULL)
    return ocirun_error_set (err, ENOMEM, "%s: parse", file);
  if (oci_parse_document (buf, len, file, err, parse_config_obj, c) < 0)
    {
      oci_config_free (c);
      return -1;
    }
  *out = c;
  return 0;
}

int
oci_config_parse_file (const char *path, struct oci_config **out,
                       struct ocirun_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (oci_json_read_file (path, &buf, &len, err) < 0)
    return -1;
  return oci_config_parse_data (buf, len, oci_json_basename (path), out, err);
}
