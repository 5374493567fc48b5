"""Company generation for the sample generator: names, attributes and the hidden potential.

One call builds master and off-master companies alike (the caller splits them); everything is
vectorised over rows with numpy + polars, loops only run over lexicon entries.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from abm.sample import lexicon as L

# unified block table: every name block with (kanji, kana, romaji, english)
_BLOCKS: list[tuple[str, str, str, str]] = [("", "", "", "")]
_S0 = len(_BLOCKS)
_BLOCKS += [(k, r, ro, ro) for k, r, ro in L.SURNAMES]
_P0 = len(_BLOCKS)
_BLOCKS += [(k, r, ro, ro) for k, r, ro, _ in L.PLACES]
_Z0 = len(_BLOCKS)
_BLOCKS += [(k, r, ro, ro) for k, r, ro in L.ZAIBATSU]
_K0 = len(_BLOCKS)
_BLOCKS += [(k, r, ro, ro) for k, r, ro in L.KANA_WORDS]
_W0 = len(_BLOCKS)
_WORD_INDEX: dict[str, list[int]] = {}
for _group, _words in L.WORDS.items():
    _WORD_INDEX[_group] = []
    for _w in _words:
        if _w not in _BLOCKS:
            _BLOCKS.append(_w)
        _WORD_INDEX[_group].append(_BLOCKS.index(_w))
_C0 = len(_BLOCKS)  # coined names: pairs of 好字 (光栄, 協和, …)
_BLOCKS += [
    (k1 + k2, r1 + r2, ro1 + ro2.lower(), ro1 + ro2.lower())
    for k1, r1, ro1 in L.KOUJI
    for k2, r2, ro2 in L.KOUJI
    if k1 != k2
]
_Q0 = len(_BLOCKS)
_BLOCKS += [(k, r, ro, ro) for k, r, ro in L.QUALIFIERS]
_HOLD = len(_BLOCKS)
_BLOCKS.append(L.HOLDINGS)
_L0 = len(_BLOCKS)  # letter blocks are appended per call (random combinations)

_PLACE_PREF = np.array([p for *_, p in L.PLACES])
_IND_WORDS = [np.array(sorted({i for g in ind[3] for i in _WORD_INDEX[g]})) for ind in L.INDUSTRIES]
_BLOCK_IS_ASCII = np.array([b[0].isascii() and b[0] != "" for b in _BLOCKS])

# structure types: slot A / slot B / slot C(word)
#  0 surname+word, 1 place+word, 2 place+surname+word, 3 zaibatsu+word, 4 kana+kana, 5 kana+word,
#  6 letters+word, 7 coined 好字 pair+word; types 0, 1, 5, 6 and 7 take a qualifier in slot B at
#  _QUALIFIED (山田総合建設)
_TYPE_P = np.array([0.24, 0.10, 0.05, 0.015, 0.10, 0.10, 0.085, 0.31])
_QUALIFIED = 0.3
_TYPE_P = _TYPE_P / _TYPE_P.sum()

CN_KIND = np.array([f[7] for f in L.LEGAL_FORMS])


def corporate_check_digits(base: np.ndarray) -> np.ndarray:
    """Check digit (first digit of a 法人番号) of 12-digit int64 bases, vectorised."""
    total = np.zeros(base.shape, dtype=np.int64)
    b = base.astype(np.int64).copy()
    for n in range(1, 13):
        total += (b % 10) * (1 if n % 2 else 2)
        b //= 10
    return 9 - total % 9


def unique_ints(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    """n distinct random ints in [low, high), in random order."""
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        draw = rng.integers(low, high, size=int((n - len(out)) * 1.05) + 16, dtype=np.int64)
        cat = np.concatenate([out, draw])
        _, first = np.unique(cat, return_index=True)
        out = cat[np.sort(first)]
    return out[:n]


def _letter_blocks(rng: np.random.Generator, k: int) -> list[tuple[str, str, str, str]]:
    letters = list(L.LETTER_KANA)
    out: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    while len(out) < k:
        m = int(rng.choice([2, 3, 3, 4]))
        word = "".join(letters[i] for i in rng.integers(0, 26, m))
        if word in seen:
            continue
        seen.add(word)
        out.append((word, "".join(L.LETTER_KANA[c] for c in word), word, word))
    return out


def _choice(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def make_companies(
    rng: np.random.Generator, n: int, end_year: int, family_share: float = 0.035
) -> pl.DataFrame:
    """All columns of ``n`` invented companies, internal ones included (see ``abm.sample`` for the files)."""
    letters = _letter_blocks(rng, max(400, n // 100))
    blocks = _BLOCKS + letters
    b_kanji = pl.Series([b[0] for b in blocks])
    b_kana = pl.Series([b[1] for b in blocks])
    b_romaji = pl.Series([b[2] for b in blocks])
    b_english = pl.Series([b[3] for b in blocks])
    b_ascii = np.concatenate([_BLOCK_IS_ASCII, np.ones(len(letters), bool)])

    n_ind = len(L.INDUSTRIES)
    ind = _choice(rng, [i[2] for i in L.INDUSTRIES], n)
    # legal form per industry
    form = _choice(rng, list(L.BASE_FORMS.values()), n)
    form = np.array(list(L.BASE_FORMS))[form]
    form_names = [f[0] for f in L.LEGAL_FORMS]
    u = rng.random(n)
    for k, spec in enumerate(L.INDUSTRIES):
        acc = 0.0
        for fname, share in spec[7].items():
            m = (ind == k) & (u >= acc) & (u < acc + share)
            form[m] = form_names.index(fname)
            acc += share

    # name structure
    typ = _choice(rng, _TYPE_P, n)
    a = np.zeros(n, np.int64)
    b = np.zeros(n, np.int64)
    c = np.zeros(n, np.int64)
    ns, npl, nz, nk = _P0 - _S0, _Z0 - _P0, _K0 - _Z0, _W0 - _K0
    a = np.select(
        [typ == 0, typ == 1, typ == 2, typ == 3, typ == 4, typ == 5, typ == 7],
        [
            _S0 + rng.integers(0, ns, n),
            _P0 + rng.integers(0, npl, n),
            _P0 + rng.integers(0, npl, n),
            _Z0 + rng.integers(0, nz, n),
            _K0 + rng.integers(0, nk, n),
            _K0 + rng.integers(0, nk, n),
            _C0 + rng.integers(0, _Q0 - _C0, n),
        ],
        _L0 + rng.integers(0, len(letters), n),
    )
    b = np.where(typ == 2, _S0 + rng.integers(0, ns, n), np.where(typ == 4, _K0 + rng.integers(0, nk, n), 0))
    b = np.where((typ == 4) & (b == a), _K0 + (b - _K0 + 1) % nk, b)
    qualified = np.isin(typ, [0, 1, 5, 6, 7]) & (rng.random(n) < _QUALIFIED)
    b = np.where(qualified, _Q0 + rng.integers(0, _HOLD - _Q0, n), b)
    r = rng.random(n)
    for k in range(n_ind):
        m = ind == k
        c[m] = _IND_WORDS[k][(r[m] * len(_IND_WORDS[k])).astype(np.int64)]
    c = np.where((typ == 4) & (rng.random(n) < 0.65), 0, c)  # アルファネクスト, sometimes + a word

    # confusable near-name families: members copy a seed's blocks and differ by one block / the form
    n_fam = int(n * family_share / 2.5)
    fam = np.full(n, -1, np.int64)
    if n_fam >= 1 and n >= 20:
        sizes = rng.choice([1, 1, 2, 3], n_fam)
        chosen = unique_ints(rng, 0, n, n_fam + int(sizes.sum()))
        seeds, members = chosen[:n_fam], chosen[n_fam:]
        seed_of = np.repeat(seeds, sizes)
        fam[seeds] = seeds
        fam[members] = seed_of
        typ[members], a[members], b[members] = typ[seed_of], a[seed_of], b[seed_of]
        op = rng.random(len(members))
        same_ind = op < 0.35
        ind[members[same_ind]] = ind[seed_of[same_ind]]
        # op A (<0.6): different business word (same or own industry); op B: place toggle; op C: other form
        rr = rng.random(len(members))
        for k in range(n_ind):
            m = (ind[members] == k) & (op < 0.6)
            words = _IND_WORDS[k]
            pick = words[(rr[m] * len(words)).astype(np.int64)]
            clash = pick == c[seed_of[m]]
            pick[clash] = words[((rr[m][clash] * len(words)).astype(np.int64) + 1) % len(words)]
            c[members[m]] = pick
        keep_word = op >= 0.6
        c[members[keep_word]] = c[seed_of[keep_word]]
        toggle = (op >= 0.6) & (op < 0.85) & np.isin(typ[seed_of], [0, 2])
        tm = members[toggle]
        from_plain = typ[tm] == 0
        new_a = np.where(from_plain, _P0 + rng.integers(0, npl, len(tm)), b[tm])
        new_b = np.where(from_plain, a[tm], 0)
        a[tm], b[tm] = new_a, new_b
        typ[tm] = np.where(from_plain, 2, 0)
        other_form = (op >= 0.6) & ~toggle
        om = members[other_form]
        form[om] = np.where(form[seed_of[other_form]] == 0, rng.choice([1, 1, 2], len(om)), 0)
        ind[members[~same_ind & (op >= 0.6)]] = ind[seed_of[~same_ind & (op >= 0.6)]]

    # size: Pareto employees (alpha ~1), industry scale; revenue and capital correlated
    scale = np.array([i[4] for i in L.INDUSTRIES])[ind]
    scale = scale * np.where(form == 1, 0.6, 1.0) * np.where(form == 2, 0.5, 1.0)
    emp = np.floor(2.2 * scale * rng.random(n) ** (-1 / 1.05)).astype(np.int64)
    emp = np.clip(emp, 1, 380_000)
    hold = (emp > 800) & (rng.random(n) < 0.12) & (typ != 4) & (fam < 0)
    c[hold] = _HOLD
    rpe = np.array([i[5] for i in L.INDUSTRIES])[ind] * 1e6
    revenue = emp * rpe * np.exp(rng.normal(0, 0.55, n)) * (emp**0.06)
    revenue = np.round(revenue / 1000).astype(np.int64) * 1000
    lcap = 0.55 * np.log(revenue) + rng.normal(0, 0.7, n) + 5.6
    steps = np.array([1e6, 3e6, 5e6, 1e7, 2e7, 3e7, 5e7, 1e8])
    capital = np.where(
        np.exp(lcap) < 1e8,
        steps[np.clip(np.searchsorted(np.log(steps), lcap), 0, 7)],
        np.round(np.exp(lcap) / 1e6) * 1e6,
    ).astype(np.int64)
    capital = np.where(form == 1, np.where(rng.random(n) < 0.7, 3_000_000, capital), capital)
    capital = np.where(form >= 4, 0, capital)  # non-profit corporations have no 資本金

    # founded year: older for bigger; 有限会社 before 2006, 合同会社 from 2006
    age = rng.gamma(2.0, 9.0, n) + 2.5 * np.log1p(emp) + rng.normal(0, 3, n)
    founded = np.clip(np.round(end_year - age), 1873, end_year).astype(np.int64)
    founded = np.where(form == 1, np.minimum(founded, 2005 - (rng.random(n) * 10).astype(np.int64)), founded)
    founded = np.where(
        form == 2,
        np.maximum(founded, 2006 + (rng.random(n) * max(end_year - 2006, 1)).astype(np.int64)),
        founded,
    )
    # listing
    p_list = 1 / (1 + np.exp(-(-9.3 + 1.15 * np.log(emp))))
    listed = (rng.random(n) < p_list) & (form == 0)
    age_now = end_year - founded
    market = np.select(
        [emp > 1500, age_now < 12, rng.random(n) < 0.85], [0, 2, 1], 3 + (rng.random(n) * 3).astype(int)
    )
    listing = pl.Series([*L.LISTING, L.UNLISTED]).gather(pl.Series(np.where(listed, market, len(L.LISTING))))

    # prefecture (place-named companies mostly sit in that place), city
    pref = _choice(rng, [p[2] for p in L.PREFECTURES], n)
    in_place = np.isin(typ, [1, 2]) & (rng.random(n) < 0.75)
    place_pref = np.where((a >= _P0) & (a < _Z0), _PLACE_PREF[np.clip(a - _P0, 0, len(_PLACE_PREF) - 1)], -1)
    pref = np.where(in_place & (place_pref >= 0), place_pref, pref)
    if n_fam >= 1 and n >= 20:
        same_pref = rng.random(len(members)) < 0.6
        pref[members[same_pref]] = pref[seed_of[same_pref]]
    city_off = np.cumsum([0] + [len(p[3]) for p in L.PREFECTURES])
    city = np.zeros(n, np.int64)
    rc = rng.random(n)
    for k, p in enumerate(L.PREFECTURES):
        m = pref == k
        w = np.cumsum([cw for *_, cw in p[3]])
        city[m] = city_off[k] + np.searchsorted(w / w[-1], rc[m], side="right").clip(0, len(p[3]) - 1)
    cities = [cc for p in L.PREFECTURES for cc in p[3]]

    # hidden potential: industry fit, size (sub-linear), productivity, region, age, listing,
    # an industry x region interaction, noise
    fit = np.array([i[6] for i in L.INDUSTRIES])[ind]
    region = np.zeros(47)
    region[[12, 13, 10, 11]] = 0.25  # Tokyo area
    region[[22, 21, 20, 23]] = 0.35  # Chubu manufacturing belt
    region[[26, 27, 25]] = 0.15
    region[[0, 1, 2, 4, 5, 30, 31, 35, 38, 41, 43, 44, 45, 46]] = -0.35
    mfg = np.isin(
        ind, [k for k, i in enumerate(L.INDUSTRIES) if i[0] in ("24", "26", "28", "29", "31", "16", "09")]
    )
    chubu_kanto_north = np.isin(pref, [22, 21, 20, 23, 8, 9, 24])
    prod = np.log(revenue / emp) - np.log(rpe)
    age_eff = np.interp(age_now, [0, 3, 10, 25, 60, 200], [-1.0, -0.6, 0.0, 0.35, 0.25, 0.0])
    logpot = (
        fit
        + 0.36 * np.log1p(emp)
        + 0.25 * prod
        + region[pref]
        + age_eff
        + 0.5 * listed
        + 0.6 * (mfg & chubu_kanto_north)
        - 0.4 * (form == 1)
        + rng.normal(0, 0.75, n)
    )
    potential = np.exp(logpot - 2.0)

    # corporate numbers (unique), 9-digit provider codes (unique)
    office = (pref + 1) * 100 + rng.integers(0, 100, n)
    kind = CN_KIND[form].astype(np.int64)
    serial = rng.integers(0, 1_000_000, n)
    base = office * 10**8 + kind * 10**6 + serial
    while True:
        _, first = np.unique(base, return_index=True)
        dup = np.ones(n, bool)
        dup[first] = False
        if not dup.any():
            break
        base[dup] = office[dup] * 10**8 + kind[dup] * 10**6 + rng.integers(0, 1_000_000, int(dup.sum()))
    cn = corporate_check_digits(base) * 10**12 + base
    company_id = unique_ints(rng, 100_000_000, 1_000_000_000, n)

    # renamed companies: former name
    renamed = rng.random(n) < 0.03
    old_kind = rng.random(n)
    alt_word = c.copy()
    ra = rng.random(n)
    for k in range(n_ind):
        m = ind == k
        words = _IND_WORDS[k]
        alt_word[m] = words[(ra[m] * len(words)).astype(np.int64)]
    alt_word = np.where(alt_word == c, _W0 + (alt_word - _W0 + 1) % (_HOLD - _W0), alt_word)

    en_mode = rng.random(n) < 0.5  # business word: romaji (Seiki) or English (Precision)
    df = pl.DataFrame(
        {
            "a": a,
            "b": b,
            "c": c,
            "alt": alt_word,
            "typ": typ,
            "ind": ind,
            "form": form,
            "pref": pref,
            "city": city,
            "en_mode": en_mode,
            "renamed": renamed,
            "old_kind": old_kind,
            "fam": fam,
        }
    )
    g = {
        "a_k": b_kanji.gather(df["a"]),
        "b_k": b_kanji.gather(df["b"]),
        "c_k": b_kanji.gather(df["c"]),
        "alt_k": b_kanji.gather(df["alt"]),
        "a_r": b_kana.gather(df["a"]),
        "b_r": b_kana.gather(df["b"]),
        "c_r": b_kana.gather(df["c"]),
        "a_ro": b_romaji.gather(df["a"]),
        "b_ro": b_romaji.gather(df["b"]),
        "c_ro": b_romaji.gather(df["c"]),
        "c_en": b_english.gather(df["c"]),
    }
    df = df.with_columns(**{k: v for k, v in g.items()})
    prefix = np.array([f[6] for f in L.LEGAL_FORMS])[form] > rng.random(n)
    form_k = pl.Series([f[0] for f in L.LEGAL_FORMS]).gather(pl.Series(form))
    fk = pl.col("form_k")
    nonblank = [pl.when(pl.col(x) != "").then(pl.col(x)) for x in ("a_k", "b_k", "c_k")]
    df = df.with_columns(
        form_k=form_k, prefix=pl.Series(prefix), ascii_name=pl.Series(b_ascii[a] | b_ascii[b] | b_ascii[c])
    )
    df = df.with_columns(
        core=pl.concat_str("a_k", "b_k", "c_k"),
        core_spaced=pl.concat_str(nonblank, separator=" ", ignore_nulls=True),
        kana=pl.concat_str("a_r", "b_r", "c_r"),
        en_core=pl.concat_str(
            [pl.when(pl.col(x) != "").then(pl.col(x)) for x in ("a_ro", "b_ro")]
            + [
                pl.when(pl.col("c_ro") != "").then(
                    pl.when(pl.col("en_mode")).then(pl.col("c_en")).otherwise(pl.col("c_ro"))
                )
            ],
            separator=" ",
            ignore_nulls=True,
        ),
        dom_base=pl.concat_str(
            [
                pl.when(pl.col(x) != "").then(pl.col(x).str.to_lowercase().str.replace_all(" ", ""))
                for x in ("a_ro", "b_ro", "c_ro")
            ],
            separator="-",
            ignore_nulls=True,
        ),
    )
    df = df.with_columns(name=pl.when("prefix").then(fk + pl.col("core")).otherwise(pl.col("core") + fk))
    # old name: 有限会社 -> 株式会社 conversion, or a different business word
    was_yugen = pl.col("renamed") & (pl.col("form") == 0) & (pl.col("old_kind") < 0.4)
    old_core = pl.concat_str("a_k", "b_k", "alt_k")
    df = df.with_columns(
        old_name=pl.when(was_yugen)
        .then(pl.lit("有限会社") + pl.col("core"))
        .when(pl.col("renamed"))
        .then(pl.when("prefix").then(fk + old_core).otherwise(old_core + fk))
    )
    en_suffix = pl.Series([f[5][0] for f in L.LEGAL_FORMS]).gather(pl.Series(form))
    df = df.with_columns(name_en=pl.col("en_core") + " " + en_suffix)

    # domains: unique; romaji with or without hyphens; TLD by legal form
    hyphen = pl.Series(rng.random(n) < 0.5)
    tld_idx = np.where(form <= 3, _choice(rng, [0.62, 0.25, 0.13], n), np.where(form == 6, 3, 4))
    tld = pl.Series(["co.jp", "com", "jp", "ac.jp", "or.jp"]).gather(pl.Series(tld_idx))
    pref_ro = pl.Series([p[1].lower() for p in L.PREFECTURES]).gather(pl.Series(pref))
    dom_base = df.select(
        pl.when(hyphen).then(pl.col("dom_base")).otherwise(pl.col("dom_base").str.replace_all("-", ""))
    ).to_series()
    sep = pl.select(pl.when(hyphen).then(pl.lit("-")).otherwise(pl.lit(""))).to_series()
    for it in range(20):
        dom = dom_base + "." + tld
        taken = ~dom.is_first_distinct()
        if not taken.any():
            break
        extra = pref_ro if it == 0 else pl.Series(rng.integers(1, 100 * (it + 1), n)).cast(pl.String)
        dom_base = pl.select(pl.when(taken).then(dom_base + sep + extra).otherwise(dom_base)).to_series()

    # address, postal code, phone
    town = pl.Series(L.TOWNS).gather(pl.Series(rng.integers(0, len(L.TOWNS), n)))
    bld = rng.random(n) < 0.35
    area = pl.Series([cc[2] for cc in cities]).gather(pl.Series(city))
    exch_len = 6 - np.array([len(cc[2]) for cc in cities])[city]
    exch = rng.integers(2, 10, n) * 10 ** (exch_len - 1) + rng.integers(0, 10**3, n) % 10 ** (exch_len - 1)
    pref_name = pl.Series([p[0] for p in L.PREFECTURES]).gather(pl.Series(pref))
    city_name = pl.Series([cc[0] for cc in cities]).gather(pl.Series(city))
    df = df.with_columns(
        company_id=pl.Series(company_id).cast(pl.String),
        corporate_number=pl.Series(cn).cast(pl.String).str.zfill(13),
        prefecture=pref_name,
        city_name=city_name,
        domain=dom,
        address=pl.concat_str(
            pref_name,
            city_name,
            town,
            pl.Series(rng.integers(1, 9, n)).cast(pl.String),
            pl.lit("-"),
            pl.Series(rng.integers(1, 30, n)).cast(pl.String),
            pl.lit("-"),
            pl.Series(rng.integers(1, 25, n)).cast(pl.String),
        ),
        postal_code=pl.Series([cc[1] for cc in cities]).gather(pl.Series(city))
        + "-"
        + pl.Series(rng.integers(0, 10000, n)).cast(pl.String).str.zfill(4),
        phone=area
        + "-"
        + pl.Series(exch).cast(pl.String)
        + "-"
        + pl.Series(rng.integers(0, 10000, n)).cast(pl.String).str.zfill(4),
        industry_code=pl.Series([i[0] for i in L.INDUSTRIES]).gather(pl.Series(ind)),
        industry_name=pl.Series([i[1] for i in L.INDUSTRIES]).gather(pl.Series(ind)),
        employees=pl.Series(emp),
        revenue=pl.Series(revenue),
        capital=pl.Series(capital),
        founded_year=pl.Series(founded),
        listed=listing,
        potential=pl.Series(potential),
    )
    bname = pl.Series([s[0] for s in L.SURNAMES]).gather(pl.Series(rng.integers(0, len(L.SURNAMES), n)))
    bsuf = pl.Series(L.BUILDINGS).gather(pl.Series(rng.integers(0, len(L.BUILDINGS), n)))
    floor = pl.Series(rng.integers(1, 12, n)).cast(pl.String)
    df = df.with_columns(
        address=pl.when(pl.Series(bld))
        .then(pl.col("address") + " " + bname + bsuf + floor + "F")
        .otherwise(pl.col("address"))
    )
    return df
