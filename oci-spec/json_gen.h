/* json_gen.h - thin yajl_gen wrapper for the oci-spec generators.
 *
 * Errors are sticky: after the first failing call every later call is a
 * no-op, and jg_finish() reports it.  This keeps the generators free of
 * per-call error checks. */
#ifndef OCI_SPEC_JSON_GEN_H
#define OCI_SPEC_JSON_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

struct jg
{
  yajl_gen g;
  int status; /* yajl_gen_status of the first failure, 0 if none */
};

/* Pretty printing with a 2-space indent, like runc's `spec`. */
int jg_init (struct jg *j, struct ocirun_error *err);
/* Copy the text out (with a trailing newline) and free the generator. */
int jg_finish (struct jg *j, const char *what, char **json, size_t *len,
               struct ocirun_error *err);

void jg_open (struct jg *j);
void jg_close (struct jg *j);
void jg_open_array (struct jg *j);
void jg_close_array (struct jg *j);
void jg_key (struct jg *j, const char *key);
void jg_str (struct jg *j, const char *s);
void jg_bool (struct jg *j, bool b);
void jg_i64 (struct jg *j, int64_t v);
void jg_u64 (struct jg *j, uint64_t v);

/* Members that are skipped when absent. */
void jg_kstr (struct jg *j, const char *key, const char *s);
void jg_kbool (struct jg *j, const char *key, struct oci_opt_bool b);
void jg_ki64 (struct jg *j, const char *key, struct oci_opt_i64 v);
void jg_ki32 (struct jg *j, const char *key, struct oci_opt_i32 v);
void jg_ku64 (struct jg *j, const char *key, struct oci_opt_u64 v);
void jg_ku32 (struct jg *j, const char *key, struct oci_opt_u32 v);
void jg_ku16 (struct jg *j, const char *key, struct oci_opt_u16 v);
/* String array, skipped when v == NULL (an empty vector prints []). */
void jg_kstrv (struct jg *j, const char *key, char *const *v, size_t n);
/* Map, skipped when empty. */
void jg_kmap (struct jg *j, const char *key, const struct oci_kv *kv,
              size_t n);

#endif
