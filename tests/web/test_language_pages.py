"""The pages in the reader's language beyond their words: the language switch, statement links
that keep the language, plan names, kinds and dates written as the page's language writes them."""

from __future__ import annotations

import re

from .conftest import HTML
from .test_pages import sign_in


def test_the_language_switch_marks_the_language_of_the_page(client):
    uk = client.get("/signin?lang=uk", headers=HTML).text
    assert '<a href="?lang=uk" hreflang="uk" lang="uk" aria-current="true" class="on">uk</a>' in uk
    assert '<a href="?lang=en" hreflang="en" lang="en">en</a>' in uk
    en = client.get("/signin?lang=en", headers=HTML).text
    assert '<a href="?lang=en" hreflang="en" lang="en" aria-current="true" class="on">en</a>' in en
    assert "&#34;" not in uk + en
