"""The words of the synthetic history: what citizens write, what caseworkers motivate, what the
investigations record. All of it is invented for the demo (synthetisch); no text comes from a
real case file.
"""

from __future__ import annotations

# -- names (common Dutch first names and surnames; every person in the history is invented) ------

FIRST_NAMES = (
    "Anna", "Bram", "Carla", "Daan", "Esra", "Fatima", "Gerrit", "Hanna", "Ilse", "Jan", "Kees",
    "Lotte", "Mohamed", "Noor", "Olga", "Pieter", "Rik", "Sanne", "Thijs", "Umut", "Vera",
    "Wim", "Yara", "Zeynep", "Bas", "Dewi", "Emma", "Femke", "Gijs", "Hamza", "Iris", "Joost",
    "Karin", "Lars", "Marieke", "Nadia", "Ruud", "Sara", "Tim", "Wendy", "Aisha", "Rachid",
    "Mei", "Sven", "Priya", "Kofi", "Ingrid", "Henk", "Petra", "Youssef",
)
SURNAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
    "van der Meer", "Kok", "Jacobs", "Vermeulen", "van den Broek", "de Bruijn", "Yilmaz",
    "El Amrani", "Kaya", "Bouzid", "Öztürk", "Pinas", "Rahman", "Nguyen", "Wijnberg",
    "Koster", "Prins", "Huisman", "Postma", "Kuipers", "Veenstra", "Hoekstra", "Sedney",
    "Tahiri", "Lie", "Kramer",
)

# -- bijstand: requests for maatwerk, in the citizen's own words ---------------------------------

STORY_MANTELZORG = (
    "Mijn moeder woont bij mij in omdat ze na haar herseninfarct niet meer alleen kan wonen; ik "
    "zorg dag en nacht voor haar. Door de kostendelersnorm krijg ik nu veel minder bijstand, "
    "terwijl mijn kosten juist hoger zijn geworden.",
    "Sinds mijn vader bij mij is ingetrokken verzorg ik hem (hij heeft dementie). Nu telt hij "
    "als kostendeler en gaat mijn uitkering omlaag. Zonder mij moet hij naar een verpleeghuis.",
    "Ik heb mijn zieke moeder in huis genomen om voor haar te zorgen. Zij betaalt niets mee aan "
    "de huur, maar mijn bijstand is verlaagd alsof we de kosten delen.",
)
STORY_OTHER = {
    "medisch": (
        "Ik heb door mijn chronische ziekte elke maand hoge kosten (dieet, vervoer naar het "
        "ziekenhuis) die niemand vergoedt. Met de gewone norm kom ik niet rond.",
        "Door mijn reuma heb ik extra kosten voor verwarming en vervoer. Ik vraag of daar "
        "rekening mee gehouden kan worden.",
    ),
    "wonen": (
        "Mijn huur is veel hoger dan gemiddeld en ik kan niet verhuizen: er is in de hele regio "
        "geen goedkopere woning. Na de huur blijft bijna niets over.",
        "Na de scheiding woon ik met de kinderen in een te dure woning; de urgentie is "
        "afgewezen en ik kan nergens anders heen.",
    ),
    "schulden": (
        "Er ligt beslag op mijn uitkering voor schulden uit mijn vorige relatie. Wat overblijft "
        "is te weinig om van te leven.",
    ),
    "jong": (
        "Ik ben 19 en kan niet bij mijn ouders wonen (ik ben uit huis geplaatst). Van de "
        "jongerennorm kan ik mijn kamer en eten niet betalen.",
    ),
    "verlaging": (
        "Ik kwam niet op de afspraak omdat mijn zoontje met koorts thuis lag. De verlaging "
        "vind ik veel te zwaar; ik heb daarna meteen gebeld.",
        "Ik heb het formulier te laat ingeleverd omdat ik in het ziekenhuis lag. Ik vraag om "
        "de verlaging te verminderen.",
    ),
    "dringend": (
        "Mijn spaargeld staat op een geblokkeerde rekening zolang de scheiding loopt. Ik heb "
        "geen geld voor eten en de huur; de verhuurder dreigt met ontruiming.",
        "Mijn geld zit vast in een huis dat niet verkocht wordt. Ik heb deze maand niets om van "
        "te leven.",
    ),
}

# -- bijstand: motivations of caseworkers, approvers and refusals --------------------------------

CONSIDERED = (
    "Afstemming overwogen (art. 18 lid 1): geen zeer bijzondere omstandigheden die afwijking "
    "van de norm rechtvaardigen.",
    "Afstemming overwogen: de situatie wijkt niet af van die van vergelijkbare huishoudens; de "
    "norm is passend.",
    "Afstemming besproken in het gesprek; cliënt noemt geen bijzondere omstandigheden. Norm "
    "toegepast.",
)
CONSIDERED_MANTELZORG = (
    "Afstemming overwogen: de inwonende ouder telt als kostendeler (art. 22a); de "
    "kostendelersnorm is toegepast.",
)
CONSIDERED_AFTER_REFUSAL = (
    "Afstemming overwogen; het voorstel tot afwijking is niet goedgekeurd, de norm blijft "
    "staan.",
)
MOTIVATION_MANTELZORG = (
    "Cliënt verleent intensieve mantelzorg aan de inwonende ouder; zonder die zorg zou de ouder "
    "in een instelling wonen. De kostendelersnorm treft hier onbedoeld de mantelzorger. Norm "
    "vastgesteld op de norm voor een alleenstaande zonder kostendelers.",
    "Inwoning uitsluitend vanwege mantelzorg (indicatie van de ouder ingezien). De ouder draagt "
    "niet bij in de woonkosten; afstemming naar de alleenstaandennorm is hier passend.",
)
MOTIVATION_UP = {
    "medisch": "Aantoonbaar hoge, structurele meerkosten door een chronische aandoening die "
               "niet via een voorliggende voorziening worden vergoed.",
    "wonen": "Woonlasten ver boven het gemiddelde zonder mogelijkheid tot verhuizen "
             "(woningmarktonderzoek in het dossier); tijdelijke afstemming naar boven.",
    "schulden": "Beslag laat minder dan de beslagvrije voet over; tijdelijke afstemming tot de "
                "schuldhulp loopt.",
    "jong": "Jongere zonder mogelijkheid van onderhoud door de ouders (uithuisplaatsing); de "
            "jongerennorm is hier ontoereikend.",
}
MOTIVATION_DOWN = (
    "Cliënt woont kosteloos bij familie en heeft geen woonlasten; de norm is in deze situatie "
    "te hoog (afstemming naar beneden).",
    "Cliënt heeft kost en inwoning bij een hulpverlenende instantie die in de kosten van het "
    "bestaan voorziet; norm naar beneden afgestemd.",
)
MOTIVATION_VERLAGING = (
    "Verminderde verwijtbaarheid: cliënt was aantoonbaar verhinderd (ziekte van een kind) en "
    "heeft direct contact opgenomen. Verlaging lager vastgesteld.",
    "De gedraging is minder ernstig dan de standaardcategorie veronderstelt; eerste keer en "
    "direct hersteld. Verlaging gematigd.",
)
MOTIVATION_DRINGEND = (
    "Het vermogen staat op een geblokkeerde rekening zolang de echtscheiding loopt; er is geen "
    "geld voor eten en huur en er dreigt ontruiming. Zonder bijstand ontstaat een acute "
    "noodsituatie.",
    "Het vermogen zit vast in een onverkoopbare woning; cliënt heeft aantoonbaar geen middelen "
    "voor de komende maand. Acute noodsituatie vastgesteld door het maatwerkteam.",
)
REFUSE_REQUEST = (
    "Er zijn geen zeer bijzondere omstandigheden aangetoond; de genoemde kosten vallen onder de "
    "algemene norm. Voor specifieke kosten kunt u bijzondere bijstand aanvragen.",
    "Uw situatie is helaas niet uitzonderlijk ten opzichte van vergelijkbare huishoudens. De "
    "norm blijft staan; wij wijzen u op de schuldhulpverlening.",
)
REFUSE_PROPOSAL = (
    "Onvoldoende onderbouwd: de omstandigheden zijn niet uitzonderlijk ten opzichte van "
    "vergelijkbare huishoudens (CRvB 28-07-2015, 14/2984).",
    "Niet akkoord: de meerkosten zijn niet met stukken aangetoond. Verwijs naar bijzondere "
    "bijstand.",
    "Niet akkoord: afwijking is hier niet nodig; de situatie past binnen de norm en het "
    "beleid.",
)
REFUSE_ZORGTOESLAG = (
    "De Awir kent geen hardheidsclausule voor één geval: art. 47 geldt alleen voor groepen van "
    "gevallen, bij ministeriële regeling. Pas uw inkomensschatting aan of vraag een "
    "betalingsregeling.",
)
STORY_ZORGTOESLAG = (
    "Mijn inkomen is dit jaar veel lager dan de schatting omdat ik mijn baan kwijt ben. Ik kan "
    "niet wachten tot de definitieve berekening.",
    "Ik moet zorgtoeslag terugbetalen door een fout van mijn werkgever. Ik vraag om rekening te "
    "houden met mijn situatie.",
    "Mijn partner is vertrokken en ik sta er alleen voor; ik vraag om een uitzondering.",
)

# -- objections ---------------------------------------------------------------------------------

GROUNDS = {
    "zorgtoeslag": (
        "Het toetsingsinkomen in het besluit klopt niet; mijn werkelijke inkomen is lager.",
        "Ik heb geen toeslagpartner meer sinds de verhuizing; het besluit gaat uit van een "
        "partner.",
    ),
    "bijstand": (
        "Het besluit houdt geen rekening met mijn bijzondere omstandigheden; mijn verzoek om "
        "maatwerk is niet goed beoordeeld.",
        "Mijn inwonende moeder is geen kostendeler: ik zorg voor haar.",
        "De verlaging is onevenredig zwaar.",
    ),
    "bijzondere-bijstand": (
        "De vergoeding is te laag: de goedkoopste oplossing was voor mij niet bruikbaar.",
        "Ten onrechte is aangenomen dat ik de kosten zelf kan dragen.",
    ),
    "wmo-maatwerkvoorziening": (
        "Het aantal uren hulp is te laag; mijn dochter kan niet meer zoveel helpen als in het "
        "verslag staat.",
        "Het hulpmiddel past niet bij mijn situatie; ik heb een ander nodig.",
    ),
    "cbr-medische-route": (
        "Ik ben het niet eens met de beperkte termijn; mijn specialist ziet geen reden voor "
        "herkeuring.",
        "De rijtest is afgenomen op een dag dat ik ziek was.",
    ),
}
REJECTED = (
    "Het bezwaar is ongegrond: het besluit is juist genomen en voldoende gemotiveerd.",
    "Ongegrond: de aangevoerde omstandigheden waren al betrokken bij het besluit.",
)
UPHELD = (
    "Het bezwaar is gegrond: het besluit was onvoldoende gemotiveerd. Het besluit wordt "
    "opnieuw genomen met een aanvullende motivering.",
    "Gegrond: het verslag gaf de omstandigheden niet volledig weer; opnieuw beslist.",
)
WITHDRAWN = (
    "Ik heb werk gevonden en heb de aanvraag niet meer nodig.",
    "Mijn situatie is veranderd; ik trek de aanvraag in.",
)

# -- bijzondere bijstand: the investigation ------------------------------------------------------

BB_COSTS = {
    "medisch": (
        ("Eigen bijdrage voor een gehoorapparaat", "Gehoorverlies; het hulpmiddel is medisch "
         "voorgeschreven en de verzekering vergoedt een deel."),
        ("Tandartskosten na een ongeval", "Gebitsschade na een val; niet verzekerd in de "
         "basisverzekering."),
        ("Eigen risico en medicijnen", "Chronische aandoening met hoge zorgkosten in één jaar."),
        ("Een bril met prismaglazen", "Dubbelzien na een herseninfarct; medisch noodzakelijk."),
    ),
    "wonen": (
        ("Vervanging van een kapotte wasmachine", "Gezin met drie jonge kinderen; geen "
         "reservering mogelijk geweest."),
        ("Inrichting na uitstroom uit de maatschappelijke opvang", "Uitstroom naar een lege "
         "woning; geen eigen inboedel."),
        ("Verhuiskosten na een urgentieverklaring", "Verhuizing om medische redenen."),
        ("Een koelkast en een bed", "Na huiselijk geweld met de kinderen verhuisd zonder "
         "inboedel."),
    ),
    "levensonderhoud": (
        ("Overbrugging tot de eerste uitkering", "Wachttijd tot de eerste betaling van een "
         "voorliggende voorziening."),
        ("Reiskosten naar een gedetineerde partner", "Bezoek voor de kinderen; geen andere "
         "voorziening."),
        ("Kosten van bewind", "Beschermingsbewind uitgesproken door de kantonrechter."),
    ),
}
BB_POLICY = {
    "om_niet": "Beleidsregel bijzondere bijstand toegepast; verstrekking om niet.",
    "lening": "Beleidsregel duurzame gebruiksgoederen toegepast: verstrekking als renteloze "
              "lening.",
    "geen": "Beleidsregel toegepast: voorliggende voorziening of eigen draagkracht gaat voor.",
}

# -- Wmo: the kitchen-table talk -----------------------------------------------------------------

WMO_NEEDS = {
    "hulp_bij_het_huishouden": (
        ("Ik kan het huis niet meer schoonhouden sinds mijn heupoperatie.",
         "Kan niet bukken of zwaar tillen; loopt met een rollator."),
        ("Door mijn COPD ben ik snel buiten adem; stofzuigen en de was lukken niet meer.",
         "Beperkte belastbaarheid door longziekte; zwaar huishoudelijk werk niet mogelijk."),
        ("Sinds mijn man is overleden lukt het huishouden niet meer.",
         "Artrose in handen en knieën; woont alleen."),
    ),
    "begeleiding": (
        ("Ik raak het overzicht kwijt over post, afspraken en geld.",
         "Licht verstandelijke beperking; structuur en overzicht ontbreken."),
        ("Na mijn burn-out en de scheiding kom ik de dag niet door.",
         "Psychische klachten; dagstructuur en ondersteuning bij de administratie nodig."),
        ("Mijn geheugen laat me in de steek; ik vergeet te eten.",
         "Beginnende dementie; woont alleen, mantelzorg op afstand."),
    ),
    "hulpmiddel": (
        ("Ik kom niet meer zelfstandig naar de winkel of de huisarts.",
         "Loopafstand minder dan 100 meter; rolstoel of scootmobiel nodig."),
        ("Ik kan niet meer veilig uit bed en in bad.",
         "Evenwichtsstoornis na een beroerte; tillift en douchestoel nodig."),
    ),
    "woningaanpassing": (
        ("Ik kan de trap niet meer op naar de slaapkamer en de badkamer.",
         "Progressieve spierziekte; traplift of aanpassing van de badkamer nodig."),
        ("Met mijn rolstoel kom ik de badkamer niet in.",
         "Rolstoelgebonden na een ongeval; drempels en douche aanpassen."),
    ),
}
WMO_GENERAL = ("Boodschappendienst van de wijkvereniging", "Maaltijdservice",
               "Dagbesteding in het buurthuis", "Vrijwillige thuisadministratie")

# -- CBR: the medical adviser's judgement --------------------------------------------------------

CBR_CONDITIONS = (
    ("Beroerte (CVA) zonder restverschijnselen", 10),
    ("Beroerte met lichte restverschijnselen", 5),
    ("Diabetes mellitus type 1 met insuline", 5),
    ("Epilepsie, aanvalsvrij sinds twee jaar", 5),
    ("Slaapapneu (OSAS), behandeld met CPAP", 5),
    ("Ziekte van Parkinson, beginstadium", 3),
    ("Maculadegeneratie met verminderd gezichtsveld", 3),
    ("Amputatie onderbeen", 10),
    ("Hartinfarct met een ICD", 5),
    ("Beginnende cognitieve stoornis", 1),
)
CBR_CODES = ("78 (automaat)", "40 (aangepaste besturing)", "01 (bril of contactlenzen)",
             "05.02 (alleen overdag)", "10.02 (aangepaste koppeling)")

# -- Staatsbosbeheer: temporary measures (all illustrative) --------------------------------------

SBB_MOTIVATION = {
    "broedgeval": "Een laat legsel van een grondbroeder midden op het terrein; struinen "
                  "verstoort het nest (broedvogelmonitoring).",
    "stormschade": "Na de storm hangen op meerdere paden bomen half omgewaaid; gevaar voor "
                   "bezoekers tot de bomen zijn geruimd.",
    "brandgevaar": "Langdurige droogte; verhoogd risico op natuurbrand volgens de "
                   "veiligheidsregio.",
    "beheerwerk": "Maaien en kappen met zware machines; het terrein is tijdelijk niet veilig "
                  "voor bezoekers.",
    "evenement": "Een trailrun op bestaande brede paden, buiten het broedseizoen, met "
                 "verkeersregelaars en een afvalplan.",
}
SBB_REFUSAL = (
    "Niet akkoord: de maatregel is strenger dan nodig; een waarschuwing ter plaatse volstaat.",
    "Niet akkoord: het evenementplan is onvoldoende uitgewerkt (geen afvalplan).",
)
