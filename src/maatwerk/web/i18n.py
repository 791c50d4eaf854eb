"""The words of the web pages, in Dutch (the default) and English.

The language comes from ``?lang=nl|en`` (remembered in the session), else Dutch.
"""

from __future__ import annotations

from fastapi import Request

from maatwerk.web.i18n_claims import CLAIMS
from maatwerk.web.i18n_crystal import CRYSTAL
from maatwerk.web.i18n_insight import INSIGHT

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
    "action_refused": ("Niet gelukt", "Not done"),
    "none": ("Geen.", "None."),
    "synthetic": ("Synthetische demonstratiegegevens — geen echte personen.",
                  "Synthetic demonstration data — no real persons."),
    # the manager's dashboard
    "manager_title": ("Sturing: zaken, doorlooptijden en maatwerk",
                      "Management: cases, lead times and maatwerk"),
    "manager_intro": ("Wat het zaakdossier zegt over het werk. Kies een regeling en een periode; "
                      "termijnen gelden altijd per vandaag.",
                      "What the case file says about the work. Choose a regulation and a period; "
                      "deadlines are always as of today."),
    "filter": ("Selectie", "Selection"),
    "all_regulations": ("Alle regelingen", "All regulations"),
    "period_from": ("Vanaf (datum)", "From (date)"),
    "period_to": ("Tot en met (datum)", "Up to and including (date)"),
    "show": ("Toon", "Show"),
    "invalid_date": ("Geen geldige datum, genegeerd", "Not a valid date, ignored"),
    "unknown_regulation": ("Onbekende regeling, genegeerd", "Unknown regulation, ignored"),
    "key_figures": ("Kerncijfers", "Key figures"),
    "received_cases": ("Ontvangen zaken", "Cases received"),
    "decided_cases": ("Besloten zaken", "Cases decided"),
    "open_now": ("Nu openstaand", "Open now"),
    "median_days": ("Mediane doorlooptijd (dagen)", "Median lead time (days)"),
    "p90_days": ("Doorlooptijd 90e percentiel (dagen)", "Lead time 90th percentile (days)"),
    "due_soon": ("Termijn verloopt binnen 14 dagen", "Term due within 14 days"),
    "overdue": ("Termijn verstreken", "Term overdue"),
    "deviation_rate": ("Aandeel besluiten met afwijking", "Share of decisions with a deviation"),
    "not_standard": ("Uitkomsten niet volgens de standaardregels",
                     "Outputs not by the standard rules"),
    "volumes": ("Instroom per maand", "Cases received per month"),
    "month": ("Maand", "Month"),
    "regulation": ("Regeling", "Regulation"),
    "number_of_cases": ("Aantal zaken", "Number of cases"),
    "open_by_state": ("Openstaande zaken per stand", "Open cases by state"),
    "lead_times": ("Doorlooptijden", "Lead times"),
    "lead_intro": ("Dagen van ontvangst tot het eerste besluit, voor zaken besloten in de periode "
                   "(mediaan en 90e percentiel, volgens de rangorde).",
                   "Days from receipt to the first decision, for cases decided in the period "
                   "(median and 90th percentile, by nearest rank)."),
    "lead_by_regulation": ("Doorlooptijd per regeling", "Lead time per regulation"),
    "lead_by_month": ("Mediane doorlooptijd per maand van besluit",
                      "Median lead time by month of decision"),
    "days": ("Dagen", "Days"),
    "median": ("Mediaan", "Median"),
    "p90": ("90e percentiel", "90th percentile"),
    "measure": ("Maat", "Measure"),
    "deadline_risk": ("Termijnen in gevaar", "Deadlines at risk"),
    "deadline_intro": ("Open termijnen per vandaag die verstreken zijn of binnen 14 dagen "
                       "verlopen. De bezwaartermijn (een termijn van de burger) en ingetrokken "
                       "zaken tellen niet mee.",
                       "Open terms as of today that have passed or fall due within 14 days. The "
                       "objection term (the citizen's term) and withdrawn cases do not count."),
    "deadline_chart": ("Termijnen in gevaar per regeling", "Deadlines at risk per regulation"),
    "status": ("Status", "Status"),
    "term": ("Termijn", "Term"),
    "team": ("Team", "Team"),
    "caseworker": ("Behandelaar", "Caseworker"),
    "days_left": ("Dagen over", "Days left"),
    "days_late": ("dagen te laat", "days late"),
    "most_urgent": ("Meest urgent", "Most urgent"),
    "deviations_title": ("Afwijkingen per team en behandelaar",
                         "Deviations per team and caseworker"),
    "deviations_intro": ("Van de zaken besloten in de periode: het aandeel met een goedgekeurde "
                         "afwijking, naar de behandelaar van de zaak. Voorstellen tot afwijking "
                         "naar wie ze deed, en hoeveel daarvan zijn afgewezen.",
                         "Of the cases decided in the period: the share with an approved "
                         "deviation, by the case's caseworker. Proposed deviations by who "
                         "proposed them, and how many were refused."),
    "rate_by_team": ("Aandeel met afwijking per team", "Share with a deviation per team"),
    "rate_by_caseworker": ("Aandeel met afwijking per behandelaar",
                           "Share with a deviation per caseworker"),
    "decided_n": ("Besloten", "Decided"),
    "with_deviation": ("Met afwijking", "With a deviation"),
    "proposals": ("Voorstellen", "Proposals"),
    "proposals_refused": ("Afgewezen", "Refused"),
    "refusal_rate": ("Aandeel afgewezen", "Share refused"),
    "layer_mix": ("Beslissende laag per uitkomst", "Deciding layer per output"),
    "layer_intro": ("Welke laag elke uitkomst van het geldende besluit bepaalde: de "
                    "standaardregels, een beleidscategorie, het onderzoek of een afwijking.",
                    "Which layer decided each output of the standing decision: the standard "
                    "rules, a policy category, the investigation or a deviation."),
    "layer": ("Laag", "Layer"),
    "outputs": ("Uitkomsten", "Outputs"),
    "share": ("Aandeel", "Share"),
    "layer_standard": ("standaardregels", "standard rules"),
    "layer_category": ("beleidscategorie", "policy category"),
    "layer_assessment": ("onderzoek (standaardmaatwerk)", "investigation (standard maatwerk)"),
    "layer_deviation": ("afwijking (hardheidsclausule)", "deviation (hardship clause)"),
    "data_table": ("gegevens als tabel", "data as a table"),
    "chart_desc": ("Dezelfde gegevens staan in de tabel bij de grafiek.",
                   "The same data is in the table with the chart."),
    "period_reversed": ("De begindatum ligt na de einddatum; ze zijn omgedraaid",
                        "The start date is after the end date; they were swapped"),
    "no_data": ("Geen gegevens in deze selectie.", "No data in this selection."),
    "as_json": ("Deze gegevens als JSON", "This data as JSON"),
    # the policy maker's simulation
    "simulation": ("Simulatie", "Simulation"),
    "simulation_intro": ("Wat doet een wijziging met de demopopulatie? Geef nieuwe waarden voor "
                         "parameters op de peildatum, of plak een hervorming (patch), en "
                         "vergelijk met de huidige regeling. De populatie is synthetisch: er "
                         "staan geen echte personen in.",
                         "What does a change do to the demo population? Give new values for "
                         "parameters on the reference date, or paste a reform (patch), and "
                         "compare with the regulation as it is. The population is synthetic: "
                         "it holds no real persons."),
    "population_size": ("Aantal personen", "Number of persons"),
    "category": ("Categorie", "Category"),
    "simulation_link": ("Simuleer een wijziging op de demopopulatie", "Simulate a change on "
                        "the demo population"),
    "current_value": ("Huidige waarde", "Current value"),
    "parameter": ("Parameter", "Parameter"),
    "reform_patch": ("Hervorming als patch (YAML, optioneel)", "Reform as a patch (YAML, "
                     "optional)"),
    "simulate": ("Simuleer", "Simulate"),
    "simulation_none": ("Geef een nieuwe waarde of een hervorming om te simuleren.",
                        "Give a new value or a reform to simulate."),
    "budget": ("Budget", "Budget"),
    "baseline": ("Basis", "Baseline"),
    "reform": ("Hervorming", "Reform"),
    "change": ("Verandering", "Change"),
    "winners": ("Winnaars", "Winners"),
    "losers": ("Verliezers", "Losers"),
    "unchanged": ("Gelijk", "Unchanged"),
    "decile": ("Deciel", "Decile"),
    "from_income": ("Vanaf inkomen", "From income"),
    "persons": ("Personen", "Persons"),
    "mean_before": ("Gemiddeld basis", "Mean baseline"),
    "mean_after": ("Gemiddeld hervorming", "Mean reform"),
    "category_effects": ("Effect per beleidscategorie", "Effect per policy category"),
    "manual_caseload": ("Verwachte handmatige behandeling", "Expected manual caseload"),
    "indeterminate": ("onbepaald (gegevens ontbreken)", "indeterminate (inputs missing)"),
    "refused_cases": ("geweigerd (situatie niet gedekt)", "refused (situation not covered)"),
    "assessments": ("individuele beoordeling", "individual assessment"),
    "hardship_candidates": ("kandidaten hardheidsclausule", "hardship-clause candidates"),
    "total": ("Totaal", "Total"),
    "synthetic_population": ("synthetische populatie", "synthetic population"),
    # the policy maker's regulation browser
    "policy_intro": ("Elke regeling als gegevens: grondslag, invoer, parameters met hun "
                     "vindplaats, regels, categorieën, hardheidsclausules, onderzoekskaders, "
                     "de samenhang en het maatwerkprofiel — verklaard en uit echte besluiten.",
                     "Every regulation as data: legal basis, inputs, parameters with their "
                     "references, rules, categories, hardship clauses, assessment frames, the "
                     "dependencies and the maatwerk profile — declared and from real "
                     "decisions."),
    "contents": ("Inhoud", "Contents"),
    "version": ("Versie", "Version"),
    "valid": ("Geldig", "Valid"),
    "valid_from": ("Vanaf", "From"),
    "until": ("tot en met", "until"),
    "authority": ("Bestuursorgaan", "Authority"),
    "subject": ("Gaat over", "Subject"),
    "legal_basis": ("Grondslag", "Legal basis"),
    "article": ("Artikel", "Article"),
    "description": ("Omschrijving", "Description"),
    "name": ("Naam", "Name"),
    "inputs": ("Invoer", "Inputs"),
    "question": ("Vraag", "Question"),
    "type": ("Soort", "Type"),
    "values": ("Waarden", "Values"),
    "value": ("Waarde", "Value"),
    "unit": ("Eenheid", "Unit"),
    "range": ("Bereik", "Range"),
    "reference": ("Vindplaats", "Reference"),
    "note": ("Toelichting", "Note"),
    "provenance": ("Herkomst", "Provenance"),
    "statutory": ("Volgens de wet", "By statute"),
    "difference": ("verschil", "difference"),
    "formula": ("Formule", "Formula"),
    "reads": ("Leest", "Reads"),
    "tables": ("Beslistabellen", "Decision tables"),
    "when": ("Als", "When"),
    "then": ("Dan", "Then"),
    "otherwise": ("Anders", "Otherwise"),
    "hit_policy": ("Trefbeleid", "Hit policy"),
    "category_policy": ("Samenloop van categorieën", "When categories overlap"),
    "precedence": ("Voorrang", "Precedence"),
    "changes": ("Wijzigt", "Changes"),
    "hardship": ("Hardheidsclausules", "Hardship clauses"),
    "level": ("Niveau", "Level"),
    "mode": ("Werking", "Mode"),
    "decider": ("Beslisser", "Decider"),
    "four_eyes_short": ("Vier ogen", "Four eyes"),
    "grounds_list": ("Gronden", "Grounds"),
    "evidence_short": ("Bewijs", "Evidence"),
    "assessment_frames": ("Onderzoekskader", "Assessment frame"),
    "domains": ("Domeinen en vragen", "Domains and questions"),
    "need": ("Behoefte", "Need"),
    "steps": ("Stappen", "Steps"),
    "provisions": ("Voorzieningen", "Provisions"),
    "terms": ("Termijnen", "Terms"),
    "required": ("verplicht", "required"),
    "declared_profile": ("Verklaard maatwerkprofiel", "Declared maatwerk profile"),
    "observed_profile": ("Maatwerkprofiel uit echte besluiten",
                         "Maatwerk profile from real decisions"),
    "observed_intro": ("Van de uitkomsten van de geldende besluiten (het laatste besluit of "
                       "herzieningsbesluit van elke zaak): welk aandeel elke laag bepaalde.",
                       "Of the outputs of the standing decisions (each case's latest decision "
                       "or re-decision): which share each layer decided."),
    "profile_over_time": ("Beslissende laag per maand", "Deciding layer per month"),
    "profile_by_output": ("Beslissende laag per uitkomst", "Deciding layer per output"),
    "variant": ("Variant", "Variant"),
    "used": ("Gebruikt", "Used"),
    "details": ("Toelichting", "Details"),
    "maatwerk_is": ("Maatwerk is", "Maatwerk is"),
    "room": ("Ruimte voor maatwerk", "Room for maatwerk"),
    "always_considered": ("Bij elk besluit te overwegen", "To be considered in every decision"),
    "most": ("Meeste maatwerk", "Most maatwerk"),
    "possible_layers": ("Mogelijk volgens de tekst", "Possible by the text"),
    "unused_layers": ("Nooit gebruikt", "Never used"),
    "undeclared_layers": ("Gebruikt maar niet verklaard", "Used but not declared"),
    "decisions": ("Besluiten", "Decisions"),
    "graph_title": ("Samenhang: invoer → regels → uitkomsten",
                    "Dependencies: inputs → rules → outputs"),
    "graph_desc": ("Elke regel staat rechts van wat hij leest; uitkomsten hebben een dikke rand. "
                   "Elk blok linkt naar zijn definitie; de tabel eronder geeft dezelfde "
                   "samenhang.",
                   "Each rule stands right of what it reads; outputs have a thick border. Each "
                   "box links to its definition; the table below gives the same dependencies."),
    "legend": ("Legenda", "Legend"),
    "kind_input": ("invoer", "input"),
    "kind_parameter": ("parameter", "parameter"),
    "kind_rule": ("regel", "rule"),
    "kind_table": ("beslistabel", "decision table"),
    "kind_assessment": ("uit het onderzoek", "from the investigation"),
    "kind_output": ("uitkomst", "output"),
    "versions_in_file": ("Versies in het zaakdossier", "Versions in the case file"),
    "loaded": ("Geladen", "Loaded"),
    "current_version": ("huidige versie", "current version"),
}

WORDS.update(INSIGHT)  # the dilemma monitor, the dynamics signals and the register
WORDS.update(CRYSTAL)  # precedents and the crystallisation proposals
WORDS.update(CLAIMS)  # claims on facts

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
