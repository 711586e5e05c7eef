"""HuBERT content units through transformers' ``HubertModel``.

Two sources:

- bshall's hubert-soft (``hubert-soft-0d54a1f4.pt``, the reference's "vec"): its own module
  layout (``feature_extractor.conv0``, ``encoder.layers.N.self_attn.in_proj_weight``, ...,
  ``proj``) under ``checkpoint["hubert"]`` with a DDP ``module.`` prefix. We build the
  equivalent ``HubertConfig`` from the tensor shapes, map every key onto ``HubertModel``
  (loaded strictly) and keep ``proj`` (768 -> 256) as our own linear layer. Like bshall's
  ``units()``, the audio is zero-padded by 40 samples on each side, so T samples give
  exactly T // 320 frames.
- any HuBERT / ContentVec folder that ``HubertModel.from_pretrained`` loads: the hidden
  states of a chosen layer (default: the last), 768-d for base models, same padding.
"""

from __future__ import annotations

import os
import re
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from models.features.content.base import ContentEncoder

EDGE_PAD = (400 - 320) // 2  # bshall: receptive field 400, hop 320 -> pad 40 each side
HEAD_DIM = 64  # HuBERT's attention head size: heads = hidden // 64 (12 for base)


class HubertUnits(ContentEncoder):
    """HuBERT features (optionally projected, as hubert-soft's units).

    Args:
        model: a transformers ``HubertModel`` in eval mode.
        name: registry name.
        projection: optional final linear layer (hubert-soft: 768 -> 256).
        layer: hidden-state index to use (``None``: the last layer's output).
        device: where it runs.
    """

    version = "transformers-hubert-1"
    window_frames = 1500  # 30 s: attention cost grows with the square of the window
    context_frames = 100

    def __init__(self, model: nn.Module, name: str, projection: nn.Linear | None = None,
                 layer: int | None = None, device: torch.device | str = "cpu") -> None:
        super().__init__(device)
        self.model = model.to(self.device).eval()
        self.projection = projection.to(self.device).eval() if projection is not None else None
        self.layer = layer
        self.name = name
        self.dim = projection.out_features if projection is not None else int(model.config.hidden_size)

    @classmethod
    def from_soft_checkpoint(cls, path: str | os.PathLike[str], name: str = "hubert-soft",
                             device: torch.device | str = "cpu") -> HubertUnits:
        """Loads bshall's hubert-soft checkpoint into ``HubertModel`` + projection (strict)."""
        raw = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
        state = raw.get("hubert", raw) if isinstance(raw, dict) else raw
        state = {k.removeprefix("module."): v for k, v in state.items()}
        model, projection = soft_checkpoint_to_transformers(state)
        return cls(model, name, projection, None, device)

    @classmethod
    def from_pretrained(cls, folder: str | os.PathLike[str], name: str = "hubert-transformers",
                        layer: int | None = None, device: torch.device | str = "cpu") -> HubertUnits:
        """Loads any transformers HuBERT / ContentVec folder (``config.json`` + weights)."""
        from transformers import HubertModel

        model = HubertModel.from_pretrained(os.fspath(folder))
        return cls(model, name, None, layer, device)

    def encode_window(self, wave: torch.Tensor) -> torch.Tensor:
        frames = self.frames(wave.shape[-1])
        x = F.pad(wave.float()[None], (EDGE_PAD, EDGE_PAD))
        out = self.model(x, output_hidden_states=self.layer is not None)
        hidden = out.last_hidden_state if self.layer is None else out.hidden_states[self.layer]
        if self.projection is not None:
            hidden = self.projection(hidden)
        return hidden[0, :frames]


def soft_checkpoint_to_transformers(state: dict[str, torch.Tensor]) -> tuple[nn.Module, nn.Linear]:
    """Maps a bshall HuBERT(-soft) state dict onto a transformers ``HubertModel``.

    Args:
        state: bshall's keys without the ``module.`` prefix.

    Returns:
        (model, projection): the ``HubertModel`` (eval) and the final ``proj`` linear layer.

    Raises:
        ValueError: keys missing or left over (the mapping is strict both ways).
    """
    from transformers import HubertModel

    config = _config_from_shapes(state)
    model = HubertModel(config)
    target_keys = set(model.state_dict())
    mapped: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        for new_key, new_value in _map_key(key, value, target_keys):
            mapped[new_key] = new_value
    projection = nn.Linear(state["proj.weight"].shape[1], state["proj.weight"].shape[0])
    projection.load_state_dict({"weight": state["proj.weight"], "bias": state["proj.bias"]})
    missing = sorted(target_keys - set(mapped))
    unexpected = sorted(set(mapped) - target_keys)
    if missing or unexpected:
        raise ValueError(f"hubert-soft checkpoint does not map onto HubertModel: missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    model.load_state_dict(mapped, strict=True)
    return model.eval(), projection.eval()


def _config_from_shapes(state: dict[str, torch.Tensor]) -> Any:
    from transformers import HubertConfig

    hidden = state["feature_projection.projection.weight"].shape[0]
    convs = sorted(int(m.group(1)) for k in state if (m := re.fullmatch(r"feature_extractor\.conv(\d+)\.weight", k)))
    layers = {int(m.group(1)) for k in state if (m := re.match(r"encoder\.layers\.(\d+)\.", k))}
    pos = state["positional_embedding.conv.weight_v"]
    return HubertConfig(
        hidden_size=hidden,
        num_hidden_layers=len(layers),
        num_attention_heads=max(1, hidden // HEAD_DIM),
        intermediate_size=state["encoder.layers.0.linear1.weight"].shape[0],
        conv_dim=tuple(state[f"feature_extractor.conv{i}.weight"].shape[0] for i in convs),
        conv_kernel=tuple(state[f"feature_extractor.conv{i}.weight"].shape[2] for i in convs),
        conv_stride=(5,) + (2,) * (len(convs) - 1),
        conv_bias=False,
        feat_extract_norm="group",
        num_conv_pos_embeddings=pos.shape[2],
        num_conv_pos_embedding_groups=hidden // pos.shape[1],
        do_stable_layer_norm=False,
        hidden_act="gelu",
        layer_norm_eps=1e-5,
        mask_time_prob=0.0,
        hidden_dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        feat_proj_dropout=0.0,
        layerdrop=0.0,
    )


_RENAMES = [
    (r"feature_extractor\.conv(\d+)\.weight", r"feature_extractor.conv_layers.\1.conv.weight"),
    (r"feature_extractor\.norm0\.(weight|bias)", r"feature_extractor.conv_layers.0.layer_norm.\1"),
    (r"feature_projection\.norm\.(weight|bias)", r"feature_projection.layer_norm.\1"),
    (r"feature_projection\.projection\.(weight|bias)", r"feature_projection.projection.\1"),
    (r"positional_embedding\.conv\.bias", r"encoder.pos_conv_embed.conv.bias"),
    (r"norm\.(weight|bias)", r"encoder.layer_norm.\1"),
    (r"encoder\.layers\.(\d+)\.self_attn\.out_proj\.(weight|bias)", r"encoder.layers.\1.attention.out_proj.\2"),
    (r"encoder\.layers\.(\d+)\.linear1\.(weight|bias)", r"encoder.layers.\1.feed_forward.intermediate_dense.\2"),
    (r"encoder\.layers\.(\d+)\.linear2\.(weight|bias)", r"encoder.layers.\1.feed_forward.output_dense.\2"),
    (r"encoder\.layers\.(\d+)\.norm1\.(weight|bias)", r"encoder.layers.\1.layer_norm.\2"),
    (r"encoder\.layers\.(\d+)\.norm2\.(weight|bias)", r"encoder.layers.\1.final_layer_norm.\2"),
]
# proj is kept as a separate layer; the label embedding and the mask vector serve training only
_DROPPED = {"proj.weight", "proj.bias", "label_embedding.weight", "masked_spec_embed"}


def _map_key(key: str, value: torch.Tensor, targets: set[str]) -> list[tuple[str, torch.Tensor]]:
    if key in _DROPPED:
        return []
    m = re.fullmatch(r"encoder\.layers\.(\d+)\.self_attn\.in_proj_(weight|bias)", key)
    if m:  # nn.MultiheadAttention packs q, k, v
        q, k, v = value.chunk(3, dim=0)
        stem = f"encoder.layers.{m.group(1)}.attention"
        return [(f"{stem}.q_proj.{m.group(2)}", q), (f"{stem}.k_proj.{m.group(2)}", k), (f"{stem}.v_proj.{m.group(2)}", v)]
    m = re.fullmatch(r"positional_embedding\.conv\.weight_([gv])", key)
    if m:  # old-style weight norm (dim=2) -> parametrizations (original0 = g, original1 = v)
        new = "encoder.pos_conv_embed.conv.parametrizations.weight.original" + ("0" if m.group(1) == "g" else "1")
        if new not in targets:
            new = f"encoder.pos_conv_embed.conv.weight_{m.group(1)}"
        return [(new, value)]
    for pattern, replacement in _RENAMES:
        if re.fullmatch(pattern, key):
            return [(re.sub(pattern, replacement, key), value)]
    raise ValueError(f"hubert-soft checkpoint: unexpected key {key!r}")

