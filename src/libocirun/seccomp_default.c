/* seccomp_default.c - ocirun's default profile (seccomp-profiles/
 * default.json, embedded at build time as ocirun_seccomp_default_json[]
 * by the security block of Makefile.am). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cleanup.h"
#include "libocirun/security.h"

/* Generated: src/libocirun/seccomp_default_json.c */
extern const char ocirun_seccomp_default_json[];
extern const size_t ocirun_seccomp_default_json_len;

const char *
ocirun_default_seccomp_json (size_t *len)
{
  if (len)
    *len = ocirun_seccomp_default_json_len;
  return ocirun_seccomp_default_json;
}

int
ocirun_default_seccomp (struct oci_seccomp **out, struct ocirun_error *err)
{
  static const char head[]
      = "{\"ociVersion\":\"" OCI_SPEC_VERSION "\",\"linux\":{\"seccomp\":";
  static const char tail[] = "}}";
  size_t len
      = sizeof head - 1 + ocirun_seccomp_default_json_len + sizeof tail - 1;
  cleanup_free char *doc = malloc (len + 1);
  cleanup_oci_config struct oci_config *cfg = NULL;

  /* Parse it with the config parser (wrapped in a minimal document) so
   * the embedded profile gets exactly the checks a user's profile gets. */
  if (doc == NULL)
    return ocirun_error_errno (err, "malloc");
  memcpy (doc, head, sizeof head - 1);
  memcpy (doc + sizeof head - 1, ocirun_seccomp_default_json,
          ocirun_seccomp_default_json_len);
  memcpy (doc + len - (sizeof tail - 1), tail, sizeof tail);
  if (oci_config_parse_data (doc, len, "seccomp-profiles/default.json", &cfg,
                             err)
      < 0)
    return -1;
  if (cfg->linux_ == NULL || cfg->linux_->seccomp == NULL)
    return ocirun_error_set (err, EINVAL, "default seccomp profile is empty");
  *out = steal_pointer (&cfg->linux_->seccomp);
  return 0;
}

static void
strv_free (char **v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    free (v[i]);
  free (v);
}

void
ocirun_seccomp_free (struct oci_seccomp *s)
{
  if (s == NULL)
    return;
  strv_free (s->architectures, s->architectures_len);
  strv_free (s->flags, s->flags_len);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; i < s->syscalls_len; i++)
    {
      strv_free (s->syscalls[i].names, s->syscalls[i].names_len);
      free (s->syscalls[i].args);
    }
  free (s->syscalls);
  free (s);
}
