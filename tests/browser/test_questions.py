"""Every question the knowledge-base issue lists, typed into the full-page chat in English and Spanish.

Each must come back as the right topic's answer, in the user's language, with its sources
(publisher and date, linked) and its last-reviewed date. The questions are written here, apart
from the training examples, and the expected texts are read from knowledge/.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page

from api.i18n import format_day
from knowledge import load_knowledge
from tests.live import Stack

KB = load_knowledge()

QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "events.what-happened": [
        ("en", "What happened between the IRS and ICE?"),
        ("es", "¿Qué pasó entre el IRS y el ICE?"),
    ],
    "events.timeline": [
        ("en", "Can you give me a timeline of the IRS and ICE data sharing?"),
        ("es", "¿Me da una cronología de lo que pasó con el IRS e ICE?"),
    ],
    "events.agreement": [
        ("en", "Who signed the April 2025 agreement between the IRS and ICE?"),
        ("en", "What law does the IRS-ICE agreement use, section 6103(i)(2)?"),
        ("en", "Is the agreement only about people with a final removal order?"),
        ("es", "¿Quién firmó el acuerdo de abril de 2025 entre el IRS y DHS?"),
        ("es", "¿En qué ley se basa el acuerdo, la sección 6103(i)(2)?"),
        ("es", "¿El acuerdo es solo para personas con orden final de deportación?"),
    ],
    "events.how-many": [
        ("en", "How many names did ICE ask the IRS to check?"),
        ("en", "How many addresses did the IRS give ICE in August 2025?"),
        ("es", "¿Cuántos nombres le pidió ICE al IRS?"),
        ("es", "¿Cuántas direcciones le dio el IRS a ICE en agosto de 2025?"),
    ],
    "events.declaration": [
        ("en", "What did the IRS admit in its February 2026 declaration?"),
        ("en", "What share of the data did the IRS give out by mistake?"),
        ("es", "¿Qué admitió el IRS en la declaración de febrero de 2026?"),
        ("es", "¿Qué porcentaje de los datos se compartió por error?"),
        ("en", "When did Treasury tell DHS that some addresses were shared in error?"),
        ("es", "¿Cuándo avisó el Tesoro a DHS de las direcciones compartidas por error?"),
        # The court's count is explained with the declaration it rests on (and summed up in case-ctr).
        ("en", "What are the 42,695 violations the court counted?"),
        ("es", "¿Qué son las 42,695 violaciones que contó la corte?"),
    ],
    "events.case-ctr": [
        ("en", "What is the status of Center for Taxpayer Rights v. IRS?"),
        ("es", "¿Cómo va el caso Center for Taxpayer Rights contra el IRS?"),
    ],
    "events.case-centro": [
        ("en", "What is the status of Centro de Trabajadores Unidos v. Bessent?"),
        ("es", "¿En qué va el caso Centro de Trabajadores Unidos contra Bessent?"),
    ],
    "events.case-cedc": [
        ("en", "What did the Massachusetts court order in the CEDC case?"),
        ("es", "¿Qué ordenó la corte de Massachusetts en el caso CEDC?"),
    ],
    "events.court-cases": [
        ("en", "Which lawsuits are there against the IRS sharing data with ICE?"),
        ("es", "¿Qué demandas hay contra el IRS por compartir datos con ICE?"),
    ],
    "events.dc-circuit-ruling": [
        ("en", "What did the D.C. Circuit decide on February 24, 2026?"),
        ("es", "¿Qué decidió la corte de apelaciones del Circuito de D.C. el 24 de febrero de 2026?"),
    ],
    "events.tigta-report": [
        ("en", "What did the TIGTA report from June 2026 find?"),
        ("es", "¿Qué encontró el informe de TIGTA de junio de 2026?"),
    ],
    "events.irs-leaders": [
        ("en", "Which IRS leaders left because of the data sharing?"),
        ("es", "¿Qué jefes del IRS renunciaron por lo de compartir datos?"),
    ],
    "events.congress": [
        ("en", "What has Congress said about the IRS giving data to ICE?"),
        ("es", "¿Qué ha dicho el Congreso sobre el IRS y los datos para ICE?"),
    ],
    "events.earlier-requests": [
        ("en", "Did ICE ask for data on 700,000 or even 7 million people before?"),
        ("es", "¿Es cierto que antes ICE pidió datos de 700,000 o hasta 7 millones de personas?"),
    ],
    "for-me.was-my-data-shared": [
        ("en", "Was my information shared with ICE?"),
        ("en", "How could I find out if the IRS gave my address to ICE?"),
        ("es", "¿Compartieron mi información con ICE?"),
        ("es", "¿Cómo puedo saber si el IRS le dio mi dirección a ICE?"),
    ],
    "for-me.records-request": [
        ("en", "How do I make a Privacy Act or FOIA request to the IRS?"),
        ("en", "Can I get an accounting of disclosures of my tax information?"),
        ("es", "¿Cómo hago una solicitud de la Ley de Privacidad o FOIA al IRS?"),
        ("es", "¿Puedo pedir un registro de a quién dio el IRS mi información?"),
    ],
    "for-me.filing-taxes": [
        ("en", "Should I keep filing my taxes?"),
        ("en", "Do I still have to file taxes if I'm undocumented?"),
        ("es", "¿Debo seguir declarando mis impuestos?"),
        ("es", "¿Tengo que declarar impuestos aunque no tenga papeles?"),
    ],
    "for-me.change-address": [
        ("en", "I moved. How do I change my address with the IRS?"),
        ("es", "Me mudé. ¿Cómo cambio mi dirección con el IRS?"),
    ],
    "for-me.itin": [
        ("en", "What is an ITIN?"),
        ("es", "¿Qué es un ITIN?"),
    ],
    "for-me.itin-apply": [
        ("en", "How do I apply for an ITIN with the W-7?"),
        ("es", "¿Cómo solicito un ITIN con el formulario W-7?"),
    ],
    "for-me.itin-renewal": [
        ("en", "My ITIN expired. How do I renew it?"),
        ("es", "Mi ITIN se venció. ¿Cómo lo renuevo?"),
    ],
    "for-me.ip-pin": [
        ("en", "What is an IP PIN and how do I get one?"),
        ("es", "¿Qué es un IP PIN y cómo lo consigo?"),
    ],
    "for-me.confidentiality": [
        ("en", "Is my tax information confidential under section 6103?"),
        ("es", "¿Mi información de impuestos es confidencial según la sección 6103?"),
    ],
    "for-me.disclosure-penalties": [
        ("en", "What is the penalty for unlawful disclosure of tax information under 7213?"),
        ("es", "¿Cuál es la pena por divulgar ilegalmente información de impuestos según la 7213?"),
    ],
    "for-me.sue-for-damages": [
        ("en", "Can I sue for damages under section 7431 if my data was shared?"),
        ("es", "¿Puedo demandar por daños bajo la sección 7431 si compartieron mis datos?"),
    ],
    "for-me.taxpayer-rights": [
        ("en", "What is the Taxpayer Bill of Rights?"),
        ("es", "¿Cuáles son los derechos de la Carta de Derechos del Contribuyente?"),
    ],
    "for-me.scams": [
        ("en", "Someone says he is from the IRS and wants money. Is it a scam?"),
        ("en", "A notario wants to charge me to fix my papers. Is that a scam?"),
        ("es", "Alguien dice que es del IRS y me pide dinero. ¿Es una estafa?"),
        ("es", "Un notario me quiere cobrar por arreglar mis papeles. ¿Es fraude?"),
    ],
    "for-me.ice-contact": [
        ("en", "What should I do if ICE comes to my door?"),
        ("es", "¿Qué hago si ICE llega a mi casa?"),
    ],
    "help.free-help": [
        ("en", "Where can I get free help?"),
        ("es", "¿Dónde consigo ayuda gratis?"),
    ],
    "help.taxpayer-advocate": [
        ("en", "What does the Taxpayer Advocate Service do?"),
        ("es", "¿Qué hace el Servicio del Defensor del Contribuyente?"),
    ],
    "help.litc": [
        ("en", "What is a Low Income Taxpayer Clinic?"),
        ("es", "¿Qué es una Clínica para Contribuyentes de Bajos Ingresos?"),
    ],
    "help.vita": [
        ("en", "What is VITA free tax preparation?"),
        ("es", "¿Qué es VITA, la preparación de impuestos gratis?"),
    ],
    "help.irs-phone": [
        ("en", "What is the IRS phone number?"),
        ("en", "Is there a TTY number for the IRS?"),
        ("en", "Can I get an interpreter when I call the IRS?"),
        ("es", "¿Cuál es el número de teléfono del IRS?"),
        ("es", "¿Hay un número TTY del IRS?"),
        ("es", "¿Puedo tener un intérprete cuando llamo al IRS?"),
    ],
    "help.immigration-lawyer": [
        ("en", "How do I find an immigration attorney or a DOJ-accredited representative?"),
        ("es", "¿Cómo encuentro un abogado de inmigración o un representante acreditado?"),
    ],
    "help.talk-to-person": [
        ("en", "Can I talk to a real person?"),
        ("es", "¿Puedo hablar con una persona?"),
    ],
    "about.service": [
        ("en", "Who runs this service?"),
        ("en", "Are you the IRS or a law firm?"),
        ("en", "Is this legal advice?"),
        ("es", "¿Quién maneja este servicio?"),
        ("es", "¿Ustedes son el IRS o un bufete de abogados?"),
        ("es", "¿Esto es asesoría legal?"),
    ],
    "about.privacy": [
        ("en", "What do you store about me, and for how long?"),
        ("es", "¿Qué guardan de mí y por cuánto tiempo?"),
    ],
    "about.accuracy": [
        ("en", "How current is this information?"),
        ("en", "How do I report a mistake in an answer?"),
        ("es", "¿Qué tan actualizada está esta información?"),
        ("es", "¿Cómo reporto un error en una respuesta?"),
    ],
}
CASES = [
    pytest.param(f"{lang}-US", question, topic, id=f"{topic}-{lang}-{n}")
    for topic, items in QUESTIONS.items()
    for n, (lang, question) in enumerate(items)
]
_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_topic_of_the_issue_is_asked_in_both_languages() -> None:
    assert set(QUESTIONS) == {t.id for t in KB.topics}
    for topic, items in QUESTIONS.items():
        assert {lang for lang, _ in items} == {"en", "es"}, topic


@pytest.mark.parametrize(("browser_locale", "question", "topic_id"), CASES)
def test_question_in_the_full_page_chat(
    page: Page, live_stack: Stack, browser_locale: str, question: str, topic_id: str
) -> None:
    lang = browser_locale.split("-")[0]
    page.goto(live_stack.gateway + "/")
    page.fill("#message", question)
    page.press("#message", "Enter")
    page.locator("#log li.bot:not(.typing)").first.wait_for()
    answers = page.locator("#log li.bot[data-topic]")
    topics = answers.evaluate_all("(items) => items.map((li) => li.dataset.topic)")
    assert topics == [topic_id], f"{question!r} was answered as {topics or 'fallback'}"

    topic = KB.topic(topic_id)
    answer = answers.first
    assert answer.get_attribute("lang") == lang
    shown = flat(answer.inner_text())
    assert flat(_LINK.sub(r"\1", topic.text[lang].long)) in shown
    sources = answer.locator("p.meta a")
    assert sources.all_inner_texts() == [f"{s.publisher}, {format_day(s.published, lang)}" for s in topic.sources]
    # A source on the service itself ("/") links to the gateway, wherever the widget is embedded.
    hrefs = [sources.nth(i).get_attribute("href") for i in range(sources.count())]
    assert hrefs == [urljoin(live_stack.gateway + "/", s.url) for s in topic.sources]
    assert format_day(topic.last_reviewed, lang) in shown
    if topic.as_of is not None:
        assert str(topic.as_of.year) in shown
