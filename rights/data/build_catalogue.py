"""Build the human-rights catalogue data files in this folder from the shared reference data.

A developer tool kept for provenance: the application never runs it, it only reads the JSON
files this script writes (udhr.json, instruments.json, treaty_articles.json, sdg.json,
links.json, general_comments.json).

Sources (see README.md and the LICENSE-* files next to this script):

- Universal Declaration of Human Rights, preamble and articles 1-30 in Catalan, Spanish and
  English: ``udhr/{cat,spa,eng}.html`` from the ``udhr`` package by Titus Wormer (MIT
  licence for the code, see LICENSE-udhr; the text, from Unicode's "UDHR in Unicode", is
  copyright-free).
- Sustainable Development Goals, targets and indicators in Catalan, Spanish and English:
  ``sdg/{ca,es,en}/global_{goals,targets,indicators}.yml`` from open-sdg/sdg-translations
  (MIT licence, Copyright (c) 2019 Open SDG, see LICENSE-sdg-translations).

- Every article of the nine core treaties with its short title and SDG targets, and the
  treaty bodies' General Comments and Recommendations with the articles each interprets:
  ``sources/treaty_articles_all.json`` and ``sources/general_comments.json`` next to this
  script, compiled for this project (README.md says from what). Checked here (titles in
  every language, known bodies, articles and targets) and merged: the first catalogue's
  27 articles keep their titles (TREATY_ARTICLES) and links (LINKS), which the full list
  adds targets to.

Written for this project (the sources have none of it), and kept in this script so that a
rerun reproduces every file: the short UDHR article titles (UDHR_TITLES), the list of the
nine core treaties (INSTRUMENTS), the key treaty articles and their short titles
(TREATY_ARTICLES), and the rights-to-SDG-targets links (LINKS), modelled on the Danish
Institute for Human Rights' mapping of the SDGs to human rights. Edit them here and rerun
rather than editing the JSON by hand.

How the sources are read:

- UDHR: the ``<header>`` gives the preamble, each ``<article data-number="N">`` gives
  article N. ``text`` is the article's ``<p>`` paragraphs, whitespace normalised, joined by a
  blank line ("\\n\\n"); paragraphs inside an ``<ol>`` are numbered as in the Declaration
  ("1. ...", "2. ..."). The Catalan preamble has one paragraph fewer than the Spanish and
  English ones (it has no "Now, therefore," line); that is the source text, not a loss.
- SDG: keys ``N-title`` (goal), ``N-x-title`` (target), ``N-x-y-title`` (indicator) become
  codes with dots ("1", "1.a", "1.a.1"); an indicator belongs to the target its code starts
  with. Every indicator code is unique in the source, so each indicator is listed once, under
  that one target. The UN framework repeats some indicators under other targets with their
  own codes (1.5.1 = 11.5.1 = 13.1.1, 8.4.1 = 12.2.1, ...): those are separate items here,
  as in the source. Were a key to repeat inside a YAML file, the first occurrence would be
  kept and the repeat reported (none does as of the last run).
- Catalan gaps: where a Catalan title is missing, ``title.ca`` holds the Spanish title
  (else the English one) and ``ca_source`` says which ("ca", "es" or "en"); likewise
  ``es_source`` for Spanish, which falls back to English. As of the last run the Catalan
  indicator file lacks 2.2.3, 3.d.2, 4.1.2, 10.4.2, 10.7.3, 10.7.4, 13.2.2 and 16.3.3
  (all filled from Spanish); nothing else is missing. The Catalan indicator titles follow an
  older revision of the framework, and some (1.a.1, 1.b.1, 7.b.1, 12.a.1, 13.2.1, 17.6.1,
  17.18.1) describe a different indicator from the current one: those are dropped and fall
  back to Spanish like the missing ones (OUTDATED_CA_INDICATORS), since a wrong title is
  worse than a marked Spanish one.

Output is pretty-printed UTF-8 JSON (ensure_ascii=False), in a fixed order: the preamble then
articles 1-30; instruments by year then code; treaty articles by instrument then article;
SDG items and link targets in natural code order (1.2 < 1.10 < 1.a).

Rerun from the repository root (needs PyYAML, which the project does not depend on; any
Python 3.11+ with PyYAML will do):

    python rights/data/build_catalogue.py ../shared/data

An optional second argument is the output folder (default: the folder of this script).
"""

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - developer tool
    sys.exit("PyYAML is needed: pip install pyyaml (in a throwaway virtualenv)")

LANGS = ("ca", "es", "en")
# The lists of treaty articles and of General Comments, as their compilers wrote them
# (README.md says where they come from): inputs of this script, like ../shared/data.
SOURCES = Path(__file__).resolve().parent / "sources"
UDHR_FILES = {"ca": "cat.html", "es": "spa.html", "en": "eng.html"}
# For each language, the languages to fall back to when its title is missing.
FALLBACKS = {"ca": ("es", "en"), "es": ("en",), "en": ()}


def t(ca, es, en):
    return {"ca": ca, "es": es, "en": en}


# --- Written for this project -------------------------------------------------------------

UDHR_TITLES = {
    "preamble": t("Preàmbul", "Preámbulo", "Preamble"),
    "1": t(
        "Llibertat i igualtat en dignitat i drets",
        "Libertad e igualdad en dignidad y derechos",
        "Freedom and equality in dignity and rights",
    ),
    "2": t(
        "Dret a la no-discriminació",
        "Derecho a la no discriminación",
        "Freedom from discrimination",
    ),
    "3": t(
        "Dret a la vida, a la llibertat i a la seguretat de la persona",
        "Derecho a la vida, a la libertad y a la seguridad de la persona",
        "Right to life, liberty and security of person",
    ),
    "4": t(
        "Prohibició de l'esclavitud i de la servitud",
        "Prohibición de la esclavitud y de la servidumbre",
        "Freedom from slavery and servitude",
    ),
    "5": t(
        "Prohibició de la tortura i dels tractes o penes cruels, inhumans o degradants",
        "Prohibición de la tortura y de las penas o tratos crueles, inhumanos o degradantes",
        "Freedom from torture and cruel, inhuman or degrading treatment or punishment",
    ),
    "6": t(
        "Dret al reconeixement de la personalitat jurídica",
        "Derecho al reconocimiento de la personalidad jurídica",
        "Right to recognition as a person before the law",
    ),
    "7": t(
        "Igualtat davant la llei",
        "Igualdad ante la ley",
        "Equality before the law",
    ),
    "8": t(
        "Dret a un recurs efectiu",
        "Derecho a un recurso efectivo",
        "Right to an effective remedy",
    ),
    "9": t(
        "Protecció contra la detenció, la presó i l'exili arbitraris",
        "Protección contra la detención, la prisión y el destierro arbitrarios",
        "Freedom from arbitrary arrest, detention or exile",
    ),
    "10": t(
        "Dret a un judici just i públic davant un tribunal independent i imparcial",
        "Derecho a un juicio justo y público ante un tribunal independiente e imparcial",
        "Right to a fair and public hearing by an independent and impartial tribunal",
    ),
    "11": t(
        "Presumpció d'innocència i principi de legalitat penal",
        "Presunción de inocencia y principio de legalidad penal",
        "Presumption of innocence and no penalty without law",
    ),
    "12": t(
        "Dret a la intimitat, a l'honor i a la reputació",
        "Derecho a la intimidad, al honor y a la reputación",
        "Right to privacy, honour and reputation",
    ),
    "13": t(
        "Llibertat de circulació i de residència",
        "Libertad de circulación y de residencia",
        "Freedom of movement and residence",
    ),
    "14": t(
        "Dret a cercar asil i a gaudir-ne",
        "Derecho a buscar asilo y a disfrutar de él",
        "Right to seek and enjoy asylum",
    ),
    "15": t(
        "Dret a una nacionalitat",
        "Derecho a una nacionalidad",
        "Right to a nationality",
    ),
    "16": t(
        "Dret a contraure matrimoni i a fundar una família",
        "Derecho a contraer matrimonio y a fundar una familia",
        "Right to marry and to found a family",
    ),
    "17": t(
        "Dret a la propietat",
        "Derecho a la propiedad",
        "Right to own property",
    ),
    "18": t(
        "Llibertat de pensament, de consciència i de religió",
        "Libertad de pensamiento, de conciencia y de religión",
        "Freedom of thought, conscience and religion",
    ),
    "19": t(
        "Llibertat d'opinió i d'expressió",
        "Libertad de opinión y de expresión",
        "Freedom of opinion and expression",
    ),
    "20": t(
        "Llibertat de reunió i d'associació pacífiques",
        "Libertad de reunión y de asociación pacíficas",
        "Freedom of peaceful assembly and association",
    ),
    "21": t(
        "Dret a participar en el govern i en eleccions lliures",
        "Derecho a participar en el gobierno y en elecciones libres",
        "Right to take part in government and in free elections",
    ),
    "22": t(
        "Dret a la seguretat social",
        "Derecho a la seguridad social",
        "Right to social security",
    ),
    "23": t(
        "Dret al treball, a condicions de treball equitatives i satisfactòries i a sindicar-se",
        "Derecho al trabajo, a condiciones equitativas y satisfactorias de trabajo y a sindicarse",
        "Right to work, to just and favourable conditions of work and to join trade unions",
    ),
    "24": t(
        "Dret al descans i al lleure",
        "Derecho al descanso y al disfrute del tiempo libre",
        "Right to rest and leisure",
    ),
    "25": t(
        "Dret a un nivell de vida adequat que inclogui alimentació, vestit, habitatge i "
        "assistència mèdica",
        "Derecho a un nivel de vida adecuado que incluya alimentación, vestido, vivienda y "
        "asistencia médica",
        "Right to an adequate standard of living, including food, clothing, housing and "
        "medical care",
    ),
    "26": t(
        "Dret a l'educació",
        "Derecho a la educación",
        "Right to education",
    ),
    "27": t(
        "Dret a participar en la vida cultural i protecció dels drets d'autor",
        "Derecho a participar en la vida cultural y protección de los derechos de autor",
        "Right to take part in cultural life and protection of authorship",
    ),
    "28": t(
        "Dret a un ordre social i internacional en què aquests drets siguin efectius",
        "Derecho a un orden social e internacional en el que estos derechos sean efectivos",
        "Right to a social and international order in which these rights can be realized",
    ),
    "29": t(
        "Deures envers la comunitat i límits dels drets",
        "Deberes respecto a la comunidad y límites de los derechos",
        "Duties to the community and limits on rights",
    ),
    "30": t(
        "Prohibició d'actes adreçats a suprimir aquests drets",
        "Prohibición de actos tendentes a suprimir estos derechos",
        "No right to act to destroy these rights",
    ),
}

INSTRUMENTS = [
    {
        "code": "UDHR",
        "kind": "declaration",
        "year": 1948,
        "abbreviation": t("DUDH", "DUDH", "UDHR"),
        "name": t(
            "Declaració Universal de Drets Humans",
            "Declaración Universal de Derechos Humanos",
            "Universal Declaration of Human Rights",
        ),
    },
    {
        "code": "ICERD",
        "kind": "treaty",
        "year": 1965,
        "abbreviation": t("CIEDR", "ICERD", "ICERD"),
        "name": t(
            "Convenció Internacional sobre l'Eliminació de Totes les Formes de Discriminació "
            "Racial",
            "Convención Internacional sobre la Eliminación de Todas las Formas de "
            "Discriminación Racial",
            "International Convention on the Elimination of All Forms of Racial Discrimination",
        ),
    },
    {
        "code": "ICCPR",
        "kind": "treaty",
        "year": 1966,
        "abbreviation": t("PIDCP", "PIDCP", "ICCPR"),
        "name": t(
            "Pacte Internacional de Drets Civils i Polítics",
            "Pacto Internacional de Derechos Civiles y Políticos",
            "International Covenant on Civil and Political Rights",
        ),
    },
    {
        "code": "ICESCR",
        "kind": "treaty",
        "year": 1966,
        "abbreviation": t("PIDESC", "PIDESC", "ICESCR"),
        "name": t(
            "Pacte Internacional de Drets Econòmics, Socials i Culturals",
            "Pacto Internacional de Derechos Económicos, Sociales y Culturales",
            "International Covenant on Economic, Social and Cultural Rights",
        ),
    },
    {
        "code": "CEDAW",
        "kind": "treaty",
        "year": 1979,
        "abbreviation": t("CEDAW", "CEDAW", "CEDAW"),
        "name": t(
            "Convenció sobre l'Eliminació de Totes les Formes de Discriminació contra la Dona",
            "Convención sobre la Eliminación de Todas las Formas de Discriminación contra la Mujer",
            "Convention on the Elimination of All Forms of Discrimination against Women",
        ),
    },
    {
        "code": "CAT",
        "kind": "treaty",
        "year": 1984,
        "abbreviation": t("CAT", "CAT", "CAT"),
        "name": t(
            "Convenció contra la Tortura i Altres Tractes o Penes Cruels, Inhumans o Degradants",
            "Convención contra la Tortura y Otros Tratos o Penas Crueles, Inhumanos o Degradantes",
            "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or "
            "Punishment",
        ),
    },
    {
        "code": "CRC",
        "kind": "treaty",
        "year": 1989,
        "abbreviation": t("CDI", "CDN", "CRC"),
        "name": t(
            "Convenció sobre els Drets de l'Infant",
            "Convención sobre los Derechos del Niño",
            "Convention on the Rights of the Child",
        ),
    },
    {
        "code": "ICMW",
        "kind": "treaty",
        "year": 1990,
        "abbreviation": t("ICMW", "ICMW", "ICMW"),
        "name": t(
            "Convenció Internacional sobre la Protecció dels Drets de Tots els Treballadors "
            "Migratoris i dels Membres de les seves Famílies",
            "Convención Internacional sobre la Protección de los Derechos de Todos los "
            "Trabajadores Migratorios y de sus Familiares",
            "International Convention on the Protection of the Rights of All Migrant Workers "
            "and Members of Their Families",
        ),
    },
    {
        "code": "CPED",
        "kind": "treaty",
        "year": 2006,
        "abbreviation": t("CPED", "CPED", "CPED"),
        "name": t(
            "Convenció Internacional per a la Protecció de Totes les Persones contra les "
            "Desaparicions Forçades",
            "Convención Internacional para la Protección de Todas las Personas contra las "
            "Desapariciones Forzadas",
            "International Convention for the Protection of All Persons from Enforced "
            "Disappearance",
        ),
    },
    {
        "code": "CRPD",
        "kind": "treaty",
        "year": 2006,
        "abbreviation": t("CDPD", "CDPD", "CRPD"),
        "name": t(
            "Convenció sobre els Drets de les Persones amb Discapacitat",
            "Convención sobre los Derechos de las Personas con Discapacidad",
            "Convention on the Rights of Persons with Disabilities",
        ),
    },
]

# (instrument, article) -> short title. No treaty text is stored.
TREATY_ARTICLES = {
    ("ICERD", "5"): t(
        "Igualtat en el gaudi dels drets sense discriminació racial",
        "Igualdad en el goce de los derechos sin discriminación racial",
        "Equality in the enjoyment of rights without racial discrimination",
    ),
    ("ICCPR", "17"): t(
        "Protecció de la vida privada, la família, el domicili i la correspondència",
        "Protección de la vida privada, la familia, el domicilio y la correspondencia",
        "Protection of privacy, family, home and correspondence",
    ),
    ("ICCPR", "25"): t(
        "Dret a participar en els afers públics i dret de sufragi",
        "Derecho a participar en los asuntos públicos y derecho de sufragio",
        "Right to take part in public affairs, to vote and to be elected",
    ),
    ("ICCPR", "26"): t(
        "Igualtat davant la llei i dret a la mateixa protecció de la llei",
        "Igualdad ante la ley y derecho a igual protección de la ley",
        "Equality before the law and equal protection of the law",
    ),
    ("ICESCR", "2"): t(
        "Realització progressiva, cooperació internacional i no-discriminació",
        "Realización progresiva, cooperación internacional y no discriminación",
        "Progressive realization, international cooperation and non-discrimination",
    ),
    ("ICESCR", "6"): t(
        "Dret al treball",
        "Derecho al trabajo",
        "Right to work",
    ),
    ("ICESCR", "7"): t(
        "Dret a condicions de treball equitatives i satisfactòries",
        "Derecho a condiciones de trabajo equitativas y satisfactorias",
        "Right to just and favourable conditions of work",
    ),
    ("ICESCR", "9"): t(
        "Dret a la seguretat social",
        "Derecho a la seguridad social",
        "Right to social security",
    ),
    ("ICESCR", "10"): t(
        "Protecció de la família, la maternitat i la infància",
        "Protección de la familia, la maternidad y la infancia",
        "Protection of the family, mothers and children",
    ),
    ("ICESCR", "11"): t(
        "Dret a un nivell de vida adequat, incloent-hi l'alimentació i l'habitatge",
        "Derecho a un nivel de vida adecuado, incluidas la alimentación y la vivienda",
        "Right to an adequate standard of living, including food and housing",
    ),
    ("ICESCR", "12"): t(
        "Dret al més alt nivell possible de salut física i mental",
        "Derecho al más alto nivel posible de salud física y mental",
        "Right to the highest attainable standard of physical and mental health",
    ),
    ("ICESCR", "13"): t(
        "Dret a l'educació",
        "Derecho a la educación",
        "Right to education",
    ),
    ("CEDAW", "2"): t(
        "Obligació d'eliminar la discriminació contra les dones",
        "Obligación de eliminar la discriminación contra la mujer",
        "Obligation to eliminate discrimination against women",
    ),
    ("CEDAW", "11"): t(
        "Igualtat en l'ocupació i en les condicions de treball",
        "Igualdad en el empleo y en las condiciones de trabajo",
        "Equality in employment and working conditions",
    ),
    ("CEDAW", "14"): t(
        "Drets de les dones de l'àmbit rural",
        "Derechos de las mujeres rurales",
        "Rights of rural women",
    ),
    ("CEDAW", "15"): t(
        "Igualtat davant la llei i en matèria civil",
        "Igualdad ante la ley y en materia civil",
        "Equality before the law and in civil matters",
    ),
    ("CEDAW", "16"): t(
        "Igualtat en el matrimoni i en les relacions familiars",
        "Igualdad en el matrimonio y en las relaciones familiares",
        "Equality in marriage and family relations",
    ),
    ("CAT", "16"): t(
        "Prevenció d'altres tractes o penes cruels, inhumans o degradants",
        "Prevención de otros tratos o penas crueles, inhumanos o degradantes",
        "Prevention of other cruel, inhuman or degrading treatment or punishment",
    ),
    ("CRC", "3"): t(
        "Interès superior de l'infant",
        "Interés superior del niño",
        "Best interests of the child",
    ),
    ("CRC", "24"): t(
        "Dret a la salut i als serveis sanitaris",
        "Derecho a la salud y a los servicios sanitarios",
        "Right to health and health services",
    ),
    ("CRC", "27"): t(
        "Dret a un nivell de vida adequat",
        "Derecho a un nivel de vida adecuado",
        "Right to an adequate standard of living",
    ),
    ("ICMW", "43"): t(
        "Igualtat de tracte amb els nacionals en educació, habitatge i serveis socials i de salut",
        "Igualdad de trato con los nacionales en educación, vivienda y servicios sociales y de "
        "salud",
        "Equal treatment with nationals in education, housing, and social and health services",
    ),
    ("CPED", "24"): t(
        "Drets de les víctimes a la veritat i a la reparació",
        "Derechos de las víctimas a la verdad y a la reparación",
        "Victims' rights to truth and reparation",
    ),
    ("CRPD", "9"): t(
        "Accessibilitat",
        "Accesibilidad",
        "Accessibility",
    ),
    ("CRPD", "19"): t(
        "Dret a viure de manera independent i a ser inclòs en la comunitat",
        "Derecho a vivir de forma independiente y a ser incluido en la comunidad",
        "Living independently and being included in the community",
    ),
    ("CRPD", "27"): t(
        "Treball i ocupació",
        "Trabajo y empleo",
        "Work and employment",
    ),
    ("CRPD", "28"): t(
        "Nivell de vida adequat i protecció social",
        "Nivel de vida adecuado y protección social",
        "Adequate standard of living and social protection",
    ),
}

# Right code -> SDG target codes separated by spaces (sorted on output).
LINKS = {
    "UDHR-1": "5.1 10.2 10.3 16.b",
    "UDHR-2": "1.4 4.5 5.1 5.c 8.5 10.2 10.3 16.b",
    "UDHR-3": "1.5 3.1 3.2 3.6 5.2 11.5 13.1 16.1 16.2",
    "UDHR-4": "5.2 8.7 16.2",
    "UDHR-5": "5.2 5.3 16.1 16.2 16.a",
    "UDHR-6": "16.9",
    "UDHR-7": "5.1 5.c 10.3 16.3 16.b",
    "UDHR-8": "16.3 16.6",
    "UDHR-9": "16.3",
    "UDHR-10": "16.3 16.6",
    "UDHR-11": "16.3",
    "UDHR-12": "16.10",
    "UDHR-13": "10.7",
    "UDHR-14": "10.7",
    "UDHR-15": "16.9",
    "UDHR-16": "5.1 5.3 5.4",
    "UDHR-17": "1.4 2.3 5.a",
    "UDHR-18": "16.10 16.b",
    "UDHR-19": "9.c 12.8 16.10 17.8",
    "UDHR-20": "8.8 16.7 16.10",
    "UDHR-21": "5.5 6.b 11.3 16.6 16.7",
    "UDHR-22": "1.3 10.4 17.2",
    "UDHR-23": "5.1 8.3 8.5 8.6 8.7 8.8 10.4",
    "UDHR-24": "5.4 8.8",
    "UDHR-25": "1.1 1.2 1.3 1.4 2.1 2.2 3.1 3.2 3.8 6.1 6.2 7.1 11.1",
    "UDHR-26": "4.1 4.2 4.3 4.4 4.5 4.6 4.7 4.a 4.c",
    "UDHR-27": "4.7 9.5 9.c 11.4 17.6 17.8",
    "UDHR-28": "10.5 10.6 16.8 17.2 17.10 17.14 17.15",
    "UDHR-29": "16.3 16.10",
    # UDHR-30 (no right to destroy these rights) has no sensible SDG target.
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


# --- Helpers ------------------------------------------------------------------------------


def normalise(text):
    return " ".join(text.split())


def natural_key(code):
    """Sort key for codes such as "1.2", "1.10", "1.a", "UDHR-25": numbers before letters."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.-]", code)
    )


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")


# --- UDHR ---------------------------------------------------------------------------------


class UDHRParser(HTMLParser):
    """Collects the paragraphs of the <header> (preamble) and of each <article data-number>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = {}  # "preamble" | "1".."30" -> list of paragraphs
        self.section = None
        self.list_item = 0  # number of the current <li> inside an <ol>, 0 outside lists
        self.buffer = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header":
            self.section = "preamble"
        elif tag == "article":
            self.section = attrs["data-number"]
        elif tag == "ol":
            self.list_item = 0
        elif tag == "li":
            self.list_item += 1
        elif tag == "p" and self.section is not None:
            self.buffer = []
        if tag in ("header", "article"):
            if self.section in self.sections:
                raise ValueError(f"section {self.section} appears twice")
            self.sections[self.section] = []

    def handle_endtag(self, tag):
        if tag == "p" and self.buffer is not None:
            text = normalise("".join(self.buffer))
            if text:
                if self.list_item:
                    text = f"{self.list_item}. {text}"
                self.sections[self.section].append(text)
            self.buffer = None
        elif tag == "ol":
            self.list_item = 0
        elif tag in ("header", "article"):
            self.section = None

    def handle_data(self, data):
        if self.buffer is not None:
            self.buffer.append(data)


def build_udhr(src):
    texts = {}
    for lang, name in UDHR_FILES.items():
        parser = UDHRParser()
        parser.feed((src / "udhr" / name).read_text(encoding="utf-8"))
        parser.close()
        texts[lang] = parser.sections
    keys = ["preamble", *(str(n) for n in range(1, 31))]
    items = []
    for key in keys:
        text = {}
        for lang in LANGS:
            paragraphs = texts[lang].get(key)
            if not paragraphs:
                raise ValueError(f"UDHR {key} has no text in {lang}")
            text[lang] = "\n\n".join(paragraphs)
        items.append({"article": key, "title": UDHR_TITLES[key], "text": text})
    for lang in LANGS:
        extra = set(texts[lang]) - set(keys)
        if extra:
            raise ValueError(f"unexpected UDHR sections in {lang}: {sorted(extra)}")
    return items


# --- SDG ----------------------------------------------------------------------------------


class FirstKeyWinsLoader(yaml.SafeLoader):
    """A safe loader that keeps the first of repeated mapping keys and records the repeats."""

    duplicates = []

    def construct_mapping(self, node, deep=False):
        mapping = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            value = self.construct_object(value_node, deep=deep)
            if key in mapping:
                self.duplicates.append((self.name, key))
                continue
            mapping[key] = value
        return mapping


FirstKeyWinsLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, FirstKeyWinsLoader.construct_mapping
)

KEY_RE = re.compile(r"^(\d+(?:-[0-9a-z]+){0,2})-(title|short)$")


def load_sdg_file(path):
    with open(path, encoding="utf-8") as f:
        loader = FirstKeyWinsLoader(f)
        loader.name = str(path)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    titles = {}
    for key, value in (data or {}).items():
        match = KEY_RE.match(str(key))
        if not match:
            raise ValueError(f"{path}: unexpected key {key!r}")
        if match.group(2) != "title":
            continue
        if not isinstance(value, str):
            raise ValueError(f"{path}: {key} is not a string")
        if normalise(value):
            titles[match.group(1).replace("-", ".")] = normalise(value)
    return titles


def with_fallbacks(code, titles_by_lang):
    """The item's title in each language, and which language each title came from."""
    title, source = {}, {}
    for lang in LANGS:
        for candidate in (lang, *FALLBACKS[lang]):
            if code in titles_by_lang[candidate]:
                title[lang] = titles_by_lang[candidate][code]
                source[lang] = candidate
                break
        else:
            raise ValueError(f"SDG {code} has no title in {lang} nor in any fallback")
    return title, {"ca_source": source["ca"], "es_source": source["es"]}


# Catalan indicator titles from an older revision that name a different indicator.
OUTDATED_CA_INDICATORS = ("1.a.1", "1.b.1", "7.b.1", "12.a.1", "13.2.1", "17.6.1", "17.18.1")


def build_sdg(src):
    kinds = ("goals", "targets", "indicators")
    titles = {
        kind: {lang: load_sdg_file(src / "sdg" / lang / f"global_{kind}.yml") for lang in LANGS}
        for kind in kinds
    }
    for code in OUTDATED_CA_INDICATORS:
        titles["indicators"]["ca"].pop(code, None)
    codes = {kind: sorted(set().union(*titles[kind].values()), key=natural_key) for kind in kinds}
    depth = {"goals": 1, "targets": 2, "indicators": 3}
    for kind in kinds:
        for code in codes[kind]:
            if code.count(".") + 1 != depth[kind]:
                raise ValueError(f"{kind}: code {code} has the wrong shape")

    goals = []
    for code in codes["goals"]:
        title, sources = with_fallbacks(code, titles["goals"])
        goals.append({"number": int(code), "title": title, **sources})
    targets = []
    for code in codes["targets"]:
        goal = code.split(".")[0]
        if goal not in codes["goals"]:
            raise ValueError(f"target {code} has no goal")
        title, sources = with_fallbacks(code, titles["targets"])
        targets.append({"goal": int(goal), "code": code, "title": title, **sources})
    target_codes = set(codes["targets"])
    indicators = []
    for code in codes["indicators"]:
        target = code.rsplit(".", 1)[0]
        if target not in target_codes:
            raise ValueError(f"indicator {code} has no target")
        title, sources = with_fallbacks(code, titles["indicators"])
        indicators.append({"target": target, "code": code, "title": title, **sources})
    return {"goals": goals, "targets": targets, "indicators": indicators}


# --- Hand-written tables ------------------------------------------------------------------


def build_instruments():
    return sorted(INSTRUMENTS, key=lambda item: (item["year"], item["code"]))


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def build_treaty_articles(instruments, full_list):
    """Every article of the full list (sources/treaty_articles_all.json), in catalogue
    order; the 27 of the first catalogue keep their titles from TREATY_ARTICLES, so the
    rows already in use read as before."""
    order = {item["code"]: i for i, item in enumerate(instruments)}
    titles = {}
    for item in full_list:
        key = (item["instrument"], item["article"])
        if key in titles:
            raise ValueError(f"treaty article {key} appears twice")
        if missing := [lang for lang in LANGS if not item["title"].get(lang, "").strip()]:
            raise ValueError(f"treaty article {key} has no title in {missing}")
        titles[key] = {lang: normalise(item["title"][lang]) for lang in LANGS}
    if missing := set(TREATY_ARTICLES) - set(titles):
        raise ValueError(f"first-catalogue articles missing from the full list: {missing}")
    titles.update(TREATY_ARTICLES)
    unknown = {code for code, _ in titles} - set(order)
    if unknown:
        raise ValueError(f"treaty articles of unknown instruments: {sorted(unknown)}")
    keys = sorted(titles, key=lambda k: (order[k[0]], natural_key(k[1])))
    return [
        {"instrument": code, "article": article, "title": titles[code, article]}
        for code, article in keys
    ]


def full_list_links(full_list):
    """Right code -> SDG target codes, as the full list of treaty articles gives them."""
    return {f"{item['instrument']}-{item['article']}": item["targets"] for item in full_list}


# The treaty bodies in the order of their treaties, and the instrument each monitors.
BODIES = {
    "CERD": "ICERD",
    "CESCR": "ICESCR",
    "CCPR": "ICCPR",
    "CEDAW": "CEDAW",
    "CAT": "CAT",
    "CRC": "CRC",
    "CMW": "ICMW",
    "CRPD": "CRPD",
    "CED": "CPED",
}
GC_KINDS = ("general_comment", "general_recommendation")


def build_general_comments(source, rights):
    """The General Comments and Recommendations (sources/general_comments.json), checked:
    a known body and kind, titles in every language, articles that are in the catalogue;
    ordered by body (as BODIES) then number."""
    seen = set()
    items = []
    for item in source:
        key = (item["body"], item["number"])
        if item["body"] not in BODIES or item["kind"] not in GC_KINDS:
            raise ValueError(f"general comment {key}: unknown body or kind")
        if key in seen:
            raise ValueError(f"general comment {key} appears twice")
        seen.add(key)
        if missing := [lang for lang in LANGS if not item["title"].get(lang, "").strip()]:
            raise ValueError(f"general comment {key} has no title in {missing}")
        if unknown := set(item["articles"]) - rights:
            raise ValueError(f"general comment {key} interprets unknown articles {unknown}")
        items.append(
            {
                "body": item["body"],
                "kind": item["kind"],
                "number": int(item["number"]),
                "year": int(item["year"]),
                "symbol": normalise(item.get("symbol") or ""),
                "joint_with": normalise(item.get("joint_with") or ""),
                "title": {lang: normalise(item["title"][lang]) for lang in LANGS},
                "articles": sorted(set(item["articles"]), key=natural_key),
            }
        )
    body_order = list(BODIES)
    return sorted(items, key=lambda item: (body_order.index(item["body"]), item["number"]))


def build_links(udhr, treaty_articles, sdg, more_links):
    """LINKS, merged with the targets of the full list of treaty articles (more_links):
    a right has the targets of either."""
    rights = [f"UDHR-{item['article']}" for item in udhr if item["article"] != "preamble"]
    rights += [f"{item['instrument']}-{item['article']}" for item in treaty_articles]
    unknown = (set(LINKS) | set(more_links)) - set(rights)
    if unknown:
        raise ValueError(f"links for unknown rights: {sorted(unknown)}")
    target_codes = {item["code"] for item in sdg["targets"]}
    links = []
    for right in rights:  # already in catalogue order
        targets = LINKS.get(right, "").split()
        if len(set(targets)) != len(targets):
            raise ValueError(f"{right}: repeated SDG targets")
        targets = set(targets) | set(more_links.get(right, ()))
        if not targets:
            continue
        missing = targets - target_codes
        if missing:
            raise ValueError(f"{right}: unknown SDG targets {sorted(missing)}")
        links.append({"right": right, "targets": sorted(targets, key=natural_key)})
    return links


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(f"usage: python {argv[0]} SHARED_DATA_DIR [OUTPUT_DIR]")
    src = Path(argv[1])
    out = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent

    udhr = build_udhr(src)
    instruments = build_instruments()
    full_list = read_json(SOURCES / "treaty_articles_all.json")
    treaty_articles = build_treaty_articles(instruments, full_list)
    sdg = build_sdg(src)
    links = build_links(udhr, treaty_articles, sdg, full_list_links(full_list))
    rights = {f"{item['instrument']}-{item['article']}" for item in treaty_articles}
    general_comments = build_general_comments(read_json(SOURCES / "general_comments.json"), rights)

    write_json(out / "udhr.json", udhr)
    write_json(out / "instruments.json", instruments)
    write_json(out / "treaty_articles.json", treaty_articles)
    write_json(out / "sdg.json", sdg)
    write_json(out / "links.json", links)
    write_json(out / "general_comments.json", general_comments)

    for kind in ("goals", "targets", "indicators"):
        items = sdg[kind]
        fallback = [
            f"{item.get('code', item.get('number'))} (ca<-{item['ca_source']})"
            for item in items
            if item["ca_source"] != "ca"
        ] + [
            f"{item.get('code', item.get('number'))} (es<-{item['es_source']})"
            for item in items
            if item["es_source"] != "es"
        ]
        print(f"SDG {kind}: {len(items)}; fallbacks: {', '.join(fallback) or 'none'}")
    for name, key in FirstKeyWinsLoader.duplicates:
        print(f"repeated key kept first: {key} in {name}")
    print(
        f"UDHR items: {len(udhr)}; instruments: {len(instruments)}; "
        f"treaty articles: {len(treaty_articles)}; links: {len(links)}; "
        f"general comments: {len(general_comments)}; written to {out}"
    )


if __name__ == "__main__":
    main(sys.argv)
