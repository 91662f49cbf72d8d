"""stylefix's version, kept in step with pyproject.toml (a test checks); part of every cache key."""
VERSION = "0.1.0"
