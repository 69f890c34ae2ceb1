"""OCI runtime-spec conformance suite (see ../README.md)."""
