"""The words of the web pages, in Dutch (the default) and English.

The language comes from ``?lang=nl|en`` (remembered in the session), else Dutch.
"""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("nl", "en")

WORDS: dict[str, tuple[str, str]] = {
    # key: (Dutch, English)
    "skip": ("Naar de inhoud", "Skip to content"),
    "home": ("Start", "Home"),
    "login": ("Inloggen", "Sign in"),
    "logout": ("Uitloggen", "Sign out"),
    "username": ("Gebruikersnaam", "Username"),
    "password": ("Wachtwoord", "Password"),
    "signed_in_as": ("Ingelogd als", "Signed in as"),
    "language": ("English", "Nederlands"),
    "tagline": ("Regels als code, met maatwerk als vast en verantwoord onderdeel van elk besluit.",
                "Regulations as code, with tailoring as a declared and accounted part of every "
                "decision."),
    "face_citizen": ("Burger", "Citizen"),
    "face_citizen_intro": ("Wat krijg ik? Vraag aan, vraag om maatwerk, volg uw zaken.",
                           "What do I get? Apply, ask for maatwerk, follow your cases."),
    "face_worker": ("Behandelaar", "Caseworker"),
    "face_worker_intro": ("Werkvoorraad, zaken, onderzoek, afwijkingen voorstellen en "
                          "goedkeuren.", "Queue, cases, investigation, proposing and approving "
                          "deviations."),
    "face_manager": ("Manager", "Manager"),
    "face_manager_intro": ("Volumes, doorlooptijden, termijnen en afwijkingen per team.",
                           "Volumes, lead times, deadlines and deviations per team."),
    "face_policy": ("Beleid", "Policy"),
    "face_policy_intro": ("Regelingen bekijken, hun maatwerkprofiel en samenhang.",
                          "Browse regulations, their maatwerk profile and structure."),
    "what_do_i_get": ("Wat krijg ik?", "What do I get?"),
    "choose_regulation": ("Kies een regeling", "Choose a regulation"),
    "reference_date": ("Peildatum", "Reference date"),
    "calculate": ("Bereken", "Calculate"),
    "apply": ("Aanvragen", "Apply"),
    "outcome": ("Uitkomst", "Outcome"),
    "explanation": ("Uitleg", "Explanation"),
    "missing": ("Nog nodig", "Still needed"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "unknown": ("weet ik niet", "don't know"),
    "my_cases": ("Mijn zaken", "My cases"),
    "case": ("Zaak", "Case"),
    "cases": ("Zaken", "Cases"),
    "state": ("Stand", "State"),
    "received_on": ("Ontvangen", "Received"),
    "deadlines": ("Termijnen", "Deadlines"),
    "due": ("uiterlijk", "due"),
    "decision": ("Besluit", "Decision"),
    "no_decision": ("Er is nog geen besluit.", "There is no decision yet."),
    "ask_maatwerk": ("Om maatwerk vragen", "Ask for maatwerk"),
    "ask_maatwerk_intro": ("Vertel wat er bijzonder is aan uw situatie. Een behandelaar kijkt "
                           "of de regeling ruimte geeft om af te wijken.",
                           "Tell what is special about your situation. A caseworker looks "
                           "whether the regulation allows a deviation."),
    "your_story": ("Uw verhaal", "Your story"),
    "send": ("Versturen", "Send"),
    "object": ("Bezwaar maken", "Object"),
    "grounds": ("Waarom bent u het niet eens?", "Why do you disagree?"),
    "queue": ("Werkvoorraad", "Queue"),
    "inbox": ("Ter goedkeuring", "To approve"),
    "facts": ("Gegevens", "Facts"),
    "source": ("Bron", "Source"),
    "standard_outcome": ("Uitkomst volgens de regels", "Outcome by the rules"),
    "categories": ("Beleidscategorieën", "Policy categories"),
    "propose_deviation": ("Afwijking voorstellen", "Propose a deviation"),
    "clause": ("Hardheidsclausule", "Hardship clause"),
    "output": ("Uitkomst", "Output"),
    "new_value": ("Nieuwe waarde", "New value"),
    "bounds": ("Toegestaan", "Allowed"),
    "ground": ("Grond", "Ground"),
    "motivation": ("Motivering", "Motivation"),
    "evidence": ("Bewijsstukken (kenmerken, gescheiden door komma's)",
                 "Evidence (references, separated by commas)"),
    "four_eyes": ("Vier ogen: een andere goedkeurder beslist.",
                  "Four eyes: a different approver decides."),
    "requests": ("Verzoeken en afwijkingen", "Requests and deviations"),
    "approve": ("Goedkeuren", "Approve"),
    "refuse": ("Afwijzen", "Refuse"),
    "reason": ("Reden", "Reason"),
    "actions": ("Acties", "Actions"),
    "precedents": ("Vergelijkbare zaken", "Alike cases"),
    "assessment": ("Onderzoek", "Investigation"),
    "record_assessment": ("Onderzoek vastleggen", "Record the investigation"),
    "provision": ("Voorziening", "Provision"),
    "amount": ("Omvang", "Extent"),
    "report": ("Verslag", "Report"),
    "consider": ("Overweging vastleggen (geen afwijking)", "Record consideration (no deviation)"),
    "dashboard": ("Dashboard", "Dashboard"),
    "regulations": ("Regelingen", "Regulations"),
    "profile": ("Maatwerkprofiel", "Maatwerk profile"),
    "parameters": ("Parameters", "Parameters"),
    "rules": ("Regels", "Rules"),
    "graph": ("Samenhang", "Dependencies"),
    "saved": ("Opgeslagen.", "Saved."),
    "refused": ("Niet gelukt", "Refused"),
    "none": ("Geen.", "None."),
    "synthetic": ("Synthetische demonstratiegegevens — geen echte personen.",
                  "Synthetic demonstration data — no real persons."),
}

STATES: dict[str, tuple[str, str]] = {
    "received": ("ontvangen", "received"),
    "in_progress": ("in behandeling", "in progress"),
    "investigation": ("in onderzoek", "under investigation"),
    "proposal": ("voorstel", "proposal"),
    "decided": ("besloten", "decided"),
    "announced": ("bekendgemaakt", "announced"),
    "objection": ("in bezwaar", "under objection"),
    "objection_decided": ("besloten op bezwaar", "objection decided"),
    "withdrawn": ("ingetrokken", "withdrawn"),
    "requested": ("gevraagd", "requested"),
    "proposed": ("voorgesteld", "proposed"),
    "approved": ("goedgekeurd", "approved"),
    "refused": ("afgewezen", "refused"),
    "lodged": ("ingediend", "lodged"),
    "upheld": ("gegrond", "upheld"),
    "rejected": ("ongegrond", "rejected"),
}


def language(request: Request) -> str:
    """The page's language: ``?lang=`` (then remembered), the session's choice, else Dutch."""
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        if "session" in request.scope:
            request.session["lang"] = chosen
        return chosen
    if "session" in request.scope and request.session.get("lang") in LANGUAGES:
        return str(request.session["lang"])
    return "nl"


def translate(lang: str, key: str) -> str:
    nl, en = WORDS.get(key) or STATES.get(key) or (key, key)
    return en if lang == "en" else nl
