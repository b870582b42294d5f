"""Hand-made segmentation cases, written for this project (not taken from any other project).

Each case is a paragraph and its gold sentences. They cover the failure classes of issue #18 in the
style of government and news text: times (``a.m.``/``p.m.``) before capitalised words, month and
number abbreviations, abbreviations that may or may not end a sentence, initials, lists, ellipses,
quotations and dialogue, addresses, URLs and numbers. ``benchmarks.eval_segmentation`` scores
ours, pysbd and razdel on them.
"""

from __future__ import annotations

# fmt: off
ENGLISH: list[tuple[str, list[str]]] = [
    # Times before a capitalised word.
    ("The talks began at 10 a.m. Moscow time and lasted four hours.", ["The talks began at 10 a.m. Moscow time and lasted four hours."]),
    ("The meeting ended at 6 p.m. Ministers then left for the airport.", ["The meeting ended at 6 p.m.", "Ministers then left for the airport."]),
    ("At 9 a.m. President Putin opened the session. It lasted until noon.", ["At 9 a.m. President Putin opened the session.", "It lasted until noon."]),
    ("By 11 a.m. Friday the documents had been signed.", ["By 11 a.m. Friday the documents had been signed."]),
    ("Voting closes at 8 p.m. UTC on Sunday.", ["Voting closes at 8 p.m. UTC on Sunday."]),
    ("The flight left at 7:45 a.m. The crew returned at 5 p.m.", ["The flight left at 7:45 a.m.", "The crew returned at 5 p.m."]),
    ("The session resumed at 3 p.m. Monday after a short break.", ["The session resumed at 3 p.m. Monday after a short break."]),
    ("The talks, which began at 10 a.m. Tuesday, ended late.", ["The talks, which began at 10 a.m. Tuesday, ended late."]),
    ("The hearing is set for 9:30 a.m. EST on March 4.", ["The hearing is set for 9:30 a.m. EST on March 4."]),
    ("The ceremony took place at 11 a.m. The President then met the press.", ["The ceremony took place at 11 a.m.", "The President then met the press."]),
    ("Please call me after 5 p.m. Thanks in advance.", ["Please call me after 5 p.m.", "Thanks in advance."]),
    ("The deputy prime minister, Mr. Novak, arrived at 8 a.m. on Thursday.", ["The deputy prime minister, Mr. Novak, arrived at 8 a.m. on Thursday."]),
    # Month and number abbreviations.
    ("He arrived on Jan. 5. He left on Jan. 6.", ["He arrived on Jan. 5.", "He left on Jan. 6."]),
    ("The decree was signed on Feb. 12, 2021, and published on Mar. 1.", ["The decree was signed on Feb. 12, 2021, and published on Mar. 1."]),
    ("The summit took place in Sochi on Oct. 22. Leaders signed three agreements.", ["The summit took place in Sochi on Oct. 22.", "Leaders signed three agreements."]),
    ("Sales peaked in Sept. Then they fell sharply.", ["Sales peaked in Sept.", "Then they fell sharply."]),
    ("The vote was held on Dec. 3 in Minsk.", ["The vote was held on Dec. 3 in Minsk."]),
    ("Please see p. 55 of the report.", ["Please see p. 55 of the report."]),
    ("The figures are on pp. 12-14. They were revised in May.", ["The figures are on pp. 12-14.", "They were revised in May."]),
    ("Details are given in Art. 7 and Fig. 3 of the annex.", ["Details are given in Art. 7 and Fig. 3 of the annex."]),
    ("Ask for form N°. 12 at the desk. It is on the left.", ["Ask for form N°. 12 at the desk.", "It is on the left."]),
    ("The forum (see p. 4) drew 5,000 guests. Most came from Asia.", ["The forum (see p. 4) drew 5,000 guests.", "Most came from Asia."]),
    ("I asked whether he agreed and he said no. Then the session closed.", ["I asked whether he agreed and he said no.", "Then the session closed."]),
    # Titles, places and company names.
    ("He lives at No. 5 Downing St. He likes it.", ["He lives at No. 5 Downing St.", "He likes it."]),
    ("The embassy is on Bolshaya Ordynka St. It opens at nine.", ["The embassy is on Bolshaya Ordynka St.", "It opens at nine."]),
    ("St. Petersburg hosted the forum again this year.", ["St. Petersburg hosted the forum again this year."]),
    ("The St. Petersburg forum opened on Wednesday. Prof. Ivanov spoke first.", ["The St. Petersburg forum opened on Wednesday.", "Prof. Ivanov spoke first."]),
    ("Mt. Elbrus is the highest peak in Europe.", ["Mt. Elbrus is the highest peak in Europe."]),
    ("Mr. Mamin thanked the hosts. Dr. Smith did the same.", ["Mr. Mamin thanked the hosts.", "Dr. Smith did the same."]),
    ("Gen. Petrov and Col. Sidorov attended the ceremony.", ["Gen. Petrov and Col. Sidorov attended the ceremony."]),
    ("Mr. and Mrs. Smith attended the reception.", ["Mr. and Mrs. Smith attended the reception."]),
    ("The contract went to Smith & Co. It was signed yesterday.", ["The contract went to Smith & Co.", "It was signed yesterday."]),
    ("Shares of Acme Inc. rose by 5 percent.", ["Shares of Acme Inc. rose by 5 percent."]),
    ("He studied at Moscow State Univ. and later at Oxford.", ["He studied at Moscow State Univ. and later at Oxford."]),
    ("Ms. Zakharova said the talks were productive. She gave no details.", ["Ms. Zakharova said the talks were productive.", "She gave no details."]),
    # Abbreviations with several full stops, initials, "I".
    ("She works for the U.S. Department of State.", ["She works for the U.S. Department of State."]),
    ("The delegation flew to the U.S. They met senators there.", ["The delegation flew to the U.S.", "They met senators there."]),
    ("Trade with the E.U. fell last year. Exports to China rose.", ["Trade with the E.U. fell last year.", "Exports to China rose."]),
    ("The U.K. government published its response on Monday.", ["The U.K. government published its response on Monday."]),
    ("The U.N. Security Council met on Friday. It adopted no resolution.", ["The U.N. Security Council met on Friday.", "It adopted no resolution."]),
    ("The report was written by my colleague and I. Did you read it?", ["The report was written by my colleague and I.", "Did you read it?"]),
    ("The speech quoted John F. Kennedy at length.", ["The speech quoted John F. Kennedy at length."]),
    ("Vladimir V. Putin met Kassym-Jomart K. Tokayev in Astana.", ["Vladimir V. Putin met Kassym-Jomart K. Tokayev in Astana."]),
    ("He holds a Ph.D. in economics. He taught at MGIMO.", ["He holds a Ph.D. in economics.", "He taught at MGIMO."]),
    ("The company (founded in 1991 by A. Smith) employs 300 people.", ["The company (founded in 1991 by A. Smith) employs 300 people."]),
    # Latin abbreviations.
    ("The scheme works well, e.g. in Kazan. It failed elsewhere.", ["The scheme works well, e.g. in Kazan.", "It failed elsewhere."]),
    ("The team included engineers, analysts, etc. The work took a year.", ["The team included engineers, analysts, etc.", "The work took a year."]),
    ("Approx. 40 percent of firms use AI. The share is growing.", ["Approx. 40 percent of firms use AI.", "The share is growing."]),
    ("Growth was 2.5% in 2023 vs. 1.9% in 2022.", ["Growth was 2.5% in 2023 vs. 1.9% in 2022."]),
    # Lists.
    ("1. Approve the draft law. 2. Send it to the Duma. 3. Report by June.", ["1. Approve the draft law.", "2. Send it to the Duma.", "3. Report by June."]),
    (
        "The instructions are: 1) prepare a report 2) submit it to the Government 3) publish the results",
        ["The instructions are:", "1) prepare a report", "2) submit it to the Government", "3) publish the results"],
    ),
    ("• Digital economy • Artificial intelligence • Data protection", ["• Digital economy", "• Artificial intelligence", "• Data protection"]),
    ("a. Review the budget b. Approve the plan c. Report to the board", ["a. Review the budget", "b. Approve the plan", "c. Report to the board"]),
    ("(a) the federal budget; (b) regional budgets; (c) other sources.", ["(a) the federal budget;", "(b) regional budgets;", "(c) other sources."]),
    # Ellipses.
    ("The word was spelled out . . . and then forgotten.", ["The word was spelled out . . . and then forgotten."]),
    ("He listed the reasons . . . . Nobody objected.", ["He listed the reasons . . . .", "Nobody objected."]),
    ("We must act now. . . . The window is closing.", ["We must act now.", ". . . The window is closing."]),
    ("I never said that... He did.", ["I never said that...", "He did."]),
    ("Wait... what did you say?", ["Wait... what did you say?"]),
    # Quotations and dialogue.
    ("“We are ready. We will start tomorrow,” the minister said.", ["“We are ready. We will start tomorrow,” the minister said."]),
    ("He said: “The decision is final.” Then he left the room.", ["He said: “The decision is final.”", "Then he left the room."]),
    ('"Stop the clock!" he shouted.', ['"Stop the clock!" he shouted.']),
    ('"Is it ready?" asked the minister. "Almost," replied the engineer.', ['"Is it ready?" asked the minister.', '"Almost," replied the engineer.']),
    # Numbers, addresses, plain punctuation.
    ("Her address is press@gov.example. She answers quickly.", ["Her address is press@gov.example.", "She answers quickly."]),
    ("The full text is at www.example.org/decree.html. It runs to 40 pages.", ["The full text is at www.example.org/decree.html.", "It runs to 40 pages."]),
    ("The budget is $1.5 billion. It will be spent by 2024.", ["The budget is $1.5 billion.", "It will be spent by 2024."]),
    ("Section 2.1 describes the method. Section 2.2 gives the results.", ["Section 2.1 describes the method.", "Section 2.2 gives the results."]),
    ("He was born in 1962 in Moscow. In 1985 he joined the ministry.", ["He was born in 1962 in Moscow.", "In 1985 he joined the ministry."]),
    ("Who will pay? The regions will.", ["Who will pay?", "The regions will."]),
    ("This is historic! Nobody expected it.", ["This is historic!", "Nobody expected it."]),
]
# fmt: on

RUSSIAN: list[tuple[str, list[str]]] = [
    # Years and dates: г. after a number may end a sentence; before a name it may not.
    ("Указ подписан 5 февр. 2021 г. Он вступил в силу.", ["Указ подписан 5 февр. 2021 г.", "Он вступил в силу."]),
    ("Это произошло в 2021 г. Потом всё изменилось.", ["Это произошло в 2021 г.", "Потом всё изменилось."]),
    (
        "Программа рассчитана до 2030 г. Её стоимость пока не определена.",
        ["Программа рассчитана до 2030 г.", "Её стоимость пока не определена."],
    ),
    ("В 2019–2020 гг. Министерство провело реформу.", ["В 2019–2020 гг. Министерство провело реформу."]),
    (
        "12 июня 2023 г. Президент вручил государственные премии.",
        ["12 июня 2023 г. Президент вручил государственные премии."],
    ),
    (
        "Закон принят Госдумой 12 дек. 2023 г. и подписан Президентом.",
        ["Закон принят Госдумой 12 дек. 2023 г. и подписан Президентом."],
    ),
    ("А. С. Пушкин родился в 1799 г. в Москве.", ["А. С. Пушкин родился в 1799 г. в Москве."]),
    ("В XIX в. Москва быстро росла.", ["В XIX в. Москва быстро росла."]),
    ("Здание построено в XIX в. Сейчас в нём музей.", ["Здание построено в XIX в.", "Сейчас в нём музей."]),
    ("Заседание началось в 10 ч. Потом объявили перерыв.", ["Заседание началось в 10 ч.", "Потом объявили перерыв."]),
    # Places, titles and initials before a name.
    ("Делегация посетила г. Казань и г. Уфу.", ["Делегация посетила г. Казань и г. Уфу."]),
    (
        "Встреча прошла в пгт. Новый Свет. Участники обсудили бюджет.",
        ["Встреча прошла в пгт. Новый Свет.", "Участники обсудили бюджет."],
    ),
    ("Ширина реки у с. Покровское достигает 300 м.", ["Ширина реки у с. Покровское достигает 300 м."]),
    (
        "Проф. Иванов выступил первым. За ним выступил акад. Петров.",
        ["Проф. Иванов выступил первым.", "За ним выступил акад. Петров."],
    ),
    ("В. В. Путин и Ш. М. Мирзиёев провели переговоры.", ["В. В. Путин и Ш. М. Мирзиёев провели переговоры."]),
    # Numbers after abbreviations, units and currencies.
    ("Подробности см. на стр. 15 доклада.", ["Подробности см. на стр. 15 доклада."]),
    (
        "Согласно ст. 5 закона, срок продлевается. Решение окончательное.",
        ["Согласно ст. 5 закона, срок продлевается.", "Решение окончательное."],
    ),
    (
        "Встреча состоится на ул. Ленина, д. 5. Вход свободный.",
        ["Встреча состоится на ул. Ленина, д. 5.", "Вход свободный."],
    ),
    (
        "Стоимость проекта составила 5 млн руб. Работы завершены.",
        ["Стоимость проекта составила 5 млн руб.", "Работы завершены."],
    ),
    ("Курс составил 90,5 руб. за доллар.", ["Курс составил 90,5 руб. за доллар."]),
    ("Площадь участка 20 га. Он расположен у р. Оки.", ["Площадь участка 20 га.", "Он расположен у р. Оки."]),
    (
        "По данным Росстата, рост ВВП составил 3,6 %. Это выше прогноза.",
        ["По данным Росстата, рост ВВП составил 3,6 %.", "Это выше прогноза."],
    ),
    (
        "Телефон горячей линии: 8-800-100-00-00. Звонок бесплатный.",
        ["Телефон горячей линии: 8-800-100-00-00.", "Звонок бесплатный."],
    ),
    # и т. д., и др., т. е.
    (
        "Закупили компьютеры, принтеры и т. д. Поставка заняла месяц.",
        ["Закупили компьютеры, принтеры и т. д.", "Поставка заняла месяц."],
    ),
    (
        "Документ подписали представители РФ, РК и др. Текст опубликован.",
        ["Документ подписали представители РФ, РК и др.", "Текст опубликован."],
    ),
    (
        "Документ подписали министр, его заместители и др. лица.",
        ["Документ подписали министр, его заместители и др. лица."],
    ),
    ("Т. е. речь идёт о новом законе.", ["Т. е. речь идёт о новом законе."]),
    # Quotations and dialogue.
    ("Он сказал: «Это важно. Очень важно». Затем ушёл.", ["Он сказал: «Это важно. Очень важно».", "Затем ушёл."]),
    ("«Ты уже закончил? – спросил отец. – Нам пора ехать».", ["«Ты уже закончил? – спросил отец. – Нам пора ехать»."]),
    (
        "«Мы готовы к диалогу», — заявил министр. Он не уточнил деталей.",
        ["«Мы готовы к диалогу», — заявил министр.", "Он не уточнил деталей."],
    ),
    # Lists.
    (
        "Вот что нужно сделать: 1) подготовить доклад; 2) направить его в Правительство.",
        ["Вот что нужно сделать:", "1) подготовить доклад;", "2) направить его в Правительство."],
    ),
    ("• Цифровая экономика • Искусственный интеллект", ["• Цифровая экономика", "• Искусственный интеллект"]),
    # Plain punctuation and ellipses.
    ("Что дальше? Никто не знает.", ["Что дальше?", "Никто не знает."]),
    ("Мы выиграли! Все радуются.", ["Мы выиграли!", "Все радуются."]),
    ("Он замолчал… Потом продолжил.", ["Он замолчал…", "Потом продолжил."]),
    ("Он помолчал… и продолжил.", ["Он помолчал… и продолжил."]),
]
