from home.rich_text import sanitise_html


def test_scripts_styles_and_handlers_are_removed():
    dirty = (
        '<p onclick="steal()">正文<script>alert(1)</script><style>p{}</style></p>'
        '<iframe src="https://evil.example"></iframe><img src=x onerror="alert(2)">'
    )
    clean = sanitise_html(dirty)
    assert clean == "<p>正文</p>"


def test_dangerous_link_schemes_are_dropped_but_stored_links_kept():
    clean = sanitise_html(
        '<p><a href="javascript:alert(1)">坏链接</a><a linktype="page" id="3">站内</a>'
        '<a href="https://www.gov.cn/">中国政府网</a></p>'
    )
    assert "javascript" not in clean
    assert '<a id="3" linktype="page">站内</a>' in clean or '<a linktype="page" id="3">站内</a>' in clean
    assert '<a href="https://www.gov.cn/">中国政府网</a>' in clean


def test_unknown_tags_are_unwrapped_keeping_their_text():
    assert sanitise_html("<div><span>通知</span></div>") == "通知"
