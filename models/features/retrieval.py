"""Feature retrieval as so-vits-svc-5.0 has it (``feature_retrieval/`` there): a faiss index of a voice's
training content features, and at conversion each feature row pulled toward its nearest stored rows.

Qt-free. One index per content role: ``ppg`` (Whisper PPG, 1280-d) and ``vec`` (HuBERT units, 256-d),
at the encoders' own 20 ms frames (un-repeated, as the reference indexes them).

Index (as the reference's ``svc_train_retrieval.py``): rows (N, d) float32, no normalisation or
transform; when N > 200,000 they are first replaced by 10,000 k-means centroids (the reference uses
sklearn's MiniBatchKMeans without a seed, so not reproducible; here faiss k-means with seed 1234, which
is); then ``IVF{n},Flat`` (L2) with n = min(int(16·√N), N // 39), trained by faiss k-means (its defaults:
10 iterations, seed 1234) on all rows, rows added in batches of 8192. Where the reference fails
(N < 39 gives "IVF0") a flat L2 index is used. ``nprobe`` is saved as n, not the reference's 1: the
search then visits every list, so it is exact (equal to an ``IndexFlatL2`` over the same rows), where
the reference's one-list search is approximate (on its own test data only 1% of queries get the exact
3 neighbours) and returns missing neighbours (NaN rows) when the probed list is short.

Blend (the reference's ``svc_infer`` retrieval): for each query row q with its k nearest rows x_j at
squared L2 distances D_j, w_j = (1/D_j)² / Σ (1/D_j)² and out = (1 − ratio)·q + ratio·Σ w_j·x_j, in
float32. Where the reference gives NaN this gives the limit instead: a query equal to stored rows
(D = 0) takes those rows' mean (the weights' limit as D → 0), and fewer stored rows than k uses the rows
there are. The weights are computed as (D_min/D_j)², equal mathematically and free of the overflow of
(1/D)² for tiny distances.

Files in a voice folder, beside ``voice.json`` (the library imports and zips a voice's top-level
files only, so the indexes travel with the voice); every write atomic (a temporary sibling renamed
into place); loads never unpickle (``faiss.read_index`` parses faiss's own binary format)::

    <voice>/retrieval-whisper.index   the ppg index (faiss binary, readable by the reference)
    <voice>/retrieval-hubert.index    the vec index
    <voice>/retrieval.json            what they were built from: per role dim, rows, encoder, voice id
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.atomic import atomic_path, atomic_write_bytes
from models.errors import UserError

INDEX_FILES = {"ppg": "retrieval-whisper.index", "vec": "retrieval-hubert.index"}  # the reference's names
META_NAME = "retrieval.json"
META_FORMAT = "voicecraft-retrieval"
META_VERSION = 1
MAX_ROWS = 200_000  # above this the rows are replaced by k-means centroids (the reference's rule)
REDUCED_ROWS = 10_000
ADD_BATCH = 8192
SEARCH_BATCH = 1024  # query rows per search: (1024, k, d) float32 reconstructions at a time
MAX_K = 64
DEFAULT_K = 3  # the reference's n_nearest default
KMEANS_SEED = 1234


class RetrievalError(ValueError, UserError):
    """An index that cannot be used: missing, unreadable, of another dimension or another voice's."""


def _faiss() -> Any:
    import faiss  # heavy import (BLAS threads); only when retrieval is used

    return faiss


def _check_rows(features: Any, what: str) -> np.ndarray:
    rows = np.asarray(features)
    if rows.ndim != 2 or rows.shape[0] < 1 or rows.shape[1] < 1:
        raise RetrievalError(f"{what}: expected (rows, dim) features, got shape {rows.shape}")
    if not np.issubdtype(rows.dtype, np.floating) and not np.issubdtype(rows.dtype, np.integer):
        raise RetrievalError(f"{what}: expected numbers, got {rows.dtype}")
    rows = np.ascontiguousarray(rows, dtype=np.float32)
    if not np.all(np.isfinite(rows)):
        raise RetrievalError(f"{what}: contains NaN or infinite values")
    return rows


def ivf_lists(rows: int) -> int:
    """The reference's list count for N rows: min(int(16·√N), N // 39) (0: too few rows for IVF)."""
    return min(int(16 * math.sqrt(rows)), rows // 39)


def build_index(features: np.ndarray | Iterable[np.ndarray]) -> Any:
    """Builds a voice's index as the reference does (see the module docstring).

    Args:
        features: (N, d) float features, or an iterable of (n_i, d) arrays (one per clip, concatenated
            in order; row order is the faiss label).

    Returns:
        A trained, filled faiss index (``IndexIVFFlat`` with nprobe = nlist, or ``IndexFlatL2`` when
        N < 39), L2 metric, over the rows as float32.

    Raises:
        RetrievalError: no rows, clips of different widths, NaN/infinite values.
    """
    faiss = _faiss()
    if not isinstance(features, np.ndarray):
        parts = [np.asarray(p) for p in features]
        if not parts:
            raise RetrievalError("no features to index")
        if len({p.shape[1:] for p in parts}) != 1:
            raise RetrievalError(f"features of different widths: {sorted({p.shape[1:] for p in parts})}")
        features = np.concatenate(parts, axis=0)
    rows = _check_rows(features, "features to index")
    n, d = rows.shape
    if n > MAX_ROWS:
        km = faiss.Kmeans(d, REDUCED_ROWS, niter=20, seed=KMEANS_SEED, max_points_per_centroid=256)
        km.train(rows)
        rows = np.ascontiguousarray(km.centroids, dtype=np.float32)
        n = len(rows)
    nlist = ivf_lists(n)
    if nlist < 1:
        index = faiss.IndexFlatL2(d)
        index.add(rows)
        return index
    index = faiss.index_factory(d, f"IVF{nlist},Flat", faiss.METRIC_L2)
    index.train(rows)
    for start in range(0, n, ADD_BATCH):
        index.add(rows[start : start + ADD_BATCH])
    index.nprobe = nlist  # exact search (saved in the file)
    return index


def _check_index(index: Any, what: str) -> Any:
    """The index itself, if it is one retrieval can use (flat or IVF-flat, L2). faiss returns the
    concrete class from ``read_index``/``index_factory``; ``downcast_index`` is not used: its wrapper
    does not own the index, which is freed with the caller's last reference."""
    faiss = _faiss()
    if not isinstance(index, (faiss.IndexFlatL2, faiss.IndexIVFFlat)) or index.metric_type != faiss.METRIC_L2:
        raise RetrievalError(f"{what}: not a flat or IVF-flat L2 index ({type(index).__name__})")
    if index.ntotal < 1:
        raise RetrievalError(f"{what}: the index holds no rows")
    if isinstance(index, faiss.IndexIVFFlat):
        lists = index.invlists
        held = sum(lists.list_size(i) for i in range(index.nlist))
    else:
        held = index.codes.size() // max(1, index.code_size)
    if held != index.ntotal:  # a damaged header: searching or reconstructing would read past the rows
        raise RetrievalError(f"{what}: damaged index (it claims {index.ntotal} rows but holds {held})")
    return index


def save_index(index: Any, path: str | Path) -> Path:
    """Writes ``index`` to ``path`` atomically (faiss binary in a temporary sibling, then renamed)."""
    faiss = _faiss()
    path = Path(path)
    with atomic_path(path) as tmp:
        faiss.write_index(index, str(tmp))
    return path


def load_index(path: str | Path, dim: int | None = None) -> Any:
    """Reads an index written by :func:`save_index` (or the reference's ``.index`` files).

    Args:
        path: the ``.index`` file.
        dim: the feature width it must have (``None``: any).

    Raises:
        RetrievalError: missing, unreadable or truncated, not a flat/IVF-flat L2 index, empty, or
            of another width than ``dim`` (built from another encoder's features).
    """
    faiss = _faiss()
    path = Path(path)
    if not path.is_file():
        raise RetrievalError(f"{path}: no such index file")
    try:
        index = faiss.read_index(str(path))
    except (RuntimeError, MemoryError):
        raise RetrievalError(
            f"{path}: not a readable faiss index (damaged, truncated or another kind of file)"
        ) from None
    index = _check_index(index, str(path))
    if dim is not None and index.d != int(dim):
        raise RetrievalError(
            f"{path}: built from {index.d}-d features, but these features are {dim}-d "
            f"(an index of another encoder's or another voice's features)"
        )
    return index


def exact_index(index: Any) -> Any:
    """A flat L2 index over the same rows with the same labels (exact, and its batched search uses
    BLAS: an IVF index searched over all its lists gives the same neighbours but scans list by list,
    about 8x slower on 30,000 Whisper rows). A flat index is returned as it is.

    Memory: a second copy of the rows (N·d·4 bytes) while both are alive.
    """
    faiss = _faiss()
    index = _check_index(index, "retrieval index")
    if isinstance(index, faiss.IndexFlatL2):
        return index
    index.make_direct_map()
    rows = index.reconstruct_n(0, index.ntotal)
    index.make_direct_map(False)  # drop the map again (8 bytes a row)
    flat = faiss.IndexFlatL2(index.d)
    flat.add(np.ascontiguousarray(rows, dtype=np.float32))
    return flat


def neighbour_weights(dist: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The reference's blend weights, without its NaNs.

    Args:
        dist: (M, k) squared L2 distances.
        valid: (M, k) bool, False where faiss found no neighbour (label −1).

    Returns:
        (M, k) float32 weights, each row summing to 1 over its valid entries: ∝ 1/D_j² (computed as
        (D_min/D_j)²); rows with a zero distance share their weight equally among those rows; rows
        with no valid neighbour are all 0 (the caller keeps the query there).
    """
    dist = np.where(valid, np.maximum(dist.astype(np.float32), 0), np.float32(np.inf))
    zero = valid & (dist == 0)
    has_zero = zero.any(axis=1, keepdims=True)
    dmin = dist.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(valid, (dmin / dist) ** 2, 0).astype(np.float32)
    w = np.where(has_zero, zero.astype(np.float32), w)
    w = np.nan_to_num(w, nan=0.0, posinf=0.0)
    total = w.sum(axis=1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total > 0)


def retrieve(
    features: np.ndarray, index: Any, ratio: float, k: int = DEFAULT_K, nprobe: int | None = None
) -> np.ndarray:
    """Pulls each feature row toward its k nearest rows in ``index`` (the reference's retrieval).

    Args:
        features: (M, d) content features (any float dtype; computed in float32).
        index: from :func:`build_index` / :func:`load_index` over d-wide rows.
        ratio: 0 (features unchanged) to 1 (replaced by the neighbours' weighted mean).
        k: neighbours per row (1 to 64); an index with fewer rows uses all it has.
        nprobe: IVF lists searched; ``None``: exact search (the default; an IVF index is searched
            through :func:`exact_index`); 1 gives the reference's approximate search (its short-list
            NaNs are still avoided).

    Returns:
        (M, d) float32: (1 − ratio)·q + ratio·Σ_j w_j·x_j row by row (weights: :func:`neighbour_weights`);
        a copy of the features when ratio is 0.

    Raises:
        RetrievalError: ratio or k out of range, features not (M, d) finite numbers, or an index of
            another width (built from another voice's or encoder's features).
    """
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.integer, np.floating)):
        raise RetrievalError(f"the retrieval ratio must be a number from 0 to 1, not {ratio!r}")
    if not (math.isfinite(float(ratio)) and 0.0 <= float(ratio) <= 1.0):
        raise RetrievalError(f"the retrieval ratio must be a number from 0 to 1, not {ratio!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= MAX_K:
        raise RetrievalError(f"the number of neighbours must be a whole number from 1 to {MAX_K}, not {k!r}")
    query = _check_rows(features, "features")
    index = _check_index(index, "retrieval index")
    if index.d != query.shape[1]:
        raise RetrievalError(
            f"the retrieval index was built from {index.d}-d features, but these features are "
            f"{query.shape[1]}-d (an index of another encoder's or another voice's features)"
        )
    ratio32 = np.float32(ratio)
    if ratio32 == 0:
        return query.copy()
    faiss = _faiss()
    kk = min(int(k), int(index.ntotal))
    if isinstance(index, faiss.IndexIVFFlat):
        if nprobe is None:
            index = exact_index(index)
        else:
            index.nprobe = max(1, min(int(nprobe), index.nlist))
    out = np.empty_like(query)
    for start in range(0, len(query), SEARCH_BATCH):
        q = query[start : start + SEARCH_BATCH]
        dist, labels, recon = index.search_and_reconstruct(q, kk)
        valid = labels >= 0
        w = neighbour_weights(dist, valid)
        recon = np.where(valid[..., None], recon, np.float32(0))
        mean = np.einsum("mk,mkd->md", w, recon, dtype=np.float32)
        found = valid.any(axis=1, keepdims=True)
        mixed = (np.float32(1) - ratio32) * q + ratio32 * mean
        out[start : start + len(q)] = np.where(found, mixed, q)
    return out


# ----------------------------------------------------------------------------- a voice's indexes


@dataclass(frozen=True)
class IndexSpec:
    """What a voice's index for one role must match: the feature width, the encoder's registry name
    and (where known) the voice's id."""

    dim: int
    encoder: str = ""
    voice_id: str = ""


def has_indexes(voice_folder: str | Path) -> bool:
    """Whether the voice folder holds a complete set of indexes (both roles and their record)."""
    folder = Path(voice_folder)
    return (folder / META_NAME).is_file() and all((folder / f).is_file() for f in INDEX_FILES.values())


def write_voice_indexes(
    voice_folder: str | Path,
    features: Mapping[str, np.ndarray | Iterable[np.ndarray]],
    specs: Mapping[str, IndexSpec],
) -> Path:
    """Builds and writes both roles' indexes into the voice folder (each file atomically; the record
    last, so a crash leaves no record naming a half-written set).

    Args:
        voice_folder: the voice.
        features: role ("ppg"/"vec") -> (N, d) rows or an iterable of per-clip (n_i, d) arrays.
        specs: role -> what the rows are (width, encoder, voice id), recorded for the load check.

    Returns:
        The record's path.
    """
    folder = Path(voice_folder)
    (folder / META_NAME).unlink(missing_ok=True)
    record: dict[str, Any] = {"format": META_FORMAT, "format_version": META_VERSION, "roles": {}}
    for role, file in INDEX_FILES.items():
        spec = specs[role]
        index = build_index(features[role])
        if index.d != spec.dim:
            raise RetrievalError(f"{role} features are {index.d}-d, but the voice takes {spec.dim}-d")
        save_index(index, folder / file)
        record["roles"][role] = {
            "file": file,
            "dim": int(index.d),
            "rows": int(index.ntotal),
            "encoder": spec.encoder,
            "voice_id": spec.voice_id,
        }
    data = (json.dumps(record, indent=2) + "\n").encode()
    atomic_write_bytes(folder / META_NAME, data)
    return folder / META_NAME


def load_voice_indexes(voice_folder: str | Path, specs: Mapping[str, IndexSpec]) -> dict[str, Any]:
    """Loads a voice's indexes, checked against ``specs``.

    Returns:
        role -> flat L2 index over the role's rows (:func:`exact_index`: what :func:`retrieve`
        searches by default; about N·d·4 bytes each).

    Raises:
        RetrievalError: none there, an unreadable record or index, or one built from features of
            another width, another encoder or another voice (message names the file and the problem).
    """
    folder = Path(voice_folder)
    meta_path = folder / META_NAME
    if not has_indexes(voice_folder):
        raise RetrievalError(f"{folder}: the voice has no retrieval index")
    try:
        record = json.loads(meta_path.read_text(encoding="utf-8"))
        roles = record["roles"]
        if record.get("format") != META_FORMAT or record.get("format_version") != META_VERSION:
            raise ValueError("not a retrieval record of this version")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RetrievalError(f"{meta_path}: unreadable retrieval record ({exc})") from None
    out = {}
    for role, spec in specs.items():
        path = folder / INDEX_FILES[role]
        info = roles.get(role) if isinstance(roles, dict) else None
        if not isinstance(info, dict):
            raise RetrievalError(f"{meta_path}: no record of the {role} index")
        if spec.encoder and info.get("encoder") and info["encoder"] != spec.encoder:
            raise RetrievalError(
                f"{path}: built from {info['encoder']!r} features, but the voice uses {spec.encoder!r} "
                f"(another voice's index); rebuild it"
            )
        if spec.voice_id and info.get("voice_id") and info["voice_id"] != spec.voice_id:
            raise RetrievalError(f"{path}: built from another voice's features; rebuild it")
        index = load_index(path, spec.dim)
        if info.get("dim") != index.d or info.get("rows") != index.ntotal:
            raise RetrievalError(f"{path}: does not match its record in {META_NAME}; rebuild it")
        out[role] = exact_index(index)
    return out
