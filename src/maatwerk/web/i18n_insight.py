"""The words of the dilemma monitor, the dynamics signals and the public register, in Dutch and
English (merged into ``maatwerk.web.i18n.WORDS``)."""

from __future__ import annotations

INSIGHT: dict[str, tuple[str, str]] = {
    # the dilemma monitor
    "dilemmas_title": ("Dilemma's van maatwerk", "The dilemmas of maatwerk"),
    "dilemmas_intro": ("Maatwerk staat op gespannen voet met andere waarden. Per dilemma wat het "
                       "zaakdossier over de gekozen periode laat zien. Hoe elk cijfer is bepaald, "
                       "staat in de documentatie (docs/insight.md).",
                       "Maatwerk is in tension with other values. For each dilemma, what the case "
                       "file shows for the chosen period. How each figure is determined is in "
                       "the documentation (docs/insight.md)."),
    "signals": ("Signalen", "Signals"),
    "no_signals": ("Geen signalen: niets valt buiten de 99,8%-controlegrenzen.",
                   "No signals: nothing lies outside the 99.8% control limits."),
    "equality": ("Gelijkheid", "Equality"),
    "equality_intro": ("Vergelijkbare zaken: dezelfde regeling en beleidscategorieën, elk gegeven "
                       "in dezelfde band (bedragen en leeftijden in banden van 10%). Hoe vaak "
                       "kregen zij een andere beslissende laag of een uitkomst die meer dan 1% "
                       "verschilt? Gemeten op een vaste steekproef per regeling.",
                       "Alike cases: the same regulation and policy categories, every fact in "
                       "the same band (amounts and ages in bands of 10%). How often did they get "
                       "a different deciding layer or an outcome more than 1% apart? Measured on "
                       "a fixed sample per regulation."),
    "sampled": ("In steekproef", "Sampled"),
    "alike_cases": ("Vergelijkbare zaken", "Alike cases"),
    "cells": ("Groepen", "Groups"),
    "pairs": ("Paren", "Pairs"),
    "pairs_differing": ("Paren met verschil", "Pairs that differ"),
    "pair_share": ("Aandeel paren met verschil", "Share of pairs that differ"),
    "departing": ("Wijkt af van de groep", "Departs from the group"),
    "departing_share": ("Aandeel dat afwijkt", "Share that departs"),
    "departing_by_team": ("Aandeel vergelijkbare zaken dat afwijkt, per team",
                          "Share of alike cases that departs, per team"),
    "legal_certainty": ("Rechtszekerheid", "Legal certainty"),
    "certainty_intro": ("Hoe vaak week de uitkomst af van de regels door een afwijking of een "
                        "onderzoek, en hoe ver lag de uitkomst van de standaarduitkomst?",
                        "How often did the outcome depart from the rules through a deviation "
                        "or an investigation, and how far did it lie from the standard "
                        "outcome?"),
    "with_assessment": ("Met onderzoek", "With an investigation"),
    "discretion_share": ("Aandeel met afwijking of onderzoek",
                         "Share with a deviation or an investigation"),
    "how_far": ("Hoe ver van de standaarduitkomst", "How far from the standard outcome"),
    "changed": ("Gewijzigd", "Changed"),
    "mean_delta": ("Gemiddeld verschil", "Mean difference"),
    "mean_relative": ("Gemiddeld relatief", "Mean relative"),
    "median_relative": ("Mediaan relatief", "Median relative"),
    "efficiency": ("Doelmatigheid", "Efficiency"),
    "efficiency_intro": ("Doorlooptijd per manier van beslissen: met een afwijking, met een "
                         "onderzoek, of alleen volgens de regels (standaard en categorieën); het "
                         "aandeel handwerk; en wat de afwijkingen kosten of besparen.",
                         "Lead time per way of deciding: with a deviation, with an "
                         "investigation, or by the rules alone (standard and categories); the "
                         "manual share; and what the deviations cost or save."),
    "discretion": ("Manier van beslissen", "Way of deciding"),
    "discretion_rules": ("volgens de regels", "by the rules"),
    "discretion_assessment": ("met onderzoek", "with an investigation"),
    "discretion_deviation": ("met afwijking", "with a deviation"),
    "lead_by_discretion": ("Mediane doorlooptijd per manier van beslissen",
                           "Median lead time per way of deciding"),
    "manual_share": ("Aandeel handwerk", "Manual share"),
    "cost_title": ("Kosten van afwijkingen", "Cost of deviations"),
    "cost_intro": ("Per clausule het bedrag dat goedgekeurde afwijkingen optellen bij of "
                   "aftrekken van de uitkomst vóór de afwijking (per besluit, in de eenheid "
                   "van de uitkomst, bijvoorbeeld per maand). 'Geschat': uit een steekproef, "
                   "opgeschaald.",
                   "Per clause, the amount approved deviations add to or subtract from the "
                   "outcome before the deviation (per decision, in the output's unit, for "
                   "instance per month). 'Estimated': from a sample, scaled up."),
    "added": ("Erbij", "Added"),
    "subtracted": ("Eraf", "Subtracted"),
    "net": ("Netto", "Net"),
    "estimated": ("geschat", "estimated"),
    "transparency": ("Transparantie", "Transparency"),
    "transparency_intro": ("Is elke afwijking, weigering, overweging en elk onderzoek "
                           "gemotiveerd, heeft elke afwijking een grondslag, en hoe vergaat het "
                           "bezwaren?",
                           "Is every deviation, refusal, consideration and investigation "
                           "motivated, does every deviation have a legal basis, and how do "
                           "objections fare?"),
    "motivated": ("Gemotiveerd", "Motivated"),
    "refusals": ("Weigeringen", "Refusals"),
    "considerations": ("Overwegingen", "Considerations"),
    "assessments": ("Onderzoeken", "Investigations"),
    "with_legal_basis": ("Met grondslag", "With a legal basis"),
    "objections": ("Bezwaren", "Objections"),
    "objection_rate": ("Bezwaarpercentage", "Objection rate"),
    "objections_ruled": ("Beslist op bezwaar", "Objections decided"),
    "upheld": ("Gegrond", "Upheld"),
    "upheld_share": ("Aandeel gegrond", "Share upheld"),
    "objections_by_rule": ("Gegronde bezwaren per regel: uitkomst gewijzigd bij herziening",
                           "Upheld objections per rule: outcome changed on re-decision"),
    "no_clause": ("geen afwijking", "no deviation"),
    "arbitrariness": ("Willekeur", "Arbitrariness"),
    "arbitrariness_intro": ("Het aandeel besloten zaken met een afwijking per behandelaar en team, "
                            "in een trechter: de lijnen zijn de 95%- en 99,8%-controlegrenzen "
                            "rond het gemiddelde van de regeling. Buiten de 99,8%-grens (bij "
                            "minstens tien zaken) is een uitschieter — meer dan toeval verklaart.",
                            "The share of decided cases with a deviation per caseworker and "
                            "team, in a funnel: the lines are the 95% and 99.8% control limits "
                            "around the regulation's average. Outside the 99.8% limit (with at "
                            "least ten cases) is an outlier — more than chance explains."),
    "funnel_caseworkers": ("Trechter van behandelaars", "Funnel of caseworkers"),
    "funnel_teams": ("Trechter van teams", "Funnel of teams"),
    "funnel_desc": ("Punten: aandeel met afwijking tegen het aantal besloten zaken; lijnen: "
                    "95%-grenzen (gestreept) en 99,8%-grenzen (doorgetrokken) rond het "
                    "gemiddelde. Dezelfde gegevens staan in de tabel.",
                    "Points: share with a deviation against the number of decided cases; "
                    "lines: 95% limits (dashed) and 99.8% limits (solid) around the average. "
                    "The same data is in the table."),
    "target": ("Gemiddelde", "Average"),
    "limits": ("Controlegrens", "Control limit"),
    "limits_95": ("95%-grenzen", "95% limits"),
    "limits_998": ("99,8%-grenzen", "99.8% limits"),
    "level_95": ("95%", "95%"),
    "level_998": ("99,8%", "99.8%"),
    "judgement": ("Oordeel", "Judgement"),
    "high": ("uitschieter naar boven", "outlier above"),
    "low": ("uitschieter naar onder", "outlier below"),
    "warn_high": ("boven de 95%-grens", "above the 95% limit"),
    "warn_low": ("onder de 95%-grens", "below the 95% limit"),
    "within": ("binnen de grenzen", "within the limits"),
    "warning": ("buiten 95%", "outside 95%"),
    "outlier": ("uitschieter", "outlier"),
    "rate": ("Aandeel", "Share"),
    "deviations_n": ("Afwijkingen", "Deviations"),
    "count": ("Aantal", "Count"),
    # the dynamics signals
    "dynamics_title": ("Dynamiek: signalen per groep", "Dynamics: signals per group"),
    "dynamics_intro": ("Maatwerk zet patronen in gang bij burgers, behandelaars, managers en "
                       "bestuurders. Per groep de signalen uit het zaakdossier.",
                       "Maatwerk sets patterns in motion among citizens, caseworkers, managers "
                       "and administrators. Per group the signals from the case file."),
    "citizens": ("Burgers: wie vraagt om maatwerk en wie krijgt het?",
                 "Citizens: who asks for maatwerk and who gets it?"),
    "citizens_intro": ("Per kanaal: hoe vaak burgers om maatwerk vroegen, hoe vaak dat werd "
                       "toegekend, en hoe vaak een afwijking die de behandelaar zelf aanbood werd "
                       "goedgekeurd. Een kanaal waar verzoeken vaker worden toegekend dan toeval "
                       "verklaart, wijst op het effect van de mondige burger.",
                       "Per channel: how often citizens asked for maatwerk, how often it was "
                       "granted, and how often a deviation the caseworker offered was approved. "
                       "A channel where requests are granted more often than chance explains "
                       "points to the assertive-citizen effect."),
    "channel": ("Kanaal", "Channel"),
    "asked": ("Gevraagd", "Asked"),
    "ask_rate": ("Aandeel dat vroeg", "Share that asked"),
    "requests_decided": ("Verzoeken beslist", "Requests decided"),
    "granted": ("Toegekend", "Granted"),
    "grant_rate": ("Toekenning op verzoek", "Granted on request"),
    "offers": ("Aangeboden", "Offered"),
    "offer_rate": ("Goedgekeurd na aanbod", "Approved when offered"),
    "grant_by_channel": ("Toekenning per kanaal: op verzoek en na aanbod",
                         "Granted per channel: on request and when offered"),
    "assertive_alarm": ("Verzoeken via dit kanaal worden vaker (of minder vaak) toegekend dan "
                        "toeval verklaart", "Requests through this channel are granted more "
                        "(or less) often than chance explains"),
    "asking_pays": ("Vragen loont: verzoeken worden vaker toegekend dan aanbiedingen "
                    "(z = {z})", "Asking pays: requests are granted more often than offers "
                    "(z = {z})"),
    "caseworkers_title": ("Behandelaars: werklast, afgewezen voorstellen, uitschieters",
                          "Caseworkers: workload, refused proposals, outliers"),
    "open_cases": ("Open zaken", "Open cases"),
    "refusal_funnel": ("Trechter van afgewezen voorstellen",
                       "Funnel of refused proposals"),
    "outliers_deviation": ("Uitschieters in afwijkingen", "Outliers in deviations"),
    "outliers_refusal": ("Uitschieters in afgewezen voorstellen",
                         "Outliers in refused proposals"),
    "managers_title": ("Managers: achterstand, termijnen, kosten van maatwerk",
                       "Managers: backlog, deadlines, cost of maatwerk"),
    "backlog": ("Achterstand aan het eind van de maand", "Backlog at the end of the month"),
    "breaches": ("Termijnen overschreden per maand van de vervaldag",
                 "Terms breached per month they fell due"),
    "breached": ("Overschreden", "Breached"),
    "due_n": ("Verliepen", "Fell due"),
    "maatwerk_trend": ("Aandeel besluiten met afwijking of onderzoek per maand",
                       "Share of decisions with a deviation or investigation per month"),
    "administrators_title": ("Bestuurders: terugkerende afwijkingen",
                             "Administrators: recurring deviations"),
    "administrators_intro": ("Goedgekeurde afwijkingen per clausule en grond per maand. "
                             "Terugkerend: minstens {n} keer in minstens {m} maanden — een "
                             "kandidaat om in een algemene regel op te nemen (Aanwijzing voor "
                             "de regelgeving 5.25 lid 3).",
                             "Approved deviations per clause and ground per month. Recurring: "
                             "at least {n} times in at least {m} months — a candidate for a "
                             "general rule (Aanwijzing voor de regelgeving 5.25 lid 3)."),
    "recurring": ("Terugkerend", "Recurring"),
    "months_n": ("Maanden", "Months"),
    "approved_n": ("Goedgekeurd", "Approved"),
    "refused_n": ("Afgewezen", "Refused"),
    "recurring_chart": ("Goedgekeurde afwijkingen per maand, per clausule en grond",
                        "Approved deviations per month, per clause and ground"),
    # the public register
    "register": ("Maatwerkregister", "Maatwerk register"),
    "register_title": ("Openbaar maatwerkregister", "Public maatwerk register"),
    "register_intro": ("Hoe vaak is er per regeling, hardheidsclausule en grond afgeweken van de "
                       "regels — en hoe vaak is een afwijking afgewezen? Per kalenderjaar van de "
                       "beslissing over de afwijking. Er staan geen zaken, personen, teams, "
                       "data of bedragen in.",
                       "How often was there a deviation from the rules per regulation, hardship "
                       "clause and ground — and how often was a deviation refused? Per calendar "
                       "year of the decision on the deviation. No cases, persons, teams, dates "
                       "or amounts are in it."),
    "register_suppression": ("Kleine aantallen (1 tot en met 9) staan er als '< 10'. Waar een "
                             "verborgen aantal uit een totaal zou zijn af te leiden, is ook een "
                             "tweede aantal verborgen, aangegeven met '×'.",
                             "Small numbers (1 to 9) are shown as '< 10'. Where a hidden number "
                             "could be worked out from a total, a second number is hidden too, "
                             "marked '×'."),
    "year": ("Jaar", "Year"),
    "total": ("Totaal", "Total"),
    "all_grounds": ("alle gronden", "all grounds"),
    "as_csv": ("Dit register als CSV", "This register as CSV"),
    "no_deviations": ("Er zijn nog geen afwijkingen beslist.", "No deviations have been decided "
                      "yet."),
}
