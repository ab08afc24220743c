"""A realistic, deterministic demo shop: Northwind Outfitters (outdoor gear and apparel).

Everything comes from one random.Random(seed) and a given "today" (SEED_NOW unless told otherwise), never from the
clock or uuid4, so the same seed and day give byte-identical data on any machine and database; tests rely on it.
Statuses, dates, fulfillments, payments, returns and refunds are generated together so that they agree with each
other the way a real shop's records would (a delivered order was shipped before it was delivered, payments add up to
the items...).
"""

from __future__ import annotations

import itertools
import random
import string
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.db import session_scope
from shop.models import (
    Address,
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Product,
    Refund,
    RefundStatus,
    Return,
    ReturnKind,
    ReturnStatus,
    Transaction,
    TransactionKind,
    Variant,
    Voucher,
    VoucherKind,
)
from shopdesk.profile import ReturnsPolicy

Progress = Callable[[str, int, int], None]

# "Today" in the demo shop. Dates are relative to it so that ages (in transit, inside the return window) make sense.
SEED_NOW = datetime(2026, 11, 1, 9, 0, 0)
HISTORY_DAYS = 425
CENT = Decimal("0.01")

# Share of orders per status; delivered takes the rest. Each status gets at least one order.
_STATUS_SHARES: tuple[tuple[OrderStatus, float], ...] = (
    (OrderStatus.pending, 0.06),
    (OrderStatus.pending_items_modified, 0.006),
    (OrderStatus.processed, 0.05),
    (OrderStatus.shipped, 0.08),
    (OrderStatus.cancelled, 0.08),
    (OrderStatus.return_requested, 0.02),
    (OrderStatus.exchange_requested, 0.01),
)
# taubench's two cancellation reasons, so tools written against either shop accept the same values.
_CANCEL_REASONS = ("no longer needed", "ordered by mistake")
_RETURN_REASONS = ("too small", "too large", "not as pictured", "changed my mind", "arrived damaged", "wrong colour")
_GOODWILL_REASONS = ("late delivery", "damaged packaging", "missing item")


# --- catalog ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    key: str
    values: tuple[str, ...]
    # Price added per step along the values (larger capacity, longer bag...); "0" when every value costs the same.
    step: Decimal = Decimal("0")


@dataclass(frozen=True)
class _Spec:
    category: str
    name: str
    brand: str
    price: Decimal
    description: str
    options: tuple[_Option, ...]
    tags: tuple[str, ...] = ()
    final_sale: bool = False
    discontinued: bool = False


def _o(key: str, *values: str, step: str = "0") -> _Option:
    return _Option(key, values, Decimal(step))


SHOE_SIZES = _o("size", "US 7", "US 8", "US 9", "US 10", "US 11", "US 12")
APPAREL_SIZES = _o("size", "XS", "S", "M", "L", "XL", "XXL")
BODY_SIZES = _o("size", "S", "M", "L", "XL")
WAISTS = _o("waist", "30", "32", "34", "36")
SLEEPING_BAG = (_o("length", "Regular", "Long", step="20"), _o("zip", "Left", "Right"))
FINAL_SALE_CATEGORIES = ("gift cards", "underwear", "earrings")


def _spec(
    category: str,
    name: str,
    brand: str,
    price: str,
    description: str,
    *options: _Option,
    tags: tuple[str, ...] = (),
    final_sale: bool = False,
    discontinued: bool = False,
) -> _Spec:
    return _Spec(
        category=category,
        name=name,
        brand=brand,
        price=Decimal(price),
        description=description,
        options=options,
        tags=tags,
        final_sale=final_sale or category in FINAL_SALE_CATEGORIES,
        discontinued=discontinued,
    )


CATALOG: tuple[_Spec, ...] = (
    # shoes
    _spec("shoes", "Trailhead Pro Hiking Shoe", "Cairn", "149.00",
          "A low-cut hiking shoe with a waterproof membrane and a grippy lugged outsole for mixed terrain. "
          "The cushioned midsole keeps long days comfortable without the weight of a boot.",
          SHOE_SIZES, _o("color", "Slate", "Moss", "Black"), tags=("waterproof", "bestseller")),
    _spec("shoes", "Ridgeback Mid Waterproof Boot", "Cairn", "189.00",
          "A mid-height leather boot that supports your ankles on rocky descents. "
          "Seam-sealed construction and a breathable lining keep feet dry through streams and spring snow.",
          SHOE_SIZES, _o("color", "Brown", "Charcoal"), tags=("waterproof",)),
    _spec("shoes", "Cloudpath Trail Runner", "Summit Forge", "134.00",
          "A lightweight trail running shoe with a rock plate and a 4 mm drop. "
          "Its breathable mesh upper drains quickly after puddles and creek crossings.",
          SHOE_SIZES, _o("color", "Ocean Blue", "Coral", "Black")),
    _spec("shoes", "Harbor Canvas Sneaker", "Northwind", "69.00",
          "An everyday canvas sneaker with a vulcanized rubber sole and a cushioned footbed. "
          "Easy to pair with anything from chinos to shorts.",
          SHOE_SIZES, _o("color", "Navy", "Off-White", "Olive")),
    _spec("shoes", "Basecamp Camp Moc", "Northwind", "59.00",
          "A slip-on camp shoe with a quilted upper and a fleece lining for cold mornings at the campsite. "
          "The rubber sole is tough enough for a quick walk to the trailhead.",
          SHOE_SIZES, _o("color", "Grey", "Rust"), discontinued=True),
    # socks
    _spec("socks", "Merino Hiker Crew Sock", "Larchline", "22.00",
          "A midweight merino wool sock with cushioning under the heel and the ball of the foot. "
          "Naturally odour-resistant, so it stays fresh across multi-day trips.",
          BODY_SIZES, _o("color", "Charcoal", "Forest", "Oatmeal"), tags=("bestseller",)),
    _spec("socks", "Trail Runner Ankle Sock (3-Pack)", "Summit Forge", "28.00",
          "Three pairs of thin, quick-drying ankle socks with a seamless toe. "
          "Arch compression keeps them in place on long runs.",
          BODY_SIZES, _o("color", "Black", "White", "Mixed")),
    _spec("socks", "Expedition Heavyweight Sock", "Larchline", "29.00",
          "Our warmest sock, knit from a dense merino blend for winter mountaineering and ski touring. "
          "The reinforced heel and toe hold up to heavy boots.",
          BODY_SIZES, _o("color", "Grey", "Red")),
    _spec("socks", "Everyday Cotton Crew Sock (5-Pack)", "Northwind", "24.00",
          "Five pairs of soft combed-cotton crew socks for daily wear. "
          "A ribbed cuff keeps them up without pinching.",
          BODY_SIZES, _o("color", "Assorted", "Black")),
    # shoe care
    _spec("shoe care", "Waterproofing Spray", "Tidewater", "14.00",
          "A fluorocarbon-free spray that renews the water repellency of leather and fabric footwear. "
          "One 300 ml can treats about six pairs.",
          _o("volume", "100 ml", "300 ml", step="8")),
    _spec("shoe care", "Leather Conditioner", "Tidewater", "16.00",
          "A beeswax-based balm that nourishes full-grain leather and keeps it supple. "
          "Apply after cleaning to prevent cracking at the flex points.",
          _o("volume", "100 ml")),
    _spec("shoe care", "Shoe Cleaning Kit", "Tidewater", "24.00",
          "A brush, a microfibre cloth and a gentle foaming cleaner in a zip pouch. "
          "Lifts mud and salt stains from leather, suede and mesh.",
          _o("kit", "standard")),
    _spec("shoe care", "Cedar Shoe Trees", "Northwind", "19.00",
          "Aromatic cedar shoe trees that absorb moisture and hold the shape of your shoes between wears. "
          "Sized to fit most hiking and casual shoes.",
          _o("size", "S", "M", "L")),
    # jackets
    _spec("jackets", "Stormline 3L Rain Jacket", "Summit Forge", "229.00",
          "A fully seam-taped three-layer shell for all-day rain. "
          "Pit zips and a helmet-compatible hood make it a favourite for alpine hikes.",
          APPAREL_SIZES, _o("color", "Glacier Blue", "Black", "Ember"), tags=("waterproof", "bestseller")),
    _spec("jackets", "Alpenglow Down Parka", "Fjellstrom", "549.00",
          "A 700-fill, responsibly sourced down parka cut long to cover the hips. "
          "Made for deep winter, with a storm flap, fleece-lined pockets and a removable faux-fur ruff.",
          APPAREL_SIZES, _o("color", "Black", "Burgundy")),
    _spec("jackets", "Ridgeline Softshell Jacket", "Cairn", "159.00",
          "A stretchy, wind-resistant softshell for cool days on the move. "
          "The brushed interior adds warmth without bulk.",
          APPAREL_SIZES, _o("color", "Olive", "Charcoal", "Navy")),
    _spec("jackets", "Featherlite Insulated Jacket", "Fjellstrom", "249.00",
          "Synthetic insulation that stays warm even when damp, in a jacket that stuffs into its own pocket. "
          "An ideal layering piece for the shoulder seasons.",
          APPAREL_SIZES, _o("color", "Black", "Sage", "Cobalt")),
    _spec("jackets", "Harbor Fleece Jacket", "Northwind", "89.00",
          "A classic full-zip fleece made from recycled polyester. "
          "Soft, warm and easy to wash, it works as a mid-layer or on its own.",
          APPAREL_SIZES, _o("color", "Heather Grey", "Navy", "Forest")),
    _spec("jackets", "Summit Expedition Shell", "Summit Forge", "629.00",
          "Our most protective hard shell, built from a 40-denier face fabric for high-altitude expeditions. "
          "Reinforced shoulders resist pack abrasion and two-way zips vent heat on the climb.",
          APPAREL_SIZES, _o("color", "Orange", "Black"), tags=("waterproof",)),
    # beanies
    _spec("beanies", "Ribbed Merino Beanie", "Larchline", "34.00",
          "A fine-ribbed merino beanie that is warm, breathable and itch-free. "
          "Fold the cuff for extra cover over the ears.",
          _o("color", "Charcoal", "Mustard", "Navy", "Rust")),
    _spec("beanies", "Pom Pom Cable Knit Beanie", "Northwind", "29.00",
          "A chunky cable-knit beanie topped with a faux-fur pom. "
          "The fleece lining blocks the wind on chilly walks.",
          _o("color", "Cream", "Red", "Forest")),
    _spec("beanies", "Fisherman Watch Cap", "Tidewater", "24.00",
          "A short, snug watch cap in a soft acrylic and wool blend. "
          "It sits above the ears for a classic harbour look.",
          _o("color", "Black", "Orange", "Grey"), tags=("clearance",), final_sale=True),
    _spec("beanies", "Thermal Running Beanie", "Summit Forge", "26.00",
          "A lightweight, moisture-wicking beanie with reflective details for winter runs. "
          "Thin enough to wear under a helmet.",
          _o("color", "Black", "Hi-Vis Yellow")),
    # gloves
    _spec("gloves", "Alpine Insulated Glove", "Fjellstrom", "79.00",
          "A waterproof, insulated glove with a leather palm for skiing and winter hiking. "
          "Long gauntlet cuffs seal out snow.",
          BODY_SIZES, _o("color", "Black")),
    _spec("gloves", "Touchscreen Liner Glove", "Larchline", "29.00",
          "A thin merino liner with conductive fingertips, so you can use your phone without exposing your hands. "
          "Wear it alone or under shell mittens.",
          BODY_SIZES, _o("color", "Black", "Grey")),
    _spec("gloves", "Trail Softshell Glove", "Cairn", "45.00",
          "A windproof softshell glove with grippy silicone palms for trekking poles. "
          "Warm enough for cold mornings and breathable on the climb.",
          BODY_SIZES, _o("color", "Black", "Olive")),
    _spec("gloves", "Down Expedition Mitt", "Fjellstrom", "119.00",
          "A box-baffled down mitt for the coldest conditions. The removable liner dries overnight in a tent.",
          BODY_SIZES, _o("color", "Red", "Black")),
    # tents
    _spec("tents", "Ridgeline 2 Backpacking Tent", "Cairn", "399.00",
          "A freestanding, double-wall tent that weighs just under 2 kg. "
          "Two doors and two vestibules mean nobody climbs over anybody at night.",
          _o("capacity", "2-person"), _o("color", "Sage", "Orange"), tags=("bestseller",)),
    _spec("tents", "Basecamp Family Tent", "Northwind", "459.00",
          "A roomy cabin-style tent with near-vertical walls and space for two queen airbeds. "
          "Colour-coded poles make setup a ten-minute job.",
          _o("capacity", "4-person", "6-person", step="140")),
    _spec("tents", "Summit Four-Season Tent", "Summit Forge", "749.00",
          "A geodesic expedition tent that stands up to high winds and heavy snow. "
          "Snow flaps, internal guy-outs and a large vestibule keep you and your gear sheltered.",
          _o("capacity", "2-person", "3-person", step="120")),
    _spec("tents", "Ultralight Trekking Pole Shelter", "Cairn", "289.00",
          "A single-wall shelter pitched with your trekking poles, weighing from 780 g. "
          "Ideal for long-distance hikers who count every gram.",
          _o("capacity", "1-person", "2-person", step="60")),
    _spec("tents", "Pop-Up Beach Shelter", "Tidewater", "89.00",
          "An instant sun shelter with UPF 50+ fabric and sand pockets for anchoring. "
          "It pops open in seconds and folds flat into a shoulder bag.",
          _o("color", "Sand", "Sky Blue"), tags=("clearance",), final_sale=True),
    # sleeping bags
    _spec("sleeping bags", "Aurora 20°F Down Sleeping Bag", "Fjellstrom", "349.00",
          "A mummy bag with 650-fill down rated to 20°F (-7°C). "
          "It compresses to the size of a loaf of bread for backpacking.",
          *SLEEPING_BAG),
    _spec("sleeping bags", "Trailhead 30°F Synthetic Bag", "Cairn", "149.00",
          "A three-season synthetic bag that keeps its loft when damp. "
          "A full-length zip lets you open it into a quilt on warm nights.",
          *SLEEPING_BAG),
    _spec("sleeping bags", "Polar -10°F Expedition Bag", "Summit Forge", "599.00",
          "Rated to -10°F (-23°C), with an insulated draft collar and a cinchable hood. "
          "Built for winter camping and high-altitude expeditions.",
          *SLEEPING_BAG),
    _spec("sleeping bags", "Camp Cozy Rectangular Bag", "Northwind", "89.00",
          "A roomy rectangular bag with a flannel lining for car camping. "
          "It zips together with a second bag to make a double.",
          _o("length", "Regular", "Long", step="15")),
    # camping stoves
    _spec("camping stoves", "Jetstream Canister Stove System", "Summit Forge", "139.00",
          "An integrated stove and pot that boils a litre of water in about three minutes. "
          "The heat-exchanger base saves fuel on long trips.",
          _o("pot size", "1.0 L", "1.8 L", step="30")),
    _spec("camping stoves", "Firelite Titanium Stove", "Cairn", "59.00",
          "A 45 g titanium stove that screws onto any standard fuel canister. It folds down to fit inside a mug.",
          _o("material", "titanium")),
    _spec("camping stoves", "Two-Burner Camp Stove", "Northwind", "129.00",
          "A classic two-burner propane stove with wind shields and a push-button igniter. "
          "Cook breakfast and coffee at the same time.",
          _o("fuel", "propane")),
    _spec("camping stoves", "Multi-Fuel Expedition Stove", "Summit Forge", "189.00",
          "Runs on white gas, kerosene or diesel for travel where canisters are hard to find. "
          "Field-maintainable with the included repair kit.",
          _o("fuel", "multi-fuel")),
    # backpacks
    _spec("backpacks", "Trailhead 28 Daypack", "Cairn", "119.00",
          "A 28-litre daypack with a ventilated back panel and a hydration sleeve. "
          "Side pockets hold two bottles and the lid stash keeps snacks close.",
          _o("capacity", "28 L"), _o("color", "Black", "Moss", "Rust"), tags=("bestseller",)),
    _spec("backpacks", "Pathfinder Trekking Pack", "Summit Forge", "259.00",
          "A load-carrying pack with an adjustable torso length and a hip belt that spreads the weight evenly. "
          "Front-panel access lets you reach gear without unpacking.",
          _o("capacity", "55 L", "65 L", step="30"), _o("color", "Slate", "Cobalt")),
    _spec("backpacks", "Commuter Roll-Top Pack", "Tidewater", "139.00",
          "A waterproof roll-top backpack with a padded sleeve for 16-inch laptops. "
          "Reflective details keep you visible on rainy rides home.",
          _o("capacity", "24 L"), _o("color", "Black", "Sand"), tags=("waterproof",)),
    _spec("backpacks", "Summit 70 Expedition Pack", "Summit Forge", "399.00",
          "A 70-litre expedition pack with a removable lid that doubles as a summit bag. "
          "Ice axe loops and a crampon pocket are ready for alpine routes.",
          _o("capacity", "70 L"), _o("color", "Red", "Black")),
    _spec("backpacks", "Kids' Explorer Backpack", "Northwind", "49.00",
          "A 15-litre pack sized for young hikers, with a chest strap and a whistle on the buckle. "
          "Bright colours make it easy to spot on the trail.",
          _o("capacity", "15 L"), _o("color", "Teal", "Yellow")),
    # water bottles
    _spec("water bottles", "Insulated Steel Bottle", "Tidewater", "32.00",
          "A double-walled stainless steel bottle that keeps drinks cold for 24 hours or hot for 12. "
          "The leakproof lid has a carry loop.",
          _o("capacity", "500 ml", "750 ml", "1000 ml", step="4"), _o("color", "Black", "Glacier", "Sage"),
          tags=("bestseller",)),
    _spec("water bottles", "Collapsible Soft Flask", "Summit Forge", "24.00",
          "A soft flask that rolls up when empty and fits in a running vest pocket. "
          "The bite valve lets you drink without stopping.",
          _o("capacity", "500 ml"), discontinued=True),
    _spec("water bottles", "Wide-Mouth Tritan Bottle", "Northwind", "16.00",
          "A BPA-free, practically unbreakable bottle with a wide mouth for ice cubes and easy cleaning. "
          "Printed volume marks help you keep track of what you drink.",
          _o("capacity", "1000 ml"), _o("color", "Clear", "Blue", "Green", "Pink")),
    _spec("water bottles", "Trail Filter Bottle", "Cairn", "44.00",
          "A squeeze bottle with a built-in hollow-fibre filter that removes bacteria and protozoa. "
          "Fill it from a stream and drink on the move.",
          _o("capacity", "650 ml"), _o("color", "Blue", "Grey")),
    # gift cards (final sale)
    _spec("gift cards", "Northwind Gift Card", "Northwind", "25.00",
          "A digital gift card delivered by email and valid for everything in our shop. "
          "Gift cards are final sale and never expire.",
          _o("amount", "$25", "$50", "$100", "$200")),
    _spec("gift cards", "Adventure Gift Box", "Northwind", "75.00",
          "A physical gift card packed in a recycled kraft box with a Northwind enamel pin. "
          "A ready-made present for birthdays and holidays.",
          _o("amount", "$75", "$150")),
    # underwear (final sale)
    _spec("underwear", "Merino Boxer Brief", "Larchline", "38.00",
          "A merino-blend boxer brief that regulates temperature and resists odour on multi-day trips. "
          "Flat seams prevent chafing under a hip belt.",
          BODY_SIZES, _o("color", "Black", "Charcoal", "Navy")),
    _spec("underwear", "Active Bralette", "Larchline", "42.00",
          "A soft, supportive bralette in quick-drying merino jersey for hiking and travel. "
          "No underwire and no hardware to dig in under pack straps.",
          BODY_SIZES, _o("color", "Black", "Plum", "Sand")),
    _spec("underwear", "Everyday Cotton Brief (3-Pack)", "Northwind", "29.00",
          "Three breathable cotton-stretch briefs for everyday wear. "
          "A covered waistband stays soft wash after wash.",
          BODY_SIZES, _o("color", "Assorted", "Black")),
    _spec("underwear", "Thermal Long Underwear Bottoms", "Fjellstrom", "59.00",
          "A midweight thermal bottom with a brushed interior for winter activities. "
          "Wear it under ski pants or on its own around camp.",
          BODY_SIZES, _o("color", "Black", "Grey")),
    # earrings (final sale)
    _spec("earrings", "Mountain Peak Stud Earrings", "Alder & Finch", "48.00",
          "Tiny mountain-shaped studs cast in recycled metal. A quiet nod to your favourite summit.",
          _o("metal", "sterling silver", "14k gold vermeil", step="22")),
    _spec("earrings", "Compass Rose Drop Earrings", "Alder & Finch", "64.00",
          "Delicate drop earrings with an engraved compass rose. Hypoallergenic ear wires suit sensitive ears.",
          _o("metal", "sterling silver", "14k gold vermeil", step="22")),
    _spec("earrings", "Pine Needle Hoop Earrings", "Alder & Finch", "56.00",
          "Slim hoops with a hand-textured pine needle pattern. Light enough for all-day wear.",
          _o("metal", "sterling silver", "14k gold vermeil", step="22")),
    # base layers
    _spec("base layers", "Merino 200 Crew Base Layer", "Larchline", "89.00",
          "A midweight merino long-sleeve crew for cold-weather layering. "
          "It wicks moisture, stays warm when wet and resists odour for days.",
          APPAREL_SIZES, _o("color", "Black", "Forest", "Ice Blue")),
    _spec("base layers", "Merino 150 Tee", "Larchline", "65.00",
          "A lightweight merino T-shirt that works on the trail and in town. "
          "Breathable in summer and a perfect first layer in winter.",
          APPAREL_SIZES, _o("color", "Charcoal", "Sage", "White")),
    _spec("base layers", "Grid Fleece Half-Zip", "Summit Forge", "95.00",
          "A grid-back fleece that traps warmth while letting sweat escape on steep climbs. "
          "The half zip and thumb loops make it easy to adjust on the move.",
          APPAREL_SIZES, _o("color", "Black", "Cobalt")),
    _spec("base layers", "Sun Hoodie UPF 50", "Tidewater", "59.00",
          "A featherweight hoodie with UPF 50 sun protection for desert hikes and days on the water. "
          "The hood fits over a cap.",
          APPAREL_SIZES, _o("color", "White", "Sky Blue", "Sand")),
    # headlamps
    _spec("headlamps", "Beacon 400 Headlamp", "Cairn", "49.00",
          "A 400-lumen headlamp with a red night-vision mode and a lock that stops it turning on in your pack. "
          "Runs on three AAA batteries.",
          _o("color", "Black", "Orange")),
    _spec("headlamps", "Beacon 900 Rechargeable Headlamp", "Cairn", "89.00",
          "A 900-lumen headlamp with a USB-C rechargeable battery pack at the back for balance. "
          "Reactive lighting adjusts the brightness to what you are looking at.",
          _o("color", "Black")),
    _spec("headlamps", "Trail Kids Headlamp", "Northwind", "24.00",
          "A kid-friendly headlamp with a soft strap and a simple one-button switch. "
          "It stays at a gentle 100 lumens so it never dazzles.",
          _o("color", "Blue", "Pink", "Green")),
    # pants
    _spec("pants", "Ridgeline Trekking Pants", "Cairn", "99.00",
          "Stretch-woven trail pants with a water-repellent finish and articulated knees. "
          "Zippered thigh pockets keep your phone secure on scrambles.",
          WAISTS, _o("color", "Khaki", "Charcoal", "Olive")),
    _spec("pants", "Convertible Zip-Off Pants", "Northwind", "79.00",
          "Pants that zip off into shorts when the afternoon heats up. Quick-drying nylon with a built-in belt.",
          WAISTS, _o("color", "Stone", "Grey")),
    _spec("pants", "Stormline Rain Pants", "Summit Forge", "149.00",
          "Waterproof, breathable overtrousers with full-length side zips so you can pull them on over boots. "
          "They pack down into their own pocket.",
          BODY_SIZES, _o("color", "Black"), tags=("waterproof",)),
    _spec("pants", "Fleece-Lined Winter Pants", "Fjellstrom", "119.00",
          "Softshell pants with a warm fleece lining for snowshoeing and winter walks. "
          "Snow gaiters at the cuffs keep the cold out.",
          WAISTS, _o("color", "Black", "Navy")),
)  # fmt: skip


# Structured facts per product, the way a shop's catalog (Shopify metafields, a PIM export) carries them. Values
# are what a product page would print; numbers carry their unit so answers can compare them. They agree with the
# descriptions above.
PRODUCT_ATTRIBUTES: dict[str, dict[str, str]] = {
    "Trailhead Pro Hiking Shoe": {
        "material": "suede and recycled mesh upper with a waterproof membrane",
        "waterproof": "waterproof",
        "weight": "820 g per pair",
        "fit": "true to size",
        "use": "hiking, trail, wet weather",
        "care": "brush off dirt, rinse with cold water and air dry away from heat",
    },
    "Ridgeback Mid Waterproof Boot": {
        "material": "full-grain leather with a breathable waterproof lining",
        "waterproof": "waterproof",
        "weight": "1,150 g per pair",
        "fit": "true to size; take the larger size if between sizes",
        "use": "hiking, backpacking, wet weather, snow",
        "care": "clean with a damp brush, let dry naturally and treat with leather conditioner",
    },
    "Cloudpath Trail Runner": {
        "material": "engineered mesh upper with a rubber outsole and a rock plate",
        "waterproof": "not waterproof",
        "weight": "560 g per pair",
        "drop": "4 mm",
        "fit": "true to size",
        "use": "trail running, running",
        "care": "rinse off mud and air dry; do not machine-wash",
    },
    "Harbor Canvas Sneaker": {
        "material": "cotton canvas upper with a vulcanized rubber sole",
        "waterproof": "not waterproof",
        "weight": "700 g per pair",
        "fit": "true to size",
        "use": "everyday, casual",
        "care": "spot-clean with mild soap and water; do not machine-wash",
    },
    "Basecamp Camp Moc": {
        "material": "quilted nylon upper with a fleece lining and a rubber sole",
        "waterproof": "not waterproof",
        "weight": "480 g per pair",
        "use": "camping, around camp",
        "care": "spot-clean and air dry",
    },
    "Merino Hiker Crew Sock": {
        "material": "71% merino wool, 26% nylon, 3% elastane",
        "weight": "midweight",
        "use": "hiking, backpacking",
        "care": "machine-wash warm inside out, tumble dry low",
    },
    "Trail Runner Ankle Sock (3-Pack)": {
        "material": "polyester and nylon blend",
        "weight": "lightweight",
        "use": "running, trail running",
        "care": "machine-wash warm, tumble dry low",
    },
    "Expedition Heavyweight Sock": {
        "material": "80% merino wool, 18% nylon, 2% elastane",
        "weight": "heavyweight",
        "use": "winter, mountaineering, skiing",
        "care": "machine-wash warm inside out, tumble dry low",
    },
    "Everyday Cotton Crew Sock (5-Pack)": {
        "material": "combed cotton with a little elastane",
        "weight": "lightweight",
        "use": "everyday",
        "care": "machine-wash warm, tumble dry",
    },
    "Waterproofing Spray": {
        "material": "fluorocarbon-free water-based spray",
        "volume": "100 ml or 300 ml",
        "compatibility": "leather, suede and fabric footwear, including waterproof membranes",
        "coverage": "a 300 ml can treats about six pairs",
    },
    "Leather Conditioner": {
        "material": "beeswax-based balm",
        "volume": "100 ml",
        "compatibility": "full-grain leather; not for suede or nubuck",
    },
    "Shoe Cleaning Kit": {
        "contents": "a brush, a microfibre cloth and a foaming cleaner in a zip pouch",
        "compatibility": "leather, suede and mesh",
    },
    "Cedar Shoe Trees": {"material": "aromatic red cedar", "fit": "S fits US 6-8, M fits US 8.5-10.5, L fits US 11-13"},
    "Stormline 3L Rain Jacket": {
        "material": "3-layer recycled nylon with a waterproof-breathable membrane, fully seam-taped",
        "waterproof": "waterproof, rated 20,000 mm",
        "weight": "430 g",
        "warmth": "1/5 (a shell, layer underneath)",
        "fit": "regular fit, room for a fleece underneath",
        "use": "hiking, rain, alpine, travel",
        "care": "machine-wash cold on a gentle cycle with a technical detergent, no fabric softener; "
        "tumble dry low to reactivate the water repellency",
    },
    "Alpenglow Down Parka": {
        "material": "recycled polyester shell with 700-fill responsibly sourced down",
        "waterproof": "water-resistant, not waterproof",
        "weight": "1,200 g",
        "warmth": "5/5",
        "use": "winter, city, cold weather",
        "fit": "long cut that covers the hips",
        "care": "machine-wash cold on a gentle cycle with down wash; tumble dry low with dryer balls",
    },
    "Ridgeline Softshell Jacket": {
        "material": "stretch polyester softshell with a brushed interior",
        "waterproof": "water-resistant, not waterproof",
        "weight": "520 g",
        "warmth": "2/5",
        "use": "hiking, climbing, cool days",
        "care": "machine-wash cold, hang dry",
    },
    "Featherlite Insulated Jacket": {
        "material": "ripstop nylon shell with synthetic insulation",
        "waterproof": "water-resistant, not waterproof",
        "weight": "360 g",
        "warmth": "3/5",
        "use": "hiking, layering, travel, cold weather",
        "care": "machine-wash cold, tumble dry low",
    },
    "Harbor Fleece Jacket": {
        "material": "100% recycled polyester fleece",
        "waterproof": "not waterproof",
        "weight": "450 g",
        "warmth": "2/5",
        "use": "everyday, layering, hiking",
        "care": "machine-washable: wash cold, tumble dry low, no fabric softener",
    },
    "Summit Expedition Shell": {
        "material": "40-denier 3-layer nylon with a waterproof-breathable membrane, fully seam-taped",
        "waterproof": "waterproof, rated 28,000 mm",
        "weight": "610 g",
        "warmth": "1/5 (a shell, layer underneath)",
        "use": "mountaineering, alpine, rain, expeditions",
        "care": "machine-wash cold with a technical detergent, no fabric softener; tumble dry low",
    },
    "Ribbed Merino Beanie": {
        "material": "100% merino wool",
        "weight": "70 g",
        "warmth": "3/5",
        "use": "everyday, winter, hiking",
        "care": "hand-wash cold and dry flat",
    },
    "Pom Pom Cable Knit Beanie": {
        "material": "acrylic knit with a fleece lining and a faux-fur pom",
        "weight": "110 g",
        "warmth": "4/5",
        "use": "everyday, winter",
        "care": "hand-wash cold and dry flat; remove the pom before washing",
    },
    "Fisherman Watch Cap": {
        "material": "70% acrylic, 30% wool",
        "weight": "60 g",
        "warmth": "2/5",
        "use": "everyday",
        "care": "hand-wash cold and dry flat",
    },
    "Thermal Running Beanie": {
        "material": "moisture-wicking polyester with reflective details",
        "weight": "40 g",
        "warmth": "1/5",
        "use": "running, winter running",
        "care": "machine-wash cold, hang dry",
    },
    "Alpine Insulated Glove": {
        "material": "nylon shell, leather palm, synthetic insulation and a waterproof insert",
        "waterproof": "waterproof",
        "warmth": "4/5",
        "use": "skiing, winter, hiking",
        "care": "hand-wash, air dry",
    },
    "Touchscreen Liner Glove": {
        "material": "merino wool with conductive fingertips",
        "waterproof": "not waterproof",
        "warmth": "1/5",
        "use": "everyday, running, layering",
        "care": "hand-wash cold, dry flat",
    },
    "Trail Softshell Glove": {
        "material": "windproof softshell with silicone palms",
        "waterproof": "water-resistant, not waterproof",
        "warmth": "2/5",
        "use": "hiking, trekking",
        "care": "hand-wash, air dry",
    },
    "Down Expedition Mitt": {
        "material": "box-baffled 800-fill down with a removable liner",
        "waterproof": "water-resistant shell",
        "warmth": "5/5",
        "use": "mountaineering, winter, expeditions",
        "care": "hand-wash the liner; spot-clean the mitt",
    },
    "Ridgeline 2 Backpacking Tent": {
        "material": "ripstop nylon fly and aluminium poles",
        "waterproof": "waterproof fly, rated 3,000 mm",
        "weight": "1.95 kg",
        "capacity": "2 people",
        "seasons": "3-season",
        "packed size": "46 x 15 cm",
        "use": "backpacking, hiking, camping",
        "care": "dry fully before storing; do not machine-wash",
    },
    "Basecamp Family Tent": {
        "material": "polyester fly and fibreglass poles",
        "waterproof": "waterproof fly, rated 2,000 mm",
        "weight": "9.8 kg (4-person) or 13.5 kg (6-person)",
        "capacity": "4 or 6 people",
        "seasons": "3-season",
        "use": "car camping, family camping",
        "care": "dry fully before storing; do not machine-wash",
    },
    "Summit Four-Season Tent": {
        "material": "silicone-coated nylon fly and aluminium poles",
        "waterproof": "waterproof fly, rated 5,000 mm",
        "weight": "3.4 kg (2-person) or 4.1 kg (3-person)",
        "capacity": "2 or 3 people",
        "seasons": "4-season",
        "use": "winter camping, mountaineering, expeditions",
        "care": "dry fully before storing; do not machine-wash",
    },
    "Ultralight Trekking Pole Shelter": {
        "material": "single-wall silnylon, pitched with trekking poles",
        "waterproof": "waterproof, rated 3,000 mm",
        "weight": "780 g (1-person) or 950 g (2-person)",
        "capacity": "1 or 2 people",
        "seasons": "3-season",
        "use": "backpacking, thru-hiking",
        "care": "dry fully before storing; do not machine-wash",
    },
    "Pop-Up Beach Shelter": {
        "material": "polyester with UPF 50+ coating",
        "waterproof": "not waterproof",
        "weight": "1.6 kg",
        "capacity": "2 people",
        "use": "beach, sun",
    },
    "Aurora 20°F Down Sleeping Bag": {
        "material": "nylon shell with 650-fill down",
        "temperature rating": "20°F (-7°C)",
        "weight": "1.1 kg (Regular) or 1.2 kg (Long)",
        "packed size": "about the size of a loaf of bread",
        "fit": "Regular fits up to 6 ft (183 cm), Long up to 6 ft 6 in (198 cm)",
        "use": "backpacking, camping",
        "care": "spot-clean; wash rarely with down wash and tumble dry low with dryer balls",
    },
    "Trailhead 30°F Synthetic Bag": {
        "material": "polyester shell with synthetic insulation",
        "temperature rating": "30°F (-1°C)",
        "weight": "1.5 kg (Regular) or 1.6 kg (Long)",
        "fit": "Regular fits up to 6 ft (183 cm), Long up to 6 ft 6 in (198 cm)",
        "use": "camping, backpacking",
        "care": "machine-wash cold in a front-loader, tumble dry low",
    },
    "Polar -10°F Expedition Bag": {
        "material": "ripstop nylon shell with 800-fill down",
        "temperature rating": "-10°F (-23°C)",
        "weight": "2.2 kg (Regular) or 2.3 kg (Long)",
        "fit": "Regular fits up to 6 ft (183 cm), Long up to 6 ft 6 in (198 cm)",
        "use": "winter camping, expeditions",
        "care": "spot-clean; professional down cleaning recommended",
    },
    "Camp Cozy Rectangular Bag": {
        "material": "cotton-blend shell with a flannel lining and synthetic fill",
        "temperature rating": "40°F (4°C)",
        "weight": "2.4 kg (Regular) or 2.7 kg (Long)",
        "use": "car camping",
        "care": "machine-wash cold, tumble dry low",
    },
    "Jetstream Canister Stove System": {
        "material": "aluminium pot with a heat-exchanger base",
        "weight": "430 g (1.0 L) or 520 g (1.8 L)",
        "fuel": "isobutane-propane canisters",
        "boil time": "about 3 minutes per litre",
        "use": "backpacking, camping",
    },
    "Firelite Titanium Stove": {
        "material": "titanium",
        "weight": "45 g",
        "fuel": "isobutane-propane canisters (standard threaded)",
        "use": "backpacking, ultralight",
    },
    "Two-Burner Camp Stove": {
        "material": "powder-coated steel",
        "weight": "5.2 kg",
        "fuel": "propane (1 lb cylinders)",
        "use": "car camping, family camping",
    },
    "Multi-Fuel Expedition Stove": {
        "material": "stainless steel and brass",
        "weight": "390 g",
        "fuel": "white gas, kerosene or diesel",
        "use": "expeditions, travel",
    },
    "Trailhead 28 Daypack": {
        "material": "recycled nylon",
        "waterproof": "water-resistant, not waterproof",
        "capacity": "28 L",
        "weight": "950 g",
        "use": "hiking, day hikes, travel",
        "care": "hand-wash with mild soap, air dry",
    },
    "Pathfinder Trekking Pack": {
        "material": "high-tenacity nylon",
        "waterproof": "water-resistant, not waterproof",
        "capacity": "55 L or 65 L",
        "weight": "1.9 kg (55 L) or 2.1 kg (65 L)",
        "use": "backpacking, trekking",
        "care": "hand-wash with mild soap, air dry",
    },
    "Commuter Roll-Top Pack": {
        "material": "TPU-laminated polyester",
        "waterproof": "waterproof (welded seams, roll-top closure)",
        "capacity": "24 L",
        "weight": "1.0 kg",
        "compatibility": "fits laptops up to 16 inches",
        "use": "commuting, cycling, rain, city",
        "care": "wipe clean with a damp cloth",
    },
    "Summit 70 Expedition Pack": {
        "material": "abrasion-resistant nylon",
        "waterproof": "water-resistant, not waterproof",
        "capacity": "70 L",
        "weight": "2.6 kg",
        "use": "expeditions, mountaineering",
        "care": "hand-wash with mild soap, air dry",
    },
    "Kids' Explorer Backpack": {
        "material": "polyester",
        "capacity": "15 L",
        "weight": "450 g",
        "use": "kids, day hikes, school",
        "care": "hand-wash with mild soap, air dry",
    },
    "Insulated Steel Bottle": {
        "material": "double-walled 18/8 stainless steel",
        "capacity": "500 ml, 750 ml or 1000 ml",
        "weight": "340 g (500 ml), 410 g (750 ml) or 520 g (1000 ml)",
        "insulation": "cold for 24 hours, hot for 12 hours",
        "care": "hand-wash only; not dishwasher-safe",
    },
    "Collapsible Soft Flask": {
        "material": "BPA-free TPU",
        "capacity": "500 ml",
        "weight": "35 g",
        "use": "running, trail running",
        "care": "rinse with warm water and air dry; not dishwasher-safe",
    },
    "Wide-Mouth Tritan Bottle": {
        "material": "BPA-free Tritan plastic",
        "capacity": "1000 ml",
        "weight": "180 g",
        "care": "dishwasher-safe (top rack)",
    },
    "Trail Filter Bottle": {
        "material": "BPA-free plastic with a hollow-fibre filter",
        "capacity": "650 ml",
        "weight": "150 g",
        "filter": "removes 99.9999% of bacteria and 99.9% of protozoa; filter lasts about 1,500 litres",
        "care": "rinse the filter with clean water after use; not dishwasher-safe",
    },
    "Northwind Gift Card": {"delivery": "by email", "validity": "never expires"},
    "Adventure Gift Box": {
        "delivery": "shipped in a recycled kraft box with an enamel pin",
        "validity": "never expires",
    },
    "Merino Boxer Brief": {
        "material": "87% merino wool, 13% nylon",
        "care": "machine-wash cold on a gentle cycle, hang dry",
        "use": "hiking, travel, everyday",
    },
    "Active Bralette": {
        "material": "merino jersey (82% merino wool, 18% elastane)",
        "care": "machine-wash cold, hang dry",
        "use": "hiking, travel",
    },
    "Everyday Cotton Brief (3-Pack)": {
        "material": "95% cotton, 5% elastane",
        "care": "machine-wash warm, tumble dry low",
        "use": "everyday",
    },
    "Thermal Long Underwear Bottoms": {
        "material": "brushed polyester",
        "warmth": "3/5",
        "care": "machine-wash cold, tumble dry low",
        "use": "skiing, winter",
    },
    "Mountain Peak Stud Earrings": {
        "material": "recycled sterling silver or 14k gold vermeil",
        "dimensions": "8 mm wide",
        "care": "polish with a soft cloth; keep away from water and perfume",
    },
    "Compass Rose Drop Earrings": {
        "material": "recycled sterling silver or 14k gold vermeil, hypoallergenic ear wires",
        "dimensions": "25 mm drop",
        "care": "polish with a soft cloth; keep away from water and perfume",
    },
    "Pine Needle Hoop Earrings": {
        "material": "recycled sterling silver or 14k gold vermeil",
        "dimensions": "20 mm diameter",
        "care": "polish with a soft cloth; keep away from water and perfume",
    },
    "Merino 200 Crew Base Layer": {
        "material": "100% merino wool, 200 g/m²",
        "weight": "230 g",
        "warmth": "3/5",
        "use": "hiking, skiing, winter, layering",
        "care": "machine-wash cold on a wool cycle, dry flat",
    },
    "Merino 150 Tee": {
        "material": "100% merino wool, 150 g/m²",
        "weight": "140 g",
        "warmth": "1/5",
        "use": "hiking, travel, everyday, summer",
        "care": "machine-wash cold on a wool cycle, dry flat",
    },
    "Grid Fleece Half-Zip": {
        "material": "grid fleece (92% polyester, 8% elastane)",
        "weight": "310 g",
        "warmth": "2/5",
        "use": "hiking, climbing, layering",
        "care": "machine-wash cold, tumble dry low",
    },
    "Sun Hoodie UPF 50": {
        "material": "lightweight polyester, UPF 50",
        "weight": "170 g",
        "warmth": "1/5",
        "use": "hiking, sun, fishing, desert, summer",
        "care": "machine-wash cold, hang dry",
    },
    "Beacon 400 Headlamp": {
        "brightness": "400 lumens",
        "battery": "3 AAA batteries (included)",
        "weight": "86 g",
        "waterproof": "IPX4 (splash-proof)",
        "use": "camping, hiking, running",
    },
    "Beacon 900 Rechargeable Headlamp": {
        "brightness": "900 lumens",
        "battery": "rechargeable lithium-ion battery, USB-C",
        "weight": "160 g",
        "waterproof": "IPX4 (splash-proof)",
        "use": "running, hiking, mountaineering",
    },
    "Trail Kids Headlamp": {
        "brightness": "100 lumens",
        "battery": "3 AAA batteries (included)",
        "weight": "70 g",
        "waterproof": "IPX4 (splash-proof)",
        "use": "kids, camping",
    },
    "Ridgeline Trekking Pants": {
        "material": "stretch-woven nylon with a water-repellent finish",
        "waterproof": "water-resistant, not waterproof",
        "weight": "380 g",
        "use": "hiking, trekking, scrambling",
        "care": "machine-wash cold, tumble dry low",
    },
    "Convertible Zip-Off Pants": {
        "material": "quick-drying nylon",
        "waterproof": "not waterproof",
        "weight": "340 g",
        "use": "hiking, travel, summer",
        "care": "machine-wash cold, tumble dry low",
    },
    "Stormline Rain Pants": {
        "material": "2.5-layer nylon with a waterproof-breathable membrane",
        "waterproof": "waterproof, rated 15,000 mm",
        "weight": "290 g",
        "use": "hiking, rain",
        "care": "machine-wash cold with a technical detergent, tumble dry low",
    },
    "Fleece-Lined Winter Pants": {
        "material": "softshell with a fleece lining",
        "waterproof": "water-resistant, not waterproof",
        "weight": "560 g",
        "warmth": "4/5",
        "use": "winter, snowshoeing",
        "care": "machine-wash cold, hang dry",
    },
}


# --- people and places --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Country:
    name: str
    weight: float
    language: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    # (city, state or region, postal-code prefix)
    cities: tuple[tuple[str, str, str], ...]
    streets: tuple[str, ...]
    # The carriers and calendar-day transit times of the shop's shipping policy for this country
    # (knowledge/docs/demo/shipping.md; tests/test_shop_seed.py checks they agree).
    carriers: tuple[str, ...]
    transit_days: tuple[int, int]
    # What earlier versions drew from: the random draws stay the same (so does every other record of a seed) and
    # are mapped onto the policy's carriers and times.
    drawn_carriers: tuple[str, ...]
    drawn_transit_days: tuple[int, int]


_EN_FIRST = (
    "James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia",
    "Aiden", "Harper", "Elijah", "Amelia", "Logan", "Evelyn", "Daniel", "Abigail", "Mateo", "Emily", "Jackson",
    "Ella", "Sebastian", "Chloe", "Henry", "Grace", "Owen", "Zoe", "Samuel", "Nora", "Ryan", "Lily", "Nathan",
    "Hannah", "Caleb", "Aria", "Isaac", "Layla", "Priya", "Arjun", "Wei", "Mei", "Hiroshi", "Yuki", "Carlos",
    "Sofia", "Diego", "Lucia", "Omar", "Fatima", "Kwame", "Amara",
)  # fmt: skip
_EN_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Perez", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Campbell", "Patel", "Kim",
    "Chen", "Singh", "Okafor", "Murphy", "O'Brien", "MacDonald",
)  # fmt: skip

# The return label a customer outside the US pays, deducted from a return's refund: the demo profile's figures
# (knowledge/docs/demo/returns.md; tests/test_return_label.py checks all three agree).
RETURN_LABELS = ReturnsPolicy(label_costs={"CA": Decimal("9.95"), "GB": Decimal("12.95"), "EU": Decimal("12.95")})

COUNTRIES: tuple[_Country, ...] = (
    _Country(
        "USA", 0.62, "en", _EN_FIRST, _EN_LAST,
        (("Denver", "CO", "802"), ("Seattle", "WA", "981"), ("Portland", "OR", "972"), ("Austin", "TX", "787"),
         ("Boston", "MA", "021"), ("Chicago", "IL", "606"), ("San Diego", "CA", "921"),
         ("San Francisco", "CA", "941"), ("Minneapolis", "MN", "554"), ("Salt Lake City", "UT", "841"),
         ("Boulder", "CO", "803"), ("Asheville", "NC", "288"), ("Burlington", "VT", "054"), ("Phoenix", "AZ", "850"),
         ("New York", "NY", "100"), ("Atlanta", "GA", "303"), ("Bozeman", "MT", "597"), ("Madison", "WI", "537")),
        ("Maple Street", "Oak Avenue", "Cedar Lane", "Pine Street", "Elm Street", "Lakeview Drive", "Hillcrest Road",
         "River Road", "Park Avenue", "Washington Street", "Highland Avenue", "Juniper Court", "Aspen Way",
         "Willow Lane", "Forest Drive", "Meadow Lane", "Summit Avenue", "Canyon Road"),
        ("UPS",), (3, 7), ("UPS", "USPS", "FedEx"), (2, 5),
    ),
    _Country(
        "Canada", 0.10, "en", _EN_FIRST, _EN_LAST,
        (("Toronto", "ON", "M"), ("Vancouver", "BC", "V"), ("Calgary", "AB", "T"), ("Montreal", "QC", "H"),
         ("Ottawa", "ON", "K"), ("Halifax", "NS", "B")),
        ("King Street", "Queen Street", "Maple Avenue", "Lakeshore Road", "Main Street", "Victoria Avenue"),
        ("Canada Post", "UPS"), (5, 11), ("UPS", "FedEx", "DHL"), (4, 8),
    ),
    _Country(
        "United Kingdom", 0.10, "en", _EN_FIRST, _EN_LAST,
        (("London", "", "SW"), ("Manchester", "", "M"), ("Edinburgh", "", "EH"), ("Bristol", "", "BS"),
         ("Leeds", "", "LS"), ("Keswick", "Cumbria", "CA")),
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Road"),
        ("DHL",), (5, 9), ("DHL", "DPD", "UPS"), (4, 9),
    ),
    _Country(
        "Germany", 0.08, "de",
        ("Lukas", "Leon", "Finn", "Jonas", "Paul", "Felix", "Maximilian", "Emma", "Mia", "Hannah", "Lena", "Lea",
         "Sophie", "Marie", "Anna", "Johanna", "Katharina", "Tobias"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
         "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"),
        (("Berlin", "Berlin", "10"), ("München", "Bayern", "80"), ("Hamburg", "Hamburg", "20"),
         ("Köln", "Nordrhein-Westfalen", "50"), ("Freiburg", "Baden-Württemberg", "79"),
         ("Leipzig", "Sachsen", "04")),
        ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Lindenallee", "Bergstraße", "Schillerstraße"),
        ("DHL",), (6, 12), ("DHL", "DPD", "UPS"), (4, 9),
    ),
    _Country(
        "France", 0.05, "en",
        ("Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Chloé", "Léa", "Manon", "Camille", "Inès",
         "Louise", "Élodie", "Mathilde"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Lefèvre", "Girard", "Fontaine", "Rousseau"),
        (("Paris", "Île-de-France", "750"), ("Lyon", "Auvergne-Rhône-Alpes", "690"),
         ("Grenoble", "Auvergne-Rhône-Alpes", "380"), ("Annecy", "Auvergne-Rhône-Alpes", "740"),
         ("Bordeaux", "Nouvelle-Aquitaine", "330"), ("Chamonix-Mont-Blanc", "Auvergne-Rhône-Alpes", "744")),
        ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Pasteur", "rue des Lilas"),
        ("DHL",), (6, 12), ("DHL", "DPD", "UPS"), (4, 9),
    ),
    _Country(
        "Netherlands", 0.05, "en",
        ("Daan", "Sem", "Lucas", "Bram", "Thijs", "Jesse", "Sanne", "Fleur", "Lotte", "Emma", "Julia", "Anouk",
         "Noor", "Femke"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
         "de Boer", "Mulder", "Bos", "Vos", "Peters"),
        (("Amsterdam", "", "10"), ("Utrecht", "", "35"), ("Rotterdam", "", "30"), ("Den Haag", "", "25"),
         ("Groningen", "", "97")),
        ("Keizersgracht", "Prinsengracht", "Oudegracht", "Kerkstraat", "Dorpsstraat", "Molenweg"),
        ("DHL",), (6, 12), ("DHL", "DPD", "UPS"), (3, 8),
    ),
)  # fmt: skip


def _transit(country: _Country, drawn: int) -> int:
    """A transit time drawn from the earlier range, mapped linearly onto the policy's range for the country."""
    low, high = country.drawn_transit_days
    new_low, new_high = country.transit_days
    return new_low + round((drawn - low) * (new_high - new_low) / max(1, high - low))


_CARD_BRANDS = ("visa", "mastercard", "amex", "discover")
_UK_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# No 0/O or 1/I in voucher codes: customers read them out over chat.
_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- summary ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedSummary:
    created: bool
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def message(self) -> str:
        if not self.created:
            existing = self.counts.get("customers", 0)
            return f"shop database already seeded ({existing} customers); nothing to do"
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"seeded demo shop (seed {self.seed}): {parts} in {self.seconds:.1f}s"


def seeding_time(clock: datetime | None = None) -> datetime:
    """The "today" a shop seeded now gets: the shop's clock (or the wall clock) to the hour."""
    return (clock or datetime.now()).replace(minute=0, second=0, microsecond=0)


def seed_demo(
    db_url: str,
    seed: int = 7,
    *,
    customers: int = 300,
    orders: int = 1500,
    progress: Progress | None = None,
    today: datetime | None = None,
) -> SeedSummary:
    """Fill an empty shop database with the Northwind demo shop; a database that has customers is left alone.

    `today` is the shop's present: orders were placed, shipped and delivered in the weeks before it, vouchers run
    out after it. SEED_NOW by default, so the same seed gives the same bytes anywhere (tests, evaluations); the
    product's first run passes the day it runs, so the demo's return windows and deliveries are current then.
    """
    started = time.perf_counter()
    with session_scope(db_url) as session:
        existing = session.scalar(select(func.count()).select_from(Customer)) or 0
        if existing:
            return SeedSummary(created=False, seed=seed, counts={"customers": existing})
        report = progress or (lambda _stage, _done, _total: None)
        builder = _ShopBuilder(session, random.Random(seed), report, today or SEED_NOW)
        counts = builder.build(customers=customers, orders=orders)
    return SeedSummary(created=True, seed=seed, counts=counts, seconds=time.perf_counter() - started)


def backfill_attributes(db_url: str) -> int:
    """Give the demo catalog's structured facts to a demo shop seeded before products had them; returns how many
    products got them. Products that have facts, and products the demo catalog doesn't know, are left alone."""
    with session_scope(db_url) as session:
        missing = [p for p in session.scalars(select(Product)) if not p.attributes and p.name in PRODUCT_ATTRIBUTES]
        for product in missing:
            product.attributes = dict(PRODUCT_ATTRIBUTES[product.name])
        return len(missing)


# --- the generator ------------------------------------------------------------------------------------------------


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _delivered_at(order: Order) -> datetime:
    return max(f.delivered_at for f in order.fulfillments if f.delivered_at is not None)


@dataclass
class _Line:
    variant: Variant
    price: Decimal


class _ShopBuilder:
    """Generates the shop in dependency order; every random draw comes from the one rng, in a fixed order."""

    def __init__(self, session: Session, rng: random.Random, progress: Progress, now: datetime) -> None:
        self.session = session
        self.rng = rng
        # The shop's "today": every date is generated relative to it.
        self.now = now
        self._policy_numbers: set[str] = set()
        self.progress = progress
        self._used: set[str] = set()
        # Per gift card: what is left of the loaded value, refunds not counted (see _spend).
        self._spendable: dict[str, Decimal] = {}
        self.products: list[Product] = []
        self.customers: list[Customer] = []
        self.countries: dict[str, _Country] = {c.name: c for c in COUNTRIES}

    def build(self, *, customers: int, orders: int) -> dict[str, int]:
        self._catalog()
        self._customers(customers)
        created_orders = self._orders(orders)
        vouchers = self._vouchers(customers)
        self.session.flush()
        return {
            "products": len(self.products),
            "variants": sum(len(p.variants) for p in self.products),
            "customers": len(self.customers),
            "orders": created_orders,
            "vouchers": vouchers,
        }

    # ids ---------------------------------------------------------------------------------------------------------

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            candidate = make()
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate

    def _numbered(self, prefix: str, low: int, high: int, suffix: str = "") -> str:
        # taubench-style names with a number ("mia_garcia_4516"), drawn again on the rare collision.
        return self._unique(lambda: f"{prefix}{self.rng.randint(low, high)}{suffix}")

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def _numeric_id(self, n: int, prefix: str = "") -> str:
        # No leading zero, as in taubench's product and item ids.
        return self._unique(lambda: prefix + str(self.rng.randint(10 ** (n - 1), 10**n - 1)))

    # catalog -----------------------------------------------------------------------------------------------------

    def _catalog(self) -> None:
        total = len(CATALOG)
        for index, spec in enumerate(CATALOG):
            product = Product(
                id=self._numeric_id(10),
                name=spec.name,
                description=spec.description,
                category=spec.category,
                brand=spec.brand,
                final_sale=spec.final_sale,
                tags=list(spec.tags),
                attributes=dict(PRODUCT_ATTRIBUTES.get(spec.name, {})),
                position=index,
            )
            combos = itertools.product(*[list(enumerate(option.values)) for option in spec.options])
            for v_index, combo in enumerate(combos):
                price = spec.price + sum(
                    (option.step * step for option, (step, _value) in zip(spec.options, combo, strict=True)),
                    Decimal("0"),
                )
                if spec.category == "gift cards":
                    # A gift card costs its face value.
                    price = Decimal(combo[0][1].lstrip("$"))
                available = not spec.discontinued and self.rng.random() > 0.04
                roll = self.rng.random()
                stock = 0 if (not available or roll < 0.09) else self.rng.randint(2, 140)
                product.variants.append(
                    Variant(
                        id=self._numeric_id(10),
                        sku=f"NW-{index + 1:03d}-{v_index + 1:02d}",
                        options={option.key: value for option, (_step, value) in zip(spec.options, combo, strict=True)},
                        price=price.quantize(CENT),
                        stock=stock,
                        available=available,
                        position=v_index,
                    )
                )
            self.products.append(product)
            self.session.add(product)
            self.progress("catalog", index + 1, total)

    # customers ---------------------------------------------------------------------------------------------------

    def _customers(self, count: int) -> None:
        weights = [c.weight for c in COUNTRIES]
        vip_indexes = set(self.rng.sample(range(count), k=max(1, round(count * 0.05))))
        for index in range(count):
            country = self.rng.choices(COUNTRIES, weights=weights)[0]
            first = self.rng.choice(country.first_names)
            last = self.rng.choice(country.last_names)
            first_slug, last_slug = _ascii_slug(first), _ascii_slug(last)
            customer_id = self._numbered(f"{first_slug}_{last_slug}_", 1000, 9999)
            domain = self.rng.choice(("example.com", "example.net", "example.org"))
            email = self._numbered(f"{first_slug}.{last_slug}", 10, 9999, f"@{domain}")
            customer = Customer(
                id=customer_id,
                first_name=first,
                last_name=last,
                email=email,
                phone=self._phone(country.name),
                tier="vip" if index in vip_indexes else "standard",
                language=country.language,
                created_at=self.now - timedelta(days=self.rng.randint(HISTORY_DAYS + 5, 1500), minutes=self._minute()),
                position=index,
            )
            customer.addresses = [self._address(country, is_default=True)]
            if self.rng.random() < 0.3:
                # A second address, sometimes a work or holiday address in another city of the same country.
                customer.addresses.append(self._address(country, is_default=False))
            customer.payment_methods = self._payment_methods()
            self.customers.append(customer)
            self.session.add(customer)
            self.progress("customers", index + 1, count)

    def _minute(self) -> int:
        return self.rng.randint(0, 24 * 60 - 1)

    def _phone(self, country: str) -> str:
        d = self._digits
        if country in ("USA", "Canada"):
            return f"+1 {self.rng.randint(201, 989)}-555-{d(4)}"
        if country == "United Kingdom":
            return f"+44 7700 9{d(5)}"
        if country == "Germany":
            return f"+49 15{self.rng.randint(1, 9)} {d(8)}"
        if country == "France":
            return f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}"
        return f"+31 6 {d(8)}"

    def _address(self, country: _Country, *, is_default: bool) -> Address:
        rng = self.rng
        city, state, prefix = rng.choice(country.cities)
        street = rng.choice(country.streets)
        number = rng.randint(1, 980 if country.name in ("USA", "Canada") else 180)
        line2 = ""
        if country.name == "USA":
            line1 = f"{number} {street}"
            postal = prefix + self._digits(5 - len(prefix))
            if rng.random() < 0.35:
                line2 = rng.choice((f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}", f"Suite {rng.randint(100, 999)}"))
        elif country.name == "Canada":
            line1 = f"{number} {street}"
            letters = string.ascii_uppercase.replace("D", "").replace("F", "").replace("I", "").replace("O", "")
            postal = f"{prefix}{rng.randint(1, 9)}{rng.choice(letters)} {rng.randint(0, 9)}{rng.choice(letters)}"
            postal += str(rng.randint(0, 9))
            if rng.random() < 0.3:
                line2 = f"Unit {rng.randint(101, 2400)}"
        elif country.name == "United Kingdom":
            line1 = f"{number} {street}"
            postal = (
                f"{prefix}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice(_UK_LETTERS)}{rng.choice(_UK_LETTERS)}"
            )
            if rng.random() < 0.25:
                line2 = f"Flat {rng.randint(1, 30)}"
        elif country.name == "Germany":
            line1 = f"{street} {number}"
            postal = prefix + self._digits(3)
        elif country.name == "France":
            line1 = f"{number} {street}"
            postal = prefix + self._digits(5 - len(prefix))
            if rng.random() < 0.2:
                line2 = f"Appartement {rng.randint(1, 60)}"
        else:
            line1 = f"{street} {number}"
            postal = (
                f"{prefix}{self._digits(2)} {rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}"
            )
        return Address(
            line1=line1, line2=line2, city=city, state=state, zip=postal, country=country.name, is_default=is_default
        )

    def _payment_methods(self) -> list[PaymentMethod]:
        rng = self.rng
        methods: list[PaymentMethod] = []
        for _ in range(rng.choices((0, 1, 2), weights=(15, 70, 15))[0]):
            methods.append(
                PaymentMethod(
                    id=self._numeric_id(7, "credit_card_"),
                    kind=PaymentMethodKind.credit_card,
                    brand=rng.choice(_CARD_BRANDS),
                    last_four=self._digits(4),
                )
            )
        if not methods or rng.random() < 0.35:
            methods.append(PaymentMethod(id=self._numeric_id(7, "paypal_"), kind=PaymentMethodKind.paypal))
        if rng.random() < 0.3:
            card = PaymentMethod(
                id=self._numeric_id(7, "gift_card_"),
                kind=PaymentMethodKind.gift_card,
                balance=Decimal(rng.choice((25, 50, 75, 100, 150, 200, 250))) + Decimal(rng.randint(0, 99)) / 100,
            )
            self._spendable[card.id] = card.balance or Decimal(0)
            methods.append(card)
        for position, method in enumerate(methods):
            method.position = position
        return methods

    # orders ------------------------------------------------------------------------------------------------------

    def _statuses(self, count: int) -> list[OrderStatus]:
        statuses: list[OrderStatus] = []
        for status, share in _STATUS_SHARES:
            statuses += [status] * max(1, round(count * share))
        statuses += [OrderStatus.delivered] * max(0, count - len(statuses))
        self.rng.shuffle(statuses)
        return statuses[:count]

    def _age(self, status: OrderStatus) -> timedelta:
        """How long before the shop's today an order in this status was placed."""
        rng = self.rng
        hours = {
            OrderStatus.pending: (1, 40),
            OrderStatus.pending_items_modified: (3, 40),
            OrderStatus.processed: (20, 80),
            OrderStatus.shipped: (50, 12 * 24),
            OrderStatus.return_requested: (16 * 24, 38 * 24),
            OrderStatus.exchange_requested: (16 * 24, 38 * 24),
            OrderStatus.delivered: (14 * 24, HISTORY_DAYS * 24),
            OrderStatus.cancelled: (6, HISTORY_DAYS * 24),
        }[status]
        return timedelta(hours=rng.randint(*hours), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))

    def _orders(self, count: int) -> int:
        rng = self.rng
        statuses = self._statuses(count)
        placed = sorted((self.now - self._age(status), status) for status in statuses)
        # Some customers shop a lot, most a little; VIPs more than anyone.
        weights = [8.0 if c.tier == "vip" else rng.choice((0.5, 1.0, 1.0, 1.5, 2.0, 3.0)) for c in self.customers]
        owners = rng.choices(self.customers, weights=weights, k=len(placed))
        sellable = [v for p in self.products for v in p.variants if v.in_stock]
        every = [v for p in self.products for v in p.variants if v.available or rng.random() < 0.5]
        premium = [v for v in every if v.available and v.price >= Decimal("300")]
        # Cheap things sell more often than tents: weight each variant by how affordable it is.
        cum_weights = {
            id(pool): list(itertools.accumulate(60 / (float(v.price) + 30) for v in pool)) for pool in (sellable, every)
        }
        for index, ((created_at, status), customer) in enumerate(zip(placed, owners, strict=True)):
            fresh = status in (OrderStatus.pending, OrderStatus.pending_items_modified, OrderStatus.processed)
            pool = sellable if fresh else every
            order = self._order(customer, status, created_at, pool, cum_weights[id(pool)], premium, index)
            self.session.add(order)
            self.progress("orders", index + 1, len(placed))
        return len(placed)

    def _pick_lines(
        self, pool: Sequence[Variant], cum_weights: Sequence[float], premium: Sequence[Variant]
    ) -> list[_Line]:
        rng = self.rng
        lines: list[_Line] = []
        distinct = rng.choices((1, 2, 3, 4), weights=(50, 30, 14, 6))[0]
        chosen: list[Variant] = []
        while len(chosen) < distinct:
            candidate = rng.choices(pool, cum_weights=cum_weights)[0]
            if candidate not in chosen:
                chosen.append(candidate)
        if rng.random() < 0.04:
            # The occasional big-ticket order (a tent, a parka) that crosses the high-value escalation threshold.
            chosen[0] = rng.choice(list(premium))
        for variant in chosen:
            quantity = rng.choices((1, 2, 3), weights=(85, 12, 3))[0]
            lines += [_Line(variant, variant.price) for _ in range(quantity)]
        return lines

    def _order(
        self,
        customer: Customer,
        status: OrderStatus,
        created_at: datetime,
        pool: Sequence[Variant],
        cum_weights: Sequence[float],
        premium: Sequence[Variant],
        index: int,
    ) -> Order:
        rng = self.rng
        address = customer.addresses[0] if len(customer.addresses) == 1 or rng.random() < 0.8 else customer.addresses[1]
        country = self.countries[address.country]
        order = Order(
            id=self._numeric_id(7, "#W"),
            customer=customer,
            status=status,
            created_at=created_at,
            updated_at=created_at,
            currency="USD",
            ship_name=customer.name,
            ship_line1=address.line1,
            ship_line2=address.line2,
            ship_city=address.city,
            ship_state=address.state,
            ship_zip=address.zip,
            ship_country=address.country,
            position=index,
        )
        lines = self._pick_lines(pool, cum_weights, premium)
        order.items = [
            OrderItem(
                position=position,
                product_id=line.variant.product.id,
                variant_id=line.variant.id,
                name=line.variant.product.name,
                options=dict(line.variant.options),
                price=line.price,
            )
            for position, line in enumerate(lines)
        ]
        total = sum((line.price for line in lines), Decimal("0"))
        method = self._pay_with(customer, total)
        order.transactions = [
            Transaction(
                position=0,
                kind=TransactionKind.payment,
                amount=total,
                payment_method_id=method.id,
                created_at=created_at,
            )
        ]
        if status is OrderStatus.pending_items_modified:
            self._modify_items(order, method, created_at)
        if status is OrderStatus.cancelled:
            self._cancel(order, method, created_at)
        elif status not in (OrderStatus.pending, OrderStatus.pending_items_modified):
            self._fulfil(order, country, created_at)
        if status is OrderStatus.delivered:
            self._after_delivery(order, method)
        if status in (OrderStatus.return_requested, OrderStatus.exchange_requested):
            self._request(order, method)
        return order

    def _product(self, product_id: str) -> Product:
        return next(p for p in self.products if p.id == product_id)

    def _pay_with(self, customer: Customer, total: Decimal) -> PaymentMethod:
        rng = self.rng
        gift_cards = [m for m in customer.payment_methods if m.kind is PaymentMethodKind.gift_card]
        usable = [g for g in gift_cards if self._spendable[g.id] >= total]
        if usable and rng.random() < 0.5:
            card = usable[0]
            self._spend(card, total)
            return card
        others = [m for m in customer.payment_methods if m.kind is not PaymentMethodKind.gift_card]
        return rng.choice(others)

    def _transaction(
        self, order: Order, kind: TransactionKind, amount: Decimal, method: PaymentMethod, at: datetime
    ) -> None:
        order.transactions.append(
            Transaction(
                position=len(order.transactions),
                kind=kind,
                amount=amount,
                payment_method_id=method.id,
                created_at=at,
            )
        )
        if method.kind is PaymentMethodKind.gift_card:
            if kind is TransactionKind.payment:
                self._spend(method, amount)
            else:
                method.balance = (method.balance or Decimal(0)) + amount

    def _spend(self, card: PaymentMethod, amount: Decimal) -> None:
        # Orders are generated oldest first, but a refund generated with an order may land after later orders;
        # spending only what was loaded (never refunds) keeps every card's balance non-negative at every moment.
        self._spendable[card.id] -= amount
        card.balance = (card.balance or Decimal(0)) - amount

    def _modify_items(self, order: Order, method: PaymentMethod, created_at: datetime) -> None:
        # The customer swapped one item for another option of the same product before it shipped.
        at = created_at + timedelta(minutes=self.rng.randint(10, 240))
        # A gift card pays the difference only up to its balance, as the modify tool would insist.
        headroom = self._spendable[method.id] if method.kind is PaymentMethodKind.gift_card else None
        for item in order.items:
            product = self._product(item.product_id)
            alternatives = [
                v
                for v in product.variants
                if v.id != item.variant_id and v.in_stock and (headroom is None or v.price - item.price <= headroom)
            ]
            if not alternatives:
                continue
            new = self.rng.choice(alternatives)
            difference = new.price - item.price
            item.variant_id, item.options, item.price = new.id, dict(new.options), new.price
            if difference:
                kind = TransactionKind.payment if difference > 0 else TransactionKind.refund
                self._transaction(order, kind, abs(difference), method, at)
            order.updated_at = at
            return

    def _cancel(self, order: Order, method: PaymentMethod, created_at: datetime) -> None:
        rng = self.rng
        at = created_at + timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
        order.cancel_reason = rng.choice(_CANCEL_REASONS)
        order.updated_at = at
        amount = order.transactions[0].amount
        self._transaction(order, TransactionKind.refund, amount, method, at)
        order_refund = Refund(
            order_id=order.id,
            amount=amount,
            payment_method_id=method.id,
            status=RefundStatus.completed,
            reason=f"order cancelled: {order.cancel_reason}",
            created_at=at,
            expected_by=at + timedelta(days=0 if method.kind is PaymentMethodKind.gift_card else 7),
        )
        self.session.add(order_refund)

    def _policy_tracking(self, carrier: str, drawn: str) -> str:
        """A tracking number in the carrier's format, derived from the one drawn (no draw of the shop's stream)."""
        local = random.Random(drawn)
        while True:
            if carrier == "UPS":
                shipper = "".join(local.choice(string.ascii_uppercase + string.digits) for _ in range(6))
                number = f"1Z{shipper}03{local.randint(0, 10**8 - 1):08d}"
            elif carrier == "DHL":
                number = str(local.randint(10**9, 10**10 - 1))
            elif carrier == "Canada Post":
                number = f"{local.randint(0, 10**16 - 1):016d}"
            else:
                number = drawn
            if number not in self._policy_numbers:
                self._policy_numbers.add(number)
                return number

    def _tracking_number(self, carrier: str) -> str:
        rng = self.rng
        if carrier == "UPS":
            shipper = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
            return self._unique(lambda: f"1Z{shipper}03{self._digits(8)}")
        if carrier == "USPS":
            return self._unique(lambda: "9400" + self._digits(18))
        if carrier == "FedEx":
            return self._unique(lambda: str(rng.randint(10**11, 10**12 - 1)))
        if carrier == "DHL":
            return self._unique(lambda: str(rng.randint(10**9, 10**10 - 1)))
        return self._unique(lambda: "05" + self._digits(12))

    def _fulfil(self, order: Order, country: _Country, created_at: datetime) -> None:
        rng = self.rng
        status = order.status
        variant_ids = [item.variant_id for item in order.items]
        # Larger orders sometimes ship in two parcels.
        split = len(variant_ids) >= 3 and rng.random() < 0.2
        parcels = [variant_ids[:2], variant_ids[2:]] if split else [variant_ids]
        for parcel in parcels:
            drawn = rng.choice(country.drawn_carriers)
            carrier = country.carriers[country.drawn_carriers.index(drawn) % len(country.carriers)]
            transit = timedelta(
                days=_transit(country, rng.randint(*country.drawn_transit_days)), hours=rng.randint(0, 10)
            )
            shipped_at = created_at + timedelta(hours=rng.randint(10, 40), minutes=rng.randint(0, 59))
            fulfillment = Fulfillment(
                carrier=carrier,
                tracking_number=self._policy_tracking(carrier, self._tracking_number(drawn)),
                # Unique ids: taubench lists each item once per parcel; a unit bought twice is still one item id.
                variant_ids=list(dict.fromkeys(parcel)),
                estimated_delivery=shipped_at + transit,
            )
            if status is OrderStatus.processed:
                # Packed and labelled: the tracking number exists but the carrier has not scanned it yet.
                shipped_at = min(shipped_at, self.now - timedelta(hours=1))
                fulfillment.estimated_delivery = shipped_at + transit
            else:
                fulfillment.shipped_at = shipped_at
                order.updated_at = shipped_at
            if status in (OrderStatus.delivered, OrderStatus.return_requested, OrderStatus.exchange_requested):
                # Most parcels arrive on time, some a few days late (the "where is my parcel" conversations).
                late = timedelta(days=rng.randint(1, 4)) if rng.random() < 0.12 else timedelta(0)
                early = timedelta(hours=rng.randint(0, 20))
                delivered = shipped_at + transit + late - early
                latest = self.now - timedelta(hours=2)
                fulfillment.delivered_at = max(min(delivered, latest), shipped_at + timedelta(hours=20))
                order.updated_at = fulfillment.delivered_at
            order.fulfillments.append(fulfillment)

    @staticmethod
    def _return_refund(order: Order, item: OrderItem) -> Decimal:
        """What a return of the item was refunded: its price less the return label of the order's country."""
        return item.price - min(RETURN_LABELS.label_cost(order.ship_country), item.price)

    def _after_delivery(self, order: Order, method: PaymentMethod) -> None:
        """Some delivered orders have history: a completed return with its refund, or a goodwill refund."""
        rng = self.rng
        delivered_at = _delivered_at(order)
        roll = rng.random()
        if roll < 0.06 and delivered_at < self.now - timedelta(days=35):
            item = rng.choice(order.items)
            requested = delivered_at + timedelta(days=rng.randint(2, 20))
            refunded = requested + timedelta(days=rng.randint(5, 10))
            request = Return(
                kind=ReturnKind.return_,
                status=ReturnStatus.refunded,
                variant_ids=[item.variant_id],
                new_variant_ids=[],
                payment_method_id=method.id,
                reason=rng.choice(_RETURN_REASONS),
                created_at=requested,
            )
            order.returns.append(request)
            self.session.add(
                Refund(
                    order_id=order.id,
                    return_=request,
                    amount=self._return_refund(order, item),
                    payment_method_id=method.id,
                    status=RefundStatus.completed,
                    reason="returned item",
                    created_at=refunded,
                    expected_by=refunded + timedelta(days=7),
                )
            )
            self._transaction(order, TransactionKind.refund, self._return_refund(order, item), method, refunded)
            order.updated_at = refunded
        elif roll < 0.08:
            amount = Decimal(rng.choice((5, 10, 15, 20, 25))).quantize(CENT)
            at = delivered_at + timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 8))
            amount = min(amount, order.total)
            self.session.add(
                Refund(
                    order_id=order.id,
                    amount=amount,
                    payment_method_id=method.id,
                    status=RefundStatus.completed,
                    reason=f"goodwill: {rng.choice(_GOODWILL_REASONS)}",
                    created_at=at,
                    expected_by=at + timedelta(days=7),
                )
            )
            self._transaction(order, TransactionKind.refund, amount, method, at)
            order.updated_at = at

    def _request(self, order: Order, method: PaymentMethod) -> None:
        """An open return or exchange, asked for within the 30-day window after delivery."""
        rng = self.rng
        delivered_at = _delivered_at(order)
        at = min(delivered_at + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 12)), self.now)
        item = rng.choice(order.items)
        # An exchange needs another option of the same product in stock; without one the customer returns instead.
        swaps = {
            line.variant_id: options
            for line in order.items
            if (
                options := [
                    v for v in self._product(line.product_id).variants if v.id != line.variant_id and v.in_stock
                ]
            )
        }
        if order.status is OrderStatus.exchange_requested and not swaps:
            order.status = OrderStatus.return_requested
        if order.status is OrderStatus.exchange_requested:
            item = rng.choice([line for line in order.items if line.variant_id in swaps])
            order.returns.append(
                Return(
                    kind=ReturnKind.exchange,
                    status=ReturnStatus.requested,
                    variant_ids=[item.variant_id],
                    new_variant_ids=[rng.choice(swaps[item.variant_id]).id],
                    payment_method_id=method.id,
                    reason=rng.choice(_RETURN_REASONS[:3]),
                    created_at=at,
                )
            )
        else:
            received = rng.random() < 0.3 and at < self.now - timedelta(days=5)
            request = Return(
                kind=ReturnKind.return_,
                status=ReturnStatus.received if received else ReturnStatus.requested,
                variant_ids=[item.variant_id],
                new_variant_ids=[],
                payment_method_id=method.id,
                reason=rng.choice(_RETURN_REASONS),
                created_at=at,
            )
            order.returns.append(request)
            if received:
                # The parcel is back at the warehouse and the refund is on its way ("where is my refund?").
                self.session.add(
                    Refund(
                        order_id=order.id,
                        return_=request,
                        amount=self._return_refund(order, item),
                        payment_method_id=method.id,
                        status=RefundStatus.pending,
                        reason="returned item",
                        created_at=at + timedelta(days=4),
                        expected_by=self.now + timedelta(days=rng.randint(1, 6)),
                    )
                )
        order.updated_at = at

    # vouchers ----------------------------------------------------------------------------------------------------

    def _vouchers(self, customers: int) -> int:
        rng = self.rng
        vouchers = [
            Voucher(code="WELCOME10", kind=VoucherKind.percent, value=Decimal("10.00"), single_use=False,
                    expires_at=self.now + timedelta(days=365), reason="newsletter sign-up"),
            Voucher(code="TRAIL15", kind=VoucherKind.percent, value=Decimal("15.00"), single_use=False,
                    min_order_total=Decimal("100.00"), expires_at=self.now + timedelta(days=45),
                    reason="autumn campaign"),
            Voucher(code="SPRING20", kind=VoucherKind.amount, value=Decimal("20.00"), single_use=False,
                    min_order_total=Decimal("80.00"), expires_at=self.now - timedelta(days=150),
                    reason="spring campaign"),
            Voucher(code="SUMMER10", kind=VoucherKind.percent, value=Decimal("10.00"), single_use=False,
                    expires_at=self.now - timedelta(days=60), active=False, reason="summer campaign"),
        ]  # fmt: skip
        for index in range(max(3, customers // 12)):
            customer = rng.choice(self.customers)
            kind = rng.choice((VoucherKind.percent, VoucherKind.amount))
            value = (
                Decimal(rng.choice((5, 10))) if kind is VoucherKind.percent else Decimal(rng.choice((5, 10, 15, 20)))
            )
            issued = self.now - timedelta(days=rng.randint(1, 200))
            # A third each: still valid, expired unused, and used (a single-use code is switched off once redeemed).
            state = ("active", "expired", "used")[index % 3]
            code = self._unique(lambda: "NW-" + "".join(rng.choice(_CODE_CHARS) for _ in range(6)))
            if state == "active":
                expires_at = self.now + timedelta(days=rng.randint(5, 90))
            elif state == "expired":
                expires_at = self.now - timedelta(days=rng.randint(1, 60))
            else:
                expires_at = issued + timedelta(days=90)
            vouchers.append(
                Voucher(
                    code=code,
                    customer_id=customer.id,
                    kind=kind,
                    value=value.quantize(CENT),
                    expires_at=expires_at,
                    active=state != "used",
                    used_at=issued + timedelta(days=rng.randint(1, 25)) if state == "used" else None,
                    reason=rng.choice(_GOODWILL_REASONS),
                    issued_by=rng.choice(("bot", "agent:maria", "agent:tom")),
                    created_at=issued,
                )
            )
        for voucher in vouchers:
            # Campaign codes carry no issue date of their own; a fixed one keeps two seeds identical.
            if voucher.created_at is None:
                voucher.created_at = self.now - timedelta(days=200)
            self.session.add(voucher)
        self.progress("vouchers", len(vouchers), len(vouchers))
        return len(vouchers)
