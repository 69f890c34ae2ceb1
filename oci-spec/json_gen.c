/* json_gen.c - sticky-error helpers over yajl_gen. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/json_gen.h"

int
jg_init (struct jg *j, struct ocirun_error *err)
{
  j->status = 0;
  j->g = yajl_gen_alloc (NULL);
  if (j->g == NULL)
    return ocirun_error_set (err, ENOMEM, "allocate JSON generator");
  yajl_gen_config (j->g, yajl_gen_beautify, 1);
  yajl_gen_config (j->g, yajl_gen_indent_string, "  ");
  /* Refuse to emit invalid UTF-8 rather than write a broken document. */
  yajl_gen_config (j->g, yajl_gen_validate_utf8, 1);
  return 0;
}

static const char *
gen_status_text (int st)
{
  switch (st)
    {
    case yajl_gen_invalid_string:
      return "string is not valid UTF-8";
    case yajl_max_depth_exceeded:
      return "nesting too deep";
    case yajl_gen_in_error_state:
    case yajl_gen_generation_complete:
    case yajl_gen_keys_must_be_strings:
      return "internal generator error";
    case yajl_gen_invalid_number:
      return "invalid number";
    default:
      return "generator error";
    }
}

int
jg_finish (struct jg *j, const char *what, char **json, size_t *len,
           struct ocirun_error *err)
{
  int ret = 0;
  if (j->status != 0)
    ret = ocirun_error_set (err, 0, "generate %s: %s", what,
                            gen_status_text (j->status));
  else
    {
      const unsigned char *buf;
      size_t blen;
      yajl_gen_get_buf (j->g, &buf, &blen);
      char *out = malloc (blen + 2);
      if (out == NULL)
        ret = ocirun_error_set (err, ENOMEM, "generate %s", what);
      else
        {
          memcpy (out, buf, blen);
          /* yajl ends pretty output with a newline already; make sure. */
          if (blen == 0 || out[blen - 1] != '\n')
            out[blen++] = '\n';
          out[blen] = '\0';
          *json = out;
          if (len)
            *len = blen;
        }
    }
  yajl_gen_free (j->g);
  j->g = NULL;
  return ret;
}

static void
check (struct jg *j, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok && j->status == 0)
    j->status = st;
}

#define GUARD                                                                 \
  if (j->status != 0)                                                         \
  return

void
jg_open (struct jg *j)
{
  GUARD;
  check (j, yajl_gen_map_open (j->g));
}

void
jg_close (struct jg *j)
{
  GUARD;
  check (j, yajl_gen_map_close (j->g));
}

void
jg_open_array (struct jg *j)
{
  GUARD;
  check (j, yajl_gen_array_open (j->g));
}

void
jg_close_array (struct jg *j)
{
  GUARD;
  check (j, yajl_gen_array_close (j->g));
}

void
jg_str (struct jg *j, const char *s)
{
  GUARD;
  /* A NULL inside a vector or map is a bug in the caller's object. */
  if (s == NULL)
    {
      check (j, yajl_gen_invalid_string);
      return;
    }
  check (j, yajl_gen_string (j->g, (const unsigned char *)s, strlen (s)));
}

void
jg_key (struct jg *j, const char *key)
{
  jg_str (j, key);
}

void
jg_bool (struct jg *j, bool b)
{
  GUARD;
  check (j, yajl_gen_bool (j->g, b));
}

/* Numbers go through yajl_gen_number so that uint64 values above
 * INT64_MAX are written exactly. */
void
jg_i64 (struct jg *j, int64_t v)
{
  GUARD;
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%" PRId64, v);
  check (j, yajl_gen_number (j->g, buf, (size_t)n));
}

void
jg_u64 (struct jg *j, uint64_t v)
{
  GUARD;
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, v);
  check (j, yajl_gen_number (j->g, buf, (size_t)n));
}

void
jg_kstr (struct jg *j, const char *key, const char *s)
{
  if (s == NULL)
    return;
  jg_key (j, key);
  jg_str (j, s);
}

void
jg_kbool (struct jg *j, const char *key, struct oci_opt_bool b)
{
  if (!b.set)
    return;
  jg_key (j, key);
  jg_bool (j, b.value);
}

void
jg_ki64 (struct jg *j, const char *key, struct oci_opt_i64 v)
{
  if (!v.set)
    return;
  jg_key (j, key);
  jg_i64 (j, v.value);
}

void
jg_ki32 (struct jg *j, const char *key, struct oci_opt_i32 v)
{
  if (!v.set)
    return;
  jg_key (j, key);
  jg_i64 (j, v.value);
}

void
jg_ku64 (struct jg *j, const char *key, struct oci_opt_u64 v)
{
  if (!v.set)
    return;
  jg_key (j, key);
  jg_u64 (j, v.value);
}

void
jg_ku32 (struct jg *j, const char *key, struct oci_opt_u32 v)
{
  if (!v.set)
    return;
  jg_key (j, key);
  jg_u64 (j, v.value);
}

void
jg_ku16 (struct jg *j, const char *key, struct oci_opt_u16 v)
{
  if (!v.set)
    return;
  jg_key (j, key);
  jg_u64 (j, v.value);
}

void
jg_kstrv (struct jg *j, const char *key, char *const *v, size_t n)
{
  if (v == NULL)
    return;
  jg_key (j, key);
  jg_open_array (j);
  for (size_t i = 0; i < n; i++)
    jg_str (j, v[i]);
  jg_close_array (j);
}

void
jg_kmap (struct jg *j, const char *key, const struct oci_kv *kv, size_t n)
{
  if (kv == NULL || n == 0)
    return;
  jg_key (j, key);
  jg_open (j);
  for (size_t i = 0; i < n; i++)
    {
      jg_key (j, kv[i].key);
      jg_str (j, kv[i].value);
    }
  jg_close (j);
}
