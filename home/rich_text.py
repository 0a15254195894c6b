"""Rich text is sanitised when it is stored, whatever path it came by (admin, import, API).

The admin editor already limits features, but imports and scripts write HTML directly:
anything outside Wagtail's stored rich-text format is removed here.
"""

from bs4 import BeautifulSoup, Comment
from wagtail import blocks
from wagtail.fields import RichTextField

ALLOWED_TAGS = {
    "p": set(),
    "br": set(),
    "h2": set(),
    "h3": set(),
    "h4": set(),
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "ol": set(),
    "ul": set(),
    "li": set(),
    "hr": set(),
    # Stored links: <a href="…">, <a linktype="page" id="3">, <a linktype="document" id="5">.
    "a": {"href", "linktype", "id"},
    # Stored images and media: <embed embedtype="image" id="7" format="left" alt="…">.
    "embed": {"embedtype", "id", "format", "alt", "url"},
}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "template", "noscript", "svg", "math", "form"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#", "?")


def sanitise_html(html):
    if not html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    for element in soup.find_all(True):
        if element.decomposed:
            continue
        name = element.name.lower()
        if name in DROP_WITH_CONTENT:
            element.decompose()
            continue
        if name not in ALLOWED_TAGS:
            element.unwrap()
            continue
        allowed = ALLOWED_TAGS[name]
        for attribute in list(element.attrs):
            if attribute not in allowed:
                del element.attrs[attribute]
        href = element.attrs.get("href")
        if href is not None and not href.strip().lower().startswith(SAFE_SCHEMES):
            del element.attrs["href"]
    return str(soup)


class SanitisedRichTextBlock(blocks.RichTextBlock):
    def get_prep_value(self, value):
        return sanitise_html(super().get_prep_value(value))


class SanitisedRichTextField(RichTextField):
    def get_prep_value(self, value):
        return sanitise_html(super().get_prep_value(value))
