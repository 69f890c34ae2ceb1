#!/usr/bin/env python3
"""Run a command with its stdin/stdout/stderr on a fresh pseudo-terminal.

usage: pty-run.py [--input TEXT] [--delay S] [--timeout S] -- CMD [ARGS...]

Container engines only allocate a tty for `-t` when their own stdin is a
terminal; this gives them one. TEXT (with \\n escapes) is typed after DELAY
seconds. Everything the command prints is copied to our stdout (with \\r
removed) and we exit with its exit status (124 on timeout, like timeout(1)).
"""
import os, pty, select, signal, sys, time, termios, struct, fcntl

def main():
    args = sys.argv[1:]
    text, delay, timeout = None, 1.0, 60.0
    while args and args[0] != '--':
        opt = args.pop(0)
        if opt == '--input':
            text = args.pop(0).encode().decode('unicode_escape').encode()
        elif opt == '--delay':
            delay = float(args.pop(0))
        elif opt == '--timeout':
            timeout = float(args.pop(0))
        else:
            sys.exit('pty-run.py: unknown option ' + opt)
    if not args or args[0] != '--' or len(args) < 2:
        sys.exit(__doc__)
    cmd = args[1:]

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, ('pty-run.py: exec %s: %s\n' % (cmd[0], e)).encode())
            os._exit(127)
    # a sane window size so `stty size` has something to say
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    start = time.monotonic()
    sent = text is None
    out = bytearray()
    status = None
    while True:
        now = time.monotonic()
        if now - start > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.write(out.decode(errors='replace').replace('\r', ''))
            sys.stdout.write('\npty-run.py: timeout after %ss\n' % timeout)
            sys.exit(124)
        if not sent and now - start >= delay:
            os.write(fd, text)
            sent = True
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b''
            if data:
                out += data
                continue
            # EOF/EIO on the master: the child closed the terminal
            if status is None:
                _, status = os.waitpid(pid, 0)
            break
        if status is None:
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid:
                status = st
                # drain what is left
                while True:
                    r, _, _ = select.select([fd], [], [], 0.2)
                    if not r:
                        break
                    try:
                        data = os.read(fd, 4096)
                    except OSError:
                        break
                    if not data:
                        break
                    out += data
                break
    sys.stdout.write(out.decode(errors='replace').replace('\r', ''))
    sys.stdout.flush()
    if os.WIFEXITED(status):
        sys.exit(os.WEXITSTATUS(status))
    sys.exit(128 + os.WTERMSIG(status))

if __name__ == '__main__':
    main()
