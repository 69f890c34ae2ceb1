/* state.c - the runtime state document (runtime.md "State"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cleanup.h"
#include "oci-spec/json_gen.h"
#include "oci-spec/parse_internal.h"
#include "oci-spec/state.h"

static const char *const status_names[] = {
  [OCI_STATUS_CREATING] = "creating",
  [OCI_STATUS_CREATED] = "created",
  [OCI_STATUS_RUNNING] = "running",
  [OCI_STATUS_STOPPED] = "stopped",
};

enum oci_status
oci_status_from_string (const char *s)
{
  for (size_t i = 1; s && i < sizeof status_names / sizeof *status_names; i++)
    if (strcmp (status_names[i], s) == 0)
      return (enum oci_status)i;
  return OCI_STATUS_INVALID;
}

const char *
oci_status_to_string (enum oci_status s)
{
  if (s <= OCI_STATUS_INVALID || s > OCI_STATUS_STOPPED)
    return NULL;
  return status_names[s];
}

static const char *const status_choices[]
    = { "creating", "created", "running", "stopped", NULL };

static int
parse_state_obj (struct pctx *p, const struct oci_json *o, void *dst)
{
  struct oci_state *s = dst;
  cleanup_free char *status = NULL;
  if (p_string (p, o, "ociVersion", P_REQUIRED | P_NONEMPTY, &s->oci_version)
          < 0
      || p_string (p, o, "id", P_REQUIRED | P_NONEMPTY, &s->id) < 0
      || p_choice (p, o, "status", P_REQUIRED, status_choices, "status",
                   &status)
             < 0)
    return -1;
  s->status = oci_status_from_string (status);

  /* pid: "int, REQUIRED when status is created or running"; pid_t is
   * 32-bit, and the schema says minimum 0. */
  if (oci_json_get (o, "pid"))
    {
      int32_t pid = 0;
      const struct oci_json *v = oci_json_get (o, "pid");
      int64_t n;
      size_t old = pctx_push_key (p, "pid", 3);
      int r = p_int_value (p, v, 0, INT32_MAX, &n);
      pctx_pop (p, old);
      if (r < 0)
        return -1;
      pid = (int32_t)n;
      s->has_pid = true;
      s->pid = pid;
    }
  else if (s->status == OCI_STATUS_CREATED || s->status == OCI_STATUS_RUNNING)
    {
      size_t old = pctx_push_key (p, "pid", 3);
      pctx_fail (p, "missing required field (status is \"%s\")", status);
      pctx_pop (p, old);
      return -1;
    }

  /* runtime.md: bundle is "the absolute path to the container's bundle
   * directory". */
  if (p_string (p, o, "bundle", P_REQUIRED | P_ABSOLUTE, &s->bundle) < 0
      || p_map (p, o, "annotations", &s->annotations, &s->annotations_len) < 0)
    return -1;
  return 0;
}

int
oci_state_parse_data (const char *buf, size_t len, const char *filename,
                      struct oci_state **out, struct ocirun_error *err)
{
  const char *file = filename ? filename : "state.json";
  struct oci_state *s = calloc (1, sizeof *s);
  if (s == NULL)
    return ocirun_error_set (err, ENOMEM, "%s: parse", file);
  if (oci_parse_document (buf, len, file, err, parse_state_obj, s) < 0)
    {
      oci_state_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

int
oci_state_parse_file (const char *path, struct oci_state **out,
                      struct ocirun_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (oci_json_read_file (path, &buf, &len, err) < 0)
    return -1;
  return oci_state_parse_data (buf, len, oci_json_basename (path), out, err);
}

int
oci_state_generate (const struct oci_state *s, char **json, size_t *len,
                    struct ocirun_error *err)
{
  struct jg j;
  if (jg_init (&j, err) < 0)
    return -1;
  jg_open (&j);
  jg_kstr (&j, "ociVersion", s->oci_version);
  jg_kstr (&j, "id", s->id);
  jg_kstr (&j, "status", oci_status_to_string (s->status));
  if (s->has_pid)
    {
      jg_key (&j, "pid");
      jg_i64 (&j, s->pid);
    }
  jg_kstr (&j, "bundle", s->bundle);
  jg_kmap (&j, "annotations", s->annotations, s->annotations_len);
  jg_close (&j);
  return jg_finish (&j, "state.json", json, len, err);
}

void
oci_state_free (struct oci_state *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->id);
  free (s->bundle);
  oci_kv_free (s->annotations, s->annotations_len);
  free (s);
}

void
oci_state_freep (struct oci_state **s)
{
  oci_state_free (*s);
}
