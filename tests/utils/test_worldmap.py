"""The world map's shading: steps that grow with the largest count, every count in one step."""
from __future__ import annotations

from app.utils import worldmap


def test_small_counts_get_a_step_each_and_large_ones_growing_steps():
    assert worldmap.bins(0) == []
    assert worldmap.bins(3) == [(1, 1), (2, 2), (3, 3)]
    assert worldmap.bins(1000) == [(1, 3), (4, 15), (16, 62), (63, 250), (251, 1000)]


def test_every_country_falls_in_exactly_one_step_of_the_legend():
    counts = {"KZ": 1000, "PK": 250, "NO": 63, "SN": 4, "MN": 3, "FR": 1}
    assert worldmap.legend(counts) == [((1, 3), worldmap.SHADES[0], 2), ((4, 15), worldmap.SHADES[1], 1),
                                       ((16, 62), worldmap.SHADES[2], 0), ((63, 250), worldmap.SHADES[3], 2),
                                       ((251, 1000), worldmap.SHADES[4], 1)]


def test_the_map_names_each_country_by_its_code_and_shades_it():
    svg = worldmap.draw({"KZ": 5, "FR": 1}, title="Delegates")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<title>Delegates</title>" in svg
    assert f'<g fill="{worldmap.SHADES[-1]}"><g class="kz">' in svg
    assert f'<g fill="{worldmap.SHADES[0]}"><g class="fr">' in svg
