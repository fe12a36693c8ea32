#!/usr/bin/env python3
"""The engines in columns: for every model benched by tools/bench/run.sh, tokens/s (forwards/s for the patching sweeps)
of the managed engine (<name>.json), the libtorch engine (<name>.torch.json) and the PyTorch peer measured beside the
managed engine, with torch/managed. Standard library only; reads the JSON that `bench --json` writes."""
import json
import pathlib
import sys

MODES = [("no_cache", "tokens_per_s"), ("full_cache", "tokens_per_s"), ("patterns_only", "tokens_per_s"),
         ("patching_sweep", "forwards_per_s"), ("patching_sweep_resumed", "forwards_per_s")]


def value(doc, mode, unit):
    entry = (doc or {}).get(mode)
    return entry.get(unit) if isinstance(entry, dict) else None


def fmt(v):
    return "-" if v is None else f"{v:,.0f}" if v >= 100 else f"{v:.2f}"


def main(folder):
    root = pathlib.Path(folder)
    rows = []
    for managed_path in sorted(root.glob("*.json")):
        if managed_path.name.endswith(".torch.json"):
            continue
        managed = json.loads(managed_path.read_text())
        torch_path = managed_path.with_name(managed_path.stem + ".torch.json")
        torch = json.loads(torch_path.read_text()) if torch_path.exists() else None
        peer = managed.get("peer") if "skipped" not in managed.get("peer", {}) else None
        s = managed["settings"]
        for mode, unit in MODES:
            m, t, p = value(managed, mode, unit), value(torch, mode, unit), value(peer, mode, unit)
            if m is None and t is None:
                continue
            ratio = f"{t / m:.2f}x" if m and t else "-"
            rows.append((managed_path.stem, f"{s['batch']}x{s['seq']}", mode, fmt(m), fmt(t), fmt(p), ratio))
    header = ("model", "batch x seq", "mode (tokens/s; sweeps forwards/s)", "managed", "torch (libtorch)", "PyTorch", "torch/managed")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/bench")
