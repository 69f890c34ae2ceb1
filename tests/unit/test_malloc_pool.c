/* test_malloc_pool.c - the musl build's allocator (src/malloc_pool.c),
 * compiled here under other names so that it runs in the glibc unit
 * build, under ASan and UBSan too, next to glibc's own malloc.  The
 * system headers come first, so that glibc's declarations (and their
 * alloc_size attributes) stay with glibc's functions. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define malloc mp_malloc
#define free mp_free
#define calloc mp_calloc
#define realloc mp_realloc
#define aligned_alloc mp_aligned_alloc
#define posix_memalign mp_posix_memalign
#define memalign mp_memalign
#define malloc_usable_size mp_malloc_usable_size
#include "malloc_pool.c"
#undef malloc
#undef free
#undef calloc
#undef realloc
#undef aligned_alloc
#undef posix_memalign
#undef memalign
#undef malloc_usable_size

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

static void
test_alignment_and_size (void **state)
{
  (void)state;
  for (size_t n = 0; n < 70000; n = n * 2 + 1)
    {
      unsigned char *p = mp_malloc (n);
      assert_non_null (p);
      assert_int_equal ((uintptr_t)p % 16, 0);
      assert_true (mp_malloc_usable_size (p) >= n);
      memset (p, 0xa5, n); /* the whole block is ours to write */
      mp_free (p);
    }
}

static void
test_freed_block_is_reused (void **state)
{
  (void)state;
  void *a = mp_malloc (100);
  mp_free (a);
  void *b = mp_malloc (90); /* same class (128) */
  assert_ptr_equal (a, b);
  void *c = mp_malloc (100); /* a new one while b is in use */
  assert_ptr_not_equal (b, c);
  mp_free (b);
  mp_free (c);
}

static void
test_calloc_zeroes_reused_memory (void **state)
{
  (void)state;
  unsigned char *p = mp_malloc (200);
  memset (p, 0xff, 200);
  mp_free (p);
  unsigned char *q = mp_calloc (50, 4);
  assert_ptr_equal (p, q);
  for (int i = 0; i < 200; i++)
    assert_int_equal (q[i], 0);
  mp_free (q);
  errno = 0;
  assert_null (mp_calloc (SIZE_MAX / 2, 3));
  assert_int_equal (errno, ENOMEM);
}

static void
test_realloc_keeps_content (void **state)
{
  (void)state;
  char *p = mp_realloc (NULL, 10);
  memcpy (p, "0123456789", 10);
  assert_ptr_equal (mp_realloc (p, 5), p); /* shrinking stays */
  char *q = mp_realloc (p, 100000);        /* to a large block */
  assert_non_null (q);
  assert_memory_equal (q, "0123456789", 10);
  q[99999] = 'x';
  char *r = mp_realloc (q, 300000);
  assert_memory_equal (r, "0123456789", 10);
  assert_int_equal (r[99999], 'x');
  mp_free (r);
}

static void
test_large_and_aligned (void **state)
{
  (void)state;
  unsigned char *big = mp_malloc (1 << 20);
  assert_non_null (big);
  memset (big, 1, 1 << 20);
  mp_free (big); /* munmap()ed */
  for (size_t a = 32; a <= 8192; a *= 4)
    {
      void *p = mp_aligned_alloc (a, 1000);
      assert_non_null (p);
      assert_int_equal ((uintptr_t)p % a, 0);
      assert_true (mp_malloc_usable_size (p) >= 1000);
      memset (p, 2, 1000);
      mp_free (p);
    }
  void *p = NULL;
  assert_int_equal (mp_posix_memalign (&p, 64, 10), 0);
  assert_int_equal ((uintptr_t)p % 64, 0);
  mp_free (p);
  assert_int_equal (mp_posix_memalign (&p, 3, 10), EINVAL);
  assert_null (mp_aligned_alloc (24, 10));
  mp_free (NULL);
}

static void
test_many_blocks_across_arenas (void **state)
{
  (void)state;
  enum
  {
    N = 5000
  };
  static unsigned char *p[N];
  for (int i = 0; i < N; i++)
    {
      p[i] = mp_malloc ((size_t)(i % 700) + 1);
      assert_non_null (p[i]);
      memset (p[i], i & 0xff, (size_t)(i % 700) + 1);
    }
  for (int i = 0; i < N; i++)
    {
      assert_int_equal (p[i][0], i & 0xff);
      assert_int_equal (p[i][i % 700], i & 0xff);
    }
  for (int i = 0; i < N; i++)
    mp_free (p[i]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_alignment_and_size),
    cmocka_unit_test (test_freed_block_is_reused),
    cmocka_unit_test (test_calloc_zeroes_reused_memory),
    cmocka_unit_test (test_realloc_keeps_content),
    cmocka_unit_test (test_large_and_aligned),
    cmocka_unit_test (test_many_blocks_across_arenas),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
