"""The parsed catalog kept as JSON in the user's cache folder (issue 6, D-118): the
same catalog as from the YAML, read instead of the YAML once written, never a stale or broken
copy, and validated by the catalog model on every load (R-EX-2: the catalog is data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import calfcoach.catalog as packaged
from calfcoach.catalog import CATALOG_FILE, cache_file, load_catalog, parse_catalog
from calfcoach.core.catalog import Catalog
from calfcoach.errors import InputError

YAML_TEXT = Path(packaged.__file__).with_name(CATALOG_FILE).read_text(encoding="utf-8")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # platformdirs' user cache on Linux
    monkeypatch.delenv("CALFCOACH_CATALOG_CACHE", raising=False)
    return tmp_path


def fresh_load() -> Catalog:
    return load_catalog.__wrapped__()  # past functools.cache


def dumped(catalog: Catalog) -> list[dict[str, object]]:
    return [exercise.model_dump() for exercise in catalog]


def test_the_first_load_writes_the_yaml_data_named_by_its_hash(cache_home: Path) -> None:
    path = cache_file(YAML_TEXT)
    assert path is not None and cache_home in path.parents and not path.exists()
    catalog = fresh_load()
    assert json.loads(path.read_text(encoding="utf-8")) == yaml.safe_load(YAML_TEXT)
    assert dumped(catalog) == dumped(parse_catalog(YAML_TEXT, complete=True))
    assert cache_file(YAML_TEXT + "\n# changed\n") != path  # another YAML, another file


def test_a_later_load_reads_the_cache_not_the_yaml(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = dumped(fresh_load())

    def no_yaml(text: str, source: str) -> object:
        raise AssertionError("the YAML was parsed although the cache was there")

    monkeypatch.setattr(packaged, "_yaml_data", no_yaml)
    assert dumped(fresh_load()) == first


def test_the_cached_data_is_validated_like_the_yaml(cache_home: Path) -> None:
    path = cache_file(YAML_TEXT)
    assert path is not None
    data = yaml.safe_load(YAML_TEXT)
    data["exercises"][0]["knee"] = "sideways"  # R-EX-1: straight / bent / n.a. only
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=CATALOG_FILE):
        fresh_load()


def test_a_broken_cache_is_ignored_and_written_again(cache_home: Path) -> None:
    path = cache_file(YAML_TEXT)
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_text('{"exercises": [', encoding="utf-8")  # cut short
    assert len(fresh_load()) == len(parse_catalog(YAML_TEXT))
    assert json.loads(path.read_text(encoding="utf-8")) == yaml.safe_load(YAML_TEXT)


def test_an_unwritable_cache_folder_only_costs_the_yaml(cache_home: Path) -> None:
    (cache_home / "calfcoach").write_text("a file where the folder should be")
    assert len(fresh_load()) == len(parse_catalog(YAML_TEXT))


def test_turned_off_nothing_is_written(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALFCOACH_CATALOG_CACHE", "0")
    assert cache_file(YAML_TEXT) is None
    fresh_load()
    assert not any(cache_home.iterdir())
