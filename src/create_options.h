/* create_options.h - the flags `create` and `run` share: one enum, one
 * getopt table fragment, one help text, one parser (in cmd_create.c), so
 * the two commands cannot drift apart. */
#ifndef OCIRUN_CREATE_OPTIONS_H
#define OCIRUN_CREATE_OPTIONS_H

#include <getopt.h>

#include "libocirun/container.h"

enum
{
  OPT_CREATE_BUNDLE = 'b',
  OPT_CREATE_PID_FILE = 256,
  OPT_CREATE_CONSOLE_SOCKET,
  OPT_CREATE_PRESERVE_FDS,
  OPT_CREATE_NO_PIVOT,
  OPT_CREATE_NO_NEW_KEYRING,
  OPT_CREATE_IGNORED_FLAG,
  OPT_CREATE_LAST /* commands adding flags number theirs from here */
};

/* Entries for a `struct option` table; runc flags engines pass that change
 * nothing here are accepted and ignored. */
#define CREATE_LONG_OPTIONS                                                   \
  { "bundle", required_argument, NULL, OPT_CREATE_BUNDLE },                   \
      { "pid-file", required_argument, NULL, OPT_CREATE_PID_FILE },           \
      { "console-socket", required_argument, NULL,                            \
        OPT_CREATE_CONSOLE_SOCKET },                                          \
      { "preserve-fds", required_argument, NULL, OPT_CREATE_PRESERVE_FDS },   \
      { "no-pivot", no_argument, NULL, OPT_CREATE_NO_PIVOT },                 \
      { "no-new-keyring", no_argument, NULL, OPT_CREATE_NO_NEW_KEYRING },     \
      { "no-subreaper", no_argument, NULL, OPT_CREATE_IGNORED_FLAG },         \
  {                                                                           \
    "systemd-cgroup", no_argument, NULL, OPT_CREATE_IGNORED_FLAG              \
  }

#define CREATE_OPTIONS_HELP                                                   \
  "  -b, --bundle DIR          bundle directory (default: .)\n"               \
  "      --pid-file FILE       write the container's pid to FILE\n"           \
  "      --console-socket SOCK send the terminal master to SOCK\n"            \
  "      --preserve-fds N      pass N more fds (from 3) to the process\n"     \
  "      --no-pivot            use MS_MOVE + chroot, not pivot_root\n"        \
  "      --no-new-keyring      keep the caller's session keyring\n"

/* Apply one of the flags above to opts. Returns 0, or 1 after printing a
 * usage error for cmd. */
int cmd_create_parse_option (int c, const char *cmd,
                             struct ocirun_runtime_options *opts);

#endif
