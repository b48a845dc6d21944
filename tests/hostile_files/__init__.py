"""Hostile input files: fuzzing every importer, huge and mis-encoded inputs, XML bombs, the tool's own data protection."""
