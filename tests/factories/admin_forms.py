"""POST data for the page editor, as Wagtail 7.4's admin forms read it."""

from wagtail.test.utils.form_data import rich_text

from home.blocks import RICH_TEXT_FEATURES


def article_form_data(title, slug, paragraph_html=None, **extra):
    """An ArticlePage editor POST, optionally with one paragraph in the body.

    StreamField data: `body-count`, then per block `-type`, `-value`, `-deleted` ("" = kept),
    `-order` and `-id` ("" = new block). A rich-text value is Draftail's contentstate JSON, not
    HTML, hence `rich_text()`.
    """
    data = {
        "title": title,
        "slug": slug,
        "publish_date": "2026-11-20 10:00",
        "body-count": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
    }
    if paragraph_html is not None:
        data.update(
            {
                "body-count": "1",
                "body-0-type": "paragraph",
                "body-0-value": rich_text(paragraph_html, features=RICH_TEXT_FEATURES),
                "body-0-deleted": "",
                "body-0-order": "0",
                "body-0-id": "",
            }
        )
    data.update(extra)
    return data
