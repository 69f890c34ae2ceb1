/* seccomp_test_util.c - JSON -> struct oci_seccomp for the unit tests,
 * including a converter for the engines' profile format. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "libocirun/error.h"
#include "libocirun/seccomp.h"
#include "libocirun/security.h"
#include "oci-spec/json_tree.h"
#include "seccomp_test_util.h"

struct oci_seccomp *
test_parse_seccomp (const char *json)
{
  const char *head = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"seccomp\":";
  size_t len = strlen (head) + strlen (json) + 2;
  char *doc = malloc (len + 1);
  struct oci_config *cfg = NULL;
  struct ocirun_error err = { 0 };
  struct oci_seccomp *s;

  snprintf (doc, len + 1, "%s%s}}", head, json);
  if (oci_config_parse_data (doc, len, "test.json", &cfg, &err) < 0)
    {
      fprintf (stderr, "# parse error: %s\n", err.msg);
      free (doc);
      return NULL;
    }
  free (doc);
  s = cfg->linux_->seccomp;
  cfg->linux_->seccomp = NULL;
  oci_config_free (cfg);
  return s;
}

size_t
test_count (const char *hay, const char *needle)
{
  size_t n = 0, l = strlen (needle);

  for (const char *p = hay; (p = strstr (p, needle)) != NULL; p += l)
    n++;
  return n;
}

char *
test_seccomp_pfc (const struct oci_seccomp *s)
{
  struct ocirun_error err = { 0 };
  scmp_filter_ctx ctx;
  struct stat st;
  char *text;
  int fd;

  if (ocirun_seccomp_build_ctx (s, &ctx, &err) < 0)
    {
      fprintf (stderr, "# build error: %s\n", err.msg);
      return NULL;
    }
  fd = memfd_create ("pfc", MFD_CLOEXEC);
  if (fd < 0 || seccomp_export_pfc (ctx, fd) < 0 || fstat (fd, &st) < 0)
    abort ();
  seccomp_release (ctx);
  text = calloc (1, st.st_size + 1);
  if (pread (fd, text, st.st_size, 0) != st.st_size)
    abort ();
  close (fd);
  return text;
}

/* ---- engine profile conversion --------------------------------------- */

static char *
xstrdup (const char *s)
{
  char *r = strdup (s);

  if (r == NULL)
    abort ();
  return r;
}

static bool
json_list_has (const struct oci_json *list, const char *s)
{
  if (list == NULL || list->type != OCI_JSON_ARRAY)
    return false;
  for (size_t i = 0; i < list->n; i++)
    if (list->values[i]->type == OCI_JSON_STRING
        && strcmp (list->values[i]->text, s) == 0)
      return true;
  return false;
}

static bool
strv_has (const char *const *v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

static int
kernel_cmp (const char *min)
{
  struct utsname u;
  int a = 0, b = 0, x = 0, y = 0;

  uname (&u);
  sscanf (u.release, "%d.%d", &a, &b);
  sscanf (min, "%d.%d", &x, &y);
  return a != x ? a - x : b - y;
}

/* moby semantics: includes must all hold, any exclude removes the rule. */
static bool
rule_applies (const struct oci_json *rule, const char *const *caps)
{
  const struct oci_json *inc = oci_json_get (rule, "includes");
  const struct oci_json *exc = oci_json_get (rule, "excludes");
  const struct oci_json *l;

  if (inc && inc->type == OCI_JSON_OBJECT)
    {
      if ((l = oci_json_get (inc, "arches")) && l->n
          && !json_list_has (l, "amd64"))
        return false;
      if ((l = oci_json_get (inc, "caps")))
        for (size_t i = 0; i < l->n; i++)
          if (!strv_has (caps, l->values[i]->text))
            return false;
      if ((l = oci_json_get (inc, "minKernel")) && kernel_cmp (l->text) < 0)
        return false;
    }
  if (exc && exc->type == OCI_JSON_OBJECT)
    {
      if (json_list_has (oci_json_get (exc, "arches"), "amd64"))
        return false;
      if ((l = oci_json_get (exc, "caps")))
        for (size_t i = 0; i < l->n; i++)
          if (strv_has (caps, l->values[i]->text))
            return false;
    }
  return true;
}

static uint64_t
num (const struct oci_json *j)
{
  return j ? strtoull (j->text, NULL, 10) : 0;
}

static void
convert_rule (const struct oci_json *r, struct oci_syscall *out)
{
  const struct oci_json *names = oci_json_get (r, "names");
  const struct oci_json *args = oci_json_get (r, "args");
  const struct oci_json *e = oci_json_get (r, "errnoRet");

  if (names == NULL) /* older profiles: "name" */
    names = oci_json_get (r, "name");
  out->names_len = names->type == OCI_JSON_ARRAY ? names->n : 1;
  out->names = calloc (out->names_len + 1, sizeof (char *));
  for (size_t i = 0; i < out->names_len; i++)
    out->names[i] = xstrdup (
        names->type == OCI_JSON_ARRAY ? names->values[i]->text : names->text);
  out->action
      = oci_seccomp_action_from_string (oci_json_get (r, "action")->text);
  if (e)
    {
      out->errno_ret.set = true;
      out->errno_ret.value = (uint32_t)num (e);
    }
  if (args && args->type == OCI_JSON_ARRAY && args->n)
    {
      out->args_len = args->n;
      out->args = calloc (args->n, sizeof *out->args);
      for (size_t i = 0; i < args->n; i++)
        {
          const struct oci_json *a = args->values[i];
          const struct oci_json *v2 = oci_json_get (a, "valueTwo");

          out->args[i].index = (uint32_t)num (oci_json_get (a, "index"));
          out->args[i].value = num (oci_json_get (a, "value"));
          out->args[i].value_two.set = v2 != NULL;
          out->args[i].value_two.value = num (v2);
          out->args[i].op = oci_seccomp_operator_from_string (
              oci_json_get (a, "op")->text);
        }
    }
}

static void
convert_arches (const struct oci_json *doc, struct oci_seccomp *s)
{
  const struct oci_json *map = oci_json_get (doc, "archMap");

  s->architectures = calloc (8, sizeof (char *));
  for (size_t i = 0; map && i < map->n; i++)
    {
      const struct oci_json *m = map->values[i];
      const struct oci_json *subs = oci_json_get (m, "subArchitectures");

      if (strcmp (oci_json_get (m, "architecture")->text, "SCMP_ARCH_X86_64")
          != 0)
        continue;
      s->architectures[s->architectures_len++] = xstrdup ("SCMP_ARCH_X86_64");
      for (size_t j = 0; subs && j < subs->n && j < 6; j++)
        s->architectures[s->architectures_len++]
            = xstrdup (subs->values[j]->text);
    }
}

struct oci_seccomp *
test_load_engine_profile (const char *path, const char *const *caps)
{
  struct ocirun_error err = { 0 };
  struct oci_json *doc = NULL;
  const struct oci_json *rules, *e;
  struct oci_seccomp *s;
  char *text;
  size_t len;

  if (oci_json_read_file (path, &text, &len, &err) < 0
      || oci_json_parse (text, len, path, &doc, &err) < 0)
    {
      fprintf (stderr, "# %s\n", err.msg);
      return NULL;
    }
  free (text);
  s = calloc (1, sizeof *s);
  s->default_action = oci_seccomp_action_from_string (
      oci_json_get (doc, "defaultAction")->text);
  if ((e = oci_json_get (doc, "defaultErrnoRet")))
    {
      s->default_errno_ret.set = true;
      s->default_errno_ret.value = (uint32_t)num (e);
    }
  convert_arches (doc, s);
  rules = oci_json_get (doc, "syscalls");
  s->syscalls = calloc (rules->n, sizeof *s->syscalls);
  for (size_t i = 0; i < rules->n; i++)
    if (rule_applies (rules->values[i], caps))
      convert_rule (rules->values[i], &s->syscalls[s->syscalls_len++]);
  oci_json_free (doc);
  return s;
}
