#!/usr/bin/python3
"""recvtty.py SOCKET OUT [INPUT] - a minimal --console-socket receiver.

Listens on SOCKET, accepts one connection, takes the terminal master sent
with SCM_RIGHTS (runc's protocol), writes the name that came with it to
OUT.name, optionally writes INPUT to the terminal, and copies everything
the container prints to OUT until the terminal hangs up.  OUT.ready
appears once it listens."""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else b""
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 4096, 1)
with open(out + ".name", "wb") as f:
    f.write(msg)
master = fds[0]
if data:
    os.write(master, data)
with open(out, "wb") as f:
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every slave fd is closed
            break
        if not chunk:
            break
        f.write(chunk)
        f.flush()
