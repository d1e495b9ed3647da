from __future__ import annotations

from app.agenda import services as svc


def test_render_markdown_keeps_formatting_and_escapes_html():
    html = str(svc.render_markdown("**Bold** and [site](https://example.org) <b>raw</b>"))
    assert html == ('<p><strong>Bold</strong> and <a href="https://example.org" rel="noopener noreferrer nofollow">'
                    'site</a> &lt;b&gt;raw&lt;/b&gt;</p>\n')


def test_render_markdown_drops_script_links():
    assert str(svc.render_markdown("[x](javascript:alert(1))")) == "<p>[x](javascript:alert(1))</p>\n"
