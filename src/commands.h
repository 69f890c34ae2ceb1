/* commands.h - one entry point per subcommand (src/cmd_<name>.c).
 *
 * Each gets argv starting at the command's own name, parses its flags with
 * getopt_long, and returns the process exit code: 0 ok, 1 for errors and
 * usage errors (runc/crun behaviour), the container's code for run/exec. */
#ifndef OCIRUN_COMMANDS_H
#define OCIRUN_COMMANDS_H

#include <stdbool.h>

#include "libocirun/log.h"

struct ocirun_global_options
{
  const char *root; /* state root: --root, else default */
  const char *log;  /* --log FILE, NULL for stderr */
  enum ocirun_log_format log_format;
  bool debug;
  bool systemd_cgroup;
  bool rootless_auto; /* not root: state under $XDG_RUNTIME_DIR */
};

typedef int (*ocirun_command_fn) (struct ocirun_global_options *g, int argc,
                                  char **argv);

int cmd_create (struct ocirun_global_options *g, int argc, char **argv);
int cmd_start (struct ocirun_global_options *g, int argc, char **argv);
int cmd_run (struct ocirun_global_options *g, int argc, char **argv);
int cmd_state (struct ocirun_global_options *g, int argc, char **argv);
int cmd_kill (struct ocirun_global_options *g, int argc, char **argv);
int cmd_delete (struct ocirun_global_options *g, int argc, char **argv);
int cmd_list (struct ocirun_global_options *g, int argc, char **argv);
int cmd_exec (struct ocirun_global_options *g, int argc, char **argv);
int cmd_ps (struct ocirun_global_options *g, int argc, char **argv);
int cmd_pause (struct ocirun_global_options *g, int argc, char **argv);
int cmd_resume (struct ocirun_global_options *g, int argc, char **argv);
int cmd_update (struct ocirun_global_options *g, int argc, char **argv);
int cmd_events (struct ocirun_global_options *g, int argc, char **argv);
int cmd_spec (struct ocirun_global_options *g, int argc, char **argv);
int cmd_features (struct ocirun_global_options *g, int argc, char **argv);

/* Shared by the command files: print "ocirun: <msg>" (or a JSON log line)
 * for err and return 1. */
int cmd_fail (const struct ocirun_error *err);
/* A usage error for command `cmd`: message, hint, return 1. */
int cmd_usage_error (const char *cmd, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* Arguments of a command taking only --help and one container id
 * (start, state, pause, resume): true with *id set, else false with the
 * command's exit code in *code (0 after --help printed `help`). */
bool cmd_one_id (const char *cmd, const char *help, int argc, char **argv,
                 const char **id, int *code);

#endif
