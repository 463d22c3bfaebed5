"""Country names as the sanctions lists spell them, mapped to ISO 3166-1 alpha-2.

Lists disagree on spelling ("Korea, North", "Democratic People's Republic of Korea", "DPRK",
"Iran (Islamic Republic of)"), so nationality can only break ties between a query and an
entry once both are reduced to one code. Lookup is by a folded key (ASCII, lower case,
letters only) and falls back to stripping parenthesised and comma-suffixed qualifiers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# code | names and spellings seen on OFAC, UN, EU and UK lists | demonyms
_TABLE = """
AD|Andorra|Andorran
AE|United Arab Emirates|UAE|Emirati
AF|Afghanistan|Afghan
AG|Antigua and Barbuda
AI|Anguilla
AL|Albania|Albanian
AM|Armenia|Armenian
AO|Angola|Angolan
AR|Argentina|Argentine|Argentinian
AT|Austria|Austrian
AU|Australia|Australian
AW|Aruba
AZ|Azerbaijan|Azerbaijani
BA|Bosnia and Herzegovina|Bosnia-Herzegovina|Bosnia|Bosnian
BB|Barbados
BD|Bangladesh|Bangladeshi
BE|Belgium|Belgian
BF|Burkina Faso
BG|Bulgaria|Bulgarian
BH|Bahrain|Bahraini
BI|Burundi|Burundian
BJ|Benin
BM|Bermuda
BN|Brunei|Brunei Darussalam
BO|Bolivia|Plurinational State of Bolivia|Bolivian
BR|Brazil|Brazilian
BS|Bahamas|The Bahamas
BT|Bhutan
BW|Botswana
BY|Belarus|Belarusian
BZ|Belize
CA|Canada|Canadian
CD|Congo, Democratic Republic of the|Democratic Republic of the Congo|DRC|DR Congo|Congolese
CD|Congo-Kinshasa
CF|Central African Republic|CAR
CG|Congo|Republic of the Congo|Congo, Republic of the|Congo-Brazzaville
CH|Switzerland|Swiss
CI|Cote d'Ivoire|Ivory Coast|Ivorian
CL|Chile|Chilean
CM|Cameroon|Cameroonian
CN|China|People's Republic of China|PRC|Chinese
CO|Colombia|Colombian
CR|Costa Rica|Costa Rican
CU|Cuba|Cuban
CV|Cabo Verde|Cape Verde
CW|Curacao
CY|Cyprus|Cypriot
CZ|Czechia|Czech Republic|Czech
DE|Germany|German
DJ|Djibouti
DK|Denmark|Danish
DM|Dominica
DO|Dominican Republic|Dominican
DZ|Algeria|Algerian
EC|Ecuador|Ecuadorian
EE|Estonia|Estonian
EG|Egypt|Egyptian
EH|Western Sahara
ER|Eritrea|Eritrean
ES|Spain|Spanish
ET|Ethiopia|Ethiopian
FI|Finland|Finnish
FJ|Fiji
FR|France|French
GA|Gabon
GB|United Kingdom|United Kingdom of Great Britain and Northern Ireland|UK|Great Britain
GB|Britain|British
GD|Grenada
GE|Georgia|Georgian
GH|Ghana|Ghanaian
GI|Gibraltar
GM|Gambia|The Gambia|Gambian
GN|Guinea|Guinean
GQ|Equatorial Guinea
GR|Greece|Greek
GT|Guatemala|Guatemalan
GW|Guinea-Bissau
GY|Guyana
HK|Hong Kong|Hong Kong SAR|Hong Kong Special Administrative Region|Hongkong
HN|Honduras|Honduran
HR|Croatia|Croatian
HT|Haiti|Haitian
HU|Hungary|Hungarian
ID|Indonesia|Indonesian
IE|Ireland|Irish
IL|Israel|Israeli
IM|Isle of Man|Man, Isle of
IN|India|Indian
IQ|Iraq|Iraqi
IR|Iran|Islamic Republic of Iran|Iranian
IS|Iceland
IT|Italy|Italian
JM|Jamaica|Jamaican
JO|Jordan|Jordanian
JP|Japan|Japanese
KE|Kenya|Kenyan
KG|Kyrgyzstan|Kyrgyz Republic|Kyrgyz
KH|Cambodia|Cambodian
KM|Comoros
KN|Saint Kitts and Nevis|St. Kitts and Nevis
KP|Korea, North|North Korea|Democratic People's Republic of Korea|DPRK|North Korean
KP|Korea, Democratic People's Republic of
KR|Korea, South|South Korea|Republic of Korea|Korea, Republic of|South Korean
KW|Kuwait|Kuwaiti
KY|Cayman Islands
KZ|Kazakhstan|Kazakh
LA|Laos|Lao People's Democratic Republic|Lao
LB|Lebanon|Lebanese
LC|Saint Lucia
LI|Liechtenstein
LK|Sri Lanka|Sri Lankan
LR|Liberia|Liberian
LS|Lesotho
LT|Lithuania|Lithuanian
LU|Luxembourg
LV|Latvia|Latvian
LY|Libya|Libyan Arab Jamahiriya|Libyan
MA|Morocco|Moroccan
MC|Monaco
MD|Moldova|Republic of Moldova|Moldovan
ME|Montenegro
MG|Madagascar
MH|Marshall Islands
MK|North Macedonia|Macedonia|Macedonia, The Former Yugoslav Republic of|Macedonian
ML|Mali|Malian
MM|Burma|Myanmar|Burmese
MN|Mongolia|Mongolian
MO|Macau|Macao
MR|Mauritania|Mauritanian
MT|Malta|Maltese
MU|Mauritius
MV|Maldives|Maldivian
MW|Malawi
MX|Mexico|Mexican
MY|Malaysia|Malaysian
MZ|Mozambique
NA|Namibia
NE|Niger|Nigerien
NG|Nigeria|Nigerian
NI|Nicaragua|Nicaraguan
NL|Netherlands|The Netherlands|Dutch
NO|Norway|Norwegian
NP|Nepal|Nepalese
NZ|New Zealand
OM|Oman|Omani
PA|Panama|Panamanian
PE|Peru|Peruvian
PG|Papua New Guinea
PH|Philippines|Filipino|Philippine
PK|Pakistan|Pakistani
PL|Poland|Polish
PR|Puerto Rico
PS|Palestine|State of Palestine|Palestinian|Palestinian Territories|West Bank|Gaza
PT|Portugal|Portuguese
PW|Palau
PY|Paraguay|Paraguayan
QA|Qatar|Qatari
RO|Romania|Romanian
RS|Serbia|Serbian
RU|Russia|Russian Federation|Russian
RW|Rwanda|Rwandan
SA|Saudi Arabia|Saudi
SB|Solomon Islands
SC|Seychelles
SD|Sudan|Sudanese
SE|Sweden|Swedish
SG|Singapore|Singaporean
SI|Slovenia|Slovenian
SK|Slovakia|Slovak
SL|Sierra Leone
SM|San Marino
SN|Senegal|Senegalese
SO|Somalia|Somali
SR|Suriname
SS|South Sudan|South Sudanese
SV|El Salvador|Salvadoran
SX|Sint Maarten
SY|Syria|Syrian Arab Republic|Syrian
SZ|Eswatini|Swaziland
TC|Turks and Caicos Islands
TD|Chad|Chadian
TG|Togo
TH|Thailand|Thai
TJ|Tajikistan|Tajik
TL|Timor-Leste|East Timor
TM|Turkmenistan|Turkmen
TN|Tunisia|Tunisian
TO|Tonga
TR|Turkey|Turkiye|Turkish
TT|Trinidad and Tobago
TW|Taiwan|Taiwan, Province of China|Taiwanese
TZ|Tanzania|United Republic of Tanzania|Tanzanian
UA|Ukraine|Ukrainian
UG|Uganda|Ugandan
US|United States|United States of America|USA|U.S.A.|American
UY|Uruguay|Uruguayan
UZ|Uzbekistan|Uzbek
VA|Holy See|Vatican
VC|Saint Vincent and the Grenadines
VE|Venezuela|Bolivarian Republic of Venezuela|Venezuelan
VG|British Virgin Islands|Virgin Islands, British
VN|Vietnam|Viet Nam|Vietnamese
VU|Vanuatu
WS|Samoa
XK|Kosovo|Kosovar
YE|Yemen|Yemeni
ZA|South Africa|South African
ZM|Zambia|Zambian
ZW|Zimbabwe|Zimbabwean
"""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").casefold()
    return re.sub(r"[^a-z]+", "", ascii_text)


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        code, *names = line.split("|")
        table[code.lower()] = code
        for name in names:
            table[_fold(name)] = code
    return table


_BY_KEY = _build()
ISO_CODES = frozenset(v for v in _BY_KEY.values())


@lru_cache(maxsize=4096)
def to_iso2(value: str) -> str | None:
    """Return the alpha-2 code for a country name, code or demonym; None if unknown.

    Two-letter input is accepted only if it is a known code, so a stray "SC" (Senior
    Counsel) is read as Seychelles only where a country is expected.
    """
    text = value.strip()
    if not text:
        return None
    if len(text) == 2 and text.upper() in ISO_CODES:
        return text.upper()
    key = _fold(text)
    if key in _BY_KEY and len(key) > 2:
        return _BY_KEY[key]
    # "Iran (Islamic Republic of)" -> "Iran"; "Bolivia, Plurinational State of" -> "Bolivia"
    base = re.split(r"[(,]", text, maxsplit=1)[0]
    if base != text:
        key = _fold(base)
        if len(key) > 2 and key in _BY_KEY:
            return _BY_KEY[key]
    # "Islamic Republic of Iran" is listed; "Republic of Iran" etc. by their last word
    if text.lower().startswith(("republic of ", "the ")):
        key = _fold(text.split(" ", 2)[-1])
        if len(key) > 2 and key in _BY_KEY:
            return _BY_KEY[key]
    return None


def country_or_text(value: str) -> str:
    """The alpha-2 code where known, else the cleaned original (never loses information)."""
    code = to_iso2(value)
    return code if code is not None else " ".join(value.split())
