/* signals.c - signal names and numbers as `kill` accepts them. */
#include "libocirun/engine.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Our own table rather than glibc's sigabbrev_np(), which other C
 * libraries (musl) lack.  The macros keep each architecture's numbers. */
static const struct
{
  const char *name;
  int number;
} signal_names[] = {
  { "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },
  { "ILL", SIGILL },       { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },
  { "IOT", SIGIOT },       { "BUS", SIGBUS },       { "FPE", SIGFPE },
  { "KILL", SIGKILL },     { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },
  { "TERM", SIGTERM },     { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
  { "CLD", SIGCHLD },      { "CONT", SIGCONT },     { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
  { "URG", SIGURG },       { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },
  { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },     { "WINCH", SIGWINCH },
  { "IO", SIGIO },         { "POLL", SIGPOLL },     { "PWR", SIGPWR },
  { "SYS", SIGSYS },
};

static int
parse_rt (const char *s)
{
  char *end;
  long off = 0;

  if (strncasecmp (s, "RTMIN", 5) == 0)
    {
      if (s[5] == '\0')
        return SIGRTMIN;
      if (s[5] != '+')
        return -1;
      off = strtol (s + 6, &end, 10);
      if (*end || off < 0 || SIGRTMIN + off > SIGRTMAX)
        return -1;
      return SIGRTMIN + (int)off;
    }
  if (strncasecmp (s, "RTMAX", 5) == 0)
    {
      if (s[5] == '\0')
        return SIGRTMAX;
      if (s[5] != '-')
        return -1;
      off = strtol (s + 6, &end, 10);
      if (*end || off < 0 || SIGRTMAX - off < SIGRTMIN)
        return -1;
      return SIGRTMAX - (int)off;
    }
  return -1;
}

int
ocirun_signal_parse (const char *s)
{
  char *end;

  if (s == NULL || *s == '\0')
    return -1;
  if (isdigit ((unsigned char)s[0]))
    {
      long n = strtol (s, &end, 10);
      if (*end || n <= 0 || n >= NSIG)
        return -1;
      return (int)n;
    }
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcasecmp (signal_names[i].name, s) == 0)
      return signal_names[i].number;
  return parse_rt (s);
}
