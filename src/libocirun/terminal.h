/* terminal.h - process.terminal: a pty made inside the container whose
 * master goes to --console-socket (SCM_RIGHTS, runc's protocol: one
 * message, data = the master's name), or to `run` itself, which then
 * proxies it to its own stdio. */
#ifndef OCIRUN_TERMINAL_H
#define OCIRUN_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Parent: connect to the console socket at path (any length). */
int ocirun_terminal_connect (const char *path, int *fd,
                             struct ocirun_error *err);

/* Child, after the root change: open /dev/ptmx of the container's devpts,
 * size it, send the master over console_fd, make the slave the
 * controlling terminal and stdio.  With bind_console, the slave is also
 * bind-mounted on /dev/console.  Closes console_fd. */
int ocirun_terminal_setup (int console_fd, const struct oci_console_size *sz,
                           bool bind_console, struct ocirun_error *err);

/* Receive a master sent by ocirun_terminal_setup (foreground run/exec). */
int ocirun_terminal_recv (int sock, int *master, struct ocirun_error *err);

/* Foreground: copy stdin -> master and master -> stdout until the master
 * hangs up (or, with pidfd >= 0, the process exited and its output is
 * drained).  Puts stdin in raw mode when it is a terminal and restores it;
 * forwards window size changes (SIGWINCH must be blocked by the caller;
 * sigfd, if >= 0, is a signalfd delivering it and other signals, which are
 * forwarded to pid).  relay, if not NULL, gets the container's
 * NOTIFY_SOCKET messages relayed meanwhile. */
struct ocirun_notify_relay;
int ocirun_terminal_proxy (int master, int sigfd, pid_t pid,
                           struct ocirun_notify_relay *relay,
                           struct ocirun_error *err);

/* Copy the window size of fd `from` (a terminal) to `to`. */
void ocirun_terminal_copy_size (int from, int to);

#endif
