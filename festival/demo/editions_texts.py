"""The demo editions' public texts in the languages other than French (French is in
editions.py and editions_data.py): what `load_editions` gives a new demo and adds to one
loaded before, in the languages it does not have yet."""
from __future__ import annotations

# The public texts in English, Arabic and Tamazight (Tifinagh; French is in EDITIONS).
TEXTS = {
    2027: {"title": {"en": "Almoggar Festival", "ar": "مهرجان أموكار", "tzm": "ⴰⵏⵎⵓⴳⴳⴰⵔ ⴰⵍⵎⵓⴳⴳⴰⵔ"},
           "tagline": {"en": "Two days of meetings, debates and celebration for the development "
                             "of the Souss-Massa. This year: water, school and light.",
                       "ar": "يومان من اللقاءات والنقاشات والاحتفال من أجل تنمية سوس ماسة. "
                             "موضوع هذه السنة: الماء والمدرسة والإنارة.",
                       "tzm": "ⵙⵉⵏ ⵡⵓⵙⵙⴰⵏ ⵏ ⵜⵎⵓⵏⵉⵜ, ⵉⵎⵙⴷⴰⵡⴰⵍⵏ ⴷ ⵜⵎⵖⵔⴰ ⵉ ⵜⵏⴼⵍⵉⵜ ⵏ ⵙⵓⵙ-ⵎⴰⵙⴰ. "
                              "ⴰⵙⴳⴳⴰⵙ-ⴰ: ⴰⵎⴰⵏ, ⴰⵖⵔⴱⴰⵣ ⴷ ⵜⴰⴼⴰⵡⵜ."},
           "description": {
               "en": "Talks, round tables, workshops, screenings and concerts: the associations "
                     "of the Coordination N'Souss Massa meet you in the spring.\n\nEntry with "
                     "a ticket, free for children under 12.",
               "ar": "محاضرات وموائد مستديرة وورشات وعروض أفلام وحفلات: جمعيات تنسيقية سوس "
                     "ماسة على موعد معكم في الربيع.\n\nالدخول بتذكرة، ومجاني للأطفال دون "
                     "12 سنة.",
               "tzm": "ⵜⵉⵎⵙⴰⵙⵔⵉⵏ, ⵉⵎⵙⴷⴰⵡⴰⵍⵏ, ⵉⵙⵎⵎⵕⴰⵙⵏ, ⴰⵙⴽⴰⵏ ⵏ ⵉⵙⴰⵔⵢⵏ ⴷ ⵜⵎⵖⵔⵉⵡⵉⵏ ⵏ ⵓⵥⴰⵡⴰⵏ: "
                      "ⵜⵉⵎⵙⵎⵓⵏⵉⵏ ⵏ Coordination N'Souss Massa ⴰⵔ ⴽⵡⵏ ⵜⵜⵕⴰⵊⵓⵏⵜ ⵖ ⵜⴰⴼⵙⵓⵜ.\n\n"
                      "ⴰⴽⵛⴰⵎ ⵙ ⵜⵡⵔⵉⵇⵜ, ⵙ ⵓⴱⵍⴰ ⴰⵣⴰⵍ ⵉ ⵜⴰⵔⵡⴰ ⴷⴷⴰⵡ ⵏ 12 ⵏ ⵉⵙⴳⴳⴰⵙⵏ."}},
    2026: {"title": {"en": "Almoggar Festival", "ar": "مهرجان أموكار"},
           "tagline": {"en": "Diaspora solidarity: ten years of work in the villages.",
                       "ar": "تضامن الجالية: عشر سنوات من العمل في القرى.",
                       "tzm": "ⵜⴰⵡⵓⵔⵉ ⵏ ⵉⵎⵣⴷⴰⵖ ⵏ ⴱⵕⵕⴰ: ⵎⵔⴰⵡ ⵏ ⵉⵙⴳⴳⴰⵙⵏ ⵏ ⵜⵡⵓⵔⵉ ⵖ ⵜⵉⵎⵉⵣⴰⵔ."}},
}

# The sessions' titles in English and Arabic, some in Tamazight (by their French title).
SESSION_TITLES = {
    "Ouverture du festival": {"en": "Festival opening", "ar": "افتتاح المهرجان",
                              "tzm": "ⴰⵔⵥⵥⵓⵎ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ"},
    "L'eau dans le Souss-Massa : vivre avec la rareté": {
        "en": "Water in Souss-Massa: living with scarcity",
        "ar": "الماء في سوس ماسة: العيش مع الندرة"},
    "Les écoles des villages : internats, transport scolaire et soutien": {
        "en": "Village schools: boarding, school transport and tutoring",
        "ar": "مدارس القرى: الداخليات والنقل المدرسي والدعم"},
    "Monter un projet de solidarité internationale : du besoin au financement": {
        "en": "Building an international solidarity project: from need to funding",
        "ar": "إعداد مشروع للتضامن الدولي: من الحاجة إلى التمويل"},
    "Diaspora et développement : ce que les associations changent au village": {
        "en": "Diaspora and development: what associations change in the village",
        "ar": "الجالية والتنمية: ما تغيّره الجمعيات في القرية"},
    "Contes du Souss en tamazight": {"en": "Tales of the Souss in Tamazight",
                                     "ar": "حكايات سوس بالأمازيغية"},
    "Projection : « Tizi, l'école au bout de la piste »": {
        "en": "Screening: “Tizi, the school at the end of the track”",
        "ar": "عرض: «تيزي، المدرسة في آخر المسلك»"},
    "Cuisine et argan : l'huile, l'amlou et les femmes qui les font": {
        "en": "Cooking and argan: the oil, amlou and the women who make them",
        "ar": "الطبخ والأركان: الزيت والأملو والنساء اللواتي يصنعنه"},
    "Relamping : éclairer les villages avec des LED": {
        "en": "Relamping: lighting villages with LEDs",
        "ar": "تجديد الإنارة: إضاءة القرى بمصابيح LED"},
    "Soirée ahwach et rrways": {"en": "Ahwach and rrways evening",
                                "ar": "سهرة أحواش والروايس"},
    "Les jeunes de la diaspora et le Maroc de leurs parents": {
        "en": "Young people of the diaspora and their parents' Morocco",
        "ar": "شباب الجالية ومغرب آبائهم"},
    "Santé dans les douars : dispensaires et caravanes médicales": {
        "en": "Health in the douars: clinics and medical caravans",
        "ar": "الصحة في الدواوير: المستوصفات والقوافل الطبية"},
    "Initiation au tifinagh": {"en": "Introduction to Tifinagh", "ar": "مدخل إلى تيفيناغ"},
    "Tri et valorisation des déchets dans les communes rurales": {
        "en": "Sorting and recovering waste in rural communes",
        "ar": "فرز النفايات وتثمينها في الجماعات القروية"},
    "Coopératives : vendre en France les produits du Souss": {
        "en": "Cooperatives: selling the Souss's products in France",
        "ar": "التعاونيات: بيع منتجات سوس في فرنسا"},
    "Projection-débat : « Argane, l'or des femmes »": {
        "en": "Screening and debate: “Argan, the women's gold”",
        "ar": "عرض ونقاش: «الأركان، ذهب النساء»"},
    "Rrways : chants des raïs du Souss": {"en": "Rrways: songs of the Souss raïs",
                                          "ar": "الروايس: أغاني روايس سوس"},
    "Atelier photo : les villages vus par leurs enfants": {
        "en": "Photo workshop: villages seen by their children",
        "ar": "ورشة تصوير: القرى بعيون أطفالها"},
    "Clôture et remerciements": {"en": "Closing and thanks", "ar": "الاختتام والشكر",
                                 "tzm": "ⴰⵎⴷⴷⴰⵢ ⴷ ⵜⴰⵏⵎⵎⵉⵔⵜ"},
    "Les coopératives féminines d'argan : de l'arbre au marché": {
        "en": "Women's argan cooperatives: from the tree to the market",
        "ar": "التعاونيات النسائية للأركان: من الشجرة إلى السوق"},
    "La gestion de l'eau dans les oasis : l'expérience de Tata": {
        "en": "Managing water in the oases: the experience of Tata",
        "ar": "تدبير الماء في الواحات: تجارب من طاطا"},
    "L'énergie solaire dans les villages : pomper l'eau et éclairer": {
        "en": "Solar power in the villages: pumping water and lighting",
        "ar": "الطاقة الشمسية في القرى: ضخ الماء والإنارة"},
    "La lecture dans les écoles rurales : des bibliothèques itinérantes": {
        "en": "Reading in rural schools: mobile libraries",
        "ar": "القراءة في المدارس القروية: مكتبات متنقلة"},
}
# The rooms' names in English and Arabic.
ROOM_NAMES = {
    "Grande salle": {"en": "Main hall", "ar": "القاعة الكبرى"},
    "Salle Tiznit": {"en": "Tiznit room", "ar": "قاعة تزنيت"},
    "Salle Taroudant": {"en": "Taroudant room", "ar": "قاعة تارودانت"},
}
# The demo programme's themes that are not the registry's, in the other languages.
THEME_NAMES = {
    "Économie solidaire": {"en": "Solidarity economy", "ar": "الاقتصاد التضامني"},
    "Énergie": {"en": "Energy", "ar": "الطاقة"},
}

# The sessions' abstracts in Arabic (by their French title). English and Tamazight are left
# out, so the edition's page shows organisers what is still to translate.
SESSION_ABSTRACTS = {
    "Ouverture du festival": {"ar": "كلمة ترحيب من الجمعيات المنظمة والبلدية."},
    "L'eau dans le Souss-Massa : vivre avec la rareté": {
        "ar": "فرشات مائية تتراجع وجفاف متكرر: كيف تنتظم القرى لتقاسم الماء، وما الذي يمكن "
              "أن تقدمه جمعيات الجالية."},
    "Les écoles des villages : internats, transport scolaire et soutien": {
        "ar": "تجارب ثلاث جماعات قروية تراجع فيها الهدر المدرسي لدى الفتيات."},
    "Monter un projet de solidarité internationale : du besoin au financement": {
        "ar": "ورشة تطبيقية للمتطوعين: التشخيص والميزانية والشركاء والحصيلة."},
    "Diaspora et développement : ce que les associations changent au village": {
        "ar": "ثلاثون سنة من التزام مغاربة فرنسا تجاه قراهم الأصلية: نجاحات وحدود ومشعل "
              "يجب تسليمه."},
    "Les coopératives féminines d'argan : de l'arbre au marché": {
        "ar": "كيف تنظم النساء في تعاونيات الأركان الإنتاج والبيع، وما هي التحديات أمام "
              "التصدير."},
    "Cuisine et argan : l'huile, l'amlou et les femmes qui les font": {
        "ar": "تذوق الأملو وتحضيره مع تعاونية من منطقة آيت باها."},
    "La gestion de l'eau dans les oasis : l'expérience de Tata": {
        "ar": "تجربة فلاح من واحات طاطا مع الري بالتنقيط والطاقة الشمسية."},
    "Projection : « Tizi, l'école au bout de la piste »": {
        "ar": "فيلم وثائقي مدته 45 دقيقة يليه نقاش مع المخرجة."},
    "Contes du Souss en tamazight": {
        "ar": "للأطفال من 6 سنوات فما فوق ولآبائهم: حكايات تُترجم أثناء السرد."},
    "Relamping : éclairer les villages avec des LED": {
        "ar": "تجديد الإنارة العمومية وإنارة المدارس: التكاليف والاقتصاد في الطاقة والصيانة."},
    "Soirée ahwach et rrways": {
        "ar": "السهرة الكبرى للمهرجان: رقصات أحواش الجماعية ثم أغاني الروايس."},
    "Les jeunes de la diaspora et le Maroc de leurs parents": {
        "ar": "طلبة وشباب عاملون يحكون عن ارتباطهم بسوس ورغبتهم في العمل من أجله."},
    "Santé dans les douars : dispensaires et caravanes médicales": {
        "ar": "تنظيم قافلة طبية بتنسيق مع المندوبيات الصحية المحلية."},
    "Initiation au tifinagh": {"ar": "تعلّم قراءة اسمك وكتابته بالحرف الأمازيغي."},
    "L'énergie solaire dans les villages : pomper l'eau et éclairer": {
        "ar": "مشاريع الضخ الشمسي وإنارة المدارس في الجماعات القروية."},
    "Tri et valorisation des déchets dans les communes rurales": {
        "ar": "نقط التجميع والتسميد والتوعية في المدارس."},
    "Coopératives : vendre en France les produits du Souss": {
        "ar": "الملصقات والنقل والتجارة العادلة: ما يجب معرفته قبل الانطلاق."},
    "Projection-débat : « Argane, l'or des femmes »": {
        "ar": "فيلم وثائقي مدته 40 دقيقة يليه نقاش مع إحدى المتعاونات."},
    "Rrways : chants des raïs du Souss": {"ar": "حفل الاختتام، بالرباب واللوطار والناقوس."},
    "Clôture et remerciements": {"ar": "موعدنا في الدورة المقبلة."},
    "Atelier photo : les villages vus par leurs enfants": {"ar": "قيد الإعداد."},
    "La lecture dans les écoles rurales : des bibliothèques itinérantes": {
        "ar": "تجربة المكتبات المتنقلة في مدارس الجبل."},
}

# The speakers' bios in Arabic (by their name).
SPEAKER_BIOS = {
    "Aïcha Oubella": {"ar": "عالمة هيدرولوجيا، تدرس الفرشات المائية في سوس ماسة وتواكب جمعيات "
                            "مستعملي الماء."},
    "Brahim Aït Lahcen": {"ar": "مدير مدرسة سابق في تزنيت، متطوع في الدعم المدرسي بالدواوير."},
    "Naima El Haouzi": {"ar": "مهندسة في الطاقة، أشرفت على تجديد إنارة عدة مدارس قروية."},
    "Lahcen Boutaleb": {"ar": "رئيس تعاونية للأركان في إقليم تارودانت."},
    "Fatima Id Brahim": {"ar": "شريكة في تأسيس تعاونية نسائية لزيت الأركان قرب آيت باها."},
    "Youssef Amrani": {"ar": "خبير اقتصادي، يشتغل على تحويلات الجالية والتنمية المحلية."},
    "Khadija Ouchen": {"ar": "أستاذة، تنشّط مكتبات متنقلة في مدارس الجبل."},
    "Mohamed Aït Ouaziz": {"ar": "فلاح في طاطا، من رواد الري بالتنقيط بالطاقة الشمسية في "
                                 "واحته."},
    "Troupe Ahwach Tizi": {"ar": "راقصون ومغنون لأحواش قادمون من قرى الأطلس الصغير."},
    "Rachid Ouhmad": {"ar": "رايس وعازف رباب، وريث تقاليد الروايس."},
    "Samira Bouzid": {"ar": "مخرجة أفلام وثائقية، تصوّر حياة قرى سوس منذ عشر سنوات."},
    "Jamal Assafi": {"ar": "حكواتي بالأمازيغية، يحيي حكايات سوس للصغار والكبار."},
    "Latifa Aït Baha": {"ar": "ممرضة، تنظم قوافل طبية في الجماعات القروية."},
    "Omar Benali": {"ar": "نائب العمدة مكلف بالتعاون اللامركزي."},
    "Zineb Oumouloud": {"ar": "مهندسة ومكلفة بمشاريع جمعوية، وُلدت في فرنسا لأبوين من أويجان."},
}

# Demos loaded before kept these sessions' Arabic title and abstract in their French fields:
# the Arabic title → the French title, and the French abstract.
ARABIC_IN_FRENCH = {
    "التعاونيات النسائية للأركان: من الشجرة إلى السوق": (
        "Les coopératives féminines d'argan : de l'arbre au marché",
        "Comment les femmes des coopératives d'argan organisent la production et la vente, "
        "et ce qui freine l'exportation."),
    "تدبير الماء في الواحات: تجارب من طاطا": (
        "La gestion de l'eau dans les oasis : l'expérience de Tata",
        "Un agriculteur des oasis de Tata raconte le goutte-à-goutte et l'énergie solaire."),
    "الطاقة الشمسية في القرى: ضخ الماء والإنارة": (
        "L'énergie solaire dans les villages : pomper l'eau et éclairer",
        "Les projets de pompage solaire et d'éclairage des écoles dans les communes rurales."),
    "القراءة في المدارس القروية: مكتبات متنقلة": (
        "La lecture dans les écoles rurales : des bibliothèques itinérantes",
        "L'expérience des bibliothèques itinérantes dans les écoles de montagne."),
}
