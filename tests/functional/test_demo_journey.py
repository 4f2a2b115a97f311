"""With the demo data loaded, the pages a newcomer clicks through all work."""
import re

import pytest


@pytest.fixture
def demo(app, seed_demo_once_encoded):
    with app.app_context():
        seed_demo_once_encoded()


def test_every_linked_page_of_the_demo_renders(client, demo):
    seen, queue = set(), ["/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype != "text/html":
            continue
        for link in re.findall(r'href="(/[^"#]*)"', response.get_data(as_text=True)):
            link = link.replace("&amp;", "&")
            if link.startswith(("/counties/", "/products", "/cooperatives/", "/media/")) and len(seen) < 400:
                queue.append(link)
    assert any(u.startswith("/counties/") for u in seen) and any(u.startswith("/cooperatives/") for u in seen)


def test_search_for_jujubes_in_the_demo(client, demo):
    text = client.get("/products?q=红枣").get_data(as_text=True)
    assert "新疆柯坪红枣" in text and "乌什纸皮核桃" not in text
