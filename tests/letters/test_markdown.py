"""Safe Markdown: organiser HTML and script URLs are stripped, supporter text is escaped."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from tests.html_safety import script_problems
from webapp.letters.markdown import (
    escape_markdown,
    letter_digest,
    markdown_to_html,
    text_to_html,
)


@pytest.mark.parametrize(
    ("value", "markup_made"),
    [
        ("*emphasis*", "<em>"),
        ("**strong**", "<strong>"),
        ("_under_", "<em>"),
        ("[link](https://example.org)", "<a "),
        ("<b>bold</b>", "<b>"),
        ("<script>alert(1)</script>", "<script"),
        ("`code`", "<code>"),
        ("# heading", "<h1>"),
        ("![img](https://example.org/x.png)", "<img"),
    ],
)
def test_escape_markdown_makes_a_value_show_literally(value: str, markup_made: str) -> None:
    html = markdown_to_html(escape_markdown(value))
    assert markup_made not in html
    assert html.startswith("<p>") and html.count("<p>") == 1


@pytest.mark.parametrize("char", ["*", "_", "[", "]", "<", ">", "`", "\\", "#", "!"])
def test_escape_markdown_backslashes_each_special_character(char: str) -> None:
    assert escape_markdown(f"a{char}b") == f"a\\{char}b"


def test_escaped_value_reads_back_unchanged() -> None:
    value = r"*a* _b_ [c](d) <e> `f` \g # h ! i"
    html = markdown_to_html(escape_markdown(value))
    assert html == "<p>*a* _b_ [c](d) &lt;e&gt; `f` \\g # h ! i</p>\n"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> there",
        '<iframe src="https://evil.example/"></iframe>',
        '<img src="x" onerror="alert(1)">',
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        '<div onmouseover="alert(1)">x</div>',
        "<svg/onload=alert(1)>",
        "<style>body{display:none}</style>",
    ],
)
def test_markdown_to_html_never_passes_raw_html(source: str) -> None:
    html = markdown_to_html(source)
    assert script_problems(html) == []
    for tag in ("<script", "<iframe", "<img", "<svg", "<style", "<div", "<a "):
        assert tag not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_markdown_links_to_script_or_other_schemes_lose_their_href(url: str) -> None:
    for source in (f"[x]({url})", f"<{url}>", f'[x][r]\n\n[r]: {url} "t"'):
        html = markdown_to_html(source)
        assert "href=" not in html, (source, html)


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1&c=2", "http://example.org/", "mailto:office@example.org"]
)
def test_markdown_keeps_http_https_and_mailto_links(url: str) -> None:
    html = markdown_to_html(f"[the office]({url})")
    href = url.replace("&", "&amp;")
    assert f'<a href="{href}" rel="nofollow noopener noreferrer">the office</a>' in html


def test_markdown_keeps_lists_emphasis_and_headings() -> None:
    html = markdown_to_html(
        "## Five steps\n\n3. Third\n4. Fourth\n\n- a point\n\n*gently* and **firmly**\n\n> quoted"
    )
    assert isinstance(html, Markup)
    assert "<h2>Five steps</h2>" in html
    assert '<ol start="3">\n<li>Third</li>\n<li>Fourth</li>\n</ol>' in html
    assert "<ul>\n<li>a point</li>\n</ul>" in html
    assert "<em>gently</em> and <strong>firmly</strong>" in html
    assert "<blockquote>" in html


def test_text_to_html_escapes_and_splits_paragraphs() -> None:
    text = (
        'First line <b>&</b>\nsecond "line"\n\n\n**Not bold** [x](javascript:alert(1))\r\n\r\nEnd'
    )
    html = text_to_html(text)
    assert isinstance(html, Markup)
    assert html == (
        '<p dir="auto">First line &lt;b&gt;&amp;&lt;/b&gt;<br>second &#34;line&#34;</p>\n'
        '<p dir="auto">**Not bold** [x](javascript:alert(1))</p>\n'
        '<p dir="auto">End</p>'
    )


def test_a_long_run_without_spaces_can_break_after_its_punctuation() -> None:
    # Mail apps ignore style sheets: a long link must carry its own break opportunities.
    link = "https://example.org/c?from=<me>&ref=" + "x" * 34  # 70 characters
    html = text_to_html(f"Read {link} now")
    assert html == (
        '<p dir="auto">Read https:<wbr>/<wbr>/<wbr>example.<wbr>org/<wbr>c?<wbr>from=<wbr>'
        "&lt;me&gt;&amp;<wbr>ref=<wbr>" + "x" * 20 + "<wbr>" + "x" * 14 + " now</p>"
    )
    assert html.striptags() == f"Read {link} now"  # the same text, entities whole
    assert text_to_html("a" * 29) == f'<p dir="auto">{"a" * 29}</p>'  # short runs untouched


def test_an_arabic_run_breaks_only_between_its_words_never_between_two_letters() -> None:
    """A break between two Arabic letters unjoins them in the PDFs (second review)."""
    hashtag = "#أوقفوا_الحرب_على_المدنيين_في_سوريا_الآن"
    html = text_to_html(hashtag)
    assert str(html).count("<wbr>") == 7
    assert all(piece.endswith(("_", "#")) for piece in str(html).split("<wbr>")[:-1])
    assert text_to_html("أ" * 40) == f'<p dir="auto" lang="ar">{"أ" * 40}</p>'


def test_a_paragraph_that_opens_in_arabic_is_marked_arabic_and_the_rest_left_to_their_page() -> (
    None
):
    text = "My family is in Idlib.\n\n«عائلتي في إدلب» 2022\n\n2022: Aleppo حلب\n\nשלום"
    assert text_to_html(text) == (
        '<p dir="auto">My family is in Idlib.</p>\n'
        # Punctuation and digits are weak: the first letter decides, as dir="auto" does.
        '<p dir="auto" lang="ar">«عائلتي في إدلب» 2022</p>\n'
        '<p dir="auto">2022: Aleppo حلب</p>\n'
        '<p dir="auto">שלום</p>'  # right to left, but not Arabic
    )
    assert text_to_html("عائلتي", resolve_direction=True) == '<p dir="rtl" lang="ar">عائلتي</p>'


@pytest.mark.parametrize(
    ("paragraph", "lang"),
    [
        ("عائلتي في إدلب منذ عشر سنوات", "ar"),
        # Iraqi Arabic writes گ and چ ("I told him: come here"); its ي keeps it Arabic.
        ("گلتله تعال هنا، چا شلونك؟ أنا في بغداد", "ar"),
        ("صديقي پول من كندا", "ar"),  # a borrowed name with پ
        # Sorani and Urdu typed on an Arabic keyboard (its ي and ك) keep their own letters.
        ("ئەمە نامەيەكە بۆ كۆنگرێس", "ckb"),
        ("ميرا خاندان كراچی ميں رہتا ہے", "ur"),
        # Persian: a Syrian's neighbour from Iran writes "my family is in Germany".
        ("خانواده‌ام در آلمان زندگی می‌کنند", "fa"),
        ("پدرم", "fa"),
        # Urdu: "my family lives in Karachi" (ے and ہ are not Persian's).
        ("میرا خاندان کراچی میں رہتا ہے", "ur"),
        # Sorani Kurdish: "my family lives in Erbil" (ە and ێ).
        ("خێزانەکەم لە هەولێر دەژین", "ckb"),
    ],
)
def test_a_paragraph_in_the_arabic_script_is_marked_with_the_language_its_letters_show(
    paragraph: str, lang: str
) -> None:
    assert text_to_html(paragraph) == f'<p dir="auto" lang="{lang}">{paragraph}</p>'


@pytest.mark.parametrize("text", ["", "\n\n", "   \n \n  "])
def test_text_to_html_of_blank_text_is_empty(text: str) -> None:
    assert text_to_html(text) == ""


@pytest.mark.parametrize(
    ("body", "lead"),
    [
        ("We write to you today. It matters.\n\nMore.", "We write to you today."),
        # A list has no sentence end between its items: the lead is the first item alone.
        ("- Free every detainee\n- End torture\n\nThank you.", "Free every detainee"),
        ("1. Appoint an envoy. Now.\n2. Protect civilians\n\nThanks.", "Appoint an envoy."),
        ("* **Act** now\n* Later", "Act now"),
        ("- Free\n  - every detainee\n- End torture", "Free"),  # not its own sub-list
        # A bill's number, an initial or a title is not a sentence's end: the lead read "we ask
        # you to support S." on a campaign for S. 1234.
        ("We ask you to support S. 1234 now. Thank you.", "We ask you to support S. 1234 now."),
        (
            "Senator Gary C. Peters and Dr. Haddad agree. Act.",
            "Senator Gary C. Peters and Dr. Haddad agree.",
        ),
        ("Pass H.R. 5 in the U.S. Congress. Now.", "Pass H.R. 5 in the U.S. Congress."),
        ("ندعم قانون S. 1234 لعام 2026. شكرًا.", "ندعم قانون S. 1234 لعام 2026."),
        ("Section 2. It matters.", "Section 2."),
    ],
)
def test_the_lead_is_the_first_sentence_or_the_first_item_of_an_opening_list(
    body: str, lead: str
) -> None:
    assert letter_digest(body).lead == lead


@pytest.mark.parametrize(
    "phone",
    ["313-555-0100", "(313) 555-0100", "+49 176 12345678", "+963112345678", "٣١٣-٥٥٥-٠١٠٠"],
)
def test_a_phone_number_in_an_arabic_paragraph_is_isolated_left_to_right(phone: str) -> None:
    """Laid out right to left, its groups showed in reverse ("0100-555-313")."""
    html = str(text_to_html(f"اتصلوا بي على {phone}، شكرًا.\n\nوشكرًا."))
    assert f"على \u2066\u202d{phone}\u202c\u2069، شكرًا." in html


@pytest.mark.parametrize(
    "text",
    [
        "Call me at 313-555-0100.",  # an English paragraph: nothing to reorder
        "عشت في حلب من 1990-2011.",  # a range of two numbers reads right to left in Arabic
        "أكثر من 100,000 سوري",  # a comma keeps a number whole on its own
        "رقم البيت 12 في الشارع 5",
    ],
)
def test_other_numbers_are_left_as_they_are(text: str) -> None:
    assert "\u2066" not in str(text_to_html(text))


def test_an_isolated_phone_number_is_still_escaped() -> None:
    html = str(text_to_html("هاتفي 313-555-0100 <b>"))
    assert "\u2066\u202d313-555-0100\u202c\u2069 &lt;b&gt;" in html
