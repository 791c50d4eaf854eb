"""The words of claims on facts on the citizen's and the caseworker's pages, in Dutch and English
(merged into ``maatwerk.web.i18n.WORDS``)."""

from __future__ import annotations

CLAIMS: dict[str, tuple[str, str]] = {
    # the citizen's facts and her claims
    "your_facts": ("Uw gegevens", "Your facts"),
    "your_facts_intro": ("Hierop rust het besluit. Klopt een gegeven niet, geef dan de juiste "
                         "waarde: een behandelaar controleert die.",
                         "The decision rests on these. If a fact is wrong, give the right "
                         "value: a caseworker verifies it."),
    "fact": ("Gegeven", "Fact"),
    "dispute": ("Klopt dit niet?", "Is this wrong?"),
    "right_value": ("De juiste waarde", "The right value"),
    "why_wrong": ("Waarom klopt dit niet?", "Why is this wrong?"),
    "send_claim": ("Correctie indienen", "Submit the correction"),
    "claims": ("Correcties", "Corrections"),
    "claim_received": ("Uw correctie is ontvangen. Een behandelaar controleert die.",
                       "Your correction was received. A caseworker will verify it."),
    "claim_withdrawn": ("De correctie is ingetrokken.", "The correction was withdrawn."),
    "claim_accepted": ("De correctie is overgenomen.", "The correction was accepted."),
    "claim_refused": ("De correctie is afgewezen.", "The correction was refused."),
    "claim_lodged": ("De correctie is vastgelegd.", "The correction was recorded."),
    "claim_pending": ("wordt gecontroleerd", "being verified"),
    "claim_accepted_state": ("overgenomen", "accepted"),
    "claim_refused_state": ("afgewezen", "refused"),
    "claim_withdrawn_state": ("ingetrokken", "withdrawn"),
    "recorded_value": ("Vastgelegd", "Recorded"),
    "proposed_value": ("Voorgesteld", "Proposed"),
    "verify_by": ("gecontroleerd uiterlijk", "verified by"),
    "withdraw_claim": ("Correctie intrekken", "Withdraw the correction"),
    # the decision, provisional or corrected
    "provisional": ("voorlopig", "provisional"),
    "provisional_note": ("Dit besluit is voorlopig: het rust op een gegeven dat wordt "
                         "gecontroleerd", "This decision is provisional: it rests on a fact "
                         "being verified"),
    "corrected_note": ("Dit besluit is opnieuw genomen na de correctie van",
                       "This decision was taken again after the correction of"),
    "previous_outcome": ("Het besluit daarvoor", "The decision before"),
    "correction": ("Correctiebesluit", "Correction"),
    "redecision": ("Besluit op bezwaar", "Decision on the objection"),
    # the caseworker
    "claims_waiting": ("Correcties te controleren", "Corrections to verify"),
    "claims_intro": ("Gegevens die een burger betwist. Besluiten die erop rusten zijn "
                     "voorlopig tot de correctie is overgenomen of afgewezen.",
                     "Facts a citizen disputes. Decisions that rest on them are provisional "
                     "until the correction is accepted or refused."),
    "accept_claim": ("Overnemen", "Accept"),
    "refuse_claim": ("Afwijzen", "Refuse"),
    "makes_provisional": ("Maakt voorlopig", "Makes provisional"),
    "lodge_for_citizen": ("Gegeven betwisten namens de burger",
                          "Dispute a fact on the citizen's behalf"),
    "lodged_by": ("Ingediend door", "Lodged by"),
}
