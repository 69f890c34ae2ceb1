/* fuzz_replay.c - replay the fuzz inputs without libFuzzer.
 *
 * Feeds every file of tests/fuzz/corpus and tests/fuzz/regressions (or
 * the directories / files given as arguments) to the fuzz target's entry
 * point, each in a child process, and prints one TAP line per input: a
 * crash, an abort (the target's round-trip check) or a sanitizer report
 * fails that input only.  Built with ASan+UBSan by `make check`, so a
 * crash found by `make fuzz` and saved under tests/fuzz/regressions stays
 * a failing test until it is fixed.  Built twice: REPLAY_CORPUS and
 * REPLAY_REGRESSIONS name the directories of the target it is linked
 * with (fuzz_config's by default, fuzz_state's for fuzz_state_replay). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#ifndef REPLAY_CORPUS
#define REPLAY_CORPUS "tests/fuzz/corpus"
#endif
#ifndef REPLAY_REGRESSIONS
#define REPLAY_REGRESSIONS "tests/fuzz/regressions"
#endif

struct input
{
  char *path;
};

static struct input *inputs;
static size_t n_inputs, cap_inputs;

static void
add_input (const char *path)
{
  if (n_inputs == cap_inputs)
    {
      cap_inputs = cap_inputs ? cap_inputs * 2 : 64;
      inputs = realloc (inputs, cap_inputs * sizeof *inputs);
      if (inputs == NULL)
        abort ();
    }
  inputs[n_inputs++].path = strdup (path);
}

static int
cmp_input (const void *a, const void *b)
{
  return strcmp (((const struct input *)a)->path,
                 ((const struct input *)b)->path);
}

/* Regular files of dir (not README.md); a missing dir adds nothing. */
static void
add_dir (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  char path[4096];
  struct stat st;

  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || strcmp (de->d_name, "README.md") == 0)
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, de->d_name);
      if (stat (path, &st) == 0 && S_ISREG (st.st_mode))
        add_input (path);
    }
  closedir (d);
}

static int
read_file (const char *path, uint8_t **data, size_t *len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  size_t cap = 4096, n = 0;
  uint8_t *buf;

  if (fd < 0)
    return -1;
  buf = malloc (cap);
  for (;;)
    {
      if (buf == NULL)
        {
          close (fd);
          return -1;
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          free (buf);
          close (fd);
          return -1;
        }
      if (r == 0)
        break;
      n += (size_t)r;
      if (n == cap)
        {
          uint8_t *nb = realloc (buf, cap * 2);
          if (nb == NULL)
            free (buf);
          buf = nb;
          cap *= 2;
        }
    }
  close (fd);
  *data = buf;
  *len = n;
  return 0;
}

/* 0 when the input ran cleanly in a child; else the wait status text. */
static int
replay (const char *path, char *why, size_t why_len)
{
  uint8_t *data;
  size_t len;
  pid_t pid;
  int status;

  if (read_file (path, &data, &len) < 0)
    {
      snprintf (why, why_len, "cannot read: %s", strerror (errno));
      return -1;
    }
  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    {
      free (data);
      snprintf (why, why_len, "fork: %s", strerror (errno));
      return -1;
    }
  if (pid == 0)
    {
      /* The sanitizers report on stderr, which the TAP log keeps. */
      dup2 (STDERR_FILENO, STDOUT_FILENO);
      LLVMFuzzerTestOneInput (data, len);
      free (data);
      _exit (0);
    }
  free (data);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        snprintf (why, why_len, "waitpid: %s", strerror (errno));
        return -1;
      }
  if (WIFSIGNALED (status))
    {
      snprintf (why, why_len, "killed by signal %d (%s)", WTERMSIG (status),
                strsignal (WTERMSIG (status)));
      return -1;
    }
  if (WEXITSTATUS (status) != 0)
    {
      snprintf (why, why_len, "exit status %d (sanitizer report?)",
                WEXITSTATUS (status));
      return -1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  const char *srcdir = getenv ("OCIRUN_SRCDIR");
  char dir[4096];
  int failed = 0;

  if (argc > 1)
    for (int i = 1; i < argc; i++)
      {
        struct stat st;
        if (stat (argv[i], &st) == 0 && S_ISDIR (st.st_mode))
          add_dir (argv[i]);
        else
          add_input (argv[i]);
      }
  else
    {
      if (srcdir == NULL)
        srcdir = ".";
      snprintf (dir, sizeof dir, "%s/" REPLAY_CORPUS, srcdir);
      add_dir (dir);
      snprintf (dir, sizeof dir, "%s/" REPLAY_REGRESSIONS, srcdir);
      add_dir (dir);
    }
  if (n_inputs == 0)
    {
      printf ("1..0 # SKIP no fuzz inputs found (set OCIRUN_SRCDIR)\n");
      return 0;
    }
  qsort (inputs, n_inputs, sizeof *inputs, cmp_input);
  printf ("1..%zu\n", n_inputs);
  for (size_t i = 0; i < n_inputs; i++)
    {
      char why[256];
      const char *name = inputs[i].path;
      const char *tests = strstr (name, "tests/fuzz/");

      if (replay (inputs[i].path, why, sizeof why) == 0)
        printf ("ok %zu - %s\n", i + 1, tests ? tests : name);
      else
        {
          printf ("not ok %zu - %s: %s\n", i + 1, tests ? tests : name, why);
          failed++;
        }
      free (inputs[i].path);
    }
  free (inputs);
  return failed ? 1 : 0;
}
