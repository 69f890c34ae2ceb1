/* parse_ctx.h - typed, path-tracking readers over an oci_json tree.
 *
 * Internal to oci-spec/.  Every reader takes the enclosing object and a
 * member name, pushes the name onto the JSON path while it works, and on
 * failure fills the error as "<file>: <json path>: <problem>".  Absent
 * (or null) members leave the output untouched unless P_REQUIRED. */
#ifndef OCI_SPEC_PARSE_CTX_H
#define OCI_SPEC_PARSE_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"
#include "oci-spec/json_tree.h"

#define OCI_PATH_MAX 512

struct pctx
{
  const char *file;
  struct ocirun_error *err;
  char path[OCI_PATH_MAX];
  size_t len;
};

/* Reader flags. */
enum
{
  P_REQUIRED = 1 << 0, /* missing member is an error */
  P_ABSOLUTE = 1 << 1, /* string must start with '/' */
  P_NONEMPTY = 1 << 2, /* string (or array) must not be empty */
};

void pctx_init (struct pctx *p, const char *file, struct ocirun_error *err);
/* Push ".key" (or `["key"]` for keys that are not plain identifiers) or
 * "[i]"; return the length to restore with pctx_pop(). */
size_t pctx_push_key (struct pctx *p, const char *key, size_t key_len);
size_t pctx_push_index (struct pctx *p, size_t i);
void pctx_pop (struct pctx *p, size_t old);

/* "<file>: <path>: <message>"; always returns -1. */
int pctx_fail (struct pctx *p, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
int pctx_fail_errno (struct pctx *p, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Short human description of a value for "expected X, got Y". */
void pctx_describe (const struct oci_json *v, char *buf, size_t len);

/* Check that v has type t ("expected <what>, got ..."). */
int pctx_expect (struct pctx *p, const struct oci_json *v,
                 enum oci_json_type t, const char *what);

/* Member lookup that reports a missing required member. */
int pctx_member (struct pctx *p, const struct oci_json *o, const char *key,
                 unsigned flags, const struct oci_json **out);

/* Strings. */
int p_string_value (struct pctx *p, const struct oci_json *v, unsigned flags,
                    char **out);
int p_string (struct pctx *p, const struct oci_json *o, const char *key,
              unsigned flags, char **out);
/* A string that must be one of choices (NULL-terminated list); what names
 * the kind in the message: unknown <what> "x". */
int p_choice (struct pctx *p, const struct oci_json *o, const char *key,
              unsigned flags, const char *const *choices, const char *what,
              char **out);

/* Booleans. */
int p_bool (struct pctx *p, const struct oci_json *o, const char *key,
            unsigned flags, bool *out);
int p_opt_bool (struct pctx *p, const struct oci_json *o, const char *key,
                struct oci_opt_bool *out);

/* Integers: range-checked; no fractions or exponents. */
int p_uint_value (struct pctx *p, const struct oci_json *v, uint64_t max,
                  uint64_t *out);
int p_int_value (struct pctx *p, const struct oci_json *v, int64_t min,
                 int64_t max, int64_t *out);
int p_u16 (struct pctx *p, const struct oci_json *o, const char *key,
           unsigned flags, uint16_t *out);
int p_u32 (struct pctx *p, const struct oci_json *o, const char *key,
           unsigned flags, uint32_t *out);
int p_u64 (struct pctx *p, const struct oci_json *o, const char *key,
           unsigned flags, uint64_t *out);
int p_i32 (struct pctx *p, const struct oci_json *o, const char *key,
           unsigned flags, int32_t *out);
int p_i64 (struct pctx *p, const struct oci_json *o, const char *key,
           unsigned flags, int64_t *out);
int p_opt_u16 (struct pctx *p, const struct oci_json *o, const char *key,
               struct oci_opt_u16 *out);
int p_opt_u32 (struct pctx *p, const struct oci_json *o, const char *key,
               struct oci_opt_u32 *out);
int p_opt_u64 (struct pctx *p, const struct oci_json *o, const char *key,
               struct oci_opt_u64 *out);
int p_opt_i32 (struct pctx *p, const struct oci_json *o, const char *key,
               struct oci_opt_i32 *out);
int p_opt_i64 (struct pctx *p, const struct oci_json *o, const char *key,
               struct oci_opt_i64 *out);

/* Array of strings; flags apply to each element (P_ABSOLUTE...), except
 * P_REQUIRED which applies to the member. */
int p_strv (struct pctx *p, const struct oci_json *o, const char *key,
            unsigned flags, char ***out, size_t *out_len);
/* Like p_strv but each element must be one of choices. */
int p_choice_strv (struct pctx *p, const struct oci_json *o, const char *key,
                   const char *const *choices, const char *what, char ***out,
                   size_t *out_len);
/* Array of uint32. */
int p_u32v (struct pctx *p, const struct oci_json *o, const char *key,
            uint32_t **out, size_t *out_len);

/* Object of string values, in document order; a repeated key replaces the
 * earlier value (last wins, as for members). */
int p_map (struct pctx *p, const struct oci_json *o, const char *key,
           struct oci_kv **out, size_t *out_len);

/* Element parser for arrays/objects of objects. */
typedef int (*p_object_fn) (struct pctx *p, const struct oci_json *o,
                            void *dst);

/* A sub-object: allocates *out (size bytes, zeroed), attaches it, then
 * fills it with fn.  On error *out stays attached for the caller's free. */
int p_object (struct pctx *p, const struct oci_json *o, const char *key,
              unsigned flags, size_t size, void **out, p_object_fn fn);
/* An array of objects: allocates n elements of elsize, sets *out_len, then
 * fills each with fn.  An empty array leaves *out NULL. */
int p_object_array (struct pctx *p, const struct oci_json *o, const char *key,
                    unsigned flags, size_t elsize, void **out, size_t *out_len,
                    p_object_fn fn);

/* Free helpers shared by the free functions. */
void oci_strv_free (char **v, size_t len);
void oci_kv_free (struct oci_kv *kv, size_t len);

#endif
