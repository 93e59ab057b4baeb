"""Demo data of the indicators part: common objectives, shared indicators and two years of
the member entities' quarterly reports in the demo cluster.

Idempotent: nothing is added when the cluster already has objectives. The values come
from a seeded random generator, so every run builds the same demo.

Reports go through the services (saved and submitted, then validated or returned), as
they would from the pages; afterwards their timestamps are moved back to the quarter they
belong to, so that the histories read as two years of work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from actors.models import ActorUser
from clusters.models import Cluster, Membership
from indicators import services
from indicators.cells import Ratio, Reported
from indicators.models import (
    Indicator,
    MeasurementReport,
    Objective,
    ReportEvent,
    ReportingPeriod,
    parse_cell,
)
from indicators.periods import MONTHS_PER_PERIOD, period_bounds
from rights.models import Right, RightsIssue, SDGIndicator, SDGTarget

SEED = 2026
PAST_PERIODS = 8  # two years of quarters
LOCKED_PERIODS = 2  # the oldest ones, closed by the coordinator

# (code, statement, SDG targets, answers the validated rights issue)
OBJECTIVES = [
    (
        "O1",
        "Cap desnonament sense alternativa habitacional al districte: totes les famílies "
        "amenaçades de desnonament reben assessorament i, si el llançament s'executa, un "
        "reallotjament digne.",
        ["11.1"],
        True,
    ),
    (
        "O2",
        "Reduir la pobresa energètica de les llars llogateres de Nou Barris: cap tall de "
        "subministrament a llars vulnerables i accés generalitzat a la tarifa social.",
        ["7.1"],
        False,
    ),
    (
        "O3",
        "Garantir que les dones que surten de situacions de violència masclista, i els seus "
        "fills i filles, accedeixen a un habitatge estable, assequible i segur.",
        ["5.2", "11.1"],
        False,
    ),
]

T, M, D, A, K, S = (
    Indicator.Type,
    Indicator.Measure,
    Indicator.Direction,
    Indicator.Aggregation,
    Indicator.TargetKind,
    Indicator.Source,
)

# Besides the model fields: "reporters" (actor slugs of the responsible member entities,
# with their share of the cluster's value for numbers, or their offset from the mean for
# percentages), "path" (the cluster's value in the oldest and in the latest past quarter),
# "noise", "seasonal" (more in winter) and "cells" (the weight of each disaggregation value).
INDICATORS = [
    {
        "objective": "O1",
        "code": "I1.1",
        "name": "Existència d'un protocol municipal de reallotjament abans del llançament",
        "type": T.STRUCTURAL,
        "right": "ICESCR-11",
        "right_attribute": "Seguretat de la tinença",
        "measure": M.QUALITATIVE,
        "direction": D.INCREASE,
        "aggregation": A.LATEST,
        "target_kind": K.PER_PERIOD,
        "data_source": S.EXPERT,
        "hxl_tag": "#indicator",
        "reporters": {"llar-solidaria": 1, "oficina-habitatge": 1, "dret-i-habitatge": 1},
    },
    {
        "objective": "O1",
        "code": "I1.2",
        "name": "Llançaments executats sense alternativa habitacional",
        "type": T.OUTCOME,
        "right": "UDHR-25",
        "right_attribute": "Seguretat de la tinença",
        "measure": M.NUMBER,
        "unit": "llançaments",
        "direction": D.DECREASE,
        "aggregation": A.SUM,
        "target_kind": K.PER_PERIOD,
        "baseline_value": 46,
        "target_value": 10,
        "territories": "Prosperitat, Trinitat Nova, Roquetes",
        "data_source": S.EVENT_BASED,
        "hxl_tag": "#indicator",
        "weight": 2,
        "reporters": {
            "av-nou-barris": 0.35,
            "sindicat-llogateres": 0.3,
            "llar-solidaria": 0.2,
            "dret-i-habitatge": 0.15,
        },
        "path": (45, 18),
        "noise": 0.12,
        "cells": {"territory": {"Prosperitat": 0.38, "Trinitat Nova": 0.27, "Roquetes": 0.35}},
    },
    {
        "objective": "O1",
        "code": "I1.3",
        "name": "Famílies ateses pel punt d'assessorament en habitatge",
        "type": T.PROCESS,
        "right": "UDHR-25",
        "right_attribute": "Accés a la informació i a l'assessorament",
        "measure": M.NUMBER,
        "unit": "famílies",
        "direction": D.INCREASE,
        "aggregation": A.SUM,
        "target_kind": K.CUMULATIVE,
        "baseline_value": 0,
        "target_value": 1500,
        "data_source": S.EVENT_BASED,
        "hxl_tag": "#reached",
        "reporters": {
            "av-nou-barris": 0.34,
            "sindicat-llogateres": 0.24,
            "llar-solidaria": 0.18,
            "dret-i-habitatge": 0.12,
            "oficina-habitatge": 0.12,
        },
        "path": (95, 150),
        "noise": 0.1,
    },
    {
        "objective": "O1",
        "code": "I1.4",
        "name": (
            "Persones reallotjades en habitatge social o d'emergència després d'un "
            "procediment de desnonament"
        ),
        "type": T.OUTCOME,
        "right": "ICESCR-11",
        "right_attribute": "Disponibilitat d'habitatge",
        "measure": M.NUMBER,
        "unit": "persones",
        "direction": D.INCREASE,
        "aggregation": A.SUM,
        "target_kind": K.CUMULATIVE,
        "baseline_value": 0,
        "target_value": 350,
        "by_sex": True,
        "by_age": True,
        "by_disability": True,
        "data_source": S.ADMINISTRATIVE,
        "hxl_tag": "#reached",
        "reporters": {
            "oficina-habitatge": 0.45,
            "llar-solidaria": 0.3,
            "coop-la-teulada": 0.1,
            "acces-total": 0.15,
        },
        "path": (20, 45),
        "noise": 0.15,
        "cells": {
            "sex": {"female": 0.54, "male": 0.45, "nonbinary": 0.01},
            "age": {"children": 0.27, "adolescents": 0.1, "adults": 0.5, "elderly": 0.13},
            "disability": {"yes": 0.12, "no": 0.88},
        },
    },
    {
        # Added after the others, measured from a later baseline: it asks for no report of
        # the quarters before it (issue 15, point 7), and its entities count each dimension
        # on its own rather than every combination (point 13). Its values come from a
        # random generator of its own, so that the others' stay as they were.
        "objective": "O1",
        "code": "I1.5",
        "name": "Persones acompanyades a les vistes judicials de desnonament",
        "type": T.PROCESS,
        "right": "ICESCR-11",
        "right_attribute": "Seguretat de la tinença",
        "measure": M.NUMBER,
        "unit": "persones",
        "direction": D.INCREASE,
        "aggregation": A.SUM,
        "target_kind": K.CUMULATIVE,
        "baseline_value": 0,
        "target_value": 300,
        "by_sex": True,
        "by_age": True,
        "by_disability": True,
        "breakdown": Indicator.Breakdown.SEPARATE,
        "data_source": S.EVENT_BASED,
        "hxl_tag": "#reached",
        "reporters": {"av-nou-barris": 0.4, "llar-solidaria": 0.35, "acces-total": 0.25},
        "path": (20, 48),
        "noise": 0.15,
        "since": 4,  # the past quarter its baseline date opens
        "cells": {
            "sex": {"female": 0.6, "male": 0.39, "nonbinary": 0.01},
            "age": {"children": 0.05, "adolescents": 0.05, "adults": 0.65, "elderly": 0.25},
            "disability": {"yes": 0.15, "no": 0.85},
        },
    },
    {
        # A structural commitment answered yes or no (issue 16, point 7): the Ajuntament
        # approves the protocol in the fifth quarter (PROTOCOL), and the entities that
        # follow it say so from then on. Its own random generator, like I1.5's.
        "objective": "O1",
        "code": "I1.6",
        "name": "L'Ajuntament ha aprovat el protocol municipal contra els desnonaments",
        "type": T.STRUCTURAL,
        "right": "ICESCR-11",
        "right_attribute": "Seguretat de la tinença",
        "measure": M.YES_NO,
        "direction": D.INCREASE,
        "aggregation": A.LATEST,
        "target_kind": K.PER_PERIOD,
        "data_source": S.ADMINISTRATIVE,
        "hxl_tag": "#indicator",
        "reporters": {"oficina-habitatge": 1, "dret-i-habitatge": 1},
        "yes_from": 4,
    },
    {
        "objective": "O2",
        "code": "I2.1",
        "name": "% de llars ateses amb tarifa social (bo social) als subministraments",
        "type": T.PROCESS,
        "right": "ICESCR-11",
        "right_attribute": "Assequibilitat",
        "measure": M.PERCENTAGE,
        "unit": "%",
        "direction": D.INCREASE,
        "aggregation": A.AVERAGE,
        "target_kind": K.CUMULATIVE,
        "baseline_value": 34,
        "target_value": 60,
        "data_source": S.ADMINISTRATIVE,
        "hxl_tag": "#indicator",
        "numerator_label": "llars ateses amb bo social",
        "denominator_label": "llars ateses",
        "reporters": {
            "energia-justa": 6,
            "llar-solidaria": 2,
            "av-nou-barris": -4,
            "oficina-habitatge": -3,
        },
        # How many households each entity serves: the cluster's percentage weighs each
        # entity by them (the Oficina's many households count more than the association's).
        "denominators": {
            "energia-justa": 120,
            "llar-solidaria": 45,
            "av-nou-barris": 30,
            "oficina-habitatge": 410,
        },
        "path": (36, 62),
        "noise": 2.5,
    },
    {
        "objective": "O2",
        "code": "I2.2",
        "name": "Talls de subministrament a llars en situació de vulnerabilitat",
        "type": T.OUTCOME,
        "right": "ICESCR-11",
        "right_attribute": "Disponibilitat de serveis i infraestructures",
        "measure": M.NUMBER,
        "unit": "talls",
        "direction": D.DECREASE,
        "aggregation": A.SUM,
        "target_kind": K.PER_PERIOD,
        "baseline_value": 38,
        "target_value": 0,
        "data_source": S.EVENT_BASED,
        "sdg_indicator": "1.4.1",
        "hxl_tag": "#indicator",
        "reporters": {"energia-justa": 0.5, "sindicat-llogateres": 0.25, "av-nou-barris": 0.25},
        "path": (37, 24),
        "noise": 0.12,
        "seasonal": True,
    },
    {
        "objective": "O2",
        "code": "I2.3",
        "name": "Persones ateses amb assessorament energètic a la llar",
        "type": T.PROCESS,
        "right": "ICESCR-11",
        "right_attribute": "Habitabilitat",
        "measure": M.NUMBER,
        "unit": "persones",
        "direction": D.INCREASE,
        "aggregation": A.SUM,
        "target_kind": K.PER_PERIOD,
        "baseline_value": 80,
        "target_value": 220,
        "by_sex": True,
        "by_age": True,
        "data_source": S.EVENT_BASED,
        "hxl_tag": "#reached",
        "reporters": {
            "energia-justa": 0.4,
            "grup-exclusio-residencial": 0.15,
            "llar-solidaria": 0.15,
            "xarxa-migrades": 0.15,
            # The demo member reports by sex and age too, so its grid shows.
            "av-nou-barris": 0.15,
        },
        "path": (85, 175),
        "noise": 0.1,
        "seasonal": True,
        "cells": {
            "sex": {"female": 0.58, "male": 0.41, "nonbinary": 0.01},
            "age": {"children": 0.02, "adolescents": 0.02, "adults": 0.6, "elderly": 0.36},
        },
    },
    {
        "objective": "O3",
        "code": "I3.1",
        "name": (
            "Dones i infants a càrrec que accedeixen a un habitatge estable en sortir d'un "
            "recurs d'acollida"
        ),
        "type": T.OUTCOME,
        "right": "ICESCR-11",
        "right_attribute": "Accessibilitat per als grups desfavorits",
        "measure": M.NUMBER,
        "unit": "persones",
        "direction": D.INCREASE,
        "aggregation": A.SUM,
        "target_kind": K.CUMULATIVE,
        "baseline_value": 0,
        "target_value": 120,
        "by_sex": True,
        "by_age": True,
        "data_source": S.ADMINISTRATIVE,
        "hxl_tag": "#reached",
        "reporters": {
            "dones-i-llar": 0.45,
            "llar-solidaria": 0.2,
            "oficina-habitatge": 0.25,
            "coop-la-teulada": 0.1,
        },
        "path": (7, 16),
        "noise": 0.2,
        # Mothers and their children: no adult men.
        "cells": {
            "sex|age": {
                ("female", "adults"): 0.44,
                ("female", "elderly"): 0.02,
                ("female", "children"): 0.2,
                ("female", "adolescents"): 0.06,
                ("male", "children"): 0.21,
                ("male", "adolescents"): 0.07,
            }
        },
    },
    {
        "objective": "O3",
        "code": "I3.2",
        "name": (
            "Habitatges reservats per a dones que surten de situacions de violència masclista"
        ),
        "type": T.STRUCTURAL,
        "right": "CEDAW-2",
        "right_attribute": "Accessibilitat per als grups desfavorits",
        "measure": M.NUMBER,
        "unit": "habitatges",
        "direction": D.INCREASE,
        "aggregation": A.LATEST,
        "target_kind": K.PER_PERIOD,
        "baseline_value": 6,
        "target_value": 25,
        "data_source": S.ADMINISTRATIVE,
        "hxl_tag": "#indicator",
        "reporters": {
            "oficina-habitatge": 0.5,
            "dones-i-llar": 0.2,
            "coop-la-teulada": 0.15,
            "llar-solidaria": 0.15,
        },
        "path": (7, 19),
        "noise": 0,
    },
    {
        "objective": "O3",
        "code": "I3.3",
        "name": "% de dones acompanyades que se senten segures al seu habitatge",
        "type": T.OUTCOME,
        "right": "UDHR-25",
        "right_attribute": "Habitabilitat i seguretat física",
        "measure": M.PERCENTAGE,
        "unit": "%",
        "direction": D.INCREASE,
        "aggregation": A.AVERAGE,
        "target_kind": K.CUMULATIVE,
        "baseline_value": 52,
        "target_value": 80,
        "data_source": S.SURVEY,
        "hxl_tag": "#indicator",
        "numerator_label": "dones que se senten segures",
        "denominator_label": "dones acompanyades que han respost",
        "reporters": {"dones-i-llar": 3, "llar-solidaria": 0, "xarxa-migrades": -5},
        "denominators": {"dones-i-llar": 64, "llar-solidaria": 22, "xarxa-migrades": 38},
        "path": (58, 76),
        "noise": 3,
    },
]

# The metadata sheet of each indicator, as OHCHR's Human Rights Indicators guide (2012)
# lays it out (Indicator.metadata_sheet): what the coordinator and the entities agreed.
METADATA = {
    "I1.1": {
        "definition": (
            "Situació, trimestre a trimestre, del protocol municipal que ha de garantir una "
            "proposta de reallotjament a tota família amb data de llançament, abans que "
            "s'executi."
        ),
        "rationale": (
            "L'observació general 7 del Comitè DESC demana que cap desnonament deixi ningú "
            "sense llar i que les autoritats adoptin totes les mesures possibles per oferir "
            "un allotjament alternatiu. El protocol és el compromís de l'Ajuntament de "
            "complir aquesta obligació de protegir."
        ),
        "computation_method": (
            "Descripció qualitativa de l'estat del protocol (inexistent, en redacció, "
            "aprovat, aplicat) amb els fets del trimestre que ho acrediten."
        ),
        "collection_details": (
            "Actes de la taula de treball amb el districte, acords de la Comissió de Govern "
            "i seguiment dels casos que acompanyen les entitats."
        ),
        "comments_limitations": (
            "És un judici d'experts: les entitats poden valorar diferent el grau "
            "d'aplicació. La coordinadora en contrasta les descripcions abans de validar-les."
        ),
    },
    "I1.2": {
        "definition": (
            "Nombre de llançaments d'habitatge habitual executats al districte en el "
            "trimestre sense que la família tingui una alternativa habitacional assignada."
        ),
        "rationale": (
            "Mesura directament la vulneració del dret a l'habitatge adequat (article 11 del "
            "PIDESC) que el clúster vol eradicar: un llançament sense alternativa és un "
            "desnonament forçós en el sentit de l'observació general 7."
        ),
        "computation_method": (
            "Suma dels llançaments executats que cada entitat ha acompanyat o conegut, "
            "descomptant els casos compartits. El total és el del trimestre; la meta és per "
            "trimestre."
        ),
        "collection_details": (
            "Registre de casos de cada entitat, contrastat amb el calendari de llançaments "
            "que el Servei d'Intervenció en Pèrdua d'Habitatge comunica al clúster."
        ),
        "disaggregation_note": (
            "Els barris són els tres amb més llançaments; la resta del districte es compta "
            "en el total. No es desagrega per sexe perquè es compta la llar, no les persones."
        ),
        "comments_limitations": (
            "Els llançaments que cap entitat coneix no hi són: la xifra és un mínim. Una "
            "baixada pot venir d'una moratòria judicial i no només de l'acció del clúster."
        ),
    },
    "I1.3": {
        "definition": (
            "Famílies que han rebut almenys una sessió d'assessorament jurídic o social "
            "sobre el seu habitatge al punt d'assessorament compartit."
        ),
        "rationale": (
            "Conèixer els propis drets és condició per reclamar-los: mesura la capacitat "
            "dels titulars de drets d'exigir el dret a l'habitatge davant dels titulars "
            "d'obligacions."
        ),
        "computation_method": (
            "Nombre de famílies diferents ateses en el trimestre; una família atesa per "
            "dues entitats compta un sol cop. Els trimestres se sumen fins a la meta."
        ),
        "collection_details": (
            "Fitxa d'atenció única del punt d'assessorament, que cada entitat omple a "
            "l'acabar la primera sessió."
        ),
        "comments_limitations": (
            "Compta l'atenció, no el resultat: una família assessorada pot perdre igualment "
            "l'habitatge."
        ),
    },
    "I1.4": {
        "definition": (
            "Persones reallotjades en un habitatge social o d'emergència després d'un "
            "procediment de desnonament, en el trimestre."
        ),
        "rationale": (
            "L'obligació de realitzar el dret a l'habitatge es mesura en allotjaments "
            "efectius: és el resultat que el protocol de reallotjament ha de produir."
        ),
        "computation_method": (
            "Persones (no llars) que entren a viure en un habitatge social o d'emergència "
            "en el trimestre. Els trimestres se sumen fins a la meta."
        ),
        "collection_details": (
            "Adjudicacions de la Mesa d'Emergència i registres d'entrada dels habitatges "
            "gestionats per les entitats."
        ),
        "disaggregation_note": (
            "L'origen i la situació administrativa encara no es recullen: la Mesa "
            "d'Emergència no les registra."
        ),
        "comments_limitations": (
            "Un reallotjament temporal en pensió no hi compta; la durada de l'allotjament no "
            "es mesura."
        ),
    },
    "I1.5": {
        "definition": (
            "Persones que una entitat del clúster acompanya a la vista judicial del seu "
            "procediment de desnonament."
        ),
        "rationale": (
            "L'accés a la justícia i a un procés amb garanties forma part de la seguretat "
            "de la tinença; l'acompanyament redueix els llançaments sense defensa."
        ),
        "computation_method": (
            "Persones acompanyades en el trimestre, cada dimensió comptada pel seu compte "
            "(per sexe, per edat, per discapacitat), perquè les entitats no poden creuar-les."
        ),
        "collection_details": "Agenda d'acompanyaments de les entitats, revisada cada mes.",
        "comments_limitations": (
            "Comença a comptar més tard que la resta: la seva línia de base és posterior."
        ),
    },
    "I1.6": {
        "definition": (
            "Si l'Ajuntament ha aprovat formalment el protocol municipal contra els "
            "desnonaments sense alternativa habitacional."
        ),
        "rationale": (
            "Indicador estructural del compromís del titular d'obligacions: sense un "
            "protocol aprovat, el reallotjament depèn de la bona voluntat de cada servei."
        ),
        "computation_method": (
            "Sí quan totes les entitats que en responen, validades, diuen que el protocol "
            "és aprovat al final del trimestre; no en cas contrari."
        ),
        "collection_details": (
            "Acord de la Comissió de Govern publicat al Butlletí Oficial de la Província."
        ),
        "comments_limitations": (
            "Aprovar-lo no vol dir aplicar-lo: l'indicador I1.1 en descriu l'aplicació."
        ),
    },
    "I2.1": {
        "definition": (
            "Percentatge de llars ateses per les entitats que tenen el bo social als "
            "subministraments de llum o gas."
        ),
        "rationale": (
            "L'assequibilitat dels serveis bàsics és part del dret a un habitatge adequat: "
            "el bo social és la mesura que protegeix les llars vulnerables dels talls."
        ),
        "computation_method": (
            "Llars ateses amb bo social dividides per les llars ateses en el trimestre, per cent."
        ),
        "collection_details": (
            "Fitxes d'atenció de les entitats, amb la factura de la llar com a comprovant."
        ),
        "comments_limitations": (
            "Només compta les llars ateses, no totes les del districte: el denominador "
            "canvia amb la demanda."
        ),
    },
    "I2.2": {
        "definition": (
            "Talls de llum, aigua o gas a llars que els serveis socials o les entitats han "
            "identificat com a vulnerables, en el trimestre."
        ),
        "rationale": (
            "La llei 24/2015 prohibeix aquests talls: cada tall és un incompliment de "
            "l'obligació de protegir de les companyies i de l'administració."
        ),
        "computation_method": "Suma dels talls coneguts en el trimestre; la meta és zero.",
        "collection_details": (
            "Registre de les entitats i dades que les companyies comuniquen als serveis socials."
        ),
        "comments_limitations": "Els talls d'hivern pesen més: la sèrie és estacional.",
    },
    "I2.3": {
        "definition": (
            "Persones que han rebut assessorament energètic a la llar (factures, potència "
            "contractada, eficiència)."
        ),
        "rationale": (
            "Reforça la capacitat de les llars de reclamar els seus drets com a "
            "consumidores i de reduir la factura."
        ),
        "computation_method": "Persones ateses en el trimestre; la meta és per trimestre.",
        "collection_details": "Registre d'atencions dels punts d'assessorament energètic.",
        "comments_limitations": ("Es compta la persona atesa, no la resta de persones de la llar."),
    },
    "I3.1": {
        "definition": (
            "Dones, i els infants a càrrec seu, que en sortir d'un recurs d'acollida per "
            "violència masclista accedeixen a un habitatge estable."
        ),
        "rationale": (
            "La recomanació general 35 del Comitè CEDAW vincula la protecció davant la "
            "violència amb l'accés a l'habitatge: sense habitatge, moltes dones no poden "
            "sortir-ne."
        ),
        "computation_method": (
            "Persones que signen un contracte o una cessió d'ús d'almenys un any en el "
            "trimestre. Els trimestres se sumen fins a la meta."
        ),
        "collection_details": (
            "Registres dels serveis d'acollida i de l'Oficina d'Habitatge, amb el "
            "consentiment de cada dona."
        ),
        "comments_limitations": (
            "Per seguretat, el territori no es desagrega: podria identificar-les."
        ),
    },
    "I3.2": {
        "definition": (
            "Habitatges del parc públic o de les entitats reservats per a dones que surten "
            "de situacions de violència masclista, al final del trimestre."
        ),
        "rationale": (
            "Indicador estructural de la disponibilitat d'habitatge per a un grup "
            "desfavorit que el titular d'obligacions ha de prioritzar."
        ),
        "computation_method": "Nombre d'habitatges reservats a l'últim dia del trimestre.",
        "collection_details": "Inventari de l'Oficina d'Habitatge i de les cooperatives.",
        "comments_limitations": "Un habitatge reservat pot estar buit per obres.",
    },
    "I3.3": {
        "definition": (
            "Percentatge de dones acompanyades que diuen sentir-se segures al seu habitatge."
        ),
        "rationale": (
            "La seguretat física forma part de l'habitabilitat: un habitatge on la dona no "
            "se sent segura no és adequat."
        ),
        "computation_method": (
            "Dones que responen «segura» o «molt segura» dividides per les dones que "
            "responen l'enquesta, per cent."
        ),
        "collection_details": (
            "Enquesta semestral anònima de les entitats a les dones que acompanyen."
        ),
        "comments_limitations": (
            "Mostra petita i autoseleccionada: les dones en situació més greu responen menys."
        ),
    },
}

# The protocol's story, one step a quarter (oldest first).
PROTOCOL = [
    "No existeix cap protocol. Els llançaments es comuniquen als serveis socials amb menys "
    "d'una setmana de marge i no hi ha cap procediment per oferir allotjament alternatiu.",
    "El clúster ha presentat a l'Ajuntament una proposta de protocol de reallotjament previ "
    "al llançament. Encara no hi ha resposta formal.",
    "S'ha constituït una taula de treball amb el districte, els serveis socials i l'Oficina "
    "d'Habitatge per redactar el protocol.",
    "Hi ha un esborrany de protocol consensuat a la taula tècnica; falta el compromís de "
    "reservar habitatges d'emergència.",
    "La Comissió de Govern del districte ha aprovat el protocol, però encara no s'aplica: "
    "falten recursos i la coordinació amb els jutjats.",
    "El protocol s'aplica parcialment: els jutjats comuniquen la majoria de llançaments amb "
    "30 dies d'antelació i els serveis socials hi intervenen abans de la data.",
    "El protocol és vigent i s'ha aplicat a la majoria de llançaments del trimestre; encara "
    "hi ha casos sense alternativa per manca d'habitatge d'emergència.",
    "El protocol funciona. Se n'ha fet la primera avaluació amb les entitats i s'ha acordat "
    "ampliar la reserva d'habitatges d'emergència.",
]

COMMENTS = [
    "Dades extretes del registre d'atencions de l'entitat.",
    "Inclou casos derivats pels serveis socials del districte.",
    "Xifra revisada amb l'equip tècnic abans d'enviar-la.",
    "Trimestre amb més demanda del que és habitual.",
    "Hem reforçat l'atenció amb dues persones voluntàries noves.",
]

# What happens to a report.
VALIDATED, CORRECTED, RETURNED, SUBMITTED, DRAFT, MISSING = (
    "validated",  # submitted and validated
    "corrected",  # returned, corrected, submitted again and validated
    "returned",  # returned, waiting for the entity to correct it
    "submitted",  # waiting for the coordinator
    "draft",
    "missing",
)
LAST, PREVIOUS, OVERDUE, CURRENT = "last", "previous", "overdue", "current"

# (indicator, actor slug, period: index among the past quarters or one of the names above)
# -> (what happens, how the first submission is wrong, why it is returned)
FORCED = {
    ("I1.3", "sindicat-llogateres", 1): (
        CORRECTED,
        "inflated",
        "Hi ha famílies comptades dues vegades amb el punt d'assessorament de l'Associació "
        "Veïnal: descompteu les derivacions compartides.",
    ),
    ("I1.2", "dret-i-habitatge", 2): (
        CORRECTED,
        "incomplete",
        "Falta el desglossament per barris: indiqueu els llançaments de Prosperitat, "
        "Trinitat Nova i Roquetes.",
    ),
    ("I2.1", "av-nou-barris", 3): (
        CORRECTED,
        "inflated",
        "El percentatge s'ha calculat només sobre les llars que ja havien demanat el bo "
        "social, no sobre totes les llars ateses.",
    ),
    ("I1.4", "acces-total", 4): (
        CORRECTED,
        "incomplete",
        "Falten cel·les de la desagregació per discapacitat: completeu-les perquè el total quadri.",
    ),
    ("I1.3", "av-nou-barris", PREVIOUS): (
        RETURNED,
        "inflated",
        "El total no quadra amb el registre del punt d'assessorament: reviseu les famílies "
        "ateses i torneu a enviar l'informe.",
    ),
    ("I2.1", "oficina-habitatge", PREVIOUS): (
        RETURNED,
        "inflated",
        "El percentatge s'ha calculat sobre totes les llars del districte i no sobre les "
        "llars ateses. Corregiu el denominador.",
    ),
    ("I3.3", "dones-i-llar", PREVIOUS): (SUBMITTED, "", ""),
    ("I1.4", "coop-la-teulada", PREVIOUS): (SUBMITTED, "", ""),
    ("I2.1", "av-nou-barris", OVERDUE): (MISSING, "", ""),
    ("I1.2", "av-nou-barris", LAST): (DRAFT, "", ""),
    ("I2.2", "av-nou-barris", LAST): (SUBMITTED, "", ""),
    ("I2.2", "sindicat-llogateres", LAST): (
        RETURNED,
        "inflated",
        "La xifra és molt superior a la del trimestre anterior: indiqueu al comentari la font "
        "del recompte (registre propi o dades de la companyia).",
    ),
    ("I3.1", "oficina-habitatge", LAST): (
        RETURNED,
        "inflated",
        "Les dades inclouen dones ateses d'altres districtes: compteu només les de Nou Barris.",
    ),
    ("I1.4", "oficina-habitatge", LAST): (DRAFT, "", ""),
    ("I2.3", "grup-exclusio-residencial", LAST): (DRAFT, "", ""),
    ("I3.2", "coop-la-teulada", LAST): (MISSING, "", ""),
    ("I1.1", "dret-i-habitatge", LAST): (MISSING, "", ""),
    ("I1.3", "av-nou-barris", CURRENT): (DRAFT, "", ""),
    ("I2.3", "energia-justa", CURRENT): (DRAFT, "", ""),
}


@dataclass
class Entry:
    total: Reported | None = None
    cells: dict[str, Decimal | None] = field(default_factory=dict)
    text: str = ""
    comment: str = ""


def seed_indicators(cluster: Cluster, coordinator: User) -> None:
    if cluster.objectives.exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    rng = random.Random(SEED)
    months = MONTHS_PER_PERIOD[cluster.reporting_period]

    # periods_ensure creates the periods from the cluster's creation to today. The demo
    # cluster is created when the demo loads, yet it shows two years of reports: move its
    # creation back to the start of the first of those quarters, so that the periods
    # exist and the pages (which show the periods from the creation on) agree with them.
    first_start, _end = period_bounds(today, months)
    for _i in range(PAST_PERIODS):
        first_start, _end = period_bounds(first_start - timedelta(days=1), months)
    created = _at(first_start, 10)
    Cluster.objects.filter(pk=cluster.pk).update(created_at=created)
    cluster.created_at = created
    services.periods_ensure(cluster, until=today)
    periods = list(cluster.periods.filter(start__gte=first_start).order_by("start"))
    past = [p for p in periods if p.end < today][-PAST_PERIODS:]
    current = next((p for p in periods if p.start <= today <= p.end), None)

    baseline_date = past[0].start - timedelta(days=1)
    target_date = period_bounds(today + timedelta(days=365), months)[1]
    indicators = _indicators(cluster, baseline_date, target_date)
    for indicator in indicators:
        if "since" in indicator.spec:
            indicator.baseline_date = past[indicator.spec["since"]].start
            Indicator.objects.filter(pk=indicator.pk).update(baseline_date=indicator.baseline_date)
    # The indicators added later draw from generators of their own (see I1.5, I1.6).
    own = {
        i.code: random.Random(f"{SEED}-{i.code}")
        for i in indicators
        if "since" in i.spec or i.is_yes_no
    }
    Objective.objects.filter(cluster=cluster).update(created_at=created + timedelta(days=14))
    Indicator.objects.filter(cluster=cluster).update(created_at=created + timedelta(days=14))

    authors = _authors(cluster, coordinator)
    names = {
        LAST: len(past) - 1,
        PREVIOUS: len(past) - 2,
        # A past quarter whose reports are already due, for the member's overdue report.
        OVERDUE: len(past) - 1 if past[-1].due < today else len(past) - 2,
    }
    forced = {}
    for (code, slug, when), plan in FORCED.items():
        if when == CURRENT:
            if current is not None:
                forced[(code, slug, current.pk)] = plan
        else:
            forced[(code, slug, past[names.get(when, when)].pk)] = plan

    for index, period in enumerate(past):
        for indicator in indicators:
            if not indicator.asks_for(period):
                continue
            draws = own.get(indicator.code, rng)
            for slug, membership in indicator.reporters:
                default = _default_plan(indicator, index, len(past), draws)
                plan = forced.get((indicator.code, slug, period.pk), (default, "", ""))
                _report(indicator, period, membership, index, plan, authors, coordinator, draws)
    if current is not None:
        for indicator in indicators:
            for slug, membership in indicator.reporters:
                plan = forced.get((indicator.code, slug, current.pk))
                if plan:
                    _report(
                        indicator, current, membership, len(past), plan, authors, coordinator, rng
                    )

    for period in past[:LOCKED_PERIODS]:
        services.period_lock(period=period, by=coordinator)
    if len(past) >= LOCKED_PERIODS:
        # A mistake mended: the last locked period reopened with its reason, locked again.
        mended = past[LOCKED_PERIODS - 1]
        services.period_reopen(
            period=mended,
            by=coordinator,
            reason="Un informe validat comptava dues vegades les famílies ateses: "
            "es reobre perquè l'entitat el corregeixi.",
        )
        services.period_lock(period=mended, by=coordinator)
    _backdate(cluster, past[:LOCKED_PERIODS], today, now, rng)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _indicators(cluster: Cluster, baseline_date: date, target_date: date) -> list[Indicator]:
    evictions = list(cluster.rights_issues.filter(status=RightsIssue.Status.VALIDATED))
    objectives = {}
    for code, statement, targets, answers_issue in OBJECTIVES:
        objective = Objective.objects.create(cluster=cluster, code=code, statement=statement)
        objective.sdg_targets.set(SDGTarget.objects.filter(code__in=targets))
        if answers_issue:
            objective.rights_issues.set(evictions)
        objectives[code] = objective

    members = {m.actor.slug: m for m in cluster.memberships.voting().select_related("actor")}
    rights = {r.code: r for r in Right.objects.filter(code__in={s["right"] for s in INDICATORS})}
    result = []
    for spec in INDICATORS:
        fields = {
            key: value
            for key, value in spec.items()
            if key
            not in {
                "reporters",
                "path",
                "noise",
                "seasonal",
                "cells",
                "since",
                "denominators",
                "yes_from",
            }
        }
        fields.update(METADATA.get(spec["code"], {}))
        numeric = spec["measure"] != Indicator.Measure.QUALITATIVE
        fields.update(
            objective=objectives[spec["objective"]],
            right=rights.get(spec["right"]),
            sdg_indicator=SDGIndicator.objects.filter(code=spec.get("sdg_indicator")).first(),
            baseline_value=_decimal(spec.get("baseline_value")),
            target_value=_decimal(spec.get("target_value")),
            baseline_date=baseline_date if numeric else None,
            target_date=target_date if numeric else None,
        )
        indicator = Indicator.objects.create(cluster=cluster, **fields)
        indicator.responsible.set([members[slug] for slug in spec["reporters"]])
    # Read them back with their responsible members, which can_report reads on every save.
    specs = {spec["code"]: spec for spec in INDICATORS}
    result = list(cluster.indicators.prefetch_related("responsible").order_by("code"))
    for indicator in result:
        indicator.spec = specs[indicator.code]
        indicator.reporters = [(slug, members[slug]) for slug in indicator.spec["reporters"]]
    return result


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _authors(cluster: Cluster, coordinator: User) -> dict[int, tuple[User, str | None]]:
    """Who enters each entity's reports: its own representative when it has an account;
    otherwise the coordinator imports the file the entity sent."""
    links = ActorUser.objects.filter(actor__memberships__cluster=cluster).order_by("id")
    people = {}
    for link in links.select_related("user"):
        people.setdefault(link.actor_id, link.user)
    result = {}
    for membership in cluster.memberships.voting():
        user = people.get(membership.actor_id)
        result[membership.pk] = (user, None) if user else (coordinator, ReportEvent.Action.IMPORTED)
    return result


def _sensitive(indicator: Indicator) -> bool:
    """Whether the indicator's progress reads the latest period alone: a half-validated
    latest quarter would then misrepresent it."""
    return (
        indicator.target_kind == Indicator.TargetKind.PER_PERIOD
        or indicator.aggregation == Indicator.Aggregation.LATEST
    )


def _default_plan(indicator: Indicator, index: int, count: int, rng: random.Random) -> str:
    draw = rng.random()
    if index < count - 1:
        return VALIDATED
    # The latest quarter: the coordinator has not validated the quarters' figures yet,
    # except some of those that add up over time.
    if _sensitive(indicator):
        return SUBMITTED if draw < 0.75 else DRAFT if draw < 0.87 else MISSING
    if draw < 0.45:
        return VALIDATED
    return SUBMITTED if draw < 0.8 else DRAFT if draw < 0.9 else MISSING


def _report(
    indicator: Indicator,
    period: ReportingPeriod,
    membership: Membership,
    index: int,
    plan: tuple[str, str, str],
    authors: dict[int, tuple[User, str | None]],
    coordinator: User,
    rng: random.Random,
) -> None:
    what, flaw, reason = plan
    if what == MISSING:
        return
    entry = _entry(indicator, period, membership, index, rng)
    by, event = authors[membership.pk]

    def save(values: Entry, submit: bool = True) -> MeasurementReport:
        return services.report_save(
            indicator=indicator,
            period=period,
            membership=membership,
            by=by,
            cells=values.cells,
            total=values.total,
            text_value=values.text,
            comment=values.comment,
            submit=submit,
            event=event,
        )

    if what == DRAFT:
        save(_draft(indicator, entry), submit=False)
        return
    if what in (CORRECTED, RETURNED):
        report = save(_flawed(indicator, entry, flaw, rng))
        services.report_return(report=report, by=coordinator, reason=reason)
        if what == RETURNED:
            return
    report = save(entry)
    if what in (VALIDATED, CORRECTED):
        services.report_validate(report=report, by=coordinator)


def _entry(
    indicator: Indicator,
    period: ReportingPeriod,
    membership: Membership,
    index: int,
    rng: random.Random,
) -> Entry:
    spec = indicator.spec
    comment = rng.choice(COMMENTS) if rng.random() < 0.2 else ""
    if not indicator.is_numeric:
        step = PROTOCOL[min(index, len(PROTOCOL) - 1)]
        return Entry(text=step, comment=comment)
    if indicator.is_yes_no:
        return Entry(total=Decimal(1 if index >= spec["yes_from"] else 0), comment=comment)
    start, end = spec["path"]
    level = start + (end - start) * index / (PAST_PERIODS - 1)
    if spec.get("seasonal"):
        level *= {1: 1.2, 2: 0.95, 3: 0.8, 4: 1.05}[(period.start.month - 1) // 3 + 1]
    own = spec["reporters"][membership.actor.slug]
    if indicator.is_percentage:
        # Reported by numerator and denominator: so many households of those it serves.
        value = min(99.0, max(1.0, level + own + rng.gauss(0, spec["noise"])))
        # A few more or fewer each quarter, drawn from no generator: the other figures of
        # the demo stay as they were.
        served = spec["denominators"][membership.actor.slug] + (index * 7) % 5 - 2
        return Entry(
            total=Ratio(Decimal(round(served * value / 100)), Decimal(served)), comment=comment
        )
    noise = spec.get("noise", 0)
    factor = 1 + rng.gauss(0, noise) if noise else 1
    value = max(0, round(level * own * factor))
    cells = _split(indicator, value, rng)
    return Entry(total=Decimal(value), cells=cells, comment=comment)


def _split(indicator: Indicator, total: int, rng: random.Random) -> dict[str, Decimal]:
    """Share a whole number among the disaggregation cells: they add up to the total (each
    dimension's, for dimensions reported each on its own)."""
    keys = [key for key, _label in indicator.cells()]
    if not keys:
        return {}
    if indicator.is_separate:
        result = {}
        for name, shares in indicator.spec["cells"].items():
            own = [key for key in keys if name in parse_cell(key)]
            result.update(_shared(own, [shares[parse_cell(k)[name]] for k in own], total, rng))
        return result
    weights = [_weight(indicator.spec["cells"], parse_cell(key)) for key in keys]
    return _shared(keys, weights, total, rng)


def _shared(
    keys: list[str], weights: list[float], total: int, rng: random.Random
) -> dict[str, Decimal]:
    """The total shared among the keys by their weights, in whole numbers."""
    scale = sum(weights)
    counts = [int(total * w / scale) for w in weights]
    for _i in range(total - sum(counts)):
        counts[rng.choices(range(len(keys)), weights=weights)[0]] += 1
    return {key: Decimal(count) for key, count in zip(keys, counts, strict=True)}


def _weight(profile: dict, cell: dict[str, str]) -> float:
    weight = 1.0
    for dimension, shares in profile.items():
        if "|" in dimension:
            weight *= shares.get(tuple(cell[d] for d in dimension.split("|")), 0)
        else:
            weight *= shares[cell[dimension]]
    return weight


def _draft(indicator: Indicator, entry: Entry) -> Entry:
    """A report begun but not finished: the total without its disaggregation."""
    if not indicator.is_numeric:
        return Entry(text=entry.text.split(".")[0] + ".", comment="Pendent de completar.")
    if indicator.cells():
        return Entry(total=entry.total, comment="Pendent de completar la desagregació.")
    return Entry(total=entry.total, comment="Esborrany: falta revisar-lo amb l'equip.")


def _flawed(indicator: Indicator, entry: Entry, flaw: str, rng: random.Random) -> Entry:
    """The first, wrong submission of a report the coordinator returns."""
    if flaw == "incomplete" and entry.cells:
        # One cell left out (a non-empty one when there is one): the total is unexplained.
        left_out = max(entry.cells, key=lambda key: (entry.cells[key] > 0, key))
        cells = {**entry.cells, left_out: None}
        return Entry(total=entry.total, cells=cells, comment=entry.comment)
    if indicator.is_percentage:
        # The households with the social tariff counted twice: too many of those served.
        ratio = entry.total
        numerator = min(
            ratio.numerator + round(ratio.denominator * Decimal("0.12")), ratio.denominator
        )
        return Entry(total=Ratio(numerator, ratio.denominator), comment=entry.comment)
    total = int(entry.total * Decimal("1.3")) + 2
    return Entry(total=Decimal(total), cells=_split(indicator, total, rng), comment=entry.comment)


def _backdate(
    cluster: Cluster,
    locked: list[ReportingPeriod],
    today: date,
    now: datetime,
    rng: random.Random,
) -> None:
    """Move each report's history to the weeks after its quarter (or into the current
    quarter), so that it reads as it happened."""
    reports = list(
        MeasurementReport.objects.filter(indicator__cluster=cluster)
        .select_related("period")
        .prefetch_related(Prefetch("events", queryset=ReportEvent.objects.order_by("id")))
        .order_by("id")
    )
    events = []
    latest: dict[int, datetime] = {}
    for report in reports:
        period = report.period
        if period.end < today:
            day = period.end + timedelta(days=rng.randint(3, 24))
        else:
            day = period.start + timedelta(days=(today - period.start).days // 2)
        moment = _at(day, rng.randint(9, 18), rng.randint(0, 59))
        history = list(report.events.all())
        times = [moment]
        for _event in history[1:]:
            times.append(times[-1] + timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 5)))
        if times[-1] > now - timedelta(hours=1):
            times = [now - timedelta(hours=2 * (len(times) - i)) for i in range(len(times))]
        for event, moment in zip(history, times, strict=True):
            event.created_at = moment
            if event.action in (ReportEvent.Action.SUBMITTED, ReportEvent.Action.IMPORTED):
                report.submitted_at = moment if report.submitted_at else None
            if event.action == ReportEvent.Action.VALIDATED:
                report.validated_at = moment
        report.updated_at = times[-1]
        latest[period.pk] = max(latest.get(period.pk, times[-1]), times[-1])
        events.extend(history)
    ReportEvent.objects.bulk_update(events, ["created_at"], batch_size=500)
    MeasurementReport.objects.bulk_update(
        reports, ["updated_at", "submitted_at", "validated_at"], batch_size=500
    )
    for period in locked:
        period.locked_at = latest.get(period.pk, _at(period.due, 12)) + timedelta(days=5)
        ReportingPeriod.objects.filter(pk=period.pk).update(locked_at=period.locked_at)
