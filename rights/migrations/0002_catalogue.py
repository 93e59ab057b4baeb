"""Load the catalogue (UDHR, core treaties, SDGs, their links) from rights/data/.

The JSON files were converted from ../shared/data by rights/data/build_catalogue.py;
sources and licences are in rights/data/README.md.
"""

import json
import re
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
LANGUAGES = ("ca", "es", "en")


def read(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def texts(field, values):
    return {f"{field}_{lang}": values[lang] for lang in LANGUAGES}


def article_position(article, index):
    if article == "preamble":
        return 0
    digits = re.match(r"\d+", article)
    return int(digits.group()) if digits else 1000 + index


def load(apps, schema_editor):
    Instrument = apps.get_model("rights", "Instrument")
    Right = apps.get_model("rights", "Right")
    SDGGoal = apps.get_model("rights", "SDGGoal")
    SDGTarget = apps.get_model("rights", "SDGTarget")
    SDGIndicator = apps.get_model("rights", "SDGIndicator")

    instruments = {}
    for item in read("instruments.json"):
        instruments[item["code"]] = Instrument.objects.create(
            code=item["code"],
            kind=item["kind"],
            year=item["year"],
            **texts("abbreviation", item["abbreviation"]),
            **texts("name", item["name"]),
        )

    sdg = read("sdg.json")
    goals = {
        goal["number"]: SDGGoal.objects.create(
            number=goal["number"], ca_source=goal.get("ca_source", "ca"), **texts("title", goal["title"])
        )
        for goal in sdg["goals"]
    }
    SDGTarget.objects.bulk_create(
        SDGTarget(
            goal=goals[target["goal"]],
            code=target["code"],
            position=index,
            ca_source=target.get("ca_source", "ca"),
            **texts("title", target["title"]),
        )
        for index, target in enumerate(sdg["targets"])
    )
    targets = {target.code: target for target in SDGTarget.objects.all()}
    SDGIndicator.objects.bulk_create(
        SDGIndicator(
            target=targets[indicator["target"]],
            code=indicator["code"],
            position=index,
            ca_source=indicator.get("ca_source", "ca"),
            **texts("title", indicator["title"]),
        )
        for index, indicator in enumerate(sdg["indicators"])
    )

    rights = [
        Right(
            instrument=instruments["UDHR"],
            code=f"UDHR-{article['article']}",
            article=article["article"],
            position=article_position(article["article"], index),
            **texts("title", article["title"]),
            **texts("text", article["text"]),
        )
        for index, article in enumerate(read("udhr.json"))
    ]
    rights += [
        Right(
            instrument=instruments[article["instrument"]],
            code=f"{article['instrument']}-{article['article']}",
            article=article["article"],
            position=article_position(article["article"], index),
            **texts("title", article["title"]),
        )
        for index, article in enumerate(read("treaty_articles.json"))
    ]
    Right.objects.bulk_create(rights)

    by_code = {right.code: right for right in Right.objects.all()}
    Link = Right.sdg_targets.through
    Link.objects.bulk_create(
        Link(right_id=by_code[link["right"]].pk, sdgtarget_id=targets[code].pk)
        for link in read("links.json")
        for code in sorted(set(link["targets"]))
    )


def unload(apps, schema_editor):
    for name in ("Right", "SDGIndicator", "SDGTarget", "SDGGoal", "Instrument"):
        apps.get_model("rights", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
