"""The words customers name a way of paying by, for every reader that looks for one.

Regular-expression fragments (no groups, no word boundaries) so that each reader puts them in its own frame: the
grounding (graph.llm.matching) reads one of them as a method of the customer's account, the general-question reader
(graph.nlu.general) as the situation of a question ("I paid with PayPal, how long ...").
"""

from __future__ import annotations

# The methods a customer's account holds, by kind or card brand, as written in English and German: PayPal, a gift
# card, a credit or debit card. Singular: "cards" is more often a question about all of them than one named.
METHOD_NAMES = (
    r"paypal|pay\s*pal|gift\s*card|credit\s*card|debit\s*card|card|visa|mastercard|master\s*card|amex"
    r"|american\s+express|discover|geschenkkarte|geschenkgutschein|kreditkarte|karte"
)
# Ways to pay that no account of ours holds but customers pay or ask about paying with: wallets, paying later, codes.
# Not methods to ground ("my voucher" is no card on file), so the grounding leaves them out.
OTHER_WAYS_TO_PAY = r"apple\s+pay|google\s+pay|klarna|afterpay|voucher|coupon"
