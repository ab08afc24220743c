"""Shop profiles: one YAML file per shop with its brand, limits, escalation policy, hours and upsell rules."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, Field, PrivateAttr, field_validator

from shopdesk.countries import EU, country_code, in_eu

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Brand(BaseModel):
    name: str
    voice: str = "friendly and concise"
    sign_off: str = ""


class ReturnsPolicy(BaseModel):
    """`label_costs`: what the prepaid return label costs the customer, by the country the order shipped to,
    deducted from a return's refund (never below zero) and added to what an exchange settles. Keys are ISO 3166-1
    alpha-2 codes (`CA`, `GB`, `DE`; `UK` is read as `GB`), or `EU` for every member state at once; a country's own
    entry wins over `EU`. A country not listed returns free, as does every country when the map is empty (the
    default). The order's shipping country is read as the shop writes it ("USA", "United Kingdom", "DE")."""

    window_days: int = 30
    condition: str = "unused, in original packaging"
    # The condition rules a customer's "I wore it once, can I still return it?" is answered from: whether a used
    # item is taken back at all (a shop whose policy sets no condition on the item's state says true), whether a
    # damaged or faulty item comes back free for a replacement or a full refund, and whether a defect found in use
    # is a warranty claim instead.
    used_items_returnable: bool = False
    faulty_items_free: bool = False
    warranty: bool = False
    final_sale_categories: list[str] = Field(default_factory=list)
    refund_methods: list[str] = Field(default_factory=lambda: ["original_payment", "gift_card"])
    refund_processing_days: str = "5-7 business days"
    label_costs: dict[str, Decimal] = Field(default_factory=dict)

    @field_validator("label_costs")
    @classmethod
    def _known_countries(cls, costs: dict[str, Decimal]) -> dict[str, Decimal]:
        checked: dict[str, Decimal] = {}
        for key, cost in costs.items():
            code = EU if key.strip().upper() == EU else country_code(key)
            if code is None or len(key.strip()) != 2:
                raise ValueError(f"label_costs: {key!r} is not an ISO 3166-1 alpha-2 country code or EU")
            if cost < 0:
                raise ValueError(f"label_costs: the label for {key} cannot cost less than nothing")
            checked[code] = cost
        return checked

    def label_cost(self, country: str) -> Decimal:
        """What the return label of an order shipped to ``country`` (as the shop writes it) costs; 0 when free."""
        code = country_code(country)
        if code is None:
            return Decimal(0)
        if code in self.label_costs:
            return self.label_costs[code]
        return self.label_costs.get(EU, Decimal(0)) if in_eu(code) else Decimal(0)


class RefundLimits(BaseModel):
    auto_approve_limit: Decimal = Decimal("150.00")
    goodwill_max_amount: Decimal = Decimal("25.00")


class DiscountLimits(BaseModel):
    max_voucher_percent: Decimal = Decimal("10")
    max_voucher_amount: Decimal = Decimal("20.00")
    voucher_validity_days: int = 90
    goodwill_reasons: list[str] = Field(default_factory=list)
    # Fixed-amount credits one customer may get over goodwill_budget_days without a person's approval.
    goodwill_budget_per_customer: Decimal = Decimal("50.00")
    goodwill_budget_days: int = 365


class Approvals(BaseModel):
    require_for: list[str] = Field(default_factory=list)
    order_modification_limit: Decimal = Decimal("500.00")
    # Whether a supervisor's own tool run above a limit counts as approved (recorded as self-approved); False asks
    # for a second supervisor. Agents never approve their own.
    supervisor_self_approval: bool = True


class EscalationSettings(BaseModel):
    """Mirrors graph.nlu.escalation.EscalationPolicy field by field (validated there): when a person takes over.

    `high_value_order_amount` and `vip_customer_tiers` are approval facts only (recorded with a decision for the
    person who approves a write); they never hand a conversation over. The approval limits are in `approvals:`."""

    emotion_threshold: float = 0.6
    confidence_threshold: float = 0.45
    critical_keywords: list[str] = Field(default_factory=list)
    high_value_order_amount: float = 500.0
    vip_customer_tiers: list[str] = Field(default_factory=lambda: ["vip"])
    sensitive_topics: list[str] = Field(default_factory=list)
    max_unresolved_repeats: int = 2
    max_clarifications: int = 1
    hand_over_complaints: bool = True
    person_only_intents: list[str] = Field(default_factory=list)


class CritiqueSettings(BaseModel):
    min_score: float = 0.7
    max_rewrites: int = 2


class HumanTeam(BaseModel):
    timezone: str = "UTC"
    hours: dict[str, tuple[str, str]] = Field(default_factory=dict)
    shop_team_email: str = ""
    # Loaded with the profile (reading the time-zone database is file I/O), so the hourly checks of every turn
    # never touch the disk; an unknown zone name fails when the profile loads, not in a customer's turn.
    _zone: ZoneInfo = PrivateAttr()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {name!r} (use an IANA name such as 'Europe/Berlin')") from error
        return name

    def model_post_init(self, context: object, /) -> None:
        self._zone = ZoneInfo(self.timezone)

    def is_open(self, at: datetime | None = None) -> bool:
        local = (at or datetime.now(UTC)).astimezone(self._zone)
        window = self.hours.get(WEEKDAYS[local.weekday()])
        if not window:
            return False
        return time.fromisoformat(window[0]) <= local.time() < time.fromisoformat(window[1])

    def next_open(self, at: datetime | None = None) -> datetime | None:
        """When the team is next at work (now, if it is open); None if it never opens."""
        local = (at or datetime.now(UTC)).astimezone(self._zone)
        if self.is_open(local):
            return local
        for days_ahead in range(0, 8):
            day = local + timedelta(days=days_ahead)
            window = self.hours.get(WEEKDAYS[day.weekday()])
            if not window:
                continue
            opening = datetime.combine(day.date(), time.fromisoformat(window[0]), tzinfo=local.tzinfo)
            if opening > local:
                return opening
        return None


class UpsellRule(BaseModel):
    when_category: list[str]
    suggest_categories: list[str]


class Upsell(BaseModel):
    enabled: bool = True
    max_suggestions: int = 2
    rules: list[UpsellRule] = Field(default_factory=list)


VerificationMethod = Literal["email", "email_zip", "name_zip", "storefront"]
VERIFICATION_METHODS: tuple[VerificationMethod, ...] = ("email", "email_zip", "name_zip", "storefront")


class Verification(BaseModel):
    """What verifies a customer before the bot changes anything for them (reads need any verification).

    `email`: the account's email address alone; `email_zip`: the email and the zip code of one of their addresses;
    `name_zip`: full name and zip code; `storefront`: a customer token from the shop's own login. Knowing an email
    address is weak (it is on every parcel label), so a shop that fears parcel redirection drops `email`. The
    default accepts all four, as before this setting existed."""

    for_writes: list[VerificationMethod] = Field(default_factory=lambda: list(VERIFICATION_METHODS), min_length=1)

    def allows_writes(self, verified_via: str | None) -> bool:
        """Whether a customer verified this way (state.customer["verified_via"]) may have things changed."""
        return VERIFIED_VIA.get(verified_via or "") in self.for_writes

    def ways(self) -> str:
        """The accepted verifications, as the customer reads them."""
        return " or ".join(ASK_FOR[method] for method in self.for_writes)


# How a conversation's customer was verified -> the method's name here. Older conversations and the graph's
# fallbacks name the tool that verified them; a look-up whose method was not recorded counts as the weakest.
VERIFIED_VIA: dict[str, VerificationMethod] = {
    "email": "email",
    "email_zip": "email_zip",
    "name_zip": "name_zip",
    "storefront": "storefront",
    "find_customer_by_email": "email",
    "find_customer_by_name_zip": "name_zip",
    "identity_tool": "email",
}
ASK_FOR: dict[VerificationMethod, str] = {
    "email": "the email address of your account",
    "email_zip": "the email address of your account and the zip code of your address",
    "name_zip": "your full name and the zip code of your address",
    "storefront": "signing in to your account on our shop",
}


class ShopProfile(BaseModel):
    shop_id: str
    brand: Brand
    languages: list[str] = Field(default_factory=lambda: ["en"])
    currency: str = "USD"
    returns: ReturnsPolicy = Field(default_factory=ReturnsPolicy)
    refunds: RefundLimits = Field(default_factory=RefundLimits)
    discounts: DiscountLimits = Field(default_factory=DiscountLimits)
    approvals: Approvals = Field(default_factory=Approvals)
    escalation: EscalationSettings = Field(default_factory=EscalationSettings)
    critique: CritiqueSettings = Field(default_factory=CritiqueSettings)
    human_team: HumanTeam = Field(default_factory=HumanTeam)
    upsell: Upsell = Field(default_factory=Upsell)
    verification: Verification = Field(default_factory=Verification)
    # The shop's own procedures (graph/procedures/README.md): a YAML file or a folder of them, relative to this
    # profile's file. Without it, a folder `<shop_id>.procedures` next to the profile is used when there is one.
    procedures: str | None = None
    # The profile's own words a customer reads (the return condition, the refund time), in each other language the
    # shop speaks, keyed by language and then by the words as the profile writes them: a German answer is German
    # throughout, and only the shop knows how it says its own rules.
    wording: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Where the profile was read from (None for a profile built in code: it runs the built-in procedures only).
    _source: Path | None = PrivateAttr(default=None)

    def say(self, words: str) -> str:
        """The profile's own ``words`` in the language of the conversation being answered, as its ``wording`` gives
        them (as written when it gives none)."""
        from shopdesk.i18n.catalogue import current

        return self.wording.get(current().locale, {}).get(words, words)

    def procedures_path(self) -> Path | None:
        """The file or folder of the shop's own procedures, or None when it has none."""
        if self._source is None:
            return None
        if self.procedures:
            return self._source.parent / self.procedures
        beside = self._source.parent / f"{self.shop_id}.procedures"
        return beside if beside.is_dir() else None


class ProfileNotFound(LookupError):
    pass


@lru_cache(maxsize=16)
def load_profile(shop_id: str, profiles_dir: Path) -> ShopProfile:
    """The validated profile of a shop; a clear error names the file when it is missing or malformed."""
    path = profiles_dir / f"{shop_id}.yaml"
    if not path.is_file():
        raise ProfileNotFound(f"no shop profile {path} (known: {sorted(p.stem for p in profiles_dir.glob('*.yaml'))})")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    profile = ShopProfile.model_validate(data)
    profile._source = path
    # The shop's procedures are checked now, so a bad declaration fails when the profile loads, not in a turn.
    from graph.procedures.loader import procedures_for

    procedures_for(profile)
    return profile
