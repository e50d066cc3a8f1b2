"""Units of measure and currency names: general English, one table for the indexer and the question reader.

The small tagger reads "4.2 million euros" and "41 light-years" as bare cardinals; these words say what such
a number measures, and what a measuring question ("How far …?") may be answered with.
"""

from __future__ import annotations

from functools import cache

# Names of currencies, as units of money (like "percent"). Names that are also common words ("real", "won",
# "pound" of weight) are left out.
CURRENCY_UNITS = frozenset(
    """dollar dollars euro euros yen yuan renminbi franc francs rupee rupees peso pesos rouble roubles ruble rubles
    krona kronor krone kroner lira lire shekel shekels dinar dinars riyal riyals reais zloty zlotys baht ringgit
    rupiah dirham dirhams naira shilling shillings cedi cedis forint forints hryvnia hryvnias florin florins
    guilder guilders koruna korunas leu lev leva kuna kune denar denars lari manat manats tenge somoni kwacha
    pula birr dobra escudo escudos quetzal lempira cordoba balboa boliviano bolivianos guarani kyat taka rial
    rials afghani afghanis ngultrum rufiyaa riel""".split()
)


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes ("GBP", "CHF", "USD") from Babel's CLDR data: "GBP 900,000" is money as "£900,000" is."""
    from babel.numbers import list_currencies

    return frozenset(code for code in list_currencies() if len(code) == 3 and code.isupper())


# Currency names that are also common words ("won", "pound" of weight, "crown", "mark"): money only after a scaled
# amount ("48 million crowns", "2 billion won", "610 million marks"), where the other readings are rare.
SCALED_CURRENCY_UNITS = frozenset(
    "pound pounds crown crowns mark marks won rand real reals sol soles colon colones lei som kip dong".split()
)

# Units by the dimension they measure. "How far …?" is not answered by "14 kilograms".
DIMENSION_UNITS = {
    "length": frozenset(
        "km kilometre kilometres kilometer kilometers mile miles metre metres meter meters yard yards foot feet ft "
        "inch inches cm centimetre centimetres centimeter centimeters mm millimetre millimetres light-year "
        "light-years".split()
    ),
    "mass": frozenset("kg kilogram kilograms kilo kilos gram grams tonne tonnes ton tons lb lbs ounce ounces".split()),
    "speed": frozenset("mph kph km/h knot knots".split()),
    "temperature": frozenset("degree degrees celsius fahrenheit kelvin".split()),
}
# Units that measure nothing else: a bare number they follow is a quantity ("41 light-years"). "Feet", "degrees"
# and the like are left to the tagger, which reads them well, and "foot" or "ton" have other senses.
QUANTITY_UNITS = frozenset(
    u for units in DIMENSION_UNITS.values() for u in units if u not in {"foot", "ton", "tons", "kilo", "degree"}
)

# A unit of time, as a rate's divisor ("per hour", "a second"): a length per time is a speed.
TIME_UNIT = r"(?:hour|minute|second|day|week|month|year)"
