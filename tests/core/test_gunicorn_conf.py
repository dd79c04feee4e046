"""The production gunicorn settings file."""
import gc
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_loaded_worker_freezes_what_loading_built():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    built = [[] for _ in range(1000)]  # tracked objects, alive when the hook runs
    before = gc.get_freeze_count()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() >= before + len(built)
    finally:
        gc.unfreeze()
