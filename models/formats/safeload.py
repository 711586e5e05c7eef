"""Opening weight files without running them, and loading weights into a module strictly.

Shared by our voice and checkpoint formats (:mod:`models.formats.artifact`) and the so-vits-svc-5.0
importer (:mod:`models.formats.reference_import`):

- :func:`safe_torch_load`: ``torch.load(weights_only=True)`` only: a pickle that needs anything
  beyond tensors and plain containers is refused, never executed, in one line that never passes on
  PyTorch's advice to retry with ``weights_only=False``;
- :func:`check_fits` (on the meta device, before any memory is allocated), :func:`load_strict` and
  :func:`fit_problems`: a missing, unexpected or mis-shaped key is an error naming the file and
  the keys.

Every refusal is a :class:`LoadError` (a :class:`models.errors.UserError`).
"""

from __future__ import annotations

import pickle
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from models.errors import UserError, torch_load_problem


class LoadError(ValueError, UserError):
    """A weights file that cannot be opened safely, or weights that do not fit the model (message
    names the file and the problem)."""


def safe_torch_load(path: str | Path, what: str = "model") -> Any:
    """``torch.load`` restricted to tensors and plain containers; one clear line otherwise.

    Args:
        path: the file.
        what: how a refusal names the expected kind of file ("so-vits-svc-5.0", "Whisper", ...).

    Raises:
        LoadError: ``"FILE is not a valid <what> file (reason)"``, never PyTorch's advice to
            retry with ``weights_only=False`` (that would run whatever code the file holds).
    """
    path = Path(path)
    try:
        with warnings.catch_warnings():  # a raw pickle's protocol warning is noise, not news, for a user
            warnings.filterwarnings("ignore", message=".*pickle protocol", category=UserWarning)
            return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise LoadError(f"{path}: file not found") from None
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise LoadError(f"{path} is not a valid {what} file ({torch_load_problem(exc)})") from None


def fit_problems(own: dict[str, torch.Tensor], state: dict[str, torch.Tensor]) -> list[str]:
    """What keeps ``state`` from loading into a module whose state dict is ``own`` (only shapes are read,
    so ``own`` may live on the meta device)."""
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    mismatched = [f"{k}: file {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
                  for k in own if k in state and state[k].shape != own[k].shape]
    problems = []
    if missing:
        problems.append(f"missing {len(missing)} key(s), e.g. {', '.join(missing[:3])}")
    if unexpected:
        problems.append(f"unexpected {len(unexpected)} key(s), e.g. {', '.join(unexpected[:3])}")
    if mismatched:
        problems.append(f"{len(mismatched)} shape mismatch(es), e.g. {'; '.join(mismatched[:3])}")
    return problems


def load_strict(module: nn.Module, state: dict[str, torch.Tensor], where: str) -> None:
    """``load_state_dict(strict=True)`` with one readable message for every problem."""
    problems = fit_problems(module.state_dict(), state)
    if problems:
        raise LoadError(f"{where}: does not fit this model — " + "; ".join(problems))
    module.load_state_dict(state, strict=True)


def check_fits(build: Callable[[], nn.Module], state: dict[str, torch.Tensor], where: str) -> None:
    """Builds the module on the meta device (no memory) and checks ``state``'s keys and shapes against it.

    Run before building the real module, so a config that disagrees with its weights (a hidden size of
    4000 in a file of 192) is refused without allocating the model it describes.
    """
    with torch.device("meta"):
        shapes = build().state_dict()
    problems = fit_problems(shapes, state)
    if problems:
        raise LoadError(f"{where}: does not fit this model — " + "; ".join(problems))
