"""The app's domain without a screen: paths, voice library, jobs, recorder.

Qt-free by contract (tests/test_architecture.py): imports ``models``, the stdlib, platformdirs and
sounddevice only, and nothing here runs at import time.
"""
