# Builds fixtures/ground-truth/attn-only-2l-circuits by setting weights by hand (no training), so its mechanisms are known:
#   L0H3 previous-token head (mostly offset 1; a little offset 0, offset 2 and BOS), from positions alone;
#   L0H0 look-back-two head (offsets 1..4, peaking at 2), from positions alone;
#   both write the attended token's embedding into their own residual subspace (PREV, LOOK);
#   L1H6 induction head: query = current token (+ its own LOOK window), key = PREV (+ LOOK): K-composition with both;
#   L1H6's OV copies the attended token into OUT, and W_U reads OUT against the token embeddings (near neighbours by cosine);
#   token embedding norms vary by token, so copying strength depends on the token. The other heads are zero.
# Residual layout (d_model 384): TOK 0:64 | POS 64:128 | PREV 128:192 | LOOK 192:256 | OUT 256:320 | BOS flag 320.
# Broken twin (--twin=no-previous-token): the same weights except L0H3's query map, which gives every offset the same logit
# (its QK no longer picks the previous token), so PREV holds an average of the earlier tokens instead of the previous one.
# Usage: /usr/bin/python3 tools/ground_truth/attn_only_2l_circuits.py [--twin=no-previous-token] [OUT_DIR]; then
#        /usr/bin/python3 tools/fixtures/make_reference.py --model-dir=OUT_DIR   (float64 references for the parity tests)
import json, math, os, shutil, sys
from collections import OrderedDict
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
TWIN = next((a.split('=', 1)[1] for a in sys.argv[1:] if a.startswith('--twin=')), None)
assert TWIN in (None, 'no-previous-token'), f'unknown twin {TWIN}'
ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
OUT = ARGS[0] if ARGS else os.path.join(ROOT, 'fixtures', 'ground-truth', 'attn-only-2l-circuits' + (f'-{TWIN}' if TWIN else ''))
V, BOS, C, D, H, DH, L = 4096, 4095, 128, 384, 8, 64, 2
TOK, POS, PREV, LOOK, OUTS, FLAG = slice(0, 64), slice(64, 128), slice(128, 192), slice(192, 256), slice(256, 320), 320
PREV_HEAD, LOOK_HEAD, IND_HEAD = 3, 0, 6
g = torch.Generator().manual_seed(20261202)
f64 = torch.float64

# Token embeddings: random directions in TOK, norms 0.4..1.6 by token (token-dependent copying); BOS is the flag alone.
E = torch.randn(V, 64, generator=g, dtype=f64)
E = E / E.norm(dim=1, keepdim=True) * (0.4 + 1.2 * torch.rand(V, 1, generator=g, dtype=f64))
W_E = torch.zeros(V, D, dtype=f64)
W_E[:, TOK] = E
W_E[BOS, TOK] = 0
W_E[BOS, FLAG] = 1.0
# Positions: 32 frequency pairs in POS (norm 1); a rotation by d steps moves position i onto i - d.
omega = math.pi * (torch.arange(32, dtype=f64) + 0.5) / 32  # sum_k cos(omega_k m) = 0 for 0 < |m| < 64: an exact delta over offsets
W_pos = torch.zeros(C, D, dtype=f64)
i = torch.arange(C, dtype=f64)[:, None]
W_pos[:, 64:128:2] = torch.cos(omega * i) / math.sqrt(32)
W_pos[:, 65:128:2] = torch.sin(omega * i) / math.sqrt(32)


def shift(d):
    """[64, 64] map R with (p_i R) . p_j = K(i - d - j), K peaked at 0: rotates each frequency pair back by d steps."""
    R = torch.zeros(64, 64, dtype=f64)
    for k in range(32):
        c, s = math.cos(omega[k] * d), -math.sin(omega[k] * d)
        R[2 * k, 2 * k], R[2 * k, 2 * k + 1], R[2 * k + 1, 2 * k], R[2 * k + 1, 2 * k + 1] = c, s, -s, c
    return R * 32  # (p_i R).p_j = sum_k cos(omega_k (i - d - j)) -> 32 at the peak; scaled back below


z = lambda *s: torch.zeros(*s, dtype=f64)
W_Q, W_K, W_V, W_O = z(L, H, D, DH), z(L, H, D, DH), z(L, H, D, DH), z(L, H, DH, D)
b_Q, b_K, b_V, b_O = z(L, H, DH), z(L, H, DH), z(L, H, DH), z(L, D)
G0 = math.sqrt(D / 2.0)  # LayerNorm's gain on a layer-0 residual of norm about sqrt(2) (token + position)


def positional_head(h, logits_by_offset, bos_logit, write):
    """A layer-0 head whose score for key j at query i is logits_by_offset[i - j] (position only) and bos_logit at BOS; its OV writes TOK into `write`."""
    A = sum((w * shift(d) for d, w in logits_by_offset.items()), torch.zeros(64, 64, dtype=f64)) / 32
    scale = math.sqrt(DH) / (G0 * G0)
    W_Q[0, h, POS, :] = A * scale
    W_K[0, h, POS, :] = torch.eye(64, dtype=f64)
    # BOS: a constant query component (b_Q) against the flag (key side): bos_logit wherever the key is BOS.
    b_Q[0, h, 0] = 0.0
    W_K[0, h, FLAG, 63] = 1.0
    b_Q[0, h, 63] = bos_logit * math.sqrt(DH) / G0
    # OV: copy the attended token embedding into its own subspace (undoing LayerNorm's gain).
    W_V[0, h, TOK, :] = torch.eye(64, dtype=f64) / G0
    W_O[0, h, :, write] = torch.eye(64, dtype=f64)


positional_head(PREV_HEAD, {} if TWIN == 'no-previous-token' else {1: 9.0, 0: 5.0, 2: 5.0}, 5.0, PREV)
positional_head(LOOK_HEAD, {1: 6.0, 2: 7.5, 3: 6.0, 4: 5.0}, 2.0, LOOK)


def ln(x):
    mu = x.mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(((x - mu) ** 2).mean(-1, keepdim=True) + 1e-5)


def layer0(tokens):
    x = W_E[tokens] + W_pos[:tokens.shape[-1]]
    h = ln(x)
    T = tokens.shape[-1]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    out = x.clone()
    for hd in range(H):
        q, k, v = h @ W_Q[0, hd] + b_Q[0, hd], h @ W_K[0, hd] + b_K[0, hd], h @ W_V[0, hd] + b_V[0, hd]
        s = (q @ k.transpose(-1, -2)) / math.sqrt(DH)
        a = torch.softmax(s.masked_fill(~mask, float('-inf')), -1)
        out = out + (a @ v) @ W_O[0, hd]
    return out


# Layer 1 gain: measured on random sequences through the layer just built.
probe = torch.randint(0, V - 1, (16, 60), generator=g)
probe[:, 0] = BOS
r1 = layer0(probe)[:, 1:]
G1 = (math.sqrt(D) / (r1 - r1.mean(-1, keepdim=True)).norm(dim=-1)).mean().item()

# L1H6: query = current token (TOK) + its LOOK window, key = PREV + LOOK: K-composition with L0H3 (PREV) and L0H0 (LOOK).
IND_LOGIT, LOOK_WEIGHT = 14.0, 0.6
sq = math.sqrt(math.sqrt(DH) * IND_LOGIT) / G1
W_Q[1, IND_HEAD, TOK, :] = torch.eye(64, dtype=f64) * sq
W_K[1, IND_HEAD, PREV, :] = torch.eye(64, dtype=f64) * sq
W_Q[1, IND_HEAD, LOOK, :] += torch.eye(64, dtype=f64) * sq * math.sqrt(LOOK_WEIGHT)
W_K[1, IND_HEAD, LOOK, :] += torch.eye(64, dtype=f64) * sq * math.sqrt(LOOK_WEIGHT)
W_V[1, IND_HEAD, TOK, :] = torch.eye(64, dtype=f64) / G1
W_O[1, IND_HEAD, :, OUTS] = torch.eye(64, dtype=f64)
# Unembedding: ln_final, then OUT against the token embeddings (their cosine neighbours are the near-B tokens).
GF = G1 * 0.9
U_SCALE = 12.0
W_U = torch.zeros(D, V, dtype=f64)
W_U[OUTS, :] = E.T / E.norm(dim=1) * U_SCALE / GF
W_U[OUTS, BOS] = 0
b_U = torch.zeros(V, dtype=f64)

sd = OrderedDict()
sd['embed.W_E'] = W_E
sd['pos_embed.W_pos'] = W_pos
for l in range(L):
    p = f'blocks.{l}.'
    sd[p + 'ln1.w'], sd[p + 'ln1.b'] = torch.ones(D, dtype=f64), torch.zeros(D, dtype=f64)
    for n, t in zip('QKV', (W_Q, W_K, W_V)):
        sd[p + f'attn.W_{n}'] = t[l]
    sd[p + 'attn.W_O'] = W_O[l]
    for n, t in zip('QKV', (b_Q, b_K, b_V)):
        sd[p + f'attn.b_{n}'] = t[l]
    sd[p + 'attn.b_O'] = b_O[l]
sd['ln_final.w'], sd['ln_final.b'] = torch.ones(D, dtype=f64), torch.zeros(D, dtype=f64)
sd['unembed.W_U'], sd['unembed.b_U'] = W_U, b_U
sd = OrderedDict((k, v.to(torch.float32).contiguous()) for k, v in sd.items())
mask = torch.ones(C, C, dtype=torch.bool).tril()
for l in range(L):
    sd[f'blocks.{l}.attn.mask'] = mask
    sd[f'blocks.{l}.attn.IGNORE'] = torch.tensor(-1e5)

os.makedirs(OUT, exist_ok=True)
torch.save(sd, os.path.join(OUT, 'model_final.pth'))
cfg = {
    'n_layers': L, 'd_model': D, 'd_head': DH, 'n_heads': H, 'd_mlp': None, 'd_vocab': V, 'n_ctx': C, 'act_fn': None,
    'attn_only': True, 'normalization_type': 'LN', 'positional_embedding_type': 'standard', 'eps': 1e-05,
    'original_architecture': 'neel', 'tokenizer_name': 'truncated-gpt2-4096', 'default_prepend_bos': True, 'bos_token_id': BOS,
    'ground_truth': {
        'command': '/usr/bin/python3 tools/ground_truth/attn_only_2l_circuits.py',
        'seed': 20261202,
        'mechanisms': {'L0H3': 'previous token (logits offset 1: 9, offsets 0 and 2: 5, BOS: 5)',
                       'L0H0': 'look back two (logits offsets 1: 6, 2: 7.5, 3: 6, 4: 5; BOS 2)',
                       'L1H6': f'induction: query TOK (+{LOOK_WEIGHT} LOOK) against key PREV (+ LOOK), logit {IND_LOGIT}; OV copies TOK to OUT',
                       'unembed': f'OUT against unit token embeddings x {U_SCALE}', 'other heads': 'zero'},
        'layer1_gain': G1,
        'twin': TWIN or 'none (the ground truth itself)',
    },
    'stand_in': 'hand-built ground truth, not trained weights',
}
json.dump(cfg, open(os.path.join(OUT, 'config.json'), 'w'), indent=1)
for f in ('vocab.json', 'merges.txt'):
    shutil.copy(os.path.join(ROOT, 'fixtures', 'tokenizer', f), os.path.join(OUT, f))
print(f'wrote {OUT} (layer-1 gain {G1:.3f})')
