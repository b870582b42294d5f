"""Deterministic synthetic crawls for the pairing benchmarks and tests.

A crawl is a folder of page files in the project's text format (a ``key: value`` header block,
a blank line, then one paragraph per line): English pages, Russian pages, and pages that
translate each other, found either by URL (``/en/…`` ↔ ``/…``) or by content only (no URL).
Translations are rendered from the same hand-written template pair with the same slot values,
so numbers, dates and names (transliterated consistently: Ivanov / Иванов) match, as in a real
translation; unpaired pages come from the same templates and topics, which is what makes
content pairing hard. In *short* mode a page is 8–20 everyday sentences plus one line with a
unique report number and a date, and has no URL.

Everything comes from one seeded ``random.Random``; pages are written one at a time, so memory
stays bounded however large the crawl (``generate_crawl`` keeps only the file names of pairs).
The sentences below were written for this project; Russian agrees with its numbers through
``{slot:one|few|many}`` noun forms.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from align.ingest import split_header
from align.records import Document

# ------------------------------------------------------------------------------- slot values

# fmt: off
MEN = [
    ("Ivan", "Иван", "Ивана"), ("Sergei", "Сергей", "Сергея"), ("Dmitry", "Дмитрий", "Дмитрия"),
    ("Alexei", "Алексей", "Алексея"), ("Mikhail", "Михаил", "Михаила"), ("Nikolai", "Николай", "Николая"),
    ("Pavel", "Павел", "Павла"), ("Andrei", "Андрей", "Андрея"), ("Oleg", "Олег", "Олега"),
    ("Viktor", "Виктор", "Виктора"), ("Yuri", "Юрий", "Юрия"), ("Boris", "Борис", "Бориса"),
    ("Roman", "Роман", "Романа"), ("Gleb", "Глеб", "Глеба"), ("Stepan", "Степан", "Степана"),
]
# fmt: on
# fmt: off
WOMEN = [
    ("Anna", "Анна", "Анны"), ("Olga", "Ольга", "Ольги"), ("Elena", "Елена", "Елены"),
    ("Tatiana", "Татьяна", "Татьяны"), ("Natalia", "Наталья", "Натальи"), ("Irina", "Ирина", "Ирины"),
    ("Svetlana", "Светлана", "Светланы"), ("Maria", "Мария", "Марии"), ("Yulia", "Юлия", "Юлии"),
    ("Vera", "Вера", "Веры"), ("Galina", "Галина", "Галины"), ("Polina", "Полина", "Полины"),
]
# fmt: on
# fmt: off
SURNAMES = [
    ("Ivanov", "Иванов"), ("Petrov", "Петров"), ("Smirnov", "Смирнов"), ("Kuznetsov", "Кузнецов"),
    ("Popov", "Попов"), ("Sokolov", "Соколов"), ("Lebedev", "Лебедев"), ("Kozlov", "Козлов"),
    ("Novikov", "Новиков"), ("Morozov", "Морозов"), ("Volkov", "Волков"), ("Fedorov", "Федоров"),
    ("Orlov", "Орлов"), ("Belov", "Белов"), ("Gusev", "Гусев"), ("Titov", "Титов"),
    ("Zaitsev", "Зайцев"), ("Pavlov", "Павлов"), ("Semenov", "Семенов"), ("Golubev", "Голубев"),
    ("Vinogradov", "Виноградов"), ("Bogdanov", "Богданов"), ("Frolov", "Фролов"), ("Kiselev", "Киселев"),
    ("Makarov", "Макаров"), ("Nikitin", "Никитин"), ("Zakharov", "Захаров"), ("Borisov", "Борисов"),
    ("Korolev", "Королев"), ("Gerasimov", "Герасимов"), ("Ponomarev", "Пономарев"), ("Lazarev", "Лазарев"),
    ("Ershov", "Ершов"), ("Karpov", "Карпов"), ("Vlasov", "Власов"), ("Sorokin", "Сорокин"),
    ("Tarasov", "Тарасов"), ("Belyaev", "Беляев"), ("Komarov", "Комаров"), ("Denisov", "Денисов"),
    ("Gromov", "Громов"), ("Kalinin", "Калинин"), ("Maslov", "Маслов"), ("Rodionov", "Родионов"),
    ("Savin", "Савин"), ("Shubin", "Шубин"), ("Yakovlev", "Яковлев"), ("Zhukov", "Жуков"),
]
# fmt: on
CITIES = [  # English, Russian nominative, genitive, prepositional
    ("Kazan", "Казань", "Казани", "Казани"),
    ("Samara", "Самара", "Самары", "Самаре"),
    ("Omsk", "Омск", "Омска", "Омске"),
    ("Tomsk", "Томск", "Томска", "Томске"),
    ("Perm", "Пермь", "Перми", "Перми"),
    ("Ufa", "Уфа", "Уфы", "Уфе"),
    ("Tula", "Тула", "Тулы", "Туле"),
    ("Kaluga", "Калуга", "Калуги", "Калуге"),
    ("Vologda", "Вологда", "Вологды", "Вологде"),
    ("Murmansk", "Мурманск", "Мурманска", "Мурманске"),
    ("Irkutsk", "Иркутск", "Иркутска", "Иркутске"),
    ("Khabarovsk", "Хабаровск", "Хабаровска", "Хабаровске"),
    ("Barnaul", "Барнаул", "Барнаула", "Барнауле"),
    ("Kursk", "Курск", "Курска", "Курске"),
    ("Orenburg", "Оренбург", "Оренбурга", "Оренбурге"),
    ("Penza", "Пенза", "Пензы", "Пензе"),
    ("Ryazan", "Рязань", "Рязани", "Рязани"),
    ("Yaroslavl", "Ярославль", "Ярославля", "Ярославле"),
    ("Kostroma", "Кострома", "Костромы", "Костроме"),
    ("Tambov", "Тамбов", "Тамбова", "Тамбове"),
    ("Smolensk", "Смоленск", "Смоленска", "Смоленске"),
    ("Pskov", "Псков", "Пскова", "Пскове"),
    ("Ivanovo", "Иваново", "Иванова", "Иванове"),
    ("Saratov", "Саратов", "Саратова", "Саратове"),
    ("Volgograd", "Волгоград", "Волгограда", "Волгограде"),
    ("Astrakhan", "Астрахань", "Астрахани", "Астрахани"),
    ("Chita", "Чита", "Читы", "Чите"),
    ("Magadan", "Магадан", "Магадана", "Магадане"),
    ("Kirov", "Киров", "Кирова", "Кирове"),
    ("Lipetsk", "Липецк", "Липецка", "Липецке"),
    ("Belgorod", "Белгород", "Белгорода", "Белгороде"),
    ("Bryansk", "Брянск", "Брянска", "Брянске"),
    ("Kurgan", "Курган", "Кургана", "Кургане"),
    ("Tyumen", "Тюмень", "Тюмени", "Тюмени"),
    ("Syktyvkar", "Сыктывкар", "Сыктывкара", "Сыктывкаре"),
    ("Petrozavodsk", "Петрозаводск", "Петрозаводска", "Петрозаводске"),
]
# fmt: off
REGIONS = [  # English name, Russian adjective (feminine, agreeing with «область»)
    ("Tver", "Тверская"), ("Kursk", "Курская"), ("Tula", "Тульская"), ("Kaluga", "Калужская"),
    ("Ryazan", "Рязанская"), ("Penza", "Пензенская"), ("Vologda", "Вологодская"), ("Omsk", "Омская"),
    ("Tomsk", "Томская"), ("Irkutsk", "Иркутская"), ("Murmansk", "Мурманская"), ("Orenburg", "Оренбургская"),
    ("Saratov", "Саратовская"), ("Smolensk", "Смоленская"), ("Pskov", "Псковская"), ("Kostroma", "Костромская"),
    ("Tambov", "Тамбовская"), ("Lipetsk", "Липецкая"), ("Belgorod", "Белгородская"), ("Bryansk", "Брянская"),
    ("Kirov", "Кировская"), ("Kurgan", "Курганская"), ("Amur", "Амурская"), ("Novgorod", "Новгородская"),
]
# fmt: on
ORGANISATIONS = [  # English, Russian nominative, genitive
    ("Ministry of Health", "Министерство здравоохранения", "Министерства здравоохранения"),
    ("Ministry of Education", "Министерство просвещения", "Министерства просвещения"),
    ("Ministry of Transport", "Министерство транспорта", "Министерства транспорта"),
    ("Ministry of Finance", "Министерство финансов", "Министерства финансов"),
    ("Ministry of Agriculture", "Министерство сельского хозяйства", "Министерства сельского хозяйства"),
    ("Ministry of Energy", "Министерство энергетики", "Министерства энергетики"),
    ("Ministry of Culture", "Министерство культуры", "Министерства культуры"),
    ("Ministry of Sport", "Министерство спорта", "Министерства спорта"),
    ("Federal Tax Service", "Федеральная налоговая служба", "Федеральной налоговой службы"),
    ("Pension Fund", "Пенсионный фонд", "Пенсионного фонда"),
    ("Central Bank", "Центральный банк", "Центрального банка"),
    ("Federal Antimonopoly Service", "Федеральная антимонопольная служба", "Федеральной антимонопольной службы"),
    ("Accounts Chamber", "Счётная палата", "Счётной палаты"),
    ("Federal Statistics Service", "Федеральная служба статистики", "Федеральной службы статистики"),
]
# fmt: off
COMPANIES = [
    ("Severtrans", "Севертранс"), ("Volgastroy", "Волгастрой"), ("Tekhnoprom", "Технопром"),
    ("Agrosila", "Агросила"), ("Energomost", "Энергомост"), ("Sibles", "Сиблес"), ("Baltflot", "Балтфлот"),
    ("Medtekh", "Медтех"), ("Gradstroy", "Градстрой"), ("Polyarnik", "Полярник"), ("Uralsvet", "Уралсвет"),
    ("Kamtrak", "Камтрак"), ("Donagro", "Донагро"), ("Nevamash", "Невамаш"), ("Okamet", "Окамет"),
]
# fmt: on
# fmt: off
MONTHS = [  # English, Russian genitive (in dates), prepositional (в мае)
    ("January", "января", "январе"), ("February", "февраля", "феврале"), ("March", "марта", "марте"),
    ("April", "апреля", "апреле"), ("May", "мая", "мае"), ("June", "июня", "июне"), ("July", "июля", "июле"),
    ("August", "августа", "августе"), ("September", "сентября", "сентябре"), ("October", "октября", "октябре"),
    ("November", "ноября", "ноябре"), ("December", "декабря", "декабре"),
]
# fmt: on
# fmt: off
NUMBER_RANGES = {  # slot kind: (low, high, step), high included
    "few": (2, 12, 1), "n": (2, 60, 1), "temp": (3, 32, 1), "walk": (3, 25, 1), "km": (12, 900, 1),
    "seats": (120, 1500, 1), "price": (300, 3000, 100), "fare": (25, 90, 1), "big": (1000, 99000, 1),
    "born": (1935, 1999, 1), "year": (2016, 2030, 1),
}
# fmt: on

# -------------------------------------------------------------------------------- templates

DAILY = "daily"
# fmt: off
TEMPLATES = [
    # Everyday prose: the short pages are made of these.
    (DAILY, "The weather in {city} was warm on Sunday, about {temp:degree|degrees} in the afternoon.",
     "В воскресенье в {city_prep} было тепло, днём около {temp:градуса|градусов|градусов}."),
    (DAILY, "My neighbour {man} grows tomatoes and cucumbers in a small garden behind the house.",
     "Мой сосед {man} выращивает помидоры и огурцы в небольшом огороде за домом."),
    (DAILY, "We bought {n:kilogram|kilograms} of apples at the market for the whole family.",
     "На рынке мы купили {n:килограмм|килограмма|килограммов} яблок для всей семьи."),
    (DAILY, "The train to {city} leaves at {time}, so we have to get up early.",
     "Поезд до {city_gen} отправляется в {time}, поэтому нам придётся встать рано."),
    (DAILY, "My sister {woman} works as a nurse at the city hospital.",
     "Моя сестра {woman} работает медсестрой в городской больнице."),
    (DAILY, "In the evening the children played football in the yard until dark.",
     "Вечером дети играли во дворе в футбол до темноты."),
    (DAILY, "The bus was late by {n:minute|minutes} because of heavy snow.",
     "Автобус опоздал на {n:минуту|минуты|минут} из-за сильного снегопада."),
    (DAILY, "Grandmother made a cake with cherries for my birthday.",
     "На мой день рождения бабушка испекла пирог с вишней."),
    (DAILY, "The library on Lenin Street is open every day except Monday.",
     "Библиотека на улице Ленина открыта каждый день, кроме понедельника."),
    (DAILY, "We spent our holiday by a lake near {city} and caught a lot of fish.",
     "Отпуск мы провели на озере недалеко от {city_gen} и поймали много рыбы."),
    (DAILY, "A new café opened on our street, and the coffee there is very good.",
     "На нашей улице открылось новое кафе, и кофе там очень хороший."),
    (DAILY, "My friend {man} has been learning to play the guitar for {few:year|years}.",
     "Мой друг {man} учится играть на гитаре уже {few:год|года|лет}."),
    (DAILY, "The shop around the corner sells fresh bread every morning from {time}.",
     "Магазин за углом каждое утро с {time} продаёт свежий хлеб."),
    (DAILY, "It rained all week, and the river near the village rose by {n:centimetre|centimetres}.",
     "Всю неделю шли дожди, и река возле деревни поднялась на {n:сантиметр|сантиметра|сантиметров}."),
    (DAILY, "My daughter is {few:year|years} old and already reads on her own.",
     "Моей дочери {few:год|года|лет}, и она уже читает сама."),
    (DAILY, "We waited for the doctor for almost an hour, but the appointment went well.",
     "Мы ждали врача почти час, но приём прошёл хорошо."),
    (DAILY, "On weekends {man} likes to go fishing with his friends.",
     "По выходным {man} любит ходить на рыбалку с друзьями."),
    (DAILY, "The museum in {city} has a new exhibition of old photographs.",
     "В музее {city_gen} открылась новая выставка старых фотографий."),
    (DAILY, "Tickets for the concert cost {price:rouble|roubles}, which is quite expensive.",
     "Билеты на концерт стоят {price:рубль|рубля|рублей}, это довольно дорого."),
    (DAILY, "The road to the dacha takes about {few:hour|hours} by car.",
     "Дорога до дачи на машине занимает около {few:часа|часов|часов}."),
    (DAILY, "My grandfather {man} was born in {city} in {born}.",
     "Мой дедушка {man} родился в {city_prep} в {born} году."),
    (DAILY, "In the morning the park is full of people walking their dogs.",
     "По утрам в парке много людей, которые гуляют с собаками."),
    (DAILY, "{woman} teaches mathematics at school number {n}.",
     "{woman} преподаёт математику в школе номер {n}."),
    (DAILY, "The heating in our building was switched on on {date}.",
     "Отопление в нашем доме включили {date}."),
    (DAILY, "We usually have dinner at {time} when everyone is home from work.",
     "Обычно мы ужинаем в {time}, когда все возвращаются с работы."),
    (DAILY, "The children made a snowman in front of the school.",
     "Перед школой дети слепили снеговика."),
    (DAILY, "My brother {man} moved to the city of {city} last year and found a job there.",
     "Мой брат {man} в прошлом году переехал в город {city} и нашёл там работу."),
    (DAILY, "The pharmacy near the station is open around the clock.",
     "Аптека возле вокзала работает круглосуточно."),
    (DAILY, "We walked {walk:kilometre|kilometres} in the forest and picked two baskets of mushrooms.",
     "Мы прошли по лесу {walk:километр|километра|километров} и собрали две корзины грибов."),
    (DAILY, "The old bridge across the river is being repaired and will reopen in {month}.",
     "Старый мост через реку ремонтируют, его откроют в {month_prep}."),
    (DAILY, "My aunt {woman} keeps chickens and a goat in the village.",
     "Моя тётя {woman} держит в деревне кур и козу."),
    (DAILY, "The electricity was off for {few:hour|hours} after the storm.",
     "После грозы электричества не было {few:час|часа|часов}."),
    (DAILY, "The new playground in {city} has swings, a slide and a small football pitch.",
     "На новой детской площадке в {city_prep} есть качели, горка и небольшое футбольное поле."),
    (DAILY, "Our cat sleeps on the windowsill all day long.",
     "Наш кот целый день спит на подоконнике."),
    (DAILY, "Every summer we go to the sea with the whole family.",
     "Каждое лето мы всей семьёй ездим на море."),
    (DAILY, "The water in the lake was cold, only {temp:degree|degrees}.",
     "Вода в озере была холодной, всего {temp:градус|градуса|градусов}."),
    (DAILY, "The taxi driver knew the city well and took us to the hotel in {few:minute|minutes}.",
     "Таксист хорошо знал город и довёз нас до гостиницы за {few:минуту|минуты|минут}."),
    (DAILY, "{man} repaired the roof of his house himself.",
     "{man} сам отремонтировал крышу своего дома."),
    (DAILY, "In winter the school closes when the temperature falls below minus {temp:degree|degrees}.",
     "Зимой школа закрывается, когда температура опускается ниже минус {temp:градуса|градусов|градусов}."),
    (DAILY, "The queue at the post office was long, so I came back the next day.",
     "На почте была длинная очередь, поэтому я пришёл на следующий день."),
    (DAILY, "My son {man} plays hockey for the school team.",
     "Мой сын {man} играет в хоккей за школьную команду."),
    (DAILY, "We planted {n:tree|trees} in the courtyard of our building this spring.",
     "Этой весной мы посадили во дворе нашего дома {n:дерево|дерева|деревьев}."),
    (DAILY, "The flight from {city} to {city2} was delayed because of fog.",
     "Рейс из {city_gen} до {city2_gen} задержали из-за тумана."),
    (DAILY, "My mother {woman} cooks borscht every Sunday.",
     "Моя мама {woman} каждое воскресенье варит борщ."),
    (DAILY, "A farmers' market is held on the central square every Saturday.",
     "Каждую субботу на центральной площади проходит фермерская ярмарка."),
    (DAILY, "Our street was cleared of snow only on {date}.",
     "Нашу улицу очистили от снега только {date}."),
    (DAILY, "The cinema in {city} shows old films for free on Wednesday evenings.",
     "Кинотеатр в {city_prep} по средам вечером бесплатно показывает старые фильмы."),
    (DAILY, "My grandmother always says that the best bread is baked at home.",
     "Бабушка всегда говорит, что самый вкусный хлеб пекут дома."),
    (DAILY, "After dinner we went for a walk along the embankment.",
     "После ужина мы пошли гулять по набережной."),
    (DAILY, "The neighbours' dog barks every time someone rings the doorbell.",
     "Соседская собака лает каждый раз, когда кто-то звонит в дверь."),
    (DAILY, "I forgot my umbrella at work and got wet on the way home.",
     "Я забыл зонт на работе и промок по дороге домой."),
    (DAILY, "On Saturday we cleaned the whole flat and washed the windows.",
     "В субботу мы убрали всю квартиру и помыли окна."),
    (DAILY, "My sister {woman} called in the evening and told us the family news.",
     "Вечером позвонила сестра {woman} и рассказала семейные новости."),
    (DAILY, "The strawberries in our garden ripened early this year.",
     "В этом году клубника в нашем саду созрела рано."),
    (DAILY, "The children are looking forward to the summer holidays.",
     "Дети с нетерпением ждут летних каникул."),
    (DAILY, "We drank tea with raspberry jam and talked until midnight.",
     "Мы пили чай с малиновым вареньем и разговаривали до полуночи."),
    (DAILY, "The lift in our building has been broken for a week.",
     "Лифт в нашем доме не работает уже неделю."),
    (DAILY, "Grandfather {man} taught me to ride a bicycle when I was little.",
     "Дедушка {man} научил меня кататься на велосипеде, когда я был маленьким."),
    (DAILY, "In autumn the leaves in the park turn yellow and red.",
     "Осенью листья в парке становятся жёлтыми и красными."),
    (DAILY, "The new teacher explains everything clearly and patiently.",
     "Новая учительница объясняет всё понятно и терпеливо."),
    (DAILY, "We are going to paint the fence green this weekend.",
     "В эти выходные мы собираемся покрасить забор в зелёный цвет."),
    # Health
    ("health", "According to the {org}, {n:new clinic was|new clinics were} built in the {region} this year.",
     "По данным {org_gen}, в этом году в {region_prep} построили {n:новую поликлинику|новые поликлиники|новых поликлиник}."),
    ("health", "Chief doctor {man} said that the hospital in {city} had received new equipment worth {money}.",
     "Главный врач {man} сообщил, что больница в {city_prep} получила новое оборудование на сумму {money}."),
    ("health", "More than {big:resident|residents} of the {region} have been vaccinated against influenza since {date}.",
     "С {date} против гриппа привились более {big:жителя|жителей|жителей} {region_gen}."),
    ("health", "The new maternity hospital in {city} will have {n:bed|beds} and will open in {year}.",
     "Новый перинатальный центр в {city_prep} рассчитан на {n:койку|койки|коек} и откроется в {year} году."),
    ("health", "Doctors from {city} performed {n:complex operation|complex operations} on children from remote villages.",
     "Врачи из {city_gen} провели {n:сложную операцию|сложные операции|сложных операций} детям из отдалённых сёл."),
    ("health", "The waiting time for a specialist appointment in the {region} has fallen to {few:day|days}.",
     "Время ожидания приёма у специалиста в {region_prep} сократилось до {few:дня|дней|дней}."),
    ("health", "Minister of Health {man} visited the regional hospital and spoke with patients and staff.",
     "Министр здравоохранения {man} посетил областную больницу и побеседовал с пациентами и персоналом."),
    ("health", "The share of patients treated within the programme rose to {pct} percent.",
     "Доля пациентов, получивших помощь в рамках программы, выросла до {pct} процента."),
    # Education
    ("education", "This year {big:child|children} in the {region} will go to first grade.",
     "В этом году в первый класс в {region_prep} пойдут {big:ребёнок|ребёнка|детей}."),
    ("education", "The new school in {city} was built in {few:month|months} and has {seats:place|places}.",
     "Новую школу в {city_prep} построили за {few:месяц|месяца|месяцев}, она рассчитана на {seats:место|места|мест}."),
    ("education", "Teacher {woman} from {city} won the national competition for the best lesson.",
     "Учительница {woman} из {city_gen} победила во всероссийском конкурсе на лучший урок."),
    ("education", "The {org} will allocate {money} for the repair of school buildings in the {region}.",
     "{org} выделит {money} на ремонт школьных зданий в {region_prep}."),
    ("education", "Rector {man} said that the university would admit {seats:more student|more students} next year.",
     "Ректор {man} сообщил, что в следующем году университет примет на {seats:студента|студента|студентов} больше."),
    ("education", "School buses will serve {n:village|villages} in the {region} from {date}.",
     "С {date} школьные автобусы будут обслуживать {n:село|села|сёл} в {region_prep}."),
    ("education", "Students from {city} took first place at the robotics olympiad in {city2}.",
     "Студенты из {city_gen} заняли первое место на олимпиаде по робототехнике в {city2_prep}."),
    ("education", "The number of free university places in the {region} has increased by {pct} percent.",
     "Число бюджетных мест в вузах {region_gen} увеличилось на {pct} процента."),
    # Transport
    ("transport", "The new bridge across the river near {city} will cost {money} and will be finished in {year}.",
     "Новый мост через реку у {city_gen} обойдётся в {money} и будет достроен в {year} году."),
    ("transport", "Governor {man} said that {km:kilometre|kilometres} of roads had been repaired in the {region} this year.",
     "Губернатор {man} сообщил, что в этом году в {region_prep} отремонтировали {km:километр|километра|километров} дорог."),
    ("transport", "From {date}, a direct train will run twice a week on the route {city} – {city2}.",
     "С {date} по маршруту {city} — {city2} два раза в неделю будет курсировать прямой поезд."),
    ("transport", "The airport of {city} served {big:passenger|passengers} in {month}.",
     "В {month_prep} аэропорт {city_gen} обслужил {big:пассажира|пассажира|пассажиров}."),
    ("transport", "The city of {city} will receive {n:new bus|new buses} running on natural gas.",
     "{city} получит {n:новый автобус|новых автобуса|новых автобусов} на природном газе."),
    ("transport", "Transport Minister {man} opened a new section of the federal highway {km:kilometre|kilometres} long.",
     "Министр транспорта {man} открыл новый участок федеральной трассы протяжённостью {km:километр|километра|километров}."),
    ("transport", "Fares on city buses in {city} will rise to {fare:rouble|roubles} on {date}.",
     "{date} стоимость проезда в городских автобусах {city_gen} вырастет до {fare:рубля|рублей|рублей}."),
    ("transport", "The port of {city} handled {pct} percent more cargo than a year earlier.",
     "Порт {city_gen} перевалил на {pct} процента больше грузов, чем годом ранее."),
    # Economy
    ("economy", "The budget of the {region} for {year} provides for revenues of {money}.",
     "Бюджет {region_gen} на {year} год предусматривает доходы в размере {money}."),
    ("economy", "According to the {org}, the average salary in the {region} reached {big:rouble|roubles}.",
     "По данным {org_gen}, средняя зарплата в {region_prep} достигла {big:рубля|рублей|рублей}."),
    ("economy", "The company {company} will invest {money} in a new plant near {city}.",
     "Компания «{company}» вложит {money} в новый завод недалеко от {city_gen}."),
    ("economy", "Unemployment in the {region} fell to {pct} percent, the lowest level in {few:year|years}.",
     "Безработица в {region_prep} снизилась до {pct} процента — это самый низкий уровень за {few:год|года|лет}."),
    ("economy", "Economy Minister {man} met the heads of {n:company|companies} from the {region}.",
     "Министр экономики {man} встретился с руководителями {n:компании|компаний|компаний} из {region_gen}."),
    ("economy", "Small businesses in {city} received {n:grant|grants} totalling {money}.",
     "Малые предприятия {city_gen} получили {n:грант|гранта|грантов} на общую сумму {money}."),
    ("economy", "The {org} will check {n:shop|shops} in the {region} before {date}.",
     "До {date} {org} проверит {n:магазин|магазина|магазинов} в {region_prep}."),
    ("economy", "Exports from the {region} grew by {pct} percent in {year}.",
     "В {year} году экспорт из {region_gen} вырос на {pct} процента."),
    ("economy", "The {company} factory in {city} hired {seats:worker|workers} after launching a new line.",
     "Завод «{company}» в {city_prep} после запуска новой линии принял на работу {seats:сотрудника|сотрудника|сотрудников}."),
    ("economy", "Prices for vegetables in {city} fell by {pct} percent in {month}.",
     "В {month_prep} цены на овощи в {city_prep} снизились на {pct} процента."),
    # Agriculture
    ("agriculture", "Farmers in the {region} harvested {big:tonne|tonnes} of grain this year.",
     "В этом году аграрии {region_gen} собрали {big:тонну|тонны|тонн} зерна."),
    ("agriculture", "The {org} will support {n:family farm|family farms} in the {region} with grants.",
     "{org} поддержит грантами {n:семейную ферму|семейные фермы|семейных ферм} в {region_prep}."),
    ("agriculture", "Farmer {man} from the {region} built a dairy farm for {seats:cow|cows}.",
     "Фермер {man} из {region_gen} построил молочную ферму на {seats:корову|коровы|коров}."),
    ("agriculture", "Because of the dry summer, the potato harvest near {city} was {pct} percent lower.",
     "Из-за засушливого лета урожай картофеля в окрестностях {city_gen} оказался на {pct} процента ниже."),
    ("agriculture", "Sowing in the {region} began on {date}, two weeks earlier than usual.",
     "Посевная в {region_prep} началась {date}, на две недели раньше обычного."),
    ("agriculture", "A new greenhouse complex near {city} will produce {big:tonne|tonnes} of vegetables a year.",
     "Новый тепличный комплекс недалеко от {city_gen} будет производить {big:тонну|тонны|тонн} овощей в год."),
    ("agriculture", "Agriculture Minister {woman} said that grain exports had reached a record level.",
     "Министр сельского хозяйства {woman} заявила, что экспорт зерна достиг рекордного уровня."),
    ("agriculture", "The {company} company delivered {n:new tractor|new tractors} to farms in the {region}.",
     "Компания «{company}» поставила хозяйствам {region_gen} {n:новый трактор|новых трактора|новых тракторов}."),
    # Regions, housing and energy
    ("regions", "Gas was brought to {n:village|villages} in the {region} this year.",
     "В этом году в {region_prep} газифицировали {n:село|села|сёл}."),
    ("regions", "Governor of the {region} {woman} held a meeting on preparations for the heating season.",
     "Губернатор {region_gen} {woman} провела совещание по подготовке к отопительному сезону."),
    ("regions", "By {year}, {big:family|families} in {city} will be moved from old houses into new flats.",
     "До {year} года в {city_prep} из ветхого жилья в новые квартиры переселят {big:семью|семьи|семей}."),
    ("regions", "Mayor {man} announced that {n:courtyard|courtyards} in {city} would be improved this summer.",
     "Мэр {man} объявил, что этим летом в {city_prep} благоустроят {n:двор|двора|дворов}."),
    ("regions", "The new power plant in the {region} will have a capacity of {n:megawatt|megawatts}.",
     "Мощность новой электростанции в {region_prep} составит {n:мегаватт|мегаватта|мегаватт}."),
    ("regions", "Residents of {city} can submit their meter readings online until {date}.",
     "Жители {city_gen} могут передать показания счётчиков онлайн до {date}."),
    ("regions", "The programme for the development of the {region} until {year} was approved with representatives of the {org}.",
     "Программа развития {region_gen} до {year} года утверждена с участием представителей {org_gen}."),
    ("regions", "Repairs to {n:apartment block|apartment blocks} in {city} will be completed by {date}.",
     "Ремонт {n:многоквартирного дома|многоквартирных домов|многоквартирных домов} в {city_prep} завершат к {date}."),
    ("regions", "Prime Minister {man} held a meeting with the heads of the regions on {date}.",
     "{date} Председатель Правительства {man} провёл совещание с главами регионов."),
    ("regions", "The decree was signed on {date} and enters into force in {month}.",
     "Постановление подписано {date} и вступает в силу в {month_prep}."),
    ("regions", "Deputy Prime Minister {woman} noted that the regions had submitted {n:application|applications}.",
     "Заместитель Председателя Правительства {woman} отметила, что регионы подали {n:заявку|заявки|заявок}."),
    ("regions", "The {org} will report on the results to the Government every quarter.",
     "{org} будет ежеквартально отчитываться о результатах перед Правительством."),
    ("regions", "The commission will review {n:proposal|proposals} from citizens by {date}.",
     "К {date} комиссия рассмотрит {n:предложение|предложения|предложений} граждан."),
    ("regions", "Volunteers in the {region} helped {big:elderly person|elderly people} during the winter.",
     "Зимой волонтёры {region_gen} помогли {big:пожилому человеку|пожилым людям|пожилым людям}."),
    ("regions", "The meeting in {city} was attended by {n:expert|experts} from {few:country|countries}.",
     "В совещании в {city_prep} приняли участие {n:эксперт|эксперта|экспертов} из {few:страны|стран|стран}."),
    ("regions", "Residents can send their comments on the draft law until {date}.",
     "Жители могут направить свои замечания к законопроекту до {date}."),
    ("regions", "The head of the {region} {man} presented a report on the work of the regional government in {year}.",
     "Глава {region_gen} {man} представил отчёт о работе регионального правительства в {year} году."),
    ("regions", "During the storm, emergency services in the {region} answered {n:call|calls}.",
     "Во время шторма экстренные службы {region_gen} выехали по {n:вызову|вызовам|вызовам}."),
    # Culture and sport
    ("culture", "The theatre in {city} will show {few:new play|new plays} this season.",
     "В этом сезоне театр {city_gen} покажет {few:новый спектакль|новых спектакля|новых спектаклей}."),
    ("culture", "More than {big:visitor|visitors} came to the festival in {city} on {date}.",
     "{date} на фестиваль в {city_prep} пришли более {big:посетителя|посетителей|посетителей}."),
    ("culture", "Skier {woman} from {city} won the gold medal at the national championship.",
     "Лыжница {woman} из {city_gen} завоевала золотую медаль на чемпионате страны."),
    ("culture", "The museum received {n:painting|paintings} by local artists as a gift.",
     "Музей получил в дар {n:картину|картины|картин} местных художников."),
    ("culture", "Coach {man} said that the team from {city} was ready for the final.",
     "Тренер {man} заявил, что команда из {city_gen} готова к финалу."),
    ("culture", "The restoration of the old church in the {region} will cost {money}.",
     "Реставрация старинной церкви в {region_prep} обойдётся в {money}."),
    ("culture", "The library of {city} has collected {big:book|books} for rural schools.",
     "Библиотека {city_gen} собрала для сельских школ {big:книгу|книги|книг}."),
    ("culture", "A new sports centre with a swimming pool opened in {city} on {date}.",
     "{date} в {city_prep} открылся новый спортивный центр с бассейном."),
    ("culture", "Writer {woman} presented her new novel at the book fair in {city}.",
     "Писательница {woman} представила свой новый роман на книжной ярмарке в {city_prep}."),
    ("culture", "The {org} will hold a competition for young musicians in {city} in {month}.",
     "В {month_prep} {org} проведёт в {city_prep} конкурс молодых музыкантов."),
]
# fmt: on
REPORT_LINE = ("Report No. {report} of {date}.", "Отчёт № {report} от {date}.")
TITLES = {
    DAILY: ("Notes", "Заметки"),
    "health": ("Health", "Здравоохранение"),
    "education": ("Education", "Образование"),
    "transport": ("Transport", "Транспорт"),
    "economy": ("Economy", "Экономика"),
    "agriculture": ("Agriculture", "Сельское хозяйство"),
    "regions": ("Regions", "Регионы"),
    "culture": ("Culture and sport", "Культура и спорт"),
}
NEWS_TOPICS = [topic for topic in TITLES if topic != DAILY]
SHORT_SENTENCES = (8, 20)
TOPIC_SHARE = 0.7
"""Share of a news page's sentences drawn from its own topic; the rest come from any topic."""
OMISSION = 0.03
"""Chance that a translation leaves one sentence out (on either side), as real translators do."""

SLOT = re.compile(r"\{([a-z]+)(\d?)(?:_([a-z]+))?(?::([^}]*))?\}")


# -------------------------------------------------------------------------------- rendering


def russian_plural(number: int, one: str, few: str, many: str) -> str:
    """The noun form Russian uses after ``number``: 1, 21 → one; 2–4, 22–24 → few; else many."""
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def _thousands(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator) if number >= 10000 else str(number)


@dataclass(frozen=True)
class Template:
    """A template pair split once into literal text and slots: ``(literal, kind, index, form, nouns)``."""

    topic: str
    english: tuple
    russian: tuple

    @classmethod
    def parse(cls, topic: str, english: str, russian: str) -> Template:
        return cls(topic, _parse(english), _parse(russian))


def _parse(text: str) -> tuple:
    parts, position = [], 0
    for match in SLOT.finditer(text):
        kind, index, form, nouns = match.groups()
        parts.append((text[position : match.start()], kind, index, form or "", nouns.split("|") if nouns else None))
        position = match.end()
    parts.append((text[position:], None, "", "", None))
    return tuple(parts)


@dataclass
class Page:
    """The people and places of a page, which recur across its sentences (kind → values)."""

    cast: dict = field(default_factory=dict)


def _person(rng: random.Random, female: bool) -> tuple[str, str, str]:
    first = rng.choice(WOMEN if female else MEN)
    latin, cyrillic = rng.choice(SURNAMES)
    if female:
        return f"{first[0]} {latin}a", f"{first[1]} {cyrillic}а", f"{first[2]} {cyrillic}ой"
    return f"{first[0]} {latin}", f"{first[1]} {cyrillic}", f"{first[2]} {cyrillic}а"


def _entity(kind: str, rng: random.Random) -> dict[str, str]:
    """English and Russian forms of one named slot value."""
    if kind in ("man", "woman"):
        en, nom, gen = _person(rng, kind == "woman")
        return {"en": en, "": nom, "gen": gen}
    if kind == "city":
        en, nom, gen, prep = rng.choice(CITIES)
        return {"en": en, "": nom, "gen": gen, "prep": prep}
    if kind == "region":
        en, adjective = rng.choice(REGIONS)
        oblique = adjective[:-2] + "ой области"
        return {"en": f"{en} Region", "": f"{adjective} область", "gen": oblique, "prep": oblique}
    if kind == "org":
        en, nom, gen = rng.choice(ORGANISATIONS)
        return {"en": en, "": nom, "gen": gen}
    if kind == "company":
        en, ru = rng.choice(COMPANIES)
        return {"en": en, "": ru}
    if kind == "month":
        en, gen, prep = rng.choice(MONTHS)
        return {"en": en, "": gen, "prep": prep}
    raise KeyError(kind)


def _date(rng: random.Random) -> dict[str, str]:
    day, (month, genitive, _), year = rng.randint(1, 28), rng.choice(MONTHS), rng.randint(2016, 2030)
    return {"en": f"{day} {month} {year}", "": f"{day} {genitive} {year} года"}


def _value(kind: str, rng: random.Random, page: Page, index: str) -> dict:
    """A slot value: recurring page entities for an unnumbered slot, fresh ones otherwise."""
    if kind in NUMBER_RANGES:
        low, high, step = NUMBER_RANGES[kind]
        return {"number": rng.randrange(low, high + 1, step)}
    if kind == "pct":
        whole, tenth = rng.randint(1, 95), rng.randint(1, 9)
        return {"en": f"{whole}.{tenth}", "": f"{whole},{tenth}"}
    if kind == "money":
        whole, tenth = rng.randint(1, 99), rng.randint(1, 9)
        en_unit, ru_unit = rng.choice([("million", "млн"), ("billion", "млрд")])
        return {"en": f"{whole}.{tenth} {en_unit} roubles", "": f"{whole},{tenth} {ru_unit} рублей"}
    if kind == "time":
        time = f"{rng.randint(6, 22)}:{rng.choice(['00', '15', '30', '45'])}"
        return {"en": time, "": time}
    if kind == "date":
        return _date(rng)
    if index or kind not in page.cast:
        value = _entity(kind, rng)
        if not index:
            page.cast[kind] = [value, _entity(kind, rng)] if kind in ("man", "woman") else [value]
        return value
    return rng.choice(page.cast[kind])


def render(template: Template, rng: random.Random, page: Page, extra: dict | None = None) -> tuple[str, str]:
    """The English and Russian sentence of ``template`` with the same slot values."""
    values = dict(extra or {})
    english, russian = [], []
    for literal, kind, index, _form, nouns in template.english:
        english.append(literal)
        if kind:
            if kind + index not in values:
                values[kind + index] = _value(kind, rng, page, index)
            english.append(_english(values[kind + index], nouns))
    for literal, kind, index, form, nouns in template.russian:
        russian.append(literal)
        if kind:
            russian.append(_russian(values[kind + index], form, nouns))
    return "".join(english), "".join(russian)


def _english(value: dict, nouns: list[str] | None) -> str:
    if "number" not in value:
        return value["en"]
    number = value["number"]
    text = _thousands(number, ",")
    return f"{text} {nouns[0] if number == 1 else nouns[-1]}" if nouns else text


def _russian(value: dict, form: str, nouns: list[str] | None) -> str:
    if "number" not in value:
        return value[form]
    number = value["number"]
    text = _thousands(number, " ")
    return f"{text} {russian_plural(number, *nouns)}" if nouns else text


PARSED = [Template.parse(*entry) for entry in TEMPLATES]
DAILY_TEMPLATES = [t for t in PARSED if t.topic == DAILY]
NEWS_TEMPLATES = [t for t in PARSED if t.topic != DAILY]
BY_TOPIC = {topic: [t for t in PARSED if t.topic == topic] for topic in NEWS_TOPICS}
REPORT = Template.parse("report", *REPORT_LINE)


# ---------------------------------------------------------------------------------- the crawl


@dataclass
class CrawlTruth:
    """What was generated: the true pairs as ``(english file, russian file)`` names."""

    english: int
    russian: int
    by_url: list[tuple[str, str]] = field(default_factory=list)
    by_content: list[tuple[str, str]] = field(default_factory=list)
    sentences: int = 0

    @property
    def pairs(self) -> set[tuple[str, str]]:
        return set(self.by_url) | set(self.by_content)


@dataclass(frozen=True)
class WrittenPage:
    name: str
    text: str
    sentences: int
    pair: tuple[str, str, str] | None = None
    """``(english name, russian name, "url" or "content")`` on the Russian page of a pair."""


def page_sentences(
    rng: random.Random, diary: Page | None, sentences: tuple[int, int]
) -> tuple[str, list[tuple[str, str]]]:
    """A page's topic and its ``(english, russian)`` sentences, in order.

    A short page is a page of ``diary``: everyday sentences (``SHORT_SENTENCES`` of them) about
    the same few people and the same town as every other short page of the crawl, so that
    names tell short pages apart no better than the weather does. A news page has ``sentences``
    sentences on one topic, with people and places of its own.
    """
    if diary:
        topic, pool, own, sentences, page = DAILY, DAILY_TEMPLATES, DAILY_TEMPLATES, SHORT_SENTENCES, diary
    else:
        topic = rng.choice(NEWS_TOPICS)
        pool, own, page = NEWS_TEMPLATES, BY_TOPIC[topic], Page()
    count = rng.randint(*sentences)
    return topic, [render(rng.choice(own if rng.random() < TOPIC_SHARE else pool), rng, page) for _ in range(count)]


def report_line(number: int, rng: random.Random) -> tuple[str, str]:
    """The line that sets a short page apart: a report number no other page has, and a date."""
    return render(REPORT, rng, Page(), {"report": {"en": str(number), "": str(number)}})


def paragraphs(sentences: list[str], rng: random.Random) -> list[str]:
    """Sentences grouped 1–3 to a paragraph line."""
    lines, position = [], 0
    while position < len(sentences):
        size = rng.randint(1, 3)
        lines.append(" ".join(sentences[position : position + size]))
        position += size
    return lines


def page_text(sentences: list[str], rng: random.Random, header: dict[str, str], last_line: str | None) -> str:
    """A page file: the header block, a blank line, then the paragraphs and ``last_line``."""
    head = "".join(f"{key}: {value}\n" for key, value in header.items())
    lines = paragraphs(sentences, rng) + ([last_line] if last_line else [])
    return head + "\n" + "\n".join(lines) + "\n"


def _translation(rendered: list[tuple[str, str]], rng: random.Random) -> tuple[list[str], list[str]]:
    """The two sides of a translated page; now and then one side leaves a sentence out."""
    english, russian = [], []
    for en, ru in rendered:
        dropped = rng.random() < OMISSION
        side = rng.random() < 0.5
        if not (dropped and side):
            english.append(en)
        if not (dropped and not side):
            russian.append(ru)
    return english, russian


def iter_pages(
    english: int,
    russian: int,
    bilingual_by_url: int,
    bilingual_by_content: int,
    sentences: tuple[int, int] = (8, 20),
    short_share: float = 0.0,
    seed: int = 0,
) -> Iterator[WrittenPage]:
    """Every page of the crawl, a Russian partner right after its English one (``generate_crawl``)."""
    pairs = bilingual_by_url + bilingual_by_content
    if pairs > min(english, russian):
        raise ValueError("more bilingual pairs than pages in one language")
    rng = random.Random(seed)
    width = len(str(max(english, russian)))
    english_names = [f"en-{number:0{width}d}.txt" for number in rng.sample(range(english), english)]
    russian_names = [f"ru-{number:0{width}d}.txt" for number in rng.sample(range(russian), russian)]
    reports = iter(rng.sample(range(10**6, 10**8), english + russian))
    diary = Page()
    for number in range(english + russian - pairs):
        short = number >= bilingual_by_url and rng.random() < short_share
        topic, rendered = page_sentences(rng, diary if short else None, sentences)
        en_report, ru_report = report_line(next(reports), rng) if short else (None, None)
        (en_title, ru_title), date = TITLES[topic], _date(rng)["en"]
        if number < pairs:
            en_sentences, ru_sentences = _translation(rendered, rng)
            en_header, ru_header = {"title": en_title, "date": date}, {"title": ru_title, "date": date}
            method = "url" if number < bilingual_by_url else "content"
            if method == "url":
                en_header = {"url": f"http://example.gov.ru/en/news/{number + 1}/"} | en_header
                ru_header = {"url": f"http://example.gov.ru/news/{number + 1}/"} | ru_header
            en_name, ru_name = english_names[number], russian_names[number]
            yield WrittenPage(en_name, page_text(en_sentences, rng, en_header, en_report), len(en_sentences) + short)
            ru_text = page_text(ru_sentences, rng, ru_header, ru_report)
            yield WrittenPage(ru_name, ru_text, len(ru_sentences) + short, (en_name, ru_name, method))
        elif number < english:
            en_sentences = [en for en, _ in rendered]
            header = {"title": en_title, "date": date}
            text = page_text(en_sentences, rng, header, en_report)
            yield WrittenPage(english_names[number], text, len(rendered) + short)
        else:
            ru_sentences = [ru for _, ru in rendered]
            header = {"title": ru_title, "date": date}
            name = russian_names[number - english + pairs]
            yield WrittenPage(name, page_text(ru_sentences, rng, header, ru_report), len(rendered) + short)


def generate_crawl(folder: Path, english: int, russian: int, *shape, **options) -> CrawlTruth:
    """Write a crawl of ``english`` English and ``russian`` Russian pages into ``folder``.

    ``bilingual_by_url`` + ``bilingual_by_content`` of them are translation pairs (counted in
    both totals); pairs by URL carry matching ``url:`` headers, no other page has a URL. Each
    page outside the URL pairs is a *short* page with probability ``short_share`` (everyday
    sentences and one report line); the others have ``sentences`` news sentences on one topic.
    """
    folder.mkdir(parents=True, exist_ok=True)
    truth = CrawlTruth(english, russian)
    for page in iter_pages(english, russian, *shape, **options):
        (folder / page.name).write_text(page.text, encoding="utf-8")
        truth.sentences += page.sentences
        if page.pair:
            en_name, ru_name, method = page.pair
            (truth.by_url if method == "url" else truth.by_content).append((en_name, ru_name))
    return truth


def read_crawl(folder: Path) -> list[Document]:
    """The pages of a crawl as documents, without normalisation (the pages are clean): the file
    name is the ``doc_id`` and its prefix the language."""
    documents = []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        header, offset = split_header(text)
        body = text[offset:].strip("\n")
        title, date, url = header.get("title"), header.get("date"), header.get("url")
        documents.append(Document(path.name, path.name, title, date, path.name[:2], body, url=url))
    return documents
