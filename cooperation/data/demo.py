"""The demo data set that ``manage.py seed_demo`` loads, as plain Python.

It retells one real episode (DOMAIN.md, "The story it must tell"): at AP
University of Applied Sciences and Arts Antwerp a memorandum of understanding
with Shanghai Conservatory of Music and a letter of intent with Hainan
Vocational University of Science and Technology were signed in an online
ceremony attended by the Chinese ambassador to Belgium. Around it, a few dozen
records give the catalog something to browse.

Conventions:

- Every date is a whole number of days relative to the day the command runs
  (negative = in the past), so the catalog always has past, running and
  upcoming exchanges and the agreement states stay what they are meant to be.
- Translated texts are ``t(en, zh_hans, nl, fr)``; a missing translation falls
  back to English on the public site.
- Institutions, agreements and exchanges refer to each other by slug; a record
  comes after the records it refers to.
- Names, places and coordinates are real. No record carries an identifier
  (Erasmus code, SCHAC code, PIC, other identifier): an import matches rows
  by identifier, so an identifier that is not the institution's own makes
  an import of the European Commission's or a ministry's list rename the
  record into another institution. Add one only once it is checked against
  the official register.
  People are named by their role only.
"""


def t(
    en: str, zh_hans: str | None = None, nl: str | None = None, fr: str | None = None
) -> dict[str, str | None]:
    return {"en": en, "zh_hans": zh_hans, "nl": nl, "fr": fr}


# The ceremony, in days before the command runs.
CEREMONY = -400

INSTITUTIONS: list[dict] = [
    {
        "slug": "ap-university-antwerp",
        "name": t(
            "AP University of Applied Sciences and Arts Antwerp",
            "安特卫普AP应用科学与艺术大学",
            "AP Hogeschool Antwerpen",
            "Haute École AP d'Anvers",
        ),
        "official_name": "AP Hogeschool Antwerpen",
        "acronym": "AP",
        "aliases": ["Artesis Plantijn Hogeschool Antwerpen"],
        "kind": "university",
        "level": "applied",
        "country": "BE",
        "region": "Flanders",
        "city": "Antwerp",
        "address": "Ellermanstraat 33, 2060 Antwerpen",
        "latitude": "51.219400",
        "longitude": "4.402500",
        "website": "https://www.ap.be/",
        "year_founded": 2013,
        "description": t(
            "A university of applied sciences and arts in Antwerp, with "
            "programmes in health care, technology, business, education and, "
            "through the Royal Conservatoire and the Royal Academy of Fine Arts, "
            "the arts.",
            "位于安特卫普的应用科学与艺术大学，设有健康护理、技术、商科、教育专业，"
            "并通过皇家音乐学院和皇家美术学院开设艺术专业。",
            "Een hogeschool in Antwerpen met opleidingen in gezondheidszorg, "
            "technologie, bedrijfskunde, onderwijs en, via het Koninklijk "
            "Conservatorium en de Koninklijke Academie voor Schone Kunsten, "
            "de kunsten.",
            "Haute école d'Anvers proposant des formations en soins de santé, "
            "technologie, gestion, enseignement et, par le Conservatoire royal "
            "et l'Académie royale des beaux-arts, en arts.",
        ),
    },
    {
        "slug": "royal-conservatoire-antwerp",
        "name": t(
            "Royal Conservatoire Antwerp",
            "安特卫普皇家音乐学院",
            "Koninklijk Conservatorium Antwerpen",
            "Conservatoire royal d'Anvers",
        ),
        "official_name": "Koninklijk Conservatorium Antwerpen",
        "aliases": ["Royal Flemish Conservatory of Antwerp"],
        "kind": "conservatory",
        "level": "applied",
        "country": "BE",
        "region": "Flanders",
        "city": "Antwerp",
        "address": "Desguinlei 25, 2018 Antwerpen",
        "latitude": "51.219400",
        "longitude": "4.402500",
        "parent": "ap-university-antwerp",
        "year_founded": 1898,
        "description": t(
            "AP's school of music, drama and dance, housed in the deSingel arts "
            "centre.",
            "AP的音乐、戏剧与舞蹈学院，位于deSingel艺术中心。",
            "De school voor muziek, drama en dans van AP, in kunstencentrum deSingel.",
            "L'école de musique, de théâtre et de danse d'AP, au centre d'arts "
            "deSingel.",
        ),
    },
    {
        "slug": "embassy-of-china-in-belgium",
        "name": t(
            "Embassy of the People's Republic of China in the Kingdom of Belgium",
            "中华人民共和国驻比利时王国大使馆",
            "Ambassade van de Volksrepubliek China in het Koninkrijk België",
            "Ambassade de la République populaire de Chine au Royaume de Belgique",
        ),
        "official_name": "中华人民共和国驻比利时王国大使馆",
        "kind": "government",
        "country": "BE",
        "region": "Brussels-Capital Region",
        "city": "Brussels",
        "latitude": "50.850300",
        "longitude": "4.351700",
        "description": t(
            "Its education section follows the cooperation between Chinese and "
            "Belgian schools and universities.",
            "使馆教育处负责中比院校之间的合作事务。",
            "De onderwijsafdeling volgt de samenwerking tussen Chinese en "
            "Belgische scholen en hogescholen.",
            "Sa section éducation suit la coopération entre établissements "
            "chinois et belges.",
        ),
    },
    {
        "slug": "shanghai-conservatory-of-music",
        "name": t(
            "Shanghai Conservatory of Music",
            "上海音乐学院",
            "Conservatorium van Shanghai",
            "Conservatoire de musique de Shanghai",
        ),
        "official_name": "上海音乐学院",
        "acronym": "SHCM",
        "aliases": ["National Conservatory of Music"],
        "kind": "conservatory",
        "level": "university",
        "country": "CN",
        "region": "Shanghai",
        "city": "Shanghai",
        "address": "20 Fenyang Road, Xuhui District, Shanghai",
        "latitude": "31.230400",
        "longitude": "121.473700",
        "website": "https://www.shcmusic.edu.cn/",
        "year_founded": 1927,
        "description": t(
            "China's first independent institution of higher music education, "
            "founded in 1927.",
            "中国第一所独立建制的高等音乐学府，创建于1927年。",
            "De eerste zelfstandige instelling voor hoger muziekonderwijs in "
            "China, opgericht in 1927.",
            "Le premier établissement indépendant d'enseignement supérieur de la "
            "musique en Chine, fondé en 1927.",
        ),
    },
    {
        "slug": "hainan-vocational-university",
        "name": t(
            "Hainan Vocational University of Science and Technology",
            "海南科技职业大学",
            "Hainan Beroepsuniversiteit voor Wetenschap en Technologie",
            "Université professionnelle des sciences et technologies du Hainan",
        ),
        "official_name": "海南科技职业大学",
        "acronym": "HVUST",
        "aliases": [
            "Hainan Vocational College of Science and Technology",
            "海南科技职业学院",
        ],
        "kind": "university",
        "level": "undergraduate",
        "country": "CN",
        "region": "Hainan",
        "city": "Haikou",
        "latitude": "20.044000",
        "longitude": "110.199900",
        "website": "https://www.hvust.edu.cn/",
        "description": t(
            "An undergraduate vocational university in Haikou, with programmes "
            "in health care and rehabilitation, engineering, tourism and "
            "business.",
            "位于海口的本科层次职业大学，开设康复与健康、工程、旅游和商科等专业。",
            "Een beroepsuniversiteit op bachelorniveau in Haikou, met opleidingen "
            "in zorg en revalidatie, techniek, toerisme en bedrijfskunde.",
            "Une université professionnelle de niveau licence à Haikou : santé et "
            "réadaptation, ingénierie, tourisme et gestion.",
        ),
    },
    {
        "slug": "tianjin-bohai-vocational-technical-college",
        "name": t(
            "Tianjin Bohai Vocational Technical College",
            "天津渤海职业技术学院",
            "Tianjin Bohai Hogeschool voor Beroepstechniek",
            "Collège technique et professionnel Bohai de Tianjin",
        ),
        "official_name": "天津渤海职业技术学院",
        "kind": "university",
        "level": "higher",
        "country": "CN",
        "region": "Tianjin",
        "city": "Tianjin",
        "latitude": "39.133600",
        "longitude": "117.205400",
        "description": t(
            "A higher vocational college in Tianjin that opened the first Luban "
            "Workshop, in Thailand, in 2016.",
            "天津的高等职业院校，2016年在泰国建成首个鲁班工坊。",
            "Een hogeschool voor beroepsonderwijs in Tianjin die in 2016 in "
            "Thailand de eerste Luban Workshop opende.",
            "Un établissement d'enseignement professionnel supérieur de Tianjin "
            "qui a ouvert le premier atelier Luban, en Thaïlande, en 2016.",
        ),
    },
    {
        "slug": "ayutthaya-technical-college",
        "name": t(
            "Ayutthaya Technical College",
            "大城技术学院",
            "Technische Hogeschool Ayutthaya",
            "Collège technique d'Ayutthaya",
        ),
        "official_name": "วิทยาลัยเทคนิคพระนครศรีอยุธยา",
        "kind": "school",
        "level": "higher",
        "country": "TH",
        "region": "Phra Nakhon Si Ayutthaya",
        "city": "Ayutthaya",
        "latitude": "14.353200",
        "longitude": "100.568900",
    },
    {
        "slug": "luban-workshop-thailand",
        "name": t(
            "Luban Workshop in Thailand",
            "泰国鲁班工坊",
            "Luban Workshop in Thailand",
            "Atelier Luban en Thaïlande",
        ),
        "official_name": "泰国鲁班工坊",
        "aliases": ["Thailand Luban Workshop"],
        "kind": "training",
        "country": "TH",
        "region": "Phra Nakhon Si Ayutthaya",
        "city": "Ayutthaya",
        "latitude": "14.353200",
        "longitude": "100.568900",
        "parent": "ayutthaya-technical-college",
        "year_founded": 2016,
        "description": t(
            "The first Luban Workshop: a Chinese vocational training centre run "
            "with Ayutthaya Technical College, teaching electrical automation, "
            "mechatronics and rail transport with Chinese equipment and "
            "standards.",
            "首个鲁班工坊：与大城技术学院合作运营的中国职业培训中心，采用中国设备"
            "和标准，开展电气自动化、机电一体化和轨道交通教学。",
            "De eerste Luban Workshop: een Chinees opleidingscentrum, samen met "
            "de Technische Hogeschool Ayutthaya, voor elektrische automatisering, "
            "mechatronica en spoorvervoer.",
            "Le premier atelier Luban : un centre chinois de formation "
            "professionnelle géré avec le Collège technique d'Ayutthaya "
            "(automatisme électrique, mécatronique, transport ferroviaire).",
        ),
    },
    {
        "slug": "ministry-of-education-china",
        "name": t(
            "Ministry of Education of the People's Republic of China",
            "中华人民共和国教育部",
            "Ministerie van Onderwijs van de Volksrepubliek China",
            "Ministère de l'Éducation de la République populaire de Chine",
        ),
        "official_name": "中华人民共和国教育部",
        "acronym": "MOE",
        "kind": "government",
        "country": "CN",
        "region": "Beijing",
        "city": "Beijing",
        "latitude": "39.904200",
        "longitude": "116.407400",
        "website": "http://www.moe.gov.cn/",
    },
    {
        "slug": "tianjin-education-commission",
        "name": t(
            "Tianjin Municipal Education Commission",
            "天津市教育委员会",
            "Onderwijscommissie van de stad Tianjin",
            "Commission municipale de l'éducation de Tianjin",
        ),
        "official_name": "天津市教育委员会",
        "kind": "government",
        "country": "CN",
        "region": "Tianjin",
        "city": "Tianjin",
        "latitude": "39.133600",
        "longitude": "117.205400",
    },
    {
        "slug": "unesco-unevoc",
        "name": t(
            "UNESCO-UNEVOC International Centre for Technical and Vocational "
            "Education and Training",
            "联合国教科文组织国际职业技术教育与培训中心",
            "UNESCO-UNEVOC Internationaal Centrum voor Technisch en "
            "Beroepsonderwijs en -opleiding",
            "Centre international UNESCO-UNEVOC pour l'enseignement et la "
            "formation techniques et professionnels",
        ),
        "acronym": "UNESCO-UNEVOC",
        "kind": "international",
        "country": "DE",
        "region": "North Rhine-Westphalia",
        "city": "Bonn",
        "address": "UN Campus, Platz der Vereinten Nationen 1, 53113 Bonn",
        "latitude": "50.737400",
        "longitude": "7.098200",
        "website": "https://unevoc.unesco.org/",
        "year_founded": 2002,
    },
    {
        "slug": "worldskills-international",
        "name": t(
            "WorldSkills International",
            "世界技能组织",
            "WorldSkills International",
            "WorldSkills International",
        ),
        "kind": "international",
        "country": "NL",
        "region": "North Holland",
        "city": "Amsterdam",
        "latitude": "52.367600",
        "longitude": "4.904100",
        "website": "https://worldskills.org/",
        "year_founded": 1950,
    },
    {
        "slug": "eurashe",
        "name": t(
            "European Association of Institutions in Higher Education",
            "欧洲高等教育机构协会",
            "Europese Vereniging van Instellingen voor Hoger Onderwijs",
            "Association européenne des institutions d'enseignement supérieur",
        ),
        "acronym": "EURASHE",
        "kind": "alliance",
        "country": "BE",
        "region": "Brussels-Capital Region",
        "city": "Brussels",
        "latitude": "50.850300",
        "longitude": "4.351700",
        "website": "https://www.eurashe.eu/",
        "year_founded": 1990,
    },
    {
        "slug": "vlhora",
        "name": t(
            "Flemish Council of Universities of Applied Sciences and Arts",
            "佛兰德应用科学与艺术大学理事会",
            "Vlaamse Hogescholenraad",
            "Conseil flamand des hautes écoles",
        ),
        "official_name": "Vlaamse Hogescholenraad",
        "acronym": "VLHORA",
        "kind": "alliance",
        "country": "BE",
        "region": "Brussels-Capital Region",
        "city": "Brussels",
        "latitude": "50.850300",
        "longitude": "4.351700",
        "website": "https://www.vlhora.be/",
    },
    {
        "slug": "revarte-rehabilitation-hospital",
        "name": t(
            "RevArte Rehabilitation Hospital",
            "RevArte康复医院",
            "RevArte Revalidatieziekenhuis",
            "Hôpital de réadaptation RevArte",
        ),
        "official_name": "RevArte Revalidatieziekenhuis",
        "kind": "rehabilitation",
        "country": "BE",
        "region": "Flanders",
        "city": "Edegem",
        "latitude": "51.155800",
        "longitude": "4.444500",
        "website": "https://www.revarte.be/",
    },
    {
        "slug": "china-rehabilitation-research-center",
        "name": t(
            "China Rehabilitation Research Center",
            "中国康复研究中心",
            "Chinees Onderzoekscentrum voor Revalidatie",
            "Centre chinois de recherche en réadaptation",
        ),
        "official_name": "中国康复研究中心",
        "acronym": "CRRC",
        "kind": "rehabilitation",
        "country": "CN",
        "region": "Beijing",
        "city": "Beijing",
        "latitude": "39.904200",
        "longitude": "116.407400",
        "year_founded": 1988,
    },
    {
        "slug": "yangling-vocational-technical-college",
        "name": t(
            "Yangling Vocational and Technical College",
            "杨凌职业技术学院",
            "Hogeschool voor Beroepstechniek Yangling",
            "Collège technique et professionnel de Yangling",
        ),
        "official_name": "杨凌职业技术学院",
        "kind": "university",
        "level": "higher",
        "country": "CN",
        "region": "Shaanxi",
        "city": "Yangling",
        "latitude": "34.272200",
        "longitude": "108.084000",
        "description": t(
            "A higher vocational college in China's agricultural high-tech zone "
            "at Yangling, known for crop and livestock production and modern "
            "farming technology.",
            "位于杨凌农业高新技术产业示范区的高等职业院校，以种植、养殖和现代农业"
            "技术见长。",
            "Een hogeschool voor beroepsonderwijs in de landbouwtechnologiezone "
            "van Yangling, bekend om akker- en veeteelt en moderne "
            "landbouwtechniek.",
            "Un établissement professionnel supérieur de la zone agricole de "
            "haute technologie de Yangling, réputé pour les productions "
            "végétales et animales.",
        ),
    },
    {
        "slug": "shenzhen-polytechnic-university",
        "name": t(
            "Shenzhen Polytechnic University",
            "深圳职业技术大学",
            "Polytechnische Universiteit Shenzhen",
            "Université polytechnique de Shenzhen",
        ),
        "official_name": "深圳职业技术大学",
        "acronym": "SZPU",
        "aliases": ["Shenzhen Polytechnic", "深圳职业技术学院"],
        "kind": "university",
        "level": "undergraduate",
        "country": "CN",
        "region": "Guangdong",
        "city": "Shenzhen",
        "latitude": "22.543100",
        "longitude": "114.057900",
        "website": "https://www.szpu.edu.cn/",
        "year_founded": 1993,
    },
    {
        "slug": "zhejiang-tourism-college",
        "name": t(
            "Tourism College of Zhejiang",
            "浙江旅游职业学院",
            "Hogeschool voor Toerisme van Zhejiang",
            "Collège du tourisme du Zhejiang",
        ),
        "official_name": "浙江旅游职业学院",
        "kind": "university",
        "level": "higher",
        "country": "CN",
        "region": "Zhejiang",
        "city": "Hangzhou",
        "latitude": "30.274100",
        "longitude": "120.155100",
    },
    {
        "slug": "vives-university-of-applied-sciences",
        "name": t(
            "VIVES University of Applied Sciences",
            "VIVES应用科学大学",
            "Hogeschool VIVES",
            "Haute École VIVES",
        ),
        "official_name": "Hogeschool VIVES",
        "acronym": "VIVES",
        "kind": "university",
        "level": "applied",
        "country": "BE",
        "region": "Flanders",
        "city": "Kortrijk",
        "latitude": "50.828000",
        "longitude": "3.264900",
        "website": "https://www.vives.be/",
        "description": t(
            "A university of applied sciences in West Flanders whose campus in "
            "Roeselare teaches agriculture, horticulture and agro-technology.",
            "位于西佛兰德省的应用科学大学，其鲁瑟拉勒校区开设农业、园艺与农业技术"
            "专业。",
            "Een hogeschool in West-Vlaanderen met in Roeselare opleidingen in "
            "landbouw, tuinbouw en agrotechnologie.",
            "Une haute école de Flandre-Occidentale dont le campus de Roulers "
            "enseigne l'agriculture, l'horticulture et l'agrotechnologie.",
        ),
    },
    {
        "slug": "ter-groene-poorte",
        "name": t(
            "Ter Groene Poorte Hotel and Tourism School",
            "Ter Groene Poorte酒店与旅游学校",
            "Hotel- en toerismeschool Ter Groene Poorte",
            "École hôtelière et de tourisme Ter Groene Poorte",
        ),
        "official_name": "Ter Groene Poorte",
        "kind": "school",
        "level": "secondary",
        "country": "BE",
        "region": "Flanders",
        "city": "Bruges",
        "latitude": "51.209300",
        "longitude": "3.224700",
    },
    {
        "slug": "hepl-liege",
        "name": t(
            "Liège Province University of Applied Sciences",
            "列日省应用科学大学",
            "Hogeschool van de Provincie Luik",
            "Haute École de la Province de Liège",
        ),
        "official_name": "Haute École de la Province de Liège",
        "acronym": "HEPL",
        "kind": "university",
        "level": "applied",
        "country": "BE",
        "region": "Wallonia",
        "city": "Liège",
        "latitude": "50.632600",
        "longitude": "5.579700",
        "website": "https://www.hepl.be/",
    },
    {
        "slug": "institut-paul-bocuse",
        "name": t(
            "Institut Paul Bocuse",
            "保罗·博古斯学院",
            "Institut Paul Bocuse",
            "Institut Paul Bocuse",
        ),
        "official_name": "Institut Paul Bocuse",
        "kind": "university",
        "level": "applied",
        "country": "FR",
        "region": "Auvergne-Rhône-Alpes",
        "city": "Écully",
        "latitude": "45.774500",
        "longitude": "4.777600",
        "website": "https://www.institutpaulbocuse.com/",
        "year_founded": 1990,
    },
    {
        "slug": "port-of-antwerp-bruges",
        "name": t(
            "Port of Antwerp-Bruges",
            "安特卫普-布鲁日港",
            "Havenbedrijf Antwerpen-Brugge",
            "Port d'Anvers-Bruges",
        ),
        "official_name": "Havenbedrijf Antwerpen-Brugge",
        "aliases": ["Port of Antwerp", "Havenbedrijf Antwerpen"],
        "kind": "company",
        "country": "BE",
        "region": "Flanders",
        "city": "Antwerp",
        "address": "Zaha Hadidplein 1, 2030 Antwerpen",
        "latitude": "51.219400",
        "longitude": "4.402500",
        "website": "https://www.portofantwerpbruges.com/",
    },
    {
        "slug": "flemish-department-of-education",
        "name": t(
            "Flemish Department of Education and Training",
            "佛兰德教育与培训部",
            "Departement Onderwijs en Vorming",
            "Département flamand de l'Enseignement et de la Formation",
        ),
        "official_name": "Departement Onderwijs en Vorming",
        "kind": "government",
        "country": "BE",
        "region": "Flanders",
        "city": "Brussels",
        "latitude": "50.850300",
        "longitude": "4.351700",
        "website": "https://onderwijs.vlaanderen.be/",
    },
    # The one unpublished institution: entered, not yet checked by staff.
    {
        "slug": "antwerp-maritime-academy",
        "name": t("Antwerp Maritime Academy", nl="Hogere Zeevaartschool Antwerpen"),
        "official_name": "Hogere Zeevaartschool Antwerpen",
        "kind": "university",
        "level": "applied",
        "country": "BE",
        "region": "Flanders",
        "city": "Antwerp",
        "latitude": "51.219400",
        "longitude": "4.402500",
        "published": False,
    },
]

AGREEMENTS: list[dict] = [
    # The story, (1): the memorandum of understanding on musical talent.
    {
        "slug": "shcm-ap-mou-musical-talent",
        "kind": "mou",
        "title": t(
            "Memorandum of understanding on nurturing musical talent",
            "关于音乐人才培养的合作谅解备忘录",
            "Memorandum van overeenstemming over het opleiden van muzikaal talent",
            "Protocole d'accord sur la formation des talents musicaux",
        ),
        "reference": "AP-INT-MOU-SHCM",
        "summary": t(
            "Shanghai Conservatory of Music and AP University of Applied "
            "Sciences and Arts Antwerp exchange teachers and students, perform "
            "together, run overseas study programmes and train students for "
            "international competitions. Signed in an online ceremony attended "
            "by the Chinese ambassador to Belgium.",
            "上海音乐学院与安特卫普AP应用科学与艺术大学将开展师生交流、联合演出、"
            "海外研修项目及国际比赛培训。签约仪式在线上举行，中国驻比利时大使出席。",
            "Het Conservatorium van Shanghai en AP Hogeschool Antwerpen wisselen "
            "docenten en studenten uit, treden samen op, organiseren "
            "studieprogramma's in het buitenland en bereiden studenten voor op "
            "internationale wedstrijden. Ondertekend tijdens een online "
            "ceremonie in aanwezigheid van de Chinese ambassadeur in België.",
            "Le Conservatoire de musique de Shanghai et la Haute École AP "
            "d'Anvers échangent enseignants et étudiants, se produisent "
            "ensemble, organisent des programmes d'études à l'étranger et "
            "préparent des étudiants aux concours internationaux. Signé lors "
            "d'une cérémonie en ligne en présence de l'ambassadeur de Chine en "
            "Belgique.",
        ),
        "internal_notes": "Sample record. Renewal talks to start a year before expiry.",
        "status": "signed",
        "signed_on": CEREMONY,
        "signed_at": "Antwerp and Shanghai (online ceremony)",
        "signing_mode": "online",
        "valid_from": CEREMONY,
        "expires_on": CEREMONY + 5 * 365,
        "notice_period_days": 180,
        "fields": ["0215"],
        "parties": [
            ("ap-university-antwerp", "signatory", "General Director"),
            ("shanghai-conservatory-of-music", "signatory", "President"),
            ("embassy-of-china-in-belgium", "witness", "Ambassador to Belgium"),
        ],
        "exchange_kinds": [
            ("teacher", 4),
            ("student", 10),
            ("performance", None),
            ("study_abroad", 12),
            ("competition", None),
        ],
    },
    # The story, (2): the letter of intent on vocational education.
    {
        "slug": "hvust-ap-letter-of-intent-vocational-education",
        "kind": "intent",
        "title": t(
            "Letter of intent on cooperation in vocational education",
            "职业教育合作意向书",
            "Intentieverklaring over samenwerking in het beroepsonderwijs",
            "Lettre d'intention sur la coopération en enseignement professionnel",
        ),
        "reference": "AP-INT-LOI-HVUST",
        "summary": t(
            "Hainan Vocational University of Science and Technology and AP "
            "University of Applied Sciences and Arts Antwerp intend to cooperate "
            "between their rehabilitation centres, in rehabilitative treatment "
            "and services, internships and international forums. Signed in the "
            "same online ceremony, attended by the Chinese ambassador to "
            "Belgium.",
            "海南科技职业大学与安特卫普AP应用科学与艺术大学拟在康复中心合作、康复"
            "治疗与服务、实习及国际论坛等方面开展合作。在同一线上仪式中签署，中国驻"
            "比利时大使出席。",
            "Hainan Beroepsuniversiteit voor Wetenschap en Technologie en AP "
            "Hogeschool Antwerpen willen samenwerken tussen hun "
            "revalidatiecentra, in revalidatiebehandeling en -diensten, stages "
            "en internationale fora. Ondertekend tijdens dezelfde online "
            "ceremonie, in aanwezigheid van de Chinese ambassadeur in België.",
            "L'Université professionnelle des sciences et technologies du Hainan "
            "et la Haute École AP d'Anvers entendent coopérer entre leurs "
            "centres de réadaptation, en traitements et services de "
            "réadaptation, stages et forums internationaux. Signée lors de la "
            "même cérémonie en ligne, en présence de l'ambassadeur de Chine en "
            "Belgique.",
        ),
        "status": "signed",
        "signed_on": CEREMONY,
        "signed_at": "Antwerp and Haikou (online ceremony)",
        "signing_mode": "online",
        "valid_from": CEREMONY,
        "expires_on": None,
        "fields": ["0915", "0921"],
        "parties": [
            ("ap-university-antwerp", "signatory", "General Director"),
            ("hainan-vocational-university", "signatory", "President"),
            ("embassy-of-china-in-belgium", "witness", "Ambassador to Belgium"),
        ],
        "exchange_kinds": [
            ("rehabilitation", None),
            ("internship", 6),
            ("forum", None),
        ],
    },
    # Expired; renewed by the next one.
    {
        "slug": "vives-yangling-agriculture-exchange-first",
        "kind": "exchange",
        "title": t(
            "Exchange agreement in modern agriculture (first term)",
            "现代农业交流协议（第一期）",
            "Uitwisselingsovereenkomst moderne landbouw (eerste periode)",
            "Accord d'échange en agriculture moderne (première période)",
        ),
        "reference": "VIVES-2019-YL",
        "summary": t(
            "Student and staff exchanges between VIVES and Yangling Vocational "
            "and Technical College in crop and livestock production and "
            "horticulture.",
            "VIVES与杨凌职业技术学院在种植、养殖和园艺领域开展师生交流。",
            "Uitwisseling van studenten en personeel tussen VIVES en Yangling in "
            "akker- en veeteelt en tuinbouw.",
            "Échanges d'étudiants et de personnel entre VIVES et Yangling en "
            "productions végétales et animales et en horticulture.",
        ),
        "status": "signed",
        "signed_on": -1850,
        "signed_at": "Yangling",
        "signing_mode": "in_person",
        "valid_from": -1840,
        "expires_on": -40,
        "fields": ["0811", "0812"],
        "parties": [
            ("vives-university-of-applied-sciences", "signatory", "General Director"),
            ("yangling-vocational-technical-college", "signatory", "President"),
        ],
        "exchange_kinds": [("student", 6), ("teacher", 2)],
    },
    {
        "slug": "vives-yangling-agriculture-exchange-renewal",
        "kind": "exchange",
        "title": t(
            "Exchange agreement in modern agriculture (renewal)",
            "现代农业交流协议（续签）",
            "Uitwisselingsovereenkomst moderne landbouw (hernieuwing)",
            "Accord d'échange en agriculture moderne (renouvellement)",
        ),
        "reference": "VIVES-YL-RENEWAL",
        "summary": t(
            "Renews the first agreement and adds a summer school in smart "
            "farming and a joint programme in modern agriculture technology.",
            "续签第一期协议，并新增智慧农业暑期学校和现代农业技术联合培养项目。",
            "Hernieuwt de eerste overeenkomst en voegt een zomerschool slimme "
            "landbouw en een gezamenlijk programma landbouwtechnologie toe.",
            "Renouvelle le premier accord et ajoute une université d'été en "
            "agriculture intelligente et un programme conjoint.",
        ),
        "status": "signed",
        "signed_on": -60,
        "signed_at": "Roeselare and Yangling",
        "signing_mode": "hybrid",
        "valid_from": -39,
        "expires_on": -39 + 5 * 365,
        "renews_automatically": True,
        "notice_period_days": 90,
        "fields": ["0811", "0812"],
        "predecessor": "vives-yangling-agriculture-exchange-first",
        "lineage": "renews",
        "parties": [
            ("vives-university-of-applied-sciences", "signatory", "General Director"),
            ("yangling-vocational-technical-college", "signatory", "President"),
        ],
        "exchange_kinds": [
            ("student", 8),
            ("teacher", 2),
            ("study_abroad", 15),
            ("delegation", None),
            ("joint_programme", 25),
        ],
    },
    # Expires within 90 days.
    {
        "slug": "paul-bocuse-zhejiang-hospitality-cooperation",
        "kind": "cooperation",
        "title": t(
            "Cooperation agreement in hospitality and culinary arts",
            "酒店管理与烹饪艺术合作协议",
            "Samenwerkingsovereenkomst hotelwezen en culinaire kunsten",
            "Accord de coopération en hôtellerie et arts culinaires",
        ),
        "reference": "IPB-ZJTC-HOSP",
        "summary": t(
            "Internships, student exchanges and competition training in hotel, "
            "restaurant and catering services, with a Bruges hotel school as "
            "partner.",
            "在酒店、餐饮服务领域开展实习、学生交流与技能竞赛培训，布鲁日一所酒店"
            "学校为合作伙伴。",
            "Stages, studentenuitwisseling en wedstrijdtraining in hotel, "
            "restaurant en catering, met een Brugse hotelschool als partner.",
            "Stages, échanges d'étudiants et préparation aux concours en "
            "hôtellerie et restauration, avec une école hôtelière de Bruges.",
        ),
        "internal_notes": "Sample record. Decide on renewal before the notice period.",
        "status": "signed",
        "signed_on": -1050,
        "signed_at": "Écully",
        "signing_mode": "in_person",
        "valid_from": -1050,
        "expires_on": 45,
        "notice_period_days": 90,
        "fields": ["1013", "1015"],
        "parties": [
            ("institut-paul-bocuse", "signatory", "Director General"),
            ("zhejiang-tourism-college", "signatory", "President"),
            ("ter-groene-poorte", "partner", "Principal"),
        ],
        "exchange_kinds": [("internship", 10), ("student", 6), ("competition", None)],
    },
    {
        "slug": "luban-workshop-thailand-framework",
        "kind": "framework",
        "title": t(
            "Framework agreement on the Luban Workshop in Thailand",
            "泰国鲁班工坊框架协议",
            "Kaderovereenkomst over de Luban Workshop in Thailand",
            "Accord-cadre sur l'atelier Luban en Thaïlande",
        ),
        "reference": "BOHAI-LUBAN-TH",
        "summary": t(
            "Tianjin Bohai Vocational Technical College and Ayutthaya Technical "
            "College run the Luban Workshop together: equipment, curricula, "
            "instructor training and student exchanges in electrical automation.",
            "天津渤海职业技术学院与大城技术学院共同运营鲁班工坊：设备、课程、师资"
            "培训及电气自动化专业学生交流。",
            "Tianjin Bohai en de Technische Hogeschool Ayutthaya runnen samen de "
            "Luban Workshop: uitrusting, leerplannen, opleiding van "
            "instructeurs en studentenuitwisseling in elektrische automatisering.",
            "Tianjin Bohai et le Collège technique d'Ayutthaya gèrent ensemble "
            "l'atelier Luban : équipements, programmes, formation des "
            "formateurs et échanges d'étudiants en automatisme électrique.",
        ),
        "status": "signed",
        "signed_on": -2950,
        "signed_at": "Ayutthaya",
        "signing_mode": "in_person",
        "valid_from": -2950,
        "expires_on": 420,
        "renews_automatically": True,
        "notice_period_days": 180,
        "fields": ["0713", "0714"],
        "parties": [
            ("tianjin-bohai-vocational-technical-college", "signatory", "President"),
            ("ayutthaya-technical-college", "signatory", "Director"),
            ("luban-workshop-thailand", "coordinator", "Workshop Director"),
        ],
        "exchange_kinds": [
            ("training", 40),
            ("teacher", 6),
            ("student", 20),
            ("competition", None),
        ],
    },
    # In negotiation: published, but not public until signed.
    {
        "slug": "szpu-hepl-electronics-cooperation",
        "kind": "cooperation",
        "title": t(
            "Cooperation agreement in electronics and automation",
            "电子与自动化合作协议",
            "Samenwerkingsovereenkomst elektronica en automatisering",
            "Accord de coopération en électronique et automatisation",
        ),
        "summary": t(
            "A joint bachelor programme and student exchanges in electronics and "
            "industrial automation.",
            "电子与工业自动化专业联合本科项目及学生交流。",
            "Een gezamenlijke bacheloropleiding en studentenuitwisseling in "
            "elektronica en industriële automatisering.",
            "Un bachelier conjoint et des échanges d'étudiants en électronique et "
            "automatisation industrielle.",
        ),
        "internal_notes": "Sample record. The second draft is with the partner.",
        "status": "negotiation",
        "fields": ["0714"],
        "parties": [
            ("hepl-liege", "partner", ""),
            ("shenzhen-polytechnic-university", "partner", ""),
        ],
        "exchange_kinds": [("joint_programme", 20), ("student", 4)],
    },
    # The one unpublished agreement.
    {
        "slug": "maritime-academy-port-internships-draft",
        "kind": "other",
        "title": t("Internship agreement in port logistics"),
        "summary": t("Internships for maritime and logistics students in the port."),
        "internal_notes": "Sample record. Draft: waiting for the port's legal review.",
        "status": "draft",
        "fields": ["1041"],
        "parties": [
            ("antwerp-maritime-academy", "signatory", ""),
            ("port-of-antwerp-bruges", "signatory", ""),
        ],
        "exchange_kinds": [("internship", 12)],
        "published": False,
    },
    {
        "slug": "hepl-zhejiang-tourism-exchange",
        "kind": "exchange",
        "title": t(
            "Exchange agreement in tourism management",
            "旅游管理交流协议",
            "Uitwisselingsovereenkomst toerismemanagement",
            "Accord d'échange en gestion du tourisme",
        ),
        "reference": "HEPL-ZJTC-TOUR",
        "summary": t(
            "Semester exchanges for tourism students between Liège and Hangzhou. "
            "Terminated by mutual consent.",
            "列日与杭州之间旅游专业学生学期交流。经双方同意已终止。",
            "Semesteruitwisseling voor studenten toerisme tussen Luik en "
            "Hangzhou. In onderling overleg beëindigd.",
            "Échanges semestriels d'étudiants en tourisme entre Liège et "
            "Hangzhou. Résilié d'un commun accord.",
        ),
        "internal_notes": "Sample record. Ended when the partner programme closed.",
        "status": "terminated",
        "signed_on": -1400,
        "signed_at": "Liège",
        "signing_mode": "in_person",
        "valid_from": -1380,
        "expires_on": 350,
        "fields": ["1015"],
        "parties": [
            ("hepl-liege", "signatory", "Director-President"),
            ("zhejiang-tourism-college", "signatory", "President"),
        ],
        "exchange_kinds": [("study_abroad", 4)],
    },
    # Signed, not yet in force.
    {
        "slug": "revarte-crrc-rehabilitation-mou",
        "kind": "mou",
        "title": t(
            "Memorandum of understanding on rehabilitation therapy training",
            "康复治疗培训合作谅解备忘录",
            "Memorandum van overeenstemming over opleiding in revalidatietherapie",
            "Protocole d'accord sur la formation en thérapie de réadaptation",
        ),
        "reference": "REVARTE-CRRC",
        "summary": t(
            "Clinical training, staff exchanges and joint workshops in "
            "rehabilitation therapy, with Hainan Vocational University as "
            "partner.",
            "在康复治疗领域开展临床培训、人员交流和联合工作坊，海南科技职业大学为"
            "合作伙伴。",
            "Klinische opleiding, personeelsuitwisseling en gezamenlijke "
            "workshops in revalidatietherapie, met Hainan als partner.",
            "Formation clinique, échanges de personnel et ateliers communs en "
            "thérapie de réadaptation, avec l'université du Hainan comme "
            "partenaire.",
        ),
        "status": "signed",
        "signed_on": -12,
        "signed_at": "Edegem and Beijing",
        "signing_mode": "hybrid",
        "valid_from": 19,
        "expires_on": 19 + 3 * 365,
        "fields": ["0915"],
        "parties": [
            ("revarte-rehabilitation-hospital", "signatory", "Chief Executive"),
            ("china-rehabilitation-research-center", "signatory", "Director"),
            ("hainan-vocational-university", "partner", "Dean of Health Sciences"),
        ],
        "exchange_kinds": [("rehabilitation", None), ("teacher", 3), ("training", 20)],
    },
    # Open-ended.
    {
        "slug": "china-flanders-vet-framework",
        "kind": "framework",
        "title": t(
            "Framework agreement on cooperation in vocational education and training",
            "职业教育与培训合作框架协议",
            "Kaderovereenkomst over samenwerking in beroepsonderwijs en -opleiding",
            "Accord-cadre de coopération en enseignement et formation professionnels",
        ),
        "reference": "DOV-MOE-VET",
        "summary": t(
            "Delegation visits, teacher exchanges and an annual forum between "
            "Chinese and Flemish vocational schools.",
            "中国与佛兰德职业院校之间的代表团互访、教师交流及年度论坛。",
            "Bezoeken van delegaties, uitwisseling van leraren en een jaarlijks "
            "forum tussen Chinese en Vlaamse beroepsscholen.",
            "Visites de délégations, échanges d'enseignants et un forum annuel "
            "entre écoles professionnelles chinoises et flamandes.",
        ),
        "status": "signed",
        "signed_on": -900,
        "signed_at": "Brussels",
        "signing_mode": "in_person",
        "valid_from": -900,
        "expires_on": None,
        "fields": ["011"],
        "parties": [
            ("flemish-department-of-education", "signatory", "Secretary-General"),
            ("ministry-of-education-china", "signatory", "Director-General"),
            ("embassy-of-china-in-belgium", "coordinator", "Education Counsellor"),
        ],
        "exchange_kinds": [("delegation", None), ("teacher", 10), ("forum", None)],
    },
    {
        "slug": "world-tvet-conference-co-organisation",
        "kind": "other",
        "title": t(
            "Agreement on co-organising the World Vocational and Technical "
            "Education Development Conference",
            "关于联合举办世界职业技术教育发展大会的协议",
            "Overeenkomst over de organisatie van de Wereldconferentie over de "
            "ontwikkeling van technisch en beroepsonderwijs",
            "Accord de co-organisation de la Conférence mondiale sur le "
            "développement de l'enseignement technique et professionnel",
        ),
        "reference": "TJ-WVTEDC",
        "summary": t(
            "The conference in Tianjin, with its forums and an international "
            "vocational skills competition.",
            "在天津举办的大会，包括系列论坛和国际职业技能大赛。",
            "De conferentie in Tianjin, met fora en een internationale "
            "wedstrijd in beroepsvaardigheden.",
            "La conférence de Tianjin, avec ses forums et un concours "
            "international de compétences professionnelles.",
        ),
        "status": "signed",
        "signed_on": -200,
        "signed_at": "Tianjin",
        "signing_mode": "hybrid",
        "valid_from": -200,
        "expires_on": 365,
        "fields": ["011", "0714"],
        "parties": [
            ("tianjin-education-commission", "signatory", "Director"),
            ("unesco-unevoc", "signatory", "Head of the Centre"),
            ("ministry-of-education-china", "coordinator", ""),
            ("worldskills-international", "partner", ""),
        ],
        "exchange_kinds": [("forum", None), ("competition", None)],
    },
]

_MUSIC = "music-exchange@example.org"
_REHAB = "rehabilitation@example.org"

EXCHANGES: list[dict] = [
    # --- The memorandum of understanding on musical talent -------------------
    {
        "slug": "shanghai-piano-teachers-in-antwerp",
        "kind": "teacher",
        "title": t(
            "Piano faculty exchange: Shanghai teachers in Antwerp",
            "钢琴教师交流：上海教师赴安特卫普",
            "Uitwisseling pianodocenten: docenten uit Shanghai in Antwerpen",
            "Échange de professeurs de piano : enseignants de Shanghai à Anvers",
        ),
        "summary": t(
            "Two piano teachers from Shanghai Conservatory of Music teach master "
            "classes at the Royal Conservatoire Antwerp.",
            "上海音乐学院两位钢琴教师在安特卫普皇家音乐学院举办大师课。",
            "Twee pianodocenten van het Conservatorium van Shanghai geven "
            "masterclasses aan het Koninklijk Conservatorium Antwerpen.",
            "Deux professeurs de piano du Conservatoire de Shanghai donnent des "
            "classes de maître au Conservatoire royal d'Anvers.",
        ),
        "outcomes": t(
            "Four master classes and a joint faculty recital.",
            "举办四场大师课和一场教师联合独奏音乐会。",
            "Vier masterclasses en een gezamenlijk docentenrecital.",
            "Quatre classes de maître et un récital commun des professeurs.",
        ),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "royal-conservatoire-antwerp",
        "partners": ["shanghai-conservatory-of-music"],
        "fields": ["0215"],
        "starts_on": -330,
        "ends_on": -316,
        "places": 2,
        "participants": 2,
    },
    {
        "slug": "antwerp-composition-teachers-in-shanghai",
        "kind": "teacher",
        "title": t(
            "Composition and conducting teachers from Antwerp in Shanghai",
            "安特卫普作曲与指挥教师赴上海交流",
            "Docenten compositie en directie uit Antwerpen in Shanghai",
            "Professeurs de composition et de direction d'Anvers à Shanghai",
        ),
        "summary": t(
            "Two weeks of teaching and joint rehearsals at Shanghai Conservatory "
            "of Music.",
            "在上海音乐学院进行为期两周的教学和联合排练。",
            "Twee weken lesgeven en samen repeteren aan het Conservatorium van "
            "Shanghai.",
            "Deux semaines d'enseignement et de répétitions communes au "
            "Conservatoire de Shanghai.",
        ),
        "eligibility": t("Teaching staff of the Royal Conservatoire Antwerp."),
        "how_to_apply": t("Send a motivation letter to the international office."),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "shanghai-conservatory-of-music",
        "partners": ["ap-university-antwerp"],
        "fields": ["0215"],
        "starts_on": 75,
        "ends_on": 89,
        "application_deadline": 20,
        "places": 2,
    },
    {
        "slug": "music-student-semester-in-antwerp",
        "kind": "student",
        "title": t(
            "Semester exchange for music students in Antwerp",
            "音乐专业学生赴安特卫普学期交流",
            "Semesteruitwisseling voor muziekstudenten in Antwerpen",
            "Semestre d'échange pour étudiants en musique à Anvers",
        ),
        "summary": t(
            "Students of Shanghai Conservatory of Music spend a semester at the "
            "Royal Conservatoire Antwerp, with lessons, ensembles and concerts.",
            "上海音乐学院学生在安特卫普皇家音乐学院学习一个学期，参加课程、"
            "乐团和音乐会。",
            "Studenten van het Conservatorium van Shanghai volgen een semester "
            "aan het Koninklijk Conservatorium Antwerpen: lessen, ensembles en "
            "concerten.",
            "Des étudiants du Conservatoire de Shanghai passent un semestre au "
            "Conservatoire royal d'Anvers : cours, ensembles et concerts.",
        ),
        "description": t(
            "Individual lessons with the main-subject teacher, chamber music "
            "and orchestra projects, and a closing concert at deSingel."
        ),
        "eligibility": t(
            "Bachelor or master students in performance, in their second year "
            "or later, with English at B2 level.",
            "表演专业二年级及以上本科生或硕士生，英语达到B2水平。",
            "Bachelor- of masterstudenten uitvoering, vanaf het tweede jaar, met "
            "Engels op B2-niveau.",
            "Étudiants de bachelier ou de master en interprétation, à partir de "
            "la deuxième année, anglais niveau B2.",
        ),
        "how_to_apply": t(
            "Apply through your international office with a recording of two "
            "contrasting works."
        ),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "royal-conservatoire-antwerp",
        "partners": ["shanghai-conservatory-of-music"],
        "fields": ["0215"],
        "starts_on": 150,
        "ends_on": 270,
        "application_deadline": 45,
        "places": 4,
    },
    {
        "slug": "antwerp-music-students-in-shanghai",
        "kind": "student",
        "title": t(
            "Semester exchange for Antwerp music students in Shanghai",
            "安特卫普音乐专业学生赴上海学期交流",
            "Semesteruitwisseling voor Antwerpse muziekstudenten in Shanghai",
            "Semestre d'échange à Shanghai pour étudiants en musique d'Anvers",
        ),
        "summary": t(
            "Students of the Royal Conservatoire Antwerp study a semester at "
            "Shanghai Conservatory of Music, including Chinese traditional "
            "instruments.",
            "安特卫普皇家音乐学院学生在上海音乐学院学习一个学期，包括中国民族乐器。",
            "Studenten van het Koninklijk Conservatorium Antwerpen studeren een "
            "semester in Shanghai, ook Chinese traditionele instrumenten.",
            "Des étudiants du Conservatoire royal d'Anvers étudient un semestre "
            "à Shanghai, y compris les instruments traditionnels chinois.",
        ),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "shanghai-conservatory-of-music",
        "partners": ["royal-conservatoire-antwerp"],
        "fields": ["0215"],
        "starts_on": -40,
        "ends_on": 80,
        "places": 3,
        "participants": 3,
    },
    {
        "slug": "shanghai-chamber-ensemble-in-antwerp",
        "kind": "performance",
        "title": t(
            "Shanghai Conservatory chamber ensemble in concert in Antwerp",
            "上海音乐学院室内乐团安特卫普音乐会",
            "Kamerensemble van het Conservatorium van Shanghai in concert in Antwerpen",
            "L'ensemble de chambre du Conservatoire de Shanghai en concert à Anvers",
        ),
        "summary": t(
            "Chinese and European chamber music performed by students of both "
            "conservatoires at deSingel.",
            "两校学生在deSingel艺术中心联合演出中国与欧洲室内乐作品。",
            "Chinese en Europese kamermuziek door studenten van beide "
            "conservatoria in deSingel.",
            "Musique de chambre chinoise et européenne par des étudiants des "
            "deux conservatoires, à deSingel.",
        ),
        "outcomes": t(
            "Three concerts for about 900 listeners, one broadcast on the radio.",
            "举办三场音乐会，约900名观众，其中一场通过电台播出。",
            "Drie concerten voor zo'n 900 luisteraars, één op de radio uitgezonden.",
            "Trois concerts devant environ 900 auditeurs, dont un radiodiffusé.",
        ),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "royal-conservatoire-antwerp",
        "partners": ["shanghai-conservatory-of-music"],
        "fields": ["0215"],
        "starts_on": -210,
        "ends_on": -208,
        "participants": 24,
    },
    {
        "slug": "antwerp-student-orchestra-tour-to-shanghai",
        "kind": "performance",
        "title": t(
            "Antwerp student orchestra on tour in Shanghai",
            "安特卫普学生管弦乐团上海巡演",
            "Antwerps studentenorkest op tournee in Shanghai",
            "L'orchestre des étudiants d'Anvers en tournée à Shanghai",
        ),
        "summary": t(
            "The Royal Conservatoire's student orchestra plays Flemish and "
            "Chinese repertoire with students of Shanghai Conservatory.",
            "安特卫普皇家音乐学院学生管弦乐团与上海音乐学院学生联合演奏佛兰德"
            "与中国曲目。",
            "Het studentenorkest van het Koninklijk Conservatorium speelt "
            "Vlaams en Chinees repertoire met studenten uit Shanghai.",
            "L'orchestre des étudiants du Conservatoire royal joue un répertoire "
            "flamand et chinois avec des étudiants de Shanghai.",
        ),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "shanghai-conservatory-of-music",
        "partners": ["royal-conservatoire-antwerp"],
        "fields": ["0215"],
        "starts_on": 200,
        "ends_on": 212,
        "places": 40,
    },
    {
        "slug": "summer-study-programme-chinese-music-shanghai",
        "kind": "study_abroad",
        "title": t(
            "Summer study programme in Chinese music in Shanghai",
            "上海中国音乐暑期研修项目",
            "Zomerprogramma Chinese muziek in Shanghai",
            "Programme d'été de musique chinoise à Shanghai",
        ),
        "summary": t(
            "Four weeks of lessons in Chinese instruments, music history and "
            "language, with concerts in Shanghai.",
            "为期四周的中国乐器、音乐史和汉语课程，并在上海举办音乐会。",
            "Vier weken les in Chinese instrumenten, muziekgeschiedenis en "
            "taal, met concerten in Shanghai.",
            "Quatre semaines de cours d'instruments chinois, d'histoire de la "
            "musique et de langue, avec des concerts à Shanghai.",
        ),
        "eligibility": t(
            "Music students of AP University of Applied Sciences and Arts "
            "Antwerp; no Chinese required.",
            "安特卫普AP应用科学与艺术大学音乐专业学生，无需中文基础。",
            "Muziekstudenten van AP Hogeschool Antwerpen; geen Chinees vereist.",
            "Étudiants en musique de la Haute École AP d'Anvers ; chinois non requis.",
        ),
        "how_to_apply": t("Fill in the application form of AP's international office."),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "shanghai-conservatory-of-music",
        "partners": ["ap-university-antwerp"],
        "fields": ["0215"],
        "starts_on": 100,
        "ends_on": 128,
        "application_deadline": 40,
        "places": 12,
    },
    {
        "slug": "overseas-study-programme-antwerp",
        "kind": "study_abroad",
        "title": t(
            "Overseas study programme at the Royal Conservatoire Antwerp",
            "安特卫普皇家音乐学院海外研修项目",
            "Buitenlands studieprogramma aan het Koninklijk Conservatorium Antwerpen",
            "Programme d'études à l'étranger au Conservatoire royal d'Anvers",
        ),
        "summary": t(
            "A three-month programme in European performance practice for "
            "students of Shanghai Conservatory of Music.",
            "面向上海音乐学院学生的为期三个月的欧洲演奏实践研修项目。",
            "Een programma van drie maanden over Europese uitvoeringspraktijk "
            "voor studenten uit Shanghai.",
            "Un programme de trois mois sur l'interprétation européenne pour "
            "des étudiants de Shanghai.",
        ),
        "outcomes": t("Six students completed the programme with a certificate."),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "royal-conservatoire-antwerp",
        "partners": ["shanghai-conservatory-of-music"],
        "fields": ["0215"],
        "starts_on": -380,
        "ends_on": -290,
        "places": 6,
        "participants": 6,
    },
    {
        "slug": "training-international-piano-violin-competitions",
        "kind": "competition",
        "title": t(
            "Training for international piano and violin competitions",
            "国际钢琴与小提琴比赛集训",
            "Training voor internationale piano- en vioolwedstrijden",
            "Préparation aux concours internationaux de piano et de violon",
        ),
        "summary": t(
            "Coaching, mock juries and stage practice for students preparing "
            "for international competitions, in Antwerp and online.",
            "为备战国际比赛的学生提供指导、模拟评审和舞台实践，在安特卫普和线上进行。",
            "Coaching, proefjury's en podiumtraining voor studenten die zich "
            "voorbereiden op internationale wedstrijden, in Antwerpen en online.",
            "Accompagnement, jurys blancs et pratique de la scène pour des "
            "étudiants préparant des concours internationaux, à Anvers et en "
            "ligne.",
        ),
        "contact_email": _MUSIC,
        "agreement": "shcm-ap-mou-musical-talent",
        "host": "royal-conservatoire-antwerp",
        "partners": ["shanghai-conservatory-of-music"],
        "fields": ["0215"],
        "starts_on": -10,
        "ends_on": 25,
        "mode": "hybrid",
        "places": 8,
        "participants": 8,
    },
    # --- The letter of intent on vocational education ------------------------
    {
        "slug": "rehabilitation-centres-haikou-antwerp",
        "kind": "rehabilitation",
        "title": t(
            "Cooperation between rehabilitation centres in Haikou and Antwerp",
            "海口与安特卫普康复中心合作",
            "Samenwerking tussen revalidatiecentra in Haikou en Antwerpen",
            "Coopération entre centres de réadaptation de Haikou et d'Anvers",
        ),
        "summary": t(
            "Therapists and teachers compare treatment protocols and build a "
            "shared training programme for rehabilitation assistants.",
            "治疗师和教师比较康复治疗方案，共同制定康复助理培训项目。",
            "Therapeuten en docenten vergelijken behandelprotocollen en bouwen "
            "samen een opleiding voor revalidatieassistenten.",
            "Thérapeutes et enseignants comparent leurs protocoles et "
            "construisent une formation commune d'assistants en réadaptation.",
        ),
        "contact_email": _REHAB,
        "agreement": "hvust-ap-letter-of-intent-vocational-education",
        "host": "hainan-vocational-university",
        "partners": ["ap-university-antwerp", "revarte-rehabilitation-hospital"],
        "fields": ["0915"],
        "starts_on": -60,
        "ends_on": 120,
        "mode": "hybrid",
        "places": 10,
        "participants": 9,
    },
    {
        "slug": "rehabilitative-treatment-services-study-visit",
        "kind": "rehabilitation",
        "title": t(
            "Rehabilitative treatment and services: study visit to Antwerp",
            "康复治疗与服务：安特卫普考察访问",
            "Revalidatiebehandeling en -diensten: studiebezoek aan Antwerpen",
            "Traitements et services de réadaptation : visite d'étude à Anvers",
        ),
        "summary": t(
            "Staff of Hainan Vocational University observe rehabilitative "
            "treatment and community services in a Flemish rehabilitation "
            "hospital.",
            "海南科技职业大学教职员在佛兰德康复医院考察康复治疗和社区服务。",
            "Personeel uit Hainan bekijkt revalidatiebehandeling en "
            "thuiszorgdiensten in een Vlaams revalidatieziekenhuis.",
            "Le personnel de l'université du Hainan observe traitements et "
            "services de réadaptation dans un hôpital flamand.",
        ),
        "contact_email": _REHAB,
        "agreement": "hvust-ap-letter-of-intent-vocational-education",
        "host": "revarte-rehabilitation-hospital",
        "partners": ["hainan-vocational-university"],
        "fields": ["0915", "0921"],
        "starts_on": 60,
        "ends_on": 74,
        "places": 6,
    },
    {
        "slug": "rehabilitation-internships-antwerp",
        "kind": "internship",
        "title": t(
            "Clinical internships in rehabilitation in Antwerp",
            "安特卫普康复临床实习",
            "Klinische stages in revalidatie in Antwerpen",
            "Stages cliniques en réadaptation à Anvers",
        ),
        "summary": t(
            "Students of rehabilitation therapy from Hainan do a twelve-week "
            "internship, supervised by AP's physiotherapy and occupational "
            "therapy teachers.",
            "海南康复治疗专业学生在AP物理治疗和作业治疗教师指导下进行为期十二周的"
            "实习。",
            "Studenten revalidatietherapie uit Hainan lopen twaalf weken stage, "
            "begeleid door docenten kinesitherapie en ergotherapie van AP.",
            "Des étudiants en thérapie de réadaptation du Hainan effectuent un "
            "stage de douze semaines encadré par AP.",
        ),
        "eligibility": t(
            "Third-year students of rehabilitation therapy with English at B1 level.",
            "康复治疗专业三年级学生，英语达到B1水平。",
            "Derdejaarsstudenten revalidatietherapie met Engels op B1-niveau.",
            "Étudiants de troisième année en thérapie de réadaptation, anglais "
            "niveau B1.",
        ),
        "how_to_apply": t("Apply through the international office in Haikou."),
        "contact_email": _REHAB,
        "agreement": "hvust-ap-letter-of-intent-vocational-education",
        "host": "ap-university-antwerp",
        "partners": ["hainan-vocational-university"],
        "fields": ["0915"],
        "starts_on": 140,
        "ends_on": 224,
        "application_deadline": 35,
        "places": 6,
    },
    {
        "slug": "international-forum-vocational-rehabilitation-education",
        "kind": "forum",
        "title": t(
            "International forum on rehabilitation in vocational education",
            "职业教育康复国际论坛",
            "Internationaal forum over revalidatie in het beroepsonderwijs",
            "Forum international sur la réadaptation dans l'enseignement professionnel",
        ),
        "summary": t(
            "Schools, hospitals and rehabilitation centres from China and "
            "Europe on training the rehabilitation workforce.",
            "来自中国和欧洲的院校、医院和康复中心共同探讨康复人才培养。",
            "Scholen, ziekenhuizen en revalidatiecentra uit China en Europa over "
            "de opleiding van revalidatiepersoneel.",
            "Écoles, hôpitaux et centres de réadaptation de Chine et d'Europe "
            "sur la formation des professionnels de la réadaptation.",
        ),
        "outcomes": t(
            "About 180 participants; a joint statement on internship standards.",
            "约180人参会，发布关于实习标准的联合声明。",
            "Ongeveer 180 deelnemers; een gezamenlijke verklaring over stagenormen.",
            "Environ 180 participants ; une déclaration commune sur les normes "
            "de stage.",
        ),
        "contact_email": _REHAB,
        "agreement": "hvust-ap-letter-of-intent-vocational-education",
        "host": "hainan-vocational-university",
        "partners": ["ap-university-antwerp", "china-rehabilitation-research-center"],
        "fields": ["0915"],
        "starts_on": -150,
        "ends_on": -149,
        "mode": "hybrid",
        "participants": 180,
    },
    {
        "slug": "online-forum-vocational-education-and-care",
        "kind": "forum",
        "title": t(
            "International online forum on vocational education and care",
            "职业教育与护理国际线上论坛",
            "Internationaal online forum over beroepsonderwijs en zorg",
            "Forum international en ligne sur l'enseignement professionnel et "
            "les soins",
        ),
        "summary": t(
            "A half-day online forum on teaching care and rehabilitation in "
            "vocational schools.",
            "为期半天的线上论坛，探讨职业院校护理与康复教学。",
            "Een online forum van een halve dag over zorg- en "
            "revalidatieonderwijs in beroepsscholen.",
            "Un forum en ligne d'une demi-journée sur l'enseignement des soins "
            "et de la réadaptation.",
        ),
        "contact_email": _REHAB,
        "agreement": "hvust-ap-letter-of-intent-vocational-education",
        "host": "ap-university-antwerp",
        "partners": ["hainan-vocational-university"],
        "fields": ["0915", "0913"],
        "starts_on": 300,
        "mode": "online",
        "places": 300,
    },
    # --- Conference and competitions -----------------------------------------
    {
        "slug": "world-vocational-technical-education-conference-tianjin",
        "kind": "forum",
        "title": t(
            "World Vocational and Technical Education Development Conference",
            "世界职业技术教育发展大会",
            "Wereldconferentie over de ontwikkeling van technisch en beroepsonderwijs",
            "Conférence mondiale sur le développement de l'enseignement "
            "technique et professionnel",
        ),
        "summary": t(
            "Ministers, schools, companies and international organisations meet "
            "in Tianjin on the future of vocational education, with forums, an "
            "exhibition and a skills competition.",
            "各国部长、院校、企业和国际组织齐聚天津，共商职业教育未来，设有论坛、"
            "展览和技能大赛。",
            "Ministers, scholen, bedrijven en internationale organisaties komen "
            "in Tianjin samen over de toekomst van het beroepsonderwijs, met "
            "fora, een tentoonstelling en een vaardigheidswedstrijd.",
            "Ministres, écoles, entreprises et organisations internationales se "
            "réunissent à Tianjin sur l'avenir de l'enseignement professionnel, "
            "avec forums, exposition et concours.",
        ),
        "how_to_apply": t("Register as a delegate before the deadline."),
        "contact_email": "conference@example.org",
        "agreement": "world-tvet-conference-co-organisation",
        "host": "tianjin-education-commission",
        "partners": [
            "ministry-of-education-china",
            "unesco-unevoc",
            "worldskills-international",
        ],
        "fields": ["011"],
        "starts_on": 130,
        "ends_on": 132,
        "application_deadline": 60,
        "mode": "hybrid",
        "places": 1500,
    },
    {
        "slug": "skills-competition-industrial-robotics",
        "kind": "competition",
        "title": t(
            "International vocational skills competition: industrial robotics",
            "国际职业技能大赛：工业机器人",
            "Internationale wedstrijd beroepsvaardigheden: industriële robotica",
            "Concours international de compétences professionnelles : "
            "robotique industrielle",
        ),
        "summary": t(
            "Teams of two students program and commission a robot cell, held "
            "with the conference in Tianjin.",
            "两人一组的学生团队完成机器人工作站的编程与调试，与大会同期在天津举行。",
            "Teams van twee studenten programmeren en configureren een "
            "robotcel, tijdens de conferentie in Tianjin.",
            "Des équipes de deux étudiants programment et mettent en service une "
            "cellule robotisée, pendant la conférence de Tianjin.",
        ),
        "eligibility": t("Vocational students under 23 on the day of the competition."),
        "how_to_apply": t("Schools register their teams."),
        "contact_email": "skills@example.org",
        "agreement": "world-tvet-conference-co-organisation",
        "host": "tianjin-bohai-vocational-technical-college",
        "partners": [
            "ayutthaya-technical-college",
            "luban-workshop-thailand",
            "shenzhen-polytechnic-university",
        ],
        "fields": ["0714"],
        "starts_on": 128,
        "ends_on": 131,
        "application_deadline": 80,
        "places": 40,
    },
    {
        "slug": "competition-training-cooking-restaurant-service",
        "kind": "competition",
        "title": t(
            "Training camp for international competitions in cooking and "
            "restaurant service",
            "国际烹饪与餐厅服务技能大赛集训营",
            "Trainingskamp voor internationale wedstrijden koken en restaurantdienst",
            "Stage de préparation aux concours internationaux de cuisine et de "
            "service en salle",
        ),
        "summary": t(
            "Two weeks of intensive training with chefs and former medal winners.",
            "与厨师和往届奖牌得主一起进行为期两周的强化训练。",
            "Twee weken intensieve training met chefs en vroegere medaillewinnaars.",
            "Deux semaines d'entraînement intensif avec des chefs et d'anciens "
            "médaillés.",
        ),
        "outcomes": t(
            "Two team members later won medallions for excellence.",
            "两名队员随后获得优胜奖。",
            "Twee deelnemers wonnen later een medaille voor uitmuntendheid.",
            "Deux participants ont ensuite obtenu un médaillon d'excellence.",
        ),
        "contact_email": "hospitality@example.org",
        "agreement": "paul-bocuse-zhejiang-hospitality-cooperation",
        "host": "institut-paul-bocuse",
        "partners": ["zhejiang-tourism-college", "ter-groene-poorte"],
        "fields": ["1013"],
        "starts_on": -420,
        "ends_on": -406,
        "participants": 12,
    },
    # --- The Luban Workshop ---------------------------------------------------
    {
        "slug": "luban-workshop-electrical-automation-course",
        "kind": "training",
        "title": t(
            "Luban Workshop course in electrical automation",
            "鲁班工坊电气自动化培训课程",
            "Cursus elektrische automatisering in de Luban Workshop",
            "Cours d'automatisme électrique à l'atelier Luban",
        ),
        "summary": t(
            "Hands-on training on Chinese automation equipment, taught by "
            "instructors from Tianjin and Ayutthaya together.",
            "由天津和大城教师共同授课，使用中国自动化设备进行实操培训。",
            "Praktijkopleiding op Chinese automatiseringsapparatuur, samen "
            "gegeven door instructeurs uit Tianjin en Ayutthaya.",
            "Formation pratique sur des équipements d'automatisme chinois, "
            "dispensée par des formateurs de Tianjin et d'Ayutthaya.",
        ),
        "agreement": "luban-workshop-thailand-framework",
        "host": "luban-workshop-thailand",
        "partners": ["tianjin-bohai-vocational-technical-college"],
        "fields": ["0713", "0714"],
        "starts_on": -30,
        "ends_on": 60,
        "places": 30,
        "participants": 28,
    },
    {
        "slug": "luban-workshop-instructor-training-tianjin",
        "kind": "teacher",
        "title": t(
            "Instructor training for the Luban Workshop in Tianjin",
            "鲁班工坊师资天津培训",
            "Opleiding van Luban Workshop-instructeurs in Tianjin",
            "Formation des formateurs de l'atelier Luban à Tianjin",
        ),
        "summary": t(
            "Thai instructors train for four weeks in Tianjin on the equipment "
            "and teaching methods of the workshop.",
            "泰国教师在天津接受为期四周的设备与教学方法培训。",
            "Thaise instructeurs volgen vier weken opleiding in Tianjin over de "
            "apparatuur en lesmethoden.",
            "Des formateurs thaïlandais se forment quatre semaines à Tianjin aux "
            "équipements et méthodes de l'atelier.",
        ),
        "outcomes": t("Eight instructors certified to teach the workshop's courses."),
        "agreement": "luban-workshop-thailand-framework",
        "host": "tianjin-bohai-vocational-technical-college",
        "partners": ["ayutthaya-technical-college", "luban-workshop-thailand"],
        "fields": ["0713", "0714"],
        "starts_on": -250,
        "ends_on": -222,
        "participants": 8,
    },
    {
        "slug": "luban-workshop-students-in-tianjin",
        "kind": "student",
        "title": t(
            "Luban Workshop students at Tianjin Bohai",
            "鲁班工坊学生赴天津渤海交流",
            "Studenten van de Luban Workshop in Tianjin",
            "Étudiants de l'atelier Luban à Tianjin",
        ),
        "summary": t(
            "A term in Tianjin for the workshop's best students, with "
            "internships in local companies.",
            "工坊优秀学生赴天津学习一个学期，并在当地企业实习。",
            "Een trimester in Tianjin voor de beste studenten van de workshop, "
            "met stages in lokale bedrijven.",
            "Un trimestre à Tianjin pour les meilleurs étudiants de l'atelier, "
            "avec des stages en entreprise.",
        ),
        "agreement": "luban-workshop-thailand-framework",
        "host": "tianjin-bohai-vocational-technical-college",
        "partners": ["ayutthaya-technical-college"],
        "fields": ["0714"],
        "starts_on": 40,
        "ends_on": 130,
        "application_deadline": -5,
        "places": 20,
    },
    # --- Modern agriculture ---------------------------------------------------
    {
        "slug": "yangling-students-modern-agriculture-roeselare",
        "kind": "student",
        "title": t(
            "Modern agriculture semester in Roeselare",
            "鲁瑟拉勒现代农业学期交流",
            "Semester moderne landbouw in Roeselare",
            "Semestre d'agriculture moderne à Roulers",
        ),
        "summary": t(
            "Students from Yangling learn precision livestock farming and "
            "farm management on Flemish farms.",
            "杨凌学生在佛兰德农场学习精准畜牧和农场管理。",
            "Studenten uit Yangling leren precisieveehouderij en "
            "bedrijfsbeheer op Vlaamse boerderijen.",
            "Des étudiants de Yangling apprennent l'élevage de précision et la "
            "gestion d'exploitation dans des fermes flamandes.",
        ),
        "outcomes": t("Five students completed the semester with 30 ECTS credits."),
        "agreement": "vives-yangling-agriculture-exchange-first",
        "host": "vives-university-of-applied-sciences",
        "partners": ["yangling-vocational-technical-college"],
        "fields": ["0811"],
        "starts_on": -1200,
        "ends_on": -1110,
        "city": "Roeselare",
        "participants": 5,
    },
    {
        "slug": "smart-farming-summer-school-yangling",
        "kind": "study_abroad",
        "title": t(
            "Summer school in smart farming in Yangling",
            "杨凌智慧农业暑期学校",
            "Zomerschool slimme landbouw in Yangling",
            "Université d'été en agriculture intelligente à Yangling",
        ),
        "summary": t(
            "Three weeks on greenhouse automation, drones and dryland farming "
            "in China's agricultural high-tech zone.",
            "在中国农业高新技术示范区学习三周温室自动化、无人机和旱作农业。",
            "Drie weken serreautomatisering, drones en droge landbouw in de "
            "Chinese landbouwtechnologiezone.",
            "Trois semaines d'automatisation des serres, de drones et "
            "d'agriculture en zone sèche.",
        ),
        "eligibility": t("Agriculture and horticulture students of VIVES."),
        "how_to_apply": t("Apply on the VIVES international page."),
        "contact_email": "agriculture@example.org",
        "agreement": "vives-yangling-agriculture-exchange-renewal",
        "host": "yangling-vocational-technical-college",
        "partners": ["vives-university-of-applied-sciences"],
        "fields": ["0811", "0812"],
        "starts_on": 90,
        "ends_on": 110,
        "application_deadline": 30,
        "places": 15,
    },
    {
        "slug": "yangling-delegation-flemish-agritech",
        "kind": "delegation",
        "title": t(
            "Yangling delegation visits Flemish agri-tech",
            "杨凌代表团考察佛兰德农业科技",
            "Delegatie uit Yangling bezoekt Vlaamse agrotech",
            "Une délégation de Yangling visite l'agrotech flamande",
        ),
        "summary": t(
            "College leaders visit research farms and agri-tech companies to "
            "plan the renewed exchange.",
            "学院领导考察研究农场和农业科技企业，规划续签后的交流项目。",
            "Leiders van de hogeschool bezoeken proefboerderijen en "
            "agrotechbedrijven om de hernieuwde uitwisseling voor te bereiden.",
            "Les dirigeants du collège visitent des fermes de recherche et des "
            "entreprises pour préparer l'échange renouvelé.",
        ),
        "agreement": "vives-yangling-agriculture-exchange-renewal",
        "host": "vives-university-of-applied-sciences",
        "partners": ["yangling-vocational-technical-college"],
        "fields": ["0811"],
        "starts_on": -25,
        "ends_on": -20,
        "city": "Roeselare",
        "participants": 7,
    },
    {
        "slug": "joint-programme-modern-agriculture-technology",
        "kind": "joint_programme",
        "title": t(
            "Joint programme in modern agriculture technology",
            "现代农业技术联合培养项目",
            "Gezamenlijk programma moderne landbouwtechnologie",
            "Programme conjoint en technologie agricole moderne",
        ),
        "summary": t(
            "A two-year programme taught in Yangling and Roeselare, leading to "
            "certificates from both colleges.",
            "在杨凌和鲁瑟拉勒两地授课的两年制项目，毕业获两校证书。",
            "Een programma van twee jaar in Yangling en Roeselare, met "
            "getuigschriften van beide hogescholen.",
            "Un programme de deux ans enseigné à Yangling et à Roulers, avec les "
            "certificats des deux établissements.",
        ),
        "eligibility": t(
            "Secondary-school graduates with a background in agriculture."
        ),
        "how_to_apply": t("Apply through the admissions office in Yangling."),
        "contact_email": "agriculture@example.org",
        "agreement": "vives-yangling-agriculture-exchange-renewal",
        "host": "yangling-vocational-technical-college",
        "partners": ["vives-university-of-applied-sciences"],
        "fields": ["0811", "0812"],
        "starts_on": 250,
        "ends_on": 250 + 730,
        "application_deadline": 120,
        "places": 25,
    },
    {
        "slug": "greenhouse-horticulture-teacher-exchange",
        "kind": "teacher",
        "title": t(
            "Teacher exchange in greenhouse horticulture",
            "温室园艺教师交流",
            "Docentenuitwisseling glastuinbouw",
            "Échange d'enseignants en horticulture sous serre",
        ),
        "summary": t(
            "Two Yangling teachers join VIVES's greenhouse horticulture "
            "courses for two weeks.",
            "两位杨凌教师参加VIVES温室园艺课程两周。",
            "Twee docenten uit Yangling volgen twee weken de lessen "
            "glastuinbouw van VIVES.",
            "Deux enseignants de Yangling suivent deux semaines les cours "
            "d'horticulture sous serre de VIVES.",
        ),
        "agreement": "vives-yangling-agriculture-exchange-renewal",
        "host": "vives-university-of-applied-sciences",
        "partners": ["yangling-vocational-technical-college"],
        "fields": ["0812"],
        "starts_on": -5,
        "ends_on": 9,
        "city": "Roeselare",
        "places": 2,
        "participants": 2,
    },
    # --- Modern services: hospitality and tourism ----------------------------
    {
        "slug": "hotel-internships-lyon",
        "kind": "internship",
        "title": t(
            "Hotel and restaurant internships near Lyon",
            "里昂酒店与餐厅实习",
            "Stages in hotels en restaurants bij Lyon",
            "Stages en hôtellerie et restauration près de Lyon",
        ),
        "summary": t(
            "Six-month internships in the institute's training hotel and restaurants.",
            "在学院实训酒店和餐厅进行为期六个月的实习。",
            "Stages van zes maanden in het opleidingshotel en de restaurants "
            "van het instituut.",
            "Stages de six mois dans l'hôtel et les restaurants d'application "
            "de l'institut.",
        ),
        "contact_email": "hospitality@example.org",
        "agreement": "paul-bocuse-zhejiang-hospitality-cooperation",
        "host": "institut-paul-bocuse",
        "partners": ["zhejiang-tourism-college"],
        "fields": ["1013"],
        "starts_on": -100,
        "ends_on": 80,
        "places": 10,
        "participants": 9,
    },
    {
        "slug": "culinary-student-exchange-bruges",
        "kind": "student",
        "title": t(
            "Culinary student exchange in Bruges",
            "布鲁日烹饪专业学生交流",
            "Culinaire studentenuitwisseling in Brugge",
            "Échange d'étudiants en cuisine à Bruges",
        ),
        "summary": t(
            "Hospitality students from Hangzhou cook and serve alongside Bruges "
            "pupils for ten days.",
            "杭州酒店专业学生与布鲁日学生一起烹饪和服务十天。",
            "Hotelstudenten uit Hangzhou koken en bedienen tien dagen samen met "
            "Brugse leerlingen.",
            "Des étudiants en hôtellerie de Hangzhou cuisinent et servent dix "
            "jours avec des élèves de Bruges.",
        ),
        "outcomes": t("A Chinese-Flemish dinner for 120 guests."),
        "agreement": "paul-bocuse-zhejiang-hospitality-cooperation",
        "host": "ter-groene-poorte",
        "partners": ["zhejiang-tourism-college"],
        "fields": ["1013"],
        "starts_on": -600,
        "ends_on": -590,
        "participants": 8,
    },
    {
        "slug": "online-workshop-tea-culture-chinese-cuisine",
        "kind": "training",
        "title": t(
            "Online workshop: tea culture and Chinese cuisine",
            "线上工作坊：茶文化与中国烹饪",
            "Online workshop: theecultuur en de Chinese keuken",
            "Atelier en ligne : culture du thé et cuisine chinoise",
        ),
        "summary": t(
            "A live online workshop on Chinese tea service and regional cuisine "
            "for hospitality students.",
            "面向酒店专业学生的中国茶艺与地方菜线上直播工作坊。",
            "Een live online workshop over Chinese theeservice en regionale "
            "keuken voor hotelstudenten.",
            "Un atelier en ligne en direct sur le service du thé et la cuisine "
            "régionale chinoise.",
        ),
        "how_to_apply": t("Register with the form on the external link."),
        "contact_email": "hospitality@example.org",
        "host": "zhejiang-tourism-college",
        "partners": ["ter-groene-poorte", "institut-paul-bocuse"],
        "fields": ["1013", "1015"],
        "starts_on": 25,
        "application_deadline": 18,
        "mode": "online",
        "places": 60,
    },
    {
        "slug": "tourism-management-semester-liege",
        "kind": "study_abroad",
        "title": t(
            "Tourism management semester in Liège",
            "列日旅游管理学期项目",
            "Semester toerismemanagement in Luik",
            "Semestre de gestion du tourisme à Liège",
        ),
        "summary": t(
            "Cancelled when the exchange agreement was terminated.",
            "因交流协议终止而取消。",
            "Geannuleerd toen de uitwisselingsovereenkomst werd beëindigd.",
            "Annulé à la résiliation de l'accord d'échange.",
        ),
        "agreement": "hepl-zhejiang-tourism-exchange",
        "host": "hepl-liege",
        "partners": ["zhejiang-tourism-college"],
        "fields": ["1015"],
        "starts_on": 30,
        "ends_on": 140,
        "places": 4,
        "cancelled": True,
    },
    {
        "slug": "port-logistics-internships-antwerp",
        "kind": "internship",
        "title": t(
            "Port logistics internships in Antwerp",
            "安特卫普港口物流实习",
            "Stages havenlogistiek in Antwerpen",
            "Stages en logistique portuaire à Anvers",
        ),
        "summary": t(
            "Three-month internships in container, rail and inland-shipping "
            "operations at Europe's second-largest port.",
            "在欧洲第二大港进行为期三个月的集装箱、铁路和内河航运实习。",
            "Stages van drie maanden in container-, spoor- en "
            "binnenvaartactiviteiten in de tweede haven van Europa.",
            "Stages de trois mois dans les opérations conteneurs, ferroviaires "
            "et fluviales du deuxième port d'Europe.",
        ),
        "eligibility": t("Students of logistics or transport in their final year."),
        "how_to_apply": t("Send a CV and a letter from your school."),
        "contact_email": "port-internships@example.org",
        "host": "port-of-antwerp-bruges",
        "partners": ["shenzhen-polytechnic-university", "hainan-vocational-university"],
        "fields": ["1041"],
        "starts_on": 45,
        "ends_on": 135,
        "application_deadline": 10,
        "places": 6,
    },
    # --- Electronics and automation ------------------------------------------
    {
        "slug": "online-course-plc-programming",
        "kind": "training",
        "title": t(
            "Online course: PLC programming",
            "线上课程：PLC编程",
            "Online cursus: PLC-programmering",
            "Cours en ligne : programmation d'automates",
        ),
        "summary": t(
            "A six-week online course in programmable logic controllers, "
            "taught jointly from Shenzhen and Liège.",
            "由深圳和列日联合讲授的为期六周的可编程控制器线上课程。",
            "Een online cursus van zes weken over programmeerbare "
            "besturingen, samen gegeven vanuit Shenzhen en Luik.",
            "Un cours en ligne de six semaines sur les automates "
            "programmables, donné depuis Shenzhen et Liège.",
        ),
        "host": "shenzhen-polytechnic-university",
        "partners": ["hepl-liege"],
        "fields": ["0714"],
        "starts_on": -20,
        "ends_on": 22,
        "mode": "online",
        "places": 40,
        "participants": 37,
    },
    {
        "slug": "joint-bachelor-electronics-automation",
        "kind": "joint_programme",
        "title": t(
            "Joint bachelor programme in electronics and automation",
            "电子与自动化联合本科项目",
            "Gezamenlijke bacheloropleiding elektronica en automatisering",
            "Bachelier conjoint en électronique et automatisation",
        ),
        "summary": t(
            "Planned with the cooperation agreement now in negotiation; "
            "applications open once it is signed.",
            "与正在谈判中的合作协议同步规划，协议签署后开放申请。",
            "Gepland met de samenwerkingsovereenkomst die nog wordt "
            "onderhandeld; inschrijven kan zodra die ondertekend is.",
            "Prévu avec l'accord de coopération en cours de négociation ; "
            "candidatures ouvertes après signature.",
        ),
        "host": "hepl-liege",
        "partners": ["shenzhen-polytechnic-university"],
        "fields": ["0714", "0713"],
        "starts_on": 400,
        "ends_on": 400 + 3 * 365,
        "places": 20,
    },
    # --- Arts, delegations, forums -------------------------------------------
    {
        "slug": "exhibition-flemish-chinese-design-students",
        "kind": "other",
        "title": t(
            "Exhibition of Flemish and Chinese design students' work",
            "佛兰德与中国设计专业学生作品展",
            "Tentoonstelling van werk van Vlaamse en Chinese designstudenten",
            "Exposition de travaux d'étudiants en design flamands et chinois",
        ),
        "summary": t(
            "Product and interior design projects from Antwerp and Shenzhen, "
            "shown together in Antwerp.",
            "安特卫普与深圳的产品设计和室内设计作品在安特卫普联合展出。",
            "Product- en interieurontwerpen uit Antwerpen en Shenzhen, samen "
            "tentoongesteld in Antwerpen.",
            "Projets de design produit et d'intérieur d'Anvers et de Shenzhen, "
            "exposés ensemble à Anvers.",
        ),
        "outcomes": t("Thirty works shown; about 2,000 visitors."),
        "host": "ap-university-antwerp",
        "partners": ["shenzhen-polytechnic-university"],
        "fields": ["0212"],
        "starts_on": -80,
        "ends_on": -50,
        "participants": 30,
    },
    {
        "slug": "flemish-education-delegation-to-hainan",
        "kind": "delegation",
        "title": t(
            "Flemish education delegation to Hainan",
            "佛兰德教育代表团访问海南",
            "Vlaamse onderwijsdelegatie naar Hainan",
            "Délégation flamande de l'enseignement au Hainan",
        ),
        "summary": t(
            "A visit that prepared the letter of intent between Hainan and AP.",
            "此次访问为海南与AP之间的合作意向书奠定了基础。",
            "Een bezoek ter voorbereiding van de intentieverklaring tussen "
            "Hainan en AP.",
            "Une visite qui a préparé la lettre d'intention entre le Hainan et AP.",
        ),
        "host": "hainan-vocational-university",
        "partners": ["flemish-department-of-education", "ap-university-antwerp"],
        "fields": ["011"],
        "starts_on": -480,
        "ends_on": -475,
        "participants": 9,
    },
    {
        "slug": "chinese-education-delegation-to-flanders",
        "kind": "delegation",
        "title": t(
            "Chinese education delegation visits Flemish vocational schools",
            "中国教育代表团考察佛兰德职业院校",
            "Chinese onderwijsdelegatie bezoekt Vlaamse beroepsscholen",
            "Une délégation chinoise visite des écoles professionnelles flamandes",
        ),
        "summary": t(
            "Dual learning, work-based learning and teacher training in Flanders.",
            "考察佛兰德的双元制学习、工作本位学习和教师培训。",
            "Duaal leren, werkplekleren en lerarenopleiding in Vlaanderen.",
            "Formation en alternance, apprentissage en entreprise et formation "
            "des enseignants en Flandre.",
        ),
        "agreement": "china-flanders-vet-framework",
        "host": "flemish-department-of-education",
        "partners": ["ministry-of-education-china"],
        "fields": ["011"],
        "starts_on": 55,
        "ends_on": 60,
        "places": 15,
    },
    {
        "slug": "eurashe-conference-professional-higher-education-china",
        "kind": "forum",
        "title": t(
            "Conference: professional higher education in Europe and China",
            "会议：欧洲与中国的职业高等教育",
            "Conferentie: professioneel hoger onderwijs in Europa en China",
            "Conférence : l'enseignement supérieur professionnel en Europe et en Chine",
        ),
        "summary": t(
            "Two days in Brussels on applied research, recognition of "
            "qualifications and mobility between European and Chinese "
            "institutions.",
            "在布鲁塞尔举行为期两天的会议，探讨应用研究、学历互认以及欧中院校间的"
            "流动。",
            "Twee dagen in Brussel over praktijkgericht onderzoek, erkenning "
            "van kwalificaties en mobiliteit tussen Europese en Chinese "
            "instellingen.",
            "Deux jours à Bruxelles sur la recherche appliquée, la "
            "reconnaissance des qualifications et la mobilité.",
        ),
        "how_to_apply": t("Register on the conference website."),
        "contact_email": "conference@example.org",
        "host": "eurashe",
        "partners": ["vlhora", "ap-university-antwerp", "hainan-vocational-university"],
        "fields": ["011"],
        "starts_on": 180,
        "ends_on": 181,
        "application_deadline": 120,
        "places": 250,
    },
    {
        "slug": "virtual-conference-tvet-skills",
        "kind": "forum",
        "title": t(
            "Virtual conference on vocational education and skills",
            "职业教育与技能线上会议",
            "Virtuele conferentie over beroepsonderwijs en vaardigheden",
            "Conférence virtuelle sur l'enseignement professionnel et les compétences",
        ),
        "summary": t(
            "Five days of online sessions on green and digital skills in "
            "vocational education.",
            "为期五天的线上会议，探讨职业教育中的绿色与数字技能。",
            "Vijf dagen online sessies over groene en digitale vaardigheden in "
            "het beroepsonderwijs.",
            "Cinq jours de sessions en ligne sur les compétences vertes et numériques.",
        ),
        "outcomes": t("About 600 participants from 70 countries."),
        "host": "unesco-unevoc",
        "partners": ["tianjin-education-commission", "ministry-of-education-china"],
        "fields": ["011"],
        "starts_on": -35,
        "ends_on": -31,
        "mode": "online",
        "participants": 600,
    },
    # The one unpublished exchange.
    {
        "slug": "maritime-logistics-summer-course-draft",
        "kind": "training",
        "title": t("Summer course in maritime logistics"),
        "summary": t("Draft: dates and programme to be confirmed."),
        "host": "antwerp-maritime-academy",
        "partners": [],
        "fields": ["1041"],
        "starts_on": 200,
        "ends_on": 214,
        "published": False,
    },
]

# Interest registrations from made-up visitors (example.org addresses only).
INTERESTS: list[dict] = [
    {
        "exchange": "music-student-semester-in-antwerp",
        "name": "Wang Fang",
        "email": "wang.fang@example.org",
        "organisation": "Shanghai Conservatory of Music",
        "message": "I play the cello and would like to know the audition dates.",
    },
    {
        "exchange": "summer-study-programme-chinese-music-shanghai",
        "name": "Lotte Janssens",
        "email": "lotte.janssens@example.org",
        "organisation": "AP Hogeschool Antwerpen",
        "message": "Is there a guzheng class for beginners?",
    },
    {
        "exchange": "rehabilitation-internships-antwerp",
        "name": "Chen Jing",
        "email": "chen.jing@example.org",
        "organisation": "Hainan Vocational University of Science and Technology",
        "message": "Can the internship count towards my degree?",
    },
    {
        "exchange": "smart-farming-summer-school-yangling",
        "name": "Camille Dubois",
        "email": "camille.dubois@example.org",
        "organisation": "",
        "message": "Are places left for horticulture students?",
    },
]
