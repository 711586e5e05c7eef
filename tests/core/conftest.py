"""Core test set-up: the fixtures of voices without training (a tiny pretrain stand-in and friends),
and the tiny content encoders the dataset jobs extract with (shared with the feature tests)."""

from tests.features.conftest import tiny_hubert_soft, tiny_whisper  # noqa: F401  (session fixtures)
from tests.voice_fixtures import nt_env, nt_files, one_thread  # noqa: F401  (fixtures the core tests share)
