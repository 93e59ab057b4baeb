"""The whole catalogue: every article of the nine core treaties, their links to the SDG
targets, and the treaty bodies' General Comments; and what an issue cites of them.

Read from rights/data/ (treaty_articles.json, links.json, general_comments.json; where
each list comes from is in rights/data/README.md). The rights already in the database keep
their rows (pk and code, "ICESCR-11"), so the issues citing them are untouched; only their
titles follow the file. Reversed, it removes what it added and leaves the first catalogue
of 27 articles with their links (FIRST_LINKS) as migration 0002 loaded it.
"""

import json
import re
from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data"
LANGUAGES = ("ca", "es", "en")

# The treaty articles of the first catalogue and their SDG targets, as 0002 loaded them.
FIRST_LINKS = {
    "ICERD-5": "1.4 3.8 4.5 8.5 10.2 10.3 11.1 16.3 16.7 16.b",
    "ICCPR-17": "16.10",
    "ICCPR-25": "5.5 6.b 11.3 16.7",
    "ICCPR-26": "5.1 5.c 10.2 10.3 16.b",
    "ICESCR-2": "1.a 10.2 10.3 16.b 17.1 17.2 17.3",
    "ICESCR-6": "4.3 4.4 8.3 8.5 8.6 8.b",
    "ICESCR-7": "5.4 8.5 8.8 10.4",
    "ICESCR-9": "1.3 5.4 10.4",
    "ICESCR-10": "1.3 5.3 5.4 8.7 16.2",
    "ICESCR-11": "1.1 1.2 1.4 2.1 2.2 2.3 2.4 2.c 6.1 6.2 7.1 11.1 12.3",
    "ICESCR-12": "3.1 3.2 3.3 3.4 3.5 3.7 3.8 3.9 3.b 3.c 5.6 6.1 6.2",
    "ICESCR-13": "4.1 4.2 4.3 4.4 4.5 4.6 4.7 4.a 4.c",
    "CEDAW-2": "5.1 5.c 10.3 16.b",
    "CEDAW-11": "1.3 5.1 5.4 8.5 8.8",
    "CEDAW-14": "1.3 1.4 2.3 3.7 4.6 5.5 5.a 6.1 6.2 7.1 9.1 9.c",
    "CEDAW-15": "5.1 5.a 5.c 16.3",
    "CEDAW-16": "5.3 5.4 5.6 5.a",
    "CAT-16": "5.2 16.1 16.2 16.3 16.a",
    "CRC-3": "4.2 4.a 16.2 16.3",
    "CRC-24": "2.2 3.1 3.2 3.3 3.7 3.8 5.3 6.1 6.2",
    "CRC-27": "1.1 1.2 1.3 2.1 2.2 11.1",
    "ICMW-43": "1.3 3.8 4.3 4.4 8.8 10.2 10.7 11.1",
    "CPED-24": "16.1 16.3 16.10 16.a",
    "CRPD-9": "4.a 9.1 9.c 11.2 11.7",
    "CRPD-19": "10.2 11.1 11.3 11.7",
    "CRPD-27": "4.4 8.5 8.8 10.2",
    "CRPD-28": "1.1 1.2 1.3 1.4 6.1 10.4 11.1",
}


def read(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def texts(field, values):
    return {f"{field}_{lang}": values[lang] for lang in LANGUAGES}


def article_position(article, index):
    digits = re.match(r"\d+", article)
    return int(digits.group()) if digits else 1000 + index


def add_articles(apps):
    Instrument = apps.get_model("rights", "Instrument")
    Right = apps.get_model("rights", "Right")
    instruments = {item.code: item for item in Instrument.objects.all()}
    existing = {right.code: right for right in Right.objects.all()}
    new = []
    for index, article in enumerate(read("treaty_articles.json")):
        code = f"{article['instrument']}-{article['article']}"
        titles = texts("title", article["title"])
        if code in existing:
            Right.objects.filter(pk=existing[code].pk).update(**titles)
            continue
        new.append(
            Right(
                instrument=instruments[article["instrument"]],
                code=code,
                article=article["article"],
                position=article_position(article["article"], index),
                **titles,
            )
        )
    Right.objects.bulk_create(new)


def add_links(apps):
    Right = apps.get_model("rights", "Right")
    SDGTarget = apps.get_model("rights", "SDGTarget")
    Link = Right.sdg_targets.through
    rights = dict(Right.objects.values_list("code", "pk"))
    targets = dict(SDGTarget.objects.values_list("code", "pk"))
    linked = set(Link.objects.values_list("right_id", "sdgtarget_id"))
    wanted = {
        (rights[link["right"]], targets[code])
        for link in read("links.json")
        for code in link["targets"]
    }
    Link.objects.bulk_create(
        Link(right_id=right, sdgtarget_id=target) for right, target in sorted(wanted - linked)
    )


def add_general_comments(apps):
    Right = apps.get_model("rights", "Right")
    GeneralComment = apps.get_model("rights", "GeneralComment")
    rights = dict(Right.objects.values_list("code", "pk"))
    items = read("general_comments.json")
    GeneralComment.objects.bulk_create(
        GeneralComment(
            body=item["body"],
            kind=item["kind"],
            number=item["number"],
            year=item["year"],
            symbol=item["symbol"],
            joint_with=item["joint_with"],
            **texts("title", item["title"]),
        )
        for item in items
    )
    comments = {(c.body, c.number): c.pk for c in GeneralComment.objects.all()}
    Link = GeneralComment.articles.through
    Link.objects.bulk_create(
        Link(generalcomment_id=comments[item["body"], item["number"]], right_id=rights[code])
        for item in items
        for code in item["articles"]
    )


def load(apps, schema_editor):
    # 0002 loads the catalogue on every database; only a test database that a
    # transactional test has flushed has none, and then there is nothing to complete.
    if not apps.get_model("rights", "Instrument").objects.exists():
        return
    add_articles(apps)
    add_links(apps)
    add_general_comments(apps)


def unload(apps, schema_editor):
    apps.get_model("rights", "GeneralComment").objects.all().delete()
    Right = apps.get_model("rights", "Right")
    treaties = Right.objects.filter(instrument__kind="treaty")
    treaties.exclude(code__in=FIRST_LINKS).delete()
    SDGTarget = apps.get_model("rights", "SDGTarget")
    targets = dict(SDGTarget.objects.values_list("code", "pk"))
    Link = Right.sdg_targets.through
    for right in treaties.filter(code__in=FIRST_LINKS):
        first = [targets[code] for code in FIRST_LINKS[right.code].split()]
        Link.objects.filter(right_id=right.pk).exclude(sdgtarget_id__in=first).delete()
    # PostgreSQL checks the deleted rows' foreign keys at the commit; the tables dropped
    # next in the same transaction must not have such checks still pending.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0007_holder_counts_by_cell"),
    ]

    operations = [
        migrations.CreateModel(
            name="GeneralComment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "body",
                    models.CharField(
                        choices=[
                            ("CERD", "Committee on the Elimination of Racial Discrimination"),
                            ("CESCR", "Committee on Economic, Social and Cultural Rights"),
                            ("CCPR", "Human Rights Committee"),
                            (
                                "CEDAW",
                                "Committee on the Elimination of Discrimination against Women",
                            ),
                            ("CAT", "Committee against Torture"),
                            ("CRC", "Committee on the Rights of the Child"),
                            ("CMW", "Committee on Migrant Workers"),
                            ("CRPD", "Committee on the Rights of Persons with Disabilities"),
                            ("CED", "Committee on Enforced Disappearances"),
                        ],
                        max_length=8,
                        verbose_name="treaty body",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("general_comment", "general comment"),
                            ("general_recommendation", "general recommendation"),
                        ],
                        max_length=24,
                        verbose_name="kind",
                    ),
                ),
                ("number", models.PositiveSmallIntegerField(verbose_name="number")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "symbol",
                    models.CharField(blank=True, max_length=60, verbose_name="UN document symbol"),
                ),
                ("title_ca", models.CharField(max_length=300, verbose_name="title (Catalan)")),
                ("title_es", models.CharField(max_length=300, verbose_name="title (Spanish)")),
                ("title_en", models.CharField(max_length=300, verbose_name="title (English)")),
                (
                    "joint_with",
                    models.CharField(blank=True, max_length=40, verbose_name="joint with"),
                ),
                (
                    "articles",
                    models.ManyToManyField(
                        blank=True,
                        related_name="general_comments",
                        to="rights.right",
                        verbose_name="articles it interprets",
                    ),
                ),
            ],
            options={
                "verbose_name": "general comment",
                "verbose_name_plural": "general comments",
                "ordering": ["body", "number"],
            },
        ),
        migrations.AddField(
            model_name="rightsissue",
            name="general_comments",
            field=models.ManyToManyField(
                blank=True,
                related_name="issues",
                to="rights.generalcomment",
                verbose_name="general comments",
            ),
        ),
        migrations.CreateModel(
            name="OutsideReference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("concluding_observations", "Treaty body concluding observations"),
                            ("upr", "Universal Periodic Review recommendation"),
                            ("law", "National or regional law"),
                            ("ruling", "Court ruling"),
                            ("other", "Other"),
                        ],
                        max_length=24,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("date", models.DateField(verbose_name="date")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="link")),
                (
                    "issue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outside_references",
                        to="rights.rightsissue",
                        verbose_name="issue",
                    ),
                ),
            ],
            options={
                "verbose_name": "outside reference",
                "verbose_name_plural": "outside references",
                "ordering": ["date", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="generalcomment",
            constraint=models.UniqueConstraint(
                fields=("body", "number"), name="generalcomment_unique_number"
            ),
        ),
        migrations.RunPython(load, unload),
    ]
