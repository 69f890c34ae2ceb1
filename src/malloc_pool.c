/* malloc_pool.c - the allocator of the musl build (linked only when the C
 * library is not glibc; see configure.ac).
 *
 * musl's malloc hands emptied groups back to the kernel at once, so an
 * ocirun command maps and unmaps the same few pages again and again: per
 * `run`, 23 mmap + 19 munmap and ~40 extra page faults.  Measured with
 * bench.c tput, 8 workers: 382 containers/s with musl's malloc, 408/s
 * with none of that churn.  An ocirun process lives for milliseconds (or,
 * for `run` in the foreground and `events`, a steady loop), so this one
 * never gives memory back: blocks of 16 B..64 KiB come from power-of-two
 * size classes carved out of 256 KiB arenas and are kept on a free list
 * per class when freed; bigger blocks are mmap()ed and munmap()ed.
 * ocirun is single-threaded (the container process is a clone without
 * CLONE_VM, with its own copy), and musl's internal allocations keep
 * using musl's own allocator. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16       /* header before every block; keeps 16-byte alignment */
#define MIN_SHIFT 5  /* smallest class: 32 bytes, header included */
#define MAX_SHIFT 16 /* largest class: 64 KiB */
#define ARENA (256 * 1024)
#define LARGE ((size_t)1 << 63)

struct hdr
{
  size_t info; /* class shift, or LARGE | mapping length */
  void *base;  /* LARGE: start of the mapping */
};

struct free_block
{
  struct free_block *next;
};

static struct free_block *free_list[MAX_SHIFT + 1];
static char *arena_cur, *arena_end;

static unsigned
class_of (size_t total)
{
  unsigned s = MIN_SHIFT;
  while (((size_t)1 << s) < total)
    s++;
  return s;
}

static void *
large_alloc (size_t n, size_t align)
{
  size_t len, off;
  char *base;
  struct hdr *h;

  if (n > SIZE_MAX / 2 - align - HDR - 4096)
    return errno = ENOMEM, NULL;
  len = (n + align + HDR + 4095) & ~(size_t)4095;
  base = mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
               -1, 0);
  if (base == MAP_FAILED)
    return errno = ENOMEM, NULL;
  off = HDR;
  if (align > HDR)
    off = ((uintptr_t)base + HDR + align - 1) / align * align
          - (uintptr_t)base;
  h = (struct hdr *)(base + off) - 1;
  h->info = LARGE | len;
  h->base = base;
  return base + off;
}

static void *
class_alloc (unsigned s)
{
  size_t size = (size_t)1 << s;
  struct hdr *h;

  if (free_list[s] != NULL)
    {
      struct free_block *b = free_list[s];
      free_list[s] = b->next;
      return b;
    }
  if ((size_t)(arena_end - arena_cur) < size)
    {
      /* The rest of the old arena is left unused: at most 64 KiB. */
      char *a = mmap (NULL, ARENA, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (a == MAP_FAILED)
        return errno = ENOMEM, NULL;
      arena_cur = a;
      arena_end = a + ARENA;
    }
  h = (struct hdr *)arena_cur;
  arena_cur += size;
  h->info = s;
  h->base = NULL;
  return h + 1;
}

/* Everything allocates through here, never through malloc(): gcc turns
 * "malloc + memset 0" into a call to calloc, which would be this file's
 * calloc calling itself. */
static void *
pool_alloc (size_t n)
{
  if (n <= ((size_t)1 << MAX_SHIFT) - HDR)
    return class_alloc (class_of (n + HDR));
  return large_alloc (n, HDR);
}

void *
malloc (size_t n)
{
  return pool_alloc (n);
}

void
free (void *p)
{
  struct hdr *h;

  if (p == NULL)
    return;
  h = (struct hdr *)p - 1;
  if (h->info & LARGE)
    {
      munmap (h->base, h->info & ~LARGE);
      return;
    }
  ((struct free_block *)p)->next = free_list[h->info];
  free_list[h->info] = p;
}

size_t
malloc_usable_size (void *p)
{
  struct hdr *h = (struct hdr *)p - 1;

  if (p == NULL)
    return 0;
  if (h->info & LARGE)
    return (size_t)((char *)h->base + (h->info & ~LARGE) - (char *)p);
  return ((size_t)1 << h->info) - HDR;
}

void *
calloc (size_t a, size_t b)
{
  size_t n;
  void *p;

  if (__builtin_mul_overflow (a, b, &n))
    return errno = ENOMEM, NULL;
  p = pool_alloc (n);
  if (p != NULL)
    memset (p, 0, n);
  return p;
}

void *
realloc (void *p, size_t n)
{
  size_t have;
  void *q;

  if (p == NULL)
    return pool_alloc (n);
  have = malloc_usable_size (p);
  if (n <= have)
    return p;
  q = pool_alloc (n);
  if (q == NULL)
    return NULL;
  memcpy (q, p, have);
  free (p);
  return q;
}

void *
aligned_alloc (size_t align, size_t n)
{
  if (align == 0 || (align & (align - 1)) != 0)
    return errno = EINVAL, NULL;
  if (align <= HDR)
    return pool_alloc (n);
  return large_alloc (n, align);
}

int
posix_memalign (void **out, size_t align, size_t n)
{
  void *p;

  if (align < sizeof (void *))
    return EINVAL;
  p = aligned_alloc (align, n);
  if (p == NULL)
    return errno;
  *out = p;
  return 0;
}

void *
memalign (size_t align, size_t n)
{
  return aligned_alloc (align, n);
}
