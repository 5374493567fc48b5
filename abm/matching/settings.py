"""Settings of the linking step: the ``[match]`` section of the config."""

from __future__ import annotations

from pydantic import BaseModel, Field

FREE_MAIL_DOMAINS = [
    "gmail.com",
    "googlemail.com",
    "yahoo.co.jp",
    "ymail.ne.jp",
    "yahoo.com",
    "hotmail.com",
    "hotmail.co.jp",
    "outlook.com",
    "outlook.jp",
    "live.jp",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "zoho.com",
    "mail.com",
    "yandex.com",
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "au.com",
    "softbank.ne.jp",
    "i.softbank.jp",
    "disney.ne.jp",
    "ybb.ne.jp",
    "nifty.com",
    "nifty.ne.jp",
    "biglobe.ne.jp",
    "ocn.ne.jp",
    "so-net.ne.jp",
    "plala.or.jp",
    "dion.ne.jp",
    "excite.co.jp",
    "infoseek.jp",
    "goo.jp",
    "goo.ne.jp",
    "livedoor.com",
    "hi-ho.ne.jp",
    "kcn.ne.jp",
    "zaq.ne.jp",
    "jcom.home.ne.jp",
    "jcom.zaq.ne.jp",
    "eonet.ne.jp",
    "odn.ne.jp",
    "bb.excite.co.jp",
    "mopera.net",
    "willcom.com",
    "emobile.ne.jp",
    "rakuten.jp",
    "line.me",
]


class MatchSettings(BaseModel):
    """How records (sales customers, contacts) are linked to the company master (名寄せ)."""

    auto: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Score at or above which the best candidate links automatically (0.9: precision ≥ "
        "0.995 on the shipped sample, 0.988–0.994 against a 5M master, review queue ≤ 4%; 0.95 for "
        "precision ≥ 0.997 at 5M with a review queue of ~8%).",
    )
    review: float = Field(
        0.5, ge=0, le=1, description="Score at or above which a pair goes to the review queue."
    )
    margin: float = Field(
        0.15,
        ge=0,
        le=1,
        description="The best candidate must beat the runner-up by this much to link, else review.",
    )
    free_mail_domains: list[str] = Field(
        default_factory=lambda: list(FREE_MAIL_DOMAINS),
        description="Email domains never used as company evidence (free mail, carriers, ISPs).",
    )
    max_key_companies: int = Field(
        25,
        ge=1,
        description="A blocking key value (name, phone, domain) shared by more master companies than this is "
        "too common to propose candidates on its own (a name is then tried with the prefecture).",
    )
    deletion_cap: int = Field(
        50,
        ge=1,
        description="A one-character-deleted name variant shared by more distinct master names than this "
        "is not used for typo blocking.",
    )
    ngram_cap: int = Field(
        500,
        ge=1,
        description="Character bigrams in more distinct master names than this are not used for blocking.",
    )
    ngrams_per_name: int = Field(3, ge=1, description="Rarest bigrams of a name used for fuzzy blocking.")
    fuzzy_names: int = Field(
        5,
        ge=1,
        description="Most similar master names kept per record by fuzzy blocking (then expanded).",
    )
    training_companies: int = Field(
        20000,
        ge=100,
        description="Master companies sampled to make the synthetic pairs the scoring model is trained on.",
    )
    training_draws: int = Field(
        1,
        ge=1,
        description="Synthetic draws (seed, seed+1000, ...) the scoring model is averaged over: more "
        "draws make the links depend less on the seed (each costs one training).",
    )
    unmatched_share: float = Field(
        0.12,
        ge=0,
        lt=1,
        description="Expected share of records whose company is not in the master (the prior the score is "
        "calibrated with): raise it when many customers / contacts are outside the master.",
    )
    min_training_master: int = Field(
        5_000,
        ge=0,
        description="Masters smaller than this are scored with a model trained on a generated reference "
        "master instead of their own synthetic pairs.",
    )
    seed: int = Field(
        7, description="Seed of the synthetic training pairs (same master + seed = same model)."
    )
    batch_size: int = Field(
        200_000, ge=1, description="Distinct records blocked and scored at a time (bounds memory)."
    )
    keep_candidates: bool = Field(
        False,
        description="Keep every scored candidate pair in the result (for benchmarks and debugging).",
    )
