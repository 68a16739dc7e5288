"""The erasure schedule's names, shared by the middleware (a workspace that returns) and the erasure feature."""

ERASURE = "workspace.erase"
ERASURE_SUBJECT = "all-data"
