"""Importers: turn third-party reference data into `kg/data/` files (run by hand, not at build time).

Each importer is a module runnable with `python -m kg.importers.NAME SOURCE_DIR`; the files it
writes are committed, with their provenance and licence in a header, so that `kg` never reads
the source at run time.
"""
