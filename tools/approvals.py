"""Which of a write's findings need a person's approval, as the shop profile decides.

A write collects (code, explanation) pairs while it checks the policy; only codes the profile lists under
``approvals.require_for`` turn into approval reasons, so a shop can switch a kind of approval off in its YAML.
"""

from __future__ import annotations

from shopdesk.profile import ShopProfile

POLICY_EXCEPTION = "policy_exception"
REFUND_OVER_LIMIT = "refund_over_limit"
VOUCHER_OVER_LIMIT = "voucher_over_limit"
MODIFICATION_OVER_LIMIT = "order_modification_over_limit"
# A claim the shop's data cannot confirm (damage, a missing item): always a person's call, whatever the profile lists.
CLAIM_NEEDS_PERSON = "claim_needs_person"
ALWAYS_A_PERSON = frozenset({CLAIM_NEEDS_PERSON})


def approval_reasons(profile: ShopProfile, findings: list[tuple[str, str]]) -> list[str]:
    """``"code: explanation"`` for each finding the profile wants a person to approve."""
    required = set(profile.approvals.require_for) | ALWAYS_A_PERSON
    return [f"{code}: {why}" for code, why in findings if code in required]
