#!/usr/bin/python3
"""notify-listener.py SOCKET OUT - a stand-in for systemd's notify socket.

Binds a datagram socket at SOCKET (a path, or @name for an abstract one),
touches OUT.ready once it listens, and appends every datagram it receives
to OUT as one line: the message's lines joined with '|'.  Runs until
killed."""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
addr = "\0" + path[1:] if path.startswith("@") else path
if not path.startswith("@"):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(addr)
open(out + ".ready", "w").close()
with open(out, "a") as f:
    while True:
        data = sock.recv(65536).decode(errors="replace")
        f.write("|".join(l for l in data.split("\n") if l) + "\n")
        f.flush()
