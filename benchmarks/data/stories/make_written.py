"""Assemble the written news-story development set (issue 14) deterministically.

Every title below was written for this set by the author of the set; none is a real headline. Events are
modelled on the kind of news carried in spring 2025 (some resemble real events, most details are
invented), so nothing here is a factual claim. The script only parses the block below, gives every title
a publication time (seeded, so the output never changes) and writes ``written.jsonl`` (one record per
title: id, title, text = title, published, language, story) and ``written_stories.tsv`` (one line per
story: size, languages, first and last time, hard-negative family, a one-line description).

Block format: ``== <story> d=<day after 2025-03-01> span=<days over which the titles spread> | <what
happened>`` followed by ``<language> | <title>`` lines. The first title of a story is its first report.

    python benchmarks/data/stories/make_written.py          # (re)write the two files
    python benchmarks/data/stories/make_written.py --check  # exit 1 if the files differ from the script
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "es", "pt", "fr", "ru", "de", "sl", "ar", "zh")
START = datetime(2025, 3, 1, tzinfo=UTC)
SEED = 14

TITLES = r"""
== s001 d=2 span=2 | M6.1 earthquake in Malatya province, eastern Turkey
en | Magnitude 6.1 earthquake shakes eastern Turkey, buildings damaged in Malatya
en | Turkey quake: at least 14 dead as rescuers search rubble in Malatya province
en | Strong earthquake hits Malatya, Turkish disaster agency says
es | Un terremoto de magnitud 6,1 sacude el este de Turquía
es | Sube a 14 la cifra de muertos por el sismo en Malatya
fr | Turquie : un séisme de magnitude 6,1 frappe la province de Malatya
de | Erdbeben der Stärke 6,1 erschüttert Osten der Türkei
de | Mindestens 14 Tote nach Beben in Malatya
ru | Землетрясение магнитудой 6,1 произошло на востоке Турции
ru | Число погибших при землетрясении в Малатье выросло до 14
ar | زلزال بقوة 6.1 درجات يضرب ولاية ملاطية شرقي تركيا
ar | ارتفاع حصيلة ضحايا زلزال ملاطية إلى 14 قتيلا
zh | 土耳其东部马拉蒂亚省发生6.1级地震
pt | Sismo de magnitude 6,1 atinge leste da Turquia e deixa 14 mortos
sl | Potres z magnitudo 6,1 na vzhodu Turčije terjal najmanj 14 življenj
en | Turkey earthquake: aftershocks rattle Malatya as survivors sleep outdoors
== s002 d=10 span=1 | M5.8 earthquake in Arequipa, southern Peru
es | Sismo de magnitud 5,8 sacude Arequipa y deja daños en viviendas
es | Temblor de 5,8 en el sur del Perú: reportan dos heridos en Arequipa
en | 5.8 magnitude earthquake strikes southern Peru, two injured
pt | Terremoto de magnitude 5,8 atinge o sul do Peru
zh | 秘鲁南部阿雷基帕发生5.8级地震 2人受伤
fr | Pérou : un séisme de magnitude 5,8 fait deux blessés près d'Arequipa
== s003 d=41 span=1 | M6.4 earthquake off Sulawesi, Indonesia, tsunami warning lifted
en | Magnitude 6.4 quake hits off Indonesia's Sulawesi, tsunami warning lifted
en | Indonesia earthquake: residents flee to higher ground in Central Sulawesi
zh | 印尼苏拉威西岛附近海域发生6.4级地震 海啸预警已解除
ar | زلزال بقوة 6.4 درجات قبالة جزيرة سولاويسي الإندونيسية
== s004 d=5 span=1 | ECB holds deposit rate at 2.5% (March)
en | ECB holds rates at 2.5% as trade worries cloud outlook
en | European Central Bank leaves deposit rate unchanged at 2.5%
en | Lagarde: ECB 'not pre-committing' after pause on rates
de | EZB lässt Leitzins unverändert bei 2,5 Prozent
de | Zinspause: Europäische Zentralbank hält still
fr | La BCE maintient son taux de dépôt à 2,5 %
es | El BCE mantiene los tipos de interés en el 2,5 %
pt | BCE mantém taxa de depósito em 2,5%
sl | ECB obrestne mere pustila nespremenjene
zh | 欧洲央行维持存款利率2.5%不变
ru | ЕЦБ сохранил ставку по депозитам на уровне 2,5%
ar | المركزي الأوروبي يبقي سعر الفائدة على الودائع عند 2.5%
== s005 d=47 span=1 | ECB cuts deposit rate to 2.25% (April)
en | ECB cuts rates to 2.25% as tariffs weigh on growth
en | European Central Bank lowers deposit rate by a quarter point
de | EZB senkt Leitzins auf 2,25 Prozent
fr | La BCE abaisse son taux de dépôt à 2,25 %
es | El BCE recorta los tipos al 2,25 %
sl | ECB znižala obrestno mero na 2,25 odstotka
ru | ЕЦБ снизил ставку по депозитам до 2,25%
zh | 欧洲央行下调存款利率至2.25%
pt | BCE corta taxa de depósito para 2,25%
== s006 d=18 span=1 | Brazil central bank (Copom) raises Selic to 14.25%
pt | Copom eleva Selic para 14,25% e sinaliza nova alta menor
pt | Banco Central sobe juros pela quinta vez seguida; Selic vai a 14,25%
pt | Selic a 14,25%: o que muda para o seu bolso
en | Brazil raises benchmark rate to 14.25%, signals smaller hike next
es | Brasil sube la tasa Selic al 14,25 %
== s007 d=18 span=1 | US Fed holds rates at 4.25-4.5% (March), cuts growth forecast
en | Fed holds rates steady, still sees two cuts this year
en | Federal Reserve keeps benchmark rate at 4.25%-4.5%, lowers growth forecast
en | Powell says tariffs may delay progress on inflation
en | Fed leaves interest rates unchanged for second straight meeting
es | La Reserva Federal mantiene los tipos entre el 4,25 % y el 4,5 %
de | US-Notenbank Fed lässt Zinsen unverändert
fr | La Fed laisse ses taux inchangés et abaisse sa prévision de croissance
zh | 美联储维持利率在4.25%至4.5%区间不变
ru | ФРС США сохранила ставку на уровне 4,25–4,5%
pt | Fed mantém juros entre 4,25% e 4,5% e reduz previsão de crescimento
== s052 d=20 span=1 | Bank of Russia holds key rate at 21% (March)
ru | Банк России сохранил ключевую ставку на уровне 21%
ru | ЦБ оставил ставку без изменений и не исключил ее повышения
ru | Набиуллина: жесткая политика сохранится дольше, чем ожидалось
en | Russia's central bank keeps key rate at 21%
de | Russische Zentralbank belässt Leitzins bei 21 Prozent
== s008 d=8 span=2 | French education minister Claire Vautrin announces phone ban in schools
fr | Claire Vautrin annonce l'interdiction du portable au lycée dès la rentrée
fr | Portable à l'école : la ministre Vautrin veut une « pause numérique » jusqu'à 18 ans
fr | Interdiction des téléphones au lycée : les syndicats d'enseignants sceptiques
en | France to ban mobile phones in high schools from September, minister says
es | Francia prohibirá los móviles en los institutos a partir de septiembre
de | Frankreich verbietet Handys an Gymnasien
== s009 d=38 span=3 | Claire Vautrin resigns over cuts to the education budget
fr | La ministre de l'Éducation Claire Vautrin démissionne
fr | Démission de Claire Vautrin : « Je ne peux pas défendre ces coupes »
fr | Budget de l'Éducation : Vautrin claque la porte du gouvernement
fr | Après la démission de Vautrin, qui pour reprendre l'Éducation nationale ?
fr | Coupes de 1,2 milliard : le départ de Vautrin fragilise le Premier ministre
en | French education minister quits over €1.2bn budget cuts
en | France's Vautrin resigns, accusing government of 'sacrificing schools'
en | French government reshuffle looms after education minister's exit
es | Dimite la ministra francesa de Educación por los recortes presupuestarios
de | Französische Bildungsministerin Vautrin tritt zurück
de | Streit um Sparhaushalt: Frankreichs Bildungsministerin wirft hin
pt | Ministra da Educação da França renuncia em protesto contra cortes
ar | استقالة وزيرة التعليم الفرنسية احتجاجا على خفض الميزانية
ru | Министр образования Франции ушла в отставку из-за сокращения бюджета
sl | Francoska ministrica za šolstvo Vautrin odstopila zaradi rezov
== s010 d=12 span=1 | Slovenian health minister Marko Zupan presents waiting-list reform
sl | Minister Zupan predstavil reformo za krajšanje čakalnih vrst
sl | Zupan: do konca leta brez čakalnih vrst, daljših od 90 dni
en | Slovenia unveils plan to cut hospital waiting lists to 90 days
== s011 d=30 span=2 | No-confidence motion against health minister Zupan
sl | Opozicija vložila interpelacijo proti ministru za zdravje Zupanu
sl | Interpelacija: Zupan zavrača očitke o zlorabi javnih naročil
sl | Državni zbor bo o interpelaciji ministra Zupana glasoval v četrtek
en | Slovenian opposition seeks no-confidence vote on health minister
== s012 d=6 span=1 | La Liga: Real Madrid 3-1 Valencia
es | El Real Madrid remonta y vence 3-1 al Valencia
es | Vinícius guía al Madrid en la remontada ante el Valencia (3-1)
en | Real Madrid come from behind to beat Valencia 3-1
pt | Vinícius marca e Real Madrid vira sobre o Valencia
fr | Liga : le Real Madrid renverse Valence (3-1)
== s013 d=20 span=1 | Madrid derby: Atlético 2-1 Real Madrid
es | El Atlético gana el derbi 2-1 y mete presión al Real Madrid
es | Griezmann decide el derbi madrileño en el minuto 88
en | Atletico beat Real Madrid 2-1 in derby thriller
fr | Griezmann offre le derby à l'Atlético face au Real (2-1)
pt | Atlético vence dérbi com golo tardio e complica o Real Madrid
de | Atlético gewinnt Madrider Derby gegen Real mit 2:1
== s014 d=39 span=2 | Champions League QF first leg: Real Madrid 2-0 Arsenal
en | Real Madrid take 2-0 lead over Arsenal in Champions League quarter-final
en | Bellingham scores against former rivals as Madrid beat Arsenal
en | Arsenal left with mountain to climb after 2-0 defeat in Madrid
es | El Real Madrid tumba al Arsenal (2-0) en la ida de cuartos
es | Bellingham y Mbappé encarrilan la eliminatoria ante el Arsenal
fr | Ligue des champions : le Real domine Arsenal (2-0)
de | Champions League: Real Madrid schlägt Arsenal 2:0
pt | Real Madrid vence Arsenal por 2-0 na Liga dos Campeões
ar | ريال مدريد يتغلب على أرسنال بهدفين نظيفين في ذهاب ربع النهائي
== s015 d=28 span=1 | Portuguese league: Benfica 2-1 Porto
pt | Benfica vence FC Porto por 2-1 no clássico da Luz
pt | Clássico: golo nos descontos dá vitória ao Benfica
pt | Benfica isola-se na liderança após vencer o Porto
en | Benfica edge Porto 2-1 to go top in Portugal
== s016 d=15 span=0 | Olimpija Ljubljana 1-0 Maribor
sl | Olimpija z zadetkom v drugem polčasu premagala Maribor
sl | Derbi Olimpiji: 1:0 proti Mariboru v Stožicah
== s017 d=22 span=3 | Flash floods in Valencia region, 9 dead
es | Al menos nueve muertos por las inundaciones en la provincia de Valencia
es | La DANA deja nueve fallecidos y miles de evacuados en Valencia
es | Alerta roja en Valencia: lluvias de 300 litros en pocas horas
es | Las inundaciones cortan carreteras y la línea de tren Valencia-Madrid
en | Flash floods kill nine in Spain's Valencia region
en | Spain floods: thousands evacuated as torrential rain hits east coast
fr | Espagne : au moins neuf morts dans des inondations près de Valence
de | Unwetter in Spanien: Neun Tote bei Überschwemmungen um Valencia
pt | Inundações em Valência fazem pelo menos nove mortos
zh | 西班牙瓦伦西亚暴雨引发洪水 至少9人死亡
ar | مقتل تسعة أشخاص في فيضانات بمنطقة فالنسيا الإسبانية
ru | Наводнение в испанской Валенсии: не менее девяти погибших
sl | V poplavah v Valencii umrlo najmanj devet ljudi
== s018 d=44 span=2 | Floods in Rio Grande do Sul, Brazil, 4 dead
pt | Chuvas no Rio Grande do Sul deixam quatro mortos e milhares de desalojados
pt | Rio Guaíba sobe e Porto Alegre volta a temer enchente
pt | Governo federal envia ajuda ao RS após temporais
en | Floods in southern Brazil kill four, thousands displaced
es | Lluvias torrenciales en el sur de Brasil dejan cuatro muertos
de | Überschwemmungen im Süden Brasiliens: Vier Tote
== s019 d=9 span=2 | SNCF rail strike in France, 2 days, half of TGVs cancelled
fr | Grève SNCF : un TGV sur deux annulé jeudi et vendredi
fr | Grève des cheminots : le trafic fortement perturbé en Île-de-France
fr | Grève à la SNCF : la direction appelle à la reprise du dialogue
en | French rail strike cancels half of high-speed trains
en | Eurostar cuts services as French rail workers walk out
de | Bahnstreik in Frankreich: Jeder zweite TGV fällt aus
es | Huelga ferroviaria en Francia: cancelado uno de cada dos trenes de alta velocidad
== s020 d=25 span=2 | German train drivers' union GDL strike at Deutsche Bahn, 48 hours
de | GDL ruft zu 48-stündigem Streik bei der Deutschen Bahn auf
de | Bahnstreik legt Fernverkehr in ganz Deutschland lahm
de | Lokführerstreik: Was Fahrgäste jetzt wissen müssen
de | Deutsche Bahn scheitert mit Eilantrag gegen GDL-Streik
en | German train drivers begin 48-hour strike, halting most long-distance trains
fr | Allemagne : grève de 48 heures des conducteurs de train
== s021 d=52 span=1 | New SNCF strike over May bank holidays (controllers)
fr | Nouvelle grève à la SNCF : les contrôleurs menacent les ponts de mai
fr | Préavis de grève des contrôleurs SNCF pour le week-end du 8 mai
en | French rail controllers call strike over May holiday weekends
es | Los revisores de la SNCF convocan huelga para los puentes de mayo
== s022 d=17 span=2 | Portugal snap election: centre-right AD wins without majority
pt | AD vence legislativas mas fica longe da maioria absoluta
pt | Eleições: Aliança Democrática ganha com 32% e PS cai para segundo
pt | Noite eleitoral: Chega consolida-se como terceira força
pt | Montenegro reclama vitória e pede "estabilidade" ao Parlamento
pt | Abstenção desce para 36% nas legislativas antecipadas
pt | Resultados das legislativas: o mapa distrito a distrito
en | Portugal's centre-right wins snap election but falls short of majority
en | Portugal election: Democratic Alliance first with 32%, far right third
en | What Portugal's third election in three years means for Europe
es | La Alianza Democrática gana las elecciones en Portugal sin mayoría
es | Portugal: la derecha gana y Chega se consolida como tercera fuerza
fr | Législatives au Portugal : la droite l'emporte sans majorité absolue
de | Portugal: Mitte-rechts-Bündnis gewinnt vorgezogene Parlamentswahl
ru | На выборах в Португалии победил правоцентристский альянс
zh | 葡萄牙提前举行议会选举 中右翼联盟获胜但未获多数
ar | التحالف الديمقراطي يفوز بالانتخابات التشريعية المبكرة في البرتغال
sl | Na predčasnih volitvah na Portugalskem zmagala desnosredinska koalicija
== s023 d=14 span=3 | Russia-Ukraine direct talks in Istanbul, first in 3 years
en | Russia and Ukraine hold first direct talks in three years in Istanbul
en | Istanbul talks: Kyiv and Moscow agree to swap prisoners but no ceasefire
en | Ukrainian and Russian delegations meet at Dolmabahce Palace
en | Talks in Turkey end after under two hours, Ukrainian source says
en | Zelensky: Russia sent 'a decorative delegation' to Istanbul
en | Istanbul talks: what each side wanted and what they got
en | Erdogan hails Istanbul meeting as 'a first step towards peace'
ru | В Стамбуле прошли первые за три года прямые переговоры России и Украины
ru | Мединский: Россия и Украина договорились об обмене пленными
ru | Переговоры в Стамбуле завершились, стороны изложили видение перемирия
ru | Песков оценил итоги стамбульской встречи
ru | Делегации России и Украины встретились во дворце Долмабахче
de | Erste direkte Gespräche zwischen Russland und der Ukraine seit drei Jahren in Istanbul
de | Istanbul: Ukraine und Russland vereinbaren Gefangenenaustausch, keine Waffenruhe
fr | À Istanbul, premières négociations directes entre Russes et Ukrainiens depuis 2022
fr | Négociations d'Istanbul : un échange de prisonniers, mais pas de cessez-le-feu
es | Rusia y Ucrania celebran en Estambul su primera negociación directa en tres años
es | Las conversaciones de Estambul terminan sin alto el fuego
pt | Rússia e Ucrânia retomam negociações diretas em Istambul
ar | أول محادثات مباشرة بين روسيا وأوكرانيا منذ ثلاث سنوات في إسطنبول
ar | أردوغان: اجتماع إسطنبول خطوة أولى نحو السلام
zh | 俄乌三年来首次直接谈判在伊斯坦布尔举行
zh | 俄乌伊斯坦布尔谈判结束 双方同意交换战俘
sl | Rusija in Ukrajina v Istanbulu prvič po treh letih za pogajalsko mizo
pt | Istambul: Kiev e Moscovo acordam troca de prisioneiros, mas não cessar-fogo
== s024 d=27 span=2 | Russia-Ukraine prisoner exchange, 150 for 150 (UAE mediation)
en | Russia and Ukraine swap 150 prisoners each in UAE-brokered exchange
en | Ukrainian POWs return home in latest exchange with Russia
ru | Россия и Украина провели обмен пленными в формате 150 на 150
ru | Из украинского плена возвращены 150 российских военнослужащих
ru | Минобороны: посредником в обмене выступили ОАЭ
de | Gefangenenaustausch: Russland und Ukraine tauschen je 150 Soldaten aus
fr | Échange de 150 prisonniers entre la Russie et l'Ukraine
ar | تبادل 150 أسيرا بين روسيا وأوكرانيا بوساطة إماراتية
ar | الإمارات تنجح في وساطة جديدة لتبادل الأسرى بين موسكو وكييف
zh | 俄乌在阿联酋斡旋下各交换150名战俘
== s025 d=33 span=2 | Overnight drone and missile attack on Kyiv kills 9
en | Russian drone and missile attack on Kyiv kills nine, injures dozens
en | Kyiv: apartment block hit as Russia launches overnight barrage
en | Ukraine says it downed 112 drones as Kyiv death toll rises to nine
en | Day of mourning declared in Kyiv after deadly strike
ru | В Киеве после ночной атаки погибли девять человек
ru | Минобороны России заявило об ударе по военным объектам в Киеве
de | Neun Tote bei russischem Angriff auf Kiew
fr | Kiev : neuf morts dans une attaque russe de drones et de missiles
es | Nueve muertos en un ataque ruso con drones y misiles contra Kiev
pt | Ataque russo a Kiev faz nove mortos
ar | تسعة قتلى في هجوم روسي بالمسيرات والصواريخ على كييف
zh | 俄罗斯对基辅发动无人机和导弹袭击 造成9人死亡
sl | V ruskem napadu na Kijev devet mrtvih
ru | Кличко: в Киеве объявлен день траура
== s026 d=35 span=1 | Drone attack on Kharkiv kills 4
en | Four killed as Russian drones hit residential area in Kharkiv
en | Kharkiv mayor: fires rage after drone strike on city centre
ru | При атаке беспилотников на Харьков погибли четыре человека
de | Charkiw: Vier Tote bei Drohnenangriff
fr | Kharkiv : quatre morts dans une frappe de drones
ar | مقتل أربعة أشخاص في هجوم بمسيرات على خاركيف
== s066 d=45 span=4 | Claim: Ukrainian intelligence met Syrian militants (HTS) — report from Turkish paper, spread by state media
en | Report claims Ukrainian intelligence officers met militants in Syria's Idlib
en | Turkish newspaper alleges Kyiv offered drones to Syrian armed groups
en | Kyiv denies report of meeting with Syrian militants as 'Russian fabrication'
en | Moscow demands answers from Kyiv over alleged Idlib contacts
en | Did Ukraine meet militants in Syria? What we know about the claim
en | Ukraine's foreign ministry calls Idlib meeting story 'fake'
ru | СМИ: украинская разведка провела встречу с боевиками в Идлибе
ru | Турецкая газета сообщила о контактах Киева с сирийскими боевиками
ru | Захарова потребовала от Киева объяснений после публикации о встрече в Сирии
ru | Украинские спецслужбы предлагали боевикам беспилотники — СМИ
ru | В МИД Украины назвали фейком сообщения о встрече с боевиками в Сирии
ru | Эксперт: встреча в Идлибе показывает, что Киев ищет новых союзников
ar | تقرير: ضباط استخبارات أوكرانيون التقوا مسلحين في إدلب
ar | صحيفة تركية: كييف عرضت طائرات مسيرة على فصائل سورية
ar | أوكرانيا تنفي لقاء مسلحين في سوريا وتصف التقرير بالمفبرك
ar | موسكو تطالب كييف بتوضيحات حول اتصالات مزعومة في إدلب
zh | 土耳其媒体称乌克兰情报人员在叙利亚伊德利卜会见武装分子
zh | 乌克兰否认与叙利亚武装分子接触
de | Bericht: Ukrainische Geheimdienstler sollen Milizen in Syrien getroffen haben
de | Kiew weist Bericht über Treffen mit syrischen Kämpfern zurück
fr | Un journal turc affirme que des agents ukrainiens ont rencontré des militants à Idleb
fr | Kiev dément toute rencontre avec des groupes armés syriens
es | Un diario turco asegura que la inteligencia ucraniana se reunió con milicianos en Siria
es | Ucrania niega haber ofrecido drones a grupos armados sirios
pt | Jornal turco diz que serviços ucranianos se reuniram com militantes na Síria
sl | Turški časnik: ukrajinski obveščevalci naj bi se v Idlibu srečali z militanti
zh | 俄外交部要求乌方就所谓伊德利卜会面作出解释
sl | Kijev zanika poročila o srečanju s sirskimi militanti
pt | Ucrânia nega ter oferecido drones a grupos armados sírios
== s027 d=11 span=2 | EU fines Apple €500m under Digital Markets Act (app store)
en | EU fines Apple €500m over App Store rules
en | Apple to appeal 'unfair' €500 million EU penalty
en | Brussels hits Apple with first Digital Markets Act fine
de | EU-Kommission verhängt 500 Millionen Euro Strafe gegen Apple
fr | Bruxelles inflige une amende de 500 millions d'euros à Apple
es | La UE multa a Apple con 500 millones de euros
zh | 欧盟依据《数字市场法》对苹果处以5亿欧元罚款
ru | Еврокомиссия оштрафовала Apple на 500 млн евро
pt | UE multa Apple em 500 milhões de euros
== s028 d=41 span=1 | EU fines Google €2.9bn over adtech
en | EU slaps Google with €2.9bn fine over advertising technology
en | Google says it will fight EU adtech penalty
de | Milliardenstrafe: EU verdonnert Google wegen Werbegeschäft
fr | Publicité en ligne : l'UE inflige 2,9 milliards d'euros d'amende à Google
es | Bruselas multa a Google con 2.900 millones por su negocio publicitario
== s029 d=46 span=1 | China Q1 GDP grows 5.4%
en | China's economy grows 5.4% in first quarter, beating forecasts
en | China Q1 growth strong but tariff shock yet to hit
zh | 一季度国内生产总值同比增长5.4%
zh | 国家统计局：一季度经济开局良好 GDP增长5.4%
zh | 专家解读：5.4%的增速超出市场预期
de | Chinas Wirtschaft wächst im ersten Quartal um 5,4 Prozent
ru | ВВП Китая в первом квартале вырос на 5,4%
ar | الاقتصاد الصيني ينمو 5.4% في الربع الأول
== s030 d=43 span=1 | China March exports jump 12.4%
en | China's March exports surge 12.4% as firms rush to beat tariffs
zh | 3月我国出口同比增长12.4%
zh | 海关总署：3月外贸出口超预期
es | Las exportaciones chinas se disparan un 12,4 % en marzo
== s031 d=24 span=3 | Chinese startup Moonfield releases open AI model "Lumen-2"
zh | 初创公司月野科技发布开源大模型Lumen-2
zh | Lumen-2性能比肩国际顶尖模型 训练成本不到600万美元
zh | 月野科技Lumen-2登顶应用商店下载榜
en | Chinese startup Moonfield releases open AI model Lumen-2
en | Lumen-2: the Chinese AI model rattling Silicon Valley
en | Nvidia shares fall 6% after Moonfield's cheap AI model launch
de | Chinesisches KI-Modell Lumen-2 schickt Tech-Aktien auf Talfahrt
fr | Lumen-2, le modèle d'IA chinois qui inquiète la Silicon Valley
ru | Китайский стартап Moonfield выпустил открытую ИИ-модель Lumen-2
ar | شركة صينية ناشئة تطلق نموذج ذكاء اصطناعي مفتوح المصدر "Lumen-2"
sl | Kitajski model umetne inteligence Lumen-2 pretresel borze
== s032 d=7 span=3 | Gaza ceasefire talks in Cairo (March round)
ar | انطلاق جولة جديدة من مفاوضات وقف إطلاق النار في غزة بالقاهرة
ar | وفد حماس يصل القاهرة لبحث المرحلة الثانية من الهدنة
ar | مصادر مصرية: تقدم في محادثات القاهرة بشأن تبادل الأسرى
ar | مفاوضات القاهرة تنتهي دون اتفاق على تمديد الهدنة
en | Gaza truce talks resume in Cairo as first phase nears end
en | Hamas delegation arrives in Cairo for ceasefire negotiations
en | Cairo talks on Gaza ceasefire end without deal on second phase
fr | Gaza : reprise des négociations sur la trêve au Caire
de | Gaza: Neue Verhandlungsrunde über Waffenruhe in Kairo
es | Se reanudan en El Cairo las negociaciones sobre la tregua en Gaza
ru | В Каире возобновились переговоры о перемирии в Газе
zh | 加沙停火谈判在开罗重启
ar | الوفد الإسرائيلي يغادر القاهرة دون تحقيق اختراق
== s033 d=36 span=2 | Gaza ceasefire talks in Doha (April round), Qatar proposal
ar | قطر تطرح مقترحا جديدا لوقف إطلاق النار في غزة خلال محادثات الدوحة
ar | جولة مفاوضات جديدة في الدوحة بمشاركة وفد إسرائيلي
ar | الدوحة: المحادثات بشأن غزة "بناءة" لكن الخلافات قائمة
en | Qatar tables new Gaza ceasefire proposal at Doha talks
en | Israeli negotiators travel to Doha for new round of hostage talks
en | Doha talks: gaps remain over permanent end to Gaza war
fr | À Doha, le Qatar propose un nouveau plan de cessez-le-feu à Gaza
de | Katar legt in Doha neuen Vorschlag für Gaza-Waffenruhe vor
es | Catar presenta en Doha una nueva propuesta de alto el fuego para Gaza
zh | 卡塔尔在多哈会谈中提出新的加沙停火方案
ru | В Дохе прошел новый раунд переговоров о прекращении огня в Газе
== s034 d=33 span=1 | OPEC+ agrees to raise output by 411,000 bpd in May
en | OPEC+ agrees surprise 411,000 barrel-a-day output hike for May
en | Oil prices slide after OPEC+ speeds up production increases
ar | أوبك+ تتفق على زيادة الإنتاج 411 ألف برميل يوميا في مايو
ar | السعودية وسبع دول في أوبك+ تسرع وتيرة رفع الإنتاج
ru | ОПЕК+ увеличит добычу нефти на 411 тысяч баррелей в сутки в мае
es | La OPEP+ acuerda aumentar la producción en 411.000 barriles diarios
zh | 欧佩克+同意5月增产41.1万桶/日
== s035 d=57 span=1 | OPEC+ agrees another 411,000 bpd hike for June
en | OPEC+ agrees second big output increase, adding 411,000 bpd in June
ar | أوبك+ تقر زيادة جديدة في الإنتاج لشهر يونيو
ru | ОПЕК+ вновь нарастит добычу в июне
de | Opec+ erhöht Förderung auch im Juni deutlich
== s037 d=19 span=0 | Fire in Cairo's Attaba market, no casualties
ar | حريق هائل في سوق العتبة بالقاهرة والحماية المدنية تسيطر عليه
ar | لا إصابات في حريق العتبة وبدء التحقيق في أسبابه
ar | بالصور: النيران تلتهم عشرات المحلات في العتبة
== s038 d=16 span=1 | Plane skids off runway in Lisbon, 12 injured
pt | Avião sai da pista no aeroporto de Lisboa; 12 feridos ligeiros
pt | Aeroporto Humberto Delgado encerrado durante três horas após incidente
pt | ANAC abre inquérito a saída de pista em Lisboa
en | Passenger jet skids off runway at Lisbon airport, 12 hurt
es | Un avión se sale de la pista en el aeropuerto de Lisboa: 12 heridos
fr | Lisbonne : un avion sort de piste, douze blessés légers
de | Flugzeug rutscht in Lissabon von der Landebahn
== s039 d=29 span=1 | Freight train derails near Maribor, line closed
sl | Pri Mariboru iztiril tovorni vlak, proga zaprta
sl | Iztirjenje pri Pragerskem: promet bo oviran več dni
sl | SŽ: vzrok iztirjenja še ni znan, nevarnih snovi ni bilo
en | Freight train derails in northeastern Slovenia, no injuries
de | Güterzug bei Maribor entgleist
== s040 d=23 span=1 | Bus plunges into ravine in Peru's Andes, 18 dead
es | Al menos 18 muertos al caer un bus a un abismo en Huancavelica
es | Tragedia en la sierra: bus interprovincial cae a un barranco
en | Bus plunges into ravine in Peru, killing at least 18
pt | Acidente de ônibus nos Andes peruanos deixa 18 mortos
== s041 d=26 span=3 | US announces 25% tariffs on imported cars
en | US to impose 25% tariffs on all imported cars
en | Car tariffs: automakers' shares tumble in Europe and Asia
en | 25% auto tariff to take effect next week, White House says
en | What the new car tariffs mean for prices at the dealership
en | Canada calls US car tariffs 'a direct attack' on its workers
en | Japan seeks exemption from 25% US auto levy
en | Toyota, Volkswagen weigh response to US car import duties
en | Analysis: car tariffs could add $6,000 to the price of a new vehicle
de | USA verhängen 25 Prozent Zölle auf Autoimporte
de | Autozölle: Aktien von VW, BMW und Mercedes brechen ein
de | Was die US-Autozölle für die deutsche Industrie bedeuten
de | VDA warnt vor Folgen der 25-Prozent-Zölle
fr | Les États-Unis imposent 25 % de droits de douane sur les voitures importées
fr | Droits de douane sur l'automobile : l'Europe dénonce une escalade
es | Estados Unidos impondrá aranceles del 25 % a los coches importados
es | México busca excepción ante los aranceles del 25 % a los automóviles
pt | EUA anunciam tarifas de 25% sobre carros importados
zh | 美国宣布对所有进口汽车征收25%关税
zh | 日本寻求豁免美国25%汽车关税
ru | США вводят 25-процентные пошлины на импортные автомобили
sl | ZDA uvajajo 25-odstotne carine na uvožene avtomobile
ar | واشنطن تفرض رسوما بنسبة 25% على السيارات المستوردة
ru | Пошлины на автомобили: акции европейских автопроизводителей упали
ar | اليابان تسعى لاستثناء سياراتها من الرسوم الأمريكية
== s042 d=40 span=3 | US pauses most new tariffs for 90 days (except China)
en | US pauses most new tariffs for 90 days, raises China levy
en | Stocks soar after tariff pause; S&P 500 jumps 9%
en | 90-day tariff reprieve: what changes and what doesn't
en | EU welcomes tariff pause, suspends countermeasures
en | Markets rally worldwide after Washington's U-turn on tariffs
en | Tariff pause offers relief, but uncertainty remains for exporters
de | USA setzen Zölle für 90 Tage aus – außer für China
de | Dax springt nach Zollpause um mehr als sechs Prozent nach oben
fr | Washington suspend la plupart des nouveaux droits de douane pendant 90 jours
fr | Pause tarifaire : les Bourses européennes s'envolent
es | EE. UU. suspende durante 90 días la mayoría de los nuevos aranceles
es | Las bolsas se disparan tras la pausa arancelaria de 90 días
pt | EUA suspendem tarifas por 90 dias, exceto para a China
zh | 美国宣布暂停大部分新关税90天 对华关税不降反升
zh | 美股暴涨 标普500指数单日上涨9%
ru | США приостановили большинство новых пошлин на 90 дней
sl | ZDA za 90 dni zamrznile večino novih carin
ar | واشنطن تعلق معظم الرسوم الجمركية الجديدة لمدة 90 يوما
ar | الأسواق العالمية تقفز بعد تعليق الرسوم الجمركية
ru | Биржи США взлетели после объявления паузы в пошлинах
== s043 d=31 span=2 | EU approves retaliatory tariffs on €21bn of US goods
en | EU approves retaliatory tariffs on €21bn of US goods
en | Bourbon, motorcycles and soybeans on EU counter-tariff list
de | EU beschließt Gegenzölle auf US-Waren im Wert von 21 Milliarden Euro
de | Von Bourbon bis Motorräder: Die Liste der EU-Gegenzölle
fr | L'UE adopte des contre-mesures sur 21 milliards d'euros de produits américains
es | La UE aprueba aranceles de represalia sobre 21.000 millones de productos de EE. UU.
sl | EU potrdila povračilne carine na ameriško blago v vrednosti 21 milijard evrov
pt | UE aprova tarifas retaliatórias sobre 21 mil milhões de euros de bens americanos
== s044 d=0 span=4 | Pope admitted to Gemelli hospital with bronchitis, later pneumonia
en | Pope admitted to Rome hospital with bronchitis
en | Vatican says Pope has pneumonia in both lungs
en | Pope 'rested well' overnight, Vatican says as hospital stay continues
es | El Papa, ingresado en el hospital Gemelli por una bronquitis
es | El Vaticano confirma que el Papa tiene neumonía bilateral
es | Fieles rezan por el Papa frente al Gemelli
pt | Papa internado em Roma com bronquite
pt | Vaticano: Papa tem pneumonia bilateral, quadro é "complexo"
fr | Le pape hospitalisé à Rome pour une bronchite
fr | Le pape atteint d'une pneumonie bilatérale, selon le Vatican
de | Papst mit Bronchitis ins Krankenhaus eingeliefert
sl | Papež zaradi bronhitisa v bolnišnici
zh | 教皇因支气管炎入院治疗
ar | نقل البابا إلى مستشفى جيميلي في روما بسبب التهاب الشعب الهوائية
ru | Папа Римский госпитализирован с бронхитом
== s045 d=23 span=1 | Pope discharged after five weeks in hospital
en | Pope leaves hospital after five weeks, waves to crowd
en | Pope returns to the Vatican, doctors prescribe two months of rest
es | El Papa recibe el alta tras cinco semanas en el Gemelli
pt | Papa tem alta após cinco semanas internado
fr | Le pape quitte l'hôpital après cinq semaines
de | Papst nach fünf Wochen aus Klinik entlassen
sl | Papež po petih tednih zapustil bolnišnico
ar | البابا يغادر المستشفى بعد خمسة أسابيع من العلاج
== s046 d=36 span=1 | Copernicus: March warmest on record in Europe
en | March was Europe's warmest on record, Copernicus says
en | Europe logs hottest March as global heat streak continues
de | Copernicus: Wärmster März in Europa seit Beginn der Aufzeichnungen
fr | Copernicus : le mois de mars le plus chaud jamais enregistré en Europe
es | Marzo, el más cálido jamás registrado en Europa según Copernicus
== s047 d=4 span=1 | Copernicus: February third-warmest globally, Arctic ice record low
en | February third-warmest on record as Arctic sea ice hits new low
fr | Février, troisième plus chaud de l'histoire ; la banquise arctique au plus bas
de | Copernicus: Meereis in der Arktis auf Rekordtief im Februar
== s048 d=13 span=1 | Measles outbreak in Texas passes 300 cases
en | Texas measles outbreak tops 300 cases
en | Measles cases climb past 300 in West Texas, health officials say
es | El brote de sarampión en Texas supera los 300 casos
pt | Surto de sarampo no Texas ultrapassa 300 casos
== s049 d=21 span=0 | Bird flu death in Cambodia
en | Cambodia reports bird flu death of 3-year-old
zh | 柬埔寨报告一例H5N1禽流感死亡病例
== s050 d=39 span=2 | CDU/CSU and SPD sign coalition agreement
de | Union und SPD unterzeichnen Koalitionsvertrag
de | Koalitionsvertrag steht: Das sind die wichtigsten Punkte
de | Merz: „Wir haben verstanden“ – Koalitionsvertrag vorgestellt
de | SPD-Mitglieder stimmen für Koalition mit der Union
de | Die Ministerliste der neuen Bundesregierung
en | German conservatives and SPD sign coalition deal
en | Germany's new coalition pact: migration, defence and tax cuts
fr | Allemagne : conservateurs et sociaux-démocrates signent leur accord de coalition
ru | ХДС/ХСС и СДПГ подписали коалиционное соглашение
zh | 德国联盟党与社民党签署联合执政协议
== s051 d=17 span=2 | Bundestag approves debt-brake reform and €500bn infrastructure fund
de | Bundestag beschließt Lockerung der Schuldenbremse
de | 500 Milliarden für Infrastruktur: Grundgesetzänderung mit Zweidrittelmehrheit
de | Grüne stimmen Finanzpaket zu – Schuldenbremse gelockert
de | Bundesrat billigt Finanzpaket für Verteidigung und Infrastruktur
en | German parliament approves historic debt-brake reform
en | Germany unlocks €500bn infrastructure fund and higher defence spending
fr | L'Allemagne assouplit son frein à l'endettement
es | El Parlamento alemán aprueba la reforma del freno de deuda
ru | Бундестаг одобрил смягчение долгового тормоза
zh | 德国联邦议院通过债务刹车改革 设立5000亿欧元基础设施基金
pt | Parlamento alemão aprova reforma do travão da dívida
sl | Nemški parlament sprostil dolžniško zavoro
== s061 d=58 span=2 | Massive power outage across Spain and Portugal
es | Un apagón masivo deja sin luz a toda España y Portugal
es | Gran apagón: el metro de Madrid, evacuado y los semáforos apagados
es | Red Eléctrica recupera el 50 % del suministro seis horas después del apagón
es | El Gobierno descarta por ahora un ciberataque como causa del apagón
es | Caos en las estaciones: miles de viajeros atrapados por el apagón
es | Así vivieron los hospitales el apagón: generadores al límite
es | Sánchez comparece tras el apagón: "No volverá a ocurrir"
es | ¿Qué provocó el apagón? Las hipótesis de los expertos
pt | Apagão geral deixa Portugal e Espanha sem eletricidade
pt | Apagão: REN diz que problema teve origem na rede espanhola
pt | Metro de Lisboa parado e semáforos desligados durante o apagão
pt | Eletricidade regressa a quase todo o país ao fim da noite
pt | Montenegro pede inquérito europeu ao apagão ibérico
en | Huge power outage hits Spain and Portugal, bringing cities to a standstill
en | Iberian blackout: trains halted, airports on backup power
en | Power gradually restored in Spain after nationwide blackout
en | What caused the Iberian blackout? Grid operator rules out cyberattack for now
en | Spain's PM promises full inquiry into blackout
en | Blackout exposes fragility of Europe's interconnected grids
fr | Panne d'électricité géante en Espagne et au Portugal
fr | Black-out ibérique : une partie du sud de la France brièvement touchée
fr | L'électricité revient progressivement en Espagne après la panne géante
de | Riesiger Stromausfall legt Spanien und Portugal lahm
de | Nach dem Blackout: Spanien sucht nach der Ursache
ru | Масштабное отключение электричества парализовало Испанию и Португалию
zh | 西班牙和葡萄牙发生大面积停电
zh | 伊比利亚半岛大停电 电力逐步恢复
ar | انقطاع واسع للكهرباء يشل إسبانيا والبرتغال
sl | Obsežen izpad elektrike ohromil Španijo in Portugalsko
ar | إسبانيا: عودة التيار الكهربائي تدريجيا بعد الانقطاع الشامل
== s053 d=48 span=0 | Power outage in south-west Moscow
ru | На юго-западе Москвы произошло масштабное отключение электроэнергии
ru | Без света остались около 200 тысяч москвичей
ru | Энергетики восстановили электроснабжение в Москве за четыре часа
== s054 d=10 span=1 | Slovenian parliament passes long-term care law
sl | Državni zbor sprejel zakon o dolgotrajni oskrbi
sl | Dolgotrajna oskrba: prispevek bo znašal en odstotek plače
en | Slovenia passes long-term care law funded by new 1% contribution
== s055 d=27 span=2 | Ski-flying world record 254.5 m at Planica
sl | Nov svetovni rekord v Planici: 254,5 metra!
sl | Planica: Norvežan Lars Dahl poletel 254,5 metra
sl | Rekordni polet pod Poncami navdušil 30.000 gledalcev
de | Skiflug-Weltrekord in Planica: 254,5 Meter
en | Norway's Lars Dahl sets ski-flying world record of 254.5m in Planica
== s056 d=34 span=1 | Egypt opens Tutankhamun galleries at Grand Egyptian Museum
ar | افتتاح قاعات توت عنخ آمون في المتحف المصري الكبير
ar | المتحف المصري الكبير يعرض كنوز توت عنخ آمون كاملة لأول مرة
en | Egypt opens Tutankhamun galleries at Grand Egyptian Museum
fr | Égypte : les trésors de Toutankhamon exposés au Grand Musée égyptien
== s057 d=12 span=1 | Morocco unveils plan for 115,000-seat stadium near Casablanca for 2030 World Cup
ar | المغرب يكشف عن تصميم ملعب الحسن الثاني الكبير بسعة 115 ألف متفرج
fr | Mondial 2030 : le Maroc dévoile son stade de 115 000 places près de Casablanca
es | Marruecos presenta el estadio de 115.000 espectadores para el Mundial 2030
== s058 d=50 span=1 | Louvre closed by surprise staff strike over overcrowding
fr | Le Louvre fermé par une grève surprise du personnel
fr | Grève au Louvre : les agents dénoncent une « surfréquentation » ingérable
fr | Des milliers de touristes refoulés devant la pyramide du Louvre
en | Louvre shuts as staff strike over overcrowding
es | El Louvre cierra por una huelga sorpresa de sus trabajadores
zh | 卢浮宫员工突然罢工 博物馆闭馆一天
== s059 d=5 span=1 | French PM survives no-confidence vote on the budget (March)
fr | Le gouvernement survit à la motion de censure sur le budget
fr | Motion de censure rejetée : il a manqué 38 voix à l'opposition
fr | Budget adopté : le Premier ministre sort renforcé du vote de censure
en | French government survives no-confidence vote over budget
de | Frankreichs Regierung übersteht Misstrauensvotum
== s060 d=32 span=1 | French PM survives second no-confidence vote, over pensions
fr | Retraites : une nouvelle motion de censure échoue à l'Assemblée
fr | Censure sur les retraites : le gouvernement sauvé par les socialistes
en | French PM survives second no-confidence vote, this time over pensions
es | El Gobierno francés supera otra moción de censura, esta vez por las pensiones
== s062 d=15 span=1 | Police seize 3 tonnes of cocaine at port of Santos
pt | PF apreende 3 toneladas de cocaína no Porto de Santos
pt | Cocaína estava escondida em carga de café com destino à Europa
en | Brazilian police seize three tonnes of cocaine at Santos port
== s063 d=19 span=0 | Dutch customs find 2 tonnes of cocaine in banana shipment at Rotterdam
en | Dutch customs find two tonnes of cocaine in Rotterdam banana shipment
de | Zwei Tonnen Kokain in Bananenkisten in Rotterdam entdeckt
== s064 d=6 span=1 | Starship test flight: upper stage breaks up, debris over Caribbean
en | SpaceX Starship breaks apart minutes after launch, debris seen over Caribbean
en | Flights diverted in Florida after Starship explosion
en | Second straight Starship test ends in upper-stage failure
es | La nave Starship de SpaceX explota minutos después del despegue
de | Starship-Testflug endet erneut mit Explosion
fr | Nouvel échec pour Starship, qui se désintègre après le décollage
zh | 星舰第八次试飞失败 上面级解体
ru | Корабль Starship разрушился через несколько минут после старта
== s065 d=29 span=1 | Shenzhou crew returns to Earth after six months
zh | 神舟十九号载人飞船返回舱成功着陆
zh | 三名航天员结束183天太空任务平安回家
en | Chinese astronauts return to Earth after six months on space station
ru | Экипаж «Шэньчжоу-19» вернулся на Землю
== s067 d=6 span=0 | US February jobs report: 151,000 jobs added, unemployment 4.1%
en | US economy adds 151,000 jobs in February, unemployment ticks up to 4.1%
en | Jobs report: hiring steady but federal cuts start to show
es | EE. UU. creó 151.000 empleos en febrero
de | US-Arbeitsmarkt: 151.000 neue Stellen im Februar
== s068 d=34 span=0 | US March jobs report: 228,000 jobs added
en | US employers add 228,000 jobs in March, beating forecasts
en | Strong March hiring gives Fed room to wait
es | EE. UU. sumó 228.000 empleos en marzo, por encima de lo esperado
fr | États-Unis : 228 000 emplois créés en mars
== s069 d=42 span=2 | Harvard sues administration over $2.2bn funding freeze
en | Harvard sues administration over $2.2bn funding freeze
en | Harvard president: 'No government should dictate what private universities teach'
en | Universities rally behind Harvard's lawsuit
fr | Harvard attaque en justice le gel de 2,2 milliards de dollars de subventions
de | Harvard verklagt US-Regierung wegen eingefrorener Fördergelder
es | Harvard demanda al Gobierno por la congelación de 2.200 millones en fondos
zh | 哈佛大学起诉美国政府冻结22亿美元资金
ar | جامعة هارفارد تقاضي الإدارة الأمريكية بسبب تجميد 2.2 مليار دولار
== s070 d=53 span=2 | Slovenia: government and public sector unions agree 5% pay rise
sl | Vlada in sindikati javnega sektorja podpisali dogovor o 5-odstotnem dvigu plač
sl | Sindikati preklicali stavko po dogovoru o plačah
sl | Javni uslužbenci bodo višje plače prejeli z junijem
sl | Minister za javno upravo: dogovor je vzdržen za proračun
en | Slovenia's public sector unions call off strike after 5% pay deal
== s072 d=16 span=2 | Cyclone Alfred hits Queensland coast
en | Cyclone Alfred makes landfall near Brisbane, 300,000 homes without power
en | Brisbane floods as ex-cyclone Alfred dumps heavy rain
en | Queensland cyclone: one dead as clean-up begins
zh | 热带气旋“阿尔弗雷德”登陆澳大利亚昆士兰
de | Zyklon Alfred trifft Australiens Ostküste
== s073 d=26 span=1 | Myanmar earthquake M7.7 near Mandalay
en | Magnitude 7.7 earthquake strikes central Myanmar near Mandalay
en | Myanmar quake: death toll passes 1,000, buildings collapse in Bangkok
en | Rescuers race to reach survivors in Mandalay after 7.7 quake
zh | 缅甸发生7.7级强烈地震 曼谷有建筑倒塌
zh | 中国救援队抵达缅甸曼德勒
es | Un terremoto de magnitud 7,7 sacude Myanmar y causa más de mil muertos
fr | Birmanie : un séisme de magnitude 7,7 fait plus de 1 000 morts
de | Schweres Erdbeben der Stärke 7,7 in Myanmar
ru | Землетрясение магнитудой 7,7 в Мьянме: более тысячи погибших
ar | زلزال بقوة 7.7 درجات يضرب ميانمار ويقتل أكثر من ألف شخص
pt | Sismo de magnitude 7,7 em Mianmar faz mais de mil mortos
sl | Močan potres z magnitudo 7,7 stresel Mjanmar
zh | 缅甸强震已造成逾千人遇难
ar | فرق الإنقاذ تبحث عن ناجين في ماندالاي بعد الزلزال
== s074 d=55 span=1 | Copa del Rey final: Barcelona 3-2 Real Madrid after extra time
es | El Barça gana la Copa del Rey tras vencer 3-2 al Madrid en la prórroga
es | Koundé da la Copa al Barcelona en el minuto 116
en | Barcelona beat Real Madrid 3-2 after extra time to win Copa del Rey
fr | Coupe du Roi : le Barça s'impose 3-2 face au Real après prolongation
pt | Barcelona vence Real Madrid no prolongamento e conquista Taça do Rei
ar | برشلونة يتوج بكأس ملك إسبانيا بفوزه على ريال مدريد 3-2
== s075 d=3 span=0 | M4.2 earthquake near Zagreb, felt in Slovenia
sl | Potres z magnitudo 4,2 pri Zagrebu čutili tudi v Sloveniji
== s076 d=31 span=0 | Real Madrid 4-0 Girona (league)
es | El Madrid golea 4-0 al Girona y sigue a tres puntos del liderato
== s077 d=21 span=0 | Lagarde speech: euro could gain global role
en | Lagarde says trade turmoil offers 'global euro moment'
== s078 d=51 span=0 | Drone attack on Odesa port, 2 injured
en | Two injured as Russian drones strike Odesa port infrastructure
== s079 d=37 span=0 | Spanish police seize 1.5 t cocaine in Algeciras
es | La Guardia Civil interviene 1,5 toneladas de cocaína en el puerto de Algeciras
== s080 d=9 span=0 | Brazil inflation IPCA February 1.31%
pt | IPCA de fevereiro sobe 1,31%, maior alta para o mês desde 2003
== s081 d=13 span=0 | Russian court sentences journalist to 5 years
ru | Суд в Москве приговорил журналиста к пяти годам колонии
== s082 d=24 span=0 | Berlin: Hertha BSC sacks coach
de | Hertha BSC trennt sich von Trainer nach fünfter Niederlage in Serie
== s083 d=44 span=0 | Chinese EV maker BYD opens plant in Hungary
zh | 比亚迪匈牙利塞格德工厂正式投产
== s084 d=18 span=0 | Algeria expels 12 French diplomats
fr | L'Algérie expulse douze agents de l'ambassade de France
== s085 d=28 span=0 | Saudi Arabia: new metro line opens in Riyadh
ar | افتتاح المسار الثالث لقطار الرياض أمام الركاب
== s086 d=56 span=0 | Portugal: TAP privatisation decree approved
pt | Governo aprova decreto para privatizar 49,9% da TAP
== s087 d=2 span=0 | Snowstorm closes roads in Slovenian Alps
sl | Sneženje zaprlo več gorskih cest na Gorenjskem
== s088 d=47 span=0 | Gold hits record $3,500 an ounce
en | Gold hits record above $3,500 as investors seek safety
== s089 d=14 span=0 | Wildfire near Marseille forces evacuations
fr | Incendie près de Marseille : 400 personnes évacuées
== s090 d=39 span=0 | Chinese Premier visits Malaysia
zh | 国务院总理抵达吉隆坡开始对马来西亚正式访问
== s091 d=22 span=0 | Egyptian pound hits record low
ar | الجنيه المصري يسجل أدنى مستوى له أمام الدولار
== s092 d=59 span=0 | UK local elections: Reform gains
en | Reform UK makes sweeping gains in English local elections
== s093 d=33 span=0 | Mexico: 5.2 earthquake in Oaxaca, no damage
es | Sismo de magnitud 5,2 en Oaxaca no deja daños, informa Protección Civil
== s094 d=11 span=0 | Moscow airports closed by drone attack
ru | Аэропорты Москвы временно приостановили работу из-за атаки беспилотников
== s095 d=46 span=0 | German inflation April 2.1%
de | Inflation in Deutschland sinkt im April auf 2,1 Prozent
== s096 d=8 span=0 | Ljubljana: new tram plan presented
sl | Ljubljana predstavila načrt za prvo tramvajsko progo
== s097 d=53 span=0 | Lebanon: Israeli strike on Beirut suburb
ar | غارة إسرائيلية على الضاحية الجنوبية لبيروت
== s098 d=26 span=0 | Tencent quarterly profit up 90%
zh | 腾讯季度净利润同比增长90%
== s099 d=35 span=0 | Portugal: forest fire in Serra da Estrela
pt | Incêndio na Serra da Estrela mobiliza mais de 200 bombeiros
== s100 d=19 span=0 | Spain approves reduction of working week to 37.5 hours (cabinet)
es | El Consejo de Ministros aprueba la reducción de la jornada laboral a 37,5 horas
== s101 d=42 span=0 | France: Brittany ferry fire, passengers evacuated
fr | Incendie à bord d'un ferry au large de Brest : 600 passagers évacués
== s102 d=5 span=0 | Russian Arctic: Nornickel fuel spill
ru | В Норильске произошел разлив дизельного топлива на предприятии
== s103 d=30 span=0 | Swiss village evacuated over glacier-collapse fears
en | Swiss village evacuated over fears of glacier collapse
== s104 d=4 span=1 | Zelensky visits London, UK loan of £2.26bn
en | Zelensky in London as UK signs £2.26bn loan backed by Russian assets
ru | Зеленский прибыл в Лондон, Великобритания выделит кредит в 2,26 млрд фунтов
== s105 d=20 span=1 | Ukraine energy truce: Russia says it halted strikes on energy
ru | Путин распорядился временно прекратить удары по энергетике Украины
en | Russia says it paused strikes on Ukrainian energy sites for 30 days
== s106 d=12 span=1 | Spain: minister of housing announces 100,000 rental homes
es | La ministra de Vivienda anuncia 100.000 pisos de alquiler asequible
es | Vivienda: el Gobierno creará una empresa pública para construir 100.000 pisos
== s107 d=49 span=1 | Spain: housing minister faces protest over rents (Madrid march)
es | Miles de personas marchan en Madrid contra el precio del alquiler
en | Tens of thousands march in Madrid over soaring rents
es | La manifestación por la vivienda desborda el centro de Madrid
== s108 d=7 span=1 | French farmer protests block Paris ring road
fr | Les agriculteurs bloquent le périphérique parisien avec leurs tracteurs
en | French farmers block Paris ring road in protest over trade deal
== s109 d=25 span=1 | Argentina reaches $20bn IMF deal
es | Argentina cierra un acuerdo con el FMI por 20.000 millones de dólares
en | IMF agrees $20bn loan programme for Argentina
pt | Argentina fecha acordo de US$ 20 bilhões com o FMI
== s110 d=36 span=1 | Slovenian president visits China
sl | Predsednica republike na uradnem obisku na Kitajskem
zh | 斯洛文尼亚总统对中国进行国事访问
== s111 d=50 span=1 | Russia: Victory Day preparations, Moscow parade rehearsal
ru | В Москве прошла первая репетиция парада Победы
ru | Репетиция парада: какие улицы перекроют в центре Москвы
== s112 d=43 span=1 | Egypt-Qatar investment deal $7.5bn
ar | قطر تعلن استثمارات بقيمة 7.5 مليار دولار في مصر
en | Qatar pledges $7.5bn of investment in Egypt
== s113 d=30 span=1 | Nintendo announces Switch 2 price
en | Nintendo Switch 2 to cost $449, launches in June
zh | 任天堂Switch 2定价449美元 6月上市
fr | La Switch 2 sera vendue 469 euros, annonce Nintendo
== s114 d=54 span=1 | Shanghai auto show opens
zh | 上海国际车展开幕 国产新能源车型集中亮相
en | Chinese EV makers dominate Shanghai auto show
== s115 d=45 span=1 | Portuguese teachers' strike
pt | Professores fazem greve nacional por recuperação do tempo de serviço
pt | Greve de professores fecha centenas de escolas
== s116 d=58 span=1 | German Chancellor elected in Bundestag (second round)
de | Merz erst im zweiten Wahlgang zum Kanzler gewählt
en | Merz elected German chancellor after unprecedented first-round defeat
fr | Friedrich Merz élu chancelier au second tour, une première
ru | Мерц избран канцлером Германии лишь со второй попытки
zh | 默茨在第二轮投票中当选德国总理
ar | انتخاب ميرتس مستشارا لألمانيا في الجولة الثانية
== s117 d=1 span=1 | Oscars: best picture winner (fictional "The Long Field")
en | 'The Long Field' wins best picture at the Oscars
es | «The Long Field» gana el Óscar a la mejor película
fr | Oscars : « The Long Field » sacré meilleur film
== s118 d=3 span=1 | Russia: Kursk region, Russian army claims recapture of Sudzha
ru | Минобороны России заявило об освобождении Суджи
en | Russia says it has retaken the town of Sudzha in Kursk region
== s119 d=16 span=1 | Saudi Arabia hosts US-Ukraine talks in Jeddah, 30-day ceasefire proposal
en | Ukraine accepts US proposal for 30-day ceasefire after talks in Jeddah
ar | أوكرانيا توافق على مقترح أمريكي لهدنة 30 يوما بعد محادثات جدة
ru | Украина в Джидде согласилась на предложение США о 30-дневном перемирии
de | Ukraine stimmt in Dschidda 30-tägiger Waffenruhe zu
fr | À Djeddah, l'Ukraine accepte une trêve de 30 jours proposée par Washington
zh | 乌克兰在吉达会谈后同意美方30天停火提议
== s120 d=40 span=1 | China raises tariffs on US goods to 84% in retaliation
zh | 国务院关税税则委员会：对原产于美国的进口商品加征关税税率提高至84%
zh | 商务部：中方有坚定的意志和丰富的手段反制
en | China hits back with 84% tariffs on US goods
ru | Китай повысил пошлины на американские товары до 84%
== s121 d=27 span=1 | Luka Dončić scores 45 as Lakers beat Mavericks
sl | Dončić s 45 točkami popeljal Lakerse do zmage
en | Doncic scores 45 as Lakers beat Mavericks
== s122 d=9 span=0 | Jordan's king meets US president in Washington, rejects displacement of Palestinians
ar | العاهل الأردني يلتقي الرئيس الأمريكي في البيت الأبيض
ar | الملك عبدالله الثاني يؤكد رفض تهجير الفلسطينيين خلال لقائه في واشنطن
== s123 d=44 span=1 | Iran-US nuclear talks in Oman (first round)
ar | انطلاق المحادثات الإيرانية الأمريكية غير المباشرة في مسقط
en | Iran and US hold first round of nuclear talks in Oman
ru | В Омане прошел первый раунд переговоров Ирана и США
fr | Nucléaire : premier round de discussions entre l'Iran et les États-Unis à Oman
== s124 d=51 span=1 | Iran-US nuclear talks, second round in Rome
en | Iran and US hold second round of nuclear talks in Rome
ar | جولة ثانية من المحادثات الإيرانية الأمريكية في روما
de | Iran und USA setzen Atomgespräche in Rom fort
== s125 d=22 span=1 | China: Xiaomi SU7 crash, 3 dead, shares fall
zh | 小米SU7高速事故致3人死亡 公司回应
zh | 小米股价盘中下跌5% 投资者关注智驾安全
en | Xiaomi shares slide after fatal crash involving SU7 car
== s126 d=37 span=0 | Portugal: Sporting wins 1-0 in Braga
pt | Sporting vence em Braga por 1-0 e mantém pressão sobre o Benfica
== s127 d=54 span=1 | Benfica 2-2 Sporting derby (April)
pt | Dérbi termina empatado: Benfica e Sporting repartem pontos (2-2)
pt | Empate na Luz deixa decisão do título para a última jornada
en | Benfica and Sporting draw 2-2 in title showdown
== s128 d=13 span=1 | Syria: new constitutional declaration signed
ar | توقيع الإعلان الدستوري في سوريا لمرحلة انتقالية مدتها خمس سنوات
en | Syria's interim leader signs constitutional declaration for five-year transition
fr | Syrie : une déclaration constitutionnelle fixe une transition de cinq ans
== s129 d=32 span=0 | Ruble at strongest level since summer 2023
ru | Рубль укрепился до максимума с лета 2023 года
== s130 d=57 span=0 | Slovenia sets date for referendum on assisted dying
sl | Referendum o zakonu o pomoči pri prostovoljnem končanju življenja bo junija
"""

# Groups of different stories that share topic and vocabulary: a clusterer that only groups by topic
# merges them. Every story of a family is a separate event (other place, date, match, meeting or claim).
HARD_NEGATIVE_FAMILIES: dict[str, tuple[str, ...]] = {
    "earthquakes": ("s001", "s002", "s003", "s073", "s075", "s093"),
    "central-bank-rates": ("s004", "s005", "s006", "s007", "s052", "s077"),
    "minister-vautrin": ("s008", "s009"),
    "minister-zupan": ("s010", "s011"),
    "real-madrid-matches": ("s012", "s013", "s014", "s074", "s076"),
    "floods-storms": ("s017", "s018", "s072"),
    "rail-strikes": ("s019", "s020", "s021"),
    "ukraine-russia-war": (
        "s023",
        "s024",
        "s025",
        "s026",
        "s066",
        "s078",
        "s094",
        "s104",
        "s105",
        "s118",
        "s119",
    ),
    "eu-fines-big-tech": ("s027", "s028"),
    "china-economy": ("s029", "s030", "s098"),
    "gaza-ceasefire-talks": ("s032", "s033"),
    "opec-output": ("s034", "s035"),
    "us-tariffs": ("s041", "s042", "s043", "s120"),
    "pope-health": ("s044", "s045"),
    "copernicus-climate": ("s046", "s047"),
    "german-government": ("s050", "s051", "s116"),
    "power-outages": ("s053", "s061"),
    "french-no-confidence": ("s059", "s060"),
    "cocaine-seizures": ("s062", "s063", "s079"),
    "us-jobs-reports": ("s067", "s068"),
    "spanish-housing": ("s106", "s107"),
    "fires": ("s037", "s089", "s099", "s101"),
    "iran-us-nuclear-talks": ("s123", "s124"),
    "portuguese-league-matches": ("s015", "s126", "s127"),
    "chinese-carmakers": ("s083", "s114", "s125"),
}

HEADER = re.compile(r"^== (s\d{3}) d=(\d+) span=(\d+) \| (.+)$")
LINE = re.compile(r"^([a-z]{2}) \| (.+)$")


@dataclass
class Story:
    story: str
    day: int
    span: int
    about: str
    titles: list[tuple[str, str]] = field(default_factory=list)


def parse(block: str) -> list[Story]:
    """Parse the block, refusing anything malformed so a typo cannot silently drop titles."""
    stories: list[Story] = []
    for number, raw in enumerate(block.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if head := HEADER.match(line):
            sid, day, span, about = head.groups()
            stories.append(Story(sid, int(day), int(span), about))
            continue
        item = LINE.match(line)
        if item is None or not stories:
            raise ValueError(f"line {number}: cannot parse {line!r}")
        language, title = item.groups()
        if language not in LANGUAGES:
            raise ValueError(f"line {number}: language {language!r} is not one of {LANGUAGES}")
        stories[-1].titles.append((language, title.strip()))
    ids = [s.story for s in stories]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate story ids: {[i for i, n in Counter(ids).items() if n > 1]}")
    titles = [t for s in stories for _, t in s.titles]
    if len(titles) != len(set(titles)):
        raise ValueError(f"duplicate titles: {[t for t, n in Counter(titles).items() if n > 1]}")
    if empty := [s.story for s in stories if not s.titles]:
        raise ValueError(f"stories without titles: {empty}")
    return stories


def timestamps(story: Story, rng: random.Random) -> list[datetime]:
    """First report on day ``d`` between 05:00 and 21:00 UTC; the others within ``span`` days of it.

    Most follow-ups come soon after the first report (outlets pick a story up within hours), so the
    offsets are drawn skewed towards the start: u**2 of the window.
    """
    first = START + timedelta(days=story.day, minutes=rng.randint(5 * 60, 21 * 60))
    window = timedelta(hours=14) if story.span == 0 else timedelta(days=story.span, hours=12)
    times = [first]
    for _ in story.titles[1:]:
        offset = window * (rng.random() ** 2)
        times.append(first + max(offset, timedelta(minutes=rng.randint(5, 90))))
    return [t.replace(second=0, microsecond=0) for t in times]


def build(stories: list[Story]) -> list[dict[str, str]]:
    rng = random.Random(SEED)
    rows: list[tuple[datetime, str, int, str, str]] = []
    for story in stories:
        for index, ((language, title), when) in enumerate(
            zip(story.titles, timestamps(story, rng), strict=True)
        ):
            rows.append((when, story.story, index, language, title))
    rows.sort()
    return [
        {
            "id": f"w{number:04d}",
            "title": title,
            "text": title,
            "published": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "language": language,
            "story": sid,
        }
        for number, (when, sid, _, language, title) in enumerate(rows, start=1)
    ]


def story_table(stories: list[Story], records: list[dict[str, str]]) -> str:
    family = {sid: name for name, sids in HARD_NEGATIVE_FAMILIES.items() for sid in sids}
    lines = ["story\tsize\tlanguages\tfirst\tlast\thard_negative_family\tabout"]
    for story in sorted(stories, key=lambda s: s.story):
        mine = [r for r in records if r["story"] == story.story]
        langs = ",".join(sorted({r["language"] for r in mine}, key=LANGUAGES.index))
        first = min(r["published"] for r in mine)
        last = max(r["published"] for r in mine)
        fam = family.get(story.story, "-")
        lines.append(f"{story.story}\t{len(mine)}\t{langs}\t{first}\t{last}\t{fam}\t{story.about}")
    return "\n".join(lines) + "\n"


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    stories = parse(TITLES)
    known = {s.story for s in stories}
    if missing := sorted({sid for sids in HARD_NEGATIVE_FAMILIES.values() for sid in sids} - known):
        raise ValueError(f"hard-negative families name unknown stories: {missing}")
    records = build(stories)
    outputs = {
        HERE / "written.jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
        HERE / "written_stories.tsv": story_table(stories, records),
    }
    if "--check" in argv:
        stale = [p.name for p, text in outputs.items() if not p.exists() or p.read_text("utf-8") != text]
        print("up to date" if not stale else f"differs from the script: {', '.join(stale)}")
        return 1 if stale else 0
    for path, text in outputs.items():
        write_atomic(path, text)
    sizes = Counter(len(s.titles) for s in stories)
    print(f"{len(records)} titles in {len(stories)} stories")
    print("languages:", dict(Counter(r["language"] for r in records).most_common()))
    print("story sizes:", dict(sorted(sizes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
