"""The demo registry: the five associations that CNSM's fact sheet names, described only by what
it says, and twenty fictional ones (said so in their texts) to show every status and filter.

`path` is how each reached its status (actions of the process), `age` how many days ago its
application arrived. Fictional contacts use reserved names: `.example` domains and the
01 99 00 xx xx numbers that French numbering keeps for fiction.
"""
from __future__ import annotations

FICTIONAL = "Association fictive de démonstration."

REAL = [
    dict(slug="espoir-du-sud", name="Espoir du Sud",
         short_description="Association membre de la CNSM, engagée pour l’éducation à Irsmouka.",
         description="Espoir du Sud est membre de la Coordination N’Souss Massa.\n\n"
                     "L’association agit dans le domaine de l’éducation à Irsmouka, dans la "
                     "région du Souss-Massa.",
         commune="Irsmouka", themes=["education"]),
    dict(slug="ouled-noumer-developpement-durable",
         name="Association Ouled Noumer pour le développement durable",
         short_description="Association membre de la CNSM, consacrée au développement durable.",
         description="L’Association Ouled Noumer pour le développement durable est membre de la "
                     "Coordination N’Souss Massa.\n\nComme son nom l’indique, elle œuvre pour "
                     "le développement durable.",
         themes=["environment"]),
    dict(slug="al-wasseela", name="Al Wasseela",
         short_description="Association membre de la CNSM, dédiée au lien social et à la "
                           "solidarité.",
         description="Al Wasseela est membre de la Coordination N’Souss Massa.\n\n"
                     "Son action porte sur le lien social et la solidarité.",
         themes=["social_link"]),
    dict(slug="ouijjane-developpement-solidarite",
         name="Association Ouijjane pour le Développement et la Solidarité",
         short_description="Association membre de la CNSM, engagée pour l’éducation à Ouijjane.",
         description="L’Association Ouijjane pour le Développement et la Solidarité est membre "
                     "de la Coordination N’Souss Massa.\n\nElle agit dans le domaine de "
                     "l’éducation à Ouijjane.",
         province="tiznit", commune="Ouijjane", themes=["education"]),
    dict(slug="afoulki-france", name="Afoulki France",
         short_description="Action sociale, culturelle et éducative dans la province de Tiznit.",
         description="Afoulki France est membre de la Coordination N’Souss Massa.\n\n"
                     "L’association mène une action sociale, culturelle et éducative dans la "
                     "province de Tiznit.",
         province="tiznit", themes=["social_link", "culture", "education"]),
]

MEMBER = ["start_review", "approve"]


def _fictional(slug, name, short, activity, city, postcode, province, commune, themes, poles,
               path, age, n, notes=()):
    return dict(
        slug=slug, name=name, short_description=f"Exemple fictif — {short}",
        description=f"{FICTIONAL} Elle n’existe pas : elle sert à montrer l’annuaire.\n\n"
                    f"{activity}",
        city=city, postcode=postcode, province=province, commune=commune, themes=themes,
        poles=poles, email=f"contact@{slug}.example", phone=f"01 99 00 {n:02d} {n + 40:02d}",
        website=f"https://{slug}.example", path=path, age=age, notes=list(notes))


FICTIONAL_ASSOCIATIONS = [
    _fictional("tafoukt-energie-solidaire", "Tafoukt Énergie Solidaire",
               "relamping et éclairage solaire des écoles de Tafraout.",
               "Elle remplace l’éclairage des écoles par des lampes basse consommation et "
               "installe des panneaux solaires.", "Montreuil", "93100", "tiznit", "Tafraout",
               ["energy", "education"], ["communication_projects"], MEMBER, 2100, 11),
    _fictional("les-puits-d-anzi", "Les Puits d’Anzi", "accès à l’eau potable à Anzi.",
               "Elle rénove des puits et des bassins de collecte d’eau de pluie.",
               "Gennevilliers", "92230", "tiznit", "Anzi", ["water"], ["general_activities"],
               MEMBER, 1900, 12),
    _fictional("amlal-education-populaire", "Amlal Éducation Populaire",
               "soutien scolaire et alphabétisation à Taliouine.",
               "Elle anime des cours d’alphabétisation pour adultes et du soutien scolaire.",
               "Saint-Denis", "93200", "taroudant", "Taliouine", ["education"],
               ["popular_education"], MEMBER, 1750, 13),
    _fictional("argane-et-avenir", "Argane et Avenir",
               "coopératives d’argan et revenus des femmes à Aït Baha.",
               "Elle accompagne des coopératives féminines d’huile d’argan.", "Lyon", "69007",
               "chtouka-ait-baha", "Aït Baha", ["agriculture", "economy"],
               ["communication_projects"], MEMBER, 1600, 14),
    _fictional("asafar-sante-rurale", "Asafar Santé Rurale",
               "caravanes médicales dans la montagne d’Igherm.",
               "Elle organise chaque année des consultations gratuites avec des soignants "
               "bénévoles.", "Marseille", "13003", "taroudant", "Igherm", ["health"],
               ["general_activities"], MEMBER, 1500, 15),
    _fictional("tamount-culture", "Tamount Culture",
               "patrimoine et musique amazighe autour d’Akka.",
               "Elle fait connaître les musiques et l’artisanat de la région en France.",
               "Paris", "75018", "tata", "Akka", ["culture"], ["mre"], MEMBER, 1400, 16),
    _fictional("jeunes-de-massa-environnement", "Jeunes de Massa pour l’environnement",
               "propreté des plages et sensibilisation au tri à Massa.",
               "Elle organise des chantiers de jeunes pour nettoyer le littoral.", "Argenteuil",
               "95100", "chtouka-ait-baha", "Massa", ["environment", "waste"],
               ["popular_education"], MEMBER, 1300, 17),
    _fictional("iguider-entraide", "Iguider Entraide",
               "entraide entre familles de Dcheira El Jihadia et de France.",
               "Elle soutient des familles en difficulté et parraine des lycéens.", "Nanterre",
               "92000", "inezgane-ait-melloul", "Dcheira El Jihadia", ["social_link"], ["mre"],
               MEMBER, 1200, 18),
    _fictional("atlas-eau-vive", "Atlas Eau Vive",
               "adduction d’eau dans les douars d’Imouzzer.",
               "Elle finance des réseaux d’eau potable avec les associations de douar.",
               "Créteil", "94000", "agadir-ida-outanane", "Imouzzer Ida Outanane", ["water"],
               ["general_activities"], MEMBER, 1100, 19),
    _fictional("ateliers-d-aourir", "Les Ateliers d’Aourir",
               "ateliers de lecture et de théâtre pour enfants à Aourir.",
               "Elle équipe une bibliothèque et anime des ateliers pendant les vacances.",
               "Villeneuve-Saint-Georges", "94190", "agadir-ida-outanane", "Aourir",
               ["education", "culture"], ["popular_education"], MEMBER, 1000, 20),
    _fictional("oasis-foum-zguid", "Oasis de Foum Zguid Solidarité",
               "irrigation et palmeraies à Foum Zguid.",
               "Elle aide à restaurer les canaux d’irrigation de la palmeraie.", "Toulouse",
               "31000", "tata", "Foum Zguid", ["water", "agriculture"], [], MEMBER, 900, 21),
    _fictional("lumieres-de-tamri", "Lumières de Tamri",
               "éclairage public solaire à Tamri.",
               "Elle installe des lampadaires solaires dans les villages.", "Mantes-la-Jolie",
               "78200", "agadir-ida-outanane", "Tamri", ["energy"], ["communication_projects"],
               MEMBER, 800, 22),
    _fictional("passerelles-souss-france", "Passerelles Souss-France",
               "liens entre jeunes de la diaspora et porteurs de projets à Temsia.",
               "Elle met en relation des jeunes de France avec des entrepreneurs de la région.",
               "Lille", "59000", "inezgane-ait-melloul", "Temsia", ["social_link", "economy"],
               ["mre", "communication_projects"], MEMBER, 700, 23),
    _fictional("zero-dechet-biougra", "Zéro Déchet Biougra",
               "compostage et collecte sélective à Biougra.",
               "Elle installe des composteurs collectifs et forme des ambassadeurs du tri.",
               "Bordeaux", "33000", "chtouka-ait-baha", "Biougra", ["waste", "environment"],
               ["general_activities"], MEMBER, 600, 24),
    _fictional("tissint-horizons", "Tissint Horizons",
               "bourses d’études pour les lycéens de Tissint.",
               "Elle veut créer un fonds de bourses pour les élèves de la commune.",
               "Évry-Courcouronnes", "91000", "tata", "Tissint", ["education"], [], [], 9, 25),
    _fictional("cercle-aglou-sante", "Cercle Aglou Santé",
               "prévention santé et dépistage à Aglou.",
               "Elle prépare des journées de dépistage avec le centre de santé local.", "Colombes",
               "92700", "tiznit", "Aglou", ["health"], [], [], 4, 26),
    _fictional("ouled-teima-entreprendre", "Ouled Teima Entreprendre",
               "microprojets agricoles à Ouled Teima.",
               "Elle accompagne de petits projets agricoles portés par des jeunes.", "Trappes",
               "78190", "taroudant", "Ouled Teima", ["economy", "agriculture"], [],
               ["start_review"], 40, 27,
               notes=["Entretien téléphonique avec la présidente : projets bien décrits.",
                      "Demander les statuts et le dernier rapport d’activité."]),
    _fictional("amazigh-lecture-jeunesse", "Amazigh Lecture Jeunesse",
               "livres bilingues pour les écoles d’Akka.",
               "Elle édite et distribue des livres pour enfants en amazighe et en français.",
               "Vitry-sur-Seine", "94400", "tata", "Akka", ["education", "culture"], [],
               ["start_review"], 25, 28, notes=["Rencontre prévue au prochain conseil."]),
    _fictional("amis-du-littoral-atlantique", "Les Amis du Littoral Atlantique",
               "protection du littoral marocain.",
               "Son action se situe hors de la région Souss-Massa.", "Aubervilliers", "93300",
               None, "", ["environment"], [], ["start_review", "reject"], 300, 29),
    _fictional("tiwizi-solidarite-inezgane", "Tiwizi Solidarité Inezgane",
               "aide alimentaire et soutien aux familles d’Inezgane.",
               "Elle distribue des colis alimentaires pendant le ramadan.", "Les Mureaux",
               "78130", "inezgane-ait-melloul", "Inezgane", ["social_link"], [],
               MEMBER + ["suspend"], 1000, 30),
]

REASONS = {
    "reject": "Exemple fictif : l’action de l’association se situe hors de la région "
              "Souss-Massa.",
    "suspend": "Exemple fictif : pas de cotisation ni de nouvelles depuis deux ans.",
    "approve": "Étude terminée : l’association rejoint le réseau.",
    "start_review": "",
}
