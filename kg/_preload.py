"""Imported by the fork server of a multi-process build only (`kg.pipeline`, through
`multiprocessing.set_forkserver_preload`): loads the pipeline named in the environment variable
`KG_PRELOAD_MODEL` (and the coder's data) once, so that each worker process forked from the
server starts with it. Without the variable (any other import) it does nothing.
"""
from __future__ import annotations

import os

from kg.pipeline import PRELOAD_ENV, preload_worker

if os.environ.get(PRELOAD_ENV):
    preload_worker(os.environ[PRELOAD_ENV])
