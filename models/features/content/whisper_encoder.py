"""Whisper PPG: the encoder of an openai-whisper checkpoint, loaded by ``whisper.load_model``.

The reference (so-vits-svc-5.0) uses large-v2 with the last quarter of its encoder blocks
removed (24 of 32 kept, ``ln_post`` still applied), giving 1280-d features at 50 Hz. Each
window is processed exactly as the reference processes a training clip: padded to 30 s
(``whisper.pad_or_trim``), log-mel (whose dynamic-range floor depends on the window), the
encoder, and the first ``samples // 320`` frames kept. The stock encoder only accepts 30 s of
mel, so windows are at most 30 s; longer inputs are windowed by :class:`ContentEncoder`.
The decoder is dropped after loading. On a GPU the encoder runs in fp16.
"""

from __future__ import annotations

import os

import torch

from models.features.content.base import ContentEncoder

WHISPER_SAMPLES = 480_000  # 30 s at 16 kHz: whisper.audio.N_SAMPLES
DROP_FRACTION = 4  # the reference removes len(blocks) // 4 blocks from the end


class WhisperPPG(ContentEncoder):
    """Whisper encoder features ("PPG").

    Args:
        encoder: a ``whisper.model.AudioEncoder`` (already truncated).
        n_mels: mel bins its checkpoint expects (80, or 128 for large-v3).
        name: registry name (part of the cache key).
        device: where it runs.
    """

    version = "openai-whisper-20250625-1"
    context_frames = 125  # 2.5 s each side of a cut

    def __init__(self, encoder: torch.nn.Module, n_mels: int, name: str, device: torch.device | str = "cpu") -> None:
        super().__init__(device)
        self.encoder = encoder
        self.n_mels = n_mels
        self.name = name
        self.dim = int(encoder.ln_post.normalized_shape[0])
        self.window_frames = int(encoder.positional_embedding.shape[0])
        self.half = self.device.type == "cuda"

    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike[str], name: str, device: torch.device | str = "cpu",
                        drop_last_quarter: bool = True) -> WhisperPPG:
        """Loads a whisper checkpoint (``{'dims', 'model_state_dict'}``) with ``whisper.load_model``.

        Args:
            path: the checkpoint file.
            name: registry name recorded with the features.
            device: where the encoder runs (fp16 on CUDA).
            drop_last_quarter: remove the last ``n_layer // 4`` encoder blocks (the reference).
        """
        import whisper

        device = torch.device(device)
        model = whisper.load_model(os.fspath(path), device="cpu")
        encoder = model.encoder
        del model.decoder
        if drop_last_quarter:
            keep = len(encoder.blocks) - len(encoder.blocks) // DROP_FRACTION
            encoder.blocks = encoder.blocks[:keep]
        encoder = encoder.eval().to(device)
        if device.type == "cuda":
            encoder = encoder.half()
        return cls(encoder, model.dims.n_mels, name, device)

    def encode_window(self, wave: torch.Tensor) -> torch.Tensor:
        import whisper

        frames = self.frames(wave.shape[-1])
        audio = whisper.pad_or_trim(wave.float(), self.window_frames * 2 * whisper.audio.HOP_LENGTH)
        mel = whisper.log_mel_spectrogram(audio, n_mels=self.n_mels)
        mel = mel.half() if self.half else mel
        return self.encoder(mel[None])[0, :frames].float()
