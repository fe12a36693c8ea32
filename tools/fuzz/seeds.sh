#!/usr/bin/env bash
# Seed corpus from the fixtures (small ones only: AFL++ wants seeds under ~1 MB) into tools/fuzz/seeds/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
s=tools/fuzz/seeds; rm -rf "$s"
mkdir -p $s/safetensors $s/safetensors-header $s/torch-zip $s/unpickler $s/config $s/tokenizer-json $s/bpe-files
i=0; for f in fixtures/*/config.json fixtures/ground-truth/*/config.json; do cp "$f" "$s/config/$((i++)).json"; done
python3 - <<'PY'
import json, struct, zipfile, io, os
s = "tools/fuzz/seeds"
# safetensors: a tiny valid file (header + 2 F32 tensors)
hdr = json.dumps({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F16", "shape": [2], "data_offsets": [8, 12]}}).encode()
open(f"{s}/safetensors/small.safetensors", "wb").write(struct.pack("<Q", len(hdr)) + hdr + b"\0" * 12)
# safetensors-header: the header JSON alone (the target adds the length field and 256 data bytes)
open(f"{s}/safetensors-header/small.json", "wb").write(hdr)
open(f"{s}/safetensors-header/mixed.json", "w").write(json.dumps({
    "__metadata__": {"format": "pt"}, "w": {"dtype": "BF16", "shape": [4, 8], "data_offsets": [0, 64]},
    "b": {"dtype": "F64", "shape": [2, 2], "data_offsets": [64, 96]}, "i": {"dtype": "I64", "shape": [3], "data_offsets": [96, 120]},
    "s": {"dtype": "F32", "shape": [], "data_offsets": [120, 124]}, "e": {"dtype": "F16", "shape": [0, 5], "data_offsets": [124, 124]}}))
# config: a Chronos config (T5 with chronos_config) as chronos-t5-tiny has it
t5 = json.load(open("fixtures/t5-tiny-relu/config.json"))
t5["chronos_config"] = {"tokenizer_class": "MeanScaleUniformBins", "tokenizer_kwargs": {"low_limit": -15.0, "high_limit": 15.0},
    "context_length": 512, "prediction_length": 64, "n_tokens": 4096, "n_special_tokens": 2, "pad_token_id": 0, "eos_token_id": 1,
    "use_eos_token": True, "model_type": "seq2seq", "num_samples": 20, "temperature": 1.0, "top_k": 50, "top_p": 1.0}
open(f"{s}/config/chronos.json", "w").write(json.dumps(t5, indent=2))
# torch zip: a tiny state dict in the torch.save layout (protocol 2 pickle written by hand)
pk = (b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n"
      b"((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x02tQK\x00K\x02\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtRu.")
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", pk); z.writestr("archive/data/0", b"\0" * 8); z.writestr("archive/version", "3\n")
open(f"{s}/torch-zip/small.pth", "wb").write(b.getvalue())
# BPE files: a cut-down vocabulary and merges from the tokenizer fixture (vocab, NUL, merges)
vocab = json.load(open("fixtures/tokenizer/vocab.json"))
merges = [l for l in open("fixtures/tokenizer/merges.txt", encoding="utf-8").read().split("\n")[1:200] if l]
keep = {k: v for k, v in vocab.items() if v < 256}
for m in merges:
    a, c = m.split(" ")
    for t in (a, c, a + c): keep.setdefault(t, len(keep) + 10000)
ids = {k: i for i, k in enumerate(keep)}
open(f"{s}/bpe-files/small", "wb").write(json.dumps(ids).encode() + b"\0" + ("#version: 0.2\n" + "\n".join(merges)).encode())
tj = {"model": {"type": "BPE", "vocab": ids, "merges": merges}, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False},
      "decoder": {"type": "ByteLevel"}, "added_tokens": [{"id": len(ids), "content": "<|endoftext|>", "special": True}]}
open(f"{s}/tokenizer-json/small.json", "w").write(json.dumps(tj))
PY
# unpickler: data.pkl of real torch.save state dicts over four 64-byte storages (the target adds the archive and records)
for py in python3 /usr/bin/python3; do
  if $py -c 'import torch' 2>/dev/null; then $py tools/fuzz/pickle_seeds.py "$s/unpickler"; break; fi
done
[ -n "$(ls -A $s/unpickler)" ] || echo "warning: no python with torch; the unpickler target starts from no seeds" >&2
