"""Audio in, features out: loading, spectra, pitch, content (Whisper PPG, HuBERT), speaker, per-clip features, dataset preparation."""
