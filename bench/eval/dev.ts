import { confidenceFeatures, featureVector } from '../../worker/bot/decide.ts';
import { botOptions, type Decision } from '../../worker/bot/index.ts';
import { bandThreshold } from '../../worker/bot/verdict.ts';
import { toBatchOutput } from '../bot-batch.ts';
import { NOISE_KINDS, type NoiseKind, noisify, oneNoise } from './noise.ts';
import {
  DEV_NOISY,
  datasets,
  decidedByRanking,
  emptyMetrics,
  FIT,
  FIT_NOISE_SEED,
  HAND_MIN,
  type KefuRow,
  kefuDecide,
  type Metrics,
  options,
  score,
  stripPlaceholders,
  TUNE,
  TUNE_BAND,
  verdictOutput,
} from './setup.ts';

// ---------------------------------------------------------------------------------------
// tuning (dev data only)

if (FIT) {
  // Fit the confidence model: logistic regression, features from decide()'s scores, on the
  // train splits only (Bitext intent-detection train, CLINC oos train). Label: answering with
  // the top article would be right. Rows decided by rules (handoff/smalltalk) are skipped.
  const handMade = botOptions({ model: null }, options);
  const trainRows = [...datasets.bitext_id!.filter((r) => r.split === 'train'), ...datasets.clinc_oos!.filter((r) => r.split === 'train')];
  // FIT_NOISY=1 adds a noisy copy of every train row (its own seed, never the report's), so
  // the model also learns how short, misspelt messages rank.
  const fitRows = process.env.FIT_NOISY
    ? [...trainRows, ...trainRows.map((r, i) => ({ ...r, text: noisify(stripPlaceholders(r.text), FIT_NOISE_SEED * 1_000_003 + i * 7919) }))]
    : trainRows;
  // Out-of-scope rows weigh more (FIT_OOS_WEIGHT, default 10): there are 100 of them against
  // 6,000 shop questions, and answering a question the shop has no article for costs more than
  // offering chips for one it has.
  const oosWeight = Number(process.env.FIT_OOS_WEIGHT ?? 10);
  const X: number[][] = [];
  const Y: number[] = [];
  const SW: number[] = [];
  for (const row of fitRows) {
    const { d } = kefuDecide(row.text, handMade);
    if (!decidedByRanking(d)) continue;
    X.push(featureVector(confidenceFeatures(d.scores)));
    Y.push(d.scores.top[0]!.articleId === row.expected ? 1 : 0);
    SW.push(row.expected === '@none' ? oosWeight : 1);
  }
  const totalWeight = SW.reduce((a, c) => a + c, 0);
  const dim = X[0]!.length;
  const w = new Array<number>(dim).fill(0);
  let b = 0;
  const lr = 0.5;
  const l2 = 1e-4;
  for (let it = 0; it < 4000; it++) {
    const gw = new Array<number>(dim).fill(0);
    let gb = 0;
    for (let i = 0; i < X.length; i++) {
      let z = b;
      for (let j = 0; j < dim; j++) z += w[j]! * X[i]![j]!;
      const p = 1 / (1 + Math.exp(-z));
      const e = (p - Y[i]!) * SW[i]!;
      for (let j = 0; j < dim; j++) gw[j]! += e * X[i]![j]!;
      gb += e;
    }
    for (let j = 0; j < dim; j++) w[j] = w[j]! - lr * (gw[j]! / totalWeight + l2 * w[j]!);
    b -= (lr * gb) / totalWeight;
  }
  const pos = Y.filter((y) => y === 1).length;
  console.log(`fitted on ${X.length} rows (${pos} where the top article is right)`);
  console.log(JSON.stringify({ weights: w.map((x) => +x.toFixed(4)), bias: +b.toFixed(4) }));
  process.exit(0);
}

if (DEV_NOISY) {
  // The noisy drop on the dev data only, with the fit's noise seed (never the report's): clean
  // and noisy figures side by side, each kind of noise alone, and where the right answers go.
  const splits = (process.env.DEV_SPLITS ?? 'dev').split(',');
  const devRows = datasets.bitext_id!.filter((r) => splits.includes(r.split!));
  const oosRows = datasets.clinc_oos!.filter((r) => r.split === 'train' || r.split === 'val');
  const seedOf = (i: number, set: string) => FIT_NOISE_SEED * 1_000_003 + i * 7919 + set.length;
  const f1 = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) : '—');
  const line = (label: string, m: Metrics, oos?: Metrics) =>
    `${label.padEnd(10)} right ${f1(m.right, m.articleRows)}  prec ${f1(m.right, m.answers)}  band ${f1(m.band, m.articleRows)} (right ${f1(m.bandRight, m.band)})  r|s ${f1(m.rightOrSuggested, m.articleRows)}  hand ${f1(m.handoffHit, m.handoffRows)}` +
    (oos ? `  oos false ${f1(oos.answers, oos.rows)} (${oos.answers} of ${oos.rows})` : '');
  const run = (noise: (text: string, i: number, set: string) => string) => {
    const m = emptyMetrics();
    const oos = emptyMetrics();
    const decisions = devRows.map((row, i) => {
      const r = kefuDecide(noise(stripPlaceholders(row.text), i, 'bitext_id'));
      score(m, row, r.out);
      return r;
    });
    oosRows.forEach((row, i) => score(oos, row, kefuDecide(noise(stripPlaceholders(row.text), i, 'clinc_oos')).out));
    return { m, oos, decisions };
  };
  const clean = run((t) => t);
  // DEV_KIND=cut (or another kind): that noise alone on every row instead of noisify()
  const devKind = process.env.DEV_KIND as NoiseKind | undefined;
  const noisyText = (t: string, i: number, set: string) => (devKind ? oneNoise(t, devKind, seedOf(i, set)) : noisify(t, seedOf(i, set)));
  const noisy = run(noisyText);
  console.log(
    `dev noisy drop: Bitext intent-detection ${splits.join('+')} (${devRows.length} rows), CLINC oos train+val (${oosRows.length}), noise seed ${FIT_NOISE_SEED}${devKind ? `, ${devKind} alone` : ''}`,
  );
  console.log(line('clean', clean.m, clean.oos));
  console.log(line('noisy', noisy.m, noisy.oos));
  const rightPct = (m: Metrics) => (100 * m.right) / m.articleRows;
  const firstPct = (ds: KefuRow[]) =>
    f1(devRows.filter((r, i) => !r.expected.startsWith('@') && ds[i]!.d.scores.top[0]?.articleId === r.expected).length, clean.m.articleRows);
  console.log(
    `drop ${(rightPct(clean.m) - rightPct(noisy.m)).toFixed(1)} points; right article ranked first: clean ${firstPct(clean.decisions)}, noisy ${firstPct(noisy.decisions)}`,
  );
  // Where the noisy copy loses: rows answered right clean and not noisy, by what went wrong.
  const lost = { rule: 0, rankedElsewhere: 0, inTopFive: 0, notFound: 0, firstButChips: 0, firstButHandoff: 0 };
  const gained = { n: 0 };
  const handedOff = new Map<string, number>();
  devRows.forEach((row, i) => {
    const c = clean.decisions[i]!;
    const n = noisy.decisions[i]!;
    const cRight = c.out.action === 'answer' && c.out.articleId === row.expected;
    const nRight = n.out.action === 'answer' && n.out.articleId === row.expected;
    if (!cRight && nRight) gained.n++;
    if (!cRight || nRight) return;
    if (!decidedByRanking(n.d)) lost.rule++;
    else if (n.d.scores.top[0]?.articleId === row.expected) {
      if (n.d.action === 'suggest') lost.firstButChips++;
      else {
        lost.firstButHandoff++;
        // counts only, never a word: a row's words (or its noisy copy's) stay out of the output
        if (process.env.DEV_DETAIL && n.d.action === 'handoff') {
          const key = `${n.d.reason}, ${n.d.scores.terms.length} terms (${n.d.scores.unknownTerms.length} unknown; clean ${c.d.scores.terms.length})`;
          handedOff.set(key, (handedOff.get(key) ?? 0) + 1);
        }
      }
    } else {
      lost.rankedElsewhere++;
      if (n.d.scores.top.some((t) => t.articleId === row.expected)) lost.inTopFive++;
      else lost.notFound++;
    }
  });
  console.log(
    `lost (right clean, not noisy): ${Object.values(lost).reduce((a, b) => a + b, 0) - lost.inTopFive - lost.notFound} rows; gained ${gained.n}\n` +
      `  another article first: ${lost.rankedElsewhere} (right one in the top five ${lost.inTopFive}, not there ${lost.notFound})\n` +
      `  right article first, chips only: ${lost.firstButChips}; handed off: ${lost.firstButHandoff}\n  decided by a rule (person, anger, smalltalk…): ${lost.rule}`,
  );
  for (const [k, v] of [...handedOff].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    handed off: ${String(v).padStart(4)}  ${k}`);
  // Noisy rows by length: the short ones are mostly the cut.
  const byLen = new Map<string, { rows: number; right: number; first: number; answers: number }>();
  devRows.forEach((row, i) => {
    if (row.expected.startsWith('@')) return;
    const words = noisyText(stripPlaceholders(row.text), i, 'bitext_id').split(/\s+/).length;
    const key = words <= 2 ? '≤2 words' : words <= 4 ? '3–4 words' : words <= 7 ? '5–7 words' : '8+ words';
    const b = byLen.get(key) ?? { rows: 0, right: 0, first: 0, answers: 0 };
    const n = noisy.decisions[i]!;
    b.rows++;
    if (n.out.action === 'answer') b.answers++;
    if (n.out.action === 'answer' && n.out.articleId === row.expected) b.right++;
    if (n.d.scores.top[0]?.articleId === row.expected) b.first++;
    byLen.set(key, b);
  });
  for (const key of ['≤2 words', '3–4 words', '5–7 words', '8+ words']) {
    const b = byLen.get(key);
    if (b)
      console.log(
        `  noisy ${key.padEnd(9)} ${String(b.rows).padStart(5)} rows: right ${f1(b.right, b.rows)}, right article first ${f1(b.first, b.rows)}, precision ${f1(b.right, b.answers)}`,
      );
  }
  if (process.env.DEV_DETAIL) {
    // Right article first in the noisy copy but not answered: what held it back (first failing
    // condition of the band), by number of terms; and what the handoff rows got instead.
    const T = options.thresholds;
    const why = new Map<string, number>();
    const handoffs = new Map<string, number>();
    devRows.forEach((row, i) => {
      const n = noisy.decisions[i]!;
      const sc = n.d.scores;
      if (row.expected === '@handoff') {
        if (n.out.action !== 'handoff') {
          const key = `${n.d.action}:${n.d.action === 'handoff' ? n.d.reason : n.d.reason.split(' ')[0]}`;
          handoffs.set(key, (handoffs.get(key) ?? 0) + 1);
        }
        return;
      }
      if (!decidedByRanking(n.d) || n.out.action === 'answer' || sc.top[0]?.articleId !== row.expected) return;
      // only the rows the noise cost: answered right on the clean copy
      const c = clean.decisions[i]!.out;
      if (!(c.action === 'answer' && c.articleId === row.expected)) return;
      const ph = sc.top.every((t) => t.phrase <= sc.top[0]!.phrase);
      const reason =
        sc.domain && !(sc.domain.shop && !sc.domain.other)
          ? `not about the shop (${sc.domain.other ? 'names another service' : 'no shop word'}; matched terms that are known: ${sc.terms.filter((t) => !sc.unknownTerms.includes(t)).length})`
          : sc.margin < T.MIN_MARGIN_ANSWER
            ? 'near tie'
            : !ph
              ? 'phrase model disagrees'
              : sc.confidence < T.SUGGEST
                ? 'confidence < SUGGEST'
                : sc.confidence < bandThreshold(sc, T)
                  ? `confidence ${(Math.floor(sc.confidence * 10) / 10).toFixed(1)}`
                  : sc.coverage < T.PROBABLY_MIN_COVERAGE
                    ? 'coverage'
                    : 'bare word with alternatives';
      const key = `${String(Math.min(sc.terms.length, 5)).padStart(2)} terms, ${reason}${process.env.DEV_DETAIL === 'article' ? ` (${row.expected})` : ''}`;
      why.set(key, (why.get(key) ?? 0) + 1);
    });
    console.log('answered right clean; right article first in the noisy copy, not answered (terms, first failing condition):');
    for (const [k, v] of [...why].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(4)}  ${k}`);
    console.log('handoff rows not handed off in the noisy copy:');
    for (const [k, v] of [...handoffs].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(4)}  ${k}`);
  }
  if (process.env.DEV_TERMS) {
    // How the noisy copy's terms differ from the clean row's (counts only, no words): a term the
    // knowledge base does not know (a slip left uncorrected), another known term (a wrong
    // correction or a lost phrase), or none (the slip hit a stop word, or was corrected).
    const kinds = new Map<string, { rows: number; right: number; cleanRight: number }>();
    devRows.forEach((row, i) => {
      if (row.expected.startsWith('@')) return;
      const c = clean.decisions[i]!.d.scores;
      const n = noisy.decisions[i]!.d.scores;
      const added = n.terms.filter((t) => !c.terms.includes(t));
      const lost = c.terms.filter((t) => !n.terms.includes(t));
      const unknown = added.filter((t) => n.unknownTerms.includes(t));
      const key =
        added.length === 0 && lost.length === 0
          ? 'same terms'
          : unknown.length > 0
            ? `unknown term, ${Math.min(...unknown.map((t) => t.length))} letters`
            : added.length > 0
              ? 'another known term'
              : 'a term lost';
      const k = kinds.get(key) ?? { rows: 0, right: 0, cleanRight: 0 };
      k.rows++;
      if (noisy.decisions[i]!.out.action === 'answer' && noisy.decisions[i]!.out.articleId === row.expected) k.right++;
      if (clean.decisions[i]!.out.action === 'answer' && clean.decisions[i]!.out.articleId === row.expected) k.cleanRight++;
      kinds.set(key, k);
    });
    for (const [key, k] of [...kinds].sort((a, b) => b[1].cleanRight - b[1].right - (a[1].cleanRight - a[1].right)))
      console.log(`  ${key.padEnd(26)} ${String(k.rows).padStart(5)} rows: right clean ${f1(k.cleanRight, k.rows)}, noisy ${f1(k.right, k.rows)}`);
  }
  if (process.env.DEV_PER_ARTICLE) {
    // per expected article: clean and noisy answered right, the noisy ranking's first article
    const per = new Map<string, { rows: number; clean: number; noisy: number; first: number; confusions: Map<string, number> }>();
    devRows.forEach((row, i) => {
      if (row.expected.startsWith('@')) return;
      const p = per.get(row.expected) ?? { rows: 0, clean: 0, noisy: 0, first: 0, confusions: new Map() };
      const c = clean.decisions[i]!.out;
      const n = noisy.decisions[i]!;
      p.rows++;
      if (c.action === 'answer' && c.articleId === row.expected) p.clean++;
      if (n.out.action === 'answer' && n.out.articleId === row.expected) p.noisy++;
      const first = n.d.scores.top[0]?.articleId ?? '(none)';
      if (first === row.expected) p.first++;
      else p.confusions.set(first, (p.confusions.get(first) ?? 0) + 1);
      per.set(row.expected, p);
    });
    for (const [id, p] of [...per].sort((a, b) => b[1].clean - b[1].noisy - (a[1].clean - a[1].noisy))) {
      const top = [...p.confusions].sort((a, b) => b[1] - a[1]).slice(0, 2);
      console.log(
        `  ${id.padEnd(24)} ${String(p.rows).padStart(4)}  clean ${f1(p.clean, p.rows).padStart(5)}  noisy ${f1(p.noisy, p.rows).padStart(5)}  first ${f1(p.first, p.rows).padStart(5)}  ranked first instead: ${top.map(([a, n]) => `${a} ${n}`).join(', ')}`,
      );
    }
  }
  if (!process.env.DEV_NO_KINDS) {
    console.log('each kind of noise alone, on every row:');
    for (const kind of NOISE_KINDS) {
      const k = run((t, i, set) => oneNoise(t, kind, seedOf(i, set)));
      console.log(`  ${kind.padEnd(9)} drop ${(rightPct(clean.m) - rightPct(k.m)).toFixed(1).padStart(5)}  ${line('', k.m, k.oos)}`);
    }
  }
  process.exit(0);
}

if (TUNE_BAND) {
  // The "probably" band on the dev data only (Bitext intent-detection dev split, CLINC oos
  // train+val): PROBABLY and PROBABLY_MIN_COVERAGE move, and ANSWER with them when BAND_ANSWERS
  // lists values (KEYWORD_MIN_CONFIDENCE when BAND_KEYWORD_CONF does). Overall precision counts
  // the band's answers. (The Bitext train split is what --fit learns from, so it is left out
  // here.) TUNE_NOISY=1 also scores a noisy copy of the same rows (FIT_NOISE_SEED, never the
  // report's) and ranks the settings by its answered right, the clean targets still required.
  const devRows = [
    ...datasets.bitext_id!.filter((r) => r.split === 'dev').map((row, i) => ({ row, set: 'bitext_id', i })),
    ...datasets.clinc_oos!.filter((r) => r.split === 'train' || r.split === 'val').map((row, i) => ({ row, set: 'clinc_oos', i })),
  ];
  const tuneNoisy = !!process.env.TUNE_NOISY;
  const ds = devRows.map(({ row, set, i }) => ({
    row,
    set,
    d: kefuDecide(row.text).d,
    n: tuneNoisy ? kefuDecide(noisify(stripPlaceholders(row.text), FIT_NOISE_SEED * 1_000_003 + i * 7919 + set.length)).d : undefined,
  }));
  type Found = {
    th: string;
    right: number;
    prec: number;
    oos: number;
    ros: number;
    hand: number;
    band: number;
    bandPrec: number;
    nRight: number;
    nPrec: number;
    nOos: number;
  };
  const found: Found[] = [];
  const answers = process.env.BAND_ANSWERS ? process.env.BAND_ANSWERS.split(',').map(Number) : [options.thresholds.ANSWER];
  const keywordConfs = process.env.BAND_KEYWORD_CONF ? process.env.BAND_KEYWORD_CONF.split(',').map(Number) : [options.thresholds.KEYWORD_MIN_CONFIDENCE];
  // BAND_SHORT lists values of PROBABLY_SHORT to try, BAND_SHORT_WORDS of SHORT_MESSAGE_WORDS
  const list = (name: string, fallback: number[]) => (process.env[name] ? process.env[name]!.split(',').map(Number) : fallback);
  const shorts = list('BAND_SHORT', [options.thresholds.PROBABLY_SHORT]);
  const shortWords = list('BAND_SHORT_WORDS', [options.thresholds.SHORT_MESSAGE_WORDS]);
  for (const ANSWER of answers)
    for (const KEYWORD_MIN_CONFIDENCE of keywordConfs)
      for (let P = process.env.BAND_FROM ? Number(process.env.BAND_FROM) : 0.3; P <= ANSWER + 1e-9; P += 0.01)
        for (const MIN_COV of list('BAND_MIN_COV', [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]))
          for (const PROBABLY_SHORT of shorts)
            for (const SHORT_MESSAGE_WORDS of shortWords) {
              const m = { bitext: emptyMetrics(), oos: emptyMetrics(), nBitext: emptyMetrics(), nOos: emptyMetrics() };
              const band = { ANSWER, KEYWORD_MIN_CONFIDENCE, PROBABLY: +P.toFixed(2), PROBABLY_MIN_COVERAGE: MIN_COV, PROBABLY_SHORT, SHORT_MESSAGE_WORDS };
              const thresholds = { ...options.thresholds, ...band };
              const out = (d: Decision) => (decidedByRanking(d) ? verdictOutput(d, thresholds) : toBatchOutput(d));
              for (const { row, set, d, n } of ds) {
                score(set === 'bitext_id' ? m.bitext : m.oos, row, out(d));
                if (n) score(set === 'bitext_id' ? m.nBitext : m.nOos, row, out(n));
              }
              found.push({
                th: JSON.stringify(band),
                right: m.bitext.right / m.bitext.articleRows,
                prec: m.bitext.right / Math.max(1, m.bitext.answers),
                oos: m.oos.answers / m.oos.rows,
                ros: m.bitext.rightOrSuggested / m.bitext.articleRows,
                hand: m.bitext.handoffHit / m.bitext.handoffRows,
                band: m.bitext.band / m.bitext.articleRows,
                bandPrec: m.bitext.bandRight / Math.max(1, m.bitext.band),
                nRight: m.nBitext.right / Math.max(1, m.nBitext.articleRows),
                nPrec: m.nBitext.right / Math.max(1, m.nBitext.answers),
                nOos: m.nOos.answers / Math.max(1, m.nOos.rows),
              });
            }
  const f1 = (x: number) => (100 * x).toFixed(1);
  const fmt = (f: Found) =>
    `${f.th} right ${f1(f.right)} prec ${f1(f.prec)} band ${f1(f.band)} (right ${f1(f.bandPrec)}) oos ${f1(f.oos)} r|s ${f1(f.ros)} hand ${f1(f.hand)}` +
    (tuneNoisy ? ` | noisy right ${f1(f.nRight)} prec ${f1(f.nPrec)} oos ${f1(f.nOos)} drop ${f1(f.right - f.nRight)}` : '');
  console.log(`band tuning on ${devRows.length} dev rows${tuneNoisy ? ` and their noisy copy (seed ${FIT_NOISE_SEED})` : ''}`);
  // The dev split is small (810 Bitext rows, 200 off-topic ones: one false answer is 0.5%),
  // so the targets can be asked of it with a margin (TUNE_PREC, TUNE_OOS).
  const minOos = Number(process.env.TUNE_OOS ?? 0.03);
  // with TUNE_NOISY, the noisy copy's precision must stay at least TUNE_NOISY_PREC
  const minNoisyPrec = Number(process.env.TUNE_NOISY_PREC ?? 0);
  if (process.env.SHOW_BAND) for (const f of found.filter((x) => x.th.includes(process.env.SHOW_BAND!))) console.log('  = ' + fmt(f));
  for (const minPrec of process.env.TUNE_PREC ? [Number(process.env.TUNE_PREC)] : [0.96, 0.95]) {
    const ok = found
      .filter((f) => f.prec >= minPrec && f.oos <= minOos && f.hand >= HAND_MIN && (!tuneNoisy || (f.nOos <= minOos && f.nPrec >= minNoisyPrec)))
      .sort((a, b) => (tuneNoisy ? b.nRight - a.nRight : 0) || b.right - a.right || b.ros - a.ros);
    console.log(
      `best with precision ≥ ${minPrec * 100}%, OOS false answers ≤ ${minOos * 100}%, handoff recall ≥ ${HAND_MIN * 100}%${tuneNoisy ? ', by noisy answered right' : ''}:`,
    );
    for (const f of ok.slice(0, 5)) console.log('  ' + fmt(f));
  }
  process.exit(0);
}

if (TUNE) {
  const devRows = [
    // the confidence model is fitted on the train splits (--fit); thresholds are chosen here on
    // the dev/val splits it has not seen
    ...datasets.bitext_id!.filter((r) => r.split === 'dev').map((row) => ({ row, set: 'bitext_id' })),
    ...datasets.clinc_oos!.filter((r) => r.split === 'val').map((row) => ({ row, set: 'clinc_oos' })),
  ];
  type Found = { params: string; th: string; right: number; prec: number; oos: number; ros: number; hand: number };
  const found: Found[] = [];
  const grid = (process.env.TUNE_GRID ?? 'full') === 'full';
  const { params } = options;
  const sims = grid ? [0.4, 0.6, 0.8] : [params.simWeight];
  const unks = grid ? [1, 1.5, 2, 3] : [params.unknownWeight];
  const covs = grid ? [0.3, 0.5, 0.7] : [params.covWeight];
  const mws = grid ? [0.5, 0.8] : [params.marginWeight];
  const pws = process.env.PHRASE_WEIGHTS ? process.env.PHRASE_WEIGHTS.split(',').map(Number) : [params.phraseWeight];
  for (const phraseWeight of pws)
    for (const simWeight of sims)
      for (const unknownWeight of unks)
        for (const covWeight of covs)
          for (const marginWeight of mws) {
            const tried = botOptions({ params: { simWeight, unknownWeight, covWeight, marginWeight, phraseWeight } }, options);
            const ds = devRows.map(({ row, set }) => ({ row, set, d: kefuDecide(row.text, tried).d }));
            for (let A = 0.2; A <= 0.99; A += 0.01)
              for (const MIN_COV of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
                for (const S of [0.1, 0.2, 0.3, 0.4, 0.5]) {
                  const m = { bitext: emptyMetrics(), oos: emptyMetrics() };
                  const thresholds = { ...tried.thresholds, ANSWER: A, MIN_COVERAGE_ANSWER: MIN_COV, SUGGEST: S };
                  for (const { row, set, d } of ds) {
                    // The decision's scores are rounded to 3 decimals; the rules are decide()'s own.
                    score(set === 'bitext_id' ? m.bitext : m.oos, row, decidedByRanking(d) ? verdictOutput(d, thresholds) : toBatchOutput(d));
                  }
                  found.push({
                    params: JSON.stringify({ phraseWeight, simWeight, unknownWeight, covWeight, marginWeight }),
                    th: JSON.stringify({ ANSWER: +A.toFixed(3), MIN_COV, SUGGEST: S }),
                    right: m.bitext.right / m.bitext.articleRows,
                    prec: m.bitext.right / Math.max(1, m.bitext.answers),
                    oos: m.oos.answers / m.oos.rows,
                    ros: m.bitext.rightOrSuggested / m.bitext.articleRows,
                    hand: m.bitext.handoffHit / m.bitext.handoffRows,
                  });
                }
          }
  const fmt = (f: Found) =>
    `${f.params} ${f.th} right ${(100 * f.right).toFixed(1)} prec ${(100 * f.prec).toFixed(1)} oos ${(100 * f.oos).toFixed(1)} r|s ${(100 * f.ros).toFixed(1)} hand ${(100 * f.hand).toFixed(1)}`;
  console.log(`tuning on ${devRows.length} dev rows`);
  if (process.env.SHOW_ANSWER) {
    for (const f of found.filter((x) => x.th.includes(`"ANSWER":${process.env.SHOW_ANSWER},`))) console.log('  ' + fmt(f));
  }
  for (const minPrec of [0.97, 0.95, 0.9]) {
    const ok = found.filter((f) => f.prec >= minPrec && f.oos <= 0.05 && f.hand >= HAND_MIN).sort((a, b) => b.right - a.right || b.ros - a.ros);
    console.log(`best with precision ≥ ${minPrec * 100}%, OOS false answers ≤ 5%, handoff recall ≥ 95%:`);
    for (const f of ok.slice(0, 5)) console.log('  ' + fmt(f));
  }
  process.exit(0);
}
