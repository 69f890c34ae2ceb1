/* json_tree.h - a small JSON document tree built on yajl's event parser.
 *
 * Why not yajl_tree: it loses string lengths (so a "\u0000" silently
 * truncates a string), has no nesting limit and frees recursively without
 * bound.  This tree keeps lengths and the raw text of numbers (so uint64
 * values above INT64_MAX survive), and refuses nesting deeper than
 * OCI_JSON_MAX_DEPTH before any recursion can happen. */
#ifndef OCI_SPEC_JSON_TREE_H
#define OCI_SPEC_JSON_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "libocirun/error.h"

/* Real documents nest < 10 levels; anything deeper is garbage or hostile. */
#define OCI_JSON_MAX_DEPTH 64

enum oci_json_type
{
  OCI_JSON_NULL = 0,
  OCI_JSON_BOOL,
  OCI_JSON_NUMBER,
  OCI_JSON_STRING,
  OCI_JSON_OBJECT,
  OCI_JSON_ARRAY,
};

struct oci_json
{
  enum oci_json_type type;
  bool boolean;
  char *text;      /* STRING: decoded value; NUMBER: raw text. NUL-ended */
  size_t text_len; /* bytes in text (a STRING may hold NUL bytes) */
  size_t n;        /* OBJECT/ARRAY: number of members */
  size_t cap;
  struct oci_json **values; /* OBJECT/ARRAY members */
  char **keys;              /* OBJECT: member names, NUL-ended */
  size_t *key_lens;         /* OBJECT: name lengths (may hold NUL bytes) */
};

/* Parse buf[0..len).  On error returns -1 and sets err to
 * "<file>: invalid JSON at line L, column C: <reason>". */
int oci_json_parse (const char *buf, size_t len, const char *file,
                    struct oci_json **out, struct ocirun_error *err);
void oci_json_free (struct oci_json *j);

/* The last member named key (JSON allows duplicates; like Go's decoder the
 * last one wins), or NULL if absent.  A JSON null counts as absent. */
const struct oci_json *oci_json_get (const struct oci_json *obj,
                                     const char *key);

/* Read a whole file (bounded to 64 MiB) for the parsers.  *out is
 * NUL-terminated. */
int oci_json_read_file (const char *path, char **out, size_t *len,
                        struct ocirun_error *err);

/* The final path component, for "<file>: ..." messages. */
const char *oci_json_basename (const char *path);

#endif
