"""The words of the precedents on the caseworker's case page and of the policy maker's
crystallisation proposals, in Dutch and English (merged into ``maatwerk.web.i18n.WORDS``)."""

from __future__ import annotations

CRYSTAL: dict[str, tuple[str, str]] = {
    # precedents on the case page
    "precedents_intro": ("De meest vergelijkbare besliste zaken van deze regeling: hoe minder "
                         "feiten verschillen, hoe kleiner de afstand.",
                         "The most alike decided cases of this regulation: the fewer facts "
                         "differ, the smaller the distance."),
    "precedents_maatwerk": ("Vergelijkbare zaken met maatwerk", "Alike cases with maatwerk"),
    "distance": ("afstand", "distance"),
    "decided_by": ("Beslist door", "Decided by"),
    "decided_on": ("besloten op", "decided on"),
    "differs_in": ("Verschilt in", "Differs in"),
    "same_facts": ("dezelfde feiten", "the same facts"),
    "applied_deviation": ("Afwijking", "Deviation"),
    "request_fate": ("Verzoek of voorstel", "Request or proposal"),
    # crystallisation proposals
    "proposals_title": ("Voorstellen uit vastgelegde afwijkingen",
                        "Proposals from established deviations"),
    "proposals_link": ("Voorstellen uit vastgelegde afwijkingen (kristallisatie)",
                       "Proposals from established deviations (crystallisation)"),
    "proposals_intro": ("Een hardheidspraktijk die voor bepaalde gevallen is uitgekristalliseerd, "
                        "hoort in een algemene regel (Aanwijzing voor de regelgeving 5.25 lid 3). "
                        "Hieronder: groepen van vergelijkbare goedgekeurde afwijkingen (zelfde "
                        "clausule, uitkomst en grond, vergelijkbare feiten), elk als voorstel "
                        "voor een beleidscategorie met een voorwaarde die uit de feiten is "
                        "geleerd, gecontroleerd zoals maatwerk check dat doet.",
                        "A hardship practice that has crystallised for certain cases belongs in "
                        "a general rule (Aanwijzing voor de regelgeving 5.25 lid 3). Below: "
                        "groups of alike approved deviations (same clause, output and ground, "
                        "alike facts), each as a proposed policy category with a condition "
                        "learned from the facts, checked as maatwerk check does."),
    "threshold": ("Drempel (afwijkingen per groep)", "Threshold (deviations per cluster)"),
    "min_precision": ("Minimale precisie", "Minimum precision"),
    "deviations_col": ("Afwijkingen", "Deviations"),
    "cases_read": ("Besliste zaken in de periode", "Decided cases in the period"),
    "groups_title": ("Goedgekeurde afwijkingen per clausule, uitkomst en grond",
                     "Approved deviations by clause, output and ground"),
    "clusters": ("Groepen", "Clusters"),
    "no_proposals": ("Geen groep van vergelijkbare afwijkingen boven de drempel: geen voorstel.",
                     "No cluster of alike deviations above the threshold: nothing to propose."),
    "condition": ("Voorwaarde", "Condition"),
    "learned": ("geleerd uit de feiten", "learned from the facts"),
    "sets_output": ("Zet de uitkomst op", "Sets the output to"),
    "reproduces": ("geeft dezelfde waarde als de afwijking in", "gives the deviation's own value "
                   "in"),
    "of_cases": ("van de", "of the"),
    "coverage": ("Dekking", "Coverage"),
    "cov_deviations": ("Afwijkingen in de groep", "Deviations of the group"),
    "cov_covered": ("Daarvan gedekt door de categorie", "Of those, covered by the category"),
    "cov_matched": ("Daarvan met dezelfde waarde", "Of those, with the same value"),
    "cov_false": ("Andere zaken die de categorie ook zou vangen",
                  "Other cases the category would also catch"),
    "cov_other": ("Daarvan met een andere afwijking van deze uitkomst",
                  "Of those, with another deviation of this output"),
    "cov_change": ("Verandering voor die andere zaken (som)",
                   "Change for those other cases (sum)"),
    "cov_refused": ("Zaken die de aangepaste regeling weigert",
                    "Cases the patched regulation refuses"),
    "members": ("Zaken in de groep", "Cases in the cluster"),
    "download_patch": ("Download het voorstel (YAML)", "Download the proposal (YAML)"),
    "simulate_proposal": ("Simuleer op de demobevolking", "Simulate on the demo population"),
    "no_population": ("Geen demobevolking voor deze regeling.",
                      "No demo population for this regulation."),
    "check_it": ("Controleer het zelf", "Check it yourself"),
    "problems": ("Problemen", "Problems"),
}
