/* cmd_features.c - `ocirun features`: print features.json (features.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "libocirun/cleanup.h"
#include "libocirun/error.h"
#include "oci-spec/features.h"

static void
features_usage (FILE *out)
{
  fprintf (out, "Usage: ocirun features\n\n"
                "Print the features this runtime implements, as JSON.\n\n"
                "Options:\n"
                "  -h, --help   print this help\n");
}

int
cmd_features (struct ocirun_global_options *g, int argc, char **argv)
{
  static const struct option longopts[]
      = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;

  (void)g;
  optind = 0; /* full getopt re-initialisation after main's pass */
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+h", longopts, NULL)) != -1)
    switch (c)
      {
      case 'h':
        features_usage (stdout);
        return 0;
      default:
        return cmd_usage_error ("features", "unknown option `%s`",
                                argv[optind - 1]);
      }
  if (optind < argc)
    return cmd_usage_error ("features", "unexpected argument `%s`",
                            argv[optind]);

  struct ocirun_error err = { 0 };
  cleanup_oci_features struct oci_features *f = NULL;
  cleanup_free char *json = NULL;
  size_t len;
  if (ocirun_features_build (&f, &err) < 0
      || oci_features_generate (f, &json, &len, &err) < 0)
    return cmd_fail (&err);
  if (fwrite (json, 1, len, stdout) != len || fflush (stdout) != 0)
    {
      ocirun_error_errno (&err, "write features to stdout");
      return cmd_fail (&err);
    }
  return 0;
}
