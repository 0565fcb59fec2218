"""``autograder.sanitize``: what a student wrote in markdown is shown to someone else
(the feedback page, the formgrader) without anything that runs or calls home."""

import pytest

from autograder.sanitize import clean_html

PNG = "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize(
    "html, gone",
    [
        ("<p>hi<script>alert(1)</script></p>", "alert"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">go</a>', "javascript"),
        ('<a href="data:text/html,<script>alert(1)</script>">go</a>', "data:"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "svg"),
        ('<img src="https://tracker.example/p.gif?who=me">', "tracker.example"),
        ('<img src="//tracker.example/p.gif">', "tracker.example"),
        ('<img src="http://tracker.example/p.gif">', "tracker.example"),
        ("<iframe src='https://example.org'></iframe>", "iframe"),
        ("<style>body { display: none }</style><p>text</p>", "display"),
        ('<form action="https://example.org"><input name="q"></form>', "form"),
        ('<p style="position: fixed; top: 0">over the page</p>', "position"),
    ],
)
def test_active_or_remote_content_is_removed(html, gone):
    assert gone not in clean_html(html)


def test_text_formatting_and_embedded_images_stay():
    html = (
        f'<h2 id="my-answer">My answer</h2><p><b>bold</b> and <code>x**2</code></p>'
        f'<img src="{PNG}" alt="my sketch"><a href="https://example.org">a source</a>'
        '<table><tr><td style="text-align: right">1</td></tr></table>'
    )
    cleaned = clean_html(html)
    for kept in ("My answer", "<b>bold</b>", "<code>x**2</code>", PNG, 'alt="my sketch"'):
        assert kept in cleaned
    assert 'href="https://example.org"' in cleaned and "noopener" in cleaned
    assert "text-align:right" in cleaned
