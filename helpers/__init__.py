"""Course helpers."""
