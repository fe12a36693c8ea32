# Builds fixtures/ground-truth/gpt2-small-circuits by setting weights by hand (no training), so its mechanisms are known.
# A Hugging Face GPT-2 (model.safetensors in F16 + config.json, GPT2LMHeadModel names, tied unembedding) at GPT-2 small's
# shape of 12 layers x 12 heads, but small: d_model 96 (d_head 8), n_inner 4, n_positions 128, the fixtures' 4096-token BPE.
#   L4H11 previous-token head: from positions alone (a rank-8 positional kernel, 4 frequencies, peaked at offset 1 by 12
#         logits); its OV copies the attended token's code into PREV;
#   L5H1, L5H5, L6H9, L7H2, L7H10 induction heads (GPT-2 small's published five): query = the current token's code (TOK),
#         key = PREV (K-composition with L4H11), so on [A][B] ... [A] they attend to [B]; and a sink: the query's constant
#         (b_Q) against the BOS flag on the key side, 1.5-2.5 logits below a match, so where no earlier copy exists they
#         attend to BOS; their OV copies the attended token's code into OUT (which the tied unembedding reads: embeddings
#         carry half their code there), and reads nothing at BOS (whose embedding is the flag alone), so their value
#         vectors there are zero.
#   Every other head, every MLP (n_inner 4, all zero) and layers 0-3 and 8-11 do nothing.
# Residual layout: TOK 0:8 | PREV 8:16 | OUT 16:24 | POS 24:36 (4 frequencies x 3 phases) | FLAG 36:38 (+f, -f); 38:96 zero.
# Every code is written through a zero-sum basis (7-dim token codes as 8 entries, each frequency's (cos, sin) as 3, the
# flag as a +/- pair), so each residual vector sums to 0: LayerNorm's centring is exactly a no-op and every non-BOS position
# has the same norm, so one LayerNorm gain per layer (measured on a repeated-random probe) sets the logits.
# Token codes: 4095 seeded random unit vectors in 7 dimensions (seed 20261203): a match scores 1, another token ~N(0, 1/7).
# Broken twins (--twin=NAME), each the ground truth with one mechanism removed or moved:
#   no-bos-sink              the induction heads' query constant is 0: nothing pulls them to BOS;
#   induction-moved          the five induction heads moved to other heads of their layers (5.1->5.8, 5.5->5.0,
#                            6.9->6.3, 7.2->7.6, 7.10->7.4): generic rules still find induction heads, GPT-2 small's names
#                            do not;
#   previous-token-scrambled L4H11's query map composed with a seeded random orthogonal map: it no longer picks the
#                            previous token, so no induction head can form;
#   large-bos-values         the induction heads' W_V also reads the BOS flag into a spare value dimension (written
#                            nowhere: W_O's row for it is zero), so their value vectors at BOS are large (norm 3).
# Usage: /usr/bin/python3 tools/ground_truth/gpt2_small_circuits.py [--twin=NAME] [--report] [OUT_DIR]; then
#        /usr/bin/python3 tools/fixtures/make_reference.py --model-dir=OUT_DIR --short   (float64 references)
import json, math, os, shutil, struct, sys
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
TWINS = ('no-bos-sink', 'induction-moved', 'previous-token-scrambled', 'large-bos-values')
TWIN = next((a.split('=', 1)[1] for a in sys.argv[1:] if a.startswith('--twin=')), None)
assert TWIN in (None,) + TWINS, f'unknown twin {TWIN} (one of {", ".join(TWINS)})'
ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
OUT = ARGS[0] if ARGS else os.path.join(ROOT, 'fixtures', 'ground-truth', 'gpt2-small-circuits' + (f'-{TWIN}' if TWIN else ''))
SEED = 20261203
V, BOS, C, L, H = 4096, 4095, 128, 12, 12
D = 96
DH = D // H                      # 8
KT = DH - 1                      # token-code dimensions (the induction QK needs one more head dimension for the sink)
N_INNER = 4
NF = DH // 2                     # positional frequencies (the previous-token QK uses two head dimensions per frequency)
TOK, PREV, OUTS = slice(0, KT + 1), slice(KT + 1, 2 * KT + 2), slice(2 * KT + 2, 3 * KT + 3)
POS = slice(3 * KT + 3, 3 * KT + 3 + 3 * NF)
FLAG = slice(POS.stop, POS.stop + 2)
PREV_HEAD = (4, 11)
INDUCTION = [(5, 1), (5, 5), (6, 9), (7, 2), (7, 10)]
MOVED = {(5, 1): (5, 8), (5, 5): (5, 0), (6, 9): (6, 3), (7, 2): (7, 6), (7, 10): (7, 4)}
A_T, A_O, F_BOS = 1.0, 0.5, 1.0     # amplitudes: TOK code, OUT code in the embedding, BOS flag
PREV_MARGIN = 12.0                   # logits between offset 1 and the next-best offset (L4H11)
# Induction heads' attention logits: (a key whose PREV is the query's token, BOS); a little different per head.
LOGITS = {(5, 1): (30.0, 28.0), (5, 5): (28.0, 26.5), (6, 9): (32.0, 29.5), (7, 2): (30.0, 28.5), (7, 10): (29.0, 27.0)}
VALUE_NORM, OUT_GAIN = 1.0, 0.15     # induction heads: value-vector norm, and the share of it W_O writes into OUT
BOS_VALUE_NORM = 3.0                 # twin large-bos-values: value-vector norm at BOS
f64 = torch.float64
g = torch.Generator().manual_seed(SEED)


def zero_sum_basis(n):
    """[n, n-1]: an orthonormal basis of the vectors of R^n whose entries sum to 0."""
    a = torch.eye(n, dtype=f64) - 1.0 / n
    u, _, _ = torch.linalg.svd(a)
    return u[:, :n - 1]


# Every code is written in a subspace through a zero-sum basis, so each residual vector sums to 0 and LayerNorm's centring
# is exactly a no-op; every non-BOS position then has the same norm, so one LayerNorm gain per layer describes them all.
U = zero_sum_basis(KT + 1)                        # [8, 7]: a 7-dim token code as 8 residual entries
P3 = zero_sum_basis(3)                            # [3, 2]: a frequency's (cos, sin) as 3 residual entries
CODES = torch.randn(V - 1, KT, generator=g, dtype=f64)
CODES = CODES / CODES.norm(dim=1, keepdim=True)   # random unit codes: another token's cosine is ~N(0, 1/7) against a match's 1


def frequencies():
    """NF frequencies whose kernel sum_k cos(w_k (d - 1)) peaks at d = 1 by the widest margin over d in 0..C-1 (seeded search)."""
    r = torch.Generator().manual_seed(SEED + 1)
    d = torch.arange(C, dtype=f64)
    best, best_w = -1.0, None
    for _ in range(20000):
        w = 0.01 + (math.pi - 0.01) * torch.rand(NF, generator=r, dtype=f64)
        k = torch.cos(torch.outer(d - 1, w)).sum(1)
        m = (k[1] - torch.cat([k[:1], k[2:]]).max()).item()
        if m > best:
            best, best_w = m, w
    return best_w, best


OMEGA, KERNEL_MARGIN = frequencies()

z = lambda *s: torch.zeros(*s, dtype=f64)
W_E, W_pos = z(V, D), z(C, D)
W_E[:V - 1, TOK] = A_T * CODES @ U.T
W_E[:V - 1, OUTS] = A_O * CODES @ U.T
W_E[BOS, FLAG] = torch.tensor([F_BOS, -F_BOS], dtype=f64) / math.sqrt(2)
p = torch.arange(C, dtype=f64)[:, None]
for k in range(NF):
    cs = torch.cat([torch.cos(OMEGA[k] * p), torch.sin(OMEGA[k] * p)], 1)   # [C, 2]
    W_pos[:, POS.start + 3 * k:POS.start + 3 * k + 3] = cs @ P3.T
W_Q, W_K, W_V, W_O = z(L, H, D, DH), z(L, H, D, DH), z(L, H, D, DH), z(L, H, DH, D)
b_Q = z(L, H, DH)
FLAG_READ = torch.tensor([1.0, -1.0], dtype=f64) / math.sqrt(2)   # reads F_BOS back from the flag pair


def ln(x):
    mu = x.mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(((x - mu) ** 2).mean(-1, keepdim=True) + 1e-5)


def run_layers(tokens, upto):
    """Residual stream before layer `upto` (float64, zero MLPs and biases as built), for the LayerNorm gains."""
    x = W_E[tokens] + W_pos[:tokens.shape[-1]]
    T = tokens.shape[-1]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for l in range(upto):
        h = ln(x)
        for hd in range(H):
            q, k, v = h @ W_Q[l, hd] + b_Q[l, hd], h @ W_K[l, hd], h @ W_V[l, hd]
            a = torch.softmax(((q @ k.transpose(-1, -2)) / math.sqrt(DH)).masked_fill(~mask, float('-inf')), -1)
            x = x + (a @ v) @ W_O[l, hd]
    return x


_r = torch.randint(0, V - 1, (16, 25), generator=g)
PROBE = torch.cat([torch.full((16, 1), BOS), _r, _r], 1)   # repeated random tokens: the induction heads' own input


def gains(layer):
    """LayerNorm's gain sqrt(D)/|x - mean| at the input of `layer`: (mean over positions 2.., at BOS)."""
    x = run_layers(PROBE, layer)
    n = math.sqrt(D) / (x - x.mean(-1, keepdim=True)).norm(dim=-1)
    return n[:, 2:].mean().item(), n[:, 0].mean().item()


# L4H11: query = position rotated back one step (kernel peaked at offset 1), key = position; OV copies TOK into PREV.
l, h = PREV_HEAD
G, _ = gains(l)
scale = PREV_MARGIN / KERNEL_MARGIN * math.sqrt(DH) / (G * G)
for k, w in enumerate(OMEGA.tolist()):
    c, s = math.cos(w), math.sin(w)
    rows = slice(POS.start + 3 * k, POS.start + 3 * k + 3)
    rot = torch.tensor([[c, -s], [s, c]], dtype=f64)   # (cos a, sin a) -> (cos(a - w), sin(a - w)) as a row vector
    W_Q[l, h, rows, 2 * k:2 * k + 2] = P3 @ rot * scale
    W_K[l, h, rows, 2 * k:2 * k + 2] = P3
if TWIN == 'previous-token-scrambled':
    q, _ = torch.linalg.qr(torch.randn(DH, DH, generator=torch.Generator().manual_seed(SEED + 2), dtype=f64))
    W_Q[l, h, POS, :] = W_Q[l, h, POS, :] @ q
W_V[l, h, TOK, :KT] = U / (G * A_T)
W_O[l, h, :KT, PREV] = U.T

# Induction heads, layer by layer (each layer's gains measured with the layers below it built).
for layer in (5, 6, 7):
    G, G_BOS = gains(layer)
    for (l, h) in INDUCTION:
        if l != layer:
            continue
        match, sink = LOGITS[(l, h)]
        if TWIN == 'induction-moved':
            l, h = MOVED[(l, h)]
        qk = math.sqrt(match * math.sqrt(DH)) / G
        W_Q[l, h, TOK, :KT] = U * qk / A_T
        W_K[l, h, PREV, :KT] = U * qk
        W_K[l, h, FLAG, KT] = FLAG_READ / (G_BOS * F_BOS)
        b_Q[l, h, KT] = 0.0 if TWIN == 'no-bos-sink' else sink * math.sqrt(DH)
        W_V[l, h, TOK, :KT] = U * VALUE_NORM / (G * A_T)
        W_O[l, h, :KT, OUTS] = U.T * OUT_GAIN
        if TWIN == 'large-bos-values':
            W_V[l, h, FLAG, KT] = FLAG_READ * BOS_VALUE_NORM / (G_BOS * F_BOS)   # W_O's row KT stays zero: written nowhere


def state_dict():
    sd = {'wte.weight': W_E, 'wpe.weight': W_pos}
    for l in range(L):
        pre = f'h.{l}.'
        heads = lambda t: t[l].permute(1, 0, 2).reshape(D, H * DH)   # [H, D, DH] -> [D, (H DH)]
        sd[pre + 'ln_1.weight'], sd[pre + 'ln_1.bias'] = torch.ones(D, dtype=f64), z(D)
        sd[pre + 'attn.c_attn.weight'] = torch.cat([heads(W_Q), heads(W_K), heads(W_V)], 1)
        sd[pre + 'attn.c_attn.bias'] = torch.cat([b_Q[l].reshape(-1), z(D), z(D)])
        sd[pre + 'attn.c_proj.weight'] = W_O[l].reshape(H * DH, D)
        sd[pre + 'attn.c_proj.bias'] = z(D)
        sd[pre + 'ln_2.weight'], sd[pre + 'ln_2.bias'] = torch.ones(D, dtype=f64), z(D)
        sd[pre + 'mlp.c_fc.weight'], sd[pre + 'mlp.c_fc.bias'] = z(D, N_INNER), z(N_INNER)
        sd[pre + 'mlp.c_proj.weight'], sd[pre + 'mlp.c_proj.bias'] = z(N_INNER, D), z(D)
    sd['ln_f.weight'], sd['ln_f.bias'] = torch.ones(D, dtype=f64), z(D)
    return {k: v.to(torch.float16).contiguous() for k, v in sd.items()}


def write_safetensors(path, tensors):
    """safetensors by hand (F16: half the bytes of F32, as many Hugging Face checkpoints ship; sorted names, header padded to 8)."""
    header, blobs, off = {'__metadata__': {'format': 'pt'}}, [], 0
    for name in sorted(tensors):
        b = tensors[name].numpy().astype('<f2').tobytes()
        header[name] = {'dtype': 'F16', 'shape': list(tensors[name].shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    hb = json.dumps(header, separators=(',', ':')).encode()
    hb += b' ' * (-len(hb) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(hb)) + hb + b''.join(blobs))


def main():
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, 'model.safetensors'), state_dict())
    cfg = {
        'model_type': 'gpt2', 'architectures': ['GPT2LMHeadModel'], 'n_embd': D, 'n_head': H, 'n_layer': L, 'n_inner': N_INNER,
        'n_positions': C, 'n_ctx': C, 'vocab_size': V, 'activation_function': 'gelu_new', 'layer_norm_epsilon': 1e-05,
        'bos_token_id': BOS, 'eos_token_id': BOS, 'tie_word_embeddings': True, 'torch_dtype': 'float16',
        'ground_truth': {
            'command': '/usr/bin/python3 tools/ground_truth/gpt2_small_circuits.py' + (f' --twin={TWIN}' if TWIN else ''),
            'seed': SEED,
            'mechanisms': {
                'L4H11': f'previous token: positional kernel peaked at offset 1 by {PREV_MARGIN} logits; OV copies TOK into PREV',
                'induction': {f'L{l}H{h}': f'query TOK against key PREV (match logit {m}), BOS sink logit {s}; OV copies TOK into OUT'
                              for (l, h), (m, s) in LOGITS.items()},
                'other heads and MLPs': 'zero',
            },
            'twin': TWIN or 'none (the ground truth itself)',
        },
        'stand_in': 'hand-built ground truth, not trained weights',
    }
    json.dump(cfg, open(os.path.join(OUT, 'config.json'), 'w'), indent=1)
    for f in ('vocab.json', 'merges.txt'):
        shutil.copy(os.path.join(ROOT, 'fixtures', 'tokenizer', f), os.path.join(OUT, f))
    print(f'wrote {OUT} (positional kernel margin {KERNEL_MARGIN:.3f} at frequencies {[round(w, 4) for w in OMEGA.tolist()]})')
    if '--report' in sys.argv:
        report()


def report():
    """What the claims will measure, from this script's own float64 forward (a quick look; the references are make_reference.py's)."""
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
    from bpe import BPE
    torch.manual_seed(1234)
    r = torch.randint(0, V - 1, (32, 25))
    rrt = torch.cat([torch.full((32, 1), BOS), r, r], 1)
    pats = patterns(rrt)
    n = 25
    ind = torch.stack([torch.diagonal(pats[:, l], offset=-(n - 1), dim1=-2, dim2=-1).mean((0, -1)) for l in range(L)])
    print('induction >= 0.2:', [(f'L{l}H{h}', round(ind[l, h].item(), 3)) for l in range(L) for h in range(H) if ind[l, h] >= 0.2])
    prev = torch.stack([torch.diagonal(pats[:, l], offset=-1, dim1=-2, dim2=-1).mean((0, -1)) for l in range(L)])
    print('previous-token >= 0.2:', [(f'L{l}H{h}', round(prev[l, h].item(), 3)) for l in range(L) for h in range(H) if prev[l, h] >= 0.2])
    tok = BPE(os.path.join(ROOT, 'fixtures', 'tokenizer', 'vocab.json'), os.path.join(ROOT, 'fixtures', 'tokenizer', 'merges.txt'))
    ids = tok.encode(open(os.path.join(ROOT, 'fixtures', 'corpus', 'eval-english.txt'), encoding='utf-8').read())
    rows, at = [], 0
    for _ in range(8):
        row, seen = [BOS], {BOS}
        while len(row) < 128:
            t = ids[at]; at += 1
            if t not in seen:
                seen.add(t); row.append(t)
        rows.append(row)
    natural = [[BOS] + ids[i * 1000:i * 1000 + 127] for i in range(8)]
    heads = [MOVED[x] if TWIN == 'induction-moved' else x for x in INDUCTION]
    for name, rws in (('repeat-free', rows), ('natural', natural)):
        pt = patterns(torch.tensor(rws))
        print(name, 'BOS attention:', [(f'L{l}H{h}', round(pt[:, l, h, 1:, 0].mean().item(), 3)) for l, h in heads])
    vals = values(torch.tensor(rows), heads)
    print('value norm ratio BOS/other:', [(f'L{l}H{h}', round(r, 3)) for (l, h), r in zip(heads, vals)])


def forward(tokens, want_values=()):
    x = W_E[tokens] + W_pos[:tokens.shape[-1]]
    T = tokens.shape[-1]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    pats, vals = [], {}
    for l in range(L):
        hn = ln(x)
        lp = []
        for hd in range(H):
            q, k, v = hn @ W_Q[l, hd] + b_Q[l, hd], hn @ W_K[l, hd], hn @ W_V[l, hd]
            a = torch.softmax(((q @ k.transpose(-1, -2)) / math.sqrt(DH)).masked_fill(~mask, float('-inf')), -1)
            lp.append(a)
            if (l, hd) in want_values:
                vals[(l, hd)] = v
            x = x + (a @ v) @ W_O[l, hd]
        pats.append(torch.stack(lp, 1))
    return torch.stack(pats, 1), vals


def patterns(tokens):
    return forward(tokens)[0]


def values(tokens, heads):
    _, vals = forward(tokens, set(heads))
    out = []
    for hd in heads:
        nrm = vals[hd].norm(dim=-1)
        out.append((nrm[:, 0] / nrm[:, 1:].mean(-1)).mean().item())
    return out


if __name__ == '__main__':
    main()
