"""Dutch words (sentences are in bot/locale/nl)."""

from __future__ import annotations

from bot.vocabulary.words import WORKING_DAYS, DayItem, Head, OneDay, Vocabulary

_SECOND, _MINUTE, _HOUR, _DAY, _WEEK = 1, 60, 3600, 86400, 604800

VOCABULARY = Vocabulary(
    code="nl",
    name="Nederlands",
    names=("dutch", "nederlands", "flemish", "vlaams"),
    stemmer="dutch",
    relative_days={"vandaag": 0, "morgen": 1, "overmorgen": 2},
    duration_units={
        **dict.fromkeys(("seconde", "seconden"), _SECOND),
        **dict.fromkeys(("minuut", "minuten"), _MINUTE),
        **dict.fromkeys(("u", "uur", "uren"), _HOUR),
        **dict.fromkeys(("dag", "dagen"), _DAY),
        **dict.fromkeys(("week", "weken"), _WEEK),
    },
    # "ma", "do" and the other two-letter weekdays are too often ordinary words in a title that follows a time.
    short_weekdays_alone=False,
    examples=("elke 2 weken op dinsdag om 15:00", "elke maand op de eerste donderdag om 10:00"),
    head_phrases=(
        ("dagelijks", Head("day")), ("iedere dag", Head("day")), ("om de dag", Head("day", 2)),
        ("om de {n} dagen", Head("day", None)), ("iedere {n} dagen", Head("day", None)),
        ("op werkdagen", Head("weekday")), ("werkdagen", Head("weekday")), ("iedere werkdag", Head("weekday")),
        ("op weekdagen", Head("weekday")), ("elke weekdag", Head("weekday")),
        ("wekelijks", Head("week")), ("iedere week", Head("week")), ("om de week", Head("week", 2)),
        ("tweewekelijks", Head("week", 2)), ("om de {n} weken", Head("week", None)),
        ("iedere {n} weken", Head("week", None)),
        ("maandelijks", Head("month")), ("iedere maand", Head("month")), ("om de maand", Head("month", 2)),
        ("om de {n} maanden", Head("month", None)), ("iedere {n} maanden", Head("month", None)),
        ("ieder kwartaal", Head("quarter")), ("elke kwartaal", Head("quarter")),
        ("per kwartaal", Head("quarter")),
        ("jaarlijks", Head("year")), ("ieder jaar", Head("year")), ("elke jaar", Head("year")),
        ("om het jaar", Head("year", 2)), ("om de {n} jaar", Head("year", None)),
        ("iedere {n} jaar", Head("year", None)),
        ("een keer per dag", Head("day")), ("een keer per week", Head("week")),
        ("een keer per maand", Head("month")), ("een keer per kwartaal", Head("quarter")),
        ("een keer per jaar", Head("year")), ("eens per week", Head("week")), ("eens per maand", Head("month")),
        ("eens per kwartaal", Head("quarter")), ("eens per jaar", Head("year")),
        ("één keer per week", Head("week")), ("één keer per maand", Head("month")),
        ("één keer per kwartaal", Head("quarter")), ("één keer per jaar", Head("year")),
        ("1 keer per week", Head("week")), ("1 keer per maand", Head("month")),
        ("1 keer per kwartaal", Head("quarter")), ("1 keer per jaar", Head("year")),
        ("elke {n} dagen", Head("day", None)), ("elke {n} maanden", Head("month", None)),
        ("tweemaandelijks", Head("month", 2)), ("driemaandelijks", Head("quarter")),
        ("elke {days}", Head(None)), ("iedere {days}", Head(None)), ("elk {days}", Head(None)),
    ),
    nth_words={
        1: ("eerste", "1e", "1ste", "de 1e", "de 1ste"), 2: ("tweede", "2e", "2de", "de 2e", "de 2de"),
        3: ("derde", "3e", "3de", "de 3e", "de 3de"), 4: ("vierde", "4e", "4de", "de 4e", "de 4de"),
        5: ("vijfde", "5e", "5de", "de 5e", "de 5de"), -1: ("laatste",),
    },
    day_phrases=(
        ("dag {n}", DayItem("monthday")), ("de {n}", DayItem("monthday")), ("de {n}ste", DayItem("monthday")),
        ("de {n}de", DayItem("monthday")), ("{n}e", DayItem("monthday")), ("{n}ste", DayItem("monthday")),
        ("{n}de", DayItem("monthday")), ("laatste dag", DayItem("monthday", -1)),
    ),
    part_phrases={
        "on": (("{days}", None),),
        "period": (
            ("van de maand", "month"), ("van elke maand", "month"), ("van iedere maand", "month"),
            ("van het kwartaal", "quarter"), ("van elk kwartaal", "quarter"), ("van ieder kwartaal", "quarter"),
        ),
        "time": (
            ("{clock}", None), ("{span}", None), ("om {span}", None), ("van {span}", None),
            ("van {time} tot {end}", None), ("{clock} tot {end}", None), ("tussen {time} en {end}", None),
        ),
        "length": (("gedurende {length}", None), ("voor {length}", None), ("{length} lang", None)),
        "from": (("met ingang van {date}", None), ("beginnend op {date}", None)),
        "until": (("tot {date}", None), ("t/m {date}", None), ("tot en met {date}", None)),
        "count": (("voor {n} keer", None), ("{n} maal", None), ("eenmalig", 1)),
        "single": (
            ("op {date}", OneDay("date")), ("{date}", OneDay("date")), ("op {day} {month} {year}", OneDay("date")),
            ("{day} {month} {year}", OneDay("date")), ("eenmalig op {day} {month} {year}", OneDay("date")),
            ("volgende {weekday}", OneDay("next")), ("op volgende {weekday}", OneDay("next")),
            ("aanstaande {weekday}", OneDay("next")), ("komende {weekday}", OneDay("next")),
            ("op de {day} {month} {year}", OneDay("date")),
        ),
        "except": (("behalve op {dates}", None), ("niet op {dates}", None), ("uitgezonderd {dates}", None)),
    },
    weekday_groups={"werkdagen": WORKING_DAYS, "weekdagen": WORKING_DAYS},
    plural_endings=("en",),
    month_spellings={"sept": 9},
    articles=("een", "één"),
    half_hours={"half": 30, "anderhalf": 90},
    number_words={"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
                  "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12},
)
