"""VoiceCraft model code: Qt-free, path-free.

The whisper-vits-svc ("so-vits-svc-5.0") family: configuration, the VITS generator
(prior encoder, posterior encoder, flow, NSF/BigVGAN decoder), discriminators, losses,
spectral front ends, checkpoint/voice formats and the importer of reference files.

Nothing here imports Qt, touches the working directory or runs work at import time.
"""

__all__: list[str] = []
