"""Feature retrieval (models.features.retrieval) against the reference's vectors
(``../shared/reference/extra/speaker-retrieval-seed0.pt``, README "Retrieval facts"): exact-index
neighbours, distances and blends; the reference's one-list IVF search on its own centroids; its NaN
cases handled; ratio 0/1; refusals; save/load; memory of a 10-minute index.
"""

from __future__ import annotations

import functools
import os
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

faiss = pytest.importorskip("faiss")

from models.features.retrieval import (  # noqa: E402
    INDEX_FILES,
    IndexSpec,
    RetrievalError,
    build_index,
    exact_index,
    ivf_lists,
    load_index,
    load_voice_indexes,
    neighbour_weights,
    retrieve,
    save_index,
    write_voice_indexes,
)

TOL = 1e-4  # README "Tolerances": retrieval outputs, float32
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
VECTORS = SHARED / "reference" / "extra" / "speaker-retrieval-seed0.pt"
ROLES = ("hubert", "whisper")


@functools.lru_cache(maxsize=1)
def _vectors() -> dict:
    return torch.load(VECTORS, map_location="cpu", weights_only=True)


@pytest.fixture(scope="module")
def ref() -> dict:
    if not VECTORS.is_file():
        if os.environ.get("VOICECRAFT_REQUIRE_REFERENCE_VECTORS") == "1":
            pytest.fail(f"reference vectors not found at {VECTORS}")
        pytest.skip(f"reference vectors not found at {VECTORS}")
    return _vectors()


def _data(ref: dict, role: str) -> tuple[np.ndarray, np.ndarray]:
    """(2000, d) stored rows and (200, d) queries, int8 / 32 as the README says."""
    data = (ref[f"retr_{role}_data_int8"].float() / 32).numpy()
    query = (ref[f"retr_{role}_query_int8"].float() / 32).numpy()
    return data, query


@functools.lru_cache(maxsize=2)
def _index(role: str) -> object:
    data, _ = _data(_vectors(), role)
    return build_index(data)


def _reference_ivf(ref: dict, role: str) -> tuple[object, object]:
    """The reference's IVF index rebuilt on its own trained centroids (k-means differs by version)."""
    data, _ = _data(ref, role)
    centroids = ref[f"retr_{role}_ivf_centroids"].numpy()
    quantizer = faiss.IndexFlatL2(data.shape[1])
    quantizer.add(centroids)
    ivf = faiss.IndexIVFFlat(quantizer, data.shape[1], len(centroids))
    ivf.is_trained = True
    ivf.add(data)
    return ivf, quantizer  # the caller keeps the quantizer alive while it uses the index


# ----------------------------------------------------------------------------- reference parity


@pytest.mark.parametrize("role", ROLES)
def test_index_is_built_as_the_reference_builds_it(ref: dict, role: str) -> None:
    index = _index(role)
    assert isinstance(index, faiss.IndexIVFFlat)
    assert index.nlist == ivf_lists(2000) == ref[f"retr_{role}_ivf_nlist"] == 51
    assert index.ntotal == 2000 and index.metric_type == faiss.METRIC_L2


@pytest.mark.parametrize("role", ROLES)
def test_exact_search_matches_the_reference_flat_index(ref: dict, role: str) -> None:
    _, query = _data(ref, role)
    flat = exact_index(_index(role))
    dist, labels = flat.search(query, 3)
    assert np.array_equal(labels, ref[f"retr_{role}_flat_nn_labels"].numpy())
    assert np.array_equal(dist, ref[f"retr_{role}_flat_nn_dist"].numpy())  # exact on the grid data


@pytest.mark.parametrize("ratio", [0.5, 1.0])
@pytest.mark.parametrize("role", ROLES)
def test_blend_matches_the_reference_exact_index_output(ref: dict, role: str, ratio: float) -> None:
    _, query = _data(ref, role)
    out = retrieve(query, _index(role), ratio, 3)
    want = ref[f"retr_{role}_flat_out_ratio{ratio}"].numpy()
    assert out.dtype == np.float32 and out.shape == want.shape
    assert np.isfinite(want).all()
    err = float(np.abs(out - want).max())
    assert err <= TOL, err


@pytest.mark.parametrize("role", ROLES)
def test_one_list_search_matches_the_reference_ivf_except_its_nan_rows(ref: dict, role: str) -> None:
    """nprobe=1 on the reference's centroids: the same (approximate) neighbours and outputs where the
    reference is finite; where it is NaN (a probed list shorter than k) ours uses the rows there are."""
    _, query = _data(ref, role)
    ivf, _quantizer = _reference_ivf(ref, role)
    ivf.nprobe = 1
    _, labels = ivf.search(query, 3)
    assert np.array_equal(labels, ref[f"retr_{role}_ivf_nn_labels"].numpy())
    out = retrieve(query, ivf, 0.5, 3, nprobe=1)
    want = ref[f"retr_{role}_ivf_out_ratio0.5"].numpy()
    nan_rows = np.flatnonzero(np.isnan(want).any(axis=1))
    if role == "hubert":
        assert nan_rows.tolist() == ref["retr_hubert_ivf_nan_rows"].tolist() == [137]
    ok = np.setdiff1d(np.arange(len(query)), nan_rows)
    assert float(np.abs(out[ok] - want[ok]).max()) <= TOL
    assert np.isfinite(out).all()
    for row in nan_rows:  # the rows found are blended as the formula says over those rows alone
        found = labels[row][labels[row] >= 0]
        assert 0 < len(found) < 3
        data, _ = _data(ref, role)
        d2 = ((data[found] - query[row]) ** 2).sum(axis=1)
        w = (1 / d2) ** 2 / ((1 / d2) ** 2).sum()
        expect = 0.5 * query[row] + 0.5 * (w[:, None] * data[found]).sum(axis=0)
        assert float(np.abs(out[row] - expect).max()) <= TOL


def test_a_wrong_blend_fails_parity(ref: dict) -> None:
    """Control: weights not normalised (or 1/D instead of 1/D²) are far outside the tolerance, so the
    parity test can fail."""
    _, query = _data(ref, "hubert")
    flat = exact_index(_index("hubert"))
    dist, _, recon = flat.search_and_reconstruct(query, 3)
    want = ref["retr_hubert_flat_out_ratio0.5"].numpy()
    unnormalised = 0.5 * query + 0.5 * np.einsum("mk,mkd->md", (1 / dist) ** 2, recon)
    inverse_d = (1 / dist) / (1 / dist).sum(axis=1, keepdims=True)
    linear = 0.5 * query + 0.5 * np.einsum("mk,mkd->md", inverse_d, recon)
    right = 0.5 * query + 0.5 * np.einsum("mk,mkd->md", neighbour_weights(dist, dist >= 0), recon)
    assert np.abs(right - want).max() <= TOL
    assert np.abs(unnormalised - want).max() > 100 * TOL
    assert np.abs(linear - want).max() > 100 * TOL


# ----------------------------------------------------------------------------- behaviour


def _rows(n: int, d: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)


def test_ratio_zero_leaves_features_unchanged_and_one_replaces_them() -> None:
    data, query = _rows(200, 16), _rows(30, 16, seed=1)
    index = build_index(data)
    assert np.array_equal(retrieve(query, index, 0.0, 3), query)
    out = retrieve(query, index, 1.0, 3)
    dist, labels = exact_index(index).search(query, 3)
    w = (1 / dist) ** 2
    w /= w.sum(axis=1, keepdims=True)
    mean = np.einsum("mk,mkd->md", w, data[labels])
    assert np.abs(out - mean).max() <= TOL
    assert np.abs(out - query).max() > 0.1  # control: ratio 1 moved the features


def test_a_query_equal_to_a_stored_row_takes_that_row() -> None:
    """The reference divides by D = 0 (NaN); the limit of its weights is that row alone."""
    data = _rows(100, 8)
    data[7] = data[3]  # two identical stored rows: they share the weight
    index = build_index(data)  # 100 rows: IVF2
    query = np.stack([data[3], data[10], data[10] + 1e-3])
    out = retrieve(query, index, 1.0, 3)
    assert np.isfinite(out).all()
    assert np.array_equal(out[0], data[3]) and np.array_equal(out[1], data[10])
    assert np.abs(out[2] - data[10]).max() < 1e-2  # a near query: dominated by its neighbour, finite
    tiny = retrieve(data[10:11] + np.float32(1e-20), index, 1.0, 3)  # (1/D)² would overflow
    assert np.isfinite(tiny).all()


def test_fewer_stored_rows_than_k_uses_those_there_are() -> None:
    data = _rows(2, 4)
    index = build_index(data)  # too few rows for IVF: flat
    assert isinstance(index, faiss.IndexFlatL2)
    out = retrieve(_rows(5, 4, seed=3), index, 1.0, 8)
    assert np.isfinite(out).all()
    single = retrieve(_rows(5, 4, seed=3), build_index(data[:1]), 1.0, 3)
    assert np.array_equal(single, np.repeat(data[:1], 5, axis=0))


def test_mismatched_index_and_bad_arguments_are_refused(tmp_path: Path) -> None:
    index = build_index(_rows(100, 8))
    with pytest.raises(RetrievalError, match="8-d features, but these features are 16-d"):
        retrieve(_rows(4, 16), index, 0.5, 3)
    for ratio in (-0.1, 1.5, float("nan"), True):
        with pytest.raises(RetrievalError, match="ratio"):
            retrieve(_rows(4, 8), index, ratio, 3)
    for k in (0, 65, 2.0):
        with pytest.raises(RetrievalError, match="neighbours"):
            retrieve(_rows(4, 8), index, 0.5, k)
    with pytest.raises(RetrievalError, match="NaN"):
        build_index(np.full((10, 4), np.nan, np.float32))
    path = save_index(index, tmp_path / "x.index")
    with pytest.raises(RetrievalError, match="x.index: built from 8-d features"):
        load_index(path, dim=256)
    bad = tmp_path / "bad.index"
    bad.write_bytes(path.read_bytes()[:50])
    with pytest.raises(RetrievalError, match="bad.index: not a readable faiss index"):
        load_index(bad)


def test_save_load_round_trip_is_atomic(tmp_path: Path) -> None:
    data, query = _rows(500, 32), _rows(20, 32, seed=2)
    index = build_index(data)
    path = save_index(index, tmp_path / "v.index")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.index"]  # no temporary left
    again = load_index(path, dim=32)
    assert np.array_equal(retrieve(query, again, 0.7, 4), retrieve(query, index, 0.7, 4))
    assert faiss.extract_index_ivf(again).nprobe == faiss.extract_index_ivf(again).nlist == ivf_lists(500)


def test_voice_indexes_refuse_another_voices_index(tmp_path: Path) -> None:
    specs = {"ppg": IndexSpec(12, "whisper-tiny", "voice-a"), "vec": IndexSpec(6, "hubert-soft", "voice-a")}
    feats = {"ppg": [_rows(60, 12), _rows(40, 12, 1)], "vec": _rows(100, 6, 2)}
    write_voice_indexes(tmp_path, feats, specs)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*INDEX_FILES.values(), "retrieval.json"])
    loaded = load_voice_indexes(tmp_path, specs)
    assert loaded["ppg"].d == 12 and loaded["vec"].ntotal == 100
    other = {**specs, "vec": IndexSpec(6, "hubert-soft", "voice-b")}
    with pytest.raises(RetrievalError, match="retrieval-hubert.index: built from another voice's features"):
        load_voice_indexes(tmp_path, other)
    wrong_dim = {**specs, "ppg": IndexSpec(1280, "whisper-tiny", "voice-a")}
    with pytest.raises(RetrievalError, match="built from 12-d features"):
        load_voice_indexes(tmp_path, wrong_dim)
    with pytest.raises(RetrievalError, match="no retrieval index"):
        load_voice_indexes(tmp_path / "nothing", specs)


def _rss() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc (Linux)")
def test_memory_of_a_ten_minute_index_is_bounded() -> None:
    """10 minutes of 256-d units at 50 Hz (30,000 rows, 29.3 MB): building the index and searching it
    grows RSS by at most 3x the rows' bytes + 64 MB (measured about 72 MB for the build; the Whisper
    PPG index scales with d: 1280-d measured 215 MB for 146 MB of rows)."""
    rows = np.random.default_rng(0).standard_normal((30_000, 256), dtype=np.float32)
    before = _rss()
    index = build_index(rows)
    out = retrieve(rows[:2000] + 0.01, index, 0.5, 3)
    grown = _rss() - before
    bound = 3 * rows.nbytes + 64 * 2**20
    assert index.ntotal == 30_000 and np.isfinite(out).all()
    assert grown <= bound, f"RSS grew {grown / 2**20:.0f} MB (bound {bound / 2**20:.0f} MB)"


def _hostile_index_files(tmp_path: Path) -> dict[str, bytes]:
    data = _rows(100, 8)
    ivf = save_index(build_index(data), tmp_path / "ivf.index").read_bytes()
    flat = save_index(build_index(data[:20]), tmp_path / "flat.index").read_bytes()  # < 39 rows: flat
    out = {"random bytes": np.random.default_rng(0).bytes(4000), "zeros": bytes(4000)}
    for name, good, rows in (("ivf", ivf, 100), ("flat", flat, 20)):
        at = good.find(struct.pack("<q", rows))  # the header's ntotal
        out[f"{name} claiming 2^40 rows"] = good[:at] + struct.pack("<q", 2**40) + good[at + 8 :]
    out["huge width"] = ivf[:4] + struct.pack("<i", 2**30) + ivf[8:]
    others = {"inner product": faiss.IndexFlatIP(8), "hnsw": faiss.IndexHNSWFlat(8, 4)}
    for name, index in others.items():
        index.add(data)
        faiss.write_index(index, str(tmp_path / "other.index"))
        out[name] = (tmp_path / "other.index").read_bytes()
    faiss.write_index(faiss.IndexFlatL2(8), str(tmp_path / "empty.index"))
    out["empty"] = (tmp_path / "empty.index").read_bytes()
    return out


def test_hostile_index_files_are_refused_in_one_line(tmp_path: Path) -> None:
    """Garbage, a header claiming more rows than the file holds (searching would read past them), a
    huge width, indexes of other kinds or metrics, an empty index: each a RetrievalError naming the
    file, never a crash or a huge allocation."""
    cases = _hostile_index_files(tmp_path)
    for name, content in cases.items():
        path = tmp_path / "hostile.index"
        path.write_bytes(content)
        with pytest.raises(RetrievalError, match="hostile.index: ") as exc:
            load_index(path, dim=8)
        assert "\n" not in str(exc.value), name


def test_many_rows_are_first_reduced_to_centroids(monkeypatch) -> None:
    """The reference's rule for N > 200,000 rows (10,000 k-means centroids), on small numbers; seeded,
    so the same rows give the same index."""
    import models.features.retrieval as retrieval

    monkeypatch.setattr(retrieval, "MAX_ROWS", 300)
    monkeypatch.setattr(retrieval, "REDUCED_ROWS", 80)
    data = _rows(400, 8)
    a, b = build_index(data), build_index(data)
    assert a.ntotal == 80 and a.nlist == ivf_lists(80) == 2
    rows = exact_index(a).reconstruct_n(0, 80)
    assert np.array_equal(rows, exact_index(b).reconstruct_n(0, 80))
    assert not np.isin(rows[:, 0], data[:, 0]).all()  # centroids, not a subset of the rows
    assert build_index(data[:300]).ntotal == 300  # at the limit: kept as they are
