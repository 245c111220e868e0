"""French territories from INSEE's Code officiel géographique and the DGCL's intercommunalities (a shipped
extract of the Etalab "découpage administratif"), so that the authorities the Atlas names can be given the INSEE
code, SIREN, département and région that every French dataset joins on."""

from atlas_ld.reference.cog import (
    Commune,
    Departement,
    Intercommunalite,
    Region,
    commune,
    departement,
    intercommunalite,
    region,
)
from atlas_ld.reference.resolution import Resolution, resolve

__all__ = [
    "Commune",
    "Departement",
    "Intercommunalite",
    "Region",
    "Resolution",
    "commune",
    "departement",
    "intercommunalite",
    "region",
    "resolve",
]
