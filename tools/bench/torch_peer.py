# PyTorch peer of `verification bench`: the same model, built from the same fixture files, run on the same tokens with
# the same batch, dtype (float32) and thread count, computing the same activations as the C# engine in each mode.
# A benchmark peer only, never a product dependency. Run with Debian's python3-torch: /usr/bin/python3.
# Usage: /usr/bin/python3 tools/bench/torch_peer.py --model DIR --tokens FILE --corrupt FILE --batch B --seq T
#        [--threads 2] [--reps 3] [--sweep-reps 1] --out JSON [--logits FILE]
# Token files are int32 little-endian [B*T]; --logits receives the no-cache run's last-position logits (float32 [B, V]).
import argparse, json, math, os, struct, sys, time

ap = argparse.ArgumentParser()
for name in ('--model', '--tokens', '--corrupt', '--out'):
    ap.add_argument(name, required=True)
ap.add_argument('--batch', type=int, required=True)
ap.add_argument('--seq', type=int, required=True)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--reps', type=int, default=3)
ap.add_argument('--sweep-reps', type=int, default=1)
ap.add_argument('--logits')
ap.add_argument('--modes', default='no-cache,full-cache,patterns,sweep')  # as `bench --modes`; gemm is not the peer's
args = ap.parse_args()

os.environ['OMP_NUM_THREADS'] = str(args.threads)
import numpy as np, torch
torch.set_num_threads(args.threads)
torch.set_grad_enabled(False)

cfg = json.load(open(os.path.join(args.model, 'config.json')))


def read_safetensors(path):
    """safetensors: u64 LE header length, JSON header {name: {dtype, shape, data_offsets}}, then raw LE data."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    kinds = {'F32': '<f4', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4'}
    out = {}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        a, b = e['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=kinds[e['dtype']]).reshape(e['shape']).astype('<f4'))
    return out


class Params:
    """Weights in the layout the forward uses: fused W_qkv [d, 3·H·dh] (q|k|v, head-major within each), W_O [H, dh, d]."""

    def __init__(self):
        if os.path.exists(os.path.join(args.model, 'model.safetensors')):
            self.from_gpt2(read_safetensors(os.path.join(args.model, 'model.safetensors')))
        else:
            pth = next(f for f in sorted(os.listdir(args.model)) if f.endswith('.pth'))
            self.from_transformer_lens(torch.load(os.path.join(args.model, pth), map_location='cpu'))

    def from_transformer_lens(self, sd):
        self.L, self.H, self.dh, self.d = cfg['n_layers'], cfg['n_heads'], cfg['d_head'], cfg['d_model']
        self.attn_only, self.act = cfg.get('attn_only', False), cfg.get('act_fn')
        self.W_E, self.W_pos = sd['embed.W_E'], sd['pos_embed.W_pos']
        self.blocks = []
        for l in range(self.L):
            p = f'blocks.{l}.'
            flat = lambda w: w.permute(1, 0, 2).reshape(self.d, -1)  # [H, d, dh] -> [d, H·dh]
            b = dict(ln1=(sd[p + 'ln1.w'], sd[p + 'ln1.b']),
                     W_qkv=torch.cat([flat(sd[p + 'attn.W_' + x]) for x in 'QKV'], 1).contiguous(),
                     b_qkv=torch.cat([sd[p + 'attn.b_' + x].reshape(-1) for x in 'QKV']),
                     W_O=sd[p + 'attn.W_O'].contiguous(), b_O=sd[p + 'attn.b_O'])
            if not self.attn_only:
                b.update(ln2=(sd[p + 'ln2.w'], sd[p + 'ln2.b']), W_in=sd[p + 'mlp.W_in'], b_in=sd[p + 'mlp.b_in'],
                         W_out=sd[p + 'mlp.W_out'], b_out=sd[p + 'mlp.b_out'])
            self.blocks.append(b)
        self.ln_f = (sd['ln_final.w'], sd['ln_final.b'])
        self.W_U, self.b_U = sd['unembed.W_U'].contiguous(), sd['unembed.b_U']

    def from_gpt2(self, sd):
        pre = 'transformer.' if 'transformer.wte.weight' in sd else ''
        self.L, self.H, self.d = cfg['n_layer'], cfg['n_head'], cfg['n_embd']
        self.dh, self.attn_only, self.act = self.d // self.H, False, cfg.get('activation_function', 'gelu_new')
        self.W_E, self.W_pos = sd[pre + 'wte.weight'], sd[pre + 'wpe.weight']
        self.blocks = []
        for l in range(self.L):
            p = f'{pre}h.{l}.'
            self.blocks.append(dict(
                ln1=(sd[p + 'ln_1.weight'], sd[p + 'ln_1.bias']),
                W_qkv=sd[p + 'attn.c_attn.weight'].contiguous(), b_qkv=sd[p + 'attn.c_attn.bias'],
                W_O=sd[p + 'attn.c_proj.weight'].reshape(self.H, self.dh, self.d).contiguous(), b_O=sd[p + 'attn.c_proj.bias'],
                ln2=(sd[p + 'ln_2.weight'], sd[p + 'ln_2.bias']),
                W_in=sd[p + 'mlp.c_fc.weight'], b_in=sd[p + 'mlp.c_fc.bias'],
                W_out=sd[p + 'mlp.c_proj.weight'], b_out=sd[p + 'mlp.c_proj.bias']))
        self.ln_f = (sd[pre + 'ln_f.weight'], sd[pre + 'ln_f.bias'])
        self.W_U = (sd['lm_head.weight'] if 'lm_head.weight' in sd else self.W_E).t().contiguous()
        self.b_U = torch.zeros(self.W_U.shape[1])


P = Params()
EPS = cfg.get('eps', cfg.get('layer_norm_epsilon', 1e-5))
ACT = {'gelu_new': lambda x: torch.nn.functional.gelu(x, approximate='tanh'), 'gelu': torch.nn.functional.gelu,
       'relu': torch.relu}.get(P.act)


def forward(tokens, cache=None, patterns=None, patch=None, last_only=False, start=None, stop=None):
    """The C# engine's forward. cache: dict receiving every hook point's activation (as run_with_cache with
    use_attn_result); patterns: list receiving hook_pattern per layer; patch: (layer, head, clean z) replacing
    that head's hook_z; start: (layer, resid_pre) to resume at that block; stop: return the residual before that block.
    Returns logits [B, T or 1, V]."""
    B, T = tokens.shape
    H, dh, d = P.H, P.dh, P.d
    full = cache is not None

    def hook(name, t):
        if full:
            cache[name] = t
        return t

    def ln(prefix, x, wb):
        if not full:
            return torch.nn.functional.layer_norm(x, (d,), wb[0], wb[1], EPS)
        c = x - x.mean(-1, keepdim=True)
        scale = hook(prefix + '.hook_scale', (c.pow(2).mean(-1, keepdim=True) + EPS).sqrt())
        return hook(prefix + '.hook_normalized', c / scale * wb[0] + wb[1])

    mask = torch.ones(T, T, dtype=torch.bool).triu(1)
    first = 0
    if start is None:
        resid = hook('hook_embed', P.W_E[tokens]) + hook('hook_pos_embed', P.W_pos[:T].expand(B, T, d))
    else:
        first, resid = start
    for l, w in enumerate(P.blocks):
        if l < first:
            continue
        if l == stop:
            return resid
        p = f'blocks.{l}.'
        resid = hook(p + 'hook_resid_pre', resid)
        x = ln(p + 'ln1', resid, w['ln1'])
        q, k, v = (torch.addmm(w['b_qkv'], x.reshape(B * T, d), w['W_qkv'])).view(B, T, 3, H, dh).unbind(2)
        hook(p + 'attn.hook_q', q), hook(p + 'attn.hook_k', k), hook(p + 'attn.hook_v', v)
        scores = torch.matmul(q.transpose(1, 2), k.permute(0, 2, 3, 1)).mul_(1 / math.sqrt(dh))
        scores = hook(p + 'attn.hook_attn_scores', scores.masked_fill_(mask, float('-inf')))
        pattern = hook(p + 'attn.hook_pattern', torch.softmax(scores, -1))
        if patterns is not None:
            patterns.append(pattern)
        z = torch.matmul(pattern, v.transpose(1, 2)).transpose(1, 2)  # [B, T, H, dh]
        if patch is not None and patch[0] == l:
            z = z.clone()
            z[:, :, patch[1]] = patch[2][:, :, patch[1]]
        z = hook(p + 'attn.hook_z', z)
        if full:
            result = hook(p + 'attn.hook_result', torch.einsum('bthk,hkd->bthd', z, w['W_O']))
            attn_out = result.sum(2) + w['b_O']
        else:
            attn_out = torch.addmm(w['b_O'], z.reshape(B * T, H * dh), w['W_O'].view(H * dh, d)).view(B, T, d)
        attn_out = hook(p + 'hook_attn_out', attn_out)
        if P.attn_only:
            resid = hook(p + 'hook_resid_post', resid + attn_out)
            continue
        resid = hook(p + 'hook_resid_mid', resid + attn_out)
        x = ln(p + 'ln2', resid, w['ln2'])
        pre = hook(p + 'mlp.hook_pre', torch.addmm(w['b_in'], x.reshape(B * T, d), w['W_in']).view(B, T, -1))
        post = hook(p + 'mlp.hook_post', ACT(pre))
        mlp_out = hook(p + 'hook_mlp_out', torch.addmm(w['b_out'], post.reshape(B * T, -1), w['W_out']).view(B, T, d))
        resid = hook(p + 'hook_resid_post', resid + mlp_out)
    if last_only:
        resid = resid[:, -1:]
    x = ln('ln_final', resid, P.ln_f)
    return torch.addmm(P.b_U, x.reshape(-1, d), P.W_U).view(B, -1, P.W_U.shape[1])


def load_tokens(path):
    return torch.from_numpy(np.fromfile(path, dtype='<i4').astype(np.int64)).view(args.batch, args.seq)


def best_seconds(fn, reps, warm_up=None):
    (warm_up or fn)()
    best = float('inf')
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def peak_rss_during(fn):
    """(resident bytes before, peak resident bytes while fn runs): reset the kernel's high-water mark, run, read VmHWM."""
    def read(field):
        with open('/proc/self/status') as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field))
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        before = read('VmRSS:')
        fn()
        return before, read('VmHWM:')
    except OSError:
        return None, None


tokens, corrupt = load_tokens(args.tokens), load_tokens(args.corrupt)
n_tokens = args.batch * args.seq
out = {'torch_version': torch.__version__, 'threads': torch.get_num_threads(), 'batch': args.batch, 'seq': args.seq}

logits = forward(tokens)
if args.logits:
    logits[:, -1].contiguous().numpy().astype('<f4').tofile(args.logits)
del logits
wanted = set(args.modes.split(','))
modes = {'no_cache': ('no-cache', lambda: forward(tokens)), 'full_cache': ('full-cache', lambda: forward(tokens, cache={})),
         'patterns_only': ('patterns', lambda: forward(tokens, patterns=[]))}
for mode, (option, fn) in modes.items():
    if option not in wanted:
        continue
    s = best_seconds(fn, args.reps)
    out[mode] = {'tokens_per_s': n_tokens / s, 'seconds': s}
if 'full-cache' in wanted:
    cache = {}
    out['full_cache']['cached_bytes'] = sum(t.numel() * t.element_size() for t in (forward(tokens, cache=cache), *cache.values()))
    del cache
    out['full_cache']['rss_before_bytes'], out['full_cache']['peak_rss_bytes'] = peak_rss_during(lambda: forward(tokens, cache={}))
if 'sweep' not in wanted:
    json.dump(out, open(args.out, 'w'), indent=1)
    sys.exit(0)

clean = {}
forward(tokens, cache=clean)
clean_z = [clean[f'blocks.{l}.attn.hook_z'].clone() for l in range(P.L)]
del clean


def sweep():
    for l in range(P.L):
        for h in range(P.H):
            forward(corrupt, patch=(l, h, clean_z[l]), last_only=True)


def sweep_resumed():
    """One corrupted run keeps each block's input; each patched forward resumes at the patched layer."""
    inputs = [forward(corrupt, stop=0)]
    for l in range(1, P.L):
        inputs.append(forward(corrupt, start=(l - 1, inputs[-1]), stop=l))
    for l in range(P.L):
        for h in range(P.H):
            forward(corrupt, patch=(l, h, clean_z[l]), last_only=True, start=(l, inputs[l]))


warm_up = lambda: forward(corrupt, patch=(0, 0, clean_z[0]), last_only=True)
for key, fn in (('patching_sweep', sweep), ('patching_sweep_resumed', sweep_resumed)):
    s = best_seconds(fn, args.sweep_reps, warm_up)
    out[key] = {'forwards_per_s': P.L * P.H / s, 'forwards': P.L * P.H, 'seconds': s}
json.dump(out, open(args.out, 'w'), indent=1)
