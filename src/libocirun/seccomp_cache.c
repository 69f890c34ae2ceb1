/* seccomp_cache.c - reuse compiled seccomp programs across runs.
 *
 * libseccomp needs ~15-25 ms to compile a 350-syscall allowlist for three
 * ABIs (measured on this project's CI machine), more than the rest of
 * container creation.  Engines use a handful of profiles over and over, so
 * the BPF is kept in a cache directory keyed by the profile's content.
 *
 * Trust: the cache feeds the kernel's filter, so the directory must be
 * owned by us and writable by nobody else (checked on every use; a bad
 * directory disables the cache).  Entries store the full canonical key and
 * are used only when it matches byte for byte, so a hash collision (the
 * file name is a 64-bit FNV-1a hash) can never hand out another profile's
 * program.  Entries are written to a temporary file and renamed, so a
 * reader sees a whole entry or none.  Any cache problem falls back to
 * compiling. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/seccomp.h"

#define CACHE_MAGIC "ocirun-bpf-3\n"
#define CACHE_MAX_FILE (1 << 20)

/* ---- canonical key ---------------------------------------------------- */

struct buf
{
  char *data;
  size_t len, cap;
  bool oom;
};

static void
buf_add (struct buf *b, const void *p, size_t n)
{
  if (b->oom)
    return;
  if (b->len + n > b->cap)
    {
      size_t cap = b->cap ? b->cap * 2 : 4096;
      char *d;

      while (cap < b->len + n)
        cap *= 2;
      d = realloc (b->data, cap);
      if (d == NULL)
        {
          b->oom = true;
          return;
        }
      b->data = d;
      b->cap = cap;
    }
  memcpy (b->data + b->len, p, n);
  b->len += n;
}

static void
buf_u64 (struct buf *b, uint64_t v)
{
  buf_add (b, &v, sizeof v);
}

/* Length-prefixed, so that ["ab","c"] and ["a","bc"] differ. */
static void
buf_str (struct buf *b, const char *s)
{
  size_t n = s ? strlen (s) : 0;

  buf_u64 (b, s ? n : UINT64_MAX);
  buf_add (b, s, n);
}

static void
buf_strv (struct buf *b, char *const *v, size_t n)
{
  buf_u64 (b, n);
  for (size_t i = 0; i < n; i++)
    buf_str (b, v[i]);
}

static void
key_rule (struct buf *b, const struct oci_syscall *r)
{
  buf_strv (b, r->names, r->names_len);
  buf_u64 (b, r->action);
  buf_u64 (b, r->errno_ret.set);
  buf_u64 (b, r->errno_ret.value);
  buf_u64 (b, r->args_len);
  for (size_t a = 0; a < r->args_len; a++)
    {
      buf_u64 (b, r->args[a].index);
      buf_u64 (b, r->args[a].value);
      buf_u64 (b, r->args[a].value_two.set);
      buf_u64 (b, r->args[a].value_two.value);
      buf_u64 (b, r->args[a].op);
    }
}

/* Everything the program depends on: the profile, the libseccomp that
 * compiles it (its syscall tables) and the native architecture. */
static int
cache_key (const struct oci_seccomp *s, struct buf *b)
{
  const struct scmp_version *v = seccomp_version ();

  buf_add (b, CACHE_MAGIC, sizeof CACHE_MAGIC - 1);
  buf_u64 (b, v ? v->major : 0);
  buf_u64 (b, v ? v->minor : 0);
  buf_u64 (b, v ? v->micro : 0);
  buf_u64 (b, seccomp_arch_native ());
  buf_u64 (b, s->default_action);
  buf_u64 (b, s->default_errno_ret.set);
  buf_u64 (b, s->default_errno_ret.value);
  buf_strv (b, s->architectures, s->architectures_len);
  buf_strv (b, s->flags, s->flags_len);
  buf_u64 (b, s->syscalls_len);
  for (size_t i = 0; i < s->syscalls_len; i++)
    key_rule (b, &s->syscalls[i]);
  return b->oom ? -1 : 0;
}

static uint64_t
fnv1a (const char *p, size_t n)
{
  uint64_t h = UINT64_C (0xcbf29ce484222325);

  for (size_t i = 0; i < n; i++)
    {
      h ^= (unsigned char)p[i];
      h *= UINT64_C (0x100000001b3);
    }
  return h;
}

/* ---- directory -------------------------------------------------------- */

/* Open (creating if needed) the cache directory; -1 if it is missing and
 * can't be made, or is not private to us. */
static int
open_cache_dir (const char *dir)
{
  struct stat st;
  int fd;

  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return -1;
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) < 0 || st.st_uid != geteuid ()
      || (st.st_mode & 0022) != 0)
    {
      ocirun_debug ("seccomp cache `%s` is not private: not used", dir);
      close (fd);
      return -1;
    }
  return fd;
}

/* ---- entries ---------------------------------------------------------- */

struct entry_header
{
  uint64_t key_len;
  uint64_t flags;
  uint64_t notify;
  uint64_t insns;
};

static int
read_entry (int dirfd, const char *name, const struct buf *key,
            struct ocirun_seccomp_bpf **out)
{
  cleanup_close int fd
      = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_free char *data = NULL;
  struct entry_header h;
  struct ocirun_seccomp_bpf *b;
  struct stat st;
  size_t need;

  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)
      || st.st_size < (off_t)sizeof h || st.st_size > CACHE_MAX_FILE)
    return -1;
  data = malloc (st.st_size);
  if (data == NULL || read (fd, data, st.st_size) != st.st_size)
    return -1;
  memcpy (&h, data, sizeof h);
  need = sizeof h + h.key_len + h.insns * sizeof (struct sock_filter);
  if (h.key_len != key->len || need != (size_t)st.st_size || h.insns == 0
      || h.insns > BPF_MAXINSNS
      || memcmp (data + sizeof h, key->data, key->len) != 0)
    return -1;
  b = calloc (1, sizeof *b);
  if (b == NULL)
    return -1;
  b->len = h.insns;
  b->flags = (unsigned int)h.flags;
  b->notify = h.notify != 0;
  b->insns = malloc (h.insns * sizeof (struct sock_filter));
  if (b->insns == NULL)
    {
      free (b);
      return -1;
    }
  memcpy (b->insns, data + sizeof h + h.key_len,
          h.insns * sizeof (struct sock_filter));
  *out = b;
  return 0;
}

static bool
write_all (int fd, const void *p, size_t n)
{
  const char *c = p;

  while (n > 0)
    {
      ssize_t w = write (fd, c, n);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return false;
      c += w;
      n -= w;
    }
  return true;
}

static void
write_entry (int dirfd, const char *name, const struct buf *key,
             const struct ocirun_seccomp_bpf *b)
{
  struct entry_header h = { key->len, b->flags, b->notify, b->len };
  char tmp[64];
  bool ok;
  int fd;

  snprintf (tmp, sizeof tmp, ".%s.%d", name, (int)getpid ());
  fd = openat (dirfd, tmp,
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  ok = write_all (fd, &h, sizeof h) && write_all (fd, key->data, key->len)
       && write_all (fd, b->insns, b->len * sizeof (struct sock_filter));
  close (fd);
  if (!ok || renameat (dirfd, tmp, dirfd, name) < 0)
    unlinkat (dirfd, tmp, 0);
}

int
ocirun_seccomp_compile_cached (const struct oci_seccomp *s,
                               const char *cache_dir,
                               struct ocirun_seccomp_bpf **out,
                               struct ocirun_error *err)
{
  struct buf key = { 0 };
  char name[32];
  int dirfd = -1, r;

  if (cache_dir == NULL || cache_key (s, &key) < 0
      || (dirfd = open_cache_dir (cache_dir)) < 0)
    {
      free (key.data);
      return ocirun_seccomp_compile (s, out, err);
    }
  snprintf (name, sizeof name, "%016llx.bpf",
            (unsigned long long)fnv1a (key.data, key.len));
  if (read_entry (dirfd, name, &key, out) == 0)
    {
      ocirun_debug ("seccomp: cached program %s/%s", cache_dir, name);
      r = 0;
    }
  else
    {
      r = ocirun_seccomp_compile (s, out, err);
      if (r == 0)
        write_entry (dirfd, name, &key, *out);
    }
  close (dirfd);
  free (key.data);
  return r;
}
