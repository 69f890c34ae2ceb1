/* fuzz_config.c - libFuzzer target for the oci-spec parsers.
 *
 * The first input byte picks the document kind (config, process,
 * resources, state, features) so one corpus covers every entry point;
 * the rest is the JSON text.  Every accepted document also goes through
 * the validator and a generate -> parse -> generate round trip, which
 * must reproduce the same text (a mismatch aborts: a generator or parser
 * bug, not just a crash). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/config.h"
#include "oci-spec/features.h"
#include "oci-spec/state.h"

#define ROUND_TRIP(TYPE, PARSE, GEN, FREE, obj)                               \
  do                                                                          \
    {                                                                         \
      char *j1 = NULL, *j2 = NULL;                                            \
      TYPE *again = NULL;                                                     \
      if (GEN (obj, &j1, NULL, &err) < 0)                                     \
        break; /* e.g. invalid UTF-8 kept out of the output */                \
      if (PARSE (j1, strlen (j1), "gen.json", &again, &err) < 0)              \
        {                                                                     \
          fprintf (stderr, "generated text rejected: %s\n%s\n", err.msg, j1); \
          abort ();                                                           \
        }                                                                     \
      if (GEN (again, &j2, NULL, &err) < 0 || strcmp (j1, j2) != 0)           \
        {                                                                     \
          fprintf (stderr, "round trip differs:\n%s\n---\n%s\n", j1,          \
                   j2 ? j2 : "(null)");                                       \
          abort ();                                                           \
        }                                                                     \
      FREE (again);                                                           \
      free (j1);                                                              \
      free (j2);                                                              \
    }                                                                         \
  while (0)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct ocirun_error err = { 0 };
  if (size < 1)
    return 0;
  const char *buf = (const char *)data + 1;
  size_t len = size - 1;

  switch (data[0] % 5)
    {
    case 0:
      {
        struct oci_config *c = NULL;
        if (oci_config_parse_data (buf, len, NULL, &c, &err) == 0)
          {
            oci_config_validate (c, &err);
            oci_config_validate_for_create (c, &err);
            ROUND_TRIP (struct oci_config, oci_config_parse_data,
                        oci_config_generate, oci_config_free, c);
            oci_config_free (c);
          }
        break;
      }
    case 1:
      {
        struct oci_process *p = NULL;
        if (oci_process_parse_data (buf, len, NULL, &p, &err) == 0)
          {
            oci_process_validate (p, &err);
            ROUND_TRIP (struct oci_process, oci_process_parse_data,
                        oci_process_generate, oci_process_free, p);
            oci_process_free (p);
          }
        break;
      }
    case 2:
      {
        struct oci_resources *r = NULL;
        if (oci_resources_parse_data (buf, len, NULL, &r, &err) == 0)
          {
            ROUND_TRIP (struct oci_resources, oci_resources_parse_data,
                        oci_resources_generate, oci_resources_free, r);
            oci_resources_free (r);
          }
        break;
      }
    case 3:
      {
        struct oci_state *s = NULL;
        if (oci_state_parse_data (buf, len, NULL, &s, &err) == 0)
          {
            ROUND_TRIP (struct oci_state, oci_state_parse_data,
                        oci_state_generate, oci_state_free, s);
            oci_state_free (s);
          }
        break;
      }
    default:
      {
        struct oci_features *f = NULL;
        if (oci_features_parse_data (buf, len, NULL, &f, &err) == 0)
          {
            ROUND_TRIP (struct oci_features, oci_features_parse_data,
                        oci_features_generate, oci_features_free, f);
            oci_features_free (f);
          }
        break;
      }
    }
  return 0;
}
