# Builds fixtures/ground-truth/chronos-t5-circuits: a Hugging Face T5 with a Chronos config (4096 value tokens) whose
# weights are set by hand (no training), so the K1-K3 mechanisms are known:
#   encoder L0H0   previous-token head, from the relative position bias alone (the bucket of offset -1); its OV copies the
#                  token's direction (TOK) of the previous position into PREV;
#   encoder L1H1-6 induction heads: the query reads the current token (TOK), the key reads PREV, so a key matches when the
#                  token before it is the query's token (K-composition with L0H0). The relative bias blocks the key itself,
#                  every later key and the keys closer than a window w_h, and lowers older keys by gamma_h per position of
#                  distance (recency). So a head sees the most recent copy only when the repeated segment is longer than its
#                  window (longer sequences: more heads), and the more earlier copies there are the more its attention
#                  spreads over them (more repetitions: fewer heads), K2's two trends; on a multisine the matches recur
#                  once per period, so their attention row is a comb (K3).
#   Everything else is zero: feed-forward layers, the decoder's attention, the other heads' QKV and O.
# T5 shares block 0's bias table across the layers of a stack, so L1H0 is a previous-token head too (its OV is zero), and
# L0H1-6 attend by recency alone (their QK is zero).
# Residual (d_model 64): TOK 0:32 | PREV 32:64. Token directions: random +-1/sqrt(32) vectors (seed 20261212).
# Broken twin (--twin=scrambled-induction-qk): the same weights except L1H1-6's query map, which sends TOK through a fixed
# random signed permutation, so the query no longer matches its own token's copies (the QK circuit of the induction heads
# is scrambled; their position bias, and every other weight, is unchanged).
# Weights go into pytorch_model.bin (torch.save layout; entries re-written with zip DEFLATE but for the embedding, which stays
# stored to keep the file within the loader's 16x inflation limit); then the float64 references (t5_reference.forward) on a short repeated-random-token input go to reference.safetensors.
# Usage: /usr/bin/python3 tools/ground_truth/chronos_t5_circuits.py [--twin=scrambled-induction-qk] [OUT_DIR]
import io, json, math, os, sys, zipfile
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
import t5_reference as ref  # noqa: E402  (the independent float64 T5 forward)

TWIN = next((a.split('=', 1)[1] for a in sys.argv[1:] if a.startswith('--twin=')), None)
assert TWIN in (None, 'scrambled-induction-qk'), f'unknown twin {TWIN}'
ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
OUT = ARGS[0] if ARGS else os.path.join(ROOT, 'fixtures', 'ground-truth', 'chronos-t5-circuits' + (f'-{TWIN}' if TWIN else ''))

V, D, H, DKV, FF, NB, MD = 4096, 64, 8, 32, 8, 32, 128
TOK, PREV = slice(0, 32), slice(32, 64)
PREV_HEAD, INDUCTION_HEADS = 0, (1, 2, 3, 4, 5, 6)
WINDOW = {1: 1, 2: 2, 3: 3, 4: 5, 5: 7, 6: 8}                   # nearest key distance a head may attend to
GAMMA = {1: 0.004, 2: 0.01, 3: 0.02, 4: 0.04, 5: 0.07, 6: 0.12}  # recency: logit lost per position of distance
MATCH_LOGIT, PREV_LOGIT, BLOCK, SELF = 24.0, 24.0, -60.0, -10.0
CONFIG = dict(vocab_size=V, d_model=D, d_kv=DKV, d_ff=FF, num_layers=2, num_decoder_layers=1, num_heads=H,
              relative_attention_num_buckets=NB, relative_attention_max_distance=MD, feed_forward_proj='relu',
              tie_word_embeddings=True)
g = torch.Generator().manual_seed(20261212)
f64 = torch.float64

# Token directions: +-1/sqrt(32) in TOK (unit norm; cosines of two tokens are multiples of 1/16).
E = (torch.randint(0, 2, (V, 32), generator=g, dtype=f64) * 2 - 1) / math.sqrt(32)
shared = torch.zeros(V, D, dtype=f64)
shared[:, TOK] = E

z = lambda *s: torch.zeros(*s, dtype=f64)
W = {'shared.weight': shared}


def attn(prefix):
    for n in 'qkvo':
        W[f'{prefix}.{n}.weight'] = z(H * DKV, D) if n != 'o' else z(D, H * DKV)


def head(h):
    return slice(h * DKV, (h + 1) * DKV)


for l in range(2):
    p = f'encoder.block.{l}.layer'
    attn(p + '.0.SelfAttention')
    W[p + '.1.DenseReluDense.wi.weight'] = z(FF, D)
    W[p + '.1.DenseReluDense.wo.weight'] = z(D, FF)
    W[p + '.1.layer_norm.weight'] = torch.ones(D, dtype=f64)
# RMS norm gains that undo the norm: a layer-0 residual is a unit TOK vector (rms 1/8); a layer-1 one adds a unit PREV (rms 1/sqrt(32)).
W['encoder.block.0.layer.0.layer_norm.weight'] = torch.full((D,), 1 / 8.0, dtype=f64)
W['encoder.block.1.layer.0.layer_norm.weight'] = torch.full((D,), 1 / math.sqrt(32), dtype=f64)
W['encoder.final_layer_norm.weight'] = torch.ones(D, dtype=f64)

# L0H0: OV copies TOK into PREV; its attention comes from the bias table below.
W['encoder.block.0.layer.0.SelfAttention.v.weight'][head(PREV_HEAD), TOK] = torch.eye(32, dtype=f64)
W['encoder.block.0.layer.0.SelfAttention.o.weight'][PREV, head(PREV_HEAD)] = torch.eye(32, dtype=f64)

# L1H1-6: score = MATCH_LOGIT * cos(TOK of the query, PREV of the key).
a = math.sqrt(MATCH_LOGIT)
scramble = None
if TWIN == 'scrambled-induction-qk':
    gs = torch.Generator().manual_seed(20261213)
    scramble = torch.eye(32, dtype=f64)[torch.randperm(32, generator=gs)] * (torch.randint(0, 2, (32, 1), generator=gs, dtype=f64) * 2 - 1)
for h in INDUCTION_HEADS:
    q = torch.eye(32, dtype=f64) * a
    W['encoder.block.1.layer.0.SelfAttention.q.weight'][head(h), TOK] = q if scramble is None else scramble @ q
    W['encoder.block.1.layer.0.SelfAttention.k.weight'][head(h), PREV] = torch.eye(32, dtype=f64) * a


def bucket_of(rel):
    return int(ref.bucket(torch.tensor([rel]), True, NB, MD)[0])


# Encoder relative bias [bucket, head]: the smallest backward distance of each bucket sets its recency penalty.
bias = z(NB, H)
dmin = {}
for d in range(1, 4 * MD):
    dmin.setdefault(bucket_of(-d), d)
bias[bucket_of(-1), PREV_HEAD] = PREV_LOGIT
for h in INDUCTION_HEADS:
    for b in range(NB):
        bias[b, h] = -GAMMA[h] * dmin[b] if b in dmin and dmin[b] >= WINDOW[h] else BLOCK  # later and too-near keys blocked
    bias[bucket_of(0), h] = SELF  # the key itself: where the attention goes when every earlier key is too near (a no-op)
W['encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight'] = bias

p = 'decoder.block.0.layer'
attn(p + '.0.SelfAttention')
attn(p + '.1.EncDecAttention')
W[p + '.0.SelfAttention.relative_attention_bias.weight'] = z(NB, H)
for i in range(3):
    W[f'{p}.{i}.layer_norm.weight'] = torch.ones(D, dtype=f64)
W[p + '.2.DenseReluDense.wi.weight'] = z(FF, D)
W[p + '.2.DenseReluDense.wo.weight'] = z(D, FF)
W['decoder.final_layer_norm.weight'] = torch.ones(D, dtype=f64)


def save_deflated(state, path, stored):
    """torch.save, then the zip entries re-written with DEFLATE (torch.load and our reader both read it), except the storage
    of `stored`, kept as is: the loader refuses a file that would inflate more than 16x (a zip bomb), and the mostly-zero
    matrices alone would."""
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    keep = {f'data/{i}' for i, k in enumerate(state) if k == stored}
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            out.compress_type = zipfile.ZIP_STORED if any(info.filename.endswith('/' + k) for k in keep) else zipfile.ZIP_DEFLATED
            dst.writestr(out, src.read(info.filename))


def rrt(length, reps, gen, low=1910, high=2187):
    pattern = torch.randint(low, high + 1, (length,), generator=gen)
    enc = torch.cat([pattern.repeat(reps), pattern[:1], torch.tensor([1])])
    dec = torch.tensor([0, int(pattern[1])])
    return enc, dec


def main():
    os.makedirs(OUT, exist_ok=True)
    state = {k: t.to(torch.float32).contiguous() for k, t in W.items()}
    save_deflated(state, os.path.join(OUT, 'pytorch_model.bin'), stored='shared.weight')
    cfg = dict(CONFIG, model_type='t5', architectures=['T5ForConditionalGeneration'], layer_norm_epsilon=1e-6,
               decoder_start_token_id=0, pad_token_id=0, eos_token_id=1, is_encoder_decoder=True,
               chronos_config=dict(tokenizer_class='MeanScaleUniformBins', tokenizer_kwargs=dict(low_limit=-15.0, high_limit=15.0),
                                   n_tokens=V, n_special_tokens=2, pad_token_id=0, eos_token_id=1, use_eos_token=True,
                                   model_type='seq2seq', context_length=512, prediction_length=64, num_samples=20,
                                   temperature=1.0, top_k=50, top_p=1.0),
               ground_truth=dict(built_by='tools/ground_truth/chronos_t5_circuits.py' + (f' --twin={TWIN}' if TWIN else ''),
                                 previous_token_head='encoder L0H0',
                                 induction_heads=[] if TWIN else [f'encoder L1H{h}' for h in INDUCTION_HEADS],
                                 window={f'L1H{h}': WINDOW[h] for h in INDUCTION_HEADS},
                                 recency_per_position={f'L1H{h}': GAMMA[h] for h in INDUCTION_HEADS}))
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump(cfg, f, indent=2)
    # float64 reference on one repeated-random-token input (length 6, twice, then A, then EOS; decoder <start> B).
    gen = torch.Generator().manual_seed(7)
    enc, dec = rrt(6, 2, gen)
    c = dict(CONFIG)
    logits, cache = ref.forward({k: t.to(torch.float32) for k, t in W.items()}, c, enc[None], dec[None], torch.ones(1, len(enc), dtype=torch.bool))
    keep = {k: v for k, v in cache.items() if k.endswith(('hook_pattern', 'hook_resid_post')) or k.startswith('encoder_final_ln.hook_normalized')}
    refs = {'encoder_tokens': enc, 'decoder_tokens': dec, 'logits': logits}
    refs.update(keep)
    ref.write_safetensors(os.path.join(OUT, 'reference.safetensors'), refs)
    print(OUT, 'written:', len(state), 'weights,', len(refs), 'reference tensors')


if __name__ == '__main__':
    main()
