"""The local engine's dialogue policy: which tool to call next, and which slot to ask for when one is missing.

It fills slots across turns (the order id given two messages ago still counts), verifies the customer before any
personal data, reads before it writes, and proposes writes only with every argument known, so that the graph can
list the details and ask the customer to confirm.

What each routine task collects, reads and writes is declared data: the procedures in graph/procedures/builtin.yaml
(order status and lists, cancel, the shipping address of a pending order and the account's default address, items
of a pending order and exchanges of a delivered one, the payment method of a pending order, returns, refunds,
voucher codes, goodwill credit, identity), overridden or extended per shop (graph/procedures/README.md). This module
reads which procedure a message starts or continues, remembers slots across turns, and implements the grounding
kinds the declarations name: the customer's words read against their own orders, items, variants, payment methods
and addresses. A procedure re-reads the order in the turn it writes, so the reply and the critique have this turn's
evidence, and says so when the order's status rules the change out rather than letting the write fail. The shop's
rules stay in the tools: their refusals reach the customer as worded.
"""
