"""A minimal OpenFisca country package for the zorgtoeslag benchmark anchor.

Written for this benchmark only (not derived from any public OpenFisca or MinBZK encoding). It
models one entity (a person) and the yearly zorgtoeslag with the same formula, parameter values
and rounding as ``regulations/zorgtoeslag/regulation.yaml`` (Wzt art. 1-3, Awir art. 14).
"""

from __future__ import annotations

import os

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from openfisca_zorgtoeslag.entities import ENTITIES

HERE = os.path.dirname(os.path.abspath(__file__))


class ZorgtoeslagTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self) -> None:
        super().__init__(ENTITIES)
        self.add_variables_from_directory(os.path.join(HERE, "variables"))
        self.load_parameters(os.path.join(HERE, "parameters"))


CountryTaxBenefitSystem = ZorgtoeslagTaxBenefitSystem
