/* signals.c - signal names and numbers as `kill` accepts them. */
#include "libocirun/engine.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
  for (int i = 1; i < SIGRTMIN; i++)
    {
      const char *name = sigabbrev_np (i);
      if (name && strcasecmp (name, s) == 0)
        return i;
    }
  return parse_rt (s);
}
