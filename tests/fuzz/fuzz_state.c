/* fuzz_state.c - libFuzzer target for the reader of the runtime's own
 * state file, <root>/<id>/state.json (src/libocirun/state.c).
 *
 * The input is the file's bytes.  A parse that succeeds must give what
 * every command relies on (an id, a bundle, a known status, pids in
 * range, a path for each hook, no NULL string in an array or map); the
 * record then goes through the three state documents `state`, `list` and
 * the hooks print, and through generate -> parse -> generate, which must
 * reproduce the same text: ocirun must read back whatever it writes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/state.h"

static void
broken (const char *what)
{
  fprintf (stderr, "parsed state breaks its contract: %s\n", what);
  abort ();
}

static void
check_strv (char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] == NULL)
      broken ("NULL string in a hook's args or env");
}

static void
check_hooks (const struct oci_hook *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (h[i].path == NULL)
        broken ("hook without a path");
      check_strv (h[i].args, h[i].args_len);
      check_strv (h[i].env, h[i].env_len);
    }
}

static void
check_state (const struct ocirun_state *s)
{
  if (s->id == NULL || s->bundle == NULL)
    broken ("no id or bundle");
  if (oci_status_to_string (s->status) == NULL)
    broken ("unknown status");
  if (s->pid < 0 || s->creator < 0)
    broken ("negative pid");
  for (size_t i = 0; i < s->annotations_len; i++)
    if (s->annotations[i].key == NULL || s->annotations[i].value == NULL)
      broken ("NULL annotation");
  check_hooks (s->poststart, s->poststart_len);
  check_hooks (s->poststop, s->poststop_len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const enum ocirun_state_format formats[]
      = { OCIRUN_STATE_HOOK, OCIRUN_STATE_RUNC_PRETTY,
          OCIRUN_STATE_RUNC_LIST };
  struct ocirun_error err = { 0 };
  struct ocirun_state *s = NULL, *again = NULL;
  char *j1 = NULL, *j2 = NULL;

  if (ocirun_state_parse ((const char *)data, size, &s, &err) < 0)
    return 0;
  check_state (s);
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
    {
      char *out = NULL;
      if (ocirun_state_to_json (s, oci_status_to_string (s->status),
                                formats[i], &out, NULL, &err)
          == 0)
        free (out);
    }
  if (ocirun_state_generate (s, &j1, NULL, &err) < 0)
    {
      fprintf (stderr, "cannot generate a parsed state: %s\n", err.msg);
      abort ();
    }
  if (ocirun_state_parse (j1, strlen (j1), &again, &err) < 0)
    {
      fprintf (stderr, "generated state rejected: %s\n%s\n", err.msg, j1);
      abort ();
    }
  if (ocirun_state_generate (again, &j2, NULL, &err) < 0
      || strcmp (j1, j2) != 0)
    {
      fprintf (stderr, "round trip differs:\n%s\n---\n%s\n", j1,
               j2 ? j2 : "(null)");
      abort ();
    }
  ocirun_state_free (again);
  ocirun_state_free (s);
  free (j1);
  free (j2);
  return 0;
}
