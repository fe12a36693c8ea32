"""Seeds for the unpickler fuzz target: the data.pkl of torch.save state dicts whose storages are each 64 bytes
(the target supplies archive/data/0..3 of 64 bytes). Needs PyTorch (Debian's python3-torch); run by seeds.sh."""
import collections, io, os, sys, zipfile
import torch

out = sys.argv[1]
f32 = lambda: torch.arange(16, dtype=torch.float32)
f16 = lambda: torch.arange(32, dtype=torch.float16)
f64 = lambda: torch.arange(8, dtype=torch.float64)
bf16 = lambda: torch.arange(32, dtype=torch.bfloat16)

def pkl(obj, protocol=2):
    b = io.BytesIO()
    torch.save(obj, b, pickle_protocol=protocol)
    with zipfile.ZipFile(b) as z:
        name = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        return z.read(name)

base = f32()
dtypes = collections.OrderedDict(a=f32().view(4, 4), b=f16().view(2, 16)[:, ::2], c=f64().view(2, 4).t(), d=bf16()[3:27].view(3, 8))
views = collections.OrderedDict(full=base.view(4, 4), slice=base[2:10].view(2, 4), t=base.view(4, 4).t(),
                                strided=base.as_strided((3, 2), (4, 1), 1), scalar=base[5], bcast=base[0:1].expand(3, 4))
mixed = collections.OrderedDict(w=f32().view(2, 8), ids=torch.arange(8, dtype=torch.int64), mask=torch.ones(64, dtype=torch.bool).view(8, 8).tril(),
                                p=torch.nn.Parameter(f16().view(4, 8)))
seeds = {
    "dtypes-p2": pkl(dtypes), "dtypes-p4": pkl(dtypes, 4), "views": pkl(views), "mixed": pkl(mixed),
    "nested": pkl({"model": views, "step": 7, "lr": 0.5, "name": "run-1", "hist": [1, 2.0, None, True], "t": (1, "x")}),
}
for name, data in seeds.items():
    with open(os.path.join(out, name + ".pkl"), "wb") as f: f.write(data)
