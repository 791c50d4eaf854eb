"""Zorgtoeslag per year (Wzt art. 1-3; Awir art. 14), for one person."""

# OpenFisca's conventions: a variable is a class named like the variable (lower case), and a
# formula takes the population as its first argument, not self.
# ruff: noqa: N801, N805

from numpy import floor, maximum, where
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable
from openfisca_zorgtoeslag.entities import Persoon

# -- inputs -----------------------------------------------------------------------------------


class leeftijd(Variable):
    value_type = int
    entity = Persoon
    definition_period = YEAR
    label = "Leeftijd"


class is_verzekerd(Variable):
    value_type = bool
    entity = Persoon
    definition_period = YEAR
    label = "Verzekerd voor de Zorgverzekeringswet"


class heeft_toeslagpartner(Variable):
    value_type = bool
    entity = Persoon
    definition_period = YEAR
    label = "Heeft een toeslagpartner"


class toetsingsinkomen(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Toetsingsinkomen"


class toetsingsinkomen_partner(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Toetsingsinkomen van de toeslagpartner"


class vermogen(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Vermogen op 1 januari (samen met de toeslagpartner)"


# -- rules ------------------------------------------------------------------------------------


class recht_op_zorgtoeslag(Variable):
    value_type = bool
    entity = Persoon
    definition_period = YEAR
    label = "Recht op zorgtoeslag"
    reference = "Wzt art. 1 lid 1 sub c en art. 3"

    def formula(persoon, period, parameters):
        p = parameters(period).zorgtoeslag
        partner = persoon("heeft_toeslagpartner", period)
        grens = where(partner, p.vermogensgrens.partner, p.vermogensgrens.alleenstaand)
        return (
            (persoon("leeftijd", period) >= p.minimumleeftijd)
            * persoon("is_verzekerd", period)
            * (persoon("vermogen", period) <= grens)
        )


class gezamenlijk_toetsingsinkomen(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Toetsingsinkomen (samen met de toeslagpartner)"
    reference = "Wzt art. 2 lid 3"

    def formula(persoon, period, parameters):
        partner = persoon("heeft_toeslagpartner", period)
        return persoon("toetsingsinkomen", period) + where(
            partner, persoon("toetsingsinkomen_partner", period), 0
        )


class normpremie(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Normpremie"
    reference = "Wzt art. 2 lid 2 en lid 3"

    def formula(persoon, period, parameters):
        p = parameters(period).zorgtoeslag
        partner = persoon("heeft_toeslagpartner", period)
        inkomen = persoon("gezamenlijk_toetsingsinkomen", period)
        aandeel = where(partner, p.percentage_drempel_partner, p.percentage_drempel_alleenstaand)
        return aandeel * p.drempelinkomen + p.percentage_boven_drempel * maximum(
            0, inkomen - p.drempelinkomen
        )


class standaardpremie_huishouden(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Standaardpremie voor het huishouden"
    reference = "Wzt art. 2 lid 1"

    def formula(persoon, period, parameters):
        premie = parameters(period).zorgtoeslag.standaardpremie
        return where(persoon("heeft_toeslagpartner", period), 2 * premie, premie)


class berekende_zorgtoeslag(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Berekende zorgtoeslag (per jaar)"
    reference = "Wzt art. 2 lid 1"

    def formula(persoon, period, parameters):
        return maximum(
            0,
            persoon("standaardpremie_huishouden", period) - persoon("normpremie", period),
        )


class zorgtoeslag(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Zorgtoeslag per jaar"
    reference = "Awir art. 14 lid 4 en lid 5"

    def formula(persoon, period, parameters):
        p = parameters(period).zorgtoeslag
        # arithmetic rounding to whole euros (the amount is never negative)
        afgerond = floor(persoon("berekende_zorgtoeslag", period) + 0.5)
        toegekend = where(afgerond < p.ondergrens_toeslag, 0, afgerond)
        return where(persoon("recht_op_zorgtoeslag", period), toegekend, 0)


class zorgtoeslag_per_maand(Variable):
    value_type = float
    entity = Persoon
    definition_period = YEAR
    label = "Voorschot per maand (praktijk: naar beneden afgerond)"
    reference = "Awir art. 22"

    def formula(persoon, period, parameters):
        return floor(persoon("zorgtoeslag", period) / 12)
