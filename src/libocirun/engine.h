/* engine.h - container operations, one per OCI/runc command.  The CLI
 * (src/cmd_*.c) parses arguments and calls these; nothing here knows
 * about argv.  All return < 0 and fill *err on failure. */
#ifndef OCIRUN_ENGINE_H
#define OCIRUN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libocirun/container.h"
#include "libocirun/error.h"
#include "oci-spec/config.h"

/* create: the container process is set up and waits for start. */
int ocirun_container_create (const char *id,
                             const struct ocirun_runtime_options *opts,
                             struct ocirun_error *err);

/* run = create + start.  Detached (opts->detach): returns once started.
 * Foreground: waits, forwarding signals (and proxying a terminal when
 * process.terminal is set without a console socket), deletes the
 * container unless keep, and stores the exit status in *exit_code
 * (128 + signal when killed). */
int ocirun_container_run (const char *id,
                          const struct ocirun_runtime_options *opts, bool keep,
                          int *exit_code, struct ocirun_error *err);

int ocirun_container_start (const char *root, const char *id,
                            struct ocirun_error *err);

/* The runc-style state JSON (pretty, no trailing newline). */
int ocirun_container_state (const char *root, const char *id, char **json,
                            struct ocirun_error *err);

int ocirun_container_kill (const char *root, const char *id, int signo,
                           bool all, struct ocirun_error *err);

int ocirun_container_delete (const char *root, const char *id, bool force,
                             struct ocirun_error *err);

struct ocirun_list_entry
{
  char *id;
  pid_t pid;    /* 0 when stopped */
  char *status; /* "created", "running", "paused", "stopped", ... */
  char *bundle;
  char *created;
  char *owner;
  char *json; /* the runc list JSON object of this container */
};

int ocirun_container_list (const char *root, struct ocirun_list_entry **out,
                           size_t *n, struct ocirun_error *err);
void ocirun_list_free (struct ocirun_list_entry *v, size_t n);

/* "KILL", "SIGKILL", "9", "SIGRTMIN+3" -> signal number; -1 if unknown. */
int ocirun_signal_parse (const char *s);

/* exec: what the CLI gives on top of (or instead of) the container's
 * process. */
struct ocirun_exec_options
{
  const char *root;
  const char *process_file; /* --process: replaces everything below */
  char **args;              /* COMMAND ARGS... */
  size_t args_len;
  bool tty;
  const char *console_socket;
  bool detach;
  const char *pid_file;
  char **env; /* --env K=V, added to / overriding the container's env */
  size_t env_len;
  const char *user; /* UID[:GID] */
  char **additional_gids;
  size_t additional_gids_len;
  const char *cwd;
  char **caps; /* --cap: added to every set but ambient */
  size_t caps_len;
  bool no_new_privs;
  const char *apparmor;
  const char *process_label;
  int preserve_fds;
  const char *cgroup; /* sub-cgroup, [controller:]path */
};

/* Runs the process in the container.  Foreground: *exit_code is the
 * process's (128 + signal); detached: 0 once it runs. */
int ocirun_container_exec (const char *id,
                           const struct ocirun_exec_options *opts,
                           int *exit_code, struct ocirun_error *err);

#endif
