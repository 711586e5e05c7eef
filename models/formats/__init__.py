"""Files on disk: the voice artifact, import of so-vits-svc-5.0 files, the pretrained-asset registry, tiny stand-ins."""
