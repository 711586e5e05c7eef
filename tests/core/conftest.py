"""Core test set-up: the fixtures of voices without training (a tiny pretrain stand-in and friends)."""

from tests.voice_fixtures import nt_env, nt_files, one_thread  # noqa: F401  (fixtures the core tests share)
