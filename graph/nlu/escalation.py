"""The escalation policy: when a person takes over, when the bot keeps going, and what the customer is told.

Three questions the shop profile's `escalation:` section answers separately:

- **Who approves a write.** An order's value or the customer's tier decides whether a person must approve a change
  (the tools and the approval step enforce the limits); it never makes a person take the conversation over, nor
  answer a question. The decision lists these facts under `approval`, for the record only.
- **When a person takes over.** An explicit request (or a "yes" to the bot's offer of a colleague), anger or
  frustration above the threshold, legal and other critical keywords, a complaint lodged as such (it needs a
  person's judgement), a sensitive topic, a procedure the shop reserves for people, and failure on the same need
  after the bot has run out of moves (it answered, rephrased and asked, and still could not help).
- **When the bot keeps going.** Everything else: questions, corrections, changes of mind, a "no" to a proposal,
  thanks. An unclear message gets a clarifying question first.

Pure function of the understanding, the policy and a few facts about the conversation, so the gate node stays short
and every decision is testable without a graph. Every decision records its reason codes, the evidence (the words
or facts that triggered each one) and a priority.

Reason codes (stable; dashboards and the handoff summary key on them):
    human_requested      the customer asked for a person, or accepted the bot's offer of one
    emotion_anger        anger at or above the threshold
    emotion_frustration  frustration at or above the threshold
    emotion_sarcasm      sarcasm at or above the threshold
    complaint            the customer lodges a complaint: a person's judgement is asked for
    critical_keyword     legal threat, chargeback, fraud, GDPR, formal complaint (a shop's own keywords too)
    sensitive_topic      safety, health, harassment or data-breach matters
    procedure_requires_person   the request is one the shop has people handle (`person_only_intents`)
    repeated_failure     the same need is still unresolved after the allowed repeats
    low_confidence       intent unclear after the allowed clarifying questions
    critique_failed      (set by the critique node) the bot could not produce a reply it can stand behind
Approval codes (never a takeover): high_value, vip_customer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, cast

from pydantic import BaseModel, Field

from graph.nlu.confirmation import gives_a_yes
from graph.nlu.emotion import upset_words
from graph.nlu.keywords import (
    CANONICAL_KEYWORDS,
    asked_for_later,
    attention_beside_a_need,
    complaint_act,
    critical_keyword_words,
    declines_person,
    human_request_words,
    mentions_own_people,
    names_a_person,
    not_a_complaint,
    person_declined,
)
from graph.nlu.patterns import compile_words
from graph.nlu.schema import Understanding
from shopdesk.i18n import N_, speaker

ReasonCode = Literal[
    "human_requested",
    "emotion_anger",
    "emotion_frustration",
    "emotion_sarcasm",
    "complaint",
    "critical_keyword",
    "sensitive_topic",
    "procedure_requires_person",
    "repeated_failure",
    "low_confidence",
    "critique_failed",
]
ApprovalCode = Literal["high_value", "vip_customer"]
Priority = Literal["low", "normal", "high", "urgent"]

# Cancelling a subscription is not among them: it is a routine request the bot answers (how to unsubscribe, where to
# switch a plan off); a shop that has people handle cancellations lists "cancel subscription" in its profile. Erasure
# of one's data as such is a data-protection demand and stays one.
DEFAULT_CRITICAL_KEYWORDS = [
    "formal complaint",
    "legal action",
    "chargeback",
    "fraud",
    "data protection",
    "consumer protection",
    "police",
]
DEFAULT_SENSITIVE_TOPICS = ["data breach", "injury", "allergic reaction", "harassment", "discrimination", "bereavement"]

# Ways customers say the sensitive topics; a shop's own topic with no entry here is matched as written.
_TOPIC_VARIANTS: dict[str, str] = {
    # Or another customer's data shown to this one ("an email with someone else's address in it").
    "data breach": r"data\s+(?:breach|leak)\w*|leaked|hacked|(?:card|account)\s+details\s+(?:were\s+)?stolen|breach"
    # Someone outside holding what only the shop had: "how did they get my data?", "a stranger knew my order".
    r"|(?:they|someone|somebody|a\s+stranger|strangers|scammers?|a\s+third\s+party|fraudsters?)\s+(?:\w+\s+){0,2}?"
    r"(?:got|get|gets|have|has|had|obtained|accessed|knew|know|knows)\s+(?:hold\s+of\s+|access\s+to\s+)?my\s+"
    r"(?:personal\s+)?(?:data|details|information|info|order\s+\w+|card\s+\w+|address)"
    r"|woher\s+(?:haben|hat|kennen|kennt|hatten|hatte)\s+(?:\w+\s+){0,2}meine\w*\s+(?:daten|adresse|bestell\w*|kartendaten"
    r"|nummer|e-?mail)|(?:an|zu)\s+meine\w*\s+(?:daten|adresse|kartendaten)\s+(?:gekommen|gelangt)"
    r"|datenleck|gehackt|(?:someone|somebody|another\s+(?:customer|person|shopper)|a\s+stranger|the\s+wrong\s+person)"
    r"(?:\s+else)?'s\s+(?:\w+\s+){0,2}"
    r"(?:data|details|name|address|order|invoice|information|card|account|phone|email)\w*"
    r"|(?:daten|adresse|rechnung|bestellung|kontodaten|bankdaten|namen?)\s+(?:eine[sr]\s+)?(?:anderen|fremden)\s+"
    r"(?:kunden|kundin|person)|fremde[nr]?\s+(?:kunden)?(?:daten|adresse|rechnung|bestellung)",
    # A product's harm is told by its medical consequence as often as by the word "injury": someone taken to
    # hospital, stitched, an ambulance. Said as what happened, not as a place ("deliver to the hospital") or a seam.
    "injury": r"injur\w*|hurt|(?:went|gone|been|was|were|ended\s+up|rushed|taken|admitted|spent)"
    r"\s+(?:\w+\s+){0,4}(?:in|to|at)\s+(?:the\s+)?hospital|a\s*&\s*e|emergency\s+room|ambulance|paramedics"
    r"|(?:needed|need|got|had|required)\s+(?:\w+\s+){0,2}stitches"
    r"|(?:musste|mussten|kam|kamen|landete\w*|eingeliefert)\s+(?:\w+\s+){0,6}(?:ins|im)\s+krankenhaus"
    r"|notaufnahme|notarzt|krankenwagen|(?:musste|mussten)\s+(?:\w+\s+){0,3}gen[äa]ht|in\s+flammen|feuer\s+gefangen"
    # ...or by the harm done: a fire, a poisoning, glass in food. Not the hazard asked about ("is it non-toxic?").
    r"|poisoned|poisoning|scalded|burst\s+into\s+flames|glass\s+(?:shards?|splinters?|fragments?)|fing\s+(?:\w+\s+){0,2}feuer"
    # A burn is harm done to someone ("burned my hand", "a burn on my arm"), not what a stove does with its fuel
    # ("which fuel does it burn?", "it burns kerosene").
    r"|brannte|vergiftet|vergiftung|glassplitter\w*|verbrennungen|schnittwunde\w*|burn(?:t|ed|s)\b(?!"
    r"\s+(?:\w+\s+){0,3}?(?:fuel|gas|kerosene|diesel|propane|butane|wood|petrol|gasoline|alcohol|canisters?)\b"
    # ... nor money or time used up ("I burned through my gift card balance", "burnt out after work").
    r"|\s+(?:through|out\b|up\s+(?:my|the|all)\s+(?:\w+\s+)?(?:budget|money|balance|credit|savings|data|points)))"
    r"|(?:a|the|bad|severe|nasty|minor|serious|painful)\s+burns?\b|\bburn\s+(?:my|his|her|their|me|him|you|your)\b|hat\s+(?:\w+\s+){0,6}verschluckt|ver[äa]tz\w*|geschmolzen|angekokelt"
    r"|verkohlt|verschmort|cut\s+(?:my|his|her)|bleed\w*|wound\w*|caught\s+fire|dangerous|unsafe"
    r"|electric\s+shock|electrocut\w*|chok(?:e|ed|ing)|overheat\w*|spark(?:s|ed|ing)|sing(?:e|ed|eing)|melt(?:ed|ing)"
    r"|explod\w*|(?:started|began|was)\s+smok\w*|smoke\s+(?:came|coming|pouring)|verletz\w*|verbrannt|verbrüh\w*"
    # A body harmed, told by what happened to it ("I broke my wrist", "sprained his ankle", "sich den Arm gebrochen").
    r"|(?:broke|broken|fractured|sprained|twisted|sliced|bruised|banged|trapped|crushed|dislocated|split|gashed"
    r"|scratched)\s+(?:my|his|her|their|our|a)\s+(?:\w+\s+)?(?:wrists?|arms?|legs?|ankles?|foot|feet|hands?|fingers?"
    r"|thumbs?|toes?|head|knees?|back|neck|shoulders?|hips?|ribs?|nose|face|eyes?|lips?|chin|tooth|teeth|skull|forehead)\b"
    r"|(?:hat|habe|hab|haben|hatte)\s+sich\s+(?:\w+\s+){0,5}(?:geschnitten|verbrannt|verbr[üu]ht|verletzt|gest[üu]rzt)"
    r"|blute[tn]?|blutend|blutung|platzwunde|schnittwunde"
    r"|(?:arm|bein|handgelenk|kn[öo]chel|fu(?:ß|ss)|hand|finger|daumen|zeh|kopf|knie|r[üu]cken|nase|rippe|schulter|zahn"
    r"|stirn|lippe|auge)\w*\s+(?:\w+\s+){0,3}(?:gebrochen|verstaucht|geprellt|eingeklemmt|gequetscht|ausgerenkt"
    r"|aufgeschlagen|aufgeschnitten)"
    # A person fallen ("my toddler fell down three steps", "sie ist gestürzt"), not a parcel fallen off a van.
    r"|(?:i|he|she|we|they|my\s+\w+|our\s+\w+|(?:the\s+)?(?:baby|toddler|child|kid))\s+(?:\w+\s+){0,2}?"
    r"(?:fell|fallen|tumbled|slipped)\s+(?:down|off|from|over|out|through|and)"
    r"|(?:bin|ist|sind)\s+(?:\w+\s+){0,4}(?:gest[üu]rzt|hingefallen|heruntergefallen|runtergefallen|ausgerutscht)"
    # A foreign body in food or a product ("a shard of metal in the cereal", "ein Stück Glas in der Babynahrung").
    r"|(?:shards?|pieces?|bits?|chunks?|splinters?|slivers?|fragments?)\s+of\s+(?:\w+\s+)?(?:metal|glass|plastic|wire"
    r"|bone|wood)|(?:metal|glass|plastic|wire)\s+(?:shards?|pieces?|splinters?|fragments?|bits?)"
    r"|(?:st[üu]ck\w*|splitter|scherbe\w*|teil\w*)\s+(?:\w+\s+)?(?:glas|metall|plastik|kunststoff|draht)\b"
    r"|(?:glas|metall|plastik)(?:splitter|st[üu]ck|scherbe)\w*"
    # Something swallowed or breathed in by a person ("my little girl swallowed a button from the doll", "he inhaled a
    # bead"): told by what the person did, not "hard to swallow" of a tablet's size.
    r"|(?:i|he|she|they|we|my\s+\w+|our\s+\w+|(?:the\s+)?(?:baby|toddler|child|kid|dog|puppy|cat))\s+(?:\w+\s+){0,12}?"
    r"(?:swallowed|ingested|inhaled|choked\s+on)\b(?!\s+(?:up|by)\b)"
    # ... not a cost or a pride swallowed ("we swallowed the extra shipping cost").
    r"(?!\s+(?:the\s+|a\s+|an\s+|our\s+|my\s+)?(?:\w+\s+){0,2}(?:costs?|price|fees?|loss(?:es)?|charges?|bill|pride|difference)\b)"
    # Medical help sought for someone: a doctor, a vet, poison control called or seen ("we had to call the doctor",
    # "took him to the vet", "mussten zum Kinderarzt", "Giftnotruf"), not a product "vet approved".
    r"|(?:had\s+to|have\s+to|we|i|they|he|she)\s+(?:\w+\s+){0,2}?(?:call(?:ed)?|ring|rang|phon(?:e|ed)|see|saw|took|take"
    r"|rush(?:ed)?|bring|brought)\s+(?:\w+\s+){0,2}?(?:to\s+)?(?:the|a|our|my|an)\s+(?:emergency\s+)?(?:doctor|gp|vet"
    r"|paediatrician|pediatrician|poison\s+(?:control|centre|center)|urgent\s+care|out[\s-]of[\s-]hours)\b"
    r"|poison\s+control|giftnotruf|giftinformation\w*|(?:zum|beim|zur|den)\s+(?:kinder|haus|tier|not|augen|haut)?"
    r"(?:arzt|[äa]rztin|notdienst)\s+(?:\w+\s+){0,2}?(?:gegangen|gefahren|gebracht|gerufen|m[üu]ssen|musste\w*|waren)"
    r"|(?:musste\w*|mussten|sind|waren|bin|war)\s+(?:\w+\s+){0,3}(?:zum|beim|zur)\s+(?:kinder|haus|tier|not|augen|haut)?"
    r"(?:arzt|[äa]rztin|notdienst)"
    # Pierced by what came in the box: "pricked my finger on a needle in the parcel".
    r"|(?:pricked|stabbed|punctured|jabbed|nicked|grazed|gashed)\s+(?:my|his|her|their|our|myself|himself|herself)"
    # ... said of a person ("hat mich gestochen", "ich bin gestochen worden"), not photos "gestochen scharf".
    r"|(?:mich|ihn|uns|mir|ihm|ich\s+bin|er\s+ist|wir\s+sind|wurde|wurden)\s+(?:\w+\s+){0,3}?"
    r"(?:gestochen|aufgeschlitzt|aufgeritzt)\b(?!\s+scharf)"
    # Electricity misbehaving: a loud flash or bang, crackling or fizzing with sparks or smoke, scorch marks it left;
    # not a camera's flash, a flash sale or a drink kept fizzing.
    r"|(?:crackl|fizz)\w*\s+(?:and\s+)?(?:\w+\s+){0,2}?(?:spark|smok|flash)\w*|scorch\w*"
    r"|(?:there\s+was|with|gave)\s+a\s+(?:loud|big|huge|bright|blue|sudden|massive)\s+(?:flash|bang)\b"
    r"|there\s+was\s+a\s+(?:flash|bang)\s+(?:and|from|when|as)\b"
    r"|knister\w*|(?:ein\s+)?(?:lauter\s+)?knall\b|stichflamme\w*"
    # German harm nouns live inside compounds: "Brandblase", "Brandwunde", "Brandfleck", "Schmorstelle".
    r"|[a-zäöüß]*(?:brandblase|brandwunde|brandfleck|brandloch|brandspur|schmorstelle|schnittverletzung|platzwunde)\w*"
    r"|(?:durch|an|ver)geschmort"
    # Smoke or flames out of the thing, or the fire brigade called ("the room filled with smoke", "Rauch kam aus dem
    # Gerät", "die Feuerwehr war da"); not "smoked salmon".
    r"|(?:filled\s+with|full\s+of|there\s+was|puffs?\s+of|clouds?\s+of|black|thick|plumes?\s+of)\s+smoke"
    r"|smoke\s+(?:billowing|billowed|rising|rose|poured|from\s+the|out\s+of)|(?:set|went|was|were|is|caught)\s+on\s+fire"
    r"|(?:went|go|going)\s+up\s+in\s+flames|flames?\s+(?:came|coming|shot|shooting)"
    # The fire brigade called or come, not one that approves a heater.
    r"|(?:called|rang|phoned|dialled|call)\s+(?:\w+\s+){0,2}?(?:the\s+)?(?:fire\s+(?:brigade|department|service)|firefighters)"
    r"|(?:fire\s+(?:brigade|department|service)|firefighters)\s+(?:came|arrived|turned\s+up|had\s+to|were\s+called)"
    r"|feuerwehr\s+(?:\w+\s+){0,3}?(?:gerufen|alarmiert|kam|kommen|ausr[üu]cken|ausger[üu]ckt)"
    r"|rauch\s+(?:kam|stieg|quoll|drang)|rauchentwicklung|brandgeruch"
    # A hazard in the home: gas, bare wires, burning smells.
    r"|gas\s+(?:leak\w*|smell)|smell\w*\s+(?:\w+\s+)?(?:of\s+)?(?:gas|burning)|(?:exposed|bare|live)\s+wires?"
    r"|gasgeruch|riecht\s+(?:\w+\s+){0,2}(?:nach\s+)?(?:gas|verbrannt|verschmort)|(?:blanke|freiliegende)\w*\s+(?:kabel|dr[äa]hte)"
    r"|gef[äa]hrlich|[üu]berhitz\w*|explodiert|funken|qualm\w*"
    r"|(?:strom|elektrisch\w*)\s*schlag",
    # Any illness told as following the product ("threw up after eating the bars", "Durchfall nach den Riegeln"); or
    # by what the customer had to do about it (an adrenaline pen, fighting for breath).
    "allergic reaction": r"(?:sick(?!\s+(?:of|and\s+tired))|ill|vomit\w*|threw\s+up|throwing\s+up|diarrh\w*"
    r"|stomach\s+(?:ache|pains?|cramps?|bug)|nause\w*|dizz\w*|headaches?|migraines?|unwell|poorly|bauchschmerzen"
    r"|durchfall|[üu]belkeit|[üu]bel"
    r"|erbroch\w*|erbrechen|kopfschmerzen|schwindel\w*|krank|magenkr[äa]mpfe|magen-darm)\b[^.!?]{0,40}\b(?:after|since"
    r"|from)\s+(?:\w+\s+)?(?:eating|using|taking|drinking|wearing|applying|the|your|these|those|this|it)\b"
    r"|\b(?:after|since)\s+(?:eating|using|taking|drinking|wearing|applying)\b[^.!?]{0,60}\b(?:sick|ill|vomit\w*"
    r"|threw\s+up|diarrh\w*|stomach|nause\w*|dizz\w*|headaches?|unwell)"
    r"|(?:bauchschmerzen|durchfall|[üu]belkeit|[üu]bel|erbroch\w*|erbrechen|kopfschmerzen|schwindel\w*|krank"
    r"|magenkr[äa]mpfe)\b[^.!?]{0,40}\bnach\s+(?:dem|den|der|diese\w*|ihre\w*|euren|eurem|einnahme|verzehr)"
    r"|nach\s+(?:dem|den|der)\s+(?:\w+\s+){1,3}(?:bauchschmerzen|durchfall|[üu]belkeit|erbrochen|kopfschmerzen|krank)"
    # Sick told as it came over someone ("mir wurde übel", "er musste sich übergeben"): the reflexive "sich übergeben"
    # is vomiting; a parcel handed over ("das Paket übergeben") has no reflexive pronoun.
    r"|(?:mir|ihm|ihr|uns|meinem\s+\w+|meiner\s+\w+)\s+(?:ist|war|wurde|wurden|waren)\s+(?:\w+\s+){0,2}?(?:[üu]bel|schlecht"
    r"|schwindelig|schwindlig)\b(?!\s+beraten)|(?:musste|mussten|hat|habe|hab|hatte|hatten)\s+(?:mich|sich|uns)\s+"
    r"(?:(?!zu\b|geweiger)\w+\s+){0,4}?(?<!zu\s)[üu]bergeben\b"
    # Skin covered in what a reaction brings up ("my cheeks are covered in itchy red bumps", "broke out in spots").
    r"|(?:covered|broke\s+out|came\s+(?:out|up)|erupted|breaking\s+out)\s+in\s+(?:\w+\s+){0,3}?(?:bumps|spots|welts"
    r"|blotches|lumps|pimples|sores|patches|boils|blisters|hives|a\s+rash)\b"
    r"|(?:pickel|pusteln|quaddeln|bl[äa]schen|flecken)\s+(?:\w+\s+){0,3}?(?:bekommen|gekriegt)"
    # Skin or eyes that turned sore: a body part, a verb of becoming or feeling, and the symptom ("my skin went red and
    # itchy", "her eyes started burning", "meine Haut juckt", "die Haut ist gerötet"). "Sensitive skin, red tones?"
    # names no change.
    r"|\b(?:skin|face|eyes?|lips?|hands?|arms?|legs?|neck|scalp|feet|haut|gesicht|augen|lippen|h[äa]nde|kopfhaut|f[üu](?:ß|ss)e)"
    r"\s+(?:\w+\s+){0,2}?(?:went|turned|got|became|has\s+been|have\s+been|started|began|is\s+now|are\s+now|feels?|felt|keeps?"
    r"|wurde|wurden|ist|sind|war|waren|f[üu]hlt\s+sich)\s+(?:\w+\s+){0,4}?(?:red|itchy|itching|sore|raw|blotchy|irritated"
    r"|burning|inflamed|stinging|tingling|bumpy|flaky|peeling|swollen|rot|ger[öo]tet|wund|gereizt|entz[üu]ndet|geschwollen"
    r"|juckend)\b|\b(?:haut|augen|kopfhaut|gesicht|lippen)\s+(?:\w+\s+){0,2}?(?:juckt|jucken|brennt|brennen|schuppt|tr[äa]nt)\b"
    r"|\b(?:skin|face|eyes?|lips?|tongue|throat|hands?|arms?|legs?|neck|scalp|feet)\s+(?:\w+\s+){0,2}?(?:swelled|swell\s+up"
    r"|blistered|broke\s+out|came\s+out\s+in|itched|burned|burnt|stung|peeled|cracked|flared\s+up|reacted)\b"
    r"|\b(?:lippen|zunge|hals|gesicht|augen|haut)\s+(?:\w+\s+){0,2}?(?:schwoll|anschwoll|angeschwollen|aufgequollen)\b"
    r"|allerg\w*|rash|swelling|swollen|swell(?:ed|s)\s+(?:up|shut)|puffed\s+up|angeschwollen"
    r"|schwoll\w*"
    r"|hives|blister\w*|anaphyla\w*|ausschlag|geschwollen"
    r"|epi[\s-]?pen|antihistamine\w*|(?:couldn'?t|could\s+not|can'?t)\s+breathe|trouble\s+breathing|atemnot"
    r"|(?:had|having)\s+(?:a|an)\s+(?:bad\s+|severe\s+|serious\s+|nasty\s+|awful\s+)?reaction",
    # Staff or a courier who insult, shout at or press a customer, as well as the words of harassment itself.
    "harassment": r"harass\w*|threaten\w*|stalk\w*|abus(?:e|ive)|bel[äa]stig\w*|bedroh\w*|followed\s+me"
    r"|(?:insulted|swore\s+at|shouted\s+at|yelled\s+at|screamed\s+at)\s+(?:me|my\s+\w+)|bedr[äa]ngt"
    r"|(?:hat|haben)\s+(?:mich|uns|meine\s+\w+|meinen\s+\w+)\s+(?:\w+\s+){0,4}(?:beleidigt|beschimpft|angeschrien)"
    # Laid hands on: "grabbed my arm", "pushed me", "hat mich am Arm gepackt".
    r"|(?:grabbed|grabbing|pushed|shoved|hit|slapped|kicked|punched|groped|touched|spat\s+(?:at|on))\s+(?:me|my\s+(?:\w+\s+)?"
    r"(?:arm|hand|wrist|shoulder|neck|leg|body|chest|face|child|kid|son|daughter|wife|husband|partner|mother|father))\b"
    r"|(?:hat|haben)\s+mich\s+(?:\w+\s+){0,4}(?:gepackt|geschubst|gesto(?:ß|ss)en|geschlagen|angefasst|begrapscht"
    r"|bespuckt|festgehalten)"
    r"|comments?\s+about\s+my\s+(?:body|looks|appearance|figure)|(?:sexual|inappropriate|lewd|creepy)\s+(?:comments?"
    r"|remarks?|messages?)|(?:ist|sind)\s+mir\s+(?:\w+\s+){0,4}gefolgt|mich\s+verfolgt|verfolgt\s+mich|anz[üu]glich\w*",
    # Treated differently for who they are: the words themselves, or an insult aimed at a trait.
    "discrimination": r"racis\w*|sexis\w*|homophob\w*|transphob\w*|discriminat\w*|(?:racial|ethnic)\s+slurs?|slurs?"
    r"|rassis\w*|diskriminier\w*|sexistisch\w*|homophob\w*|fremdenfeindlich\w*"
    r"|because\s+(?:of\s+)?(?:my|his|her|their|i'?m|i\s+am|he'?s|she'?s)\s+(?:\w+\s+)?(?:skin|race|colou?r|religion|accent"
    r"|disability|disabled|wheelchair|headscarf|hijab|turban|kippah|age|sexuality|gender|black|muslim|jewish|gay|trans"
    r"|foreign|name)"
    r"|wegen\s+(?:meine[sr]?|seine[sr]?|ihre[sr]?)\s+(?:\w+\s+)?(?:kopftuch\w*|hautfarbe|herkunft|behinderung|akzent\w*"
    r"|religion|rollstuhl\w*|namens|glaubens|sexualit[äa]t)",
    # A death in the customer's family or of the account holder: told as such, not "my phone died".
    "bereavement": r"passed\s+away|(?:has|have|had|recently|just|sadly|suddenly)\s+died|died\s+(?:last|in|on|this"
    r"|recently|suddenly|a\s+few)|deceased|bereave\w*|death\s+(?:of\s+my|in\s+(?:the|my|our)\s+family)"
    r"|(?:my|our)\s+late\s+(?:\w+\s+)?(?:wife|husband|mother|father|mum|mom|dad|partner|son|daughter)"
    r"|verstorben\w*|gestorben|todesfall|trauerfall|verschieden|nachlass|erbe(?:n|in)?\b",
}
# Speaking to the bot itself, in some language: no person asked for.
_THIS_CHAT = re.compile(
    r"\b(?:speak|talk|write|chat)\s+(?:to|with)\s+you\s+in\s+\w+|\b(?:sprechen|schreiben)\s+sie\s+(?:auch\s+)?\w+sch\b"
    r"|\bauf\s+(?:deutsch|englisch|franz[öo]sisch|italienisch|spanisch)\b",
    re.IGNORECASE,
)
_PRIORITY_ORDER: tuple[Priority, ...] = ("low", "normal", "high", "urgent")
REASON_PRIORITY: dict[str, Priority] = {
    "low_confidence": "low",
    "critique_failed": "low",
    "human_requested": "normal",
    "emotion_frustration": "normal",
    "emotion_sarcasm": "normal",
    "complaint": "normal",
    "procedure_requires_person": "normal",
    "repeated_failure": "normal",
    "emotion_anger": "high",
    "critical_keyword": "urgent",
    "sensitive_topic": "urgent",
}
# Messages that carry the conversation on rather than open a need: never "unclear", whatever their confidence.
KEEP_GOING_INTENTS = frozenset({"affirm", "deny", "greeting_thanks", "feedback", "verify_identity"})
# The start of a "yes": the answer to an offer of a colleague ("yes please", "ok", "ja gerne", "sure, thanks").
_ACCEPTS = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ya|yea|sure|ok|okay|k|please|please\s+do|go\s+(?:ahead|for\s+it|on)|that\s+would\s+be"
    r"|that(?:'?d|\s+would)\s+(?:be|help)|that\s+helps|sounds\s+(?:good|great|fine|like\s+a\s+plan)|i'?d\s+(?:like|love"
    r"|appreciate)|(?:yes|ok),?\s+please|do\s+(?:it|that|so)|let'?s\s+do|why\s+not|great|perfect|brilliant|lovely"
    r"|ja|jawohl|jo|joa|jep|jepp|gerne?|bitte|klar|okay|einverstanden|mach\w*\s+(?:sie\s+)?(?:das|es|ruhig)|tun\s+sie\s+das"
    r"|das\s+w[äa]re\s+(?:nett|gut|super|toll|prima|hilfreich|lieb)|sehr\s+gern\w*|unbedingt|auf\s+jeden\s+fall"
    r"|warum\s+nicht|passt|super|prima|oui|s[ií]|graag|absolutely|definitely|of\s+course|alright|all\s+right)\b",
    re.IGNORECASE,
)
# A "no" to the offer, or a yes that puts it off: "no thanks", "nah", "maybe later", "passt schon", "lieber nicht".
# A decision deferred is no yes either: "I'll think about it", "let me sleep on it", "ich überlege es mir", "mal sehen".
_DECLINES = re.compile(
    r"\b(?:no|not|nah|nope|don'?t|nein|n[öo]|nicht|kein\w*|never\s+mind|later|passt\s+schon|schon\s+gut|sp[äa]ter"
    r"|think\s+(?:about|it\s+(?:over|through)|on\s+it)|sleep\s+on|consider\w*|maybe|perhaps|hold\s+on|hang\s+on"
    r"|[üu]berleg\w*|nachdenk\w*|denke?\s+(?:\w+\s+){0,2}nach|mal\s+(?:sehen|schauen|gucken)|vielleicht|eventuell)\b",
    re.IGNORECASE,
)
# A bot line offers a person when one sentence both offers (a question or an "I can") and names a person to talk to:
# read as those two parts, not as the catalogue's sentences, so that an offer worded any other way (a shop's own
# override of the catalogue, another engine's reply) is still an offer.
_OFFER = re.compile(
    r"\b(?:would\s+you\s+(?:like|prefer|want)|do\s+you\s+(?:want|wish|prefer)|want\s+me\s+to|shall\s+i|should\s+i"
    r"|can\s+i|could\s+i|may\s+i|i\s+(?:can|could|will|'ll)|happy\s+to|let\s+me"
    r"|if\s+you(?:'d|\s+would)?\s+(?:like|want|prefer|need)|wenn\s+(?:sie|du)\s+(?:m[öo]chte\w*|wollen|willst|w[üu]nsch\w*)"
    r"|(?:verbinde|leite|gebe|kann|k[öo]nnte|w[üu]rde)\s+ich"
    r"|m[öo]chten\s+sie|m[öo]chtest\s+du|wollen\s+sie|willst\s+du|soll\s+ich|sollen\s+wir|darf\s+ich|kann\s+ich"
    # Someone offered as the subject: "Soll sich eine Kollegin darum kümmern?", "Shall someone from the team call you?"
    r"|soll(?:en)?\s+sich|soll\s+(?:eine?|jemand)|(?:shall|should)\s+(?:someone|somebody|a\s+colleague|one\s+of\s+our)"
    r"|k[öo]nnen\s+wir|ich\s+(?:kann|k[öo]nnte|w[üu]rde|leite|verbinde)|gern(?:e)?\s+(?:verbinde|leite|gebe))\b",
    re.IGNORECASE,
)
_PERSON_TO_TALK_TO = re.compile(
    r"\b(?:colleague|person|human|(?:live\s+|support\s+|customer\s+service\s+)?agent|team\s*mate|team\s+member"
    r"|member\s+of\s+(?:our|the)\s+(?:team|staff)|specialist|representative|rep|supervisor|manager|someone|somebody"
    r"|(?:our|the)\s+(?:support|service|customer\s+care|customer\s+service)\s+team|staff|kolleg\w*|mitarbeiter\w*"
    r"|mensch\w*|berater\w*|jemand\w*|(?:unser\w*|das)\s+(?:support|service|kunden\w*)[-\s]?team"
    r"|(?:our|the|unser\w*|das|dem|ans)\s+team)s?\b",
    re.IGNORECASE,
)
# What the offer is for: handing over, speaking to someone, or someone taking the case up ("I could ask one of our
# staff to take a look", "dass sich jemand darum kümmert"); "someone will look into it" has no offer word.
_HAND_OVER = re.compile(
    r"\b(?:pass|put|hand|transfer|connect|forward|escalat|speak|talk|chat|get|bring|loop|refer|route|reach|take\s+over|call|contact|ring"
    r"|ask|look|check|review|help|assist|handle|deal|follow"
    r"|weiter|verbind|[üu]bergeb|[üu]bernehm|sprech|red|hol|ruf|kontaktier|meld|k[üu]mmer|anseh|ansch|pr[üu]f|helf|bearbeit)\w*",
    re.IGNORECASE,
)
# Handing the case on names the person by the act alone: "Shall I hand this over?", "Soll ich das weiterleiten?".
_HAND_ON = re.compile(
    r"\b(?:(?:hand|pass)\s+(?:this|it|that|you|the\s+case)\s+(?:over|on)|escalate\s+(?:this|it|that|the\s+case)"
    r"|(?:das|es|dies|den\s+fall|ihre\s+anfrage|sie)\s+(?:(?:gern|gerne|bitte|so)\s+)?(?:weiterleiten|weitergeben"
    r"|[üu]bergeben|eskalieren))\b"
    # Passed on to the carrier or an address is no person of ours: "pass this on to the courier", "an Ihre E-Mail".
    r"(?![^.?!]*\b(?:courier|carrier|driver|warehouse|e-?mail|kurier|spedition|lager|adresse)\b)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


class EscalationPolicy(BaseModel):
    """The shop profile's `escalation:` section; keep the field names, the profile loader relies on them."""

    emotion_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    confidence_threshold: float = Field(default=0.45, ge=0.0, le=1.0)
    critical_keywords: list[str] = Field(default_factory=lambda: list(DEFAULT_CRITICAL_KEYWORDS))
    # Approval facts only: a write on an order worth this much, or for these tiers, is noted for approval. Neither
    # ever hands a conversation over (the approval limits themselves live in the profile's `approvals:`).
    high_value_order_amount: float = Field(default=500.0, ge=0.0)
    vip_customer_tiers: list[str] = Field(default_factory=lambda: ["vip"])
    sensitive_topics: list[str] = Field(default_factory=lambda: list(DEFAULT_SENSITIVE_TOPICS))
    max_unresolved_repeats: int = Field(default=2, ge=0)
    max_clarifications: int = Field(default=1, ge=0)
    # A complaint lodged as such ("I want to complain about ...") goes to a person, with its substance.
    hand_over_complaints: bool = True
    # Procedures the shop has people handle, by intent (e.g. [account_delete]); empty: the bot handles them all.
    person_only_intents: list[str] = Field(default_factory=list)


class ConversationFacts(BaseModel):
    """What the graph knows about the conversation beyond the current message."""

    clarifications_asked: int = 0
    # Turns the bot failed on the need of this message (not on any earlier one).
    unresolved_repeats: int = 0
    order_total: float | None = None
    customer_tier: str | None = None
    business_hours_open: bool = True
    next_open: str | None = Field(default=None, description="When the team is back, e.g. 'Monday at 9:00'.")
    # The bot's last message offered a colleague: a "yes" now accepts it.
    person_offered: bool = False
    # The message answers a question the bot asked (a slot, a clarification): read through that question.
    answers_our_question: bool = False
    # We asked which payment method to use and the message names one: that answers our question before any offer.
    names_the_method_asked_for: bool = False
    language: str = "en"


class Trigger(BaseModel):
    """One reason, the words or facts behind it, and the priority it carries."""

    reason: str
    evidence: str
    priority: Priority


class EscalationDecision(BaseModel):
    escalate: bool
    clarify: bool = Field(default=False, description="Ask a clarifying question instead of escalating.")
    reasons: list[ReasonCode] = Field(default_factory=list)
    priority: Priority = "low"
    customer_message: str = ""
    evidence: list[Trigger] = Field(default_factory=list, description="Why, reason by reason.")
    approval: list[Trigger] = Field(
        default_factory=list, description="Facts that make a write need a person's approval; never a takeover."
    )
    offer_person: bool = Field(
        default=False,
        description="Out of hours, a low-priority reason only: offer a person instead of handing over unasked.",
    )


@lru_cache(maxsize=512)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in phrase.lower().split())
    return re.compile(rf"\b{words}\b", re.IGNORECASE)


def _critical_words(u: Understanding, keywords: list[str]) -> str | None:
    wanted = {keyword.lower() for keyword in keywords}
    named = [canonical for canonical in u.critical_keywords if canonical.lower() in wanted]
    # The words that said each keyword are looked up only for a keyword the shop escalates on (most turns name none).
    found = critical_keyword_words(u.text) if named else {}
    hits = [found.get(canonical, canonical) for canonical in named]
    # Shop-specific keywords the analyser has no canonical name for are matched against the text as written (the
    # canonical ones were read by their patterns, which know "the police station" from calling the police).
    for keyword in wanted - CANONICAL_KEYWORDS:
        match = _phrase_pattern(keyword).search(u.text)
        if match and match.group(0) not in hits:
            hits.append(match.group(0))
    return ", ".join(f'"{hit}"' for hit in hits) if hits else None


@lru_cache(maxsize=512)
def _topic_pattern(topic: str) -> re.Pattern[str]:
    variants = _TOPIC_VARIANTS.get(topic.lower())
    # Read on every message the shop watches topics on: the lookahead of first letters turns most word starts away.
    return compile_words(rf"\b(?:{variants})\b", re.IGNORECASE) if variants else _phrase_pattern(topic)


# A product asked about for someone's condition is a question, not a report of harm: "does it contain nuts? my son has
# a nut allergy", "is this a choking hazard for a toddler?", "Ist die Creme für Allergiker geeignet?". A hazard word
# in a question, or a condition (an allergy someone has), counts only beside something that happened.
_QUESTION_OPENING = re.compile(
    r"^\W*(?:(?:hi|hello|hallo)\W+)?(?:is|are|does|do|can|could|will|would|should|has|have|ist|sind|enth[äa]lt|kann|k[öo]nnen"
    r"|darf|d[üu]rfen|eignet|hat|haben|gibt\s+es|what|which|how|was|welche\w*|wie)\b",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"^(?:allerg(?:y|ies|ie|ien|iker\w*)|allergic|allergisch)$",
    re.IGNORECASE,
)
# The words that can name a hazard asked about; "caught fire", "burned my hand", "ins Krankenhaus" tell what happened
# even inside a question ("Is it normal that it caught fire?").
_HAZARD_WORD = re.compile(
    r"^(?:allerg\w*|chok\w*|dangerous\w*|unsafe|gef[äa]hrlich\w*|overheat\w*|[üu]berhitz\w*|spark\w*|funken|melt\w*"
    # A burn feared, not had: "so I don't burn my hand?", "can kids burn themselves on it?".
    r"|hurt|burns?(?:\s+\w+)?)$",
    re.IGNORECASE,
)
# A question without its question mark: "I need to know if the gloves contain latex".
_INDIRECT_QUESTION = re.compile(
    r"\b(?:need\s+to\s+know|want\s+to\s+know|(?:i'?m\s+)?wondering|wonder\s+(?:if|whether)|tell\s+me\s+(?:if|whether)"
    r"|let\s+me\s+know\s+(?:if|whether)|check\s+(?:if|whether)|m[öo]chte\s+wissen|wissen,?\s+ob|sagen\s+sie\s+mir,?\s+ob)\b",
    re.IGNORECASE,
)
_HARM_HAPPENED = re.compile(
    r"\b(?:had|has\s+had|got|developed|broke\s+out|came\s+up|ended\s+up|reacted|swelled|burn(?:ed|t)|went|was\s+taken"
    r"|rushed|after\s+(?:eating|using|wearing|applying|taking|drinking|trying)|since\s+(?:eating|using|wearing|applying)"
    r"|bekam|bekommen|hatte|musste|wurde|nach\s+dem\s+(?:essen|benutzen|auftragen|tragen|verzehr|einnehmen|trinken"
    r"|anwenden|gebrauch))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _asked_about(text: str, match: re.Match[str]) -> bool:
    """The hazard or condition is part of a question about a product, with no harm told as having happened."""
    if not _HAZARD_WORD.match(match.group(0)) or _HARM_HAPPENED.search(text):
        return False
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())), default=0)
    end = _SENTENCE_END.search(text, match.end())
    sentence = text[start : end.end() if end else len(text)]
    asked = sentence.rstrip().endswith("?") or bool(
        _QUESTION_OPENING.search(sentence) or _INDIRECT_QUESTION.search(sentence)
    )
    return asked or bool(_CONDITION.match(match.group(0)) and ("?" in text or _INDIRECT_QUESTION.search(text)))


def _only_asks(text: str) -> bool:
    """Every sentence asks, and none tells of harm done: "does the rug give off any fumes?", "is it safe for kids?".
    A question shares its words with the harm it asks about, so its meaning lies near a report of that harm; what
    happened is told, not asked ("my son had a rash after using it, is that normal?" tells it)."""
    if _HARM_HAPPENED.search(text):
        return False
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text.strip()) if s.strip()]
    return bool(sentences) and all(
        s.rstrip().endswith("?") or _QUESTION_OPENING.search(s) or _INDIRECT_QUESTION.search(s) for s in sentences
    )


# Read on every turn, and most turns say again what was read before ("yes", "thanks", an order number).
@lru_cache(maxsize=1024)
def _topic_words(text: str, topics: tuple[str, ...]) -> str | None:
    for topic in topics:
        for match in _topic_pattern(topic).finditer(text):
            if not _asked_about(text, match):
                return f'{topic}: "{match.group(0)}"'
    return None


# Read on every turn of the reply before it; the bot's replies come from one catalogue and repeat.
@lru_cache(maxsize=1024)
def offers_a_person(bot_text: str) -> bool:
    """A bot line that offers to pass the customer to a person."""
    return any(
        _OFFER.search(sentence)
        and ((_PERSON_TO_TALK_TO.search(sentence) and _HAND_OVER.search(sentence)) or _HAND_ON.search(sentence))
        for sentence in _SENTENCE_END.split(bot_text)
    )


def accepts_offer(u: Understanding, names_the_method_asked_for: bool = False) -> bool:
    """A "yes" (to the offer just made): the affirm intent, or a message that opens with a yes and takes nothing
    back ("yes please", "ok, thanks", "gerne"). `names_the_method_asked_for`: we asked which payment method to use
    and the message names one ("Ok the gift card then"): the answer to our question, unless it also asks for a
    person ("yes, a human please, paypal keeps failing")."""
    text = u.text.strip()
    if _makes_a_request(u) or (names_the_method_asked_for and not _ASKS_FOR_A_PERSON.search(text)):
        # "ok... exchange the puzzle in order #W3638028", "yes go ahead with the return": the yes is to what the
        # message asks, not to the colleague (the bot then tries that request).
        return False
    if (_ACCEPTS.search(text) or gives_a_yes(text)) and not _DECLINES.search(text):
        return True
    return u.intent == "affirm" and not _DECLINES.search(text)


def _makes_a_request(u: Understanding) -> bool:
    """The message names something to act on (an order, a product) or asks for a change, not just a yes."""
    entities = u.entities
    asked = {u.intent, *(segment.intent for segment in u.intents)}
    # "ja, bitte an einen Kollegen": the person asked for is no product to act on.
    products = [name for name in entities.products if not _PERSON_TO_TALK_TO.search(name)]
    # A payment method named is no request here: "yes, a human please, paypal keeps failing" tells the colleague
    # what is wrong. Only as the answer to our question which method to use does it outweigh the yes (the caller's
    # `names_the_method_asked_for`).
    # "Oh, okay. My email is ...": who they are, given to go on with what they asked, unless it is given for the
    # colleague ("yes, a person please, I'm ana@example.com").
    identity = bool(entities.emails or entities.zip_codes) and not _ASKS_FOR_A_PERSON.search(u.text)
    return bool(entities.order_ids or products or asked & _ACTION_INTENTS or identity)


# Words of a person or of handing over, beside a method named: the yes is to the colleague.
_ASKS_FOR_A_PERSON = re.compile(
    rf"{_PERSON_TO_TALK_TO.pattern}|\b(?:hand\s+(?:it|this|me|them)?\s*over|handoff|transfer\w*|escalat\w*"
    r"|connect\s+me|put\s+me\s+through|get\s+me\s+(?:a|an|some)\b)",
    re.IGNORECASE,
)


# Requests to change something: a message that makes one answers its own question, not the offer of a colleague.
_ACTION_INTENTS = frozenset(
    {"cancel_order", "change_order", "change_address", "return_request", "exchange_request", "refund_request"}
)


# "A complaint against your business" names whom, not what: the substance is elsewhere, or not given yet.
_GENERIC_TARGET = re.compile(
    r"^(?:you|your\s+(?:business|company|shop|store|firm|service|team|website|site)|the\s+(?:business|company|shop"
    r"|store)|this\s+(?:business|company|shop|store)|ihr\w*\s+(?:firma|unternehmen|shop|gesch[äa]ft|laden|service)|sie"
    r"|euch)\b[\s,.!]*$",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"\b(?:complain\w*|complaint)\s+(?:about|against|regarding|concerning|that|over|re:?)\s+([^.!?\n]{3,160})"
    r"|\bbeschwer\w*\s+(?:ich\s+|wir\s+)?(?:mich\s+|uns\s+)?(?:[üu]ber|wegen)\s+([^.!?\n]{3,160})"
    r"|\b(?:[üu]ber|wegen)\s+([^.!?\n]{3,100}?)\s+(?:zu\s+)?beschwer\w*",
    re.IGNORECASE,
)


def complaint_substance(text: str) -> str:
    """What the complaint is about, in the customer's words: what follows "complain about" (or what precedes
    "beschweren"), with the detail they add after it; or the sentence that says what happened; or "" when the
    message only says that they complain."""
    found = _ABOUT.search(text)
    if found:
        target = next(group for group in found.groups() if group).strip(" ,;:")
        rest = text[found.end() :].strip(" ,;:.!")
        rest = re.split(r"(?<=[.!?])\s+", rest)[0].strip(" ,;:.!") if rest else ""
        if _GENERIC_TARGET.match(target):
            target = ""
        parts = [part for part in (target, rest) if part and not complaint_act(part)]
        return " – ".join(parts)[:200]
    sentences = [s.strip() for s in re.split(r"(?<=[.!?:])\s+|\n+", text) if s.strip()]
    # The sentence that says what happened: one that is not the request to complain.
    candidates = [s.strip(" .") for s in sentences if not complaint_act(s)]
    return max(candidates, key=len)[:200] if candidates else ""


def decide_escalation(u: Understanding, policy: EscalationPolicy, facts: ConversationFacts) -> EscalationDecision:
    """Whether a person takes over, why (with the evidence), how urgently, and what to tell the customer."""
    triggers: list[Trigger] = []

    def add(reason: ReasonCode, evidence: str) -> None:
        triggers.append(Trigger(reason=reason, evidence=evidence, priority=REASON_PRIORITY[reason]))

    asked = human_request_words(u.text) if u.human_requested else None
    if asked or u.human_requested:
        add("human_requested", f'"{asked or u.text[:80]}"')
    elif (
        u.intent == "human_agent"
        and u.confidence >= policy.confidence_threshold
        and not declines_person(u.text)
        # "No need for a human", "I'll talk to my wife and get back to you": people named, none of the shop's asked for.
        and not person_declined(u.text)
        and not mentions_own_people(u.text)
        # "Can I speak to you in German?": the chat itself, in another language.
        and not _THIS_CHAT.search(u.text)
        # "Is anyone there? I want to change my address": the call for attention is answered by doing what it asks.
        and not attention_beside_a_need(u.text)
        # "Do you have a phone number for later if I need it?": the classifier hears a person in a question about
        # how to reach one some day; only words that ask for one now (read above) hand over.
        and not asked_for_later(u.text)
        # "Is the phone line free to call?": a thing of the shop's asked about; a request names whom it wants.
        and names_a_person(u.text)
    ):
        add("human_requested", f"asks for a person (intent human_agent, confidence {u.confidence:.2f})")
    elif facts.person_offered and accepts_offer(u, facts.names_the_method_asked_for):
        add("human_requested", f'accepted the offer of a colleague: "{u.text[:80]}"')

    said = ""  # the upset words as evidence, read only for a message upset enough to hand over
    for score, reason in (
        (u.emotion.anger, "emotion_anger"),
        (u.emotion.frustration, "emotion_frustration"),
        (u.emotion.sarcasm, "emotion_sarcasm"),
    ):
        if score >= policy.emotion_threshold:
            if reason == "emotion_frustration" and facts.answers_our_question:
                # "yusuf jackson. already said it": annoyed at saying it again, and saying it; going on with it is
                # the answer to that annoyance, a colleague would only ask it once more. (Anger still hands over.)
                continue
            if not said:
                words = upset_words(u.text)
                said = ", ".join(f'"{w}"' for w in words) if words else "tone of the message"
            add(cast(ReasonCode, reason), f"{reason.removeprefix('emotion_')} {score:.2f}: {said}")

    critical = _critical_words(u, policy.critical_keywords)
    topic = _topic_words(u.text, tuple(policy.sensitive_topics))
    lodged = complaint_act(u.text)
    # What the analyser recognised by meaning, where the words matched no pattern: counted only for the topics the
    # shop's lists name, with the closest known message as the evidence.
    wanted = {k.lower() for k in policy.critical_keywords}
    sensitive = {t.lower() for t in policy.sensitive_topics}
    for match in u.topics:
        like = f'{match.topic}, by meaning: like "{match.example}" ({match.similarity:.2f})'
        if match.topic in wanted and not critical:
            critical = like
        elif match.topic in sensitive and not topic and not _only_asks(u.text):
            topic = like
        elif match.topic == "complaint" and not lodged and not not_a_complaint(u.text):
            lodged = like
    if critical:
        add("critical_keyword", critical)
    if topic:
        add("sensitive_topic", topic)
    if policy.hand_over_complaints and lodged:
        by_words = not lodged.startswith("complaint, by meaning")
        add("complaint", f'"{lodged}": {complaint_substance(u.text)}' if by_words else lodged)
    person_only = {intent.lower() for intent in policy.person_only_intents}
    reserved = [s.intent for s in u.intents if s.intent in person_only] or (
        [u.intent] if u.intent in person_only else []
    )
    if reserved and u.confidence >= policy.confidence_threshold:
        add("procedure_requires_person", f"{reserved[0].replace('_', ' ')} is handled by the team")
    if facts.unresolved_repeats >= policy.max_unresolved_repeats > 0 and not facts.answers_our_question:
        # A customer answering our own question (a "yes" to a proposal, the detail asked for) is giving the bot
        # its next move; if the bot still fails after it, the next message counts.
        add("repeated_failure", f"the same need went unresolved {facts.unresolved_repeats} times")

    # A "no" to our offer of a colleague ("Nein danke, ich zahle dann mit Karte") answers the offer: the bot goes on.
    declined_offer = facts.person_offered and bool(_DECLINES.search(u.text)) and not triggers
    keep_going = u.intent in KEEP_GOING_INTENTS or facts.answers_our_question or declined_offer
    unsure = u.confidence < policy.confidence_threshold and not keep_going
    if unsure and facts.clarifications_asked >= policy.max_clarifications:
        add("low_confidence", f"intent {u.intent} at {u.confidence:.2f} after {facts.clarifications_asked} question(s)")

    approval: list[Trigger] = []
    if facts.order_total is not None and facts.order_total >= policy.high_value_order_amount:
        approval.append(
            Trigger(reason="high_value", evidence=f"order total {facts.order_total:.2f}", priority="normal")
        )
    if facts.customer_tier and facts.customer_tier.lower() in {tier.lower() for tier in policy.vip_customer_tiers}:
        approval.append(Trigger(reason="vip_customer", evidence=f"tier {facts.customer_tier}", priority="normal"))

    if not triggers:
        clarify = unsure and facts.clarifications_asked < policy.max_clarifications
        return EscalationDecision(
            escalate=False,
            clarify=clarify,
            customer_message=speaker(facts.language).text(CLARIFY_MESSAGE) if clarify else "",
            approval=approval,
        )

    priority = max((t.priority for t in triggers), key=_PRIORITY_ORDER.index)
    if priority == "low" and not facts.business_hours_open:
        # Nobody would answer before the team is back and nothing calls for a person: the customer chooses, and
        # meanwhile the bot keeps helping.
        return EscalationDecision(escalate=False, evidence=triggers, approval=approval, offer_person=True)
    if u.emotion.urgency >= policy.emotion_threshold and priority != "urgent":
        priority = _PRIORITY_ORDER[_PRIORITY_ORDER.index(priority) + 1]
    reasons = cast(list[ReasonCode], list(dict.fromkeys(t.reason for t in triggers)))
    return EscalationDecision(
        escalate=True,
        reasons=reasons,
        priority=priority,
        customer_message=customer_message(reasons, facts, priority, u.text),
        evidence=triggers,
        approval=approval,
    )


# What the customer is told, in the message catalogue (shopdesk/i18n): whole sentences, so that a translator can
# word each one; said in the customer's language where the shop has a catalogue for it.
CLARIFY_MESSAGE = N_(
    "I want to make sure I get this right: could you tell me a little more about what you need, for example whether "
    "it's about an order, a return or refund, a product, or your account?"
)
COMPLAINT_HEARD = N_("I'm sorry you've had reason to complain about “{substance}”, and thank you for telling us.")
COMPLAINT_HEARD_PLAIN = N_("I'm sorry you've had reason to complain, and thank you for telling us.")
COMPLAINT_PASSED = N_("I've passed your complaint to a member of our team, with what you've written here.")
PASSED = N_("I'm passing this conversation to a member of our support team.")
REPLY_NOW = N_(
    "They will reply here right away and see everything we've discussed, so you won't need to repeat anything."
)
REPLY_SOON = N_(
    "They will reply here shortly and see everything we've discussed, so you won't need to repeat anything."
)
REPLY_WHEN_OPEN = N_(
    "Our team is offline right now, so a person will reply here when we reopen {next_open}; they will see "
    "everything we've discussed. Meanwhile I can still help with anything else, such as where an order is or how "
    "returns work."
)
REPLY_WHEN_BACK = N_(
    "Our team is offline right now, so a person will reply here as soon as the team is back; they will see "
    "everything we've discussed. Meanwhile I can still help with anything else, such as where an order is or how "
    "returns work."
)


def customer_message(reasons: list[ReasonCode], facts: ConversationFacts, priority: Priority, text: str = "") -> str:
    """What the customer is told: the complaint acknowledged in their words, who answers and when."""
    say = speaker(facts.language).text
    sentences: list[str] = []
    if "complaint" in reasons:
        substance = complaint_substance(text)
        sentences.append(say(COMPLAINT_HEARD, substance=substance) if substance else say(COMPLAINT_HEARD_PLAIN))
        sentences.append(say(COMPLAINT_PASSED))
    else:
        sentences.append(say(PASSED))
    if facts.business_hours_open:
        sentences.append(say(REPLY_NOW if priority in ("high", "urgent") else REPLY_SOON))
    elif facts.next_open:
        sentences.append(say(REPLY_WHEN_OPEN, next_open=facts.next_open))
    else:
        sentences.append(say(REPLY_WHEN_BACK))
    return " ".join(sentences)
