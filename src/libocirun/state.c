/* state.c - the per-container state directory: create, lock, atomic
 * writes, the state.json record and liveness of the recorded pid. */
#include "libocirun/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "libocirun/cleanup.h"
#include "libocirun/test_hooks.h"
#include "oci-spec/json_tree.h"

int
ocirun_state_validate_id (const char *id, struct ocirun_error *err)
{
  if (id == NULL || id[0] == '\0')
    return ocirun_error_set (err, 0, "container id cannot be empty");
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return ocirun_error_set (err, EINVAL, "invalid container id `%s`", id);
  for (const char *p = id; *p; p++)
    {
      unsigned char ch = (unsigned char)*p;
      /* \w is [A-Za-z0-9_]; runc's class also holds '+', '-' and '.'. */
      if (!(isalnum (ch) || ch == '_' || ch == '+' || ch == '-' || ch == '.'))
        return ocirun_error_set (err, EINVAL,
                                 "invalid container id `%s`: only "
                                 "[A-Za-z0-9_+.-] are allowed",
                                 id);
    }
  if (strlen (id) > 1024)
    return ocirun_error_set (err, ENAMETOOLONG, "container id is too long");
  return 0;
}

/* mkdir -p with mode for every created component. */
static int
mkdir_p (const char *path, mode_t mode)
{
  char buf[4096];
  size_t len = strlen (path);

  if (len == 0 || len >= sizeof buf)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  memcpy (buf, path, len + 1);
  for (char *p = buf + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (buf, mode) < 0 && errno != EEXIST)
          return -1;
        *p = '/';
      }
  if (mkdir (buf, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

int
ocirun_state_root_open (const char *root, bool create, int *rootfd,
                        struct ocirun_error *err)
{
  int fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 && errno == ENOENT && create)
    {
      if (mkdir_p (root, 0700) < 0)
        return ocirun_error_errno (err, "create state root `%s`", root);
      fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  if (fd < 0)
    return ocirun_error_errno (err, "open state root `%s`", root);
  *rootfd = fd;
  return 0;
}

/* What left the existing state directory of `id`, when it is the
 * remains of a command that died: the words for the "already exists"
 * error, else NULL (a live or finished container, or a command working
 * on it now).  Only looks: reclaiming it is `delete --force`'s job, which
 * the user runs knowing no create of theirs is still going. */
static const char *
leftover_of (int rootfd, const char *id)
{
  cleanup_close int fd = -1;
  struct ocirun_error e;
  struct stat st;

  fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return NULL;
  for (int attempt = 0;; attempt++)
    {
      cleanup_state struct ocirun_state *s = NULL;

      /* Held: a create, start or delete is at work on it right now. */
      if (flock (fd, LOCK_EX | LOCK_NB) < 0)
        return NULL;
      if (fstat (fd, &st) < 0 || st.st_nlink == 0)
        return NULL;
      if (ocirun_state_read (fd, &s, &e) == 0)
        return s->status == OCI_STATUS_CREATING
                       && ocirun_state_status (s) == OCI_STATUS_STOPPED
                   ? "a create that did not finish"
                   : NULL;
      if (e.errnum != ENOENT)
        return NULL;
      /* No state.json, unlocked: a create that died before writing it or
       * a delete that died after removing it, unless a create made the
       * directory a moment ago and has not locked it yet: look again. */
      if (attempt == 1)
        return "a create or delete that did not finish";
      flock (fd, LOCK_UN);
      nanosleep (&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
    }
}

int
ocirun_state_dir_create (int rootfd, const char *id, int *dirfd,
                         struct ocirun_error *err)
{
  if (mkdirat (rootfd, id, 0700) < 0)
    {
      const char *left;

      if (errno != EEXIST)
        return ocirun_error_errno (err, "create state directory of `%s`", id);
      left = leftover_of (rootfd, id);
      if (left)
        return ocirun_error_set (err, 0,
                                 "container `%s` already exists (left by %s; "
                                 "remove it with 'ocirun delete --force %s')",
                                 id, left, id);
      return ocirun_error_set (err, 0, "container `%s` already exists", id);
    }
  int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  /* Nobody else can hold the lock yet: the directory is brand new. */
  if (fd < 0 || flock (fd, LOCK_EX) < 0)
    {
      int saved = errno;
      /* Made by us, unusable by us: leave nothing behind (EMFILE...). */
      if (fd >= 0)
        close (fd);
      unlinkat (rootfd, id, AT_REMOVEDIR);
      return ocirun_error_set (err, saved, "open state directory of `%s`", id);
    }
  *dirfd = fd;
  return 0;
}

int
ocirun_state_dir_open (int rootfd, const char *id, int lock, int *dirfd,
                       struct ocirun_error *err)
{
  struct stat st;
  cleanup_close int fd = -1;

  if (ocirun_state_validate_id (id, err) < 0)
    return -1;
  fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
        return ocirun_error_set (err, 0, "container `%s` does not exist", id);
      return ocirun_error_errno (err, "open state directory of `%s`", id);
    }
  if (lock)
    {
      while (flock (fd, lock) < 0)
        if (errno != EINTR)
          return ocirun_error_errno (err, "lock state directory of `%s`", id);
      /* A delete we waited for removed it meanwhile. */
      if (fstat (fd, &st) < 0)
        return ocirun_error_errno (err, "stat state directory of `%s`", id);
      if (st.st_nlink == 0)
        return ocirun_error_set (err, 0, "container `%s` does not exist", id);
    }
  *dirfd = steal_fd (&fd);
  return 0;
}

int
ocirun_state_dir_remove (int rootfd, const char *id, int dirfd,
                         struct ocirun_error *err)
{
  /* getdents on dirfd itself: cleanup must work even when no fd is left
   * to open (EMFILE is one of the reasons we may be cleaning up).  Passes
   * repeat until one removes nothing: unlinking while reading is fine,
   * but a later batch is then read again from the start. */
  char buf[4096] __attribute__ ((aligned (8)));
  bool removed = true;

  while (removed)
    {
      long n;

      removed = false;
      if (lseek (dirfd, 0, SEEK_SET) < 0)
        return ocirun_error_errno (err, "read state directory of `%s`", id);
      while ((n = syscall (SYS_getdents64, dirfd, buf, sizeof buf)) > 0)
        for (long off = 0; off < n;)
          {
            struct dirent64 *de = (struct dirent64 *)(buf + off);

            off += de->d_reclen;
            /* state.json goes last: readers never see a half-removed
             * container as anything but complete or gone. */
            if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0
                || strcmp (de->d_name, OCIRUN_STATE_FILE) == 0)
              continue;
            if (unlinkat (dirfd, de->d_name, 0) < 0 && errno != ENOENT)
              return ocirun_error_errno (err, "remove `%s` of container `%s`",
                                         de->d_name, id);
            removed = true;
          }
      if (n < 0)
        return ocirun_error_errno (err, "read state directory of `%s`", id);
    }
  if (unlinkat (dirfd, OCIRUN_STATE_FILE, 0) < 0 && errno != ENOENT)
    return ocirun_error_errno (err, "remove state of `%s`", id);
  ocirun_test_stop_at ("delete-state-files");
  if (unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return ocirun_error_errno (err, "remove state directory of `%s`", id);
  return 0;
}

static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      buf += w;
      len -= (size_t)w;
    }
  return 0;
}

int
ocirun_state_write_file (int dirfd, const char *name, const char *data,
                         size_t len, struct ocirun_error *err)
{
  char tmp[256];
  int fd;

  snprintf (tmp, sizeof tmp, ".%s.tmp", name);
  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return ocirun_error_errno (err, "create `%s`", tmp);
  if (write_all (fd, data, len) < 0)
    {
      int saved = errno;
      close (fd);
      unlinkat (dirfd, tmp, 0);
      return ocirun_error_set (err, saved, "write `%s`", tmp);
    }
  close (fd);
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return ocirun_error_set (err, saved, "rename `%s` to `%s`", tmp, name);
    }
  return 0;
}

/* ---- JSON generation ---------------------------------------------------- */

static void
gen_str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *)s, strlen (s));
}

static void
gen_kstr (yajl_gen g, const char *k, const char *v)
{
  gen_str (g, k);
  gen_str (g, v ? v : "");
}

static void
gen_kint (yajl_gen g, const char *k, long long v)
{
  gen_str (g, k);
  yajl_gen_integer (g, v);
}

static void
gen_kuint (yajl_gen g, const char *k, unsigned long long v)
{
  char num[32];
  int n = snprintf (num, sizeof num, "%llu", v);

  gen_str (g, k);
  yajl_gen_number (g, num, (size_t)n);
}

static void
gen_strv (yajl_gen g, const char *k, char **v, size_t n)
{
  gen_str (g, k);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    gen_str (g, v[i]);
  yajl_gen_array_close (g);
}

static void
gen_annotations (yajl_gen g, const struct ocirun_state *s)
{
  gen_str (g, "annotations");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < s->annotations_len; i++)
    gen_kstr (g, s->annotations[i].key, s->annotations[i].value);
  yajl_gen_map_close (g);
}

static void
gen_hooks (yajl_gen g, const char *k, const struct oci_hook *h, size_t n)
{
  gen_str (g, k);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    {
      yajl_gen_map_open (g);
      gen_kstr (g, "path", h[i].path);
      if (h[i].args)
        gen_strv (g, "args", h[i].args, h[i].args_len);
      if (h[i].env)
        gen_strv (g, "env", h[i].env, h[i].env_len);
      if (h[i].timeout.set)
        gen_kint (g, "timeout", h[i].timeout.value);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static int
gen_finish (yajl_gen g, bool newline, char **out, size_t *len,
            struct ocirun_error *err)
{
  const unsigned char *buf;
  size_t n;
  char *r;

  if (yajl_gen_get_buf (g, &buf, &n) != yajl_gen_status_ok)
    {
      yajl_gen_free (g);
      return ocirun_error_set (err, EINVAL, "generate state JSON");
    }
  r = malloc (n + 2);
  if (r == NULL)
    {
      yajl_gen_free (g);
      return ocirun_error_errno (err, "malloc");
    }
  memcpy (r, buf, n);
  /* yajl's beautifier ends with a newline; runc's output does not. */
  while (n > 0 && r[n - 1] == '\n')
    n--;
  if (newline)
    r[n++] = '\n';
  r[n] = '\0';
  yajl_gen_free (g);
  *out = r;
  if (len)
    *len = n;
  return 0;
}

static const char *const ns_names[OCI_NS_COUNT_] = {
  [OCI_NS_MOUNT] = "mount",     [OCI_NS_PID] = "pid",
  [OCI_NS_NETWORK] = "network", [OCI_NS_UTS] = "uts",
  [OCI_NS_IPC] = "ipc",         [OCI_NS_USER] = "user",
  [OCI_NS_CGROUP] = "cgroup",   [OCI_NS_TIME] = "time",
};

int
ocirun_state_generate (const struct ocirun_state *s, char **json, size_t *len,
                       struct ocirun_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);

  if (g == NULL)
    return ocirun_error_set (err, ENOMEM, "allocate JSON generator");
  yajl_gen_map_open (g);
  gen_kstr (g, "ociVersion", s->oci_version);
  gen_kstr (g, "id", s->id);
  gen_kstr (g, "status", oci_status_to_string (s->status));
  gen_kint (g, "pid", s->pid);
  gen_kuint (g, "pidStart", s->pid_start);
  gen_kint (g, "creator", s->creator);
  gen_kuint (g, "creatorStart", s->creator_start);
  gen_kstr (g, "bundle", s->bundle);
  gen_kstr (g, "rootfs", s->rootfs);
  gen_kstr (g, "created", s->created);
  gen_str (g, "namespaces");
  yajl_gen_array_open (g);
  for (int t = 1; t < OCI_NS_COUNT_; t++)
    if (s->ns_mask & (1u << t))
      gen_str (g, ns_names[t]);
  yajl_gen_array_close (g);
  gen_annotations (g, s);
  gen_hooks (g, "poststart", s->poststart, s->poststart_len);
  gen_hooks (g, "poststop", s->poststop, s->poststop_len);
  yajl_gen_map_close (g);
  return gen_finish (g, false, json, len, err);
}

int
ocirun_state_write (int dirfd, const struct ocirun_state *s,
                    struct ocirun_error *err)
{
  cleanup_free char *json = NULL;
  size_t len;

  if (ocirun_state_generate (s, &json, &len, err) < 0)
    return -1;
  return ocirun_state_write_file (dirfd, OCIRUN_STATE_FILE, json, len, err);
}

int
ocirun_state_to_json (const struct ocirun_state *s, const char *status,
                      enum ocirun_state_format fmt, char **out, size_t *len,
                      struct ocirun_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);

  if (g == NULL)
    return ocirun_error_set (err, ENOMEM, "allocate JSON generator");
  if (fmt == OCIRUN_STATE_RUNC_PRETTY)
    {
      yajl_gen_config (g, yajl_gen_beautify, 1);
      yajl_gen_config (g, yajl_gen_indent_string, "  ");
    }
  yajl_gen_map_open (g);
  gen_kstr (g, "ociVersion", s->oci_version);
  gen_kstr (g, "id", s->id);
  if (fmt == OCIRUN_STATE_HOOK)
    {
      /* runtime-spec order; pid only while there is a process. */
      gen_kstr (g, "status", status);
      if (s->pid > 0)
        gen_kint (g, "pid", s->pid);
      gen_kstr (g, "bundle", s->bundle);
      if (s->annotations_len > 0)
        gen_annotations (g, s);
    }
  else
    {
      /* runc's containerState: pid is 0 once stopped. */
      bool stopped = strcmp (status, "stopped") == 0;
      gen_kint (g, "pid", stopped ? 0 : s->pid);
      gen_kstr (g, "status", status);
      gen_kstr (g, "bundle", s->bundle);
      gen_kstr (g, "rootfs", s->rootfs);
      gen_kstr (g, "created", s->created);
      if (s->annotations_len > 0)
        gen_annotations (g, s);
      gen_kstr (g, "owner", fmt == OCIRUN_STATE_RUNC_LIST ? s->owner : "");
    }
  yajl_gen_map_close (g);
  return gen_finish (g, false, out, len, err);
}

/* ---- parsing -------------------------------------------------------------
 */

/* The parsers below read a file the runtime wrote itself, but the state
 * directory may hold anything (a crash, a full disk, a hostile root): any
 * input gives a complete struct or "corrupt", never a half-filled one
 * that a later command would trip over.  Absent members keep the zero
 * values older files relied on; present ones must make sense. */

/* A string member: 0 with *out NULL when absent (or not a string). */
static int
json_strdup (const struct oci_json *o, const char *key, char **out)
{
  const struct oci_json *v = oci_json_get (o, key);

  *out = NULL;
  if (v == NULL || v->type != OCI_JSON_STRING)
    return 0;
  *out = strdup (v->text);
  return *out ? 0 : -1;
}

/* A non-negative integer member up to max; 0 when absent. */
static int
json_uint (const struct oci_json *o, const char *key, unsigned long long max,
           unsigned long long *out)
{
  const struct oci_json *v = oci_json_get (o, key);
  char *end;

  *out = 0;
  if (v == NULL)
    return 0;
  if (v->type != OCI_JSON_NUMBER || !isdigit ((unsigned char)v->text[0]))
    return -1;
  errno = 0;
  *out = strtoull (v->text, &end, 10);
  if (errno != 0 || *end != '\0' || *out > max)
    return -1;
  return 0;
}

static int
json_pid (const struct oci_json *o, const char *key, pid_t *out)
{
  unsigned long long v;

  if (json_uint (o, key, INT32_MAX, &v) < 0)
    return -1;
  *out = (pid_t)v;
  return 0;
}

/* The strings of an array (others skipped), NULL-terminated. */
static int
json_strv (const struct oci_json *v, char ***out, size_t *n)
{
  char **r;

  *out = NULL;
  *n = 0;
  if (v == NULL || v->type != OCI_JSON_ARRAY)
    return 0;
  r = calloc (v->n + 1, sizeof *r);
  if (r == NULL)
    return -1;
  *out = r;
  for (size_t i = 0; i < v->n; i++)
    if (v->values[i]->type == OCI_JSON_STRING)
      {
        r[*n] = strdup (v->values[i]->text);
        if (r[*n] == NULL)
          return -1;
        (*n)++;
      }
  return 0;
}

/* Hooks are run by later commands: each needs its path. */
static int
json_hooks (const struct oci_json *v, struct oci_hook **out, size_t *n)
{
  struct oci_hook *r;

  *out = NULL;
  *n = 0;
  if (v == NULL || v->type != OCI_JSON_ARRAY || v->n == 0)
    return 0;
  r = calloc (v->n, sizeof *r);
  if (r == NULL)
    return -1;
  *out = r;
  for (size_t i = 0; i < v->n; i++)
    {
      const struct oci_json *h = v->values[i];
      const struct oci_json *t = oci_json_get (h, "timeout");
      struct oci_hook *d = &r[(*n)++];

      if (json_strdup (h, "path", &d->path) < 0 || d->path == NULL
          || json_strv (oci_json_get (h, "args"), &d->args, &d->args_len) < 0
          || json_strv (oci_json_get (h, "env"), &d->env, &d->env_len) < 0)
        return -1;
      if (t && t->type == OCI_JSON_NUMBER)
        {
          d->timeout.set = true;
          d->timeout.value = strtoll (t->text, NULL, 10);
        }
    }
  return 0;
}

static unsigned
json_ns_mask (const struct oci_json *v)
{
  unsigned mask = 0;

  if (v == NULL || v->type != OCI_JSON_ARRAY)
    return 0;
  for (size_t i = 0; i < v->n; i++)
    for (int t = 1; t < OCI_NS_COUNT_; t++)
      if (v->values[i]->type == OCI_JSON_STRING
          && strcmp (v->values[i]->text, ns_names[t]) == 0)
        mask |= 1u << t;
  return mask;
}

static int
json_annotations (const struct oci_json *a, struct ocirun_state *s)
{
  if (a == NULL || a->type != OCI_JSON_OBJECT || a->n == 0)
    return 0;
  s->annotations = calloc (a->n, sizeof *s->annotations);
  if (s->annotations == NULL)
    return -1;
  for (size_t i = 0; i < a->n; i++)
    if (a->values[i]->type == OCI_JSON_STRING)
      {
        struct oci_kv *kv = &s->annotations[s->annotations_len++];
        kv->key = strdup (a->keys[i]);
        kv->value = strdup (a->values[i]->text);
        if (kv->key == NULL || kv->value == NULL)
          return -1;
      }
  return 0;
}

static int
state_from_json (const struct oci_json *o, struct ocirun_state *s)
{
  cleanup_free char *status = NULL;

  if (json_strdup (o, "status", &status) < 0
      || json_strdup (o, "ociVersion", &s->oci_version) < 0
      || json_strdup (o, "id", &s->id) < 0
      || json_strdup (o, "bundle", &s->bundle) < 0
      || json_strdup (o, "rootfs", &s->rootfs) < 0
      || json_strdup (o, "created", &s->created) < 0
      || json_pid (o, "pid", &s->pid) < 0
      || json_uint (o, "pidStart", ULLONG_MAX, &s->pid_start) < 0
      || json_pid (o, "creator", &s->creator) < 0
      || json_uint (o, "creatorStart", ULLONG_MAX, &s->creator_start) < 0
      || json_annotations (oci_json_get (o, "annotations"), s) < 0
      || json_hooks (oci_json_get (o, "poststart"), &s->poststart,
                     &s->poststart_len)
             < 0
      || json_hooks (oci_json_get (o, "poststop"), &s->poststop,
                     &s->poststop_len)
             < 0)
    return -1;
  s->status = status ? oci_status_from_string (status) : OCI_STATUS_INVALID;
  s->ns_mask = json_ns_mask (oci_json_get (o, "namespaces"));
  if (s->id == NULL || s->bundle == NULL || s->status == OCI_STATUS_INVALID)
    return -1;
  return 0;
}

int
ocirun_state_parse (const char *data, size_t len, struct ocirun_state **out,
                    struct ocirun_error *err)
{
  struct oci_json *root = NULL;
  struct ocirun_state *s;

  if (oci_json_parse (data, len, OCIRUN_STATE_FILE, &root, err) < 0)
    return -1;
  s = calloc (1, sizeof *s);
  if (s == NULL)
    {
      oci_json_free (root);
      return ocirun_error_errno (err, "malloc");
    }
  if (root->type != OCI_JSON_OBJECT || state_from_json (root, s) < 0)
    {
      oci_json_free (root);
      ocirun_state_free (s);
      return ocirun_error_set (err, EINVAL, OCIRUN_STATE_FILE ": corrupt");
    }
  oci_json_free (root);
  *out = s;
  return 0;
}

int
ocirun_state_read (int dirfd, struct ocirun_state **out,
                   struct ocirun_error *err)
{
  char buf[65536];
  cleanup_free char *big = NULL;
  const char *data = buf;
  size_t len = 0;
  struct ocirun_state *s;
  int fd;

  fd = openat (dirfd, OCIRUN_STATE_FILE, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error_errno (err, "open " OCIRUN_STATE_FILE);
  for (;;)
    {
      ssize_t r = read (fd, buf + len, sizeof buf - len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;
          close (fd);
          return ocirun_error_set (err, saved, "read " OCIRUN_STATE_FILE);
        }
      if (r == 0)
        break;
      len += (size_t)r;
      if (len == sizeof buf)
        break;
    }
  close (fd);
  if (len == sizeof buf)
    {
      /* Huge annotations: fall back to the bounded whole-file reader. */
      char path[64];
      snprintf (path, sizeof path, "/proc/self/fd/%d/" OCIRUN_STATE_FILE,
                dirfd);
      if (oci_json_read_file (path, &big, &len, err) < 0)
        return -1;
      data = big;
    }
  if (ocirun_state_parse (data, len, &s, err) < 0)
    return -1;
  if (s->status == OCI_STATUS_CREATED)
    s->start_pending
        = faccessat (dirfd, OCIRUN_START_SOCKET, F_OK, AT_SYMLINK_NOFOLLOW)
          == 0;
  *out = s;
  return 0;
}

static void
strv_free (char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

static void
hooks_free (struct oci_hook *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].path);
      strv_free (h[i].args, h[i].args_len);
      strv_free (h[i].env, h[i].env_len);
    }
  free (h);
}

void
ocirun_state_free (struct ocirun_state *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->id);
  free (s->bundle);
  free (s->rootfs);
  free (s->created);
  free (s->owner);
  for (size_t i = 0; i < s->annotations_len; i++)
    {
      free (s->annotations[i].key);
      free (s->annotations[i].value);
    }
  free (s->annotations);
  hooks_free (s->poststart, s->poststart_len);
  hooks_free (s->poststop, s->poststop_len);
  free (s);
}

void
ocirun_state_freep (struct ocirun_state **s)
{
  ocirun_state_free (*s);
  *s = NULL;
}

/* ---- liveness ------------------------------------------------------------
 */

int
ocirun_proc_stat (pid_t pid, unsigned long long *start, char *state)
{
  char path[64], buf[1024];
  ssize_t n;
  int fd;
  char *p;

  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    {
      errno = ESRCH;
      return -1;
    }
  buf[n] = '\0';
  /* comm may hold spaces and parens: fields restart after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    {
      errno = EINVAL;
      return -1;
    }
  p += 2;
  if (state)
    *state = *p;
  /* p is field 3; skip to field 22. */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        {
          errno = EINVAL;
          return -1;
        }
      p++;
    }
  if (start)
    *start = strtoull (p, NULL, 10);
  return 0;
}

bool
ocirun_pid_is (pid_t pid, unsigned long long start)
{
  unsigned long long st;
  char state;

  if (pid <= 0)
    return false;
  if (ocirun_proc_stat (pid, &st, &state) < 0)
    {
      /* Only a missing /proc entry means dead.  Unable to look (EMFILE,
       * ENOMEM), a running container must not be reported stopped: ask
       * the kernel whether the pid exists at all, which needs no fd (the
       * start time then goes unchecked). */
      if (errno == ENOENT || errno == ESRCH)
        return false;
      return kill (pid, 0) == 0 || errno == EPERM;
    }
  if (state == 'Z' || state == 'X' || state == 'x')
    return false;
  return st == start;
}

enum oci_status
ocirun_state_status (const struct ocirun_state *s)
{
  switch (s->status)
    {
    case OCI_STATUS_CREATING:
      return ocirun_pid_is (s->creator, s->creator_start) ? OCI_STATUS_CREATING
                                                          : OCI_STATUS_STOPPED;
    case OCI_STATUS_CREATED:
      if (!ocirun_pid_is (s->pid, s->pid_start))
        return OCI_STATUS_STOPPED;
      return s->start_pending ? OCI_STATUS_CREATED : OCI_STATUS_RUNNING;
    case OCI_STATUS_RUNNING:
      return ocirun_pid_is (s->pid, s->pid_start) ? s->status
                                                  : OCI_STATUS_STOPPED;
    default:
      return OCI_STATUS_STOPPED;
    }
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm):
 * gmtime_r would load the time zone database on first use, which `create`
 * does not need. */
static void
civil_from_days (long long z, int *y, unsigned *m, unsigned *d)
{
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;

  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

void
ocirun_time_rfc3339 (char *buf, size_t len)
{
  struct timespec now;
  char frac[16];
  long long days, secs;
  unsigned m, d;
  int y;

  clock_gettime (CLOCK_REALTIME, &now);
  days = now.tv_sec / 86400;
  secs = now.tv_sec % 86400;
  if (secs < 0)
    {
      secs += 86400;
      days--;
    }
  civil_from_days (days, &y, &m, &d);
  /* Go's RFC3339Nano drops trailing zeros of the fraction. */
  snprintf (frac, sizeof frac, ".%09ld", (long)now.tv_nsec);
  for (size_t i = strlen (frac) - 1; i > 0 && frac[i] == '0'; i--)
    frac[i] = '\0';
  if (strcmp (frac, ".") == 0)
    frac[0] = '\0';
  snprintf (buf, len, "%04d-%02u-%02uT%02lld:%02lld:%02lld%sZ", y, m, d,
            secs / 3600, secs / 60 % 60, secs % 60, frac);
}

int
ocirun_write_pid_file (const char *path, pid_t pid, struct ocirun_error *err)
{
  char tmp[4096], num[32];
  const char *slash = strrchr (path, '/');
  int n = snprintf (num, sizeof num, "%d", (int)pid);
  int fd;

  /* Same directory as the target so that rename() is atomic. */
  if (slash)
    snprintf (tmp, sizeof tmp, "%.*s/.%s.tmp", (int)(slash - path), path,
              slash + 1);
  else
    snprintf (tmp, sizeof tmp, ".%s.tmp", path);
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return ocirun_error_errno (err, "create pid file `%s`", tmp);
  if (write_all (fd, num, (size_t)n) < 0)
    {
      int saved = errno;
      close (fd);
      unlink (tmp);
      return ocirun_error_set (err, saved, "write pid file `%s`", tmp);
    }
  close (fd);
  if (rename (tmp, path) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return ocirun_error_set (err, saved, "rename pid file to `%s`", path);
    }
  return 0;
}
