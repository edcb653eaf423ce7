"""Cell text to HTML: paragraphs, bullets, milestones, line breaks; nothing from a cell is markup."""

from html.parser import HTMLParser

from reportgen.render.text import normalise, to_html, with_word_breaks

MONTHS = "januar februar marts april maj juni juli august september oktober november december jan feb"


def test_paragraphs_bullets_and_breaks():
    html = to_html("Første linje\nanden linje\n\n• punkt et\n- punkt to\n* punkt tre\nEfter listen", MONTHS)
    assert html == (
        "<p>Første linje<br>\nanden linje</p>\n<ul>\n<li>punkt et</li>\n<li>punkt to</li>\n"
        "<li>punkt tre</li>\n</ul>\n<p>Efter listen</p>"
    )


def test_milestone_dates_are_marked():
    html = to_html("Marts 2017: Forelagt udvalget\n19. april 2017: Godkendt\n2016-17: Udført", MONTHS)
    assert html.count('<strong class="milestone">') == 3
    assert '<strong class="milestone">19. april 2017:</strong> Godkendt' in html


def test_numbered_lines_stay_lines():
    html = to_html("13. april 2016 blev planen vedtaget\n1) første\n2) anden", MONTHS)
    assert "<ol" not in html and "1) første" in html


def test_hostile_text_is_escaped():
    hostile = ('<script>alert(1)</script> <img src="http://evil/x.png"> [a](http://evil) '
               '![b](http://evil/y.png) <a href="x">z</a> &amp; # heading\n<style>*{}</style>')
    html = to_html(hostile, MONTHS)
    tags = Tags()
    tags.feed(html)
    assert tags.seen <= {("p", ()), ("br", ()), ("span", (("class", "address"),))}
    assert "&lt;script&gt;" in html and "&amp;amp;" in html and "http://evil" in html


class Tags(HTMLParser):
    """The elements and attributes a piece of HTML really has."""

    def __init__(self):
        super().__init__()
        self.seen = set()

    def handle_starttag(self, tag, attrs):
        self.seen.add((tag, tuple(attrs)))


def test_addresses_are_not_hyphenated():
    html = to_html("Se www.jammerbugt.dk eller skriv til post@jammerbugt.dk.", MONTHS)
    assert 'Se <span class="address">www.jammerbugt.dk</span>' in html  # after a short word: see below
    assert 'til<span class="address"> post@jammerbugt.dk</span>' in html


def test_a_span_takes_the_space_before_it():
    """WeasyPrint counts a text's final space against the line's width: a text that fitted only
    without it, followed by a span, had its first word hyphenated ("Gen-" alone on a line). After a
    word of one or two letters the space stays outside: WeasyPrint does not break at a span's first
    space, and carried the short word to the next line with the span (p.22's "i Jammerbugt"); in a
    name (a matrix head) the space goes in all the same, so that "Sundheds- og" stays on its line."""
    words = (("Jammerbugt", "Jammer-bugt"),)
    html = to_html("Gennem projekter understøtter Jammerbugt Kommune", MONTHS, words)
    assert html == '<p>Gennem projekter understøtter<span class="hy"> Jammer\u00adbugt</span> Kommune</p>'
    assert to_html("I Jammerbugts by", MONTHS, words) == '<p>I <span class="hy">Jammer\u00adbugts</span> by</p>'
    assert with_word_breaks("I Jammerbugts by", words) == 'I<span class="hy"> Jammer\u00adbugts</span> by'
    assert with_word_breaks("Byen Jammerbugts", words) == 'Byen<span class="hy"> Jammer\u00adbugts</span>'
    assert with_word_breaks("Jammerbugt", words) == '<span class="hy">Jammer\u00adbugt</span>'


def test_normalise_keeps_every_word():
    text = "  • indrykket punkt\n\r\nTekst efter"
    assert normalise(text) == "- indrykket punkt\n\nTekst efter"


def test_empty_cell_is_empty_html():
    assert to_html(None) == "" and to_html("  \n ") == ""


def test_the_longest_part_a_name_must_keep_on_one_line():
    """A matrix head is lettered when this part is wider than its column (style.css.j2's widths)."""
    from reportgen.render.text import longest_unbroken
    words = (("Landdistriktsudvalget", "Land-distrikts-udvalget"),)
    assert longest_unbroken("Kultur-, Fritids- og Landdistriktsudvalget", words) == 9  # "distrikts"
    assert longest_unbroken("Kultur-, Fritids- og Landdistriktsudvalget", ()) == 21
    assert longest_unbroken("Vej/Trafik og Beskæftigelsesindsats", ()) == 21
    assert longest_unbroken("", ()) == 0


def test_a_heads_widest_part_is_measured_in_its_font_not_counted_in_letters() -> None:
    """'sundhedsfremme' (14 letters: 22.4 mm by the old 1.6 mm a letter) is wider in the heads' semibold face
    at 7.5 pt, and 'iiiiiiiiiiiiii' far narrower; a listed word's breaks cut it, as in longest_unbroken."""
    from reportgen.paths import default_templates_dir
    from reportgen.render.text import widest_unbroken

    semibold = default_templates_dir() / "assets" / "fonts" / "OpenSans-Semibold.ttf"
    assert widest_unbroken("Medarbejdere sundhedsfremme", (), semibold, 7.5) > 14 * 1.6
    assert widest_unbroken("iiiiiiiiiiiiii", (), semibold, 7.5) < 14 * 1.6 / 2
    whole = widest_unbroken("Kulturforvaltningen", (), semibold, 7.5)
    listed = (("kulturforvaltningen", "Kultur-forvaltningen"),)
    assert widest_unbroken("Kulturforvaltningen", listed, semibold, 7.5) < whole
