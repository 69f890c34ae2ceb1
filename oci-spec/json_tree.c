/* json_tree.c - build an oci_json tree from yajl parser events. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "libocirun/cleanup.h"
#include "oci-spec/json_tree.h"

/* Bigger files are not configuration; refuse before allocating. */
#define OCI_JSON_MAX_FILE (64u * 1024 * 1024)

enum builder_failure
{
  BUILD_OK = 0,
  BUILD_NOMEM,
  BUILD_TOO_DEEP,
};

struct builder
{
  struct oci_json *root;
  struct oci_json *stack[OCI_JSON_MAX_DEPTH];
  int depth;
  char *key; /* name waiting for its value inside an object */
  size_t key_len;
  enum builder_failure failure;
};

void
oci_json_free (struct oci_json *j)
{
  if (j == NULL)
    return;
  /* Recursion is bounded by OCI_JSON_MAX_DEPTH. */
  for (size_t i = 0; i < j->n; i++)
    {
      oci_json_free (j->values[i]);
      if (j->keys)
        free (j->keys[i]);
    }
  free (j->values);
  free (j->keys);
  free (j->key_lens);
  free (j->text);
  free (j);
}

static char *
dup_bytes (const unsigned char *s, size_t len)
{
  char *r = malloc (len + 1);
  if (r == NULL)
    return NULL;
  memcpy (r, s, len);
  r[len] = '\0';
  return r;
}

static int
append_member (struct builder *b, struct oci_json *parent, struct oci_json *v)
{
  if (parent->n == parent->cap)
    {
      size_t cap = parent->cap ? parent->cap * 2 : 4;
      struct oci_json **vals
          = realloc (parent->values, cap * sizeof *parent->values);
      if (vals == NULL)
        return -1;
      parent->values = vals;
      if (parent->type == OCI_JSON_OBJECT)
        {
          char **keys = realloc (parent->keys, cap * sizeof *keys);
          if (keys == NULL)
            return -1;
          parent->keys = keys;
          size_t *lens = realloc (parent->key_lens, cap * sizeof *lens);
          if (lens == NULL)
            return -1;
          parent->key_lens = lens;
        }
      parent->cap = cap;
    }
  if (parent->type == OCI_JSON_OBJECT)
    {
      parent->keys[parent->n] = b->key;
      parent->key_lens[parent->n] = b->key_len;
      b->key = NULL;
    }
  parent->values[parent->n++] = v;
  return 0;
}

/* Attach a new value where the parser is; containers are pushed. */
static int
add_value (struct builder *b, struct oci_json *v)
{
  if (v == NULL)
    {
      b->failure = BUILD_NOMEM;
      return 0;
    }
  if (b->depth == 0)
    b->root = v;
  else if (append_member (b, b->stack[b->depth - 1], v) < 0)
    {
      oci_json_free (v);
      b->failure = BUILD_NOMEM;
      return 0;
    }
  if (v->type == OCI_JSON_OBJECT || v->type == OCI_JSON_ARRAY)
    {
      if (b->depth >= OCI_JSON_MAX_DEPTH)
        {
          b->failure = BUILD_TOO_DEEP;
          return 0;
        }
      b->stack[b->depth++] = v;
    }
  return 1;
}

static struct oci_json *
new_node (enum oci_json_type type)
{
  struct oci_json *v = calloc (1, sizeof *v);
  if (v)
    v->type = type;
  return v;
}

static int
cb_null (void *ctx)
{
  return add_value (ctx, new_node (OCI_JSON_NULL));
}

static int
cb_boolean (void *ctx, int val)
{
  struct oci_json *v = new_node (OCI_JSON_BOOL);
  if (v)
    v->boolean = val != 0;
  return add_value (ctx, v);
}

static int
text_node (void *ctx, enum oci_json_type type, const unsigned char *s,
           size_t len)
{
  struct oci_json *v = new_node (type);
  if (v)
    {
      v->text = dup_bytes (s, len);
      v->text_len = len;
      if (v->text == NULL)
        {
          free (v);
          v = NULL;
        }
    }
  return add_value (ctx, v);
}

static int
cb_number (void *ctx, const char *s, size_t len)
{
  return text_node (ctx, OCI_JSON_NUMBER, (const unsigned char *)s, len);
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  return text_node (ctx, OCI_JSON_STRING, s, len);
}

static int
cb_start_map (void *ctx)
{
  return add_value (ctx, new_node (OCI_JSON_OBJECT));
}

static int
cb_map_key (void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;
  free (b->key);
  b->key = dup_bytes (s, len);
  b->key_len = len;
  if (b->key == NULL)
    {
      b->failure = BUILD_NOMEM;
      return 0;
    }
  return 1;
}

static int
cb_end (void *ctx)
{
  struct builder *b = ctx;
  b->depth--;
  return 1;
}

static int
cb_start_array (void *ctx)
{
  return add_value (ctx, new_node (OCI_JSON_ARRAY));
}

static const yajl_callbacks callbacks = {
  .yajl_null = cb_null,
  .yajl_boolean = cb_boolean,
  .yajl_number = cb_number,
  .yajl_string = cb_string,
  .yajl_start_map = cb_start_map,
  .yajl_map_key = cb_map_key,
  .yajl_end_map = cb_end,
  .yajl_start_array = cb_start_array,
  .yajl_end_array = cb_end,
};

/* 1-based line and column of byte offset off. */
static void
position (const char *buf, size_t len, size_t off, size_t *line, size_t *col)
{
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < len; i++)
    {
      if (buf[i] == '\n')
        {
          (*line)++;
          *col = 1;
        }
      else
        (*col)++;
    }
}

/* used: bytes yajl consumed before it failed. */
static int
yajl_failure (yajl_handle h, const char *buf, size_t len, size_t used,
              const char *file, struct ocirun_error *err)
{
  unsigned char *msg = yajl_get_error (h, 0, (const unsigned char *)buf, len);
  const char *text = msg ? (const char *)msg : "parse error";
  /* yajl prefixes "parse error: " / "lexical error: "; keep the reason. */
  const char *colon = strstr (text, "error: ");
  if (colon)
    text = colon + strlen ("error: ");
  size_t tlen = strcspn (text, "\n");
  size_t line, col;
  /* yajl has consumed the offending byte: point at it, not after it. */
  position (buf, len, used ? used - 1 : 0, &line, &col);
  ocirun_error_set (err, 0, "%s: invalid JSON at line %zu, column %zu: %.*s",
                    file, line, col, (int)tlen, text);
  if (msg)
    yajl_free_error (h, msg);
  return -1;
}

int
oci_json_parse (const char *buf, size_t len, const char *file,
                struct oci_json **out, struct ocirun_error *err)
{
  struct builder b = { 0 };
  yajl_handle h = yajl_alloc (&callbacks, NULL, &b);
  int ret = 0;

  if (h == NULL)
    return ocirun_error_set (err, ENOMEM, "%s: parse", file);

  yajl_status st = yajl_parse (h, (const unsigned char *)buf, len);
  size_t used = yajl_get_bytes_consumed (h);
  if (st == yajl_status_ok)
    {
      /* Errors found at the end (premature EOF) are at the end. */
      st = yajl_complete_parse (h);
      used = len;
    }

  if (b.failure == BUILD_TOO_DEEP)
    {
      size_t line, col;
      position (buf, len, used ? used - 1 : 0, &line, &col);
      ret = ocirun_error_set (err, 0,
                              "%s: invalid JSON at line %zu, column %zu: "
                              "nesting deeper than %d levels",
                              file, line, col, OCI_JSON_MAX_DEPTH);
    }
  else if (b.failure == BUILD_NOMEM)
    ret = ocirun_error_set (err, ENOMEM, "%s: parse", file);
  else if (st != yajl_status_ok)
    ret = yajl_failure (h, buf, len, used, file, err);
  else if (b.root == NULL)
    ret = ocirun_error_set (err, 0, "%s: invalid JSON: empty document", file);

  yajl_free (h);
  free (b.key);
  if (ret < 0)
    {
      oci_json_free (b.root);
      return ret;
    }
  *out = b.root;
  return 0;
}

const struct oci_json *
oci_json_get (const struct oci_json *obj, const char *key)
{
  if (obj == NULL || obj->type != OCI_JSON_OBJECT)
    return NULL;
  size_t klen = strlen (key);
  for (size_t i = obj->n; i > 0; i--)
    if (obj->key_lens[i - 1] == klen
        && memcmp (obj->keys[i - 1], key, klen) == 0)
      {
        const struct oci_json *v = obj->values[i - 1];
        return v->type == OCI_JSON_NULL ? NULL : v;
      }
  return NULL;
}

const char *
oci_json_basename (const char *path)
{
  if (path == NULL)
    return "config.json";
  const char *slash = strrchr (path, '/');
  if (slash && slash[1] != '\0')
    return slash + 1;
  return path;
}

int
oci_json_read_file (const char *path, char **out, size_t *len,
                    struct ocirun_error *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0)
    return ocirun_error_errno (err, "open `%s`", path);
  if (fstat (fd, &st) < 0)
    return ocirun_error_errno (err, "stat `%s`", path);
  if (!S_ISREG (st.st_mode))
    return ocirun_error_set (err, EINVAL, "read `%s`: not a regular file",
                             path);
  if ((uintmax_t)st.st_size > OCI_JSON_MAX_FILE)
    return ocirun_error_set (err, EFBIG, "read `%s`: larger than %u bytes",
                             path, OCI_JSON_MAX_FILE);

  size_t cap = (size_t)st.st_size + 1, used = 0;
  cleanup_free char *buf = malloc (cap);
  if (buf == NULL)
    return ocirun_error_set (err, ENOMEM, "read `%s`", path);
  for (;;)
    {
      if (used + 1 == cap)
        {
          /* The file grew after fstat; keep reading within the bound. */
          if (cap > OCI_JSON_MAX_FILE)
            return ocirun_error_set (err, EFBIG,
                                     "read `%s`: larger than %u bytes", path,
                                     OCI_JSON_MAX_FILE);
          char *nb = realloc (buf, cap * 2);
          if (nb == NULL)
            return ocirun_error_set (err, ENOMEM, "read `%s`", path);
          buf = nb;
          cap *= 2;
        }
      ssize_t r = read (fd, buf + used, cap - used - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return ocirun_error_errno (err, "read `%s`", path);
      if (r == 0)
        break;
      used += (size_t)r;
    }
  buf[used] = '\0';
  *out = steal_pointer (&buf);
  if (len)
    *len = used;
  return 0;
}
