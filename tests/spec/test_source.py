from __future__ import annotations

import time
from decimal import Decimal

import pytest

from maatwerk.spec.errors import SpecError
from maatwerk.spec.source import load_file, load_text


def test_plain_scalars_follow_the_core_schema() -> None:
    source = load_text("a: 1.896\nb: 18\nc: no\nd: 2025-01-01\ne: true\nf: '7'\ng: ~\n", "x.yaml")
    assert source.data == {"a": Decimal("1.896"), "b": 18, "c": "no", "d": "2025-01-01",
                           "e": True, "f": "7", "g": None}


def test_positions_of_keys_and_values() -> None:
    source = load_text("rules:\n  x:\n    formula: a + b\n", "x.yaml")
    assert str(source.position(("rules", "x", "formula"))) == "x.yaml:3:14"
    assert str(source.position(("rules", "x"), key=True)) == "x.yaml:2:3"


@pytest.mark.parametrize(("text", "offset", "where"), [
    ("f: a + bb\n", 4, "x.yaml:1:8"),
    ("f: 'a + bb'\n", 4, "x.yaml:1:9"),
    ("f: |\n  max(0,\n      bb)\n", 7, "x.yaml:3:7"),
    ("f: >-\n  a +\n  bb\n", 4, "x.yaml:3:3"),
])
def test_offsets_inside_a_formula_map_to_the_file(text: str, offset: int, where: str) -> None:
    assert str(load_text(text, "x.yaml").position_in(("f",), offset)) == where


def test_duplicate_keys_name_the_first_occurrence() -> None:
    with pytest.raises(SpecError) as info:
        load_text("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert str(info.value) == ("x.yaml:3:1: MW103 a: the key 'a' occurs twice in this mapping "
                               "(first at line 1)")


def test_anchor_bomb_is_refused_at_once() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    start = time.process_time()
    with pytest.raises(SpecError) as info:
        load_text(bomb, "bomb.yaml")
    assert info.value.code == "MW104"
    assert time.process_time() - start < 5  # CPU seconds: expanded, it would never finish


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(SpecError) as info:
        load_text("a: " + "[" * 5000 + "]" * 5000, "deep.yaml")
    assert info.value.code == "MW105"


def test_tags_are_refused() -> None:
    with pytest.raises(SpecError) as info:
        load_text("a: !!python/object:os.system x\n", "x.yaml")
    assert info.value.code == "MW104"


def test_a_second_document_is_refused() -> None:
    with pytest.raises(SpecError) as info:
        load_text("a: 1\n---\nb: 2\n", "x.yaml")
    assert info.value.code == "MW102"
    assert info.value.position is not None and info.value.position.line == 2


def test_unreadable_and_non_utf8_files(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "latin1.yaml"  # type: ignore[operator]
    path.write_bytes("titel: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpecError) as info:
        load_file(path)
    assert info.value.code == "MW101" and "not UTF-8" in info.value.message
    with pytest.raises(SpecError) as missing:
        load_file(tmp_path / "absent.yaml")  # type: ignore[operator]
    assert missing.value.code == "MW101"


def test_syntax_error_points_at_the_problem() -> None:
    with pytest.raises(SpecError) as info:
        load_text("a: [1, 2\nb: 3\n", "x.yaml")
    assert info.value.code == "MW102"
    assert info.value.position is not None and info.value.position.line == 2
