"""Content of the demo editions: people, rooms and sessions (fictional, plausible)."""
from __future__ import annotations

# name, bio, association slug (or None)
SPEAKERS = [
    ("Aïcha Oubella", "Hydrologue, elle étudie les nappes du Souss-Massa et accompagne les "
     "associations d'usagers de l'eau.", None),
    ("Brahim Aït Lahcen", "Ancien directeur d'école à Tiznit, bénévole pour le soutien scolaire "
     "dans les douars.", "espoir-du-sud"),
    ("Naima El Haouzi", "Ingénieure en énergie, elle a conduit le relamping de plusieurs écoles "
     "rurales.", "ouled-noumer-developpement-durable"),
    ("Lahcen Boutaleb", "Président d'une coopérative d'arganiers de la province de Taroudant.",
     None),
    ("Fatima Id Brahim", "Cofondatrice d'une coopérative féminine d'huile d'argan près "
     "d'Aït Baha.", None),
    ("Youssef Amrani", "Économiste, il travaille sur les transferts de la diaspora et le "
     "développement local.", "al-wasseela"),
    ("Khadija Ouchen", "Enseignante, elle anime des bibliothèques itinérantes dans les "
     "écoles de montagne.", "ouijjane-developpement-solidarite"),
    ("Mohamed Aït Ouaziz", "Agriculteur à Tata, pionnier du goutte-à-goutte solaire dans "
     "son oasis.", None),
    ("Troupe Ahwach Tizi", "Danseurs et chanteurs d'ahwach venus des villages de "
     "l'Anti-Atlas.", None),
    ("Rachid Ouhmad", "Raïs et joueur de rrebab, héritier de la tradition des rrways.", None),
    ("Samira Bouzid", "Documentariste, elle filme la vie des villages du Souss depuis "
     "dix ans.", None),
    ("Jamal Assafi", "Conteur en tamazight, il fait vivre les contes du Souss pour petits et "
     "grands.", "afoulki-france"),
    ("Latifa Aït Baha", "Infirmière, elle organise des caravanes médicales dans les "
     "communes rurales.", None),
    ("Omar Benali", "Adjoint au maire chargé de la coopération décentralisée.", None),
    ("Zineb Oumouloud", "Ingénieure et chargée de projets associatifs, née en France de "
     "parents originaires d'Ouijjane.", "ouijjane-developpement-solidarite"),
]

# name, capacity, opens, closes
ROOMS_2027 = [
    ("Grande salle", 600, "10:00", "23:30"),
    ("Salle Tiznit", 180, "10:00", "19:00"),
    ("Salle Taroudant", 60, "10:00", "19:00"),
]
ROOMS_2026 = [
    ("Grande salle", 500, "10:00", "23:30"),
    ("Salle des ateliers", 50, "10:00", "19:00"),
]

# day index, start, end, room index, kind, title, languages, track (pole:… or a theme),
# speakers, highlight, published, abstract
SESSIONS_2027 = [
    (0, "10:30", "11:00", 0, "other", "Ouverture du festival", ["fr", "ar"], "", [14], False,
     True, "Mot d'accueil des associations organisatrices et de la commune."),
    (0, "11:00", "12:30", 0, "conference", "L'eau dans le Souss-Massa : vivre avec la rareté",
     ["fr"], "Eau", [0, 7], True, True,
     "Nappes en baisse, sécheresses répétées : comment les villages s'organisent pour partager "
     "l'eau, et ce que les associations de la diaspora peuvent y apporter."),
    (0, "11:00", "12:30", 1, "conference",
     "Les écoles des villages : internats, transport scolaire et soutien", ["fr"],
     "pole:popular_education", [1, 6], False, True,
     "Retours d'expérience de trois communes rurales où l'abandon scolaire des filles a reculé."),
    (0, "11:00", "12:30", 2, "workshop",
     "Monter un projet de solidarité internationale : du besoin au financement", ["fr"],
     "pole:communication_projects", [14], False, True,
     "Atelier pratique pour les bénévoles : diagnostic, budget, partenaires, bilan."),
    (0, "14:00", "15:30", 0, "round_table",
     "Diaspora et développement : ce que les associations changent au village", ["fr", "ar"],
     "pole:mre", [5, 14, 13], True, True,
     "Trente ans d'engagement des Marocains de France pour leurs villages d'origine : "
     "réussites, limites et relais à passer."),
    (0, "14:00", "15:30", 1, "conference",
     "Les coopératives féminines d'argan : de l'arbre au marché", ["ar"], "Économie solidaire",
     [4, 3], False, True,
     "Comment les femmes des coopératives d'argan organisent la production et la vente, et ce "
     "qui freine l'exportation."),
    (0, "16:00", "17:30", 2, "workshop",
     "Cuisine et argan : l'huile, l'amlou et les femmes qui les font", ["fr", "ar"],
     "Économie solidaire", [4], False, True,
     "Dégustation et fabrication d'amlou, avec une coopérative de la région d'Aït Baha."),
    (0, "16:00", "17:30", 0, "conference",
     "La gestion de l'eau dans les oasis : l'expérience de Tata", ["ar"], "Eau", [7], False,
     True, "Un agriculteur des oasis de Tata raconte le goutte-à-goutte et l'énergie solaire."),
    (0, "16:00", "17:00", 1, "screening", "Projection : « Tizi, l'école au bout de la piste »",
     ["fr", "tzm"], "pole:popular_education", [10], False, True,
     "Un documentaire de 45 minutes suivi d'un échange avec la réalisatrice."),
    (0, "14:30", "15:30", 2, "workshop", "Contes du Souss en tamazight", ["tzm", "fr"],
     "Culture", [11], False, True,
     "Pour les enfants à partir de 6 ans et leurs parents : contes traduits au fil du récit."),
    (0, "17:30", "18:30", 1, "conference", "Relamping : éclairer les villages avec des LED",
     ["fr"], "Énergie", [2], False, True,
     "Remplacer l'éclairage public et celui des écoles : coûts, économies, entretien."),
    (0, "21:00", "23:00", 0, "concert", "Soirée ahwach et rrways", ["tzm"], "Culture", [8, 9],
     True, True,
     "La grande soirée du festival : danses collectives d'ahwach puis chants des raïs."),
    (1, "10:30", "12:00", 0, "round_table",
     "Les jeunes de la diaspora et le Maroc de leurs parents", ["fr"], "pole:mre", [14, 5],
     False, True,
     "Étudiants et jeunes actifs racontent leur lien au Souss et leurs envies d'agir."),
    (1, "10:30", "12:00", 1, "conference",
     "Santé dans les douars : dispensaires et caravanes médicales", ["fr"], "Santé", [12],
     False, True, "Organiser une caravane médicale avec les délégations de santé locales."),
    (1, "10:30", "12:00", 2, "workshop", "Initiation au tifinagh", ["tzm", "fr"],
     "pole:popular_education", [11], False, True,
     "Apprendre à lire et écrire son prénom dans l'alphabet amazigh."),
    (1, "14:00", "15:30", 0, "conference",
     "L'énergie solaire dans les villages : pomper l'eau et éclairer", ["ar"], "Énergie",
     [2, 7], False, True,
     "Les projets de pompage solaire et d'éclairage des écoles dans les communes rurales."),
    (1, "14:00", "15:30", 1, "conference",
     "Tri et valorisation des déchets dans les communes rurales", ["fr", "ar"], "Environnement",
     [13], False, True, "Points de collecte, compostage et sensibilisation dans les écoles."),
    (1, "14:00", "16:00", 2, "workshop", "Coopératives : vendre en France les produits du Souss",
     ["fr"], "Économie solidaire", [3], False, True,
     "Étiquetage, transport, commerce équitable : ce qu'il faut savoir avant de se lancer."),
    (1, "16:00", "17:00", 1, "screening", "Projection-débat : « Argane, l'or des femmes »",
     ["fr"], "Économie solidaire", [10, 4], False, True,
     "Documentaire de 40 minutes, suivi d'un débat avec une coopératrice."),
    (1, "16:30", "18:00", 0, "concert", "Rrways : chants des raïs du Souss", ["tzm"], "Culture",
     [9], True, True, "Concert de clôture, rrebab, loutar et naqus."),
    (1, "18:00", "18:30", 0, "other", "Clôture et remerciements", ["fr", "ar"], "", [14],
     False, True, "Rendez-vous pour l'édition suivante."),
    (1, "17:00", "18:00", 2, "workshop", "Atelier photo : les villages vus par leurs enfants",
     ["fr"], "Culture", [10], False, False, "En préparation."),
]

SESSIONS_2026 = [
    (0, "11:00", "12:30", 0, "conference", "Dix ans de solidarités : bilan des actions de la CNSM",
     ["fr"], "pole:general_activities", [5], True, True,
     "Écoles, puits, électrification : ce que le réseau a accompli depuis sa création."),
    (0, "14:00", "15:30", 0, "conference",
     "L'accès à l'eau potable dans les douars de Chtouka-Aït Baha", ["fr", "ar"], "Eau", [0],
     False, True, "Adductions, bornes-fontaines et gestion communautaire de l'eau."),
    (0, "14:00", "15:30", 1, "workshop", "Écrire une demande de subvention", ["fr"],
     "pole:communication_projects", [14], False, True, "Atelier pratique, apportez votre projet."),
    (0, "16:00", "17:00", 0, "conference",
     "La lecture dans les écoles rurales : des bibliothèques itinérantes", ["ar"],
     "pole:popular_education", [6], False, True,
     "L'expérience des bibliothèques itinérantes dans les écoles de montagne."),
    (0, "21:00", "23:00", 0, "concert", "Nuit de l'ahwach", ["tzm"], "Culture", [8], True, True,
     "Les troupes de l'Anti-Atlas réunies pour une nuit de danse."),
    (1, "11:00", "12:30", 0, "round_table", "Femmes et coopératives dans la province de Tiznit",
     ["fr", "ar"], "Économie solidaire", [4], False, True,
     "Rencontre avec des coopératrices de l'argan, du couscous et de la broderie."),
    (1, "14:00", "15:30", 0, "conference", "Énergie solaire et pompage : retours d'expérience",
     ["fr"], "Énergie", [2], False, True, "Trois projets de pompage solaire, trois ans après."),
    (1, "16:00", "17:00", 1, "screening", "Projection : « Tafraout, mémoire de pierres »",
     ["fr", "tzm"], "Culture", [10], False, True, "Documentaire suivi d'un échange."),
]

ORGANISERS = {
    2027: [("espoir-du-sud", "lead"), ("ouled-noumer-developpement-durable", "co_organiser"),
           ("ouijjane-developpement-solidarite", "co_organiser"), ("al-wasseela", "partner")],
    2026: [("afoulki-france", "lead"), ("espoir-du-sud", "co_organiser")],
}

# slug, size, electricity, showcase, stand number (None: still a request)
STANDS_2027 = [
    ("espoir-du-sud", "medium", True, "Photos et maquette de l'école d'Irsmouka, parrainages "
     "de bourses scolaires.", "A1"),
    ("ouled-noumer-developpement-durable", "medium", True, "Panneaux sur le relamping et le "
     "pompage solaire, démonstration de lampes LED.", "A2"),
    ("afoulki-france", "small", False, "Livres et disques de la culture amazighe, artisanat "
     "de la province de Tiznit.", "B1"),
    ("al-wasseela", "small", False, "Présentation des actions de lien social et de solidarité.",
     None),
]
