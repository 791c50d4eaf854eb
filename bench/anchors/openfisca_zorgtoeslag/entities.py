"""One entity: the person who applies. A toeslagpartner is an input flag plus the partner's
income, exactly as in the maatwerk regulation, so no household entity is needed."""

from openfisca_core.entities import build_entity

Persoon = build_entity(
    key="persoon",
    plural="personen",
    label="Aanvrager",
    doc="De persoon die zorgtoeslag aanvraagt.",
    is_person=True,
)

ENTITIES = [Persoon]
