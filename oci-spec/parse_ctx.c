/* parse_ctx.c - typed readers with JSON-path error messages. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/parse_ctx.h"

void
pctx_init (struct pctx *p, const char *file, struct ocirun_error *err)
{
  p->file = file;
  p->err = err;
  p->path[0] = '\0';
  p->len = 0;
}

static bool
plain_key (const char *key, size_t len)
{
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!isalnum ((unsigned char)key[i]) && key[i] != '_' && key[i] != '-')
      return false;
  return true;
}

/* Append n bytes to the path; silently truncates (the path is only for
 * messages).  No printf: the parser pushes a key or an index for every
 * value of config.json, and formatting was a visible part of a `run`. */
static void
path_put (struct pctx *p, const char *s, size_t n)
{
  size_t room = sizeof p->path - 1 - p->len;

  if (n > room)
    n = room;
  memcpy (p->path + p->len, s, n);
  p->len += n;
  p->path[p->len] = '\0';
}

size_t
pctx_push_key (struct pctx *p, const char *key, size_t key_len)
{
  size_t old = p->len;
  if (plain_key (key, key_len))
    {
      if (p->len)
        path_put (p, ".", 1);
      path_put (p, key, key_len);
    }
  else
    {
      /* Quote odd keys ("net.ipv4.ip_forward") so the path stays readable;
       * non-printable bytes are shown as '?'. */
      path_put (p, "[\"", 2);
      for (size_t i = 0; i < key_len && i < 128; i++)
        {
          unsigned char c = (unsigned char)key[i];
          char shown = isprint (c) && c != '"' ? (char)c : '?';
          path_put (p, &shown, 1);
        }
      path_put (p, "\"]", 2);
    }
  return old;
}

size_t
pctx_push_index (struct pctx *p, size_t i)
{
  size_t old = p->len;
  char buf[24];
  size_t k = sizeof buf;

  buf[--k] = ']';
  do
    buf[--k] = (char)('0' + i % 10);
  while ((i /= 10) != 0);
  buf[--k] = '[';
  path_put (p, buf + k, sizeof buf - k);
  return old;
}

void
pctx_pop (struct pctx *p, size_t old)
{
  p->len = old;
  p->path[old] = '\0';
}

static int
pctx_failv (struct pctx *p, int errnum, const char *fmt, va_list ap)
{
  char msg[OCIRUN_ERROR_MSG_MAX];
  vsnprintf (msg, sizeof msg, fmt, ap);
  if (p->len)
    return ocirun_error_set (p->err, errnum, "%s: %s: %s", p->file, p->path,
                             msg);
  return ocirun_error_set (p->err, errnum, "%s: %s", p->file, msg);
}

int
pctx_fail (struct pctx *p, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  pctx_failv (p, 0, fmt, ap);
  va_end (ap);
  return -1;
}

int
pctx_fail_errno (struct pctx *p, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  pctx_failv (p, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

/* Quote s for a message: escapes quotes, backslashes and non-printable
 * bytes, and truncates long values. */
static void
quote (const char *s, size_t len, char *buf, size_t size)
{
  size_t o = 0;
  const size_t limit = 40;
#define PUT(...)                                                              \
  do                                                                          \
    {                                                                         \
      int n_ = snprintf (buf + o, o < size ? size - o : 0, __VA_ARGS__);      \
      if (n_ > 0)                                                             \
        o += (size_t)n_;                                                      \
    }                                                                         \
  while (0)
  PUT ("\"");
  for (size_t i = 0; i < len && i < limit; i++)
    {
      unsigned char c = (unsigned char)s[i];
      if (c == '"' || c == '\\')
        PUT ("\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        PUT ("\\u%04x", c);
      else
        PUT ("%c", c);
    }
  PUT (len > limit ? "...\"" : "\"");
#undef PUT
}

void
pctx_describe (const struct oci_json *v, char *buf, size_t len)
{
  switch (v ? v->type : OCI_JSON_NULL)
    {
    case OCI_JSON_NULL:
      snprintf (buf, len, "null");
      break;
    case OCI_JSON_BOOL:
      snprintf (buf, len, "%s", v->boolean ? "true" : "false");
      break;
    case OCI_JSON_NUMBER:
      snprintf (buf, len, "%.40s%s", v->text, v->text_len > 40 ? "..." : "");
      break;
    case OCI_JSON_STRING:
      quote (v->text, v->text_len, buf, len);
      break;
    case OCI_JSON_OBJECT:
      snprintf (buf, len, "an object");
      break;
    case OCI_JSON_ARRAY:
      snprintf (buf, len, "an array");
      break;
    }
}

int
pctx_expect (struct pctx *p, const struct oci_json *v, enum oci_json_type t,
             const char *what)
{
  if (v->type == t)
    return 0;
  char got[128];
  pctx_describe (v, got, sizeof got);
  return pctx_fail (p, "expected %s, got %s", what, got);
}

int
pctx_member (struct pctx *p, const struct oci_json *o, const char *key,
             unsigned flags, const struct oci_json **out)
{
  *out = oci_json_get (o, key);
  if (*out == NULL && (flags & P_REQUIRED))
    {
      size_t old = pctx_push_key (p, key, strlen (key));
      pctx_fail (p, "missing required field");
      pctx_pop (p, old);
      return -1;
    }
  return 0;
}

/* ---- strings ----------------------------------------------------------- */

int
p_string_value (struct pctx *p, const struct oci_json *v, unsigned flags,
                char **out)
{
  if (pctx_expect (p, v, OCI_JSON_STRING, "a string") < 0)
    return -1;
  /* C strings end at NUL; a smuggled "\u0000" would change meaning. */
  if (memchr (v->text, '\0', v->text_len))
    return pctx_fail (p, "string contains a NUL character");
  if ((flags & P_NONEMPTY) && v->text_len == 0)
    return pctx_fail (p, "must not be empty");
  if ((flags & P_ABSOLUTE) && v->text[0] != '/')
    {
      char got[128];
      pctx_describe (v, got, sizeof got);
      return pctx_fail (p, "must be an absolute path, got %s", got);
    }
  char *s = strdup (v->text);
  if (s == NULL)
    return pctx_fail_errno (p, ENOMEM, "copy string");
  free (*out);
  *out = s;
  return 0;
}

int
p_string (struct pctx *p, const struct oci_json *o, const char *key,
          unsigned flags, char **out)
{
  const struct oci_json *v;
  if (pctx_member (p, o, key, flags, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = p_string_value (p, v, flags, out);
  pctx_pop (p, old);
  return r;
}

static bool
in_choices (const char *s, const char *const *choices)
{
  for (size_t i = 0; choices[i]; i++)
    if (strcmp (s, choices[i]) == 0)
      return true;
  return false;
}

static int
check_choice (struct pctx *p, const char *s, const char *const *choices,
              const char *what)
{
  if (in_choices (s, choices))
    return 0;
  char got[128];
  quote (s, strlen (s), got, sizeof got);
  return pctx_fail (p, "unknown %s %s", what, got);
}

int
p_choice (struct pctx *p, const struct oci_json *o, const char *key,
          unsigned flags, const char *const *choices, const char *what,
          char **out)
{
  const struct oci_json *v;
  if (pctx_member (p, o, key, flags, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = p_string_value (p, v, 0, out);
  if (r == 0)
    r = check_choice (p, *out, choices, what);
  pctx_pop (p, old);
  return r;
}

/* ---- booleans ---------------------------------------------------------- */

int
p_bool (struct pctx *p, const struct oci_json *o, const char *key,
        unsigned flags, bool *out)
{
  const struct oci_json *v;
  if (pctx_member (p, o, key, flags, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = pctx_expect (p, v, OCI_JSON_BOOL, "a boolean");
  pctx_pop (p, old);
  if (r == 0)
    *out = v->boolean;
  return r;
}

int
p_opt_bool (struct pctx *p, const struct oci_json *o, const char *key,
            struct oci_opt_bool *out)
{
  if (oci_json_get (o, key) == NULL)
    return 0;
  out->set = true;
  return p_bool (p, o, key, 0, &out->value);
}

/* ---- integers ---------------------------------------------------------- */

/* JSON numbers with a fraction or exponent are not integers, even "1.0":
 * Go's decoder (runc) rejects them for integer fields too. */
static bool
is_integer_text (const char *s)
{
  return strpbrk (s, ".eE") == NULL;
}

int
p_uint_value (struct pctx *p, const struct oci_json *v, uint64_t max,
              uint64_t *out)
{
  char got[128];
  pctx_describe (v, got, sizeof got);
  if (v->type != OCI_JSON_NUMBER || !is_integer_text (v->text)
      || v->text[0] == '-')
    {
      /* "-0" is zero, not negative. */
      if (v->type == OCI_JSON_NUMBER && strcmp (v->text, "-0") == 0)
        {
          *out = 0;
          return 0;
        }
      return pctx_fail (p, "expected an unsigned integer, got %s", got);
    }
  errno = 0;
  char *end;
  unsigned long long n = strtoull (v->text, &end, 10);
  if (errno == ERANGE || *end != '\0' || n > max)
    return pctx_fail (p, "value %s out of range [0, %" PRIu64 "]", got, max);
  *out = n;
  return 0;
}

int
p_int_value (struct pctx *p, const struct oci_json *v, int64_t min,
             int64_t max, int64_t *out)
{
  char got[128];
  pctx_describe (v, got, sizeof got);
  if (v->type != OCI_JSON_NUMBER || !is_integer_text (v->text))
    return pctx_fail (p, "expected an integer, got %s", got);
  errno = 0;
  char *end;
  long long n = strtoll (v->text, &end, 10);
  if (errno == ERANGE || *end != '\0' || n < min || n > max)
    return pctx_fail (p, "value %s out of range [%" PRId64 ", %" PRId64 "]",
                      got, min, max);
  *out = n;
  return 0;
}

/* Shared body of the keyed integer readers. */
static int
keyed_uint (struct pctx *p, const struct oci_json *o, const char *key,
            unsigned flags, uint64_t max, uint64_t *out, bool *found)
{
  const struct oci_json *v;
  *found = false;
  if (pctx_member (p, o, key, flags, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = p_uint_value (p, v, max, out);
  pctx_pop (p, old);
  *found = r == 0;
  return r;
}

static int
keyed_int (struct pctx *p, const struct oci_json *o, const char *key,
           unsigned flags, int64_t min, int64_t max, int64_t *out, bool *found)
{
  const struct oci_json *v;
  *found = false;
  if (pctx_member (p, o, key, flags, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = p_int_value (p, v, min, max, out);
  pctx_pop (p, old);
  *found = r == 0;
  return r;
}

#define DEFINE_UINT_READERS(NAME, CTYPE, MAX)                                 \
  int p_##NAME (struct pctx *p, const struct oci_json *o, const char *key,    \
                unsigned flags, CTYPE *out)                                   \
  {                                                                           \
    uint64_t n;                                                               \
    bool found;                                                               \
    if (keyed_uint (p, o, key, flags, MAX, &n, &found) < 0)                   \
      return -1;                                                              \
    if (found)                                                                \
      *out = (CTYPE)n;                                                        \
    return 0;                                                                 \
  }                                                                           \
  int p_opt_##NAME (struct pctx *p, const struct oci_json *o,                 \
                    const char *key, struct oci_opt_##NAME *out)              \
  {                                                                           \
    uint64_t n;                                                               \
    bool found;                                                               \
    if (keyed_uint (p, o, key, 0, MAX, &n, &found) < 0)                       \
      return -1;                                                              \
    if (found)                                                                \
      {                                                                       \
        out->set = true;                                                      \
        out->value = (CTYPE)n;                                                \
      }                                                                       \
    return 0;                                                                 \
  }

#define DEFINE_INT_READERS(NAME, CTYPE, MIN, MAX)                             \
  int p_##NAME (struct pctx *p, const struct oci_json *o, const char *key,    \
                unsigned flags, CTYPE *out)                                   \
  {                                                                           \
    int64_t n;                                                                \
    bool found;                                                               \
    if (keyed_int (p, o, key, flags, MIN, MAX, &n, &found) < 0)               \
      return -1;                                                              \
    if (found)                                                                \
      *out = (CTYPE)n;                                                        \
    return 0;                                                                 \
  }                                                                           \
  int p_opt_##NAME (struct pctx *p, const struct oci_json *o,                 \
                    const char *key, struct oci_opt_##NAME *out)              \
  {                                                                           \
    int64_t n;                                                                \
    bool found;                                                               \
    if (keyed_int (p, o, key, 0, MIN, MAX, &n, &found) < 0)                   \
      return -1;                                                              \
    if (found)                                                                \
      {                                                                       \
        out->set = true;                                                      \
        out->value = (CTYPE)n;                                                \
      }                                                                       \
    return 0;                                                                 \
  }

DEFINE_UINT_READERS (u16, uint16_t, UINT16_MAX)
DEFINE_UINT_READERS (u32, uint32_t, UINT32_MAX)
DEFINE_UINT_READERS (u64, uint64_t, UINT64_MAX)
DEFINE_INT_READERS (i32, int32_t, INT32_MIN, INT32_MAX)
DEFINE_INT_READERS (i64, int64_t, INT64_MIN, INT64_MAX)

/* ---- arrays and maps --------------------------------------------------- */

/* Look up an array member; *arr NULL when absent. */
static int
array_member (struct pctx *p, const struct oci_json *o, const char *key,
              unsigned flags, const struct oci_json **arr)
{
  if (pctx_member (p, o, key, flags, arr) < 0)
    return -1;
  if (*arr == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = pctx_expect (p, *arr, OCI_JSON_ARRAY, "an array");
  if (r == 0 && (flags & P_NONEMPTY) && (*arr)->n == 0)
    r = pctx_fail (p, "must contain at least one entry");
  pctx_pop (p, old);
  return r;
}

int
p_strv (struct pctx *p, const struct oci_json *o, const char *key,
        unsigned flags, char ***out, size_t *out_len)
{
  const struct oci_json *arr;
  if (array_member (p, o, key, flags, &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;

  /* The vector is attached before it is filled so that a failure leaves
   * a consistent, freeable object. */
  oci_strv_free (*out, *out_len);
  *out = calloc (arr->n + 1, sizeof **out);
  *out_len = 0;
  if (*out == NULL)
    return pctx_fail_errno (p, ENOMEM, "allocate");
  *out_len = arr->n;

  size_t old = pctx_push_key (p, key, strlen (key));
  for (size_t i = 0; i < arr->n; i++)
    {
      size_t o2 = pctx_push_index (p, i);
      int r = p_string_value (p, arr->values[i], flags & ~P_REQUIRED,
                              &(*out)[i]);
      pctx_pop (p, o2);
      if (r < 0)
        {
          pctx_pop (p, old);
          return -1;
        }
    }
  pctx_pop (p, old);
  return 0;
}

int
p_choice_strv (struct pctx *p, const struct oci_json *o, const char *key,
               const char *const *choices, const char *what, char ***out,
               size_t *out_len)
{
  if (p_strv (p, o, key, 0, out, out_len) < 0)
    return -1;
  size_t old = pctx_push_key (p, key, strlen (key));
  for (size_t i = 0; i < *out_len; i++)
    {
      size_t o2 = pctx_push_index (p, i);
      int r = check_choice (p, (*out)[i], choices, what);
      pctx_pop (p, o2);
      if (r < 0)
        {
          pctx_pop (p, old);
          return -1;
        }
    }
  pctx_pop (p, old);
  return 0;
}

int
p_u32v (struct pctx *p, const struct oci_json *o, const char *key,
        uint32_t **out, size_t *out_len)
{
  const struct oci_json *arr;
  if (array_member (p, o, key, 0, &arr) < 0)
    return -1;
  if (arr == NULL || arr->n == 0)
    return 0;
  free (*out);
  *out = calloc (arr->n, sizeof **out);
  *out_len = 0;
  if (*out == NULL)
    return pctx_fail_errno (p, ENOMEM, "allocate");
  *out_len = arr->n;
  size_t old = pctx_push_key (p, key, strlen (key));
  for (size_t i = 0; i < arr->n; i++)
    {
      uint64_t n;
      size_t o2 = pctx_push_index (p, i);
      int r = p_uint_value (p, arr->values[i], UINT32_MAX, &n);
      pctx_pop (p, o2);
      if (r < 0)
        {
          pctx_pop (p, old);
          return -1;
        }
      (*out)[i] = (uint32_t)n;
    }
  pctx_pop (p, old);
  return 0;
}

/* Duplicate keys in a map: JSON allows them and the last value wins, at
 * the position of the first occurrence.  Looking each key up among the
 * earlier ones is quadratic (13 s for 100k annotations), so the slots are
 * computed up front from the keys sorted once: slot[i] is the output index
 * of member i, shared by all members with the same key. */
struct key_ref
{
  const char *key;
  size_t idx;
};

static int
key_ref_cmp (const void *a, const void *b)
{
  const struct key_ref *x = a, *y = b;
  int c = strcmp (x->key, y->key);
  if (c != 0)
    return c;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

static size_t *
map_slots (const struct oci_json *m)
{
  size_t *slot = calloc (m->n, sizeof *slot);
  struct key_ref *refs = calloc (m->n, sizeof *refs);
  if (slot == NULL || refs == NULL)
    {
      free (slot);
      free (refs);
      return NULL;
    }
  for (size_t i = 0; i < m->n; i++)
    refs[i] = (struct key_ref){ m->keys[i], i };
  qsort (refs, m->n, sizeof *refs, key_ref_cmp);
  /* Equal keys are adjacent, earliest member first: slot[i] is first set
   * to the index of that earliest member... */
  for (size_t i = 0; i < m->n; i++)
    slot[refs[i].idx] = (i > 0 && strcmp (refs[i].key, refs[i - 1].key) == 0)
                            ? slot[refs[i - 1].idx]
                            : refs[i].idx;
  free (refs);
  /* ...then turned into output indices, numbered in document order.  The
   * earliest member of a key precedes the others, so its slot is final by
   * the time they read it. */
  size_t count = 0;
  for (size_t i = 0; i < m->n; i++)
    slot[i] = slot[i] == i ? count++ : slot[slot[i]];
  return slot;
}

/* One map member: key must be a proper C string, value a string.  It goes
 * to kv[at]; the first member with this key fills the next free entry. */
static int
map_entry (struct pctx *p, const struct oci_json *m, size_t i,
           struct oci_kv *kv, size_t at, size_t *n)
{
  if (memchr (m->keys[i], '\0', m->key_lens[i]))
    return pctx_fail (p, "key contains a NUL character");
  size_t old = pctx_push_key (p, m->keys[i], m->key_lens[i]);
  char *value = NULL;
  int r = p_string_value (p, m->values[i], 0, &value);
  pctx_pop (p, old);
  if (r < 0)
    return -1;
  if (at < *n)
    {
      free (kv[at].value);
      kv[at].value = value;
      return 0;
    }
  kv[at].key = strdup (m->keys[i]);
  kv[at].value = value;
  if (kv[at].key == NULL)
    {
      free (value);
      kv[at].value = NULL;
      return pctx_fail_errno (p, ENOMEM, "allocate");
    }
  (*n)++;
  return 0;
}

int
p_map (struct pctx *p, const struct oci_json *o, const char *key,
       struct oci_kv **out, size_t *out_len)
{
  const struct oci_json *m;
  if (pctx_member (p, o, key, 0, &m) < 0)
    return -1;
  if (m == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = pctx_expect (p, m, OCI_JSON_OBJECT, "an object");
  if (r == 0 && m->n > 0)
    {
      oci_kv_free (*out, *out_len);
      *out_len = 0;
      *out = calloc (m->n, sizeof **out);
      size_t *slot = *out ? map_slots (m) : NULL;
      if (slot == NULL)
        r = pctx_fail_errno (p, ENOMEM, "allocate");
      for (size_t i = 0; r == 0 && i < m->n; i++)
        r = map_entry (p, m, i, *out, slot[i], out_len);
      free (slot);
    }
  pctx_pop (p, old);
  return r;
}

/* ---- objects ----------------------------------------------------------- */

int
p_object (struct pctx *p, const struct oci_json *o, const char *key,
          unsigned flags, size_t size, void **out, p_object_fn fn)
{
  const struct oci_json *v;
  if (pctx_member (p, o, key, flags, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = pctx_expect (p, v, OCI_JSON_OBJECT, "an object");
  if (r == 0 && *out == NULL)
    {
      *out = calloc (1, size);
      if (*out == NULL)
        r = pctx_fail_errno (p, ENOMEM, "allocate");
    }
  if (r == 0)
    r = fn (p, v, *out);
  pctx_pop (p, old);
  return r;
}

int
p_object_array (struct pctx *p, const struct oci_json *o, const char *key,
                unsigned flags, size_t elsize, void **out, size_t *out_len,
                p_object_fn fn)
{
  const struct oci_json *arr;
  if (array_member (p, o, key, flags, &arr) < 0)
    return -1;
  if (arr == NULL || arr->n == 0)
    return 0;
  /* Callers pass fresh (NULL) outputs: nothing to release here. */
  *out = calloc (arr->n, elsize);
  if (*out == NULL)
    return pctx_fail_errno (p, ENOMEM, "allocate");
  *out_len = arr->n;
  size_t old = pctx_push_key (p, key, strlen (key));
  int r = 0;
  for (size_t i = 0; r == 0 && i < arr->n; i++)
    {
      size_t o2 = pctx_push_index (p, i);
      r = pctx_expect (p, arr->values[i], OCI_JSON_OBJECT, "an object");
      if (r == 0)
        r = fn (p, arr->values[i], (char *)*out + i * elsize);
      pctx_pop (p, o2);
    }
  pctx_pop (p, old);
  return r;
}

void
oci_strv_free (char **v, size_t len)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < len; i++)
    free (v[i]);
  free (v);
}

void
oci_kv_free (struct oci_kv *kv, size_t len)
{
  if (kv == NULL)
    return;
  for (size_t i = 0; i < len; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}
