"""Short forms of given names that share too few letters with the full name to be found
by spelling (Bill for William, Sasha for Aleksandr, Pepe for José, Nacho for Ignacio).

Lists carry such names as aliases and requests use them; only well-established short
forms are here, each with the full names it stands for. Spellings are folded as the
matcher folds them (no accents, lower case), the usual spellings of a full name listed
one by one (Aleksandr, Alexander).
"""

from __future__ import annotations

_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    # English
    "bill": ("william",),
    "billy": ("william",),
    "will": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "rob": ("robert",),
    "bert": ("robert", "albert", "herbert"),
    "dick": ("richard",),
    "rick": ("richard", "frederick", "eric"),
    "rich": ("richard",),
    "jim": ("james",),
    "jimmy": ("james",),
    "jamie": ("james",),
    "mike": ("michael",),
    "mick": ("michael",),
    "tom": ("thomas",),
    "tommy": ("thomas",),
    "joe": ("joseph",),
    "joey": ("joseph",),
    "jack": ("john",),
    "johnny": ("john", "jonathan"),
    "jon": ("jonathan", "john"),
    "ted": ("edward", "theodore"),
    "ed": ("edward", "edmund", "edwin"),
    "eddie": ("edward",),
    "ned": ("edward",),
    "harry": ("henry", "harold"),
    "hank": ("henry",),
    "chuck": ("charles",),
    "charlie": ("charles",),
    "chas": ("charles",),
    "tony": ("anthony", "antonio"),
    "andy": ("andrew",),
    "drew": ("andrew",),
    "dave": ("david",),
    "steve": ("stephen", "steven"),
    "ben": ("benjamin",),
    "sam": ("samuel",),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "matt": ("matthew",),
    "nick": ("nicholas",),
    "pete": ("peter",),
    "greg": ("gregory",),
    "larry": ("lawrence",),
    "jerry": ("gerald", "jerome"),
    "peggy": ("margaret",),
    "maggie": ("margaret",),
    "meg": ("margaret",),
    "kate": ("katherine", "catherine", "kathleen"),
    "kathy": ("katherine", "catherine", "kathleen"),
    "betty": ("elizabeth",),
    "beth": ("elizabeth",),
    "liz": ("elizabeth",),
    "sue": ("susan",),
    "sally": ("sarah",),
    "polly": ("mary",),
    "molly": ("mary",),
    "jenny": ("jennifer",),
    # Russian and Ukrainian
    "sasha": ("aleksandr", "alexander", "aleksander", "alexandr", "oleksandr", "aleksandra",
              "alexandra"),
    "sanya": ("aleksandr",),
    "volodya": ("vladimir", "volodymyr", "wladimir"),
    "vova": ("vladimir", "volodymyr"),
    "dima": ("dmitriy", "dmitry", "dmitri", "dmytro"),
    "misha": ("mikhail", "michail", "mykhailo"),
    "kolya": ("nikolai", "nikolay", "mykola"),
    "seryozha": ("sergei", "sergey", "serhiy"),
    "zhenya": ("yevgeniy", "evgeniy", "yevgeny", "evgeny", "yevgen", "ievgen", "yevgeniya"),
    "vanya": ("ivan",),
    "petya": ("pyotr", "petro"),
    "pasha": ("pavel", "pavlo"),
    "lyosha": ("aleksei", "aleksey", "alexei", "alexey", "oleksiy"),
    "alyosha": ("aleksei", "aleksey"),
    "yura": ("yuri", "yuriy"),
    "slava": ("vyacheslav", "stanislav", "yaroslav", "vladislav"),
    "tolya": ("anatoly", "anatoliy"),
    "kostya": ("konstantin",),
    "grisha": ("grigory", "grigoriy"),
    "vitya": ("viktor",),
    "natasha": ("natalya", "natalia"),
    "tanya": ("tatyana", "tatiana"),
    "masha": ("maria", "mariya"),
    "katya": ("yekaterina", "ekaterina"),
    "olya": ("olga",),
    "lena": ("yelena", "elena", "olena"),
    "sveta": ("svetlana",),
    "nadya": ("nadezhda",),
    # Spanish and Portuguese
    "pepe": ("jose",),
    "chepe": ("jose",),
    "paco": ("francisco",),
    "pancho": ("francisco",),
    "nacho": ("ignacio",),
    "lalo": ("eduardo",),
    "memo": ("guillermo",),
    "beto": ("alberto", "roberto", "humberto"),
    "chucho": ("jesus",),
    "chuy": ("jesus",),
    "lupe": ("guadalupe",),
    "quique": ("enrique",),
    "manolo": ("manuel",),
    "tono": ("antonio",),
    "rafa": ("rafael",),
    "fito": ("adolfo", "rodolfo"),
    "nando": ("fernando",),
    # German and Italian
    "hans": ("johannes",),
    "sepp": ("josef",),
    "fritz": ("friedrich",),
    "gigi": ("luigi",),
    "beppe": ("giuseppe",),
    "peppino": ("giuseppe",),
}


def _pairs() -> frozenset[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for short, full_names in _SHORT_FORMS.items():
        for full in full_names:
            out.add((short, full))
            out.add((full, short))
    return frozenset(out)


_PAIRS = _pairs()


def short_form_of(a: str, b: str) -> bool:
    """True when one word is an established short form of the other (bill, william)."""
    return (a, b) in _PAIRS
